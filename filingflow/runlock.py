"""One writer at a time: a run holds an exclusive lock next to the warehouse.

The lock file says which run holds it, so a second run can name it. The lock
is an OS file lock (flock): it goes away with the process, even on SIGKILL.
It sits beside the warehouse's resolved path (symlinks, `..` and relative
spellings followed), so two spellings of one warehouse share one lock."""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class RunLocked(RuntimeError):
    """Another run holds the warehouse."""


def resolved(warehouse: Path) -> Path:
    """The one name of a warehouse file, however it is spelled (it need not exist yet)."""
    return Path(os.path.realpath(warehouse))


def lock_path(warehouse: Path) -> Path:
    real = resolved(warehouse)
    return real.with_name(real.name + ".lock")


@contextmanager
def exclusive_run(warehouse: Path, run_id: str, wait_seconds: float = 0.0) -> Iterator[None]:
    path = lock_path(warehouse)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + max(0.0, wait_seconds)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = _holder(path)
                    raise RunLocked(
                        f"another filingflow run holds {warehouse}: {holder}; "
                        f"waited {wait_seconds:g} s (use --wait SECONDS to wait longer)") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"run_id": run_id, "pid": os.getpid(),
                                 "started_at": dt.datetime.now(dt.timezone.utc).isoformat()}).encode())
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _holder(path: Path) -> str:
    try:
        info = json.loads(path.read_text() or "{}")
    except (OSError, ValueError):
        return "run unknown"
    return f"run {info.get('run_id', '?')} (pid {info.get('pid', '?')}, started {info.get('started_at', '?')})"
