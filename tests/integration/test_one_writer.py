"""One writer per warehouse however its path is spelled, and a lake shared by warehouses or runs
never loses a run's staging; a run whose staged rows vanished fails and marks no file loaded."""
from __future__ import annotations

import os
import shutil

import duckdb
import pytest

from conftest import SEED_8K, SEED_FORM4, input_folder
from filingflow import lake, runlock
from filingflow.lake import STAGING
from filingflow.schema import TABLES
from flows.pipeline import RunSettings, nightly

pytestmark = pytest.mark.usefixtures("prefect_api")


def _count(db, sql) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("spelling", ["symlink", "dotdot", "relative", "symlinked_folder"])
def test_every_spelling_of_a_warehouse_takes_one_lock(tmp_path, monkeypatch, spelling):
    real = tmp_path / "data" / "wh.duckdb"
    real.parent.mkdir()
    real.write_bytes(b"")
    (tmp_path / "sub").mkdir()
    other = {
        "symlink": tmp_path / "alias.duckdb",
        "dotdot": tmp_path / "sub" / ".." / "data" / "wh.duckdb",
        "relative": "data/wh.duckdb",
        "symlinked_folder": tmp_path / "linked" / "wh.duckdb",
    }[spelling]
    os.symlink(real, tmp_path / "alias.duckdb")
    os.symlink(real.parent, tmp_path / "linked")
    monkeypatch.chdir(tmp_path)
    with runlock.exclusive_run(real, "20260101T020000Z-abcdef"):
        with pytest.raises(runlock.RunLocked, match="20260101T020000Z-abcdef"):
            with runlock.exclusive_run(type(real)(other), "20260101T020001Z-012345"):
                pass
    assert runlock.lock_path(type(real)(other)) == real.with_name("wh.duckdb.lock")


def test_a_run_through_a_symlink_writes_the_real_file(tmp_path):
    inputs = input_folder(tmp_path, SEED_8K)
    real = tmp_path / "data" / "wh.duckdb"
    real.parent.mkdir()
    alias = tmp_path / "alias.duckdb"
    settings = RunSettings(inputs=[inputs], warehouse=real, lake=tmp_path / "lake", dq_dir=None)
    nightly(settings)
    os.symlink(real, alias)
    shutil.copy(SEED_FORM4, inputs)
    summary = nightly(RunSettings(inputs=[inputs], warehouse=alias, lake=tmp_path / "lake", dq_dir=None))
    assert summary.filings_loaded == 1 and summary.warehouse == str(alias)
    assert alias.is_symlink() and _count(real, "SELECT count(*) FROM filings") == 2
    assert sorted(p.name for p in real.parent.iterdir()) == ["wh.duckdb", "wh.duckdb.lock"]  # no WAL, no copy


def test_a_run_leaves_the_staging_of_another_warehouse_alone(tmp_path):
    """Two warehouses share a lake: one's run (live, or dead and not yet recovered by its own
    warehouse) keeps its staging through the other's runs."""
    inputs = input_folder(tmp_path, SEED_8K)
    shared = tmp_path / "lake"
    part = TABLES["footnotes"].to_arrow([{"filing_id": "f-b", "footnote_id": "F1", "text": "b"}])
    with lake.claim(shared, "20260101T020000Z-bbbbbb", str(tmp_path / "b.duckdb")):
        lake.write_part(shared, "20260101T020000Z-bbbbbb", "footnotes", 0, part)
        assert nightly(RunSettings(inputs=[inputs], warehouse=tmp_path / "a.duckdb", lake=shared,
                                   dq_dir=None)).filings_loaded == 1
        assert (shared / STAGING / "20260101T020000Z-bbbbbb" / "footnotes" / "part-00000.parquet").exists()
    shutil.copy(SEED_FORM4, inputs)  # B's run is dead now: still B's to recover
    nightly(RunSettings(inputs=[inputs], warehouse=tmp_path / "a.duckdb", lake=shared, dq_dir=None))
    assert (shared / STAGING / "20260101T020000Z-bbbbbb" / "footnotes" / "part-00000.parquet").exists()
    assert sorted(p.name for p in (shared / "filings").iterdir()) == sorted(
        f"run_id={r}" for (r,) in duckdb.connect(str(tmp_path / "a.duckdb"), read_only=True).execute(
            "SELECT DISTINCT run_id FROM filings").fetchall())


def test_a_run_whose_staged_rows_vanished_fails_and_marks_nothing_loaded(tmp_path, monkeypatch):
    inputs = input_folder(tmp_path, SEED_8K)
    settings = RunSettings(inputs=[inputs], warehouse=tmp_path / "wh.duckdb", lake=tmp_path / "lake", dq_dir=None)
    real = lake.staged_dataset
    monkeypatch.setattr(lake, "staged_dataset", lambda root, run_id, table: None if table == "filings"
                        else real(root, run_id, table))
    with pytest.raises(RuntimeError, match="staged rows of .* are missing"):
        nightly(settings)
    monkeypatch.undo()
    assert not settings.warehouse.exists() or _count(settings.warehouse, "SELECT count(*) FROM ingest_ledger") == 0
    assert nightly(settings).filings_loaded == 1
