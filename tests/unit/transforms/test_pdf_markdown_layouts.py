"""Layouts of a Form 3/4 page that PDF-to-markdown converters print, read from hand-made text:
the cover's relationship boxes, markdown tables that give each printed line a row of its own
(a tall cell centred on its row's values), lines of a row's cell pieces ('$', marks) and free
words around rows, text that lost its column positions (flowed lines among markdown tables),
Reporting Owners heading cells that name several relationships, sections out of reading order,
and the print header's page title on a line of its own."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from transforms import ownership_text
from transforms.text_tables import TextRow

BOXES_OFFICER = "_____ Director _____ 10% Owner\n__X__ Officer (give title below) _____ Other (specify below)"


TABLE_I = """| Common Stock | 03/02/2021 |     | S | 400 | D | $ 40.25 | 10,600 | D |     |
| ------------ | ---------- | --- | - | --- | - | ------- | ------ | - | --- |"""


def page(boxes: str = BOXES_OFFICER, table_ii: str = "", owners: str = "", header: str = "",
         table_i: str = TABLE_I, before_table_ii: str = "") -> str:
    """A Form 4 page as a PDF-to-markdown converter prints it, with the parts under test."""
    return f"""{header}FORM 4 UNITED STATES SECURITIES AND EXCHANGE COMMISSION
STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP OF SECURITIES
1. Name and Address of Reporting Person * 2. Issuer Name and Ticker or Trading Symbol 5. Relationship of Reporting Person(s) to Issuer
(Check all applicable)
| ROE RICHARD |     | EXAMPLE WIDGETS CORP [EXWC] |     |
| ----------- | --- | --------------------------- | --- |
{boxes}
3. Date of Earliest Transaction (Month/Day/Year)
03/02/2021
Table I - Non-Derivative Securities Acquired, Disposed of, or Beneficially Owned
1.Title of Security 2. Transaction 2A. Deemed 3. Transaction 4. Securities Acquired 5. Amount of Securities
{table_i}
{before_table_ii}Table II - Derivative Securities Acquired, Disposed of, or Beneficially Owned
(e.g., puts, calls, warrants, options, convertible securities)
{table_ii}
Reporting Owners
Relationships
Reporting Owner Name / Address
{owners}
Signatures
/s/ Richard Roe 03/04/2021
**Signature of Reporting Person Date
Explanation of Responses:
(1) Options vest in four equal annual parts.
"""


def form3(**parts: str) -> str:
    """A Form 3 page: holdings only; its Table II prints the price after the underlying security."""
    text = page(table_i="| Common Stock | 10,600 | D |     |\n| --- | --- | --- | --- |", **parts)
    return text.replace("FORM 4", "FORM 3").replace("STATEMENT OF CHANGES IN", "INITIAL STATEMENT OF")


def holdings_of(table_ii: str, *extra: str) -> list[tuple]:
    """Table II holdings of a page with this Table II: title, exercise price, expiration date,
    underlying title and shares, then the `extra` columns."""
    filing = ownership_text.read(page(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY))[0]
    columns = ("security_title", "conversion_or_exercise_price", "expiration_date", "underlying_title",
               "underlying_shares", *extra)
    return [tuple(r[c] for c in columns) for r in filing.rows["deriv_holdings"]]


def owners_of(text: str) -> list[dict]:
    filing = ownership_text.read(text)[0]
    keys = ("owner_name", "is_director", "is_ten_percent_owner", "is_officer", "is_other", "officer_title",
            "other_text")
    return [{k: row[k] for k in keys} for row in filing.rows["reporting_owners"]]


def owner(name, director, ten, officer, other, title=None, text=None) -> dict:
    return {"owner_name": name, "is_director": director, "is_ten_percent_owner": ten, "is_officer": officer,
            "is_other": other, "officer_title": title, "other_text": text}


# --- the cover's relationship boxes -------------------------------------------------------------
OWNER_TABLE_TITLE_ONLY = """|     |  Director  10% Owner |  Officer |  Other |     |
| --- | -------------------- | -------- | ------ | --- |
ROE RICHARD
|     |     |     |     Chief Executive Officer |     |
| --- | --- | --- | --------------------------- | --- |
100 MAIN STREET
SPRINGFIELD, IL 62701"""


def test_the_cover_boxes_give_the_first_owner_and_place_its_title():
    # the title stands one cell right of its heading in the owner's table: the cover says officer
    assert owners_of(page(owners=OWNER_TABLE_TITLE_ONLY)) == [
        owner("ROE RICHARD", False, False, True, False, "Chief Executive Officer")]


def test_an_other_box_makes_the_first_owner_s_text_its_other_text():
    boxes = "_____ Director _____ 10% Owner\n_____ Officer (give title below) __X__ Other (specify below)"
    assert owners_of(page(boxes=boxes, owners=OWNER_TABLE_TITLE_ONLY)) == [
        owner("ROE RICHARD", False, False, False, True, None, "Chief Executive Officer")]


def test_boxes_whose_captions_a_converter_broke_are_read_by_the_caption_start():
    # pymupdf4llm: '10%<br> Owner', 'Oth' | 'er (specify' in another cell
    boxes = "|(Check all app<br>__X__ Director _____ 10%<br> Owner<br>__X__ Officer (give _____ Oth|er (specify|"
    got = owners_of(page(boxes=boxes, owners=OWNER_TABLE_TITLE_ONLY))
    assert got == [owner("ROE RICHARD", True, False, True, False, "Chief Executive Officer")]


def test_a_cover_missing_a_box_tells_nothing_and_the_table_is_read_as_printed():
    boxes = "_____ Director __X__ 10% Owner\n_____ Officer (give title below)"  # no Other box
    owners = """|     | Director | 10% Owner | Officer | Other |
| --- | -------- | --------- | ------- | ----- |
ROE RICHARD
| 100 MAIN STREET |     | X |     |     |
| --------------- | --- | - | --- | --- |
SPRINGFIELD, IL 62701"""
    assert owners_of(page(boxes=boxes, owners=owners)) == [owner("ROE RICHARD", False, True, None, None)]
    # a box read twice, differently, or no box read checked (an owner always has a relationship)
    assert ownership_text._cover_boxes(["__X__ Director _____ Director _____ 10% Owner _____ Officer _____ Other"]) == {}
    assert ownership_text._cover_boxes(["_____ Director _____ 10% Owner", "Officer (give title below) _____ Other"]) == {}


# --- Reporting Owners: heading cells naming several relationships -------------------------------------
def test_marks_and_titles_go_by_the_heading_cell_they_stand_under():
    owners = """|     | Director 10% Owner | Officer | Other |     |
| --- | ------------------ | ------- | ----- | --- |
| ROE RICHARD<br>100 MAIN STREET<br>SPRINGFIELD, IL 62701 |  | Chief Executive Officer |  |  |
| DOE JANE<br>1 ELM ST<br>DENVER, CO 80237 |  |  | Trustee |  |"""
    got = owners_of(page(owners=owners))
    assert got[0] == owner("ROE RICHARD", False, False, True, False, "Chief Executive Officer")
    # the second owner's X marks would stand under 'Director 10% Owner': none printed, so unchecked
    assert got[1] == owner("DOE JANE", False, False, None, True, None, "Trustee")


def test_a_mark_under_a_heading_cell_naming_both_marked_columns_is_not_guessed():
    boxes = "_____ Director __X__ 10% Owner\n_____ Officer (give title below) _____ Other (specify below)"
    owners = """|Reporting Owner Name / Address|Relationships|
