"""Crash safety: a run killed with SIGKILL at any stage leaves the warehouse
and the lake as before the run, or (once the warehouse committed) as after
it; the next run completes the work, and the result equals a run that was
never killed: same rows, no duplicates, every input file in the ledger once.

Every run is `filingflow run` in a subprocess (SIGKILL cannot be caught);
filingflow.faults kills it at the point named by FILINGFLOW_KILL_AT."""
from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.support.generated import generate, write_corpus
from conftest import ROOT, SEED_8K, SEED_FORM4
from filingflow import faults, lake
from filingflow.lake import STAGING
from filingflow.schema import FILING_TABLES, TABLES

# Columns that name or time the run that wrote a row: they differ between two
# runs that load the same data, and nothing else may.
VOLATILE = {"run_id", "flow_run_id", "loaded_at", "ingested_at", "quarantined_at", "started_at", "finished_at",
            "dq_docs"}
# Killed before the load's COMMIT: everything must be exactly as before the run.
BEFORE_COMMIT = ("parse", "parquet_write", "expectations", "load")
# Killed after it (before the checkpoint too): the warehouse holds the run; the lake publish is rolled
# forward by the next run.
AFTER_COMMIT = ("commit", "publish")
assert set(BEFORE_COMMIT + AFTER_COMMIT) == set(faults.POINTS)
KINDS = ("ownership_xml", "sgml_submission", "ascii_8k")


