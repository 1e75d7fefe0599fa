"""The analyst's side on a real small warehouse: one company's filings pulled from a 127.0.0.1 EDGAR
(--cik, --forms, a date window), `--warehouse DIR/w.duckdb` alone putting the Data Docs and the
report beside it, the Python API over it, `status` / `dq` in every format, and the Data Docs
opened offline in headless Chromium."""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from tests.support.edgar_site import EdgarSite, build_site

import filingflow as ff

CIK = "0000320193"
JOINT = "0001062993-20-000814"  # a Form 4 of three reporting owners
PLAN_FOOTNOTE = "0001179110-20-009902"  # sales under a Rule 10b5-1 plan, said in a footnote
PLAN_BOX = "0000950170-25-003585"  # a 2025 Form 4 with the aff10b5One box checked
EIGHT_K = "0001193125-19-292676"
LISTED = [(JOINT, "4", "2020-02-13"), (PLAN_FOOTNOTE, "4", "2020-09-21"), (PLAN_BOX, "4", "2025-01-08"),
          (EIGHT_K, "8-K", "2019-11-15"), ("0000320193-20-000001", "10-K", "2020-03-01"),
          ("0000320193-18-000001", "4", "2018-05-01")]  # outside the window: never fetched
# A real run (about a minute and a half): with the slow tests.
pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    from conftest import ROOT

    # This checkout's code, whatever the virtualenv was installed from.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL, env=env)


@pytest.fixture(scope="module")
def built(prefect_api, tmp_path_factory):
    from conftest import CORPUS

    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is absent (expected next to the repo at ../shared/corpus)")
    root = tmp_path_factory.mktemp("analyst")
    files = {a: next((CORPUS / "full_submission").glob(f"*_{a}_*")) for a, form, _ in LISTED if form != "10-K"
             and not a.startswith("0000320193")}
    site_root = build_site(root / "site", CIK, files, LISTED, tickers={"AAPL": CIK})
    place = root / "place"
    place.mkdir()
    with EdgarSite(site_root) as site:
        done = run_cli("run", "--input", site.archives, "--ticker", "aapl", "--forms", "4,8-K",
                       "--since-date", "2019-01-01", "--until-date", "2025-12-31",
                       "--user-agent", "filingflow tests tests@example.com", "--edgar-cache", str(root / "cache"),
                       "--warehouse", str(place / "w.duckdb"), "--lake", str(root / "lake"), cwd=root)
        requested = site.paths()
    assert done.returncode == 0, done.stderr
    return root, place, place / "w.duckdb", done, requested


def test_one_company_from_its_filing_list(built):
    root, place, warehouse, done, requested = built
    assert sorted(requested) == sorted(["/files/company_tickers.json", f"/submissions/CIK{CIK}.json"] + [
        f"/Archives/edgar/data/320193/{a}.txt" for a in (JOINT, PLAN_FOOTNOTE, PLAN_BOX, EIGHT_K)])
    assert not any("daily-index" in p for p in requested)
    assert "filings loaded: 4" in done.stdout


def test_docs_and_report_go_beside_the_warehouse(built):
    root, place, warehouse, done, _ = built
    assert f"data docs: {place / 'dq' / 'index.html'}" in done.stdout
    assert (place / "dq" / "index.html").is_file()
    assert list((place / "reports").glob("*.html"))
    assert not (root / "data").exists()  # nothing in a data/ folder of the working directory


