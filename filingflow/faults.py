"""Fault injection for crash-safety tests: `point(name)` kills this process
with SIGKILL when the environment variable FILINGFLOW_KILL_AT equals `name`,
and raises OSError(ENOSPC), as a full disk does, when FILINGFLOW_FAIL_AT does.

SIGKILL, not an exception: nothing runs after it (no finally, no rollback,
no atexit), exactly like the OOM killer or a pulled plug on the process.
In a worker of the run's parse pool the run's own process is killed first:
the fault stops the run, as `kill -9` of the job would, not just a worker.
The variables are read once, at import, so unset ones cost two comparisons
per point."""
from __future__ import annotations

import errno
import multiprocessing
import os
import signal

ENV = "FILINGFLOW_KILL_AT"
FAIL_ENV = "FILINGFLOW_FAIL_AT"
# Where the pipeline can be killed; tests/integration/test_crash.py kills it at each one.
POINTS = (
    "parse",           # inside a parse chunk (in a pool worker when the run has one), after its first file
    "parquet_write",   # after a chunk's first staged Parquet part was written, before the others
    "expectations",    # inside the Great Expectations run
    "load",            # inside the DuckDB load transaction, rows inserted, not committed
    "commit",          # just after the load's COMMIT: the run only in the warehouse's WAL, not checkpointed
    "publish",         # during the lake publish, after its first table moved
)

# Where a write can fail for want of space; tests/integration/test_disk_full.py fails each one.
WRITE_POINTS = (
    "parquet",         # writing a staged Parquet part
    "wal",             # the load's COMMIT, which writes the run's transaction to the warehouse's WAL
    "checkpoint",      # folding the WAL into the warehouse file, after the commit
    "publish",         # the lake publish, after the warehouse commit
)

_TARGET = os.environ.get(ENV) or None
_FAIL = os.environ.get(FAIL_ENV) or None
_run_pid: int | None = None  # in a child forked to read a chunk (flows/parse_pool.py): the run's process


def forked_from(pid: int) -> None:
    """This process is a child the run forked: a fault here kills the run too."""
    global _run_pid
    _run_pid = pid


def point(name: str) -> None:
    if _FAIL == name:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC) + f" (injected at {name})")
    if _TARGET == name:
        # The process that started this worker (under a forkserver, not os.getppid()).
        run = multiprocessing.parent_process()
        if run is not None or _run_pid is not None:
            os.kill(run.pid if run is not None else _run_pid, signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)
