"""EDGAR sources: daily index files, a local mirror, an HTTP archive on 127.0.0.1
(User-Agent, 10 requests/second, retries), fetch-once, and a pipeline run loading them."""
from __future__ import annotations

import datetime as dt
import itertools
import json
import shutil
from email.utils import format_datetime
from pathlib import Path

import duckdb
import pytest

from filingflow.config import resolve
from filingflow.sources.edgar_index import (
    index_path,
    parse_form_index,
    quarters_between,
)
from filingflow.sources.edgar_sync import SyncState, sync
from filingflow.sources.http_fetch import (
    HttpFetcher,
    MissingUserAgent,
    TokenBucket,
    retry_after_seconds,
)
from filingflow.sources.resolver import (
    DEFAULT_FORMS,
    SourceOptions,
    check_sources,
    parse_source,
)
from flows.cli import build_parser
from tests.support.edgar_site import FolderServer

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "support" / "fixtures" / "edgar"
USER_AGENT = "filingflow tests tests@example.com"
DAY1, DAY2 = dt.date(2020, 2, 13), dt.date(2020, 2, 14)
MAX_BYTES = 64 * 1024 * 1024


def selected_accessions(*days: dt.date) -> set[str]:
    return {e.accession for day in days for e in parse_form_index((FIXTURES / f"form.{day:%Y%m%d}.idx").read_text())
            if e.form_type in DEFAULT_FORMS}


def corpus_file(corpus: Path, accession: str) -> Path:
    (found,) = [p for folder in ("full_submission", "other_forms") for p in (corpus / folder).glob(f"*_{accession}_*")]
    return found