def test_api_insider_trades_one_row_per_owner(built):
    _, _, warehouse, _, _ = built
    con = ff.connect(warehouse)
    try:
        issuer = con.execute("SELECT issuer_cik FROM filings WHERE accession_number = ?", [JOINT]).fetchone()[0]
        owners = con.execute("SELECT owner_cik, owner_name, is_director, is_ten_percent_owner FROM reporting_owners "
                             "WHERE filing_id = ? ORDER BY owner_index", [JOINT]).fetchall()
        transactions = con.execute("SELECT count(*) FROM nonderiv_transactions WHERE filing_id = ?", [JOINT]).fetchone()[0]
        with pytest.raises(Exception, match="read-only"):
            con.execute("CREATE TABLE x (a INTEGER)")
    finally:
        con.close()
    assert len(owners) == 3
    trades = ff.insider_trades(cik=int(issuer), warehouse=warehouse)
    assert isinstance(trades, pd.DataFrame)
    assert len(trades) == 3 * transactions and set(trades["filing_id"]) == {JOINT}
    assert (trades.groupby("row_index")["owner_cik"].apply(sorted) == [sorted(o[0] for o in owners)] * transactions).all()
    per_owner = trades.drop_duplicates("owner_cik").set_index("owner_cik")
    for cik, name, director, ten in owners:  # each owner's own boxes
        assert per_owner.loc[cik, "owner_name"] == name
        assert per_owner.loc[cik, "is_director"] == director or (pd.isna(per_owner.loc[cik, "is_director"]) and director is None)
        assert per_owner.loc[cik, "is_ten_percent_owner"] == ten or (pd.isna(per_owner.loc[cik, "is_ten_percent_owner"]) and ten is None)
    assert trades["is_first_owner"].sum() == transactions and set(trades["owner_count"]) == {3}
    one = ff.insider_trades(owner_cik=owners[1][0], warehouse=warehouse)
    assert set(one["owner_cik"]) == {owners[1][0]} and set(one["filing_id"]) == {JOINT}
    assert ff.insider_trades(cik=int(issuer), since="2021-01-01", warehouse=warehouse).empty


def test_api_10b5_1_and_footnotes(built):
    _, _, warehouse, _, _ = built
    trades = ff.insider_trades(warehouse=warehouse)
    box = trades[trades["accession_number"] == PLAN_BOX]
    assert len(box) and set(box["is_10b5_1"]) == {True} and set(box["is_10b5_1_source"]) == {"aff10b5One"}
    noted = trades[(trades["accession_number"] == PLAN_FOOTNOTE) & (trades["is_10b5_1"] == True)]  # noqa: E712
    assert len(noted) and set(noted["is_10b5_1_source"]) == {"footnote"}
    assert all(any("10b5-1" in text for text in notes) for notes in noted["footnotes"])
    assert ff.insider_trades(ticker="NOPE", warehouse=warehouse).empty


def test_api_company_events_and_read_filing_agree_with_the_warehouse(built):
    root, _, warehouse, _, _ = built
    events = ff.company_events(warehouse=warehouse)
    assert set(events["filing_id"]) == {EIGHT_K} and len(events) >= 1
    cached = next((root / "cache").rglob(f"{EIGHT_K}.txt"))
    filing = ff.read_filing(cached)
    assert filing.filing_id == EIGHT_K
    assert sorted(filing.to_pandas("report_items")["item_code"]) == sorted(events["item_code"])
    assert ff.company_events(cik=events["cik"].iloc[0], since=str(events["event_date"].iloc[0].date()),
                             warehouse=warehouse)["filing_id"].tolist() == events["filing_id"].tolist()


def test_status_and_dq_formats(built):
    root, _, warehouse, _, _ = built
    as_json = run_cli("status", "--warehouse", str(warehouse), "--format", "json", cwd=root)
    assert as_json.returncode == 0, as_json.stderr
    doc = json.loads(as_json.stdout)
    assert set(doc) == {"runs", "warehouse", "quarantined_files", "duplicate_files"}
    assert doc["duplicate_files"] == []
    assert doc["warehouse"] == [{"filings": 4, "companies": doc["warehouse"][0]["companies"],
                                 "transactions": doc["warehouse"][0]["transactions"], "files_in_ledger": 4,
                                 "quarantined": 0}]
    assert doc["runs"][0]["status"] == "completed" and doc["runs"][0]["filings"] == 4
    as_csv = run_cli("status", "--warehouse", str(warehouse), "--format", "csv", cwd=root).stdout
    sections = as_csv.split("\n\n")
    assert [s.splitlines()[0] for s in sections] == ["# runs", "# warehouse", "# quarantined_files", "# duplicate_files"]
    assert list(csv.reader(io.StringIO(sections[1])))[1:] == [
        ["filings", "companies", "transactions", "files_in_ledger", "quarantined"],
        ["4", str(doc["warehouse"][0]["companies"]), str(doc["warehouse"][0]["transactions"]), "4", "0"]]
    table = run_cli("status", "--warehouse", str(warehouse), cwd=root).stdout
    assert table.startswith("Last runs\n") and "\nQuarantined files\n" in table
    dq = json.loads(run_cli("dq", "--warehouse", str(warehouse), "--format", "json", cwd=root).stdout)
    assert dq["run_id"] == doc["runs"][0]["run_id"] and set(dq) == {"run_id", "expectations", "findings"}
    assert any(r["expectation"] == "expect_balance_chain_attributable_to_one_holder" for r in dq["expectations"])
    # The three-owner filing: its puts and calls are an ambiguity (info), not a broken balance.
    joint = [f for f in dq["findings"] if f["filing_id"] == JOINT and "balance" in f["expectation"]]
    assert joint and {f["severity"] for f in joint} == {"info"}


