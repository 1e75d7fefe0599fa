"""`filingflow report`: (re)write the HTML report of a past run."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.commands.common import add_settings


def cmd_report(args: argparse.Namespace) -> int:
    import duckdb

    from filingflow.report import latest_run, write_report
    from filingflow.connections import connect

    try:
        con = connect(Path(args.warehouse), read_only=True)
        try:
            run_id = args.run or latest_run(con)
            if run_id is None:
                raise ValueError("the warehouse has no run yet")
            path = write_report(con, run_id, Path(args.reports_dir))
        finally:
            con.close()
    except (duckdb.Error, FileNotFoundError, ValueError) as exc:
        print(f"filingflow report: {exc}", file=sys.stderr)
        return 2
    print(path)
    return 0


def register(sub) -> None:
    report = sub.add_parser("report", help="write the HTML report of a run (counts, data quality, charts)")
    report.add_argument("--run", help="run id (default: the latest)")
    # --out is the reports_dir setting under a shorter name: file and environment apply as for `run`.
    report.add_argument("--out", dest="reports_dir", metavar="DIR", default=None,
                        help="folder to write <run_id>.html in (default: the reports_dir setting, data/reports)")
    add_settings(report, "warehouse")
    report.set_defaults(func=cmd_report)
