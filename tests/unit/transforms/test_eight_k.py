"""8-K readers: plain-text current reports (ascii_8k) and HTML / inline XBRL
ones (html_8k), both built on the shared 8-K semantics in eight_k."""
from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms import ascii_8k, eight_k, html_8k, registry
from transforms.decode import decode
from transforms.errors import ParseError
from transforms.model import content_filing_id

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT.parent / "shared" / "corpus"
SEED = ROOT / "data" / "samples" / "001_fafeb7603bdfca6a.txt"
FIXTURES = ROOT / "tests" / "support" / "fixtures" / "eight_k"

D = dt.date
LONG_502 = ("Departure of Directors or Certain Officers; Election of Directors; Appointment of Certain Officers; "
            "Compensatory Arrangements of Certain Officers")
PRE_2004_EXHIBITS_TITLE = "Financial Statements, Pro Forma Financial Information and Exhibits"


def corpus_text(relative: str) -> str:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"shared corpus file {relative} is absent (expected in ../shared/corpus next to the repo)")
    return decode(path.read_bytes()).text


def submission_body(text: str) -> str:
    """The <TEXT> of the 8-K document of a full EDGAR submission."""
    return re.search(r"<TYPE>8-K(?:/A)?\s*\n.*?<TEXT>\n?(.*?)</TEXT>", text, re.S).group(1)


def company(**values) -> dict:
    row = {"company_index": 0, "role": "registrant", "cik": None, "name": None, "ticker": None,
           "state_of_incorporation": None, "sec_file_number": None, "irs_number": None, "street1": None,
           "street2": None, "city": None, "state": None, "zip": None, "phone": None, "former_names": None}
    row.update(values)
    return row


def item(index: int, code: str, current: str, title: str, title_as_filed: str | None, text: str | None) -> dict:
    return {"item_index": index, "item_code": code, "item_code_current": current,
            "numbering_era": "current" if "." in code else "pre_2004",
            "title": title, "title_as_filed": title_as_filed, "text": text}


def signer(index: int, name: str, title: str | None, signed: dt.date | None, as_filed: str | None = None) -> dict:
    return {"signature_index": index, "name": name, "title": title,
            "as_filed": as_filed or f"/s/ {name}", "signed_date": signed}


def security(index: int, title: str, symbol: str | None, exchange: str | None) -> dict:
    return {"security_index": index, "title": title, "trading_symbol": symbol, "exchange": exchange}


def filing_row(source: str, **values) -> dict:
    content_id = content_filing_id(source)
    row = {"filing_id": content_id, "accession_number": None, "content_id": content_id, "form_type": "8-K",
           "is_amendment": False, "filed_date": None, "filed_date_source": "no_header", "period_of_report": None,
           "issuer_name": None,
           "issuer_cik": None, "issuer_ticker": None}
    row.update(values)
    return row


def read_one(reader, text: str):
    filings = reader.read(text)
    assert len(filings) == 1
    return filings[0]


# --- golden filings -----------------------------------------------------------------------

def test_seed_ascii_8k_golden():
    text = SEED.read_text()
    assert ascii_8k.sniff(text) and not html_8k.sniff(text)
    parsed = read_one(ascii_8k, text)
    name = "APARTMENT INVESTMENT AND MANAGEMENT COMPANY"
    assert parsed.filing == filing_row(text, period_of_report=D(2002, 7, 29), issuer_name=name)
    assert parsed.filing["filing_id"] == parsed.filing["content_id"] == content_filing_id(text)
    assert parsed.rows == {
        "filing_companies": [company(
            name=name, state_of_incorporation="MD", sec_file_number="1-13232", irs_number="84-1259577",
            street1="COLORADO CENTER, TOWER TWO, 2000 SOUTH COLORADO BOULEVARD, SUITE 2-1000",
            city="DENVER", state="CO", zip="80222-4348", phone="(303) 757-8101")],
        "report_items": [
            item(0, "5", "8.01", "Other Events", "OTHER EVENTS",
                 "On July 29, 2002, Apartment Investment and Management Company issued a\n"
                 "press release announcing the redemption of all outstanding shares of its Class B\n"
                 "Cumulative Convertible Preferred Stock for cash equal to the liquidation\n"
                 "preference of $100 per share plus accrued and unpaid dividends of $1.73545 per\n"
                 "share. The press release is attached hereto as Exhibit 99.1 and is incorporated\n"
                 "herein by reference."),
            item(1, "7", "9.01", PRE_2004_EXHIBITS_TITLE,
                 "FINANCIAL STATEMENTS, PRO FORMA FINANCIAL INFORMATION AND EXHIBITS",
                 "(c) Exhibits\n\n"
                 "The following exhibits are filed with this report:\n\n"
                 "Exhibit Number Description\n\n"
                 "99.1 Press Release of Apartment Investment and\n"
                 "Management Company, dated July 29, 2002."),
        ],
        "exhibits": [{"exhibit_number": "99.1",
                      "description": "Press Release of Apartment Investment and Management Company, dated July 29, 2002."}],
        "signatures": [
            signer(0, "Paul J. McAuliffe", "Executive Vice President and Chief Financial Officer", D(2002, 7, 30), "By: /s/ Paul J. McAuliffe"),
            signer(1, "Thomas C. Novosel", "Senior Vice President and Chief Accounting Officer", D(2002, 7, 30), "By: /s/ Thomas C. Novosel"),
        ],
    }


