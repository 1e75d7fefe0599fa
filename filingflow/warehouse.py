"""The DuckDB warehouse file: tables and views from the schema, and the
one-transaction idempotent load of a run's staged Parquet (which resolves
companies, updates the search index and refreshes the stored analyst views),
written into the live file: the COMMIT is the run's commit point
(docs/reliability.md, section 1)."""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb
import pyarrow as pa

from filingflow import faults, lake
from filingflow.accounting import schema_row
from filingflow.companies import Resolved, resolve_companies
from filingflow.connections import open_warehouse
from filingflow.reference import reference_rows
from filingflow.schema import FILING_TABLES, TABLE_LIST, TABLES
from filingflow.search import update_search
from filingflow.views import STORED_VIEWS, VIEWS, Touched, build_stored, company_keys, refresh_stored


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
    build_stored(con)  # their definitions or the reference rows may have changed: computed whole
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


def prepare(live: Path) -> None:
    """Create the warehouse, or bring its tables, views and reference rows up to date, in a short
    transaction of its own. A warehouse already up to date (its schema stamp matches) is only read,
    so a run writes the live file only in its load transaction."""
    live.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (live.with_name(live.name + ".next"), live.with_name(live.name + ".next.wal")):
        leftover.unlink(missing_ok=True)  # the private copy of a run of an older version: never swapped in
    stamp = schema_stamp()
    if live.exists():
        with open_warehouse(live, read_only=True) as con:
            if _stamp(con) == stamp:
                return
    else:
        _created.add(live)
    with open_warehouse(live) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            ensure_schema(con)
            con.execute(f"COMMENT ON TABLE \"{_STAMPED}\" IS '{stamp}'")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


_STAMPED = "runs"  # the table whose comment holds the schema stamp


def schema_stamp() -> str:
    """What ensure_schema makes (tables, views, reference rows), as a digest: equal stamps, nothing to do."""
    text = repr(([t.ddl() for t in TABLE_LIST], sorted(VIEWS.items()), sorted(STORED_VIEWS.items()), sorted(
        (name, [sorted(r.items()) for r in rows]) for name, rows in reference_rows().items())))
    return "filingflow schema " + hashlib.sha256(text.encode()).hexdigest()[:32]


def _stamp(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT comment FROM duckdb_tables() WHERE schema_name = 'main' AND table_name = ?",
                      [_STAMPED]).fetchone()
    return row[0] if row else None


# Errors of one filing's data (a constraint, a value out of range or of the wrong type): the load
# finds the filings that cause them and refuses those alone. Disk, memory and I/O errors fail the run.
_FILING_ERRORS = (duckdb.ConstraintException, duckdb.ConversionException, duckdb.OutOfRangeException,
                  duckdb.TypeMismatchException, duckdb.InvalidInputException)


class LoadRefused(RuntimeError):
    """Filings the load cannot take (filing_id -> reason); nothing was committed."""

    def __init__(self, filings: dict[str, str]):
        super().__init__(f"{len(filings)} filings refused by the load")
        self.filings = filings


# Held while a run or forget commits; a stopping command takes it for good (close_commits), so a run
# whose other threads go on for the moment its children take to stop cannot commit after the stop began.
# Reentrant: the signal handler may run on the very thread that is committing.
_commit_gate = threading.RLock()
_commits_closed = False
_committed: set[str] = set()  # runs whose COMMIT returned in this process
_created: set[Path] = set()  # warehouses this process created (prepare) for a run not committed yet


class CommitsClosed(RuntimeError):
    """The command is stopping: no run may commit any more."""


class NotCheckpointed(RuntimeError):
    """The run committed (its transaction is in the warehouse's write-ahead log, which DuckDB replays
    whenever the file is opened), but folding the log into the file failed, a full disk say."""

    def __init__(self, inserted: dict[str, int], cause: BaseException):
        super().__init__(f"the run committed, but its checkpoint failed: {cause}")
        self.inserted = inserted


def close_commits() -> None:
    """From now on no commit begins; returns once a commit already under way has ended (or, on the thread
    doing it, at once), so `committed` then tells truly whether the run committed."""
    global _commits_closed
    _commit_gate.acquire()
    _commits_closed = True


