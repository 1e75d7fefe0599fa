"""Rows and cells of tables drawn in plain text.

Knows only layout, no filing semantics: tab-separated columns, markdown pipe
tables (`| a | b |` with `|---|` separators), box-drawing tables (`│`, `┃`,
`|` with `+---+` or `├──┤` rules) and legacy fixed-width tables whose rows end
in `|`. Rule lines split a table into blocks; `unwrap` joins the lines of a
wrapped row back into one row.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import NamedTuple

_BOX_BARS = "│┃║"
_BOX_SPLIT = re.compile(f"[{_BOX_BARS}]")
_PIPE_SPLIT = re.compile(r"(?<!\\)\|")
_BARS = _BOX_BARS + "|"
_MAX_INDENT = 3
# A rule is made only of border and line characters, with a run of at least 3 line characters.
_RULE_CHARS = re.compile(
    r"^[\s|+:=_\-─━═├┼┤┬┴└┘┌┐╋┣┫┳┻╔╗╚╝╠╣╦╩╬│┃║]+$")
_RULE_RUN = re.compile(r"[-─━═_=]{3,}")
# What a rule's first character other than white space can be: most lines fail on it, without the
# pattern's walk over their indent.
_RULE_FIRST = frozenset("|+:=_-─━═├┼┤┬┴└┘┌┐╋┣┫┳┻╔╗╚╝╠╣╦╩╬│┃║")


@dataclass(frozen=True)
class TextRow:
    """One line of a text table split into cells (stripped, escapes removed).

    `filled[i]` says the text of cell i reached its right border with no padding:
    in fixed-width tables such a cell was probably cut in the middle of a word."""

    cells: tuple[str, ...]
    line_number: int  # 0-based line of the input
    block: int  # number of rule lines above the row
    style: str  # "tab", "pipe" or "box"
    filled: tuple[bool, ...] = ()

    @property
    def is_blank(self) -> bool:
        return not any(self.cells)


def is_rule(line: str) -> bool:
    """`+---+---+`, `├──┼──┤`, `|---|:---:|`, `_____|`, `- -----|`."""
    if line.lstrip()[:1] not in _RULE_FIRST:
        return False
    return bool(_RULE_CHARS.match(line)) and bool(_RULE_RUN.search(line))


def line_style(line: str) -> str | None:
    """How the line separates its cells, or None when it has no separator."""
    if "│" in line or "┃" in line or "║" in line:
        return "box"
    # Only a backslash can make a bar no separator: without one, no regex is needed.
    if "|" in line and ("\\" not in line or _PIPE_SPLIT.search(line)):
        return "pipe"
    if "\t" in line:
        return "tab"
    return None


def split_cells(line: str) -> tuple[tuple[str, ...], tuple[bool, ...], str] | None:
    """Cells of one table line (None for a line without separators).

    Outer borders (`| a | b |`) do not make empty cells; tab-separated lines keep
    every cell, empty ones included, because their position is all they say."""
    style = line_style(line)
    if style is None:
        return None
    body = line.rstrip("\n")
    if style == "tab":
        # Tab columns have no width, so no cell can be cut mid-word: no `filled`.
        return tuple(map(str.strip, body.split("\t"))), (), style
    escaped = "\\" in body
    if style == "box":
        raw = _BOX_SPLIT.split(body)
    else:
        raw = _PIPE_SPLIT.split(body) if escaped else body.split("|")
    # Only a bar at the start (after at most a markdown indent) or end of the line
    # is a border; a padded empty first cell before an inner bar is still a cell.
    if len(raw) > 1 and len(raw[0]) <= _MAX_INDENT and not raw[0].strip():
        raw = raw[1:]
    if len(raw) > 1 and not raw[-1].strip() and body.rstrip()[-1:] in _BARS:
        raw = raw[:-1]
    cells = tuple(c.strip().replace("\\|", "|") for c in raw) if escaped else tuple(map(str.strip, raw))
    filled = tuple([c[-1:].strip() != "" for c in raw])  # ends in neither white space nor the empty cell
    return cells, filled, style


def read_rows(lines: Iterable[str], *, first_line: int = 0) -> list[TextRow]:
    """Table rows of `lines`: rule lines start a new block; lines without any
    cell separator and rows whose cells are all empty are left out."""
    rows: list[TextRow] = []
    block = 0
    for offset, line in enumerate(lines):
        if is_rule(line):
            block += 1
            continue
        split = split_cells(line)
        if split is None:
            continue
        cells, filled, style = split
        if any(cells):
            rows.append(TextRow(cells, first_line + offset, block, style, filled))
    return rows


def join_fragment(existing: str | None, fragment: str | None, *, glue: str = " ") -> str | None:
    """Append a wrapped fragment to a cell's text.

    A fragment that merely repeats the end of the text (renderers repeat a cell's
    tail after a page break) is not appended again."""
    if not fragment:
        return existing
    if not existing:
        return fragment
    if glue and ends_with_words(existing, fragment):
        return existing
    return existing + glue + fragment


def ends_with_words(text: str, tail: str) -> bool:
    """Whether `text` ends with the words of `tail` (case and spacing ignored)."""
    text_n, tail_n = " ".join(text.split()).casefold(), " ".join(tail.split()).casefold()
    if not text_n.endswith(tail_n):
        return False
    cut = len(text_n) - len(tail_n)
    return cut == 0 or text_n[cut - 1] == " "


def unwrap(rows: list[TextRow], starts_row: Callable[[TextRow], bool], *,
           mid_word: bool = False) -> list[TextRow]:
    """Join each row that does not start a new row into the row above, cell by cell.

    With `mid_word` (fixed-width tables), a cell that filled its width is joined
    to its continuation without a space ("Options to Purchase Co" + "mmon Stock")."""
    merged: list[TextRow] = []
    for row in rows:
        if merged and not starts_row(row):
            merged[-1] = _merge(merged[-1], row, mid_word)
        else:
            merged.append(row)
    return merged


def _merge(top: TextRow, more: TextRow, mid_word: bool) -> TextRow:
    width = max(len(top.cells), len(more.cells))
    cells, filled = [], []
    for i in range(width):
        above = top.cells[i] if i < len(top.cells) else ""
        below = more.cells[i] if i < len(more.cells) else ""
        above_filled = i < len(top.filled) and top.filled[i]
        glue = "" if mid_word and above_filled else " "
        cells.append(join_fragment(above, below, glue=glue) or "")
        filled.append(more.filled[i] if below and i < len(more.filled) else above_filled)
    return TextRow(tuple(cells), top.line_number, top.block, top.style, tuple(filled))


def rows_by_block(rows: Iterable[TextRow]) -> Callable[[TextRow], bool]:
    """A `starts_row` for tables that draw a rule under every record: the first
    line of each block starts a row."""
    first_of_block: dict[int, int] = {}
    for row in rows:
        first_of_block.setdefault(row.block, row.line_number)
    return lambda row: first_of_block.get(row.block) == row.line_number


# --- fixed-width text: columns found from where the text stands ----------------------------------
class Segment(NamedTuple):
    """A run of text on one line of fixed-width text: words apart by single spaces. A named
    tuple: wide lines make tens of them, and a tuple is built several times quicker than a
    frozen dataclass."""
    line: int
    start: int
    end: int
    text: str


# Words apart by single spaces; a run of two spaces or more ends the segment. Linear: after a word
# only a space can follow, and a space only a word, so there is one way to match a run.
_SEGMENT = re.compile(r"[^ ]+(?: [^ ]+)*")


def segments(line: str, line_number: int = 0, *, gap: int = 2) -> list[Segment]:
    """Runs of text separated by `gap` or more spaces (tabs count as spaces)."""
    if "\t" in line:
        line = line.expandtabs(8)
    pattern = _SEGMENT if gap == 2 else re.compile(r"[^ ]+(?: {1,%d}[^ ]+)*" % (gap - 1) if gap > 1 else r"[^ ]+")
    # _make of plain tuples: a third quicker than the named tuple's constructor (Python code)
    return list(map(Segment._make, [(line_number, m.start(), m.end(), m.group()) for m in pattern.finditer(line)]))


def spans(line: str) -> list[tuple[int, int, str]]:
    """`segments(line)` as (start, end, text): quicker to build where the line number is not
    wanted (a named tuple's constructor is Python code, and wide lines make tens of them)."""
    if "\t" in line:
        line = line.expandtabs(8)
    return [(m.start(), m.end(), m.group()) for m in _SEGMENT.finditer(line)]


def segment_texts(line: str) -> list[str]:
    """The texts of `segments(line)`, without their places."""
    if "\t" in line:
        line = line.expandtabs(8)
    return _SEGMENT.findall(line)


def first_segment(line: str) -> str:
    """The text of `segments(line)[0]` ('' for a blank line), without cutting the rest of the line."""
    if "\t" in line:
        line = line.expandtabs(8)
    return line.lstrip(" ").split("  ", 1)[0].rstrip(" ")


def column_cells(block: Sequence[Sequence[tuple[int, int, int, str]]]) -> list[tuple[int, int, str]]:
    """Cells of a block of fixed-width lines (one table row printed over several lines):
    segments whose spans overlap on different lines are one cell, its text read top to
    bottom. The block's items are `Segment`s or plain (line, start, end, text) tuples.
    Returns (start, end, text) per cell, left to right."""
    pieces = sorted([s for line in block for s in line], key=_BY_START)
    cells: list[list] = []  # [start, end, [segments], {their lines}]
    for s in pieces:
        # Spans are sorted by start, so only the last cell can overlap this one.
        if cells and s[1] < cells[-1][1] and s[0] not in cells[-1][3]:
            last = cells[-1]
            if s[2] > last[1]:
                last[1] = s[2]
            last[2].append(s)
            last[3].add(s[0])
        else:
            cells.append([s[1], s[2], [s], {s[0]}])
    # most cells stand on one line: their text is their segment's
    # a cell holds one segment a line: in order of their lines, the tuples' own order
    return [(start, end, group[0][3] if len(group) == 1 else join_lines([t[3] for t in sorted(group)]))
            for start, end, group, _ in cells]


_BY_START = itemgetter(1, 0)  # (start, line)


def join_lines(pieces: list[str]) -> str:
    """The lines of a wrapped cell as one text: a word broken after its hyphen ('Non-' /
    'Employee') is joined back without a space; a dash standing alone ('Buy) -') keeps it."""
    parts: list[str] = []
    for piece in pieces:
        if parts and parts[-1][-2:-1].isalpha() and parts[-1].endswith("-"):
            parts[-1] += piece
        else:
            parts.append(piece)
    return " ".join(parts)
