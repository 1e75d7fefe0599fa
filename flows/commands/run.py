"""`filingflow run`: the nightly flow, now."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from dataclasses import fields
from pathlib import Path

from filingflow.config import Settings
from filingflow.lake import location as lake_location
from filingflow.terminal_text import printable
from flows import prefect_env, stopping
from flows.commands.common import add_settings
from flows.commands.sources import add_source_flags, checked_source_options, input_paths, missing_input


def run_settings(settings: Settings):
    """The flow's RunSettings: every setting named like a RunSettings field goes straight through
    (unset ones keep the field's default), so a new field only needs its entry in filingflow/config.py."""
    from flows.pipeline import RunSettings

    values = {f.name: settings[f.name] for f in fields(RunSettings)
              if f.name in settings and settings[f.name] is not None}
    values.update(inputs=input_paths(settings.input), lake=lake_location(settings.lake),
                  symlink_roots=[Path(p) for p in settings.symlink_roots or []])
    return RunSettings(**values)


def choose_reporter(args: argparse.Namespace):
    """A progress bar on an interactive terminal; key=value log lines elsewhere (CI, cron, pipes);
    nothing with --quiet."""
    from filingflow import progress

    if args.quiet:
        return progress.Silent()
    if sys.stderr.isatty() and not os.environ.get("CI"):
        return progress.Bar(per_file=args.verbose)
    return progress.LogLines(per_file=args.verbose)


def _logging_env(args: argparse.Namespace, reporter) -> None:
    """Prefect's log levels, set before Prefect is imported (it configures logging on import)."""
    from filingflow import progress

    if args.quiet:
        os.environ["PREFECT_LOGGING_LEVEL"] = "ERROR"
        os.environ["PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL"] = "ERROR"
        return
    if args.verbose:
        os.environ["PREFECT_LOGGING_LEVEL"] = "INFO"
    if isinstance(reporter, progress.LogLines):
        # The progress lines go through the flow run's logger: let its INFO lines reach the console.
        os.environ.setdefault("PREFECT_LOGGING_LOGGERS_PREFECT_FLOW_RUNS_LEVEL", "INFO")


def cmd_run(args: argparse.Namespace) -> int:
    prefect_env.apply_defaults()
    reporter = choose_reporter(args)
    _logging_env(args, reporter)
    problem = missing_input(args.settings.input)
    if problem:  # before Prefect starts: a typo in a path is a usage error, not an empty run
        print(f"filingflow run: {printable(problem)}", file=sys.stderr)
        return stopping.USAGE
    from filingflow import progress
    from flows.pipeline import DataQualityFailed, nightly

    if not args.verbose:
        _one_line_failures()
    settings = run_settings(args.settings)
    settings.retry_quarantined = args.retry_quarantined
    settings.sources = checked_source_options(args)
    before = stopping.identity(settings.warehouse)
    api = None
    try:
        with stopping.stop_on_signals("run", settings.warehouse), prefect_env.api_for_run() as api, \
                progress.reporting(reporter):
            summary = nightly(settings)
    except DataQualityFailed as exc:
        print(format_summary(exc.summary, api), file=sys.stderr if args.quiet else sys.stdout)
        print(f"filingflow run failed: {printable(str(exc))}", file=sys.stderr)
        return stopping.FAILED
    except Exception as exc:  # noqa: BLE001 - the run itself failed: say why in one line, exit non-zero
        summary = progress.committed_summary()
        if args.verbose:
            traceback.print_exc()
        if summary is None:
            if not args.verbose:  # the failure's line stays the last: no Prefect shutdown warnings after it
                logging.disable(logging.CRITICAL)
            print(f"filingflow run failed: {printable(stopping.one_line(exc))}; "
                  f"{stopping.warehouse_state(settings.warehouse, before)}", file=sys.stderr)
            return stopping.FAILED
        # The warehouse committed before Prefect failed (its API gone, say): the run is done.
        print(f"filingflow run: the run committed, then Prefect failed ({printable(stopping.one_line(exc))}); "
              "its flow run may not show as completed", file=sys.stderr)
    if not args.quiet:
        print(format_summary(summary, api))
    return stopping.DONE


class _NoFailureDumps(logging.Filter):
    """Prefect logs a failed task or flow with its traceback; the command says the failure in one line
    itself (--verbose lets the dumps through)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno >= logging.ERROR and record.name.startswith("prefect"))


def _one_line_failures() -> None:
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
                                      if name.startswith("prefect"))]
    for handler in {h for logger in loggers for h in logger.handlers}:
        if not any(isinstance(f, _NoFailureDumps) for f in handler.filters):
            handler.addFilter(_NoFailureDumps())


def format_summary(s, api: prefect_env.PrefectApi | None = None) -> str:
    """The run summary; file names, errors and details are data: their control characters are escaped,
    so no file name can forge a line. Prefect's own server start has a line of its own: it is not
    the run's cost."""
    lines = [
        f"filingflow run {s.run_id}",
        *([f"  prefect: {printable(api.describe())}"] if api is not None else []),
        f"  files: {s.files_seen} seen, {s.files_new} new or changed, {s.files_unchanged} unchanged (skipped), "
        f"{s.files_loaded} loaded, {s.files_duplicate} duplicate, {s.files_quarantined} quarantined",
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
        lines.append(f"  quarantined {printable(path)}: {printable(str(error))}: {printable(str(detail))}")
    for path, repeats in s.duplicates:
        lines.append(f"  duplicate {printable(path)}: {printable(str(repeats))}")
    for warning in s.warnings:
        lines.append(f"  warning: {printable(str(warning))}")
    if s.dq_docs:
        lines.append(f"  data docs: {printable(s.dq_docs)}")
    if s.report:
        lines.append(f"  report: {printable(s.report)}")
    lines.append(f"  warehouse: {printable(s.warehouse)}   lake: {printable(s.lake)}")
    return "\n".join(lines)


def register(sub) -> None:
    run = sub.add_parser("run", help="run the nightly flow now")
    add_settings(run, "input", "warehouse", "lake", "dq_dir", "reports_dir", "max_file_bytes", "max_file_seconds",
                 "symlink_roots",
                 "lock_wait_seconds", "max_error_rate", "chunk_size", "parse_workers", "task_runner", "dask_address")
    run.add_argument("--retry-quarantined", action="store_true",
                     help="read quarantined files again even when unchanged (after a reader fix)")
    shown = run.add_mutually_exclusive_group()
    shown.add_argument("--quiet", action="store_true", help="print nothing but errors")
    shown.add_argument("--verbose", action="store_true", help="show Prefect's log and every file's decision")
    add_source_flags(run)
    run.set_defaults(func=cmd_run)
