"""Expectations run on what a run changed, never on the whole warehouse: the
second run's suites count only the new filing's rows, and its position
continuity still finds the stored filing that ended the chain."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from conftest import SEED_8K, SEED_FORM4
from flows.pipeline import RunSettings, nightly

pytestmark = pytest.mark.usefixtures("prefect_api")


def _later_form4() -> str:
    """The seed Form 4 a month later (another filing of the same chains)."""
    text = SEED_FORM4.read_text().replace("05/10/2007", "06/10/2007").replace("05/11/2007", "06/11/2007")
    return text.replace("May 14, 2007", "June 14, 2007").replace("05/14/2007", "06/14/2007")


def test_a_run_validates_only_its_own_filings(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_FORM4, inputs / "may.txt")
    shutil.copy(SEED_8K, inputs / "eight_k.txt")
    settings = RunSettings(inputs=[inputs], warehouse=tmp_path / "wh.duckdb", lake=tmp_path / "lake", dq_dir=None)
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