def test_1998_submission_text_body_golden():
    body = submission_body(corpus_text("full_submission/8-K_0001011438-98-000429_edgartools.txt"))
    assert ascii_8k.sniff(body)
    parsed = read_one(ascii_8k, body)
    assert parsed.filing == filing_row(body, period_of_report=D(1998, 12, 15), issuer_name="AAMES CAPITAL CORPORATION")
    assert parsed.rows == {
        "filing_companies": [company(
            name="AAMES CAPITAL CORPORATION", state_of_incorporation="CA", sec_file_number="333-46893-01",
            irs_number="95-4438859", street1="350 SOUTH GRAND AVENUE", city="LOS ANGELES", state="CA", zip="90071",
            phone="(213) 210-5000")],
        "report_items": [
            item(0, "7", "9.01", PRE_2004_EXHIBITS_TITLE,
                 "FINANCIAL STATEMENTS; PRO FORMA FINANCIAL INFORMATION AND EXHIBITS",
                 "(a) Not applicable.\n\n(b) Not applicable.\n\n(c) Exhibits:\n\n"
                 "20.1 Aames Capital Corporation, Mortgage Pass-Through\n"
                 "Certificates, Series 1998-C - Statement to Certificateholders"),
        ],
        "exhibits": [{"exhibit_number": "20.1", "description": "Aames Capital Corporation, Mortgage Pass-Through "
                                                              "Certificates, Series 1998-C - Statement to Certificateholders"}],
        "signatures": [signer(0, "Barbara S. Polsky", "Executive Vice President", D(1998, 12, 31), "By: /S/ BARBARA S. POLSKY")],
    }


def test_2000_submission_text_body_golden():
    body = submission_body(corpus_text("full_submission/8-K_0000912057-00-002128_secedgar.txt"))
    parsed = read_one(ascii_8k, body)
    # "Items 1 through 4, 6 and 8 Not Applicable." lists items without reporting them
    assert parsed.filing == filing_row(body, period_of_report=D(2000, 1, 19), issuer_name="Apple Computer, Inc.")
    assert parsed.rows == {
        "filing_companies": [company(
            name="Apple Computer, Inc.", state_of_incorporation="CA", sec_file_number="0-10030", irs_number="94-2404110",
            street1="1 Infinite Loop", city="Cupertino", state="CA", zip="95014", phone="(408) 996-1010")],
        "report_items": [
            item(0, "5", "8.01", "Other Events", "OTHER EVENTS",
                 "(i) Reference is made to the press release issued to the public by the\n"
                 "registrant on January 19, 2000, the text of which is attached hereto as an\n"
                 "exhibit, for a description of the events reported pursuant to this Form 8-K."),
            item(1, "7", "9.01", PRE_2004_EXHIBITS_TITLE,
                 "FINANCIAL STATEMENTS, PRO FORMA FINANCIAL INFORMATION AND EXHIBITS",
                 "(c) Exhibits\n\n99.1. Text of press release dated January 19, 2000."),
        ],
        "exhibits": [{"exhibit_number": "99.1", "description": "Text of press release dated January 19, 2000."}],
        "signatures": [signer(0, "Fred Anderson", "Executive Vice President and Chief Financial Officer", D(2000, 1, 21), "By: /s/ Fred Anderson")],
    }


