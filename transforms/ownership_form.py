"""Forms 3, 4 and 5 as the SEC defines them, whatever layout they come in.

Every layout reader (ownership XML, EDGAR's HTML page, a text rendering of that page or
of its printed PDF, a pre-2003 plain-ASCII form) finds the boxes and cells of the form
and hands them here; this module knows what they mean and builds the rows.

The form (SEC Forms 3, 4 and 5, and their amendments /A):

- Cover: the form number; 1. name and address of the reporting person; 2. issuer name
  and ticker or trading symbol; 3. date of the event (Form 3) or of the earliest
  transaction (Form 4) or the fiscal year end (Form 5), the filing's `period_of_report`;
  4. the date an amendment's original was filed; the relationship check boxes
  (Director, 10% Owner, Officer with its title, Other with its text); the Section 16 and
  Rule 10b5-1 boxes (`filing_row`).
- Reporting owners: one row each (`owner_row`), with name, address and `Relationship`.
  A box a layout does not print stays None, never False.
- Table I (non-derivative securities) and Table II (derivative securities): each row is a
  transaction (it has a transaction code) or a holding. `read_record` turns a row's cells
  into values (dates, numbers, prices, letters, text, footnote marks); `add_table_rows`
  puts each value in its column of the form by the kind and order of the values, never by
  cell position, because renderings shift, merge and drop cells (see `_align`).
- Footnotes and marks: '(1)' in a cell refers to footnote F1 of "Explanation of
  Responses" (`add_footnotes`); each mark becomes a `footnote_refs` row for its column.
- Remarks, and signatures: every signature row comes from `signatures.read_signer`
  (name, title, as filed), whatever the layout (`add_signatures`).
- The filing row and the issuer company row (`finish`), with the filed-date rule: the date
  a layout prints as the filing date, else the date of the first signature.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from filingflow.reference import TRANSACTION_CODE_SET
from filingflow.schema import TABLES
from transforms.errors import ParseError
from transforms.model import ParsedFiling, blank_filing_row, content_filing_id
from transforms.signatures import read_signer
from transforms.text_tables import TextRow, ends_with_words, join_fragment
from transforms.values import (
    FOOTNOTE_MARK, ImpossibleValue, clean_text, footnote_ids, holds_digit, is_date_shaped, is_zip, read_date,
    state_code, strip_footnotes)

FORM_NUMBERS = ("3", "4", "5")
TABLE_I, TABLE_II = "Table I", "Table II"


def invalid(detail: str) -> ParseError:
    """The error for a value the form cannot hold (an impossible date, a number too large)."""
    return ParseError("invalid_value", detail)


def date_value(text: str | None, where: str) -> dt.date | None:
    """A date box or cell: the date, None when empty or not a date, ParseError when impossible."""
    try:
        return read_date(text)
    except ImpossibleValue as e:
        raise invalid(f"{where}: {e}") from None


# --- the filing row ---------------------------------------------------------------------------------------
_FILING_COLUMNS = frozenset(TABLES["filings"].column_names)


def filing_row(text: str, form_number: str, is_amendment: bool, *, accession: str | None = None,
               **columns) -> ParsedFiling:
    """A filing read from `text` (its content id), as the form's number and amendment mark say:
    filing_id is the accession number where the layout prints one, else the content id.
    `columns` are further `filings` columns the layout prints (issuer_name, period_of_report, ...);
    a column it does not print is left out and loads as null."""
    if form_number not in FORM_NUMBERS:
        raise ParseError("unrecognized_format", f"form {form_number!r} is not Form 3, 4 or 5")
    unknown = set(columns) - _FILING_COLUMNS
    if unknown:
        raise KeyError(f"not filings columns: {sorted(unknown)}")
    content_id = content_filing_id(text)
    return ParsedFiling({
        "filing_id": accession or content_id,
        "accession_number": accession,
        "content_id": content_id,
        "form_type": form_number + ("/A" if is_amendment else ""),
        "is_amendment": is_amendment,
        "filed_date": None,
        **columns,
    })


def finish(filing: ParsedFiling) -> ParsedFiling:
    """The filed-date rule and the issuer company row, the same for every layout.

    Filed date: the one the layout prints (a print header, an EDGAR page), else the date
    of the first signature, the date the form is dated. The issuer company row: one
    `filing_companies` row (role 'issuer') with the issuer's CIK, name and ticker as printed."""
    row = filing.filing
    signatures = filing.rows.get("signatures")
    if row.get("filed_date") is None and signatures:
        row["filed_date"] = signatures[0]["signed_date"]
    if row.get("issuer_cik") or row.get("issuer_name") or row.get("issuer_ticker"):
        company = blank_filing_row("filing_companies")
        company.update(company_index=0, role="issuer", cik=row.get("issuer_cik"), name=row.get("issuer_name"),
                       ticker=row.get("issuer_ticker"))
        filing.add("filing_companies", company)
    return filing


# --- cover page: form number, issuer, addresses -------------------------------------------------------------
_FORM_LINE = re.compile(r"FORM\s{1,3}([345])\s{0,3}(/\s{0,3}A)?", re.I)
_PRINT_HEADER = re.compile(r"Edgar\s{1,3}Filing:\s{0,3}(.{1,300}?)\s{1,3}-\s{1,3}Form\s{1,3}([345])\s{0,3}(/\s{0,3}A)?",
                           re.I)
_FORM_TITLES = (("INITIAL STATEMENT OF BENEFICIAL OWNERSHIP", "3"), ("ANNUAL STATEMENT", "5"),
                ("STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP", "4"))


def form_line(line: str) -> tuple[str, bool] | None:
    """'FORM 4', 'Form 3/A' alone on a line -> ('4', False), ('3', True)."""
    m = _FORM_LINE.fullmatch(line.strip())
    return (m[1], bool(m[2])) if m else None


