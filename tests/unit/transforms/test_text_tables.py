"""Splitting and unwrapping text tables: layout only, no filing semantics."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.text_tables import (
    TextRow, column_cells, ends_with_words, first_segment, is_rule, join_fragment, join_lines, line_style,
    read_rows, rows_by_block, segment_texts, segments, spans, split_cells, unwrap,
)


def test_tab_cells_keep_empty_cells_in_place():
    assert split_cells("Class A Common Stock\t05/10/2007\t\tS\t5,500\t") == (
        ("Class A Common Stock", "05/10/2007", "", "S", "5,500", ""), (), "tab")


def test_markdown_pipe_row_drops_only_the_outer_borders():
    assert split_cells("| | Director | 10% Owner |")[0] == ("", "Director", "10% Owner")
    assert split_cells("| a \\| b | c |")[0] == ("a | b", "c")


def test_pipe_row_without_left_border_keeps_its_empty_first_cell():
    cells, filled, style = split_cells("          |2/7/0|A   |")
    assert (cells, style) == (("", "2/7/0", "A"), "pipe")
    assert filled == (False, True, False)


def test_box_drawing_row():
    assert split_cells("│ Common Stock │ 3,000 │ I │") == (("Common Stock", "3,000", "I"), (False, False, False), "box")
    assert split_cells("│Co│mmon│")[1] == (True, True)
    assert split_cells("┃ a ┃ b ┃")[0] == ("a", "b")


def test_line_without_separator_is_not_a_row():
    assert split_cells("Edgar Filing: APARTMENT INVESTMENT & MANAGEMENT CO - Form 4") is None
    assert line_style("plain words") is None


def test_rules():
    for rule in ("+-----+----+", "├──────┼─────┤", "| --- | :---: |", "_______________|",
                 "- -----------------|", "└────┴────┘", "===="):
        assert is_rule(rule), rule
    for not_rule in ("| a | b |", "", "- (1) footnote", "--", "Common Stock"):
        assert not is_rule(not_rule), not_rule


def test_read_rows_counts_rule_blocks_and_skips_blank_rows():
    lines = ["┌───┬───┐", "│ a │ 1 │", "├───┼───┤", "│ b │ 2 │", "│   │   │", "│ c │ 3 │", "└───┴───┘", "free text"]
    rows = read_rows(lines, first_line=10)
    assert [(r.cells, r.line_number, r.block, r.style) for r in rows] == [
        (("a", "1"), 11, 1, "box"), (("b", "2"), 13, 2, "box"), (("c", "3"), 15, 2, "box")]


def test_join_fragment_does_not_repeat_the_title_tail():
    assert join_fragment("Class A Common Stock", "Common Stock") == "Class A Common Stock"
    assert join_fragment("Class A Common Stock", "common  stock") == "Class A Common Stock"
    assert join_fragment("Class B", "Common Stock") == "Class B Common Stock"
    assert join_fragment("Series AB", "B") == "Series AB B"  # a tail must be whole words
    assert join_fragment(None, "x") == "x"
    assert join_fragment("x", "") == "x"
    assert join_fragment("2/7/0", "0", glue="") == "2/7/00"


def test_ends_with_words():
    assert ends_with_words("Class A Common Stock", "Common Stock")
    assert ends_with_words("Stock", "stock")
    assert not ends_with_words("Class A Common Stock", "on Stock")


def test_unwrap_fixed_width_mid_word_continuation():
    lines = [
        "Options to Purchase Co|$1.375  |2/7/0|A   |",
        "mmon Stock            |        |0    |    |",
    ]
    rows = read_rows(lines)
    merged = unwrap(rows, starts_row=lambda row: row.line_number == 0, mid_word=True)
    assert [r.cells for r in merged] == [("Options to Purchase Common Stock", "$1.375", "2/7/00", "A")]


def test_unwrap_with_space_glue_and_rule_blocks():
    lines = [
        "+--------------+-------+",
        "| Series B     | 2,000 |",
        "| Convertible  |       |",
        "| Preferred    |       |",
        "+--------------+-------+",
        "| Common Stock | 3,000 |",
        "+--------------+-------+",
    ]
    rows = read_rows(lines)
    merged = unwrap(rows, rows_by_block(rows))
    assert [(r.cells, r.line_number) for r in merged] == [
        (("Series B Convertible Preferred", "2,000"), 1), (("Common Stock", "3,000"), 5)]


def test_unwrap_tab_rows_with_a_predicate():
    rows = read_rows(["SMITH JANE\tX\t", "100 MAIN ST\t\t", "NEW YORK, NY 10001\t\t", "DOE JOHN\t\tX"])
    merged = unwrap(rows, starts_row=lambda row: any(row.cells[1:]))
    assert [r.cells for r in merged] == [
        ("SMITH JANE 100 MAIN ST NEW YORK, NY 10001", "X", ""), ("DOE JOHN", "", "X")]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab 1\t|│┃+-─├┤_:=\\", max_size=40), max_size=12))
def test_any_lines_split_without_error(lines):
    rows = read_rows(lines)
    for row in rows:
        assert isinstance(row, TextRow) and any(row.cells)
    merged = unwrap(rows, rows_by_block(rows), mid_word=True)
    assert len(merged) <= len(rows)


def test_join_lines_rejoins_a_word_broken_after_its_hyphen():
    assert join_lines(["Non-", "Employee Director", "Stock-", "Settled"]) == "Non-Employee Director Stock-Settled"
    # a dash standing alone, or after a number, is no broken word
    assert join_lines(["to Buy) -", "Class C"]) == "to Buy) - Class C"
    assert join_lines(["Series 2-", "A"]) == "Series 2- A"
    assert join_lines([]) == ""


def test_column_cells_join_a_cell_printed_over_several_lines():
    block = [segments("Non-          Common", 0), segments("Employee   $ 1  Stock", 1)]
    assert column_cells(block) == [(0, 8, "Non-Employee"), (11, 14, "$ 1"), (14, 21, "Common Stock")]
    # plain (line, start, end, text) tuples read the same; a cell's lines are read top to bottom
    plain = [[tuple(s) for s in line] for line in reversed(block)]
    assert column_cells(plain) == column_cells(block)


def _segments_by_words(line: str, gap: int) -> list[tuple[int, int, str]]:
    """Segments as words joined while fewer than `gap` spaces part them (the definition)."""
    line = line.expandtabs(8)
    out: list[list] = []
    at = 0
    for word in line.split(" "):
        if word:
            if out and at - out[-1][1] < gap:
                out[-1][1] = at + len(word)
            else:
                out.append([at, at + len(word)])
        at += len(word) + 1
    return [(a, b, line[a:b]) for a, b in out]


def test_segments_part_runs_of_text_at_two_spaces():
    assert [(s.start, s.end, s.text) for s in segments("  Common Stock   1,000  (1)  D", 3)] == [
        (2, 14, "Common Stock"), (17, 22, "1,000"), (24, 27, "(1)"), (29, 30, "D")]
    assert {s.line for s in segments("a  b", 3)} == {3}
    assert segments("") == [] and segments("     ") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \tab1$(", max_size=60), st.integers(min_value=1, max_value=4))
def test_segments_are_words_parted_by_fewer_spaces_than_the_gap(line, gap):
    assert [(s.start, s.end, s.text) for s in segments(line, gap=gap)] == _segments_by_words(line, gap)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \tab1$(\xa0", max_size=60))
def test_first_segment_is_the_first_of_segments(line):
    cut = segments(line)
    assert first_segment(line) == (cut[0].text if cut else "")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \tab1$(\xa0", max_size=60))
def test_spans_and_segment_texts_are_the_segments(line):
    cut = segments(line, 4)
    assert spans(line) == [(s.start, s.end, s.text) for s in cut]
    assert segment_texts(line) == [s.text for s in cut]
    assert {s.line for s in cut} <= {4}


_BORDERS = set("|+:=_-\u2500\u2501\u2550\u251c\u253c\u2524\u252c\u2534\u2514\u2518\u250c\u2510\u254b\u2523\u252b"
               "\u2533\u253b\u2554\u2557\u255a\u255d\u2560\u2563\u2566\u2569\u256c\u2502\u2503\u2551")


def _is_rule_by_definition(line: str) -> bool:
    """Border and line characters and white space only (a trailing line break aside), with a run
    of at least three line characters."""
    body = line[:-1] if line.endswith("\n") else line
    return bool(body) and all(c.isspace() or c in _BORDERS for c in body) and any(
        run and len(run) >= 3 for run in re.split(r"[^-\u2500\u2501\u2550_=]", body))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" \t\xa0-_=|+:a1\u2500\u2502\u2028\n", max_size=30))
def test_is_rule_by_its_definition(line):
    assert is_rule(line) is _is_rule_by_definition(line)
