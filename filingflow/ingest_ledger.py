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


def existing_by_content(con: duckdb.DuckDBPyConnection, content_ids: list[str]) -> dict[str, tuple[str, bool]]:
    """content_id -> (filing_id, has accession) for filings already stored."""
    if not content_ids:
        return {}
    con.register("_cids", pa.table({"content_id": pa.array(content_ids, pa.string())}))
    try:
        rows = con.execute(
            "SELECT f.content_id, f.filing_id, f.accession_number IS NOT NULL FROM filings f "
            "JOIN _cids USING (content_id)").fetchall()
    finally:
        con.unregister("_cids")
    return {r[0]: (r[1], r[2]) for r in rows}
