"""Pre-2003 plain-ASCII Forms 3/4/5: the 2000 EDGAR filing and hand-made fixtures, field by field."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filingflow.schema import TABLES
from transforms import legacy_ownership, ownership_text, registry
from transforms.decode import decode
from transforms.errors import ParseError
from transforms.model import blank_filing_row, content_filing_id

FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "support" / "fixtures" / "legacy_ownership"
CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
FILING_2000 = "full_submission/4_0001094891-00-000193_edgartools.txt"
D = dt.date


def corpus_text(relative: str) -> str:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"corpus file {relative} not found: the shared corpus belongs next to the repository")
    return decode(path.read_bytes()).text


def body_2000() -> str:
    text = corpus_text(FILING_2000)
    return text[text.index("<TEXT>\n") + len("<TEXT>\n"):text.index("</TEXT>")]


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def row(table: str, **values) -> dict:
    """A full row of `table`: every column not given is expected to be None."""
    full = blank_filing_row(table)
    unknown = set(values) - set(full)
    assert not unknown, unknown
    full.update(values)
    return full


def rows_of(parsed, table: str) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "filing_id"} for r in parsed.rows.get(table, [])]


def filing_of(parsed, **values) -> dict:
    expected = {"accession_number": None, "date_of_original_submission": None, "issuer_cik": None,
                "not_subject_to_section16": None, "form3_holdings_reported": None,
                "form4_transactions_reported": None, "remarks": None}
    expected.update(values)
    return {k: parsed.filing.get(k) for k in expected}, expected


# --- the 2000 filing ---------------------------------------------------------------------------------

def _check_2000_rows(parsed, fid: str) -> None:
    assert rows_of(parsed, "deriv_transactions") == [row(
        "deriv_transactions", row_index=0, security_title="Options to Purchase Common Stock",
        conversion_or_exercise_price=Decimal("1.375"), transaction_date=D(2000, 2, 7), transaction_code="A",
        is_voluntary=True, shares=Decimal("12000"), acquired_disposed=None,  # filed as 'A,D'
        exercise_date=D(2000, 2, 7), expiration_date=D(2005, 2, 7), underlying_title="Common Stock",
        underlying_shares=Decimal("12000"), price_per_share=None, shares_owned_after=Decimal("12000"),
        direct_indirect="D", nature_of_ownership=None)]
    for table in ("nonderiv_transactions", "nonderiv_holdings", "deriv_holdings", "footnotes", "footnote_refs"):
        assert rows_of(parsed, table) == []
    assert rows_of(parsed, "reporting_owners") == [row(
        "reporting_owners", owner_index=0, owner_name="Foster, Alan H.",
        street1="c/o Productivity Technologies Corp.", street2="520 Madison Avenue", city="New York", state="NY",
        zip="10022", is_director=True, is_officer=False, is_ten_percent_owner=False, is_other=False)]
    assert rows_of(parsed, "signatures") == [row(
        "signatures", signature_index=0, name="Alan H. Foster", as_filed="/s/ Alan H. Foster", signed_date=D(2000, 3, 13))]
    assert all(r["filing_id"] == fid for rows in parsed.rows.values() for r in rows)


def test_2000_document_body_golden():
    body = body_2000()
    assert legacy_ownership.sniff(body)
    assert registry.reader_for(body) is legacy_ownership
    fmt, [parsed] = registry.read_text(body)
    assert fmt == "legacy_ascii_ownership"
    cid = content_filing_id(body)
    got, expected = filing_of(
        parsed, filing_id=cid, content_id=cid, form_type="4", is_amendment=False, filed_date=D(2000, 3, 13),
        period_of_report=D(2000, 2, 29), issuer_name="Productivity Technologies Corp.", issuer_ticker="PRAC",
        not_subject_to_section16=False, source_format="legacy_ascii_ownership")
    assert got == expected
    assert rows_of(parsed, "filing_companies") == [row(
        "filing_companies", company_index=0, role="issuer", name="Productivity Technologies Corp.", ticker="PRAC")]
    _check_2000_rows(parsed, cid)


def test_2000_submission_through_the_submission_reader():
    text = corpus_text(FILING_2000)
    assert not legacy_ownership.sniff(text)
    fmt, [parsed] = registry.read_bytes((CORPUS / FILING_2000).read_bytes())
    assert fmt == "sgml_submission"
    got, expected = filing_of(
        parsed, filing_id="0001094891-00-000193", accession_number="0001094891-00-000193",
        content_id=content_filing_id(body_2000()), form_type="4", is_amendment=False,
        filed_date=D(2000, 3, 14), period_of_report=D(2000, 2, 29), issuer_cik="0000911787",
        issuer_name="Productivity Technologies Corp.", issuer_ticker="PRAC", not_subject_to_section16=False,
        source_format="sgml_submission")
    assert got == expected
    assert [d["reader"] for d in parsed.rows["documents"]] == ["legacy_ascii_ownership"]
    companies = rows_of(parsed, "filing_companies")
    assert [(c["role"], c["cik"], c["name"], c["ticker"]) for c in companies] == [
        ("subject_company", "0000911787", "PRODUCTIVITY TECHNOLOGIES CORP /", None),
        ("reporting_owner", "0001050609", "FOSTER ALAN H", None),
        ("issuer", None, "Productivity Technologies Corp.", "PRAC"),
    ]
    _check_2000_rows(parsed, "0001094891-00-000193")


def test_1998_header_only_form4_is_not_claimed():
    text = corpus_text("header_only/4_0001012325-98-000004_edgartools.txt")
    assert not legacy_ownership.sniff(text)
    fmt, [parsed] = registry.read_text(text)
    assert (fmt, parsed.filing["source_format"]) == ("sgml_submission", "header_only")
    assert "reporting_owners" not in parsed.rows


# --- fixtures -------------------------------------------------------------------------------------------

def test_form3_holdings_only():
    text = fixture("form3_holdings.txt")
    assert registry.reader_for(text) is legacy_ownership
    [parsed] = legacy_ownership.read(text)
    cid = content_filing_id(text)
    got, expected = filing_of(
        parsed, filing_id=cid, content_id=cid, form_type="3", is_amendment=False, filed_date=D(2001, 11, 21),
        period_of_report=D(2001, 11, 15), issuer_name="Pacific Coast Instruments, Inc.", issuer_ticker="PCIN")
    assert got == expected
    assert rows_of(parsed, "nonderiv_holdings") == [
        row("nonderiv_holdings", row_index=0, security_title="Common Stock", shares_owned_after=Decimal("4250"),
            direct_indirect="D"),
        row("nonderiv_holdings", row_index=1, security_title="Common Stock", shares_owned_after=Decimal("1000"),
            direct_indirect="I", nature_of_ownership="By spouse's IRA"),
        row("nonderiv_holdings", row_index=2, security_title="Common Stock", shares_owned_after=Decimal("12500"),
            direct_indirect="I", nature_of_ownership="By Ramirez Family Trust"),
    ]
    assert rows_of(parsed, "deriv_holdings") == [row(
        "deriv_holdings", row_index=0, security_title="Employee Stock Option (right to buy)",
        exercise_date=None, expiration_date=D(2011, 11, 14), underlying_title="Common Stock",
        underlying_shares=Decimal("25000"), conversion_or_exercise_price=Decimal("8.50"), direct_indirect="D")]
    assert rows_of(parsed, "nonderiv_transactions") == rows_of(parsed, "deriv_transactions") == []
    assert rows_of(parsed, "footnote_refs") == [
        {"table_name": "nonderiv_holdings", "row_index": 1, "field": "shares_owned_after", "footnote_id": "F1"},
        {"table_name": "nonderiv_holdings", "row_index": 2, "field": "nature_of_ownership", "footnote_id": "F2"},
        {"table_name": "deriv_holdings", "row_index": 0, "field": "exercise_date", "footnote_id": "F3"},
    ]
    assert rows_of(parsed, "footnotes") == [
        {"footnote_id": "F1", "text": "Held in an individual retirement account for the benefit of the reporting "
                                      "person's spouse."},
        {"footnote_id": "F2", "text": "The reporting person is a co-trustee of the trust."},
        {"footnote_id": "F3", "text": "The option vests in four equal annual installments beginning "
                                      "November 15, 2002."},
    ]
    assert rows_of(parsed, "reporting_owners") == [row(
        "reporting_owners", owner_index=0, owner_name="Ramirez, Elena M.",
        street1="4100 Harbor Boulevard, Suite 200", city="Costa Mesa", state="CA", zip="92626",
        is_director=False, is_officer=True, is_ten_percent_owner=False, is_other=False,
        officer_title="Vice President, Finance")]
    assert rows_of(parsed, "signatures") == [row(
        "signatures", signature_index=0, name="Elena M. Ramirez", as_filed="/s/ Elena M. Ramirez", signed_date=D(2001, 11, 21))]
    assert rows_of(parsed, "filing_companies") == [row(
        "filing_companies", company_index=0, role="issuer", name="Pacific Coast Instruments, Inc.", ticker="PCIN")]


def test_form5_annual_with_indirect_rows_and_footnote_marks():
    text = fixture("form5_annual.txt")
    assert registry.reader_for(text) is legacy_ownership
    [parsed] = legacy_ownership.read(text)
    cid = content_filing_id(text)
    got, expected = filing_of(
        parsed, filing_id=cid, content_id=cid, form_type="5", is_amendment=False, filed_date=D(2000, 2, 11),
        period_of_report=D(1999, 12, 31), issuer_name="Northern Plains Bancorp", issuer_ticker="NPBC",
        not_subject_to_section16=False, form3_holdings_reported=True, form4_transactions_reported=False)
    assert got == expected
    title = "Common Stock, par value $1.00"
    assert rows_of(parsed, "nonderiv_transactions") == [
        row("nonderiv_transactions", row_index=0, security_title=title, transaction_date=D(1999, 6, 30),
            transaction_code="G", shares=Decimal("500"), acquired_disposed="D", price_per_share=Decimal("0"),
            shares_owned_after=Decimal("184250"), direct_indirect="D"),
        row("nonderiv_transactions", row_index=1, security_title=title, transaction_date=D(1999, 12, 15),
            transaction_code="J", shares=Decimal("2000"), acquired_disposed="A", price_per_share=Decimal("21.125"),
            shares_owned_after=Decimal("30000"), direct_indirect="I", nature_of_ownership="By Whitfield Partners LP"),
    ]
    assert rows_of(parsed, "nonderiv_holdings") == [
        row("nonderiv_holdings", row_index=2, security_title=title, shares_owned_after=Decimal("1200"),
            direct_indirect="I", nature_of_ownership="By 401(k) Plan")]
    assert rows_of(parsed, "deriv_transactions") == rows_of(parsed, "deriv_holdings") == []
    assert rows_of(parsed, "footnote_refs") == [
        {"table_name": "nonderiv_transactions", "row_index": 1, "field": "transaction_code", "footnote_id": "F1"},
        {"table_name": "nonderiv_transactions", "row_index": 1, "field": "nature_of_ownership", "footnote_id": "F2"},
        {"table_name": "nonderiv_holdings", "row_index": 2, "field": "shares_owned_after", "footnote_id": "F3"},
    ]
    assert [f["footnote_id"] for f in rows_of(parsed, "footnotes")] == ["F1", "F2", "F3"]
    assert rows_of(parsed, "footnotes")[1]["text"] == (
        "The reporting person is the general partner of Whitfield Partners LP and disclaims beneficial ownership "
        "except to the extent of his pecuniary interest.")
    assert rows_of(parsed, "footnotes")[2]["text"] == "Based on the plan statement as of December 31, 1999."
    assert rows_of(parsed, "reporting_owners") == [row(
        "reporting_owners", owner_index=0, owner_name="Whitfield, George T.",
        street1="c/o Northern Plains Bancorp", street2="220 Main Street", city="Bismarck", state="ND", zip="58501",
        is_director=True, is_officer=False, is_ten_percent_owner=True, is_other=False)]
    assert rows_of(parsed, "signatures") == [row(
        "signatures", signature_index=0, name="George T. Whitfield", as_filed="/s/ George T. Whitfield", signed_date=D(2000, 2, 11))]


def test_form4_amendment_with_wrapped_titles_and_dates():
    text = fixture("form4a_amendment.txt")
    assert registry.reader_for(text) is legacy_ownership
    [parsed] = legacy_ownership.read(text)
    cid = content_filing_id(text)
    got, expected = filing_of(
        parsed, filing_id=cid, content_id=cid, form_type="4/A", is_amendment=True, filed_date=D(2001, 7, 2),
        period_of_report=D(2001, 5, 31), date_of_original_submission=D(2001, 6, 30),
        issuer_name="Lakeshore Software Corp.", issuer_ticker="LSWC", not_subject_to_section16=True)
    assert got == expected
    assert rows_of(parsed, "nonderiv_transactions") == [
        row("nonderiv_transactions", row_index=0, security_title="Common Stock", transaction_date=D(2001, 5, 3),
            transaction_code="M", shares=Decimal("10000"), acquired_disposed="A", price_per_share=Decimal("4.00"),
            direct_indirect="D"),
        row("nonderiv_transactions", row_index=1, security_title="Common Stock", transaction_date=D(2001, 5, 3),
            transaction_code="S", shares=Decimal("10000"), acquired_disposed="D",
            price_per_share=Decimal("31.5625"), shares_owned_after=Decimal("41300"), direct_indirect="D"),
    ]
    assert rows_of(parsed, "nonderiv_holdings") == [
        row("nonderiv_holdings", row_index=2, security_title="Common Stock", shares_owned_after=Decimal("6000"),
            direct_indirect="I", nature_of_ownership="By Okafor Charitable Trust")]
    option = "Non-Qualified Stock Option (right to buy)"
    assert rows_of(parsed, "deriv_transactions") == [row(
        "deriv_transactions", row_index=0, security_title=option, conversion_or_exercise_price=Decimal("4.00"),
        transaction_date=D(2001, 5, 3), transaction_code="M", shares=Decimal("10000"), acquired_disposed="D",
        exercise_date=None, expiration_date=D(2006, 1, 15), underlying_title="Common Stock",
        underlying_shares=Decimal("10000"), shares_owned_after=Decimal("15000"), direct_indirect="D")]
    assert rows_of(parsed, "deriv_holdings") == [row(
        "deriv_holdings", row_index=1, security_title=option, conversion_or_exercise_price=Decimal("12.75"),
        exercise_date=D(2002, 1, 2), expiration_date=D(2011, 1, 2), underlying_title="Common Stock",
        underlying_shares=Decimal("20000"), shares_owned_after=Decimal("20000"), direct_indirect="D")]
    assert rows_of(parsed, "footnote_refs") == [
        {"table_name": "nonderiv_transactions", "row_index": 1, "field": "shares", "footnote_id": "F1"},
        {"table_name": "deriv_transactions", "row_index": 0, "field": "exercise_date", "footnote_id": "F2"},
    ]
    assert rows_of(parsed, "footnotes")[0] == {
        "footnote_id": "F1", "text": "Sold under a sales plan adopted on March 1, 2001."}
    assert rows_of(parsed, "reporting_owners") == [row(
        "reporting_owners", owner_index=0, owner_name="Okafor, Daniel", street1="1500 Lakeview Drive",
        city="Madison", state="WI", zip="53703", is_director=False, is_officer=True, is_ten_percent_owner=False,
        is_other=False, officer_title="Chief Technology Officer")]
    assert rows_of(parsed, "signatures") == [row(
        "signatures", signature_index=0, name="Daniel Okafor, by Susan Hale", title="Attorney-in-Fact",
        as_filed="/s/ Daniel Okafor, by Susan Hale, Attorney-in-Fact",
        signed_date=D(2001, 7, 2))]


@pytest.mark.parametrize("text, expected", [
    ("February 29,2000", D(2000, 2, 29)), ("February 2000", D(2000, 2, 29)), ("05/01", D(2001, 5, 31)),
    ("12/1999", D(1999, 12, 31)), ("11/15/01", D(2001, 11, 15)), ("soon", None), ("", None)])
def test_month_date(text, expected):
    assert legacy_ownership.month_date(text) == expected


@pytest.mark.parametrize("text", ["13/01", "02/30/2001", "99/99/9999"])
def test_impossible_month_date_is_an_invalid_value(text):
    with pytest.raises(ParseError) as e:
        legacy_ownership.month_date(text)
    assert e.value.code == "invalid_value"


# --- sniffing ------------------------------------------------------------------------------------------

def test_sniff_leaves_other_shapes_to_their_readers():
    repo = Path(__file__).resolve().parents[3]
    files = sorted((repo / "data" / "samples").glob("*")) + sorted(
        p for p in (repo / "tests" / "support" / "fixtures").rglob("*") if p.is_file() and "legacy_ownership" not in p.parts)
    assert files
    for path in files:
        assert not legacy_ownership.sniff(decode(path.read_bytes()).text), path
    for name in ("ownership_text_form3.txt", "ownership_text_form5_pipes.md", "ownership_text_seed_pipes.md"):
        assert registry.reader_for(fixture_path_text(repo / "tests" / "support" / "fixtures" / name)) is ownership_text


def fixture_path_text(path: Path) -> str:
    return decode(path.read_bytes()).text


def test_sniff_rejects_the_corpus_wrappers_and_8ks():
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not next to the repository")
    files = [p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in {".txt", ".nc", ".html", ".htm", ".xml"}]
    for path in files:
        assert not legacy_ownership.sniff(decode(path.read_bytes()).text), path


# --- failures ----------------------------------------------------------------------------------------

def _code(text: str) -> str:
    with pytest.raises(ParseError) as info:
        legacy_ownership.read(text)
    return info.value.code


@pytest.mark.parametrize("marker", ["Table I --", "Table II --", "Explanation of Responses:"])
def test_truncated(marker):
    text = fixture("form4a_amendment.txt")
    assert _code(text[:text.index(marker)]) == "truncated"


def test_truncated_inside_a_table():
    text = fixture("form5_annual.txt")
    cut = text.index("Table II --")
    assert _code(text[:cut] + "Table II -- Derivative\nExplanation of Responses:\n") == "truncated"


def test_unreadable_row():
    text = fixture("form4a_amendment.txt").replace("|10,000 (1)   |D  |$31.5625   |41,300        |",
                                                   "|ten thousand |D  |sold       |lots          |")
    assert _code(text) == "unreadable_row"


def test_not_legacy():
    assert _code("FORM 8-K\nCURRENT REPORT\n") == "unrecognized_format"


# --- robustness ------------------------------------------------------------------------------------------

_SAMPLES = [FIXTURES / n for n in ("form3_holdings.txt", "form5_annual.txt", "form4a_amendment.txt")]


@st.composite
def mutated(draw):
    text = draw(st.sampled_from(_SAMPLES)).read_text()
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "drop", "garble", "duplicate"]))
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "truncate":
            lines = lines[:at] + [lines[at][:draw(st.integers(0, 40))]] if lines else lines
        elif op == "drop":
            del lines[at:at + draw(st.integers(1, 5))]
        elif op == "garble" and lines:
            junk = draw(st.sampled_from(["9,9,9", "$", "(", "|", "1/", "A,D", "- -", "(X)", "12/99/99", "x" * 30]))
            line = lines[at]
            pos = draw(st.integers(0, len(line)))
            lines[at] = line[:pos] + junk + line[pos:]
        else:
            lines[at:at] = lines[at:at + draw(st.integers(1, 3))]
    return "\n".join(lines)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_legacy_text_raises_only_parse_errors(text):
    try:
        filings = legacy_ownership.read(text)
    except ParseError:
        return
    for parsed in filings:
        for table, rows in parsed.rows.items():
            TABLES[table].to_arrow(rows)  # typed as the schema says


@pytest.mark.parametrize("letters", ["\u2502 caf\u00e9 \u2014", "\u0130stanbul \u017fome \u212a"])
def test_sniff_gives_the_same_answer_with_letters_outside_ascii(letters):
    """Box drawing, accents and dashes, or letters that fold to ASCII ones under re.I ('İ',
    'ſ', the Kelvin sign): the legacy form is still recognised, and markup still refused."""
    body = body_2000()
    with_letters = body.replace("\n", f"\n{letters}\n", 1)
    assert not with_letters.isascii()
    assert legacy_ownership.sniff(with_letters)
    assert not legacy_ownership.sniff(f"<html>\n{with_letters}")
    assert not legacy_ownership.sniff(f"<DOCUMENT>\n{with_letters}")
    for wrapper in ("-----BEGIN PRIVACY-ENHANCED MESSAGE-----", "&lt;SEC-HEADER&gt;", "<SEC-DOCUMENT>x.txt"):
        assert not legacy_ownership.sniff(f"{wrapper}\n{with_letters}")
        assert not legacy_ownership.sniff(f"{wrapper}\n{body}")
    assert not legacy_ownership.sniff(with_letters.replace("STATEMENT", "S T A T E M E N T"))
