"""Rows written straight into a warehouse's tables, for tests of code that reads stored state."""
from __future__ import annotations

import duckdb

from filingflow.schema import TABLES


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Insert `rows` (dicts by column; missing columns null) into `table` through its Arrow schema."""
    if not rows:
        return
    con.register("_rows", TABLES[table].to_arrow([TABLES[table].row(r) for r in rows]))
    try:
        con.execute(f'INSERT INTO "{table}" SELECT * FROM _rows')
    finally:
        con.unregister("_rows")
