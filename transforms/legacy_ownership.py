"""Pre-2003 plain-ASCII Forms 3, 4, 5 (and /A) as filed on EDGAR.

The cover is a list of numbered boxes ("1. Name and Address of Reporting
Person", "2. Issuer Name and Ticker or Trading Symbol", "4. Statement for
Month/Year", ...) with their values on the lines below, relationships as
"(X) Director ( ) 10% Owner" check boxes. Tables I and II are drawn with
pipes in fixed-width columns, often inside `<TABLE>`/`<CAPTION>`/`<S>`/`<C>`
markup, with values cut at the column border and finished on the next line
("Options to Purchase Co" / "mmon Stock", "2/7/0" / "0"). Lines starting with
'-' are dash-escaped by EDGAR ("- ----").

Layout is `text_tables`' job; which value of a row goes to which column of
the form is decided by `ownership_form`'s token alignment, so shifted, merged
or missing columns are read the same way as in modern renderings."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from transforms import ownership_form as of
from transforms.errors import ParseError
from transforms.model import ParsedFiling
from transforms.text_tables import TextRow, is_rule, read_rows, unwrap
from transforms.values import (
    ImpossibleValue, clean_text, find_accession, lower_text, lowers_in_place, parse_date, parse_decimal, read_month_date,
    state_code)

FORMAT = "legacy_ascii_ownership"

_SNIFF_CHARS = 8192
_FOREIGN = re.compile(
    r"<(?:SEC-DOCUMENT|SEC-HEADER|IMS-DOCUMENT|IMS-HEADER|SUBMISSION|ownershipDocument|html|body|\?xml)\b"
    r"|-----BEGIN PRIVACY-ENHANCED MESSAGE|&lt;SEC-HEADER&gt;|^[ \t]*<DOCUMENT>", re.I | re.M)
_TITLE = re.compile(
    r"STATEMENT\s+OF\s+CHANGES\s+IN\s+BENEFICIAL\s+OWNERSHIP|INITIAL\s+STATEMENT\s+OF\s+BENEFICIAL\s+OWNERSHIP"
    r"|ANNUAL\s+STATEMENT\s+OF\s+CHANGES", re.I)
# What only the pre-2003 printed forms (or EDGAR's ASCII markup of them) have.
_LEGACY_MARK = re.compile(
    r"^<(?:TABLE|CAPTION|S)>|IRS\s+or\s+Social\s+Security\s+Number|Statement\s+for\s+Month\s*/\s*(?:Day\s*/\s*)?Year",
    re.M | re.I)


# The same three tests for ASCII text (nearly all of it) and other text that lowers in place
# (`values.lowers_in_place`: box drawing, accents), on the lower-cased text and
# without re.I or `^`: every file the readers before this one decline is sniffed here,
# and these patterns skip ahead to their first letters instead of trying every position.
# The markup tags as a pattern starting with '<' (a literal the search skips to: the rules of
# dashes of these forms made an alternation holding '-----begin' crawl), the rest as strings.
_FOREIGN_TAG_LOWER = re.compile(
    r"<(?:sec-document|sec-header|ims-document|ims-header|submission|ownershipdocument|html|body|\?xml)\b")
_FOREIGN_STRINGS_LOWER = ("-----begin privacy-enhanced message", "&lt;sec-header&gt;")
# one pattern a branch: each starts with a literal the search skips ahead to
_TITLE_LOWER = tuple(re.compile(p) for p in (
    r"statement\s+of\s+changes\s+in\s+beneficial\s+ownership", r"initial\s+statement\s+of\s+beneficial\s+ownership",
    r"annual\s+statement\s+of\s+changes"))
# Two patterns, not one alternation: each starts with a literal the search skips ahead to (6x quicker).
_IRS_LOWER = re.compile(r"irs\s+or\s+social\s+security\s+number")
_MONTH_LOWER = re.compile(r"statement\s+for\s+month\s*/\s*(?:day\s*/\s*)?year")
_MARK_TAGS = ("<table>", "<caption>", "<s>")


def _document_tag_opens_line(low: str) -> bool:
    """A <DOCUMENT> tag with nothing but white space between it and the start of a line."""
    at = low.find("<document>")
    while at != -1:
        before = low[:at]
        stripped = before.rstrip()
        if not stripped or "\n" in before[len(stripped):]:
            return True
        at = low.find("<document>", at + 1)
    return False


def sniff(text: str) -> bool:
    return _sniff_head(text[:_SNIFF_CHARS])


@lru_cache(maxsize=2)
def _sniff_head(head: str) -> bool:
    """`sniff` of a text's head; cached: the registry sniffs a text, then `read` sniffs it again."""
    # The legacy mark is tested before the foreign markup: most other text lacks the mark.
    if not lowers_in_place(head):
        return bool(_TITLE.search(head)) and bool(_LEGACY_MARK.search(head)) and not _FOREIGN.search(head)
    low = lower_text(head)
    if "statement" not in low or not any(branch.search(low) for branch in _TITLE_LOWER):  # every title says STATEMENT
        return False
    # '<' (one quick scan) before the tags; 'social' before the IRS label's pattern ('irs' is in 'first')
    if not ("<" in low and (low.startswith(_MARK_TAGS) or any(f"\n{tag}" in low for tag in _MARK_TAGS))
            or "social" in low and _IRS_LOWER.search(low) or "month" in low and _MONTH_LOWER.search(low)):
        return False
    return not ("<" in low and _FOREIGN_TAG_LOWER.search(low) or any(s in low for s in _FOREIGN_STRINGS_LOWER)
                or _document_tag_opens_line(low))


