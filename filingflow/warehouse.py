"""The DuckDB warehouse: tables from the schema, the ingest ledger, and the
one-transaction idempotent load of a run's staged Parquet."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from filingflow import faults, lake
from filingflow.amendments import AMENDMENT_VIEWS
from filingflow.companies import ENTITY_NAME_SQL_PATTERN, CompanyResolver, is_entity_name, normalize_name, pad_cik
from filingflow.reference import reference_rows
from filingflow.schema import FILING_TABLES, TABLE_LIST, TABLES
from filingflow.search import update_search

# DuckDB memory of a run's connections (loading 100,000 filings stays within it).
RUN_MEMORY_LIMIT = "512MB"
# Which company a filing is "about", in order of preference.
_FILING_COMPANY_ROLES = ("issuer", "registrant", "subject_company", "filer", "filed_by")

VIEWS = {
    **AMENDMENT_VIEWS,  # first: the analyst views keep the current version of each amended section
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
       coalesce(fl.dq_flags, []) AS dq_flags, coalesce(s.original_filing_id, t.filing_id) AS original_filing_id,
       s.replaces_filing_id
FROM nonderiv_transactions t
JOIN filings f USING (filing_id)
LEFT JOIN amended_sections s ON s.filing_id = t.filing_id AND s.section = 'nonderiv_transactions'
LEFT JOIN companies c ON c.company_id = f.company_id
LEFT JOIN owners o USING (filing_id)
LEFT JOIN transaction_codes tc ON tc.code = t.transaction_code
LEFT JOIN flags fl USING (filing_id, row_index)
WHERE coalesce(s.is_current, true)
""",
    # One row per 8-K item, with the company and the dates: joins insider_trades on company_id.
    "company_events": """
CREATE OR REPLACE VIEW company_events AS
SELECT r.filing_id, r.item_index, f.company_id, c.name AS company_name, coalesce(c.cik, f.issuer_cik) AS cik,
       coalesce(f.issuer_ticker, c.ticker) AS ticker, f.period_of_report AS event_date, f.filed_date, f.form_type,
       r.item_code, r.item_code_current, r.title, coalesce(s.original_filing_id, r.filing_id) AS original_filing_id,
       s.replaces_filing_id
FROM report_items r
JOIN filings f USING (filing_id)
LEFT JOIN amended_sections s
       ON s.filing_id = r.filing_id AND s.section = 'item ' || coalesce(r.item_code_current, r.item_code)
LEFT JOIN companies c ON c.company_id = f.company_id
WHERE coalesce(s.is_current, true)
""",
    # 8-K items as the EDGAR header lists them (codes, or ITEM INFORMATION titles matched to the
    # reference titles of both numberings) against the items the document itself has; the
    # document's reading is the one kept in report_items. agree is null when a side is empty
    # or a header title matches no reference title (header_items_unmapped).
    "eight_k_item_sources": r"""
CREATE OR REPLACE VIEW eight_k_item_sources AS
WITH eight_k AS (
    SELECT filing_id, form_type, header_items FROM filings WHERE form_type LIKE '8-K%'
), ref AS (
    SELECT code, numbering_era, current_code, regexp_replace(lower(title), '[^a-z0-9]+', '', 'g') AS norm
    FROM eight_k_items
), header AS (
    SELECT filing_id, trim(item) AS item, regexp_replace(lower(item), '[^a-z0-9]+', '', 'g') AS norm
    FROM (SELECT filing_id, unnest(header_items) AS item FROM eight_k)
    WHERE nullif(trim(item), '') IS NOT NULL
), mapped AS (
    SELECT h.filing_id, h.item,
           CASE WHEN regexp_full_match(h.item, '\d+\.\d+')
                    THEN (SELECT min(current_code) FROM ref WHERE ref.code = h.item AND numbering_era = 'current')
                WHEN regexp_full_match(h.item, '\d+')
                    THEN (SELECT min(current_code) FROM ref WHERE ref.code = h.item AND numbering_era = 'pre_2004')
                ELSE coalesce(
                    (SELECT CASE WHEN count(DISTINCT current_code) = 1 THEN min(current_code) END
                     FROM ref WHERE ref.norm = h.norm),
                    -- older wordings of a title ("...Principal Officers") share its first 20 letters
                    (SELECT CASE WHEN count(DISTINCT current_code) = 1 THEN min(current_code) END
                     FROM ref WHERE length(h.norm) >= 20 AND left(ref.norm, 20) = left(h.norm, 20)))
           END AS code
    FROM header h
), header_items AS (
    SELECT filing_id,
           coalesce(list(DISTINCT code ORDER BY code) FILTER (WHERE code IS NOT NULL), []) AS items,
           coalesce(list(item ORDER BY item) FILTER (WHERE code IS NULL), []) AS unmapped
    FROM mapped GROUP BY filing_id
), document_items AS (
    SELECT filing_id, list(DISTINCT coalesce(item_code_current, item_code) ORDER BY coalesce(item_code_current, item_code)) AS items
    FROM report_items GROUP BY filing_id
)
SELECT e.filing_id, e.form_type,
       coalesce(d.items, []) AS items_in_document,
       coalesce(h.items, []) AS items_in_header,
       coalesce(h.unmapped, []) AS header_items_unmapped,
       CASE WHEN len(coalesce(d.items, [])) = 0 OR h.filing_id IS NULL OR len(h.unmapped) > 0 THEN NULL
            ELSE d.items = h.items END AS agree
FROM eight_k e
LEFT JOIN document_items d USING (filing_id)
LEFT JOIN header_items h USING (filing_id)
""",
}


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `filingflow run` first")
    path.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(path), read_only=read_only)


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
            _resolve_companies(con, losing)
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
        run_row = {**plan.run_row, "finished_at": dt.datetime.now(dt.timezone.utc), "status": "completed",
                   "rows_loaded": sum(inserted.values())}
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


