"""EDGAR's HTML page of a Form 3/4/5, in both styles EDGAR has served.

- The legacy "Ownership Submission" page (EDGAR's older ownership stylesheets: grey page,
  "SEC 1474 (9-02)", a "Reporting Owners" table, "Signatures", "Explanation of Responses").
- The current page (`.../xslF345X05/form4.xml`): "SEC Form 4" header table, values in
  `<span class="FormData">` cells, the three-column issuer / owner / relationship box, every
  reporting owner printed again after Table II, "Explanation of Responses:", "Remarks:" and
  a signature table.

The page's layout decides lines and cells: table rows, cells, block elements and `<br>`; the
line breaks of the HTML source are only spaces. Table columns are known by their printed
headings ("2. Transaction Date", "Code", "(A) or (D)"...), footnote marks by the `<sup>` they
are printed in. What a page does not print stays null (see the README for what each style
cannot carry)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

import lxml.html
from lxml import etree

from filingflow.schema import TABLES
from transforms import ownership_form as of
from transforms.errors import ParseError
from transforms.model import ParsedFiling, blank_filing_row
from transforms.values import clean_text, find_accession, footnote_ids, pad_cik, parse_date, parse_decimal

FORMAT = "html_ownership"

_MAX_CHARS = 4_000_000  # rendered Forms 3/4/5 are tens of KB; a few hundred rows stay far below
_SNIFF_MARKUP_CHARS = 4096
_SNIFF_CHARS = 200_000
_WRAPPER = re.compile(r"<(?:SEC-DOCUMENT|SEC-HEADER|SUBMISSION|IMS-HEADER|ownershipDocument)\b|-----BEGIN PRIVACY", re.I)
_HTML_MARKUP = re.compile(r"<(?:html|body)\b", re.I)
# Title words may be split by tags and entities; matched on upper-cased text. No two alternatives
# of _GAP match the same text, so a failed match gives up in time linear in the gap.
_GAP = r"(?:\s|&NBSP;|&#160;|&#XA0;|<[^<>]{0,200}>)+"
_TITLE_HTML = re.compile(
    r"STATEMENT" + _GAP + r"OF" + _GAP + r"CHANGES" + _GAP + r"IN" + _GAP + r"BENEFICIAL" + _GAP + r"OWNERSHIP"
    r"|INITIAL" + _GAP + r"STATEMENT" + _GAP + r"OF" + _GAP + r"BENEFICIAL" + _GAP + r"OWNERSHIP"
    r"|ANNUAL" + _GAP + r"STATEMENT" + _GAP + r"OF" + _GAP + r"CHANGES")
_TABLE_I_HTML = re.compile(r"TABLE" + _GAP + r"I" + _GAP + r"(?:-|&#45;|&#8211;|\u2013|\u2014)" + _GAP + r"NON-DERIVATIVE")
_CELL_MARKUP = re.compile(r"<t[dh]\b", re.I)
_HTML_END = re.compile(r"</(?:html|body)\s*>", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}\?>")
# lxml refuses control characters in the text it is handed.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# No network, no entity expansion beyond HTML's own, no huge trees (libxml2 then caps depth and sizes).
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=False)


def sniff(text: str) -> bool:
    head = text[:_SNIFF_MARKUP_CHARS]
    if _WRAPPER.search(head) or not _HTML_MARKUP.search(head):
        return False
    window = text[:_SNIFF_CHARS].upper()
    return ("TABLE" in window and bool(_CELL_MARKUP.search(window)) and bool(_TITLE_HTML.search(window))
            and bool(_TABLE_I_HTML.search(window)))


# --- the page as a tree, and its layout -------------------------------------------------------
_SKIP = ("head", "script", "style", "title", "noscript", "template")
_BLOCK = frozenset("address blockquote body caption center dd div dl dt form h1 h2 h3 h4 h5 h6 hr li ol p pre "
                   "table tbody thead tfoot tr td th ul".split())
_CELLS = frozenset(("td", "th"))
_SPACES = re.compile(r"[ \t\r\n\f\v]+")  # not \xa0: EDGAR's pages separate some values with &#160;
_NBSP = "\xa0"


def _parse(text: str) -> etree._Element:
    source = _CONTROL_CHARS.sub(" ", _XML_DECLARATION.sub("", text, count=1))
    try:
        root = etree.fromstring(source, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError("malformed_html", f"the HTML cannot be parsed: {exc}") from exc
    if root is None:
        raise ParseError("malformed_html", "the HTML parser found no document element")
    for element in list(root.iter(*_SKIP)):
        _remove(element)
    return root


def _remove(element) -> None:
    """Drop an element and its content, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _tag(element) -> str:
    return element.tag if isinstance(element.tag, str) else ""


