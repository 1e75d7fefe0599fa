"""Balance continuity: within a filing, each row's 'owned after' must equal the
previous row's 'owned after' plus (A) or minus (D) its shares, per chain
(security title, direct/indirect, nature of ownership; the owners are the
filing's). Holdings and rows whose balance is missing (only a footnote) end a
chain: the next row starts a new one, without a false alarm."""
from __future__ import annotations

import numpy as np
import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    MulticolumnMapMetricProvider,
    multicolumn_condition_partial,
)

from expectations.explain import register_explainer

BALANCE_COLUMNS = ["filing_id", "row_index", "security_title", "direct_indirect", "nature_of_ownership",
                   "shares", "acquired_disposed", "shares_owned_after", "is_holding"]


def balance_check(frame: pd.DataFrame) -> pd.DataFrame:
    """Per row: ok (bool), previous balance and expected balance (None where no check applies).

    Exact Decimal arithmetic; rows are taken in filing order (filing_id, row_index). Each row's
    previous balance is the owned-after of the row before it in its chain, unless that row is a
    holding (which ends the chain) or has no balance."""
    ordered = frame.sort_values(["filing_id", "row_index"], kind="stable")
    chain = ordered.groupby(["filing_id", "security_title", "direct_indirect", "nature_of_ownership"],
                            dropna=False, sort=False)
    before = chain[["shares_owned_after", "is_holding"]].shift(1)
    holding = ordered["is_holding"].astype(bool)
    prev = before["shares_owned_after"].where(before["is_holding"].eq(False))
    direction = ordered["acquired_disposed"]
    # Decimals read from Arrow are always finite: a present value is a valid one.
    checked = (~holding & prev.notna() & ordered["shares"].notna() & ordered["shares_owned_after"].notna()
               & direction.isin(("A", "D")).fillna(False).astype(bool))
    previous = pd.Series(None, index=frame.index, dtype=object)
    expected = pd.Series(None, index=frame.index, dtype=object)
    ok = pd.Series(True, index=frame.index)
    if checked.any():
        at = checked[checked].index
        start, shares = prev.loc[at].to_numpy(dtype=object), ordered.loc[at, "shares"].to_numpy(dtype=object)
        want = np.where(direction.loc[at].to_numpy() == "A", start + shares, start - shares)  # Decimals: exact
        previous[at], expected[at] = start, want
        ok[at] = want == ordered.loc[at, "shares_owned_after"].to_numpy(dtype=object)
    return pd.DataFrame({"ok": ok, "previous": previous, "expected": expected})


class MulticolumnValuesBalanceContinuous(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.balance_continuous"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list: pd.DataFrame, **kwargs) -> pd.Series:
        return balance_check(column_list)["ok"]


class ExpectBalanceContinuityWithinFiling(MulticolumnMapExpectation):
    """Each row's shares owned after equals the previous row of its chain plus (A) or minus (D) its shares."""

    map_metric = "multicolumn_values.balance_continuous"
    success_keys = ("column_list", "mostly", "ignore_row_if")
    ignore_row_if: str = "never"


def explain_balance(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    """Detail of each row that breaks its chain: owned after vs previous balance +/- shares."""
    why = balance_check(frame)
    bad = frame[~why["ok"]]
    return pd.Series(
        [f"{row.security_title} ({row.direct_indirect}): owned after {row.shares_owned_after}, "
         f"but previous balance {why.at[i, 'previous']} {'+' if row.acquired_disposed == 'A' else '-'} "
         f"{row.shares} = {why.at[i, 'expected']}" for i, row in zip(bad.index, bad.itertuples())],
        index=bad.index, dtype=object)


register_explainer("expect_balance_continuity_within_filing", explain_balance)
