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
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, product, repeat
from operator import add

from transforms import flowed_rows
from transforms import ownership_form as of
from transforms.errors import ParseError
from transforms.model import ParsedFiling
from transforms.text_tables import (TextRow, column_cells, first_segment, is_rule, line_style, segment_texts,
                                    segments, spans, split_cells)
from transforms.values import (FOOTNOTE_MARK, check_mark, clean_text, find_accession, holds_digit, is_date_shaped,
                              lower_text, lowers_in_place, strip_footnotes)

FORMAT = "ownership_text_rendering"

_SNIFF_BYTES = 8192
_FOREIGN = re.compile(r"<(?:SEC-DOCUMENT|SEC-HEADER|SUBMISSION|ownershipDocument|html|table|\?xml)\b", re.I)
_FOREIGN_LOWER = re.compile(r"<(?:sec-document|sec-header|submission|ownershipdocument|html|table|\?xml)\b")
_TITLE = re.compile(
    r"STATEMENT\s{1,3}OF\s{1,3}CHANGES\s{1,3}IN\s{1,3}BENEFICIAL\s{1,3}OWNERSHIP"
    r"|INITIAL\s{1,3}STATEMENT\s{1,3}OF\s{1,3}BENEFICIAL\s{1,3}OWNERSHIP"
    r"|ANNUAL\s{1,3}STATEMENT\s{1,3}OF\s{1,3}CHANGES|Table\s{1,3}I\s{0,3}[-\u2013\u2014:]{1,3}\s{0,3}Non-Derivative", re.I)
# _TITLE for ASCII text, lower-cased and without re.I, one pattern a branch: each starts with a
# literal the search skips ahead to (an alternation of them is tried at every place of the text).
_TITLE_LOWER = tuple(re.compile(p) for p in (
    r"statement\s{1,3}of\s{1,3}changes\s{1,3}in\s{1,3}beneficial\s{1,3}ownership",
    r"initial\s{1,3}statement\s{1,3}of\s{1,3}beneficial\s{1,3}ownership",
    r"annual\s{1,3}statement\s{1,3}of\s{1,3}changes", r"table\s{1,3}i\s{0,3}[-\u2013\u2014:]{1,3}\s{0,3}non-derivative"))


def sniff(text: str) -> bool:
    return _sniff_head(text[:_SNIFF_BYTES])


@lru_cache(maxsize=2)
def _sniff_head(head: str) -> bool:
    """`sniff` of a text's head; cached: the registry sniffs a text, then `read` sniffs it again."""
    if lowers_in_place(head):
        low = lower_text(head)
        return (not _FOREIGN_LOWER.search(low) and ("statement" in low or "table" in low)
                and any(branch.search(low) for branch in _TITLE_LOWER))
    return not _FOREIGN.search(head) and bool(_TITLE.search(head))


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
_CUT_PRINT_TIME = re.compile(r"\d{1,2}/\d{2,4},?\s{1,3}\d{1,2}:\d{2}(?::\d{2})?\s{0,3}(?:[AP]M)?\s")
_PAGE_NUMBER = re.compile(r"\d{1,3}\s{0,3}/\s{0,3}\d{1,3}")
# The form's own furniture ends a table: the reminder, the OMB notice and the form number.
# Notes at the foot of the form: a rendering that shows them was not cut off.
_FORM_END = re.compile(r"Note:\s{0,3}File\s{1,3}three|Potential\s{1,3}persons\s{1,3}who|SEC\s{1,3}1474", re.I)
# words without a space first: `in` crawls through a text of spaces seeking a string holding one
_FURNITURE_WORDS = ("reminder", "e.g", "persons who", "sec 14", "e. g")
_FURNITURE = re.compile(r"Reminder:|Persons\s{1,3}who\s{1,3}respond|SEC\s{1,3}1474|\(\s{0,3}e\.\s{0,3}g\.", re.I)
# The same on lower-cased text, one pattern a branch: without re.I or an alternation the search
# skips ahead to each one's first letter (3x quicker); no branch can match inside another's match.
_FURNITURE_LOW = tuple(re.compile(p) for p in (
    r"reminder:", r"persons\s{1,3}who\s{1,3}respond", r"sec\s{1,3}1474", r"\(\s{0,3}e\.\s{0,3}g\."))


_MARKUP = ("<", "](", "*", "\\", "^", "&", "#")


def _line_starts(lines: list[str]) -> list[int]:
    """Where each line starts in the lines joined with '\n', and one place past the end."""
    return list(accumulate(map(add, map(len, lines), repeat(1)), initial=0))  # each line and its '\n', in C


def _holds(text: str, mark: str) -> bool:
    """`mark in text`, for a mark of one or two characters. A two-character mark is looked for
    where its first character stands: str's own search, skipping along by two, takes tens of
    microseconds through a rendering for '](' (its '(' is everywhere), this one a few finds."""
    if len(mark) == 1:
        return mark in text
    at = text.find(mark[0])
    while at >= 0:
        if text.startswith(mark, at):
            return True
        at = text.find(mark[0], at + 1)
    return False


def _lines_holding(text: str, starts: list[int], words: tuple[str, ...]) -> set[int]:
    """Indexes of the lines (`starts` as `_line_starts` gives them; `text` their '\n'-join, or that
    lower-cased) holding any of the words: str.find over the whole text, far quicker than a test
    per line."""
    found = set()
    for word in words:
        at = text.find(word)
        while at >= 0:
            i = bisect_right(starts, at) - 1
            if i >= len(starts) - 1:  # past the last line: lower() lengthened the text ('İ' -> 'i̇')
                break
            found.add(i)
            at = text.find(word, max(starts[i + 1], at + len(word)))  # one hit tells all about its line
    return found


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


def _beside(lines: list[str], i: int, step: int) -> str | None:
    """The nearest line above (step -1) or below (1) line i that holds text, cleaned."""
    j = i + step
    while 0 <= j < len(lines) and not lines[j].strip():
        j += step
    return clean_text(lines[j]) if 0 <= j < len(lines) and abs(j - i) <= 3 else None


def _may_be_title(text: str) -> bool:
    """A page title the print header sets beside the print time: a few words without digits or
    cells, never the form's own title ('FORM 4') or one of its headings."""
    return 0 < len(text.split()) <= 6 and not holds_digit(text) and "|" not in text \
        and CELL_BREAK not in text and not _heading_at(text) and "form" not in text.lower()


def _print_furniture(lines: list[str]) -> set[int]:
    """Lines that are the print header or footer of a page, not the form."""
    titles = set()
    drop = set()
    cut_headers: list[tuple[int, str]] = []  # table rows starting with a print time cut at its left
    for i, line in enumerate(lines):
        if "/" not in line:
            continue  # every header and footer line holds a date, an address or a page number
        text = line.strip(" |" + CELL_BREAK)
        if not text:
            continue
        if "|" in text:  # a header or footer set in a table row: its cells, one space apart
            if not (first := text.replace("|", " ").lstrip()[:1]).isdigit() and first not in "hf":
                continue  # the cells' text starts as no print time, address or page number does (below)
            text = " ".join(cell.strip() for cell in text.split("|") if cell.strip())
            if m := _CUT_PRINT_TIME.match(text):
                cut_headers.append((i, _squash(text[m.end():])))
        if not (first := text[:1]).isdigit() and first not in "hf":
            continue  # a print time and a page number start with a digit, an address with 'http' or 'file'
        if (m := _PRINT_TIME.match(text)) and not text[m.end():m.end() + 1].isdigit():
            drop.add(i)
            if title := clean_text(text[m.end():].strip(" |")):
                titles.add(title)
            else:  # the page title on a line of its own, beside the print time
                titles.update(t for t in (_beside(lines, i, -1), _beside(lines, i, 1)) if t and _may_be_title(t))
        elif (m := _PRINT_ADDRESS.match(text)) and (not text[m.end():].strip() or _PAGE_NUMBER.fullmatch(
                text[m.end():].strip())):
            drop.add(i)
        elif _PAGE_NUMBER.fullmatch(text) and i > 0 and (i - 1 in drop or not lines[i - 1].strip()):
            drop.add(i)
    if titles and cut_headers:
        # a converter cutting the header into a table's cells may lose the date's first digits
        # ('7/26, 4:11 AM' | 'Ow' | 'nership Sub' | 'mission'): its words are the page title's
        squashed = {_squash(title) for title in titles}
        drop.update(i for i, rest in cut_headers if rest in squashed)
    if titles:
        # a line printing a title holds its longest word: only those lines are cleaned and compared
        longest = tuple({max(title.split(" "), key=len) for title in titles})
        holding = _lines_holding("\n".join(lines), _line_starts(lines), longest)
        drop.update(i for i in holding if clean_text(lines[i].strip(" |")) in titles)
    return drop