@pytest.fixture
def archive(tmp_path, corpus) -> Path:
    """The SEC's archive layout: the fixture index files, their quarter's index.json, and every
    filing they list at every filer's path."""
    root = tmp_path / "archive"
    quarter = root / "edgar" / "daily-index" / "2020" / "QTR1"
    quarter.mkdir(parents=True)
    items = []
    for idx in sorted(FIXTURES.glob("form.*.idx")):
        shutil.copy(idx, quarter / idx.name)
        items.append({"name": idx.name, "type": "file", "href": idx.name, "size": str(idx.stat().st_size)})
        for entry in parse_form_index(idx.read_text()):
            (root / entry.file_name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(corpus_file(corpus, entry.accession), root / entry.file_name)
    (quarter / "index.json").write_text(json.dumps({"directory": {"name": "daily-index/2020/QTR1/", "item": items}}))
    return root


def http_options(cache: Path, **changes) -> SourceOptions:
    values = {"user_agent": USER_AGENT, "cache_dir": cache, "since_date": DAY1, "until_date": DAY2,
              "backoff_seconds": 0.05}
    return SourceOptions(**{**values, **changes})


# --- daily index files -------------------------------------------------------------------------

def test_daily_index_rows():
    entries = parse_form_index((FIXTURES / "form.20200213.idx").read_text())
    assert len(entries) == 17
    first = entries[0]
    assert (first.form_type, first.company_name, first.cik, first.date_filed, first.file_name) == (
        "13F-NT", "Migdal Investment Portfolio Management (1998) Ltd.", "1727574", DAY1,
        "edgar/data/1727574/0001178913-20-000417.txt")
    # A name that runs into the CIK column, as in real index files.
    long_name = [e for e in entries if e.cik == "1558832"]
    assert [(e.form_type, e.company_name, e.accession) for e in long_name] == [
        ("5", "Chloe R. Seelbach, Trustee under Claiborne Rankin Trust for Children of Chloe R. Seelbach "
              "DTD 12/21/04 FBO Thomas Wilson Seelbach", "0001127602-20-005245")]
    # One filing, one row per filer: the issuer and its three reporting owners.
    assert sorted(e.cik for e in entries if e.accession == "0001062993-20-000814") == [
        "1224133", "1665975", "1666682", "1712127"]
    assert len({e.accession for e in entries}) == 8


def test_daily_index_newer_layout():
    text = (
        "Description:           Daily Index of EDGAR Dissemination Feed by Form Type\n"
        "Last Data Received:    Sep 22, 2025\n"
        "Comments:              webmaster@sec.gov\n\n"
        "Form Type   Company Name                                                  CIK\n"
        "      Date Filed  File Name\n"
        "----------------------------------------------------------------------\n"
        "4/A              Doe  Jane                                               1999999     20250922    "
        "edgar/data/1999999/0001999999-25-000001.txt\n"
        "SC 13G/A         BIG FUND LP                                             1234567     20250922    "
        "edgar/data/1234567/0001234567-25-000009.txt\n"
        "not a row at all\n")
    assert [(e.form_type, e.company_name, e.cik, e.date_filed, e.accession) for e in parse_form_index(text)] == [
        ("4/A", "Doe  Jane", "1999999", dt.date(2025, 9, 22), "0001999999-25-000001"),
        ("SC 13G/A", "BIG FUND LP", "1234567", dt.date(2025, 9, 22), "0001234567-25-000009"),
    ]


def test_index_paths_and_quarters():
    assert index_path(DAY1) == "edgar/daily-index/2020/QTR1/form.20200213.idx"
    assert quarters_between(dt.date(2019, 12, 30), dt.date(2020, 4, 1)) == [(2019, 4), (2020, 1), (2020, 2)]


# --- inputs and options ------------------------------------------------------------------------

def test_source_specs():
    # Through Path, "//" folds to "/": the source reads the same.
    assert parse_source(Path("edgar+https://www.sec.gov/Archives")).location == "https://www.sec.gov/Archives"
    source = parse_source("edgar+https://www.sec.gov/Archives")
    assert (source.kind, source.location, source.slug) == ("http", "https://www.sec.gov/Archives", "www.sec.gov_Archives")
    assert parse_source("edgar+http://127.0.0.1:8123/").location == "http://127.0.0.1:8123/"
    assert parse_source("edgar+http://127.0.0.1:8123/").slug == "127.0.0.1_8123"
    assert (parse_source("edgar:/srv/mirror").kind, parse_source("edgar:/srv/mirror").location) == ("mirror", "/srv/mirror")
    assert parse_source("edgar+file:///srv/mirror").location == "/srv/mirror"
    assert parse_source("data/samples") is None
    assert parse_source("data/*.txt") is None


def test_http_source_needs_a_user_agent(tmp_path):
    with pytest.raises(MissingUserAgent, match="--user-agent") as info:
        check_sources(["edgar+https://www.sec.gov/Archives"], SourceOptions())
    assert "sec.gov" in str(info.value)
    with pytest.raises(MissingUserAgent):
        HttpFetcher("python-urllib/3.11")  # no contact address
    with pytest.raises(ValueError, match="does not exist"):
        check_sources([f"edgar:{tmp_path / 'nowhere'}"], SourceOptions())
    assert check_sources(["data/samples"], SourceOptions()) == []


def test_run_refuses_an_http_source_without_user_agent(monkeypatch, capsys):
    monkeypatch.delenv("FILINGFLOW_USER_AGENT", raising=False)
    from flows.cli import main

    with pytest.raises(SystemExit) as info:
        main(["run", "--input", "edgar+https://www.sec.gov/Archives"])
    assert info.value.code == 2
    assert "filingflow run: the EDGAR HTTP source needs a User-Agent" in capsys.readouterr().err


def test_run_flags_become_source_options(tmp_path):
    from flows.commands.sources import source_options

    args = build_parser().parse_args(["run", "--input", "edgar+http://127.0.0.1:9/", "--user-agent", USER_AGENT,
                                      "--forms", "4", "--forms", "4/A", "--since-date", "2020-02-13",
                                      "--edgar-cache", "cache"])
    args.settings = resolve({"user_agent": args.user_agent, "forms": args.forms}, environ={}, cwd=tmp_path)
    options = source_options(args.settings, args)
    assert (options.user_agent, options.forms, options.since_date, options.until_date, options.cache_dir) == (
        USER_AGENT, ("4", "4/A"), DAY1, None, Path("cache"))


# --- the HTTP client ---------------------------------------------------------------------------

def test_token_bucket_spaces_requests():
    now, sleeps = [0.0], []

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    bucket = TokenBucket(10, clock=lambda: now[0], sleep=sleep)
    starts = []
    for _ in range(25):
        bucket.take()
        starts.append(now[0])
    assert min(b - a for a, b in itertools.pairwise(starts)) == pytest.approx(0.1)
    assert starts[-1] == pytest.approx(2.4)  # 25 requests: 24 intervals of 0.1 s, no burst


def test_retry_after_values():
    assert retry_after_seconds("3") == 3.0
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30)
    assert 25 <= retry_after_seconds(format_datetime(later, usegmt=True)) <= 31
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


# --- syncing an archive into the cache ---------------------------------------------------------

