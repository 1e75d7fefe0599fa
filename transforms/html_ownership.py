"""EDGAR's HTML rendering of a Form 3/4/5 XML (the page at `.../xslF345X05/doc4.xml`).

The page is nested `<table>`s: the cover boxes ("1. Name and Address of
Reporting Person", "2. Issuer Name and Ticker or Trading Symbol", relationship
check boxes marked "X"), Table I and Table II (header rows, then one `<tr>` per
row, footnote marks as `<sup>(1)</sup>`), further reporting persons after
Table II, "Explanation of Responses:" with the footnotes, remarks and the
signature block.

Cells come from the markup, so there is no layout to guess; which value of a
row goes to which column of the form is decided by `ownership_text`'s token
alignment, as for every other rendering. Table II prints the number of
securities under an "(A)" or a "(D)" column: the column says which."""
from __future__ import annotations

import re

import lxml.html
from lxml import etree

from transforms import ownership_text as ot
from transforms.errors import ParseError
from transforms.model import ParsedFiling, content_filing_id
from transforms.text_tables import TextRow
from transforms.values import clean_text, parse_date, state_code

FORMAT = "html_ownership"

_MAX_CHARS = 4_000_000  # rendered Forms 3/4/5 are tens of KB; a few hundred rows stay far below
_SNIFF_MARKUP_CHARS = 4096
_SNIFF_CHARS = 200_000
_WRAPPER = re.compile(r"<(?:SEC-DOCUMENT|SEC-HEADER|SUBMISSION|IMS-HEADER|ownershipDocument)\b|-----BEGIN PRIVACY", re.I)
_HTML_MARKUP = re.compile(r"<(?:html|body)\b", re.I)
# Title words may be split by tags and entities; matched on upper-cased text.
_GAP = r"(?:\s|&NBSP;|&#160;|&#XA0;|<[^<>]{0,200}>)+"
_TITLE_HTML = re.compile(
    r"STATEMENT" + _GAP + r"OF" + _GAP + r"CHANGES" + _GAP + r"IN" + _GAP + r"BENEFICIAL" + _GAP + r"OWNERSHIP"
    r"|INITIAL" + _GAP + r"STATEMENT" + _GAP + r"OF" + _GAP + r"BENEFICIAL" + _GAP + r"OWNERSHIP"
    r"|ANNUAL" + _GAP + r"STATEMENT" + _GAP + r"OF" + _GAP + r"CHANGES")
_TABLE_I_HTML = re.compile(r"TABLE" + _GAP + r"I" + _GAP + r"(?:-|&#45;|&#8211;|\u2013|\u2014)" + _GAP + r"NON-DERIVATIVE")
_CELL_MARKUP = re.compile(r"<t[dh]\b", re.I)
_HTML_END = re.compile(r"</(?:html|body)\s*>", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}\?>")
# lxml refuses control characters in the text it is handed (the <br> and <sup> edits below).
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, huge_tree=False)


def sniff(text: str) -> bool:
    head = text[:_SNIFF_MARKUP_CHARS]
    if _WRAPPER.search(head) or not _HTML_MARKUP.search(head):
        return False
    window = text[:_SNIFF_CHARS].upper()
    return ("TABLE" in window and bool(_CELL_MARKUP.search(window)) and bool(_TITLE_HTML.search(window))
            and bool(_TABLE_I_HTML.search(window)))


# --- the page as lines of cells -------------------------------------------------------------
_SKIP = frozenset("head script style title noscript".split())
_BLOCK = frozenset("address blockquote body caption center dd div dl dt form h1 h2 h3 h4 h5 h6 hr li ol p pre "
                   "table tbody thead tfoot tr td th ul".split())
_CELLS = ("td", "th")


