"""Bring new filings of an EDGAR source into the local cache, each exactly once.

The cache keeps the archive's layout, one folder per source:
`<cache>/<source>/edgar/data/<cik>/<accession>.txt` (the folder discovery reads)
and `<cache>/<source>/edgar/daily-index/...` (index files read). `state.json` next
to them remembers the index files already read, the quarters whose every index
file was read, and the downloads that failed (retried at the next sync). A filing
is fetched only when none of its paths is in the cache, so a second sync fetches
nothing; every file lands by atomic rename, so a killed sync leaves no half file
and the next one picks up where it stopped."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from filingflow.sources.archive import MAX_INDEX_BYTES, HttpArchive, MirrorArchive
from filingflow.sources.edgar_index import index_date, parse_form_index, quarter_end, quarter_folder, quarters_between
from filingflow.sources.http_fetch import FetchError, HttpFetcher
from filingflow.sources.resolver import EdgarSource, SourceOptions

# A quarter's index files are final once the quarter is this far behind us.
SETTLE_DAYS = 7


class SourceError(RuntimeError):
    """An index file or listing could not be read: the run stops, the next one retries."""


@dataclass
class SyncReport:
    folder: Path  # the local folder holding every filing fetched from this source
    indexes_read: list[str] = field(default_factory=list)
    fetched: int = 0
    already_cached: int = 0
    failures: list[tuple[Path, str, str]] = field(default_factory=list)  # (local path, error code, detail)


class SyncState:
    def __init__(self, path: Path):
        self.path = path
        data = json.loads(path.read_text()) if path.exists() else {}
        self.indexes: dict[str, dict] = data.get("indexes", {})
        self.complete_quarters: set[str] = set(data.get("complete_quarters", []))
        self.pending: dict[str, dict] = data.get("pending", {})

    def last_index_day(self) -> dt.date | None:
        days = [index_date(Path(rel).name) for rel in self.indexes]
        return max(days) if days else None

    def save(self) -> None:
        tmp = self.path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps({"indexes": self.indexes, "complete_quarters": sorted(self.complete_quarters),
                                   "pending": self.pending}, indent=1, sort_keys=True))
        os.replace(tmp, self.path)


def open_archive(source: EdgarSource, options: SourceOptions) -> HttpArchive | MirrorArchive:
    if source.kind == "mirror":
        return MirrorArchive(Path(source.location))
    return HttpArchive(source.location, HttpFetcher(
        options.user_agent, rate_per_second=options.rate_per_second, max_attempts=options.max_attempts,
        backoff_seconds=options.backoff_seconds, timeout_seconds=options.timeout_seconds))


def sync(source: EdgarSource, options: SourceOptions, max_bytes: int, today: dt.date | None = None) -> SyncReport:
    today = today or dt.date.today()
    return _Sync(source, options, max_bytes).run(today)


class _Sync:
    def __init__(self, source: EdgarSource, options: SourceOptions, max_bytes: int):
        self.root = options.cache_dir / source.slug
        self.tmp = self.root / "tmp"
        self.options, self.max_bytes = options, max_bytes
        self.archive = open_archive(source, options)
        self.state = SyncState(self.root / "state.json")
        self.report = SyncReport(self.root / "edgar" / "data")

    def run(self, today: dt.date) -> SyncReport:
        shutil.rmtree(self.tmp, ignore_errors=True)  # parts left by a killed sync
        self.report.folder.mkdir(parents=True, exist_ok=True)
        state = self.state
        until = self.options.until_date or today
        since = (self.options.since_date or state.last_index_day()
                 or today - dt.timedelta(days=self.options.first_run_days))
        retried = sorted(state.pending)
        for rel in retried:
            self._fetch(rel)
        state.save()
        for year, qtr in quarters_between(since, until):
            quarter = f"{year}/QTR{qtr}"
            if quarter in state.complete_quarters:
                continue
            names = _or_source_error(self.archive.list_indexes, year, qtr)
            if names is None:
                continue
            listed = [f"{quarter_folder(year, qtr)}/{name}" for name in names]
            for rel in listed:
                if since <= index_date(Path(rel).name) <= until and rel not in state.indexes:
                    self._read_index(rel, skip=set(retried))
                    state.save()
            if quarter_end(year, qtr) + dt.timedelta(days=SETTLE_DAYS) < today and all(
                    rel in state.indexes for rel in listed):
                state.complete_quarters.add(quarter)
                state.save()
        return self.report

    def _read_index(self, rel: str, skip: set[str]) -> None:
        local = self.root / rel
        if not local.exists():
            _or_source_error(self.archive.copy_to, rel, local, self.tmp, MAX_INDEX_BYTES)
        wanted = set(self.options.forms)
        paths_of: dict[str, list[str]] = {}  # a filing is listed once per filer (issuer, each owner)
        for entry in parse_form_index(local.read_text(encoding="latin-1")):
            if entry.form_type in wanted:
                paths_of.setdefault(entry.accession, []).append(entry.file_name)
        for paths in paths_of.values():
            if any((self.root / p).exists() for p in paths):
                self.report.already_cached += 1
            elif not skip.intersection(paths):  # a failed download already retried in this sync
                self._fetch(paths[0])
        self.state.indexes[rel] = {"read_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                                   "filings": len(paths_of)}
        self.report.indexes_read.append(rel)

    def _fetch(self, rel: str) -> None:
        try:
            self.archive.copy_to(rel, self.root / rel, self.tmp, self.max_bytes)
        except FetchError as exc:
            self.report.failures.append((self.root / rel, exc.code, exc.detail))
            if exc.code != "file_too_large":  # the same size again next time: not worth a retry
                attempts = self.state.pending.get(rel, {}).get("attempts", 0) + 1
                self.state.pending[rel] = {"error": exc.code, "detail": exc.detail, "attempts": attempts}
            return
        self.state.pending.pop(rel, None)
        self.report.fetched += 1


def _or_source_error(call, *args):
    try:
        return call(*args)
    except FetchError as exc:
        raise SourceError(f"could not read the EDGAR index: {exc.detail}; the next run retries") from None
