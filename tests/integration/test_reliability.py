"""One writer, many readers; a failed run leaves the warehouse and lake as before."""
from __future__ import annotations

import shutil
import subprocess
import sys

import duckdb
import pytest

from conftest import SEED_8K, SEED_FORM4, input_folder
from filingflow import runlock, warehouse
from flows.pipeline import RunSettings, nightly

pytestmark = pytest.mark.usefixtures("prefect_api")


def _settings(root, inputs) -> RunSettings:
    return RunSettings(inputs=[inputs], warehouse=root / "wh.duckdb", lake=root / "lake", dq_dir=None)


def _count(db, table) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_a_second_run_names_the_running_one(tmp_path):
    inputs = input_folder(tmp_path, SEED_8K)
    settings = _settings(tmp_path, inputs)
    with runlock.exclusive_run(settings.warehouse, "20260101T020000Z-abcdef"):
        with pytest.raises(runlock.RunLocked) as info:
            nightly(settings)
    assert "another filingflow run holds" in str(info.value)
    assert "run 20260101T020000Z-abcdef (pid " in str(info.value)
    assert not settings.warehouse.exists()
    # Released: the next run goes ahead.
    assert nightly(settings).filings_loaded == 1


_SESSION = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM filings").fetchone()[0], flush=True)
time.sleep(float(sys.argv[2]))
print(con.execute("SELECT count(*) FROM filings").fetchone()[0], flush=True)
con.close()
"""


def test_a_run_waits_for_an_open_reader_who_keeps_a_whole_snapshot(tmp_path):
    """DuckDB lets no process write a file another reads: the run waits for an analyst's session
    (a bounded time, filingflow/connections.py) to commit, and the session sees the old state whole."""
    inputs = input_folder(tmp_path, SEED_8K)
    settings = _settings(tmp_path, inputs)
    nightly(settings)
    session = subprocess.Popen([sys.executable, "-c", _SESSION, str(settings.warehouse), "3"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert session.stdout.readline() == "1\n"  # the session is open
        shutil.copy(SEED_FORM4, inputs)
        summary = nightly(settings)
        assert summary.filings_loaded == 1
        assert session.stdout.readline() == "1\n"  # the old state, whole, to the end of the session
    finally:
        session.wait(60)
    assert session.returncode == 0
    assert _count(settings.warehouse, "filings") == 2  # a new session sees the new state


def test_a_run_failing_in_the_load_changes_nothing(tmp_path, monkeypatch):
    inputs = input_folder(tmp_path, SEED_8K)
    settings = _settings(tmp_path, inputs)
    nightly(settings)
    before = sorted(p.relative_to(settings.lake).as_posix() for p in settings.lake.rglob("*.parquet"))
    shutil.copy(SEED_FORM4, inputs)
    real_stage = warehouse.stage_lake_partitions

    def stage_then_die(*args):  # the last step of the load's transaction, just before its COMMIT
        real_stage(*args)
        raise RuntimeError("simulated crash in the load's transaction, every row written")

    monkeypatch.setattr(warehouse, "stage_lake_partitions", stage_then_die)
    with pytest.raises(RuntimeError, match="simulated crash"):
        nightly(settings)
    monkeypatch.undo()
    assert _count(settings.warehouse, "filings") == 1
    assert _count(settings.warehouse, "runs") == 1
    assert sorted(p.relative_to(settings.lake).as_posix() for p in settings.lake.rglob("*.parquet")
                  if "_staging" not in p.parts) == before
    again = nightly(settings)  # the next run completes the work
    assert (again.files_loaded, again.filings_loaded) == (1, 1)
    assert _count(settings.warehouse, "filings") == 2
    assert _count(settings.warehouse, "nonderiv_transactions") == 10
    assert not (settings.lake / "_staging").exists() or not any((settings.lake / "_staging").iterdir())


def test_error_expectations_above_the_threshold_fail_the_run_but_keep_the_rows(tmp_path):
    from flows.pipeline import DataQualityFailed

    inputs = tmp_path / "in"
    inputs.mkdir()
    text = SEED_FORM4.read_text()
    assert text.count("(1) 01/19/2014") == 1
    (inputs / "bad_ref.txt").write_text(text.replace("(1) 01/19/2014", "(7) 01/19/2014"))
    settings = _settings(tmp_path, inputs)
    with pytest.raises(DataQualityFailed) as info:
        nightly(settings)
    assert "expect_footnote_ref_to_resolve (1 of 3 rows)" in str(info.value)
    assert info.value.summary.filings_loaded == 1
    assert _count(settings.warehouse, "nonderiv_transactions") == 10  # loaded, with their flags
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    flags = con.execute("SELECT expectation, severity, table_name, row_index FROM dq_flags").fetchall()
    con.close()
    assert ("expect_footnote_ref_to_resolve", "error", "deriv_transactions", 0) in flags


def test_the_threshold_is_configurable(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "bad_ref.txt").write_text(SEED_FORM4.read_text().replace("(1) 01/19/2014", "(7) 01/19/2014"))
    settings = _settings(tmp_path, inputs)
    settings.max_error_rate = 1.0
    summary = nightly(settings)
    assert summary.expectations_failed >= 1 and summary.filings_loaded == 1


def test_quarantined_files_are_read_again_only_when_asked(tmp_path):
    """An unchanged quarantined file stays quarantined run after run; --retry-quarantined reads it
    again (after a reader fix or, here, a raised limit) and its rows replace the quarantine row."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_FORM4, inputs / "form4.txt")
    settings = _settings(tmp_path, inputs)
    settings.max_file_bytes = 1000
    assert nightly(settings).files_quarantined == 1
    settings.max_file_bytes = 64 * 1024 * 1024
    unchanged = nightly(settings)
    assert (unchanged.files_new, unchanged.files_unchanged, unchanged.filings_loaded) == (0, 1, 0)
    assert _count(settings.warehouse, "quarantine") == 1
    settings.retry_quarantined = True
    retried = nightly(settings)
    assert (retried.files_new, retried.files_loaded, retried.files_quarantined) == (1, 1, 0)
    assert _count(settings.warehouse, "quarantine") == 0
    assert _count(settings.warehouse, "nonderiv_transactions") == 10
