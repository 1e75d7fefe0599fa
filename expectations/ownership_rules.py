"""Forms 3/4/5 rules within one run's rows (issue 4): code and direction agree,
derivative exercises are paired with their Table I acquisition, and the values
are plausible (non-negative amounts, dates in order, prices near the filing's
median for the title, Form 4 filed on time).

Every rule is a vectorized check over a runner frame (table_i, table_ii or
ownership_pairs, see expectations/runner.py) registered with GX, plus an
explainer that says which values did not fit."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine, SqlAlchemyExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from expectations.explain import details, failing, format_value, multicolumn_rule, register_explainer
from filingflow.reference import CODE_DIRECTION, EXERCISE_CODES, TRANSACTION_CODES

MEANING = {code: meaning for code, _, meaning, _ in TRANSACTION_CODES}
DIRECTION_WORDS = {"A": "acquires (A)", "D": "disposes of (D)"}
# A price this many times above (or below) the median of its title in the filing is a misplaced point or unit.
PRICE_FACTOR = 100
# Form 4 due within two business days of the transaction since the Sarbanes-Oxley rules of 2002-08-29.
FORM4_TWO_DAY_RULE = dt.date(2002, 8, 29)
FORM4_DUE_BUSINESS_DAYS = 2
PAIR_TABLE_I, PAIR_TABLE_II = "nonderiv_transactions", "deriv_transactions"


def _num(series: pd.Series) -> pd.Series:
    """Decimal column -> float64 (NaN for nulls); for comparisons, not for arithmetic that must be exact."""
    if series.dtype.kind in "fiu":  # already numbers (the runner hands most decimal columns over as float64)
        return series.astype("float64")
    return pd.to_numeric(series.astype(object).where(series.notna(), None), errors="coerce").astype("float64")


def _date(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


def _transaction(frame: pd.DataFrame) -> pd.Series:
    return ~frame["is_holding"].astype(bool) if "is_holding" in frame else pd.Series(True, index=frame.index)


# --- 1. code and direction agree ---------------------------------------------------------------

def code_direction_ok(frame: pd.DataFrame) -> pd.Series:
    expected = frame["transaction_code"].map(CODE_DIRECTION)
    found = frame["acquired_disposed"]
    return ~_transaction(frame) | expected.isna() | found.isna() | (found == expected).fillna(False).astype(bool)


def explain_code_direction(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    bad = failing(frame, code_direction_ok)
    return details(bad, [
        f"code {code} ({MEANING[code]}) usually {DIRECTION_WORDS[CODE_DIRECTION[code]]}, but the row says "
        f"{found} ({format_value(shares)} of {format_value(title)} on {format_value(when)})"
        for code, found, shares, title, when in zip(bad["transaction_code"], bad["acquired_disposed"], bad["shares"],
                                                    bad["security_title"], bad["transaction_date"])])


multicolumn_rule(
    "expect_transaction_code_to_agree_with_direction", code_direction_ok, explain_code_direction,
    "A Table I transaction's A/D agrees with its code's usual direction (codes without one always pass).")


# --- 2. derivative exercise pairing ------------------------------------------------------------

def _exercise_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Table II exercises/conversions that give up the derivative (D, or A/D not stated)."""
    rows = frame[(frame["table_name"] == PAIR_TABLE_II) & frame["transaction_code"].isin(EXERCISE_CODES)
                 & (frame["acquired_disposed"] != "A").fillna(True).astype(bool)]
    amount = rows["shares"].where(rows["shares"].notna(), rows["underlying_shares"])
    return pd.DataFrame({"_i": rows.index, "filing_id": rows["filing_id"].to_numpy(),
                         "date": _date(rows["transaction_date"]).to_numpy(), "amount": _num(amount).to_numpy(),
                         "exercise_price": _num(rows["conversion_or_exercise_price"]).to_numpy()})


def _acquisitions(frame: pd.DataFrame) -> pd.DataFrame:
    rows = frame[(frame["table_name"] == PAIR_TABLE_I) & (frame["acquired_disposed"] == "A").fillna(False).astype(bool)]
    return pd.DataFrame({"_j": rows.index, "filing_id": rows["filing_id"].to_numpy(),
                         "date": _date(rows["transaction_date"]).to_numpy(), "amount": _num(rows["shares"]).to_numpy(),
                         "price": _num(rows["price_per_share"]).to_numpy()})


