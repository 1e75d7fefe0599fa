"""Rows read from text without column positions, on generated and hostile input: the reader
never invents a value (every word of a row was printed in the table), never fails but with an
`unreadable_row`, and takes time linear in line length (long runs of spaces, digits, pipes,
marks cost about 8x more at 8x the length; measured as a ratio within one run)."""
from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms import flowed_rows, ownership_form as of, ownership_text
from transforms.errors import ParseError
from transforms.model import ParsedFiling

FLOWED = Path(__file__).resolve().parents[1] / "support" / "fixtures" / "ownership_text_form4_flowed.md"

WORDS = st.sampled_from([
    "Common", "Stock", "Class", "A", "D", "I", "F", "S", "M(1)", "$", "$ 64.73", "64.73", "(1)", "(2)",
    "01/24/2020", "12/31/2030", "100", "27,484", "1,500.5", "(right", "to", "buy)", "Option", "See", "Footnote",
    "|", "| --- |", "Code", "V", "(Instr. 4)", "2.", "", "  "])
LINES = st.lists(st.lists(WORDS, max_size=9).map(" ".join), min_size=1, max_size=14)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=LINES, part=st.sampled_from([of.TABLE_I, of.TABLE_II]), form=st.sampled_from(["3", "4", "5"]))
def test_rows_hold_only_words_the_table_printed(lines, part, form):
    rows = flowed_rows.table_rows(lines, 0, part, form)
    printed = Counter(w for line in lines for w in line.replace("|", " ").split())
    read = Counter(w for row in rows for cell in row.cells for w in cell.split())
    assert not read - printed, read - printed
    filing = ParsedFiling({"filing_id": "x", "form_type": form}, {})
    try:
        of.add_table_rows(filing, of.records(rows), part, form)
    except ParseError as e:
        assert e.code in ("unreadable_row", "invalid_value"), e


def _read_time(text: str) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        try:
            ownership_text.read(text)
        except ParseError:
            pass
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.slow
@pytest.mark.parametrize("run", ["    ", " 12", "1,", "$ ", "(1)", " | ", "--", " X", "A "])
def test_reading_flowed_tables_is_linear_in_line_length(run):
    lines = FLOWED.read_text(encoding="utf-8").split("\n")
    slow = []
    for at in range(0, len(lines), 3):
        line = lines[at]

        def make(pad: str, at=at, line=line) -> str:
            mid = len(line) // 2
            return "\n".join(lines[:at] + [line[:mid] + pad + line[mid:]] + lines[at + 1:])
        small = _read_time(make(run * (2_000 // len(run))))
        large = _read_time(make(run * (16_000 // len(run))))
        if large > 20 * small + 0.005:
            slow.append(f"line {at + 1}: {small * 1000:.1f} ms -> {large * 1000:.1f} ms")
    assert not slow, "\n".join(slow[:10])


ONE_CELL_PER_LINE = ["Common Stock", "01/24/2020", "F", "100", "D", "$", "(1)", "64.73 27,484", "D",
                     "Class A", "Common Stock", "01/26/2020", "S", "434", "D", "$ 64.50", "27,050", "I"]


def _rows_time(lines: list[str]) -> float:
    start = time.process_time()
    flowed_rows.table_rows(lines, 0, of.TABLE_I, "4")
    return time.process_time() - start


@pytest.mark.slow
@pytest.mark.parametrize("run", ["    ", " 12", "1,", "$ ", "(1) ", " X", "A ", ". ", "Stock "])
def test_one_cell_per_line_is_linear_in_line_length(run):
    slow = []
    for at in range(len(ONE_CELL_PER_LINE)):
        def make(pad: str, at=at) -> list[str]:
            return ONE_CELL_PER_LINE[:at] + [ONE_CELL_PER_LINE[at] + pad] + ONE_CELL_PER_LINE[at + 1:]
        small = min(_rows_time(make(run * (2_000 // len(run)))) for _ in range(2))
        large = min(_rows_time(make(run * (16_000 // len(run)))) for _ in range(2))
        if large > 20 * small + 0.005:
            slow.append(f"line {at + 1}: {small * 1000:.1f} ms -> {large * 1000:.1f} ms")
    assert not slow, "\n".join(slow[:10])
