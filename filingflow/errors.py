"""The exceptions filingflow raises to its users (the Python API, `filingflow.config`), in one place.

Every one is a `FilingflowError`, and also the built-in type a caller would expect
(`FileNotFoundError` for a missing warehouse, `ValueError` for a bad argument), so
`except filingflow.FilingflowError` catches them all and existing handlers keep working."""
from __future__ import annotations


class FilingflowError(Exception):
    """Base of every error filingflow raises on purpose."""


class ConfigError(FilingflowError, ValueError):
    """A setting could not be read: the message names the setting and where it came from."""


class UnreadableFiling(FilingflowError, ValueError):
    """Input that cannot become a filing. `code` and `stage` are those the run would put in the
    quarantine table for the same bytes (`empty_file`, `binary_content`, `unrecognized_format`, ...)."""

    def __init__(self, code: str, detail: str, *, stage: str = "parse", source: str | None = None):
        self.code, self.detail, self.stage, self.source = code, detail, stage, source
        super().__init__(f"{source + ': ' if source else ''}{code}: {detail}")


class SeveralFilings(FilingflowError, ValueError):
    """`read_filing` was given input holding more than one filing (an archive): use `read_filings`."""


class UnknownTable(FilingflowError, KeyError):
    """A table name that is not a filing table of the schema."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else ""


class WarehouseNotFound(FilingflowError, FileNotFoundError):
    """No warehouse file where the settings point: nothing has been loaded there yet."""


class InvalidArgument(FilingflowError, ValueError):
    """An argument of the Python API that cannot be used (a date that is not a date, ...)."""
