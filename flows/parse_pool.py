"""Worker processes that read a run's files, one pool per run.

The flow starts the pool before its parse tasks and stops it once they are
done (`running`); each parse task hands its whole chunk to one worker
(`current().submit`), which reads the files and writes the chunk's Parquet
parts itself, so rows never travel between processes and the flow's process
stays free for Prefect.

Workers come from a "forkserver": a clean single-threaded process, started
once per Python process, that has imported the pipeline and forks a worker
in milliseconds. Forking the flow's process itself would copy Prefect's and
DuckDB's threads' locks in whatever state they are; "spawn" would import the
pipeline again in every worker. Like any start method but "fork", the
forkserver imports the __main__ module in each worker: a script calling
`nightly` must do so under `if __name__ == "__main__":`.

A run parses in its own process (no pool) when one worker is asked for, when
its files fit in one chunk, when the process is a daemon (a Dask worker
process, say), which may not have children, or, unless a number of workers is
asked for, when it has fewer than POOL_MIN_FILES files: starting the pool
costs about two CPU-seconds, more than a second core saves on fewer files
(the incremental nightly run is usually such a run). Such a run still reads
each chunk in a forked child process (`read_in_child`) whenever a per-file
time limit is set, so that a reader stuck in C can be stopped."""
from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import select
import signal
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from filingflow import faults

T = TypeVar("T")
R = TypeVar("R")

# Imported by the forkserver before it forks any worker.
PRELOAD = ["flows.pipeline"]
POOL_MIN_FILES = 3000

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None  # the running run's pool, in the flow's process


def worker_count(requested: int | None, files: int | None = None) -> int:
    """Workers to use: as asked, else one per CPU this process may run on (one for fewer than
    POOL_MIN_FILES `files`)."""
    if requested:
        return requested
    if files is not None and files < POOL_MIN_FILES:
        return 1
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def in_process(workers: int, chunks: int) -> bool:
    return workers <= 1 or chunks <= 1 or multiprocessing.current_process().daemon


@contextmanager
def running(workers: int, chunks: int) -> Iterator[None]:
    """A pool of up to `workers` processes while the block runs (none when the run parses in-process)."""
    global _pool
    if in_process(workers, chunks):
        yield
        return
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
    else:  # Windows: each worker imports the pipeline itself
        context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=min(workers, chunks), mp_context=context,
                               initializer=_start_worker)
    with _lock:
        _pool = pool
    try:
        yield
    finally:
        with _lock:
            _pool = None
        pool.shutdown(wait=True, cancel_futures=True)


def current() -> ProcessPoolExecutor | None:
    """The pool of the run going on in this process, if it has one."""
    with _lock:
        return _pool


def _start_worker() -> None:
    # Ctrl-C reaches every process of the terminal's group: the run handles it (flows/stopping.py) and
    # stops its workers; a worker printing its own KeyboardInterrupt would only add noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    reading_process()


# Objects allocated between two young-generation collections of a reading process (Python's default: 700).
READING_GC_THRESHOLD = 10_000


def reading_process() -> None:
    """Garbage collection for a process that only reads files: what it has imported (the pipeline, the
    readers, and in a forked child the run's own objects) is never garbage, so it is set aside from
    the collector (`gc.freeze`), which otherwise walks it all whenever a chunk's rows pile up; young
    collections run less often, as a chunk's rows live until its Parquet is written. Cycles are
    still collected. About 7% of a chunk's CPU, by profile."""
    gc.freeze()
    gc.set_threshold(READING_GC_THRESHOLD, *gc.get_threshold()[1:])


# --- the in-process path: each chunk read in a forked child that can be stopped ------------------------

# How long past the per-file limit a child may go on before it is killed: inside its limit, SIGALRM
# stops the reader (flows/time_limit.py); only a C call that never checks for signals needs the kill.
KILL_GRACE_SECONDS = 5.0

# Children reading at once, across the run's parse tasks: Prefect's thread runner starts every chunk's
# task together, and more children than CPUs would only share the CPUs, each child's file then taking
# several times its own time against the per-file limit (and its memory held the longer).
CHILDREN = threading.BoundedSemaphore(worker_count(None))


class ChildDied(RuntimeError):
    """The child reading a chunk ended without its result (killed from outside, or a crash in C)."""


def can_fork() -> bool:
    return hasattr(os, "fork") and "fork" in multiprocessing.get_all_start_methods()


