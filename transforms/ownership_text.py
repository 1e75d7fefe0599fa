"""Text renderings of printed Forms 3, 4, 5 (and /A): cover page, Table I,
Table II, reporting owners, signatures and explanation of responses.

Any text a user holds: the page as text (w3m, lynx, html2text, markitdown) or its
printed PDF as text (pdftotext, pymupdf4llm, markitdown), plain or markdown. The
reader reads layout, not a tool: markup is dropped (emphasis, links, `<br>`,
superscripts), print headers and footers (the print date and page title, the
address and page number) are left out wherever a page break puts them, headings are
found wherever they stand (inside a box row, sharing a line, split across cells),
and table rows come from cell separators (pipes, tabs, box bars) or, in fixed-width
text, from where the text stands (`text_tables.column_cells`), a row printed over
several lines being one row.

Renderers shift, merge and drop table columns ("D $ 54" is one cell, a deemed-date
cell comes and goes), so the values of a row are put in the form's columns by what
each holds and in which order (`ownership_form.add_table_rows`), never by position.
What the form's boxes mean is `ownership_form`'s."""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

from transforms import ownership_form as of
from transforms.errors import ParseError
from transforms.model import ParsedFiling
from transforms.text_tables import TextRow, column_cells, is_rule, line_style, read_rows, segments, split_cells
from transforms.values import check_mark, clean_text, find_accession, is_date_shaped

FORMAT = "ownership_text_rendering"

_SNIFF_BYTES = 8192
_FOREIGN = re.compile(r"<(?:SEC-DOCUMENT|SEC-HEADER|SUBMISSION|ownershipDocument|html|table|\?xml)\b", re.I)
_TITLE = re.compile(
    r"STATEMENT\s{1,3}OF\s{1,3}CHANGES\s{1,3}IN\s{1,3}BENEFICIAL\s{1,3}OWNERSHIP"
    r"|INITIAL\s{1,3}STATEMENT\s{1,3}OF\s{1,3}BENEFICIAL\s{1,3}OWNERSHIP"
    r"|ANNUAL\s{1,3}STATEMENT\s{1,3}OF\s{1,3}CHANGES|Table\s{1,3}I\s{0,3}[-\u2013\u2014:]{1,3}\s{0,3}Non-Derivative", re.I)
# _TITLE for ASCII text, lower-cased and without re.I: a literal start the search can skip to.
_TITLE_LOWER = re.compile(
    r"statement\s{1,3}of\s{1,3}changes\s{1,3}in\s{1,3}beneficial\s{1,3}ownership"
    r"|initial\s{1,3}statement\s{1,3}of\s{1,3}beneficial\s{1,3}ownership"
    r"|annual\s{1,3}statement\s{1,3}of\s{1,3}changes|table\s{1,3}i\s{0,3}[-\u2013\u2014:]{1,3}\s{0,3}non-derivative")


def sniff(text: str) -> bool:
    head = text[:_SNIFF_BYTES]
    if _FOREIGN.search(head):
        return False
    if head.isascii():
        low = head.lower()
        return ("statement" in low or "table" in low) and _TITLE_LOWER.search(low) is not None
    return bool(_TITLE.search(head))


# --- markup and print furniture ------------------------------------------------------------
# `\|` stays escaped: text_tables must not split a cell on it.
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$>~])")
_ESCAPED_STAR = "\x00"
# A line break inside a cell (markdown `<br>`, a cell printed over several lines): white
# space to the value reader (str.split splits on it), a line to the owner and cover readers.
CELL_BREAK = "\u2028"
_BR = re.compile(r"<br\s{0,3}/?>", re.I)
_TAG = re.compile(r"</?(?:sup|sub|u|mark|b|i|em|strong|span|font|small)\b[^<>]{0,200}>|<!--[^<>]{0,200}-->", re.I)
# [text](#F1) -> text: markdown links keep their text only.
_LINK = re.compile(r"\[([^\[\]]{0,300})\]\([^()\s]{0,500}\)")
# Chromium's print header ('12/7/26, 4:13 AM   Page title') and footer (the address, 'n/m').
_PRINT_TIME = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4},?\s{1,3}\d{1,2}:\d{2}(?::\d{2})?\s{0,3}(?:[AP]M)?")
_PRINT_ADDRESS = re.compile(r"(?:https?|file)://\S{1,2000}")
_PAGE_NUMBER = re.compile(r"\d{1,3}\s{0,3}/\s{0,3}\d{1,3}")
# The form's own furniture ends a table: the reminder, the OMB notice and the form number.
# Notes at the foot of the form: a rendering that shows them was not cut off.
_FORM_END = re.compile(r"Note:\s{0,3}File\s{1,3}three|Potential\s{1,3}persons\s{1,3}who|SEC\s{1,3}1474", re.I)
_FURNITURE = re.compile(r"Reminder:|Persons\s{1,3}who\s{1,3}respond|SEC\s{1,3}1474|\(\s{0,3}e\.\s{0,3}g\.", re.I)


