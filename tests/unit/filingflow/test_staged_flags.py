"""dq_flags through the run's staging: the validation writes each batch's flags there, the load
inserts them all, in the order staged, but those of filings it refused; they never reach the lake."""
from __future__ import annotations

import datetime as dt

from filingflow import connections, lake, warehouse
from filingflow.accounting import schema_row
from filingflow.schema import TABLES

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)


def _flags(run_id: str, *rows: tuple[str, int | None, str]):
    return TABLES["dq_flags"].to_arrow([TABLES["dq_flags"].row(
        run_id=run_id, expectation="expect_column_values_to_not_be_null", table_name="filings", filing_id=f,
        row_index=i, severity="warn", detail=d) for f, i, d in rows])


def _plan(run_id: str, refused: list[str]) -> warehouse.LoadPlan:
    return warehouse.LoadPlan(
        run_id=run_id, kept_filing_ids=[], replaced_filing_ids=[], ledger_rows=[], quarantine_rows=[],
        reprocessed_files=[], dq_results=TABLES["dq_results"].arrow_schema().empty_table(),
        dq_flags=_flags(run_id, ("given", 0, "passed in the plan")), refused_filing_ids=refused,
        run_row=schema_row("runs", run_id=run_id, started_at=NOW, status="running"))


def test_the_load_inserts_every_staged_batch_of_flags_but_those_of_refused_filings(tmp_path):
    live, root, run_id = tmp_path / "wh.duckdb", tmp_path / "lake", "20260102T000000Z-aaaaaa"
    warehouse.prepare(live)
    lake.write_flags(root, run_id, 0, _flags(run_id, ("f1", 0, "a"), ("f2", 1, "b"), ("f4", None, "filing-wide")))
    lake.write_flags(root, run_id, 1, _flags(run_id, ("f3", 2, "c"), ("f2", 3, "d")))
    with connections.open_warehouse(live) as con:
        warehouse.load_run(con, root, _plan(run_id, refused=["f2"]))
        assert con.execute("SELECT filing_id, row_index, detail FROM dq_flags WHERE run_id = ?", [run_id]).fetchall() == [
            ("given", 0, "passed in the plan"), ("f1", 0, "a"), ("f4", None, "filing-wide"), ("f3", 2, "c")]
    lake.publish(root, run_id)
    assert not (root / "_dq_flags").exists() and not (root / lake.STAGING / run_id).exists()


def test_staged_flags_are_not_a_table_a_staged_filing_is_dropped_from(tmp_path):
    root, run_id = tmp_path / "lake", "20260102T000000Z-bbbbbb"
    lake.write_flags(root, run_id, 0, _flags(run_id, ("f1", 0, "a")))
    lake.drop_filings(root, run_id, 0, {"f1"})  # rewrites chunk 0's staged tables only
    assert lake.staged_flags(root, run_id).to_table()["filing_id"].to_pylist() == ["f1"]
    assert lake.staged_flags(root, "20260102T000000Z-cccccc") is None