def test_2003_html_old_style_item_9_golden():
    text = corpus_text("8k/0001104659-03-004925_edgartools.html")
    assert html_8k.sniff(text) and not ascii_8k.sniff(text)
    parsed = read_one(html_8k, text)
    assert parsed.filing == filing_row(text, period_of_report=D(2003, 3, 25),
                                       issuer_name="Louisville Gas and Electric Company")
    officer = "Executive Vice President, General Counsel and Corporate Secretary"
    assert parsed.rows == {
        # a combined filing: one registrant per row of the cover table
        "filing_companies": [
            company(name="Louisville Gas and Electric Company", state_of_incorporation="KY", sec_file_number="2-26720",
                    irs_number="61-0264150", street1="220 West Main Street", street2="P.O. Box 32010",
                    city="Louisville", state="KY", zip="40232", phone="(502) 627-2000"),
            company(company_index=1, name="Kentucky Utilities Company", state_of_incorporation="KY",
                    sec_file_number="1-3464", irs_number="61-0247570", street1="One Quality Street", city="Lexington",
                    state="KY", zip="40507-1428", phone="(859) 255-2100"),
        ],
        "report_items": [item(
            0, "9", "7.01", "Regulation FD Disclosure", "Regulation FD Disclosure",
            "On March 25, 2003, in connection with the filing of the respective Annual Reports on Form 10-K of "
            "Louisville Gas and Electric Company and Kentucky Utilities Company (each, the “Company”) for the year "
            "ended December 31, 2002 (the “Report”), the Chairman, President and Chief Executive Officer and the "
            "Chief Financial Officer of each Company respectively certified, pursuant to and solely for the purposes "
            "of 18 U.S.C. § 1350, as adopted pursuant to § 906 of the Sarbanes-Oxley Act of 2002, that, to such "
            "officer’s knowledge:\n\n"
            "“(1) The Report fully complies with the requirements of Section 13(a) or 15(d) of the Securities "
            "Exchange Act of 1934; and\n\n"
            "(2) The information contained in the Report fairly presents, in all material respects, the financial "
            "condition and results of operations of the Company as of the dates and for the periods expressed in "
            "the Report.”\n\n"
            "Additionally, the Report itself included the separate certifications required by 15 U.S.C. § 78m(a), "
            "as adopted pursuant to § 302 of the Sarbanes-Oxley Act of 2002.")],
        "signatures": [signer(0, "John R. McCall", officer, D(2003, 3, 25)),
                       signer(1, "John R. McCall", officer, D(2003, 3, 25))],
    }


def test_buckle_inline_xbrl_golden():
    text = corpus_text("8k/BuckleInc.8-K_edgartools.html")
    parsed = read_one(html_8k, text)
    # dei facts win over the printed cover ("THE BUCKLE, INC.")
    assert parsed.filing == filing_row(text, period_of_report=D(2024, 11, 22), issuer_name="BUCKLE, INC",
                                       issuer_cik="0000885245", issuer_ticker="BKE")
    assert parsed.rows == {
        "filing_companies": [company(
            cik="0000885245", name="BUCKLE, INC", ticker="BKE", state_of_incorporation="NE",
            sec_file_number="001-12951", irs_number="47-0366193", street1="2407 West 24th Street", city="Kearney",
            state="NE", zip="68845-4915", phone="(308) 236-8491")],
        "report_items": [
            item(0, "2.02", "2.02", "Results of Operations and Financial Condition",
                 "Results of Operations and Financial Condition",
                 "On November 22, 2024, The Buckle, Inc. announced financial results for the fiscal quarter ended "
                 "November 2, 2024. The full text of the press release is furnished as Exhibit 99.1 to this report.\n\n"
                 "The information shall not be deemed \"filed\" for purposes of Section 18 of the Securities Exchange "
                 "Act of 1934 (the \"Exchange Act\"), as amended, and shall not be deemed incorporated by reference in "
                 "any filing under the Securities Act of 1933 or the Exchange Act, except as set forth by specific "
                 "reference in such filing."),
            item(1, "9.01", "9.01", "Financial Statements and Exhibits", "Exhibits",
                 "Exhibit 99.1 Press Release Dated November 22, 2024\n\n"
                 "Exhibit 104 Cover Page Interactive Data File (embedded within the Inline XBRL document)"),
        ],
        # The index links 99.1 to its file (stored in the corpus as 8k/BuckleInc.8-K.EX99.1_edgartools.html);
        # 104 is embedded in this document.
        "exhibits": [
            {"exhibit_number": "99.1", "description": "Press Release Dated November 22, 2024",
             "document_filename": "bke20241122-8kexhibit.htm"},
            {"exhibit_number": "104", "description": "Cover Page Interactive Data File (embedded within the Inline XBRL document)",
             "document_filename": None},
        ],
        "signatures": [signer(0, "Thomas B. Heacock",
                              "Senior Vice President of Finance, Treasurer and Chief Financial Officer", D(2024, 11, 22),
                              "By: /s/ THOMAS B. HEACOCK")],
        "registered_securities": [security(0, "Common Stock, $0.01 par value", "BKE", "New York Stock Exchange")],
    }