def _resolve_companies(con: duckdb.DuckDBPyConnection, losing: set[str]) -> None:
    """Give every unresolved company mention a company_id, apply merges,
    set filings.company_id and rebuild the companies and company_names rows
    of the companies that changed: those mentions were resolved to, merged,
    and `losing` (companies that lost mentions with the run's replaced filings).

    Mentions are the company blocks of filing_companies and the reporting
    owners that are entities (is_entity_name: LLC, LP, FUND, TRUST, ...);
    people get no company_id. CIK mentions resolve first."""
    entity = "regexp_matches({col}, '" + ENTITY_NAME_SQL_PATTERN.replace("'", "''") + "')"
    pending = con.execute(
        "SELECT * FROM (SELECT 'filing_companies' AS tbl, filing_id, company_index, cik, name, ticker, sec_file_number, irs_number, role "
        "FROM filing_companies WHERE company_id IS NULL AND (role <> 'reporting_owner' OR "
        + entity.replace("{col}", "name") + ") "
        "UNION ALL SELECT 'reporting_owners', filing_id, owner_index, owner_cik, owner_name, NULL, NULL, NULL, NULL "
        "FROM reporting_owners WHERE company_id IS NULL AND " + entity.replace("{col}", "owner_name") + ") "
        "ORDER BY cik IS NULL, filing_id, tbl, company_index").fetchall()
    resolver = CompanyResolver()
    for cid, mention in _known_mentions(con, pending):
        resolver.learn(cid, mention)
    updates: dict[str, list[tuple[str, int, str]]] = {"filing_companies": [], "reporting_owners": []}
    for tbl, fid, idx, cik, name, ticker, file_no, irs, role in pending:
        if (tbl == "reporting_owners" or role == "reporting_owner") and not is_entity_name(name):
            continue  # the SQL pattern only pre-filters; people stay without company_id
        company_id = resolver.resolve({"cik": cik, "name": name, "ticker": ticker,
                                       "sec_file_number": file_no, "irs_number": irs})
        if company_id:
            updates[tbl].append((fid, idx, company_id))
    for tbl, index_col in (("filing_companies", "company_index"), ("reporting_owners", "owner_index")):
        rows = updates[tbl]
        if not rows:
            continue
        con.register("_resolved", pa.table({
            "filing_id": pa.array([u[0] for u in rows], pa.string()),
            "idx": pa.array([u[1] for u in rows], pa.int32()),
            "company_id": pa.array([u[2] for u in rows], pa.string())}))
        con.execute(f"UPDATE {tbl} SET company_id = r.company_id FROM _resolved r "
                    f"WHERE {tbl}.filing_id = r.filing_id AND {tbl}.{index_col} = r.idx")
        con.unregister("_resolved")
    if resolver.merges:  # a merge target has a CIK and is never merged again: one pass applies them all
        con.register("_merges", pa.table({"old": pa.array(list(resolver.merges), pa.string()),
                                          "new": pa.array(list(resolver.merges.values()), pa.string())}))
        for tbl in ("filing_companies", "reporting_owners"):
            con.execute(f"UPDATE {tbl} SET company_id = m.new FROM _merges m WHERE {tbl}.company_id = m.old")
        con.unregister("_merges")
    roles = ", ".join(f"'{r}'" for r in _FILING_COMPANY_ROLES)
    order = " ".join(f"WHEN '{r}' THEN {i}" for i, r in enumerate(_FILING_COMPANY_ROLES))
    con.execute(f"""
        UPDATE filings SET company_id = fc.company_id FROM (
            SELECT filing_id, arg_min(company_id, (CASE role {order} END, company_index)) AS company_id
            FROM filing_companies WHERE role IN ({roles}) AND company_id IS NOT NULL GROUP BY filing_id
        ) fc WHERE filings.filing_id = fc.filing_id AND filings.company_id IS DISTINCT FROM fc.company_id""")
    changed = losing | set(resolver.merges) | set(resolver.merges.values()) | {
        u[2] for rows in updates.values() for u in rows}
    # A warehouse whose companies table was never filled (written by an older version) is rebuilt whole.
    whole = con.execute("SELECT count(*) FROM companies").fetchone()[0] == 0
    _rebuild_companies(con, None if whole else changed)


