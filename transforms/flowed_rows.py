"""Rows of a form table read from text whose columns were collapsed.

PDF text made without column positions (markitdown's pdfminer text, pymupdf4llm's
"picture text", pdftotext without -layout) prints a table row's cells one space
apart, or one cell per line, and prints the lines of a tall cell above and below
the row's middle line: a wrapped title ('Employee' / 'Stock' / 'Option $ 39.1 ...'
/ '(right to' / 'buy)'), a price's '$' over its number, a code or a footnote mark
set as a superscript. Where a value stood is lost; what is left is the order of the
words and the shape of each value (a date, a code letter, an amount, '$' and a
price, D or I).

So a row is read as the form reads it: a line holding the row's values (its core)
and the lines around it, up to wherever between two cores the values fit the
form's columns best (`ownership_form.row_cost`, the same alignment that puts the
cells in columns). Text lines join the title; a value printed apart goes where it
fits the column order; a '$' and a number printed apart are one price; a footnote
mark printed apart from any value cannot be tied to one and is left out. Text
printed one cell per line (no core holds a title and values) is read the same way,
a title line starting each row.

Pure functions: lines in, `TextRow`s out (title first, then the values in the order
they fit); `ownership_form.records` and `add_table_rows` do the rest."""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from transforms import ownership_form as of
from transforms.text_tables import TextRow, is_rule, line_style, split_cells
from transforms.values import FOOTNOTE_MARK

STYLE = "flowed"

_MD_RULE_CELL = re.compile(r":?-{3,}:?")
_LINE_BREAK = "\u2028"
_DIGIT = re.compile(r"\d")
_PLAIN_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
# A gap between two cores has at most this many lines tried as split points (a longer run
# of fragments is not a row's cells; its lines are split at the middle).
_MAX_SPLITS = 24
# More values than a row of the form has columns (with marks and a '$' apart) fit no order.
_MAX_VALUES = 24
_GLUED_DOLLAR = re.compile(r"\$\d[\d,]*(?:\.\d+)?")
_NUMBERED = re.compile(r"\d{1,2}[A-Z]?\.(?!\d)")  # a column heading's number: '2A. Deemed', '6.'



def _value_words(text: str) -> int:
    return sum(1 for w in text.split() if w != "$" and of.is_value_word(w))


def _numbers(text: str) -> int:
    """Value words holding digits: dates, amounts, prices."""
    return sum(1 for w in text.split() if of.is_value_word(w) and any(ch.isdigit() for ch in w))


def is_flowed(lines: Sequence[str]) -> bool:
    """Whether a table's lines lost their column positions: values printed on lines without
    cell separators, and most lines keep no indent or gap of two spaces."""
    plain: list[str] = []
    drawn = 0  # lines with cell separators, and rules
    for line in lines:
        if not line.strip():
            continue
        style = line_style(line)
        if style == "tab" and _DIGIT.search(line):
            return False  # tab-separated cells keep their columns
        if style is None and not is_rule(line):
            plain.append(line.rstrip())
        else:
            drawn += 1
    # two spaces before or between words: the text kept its columns (fixed-width text); flowed
    # text has them only here and there (pdfminer spaces out a few words of a line). Tested
    # first: it is quicker than looking for values, and settles fixed-width text.
    if not drawn and 2 * sum("  " in line for line in plain) >= len(plain):
        return False
    # values printed apart from a table drawn with separators (markitdown's PDF text), or flowed
    return any(_DIGIT.search(line) and _numbers(line.replace(_LINE_BREAK, " ")) and not of.print_header(line)
               for line in plain)


@dataclass
class _Line:
    text: str
    number: int  # line of the input
    side: str = ""  # words of a later cell of a table line of words
    titled: bool = False  # a table line whose first cell is text and a later cell words


# A plan named by its section ('401(k)', '403(b)') that a converter spaced out ('401 (k)'): one
# word, no number and no footnote mark.
_PLAN_NAME = re.compile(r"\b(\d{3}) \(([a-z])\)")


