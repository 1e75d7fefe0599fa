"""Every DuckDB connection to the warehouse opens here, with what it needs
loaded: the fts extension for analysts' SQL (`match_bm25`), a memory limit
for a run's connections. Imports nothing else of filingflow.

DuckDB lets one process write a file, or several read it, never both: a run
writes the live warehouse in place, holding it only for its load transaction
(filingflow/warehouse.py). So every connection that finds the file held by
another process waits for it, a bounded time (`wait_seconds`), trying again
every fraction of a second, and then fails with `WarehouseBusy`, naming the
process that holds it."""
from __future__ import annotations

import importlib.resources
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

# DuckDB memory of a run's connections (loading 100,000 filings stays within it).
RUN_MEMORY_LIMIT = "512MB"
RUN_THREADS = 1
# How long a connection waits for a file another process holds: a run holds it for its load
# transaction (seconds for a night's filings), a reader for its query.
LOCK_WAIT_SECONDS = 120.0
_LOCKED = "Could not set lock on file"
_HOLDER = re.compile(r"Conflicting lock is held in ([^()]*) \(PID (\d+)\)")


class WarehouseBusy(duckdb.IOException):
    """Another process held the warehouse for longer than the connection could wait."""


def connect(path: Path, *, read_only: bool = False, wait_seconds: float = LOCK_WAIT_SECONDS
            ) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `filingflow run` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max(0.0, wait_seconds)
    pause = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if _LOCKED not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(_busy(path, str(exc), read_only, wait_seconds)) from None
        time.sleep(pause)
        pause = min(0.5, pause * 2)


def _busy(path: Path, error: str, read_only: bool, waited: float) -> str:
    found = _HOLDER.search(error)
    holder = f"process {found.group(2)} ({found.group(1)})" if found else "another process"
    # A reader is only ever kept out by a writer; a writer by a reader or by a writer outside filingflow.
    doing = "is writing it (a filingflow run commits there)" if read_only else "has it open"
    return (f"the warehouse {path} is busy: {holder} {doing}; waited {waited:g} s. "
            "Try again when it is done" + ("" if read_only else ", or close the session that holds it"))


def fts_extension_path() -> Path | None:
    """The fts.duckdb_extension file shipped in the duckdb_extension_fts package for this DuckDB."""
    try:
        root = importlib.resources.files("duckdb_extension_fts") / "extensions"
    except ModuleNotFoundError:
        return None
    exact = root / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if exact.is_file():
        return Path(str(exact))
    found = sorted(Path(str(root)).glob("v*/fts.duckdb_extension"))
    return found[-1] if found else None


def load_fts(con: duckdb.DuckDBPyConnection) -> bool:
    """Load the fts extension from the installed package; False when it is not there."""
    path = fts_extension_path()
    if path is None:
        return False
    con.load_extension(str(path))
    return True


def connect_with_fts(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """connect plus the fts extension, so `match_bm25` works in ad-hoc SQL."""
    con = connect(path, read_only=read_only)
    try:
        load_fts(con)
    except duckdb.Error:  # a broken extension file must not stop plain SQL
        pass
    return con


@contextmanager
def open_warehouse(path: Path, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A run's connection to the live warehouse (warehouse.prepare brought its schema up to date):
    read-only while the run reads (other readers go on), writing only for the load's transaction."""
    con = connect(path, read_only=read_only)
    # DuckDB's default is 80% of the machine's memory: a run's load needs far less, next to the rest of the run.
    con.execute(f"SET memory_limit = '{RUN_MEMORY_LIMIT}'")
    # A run's statements are many and small next to its parsing and checks: DuckDB's other threads
    # cost more CPU than they save time (the load of 1,000 new filings: about 3 CPU-s on two, 2.1 on one).
    con.execute(f"SET threads = {RUN_THREADS}")
    try:
        yield con
    finally:
        con.close()
