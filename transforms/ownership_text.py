"""Text renderings of printed Forms 3, 4, 5 (and /A): cover page, Table I,
Table II, reporting owners, signatures and explanation of responses.

Renderers shift, merge and drop table columns ("D $ 54" is two cells, a
deemed-date cell comes and goes), so table rows are read by what each cell
holds and in which order (see `_align`), never by column position. Layout
(tabs, pipes, rules) is `text_tables`' job."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from filingflow.reference import TRANSACTION_CODE_SET
from transforms.errors import ParseError
from transforms.model import ParsedFiling, blank_filing_row, content_filing_id
from transforms.text_tables import TextRow, ends_with_words, join_fragment, read_rows, unwrap
from transforms.values import clean_text, footnote_ids, parse_date, state_code, strip_footnotes

FORMAT = "ownership_text_rendering"

_SNIFF_BYTES = 8192
_FOREIGN = re.compile(r"<(?:SEC-DOCUMENT|SEC-HEADER|SUBMISSION|ownershipDocument|html|table|\?xml)\b", re.I)
_TITLE = re.compile(
    r"STATEMENT\s+OF\s+CHANGES\s+IN\s+BENEFICIAL\s+OWNERSHIP|INITIAL\s+STATEMENT\s+OF\s+BENEFICIAL\s+OWNERSHIP"
    r"|ANNUAL\s+STATEMENT\s+OF\s+CHANGES|Table\s+I\s*[-\u2013\u2014:]+\s*Non-Derivative\s+Securities", re.I)


# _TITLE for ASCII text, lower-cased and without re.I: a literal start the search can skip to.
_TITLE_LOWER = re.compile(
    r"statement\s+of\s+changes\s+in\s+beneficial\s+ownership|initial\s+statement\s+of\s+beneficial\s+ownership"
    r"|annual\s+statement\s+of\s+changes|table\s+i\s*[-\u2013\u2014:]+\s*non-derivative\s+securities")


def sniff(text: str) -> bool:
    head = text[:_SNIFF_BYTES]
    if _FOREIGN.search(head):
        return False
    if head.isascii():
        low = head.lower()
        return ("statement" in low or "table" in low) and _TITLE_LOWER.search(low) is not None
    return bool(_TITLE.search(head))


# --- markdown clean-up -------------------------------------------------------
# `\|` stays escaped: text_tables must not split a cell on it.
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$>~])")
_ESCAPED_STAR = "\x00"


def _plain_lines(text: str) -> list[str]:
    """Lines without markdown: emphasis stars and '#' heading marks dropped,
    escapes (\\$, \\_, \\*) resolved. str.replace, not regexes: it is the hot path."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "*" in text:
        text = text.replace("\\*", _ESCAPED_STAR).replace("*", "").replace(_ESCAPED_STAR, "\\*")
    if "\\" in text:
        text = _MD_ESCAPE.sub(lambda m: m[1], text)
    # trailing tabs are empty cells: strip spaces only
    return [line.lstrip("# ").rstrip(" ") if line[:1] == "#" else line.rstrip(" ") for line in text.split("\n")]


# --- sections ------------------------------------------------------------------
_HEADING = re.compile(
    r"\s*(?:(?P<table_i>Table\s+I\s*[-\u2013\u2014:]+\s*Non-Derivative)"
    r"|(?P<table_ii>Table\s+II\s*[-\u2013\u2014:]+\s*Derivative)"
    r"|(?P<owners>Reporting\s+Owners\s*:?$)|(?P<signatures>Signatures?\s*:?$)"
    r"|(?P<explanation>Explanation\s+of\s+Responses)"
    r"|(?P<remarks>Remarks\s*:?))", re.I)
_REMARKS = re.compile(r"^Remarks\s*:?\s*", re.I)
_NOTE = re.compile(r"^Note\s*:", re.I)


@dataclass
class _Sections:
    table_i: int
    table_ii: int
    owners: int | None
    signatures: int | None
    explanation: int | None
    remarks: int | None

    def end_of(self, start: int, total: int) -> int:
        """First section heading after `start` (or the end of the text)."""
        later = [i for i in (self.table_ii, self.owners, self.signatures, self.explanation, self.remarks)
                 if i is not None and i > start]
        return min(later, default=total)


