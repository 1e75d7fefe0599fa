"""A reader that never returns, for the per-file time limit tests (tests/integration/test_limits.py).

`install()` puts it first in the reader registry. It recognises files that
start with MARK and writes an empty file named by its process id into the
folder $HANG_PIDS, so a test can tell which process read the file."""
from __future__ import annotations

import os
import time
from pathlib import Path

MARK = "HANG: this file never finishes reading\n"
FORMAT = "ownership_xml"


def sniff(text: str) -> bool:
    return text.startswith(MARK)


def read(text: str) -> list:
    Path(os.environ["HANG_PIDS"], str(os.getpid())).touch()
    while True:  # short sleeps: the in-process watchdog can raise between two of them
        time.sleep(0.01)


def install() -> None:
    import sys

    import transforms.registry as registry

    registry.READERS = (sys.modules[__name__], *registry.READERS)
