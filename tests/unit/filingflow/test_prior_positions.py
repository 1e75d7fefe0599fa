"""Prior positions (the input of cross-filing continuity) read only the stored filings that may end a
chain of the run, and answer exactly as a reading of the whole history does."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filingflow.positions import prior_positions
from filingflow.schema import TABLES

OWNERSHIP_TABLES = ("filings", "reporting_owners", "nonderiv_transactions", "nonderiv_holdings")

# What prior_positions answered when it read every stored filing of the run's issuers: the reference.
WHOLE_HISTORY = """
WITH issuers AS (
    SELECT DISTINCT coalesce(issuer_cik, upper(issuer_name)) AS issuer_key FROM _new_filings
), history AS (
    SELECT filing_id, coalesce(issuer_cik, upper(issuer_name)) AS issuer_key, is_amendment,
           coalesce(period_of_report, filed_date) AS as_of
    FROM filings
    WHERE coalesce(issuer_cik, upper(issuer_name)) IN (SELECT issuer_key FROM issuers)
      AND filing_id NOT IN (SELECT filing_id FROM _excluded)
), all_filings AS (
    SELECT filing_id, coalesce(issuer_cik, upper(issuer_name)) AS issuer_key, is_amendment,
           coalesce(period_of_report, filed_date) AS as_of, true AS is_new
    FROM _new_filings
    UNION ALL
    SELECT *, false FROM history
), owners AS (
    SELECT filing_id, string_agg(DISTINCT coalesce(owner_cik, upper(owner_name)), '|'
                                 ORDER BY coalesce(owner_cik, upper(owner_name))) AS owner_key
    FROM (SELECT filing_id, owner_cik, owner_name FROM _new_owners
          UNION ALL SELECT filing_id, owner_cik, owner_name FROM reporting_owners
          WHERE filing_id IN (SELECT filing_id FROM history))
    GROUP BY filing_id
), table_i AS (
    SELECT filing_id, row_index, security_title, direct_indirect, shares, acquired_disposed, shares_owned_after, true AS is_tx
    FROM _new_tx
    UNION ALL SELECT filing_id, row_index, security_title, direct_indirect, NULL, NULL, shares_owned_after, false FROM _new_holdings
    UNION ALL SELECT filing_id, row_index, security_title, direct_indirect, shares, acquired_disposed, shares_owned_after, true
    FROM nonderiv_transactions WHERE filing_id IN (SELECT filing_id FROM history)
    UNION ALL SELECT filing_id, row_index, security_title, direct_indirect, NULL, NULL, shares_owned_after, false
    FROM nonderiv_holdings WHERE filing_id IN (SELECT filing_id FROM history)
), chained AS (
    SELECT t.*, f.issuer_key, o.owner_key, f.as_of, f.is_amendment, f.is_new
    FROM table_i t JOIN all_filings f USING (filing_id) JOIN owners o USING (filing_id)
    WHERE f.as_of IS NOT NULL AND t.security_title IS NOT NULL
), ends AS (
    SELECT filing_id, issuer_key, owner_key, security_title, direct_indirect, as_of,
           arg_max(shares_owned_after, row_index) AS last_balance
    FROM chained WHERE NOT coalesce(is_amendment, false) AND shares_owned_after IS NOT NULL
    GROUP BY ALL
), firsts AS (
    SELECT * FROM chained WHERE is_new AND is_tx
    QUALIFY row_number() OVER (PARTITION BY filing_id, security_title, direct_indirect ORDER BY row_index) = 1
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

# Few values each, so that chains meet: an issuer by CIK or by name only (in two cases), an owner likewise.
ISSUERS = [("0000000001", "Acme Corp"), ("0000000001", None), (None, "Acme Corp"), (None, "ACME CORP"),
           ("0000000002", "Beta Inc"), (None, None)]
OWNERS = [("0000000011", "Doe John"), (None, "doe john"), (None, "DOE JOHN"), ("0000000012", None), (None, None)]
TITLES = ["Common Stock", "Class B Common", None]
WAYS = ["D", "I", None]
DAY0 = dt.date(2020, 1, 1)

amount = st.integers(0, 40).map(Decimal)
tx_row = st.tuples(st.sampled_from(TITLES), st.sampled_from(WAYS), st.one_of(st.none(), amount),
                   st.sampled_from(["A", "D", None]), st.one_of(st.none(), amount))
holding_row = st.tuples(st.sampled_from(TITLES), st.sampled_from(WAYS), st.one_of(st.none(), amount))
filing = st.fixed_dictionaries({
    "issuer": st.sampled_from(ISSUERS), "owners": st.lists(st.sampled_from(OWNERS), max_size=3),
    "amendment": st.booleans(), "dated": st.sampled_from(["period", "filed", "neither"]),
    "tx": st.lists(tx_row, max_size=4), "holdings": st.lists(holding_row, max_size=2),
    "kind": st.sampled_from(["stored", "stored", "new", "replaced"]),
})


def _rows(filings: list[dict], order: list[int]) -> dict[str, dict[str, list[dict]]]:
    """Rows per kind (stored, new, replaced) and table; filing i is dated by its place in `order`, so no two
    filings share a date (a tie would leave which previous filing is taken to DuckDB's order)."""
    out = {kind: {name: [] for name in OWNERSHIP_TABLES} for kind in ("stored", "new", "replaced")}
    for i, f in enumerate(filings):
        rows, fid = out[f["kind"]], f"f{i:03d}"
        day = DAY0 + dt.timedelta(days=2 * order[i])
        rows["filings"].append(TABLES["filings"].row(
            filing_id=fid, issuer_cik=f["issuer"][0], issuer_name=f["issuer"][1], is_amendment=f["amendment"],
            form_type="4/A" if f["amendment"] else "4", content_id=f"ff-{i}", source_file=f"{fid}.xml",
            source_sha256="0" * 64, source_format="ownership_xml", parser_version="1", run_id="r1",
            loaded_at=dt.datetime(2020, 1, 1),
            period_of_report=day if f["dated"] == "period" else None,
            filed_date=day + dt.timedelta(days=1) if f["dated"] == "filed" else None))
        for n, (cik, name) in enumerate(f["owners"]):
            rows["reporting_owners"].append(TABLES["reporting_owners"].row(
                filing_id=fid, owner_index=n, owner_cik=cik, owner_name=name))
        for n, (title, way, shares, direction, after) in enumerate(f["tx"]):
            rows["nonderiv_transactions"].append(TABLES["nonderiv_transactions"].row(
                filing_id=fid, row_index=n, security_title=title, direct_indirect=way, shares=shares,
                acquired_disposed=direction, shares_owned_after=after))
        for n, (title, way, after) in enumerate(f["holdings"], start=len(f["tx"])):
            rows["nonderiv_holdings"].append(TABLES["nonderiv_holdings"].row(
                filing_id=fid, row_index=n, security_title=title, direct_indirect=way, shares_owned_after=after))
    return out


def _warehouse(rows: dict[str, dict[str, list[dict]]]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name in OWNERSHIP_TABLES:
        con.execute(TABLES[name].ddl())
        stored = TABLES[name].to_arrow(rows["stored"][name] + rows["replaced"][name])
        con.register("_rows", stored)
        con.execute(f"INSERT INTO {name} SELECT * FROM _rows")
        con.unregister("_rows")
    return con


def _reference(con, new: dict[str, pa.Table], excluded: list[str]) -> pa.Table:
    views = {"_new_filings": new["filings"], "_new_owners": new["reporting_owners"],
             "_new_tx": new["nonderiv_transactions"], "_new_holdings": new["nonderiv_holdings"],
             "_excluded": pa.table({"filing_id": pa.array(excluded, pa.string())})}
    for name, table in views.items():
        con.register(name, table)
    try:
        return con.execute(WHOLE_HISTORY).to_arrow_table()
    finally:
        for name in views:
            con.unregister(name)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(filing, min_size=1, max_size=14), st.randoms(use_true_random=False))
def test_prior_positions_equal_a_reading_of_the_whole_history(filings, rnd):
    order = list(range(len(filings)))
    rnd.shuffle(order)
    rows = _rows(filings, order)
    con = _warehouse(rows)
    new = {name: TABLES[name].to_arrow(rows["new"][name]) for name in OWNERSHIP_TABLES}
    excluded = sorted(r["filing_id"] for r in rows["replaced"]["filings"] + rows["new"]["filings"])
    got = prior_positions(con, new, excluded)
    assert got.equals(_reference(con, new, excluded))


def test_previous_filing_found_by_cik_and_by_name():
    """A chain continued from the stored filing of the same issuer and owners, dated before, not amended:
    the nearest such filing's last balance; an amendment, another owner or a later filing is never taken."""
    stored = [  # (issuer, owners, amendment, day, balances of Common Stock in row order)
        (("0000000001", "Acme Corp"), [("0000000011", "Doe John")], False, 1, [Decimal(100), Decimal(120)]),
        (("0000000001", "Acme Corp"), [("0000000011", "Doe John")], False, 3, [Decimal(130)]),
        (("0000000001", "Acme Corp"), [("0000000011", "Doe John")], True, 4, [Decimal(999)]),  # amendment
        (("0000000001", "Acme Corp"), [("0000000012", "Roe Jane")], False, 5, [Decimal(555)]),  # another owner
        ((None, "beta inc"), [(None, "Poe Ann")], False, 2, [Decimal(70)]),
        (("0000000001", "Acme Corp"), [("0000000011", "Doe John")], False, 9, [Decimal(777)]),  # after the new one
    ]
    filings = [{"issuer": issuer, "owners": owners, "amendment": amended, "dated": "period",
                "tx": [("Common Stock", "D", Decimal(1), "A", b) for b in balances], "holdings": [], "kind": "stored"}
               for issuer, owners, amended, _, balances in stored]
    filings += [
        {"issuer": ("0000000001", "Acme Corp"), "owners": [("0000000011", "Doe John")], "amendment": False,
         "dated": "period", "tx": [("Common Stock", "D", Decimal(10), "D", Decimal(120))], "holdings": [], "kind": "new"},
        {"issuer": (None, "BETA INC"), "owners": [(None, "POE ANN")], "amendment": False,
         "dated": "period", "tx": [("Common Stock", "D", Decimal(5), "A", Decimal(75))], "holdings": [], "kind": "new"},
    ]
    days = [day for *_, day, _ in stored] + [6, 7]
    rows = _rows(filings, days)
    con = _warehouse(rows)
    new = {name: TABLES[name].to_arrow(rows["new"][name]) for name in OWNERSHIP_TABLES}
    excluded = sorted(r["filing_id"] for r in rows["new"]["filings"])
    got = prior_positions(con, new, excluded).to_pylist()
    assert [(r["filing_id"], r["balance_before"], r["previous_filing_id"], r["previous_balance"]) for r in got] == [
        ("f006", Decimal(130), "f001", Decimal(130)),
        ("f007", Decimal(70), "f004", Decimal(70)),
    ]
