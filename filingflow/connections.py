"""Every DuckDB connection to the warehouse opens here, with what it needs
loaded: the fts extension for analysts' SQL (`match_bm25`), a memory limit
for a run's copy. Imports nothing else of filingflow."""
from __future__ import annotations

import importlib.resources
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

# DuckDB memory of a run's connections (loading 100,000 filings stays within it).
RUN_MEMORY_LIMIT = "512MB"


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `filingflow run` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


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
def open_warehouse(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to a run's copy of the warehouse (begin_run brought its schema up to date)."""
    con = connect(path)
    # DuckDB's default is 80% of the machine's memory: a run's load needs far less, next to the rest of the run.
    con.execute(f"SET memory_limit = '{RUN_MEMORY_LIMIT}'")
    try:
        yield con
    finally:
        con.close()