def print_header(line: str) -> tuple[str | None, str, bool] | None:
    """A print header 'Edgar Filing: ISSUER NAME - Form 4' -> (issuer, '4', False)."""
    m = _PRINT_HEADER.fullmatch(line.strip())
    return (clean_text(m[1]), m[2], bool(m[3])) if m else None


def form_type(lines: Sequence[str], stop: int) -> tuple[str, bool]:
    """Form number and amendment mark: a 'FORM 4' line of the cover (before `stop`), else
    a print header, else the form's title."""
    for line in lines[:stop]:
        if (found := form_line(line)) is not None:
            return found
    for line in lines:
        if "dgar" in line and (header := print_header(line)) is not None:
            return header[1], header[2]
    # upper() after the split: the same words (no case mapping makes or takes white space), and
    # far less text to map char by char when no-break spaces make it non-ASCII
    title = " ".join(" ".join(lines[:stop]).split()).upper()
    for words, number in _FORM_TITLES:
        if words in title:
            return number, False
    raise ParseError("unrecognized_format",
                     "no 'FORM 3/4/5' line or form title before Table I: cannot tell which form this is")


def name_and_ticker(line: str) -> tuple[str | None, str | None]:
    """Box 2: 'APARTMENT INVESTMENT & MANAGEMENT CO [AIV]' -> name, ticker; '[ ]' or '[NONE]'
    print no ticker."""
    line = line.strip()
    if line.endswith("]") and "[" in line:
        name, _, ticker = line[:-1].rpartition("[")
        ticker = clean_text(ticker)
        return clean_text(name), ticker if ticker and ticker.upper() not in ("NONE", "N/A") else None
    return clean_text(line), None


@dataclass
class Address:
    street1: str | None = None
    street2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


# Whole words only: 'C/O STERLING ENERGY' has no second line.
_SECOND_STREET_LINE = re.compile(r"\s(?=(?:SUITE|STE|APT|UNIT|ROOM|FLOOR)\b|FL\.|#)", re.I)


def split_street(street: str | None, lines: Sequence[str] = ()) -> tuple[str | None, str | None]:
    """Renderers print street lines 1 and 2 as 'LINE 1, LINE 2' (wrapped anywhere)
    or on lines of their own."""
    if not street:
        return None, None
    head, sep, tail = street.rpartition(", ")
    if not sep and len(lines) > 1:
        return clean_text(lines[0]), clean_text(" ".join(lines[1:]))
    if sep and head and tail:
        return clean_text(head), clean_text(tail)
    head, *tail = _SECOND_STREET_LINE.split(street, maxsplit=1)
    return clean_text(head), clean_text(tail[0]) if tail else None


def city_state_zip(line: str | None) -> tuple[str | None, str | None, str | None]:
    """'DENVER, CO 80237' or 'DENVER CO' -> city, state, zip (words, not a backtracking pattern)."""
    words = (line or "").split()
    if not words:
        return None, None, None
    zip_code = words.pop() if len(words) > 1 and is_zip(words[-1]) else None
    if len(words) > 1 and len(state := words[-1].rstrip(".")) == 2 and state.isalpha():
        words.pop()
        return clean_text(" ".join(words).rstrip(",")), state_code(state), zip_code
    if zip_code is not None:
        words.append(zip_code)
    return clean_text(" ".join(words)), None, None


def address_from_line(text: str) -> Address:
    """'4582 S. ULSTER STREET PARKWAY SUITE 1100 DENVER, CO 80237' on one line: the city
    is what follows the last word with a digit in it."""
    words = text.split()
    if len(words) < 3 or not is_zip(words[-1]):
        return Address(street1=clean_text(text))
    city, state, zip_code = city_state_zip(text)
    if state is None:
        return Address(street1=clean_text(text))
    words = (city or "").split()
    last_digit = max((i for i, w in enumerate(words) if any(ch.isdigit() for ch in w)), default=-1)
    street = " ".join(words[:last_digit + 1]) or None
    city = " ".join(words[last_digit + 1:]) or None
    street1, street2 = split_street(street)
    return Address(street1, street2, city, state, zip_code)


# --- reporting owners ----------------------------------------------------------------------------------------
@dataclass
class Relationship:
    """The relationship boxes of one owner; None: the layout does not print that box."""
    is_director: bool | None = None
    is_officer: bool | None = None
    is_ten_percent_owner: bool | None = None
    is_other: bool | None = None
    officer_title: str | None = None
    other_text: str | None = None


def relationship_cell(cell: str | None) -> tuple[bool, str | None]:
    """A cell of the Reporting Owners table's relationship columns: 'X' is a mark, any other
    text is a mark with its title ('Officer' column: 'Chief Executive Officer')."""
    text = clean_text(cell)
    if text is None:
        return False, None
    return True, None if text.upper() == "X" else text


def owner_row(index: int, name: str | None, address: Address | None = None, relationship: Relationship | None = None,
              *, cik: str | None = None) -> dict:
    """One `reporting_owners` row."""
    a, r = address or Address(), relationship or Relationship()
    row = blank_filing_row("reporting_owners")
    row.update(owner_index=index, owner_cik=cik, owner_name=clean_text(name), street1=a.street1, street2=a.street2,
               city=a.city, state=a.state, zip=a.zip, is_director=r.is_director, is_officer=r.is_officer,
               is_ten_percent_owner=r.is_ten_percent_owner, is_other=r.is_other, officer_title=r.officer_title,
               other_text=r.other_text)
    return row


def add_owner(filing: ParsedFiling, name: str | None, address: Address | None = None,
              relationship: Relationship | None = None, *, cik: str | None = None) -> dict:
    index = len(filing.rows.get("reporting_owners", ()))
    return filing.add("reporting_owners", owner_row(index, name, address, relationship, cik=cik))


