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

Values every chunk needs (the loaded files' hashes) go to each worker once,
when it starts (`shared`), not with every chunk.

A run parses in its own process (no pool) when one worker is asked for, when
its files fit in one chunk, when the process is a daemon (a Dask worker
process, say), which may not have children, or, unless a number of workers is
asked for, when it has fewer than POOL_MIN_FILES files: starting the pool
costs about two CPU-seconds, more than a second core saves on fewer files
(the incremental nightly run is usually such a run)."""
from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

# Imported by the forkserver before it forks any worker.
PRELOAD = ["flows.pipeline"]
POOL_MIN_FILES = 3000

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None  # the running run's pool, in the flow's process
_shared: Any = None  # in a worker: the value its pool was started with


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
def running(workers: int, chunks: int, shared: Any) -> Iterator[None]:
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
                               initializer=_start_worker, initargs=(shared,))
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


def shared() -> Any:
    """In a worker: the value its pool was started with."""
    return _shared


def _start_worker(value: Any) -> None:
    global _shared
    _shared = value
