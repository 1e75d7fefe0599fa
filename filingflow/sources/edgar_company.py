"""One company's filings from an EDGAR source: its filing list instead of every daily index.

`--cik 320193` or `--ticker AAPL` (looked up in the SEC's company tickers file, cached a day)
with the forms and the date window of the run: the company's submissions file
(`CIK##########.json`: the recent filings, and pages of older ones named in it) lists every
filing with its form and date; those selected are fetched into the source's cache as the
daily-index sync does, `edgar/data/<cik>/<accession>.txt`, each once.

Where the files are: on www.sec.gov, `https://data.sec.gov/submissions/CIK##########.json`
and `https://www.sec.gov/files/company_tickers.json`. Any other source (a mirror folder, a
local server) keeps them in the same layout beside its archive: `submissions/` and
`files/company_tickers.json` in the folder above `Archives` when the source's location ends
in `/Archives`, else in the source's root."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from filingflow.sources.archive import MAX_INDEX_BYTES, HttpArchive, MirrorArchive
from filingflow.sources.edgar_sync import SourceError, SyncReport, open_archive
from filingflow.sources.http_fetch import FetchError
from filingflow.sources.resolver import EdgarSource, SourceOptions

SEC_ARCHIVE_HOST = "www.sec.gov"
SEC_SUBMISSIONS = "https://data.sec.gov/submissions"
SEC_TICKERS = "https://www.sec.gov/files/company_tickers.json"
TICKERS_MAX_AGE_SECONDS = 24 * 3600  # the SEC updates the file daily
_ACCESSION = re.compile(r"^\d{10}-\d{2}-\d{6}$")
_COLUMNS = ("accessionNumber", "filingDate", "form")


@dataclass(frozen=True)
class CompanyFiling:
    accession: str
    form: str
    filed: dt.date


def submissions_name(cik: str) -> str:
    return f"CIK{int(cik):010d}.json"


def company_filings(page: dict, where: str) -> list[CompanyFiling]:
    """The filings of one page of a submissions file: the `filings.recent` block of the main
    file, or an older page (the same columns at its top level). Pure."""
    block = page.get("filings", {}).get("recent") if isinstance(page.get("filings"), dict) else page
    if not isinstance(block, dict) or not all(isinstance(block.get(c), list) for c in _COLUMNS):
        raise SourceError(f"{where} is not an EDGAR submissions file (no {', '.join(_COLUMNS)} lists)")
    lengths = {len(block[c]) for c in _COLUMNS}
    if len(lengths) != 1:
        raise SourceError(f"{where}: the lists {', '.join(_COLUMNS)} differ in length")
    found = []
    for accession, filed, form in zip(*(block[c] for c in _COLUMNS)):
        if not isinstance(accession, str) or not _ACCESSION.match(accession):
            raise SourceError(f"{where}: {accession!r} is not an accession number")
        try:
            day = dt.date.fromisoformat(filed)
        except (TypeError, ValueError):
            raise SourceError(f"{where}: filing {accession} has the date {filed!r}") from None
        found.append(CompanyFiling(accession, str(form), day))
    return found


def older_pages(main: dict) -> list[tuple[str, dt.date | None, dt.date | None]]:
    """(file name, first filing date, last filing date) of the pages of older filings."""
    files = main.get("filings", {}).get("files", []) if isinstance(main.get("filings"), dict) else []
    pages = []
    for item in files if isinstance(files, list) else []:
        if isinstance(item, dict) and isinstance(item.get("name"), str) and re.fullmatch(r"[\w.-]+\.json", item["name"]):
            pages.append((item["name"], _day(item.get("filingFrom")), _day(item.get("filingTo"))))
    return pages


def ticker_cik(tickers: dict, ticker: str) -> str | None:
    """The CIK (10 digits) of a ticker in the SEC's company_tickers.json, any case. Pure."""
    wanted = ticker.strip().upper()
    for row in tickers.values() if isinstance(tickers, dict) else []:
        if isinstance(row, dict) and str(row.get("ticker", "")).upper() == wanted and str(row.get("cik_str", "")).isdigit():
            return f"{int(row['cik_str']):010d}"
    return None


def _day(text) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


