"""The 8-K cover page in every layout: registrant, ids, address, phone, former name, event
date, the Section 12(b) securities table, and what the filing says about its dates and signers.

Hand-made covers reproduce the layouts real 8-Ks use (values over their captions in one
row or in rows of their own, a ZIP code in a cell of its own, inline XBRL facts with the
cover's punctuation inside them), in HTML, in <pre> text and in plain ASCII; the same cover
gives the same registrant in each."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from transforms import ascii_8k, eight_k, html_8k
from transforms.decode import decode

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"

REGISTRANT_KEYS = ("name", "cik", "state_of_incorporation", "sec_file_number", "irs_number", "street1", "street2",
                   "city", "state", "zip", "phone", "former_names")


def registrant(parsed, index: int = 0) -> dict:
    row = parsed.rows["filing_companies"][index]
    return {k: row[k] for k in REGISTRANT_KEYS}


def expected(**values) -> dict:
    return {k: values.get(k) for k in REGISTRANT_KEYS}


_BODY = """
<p>Item 8.01 Other Events.</p>
<p>The company sold shares at $<div style="display:inline"><ix:nonNumeric name="us-gaap:SharePrice">5.22</ix:nonNumeric></div>
per share under its <span style="font-weight:bold">Form</span> <div style="display: inline">S-3</div> shelf.</p>
<p style="text-align:center">SIGNATURES</p>
<p>Pursuant to the requirements of the Securities Exchange Act of 1934, the registrant has duly caused this report
to be signed on its behalf by the undersigned hereunto duly authorized.</p>
<table><tr><td>Date: March 4, 2024</td><td>By: /s/ Travis Shrout, Attorney-in-Fact</td></tr></table>
</body></html>"""


def html_8k_doc(cover: str) -> str:
    return f"""<html><body>
