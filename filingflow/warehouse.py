"""The DuckDB warehouse file: tables and views from the schema, the run's
private copy and its swap, and the one-transaction idempotent load of a run's
staged Parquet (which resolves companies and updates the search index)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from filingflow import faults, lake
from filingflow.companies import resolve_companies
from filingflow.connections import open_warehouse
from filingflow.reference import reference_rows
from filingflow.schema import FILING_TABLES, TABLE_LIST, TABLES
from filingflow.search import update_search
from filingflow.views import VIEWS


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    existing: dict[str, set[str]] = {}
    for name, column in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'").fetchall():
        existing.setdefault(name, set()).add(column)
    for table in TABLE_LIST:
        con.execute(table.ddl())
        # A warehouse written by an older version gains the columns added since (null in old rows).
        for column in table.columns:
            if table.name in existing and column.name not in existing[table.name]:
                con.execute(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {column.duckdb_type}')
    for name, rows in reference_rows().items():
        con.execute(f'DELETE FROM "{name}"')
        _insert_arrow(con, name, TABLES[name].to_arrow(rows))
    for ddl in VIEWS.values():
        con.execute(ddl)


def _insert_arrow(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> None:
    if data.num_rows == 0:
        return
    con.register("_incoming", data)
    try:
        cols = ", ".join(f'"{c}"' for c in data.column_names)
        con.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM _incoming')
    finally:
        con.unregister("_incoming")


def work_copy_path(live: Path) -> Path:
    return live.with_name(live.name + ".next")


def begin_run(live: Path) -> Path:
    """A private copy of the warehouse for one run to write. Readers keep the
    live file (DuckDB lets no reader share a file with a writer); `promote`
    swaps the copy in atomically, so they see the old state or the new, never half."""
    work = work_copy_path(live)
    for leftover in (work, work.with_name(work.name + ".wal")):
        leftover.unlink(missing_ok=True)  # a crashed run's copy: never promoted, safe to drop
    live.parent.mkdir(parents=True, exist_ok=True)
    if live.exists():
        shutil.copyfile(live, work)
        live_wal = live.with_name(live.name + ".wal")
        if live_wal.exists():  # a writer killed mid-checkpoint: the WAL holds committed data
            shutil.copyfile(live_wal, work.with_name(work.name + ".wal"))
    with open_warehouse(work) as con:
        ensure_schema(con)  # once per run: every later connection of the run opens this copy
        con.execute("CHECKPOINT")
    return work


def promote(work: Path, live: Path) -> None:
    os.replace(work, live)
    live.with_name(live.name + ".wal").unlink(missing_ok=True)


@dataclass
class LoadPlan:
    """What a run loads: the filings kept after de-duplication, the filings the
    run replaces, and the bookkeeping rows."""

    run_id: str
    kept_filing_ids: list[str]
    replaced_filing_ids: list[str]
    ledger_rows: list[dict]
    quarantine_rows: list[dict]
    reprocessed_files: list[str]
    dq_results: pa.Table
    dq_flags: pa.Table
    run_row: dict
    touched_files: list[tuple[str, int | None]] = field(default_factory=list)


def load_run(con: duckdb.DuckDBPyConnection, lake_root: Path | str, plan: LoadPlan) -> dict[str, int]:
    """Load a run in one transaction; returns rows inserted per table."""
    inserted: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_kept", pa.table({"filing_id": pa.array(plan.kept_filing_ids, pa.string())}))
        con.register("_replaced", pa.table({"filing_id": pa.array(
            sorted(set(plan.replaced_filing_ids) | set(plan.kept_filing_ids)), pa.string())}))
        # Companies that lose mentions with the replaced filings: rebuilt with those the run resolves.
        losing = {r[0] for r in con.execute(
            "SELECT company_id FROM filing_companies WHERE filing_id IN (SELECT filing_id FROM _replaced) "
            "UNION SELECT company_id FROM reporting_owners WHERE filing_id IN (SELECT filing_id FROM _replaced)"
        ).fetchall() if r[0] is not None}
        for name in FILING_TABLES:
            con.execute(f'DELETE FROM "{name}" WHERE filing_id IN (SELECT filing_id FROM _replaced)')
            # Read by pyarrow (the lake may be a remote URL, which DuckDB could only read with httpfs);
            # DuckDB scans the dataset lazily, part by part.
            staged = lake.staged_dataset(lake_root, plan.run_id, name)
            if staged is None:
                inserted[name] = 0
                continue
            cols = ", ".join(f'"{c}"' for c in TABLES[name].column_names)
            con.register("_staged", staged)
            count = con.execute(
                f'INSERT INTO "{name}" ({cols}) SELECT {cols} FROM _staged '
                f"WHERE filing_id IN (SELECT filing_id FROM _kept)").fetchone()[0]
            con.unregister("_staged")
            inserted[name] = count
        con.execute("DELETE FROM dq_flags WHERE filing_id IN (SELECT filing_id FROM _replaced)")
        if plan.kept_filing_ids or plan.replaced_filing_ids:  # else no company mention or text changed
            resolve_companies(con, losing)
            # Derived like companies and keyed by their ids; rolls back with the load.
            update_search(con, sorted(set(plan.replaced_filing_ids) | set(plan.kept_filing_ids)))
        if plan.reprocessed_files:
            con.register("_files", pa.table({"source_file": pa.array(plan.reprocessed_files, pa.string())}))
            con.execute("DELETE FROM ingest_ledger WHERE source_file IN (SELECT source_file FROM _files)")
            con.execute("DELETE FROM quarantine WHERE source_file IN (SELECT source_file FROM _files)")
            con.unregister("_files")
        _insert_arrow(con, "ingest_ledger", TABLES["ingest_ledger"].to_arrow(plan.ledger_rows))
        _insert_arrow(con, "quarantine", TABLES["quarantine"].to_arrow(plan.quarantine_rows))
        _insert_arrow(con, "dq_results", plan.dq_results)
        _insert_arrow(con, "dq_flags", plan.dq_flags)
        if plan.touched_files:
            con.register("_touched", pa.table({"source_file": pa.array([t[0] for t in plan.touched_files], pa.string()),
                                               "mtime_ns": pa.array([t[1] for t in plan.touched_files], pa.int64())}))
            con.execute("UPDATE ingest_ledger SET mtime_ns = t.mtime_ns FROM _touched t "
                        "WHERE ingest_ledger.source_file = t.source_file")
            con.unregister("_touched")
        run_row = TABLES["runs"].row(plan.run_row, finished_at=dt.datetime.now(dt.timezone.utc), status="completed",
                                     rows_loaded=sum(inserted.values()))
        con.execute("DELETE FROM runs WHERE run_id = ?", [plan.run_id])
        _insert_arrow(con, "runs", TABLES["runs"].to_arrow([run_row]))
        faults.point("load")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in ("_kept", "_replaced"):
            try:
                con.unregister(name)
            except Exception:  # noqa: BLE001 - the view may not have been registered
                pass
    return inserted