def discard_created(live: Path | None = None) -> None:
    """Remove the warehouse (any, when None) this process created for a first run that did not commit:
    a failed or stopped first run leaves no warehouse, as before it (keep_created once it committed)."""
    for path in [p for p in _created if live is None or p == live]:
        _created.discard(path)
        for leftover in (path, path.with_name(path.name + ".wal")):
            leftover.unlink(missing_ok=True)


def keep_created(live: Path) -> None:
    """The first run of a warehouse this process created committed: the file is the warehouse now."""
    _created.discard(live)


def committed(run_id: str | None = None) -> bool:
    """Whether this process committed the run (any run when None)."""
    return bool(_committed) if run_id is None else run_id in _committed


def _commit(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """COMMIT the open transaction of `run_id`, unless commits are closed (then it is rolled back by the
    caller). DuckDB writes and syncs the transaction to the WAL: from its return on, the run is durable
    and every new connection sees it whole; before it, nothing of the run is visible to anyone."""
    with _commit_gate:
        if _commits_closed:
            raise CommitsClosed("the command is stopping: the run was not committed")
        faults.point("wal")
        con.execute("COMMIT")
        _committed.add(run_id)


def _checkpoint(con: duckdb.DuckDBPyConnection, inserted: dict[str, int]) -> None:
    """Fold the committed WAL into the file. Its failure does not undo the commit: NotCheckpointed says so."""
    faults.point("commit")  # killed here: committed, the transaction only in the WAL
    try:
        faults.point("checkpoint")
        con.execute("CHECKPOINT")
    except (OSError, duckdb.Error) as exc:
        raise NotCheckpointed(inserted, exc) from exc


@dataclass
class LoadPlan:
    """What a run loads: the filings kept after de-duplication, the filings the
    run replaces, and the bookkeeping rows (built by filingflow/accounting.py)."""

    run_id: str
    kept_filing_ids: list[str]
    replaced_filing_ids: list[str]
    # Row dicts, or Arrow tables of the table's schema (a large run's, built column by column).
    ledger_rows: list[dict] | pa.Table
    quarantine_rows: list[dict] | pa.Table
    reprocessed_files: list[str] | pa.ChunkedArray
    dq_results: pa.Table
    dq_flags: pa.Table
    run_row: dict
    touched_files: list[tuple[str, int | None]] = field(default_factory=list)
    source_rows: list[dict] | pa.Table = field(default_factory=list)  # filing_sources of the files the run read
    superseded: dict[str, str] = field(default_factory=dict)  # stored filing -> the more exact copy replacing it
    byte_copies: list[tuple[str, str]] = field(default_factory=list)  # (file, file whose bytes it repeats)
    # dq_flags rows come from `dq_flags` and from the run's staging (lake.write_flags), less those of
    # these filings (refused by an earlier try of the load).
    refused_filing_ids: list[str] = field(default_factory=list)


def load_run(con: duckdb.DuckDBPyConnection, lake_root: Path | str, plan: LoadPlan) -> dict[str, int]:
    """Load a run in one transaction of the live warehouse, commit it and fold it into the file
    (CHECKPOINT); returns rows inserted per table. NotCheckpointed: committed, not folded in. When the failure comes from filings, raises LoadRefused naming them (nothing
    is committed); the caller quarantines them and loads the rest."""
    try:
        return _load(con, lake_root, plan)
    except _FILING_ERRORS as exc:
        if not plan.kept_filing_ids:
            raise
        refused = _refused_filings(con, lake_root, plan)
        if not refused:
            raise
        raise LoadRefused(refused) from exc


def _refused_filings(con: duckdb.DuckDBPyConnection, lake_root: Path | str, plan: LoadPlan) -> dict[str, str]:
    """The kept filings that fail the load, by halving: each trial loads part of the filings in a
    transaction rolled back (a few trials per refused filing). Empty when only a mix of filings fails."""
    def failure(ids: list[str]) -> str | None:
        try:
            _load(con, lake_root, replace(plan, kept_filing_ids=ids), trial=True)
        except _FILING_ERRORS as exc:
            return str(exc).splitlines()[0]
        return None

    def search(ids: list[str], error: str) -> dict[str, str]:
        if len(ids) == 1:
            return {ids[0]: error}
        found: dict[str, str] = {}
        for half in (ids[:len(ids) // 2], ids[len(ids) // 2:]):
            if (why := failure(half)) is not None:
                found |= search(half, why)
        return found

    ids = sorted(plan.kept_filing_ids)
    error = failure(ids)
    return search(ids, error) if error else {}


def _load(con: duckdb.DuckDBPyConnection, lake_root: Path | str, plan: LoadPlan, *, trial: bool = False
          ) -> dict[str, int]:
    """One transaction: the run's filings in, what they replace out, companies, search, bookkeeping, and
    the lake partitions the run changes staged from the result; committed, then checkpointed. `trial`:
    the filing part only, rolled back."""
    inserted: dict[str, int] = {name: 0 for name in FILING_TABLES}
    kept = sorted(plan.kept_filing_ids)
    # A run that keeps and replaces no filing (nothing new) touches no filing table: only its bookkeeping.
    changing = bool(kept or plan.replaced_filing_ids)
    # A first run replaces nothing: its kept filings as they are, no set of them all.
    replaced = sorted(set(plan.replaced_filing_ids).union(kept)) if plan.replaced_filing_ids else kept
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_kept", pa.table({"filing_id": pa.array(kept, pa.string())}))
        con.register("_replaced", pa.table({"filing_id": pa.array(replaced, pa.string())}))
        # Lake partitions holding filings the run replaces: rewritten without them.
        partitions = {r[0] for r in con.execute(
            "SELECT DISTINCT run_id FROM filings WHERE filing_id IN (SELECT filing_id FROM _replaced)").fetchall()
        } if changing else set()
        # Companies that lose mentions with the replaced filings: rebuilt with those the run resolves.
        losing = {r[0] for r in con.execute(
            "SELECT company_id FROM filing_companies WHERE filing_id IN (SELECT filing_id FROM _replaced) "
            "UNION SELECT company_id FROM reporting_owners WHERE filing_id IN (SELECT filing_id FROM _replaced)"
        ).fetchall() if r[0] is not None} if changing else set()
        keys_before = company_keys(con, "_replaced") if changing else set()
        for name in FILING_TABLES if changing else ():
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
        if inserted["filings"] != len(kept):  # the staging is gone (removed by another process?)
            missing = len(kept) - inserted["filings"]
            raise RuntimeError(f"the staged rows of {missing} filing{'s' if missing != 1 else ''} are missing from "
                               f"{lake.staging_dir(lake_root, plan.run_id)}: nothing committed, no file marked loaded")
        if changing:  # else no flag, company mention or text changed
            con.execute("DELETE FROM dq_flags WHERE filing_id IN (SELECT filing_id FROM _replaced)")
            resolved = resolve_companies(con, losing, kept)
            # Derived like companies and keyed by their ids; rolls back with the load.
            update_search(con, replaced, resolved.merged)
            renamed = _partitions_of_companies(con, resolved.merged)  # only their company_id columns changed
        if trial:
            con.execute("ROLLBACK")
            return inserted
        _write_bookkeeping(con, lake_root, plan, inserted, changing)
        if changing:  # after the flags: the views show them
            flagged = [r[0] for r in con.execute(
                "SELECT DISTINCT filing_id FROM dq_flags WHERE run_id = ? AND filing_id IS NOT NULL "
                "AND filing_id NOT IN (SELECT filing_id FROM _replaced)", [plan.run_id]).fetchall()]
            refresh_stored(con, Touched([*replaced, *flagged], keys_before, _companies_changed(resolved), resolved.merged))
        if kept:
            partitions.add(plan.run_id)
        stage_lake_partitions(con, lake_root, plan.run_id, partitions, renamed if changing else set())
        faults.point("load")
        _commit(con, plan.run_id)
    except BaseException:
        if not committed(plan.run_id):
            con.execute("ROLLBACK")
        raise
    finally:
        for name in ("_kept", "_replaced"):
            try:
                con.unregister(name)
            except Exception:  # noqa: BLE001 - the view may not have been registered
                pass
    _checkpoint(con, inserted)
    return inserted


def _write_bookkeeping(con: duckdb.DuckDBPyConnection, lake_root: Path | str, plan: LoadPlan,
                       inserted: dict[str, int], changing: bool) -> None:
    """Ledger, quarantine, filing_sources, data-quality results and the runs row of a run."""
    if len(plan.reprocessed_files):
        files = plan.reprocessed_files
        con.register("_files", pa.table({"source_file": files if isinstance(files, pa.ChunkedArray)
                                         else pa.array(files, pa.string())}))
        con.execute("DELETE FROM ingest_ledger WHERE source_file IN (SELECT source_file FROM _files)")
        con.execute("DELETE FROM quarantine WHERE source_file IN (SELECT source_file FROM _files)")
        con.execute("DELETE FROM filing_sources WHERE source_file IN (SELECT source_file FROM _files)")
        con.unregister("_files")
    if plan.superseded:  # a more exact copy came: the files of the stored one now repeat it
        con.register("_superseded", pa.table({"old": pa.array(list(plan.superseded), pa.string()),
                                              "new": pa.array(list(plan.superseded.values()), pa.string())}))
        con.execute("""
            UPDATE filing_sources SET filing_id = s.new, used = false,
                   detail = 'same filing as ' || s.new || ', read more exactly from another file'
            FROM _superseded s WHERE filing_sources.filing_id = s.old""")
        con.execute("""
            UPDATE ingest_ledger SET status = 'duplicate', filing_ids = [],
                   detail = 'same filing as ' || s.new || ', read more exactly from another file'
            FROM _superseded s WHERE list_contains(ingest_ledger.filing_ids, s.old) AND s.old <> s.new""")
        con.unregister("_superseded")
    if changing:  # sources of filings gone for good (their file changed and no longer carries them) go with them
        con.execute("DELETE FROM filing_sources WHERE filing_id IN (SELECT filing_id FROM _replaced) "
                    "AND filing_id NOT IN (SELECT filing_id FROM filings)")
    _insert_arrow(con, "filing_sources", _as_arrow("filing_sources", plan.source_rows))
    if plan.byte_copies:  # a byte-identical copy carries what the file it repeats carries
        con.register("_copies", pa.table({"copy": pa.array([c[0] for c in plan.byte_copies], pa.string()),
                                          "original": pa.array([c[1] for c in plan.byte_copies], pa.string())}))
        con.execute("""
            INSERT INTO filing_sources
            SELECT s.filing_id, c.copy, NULL, false, 'same bytes as ' || c.original, ?
            FROM _copies c JOIN filing_sources s ON s.source_file = c.original AND s.used""", [plan.run_id])
        con.unregister("_copies")
    _insert_arrow(con, "ingest_ledger", _as_arrow("ingest_ledger", plan.ledger_rows))
    _insert_arrow(con, "quarantine", _as_arrow("quarantine", plan.quarantine_rows))
    _insert_arrow(con, "dq_results", plan.dq_results)
    _insert_arrow(con, "dq_flags", plan.dq_flags)
    _insert_staged_flags(con, lake_root, plan)
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


def _insert_staged_flags(con: duckdb.DuckDBPyConnection, lake_root: Path | str, plan: LoadPlan) -> None:
    """The run's staged dq_flags rows, in the order staged, but those of refused filings."""
    staged = lake.staged_flags(lake_root, plan.run_id)
    if staged is None:
        return
    cols = ", ".join(f'"{c}"' for c in TABLES["dq_flags"].column_names)
    con.register("_staged_flags", staged)
    con.register("_refused", pa.table({"filing_id": pa.array(plan.refused_filing_ids, pa.string())}))
    try:
        con.execute(f'INSERT INTO dq_flags ({cols}) SELECT {cols} FROM _staged_flags '
                    "WHERE filing_id NOT IN (SELECT filing_id FROM _refused)")
    finally:
        con.unregister("_staged_flags")
        con.unregister("_refused")


def _companies_changed(resolved: Resolved) -> set[str] | None:
    """Companies whose filings the stored views must show anew: merged, or with another CIK, name or ticker."""
    return None if resolved.restated is None else resolved.restated | resolved.merged


def _as_arrow(table: str, rows: list[dict] | pa.Table) -> pa.Table:
    return rows if isinstance(rows, pa.Table) else TABLES[table].to_arrow(rows)


def _partitions_of_companies(con: duckdb.DuckDBPyConnection, companies: set[str]) -> set[str]:
    """Runs whose filings name these companies: their company_id columns changed with a merge."""
    if not companies:
        return set()
    con.register("_merged", pa.table({"company_id": pa.array(sorted(companies), pa.string())}))
    try:
        return {r[0] for r in con.execute("""
            SELECT DISTINCT run_id FROM filings WHERE filing_id IN (
                SELECT filing_id FROM filing_companies WHERE company_id IN (SELECT company_id FROM _merged)
                UNION SELECT filing_id FROM reporting_owners WHERE company_id IN (SELECT company_id FROM _merged))
            """).fetchall()}
    finally:
        con.unregister("_merged")


def stage_lake_partitions(con: duckdb.DuckDBPyConnection, lake_root: Path | str, run_id: str,
                          partitions: set[str], renamed: set[str] = frozenset()) -> None:
    """Stage, from the warehouse as this transaction leaves it, every lake partition (run folder) the run
    changed: its own and those of earlier runs that lost filings, every table; and of the partitions in
    `renamed` (whose companies merged, no filing gone) only the tables with a company_id column, the one
    thing a merge changes: the others keep their published files. Published after the commit, they make
    the lake read back equal to the warehouse, company_id included."""
    lake.begin_partitions(lake_root, run_id)
    for partition in sorted(partitions | renamed):
        for name in FILING_TABLES if partition in partitions else COMPANY_ID_TABLES:
            cols = ", ".join(f'"{c}"' for c in TABLES[name].column_names)
            where = ("run_id = ?" if name == "filings"
                     else "filing_id IN (SELECT filing_id FROM filings WHERE run_id = ?)")
            reader = con.execute(f'SELECT {cols} FROM "{name}" WHERE {where}', [partition]
                                 ).to_arrow_reader(lake.ROWS_PER_PART)
            lake.stage_partition(lake_root, run_id, name, partition, reader)


# The filing tables a company merge rewrites (filingflow/companies.py): those with a company_id column.
COMPANY_ID_TABLES = tuple(name for name in FILING_TABLES if "company_id" in TABLES[name].column_names)


def forget_filings(con: duckdb.DuckDBPyConnection, lake_root: Path | str, run_id: str, filing_ids: list[str],
                   files: list[str], started: dt.datetime) -> None:
    """Remove filings everywhere in one transaction (filingflow/forget.py): their rows, flags and sources,
    the companies and texts they alone held; their files stay in the ledger as forgotten; a runs row
    (kind forget) names them; their lake partitions are staged without them. Committed and checkpointed."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_replaced", pa.table({"filing_id": pa.array(filing_ids, pa.string())}))
        con.register("_files", pa.table({"source_file": pa.array(files, pa.string())}))
        partitions = {r[0] for r in con.execute(
            "SELECT DISTINCT run_id FROM filings WHERE filing_id IN (SELECT filing_id FROM _replaced)").fetchall()}
        losing = {r[0] for r in con.execute(
            "SELECT company_id FROM filing_companies WHERE filing_id IN (SELECT filing_id FROM _replaced) "
            "UNION SELECT company_id FROM reporting_owners WHERE filing_id IN (SELECT filing_id FROM _replaced)"
        ).fetchall() if r[0] is not None}
        keys_before = company_keys(con, "_replaced")
        for name in (*FILING_TABLES, "dq_flags", "filing_sources"):
            con.execute(f'DELETE FROM "{name}" WHERE filing_id IN (SELECT filing_id FROM _replaced)')
        resolved = resolve_companies(con, losing, [])
        update_search(con, filing_ids, resolved.merged)
        refresh_stored(con, Touched(filing_ids, keys_before, _companies_changed(resolved), resolved.merged))
        con.execute("""
            UPDATE ingest_ledger SET status = 'forgotten', filing_ids = [], detail = NULL
            WHERE source_file IN (SELECT source_file FROM _files)""")
        con.execute("DELETE FROM quarantine WHERE source_file IN (SELECT source_file FROM _files)")
        now = dt.datetime.now(dt.timezone.utc)
        _insert_arrow(con, "runs", TABLES["runs"].to_arrow([schema_row(
            "runs", run_id=run_id, started_at=started, finished_at=now, status="completed", kind="forget",
            forgotten=filing_ids, files_seen=0, files_new=0, files_unchanged=0, files_loaded=0, files_quarantined=0,
            files_duplicate=0, filings_loaded=0, rows_loaded=0)]))
        stage_lake_partitions(con, lake_root, run_id, partitions)
        _commit(con, run_id)
    except BaseException:
        if not committed(run_id):
            con.execute("ROLLBACK")
        raise
    finally:
        for name in ("_replaced", "_files"):
            try:
                con.unregister(name)
            except Exception:  # noqa: BLE001 - the view may not have been registered
                pass
    _checkpoint(con, {})
