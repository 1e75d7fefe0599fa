"""Where input filings come from besides local folders: EDGAR-style archives
(daily form index + archive layout), read from a local mirror or over HTTP and
materialised into a local cache that discovery then reads like any folder."""