def _lines(element, *, marks: bool = True, nbsp: bool = False) -> list[str]:
    """The text of an element as lines the page shows: a <br>, a block element or a table
    cell ends a line; runs of source white space (line breaks included) are one space.
    Without `marks`, what <sup> holds (footnote marks) is left out. With `nbsp`, a
    no-break space is kept as such (the legacy page separates state and zip with one)."""
    lines: list[str] = []
    buffer: list[str] = []

    def flush(line_break: bool = False) -> None:
        line = _SPACES.sub(" ", "".join(buffer)).strip(" ")
        if not nbsp:
            line = clean_text(line) or ""
        buffer.clear()
        if line or line_break:  # a <br> ends a line even when it is empty: a value left blank
            lines.append(line)

    skipping = 0
    for event, node in etree.iterwalk(element, events=("start", "end")):
        tag = _tag(node)
        if event == "start":
            if tag == "sup" and not marks:
                skipping += 1
            if skipping:
                continue
            if tag == "br":
                flush(line_break=True)
            elif tag in _BLOCK:
                flush()
            if node.text and tag != "br":
                buffer.append(" " + node.text if tag == "sup" else node.text)
        else:
            if tag == "sup" and not marks:
                skipping -= 1
                if not skipping and node.tail and node is not element:
                    buffer.append(node.tail)
                continue
            if skipping:
                continue
            if tag in _BLOCK:
                flush()
            if node.tail and node is not element:
                buffer.append(node.tail)
    flush()
    return lines


def _text(element, *, marks: bool = True) -> str:
    return clean_text(" ".join(_lines(element, marks=marks))) or ""


def _marks(element) -> list[str]:
    """Footnote ids of the marks printed in <sup> inside `element`, in order."""
    found: list[str] = []
    for sup in element.iter("sup"):
        for fid in footnote_ids("".join(sup.itertext())):
            if fid not in found:
                found.append(fid)
    return found


def _own_rows(table) -> list:
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def _row_cells(tr) -> list:
    return [c for c in tr if _tag(c) in _CELLS]


def _span(cell, name: str, limit: int) -> int:
    try:
        return min(max(int(cell.get(name) or 1), 1), limit)
    except ValueError:
        return 1