def _flat(line: str, number: int) -> list[_Line]:
    """A table line as flowed text: the cells of a markdown or tab line joined by single spaces.
    A line of words only whose first cell is empty or followed by other cells of words keeps
    those apart (`side`: another column's text, such as the underlying security's title)."""
    line = line.replace(_LINE_BREAK, " ")
    if " (" in line:
        line = _PLAN_NAME.sub(r"\1(\2)", line)
    cut = split_cells(line) if "|" in line or "\t" in line else None
    if cut is None:
        text = " ".join(line.split())
        return [_Line(text, number)] if text else []
    cells = [" ".join(c.split()) for c in cut[0] if not _MD_RULE_CELL.fullmatch(c)]
    text = " ".join(c for c in cells if c)
    if not text:
        return []
    # a cell holding a footnote mark only is no column's words: a mark printed apart is left out
    worded = [c for c in cells if c and not FOOTNOTE_MARK.fullmatch(c)]
    if cells[0] in worded and len(worded) < len([c for c in cells if c]) and all(_is_text(c) for c in worded):
        cells = [c for c in cells if not FOOTNOTE_MARK.fullmatch(c)]
    if all(_is_text(c) for c in cells if c):
        return [_Line(cells[0], number, " ".join(c for c in cells[1:] if c))]
    filled = [c for c in cells if c]
    # a number glued to its '$' is a title's word ('par value $0.01'; a price prints '$ 0.01')
    worded = [_is_text(c) or bool(_GLUED_DOLLAR.fullmatch(c)) for c in filled[1:]]
    if cells[0] and _is_text(cells[0]) and worded[:1] == [True] and all(
            a or not b for a, b in zip(worded, worded[1:])) and \
            not _numbers(" ".join(c for c, w in zip(filled[1:], worded) if not w)):
        # a line of a tall title with, in the columns before the ownership form, another column's
        # words (the underlying title's: 'Options' | 'Stock,' | 'D (3)'), and then a value with no
        # number: that value is the row's, printed apart; the words are that column's line. (Words
        # after the ownership form are the nature of ownership, which stands on its row's line.)
        words = " ".join(c for c, w in zip(filled[1:], worded) if w)
        rest = " ".join(c for c, w in zip(filled[1:], worded) if not w)
        return [_Line(cells[0], number, words)] + ([_Line(rest, number)] if rest else [])
    titled = bool(cells[0]) and _is_text(cells[0]) and any(_is_text(c) for c in filled[1:])
    if titled and not _is_core(text) and _value_words(" ".join(filled[1:])) == 1:
        # a tall title's line with another column's words and one value beside it, not the row's
        # line ('Convertible' | 'Common' | '2,587,070'): the title's line, and cells printed apart
        return [_Line(cells[0], number), _Line(" ".join(filled[1:]), number)]
    return [_Line(text, number, titled=titled)]


def _is_heading(text: str) -> bool:
    return of.is_column_heading(TextRow((text,), 0, 0, STYLE))


def _title_and_values(text: str) -> tuple[str, str]:
    """A line cut where its values start (`ownership_form.split_title`); a last D or I after
    words is a value too ('Common Stock D': a holding's ownership form, its amount printed apart)."""
    title, values = of.split_title(text)
    words = title.split()
    if not values and len(words) > 1 and words[-1] in ("D", "I"):
        title, values = " ".join(words[:-1]), words[-1]
        words = words[:-1]
    mark = next((k for k, w in enumerate(words) if _is_marks(w)), None)
    if mark and values and len(words) > mark + 1 and _is_marks(words[mark + 1]) and \
            any(not _is_marks(w) for w in words[mark:]):
        # words after marks are another column's ('Class B Common Stock (1) (1) Common 20,000,000':
        # the title's mark, a date printed as a mark only, then the underlying title): the title
        # ends at its mark
        title, values = " ".join(words[:mark + 1]), " ".join(words[mark + 1:] + [values])
    return title, values


def _leading_words(text: str) -> tuple[str, str] | None:
    """A line of words, or of words and then values ('Stock Stock (1) 600,000 (1)'): the words
    and the values, or None when the line starts with a value."""
    if _is_text(text):
        return text, ""
    units = _units(text)
    if len(units) < 2 or not _is_text(units[0]) or any(_is_text(u) for u in units[1:]):
        return None
    return units[0], " ".join(units[1:])


def _is_marks(word: str) -> bool:
    """A word of footnote marks only ('(1)', '(1)(2)')."""
    return "(" in word and not FOOTNOTE_MARK.sub("", word)


def _is_core(text: str, least: int = 2) -> bool:
    """A line holding a row's values: a title and `least` values, or one more without a title."""
    if _is_heading(text):
        return False
    title, values = _title_and_values(text)
    if title and values and _value_words(values) >= least and _is_text(title.split()[0]):
        return True
    return least > 1 and _value_words(text) > least


def _is_marked_core(text: str) -> bool:
    """A Table II line of values only that starts with dates printed as their footnote marks alone
    ('(1) (1) 19,913 $ (1) D'): the marks are cells, so the line holds a row's values."""
    words = text.split()
    return len(words) > 3 and _is_marks(words[0]) and _is_marks(words[1]) and _value_words(text) >= 2


