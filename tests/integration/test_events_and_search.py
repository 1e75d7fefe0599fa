"""company_events, the insider-sales-before-earnings query, and full-text search
(search_documents + DuckDB fts), on the seeds plus two hand-made 8-K Item 2.02."""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
from decimal import Decimal

import duckdb
import pytest

from conftest import ROOT, SEED_8K, SEED_FORM4, input_folder
from filingflow.connections import connect_with_fts
from filingflow.search import search
from flows import cli
from flows.pipeline import nightly
from tests.support.handmade import eight_k_text
from tests.support.pipeline_runs import rows, run_cli, settings_for

pytestmark = pytest.mark.usefixtures("prefect_api")

AIV = "APARTMENT INVESTMENT AND MANAGEMENT COMPANY"
COMPANY_ID = "name:APARTMENT INVESTMENT AND MANAGEMENT COMPANY"

# The query of the README ("insider sales in the 30 days before an 8-K Item 2.02").
INSIDER_SALES_BEFORE_EARNINGS = """
SELECT e.company_name, e.ticker, e.event_date, e.filing_id AS eight_k, t.owner_name, t.transaction_date,
       t.shares, t.price_per_share, t.value
FROM company_events e
JOIN insider_trades t
  ON t.company_id = e.company_id
 AND t.transaction_date >= e.event_date - INTERVAL 30 DAY
 AND t.transaction_date < e.event_date
WHERE e.item_code_current = '2.02' AND t.transaction_code = 'S'
ORDER BY e.event_date, t.transaction_date, t.row_index
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    root = tmp_path_factory.mktemp("events")
    inputs = input_folder(root, SEED_FORM4, SEED_8K)
    # A week after the seed Form 4's sales (2007-05-10 and 11): all nine sales fall in the window.
    (inputs / "earnings_may.txt").write_text(eight_k_text(AIV, dt.date(2007, 5, 18), [
        ("2.02", "Results of Operations and Financial Condition",
         "The company announced its results for the first quarter of 2007."),
        ("9.01", "Financial Statements and Exhibits", "(d) Exhibit 99.1 Press release dated May 18, 2007.")]))
    # 30 days after 2007-05-11: the window starts on the 11th, so the 10th's sales are out.
    (inputs / "earnings_june.txt").write_text(eight_k_text(AIV, dt.date(2007, 6, 10), [
        ("2.02", "Results of Operations and Financial Condition", "The company updated its guidance for 2007.")]))
    # An Item 2.02 of another company: no trades of its own.
    (inputs / "other.txt").write_text(eight_k_text("OTHER REALTY TRUST", dt.date(2007, 5, 15), [
        ("2.02", "Results of Operations and Financial Condition", "Other Realty announced results.")],
        file_no="1-99999", irs="12-3456789"))
    settings = settings_for(root, inputs)
    summary = nightly(settings)
    assert summary.filings_loaded == 5 and summary.files_quarantined == 0
    return settings


def readme_trades_around_events() -> tuple[list[str], str]:
    """The README's `filingflow sql --query trades_around_events ...` command and the output it shows."""
    text = (ROOT / "README.md").read_text()
    m = re.search(r"```sh\n(\S*filingflow sql --query trades_around_events[^\n]*)\n```.*?```text\n(.*?)```", text, re.S)
    return shlex.split(m.group(1))[2:], m.group(2)