def _grid(rows: list) -> list[list[tuple[int, int, object]]]:
    """Per row, (first grid column, width, cell) of the cells that start on that row, with
    rowspans and colspans expanded as a browser lays them out (spans capped)."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, tr in enumerate(rows):
        col, placed = 0, []
        for cell in _row_cells(tr):
            while (r, col) in taken:
                col += 1
            width, height = _span(cell, "colspan", 64), _span(cell, "rowspan", 16)
            taken.update((r + dr, col + dc) for dr in range(height) for dc in range(width))
            placed.append((col, width, cell))
            col += width
        out.append(placed)
    return out


# --- what the form prints where ------------------------------------------------------------------
_TABLE_I = re.compile(r"^Table\s+I\s*[-\u2013\u2014:]+\s*Non-?\s*Derivative", re.I)
_TABLE_II = re.compile(r"^Table\s+II\s*[-\u2013\u2014:]+\s*Derivative", re.I)
_TITLE_COLUMN = re.compile(r"^1\s*\.\s*Title\s+of\s+(Derivative\s+)?Security", re.I)
_FORM_NAME = re.compile(r"^(?:SEC\s+)?FORM\s+([345])\s*(/\s*A)?$", re.I)
_EXPLANATION = re.compile(r"^Explanation\s+of\s+Responses\s*:?\s*", re.I)
_REMARKS = re.compile(r"^Remarks\s*:?\s*", re.I)
_SIGNATURE_LABEL = re.compile(r"^\**\s*Signature\s+of\s+Reporting\s+Person", re.I)
_REPORTING_OWNERS = re.compile(r"^Reporting\s+Owners?$", re.I)
_OWNER_LABEL = re.compile(r"^\d{1,2}\s*\.\s*Name\s+and\s+Address\s+of\s+Reporting\s+Person", re.I)
_ISSUER_LABEL = re.compile(r"^\d{1,2}\s*\.\s*Issuer\s+Name\s+and\s+Ticker\s+or\s+Trading\s+Symbol\s*", re.I)
_PERIOD_LABEL = re.compile(r"^\d{1,2}\s*\.\s*(?:Date\s+of\s+Earliest\s+Transaction|Date\s+of\s+Event\s+Requiring"
                           r"\s+Statement|Statement\s+for\s+Issuer'?s\s+Fiscal\s+Year\s+Ended)", re.I)
_AMENDMENT_LABEL = re.compile(r"^\d{1,2}\s*\.\s*If\s+Amendment", re.I)
_RELATIONSHIP_LABEL = re.compile(r"^\d{1,2}\s*\.\s*Relationship\s+of\s+Reporting\s+Person", re.I)
_NUMBERED_LABEL = re.compile(r"^\d{1,2}[A-Z]?\s*\.\s*[A-Z]", re.I)
_MONTH_DAY_YEAR = re.compile(r"\(\s*Month\s*/\s*Day\s*/\s*Year\s*\)", re.I)
_ROLE_WORDS = (("is_director", re.compile(r"^(?:_+\s*|_*X_*\s*)?Director$", re.I)),
               ("is_ten_percent_owner", re.compile(r"^(?:_+\s*|_*X_*\s*)?10\s*%\s*Owner$", re.I)),
               ("is_officer", re.compile(r"^(?:_+\s*|_*X_*\s*)?Officer\b", re.I)),
               ("is_other", re.compile(r"^(?:_+\s*|_*X_*\s*)?Other\b", re.I)))
_UNDERSCORE_MARK = re.compile(r"^_*X_*\s", re.I)  # the legacy page's "__X__ Director"
_CIK_LINK = re.compile(r"[?&]CIK=(\d{1,10})(?![\d])", re.I)
_SECTION16_BOX = re.compile(r"no\s+longer\s+subject\s+to\s+Section\s+16", re.I)
_10B5_1_BOX = re.compile(r"Rule\s+10b5-1\s*\(c\)", re.I)
_FORM3_BOX = re.compile(r"^Form\s+3\s+Holdings\s+Reported", re.I)
_FORM4_BOX = re.compile(r"^Form\s+4\s+Transactions\s+Reported", re.I)
_FOOTNOTE_START = re.compile(r"^(?:\(\s*(\d{1,3})\s*\)|(\d{1,3})\s*\.)\s*")


_LEAF_TAGS = frozenset(("td", "th", "h1", "h2", "h3", "h4", "p", "div", "center", "font", "b", "span"))
_GRID_TAGS = frozenset(("td", "th", "table"))
# Captions and labels are short; the longest one searched ('... Rule 10b5-1(c)') ends near
# character 300. Keeping no more of each element's text bounds time and memory on any nesting.
_LEAF_CHARS = 400
_MAX_ELEMENTS = 200_000  # a real Form 3/4/5 page has a few thousand


class _Page:
    """The parsed page with what every search needs, found in one pass: the order of its
    elements and the text (its first _LEAF_CHARS characters, marks left out) of each innermost
    block, a cell or caption holding no table cell. Of nested blocks with the same text (a
    <b> in a <font> in a cell) the outermost is kept."""

    def __init__(self, root) -> None:
        self.root = root
        elements = list(root.iter())
        if len(elements) > _MAX_ELEMENTS:
            raise ParseError("file_too_large", f"the page has {len(elements):,} elements; a Form 3/4/5 page has a few "
                                          f"thousand (limit {_MAX_ELEMENTS:,})")
        self.order = {element: i for i, element in enumerate(elements)}
        texts: dict = {}  # element -> (text prefix, holds a table cell), children dropped once read
        leaves: dict = {}
        # In reverse page order every child comes before its parent.
        for element in reversed(elements):
            tag = element.tag if isinstance(element.tag, str) else ""
            parts = [] if tag == "sup" else [element.text or ""]
            size, cells = len(parts[0]) if parts else 0, False
            for child in element:
                child_tag = child.tag if isinstance(child.tag, str) else ""
                child_text, child_cells = texts.pop(child, ("", False))
                cells = cells or child_cells or child_tag in _GRID_TAGS
                if size < _LEAF_CHARS:
                    if child_text:
                        piece = f" {child_text} " if child_tag in _BLOCK else child_text
                        parts.append(piece)
                        size += len(piece)
                    elif child_tag == "br":
                        parts.append(" ")
                    tail = child.tail
                    if tail:
                        parts.append(tail)
                        size += len(tail)
            text = (clean_text("".join(parts)) or "")[:_LEAF_CHARS] if size or len(parts) > 1 else ""
            texts[element] = (text, cells)
            if text and not cells and tag in _LEAF_TAGS:
                for child in element:
                    if leaves.get(child) == text:
                        del leaves[child]
                leaves[element] = text
        self.leaves = sorted(leaves.items(), key=lambda item: self.order[item[0]])
        # Numbered cover labels under each table cell, counted to two: a box holds one label.
        self.labels_under: dict = {}
        for element, text in self.leaves:
            if not _NUMBERED_LABEL.match(text):
                continue
            for cell in element.iterancestors("td", "th"):
                count = self.labels_under.get(cell, 0)
                self.labels_under[cell] = min(count + 1, 2)
                if count >= 1:  # every cell above already counts this one's first label
                    if count == 1:
                        for above in cell.iterancestors("td", "th"):
                            if self.labels_under.get(above, 0) >= 2:
                                break
                            self.labels_under[above] = 2
                    break


def _cells_matching(page: _Page, pattern: re.Pattern, anywhere: bool = False) -> list:
    """Innermost table cells (or other blocks) whose text starts with `pattern` (or holds it,
    `anywhere`), in page order."""
    return [element for element, text in page.leaves if (pattern.search(text) if anywhere else pattern.match(text))]


def _cell_of(element):
    return element if _tag(element) in _CELLS else next(element.iterancestors("td", "th"), None)


# --- Tables I and II: columns by their headings ------------------------------------------------------
# (heading words, sub-heading words) -> column; the first match wins, so the more specific come first.
_COLUMN_RULES: tuple[tuple[re.Pattern, re.Pattern | None, str], ...] = tuple(
    (re.compile(head, re.I), re.compile(sub, re.I) if sub else None, column) for head, sub, column in (
        (r"^1\s*\.\s*Title\s+of", None, "security_title"),
        (r"Conversion\s+or\s+Exercise\s+Price", None, "conversion_or_exercise_price"),
        (r"Deemed\s+Execution", None, "deemed_execution_date"),
        (r"Transaction\s+Date", None, "transaction_date"),
        (r"Transaction\s+Code", r"^V$", "is_voluntary"),
        (r"Transaction\s+Code", None, "transaction_code"),
        (r"Beneficially\s+Owned", None, "shares_owned_after"),
        (r"Acquired\s*\(A\)|Disposed", r"^\(A\)\s*or\s*\(D\)$", "acquired_disposed"),
        (r"Acquired\s*\(A\)|Disposed", r"^Price$", "price_per_share"),
        (r"Acquired\s*\(A\)|Disposed", r"^\(A\)$", "shares_acquired"),
        (r"Acquired\s*\(A\)|Disposed", r"^\(D\)$", "shares_disposed"),
        (r"Acquired\s*\(A\)|Disposed", None, "shares"),
        (r"Date\s+Exercisable", r"^Expiration", "expiration_date"),
        (r"Date\s+Exercisable", None, "exercise_date"),
        (r"Underlying", r"^Title$", "underlying_title"),
        (r"Underlying", None, "underlying_shares"),
        (r"Price\s+of\s+Derivative", None, "price_per_share"),
        (r"Ownership\s+Form", None, "direct_indirect"),
        (r"Nature\s+of\s+Indirect", None, "nature_of_ownership"),
    ))


@dataclass
class _Table:
    rows: list[dict[str, tuple[str, list[str]]]]  # per data row: column -> (text, marks)


def _column(heading: str, sub: str | None) -> str | None:
    for head, sub_rule, column in _COLUMN_RULES:
        if head.search(heading) and (sub_rule is None or (sub is not None and sub_rule.match(sub))):
            return column
    return None


def _read_table(table, title_cell) -> _Table:
    rows = _own_rows(table)
    grid = _grid(rows)
    head_row = next(r for r, placed in enumerate(grid) if any(cell is title_cell for _, _, cell in placed))
    head_end = min(head_row + _span(title_cell, "rowspan", 16), len(grid))
    headings: dict[int, tuple[str, int]] = {}  # grid column -> (numbered heading, width)
    subs: dict[int, str] = {}
    for r in range(head_row, head_end):
        for col, width, cell in grid[r]:
            text = _text(cell, marks=False)
            if r == head_row or _NUMBERED_LABEL.match(text):
                for c in range(col, col + width):
                    headings[c] = (text, width)
            elif width == 1:
                subs[col] = text
    columns = {}
    for col, (heading, width) in headings.items():
        name = _column(heading, subs.get(col) if width > 1 else None)
        if name is not None:
            columns[col] = name
    data = []
    for placed in grid[head_end:]:
        values = {}
        for col, _, cell in placed:
            name = columns.get(col)
            if name is not None:
                values[name] = (_text(cell, marks=False), _marks(cell))
        if any(text or marks for text, marks in values.values()):
            data.append(values)
    return _Table(data)


def _find_tables(page: _Page) -> tuple[tuple[object, object] | None, tuple[object, object] | None]:
    """(table, title heading cell) of Table I and of Table II, known by their column headings."""
    table_i = table_ii = None
    for element, text in page.leaves:
        m = _TITLE_COLUMN.match(text)
        if m is None:
            continue
        cell = _cell_of(element)
        row = cell.getparent() if cell is not None else None
        if row is None or _tag(row) != "tr":
            continue  # a heading cell outside any row (broken markup) heads no columns
        table = next(row.iterancestors("table"), None)
        if table is None:
            continue
        derivative = bool(m[1])
        if derivative and table_ii is None:
            table_ii = (table, cell)
        elif not derivative and table_i is None:
            table_i = (table, cell)
    return table_i, table_ii


# --- values of cells ------------------------------------------------------------------------------------
_NULL_VALUE = re.compile(r"^(?:-{1,2}|\u2014|N/?A|None|\$)$", re.I)


def _bad(part: str, row: int, column: str, text: str) -> ParseError:
    return ParseError("unreadable_row", f"{part} row {row + 1}: {text[:60]!r} cannot be the form's {column}")


def _date_value(text: str, part: str, row: int, column: str) -> dt.date | None:
    if not text or _NULL_VALUE.match(text):
        return None
    value = of.date_value(text, f"{part} row {row + 1}, {column}")
    if value is None:
        raise _bad(part, row, column, text)
    return value


def _number_value(text: str, part: str, row: int, column: str) -> Decimal | None:
    if not text or _NULL_VALUE.match(text):
        return None
    value = parse_decimal(text)
    if value is None:
        raise _bad(part, row, column, text)
    return value


def _letter_value(text: str, allowed: str, part: str, row: int, column: str) -> str | None:
    if not text or _NULL_VALUE.match(text):
        return None
    letter = text.strip("() ").upper()
    if len(letter) != 1 or letter not in allowed:
        raise _bad(part, row, column, text)
    return letter


# --- the form as the page prints it -------------------------------------------------------------------------
@dataclass
class _Owner:
    """A reporting owner as a page prints it, for the core's `owner_row`."""
    name: str | None = None
    cik: str | None = None
    address: of.Address = field(default_factory=of.Address)
    relationship: of.Relationship = field(default_factory=of.Relationship)