def _is_text(text: str) -> bool:
    """A line of words only (a title's or a nature's), marks aside; a capital letter among
    words is a word ('Class A Common Stock')."""
    words = FOOTNOTE_MARK.sub(" ", text).split()
    return any(len(w) > 1 for w in words) and not any(
        len(w) > 1 and of.is_value_word(w) or w == "$" for w in words)


def _is_title(text: str) -> bool:
    """Words of a title, which may hold numbers of its own: one glued to its '$' or followed by
    a word ('Common Stock, par value $0.01 per share', 'Series 2018 Notes'), as
    `ownership_form.split_title` keeps them."""
    if _is_text(text):
        return True
    words = FOOTNOTE_MARK.sub(" ", text).split()
    return bool(words) and _is_text(words[0]) and all(
        not of.is_value_word(w) and w != "$" or w[:1] == "$" and len(w) > 1
        or i + 1 < len(words) and _is_text(words[i + 1]) for i, w in enumerate(words))


@dataclass
class _Row:
    above: list[_Line]
    core: _Line
    below: list[_Line]


def _units(text: str) -> list[str]:
    """A line's values as the cells they were: each value word alone, '$' with the number after
    it, and each run of words one text ('By Trust')."""
    units: list[list[str]] = []
    texts: list[bool] = []  # whether each unit is words
    words = text.split()
    i = 0
    while i < len(words):
        word = words[i]
        if word == "$":
            marks = i + 1
            while marks < len(words) and FOOTNOTE_MARK.fullmatch(words[marks]):
                marks += 1  # '$', its mark, then the number (pdftotext prints the mark first)
            if marks < len(words) and _PLAIN_NUMBER.fullmatch(FOOTNOTE_MARK.sub("", words[marks])):
                # (a date after a '$' is a cell of its own: the '$' is a price's printed apart)
                units.append([word, words[marks]] + words[i + 1:marks])
                texts.append(False)
                i = marks + 1
                continue
        if units and (FOOTNOTE_MARK.fullmatch(word) and not all(map(_is_marks, units[-1]))
                      # a mark after a value is that value's; after a mark alone, a cell of its own
                      # 'Class A Common': a letter between words is one of them
                      or (texts[-1] and len(word) == 1 and i + 1 < len(words) and _is_text(words[i + 1]))
                      or (texts[-1] and not of.is_value_word(word) and word != "$")):
            units[-1].append(word)
        else:
            units.append([word])
            texts.append(not of.is_value_word(word) and word != "$" and _is_text(word))
        i += 1
    return [" ".join(unit) for unit in units]


def _wide_title(part: str, form_number: str) -> bool:
    """Whether the form prints the title column wider than the later columns of words: Table I
    (the nature of ownership narrow), Form 3's Table II (30% of the page); Form 4's and 5's Table
    II sets the title in a column as narrow as the underlying security's."""
    return part != of.TABLE_II or form_number == "3"