BLACKROCK_ROWS = {
    "filing_companies": [company(
        cik="0001364742", name="BlackRock Inc.", ticker="BLK", state_of_incorporation="DE", sec_file_number="001-33099",
        irs_number="32-0174431", street1="50 Hudson Yards", city="New York", state="NY", zip="10001",
        phone="(212) 810-5300")],
    "report_items": [item(
        0, "5.02", "5.02", LONG_502, LONG_502,
        "As previously reported in the Current Report on Form 8-K filed by BlackRock, Inc. (the “Company”) on "
        "October 3, 2022, following the completion of the Company’s 2022 financial reporting requirements, which "
        "occurred with the filing of the Company’s Annual Report on Form 10-K for the year ended December 31, 2022 "
        "with the Securities and Exchange Commission on February 24, 2023, (i) Gary S. Shedlin transitioned from the "
        "role of Chief Financial Officer to Vice Chairman and (ii) Martin Small became Chief Financial Officer of the "
        "Company.")],
    "signatures": [signer(0, "R. Andrew Dickson III", "Managing Director and Corporate Secretary", D(2023, 2, 24))],
    "registered_securities": [security(0, "Common Stock, $.01 par value", "BLK", "New York Stock Exchange"),
                              security(1, "1.250% Notes due 2025", "BLK25", "New York Stock Exchange")],
}


def test_blackrock_inline_xbrl_502_golden():
    text = corpus_text("8k/0001193125-23-048785_d435686d8k_edgartools.html")
    parsed = read_one(html_8k, text)
    assert parsed.filing == filing_row(text, period_of_report=D(2023, 2, 24), issuer_name="BlackRock Inc.",
                                       issuer_cik="0001364742", issuer_ticker="BLK")
    assert parsed.rows == BLACKROCK_ROWS


def test_same_filing_inside_a_submission_reads_the_same():
    standalone = read_one(html_8k, corpus_text("8k/0001193125-23-048785_d435686d8k_edgartools.html"))
    body = submission_body(corpus_text("full_submission/8-K_0001193125-23-048785_edgartools.txt"))
    assert body.lstrip().startswith("<XBRL>")  # the wrapper does not change the content id
    wrapped = read_one(html_8k, body)
    assert wrapped.filing == standalone.filing
    assert wrapped.rows == BLACKROCK_ROWS


def test_text_in_pre_golden():
    text = corpus_text("8k/document-with-pre_edgartools.html")
    parsed = read_one(html_8k, text)
    name = "Liaoning Shuiyun Qinghe Rice Industry Co., Ltd."
    assert parsed.filing == filing_row(text, period_of_report=D(2024, 12, 20), issuer_name=name)
    assert parsed.rows == {
        "filing_companies": [company(
            name=name, state_of_incorporation="DE", sec_file_number="000-30432", irs_number="22-2335094",
            # no US city/state/ZIP to split off: the address stays whole
            street1="No. 3205-3209, South Building, No. 3, Intelligence Industrial Park, No. 39 Hulan West Road, "
                    "Baoshan District, Shanghai, China",
            phone="+86-21 6605 0886", former_names=["Evergreen International Corp."])],
        "report_items": [item(
            0, "5.02", "5.02", LONG_502,
            "Departure of Directors of Principal Officers; Election of Directors; Appointment of Principal Officers",
            "Based on the meticulous deliberation of the Board of Directors, the company has recently established "
            "strategic cooperation with entities in China.Concurrently, the following personnel will be incorporated "
            "as shareholder of the company.\n\nList of shareholder:\nRu Fan")],
        "signatures": [signer(0, "Baobin He", "Chief Executive Officer and Director (Principal Executive Officer)",
                              D(2024, 12, 20), "By: /s/Baobin He")],
    }


def test_hand_made_amendment_with_shared_heading_golden():
    text = (FIXTURES / "amended_combined_items.txt").read_text()
    parsed = read_one(ascii_8k, text)
    assert parsed.filing == filing_row(text, form_type="8-K/A", is_amendment=True, period_of_report=D(2006, 3, 3),
                                       issuer_name="EXAMPLE WIDGETS CORP.")
    shared = ("On March 3, 2006, the Board appointed Jane Roe as Chief Financial\n"
              "Officer. The matters described in Item 2.02 above are not affected.\n"
              "Item 2.02 of this report is not amended.")
    assert parsed.rows == {
        "filing_companies": [company(
            name="EXAMPLE WIDGETS CORP.", state_of_incorporation="DE", sec_file_number="001-23456",
            irs_number="12-3456789", street1="100 Main Street, Suite 5", city="Springfield", state="IL", zip="62701",
            phone="(217) 555-0100", former_names=["Widget Holdings, Inc."])],
        # "Items 5.02 and 9.01": two items, one text; references to Item 2.02 start nothing;
        # a heading split over lines; "Item 4.01 Not applicable." is not a reported item
        "report_items": [
            item(0, "5.02", "5.02", LONG_502, None, shared),
            item(1, "9.01", "9.01", "Financial Statements and Exhibits", None, shared),
            item(2, "8.01", "8.01", "Other Events", "Other Events", "The Company moved its offices."),
        ],
        "exhibits": [
            {"exhibit_number": "10.1", "description": "Employment Agreement between the Company and Jane Roe, dated March 3, 2006."},
            {"exhibit_number": "99", "description": "Press release dated March 6, 2006."},
        ],
        "signatures": [signer(0, "Jane Roe", "Chief Financial Officer", D(2006, 3, 6), "By: /s/ Jane Roe")],
    }


