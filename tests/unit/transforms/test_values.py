"""Values as filers write them: dates in every spelling, impossible values, CIKs, accession
numbers, states, numbers with footnote marks, check marks."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.values import (
    ImpossibleValue, accession_number, check_mark, find_accession, find_date, find_iso_date, footnote_ids, holds_digit,
    is_date_alone, is_date_shaped, lower_text, lowers_in_place, pad_cik, parse_date, parse_decimal, read_date, read_month_date,
    split_marks, state_code, states_day_of_date, strip_footnotes, us_state)

D = dt.date


@pytest.mark.parametrize("text, expected", [
    ("05/10/2007", D(2007, 5, 10)), ("5/10/07", D(2007, 5, 10)), ("05-10-2007", D(2007, 5, 10)),
    ("2007-05-10", D(2007, 5, 10)), ("2007-05-10-05:00", D(2007, 5, 10)), ("2007-05-10T00:00:00", D(2007, 5, 10)),
    ("20070510", D(2007, 5, 10)), ("July 29, 2002", D(2002, 7, 29)), ("Jul. 29 2002", D(2002, 7, 29)),
    ("JULY 29,2002", D(2002, 7, 29)), ("29 July 2002", D(2002, 7, 29)), ("10-May-07", D(2007, 5, 10)),
    ("Sept 3, 2001", D(2001, 9, 3)), ("05/10/2007 (1)", D(2007, 5, 10)), ("12/31/69", D(2069, 12, 31)),
    ("1/1/70", D(1970, 1, 1)),
])
def test_every_date_spelling(text, expected):
    assert read_date(text) == expected == parse_date(text)
    assert is_date_shaped(text)


@pytest.mark.parametrize("text", ["", "Common Stock", "Maybe 1 2000", "1,500", "$ 39.1", "(1)", "D", "N/A", "05/2007"])
def test_text_that_is_no_date_is_none(text):
    assert read_date(text) is None and parse_date(text) is None
    assert not is_date_shaped(text)


@pytest.mark.parametrize("text", ["99/99/9999", "02/30/2007", "13/01/2007", "2007-02-29", "20071301"])
def test_impossible_date_is_flagged_never_silently_null(text):
    assert is_date_shaped(text)
    with pytest.raises(ImpossibleValue, match="not a valid date"):
        read_date(text)
    assert parse_date(text) is None  # only for telling whether a line is a date


@pytest.mark.parametrize("text, expected", [
    ("February 29,2000", D(2000, 2, 29)), ("February 2000", D(2000, 2, 29)), ("05/01", D(2001, 5, 31)),
    ("12/1999", D(1999, 12, 31)), ("11/15/01", D(2001, 11, 15)), ("soon", None), ("", None)])
def test_month_dates(text, expected):
    assert read_month_date(text) == expected


def test_impossible_month_is_flagged():
    with pytest.raises(ImpossibleValue):
        read_month_date("13/01")


@given(st.dates(min_value=D(1970, 1, 1), max_value=D(2068, 12, 31)))
def test_every_printed_spelling_reads_back(day):
    for text in (day.strftime("%m/%d/%Y"), day.strftime("%-m/%-d/%y"), day.isoformat(), day.strftime("%Y%m%d"),
                 day.strftime("%B %-d, %Y"), day.strftime("%b. %-d %Y"), day.strftime("%-d %B %Y")):
        assert read_date(text) == day, text


@pytest.mark.parametrize("value, expected", [
    ("320193", "0000320193"), (320193, "0000320193"), (" 0000320193 ", "0000320193"), ("0", None), ("", None),
    (None, None), ("12345678901", "12345678901"), ("CIK 1", "CIK 1")])
def test_one_pad_cik(value, expected):
    assert pad_cik(value) == expected


def test_pad_cik_is_the_one_every_module_uses():
    from filingflow import companies
    from transforms import sgml_header
    assert companies.pad_cik is pad_cik is sgml_header.pad_cik


def test_accession_numbers():
    assert accession_number("000120919120034566") == "0001209191-20-034566"
    assert accession_number("0001209191-20-034566") == "0001209191-20-034566"
    assert accession_number("12-34") is None and accession_number(None) is None
    assert find_accession("x\nAccession No. 0001209191-20-034566\n") == "0001209191-20-034566"
    assert find_accession("no number here") is None


@pytest.mark.parametrize("text, expected", [
    ("MARYLAND", "MD"), ("Maryland", "MD"), ("md", "MD"), ("Md.", "MD"), ("New  York", "NY"), ("ONTARIO", "ONTARIO"),
    ("", None), (None, None)])
def test_states(text, expected):
    assert state_code(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("5,500", Decimal(5500)), ("$ 54.01", Decimal("54.01")), ("12,000 (1)", Decimal(12000)), ("(1)", None),
    ("", None), ("-", None), ("12,000 -", Decimal(12000)), ("1,2,3", None), ("words 12", None), (".5", Decimal("0.5"))])
def test_numbers_with_marks(text, expected):
    assert parse_decimal(text) == expected


def test_split_marks():
    assert split_marks("27,484 (1)(2)") == ("27,484", ["F1", "F2"])
    assert split_marks("[3] Common Stock") == ("Common Stock", ["F3"])
    assert footnote_ids(None) == []


@pytest.mark.parametrize("text, expected", [
    ("X", True), ("x", True), ("[X]", True), ("( x )", True), ("\u2612", True), ("\u2713", True), ("", False),
    ("[ ]", False), ("\u2610", False), (None, False), ("Chief Executive Officer", None)])
def test_check_marks(text, expected):
    assert check_mark(text) == expected


# --- lower-cased searches -------------------------------------------------------------------------

_PATTERN_WORDS = ("issuer", "statement", "ks", "is")
_LETTERS = "aeikstIKS \n\u2502\u2014\u00e9\u00c9\u0130\u0131\u017f\u212a"


@given(st.text(alphabet=_LETTERS, max_size=40))
def test_lowers_in_place_means_a_lower_cased_search_finds_what_re_i_finds(text):
    """Where lowers_in_place holds, lower() keeps every place and an ASCII pattern without re.I
    on the lower-cased text matches where it matches with re.I; the letters that break this
    ('İ', 'ı', 'ſ', the Kelvin sign) are all it turns down."""
    if not lowers_in_place(text):
        assert set(text) & set("\u0130\u0131\u017f\u212a")
        return
    low = text.lower()
    assert len(low) == len(text)
    for word in _PATTERN_WORDS:
        folded = [m.span() for m in re.finditer(re.escape(word), text, re.I)]
        assert [m.span() for m in re.finditer(re.escape(word), low)] == folded


@pytest.mark.parametrize("text, expected", [
    ("Statement of Changes", True), ("\u2502 Caf\u00e9 \u2014 Issuer", True), ("", True),
    ("\u0130ssuer", False), ("\u017ftatement", False), ("\u212aELLY", False), ("D\u0131rector", False)])
def test_lowers_in_place(text, expected):
    assert lowers_in_place(text) is expected


# --- dates in running text ------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Date of Report: July 29, 2002 (earliest event)", D(2002, 7, 29)), ("January 19,2000", D(2000, 1, 19)),
    ("on Sept. 3 2001 and later", D(2001, 9, 3)), ("Sep 3, 2001", D(2001, 9, 3)), ("SEPTEMBER 3, 2001", D(2001, 9, 3)),
    ("June 1st, 2010", D(2010, 6, 1)), ("Jun 1 2010", D(2010, 6, 1)), ("May 5, 1999", D(1999, 5, 5)),
    ("this 8th day of January, 2025", D(2025, 1, 8)), ("signed 7/29/02", D(2002, 7, 29)),
    ("12/31/69", D(2069, 12, 31)), ("1/1/70", D(1970, 1, 1)), ("07/29/2002", D(2002, 7, 29)),
    # an impossible date is passed over for the next one; a month word comes before a slash date
    ("February 30, 2002 or March 1, 2002", D(2002, 3, 1)), ("3/4/2005, April 2, 2005", D(2005, 4, 2)),
])
def test_first_date_in_running_text(text, expected):
    assert find_date(text) == expected


@pytest.mark.parametrize("text", [
    "", "no date here", "Janu 3, 2001", "Septem 3, 2001", "Mayday 5, 1999", "February 30, 2002", "July 29, 1899",
    "13/45/2002", "Form 8-K", "2002-07-29"])
def test_running_text_without_a_date(text):
    assert find_date(text) is None


def test_iso_dates_in_text():
    assert find_iso_date("2024-06-30") == D(2024, 6, 30)
    assert find_iso_date("period: 2024-06-30 (fiscal)") == D(2024, 6, 30)
    assert find_iso_date("2024-02-30") is None and find_iso_date(None) is None and find_iso_date("June 30") is None


def test_day_of_dates_and_dates_alone_on_a_line():
    assert states_day_of_date("Signed this 8th day of January, 2025.")
    assert not states_day_of_date("Dated January 8, 2025")
    assert is_date_alone("  | July 29, 2002 |") and is_date_alone("July 29, 2002.")
    assert not is_date_alone("Date: July 29, 2002") and not is_date_alone("7/29/02")


@pytest.mark.parametrize("text, expected", [
    ("Maryland", "MD"), ("md", "MD"), (" New  York ", "NY"), ("Calif.", "CA"), ("N. Y.", "NY"), ("Penna.", "PA"),
    ("D.C.", "DC"), ("Ontario", None), ("", None), ("Kentucky and Virginia", None)])
def test_us_states_by_name_code_or_abbreviation(text, expected):
    assert us_state(text) == expected


# Latin-1 capitals and caseless signs (the no-break space of a page as text), letters that lower()
# treats specially, and text beyond Latin-1.
_CASE_LETTERS = "aZ \n\u00a0\u00c0\u00c9\u00d7\u00de\u00df\u00e9\u00ff\u00b5\u0130\u0131\u212a\u03a3\u2502"


@given(st.text(alphabet=_CASE_LETTERS, max_size=40))
def test_lower_text_is_str_lower(text):
    assert lower_text(text) == text.lower()


@pytest.mark.parametrize("text, expected", [
    ("Table\u00a0I - NON-DERIVATIVE", "table\u00a0i - non-derivative"),  # the quick way: caseless non-ASCII
    ("\u00c9TAT \u00a0INITIAL", "\u00e9tat \u00a0initial"),  # a Latin-1 capital: lowered as str.lower does
    ("\u0130STANBUL \u2502 X", "i\u0307stanbul \u2502 x"),  # beyond Latin-1, 'İ' lengthens
])
def test_lower_text_examples(text, expected):
    assert lower_text(text) == expected


# --- digits and marks, tested without a regex where text allows -------------------------------------

# ASCII and Latin-1 digits and look-alikes ('²', '¼': no decimal digits), Arabic-Indic and fullwidth digits (decimal)
_DIGITS_AND_LOOKALIKES = "a 0159\xa0\xb2\xbc\u0661\uff13\u2028(["


@given(st.text(alphabet=_DIGITS_AND_LOOKALIKES, max_size=30))
def test_holds_digit_is_what_the_digit_pattern_finds(text):
    assert holds_digit(text) is (re.search(r"\d", text) is not None)


@pytest.mark.parametrize("text, expected", [
    ("   Common Stock   ", False), ("\xa0(Month/Day/Year)\xa0", False), ("x\xb2", False), ("\u0661", True),
    ("\xa0 04/28/2020", True), ("", False)])
def test_holds_digit(text, expected):
    assert holds_digit(text) is expected


@given(st.text(alphabet="a1 ()[]\t", max_size=20))
def test_strip_footnotes_without_a_bracket_only_strips(text):
    assert strip_footnotes(text) == re.sub(r"\(\s{0,3}(\d{1,3})\s{0,3}\)|\[\s{0,3}(\d{1,3})\s{0,3}\]", " ", text).strip()