_TABLE_OF = {("I", False): "nonderiv_holdings", ("I", True): "nonderiv_transactions",
             ("II", False): "deriv_holdings", ("II", True): "deriv_transactions"}
_TRANSACTION_ONLY = ("transaction_date", "deemed_execution_date", "transaction_code", "shares", "shares_acquired",
                     "shares_disposed", "acquired_disposed", "price_per_share")


def _table_rows(filing: ParsedFiling, table: _Table, part: str, holdings_only: bool) -> None:
    for row_index, values in enumerate(table.rows):
        transaction = not holdings_only and any(values.get(c, ("", []))[0] for c in _TRANSACTION_ONLY
                                                if c != "price_per_share" or part == "I")
        name = _TABLE_OF[(part, transaction)]
        known = TABLES[name].column_index
        row = blank_filing_row(name)
        row["row_index"] = row_index
        refs: list[tuple[str, str]] = []
        label = f"Table {part}"
        for column, (text, marks) in values.items():
            target = column
            if column in ("shares_acquired", "shares_disposed"):
                if not (text or marks):
                    continue
                target = "transaction_value" if text.startswith("$") else "shares"
                if text:  # Table II prints the number under (A) or (D): the column says which
                    row["acquired_disposed"] = "A" if column == "shares_acquired" else "D"
            elif column == "shares" and text.startswith("$"):
                target = "transaction_value"
            elif column == "underlying_shares" and text.startswith("$"):
                target = "underlying_value"
            elif column == "shares_owned_after" and text.startswith("$"):
                target = "value_owned_after"  # the page prints a value owned, not shares, with "$"
            elif column == "is_voluntary":
                target = "transaction_timeliness"  # marks here are the timeliness's; the letter is not carried
            if target not in known:
                continue
            if column == "is_voluntary":
                pass  # only its marks are read
            elif target in ("security_title", "underlying_title", "nature_of_ownership"):
                row[target] = clean_text(text)
            elif target.endswith("_date"):
                row[target] = _date_value(text, label, row_index, target)
            elif target == "transaction_code":
                code, swap = text, None
                if code.upper().endswith("/K"):  # the legacy page's mark of an equity swap
                    code, swap = code[:-2], True
                row[target] = clean_text(code)
                row["equity_swap_involved"] = swap
            elif target == "acquired_disposed":
                row[target] = _letter_value(text, "AD", label, row_index, target)
            elif target == "direct_indirect":
                row[target] = _letter_value(text, "DI", label, row_index, target)
            else:
                row[target] = _number_value(text, label, row_index, target)
            refs.extend((target, fid) for fid in marks)
        filing.add(name, row)
        for target, fid in dict.fromkeys(refs):
            filing.add("footnote_refs", {"table_name": name, "row_index": row_index, "field": target,
                                         "footnote_id": fid})


