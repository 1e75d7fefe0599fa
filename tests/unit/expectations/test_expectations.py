"""The ownership and 8-K rule expectations, run as real GX suites through expectations.runner.validate
(no Prefect): for each, the seed passes and a broken copy flags exactly the
altered row with a detail that names the values involved."""
from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest

from conftest import CORPUS, SEED_8K, SEED_FORM4
from expectations.ownership_rules import form4_on_time_ok
from tests.support.validation_runs import details, flags, read_rows, run

BALANCE = "expect_balance_continuity_within_filing"
DIRECTION = "expect_transaction_code_to_agree_with_direction"
PAIRED = "expect_derivative_exercise_to_be_paired"
NON_NEGATIVE = "expect_column_values_to_be_non_negative"
NOT_AFTER_FILED = "expect_transaction_date_not_after_filed_date"
EXPIRATION = "expect_expiration_not_before_exercise_date"
PRICE = "expect_price_near_title_median_within_filing"
LATE = "expect_form4_filed_within_two_business_days"
FOOTNOTE = "expect_footnote_ref_to_resolve"
ISSUER = "expect_ownership_filing_to_name_issuer"
OWNER = "expect_ownership_filing_to_have_reporting_owner"
ITEM = "expect_eight_k_to_have_report_item"
KNOWN_FILING = "expect_filing_id_to_be_in_filings"
RULE_EXPECTATIONS = (DIRECTION, PAIRED, NON_NEGATIVE, NOT_AFTER_FILED, EXPIRATION, PRICE, LATE, FOOTNOTE, ISSUER, OWNER, ITEM,
           KNOWN_FILING)
TI, TII = "nonderiv_transactions", "deriv_transactions"


@pytest.fixture(scope="module")
def seed_rows() -> dict[str, list[dict]]:
    return read_rows(SEED_FORM4, SEED_8K)


def altered(rows: dict[str, list[dict]], table: str, index: int, **changes) -> dict[str, list[dict]]:
    """A deep copy of the rows with row `index` of `table` (position in the list) changed."""
    out = copy.deepcopy(rows)
    out[table][index].update(changes)
    return out


@pytest.fixture(scope="module")
def seed_validation(seed_rows):
    return run(seed_rows)


def test_seed_passes_every_expectation(seed_validation):
    assert flags(seed_validation) == []
    assert seed_validation.failed == 0
    results = seed_validation.results.to_pandas()
    assert set(RULE_EXPECTATIONS) <= set(results["expectation"])
    assert results["success"].all()


@pytest.mark.parametrize("expectation", RULE_EXPECTATIONS)
def test_each_expectation_ran_on_the_seed_without_a_flag(seed_validation, expectation):
    results = seed_validation.results.to_pandas()
    mine = results[results["expectation"] == expectation]
    assert len(mine) and mine["success"].all() and (mine["element_count"] > 0).all()


# --- 1. code and direction ---------------------------------------------------------------------

def test_sale_marked_acquired_is_flagged(seed_rows):
    v = run(altered(seed_rows, TI, 0, acquired_disposed="A"))
    assert flags(v) == [(DIRECTION, TI, 0, "warn")]
    detail, = details(v, DIRECTION)
    assert detail.startswith("code S (Open market or private sale")
    assert "usually disposes of (D), but the row says A" in detail and "5500 of Class A Common Stock" in detail


# --- 2. derivative exercise pairing ------------------------------------------------------------

def test_exercise_paired_by_table_ii_shares_when_given(seed_rows):
    v = run(altered(seed_rows, TII, 0, shares=Decimal("7547"), underlying_shares=Decimal("1")))
    assert flags(v) == []


def test_exercise_without_matching_acquisition_is_flagged(seed_rows):
    v = run(altered(seed_rows, TII, 0, underlying_shares=Decimal("7500")))
    assert flags(v) == [(PAIRED, TII, 0, "warn")]
    detail, = details(v, PAIRED)
    assert detail == ("M of Employee Stock Option (Right to Buy) on 2007-05-11: 7500 shares at exercise price 33.95; "
                      "no Table I acquisition (A) of 7500 shares on that date at that price "
                      "(Table I acquisitions that day: row 5 7547 at 33.95)")


def test_exercise_at_another_price_is_flagged(seed_rows):
    v = run(altered(seed_rows, TII, 0, conversion_or_exercise_price=Decimal("30")))
    assert flags(v) == [(PAIRED, TII, 0, "warn")]
    assert "at exercise price 30;" in details(v, PAIRED)[0] and "row 5 7547 at 33.95" in details(v, PAIRED)[0]


