"""A run that cannot write fails whole: a full disk at any write point (a staged Parquet part, the
load's COMMIT into the WAL, the checkpoint, the lake publish) ends the run with exit status 1 and
the cause in one line; before the commit the live warehouse holds exactly what it held (every row,
every column), the published lake is byte for byte as before and nothing is left behind (no WAL,
no staging); after it (the checkpoint, the publish) the warehouse holds the run, the line says so,
and the next run publishes the rest. Once space is back, the rerun equals a run that never failed.
The faults are injected (filingflow/faults.py FILINGFLOW_FAIL_AT); on a machine that lets the test
mount a tmpfs, a real full disk is tried too."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.support.generated import write_corpus
from conftest import ROOT, SEED_8K, SEED_FORM4
from filingflow import faults
from filingflow.lake import STAGING
from filingflow.schema import TABLES

VOLATILE = {"run_id", "flow_run_id", "loaded_at", "ingested_at", "quarantined_at", "started_at", "finished_at",
            "dq_docs", "forgotten"}
BEFORE_COMMIT = ("parquet", "wal")
AFTER_COMMIT = ("checkpoint", "publish")
assert set(BEFORE_COMMIT + AFTER_COMMIT) == set(faults.WRITE_POINTS)
KINDS = ("ownership_xml", "sgml_submission", "ascii_8k")


def run(root: Path, fail_at: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in (faults.ENV, faults.FAIL_ENV)}
    if fail_at:
        env[faults.FAIL_ENV] = fail_at
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--input", str(root / "in"), "--warehouse", str(root / "wh.duckdb"),
         "--lake", str(root / "lake"), "--dq-dir", str(root / "dq"), "--quiet", "--chunk-size", "8"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)


def db_state(db: Path, volatile: set[str] = VOLATILE) -> dict[str, list[tuple]]:
    """Every table's rows but `runs` (without the `volatile` columns; with them, `runs` too)."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        state = {}
        for (name,) in con.execute("SELECT table_name FROM information_schema.tables "
                                   "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall():
            if name == "runs" and volatile:
                continue
            cols = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                              "table_name = ? ORDER BY ordinal_position", [name]).fetchall()
                    if c not in volatile]
            state[name] = sorted(con.execute("SELECT " + ", ".join(f'"{c}"' for c in cols) + f' FROM "{name}"')
                                 .fetchall(), key=repr)
        return state
    finally:
        con.close()


def lake_state(lake: Path) -> dict[str, list[tuple]]:
    state = {}
    for table_dir in sorted(p for p in lake.iterdir() if p.is_dir() and p.name != STAGING):
        schema = TABLES[table_dir.name].arrow_schema()
        parts = sorted(table_dir.glob("run_id=*/*.parquet"))
        data = pa.concat_tables([pq.read_table(p, schema=schema) for p in parts]) if parts else schema.empty_table()
        cols = [c for c in data.column_names if c not in VOLATILE]
        state[table_dir.name] = sorted((tuple(r.values()) for r in data.select(cols).to_pylist()), key=repr)
    return state


def published_bytes(lake: Path) -> dict[str, str]:
    return {p.relative_to(lake).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(lake.rglob("*")) if p.is_file() and STAGING not in p.relative_to(lake).parts}


def leftovers(root: Path) -> list[str]:
    staged = root / "lake" / STAGING
    return sorted([p.name for p in root.glob("wh.duckdb*") if p.name not in ("wh.duckdb", "wh.duckdb.lock")]
                  + ([p.name for p in staged.iterdir()] if staged.exists() else []))


def last_line(done: subprocess.CompletedProcess) -> str:
    return done.stderr.strip().splitlines()[-1]