def test_data_docs_open_offline_in_chromium(built, tmp_path):
    _, place, _, _, _ = built
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (CI installs it: apt-get install chromium)")
    index = place / "dq" / "index.html"
    page = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={tmp_path}",
         "--virtual-time-budget=10000", "--enable-logging=stderr", "--v=0", "--dump-dom", index.as_uri()],
        capture_output=True, text=True, timeout=120)
    assert page.returncode == 0, page.stderr[-2000:]
    console = [line for line in page.stderr.splitlines() if ":CONSOLE" in line]
    assert not [line for line in console if "Uncaught" in line or "Failed to load" in line], console
    # The tables are drawn by the scripts (bootstrap-table) from the page's data: rows exist only when they ran.
    validations = re.findall(r'<tr[^>]*data-href="(validations/[^"]+)"', page.stdout)
    suites = re.findall(r'<tr[^>]*data-href="(expectations/[^"]+)"', page.stdout)
    # bootstrap-table shows them ten a page
    on_disk = list((place / "dq" / "validations").rglob("*.html"))
    assert len(validations) == min(10, len(on_disk)) and len(suites) == 10
    assert all((place / "dq" / href).is_file() for href in validations + suites)


def test_archive_members_are_recorded_in_the_warehouse(prefect_api, tmp_path):
    import tarfile
    import zipfile

    from conftest import SEED_8K, SEED_FORM4, warehouse_rows
    from flows.pipeline import RunSettings, nightly

    inputs = tmp_path / "in"
    inputs.mkdir()
    with zipfile.ZipFile(inputs / "batch.zip", "w") as archive:
        archive.write(SEED_FORM4, "2007/q2/form4.txt")
    with tarfile.open(inputs / "batch.tar.gz", "w:gz") as archive:
        archive.add(SEED_8K, arcname="eight-k/report.txt")
    (inputs / "plain.txt").write_text("not a filing\n")
    settings = RunSettings(inputs=[inputs], warehouse=tmp_path / "w.duckdb", lake=tmp_path / "lake",
                           dq_dir=tmp_path / "dq")
    nightly(settings)
    assert warehouse_rows(settings.warehouse, "SELECT form_type, source_file, source_member FROM filings "
                                              "ORDER BY form_type") == [
        ("4", str(inputs / "batch.zip"), "2007/q2/form4.txt"),
        ("8-K", str(inputs / "batch.tar.gz"), "eight-k/report.txt")]


def test_readme_python_example_runs_on_the_samples(prefect_api, tmp_path, monkeypatch):
    from conftest import ROOT, SAMPLES
    from flows.pipeline import RunSettings, nightly

    settings = RunSettings(inputs=[SAMPLES], warehouse=tmp_path / "w.duckdb", lake=tmp_path / "lake",
                           dq_dir=tmp_path / "dq", reports_dir=tmp_path / "reports")
    nightly(settings)
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## First ten minutes", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)  # the example names the samples from the checkout
    monkeypatch.setenv("FILINGFLOW_WAREHOUSE", str(settings.warehouse))
    names: dict = {}
    exec(compile(block, "README.md", "exec"), names)
    assert len(names["trades"]) == 10 and set(names["trades"]["ticker"]) == {"AIV"}
    assert len(names["events"]) >= 1 and names["filing"].filing["form_type"] == "4"
