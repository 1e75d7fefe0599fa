"""The swap of a run's copy of the warehouse: never with the commit still in a WAL, never after a
failed write; a copy that was not swapped in is removed whole."""
from __future__ import annotations

import errno
import hashlib
import threading

import duckdb
import pytest

from filingflow import faults, warehouse


def _live(tmp_path):
    live = tmp_path / "wh.duckdb"
    con = duckdb.connect(str(live))
    con.execute("CREATE TABLE t AS SELECT 1 AS a")
    con.close()
    return live, hashlib.sha256(live.read_bytes()).hexdigest()


def test_a_commit_left_in_the_wal_is_not_swapped_in(tmp_path):
    live, before = _live(tmp_path)
    work = warehouse.begin_run(live)
    work.with_name(work.name + ".wal").write_bytes(b"a commit the checkpoint could not fold in")
    with pytest.raises(RuntimeError, match="still in wh.duckdb.next.wal"):
        warehouse.promote(work, live)
    assert hashlib.sha256(live.read_bytes()).hexdigest() == before
    warehouse.discard_run_copy(work)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wh.duckdb"]


def test_a_failed_swap_leaves_the_live_file(tmp_path, monkeypatch):
    live, before = _live(tmp_path)
    work = warehouse.begin_run(live)
    monkeypatch.setattr(faults, "_FAIL", "swap")
    with pytest.raises(OSError) as info:
        warehouse.promote(work, live)
    assert info.value.errno == errno.ENOSPC and "No space left on device" in str(info.value)
    assert hashlib.sha256(live.read_bytes()).hexdigest() == before and work.exists()


def test_a_swap_replaces_the_live_file_whole(tmp_path):
    live, before = _live(tmp_path)
    work = warehouse.begin_run(live)
    con = duckdb.connect(str(work))
    con.execute("INSERT INTO t VALUES (2)")
    con.execute("CHECKPOINT")
    con.close()
    warehouse.promote(work, live)
    assert not work.exists()
    con = duckdb.connect(str(live), read_only=True)
    assert con.execute("SELECT sum(a) FROM t").fetchone() == (3,)
    con.close()


@pytest.fixture
def commit_gate(monkeypatch):
    """A gate of this test's own: closing commits is for good in a process."""
    monkeypatch.setattr(warehouse, "_commit_gate", threading.RLock())
    monkeypatch.setattr(warehouse, "_commits_closed", False)


def test_no_swap_once_commits_are_closed(tmp_path, commit_gate):
    live, before = _live(tmp_path)
    work = warehouse.begin_run(live)
    warehouse.close_commits()
    with pytest.raises(warehouse.CommitsClosed, match="the command is stopping"):
        warehouse.promote(work, live)
    assert hashlib.sha256(live.read_bytes()).hexdigest() == before and work.exists()


def test_closing_commits_waits_for_a_swap_under_way(tmp_path, commit_gate, monkeypatch):
    live, before = _live(tmp_path)
    work = warehouse.begin_run(live)
    in_swap, go_on = threading.Event(), threading.Event()

    def slow_point(name):
        in_swap.set()
        go_on.wait(10)

    monkeypatch.setattr(faults, "point", slow_point)
    swap = threading.Thread(target=warehouse.promote, args=(work, live))
    swap.start()
    assert in_swap.wait(10)
    closer = threading.Thread(target=warehouse.close_commits)
    closer.start()
    closer.join(0.2)
    assert closer.is_alive(), "close_commits returned while a swap was under way"
    go_on.set()
    swap.join(10)
    closer.join(10)
    assert not closer.is_alive()
    assert hashlib.sha256(live.read_bytes()).hexdigest() != before and not work.exists()
