"""`filingflow sql`: SQL against the warehouse, read-only."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.commands.common import add_format, add_warehouse
from flows.output import print_result, query


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    try:
        columns, rows = query(Path(args.warehouse), args.query)
    except (duckdb.Error, FileNotFoundError) as exc:
        print(f"filingflow sql: {exc}", file=sys.stderr)
        return 2
    print_result(columns, rows, args.format)
    return 0


def register(sub) -> None:
    sql = sub.add_parser("sql", help="run SQL against the warehouse (read-only)")
    sql.add_argument("query")
    add_warehouse(sql)
    add_format(sql)
    sql.set_defaults(func=cmd_sql)
