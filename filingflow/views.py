"""The analyst views: insider_trades, derivative_trades and company_events (with the amendment
tables they read, filingflow/amendments.py) are stored tables, computed whole by `build_stored`
and refreshed at each load by `refresh_stored` for the filings the load changed, from the same
query restricted to those filings; eight_k_item_sources is a view, created by `ensure_schema` and
run by `item_sources` over a run's rows before they load: one SQL text for each.

insider_trades (Table I) and derivative_trades (Table II) give one row per transaction and
reporting owner; their columns and meanings are in filingflow/schema.py (VIEW_TABLES), and
the SQL here gives exactly those. Each owner keeps its own relationship: on a joint filing
(a fund and its general partner, a director and the fund he manages) every owner reports the
same transactions, and combining their boxes would show a fund as a director;
`is_first_owner` picks one row per transaction for sums. `is_10b5_1` is the form's box
(aff10b5One, on forms since 2023) where the filing has it, else true when a footnote marked on
the row cites Rule 10b5-1 ("10b5-1", "10b-5-1", "10b5-1(c)")."""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from filingflow.amendments import AMENDMENT_QUERIES, BASE_FORM, COMPANY_KEY, OWNER_KEYS
from filingflow.schema import FILING_TABLES

# Rule 10b5-1 as footnotes write it; RE2 (DuckDB) runs it in linear time.
RULE_10B5_1 = r"(?i)10b\s*-?\s*5\s*-?\s*\(?\s*1"

_COMMON_HEAD = """
    t.filing_id, f.accession_number, f.form_type, f.filed_date, f.company_id,
    coalesce(f.issuer_cik, c.cik) AS issuer_cik, coalesce(c.name, f.issuer_name) AS issuer_name,
    coalesce(f.issuer_ticker, c.ticker) AS ticker,
    o.owner_index, coalesce(o.owner_count, 0) AS owner_count, coalesce(o.is_first_owner, true) AS is_first_owner,
    o.owner_cik, o.owner_name, o.is_director, o.is_officer, o.officer_title, o.is_ten_percent_owner,
    o.is_other, o.other_text,
    t.row_index, t.security_title, t.transaction_date, t.deemed_execution_date, t.transaction_code,
    tc.meaning AS transaction_meaning, t.acquired_disposed, t.shares,
    CASE t.acquired_disposed WHEN 'A' THEN t.shares WHEN 'D' THEN -t.shares END AS signed_shares,
    t.price_per_share,
    CAST(CAST(t.shares AS DECIMAL(38, 4)) * CAST(t.price_per_share AS DECIMAL(38, 6)) AS DECIMAL(38, 2)) AS value,
    t.shares_owned_after, t.direct_indirect, t.nature_of_ownership,"""
_DERIVATIVE = """
    t.conversion_or_exercise_price AS exercise_price, t.exercise_date, t.expiration_date, t.underlying_title,
    t.underlying_shares,"""
_COMMON_TAIL = """
    CASE WHEN f.aff10b5_one IS NOT NULL THEN f.aff10b5_one WHEN n.cites_10b5_1 THEN true END AS is_10b5_1,
    CASE WHEN f.aff10b5_one IS NOT NULL THEN 'aff10b5One' WHEN n.cites_10b5_1 THEN 'footnote' END AS is_10b5_1_source,
    coalesce(n.texts, []) AS footnotes, coalesce(fl.dq_flags, []) AS dq_flags,
    f.is_amendment, CAST(coalesce(s.version, 0) AS INTEGER) AS amendment_version,
    coalesce(s.original_filing_id, t.filing_id) AS original_filing_id, s.replaces_filing_id"""