def _sections(lines: list[str]) -> _Sections:
    found: dict[str, int] = {}
    for i, line in enumerate(lines):
        m = _HEADING.match(line)
        if m is None or m.lastgroup in found:
            continue
        # Table II comes after Table I; everything else after Table II.
        if m.lastgroup == "table_i" or ("table_i" in found and (m.lastgroup == "table_ii" or "table_ii" in found)):
            found[m.lastgroup] = i
    table_i = found.get("table_i")
    if table_i is None:
        raise ParseError("truncated", "the rendering has a Form 3/4/5 title but no 'Table I - Non-Derivative "
                                      "Securities' heading: it stops before the tables")
    table_ii = found.get("table_ii")
    if table_ii is None:
        raise ParseError("truncated", "the rendering stops before 'Table II - Derivative Securities' "
                                      f"(Table I heading on line {table_i + 1}, no Table II heading after it)")
    signatures, explanation = found.get("signatures"), found.get("explanation")
    if signatures is None and explanation is None:
        raise ParseError("truncated", "the rendering stops before the signature and the explanation of responses "
                                      "(neither a 'Signatures' nor an 'Explanation of Responses' heading "
                                      "after Table II)")
    return _Sections(table_i, table_ii, found.get("owners"), signatures, explanation, found.get("remarks"))


# --- cover page ------------------------------------------------------------------
_LABEL_LIKE = re.compile(r"^(?:\d{1,2}[A-Z]?\.\s|\(|Table\s+I)", re.I)
_FORM_LINE = re.compile(r"^FORM\s+([345])\s*(/\s*A)?$", re.I)
_PAGE_HEADER = re.compile(r"^Edgar\s+Filing:\s*(.*?)\s+-\s+Form\s+([345])\s*(/\s*A)?\s*$", re.I)
_ACCESSION = re.compile(r"Accession\s+(?:No\.?|Number)\s*:?\s*(\d{10}-\d{2}-\d{6})", re.I)
# Every cover label the reader looks for, found in one pass over the cover lines.
_COVER_LABELS = re.compile(
    r"(?P<issuer>Issuer\s+Name\s+and\s+Ticker\s+or\s+Trading\s+Symbol)"
    r"|(?P<owner>Name\s+and\s+Address\s+of\s+Reporting\s+Person\(?s?\)?)"
    r"|(?P<period>(?:Date\s+of\s+Earliest\s+Transaction(?:\s+Required\s+to\s+be\s+Reported)?"
    r"|Date\s+of\s+Event\s+Requiring\s+Statement|Statement\s+for\s+Issuer'?s\s+Fiscal\s+Year\s+Ended)"
    r"\s*(?:\(\s*Month/Day/Year\s*\))?)"
    r"|(?P<amendment>If\s+Amendment,\s+Date\s+(?:of\s+)?Original\s+Filed\s*(?:\(\s*Month/Day/Year\s*\))?)"
    r"|(?P<last_first>^\s*\(Last\)\s*\(First\)\s*\(Middle\))"
    r"|(?P<street>^\s*\(Street\)\s*$)"
    r"|(?P<city>^\s*\(City\)\s*\(State\)\s*\(Zip\))"
    # the form's own title: the renderer's page header (issuer, form, date filed) is above it
    r"|(?P<title>SECURITIES\s+AND\s+EXCHANGE\s+COMMISSION|STATEMENT\s+OF\s+CHANGES|INITIAL\s+STATEMENT)",
    re.I)
_CITY_STATE_ZIP = re.compile(r"^(?P<city>.*?),?\s+(?P<state>[A-Za-z]{2})\.?(?:\s+(?P<zip>\d{5}(?:-\d{4})?))?$")
# Whole words only: 'C/O STERLING ENERGY' has no second line.
_SECOND_STREET_LINE = re.compile(r"\s(?=(?:(?:SUITE|STE|APT|UNIT|ROOM|FLOOR)\b\.?|FL\.|#)\s*\S)", re.I)


