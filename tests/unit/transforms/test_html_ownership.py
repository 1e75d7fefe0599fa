"""EDGAR's HTML rendering of Forms 3/4/5: golden rows for hand-made pages modelled on
the xslF345X05 rendering, failure codes, sniffing, robustness and speed."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filingflow.schema import TABLES
from transforms import html_ownership, registry
from transforms.decode import decode
from transforms.errors import ParseError
from transforms.model import blank_filing_row, content_filing_id

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "support" / "fixtures" / "html_ownership"
CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
FORM4, FORM3 = "form4_two_owners.html", "form3_holdings.html"
TABLE_NAMES = ("nonderiv_transactions", "nonderiv_holdings", "deriv_transactions", "deriv_holdings",
               "reporting_owners", "signatures", "footnotes", "footnote_refs", "filing_companies")


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def row(table: str, **values) -> dict:
    full = blank_filing_row(table)
    unknown = set(values) - set(full)
    assert not unknown, unknown
    full.update(values)
    return full


def rows_of(parsed, table: str) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "filing_id"} for r in parsed.rows.get(table, [])]


def read_one(text: str):
    filings = html_ownership.read(text)
    assert len(filings) == 1
    return filings[0]


def test_form4_two_owners_golden():
    text = fixture(FORM4)
    parsed = read_one(text)
    fid = content_filing_id(text)
    assert parsed.filing == {
        "filing_id": fid, "accession_number": None, "content_id": fid, "form_type": "4", "is_amendment": False,
        "filed_date": dt.date(2023, 3, 17), "period_of_report": dt.date(2023, 3, 15),
        "date_of_original_submission": None, "issuer_name": "Harbor Light Therapeutics, Inc.",
        "issuer_cik": "0001523456", "issuer_ticker": "HLTX", "not_subject_to_section16": False,
        "aff10b5_one": True, "form3_holdings_reported": None, "form4_transactions_reported": None, "remarks":
        "Exhibit 24 - Power of Attorney"}
    assert rows_of(parsed, "nonderiv_transactions") == [
        row("nonderiv_transactions", row_index=0, security_title="Common Stock", transaction_date=dt.date(2023, 3, 15),
            transaction_code="M", shares=D("5000"), price_per_share=D("10"), acquired_disposed="A",
            shares_owned_after=D("25000"), direct_indirect="D"),
        row("nonderiv_transactions", row_index=1, security_title="Common Stock", transaction_date=dt.date(2023, 3, 15),
            transaction_code="S", shares=D("3200"), price_per_share=D("45.2175"), acquired_disposed="D",
            shares_owned_after=D("21800"), direct_indirect="D"),
    ]
    assert rows_of(parsed, "nonderiv_holdings") == [
        row("nonderiv_holdings", row_index=2, security_title="Common Stock", shares_owned_after=D("120000"),
            direct_indirect="I", nature_of_ownership="By Doe Family Holdings LLC")]
    assert rows_of(parsed, "deriv_transactions") == [
        row("deriv_transactions", row_index=0, security_title="Stock Option (Right to Buy)",
            conversion_or_exercise_price=D("10"), transaction_date=dt.date(2023, 3, 15), transaction_code="M",
            shares=D("5000"), acquired_disposed="D",  # the number stands in the (D) column
            exercise_date=None, expiration_date=dt.date(2030, 2, 1), underlying_title="Common Stock",
            underlying_shares=D("5000"), price_per_share=D("0"), shares_owned_after=D("15000"), direct_indirect="D")]
    assert rows_of(parsed, "deriv_holdings") == []
    assert rows_of(parsed, "reporting_owners") == [
        row("reporting_owners", owner_index=0, owner_cik="0001698765", owner_name="Doe Jane A.",
            street1="C/O HARBOR LIGHT THERAPEUTICS, INC.", street2="200 CLARENDON STREET, SUITE 4100",
            city="BOSTON", state="MA", zip="02116", is_director=True, is_officer=True, is_ten_percent_owner=False,
            is_other=False, officer_title="President and CEO"),
        row("reporting_owners", owner_index=1, owner_cik="0001712345", owner_name="Doe Family Holdings LLC",
            street1="1 INTERNATIONAL PLACE", city="BOSTON", state="MA", zip="02110", is_director=False,
            is_officer=False, is_ten_percent_owner=True, is_other=False),
    ]
    assert rows_of(parsed, "signatures") == [
        row("signatures", signature_index=0, name="Jane A. Doe", as_filed="/s/ Jane A. Doe",
            signed_date=dt.date(2023, 3, 17)),
        row("signatures", signature_index=1, name="Jane A. Doe", title="Manager of Doe Family Holdings LLC",
            as_filed="/s/ Jane A. Doe, Manager of Doe Family Holdings LLC", signed_date=dt.date(2023, 3, 17)),
    ]
    assert rows_of(parsed, "footnotes") == [
        row("footnotes", footnote_id="F1", text="The sales reported on this Form 4 were effected pursuant to a "
            "Rule 10b5-1 trading plan adopted by the reporting person on November 10, 2022."),
        row("footnotes", footnote_id="F2", text="The price reported is a weighted average price. These shares were "
            "sold in multiple transactions at prices ranging from $45.00 to $45.50, inclusive."),
        row("footnotes", footnote_id="F3", text="The shares are held by Doe Family Holdings LLC, of which the "
            "reporting person is the managing member. The reporting person disclaims beneficial ownership except "
            "to the extent of her pecuniary interest therein."),
        row("footnotes", footnote_id="F4",
            text="The option vested in four equal annual installments beginning on February 1, 2021."),
    ]
    assert rows_of(parsed, "footnote_refs") == [
        row("footnote_refs", table_name="nonderiv_transactions", row_index=1, field="transaction_code",
            footnote_id="F1"),
        row("footnote_refs", table_name="nonderiv_transactions", row_index=1, field="price_per_share",
            footnote_id="F2"),
        row("footnote_refs", table_name="nonderiv_holdings", row_index=2, field="nature_of_ownership",
            footnote_id="F3"),
        row("footnote_refs", table_name="deriv_transactions", row_index=0, field="exercise_date", footnote_id="F4"),
    ]
    assert rows_of(parsed, "filing_companies") == [
        row("filing_companies", company_index=0, role="issuer", cik="0001523456",
            name="Harbor Light Therapeutics, Inc.", ticker="HLTX")]
    assert set(parsed.rows) <= set(TABLE_NAMES)
    for table, rows in parsed.rows.items():
        TABLES[table].to_arrow(rows)


def test_form3_holdings_only_golden():
    text = fixture(FORM3)
    parsed = read_one(text)
    fid = content_filing_id(text)
    assert parsed.filing == {
        "filing_id": fid, "accession_number": None, "content_id": fid, "form_type": "3", "is_amendment": False,
        "filed_date": dt.date(2024, 1, 12), "period_of_report": dt.date(2024, 1, 9),
        "date_of_original_submission": None, "issuer_name": "NORTHWIND GRID SYSTEMS CORP",
        "issuer_cik": "0001045678", "issuer_ticker": "NWGS", "not_subject_to_section16": None,
        "aff10b5_one": None, "form3_holdings_reported": None, "form4_transactions_reported": None, "remarks": None}
    assert rows_of(parsed, "nonderiv_transactions") == []
    assert rows_of(parsed, "deriv_transactions") == []
    assert rows_of(parsed, "nonderiv_holdings") == [
        row("nonderiv_holdings", row_index=0, security_title="Common Stock", shares_owned_after=D("18250"),
            direct_indirect="D"),
        row("nonderiv_holdings", row_index=1, security_title="Common Stock", shares_owned_after=D("2400.5"),
            direct_indirect="I", nature_of_ownership="By 401(k) Plan"),
    ]
    assert rows_of(parsed, "deriv_holdings") == [
        row("deriv_holdings", row_index=0, security_title="Employee Stock Option (right to buy)",
            conversion_or_exercise_price=D("31.75"), exercise_date=None, expiration_date=dt.date(2034, 1, 8),
            underlying_title="Common Stock", underlying_shares=D("60000"), direct_indirect="D"),
        row("deriv_holdings", row_index=1, security_title="Restricted Stock Units", underlying_title="Common Stock",
            underlying_shares=D("12000"), direct_indirect="D"),
    ]
    assert rows_of(parsed, "reporting_owners") == [
        row("reporting_owners", owner_index=0, owner_cik="0001934567", owner_name="Okafor Chidi",
            street1="C/O NORTHWIND GRID SYSTEMS CORP.", street2="4400 RIVERSIDE DRIVE", city="AUSTIN", state="TX",
            zip="78746", is_director=False, is_officer=True, is_ten_percent_owner=False, is_other=False,
            officer_title="Chief Financial Officer")]
    assert rows_of(parsed, "signatures") == [
        row("signatures", signature_index=0, name="Maria Lopez", title="Attorney-in-Fact for Chidi Okafor",
            as_filed="/s/ Maria Lopez, as Attorney-in-Fact for Chidi Okafor", signed_date=dt.date(2024, 1, 12))]
    assert [r["footnote_id"] for r in rows_of(parsed, "footnotes")] == ["F1", "F2", "F3", "F4"]
    assert rows_of(parsed, "footnotes")[3] == row(
        "footnotes", footnote_id="F4",
        text="Each restricted stock unit represents a contingent right to receive one share of common stock.")
    assert rows_of(parsed, "footnote_refs") == [
        row("footnote_refs", table_name="nonderiv_holdings", row_index=0, field="security_title", footnote_id="F1"),
        row("footnote_refs", table_name="deriv_holdings", row_index=0, field="exercise_date", footnote_id="F2"),
        row("footnote_refs", table_name="deriv_holdings", row_index=1, field="exercise_date", footnote_id="F3"),
        row("footnote_refs", table_name="deriv_holdings", row_index=1, field="expiration_date", footnote_id="F3"),
        row("footnote_refs", table_name="deriv_holdings", row_index=1, field="conversion_or_exercise_price",
            footnote_id="F4"),
    ]
    assert rows_of(parsed, "filing_companies") == [
        row("filing_companies", company_index=0, role="issuer", cik="0001045678",
            name="NORTHWIND GRID SYSTEMS CORP", ticker="NWGS")]


def test_registry_routes_the_pages_here():
    for name in (FORM4, FORM3):
        data = (FIXTURES / name).read_bytes()
        fmt, filings = registry.read_bytes(data)
        assert fmt == "html_ownership"
        assert filings[0].filing["source_format"] == "html_ownership"


# --- sniffing ------------------------------------------------------------------------------------

def test_sniff_leaves_other_shapes_to_their_readers():
    files = sorted((ROOT / "data" / "samples").glob("*")) + sorted(
        p for p in (ROOT / "tests" / "support" / "fixtures").rglob("*") if p.is_file() and "html_ownership" not in p.parts)
    assert files
    for path in files:
        assert not html_ownership.sniff(decode(path.read_bytes()).text), path


def test_sniff_claims_no_corpus_file():
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not next to the repository")
    files = [p for p in CORPUS.rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert not html_ownership.sniff(decode(path.read_bytes()).text), path


# --- failures ----------------------------------------------------------------------------------------

def _code(text: str) -> str:
    with pytest.raises(ParseError) as info:
        html_ownership.read(text)
    return info.value.code


@pytest.mark.parametrize("marker", ["Table II -", "<tr><td align=\"left\"><span class=\"FormData\">Common Stock",
                                    "Explanation of Responses:", "</body>"])
def test_truncated(marker):
    text = fixture(FORM4)
    assert _code(text[:text.index(marker)]) == "truncated"


def test_no_table_i_is_not_claimed():
    text = fixture(FORM4)
    start = text.index("<table width=\"100%\" border=\"1\" cellspacing=\"0\" cellpadding=\"4\">\n<thead>")
    end = text.index("</table>", start) + len("</table>")
    assert _code(text[:start] + text[end:]) == "unrecognized_format"


def test_table_i_heading_only_in_a_comment():
    text = fixture(FORM4).replace("<th colspan=\"11\" class=\"FormTextC\">Table I - Non-Derivative",
                                  "<th colspan=\"11\"><!-- Table I - Non-Derivative -->Non-Derivative")
    assert _code(text) == "missing_table"


def test_no_table_ii():
    text = fixture(FORM3).replace("Table II - Derivative", "Derivative")
    assert _code(text) == "missing_table"


def test_unreadable_row():
    text = fixture(FORM3).replace('<span class="FormData">18,250</span>', '<span class="FormData">lots</span>')
    text = text.replace('<td align="center"><span class="FormData">D</span></td><td align="left"></td></tr>\n'
                        '<tr><td align="left"><span class="FormData">Common Stock</span></td>',
                        '<td align="center"><span class="FormData">plenty</span></td><td align="left">x</td></tr>\n'
                        '<tr><td align="left"><span class="FormData">Common Stock</span></td>', 1)
    assert _code(text) == "unreadable_row"


def test_too_large():
    text = fixture(FORM4)
    big = text.replace("</body>", "<p>" + "x" * 4_100_000 + "</p></body>")
    assert _code(big) == "file_too_large"


def test_not_an_ownership_page():
    assert _code("<html><body><p>FORM 8-K</p><p>CURRENT REPORT</p></body></html>") == "unrecognized_format"


def test_entities_are_not_resolved_from_outside():
    doctype = '<!DOCTYPE html [<!ENTITY ext SYSTEM "file:///etc/passwd">]>\n'
    text = doctype + fixture(FORM3).replace("By 401(k) Plan", "&ext;")
    parsed = read_one(text)
    assert "root:" not in str(parsed.rows)


# --- robustness ------------------------------------------------------------------------------------------

@st.composite
def mutated(draw):
    text = fixture(draw(st.sampled_from([FORM4, FORM3])))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "drop", "garble", "duplicate"]))
        at = draw(st.integers(0, len(text)))
        if op == "truncate":
            text = text[:at]
        elif op == "drop":
            text = text[:at] + text[at + draw(st.integers(1, 400)):]
        elif op == "garble":
            junk = draw(st.sampled_from(["<", ">", "</table>", "<tr>", "<td>", "</td>", "$", "(", "(7)", "X",
                                         "9,9,9", "12/99/99", "&amp;", "&#0;", "\x00", "<sup>(1)</sup>",
                                         'colspan="x"', 'rowspan="999999"', "Table II - Derivative"]))
            text = text[:at] + junk + text[at:]
        else:
            text = text[:at] + text[at:at + draw(st.integers(1, 600))] + text[at:]
    return text


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_pages_raise_only_parse_errors(text):
    try:
        filings = html_ownership.read(text)
    except ParseError:
        return
    for parsed in filings:
        for table, rows in parsed.rows.items():
            TABLES[table].to_arrow(rows)
