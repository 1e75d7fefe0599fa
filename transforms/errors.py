"""The one exception every reader raises: a file that cannot become rows.

`code` is a stable machine-readable reason stored in `quarantine.error`, one
of the catalogue in filingflow/error_codes.py (docs/errors.md); the message is
the human detail stored in `quarantine.detail`.
"""
from __future__ import annotations


class ParseError(Exception):
    """A file could not be read into rows; the run quarantines it and goes on."""

    stage = "parse"

    def __init__(self, code: str, detail: str, *, stage: str | None = None):
        super().__init__(detail)
        self.code = code
        self.detail = detail
        if stage is not None:
            self.stage = stage

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"
