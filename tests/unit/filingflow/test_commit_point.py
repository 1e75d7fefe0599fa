"""The commit point of a run: its one transaction in the live warehouse. Nothing of it is seen
before its COMMIT returns, all of it after, even when the checkpoint after it fails; no COMMIT
begins once a stopping command closed commits; readers and writers of other processes wait
for the file a bounded time, then fail naming the process that holds it."""
from __future__ import annotations

import datetime as dt
import errno
import subprocess
import sys
import threading

import pytest

from filingflow import connections, faults, warehouse
from filingflow.accounting import schema_row
from filingflow.schema import TABLES

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)


def _plan(run_id: str) -> warehouse.LoadPlan:
    """A run that read nothing new: it records its runs row and its ledger row."""
    ledger = schema_row("ingest_ledger", source_file=f"/in/{run_id}.xml", source_sha256="ab", size_bytes=1,
                        mtime_ns=1, status="quarantined", filing_ids=[], run_id=run_id, ingested_at=NOW)
    return warehouse.LoadPlan(
        run_id=run_id, kept_filing_ids=[], replaced_filing_ids=[], ledger_rows=[ledger], quarantine_rows=[],
        reprocessed_files=[ledger["source_file"]], dq_results=TABLES["dq_results"].arrow_schema().empty_table(),
        dq_flags=TABLES["dq_flags"].arrow_schema().empty_table(),
        run_row=schema_row("runs", run_id=run_id, started_at=NOW, status="running"))


def _runs(live) -> list[str]:
    with connections.connect(live, read_only=True) as con:
        return [r[0] for r in con.execute("SELECT run_id FROM runs ORDER BY run_id").fetchall()]


def _load(live, lake, run_id: str) -> dict[str, int]:
    with connections.open_warehouse(live) as con:
        return warehouse.load_run(con, lake, _plan(run_id))


@pytest.fixture
def live(tmp_path, monkeypatch):
    """A warehouse holding one run, and a commit gate of this test's own (closing commits is for
    good in a process)."""
    monkeypatch.setattr(warehouse, "_commit_gate", threading.RLock())
    monkeypatch.setattr(warehouse, "_commits_closed", False)
    monkeypatch.setattr(warehouse, "_committed", set())
    path = tmp_path / "wh.duckdb"
    warehouse.prepare(path)
    _load(path, tmp_path / "lake", "r1")
    return path


def test_a_first_run_that_does_not_commit_leaves_no_warehouse(tmp_path, monkeypatch):
    monkeypatch.setattr(warehouse, "_created", set())
    new, kept, old = tmp_path / "new.duckdb", tmp_path / "kept.duckdb", tmp_path / "old.duckdb"
    warehouse.prepare(old)
    warehouse.keep_created(old)
    for path in (new, kept, old):
        warehouse.prepare(path)
    warehouse.keep_created(kept)
    warehouse.discard_created(new)
    warehouse.discard_created()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.duckdb", "old.duckdb"]


def test_a_committed_run_is_in_the_file_and_nothing_is_left_beside_it(live, tmp_path):
    _load(live, tmp_path / "lake", "r2")
    assert _runs(live) == ["r1", "r2"] and warehouse.committed("r2") and not warehouse.committed("r3")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lake", "wh.duckdb"]  # checkpointed: no WAL


def test_a_full_disk_at_the_commit_leaves_the_warehouse_as_before(live, tmp_path, monkeypatch):
    monkeypatch.setattr(faults, "_FAIL", "wal")
    with pytest.raises(OSError) as info:
        _load(live, tmp_path / "lake", "r2")
    assert info.value.errno == errno.ENOSPC and "No space left on device" in str(info.value)
    assert _runs(live) == ["r1"] and not warehouse.committed("r2")


def test_a_failed_checkpoint_keeps_the_commit_and_says_so(live, tmp_path, monkeypatch):
    monkeypatch.setattr(faults, "_FAIL", "checkpoint")
    with pytest.raises(warehouse.NotCheckpointed, match="the run committed, but its checkpoint failed") as info:
        _load(live, tmp_path / "lake", "r2")
    assert info.value.inserted == {name: 0 for name in info.value.inserted} and info.value.inserted
    assert warehouse.committed("r2")
    monkeypatch.setattr(faults, "_FAIL", None)
    assert _runs(live) == ["r1", "r2"]  # a new connection replays the WAL


def test_no_commit_once_commits_are_closed(live, tmp_path):
    warehouse.close_commits()
    with pytest.raises(warehouse.CommitsClosed, match="the command is stopping"):
        _load(live, tmp_path / "lake", "r2")
    assert _runs(live) == ["r1"] and not warehouse.committed("r2")


def test_closing_commits_waits_for_a_commit_under_way(live, tmp_path, monkeypatch):
    in_commit, go_on = threading.Event(), threading.Event()
    real_point = faults.point

    def slow_point(name):
        if name == "wal":  # inside the gate, just before the COMMIT
            in_commit.set()
            go_on.wait(10)
        real_point(name)

    monkeypatch.setattr(faults, "point", slow_point)
    loading = threading.Thread(target=_load, args=(live, tmp_path / "lake", "r2"))
    loading.start()
    assert in_commit.wait(10)
    closer = threading.Thread(target=warehouse.close_commits)
    closer.start()
    closer.join(0.2)
    assert closer.is_alive(), "close_commits returned while a commit was under way"
    go_on.set()
    loading.join(10)
    closer.join(10)
    assert not closer.is_alive() and warehouse.committed("r2")
    assert _runs(live) == ["r1", "r2"]


_HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read")
con.execute("BEGIN TRANSACTION")
if sys.argv[2] == "write":
    con.execute("INSERT INTO runs (run_id, started_at, status) VALUES ('r2', now(), 'completed')")
print("holding", flush=True)
time.sleep(float(sys.argv[3]))
if sys.argv[2] == "write":
    con.execute("COMMIT")
con.close()
"""


def _hold(live, mode: str, seconds: float) -> subprocess.Popen:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(live), mode, str(seconds)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "holding\n"
    return holder


def test_a_reader_waits_for_a_writing_process_then_sees_its_commit_whole(live):
    holder = _hold(live, "write", 1.5)
    try:
        assert _runs(live) == ["r1", "r2"]  # waited for the writer to let go
    finally:
        holder.wait(30)


def test_a_reader_that_waited_long_enough_is_told_who_holds_the_warehouse(live):
    holder = _hold(live, "write", 5)
    try:
        with pytest.raises(connections.WarehouseBusy) as info:
            connections.connect(live, read_only=True, wait_seconds=0.3)
    finally:
        holder.wait(30)
    assert str(info.value).startswith(f"the warehouse {live} is busy: process {holder.pid} (")
    assert "is writing it (a filingflow run commits there); waited 0.3 s" in str(info.value)


def test_a_writer_waits_for_a_reading_process(live, tmp_path):
    holder = _hold(live, "read", 1.0)
    try:
        _load(live, tmp_path / "lake", "r2")
    finally:
        holder.wait(30)
    assert _runs(live) == ["r1", "r2"]