def _known_mentions(con: duckdb.DuckDBPyConnection, pending: list[tuple]) -> Iterator[tuple[str, dict]]:
    """The resolved mentions the resolver must know to resolve `pending` as if it knew them all: every
    mention of every company that shares a CIK or a key (file number, IRS number, normalized name,
    ticker) with a pending mention. Other companies can neither match nor be merged, and learning a
    whole warehouse's mentions every run would cost seconds. Names come normalized from
    company_names (the last load's, same function) where it has them."""
    if not pending:
        return
    ciks = {c for row in pending if (c := pad_cik(row[3]))}
    keys = {key for _, _, _, cik, name, ticker, file_no, irs, _ in pending
            for key in CompanyResolver._keys({"name": name, "ticker": ticker, "sec_file_number": file_no,
                                              "irs_number": irs})}
    rows = con.execute("""
        SELECT m.company_id, m.cik, m.name, m.ticker, m.sec_file_number, m.irs_number, n.normalized_name
        FROM (SELECT company_id, cik, name, ticker, sec_file_number, irs_number FROM filing_companies
              WHERE company_id IS NOT NULL
              UNION ALL SELECT company_id, owner_cik, owner_name, NULL, NULL, NULL FROM reporting_owners
              WHERE company_id IS NOT NULL) m
        LEFT JOIN (SELECT DISTINCT company_id, name, normalized_name FROM company_names) n
               ON n.company_id = m.company_id AND n.name = trim(m.name)
        ORDER BY m.cik IS NULL""").fetchall()
    mentions = [(cid, {"cik": cik, "name": name, "ticker": ticker, "sec_file_number": file_no, "irs_number": irs,
                       "normalized_name": normalized or normalize_name(name)})
                for cid, cik, name, ticker, file_no, irs, normalized in rows]
    touched = {cid for cid, m in mentions
               if pad_cik(m["cik"]) in ciks or not keys.isdisjoint(CompanyResolver._keys(m))}
    yield from ((cid, m) for cid, m in mentions if cid in touched)