# --- table cells to tokens ---------------------------------------------------------
# One value of a table cell. Renderers merge cells ("D $ 54", "(1) 01/19/2014"), so
# a cell made only of such atoms is split into them; any other cell is one text.
_ATOM = re.compile(r"""\s*(?:
    (?P<date>\d{1,2}/\d{1,2}/\d{2,4}(?!\d)|\d{4}-\d{2}-\d{2}(?!\d))
  | (?P<price>\$\s*(?:\d[\d,]*(?:\.\d+)?|\.\d+))
  | (?P<dollar>\$)
  | (?P<fn>\(\s*\d{1,3}\s*\)|\[\s*\d{1,3}\s*\])
  | (?P<ad>\(\s*[AD]\s*\))
  | (?P<number>\d[\d,]*(?:\.\d+)?|\.\d+)
  | (?P<letter>[A-Z])
  | (?P<null>N/A|-{1,2})
)""", re.X)
_ATOM_END = frozenset(" \t([$")
# A cell that is one number, date or price, as most are: the token _ATOM would give, in one test.
_LONE_ATOM = re.compile(r"(?P<number>\d[\d,]*(?:\.\d+)?|\.\d+)|(?P<date>\d{1,2}/\d{1,2}/\d{2,4})"
                        r"|(?P<price>\$ ?(?:\d[\d,]*(?:\.\d+)?|\.\d+))")
_SEPARATED_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+")
_PLAIN_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_NULL_WORDS = re.compile(r"^(?:immediately|immed\.?|n/?a|none|various|-+|\u2014)$", re.I)
_NULLISH = frozenset({"fn", "null"})


@dataclass(slots=True)
class _Token:
    """One value of a cell. Tokens of a cell are cached and shared by every row holding that
    cell: once `_cell_tokens` returns them they are never changed (`merge_into` replaces them)."""
    kind: str  # date, price, dollar, number, letter, ad, fn, null, text
    value: str | None
    fns: list[str] = field(default_factory=list)
    joined: bool = False  # shares its cell with the token before: the columns were next to each other
    # What alignment depends on: the kind, the letter of letter tokens, '+' when joined.
    signature: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        kind = self.kind
        if kind == "letter":
            sig = "L" + self.value
        else:
            sig = "(" + self.value if kind == "ad" else kind
        self.signature = "+" + sig if self.joined else sig


def _atoms(cell: str) -> list[_Token] | None:
    tokens: list[_Token] = []
    pos, end = 0, len(cell)
    while pos < end:
        m = _ATOM.match(cell, pos)
        if not m or (m.end() < end and cell[m.end()] not in _ATOM_END):
            return None
        kind = m.lastgroup
        raw = m[kind].strip()
        if kind == "fn":
            fn = footnote_ids(raw)
            if tokens:  # a mark right after a value belongs to that value
                tokens[-1].fns.extend(fn)
            else:
                tokens.append(_Token("fn", None, fn))
        elif kind == "ad":
            tokens.append(_Token("ad", raw.strip("() "), joined=bool(tokens)))
        else:
            tokens.append(_Token(kind, raw, joined=bool(tokens)))
        pos = m.end()
    return tokens


_HYPHEN_BREAK = re.compile(r"(?<=[A-Za-z])-\u2028(?=[A-Za-z])")


def _unwrapped(cell: str) -> str:
    """A cell whose line breaks (U+2028) are kept: a word it wrapped after its hyphen ('Non-' /
    'Qualified') is one word again."""
    return _HYPHEN_BREAK.sub("-", cell) if "-\u2028" in cell else cell


@lru_cache(maxsize=8192)
def _cell_tokens(cell: str, stacked: bool = False) -> tuple[_Token, ...]:
    """Tokens of a cell, shared (never to be changed): cells repeat across rows and filings."""
    return tuple(_parse_cell(cell, stacked))


def _parse_cell(cell: str, stacked: bool = False) -> list[_Token]:
    """Tokens of a cell; `stacked`: the cell was put together from fixed-width lines, so its
    words may interleave with values printed beside them."""
    cell = " ".join(_unwrapped(cell).split())  # line breaks inside a cell (U+2028, '<br>') are spaces to values
    if not cell:
        return []
    if m := _LONE_ATOM.fullmatch(cell):
        return [_Token(m.lastgroup, cell)]
    atoms = _atoms(cell)
    if atoms is not None:
        return atoms
    text = clean_text(strip_footnotes(cell))
    fns = footnote_ids(cell)
    if text is None:
        return [_Token("fn", None, fns)]
    if is_date_shaped(text):
        return [_Token("date", text, fns)]
    if _NULL_WORDS.match(text):
        return [_Token("null", None, fns)]
    if (peeled := _peel(cell, stacked)) is not None:
        return peeled
    return [_Token("text", text, fns)]


def _peel(cell: str, stacked: bool = False) -> list[_Token] | None:
    """Neighbouring columns printed one space apart read as one cell ('05/19/2024 Common Stock
    3,344 $ 0 3,344 D'): dates before the words, and the values after them from the first
    number or '$' on, are values of their own."""
    words = cell.split()
    start, end = 0, len(words)
    while start < end and (is_date_shaped(words[start]) or FOOTNOTE_MARK.fullmatch(words[start])):
        start += 1
    # the run of value words at the end, from its first number or '$'
    tail = end
    while tail > start + 1 and (is_value_word(words[tail - 1]) or FOOTNOTE_MARK.fullmatch(words[tail - 1])
                                or words[tail - 1] in ("-", "--")):
        tail -= 1
    while tail < end and not any(ch.isdigit() or ch == "$" for ch in FOOTNOTE_MARK.sub("", words[tail])):
        tail += 1
    # '..., Dated December 24, 2015' ends in a date of words, '... par value $0.01' in a price of
    # the title (the form prints a price as '$ 0.01'): neither is a value
    if any(w.endswith(",") for w in words[tail - 1:end]) or (tail == end - 1 and words[tail][:1] == "$"
                                                              and len(words[tail]) > 1):
        tail = end
    end = tail
    # (only dates and numbers written with separators: '401(k) Plan', 'Trust dtd 4/15/...' stay words)
    inner = [w for w in words[start:end] if is_date_shaped(w) or _SEPARATED_NUMBER.fullmatch(w)] if stacked else []
    if inner and start < end and any(ch.isalpha() for ch in words[start]):
        # Values inside the words: a cell printed over several lines beside its neighbours'
        # values ('Class A' / '02/19/2030 Common 151,578' / 'Stock'): dates come before the
        # words in the form's columns, numbers after.
        inner_set = set(inner)
        text_words = [w for w in words[start:end] if w not in inner_set]
        dates = [w for w in inner if is_date_shaped(w)]
        numbers = [w for w in inner if not is_date_shaped(w)]
        words = words[:start] + dates + text_words + numbers + words[end:]
        start, end = start + len(dates), start + len(dates) + len(text_words)
    if (start == 0 and end == len(words)) or start >= end or not any(ch.isalpha() for ch in words[start]):
        return None
    head = _atoms(" ".join(words[:start])) if start else []
    tail_tokens = _atoms(" ".join(words[end:])) if end < len(words) else []
    if head is None or tail_tokens is None:
        return None
    middle = " ".join(words[start:end])
    text = _Token("text", clean_text(strip_footnotes(middle)), footnote_ids(middle), joined=bool(head))
    return head + [text] + [_Token(t.kind, t.value, t.fns, True) for t in tail_tokens]


