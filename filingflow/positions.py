"""Where each chain of a new filing starts, next to where the same chain ended
in the previous filing: the input of the cross-filing continuity expectation.

A chain is (issuer, reporting owners, security title, direct/indirect) in
Table I. Amendments are never taken as the previous filing, so a 4/A is
compared with what came before the filing it amends, not chained twice.

The stored rows read are those of the filings that may have ended a chain of
the run (its issuers' earlier filings with the same owners), so a night's cost
follows what is new, not the size of the warehouse."""
from __future__ import annotations

import duckdb
import pyarrow as pa

POSITION_COLUMNS = ("filing_id", "row_index", "table_name", "as_of", "security_title", "direct_indirect",
                    "balance_before", "previous_filing_id", "previous_as_of", "previous_balance")

_QUERY = """
WITH new_filings AS (
    SELECT filing_id, coalesce(issuer_cik, upper(issuer_name)) AS issuer_key, is_amendment,
           coalesce(period_of_report, filed_date) AS as_of
    FROM _new_filings
), new_owners AS (
    SELECT filing_id, string_agg(DISTINCT coalesce(owner_cik, upper(owner_name)), '|'
                                 ORDER BY coalesce(owner_cik, upper(owner_name))) AS owner_key
    FROM _new_owners GROUP BY filing_id
), new_chained AS (
    SELECT t.*, f.issuer_key, o.owner_key, f.as_of, f.is_amendment
    FROM (SELECT filing_id, row_index, security_title, direct_indirect, shares, acquired_disposed, shares_owned_after,
                 true AS is_tx FROM _new_tx
          UNION ALL SELECT filing_id, row_index, security_title, direct_indirect, NULL, NULL, shares_owned_after, false
          FROM _new_holdings) t
    JOIN new_filings f USING (filing_id) JOIN new_owners o USING (filing_id)
    WHERE f.as_of IS NOT NULL AND t.security_title IS NOT NULL
), firsts AS (
    SELECT * FROM new_chained WHERE is_tx
    QUALIFY row_number() OVER (PARTITION BY filing_id, security_title, direct_indirect ORDER BY row_index) = 1
), candidates AS (
    -- The stored filings that may have ended a chain a new filing starts: the same issuer, not an amendment,
    -- dated before the latest new filing. The issuer key is spelt out only where the CIK is missing:
    -- upper() over every stored name would cost more than all the rest.
    SELECT filing_id, issuer_key, as_of FROM (
        SELECT filing_id, issuer_cik AS issuer_key, is_amendment, coalesce(period_of_report, filed_date) AS as_of
        FROM filings WHERE issuer_cik IN (SELECT issuer_key FROM firsts)
        UNION ALL
        SELECT filing_id, upper(issuer_name), is_amendment, coalesce(period_of_report, filed_date)
        FROM filings WHERE issuer_cik IS NULL AND upper(issuer_name) IN (SELECT issuer_key FROM firsts))
    WHERE NOT coalesce(is_amendment, false) AND as_of < (SELECT max(as_of) FROM firsts)
      AND filing_id NOT IN (SELECT filing_id FROM _excluded)
), history AS (
    -- ... and the same reporting owners as a chain that starts.
    SELECT c.filing_id, c.issuer_key, o.owner_key, c.as_of
    FROM candidates c JOIN (
        SELECT filing_id, string_agg(DISTINCT coalesce(owner_cik, upper(owner_name)), '|'
                                     ORDER BY coalesce(owner_cik, upper(owner_name))) AS owner_key
        FROM reporting_owners WHERE filing_id IN (SELECT filing_id FROM candidates) GROUP BY filing_id
    ) o USING (filing_id)
    WHERE (c.issuer_key, o.owner_key) IN (SELECT issuer_key, owner_key FROM firsts)
), ends AS (
    SELECT filing_id, issuer_key, owner_key, security_title, direct_indirect, as_of,
           arg_max(shares_owned_after, row_index) AS last_balance
    FROM (SELECT filing_id, row_index, security_title, direct_indirect, shares_owned_after, issuer_key, owner_key, as_of
          FROM new_chained WHERE NOT coalesce(is_amendment, false)
          UNION ALL
          SELECT t.*, h.issuer_key, h.owner_key, h.as_of
          FROM (SELECT filing_id, row_index, security_title, direct_indirect, shares_owned_after FROM nonderiv_transactions
                WHERE filing_id IN (SELECT filing_id FROM history)
                UNION ALL SELECT filing_id, row_index, security_title, direct_indirect, shares_owned_after
                FROM nonderiv_holdings WHERE filing_id IN (SELECT filing_id FROM history)) t
          JOIN history h USING (filing_id)
          WHERE t.security_title IS NOT NULL)
    WHERE shares_owned_after IS NOT NULL
    GROUP BY ALL
)
SELECT f.filing_id, f.row_index, 'nonderiv_transactions' AS table_name, f.as_of, f.security_title, f.direct_indirect,
       CASE f.acquired_disposed WHEN 'A' THEN f.shares_owned_after - f.shares
                                WHEN 'D' THEN f.shares_owned_after + f.shares END AS balance_before,
       e.filing_id AS previous_filing_id, e.as_of AS previous_as_of, e.last_balance AS previous_balance
FROM firsts f
ASOF LEFT JOIN ends e
  ON e.issuer_key = f.issuer_key AND e.owner_key = f.owner_key AND e.security_title = f.security_title
 AND e.direct_indirect IS NOT DISTINCT FROM f.direct_indirect AND f.as_of > e.as_of
ORDER BY f.filing_id, f.row_index
"""


def prior_positions(con: duckdb.DuckDBPyConnection, new: dict[str, pa.Table], excluded: list[str]) -> pa.Table:
    """One row per chain of the new filings: its opening balance and the previous filing's closing one.

    `new` holds the run's rows (filings, reporting_owners, nonderiv_transactions, nonderiv_holdings);
    `excluded` the stored filings the run replaces (and the new ones), which must not count as history."""
    views = {"_new_filings": new["filings"], "_new_owners": new["reporting_owners"],
             "_new_tx": new["nonderiv_transactions"], "_new_holdings": new["nonderiv_holdings"],
             "_excluded": pa.table({"filing_id": pa.array(excluded, pa.string())})}
    # Materialised as temp tables: DuckDB cannot push its join filters into Arrow scans.
    for name, table in views.items():
        con.register(f"{name}_arrow", table)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
        con.unregister(f"{name}_arrow")
    try:
        return con.execute(_QUERY).to_arrow_table()
    finally:
        for name in views:
            con.execute(f"DROP TABLE IF EXISTS {name}")
