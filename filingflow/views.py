"""The analyst views, created in the warehouse by `ensure_schema` and run by
`item_sources` over a run's rows before they load: one SQL text for both."""
from __future__ import annotations

from filingflow.amendments import AMENDMENT_VIEWS

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
