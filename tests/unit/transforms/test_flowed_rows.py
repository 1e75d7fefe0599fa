"""Rows of Form 3/4/5 tables read from text whose columns were collapsed (PDF text without
column positions): which tables are read so, and the rows read from hand-made text in the
shapes PDF converters print (pdfminer's lines with cells printed above and below a row's
middle line, markdown lines around them, one cell per line)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from transforms import flowed_rows, ownership_form as of, ownership_text
from transforms.errors import ParseError
from transforms.model import ParsedFiling
from transforms.text_tables import TextRow

FIXTURES = Path(__file__).resolve().parents[2] / "support" / "fixtures"


def _rows(lines: str, part: str = of.TABLE_I, form_number: str = "4") -> list[tuple[str, ...]]:
    return [row.cells for row in flowed_rows.table_rows(lines.strip("\n").split("\n"), 0, part, form_number)]


def _loaded(lines: str, part: str = of.TABLE_I, form_number: str = "4") -> ParsedFiling:
    filing = ParsedFiling({"filing_id": "x", "form_type": form_number}, {})
    rows = flowed_rows.table_rows(lines.strip("\n").split("\n"), 0, part, form_number)
    of.add_table_rows(filing, of.records(rows), part, form_number)
    return filing


# --- which tables lost their columns ---------------------------------------------------------
@pytest.mark.parametrize("lines, flowed", [
    (["Common Stock 01/24/2020 F 100 D $ 64.73 27,484 (1) D"], True),
    # markdown lines with values printed apart between them (markitdown's PDF text)
    (["$", "| Common Stock |  | 01/24/2020 | F | 100 D | 27,484 | D |", "64.73"], True),
    # fixed-width text: columns kept by the spaces
    (["   Common Stock      01/24/2020     F      100    D   $ 64.73   27,484   D",
      "                                                  (1)"], False),
    # a table drawn with separators only, and tab-separated cells
    (["| Common Stock | 01/24/2020 | F | 100 | D | $ 64.73 | 27,484 | D |"], False),
    (["Common Stock\t01/24/2020\tF\t100\tD\t$ 64.73\t27,484\tD", "Edgar Filing: ACME CORP - Form 4"], False),
    # headings only: nothing to read
    (["1. Title of Security (Instr. 3)", "Code V Amount (A) or (D) Price"], False),
])
def test_tables_without_column_positions_are_told_from_others(lines, flowed):
    assert flowed_rows.is_flowed(lines) is flowed


# --- pdfminer text: a row's middle line and what is printed above and below it ----------------
TABLE_I = """
1.Title of Security 2. Transaction 2A. Deemed 3. Transaction 4. Securities Acquired 5. Amount
(Instr. 3) Date Execution Date, if Code (A) or Disposed of (D) Owned Following Reported
Code V Amount (A) or (D) Price
$
Common Stock 01/24/2020 F 100 D 27,484 (1) D
64.73
$
Common Stock 01/26/2020 F 434 D 27,050 (2) D
64.50
S(3)
Common Stock 01/27/2020 180 D $ 62.72 26,870 D
"""


def test_a_price_printed_over_two_lines_around_its_row_joins_that_row():
    assert _rows(TABLE_I) == [
        ("Common Stock", "01/24/2020", "F", "100", "D", "$ 64.73", "27,484 (1)", "D"),
        ("Common Stock", "01/26/2020", "F", "434", "D", "$ 64.50", "27,050 (2)", "D"),
        ("Common Stock", "01/27/2020", "S(3)", "180", "D", "$ 62.72", "26,870", "D"),
    ]
    rows = _loaded(TABLE_I).rows["nonderiv_transactions"]
    assert [(r["transaction_code"], r["shares"], r["price_per_share"], r["shares_owned_after"]) for r in rows] == [
        ("F", D("100"), D("64.73"), D("27484")), ("F", D("434"), D("64.50"), D("27050")),
        ("S", D("180"), D("62.72"), D("26870"))]
    assert rows[1]["transaction_date"] == dt.date(2020, 1, 26) and rows[2]["direct_indirect"] == "D"


@pytest.mark.parametrize("line, cells", [
    # a number glued to its '$', or one followed by words, is the title's own
    ("Common Stock, par value $0.0001 10/17/2017 J(1) 1,278,471 D $ 0 0 I",
     ("Common Stock, par value $0.0001", "10/17/2017", "J(1)", "1,278,471", "D", "$ 0", "0", "I")),
    ("Common Stock, par value $0.01 per share 03/02/2021 S 400 D $ 40.25 10,600 D",
     ("Common Stock, par value $0.01 per share", "03/02/2021", "S", "400", "D", "$ 40.25", "10,600", "D")),
    ("Series 2018 Notes 03/02/2021 P 400 A $ 98 1,400 D",
     ("Series 2018 Notes", "03/02/2021", "P", "400", "A", "$ 98", "1,400", "D")),
    # a capital letter ending a title is a word of it
    ("Class B 03/02/2021 P 400 A $ 98 1,400 D", ("Class B", "03/02/2021", "P", "400", "A", "$ 98", "1,400", "D")),
])
def test_a_title_holding_numbers_of_its_own_keeps_them(line, cells):
    assert _rows(line) == [cells]
    row = _loaded(line).rows["nonderiv_transactions"][0]
    assert (row["security_title"], row["shares"]) == (cells[0], D(cells[3].replace(",", "")))


TABLE_II = """
1. Title of 2. 3. Transaction 3A. Deemed 4. 5. 6. Date Exercisable and 7. Title and Amount
Code V (A) (D) Date Exercisable Expiration Date Title Amount or Number of Shares
Employee
Stock
Common
Option $ 39.1 01/25/2012 01/25/2021 1,500 1,500 D
Stock
(right to
buy)
Employee
Stock
Common
Option $ 29.6 01/24/2013 01/24/2022 4,000 4,000 D
Stock
(right to
buy)
"""


def test_a_title_centred_on_its_row_is_told_from_the_underlying_title_between_its_lines():
    filing = _loaded(TABLE_II, of.TABLE_II)
    rows = filing.rows["deriv_holdings"]
    assert [(r["security_title"], r["underlying_title"], r["conversion_or_exercise_price"], r["exercise_date"],
             r["underlying_shares"]) for r in rows] == [
        ("Employee Stock Option (right to buy)", "Common Stock", D("39.1"), dt.date(2012, 1, 25), D("1500")),
        ("Employee Stock Option (right to buy)", "Common Stock", D("29.6"), dt.date(2013, 1, 24), D("4000"))]
    assert not filing.rows.get("deriv_transactions")


def test_markdown_cells_keep_another_columns_words_apart():
    lines = """
