"""The registrant an 8-K's cover names, checked against the SEC header's filer block of the
same submission: every field both give agrees (names normalised, numbers by their digits,
addresses by their words), except where the cover truly says something else; then the
submission keeps both rows."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from transforms import ascii_8k, html_8k, registry, submission
from transforms.decode import decode
from transforms.eight_k import registrant_differences, same_registrant

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
COMPARED = ("name", "cik", "state_of_incorporation", "sec_file_number", "irs_number", "street", "city", "state", "zip",
            "phone")

# Fields where the cover says something else than the header, each checked by hand against the document.
TRUE_DIFFERENCES = {
    # The cover prints the registrant's registration for the trust (333-46893-01) and no floor or c/o line.
    "0001011438-98-000429": {"sec_file_number"},
    # The cover prints P.O. Box 805379, Chicago 60680-5379 and (312) 394-7398; the header PO Box A-3005,
    # 60690-3005 and 3123947399.
    "0000950137-05-004969": {"street", "zip", "phone"},
    # The cover's tagged phone (410) 654-3315; the header's business phone 302-656-1708.
    "0001493152-25-001317": {"phone"},
}


def corpus_submissions() -> list[Path]:
    paths = sorted((CORPUS / "full_submission").glob("8-K_*"))
    if not paths:
        pytest.skip("the shared corpus is absent (expected in ../shared/corpus next to the repo)")
    return paths


def primary_body(text: str) -> str:
    """The <TEXT> of the submission's 8-K document, without the <XBRL> wrapper."""
    m = re.search(r"<TYPE>8-K(?:/A)?[ \t]*\r?\n?(?:<[A-Z]+>[^\n<]*\n?)*?<TEXT>\n?(.*?)</TEXT>", text, re.S)
    body = m.group(1).strip()
    return body[6:-7] if body.upper().startswith("<XBRL>") and body.upper().endswith("</XBRL>") else body


def read_document(body: str) -> dict:
    reader = html_8k if html_8k.sniff(body) else ascii_8k
    return reader.read(body)[0].rows["filing_companies"][0]


def header_filer(text: str) -> dict:
    [filer] = [row for row in submission.read(text, registry.reader_for)[0].rows["filing_companies"] if row["role"] == "filer"]
    return filer


def compared_fields(document: dict, header: dict) -> set[str]:
    def given(row: dict, name: str) -> bool:
        if name == "street":
            return bool(row.get("street1"))
        return bool(re.sub(r"[\s0-]", "", row.get(name) or ""))  # the header's IRS number 000000000 is none
    return {name for name in COMPARED if given(document, name) and given(header, name)}


def test_every_corpus_8k_cover_agrees_with_its_header():
    agreed = compared = 0
    for path in corpus_submissions():
        text = decode(path.read_bytes()).text
        accession = path.name.split("_")[1]
        document, header = read_document(primary_body(text)), header_filer(text)
        fields = compared_fields(document, header)
        assert len(fields) >= 8, (path.name, fields)  # a real comparison, not an empty one
        differ = set(registrant_differences(document, header))
        assert differ == TRUE_DIFFERENCES.get(accession, set()), path.name
        assert same_registrant(document, header), path.name
        compared += len(fields)
        agreed += len(fields - TRUE_DIFFERENCES.get(accession, set()))
    # Every field both give agrees, but for the differences the documents truly print.
    assert agreed == compared - sum(map(len, TRUE_DIFFERENCES.values()))


def test_an_agreeing_cover_is_merged_into_the_header_row():
    text = decode((CORPUS / "full_submission" / "8-K_0001193125-19-292676_secedgardownloader.txt").read_bytes()
                  if (CORPUS / "full_submission").is_dir() else pytest.skip("no corpus")).text
    companies = submission.read(text, registry.reader_for)[0].rows["filing_companies"]
    assert [(row["role"], row["name"]) for row in companies] == [("filer", "Apple Inc.")]


def test_a_disagreeing_cover_is_kept_beside_the_header_row():
    text = decode((CORPUS / "full_submission" / "8-K_0001493152-25-001317_edgartools.nc").read_bytes()
                  if (CORPUS / "full_submission").is_dir() else pytest.skip("no corpus")).text
    companies = submission.read(text, registry.reader_for)[0].rows["filing_companies"]
    assert [(row["role"], row["cik"], row["phone"]) for row in companies] == [
        ("filer", "0000880984", "302-656-1708"), ("registrant", "0000880984", "(410) 654-3315")]


