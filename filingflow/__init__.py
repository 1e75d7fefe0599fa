"""filingflow: SEC filings to validated Parquet and DuckDB tables.

The Python API (filingflow/api.py), for `import filingflow as ff`:

    filing = ff.read_filing("form4.xml")              # rows of one file, no warehouse needed
    filing.to_pandas("nonderiv_transactions")
    ff.insider_trades(ticker="AAPL", since="2024-01-01")   # DataFrame from the warehouse
    ff.company_events(cik=320193)
    con = ff.connect()                                # read-only DuckDB connection

The API loads on first use, so that `import filingflow` (done by every command) stays cheap."""
from __future__ import annotations

from filingflow.version import PARSER_VERSION, __version__

_API = ("Filing", "read_filing", "read_filings", "connect", "insider_trades", "derivative_trades", "company_events")
_ERRORS = ("FilingflowError", "ConfigError", "UnreadableFiling", "SeveralFilings", "UnknownTable",
           "WarehouseNotFound", "InvalidArgument")
__all__ = [*_API, *_ERRORS, "__version__", "PARSER_VERSION"]


def __getattr__(name: str):
    if name in _API:
        from filingflow import api

        return getattr(api, name)
    if name in _ERRORS:
        from filingflow import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'filingflow' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