# --- aligning tokens to the form's columns -----------------------------------------------
@dataclass(frozen=True)
class _Slot:
    column: str | None  # None: the rendering prints it but the table has no column for it
    kinds: frozenset[str]  # token kinds that give the column a value
    weight: float  # how surely filers fill the column: the cost of leaving it empty
    letters: frozenset[str] = frozenset()
    marks: bool = True  # may hold a lone footnote mark or a dash instead of a value


def _slot(column, kinds, weight, letters="", marks=True) -> _Slot:
    return _Slot(column, frozenset(kinds.split()), weight, frozenset(letters), marks)


_DATE, _NUMBER, _PRICE = "date", "number", "price number dollar"
_CODE = _slot("transaction_code", "letter", 3, "".join(TRANSACTION_CODE_SET))
_VOLUNTARY = _slot("is_voluntary", "letter", 0.1, "V", marks=False)
_DIRECT = _slot("direct_indirect", "letter", 2.5, "DI")
_NATURE = _slot("nature_of_ownership", "text", 0.1)
_TRANSACTION_HEAD = (_slot("transaction_date", _DATE, 3), _slot("deemed_execution_date", _DATE, 0.2), _CODE, _VOLUNTARY,
                     _slot("shares", _NUMBER, 3))
_DERIVATIVE_TERMS = (_slot("exercise_date", _DATE, 1), _slot("expiration_date", _DATE, 1.5),
                     _slot("underlying_title", "text", 2), _slot("underlying_shares", _NUMBER, 3))
_CONVERSION = _slot("conversion_or_exercise_price", _PRICE, 1.5)

_NONDERIV_TRANSACTION = _TRANSACTION_HEAD + (
    _slot("acquired_disposed", "letter ad", 2, "AD"), _slot("price_per_share", _PRICE, 0.5),
    _slot("shares_owned_after", _NUMBER, 3), _DIRECT, _NATURE)
_NONDERIV_HOLDING = (_slot("shares_owned_after", _NUMBER, 3), _DIRECT, _NATURE)
# Table II prints one number under (A) or (D): the letter is known only when the text states it.
_DERIV_TRANSACTION = (_CONVERSION,) + _TRANSACTION_HEAD + (_slot("acquired_disposed", "letter ad", 0.05, "AD"),) \
    + _DERIVATIVE_TERMS + (_slot("price_per_share", _PRICE, 0.5), _slot("shares_owned_after", _NUMBER, 2.8),
                           _DIRECT, _NATURE)
_DERIV_HOLDING = (_CONVERSION,) + _DERIVATIVE_TERMS + (
    _slot(None, _PRICE, 0.5), _slot("shares_owned_after", _NUMBER, 2.8), _DIRECT, _NATURE)
_DERIV_HOLDING_FORM3 = _DERIVATIVE_TERMS + (_CONVERSION, _DIRECT, _NATURE)

_LAYOUTS = {"NT": _NONDERIV_TRANSACTION, "NH": _NONDERIV_HOLDING, "DT": _DERIV_TRANSACTION,
            "DH": _DERIV_HOLDING, "DH3": _DERIV_HOLDING_FORM3}
_SPLIT_CELL_COST = 0.05
_MAX_SLOTS = max(len(slots) for slots in _LAYOUTS.values())
_TABLE_OF = {"NT": "nonderiv_transactions", "NH": "nonderiv_holdings",
             "DT": "deriv_transactions", "DH": "deriv_holdings", "DH3": "deriv_holdings"}


def _cost(slot: _Slot, signature: str) -> float | None:
    """Cost of putting a token in a slot (None: it cannot go there)."""
    signature = signature.lstrip("+")
    if signature in _NULLISH:
        return slot.weight * 0.99 if slot.marks else None  # a mark alone is a null value: nearly as costly as a gap
    if signature == "dollar":
        return slot.weight * 0.99 if "dollar" in slot.kinds else None
    if signature[0] == "L":
        return 0.0 if "letter" in slot.kinds and signature[1:] in slot.letters else None
    if signature[0] == "(":
        return 0.0 if "ad" in slot.kinds else None
    return 0.0 if signature in slot.kinds else None


@lru_cache(maxsize=1024)
def _slot_fits(layout: str, signature: str) -> tuple[tuple[int, float], ...]:
    """(slot index, cost) of each slot of the layout a token of this signature can go in; cached:
    there are a few tens of signatures, and every alignment asks for each of its tokens'."""
    return tuple((k, cost) for k, slot in enumerate(_LAYOUTS[layout]) if (cost := _cost(slot, signature)) is not None)


