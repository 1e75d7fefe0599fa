"""Reading a chunk in a forked child (flows/parse_pool.py::read_in_child): the result comes back; an item
the child is stuck on past the limit (even with signals blocked) or dies on is given up, and the other
items are read again in a new child; an exception of the reader reaches the caller; children
reading at once are bounded across threads; the child sets what it inherited aside from the garbage collector and still collects cycles."""
from __future__ import annotations

import os
import signal
import time

import pytest

from flows import parse_pool

pytestmark = pytest.mark.skipif(not parse_pool.can_fork(), reason="needs fork")


def _read(items):
    out = []
    for item in items:
        if item == "stuck":  # a C call that never looks for signals
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(3600)
        if item == "crash":
            os.kill(os.getpid(), signal.SIGKILL)
        if item == "raise":
            raise ValueError("reader bug")
        out.append((item, os.getpid()))
    return out


def test_the_result_comes_back_from_a_child(monkeypatch):
    result, given_up = parse_pool.read_in_child(_read, ["a", "b"], 5)
    assert [item for item, _ in result] == ["a", "b"] and given_up == []
    assert {pid for _, pid in result} != {os.getpid()}


def test_an_item_stuck_past_the_limit_or_crashing_is_given_up_the_rest_read(monkeypatch):
    monkeypatch.setattr(parse_pool, "KILL_GRACE_SECONDS", 0.5)
    result, given_up = parse_pool.read_in_child(_read, ["a", "stuck", "b", "crash", "c"], 0.5)
    assert [item for item, _ in result] == ["a", "b", "c"]
    assert given_up == [(1, "timeout"), (3, "crash:killed by signal 9")]


def test_a_reader_exception_reaches_the_caller():
    with pytest.raises(ValueError, match="reader bug"):
        parse_pool.read_in_child(_read, ["a", "raise"], 5)


def _collector_state(items):
    import gc
    import weakref

    class Node:
        pass

    node = Node()
    node.self = node  # a reference cycle made while reading: garbage once dropped
    alive = weakref.ref(node)
    del node
    gc.collect(0)
    return [(gc.get_freeze_count(), gc.get_threshold()[0], alive() is None)]


def test_a_reading_child_sets_its_imports_aside_from_the_collector_and_still_collects_cycles():
    (frozen, threshold, cycle_collected), = parse_pool.read_in_child(_collector_state, ["a"], 5)[0]
    assert frozen > 1000  # what the process had imported before forking
    assert threshold == parse_pool.READING_GC_THRESHOLD
    assert cycle_collected
    import gc
    assert gc.get_freeze_count() == 0  # the caller's process is left as it was


def _overlap(items):
    # Each child leaves a mark while it reads and counts the marks it sees: the children alive at once.
    folder, = items
    mark = os.path.join(folder, str(os.getpid()))
    open(mark, "w").close()
    time.sleep(0.3)
    seen = len(os.listdir(folder))
    os.remove(mark)
    return [seen]


def test_children_reading_at_once_are_bounded_across_threads(monkeypatch, tmp_path):
    import threading

    monkeypatch.setattr(parse_pool, "CHILDREN", threading.BoundedSemaphore(2))
    seen: list[int] = []
    threads = [threading.Thread(target=lambda: seen.extend(parse_pool.read_in_child(_overlap, [str(tmp_path)], 5)[0]))
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 6 and max(seen) <= 2
