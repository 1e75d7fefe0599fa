"""Text renderings that keep column positions (PDF text with -layout, w3m, lynx): rows whose
cells land on several lines, cells closed up to one space, print furniture and page breaks,
and relationship headings set beside their cells. Hand-made pages, values asserted."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from transforms import ownership_text


def at(*cells: tuple[int, str]) -> str:
    """A line with each text at its column."""
    line = ""
    for column, text in cells:
        line = line.ljust(column) + text
    return line


COVER = [
    at((4, "FORM 4"), (40, "UNITED STATES SECURITIES AND EXCHANGE COMMISSION")),
    at((30, "STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP OF SECURITIES")),
    at((1, "1. Name and Address of Reporting Person *"), (60, "2. Issuer Name and Ticker or Trading Symbol")),
    at((1, "DOE JANE"), (60, "ACME CORP [ACME]")),
    "",
]
TABLE_I_HEADINGS = [
    at((40, "Table I - Non-Derivative Securities Acquired, Disposed of, or Beneficially Owned")),
    at((1, "1.Title of Security"), (40, "2. Transaction"), (58, "3. Transaction"), (72, "4. Securities"),
       (100, "5. Amount of"), (116, "6.")),
    at((1, "(Instr. 3)"), (40, "Date"), (58, "Code"), (72, "Acquired (A) or Disposed of (D)"), (100, "Securities"),
       (116, "Ownership")),
    at((58, "Code"), (64, "V"), (70, "Amount"), (78, "(D)"), (84, "Price")),
]
TABLE_II_HEADINGS = [
    "",
    at((30, "Table II - Derivative Securities Acquired, Disposed of, or Beneficially Owned")),
    at((1, "1. Title of"), (15, "2."), (27, "3. Transaction"), (45, "4."), (55, "5. Number"),
       (67, "6. Date Exercisable"), (95, "7. Title and Amount"), (120, "8. Price"), (130, "9. Number"), (142, "10.")),
    at((1, "Derivative"), (15, "Conversion"), (27, "Date"), (45, "Code"), (55, "(A) or (D)"), (67, "Date"),
       (80, "Expiration"), (95, "Title"), (108, "Amount"), (142, "Ownership")),
]
OWNERS_HEADINGS = [
    "",
    "Reporting Owners",
    at((40, "Relationships")),
    at((2, "Reporting Owner Name / Address")),
    at((40, "Director 10% Owner Officer Other")),
]
END = ["", "Signatures", at((2, "/s/ Jane Doe"), (60, "05/08/2020")), ""]


def page(table_i: list[str], table_ii: list[str], owners: list[str] | None = None) -> str:
    owners = owners if owners is not None else [at((2, "DOE JANE"), (44, "X")), at((2, "1 MAIN ST")),
                                                at((2, "DENVER, CO 80237"))]
    return "\n".join(COVER + TABLE_I_HEADINGS + table_i + TABLE_II_HEADINGS + table_ii + OWNERS_HEADINGS + owners
                     + END)


def read(text: str):
    filings = ownership_text.read(text)
    assert len(filings) == 1
    return filings[0].rows


def test_values_above_and_below_the_row_line_belong_to_its_row():
    # PDF text: the price wrapped as '$' over its number, the row's other cells on the lines
    # around its title; the next row's '$' as near to both rows goes where no '$' is yet
    table_i = [
        at((84, "$")),
        at((2, "Common Stock"), (40, "05/07/2020"), (58, "S"), (70, "100"), (78, "D")),
        at((84, "64.73"), (100, "27,484"), (116, "D")),
        at((84, "$")),
        at((2, "Common Stock"), (40, "05/08/2020"), (58, "S"), (70, "200"), (78, "D")),
        at((84, "65.1"), (100, "27,284"), (116, "D")),
    ]
    rows = read(page(table_i, []))["nonderiv_transactions"]
    assert [(r["transaction_date"], r["shares"], r["price_per_share"], r["shares_owned_after"], r["direct_indirect"])
            for r in rows] == [(date(2020, 5, 7), D("100"), D("64.73"), D("27484"), "D"),
                               (date(2020, 5, 8), D("200"), D("65.1"), D("27284"), "D")]


def test_a_price_number_below_its_sign_stays_with_it_between_two_rows():
    # '74.0517' is as near to the row above as to the holding below: it completes the '$' above
    table_i = [
        at((2, "Common Stock"), (40, "11/27/2020"), (58, "M"), (70, "3,033"), (78, "A"), (84, "$ 47.82"),
           (100, "35,011"), (116, "D")),
        at((84, "$")),
        at((2, "Common Stock"), (40, "11/27/2020"), (58, "S"), (70, "4,800"), (78, "D"), (100, "31,978"), (116, "D")),
        at((84, "74.0517")),
        at((2, "Common Stock"), (102, "29"), (116, "I")),
    ]
    rows = read(page(table_i, []))
    assert [r["price_per_share"] for r in rows["nonderiv_transactions"]] == [D("47.82"), D("74.0517")]
    assert [(r["shares_owned_after"], r["direct_indirect"]) for r in rows["nonderiv_holdings"]] == [(D("29"), "I")]


def test_wrapped_titles_between_rows_are_cut_where_each_title_centres_on_its_row():
    # each title is centred on its row's values, which sit on two lines (cells on different
    # baselines); 'RESTRICTED' is as near to both rows' values
    table_ii = [
        at((2, "EMPLOYEE")),
        at((2, "STOCK"), (95, "COMMON")),
        at((2, "OPTIONS (RT")),
        at((15, "$ 39.18"), (27, "11/05/2020"), (45, "A"), (55, "2,540"), (67, "11/05/2021"), (80, "11/05/2030"),
           (95, "STOCK")),
        at((108, "2,540"), (120, "$0"), (130, "2,540"), (142, "D")),
        at((2, "TO BUY)")),
        at((2, "RESTRICTED")),
        at((95, "COMMON")),
        at((2, "STOCK"), (15, "$0"), (27, "11/05/2020"), (45, "A"), (55, "2,960"), (67, "11/05/2021"),
           (80, "11/05/2030"), (95, "STOCK")),
        at((108, "2,960"), (120, "$0"), (130, "2,960"), (142, "D")),
        at((2, "UNITS")),
    ]
    rows = read(page([], table_ii))["deriv_transactions"]
    assert [(r["security_title"], r["conversion_or_exercise_price"], r["shares"], r["underlying_title"],
             r["underlying_shares"], r["shares_owned_after"]) for r in rows] == [
        ("EMPLOYEE STOCK OPTIONS (RT TO BUY)", D("39.18"), D("2540"), "COMMON STOCK", D("2540"), D("2540")),
        ("RESTRICTED STOCK UNITS", D("0"), D("2960"), "COMMON STOCK", D("2960"), D("2960"))]


def test_cells_closed_up_to_one_space_are_cut_apart_and_a_broken_word_rejoined():
    # PDF text closes up neighbouring cells: the underlying title's first line stands over the
    # middle of '81,217 08/15/2020 08/15/2020 Common 81,217'; 'Stock-' / 'Settled' is one word
    table_ii = [
        at((2, "Stock-")),
        at((95, "Class A")),
        at((2, "Settled"), (66, "81,217 08/15/2020 08/15/2020 Common 81,217")),
        at((15, "(4)"), (27, "08/15/2020"), (45, "M"), (130, "0"), (142, "D")),
        at((2, "Performance")),
        at((95, "Stock")),
        at((2, "Stock Units")),
    ]
    rows = read(page([], table_ii))["deriv_transactions"]
    assert [(r["security_title"], r["shares"], r["exercise_date"], r["underlying_title"], r["underlying_shares"],
             r["shares_owned_after"]) for r in rows] == [
        ("Stock-Settled Performance Stock Units", D("81217"), date(2020, 8, 15), "Class A Common Stock",
         D("81217"), D("0"))]


def test_a_number_inside_a_wrapped_text_cell_makes_no_row():
    # 'par value $0.01' wrapped in the underlying title's column: '$0.01' ends that cell
    table_ii = [
        at((2, "Class B"), (95, "Class A")),
        at((2, "Units"), (95, "common")),
        at((2, "(1)"), (27, "09/22/2020"), (45, "C"), (55, "69,290"), (67, "(1)"), (80, "(1)"), (95, "stock, par"),
           (110, "69,290"), (120, "$0"), (130, "345,678"), (142, "I")),
        at((95, "value")),
        at((95, "$0.01")),
    ]
    rows = read(page([], table_ii))["deriv_transactions"]
    assert [(r["security_title"], r["shares"], r["underlying_title"], r["shares_owned_after"]) for r in rows] == [
        ("Class B Units", D("69290"), "Class A common stock, par value $0.01", D("345678"))]


def test_columns_closed_up_by_a_renderer_that_collapses_spaces():
    # lynx: one space between cells after the first few, superscripts as '^(n)' set apart
    table_i = [
        at((3, "Common Stock 09/14/2021"), (29, "S"), (33, "124,065 D $ 131.8606 ^(1) 28,490,435 I See Footnote ^(2)")),
        at((3, "Common Stock 09/15/2021"), (29, "S"), (33, "300 D $ 132.5 28,490,135 ^(3) I See Footnote")),
        at((3, "^(4)")),
        at((3, "Common Stock"), (29, "29 I By Son")),
    ]
    rows = read(page(table_i, []))
    assert [(r["shares"], r["price_per_share"], r["shares_owned_after"], r["direct_indirect"])
            for r in rows["nonderiv_transactions"]] == [(D("124065"), D("131.8606"), D("28490435"), "I"),
                                                        (D("300"), D("132.5"), D("28490135"), "I")]
    assert [(r["shares_owned_after"], r["direct_indirect"], r["nature_of_ownership"])
            for r in rows["nonderiv_holdings"]] == [(D("29"), "I", "By Son")]


def test_a_superscript_mark_two_spaces_off_and_a_title_closed_up_with_its_price():
    # w3m: '66,466 ^(1)' (the caret becomes a space), 'Stock Option $ 195.255' one run
    table_i = [at((0, "Common Stock"), (67, "66,466 ^(1)"), (80, "D"))]
    table_ii = [
        at((0, "Non-Employee")),
        at((0, "Director"), (67, "08/07/2020^"), (90, "Common")),
        at((0, "Stock Option $ 195.255"), (24, "05/07/2020"), (49, "A"), (58, "1,417"), (72, "(1)"),
           (80, "05/07/2030"), (91, "Stock"), (98, "1,417"), (110, "$ 0"), (120, "1,417"), (130, "D")),
        at((0, "(Right to")),
        at((0, "Buy)")),
    ]
    rows = read(page(table_i, table_ii))
    holding = rows["nonderiv_holdings"][0]
    assert (holding["shares_owned_after"], holding["direct_indirect"]) == (D("66466"), "D")
    assert {(f["table_name"], f["field"], f["footnote_id"]) for f in rows["footnote_refs"]} >= {
        ("nonderiv_holdings", "shares_owned_after", "F1")}
    option = rows["deriv_transactions"][0]
    assert (option["security_title"], option["conversion_or_exercise_price"], option["exercise_date"]) == (
        "Non-Employee Director Stock Option (Right to Buy)", D("195.255"), date(2020, 8, 7))


def test_the_column_headings_end_above_the_first_line_holding_a_number():
    # a Form 3 holding whose every line holds one value at most: no line holds a whole row
    text = page([], [
        at((47, "Class A"), (56, "16,486,250"), (89, "By Bluescape")),
        at((0, "Class B ordinary shares"), (26, "^(1)"), (38, "^(1)"), (47, "ordinary ^(2)"), (67, "$ ^(1)"),
           (80, "I ^(3)"), (89, "Sponsor LLC")),
        at((47, "shares")),
    ]).replace("FORM 4", "FORM 3").replace("STATEMENT OF CHANGES IN BENEFICIAL OWNERSHIP OF SECURITIES",
                                           "INITIAL STATEMENT OF BENEFICIAL OWNERSHIP OF SECURITIES")
    rows = read(text)["deriv_holdings"]
    assert [(r["security_title"], r["underlying_title"], r["underlying_shares"], r["direct_indirect"])
            for r in rows] == [("Class B ordinary shares", "Class A ordinary shares", D("16486250"), "I")]


# --- reporting owners ---------------------------------------------------------------------
def _owners(lines: list[str]) -> list[tuple]:
    return [(o["owner_name"], o["city"], o["zip"], o["is_director"], o["is_ten_percent_owner"], o["officer_title"])
            for o in read(page([], [], lines))["reporting_owners"]]


def test_an_owner_address_continued_after_a_page_break():
    # pdftotext: the page's bottom margin (a blank line) and Chromium's footer and header fall
    # inside the address
    assert _owners([
        at((2, "Horning Sandra"), (44, "X")),
        at((2, "C/O MODERNA, INC.")),
        "",
        at((0, "http://127.0.0.1:8088/3_x.html"), (150, "1/2")),
        "\f" + at((0, "12/7/26, 4:12 AM"), (60, "Ownership Submission")),
        at((2, "200 TECHNOLOGY SQUARE")),
        at((2, "CAMBRIDGE, MA 02139")),
    ]) == [("Horning Sandra", "CAMBRIDGE", "02139", True, False, None)]


def test_owners_without_blank_lines_between_them_part_at_foreign_post_codes():
    assert [(o[0], o[3], o[4]) for o in _owners([
        at((2, "SB Global Advisers Ltd")),
        at((2, "69 GROSVENOR STREET"), (52, "X")),
        at((2, "LONDON,, X0 W1K 3JP")),
        at((2, "OTEE 2020 ApS")),
        at((2, "STOCKHOLMSGADE 45"), (44, "X")),
        at((2, "COPENHAGEN O, G7 2100")),
        at((2, "BVF Partners OS Ltd.")),
        at((2, "P.O. BOX 309 UGLAND HOUSE"), (52, "X")),
        at((2, "GRAND CAYMAN, E9 KY1-1104")),
    ])] == [("SB Global Advisers Ltd", False, True), ("OTEE 2020 ApS", True, False),
            ("BVF Partners OS Ltd.", False, True)]


def test_relationship_headings_set_one_column_right_of_their_cells():
    # lynx sets the heading row beside the name heading's rowspan: the Director X stands left
    # of every heading, the 10% Owner X under 'Director', the officer's title under '10% Owner'
    heading = at((51, "Director 10% Owner Officer"), (85, "Other"))
    text = page([], [], [
        at((3, "WILDER C JOHN")),
        at((3, "C/O BLUESCAPE"), (35, "X"), (55, "X"), (62, "Chairman & CEO")),
        at((3, "DALLAS, TX 75201")),
    ]).replace(OWNERS_HEADINGS[-1], heading)
    owner = read(text)["reporting_owners"][0]
    assert (owner["owner_name"], owner["is_director"], owner["is_ten_percent_owner"], owner["is_officer"],
            owner["officer_title"]) == ("WILDER C JOHN", True, True, True, "Chairman & CEO")
    other = read(page([], [], [
        at((3, "Blavatnik Family Foundation LLC")),
        at((3, "NEW YORK, NY 10019"), (72, "Affiliate of 10% Owner")),
    ]).replace(OWNERS_HEADINGS[-1], at((53, "Director 10% Owner Officer"), (94, "Other"))))["reporting_owners"][0]
    # under 'Officer' without the shift is the Officer column: the layout cannot tell
    assert (other["is_officer"], other["officer_title"]) == (True, "Affiliate of 10% Owner")


def test_relationship_headings_over_their_cells_are_read_in_place():
    assert _owners([
        at((0, "Evans David C")),
        at((0, "7000 CARDINAL PLACE"), (36, "X")),
        at((0, "DUBLIN, OH 43017")),
    ]) == [("Evans David C", "DUBLIN", "43017", True, False, None)]


def test_a_footnote_mark_raised_beside_its_date_is_the_dates_and_on_its_line_a_cell():
    # PDF text at another resolution raises '(4)' onto the line above, just right of its date;
    # on the date's own line a mark alone is a cell: the expiration date printed as a footnote
    table_ii = [
        at((2, "Employee")),
        at((2, "Stock"), (77, "(4)"), (95, "Common")),
        at((2, "Option"), (15, "$ 33.79"), (67, "01/22/2014"), (80, "01/22/2023"), (108, "3,000"), (130, "3,000"),
           (142, "D")),
        at((95, "Stock")),
        at((2, "(right to buy)")),
        "",
        at((2, "Restricted"), (15, "$ 0"), (27, "03/04/2020"), (45, "A"), (55, "5,307"), (67, "03/04/2023"),
           (80, "(2)"), (95, "Common Stock"), (108, "5,307"), (120, "$ 0"), (130, "5,307"), (142, "D")),
        at((2, "Stock Units")),
    ]
    rows = read(page([], table_ii))
    option = rows["deriv_holdings"][0]
    assert (option["exercise_date"], option["expiration_date"], option["underlying_shares"]) == (
        date(2014, 1, 22), date(2023, 1, 22), D("3000"))
    units = rows["deriv_transactions"][0]
    assert (units["exercise_date"], units["expiration_date"], units["shares"]) == (date(2023, 3, 4), None, D("5307"))
