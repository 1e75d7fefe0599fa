"""Progress reporting of the parse step: key=value lines, the terminal bar, and which one the CLI picks.
(The lines of a real `filingflow run` are checked in tests/integration/test_sql_cli.py.)"""
from __future__ import annotations

import argparse
import io
import logging
import re
from types import SimpleNamespace

from rich.console import Console

from filingflow import progress
from flows.commands.run import choose_reporter


def outcome(path: str, status: str = "loaded", filings: int = 1, error: str | None = None, detail: str | None = None):
    return SimpleNamespace(path=path, status=status, filing_ids=[f"f{i}" for i in range(filings)], error=error,
                           detail=detail)


CHUNK = [outcome("in/a.txt"), outcome("in/b c.txt", "quarantined", 0, "empty_file", "the file is empty"),
         outcome("in/d.txt", filings=2)]


def test_logfmt_quotes_only_what_needs_it():
    assert progress.logfmt(event="file", path="in/b c.txt", filings=0, error=None, detail='say "x"') == (
        'event=file path="in/b c.txt" filings=0 detail="say \\"x\\""')


def test_rates_count_files_and_filings():
    rates = progress.Rates(total=5, skipped=7)
    rates.add(CHUNK)
    fields = rates.fields()
    assert (fields["files_done"], fields["files_total"], fields["filings"]) == (3, 5, 3)
    assert fields["files_per_s"] > 0 and fields["eta_s"] >= 0 and rates.ended is None
    rates.add(CHUNK[:2])
    assert rates.files == 5 and rates.ended is not None  # every file parsed: the rates stop moving
    assert rates.elapsed == rates.elapsed


def test_log_lines_per_chunk_and_per_file(caplog):
    logger = logging.getLogger("test.progress")
    with (caplog.at_level(logging.INFO, logger="test.progress"),
          progress.reporting(progress.LogLines(per_file=True, logger=logger))):
        progress.parse_started(3, 4)
        assert progress.parsed(CHUNK) is CHUNK
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == "event=parse_start files_to_read=3 files_skipped_unchanged=4"
    assert lines[1:4] == [
        "event=file status=loaded filings=1 path=in/a.txt",
        'event=file status=quarantined filings=0 error=empty_file path="in/b c.txt" detail="the file is empty"',
        "event=file status=loaded filings=2 path=in/d.txt"]
    assert lines[4].startswith("event=parse_progress files_done=3 files_total=3 filings=3 files_per_s=")
    assert len(lines) == 5
    progress.parsed(CHUNK)  # after the run: nobody listens, nothing breaks


def test_bar_shows_counts_rates_and_eta():
    out = io.StringIO()
    bar = progress.Bar(console=Console(file=out, force_terminal=True, width=200, color_system=None))
    with progress.reporting(bar):
        progress.parse_started(6, 0)
        progress.parsed(CHUNK)
        bar._progress.refresh()
        shown = out.getvalue()
        assert "parsing" in shown and "3/6" in shown and "files/s" in shown and "filings/s" in shown
        assert "ETA 0:" in shown
        progress.parsed(CHUNK)
        bar._progress.refresh()
        assert "validating and loading" in out.getvalue() and "6/6" in out.getvalue()
    # The bar goes away (cursor codes) and leaves one line behind.
    assert re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out.getvalue().rstrip().splitlines()[-1]).startswith(
        "parsed 6 files (6 filings) in ")


def test_the_cli_picks_bar_lines_or_silence(monkeypatch):
    def args(quiet=False, verbose=False):
        return argparse.Namespace(quiet=quiet, verbose=verbose)

    monkeypatch.setattr("sys.stderr", SimpleNamespace(isatty=lambda: True))
    monkeypatch.delenv("CI", raising=False)
    assert type(choose_reporter(args())) is progress.Bar
    assert type(choose_reporter(args(quiet=True))) is progress.Silent
    assert choose_reporter(args(verbose=True)).per_file
    monkeypatch.setenv("CI", "true")
    assert type(choose_reporter(args())) is progress.LogLines
    monkeypatch.delenv("CI")
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a terminal: a pipe, a log file, cron
    assert type(choose_reporter(args())) is progress.LogLines
