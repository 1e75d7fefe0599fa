"""Hostile company lists and arbitrary joint-filing chains: the submissions reader refuses with its
own error and nothing else; the balance rule never raises and only relaxes joint filings."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from expectations.balance import BALANCE_COLUMNS, balance_check
from filingflow.sources.edgar_company import company_filings, older_pages, ticker_cik
from filingflow.sources.edgar_sync import SourceError

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20)
accessions = st.from_regex(r"\A\d{10}-\d{2}-\d{6}\Z")
pages = st.fixed_dictionaries({}, optional={
    "accessionNumber": st.lists(accessions | json_values, max_size=4),
    "filingDate": st.lists(st.dates().map(str) | json_values, max_size=4),
    "form": st.lists(st.sampled_from(["4", "8-K", "10-K"]) | json_values, max_size=4),
    "filings": json_values,
})


@settings(max_examples=100, deadline=None)
@given(pages)
def test_submissions_page_is_read_or_refused(page):
    try:
        found = company_filings(page, "page.json")
    except SourceError:
        return
    assert all(len(f.accession) == 20 for f in found)
    older_pages(page)


@settings(max_examples=200, deadline=None)
@given(json_values, st.text(max_size=6))
def test_tickers_file_of_any_shape(data, ticker):
    cik = ticker_cik(data if isinstance(data, dict) else {"0": data}, ticker)
    assert cik is None or (len(cik) == 10 and cik.isdigit())


rows = st.lists(st.tuples(
    st.sampled_from(["Common", "Preferred"]), st.sampled_from(["D", "I"]), st.sampled_from([None, "By LLC"]),
    st.none() | st.integers(0, 50).map(Decimal), st.sampled_from(["A", "D", None]),
    st.none() | st.integers(0, 200).map(Decimal), st.booleans()), max_size=12)


def frame(data, owners: int) -> pd.DataFrame:
    return pd.DataFrame([
        {"filing_id": "f", "row_index": i, "security_title": s, "direct_indirect": di, "nature_of_ownership": n,
         "shares": sh, "acquired_disposed": ad, "shares_owned_after": after, "is_holding": h, "owner_count": owners}
        for i, (s, di, n, sh, ad, after, h) in enumerate(data)], columns=BALANCE_COLUMNS)


@settings(max_examples=100, deadline=None)
@given(rows, st.integers(2, 5))
def test_joint_filing_only_relaxes_the_single_owner_rule(data, owners):
    single, joint = balance_check(frame(data, 1)), balance_check(frame(data, owners))
    assert not single["ambiguous"].any()
    assert joint["ok"].all()  # on a joint filing no row is a broken balance...
    assert (joint["ambiguous"] <= ~single["ok"]).all()  # ...and only rows that break a one-owner chain are ambiguous