_VALUE_LOOKAHEAD = 6


# A word every cover label holds: an ASCII line with none of them holds no label.
_LABEL_WORDS = ("issuer", "reporting", "date", "statement", "amendment", "(last)", "(street)", "(city)", "securities")


def _label_positions(lines: list[str], stop: int) -> dict[str, tuple[int, int]]:
    """First (line, end of label) of each cover label."""
    found: dict[str, tuple[int, int]] = {}
    for i in range(min(stop, len(lines))):
        line = lines[i]
        if line.isascii():
            low = line.lower()
            if not any(word in low for word in _LABEL_WORDS):
                continue
        for m in _COVER_LABELS.finditer(line):
            found.setdefault(m.lastgroup, (i, m.end()))
    return found


def _value_lines(lines: list[str], labels: dict[str, tuple[int, int]], label: str, stop: int,
                 count: int = 1) -> list[str]:
    """Text after a cover label: the rest of its line, else the next lines that are not labels."""
    if label not in labels:
        return []
    at, end = labels[label]
    rest = lines[at][end:].strip(" *:")
    if rest:
        return [rest]
    values: list[str] = []
    for line in lines[at + 1:min(stop, at + 1 + _VALUE_LOOKAHEAD)]:
        line = line.strip()
        if not line:
            if values:
                break
            continue
        if _LABEL_LIKE.match(line) or len(values) >= count:
            break
        values.append(line)
    return values


def _first_date(candidates: list[str]) -> dt.date | None:
    for candidate in candidates:
        if (date := parse_date(candidate)) is not None:
            return date
    return None


@dataclass
class _Address:
    street1: str | None = None
    street2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


def _split_street(street: str | None, lines: list[str] = ()) -> tuple[str | None, str | None]:
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


def _city_state_zip(line: str | None) -> tuple[str | None, str | None, str | None]:
    if not line:
        return None, None, None
    m = _CITY_STATE_ZIP.match(line.strip())
    if not m:
        return clean_text(line), None, None
    return clean_text(m["city"].rstrip(",")), state_code(m["state"]), m["zip"]


def _cover_address(lines: list[str], labels: dict[str, tuple[int, int]]) -> _Address:
    """Street lines sit between '(Last) (First) (Middle)' and '(Street)', the
    city line between '(Street)' and '(City) (State) (Zip)'."""
    top, street_at = labels.get("last_first", (None,))[0], labels.get("street", (None,))[0]
    if top is None or street_at is None or street_at < top:
        return _Address()
    city_at = labels.get("city", (None,))[0]
    if city_at is not None and city_at < street_at:
        city_at = None
    street_lines = [line.strip() for line in lines[top + 1:street_at] if line.strip()]
    city_line = clean_text(" ".join(lines[street_at + 1:city_at])) if city_at is not None else None
    street1, street2 = _split_street(clean_text(" ".join(street_lines)), street_lines)
    city, state, zip_code = _city_state_zip(city_line)
    return _Address(street1, street2, city, state, zip_code)


def _form_type(lines: list[str], stop: int) -> tuple[str, bool]:
    for line in lines[:stop]:
        if m := _FORM_LINE.match(line.strip()):
            return m[1], bool(m[2])
    for line in lines:
        if m := _PAGE_HEADER.match(line.strip()):
            return m[2], bool(m[3])
    title = " ".join(lines[:stop]).upper()
    if "INITIAL STATEMENT OF BENEFICIAL OWNERSHIP" in title:
        return "3", False
    if "ANNUAL STATEMENT" in title:
        return "5", False
    if "STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP" in title:
        return "4", False
    raise ParseError("unrecognized_format",
                     "no 'FORM 3/4/5' line or form title before Table I: cannot tell which form this is")


def _name_and_ticker(line: str) -> tuple[str | None, str | None]:
    """'APARTMENT INVESTMENT & MANAGEMENT CO [AIV]' -> name, ticker."""
    line = line.strip()
    if line.endswith("]") and "[" in line:
        name, _, ticker = line[:-1].rpartition("[")
        return clean_text(name), clean_text(ticker)
    return clean_text(line), None