@lru_cache(maxsize=4096)
def _align(layout: str, signatures: tuple[str, ...]) -> tuple[int, ...] | None:
    """Slot index for each token, in order, leaving the cheapest set of slots
    empty; None when the tokens do not fit the layout in that order."""
    slots = _LAYOUTS[layout]
    n, m = len(signatures), len(slots)
    if n > m:
        return None
    # Per token, only the slots it can go in (a few of the layout's): the search tries no others.
    fits = [_slot_fits(layout, sig) for sig in signatures]
    inf = float("inf")
    gap_after = [0.0] * (m + 1)
    for j in range(m - 1, -1, -1):
        gap_after[j] = gap_after[j + 1] + slots[j].weight
    best = [[inf] * (m + 1) for _ in range(n)] + [gap_after]
    choice = [[-1] * (m + 1) for _ in range(n)]
    for i in range(n - 1, -1, -1):
        # A gap between two values of one cell is unlikely: the renderer merged neighbouring columns.
        split_cell = _SPLIT_CELL_COST if signatures[i][0] == "+" else 0.0
        # skipped[k]: the cost of leaving slots 0..k-1 empty before this token
        skipped = [0.0] * (m + 1)
        for k in range(m):
            skipped[k + 1] = skipped[k] + slots[k].weight + split_cell
        last = m - (n - 1 - i)  # the tokens after this one need a slot each
        here, after, chosen = best[i], best[i + 1], choice[i]
        for j in range(m - 1, -1, -1):
            for k, cost in fits[i]:
                if k < j:
                    continue
                if k >= last:
                    break
                total = skipped[k] - skipped[j] + cost + after[k + 1]
                if total < here[j] - 1e-9:
                    here[j], chosen[j] = total, k
    if best[0][0] == inf:
        return None
    picked, j = [], 0
    for i in range(n):
        j = choice[i][j]
        picked.append(j)
        j += 1
    return tuple(picked)


# --- table rows ---------------------------------------------------------------------
_HEADER_WORDS = re.compile(
    r"^(?:\(A\)|\(D\)|\(I\)|or|Price|Code|V|Date|Exercisable|Expiration|Title|Amount|Number|of|Shares|and|Underlying"
    r"|Securit(?:y|ies)|Owned|D/I|A/D|Nature|Trans\.?|Transaction|Direct|Indirect|Ownership|Form|Beneficially"
    r"|Acquired|Disposed|Following|Reported|Derivative|Deemed|Execution|Conversion|Exercise|if|any"
    r"|\(Month/Day/Year\))$",
    re.I)
_INSTRUCTION_NUMBERS = re.compile(r"(?<![\d(,])\d{1,2}[,)](?![\d,])")
# A numbered column heading ('1. Title', '2A. Deemed'), at the start or after a tab, or '(Instr.':
# three patterns with uncased first characters, which the search skips ahead to (one
# alternation with re.I is tried at every position).
_COLUMN_NUMBER = re.compile(r"\d{1,2}[A-Z]?\.\s", re.I)
_TAB_COLUMN_NUMBER = re.compile(r"\t\d{1,2}[A-Z]?\.\s", re.I)
_INSTR = re.compile(r"\(Instr[.\s]", re.I)  # "(Instr 3 and 4)" too: pymupdf4llm drops the period
_HAS_VALUE = re.compile(r"[\d$]")


def is_column_heading(row: TextRow) -> bool:
    """Column headings ('1. Title of Security (Instr. 3)') and sub-headings ('(A) or (D)', 'Price')."""
    return are_column_headings(tuple(row.cells))


@lru_cache(maxsize=4096)
def are_column_headings(cells: tuple[str, ...]) -> bool:
    """`is_column_heading` of a row's cells, for a reader that has no row built yet (a line of
    text is one cell); cached: every filing repeats the form's headings."""
    joined = "\t".join(filter(None, cells))
    if _COLUMN_NUMBER.match(joined) or _TAB_COLUMN_NUMBER.search(joined) or "(" in joined and _INSTR.search(joined):
        return True
    # A row of values fails here, before the instruction numbers are taken out: '$', or a word
    # without digits that is no heading word ('Common'), stays as it is whatever they take out.
    if "$" in joined or any(not _HEADER_WORDS.match(w) and not _DIGIT.search(w) for w in joined.split()):
        return False
    if ")" in joined or "," in joined:
        joined = _INSTRUCTION_NUMBERS.sub(" ", joined)  # '(Instr. 3, 4 and 5)' wrapped: 'and 4)'
    return not _HAS_VALUE.search(joined) and all(_HEADER_WORDS.match(word) for word in joined.split())


@dataclass
class Record:
    title: str | None
    title_fns: list[str]
    tokens: list[_Token]
    line_number: int

    def has_pending_price(self) -> bool:
        return any(t.kind == "dollar" for t in self.tokens)


@lru_cache(maxsize=4096)
def _title(cell: str) -> tuple[str | None, tuple[str, ...]]:
    return clean_text(strip_footnotes(_unwrapped(cell))), tuple(footnote_ids(cell))


def read_record(row: TextRow) -> Record:
    """A table row's title (its first cell) and values. A first cell that runs on into the
    values (text set one space apart: 'Common Stock 01/24/2020 F 100 D $ 64.73') is cut
    where the values start (`split_title`)."""
    first = row.cells[0] if row.cells else ""
    rest = [cell for cell in row.cells[1:] if cell]
    title_text, values = split_title(first, " ".join(rest[:3])) if first and holds_digit(first) else (first, "")
    if values:
        rest.insert(0, values)
    title, fns = _title(title_text)
    stacked = row.style == "fixed"
    tokens = [tok for cell in rest for tok in _cell_tokens(cell, stacked)]
    return Record(title, list(fns), tokens, row.line_number)


_DIGIT = re.compile(r"\d")
_VALUE_WORD = re.compile(r"\$|\$?\d[\d,]*(?:\.\d+)?(?:\([0-9]{1,3}\))*|\d{1,2}/\d{1,2}/\d{2,4}(?:\([0-9]{1,3}\))*")


