"""Staging ownership in a shared lake: a run owns its staging folder (owner file, locked while the run
lives); recovery touches only dead staging of its own warehouse, and a claim is never seen half-made."""
from __future__ import annotations

import json
import multiprocessing
import os

import pyarrow.parquet as pq

from filingflow import lake
from filingflow.lake import OWNER, STAGING
from filingflow.schema import TABLES


def stage(root, run_id: str, text: str = "x") -> None:
    lake.write_part(root, run_id, "footnotes", 0, TABLES["footnotes"].to_arrow(
        [{"filing_id": f"f-{run_id}", "footnote_id": "F1", "text": text}]))


def test_a_live_run_of_another_warehouse_keeps_its_staging(tmp_path):
    with lake.claim(tmp_path, "theirs", "/w/other.duckdb"):
        stage(tmp_path, "theirs")
        assert json.loads((tmp_path / STAGING / "theirs" / OWNER).read_text())["warehouse"] == "/w/other.duckdb"
        lake.recover(tmp_path, set(), "/w/mine.duckdb")
        assert (tmp_path / STAGING / "theirs" / "footnotes" / "part-00000.parquet").exists()
    # Dead now, but still another warehouse's: that warehouse's next run decides.
    lake.recover(tmp_path, set(), "/w/mine.duckdb")
    assert (tmp_path / STAGING / "theirs" / "footnotes" / "part-00000.parquet").exists()
    lake.recover(tmp_path, {"theirs"}, "/w/other.duckdb")
    assert pq.read_table(tmp_path / "footnotes" / "run_id=theirs").column("text").to_pylist() == ["x"]
    assert not (tmp_path / STAGING / "theirs").exists()


def _hold(root, run_id, ready, done):
    with lake.claim(root, run_id, "/w/mine.duckdb"):
        stage(root, run_id)
        ready.set()
        done.wait(30)


def test_a_live_run_of_the_same_warehouse_keeps_its_staging(tmp_path):
    """Two runs of one warehouse never overlap (runlock), but the lake does not rely on it: the lock
    on the owner file tells a live run from a dead one."""
    ctx = multiprocessing.get_context("fork")
    ready, done = ctx.Event(), ctx.Event()
    other = ctx.Process(target=_hold, args=(tmp_path, "live", ready, done))
    other.start()
    try:
        assert ready.wait(30)
        lake.recover(tmp_path, set(), "/w/mine.duckdb")
        assert (tmp_path / STAGING / "live" / "footnotes" / "part-00000.parquet").exists()
    finally:
        done.set()
        other.join(30)
    lake.recover(tmp_path, set(), "/w/mine.duckdb")  # dead and never committed: dropped
    assert not (tmp_path / STAGING / "live").exists()


def test_a_dead_run_of_this_warehouse_is_rolled_forward_or_dropped(tmp_path):
    for run_id in ("committed", "uncommitted"):
        with lake.claim(tmp_path, run_id, "/w/mine.duckdb"):
            stage(tmp_path, run_id)
    lake.recover(tmp_path, {"committed"}, "/w/mine.duckdb")
    assert sorted(p.name for p in (tmp_path / "footnotes").iterdir()) == ["run_id=committed"]
    assert list((tmp_path / STAGING).iterdir()) == []


def test_a_claim_that_died_before_its_rename_is_cleared(tmp_path):
    claiming = tmp_path / STAGING / ".claim-dead"
    claiming.mkdir(parents=True)
    (claiming / OWNER).write_text("")
    lake.recover(tmp_path, set(), "/w/mine.duckdb")
    assert not claiming.exists()


def test_discard_removes_only_its_run(tmp_path):
    for run_id in ("a", "b"):
        stage(tmp_path, run_id)
    lake.discard(tmp_path, "a")
    assert sorted(os.listdir(tmp_path / STAGING)) == ["b"]