def _unmark(line: str) -> str:
    """A line without markdown emphasis, links, heading marks, tags and superscript carets."""
    if "<" in line:
        line = _TAG.sub("", _BR.sub(CELL_BREAK, line))
    if "](" in line:
        line = _LINK.sub(lambda m: m[1], line)
    if "*" in line:
        # Emphasis marks go; outside markdown tables they become spaces, so columns keep their places.
        line = line.replace("\\*", _ESCAPED_STAR).replace("*", "" if "|" in line else " ").replace(_ESCAPED_STAR, "\\*")
    if "\\" in line:
        line = _MD_ESCAPE.sub(lambda m: m[1], line)
    if "^" in line:
        line = line.replace("^", " ")  # w3m prints a superscript '(1)' as '^(1)'; columns keep their places
    if "&" in line:
        line = html.unescape(line)
    if line[:1] == "#":
        line = line.lstrip("# ")
    return line.rstrip(" ")


def _print_furniture(lines: list[str]) -> set[int]:
    """Lines that are the print header or footer of a page, not the form."""
    titles = set()
    drop = set()
    for i, line in enumerate(lines):
        text = line.strip(" |" + CELL_BREAK)
        if not text:
            continue
        if (m := _PRINT_TIME.match(text)) and not text[m.end():m.end() + 1].isdigit():
            drop.add(i)
            if title := clean_text(text[m.end():].strip(" |")):
                titles.add(title)
        elif (m := _PRINT_ADDRESS.match(text)) and (not text[m.end():].strip() or _PAGE_NUMBER.fullmatch(
                text[m.end():].strip())):
            drop.add(i)
        elif _PAGE_NUMBER.fullmatch(text) and i > 0 and (i - 1 in drop or not lines[i - 1].strip()):
            drop.add(i)
    if titles:
        drop.update(i for i, line in enumerate(lines) if clean_text(line.strip(" |")) in titles)
    return drop


