"""Scale-out: parse tasks on a Dask cluster give the same tables as threads;
the lake on an fsspec URL (memory:// here, s3:// in production) works end to end."""
from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import fsspec
import pyarrow.parquet as pq
import pytest

from tests.support.generated import write_corpus
from conftest import ROOT, SEED_8K, SEED_FORM4, input_folder
from filingflow import lake
from filingflow.schema import TABLES
from flows.pipeline import RunSettings, nightly
from flows.task_runners import build_task_runner

# Columns that name or time the run that wrote a row: they differ between two runs of the same data.
VOLATILE = {"run_id", "flow_run_id", "loaded_at", "ingested_at", "quarantined_at", "started_at", "finished_at",
            "dq_docs"}
GENERATED = 300


def db_state(db: Path) -> dict[str, list[tuple]]:
    """Every base table's rows, without the run's own columns, in a fixed order."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        state = {}
        for (name,) in con.execute("SELECT table_name FROM information_schema.tables "
                                   "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'").fetchall():
            cols = [c for (c,) in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                              "table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
                                              [name]).fetchall() if c not in VOLATILE]
            state[name] = sorted(con.execute("SELECT " + ", ".join(f'"{c}"' for c in cols) + f' FROM "{name}"')
                                 .fetchall(), key=repr)
        return state
    finally:
        con.close()


def settings_for(root: Path, inputs: Path, **extra) -> RunSettings:
    return RunSettings(inputs=[inputs], warehouse=root / "wh.duckdb", lake=extra.pop("lake", root / "lake"),
                       dq_dir=None, **extra)


def test_build_task_runner_kinds():
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    assert isinstance(build_task_runner("threads"), ThreadPoolTaskRunner)
    remote = build_task_runner("dask", "tcp://127.0.0.1:8786")
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://127.0.0.1:8786"
    local = build_task_runner("dask")
    assert local.address is None and local.cluster_class is None  # prefect-dask starts a LocalCluster
    with pytest.raises(ValueError, match="unknown task runner 'ray'"):
        build_task_runner("ray")


def test_lake_on_an_object_store_url():
    """memory:// behaves like an object store (no rename): stage, rewrite, publish, recover."""
    url = "memory://scale-out-unit/lake"
    table = TABLES["footnotes"]
    for run_id in ("committed", "half_published", "uncommitted"):
        lake.write_part(url, run_id, "footnotes", 0, table.to_arrow(
            [{"filing_id": f"{run_id}-a", "footnote_id": "F1", "text": "a"},
             {"filing_id": f"{run_id}-b", "footnote_id": "F1", "text": "b"}]))
        lake.write_part(url, run_id, "footnotes", 1, table.to_arrow(
            [{"filing_id": f"{run_id}-c", "footnote_id": "F1", "text": "c"}]))
    lake.drop_filings(url, "committed", 0, {"committed-b"})
    assert sorted(lake.read_staged(url, "committed", "footnotes")["filing_id"].to_pylist()) == [
        "committed-a", "committed-c"]
    assert lake.read_staged(url, "committed", "signatures").num_rows == 0

    fs = fsspec.filesystem("memory")
    # A publish that crashed after copying one part, before deleting staging.
    fs.copy("/scale-out-unit/lake/_staging/half_published/footnotes/part-00000.parquet",
            "/scale-out-unit/lake/footnotes/run_id=half_published/part-00000.parquet")
    lake.publish(url, "committed")
    lake.recover(url, {"half_published"})
    published = sorted(p.removeprefix("/scale-out-unit/lake/") for p in fs.find("/scale-out-unit/lake"))
    assert published == [f"footnotes/run_id={run}/part-{n:05d}.parquet"
                         for run in ("committed", "half_published") for n in (0, 1)]
    with fs.open("/scale-out-unit/lake/footnotes/run_id=committed/part-00000.parquet", "rb") as handle:
        assert pq.read_table(handle)["filing_id"].to_pylist() == ["committed-a"]
    fs.rm("/scale-out-unit", recursive=True)