def _parse(text: str) -> etree._Element:
    source = _CONTROL_CHARS.sub(" ", _XML_DECLARATION.sub("", text, count=1))
    try:
        root = etree.fromstring(source, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError("malformed_html", f"the HTML cannot be parsed: {exc}") from exc
    if root is None:
        raise ParseError("malformed_html", "the HTML parser found no document element")
    # <br> breaks a line; a footnote mark stands apart from the value it marks.
    for element in root.iter("br", "sup"):
        if element.tag == "br":
            element.tail = "\n" + (element.tail or "")
        else:
            element.text = " " + (element.text or "")
    return root


def _text(element: etree._Element) -> str:
    return clean_text("".join(element.itertext())) or ""


def _tag(element) -> str:
    return element.tag if isinstance(element.tag, str) else ""


def _render(root: etree._Element) -> list[list[str]]:
    """The page in reading order: a row of a table without tables inside is one
    line of its cells (empty cells kept); any other text is a line of one cell."""
    lines: list[list[str]] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            for part in "".join(buffer).split("\n"):
                if text := clean_text(part):
                    lines.append([text])
            buffer.clear()

    def walk(element) -> None:
        tag = _tag(element)
        if tag in _SKIP:
            return
        if tag == "tr" and element.find(".//table") is None:
            flush()
            cells = [_text(c) for c in element if _tag(c) in _CELLS]
            if any(cells):
                lines.append(cells)
            return
        block = tag in _BLOCK
        if block:
            flush()
        if element.text:
            buffer.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                buffer.append(child.tail)
        if block:
            flush()

    walk(root)
    flush()
    return lines


def _joined(cells: list[str]) -> str:
    return " ".join(c for c in cells if c)


# --- sections ----------------------------------------------------------------------------------
_TABLE_I = re.compile(r"^Table\s+I\s*[-\u2013\u2014:]+\s*Non-?\s*Derivative", re.I)
_TABLE_II = re.compile(r"^Table\s+II\s*[-\u2013\u2014:]+\s*Derivative", re.I)
_EXPLANATION = re.compile(r"^Explanation\s+of\s+Responses\s*:?\s*", re.I)
_REMARKS = re.compile(r"^Remarks\s*:?\s*", re.I)
_SIGNATURE_LABEL = re.compile(r"^\**\s*Signature\s+of\s+Reporting\s+Person", re.I)


def _find(texts: list[str], pattern: re.Pattern, start: int = 0) -> int | None:
    return next((i for i in range(start, len(texts)) if pattern.match(texts[i])), None)


# --- cover boxes --------------------------------------------------------------------------------
_NUMBERED = re.compile(r"^\d{1,2}[A-Z]?\.\s")
_LABELS = (
    ("owner", re.compile(r"^\d{1,2}\.\s*Name\s+and\s+Address\s+of\s+Reporting\s+Person\S*\s*\**", re.I)),
    ("issuer", re.compile(r"^\d{1,2}\.\s*Issuer\s+Name\s+and\s+Ticker\s+or\s+Trading\s+Symbol", re.I)),
    ("period", re.compile(r"^\d{1,2}\.\s*(?:Date\s+of\s+Earliest\s+Transaction|Date\s+of\s+Event\s+Requiring\s+Statement"
                          r"|Statement\s+for\s+Issuer'?s\s+Fiscal\s+Year\s+Ended)\s*(?:\(\s*Month/Day/Year\s*\))?",
                          re.I)),
    ("amendment", re.compile(r"^\d{1,2}\.\s*If\s+Amendment,\s+Date\s+(?:of\s+)?Original\s+Filed\s*"
                             r"(?:\(\s*Month/Day/Year\s*\))?", re.I)),
    ("relationship", re.compile(r"^\d{1,2}\.\s*Relationship\s+of\s+Reporting\s+Person\S*\s*(?:to\s+Issuer)?", re.I)),
    ("other", re.compile(r"^\d{1,2}[A-Z]?\.\s")),
)
_LAST_FIRST = re.compile(r"^\(Last\)", re.I)
_STREET = re.compile(r"^\(Street\)", re.I)
_CITY = re.compile(r"^\(City\)", re.I)
_CHECK_ALL = re.compile(r"^\(Check\s+all\s+applicable\)$", re.I)
_ROLES = (("is_director", re.compile(r"^Director$", re.I)), ("is_ten_percent_owner", re.compile(r"^10\s*%\s*Owner$", re.I)),
          ("is_officer", re.compile(r"^Officer\b", re.I)), ("is_other", re.compile(r"^Other\b", re.I)))
_CIK_LINK = re.compile(r"[?&]CIK=(\d{1,10})\b", re.I)
_SECTION16_BOX = re.compile(r"no\s+longer\s+subject\s+to\s+Section\s+16", re.I)
_10B5_1_BOX = re.compile(r"Rule\s+10b5-1\s*\(c\)", re.I)
_FORM3_BOX = re.compile(r"^Form\s+3\s+Holdings\s+Reported", re.I)
_FORM4_BOX = re.compile(r"^Form\s+4\s+Transactions\s+Reported", re.I)


def _blocks(lines: list[list[str]]) -> list[tuple[str, list[list[str]]]]:
    """Each numbered cover box with the lines below its label (the rest of the label line first)."""
    blocks: list[tuple[str, list[list[str]]]] = []
    current: list[list[str]] | None = None
    for cells in lines:
        text = _joined(cells)
        if _NUMBERED.match(text) or _TABLE_I.match(text) or _TABLE_II.match(text) or _EXPLANATION.match(text):
            current = None
            for name, pattern in _LABELS:
                if m := pattern.match(text):
                    current = []
                    blocks.append((name, current))
                    if rest := text[m.end():].strip(" *:"):
                        current.append([rest])
                    break
            continue
        if current is not None:
            current.append(cells)
    return blocks


def _first_date(lines: list[list[str]]):
    return next((d for cells in lines for c in cells if (d := parse_date(c)) is not None), None)


def _owner(lines: list[list[str]]) -> tuple[str | None, ot._Address]:
    texts = [_joined(cells) for cells in lines]
    top = _find(texts, _LAST_FIRST)
    street_at = _find(texts, _STREET, (top or 0))
    city_at = _find(texts, _CITY, (street_at or 0))
    name = clean_text(" ".join(texts[:top] if top is not None else texts[:1]))
    if top is None or street_at is None:
        return name, ot._Address()
    street_lines = texts[top + 1:street_at]
    street1 = street_lines[0] if street_lines else None
    street2 = clean_text(" ".join(street_lines[1:])) if len(street_lines) > 1 else None
    city = state = zip_code = None
    if city_at is not None and city_at > street_at + 1:
        cells = [c for cells in lines[street_at + 1:city_at] for c in cells]
        if len(cells) == 3:
            city, state, zip_code = clean_text(cells[0]), state_code(cells[1]), clean_text(cells[2])
        else:
            city, state, zip_code = ot._city_state_zip(_joined(cells))
    return name, ot._Address(street1, street2, city, state, zip_code)


def _relationship(lines: list[list[str]] | None) -> dict:
    flags = {name: False for name, _ in _ROLES}
    if lines is None:
        return {name: None for name in flags} | {"officer_title": None, "other_text": None}
    titles: list[str] = []
    for cells in lines:
        roles = False
        for i, cell in enumerate(cells):
            for name, pattern in _ROLES:
                if pattern.match(cell):
                    roles = True
                    flags[name] = flags[name] or (i > 0 and cells[i - 1].strip().upper() == "X")
        text = _joined(cells)
        if not roles and text and not _CHECK_ALL.match(text) and text.upper() != "X":
            titles.append(text)
    title = clean_text(" ".join(titles))
    return flags | {"officer_title": title if flags["is_officer"] else None,
                    "other_text": title if flags["is_other"] and not flags["is_officer"] else None}


def _check_box(lines: list[list[str]], pattern: re.Pattern) -> bool | None:
    """Whether the box on the line labelled by `pattern` holds an X (None: no such box)."""
    for cells in lines:
        if any(pattern.search(c) for c in cells):
            return any(c.strip().upper() == "X" for c in cells)
    return None


def _cik_links(root: etree._Element) -> dict[str, str]:
    """Names EDGAR links to their company page: name -> CIK (10 digits)."""
    links: dict[str, str] = {}
    for a in root.iter("a"):
        if (m := _CIK_LINK.search(a.get("href") or "")) and (name := _text(a)):
            links.setdefault(name.upper(), m[1].zfill(10))
    return links


# --- Tables I and II -----------------------------------------------------------------------------
def _span(cell, name: str, limit: int) -> int:
    try:
        return min(max(int(cell.get(name) or 1), 1), limit)
    except ValueError:
        return 1


def _own_rows(table) -> list:
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def _heading_table(root: etree._Element, pattern: re.Pattern):
    for element in root.iter():
        if _tag(element) in _SKIP or not element.text or not pattern.match(element.text.strip()):
            continue
        table = next(element.iterancestors("table"), None) if _tag(element) != "table" else element
        if table is None:
            continue
        rows = _own_rows(table)
        if len(rows) <= 1:  # the heading in a table of its own: the rows are in the next table
            table = next(iter(table.itersiblings("table")), table)
        return table
    return None


def _is_heading_row(tr) -> bool:
    parent = tr.getparent()
    return (parent is not None and parent.tag == "thead") or all(_tag(c) == "th" for c in tr if _tag(c) in _CELLS)


def _sub_headings(rows: list) -> dict[str, int]:
    """Grid column of each one-column heading ('(A)', '(D)', 'Code'...), rowspans and colspans expanded."""
    taken: set[tuple[int, int]] = set()
    columns: dict[str, int] = {}
    for r, tr in enumerate(rows):
        col = 0
        for cell in (c for c in tr if _tag(c) in _CELLS):
            while (r, col) in taken:
                col += 1
            width, height = _span(cell, "colspan", 64), _span(cell, "rowspan", 8)
            taken.update((r + dr, col + dc) for dr in range(height) for dc in range(width))
            if width == 1:
                columns.setdefault(_text(cell).upper(), col)
            col += width
    return columns


def _records(table, part: str) -> list[ot._Record]:
    rows = _own_rows(table)
    headings = [tr for tr in rows if _is_heading_row(tr)]
    columns = _sub_headings(headings)
    acquired, disposed = columns.get("(A)"), columns.get("(D)")
    records = []
    for tr in rows:
        if _is_heading_row(tr):
            continue
        cells: list[str] = []
        positions: list[int] = []
        col = 0
        for cell in (c for c in tr if _tag(c) in _CELLS):
            cells.append(_text(cell))
            positions.append(col)
            col += _span(cell, "colspan", 64)
        if not any(cells) or _TABLE_I.match(cells[0]) or _TABLE_II.match(cells[0]):
            continue
        if acquired is not None and disposed is not None:
            at = {p: i for i, p in enumerate(positions)}
            a, d = at.get(acquired), at.get(disposed)
            filled_a, filled_d = a is not None and bool(cells[a]), d is not None and bool(cells[d])
            if filled_a != filled_d:  # the column a number stands in says acquired or disposed
                i, letter = (a, "A") if filled_a else (d, "D")
                cells[i] += f" ({letter})"
        row = TextRow(tuple(cells), (tr.sourceline or 1) - 1, 0, "html")
        if ot._is_header(row):
            continue
        records.append(ot._record(row))
    return records


# --- the filing -------------------------------------------------------------------------------------
_FOOTNOTE_NUMBER = re.compile(r"^(\d{1,3})\.\s+")


def _signature_block(lines: list[list[str]], label: int, stop: int) -> tuple[int, list[str]]:
    """Rows above the '** Signature of Reporting Person' row (not above `stop`): the
    first of them, and the signers and dates as lines (a signer, then its date)."""
    start = label
    while start > stop:
        values = [c for c in lines[start - 1] if c]
        if len(lines[start - 1]) < 2 or not any("/s/" in c.lower() or parse_date(c) for c in values):
            break
        start -= 1
    out = []
    for cells in lines[start:label]:
        values = [c for c in cells if c]
        dates = [c for c in values if parse_date(c) is not None]
        out.append(" ".join(c for c in values if c not in dates))
        out.extend(dates[:1])
    return start, [line for line in out if line]


def read(text: str) -> list[ParsedFiling]:
    if len(text) > _MAX_CHARS:
        raise ParseError("file_too_large", f"the page has {len(text):,} characters; a rendered Form 3/4/5 has far fewer "
                                      f"(limit {_MAX_CHARS:,})")
    if not sniff(text):
        raise ParseError("unrecognized_format", "not EDGAR's HTML rendering of Form 3, 4 or 5 (no HTML page with a "
                                                "form title and a 'Table I - Non-Derivative' heading)")
    if not _HTML_END.search(text[-4096:]):
        raise ParseError("truncated", "the page ends before </body> or </html>: it was cut off")
    root = _parse(text)
    lines = _render(root)
    texts = [_joined(cells) for cells in lines]
    table_i = _find(texts, _TABLE_I)
    if table_i is None:
        raise ParseError("missing_table", "the page has no 'Table I - Non-Derivative Securities' heading outside "
                                          "comments and scripts")
    table_ii = _find(texts, _TABLE_II, table_i + 1)
    if table_ii is None:
        raise ParseError("missing_table", "the page has no 'Table II - Derivative Securities' heading after Table I")
    table_i_element, table_ii_element = _heading_table(root, _TABLE_I), _heading_table(root, _TABLE_II)
    if table_i_element is None or table_ii_element is None or table_i_element is table_ii_element:
        raise ParseError("missing_table", "the Table I and Table II headings are not in tables of their own")
    total = len(lines)
    explanation = _find(texts, _EXPLANATION, table_ii + 1)
    remarks = _find(texts, _REMARKS, table_ii + 1)
    label = next((i for i in range(table_ii + 1, total) if any(_SIGNATURE_LABEL.match(c) for c in lines[i])), None)

    form_number, amended = ot._form_type(texts, table_i)
    blocks = _blocks(lines[:explanation if explanation is not None else total])
    first = {}
    for name, block in blocks:
        first.setdefault(name, block)
    links = _cik_links(root)
    issuer_name = issuer_ticker = None
    if first.get("issuer"):
        issuer_name, issuer_ticker = ot._name_and_ticker(_joined(first["issuer"][0]))
    original = _first_date(first.get("amendment", []))
    is_amendment = amended or original is not None
    cover = lines[:table_i]
    form5 = form_number == "5"
    content_id = content_filing_id(text)
    accession = ot._ACCESSION.search(text[:_SNIFF_CHARS])
    filing = ParsedFiling({
        "filing_id": accession[1] if accession else content_id,
        "accession_number": accession[1] if accession else None,
        "content_id": content_id,
        "form_type": form_number + ("/A" if is_amendment else ""),
        "is_amendment": is_amendment,
        "filed_date": None,
        "period_of_report": _first_date(first.get("period", [])),
        "date_of_original_submission": original,
        "issuer_name": issuer_name,
        "issuer_cik": links.get(issuer_name.upper()) if issuer_name else None,
        "issuer_ticker": issuer_ticker,
        "not_subject_to_section16": _check_box(cover, _SECTION16_BOX) if form_number != "3" else None,
        "aff10b5_one": _check_box(cover, _10B5_1_BOX),
        "form3_holdings_reported": _check_box(cover, _FORM3_BOX) if form5 else None,
        "form4_transactions_reported": _check_box(cover, _FORM4_BOX) if form5 else None,
        "remarks": None,
    })
    form3 = form_number == "3"
    ot._table_rows(filing, _records(table_i_element, "Table I"), (None if form3 else "NT", "NH"), "Table I")
    ot._table_rows(filing, _records(table_ii_element, "Table II"), (None, "DH3") if form3 else ("DT", "DH"),
                   "Table II")

    owners = [block for name, block in blocks if name == "owner"]
    relationships = [block for name, block in blocks if name == "relationship"]
    for index, block in enumerate(owners):
        name, address = _owner(block)
        row = ot._blank("reporting_owners")
        row.update(owner_index=index, owner_name=name, owner_cik=links.get(name.upper()) if name else None,
                   street1=address.street1, street2=address.street2, city=address.city, state=address.state,
                   zip=address.zip, **_relationship(relationships[index] if index < len(relationships) else None))
        filing.add("reporting_owners", row)

    signature_start, signed = total, []
    if label is not None:
        lowest = max(i for i in (table_ii, explanation, remarks) if i is not None) + 1
        signature_start, signed = _signature_block(lines, label, lowest)
        ot._signatures(filing, signed)
    if explanation is not None:
        stop = min((i for i in (remarks, signature_start) if i is not None and i > explanation), default=total)
        first_line = _EXPLANATION.sub("", texts[explanation], count=1)
        notes = [_FOOTNOTE_NUMBER.sub(r"(\1) ", t) for t in ([first_line] if first_line else []) + texts[explanation + 1:stop]]
        ot._footnotes(filing, notes)
    if remarks is not None:
        stop = signature_start if signature_start > remarks else total
        first_line = _REMARKS.sub("", texts[remarks], count=1)
        filing.filing["remarks"] = clean_text(" ".join([first_line] + texts[remarks + 1:stop]))
    if filing.rows.get("signatures"):
        filing.filing["filed_date"] = filing.rows["signatures"][0]["signed_date"]
    if issuer_name or issuer_ticker:
        company = ot._blank("filing_companies")
        company.update(company_index=0, role="issuer", name=issuer_name, ticker=issuer_ticker,
                       cik=filing.filing["issuer_cik"])
        filing.add("filing_companies", company)
    return [filing]