# --- lines ---------------------------------------------------------------------------
_MARKUP_LINE = re.compile(r"^\s*(?:</?(?:TABLE|CAPTION|PAGE|PRE|FN)>[^<>|]{0,40}|(?:<[SC]>\s*)+)$", re.I)
_PAGE_LINE = re.compile(r"^\s*<PAGE>", re.I)


def _lines(text: str) -> list[str]:
    """Lines without EDGAR markup (a `<TABLE>` line becomes a blank line, so line
    numbers stay those of the text) and with dash escapes ('- ----') undone."""
    out = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.rstrip()
        if line.startswith("- -"):
            line = line[2:]
        if "<" in line and (_MARKUP_LINE.match(line) or _PAGE_LINE.match(line)):  # both are tags
            line = ""
        out.append(line)
    return out


# --- sections ----------------------------------------------------------------------------
_TABLE_I = re.compile(r"Table\s+I\s*[-\u2013\u2014:]+\s*Non-?\s*Derivative", re.I)
_TABLE_II = re.compile(r"Table\s+II\s*[-\u2013\u2014:]+\s*Derivative", re.I)
_EXPLANATION = re.compile(r"^\s*Explanation\s+of\s+Responses", re.I)
_SIGNATURE_LABEL = re.compile(r"^\s*(?:\*+\s*)?Signature\s+of\s+Reporting\s+Person", re.I)


def _find(lines: list[str], pattern: re.Pattern, start: int = 0) -> int | None:
    return next((i for i in range(start, len(lines)) if pattern.search(lines[i])), None)


