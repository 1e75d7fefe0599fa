"""A reader that never returns, for the per-file time limit tests (tests/integration/test_limits.py).

`install()` puts it first in the reader registry. It recognises files that
start with MARK and writes an empty file named by its process id into the
folder $HANG_PIDS, so a test can tell which process read the file.

How it hangs ($HANG_MODE):
- "python" (default): short sleeps in Python; a watchdog can stop it between two of them;
- "regex": a regular expression backtracking in C for ever (2^60 steps), holding the GIL: no other
  thread of its process runs until it returns; SIGALRM on the main thread interrupts it;
- "unstoppable": SIGALRM blocked, then one long sleep in C: like a C call that never looks for signals
  (an lxml parse, say), only killing its process stops it."""
from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

MARK = "HANG: this file never finishes reading\n"
FORMAT = "ownership_xml"


def sniff(text: str) -> bool:
    return text.startswith(MARK)


def read(text: str) -> list:
    Path(os.environ["HANG_PIDS"], str(os.getpid())).touch()
    mode = os.environ.get("HANG_MODE", "python")
    if mode == "regex":
        re.match(r"(a+)+$", "a" * 60 + "b")
    elif mode == "unstoppable":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(3600)
    while True:  # short sleeps: the in-process watchdog can raise between two of them
        time.sleep(0.01)


def install() -> None:
    import sys

    import transforms.registry as registry

    registry.READERS = (sys.modules[__name__], *registry.READERS)
