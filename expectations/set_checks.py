"""Set checks (not null, unique, compound unique, in set, non-negative) as SQL: Great Expectations'
SQL execution engine on an in-process DuckDB that scans the batch's Arrow tables where they are
(no copy, no pandas), with the standard expectation types, so dq_results and the Data Docs read
as they did when these ran on pandas.

GX keeps the count of the failing rows; the rows themselves (every one, for dq_flags) come from
DuckDB here: GX returns only some of them from SQL, and their positions, which a flag needs, not at all."""
from __future__ import annotations

import contextlib

import numpy as np
import pyarrow as pa

from filingflow.schema import FILING_TABLES, TABLES

ROW = "_row"  # the row's position in its table, added to each registered table
PART = "_part"  # which table of a frame made of two a row comes from

NOT_NULL = "expect_column_values_to_not_be_null"
UNIQUE = "expect_column_values_to_be_unique"
COMPOUND_UNIQUE = "expect_compound_columns_to_be_unique"
IN_SET = "expect_column_values_to_be_in_set"
NON_NEGATIVE = "expect_column_values_to_be_non_negative"
SQL_TYPES = frozenset({NOT_NULL, UNIQUE, COMPOUND_UNIQUE, IN_SET, NON_NEGATIVE})

# Frames the SQL sees: a filing table as it is, or Table I / Table II as the runner builds them
# (transactions, then holdings).
PARTS: dict[str, tuple[str, ...]] = {
    **{name: (name,) for name in FILING_TABLES},
    "table_i": ("nonderiv_transactions", "nonderiv_holdings"),
    "table_ii": ("deriv_transactions", "deriv_holdings"),
}


def runs_as_sql(frame: str, expectation: dict) -> bool:
    return frame in PARTS and expectation["type"] in SQL_TYPES


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _frame_sql(frame: str) -> str:
    # BY NAME: a holdings table lacks some transaction columns, which read as null (pandas' concat does the same).
    return " UNION ALL BY NAME ".join(f"SELECT *, {i} AS {PART} FROM {_quoted(part)}"
                                      for i, part in enumerate(PARTS[frame]))


def _failing_sql(frame: str, expectation: str, kwargs: dict) -> tuple[str, list]:
    """SQL selecting (_part, _row) of the rows failing one expectation, as GX's pandas and SQL engines decide:
    nulls are never unexpected but for not-null; a compound key whose values are all null is not checked."""
    source = f"({_frame_sql(frame)})"
    if expectation == COMPOUND_UNIQUE:
        columns = ", ".join(_quoted(c) for c in kwargs["column_list"])
        all_null = " AND ".join(f"{_quoted(c)} IS NULL" for c in kwargs["column_list"])
        # PARTITION BY puts nulls together, as pandas' duplicated() does.
        return (f"SELECT {PART}, {ROW} FROM (SELECT {PART}, {ROW}, count(*) OVER (PARTITION BY {columns}) AS n "
                f"FROM {source} WHERE NOT ({all_null})) WHERE n > 1", [])
    column = _quoted(kwargs["column"])
    if expectation == UNIQUE:
        return (f"SELECT {PART}, {ROW} FROM {source} WHERE {column} IN "
                f"(SELECT {column} FROM {source} WHERE {column} IS NOT NULL GROUP BY {column} HAVING count(*) > 1)", [])
    where = {NOT_NULL: f"{column} IS NULL",
             IN_SET: f"{column} IS NOT NULL AND NOT list_contains(?, {column})",
             NON_NEGATIVE: f"{column} < 0"}[expectation]
    return f"SELECT {PART}, {ROW} FROM {source} WHERE {where}", ([list(kwargs["value_set"])] if expectation == IN_SET else [])


