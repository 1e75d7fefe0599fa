"""Single values as filers write them, read one way for every reader.

Dates in every spelling seen on filings and their renderings (a date alone in a cell or box,
or the first one in running text), US states, CIKs, accession numbers, numbers carrying
footnote marks, dollar signs and thousands separators, check marks. Readers define none of
their own.

Two kinds of "no value": text that is not a value of the kind (a heading, a word,
an empty cell) gives None; text shaped like the value but impossible (a date
`99/99/9999`, a CIK of eleven digits) raises `ImpossibleValue`, which readers turn
into a quarantine (`ParseError("invalid_value")`), never a silent null.

Every pattern here is anchored (or, searched in running text, starts at a month word, a
digit or a word boundary) and has no two adjacent unbounded quantifiers, so it runs in time
linear in its input however long the runs of spaces or digits.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from filingflow.identifiers import pad_cik  # noqa: F401  (one CIK rule for readers and the core)


class ImpossibleValue(ValueError):
    """Text shaped like a value of its kind that no filing can hold ('13/45/2007')."""


MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}

# --- footnote marks and numbers -----------------------------------------------------------
FOOTNOTE_MARK = re.compile(r"\(\s{0,3}(\d{1,3})\s{0,3}\)|\[\s{0,3}(\d{1,3})\s{0,3}\]")
_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?")


def footnote_ids(text: str) -> list[str]:
    """Footnote marks in a cell, as footnote ids: '(1)(2)' -> ['F1', 'F2']."""
    return [f"F{a or b}" for a, b in FOOTNOTE_MARK.findall(text or "")]


_DIGIT = re.compile(r"\d")


def holds_digit(text: str) -> bool:
    r"""Whether the text holds a decimal digit (what the regex `\d` finds), by ten scans for ASCII
    digits: about twenty times quicker on the long lines of wide tables, where the regex tests
    each character's category in turn. Latin-1 has no other decimal digits; text beyond it goes
    to the regex."""
    if "0" in text or "1" in text or "2" in text or "3" in text or "4" in text or "5" in text or "6" in text \
            or "7" in text or "8" in text or "9" in text:
        return True
    if text.isascii():
        return False
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return _DIGIT.search(text) is not None
    return False


def strip_footnotes(text: str) -> str:
    if not text or "(" not in text and "[" not in text:  # every mark opens with one: most text has none
        return text.strip() if text else ""
    return FOOTNOTE_MARK.sub(" ", text).strip()


def split_marks(text: str | None) -> tuple[str, list[str]]:
    """A cell's value and its footnote ids: '5,500 (1)(2)' -> ('5,500', ['F1', 'F2'])."""
    return strip_footnotes(text or ""), footnote_ids(text or "")


def parse_decimal(text: str | None) -> Decimal | None:
    """'5,500' -> 5500; '$ 54.01' -> 54.01; '12,000 (1)' -> 12000; '' or '(1)' -> None.

    Returns None for text that holds no number; never guesses a number out of words."""
    if text is None:
        return None
    t = strip_footnotes(text).replace("$", "").replace(" ", "").replace("\u00a0", "")
    t = t.rstrip("-").strip()  # legacy ASCII writes '12,000 -' for a dash-filled cell
    if not t or t in {".", "-", "--", "N/A", "n/a"}:
        return None
    if not _NUMBER.fullmatch(t) or not any(ch.isdigit() for ch in t):
        return None
    try:
        return Decimal(t.replace(",", ""))
    except InvalidOperation:
        return None


def is_number(text: str) -> bool:
    return parse_decimal(text) is not None


# --- dates --------------------------------------------------------------------------------------
_DATE_SLASH = re.compile(r"(\d{1,2})\s?[/-]\s?(\d{1,2})\s?[/-]\s?(\d{4}|\d{2})")
_DATE_YMD = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ]\S.{0,40}|Z|[+-]\d{2}:?\d{2})?")
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?", re.ASCII)
_DATE_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATE_WORDS = re.compile(r"([A-Za-z]{3,9})\.?\s{0,3}(\d{1,2})(?:st|nd|rd|th)?\s{0,3},?\s{0,3}(\d{4})")
_DATE_DAY_FIRST = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s-]{1,3}([A-Za-z]{3,9})\.?,?[\s-]{1,3}(\d{4}|\d{2})")
_MONTH_YEAR = re.compile(r"([A-Za-z]{3,9})\.?,?\s{0,3}(\d{4})")
_NUM_MONTH_YEAR = re.compile(r"(\d{1,2})\s{0,3}/\s{0,3}(\d{4}|\d{2})")
_MAX_DATE_CHARS = 64