@lru_cache(maxsize=16384)
def is_value_word(word: str) -> bool:
    """A word that is a value of a table row: a date, a number, '$' or a price, a lone capital
    letter (a code, A/D, D/I), with or without footnote marks. Cached: every layout asks it of
    each word of most lines, and the form's words repeat line after line and filing after filing."""
    core = FOOTNOTE_MARK.sub("", word)
    return bool(core) and (bool(_VALUE_WORD.fullmatch(core)) or is_date_shaped(core)
                           or (len(core) == 1 and core.isupper()))


@lru_cache(maxsize=4096)
def split_title(cell: str, after_cell: str = "") -> tuple[str, str]:
    """'Common Stock 01/24/2020 F 100 D $ 64.73' -> ('Common Stock', '01/24/2020 F 100 D $ 64.73').

    The title ends at the first date, '$' or number that at least one more value follows;
    a number followed by a word ('Series 2018 Notes', '$0.01 par value') stays in the title."""
    words = cell.split()
    if len(words) < 2 or not _has_digit(cell):
        return cell, ""
    following = after_cell.split()
    # values from each word to the end, counted once (the search below stays linear)
    later = sum(1 for w in following if _is_row_value(w))
    remaining = [0] * (len(words) + 1)
    remaining[len(words)] = later
    for i in range(len(words) - 1, -1, -1):
        remaining[i] = remaining[i + 1] + _is_row_value(words[i])
    for i in range(1, len(words)):
        word = words[i]
        if not _is_number_shaped(word):
            continue
        if i + 1 >= len(words) and not following:
            break
        after = FOOTNOTE_MARK.sub("", words[i + 1] if i + 1 < len(words) else following[0])
        if "/" not in word and (after[:1].isalpha() and len(after) > 1 and not is_date_shaped(after)) or (
                word[0] == "$" and len(word) > 1):
            continue  # a number inside the title ('Series 2018 Notes', 'par value $0.01')
        if remaining[i] >= 2:
            return " ".join(words[:i]), " ".join(words[i:])
    return cell, ""


def _has_digit(text: str) -> bool:
    """Whether a character of the text is a digit as str.isdigit says; on ASCII text a regex
    search (in C) says the same."""
    return holds_digit(text) if text.isascii() else any(ch.isdigit() for ch in text)


@lru_cache(maxsize=16384)
def _is_number_shaped(word: str) -> bool:
    """'$', a number or a date without its footnote marks ('2018', '$0.01', '01/24/2020(1)')."""
    return bool(_VALUE_WORD.fullmatch(FOOTNOTE_MARK.sub("", word) or "-"))


@lru_cache(maxsize=16384)
def _is_row_value(word: str) -> bool:
    return bool(_VALUE_WORD.fullmatch(word)) or is_date_shaped(word) or (len(word) == 1 and word.isupper())


def continues(record: Record, previous: Record | None) -> bool:
    """A line that only finishes the row above: no date or letter of its own, and
    only a title, or a title that is missing, lower-case, a repeat of the title
    above, or the row above still waits for a price ('$' with the number on the next line)."""
    if previous is None:
        return False
    title = record.title
    if title is None:
        return True  # every row of the form has a title: a line without one finishes the row above
    if any(t.kind in ("letter", "ad") for t in record.tokens) or (
            any(t.kind == "date" for t in record.tokens) and not (title and title[:1].islower())):
        return False  # a date may end a wrapped text ('... Dated' / 'December 24, 2015'), a code may not
    return (title is None or not record.tokens or title[:1].islower() or previous.has_pending_price()
            or (previous.title is not None and ends_with_words(previous.title, title)))


def merge_into(previous: Record, record: Record) -> None:
    previous.title = join_fragment(previous.title, record.title)
    previous.title_fns.extend(record.title_fns)
    # Where the first '$' still waiting for its number and the last text are, found once and kept
    # up to date; a token that takes in another is replaced, never changed (tokens are shared).
    tokens = previous.tokens
    waiting = deque(i for i, t in enumerate(tokens) if t.kind == "dollar")
    text = next((i for i in range(len(tokens) - 1, -1, -1) if tokens[i].kind == "text"), None)
    for token in record.tokens:
        if waiting and token.kind in ("number", "price"):
            i = waiting.popleft()
            tokens[i] = _Token("price", token.value, tokens[i].fns + token.fns, tokens[i].joined)
        elif text is not None and token.kind == "text":
            old = tokens[text]
            tokens[text] = _Token("text", join_fragment(old.value, token.value), old.fns + token.fns, old.joined)
        else:
            tokens.append(token)
            if token.kind == "text":
                text = len(tokens) - 1
            elif token.kind == "dollar":
                waiting.append(len(tokens) - 1)


def is_leading_heading(row: TextRow) -> bool:
    """Above the first row, any line without a number, '$' or a lone letter
    ('D', 'I', a code) is heading text in whatever words the renderer chose."""
    values = row.cells[1:]
    return not _HAS_VALUE.search("\t".join(values)) and not any(len(c) == 1 and c.isupper() for c in values)


def records(rows: Iterable[TextRow]) -> list[Record]:
    """Records of a table's rows in reading order: column headings dropped, lines that only
    finish the row above (a wrapped title, a price after a page break) merged into it."""
    found: list[Record] = []
    for row in rows:
        if is_column_heading(row) or (not found and is_leading_heading(row)):
            continue
        record = read_record(row)
        if continues(record, found[-1] if found else None):
            merge_into(found[-1], record)
        else:
            found.append(record)
    return found


_NO_VALUE = frozenset({"fn", "null", "dollar"})


def _convert(column: str, token: _Token, part: str, record: Record):
    """A token's value for its column; numbers and prices are converted by `_add_rows` itself."""
    kind = token.kind
    if kind in _NO_VALUE:
        return None
    if column == "is_voluntary":
        return True
    if kind == "date":
        try:
            return _date(token.value)
        except ImpossibleValue as e:
            raise invalid(f"{part} row on line {record.line_number + 1}, {column}: {e}") from None
    return token.value