def may_fail(er) -> bool:
    """Whether any row can fail the expectation of result `er`, so that its rows must be looked up. GX's
    count is that of the failing rows, but for a compound key (count_as_pandas): most set checks find
    nothing, and a query per expectation and batch would cost more than GX's own count. No count: GX
    could not evaluate the expectation."""
    result = er.result or {}
    if "unexpected_count" not in result:
        return False
    return er.expectation_config.type == COMPOUND_UNIQUE or bool(result["unexpected_count"])


def count_as_pandas(er, failing: int) -> None:
    """A compound key with a null part twice (A, null), (A, null) is a duplicate for pandas (and for
    the flags: PARTITION BY above) but not for GX's SQL, which joins on the key: the count of a
    compound-unique result is that of its failing rows, so the result stays what it was on pandas."""
    result = er.result or {}
    if er.expectation_config.type != COMPOUND_UNIQUE or "unexpected_count" not in result:
        return
    result["unexpected_count"] = failing
    checked = result.get("element_count") or 0
    result["unexpected_percent"] = 100 * failing / checked if checked else None
    er.success = failing == 0


class SqlChecks:
    """One DuckDB in memory for a run, through GX's SQL datasource; each batch's tables registered on it."""

    def __init__(self, context, frames: set[str]):
        from great_expectations.core.batch_definition import BatchDefinition
        from great_expectations.datasource.fluent import SQLDatasource
        from great_expectations.datasource.fluent.sql_datasource import QueryAsset

        # The datasource, its query assets and their batch definitions added in one go: GX re-serialises
        # the project's configuration on every addition (twice per asset added one by one).
        source = context.data_sources.add_sql(SQLDatasource(
            name="filingflow_sql", connection_string="duckdb:///:memory:",
            assets=[QueryAsset(name=frame, query=_frame_sql(frame), batch_definitions=[BatchDefinition(name=frame)])
                    for frame in sorted(frames)]))
        engine = source.get_execution_engine()
        # One connection for every query: GX closes a connection before it fetches a result (its
        # "persisted connection" dialects excepted, DuckDB not among them), which leaves DuckDB
        # with nothing to fetch; and the batch's tables are registered on this connection only.
        self.connection = engine.engine.connect()

        @contextlib.contextmanager
        def one_connection():
            yield self.connection

        engine.get_connection = one_connection
        self.duckdb = self.connection.connection.driver_connection
        # Small queries over one batch: a second thread adds more CPU than it saves time.
        self.duckdb.execute("SET threads = 1")
        self.register({})
        self.batches = {frame: source.get_asset(frame).get_batch_definition(frame) for frame in sorted(frames)}

    def register(self, tables: dict[str, pa.Table]) -> None:
        """This batch's rows, each table with its row positions, in place of the last batch's."""
        for name in FILING_TABLES:
            table = tables[name] if name in tables else TABLES[name].arrow_schema().empty_table()
            self.duckdb.register(name, table.append_column(ROW, pa.array(np.arange(table.num_rows, dtype=np.int64))))

    def release(self) -> None:
        """Let go of the batch's tables (DuckDB holds a reference to each registered one)."""
        self.register({})

    def close(self) -> None:
        self.connection.close()

    def validate(self, frame: str, suite):
        from great_expectations.validator.v1_validator import Validator

        # Counts only: the failing rows come from failing_rows().
        validator = Validator(batch_definition=self.batches[frame],
                              result_format={"result_format": "BASIC", "exclude_unexpected_values": True})
        return validator.validate_expectation_suite(suite), validator.active_batch_id

    def failing_rows(self, frame: str, expectation: str, kwargs: dict) -> dict[str, np.ndarray]:
        """Every failing row of one expectation: positions per table of the frame, in frame order."""
        sql, parameters = _failing_sql(frame, expectation, kwargs)
        found = self.duckdb.execute(f"{sql} ORDER BY {PART}, {ROW}", parameters).fetchnumpy()
        return {part: found[ROW][found[PART] == i].astype(np.int64) for i, part in enumerate(PARTS[frame])}
