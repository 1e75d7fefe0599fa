"""Ad-hoc SQL on the warehouse that cannot write or change anything (`filingflow sql`).

Two layers. The engine first: the connection is read-only (no table changes), external access
is off (no file is read or written outside the warehouse: `COPY ... TO`, `EXPORT DATABASE`,
`ATTACH`, `INSTALL`, `read_csv('/any/file')` all fail in DuckDB itself) and the configuration is
locked (no `SET`/`PRAGMA` can turn that back on). Then the statement types, read by DuckDB's own
parser on that connection: only statements that read (SELECT, with DESCRIBE, SHOW, SUMMARIZE,
PRAGMA queries; EXPLAIN; CALL of a table function) run, so a refusal names its reason in one
line instead of an engine error, and session changes that would die with the connection
anyway (SET VARIABLE, temporary tables) are refused as well rather than half-working.

Reading files from `filingflow sql` is refused on purpose: allowing a folder (the lake, say)
would let `COPY ... TO` write into it. Files are read with DuckDB or pyarrow directly."""
from __future__ import annotations

from pathlib import Path

import duckdb

from filingflow.connections import connect_with_fts

# Statement types that only read.
READING = {"SELECT", "EXPLAIN", "CALL"}
# Why the others are refused, by statement type; a type not listed "changes the warehouse".
REASONS = {
    "COPY": "COPY reads or writes files",
    "EXPORT": "EXPORT DATABASE writes files",
    "ATTACH": "ATTACH opens or creates another database file",
    "DETACH": "DETACH changes the attached databases",
    "LOAD": "INSTALL and LOAD change the extensions",
    "SET": "SET, RESET, USE and PRAGMA assignments change the configuration",
    "TRANSACTION": "transactions are for writing",
    "PREPARE": "prepared statements may hide any statement",
    "EXECUTE": "prepared statements may hide any statement",
}


class ReadOnlyRefused(ValueError):
    """A statement that would write or change something."""


def connect_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection (with full-text search) that can touch no file but the warehouse."""
    con = connect_with_fts(warehouse, read_only=True)
    try:
        con.execute("SET enable_external_access = false")
        con.execute("SET lock_configuration = true")  # last: nothing can undo the line above
    except BaseException:
        con.close()
        raise
    return con


def check(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Raise ReadOnlyRefused, with a one-line reason, unless every statement of `sql` only reads."""
    statements = con.extract_statements(sql)
    for number, statement in enumerate(statements, 1):
        kind = statement.type.name
        if kind in READING:
            continue
        reason = REASONS.get(kind, f"{kind} changes the warehouse")
        where = f" (statement {number})" if len(statements) > 1 else ""
        raise ReadOnlyRefused(f"refused{where}: filingflow sql is read-only; {reason}")


def query(warehouse: Path, sql: str, params: list | dict | None = None) -> tuple[list[str], list[tuple]]:
    """Run `sql` read-only on a connection held only while it runs: each statement sees the latest
    committed run (during a run's commit it waits for it) and keeps the nightly writer waiting only
    while it runs."""
    con = connect_read_only(warehouse)
    try:
        check(con, sql)
        result = con.execute(sql, params or [])
        columns = [d[0] for d in result.description] if result.description else []
        return columns, result.fetchall() if columns else []
    finally:
        con.close()