@lru_cache(maxsize=4096)
def _date(text: str) -> dt.date | None:
    return read_date(text)


def _fit(record: Record, layouts: tuple[str | None, str]) -> tuple[tuple[int, ...], str] | None:
    """Alignment and layout of a Table I/II record: a transaction when a
    transaction code is found, else a holding; None when it fits neither."""
    transaction_layout, holding_layout = layouts
    signatures = tuple(t.signature for t in record.tokens)
    transaction = _align(transaction_layout, signatures) if transaction_layout else None
    if transaction is not None:
        slots = _LAYOUTS[transaction_layout]
        if any(slots[k].column == "transaction_code" and sig[0] == "L" for k, sig in zip(transaction, signatures)):
            return transaction, transaction_layout
    holding = _align(holding_layout, signatures)
    if holding is not None:
        return holding, holding_layout
    if transaction is not None:
        return transaction, transaction_layout
    return None


def _place(record: Record, layouts: tuple[str | None, str], part: str) -> tuple[tuple[int, ...], str, Record]:
    """The record placed in the form's columns. A record that fits no order gets one second
    reading: a mark printed apart from its value ('11,727,113' then '(1)' a gap later) joins
    the value before it, and one wrapped text read as a cell of its own ('Common' | '311' |
    'Stock'; '$ 195.255' over '(Right to Buy)') joins the title or the text before it."""
    if (found := _fit(record, layouts)) is not None:
        return found[0], found[1], record
    attempts = [record]
    if any(t.kind == "fn" for t in record.tokens):
        merged = _merge_lone_marks(record)
        if merged is not record:
            if (found := _fit(merged, layouts)) is not None:
                return found[0], found[1], merged
            attempts.append(merged)
    for attempt in attempts:
        if len(attempt.tokens) > _MAX_SLOTS + 1:
            continue  # moving one text cannot make so many values fit
        for candidate in _text_moves(attempt):
            if (found := _fit(candidate, layouts)) is not None:
                return found[0], found[1], candidate
    cells = " | ".join([record.title or ""] + [t.value or "(" + ",".join(t.fns) + ")" for t in record.tokens])
    raise ParseError("unreadable_row", f"{part} row on line {record.line_number + 1} does not fit the form's columns "
                                       f"in any order: {cells[:200]!r}")


def _text_moves(record: Record):
    """Records with one text token moved: into the title, or joined to the text before it
    (the values between follow the joined text)."""
    texts = [i for i, t in enumerate(record.tokens) if t.kind == "text"]
    for i in texts:
        token = record.tokens[i]
        rest = record.tokens[:i] + record.tokens[i + 1:]
        yield Record(join_fragment(record.title, token.value), record.title_fns + token.fns, rest, record.line_number)
        before = [j for j in texts if j < i]
        if before:
            j = before[-1]
            joined = _Token("text", join_fragment(record.tokens[j].value, token.value),
                            record.tokens[j].fns + token.fns, record.tokens[j].joined)
            moved = record.tokens[:j] + [joined] + record.tokens[j + 1:i] + record.tokens[i + 1:]
            yield Record(record.title, record.title_fns, moved, record.line_number)


def _merge_lone_marks(record: Record) -> Record:
    tokens: list[_Token] = []
    title_fns = list(record.title_fns)
    for token in record.tokens:
        if token.kind == "fn":
            if tokens:
                tokens[-1] = _Token(tokens[-1].kind, tokens[-1].value, tokens[-1].fns + token.fns, tokens[-1].joined)
            else:
                title_fns.extend(token.fns)
            continue
        tokens.append(token)
    if len(tokens) == len(record.tokens):
        return record
    return Record(record.title, title_fns, tokens, record.line_number)


_COLUMNS = {name: tuple(slot.column for slot in slots) for name, slots in _LAYOUTS.items()}


@lru_cache(maxsize=4096)
def _is_value(title: str) -> bool:
    """A title cell that is a date or a number; cached: the same titles start row after row."""
    return is_date_shaped(title) or bool(_PLAIN_NUMBER.fullmatch(title.replace("$", "").strip()))


def _add_rows(filing: ParsedFiling, records: list[Record], layouts: tuple[str | None, str], part: str) -> None:
    for row_index, record in enumerate(records):
        if record.title and _is_value(record.title):
            raise ParseError("unreadable_row", f"{part} row on line {record.line_number + 1} starts with a value "
                                               f"({record.title[:40]!r}), not a security title: its cells are out "
                                               "of the form's order")
        alignment, placed, record = _place(record, layouts, part)
        table = _TABLE_OF[placed]
        row = blank_filing_row(table)
        row["row_index"] = row_index
        row["security_title"] = record.title
        refs = [("security_title", fn) for fn in record.title_fns]
        columns = _COLUMNS[placed]
        for token, k in zip(record.tokens, alignment):
            column = columns[k]
            if column is None:
                continue
            kind = token.kind
            if kind == "number" or kind == "price":  # most values, converted here without a call
                # The token pattern already checked the digits: only '$', spaces and commas to drop.
                row[column] = Decimal(token.value.lstrip("$ ").replace(",", ""))
            else:
                row[column] = _convert(column, token, part, record)
            if token.fns:
                refs.extend((column, fn) for fn in token.fns)
        filing.add(table, row)
        for column, fn in dict.fromkeys(refs) if refs else ():
            filing.add("footnote_refs",
                       {"table_name": table, "row_index": row_index, "field": column, "footnote_id": fn})




def _table_layouts(part: str, form_number: str) -> tuple[str | None, str]:
    if part == TABLE_I:
        return (None if form_number == "3" else "NT", "NH")
    if part == TABLE_II:
        return (None, "DH3") if form_number == "3" else ("DT", "DH")
    raise ValueError(f"part must be {TABLE_I!r} or {TABLE_II!r}, not {part!r}")


