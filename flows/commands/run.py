"""`filingflow run`: the nightly flow, now."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from flows import prefect_env
from flows.commands.common import DEFAULT_DQ, DEFAULT_INPUT, DEFAULT_LAKE, add_warehouse


def cmd_run(args: argparse.Namespace) -> int:
    prefect_env.apply_defaults()
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


def register(sub) -> None:
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