|---|---|
||Director 10% Owner Officer Other|
|ROE RICHARD<br>100 MAIN STREET<br>SPRINGFIELD, IL 62701|X|
|DOE JANE<br>1 ELM ST<br>DENVER, CO 80237|X|"""
    got = owners_of(page(boxes=boxes, owners=owners))
    assert got[0] == owner("ROE RICHARD", False, True, False, False)  # the cover's boxes
    assert got[1] == owner("DOE JANE", None, None, None, None)


def test_a_cell_holding_more_than_headings_is_no_heading_cell():
    # lines before the table joined into its first cell hold the headings' words and a name
    rows = [["Reporting Owner Name / Address", "", "Relationships"],
            ["Director 10% Owner Officer Other\u2028OMENN GILBERT S\u2028X"]]
    assert ownership_text._role_columns(rows) == ([], 0)


# --- markdown tables giving each printed line a row ------------------------------------------
CENTRED_TABLE_II = """|     |     | Code | V (A) (D) | Date Exercisable | Expiration Date | Title | Shares |     |
| --- | --- | ---- | --------- | ---------------- | --------------- | ----- | ------ | --- |
| Stock Option (Right to |     |     |     |     |     | Common |     |     |
|                        | $ 4.3 | (1) | 06/11/2025 |     |     |     | 134,682 | D |
| Buy)                   |     |     |     |     |     | Stock  |     |     |
| Employee Stock |     |     |     |     |     | Class A |     |     |
| Option (Right to |     |     |     |     |     | Common |     |     |
|                        | $ 2.95 | (1) | 12/04/2029 |     |     | Stock |  67,039 | D |
| Buy) with a |     |     |     |     |     |     |     |     |
| long title |     |     |     |     |     |     |     |     |"""


def test_a_row_takes_as_many_lines_below_its_values_as_above_them_in_each_column():
    assert holdings_of(CENTRED_TABLE_II) == [
        ("Stock Option (Right to Buy)", D("4.3"), dt.date(2025, 6, 11), "Common Stock", D("134682")),
        ("Employee Stock Option (Right to Buy) with a long title", D("2.95"), dt.date(2029, 12, 4),
         "Class A Common Stock", D("67039"))]


def test_one_line_per_row_and_cells_holding_their_lines_are_left_as_they_are():
    one_per_row = [TextRow(("Stock Option", "$ 4.3", "06/11/2025", "Common Stock", "100", "D"), 0, 0, "pipe"),
                   TextRow(("Warrant", "$ 5", "06/11/2026", "Common Stock", "200", "D"), 1, 0, "pipe")]
    assert ownership_text._centred_rows(one_per_row) == one_per_row
    stacked = [TextRow(("Stock\u2028Option", "", "", "Common\u2028Stock"), 0, 0, "pipe"),
               TextRow(("", "$ 4.3", "06/11/2025", "", "100", "D"), 1, 0, "pipe")]
    assert ownership_text._centred_rows(stacked) == stacked


# A row whose numbers stand on the line above its title (title and 'D' on the next line), after a
# row printed on one line: the lines fill different columns, so they are one row.
VALUES_ABOVE_TITLE_TABLE_II = """|     |     | Code | V (A) (D) | Date Exercisable | Expiration Date | Title | Shares |     |
| --- | --- | ---- | --------- | ---------------- | --------------- | ----- | ------ | --- |
| Stock Option (Right to Buy) | $ 4.3 | (1) | 06/11/2025 |     |     | Common Stock | 134,682 | D |
| --------------------------- | ----- | --- | ---------- | --- | --- | ------------ | ------- | - |
|                             | $ 2.95 | (1) | 12/04/2029 |     |     |             |  67,039 |   |
| Warrant (Right to Buy)      |        |     |            |     |     | Common Stock |         | D |"""


def test_a_row_s_numbers_on_the_line_above_its_title_are_that_row_s():
    assert holdings_of(VALUES_ABOVE_TITLE_TABLE_II, "direct_indirect") == [
        ("Stock Option (Right to Buy)", D("4.3"), dt.date(2025, 6, 11), "Common Stock", D("134682"), "D"),
        ("Warrant (Right to Buy)", D("2.95"), dt.date(2029, 12, 4), "Common Stock", D("67039"), "D")]


def test_lines_sharing_a_column_are_not_joined_as_one_row():
    rows = [TextRow(("", "$ 2.95", "12/04/2029", "67,039", ""), 0, 0, "pipe"),
            TextRow(("Warrant", "$ 3", "", "", "D"), 1, 0, "pipe")]
    assert ownership_text._values_above_title(rows) == rows
    far = [TextRow(("", "$ 2.95", "", "67,039", ""), 0, 0, "pipe"),
           TextRow(("Warrant", "", "", "", "D"), 5, 0, "pipe")]
    assert ownership_text._values_above_title(far) == far
    joined = ownership_text._values_above_title(far[:1] + [TextRow(("Warrant", "", "", "", "D"), 1, 0, "pipe")])
    assert joined == [TextRow(("Warrant", "$ 2.95", "", "67,039", "D"), 0, 0, "pipe")]
    marked = ownership_text._values_above_title([TextRow(("", "", "(1)", "1,157,146", "(3)"), 0, 0, "pipe"),
                                                 TextRow(("Common Stock", "", "", "", "D"), 1, 0, "pipe")])
    assert marked == [TextRow(("Common Stock", "", "(1)", "1,157,146", "D (3)"), 0, 0, "pipe")]


# The underlying title's words printed as free lines around each row ('Common' above, 'Stock'
# below), the row's own cell for it left empty; a footnote mark line and a heading line above.
WORDS_AROUND_TABLE_II = """|     |     | Code | V (A) (D) | Date Exercisable | Expiration Date | Title | Shares |     |
| --- | --- | ---- | --------- | ---------------- | --------------- | ----- | ------ | --- |
(Instr. 5)
Common
| Stock Option (right to buy) | $ 6.48 | (1) | 09/28/2022 |     |     | 1,000 | D |
| --------------------------- | ------ | --- | ---------- | --- | --- | ----- | - |
Stock
Class A
(2)
| Warrant (right to buy) | $ 11.54 |     | 03/10/2025 |     |     | 3,450 | D |
| ---------------------- | ------- | --- | ---------- | --- | --- | ----- | - |

Shares
| Restricted Stock Units | $ 0 | (3) | (3) |     |     | 311 | D |"""


def test_a_column_s_words_printed_around_its_row_are_that_row_s():
    assert holdings_of(WORDS_AROUND_TABLE_II) == [
        ("Stock Option (right to buy)", D("6.48"), dt.date(2022, 9, 28), "Common Stock", D("1000")),
        ("Warrant (right to buy)", D("11.54"), dt.date(2025, 3, 10), "Class A Shares", D("3450")),
        # no words above it: the line below is not taken as the row's
        ("Restricted Stock Units", D("0"), None, None, D("311"))]


# --- the print header's page title on a line of its own ---------------------------------------------
def test_a_page_title_beside_the_print_time_is_print_furniture():
    owners = """|||Relationships|
|---|---|---|
|Reporting Owner Name / Address|Director|10% Owner Officer Other|
|ROE RICHARD<br>100 MAIN STREET|X||

http://127.0.0.1:8088/form.html

1/2

12/7/26, 4:12 AM

#### Ownership Submission

|DOE JANE<br>1 ELM ST<br>DENVER, CO 80237|X||"""
    boxes = "__X__ Director _____ 10% Owner\n_____ Officer (give title below) _____ Other (specify below)"
    got = owners_of(page(boxes=boxes, owners=owners, header="Ownership Submission\n\n12/7/26, 4:12 AM\n\n"))
    assert [o["owner_name"] for o in got] == ["ROE RICHARD", "DOE JANE"]
    assert got[1]["is_director"] is True and got[1]["is_ten_percent_owner"] is False
    filing = ownership_text.read(page(boxes=boxes, owners=owners, header="Ownership Submission\n\n12/7/26, 4:12 AM\n\n"))
    assert filing[0].filing["form_type"] == "4"


def test_a_footer_set_in_a_table_row_is_print_furniture():
    lines = ["| http://127.0.0.1:8088/form.html |     |     | 1/2 |", "| ROE RICHARD |  | X |  |"]
    assert ownership_text._print_furniture(lines) == {0}


# --- Reporting Owners in reading order: the relationship columns lost ----------------------------------
def test_owners_in_reading_order_take_marks_and_titles_set_apart_from_their_lines():
    owners = """Director 10% Owner Officer Other