def _plain_lines(text: str) -> list[str]:
    """Lines without markup or print furniture (a dropped line leaves an empty line)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_unmark(line) for line in text.split("\n")]
    for i in _print_furniture(lines):
        lines[i] = ""
    out: list[str] = []
    for line in lines:
        if CELL_BREAK in line and "|" not in line:
            out.extend(part.rstrip() for part in line.split(CELL_BREAK))  # text laid out with breaks only
        else:
            out.append(line)
    return out


# --- sections ----------------------------------------------------------------------------------
# Headings matched on a line squashed to lower-case letters, digits and dashes, so that a
# heading split across cells or wrapped ('Non' | '-Derivativ' | 'e Securities') is found.
_SQUASHED_HEADINGS = (
    ("table_i", re.compile(r"tablei[-\u2013\u2014:]{1,3}non-?derivative")),
    ("table_ii", re.compile(r"tableii[-\u2013\u2014:]{1,3}derivative")),
    ("owners", re.compile(r"reportingowners(?!name)")),
    ("signatures", re.compile(r"signatures:?(?![a-z])")),
    ("explanation", re.compile(r"explanationofresponses")),
    ("remarks", re.compile(r"remarks:|remarks$")),
)
_KEEP = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-:\u2013\u2014")


def _squash(line: str) -> tuple[str, list[int]]:
    """The line's letters, digits and dashes, lower-cased, with each one's place in the line."""
    chars, places = [], []
    for i, ch in enumerate(line):
        low = ch.lower()
        if low in _KEEP:
            chars.append(low)
            places.append(i)
    return "".join(chars), places


def _heading_at(line: str) -> list[tuple[int, str]]:
    """Headings on a line: (place in the line, name). A heading counts where it starts the line
    or a cell, or stands after a wide gap; never inside running text."""
    low = line.lower()
    if not any(word in low for word in ("table", "reporting", "signature", "explanation", "remarks")):
        return []
    squashed, places = _squash(line)
    found = []
    for name, pattern in _SQUASHED_HEADINGS:
        for m in pattern.finditer(squashed):
            at = places[m.start()]
            before = line[:at].rstrip(" *_#" + CELL_BREAK)
            # The table headings are phrases no caption or value holds: found after any space.
            if not before or before.endswith("|") or line[len(before):at].count(" ") >= 2 or \
                    line[len(before):at].count(CELL_BREAK) or (name.startswith("table") and at > len(before)):
                found.append((at, name))
                break
    return sorted(found)


def _split_headings(lines: list[str]) -> list[str]:
    """Each heading starts a line of its own: the text before it on its line stays on a line
    before it (a heading inside a box row, or sharing a line with other captions)."""
    out: list[str] = []
    for line in lines:
        cuts = [at for at, _ in _heading_at(line) if at > 0 and line[:at].strip(" |*_#" + CELL_BREAK)]
        start = 0
        for at in cuts:
            out.append(line[start:at].rstrip())
            start = at
        out.append(line[start:])
    return out


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
        for at, name in _heading_at(line):
            if at > 0 and line[:at].strip(" |*_#" + CELL_BREAK) or name in found:
                continue
            # Table II comes after Table I; everything else after Table II.
            if name == "table_i" or ("table_i" in found and (name == "table_ii" or "table_ii" in found)):
                found[name] = i
    table_i = found.get("table_i")
    if table_i is None:
        raise ParseError("truncated", "the rendering has a Form 3/4/5 title but no 'Table I - Non-Derivative "
                                      "Securities' heading: it stops before the tables")
    table_ii = found.get("table_ii")
    if table_ii is None:
        raise ParseError("truncated", "the rendering stops before 'Table II - Derivative Securities' "
                                      f"(Table I heading on line {table_i + 1}, no Table II heading after it)")
    rest = [found.get(k) for k in ("owners", "signatures", "explanation", "remarks")]
    if all(i is None for i in rest) and not any(_FORM_END.search(line) for line in lines[table_ii + 1:]):
        raise ParseError("truncated", "the rendering stops inside Table II: no reporting owners, signature, "
                                      "explanation of responses, remarks or form notes after its heading")
    return _Sections(table_i, table_ii, *rest)


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



# --- table rows -------------------------------------------------------------------------------------
_HAS_DIGIT = re.compile(r"\d")
_ROW_BREAK = "| |"
_INLINE_RULE = re.compile(r"\| ?-{3} ?\|")  # a nested table flattened into one line: '| a | b | | c | d |' (a row ends, one starts)
_MD_RULE_CELL = re.compile(r":?-{3,}:?")


def _region(lines: list[str]) -> list[str]:
    """A table's lines up to the form's furniture below it (reminder, OMB notice)."""
    out: list[str] = []
    for line in lines:
        if _FURNITURE.search(line):
            if any(_HAS_DIGIT.search(kept) for kept in out):
                break
            continue  # a subtitle under the heading ('(e.g., puts, calls, ...)')
        out.append(line)
    return out


def _is_cell_layout(lines: list[str]) -> bool:
    return any(line_style(line) is not None for line in lines if line.strip())


def _cell_rows(lines: list[str], first_line: int) -> list[TextRow]:
    """Rows of a table with cell separators; a nested table flattened into one markdown line
    ('| a | b | | c | d |') gives one row per inner row."""
    split: list[tuple[int, str]] = []
    for offset, line in enumerate(lines):
        if line.count(_ROW_BREAK) > 1 and _INLINE_RULE.search(line, 3):
            split.extend((offset, "|" + part + "|") for part in line.split(_ROW_BREAK))
        else:
            split.append((offset, line))
    rows = []
    block = 0
    for offset, line in split:
        if is_rule(line):
            block += 1
            continue
        cut = split_cells(line)
        if cut is None:
            continue
        cells = tuple(c for c in cut[0] if not _MD_RULE_CELL.fullmatch(c))
        if any(cells):
            rows.append(TextRow(cells, first_line + offset, block, cut[2]))
    return rows


def _fixed_width_rows(lines: list[str], first_line: int) -> list[TextRow]:
    """Rows of fixed-width text, each cut into cells by where its text stands (a cell printed
    over several lines is one cell). Blank lines part rows; where they do not (one row per
    line, or rows printed over several lines with their title centred on the values), a row
    is a line starting with a title and holding values, with the lines around it up to half
    way to the next such line."""
    # Column headings above the first row, however the renderer wrapped them: everything up to
    # the last heading line above the first line holding a row's values.
    first_core = next((i for i, line in enumerate(lines) if line.strip()
                       and _is_core(line, len(line) - len(line.lstrip()))), len(lines))
    skip = max((i + 1 for i, line in enumerate(lines[:first_core]) if line.strip() and (
        _NUMBERED_HEADING.match(line) or of.is_column_heading(TextRow((line.strip(),), i, 0, "fixed")))), default=0)
    blocks: list[list[tuple[int, str]]] = [[]]
    for offset, line in enumerate(lines):
        if offset < skip:
            continue
        if line.strip() and not is_rule(line):
            blocks[-1].append((offset, line))
        elif blocks[-1]:
            blocks.append([])
    present = [line for block in blocks for _, line in block]
    margin = min((len(line) - len(line.lstrip()) for line in present), default=0)
    rows: list[TextRow] = []
    for block in blocks:
        for group in _split_block(block, margin):
            cells = tuple(text for _, _, text in column_cells([segments(line, at) for at, line in group]))
            rows.append(TextRow(cells, first_line + group[0][0], 0, "fixed"))
    return rows


_NUMBERED_HEADING = re.compile(r"\s{0,40}\d{1,2}[A-Z]?\.(?!\d)")


def _is_core(line: str, margin: int) -> bool:
    """A line that starts with a title at the left margin and holds at least two values."""
    if len(line) - len(line.lstrip()) > margin + 1 or "(Instr" in line or _NUMBERED_HEADING.match(line):
        return False
    title, values = of.split_title(" ".join(line.split()))
    if not values:
        words = line.split()
        first = segments(line)[0].text.split() if line.strip() else []
        values = " ".join(words[len(first):])
    # '$' alone is a price column waiting for its number: not a value of its own
    return sum(of.is_value_word(w) and w != "$" for w in values.split()) >= 2


def _split_block(block: list[tuple[int, str]], margin: int) -> list[list[tuple[int, str]]]:
    if not block:
        return []
    cores = [i for i, (_, line) in enumerate(block) if _is_core(line, margin)]
    if len(cores) <= 1:
        return [block]
    groups: list[list[tuple[int, str]]] = [[] for _ in cores]
    for i, item in enumerate(block):
        # the core at or before the line, unless the next core is nearer (titles centred on their values)
        k = max((n for n, c in enumerate(cores) if c <= i), default=0)
        if k + 1 < len(cores) and cores[k + 1] - i < i - cores[k]:
            k += 1
        groups[k].append(item)
    return [g for g in groups if g]


def _table_rows(lines: list[str], first_line: int) -> list[TextRow]:
    lines = _region(lines)
    if _is_cell_layout(lines):
        return _cell_rows(lines, first_line)
    return _fixed_width_rows(lines, first_line)



# --- reporting owners ------------------------------------------------------------------
_ADDRESS_START = re.compile(r"(?:\d|C/O\b|P\.?\s?O\.?\s|PO\s{1,3}BOX\b|ONE\s|TWO\s)", re.I)
_ADDRESS_END = re.compile(r",\s{0,3}[A-Za-z]{2}\.?\s{1,3}\d{5}(?:-\d{4})?$")
_SUITE = re.compile(r"(?:SUITE|STE|FLOOR|FL|UNIT|APT|ROOM|BUILDING|BLDG)\b", re.I)


def _looks_like_address(text: str) -> bool:
    text = text.strip()
    return bool(_ADDRESS_START.match(text) or _ADDRESS_END.search(text) or _SUITE.match(text))


_ROLE_HEADINGS = (("director", "director"), ("ten", "10owner"), ("officer", "officer"), ("other", "other"))
_OWNER_HEADING = re.compile(r"Reporting\s{1,3}Owner\s{1,3}Name|Relationships", re.I)


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




def _role_columns(rows: list[list[str]]) -> tuple[dict[str, int], int]:
    """Cell index of each relationship column, from the heading row that names them."""
    for at, cells in enumerate(rows):
        squashed = [_squash(c)[0] for c in cells]
        positions = {}
        for name, word in _ROLE_HEADINGS:
            hit = next((i for i, c in enumerate(squashed) if c == word), None)
            if hit is not None:
                positions[name] = hit
        if len(positions) == len(_ROLE_HEADINGS):
            if positions["director"] == 0:  # the name column's heading sits on the row above
                positions = {name: i + 1 for name, i in positions.items()}
            return positions, at + 1
    return {}, 0


def _relationship(marks: dict[str, str]) -> of.Relationship:
    """The Reporting Owners table marks Director and 10% Owner with an X and prints the
    officer's title and the 'other' text: an empty Officer or Other cell cannot tell a
    non-officer from an officer without a title, so it stays None."""
    officer = clean_text(marks.get("officer"))
    other = clean_text(marks.get("other"))
    return of.Relationship(
        is_director=check_mark(marks.get("director", "")) is True,
        is_ten_percent_owner=check_mark(marks.get("ten", "")) is True,
        is_officer=True if officer else None, officer_title=officer if officer and officer.upper() != "X" else None,
        is_other=True if other else None, other_text=other if other and other.upper() != "X" else None)


def _owner_blocks_cells(lines: list[str]) -> list[list[str]]:
    """Owner rows of a table with cell separators. Lines without separators before a row
    are the first lines of its first cell (a name and address printed over several lines)."""
    rows: list[list[str]] = []
    pending: list[str] = []
    for line in lines:
        if not line.strip() or is_rule(line):
            continue
        cut = split_cells(line)
        if cut is None:
            pending.append(line.strip())
            continue
        cells = [c for c in cut[0] if not _MD_RULE_CELL.fullmatch(c)]
        if pending and cells:
            cells[0] = CELL_BREAK.join(pending + [cells[0]])
            pending = []
        rows.append(cells)
    if pending:
        rows.append([CELL_BREAK.join(pending)])
    return rows


def _owner_rows_fixed(lines: list[str]) -> tuple[list[tuple[str, dict[str, str]]], bool]:
    """Owners of fixed-width text: the heading row gives where each relationship column
    stands; each block of lines is one owner, its first segment per line the name and address."""
    heading_at = None
    columns: list[tuple[str, int]] = []
    for i, line in enumerate(lines):
        squashed = _squash(line)[0]
        if "director" in squashed and "officer" in squashed:
            heading_at = i
            low = line.lower()
            for name, word in (("director", "director"), ("ten", "10%"), ("officer", "officer"), ("other", "other")):
                if (at := low.find(word)) >= 0:
                    columns.append((name, at))
            break
    if heading_at is None:
        return [], False
    columns.sort(key=lambda c: c[1])
    owners: list[tuple[str, dict[str, str]]] = []
    block: list[list] = []
    for offset, line in enumerate(lines[heading_at + 1:] + [""]):
        if line.strip():
            block.append(segments(line, offset))
            continue
        if not block:
            continue
        names: list[str] = []
        marks: dict[str, str] = {}
        for segs in block:
            for s in segs:
                if s.start < columns[0][1] - 2:
                    names.append(s.text)
                    continue
                column = max((c for c in columns if c[1] <= s.start + 2), key=lambda c: c[1], default=columns[0])
                marks[column[0]] = clean_text((marks.get(column[0], "") + " " + s.text)) or ""
        if names:
            owners.append((CELL_BREAK.join(names), marks))
        block = []
    return owners, True


def _owners(filing: ParsedFiling, lines: list[str], cover: _Cover) -> None:
    lines = [line for line in lines if not _OWNER_HEADING.search(line) or "|" in line]
    if _is_cell_layout(lines):
        rows = _owner_blocks_cells(lines)
        positions, start = _role_columns(rows)
        owners: list[tuple[str, dict[str, str]]] = []
        for cells in rows[start:]:
            if _OWNER_HEADING.search(cells[0]) or not cells[0]:
                continue
            if positions:
                marks = {name: cells[at] if at < len(cells) else "" for name, at in positions.items()}
            else:  # no heading row: the four relationship cells follow the name
                marks = dict(zip(("director", "ten", "officer", "other"), cells[1:5]))
            if owners and not any(marks.values()) and _looks_like_address(cells[0]):
                # a line of the address of the owner above, in a table drawn line by line
                owners[-1] = (owners[-1][0] + CELL_BREAK + cells[0], owners[-1][1])
                continue
            owners.append((cells[0], marks))
    else:
        owners, _ = _owner_rows_fixed(lines)
    for name_cell, marks in owners:
        parts = [p.strip() for p in name_cell.split(CELL_BREAK) if p.strip()]
        if not parts:
            continue
        if len(parts) > 1:
            name, address = parts[0], _address_lines(parts[1:])
        else:
            name, address = _name_and_address(clean_text(parts[0]) or "", cover)
        of.add_owner(filing, name, address, _relationship(marks))


def _address_lines(parts: list[str]) -> of.Address:
    """Street lines, then 'CITY, ST ZIP' last."""
    city, state, zip_code = of.city_state_zip(parts[-1])
    street = parts[:-1] if state or zip_code else parts
    if not (state or zip_code):
        city = None
    street1, street2 = of.split_street(clean_text(" ".join(street)), street)
    return of.Address(street1, street2, city, state, zip_code)


def _owner_from_cover(filing: ParsedFiling, cover: _Cover) -> None:
    """Without a Reporting Owners table the cover names one owner; its check marks are not rendered."""
    if cover.owner_name is not None:
        of.add_owner(filing, cover.owner_name, cover.address)


# --- signatures, footnotes, remarks ----------------------------------------------------------------
def _pieces(lines: list[str]) -> list[str]:
    """The texts of a block in reading order: each cell, each part of a cell printed over
    several lines and each run of text set apart by a wide gap on its own line."""
    out: list[str] = []
    for line in lines:
        if not line.strip() or is_rule(line):
            continue
        cut = split_cells(line)
        cells = cut[0] if cut is not None else [s.text for s in segments(line)]
        for cell in cells:
            for part in cell.split(CELL_BREAK):
                if (part := part.strip()) and not _MD_RULE_CELL.fullmatch(part):
                    out.append(part)
    return out


def _footnote_lines(lines: list[str]) -> list[str]:
    """Footnote lines with their cells joined ('(1) | text' -> '(1) text')."""
    out = []
    for line in lines:
        cut = split_cells(line) if "|" in line or "\t" in line else None
        if cut is not None:
            line = " ".join(c for c in cut[0] if c and not _MD_RULE_CELL.fullmatch(c))
        out.append(line.replace(CELL_BREAK, " "))
    return out


def _remarks(lines: list[str], at: int | None, stop: int) -> str | None:
    return of.remarks_text(_footnote_lines(lines[at:stop])) if at is not None else None


# --- the filing -------------------------------------------------------------------------
def read(text: str) -> list[ParsedFiling]:
    if not sniff(text):
        raise ParseError("unrecognized_format", "not a text rendering of Form 3, 4 or 5 (no form title or Table I "
                                                "heading in the first 8 KB, or an SGML/XML/HTML document)")
    lines = _split_headings(_plain_lines(text))
    sections = _sections(lines)
    cover_lines = _pieces(lines[:sections.table_i]) if any("|" in line for line in lines[:sections.table_i]) \
        else lines[:sections.table_i]
    cover = _cover(cover_lines, len(cover_lines), text)
    filing = of.filing_row(
        text, cover.form_number, cover.is_amendment, accession=cover.accession, filed_date=cover.filed_date,
        period_of_report=cover.period, date_of_original_submission=cover.original_date,
        issuer_name=cover.issuer_name, issuer_cik=None, issuer_ticker=cover.issuer_ticker, remarks=None)
    total = len(lines)
    table_i = lines[sections.table_i + 1:sections.table_ii]
    of.add_table_rows(filing, of.records(_table_rows(table_i, sections.table_i + 1)), of.TABLE_I,
                      cover.form_number)
    table_ii_end = sections.end_of(sections.table_ii, total)
    table_ii = lines[sections.table_ii + 1:table_ii_end]
    of.add_table_rows(filing, of.records(_table_rows(table_ii, sections.table_ii + 1)), of.TABLE_II,
                      cover.form_number)
    if sections.owners is not None:
        _owners(filing, lines[sections.owners + 1:sections.end_of(sections.owners, total)], cover)
    if not filing.rows.get("reporting_owners"):
        _owner_from_cover(filing, cover)
    if sections.signatures is not None:
        of.add_signatures(filing, _pieces(lines[sections.signatures + 1:sections.end_of(sections.signatures, total)]))
    if sections.explanation is not None:
        end = sections.end_of(sections.explanation, total)
        of.add_footnotes(filing, _footnote_lines(lines[sections.explanation + 1:end]))
    filing.filing["remarks"] = _remarks(lines, sections.remarks, sections.end_of(sections.remarks or 0, total))
    return [of.finish(filing)]
