"""The Parquet lake: every run's rows, one folder per table and run.

Layout: <lake>/<table>/run_id=<run>/part-<chunk>.parquet. A run writes into
<lake>/_staging/<run>/ first and its folders are published into place only
after the warehouse committed the run; a run is wholly published once its
staging folder is gone (publish removes it last), and `recover` finishes or
drops what a crash left in _staging.

The lake is a local folder (a Path, or a path string) or any fsspec URL:
`s3://bucket/prefix` (needs s3fs), `gs://...` (gcsfs), `file:///...`,
`memory://...`. Two ways to make writes safe, by what the filesystem can do:
- local folders rename atomically: a part is written to a temporary name and
  renamed, and publishing renames each table's folder whole;
- object stores cannot rename, but an object appears whole or not at all
  when its upload closes: parts are written in place (inside the private
  staging folder), and publishing copies each table's parts into its run
  folder, then deletes them from staging. A crash mid-publish leaves the
  rest in staging, which the next run's `recover` copies again (same keys,
  same bytes)."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import fsspec
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from fsspec.implementations.local import LocalFileSystem

from filingflow import faults
from filingflow.schema import TABLES

STAGING = "_staging"
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")


def is_url(lake: Path | str) -> bool:
    return isinstance(lake, str) and _URL.match(lake) is not None


@dataclass(frozen=True)
class _LakeFolder:
    """A folder of the lake on its filesystem."""

    fs: fsspec.AbstractFileSystem
    path: str

    def __truediv__(self, name: str) -> _LakeFolder:
        return _LakeFolder(self.fs, f"{self.path}/{name}")

    @property
    def renames(self) -> bool:
        return isinstance(self.fs, LocalFileSystem)

    def folders(self) -> list[_LakeFolder]:
        if not self.fs.isdir(self.path):
            return []
        return [_LakeFolder(self.fs, e["name"].rstrip("/")) for e in sorted(self.fs.ls(self.path, detail=True),
                                                                       key=lambda e: e["name"])
                if e["type"] == "directory"]

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    def remove(self) -> None:
        if self.fs.exists(self.path):
            self.fs.rm(self.path, recursive=True)


def _root(lake: Path | str) -> _LakeFolder:
    if is_url(lake):
        fs, path = fsspec.core.url_to_fs(lake)
        return _LakeFolder(fs, path.rstrip("/"))
    return _LakeFolder(LocalFileSystem(), os.path.abspath(lake))


def location(text: Path | str) -> Path | str:
    """A configured lake: a URL stays text (Path would fold its "//"), a folder becomes a Path."""
    return text if is_url(text) else Path(text)


def absolute(lake: Path | str) -> Path | str:
    """The same lake named independently of the current folder (a URL is already)."""
    return lake if is_url(lake) else Path(os.path.abspath(lake))


def staging_dir(lake: Path | str, run_id: str) -> Path | str:
    """A run's staging folder, as a Path for a local lake, else as a URL."""
    if is_url(lake):
        return f"{lake.rstrip('/')}/{STAGING}/{run_id}"
    return Path(lake) / STAGING / run_id


def write_part(lake: Path | str, run_id: str, table: str, chunk: int, data: pa.Table) -> None:
    """Write one chunk of a table so that it is seen whole or not at all."""
    folder = _root(lake) / STAGING / run_id / table
    final = f"{folder.path}/part-{chunk:05d}.parquet"
    folder.fs.makedirs(folder.path, exist_ok=True)
    if not folder.renames:  # an object store: the object appears when its upload closes
        with folder.fs.open(final, "wb") as out:
            pq.write_table(data, out, compression="zstd")
        return
    tmp = f"{folder.path}/.part-{chunk:05d}.parquet.tmp"
    pq.write_table(data, tmp, compression="zstd")
    os.replace(tmp, final)


def _parts(folder: _LakeFolder) -> list[str]:
    return sorted(folder.fs.glob(f"{folder.path}/part-*.parquet"))


def staged_dataset(lake: Path | str, run_id: str, table: str) -> ds.Dataset | None:
    """A run's staged parts of a table as one dataset (read lazily, e.g. by DuckDB); None without parts."""
    folder = _root(lake) / STAGING / run_id / table
    files = _parts(folder)
    if not files:
        return None
    return ds.dataset(files, schema=TABLES[table].arrow_schema(), format="parquet", filesystem=folder.fs)


def read_staged(lake: Path | str, run_id: str, table: str, filing_ids: pa.Array | None = None) -> pa.Table:
    """A run's staged rows of a table; only those of `filing_ids` when given (filtered while scanning)."""
    staged = staged_dataset(lake, run_id, table)
    if staged is None:
        return TABLES[table].arrow_schema().empty_table()
    return staged.to_table(filter=None if filing_ids is None else ds.field("filing_id").isin(filing_ids))


def drop_filings(lake: Path | str, run_id: str, chunk: int, filing_ids: set[str]) -> None:
    """Rewrite one chunk's staged parts without these filings (read twice in one run)."""
    drop = pa.array(sorted(filing_ids), pa.string())
    for table_dir in (_root(lake) / STAGING / run_id).folders():
        part = f"{table_dir.path}/part-{chunk:05d}.parquet"
        if table_dir.fs.exists(part):
            with table_dir.fs.open(part, "rb") as handle:
                data = pq.read_table(handle, schema=TABLES[table_dir.name].arrow_schema())
            write_part(lake, run_id, table_dir.name, chunk,
                       data.filter(pc.invert(pc.is_in(data["filing_id"], value_set=drop))))


def publish(lake: Path | str, run_id: str) -> None:
    """Move a committed run's staged tables into the lake, table by table; staging goes last."""
    root = _root(lake)
    staged = root / STAGING / run_id
    for table_dir in staged.folders():
        target = root / table_dir.name / f"run_id={run_id}"
        target.remove()  # a copy left by a publish that crashed half-way
        if root.renames:
            root.fs.makedirs((root / table_dir.name).path, exist_ok=True)
            os.replace(table_dir.path, target.path)
        else:
            files = _parts(table_dir)
            root.fs.copy(files, [f"{target.path}/{f.rsplit('/', 1)[-1]}" for f in files])
            table_dir.remove()
        faults.point("publish")
    staged.remove()


def recover(lake: Path | str, committed_runs: set[str]) -> None:
    """After a crash: publish staged runs the warehouse committed, drop the others."""
    for run_dir in (_root(lake) / STAGING).folders():
        if run_dir.name in committed_runs:
            publish(lake, run_dir.name)
        else:
            run_dir.remove()
