"""The row contract: a row is a dict of a table's columns; a key the table does not have fails
where the rows are turned into Arrow (never a silent null), and rows are made from the schema."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from filingflow.schema import TABLE_LIST, TABLES, UnknownColumns
from transforms.model import blank_filing_row


def test_blank_row_has_every_column_none_and_is_fresh():
    table = TABLES["quarantine"]
    first, second = table.blank_row(), table.blank_row()
    assert first == dict.fromkeys(["source_file", "source_sha256", "stage", "error", "detail", "run_id",
                                   "quarantined_at"])
    assert list(first) == table.column_names
    first["error"] = "empty_file"
    assert second["error"] is None and table.blank_row()["error"] is None


def test_row_fills_given_columns_from_a_mapping_and_names():
    row = TABLES["runs"].row({"run_id": "r1", "status": "running"}, status="completed", rows_loaded=7)
    assert row["run_id"] == "r1" and row["status"] == "completed" and row["rows_loaded"] == 7
    assert row["finished_at"] is None
    assert list(row) == TABLES["runs"].column_names


def test_row_refuses_a_misspelled_column():
    with pytest.raises(UnknownColumns, match=r"table runs .*: finshed_at$"):
        TABLES["runs"].row(run_id="r1", finshed_at=None)
    with pytest.raises(UnknownColumns, match="table dq_results"):
        TABLES["dq_results"].row({"run_id": "r1", "sucess": True})


def test_to_arrow_refuses_rows_with_keys_the_table_lacks():
    rows = [{"source_file": "a", "error": "empty_file"}, {"source_file": "b", "eror": "x", "extra": 1}]
    with pytest.raises(UnknownColumns) as caught:
        TABLES["quarantine"].to_arrow(rows)
    assert str(caught.value) == "rows for table quarantine have keys it has no column for: eror, extra"


def test_to_arrow_still_reads_absent_keys_as_null():
    table = TABLES["quarantine"].to_arrow([{"source_file": "a", "error": "empty_file"}])
    assert table.to_pylist() == [{**TABLES["quarantine"].blank_row(), "source_file": "a", "error": "empty_file"}]
    assert TABLES["quarantine"].to_arrow([]).num_rows == 0


@st.composite
def rows_with_maybe_a_stray_key(draw):
    table = draw(st.sampled_from(TABLE_LIST))
    rows = [dict.fromkeys(draw(st.lists(st.sampled_from(table.column_names), unique=True)))
            for _ in range(draw(st.integers(0, 4)))]
    stray = draw(st.one_of(st.none(), st.text(min_size=1, max_size=12).filter(lambda k: k not in table.column_index)))
    if stray is not None and rows:
        rows[draw(st.integers(0, len(rows) - 1))][stray] = None
    return table, rows, stray if rows else None


@given(rows_with_maybe_a_stray_key())
def test_to_arrow_raises_exactly_when_a_row_has_a_stray_key(case):
    table, rows, stray = case
    if stray is None:
        assert table.to_arrow(rows).num_rows == len(rows)
    else:
        with pytest.raises(UnknownColumns, match=f"table {table.name} "):
            table.to_arrow(rows)


def test_blank_filing_row_is_the_schema_row_without_filing_id():
    row = blank_filing_row("reporting_owners")
    assert row == {c: None for c in TABLES["reporting_owners"].column_names if c != "filing_id"}
    row["owner_name"] = "x"
    assert blank_filing_row("reporting_owners")["owner_name"] is None