# --- cover boxes --------------------------------------------------------------------------------------------
def _box(page: _Page, label_element):
    """The box a cover label sits in: the widest table cell around the label that holds no
    other numbered label (the legacy page nests the label in a table of its own)."""
    cell = _cell_of(label_element)
    if cell is None:
        return None
    best = cell
    for ancestor in cell.iterancestors("td", "th"):
        if page.labels_under.get(ancestor, 0) > 1:
            break
        best = ancestor
    return best


def _box_lines(box, label: re.Pattern) -> list[str]:
    """Lines of a box after its label (the rest of the label's own line first)."""
    lines = _lines(box, marks=False)
    for i, line in enumerate(lines):
        if m := label.match(line):
            rest = _MONTH_DAY_YEAR.sub("", line[m.end():]).strip(" *:")
            return ([rest] if rest else []) + lines[i + 1:]
    return []


def _first_box(page: _Page, label: re.Pattern, stop) -> object | None:
    for element in _cells_matching(page, label):
        if stop is None or page.order[element] < page.order[stop]:
            return _box(page, element)
    return None


def _cik_of(element) -> str | None:
    for a in element.iter("a"):
        if m := _CIK_LINK.search(a.get("href") or ""):
            return pad_cik(m[1])
    return None


def _issuer(box) -> tuple[str | None, str | None, str | None]:
    """Name, ticker and CIK from the issuer box: 'Name [TICKER]' on the line after the label."""
    if box is None:
        return None, None, None
    name, ticker = of.name_and_ticker(clean_text(" ".join(_box_lines(box, _ISSUER_LABEL))) or "")
    return name, ticker, _cik_of(box)


def _checked(page: _Page, pattern: re.Pattern, stop) -> bool | None:
    """A check box printed beside a caption: an <input type=checkbox> (legacy page) or a cell
    holding an X (current page). None: the page has no such box."""
    for caption in _cells_matching(page, pattern, anywhere=True):
        if stop is not None and page.order[caption] > page.order[stop]:
            continue
        row = next(caption.iterancestors("tr"), None)
        if row is None:
            continue
        boxes = [i for i in row.iter("input") if (i.get("type") or "").lower() == "checkbox"]
        if boxes:
            return any(i.get("checked") is not None for i in boxes)
        cells = [c for c in _row_cells(row) if c is not _cell_of(caption)]
        return any(_text(c).upper() == "X" for c in cells)
    return None