class Lab:
    """One fixed folder (the warehouse stores absolute paths), reset to the state after a first run."""

    def __init__(self, base: Path):
        self.root, self.pristine, self.batch = base / "work", base / "pristine", base / "batch"

    def first_run(self) -> None:
        (self.root / "in").mkdir(parents=True)
        shutil.copy2(SEED_FORM4, self.root / "in")
        shutil.copy2(SEED_8K, self.root / "in")
        write_corpus(self.root / "in", 8, seed=81, kinds=KINDS, huge_every=0)
        write_corpus(self.batch, 8, seed=82, kinds=KINDS, huge_every=0)
        done = run(self.root)
        assert done.returncode == 0, done.stderr
        shutil.copytree(self.root, self.pristine)

    def reset(self) -> Path:
        shutil.rmtree(self.root)
        shutil.copytree(self.pristine, self.root)  # copy2: mtimes kept, the ledger skips the first batch
        shutil.copytree(self.batch, self.root / "in" / "b", copy_function=shutil.copy2)
        return self.root

    def clean_state(self) -> tuple[dict, dict]:
        root = self.reset()
        done = run(root)
        assert done.returncode == 0, done.stderr
        return db_state(root / "wh.duckdb"), lake_state(root / "lake")


@pytest.fixture(scope="module")
def lab(prefect_api, tmp_path_factory):
    lab = Lab(tmp_path_factory.mktemp("disk_full"))
    lab.first_run()
    lab.clean_db, lab.clean_lake = lab.clean_state()
    return lab


@pytest.mark.slow
@pytest.mark.parametrize("point", faults.WRITE_POINTS)
def test_a_full_disk_at_any_write_point_fails_the_run_and_loses_nothing(lab, point):
    root = lab.reset()
    before_db = db_state(root / "wh.duckdb", volatile=set())
    before_lake = published_bytes(root / "lake")
    failed = run(root, fail_at=point)
    assert failed.returncode == 1, failed.stderr[-2000:]
    assert last_line(failed).startswith("filingflow run failed: ") and "no space left on device" in last_line(failed).lower()
    if point in BEFORE_COMMIT:
        assert last_line(failed).endswith("; nothing was committed: the warehouse is as before")
        assert db_state(root / "wh.duckdb", volatile=set()) == before_db
        assert published_bytes(root / "lake") == before_lake
        assert leftovers(root) == []
    else:  # the warehouse committed the run; the rest of the lake is published by the next run
        assert "; the run had committed: the warehouse holds it" in last_line(failed)
        assert db_state(root / "wh.duckdb") == lab.clean_db
    again = run(root)
    assert again.returncode == 0, again.stderr
    assert db_state(root / "wh.duckdb") == lab.clean_db
    assert lake_state(root / "lake") == lab.clean_lake
    assert leftovers(root) == []


@pytest.mark.slow
def test_a_real_full_disk(prefect_api, tmp_path):
    """A tmpfs with less room than the run needs (its staged Parquet, its data docs, its commit)."""
    mount = tmp_path / "small"
    mount.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)],
                              capture_output=True, text=True, timeout=30)
    except OSError as exc:
        pytest.skip(f"cannot mount a tmpfs here: {exc}")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        lab = Lab(mount)
        lab.first_run()
        root = lab.reset()
        before_db = db_state(root / "wh.duckdb", volatile=set())
        before_lake = published_bytes(root / "lake")
        filler = mount / "filler"
        keep = 16 * 1024
        with open(filler, "wb") as out:  # fill the disk but a few pages
            chunk = b"\0" * (1 << 16)
            while shutil.disk_usage(mount).free - len(chunk) > keep:
                out.write(chunk)
                out.flush()
        failed = run(root)
        assert failed.returncode == 1, failed.stderr[-2000:]
        assert "no space left on device" in last_line(failed).lower()
        assert last_line(failed).endswith("; nothing was committed: the warehouse is as before")
        assert db_state(root / "wh.duckdb", volatile=set()) == before_db
        assert published_bytes(root / "lake") == before_lake
        assert leftovers(root) == []
        filler.unlink()
        again = run(root)
        assert again.returncode == 0, again.stderr
        after = db_state(root / "wh.duckdb"), lake_state(root / "lake")
        assert after == lab.clean_state()
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, timeout=30)