def _plain_lines(text: str) -> list[str]:
    """Lines without markup or print furniture."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\f" in text:
        text = text.replace("\f", "")  # pdftotext starts each page with a form feed
    lines = text.split("\n")
    if marks := tuple(mark for mark in _MARKUP if _holds(text, mark)):  # plain text needs no per-line clean-up
        # only the lines holding a mark: a page as text marks a few of its lines (w3m's superscripts)
        marked = _lines_holding(text, _line_starts(lines), marks)
        lines = [_unmark(line) if i in marked else line.rstrip(" ") for i, line in enumerate(lines)]
    else:
        lines = [line.rstrip(" ") for line in lines]
    if CELL_BREAK in "\n".join(lines):
        # text laid out with breaks only (pymupdf4llm's picture text) is lines, before the print
        # header and footer are looked for: a page's header may start such a run of lines
        out: list[str] = []
        for line in lines:
            if CELL_BREAK in line and "|" not in line:
                out.extend(part.rstrip() for part in line.split(CELL_BREAK))
            else:
                out.append(line)
        lines = out
    if furniture := _print_furniture(lines):
        # dropped, not blanked: a page break may fall inside a row or an owner's address
        lines = [line for i, line in enumerate(lines) if i not in furniture]
    return lines


# --- sections ----------------------------------------------------------------------------------
# Headings matched on a line squashed to lower-case letters, digits and dashes, so that a
# heading split across cells or wrapped ('Non' | '-Derivativ' | 'e Securities') is found.
_SQUASHED_HEADINGS = (
    ("table_i", re.compile(r"tablei[-\u2013\u2014:]{1,3}non-?derivative")),
    ("table_ii", re.compile(r"tableii[-\u2013\u2014:]{1,3}deriv")),
    ("owners", re.compile(r"reportingowners(?!name)")),
    ("signatures", re.compile(r"signatures:?(?![a-z])")),
    ("explanation", re.compile(r"explanationofresponses")),
    ("remarks", re.compile(r"remarks:|remarks$")),
)
_DROPPED = re.compile(r"[^a-z0-9/\-:\u2013\u2014]+")
_KEPT_RUN = re.compile(r"[a-z0-9/\-:\u2013\u2014]+")
_HEADING_WORDS = ("table", "reporting", "signature", "explanation", "remarks")
# On lower-cased text, without re.I: a literal alternation the search skips along quickly.
_HEADING_HINT = re.compile(r"table\W{0,20}ii?\W|reporting\W{0,20}owners|signatures|explanation\W{0,20}of|remarks")


def _squash(line: str) -> str:
    """The line's letters, digits, dashes and slashes, lower-cased ('Non' | '-Derivativ' ->
    'non-derivativ'; a slash kept tells 'Signatures /s/ ...' from a word going on)."""
    return _DROPPED.sub("", line.lower())


def _place(low: str, kept_index: int, end: int) -> int:
    """Where in a line (`low`, lower-cased) the kept_index-th letter, digit or dash of its squashed
    form stands; `end` (the line's length) past them."""
    left = kept_index
    for m in _KEPT_RUN.finditer(low):  # by runs, not letters: long cell lines have thousands
        if left < m.end() - m.start():
            return m.start() + left
        left -= m.end() - m.start()
    return end


@lru_cache(maxsize=4096)
def _heading_at(line: str) -> tuple[tuple[int, str], ...]:
    """Headings on a line: (place in the line, name). A heading counts where it starts the line
    or a cell, or stands after a wide gap; never inside running text. Cached: every filing
    repeats the form's headings and the lines around them."""
    low = line.lower()  # once: the hint, the squashed line and the places are all read from it
    if not _HEADING_HINT.search(low.replace("|", "") + " "):  # also a heading split across cells
        return ()
    squashed = _DROPPED.sub("", low)  # _squash(line)
    found = []
    for name, pattern in _SQUASHED_HEADINGS:
        for m in pattern.finditer(squashed):
            at = _place(low, m.start(), len(line))
            before = line[:at].rstrip(" *_#" + CELL_BREAK)
            # The table headings are phrases no caption or value holds: found after any space.
            if not before or before.endswith("|") or line[len(before):at].count(" ") >= 2 or \
                    line[len(before):at].count(CELL_BREAK) or (name.startswith("table") and at > len(before)):
                found.append((at, name))
                break
    return tuple(sorted(found))


def _stacked_heading_lines(line: str) -> list[tuple[str, int]]:
    """Headings of a row whose cells each hold several lines, the heading on one of them across
    the cells ('4. If Amendment,<br>Ta' | 'Date Original<br>ble I - Non-'): read line by line,
    counted from the top and from the bottom of the cells. Each with the line it is on (0: the
    top line)."""
    parts = [cell.split(CELL_BREAK) for cell in line.split("|")]
    depth = max(map(len, parts))
    names: list[str] = []
    lines: list[tuple[str, int]] = []
    for k in range(depth):
        for view in ("|".join(p[k] if k < len(p) else "" for p in parts),
                     "|".join(p[len(p) - depth + k] if len(p) - depth + k >= 0 else "" for p in parts)):
            for _, name in _heading_at(view) or _cell_heading(view):
                if name not in names:
                    names.append(name)
                    lines.append((name, k))
    return lines


def _cell_heading(view: str) -> tuple[tuple[int, str], ...]:
    """A heading that is the whole first filled cell of a row's line ('Signatures' | 'Blacks' |
    'tone Holdi'...): the cell's end is the heading's, though the next cell's letters follow."""
    first = next((cell for cell in view.split("|") if cell.strip()), "")
    squashed = _squash(first)
    return next((((0, name),) for name, pattern in _SQUASHED_HEADINGS if pattern.fullmatch(squashed)), ()) \
        if squashed else ()


def _split_headings(lines: list[str]) -> tuple[list[str], list[tuple[int, str]]]:
    """Each heading starts a line of its own: the text before it on its line stays on a line
    before it (a heading inside a box row, or sharing a line with other captions). Returns
    the lines and the (line, heading) of each line a heading starts."""
    out: list[str] = []
    starts: list[tuple[int, str]] = []
    # Lines holding a heading word, found in one search of the whole text; only they are looked at.
    text = "\n".join(lines)
    bare = [line.replace("|", "") for line in lines] if "|" in text else lines
    hinted = _lines_holding(lower_text("\n".join(bare) if bare is not lines else text), _line_starts(bare),
                            _HEADING_WORDS)
    stacked = {i for i, line in enumerate(lines) if CELL_BREAK in line and "|" in line} - hinted \
        if CELL_BREAK in text else set()
    done = 0  # lines before this one are in `out`
    for i in sorted(hinted | stacked):
        line = lines[i]
        headings = _heading_at(line) if i in hinted else ()
        if not headings and CELL_BREAK in line and (found := _stacked_heading_lines(line)):
            if len(found) == 1 and found[0][1] == 0 and not found[0][0].startswith("table"):
                # the heading tops the row: the row is the start of its section (the Reporting
                # Owners heading over the table's own headings, Signatures over a signature)
                out.extend(lines[done:i])
                starts.append((len(out), found[0][0]))
                out.extend(["", line])
                done = i + 1
                continue
            # the row stays where it is; the heading starts after it
            out.extend(lines[done:i + 1])
            done = i + 1
            for name, _ in found:
                starts.append((len(out), name))
            out.append("")
            continue
        if not headings:
            continue
        out.extend(lines[done:i])
        done = i + 1
        start = 0
        for at, name in headings:
            if at > 0 and line[start:at].strip(" |*_#" + CELL_BREAK):
                out.append(line[start:at].rstrip())
                start = at
            starts.append((len(out), name))
        out.append(line[start:])
    out.extend(lines[done:])
    return out, starts


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


def _sections(lines: list[str], starts: list[tuple[int, str]]) -> _Sections:
    found: dict[str, int] = {}
    for i, name in starts:
        if name in found:
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
    if "owners" not in found and any(name == "owners" and i < table_ii for i, name in starts):
        # the Reporting Owners heading printed before Table II (a PDF converter's reading order
        # put it there): the owners start at their table's own headings after Table II
        stop = min((found[k] for k in ("signatures", "explanation", "remarks") if k in found), default=len(lines))
        at = next((i for i in range(table_ii + 1, stop) if _OWNER_HEADING.search(lines[i])), None)
        if at is not None:
            found["owners"] = at
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
    r"|(?P<owner>Name\s+and\s+Address\s+of\s+Reporting(?:\s+Person\(?s?\)?|\s+P[a-z]{0,4}$)?)"
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
# _COVER_LABELS for lower-cased ASCII lines, in two: the labels that open a line (matched at its
# start; they start with a space or '(', the others with a letter, so at most one of the two
# matches there) and the labels found anywhere. Without re.I and without a branch that may start
# with a space, the search skips along to the few letters a label starts with.
_COVER_LINE_LABELS_LOWER = re.compile(
    r"(?P<last_first>\s*\(last\)\s*\(first\)\s*\(middle\))"
    r"|(?P<street>\s*\(street\)\s*$)"
    r"|(?P<city>\s*\(city\)\s*\(state\)\s*\(zip\))")
# The inline labels by name, in the order _COVER_LABELS tries them.
_COVER_INLINE_LABELS_LOWER = {
    "issuer": r"issuer\s+name\s+and\s+ticker\s+or\s+trading\s+symbol",
    "owner": r"name\s+and\s+address\s+of\s+reporting(?:\s+person\(?s?\)?|\s+p[a-z]{0,4}$)?",
    "period": r"(?:date\s+of\s+earliest\s+transaction(?:\s+required\s+to\s+be\s+reported)?"
              r"|date\s+of\s+event\s+requiring\s+statement|statement\s+for\s+issuer'?s\s+fiscal\s+year\s+ended)"
              r"\s*(?:\(\s*month/day/year\s*\))?",
    "amendment": r"if\s+amendment,\s+date\s+(?:of\s+)?original\s+filed\s*(?:\(\s*month/day/year\s*\))?",
    "title": r"securities\s+and\s+exchange\s+commission|statement\s+of\s+changes|initial\s+statement",
}
# Each word an inline label starts with, and the labels that can start with it, as one pattern:
# a match can start only where one of the words stands, and there only these labels can match.
_INLINE_LABEL_STARTS = {word: re.compile("|".join(f"(?P<{name}>{_COVER_INLINE_LABELS_LOWER[name]})" for name in names))
                        for word, names in (("issuer", ("issuer",)), ("name", ("owner",)), ("date", ("period",)),
                                            ("statement", ("period", "title")), ("if", ("amendment",)),
                                            ("securities", ("title",)), ("initial", ("title",)))}


def _cover_labels_lower(line: str):
    """`_COVER_LABELS.finditer` of an ASCII line, on the line lower-cased. The inline labels are
    matched only where a word they start with stands, in order and not overlapping, as finditer
    would find them: its alternation of named groups has no first letter to skip along to, so
    finditer tries it at every place of a wide line."""
    pos = 0
    # the labels that open a line hold a '(' after their indent: the pattern walks the indent
    if line.lstrip()[:1] == "(" and (m := _COVER_LINE_LABELS_LOWER.match(line)):
        yield m
        pos = m.end()
    starts = {}
    for word, pattern in _INLINE_LABEL_STARTS.items():
        at = line.find(word, pos)
        while at >= 0:
            starts[at] = pattern
            at = line.find(word, at + 1)
    for at in sorted(starts):
        if at >= pos and (m := starts[at].match(line, at)):
            yield m
            pos = m.end()


_VALUE_LOOKAHEAD = 6


# A word every cover label holds: an ASCII line with none of them holds no label.
_LABEL_WORDS = ("issuer", "reporting", "date", "statement", "amendment", "(last)", "(street)", "(city)", "securities")
# On lower-cased text, without re.I: one literal alternation beats a scan per word.
_LABEL_WORD = re.compile("|".join(re.escape(word) for word in _LABEL_WORDS))


def _label_positions(lines: list[str], stop: int) -> dict[str, tuple[int, int]]:
    """First (line, end of label) of each cover label."""
    found: dict[str, tuple[int, int]] = {}
    lines = lines[:stop]
    text = "\n".join(lines)
    if lowers_in_place(text):  # lower() keeps every place: the lines holding a label word, in one search
        low = lower_text(text)
        low_lines = low.split("\n")
        for i in sorted(_lines_holding(low, _line_starts(lines), _LABEL_WORDS)):
            for m in _cover_labels_lower(low_lines[i]):
                found.setdefault(m.lastgroup, (i, m.end()))
        return found
    for i, line in enumerate(lines):
        if line.isascii() and not _LABEL_WORD.search(line.lower()):
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
_ROW_BREAK = "| |"
_INLINE_RULE = re.compile(r"\| ?-{3} ?\|")  # a nested table flattened into one line: '| a | b | | c | d |' (a row ends, one starts)
_MD_RULE_CELL = re.compile(r":?-{3,}:?")


_REMINDER = _squash("Reminder: Report on a separate line for each class of securities beneficially owned "
                    "directly or indirectly.")


def _reminder_cut_out(line: str) -> str:
    """A table line whose cells hold, each on a line of its own, the pieces of the form's reminder
    (a converter cutting the page into columns sets the sentence printed under a table's last row
    level with that row: 'Common Stock<br>Reminder: Report on a separate line for each clas' |
    '12/04/2020<br>s of securities bene' | ...): the line without those pieces, or as it was."""
    cells = line.split("|")
    kept: list[str] = []
    done = 0  # letters of the reminder found so far
    for cell in cells:
        pieces = cell.split(CELL_BREAK)
        if done < len(_REMINDER):
            for k, piece in enumerate(pieces):
                squashed = _squash(piece)
                if squashed and (_REMINDER.startswith(squashed, done) if done else
                                 squashed.startswith("reminder") and _REMINDER.startswith(squashed)):
                    done += len(squashed)
                    del pieces[k]
                    break
        kept.append(CELL_BREAK.join(pieces))
    return "|".join(kept) if done == len(_REMINDER) else line


def _region(lines: list[str]) -> list[str]:
    """A table's lines up to the form's furniture below it (reminder, OMB notice); furniture
    above the first value (a subtitle such as '(e.g., puts, calls, ...)') is left out."""
    text = "\n".join(lines)
    low = lower_text(text)
    if not any(word in low for word in _FURNITURE_WORDS):
        return lines
    if "reminder" in low and CELL_BREAK in text:
        for i, line in enumerate(lines):
            if CELL_BREAK in line and "|" in line and "Reminder" in line and (cut := _reminder_cut_out(line)) != line:
                # the table ends with the row printed level with the reminder
                lines = [*lines[:i], cut]
                text = "\n".join(lines)
                low = lower_text(text)
                break
    starts = _line_starts(lines)
    # lower() keeps places, and finds what re.I finds, only where lowers_in_place says so
    found = [m for p in _FURNITURE_LOW for m in p.finditer(low)] if lowers_in_place(text) else _FURNITURE.finditer(text)
    furniture = sorted({bisect_right(starts, m.start()) - 1 for m in found})
    if not furniture:
        return lines
    out = list(lines)
    blanked = set(furniture)
    seen_value = False
    at = 0
    for index in furniture:
        seen_value = seen_value or any(i not in blanked and holds_digit(out[i]) for i in range(at, index))
        at = index
        if seen_value:
            return out[:index]
        out[index] = ""
    return out


def _is_cell_layout(lines: list[str]) -> bool:
    text = "\n".join(lines)
    if not any(bar in text for bar in "|\t\u2502\u2503\u2551"):  # no separator of `line_style` anywhere: one scan
        return False
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
        cells = tuple(c for c in cut[0] if "---" not in c or not _MD_RULE_CELL.fullmatch(c)) if "---" in line \
            else cut[0]
        if any(cells):
            if cut[2] == "pipe" and 2 < len(cells) <= _MAX_CELLS:
                cells = _uncut(cells)
            rows.append(TextRow(cells, first_line + offset, block, cut[2]))
    pieces = [row for row in rows if _pieces_only(row)]
    if pieces:
        rows = [row for row in rows if row not in pieces]
    return _with_pieces(_values_above_title(_centred_rows(rows)), pieces)


def _values_above_title(rows: list[TextRow]) -> list[TextRow]:
    """A PDF table row printed over two lines, its numbers on the line above its title (the
    title and its letters, 'D', on the next): the two lines fill different columns (a footnote
    mark aside), so they are one row, not numbers that finish the row above and a row with no
    numbers."""
    out: list[TextRow] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        below = rows[i + 1] if i + 1 < len(rows) else None
        if below is not None and row.style == below.style == "pipe" and not row.cells[0] and below.cells[0] \
                and below.line_number - row.line_number <= 2 \
                and any(holds_digit(c) for c in row.cells[1:]) \
                and any(below.cells[1:]) and not any(holds_digit(c) for c in below.cells[1:]) \
                and not any(a and b and FOOTNOTE_MARK.sub("", a).strip() for a, b in zip(row.cells, below.cells)):
            # a footnote mark may stand above the letter it marks ('(3)' over 'D'): 'D (3)'
            width = max(len(row.cells), len(below.cells))
            upper = row.cells + ("",) * (width - len(row.cells))
            lower = below.cells + ("",) * (width - len(below.cells))
            cells = tuple(" ".join(filter(None, (lower[c], upper[c]))) for c in range(width))
            out.append(TextRow(cells, row.line_number, row.block, row.style))
            i += 2
            continue
        out.append(row)
        i += 1
    return out


# A form table has at most 15 columns: a row of more cells is no row of the form, and the
# readings that compare cells of rows with each other are not tried on it (they stay linear).
_MAX_CELLS = 64
_WORD_PIECE = re.compile(r"[A-Za-z][A-Za-z ]{0,40}")
_CUT_NUMBER_END = re.compile(r"\d{1,3}(?:,\d{3}){0,4},")  # '1,364,' | '437'
_CUT_NUMBER_REST = re.compile(r"\d{3}(?:,\d{3}){0,4}(?:\.\d{1,6})?|\.\d{1,6}")


def _uncut(cells: tuple[str, ...]) -> tuple[str, ...]:
    """Cells of a PDF table whose converter cut words and numbers at column borders of its own:
    the title's piece in the second cell ('Commo' | 'n Stock'; no column after the title holds
    words alone) joins the title, and a number cut at a separator ('1,364,' | '437', '2,353' |
    '.34') is one number. A cut inside a word leaves no space, a cut at a space drops it: two
    lower-case letters meet inside a word, and two capitals in text written in capitals."""
    out = list(cells)
    piece, _, rest = out[1].partition(CELL_BREAK)
    if out[0] and piece[:1].isalpha() and " " in piece and _WORD_PIECE.fullmatch(piece) and len(piece.split()) > 1 and \
            _WORD_PIECE.fullmatch(out[0].split(CELL_BREAK)[0]) and any(holds_digit(c) for c in out[1:]):
        # the piece stands on the title's first line; the cell's other lines are values of their own
        first, _, more = out[0].partition(CELL_BREAK)
        a, b = first[-1], piece[0]
        inside = a.isalpha() and b.isalpha() and (a.islower() and b.islower() or a.isupper() and b.isupper()
                                                   and first.upper() == first)
        glue = "" if inside else " "
        out[0] = CELL_BREAK.join(filter(None, (first + glue + piece, more)))
        if rest:
            out[1] = rest
        else:
            del out[1]
    if not any(cell[-1:] == "," or cell[:1] == "." for cell in out):
        return tuple(out)
    i = 1
    while i < len(out) - 1:
        left, right = out[i].split(CELL_BREAK)[-1], out[i + 1].split(CELL_BREAK)[0]
        if (_CUT_NUMBER_END.fullmatch(left.split(" ")[-1]) and _CUT_NUMBER_REST.fullmatch(right)) or (
                right[:1] == "." and _CUT_NUMBER_REST.fullmatch(right) and left[-1:].isdigit()):
            out[i:i + 2] = [out[i] + out[i + 1]]
        i += 1
    return tuple(out)


def _centred_rows(rows: list[TextRow]) -> list[TextRow]:
    """Rows of a table whose converter gives each printed line a row of its own (markdown made
    from a PDF): a cell printed over several lines is centred on its row's values (a table cell's
    default), so in each column a row takes as many lines below its values as it has above them;
    the rest of the lines between two rows are the next row's. Lines before the first row's that
    are column headings stay as they are."""
    if any(row.style != "pipe" for row in rows) or any(CELL_BREAK in cell for row in rows for cell in row.cells):
        # rows drawn apart by rules (a box-drawn table: its cells start at the top), or a cell's
        # lines in one row
        return rows
    kinds = ["head" if of.is_column_heading(row) else "text" if of.is_leading_heading(row) else "core"
             for row in rows]
    first = kinds.index("core") if "core" in kinds else len(rows)
    head = first
    while head > 0 and kinds[head - 1] == "text":
        head -= 1
    width = max((len(row.cells) for row in rows[head:]), default=0)
    if "text" not in kinds[head:] or width > _MAX_CELLS:
        return rows  # one line per row (markdown made from HTML), or no row
    out = rows[:head]
    above: list[list[str]] = [[] for _ in range(width)]  # the current row's lines above its values
    below: list[list[str]] = [[] for _ in range(width)]
    core: TextRow | None = None
    gap: list[TextRow] = []

    def flush(next_core: TextRow | None) -> None:
        nonlocal above, below
        upcoming: list[list[str]] = [[] for _ in range(width)]
        for column in range(width):
            pieces = [row.cells[column] for row in gap if column < len(row.cells) and row.cells[column]]
            keep = len(pieces) if next_core is None else len(above[column])
            below[column].extend(pieces[:keep])
            upcoming[column].extend(pieces[keep:])
        if core is not None:
            cells = tuple(" ".join(filter(None, above[c] + [core.cells[c] if c < len(core.cells) else ""] + below[c]))
                          for c in range(width))
            out.append(TextRow(cells, core.line_number, core.block, core.style))
        above, below = upcoming, [[] for _ in range(width)]
        gap.clear()

    for i in range(head, len(rows)):
        if kinds[i] == "core":
            flush(rows[i])
            core = rows[i]
        elif kinds[i] == "text":
            gap.append(rows[i])
        else:
            out.append(rows[i])  # headings again after a page break
    flush(None)
    return out


def _with_pieces(rows: list[TextRow], pieces: list[TextRow]) -> list[TextRow]:
    """A line of a table holding only pieces of a row's tall cells (a price's '$', footnote marks,
    a cell's first or last words: 'See' of 'See Footnote'), printed on a line of its own: it
    goes to the nearest row of values whose cell holds no '$' where the line prints one. A '$'
    stands before its cell's number, a mark after its value, words before the cell's when
    printed above the row and after them when below."""
    for piece_row in pieces:
        signs = [c for c, piece in enumerate(piece_row.cells) if "$" in piece]
        near = [(abs(row.line_number - piece_row.line_number), row.line_number > piece_row.line_number, i)
                for i, row in enumerate(rows) if not of.is_column_heading(row)
                and all(c < len(row.cells) and "$" not in row.cells[c] for c in signs)
                and holds_digit(FOOTNOTE_MARK.sub("", "".join(row.cells)))]
        if not near:
            continue
        i = min(near)[2]
        above = piece_row.line_number < rows[i].line_number
        cells = list(rows[i].cells) + [""] * max(0, len(piece_row.cells) - len(rows[i].cells))
        for c, piece in enumerate(piece_row.cells):
            if not piece:
                continue
            sign, marks = ("$", piece[1:].strip()) if piece[:1] == "$" else ("", piece)
            words = _is_words(marks)
            cell = " ".join(filter(None, (marks, cells[c]) if words and above else (cells[c], marks)))
            cells[c] = " ".join(filter(None, (sign, cell)))
        rows[i] = TextRow(tuple(cells), rows[i].line_number, rows[i].block, rows[i].style)
    return rows


def _pieces_only(row: TextRow) -> bool:
    """A line of a table holding pieces of a row's tall cells only: the first cell empty, the
    others a '$', footnote marks or words, at least one a '$' or a mark; not a row of its own."""
    if not row.cells or row.cells[0]:
        return False  # most rows: one look at the cells
    marked = False
    for cell in row.cells:
        if not cell:
            continue
        bare = FOOTNOTE_MARK.sub("", cell).strip() if "(" in cell or "[" in cell else cell
        if bare in ("", "$"):
            marked = True
        elif not _is_words(cell):
            return False
    return marked


def _fixed_width_rows(lines: list[str], first_line: int) -> list[TextRow]:
    """Rows of fixed-width text, each cut into cells by where its text stands (a cell printed
    over several lines is one cell). Blank lines part rows; where they do not (one row per
    line, or rows printed over several lines with their cells centred on the row), the lines
    holding a row's values are its core and every other line joins a core (`_split_block`)."""
    # Column headings above the first row, however the renderer wrapped them: everything up to
    # the last heading line above the first line holding a row's values.
    first_core = len(lines)
    for i, line in enumerate(lines):
        if bare := line.lstrip():
            indent = len(line) - len(bare)
            if _is_core(line, indent) or _holds_numbers(line, indent):
                first_core = i
                break
    # searched upwards from the first row: the last heading line is the first found
    skip = next((i + 1 for i in range(first_core - 1, -1, -1) if (bare := lines[i].strip()) and (
        _numbered_heading(lines[i]) or of.are_column_headings((bare,)))), 0)
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
            pieces = [_cell_segments(line, at, margin) for at, line in group]
            found = _marks_to_their_cells(column_cells(pieces), pieces)
            cells = tuple(_MARKED_SIGN.sub(r"$ \2 \1", text).rstrip() if "$ (" in text else text
                          for _, _, text in found)
            if found and found[0][0] > margin + _TITLE_COLUMN:
                cells = ("",) + cells  # nothing in the title column: values left over from the row above
            rows.append(TextRow(cells, first_line + group[0][0], 0, "fixed"))
    return rows


def _marks_to_their_cells(found: list[tuple[int, int, str]],
                          pieces: list[list[tuple[int, int, int, str]]]) -> list[tuple[int, int, str]]:
    """A cell of footnote marks alone, on other lines than the cell on its left and starting at
    most two characters after it (a superscript raised onto the line above), is that cell's
    marks; on the same line it is a cell of its own (a date printed as its footnote). `pieces`
    are the lines' segments (line, start, end, text)."""
    def lines_in(start: int, end: int) -> set[int]:
        return {s[0] for line in pieces for s in line if start <= s[1] and s[2] <= end}
    out: list[tuple[int, int, str]] = []
    for start, end, text in found:
        # marks open with '(' or '['; a cell of white space alone has no word that is not one
        if out and start - out[-1][1] <= 2 and ("(" in text or "[" in text or text.isspace()) \
                and all(FOOTNOTE_MARK.fullmatch(w) for w in text.split()) \
                and not lines_in(start, end) & lines_in(out[-1][0], out[-1][1]):
            out[-1] = (out[-1][0], end, f"{out[-1][2]} {text}")
        else:
            out.append((start, end, text))
    return out


_TITLE_COLUMN = 12  # characters: text starting further right is not in the title column
_REACH = 8  # lines: how far a line is compared with the lines of a row above or below it
# A price whose footnote mark stands beside its '$', the number on the line below: '$ (12)' over
# '0.25' reads '$ 0.25 (12)'.
_MARKED_SIGN = re.compile(r"^\$ ((?:\(\d{1,3}\) ?){1,6})(\d[\d,]{0,30}(?:\.\d{1,12})?)$")
_NUMBERED_HEADING = re.compile(r"\s{0,40}\d{1,2}[A-Z]?\.(?!\d)")


def _numbered_heading(line: str) -> bool:
    """`_NUMBERED_HEADING.match(line)`, tried only where a digit follows the indent: the pattern
    walks the indent of each line first (wide tables indent most lines far)."""
    bare = line.lstrip()
    return bare[:1].isdigit() and len(line) - len(bare) <= 40 and _NUMBERED_HEADING.match(line) is not None


def _is_titled(line: str, margin: int) -> bool:
    return len(line) - len(line.lstrip()) <= margin + 1


def _value_count(line: str, margin: int) -> tuple[int, bool]:
    """How many of a row's values a line holds, its title aside, and whether it starts at the
    title column."""
    if "(Instr" in line or _numbered_heading(line):
        return 0, False
    titled = _is_titled(line, margin)
    if not titled:
        words = line.split()
    elif (values := of.split_title(" ".join(line.split()))[1] if holds_digit(line) else ""):
        words = values.split()
    else:  # no values after a title (without a digit, none): the words after the first run of text
        words = line.split()
        words = words[len(first_segment(line).split()):]
    # '$' alone is a price column waiting for its number: not a value of its own; '24,' is a
    # day in running text ('December 24, 2015')
    return sum(of.is_value_word(w) and w != "$" and w[-1:] != "," for w in words), titled


@lru_cache(maxsize=4096)
def _is_value_cell(text: str) -> bool:
    """A cell of values: a number or date, with '$', footnote marks or a lone letter ('69,290 D',
    '$ 19', '08/07/2020(1)'); not text holding a number ('December 24, 2015'). Cached: cells
    ('D', '(1)', a date, a title) repeat line after line."""
    words = text.split()
    return any(_is_number_word(w) and w != "$" for w in words) and all(
        _is_number_word(w) or _is_letter(w) or FOOTNOTE_MARK.fullmatch(w) for w in words)


@lru_cache(maxsize=4096)
def _holds_numbers(line: str, margin: int) -> bool:
    """Whether a line holds a number or date of a row (its title aside)."""
    if "(Instr" in line or not holds_digit(line) or _numbered_heading(line):  # numbers have digits
        return False
    texts = [text for _, _, text in _cell_spans(line, margin)]
    if texts and _is_titled(line, margin):
        values = of.split_title(" ".join(texts[0].split()))[1]
        if any(_is_number_word(w) and w != "$" for w in values.split()):
            return True
        texts = texts[1:]
    return any(_is_value_cell(text) for text in texts)


@lru_cache(maxsize=4096)
def _is_core(line: str, margin: int) -> bool:
    """A line holding a row's values: a title at the left margin and two values, or (the title
    printed above and below, centred on its values) three values."""
    count, titled = _value_count(line, margin)
    return count >= (2 if titled else 3)


Span = tuple[int, int, frozenset[str]]


def _is_letter(word: str) -> bool:
    return len(word) == 1 and word.isupper()


@lru_cache(maxsize=8192)
def _is_number_word(word: str) -> bool:
    """'$', a number or a date ('24,' is a day in running text, not a cell's number)."""
    return word == "$" or (word[-1:] != "," and holds_digit(strip_footnotes(word))
                           and of.is_value_word(word))


def _cell_segments(line: str, line_number: int, margin: int) -> list[tuple[int, int, int, str]]:
    """`_cell_spans` of the line as segments (line, start, end, text) of line `line_number`."""
    return [(line_number, start, end, text) for start, end, text in _cell_spans(line, margin)]


@lru_cache(maxsize=4096)
def _cell_spans(line: str, margin: int) -> tuple[tuple[int, int, str], ...]:
    """The line's runs of text, a run of values right of the title column cut where a number or
    date meets another word by a single space: PDF text closes up neighbouring cells ('81,217
    08/15/2020 Common 81,217'). A '$' keeps the number after it, a number its footnote marks
    and a lone letter (a code, A/D or D/I) its neighbours. A run holding one number is text
    ('By LGI 401 (k) Plan', 'Trust dated December 24, 2015') and stays whole. Footnote marks
    opening a run are the marks of the cell before it (a superscript set apart by a space). A
    number, a lone letter and words ('29 I By Son') are three cells: shares owned, the form of
    ownership and its nature. Marks set apart by two spaces are the marks of the cell before
    them; a title closed up with its price ('Stock Option $ 195.255') is two cells."""
    found: list[tuple[int, int, str]] = []
    title_end = margin + _TITLE_COLUMN
    for start, end, text in spans(line):
        # a mark opens with '(' or '[' (runs hold no space at their ends)
        if found and text[0] in "([" and start - found[-1][1] <= 2 and all(
                FOOTNOTE_MARK.fullmatch(w) for w in text.split(" ")):
            # a superscript mark set one space further off ('66,466 ^(1)'): the cell's own
            found[-1] = (found[-1][0], end, f"{found[-1][2]} {text}")
            continue
        if start <= title_end:
            words = text.split(" ") if " $ " in text else ()
            if len(words) > 2 and words[-2] == "$" and _is_number_word(words[-1]) \
                    and any(c.isalpha() for c in words[-3]):
                # a title closed up with the price beside it ('Stock Option $ 195.255')
                cut = end - len(words[-1]) - 2
                found.append((start, cut - 1, text[:cut - 1 - start]))
                found.append((cut, end, text[cut - start:]))
            else:
                found.append((start, end, text))
            continue
        if " " not in text or "$" not in text and not holds_digit(text):
            found.append((start, end, text))  # one word, or words without a number, '$' or mark: nothing to cut
            continue
        words = text.split(" ")
        several = sum(map(_is_number_word, words)) >= 2
        # 'N D text': a number (or its marks), the ownership letter and the nature of ownership closed up
        owned = {i + 1 for i in range(len(words) - 2) if (_is_number_word(words[i]) and words[i] != "$"
                                                          or FOOTNOTE_MARK.fullmatch(words[i]))
                 and _is_letter(words[i + 1]) and not of.is_value_word(words[i + 2])}
        owned |= {i + 1 for i in owned}
        part = [words[0]]
        for i, (prev, word) in enumerate(zip(words, words[1:]), 1):
            if i in owned or FOOTNOTE_MARK.fullmatch(prev) and not FOOTNOTE_MARK.fullmatch(word) and all(
                    FOOTNOTE_MARK.fullmatch(w) for w in part) or several and prev != "$" and word[:1] != "(" and (
                    _is_number_word(prev) or _is_number_word(word)) and not (_is_letter(prev) or _is_letter(word)):
                piece = " ".join(part)
                found.append((start, start + len(piece), piece))
                start += len(piece) + 1
                part = []
            part.append(word)
        piece = " ".join(part)
        found.append((start, start + len(piece), piece))
    return tuple(found)


@lru_cache(maxsize=4096)
def _filled(line: str, margin: int) -> tuple[Span, ...]:
    """The spans of a line's cells and what each fills: a '$' (a price, or its sign alone,
    waiting for the number), a number (footnote marks are no number: '(1)' goes under any
    value; nor is a day in running text: 'December 24,'); a text fills neither."""
    return tuple((start, end, _fills(text)) for start, end, text in _cell_spans(line, margin))


@lru_cache(maxsize=4096)
def _fills(text: str) -> frozenset[str]:
    """What a cell's text fills (`_filled`); cached: cells ('$', '(1)', 'D', a date) repeat."""
    number = any(_is_number_word(w) and w != "$" for w in text.split())
    return _KINDS["$" in text, text == "$", number, not strip_footnotes(text).strip()]


# The kinds a cell fills by its four tests, each set made once.
_KINDS = {hits: frozenset(k for k, hit in zip(("$", "lone $", "digit", "mark"), hits) if hit)
          for hits in product((False, True), repeat=4)}


def _collisions(spans: Sequence[Span], filled: Sequence[Span]) -> int:
    """Cells of `spans` standing over a cell of `filled` of the same kind: a '$' under a
    price that has its '$', a number under a number. One row fills each column once."""
    return sum(1 for a, b, k in spans for c, d, j in filled if a < d and c < b and k & j)


def _completes(spans: Sequence[Span], filled: Sequence[Span]) -> bool:
    """Whether a number of `spans` stands over or under a '$' of `filled` waiting for it."""
    return any(a < d and c < b and "digit" in k and "lone $" in j for a, b, k in spans for c, d, j in filled)


def _belongs(spans: Sequence[Span], filled: Sequence[Span]) -> int:
    """How well `spans` fit under or over `filled`: footnote marks standing by a cell are its
    marks (+1 each); words standing over a cell's text fill a cell already filled (-1 each)."""
    score = 0
    for a, b, k in spans:
        for c, d, j in filled:
            if a < d and c < b:
                score += 1 if "mark" in k else -1 if not k and not j - {"mark"} else 0
    return score


def _split_block(block: list[tuple[int, str]], margin: int) -> list[list[tuple[int, str]]]:
    """A block of lines cut into rows. Each row has a core: its lines holding values. A row's
    values may land on nearby lines (a PDF's cells sit on slightly different baselines; a title
    wrapped beside its first values), so nearby lines whose cells fill different columns are
    one core, unless each holds a title and the values of a whole row. Cells are centred on
    their row: a line holding values goes to the nearest core, or to the other one when the
    nearest already fills its cells. Between two as near, the one it fills fewer cells of, else
    the one holding a '$' its number completes, else the one its footnote marks stand by and
    its words do not fill twice. A line holding only a piece of text (a wrapped title or nature
    of ownership) between two rows goes where it centres its cell on the upper row."""
    if not block:
        return []
    if sum(_holds_numbers(line, margin) for _, line in block) < 2:
        return [block]  # cores start only at lines holding numbers: one row at most, nothing to cut
    filled = [_filled(line, margin) for _, line in block]
    titled = [_is_titled(line, margin) for _, line in block]
    cores: list[list[int]] = []  # lines of each row's core, in order
    whole: dict[int, bool] = {}  # core lines holding a title and a whole row's values
    for i, (_, line) in enumerate(block):
        if not _holds_numbers(line, margin):
            continue
        strict = _is_core(line, margin)
        if not strict and _inside_text(filled, i):
            continue
        whole[i] = strict and titled[i]
        # the last few lines of a core are enough to compare with: it keeps reading linear
        near = cores[-1][-_REACH:] if cores else []
        if near and near[-1] >= i - 2 and not any(_collisions(filled[i], filled[c]) for c in near) \
                and not (whole[i] and any(whole[c] for c in near)):
            cores[-1].append(i)
        else:
            cores.append([i])
    if len(cores) <= 1:
        return [block]
    groups: list[list[int]] = [[] for _ in cores]
    lone: list[list[int]] = [[] for _ in cores]  # per gap below a core, lines of one piece of text
    k = 0
    for i, (_, line) in enumerate(block):
        while k + 1 < len(cores) and cores[k + 1][0] <= i:
            k += 1
        if i <= cores[k][-1] or k + 1 == len(cores):
            groups[k].append(i)
            continue
        if _is_lone(filled[i], titled[i]):
            lone[k].append(i)
            continue
        before, after = i - cores[k][-1], cores[k + 1][0] - i
        here = sum(_collisions(filled[i], filled[j]) for j in groups[k][-_REACH:])
        there = sum(_collisions(filled[i], filled[j]) for j in cores[k + 1][:_REACH])
        if before != after:
            later = (bool(here) and not there) if before < after else not (there and not here)
        elif here != there:
            later = here > there
        elif (done := any(_completes(filled[i], filled[j]) for j in groups[k][-_REACH:])) != any(
                _completes(filled[i], filled[j]) for j in cores[k + 1][:_REACH]):
            later = not done
        else:
            later = sum(_belongs(filled[i], filled[j]) for j in cores[k][-_REACH:]) < sum(
                _belongs(filled[i], filled[j]) for j in cores[k + 1][:_REACH])
        groups[k + 1 if later else k].append(i)
    for k, lines in enumerate(lone):
        if lines:
            held = [j for j in groups[k] if not _is_lone(filled[j], titled[j])] or cores[k]
            _centre_cells(lines, groups[k], groups[k + 1], (min(held) + max(held), cores[k][0] + cores[k][-1]), filled)
    return [[block[i] for i in sorted(g)] for g in groups if g]


def _inside_text(filled: Sequence[Sequence[Span]], i: int) -> bool:
    """Whether every number of line `i` is a line of a wrapped text cell: the nearest piece
    above it in its column is words, and so is the nearest below, if any ('par' / 'value' /
    '$0.01' / 'Class A')."""
    def text_at(lines, a: int, b: int, end: bool) -> bool:
        for j in lines:
            over = [k for c, d, k in filled[j] if c < b and a < d]
            if over:
                return not any(over)  # words fill no kind; numbers, '$' and marks do
        return end
    numbers = [(a, b) for a, b, k in filled[i] if k & {"digit", "$"}]
    return bool(numbers) and all(text_at(range(i - 1, max(i - 1 - _REACH, -1), -1), a, b, False)
                                 and text_at(range(i + 1, min(i + 1 + _REACH, len(filled))), a, b, True)
                                 for a, b in numbers)


def _is_lone(filled: Sequence[Span], titled: bool) -> bool:
    """A line holding nothing but a piece of a title (footnote marks alone start no title)."""
    return len(filled) == 1 and titled and "mark" not in filled[0][2]


def _centre_cells(lines: list[int], upper: list[int], lower: list[int], middles: tuple[int, int],
                  filled: Sequence[Sequence[Span]]) -> None:
    """Lines of one piece of text between two rows (a wrapped title or nature of ownership),
    column by column, to the upper row (`upper`) or the lower one: cut where the upper row's
    cell in that column is centred on the row's middle. `middles` are two measures of twice
    the middle: the first and last of its lines holding more than a piece of its title, and of
    its core; a cell of an even number of lines is off each by half a line, so the fewer lines
    above the cut, when two cuts are as good."""
    columns: list[list] = []  # [start, end, lines]
    for i in sorted(lines, key=lambda i: filled[i][0][0]):
        a, b, _ = filled[i][0]
        if columns and a < columns[-1][1]:
            columns[-1][1] = max(columns[-1][1], b)
            columns[-1][2].append(i)
        else:
            columns.append([a, b, [i]])
    for a, b, pieces in columns:
        pieces.sort()
        above = [j for j in upper if any(c < b and a < d for c, d, _ in filled[j])]
        top = min(above, default=pieces[0])  # the pieces come after every line above

        def off_centre(cut: int) -> int:
            if not above and not cut:
                return 0
            bottom = pieces[cut - 1] if cut else max(above)
            return sum(abs(top + bottom - middle) for middle in middles)
        cut = min(range(len(pieces) + 1), key=lambda n: (off_centre(n), n))
        upper.extend(pieces[:cut])
        lower.extend(pieces[cut:])


def _table_rows(lines: list[str], first_line: int, part: str, form_number: str) -> list[TextRow]:
    lines = _region(lines)
    if flowed_rows.is_flowed(lines):  # text without column positions: rows by the form's column order
        return flowed_rows.table_rows(lines, first_line, part, form_number)
    if _is_cell_layout(lines):
        return _words_around_rows(_cell_rows(lines, first_line), lines, first_line, part, form_number)
    return _fixed_width_rows(lines, first_line)


def _is_words(line: str) -> bool:
    """A line of words only: no number, '$' or cell separator (a cell's words printed apart)."""
    return not holds_digit(line) and "$" not in line and line_style(line) is None \
        and any(len(w) > 1 and w.isalpha() for w in line.split())


def _words_around_rows(rows: list[TextRow], lines: list[str], first_line: int, part: str,
                       form_number: str) -> list[TextRow]:
    """Markdown rows of a PDF table whose converter printed one column's words as free lines
    around the row ('Common' above it, 'Stock' below it: a tall cell centred on its row): the
    row takes as many such lines below it as it has above it, and their words go where the row
    then fits the form's columns best (an underlying title, a nature of ownership)."""
    if not rows or any(row.style != "pipe" for row in rows):
        return rows
    at = {row.line_number - first_line for row in rows}
    # lines of values only, no title: they finish a row (a price's '$' and a 'D' on a line of their own)
    finishing = {row.line_number - first_line for row in rows if not row.cells[0] and not of.is_column_heading(row)
                 and (any(map(holds_digit, row.cells)) or all(of.is_value_word(w) for c in row.cells
                                                                    for w in c.split()))}

    def words(offset: int, step: int, headed: bool) -> list[int]:  # free word lines beside a row, nearest first
        found = []
        i = offset + step
        while 0 <= i < len(lines) and (i not in at or i in finishing):
            line = lines[i].strip()
            if line_style(line) is not None:
                i += step  # a line of cells read into a row's cells (`_centred_rows`): not free words
                continue
            if line and not is_rule(line) and FOOTNOTE_MARK.sub("", line).strip():
                # above the first row, column headings ('Shares', '(Instr. 5)') end the words
                if not _is_words(line) or headed and of.is_column_heading(TextRow((line,), 0, 0, "pipe")):
                    break
                found.append(i)
            i += step
        return found

    taken: set[int] = set()
    out = []
    headed = True  # no row of values read yet
    for row in rows:
        offset = row.line_number - first_line
        above = [i for i in words(offset, -1, headed) if i not in taken]
        below = words(offset, 1, False)[:len(above)]
        headed = headed and of.is_column_heading(row)
        if not above or len(below) < len(above) or of.is_column_heading(row):
            out.append(row)
            continue
        taken.update(below)
        text = " ".join(lines[i].strip() for i in sorted(above + below))
        title, values = row.cells[0], [c for c in row.cells[1:] if c]
        best = of.row_cost(of.read_record(row), part, form_number)
        chosen = None
        worded = next((k for k, value in enumerate(values) if _is_words(value)), None)
        if worded is not None:
            # the row prints another column's words beside the title: that column is the narrower
            # (an underlying title, a nature of ownership), its words wrap above and below the row
            upper = " ".join(lines[i].strip() for i in sorted(above))
            lower = " ".join(lines[i].strip() for i in sorted(below))
            values[worded] = " ".join(filter(None, (upper, values[worded], lower)))
            out.append(TextRow((title, *values), row.line_number, row.block, row.style))
            continue
        for k in range(len(values) + 1):
            readings = [(title, *values[:k], text, *values[k:])]
            if k < len(values) and not FOOTNOTE_MARK.sub("", values[k]).strip():
                # a mark alone in the row's cell where the words stand: the words' mark
                readings.append((title, *values[:k], f"{text} {values[k]}", *values[k + 1:]))
            for cells in readings:
                cost = of.row_cost(of.read_record(TextRow(cells, row.line_number, row.block, row.style)), part,
                                   form_number)
                if cost is not None and (best is None or cost < best - 1e-9):
                    best, chosen = cost, cells
        out.append(row if chosen is None else TextRow(chosen, row.line_number, row.block, row.style))
    return out



# --- reporting owners ------------------------------------------------------------------
_ADDRESS_START = re.compile(r"(?:\d|C/O\b|P\.?\s?O\.?\s|PO\s{1,3}BOX\b|ONE\s|TWO\s)", re.I)
_ADDRESS_END = re.compile(r",\s{0,3}[A-Za-z]{2}\.?\s{1,3}\d{5}(?:-\d{4})?$")
_SUITE = re.compile(r"(?:SUITE|STE|FLOOR|FL|UNIT|APT|ROOM|BUILDING|BLDG)\b", re.I)


def _looks_like_address(text: str) -> bool:
    text = text.strip()
    return bool(_ADDRESS_START.match(text) or _ADDRESS_END.search(text) or _SUITE.match(text))


_ROLE_HEADINGS = (("director", "director"), ("ten", "10owner"), ("officer", "officer"), ("other", "other"))
_OWNER_HEADING = re.compile(r"Reporting\s{1,3}Owner\s{1,3}Name|Relationships", re.I)
# _OWNER_HEADING on a lower-cased line that lowers in place, one branch a test: with re.I and an
# alternation, the search is tried at every place of a wide line.
_OWNER_NAME_HEADING_LOWER = re.compile(r"reporting\s{1,3}owner\s{1,3}name")


def _is_owner_heading(line: str) -> bool:
    """`_OWNER_HEADING.search(line)`, quicker."""
    if not lowers_in_place(line):
        return _OWNER_HEADING.search(line) is not None
    low = lower_text(line)
    return "relationships" in low or _OWNER_NAME_HEADING_LOWER.search(low) is not None


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




_ROLE_RUN = re.compile(r"(?:director|10owner|officer|other)+")
_ROLE_WORDS = re.compile("|".join(word for _, word in _ROLE_HEADINGS))


def _role_columns(rows: list[list[str]]) -> tuple[list[frozenset[str]], int]:
    """The relationships each cell index stands under, from the heading row that names all four,
    and the row after it. The headings are the row's last cells holding text, nothing but the
    four in order: a converter may set two in one cell ('Director 10% Owner') or cut one across
    two cells ('10% Owne' | 'r Officer'); a heading stands in the cell it starts in."""
    for at, row in enumerate(rows):
        roles = _role_cells(row)
        if roles is None and len(row) <= _MAX_CELLS and any(CELL_BREAK in cell for cell in row) and \
                sum(map(bool, row)) > 1:
            # a row whose cells hold several lines, the headings on one of them (counted from
            # the top or from the bottom of the cells)
            parts = [cell.split(CELL_BREAK) for cell in row]
            depth = max(map(len, parts))
            for k in range(depth):
                for view in ([p[k] if k < len(p) else "" for p in parts],
                             [p[len(p) - depth + k] if len(p) - depth + k >= 0 else "" for p in parts]):
                    if roles is None:
                        roles = _role_cells(view)
                        if roles is not None and _ROLE_RUN.fullmatch(_squash(view[0])) and \
                                _OWNER_HEADING.search(row[0]):
                            # the first heading shares the name heading's cell (on a line of its
                            # own): the cells stand under the headings as they are
                            roles = roles[1:]
        if roles is not None and len(roles) == len(row) + 1 and any(len(r) > 1 for r in roles) and \
                at + 1 < len(rows) and len(rows[at + 1]) == len(row) and rows[at + 1][0] and \
                not _role_cells(rows[at + 1]):
            # the first heading in the name column's cell, a later cell naming several, the owners'
            # rows as many cells as the heading row ('Director' | '10% Owner Officer Other' over
            # name | 'X'): a converter merging the page's cells set that heading in the name
            # column, and the cells stand under the headings as they are (a heading row of one
            # heading a cell lacks the name column's cell, set on the row above: HTML's rowspan)
            roles = roles[1:]
        if roles is not None:
            return roles, at + 1
    return [], 0


def _role_cells(cells: list[str]) -> list[frozenset[str]] | None:
    """`_role_columns` of one row of cells: None unless it is the heading row."""
    if len(cells) > _MAX_CELLS or "director" not in _squash("".join(cells)):
        return None  # no 'Director', whole or cut across cells: no heading row
    squashed = [_squash(c) for c in cells]
    first = next((i for i in range(len(cells)) if squashed[i] and _ROLE_RUN.fullmatch("".join(squashed[i:]))),
                 None)
    if first is None:
        return None
    roles: list[set[str]] = [set() for _ in cells]
    cell = first
    ends = list(accumulate(len(c) for c in squashed[first:]))
    tail = "".join(squashed[first:])
    for m in _ROLE_WORDS.finditer(tail):
        while ends[cell - first] <= m.start():
            cell += 1
        roles[cell].update(name for name, word in _ROLE_HEADINGS if word == m[0])
    if set().union(*roles) != {name for name, _ in _ROLE_HEADINGS}:
        return None
    if first == 0:  # the name column's heading sits on the row above
        roles.insert(0, set())
    return [frozenset(r) for r in roles]


_MARKED = ("director", "ten")  # the columns the page marks with an X; the others print text
_TITLED = ("officer", "other")


def _marks_by_heading(cells: list[str], roles: list[frozenset[str]]) -> dict[str, str | None]:
    """The relationship cells of an owner's row: an X goes to the marked column its cell stands
    under (the nearest, when under none), a title to the titled one; a cell under no heading is
    the column on its left's (a converter cutting a column in two). Under a heading cell naming
    both columns of its kind, where it stood is lost: 'title' keeps a title for the cover's
    boxes to place, a mark is left out (two X's in one cell mark both). Words on a line of a cell holding several lines, under
    a marked column, are the name column's, run on past the cut (marked columns hold X's only)."""
    marks: dict[str, str | None] = dict.fromkeys(_MARKED + _TITLED, "")
    first = next((i for i, r in enumerate(roles) if r), len(roles))
    for i in range(max(1, first), len(cells)):
        left = next((roles[j] for j in range(min(i, len(roles) - 1), -1, -1) if roles[j]), frozenset())
        pieces = cells[i].split(CELL_BREAK)
        for piece in pieces:
            text = clean_text(piece)
            if not text:
                continue
            if text.split() == ["X", "X"]:  # the two marked columns' X's run into one cell: both
                marks.update(director="X", ten="X")
                continue
            mark = check_mark(text) is True
            kinds = _MARKED if mark else _TITLED
            if not mark and len(pieces) > 1 and left and not left & set(_TITLED):
                continue
            under = [name for name in kinds if name in left]
            if not under:
                nearest = [(abs(i - j), name) for j, r in enumerate(roles) for name in kinds if name in r]
                under = [min(nearest)[1]] if nearest else []
            if len(under) == 1:
                marks[under[0]] = "X" if mark else _joined_cut(marks[under[0]], text)
            elif not mark:
                marks["title"] = _joined_cut(marks.get("title") or "", text)
            else:
                marks = {**marks, "director": None, "ten": None}
    return marks


def _joined_cut(left: str, right: str) -> str:
    """Two cells of one column's text: a converter cutting a title at borders of its own ('SVP,
    Bu' | 'siness Dev' | 'elopment') cuts inside words, where two lower-case letters meet."""
    left, right = clean_text(left) or "", clean_text(right) or ""
    if left[-1:].islower() and right[:1].islower():
        return left + right
    return clean_text(f"{left} {right}") or ""


def _name_cells(cells: list[str], roles: list[frozenset[str]]) -> str:
    """The name and address cell of an owner's row. A converter that cuts the name column into
    several cells (each holding a piece of every line) is read line by line across them; a
    cell with fewer lines than the first cell's but one does not start on the top line."""
    first = next((i for i, r in enumerate(roles) if r), 1)
    if first <= 1 or not any(cells[1:first]) or CELL_BREAK not in cells[0]:
        return cells[0]
    lines = cells[0].split(CELL_BREAK)
    for k, cell in enumerate(cells[1:first]):
        pieces = cell.split(CELL_BREAK)
        if k == 0 and len(pieces) == 1 and cell and lines[0][-1:].isupper() and cell[:1].isupper() \
                and lines[0].upper() == lines[0] and cell.upper() == cell and len(lines) > 2:
            # the next cell one line: the rest of the name, cut inside a word written in capitals
            # ('MASSACHUSETTS MUTU' | 'AL LIFE INSURANCE CO'), the address lines not reaching it
            lines[0] += cell
            break
        if not cell or len(pieces) < len(lines) - 1:
            break
        for k, piece in enumerate(pieces[:len(lines)]):
            lines[k] += piece
    return CELL_BREAK.join(lines)


def _relationship(marks: dict[str, str | None]) -> of.Relationship:
    """The Reporting Owners table marks Director and 10% Owner with an X and prints the
    officer's title and the 'other' text: an empty Officer or Other cell cannot tell a
    non-officer from an officer without a title, so it stays None."""
    if marks and all(value is None for value in marks.values()):
        return of.Relationship()  # the layout lost which column a mark stood in
    officer = clean_text(marks.get("officer"))
    other = clean_text(marks.get("other"))
    director, ten = (None if marks.get(name, "") is None else check_mark(marks.get(name) or "") is True
                     for name in _MARKED)
    if title := clean_text(marks.get("title")):
        # a title under one heading cell for Officer and Other: which of the two is not printed
        return of.Relationship(is_director=director, is_ten_percent_owner=ten, officer_title=title)
    return of.Relationship(
        is_director=director, is_ten_percent_owner=ten,
        is_officer=True if officer else None, officer_title=officer if officer and officer.upper() != "X" else None,
        is_other=True if other else None, other_text=other if other and other.upper() != "X" else None)


def _free_line(line: str) -> tuple[str, list[str]]:
    """A line of an owner's block printed outside the table's rows: its name or address text,
    and the relationship cells set apart from it by a wide gap ('37TH FLOOR   X   X   Director
    by Deputization'); a line of X's alone is marks only."""
    parts = segments(line.strip())
    text, cells = parts[0].text, [s.text for s in parts[1:]]
    if all(check_mark(word) is True for word in text.split()):
        return "", text.split() + cells
    text, among = _marks_among_words(text)
    return text, among + cells


def _owner_blocks_cells(lines: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Owner rows of a table with cell separators, and per row the relationship cells printed
    on lines outside it (`_free_line`). Lines without separators belong to the block of a row:
    a name and address printed over several lines, set around the row (centred on it). A block
    ends with its city line: the lines up to it end the owner above, and a block with no row of
    its own (a converter that printed some owners' rows as plain lines) is an owner of its own."""
    rows: list[list[str]] = []
    free: list[list[str]] = []
    pending: list[tuple[str, list[str]]] = []

    def blocks(items: list[tuple[str, list[str]]]) -> list[list[tuple[str, list[str]]]]:
        out: list[list[tuple[str, list[str]]]] = [[]]
        for item in items:
            out[-1].append(item)
            if item[0] and _CITY_LINE.search(item[0]):
                out.append([])
        return out

    def add_block(block: list[tuple[str, list[str]]], into: int | None) -> None:
        texts = [text for text, _ in block if text]
        marks = [cell for _, cells in block for cell in cells]
        if into is None:
            rows.append([CELL_BREAK.join(texts)])
            free.append(marks)
        else:
            rows[into][0] = CELL_BREAK.join(filter(None, [rows[into][0]] + texts))
            free[into].extend(marks)

    def open_above() -> bool:
        """Whether the row above still waits for the rest of its address (its city line)."""
        return bool(rows) and bool(rows[-1][0]) and not _OWNER_HEADING.search(rows[-1][0]) and \
            _role_cells(rows[-1]) is None and not _CITY_LINE.search(rows[-1][0].rsplit(CELL_BREAK, 1)[-1])

    def settle(items: list[tuple[str, list[str]]], closing: bool) -> list[tuple[str, list[str]]]:
        """Give the pending lines to the row above and to owners of their own; what is left
        (after the last city line) starts the next row, or is an owner itself at the end."""
        parts = blocks(items)
        rest = [] if closing else parts.pop()
        for n, block in enumerate(parts):
            if not block:
                continue
            add_block(block, len(rows) - 1 if n == 0 and open_above() else None)
        return rest

    for line in lines:
        if not line.strip() or is_rule(line):
            continue
        cut = split_cells(line)
        if cut is None:
            if not _ROLE_RUN.fullmatch(_squash(line)):  # the relationship headings on a line of their own
                pending.append(_free_line(line))
            continue
        cells = [c for c in cut[0] if not _MD_RULE_CELL.fullmatch(c)]
        if not cells:
            continue
        rest = settle(pending, closing=False) if pending else []
        pending = []
        cells[0] = CELL_BREAK.join(filter(None, [text for text, _ in rest] + [cells[0]]))
        rows.append(cells)
        free.append([cell for _, found in rest for cell in found])
    if pending:
        settle(pending, closing=True)
    return rows, free


def _with_free_marks(marks: dict[str, str | None], found: list[str]) -> dict[str, str | None]:
    """An owner's relationship cells with those printed outside its row (no column to read them
    by): two X's mark Director and 10% Owner, one X either (unknown, unless the row marks one),
    and a text is a title for the cover's boxes to place."""
    if not found:
        return marks
    marks = dict(marks)
    xs = sum(1 for cell in found if check_mark(cell) is True)
    if xs >= 2:
        marks.update(director="X", ten="X")
    elif xs == 1 and not any(marks.get(name) for name in _MARKED):
        marks.update(director=None, ten=None)
    titles = " ".join(cell for cell in found if check_mark(cell) is not True)
    if titles and not any(marks.get(name) for name in _TITLED):
        marks["title"] = clean_text(f"{marks.get('title') or ''} {titles}")
    return marks


# 'DENVER, CO 80237', 'DENVER, CO 80237-1234', or foreign: 'COPENHAGEN O, G7 2100', 'LONDON,, X0 W1K 3JP',
# 'GRAND CAYMAN, E9 KY1-1104', 'CH-1800, VEVEY, V8' (a state or country code, then a post code holding a digit)
_CITY_LINE = re.compile(r",\s{0,3}[A-Za-z0-9]{2}\.?\s{1,3}(?=[A-Z]{0,3}\d)[A-Z0-9]{2,7}(?:[ -][A-Z0-9]{3,4})?$"
                        r"|,[^,]{1,40},\s{0,3}[A-Z0-9]{2}$")


def _owner_rows_fixed(lines: list[str]) -> tuple[list[tuple[str, dict[str, str]]], bool]:
    """Owners of fixed-width text: the heading row gives where each relationship column
    stands; each block of lines is one owner, its first segment per line the name and address."""
    heading_at = None
    columns: list[tuple[str, int]] = []
    for i, line in enumerate(lines):
        squashed = _squash(line)
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
    heading = lines[heading_at]
    before = heading[:columns[0][1]]
    if columns[0][1] <= 2 or (before.strip() and _owner_words(before) and len(before) - len(before.rstrip()) <= 4):
        # The headings stand at the left margin, or after the other headings of the table one space
        # apart: the text lost where its columns were (`_owners_in_reading_order`).
        rest = heading[heading.lower().find("other", columns[-1][1]) + len("other"):].strip()
        return _owners_in_reading_order(([rest] if rest else []) + lines[heading_at + 1:]), True
    owners: list[tuple[str, dict[str, str]]] = []
    block: list[list] = []
    at = dict(columns)
    below = [spans(line) for line in lines[heading_at + 1:]]  # (start, end, text) of each run: cut once, used twice
    shifted = _headings_shifted(below, at)

    def flush() -> None:
        names: list[str] = []
        marks: dict[str, str] = {}
        for segs in block:
            for n, (start, end, text) in enumerate(segs):
                if start < columns[0][1] - 2 and (n == 0 or not shifted):
                    names.append(text)
                    continue
                middle = (start + end) / 2
                if shifted:
                    column = _shifted_column(start, end, text, at)
                elif check_mark(text):
                    # The page marks only Director and 10% Owner with an X (the Officer and Other
                    # columns print text); PDF text squeezes the headings, so the nearer one.
                    marked = [c for c in columns if c[0] in ("director", "ten")] or columns
                    column = min(marked, key=lambda c: abs(c[1] + 4 - middle))[0]
                else:
                    # A title stands where its column starts, or (a renderer that centres cells)
                    # nearest the middle of the Officer or Other heading.
                    column = next((c for c in columns if abs(c[1] - start) <= 1), None) or min(
                        [c for c in columns if c[0] in ("officer", "other")] or columns,
                        key=lambda c: abs(c[1] + 3 - middle))
                    column = column[0]
                marks[column] = clean_text((marks.get(column, "") + " " + text)) or ""
        if names and owners and _looks_like_address(names[0]) and not _CITY_LINE.search(
                owners[-1][0].rsplit(CELL_BREAK, 1)[-1]):
            # the rest of the address above, after a page break (its margin is a blank line)
            owners[-1] = (CELL_BREAK.join([owners[-1][0]] + names), {**owners[-1][1], **marks})
        elif names:
            owners.append((CELL_BREAK.join(names), marks))
        block.clear()

    for offset, line in enumerate(lines[heading_at + 1:] + [""]):
        if line.strip():
            # Owners printed without a blank line between them: an address ends with its
            # city line ('DENVER, CO 80237', 'CH-1800, VEVEY, V8'); the next line is a name.
            if len(block) > 1 and _CITY_LINE.search(" ".join(text for start, _, text in block[-1]
                                                             if start < columns[0][1] - 2)):
                flush()
            block.append(below[offset])
        elif block:
            flush()
    return owners, True


_OWNER_TABLE_WORDS = re.compile(r"relationships|reporting|owner|name|/|address")


def _owner_words(text: str) -> bool:
    """Whether text before the relationship headings is only the table's other headings."""
    return not _OWNER_TABLE_WORDS.sub("", text.lower()).strip()


_LONE_X = re.compile(r"(?<=\S) X(?= \S|$)")


def _marks_among_words(text: str) -> tuple[str, list[str]]:
    """A line of an owner's name or address, and the relationship cells set among its words one
    space apart: an X (two for both marked columns), then a title ('628 MIDDLEFIELD ROAD X
    Secretary and CFO'); words after the X that are the address's own (its city line) stay."""
    m = _LONE_X.search(text)
    if not m:
        return text, []
    words = text[m.end():].split()
    more = next((k for k, word in enumerate(words) if word != "X"), len(words))
    marks = ["X"] * (1 + more)
    after = " ".join(words[more:])
    if after and (_CITY_LINE.search(after) or _looks_like_address(after)):
        return f"{text[:m.start()]} {after}", marks
    return text[:m.start()], marks + ([after] if after else [])


def _owners_in_reading_order(lines: list[str]) -> list[tuple[str, dict[str, str | None]]]:
    """Owners of text in reading order, where the relationship columns were lost: the lines at
    the margin are names and addresses, each owner's ending with its city line. Text set apart
    by a wide gap, or indented, is the relationship cells: an X marks Director or 10% Owner,
    two X's both; any other text is a title, Officer's or Other's (the cover's boxes tell for the
    first owner). An X between an address's words set one space apart is a mark too. A line
    after an owner's city line that ends the table is that owner's title, not an owner: every
    owner prints an address."""
    owners: list[tuple[str, dict[str, str | None]]] = []
    names: list[str] = []
    cells: list[str] = []

    def flush() -> None:
        if not names:
            return
        marks: dict[str, str | None] = dict.fromkeys(("director", "ten", "officer", "other"))
        x_count = sum(1 for cell in cells if check_mark(cell) is True)
        if x_count != 1:  # none: both unchecked; two: both checked; one: which of the two is lost
            marks.update(director="X" if x_count else "", ten="X" if x_count else "")
        if titles := [cell for cell in cells if check_mark(cell) is not True]:
            marks["title"] = " ".join(titles)
        owners.append((CELL_BREAK.join(names), marks))
        names.clear()
        cells.clear()

    present = [line for line in lines if line.strip()]
    for n, line in enumerate(present):
        if line[:1].isspace():
            cells.extend(segment_texts(line))
            continue
        if names and all(word == "X" for word in line.split()):
            cells.extend(line.split())  # marks on a line of their own, between an owner's address lines
            continue
        parts = segments(line)
        text, own = _marks_among_words(parts[0].text)
        own += [s.text for s in parts[1:]]
        if names and _CITY_LINE.search(names[-1]):
            if n == len(present) - 1 and not own and not _looks_like_address(text):
                cells.append(text)  # the last owner's title, on a line of its own
                continue
            flush()
        names.append(text)
        cells.extend(own)
    flush()
    return owners


def _headings_shifted(rows: list[list[tuple[int, int, str]]], at: dict[str, int]) -> bool:
    """Whether the relationship headings stand one column right of their cells (a renderer that
    sets the heading row beside the name heading's rowspan, as lynx does): an X left of the
    Director heading, after a name, or a title starting under Director or 10% Owner. `rows` are
    the lines' runs (start, end, text)."""
    if len(at) < 4:
        return False
    for segs in rows:
        for start, end, text in segs[1:]:
            if not text.strip():
                continue  # a no-break space left of an empty cell
            if check_mark(text) and (start + end) / 2 < at["director"] - 2:
                return True
            if not check_mark(text) and at["director"] - 2 <= start < at["officer"] - 2:
                return True
    return False


# With the headings one column right: each cell stands under the heading of the column after its own.
_SHIFTED = {"director": "ten", "ten": "officer", "officer": "other", "other": "other"}


def _shifted_column(start: int, end: int, text: str, at: dict[str, int]) -> str:
    """The column of a cell when the headings stand one column right of their cells."""
    if check_mark(text):
        # the X of Director stands left of every heading, the X of 10% Owner under Director
        return "director" if (start + end) / 2 < at["director"] - 2 else "ten"
    under = max((name for name in at if at[name] <= start + 2), key=at.get, default="director")
    return _SHIFTED[under] if under != "director" else "officer"


_TITLE_BELOW = re.compile(r"title\s{1,3}below", re.I)


def _cover_title_text(cover_lines: list[str]) -> str:
    """The cover's text under its Officer box ('give title below'), where the page prints the first
    owner's title or 'other' text, run together with whatever else shares those lines."""
    at = next((i for i, line in enumerate(cover_lines) if _TITLE_BELOW.search(line)), None)
    if at is None:
        return ""
    return " ".join(" ".join(line.replace("|", " ").split()) for line in cover_lines[at + 1:at + 5])


_STREET_AND_TITLE_WORDS = 16  # a longer line is no street beside a title: its cuts are not tried


def _titled_line(parts: list[str], cover: _Cover, title_text: str) -> tuple[int, str, str] | None:
    """Where in the first owner's name and address block its title stands: a line between the name
    and the city line that the cover prints under its Officer box, not in the cover's address, or
    the end of such a line whose start is a street (text without column positions sets the title
    cell beside the street's line). The line, the title, what is left of the line."""
    if not title_text or len(parts) < 3:
        return None
    address = " ".join(filter(None, (cover.address.street1, cover.address.street2, cover.address.city)))
    for k in range(1, len(parts) - 1):
        part = " ".join(parts[k].split())
        if len(part) > 2 and part in title_text and part not in address and not _looks_like_address(part):
            return k, part, ""
        words = part.split()
        for cut in range(1, len(words) if len(words) <= _STREET_AND_TITLE_WORDS else 0):
            head, tail = " ".join(words[:cut]), " ".join(words[cut:])
            if len(tail) > 2 and tail in title_text and tail not in address and head not in title_text \
                    and (head in address or _looks_like_address(head)) and not holds_digit(tail) \
                    and not _SUITE.search(tail):  # a title, not the street's end ('AVENUE, 31ST FLOOR')
                return k, tail, head
    return None


def _owners(filing: ParsedFiling, lines: list[str], cover: _Cover, title_text: str = "") -> None:
    # the table's headings on lines of their own go; a line holding the relationship headings too stays
    lines = [line for line in lines if not _is_owner_heading(line) or "|" in line or "Director" in line]
    if _is_cell_layout(lines):
        rows, free = _owner_blocks_cells(lines)
        roles, start = _role_columns(rows)
        owners: list[tuple[str, dict[str, str]]] = []
        for cells, found in zip(rows[start:], free[start:]):
            if _OWNER_HEADING.search(cells[0]) or not cells[0]:
                continue
            if roles:
                marks = _marks_by_heading(cells, roles)
            elif len(cells) >= 5:  # no heading row: the four relationship cells follow the name
                marks = dict(zip(("director", "ten", "officer", "other"), cells[1:5]))
            else:  # fewer cells: the converter dropped empty ones, and where each stood is lost
                marks = _with_free_marks(dict.fromkeys(_MARKED + _TITLED, ""),
                                         [c for c in cells[1:] if c and not _OWNER_HEADING.search(c)])
            marks = _with_free_marks(marks, found)
            if owners and _looks_like_address(cells[0].split(CELL_BREAK)[0]) and (not any(marks.values()) or (
                    not _CITY_LINE.search(owners[-1][0].rsplit(CELL_BREAK, 1)[-1]))):
                # a line of the address of the owner above, in a table drawn line by line (a cell
                # holding a whole block starts with a name), with the row's relationship cells
                # when the owner above still waits for its address
                above = owners[-1][1]
                owners[-1] = (owners[-1][0] + CELL_BREAK + cells[0],
                              {**above, **{k: v for k, v in marks.items() if v}} if any(marks.values()) else above)
                continue
            owners.append((_name_cells(cells, roles) if roles else cells[0], marks))
    else:
        owners, _ = _owner_rows_fixed(lines)
    for name_cell, marks in owners:
        parts = [p.strip() for p in name_cell.split(CELL_BREAK) if p.strip()]
        if not parts:
            continue
        if not filing.rows.get("reporting_owners") and not any(marks.get(k) for k in _TITLED + ("title",)) and \
                (titled := _titled_line(parts, cover, title_text)) is not None:
            # the title's cell set among the address lines (text without column positions): the
            # cover prints the first owner's title too, under its Officer box
            k, title, rest = titled
            marks = {**marks, "title": title}
            if rest:
                parts[k] = rest
            else:
                del parts[k]
        if filing.rows.get("reporting_owners") and marks.get("title"):
            # a title whose column (Officer's or Other's) the layout lost: the cover's boxes tell
            # it for the first owner only; for the others it is not guessed
            marks = {**marks, "title": None}
        if len(parts) > 1:
            name, address = parts[0], _address_lines(parts[1:])
        else:
            name, address = _name_and_address(clean_text(parts[0]) or "", cover)
        if not filing.rows.get("reporting_owners") and cover.owner_name and name != cover.owner_name and \
                len(_squash(name)) >= 3 and _squash(cover.owner_name).startswith(_squash(name)):
            # the table cut the first owner's name (a converter cutting its column into cells);
            # the cover's name box prints it whole
            name = cover.owner_name
        of.add_owner(filing, name, address, _relationship(marks))


def _address_lines(parts: list[str]) -> of.Address:
    """Street lines, then 'CITY, ST ZIP' last."""
    city, state, zip_code = of.city_state_zip(parts[-1])
    street = parts[:-1] if state or zip_code else parts
    if not (state or zip_code):
        city = None
    street1, street2 = of.split_street(clean_text(" ".join(street)), street)
    return of.Address(street1, street2, city, state, zip_code)


# The cover's relationship boxes ('__X__ Director', '_____ 10% Owner', '_____ Officer (give title
# below)', '_____ Other (specify below)'): the page checks them for the first reporting owner. A
# converter may break the caption after its first word or letters ('10%<br>Owner', 'Oth'), so the
# box is read with the caption's start; '_' before it can be cut from the rest of its box, and a
# layout that drops underscores prints a checked box as 'X' and an empty one not at all.
# Found by the caption (a literal the search skips along to), the box read from what stands
# just before it: a box token, or a line or cell start (a caption whose empty box was dropped).
_BOX_CAPTION = re.compile(r"Director|10 ?%|Officer|Oth")
_BOX_BEFORE = re.compile(r"(?<![_X\w])([_X]{1,6}) {0,3}$")
_BARE_CAPTION = re.compile(r"Director(?= ?(?:[\u2028|\n]|$))|10% ?Owner|Officer \(give|Other \(spec")


def _box_reads(text: str):
    """(box token or None, caption) of each relationship box caption in the text."""
    for m in _BOX_CAPTION.finditer(text):
        window = text[max(0, m.start() - 10):m.start()]
        if before := _BOX_BEFORE.search(window):
            if before.start() > 0 or m.start() <= 10:
                yield before[1], m[0]
                continue
        start = m.start() - 1 if text[m.start() - 1:m.start()] == " " else m.start()
        if (start == 0 or text[start - 1] in "\n\u2028|") and _BARE_CAPTION.match(text, m.start()):
            yield None, m[0]


_BOX_NAMES = {"director": "is_director", "10": "is_ten_percent_owner", "of": "is_officer", "ot": "is_other"}


_BOX_END = re.compile(r"[_X]{1,5}(?: ?(?:O|Oth?|D|Dir[a-z]{0,4}|Off[a-z]{0,3}))?$")
_CAPTION_REST = re.compile(r"_{0,5} {0,3}(?:Director|10 ?%|Officer|Other)|(?:t?her|(?:ir)?ector|f?ficer)\b")


def _box_views(line: str) -> list[str]:
    """A cover line, and when its cells each hold several lines, those lines read across the
    cells, counted from the top and from the bottom (a caption cut across cells: '1' | '0% Owner')."""
    if CELL_BREAK not in line or "|" not in line:
        return [line]
    parts = [cell.split(CELL_BREAK) for cell in line.split("|")]
    depth = max(map(len, parts))
    if len(parts) > _MAX_CELLS or depth > _MAX_CELLS:
        return [line]
    views = [line]
    for k in range(depth):
        views.append("".join(p[k] if k < len(p) else "" for p in parts))
        views.append("".join(p[len(p) - depth + k] if len(p) - depth + k >= 0 else "" for p in parts))
    # A converter dropping a cell's empty lines leaves its lines level with neither end of the
    # next cell's: the lines ending in a box or a cut caption ('__X_', '_____ O') and the next
    # cell's lines going on with a caption ('_ 10% Owner', 'ther (specify') pair in order.
    for left, right in zip(parts, parts[1:]):
        ends = [piece for piece in left if _BOX_END.search(piece)]
        goes_on = [piece for piece in right if _CAPTION_REST.match(piece)]
        views.extend(a + b for a, b in zip(ends, goes_on))
    return views


def _cover_boxes(lines: list[str]) -> dict[str, bool]:
    """The four relationship boxes of the cover, each checked or not; empty unless each of the
    four is read, read the same wherever it is read, and one is checked (a layout that loses a
    box or its mark, or text that reads like one, tells nothing sure)."""
    found: dict[str, set[bool]] = {}
    text = "\n".join(lines)
    if "Director" not in text:
        return {}
    # the cover in one search; lines of stacked cells again, read across their cells
    views = [text] + [view for line in lines if CELL_BREAK in line and "|" in line and any(
        word in line for word in ("Director", "10", "Officer", "Oth")) for view in _box_views(line)[1:]] \
        if CELL_BREAK in text else [text]
    whole: dict[str, set[bool]] = {}  # read from a whole box ('_____', '__X__')
    for view in views:
        for token, caption in _box_reads(view):
            caption = caption.lower()
            name = _BOX_NAMES["director" if caption.startswith("d") else caption[:2]]
            found.setdefault(name, set()).add("X" in (token or ""))  # a caption alone: its box dropped
            if token and len(token) == 5:
                whole.setdefault(name, set()).add("X" in token)
    # a box read whole outweighs pieces of boxes that reading cells across may have paired wrongly
    found.update(whole)
    if len(found) < len(_BOX_NAMES) or any(len(values) > 1 for values in found.values()) or \
            not any(True in values for values in found.values()):
        return {}  # an owner has a relationship: no checked box read means its mark was lost
    return {name: values.pop() for name, values in found.items()}


def _owner_from_boxes(filing: ParsedFiling, boxes: dict[str, bool]) -> None:
    """The first owner's relationships as the cover checks them. The Reporting Owners table prints
    the officer's title and the 'other' text in cells a layout without column positions cannot
    place: the cover's boxes tell which of the two the text read for the first owner is."""
    owners = filing.rows.get("reporting_owners")
    if not boxes or not owners:
        return
    first = owners[0]
    # a title cut across the Officer and Other cells is one text when one of the two is checked
    text = clean_text(" ".join(filter(None, (first["officer_title"], first["other_text"]))))
    first.update(boxes)
    if boxes["is_officer"] != boxes["is_other"]:
        first["officer_title"], first["other_text"] = (text, None) if boxes["is_officer"] else (None, text)


def _owner_from_cover(filing: ParsedFiling, cover: _Cover) -> None:
    """Without a Reporting Owners table the cover names one owner (its boxes: `_owner_from_boxes`)."""
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
        cells = cut[0] if cut is not None else segment_texts(line)
        for cell in cells:
            for part in cell.split(CELL_BREAK) if CELL_BREAK in cell else (cell,):
                if (part := part.strip()) and ("---" not in part or not _MD_RULE_CELL.fullmatch(part)):
                    out.append(part)
    return out


_MARK_AMID = re.compile(r" \((\d{1,2})\) ")


def _footnote_lines(lines: list[str]) -> list[str]:
    """Footnote lines with their cells joined ('(1) | text' -> '(1) text'). A note's mark that a
    converter set amid its paragraph's words (the mark stands beside the paragraph's middle
    line, 'The Reporting ... The (1) restricted stock ...') starts the paragraph when no line
    starts that note and it is the next note after those that do."""
    out = []
    for line in lines:
        cut = split_cells(line) if "|" in line or "\t" in line else None
        if cut is not None:
            line = " ".join(c for c in cut[0] if c and not _MD_RULE_CELL.fullmatch(c))
        out.append(line.replace(CELL_BREAK, " "))
    bullets = " -+*\u2022"
    started = {int(start[0][1:]) for line in out if (start := of.footnote_start(line.strip(bullets)))}
    for i, line in enumerate(out):
        m = _MARK_AMID.search(line) if " (" in line else None
        if m is None or not line[:m.start()].strip(bullets) or of.footnote_start(line.strip(bullets)) or \
                line.lstrip().startswith("*"):
            continue
        number = int(m[1])
        if number not in started and number == max((n for n in started if n < number), default=0) + 1:
            out[i] = f"({number}) {line[:m.start()].strip()} {line[m.end():].strip()}"
            started.add(number)
    return out


def _remarks(lines: list[str], at: int | None, stop: int) -> str | None:
    return of.remarks_text(_footnote_lines(lines[at:stop])) if at is not None else None


@lru_cache(maxsize=4096)
def _prints_value(cell: str) -> bool:
    """Whether a table cell holds a value (a date, or a value word of 3 or more characters); cached:
    the cells of column headings, where no row was read, repeat across filings."""
    return any(is_date_shaped(w) or len(w) > 2 and holds_digit(w) and of.is_value_word(w)
               for w in cell.split())


# --- the filing -------------------------------------------------------------------------
def read(text: str) -> list[ParsedFiling]:
    if not sniff(text):
        raise ParseError("unrecognized_format", "not a text rendering of Form 3, 4 or 5 (no form title or Table I "
                                                "heading in the first 8 KB, or an SGML/XML/HTML document)")
    lines, starts = _split_headings(_plain_lines(text))
    sections = _sections(lines, starts)
    cover_lines = _pieces(lines[:sections.table_i]) if any("|" in line for line in lines[:sections.table_i]) \
        else lines[:sections.table_i]
    cover = _cover(cover_lines, len(cover_lines), text)
    filing = of.filing_row(
        text, cover.form_number, cover.is_amendment, accession=cover.accession, filed_date=cover.filed_date,
        period_of_report=cover.period, date_of_original_submission=cover.original_date,
        issuer_name=cover.issuer_name, issuer_cik=None, issuer_ticker=cover.issuer_ticker, remarks=None)
    total = len(lines)
    table_ii_end = sections.end_of(sections.table_ii, total)
    for part, first, end in ((of.TABLE_I, sections.table_i + 1, sections.table_ii),
                             (of.TABLE_II, sections.table_ii + 1, table_ii_end)):
        rows = _table_rows(lines[first:end], first, part, cover.form_number)
        found = of.records(rows)
        if not found and any(_prints_value(cell) for row in rows for cell in row.cells):
            # values printed, no row read: never load the table as empty
            raise ParseError("unreadable_row", f"{part} prints values (line {rows[0].line_number + 1}) but no row "
                                               "of the form could be read from its layout")
        of.add_table_rows(filing, found, part, cover.form_number)
    boxes = _cover_boxes(lines[:sections.table_i])
    if sections.owners is not None:
        # the cover prints the first owner's title under its boxes when Officer or Other is checked
        titled = boxes.get("is_officer") or boxes.get("is_other")
        _owners(filing, lines[sections.owners + 1:sections.end_of(sections.owners, total)], cover,
                _cover_title_text(cover_lines) if titled else "")
    if not filing.rows.get("reporting_owners"):
        _owner_from_cover(filing, cover)
    _owner_from_boxes(filing, boxes)
    if sections.signatures is not None:
        of.add_signatures(filing, _pieces(lines[sections.signatures + 1:sections.end_of(sections.signatures, total)]))
    if sections.explanation is not None:
        end = sections.end_of(sections.explanation, total)
        of.add_footnotes(filing, _footnote_lines(lines[sections.explanation + 1:end]))
    filing.filing["remarks"] = _remarks(lines, sections.remarks, sections.end_of(sections.remarks or 0, total))
    return [of.finish(filing)]