def test_mirror_source_fetches_each_selected_filing_once(archive, corpus, tmp_path):
    source = parse_source(f"edgar:{archive}")
    options = SourceOptions(cache_dir=tmp_path / "cache", since_date=DAY1, until_date=DAY2)
    report = sync(source, options, MAX_BYTES, today=dt.date(2020, 2, 15))
    assert report.failures == []
    assert report.indexes_read == [index_path(DAY1), index_path(DAY2)]
    fetched = sorted(report.folder.rglob("*.txt"))
    expected = selected_accessions(DAY1, DAY2)
    assert report.fetched == len(expected) == 16
    assert sorted(p.stem for p in fetched) == sorted(expected)  # the 13F-NT is not among them
    for path in fetched:
        assert path.read_bytes() == corpus_file(corpus, path.stem).read_bytes()
        assert (archive / path.relative_to(report.folder.parent.parent)).is_file()  # the archive's own layout

    # Nothing new: nothing fetched, no index read again.
    again = sync(source, SourceOptions(cache_dir=tmp_path / "cache"), MAX_BYTES, today=dt.date(2020, 2, 15))
    assert (again.indexes_read, again.fetched, again.failures) == ([], 0, [])

    # A new day's index: only its filing is fetched.
    quarter = archive / "edgar" / "daily-index" / "2020" / "QTR1"
    header = "\n".join((FIXTURES / "form.20200213.idx").read_text().splitlines()[:9])
    (quarter / "form.20200218.idx").write_text(
        header + "\n4           Adaptive Biotechnologies Corp                                 1478320     20200218    "
        "edgar/data/1478320/0001209191-20-009860.txt\n")
    filing = archive / "edgar" / "data" / "1478320" / "0001209191-20-009860.txt"
    filing.parent.mkdir(parents=True)
    shutil.copyfile(corpus_file(corpus, "0001209191-20-009860"), filing)
    new = sync(source, SourceOptions(cache_dir=tmp_path / "cache"), MAX_BYTES, today=dt.date(2020, 2, 19))
    assert (new.indexes_read, new.fetched) == (["edgar/daily-index/2020/QTR1/form.20200218.idx"], 1)
    assert (new.folder / "1478320" / "0001209191-20-009860.txt").read_bytes() == filing.read_bytes()


def test_http_source_user_agent_rate_and_fetch_once(archive, tmp_path):
    with FolderServer(archive) as server:
        source = parse_source(f"edgar+{server.url}/")
        report = sync(source, http_options(tmp_path / "cache"), MAX_BYTES, today=dt.date(2026, 1, 1))
        first = list(server.log)
        again = sync(source, http_options(tmp_path / "cache", since_date=None), MAX_BYTES,
                     today=dt.date(2026, 1, 1))
    assert report.failures == [] and report.fetched == 16
    paths = [path for _, path, _ in first]
    assert paths[:2] == ["/edgar/daily-index/2020/QTR1/index.json", "/edgar/daily-index/2020/QTR1/form.20200213.idx"]
    assert len(paths) == len(set(paths)) == 1 + 2 + 16  # listing, two index files, each filing once
    assert not any("0001178913-20-000417" in p for p in paths)  # filtered out by form type
    assert {agent for _, _, agent in first} == {USER_AGENT}
    # At most 10 requests in any second: any 11 consecutive requests span a second or more
    # (server-side arrival times, 50 ms of tolerance for scheduling jitter).
    times = [t for t, _, _ in first]
    assert min(times[i + 10] - times[i] for i in range(len(times) - 10)) >= 0.95
    # The second sync: the quarter is complete and every filing cached, so not one request.
    assert (again.fetched, again.indexes_read) == (0, [])
    assert server.log == first


