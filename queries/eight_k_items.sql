-- What each 8-K reported, under the current item numbering, with the company.
SELECT c.name, f.period_of_report, i.item_code, i.item_code_current, i.title
FROM report_items i
JOIN filings f USING (filing_id)
JOIN companies c USING (company_id)
ORDER BY f.period_of_report, c.name, i.item_index;