def test_pipeline_with_a_memory_lake(prefect_api, tmp_path):
    inputs = input_folder(tmp_path, SEED_FORM4, SEED_8K)
    url = "memory://scale-out-pipeline/lake"
    summary = nightly(settings_for(tmp_path, inputs, lake=url))
    assert (summary.files_loaded, summary.filings_loaded, summary.lake) == (2, 2, url)
    assert summary.rows_per_table["nonderiv_transactions"] == 10
    fs = fsspec.filesystem("memory")
    assert not fs.exists("/scale-out-pipeline/lake/_staging/" + summary.run_id)
    part = f"/scale-out-pipeline/lake/nonderiv_transactions/run_id={summary.run_id}/part-00000.parquet"
    with fs.open(part, "rb") as handle:
        assert pq.read_table(handle).num_rows == 10
    fs.rm("/scale-out-pipeline", recursive=True)


def test_dask_with_a_memory_lake_is_refused(prefect_api, tmp_path):
    inputs = input_folder(tmp_path, SEED_FORM4)
    with pytest.raises(ValueError, match="memory:// lake lives in one process"):
        nightly(settings_for(tmp_path, inputs, lake="memory://scale-out-refused", task_runner="dask"))


@pytest.fixture(scope="module")
def reference(prefect_api, tmp_path_factory):
    """Seeds plus generated filings, loaded with the default thread runner."""
    root = tmp_path_factory.mktemp("scale-out")
    inputs = root / "in"
    write_corpus(inputs, GENERATED, seed=606, huge_every=0)
    shutil.copy(SEED_FORM4, inputs)
    shutil.copy(SEED_8K, inputs)
    summary = nightly(settings_for(root / "threads", inputs))
    assert summary.files_loaded == GENERATED + 2 and summary.files_quarantined == 0
    return inputs, db_state(root / "threads" / "wh.duckdb")


@pytest.fixture(scope="module")
def cluster(prefect_api):
    from distributed import Client, LocalCluster

    # Workers are separate processes: they inherit PREFECT_API_URL (set by prefect_api) and share the lake folder.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        yield cluster, client


@pytest.mark.slow
def test_dask_run_equals_thread_run(reference, cluster, tmp_path):
    from distributed import get_task_stream
    from distributed.utils import key_split

    inputs, expected = reference
    local_cluster, client = cluster
    # Dask workers are daemon processes: parse_chunk reads in the worker itself, never through a pool.
    assert set(client.run(lambda: multiprocessing.current_process().daemon).values()) == {True}
    with get_task_stream(client) as stream:
        # Chunks of 50: seven parse tasks to spread over the two workers.
        summary = nightly(settings_for(tmp_path, inputs, task_runner="dask", chunk_size=50,
                                       dask_address=local_cluster.scheduler_address))
    assert summary.files_loaded == GENERATED + 2
    assert db_state(tmp_path / "wh.duckdb") == expected
    # Only the parse tasks ran on the cluster, one per chunk, on both workers; consolidate, validate
    # and load ran in the flow's process.
    assert sorted(key_split(t["key"]) for t in stream.data) == ["parse_chunk"] * 7
    assert len({t["worker"] for t in stream.data}) == 2


@pytest.mark.slow
def test_cli_run_on_a_dask_cluster_equals_thread_run(reference, cluster, tmp_path):
    inputs, expected = reference
    local_cluster, _ = cluster
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", "--input", str(inputs), "--warehouse", str(tmp_path / "wh.duckdb"),
         "--lake", str(tmp_path / "lake"), "--dq-dir", str(tmp_path / "dq"), "--quiet",
         "--task-runner", "dask", "--dask-address", local_cluster.scheduler_address],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    assert db_state(tmp_path / "wh.duckdb") == expected
    assert sorted(p.name for p in (tmp_path / "lake").iterdir()) == sorted(
        ["_staging", *(name for name, rows in expected.items() if rows and name in TABLES
                       and TABLES[name].kind == "filing")])


def test_scheduled_runs_take_the_runner_and_a_lake_url_from_their_parameters():
    from flows.deployment import from_parameters

    settings = from_parameters({"task_runner": "dask", "dask_address": "tcp://scheduler:8786",
                                "lake": "s3://bucket/filingflow/lake"})
    assert (settings.task_runner, settings.dask_address, settings.lake) == (
        "dask", "tcp://scheduler:8786", "s3://bucket/filingflow/lake")