Flynn James E
780 THIRD AVENUE, 37TH FLOOR   X   X  Director by Deputization
NEW YORK, NY 10017
Deerfield Mgmt IV, L.P.
780 THIRD AVENUE
37TH FLOOR   X
NEW YORK, NY 10017
Poppen Lauren   Chief Financial Officer
2290 NORTH MAYFAIR ROAD
MILWAUKEE, WI 53226"""
    boxes = "__X__ Director __X__ 10% Owner\n_____ Officer (give title below) __X__ Other (specify below)"
    got = owners_of(page(boxes=boxes, owners=owners))
    # two X's: both marked columns; the cover places the first owner's text as 'other'
    assert got[0] == owner("Flynn James E", True, True, False, True, None, "Director by Deputization")
    assert got[1] == owner("Deerfield Mgmt IV, L.P.", None, None, None, None)  # one X: which column is lost
    # a later owner's text: Officer's or Other's column is lost, and only the cover tells the first's
    assert got[2] == owner("Poppen Lauren", False, False, None, None, None)


def test_a_heading_line_holding_the_first_owner_and_an_x_among_address_words():
    owners = "  Relationships Reporting Owner Name / Address   Director 10% Owner Officer Other\n" \
             "ROE RICHARD 240 GREENWICH AVENUE X NEW YORK, NY 10286\nSee Remarks"
    boxes = "__X__ Director _____ 10% Owner\n__X__ Officer (give title below) _____ Other (specify below)"
    filing = ownership_text.read(page(boxes=boxes, owners=owners))[0]
    assert owners_of(page(boxes=boxes, owners=owners)) == [
        owner("ROE RICHARD", True, False, True, False, "See Remarks")]
    row = filing.rows["reporting_owners"][0]
    assert (row["state"], row["zip"]) == ("NY", "10286")  # the X left out of the address


# --- cells cut across words (pymupdf4llm): headings, names and the Reporting Owners heading ---------
def test_a_heading_row_and_a_name_cut_across_cells_are_read_line_by_line():
    owners = """|Repo<br>Reporting|rting O<br>Owner Nam|wners<br>e / Address<br> Direc|Relationshi<br>tor 10% Owner|ps<br>Officer Other||||
|Boal Bri<br>19 S. SE<br>OAKLA|an R.<br>COND ST<br>ND, MD 2|REET<br>1550<br>X||Chief|Financial Officer|"""
    boxes = "__X__ Director _____ 10% Owner\n__X__ Officer (give title below) _____ Other (specify below)"
    text = page(boxes=boxes, owners=owners).replace("| ROE RICHARD |", "| Boal Brian R. |")
    # the heading 'Reporting Owners' tops the table's first row, cut across its cells
    text = text.replace("Reporting Owners\nRelationships\nReporting Owner Name / Address\n", "")
    got = owners_of(text)
    # 'REET' and '1550' under Director are the address run on past the cut; the X is Director's
    assert got == [owner("Boal Brian R.", True, False, True, False, "Chief Financial Officer")]


def test_a_cut_first_owner_name_is_the_cover_s():
    owners = """|||||Director|10% Owne|r Officer|||Other|
|PREST<br>C/O XE<br>CHICA|RELSKI ST<br>RIS PHAR<br>GO, IL 606|EVEN<br>MACEUTICAL<br>01|S, INC.||||Chief|Scientific|Officer||"""
    text = page(owners=owners).replace("| ROE RICHARD |", "| PRESTRELSKI STEVEN |")
    assert owners_of(text) == [owner("PRESTRELSKI STEVEN", False, False, True, False, "Chief Scientific Officer")]
    rows = [["", "", "", "", "", "Director", "10% Owne", "r Officer", "", "", "Other"]]
    roles, start = ownership_text._role_columns(rows)
    assert start == 1 and [sorted(r) for r in roles[5:11]] == [["director"], ["ten"], ["officer"], [], [], ["other"]]


def test_cover_labels_cut_by_a_cell_border_still_lead_to_their_values():
    text = page(owners=OWNER_TABLE_TITLE_ONLY).replace(
        "1. Name and Address of Reporting Person * 2. Issuer Name and Ticker or Trading Symbol 5. Relationship of "
        "Reporting Person(s) to Issuer\n(Check all applicable)\n| ROE RICHARD |",
        "|1. Name and Address of Reporting P<br>ROE RICHARD|erson<br>*|2. Issuer Name and Ticker or Trading Symbol"
        "<br>EXAMPLE WIDGETS CORP [EXWC]|\n|")
    filing = ownership_text.read(text)[0]
    assert filing.rows["reporting_owners"][0]["owner_name"] == "ROE RICHARD"


# --- owner blocks printed around their rows, some without a row --------------------------------------
def test_owner_blocks_end_with_their_city_line_and_marks_printed_outside_a_row_count():
    owners = """|     | Director 10% Owner | Officer Other |     |
| --- | ------------------ | ------------- | --- |
ROE RICHARD
| 320 PARK AVENUE |     X |     |     |
| --------------- | ----- | --- | --- |
NEW YORK, NY 10022
Newlight GP LLC
C/O NEWLIGHT PARTNERS LP
|     |     X |     |     |
| --- | ----- | --- | --- |
320 PARK AVENUE
NEW YORK, NY 10022
Deerfield Mgmt L.P.
780 THIRD AVENUE, 37TH FLOOR   X   X    Director by Deputization
NEW YORK, NY 10017
CRP III AIV GP, L.L.C.
C/O THE CARLYLE GROUP, 1001
X
WASHINGTON, DC 20004-2505"""
    boxes = "_____ Director __X__ 10% Owner\n_____ Officer (give title below) _____ Other (specify below)"
    got = owners_of(page(boxes=boxes, owners=owners))
    assert [o["owner_name"] for o in got] == ["ROE RICHARD", "Newlight GP LLC", "Deerfield Mgmt L.P.",
                                              "CRP III AIV GP, L.L.C."]
    assert got[0] == owner("ROE RICHARD", False, True, False, False)
    # an X under 'Director 10% Owner' or on a line of its own: which of the two is lost
    assert (got[1]["is_director"], got[1]["is_ten_percent_owner"]) == (None, None)
    assert (got[3]["is_director"], got[3]["is_ten_percent_owner"]) == (None, None)
    assert got[2] == owner("Deerfield Mgmt L.P.", True, True, None, None)  # its text's column is lost
    filing = ownership_text.read(page(boxes=boxes, owners=owners))[0]
    assert [r["city"] for r in filing.rows["reporting_owners"]] == ["NEW YORK", "NEW YORK", "NEW YORK", "WASHINGTON"]


# --- footnotes whose marks the converter lost ---------------------------------------------------------
def _footnotes(lines: list[str]) -> list[tuple[str, str]]:
    from transforms import ownership_form as of
    from transforms.model import ParsedFiling
    filing = ParsedFiling({"filing_id": "x", "form_type": "4"}, {})
    of.add_footnotes(filing, lines)
    return [(f["footnote_id"], f["text"]) for f in filing.rows.get("footnotes", [])]


def test_paragraphs_between_two_numbered_notes_are_the_notes_whose_marks_were_lost():
    lines = ["** Intentional misstatements or omissions of facts constitute Federal Criminal Violations.", "",
             "(1) Sold under a Rule 10b5-1 plan.", "", "Weighted average price, from $25.42", "to $26.28.", "",
             "Weighted average price, from $24.38 to $25.36.", "", "(4) The option vests monthly."]
    assert _footnotes(lines) == [("F1", "Sold under a Rule 10b5-1 plan."),
                                 ("F2", "Weighted average price, from $25.42 to $26.28."),
                                 ("F3", "Weighted average price, from $24.38 to $25.36."),
                                 ("F4", "The option vests monthly.")]


def test_text_after_the_form_notes_before_note_two_is_note_one():
    lines = ["* If the form is filed by more than one reporting person, see Instruction 4(b)(v).",
             "The shares reported are restricted stock units.", "(2) Subject to a lock-up.", "(3) In part RSUs."]
    assert [f for f, _ in _footnotes(lines)] == ["F1", "F2", "F3"]
    # a note's own wrapped lines stay one note, and text before note 1 is no note
    assert _footnotes(["and 15 U.S.C. 78ff(a).", "(1) First line", "second line"]) == [("F1", "First line second line")]


# --- words and numbers cut at a converter's own column borders ------------------------------------------
@pytest.mark.parametrize("cells, joined", [
    (("Commo", "n Stock", "", "02/11/2020", "F", "49", "D\u2028$ 68.27", "2,353", ".34", "D"),
     ("Common Stock", "", "02/11/2020", "F", "49", "D\u2028$ 68.27", "2,353.34", "D")),
    (("COMM", "ON STOCK\u202804/01/2020", "", "F", "7,779"), ("COMMON STOCK", "04/01/2020", "", "F", "7,779")),
    (("Class A", "Common Stock", "01/02/2020", "1,364,", "437", "I"),
     ("Class A Common Stock", "01/02/2020", "1,364,437", "I")),
    # a date, a price or a lone code after the title is no piece of it; adjacent whole numbers stay apart
    (("Common Stock", "01/02/2020", "F", "100", "2,000", "D"), ("Common Stock", "01/02/2020", "F", "100", "2,000", "D")),
    (("Stock Option", "$ 20", "D", "Common Stock"), ("Stock Option", "$ 20", "D", "Common Stock")),
])
def test_a_title_or_a_number_cut_into_two_cells_is_one(cells, joined):
    assert ownership_text._uncut(cells) == joined


def test_the_signatures_heading_after_the_last_owner_on_one_line_of_picture_text():
    owners = ("  Relationships Reporting Owner Name / Address   Director 10% Owner Officer Other ROE RICHARD "
              "100 MAIN STREET X SPRINGFIELD, IL 62701   Signatures   /s/Richard Roe 06/03/2020")
    boxes = "__X__ Director _____ 10% Owner\n_____ Officer (give title below) _____ Other (specify below)"
    filing = ownership_text.read(page(boxes=boxes, owners=owners))[0]
    assert [(o["owner_name"], o["officer_title"]) for o in filing.rows["reporting_owners"]] == [("ROE RICHARD", None)]
    assert not any("/s/" in (row["officer_title"] or "") for row in filing.rows["reporting_owners"])


def test_a_row_starting_with_an_address_continues_an_owner_still_waiting_for_its_address():
    owners = """|Reporting Owner Name / Address|Director 10% Owner|Relationships<br> Officer|Other|