def test_exercise_on_another_day_is_flagged(seed_rows):
    v = run(altered(seed_rows, TI, 5, transaction_date=dt.date(2007, 5, 10)))
    assert flags(v) == [(PAIRED, TII, 0, "warn")]
    assert details(v, PAIRED)[0].endswith("(no Table I acquisition that day)")


# --- 3. plausibility ---------------------------------------------------------------------------

@pytest.mark.parametrize("table, index, column, value, also", [
    (TI, 3, "shares", Decimal("-300"), [(BALANCE, TI, 3, "warn")]),
    (TI, 3, "price_per_share", Decimal("-54.03"), []),
    (TI, 9, "shares_owned_after", Decimal("-57604"), [(BALANCE, TI, 9, "warn")]),
    (TII, 0, "price_per_share", Decimal("-1"), []),
])
def test_negative_value_is_an_error(seed_rows, table, index, column, value, also):
    v = run(altered(seed_rows, table, index, **{column: value}))
    assert flags(v) == sorted([(NON_NEGATIVE, table, index, "error")] + also)
    detail, = details(v, NON_NEGATIVE)
    assert detail.startswith(f"{column} = {value.normalize():f} is negative (")


def test_transaction_after_filing_is_flagged(seed_rows):
    v = run(altered(seed_rows, TI, 9, transaction_date=dt.date(2007, 5, 15)))
    assert flags(v) == [(NOT_AFTER_FILED, TI, 9, "warn")]
    assert details(v, NOT_AFTER_FILED) == ["transaction_date 2007-05-15 is after the filing's filed_date 2007-05-14"]


def test_expiration_before_exercise_is_flagged(seed_rows):
    v = run(altered(seed_rows, TII, 0, exercise_date=dt.date(2015, 1, 19)))
    assert flags(v) == [(EXPIRATION, TII, 0, "warn")]
    assert details(v, EXPIRATION) == [
        "expiration_date 2014-01-19 is before exercise_date 2015-01-19 (Employee Stock Option (Right to Buy))"]


def test_price_orders_of_magnitude_off_is_flagged(seed_rows):
    v = run(altered(seed_rows, TI, 7, price_per_share=Decimal("54960")))
    assert flags(v) == [(PRICE, TI, 7, "warn")]
    detail, = details(v, PRICE)
    assert detail.startswith("price_per_share 54960 for 100 shares (value 5,496,000.00) is 1,017 times the median "
                             "price 54.035 of the 10 priced Class A Common Stock rows")


def test_late_form4_is_info(seed_rows):
    v = run(altered(seed_rows, TI, 0, transaction_date=dt.date(2007, 5, 8)))
    assert flags(v) == [(LATE, TI, 0, "info")]
    assert details(v, LATE) == ["Form 4 filed 2007-05-14, 4 business days after the transaction of 2007-05-08 "
                                "(due within 2)"]


def test_late_form4_rule_applies_to_form4_after_2002_08_29_only():
    frame = pd.DataFrame({
        "form_type": ["4", "4", "4/A", "5", "4", "4"],
        "filed_date": [dt.date(2002, 8, 28), dt.date(2002, 9, 9), dt.date(2007, 5, 14), dt.date(2007, 5, 14),
                       dt.date(2007, 5, 14), dt.date(2007, 5, 14)],
        "transaction_date": [dt.date(2002, 8, 1), dt.date(2002, 9, 4), dt.date(2007, 5, 1), dt.date(2007, 5, 1),
                             dt.date(2007, 5, 1), None],
        "deemed_execution_date": [None, None, None, None, dt.date(2007, 5, 10), None],
        "is_holding": [False] * 6,
    })
    # Filed before the rule; Wed -> next Mon is 3 business days; amendment; Form 5; deemed date on time; no date.
    assert list(form4_on_time_ok(frame)) == [True, False, True, True, True, True]


# --- 4. footnote integrity ---------------------------------------------------------------------

def test_footnote_mark_without_footnote_is_an_error(seed_rows):
    v = run(altered(seed_rows, "footnote_refs", 0, footnote_id="F9"))
    assert flags(v) == [(FOOTNOTE, TII, 0, "error")]
    assert details(v, FOOTNOTE) == ["footnote mark F9 on deriv_transactions row 0 field exercise_date points at no "
                                    "footnote of its filing (footnotes: F1, F2)"]