def _rebuild_companies(con: duckdb.DuckDBPyConnection, changed: set[str] | None) -> None:
    """Recompute the companies and company_names rows of the `changed` companies (None: of all): each
    row derives from its company's mentions alone."""
    if changed is not None and not changed:
        return
    con.register("_changed", pa.table({"company_id": pa.array(sorted(changed or []), pa.string())}))
    only = "" if changed is None else " AND company_id IN (SELECT company_id FROM _changed)"
    con.create_function("ff_normalize_name", normalize_name, ["VARCHAR"], "VARCHAR",
                        null_handling="special", side_effects=False)
    try:
        con.execute("DELETE FROM companies WHERE true" + only)
        # The latest filing's facts win; every other spelling becomes other_names.
        con.execute("""
            INSERT INTO companies
            WITH mentions AS (
                SELECT filing_id, 0 AS src, company_index AS idx, company_id, cik, name, ticker,
                       state_of_incorporation, sec_file_number, irs_number, street1, street2, city, state, zip,
                       phone, former_names
                FROM filing_companies WHERE company_id IS NOT NULL""" + only + """
                UNION ALL
                SELECT filing_id, 1, owner_index, company_id, owner_cik, owner_name, NULL, NULL, NULL, NULL, street1,
                       street2, city, state, zip, NULL, NULL
                FROM reporting_owners WHERE company_id IS NOT NULL""" + only + """
            ), m AS (
                -- last: the latest mention first, ties broken by filing and position so that any
                -- rebuild (whole or of some companies) picks the same one.
                SELECT mentions.*, coalesce(f.filed_date, f.period_of_report) AS seen,
                       CASE WHEN seen IS NOT NULL THEN (seen, filing_id, src, idx) END AS last
                FROM mentions JOIN filings f USING (filing_id)
            )
            SELECT company_id,
                   max(cik),
                   arg_max(name, (seen, name IS NOT NULL, filing_id, src, idx)) FILTER (WHERE name IS NOT NULL),
                   ff_normalize_name(arg_max(name, last) FILTER (WHERE name IS NOT NULL)),
                   arg_max(ticker, last) FILTER (WHERE ticker IS NOT NULL),
                   arg_max(state_of_incorporation, last) FILTER (WHERE state_of_incorporation IS NOT NULL),
                   arg_max(sec_file_number, last) FILTER (WHERE sec_file_number IS NOT NULL),
                   arg_max(irs_number, last) FILTER (WHERE irs_number IS NOT NULL),
                   arg_max(street1, last) FILTER (WHERE street1 IS NOT NULL),
                   arg_max(street2, last) FILTER (WHERE street1 IS NOT NULL),
                   arg_max(city, last) FILTER (WHERE city IS NOT NULL),
                   arg_max(state, last) FILTER (WHERE state IS NOT NULL),
                   arg_max(zip, last) FILTER (WHERE zip IS NOT NULL),
                   arg_max(phone, last) FILTER (WHERE phone IS NOT NULL),
                   list_sort(list_distinct(flatten(list(list_concat([name], coalesce(former_names, [])))))),
                   count(DISTINCT filing_id)
            FROM m GROUP BY company_id
        """)
        con.execute("""
            UPDATE companies SET other_names = list_filter(other_names, n -> n IS DISTINCT FROM name)
            WHERE true""" + only)
        con.execute("DELETE FROM company_names WHERE true" + only)
        con.execute("""
            INSERT INTO company_names
            WITH spellings AS (
                SELECT company_id, trim(name) AS name, filing_id, false AS former
                FROM filing_companies WHERE company_id IS NOT NULL""" + only + """
                UNION ALL
                SELECT company_id, trim(unnest(former_names)), filing_id, true
                FROM filing_companies WHERE company_id IS NOT NULL AND len(former_names) > 0""" + only + """
                UNION ALL
                SELECT company_id, trim(owner_name), filing_id, false
                FROM reporting_owners WHERE company_id IS NOT NULL""" + only + """
            ), dated AS (
                SELECT s.*, coalesce(f.filed_date, f.period_of_report) AS seen
                FROM spellings s JOIN filings f USING (filing_id)
                WHERE nullif(s.name, '') IS NOT NULL
            )
            SELECT company_id, name, ff_normalize_name(name), bool_and(former),
                   arg_min(filing_id, (coalesce(seen, DATE '9999-12-31'), filing_id)),
                   min(seen), max(seen), count(DISTINCT filing_id)
            FROM dated GROUP BY company_id, name
        """)
    finally:
        con.remove_function("ff_normalize_name")
        con.unregister("_changed")