def _year(y: str) -> int:
    n = int(y)
    if len(y) == 2:
        # Two-digit years: EDGAR starts in 1993, filings reach option expirations decades ahead.
        return 2000 + n if n < 70 else 1900 + n
    return n


_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")


def _month(word: str) -> int | None:
    """'Jul', 'July', 'Sept' -> 7, 7, 9; 'Maybe' or 'Decimal' are no months."""
    w = word.lower().rstrip(".")
    month = MONTHS.get(w[:3])
    if month is None or not (_MONTH_NAMES[month - 1].startswith(w) or w == "sept"):
        return None
    return month


@lru_cache(maxsize=8192)
def _date_parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a date-shaped text, valid or not; None when not date-shaped."""
    t = strip_footnotes(text).strip().rstrip(".") if ("(" in text or "[" in text) else text.strip().rstrip(".")
    if not t or len(t) > _MAX_DATE_CHARS or not any(ch.isdigit() for ch in t[:12]):
        return None
    if m := _DATE_SLASH.fullmatch(t):
        return _year(m[3]), int(m[1]), int(m[2])
    if m := _DATE_YMD.fullmatch(t):
        return int(m[1]), int(m[2]), int(m[3])
    if m := _DATE_COMPACT.fullmatch(t):
        return int(m[1]), int(m[2]), int(m[3])
    if (m := _DATE_WORDS.fullmatch(t)) and (month := _month(m[1])):
        return int(m[3]), month, int(m[2])
    if (m := _DATE_DAY_FIRST.fullmatch(t)) and (month := _month(m[2])):
        return _year(m[3]), month, int(m[1])
    return None


def is_date_shaped(text: str | None) -> bool:
    """Whether the text is written as a date, possible or not ('99/99/9999' is)."""
    return bool(text) and _date_parts(text) is not None


def read_date(text: str | None) -> dt.date | None:
    """05/10/2007, 5/10/07, 05-10-2007, 2007-05-10, 2007-05-10-05:00, 20070510, July 29, 2002,
    Jul. 29 2002, 29 July 2002, 10-May-07 -> the date; None for text that is no date.

    Raises ImpossibleValue for a date-shaped text that names no day ('02/30/2007', '99/99/9999')."""
    if not text:
        return None
    if m := _ISO_DAY.fullmatch(text):  # as XML writes dates (most dates read): one test, no strip
        parts = int(m[1]), int(m[2]), int(m[3])
    elif (parts := _date_parts(text)) is None:
        return None
    try:
        return dt.date(*parts)
    except ValueError:
        raise ImpossibleValue(f"{text.strip()[:40]!r} is not a valid date") from None


def parse_date(text: str | None) -> dt.date | None:
    """As `read_date`, but None for an impossible date too: for telling whether a line
    is a date at all. Readers storing the date use `read_date`."""
    try:
        return read_date(text)
    except ImpossibleValue:
        return None


def read_month_date(text: str | None) -> dt.date | None:
    """'February 29,2000', '2/29/00' -> that day; 'February 2000', '2/00' -> the month's
    last day (a pre-2003 form's 'Statement for Month/Year' is reported as that day)."""
    if not text:
        return None
    t = text.strip().rstrip(".")
    if "," in t:  # 'February 29,2000': a comma glued to the year
        t = t.replace(",", ", ").replace(",  ", ", ")
    if (date := read_date(t)) is not None:
        return date
    if (m := _MONTH_YEAR.fullmatch(t)) and (month := _month(m[1])):
        year = int(m[2])
    elif m := _NUM_MONTH_YEAR.fullmatch(t):
        month, year = int(m[1]), _year(m[2])
        if not 1 <= month <= 12:
            raise ImpossibleValue(f"{t[:40]!r} is not a valid month")
    else:
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


# --- dates in running text ----------------------------------------------------------------------
# A month in running text: its three-letter abbreviation or its whole name ('Sept' too), from the
# one month table above; the day-first and slash forms of read_date are not looked for in prose.
_MONTH_WORD = r"\b(?P<month>" + "|".join(
    "sep(?:t(?:ember)?)?" if name == "september" else f"{name[:3]}(?:{name[3:]})?" if name[3:] else name
    for name in _MONTH_NAMES) + ")"
_TEXT_DATE_WORDS = re.compile(
    _MONTH_WORD + r"\.?\s*(?P<day>\d{1,2})(?:st|nd|rd|th)?\s*(?:,\s*)?(?P<year>(?:19|20)\d{2})\b", re.I)
_TEXT_DATE_DAY_OF = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+day\s+of\s+" + _MONTH_WORD + r"\s*(?:,\s*)?(?P<year>(?:19|20)\d{2})\b", re.I)
_TEXT_DATE_SLASH = re.compile(r"\b(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>(?:19|20)?\d{2})\b")
_TEXT_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def find_date(text: str) -> dt.date | None:
    """The first valid date written in running text, in this order of spellings: 'July 29, 2002',
    'January 19,2000', 'Sept. 3 2001'; '8th day of January, 2025'; '7/29/02', '07/29/2002'.
    An impossible one ('February 30, 2002') is passed over; None when there is none."""
    for pattern in (_TEXT_DATE_WORDS, _TEXT_DATE_DAY_OF, _TEXT_DATE_SLASH):
        for m in pattern.finditer(text):
            month = m["month"]
            month_no = int(month) if month.isdigit() else _month(month)
            try:
                return dt.date(_year(m["year"]), month_no or 0, int(m["day"]))
            except ValueError:
                continue
    return None


def find_iso_date(text: str | None) -> dt.date | None:
    """The first YYYY-MM-DD date in text ('2024-06-30', as XBRL facts write dates); None when there
    is none or the first one is impossible."""
    m = _TEXT_DATE_ISO.search(text or "")
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])) if m else None
    except ValueError:
        return None


