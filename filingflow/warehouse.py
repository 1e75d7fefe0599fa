"""The DuckDB warehouse: tables from the schema, the ingest ledger, and the
one-transaction idempotent load of a run's staged Parquet."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from filingflow import lake
from filingflow.companies import CompanyResolver, normalize_name
from filingflow.reference import reference_rows
from filingflow.schema import FILING_TABLES, TABLE_LIST, TABLES

# Which company a filing is "about", in order of preference.
_FILING_COMPANY_ROLES = ("issuer", "registrant", "subject_company", "filer", "filed_by")

VIEWS = {
    "insider_trades": """
CREATE OR REPLACE VIEW insider_trades AS
WITH owners AS (
    SELECT filing_id,
           string_agg(owner_name, '; ' ORDER BY owner_index) AS owner_name,
           arg_min(owner_cik, owner_index) AS owner_cik,
           bool_or(is_director) AS is_director,
           bool_or(is_officer) AS is_officer,
           bool_or(is_ten_percent_owner) AS is_ten_percent_owner,
           bool_or(is_other) AS is_other,
           string_agg(officer_title, '; ' ORDER BY owner_index) AS officer_title
    FROM reporting_owners GROUP BY filing_id
), flags AS (
    SELECT filing_id, row_index, list(DISTINCT expectation ORDER BY expectation) AS dq_flags
    FROM dq_flags WHERE table_name = 'nonderiv_transactions' GROUP BY filing_id, row_index
)
SELECT t.filing_id, f.form_type, f.filed_date, f.company_id, c.name AS company_name,
       coalesce(f.issuer_ticker, c.ticker) AS ticker,
       o.owner_name, o.owner_cik, o.is_director, o.is_officer, o.is_ten_percent_owner, o.is_other,
       o.officer_title, t.row_index, t.security_title, t.transaction_date, t.transaction_code,
       tc.meaning AS transaction_meaning, t.acquired_disposed, t.shares,
       CASE t.acquired_disposed WHEN 'A' THEN t.shares WHEN 'D' THEN -t.shares END AS signed_shares,
       t.price_per_share,
       CAST(CAST(t.shares AS DECIMAL(38, 4)) * CAST(t.price_per_share AS DECIMAL(38, 6)) AS DECIMAL(38, 2)) AS value,
       t.shares_owned_after, t.direct_indirect, t.nature_of_ownership,
       coalesce(fl.dq_flags, []) AS dq_flags