def _parts(row: _Row, part: str, form_number: str) -> tuple[str, list[str], list[str], int]:
    """A row's title, the values of its core, the values printed apart (nearest the core
    first), and its first line."""
    above = [line.text for line in row.above if _is_text(line.text)]
    below = [line.text for line in row.below if _is_text(line.text)]
    title, values = _title_and_values(row.core.text)
    if not _is_title(title):  # a core of values only (the title printed above and below it)
        title, values = "", row.core.text
    core_units = _units(values)
    head = " ".join(above + ([title] if title else []))
    if part == of.TABLE_II and below and head.count("(") > head.count(")") and (
            text_unit := next((k for k, u in enumerate(core_units) if _is_text(u)), None)) is not None:
        # the line below holds the title's last words and, after them, the underlying title's
        # ('buy) Stock' under 'Stock Option (right to' and 'Common'): the title's open parenthesis
        # closes first
        words = below[0].split()
        close = next((k for k, w in enumerate(words) if ")" in w), None)
        if close is not None and close + 1 < len(words) and "(" not in " ".join(words[close + 1:]):
            below[0] = " ".join(words[:close + 1])
            core_units[text_unit] += " " + " ".join(words[close + 1:])
    text_unit = next((k for k, u in enumerate(core_units) if _is_text(u)), None)
    fragments: list[str] = []
    below_lines = row.below
    sided = any(line.side for line in row.above + row.below)
    if part == of.TABLE_II and not sided and below and text_unit is not None and \
            len(FOOTNOTE_MARK.sub(" ", core_units[text_unit]).split()) == 1 and \
            (title or above) and row.below and _is_text(row.below[0].text) and \
            (len(below[0].split()) > 1 or title and not above):
        # the underlying security's column is narrow: a one-word title of it on the row's line
        # ('Common') wraps, its next line printed last on the line below, after the title's words
        # there ('(right to Stock', 'Option Stock'). A word alone there is the title's last line
        # when the title has lines above the row's line too, else the underlying's.
        words = below[0].split()
        core_units[text_unit] += " " + words[-1]
        below[0] = " ".join(words[:-1])
    elif part == of.TABLE_II and not sided and not title and text_unit is None and above and \
            row.above and row.below and _is_text(row.above[-1].text) and \
            (lowest := _leading_words(row.below[0].text)) is not None:
        # a core of values only, the title and the underlying security's title both printed
        # around it ('Series Seed Preferred Common' / values / 'Stock Stock'): each of the two
        # lines holds the title's words, then the underlying's last (its column narrow); a title's
        # open parenthesis closes first ('Stock Option (right to Common' / values / 'buy) Stock').
        # The line below may go on with values printed apart ('Stock Stock (1) 600,000 (1)').
        words, rest = lowest
        upper, lower = above[-1].split(), words.split()
        opened = " ".join(above).count("(") > " ".join(above).count(")")
        close = next((k for k, w in enumerate(lower) if ")" in w), None) if opened else None
        # the last word, its marks with it
        cut = close + 1 if close is not None else max((k for k, w in enumerate(lower) if not _is_marks(w)), default=0)
        top = max((k for k, w in enumerate(upper) if not _is_marks(w)), default=0)
        if top > 0 and 0 < cut < len(lower):
            fragments.append(f"{' '.join(upper[top:])} {' '.join(lower[cut:])}")  # placed where it fits
            above[-1] = " ".join(upper[:top])
            if rest:  # the line's values stay values printed apart; its title words join the title
                below.insert(0, " ".join(lower[:cut]))
                below_lines = [_Line(rest, row.below[0].number)] + row.below[1:]
            else:
                below[0] = " ".join(lower[:cut])
    for lines, before in ((row.above, True), (below_lines, False)):
        for line in lines:
            if _is_text(line.text):
                continue
            for k, unit in enumerate(_units(line.text)):
                if k and text_unit is not None and _is_text(unit):
                    # words after values on a line above or below the row: the lines of the
                    # later column of words on the row's line ('$ See' / '... I Footnote' / '(2)')
                    core_units[text_unit] = f"{unit} {core_units[text_unit]}" if before \
                        else f"{core_units[text_unit]} {unit}"
                else:
                    fragments.append(unit)
    sides = [line.side for line in row.above + row.below if line.side]
    if sides and text_unit is not None and part == of.TABLE_II:
        # another column's words above and below the row's line, which holds that column's middle
        # words ('Class A' / 'Common' / 'Stock'): one cell, centred on the row
        core_units[text_unit] = " ".join([line.side for line in row.above if line.side] + [core_units[text_unit]]
                                         + [line.side for line in row.below if line.side])
    elif sides:
        # another column's words, kept apart by its cells, in the order of their lines
        upper_sides = " ".join(line.side for line in row.above if line.side)
        lower_sides = " ".join(line.side for line in row.below if line.side)
        if upper_sides or not any(map(_is_text, fragments)):
            fragments.insert(0, " ".join(sides))
        else:
            fragments.append(lower_sides)
    elif (row.core.titled or title and above and below and _paired(title) and title[:1].isupper()) and \
            text_unit is not None and \
            (above or below) and not any(line.titled for line in row.above + row.below) and \
            _wide_title(part, form_number):
        # a line holding the title (a table line's first cell, or a whole title on a line of text:
        # its parentheses pair, it starts with a capital, not 'to Purchase Common')
        # and after values another column's words, with free lines of words above and below it:
        # the later column is the narrower (an underlying title, a nature of ownership), where
        # words wrap; the title's cell is whole
        core_units[text_unit] = " ".join(above + [core_units[text_unit]] + below)
        above, below = [], []
    elif (part == of.TABLE_II or "I" in core_units) and title and below and not any(_is_text(u) for u in core_units) \
            and (not row.below or _is_text(row.below[0].text) or not any(map(_is_text, fragments))):
        # (the nearest line below printing values and then the words: those are a fragment already)
        _nearest_apart(above, below, fragments)
    if part == of.TABLE_II and title and below and text_unit is not None and row.below and \
            _is_text(row.below[0].text) and text_unit > max(
                (k for k, u in enumerate(core_units) if u.split()[0] in ("D", "I")), default=len(core_units)):
        # the row's line holds the nature of ownership after the ownership form, but no underlying
        # title before the amounts: the underlying's two lines are the nearest above and below
        _nearest_apart(above, below, fragments)
    first = row.above[0].number if row.above else row.core.number
    return _wrapped(above + ([title] if title else []) + below), core_units, fragments, first


