"""What a reader returns: one filing as typed rows per table."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

from filingflow.schema import FILING_TABLES, TABLES

_ROW_TABLES = frozenset(FILING_TABLES) - {"filings"}


@dataclass
class ParsedFiling:
    """A filing read from text. `filing` holds the `filings` columns the reader
    knows (at least filing_id, content_id, form_type, is_amendment); `rows` maps each other filing table to its rows (without filing_id,
    which `stamp` adds once the id is settled)."""

    filing: dict
    rows: dict[str, list[dict]] = field(default_factory=dict)
    # The reader held every decimal to DECIMAL(38, 8) as it read it; the registry need not check again.
    decimals_checked: bool = False

    def add(self, table: str, row: dict) -> dict:
        if table not in _ROW_TABLES:
            raise KeyError(f"not a per-filing table: {table}")
        self.rows.setdefault(table, []).append(row)
        return row

    @property
    def filing_id(self) -> str:
        return self.filing["filing_id"]

    def stamp(self) -> None:
        """Write the filing id into every row."""
        fid = self.filing_id
        for rows in self.rows.values():
            for row in rows:
                row["filing_id"] = fid


def blank_filing_row(table: str) -> dict:
    """A fresh row of a per-filing table as a reader emits it: the schema's blank row without
    filing_id, which `ParsedFiling.stamp` writes once the id is settled."""
    return _blank_filing_row(table).copy()


@lru_cache(maxsize=None)
def _blank_filing_row(table: str) -> dict:
    """The blank row of a table, made once and copied (readers make one per table row)."""
    row = TABLES[table].blank_row()
    del row["filing_id"]
    return row


def content_filing_id(text: str) -> str:
    """Stable id for a filing without an accession number: the hash of its
    whitespace-normalized text, so line endings and re-wrapping do not change it."""
    if "\xa0" in text:  # no-break spaces (a page as text) as spaces: the same words, split as ASCII, quicker
        text = text.replace("\xa0", " ")
    normalized = " ".join(text.split()).upper()
    return "ff-" + hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:20]