def exercise_paired_ok(frame: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=frame.index)
    exercises = _exercise_rows(frame)
    if not len(exercises):
        return ok
    keys = ["filing_id", "date", "amount"]
    pairs = exercises.dropna(subset=keys).merge(_acquisitions(frame).dropna(subset=keys), on=keys)
    price_ok = pairs["price"].isna() | pairs["exercise_price"].isna() | (pairs["price"] == pairs["exercise_price"])
    ok.loc[exercises["_i"]] = False
    ok.loc[pairs.loc[price_ok, "_i"].unique()] = True
    return ok


def explain_exercise_pairing(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    bad = failing(frame, exercise_paired_ok)
    if not len(bad):
        return details(bad, [])
    acquisitions = frame[(frame["table_name"] == PAIR_TABLE_I)
                         & (frame["acquired_disposed"] == "A").fillna(False).astype(bool)
                         & frame["filing_id"].isin(bad["filing_id"])]
    same_day: dict[tuple, list[str]] = {}  # (filing_id, date) -> the Table I acquisitions of that day, in filing order
    for filing, when, row, shares, price in zip(acquisitions["filing_id"], _date(acquisitions["transaction_date"]),
                                                acquisitions["row_index"], acquisitions["shares"],
                                                acquisitions["price_per_share"]):
        if pd.notna(when):
            same_day.setdefault((filing, when), []).append(f"row {row} {format_value(shares)} at {format_value(price)}")
    texts = []
    for filing, code, title, when, shares, underlying, price in zip(
            bad["filing_id"], bad["transaction_code"], bad["security_title"], _date(bad["transaction_date"]),
            bad["shares"], bad["underlying_shares"], bad["conversion_or_exercise_price"]):
        amount = shares if pd.notna(shares) else underlying
        what = (f"{code} of {format_value(title)} on {format_value(when)}: "
                f"{format_value(amount)} shares at exercise price {format_value(price)}")
        if pd.isna(amount) or pd.isna(when):
            texts.append(f"{what}; no share count or date to pair it with a Table I acquisition")
            continue
        seen = ", ".join(same_day.get((filing, when), []))
        texts.append(f"{what}; no Table I acquisition (A) of {format_value(amount)} shares on that date at that price"
                     + (f" (Table I acquisitions that day: {seen})" if seen else " (no Table I acquisition that day)"))
    return details(bad, texts)


multicolumn_rule(
    "expect_derivative_exercise_to_be_paired", exercise_paired_ok, explain_exercise_pairing,
    "A Table II exercise or conversion (M, X, C, O) is matched by a Table I acquisition in the same filing on the "
    "same date of the same number of shares, at the exercise price when Table I gives a price.")


# --- 3. plausibility ---------------------------------------------------------------------------

class ColumnValuesNonNegative(ColumnMapMetricProvider):
    condition_metric_name = "column_values.non_negative"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column: pd.Series, **kwargs) -> pd.Series:
        return ~(_num(column) < 0)

    # On DuckDB (expectations/set_checks.py); a null is not checked on either engine.
    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column, **kwargs):
        return column >= 0


class ExpectColumnValuesToBeNonNegative(ColumnMapExpectation):
    """Amounts and prices are never negative: a minus sign means the value was misread."""

    map_metric = "column_values.non_negative"
    success_keys = ("column", "mostly")


