"""One way for an expectation to explain its flags, and one way to define a
row-level custom expectation.

A custom expectation module registers, per expectation type, an
`explain(frame, kwargs) -> pd.Series` of detail strings indexed like the frame
(only the rows it flags need a string). The runner consults EXPLAINERS by
expectation type when it turns GX's unexpected rows into dq_flags rows;
expectations without an explainer get a generic "column=value" detail.

`multicolumn_rule` defines a GX MulticolumnMapExpectation (and its metric
provider) from a vectorized `check(frame) -> pd.Series[bool]` (True = row
passes) that sees the suite's column_list columns, and registers its explainer.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable

import pandas as pd
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    MulticolumnMapMetricProvider,
    multicolumn_condition_partial,
)

Explainer = Callable[[pd.DataFrame, dict], pd.Series]
EXPLAINERS: dict[str, Explainer] = {}


def register_explainer(expectation_type: str, explain: Explainer) -> None:
    EXPLAINERS[expectation_type] = explain


def _camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def multicolumn_rule(expectation_type: str, check: Callable[[pd.DataFrame], pd.Series], explain: Explainer,
                     doc: str) -> type:
    """Register `expectation_type` with GX as a multicolumn map expectation over `check`.

    In a suite: {"type": expectation_type, "kwargs": {"column_list": [...]}, "meta": {"severity": ...}};
    `check` receives exactly the column_list columns (every row: ignore_row_if is "never")."""
    metric_name = f"multicolumn_values.{expectation_type.removeprefix('expect_')}"

    def _pandas(cls, column_list: pd.DataFrame, **kwargs) -> pd.Series:
        if not len(column_list):
            return pd.Series(True, index=column_list.index, dtype=bool)
        return check(column_list).astype(bool)

    type(f"{_camel(expectation_type)}Metric", (MulticolumnMapMetricProvider,), {
        "__module__": __name__,
        "condition_metric_name": metric_name,
        "condition_domain_keys": ("batch_id", "table", "column_list", "row_condition", "condition_parser",
                                  "ignore_row_if"),
        "_pandas": multicolumn_condition_partial(engine=PandasExecutionEngine)(_pandas),
    })
    expectation = type(_camel(expectation_type), (MulticolumnMapExpectation,), {
        "__module__": __name__,
        "__doc__": doc,
        "__annotations__": {"ignore_row_if": str},
        "map_metric": metric_name,
        "success_keys": ("column_list", "mostly", "ignore_row_if"),
        "ignore_row_if": "never",
    })
    assert expectation.expectation_type == expectation_type, expectation.expectation_type
    register_explainer(expectation_type, explain)
    return expectation


def format_value(value) -> str:
    """A value as a flag detail shows it: decimals without trailing zeros, dates as ISO, null as 'null'."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "null"
    if hasattr(value, "normalize") and hasattr(value, "is_finite"):  # Decimal
        return format(value.normalize(), "f")
    if isinstance(value, float):  # a decimal column checked as float64: its shortest exact spelling
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def details(frame: pd.DataFrame, texts: list[str]) -> pd.Series:
    """Detail strings indexed like the flagged rows."""
    return pd.Series(texts, index=frame.index, dtype=object)


def failing(frame: pd.DataFrame, check: Callable[[pd.DataFrame], pd.Series]) -> pd.DataFrame:
    """The rows of `frame` that `check` flags (explainers only format those)."""
    if not len(frame):
        return frame
    return frame[~check(frame).astype(bool)]
