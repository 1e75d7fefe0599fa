"""How a command stops: on one Ctrl-C (SIGINT) or SIGTERM, and how its failures are told.

A run stopped by a signal ends at once, as if killed: the run never writes the
live warehouse until its final swap (filingflow/warehouse.py), and the crash
tests kill it at every stage, so stopping needs no clean-up of the data, only
of processes. Waiting for Prefect to wind its flow down instead took over a
minute of error dumps. The signal is read on a thread of its own (through
signal.set_wakeup_fd) as well as by the Python handler, so a main thread busy
inside C (a DuckDB statement) does not delay the stop. Before exiting, every
process this command started (Prefect's temporary API server, the parse
pool's forkserver and workers, a child reading a chunk) is stopped: none may
outlive the command or hold its output pipe open (`| tee` would wait for it).

The one line says whether the warehouse is as before: the run swaps a new
warehouse file in whole with os.replace, so the file the command started with
still being there means nothing was committed."""
from __future__ import annotations

import errno
import logging
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filingflow.warehouse import close_commits

# Exit statuses (README, docs/operations.md).
DONE, FAILED, USAGE = 0, 1, 2
STOP_GRACE_SECONDS = 3.0  # children get this long to end on SIGTERM before SIGKILL

_lock = threading.Lock()


def stop_children(grace: float = STOP_GRACE_SECONDS) -> None:
    """Terminate every descendant of this process, then kill those still there after `grace` seconds.
    Looked for again after each round: while they stop, the run's other threads may start new ones (a
    chunk whose pool worker died is read again in a new child)."""
    for _ in range(5):
        if not _stop_descendants(grace):
            return


def _stop_descendants(grace: float) -> bool:
    """One round of stop_children; False when there was none left."""
    import psutil

    try:
        children = psutil.Process().children(recursive=True)
    except psutil.Error:
        return False
    if not children:
        return False
    for child in children:
        try:
            if _is_prefect_server(child):
                child.kill()
            else:
                child.terminate()
        except psutil.Error:
            pass
    _, alive = psutil.wait_procs(children, timeout=grace)
    for child in alive:
        try:
            child.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(alive, timeout=grace)
    return True


# Prefect's API server (uvicorn running Prefect's app) prints tracebacks of the requests it cancels
# when terminated; it keeps nothing needing a clean stop (its SQLite database survives a kill).
_PREFECT_SERVER_APP = "prefect.server.api.server:create_app"


def _is_prefect_server(process) -> bool:
    return _PREFECT_SERVER_APP in process.cmdline()


def _quiet_stderr() -> int:
    """Point this process's stderr at /dev/null and return a descriptor of the real one: while the stop
    runs, the run's other threads, and any child they start meanwhile (a chunk read again after its
    pool worker died of the same Ctrl-C), print nothing over the stop's one line."""
    try:
        real = os.dup(2)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 2)
        os.close(null)
        return real
    except OSError:
        return 2


def identity(path: Path) -> tuple[int, int] | None:
    """The warehouse file's identity (device, inode): a committed run replaces the file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


@contextmanager
def stop_on_signals(command: str, warehouse: Path) -> Iterator[None]:
    """While the block runs, SIGINT or SIGTERM ends the process within seconds with one line on stderr
    and status 128 + the signal's number (130, 143)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = identity(warehouse)

    def stop(signum: int) -> None:
        if not _lock.acquire(blocking=False):
            return  # already stopping (the handler and the watcher both saw the signal)
        logging.disable(logging.CRITICAL)  # the run's other threads go on a moment: no more log lines
        # A pool worker dies of the same Ctrl-C: its chunk's files quarantined, the run would go on to
        # commit while its children stop. No commit may begin once the stop has.
        close_commits()
        stderr = _quiet_stderr()
        stop_children()
        name = signal.Signals(signum).name
        try:  # the last line, whatever the run's threads printed while its children stopped
            os.write(stderr, f"filingflow {command}: stopped by {name}; {warehouse_state(warehouse, before)}\n".encode())
        except OSError:
            pass
        os._exit(128 + signum)

    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)

    def watch() -> None:
        while True:
            try:
                data = os.read(read_end, 16)
            except OSError:
                return
            if not data:
                return
            for signum in data:
                if signum in (signal.SIGINT, signal.SIGTERM):
                    stop(signum)

    previous = {s: signal.signal(s, lambda signum, frame: stop(signum)) for s in (signal.SIGINT, signal.SIGTERM)}
    previous_fd = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    threading.Thread(target=watch, name="filingflow-signals", daemon=True).start()
    try:
        yield
    finally:
        signal.set_wakeup_fd(previous_fd)
        for s, handler in previous.items():
            signal.signal(s, handler)
        os.close(write_end)
        os.close(read_end)


def one_line(exc: BaseException) -> str:
    """An operational error as one line: what failed, without the traceback (--verbose shows it)."""
    chain, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    if any(_disk_full(e) for e in chain):
        return "the disk is full (no space left on device)"
    # A COMMIT that failed is reported by DuckDB as the ROLLBACK that followed it failing ("cannot
    # rollback - no transaction is active"), which says nothing: show the error that caused it.
    shown = next((e for e in chain if _NO_TRANSACTION not in str(e)), chain[0])
    text = " ".join(str(shown).split()) or type(shown).__name__
    return f"{type(shown).__name__}: {text}"


_NO_TRANSACTION = "cannot rollback - no transaction is active"


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return "No space left on device" in str(exc) or "Disk quota exceeded" in str(exc)


def warehouse_state(warehouse: Path, before: tuple[int, int] | None) -> str:
    """How a stopped or failed run left the warehouse, from whether its file was swapped."""
    if identity(warehouse) == before:
        return "nothing was committed: the warehouse is as before"
    return "the run had committed: the warehouse holds it (its lake files are published by the next run)"
