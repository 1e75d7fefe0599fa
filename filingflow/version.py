"""filingflow's version, apart from the package so that its modules can read it without importing the API."""

__version__ = "0.1.0"
# Bumped whenever a reader's output changes, so rows record what produced them.
PARSER_VERSION = __version__
