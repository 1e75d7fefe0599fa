"""End to end: the nightly flow on the seed filings, into a real DuckDB file
and a real Parquet lake, validated by real Great Expectations suites."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from conftest import SEED_8K, SEED_FORM4, input_folder
from expectations.runner import load_suite_files
from flows.pipeline import nightly
from tests.support.pipeline_runs import rows, run_cli, settings_for

pytestmark = pytest.mark.usefixtures("prefect_api")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    root = tmp_path_factory.mktemp("seeded")
    inputs = input_folder(root, SEED_FORM4, SEED_8K)
    settings = settings_for(root, inputs)
    first = nightly(settings)
    second = nightly(settings)
    return settings, first, second


def test_first_run_loads_both_seeds(seeded):
    settings, first, _ = seeded
    assert (first.files_seen, first.files_new, first.files_loaded, first.files_quarantined) == (2, 2, 2, 0)
    assert first.filings_loaded == 2
    assert first.rows_per_table["nonderiv_transactions"] == 10
    assert first.rows_per_table["deriv_transactions"] == 1
    assert first.rows_per_table["report_items"] == 2
    assert first.expectations_failed == 0
    assert rows(settings.warehouse, "SELECT count(*) FROM insider_trades") == [(10,)]


def test_second_run_loads_nothing(seeded):
    settings, first, second = seeded
    assert (second.files_seen, second.files_new, second.files_unchanged, second.files_loaded) == (2, 0, 2, 0)
    assert second.filings_loaded == 0
    assert rows(settings.warehouse, "SELECT count(*) FROM filings") == [(2,)]
    assert rows(settings.warehouse, "SELECT count(*) FROM nonderiv_transactions") == [(10,)]
    assert rows(settings.warehouse, "SELECT count(*), count(DISTINCT run_id) FROM runs WHERE status = 'completed'") == [(2, 2)]


def test_seed_rows_in_the_warehouse(seeded):
    settings, first, _ = seeded
    trades = rows(settings.warehouse, """
        SELECT row_index, transaction_date, transaction_code, shares, acquired_disposed, price_per_share,
               shares_owned_after, signed_shares, value, owner_name, is_officer, officer_title, ticker, dq_flags
        FROM insider_trades ORDER BY row_index""")
    expected = [
        (0, "2007-05-10", "S", "5500", "D", "54.00", "59361"),
        (1, "2007-05-10", "S", "800", "D", "54.01", "58561"),
        (2, "2007-05-10", "S", "100", "D", "54.02", "58461"),
        (3, "2007-05-10", "S", "300", "D", "54.03", "58161"),
        (4, "2007-05-10", "S", "557", "D", "54.04", "57604"),
        (5, "2007-05-11", "M", "7547", "A", "33.95", "65151"),
        (6, "2007-05-11", "S", "6400", "D", "54.95", "58751"),
        (7, "2007-05-11", "S", "100", "D", "54.96", "58651"),
        (8, "2007-05-11", "S", "900", "D", "54.97", "57751"),
        (9, "2007-05-11", "S", "147", "D", "54.99", "57604"),
    ]
    assert len(trades) == 10
    for got, (idx, date, code, shares, ad, price, after) in zip(trades, expected):
        assert got[0] == idx
        assert got[1] == dt.date.fromisoformat(date)
        assert got[2] == code
        assert got[3] == Decimal(shares)
        assert got[4] == ad
        assert got[5] == Decimal(price)
        assert got[6] == Decimal(after)
        assert got[7] == (Decimal(shares) if ad == "A" else -Decimal(shares))
        assert got[8] == (Decimal(shares) * Decimal(price)).quantize(Decimal("0.01"))
        assert got[9:] == ("HERZOG THOMAS M", True, "Executive Vice President - CFO", "AIV", [])


def test_both_seeds_are_one_company(seeded):
    settings, _, _ = seeded
    filings = rows(settings.warehouse, "SELECT form_type, company_id, source_format FROM filings ORDER BY form_type")
    assert [(f[0], f[2]) for f in filings] == [("4", "ownership_text_rendering"), ("8-K", "ascii_8k")]
    assert filings[0][1] == filings[1][1] == "name:APARTMENT INVESTMENT AND MANAGEMENT COMPANY"
    companies = rows(settings.warehouse, """
        SELECT company_id, name, ticker, state_of_incorporation, sec_file_number, irs_number, city, zip, phone,
               other_names, filing_count FROM companies""")
    assert companies == [(
        "name:APARTMENT INVESTMENT AND MANAGEMENT COMPANY", "APARTMENT INVESTMENT & MANAGEMENT CO", "AIV", "MD",
        "1-13232", "84-1259577", "DENVER", "80222-4348", "(303) 757-8101",
        ["APARTMENT INVESTMENT AND MANAGEMENT COMPANY"], 2)]


def test_lake_holds_the_run_as_parquet(seeded):
    settings, first, _ = seeded
    part = settings.lake / "nonderiv_transactions" / f"run_id={first.run_id}" / "part-00000.parquet"
    table = pq.read_table(part)
    assert table.num_rows == 10
    assert table.schema.field("shares").metadata[b"description"].startswith(b"Number of securities")
    assert str(table.schema.field("shares").type) == "decimal128(38, 8)"
    assert not (settings.lake / "_staging").exists() or not any((settings.lake / "_staging").iterdir())


def test_dq_results_and_data_docs(seeded):
    settings, first, _ = seeded
    results = rows(settings.warehouse, "SELECT suite, expectation, success FROM dq_results WHERE run_id = ?", [first.run_id])
    suites = {s["name"] for s in load_suite_files()}
    assert {r[0] for r in results} == suites
    assert all(r[2] for r in results)
    assert ("ownership_balance", "expect_balance_continuity_within_filing", True) in results
    index = Path(first.dq_docs)
    assert index == settings.dq_dir / "index.html"
    html = index.read_text()
    for suite in suites:
        assert suite in html


def test_broken_balance_is_flagged_on_that_row_only(prefect_api, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    text = SEED_FORM4.read_text()
    line = "Class A Common Stock\t05/11/2007\tM\t7,547\tA"
    assert text.count(line) == 1
    (inputs / "altered.txt").write_text(text.replace(line, "Class A Common Stock\t05/11/2007\tM\t7,548\tA"))
    settings = settings_for(tmp_path, inputs)
    summary = nightly(settings)
    assert summary.filings_loaded == 1 and summary.rows_per_table["nonderiv_transactions"] == 10
    assert ("ownership_balance", "expect_balance_continuity_within_filing", "filing_id,row_index,security_title,"
            "direct_indirect,nature_of_ownership,shares,acquired_disposed,shares_owned_after,is_holding,owner_count", 1) in summary.failed_expectations
    flags = rows(settings.warehouse, "SELECT expectation, table_name, row_index, severity, detail FROM dq_flags "
                                     "ORDER BY expectation")
    # The 7,548 acquired no longer pairs with the exercise of 7,547 options: Table II row 0 is flagged too.
    assert flags == [("expect_balance_continuity_within_filing", "nonderiv_transactions", 5, "warn",
                      "Class A Common Stock (D): owned after 65151.00000000, but previous balance 57604.00000000 "
                      "+ 7548.00000000 = 65152.00000000"),
                     ("expect_derivative_exercise_to_be_paired", "deriv_transactions", 0, "warn",
                      "M of Employee Stock Option (Right to Buy) on 2007-05-11: 7547 shares at exercise price 33.95; "
                      "no Table I acquisition (A) of 7547 shares on that date at that price "
                      "(Table I acquisitions that day: row 5 7548 at 33.95)")]
    flagged = rows(settings.warehouse, "SELECT row_index FROM insider_trades WHERE len(dq_flags) > 0")
    assert flagged == [(5,)]
    failed = rows(settings.warehouse, "SELECT suite, unexpected_count FROM dq_results WHERE NOT success ORDER BY suite")
    assert failed == [("derivative_exercise_pairing", 1), ("ownership_balance", 1)]


BAD_INPUTS = {
    "empty.txt": (b"", "read", "empty_file"),
    "picture.png": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "read", "binary_content"),
    "nul.bin": (b"FORM 4\x00\x00\x01\x02" * 100, "read", "binary_content"),
    "latin.txt": (bytes(range(0x80, 0x100)) * 20, "decode", "undecodable_text"),
    "unknown.txt": (b"Dear shareholder,\nthis is a letter, not a filing.\n", "sniff", "unrecognized_format"),
}


def test_bad_input_is_quarantined_and_the_rest_loads(prefect_api, tmp_path):
    inputs = input_folder(tmp_path, SEED_FORM4, SEED_8K)
    for name, (data, _, _) in BAD_INPUTS.items():
        (inputs / name).write_bytes(data)
    text = SEED_FORM4.read_text()
    (inputs / "truncated.txt").write_text(text[: text.index("Table II")])
    settings = settings_for(tmp_path, inputs)
    summary = nightly(settings)
    assert summary.files_seen == 8
    assert (summary.files_loaded, summary.files_quarantined) == (2, 6)
    assert summary.filings_loaded == 2
    quarantined = {Path(r[0]).name: r[1:] for r in rows(
        settings.warehouse, "SELECT source_file, stage, error, detail FROM quarantine")}
    assert set(quarantined) == set(BAD_INPUTS) | {"truncated.txt"}
    for name, (_, stage, error) in BAD_INPUTS.items():
        assert quarantined[name][:2] == (stage, error), name
        assert quarantined[name][2]
    assert quarantined["truncated.txt"][1] == "truncated"
    assert rows(settings.warehouse, "SELECT count(*) FROM insider_trades") == [(10,)]
    ledger = dict(rows(settings.warehouse, "SELECT status, count(*) FROM ingest_ledger GROUP BY 1"))
    assert ledger == {"loaded": 2, "quarantined": 6}
    # A quarantined file that does not change is not re-read, and stays quarantined.
    again = nightly(settings)
    assert (again.files_new, again.files_unchanged, again.files_quarantined) == (0, 8, 0)
    assert rows(settings.warehouse, "SELECT count(*) FROM quarantine") == [(6,)]


def test_a_50_mb_file_is_quarantined_and_the_run_goes_on(prefect_api, tmp_path):
    inputs = input_folder(tmp_path, SEED_8K)
    with open(inputs / "huge.txt", "wb") as handle:
        for _ in range(50):
            handle.write(b"0123456789abcdef" * 65536)  # one 50 MB line
    settings = settings_for(tmp_path, inputs)
    summary = nightly(settings)
    assert (summary.files_loaded, summary.files_quarantined, summary.filings_loaded) == (1, 1, 1)
    assert rows(settings.warehouse, "SELECT error FROM quarantine") == [("unrecognized_format",)]
    settings.max_file_bytes = 1024 * 1024
    (inputs / "huge.txt").write_bytes(b"x" * (2 * 1024 * 1024))
    limited = nightly(settings)
    assert limited.quarantined == [(str(inputs / "huge.txt"), "file_too_large",
                                    "2097152 bytes is over the per-file limit of 1048576 bytes")]


def test_changed_file_replaces_its_rows(prefect_api, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    target = inputs / "form4.txt"
    shutil.copy(SEED_FORM4, target)
    settings = settings_for(tmp_path, inputs)
    nightly(settings)
    old_id = rows(settings.warehouse, "SELECT filing_id FROM filings")[0][0]
    target.write_text(SEED_FORM4.read_text().replace("Thomas M.  \nHerzog", "Thomas M. Herzog Jr."))
    summary = nightly(settings)
    assert (summary.files_new, summary.files_loaded, summary.filings_loaded) == (1, 1, 1)
    ids = rows(settings.warehouse, "SELECT filing_id FROM filings")
    assert len(ids) == 1 and ids[0][0] != old_id
    assert rows(settings.warehouse, "SELECT count(*) FROM nonderiv_transactions") == [(10,)]
    assert rows(settings.warehouse, "SELECT name FROM signatures") == [("Thomas M. Herzog Jr.",)]
    assert rows(settings.warehouse, "SELECT count(*) FROM ingest_ledger") == [(1,)]


def test_same_bytes_under_two_names_load_once(prefect_api, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_8K, inputs / "a.txt")
    shutil.copy(SEED_8K, inputs / "b.txt")
    settings = settings_for(tmp_path, inputs)
    summary = nightly(settings)
    assert (summary.files_seen, summary.files_loaded, summary.files_duplicate, summary.files_unchanged,
            summary.filings_loaded) == (2, 1, 1, 0, 1)
    assert rows(settings.warehouse, "SELECT status, count(*) FROM ingest_ledger GROUP BY 1 ORDER BY 1") == [
        ("duplicate", 1), ("loaded", 1)]
    assert summary.expectations_failed == 0
    assert rows(settings.warehouse, "SELECT count(*) FROM report_items") == [(2,)]


def test_cli_run_sql_status_export(prefect_api, tmp_path):
    inputs = input_folder(tmp_path, SEED_FORM4, SEED_8K)
    (inputs / "empty.txt").write_bytes(b"")
    wh = str(tmp_path / "wh.duckdb")
    common = ["--warehouse", wh]
    done = run_cli("run", "--input", str(inputs), *common, "--lake", str(tmp_path / "lake"),
                   "--dq-dir", str(tmp_path / "dq"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "files: 3 seen, 3 new or changed, 0 unchanged (skipped), 2 loaded, 0 duplicate, 1 quarantined" in done.stdout
    assert "rows: filings 2," in done.stdout and "nonderiv_transactions 10" in done.stdout
    assert "expectations: " in done.stdout and " 0 failed" in done.stdout
    assert f"data docs: {tmp_path / 'dq' / 'index.html'}" in done.stdout
    assert "empty.txt: empty_file: the file is empty" in done.stdout

    again = run_cli("run", "--input", str(inputs), *common, "--lake", str(tmp_path / "lake"),
                    "--dq-dir", str(tmp_path / "dq"), cwd=tmp_path)
    assert "filings loaded: 0  (nothing new: every file was already loaded)" in again.stdout

    table = run_cli("sql", "select count(*) as n from insider_trades", *common, cwd=tmp_path)
    assert table.returncode == 0 and table.stdout.splitlines() == ["n", "--", "10", "(1 row)"]
    as_csv = run_cli("sql", "select row_index, shares, price_per_share from insider_trades order by 1 limit 2",
                     "--format", "csv", *common, cwd=tmp_path)
    assert as_csv.stdout.splitlines() == ["row_index,shares,price_per_share", "0,5500,54", "1,800,54.01"]
    as_json = run_cli("sql", "select item_code, item_code_current, title from report_items order by item_index",
                      "--format", "json", *common, cwd=tmp_path)
    assert json.loads(as_json.stdout) == [
        {"item_code": "5", "item_code_current": "8.01", "title": "Other Events"},
        {"item_code": "7", "item_code_current": "9.01",
         "title": "Financial Statements, Pro Forma Financial Information and Exhibits"}]
    bad = run_cli("sql", "select nonsense from nowhere", *common, cwd=tmp_path)
    assert bad.returncode == 2 and "nowhere" in bad.stderr

    status = run_cli("status", *common, cwd=tmp_path)
    assert status.returncode == 0
    assert "empty.txt" in status.stdout and "empty_file" in status.stdout
    assert status.stdout.count("completed") == 2

    out = tmp_path / "export"
    export = run_cli("export", "--out", str(out), "--tables", "filings", "nonderiv_transactions", *common, cwd=tmp_path)
    assert export.returncode == 0, export.stderr
    years = sorted(p.name for p in (out / "filings").iterdir())
    assert years == ["filing_year=2002", "filing_year=2007"]
    exported = pq.read_table(out / "nonderiv_transactions" / "filing_year=2007")
    assert exported.num_rows == 10
    con = duckdb.connect()
    assert con.execute(f"SELECT sum(shares) FROM read_parquet('{(out / 'nonderiv_transactions').as_posix()}/**/*.parquet', "
                       "hive_partitioning=true)").fetchone()[0] == Decimal(22351)
    later = run_cli("export", "--out", str(tmp_path / "later"), "--since", "2999-01-01", "--tables", "filings",
                    *common, cwd=tmp_path)
    assert later.returncode == 0 and "filings: 0 rows" in later.stdout


def test_one_filing_in_two_files_of_different_chunks_loads_once(prefect_api, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_8K, inputs / "a.txt")
    # Same filing (same content id) with other line ends: other bytes, same filing_id.
    (inputs / "b.txt").write_bytes(SEED_8K.read_bytes().replace(b"\n", b"\r\n"))
    settings = settings_for(tmp_path, inputs)
    settings.chunk_size = 1  # the two copies land in different parse tasks
    summary = nightly(settings)
    assert (summary.files_seen, summary.files_loaded, summary.files_duplicate, summary.files_unchanged,
            summary.filings_loaded) == (2, 1, 1, 0, 1)
    assert summary.expectations_failed == 0
    assert rows(settings.warehouse, "SELECT count(*) FROM report_items") == [(2,)]
    assert rows(settings.warehouse, "SELECT count(*) FROM signatures") == [(2,)]


# Owned-after values of the seed's Table I, and the same chain restated 7,257 shares lower so that a
# later filing starts exactly where the seed ended (57,604).
_SEED_BALANCES = ["59,361", "58,561", "58,461", "58,161", "57,604", "65,151", "58,751", "58,651", "57,751"]


def _later_filing(shift: int) -> str:
    text = SEED_FORM4.read_text().replace("05/10/2007", "06/10/2007").replace("05/11/2007", "06/11/2007")
    text = text.replace("May 14, 2007", "June 14, 2007").replace("05/14/2007", "06/14/2007")
    lines = []
    for line in text.split("\n"):
        if line.startswith("Class A Common Stock\t"):
            for value in _SEED_BALANCES:
                line = line.replace(f"\t{value}\t", f"\t{int(value.replace(',', '')) - shift:,}\t")
        lines.append(line)
    return "\n".join(lines)


@pytest.mark.parametrize("shift, flagged", [(7257, []), (0, [0])])
def test_position_continuity_across_filings(prefect_api, tmp_path, shift, flagged):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_FORM4, inputs / "may.txt")
    settings = settings_for(tmp_path, inputs)
    nightly(settings)
    (inputs / "june.txt").write_text(_later_filing(shift))
    summary = nightly(settings)
    assert summary.filings_loaded == 1
    may, june = (r[0] for r in rows(settings.warehouse, "SELECT filing_id FROM filings ORDER BY filed_date"))
    found = rows(settings.warehouse, "SELECT filing_id, row_index, severity, detail FROM dq_flags "
                                     "WHERE expectation = 'expect_position_continuity_across_filings'")
    assert [r[1] for r in found] == flagged
    if flagged:
        assert found == [(june, 0, "warn",
                          f"Class A Common Stock (D): balance before this filing's first transaction is 64861, "
                          f"but the previous filing {may} (2007-05-10) ended at 57604")]
    assert rows(settings.warehouse, "SELECT success FROM dq_results WHERE suite = 'position_continuity' "
                                    "AND run_id = ?", [summary.run_id]) == [(not flagged,)]