|---|---|---|---|
|ROE RICHARD||||
|C/O WIDGETS INC.<br>299 PARK AVENUE, 13TH FL.||Chief Financial Officer||
|NEW YORK, NY 10171||||
|DOE JANE<br>1 ELM ST||Treasurer||
|DENVER, CO 80237||||"""
    got = owners_of(page(owners=owners))
    assert [(o["owner_name"], o["officer_title"]) for o in got] == [
        ("ROE RICHARD", "Chief Financial Officer"), ("DOE JANE", "Treasurer")]
    rows = ownership_text.read(page(owners=owners))[0].rows["reporting_owners"]
    assert [(r["city"], r["zip"]) for r in rows] == [("NEW YORK", "10171"), ("DENVER", "80237")]


def test_boxes_cut_across_cells_whose_lines_stand_level_with_neither_end_pair_in_order():
    # the cell's empty lines dropped: '__X_' | '_ 10% Owner' and '_____' | ' Other(specify' pair up
    line = ("|5. Relationship of Reporting Pers<br>(Check all appl<br>_____ Director<br>__X_<br>"
            "_____ Officer(give title below)<br>_____|on(s) to Issu<br>icable)<br>_ 10% Owner<br> Other(specify|"
            "er<br> below)|").replace("<br>", "\u2028")
    assert ownership_text._cover_boxes([line]) == {
        "is_director": False, "is_ten_percent_owner": True, "is_officer": False, "is_other": False}


@pytest.mark.parametrize("text, read", [
    ("628 MIDDLEFIELD ROAD X Secretary and CFO", ("628 MIDDLEFIELD ROAD", ["X", "Secretary and CFO"])),
    ("1812 NORTH MOORE STREET X", ("1812 NORTH MOORE STREET", ["X"])),
    ("780 THIRD AVENUE X X Director by Deputization", ("780 THIRD AVENUE", ["X", "X", "Director by Deputization"])),
    # the whole block on one line: the words after the X are the address's city line
    ("IZZO RALPH 240 GREENWICH AVENUE X NEW YORK, NY 10286", ("IZZO RALPH 240 GREENWICH AVENUE NEW YORK, NY 10286", ["X"])),
    ("PO BOX 12 XENIA, OH 45385", ("PO BOX 12 XENIA, OH 45385", [])),
])
def test_marks_set_among_an_address_s_words(text, read):
    assert ownership_text._marks_among_words(text) == read


# --- Table II half as a markdown table, half as free lines ---------------------------------------------
# A price's '$' on a line of its own under a row whose price is a footnote mark only, the underlying
# title's words as free lines around the row, past that line of cells.
SIGN_APART_TABLE_II = """|     |     | Date Exercisable | Expiration Date | Title | Shares |     |     |
| --- | --- | ---------------- | --------------- | ----- | ------ | --- | --- |
Common
| Series A Preferred Stock | (1) | (1) |     | 50,000 | (1) | D |
| ------------------------ | --- | --- | --- | ------ | --- | - |
|                          |     |     |     |        | $   |   |
Stock
Common
| Series B Preferred Stock | (1) | (1) |     | 7,500 | $  (1) | D |
| ------------------------ | --- | --- | --- | ----- | ------ | - |
Stock"""


def test_a_sign_on_its_own_line_is_the_price_s_and_free_words_are_read_past_it():
    text = form3(table_ii=SIGN_APART_TABLE_II, owners=OWNER_TABLE_TITLE_ONLY)
    filing = ownership_text.read(text)[0]
    rows = filing.rows["deriv_holdings"]
    assert [(r["security_title"], r["underlying_title"], r["underlying_shares"], r["direct_indirect"])
            for r in rows] == [("Series A Preferred Stock", "Common Stock", D("50000"), "D"),
                               ("Series B Preferred Stock", "Common Stock", D("7500"), "D")]


def test_a_line_of_a_sign_and_words_goes_to_the_row_whose_price_lacks_its_sign():
    rows = [TextRow(("Common Stock", "S", "100", "$ 10.5 (1)", "900", "I", "See Footnote (2)"), 0, 0, "pipe"),
            TextRow(("Common Stock", "S", "200", "11.25 (3)", "700", "I", "Footnote (2)"), 2, 0, "pipe")]
    sign = TextRow(("", "", "", "$", "", "", "See"), 1, 0, "pipe")
    assert ownership_text._pieces_only(sign) and not ownership_text._pieces_only(rows[1])
    got = ownership_text._with_pieces(list(rows), [sign])
    assert got[0] == rows[0]
    assert got[1].cells == ("Common Stock", "S", "200", "$ 11.25 (3)", "700", "I", "See Footnote (2)")


# The underlying title printed beside the title on the row's line, its other words on free lines
# above and below the row: that narrower column's cell wraps, not the title's.
WRAPPED_UNDERLYING_TABLE_II = """|     |     | Date Exercisable | Expiration Date | Title | Shares |     |     |
| --- | --- | ---------------- | --------------- | ----- | ------ | --- | --- |
Class A
| Class B Common Stock | (1) | (1) | Common | 20,000 | (1) |     |
| -------------------- | --- | --- | ------ | ------ | --- | --- |
|                      |     |     |        |        | $   | D   |
Stock"""


def test_free_words_around_a_row_wrap_the_column_of_words_beside_its_title():
    text = form3(table_ii=WRAPPED_UNDERLYING_TABLE_II, owners=OWNER_TABLE_TITLE_ONLY)
    rows = ownership_text.read(text)[0].rows["deriv_holdings"]
    assert [(r["security_title"], r["underlying_title"], r["underlying_shares"], r["direct_indirect"])
            for r in rows] == [("Class B Common Stock", "Class A Common Stock", D("20000"), "D")]


# --- PDF text without column positions (pdfminer's flowed lines among markdown tables) ------------------
# Rows whose price prints its '$' and its mark on lines of their own, as the nature's 'See' and its
# mark ('$ See' above the row's line, '(1) (2)' below it); then a holding whose nature of ownership
# wraps above and below the row's line ('By' / 'Family' / 'Trust'), its title on one line.
FLOWED_NATURE_TABLE_I = """| | | | | $ | | See |
| --- | --- | --- | --- | --- | --- | --- |
Common Stock 03/02/2021 S 400 D 40.25 10,600 I Footnote
| | | | | (1) | | (2) |
| --- | --- | --- | --- | --- | --- | --- |
| | | | | $ | | See |
Common Stock 03/03/2021 S 100 D 41.5 10,500 I Footnote
| | | | | (3) | | (2) |
| --- | --- | --- | --- | --- | --- | --- |"""
HOLDING_TABLE_I = """| Common Stock | 03/02/2021 |     | S | 400 | D | $ 40.25 | 10,600 | D |     |
| ------------ | ---------- | --- | - | --- | - | ------- | ------ | - | --- |
By
| Common Stock | | | | | 2,500 | | I | Family |
| ------------ | --- | --- | --- | --- | ----- | --- | --- | ------ |
Trust"""


def test_flowed_words_beside_a_row_wrap_its_later_column_of_words():
    filing = ownership_text.read(page(table_i=FLOWED_NATURE_TABLE_I, owners=OWNER_TABLE_TITLE_ONLY))[0]
    rows = filing.rows["nonderiv_transactions"]
    assert [(r["security_title"], r["shares"], r["price_per_share"], r["direct_indirect"]) for r in rows] == [
        ("Common Stock", D("400"), D("40.25"), "I"), ("Common Stock", D("100"), D("41.5"), "I")]
    assert rows[1]["nature_of_ownership"] == "See Footnote"  # 'See' after the '$' on the line above
    filing = ownership_text.read(page(table_i=HOLDING_TABLE_I, owners=OWNER_TABLE_TITLE_ONLY))[0]
    assert [(r["security_title"], r["shares_owned_after"], r["direct_indirect"], r["nature_of_ownership"])
            for r in filing.rows["nonderiv_holdings"]] == [("Common Stock", D("2500"), "I", "By Family Trust")]


# A title wrapped around the row's line ('Stock' / 'Option' / '(right to' / 'buy)') beside the
# underlying title's cells, a footnote mark in a cell of its own; the dates printed as marks only
# between the title and the underlying title on one line; a date printed apart where its mark
# stands alone on the row's line.
FLOWED_WRAPPED_TITLE = """Stock
| Option |     |     |     |     |   (1) | Common |     |     |     |     |
| ------ | --- | --- | --- | --- | ----- | ------ | --- | --- | --- | --- |
$ 39.20 09/09/2021   A   5,000   09/08/2024 5,000 $ 0 5,000 D
| (right to |     |     |     |     |     |     | Stock |     |     |     |
| --------- | --- | --- | --- | --- | --- | --- | ----- | --- | --- | --- |
buy)"""
FLOWED_DATES_AS_MARKS = "Class A\nClass B Common Stock (1) (1) Common 20,000 $ (1) D (2)\nStock"
FLOWED_DATE_APART = """| Stock Option (right to |     |                |     | Common |        |        |     |
| ---------------------- | --- | -------------- | --- | ------ | ------ | ------ | --- |
|                        |     | (2) 03/06/2030 |     |        | 75,000 | $ 4.61 | D   |
02/05/2020
| buy) |     |     |     | Stock |     |     |     |
| ---- | --- | --- | --- | ----- | --- | --- | --- |"""


@pytest.mark.parametrize("table_ii, table, read", [
    (FLOWED_WRAPPED_TITLE, "deriv_transactions",
     ("Stock Option (right to buy)", None, dt.date(2024, 9, 8), "Common Stock", D("5000"), D("39.20"))),
    (FLOWED_DATES_AS_MARKS, "deriv_holdings",
     ("Class B Common Stock", None, None, "Class A Common Stock", D("20000"), None)),
    (FLOWED_DATE_APART, "deriv_holdings",
     ("Stock Option (right to buy)", dt.date(2020, 2, 5), dt.date(2030, 3, 6), "Common Stock", D("75000"),
      D("4.61")))])
def test_flowed_table_ii_rows_take_their_marks_and_the_values_printed_apart(table_ii, table, read):
    # Form 3's Table II (holdings) prints the price after the underlying security
    text = (form3 if table == "deriv_holdings" else page)(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY)
    filing = ownership_text.read(text)[0]
    assert [(r["security_title"], r["exercise_date"], r["expiration_date"], r["underlying_title"],
             r["underlying_shares"], r["conversion_or_exercise_price"]) for r in filing.rows[table]] == [read]


# --- sections out of reading order; owner headings sharing the name heading's cell -------------------------
def test_a_reporting_owners_heading_printed_before_table_ii_starts_at_its_table():
    text = page(owners=OWNER_TABLE_TITLE_ONLY, before_table_ii="Reporting Owners\n").replace(
        "Reporting Owners\nRelationships\nReporting Owner Name / Address\n", "Reporting Owner Name / Address\n", 1)
    text = text.replace("Reporting Owners\nTable II", "Reporting Owners\n\nTable II")
    assert owners_of(text) == [owner("ROE RICHARD", False, False, True, False, "Chief Executive Officer")]


def test_a_director_heading_in_the_name_heading_s_cell_leaves_the_next_cell_to_the_others():
    boxes = "_____ Director __X__ 10% Owner\n_____ Officer (give title below) _____ Other (specify below)"
    owners = """||**Relationships**|
