"""One company from EDGAR: the filing list (submissions file, ticker lookup) picks the filings,
fetched from a 127.0.0.1 server laid out like EDGAR, without reading any daily index."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tests.support.edgar_site import EdgarSite, build_site, submissions_columns

from filingflow.sources.edgar_company import company_filings, older_pages, sync_company, ticker_cik
from filingflow.sources.edgar_sync import SourceError
from filingflow.sources.resolver import SourceOptions, check_sources, parse_source

USER_AGENT = "filingflow tests tests@example.com"
CIK = "0000320193"
# (accession, form, filing date) listed for the company; the files are real corpus submissions.
RECENT = [("0001209191-20-034566", "3", "2020-06-10"), ("0000899243-20-002204", "3", "2020-01-28"),
          ("0000721371-20-000061", "3", "2020-02-13")]
OLDER = [("0000864749-20-000004", "3", "2019-12-20")]


def corpus_path(corpus: Path, accession: str) -> Path:
    (found,) = (corpus / "full_submission").glob(f"*_{accession}_*")
    return found


def columns(rows):
    return submissions_columns(rows)


def edgar_site(root: Path, corpus: Path) -> Path:
    return build_site(root, CIK, {a: corpus_path(corpus, a) for a, _, _ in RECENT + OLDER},
                      RECENT + [("0000320193-20-000001", "10-K", "2020-03-01")], OLDER,
                      tickers={"MSFT": "0000789019", "AAPL": CIK})


class Site(EdgarSite):
    def __init__(self, root: Path):
        super().__init__(root)
        self.source = parse_source(self.archives)


def options(cache: Path, **changes) -> SourceOptions:
    values = {"user_agent": USER_AGENT, "cache_dir": cache, "forms": ("3", "4"), "cik": CIK,
              "until_date": dt.date(2020, 12, 31), "backoff_seconds": 0.01, "max_attempts": 1}
    return SourceOptions(**{**values, **changes})


def test_submissions_pages_and_tickers_are_read():
    main = {"filings": {"recent": columns(RECENT), "files": [{"name": "CIK0000320193-submissions-001.json",
                                                              "filingFrom": "2019-01-01", "filingTo": "2019-12-31"}]}}
    assert [f.accession for f in company_filings(main, "x")] == [r[0] for r in RECENT]
    assert company_filings(main, "x")[0].filed == dt.date(2020, 6, 10)
    assert older_pages(main) == [("CIK0000320193-submissions-001.json", dt.date(2019, 1, 1), dt.date(2019, 12, 31))]
    assert [f.form for f in company_filings(columns(OLDER), "page")] == ["3"]
    assert ticker_cik({"0": {"cik_str": 320193, "ticker": "AAPL"}}, "aapl") == CIK
    assert ticker_cik({"0": {"cik_str": 320193, "ticker": "AAPL"}}, "MSFT") is None


@pytest.mark.parametrize("page, message", [
    ({"filings": {}}, "is not an EDGAR submissions file"),
    ({"accessionNumber": ["x"], "filingDate": ["2020-01-01"], "form": ["4"]}, "'x' is not an accession number"),
    ({"accessionNumber": ["0000320193-20-000001"], "filingDate": ["soon"], "form": ["4"]}, "has the date 'soon'"),
    ({"accessionNumber": ["0000320193-20-000001"], "filingDate": [], "form": ["4"]}, "differ in length"),
])
def test_damaged_submissions_file_is_refused(page, message):
    with pytest.raises(SourceError, match=message):
        company_filings(page, "CIK.json")


def test_company_filings_fetched_from_the_list(corpus, tmp_path):
    root = edgar_site(tmp_path / "site", corpus)
    with Site(root) as site:
        report = sync_company(site.source, options(tmp_path / "cache", since_date=dt.date(2020, 2, 1)), 1 << 26)
        assert sorted(site.paths()) == sorted([
            f"/submissions/CIK{CIK}.json",
            "/Archives/edgar/data/320193/0000721371-20-000061.txt",
            "/Archives/edgar/data/320193/0001209191-20-034566.txt"])  # no daily index, no 10-K, nothing before Feb
        assert report.fetched == 2 and report.failures == []
        assert sorted(p.name for p in report.folder.iterdir()) == ["0000721371-20-000061.txt",
                                                                  "0001209191-20-034566.txt"]
        assert (report.folder / "0000721371-20-000061.txt").read_bytes() == corpus_path(
            corpus, "0000721371-20-000061").read_bytes()
        site.forget_requests()
        again = sync_company(site.source, options(tmp_path / "cache", since_date=dt.date(2020, 2, 1)), 1 << 26)
        assert (again.fetched, again.already_cached) == (0, 2)
        assert site.paths() == [f"/submissions/CIK{CIK}.json"]  # the list only: each filing is fetched once


def test_window_reaching_back_reads_the_older_page_and_ticker_is_cached(corpus, tmp_path):
    root = edgar_site(tmp_path / "site", corpus)
    with Site(root) as site:
        report = sync_company(site.source, options(tmp_path / "cache", cik=None, ticker="aapl",
                                                   since_date=dt.date(2019, 6, 1)), 1 << 26)
        assert report.fetched == 4
        assert f"/submissions/CIK{CIK}-submissions-001.json" in site.paths()
        assert "/files/company_tickers.json" in site.paths()
        assert (tmp_path / "cache" / "company_tickers.json").is_file()
        site.forget_requests()
        sync_company(site.source, options(tmp_path / "cache", cik=None, ticker="AAPL",
                                          since_date=dt.date(2019, 6, 1)), 1 << 26)
        assert "/files/company_tickers.json" not in site.paths()  # cached for a day
        with pytest.raises(SourceError, match="ticker 'ZZZZ' is not in the SEC's company tickers file"):
            sync_company(site.source, options(tmp_path / "cache", cik=None, ticker="ZZZZ"), 1 << 26)


def test_missing_filing_is_a_failure_and_missing_list_stops(corpus, tmp_path):
    root = edgar_site(tmp_path / "site", corpus)
    (root / "Archives" / "edgar" / "data" / "320193" / "0000721371-20-000061.txt").unlink()
    with Site(root) as site:
        report = sync_company(site.source, options(tmp_path / "cache", since_date=dt.date(2020, 2, 1)), 1 << 26)
        assert report.fetched == 1
        assert [(p.name, code) for p, code, _ in report.failures] == [("0000721371-20-000061.txt", "fetch_not_found")]
        with pytest.raises(SourceError, match="could not read the company's filing list submissions/CIK0000000001.json"):
            sync_company(site.source, options(tmp_path / "cache", cik="0000000001"), 1 << 26)


def test_mirror_holds_the_lists_beside_its_archive(corpus, tmp_path):
    root = edgar_site(tmp_path / "site", corpus)
    report = sync_company(parse_source(f"edgar:{root / 'Archives'}"),
                          options(tmp_path / "cache", since_date=dt.date(2020, 1, 1)), 1 << 26)
    assert report.fetched == 3


def test_company_options_are_checked():
    with pytest.raises(ValueError, match="add one, e.g. --input edgar"):
        check_sources(["data/samples"], SourceOptions(cik=CIK))
    with pytest.raises(ValueError, match="not both"):
        check_sources(["edgar+https://www.sec.gov/Archives"], SourceOptions(user_agent=USER_AGENT, cik=CIK,
                                                                            ticker="AAPL"))


def test_run_flags(tmp_path):
    from flows.cli import apply_settings, build_parser
    from flows.commands.sources import source_options

    args = build_parser().parse_args(["run", "--input", "edgar+https://www.sec.gov/Archives", "--cik", "320193",
                                      "--forms", "4,8-K", "--since-date", "2024-01-01", "--until-date", "2024-03-31"])
    apply_settings(args)
    opts = source_options(args.settings, args)
    assert (opts.cik, opts.ticker, opts.forms) == (CIK, None, ("4", "8-K"))
    assert (opts.since_date, opts.until_date) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--cik", "AAPL"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--cik", "1", "--ticker", "AAPL"])
    for bad in ("0", "12345678901", "1 2", "+5", "\u0661\u0662"):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["run", "--cik", bad])
    assert build_parser().parse_args(["run", "--cik", " 320193 "]).cik == CIK