def _wrapped(lines: list[str]) -> str:
    """A cell's lines as one text: a word the cell wrapped after its hyphen ('Non-' /
    'Qualified Stock') is one word again."""
    text = ""
    for line in lines:
        if text[-1:] == "-" and text[-2:-1].isalpha() and line[:1].isalpha():
            text += line
        else:
            text = f"{text} {line}" if text else line
    return text


def _nearest_apart(above: list[str], below: list[str], fragments: list[str]) -> None:
    """Table II without the underlying title on the row's middle line (Table I without the
    nature of an indirect holding): a cell of two lines, its lines are the nearest above and
    below (printed between the title's lines, both centred on the row), the upper one sometimes
    on a line of values printed apart; they join the values printed apart."""
    upper = next((i for i, u in enumerate(fragments) if _is_text(u)), None)
    if upper is not None:
        fragments[upper] += " " + below.pop(0)
    elif above:
        fragments.insert(0, above.pop() + " " + below.pop(0))


def _place_fragments(title: str, units: list[str], fragments: list[str], part: str,
                     form_number: str, line_number: int) -> tuple[tuple[str, ...], float | None]:
    """The row's cells with each value printed apart put where it fits the columns best: a '$'
    and a number printed apart are one price; a mark alone cannot be tied to its value."""
    pending = [f for f in fragments if not FOOTNOTE_MARK.fullmatch(f)]
    texts = [i for i, f in enumerate(pending) if _is_text(f)]
    if len(texts) > 1:  # one column's words printed above and below the row ('See' / 'Footnote')
        joined = " ".join(pending[i] for i in texts)
        pending = [joined if i == texts[0] else f for i, f in enumerate(pending) if i == texts[0] or i not in texts]
    if "$" not in pending:
        return _placed(title, units, pending, part, form_number, line_number)
    # a '$' printed apart: the price of a number printed apart, or of one on the row's line. A '$'
    # stands left of its number: the first number after it, else the last before it ('18.131 $'
    # over '(1) 12.24': the shares, then the price's sign), as they fit.
    at = pending.index("$")
    pending.remove("$")
    readings = [_placed(title, units, pending, part, form_number, line_number)]
    after = [i for i, f in enumerate(pending) if i >= at and _PLAIN_NUMBER.fullmatch(f)]
    before = [i for i, f in enumerate(pending) if i < at and _PLAIN_NUMBER.fullmatch(f)]
    for i in reversed(after[:1] + before[-1:]):
        priced = list(pending)
        priced[i] = "$ " + pending[i]
        readings.insert(0, _placed(title, units, priced, part, form_number, line_number))
    return min(readings, key=lambda r: float("inf") if r[1] is None else r[1])


def _placed(title: str, units: list[str], pending: list[str], part: str, form_number: str,
            line_number: int) -> tuple[tuple[str, ...], float | None]:
    if len(units) + len(pending) > _MAX_VALUES:
        return (title, *units, *pending), None  # more values than the form has columns: no place tried
    cost = _cost(title, units, part, form_number, line_number)
    for fragment in pending:
        best: tuple[float, list[str]] | None = None
        for at in range(len(units) + 1):
            candidates = [units[:at] + [fragment] + units[at:]]
            if at < len(units) and FOOTNOTE_MARK.fullmatch(units[at]):
                # a mark alone on the row's line, where the value printed apart stood: its mark
                candidates.append(units[:at] + [f"{fragment} {units[at]}"] + units[at + 1:])
            for candidate in candidates:
                c = _cost(title, candidate, part, form_number, line_number)
                if c is not None and (best is None or c < best[0] - 1e-9):
                    best = (c, candidate)
        if best is None:
            units = units + [fragment]  # fits nowhere: the row is read as printed, and fails as it should
            cost = None
        else:
            cost, units = best
    return (title, *units), cost


def _cost(title: str, units: list[str], part: str, form_number: str, line_number: int) -> float | None:
    record = of.read_record(TextRow((title, *units), line_number, 0, STYLE))
    return of.row_cost(record, part, form_number)


