"""A wall-clock limit on work done by the current thread:
`with limit(seconds): ...` raises TimeLimitExceeded in that thread once the
work has run longer.

On a process's main thread (the parse pool's workers) the limit is SIGALRM
via setitimer: CPython checks for signals inside a regular-expression match
and during blocking reads, so even a catastrophic backtrack is stopped.

On any other thread, where signals cannot be used, and where there is no
setitimer (Windows), one watchdog thread per process raises the exception
asynchronously in the working thread. That lands between two Python
bytecodes: a single long call into C (one regex match, one lxml parse) is
stopped only when it returns, and a regex holds the GIL meanwhile. Runs
therefore read in processes whose main thread runs the reader (a pool
worker, or a child forked to read the chunk: flows/parse_pool.py); the
watchdog is the fallback where there is no fork."""
from __future__ import annotations

import ctypes
import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class TimeLimitExceeded(BaseException):
    """A BaseException, like KeyboardInterrupt, so that no reader's `except Exception` swallows it."""


@contextmanager
def limit(seconds: float | None) -> Iterator[None]:
    """Raise TimeLimitExceeded in this thread when the block runs longer than `seconds` (None: no limit)."""
    if not seconds:
        yield
    elif threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        with _alarm(seconds):
            yield
    else:
        with _WATCHDOG.watch(seconds):
            yield


def _on_alarm(signum, frame) -> None:  # noqa: ANN001 - signal handler signature
    raise TimeLimitExceeded


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        # An alarm due between the end of the block and here still raises: the caller's handler sees it.
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    """Schedule `exc` in another thread; None withdraws one scheduled but not yet raised."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


class _Watch:
    __slots__ = ("thread", "deadline", "fired")

    def __init__(self, thread: int, deadline: float):
        self.thread, self.deadline, self.fired = thread, deadline, False


class _Watchdog:
    """Raises TimeLimitExceeded in threads whose watch expired; sleeps until the earliest deadline.

    A thread can receive the exception only between its watch firing and the end of its block; the
    end of the block therefore takes only the plain lock (`with` on a C lock cannot be interrupted
    half-way), never the condition's Python code."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._active: dict[int, _Watch] = {}  # thread id -> its running watch (one per thread)
        self._wake_at = math.inf
        self._thread: threading.Thread | None = None

    @contextmanager
    def watch(self, seconds: float) -> Iterator[None]:
        watch = _Watch(threading.get_ident(), time.monotonic() + seconds)
        with self._cond:
            self._active[watch.thread] = watch
            if self._thread is None or not self._thread.is_alive():  # none yet, or lost in a fork
                self._thread = threading.Thread(target=self._run, name="filingflow-time-limit", daemon=True)
                self._thread.start()
            if watch.deadline < self._wake_at:  # else the watchdog wakes before this deadline anyway
                self._cond.notify()
        try:
            yield
        finally:
            with self._lock:
                if self._active.get(watch.thread) is watch:
                    del self._active[watch.thread]
                if watch.fired:  # never let a late exception escape past the block it was meant for
                    _raise_in(watch.thread, None)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for watch in [w for w in self._active.values() if w.deadline <= now]:
                    del self._active[watch.thread]
                    watch.fired = True
                    _raise_in(watch.thread, TimeLimitExceeded)
                self._wake_at = min((w.deadline for w in self._active.values()), default=math.inf)
                self._cond.wait(None if self._wake_at == math.inf else self._wake_at - now)


_WATCHDOG = _Watchdog()
