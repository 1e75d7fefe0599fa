"""Parquet for analysts: one folder per table, partitioned by filing year, zstd."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from filingflow.schema import FILING_TABLES, TABLES
from filingflow.warehouse import connect

EXPORTABLE = tuple(FILING_TABLES) + ("companies", "transaction_codes", "eight_k_items")


def export_tables(warehouse: Path, out: Path, tables: list[str] | None, since: dt.date | None) -> dict[str, int]:
    """Export tables; `since` keeps filings loaded on or after that date. Returns rows per table."""
    chosen = tables or list(EXPORTABLE)
    unknown = [t for t in chosen if t not in EXPORTABLE]
    if unknown:
        raise ValueError(f"unknown table(s) {', '.join(unknown)}; exportable: {', '.join(EXPORTABLE)}")
    out.mkdir(parents=True, exist_ok=True)
    con = connect(warehouse, read_only=True)
    written = {}
    try:
        for table in chosen:
            target = out / table
            if target.exists():
                shutil.rmtree(target)
            cols = ", ".join(f't."{c}"' for c in TABLES[table].column_names)
            if table in FILING_TABLES:
                where = "WHERE f.loaded_at >= ?" if since else ""
                query = (f"SELECT {cols}, coalesce(year(f.filed_date), year(f.period_of_report), 0) AS filing_year "
                         f'FROM "{table}" t JOIN filings f ON f.filing_id = t.filing_id {where}'
                         if table != "filings" else
                         f"SELECT {cols}, coalesce(year(t.filed_date), year(t.period_of_report), 0) AS filing_year "
                         f'FROM filings t {where.replace("f.", "t.")}')
                params = [dt.datetime.combine(since, dt.time(), dt.timezone.utc)] if since else []
                count = con.execute(f"SELECT count(*) FROM ({query})", params).fetchone()[0]
                if count:
                    con.execute(f"COPY ({query}) TO '{target.as_posix()}' "
                                "(FORMAT parquet, PARTITION_BY (filing_year), COMPRESSION zstd)", params)
            else:
                query = f'SELECT {cols} FROM "{table}" t'
                count = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
                target.mkdir(parents=True)
                con.execute(f"COPY ({query}) TO '{(target / 'data.parquet').as_posix()}' (FORMAT parquet, COMPRESSION zstd)")
            written[table] = count
    finally:
        con.close()
    return written
