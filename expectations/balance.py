"""Balance continuity: within a filing, each row's 'owned after' must equal the
previous row's 'owned after' plus (A) or minus (D) its shares, per chain
(security title, direct/indirect, nature of ownership; the owners are the
filing's). Holdings and rows whose balance is missing (only a footnote) end a
chain: the next row starts a new one, without a false alarm.

A joint filing (several reporting owners) does not say whose each Table I or II
row is, and two owners can hold the same security the same way ("Direct", or
"By LLC" for two LLCs): their rows interleave in one chain. There a row
continues whichever of the chain's open balances it adds up with; a row that
continues none cannot be told apart from another holder's first row. It is
not a broken balance (no warning) but an ambiguity, reported as such by its
own expectation at severity info."""
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
                   "shares", "acquired_disposed", "shares_owned_after", "is_holding", "owner_count"]
_CHAIN = ["filing_id", "security_title", "direct_indirect", "nature_of_ownership"]


def balance_check(frame: pd.DataFrame) -> pd.DataFrame:
    """Per row: ok (bool), previous balance and expected balance (None where no check applies),
    and ambiguous (bool): on a joint filing, the row continues no open balance of its chain.
    An ambiguous row is ok: it may be another holder's.

    Exact Decimal arithmetic; rows are taken in filing order (filing_id, row_index). Each row's
    previous balance is the owned-after of the row before it in its chain, unless that row is a
    holding (which ends the chain) or has no balance."""
    result = _straight_chains(frame)
    result["ambiguous"] = False
    owners = frame["owner_count"] if "owner_count" in frame else pd.Series(1, index=frame.index)
    joint = pd.to_numeric(owners, errors="coerce").fillna(1).gt(1)
    broken = ~result["ok"] & joint
    if broken.any():  # only the chains of joint filings with a break are followed row by row
        keys = frame.loc[broken, _CHAIN].drop_duplicates()
        rows = frame.reset_index().merge(keys, on=_CHAIN, how="inner").set_index(frame.index.name or "index")
        for _, chain in rows.sort_values(["filing_id", "row_index"], kind="stable").groupby(
                _CHAIN, dropna=False, sort=False):
            result.loc[chain.index, "ok"] = True  # each row continues a balance, starts one, or is ambiguous
            for i, previous, expected in _interleaved(chain):
                result.at[i, "ok"], result.at[i, "ambiguous"] = True, True
                result.at[i, "previous"], result.at[i, "expected"] = previous, expected
    return result


def _interleaved(chain: pd.DataFrame):
    """The rows of one chain of a joint filing that continue none of its open balances, with the
    open balance nearest to the row before it and what that would give: (index, previous, expected)."""
    open_balances: list = []
    for i, row in zip(chain.index, chain.itertuples(index=False)):
        if row.is_holding:
            open_balances = []
            continue
        after, shares, direction = row.shares_owned_after, row.shares, row.acquired_disposed
        if _missing(after):
            open_balances = []
            continue
        if _missing(shares) or direction not in ("A", "D"):
            open_balances.append(after)
            continue
        before = after - shares if direction == "A" else after + shares
        if before in open_balances:
            open_balances[open_balances.index(before)] = after
            continue
        if open_balances:
            last = open_balances[-1]
            yield i, last, last + shares if direction == "A" else last - shares
        open_balances.append(after)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def _straight_chains(frame: pd.DataFrame) -> pd.DataFrame:
    ordered = frame.sort_values(["filing_id", "row_index"], kind="stable")
    chain = ordered.groupby(_CHAIN, dropna=False, sort=False)
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


class MulticolumnValuesBalanceAttributable(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.balance_attributable"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list: pd.DataFrame, **kwargs) -> pd.Series:
        return ~balance_check(column_list)["ambiguous"]


class ExpectBalanceChainAttributableToOneHolder(MulticolumnMapExpectation):
    """On a joint filing, each row continues a balance of its chain: else it cannot be told apart from
    another reporting owner's holding of the same security, held the same way."""

    map_metric = "multicolumn_values.balance_attributable"
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


def explain_ambiguity(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    """Detail of each row of a joint filing that continues no balance of its chain."""
    why = balance_check(frame)
    odd = frame[why["ambiguous"]]
    return pd.Series(
        [f"{row.security_title} ({row.direct_indirect}{', ' + row.nature_of_ownership if isinstance(row.nature_of_ownership, str) else ''}): "
         f"{int(row.owner_count)} reporting owners and the form does not say whose row this is; owned after "
         f"{row.shares_owned_after} does not continue the chain (previous balance {why.at[i, 'previous']} "
         f"{'+' if row.acquired_disposed == 'A' else '-'} {row.shares} = {why.at[i, 'expected']}): taken as "
         f"another holder's, not as a broken balance" for i, row in zip(odd.index, odd.itertuples())],
        index=odd.index, dtype=object)


register_explainer("expect_balance_chain_attributable_to_one_holder", explain_ambiguity)