def read_in_child(read: Callable[[Iterable[T]], R], items: list[T], seconds: float
                  ) -> tuple[R, list[tuple[int, str]]]:
    """`read(items)` in a forked child of this process; returns its result and the items given up on
    as (index into `items`, why): "timeout" when one ran past `seconds` (+ KILL_GRACE_SECONDS) and its
    child was killed, "crash" when the child died on it. The other items are read again in a new child.

    A regular expression backtracking in C holds the GIL: no thread of this process can stop it, or do
    anything at all, until it returns. A child process can be killed whatever it is doing; fork makes
    one in milliseconds (its memory is this process's, copied on write), and it runs one thread only,
    its main thread, where SIGALRM interrupts even a regular expression. The child touches neither
    Prefect nor the warehouse: it reads files and writes the chunk's staged Parquet, as a pool worker."""
    given_up: list[tuple[int, str]] = []
    remaining = list(range(len(items)))
    while True:
        with CHILDREN:
            done, result, at, why = _one_child(read, [items[i] for i in remaining], seconds + KILL_GRACE_SECONDS)
        if done:
            return result, given_up
        given_up.append((remaining[at], why))
        del remaining[at]


_STARTED, _FINISHED, _RESULT = b"S", b"D", b"R"


def _one_child(read, items: list, deadline_seconds: float) -> tuple[bool, Any, int, str]:
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; coverage does not follow it
        os.close(readable)
        _child(read, items, writable)
    os.close(writable)
    started: int | None = None
    try:
        with os.fdopen(readable, "rb", buffering=0) as pipe:
            buffer = b""
            deadline = None
            while True:
                wait = None if deadline is None else max(0.0, deadline - time.monotonic())
                if not select.select([pipe], [], [], wait)[0]:
                    _kill(pid)
                    return False, None, started, "timeout"
                chunk = pipe.read(1 << 16)
                if not chunk:
                    status = _reap(pid)
                    if started is not None:
                        return False, None, started, f"crash:{status}"
                    raise ChildDied(f"the process reading the chunk ended without a result ({status})")
                buffer += chunk
                while buffer[:1] in (_STARTED, _FINISHED) and (buffer[:1] == _FINISHED or len(buffer) >= 5):
                    if buffer[:1] == _STARTED:
                        started = struct.unpack("<I", buffer[1:5])[0]
                        deadline, buffer = time.monotonic() + deadline_seconds, buffer[5:]
                    else:
                        started, deadline, buffer = None, None, buffer[1:]
                if buffer[:1] == _RESULT and len(buffer) >= 9:
                    size = struct.unpack("<Q", buffer[1:9])[0]
                    while len(buffer) < 9 + size:
                        more = pipe.read(9 + size - len(buffer))
                        if not more:
                            raise ChildDied(f"the process reading the chunk ended mid-result ({_reap(pid)})")
                        buffer += more
                    _reap(pid)
                    outcome, value = pickle.loads(buffer[9:9 + size])
                    if outcome == "error":
                        raise value
                    return True, value, -1, ""
    except BaseException:
        _kill(pid)  # Ctrl-C, or any error here: the child never outlives its reader
        raise


def _child(read, items: list, writable: int) -> None:  # pragma: no cover - runs in the child
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle: it kills this child
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.set_wakeup_fd(-1)  # the run's signal pipe is the run's, not this copy's
        faults.forked_from(os.getppid())
        reading_process()
        out = os.fdopen(writable, "wb", buffering=0)

        def announced():
            for index, item in enumerate(items):
                out.write(_STARTED + struct.pack("<I", index))
                yield item
            out.write(_FINISHED)

        try:
            payload = pickle.dumps(("ok", read(announced())))
        except Exception as exc:  # noqa: BLE001 - handed to the run, which raises it as a task failure
            try:
                payload = pickle.dumps(("error", exc))
            except Exception:  # noqa: BLE001 - an exception that does not pickle: its text
                payload = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
        out.write(_RESULT + struct.pack("<Q", len(payload)))
        out.write(payload)
    except BaseException:  # noqa: BLE001 - nothing may escape into the copy of the run's own code
        code = 1
    finally:
        os._exit(code)  # no atexit, no finalisers of objects this copy shares with the run


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    _reap(pid)


def _reap(pid: int) -> str:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return "already reaped"
    code = os.waitstatus_to_exitcode(status)
    return f"killed by signal {-code}" if code < 0 else f"exit status {code}"