# --- every corpus 8-K: item codes as the manifest notes them ---------------------------------

# The manifest note keeps only the first <ITEMS> line of this header; the header lists 5.02 and 9.01.
_MANIFEST_CORRECTIONS = {"full_submission/8-K_0001493152-25-001317_edgartools.nc": ["5.02", "9.01"]}


def _manifest_items() -> list[tuple[str, list[str]]]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    cases = {}
    with manifest.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            m = re.search(r"\bitems=([\d.,]+)(?:;|$)", row["note"])
            if m and row["form_type"] == "8-K" and "EX99" not in row["local_file"]:
                cases[row["local_file"]] = _MANIFEST_CORRECTIONS.get(row["local_file"], m.group(1).split(","))
    return sorted(cases.items())


@pytest.mark.parametrize("relative,codes", _manifest_items() or [pytest.param("", [], marks=pytest.mark.skip(
    reason="shared corpus MANIFEST.tsv absent (expected in ../shared/corpus next to the repo)"))])
def test_item_codes_match_manifest(relative, codes):
    text = corpus_text(relative)
    if relative.startswith("full_submission/"):
        text = submission_body(text)
    reader = html_8k if html_8k.sniff(text) else ascii_8k
    assert reader.sniff(text)
    parsed = read_one(reader, text)
    assert [row["item_code"] for row in parsed.rows["report_items"]] == codes
    assert parsed.rows["signatures"], "every corpus 8-K is signed"


@pytest.mark.parametrize("relative,cik,signed", [
    ("8k/Oracle.8-K_edgartools.html", "0001341439", ("Kimberly Woolley", D(2024, 11, 18))),
    ("8k/WBI_8K_2025-12-15_edgartools.html", "0002064947", ("Scott L. McNeely", D(2025, 12, 15))),
    ("8k/afcgamma.8K_edgartools.html", "0001822523", ("Gabriel Katz", D(2023, 3, 20))),
])
def test_inline_xbrl_cover_facts_and_signers(relative, cik, signed):
    parsed = read_one(html_8k, corpus_text(relative))
    assert parsed.filing["issuer_cik"] == parsed.rows["filing_companies"][0]["cik"] == cik
    assert [(s["name"], s["signed_date"]) for s in parsed.rows["signatures"]] == [signed]


def test_exelon_2005_cover_table_and_unlabelled_signature():
    body = submission_body(corpus_text("full_submission/8-K_0000950137-05-004969_edgartools.txt"))
    parsed = read_one(html_8k, body)
    assert parsed.rows["filing_companies"] == [company(
        name="EXELON CORPORATION", state_of_incorporation="PA", sec_file_number="1-16169", irs_number="23-2990190",
        street1="10 South Dearborn Street — 37th Floor", street2="P.O. Box 805379", city="Chicago", state="IL",
        zip="60680-5379", phone="(312) 394-7398")]
    assert parsed.rows["signatures"] == [
        signer(0, "J. Barry Mitchell", "Senior Vice President, Treasurer and Chief Financial Officer", D(2005, 4, 27))]


def test_apple_2019_exhibit_table():
    body = submission_body(corpus_text("full_submission/8-K_0001193125-19-292676_secedgardownloader.txt"))
    parsed = read_one(html_8k, body)
    assert [(r["exhibit_number"], r["description"]) for r in parsed.rows["exhibits"]] == [
        ("1.1", "Underwriting Agreement, dated November 7, 2019, among Apple Inc. and Goldman Sachs & Co. LLC, Barclays "
                "Bank PLC, BNP Paribas and J.P. Morgan Securities plc, as representatives of the several underwriters "
                "named therein"),
        ("4.1", "Officer’s Certificate of Apple Inc., dated November 15, 2019"),
        ("4.2", "Form of Global Note representing the 2025 Notes (included in Exhibit 4.1)"),
        ("4.3", "Form of Global Note representing the 2031 Notes (included in Exhibit 4.1)"),
        ("5.1", "Opinion of Latham & Watkins LLP"),
        ("23.1", "Consent of Latham & Watkins LLP (included in the opinion filed as Exhibit 5.1)"),
        ("104", "Inline XBRL for the cover page of this Current Report on Form 8-K."),
    ]
    assert [r["title"] for r in parsed.rows["report_items"]] == ["Other Events", "Financial Statements and Exhibits"]


