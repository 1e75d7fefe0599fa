"""The Form 3/4/5 core's table rows: which rows are column headings, and the values a row's
cells hold (kinds, values, footnote marks), including rows that finish the row above."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms import ownership_form as of
from transforms.model import ParsedFiling
from transforms.text_tables import TextRow

# --- column headings ---------------------------------------------------------------------------------
# The heading test as first written (one pattern with re.I over the joined cells), kept here as
# the reference the quicker test must agree with.
_HEADER_WORDS = re.compile(
    r"^(?:\(A\)|\(D\)|\(I\)|or|Price|Code|V|Date|Exercisable|Expiration|Title|Amount|Number|of|Shares|and|Underlying"
    r"|Securit(?:y|ies)|Owned|D/I|A/D|Nature|Trans\.?|Transaction|Direct|Indirect|Ownership|Form|Beneficially"
    r"|Acquired|Disposed|Following|Reported|Derivative|Deemed|Execution|Conversion|Exercise|if|any"
    r"|\(Month/Day/Year\))$", re.I)
_INSTRUCTION_NUMBERS = re.compile(r"(?<![\d(,])\d{1,2}[,)](?![\d,])")
_COLUMN_HEADING = re.compile(r"(?:^|\t)\d{1,2}[A-Z]?\.\s|\(Instr\.", re.I)


def _reference_heading(cells: tuple[str, ...]) -> bool:
    joined = "\t".join(c for c in cells if c)
    if _COLUMN_HEADING.search(joined):
        return True
    if ")" in joined or "," in joined:
        joined = _INSTRUCTION_NUMBERS.sub(" ", joined)
    return not re.search(r"[\d$]", joined) and all(_HEADER_WORDS.match(word) for word in joined.split())


_PIECES = ["1.", "2A.", "3", "4,", "5)", "(Instr.", "(instr.", "Title", "of", "Security", "Shares", "Date",
           "(Month/Day/Year)", "(A)", "or", "(D)", "Price", "Code", "V", "Common", "Stock", "$", "$ 54.01", "1,500",
           "(1)", "05/19/2024", "D", "I", "and", "Amount", "\u0130nstr", "\u017fhares", "Trans.", ",", ")"]
_CELL = st.lists(st.sampled_from(_PIECES), max_size=5).map(" ".join)


@given(st.lists(_CELL, max_size=6))
def test_column_heading_test_agrees_with_the_reference(cells):
    row = TextRow(tuple(cells), 0, 0, "cells")
    assert of.is_column_heading(row) is _reference_heading(tuple(cells))


@pytest.mark.parametrize("cells, expected", [
    (("1. Title of Security (Instr. 3)", "2. Transaction Date (Month/Day/Year)"), True),
    (("", "Code", "V", "Amount", "(A) or (D)", "Price"), True),
    (("(Instr. 3 and 4)",), True),
    (("Securities Acquired", "and 4)"), True), (("Securities Acquired", "4 and 5)"), False),
    (("Common Stock", "05/19/2024", "S", "1,500 (1)", "D", "$ 54.01", "12,000", "D"), False),
    (("Common Stock", "12,000", "D"), False),
    (("Price", "$"), False),
])
def test_column_headings(cells, expected):
    assert of.is_column_heading(TextRow(cells, 0, 0, "cells")) is expected


# --- values of a row ---------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, kind, value", [
    ("3,344", "number", "3,344"), ("274,366.4927", "number", "274,366.4927"), (".5", "number", ".5"),
    ("11/02/2013", "date", "11/02/2013"), ("$ 245.98", "price", "$ 245.98"), ("$245.98", "price", "$245.98"),
    ("D", "letter", "D"), ("Common\u2028Stock", "text", "Common Stock"),
])
def test_a_cell_of_one_value(cell, kind, value):
    [token] = of.read_record(TextRow(("Common Stock", cell), 0, 0, "cells")).tokens
    assert (token.kind, token.value, token.fns) == (kind, value, [])


def test_cells_of_several_values_and_marks():
    record = of.read_record(TextRow(("Common Stock (2)", "D $ 67.6561 (3)", "1.5.5", "16,130 (1) (4)"), 4, 0, "cells"))
    assert (record.title, record.title_fns, record.line_number) == ("Common Stock", ["F2"], 4)
    assert [(t.kind, t.value, t.fns, t.joined) for t in record.tokens] == [
        ("letter", "D", [], False), ("price", "$ 67.6561", ["F3"], True), ("text", "1.5.5", [], False),
        ("number", "16,130", ["F1", "F4"], False)]


def test_a_row_that_finishes_the_one_above_leaves_the_cells_of_other_rows_alone():
    """Cells repeat across rows (and their values are read once): a price that arrives on the next
    line fills the '$' of its own row only."""
    waiting = TextRow(("Common Stock", "05/19/2024", "S", "100", "D", "$", "900", "D"), 0, 0, "cells")
    price = TextRow(("", "54.01 (1)"), 1, 0, "cells")
    found = of.records([waiting, price, waiting])
    assert [[(t.kind, t.value, t.fns) for t in r.tokens if t.kind in ("price", "dollar")] for r in found] == [
        [("price", "54.01", ["F1"])], [("dollar", "$", [])]]
    filing = ParsedFiling({"filing_id": "x"})
    of.add_table_rows(filing, found, of.TABLE_I, "4")
    rows = filing.rows["nonderiv_transactions"]
    assert [(r["transaction_date"], r["price_per_share"], r["shares_owned_after"]) for r in rows] == [
        (dt.date(2024, 5, 19), Decimal("54.01"), Decimal("900")), (dt.date(2024, 5, 19), None, Decimal("900"))]
    assert filing.rows["footnote_refs"] == [
        {"table_name": "nonderiv_transactions", "row_index": 0, "field": "price_per_share", "footnote_id": "F1"}]


# --- aligning values to the form's columns ---------------------------------------------------------
# The alignment search against every way of putting the values in the layout's slots in order: the
# cheapest (the weights of the slots left empty, the cost of each value in its slot, and a small
# cost per slot skipped between two values of one cell), and among equally cheap ones the first
# in slot order.
_SIGNATURES = ["date", "number", "price", "dollar", "text", "fn", "null", "(A)", "(D)", "LA", "LD", "LI", "LP", "LS",
               "LV", "LM", "LX"]


def _reference_alignment(layout: str, signatures: tuple[str, ...]) -> tuple[int, ...] | None:
    import itertools
    slots = of._LAYOUTS[layout]
    best = None
    for picked in itertools.combinations(range(len(slots)), len(signatures)):
        costs = [of._cost(slots[k], sig) for k, sig in zip(picked, signatures)]
        if None in costs:
            continue
        total = sum(costs) + sum(slot.weight for k, slot in enumerate(slots) if k not in picked)
        for i, sig in enumerate(signatures):
            if sig[0] == "+":  # the slots skipped before a value that shares its cell with the one before
                total += (picked[i] - (picked[i - 1] + 1 if i else 0)) * of._SPLIT_CELL_COST
        if best is None or total < best[0] - 1e-9:
            best = (total, picked)
    return best[1] if best else None


@given(st.sampled_from(sorted(of._LAYOUTS)),
       st.lists(st.tuples(st.booleans(), st.sampled_from(_SIGNATURES)), max_size=7))
def test_alignment_is_the_cheapest_placement_in_order(layout, values):
    signatures = tuple(("+" if joined else "") + sig for joined, sig in values)
    assert of._align.__wrapped__(layout, signatures) == _reference_alignment(layout, signatures)