def states_day_of_date(text: str) -> bool:
    """Whether text holds a date written 'the 8th day of January, 2025' (how signature blocks date)."""
    return _TEXT_DATE_DAY_OF.search(text) is not None


def is_date_alone(line: str) -> bool:
    """A line that holds a date in words and nothing else (table bars and a final '.' aside)."""
    m = _TEXT_DATE_WORDS.search(line)
    return bool(m) and not line[:m.start()].strip(" |") and not line[m.end():].strip(" |.")


# --- check marks, booleans -----------------------------------------------------------------------
_CHECKED = frozenset({"x", "[x]", "(x)", "\u2612", "\u2611", "\u2713", "\u2714", "\u2717", "\u2718", "yes", "true", "1"})
_UNCHECKED = frozenset({"", "[]", "()", "\u2610", "no", "false", "0"})


def check_mark(text: str | None) -> bool | None:
    """A check box as printed: 'X', '[X]', '(x)', '☒', '✓' -> True; '', '[ ]', '☐' -> False;
    anything else (a word, a title) -> None."""
    if text is None:
        return False
    t = "".join(text.split()).lower()
    if t in _CHECKED:
        return True
    if t in _UNCHECKED:
        return False
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


# --- identifiers -----------------------------------------------------------------------------------
_ACCESSION = re.compile(r"(\d{10})-?(\d{2})-?(\d{6})")
ACCESSION_LABEL = re.compile(r"Accession\s{1,3}(?:No\.?|Number)\s{0,3}:?\s{0,3}(\d{10}-\d{2}-\d{6})", re.I)
# ACCESSION_LABEL for lower-cased ASCII text: without re.I the search skips to its first letter.
_ACCESSION_LABEL_LOWER = re.compile(r"accession\s{1,3}(?:no\.?|number)\s{0,3}:?\s{0,3}(\d{10}-\d{2}-\d{6})")


def accession_number(text: str | None) -> str | None:
    """'0001209191-20-034566' or '000120919120034566' -> '0001209191-20-034566'; None otherwise."""
    if not text:
        return None
    m = _ACCESSION.fullmatch(text.strip())
    return f"{m[1]}-{m[2]}-{m[3]}" if m else None


