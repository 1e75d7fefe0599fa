"""Choose the reader for a file by sniffing its content (never its name).

A reader is a module with `FORMAT` (a name in schema.SOURCE_FORMATS),
`sniff(text) -> bool` and `read(text) -> list[ParsedFiling]`. Readers are
tried in order; more specific shapes come first."""
from __future__ import annotations

from types import ModuleType

from transforms import ascii_8k, html_8k, html_ownership, legacy_ownership, ownership_text, ownership_xml, submission
from transforms.decode import decode
from transforms.errors import ParseError
from transforms.model import ParsedFiling

READERS: tuple[ModuleType, ...] = (
    submission,
    ownership_xml,
    legacy_ownership,
    ownership_text,
    ascii_8k,
    html_ownership,
    html_8k,
)


def reader_for(text: str) -> ModuleType:
    for reader in READERS:
        if reader.sniff(text):
            return reader
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")[:80]
    raise ParseError("unrecognized_format",
                     f"no reader recognises this content (first line: {first!r}); "
                     f"formats read: {', '.join(r.FORMAT for r in READERS)}",
                     stage="sniff")


def read_text(text: str) -> tuple[str, list[ParsedFiling]]:
    """Read decoded text; returns the reader's format and the filings."""
    reader = reader_for(text)
    filings = reader.read(text)
    if not filings:
        raise ParseError("no_filing", f"the {reader.FORMAT} reader found no filing in the file")
    for filing in filings:
        filing.filing.setdefault("source_format", reader.FORMAT)
        filing.stamp()
    return reader.FORMAT, filings


def read_bytes(data: bytes) -> tuple[str, list[ParsedFiling]]:
    """Bytes of one input file to filings; raises ParseError with a specific reason."""
    return read_text(decode(data).text)