def test_http_retries_and_failed_downloads(archive, tmp_path):
    day1 = sorted(f"/{e.file_name}" for e in parse_form_index((FIXTURES / "form.20200213.idx").read_text())
                  if e.form_type in DEFAULT_FORMS)
    busy, limited, broken = sorted({path.rsplit("/", 1)[1] for path in day1})[:3]
    options = http_options(tmp_path / "cache", until_date=DAY1, max_attempts=3)
    with FolderServer(archive) as server:
        # The filing's first listed path is the one fetched: fail whichever it is.
        for accession, faults in ((busy, [(503, {})] * 2), (limited, [(429, {"Retry-After": "1"})]),
                                  (broken, [(503, {})] * 3)):
            for path in day1:
                if path.endswith(accession):
                    server.faults[path] = list(faults)
        report = sync(parse_source(f"edgar+{server.url}"), options, MAX_BYTES, today=dt.date(2020, 2, 20))
        log = list(server.log)
        state = report.folder.parent.parent / "state.json"
        pending = SyncState(state).pending
        server.faults.clear()
        retry = sync(parse_source(f"edgar+{server.url}"), http_options(tmp_path / "cache", since_date=None,
                                                                       until_date=DAY1),
                     MAX_BYTES, today=dt.date(2020, 2, 20))
        retry_log = server.log[len(log):]

    def requests_for(accession, entries):
        return [t for t, path, _ in entries if path.endswith(accession)]

    assert len(requests_for(busy, log)) == 3  # two 503s, then the file
    limited_times = requests_for(limited, log)
    assert len(limited_times) == 2 and limited_times[1] - limited_times[0] >= 0.95  # Retry-After: 1 honoured
    assert len(requests_for(broken, log)) == 3  # max_attempts, then given up for this sync
    assert [(path.name, code) for path, code, _ in report.failures] == [(broken, "fetch_failed")]
    assert "HTTP 503" in report.failures[0][2] and "after 3 attempts" in report.failures[0][2]
    assert report.fetched == 6
    ((rel, entry),) = pending.items()
    assert (rel, entry["error"]) == (report.failures[0][0].relative_to(state.parent).as_posix(), "fetch_failed")
    # The next sync retries the failed download first; the quarter, still open, is listed again.
    assert [path.rsplit("/", 1)[1] for _, path, _ in retry_log] == [broken, "index.json"]
    assert (retry.fetched, retry.failures) == (1, [])
    assert SyncState(state).pending == {}


def test_http_source_loads_into_the_warehouse(prefect_api, archive, tmp_path):
    from flows.pipeline import RunSettings, nightly

    missing = "0001441683-20-000007"  # gone from the archive: the run goes on, the filing is quarantined
    for path in (archive / "edgar" / "data").rglob(f"{missing}.txt"):
        path.unlink()
    with FolderServer(archive) as server:
        settings = RunSettings(inputs=[f"edgar+{server.url}/"], warehouse=tmp_path / "wh.duckdb",
                               lake=tmp_path / "lake", dq_dir=None,
                               sources=http_options(tmp_path / "cache", max_attempts=2))
        summary = nightly(settings)
    expected = selected_accessions(DAY1, DAY2) - {missing}
    assert summary.files_seen == 16
    assert (summary.files_loaded, summary.filings_loaded, summary.files_quarantined) == (15, 15, 1)
    ((path, error, detail),) = summary.quarantined
    assert path.endswith(f"/1441683/{missing}.txt") and error == "fetch_not_found" and "HTTP 404" in detail
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert {r[0] for r in con.execute("SELECT accession_number FROM filings").fetchall()} == expected
        assert con.execute("SELECT count(*) FROM nonderiv_transactions").fetchone()[0] > 0
        assert con.execute("SELECT stage, error FROM quarantine").fetchall() == [("read", "fetch_not_found")]
        assert con.execute("SELECT inputs FROM runs").fetchone()[0] == [f"edgar+{server.url}/"]
    finally:
        con.close()


@pytest.mark.slow
def test_a_failed_download_loads_at_the_next_run(prefect_api, archive, tmp_path):
    """Two pipeline runs (about 30 s): a filing missing from the archive is quarantined, arrives,
    and the next run fetches it alone, loads it and drops its quarantine row."""
    from flows.pipeline import RunSettings, nightly

    missing = "0001441683-20-000007"
    kept = {path: path.read_bytes() for path in (archive / "edgar" / "data").rglob(f"{missing}.txt")}
    for path in kept:
        path.unlink()
    with FolderServer(archive) as server:
        settings = RunSettings(inputs=[f"edgar+{server.url}/"], warehouse=tmp_path / "wh.duckdb",
                               lake=tmp_path / "lake", dq_dir=None,
                               sources=http_options(tmp_path / "cache", max_attempts=2))
        assert nightly(settings).files_quarantined == 1
        for path, data in kept.items():
            path.write_bytes(data)
        before = len(server.log)
        settings.sources = http_options(tmp_path / "cache", since_date=None)
        summary = nightly(settings)
        second = server.paths()[before:]
    assert [path.rsplit("/", 1)[1] for path in second] == [f"{missing}.txt"]  # the quarter is complete: no listing
    assert (summary.files_loaded, summary.filings_loaded, summary.files_quarantined) == (1, 1, 0)
    assert summary.files_unchanged == 15  # the cached filings already loaded are not read again
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM filings").fetchone()[0] == 16
        assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == 0
    finally:
        con.close()