@dataclass
class _Cover:
    form_number: str
    is_amendment: bool
    filed_date: dt.date | None
    period: dt.date | None
    original_date: dt.date | None
    issuer_name: str | None
    issuer_ticker: str | None
    owner_name: str | None
    address: _Address
    accession: str | None


def _cover(lines: list[str], stop: int, text: str) -> _Cover:
    form_number, amended = _form_type(lines, stop)
    labels = _label_positions(lines, stop)
    title_at = labels.get("title", (stop,))[0]
    filed = _first_date([line.strip() for line in lines[:title_at] if line.strip()])
    issuer_name = issuer_ticker = None
    if issuer := _value_lines(lines, labels, "issuer", stop):
        issuer_name, issuer_ticker = _name_and_ticker(issuer[0])
    if issuer_name is None:
        issuer_name = next((clean_text(m[1]) for line in lines if (m := _PAGE_HEADER.match(line.strip()))), None)
    owner = _value_lines(lines, labels, "owner", stop)
    original = _first_date(_value_lines(lines, labels, "amendment", stop, count=2))
    accession = _ACCESSION.search(text[:_SNIFF_BYTES])
    return _Cover(
        form_number=form_number,
        is_amendment=amended or original is not None,
        filed_date=filed,
        period=_first_date(_value_lines(lines, labels, "period", stop, count=2)),
        original_date=original,
        issuer_name=issuer_name,
        issuer_ticker=issuer_ticker or None,
        owner_name=clean_text(owner[0]) if owner else None,
        address=_cover_address(lines, labels),
        accession=accession[1] if accession else None,
    )


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
_NULL_WORDS = re.compile(r"^(?:immediately|immed\.?|n/?a|none|various|-+|\u2014)$", re.I)
_NULLISH = frozenset({"fn", "null"})


@dataclass(slots=True)
class _Token:
    kind: str  # date, price, dollar, number, letter, ad, fn, null, text
    value: str | None
    fns: list[str] = field(default_factory=list)
    joined: bool = False  # shares its cell with the token before: the columns were next to each other

    @property
    def signature(self) -> str:
        """What alignment depends on: the kind, the letter of letter tokens, '+' when joined."""
        if self.kind == "letter":
            sig = "L" + self.value
        else:
            sig = "(" + self.value if self.kind == "ad" else self.kind
        return "+" + sig if self.joined else sig


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


def _cell_tokens(cell: str) -> list[_Token]:
    return [_Token(kind, value, list(fns), joined) for kind, value, fns, joined in _cell_token_parts(cell)]


@lru_cache(maxsize=8192)
def _cell_token_parts(cell: str) -> tuple[tuple[str, str | None, tuple[str, ...], bool], ...]:
    """Tokens of a cell as immutable parts: cells repeat across rows and filings."""
    return tuple((t.kind, t.value, tuple(t.fns), t.joined) for t in _parse_cell(cell))


def _parse_cell(cell: str) -> list[_Token]:
    if not cell:
        return []
    atoms = _atoms(cell)
    if atoms is not None:
        return atoms
    text = clean_text(strip_footnotes(cell))
    fns = footnote_ids(cell)
    if text is None:
        return [_Token("fn", None, fns)]
    if parse_date(text) is not None:
        return [_Token("date", text, fns)]
    if _NULL_WORDS.match(text):
        return [_Token("null", None, fns)]
    return [_Token("text", text, fns)]


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