def find_accession(text: str) -> str | None:
    """The accession number a rendering prints ('Accession No. 0001209191-20-034566')."""
    m = _ACCESSION_LABEL_LOWER.search(lower_text(text)) if lowers_in_place(text) else ACCESSION_LABEL.search(text)
    return m[1] if m else None


# --- states, text ------------------------------------------------------------------------------------
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
STATE_CODES = frozenset(US_STATES.values())
# Abbreviations filers write for states ('Calif.', 'Penna.', 'N.Y.'), besides names and codes.
_STATE_ABBREVIATIONS = {
    "ALA": "AL", "ARIZ": "AZ", "ARK": "AR", "CALIF": "CA", "CAL": "CA", "COLO": "CO", "CONN": "CT", "DEL": "DE",
    "FLA": "FL", "GA": "GA", "ILL": "IL", "IND": "IN", "KAN": "KS", "KANS": "KS", "KY": "KY", "LA": "LA",
    "MASS": "MA", "MICH": "MI", "MINN": "MN", "MISS": "MS", "MO": "MO", "MONT": "MT", "NEB": "NE", "NEBR": "NE",
    "NEV": "NV", "OKLA": "OK", "ORE": "OR", "PA": "PA", "PENN": "PA", "PENNA": "PA", "TENN": "TN", "TEX": "TX",
    "VA": "VA", "WASH": "WA", "WIS": "WI", "WISC": "WI", "WYO": "WY", "D.C": "DC", "N.Y": "NY", "N.J": "NJ",
}
_ZIP = re.compile(r"\d{5}(?:-\d{4})?")


def state_code(text: str | None) -> str | None:
    """'MARYLAND' or 'Maryland' or 'MD' or 'Md.' -> 'MD'; other jurisdictions as written."""
    if not text:
        return None
    t = " ".join(text.split()).strip(".").upper()
    if t in STATE_CODES:
        return t
    return US_STATES.get(t, t or None)


def us_state(text: str) -> str | None:
    """Two-letter code of a US state written as a name, code or abbreviation ('Maryland', 'md',
    'Calif.', 'N. Y.'); None for anything else (unlike `state_code`, which keeps other places)."""
    t = " ".join(text.split()).strip(" .,").upper()
    if t in STATE_CODES:
        return t
    if t in US_STATES:
        return US_STATES[t]
    return _STATE_ABBREVIATIONS.get(t) or _STATE_ABBREVIATIONS.get(t.replace(". ", ".").rstrip("."))


def is_zip(text: str) -> bool:
    return bool(_ZIP.fullmatch(text))


# The only characters outside ASCII that re.I matches to an ASCII letter: 'İ', 'ı', 'ſ' and the
# Kelvin sign ('İ' is also the only character lower() turns into two).
_FOLDS_TO_ASCII = ("\u0130", "\u0131", "\u017f", "\u212a")


def lowers_in_place(text: str) -> bool:
    """Whether `text.lower()` keeps every character in its place and a lower-cased ASCII pattern
    without re.I finds in it just what the pattern with re.I finds in `text`: true for all text
    but that holding 'İ', 'ı', 'ſ' or the Kelvin sign. Searches without re.I skip ahead to a
    pattern's first letter instead of trying every position (box drawing, accents and
    typographic dashes of renderings keep them quick)."""
    # four substring tests: each a fast scan, several times quicker than one character-class search
    return text.isascii() or not any(c in text for c in _FOLDS_TO_ASCII)


_ASCII_BYTES = bytes(range(128))


def lower_text(text: str) -> str:
    """`text.lower()`, several times quicker for Latin-1 text whose other characters are caseless
    (the no-break spaces of a page as text): Python lowers such text char by char, bytes in C."""
    if text.isascii():
        return text.lower()
    try:
        data = text.encode("latin-1")
    except UnicodeEncodeError:
        return text.lower()
    others = data.translate(None, _ASCII_BYTES).decode("latin-1")
    # bytes.lower() lowers A-Z alone: right only when lower() leaves the other characters as they are
    return data.lower().decode("latin-1") if others.lower() == others else text.lower()


def clean_text(text: str | None) -> str | None:
    """Collapse whitespace; empty becomes None."""
    if text is None:
        return None
    # split() and the regex \s+ agree on what white space is; split is 7x faster.
    return " ".join(text.split()) or None
