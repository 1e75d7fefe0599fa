"""Text from filings and file names made safe for a terminal or a log line.

Filing text and file names are data an outsider wrote: an escape sequence in
them could recolour, clear or retitle the operator's terminal, and a newline
in a file name could forge a line of a run summary. `printable` shows every
control character (C0, DEL, C1, and the Unicode line and paragraph
separators) as a visible escape instead."""
from __future__ import annotations

_CONTROLS = [*range(0x00, 0x20), 0x7f, *range(0x80, 0xa0), 0x2028, 0x2029]
_ESCAPES = {code: f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" for code in _CONTROLS}
_ESCAPES.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
_KEEP_TABS = {**_ESCAPES}
del _KEEP_TABS[ord("\t")]


def printable(text: str, *, tabs: bool = False) -> str:
    """`text` with its control characters escaped (a tab kept when `tabs`); one pass in C."""
    return text.translate(_KEEP_TABS if tabs else _ESCAPES)


def has_controls(text: str) -> bool:
    return printable(text) != text
