"""filingflow command line: run, sql, export, status, dq, search."""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

DEFAULT_INPUT = Path("data/samples")
DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
DEFAULT_LAKE = Path("data/lake")
DEFAULT_DQ = Path("data/dq")
MAX_CELL = 200


def _prefect_defaults() -> None:
    # No network here and no telemetry wanted; a fresh Prefect home needs time to migrate.
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


def cmd_run(args: argparse.Namespace) -> int:
    _prefect_defaults()
    if args.verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    from flows.pipeline import DataQualityFailed, RunSettings, nightly

    settings = RunSettings(
        inputs=[Path(p) for p in (args.input or [DEFAULT_INPUT])],
        warehouse=Path(args.warehouse), lake=Path(args.lake),
        dq_dir=Path(args.dq_dir), max_file_bytes=args.max_file_bytes, lock_wait_seconds=args.wait,
        max_error_rate=args.max_error_rate)
    try:
        summary = nightly(settings)
    except DataQualityFailed as exc:
        print(format_summary(exc.summary))
        print(f"filingflow run failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the run itself failed: say why, exit non-zero
        print(f"filingflow run failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(format_summary(summary))
    return 0


def format_summary(s) -> str:
    lines = [
        f"filingflow run {s.run_id}",
        f"  files: {s.files_seen} seen, {s.files_new} new or changed, {s.files_unchanged} unchanged (skipped), "
        f"{s.files_loaded} loaded, {s.files_quarantined} quarantined",
        f"  filings loaded: {s.filings_loaded}" + ("  (nothing new: every file was already loaded)"
                                                    if s.filings_loaded == 0 and s.files_new == 0 else ""),
    ]
    loaded = {t: n for t, n in s.rows_per_table.items() if n}
    if loaded:
        lines.append("  rows: " + ", ".join(f"{t} {n}" for t, n in loaded.items()))
    if s.expectations_passed or s.expectations_failed:
        lines.append(f"  expectations: {s.expectations_passed} passed, {s.expectations_failed} failed")
    else:
        lines.append("  expectations: not run (no new rows)")
    for suite, passed, failed in s.suites:
        lines.append(f"    {suite}: {passed} passed" + (f", {failed} FAILED" if failed else ""))
    for suite, expectation, column, count in s.failed_expectations:
        lines.append(f"    FAILED {suite}: {expectation} ({column}): {count} rows")
    for path, error, detail in s.quarantined:
        lines.append(f"  quarantined {path}: {error}: {detail}")
    if s.dq_docs:
        lines.append(f"  data docs: {s.dq_docs}")
    lines.append(f"  warehouse: {s.warehouse}   lake: {s.lake}")
    return "\n".join(lines)


def _jsonable(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def print_result(columns: list[str], rows: list[tuple], fmt: str, out=sys.stdout) -> None:
    if fmt == "json":
        json.dump([{c: _jsonable(v) for c, v in zip(columns, row)} for row in rows], out, indent=2)
        out.write("\n")
        return
    cells = [[("" if v is None else str(_jsonable(v))) for v in row] for row in rows]
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


def _query(warehouse: Path, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
    from filingflow.search import connect  # warehouse.connect + the fts extension (match_bm25)

    con = connect(warehouse, read_only=True)
    try:
        result = con.execute(sql, params or [])
        columns = [d[0] for d in result.description] if result.description else []
        return columns, result.fetchall() if columns else []
    finally:
        con.close()


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    try:
        columns, rows = _query(Path(args.warehouse), args.query)
    except (duckdb.Error, FileNotFoundError) as exc:
        print(f"filingflow sql: {exc}", file=sys.stderr)
        return 2
    print_result(columns, rows, args.format)
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    warehouse = Path(args.warehouse)
    try:
        columns, rows = _query(warehouse, """
            SELECT run_id, status, started_at, finished_at, files_seen, files_new, files_unchanged AS unchanged,
                   files_loaded AS loaded, files_quarantined AS quarantined, filings_loaded AS filings,
                   expectations_failed AS dq_failed
            FROM runs ORDER BY started_at DESC LIMIT ?""", [args.limit])
    except FileNotFoundError as exc:
        print(f"filingflow status: {exc}", file=sys.stderr)
        return 2
    print("Last runs")
    print_result(columns, rows, "table")
    columns, rows = _query(warehouse, """
        SELECT (SELECT count(*) FROM filings) AS filings, (SELECT count(*) FROM companies) AS companies,
               (SELECT count(*) FROM nonderiv_transactions) + (SELECT count(*) FROM deriv_transactions) AS transactions,
               (SELECT count(*) FROM ingest_ledger) AS files_in_ledger, (SELECT count(*) FROM quarantine) AS quarantined""")
    print("\nWarehouse")
    print_result(columns, rows, "table")
    columns, rows = _query(warehouse, "SELECT source_file, stage, error, detail, run_id FROM quarantine ORDER BY source_file")
    print("\nQuarantined files")
    print_result(columns, rows, "table")
    return 0


def cmd_dq(args: argparse.Namespace) -> int:
    warehouse = Path(args.warehouse)
    try:
        run = args.run or _query(warehouse, "SELECT max(run_id) FROM runs")[1][0][0]
    except FileNotFoundError as exc:
        print(f"filingflow dq: {exc}", file=sys.stderr)
        return 2
    columns, rows = _query(warehouse, """
        SELECT suite, expectation, column_name, severity, success, element_count, unexpected_count
        FROM dq_results WHERE run_id = ? ORDER BY success, severity, suite, expectation""", [run])
    print(f"Expectations of run {run}")
    print_result(columns, rows, args.format)
    columns, rows = _query(warehouse, """
        SELECT severity, expectation, table_name, filing_id, row_index, detail FROM dq_flags
        WHERE run_id = ? ORDER BY severity, expectation, filing_id, row_index""", [run])
    print("\nFindings")
    print_result(columns, rows, args.format)
    return 0


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


def cmd_search(args: argparse.Namespace) -> int:
    import duckdb

    from filingflow.search import connect, search

    try:
        con = connect(Path(args.warehouse), read_only=True)
        try:
            columns, rows = search(con, args.words, args.limit)
        finally:
            con.close()
    except (duckdb.Error, FileNotFoundError) as exc:
        print(f"filingflow search: {exc}", file=sys.stderr)
        return 2
    print_result(columns, rows, args.format)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="filingflow", description="SEC filings to validated Parquet and DuckDB tables.")
    sub = parser.add_subparsers(dest="command", required=True)

    def add_warehouse(p):
        p.add_argument("--warehouse", default=str(DEFAULT_WAREHOUSE), help="DuckDB file (default: %(default)s)")

    run = sub.add_parser("run", help="run the nightly flow now")
    run.add_argument("--input", action="append", help="input folder, file or glob (repeatable; default: data/samples)")
    add_warehouse(run)
    run.add_argument("--lake", default=str(DEFAULT_LAKE), help="Parquet lake folder (default: %(default)s)")
    run.add_argument("--dq-dir", default=str(DEFAULT_DQ), help="Great Expectations Data Docs folder (default: %(default)s)")
    run.add_argument("--max-file-bytes", type=int, default=64 * 1024 * 1024, help="per-file size limit")
    run.add_argument("--wait", type=float, default=0.0,
                     help="seconds to wait for another run holding the warehouse (default: exit at once)")
    run.add_argument("--max-error-rate", type=float, default=0.01,
                     help="fail the run when an error expectation fails on more than this share of rows (default: %(default)s)")
    run.add_argument("--quiet", action="store_true", help="print nothing on success")
    run.add_argument("--verbose", action="store_true", help="show Prefect's log")
    run.set_defaults(func=cmd_run)

    sql = sub.add_parser("sql", help="run SQL against the warehouse (read-only)")
    sql.add_argument("query")
    add_warehouse(sql)
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table")
    sql.set_defaults(func=cmd_sql)

    export = sub.add_parser("export", help="write Parquet for analysts (zstd, partitioned by filing year)")
    export.add_argument("--out", required=True)
    export.add_argument("--tables", nargs="+", help="tables to export (default: all filing and reference tables)")
    export.add_argument("--since", help="only filings loaded on or after this date (YYYY-MM-DD)")
    add_warehouse(export)
    export.set_defaults(func=cmd_export)

    status = sub.add_parser("status", help="last runs, counts, quarantined files")
    add_warehouse(status)
    status.add_argument("--limit", type=int, default=10)
    status.set_defaults(func=cmd_status)

    dq = sub.add_parser("dq", help="data-quality results and row-level findings of a run")
    dq.add_argument("--run", help="run id (default: the latest)")
    dq.add_argument("--format", choices=("table", "csv", "json"), default="table")
    add_warehouse(dq)
    dq.set_defaults(func=cmd_dq)

    search = sub.add_parser("search", help="full-text search of 8-K items, exhibits and footnotes (BM25)")
    search.add_argument("words")
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("--format", choices=("table", "csv", "json"), default="table")
    add_warehouse(search)
    search.set_defaults(func=cmd_search)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