# --- headings -----------------------------------------------------------------------------

def _headings(*lines: str) -> list[tuple[list[str], str | None]]:
    found = eight_k.find_headings(list(lines), 0, len(lines))
    return [(h.codes, h.title_as_filed) for h in found]


@pytest.mark.parametrize("line,expected", [
    ("ITEM 5. OTHER EVENTS", (["5"], "OTHER EVENTS")),
    ("Item 2.02 Results of Operations and Financial Condition.", (["2.02"], "Results of Operations and Financial Condition")),
    ("Item 9.01. Financial Statements and Exhibits.", (["9.01"], "Financial Statements and Exhibits")),
    ("ITEM 9.01(d). Exhibits", (["9.01"], "Exhibits")),
    ("Items 5.02 and 9.01", (["5.02", "9.01"], None)),
    ("Item\t7.01\tRegulation FD Disclosure", (["7.01"], "Regulation FD Disclosure")),
    ("Item 5.02 | Departure of Directors", (["5.02"], "Departure of Directors")),
    ("Item - 5.02 Departure of Directors", (["5.02"], "Departure of Directors")),
    ("   ITEM 12.  RESULTS OF OPERATIONS AND FINANCIAL CONDITION", (["12"], "RESULTS OF OPERATIONS AND FINANCIAL CONDITION")),
])
def test_heading_shapes(line, expected):
    assert _headings(line) == [expected]


@pytest.mark.parametrize("line", [
    "Item 2.02 above describes the results.",
    "Item 2.02 of this report is furnished.",
    "Item 7.01 (including Exhibit 99.1) of this Current Report shall not be deemed filed.",
    "Items 1 through 4, 6 and 8 Not Applicable.",
    "Item 2.02, as amended, applies.",
    "as described in Item 2.02 Results of Operations",
    "Item 13. Not an 8-K item",
    "Item 2.1 Something",
])
def test_references_do_not_start_items(line):
    assert _headings(line) == []


def test_heading_split_over_lines_keeps_the_whole_title():
    lines = ["Item 7.  FINANCIAL STATEMENTS, PRO FORMA FINANCIAL INFORMATION", "         AND EXHIBITS.", "",
             "(c) Exhibits"]
    found = eight_k.find_headings(lines, 0, len(lines))
    assert [(h.title_as_filed, h.body_start) for h in found] == [
        ("FINANCIAL STATEMENTS, PRO FORMA FINANCIAL INFORMATION AND EXHIBITS", 2)]


def test_heading_and_text_on_one_line():
    lines = ["Item 8.01 Other Events. On May 1, 2010, the Company moved.", "It kept its name.",
             "Item 5.02 Departure of Directors or Principal Officers. Compensatory Arrangements."]
    found = eight_k.find_headings(lines, 0, len(lines))
    assert [(h.codes, h.title_as_filed, h.inline_text) for h in found] == [
        (["8.01"], "Other Events", "On May 1, 2010, the Company moved."),
        # a title that differs from the official one stays whole
        (["5.02"], "Departure of Directors or Principal Officers. Compensatory Arrangements", None),
    ]
    assert eight_k.item_rows(lines, found, len(lines))[0]["text"] == "On May 1, 2010, the Company moved.\nIt kept its name."


@pytest.mark.parametrize("code,current,title", [
    ("1", "5.01", "Changes in Control of Registrant"), ("2", "2.01", "Acquisition or Disposition of Assets"),
    ("3", "1.03", "Bankruptcy or Receivership"), ("4", "4.01", "Changes in Registrant's Certifying Accountant"),
    ("5", "8.01", "Other Events"), ("6", "5.02", "Resignations of Registrant's Directors"),
    ("7", "9.01", PRE_2004_EXHIBITS_TITLE), ("8", "5.03", "Change in Fiscal Year"),
    ("9", "7.01", "Regulation FD Disclosure"),
    ("10", "5.05", "Amendments to the Registrant's Code of Ethics, or Waiver of a Provision of the Code of Ethics"),
    ("11", "5.04", "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans"),
    ("12", "2.02", "Results of Operations and Financial Condition"),
])
def test_pre_2004_numbering_maps_to_current(code, current, title):
    assert eight_k.item_meta(code) == (title, current, "pre_2004")


# --- HTML rendering --------------------------------------------------------------------------

