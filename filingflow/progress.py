"""Progress of a run's parse step, reported as each chunk of files finishes.

The flow calls `parse_started` and `parsed` (flows/pipeline.py), in the flow's
own process whatever the task runner, so counts stay right on a Dask cluster.
Who hears it: the reporter the CLI installs with `reporting(...)` (a bar on a
terminal, key=value lines otherwise, nothing with --quiet); without one (a
Prefect deployment, a test), key=value lines through Prefect's run logger."""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, TextColumn
from rich.text import Text

from filingflow.terminal_text import has_controls


class Rates:
    """Files and filings parsed so far, their rates and the time left, from the start of the parse step."""

    def __init__(self, total: int, skipped: int):
        self.total, self.skipped = total, skipped
        self.files = self.filings = 0
        self.started = time.monotonic()
        self.ended: float | None = None  # rates stop moving once every file is parsed

    def add(self, outcomes: Sequence) -> None:
        self.files += len(outcomes)
        # A run's outcomes are columns (accounting.Outcomes): counted there, not made into objects.
        counted = getattr(outcomes, "filing_count", None)
        self.filings += counted if counted is not None else sum(len(o.filing_ids) for o in outcomes)
        if self.files >= self.total:
            self.ended = time.monotonic()

    @property
    def elapsed(self) -> float:
        return max((self.ended or time.monotonic()) - self.started, 1e-9)

    @property
    def files_per_s(self) -> float:
        return self.files / self.elapsed

    @property
    def filings_per_s(self) -> float:
        return self.filings / self.elapsed

    @property
    def eta_s(self) -> float | None:
        return (self.total - self.files) / self.files_per_s if self.files else None

    def fields(self) -> dict:
        eta = self.eta_s
        return {"files_done": self.files, "files_total": self.total, "filings": self.filings,
                "files_per_s": round(self.files_per_s, 1), "filings_per_s": round(self.filings_per_s, 1),
                "elapsed_s": round(self.elapsed, 1), "eta_s": None if eta is None else round(eta, 1)}


def logfmt(**fields) -> str:
    """key=value pairs; values with spaces, quotes or '=' are JSON-quoted; None is left out."""
    parts = []
    for key, value in fields.items():
        if value is None:
            continue
        text = str(value)
        if not text or any(c in text for c in ' "=\\') or has_controls(text):  # JSON escapes controls
            text = json.dumps(text)
        parts.append(f"{key}={text}")
    return " ".join(parts)


def decision(outcome) -> str:
    """One file's outcome as a log line (--verbose)."""
    return logfmt(event="file", status=outcome.status, filings=len(outcome.filing_ids), error=outcome.error,
                  path=outcome.path, detail=outcome.detail)


class Reporter:
    """Hears the parse step: `start` once, `advance` per finished chunk, `close` when the run is over."""

    def start(self, rates: Rates) -> None:
        pass

    def advance(self, rates: Rates, outcomes: Sequence) -> None:
        pass

    def close(self) -> None:
        pass


class Silent(Reporter):
    """--quiet."""


class LogLines(Reporter):
    """Plain key=value lines at chunk granularity (and one per file when `per_file`)."""

    def __init__(self, per_file: bool = False, logger: logging.Logger | logging.LoggerAdapter | None = None):
        self.per_file, self.logger = per_file, logger

    def _log(self, line: str) -> None:
        (self.logger or _run_logger()).info(line)

    def start(self, rates: Rates) -> None:
        self._log(logfmt(event="parse_start", files_to_read=rates.total, files_skipped_unchanged=rates.skipped))

    def advance(self, rates: Rates, outcomes: Sequence) -> None:
        if self.per_file:
            for outcome in outcomes:
                self._log(decision(outcome))
        self._log(logfmt(event="parse_progress", **rates.fields()))


class Bar(Reporter):
    """A rich progress bar on stderr: files done of total, files and filings per second, ETA."""

    def __init__(self, per_file: bool = False, console=None):
        self.per_file, self.console, self._progress, self._rates = per_file, console, None, None

    def start(self, rates: Rates) -> None:
        self._rates = rates
        self._progress = Progress(_Spinner(), TextColumn("{task.description}"), BarColumn(),
                                  TextColumn("{task.completed:.0f}/{task.fields[rates].total} files"), _RatesColumn(),
                                  _EtaColumn(), console=self.console or Console(stderr=True), transient=True)
        self._task = self._progress.add_task(_describe(rates), total=rates.total or None, rates=rates)
        self._progress.start()

    def advance(self, rates: Rates, outcomes: Sequence) -> None:
        if self.per_file:
            for outcome in outcomes:
                self._progress.console.print(decision(outcome), markup=False, highlight=False)
        self._progress.update(self._task, completed=rates.files, description=_describe(rates))

    def close(self) -> None:
        if self._progress is None:
            return
        self._progress.stop()
        r = self._rates
        if r.files:
            self._progress.console.print(
                f"parsed {r.files} files ({r.filings} filings) in {r.elapsed:.1f} s: "
                f"{r.files_per_s:.0f} files/s, {r.filings_per_s:.0f} filings/s", markup=False, highlight=False)
        self._progress = None


class _Spinner(SpinnerColumn):
    """Spins on after the parse step too: expectations and the load still run."""

    def render(self, task) -> Text:
        return self.spinner.render(task.get_time())


class _RatesColumn(ProgressColumn):
    def render(self, task) -> Text:
        r = task.fields["rates"]
        return Text(f"{r.files_per_s:,.0f} files/s  {r.filings_per_s:,.0f} filings/s")


class _EtaColumn(ProgressColumn):
    def render(self, task) -> Text:
        eta = task.fields["rates"].eta_s
        if task.finished:
            return Text("")
        if eta is None:
            return Text("ETA --:--")
        minutes, seconds = divmod(int(eta + 0.5), 60)
        return Text(f"ETA {minutes:d}:{seconds:02d}")


def _describe(rates: Rates) -> str:
    if rates.total == 0:
        return f"nothing new to read ({rates.skipped} unchanged)"
    return "validating and loading" if rates.files >= rates.total else "parsing"


def _run_logger():
    from prefect import get_run_logger
    from prefect.exceptions import MissingContextError

    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger("filingflow.progress")


_installed: Reporter | None = None
_active: tuple[Reporter, Rates] | None = None
_committed = None  # the summary of the last run that committed inside the block


@contextmanager
def reporting(reporter: Reporter) -> Iterator[Reporter]:
    """Send the progress of runs started inside the block to `reporter`; closes it at the end."""
    global _installed, _active, _committed
    _installed, _committed = reporter, None
    try:
        yield reporter
    finally:
        _installed = _active = None
        reporter.close()


def parse_started(total: int, skipped: int) -> None:
    """The flow is about to parse `total` files (`skipped` were unchanged and are not read)."""
    global _active
    _active = (_installed or LogLines(), Rates(total, skipped))
    _active[0].start(_active[1])


def committed(summary) -> None:
    """The run's warehouse is committed: its summary is kept, so the command reports the run done even
    when Prefect fails after it (its API gone, say)."""
    global _committed
    _committed = summary


def committed_summary():
    """The summary of the last run that committed inside `reporting`, if any."""
    return _committed


def parsed(outcomes: list) -> list:
    """A chunk finished with these file outcomes; returns them, so the flow can report inline."""
    if _active is not None:
        reporter, rates = _active
        rates.add(outcomes)
        reporter.advance(rates, outcomes)
    return outcomes
