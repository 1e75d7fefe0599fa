"""EDGAR's identifiers in their canonical spelling, one definition for the readers (through
transforms.values) and the core (company resolution, the Python API)."""
from __future__ import annotations

import re

_CIK_DIGITS = re.compile(r"\d{1,10}")


def pad_cik(value: str | int | None) -> str | None:
    """A CIK as EDGAR keys it: 10 digits with leading zeros ('320193' -> '0000320193').

    None for no value (empty, or 0: no company has CIK 0); other text (not 1-10 digits)
    is kept as filed, so a reader can flag it rather than lose it."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text:
        return None
    if _CIK_DIGITS.fullmatch(text):
        return text.zfill(10) if int(text) else None
    return text