class Lab:
    """One fixed folder (the warehouse stores absolute paths) reset to the
    state after the first run before every scenario."""

    def __init__(self, base: Path):
        self.root = base / "work"
        self.pristine = base / "pristine"
        self.template = base / "template"
        self.inputs = self.root / "in"
        self.warehouse = self.root / "wh.duckdb"
        self.lake = self.root / "lake"

    def run(self, kill_at: str | None = None) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k != faults.ENV}
        if kill_at:
            env[faults.ENV] = kill_at
        return subprocess.run(
            [sys.executable, "-m", "flows.cli", "run", "--input", str(self.inputs), "--warehouse", str(self.warehouse),
             "--lake", str(self.lake), "--dq-dir", str(self.root / "dq"), "--quiet",
             # Two chunks or more: the parse runs in the pool's worker processes, where `parse` kills.
             "--chunk-size", "8"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)

    def reset(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.copytree(self.pristine, self.root)  # copy2: input mtimes kept, so the ledger skips them

    def add_second_batch(self) -> None:
        """What the second run finds: new files, a changed file, garbage, a duplicate."""
        shutil.copytree(self.template / "b", self.inputs / "b", copy_function=shutil.copy2)
        shutil.copy2(self.template / "changed.xml", self.inputs / "a" / "000000_ownership_xml.xml")


def _db_state(db: Path, volatile: set[str] = VOLATILE) -> dict[str, list[tuple]]:
    """Every table's rows (without the `volatile` columns); read as any reader reads: a WAL the
    run left is replayed, so a transaction in it counts, an uncommitted one does not."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        state = {}
        for (name,) in con.execute("SELECT table_name FROM information_schema.tables "
                                   "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall():
            cols = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns "
                                              "WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
                                              [name]).fetchall() if c not in volatile]
            rows = con.execute("SELECT " + ", ".join(f'"{c}"' for c in cols) + f' FROM "{name}"').fetchall()
            state[name] = sorted(rows, key=repr)
        return state
    finally:
        con.close()


def _lake_state(lake: Path) -> dict[str, list[tuple]]:
    """Rows of every published run folder, per table (staging is private to a run)."""
    state = {}
    for table_dir in sorted(p for p in lake.iterdir() if p.is_dir() and p.name != STAGING):
        parts = sorted(table_dir.glob("run_id=*/*.parquet"))
        schema = TABLES[table_dir.name].arrow_schema()
        data = pa.concat_tables([pq.read_table(p, schema=schema) for p in parts]) if parts else schema.empty_table()
        cols = [c for c in data.column_names if c not in VOLATILE]
        state[table_dir.name] = sorted((tuple(r.values()) for r in data.select(cols).to_pylist()), key=repr)
    return state


def _published_bytes(lake: Path) -> dict[str, str]:
    return {p.relative_to(lake).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(lake.rglob("*")) if p.is_file() and STAGING not in p.relative_to(lake).parts}


def _same_except_runs(state: dict[str, list[tuple]], expected: dict[str, list[tuple]]) -> None:
    assert set(state) == set(expected)
    for name in sorted(expected):
        if name != "runs":
            assert state[name] == expected[name], name


@pytest.fixture(scope="module")
def lab(prefect_api, tmp_path_factory):
    lab = Lab(tmp_path_factory.mktemp("crash"))
    first = lab.inputs / "a"
    first.mkdir(parents=True)
    shutil.copy2(SEED_FORM4, first)
    shutil.copy2(SEED_8K, first)
    write_corpus(first, 12, seed=71, kinds=KINDS, huge_every=0)
    second = lab.template / "b"
    write_corpus(second, 12, seed=72, kinds=KINDS, huge_every=0)
    (second / "garbage.bin").write_bytes(b"\x00\x01FORM 4\x00" * 64)
    shutil.copy2(SEED_8K, second / "same_8k_again.txt")
    changed = next(generate(1, seed=73, kinds=("ownership_xml",)))
    (lab.template / "changed.xml").write_bytes(changed.data)
    done = lab.run()
    assert done.returncode == 0, done.stderr
    shutil.copytree(lab.root, lab.pristine)
    lab.before_db = _db_state(lab.warehouse, volatile=set())
    lab.before_lake = _published_bytes(lab.lake)
    lab.before_lake_rows = _lake_state(lab.lake)
    # The reference: the second run, never killed.
    lab.add_second_batch()
    clean = lab.run()
    assert clean.returncode == 0, clean.stderr
    lab.after_db = _db_state(lab.warehouse)
    lab.after_lake = _lake_state(lab.lake)
    lab.files = sorted(str(p) for p in lab.inputs.rglob("*") if p.is_file())
    return lab


def _check_after(lab: Lab, db: dict, *, extra_runs: int) -> None:
    _same_except_runs(db, lab.after_db)
    # A run that found the work already committed adds a run row that loaded nothing.
    assert len(db["runs"]) == len(lab.after_db["runs"]) + extra_runs
    assert _lake_state(lab.lake) == lab.after_lake
    assert not (lab.lake / STAGING).exists() or not any((lab.lake / STAGING).iterdir())
    assert sorted(p.name for p in lab.root.glob("wh.duckdb*")) == ["wh.duckdb", "wh.duckdb.lock"]  # no WAL left
    con = duckdb.connect(str(lab.warehouse), read_only=True)
    try:
        for name in FILING_TABLES:
            key = ", ".join(TABLES[name].primary_key)
            assert con.execute(f'SELECT count(*) FROM (SELECT {key} FROM "{name}" GROUP BY ALL HAVING count(*) > 1)'
                               ).fetchone() == (0,), name
        # Every input file is in the ledger exactly once, as loaded, quarantined or duplicate.
        ledger = con.execute("SELECT source_file, status FROM ingest_ledger ORDER BY 1").fetchall()
        quarantined = con.execute("SELECT source_file, error FROM quarantine").fetchall()
    finally:
        con.close()
    assert [path for path, _ in ledger] == lab.files
    statuses = {Path(path).relative_to(lab.inputs).as_posix(): status for path, status in ledger}
    assert statuses["b/garbage.bin"] == "quarantined" and statuses["b/same_8k_again.txt"] == "duplicate"
    assert sum(s == "loaded" for s in statuses.values()) == len(lab.files) - 2
    assert [(Path(p).name, e) for p, e in quarantined] == [("garbage.bin", "binary_content")]


@pytest.mark.slow
def test_the_reference_run_loaded_the_second_batch(lab):
    assert len(lab.after_db["filings"]) == 2 + 12 + 12  # the changed file replaced its filing
    assert len(lab.after_db["nonderiv_transactions"]) > 50
    assert len(lab.files) == 14 + 14
    print(f"compared after each crash: {len(lab.after_db)} tables, {sum(map(len, lab.after_db.values()))} warehouse rows, "
          f"{sum(map(len, lab.after_lake.values()))} lake rows")


def _crash_and_recover(lab: Lab, point: str) -> None:
    lab.reset()
    lab.add_second_batch()
    killed = lab.run(kill_at=point)
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stderr[-2000:])
    if point in BEFORE_COMMIT:
        # Exactly as before: every row of the warehouse, every column (an uncommitted transaction
        # dies with its process), and the published lake byte for byte.
        assert _db_state(lab.warehouse, volatile=set()) == lab.before_db
        assert _published_bytes(lab.lake) == lab.before_lake
    else:
        # The warehouse committed: it is the state after the run; every lake table folder is whole.
        _same_except_runs(_db_state(lab.warehouse), lab.after_db)
        visible = _lake_state(lab.lake)
        for table, rows in visible.items():
            assert rows in (lab.before_lake_rows.get(table, []), lab.after_lake[table]), table
    again = lab.run()
    assert again.returncode == 0, again.stderr
    _check_after(lab, _db_state(lab.warehouse), extra_runs=1 if point in AFTER_COMMIT else 0)


@pytest.mark.slow
@pytest.mark.parametrize("point", faults.POINTS)
def test_killed_at_any_stage_then_rerun_equals_a_clean_run(lab, point):
    _crash_and_recover(lab, point)


# --- the mechanisms, without a run ---------------------------------------------------

def test_a_fault_point_kills_the_process_only_when_named():
    code = "from filingflow import faults; faults.point('load'); print('alive')"
    for target, outcome in (("load", (-signal.SIGKILL, "")), ("parse", (0, "alive\n")), ("", (0, "alive\n"))):
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, faults.ENV: target},
                              capture_output=True, text=True, timeout=60)
        assert (done.returncode, done.stdout) == outcome, target


_IN_A_WORKER = """
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from filingflow import faults

if __name__ == "__main__":
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver"))
    print("worker finished", pool.submit(faults.point, "parse").result(), flush=True)
"""


def test_a_fault_point_in_a_pool_worker_kills_the_run(tmp_path):
    script = tmp_path / "run.py"
    script.write_text(_IN_A_WORKER)
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, env={**os.environ, faults.ENV: "parse"},
                          capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (-signal.SIGKILL, "")


def test_recovery_rolls_committed_runs_forward_and_drops_the_others(tmp_path):
    for run_id in ("committed", "half_published", "uncommitted"):
        lake.write_part(tmp_path, run_id, "footnotes", 0, TABLES["footnotes"].to_arrow(
            [{"filing_id": f"f-{run_id}", "footnote_id": "F1", "text": run_id}]))
        lake.write_part(tmp_path, run_id, "signatures", 0, TABLES["signatures"].to_arrow(
            [{"filing_id": f"f-{run_id}", "signature_index": 0, "name": run_id}]))
    # A publish killed after its first table moved.
    (tmp_path / "footnotes").mkdir()
    os.replace(lake.staging_dir(tmp_path, "half_published") / "footnotes", tmp_path / "footnotes" / "run_id=half_published")
    lake.recover(tmp_path, {"committed", "half_published"})
    published = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.parquet"))
    assert published == [f"{table}/run_id={run}/part-00000.parquet" for table in ("footnotes", "signatures")
                         for run in ("committed", "half_published")]
    assert not any((tmp_path / STAGING).iterdir())
    assert pq.read_table(tmp_path / "footnotes" / "run_id=half_published").column("text").to_pylist() == ["half_published"]
