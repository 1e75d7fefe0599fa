"""EDGAR submissions (.txt, .nc, header-only): header, companies, documents,
and the hand-over of the primary document to its own reader."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms import submission
from transforms.decode import decode
from transforms.errors import ParseError
from transforms.model import ParsedFiling, content_filing_id
from transforms.registry import reader_for
from transforms.sgml_header import eastern_to_utc, parse_header

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
FIXTURES = Path(__file__).resolve().parents[3] / "tests" / "support" / "fixtures" / "submissions"
UTC = dt.timezone.utc


def corpus_text(relative: str) -> str:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"corpus file {relative} not found: the shared corpus belongs next to the repository")
    return decode(path.read_bytes()).text


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def _unrecognized(text: str):
    raise ParseError("unrecognized_format", "no document readers in this test")


# The dispatcher the tests hand the submission reader for its documents: the registry's, or none.
dispatcher = {"reader_for": reader_for}


@pytest.fixture
def no_document_readers(monkeypatch):
    """Documents stay unread, so header, companies and documents are tested on their own."""
    monkeypatch.setitem(dispatcher, "reader_for", _unrecognized)


def read_submission(text: str) -> list[ParsedFiling]:
    return submission.read(text, dispatcher["reader_for"])


def read_one(text: str) -> ParsedFiling:
    filings = read_submission(text)
    assert len(filings) == 1
    return filings[0]


def company(index, role, cik, name, *, state_of_incorporation=None, sec_file_number=None, irs_number=None,
            sic=None, fiscal_year_end=None, street1=None, street2=None, city=None, state=None, zip=None,
            phone=None, former_names=(), ticker=None) -> dict:
    return {"company_index": index, "role": role, "cik": cik, "name": name, "ticker": ticker,
            "state_of_incorporation": state_of_incorporation, "sec_file_number": sec_file_number,
            "irs_number": irs_number, "sic": sic, "fiscal_year_end": fiscal_year_end, "street1": street1,
            "street2": street2, "city": city, "state": state, "zip": zip, "phone": phone,
            "former_names": list(former_names)}


def document(sequence, document_type, filename, description, size_bytes, reader=None, text=None) -> dict:
    return {"sequence": sequence, "document_type": document_type, "filename": filename,
            "description": description, "size_bytes": size_bytes, "reader": reader, "text": text}


def filing_columns(text, *, accession, form_type, filed, period, issuer_cik, issuer_name, source_format,
                   acceptance=None, items=None) -> dict:
    """The `filings` columns of a submission none of whose documents was read."""
    return {"filing_id": accession, "accession_number": accession, "content_id": content_filing_id(text),
            "form_type": form_type, "is_amendment": form_type.endswith("/A"), "filed_date": filed,
            "period_of_report": period, "date_of_original_submission": None, "acceptance_datetime": acceptance,
            "issuer_name": issuer_name, "issuer_cik": issuer_cik, "header_items": items,
            "source_format": source_format, "filed_date_source": "header" if filed else "header_without_date"}


# --- golden files -------------------------------------------------------------

def test_pem_wrapped_1990s_form4(no_document_readers):
    text = corpus_text("full_submission/4_0001094891-00-000193_edgartools.txt")
    parsed = read_one(text)
    assert parsed.filing == filing_columns(
        text, accession="0001094891-00-000193", form_type="4", filed=dt.date(2000, 3, 14),
        period=dt.date(2000, 2, 29), issuer_cik="0000911787", issuer_name="PRODUCTIVITY TECHNOLOGIES CORP /",
        source_format="sgml_submission")
    assert parsed.rows == {
        "filing_companies": [
            company(0, "subject_company", "0000911787", "PRODUCTIVITY TECHNOLOGIES CORP /",
                    state_of_incorporation="DE", sec_file_number="000-24212", irs_number="133764753", sic="3540",
                    fiscal_year_end="0630", street1="520 MADISON AVE", city="NEW YORK", state="NY", zip="10022",
                    phone="7349961700", former_names=["PRODUCTIVITY TECHNOLOGIES CORP /DE"]),
            company(1, "reporting_owner", "0001050609", "FOSTER ALAN H", street1="PRODUCTIVITY TECHNOLOGIES CORP",
                    street2="509 MADISON AVE", city="NEW YORK", state="NY", zip="10022"),
        ],
        "documents": [document(1, "4", None, "FORM 4 - FEBRUARY 29,2000", 5058)],
    }


def test_1990s_header_keeps_the_reporting_owner_relationship():
    text = corpus_text("full_submission/4_0001094891-00-000193_edgartools.txt")
    header = parse_header(text[text.index("<SEC-HEADER>"):text.index("</SEC-HEADER>")])
    assert [(c.role, c.name, c.relationships) for c in header.companies] == [
        ("subject_company", "PRODUCTIVITY TECHNOLOGIES CORP /", []),
        ("reporting_owner", "FOSTER ALAN H", ["DIRECTOR"]),
    ]
    assert header.document_count == 1


def test_2020_form4_with_four_reporting_owners(no_document_readers):
    text = corpus_text("full_submission/4_0001209191-20-061962_edgar2data.txt")
    parsed = read_one(text)
    assert parsed.filing == filing_columns(
        text, accession="0001209191-20-061962", form_type="4", filed=dt.date(2020, 12, 7),
        period=dt.date(2020, 12, 4), issuer_cik="0001505512", issuer_name="Regulus Therapeutics Inc.",
        source_format="sgml_submission", acceptance=dt.datetime(2020, 12, 7, 22, 6, 40, tzinfo=UTC))
    nea = dict(state_of_incorporation="DE", sec_file_number="001-35670", fiscal_year_end="1231", city="TIMONIUM",
               state="MD", zip="21093", phone="410-842-4000")
    assert parsed.rows == {
        "filing_companies": [
            company(0, "reporting_owner", "0001712882", "NEA 16 GP, LLC",
                    street1="1954 GREENSPRING DRIVE, SUITE 600", **nea),
            company(1, "reporting_owner", "0001712881", "NEA Partners 16, L.P.",
                    street1="1954 GREENSPRING DRIVE, SUITE 600", **nea),
            company(2, "reporting_owner", "0001694560", "New Enterprise Associates 16, L.P.",
                    street1="1954 GREENSPRING DRIVE", street2="SUITE 600", **nea),
            company(3, "reporting_owner", "0001706444", "Growth Equity Opportunities V, LLC",
                    street1="1954 GREENSPRING DRIVE", street2="SUITE 600", **nea),
            company(4, "issuer", "0001505512", "Regulus Therapeutics Inc.", state_of_incorporation="DE",
                    irs_number="264738379", sic="2834", fiscal_year_end="1231",
                    street1="10628 SCIENCE CENTER DRIVE", street2="SUITE 225", city="SAN DIEGO", state="CA",
                    zip="92121", phone="858-202-6300"),
        ],
        "documents": [document(1, "4", "doc4.xml", "FORM 4 SUBMISSION", 12578)],
    }


def test_1998_8k_submission(no_document_readers):
    text = corpus_text("full_submission/8-K_0001011438-98-000429_edgartools.txt")
    parsed = read_one(text)
    # ITEM INFORMATION is present but empty in this header: no items.
    assert parsed.filing == filing_columns(
        text, accession="0001011438-98-000429", form_type="8-K", filed=dt.date(1998, 12, 31),
        period=dt.date(1998, 12, 15), issuer_cik="0000913951", issuer_name="AAMES CAPITAL CORP",
        source_format="sgml_submission")
    assert parsed.rows == {
        "filing_companies": [
            company(0, "filer", "0000913951", "AAMES CAPITAL CORP", state_of_incorporation="CA",
                    sec_file_number="033-70636", irs_number="954438859", sic="6189", fiscal_year_end="0630",
                    street1="350 SOUTH GRAND AVE 52ND FLOOR", street2="C/O GARY K JUDIS", city="LOS ANGELES",
                    state="CA", zip="90071", phone="2132105000"),
        ],
        "documents": [
            document(1, "8-K", None, "CURRENT REPORT", 3017),
            document(2, "EX-20.1", None, "STATEMENT TO CERTIFICATEHOLDERS", 37368),
        ],
    }


def test_nc_form4(no_document_readers):
    text = corpus_text("full_submission/4_0001562180-25-000280_edgartools.nc")
    parsed = read_one(text)
    assert parsed.filing == filing_columns(
        text, accession="0001562180-25-000280", form_type="4", filed=dt.date(2025, 1, 8),
        period=dt.date(2025, 1, 6), issuer_cik="0001860782", issuer_name="2seventy bio, Inc.",
        source_format="nc_submission")
    assert parsed.rows == {
        "filing_companies": [
            # The owner block gives only a mail address: no business address to record.
            company(0, "reporting_owner", "0002009134", "Snow Jessica", sec_file_number="001-40791"),
            company(1, "issuer", "0001860782", "2seventy bio, Inc.", state_of_incorporation="DE",
                    irs_number="863658454", sic="2834", fiscal_year_end="1231", street1="60 BINNEY STREET",
                    city="CAMBRIDGE", state="MA", zip="02210", phone="339-499-9300"),
        ],
        "documents": [document(1, "4", "primarydocument.xml", "PRIMARY DOCUMENT", 6009)],
    }


def test_nc_8k_items_and_former_names(no_document_readers):
    parsed = read_one(corpus_text("full_submission/8-K_0001493152-25-001317_edgartools.nc"))
    assert parsed.filing["header_items"] == ["5.02", "9.01"]
    assert parsed.filing["source_format"] == "nc_submission"
    assert parsed.rows["filing_companies"] == [
        company(0, "filer", "0000880984", "ACORN ENERGY, INC.", state_of_incorporation="DE",
                sec_file_number="001-33886", irs_number="222786081", sic="8711", fiscal_year_end="1231",
                street1="1000 N WEST STREET, SUITE 1200", city="WILMINGTON", state="DE", zip="19801",
                phone="302-656-1708",
                former_names=["ACORN FACTOR, INC.", "DATA SYSTEMS & SOFTWARE INC", "DEFENSE SOFTWARE & SYSTEMS INC"]),
    ]


def test_header_only_1998_form4(no_document_readers):
    text = corpus_text("header_only/4_0001012325-98-000004_edgartools.txt")
    parsed = read_one(text)
    assert parsed.filing == filing_columns(
        text, accession="0001012325-98-000004", form_type="4", filed=dt.date(1998, 11, 20),
        period=dt.date(1998, 10, 31), issuer_cik="0001035972", issuer_name="MORTON INTERNATIONAL INC /IN/",
        source_format="header_only")
    assert parsed.rows == {
        "filing_companies": [
            company(0, "subject_company", "0001035972", "MORTON INTERNATIONAL INC /IN/",
                    state_of_incorporation="IN", sec_file_number="001-12825", irs_number="364140798", sic="2890",
                    fiscal_year_end="1231", street1="100 NORTH RIVERSIDE PLAZA", city="CHICAGO", state="IL",
                    zip="60606", phone="3128072000", former_names=["NEW MORTON INTERNATIONAL INC"]),
            company(1, "reporting_owner", "0001012325", "CANTALUPO JAMES R", street1="100 NORTH RIVERSIDE PLAZA",
                    city="CHICAGO", state="IL", zip="60606"),
        ],
    }


def test_header_only_index_page_lists_its_documents(no_document_readers):
    text = corpus_text("header_only/8-K_0001193125-24-152391_edgartools.html")
    parsed = read_one(text)
    assert parsed.filing == filing_columns(
        text, accession="0001193125-24-152391", form_type="8-K", filed=dt.date(2024, 6, 3),
        period=dt.date(2024, 6, 3), issuer_cik="0001804591", issuer_name="23andMe Holding Co.",
        source_format="header_only", acceptance=dt.datetime(2024, 6, 3, 12, 6, 2, tzinfo=UTC),
        items=["Regulation FD Disclosure", "Financial Statements and Exhibits"])
    idea = "IDEA: XBRL DOCUMENT"
    # An index page only links to the documents: no text, so no size.
    assert parsed.rows == {
        "filing_companies": [
            company(0, "filer", "0001804591", "23andMe Holding Co.", sec_file_number="001-39587",
                    irs_number="871240344", sic="2834", fiscal_year_end="0331",
                    street1="349 OYSTER POINT BOULEVARD", city="SOUTH SAN FRANCISCO", state="CA", zip="94080",
                    phone="(650) 938-6300", former_names=["VG Acquisition Corp.", "Virgin Group Acquisition Corp.",
                                                          "Bleecker Street Acquisition Corp."]),
        ],
        "documents": [
            document(1, "8-K", "d836506d8k.htm", "8-K", None),
            document(2, "EX-99.1", "d836506dex991.htm", "EX-99.1", None),
            document(3, "EX-101.SCH", "me-20240603.xsd", "XBRL TAXONOMY EXTENSION SCHEMA", None),
            document(4, "EX-101.LAB", "me-20240603_lab.xml", "XBRL TAXONOMY EXTENSION LABEL LINKBASE", None),
            document(5, "EX-101.PRE", "me-20240603_pre.xml", "XBRL TAXONOMY EXTENSION PRESENTATION LINKBASE", None),
            document(7, "XML", "R1.htm", idea, None),
            document(8, "EXCEL", "Financial_Report.xlsx", idea, None),
            document(9, "XML", "Show.js", idea, None),
            document(10, "XML", "report.css", idea, None),
            document(12, "XML", "FilingSummary.xml", idea, None),
            document(15, "JSON", "MetaLinks.json", idea, None),
            document(16, "ZIP", "0001193125-24-152391-xbrl.zip", idea, None),
            document(18, "XML", "d836506d8k_htm.xml", idea, None),
        ],
    }


def test_13f_is_stored_with_its_header_and_no_rows(no_document_readers):
    text = corpus_text("other_forms/13F-HR_0001894188-23-000007_edgartools.txt")
    parsed = read_one(text)
    assert parsed.filing == filing_columns(
        text, accession="0001894188-23-000007", form_type="13F-HR", filed=dt.date(2023, 11, 14),
        period=dt.date(2023, 9, 30), issuer_cik="0001894188", issuer_name="LTS One Management LP",
        source_format="sgml_submission", acceptance=dt.datetime(2023, 11, 14, 14, 38, 54, tzinfo=UTC))
    assert parsed.rows == {
        "filing_companies": [
            company(0, "filer", "0001894188", "LTS One Management LP", state_of_incorporation="DE",
                    sec_file_number="028-22111", irs_number="871396377", fiscal_year_end="1231",
                    street1="650 MADISON AVENUE, 15TH FLOOR", city="NEW YORK", state="NY", zip="10022",
                    phone="646-860-0181"),
        ],
        "documents": [
            document(1, "13F-HR", "primary_doc.xml", None, 2041),
            document(2, "INFORMATION TABLE", "index.xml", None, 7591),
        ],
    }


def test_handmade_amendment_with_exhibit_text_and_graphic(no_document_readers):
    text = fixture_text("classic_8k.txt")
    parsed = read_one(text)
    assert parsed.filing == filing_columns(
        text, accession="0000000001-24-000001", form_type="8-K/A", filed=dt.date(2024, 6, 3),
        period=dt.date(2024, 5, 29), issuer_cik="0000000001", issuer_name="EXAMPLE HOLDINGS INC",
        source_format="sgml_submission", acceptance=dt.datetime(2024, 6, 3, 20, 8, 21, tzinfo=UTC),
        items=["Submission of Matters to a Vote of Security Holders", "Financial Statements and Exhibits"])
    assert parsed.filing["is_amendment"] is True
    assert parsed.rows["documents"] == [
        document(1, "8-K/A", "example8k.htm", "FORM 8-K/A", 96),
        document(2, "EX-99.1", "ex991.htm", "PRESS RELEASE", 174,
                 text="Example Holdings announces results\n\nVotes for | 1,000"),
        document(3, "GRAPHIC", "logo.jpg", None, 85),
    ]
    assert parsed.rows["filing_companies"] == [
        company(0, "filer", "0000000001", "EXAMPLE HOLDINGS INC", state_of_incorporation="MI",
                sec_file_number="001-00001", irs_number="123456789", sic="6022", fiscal_year_end="1231",
                street1="1 MAIN STREET", street2="SUITE 2", city="SPARTA", state="MI", zip="49345",
                phone="6165550100", former_names=["EXAMPLE BANCORP INC"]),
    ]


def test_plain_text_exhibit_keeps_its_text_without_page_marks(no_document_readers):
    parsed = read_one(corpus_text("full_submission/8-K_0000912057-00-002128_secedgar.txt"))
    exhibit = parsed.rows["documents"][1]
    assert exhibit["document_type"] == "EX-99.1"
    assert exhibit["text"].startswith("Apple Board of Directors Announces CEO Compensation\n\nCUPERTINO, California")
    assert "<PAGE>" not in exhibit["text"]


def test_document_cut_out_of_its_submission_is_stored_under_its_own_type(no_document_readers):
    text = corpus_text("8k/BuckleInc.8-K.EX99.1_edgartools.html")
    assert submission.sniff(text)
    parsed = read_one(text)
    content_id = content_filing_id(text)
    assert parsed.filing == {**filing_columns(
        text, accession=None, form_type="EX-99.1", filed=None, period=None, issuer_cik=None, issuer_name=None,
        source_format="sgml_submission"), "filing_id": content_id, "filed_date_source": "no_header"}
    [exhibit] = parsed.rows.pop("documents")
    assert parsed.rows == {}  # no header: no companies
    body = text[text.index("<html>"):text.index("</TEXT>")]
    assert exhibit == document(2, "EX-99.1", "bke20241122-8kexhibit.htm", "EX-99.1", len(body.encode()),
                               text=exhibit["text"])
    assert exhibit["text"].startswith("Exhibit 99.1\n\nThe Buckle, Inc.\n2407 W. 24th St. Kearney, NE 68845\n")
    assert "THE BUCKLE, INC. REPORTS THIRD QUARTER NET INCOME" in exhibit["text"]


def test_acceptance_time_is_eastern_with_daylight_saving():
    assert eastern_to_utc("20240603160821") == dt.datetime(2024, 6, 3, 20, 8, 21, tzinfo=UTC)  # EDT
    assert eastern_to_utc("20201207170640") == dt.datetime(2020, 12, 7, 22, 6, 40, tzinfo=UTC)  # EST
    assert eastern_to_utc("2024060316") is None
    assert eastern_to_utc("20241399000000") is None


def test_tag_header_with_closing_tags_and_original_submission_date(no_document_readers):
    text = ("<SUBMISSION>\n<ACCESSION-NUMBER>0000000002-24-000002</ACCESSION-NUMBER>\n<TYPE>4/A</TYPE>\n"
            "<PERIOD>20240105</PERIOD>\n<FILING-DATE>20240110</FILING-DATE>\n<DATE-OF-ORIG-SUB>20240108\n"
            "<ISSUER>\n<COMPANY-DATA>\n<CONFORMED-NAME>Example Inc</CONFORMED-NAME>\n<CIK>12345</CIK>\n"
            "</COMPANY-DATA>\n</ISSUER>\n</SUBMISSION>\n")
    parsed = read_one(text)
    assert parsed.filing == {**filing_columns(
        text, accession="0000000002-24-000002", form_type="4/A", filed=dt.date(2024, 1, 10),
        period=dt.date(2024, 1, 5), issuer_cik="0000012345", issuer_name="Example Inc",
        source_format="header_only"), "date_of_original_submission": dt.date(2024, 1, 8)}
    assert parsed.rows == {"filing_companies": [company(0, "issuer", "0000012345", "Example Inc")]}


# --- every corpus submission ------------------------------------------------------

def _corpus_submissions() -> list[str]:
    folders = ("full_submission", "other_forms", "header_only")
    return sorted(f"{folder}/{p.name}" for folder in folders if (CORPUS / folder).is_dir()
                  for p in (CORPUS / folder).iterdir())


# PUBLIC DOCUMENT COUNT counts documents EDGAR does not put in the file (their
# sequence numbers are missing from it); header-only files hold no documents
# by definition (index pages list them without their text).
DOCUMENTS_NOT_AS_COUNTED = {
    "full_submission/8-K_0000943374-24-000509_edgartools.txt": 12,
    "full_submission/8-K_0001493152-25-001317_edgartools.nc": 13,
    "header_only/8-K_0000905729-24-000095_edgartools.html": 12,
    "header_only/8-K_0001193125-24-152391_edgartools.html": 13,
    "header_only/4_0001012325-98-000004_edgartools.txt": 0,
    "header_only/4_0001062993-24-012217_edgartools.html": 0,
    "header_only/4_0001140361-23-028639_edgartools.txt": 0,
}
_ACCESSION = re.compile(r"\d{10}-\d{2}-\d{6}")
_DOCUMENT_COUNT = re.compile(r"PUBLIC[- ]DOCUMENT[- ]COUNT(?:>|:[ \t]*)(\d+)")


@pytest.mark.parametrize("relative", _corpus_submissions() or ["(corpus missing)"])
def test_every_corpus_submission_reads(relative, no_document_readers):
    text = corpus_text(relative)
    assert submission.sniff(text)
    parsed = read_one(text)
    stated_count = int(_DOCUMENT_COUNT.search(text).group(1))
    assert parsed.filing["accession_number"] == _ACCESSION.search(Path(relative).name).group(0)
    assert parsed.filing_id == parsed.filing["accession_number"]
    assert parsed.filing["source_format"] == (
        "header_only" if relative.startswith("header_only/")
        else "nc_submission" if relative.endswith(".nc") else "sgml_submission")
    documents = parsed.rows.get("documents", [])
    assert len(documents) == DOCUMENTS_NOT_AS_COUNTED.get(relative, stated_count)
    assert [c["company_index"] for c in parsed.rows["filing_companies"]] == list(
        range(len(parsed.rows["filing_companies"])))
    assert parsed.filing["issuer_cik"] is None or re.fullmatch(r"\d{10}", parsed.filing["issuer_cik"])


def test_sniff_rejects_documents_that_are_not_submissions():
    others = [p for folder in ("ownership_xml", "8k") if (CORPUS / folder).is_dir()
              for p in sorted((CORPUS / folder).iterdir())]
    if not others:
        pytest.skip("the shared corpus is not next to the repository")
    # The one SGML <DOCUMENT> fragment there is ours (see the test above); plain HTML and XML are not.
    assert [p.name for p in others if submission.sniff(decode(p.read_bytes()).text)] == [
        "BuckleInc.8-K.EX99.1_edgartools.html"]


def test_big_submission_lists_every_document(no_document_readers):
    # Its speed is measured in benchmarks/, not here.
    parsed = read_one(corpus_text("full_submission/8-K_0001193125-19-292676_secedgardownloader.txt"))
    assert len(parsed.rows["documents"]) == 19


# --- failures ----------------------------------------------------------------------

def test_header_cut_short_is_truncated():
    text = fixture_text("classic_8k.txt")
    with pytest.raises(ParseError) as err:
        read_submission(text[:text.index("BUSINESS ADDRESS:")])
    assert err.value.code == "truncated"


def test_nc_header_cut_short_is_truncated():
    with pytest.raises(ParseError) as err:
        read_submission("<SUBMISSION>\n<ACCESSION-NUMBER>0000000001-24-000001\n<TYPE>4\n<FILER>\n<COMPANY-DATA>\n")
    assert err.value.code == "truncated"


def test_document_without_its_end_is_truncated(no_document_readers):
    text = fixture_text("classic_8k.txt")
    with pytest.raises(ParseError) as err:
        read_submission(text[:text.index("begin 644")])
    assert err.value.code == "truncated"
    assert "document 3" in err.value.detail


def test_document_running_into_the_next_is_truncated(no_document_readers):
    text = fixture_text("classic_8k.txt").replace(
        "</TEXT>\n</DOCUMENT>\n<DOCUMENT>\n<TYPE>EX-99.1", "<DOCUMENT>\n<TYPE>EX-99.1", 1)
    with pytest.raises(ParseError) as err:
        read_submission(text)
    assert err.value.code == "truncated"
    assert "document 1" in err.value.detail


def test_unknown_document_type_is_listed_and_not_read(monkeypatch):
    text = fixture_text("classic_8k.txt").replace("<TYPE>8-K/A\n<SEQUENCE>1", "<TYPE>NO-SUCH-TYPE\n<SEQUENCE>1")
    read_bodies = []
    monkeypatch.setitem(dispatcher, "reader_for", lambda body: read_bodies.append(body) or _unrecognized(body))
    parsed = read_one(text)
    assert read_bodies == []
    assert parsed.rows["documents"][0] == document(1, "NO-SUCH-TYPE", "example8k.htm", "FORM 8-K/A", 96)
    assert parsed.filing["form_type"] == "8-K/A"


def test_duplicate_sequence_is_refused(no_document_readers):
    text = fixture_text("classic_8k.txt").replace("<SEQUENCE>3", "<SEQUENCE>2")
    with pytest.raises(ParseError) as err:
        read_submission(text)
    assert err.value.code == "duplicate_document"


def test_no_form_type_anywhere_is_refused(no_document_readers):
    with pytest.raises(ParseError) as err:
        read_submission("<SEC-HEADER>\nACCESSION NUMBER:\t0000000001-24-000001\n</SEC-HEADER>\n")
    assert err.value.code == "missing_form_type"


def test_empty_submission_is_no_filing():
    with pytest.raises(ParseError) as err:
        read_submission("<SUBMISSION>\n</SUBMISSION>\n")
    assert err.value.code == "no_filing"


# --- the primary document and its reader ------------------------------------------

def _fake_reader(read):
    return SimpleNamespace(FORMAT="html_8k", sniff=lambda text: True, read=read)


def test_primary_document_reader_error_fails_the_submission(monkeypatch):
    def fail(text):
        raise ParseError("missing_field", "no item headings")
    monkeypatch.setitem(dispatcher, "reader_for", lambda body: _fake_reader(fail))
    with pytest.raises(ParseError) as err:
        read_submission(fixture_text("classic_8k.txt"))
    assert err.value.code == "missing_field"
    assert "sequence 1" in err.value.detail and "no item headings" in err.value.detail


def test_reader_error_on_a_form_no_reader_handles_is_not_an_error(monkeypatch):
    def fail(text):
        raise ParseError("missing_field", "not an 8-K")
    monkeypatch.setitem(dispatcher, "reader_for", lambda body: _fake_reader(fail))
    parsed = read_one(corpus_text("other_forms/24F-2NT_0000950129-95-001652_edgartools.txt"))
    assert [d["reader"] for d in parsed.rows["documents"]] == [None, None]
    assert set(parsed.rows) == {"filing_companies", "documents"}


def test_primary_document_provides_rows_and_header_fills_the_rest(monkeypatch):
    bodies = []

    def read(text):
        bodies.append(text)
        doc = ParsedFiling({"filing_id": "ff-doc", "content_id": "ff-doc", "form_type": "8-K",
                            "is_amendment": False, "filed_date": dt.date(2024, 6, 1), "issuer_name": None,
                            "issuer_cik": None, "period_of_report": dt.date(2024, 5, 28)})
        doc.add("report_items", {"item_index": 0, "item_code": "5.07"})
        doc.add("filing_companies", {**company(0, "registrant", "1", "Example Holdings Inc"), "ticker": "EXH"})
        return [doc]
    monkeypatch.setitem(dispatcher, "reader_for", lambda body: _fake_reader(read))
    parsed = read_one(fixture_text("classic_8k.txt"))
    assert bodies == [
        "<html><body><p>Item 5.07 Submission of Matters to a Vote of Security Holders.</p></body></html>\n"]
    assert parsed.filing["content_id"] == "ff-doc"
    assert (parsed.filing["form_type"], parsed.filing["is_amendment"]) == ("8-K/A", True)  # the header knows
    assert parsed.filing["filing_id"] == "0000000001-24-000001"
    assert parsed.filing["filed_date"] == dt.date(2024, 6, 3)  # EDGAR's date, not the document's
    assert parsed.filing["period_of_report"] == dt.date(2024, 5, 28)  # the document's event date
    assert parsed.filing["issuer_cik"] == "0000000001"
    assert parsed.filing["issuer_name"] == "EXAMPLE HOLDINGS INC"
    assert parsed.rows["report_items"] == [{"item_index": 0, "item_code": "5.07"}]
    assert [(c["role"], c["cik"], c["ticker"]) for c in parsed.rows["filing_companies"]] == [
        ("filer", "0000000001", "EXH")]
    assert [d["reader"] for d in parsed.rows["documents"]] == ["html_8k", None, None]


def test_ownership_xml_primary_document_shares_content_id_with_the_extracted_xml(monkeypatch):
    ownership_xml = pytest.importorskip("transforms.ownership_xml")

    def reader_for(body):
        if ownership_xml.sniff(body):
            return ownership_xml
        return _unrecognized(body)
    monkeypatch.setitem(dispatcher, "reader_for", reader_for)
    parsed = read_one(corpus_text("full_submission/4_0000950170-25-003585_secsgml.txt"))
    extracted = corpus_text("ownership_xml/4_0000950170-25-003585_secsgml_extracted.xml")
    [alone] = ownership_xml.read(extracted)
    assert parsed.filing["content_id"] == content_filing_id(ownership_xml.ownership_document_span(extracted))
    assert parsed.filing["content_id"] == alone.filing["content_id"]
    assert parsed.filing["filing_id"] == "0000950170-25-003585"
    assert parsed.filing["filed_date"] == dt.date(2025, 1, 8)
    assert parsed.rows["documents"][0]["reader"] == "ownership_xml"
    for table, rows in alone.rows.items():
        if table != "filing_companies":
            assert parsed.rows[table] == rows
    issuer = next(c for c in parsed.rows["filing_companies"] if c["role"] == "issuer")
    assert (issuer["cik"], issuer["ticker"], issuer["sic"]) == ("0001318605", "TSLA", "3711")


def test_every_corpus_submission_reads_through_the_registry():
    registry = pytest.importorskip("transforms.registry", exc_type=ImportError)
    files = _corpus_submissions()
    if not files:
        pytest.skip("the shared corpus is not next to the repository")
    for relative in files:
        fmt, [parsed] = registry.read_text(corpus_text(relative))
        assert fmt == "sgml_submission"
        assert parsed.filing["accession_number"] in relative


def _registry_with(reader_format: str):
    registry = pytest.importorskip("transforms.registry", exc_type=ImportError)
    if reader_format not in {reader.FORMAT for reader in registry.READERS}:
        pytest.skip(f"no {reader_format} reader is registered yet")
    return registry


def test_1998_8k_document_is_read_by_the_ascii_8k_reader():
    registry = _registry_with("ascii_8k")
    text = corpus_text("full_submission/8-K_0001011438-98-000429_edgartools.txt")
    _, [parsed] = registry.read_text(text)
    assert [d["reader"] for d in parsed.rows["documents"]] == ["ascii_8k", None]
    assert parsed.filing["content_id"] != content_filing_id(text)  # the document's own id
    assert parsed.filing["filing_id"] == "0001011438-98-000429"
    assert parsed.filing["filed_date"] == dt.date(1998, 12, 31)
    assert parsed.rows["report_items"]
    assert parsed.rows["filing_companies"][0]["role"] == "filer"


def test_legacy_ascii_form4_document_is_read_by_its_reader():
    registry = _registry_with("legacy_ascii_ownership")
    _, [parsed] = registry.read_text(corpus_text("full_submission/4_0001094891-00-000193_edgartools.txt"))
    assert parsed.rows["documents"][0]["reader"] == "legacy_ascii_ownership"
    assert parsed.rows["reporting_owners"]
    assert parsed.filing["filing_id"] == "0001094891-00-000193"


# --- robustness -------------------------------------------------------------------

_SAMPLES = [FIXTURES / "classic_8k.txt"] + [CORPUS / p for p in (
    "full_submission/4_0001562180-25-000280_edgartools.nc",
    "full_submission/4_0001094891-00-000193_edgartools.txt",
    "header_only/4_0001140361-23-028639_edgartools.txt",
    "header_only/8-K_0000905729-24-000095_edgartools.html",
) if (CORPUS / p).is_file()]
_TOKENS = ["<DOCUMENT>\n", "</DOCUMENT>\n", "<TEXT>\n", "</TEXT>\n", "<SEC-HEADER>\n", "</SEC-HEADER>\n",
           "<SUBMISSION>\n", "</SUBMISSION>\n", "<XML>\n", "</XML>\n", "<SEQUENCE>x\n", "<TYPE>4\n", "FILER:\n",
           "\tCOMPANY DATA:\n", "<REPORTING-OWNER>\n", "</FILER>\n", "CENTRAL INDEX KEY:\t12a\n",
           "<ACCEPTANCE-DATETIME>20249999999999\n", "&lt;SEC-HEADER&gt;", "<PRE>", "begin 644 x\n", ":", "<", "\n"]


@st.composite
def mutated_submissions(draw):
    text = draw(st.sampled_from(_SAMPLES)).read_text(errors="replace").replace("\r", "\n")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["cut", "delete", "insert", "duplicate"]))
        if op == "cut":
            text = text[:at]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 400)):]
        elif op == "insert":
            junk = draw(st.one_of(st.sampled_from(_TOKENS), st.text(max_size=40)))
            text = text[:at] + junk + text[at:]
        else:
            text = text[:at] + text[at:at + draw(st.integers(1, 400))] + text[at:]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mutated_submissions())
def test_mutated_submissions_raise_only_parse_errors(no_document_readers, text):
    try:
        filings = read_submission(text)
    except ParseError as exc:
        assert exc.code and exc.detail
        return
    for parsed in filings:
        assert parsed.filing["form_type"]
        assert parsed.filing["content_id"].startswith("ff-")
        sequences = [d["sequence"] for d in parsed.rows.get("documents", [])]
        assert len(sequences) == len(set(sequences))
