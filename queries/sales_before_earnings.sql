-- Insider sales in the days before an 8-K Item 2.02 (earnings), through the company_events view.
-- param days=30: how many days before the 8-K's event date a sale counts
SELECT e.company_name, e.ticker, e.event_date, e.filing_id AS eight_k, t.owner_name, t.transaction_date,
       t.shares, t.price_per_share, t.value
FROM company_events e
JOIN insider_trades t
  ON t.company_id = e.company_id
 AND t.transaction_date >= e.event_date - INTERVAL ($days) DAY
 AND t.transaction_date < e.event_date
WHERE e.item_code_current = '2.02' AND t.transaction_code = 'S'
ORDER BY e.event_date, t.transaction_date, t.row_index;