def explain_non_negative(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    column = kwargs["column"]
    bad = frame[_num(frame[column]) < 0]
    titles = bad["security_title"] if "security_title" in bad else pd.Series(None, index=bad.index)
    return details(bad, [f"{column} = {format_value(v)} is negative ({format_value(t)})" for v, t in zip(bad[column], titles)])


register_explainer("expect_column_values_to_be_non_negative", explain_non_negative)


def date_not_after_filed_ok(frame: pd.DataFrame) -> pd.Series:
    return ~(_date(frame["transaction_date"]) > _date(frame["filed_date"])) | ~_transaction(frame)


def explain_date_not_after_filed(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    bad = failing(frame, date_not_after_filed_ok)
    return details(bad, [f"transaction_date {format_value(t)} is after the filing's filed_date {format_value(f)}"
                         for t, f in zip(bad["transaction_date"], bad["filed_date"])])


multicolumn_rule(
    "expect_transaction_date_not_after_filed_date", date_not_after_filed_ok, explain_date_not_after_filed,
    "A transaction is not dated after the filing that reports it.")


def expiration_after_exercise_ok(frame: pd.DataFrame) -> pd.Series:
    return ~(_date(frame["expiration_date"]) < _date(frame["exercise_date"]))


def explain_expiration_after_exercise(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    bad = failing(frame, expiration_after_exercise_ok)
    return details(bad, [f"expiration_date {format_value(x)} is before exercise_date {format_value(e)} ({format_value(t)})"
                         for x, e, t in zip(bad["expiration_date"], bad["exercise_date"], bad["security_title"])])


multicolumn_rule(
    "expect_expiration_not_before_exercise_date", expiration_after_exercise_ok, explain_expiration_after_exercise,
    "A derivative does not expire before it becomes exercisable.")


def _price_median(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Price, the median positive price of the same title in the same filing and table, and rows priced."""
    price = _num(frame["price_per_share"])
    priced = (price > 0) & _transaction(frame)
    groups = [frame["filing_id"], frame["table_name"], frame["security_title"]]
    positive = price.where(priced)
    median = positive.groupby(groups, dropna=False).transform("median")
    count = positive.groupby(groups, dropna=False).transform("count")
    return price.where(priced), median, count


def price_near_median_ok(frame: pd.DataFrame) -> pd.Series:
    price, median, _ = _price_median(frame)
    off = (price > median * PRICE_FACTOR) | (price < median / PRICE_FACTOR)
    return ~off.fillna(False).astype(bool)


def explain_price_near_median(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    price, median, count = _price_median(frame)
    bad = failing(frame, price_near_median_ok)
    shares = _num(bad["shares"])
    texts = []
    for i, row in bad.iterrows():
        ratio = price[i] / median[i]
        how = f"{ratio:,.0f} times" if ratio >= 1 else f"1/{1 / ratio:,.0f} of"
        texts.append(f"price_per_share {format_value(row['price_per_share'])} for {format_value(row['shares'])} shares "
                     f"(value {price[i] * shares[i]:,.2f}) is {how} the median price {median[i]:g} of the "
                     f"{int(count[i])} priced {format_value(row['security_title'])} rows of this filing")
    return details(bad, texts)


multicolumn_rule(
    "expect_price_near_title_median_within_filing", price_near_median_ok, explain_price_near_median,
    f"A positive price is within {PRICE_FACTOR}x of the median positive price of the same security title in the "
    "same filing (zero prices - grants, gifts - are left out).")


def _form4_delay(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Business days from the (deemed) execution date to filing, for Form 4 transactions under the two-day rule."""
    executed = _date(frame["deemed_execution_date"]).fillna(_date(frame["transaction_date"]))
    filed = _date(frame["filed_date"])
    applies = ((frame["form_type"] == "4").fillna(False).astype(bool) & _transaction(frame)
               & (filed > pd.Timestamp(FORM4_TWO_DAY_RULE)) & executed.notna() & (executed <= filed))
    delay = pd.Series(0, index=frame.index, dtype="int64")
    if applies.any():
        delay[applies] = np.busday_count(executed[applies].to_numpy().astype("datetime64[D]"),
                                         filed[applies].to_numpy().astype("datetime64[D]"))
    return delay, executed


def form4_on_time_ok(frame: pd.DataFrame) -> pd.Series:
    delay, _ = _form4_delay(frame)
    return delay <= FORM4_DUE_BUSINESS_DAYS


def explain_form4_on_time(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    delay, executed = _form4_delay(frame)
    late = delay > FORM4_DUE_BUSINESS_DAYS
    # Column-wise: late filings can be a good share of all rows. Both dates are known where the rule applies.
    return ("Form 4 filed " + _date(frame.loc[late, "filed_date"]).dt.strftime("%Y-%m-%d") + ", "
            + delay[late].astype(str) + " business days after the transaction of "
            + executed[late].dt.strftime("%Y-%m-%d") + f" (due within {FORM4_DUE_BUSINESS_DAYS})").astype(object)


multicolumn_rule(
    "expect_form4_filed_within_two_business_days", form4_on_time_ok, explain_form4_on_time,
    "A Form 4 filed after 2002-08-29 is filed within two business days of the transaction (deemed execution date "
    "when given; weekends only, no holiday calendar).")
