"""`filingflow status` (runs, counts, quarantine) and `filingflow dq` (a run's expectations and findings)."""
from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from flows.commands.common import add_format, add_warehouse
from flows.output import print_result, query


def cmd_status(args: argparse.Namespace) -> int:
    warehouse = Path(args.warehouse)
    try:
        columns, rows = query(warehouse, """
            SELECT run_id, coalesce(kind, 'run') AS kind, status, started_at, finished_at, files_seen, files_new,
                   files_unchanged AS unchanged, files_loaded AS loaded, files_duplicate AS duplicate,
                   files_quarantined AS quarantined, filings_loaded AS filings, expectations_failed AS dq_failed,
                   len(forgotten) AS forgotten
            FROM runs ORDER BY started_at DESC LIMIT ?""", [args.limit])
    except FileNotFoundError as exc:
        print(f"filingflow status: {exc}", file=sys.stderr)
        return 2
    sections = [("runs", "Last runs", columns, rows)]
    columns, rows = query(warehouse, """
        SELECT (SELECT count(*) FROM filings) AS filings, (SELECT count(*) FROM companies) AS companies,
               (SELECT count(*) FROM nonderiv_transactions) + (SELECT count(*) FROM deriv_transactions) AS transactions,
               (SELECT count(*) FROM ingest_ledger) AS files_in_ledger, (SELECT count(*) FROM quarantine) AS quarantined""")
    sections.append(("warehouse", "Warehouse", columns, rows))
    columns, rows = query(warehouse, "SELECT source_file, stage, error, detail, run_id FROM quarantine ORDER BY source_file")
    sections.append(("quarantined_files", "Quarantined files", columns, rows))
    columns, rows = query(warehouse, """
        SELECT source_file, detail AS repeats, run_id FROM ingest_ledger WHERE status = 'duplicate' ORDER BY source_file""")
    sections.append(("duplicate_files", "Duplicate files (not loaded: another file carries their filing)", columns, rows))
    print_sections(sections, args.format)
    return 0


def cmd_dq(args: argparse.Namespace) -> int:
    warehouse = Path(args.warehouse)
    try:
        run = args.run or query(warehouse, "SELECT max(run_id) FROM runs")[1][0][0]
    except FileNotFoundError as exc:
        print(f"filingflow dq: {exc}", file=sys.stderr)
        return 2
    columns, rows = query(warehouse, """
        SELECT suite, expectation, column_name, severity, success, element_count, unexpected_count
        FROM dq_results WHERE run_id = ? ORDER BY success, severity, suite, expectation""", [run])
    sections = [("expectations", f"Expectations of run {run}", columns, rows)]
    columns, rows = query(warehouse, """
        SELECT severity, expectation, table_name, filing_id, row_index, detail FROM dq_flags
        WHERE run_id = ? ORDER BY severity, expectation, filing_id, row_index""", [run])
    sections.append(("findings", "Findings", columns, rows))
    print_sections(sections, args.format, {"run_id": run})
    return 0


def print_sections(sections: list[tuple[str, str, list[str], list[tuple]]], fmt: str, head: dict | None = None) -> None:
    """Several results as one output: titled tables; one JSON object with a key per section;
    CSV tables, each after a `# <section>` line and separated by a blank line."""
    if fmt == "json":
        document = dict(head or {})
        for key, _, columns, rows in sections:
            buffer = io.StringIO()
            print_result(columns, rows, "json", out=buffer)
            document[key] = json.loads(buffer.getvalue())
        json.dump(document, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    for n, (key, title, columns, rows) in enumerate(sections):
        print(("\n" if n else "") + (f"# {key}" if fmt == "csv" else title))
        print_result(columns, rows, fmt)


def register(sub) -> None:
    status = sub.add_parser("status", help="last runs, counts, quarantined files")
    add_warehouse(status)
    add_format(status)
    status.add_argument("--limit", type=int, default=10)
    status.set_defaults(func=cmd_status)

    dq = sub.add_parser("dq", help="data-quality results and row-level findings of a run")
    dq.add_argument("--run", help="run id (default: the latest)")
    add_format(dq)
    add_warehouse(dq)
    dq.set_defaults(func=cmd_dq)