<p style="text-align:center">UNITED STATES<br>SECURITIES AND EXCHANGE COMMISSION</p>
<p>FORM 8-K</p><p>CURRENT REPORT</p>
<p>Pursuant to Section 13 or 15(d) of the Securities Exchange Act of 1934</p>
<p>Date of Report (Date of earliest event reported): March 3, 2024</p>
{cover}
{_BODY}"""


# --- HTML covers ---------------------------------------------------------------------------------

FORD_STACKED = """<p>FORD MOTOR COMPANY</p><p>(Exact name of registrant as specified in its charter)</p>
<table><tr><td>Delaware</td></tr><tr><td>(State or other jurisdiction of incorporation)</td></tr></table>
<table><tr><td>1-3950</td><td>38-0549190</td></tr>
<tr><td>(Commission File Number)</td><td>(IRS Employer Identification No.)</td></tr></table>
<table><tr><td>One American Road, Dearborn, Michigan</td><td>48126</td></tr>
<tr><td>(Address of principal executive offices)</td><td>(Zip Code)</td></tr></table>
<p>Registrant's telephone number, including area code 313-322-3000</p>
<p>Check the appropriate box below</p>"""

SOPHIRIS_ZIP_CELL = """<p>Sophiris Bio Inc.</p><p>(Exact name of registrant as specified in its charter)</p>
<table><tr><td>British Columbia</td><td>001-36054</td><td>98-1008712</td></tr>
<tr><td>(State or other jurisdiction of incorporation)</td><td>(Commission File Number)</td>
<td>(IRS Employer Identification No.)</td></tr>
<tr><td>1258 Prospect Street<br>La Jolla, CA</td><td></td><td>92037</td></tr>
<tr><td>(Address of principal executive offices)</td><td></td><td>(Zip Code)</td></tr></table>
<p>(858) 777-1760</p><p>(Registrant's telephone number, including area code)</p>
<p>Not Applicable</p><p>(Former name or former address, if changed since last report)</p>"""

NEXPOINT_INLINE_PHONE = """<p>NexPoint Real Estate Finance, Inc.</p>
<p>(Exact name of registrant as specified in its charter)</p>
<table><tr><td>Maryland</td><td>001-39210</td><td>84-2178264</td></tr>
<tr><td>(State or other jurisdiction of incorporation)</td><td>(Commission File Number)</td>
<td>(IRS Employer Identification No.)</td></tr></table>
<p>300 Crescent Court, Suite 700<br>Dallas, Texas 75201</p>
<p>(Address of principal executive offices) (Zip Code)</p>
<p>(<div style="display:inline">214</div>) <div style="display:inline">934-4700</div></p>
<p>(Registrant's telephone number, including area code)</p>
<p>N/A</p><p>(Former name or former address, if changed since last report)</p>
<table><tr><td>Title of each class</td><td>Trading<br>Symbol(s)</td><td>Name of each exchange<br>on which registered</td></tr>
<tr><td>Common Stock, par value $0.01 per share</td><td>NREF</td><td>New York Stock Exchange</td></tr>
<tr><td>9.00% Series A Cumulative Redeemable Preferred Stock,<br>par value $0.01 per share</td><td>NREF-PRA</td>
<td>New York Stock Exchange<br>NYSE Texas, Inc.</td></tr></table>
<p>Indicate by check mark whether the registrant is an emerging growth company</p>"""

JPMORGAN_DEI = """<p><ix:nonNumeric name="dei:EntityRegistrantName">JPMorgan Chase &amp; Co.</ix:nonNumeric></p>
<p><ix:nonNumeric name="dei:DocumentType">8-K</ix:nonNumeric></p>
<p>(Exact name of registrant as specified in its charter)</p>
<table><tr><td><ix:nonNumeric name="dei:EntityIncorporationStateCountryCode">DE</ix:nonNumeric></td>
<td><ix:nonNumeric name="dei:EntityFileNumber">1-5805</ix:nonNumeric></td>
<td><ix:nonNumeric name="dei:EntityTaxIdentificationNumber">13-2624428</ix:nonNumeric></td></tr>
<tr><td>(State or other jurisdiction of incorporation)</td><td>(Commission File Number)</td>
<td>(IRS Employer Identification No.)</td></tr>
<tr><td><ix:nonNumeric name="dei:EntityAddressAddressLine1">383 Madison Avenue,</ix:nonNumeric>
<ix:nonNumeric name="dei:EntityAddressCityOrTown">New York,</ix:nonNumeric>
<ix:nonNumeric name="dei:EntityAddressStateOrProvince">New York</ix:nonNumeric></td><td></td>
<td><ix:nonNumeric name="dei:EntityAddressPostalZipCode">10179</ix:nonNumeric></td></tr>
<tr><td>(Address of principal executive offices)</td><td></td><td>(Zip Code)</td></tr></table>
<p>Registrant's telephone number, including area code: (<ix:nonNumeric name="dei:CityAreaCode">212</ix:nonNumeric>)
<ix:nonNumeric name="dei:LocalPhoneNumber">270-6000</ix:nonNumeric></p>
<p><ix:nonNumeric name="dei:EntityCentralIndexKey">0000019617</ix:nonNumeric></p>"""


@pytest.mark.parametrize("cover, want", [
    (FORD_STACKED, expected(
        name="FORD MOTOR COMPANY", state_of_incorporation="DE", sec_file_number="1-3950", irs_number="38-0549190",
        street1="One American Road", city="Dearborn", state="MI", zip="48126", phone="313-322-3000")),
    (SOPHIRIS_ZIP_CELL, expected(
        name="Sophiris Bio Inc.", state_of_incorporation="BRITISH COLUMBIA", sec_file_number="001-36054",
        irs_number="98-1008712", street1="1258 Prospect Street", city="La Jolla", state="CA", zip="92037",
        phone="(858) 777-1760")),
    (NEXPOINT_INLINE_PHONE, expected(
        name="NexPoint Real Estate Finance, Inc.", state_of_incorporation="MD", sec_file_number="001-39210",
        irs_number="84-2178264", street1="300 Crescent Court, Suite 700", city="Dallas", state="TX", zip="75201",
        phone="(214) 934-4700")),
    (JPMORGAN_DEI, expected(
        name="JPMorgan Chase & Co.", cik="0000019617", state_of_incorporation="DE", sec_file_number="1-5805",
        irs_number="13-2624428", street1="383 Madison Avenue", city="New York", state="NY", zip="10179",
        phone="(212) 270-6000")),
], ids=["values-in-rows-of-their-own", "zip-in-its-own-cell", "inline-xbrl-phone", "dei-facts-with-commas"])
def test_html_cover_layouts(cover, want):
    parsed = html_8k.read(html_8k_doc(cover))[0]
    assert registrant(parsed) == want
    assert parsed.filing["period_of_report"] == dt.date(2024, 3, 3)


def test_inline_elements_stay_inside_the_item_sentence():
    parsed = html_8k.read(html_8k_doc(FORD_STACKED))[0]
    assert [row["text"] for row in parsed.rows["report_items"]] == [
        "The company sold shares at $5.22 per share under its Form S-3 shelf."]


def test_securities_table_rows_per_class_and_exchange():
    parsed = html_8k.read(html_8k_doc(NEXPOINT_INLINE_PHONE))[0]
    preferred = "9.00% Series A Cumulative Redeemable Preferred Stock, par value $0.01 per share"
    assert parsed.rows["registered_securities"] == [
        {"security_index": 0, "title": "Common Stock, par value $0.01 per share", "trading_symbol": "NREF",
         "exchange": "New York Stock Exchange"},
        {"security_index": 1, "title": preferred, "trading_symbol": "NREF-PRA", "exchange": "New York Stock Exchange"},
        {"security_index": 2, "title": preferred, "trading_symbol": "NREF-PRA", "exchange": "NYSE Texas, Inc."},
    ]


def test_a_cover_without_the_securities_table_or_with_none_registered_has_no_rows():
    assert "registered_securities" not in html_8k.read(html_8k_doc(FORD_STACKED))[0].rows
    none_registered = FORD_STACKED + """<table><tr><td>Title of each class</td><td>Trading Symbol(s)</td>
        <td>Name of each exchange on which registered</td></tr><tr><td>N/A</td><td>N/A</td><td>N/A</td></tr></table>"""
    assert "registered_securities" not in html_8k.read(html_8k_doc(none_registered))[0].rows


def test_dei_facts_win_over_the_layout():
    # The layout prints an old address; the tagged facts are the first source.
    cover = JPMORGAN_DEI.replace('<ix:nonNumeric name="dei:EntityAddressAddressLine1">383 Madison Avenue,</ix:nonNumeric>',
                                 '270 Park Avenue,')
    cover += '<div style="display:none"><ix:nonNumeric name="dei:EntityAddressAddressLine1">383 Madison Avenue</ix:nonNumeric></div>'
    assert registrant(html_8k.read(html_8k_doc(cover))[0])["street1"] == "383 Madison Avenue"


def test_signer_read_by_the_shared_rule():
    [row] = html_8k.read(html_8k_doc(FORD_STACKED))[0].rows["signatures"]
    assert row == {"signature_index": 0, "name": "Travis Shrout", "title": "Attorney-in-Fact",
                   "as_filed": "By: /s/ Travis Shrout, Attorney-in-Fact", "signed_date": dt.date(2024, 3, 4)}


def test_a_document_read_alone_says_why_it_has_no_filed_date():
    filing = html_8k.read(html_8k_doc(FORD_STACKED))[0].filing
    assert (filing["filed_date"], filing["filed_date_source"]) == (None, "no_header")


# --- ASCII covers, as filed and inside <pre> ------------------------------------------------------

ASCII_ONE_ROW = """
                                    FORM 8-K
                                 CURRENT REPORT
     Pursuant to Section 13 or 15(d) of the Securities Exchange Act of 1934

    Date of Report (Date of earliest event reported):  January 19, 2000

                              FORD MOTOR COMPANY
            (Exact name of registrant as specified in its charter)

        Delaware                   1-3950                 38-0549190
(State or other jurisdiction     (Commission File       (IRS Employer
    of incorporation)                Number)          Identification No.)

   One American Road, Dearborn, Michigan                 48126
   (Address of principal executive offices)            (Zip Code)

   Registrant's telephone number, including area code  313-322-3000

                              FORD HOLDINGS INC.
        (Former name or former address, if changed since last report)

Item 5.  Other Events.

         Ford announced its results.

                                   SIGNATURE

     Pursuant to the requirements of the Securities Exchange Act of 1934, the
registrant has duly caused this report to be signed on its behalf by the
undersigned hereunto duly authorized.

                                         FORD MOTOR COMPANY

Date: January 20, 2000                   By: /s/ Peter Sherry, Jr.
                                             Secretary
"""

ASCII_STACKED = ASCII_ONE_ROW.replace("""        Delaware                   1-3950                 38-0549190
(State or other jurisdiction     (Commission File       (IRS Employer
    of incorporation)                Number)          Identification No.)
""", """        Delaware
(State or other jurisdiction of incorporation)

        1-3950                                  38-0549190
(Commission File Number)               (IRS Employer Identification No.)
""")

ASCII_ZIP_BESIDE_STREET = ASCII_ONE_ROW.replace("""   One American Road, Dearborn, Michigan                 48126
""", """   One American Road                                      48126
   Dearborn, Michigan
""")

FORD_ASCII = expected(
    name="FORD MOTOR COMPANY", state_of_incorporation="DE", sec_file_number="1-3950", irs_number="38-0549190",
    street1="One American Road", city="Dearborn", state="MI", zip="48126", phone="313-322-3000",
    former_names=["FORD HOLDINGS INC."])


@pytest.mark.parametrize("text", [ASCII_ONE_ROW, ASCII_STACKED, ASCII_ZIP_BESIDE_STREET],
                         ids=["one-row", "stacked", "zip-beside-street"])
def test_ascii_cover_layouts_as_filed_and_in_pre(text):
    as_filed = ascii_8k.read(text)[0]
    in_pre = html_8k.read(f"<html><body><pre>{text}</pre></body></html>")[0]
    for parsed in (as_filed, in_pre):
        assert registrant(parsed) == FORD_ASCII
        assert parsed.filing["period_of_report"] == dt.date(2000, 1, 19)
        assert parsed.rows["signatures"] == [{
            "signature_index": 0, "name": "Peter Sherry, Jr.", "title": "Secretary",
            "as_filed": "By: /s/ Peter Sherry, Jr.", "signed_date": dt.date(2000, 1, 20)}]


def test_values_the_cover_does_not_print_are_null():
    text = ASCII_ONE_ROW.replace("38-0549190", "          ").replace(
        "   Registrant's telephone number, including area code  313-322-3000\n", "")
    got = registrant(ascii_8k.read(text)[0])
    assert (got["irs_number"], got["phone"], got["sec_file_number"]) == (None, None, "1-3950")


def test_a_phone_fragment_is_never_a_former_name():
    text = ASCII_ONE_ROW.replace("                              FORD HOLDINGS INC.\n", "     934-4700\n")
    assert registrant(ascii_8k.read(text)[0])["former_names"] is None


# --- real covers ----------------------------------------------------------------------------------

def corpus_text(relative: str) -> str:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"shared corpus file {relative} is absent (expected in ../shared/corpus next to the repo)")
    return decode(path.read_bytes()).text


@pytest.mark.parametrize("relative, rows", [
    ("8k/Oracle.8-K_edgartools.html", [
        ("Common Stock, par value $0.01 per share", "ORCL", "New York Stock Exchange"),
        ("3.125% senior notes due July 2025", None, "New York Stock Exchange")]),
    ("8k/WBI_8K_2025-12-15_edgartools.html", [
        ("Class A shares representing limited liability company interests", "WBI", "New York Stock Exchange"),
        ("Class A shares representing limited liability company interests", "WBI", "NYSE Texas, Inc.")]),
    ("8k/afcgamma.8K_edgartools.html", [
        ("Common Stock, par value $0.01 per share", "AFCG", "The Nasdaq Stock Market LLC")]),
    ("8k/document-with-pre_edgartools.html", []),
    ("8k/0001104659-03-004925_edgartools.html", []),
])
def test_corpus_securities_tables(relative, rows):
    parsed = html_8k.read(corpus_text(relative))[0]
    assert [(r["title"], r["trading_symbol"], r["exchange"]) for r in parsed.rows.get("registered_securities", [])] == rows


def test_corpus_inline_xbrl_text_has_no_sentence_broken_by_a_tag():
    """Every tagged fact of the inline XBRL corpus 8-Ks sits inside its line of text."""
    for relative in ("8k/Oracle.8-K_edgartools.html", "8k/WBI_8K_2025-12-15_edgartools.html",
                     "8k/afcgamma.8K_edgartools.html", "8k/BuckleInc.8-K_edgartools.html"):
        parsed = html_8k.read(corpus_text(relative))[0]
        for row in parsed.rows["report_items"]:
            for paragraph in (row["text"] or "").split("\n\n"):
                assert not paragraph.rstrip().endswith(("$", " the", " of", " Form")), (relative, paragraph)


def test_registrant_of_every_era_and_format():
    """1998 and 2000 ASCII, 2005 HTML, 2019 and 2025 inline XBRL (.nc), each read from its document alone."""
    got = {}
    for relative in ("full_submission/8-K_0001011438-98-000429_edgartools.txt",
                     "full_submission/8-K_0000912057-00-002128_secedgar.txt",
                     "full_submission/8-K_0000950137-05-004969_edgartools.txt",
                     "full_submission/8-K_0001193125-19-292676_secedgardownloader.txt",
                     "full_submission/8-K_0001493152-25-001317_edgartools.nc"):
        text = corpus_text(relative)
        body = text[text.index("<TEXT>") + 6:text.index("</TEXT>")].strip()
        reader = html_8k if html_8k.sniff(body.removeprefix("<XBRL>")) else ascii_8k
        got[relative.split("_")[2]] = registrant(reader.read(body)[0])
    assert got == {
        "0001011438-98-000429": expected(
            name="AAMES CAPITAL CORPORATION", state_of_incorporation="CA", sec_file_number="333-46893-01",
            irs_number="95-4438859", street1="350 SOUTH GRAND AVENUE", city="LOS ANGELES", state="CA", zip="90071",
            phone="(213) 210-5000"),
        "0000912057-00-002128": expected(
            name="Apple Computer, Inc.", state_of_incorporation="CA", sec_file_number="0-10030",
            irs_number="94-2404110", street1="1 Infinite Loop", city="Cupertino", state="CA", zip="95014",
            phone="(408) 996-1010"),
        "0000950137-05-004969": expected(
            name="EXELON CORPORATION", state_of_incorporation="PA", sec_file_number="1-16169", irs_number="23-2990190",
            street1="10 South Dearborn Street — 37th Floor", street2="P.O. Box 805379", city="Chicago", state="IL",
            zip="60680-5379", phone="(312) 394-7398"),
        "0001193125-19-292676": expected(
            name="Apple Inc.", cik="0000320193", state_of_incorporation="CA", sec_file_number="001-36743",
            irs_number="94-2404110", street1="One Apple Park Way", city="Cupertino", state="CA", zip="95014",
            phone="(408) 996-1010"),
        "0001493152-25-001317": expected(
            name="ACORN ENERGY, INC.", cik="0000880984", state_of_incorporation="DE", sec_file_number="001-33886",
            irs_number="22-2786081", street1="1000 N West St.", street2="Suite 1200", city="Wilmington", state="DE",
            zip="19801", phone="(410) 654-3315"),
    }


def test_eight_k_rules_live_in_one_module():
    """Both readers hand their text to eight_k: the same cover gives the same registrant."""
    lines = eight_k.text_lines(ASCII_STACKED)
    sections = eight_k.split_sections(lines)
    cover = eight_k.parse_cover(lines, sections.cover_end)
    assert cover.registrants[0].sec_file_number == "1-3950"


# --- dates ----------------------------------------------------------------------------------------

def test_filed_date_comes_from_the_header_or_says_why_it_is_null():
    from transforms import registry

    text = corpus_text("full_submission/8-K_0000912057-00-002128_secedgar.txt")
    filing = registry.read_text(text)[1][0].filing
    assert (filing["period_of_report"], filing["filed_date"], filing["filed_date_source"]) == (
        dt.date(2000, 1, 19), dt.date(2000, 1, 24), "header")
    no_date = registry.read_text(text.replace("FILED AS OF DATE:\t\t20000124\n", ""))[1][0].filing
    assert (no_date["filed_date"], no_date["filed_date_source"]) == (None, "header_without_date")
    alone = registry.read_text(html_8k_doc(FORD_STACKED))[1][0].filing
    assert (alone["period_of_report"], alone["filed_date"], alone["filed_date_source"]) == (
        dt.date(2024, 3, 3), None, "no_header")


def test_a_form_read_without_its_header_is_dated_by_its_signature():
    from transforms import registry

    filing = registry.read_text(corpus_text("ownership_xml/3_0000721371-20-000061_edgar2data_extracted.xml"))[1][0].filing
    assert filing["filed_date"] is not None and filing["filed_date_source"] == "signature_date"


@pytest.mark.parametrize("line, cik", [("CIK No. 320193", "0000320193"), ("(Central Index Key: 0000320193)", "0000320193"),
                                       ("CIK#1234567", "0001234567")])
def test_a_cik_the_cover_prints(line, cik):
    text = ASCII_ONE_ROW.replace("            (Exact name of registrant", f"   {line}\n            (Exact name of registrant")
    assert registrant(ascii_8k.read(text)[0]) == {**FORD_ASCII, "cik": cik}