def _relationships(box) -> of.Relationship:
    """Check marks of the four roles in a relationship box, and the title printed below them.
    A role's mark is an X in the cell before its caption (current page) or '__X__' before it
    (legacy page)."""
    flags = {"is_director": False, "is_officer": False, "is_ten_percent_owner": False, "is_other": False}
    titles: list[str] = []
    for tr in box.iter("tr"):
        if tr.find(".//tr") is not None:
            continue
        cells = [_text(c, marks=False) for c in _row_cells(tr)]
        roles = False
        for i, cell in enumerate(cells):
            for name, pattern in _ROLE_WORDS:
                if pattern.match(cell):
                    roles = True
                    flags[name] = bool(_UNDERSCORE_MARK.match(cell)) or (i > 0 and cells[i - 1].upper() == "X")
        if not roles:
            text = clean_text(" ".join(c for c in cells if c.upper() != "X"))
            if text and not text.startswith("("):
                titles.append(text)
    title = clean_text(" ".join(titles))
    officer_title = title if flags["is_officer"] and not flags["is_other"] else None
    other_text = title if flags["is_other"] and not flags["is_officer"] else None
    if flags["is_officer"] and flags["is_other"] and title:
        officer, sep, other = title.partition(" / ")  # both printed: 'officer title / other text'
        officer_title, other_text = (clean_text(officer), clean_text(other)) if sep else (title, None)
    return of.Relationship(officer_title=officer_title, other_text=other_text, **flags)


_ADDRESS_MARKERS = re.compile(r"^\((?:Last|Street|City)\)", re.I)


_ADDRESS_CAPTION = re.compile(r"^\((?:Last|First|Middle|Street|City|State|Zip)\)$", re.I)


def _current_owner(box) -> _Owner:
    """An owner box of the current page: the name (a link to the owner's EDGAR page), then
    the street lines between '(Last) (First) (Middle)' and '(Street)', then city, state and
    zip above '(City) (State) (Zip)', in cells of their own (or on one line)."""
    owner = _Owner(cik=_cik_of(box))
    address = owner.address
    link = next((a for a in box.iter("a") if _CIK_LINK.search(a.get("href") or "")), None)
    lines = [line for line in _box_lines(box, _OWNER_LABEL) if line]
    if link is not None:
        owner.name = clean_text(_text(link))
    elif lines and not _ADDRESS_MARKERS.match(lines[0]):  # no name printed: the box starts with '(Last)'
        owner.name = clean_text(lines[0])
    at = {caption: next((i for i, line in enumerate(lines) if line.startswith(caption)), None)
          for caption in ("(Last)", "(Street)", "(City)")}
    if at["(Last)"] is not None and at["(Street)"] is not None:
        streets = [line for line in lines[at["(Last)"] + 1:at["(Street)"]] if not _ADDRESS_CAPTION.match(line)]
        address.street1 = clean_text(streets[0]) if streets else None
        address.street2 = clean_text(" ".join(streets[1:])) if len(streets) > 1 else None
    if at["(Street)"] is not None and at["(City)"] is not None:
        place = [line for line in lines[at["(Street)"] + 1:at["(City)"]] if not _ADDRESS_CAPTION.match(line)]
        row = _place_row(box)
        if row is not None:  # city, state and zip cells: a blank one keeps the others in place
            address.city, address.state, address.zip = row
        elif place:
            address.city, address.state, address.zip = of.city_state_zip(" ".join(place))
    return owner


def _place_row(box) -> tuple[str | None, str | None, str | None] | None:
    """The row of three cells just above the '(City) (State) (Zip)' captions, if the box has one."""
    rows = [tr for tr in box.iter("tr") if tr.find(".//tr") is None]
    for i, tr in enumerate(rows):
        if _text(tr, marks=False).startswith("(City)") and i > 0:
            cells = [clean_text(_text(c, marks=False)) for c in _row_cells(rows[i - 1])]
            if len(cells) == 3 and not any(c and _ADDRESS_CAPTION.match(c) for c in cells):
                return cells[0], cells[1], cells[2]
            return None
    return None


def _legacy_owner(cell) -> _Owner:
    """A name/address cell of the legacy page's Reporting Owners table: name, street 1,
    street 2 and 'City,&#160;ST&#160;Zip', one per line."""
    lines = [line.strip(" ") for line in _lines(cell, marks=False, nbsp=True)]
    while lines and not lines[-1].strip(_NBSP + " "):
        lines.pop()
    owner = _Owner()
    address = owner.address
    if not lines:
        return owner
    owner.name = clean_text(lines[0])
    rest = lines[1:]
    if len(rest) >= 2 or (rest and _NBSP in rest[-1]):
        *streets, place = rest
        head, sep, zip_code = place.rpartition(_NBSP)
        if not sep:
            head, zip_code = place, ""
        city, sep, state = head.rpartition("," + _NBSP)
        if not sep:
            city, state = head, ""
        address.city, address.state, address.zip = clean_text(city), clean_text(state), clean_text(zip_code)
    else:
        streets = rest
    address.street1 = clean_text(streets[0]) if streets else None
    address.street2 = clean_text(" ".join(streets[1:])) if len(streets) > 1 else None
    return owner


