-- Insider sales with their value, biggest first.
-- param limit=5: how many sales to show
SELECT transaction_date, owner_name, shares, price_per_share, value, shares_owned_after
FROM insider_trades
WHERE transaction_code = 'S'
ORDER BY value DESC, filing_id, row_index
LIMIT $limit;