def _trades_query(table: str, extra: str) -> str:
    return f"""
WITH owners AS (
    SELECT filing_id, owner_index, owner_cik, owner_name, is_director, is_officer, officer_title,
           is_ten_percent_owner, is_other, other_text,
           CAST(count(*) OVER (PARTITION BY filing_id) AS INTEGER) AS owner_count,
           owner_index = min(owner_index) OVER (PARTITION BY filing_id) AS is_first_owner
    FROM reporting_owners
), marks AS (
    SELECT DISTINCT filing_id, row_index, footnote_id FROM footnote_refs WHERE table_name = '{table}'
), notes AS (
    SELECT m.filing_id, m.row_index,
           list(fn.text ORDER BY length(m.footnote_id), m.footnote_id) FILTER (WHERE fn.text IS NOT NULL) AS texts,
           bool_or(regexp_matches(fn.text, '{RULE_10B5_1}')) AS cites_10b5_1
    FROM marks m JOIN footnotes fn USING (filing_id, footnote_id)
    GROUP BY m.filing_id, m.row_index
), flags AS (
    SELECT filing_id, row_index, list(DISTINCT expectation ORDER BY expectation) AS dq_flags
    FROM dq_flags WHERE table_name = '{table}' GROUP BY filing_id, row_index
)
SELECT {_COMMON_HEAD}{extra}{_COMMON_TAIL}
FROM {table} t
JOIN filings f USING (filing_id)
LEFT JOIN amended_sections s ON s.filing_id = t.filing_id AND s.section = '{table}'
LEFT JOIN companies c ON c.company_id = f.company_id
LEFT JOIN owners o ON o.filing_id = t.filing_id
LEFT JOIN transaction_codes tc ON tc.code = t.transaction_code
LEFT JOIN notes n ON n.filing_id = t.filing_id AND n.row_index = t.row_index
LEFT JOIN flags fl ON fl.filing_id = t.filing_id AND fl.row_index = t.row_index
WHERE coalesce(s.is_current, true)
"""