# --- cover -----------------------------------------------------------------------------------
_ITEM = re.compile(r"^\s*\d{1,2}\s*\.\s*(?=[A-Za-z])")
_COVER_LABELS = (
    ("owner", re.compile(r"^Name\s+and\s+Address\s+of\s+Reporting\s+Person\S*", re.I)),
    ("issuer", re.compile(r"^Issuer\s+Name\s+and\s+Ticker\s+or\s+Trading\s+Symbol", re.I)),
    ("irs", re.compile(r"^I\.?R\.?S\.?\s+(?:or\s+Social\s+Security|Identification)\s+Number[^\n]{0,80}", re.I)),
    ("period", re.compile(r"^(?:Statement\s+for\s+(?:Month\s*/\s*(?:Day\s*/\s*)?Year|Issuer'?s\s+Fiscal\s+Year\s+Ended)"
                          r"|Date\s+of\s+Event\s+Requiring\s+Statement)", re.I)),
    ("amendment", re.compile(r"^If\s+Amendment,\s+Date\s+of\s+Original", re.I)),
    ("relationship", re.compile(r"^Relationship\s+of\s+Reporting\s+Person(?:\(s\)|s)?(?:\s+to\s+Issuer)?", re.I)),
    ("joint", re.compile(r"^Individual\s+or\s+Joint", re.I)),
)
_TRAILING_PARENS = re.compile(r"^(?:\s*\([^()]{0,60}\))+")
_FIELD_LABEL_LINE = re.compile(r"^\s*(?:\((?:Last|First|Middle|Street|City|State|Zip)\)\s*)+$", re.I)
_FORM_LINE = re.compile(r"^\s*FORM\s+([345])\s*(/\s*A)?(?:\s|$)", re.I)
_COUNTRY_LINE = re.compile(r"^(?:USA|U\.S\.A\.?|U\.S\.|UNITED\s+STATES(?:\s+OF\s+AMERICA)?)$", re.I)
_CITY_STATE_ZIP = re.compile(r"^(?P<city>[^,]{1,60}),\s*(?P<state>[A-Za-z][A-Za-z. ]{1,20}?)\.?\s+(?P<zip>\d{5}(?:-\d{4})?)$")
_TICKER = re.compile(r"^\(?\[?\s*(?:Ticker\s*(?:Symbol)?\s*:?\s*)?([A-Z][A-Z.]{0,7})\s*\]?\)?$")
_NAME_TICKER = re.compile(r"^(?P<name>.{1,200}?)\s*(?:\(|\[|\s-\s|/\s*)(?P<ticker>[A-Z][A-Z.]{0,7})[)\]]?$")
_BOX = re.compile(r"[(\[]\s{0,3}([Xx]?)\s{0,3}[)\]]")
_ROLE_BOX = re.compile(
    r"[(\[]\s{0,3}([Xx]?)\s{0,3}[)\]]\s{0,40}(Director|10\s{0,3}%\s{0,3}Owner|Officer|Other)"
    r"(?:\s{0,40}\((?:give|specify)\s{1,3}(?:title\s{1,3})?below\))?", re.I)
_ROLE_NOTES = re.compile(r"\((?:give\s+title\s+below|specify\s+below|Check\s+all\s+applicable)\)", re.I)


def _cover_blocks(lines: list[str]) -> dict[str, list[str]]:
    """Value lines of each numbered cover box: the rest of its label line and
    the lines below it up to the next numbered box."""
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        m = _ITEM.match(line)
        if m:
            current = None
            label_text = line[m.end():]
            for name, pattern in _COVER_LABELS:
                if lm := pattern.match(label_text):
                    rest = _TRAILING_PARENS.sub("", label_text[lm.end():]).strip(" *:")
                    current = blocks.setdefault(name, []) if name not in blocks else None
                    if current is not None and rest:
                        current.append(rest)
                    break
            continue
        if current is not None and line.strip():
            current.append(line.strip())
    return blocks


def month_date(text: str | None) -> dt.date | None:
    """'February 29,2000', '2/29/00' -> that day; 'February 2000', '2/00' -> the month's
    last day (EDGAR's period of report for a 'Statement for Month/Year'); see values.read_month_date."""
    try:
        return read_month_date(text)
    except ImpossibleValue as e:
        raise of.invalid(str(e)) from None


def _first_month_date(values: list[str]) -> dt.date | None:
    return next((d for v in values if (d := month_date(v)) is not None), None)


def _owner(values: list[str]) -> tuple[str | None, of.Address]:
    values = [v for v in values if not _FIELD_LABEL_LINE.match(v)]
    if not values:
        return None, of.Address()
    name, rest = clean_text(values[0].rstrip("*")), [v for v in values[1:] if not _COUNTRY_LINE.match(v)]
    city = state = zip_code = None
    if rest and (m := _CITY_STATE_ZIP.match(rest[-1])):
        city, state, zip_code = clean_text(m["city"]), state_code(m["state"]), m["zip"]
        rest = rest[:-1]
    street1 = clean_text(rest[0]) if rest else None
    street2 = clean_text(" ".join(rest[1:])) if len(rest) > 1 else None
    return name, of.Address(street1, street2, city, state, zip_code)