@lru_cache(maxsize=4096)
def _align(layout: str, signatures: tuple[str, ...]) -> tuple[int, ...] | None:
    """Slot index for each token, in order, leaving the cheapest set of slots
    empty; None when the tokens do not fit the layout in that order."""
    slots = _LAYOUTS[layout]
    n, m = len(signatures), len(slots)
    if n > m:
        return None
    costs = [[_cost(slot, sig) for slot in slots] for sig in signatures]
    # A gap between two values of one cell is unlikely: the renderer merged neighbouring columns.
    split_cell = [_SPLIT_CELL_COST if sig[0] == "+" else 0.0 for sig in signatures]
    inf = float("inf")
    gap_after = [0.0] * (m + 1)
    for j in range(m - 1, -1, -1):
        gap_after[j] = gap_after[j + 1] + slots[j].weight
    best = [[inf] * (m + 1) for _ in range(n)] + [gap_after]
    choice = [[-1] * (m + 1) for _ in range(n)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            gaps = 0.0
            for k in range(j, m - (n - 1 - i)):
                cost = costs[i][k]
                if cost is not None:
                    total = gaps + cost + best[i + 1][k + 1]
                    if total < best[i][j] - 1e-9:
                        best[i][j], choice[i][j] = total, k
                gaps += slots[k].weight + split_cell[i]
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
_COLUMN_HEADING = re.compile(r"(?:^|\t)\d{1,2}[A-Z]?\.\s|\(Instr\.", re.I)
_HAS_VALUE = re.compile(r"[\d$]")


def _is_header(row: TextRow) -> bool:
    """Column headings ('1. Title of Security (Instr. 3)') and sub-headings ('(A) or (D)', 'Price')."""
    joined = "\t".join(c for c in row.cells if c)
    if _COLUMN_HEADING.search(joined):
        return True
    return not _HAS_VALUE.search(joined) and all(_HEADER_WORDS.match(word) for word in joined.split())


@dataclass
class _Record:
    title: str | None
    title_fns: list[str]
    tokens: list[_Token]
    line_number: int

    def has_pending_price(self) -> bool:
        return any(t.kind == "dollar" for t in self.tokens)


@lru_cache(maxsize=4096)
def _title(cell: str) -> tuple[str | None, tuple[str, ...]]:
    return clean_text(strip_footnotes(cell)), tuple(footnote_ids(cell))


def _record(row: TextRow) -> _Record:
    title, fns = _title(row.cells[0] if row.cells else "")
    tokens = [tok for cell in row.cells[1:] if cell for tok in _cell_tokens(cell)]
    return _Record(title, list(fns), tokens, row.line_number)


def _continues(record: _Record, previous: _Record | None) -> bool:
    """A line that only finishes the row above: no date or letter of its own, and
    only a title, or a title that is missing, lower-case, a repeat of the title
    above, or the row above still waits for a price ('$' with the number on the next line)."""
    if previous is None or any(t.kind in ("date", "letter", "ad") for t in record.tokens):
        return False
    title = record.title
    return (title is None or not record.tokens or title[:1].islower() or previous.has_pending_price()
            or (previous.title is not None and ends_with_words(previous.title, title)))


def _merge_into(previous: _Record, record: _Record) -> None:
    previous.title = join_fragment(previous.title, record.title)
    previous.title_fns.extend(record.title_fns)
    for token in record.tokens:
        pending = next((t for t in previous.tokens if t.kind == "dollar"), None)
        text = next((t for t in reversed(previous.tokens) if t.kind == "text"), None)
        if pending is not None and token.kind in ("number", "price"):
            pending.kind, pending.value = "price", token.value
            pending.fns.extend(token.fns)
        elif text is not None and token.kind == "text":
            text.value = join_fragment(text.value, token.value)
            text.fns.extend(token.fns)
        else:
            previous.tokens.append(token)


def _is_leading_heading(row: TextRow) -> bool:
    """Above the first row, any line without a number, '$' or a lone letter
    ('D', 'I', a code) is heading text in whatever words the renderer chose."""
    values = row.cells[1:]
    return not _HAS_VALUE.search("\t".join(values)) and not any(len(c) == 1 and c.isalpha() for c in values)


def _records(lines: list[str], first_line: int) -> list[_Record]:
    records: list[_Record] = []
    for row in read_rows(lines, first_line=first_line):
        if _is_header(row) or (not records and _is_leading_heading(row)):
            continue
        record = _record(row)
        if _continues(record, records[-1] if records else None):
            _merge_into(records[-1], record)
        else:
            records.append(record)
    return records


def _blank(table: str) -> dict:
    return blank_filing_row(table)


def _convert(column: str, token: _Token):
    if token.kind in ("fn", "null", "dollar"):
        return None
    if column == "is_voluntary":
        return True
    if token.kind == "date":
        return _date(token.value)
    if token.kind in ("number", "price"):
        # The token pattern already checked the digits: only '$', spaces and commas to drop.
        return Decimal(token.value.lstrip("$ ").replace(",", ""))
    return token.value


@lru_cache(maxsize=4096)
def _date(text: str) -> dt.date | None:
    return parse_date(text)


def _place(record: _Record, layouts: tuple[str | None, str], part: str) -> tuple[tuple[int, ...], str]:
    """Alignment and layout of a Table I/II record: a transaction when a
    transaction code is found, else a holding."""
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
    cells = " | ".join([record.title or ""] + [t.value or "(" + ",".join(t.fns) + ")" for t in record.tokens])
    raise ParseError("unreadable_row", f"{part} row on line {record.line_number + 1} does not fit the form's columns "
                                       f"in any order: {cells[:200]!r}")


def _table_rows(filing: ParsedFiling, records: list[_Record], layouts: tuple[str | None, str], part: str) -> None:
    for row_index, record in enumerate(records):
        alignment, placed = _place(record, layouts, part)
        table = _TABLE_OF[placed]
        row = _blank(table)
        row["row_index"] = row_index
        row["security_title"] = record.title
        refs = [("security_title", fn) for fn in record.title_fns]
        slots = _LAYOUTS[placed]
        for token, k in zip(record.tokens, alignment):
            column = slots[k].column
            if column is None:
                continue
            row[column] = _convert(column, token)
            if token.fns:
                refs.extend((column, fn) for fn in token.fns)
        filing.add(table, row)
        for column, fn in dict.fromkeys(refs) if refs else ():
            filing.add("footnote_refs",
                       {"table_name": table, "row_index": row_index, "field": column, "footnote_id": fn})


# --- reporting owners ------------------------------------------------------------------
_ADDRESS_START = re.compile(r"^(?:\d|C/O\b|P\.?\s?O\.?\s|PO\s+BOX\b|ONE\s|TWO\s)", re.I)
_ADDRESS_END = re.compile(r",\s*[A-Za-z]{2}\.?\s+\d{5}(?:-\d{4})?$")
_ROLE_COLUMNS = (("director", re.compile(r"^Director$", re.I)), ("ten", re.compile(r"^10\s*%\s*Owner$", re.I)),
                 ("officer", re.compile(r"^Officer", re.I)), ("other", re.compile(r"^Other", re.I)))


_OWNER_HEADING = re.compile(r"Reporting\s+Owner\s+Name", re.I)


def _looks_like_address(text: str) -> bool:
    return bool(_ADDRESS_START.match(text) or _ADDRESS_END.search(text))


def _role_positions(rows: list[TextRow]) -> tuple[dict[str, int], int]:
    for at, row in enumerate(rows):
        positions = {}
        for name, pattern in _ROLE_COLUMNS:
            hit = next((i for i, c in enumerate(row.cells) if pattern.match(c)), None)
            if hit is not None:
                positions[name] = hit
        if len(positions) == len(_ROLE_COLUMNS):
            return positions, at + 1
    return {"director": 1, "ten": 2, "officer": 3, "other": 4}, 0


def _address_from_table(text: str) -> _Address:
    """'4582 S. ULSTER STREET PARKWAY SUITE 1100 DENVER, CO 80237': the city is
    what follows the last word with a digit in it."""
    m = _CITY_STATE_ZIP.match(text)
    if not m or not m["zip"]:
        return _Address(street1=clean_text(text))
    words = m["city"].rstrip(",").split()
    last_digit = max((i for i, w in enumerate(words) if any(ch.isdigit() for ch in w)), default=-1)
    street = " ".join(words[:last_digit + 1]) or None
    city = " ".join(words[last_digit + 1:]) or None
    street1, street2 = _split_street(street)
    return _Address(street1, street2, city, state_code(m["state"]), m["zip"])


def _name_and_address(cell: str, cover: _Cover) -> tuple[str, _Address]:
    """Split 'NAME STREET CITY, ST ZIP'. The owner named on the cover is known
    by name, and the cover gives its address line by line; any other owner's
    name ends where the address starts (a number, C/O, P.O. Box)."""
    words = cell.split()
    cover_words = cover.owner_name.upper().split() if cover.owner_name else []
    if cover_words and [w.upper() for w in words[:len(cover_words)]] == cover_words:
        rest = " ".join(words[len(cover_words):])
        if any(vars(cover.address).values()) or not rest:
            return cover.owner_name, cover.address
        return cover.owner_name, _address_from_table(rest)
    split_at = next((i for i in range(1, len(words)) if _ADDRESS_START.match(" ".join(words[i:i + 2]) + " ")),
                    len(words))
    name, rest = " ".join(words[:split_at]), " ".join(words[split_at:])
    return name, _address_from_table(rest) if rest else _Address()


def _relationship(cell: str) -> tuple[bool, str | None]:
    text = clean_text(cell)
    if text is None:
        return False, None
    return True, None if text.upper() == "X" else text


def _owners(filing: ParsedFiling, lines: list[str], first_line: int, cover: _Cover) -> None:
    rows = read_rows(lines, first_line=first_line)
    positions, start = _role_positions(rows)
    data = [row for row in rows[start:] if not _OWNER_HEADING.match(row.cells[0])]

    def role(row: TextRow, name: str) -> str:
        at = positions[name]
        return row.cells[at] if at < len(row.cells) else ""

    def starts_owner(row: TextRow) -> bool:
        """A line with no check mark that reads like an address continues the owner above."""
        return any(role(row, name) for name in positions) or not _looks_like_address(row.cells[0])

    for index, row in enumerate(unwrap(data, starts_owner)):
        name, address = _name_and_address(clean_text(row.cells[0]) or "", cover)
        is_director, _ = _relationship(role(row, "director"))
        is_ten, _ = _relationship(role(row, "ten"))
        is_officer, officer_title = _relationship(role(row, "officer"))
        is_other, other_text = _relationship(role(row, "other"))
        owner = _blank("reporting_owners")
        owner.update(owner_index=index, owner_name=name or None, street1=address.street1, street2=address.street2,
                     city=address.city, state=address.state, zip=address.zip, is_director=is_director,
                     is_officer=is_officer, is_ten_percent_owner=is_ten, is_other=is_other,
                     officer_title=officer_title, other_text=other_text)
        filing.add("reporting_owners", owner)


def _owner_from_cover(filing: ParsedFiling, cover: _Cover) -> None:
    """Without a Reporting Owners table the cover names one owner; its check marks are not rendered."""
    if cover.owner_name is None:
        return
    owner = _blank("reporting_owners")
    a = cover.address
    owner.update(owner_index=0, owner_name=cover.owner_name, street1=a.street1, street2=a.street2,
                 city=a.city, state=a.state, zip=a.zip)
    filing.add("reporting_owners", owner)


# --- signatures, footnotes, remarks ----------------------------------------------------
_SIGNATURE_BOILERPLATE = re.compile(r"^(?:\**\s*Signature\s+of|Reporting\s+Person$|Date$|\*+$)", re.I)
_SIGNED_BY = re.compile(r"^(?:By\s*:?\s*)?(?:/s/\s*)?", re.I)
_SIGNER_TITLE = re.compile(
    r",\s*((?:as\s+)?(?:attorney|officer|president|secretary|treasurer|director|counsel|trustee|manager|partner|member"
    r"|agent|executor|chief|vice|general|authorized).*)$", re.I)


def _signatures(filing: ParsedFiling, lines: list[str]) -> None:
    pending: list[str] = []
    signed: list[tuple[str | None, dt.date | None]] = []
    for line in lines:
        line = line.strip()
        if not line or _SIGNATURE_BOILERPLATE.match(line):
            continue
        date = parse_date(line)
        if date is not None:
            signed.append((clean_text(" ".join(pending)), date))
            pending = []
        else:
            pending.append(line)
    if pending:
        signed.append((clean_text(" ".join(pending)), None))
    for index, (name, date) in enumerate(signed):
        title = None
        if name:
            name = _SIGNED_BY.sub("", name, count=1)
            if m := _SIGNER_TITLE.search(name):
                name, title = name[:m.start()].strip(), clean_text(m[1])
        filing.add("signatures", {"signature_index": index, "name": name or None, "title": title, "signed_date": date})


_BULLET = re.compile(r"^(?:[-\u2022+]\s+)+")
_FOOTNOTE_START = re.compile(r"^[(\[]\s*(\d{1,3})\s*[)\]]\s*(.*)$")


def _footnotes(filing: ParsedFiling, lines: list[str]) -> None:
    """'(1) text' starts footnote F1; the form's own '*' / '**' notes are not footnotes."""
    notes: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        line = _BULLET.sub("", line.strip())
        if not line:
            continue
        if _NOTE.match(line) or _REMARKS.match(line):
            break
        if m := _FOOTNOTE_START.match(line):
            current = notes.setdefault(f"F{m[1]}", [])
            current.append(m[2])
        elif line.startswith("*"):
            current = None
        elif current is not None:
            current.append(line)
    for footnote_id, parts in notes.items():
        filing.add("footnotes", {"footnote_id": footnote_id, "text": clean_text(" ".join(parts))})


def _remarks(lines: list[str], at: int | None, stop: int) -> str | None:
    if at is None:
        return None
    first = _REMARKS.sub("", lines[at].strip(), count=1)
    return clean_text(" ".join([first] + lines[at + 1:stop]))


# --- the filing -------------------------------------------------------------------------
def read(text: str) -> list[ParsedFiling]:
    if not sniff(text):
        raise ParseError("unrecognized_format", "not a text rendering of Form 3, 4 or 5 (no form title or Table I "
                                                "heading in the first 8 KB, or an SGML/XML/HTML document)")
    lines = _plain_lines(text)
    sections = _sections(lines)
    cover = _cover(lines, sections.table_i, text)
    form_type = cover.form_number + ("/A" if cover.is_amendment else "")
    content_id = content_filing_id(text)
    filing = ParsedFiling({
        "filing_id": cover.accession or content_id,
        "accession_number": cover.accession,
        "content_id": content_id,
        "form_type": form_type,
        "is_amendment": cover.is_amendment,
        "filed_date": cover.filed_date,
        "period_of_report": cover.period,
        "date_of_original_submission": cover.original_date,
        "issuer_name": cover.issuer_name,
        "issuer_cik": None,
        "issuer_ticker": cover.issuer_ticker,
        "remarks": None,
    })
    total = len(lines)
    form3 = cover.form_number == "3"
    table_i_end = sections.table_ii
    _table_rows(filing, _records(lines[sections.table_i + 1:table_i_end], sections.table_i + 1),
                (None if form3 else "NT", "NH"), "Table I")
    table_ii_end = sections.end_of(sections.table_ii, total)
    _table_rows(filing, _records(lines[sections.table_ii + 1:table_ii_end], sections.table_ii + 1),
                (None, "DH3") if form3 else ("DT", "DH"), "Table II")
    if sections.owners is not None:
        _owners(filing, lines[sections.owners + 1:sections.end_of(sections.owners, total)], sections.owners + 1, cover)
    if not filing.rows.get("reporting_owners"):
        _owner_from_cover(filing, cover)
    if sections.signatures is not None:
        _signatures(filing, lines[sections.signatures + 1:sections.end_of(sections.signatures, total)])
    if sections.explanation is not None:
        _footnotes(filing, lines[sections.explanation + 1:sections.end_of(sections.explanation, total)])
    filing.filing["remarks"] = _remarks(lines, sections.remarks, sections.end_of(sections.remarks or 0, total))
    if filing.filing["filed_date"] is None and filing.rows.get("signatures"):
        filing.filing["filed_date"] = filing.rows["signatures"][0]["signed_date"]
    if cover.issuer_name or cover.issuer_ticker:
        company = _blank("filing_companies")
        company.update(company_index=0, role="issuer", name=cover.issuer_name, ticker=cover.issuer_ticker)
        filing.add("filing_companies", company)
    return [filing]