|---|---|
|**Reporting Owner Name / Address**<br> Director|10% Owner Officer Other|
|ROE RICHARD<br>100 MAIN STREET<br>SPRINGFIELD, IL 62701|X|
|DOE JANE<br>1 ELM ST<br>DENVER, CO 80237|X|"""
    got = owners_of(page(boxes=boxes, owners=owners))
    assert [(o["owner_name"], o["is_director"], o["is_ten_percent_owner"]) for o in got] == [
        ("ROE RICHARD", False, True), ("DOE JANE", False, True)]


def test_a_flowed_line_of_values_starting_with_dates_printed_as_marks_holds_a_row():
    table_ii = "Series A Preferred\n(1) (1) 19,913 $ (1) D\nStock\nSeries B Preferred\n(2) (2) 45,568 $ (2) D\nStock"
    rows = ownership_text.read(form3(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY))[0].rows["deriv_holdings"]
    assert [(r["security_title"], r["underlying_shares"], r["direct_indirect"]) for r in rows] == [
        ("Series A Preferred Stock", D("19913"), "D"), ("Series B Preferred Stock", D("45568"), "D")]


def test_picture_text_starting_with_the_print_header_keeps_the_lines_after_it():
    # pymupdf4llm's picture text: lines joined by <br>, the next page's header on the first of them
    owners = ("Relationships Reporting Owner Name / Address Director 10% Owner Officer Other\n\n"
              "12/7/26, 4:12 AM Ownership Submission<br>ROE RICHARD<br>100 MAIN STREET   X<br>"
              "SPRINGFIELD, IL 62701<br>DOE JANE<br>1 ELM ST   X   X<br>DENVER, CO 80237")
    got = owners_of(page(owners=owners))
    assert [(o["owner_name"], o["is_director"], o["is_ten_percent_owner"]) for o in got] == [
        ("ROE RICHARD", False, False), ("DOE JANE", True, True)]


# Footnote marks of a row's cells printed on a line of their own above the row's values (dates
# printed as their marks only, the price's mark beside its '$'), the title over two lines.
MARKS_APART_TABLE_II = """|     |     | Date Exercisable | Expiration Date | Title | Shares |     |     |
| --- | --- | ---------------- | --------------- | ----- | ------ | --- | --- |
| Series A Convertible |     |     | Common |        |       |     |
| -------------------- | --- | --- | ------ | ------ | ----- | --- |
|                      | (2) | (2) |        |        | $ (3) |     |
|                      |     |     |        | 93,864 |       | D   |
| Preferred Stock      |     |     | Stock  |        |       |     |"""


def test_a_line_of_marks_is_the_nearest_row_s_not_a_row_of_its_own():
    rows = ownership_text.read(form3(table_ii=MARKS_APART_TABLE_II, owners=OWNER_TABLE_TITLE_ONLY))[0].rows[
        "deriv_holdings"]
    assert [(r["security_title"], r["exercise_date"], r["underlying_title"], r["underlying_shares"],
             r["conversion_or_exercise_price"], r["direct_indirect"]) for r in rows] == [
        ("Series A Convertible Preferred Stock", None, "Common Stock", D("93864"), None, "D")]
    marks = TextRow(("", "(2)", "(2)", "", "", "$ (3)", ""), 3, 0, "pipe")
    assert ownership_text._pieces_only(marks)
    assert not ownership_text._pieces_only(TextRow(("", "", "", "", "93,864", "", "D"), 4, 0, "pipe"))


def test_heading_words_cut_into_lower_case_letters_are_no_codes():
    # pymupdf4llm cuts headings at its own column borders: 'Code o' | 'f', '(Month/Day/Y' | 'ear) any'
    from transforms import ownership_form
    cut = TextRow(("Security", "or Exercise", "(Month/Day/Y", "ear) any", "Code o", "f"), 0, 0, "pipe")
    assert ownership_form.is_leading_heading(cut)
    assert not ownership_form.is_leading_heading(TextRow(("Common Stock", "", "F", ""), 0, 0, "pipe"))


def test_the_first_owner_s_title_among_its_address_lines_is_the_one_the_cover_prints():
    # text without column positions sets the title's cell among the address lines; the cover prints
    # it under the Officer box too (and the address, which stays the address)
    owners = "Director 10% Owner Officer Other\nROE RICHARD\n100 MAIN STREET\nChief Executive Officer\nSUITE 5\n" \
             "SPRINGFIELD, IL 62701"
    boxes = BOXES_OFFICER + "\n100 MAIN STREET, SUITE 5 Chief Executive Officer"
    filing = ownership_text.read(page(boxes=boxes, owners=owners))[0]
    first = filing.rows["reporting_owners"][0]
    assert (first["owner_name"], first["is_officer"], first["officer_title"]) == ("ROE RICHARD", True,
                                                                                  "Chief Executive Officer")
    assert (first["street1"], first["street2"], first["city"]) == ("100 MAIN STREET", "SUITE 5", "SPRINGFIELD")
    # an unchecked Officer and Other box: the cover prints no title, the lines stay the address's
    unchecked = "_____ Director __X__ 10% Owner\n_____ Officer (give title below) _____ Other (specify below)"
    assert owners_of(page(boxes=unchecked + "\nChief Executive Officer", owners=owners))[0]["officer_title"] is None


def test_a_title_cut_inside_its_words_across_cells_is_joined_where_lower_case_letters_meet():
    # pymupdf4llm: one heading cell for the four relationships, the title cut into the cells after it
    owners = """|Reporting Owner Name / Address|Director 10% Owner Officer Other||||
