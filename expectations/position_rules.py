"""Position continuity across filings: for the same issuer, owners, security
and ownership form, a filing's first transaction starts from the balance the
previous filing of that chain ended with. Frame: prior_positions
(filingflow/positions.py), one row per chain of the run's new filings."""
from __future__ import annotations

import pandas as pd

from expectations.explain import failing, format_value, multicolumn_rule


def position_continuous_ok(frame: pd.DataFrame) -> pd.Series:
    before, previous = frame["balance_before"], frame["previous_balance"]
    unknown = before.isna() | previous.isna()
    return unknown | (before == previous)


def explain_position_continuity(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    bad = failing(frame, position_continuous_ok)
    return pd.Series({i: (f"{r.security_title} ({r.direct_indirect}): balance before this filing's first transaction "
                          f"is {format_value(r.balance_before)}, but the previous filing {r.previous_filing_id} "
                          f"({format_value(r.previous_as_of)}) ended at {format_value(r.previous_balance)}")
                      for i, r in bad.iterrows()}, dtype=object)


multicolumn_rule(
    "expect_position_continuity_across_filings", position_continuous_ok, explain_position_continuity,
    "A filing's first transaction of a chain starts from the balance the chain's previous filing ended with.")
