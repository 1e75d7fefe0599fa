"""Expectations run on what a run changed, never on the whole warehouse: the
second run's suites count only the new filing's rows, and its position
continuity still finds the stored filing that ended the chain."""
from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import SEED_8K, SEED_FORM4
from flows.pipeline import RunSettings, nightly

pytestmark = pytest.mark.usefixtures("prefect_api")


def _later_form4() -> str:
    """The seed Form 4 a month later (another filing of the same chains)."""
    text = SEED_FORM4.read_text().replace("05/10/2007", "06/10/2007").replace("05/11/2007", "06/11/2007")
    return text.replace("May 14, 2007", "June 14, 2007").replace("05/14/2007", "06/14/2007")


def _seeded_run(tmp_path, form4_name: str) -> tuple[Path, RunSettings]:
    """An input folder holding the two seeds, and the settings of a run over it."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_FORM4, inputs / form4_name)
    shutil.copy(SEED_8K, inputs / "eight_k.txt")
    return inputs, RunSettings(inputs=[inputs], warehouse=tmp_path / "wh.duckdb", lake=tmp_path / "lake", dq_dir=None)


def test_a_run_validates_only_its_own_filings(tmp_path):
    inputs, settings = _seeded_run(tmp_path, "may.txt")
    first = nightly(settings)
    (inputs / "june.txt").write_text(_later_form4())
    second = nightly(settings)
    assert (first.filings_loaded, second.filings_loaded) == (2, 1)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        counts = dict(con.execute(
            "SELECT suite || ' ' || expectation, element_count FROM dq_results WHERE run_id = ? AND suite IN "
            "('filings.basic', 'nonderiv_transactions.basic', 'ownership_balance', 'position_continuity', "
            "'referential_integrity') AND expectation IN ('expect_column_values_to_be_unique', "
            "'expect_compound_columns_to_be_unique', 'expect_balance_continuity_within_filing', "
            "'expect_position_continuity_across_filings', 'expect_filing_id_to_be_in_filings')",
            [second.run_id]).fetchall())
        june = con.execute("SELECT filing_id FROM filings WHERE filed_date = DATE '2007-06-14'").fetchone()[0]
        may = con.execute("SELECT filing_id FROM filings WHERE filed_date = DATE '2007-05-14'").fetchone()[0]
        june_rows = con.execute("SELECT (SELECT count(*) FROM nonderiv_transactions WHERE filing_id = $1), "
                                "(SELECT count(*) FROM nonderiv_holdings WHERE filing_id = $1)", [june]).fetchone()
        continuity = con.execute("SELECT filing_id, detail FROM dq_flags "
                                 "WHERE expectation = 'expect_position_continuity_across_filings'").fetchall()
        all_rows = sum(con.execute(f'SELECT count(*) FROM "{t}" WHERE filing_id = ?', [june]).fetchone()[0]
                       for t in ("filings", "filing_companies", "reporting_owners", "nonderiv_transactions",
                                 "nonderiv_holdings", "deriv_transactions", "deriv_holdings", "footnotes",
                                 "footnote_refs", "signatures", "report_items", "exhibits", "documents"))
    finally:
        con.close()
    assert counts == {
        "filings.basic expect_column_values_to_be_unique": 1,
        "nonderiv_transactions.basic expect_compound_columns_to_be_unique": june_rows[0],
        "ownership_balance expect_balance_continuity_within_filing": sum(june_rows),
        "position_continuity expect_position_continuity_across_filings": 1,
        "referential_integrity expect_filing_id_to_be_in_filings": all_rows,
    }
    assert june_rows[0] == 10
    # The chain the June filing continues was found in the stored May filing (June restates May's
    # balances, so it does not start where May ended: a warning naming May).
    assert [(fid, f"the previous filing {may} (2007-05-10) ended at 57604" in detail)
            for fid, detail in continuity] == [(june, True)]


def _rows(db, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted(con.execute(sql, params or []).fetchall(), key=repr)
    finally:
        con.close()


def _lake_files(lake) -> dict[str, bytes]:
    return {p.relative_to(lake).as_posix(): p.read_bytes() for p in sorted(lake.rglob("*"))
            if p.is_file() and "_staging" not in p.parts}


def test_a_run_with_nothing_new_records_itself_and_touches_no_filing(tmp_path):
    """The nothing-new fast path: no expectations, no filing rows rewritten, no lake partition; the
    summary and the runs row say what happened."""
    _, settings = _seeded_run(tmp_path, "form4.txt")
    first = nightly(settings)
    tables = ("filings", "nonderiv_transactions", "filing_companies", "companies", "ingest_ledger", "dq_results",
              "filing_sources", "search_documents")
    before = {t: _rows(settings.warehouse, f'SELECT * FROM "{t}"') for t in tables}
    lake_before = _lake_files(settings.lake)
    second = nightly(settings)
    assert (second.files_seen, second.files_new, second.files_unchanged, second.filings_loaded) == (2, 0, 2, 0)
    assert (second.expectations_passed, second.expectations_failed, second.suites) == (0, 0, [])
    assert set(second.rows_per_table.values()) == {0}
    assert {t: _rows(settings.warehouse, f'SELECT * FROM "{t}"') for t in tables} == before
    assert _lake_files(settings.lake) == lake_before
    assert _rows(settings.warehouse, "SELECT run_id, status, files_seen, files_unchanged, filings_loaded FROM runs") == sorted(
        [(first.run_id, "completed", 2, 0, 2), (second.run_id, "completed", 2, 2, 0)], key=repr)


def test_a_copy_of_a_loaded_file_is_a_duplicate_naming_it(tmp_path):
    """Bytes a loaded file of another path holds are looked up for the run's files only, after they
    are read: the copy is a duplicate naming the original, and nothing of it loads."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_8K, inputs / "eight_k.txt")
    settings = RunSettings(inputs=[inputs], warehouse=tmp_path / "wh.duckdb", lake=tmp_path / "lake", dq_dir=None)
    nightly(settings)
    filings = _rows(settings.warehouse, "SELECT * FROM filings")
    lake_before = _lake_files(settings.lake)
    shutil.copy(SEED_8K, inputs / "again.txt")
    original, copy = str(inputs / "eight_k.txt"), str(inputs / "again.txt")
    second = nightly(settings)
    assert (second.files_new, second.files_duplicate, second.files_loaded, second.filings_loaded) == (1, 1, 0, 0)
    assert second.duplicates == [(copy, f"same bytes as {original}")]
    assert _rows(settings.warehouse, "SELECT * FROM filings") == filings
    assert _rows(settings.warehouse, "SELECT source_file, status, detail FROM ingest_ledger") == [
        (copy, "duplicate", f"same bytes as {original}"), (original, "loaded", None)]
    assert _rows(settings.warehouse, "SELECT source_file, used, detail FROM filing_sources") == [
        (copy, False, f"same bytes as {original}"), (original, True, None)]
    assert _lake_files(settings.lake) == lake_before
    assert not (settings.lake / "_staging").exists() or not any((settings.lake / "_staging").iterdir())