|---|---|---|---|---|
|ROE RICHARD<br>100 MAIN STREET<br>SPRINGFIELD, IL 62701|SVP, Bu|siness Dev|elopment||
|DOE JANE<br>1 ELM ST<br>DENVER, CO 80237|Chief|Executive Officer|||"""
    got = owners_of(page(owners=owners))
    # the second owner's title is not read as the officer's: under the one heading cell, Officer
    # and Other cannot be told apart (the cover's boxes tell it for the first owner)
    assert [o["officer_title"] for o in got] == ["SVP, Business Development", None]


def test_a_note_s_mark_set_amid_its_paragraph_starts_that_note():
    # pymupdf4llm sets a note's mark where it stands level with the paragraph's middle line
    notes = ["Explanation of Responses:", "* If the form is filed by more than one reporting person, see Instruction.",
             "The Reporting Person was granted units. The (1) units vest in three equal parts.",
             "(2) Held by a trust; see clause (1) of the trust agreement.",
             "Note: File three copies of this Form."]
    lines = ownership_text._footnote_lines(notes)
    assert lines[2] == "(1) The Reporting Person was granted units. The units vest in three equal parts."
    assert lines[3] == notes[3]  # a note started by its own mark keeps the marks in its text
    # a mark amid a note's text whose number a line starts, or not the next note, stays text
    assert ownership_text._footnote_lines(["(1) First.", "See clause (1) here."]) == ["(1) First.", "See clause (1) here."]
    assert ownership_text._footnote_lines(["Text with (3) amid."]) == ["Text with (3) amid."]
    assert ownership_text._footnote_lines(["- (1) Held in trust."]) == ["- (1) Held in trust."]  # a list item


# A tall title around a row's line of values, its lines in table lines that also hold the underlying
# title's lines; on one of them the ownership form ('D (2)') printed apart from the row's values, on
# another the underlying title's last words, a par value glued to its '$'.
FLOWED_TITLE_LINE_WITH_THE_OWNERSHIP_FORM = """| Warrant |     |     |     |     |     | Class A |     |     |     |     |
| ------- | --- | --- | --- | --- | --- | ------- | --- | --- | --- | --- |
| Units   |     |     |     |     |     |         | Common, |     | I (2) |     |
$ 1.5 06/01/2022   A   3,000   06/01/2023 06/01/2030 3,000 $ 0 3,000
| (to buy |     |     |     |     |     | par value |     |     |     |     |
| ------- | --- | --- | --- | --- | --- | --------- | --- | --- | --- | --- |
| shares) |     |     |     |     |     | $0.001    |     |     |     |     |"""


def test_an_ownership_form_on_a_title_line_beside_the_underlying_title_s_words_is_the_row_s():
    rows = ownership_text.read(page(table_ii=FLOWED_TITLE_LINE_WITH_THE_OWNERSHIP_FORM,
                                    owners=OWNER_TABLE_TITLE_ONLY))[0].rows["deriv_transactions"]
    assert [(r["security_title"], r["conversion_or_exercise_price"], r["shares"], r["underlying_title"],
             r["underlying_shares"], r["shares_owned_after"], r["direct_indirect"]) for r in rows] == [
        ("Warrant Units (to buy shares)", D("1.5"), D("3000"), "Class A Common, par value $0.001", D("3000"),
         D("3000"), "I")]



# After a row printed as flowed text, one row's cells printed at two heights in one markdown table:
# the title's line with the price and the marks of the dates, then the date, code and amounts in
# other columns, the underlying title's column holding its words above and its amount below.
TWO_LEVEL_ROW = """Stock Units $ 0 (1) 03/04/2021 A 1,000 (2) (3) Common Stock 1,000 $ 0 1,000 D
| Share Units | $ 0 (1) |            |     |     |     |       |   (2) |   (3) | Common Stock | $ 0 |       |     |     |
| ----------- | ------- | ---------- | --- | --- | --- | ----- | ----- | ----- | ------------ | --- | ----- | --- | --- |
|             |         | 05/10/2021 |     |     | A   | 2,200 |       |       | 2,200        |     | 2,200 |     | D   |"""


def test_a_row_s_cells_printed_at_two_heights_of_one_table_are_one_row():
    rows = ownership_text.read(page(table_ii=TWO_LEVEL_ROW, owners=OWNER_TABLE_TITLE_ONLY))[0].rows[
        "deriv_transactions"]
    assert [(r["security_title"], r["conversion_or_exercise_price"], r["transaction_date"], r["transaction_code"],
             r["shares"], r["underlying_title"], r["underlying_shares"], r["shares_owned_after"],
             r["direct_indirect"]) for r in rows][1:] == [
        ("Share Units", D("0"), dt.date(2021, 5, 10), "A", D("2200"), "Common Stock", D("2200"), D("2200"), "D")]


def test_a_capital_letter_on_a_line_between_a_title_s_words_is_a_word_of_the_title():
    # 'Tranche' / 'B' / 'Common' / 'Warrants' around a flowed row's line: 'B' is no code printed apart
    table_ii = "Tranche\nB\nCommon 07/01/2022 X 5,000 (1) (1) Common Stock 5,000 $ 0 0 D\nWarrants"
    rows = ownership_text.read(page(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY))[0].rows["deriv_transactions"]
    assert [(r["security_title"], r["transaction_code"], r["shares"], r["underlying_title"]) for r in rows] == [
        ("Tranche B Common Warrants", "X", D("5000"), "Common Stock")]


# --- Table II's title and underlying title wrapped around a line of values, flowed ----------------
def _titles(text: str, table: str) -> list[tuple]:
    rows = ownership_text.read(text)[0].rows[table]
    return [(r["security_title"], r["underlying_title"], r["underlying_shares"]) for r in rows]


@pytest.mark.parametrize("table_ii, read", [
    # both columns' first lines above the values, their last lines below: the underlying's
    # column is narrow, so each of the two lines ends with the underlying's word
    ("Series Seed Preferred Common\n(1) (1) 19,913 $ (1) D\nStock Stock",
     [("Series Seed Preferred Stock", "Common Stock", D("19913"))]),
    # the title's open parenthesis closes before the underlying's word on the line below
    ("Stock Option (right to Common\n(4) 01/30/2029 15,022 $ 4.34 D\nbuy) Stock\n"
     "Series A Convertible Common\n(2) (2) 938,646 $ (3) D\nPreferred Stock Stock",
     [("Stock Option (right to buy)", "Common Stock", D("15022")),
      ("Series A Convertible Preferred Stock", "Common Stock", D("938646"))]),
    # the line below goes on with values printed apart, the underlying's word carrying a mark
    ("Series A-1 Preferred Common\n(1) (1) $ 0 D (2)\nStock Stock (1) 600,000 (1)",
     [("Series A-1 Preferred Stock", "Common Stock", D("600000"))]),
])
def test_a_flowed_title_and_underlying_title_both_wrapped_around_a_line_of_values(table_ii, read):
    assert _titles(form3(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY), "deriv_holdings") == read


def test_a_one_word_underlying_title_on_the_row_s_line_ends_on_the_line_below():
    # Form 4's title column is narrow: 'Stock' / 'Option ... Common ...' / '(right to Stock' / 'buy)'
    table_ii = "Stock\nOption $ 39.20 09/09/2021 A 5,000 (1) 09/08/2024 Common 5,000 $ 0 5,000 D\n(right to Stock\nbuy)"
    assert _titles(page(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY), "deriv_transactions") == [
        ("Stock Option (right to buy)", "Common Stock", D("5000"))]
    # a word alone below may be the title's last line ('Restricted' / 'Stock ... Common ...' / 'Units')
    table_ii = "Restricted\nStock $ 0 02/13/2020 A 1,000 (1) (1) Common 1,000 $ 0 1,000 D\nUnits"
    assert _titles(page(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY), "deriv_transactions") == [
        ("Restricted Stock Units", "Common", D("1000"))]


def test_the_last_row_keeps_the_line_below_that_closes_its_title_s_parenthesis():
    # a four-line title centred on the row's line prints two of its lines below it, one above
    table_ii = "Stock\nOption $ 31.71 02/13/2020 A 50,000 (1) 02/13/2030 Common 50,000 $ 0 50,000 D\n(Right Stock\nto Buy)"
    assert _titles(page(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY), "deriv_transactions") == [
        ("Stock Option (Right to Buy)", "Common Stock", D("50000"))]


def test_lines_between_two_rows_are_shared_as_both_rows_centre_their_cells():
    # the underlying title wraps around each row's line ('COMMON' / values / 'STOCK') but for one
    # row printing its first line beside the values: the lines between that row and the next are
    # one for each (the next row prints one line below as well), not both for the next
    table_ii = ("COMMON\nSERIES B-3 PREFERRED STOCK (1) (1) 164,647 $ (1) D\nSTOCK\n"
                "SERIES B-4 PREFERRED STOCK (1) (1) COMMON 173,312 $ (1) D\nSTOCK\n"
                "COMMON\nSERIES C-1 PREFERRED STOCK (1) (1) 348,336 $ (1) D\nSTOCK\n"
                "COMMON\nSERIES C-2 PREFERRED STOCK (1) (1) 506,073 $ (1) D\nSTOCK")
    assert _titles(form3(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY), "deriv_holdings") == [
        (f"SERIES {s} PREFERRED STOCK", "COMMON STOCK", D(n))
        for s, n in (("B-3", "164647"), ("B-4", "173312"), ("C-1", "348336"), ("C-2", "506073"))]


def test_a_row_s_values_printed_at_several_heights_of_one_markdown_table_are_one_row():
    # the title's line holds one value; the lines under it (the title's cell empty) hold the rest,
    # one value or mark per column, its footnote marks on lines of their own; the title's and the
    # underlying title's last lines follow; a later row printed as flowed text
    table_ii = """| Series A-1 Preferred |       |       | Common    | 600,000   |     |     |       |
