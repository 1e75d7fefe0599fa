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
  same bytes).

A lake may be shared by several warehouses, and runs may overlap: each run's
staging folder names its owner (`_owner.json`: run, warehouse, pid) and, on a
local lake, the run holds an OS lock on that file while it lives. `recover`
only touches staging its own warehouse owns and whose run is dead; staging of
another warehouse, or of a live run, is left alone. (A staging folder without
an owner file was written by an older version: recovered as before.)"""
from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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
OWNER = "_owner.json"
PARTITIONS = "_partitions"  # in a run's staging: the lake partitions its load rewrote, as they are to be published
_MARKER = "_partition"  # keeps an empty staged partition visible on an object store
# In a run's staging: the dq_flags rows its validation found, batch by batch, read by its load (never
# published: the warehouse holds the flags, the lake does not).
FLAGS = "_dq_flags"
_CLAIMING = ".claim-"  # a staging folder being claimed: renamed to its run's name once its owner file is locked
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")


def is_url(lake: Path | str) -> bool:
    return isinstance(lake, str) and _URL.match(lake) is not None


def in_one_process(lake: Path | str) -> bool:
    """A memory:// lake: only the process that wrote it sees it (no worker or forked child can write it)."""
    return is_url(lake) and str(lake).startswith("memory:")


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
    _write(_root(lake) / STAGING / run_id / table, chunk, data)


def _write(folder: _LakeFolder, number: int, data: pa.Table) -> None:
    final = f"{folder.path}/part-{number:05d}.parquet"
    folder.fs.makedirs(folder.path, exist_ok=True)
    faults.point("parquet")
    if not folder.renames:  # an object store: the object appears when its upload closes
        with folder.fs.open(final, "wb") as out:
            pq.write_table(data, out, compression="zstd")
        return
    tmp = f"{folder.path}/.part-{number:05d}.parquet.tmp"
    try:
        pq.write_table(data, tmp, compression="zstd")
    except BaseException:
        Path(tmp).unlink(missing_ok=True)  # a full disk leaves no half-written part behind
        raise
    os.replace(tmp, final)


# Rows per Parquet part of a partition the load writes.
ROWS_PER_PART = 500_000


def begin_partitions(lake: Path | str, run_id: str) -> None:
    """The run's load stages the lake partitions it publishes (stage_partition): from now on its
    publish moves those, never the parse parts."""
    folder = _root(lake) / STAGING / run_id / PARTITIONS
    folder.remove()  # a load tried before (filings refused) staged them from a state never committed
    folder.fs.makedirs(folder.path, exist_ok=True)
    if not folder.renames:  # an object store has no empty folders
        folder.fs.pipe(f"{folder.path}/{_MARKER}", b"")


def stage_partition(lake: Path | str, run_id: str, table: str, partition_run: str,
                    batches: Iterable[pa.RecordBatch]) -> int:
    """Stage the whole new content of <table>/run_id=<partition_run> (no rows: the partition goes).
    Returns the rows staged."""
    folder = _root(lake) / STAGING / run_id / PARTITIONS / table / f"run_id={partition_run}"
    folder.fs.makedirs(folder.path, exist_ok=True)
    if not folder.renames:
        folder.fs.pipe(f"{folder.path}/{_MARKER}", b"")
    schema = TABLES[table].arrow_schema()
    pending: list[pa.RecordBatch] = []
    rows = parts = 0
    for batch in batches:
        pending.append(batch)
        rows += batch.num_rows
        if sum(b.num_rows for b in pending) >= ROWS_PER_PART:
            _write(folder, parts, pa.Table.from_batches(pending).cast(schema))
            pending, parts = [], parts + 1
    if any(b.num_rows for b in pending):
        _write(folder, parts, pa.Table.from_batches(pending).cast(schema))
    return rows


def _parts(folder: _LakeFolder) -> list[str]:
    return sorted(folder.fs.glob(f"{folder.path}/part-*.parquet"))


def staged_dataset(lake: Path | str, run_id: str, table: str) -> ds.Dataset | None:
    """A run's staged parts of a table as one dataset (read lazily, e.g. by DuckDB); None without parts."""
    folder = _root(lake) / STAGING / run_id / table
    files = _parts(folder)
    if not files:
        return None
    return ds.dataset(files, schema=TABLES[table].arrow_schema(), format="parquet", filesystem=folder.fs)


def write_flags(lake: Path | str, run_id: str, batch: int, data: pa.Table) -> None:
    """Stage one validation batch's dq_flags rows (FLAGS), so they need not travel back in memory."""
    _write(_root(lake) / STAGING / run_id / FLAGS, batch, data)


def staged_flags(lake: Path | str, run_id: str) -> ds.Dataset | None:
    """The run's staged dq_flags rows (write_flags) as one dataset; None without any."""
    folder = _root(lake) / STAGING / run_id / FLAGS
    files = _parts(folder)
    if not files:
        return None
    return ds.dataset(files, schema=TABLES["dq_flags"].arrow_schema(), format="parquet", filesystem=folder.fs)


