-- Net shares bought (+) or sold (-) per company and owner, with the number of trades.
SELECT issuer_name AS company_name, owner_name, sum(signed_shares) AS net_shares, count(*) AS trades
FROM insider_trades
GROUP BY ALL
ORDER BY company_name, owner_name;
