"""filingflow: SEC filings to validated Parquet and DuckDB tables."""

__version__ = "0.1.0"
# Bumped whenever a reader's output changes, so rows record what produced them.
PARSER_VERSION = __version__
