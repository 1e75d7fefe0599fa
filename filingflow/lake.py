"""The Parquet lake: every run's rows, one folder per table and run.

Layout: <lake>/<table>/run_id=<run>/part-<chunk>.parquet. A run writes into
<lake>/_staging/<run>/ first (each file written to a temporary name, then
renamed) and the folders move into place only after the warehouse committed
the run, so a crashed run leaves nothing half-visible in the lake."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from filingflow.schema import TABLES

STAGING = "_staging"


def staging_dir(lake: Path, run_id: str) -> Path:
    return lake / STAGING / run_id


def write_part(lake: Path, run_id: str, table: str, chunk: int, data: pa.Table) -> Path:
    """Write one chunk of a table atomically (temp then rename)."""
    folder = staging_dir(lake, run_id) / table
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"part-{chunk:05d}.parquet"
    tmp = folder / f".part-{chunk:05d}.parquet.tmp"
    pq.write_table(data, tmp, compression="zstd")
    os.replace(tmp, final)
    return final


def staged_files(lake: Path, run_id: str, table: str) -> list[Path]:
    return sorted((staging_dir(lake, run_id) / table).glob("part-*.parquet"))


def read_staged(lake: Path, run_id: str, table: str) -> pa.Table:
    files = staged_files(lake, run_id, table)
    schema = TABLES[table].arrow_schema()
    if not files:
        return schema.empty_table()
    return pa.concat_tables([pq.read_table(f, schema=schema) for f in files])


def drop_filings(lake: Path, run_id: str, chunk: int, filing_ids: set[str]) -> None:
    """Rewrite one chunk's staged parts without these filings (read twice in one run)."""
    drop = pa.array(sorted(filing_ids), pa.string())
    for table_dir in sorted(p for p in staging_dir(lake, run_id).iterdir() if p.is_dir()):
        part = table_dir / f"part-{chunk:05d}.parquet"
        if part.exists():
            data = pq.read_table(part, schema=TABLES[table_dir.name].arrow_schema())
            write_part(lake, run_id, table_dir.name, chunk,
                       data.filter(pc.invert(pc.is_in(data["filing_id"], value_set=drop))))


def publish(lake: Path, run_id: str) -> None:
    """Move a committed run's staged tables into the lake."""
    staged = staging_dir(lake, run_id)
    if not staged.exists():
        return
    for table_dir in sorted(p for p in staged.iterdir() if p.is_dir()):
        target = lake / table_dir.name / f"run_id={run_id}"
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        os.replace(table_dir, target)
    shutil.rmtree(staged, ignore_errors=True)


def recover(lake: Path, committed_runs: set[str]) -> None:
    """After a crash: publish staged runs the warehouse committed, drop the others."""
    root = lake / STAGING
    if not root.exists():
        return
    for run_dir in root.iterdir():
        if run_dir.name in committed_runs:
            publish(lake, run_dir.name)
        else:
            shutil.rmtree(run_dir, ignore_errors=True)
