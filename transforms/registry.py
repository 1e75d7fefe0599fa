"""Choose the reader for a file by sniffing its content (never its name).

A reader is a module with `FORMAT` (a name in schema.SOURCE_FORMATS),
`sniff(text) -> bool` and `read(text) -> list[ParsedFiling]`; the submission
reader's `read(text, reader_for)` is handed this registry's dispatcher for the
documents it wraps (so it imports no registry). Readers are
tried in order; more specific shapes come first. Ownership XML goes first: its
sniff is the cheapest, and no other shape has <ownershipDocument> as its root."""
from __future__ import annotations

from decimal import Decimal
from types import ModuleType

from filingflow.schema import DECIMAL, FILING_TABLES, TABLES
from transforms import (ascii_8k, compressed, html_8k, html_ownership, legacy_ownership, ownership_text, ownership_xml,
                        submission)
from transforms.decode import decode
from transforms.errors import ParseError
from transforms.model import ParsedFiling

READERS: tuple[ModuleType, ...] = (
    ownership_xml,
    submission,
    legacy_ownership,
    ownership_text,
    ascii_8k,
    html_ownership,
    html_8k,
)

# The most text each shape is read from. These readers hold 10-26 times the
# text in memory (lines, cells, element trees) while real documents of the
# shape are far smaller (a rendered Form 4 is tens of KB, an 8-K's HTML a few
# MB), so refusing bigger ones keeps a run's memory bounded. A submission is
# cheap itself; its primary document meets the limit of its own reader.
MAX_CHARS: dict[ModuleType, int] = {
    ownership_xml: 16_000_000,
    legacy_ownership: 8_000_000,
    ownership_text: 8_000_000,
    ascii_8k: 16_000_000,
    html_8k: 10_000_000,
}


def reader_for(text: str) -> ModuleType:
    for reader in READERS:
        if reader.sniff(text):
            limit = MAX_CHARS.get(reader)
            if limit is not None and len(text) > limit:
                raise ParseError("file_too_large", f"{len(text):,} characters of {reader.FORMAT}: far beyond any real document "
                                              f"of that shape (limit {limit:,}); refused unread to bound memory")
            return reader
    first = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")[:80]
    raise ParseError("unrecognized_format",
                     f"no reader recognises this content (first line: {first!r}); "
                     f"formats read: {', '.join(r.FORMAT for r in READERS)}",
                     stage="sniff")


def read_text(text: str) -> tuple[str, list[ParsedFiling]]:
    """Read decoded text; returns the reader's format and the filings."""
    reader = reader_for(text)
    filings = submission.read(text, reader_for) if reader is submission else reader.read(text)
    if not filings:
        raise ParseError("no_filing", f"the {reader.FORMAT} reader found no filing in the file")
    for filing in filings:
        filing.filing.setdefault("source_format", reader.FORMAT)
        filing.stamp()
        if not filing.decimals_checked:
            _check_decimals(filing)
    return reader.FORMAT, filings


_DECIMAL_COLUMNS = {name: tuple(c.name for c in TABLES[name].columns if c.type == DECIMAL) for name in FILING_TABLES}


def _check_decimals(filing: ParsedFiling) -> None:
    """A number read from damaged text can be too long for DECIMAL(38, 8); it
    would fail the Parquet write of every file of the chunk, so the file is refused here."""
    for table, rows in (("filings", [filing.filing]), *filing.rows.items()):
        for column in _DECIMAL_COLUMNS[table]:
            for index, row in enumerate(rows):
                value = row.get(column)
                if value is not None and not _fits_decimal(value):
                    raise ParseError("invalid_value", f"{table} row {index}, {column}: {str(value)[:60]} does not fit "
                                                      f"{DECIMAL.precision} digits with {DECIMAL.scale} decimals")


def _fits_decimal(value: Decimal) -> bool:
    _, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN, Infinity
        return False
    if not any(digits):
        return True
    lost = -DECIMAL.scale - exponent  # digits beyond the scale: only zeros may go
    if lost > 0 and any(digits[-lost:]):
        return False
    return value.adjusted() < DECIMAL.precision - DECIMAL.scale


def read_bytes(data: bytes, max_expanded_bytes: int = compressed.DEFAULT_MAX_EXPANDED_BYTES
               ) -> tuple[str, list[ParsedFiling]]:
    """Bytes of one input file to filings; raises ParseError with a specific reason.

    A gzip, zip or tar file is expanded (at most max_expanded_bytes in all) and
    every member read; the file's filings are those of all its members."""
    if compressed.kind(data) is None:
        return read_text(decode(data).text)
    formats: list[str] = []
    filings: dict[str, ParsedFiling] = {}  # the same filing twice in one archive is one filing of this file
    for member in compressed.members(data, max_expanded_bytes):
        try:
            source_format, found = read_text(decode(member.data).text)
        except ParseError as exc:
            where = f"archive member {member.name!r}" if member.name else "the decompressed content"
            raise ParseError(exc.code, f"{where}: {exc.detail}", stage=exc.stage) from exc
        formats.append(source_format)
        for filing in found:
            filings.setdefault(filing.filing_id, filing)
    if not formats:
        raise ParseError("empty_archive", "the archive holds no files", stage="decode")
    return formats[0] if len(set(formats)) == 1 else "mixed", list(filings.values())