# The stored views: name -> the one query computing them, in the order they are computed.
STORED_VIEWS = {
    **AMENDMENT_QUERIES,  # first: the analyst views keep the current version of each amended section
    "insider_trades": _trades_query("nonderiv_transactions", ""),
    "derivative_trades": _trades_query("deriv_transactions", _DERIVATIVE),
    # One row per 8-K item, with the company and the dates: joins insider_trades on company_id.
    "company_events": """
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
}
_AMENDMENT_TABLES = tuple(AMENDMENT_QUERIES)
_ANALYST_TABLES = tuple(name for name in STORED_VIEWS if name not in AMENDMENT_QUERIES)

# Views computed when queried.
VIEWS = {
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

# Relations of filing rows (keyed by filing_id): a refresh reads those of the filings it recomputes only.
_FILING_ROWS = (*FILING_TABLES, "dq_flags", *STORED_VIEWS)

# What the last refresh_stored did (filings recomputed, seconds), for benchmarks and the curious.
last_refresh: dict[str, object] = {}


def _scoped(query: str, scope: str) -> str:
    """`query` over the filings in relation `scope` alone: each relation of filing rows it reads is
    shadowed by a CTE of the same name holding only those filings' rows, fetched by row id once their
    filing_id matched (else DuckDB reads every column of every row, texts included, before the match)."""
    shadows = ",\n".join(f'"{name}" AS (SELECT * FROM main."{name}" WHERE rowid IN (SELECT rowid FROM main."{name}" '
                         f'WHERE filing_id IN (SELECT filing_id FROM {scope})))' for name in _FILING_ROWS)
    return f"WITH {shadows}\nSELECT * FROM (\n{query}\n)"


def build_stored(con: duckdb.DuckDBPyConnection) -> None:
    """Compute every stored view whole: for a new warehouse, one whose definitions changed, or one of
    an older version, whose views of these names become tables."""
    views = {r[0] for r in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND NOT internal").fetchall()}
    for name in STORED_VIEWS:
        if name in views:
            con.execute(f'DROP VIEW "{name}"')
    for name, query in STORED_VIEWS.items():
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS {query}')


@dataclass(frozen=True)
class Touched:
    """What a load changed that the stored views show: the filings whose own rows or flags changed, the
    company keys those filings had before it, the companies whose row or id changed (None: any), and
    among them those that absorbed others (their filings' company keys changed)."""

    filing_ids: Iterable[str]
    keys_before: Iterable[str]
    companies: Iterable[str] | None
    merged: Iterable[str] = ()


def company_keys(con: duckdb.DuckDBPyConnection, scope: str) -> set[str]:
    """The company keys (amendments pair within one) of the filings in relation `scope`, as they are now."""
    return {r[0] for r in con.execute(
        f"SELECT DISTINCT {COMPANY_KEY} FROM filings WHERE filing_id IN (SELECT filing_id FROM {scope})").fetchall()
        if r[0] is not None}


def refresh_stored(con: duckdb.DuckDBPyConnection, touched: Touched) -> None:
    """Bring the stored views up to date inside the load's transaction, at a cost that follows what
    changed: the amendment tables are recomputed for the filings of the amendment groups touched
    (company key, form and reporting owners of each changed filing; every filing of the company keys
    the changed filings had before, and of the companies that absorbed others), then the analyst
    tables for the filings whose own rows, amendment state or company changed; each by its one query
    restricted to those filings."""
    started = time.perf_counter()
    if touched.companies is None:
        build_stored(con)
        last_refresh.update(mode="rebuilt", seconds=time.perf_counter() - started)
        return
    con.register("_views_ids", pa.table({"filing_id": pa.array(sorted(set(touched.filing_ids)), pa.string())}))
    con.register("_views_key_list", pa.table({"key": pa.array(
        sorted(set(touched.keys_before) | set(touched.merged)), pa.string())}))
    con.register("_views_company_list", pa.table({"company_id": pa.array(sorted(set(touched.companies)), pa.string())}))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _views_changed AS SELECT DISTINCT filing_id FROM _views_ids")
        # The groups of the changed filings: filings of their company keys and forms (read from filings
        # alone), kept where their owners are the same.
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _views_family AS
            WITH changed AS MATERIALIZED (
                SELECT filing_id, {COMPANY_KEY} AS company_key, {BASE_FORM} AS base_form FROM filings
                WHERE filing_id IN (SELECT filing_id FROM _views_changed)
            ), candidates AS MATERIALIZED (
                SELECT filing_id, {COMPANY_KEY} AS company_key, {BASE_FORM} AS base_form FROM filings
                WHERE {COMPANY_KEY} IN (SELECT company_key FROM changed)
            ), owners AS MATERIALIZED (
                SELECT filing_id, {OWNER_KEYS} AS owner_keys FROM reporting_owners
                WHERE filing_id IN (SELECT filing_id FROM candidates) GROUP BY filing_id
            ), grouped AS (
                SELECT c.*, coalesce(o.owner_keys, []) AS owner_keys FROM candidates c LEFT JOIN owners o USING (filing_id)
            )
            SELECT g.filing_id FROM grouped g
            JOIN (SELECT * FROM grouped WHERE filing_id IN (SELECT filing_id FROM changed)) c
              USING (company_key, base_form, owner_keys)
            UNION SELECT filing_id FROM filings WHERE {COMPANY_KEY} IN (SELECT key FROM _views_key_list)""")
        gone = "filing_id IN (SELECT filing_id FROM _views_family UNION SELECT filing_id FROM _views_changed)"
        con.execute(f"CREATE OR REPLACE TEMP TABLE _views_sections_before AS SELECT * FROM amended_sections WHERE {gone}")
        for name in _AMENDMENT_TABLES:
            con.execute(f'DELETE FROM "{name}" WHERE {gone}')
            con.execute(f'INSERT INTO "{name}" {_scoped(STORED_VIEWS[name], "_views_family")}')
        # The analyst rows of a filing follow its own rows and flags, its amendment state and its company's row.
        con.execute("""
            CREATE OR REPLACE TEMP TABLE _views_scope AS
            WITH after AS (SELECT * FROM amended_sections WHERE filing_id IN (SELECT filing_id FROM _views_family))
            SELECT filing_id FROM _views_changed
            UNION SELECT filing_id FROM (SELECT * FROM _views_sections_before EXCEPT SELECT * FROM after)
            UNION SELECT filing_id FROM (SELECT * FROM after EXCEPT SELECT * FROM _views_sections_before)
            UNION SELECT filing_id FROM filings WHERE company_id IN (SELECT company_id FROM _views_company_list)""")
        for name in _ANALYST_TABLES:
            con.execute(f'DELETE FROM "{name}" WHERE filing_id IN (SELECT filing_id FROM _views_scope)')
            con.execute(f'INSERT INTO "{name}" {_scoped(STORED_VIEWS[name], "_views_scope")}')
        family, scope = con.execute("SELECT (SELECT count(*) FROM _views_family), "
                                    "(SELECT count(*) FROM _views_scope)").fetchone()
        last_refresh.update(mode="refreshed", family_filings=family, filings=scope,
                            seconds=time.perf_counter() - started)
    finally:
        for name in ("_views_ids", "_views_key_list", "_views_company_list"):
            con.unregister(name)
        try:
            for name in ("_views_changed", "_views_family", "_views_sections_before", "_views_scope"):
                con.execute(f"DROP TABLE IF EXISTS {name}")
        except duckdb.TransactionException:
            pass  # a statement above failed and aborted the load's transaction: its error is the one to see