SMALL_HTML = """<html><head><title>8-K</title><style>p {margin:0}</style></head><body>
<div style="display:none"><ix:header><ix:hidden>
<ix:nonNumeric name="dei:EntityCentralIndexKey" contextRef="c">98765</ix:nonNumeric>
<ix:nonNumeric name="dei:DocumentType" contextRef="c">8-K/A</ix:nonNumeric>
<ix:nonNumeric name="dei:AmendmentFlag" contextRef="c">true</ix:nonNumeric>
</ix:hidden></ix:header></div>
<p style="text-align:center"><b>FORM&nbsp;8-K/A</b></p><p>CURRENT REPORT</p>
<p>Date of Report (Date of earliest event reported): <ix:nonNumeric name="dei:DocumentPeriodEndDate" contextRef="c">May 1, 2021</ix:nonNumeric></p>
<p><ix:nonNumeric name="dei:EntityRegistrantName" contextRef="c">Tiny&nbsp;Co.</ix:nonNumeric></p>
<p>(Exact name of registrant as specified in its charter)</p>
<table><tr><td>Ohio</td><td></td><td>0-1234</td><td>31-1234567</td></tr>
<tr><td>(State or other jurisdiction of incorporation)</td><td>(Commission File Number)</td><td>(IRS Employer Identification No.)</td></tr></table>
<p>1 Elm St.<br>Columbus, Ohio 43004</p><p>(Address of principal executive offices)</p>
<p>Registrant's telephone number, including area code: (614) 555-0199</p>
<p><b>Item&nbsp;2.02</b>&nbsp;&nbsp;Results of Operations and Financial Condition.</p>
<p>Sales rose.<!-- a comment --> See&#160;Item 9.01 below.</p>
<p><b>Item 9.01</b> Financial Statements and Exhibits.</p>
<table><tr><td>Exhibit No.</td><td>Description</td></tr>
<tr><td>99.1</td><td><a href="tiny-ex991.htm">Press release<br>dated May 1, 2021</a></td></tr></table>
<p style="text-align:center">SIGNATURES</p>
<table><tr><td>Date: May 3, 2021</td><td>By:</td><td>/s/ Ann Lee<br>Ann Lee<br>President and</td></tr>
<tr><td></td><td></td><td>Chief Executive Officer</td></tr></table>
</body></html>"""


def test_html_rendering_tables_and_hidden_header():
    text = html_8k.html_to_text(html_8k.parse_html(SMALL_HTML))
    assert "98765" not in text  # the hidden ix:header is not part of the page
    assert "Ohio | 0-1234 | 31-1234567" in text.splitlines()
    assert "99.1 | Press release\ndated May 1, 2021" in text  # a cell's own lines go below its row
    assert "Date: May 3, 2021 | By: | /s/ Ann Lee\nAnn Lee\nPresident and\nChief Executive Officer" in text


def test_small_inline_xbrl_amendment_golden():
    parsed = read_one(html_8k, SMALL_HTML)
    assert parsed.filing == filing_row(SMALL_HTML, form_type="8-K/A", is_amendment=True,
                                       period_of_report=D(2021, 5, 1), issuer_name="Tiny Co.", issuer_cik="0000098765")
    assert parsed.rows == {
        "filing_companies": [company(
            cik="0000098765", name="Tiny Co.", state_of_incorporation="OH", sec_file_number="0-1234",
            irs_number="31-1234567", street1="1 Elm St.", city="Columbus", state="OH", zip="43004",
            phone="(614) 555-0199")],
        "report_items": [
            item(0, "2.02", "2.02", "Results of Operations and Financial Condition",
                 "Results of Operations and Financial Condition", "Sales rose. See Item 9.01 below."),
            item(1, "9.01", "9.01", "Financial Statements and Exhibits", "Financial Statements and Exhibits",
                 "Exhibit No. | Description\n99.1 | Press release\ndated May 1, 2021"),
        ],
        # The link sits on the description: the row's first cell gives the number.
        "exhibits": [{"exhibit_number": "99.1", "description": "Press release dated May 1, 2021",
                      "document_filename": "tiny-ex991.htm"}],
        "signatures": [signer(0, "Ann Lee", "President and Chief Executive Officer", D(2021, 5, 3))],
    }


# --- sniffing and routing -------------------------------------------------------------------

@pytest.mark.parametrize("relative", [
    "full_submission/8-K_0001011438-98-000429_edgartools.txt",
    "full_submission/8-K_0001193125-23-048785_edgartools.txt",
    "full_submission/8-K_0001493152-25-001317_edgartools.nc",
    "header_only/8-K_0000905729-24-000095_edgartools.html",
    "8k/BuckleInc.8-K.EX99.1_edgartools.html",
    "other_forms/13F-HR_0001894188-23-000007_edgartools.txt",
])
def test_sniff_refuses_what_is_not_an_8k_document(relative):
    text = corpus_text(relative)
    assert not ascii_8k.sniff(text)
    assert not html_8k.sniff(text)


