"""Text renderings of printed Forms 3, 4, 5 (and /A): cover page, Table I,
Table II, reporting owners, signatures and explanation of responses.

Renderers shift, merge and drop table columns ("D $ 54" is two cells, a
deemed-date cell comes and goes), so table rows are read by what each cell
holds and in which order (`ownership_form.add_table_rows`), never by column
position. Layout (tabs, pipes, rules) is `text_tables`' job; what the form's
boxes mean is `ownership_form`'s."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from transforms import ownership_form as of
from transforms.errors import ParseError
from transforms.model import ParsedFiling
from transforms.text_tables import TextRow, read_rows, unwrap
from transforms.values import clean_text, find_accession, is_date_shaped

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


def _first_date(candidates: list[str], where: str) -> dt.date | None:
    for candidate in candidates:
        if is_date_shaped(candidate):
            return of.date_value(candidate, where)
    return None



def _cover_address(lines: list[str], labels: dict[str, tuple[int, int]]) -> of.Address:
    """Street lines sit between '(Last) (First) (Middle)' and '(Street)', the
    city line between '(Street)' and '(City) (State) (Zip)'."""
    top, street_at = labels.get("last_first", (None,))[0], labels.get("street", (None,))[0]
    if top is None or street_at is None or street_at < top:
        return of.Address()
    city_at = labels.get("city", (None,))[0]
    if city_at is not None and city_at < street_at:
        city_at = None
    street_lines = [line.strip() for line in lines[top + 1:street_at] if line.strip()]
    city_line = clean_text(" ".join(lines[street_at + 1:city_at])) if city_at is not None else None
    street1, street2 = of.split_street(clean_text(" ".join(street_lines)), street_lines)
    city, state, zip_code = of.city_state_zip(city_line)
    return of.Address(street1, street2, city, state, zip_code)



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
    address: of.Address
    accession: str | None


def _cover(lines: list[str], stop: int, text: str) -> _Cover:
    form_number, amended = of.form_type(lines, stop)
    labels = _label_positions(lines, stop)
    title_at = labels.get("title", (stop,))[0]
    filed = _first_date([line.strip() for line in lines[:title_at] if line.strip()], "print header date")
    issuer_name = issuer_ticker = None
    if issuer := _value_lines(lines, labels, "issuer", stop):
        issuer_name, issuer_ticker = of.name_and_ticker(issuer[0])
    if issuer_name is None:
        issuer_name = next((h[0] for line in lines if "dgar" in line and (h := of.print_header(line))), None)
    owner = _value_lines(lines, labels, "owner", stop)
    original = _first_date(_value_lines(lines, labels, "amendment", stop, count=2), "date of original filing")
    accession = find_accession(text[:_SNIFF_BYTES])
    return _Cover(
        form_number=form_number,
        is_amendment=amended or original is not None,
        filed_date=filed,
        period=_first_date(_value_lines(lines, labels, "period", stop, count=2), "date of earliest transaction"),
        original_date=original,
        issuer_name=issuer_name,
        issuer_ticker=issuer_ticker or None,
        owner_name=clean_text(owner[0]) if owner else None,
        address=_cover_address(lines, labels),
        accession=accession,
    )


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



def _name_and_address(cell: str, cover: _Cover) -> tuple[str, of.Address]:
    """Split 'NAME STREET CITY, ST ZIP'. The owner named on the cover is known
    by name, and the cover gives its address line by line; any other owner's
    name ends where the address starts (a number, C/O, P.O. Box)."""
    words = cell.split()
    cover_words = cover.owner_name.upper().split() if cover.owner_name else []
    if cover_words and [w.upper() for w in words[:len(cover_words)]] == cover_words:
        rest = " ".join(words[len(cover_words):])
        if any(vars(cover.address).values()) or not rest:
            return cover.owner_name, cover.address
        return cover.owner_name, of.address_from_line(rest)
    split_at = next((i for i in range(1, len(words)) if _ADDRESS_START.match(" ".join(words[i:i + 2]) + " ")),
                    len(words))
    name, rest = " ".join(words[:split_at]), " ".join(words[split_at:])
    return name, of.address_from_line(rest) if rest else of.Address()



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
        is_director, _ = of.relationship_cell(role(row, "director"))
        is_ten, _ = of.relationship_cell(role(row, "ten"))
        is_officer, officer_title = of.relationship_cell(role(row, "officer"))
        is_other, other_text = of.relationship_cell(role(row, "other"))
        of.add_owner(filing, name, address, of.Relationship(is_director, is_officer, is_ten, is_other,
                                                            officer_title, other_text))


def _owner_from_cover(filing: ParsedFiling, cover: _Cover) -> None:
    """Without a Reporting Owners table the cover names one owner; its check marks are not rendered."""
    if cover.owner_name is not None:
        of.add_owner(filing, cover.owner_name, cover.address)



def _remarks(lines: list[str], at: int | None, stop: int) -> str | None:
    return of.remarks_text(lines[at:stop]) if at is not None else None


# --- the filing -------------------------------------------------------------------------
def read(text: str) -> list[ParsedFiling]:
    if not sniff(text):
        raise ParseError("unrecognized_format", "not a text rendering of Form 3, 4 or 5 (no form title or Table I "
                                                "heading in the first 8 KB, or an SGML/XML/HTML document)")
    lines = _plain_lines(text)
    sections = _sections(lines)
    cover = _cover(lines, sections.table_i, text)
    filing = of.filing_row(
        text, cover.form_number, cover.is_amendment, accession=cover.accession, filed_date=cover.filed_date,
        period_of_report=cover.period, date_of_original_submission=cover.original_date,
        issuer_name=cover.issuer_name, issuer_cik=None, issuer_ticker=cover.issuer_ticker, remarks=None)
    total = len(lines)
    of.add_table_rows(filing, of.records(read_rows(lines[sections.table_i + 1:sections.table_ii],
                                                   first_line=sections.table_i + 1)), of.TABLE_I, cover.form_number)
    table_ii_end = sections.end_of(sections.table_ii, total)
    of.add_table_rows(filing, of.records(read_rows(lines[sections.table_ii + 1:table_ii_end],
                                                   first_line=sections.table_ii + 1)), of.TABLE_II, cover.form_number)
    if sections.owners is not None:
        _owners(filing, lines[sections.owners + 1:sections.end_of(sections.owners, total)], sections.owners + 1, cover)
    if not filing.rows.get("reporting_owners"):
        _owner_from_cover(filing, cover)
    if sections.signatures is not None:
        of.add_signatures(filing, lines[sections.signatures + 1:sections.end_of(sections.signatures, total)])
    if sections.explanation is not None:
        of.add_footnotes(filing, lines[sections.explanation + 1:sections.end_of(sections.explanation, total)])
    filing.filing["remarks"] = _remarks(lines, sections.remarks, sections.end_of(sections.remarks or 0, total))
    return [of.finish(filing)]
