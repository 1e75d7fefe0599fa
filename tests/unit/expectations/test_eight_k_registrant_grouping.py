"""expect_eight_k_registrant_to_match_header on frames of many filings: each registrant row is compared
with the filer rows of its own filing only, whatever the order of the rows, as a filing-by-filing
reading of the frame (pandas groupby) decides; rows of no filing are compared with nothing."""
from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from expectations.eight_k_rules import REGISTRANT_COLUMNS, registrant_matches_header_ok
from transforms.eight_k import registrant_differences, same_registrant


def _reference(frame: pd.DataFrame) -> pd.Series:
    """The rule read one filing at a time through groupby (which leaves out a null filing_id)."""
    ok = pd.Series(True, index=frame.index, dtype=bool)
    involved = frame[frame["role"].isin(["registrant", "filer"])]
    for _, rows in involved.groupby("filing_id", sort=False):
        records = {i: {k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}
                   for i, row in rows[REGISTRANT_COLUMNS].iterrows()}
        filers = [r for r in records.values() if r["role"] == "filer"]
        for index, row in records.items():
            if row["role"] != "registrant" or not filers:
                continue
            filer = next((f for f in filers if same_registrant(row, f)), filers[0] if len(filers) == 1 else None)
            if filer is not None and registrant_differences(row, filer):
                ok[index] = False
    return ok


ROWS = st.lists(st.fixed_dictionaries({
    "filing_id": st.sampled_from(["A", "B", "C", None]),
    "role": st.sampled_from(["registrant", "filer", "subject_company"]),
    "cik": st.sampled_from(["0000000001", "0000000002", None]),
    "name": st.sampled_from(["ACME CORP", "Acme Corp.", "OTHER INC", None]),
    "state": st.sampled_from(["DE", "NY", None]),
    "phone": st.sampled_from(["302-656-1708", "(410) 654-3315", None]),
}), max_size=14)


@settings(max_examples=150, deadline=None)
@given(ROWS)
def test_each_registrant_is_compared_within_its_filing(rows):
    frame = pd.DataFrame([{**dict.fromkeys(REGISTRANT_COLUMNS), "company_index": i, **row}
                          for i, row in enumerate(rows)], columns=REGISTRANT_COLUMNS)
    assert registrant_matches_header_ok(frame).tolist() == _reference(frame).tolist()


def test_interleaved_filings_keep_their_own_filer():
    frame = pd.DataFrame([
        {"filing_id": "A", "role": "registrant", "cik": "0000000001", "name": "ACME CORP", "phone": "1"},
        {"filing_id": "B", "role": "filer", "cik": "0000000002", "name": "OTHER INC", "phone": "9"},
        {"filing_id": "A", "role": "filer", "cik": "0000000001", "name": "ACME CORP", "phone": "2"},
        {"filing_id": "B", "role": "registrant", "cik": "0000000002", "name": "OTHER INC", "phone": "9"},
        {"filing_id": None, "role": "registrant", "cik": "0000000001", "name": "ACME CORP", "phone": "3"},
    ]).reindex(columns=REGISTRANT_COLUMNS)
    assert registrant_matches_header_ok(frame).tolist() == [False, True, True, True, True]