def test_sniff_refuses_ownership_forms():
    ownership = sorted((CORPUS / "ownership_xml").glob("*.xml"))[:3] if CORPUS.is_dir() else []
    if not ownership:
        pytest.skip("shared corpus ownership_xml/ absent (expected in ../shared/corpus next to the repo)")
    form4_text = (ROOT / "data" / "samples" / "000_42928c94e3084e24.txt").read_text()
    for text in [form4_text] + [decode(p.read_bytes()).text for p in ownership]:
        assert not ascii_8k.sniff(text) and not html_8k.sniff(text)


def test_registry_routes_8ks_to_these_readers():
    assert registry.reader_for(SEED.read_text()) is ascii_8k
    assert registry.reader_for(SMALL_HTML) is html_8k


# --- failures ------------------------------------------------------------------------------------

def test_truncated_text_8k_is_refused():
    text = SEED.read_text()
    with pytest.raises(ParseError) as caught:
        ascii_8k.read(text[: len(text) // 2])
    assert caught.value.code == "truncated"


def test_truncated_html_8k_is_refused():
    text = corpus_text("8k/BuckleInc.8-K_edgartools.html")
    with pytest.raises(ParseError) as caught:
        html_8k.read(text[: int(len(text) * 0.8)])
    assert caught.value.code == "truncated"


@pytest.mark.parametrize("text", ["<html><body></body></html>", "<html><body><p>   </p><table></table></body></html>",
                                  "<html><head><title>FORM 8-K</title></head></html>"])
def test_html_without_text_is_malformed(text):
    with pytest.raises(ParseError) as caught:
        html_8k.read(text)
    assert caught.value.code == "malformed_html"


def test_html_that_is_not_an_8k_is_unrecognized():
    with pytest.raises(ParseError) as caught:
        html_8k.read(corpus_text("8k/BuckleInc.8-K.EX99.1_edgartools.html"))
    assert caught.value.code == "unrecognized_format"


def test_text_without_8k_cover_is_unrecognized():
    with pytest.raises(ParseError) as caught:
        ascii_8k.read("PRESS RELEASE\n\nAcme announces results.\n\nSIGNATURES\n/s/ A. Person\n")
    assert caught.value.code == "unrecognized_format"


# --- robustness -----------------------------------------------------------------------------------

_SEED_TEXT = SEED.read_text()
_SNIPPETS = st.sampled_from(["ITEM 5.", "Item 9.01", "\n", "    ", "|", "/s/", "By:", "SIGNATURES", "99.1  ", "(",
                             ")", "Date:", "July 29, 2002", "-----", "<PAGE>", "\t", "Items 2.02 and", "\u00a0"])


@st.composite
def mutated(draw, base: str) -> str:
    text = base
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["cut", "insert", "delete", "duplicate"]))
        if action == "cut":
            text = text[:at]
        elif action == "insert":
            text = text[:at] + draw(st.one_of(_SNIPPETS, st.text(max_size=40))) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 400)):]
        else:
            text = text[:at] + text[at:at + 300] * draw(st.integers(2, 4)) + text[at:]
    return text


def _only_parse_errors(reader, text: str) -> None:
    try:
        filings = reader.read(text)
    except ParseError as exc:
        assert exc.code and exc.detail
        return
    assert len(filings) == 1 and filings[0].filing["form_type"].startswith("8-K")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(_SEED_TEXT))
def test_text_reader_raises_only_parse_errors(text):
    _only_parse_errors(ascii_8k, text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(SMALL_HTML))
def test_html_reader_raises_only_parse_errors(text):
    _only_parse_errors(html_8k, text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=2000))
def test_arbitrary_text_after_a_cover_raises_only_parse_errors(tail):
    _only_parse_errors(ascii_8k, "FORM 8-K\nCURRENT REPORT\n" + tail)
    _only_parse_errors(html_8k, "<html><body><p>FORM 8-K</p><p>CURRENT REPORT</p>" + tail)


def test_long_whitespace_runs_do_not_hang():
    body = "FORM 8-K\nCURRENT REPORT\nItem 8.01 Other Events\nMay 1" + " " * 50_000 + "x\n" + "99.1" + " " * 50_000 + "\n"
    with pytest.raises(ParseError) as caught:
        ascii_8k.read(body)
    assert caught.value.code == "truncated"
    filing = ascii_8k.read(body + "SIGNATURES\nBy: /s/" + " ," * 20_000 + "\n")[0]
    assert [r["item_code"] for r in filing.rows["report_items"]] == ["8.01"]