def _issuer(values: list[str]) -> tuple[str | None, str | None]:
    if not values:
        return None, None
    if len(values) > 1 and (m := _TICKER.match(values[1].strip())):
        return clean_text(values[0]), m[1]
    if m := _NAME_TICKER.match(values[0].strip()):
        return clean_text(m["name"].rstrip(" ,-")), m["ticker"]
    return clean_text(values[0]), None


def _relationship(values: list[str]) -> of.Relationship:
    text = " ".join(values)
    flags = {"director": False, "ten": False, "officer": False, "other": False}
    for mark, role in _ROLE_BOX.findall(text):
        key = role[:2].lower()
        key = {"di": "director", "10": "ten", "of": "officer", "ot": "other"}[key]
        flags[key] = flags[key] or bool(mark)
    rest = clean_text(_ROLE_NOTES.sub(" ", _ROLE_BOX.sub(" ", text)))
    officer_title = rest if flags["officer"] else None
    other_text = rest if flags["other"] and not flags["officer"] else None
    return of.Relationship(is_director=flags["director"], is_officer=flags["officer"],
                           is_ten_percent_owner=flags["ten"], is_other=flags["other"], officer_title=officer_title,
                           other_text=other_text)


def _box(lines: list[str], pattern: re.Pattern) -> bool | None:
    """Whether the check box on the line matching `pattern` is marked (None: no such box)."""
    for line in lines:
        if pattern.search(line) and (m := _BOX.search(line)):
            return bool(m[1])
    return None


_SECTION16_BOX = re.compile(r"no\s+longer\s+subject\s+to\s+Section\s+16", re.I)
_FORM3_BOX = re.compile(r"Form\s+3\s+Holdings\s+Reported", re.I)
_FORM4_BOX = re.compile(r"Form\s+4\s+Transactions\s+Reported", re.I)


def _form_type(lines: list[str]) -> tuple[str, bool]:
    for line in lines:
        if m := _FORM_LINE.match(line):
            return m[1], bool(m[2])
    title = " ".join(lines).upper()
    for words, number in (("INITIAL STATEMENT", "3"), ("ANNUAL STATEMENT", "5"), ("STATEMENT OF CHANGES", "4")):
        if words in title:
            return number, False
    raise ParseError("unrecognized_format", "no 'FORM 3/4/5' line or form title before Table I")


# --- tables ------------------------------------------------------------------------------------
_COLUMN_NUMBER = re.compile(r"^\d{1,2}\s*\.")
_BOTH_AD = re.compile(r"^\(?\s*A\s*[,/&]\s*D\s*\)?$", re.I)


def _data_rows(rows: list[TextRow]) -> list[TextRow]:
    """Rows below the column headings: the headings end with the first rule
    after the '1. Title of Security' row."""
    heading = next((i for i, r in enumerate(rows) if r.cells and _COLUMN_NUMBER.match(r.cells[0])), None)
    if heading is None:
        return [r for r in rows if not of.is_column_heading(r)]
    block = rows[heading].block
    return [r for r in rows[heading:] if r.block > block]


@lru_cache(maxsize=4096)
def _is_value(cell: str) -> bool:
    """A number, date, '$' amount or lone letter: something a record starts with, not a text fragment."""
    c = cell.strip()
    if not c:
        return False
    return (len(c) == 1 and c.isalpha()) or parse_decimal(c) is not None or parse_date(c) is not None \
        or c.startswith("$")


@lru_cache(maxsize=4096)
def _complete(cell: str) -> bool:
    return parse_decimal(cell) is not None or parse_date(cell) is not None