| -------------------- | ----- | ----- | --------- | --------- | --- | --- | ----- |
|                      | (1)   | (1)   |           |           | $ 0 |     | (2)   |
|                      |       |       |           | (1)       |     |     | D     |
| Stock                |       |       | Stock     | (1)       |     |     |       |
| Series A-2 Preferred |       |       | Common    | 875,000   |     |     |       |
|                      | (1)   | (1)   |           |           | $ 0 |     | (2)   |
|                      |       |       |           | (1)       |     |     | I     |
| Stock                |       |       | Stock     | (1)       |     |     |       |
Series B Preferred Stock (1) (1) Common Stock 1,989,000 $ 0 D"""
    rows = ownership_text.read(form3(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY))[0].rows["deriv_holdings"]
    assert [(r["security_title"], r["underlying_title"], r["underlying_shares"], r["conversion_or_exercise_price"],
             r["direct_indirect"]) for r in rows] == [
        ("Series A-1 Preferred Stock", "Common Stock", D("600000"), D("0"), "D"),
        ("Series A-2 Preferred Stock", "Common Stock", D("875000"), D("0"), "I"),
        ("Series B Preferred Stock", "Common Stock", D("1989000"), D("0"), "D")]


def test_the_reminder_cut_into_the_cells_of_a_table_s_last_row_is_left_out_of_them():
    # pymupdf4llm cuts the page into columns of its own: the reminder printed under Table I stands
    # level with the last row, a piece of it on a line of each cell; the table ends with that row
    table_i = """|1.Title of Security<br>(Instr. 3)|2. Transaction<br>Date|2A. Deemed|3. Transaction<br>Code|4. Securities<br>Amount|(A) or<br>(D)<br>Price|5. Amount|6.<br>Ownership|7. Nature|
|---|---|---|---|---|---|---|---|---|
|Common Stock<br>Reminder: Report on a separate line for each clas|03/02/2021<br>s of securities bene|ficially owned directl|S<br>y or indirectly.<br>|400 <br>|D<br>$ 40.25 <br>|10,600|D<br>(1)<br>||
||||**Pers**<br>**this**|**ons who re**<br>**form are no**|**spond to the**<br>**t required to r**|**collection of information**|<br>SEC|1474 (9-02)|"""
    rows = ownership_text.read(page(table_i=table_i, owners=OWNER_TABLE_TITLE_ONLY))[0].rows["nonderiv_transactions"]
    assert [(r["security_title"], r["transaction_date"], r["shares"], r["price_per_share"], r["shares_owned_after"],
             r["direct_indirect"]) for r in rows] == [
        ("Common Stock", dt.date(2021, 3, 2), D("400"), D("40.25"), D("10600"), "D")]


def test_two_x_s_run_into_one_cell_under_the_marked_columns_heading_mark_both():
    owners = """|     |     | Director 10% Owner | Officer Other |     |
| --- | --- | ------------------ | ------------- | --- |
ROE RICHARD
| 780 THIRD AVENUE |     |   X   X |   Director by Deputization |     |
| ---------------- | --- | ------- | -------------------------- | --- |
NEW YORK, NY 10017"""
    boxes = "__X__ Director __X__ 10% Owner\n_____ Officer (give title below) __X__ Other (specify below)"
    assert owners_of(page(boxes=boxes, owners=owners)) == [
        owner("ROE RICHARD", True, True, False, True, None, "Director by Deputization")]
    # a later owner's: both marked, its text's column (Officer's or Other's) not guessed
    later = owners.replace("ROE RICHARD", "DOE JANE", 1)
    two = owners_of(page(boxes=boxes, owners=owners + "\n" + later.split("\n", 2)[2]))
    assert two[1] == owner("DOE JANE", True, True, None, None)


def test_an_underlying_title_of_two_lines_beside_a_row_holding_the_nature_straddles_its_line():
    # the title's three lines, the underlying title's two (nearer the row's line, centred between
    # the title's), the nature's two ('See' beside the title's first line, 'footnote' on the row's)
    table_ii = """| Put Option |     |     |     | See |
| ---------- | --- | --- | --- | --- |
Common
(Obligation $ 2.75 01/31/2020 S 1,000 01/31/2020 09/18/2020 100,000 $ 0.25 1,760 I footnote
Stock (2)
to buy) (1) (3)"""
    rows = ownership_text.read(page(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY))[0].rows["deriv_transactions"]
    assert [(r["security_title"], r["underlying_title"], r["underlying_shares"], r["shares_owned_after"],
             r["nature_of_ownership"]) for r in rows] == [
        ("Put Option (Obligation to buy)", "Common Stock", D("100000"), D("1760"), "See footnote")]


def test_an_x_on_a_line_of_its_own_among_an_owner_s_address_lines_is_a_mark():
    owners = """Director 10% Owner Officer Other
ROE RICHARD
C/O EXAMPLE GROUP INC.
X
345 PARK AVENUE
NEW YORK, NY 10154
DOE JANE
C/O EXAMPLE GROUP INC.
X
345 PARK AVENUE
NEW YORK, NY 10154"""
    boxes = "_____ Director __X__ 10% Owner\n_____ Officer (give title below) _____ Other (specify below)"
    got = owners_of(page(boxes=boxes, owners=owners))
    assert [o["owner_name"] for o in got] == ["ROE RICHARD", "DOE JANE"]
    assert got[0] == owner("ROE RICHARD", False, True, False, False)  # the cover's boxes
    # one X: which of the two marked columns it stood in is lost, never read as no mark at all
    assert (got[1]["is_director"], got[1]["is_ten_percent_owner"]) == (None, None)
    row = ownership_text.read(page(boxes=boxes, owners=owners))[0].rows["reporting_owners"][1]
    assert (row["street1"], row["city"]) == ("C/O EXAMPLE GROUP INC.", "NEW YORK")


def test_a_director_heading_over_the_name_column_in_a_row_of_merged_heading_cells():
    # pymupdf4llm: the heading row as many cells as the owners' rows, 'Director' over the names,
    # the three other headings in one cell over the X's
    owners = """||**Relationships**|