FROM nonderiv_transactions t
JOIN filings f USING (filing_id)
LEFT JOIN companies c ON c.company_id = f.company_id
LEFT JOIN owners o USING (filing_id)
LEFT JOIN transaction_codes tc ON tc.code = t.transaction_code
LEFT JOIN flags fl USING (filing_id, row_index)
""",
}


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `filingflow run` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for table in TABLE_LIST:
        con.execute(table.ddl())
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


@contextmanager
def open_warehouse(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(path)
    try:
        ensure_schema(con)
        yield con
    finally:
        con.close()


@dataclass(frozen=True)
class LedgerEntry:
    source_sha256: str
    size_bytes: int
    mtime_ns: int | None
    status: str


def ledger(con: duckdb.DuckDBPyConnection) -> dict[str, LedgerEntry]:
    rows = con.execute("SELECT source_file, source_sha256, size_bytes, mtime_ns, status FROM ingest_ledger").fetchall()
    return {r[0]: LedgerEntry(*r[1:]) for r in rows}


def loaded_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """sha256 -> source_file for every file whose rows are in the warehouse."""
    return dict(con.execute(
        "SELECT source_sha256, min(source_file) FROM ingest_ledger WHERE status = 'loaded' GROUP BY 1").fetchall())


def previous_filing_ids(con: duckdb.DuckDBPyConnection, source_files: list[str]) -> list[str]:
    """Filings earlier versions of these files produced: a changed file replaces them."""
    if not source_files:
        return []
    con.register("_files", pa.table({"source_file": pa.array(source_files, pa.string())}))
    try:
        rows = con.execute("SELECT DISTINCT unnest(filing_ids) FROM ingest_ledger "
                           "WHERE source_file IN (SELECT source_file FROM _files)").fetchall()
    finally:
        con.unregister("_files")
    return [r[0] for r in rows if r[0] is not None]


def committed_runs(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("SELECT run_id FROM runs WHERE status = 'completed'").fetchall()}


def existing_by_content(con: duckdb.DuckDBPyConnection, content_ids: list[str]) -> dict[str, tuple[str, bool]]:
    """content_id -> (filing_id, has accession) for filings already stored."""
    if not content_ids:
        return {}
    con.register("_cids", pa.table({"content_id": pa.array(content_ids, pa.string())}))
    try:
        rows = con.execute(
            "SELECT f.content_id, f.filing_id, f.accession_number IS NOT NULL FROM filings f "
            "JOIN _cids USING (content_id)").fetchall()
    finally:
        con.unregister("_cids")
    return {r[0]: (r[1], r[2]) for r in rows}


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


def load_run(con: duckdb.DuckDBPyConnection, lake_root: Path, plan: LoadPlan) -> dict[str, int]:
    """Load a run in one transaction; returns rows inserted per table."""
    inserted: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("_kept", pa.table({"filing_id": pa.array(plan.kept_filing_ids, pa.string())}))
        con.register("_replaced", pa.table({"filing_id": pa.array(
            sorted(set(plan.replaced_filing_ids) | set(plan.kept_filing_ids)), pa.string())}))
        for name in FILING_TABLES:
            con.execute(f'DELETE FROM "{name}" WHERE filing_id IN (SELECT filing_id FROM _replaced)')
            files = lake.staged_files(lake_root, plan.run_id, name)
            if not files:
                inserted[name] = 0
                continue
            cols = ", ".join(f'"{c}"' for c in TABLES[name].column_names)
            file_list = ", ".join(f"'{f.as_posix()}'" for f in files)
            count = con.execute(
                f'INSERT INTO "{name}" ({cols}) SELECT {cols} FROM read_parquet([{file_list}]) '
                f"WHERE filing_id IN (SELECT filing_id FROM _kept)").fetchone()[0]
            inserted[name] = count
        con.execute("DELETE FROM dq_flags WHERE filing_id IN (SELECT filing_id FROM _replaced)")
        _resolve_companies(con)
        if plan.reprocessed_files:
            con.register("_files", pa.table({"source_file": pa.array(plan.reprocessed_files, pa.string())}))
            con.execute("DELETE FROM ingest_ledger WHERE source_file IN (SELECT source_file FROM _files)")
            con.execute("DELETE FROM quarantine WHERE source_file IN (SELECT source_file FROM _files)")
            con.unregister("_files")
        _insert_arrow(con, "ingest_ledger", TABLES["ingest_ledger"].to_arrow(plan.ledger_rows))
        _insert_arrow(con, "quarantine", TABLES["quarantine"].to_arrow(plan.quarantine_rows))
        _insert_arrow(con, "dq_results", plan.dq_results)
        _insert_arrow(con, "dq_flags", plan.dq_flags)
        for path, mtime_ns in plan.touched_files:
            con.execute("UPDATE ingest_ledger SET mtime_ns = ? WHERE source_file = ?", [mtime_ns, path])
        run_row = {**plan.run_row, "finished_at": dt.datetime.now(dt.timezone.utc), "status": "completed",
                   "rows_loaded": sum(inserted.values())}
        con.execute("DELETE FROM runs WHERE run_id = ?", [plan.run_id])
        _insert_arrow(con, "runs", TABLES["runs"].to_arrow([run_row]))
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


def _resolve_companies(con: duckdb.DuckDBPyConnection) -> None:
    """Give every unresolved company mention a company_id, apply merges,
    set filings.company_id and rebuild the derived companies table."""
    resolver = CompanyResolver()
    for cid, cik, name, ticker, file_no, irs in con.execute(
            "SELECT company_id, cik, name, ticker, sec_file_number, irs_number FROM filing_companies "
            "WHERE company_id IS NOT NULL ORDER BY cik IS NULL").fetchall():
        resolver.learn(cid, {"cik": cik, "name": name, "ticker": ticker,
                             "sec_file_number": file_no, "irs_number": irs})
    pending = con.execute(
        "SELECT filing_id, company_index, cik, name, ticker, sec_file_number, irs_number, role "
        "FROM filing_companies WHERE company_id IS NULL AND role <> 'reporting_owner' "
        "ORDER BY cik IS NULL, filing_id, company_index").fetchall()
    updates = []
    for fid, idx, cik, name, ticker, file_no, irs, _role in pending:
        company_id = resolver.resolve({"cik": cik, "name": name, "ticker": ticker,
                                       "sec_file_number": file_no, "irs_number": irs})
        updates.append((fid, idx, company_id))
    if updates:
        con.register("_resolved", pa.table({
            "filing_id": [u[0] for u in updates], "company_index": pa.array([u[1] for u in updates], pa.int32()),
            "company_id": [u[2] for u in updates]}))
        con.execute("UPDATE filing_companies SET company_id = r.company_id FROM _resolved r "
                    "WHERE filing_companies.filing_id = r.filing_id AND filing_companies.company_index = r.company_index")
        con.unregister("_resolved")
    for old, new in resolver.merges.items():
        con.execute("UPDATE filing_companies SET company_id = ? WHERE company_id = ?", [new, old])
    roles = ", ".join(f"'{r}'" for r in _FILING_COMPANY_ROLES)
    order = " ".join(f"WHEN '{r}' THEN {i}" for i, r in enumerate(_FILING_COMPANY_ROLES))
    con.execute(f"""
        UPDATE filings SET company_id = fc.company_id FROM (
            SELECT filing_id, arg_min(company_id, (CASE role {order} END, company_index)) AS company_id
            FROM filing_companies WHERE role IN ({roles}) AND company_id IS NOT NULL GROUP BY filing_id
        ) fc WHERE filings.filing_id = fc.filing_id AND filings.company_id IS DISTINCT FROM fc.company_id""")
    _rebuild_companies(con)


def _rebuild_companies(con: duckdb.DuckDBPyConnection) -> None:
    con.create_function("ff_normalize_name", normalize_name, ["VARCHAR"], "VARCHAR",
                        null_handling="special", side_effects=False)
    try:
        con.execute("DELETE FROM companies")
        # The latest filing's facts win; every other spelling becomes other_names.
        con.execute("""
            INSERT INTO companies
            WITH m AS (
                SELECT fc.*, coalesce(f.filed_date, f.period_of_report) AS seen
                FROM filing_companies fc JOIN filings f USING (filing_id)
                WHERE fc.company_id IS NOT NULL
            )
            SELECT company_id,
                   max(cik),
                   arg_max(name, (seen, name IS NOT NULL)) FILTER (WHERE name IS NOT NULL),
                   ff_normalize_name(arg_max(name, seen) FILTER (WHERE name IS NOT NULL)),
                   arg_max(ticker, seen) FILTER (WHERE ticker IS NOT NULL),
                   arg_max(state_of_incorporation, seen) FILTER (WHERE state_of_incorporation IS NOT NULL),
                   arg_max(sec_file_number, seen) FILTER (WHERE sec_file_number IS NOT NULL),
                   arg_max(irs_number, seen) FILTER (WHERE irs_number IS NOT NULL),
                   arg_max(street1, seen) FILTER (WHERE street1 IS NOT NULL),
                   arg_max(street2, seen) FILTER (WHERE street1 IS NOT NULL),
                   arg_max(city, seen) FILTER (WHERE city IS NOT NULL),
                   arg_max(state, seen) FILTER (WHERE state IS NOT NULL),
                   arg_max(zip, seen) FILTER (WHERE zip IS NOT NULL),
                   arg_max(phone, seen) FILTER (WHERE phone IS NOT NULL),
                   list_sort(list_distinct(flatten(list(list_concat([name], coalesce(former_names, [])))))),
                   count(DISTINCT filing_id)
            FROM m GROUP BY company_id
        """)
        con.execute("""
            UPDATE companies SET other_names = list_filter(other_names, n -> n IS DISTINCT FROM name)
        """)
    finally:
        con.remove_function("ff_normalize_name")
