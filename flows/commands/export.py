"""`filingflow export`: Parquet for analysts."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from flows.commands.common import add_warehouse


def cmd_export(args: argparse.Namespace) -> int:
    from filingflow.export import export_tables

    since = dt.date.fromisoformat(args.since) if args.since else None
    try:
        written = export_tables(Path(args.warehouse), Path(args.out), args.tables, since)
    except (FileNotFoundError, ValueError) as exc:
        print(f"filingflow export: {exc}", file=sys.stderr)
        return 2
    for table, count in written.items():
        print(f"{table}: {count} rows -> {Path(args.out) / table}")
    return 0


def register(sub) -> None:
    export = sub.add_parser("export", help="write Parquet for analysts (zstd, partitioned by filing year)")
    export.add_argument("--out", required=True)
    export.add_argument("--tables", nargs="+", help="tables to export (default: all filing and reference tables)")
    export.add_argument("--since", help="only filings loaded on or after this date (YYYY-MM-DD)")
    add_warehouse(export)
    export.set_defaults(func=cmd_export)
