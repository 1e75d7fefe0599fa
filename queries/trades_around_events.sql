-- Insider trades within some days before or after each 8-K event reporting an item (days_from_event < 0: before).
-- param item=2.02: 8-K item under the current numbering (2.02 earnings, 8.01 other events...)
-- param days=30: how many days before and after the event date a trade counts
SELECT e.ticker, e.event_date, e.item_code_current AS item, e.title, t.owner_name, t.transaction_date,
       t.transaction_date - e.event_date AS days_from_event, t.transaction_code, t.shares, t.price_per_share
FROM company_events e
JOIN insider_trades t
  ON t.company_id = e.company_id
 AND t.transaction_date BETWEEN e.event_date - INTERVAL ($days) DAY AND e.event_date + INTERVAL ($days) DAY
WHERE e.item_code_current = $item
ORDER BY e.event_date, t.transaction_date, t.filing_id, t.row_index;
