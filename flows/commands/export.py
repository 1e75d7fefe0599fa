"""`filingflow export`: Parquet or CSV for analysts, with a data dictionary and a manifest."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.commands.common import add_warehouse


def cmd_export(args: argparse.Namespace) -> int:
    from filingflow.export import export, parse_since
    from filingflow.runlock import RunLocked

    out = Path(args.out)
    try:
        since = parse_since(args.since, out) if args.since else None
        result = export(Path(args.warehouse), out, args.tables, since, args.export_format,
                        keep_formulas=args.keep_formulas)
    except (FileNotFoundError, ValueError, RunLocked) as exc:
        print(f"filingflow export: {exc}", file=sys.stderr)
        return 2
    for table, count in result.written.items():
        print(f"{table}: {count} rows written, {result.totals[table]} in the export -> {out / table}")
    print(f"export {result.export_id} ({result.mode}): {result.files_written} files written, "
          f"{result.files_kept} kept; {out / 'README.md'}, {out / 'manifest.json'}")
    return 0


def register(sub) -> None:
    export = sub.add_parser("export", help="write Parquet or CSV for analysts, partitioned by filing year and form, "
                                           "with README.md (data dictionary) and manifest.json")
    export.add_argument("--out", required=True, help="export folder (replaced whole, or updated with --since)")
    export.add_argument("--tables", nargs="+", help="tables to export (default: all filing, company and reference "
                                                    "tables, dq_flags, quarantine and the views insider_trades, "
                                                    "derivative_trades, company_events; with --since, the tables "
                                                    "already in --out)")
    export.add_argument("--since", help="incremental: add the filings loaded on or after this date (YYYY-MM-DD, "
                                        "midnight UTC) or ISO datetime to the export in --out; 'previous': "
                                        "everything loaded after the last run that export holds")
    # Its own dest: `format` is the setting of query output (table, csv, json).
    export.add_argument("--format", dest="export_format", choices=("parquet", "csv"), default="parquet")
    export.add_argument("--keep-formulas", action="store_true",
                        help="CSV: write text cells starting with = + - @ tab or CR as they are (default: an "
                             "apostrophe is put before them, so a spreadsheet shows them instead of running them)")
    add_warehouse(export)
    export.set_defaults(func=cmd_export)