def read_staged(lake: Path | str, run_id: str, table: str, filing_ids: pa.Array | None = None,
                columns: list[str] | None = None) -> pa.Table:
    """A run's staged rows of a table; only those of `filing_ids` when given (filtered while scanning), only
    `columns` when given (the others never read: a large run's filings are hundreds of bytes each)."""
    staged = staged_dataset(lake, run_id, table)
    if staged is None:
        empty = TABLES[table].arrow_schema().empty_table()
        return empty if columns is None else empty.select(columns)
    return staged.to_table(columns=columns,
                           filter=None if filing_ids is None else ds.field("filing_id").isin(filing_ids))


def drop_filings(lake: Path | str, run_id: str, chunk: int, filing_ids: set[str]) -> None:
    """Rewrite one chunk's staged parts without these filings (read twice in one run)."""
    drop = pa.array(sorted(filing_ids), pa.string())
    for table_dir in (_root(lake) / STAGING / run_id).folders():
        if table_dir.name not in TABLES:  # the load's staged partitions
            continue
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
    partitions = staged / PARTITIONS
    if partitions.fs.isdir(partitions.path):
        _publish_partitions(root, partitions)
        staged.remove()
        return
    for table_dir in staged.folders():
        if table_dir.name == FLAGS:  # read by the load, not a lake table
            continue
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


@contextmanager
def claim(lake: Path | str, run_id: str, warehouse: str) -> Iterator[None]:
    """Own the run's staging folder while the run lives: its owner file names the run and its
    warehouse, and (on a local lake) stays locked until the run ends, however it ends."""
    owner = json.dumps({"run_id": run_id, "warehouse": warehouse, "pid": os.getpid()}).encode()
    staging = _root(lake) / STAGING
    if not staging.renames:  # an object store: no lock; the owner names the warehouse
        with staging.fs.open(f"{staging.path}/{run_id}/{OWNER}", "wb") as out:
            out.write(owner)
        yield
        return
    # Created under a private name and renamed whole: no one ever sees the run's folder without its owner.
    claiming = staging / f"{_CLAIMING}{run_id}"
    os.makedirs(claiming.path, exist_ok=True)
    fd = os.open(f"{claiming.path}/{OWNER}", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, owner)
        os.fsync(fd)
        os.rename(claiming.path, (staging / run_id).path)
        yield
    finally:
        os.close(fd)  # releases the lock


def discard(lake: Path | str, run_id: str) -> None:
    """Remove a run's staging (a run that failed before its commit)."""
    (_root(lake) / STAGING / run_id).remove()


def _owner(run_dir: _LakeFolder) -> tuple[dict | None, bool]:
    """(owner, alive) of a staging folder: its owner file (None without one), and whether its run
    still holds the file's lock."""
    path = f"{run_dir.path}/{OWNER}"
    if not run_dir.fs.exists(path):
        return None, False
    if not run_dir.renames:
        with run_dir.fs.open(path, "rb") as handle:
            return json.loads(handle.read() or b"{}"), False
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:  # published meanwhile
        return None, True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return None, True
        return json.loads(os.read(fd, 1 << 16) or b"{}"), False
    finally:
        os.close(fd)


def _publish_partitions(root: _LakeFolder, partitions: _LakeFolder) -> None:
    """Each staged partition replaces its lake folder whole (a removed partition goes), table by table."""
    for table_dir in partitions.folders():
        for staged in table_dir.folders():
            target = root / table_dir.name / staged.name
            target.remove()
            files = _parts(staged)
            if not files:
                staged.remove()
            elif root.renames:
                root.fs.makedirs((root / table_dir.name).path, exist_ok=True)
                os.replace(staged.path, target.path)
            else:  # copied, then dropped from staging: a crash in between copies the whole folder again
                root.fs.copy(files, [f"{target.path}/{f.rsplit('/', 1)[-1]}" for f in files])
                staged.remove()
        table_dir.remove()
        faults.point("publish")


def recover(lake: Path | str, committed_runs: set[str], warehouse: str | None = None) -> None:
    """After a crash: publish the staged runs of `warehouse` it committed, drop its other dead ones.
    Staging another warehouse owns (any, when `warehouse` is None), or a run still alive, is not touched."""
    for run_dir in (_root(lake) / STAGING).folders():
        owner, alive = _owner(run_dir)
        if alive:
            continue
        if run_dir.name.startswith(_CLAIMING):  # a claim that died before its rename: holds no rows
            run_dir.remove()
            continue
        if owner is not None and owner.get("warehouse") != warehouse:
            continue
        if run_dir.name in committed_runs:
            publish(lake, run_dir.name)
        else:
            run_dir.remove()
