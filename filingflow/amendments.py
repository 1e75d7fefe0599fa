"""Amendments as the warehouse shows them: which filing each amendment
amends, and which version of each section of a filing is the current one.

Raw tables keep every filing, the original and its amendments alike. An
amendment is paired with an earlier filing of the same form (4/A with 4 or
4/A, 8-K/A with 8-K), company and reporting owners whose date matches: its
date of original submission is that filing's filing date (preferred), else
both report the same period; among equals the latest. A 4/A of a 4/A
belongs to the same original (filing_amendments).

Sections are what an amendment restates as a whole: Table I transactions,
Table I holdings, Table II transactions, Table II holdings, and each 8-K item.
The latest filing of an original's family that has rows in a section is its
current version; sections an amendment leaves out stay with the earlier
filing (amended_sections, which holds only the filings of such families: the
others are their own current version). The analyst views (insider_trades,
company_events) keep current sections only.

Both are stored tables (filingflow/views.py refreshes them at each load): an
amendment is paired within its group only (company key, form, reporting
owners), so the rows of the filings of some groups are computed exactly from
those filings alone."""
from __future__ import annotations

# The company an amendment and its original must share (filings of one company key are paired
# among themselves only): a SQL expression over filings' columns.
COMPANY_KEY = "coalesce(company_id, 'cik:' || issuer_cik, 'name:' || upper(issuer_name))"
# The form they share (4/A with 4 or 4/A), over filings' columns.
BASE_FORM = "replace(upper(form_type), '/A', '')"
# The reporting owners they share, an aggregate over a filing's reporting_owners rows (a filing without
# any has []). Company key, base form and owner keys make an amendment's group: it is paired within it
# only, so the amendment rows of whole groups are computed exactly from their filings alone.
OWNER_KEYS = "list_sort(list_distinct(list(coalesce(nullif(ltrim(owner_cik, '0'), ''), upper(trim(owner_name))))))"

# Queries (one SELECT each) of the stored amendment tables, in the order they are computed.
AMENDMENT_QUERIES = {
    "filing_amendments": r"""
WITH RECURSIVE keyed AS MATERIALIZED (
    SELECT filing_id, is_amendment, """ + BASE_FORM + r""" AS base_form,
           """ + COMPANY_KEY + r""" AS company_key,
           filed_date, period_of_report, date_of_original_submission, acceptance_datetime,
           coalesce(accession_number, filing_id) AS accession
    FROM filings
), related AS MATERIALIZED (
    -- Amendments and the filings that may be their originals: only these are looked at further.
    SELECT filing_id FROM keyed WHERE is_amendment
    UNION
    SELECT o.filing_id
    FROM keyed a
    JOIN keyed o ON o.base_form = a.base_form AND o.company_key = a.company_key AND o.filing_id <> a.filing_id
            AND (a.date_of_original_submission = o.filed_date OR a.period_of_report = o.period_of_report)
    WHERE a.is_amendment
), owners AS (
    SELECT filing_id,
           """ + OWNER_KEYS + r""" AS owner_keys
    FROM reporting_owners WHERE filing_id IN (SELECT filing_id FROM related) GROUP BY filing_id
), f AS MATERIALIZED (
    SELECT k.*, coalesce(o.owner_keys, []) AS owner_keys,
           -- filing order: filed date (else the period), EDGAR acceptance time, accession number
           row_number() OVER (ORDER BY coalesce(filed_date, period_of_report), acceptance_datetime, accession)
               AS filing_order
    FROM keyed k JOIN related USING (filing_id) LEFT JOIN owners o USING (filing_id)
), candidates AS (
    SELECT a.filing_id, o.filing_id AS amends_filing_id,
           CASE WHEN a.date_of_original_submission = o.filed_date THEN 'date_of_original_submission'
                ELSE 'period_of_report' END AS matched_by,
           row_number() OVER (PARTITION BY a.filing_id ORDER BY
               coalesce(a.date_of_original_submission = o.filed_date, false) DESC,
               coalesce(a.period_of_report = o.period_of_report, false) DESC,
               o.filing_order DESC) AS preference
    FROM f a
    JOIN f o ON o.base_form = a.base_form AND o.company_key = a.company_key AND o.owner_keys = a.owner_keys
            AND o.filing_order < a.filing_order
            AND (a.date_of_original_submission = o.filed_date OR a.period_of_report = o.period_of_report)
    WHERE a.is_amendment
), pairs AS (
    SELECT filing_id, amends_filing_id, matched_by FROM candidates WHERE preference = 1
), chain(filing_id, original_filing_id, depth) AS (
    SELECT filing_id, amends_filing_id, 1 FROM pairs
    UNION ALL
    SELECT c.filing_id, p.amends_filing_id, c.depth + 1 FROM chain c JOIN pairs p ON p.filing_id = c.original_filing_id
), originals AS (
    SELECT filing_id, arg_max(original_filing_id, depth) AS original_filing_id FROM chain GROUP BY filing_id
)
SELECT a.filing_id, p.amends_filing_id, r.original_filing_id, p.matched_by,
       CASE WHEN r.original_filing_id IS NOT NULL THEN
           row_number() OVER (PARTITION BY r.original_filing_id ORDER BY a.filing_order) END AS amendment_number
FROM f a
LEFT JOIN pairs p USING (filing_id)
LEFT JOIN originals r USING (filing_id)
WHERE a.is_amendment
""",
    "amended_sections": """
WITH families AS MATERIALIZED (
    SELECT filing_id, original_filing_id, amendment_number AS version
    FROM filing_amendments WHERE original_filing_id IS NOT NULL
    UNION ALL
    SELECT DISTINCT original_filing_id, original_filing_id, 0 FROM filing_amendments WHERE original_filing_id IS NOT NULL
), sections AS (
    SELECT DISTINCT filing_id, 'nonderiv_transactions' AS section FROM nonderiv_transactions
    WHERE filing_id IN (SELECT filing_id FROM families)
    UNION ALL SELECT DISTINCT filing_id, 'nonderiv_holdings' FROM nonderiv_holdings
    WHERE filing_id IN (SELECT filing_id FROM families)
    UNION ALL SELECT DISTINCT filing_id, 'deriv_transactions' FROM deriv_transactions
    WHERE filing_id IN (SELECT filing_id FROM families)
    UNION ALL SELECT DISTINCT filing_id, 'deriv_holdings' FROM deriv_holdings
    WHERE filing_id IN (SELECT filing_id FROM families)
    UNION ALL SELECT DISTINCT filing_id, 'item ' || coalesce(item_code_current, item_code) FROM report_items
    WHERE filing_id IN (SELECT filing_id FROM families)
), versions AS (
    SELECT s.filing_id, s.section, m.original_filing_id, m.version FROM sections s JOIN families m USING (filing_id)
)
SELECT filing_id, section, original_filing_id, version,
       lag(filing_id) OVER family AS replaces_filing_id,
       CASE WHEN filing_id <> last_value(filing_id) OVER family_all THEN last_value(filing_id) OVER family_all
       END AS superseded_by,
       filing_id = last_value(filing_id) OVER family_all AS is_current
FROM versions
WINDOW family AS (PARTITION BY original_filing_id, section ORDER BY version),
       family_all AS (PARTITION BY original_filing_id, section ORDER BY version
                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
""",
}
