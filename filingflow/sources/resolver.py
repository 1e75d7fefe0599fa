"""Which inputs are EDGAR sources, and the options of those sources.

An input is a local folder, file or glob, or an EDGAR-style archive:
`edgar+https://www.sec.gov/Archives`, `edgar+http://127.0.0.1:8000/`,
`edgar:/path/to/mirror` or `edgar+file:///path/to/mirror`. Paths collapse
`//` to `/`, so `edgar+https:/host/base` (a URL that went through `Path`)
reads the same."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from filingflow.sources.http_fetch import check_user_agent

# Ownership reports and 8-Ks: the forms filingflow reads into rows.
DEFAULT_FORMS = ("3", "3/A", "4", "4/A", "5", "5/A", "8-K", "8-K/A")
DEFAULT_CACHE = Path("data/edgar")

_SPEC = re.compile(r"^edgar(?:\+(?P<scheme>https?|file))?:(?P<rest>.*)$", re.IGNORECASE)


@dataclass
class SourceOptions:
    """How EDGAR sources are read; local inputs ignore these."""
    user_agent: str | None = None  # required by the SEC for HTTP: "Name or Company contact@example.com"
    forms: tuple[str, ...] = DEFAULT_FORMS  # form types taken from the index
    cache_dir: Path = DEFAULT_CACHE  # fetched files, one folder per source, in the archive's layout
    since_date: dt.date | None = None  # first index day to read (default: after the last one read)
    until_date: dt.date | None = None  # last index day to read (default: today)
    first_run_days: int = 7  # with no index read yet and no since_date: this many days back
    rate_per_second: float = 10.0  # the SEC's limit
    max_attempts: int = 5
    backoff_seconds: float = 1.0
    timeout_seconds: float = 30.0
    # One company (filingflow/sources/edgar_company.py): its filing list instead of the daily indexes.
    cik: str | None = None  # 10 digits
    ticker: str | None = None  # looked up in the SEC's company tickers file

    @property
    def company(self) -> bool:
        return bool(self.cik or self.ticker)


@dataclass(frozen=True)
class EdgarSource:
    kind: str  # "http" or "mirror"
    location: str  # base URL, or the mirror folder
    spec: str  # as given

    @property
    def slug(self) -> str:
        """Name of this source's folder in the cache."""
        if self.kind == "http":
            return re.sub(r"[^A-Za-z0-9.-]+", "_", self.location.split("://", 1)[1]).strip("_")
        folder = Path(self.location).resolve()
        return f"mirror-{folder.name}-{hashlib.sha256(str(folder).encode()).hexdigest()[:8]}"


def parse_source(item: str | Path) -> EdgarSource | None:
    """The EDGAR source an input names, or None for a local folder, file or glob."""
    text = str(item)
    match = _SPEC.match(text)
    if not match:
        return None
    scheme, rest = (match["scheme"] or "file").lower(), match["rest"]
    if scheme in ("http", "https"):
        host_and_path = rest.lstrip("/")
        if not host_and_path:
            raise ValueError(f"{text}: no host after {scheme}://")
        return EdgarSource("http", f"{scheme}://{host_and_path}", text)
    folder = re.sub(r"^/+", "/", rest)
    if not folder:
        raise ValueError(f"{text}: no mirror folder given")
    return EdgarSource("mirror", folder, text)


def check_sources(inputs: list[str | Path], options: SourceOptions) -> list[EdgarSource]:
    """Refuse, before any run starts, EDGAR inputs that cannot work as configured."""
    sources = [s for s in map(parse_source, inputs) if s is not None]
    if any(s.kind == "http" for s in sources):
        check_user_agent(options.user_agent)
    for source in sources:
        if source.kind == "mirror" and not Path(source.location).is_dir():
            raise ValueError(f"{source.spec}: the mirror folder {source.location} does not exist")
    if options.company and not sources:
        raise ValueError("--cik / --ticker read one company's filings from an EDGAR source: add one, e.g. "
                         "--input edgar+https://www.sec.gov/Archives")
    if options.cik and options.ticker:
        raise ValueError("give --cik or --ticker, not both")
    if options.since_date and options.until_date and options.since_date > options.until_date:
        raise ValueError(f"since date {options.since_date} is after until date {options.until_date}")
    return sources
