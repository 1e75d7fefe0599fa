"""Printing query results (table, csv, json) and read-only queries of the warehouse."""
from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from decimal import Decimal
from pathlib import Path

from filingflow.terminal_text import printable

MAX_CELL = 200


def _jsonable(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def print_result(columns: list[str], rows: list[tuple], fmt: str, out=None) -> None:
    out = out or sys.stdout  # looked up per call: tests and the SQL prompt swap sys.stdout
    if fmt == "json":
        json.dump([{c: _jsonable(v) for c, v in zip(columns, row)} for row in rows], out, indent=2)
        out.write("\n")
        return
    # Control characters of data (escape sequences, newlines) are shown escaped, never sent to the terminal
    # raw; JSON escapes them itself.
    cells = [[("" if v is None else printable(str(_jsonable(v)))) for v in row] for row in rows]
    columns = [printable(c) for c in columns]
    if fmt == "table":  # long texts (item text, footnotes) are cut so rows stay one line each
        cells = [[c if len(c) <= MAX_CELL else c[:MAX_CELL - 1] + "\u2026" for c in row] for row in cells]
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        return
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values):
        return " | ".join(v.ljust(w) for v, w in zip(values, widths)).rstrip()

    out.write(line(columns) + "\n")
    out.write("-+-".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write(line(row) + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")


def query(warehouse: Path, sql: str, params: list | dict | None = None) -> tuple[list[str], list[tuple]]:
    """One statement on a read-only connection held only while it runs: each statement sees the latest
    committed run (during a run's commit it waits for it) and keeps the nightly writer waiting only
    while it runs."""
    from filingflow.connections import connect_with_fts  # the fts extension: match_bm25 in ad-hoc SQL

    con = connect_with_fts(warehouse, read_only=True)
    try:
        result = con.execute(sql, params or [])
        columns = [d[0] for d in result.description] if result.description else []
        return columns, result.fetchall() if columns else []
    finally:
        con.close()