def _legacy_owners(page: _Page, form: str, cover: of.Relationship | None) -> list[_Owner]:
    """The 'Reporting Owners' table: one row per owner; X under Director and 10% Owner, the
    officer's title under Officer and the other text under Other. The cover's check boxes
    are the first owner's only."""
    heading = next(iter(_cells_matching(page, _REPORTING_OWNERS)), None)
    if heading is None:
        return []
    table = next((t for t in heading.itersiblings("table")), None)
    if table is None:
        return []
    rows = _own_rows(table)
    grid = _grid(rows)
    role_at: dict[str, int] = {}
    start = 0
    for r, placed in enumerate(grid):
        for col, _, cell in placed:
            text = _text(cell, marks=False)
            for name, pattern in _ROLE_WORDS:
                if pattern.match(text):
                    role_at[name] = col
        if len(role_at) == len(_ROLE_WORDS):
            start = r + 1
            break
    owners = []
    for placed in grid[start:]:
        by_col = {col: cell for col, _, cell in placed}
        if 0 not in by_col:
            continue
        owner = _legacy_owner(by_col[0])
        values = {name: _text(by_col[col], marks=False) if col in by_col else "" for name, col in role_at.items()}
        director, ten = values.get("is_director", ""), values.get("is_ten_percent_owner", "")
        officer, other = values.get("is_officer", ""), values.get("is_other", "")
        flags = owner.relationship
        flags.is_director = director.upper() == "X"
        flags.is_ten_percent_owner = ten.upper() == "X"
        # A title means the role; a blank cell says nothing (an officer without a title prints none).
        flags.officer_title, flags.is_officer = (officer, True) if officer else (None, None)
        flags.other_text, flags.is_other = (other, True) if other else (None, None)
        if not owners and cover is not None:  # the cover's boxes are the first owner's
            flags.is_director, flags.is_ten_percent_owner = cover.is_director, cover.is_ten_percent_owner
            flags.is_officer = cover.is_officer
            if cover.is_other:
                flags.is_other = True
            elif flags.is_other is None and form != "4":
                flags.is_other = False  # the Form 4 cover leaves isOther written 'true' unchecked
        owners.append(owner)
    return owners


# --- explanation, remarks, signatures --------------------------------------------------------------------------
def _footnotes(heading) -> list[tuple[str, str | None]]:
    """Rows after 'Explanation of Responses:' that start with a footnote number, '(1)' or '1.'
    (in a cell of their own or before the text), up to 'Remarks:' or the signatures; the
    form's own '*' and '**' notes are not footnotes."""
    if heading is None:
        return []
    cell = _cell_of(heading)
    if cell is not None:  # the caption is a row of the footnotes' table (current page)
        table = next(cell.iterancestors("table"), None)
        rows = _own_rows(table) if table is not None else []
        caption_row = next(cell.iterancestors("tr"), None)
        rows = rows[rows.index(caption_row) + 1:] if caption_row in rows else rows
    else:  # a heading above the table (legacy page)
        table = next(heading.itersiblings("table"), None)
        rows = _own_rows(table) if table is not None else []
    notes: dict[str, str | None] = {}
    for tr in rows:
        cells = [_text(c) for c in _row_cells(tr)]
        text = clean_text(" ".join(c for c in cells if c)) or ""
        if _REMARKS.match(text) or any(_SIGNATURE_LABEL.match(c) for c in cells):
            break
        if m := _FOOTNOTE_START.match(text):
            notes.setdefault(f"F{m[1] or m[2]}", clean_text(text[m.end():]))
    return list(notes.items())


def _remarks(page: _Page) -> str | None:
    """Text after a 'Remarks:' caption, to the end of its cell (legacy page: the same cell,
    after a line break) or, when the cell holds only the caption, the next row (current page)."""
    for element, text in page.leaves:
        if not _REMARKS.match(text):
            continue
        cell = _cell_of(element)
        if cell is None:
            continue
        lines = [line for line in _lines(cell, marks=False) if line]
        at = next((i for i, line in enumerate(lines) if _REMARKS.match(line)), None)
        if at is None:
            continue
        remarks = clean_text(" ".join([_REMARKS.sub("", lines[at], count=1)] + lines[at + 1:]))
        if remarks:
            return remarks
        row = next(cell.iterancestors("tr"), None)
        following = row.getnext() if row is not None else None
        return clean_text(_text(following)) if following is not None else None
    return None


def _signatures(page: _Page) -> list[tuple[str | None, dt.date | None]]:
    """Signature lines: the rows just above each '** Signature of Reporting Person' caption
    row of its table that, like the caption row, span several cells (a signature and its date);
    a row of one cell (a footnote, the remarks) ends them."""
    signed: list[tuple[str | None, dt.date | None]] = []
    tables = []
    for caption in _cells_matching(page, _SIGNATURE_LABEL):
        cell = _cell_of(caption)
        table = next(cell.iterancestors("table"), None) if cell is not None else None
        if table is not None and table not in tables:
            tables.append(table)
    for table in tables:
        pending: list[list[str]] = []
        for tr in _own_rows(table):
            cells = [_text(c, marks=False) for c in _row_cells(tr)]
            if any(_SIGNATURE_LABEL.match(c) for c in cells):
                for values in pending:
                    dates = [c for c in values if parse_date(c) is not None]
                    name = clean_text(" ".join(c for c in values if c and c not in dates))
                    signed.append((name, parse_date(dates[0]) if dates else None))
                pending = []
            elif len(cells) >= 2 and any(cells):
                pending.append([c for c in cells if c])
            else:
                pending = []
    return signed