def _starts_row(rows: list[TextRow]):
    """A row starts a record unless each of its cells finishes the cell above
    (cut at the column border) or is a text fragment (a wrapped title or nature)."""
    first_of_block: dict[int, int] = {}
    for row in rows:
        first_of_block.setdefault(row.block, row.line_number)
    above_of = {row.line_number: above for above, row in zip(rows, rows[1:])}

    def starts(row: TextRow) -> bool:
        above = above_of.get(row.line_number)
        if above is None or first_of_block.get(row.block) == row.line_number:
            return True
        for i, cell in enumerate(row.cells):
            if not cell:
                continue
            top = above.cells[i] if i < len(above.cells) else ""
            cut = i < len(above.filled) and above.filled[i] and not _complete(top)
            if cut:
                continue
            if i == 0:
                if cell[:1].isupper() and any(_is_value(c) for c in row.cells[1:]):
                    return True
                continue
            if _is_value(cell):
                return True
        return False
    return starts


def _clean_cell(cell: str) -> str:
    if not cell:
        return cell
    if _BOTH_AD.match(cell):
        return "-"  # 'A,D': both boxes, the direction is not stated
    if cell[-1] == "-" and cell[0] != "-":
        # '12,000 -': a dash-filled tail after a space (string ops: no regex backtracking on long runs)
        body = cell.rstrip("-")
        if body[-1:].isspace():
            return body.rstrip()
    return cell


_PIPE = re.compile(r"(?<!\\)\|")


def _leading_space(line: str) -> tuple[bool, ...]:
    """For each pipe cell of the line (as `text_tables.split_cells` counts them):
    whether its text starts after a space, i.e. is not the tail of a cut word."""
    raw = _PIPE.split(line) if "\\" in line else line.split("|")
    if len(raw) > 1 and len(raw[0]) <= 3 and not raw[0].strip():
        raw = raw[1:]
    if len(raw) > 1 and not raw[-1].strip() and line.rstrip()[-1:] == "|":
        raw = raw[:-1]
    return tuple(c[:1].isspace() for c in raw)


def _cut_flags(rows: list[TextRow], lines: list[str], first_line: int) -> list[TextRow]:
    """A cell that reaches its border is cut mid-word only when the text below it
    also starts at the border: 'Co' / 'mmon Stock' is one word, 'value' / ' $1.00' two."""
    out = []
    for row, below in zip(rows, rows[1:] + [None]):
        if below is None or row.style != "pipe" or not row.filled:
            out.append(row)
            continue
        lead = _leading_space(lines[below.line_number - first_line])
        filled = tuple(f and not (i < len(lead) and lead[i]) for i, f in enumerate(row.filled))
        out.append(TextRow(row.cells, row.line_number, row.block, row.style, filled))
    return out


def _records(lines: list[str], first_line: int) -> list[of.Record]:
    rows = _cut_flags(_data_rows(read_rows(lines, first_line=first_line)), lines, first_line)
    records = []
    for row in unwrap(rows, _starts_row(rows), mid_word=True):
        cells = tuple(_clean_cell(c) for c in row.cells)
        if not any(cells):
            continue
        records.append(of.read_record(TextRow(cells, row.line_number, row.block, row.style, row.filled)))
    return records


# --- signatures and footnotes ---------------------------------------------------------------------
_SIGNATURE_STOP = re.compile(r"^(?:\*|Note\b|Reminder\b|Potential\s+persons|SEC\s+\d|Page\b|Intentional)", re.I)
_TWO_SPACES = re.compile(r"\s{2,}")
_DATE_WORD = re.compile(r"^date:?$", re.I)


def _signature_lines(lines: list[str], label: int) -> list[str]:
    """Signer and date: below the label ('SIGNATURE OF REPORTING PERSON' / name /
    'DATE' / date) or on the line above it ('/s/ name    date' over
    '** Signature of Reporting Person   Date')."""
    below: list[str] = []
    for line in lines[label + 1:label + 12]:
        s = line.strip()
        if not s:
            continue
        if _SIGNATURE_STOP.match(s):
            break
        below.append(s)
    if any(not _DATE_WORD.match(s) for s in below):
        return below
    above: list[str] = []
    for line in reversed(lines[max(0, label - 4):label]):
        s = line.strip()
        if not s or _EXPLANATION.match(s) or of.footnote_start(s):
            break
        above.insert(0, s)
    if any("/s/" in s.lower() for s in above):
        above = above[next(i for i, s in enumerate(above) if "/s/" in s.lower()):]
    else:
        above = above[-1:]
    out = []
    for s in above:
        if is_rule(s):
            continue
        out.extend(p for p in _TWO_SPACES.split(s) if p)
    return out


