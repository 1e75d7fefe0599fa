"""Queries of the ingest ledger and the filings already stored: what a run
needs to know before it reads (which files changed, which contents are known,
which runs committed)."""
from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa


def changed_files(con: duckdb.DuckDBPyConnection, found: pa.Table, *, retry_quarantined: bool = False) -> pa.Table:
    """Of the files found (a table with columns path, size, mtime_ns), those the ledger does not hold
    with the same size and mtime: a new file, or one whose size or mtime changed (a file without an
    mtime is never unchanged). Columns `row` (its position in `found`) and `source_sha256` (of its last
    read; null for a file the ledger never saw and, with `retry_quarantined`, for a quarantined one).
    An anti-join in DuckDB over the three columns: only these files come back, however many files and
    ledger rows there are, and no Python object is made for an unchanged one."""
    con.register("_found", found.select(["path", "size", "mtime_ns"]).append_column(
        "row", pa.array(np.arange(found.num_rows, dtype=np.int64))))
    try:
        # The anti-join compares three narrow columns; the hashes are fetched for the few files it leaves.
        return con.execute("""
            SELECT c.row, any_value(l.source_sha256) AS source_sha256 FROM (
                SELECT f.row, f.path FROM _found f ANTI JOIN (
                    SELECT source_file, size_bytes, mtime_ns FROM ingest_ledger
                    WHERE NOT ($retry AND status = 'quarantined')
                ) l ON l.source_file = f.path AND l.size_bytes = f.size AND l.mtime_ns = f.mtime_ns
            ) c LEFT JOIN ingest_ledger l ON l.source_file = c.path AND NOT ($retry AND l.status = 'quarantined')
            GROUP BY c.row ORDER BY c.row""", {"retry": retry_quarantined}).to_arrow_table()
    finally:
        con.unregister("_found")


def loaded_copies(con: duckdb.DuckDBPyConnection, hashes: dict[str, str] | pa.Table) -> dict[str, str]:
    """Of these files (path -> SHA-256 of the bytes read, or a table of columns path and sha256), those
    whose bytes a loaded file of another path holds: path -> that file (the first by name of the loaded
    files with those bytes)."""
    if not len(hashes):
        return {}
    con.register("_read", hashes if isinstance(hashes, pa.Table) else pa.table({
        "path": pa.array(list(hashes), pa.string()), "sha256": pa.array(list(hashes.values()), pa.string())}))
    try:
        rows = con.execute("""
            SELECT r.path, l.original FROM _read r JOIN (
                SELECT source_sha256, min(source_file) AS original FROM ingest_ledger
                WHERE status = 'loaded' AND source_sha256 IN (SELECT sha256 FROM _read) GROUP BY 1
            ) l ON l.source_sha256 = r.sha256 WHERE l.original <> r.path""").fetchall()
    finally:
        con.unregister("_read")
    return dict(rows)


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


def shared_copies(con: duckdb.DuckDBPyConnection, read: pa.Table) -> pa.Array:
    """Of the copies read (columns filing_id, content_id, filing_key), the positions of those sharing one of
    these values with another copy read or with a stored filing: only they need weighing against others
    (accounting.decide); the rest are each a filing of their own. In DuckDB, with no object per copy."""
    con.register("_read", read.select(["filing_id", "content_id", "filing_key"]).append_column(
        "_i", pa.array(range(read.num_rows), pa.int64())))
    try:
        return con.execute("""
            SELECT _i FROM (
                SELECT _i, count(*) OVER (PARTITION BY filing_id) AS ids, count(*) OVER (PARTITION BY content_id) AS texts,
                       CASE WHEN filing_key IS NULL THEN 1 ELSE count(*) OVER (PARTITION BY filing_key) END AS keys
                FROM _read) WHERE ids > 1 OR texts > 1 OR keys > 1
            UNION
            SELECT _i FROM _read WHERE filing_id IN (SELECT filing_id FROM filings)
                OR content_id IN (SELECT content_id FROM filings)
                OR filing_key IN (SELECT filing_key FROM filings WHERE filing_key IS NOT NULL)
            ORDER BY _i""").to_arrow_table()["_i"].combine_chunks()
    finally:
        con.unregister("_read")