def test_readme_trades_around_events_on_the_samples(tmp_path, monkeypatch, capsys):
    """The README shows this query's real output on the two samples alone."""
    inputs = input_folder(tmp_path, SEED_FORM4, SEED_8K)
    settings = settings_for(tmp_path, inputs)
    nightly(settings)
    for name in list(os.environ):
        if name.startswith("FILINGFLOW_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no filingflow.toml of the checkout
    argv, shown = readme_trades_around_events()
    assert argv == ["--query", "trades_around_events", "--param", "item=8.01", "--param", "days=1826"]
    capsys.readouterr()
    assert cli.main(["sql", *argv, "--warehouse", str(settings.warehouse)]) == 0
    assert capsys.readouterr().out == shown
    assert shown.count("| HERZOG THOMAS M |") == 10 and shown.endswith("(10 rows)\n")
    # A 30-day window around the same event finds nothing: the samples are five years apart.
    assert cli.main(["sql", "--query", "trades_around_events", "--param", "item=8.01",
                     "--warehouse", str(settings.warehouse)]) == 0
    assert capsys.readouterr().out.endswith("(0 rows)\n")


def test_company_events_one_row_per_item(loaded):
    got = rows(loaded.warehouse, """
        SELECT company_id, company_name, cik, ticker, event_date, form_type, item_code, item_code_current, title
        FROM company_events ORDER BY event_date, item_index""")
    name = AIV  # the latest filing's spelling
    assert got == [
        (COMPANY_ID, name, None, "AIV", dt.date(2002, 7, 29), "8-K", "5", "8.01", "Other Events"),
        (COMPANY_ID, name, None, "AIV", dt.date(2002, 7, 29), "8-K", "7", "9.01",
         "Financial Statements, Pro Forma Financial Information and Exhibits"),
        ("name:OTHER REALTY TRUST", "OTHER REALTY TRUST", None, None, dt.date(2007, 5, 15), "8-K", "2.02", "2.02",
         "Results of Operations and Financial Condition"),
        (COMPANY_ID, name, None, "AIV", dt.date(2007, 5, 18), "8-K", "2.02", "2.02",
         "Results of Operations and Financial Condition"),
        (COMPANY_ID, name, None, "AIV", dt.date(2007, 5, 18), "8-K", "9.01", "9.01", "Financial Statements and Exhibits"),
        (COMPANY_ID, name, None, "AIV", dt.date(2007, 6, 10), "8-K", "2.02", "2.02",
         "Results of Operations and Financial Condition"),
    ]


def test_insider_sales_in_the_30_days_before_earnings(loaded):
    got = rows(loaded.warehouse, INSIDER_SALES_BEFORE_EARNINGS)
    may = [(r[2], r[4], r[5], r[6], r[7]) for r in got if r[2] == dt.date(2007, 5, 18)]
    june = [(r[2], r[4], r[5], r[6], r[7]) for r in got if r[2] == dt.date(2007, 6, 10)]
    assert len(got) == len(may) + len(june) == 13
    assert {r[0:2] for r in got} == {(AIV, "AIV")}
    d10, d11 = dt.date(2007, 5, 10), dt.date(2007, 5, 11)
    sales = [(d10, "5500", "54.00"), (d10, "800", "54.01"), (d10, "100", "54.02"), (d10, "300", "54.03"),
             (d10, "557", "54.04"), (d11, "6400", "54.95"), (d11, "100", "54.96"), (d11, "900", "54.97"),
             (d11, "147", "54.99")]
    expected = [(d, "HERZOG THOMAS M", day, Decimal(s), Decimal(p))
                for d, subset in ((dt.date(2007, 5, 18), sales), (dt.date(2007, 6, 10), sales[5:]))
                for day, s, p in subset]
    assert may + june == expected
    assert sum(r[8] for r in got if r[2] == dt.date(2007, 5, 18)) == Decimal("806651.81")  # 5500 x 54.00 + ... + 147 x 54.99


def test_search_finds_the_seed_8k_item(loaded):
    con = connect_with_fts(loaded.warehouse, read_only=True)
    try:
        columns, found = search(con, "redemption preferred", 5)
    finally:
        con.close()
    assert columns == ["score", "filing_id", "form_type", "filed_date", "company_id", "company_name", "kind",
                       "section", "doc_key", "snippet"]
    top = dict(zip(columns, found[0]))
    assert (top["form_type"], top["company_id"], top["kind"], top["section"]) == ("8-K", COMPANY_ID, "item", "5")
    assert top["doc_key"] == f"{top['filing_id']}:item:0"
    assert top["score"] > 0 and "redemption of all outstanding shares" in top["snippet"]
    assert len(found) == 1


def test_search_finds_a_footnote_and_nothing_for_nonsense(loaded):
    con = connect_with_fts(loaded.warehouse, read_only=True)
    try:
        _, vests = search(con, "vests", 5)
        _, nothing = search(con, "xyzzyplugh", 5)
    finally:
        con.close()
    assert [(r[2], r[6], r[7]) for r in vests] == [("4", "footnote", "F1")]
    assert "option vests 20% on each anniversary" in vests[0][9]
    assert nothing == []
    assert rows(loaded.warehouse, "SELECT kind, count(*) FROM search_documents GROUP BY 1 ORDER BY 1") == [
        ("footnote", 2), ("item", 6)]


def test_search_and_sql_from_the_cli(loaded, tmp_path):
    wh = str(loaded.warehouse)
    out = run_cli("search", "vests", "--format", "json", "--warehouse", wh, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert [(r["kind"], r["section"], r["company_name"]) for r in found] == [
        ("footnote", "F1", AIV)]
    table = run_cli("search", "guidance", "--limit", "3", "--warehouse", wh, cwd=tmp_path)
    assert table.returncode == 0 and table.stdout.splitlines()[0].startswith("score ")
    assert "updated its guidance" in table.stdout and table.stdout.rstrip().endswith("(1 row)")
    sql = run_cli("sql", "SELECT kind, section FROM (SELECT *, fts_main_search_documents.match_bm25(doc_key, "
                  "'redemption preferred') AS score FROM search_documents) WHERE score IS NOT NULL",
                  "--format", "csv", "--warehouse", wh, cwd=tmp_path)
    assert sql.returncode == 0, sql.stderr
    assert sql.stdout.splitlines() == ["kind,section", "item,5"]


def test_search_index_is_part_of_the_load_transaction(tmp_path):
    """A rolled-back load leaves the previous index: PRAGMA create_fts_index is transactional."""
    from filingflow.connections import load_fts
    from filingflow.search import rebuild_search
    from filingflow.warehouse import ensure_schema

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schema(con)
    con.execute("INSERT INTO filings (filing_id, content_id, form_type, is_amendment, source_file, source_sha256, "
                "source_format, parser_version, run_id, loaded_at) VALUES ('f1', 'f1', '4', false, 'x', 'x', "
                "'ownership_xml', '1', 'r', now())")
    con.execute("INSERT INTO footnotes VALUES ('f1', 'F1', 'The option vests in three equal installments.')")
    con.execute("BEGIN TRANSACTION")
    rebuild_search(con)
    con.execute("COMMIT")
    con.execute("BEGIN TRANSACTION")
    con.execute("UPDATE footnotes SET text = 'Shares held by a family trust.'")
    rebuild_search(con)
    con.execute("ROLLBACK")
    load_fts(con)
    assert search(con, "vests", 5)[1][0][8] == "f1:footnote:F1"
    assert search(con, "trust", 5)[1] == []
    con.close()
