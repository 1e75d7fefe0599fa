"""Reading single values as filers write them: numbers with footnote marks,
dollar signs and thousands separators; dates in every common layout."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}

FOOTNOTE_MARK = re.compile(r"\(\s*(\d{1,3})\s*\)|\[\s*(\d{1,3})\s*\]")
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?$")
_DATE_SLASH = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*|Z|[+-]\d{2}:?\d{2})?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE_WORDS = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$")
_DATE_WORDS_DAY_FIRST = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$")


def footnote_ids(text: str) -> list[str]:
    """Footnote marks in a cell, as footnote ids: '(1)(2)' -> ['F1', 'F2']."""
    return [f"F{a or b}" for a, b in FOOTNOTE_MARK.findall(text or "")]


def strip_footnotes(text: str) -> str:
    return FOOTNOTE_MARK.sub(" ", text or "").strip()


def parse_decimal(text: str | None) -> Decimal | None:
    """'5,500' -> 5500; '$ 54.01' -> 54.01; '' or '(1)' -> None.

    Returns None for text that holds no number; never guesses a number out of
    words. Footnote marks must be removed (or read) by the caller first when
    they may stand next to the digits."""
    if text is None:
        return None
    t = strip_footnotes(text).replace("$", "").replace(" ", "").replace("\u00a0", "")
    t = t.rstrip("-").strip()  # legacy ASCII writes '12,000 -' for a dash-filled cell
    if not t or t in {".", "-", "--", "N/A", "n/a"}:
        return None
    if not _NUMBER.match(t) or not any(ch.isdigit() for ch in t):
        return None
    try:
        value = Decimal(t.replace(",", ""))
    except InvalidOperation:
        return None
    return value


def is_number(text: str) -> bool:
    return parse_decimal(text) is not None


def _year(y: str) -> int:
    n = int(y)
    if len(y) == 2:
        # Two-digit years: EDGAR starts in 1993, filings reach option expirations decades ahead.
        return 2000 + n if n < 70 else 1900 + n
    return n


def parse_date(text: str | None) -> dt.date | None:
    """05/10/2007, 5/10/07, 2007-05-10, 2007-05-10-05:00, 20070510, July 29, 2002.

    Returns None when the text is not a valid date."""
    if not text:
        return None
    t = strip_footnotes(text).strip().rstrip(".")
    try:
        if m := _DATE_SLASH.match(t):
            return dt.date(_year(m.group(3)), int(m.group(1)), int(m.group(2)))
        if m := _DATE_ISO.match(t):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _DATE_COMPACT.match(t):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _DATE_WORDS.match(t):
            month = _MONTHS.get(m.group(1)[:3].lower())
            if month:
                return dt.date(int(m.group(3)), month, int(m.group(2)))
        if m := _DATE_WORDS_DAY_FIRST.match(t):
            month = _MONTHS.get(m.group(2)[:3].lower())
            if month:
                return dt.date(int(m.group(3)), month, int(m.group(1)))
    except ValueError:
        return None
    return None


def parse_bool(text: str | None) -> bool | None:
    """Ownership XML writes booleans as 0/1 or true/false."""
    if text is None:
        return None
    t = text.strip().lower()
    if t in {"1", "true", "y", "yes", "x"}:
        return True
    if t in {"0", "false", "n", "no", ""}:
        return False if t else None
    return None


US_STATES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC",
    "FLORIDA": "FL", "GEORGIA": "GA", "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL",
    "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA",
    "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA", "MICHIGAN": "MI", "MINNESOTA": "MN",
    "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE", "NEVADA": "NV",
    "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM", "NEW YORK": "NY",
    "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR",
    "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA",
    "WASHINGTON": "WA", "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
    "PUERTO RICO": "PR",
}
_STATE_CODES = frozenset(US_STATES.values())


def state_code(text: str | None) -> str | None:
    """'MARYLAND' or 'Maryland' or 'MD' -> 'MD'; other jurisdictions as written."""
    if not text:
        return None
    t = re.sub(r"\s+", " ", text).strip().strip(".").upper()
    if t in _STATE_CODES:
        return t
    return US_STATES.get(t, t or None)


def clean_text(text: str | None) -> str | None:
    """Collapse whitespace; empty becomes None."""
    if text is None:
        return None
    # split() and the regex \s+ agree on what white space is; split is 7x faster.
    return " ".join(text.split()) or None