| Stock Option (right to |  |  | Common |  |
|  | (1) | 05/19/2024 |  | 3,344 | $ 1.57 | D |
| buy) |  |  | Stock |  |
"""
    assert _rows(lines, of.TABLE_II, "3") == [
        ("Stock Option (right to buy)", "(1)", "05/19/2024", "Common Stock", "3,344", "$ 1.57", "D")]
    row = _loaded(lines, of.TABLE_II, "3").rows["deriv_holdings"][0]
    assert (row["exercise_date"], row["expiration_date"], row["underlying_title"], row["underlying_shares"],
            row["conversion_or_exercise_price"]) == (None, dt.date(2024, 5, 19), "Common Stock", D("3344"), D("1.57"))


def test_a_holding_with_its_amount_printed_apart():
    lines = """
Direct (D)
or Indirect
12,500 (1)
| Common Stock |  |  | D |  |
"""
    row = _loaded(lines, of.TABLE_I, "3").rows["nonderiv_holdings"][0]
    assert (row["security_title"], row["shares_owned_after"], row["direct_indirect"]) == ("Common Stock", D("12500"), "D")


# --- pdftotext without -layout: one cell per line ----------------------------------------------
ONE_CELL_PER_LINE = """
2. Transaction
Date
Code
V
(Instr. 3 and 4)
Common Stock
01/24/2020
F
100
D
$
(1)
64.73 27,484
D
Class A
Common Stock
01/26/2020
S
434
D
$ 64.50
27,050
I
"""


def test_text_printed_one_cell_per_line():
    rows = _loaded(ONE_CELL_PER_LINE).rows["nonderiv_transactions"]
    assert [(r["security_title"], r["transaction_date"], r["transaction_code"], r["shares"], r["price_per_share"],
             r["shares_owned_after"], r["direct_indirect"]) for r in rows] == [
        ("Common Stock", dt.date(2020, 1, 24), "F", D("100"), D("64.73"), D("27484"), "D"),
        ("Class A Common Stock", dt.date(2020, 1, 26), "S", D("434"), D("64.50"), D("27050"), "I")]


def test_a_mark_printed_apart_from_any_value_is_left_out_not_guessed():
    lines = """