# --- 5. structure and referential integrity ----------------------------------------------------

def test_form4_without_issuer_is_an_error(seed_rows):
    form4 = next(i for i, f in enumerate(seed_rows["filings"]) if f["form_type"] == "4")
    v = run(altered(seed_rows, "filings", form4, issuer_name=None, issuer_cik=None))
    assert flags(v) == [(ISSUER, "filings", None, "error")]
    assert details(v, ISSUER) == ["Form 4 names no issuer (issuer_name and issuer_cik are null)"]
    assert v.flags.to_pandas()["filing_id"].tolist() == [seed_rows["filings"][form4]["filing_id"]]


def test_form4_without_reporting_owner_is_an_error(seed_rows):
    rows = copy.deepcopy(seed_rows)
    rows["reporting_owners"] = []
    v = run(rows)
    assert flags(v) == [(OWNER, "filings", None, "error")]
    assert details(v, OWNER) == ["Form 4 has no reporting_owners row"]


def test_8k_without_items_is_a_warning(seed_rows):
    rows = copy.deepcopy(seed_rows)
    assert rows["report_items"]
    rows["report_items"] = []
    v = run(rows)
    assert flags(v) == [(ITEM, "filings", None, "warn")]
    assert details(v, ITEM) == ["8-K has no report_items row (no item heading read; maybe exhibits only)"]


def test_row_of_an_unknown_filing_is_an_error(seed_rows):
    v = run(altered(seed_rows, "signatures", 0, filing_id="ff-nowhere"))
    assert flags(v) == [(KNOWN_FILING, "signatures", None, "error")]
    assert details(v, KNOWN_FILING) == [
        "signatures row signature_index=0 has filing_id 'ff-nowhere', which is not a filing of this run"]


def test_altered_table_i_row_flags_both_balance_and_pairing(seed_rows):
    """The pipeline's altered seed: 7,548 acquired on exercise of 7,547 options."""
    v = run(altered(seed_rows, TI, 5, shares=Decimal("7548")))
    assert flags(v) == [(BALANCE, TI, 5, "warn"), (PAIRED, TII, 0, "warn")]
    assert details(v, BALANCE) == ["Class A Common Stock (D): owned after 65151.00000000, but previous balance "
                                   "57604.00000000 + 7548.00000000 = 65152.00000000"]


# --- corpus ------------------------------------------------------------------------------------

OWNERSHIP_XML = CORPUS / "ownership_xml"


@pytest.mark.parametrize("name", ["4_0001209191-20-042037_edgar2data_extracted.xml",
                                  "4_0001140361-20-021384_edgar2data_extracted.xml"])
def test_real_exercises_pass(corpus, name):
    path = OWNERSHIP_XML / name
    if not path.is_file():
        pytest.skip(f"{name} is not in the corpus")
    rows = read_rows(path)
    assert any(r["transaction_code"] in ("M", "C") for r in rows[TII])
    v = run(rows)
    assert flags(v) == []
    assert v.failed == 0


def test_corpus_ownership_xml_summary(corpus):
    """Every corpus ownership XML through the suites once: pass rate per expectation, every error finding."""
    paths = sorted(OWNERSHIP_XML.glob("*.xml"))
    if not paths:
        pytest.skip("no ownership XML in the corpus")
    v = run(read_rows(*paths))
    results = v.results.to_pandas()
    basic = results[results["suite"].str.endswith(".basic")]
    print(f"\n{len(paths)} files; derived .basic expectations passing: {basic['success'].sum()}/{len(basic)}; "
          "rows passing per other expectation:")
    for r in results[~results["suite"].str.endswith(".basic")].itertuples():
        rate = 1 - r.unexpected_count / r.element_count if r.element_count else 1.0
        print(f"  {r.suite:34} {r.expectation:50} {r.column_name[:40]:40} {r.severity:5} "
              f"{r.element_count - r.unexpected_count:5}/{r.element_count:<5} {rate:7.2%}")
    found = v.flags.to_pandas()
    errors = found[found["severity"] == "error"]
    print(f"error findings: {len(errors)}")
    for r in errors.itertuples():
        print(f"  {r.expectation} {r.table_name} {r.filing_id} row {r.row_index}: {r.detail}")
    # Errors mean we misread something: the corpus reads cleanly.
    assert errors.empty
