"""Queries of the ingest ledger and the filings already stored: what a run
needs to know before it reads (which files changed, which contents are known,
which runs committed)."""
from __future__ import annotations

import duckdb
import pyarrow as pa


def changed_files(con: duckdb.DuckDBPyConnection, paths: list[str], sizes: list[int], mtimes: list[int | None],
                  *, retry_quarantined: bool = False) -> dict[str, str | None]:
    """Of the files found (path, size, mtime), those the ledger does not hold with the same size and
    mtime, each with the SHA-256 of its last read (None: a file the ledger never saw; with
    `retry_quarantined`, a quarantined file counts as never seen). A join in DuckDB: only these files
    come back, however long the ledger."""
    if not paths:
        return {}
    con.register("_found", pa.table({"path": pa.array(paths, pa.string()), "size": pa.array(sizes, pa.int64()),
                                     "mtime_ns": pa.array(mtimes, pa.int64())}))
    try:
        rows = con.execute("""
            SELECT f.path, l.source_sha256 FROM _found f
            LEFT JOIN ingest_ledger l ON l.source_file = f.path AND NOT (? AND l.status = 'quarantined')
            WHERE l.source_file IS NULL OR NOT coalesce(l.size_bytes = f.size AND l.mtime_ns = f.mtime_ns, false)
            """, [retry_quarantined]).fetchall()
    finally:
        con.unregister("_found")
    return dict(rows)


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