Common Stock 01/24/2020 F 100 D $ 64.73 27,484 D
(7)
"""
    filing = _loaded(lines)
    assert filing.rows["nonderiv_transactions"][0]["shares_owned_after"] == D("27484")
    assert not filing.rows.get("footnote_refs")


def test_a_row_whose_values_fit_no_order_is_unreadable_never_dropped():
    lines = """
Common Stock 01/24/2020 F 100 D $ 64.73 27,484 D
01/25/2020 01/26/2020 01/27/2020
"""
    with pytest.raises(ParseError) as e:
        _loaded(lines)
    assert e.value.code == "unreadable_row"


def test_row_cost_prefers_the_reading_that_fills_the_forms_columns():
    def cost(*cells):
        return of.row_cost(of.read_record(TextRow(cells, 0, 0, "flowed")), of.TABLE_I, "4")
    full = cost("Common Stock", "01/24/2020", "F", "100", "D", "$ 64.73", "27,484", "D")
    without_price = cost("Common Stock", "01/24/2020", "F", "100", "D", "27,484", "D")
    assert 0 <= full < without_price
    assert cost("Common Stock", "01/24/2020", "01/25/2020", "01/26/2020", "F", "G") is None


# --- a whole rendering ------------------------------------------------------------------------------
def test_a_whole_flowed_rendering_reads_every_table():
    filing = ownership_text.read((FIXTURES / "ownership_text_form4_flowed.md").read_text(encoding="utf-8"))[0]
    assert (filing.filing["issuer_name"], filing.filing["issuer_ticker"]) == ("EXAMPLE WIDGETS CORP", "EXWC")
    nt = filing.rows["nonderiv_transactions"]
    assert [(r["transaction_code"], r["shares"], r["acquired_disposed"], r["price_per_share"], r["shares_owned_after"])
            for r in nt] == [("M", D("1000"), "A", D("12.5"), D("11000")), ("S", D("400"), "D", D("40.25"), D("10600"))]
    holding = filing.rows["nonderiv_holdings"][0]
    assert (holding["row_index"], holding["security_title"], holding["shares_owned_after"],
            holding["direct_indirect"]) == (2, "Class A Common Stock", D("2500"), "I")
    dt_row = filing.rows["deriv_transactions"][0]
    assert (dt_row["security_title"], dt_row["conversion_or_exercise_price"], dt_row["transaction_code"],
            dt_row["expiration_date"], dt_row["underlying_title"], dt_row["underlying_shares"],
            dt_row["price_per_share"], dt_row["shares_owned_after"]) == (
        "Employee Stock Option (right to buy)", D("12.5"), "M", dt.date(2028, 6, 30), "Common Stock", D("1000"),
        D("0"), D("4000"))
    dh = filing.rows["deriv_holdings"][0]
    assert (dh["row_index"], dh["conversion_or_exercise_price"], dh["expiration_date"], dh["underlying_shares"]) == (
        1, D("20"), dt.date(2031, 1, 15), D("2000"))
    assert len(filing.rows["footnotes"]) == 6


def test_a_line_below_holding_the_title_s_end_and_the_underlying_title_s_is_cut_where_the_title_closes():
    # pymupdf4llm's picture text: the title over two lines around the row, the underlying title
    # starting on the row's line and ending on the line below, after the title's last words
    lines = """
