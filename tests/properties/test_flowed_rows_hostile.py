"""Rows read from text without column positions, on generated and hostile input: the reader
never invents a value (every word of a row was printed in the table) and never fails but with an
`unreadable_row`. (Its reading time against line length: tests/properties/test_reader_line_length.py.)"""
from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from transforms import flowed_rows, ownership_form as of
from transforms.errors import ParseError
from transforms.model import ParsedFiling

WORDS = st.sampled_from([
    "Common", "Stock", "Class", "A", "D", "I", "F", "S", "M(1)", "$", "$ 64.73", "64.73", "(1)", "(2)",
    "01/24/2020", "12/31/2030", "100", "27,484", "1,500.5", "(right", "to", "buy)", "Option", "See", "Footnote",
    "|", "| --- |", "Code", "V", "(Instr. 4)", "2.", "", "  "])
LINES = st.lists(st.lists(WORDS, max_size=9).map(" ".join), min_size=1, max_size=14)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=LINES, part=st.sampled_from([of.TABLE_I, of.TABLE_II]), form=st.sampled_from(["3", "4", "5"]))
@example(lines=["Common (1) (1) D"], part=of.TABLE_I, form="3")  # a last D split off, then the marks
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
