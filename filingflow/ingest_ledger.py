"""Queries of the ingest ledger and the filings already stored: what a run
needs to know before it reads (which files changed, which contents are known,
which runs committed)."""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pyarrow as pa


@dataclass(frozen=True)
class LedgerEntry:
    source_sha256: str
    size_bytes: int
    mtime_ns: int | None
    status: str


def ledger(con: duckdb.DuckDBPyConnection) -> dict[str, LedgerEntry]:
    rows = con.execute("SELECT source_file, source_sha256, size_bytes, mtime_ns, status FROM ingest_ledger").fetchall()
    return {r[0]: LedgerEntry(*r[1:]) for r in rows}


def loaded_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """sha256 -> source_file for every file whose rows are in the warehouse."""
    return dict(con.execute(
        "SELECT source_sha256, min(source_file) FROM ingest_ledger WHERE status = 'loaded' GROUP BY 1").fetchall())


def previous_filing_ids(con: duckdb.DuckDBPyConnection, source_files: list[str]) -> list[str]:
    """Filings earlier versions of these files produced: a changed file replaces them."""
    if not source_files:
        return []
    con.register("_files", pa.table({"source_file": pa.array(source_files, pa.string())}))
    try:
        rows = con.execute("SELECT DISTINCT unnest(filing_ids) FROM ingest_ledger "
                           "WHERE source_file IN (SELECT source_file FROM _files)").fetchall()
    finally:
        con.unregister("_files")
    return [r[0] for r in rows if r[0] is not None]


def committed_runs(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT run_id FROM runs WHERE status = 'completed'").fetchall()}


def stored_copies(con: duckdb.DuckDBPyConnection, read: list) -> list[dict]:
    """Stored filings that may be one of the `read` copies (accounting.Copy): same filing_id, content_id
    or filing_key; as accounting.Copy fields."""
    if not read:
        return []
    con.register("_read", pa.table({
        "filing_id": pa.array([c.filing_id for c in read], pa.string()),
        "content_id": pa.array([c.content_id for c in read], pa.string()),
        "filing_key": pa.array([c.filing_key for c in read], pa.string())}))
    try:
        rows = con.execute("""
            SELECT filing_id, source_file, source_format, accession_number, content_id, filing_key FROM filings
            WHERE filing_id IN (SELECT filing_id FROM _read) OR content_id IN (SELECT content_id FROM _read)
               OR filing_key IN (SELECT filing_key FROM _read WHERE filing_key IS NOT NULL)""").fetchall()
    finally:
        con.unregister("_read")
    names = ("filing_id", "source_file", "source_format", "accession_number", "content_id", "filing_key")
    return [dict(zip(names, row)) for row in rows]