def add_table_rows(filing: ParsedFiling, found: Sequence[Record], part: str, form_number: str) -> None:
    """Rows of Table I (`part` TABLE_I) or Table II (TABLE_II) of a Form `form_number`: each record
    becomes a transaction where a transaction code fits, else a holding; a record that fits
    neither order of columns is an `unreadable_row` ParseError."""
    _add_rows(filing, list(found), _table_layouts(part, form_number), part)


def row_cost(record: Record, part: str, form_number: str) -> float | None:
    """How poorly a record fits the columns of its table, as `add_table_rows` aligns it: the
    weights of the columns left empty and of lone marks (None: it fits no order). Lets a reader
    of text without column positions choose between readings of a row."""
    return _signatures_cost(tuple(t.signature for t in record.tokens), part, form_number)


@lru_cache(maxsize=4096)
def _signatures_cost(signatures: tuple[str, ...], part: str, form_number: str) -> float | None:
    """`row_cost` of a record's token signatures; cached: the readings a reader compares repeat
    the same signatures many times."""
    best = None
    for layout in _table_layouts(part, form_number):
        picked = _align(layout, signatures) if layout else None
        if picked is None:
            continue
        slots = _LAYOUTS[layout]
        cost = sum(slot.weight for slot in slots) + sum(
            _cost(slots[k], sig) - slots[k].weight for k, sig in zip(picked, signatures))
        best = cost if best is None else min(best, cost)
    return best


# --- signatures, footnotes, remarks ----------------------------------------------------
_SIGNATURE_BOILERPLATE = re.compile(r"(?:\*{0,3}\s{0,3}Signature\s{1,3}of|Reporting\s{1,3}Person$|Date:?$|\*+$)", re.I)


def signature_row(index: int, as_filed: str | None, signed_date: dt.date | None, title: str | None = None) -> dict:
    """One `signatures` row, read by the one signature rule (`signatures.read_signer`)."""
    signer = read_signer(as_filed, title)
    return {"signature_index": index, "name": signer.name, "title": signer.title, "as_filed": signer.as_filed,
            "signed_date": signed_date}


def add_signature(filing: ParsedFiling, as_filed: str | None, signed_date: dt.date | None,
                  title: str | None = None) -> dict:
    index = len(filing.rows.get("signatures", ()))
    return filing.add("signatures", signature_row(index, as_filed, signed_date, title))


def add_signatures(filing: ParsedFiling, lines: Iterable[str]) -> None:
    """A signature block as lines: each signer's text followed by a line holding its date
    ('/s/ Jane Roe, Attorney-in-Fact' then '05/14/2007'); the form's captions
    ('** Signature of Reporting Person', 'Date') are skipped."""
    pending: list[str] = []
    for line in lines:
        line = line.strip()
        if not line or _SIGNATURE_BOILERPLATE.match(line):
            continue
        if is_date_shaped(line):
            add_signature(filing, " ".join(pending) or None, date_value(line, "signature date"))
            pending = []
        else:
            pending.append(line)
    if pending:
        add_signature(filing, " ".join(pending), None)


_BULLET = re.compile(r"(?:[-\u2022+]\s{1,8})+")
_FOOTNOTE_START = re.compile(r"[(\[]\s{0,3}(\d{1,3})\s{0,3}[)\]]")
REMARKS_LABEL = re.compile(r"Remarks\s{0,3}:?\s{0,3}", re.I)
_NOTE = re.compile(r"Note\s{0,3}:", re.I)


def footnote_start(line: str) -> tuple[str, str] | None:
    """'(1) text' or '[1] text' -> ('F1', 'text'): the line starts footnote F1."""
    m = _FOOTNOTE_START.match(line)
    return (f"F{m[1]}", line[m.end():].strip()) if m else None


def add_footnotes(filing: ParsedFiling, lines: Iterable[str]) -> None:
    """The footnotes of "Explanation of Responses": '(1) text' starts footnote F1 and the
    lines below continue it; the form's own '*' / '**' notes are not footnotes, and a
    'Note:' or 'Remarks:' line ends them. A layout may lose the marks of some notes (a PDF
    converter drops a mark set beside its paragraph): when footnote n follows footnote k with
    the ones between not printed, the paragraphs (parted by blank lines) before n that no mark
    starts are those notes, the last ones for the last numbers; text belonging to no note just
    before n is n - 1."""
    notes: dict[int, list[list[str]]] = {}  # number -> paragraphs
    current: list[list[str]] | None = None
    orphan: list[str] = []
    blank = False
    for line in lines:
        line = line.strip()
        if line[:1] in "-\u2022+" and (m := _BULLET.match(line)):
            line = line[m.end():]
        if not line:
            blank = True
            continue
        if _NOTE.match(line) or REMARKS_LABEL.match(line):
            break
        if start := footnote_start(line):
            number = int(start[0][1:])
            missing = [n for n in range(max(notes, default=0) + 1, number) if n not in notes]
            if orphan and missing and missing[-1] == number - 1:
                notes[missing.pop()] = [orphan]
            if current is not None and missing and len(current) > len(missing):
                for n, paragraph in zip(missing, current[len(current) - len(missing):]):
                    notes[n] = [paragraph]
                del current[len(current) - len(missing):]
            orphan = []
            current = notes.setdefault(number, [])
            current.append([start[1]])
        elif line.startswith("*"):
            current, orphan = None, []
        elif current is not None:
            if blank:
                current.append([])
            current[-1].append(line)
        else:
            orphan.append(line)
        blank = False
    for number in sorted(notes):
        text = " ".join(line for paragraph in notes[number] for line in paragraph)
        filing.add("footnotes", {"footnote_id": f"F{number}", "text": clean_text(text)})


def remarks_text(lines: Sequence[str]) -> str | None:
    """The remarks: the lines after 'Remarks:' (the label itself dropped)."""
    if not lines:
        return None
    first = lines[0].strip()
    if m := REMARKS_LABEL.match(first):
        first = first[m.end():]
    return clean_text(" ".join([first, *lines[1:]]))
