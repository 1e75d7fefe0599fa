"""Fault injection for crash-safety tests: `point(name)` kills this process
with SIGKILL when the environment variable FILINGFLOW_KILL_AT equals `name`.

SIGKILL, not an exception: nothing runs after it (no finally, no rollback,
no atexit), exactly like the OOM killer or a pulled plug on the process.
In a worker of the run's parse pool the run's own process is killed first:
the fault stops the run, as `kill -9` of the job would, not just a worker.
The variable is read once, at import, so an unset variable costs one
comparison per point."""
from __future__ import annotations

import multiprocessing
import os
import signal

ENV = "FILINGFLOW_KILL_AT"
# Where the pipeline can be killed; tests/integration/test_crash.py kills it at each one.
POINTS = (
    "parse",           # inside a parse chunk (in a pool worker when the run has one), after its first file
    "parquet_write",   # after a chunk's first staged Parquet part was written, before the others
    "expectations",    # inside the Great Expectations run
    "load",            # inside the DuckDB load transaction, rows inserted, not committed
    "promote",         # after the new warehouse was swapped in, before the lake publish
    "publish",         # during the lake publish, after its first table moved
)

_TARGET = os.environ.get(ENV) or None


def point(name: str) -> None:
    if _TARGET == name:
        # The process that started this worker (under a forkserver, not os.getppid()).
        run = multiprocessing.parent_process()
        if run is not None:
            os.kill(run.pid, signal.SIGKILL)
        os.kill(os.getpid(), signal.SIGKILL)