def _read(row: _Row, part: str, form_number: str) -> tuple[TextRow, float | None]:
    title, units, fragments, first = _parts(row, part, form_number)
    cells, cost = _place_fragments(title, units, fragments, part, form_number, first)
    if cost is not None and not _paired(title):
        cost += 1.0  # a title is one cell: its parentheses pair, so a reading that cuts them is worse
    return TextRow(cells, first, 0, STYLE), cost


def _paired(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch in "()":
            depth += 1 if ch == "(" else -1
            if depth < 0:
                return False
    return depth == 0


def _has_words(line: _Line) -> bool:
    """Whether a line holds words (a title's, a nature's), with or without values beside them."""
    return bool(line.side) or not all(of.is_value_word(w) or w == "$" for w in
                                      FOOTNOTE_MARK.sub(" ", line.text).split())


def _text_count(lines: list[_Line]) -> int:
    return sum(map(_has_words, lines))


def _split_gap(previous: _Row, following: _Row, gap: list[_Line], part: str, form_number: str,
               above: int | None, next_below: float = 0.0) -> None:
    """Share the lines between two cores: the split where both rows fit the columns best; between
    equally good splits, the one that gives the row above as many text lines below its core as
    above it (`above`; a tall cell is centred on its row) and the row below as many above its core
    as it is likely to take below it (`next_below`: half the text lines after it), or else halves
    the text lines."""
    if len(gap) > _MAX_SPLITS:
        half = len(gap) // 2
        previous.below.extend(gap[:half])
        following.above[:0] = gap[half:]
        return
    texts = _text_count(gap)
    best: tuple[float, float, int, int] | None = None
    for at in range(len(gap) + 1):
        a = _Row(previous.above, previous.core, previous.below + gap[:at])
        b = _Row(gap[at:] + following.above, following.core, following.below)
        cost_a = _read(a, part, form_number)[1]
        cost_b = _read(b, part, form_number)[1]
        total = (cost_a if cost_a is not None else 1000.0) + (cost_b if cost_b is not None else 1000.0)
        below = _text_count(gap[:at])
        balance = abs(below - above) + abs(texts - below - next_below) if above is not None \
            else abs(2 * below - texts)
        # and then the split that keeps lines nearest their own core; of splits equal in all of
        # these, the last: a cell of an even count of lines prints the extra one below its row's
        # line ('Common' beside the values, 'Stock' under them)
        distance = sum(range(1, at + 1)) + sum(range(1, len(gap) - at + 1))
        if best is None or (total, balance, distance) <= best[:3]:
            best = (total, balance, distance, at)
    at = best[3] if best else 0
    previous.below.extend(gap[:at])
    following.above[:0] = gap[at:]


def _trim_text(lines: list[_Line], keep: int, from_end: bool) -> list[_Line]:
    """The lines with at most `keep` lines of words, those nearest the core."""
    order = list(reversed(lines)) if from_end else list(lines)
    out, kept = [], 0
    for line in order:
        if _has_words(line):
            if kept >= keep:
                continue
            kept += 1
        out.append(line)
    return list(reversed(out)) if from_end else out


def _level_cells(upper: str, lower: str) -> list[str] | None:
    """Two lines of one markdown table printing one row's cells at two heights: the upper starts
    with the title and holds values, the lower (its first cell empty) holds values only, enough
    to be read as a row of its own with no title, in other columns but for one that holds words
    above and a number below (a converter merging the underlying title's column and its
    amount's). The row's cells in column order, or None."""
    a, b = split_cells(upper), split_cells(lower)
    if a is None or b is None or a[2] != "pipe" or b[2] != "pipe" or len(a[0]) != len(b[0]):
        return None
    top, bottom = a[0], b[0]
    if not top[0] or bottom[0] or not _is_text(top[0]) or not _numbers(" ".join(top[1:])) or \
            not _is_core(" ".join(c for c in bottom if c)) or \
            any(c and _is_text(FOOTNOTE_MARK.sub(" ", c)) for c in bottom):
        return None
    cells = []
    for x, y in zip(top, bottom):
        if x and y and not (_is_text(x) and _PLAIN_NUMBER.fullmatch(y)):
            return None
        cells.append(" ".join(filter(None, (x, y))))
    return cells


def _levels_joined(lines: Sequence[str]) -> list[tuple[int, str]]:
    """The lines with their numbers, one row's lines of cells at two or more heights
    (`_level_cells`, `_stacked_cells`) joined."""
    out: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        j = i + 2 if i + 2 < len(lines) and is_rule(lines[i + 1]) else i + 1
        if j < len(lines) and "|" in lines[i] and "|" in lines[j] and \
                (cells := _level_cells(lines[i], lines[j])) is not None:
            out.append((i, "| " + " | ".join(cells) + " |"))
            i = j + 1
            continue
        if "|" in lines[i] and (stacked := _stacked_cells(lines, i)) is not None:
            cells, i_next = stacked
            out.append((i, "| " + " | ".join(cells) + " |"))
            i = i_next
            continue
        out.append((i, lines[i]))
        i += 1
    return out


def _stacked_cells(lines: Sequence[str], i: int) -> tuple[list[str], int] | None:
    """Lines of one markdown table printing one row's values at several heights: the first holds
    the title and a value but not enough for a row, the next ones (the title's cell empty) values
    and marks only, each column holding one value ('Series A-1 Preferred | | | Common | 600,000'
    / ' | (1) | (1) | | | $ 0 | | (2)' / ' | | | | (1) | | | D'). The row's cells in column order
    and the index after its last line, or None."""
    j = i + 2 if i + 2 < len(lines) and is_rule(lines[i + 1]) else i + 1
    if j >= len(lines) or not _DIGIT.search(lines[i]) or not lines[j].lstrip()[1:].lstrip().startswith("|"):
        return None  # cheap tests first: a value on the title's line, the next line's title cell empty
    first = split_cells(lines[i])
    if first is None or first[2] != "pipe" or not first[0][0] or not _is_text(first[0][0]) or \
            not _numbers(" ".join(first[0][1:])) or _is_core(" ".join(c for c in first[0] if c)):
        return None
    cells = list(first[0])
    j, end = i + 1, None
    while j < len(lines):
        if is_rule(lines[j]):
            j += 1
            continue
        cut = split_cells(lines[j]) if "|" in lines[j] else None
        if cut is None or cut[2] != "pipe" or len(cut[0]) != len(cells) or cut[0][0] or \
                not any(cut[0]) or any(c and _is_text(FOOTNOTE_MARK.sub(" ", c)) for c in cut[0]):
            break
        if any(x and y and not (FOOTNOTE_MARK.fullmatch(x) or FOOTNOTE_MARK.fullmatch(y))
               for x, y in zip(cells, cut[0])):
            break  # two values in one column: another row's
        cells = [" ".join(filter(None, (x, y))) for x, y in zip(cells, cut[0])]
        j += 1
        end = j
    if end is None or not _is_core(" ".join(c for c in cells if c)):
        return None
    return cells, end


def _letters_joined(flat: list[_Line]) -> list[_Line]:
    """A line of one capital letter between a line of words and a line starting with words is a
    word of those words (a title's 'Tranche' / 'B' / 'Common'), not a code printed apart."""
    out: list[_Line] = []
    for i, line in enumerate(flat):
        if out and i + 1 < len(flat) and len(line.text) == 1 and line.text.isupper() and not line.side \
                and _is_text(out[-1].text) and not out[-1].side and _is_text(flat[i + 1].text.split()[0]):
            out[-1] = _Line(f"{out[-1].text} {line.text}", out[-1].number)
            continue
        out.append(line)
    return out


def table_rows(lines: Sequence[str], first_line: int, part: str, form_number: str) -> list[TextRow]:
    """Rows of a table whose columns were collapsed (`is_flowed`): one TextRow per row of the
    form, its title first and then its values in the order they fit the columns."""
    flat = _letters_joined([found for i, line in _levels_joined(lines) if not is_rule(line)
                            for found in _flat(line, first_line + i)])
    cores = [i for i, line in enumerate(flat) if _is_core(line.text)
             or part == of.TABLE_II and _is_marked_core(line.text)]
    if not cores:  # a short row (a holding: 'Common Stock 100 D' with the number printed apart)
        cores = [i for i, line in enumerate(flat) if _is_core(line.text, 1) and not _is_heading(line.text)]
    if not cores:
        return _cell_per_line_rows(flat, part, form_number)
    cores = _one_row_at_two_heights(flat, cores, part, form_number)
    # column headings above the first row, whatever of them the converter kept
    last_heading = max((i for i, line in enumerate(flat[:cores[0]]) if _is_heading(line.text)), default=-1)
    lead = [line for line in flat[last_heading + 1:cores[0]] if not _is_heading(line.text)]
    trail = flat[cores[-1] + 1:]
    rows = [_Row([], flat[i], []) for i in cores]
    rows[0].above = lead
    rows[-1].below = trail
    for k in range(len(cores) - 1):
        above = None if k == 0 else _text_count(rows[k].above)
        after = flat[cores[k + 1] + 1:cores[k + 2]] if k + 2 < len(cores) else trail
        _split_gap(rows[k], rows[k + 1], flat[cores[k] + 1:cores[k + 1]], part, form_number, above,
                   _text_count(after) / 2)
    # the text above the first core and below the last: as many lines as the row prints on its
    # other side (headings left over above, other text below are not the row's)
    first, last = rows[0], rows[-1]
    if len(rows) > 1:
        first.above = _trim_text(lead, _text_count(first.below), from_end=True)
        last.below = _trim_text(trail, _closing(last, trail, _text_count(last.above)), from_end=False)
    else:
        keep = min(_text_count(lead), _text_count(trail))
        first.above = _trim_text(lead, keep, from_end=True)
        first.below = _trim_text(trail, _closing(first, trail, keep), from_end=False)
    return [_read(row, part, form_number)[0] for row in rows]


def _one_row_at_two_heights(flat: list[_Line], cores: list[int], part: str, form_number: str) -> list[int]:
    """The cores without a line of values that stands right beside a titled core and holds no
    title: a row printing its values at two heights ('628,553 (2) (2) 628,553 137,545 (1)' over
    'Common (2) 12/09/2024 C Common $ 0 I'), read as one row where that fits the columns better
    than two rows."""
    kept = list(cores)
    taken = set(cores)
    for i in cores:
        title, _ = _title_and_values(flat[i].text)
        if title and _is_title(title):
            continue  # a titled core
        for j in (i + 1, i - 1):
            if j not in taken or j not in kept:
                continue
            other, _ = _title_and_values(flat[j].text)
            if not other or not _is_title(other):
                continue
            apart = (_read(_Row([], flat[i], []), part, form_number)[1],
                     _read(_Row([], flat[j], []), part, form_number)[1])
            joined = _read(_Row([flat[i]] if i < j else [], flat[j], [flat[i]] if i > j else []),
                           part, form_number)[1]
            if joined is not None and (None in apart or joined < sum(apart)):
                kept.remove(i)
                break
    return kept


def _closing(row: _Row, trail: list[_Line], keep: int) -> int:
    """How many text lines below the last row are its own: `keep`, or up to the line that closes
    a parenthesis its title leaves open ('Stock' / 'Option ...' / '(Right to' / 'Buy)': a tall
    title with an even count of lines prints one more of them below the row's line than above)."""
    texts = [line.text for line in trail if _has_words(line)]
    held = " ".join([line.text for line in row.above] + [row.core.text] + texts[:keep])
    if held.count("(") <= held.count(")") or keep >= len(texts):
        return keep
    nxt = texts[keep]
    return keep + 1 if ")" in nxt and "(" not in nxt and _is_text(nxt) else keep


def _cell_per_line_rows(flat: list[_Line], part: str, form_number: str) -> list[TextRow]:
    """Text printed one cell per line, in reading order: a run of lines of words, then a run of
    values. Such a run continues the row above where it fits the columns there and costs less
    than a row of its own (Table II's underlying title between the dates and the amount), else
    starts a row; column headings above the first row are left out."""
    runs: list[tuple[list[_Line], list[str]]] = []
    for line in flat:
        if _is_text(line.text):
            if not runs or runs[-1][1]:
                runs.append(([], []))
            runs[-1][0].append(line)
        elif runs:
            runs[-1][1].append(line.text)
    rows: list[tuple[str, list[str], int]] = []
    for words, lines in runs:
        values = _units(" ".join(lines))
        if not _numbers(" ".join(values)) or _is_heading(" ".join(lines)):
            continue  # no amount or date: column headings ('Code', 'V', '(A) or (D)')
        # the title: the words after the last line of headings above it
        last = max((i for i, line in enumerate(words) if _is_heading(line.text) or _NUMBERED.match(line.text)),
                   default=-1)
        text = " ".join(line.text for line in words[last + 1:])
        number = words[0].number
        if not rows and not text:
            continue  # values of column headings ('(Instr. 3, 4 and 5)')
        if rows and len(rows[-1][1]) + len(values) <= _MAX_VALUES:
            title, units, first = rows[-1]
            alone = _cost(text, values, part, form_number, number)
            before = _cost(title, units, part, form_number, first)
            joined = _cost(title, units + [text] + values, part, form_number, first)
            if joined is not None and (alone is None or before is None or joined < before + alone):
                rows[-1] = (title, units + [text] + values, first)
                continue
        rows.append((text, values, number))
    return [TextRow((title, *units), first, 0, STYLE) for title, units, first in rows if units]