def _signature_start(lines: list[str], label: int) -> int:
    """First line of the signature block (for the end of the footnotes)."""
    start = label
    for i in range(label - 1, max(-1, label - 4), -1):
        s = lines[i].strip()
        if not s or _EXPLANATION.match(s) or of.footnote_start(s):
            break
        if "/s/" in s.lower() or parse_date(_TWO_SPACES.split(s)[-1]) is not None:
            start = i
    return start


# --- the filing -------------------------------------------------------------------------------------
def read(text: str) -> list[ParsedFiling]:
    if not sniff(text):
        raise ParseError("unrecognized_format", "not a pre-2003 plain-ASCII Form 3, 4 or 5 (no form title and "
                                                "legacy cover labels or <TABLE> markup in the first 8 KB, or an "
                                                "SGML/XML/HTML document)")
    lines = _lines(text)
    table_i = _find(lines, _TABLE_I)
    if table_i is None:
        raise ParseError("truncated", "the form has a Form 3/4/5 title but no 'Table I - Non-Derivative "
                                      "Securities' heading: it stops before the tables")
    table_ii = _find(lines, _TABLE_II, table_i + 1)
    if table_ii is None:
        raise ParseError("truncated", f"the form stops before 'Table II - Derivative Securities' "
                                      f"(Table I heading on line {table_i + 1})")
    explanation = _find(lines, _EXPLANATION, table_ii + 1)
    label = _find(lines, _SIGNATURE_LABEL, table_ii + 1)
    if explanation is None and label is None:
        raise ParseError("truncated", "the form stops before the explanation of responses and the signature "
                                      "(no 'Explanation of Responses' or 'Signature of Reporting Person' after "
                                      "Table II)")
    if text.count("<TABLE>") > text.count("</TABLE>"):
        raise ParseError("truncated", "a <TABLE> of the form has no </TABLE>: the text ends inside a table")
    total = len(lines)
    signature_start = _signature_start(lines, label) if label is not None else total
    table_ii_end = min(i for i in (explanation, signature_start, total) if i is not None and i > table_ii)

    cover_lines = lines[:table_i]
    form_number, amended = _form_type(cover_lines)
    blocks = _cover_blocks(cover_lines)
    owner_name, address = _owner(blocks.get("owner", []))
    issuer_name, ticker = _issuer(blocks.get("issuer", []))
    original = _first_month_date(blocks.get("amendment", []))
    is_amendment = amended or bool(blocks.get("amendment"))
    form5 = form_number == "5"
    filing = of.filing_row(
        text, form_number, is_amendment, accession=find_accession(text[:_SNIFF_CHARS]),
        period_of_report=_first_month_date(blocks.get("period", [])), date_of_original_submission=original,
        issuer_name=issuer_name, issuer_cik=None, issuer_ticker=ticker,
        not_subject_to_section16=_box(cover_lines, _SECTION16_BOX) if form_number != "3" else None,
        form3_holdings_reported=_box(cover_lines, _FORM3_BOX) if form5 else None,
        form4_transactions_reported=_box(cover_lines, _FORM4_BOX) if form5 else None,
        remarks=None)
    of.add_table_rows(filing, _records(lines[table_i + 1:table_ii], table_i + 1), of.TABLE_I, form_number)
    of.add_table_rows(filing, _records(lines[table_ii + 1:table_ii_end], table_ii + 1), of.TABLE_II, form_number)
    if owner_name is not None:
        of.add_owner(filing, owner_name, address, _relationship(blocks.get("relationship", [])))
    if explanation is not None:
        end = signature_start if signature_start > explanation else total
        of.add_footnotes(filing, lines[explanation + 1:end])
    if label is not None:
        of.add_signatures(filing, _signature_lines(lines, label))
    return [of.finish(filing)]
