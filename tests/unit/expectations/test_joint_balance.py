"""Balance chains in joint filings: with several reporting owners the form does not say whose each
row is, so a row continuing no open balance of its chain is an ambiguity (info), not a broken balance."""
from __future__ import annotations

import copy
from decimal import Decimal as D

import pandas as pd
import pytest

from conftest import CORPUS, SEED_FORM4
from expectations.balance import BALANCE_COLUMNS, balance_check, explain_ambiguity
from expectations.runner import validate
from filingflow.schema import TABLES
from tests.support.validation_runs import read_rows as support_read_rows

BALANCE = "expect_balance_continuity_within_filing"
AMBIGUOUS = "expect_balance_chain_attributable_to_one_holder"


def frame(rows, owners: int) -> pd.DataFrame:
    """Rows of one filing: (security, D/I, nature, shares, A/D, owned after, is_holding)."""
    return pd.DataFrame([
        {"filing_id": "f", "row_index": i, "security_title": s, "direct_indirect": di, "nature_of_ownership": n,
         "shares": None if sh is None else D(sh), "acquired_disposed": ad,
         "shares_owned_after": None if after is None else D(after), "is_holding": h, "owner_count": owners}
        for i, (s, di, n, sh, ad, after, h) in enumerate(rows)], columns=BALANCE_COLUMNS)


# Two owners' direct holdings of one stock, their rows interleaved: 1000 -> 1100 -> 1200 and 500 -> 450 -> 400.
INTERLEAVED = [("Common", "D", None, "100", "A", "1100", False), ("Common", "D", None, "50", "D", "450", False),
               ("Common", "D", None, "100", "A", "1200", False), ("Common", "D", None, "50", "D", "400", False)]


def test_interleaved_holders_chain_by_balance():
    why = balance_check(frame(INTERLEAVED, owners=2))
    assert list(why["ok"]) == [True] * 4
    assert list(why["ambiguous"]) == [False, True, False, False]  # only the second holder's first row
    assert (why.at[1, "previous"], why.at[1, "expected"]) == (D("1100"), D("1050"))


def test_one_owner_keeps_the_broken_balance_warning():
    why = balance_check(frame(INTERLEAVED, owners=1))
    assert list(why["ok"]) == [True, False, False, False]
    assert not why["ambiguous"].any()


def test_two_llcs_with_the_same_description():
    rows = [("Common", "I", "By LLC", "10", "D", "990", False), ("Common", "I", "By LLC", "20", "D", "480", False),
            ("Common", "I", "By LLC", "10", "D", "980", False), ("Common", "I", "By LLC", "20", "D", "460", False),
            ("Common", "D", None, "5", "A", "105", False)]
    why = balance_check(frame(rows, owners=2))
    assert list(why["ok"]) == [True] * 5 and list(why["ambiguous"]) == [False, True, False, False, False]
    detail = explain_ambiguity(frame(rows, owners=2), {})
    assert list(detail.index) == [1]
    assert detail[1] == ("Common (I, By LLC): 2 reporting owners and the form does not say whose row this is; owned "
                         "after 480 does not continue the chain (previous balance 990 - 20 = 970): taken as another "
                         "holder's, not as a broken balance")


def test_holding_and_missing_balance_end_the_chains():
    rows = [("Common", "D", None, "100", "A", "1100", False), ("Common", "D", None, None, None, "7", True),
            ("Common", "D", None, "50", "D", "450", False), ("Common", "D", None, "50", "D", None, False),
            ("Common", "D", None, "1", "A", "9", False)]
    why = balance_check(frame(rows, owners=3))
    assert list(why["ok"]) == [True] * 5 and not why["ambiguous"].any()


def read_rows(*paths, extra_owner: bool = False) -> dict[str, list[dict]]:
    rows = support_read_rows(*paths)
    if extra_owner:  # the hand-made joint filing: a fund filing with the officer
        owner = copy.deepcopy(rows["reporting_owners"][0])
        owner.update(owner_index=1, owner_name="HERZOG FAMILY FUND LP", owner_cik="0000999999", is_officer=False,
                     officer_title=None, is_ten_percent_owner=True)
        rows["reporting_owners"].append(owner)
    return rows


def flags(rows) -> list[tuple]:
    validation = validate({name: TABLES[name].to_arrow(r) for name, r in rows.items()}, "test", docs_dir=None)
    return sorted((f["expectation"], f["table_name"], f["row_index"], f["severity"])
                  for f in validation.flags.to_pylist() if f["expectation"] in (BALANCE, AMBIGUOUS))


def _broken(rows):
    row = rows["nonderiv_transactions"][5]
    assert (row["transaction_code"], row["shares"]) == ("M", D("7547"))
    row["shares"] = D("7548")
    return rows


def test_hand_made_joint_filing_reports_an_ambiguity_not_a_break():
    assert flags(_broken(read_rows(SEED_FORM4))) == [(BALANCE, "nonderiv_transactions", 5, "warn")]
    assert flags(_broken(read_rows(SEED_FORM4, extra_owner=True))) == [
        (AMBIGUOUS, "nonderiv_transactions", 5, "info")]
    assert flags(read_rows(SEED_FORM4, extra_owner=True)) == []  # a joint filing whose chain adds up: nothing


def test_corpus_joint_filings():
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is absent (expected next to the repo at ../shared/corpus)")
    joint = CORPUS / "ownership_xml"
    paths = sorted(joint.glob("*0001062993-20-000814*"))
    assert paths, "the three-owner Form 4 of the corpus"
    rows = read_rows(paths[0])
    assert len(rows["reporting_owners"]) == 3
    # Puts and calls of three funds in one chain each: two rows start another fund's holding.
    assert flags(rows) == [(AMBIGUOUS, "deriv_transactions", 1, "info"), (AMBIGUOUS, "deriv_transactions", 3, "info")]
    multi = [p for p in sorted(joint.glob("*.xml")) if p.read_text(errors="replace").count("<reportingOwner>") > 1]
    assert len(multi) >= 2
    found = flags(read_rows(*multi))
    assert not [f for f in found if f[0] == BALANCE], found  # no broken-balance warning on a joint filing