def test_a_cover_edited_after_the_header_shows_each_edited_field():
    """Cover lines of the 2000 Apple 8-K changed (a move): the new address and phone are found, nothing else."""
    path = CORPUS / "full_submission" / "8-K_0000912057-00-002128_secedgar.txt"
    if not path.is_file():
        pytest.skip("no corpus")
    text = decode(path.read_bytes()).text
    body = primary_body(text)
    moved = body.replace("1 Infinite Loop", "20525 Mariani Avenue").replace("(408) 996-1010", "(408) 974-2020")
    assert moved != body
    differ = registrant_differences(read_document(moved), header_filer(text))
    assert differ == {"street": ("20525 Mariani Avenue", "1 INFINITE LOOP"),
                      "phone": ("(408) 974-2020", "4089961010")}
    filing = submission.read(text.replace(body, moved), registry.reader_for)[0]
    assert [row["role"] for row in filing.rows["filing_companies"]] == ["filer", "registrant"]


def test_a_document_filed_under_another_company_header_disagrees_on_everything_it_names():
    """BlackRock's 8-K document swapped into Apple's 2019 submission header."""
    apple = CORPUS / "full_submission" / "8-K_0001193125-19-292676_secedgardownloader.txt"
    blackrock = CORPUS / "full_submission" / "8-K_0001193125-23-048785_edgartools.txt"
    if not (apple.is_file() and blackrock.is_file()):
        pytest.skip("no corpus")
    apple_text, blackrock_text = decode(apple.read_bytes()).text, decode(blackrock.read_bytes()).text
    document = read_document(primary_body(blackrock_text))
    header = header_filer(apple_text)
    assert not same_registrant(document, header)
    assert set(registrant_differences(document, header)) == {
        "name", "cik", "state_of_incorporation", "sec_file_number", "irs_number", "street", "city", "state", "zip",
        "phone"}


@pytest.mark.parametrize("document, header", [
    ({"name": "Apple Computer, Inc."}, {"name": "APPLE COMPUTER INC"}),
    ({"name": "1895 BANCORP OF WISCONSIN, INC."}, {"name": "1895 Bancorp of Wisconsin, Inc. /MD/"}),
    ({"name": "The Goldman Sachs Group, Inc."}, {"name": "GOLDMAN SACHS GROUP INC"}),
    ({"sec_file_number": "0-10030"}, {"sec_file_number": "000-10030"}),
    ({"irs_number": "61-1993378"}, {"irs_number": "000000000"}),  # the header's zeros: not given
    ({"street1": "1000 N West St.", "street2": "Suite 1200"}, {"street1": "1000 N WEST STREET, SUITE 1200"}),
    ({"street1": "350 SOUTH GRAND AVENUE"}, {"street1": "350 SOUTH GRAND AVE 52ND FLOOR", "street2": "C/O GARY K JUDIS"}),
    ({"phone": "(212) 810-5300"}, {"phone": "212-810-5300"}),
    ({"zip": "95014-2083"}, {"zip": "95014"}),
    ({"state": "California"}, {"state": "CA"}),
    ({"name": "Apple Inc.", "zip": None}, {"name": None, "zip": "95014"}),  # a field one side lacks
])
def test_spellings_of_one_value_agree(document, header):
    assert registrant_differences(document, header) == {}


@pytest.mark.parametrize("document, header, field", [
    ({"street1": "1 Infinite Loop"}, {"street1": "ONE APPLE PARK WAY"}, "street"),
    ({"street1": "350 North Grand Avenue"}, {"street1": "350 SOUTH GRAND AVE"}, "street"),
    ({"zip": "60680-5379"}, {"zip": "60690-3005"}, "zip"),
    ({"name": "Apple Inc."}, {"name": "APPLE COMPUTER INC"}, "name"),
    ({"state_of_incorporation": "DE"}, {"state_of_incorporation": "MD"}, "state_of_incorporation"),
])
def test_different_values_are_found(document, header, field):
    assert list(registrant_differences(document, header)) == [field]


def test_every_corpus_8k_document_swapped_into_every_other_header_is_kept_apart():
    """Submissions made from the corpus: each 8-K document under each other .txt submission's header.
    The cover names another company: it never merges into the header's filer row."""
    paths = corpus_submissions()
    texts = {p.name.split("_")[1]: decode(p.read_bytes()).text for p in paths}
    bodies = {accession: primary_body(text) for accession, text in texts.items()}
    same_company = {frozenset({"0000912057-00-002128", "0001193125-19-292676"})}  # Apple in 2000 and 2019
    made = 0
    for host, text in texts.items():
        if "<SUBMISSION>" in text[:200]:
            continue  # the .nc keeps its document inside <XBRL>: an ASCII body there is not a real shape
        for guest, body in bodies.items():
            if guest == host or frozenset({guest, host}) in same_company:
                continue
            swapped = text.replace(bodies[host], body)
            companies = submission.read(swapped, registry.reader_for)[0].rows["filing_companies"]
            document = read_document(body)
            [filer] = [row for row in companies if row["role"] == "filer"]
            assert registrant_differences(document, filer), (guest, host)
            assert [row["name"] for row in companies if row["role"] == "registrant"] == [document["name"]], (guest, host)
            made += 1
    assert made >= 30