Stock Option (right to
(1) 05/19/2024 Common 3,344 $ 1.57 D
buy) Stock
Stock Option (right to
(2) 07/19/2025 Common 6,688 $ 1.57 D
buy) Stock
"""
    rows = _loaded(lines, of.TABLE_II, "3").rows["deriv_holdings"]
    assert [(r["security_title"], r["underlying_title"], r["underlying_shares"]) for r in rows] == [
        ("Stock Option (right to buy)", "Common Stock", D("3344")),
        ("Stock Option (right to buy)", "Common Stock", D("6688"))]


def test_lines_between_two_rows_are_split_where_each_title_s_parentheses_pair():
    # a row whose title and underlying title stand in markdown cells, then a row printed as
    # flowed lines whose first line joins the title's first words and the underlying title's:
    # the line closing the first title is the first row's, not the second's
    lines = """
| Stock Option (right to |     |            | Common |        |        |   |
|                        | (3) | 06/01/2027 |        | 11,731 | $ 2.92 | D |
| buy)                   |     |            | Stock  |        |        |   |
Stock Option (right to Common
(4) 01/30/2029 15,022 $ 4.34 D
buy) Stock
"""
    rows = _rows(lines, of.TABLE_II, "3")
    assert rows[0] == ("Stock Option (right to buy)", "(3)", "06/01/2027", "Common Stock", "11,731", "$ 2.92", "D")
    assert rows[1][0].startswith("Stock Option (right to") and rows[1][1:3] == ("(4)", "01/30/2029")
    assert not flowed_rows._paired("buy) Stock Option (right to") and flowed_rows._paired("Option (right to buy)")


def test_a_plan_named_by_its_section_and_spaced_out_is_words_not_a_number():
    # the nature of an indirect holding ('401(k) Plan') printed around the row, the converter
    # spacing out '401 (k)': words of the nature, never a number or a footnote mark
    lines = """
401 (k)
| Common Stock | 02/18/2020 |     |     | J   7.6 | A   | $ 0 540.21 |     | I   |     |
| ------------ | ---------- | --- | --- | ------- | --- | ---------- | --- | --- | --- |
Plan
"""
    row = _loaded(lines).rows["nonderiv_transactions"][0]
    assert (row["transaction_code"], row["shares"], row["shares_owned_after"], row["direct_indirect"],
            row["nature_of_ownership"]) == ("J", D("7.6"), D("540.21"), "I", "401(k) Plan")


def test_the_underlying_title_s_lines_in_markdown_cells_around_its_middle_word_on_the_row_s_line():
    # markitdown: the row's line as plain text ('Common' the underlying title's middle line), the
    # lines above and below as markdown rows holding both titles' other lines
    lines = """
| Restricted |     |     |     |      |           | Class A |        |     |     |     |
Stock (1) 08/25/2020   M     417   (4)   (4) Common 417 $ 0 5,834 D
| Units      |     |     |     |     |     | Stock   |     |     |     |     |
"""
    rows = _loaded(lines, of.TABLE_II).rows["deriv_transactions"]
    assert [(r["security_title"], r["underlying_title"], r["underlying_shares"], r["shares_owned_after"])
            for r in rows] == [("Restricted Stock Units", "Class A Common Stock", D("417"), D("5834"))]


def test_a_dollar_sign_printed_after_a_number_is_the_sign_of_the_number_after_it():
    # markitdown: the shares and the price's '$' on the line above the row, the price below
    lines = """
18.131 $
| Common Stock | 11/02/2020 |     | P   | A 11,062.337 | D   |     |
(1) 12.24
"""
    row = _loaded(lines).rows["nonderiv_transactions"][0]
    assert (row["shares"], row["price_per_share"], row["shares_owned_after"]) == (
        D("18.131"), D("12.24"), D("11062.337"))