# --- the filing -----------------------------------------------------------------------------------------------
def _form_number(before_table_i: list[str]) -> tuple[str, bool]:
    for line in before_table_i:
        if m := _FORM_NAME.match(line):
            return m[1], bool(m[2])
    title = " ".join(before_table_i).upper()
    if "INITIAL STATEMENT OF BENEFICIAL OWNERSHIP" in title:
        return "3", False
    if "ANNUAL STATEMENT" in title:
        return "5", False
    if "STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP" in title:
        return "4", False
    raise ParseError("unrecognized_format", "no 'FORM 3/4/5' caption or form title above Table I: "
                                            "cannot tell which form this page shows")


def read(text: str) -> list[ParsedFiling]:
    if len(text) > _MAX_CHARS:
        raise ParseError("file_too_large", f"the page has {len(text):,} characters; a rendered Form 3/4/5 has far fewer "
                                      f"(limit {_MAX_CHARS:,})")
    if not sniff(text):
        raise ParseError("unrecognized_format", "not EDGAR's HTML page of Form 3, 4 or 5 (no HTML page with a "
                                                "form title and a 'Table I - Non-Derivative' heading)")
    page = _Page(_parse(text))
    order = page.order
    table_i_headings = _cells_matching(page, _TABLE_I)
    table_ii_headings = _cells_matching(page, _TABLE_II)
    table_i, table_ii = _find_tables(page)
    if not table_i_headings:
        raise ParseError("missing_table", "the page has no 'Table I - Non-Derivative Securities' heading outside "
                                          "comments and scripts")
    if not _HTML_END.search(text[-4096:]):
        raise ParseError("truncated", "the page stops inside the form, before </body> or </html>: it was cut off")
    if not table_ii_headings:
        raise ParseError("missing_table", "the page has no 'Table II - Derivative Securities' heading")
    if table_i is None or table_ii is None:
        raise ParseError("missing_table", "Table I or Table II has no '1. Title of ... Security' column heading")
    table_i_at = table_i_headings[0]
    cover_lines = [text for element, text in page.leaves if order[element] < order[table_i_at]]
    form_number, amended = _form_number(cover_lines)
    legacy = bool(_cells_matching(page, _REPORTING_OWNERS))

    issuer_name, issuer_ticker, issuer_cik = _issuer(_first_box(page, _ISSUER_LABEL, table_i_at))
    period_box = _first_box(page, _PERIOD_LABEL, table_i_at)
    period = next((d for line in (_box_lines(period_box, _PERIOD_LABEL) if period_box is not None else [])
                   if (d := parse_date(line)) is not None), None)
    amendment_box = _first_box(page, _AMENDMENT_LABEL, table_i_at)
    original = next((d for line in (_box_lines(amendment_box, _AMENDMENT_LABEL) if amendment_box is not None
                                    else []) if (d := parse_date(line)) is not None), None)
    is_amendment = amended or original is not None
    form5 = form_number == "5"
    section16 = _checked(page, _SECTION16_BOX, table_i_at) if form_number != "3" else None
    if legacy and section16 is False:
        section16 = None  # the legacy box is checked only for a value above 0: 'true' shows unchecked
    filing = of.filing_row(
        text, form_number, is_amendment, accession=find_accession(text[:_SNIFF_CHARS]),
        period_of_report=period, date_of_original_submission=original, issuer_name=issuer_name,
        issuer_cik=issuer_cik, issuer_ticker=issuer_ticker, not_subject_to_section16=section16,
        aff10b5_one=_checked(page, _10B5_1_BOX, table_i_at),
        form3_holdings_reported=_checked(page, _FORM3_BOX, table_i_at) if form5 else None,
        form4_transactions_reported=_checked(page, _FORM4_BOX, table_i_at) if form5 else None,
        remarks=_remarks(page))
    holdings_only = form_number == "3"
    _table_rows(filing, _read_table(*table_i), "I", holdings_only)
    _table_rows(filing, _read_table(*table_ii), "II", holdings_only)

    relationship_boxes = [_box(page, e) for e in _cells_matching(page, _RELATIONSHIP_LABEL)]
    cover_relationship = next((b for b in relationship_boxes if b is not None and order[b] < order[table_i_at]), None)
    cover_flags = _relationships(cover_relationship) if cover_relationship is not None else None
    if legacy:
        owners = _legacy_owners(page, form_number, cover_flags)
    else:
        owner_boxes = [b for b in (_box(page, e) for e in _cells_matching(page, _OWNER_LABEL)) if b is not None]
        after = [b for b in owner_boxes if order[b] > order[table_ii[0]]]
        later_relationships = [b for b in relationship_boxes if b is not None and order[b] > order[table_ii[0]]]
        owners = []
        if after:  # every owner printed again after Table II, each with its own relationship box
            for index, box in enumerate(after):
                owner = _current_owner(box)
                if index < len(later_relationships):
                    owner.relationship = _relationships(later_relationships[index])
                owners.append(owner)
        elif owner_boxes:
            owner = _current_owner(owner_boxes[0])
            if cover_flags is not None:
                owner.relationship = cover_flags
            owners.append(owner)
    for owner in owners:
        of.add_owner(filing, owner.name, owner.address, owner.relationship, cik=owner.cik)
    for as_filed, date in _signatures(page):
        of.add_signature(filing, as_filed, date)
    explanation = next(iter(_cells_matching(page, _EXPLANATION)), None)
    of.add_footnotes(filing, [f"({number[1:]}) {note or ''}" for number, note in _footnotes(explanation)])
    return [of.finish(filing)]
