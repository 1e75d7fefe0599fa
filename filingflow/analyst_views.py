"""The insider views: `insider_trades` (Table I) and `derivative_trades` (Table II), one row per
transaction and reporting owner. Their columns and meanings are in filingflow/schema.py
(VIEW_TABLES); the SQL here gives exactly those.

Each owner keeps its own relationship: on a joint filing (a fund and its general partner, a
director and the fund he manages) every owner reports the same transactions, and combining their
boxes would show a fund as a director. `is_first_owner` picks one row per transaction for sums.

`is_10b5_1` is the form's box (aff10b5One, on forms since 2023) where the filing has it, else
true when a footnote marked on the row cites Rule 10b5-1 ("10b5-1", "10b-5-1", "10b5-1(c)")."""
from __future__ import annotations

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


def _trades_view(name: str, table: str, extra: str) -> str:
    return f"""
CREATE OR REPLACE VIEW {name} AS
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


INSIDER_VIEWS = {
    "insider_trades": _trades_view("insider_trades", "nonderiv_transactions", ""),
    "derivative_trades": _trades_view("derivative_trades", "deriv_transactions", _DERIVATIVE),
}