class _Locations:
    """Where the company files of a source are, read through its archive."""

    def __init__(self, source: EdgarSource, archive: HttpArchive | MirrorArchive):
        self.archive = archive
        self.sec = source.kind == "http" and urlsplit(source.location).hostname == SEC_ARCHIVE_HOST
        if source.kind == "http":
            self.root = re.sub(r"/Archives/*$", "", source.location.rstrip("/"))
        else:
            folder = Path(source.location)
            self.root = str(folder.parent if folder.name == "Archives" else folder)

    def read(self, kind: str, name: str) -> bytes:
        if isinstance(self.archive, MirrorArchive):
            return MirrorArchive(Path(self.root)).read(f"{kind}/{name}")
        if self.sec:
            url = f"{SEC_SUBMISSIONS}/{name}" if kind == "submissions" else SEC_TICKERS
        else:
            url = f"{self.root}/{kind}/{name}"
        return self.archive.fetcher.get(url, MAX_INDEX_BYTES)


def sync_company(source: EdgarSource, options: SourceOptions, max_bytes: int,
                 today: dt.date | None = None) -> SyncReport:
    """Fetch the selected filings of one company (options.cik or options.ticker) into the cache;
    the report's folder holds them (the company's folder of the cache)."""
    root = options.cache_dir / source.slug
    tmp = root / "tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    archive = open_archive(source, options)
    where = _Locations(source, archive)
    cik = options.cik or _cik_of_ticker(where, options)
    folder = root / "edgar" / "data" / str(int(cik))
    report = SyncReport(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = submissions_name(cik)
    main = _json(where, "submissions", name)
    report.indexes_read.append(f"submissions/{name}")
    since, until = options.since_date, options.until_date or today or dt.date.today()
    filings = company_filings(main, name)
    earliest = min((f.filed for f in filings), default=None)
    if since is not None and (earliest is None or since < earliest):  # the window reaches the older pages
        for page, first, last in older_pages(main):
            if (first is None or first <= until) and (last is None or last >= since):
                filings += company_filings(_json(where, "submissions", page), page)
                report.indexes_read.append(f"submissions/{page}")
    wanted = set(options.forms)
    chosen = {f.accession: f for f in filings
              if f.form in wanted and (since is None or f.filed >= since) and f.filed <= until}
    for accession in sorted(chosen):
        rel = f"edgar/data/{int(cik)}/{accession}.txt"
        dest = root / rel
        if dest.exists() or _link_cached(root, accession, dest):
            report.already_cached += 1
            continue
        try:
            archive.copy_to(rel, dest, tmp, max_bytes)
        except FetchError as exc:
            report.failures.append((dest, exc.code, exc.detail))
            continue
        report.fetched += 1
    return report


def _link_cached(root: Path, accession: str, dest: Path) -> bool:
    """A filing the daily-index sync cached under another filer's folder: linked, not fetched again."""
    for other in (root / "edgar" / "data").glob(f"*/{accession}.txt"):
        try:
            os.link(other, dest)
        except OSError:
            shutil.copyfile(other, dest)
        return True
    return False


def _json(where: _Locations, kind: str, name: str) -> dict:
    try:
        data = where.read(kind, name)
    except FetchError as exc:
        raise SourceError(f"could not read the company's filing list {kind}/{name}: {exc.detail}") from None
    try:
        value = json.loads(data)
    except ValueError as exc:
        raise SourceError(f"{kind}/{name} is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise SourceError(f"{kind}/{name} is not a JSON object")
    return value


def _cik_of_ticker(where: _Locations, options: SourceOptions) -> str:
    if not options.ticker:
        raise SourceError("a company source needs a CIK or a ticker")
    cached = options.cache_dir / "company_tickers.json"
    if not cached.is_file() or time.time() - cached.stat().st_mtime > TICKERS_MAX_AGE_SECONDS:
        try:
            data = where.read("files", "company_tickers.json")
            json.loads(data)
        except FetchError as exc:
            if not cached.is_file():
                raise SourceError(f"could not read the SEC's company tickers file: {exc.detail}") from None
        except ValueError as exc:
            raise SourceError(f"the SEC's company tickers file is not JSON: {exc}") from None
        else:
            cached.parent.mkdir(parents=True, exist_ok=True)
            part = cached.with_name(cached.name + ".part")
            part.write_bytes(data)
            os.replace(part, cached)
    cik = ticker_cik(json.loads(cached.read_bytes()), options.ticker)
    if cik is None:
        raise SourceError(f"ticker {options.ticker!r} is not in the SEC's company tickers file: use --cik")
    return cik