|---|---|
|**Reporting Owner Name / Address**<br>||
|Director|10% Owner Officer Other|
|ROE RICHARD<br>100 MAIN STREET<br>SPRINGFIELD, IL 62701|X|
|DOE JANE<br>1 ELM ST<br>DENVER, CO 80237|X|"""
    boxes = "_____ Director __X__ 10% Owner\n_____ Officer (give title below) _____ Other (specify below)"
    got = owners_of(page(boxes=boxes, owners=owners))
    assert [(o["owner_name"], o["is_director"], o["is_ten_percent_owner"]) for o in got] == [
        ("ROE RICHARD", False, True), ("DOE JANE", False, True)]


def test_a_word_a_cell_wrapped_after_its_hyphen_is_one_word():
    # a table's cell of several lines (pymupdf4llm) and flowed lines around a row's values
    cells = """|Performance-<br>Based<br>Restricted<br>Stock Units|$ 0<br>(1)|03/04/2020||A<br>|1,474|03/04/2023|(2)<br>(3)|Common<br>Stock|1,474|$ 0<br>(1)|1,474|D||
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"""
    flowed = "Non-\nQualified\nStock $ 14.99 01/06/2025 M 100,000 (1) 06/18/2026 Common 100,000 $ 0 120,948 D\n" \
             "Option Stock\n(right to\nbuy)"
    for table_ii, title in ((cells, "Performance-Based Restricted Stock Units"),
                            (flowed, "Non-Qualified Stock Option (right to buy)")):
        assert [t for t, _, _ in _titles(page(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY),
                                         "deriv_transactions")] == [title]
    # a dash standing apart between words is printed as it is
    flowed = "Right (Right to Buy) -\nClass C $ 10 01/06/2025 M 100 (1) 06/18/2026 Common 100 $ 0 100 D\nShares Stock"
    assert _titles(page(table_ii=flowed, owners=OWNER_TABLE_TITLE_ONLY), "deriv_transactions")[0][0] == \
        "Right (Right to Buy) - Class C Shares"


def test_the_first_owner_s_title_printed_beside_its_street_is_the_one_the_cover_prints():
    owners = "Director 10% Owner Officer Other\nROE RICHARD\n100 MAIN STREET Global Head of Hosting\nSPRINGFIELD, IL 62701"
    text = page(boxes=BOXES_OFFICER + "\nGlobal Head of Hosting", owners=owners)
    assert owners_of(text) == [owner("ROE RICHARD", False, False, True, False, "Global Head of Hosting")]
    row = ownership_text.read(text)[0].rows["reporting_owners"][0]
    assert (row["street1"], row["city"]) == ("100 MAIN STREET", "SPRINGFIELD")
    # the street's end that the cover prints beside its title is no title
    owners = "Director 10% Owner Officer Other\nROE RICHARD\n450 LEXINGTON AVENUE, 31ST FLOOR\nNEW YORK, NY 10017"
    text = page(boxes=BOXES_OFFICER + "\nHead of Strategy LEXINGTON AVENUE, 31ST FLOOR", owners=owners)
    assert owners_of(text)[0]["officer_title"] is None


def test_a_signatures_heading_topping_a_row_s_first_cell_ends_the_owners_table():
    # pymupdf4llm sets the heading on the first line of a row whose later cells hold pieces of the
    # signature's lines: the cell's end is the heading's, though the next cell's letters follow
    owners = """|**Reporting Owner Name / Address**||**Relation**|**ships**|
|---|---|---|---|
||Directo|r 10% Owne|r Officer Other|
|ROE RICHARD<br>100 MAIN STREET<br>SPRINGFIELD, IL 62701||X||
|**Signatures**<br>ROE HOLDINGS L.P., By:<br>partner, By: /s/ Richard Roe|Blacks<br>n G. Fi|tone Holdi<br>nley, Title|general<br>: Partner<br>03/04/2021|"""
    boxes = "_____ Director __X__ 10% Owner\n_____ Officer (give title below) _____ Other (specify below)"
    assert [o["owner_name"] for o in owners_of(page(boxes=boxes, owners=owners))] == ["ROE RICHARD"]


def test_a_row_s_values_at_two_heights_of_flowed_text_are_one_row():
    # the amounts on a line of their own over the title's line with the dates and the code
    table_ii = "Class B\n628,553 (2) (2) 628,553 137,545\nCommon (2) 12/09/2024 C Common $ 0 D\nStock"
    rows = ownership_text.read(page(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY))[0].rows
    assert not rows.get("deriv_holdings")
    assert [(r["transaction_date"], r["transaction_code"], r["shares"], r["underlying_shares"],
             r["shares_owned_after"], r["direct_indirect"]) for r in rows["deriv_transactions"]] == [
        (dt.date(2024, 12, 9), "C", D("628553"), D("628553"), D("137545"), "D")]


def test_a_sign_before_a_date_printed_apart_is_a_price_s_and_words_after_values_are_not_taken_twice():
    # a seven-line title around the row's line; the price's '$' on the line above beside the
    # exercise date and the underlying title's first line, its number below beside the second
    table_ii = ("Non-\nEmployee\nDirector\n$ 08/07/2020(1) Common\n"
                "Stock 05/07/2020 A 1,417 05/07/2030 1,417 $ 0 1,417 D\n195.255 Stock\nOption\n(Right to\nBuy)")
    rows = ownership_text.read(page(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY))[0].rows["deriv_transactions"]
    assert [(r["security_title"], r["conversion_or_exercise_price"], r["exercise_date"], r["expiration_date"],
             r["underlying_title"], r["underlying_shares"]) for r in rows] == [
        ("Non-Employee Director Stock Option (Right to Buy)", D("195.255"), dt.date(2020, 8, 7),
         dt.date(2030, 5, 7), "Common Stock", D("1417"))]


def test_a_title_s_line_beside_another_column_s_words_and_one_value_is_not_the_row_s_line():
    # markdown cells of a tall title's second line with the underlying title's first line and its
    # amount; the row's values on the next line; the underlying's second line in a cell below
    table_ii = """Common
Stock
Purchase Common
$ 0.7464 12/04/2020 P(1) 5,239,254 12/04/2020 12/04/2025 5,239,254 $ 0.125 5,239,254 D (2)
Warrant Stock
(right to
buy)
Class A-3
| Convertible | Common | 2,587,070 |
| ----------- | ------ | --------- |
(3) 12/04/2020 P 258,707 12/04/2020 (3) $ 6.22 258,707 D (2)
| Preferred | Stock |
| --------- | ----- |
Stock"""
    assert _titles(page(table_ii=table_ii, owners=OWNER_TABLE_TITLE_ONLY), "deriv_transactions") == [
        ("Common Stock Purchase Warrant (right to buy)", "Common Stock", D("5239254")),
        ("Class A-3 Convertible Preferred Stock", "Common Stock", D("2587070"))]


def test_owner_rows_of_fewer_cells_than_the_relationships_without_a_heading_row_place_no_x():
    # the headings in flowed text, the owners in a table whose empty cells the converter dropped:
    # a lone X after the name may stand in either marked column
    owners = """Relationships
Reporting Owner Name / Address
Director 10% Owner Officer Other
|ROE RICHARD<br>100 MAIN STREET<br>SPRINGFIELD, IL 62701|X|
|---|---|
|DOE JANE<br>1 ELM ST<br>DENVER, CO 80237|X|"""
    boxes = "_____ Director __X__ 10% Owner\n_____ Officer (give title below) _____ Other (specify below)"
    got = owners_of(page(boxes=boxes, owners=owners))
    assert [(o["owner_name"], o["is_director"], o["is_ten_percent_owner"]) for o in got] == [
        ("ROE RICHARD", False, True), ("DOE JANE", None, None)]


def test_a_name_in_capitals_cut_into_a_cell_of_one_line_is_joined_inside_its_word():
    owners = """|Reporting Owne|r Name / Address|Relationships<br>Director 10% Owner Officer Other|
|---|---|---|
|MASSACHUSETTS MUTU<br>1295 STATE STREET<br>SPRINGFIELD, MA 01111|AL LIFE INSURANCE CO|X|"""
    boxes = "_____ Director __X__ 10% Owner\n_____ Officer (give title below) _____ Other (specify below)"
    filing = ownership_text.read(page(boxes=boxes, owners=owners))[0]
    row = filing.rows["reporting_owners"][0]
    assert (row["owner_name"], row["street1"], row["city"]) == (
        "MASSACHUSETTS MUTUAL LIFE INSURANCE CO", "1295 STATE STREET", "SPRINGFIELD")
