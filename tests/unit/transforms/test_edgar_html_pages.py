"""EDGAR's HTML page of Forms 3/4/5, both styles, against the reading of its XML.

Legacy style: the 119 real pages of ../shared/renderings/html/ (EDGAR's legacy ownership
stylesheets run over the corpus XML). Current style: pages built with
tests/support/edgar_current_page.py from every Form 3/4/5 XML of the corpus. Each page,
read as a user's file (through the registry), must equal its XML on every field the page
prints and leave null what it does not print (tests/support/ownership_truth.py)."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.edgar_current_page import render
from tests.support.ownership_truth import differences, expected, reading
from transforms import html_ownership, registry

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
PAGES = SHARED / "renderings" / "html"
XML = SHARED / "corpus" / "ownership_xml"
NO_SHARED = pytest.mark.skip(reason="../shared (renderings and corpus) is not next to the repository")


def _names(folder: Path, pattern: str) -> list:
    names = sorted(p.stem for p in folder.glob(pattern)) if folder.is_dir() else []
    return names or [pytest.param(None, marks=NO_SHARED)]


def _read_as_a_user_would(page: str):
    source_format, filings = registry.read_bytes(page.encode("utf-8"))
    assert source_format == html_ownership.FORMAT
    assert len(filings) == 1
    return filings[0]


@pytest.mark.parametrize("name", _names(PAGES, "*.html"))
def test_legacy_page_equals_its_xml(name):
    page = (PAGES / f"{name}.html").read_text(encoding="utf-8")
    got = reading(_read_as_a_user_would(page))
    assert differences(got, expected((XML / f"{name}.xml").read_text(encoding="utf-8"), "edgar_legacy")) == []


@pytest.mark.parametrize("name", _names(XML, "*.xml"))
def test_current_page_equals_its_xml(name):
    xml = (XML / f"{name}.xml").read_text(encoding="utf-8")
    got = reading(_read_as_a_user_would(render(xml)))
    assert differences(got, expected(xml, "edgar_current")) == []


def test_legacy_pages_through_the_rendering_accuracy_harness():
    """The shared accuracy harness (benchmarks/rendering_accuracy.py) over the same pages: none
    quarantined, every compared field right and every table's row count equal to the XML's."""
    if not PAGES.is_dir():
        pytest.skip("../shared/renderings is not next to the repository")
    from benchmarks.rendering_accuracy import measure

    result = measure("html")
    assert len(result.files) == 119
    assert [f.name for f in result.quarantined] == []
    assert result.exact_rows == 1.0
    assert result.accuracy == 1.0 and result.meets_targets()


def test_ten_owner_form3_page_has_its_issuer_and_each_owner_once():
    """A Form 3 page with ten owners: the issuer box and its ticker, and each owner once, with
    its own address and its own relationship marks, though EDGAR prints owners on the cover
    and again in the Reporting Owners table."""
    name = "3_0001209191-20-043551_edgar2data_extracted"
    if not (PAGES / f"{name}.html").is_file():
        pytest.skip("../shared/renderings is not next to the repository")
    filing = html_ownership.read((PAGES / f"{name}.html").read_text(encoding="utf-8"))[0]
    assert (filing.filing["form_type"], filing.filing["issuer_name"], filing.filing["issuer_ticker"]) == (
        "3", "Nurix Therapeutics, Inc.", "NRIX")
    owners = filing.rows["reporting_owners"]
    assert [o["owner_name"] for o in owners] == [
        "COLUMN GROUP L P", "COLUMN GROUP GP, LP", "COLUMN GROUP II, LP", "Column Group II GP, LP",
        "PONOI CAPITAL, LP", "Ponoi Management, LLC", "Ponoi II Management, LLC", "Ponoi Capital II, LP",
        "Kutzkey Tim", "GOEDDEL DAVID V"]
    assert {(o["street1"], o["street2"], o["city"], o["state"], o["zip"]) for o in owners} == {
        ("1700 OWENS STREET", "SUITE 500", "SAN FRANCISCO", "CA", "94158")}
    assert all(o["is_ten_percent_owner"] for o in owners)


def test_current_page_prints_owners_again_after_table_ii_and_each_is_read_once():
    if not XML.is_dir():
        pytest.skip("../shared/corpus is not next to the repository")
    xml = (XML / "4_0000950123-20-007937_edgar2data_extracted.xml").read_text(encoding="utf-8")
    page = render(xml)
    assert page.count("1. Name and Address of Reporting Person") == 11  # the cover, then all ten again
    filing = html_ownership.read(page)[0]
    owners = filing.rows["reporting_owners"]
    assert len(owners) == 10
    assert owners[0]["owner_cik"] is not None and len({o["owner_cik"] for o in owners}) == 10
    assert filing.filing["issuer_ticker"] == "COR" and filing.filing["issuer_cik"] == "0001490892"


def _reflowed(page: str, seed: int) -> str:
    """The same page with its source line breaks and indentation moved: every run of white space
    between words or tags becomes another run (a browser shows the same page)."""
    rng = random.Random(seed)
    runs = (" ", "\n", "\r\n", "\n\n    ", "\t", " \n ")
    return re.sub(r"[ \t\r\n]+", lambda m: rng.choice(runs), page)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), which=st.integers(0, 1000))
def test_source_line_breaks_do_not_change_the_reading(seed, which):
    """The page's layout decides lines and cells, not the source's line breaks."""
    if not PAGES.is_dir():
        pytest.skip("../shared/renderings is not next to the repository")
    pages = sorted(PAGES.glob("*.html"))
    path = pages[which % len(pages)]
    page = path.read_text(encoding="utf-8")
    pages_to_check = [page, render((XML / f"{path.stem}.xml").read_text(encoding="utf-8"))]
    for original in pages_to_check:
        one, other = html_ownership.read(original)[0], html_ownership.read(_reflowed(original, seed))[0]
        assert other.filing == one.filing
        assert other.rows == one.rows


def test_registry_routes_a_current_form5_page_here():
    if not XML.is_dir():
        pytest.skip("../shared/corpus is not next to the repository")
    xml = (XML / "5_0000014272-20-000044_edgar2data_extracted.xml").read_text(encoding="utf-8")
    assert registry.reader_for(render(xml)) is html_ownership


# --- pages made here with EDGAR's legacy stylesheet, for what the real pages happen not to hold ---
XSL = SHARED / "renderings" / "xsl" / "edgar_legacy_form4.xsl"
BASE_FORM4 = "4_0001062993-20-000814_edgar2data_extracted"  # three owners, Tables I and II


def _first(xml: str, old: str, new: str) -> str:
    assert old in xml
    return xml.replace(old, new, 1)


def _second(xml: str, old: str, new: str) -> str:
    at = xml.index(old, xml.index(old) + 1)
    return xml[:at] + new + xml[at + len(old):]


VARIATIONS = {
    # The cover checks Other only for a number above 0: 'true' shows unchecked, so it reads as null.
    "first owner isOther written true": lambda x: _first(x, "<isOther>0</isOther>", "<isOther>true</isOther>"),
    "first owner isOther 1": lambda x: _first(x, "<isOther>0</isOther>", "<isOther>1</isOther>"),
    "not subject to Section 16 written true": lambda x: _first(
        x, "<documentType>", "<notSubjectToSection16>true</notSubjectToSection16><documentType>"),
    "not subject to Section 16 written 1": lambda x: _first(
        x, "<documentType>", "<notSubjectToSection16>1</notSubjectToSection16><documentType>"),
    # An officer after the first owner: the Reporting Owners table prints its title only.
    "second owner an officer with a title": lambda x: _second(
        x, "<isOfficer>0</isOfficer>", "<isOfficer>1</isOfficer><officerTitle>Chief Executive Officer</officerTitle>"),
    "second owner an officer without a title": lambda x: _second(x, "<isOfficer>0</isOfficer>",
                                                                 "<isOfficer>1</isOfficer>"),
    "an amendment with the original's date": lambda x: _first(
        _first(x, "<documentType>4</documentType>", "<documentType>4/A</documentType>"),
        "<periodOfReport>", "<dateOfOriginalSubmission>2020-02-12</dateOfOriginalSubmission><periodOfReport>"),
    # The legacy page prints 'FORM 4' for a 4/A too: without the original's date it reads as a Form 4.
    "an amendment without the original's date": lambda x: _first(
        x, "<documentType>4</documentType>", "<documentType>4/A</documentType>"),
    "shares with six decimals": lambda x: _first(x, "<value>1393</value>", "<value>1393.123456</value>"),
    "no second street line and no zip": lambda x: re.sub(
        r"<rptOwnerZipCode>[^<]*</rptOwnerZipCode>", "<rptOwnerZipCode></rptOwnerZipCode>",
        re.sub(r"<rptOwnerStreet2>[^<]*</rptOwnerStreet2>", "<rptOwnerStreet2></rptOwnerStreet2>", x, count=1), count=1),
    "a city of two words and a foreign postal code": lambda x: re.sub(
        r"<rptOwnerZipCode>[^<]*</rptOwnerZipCode>", "<rptOwnerZipCode>SW1A 1AA</rptOwnerZipCode>",
        re.sub(r"<rptOwnerCity>[^<]*</rptOwnerCity>", "<rptOwnerCity>SAINT PAUL</rptOwnerCity>", x, count=1), count=1),
}


@pytest.mark.parametrize("variation", sorted(VARIATIONS))
def test_legacy_page_of_a_varied_filing_equals_its_xml(variation, tmp_path):
    """Pages made with xsltproc and EDGAR's legacy Form 4 stylesheet from XML varied where the
    stylesheet prints less than the XML holds: equal where printed, null where not."""
    import shutil
    import subprocess

    if not XSL.is_file() or shutil.which("xsltproc") is None:
        pytest.skip("EDGAR's legacy stylesheet (../shared) or xsltproc is not available")
    xml = VARIATIONS[variation]((XML / f"{BASE_FORM4}.xml").read_text(encoding="utf-8"))
    source = tmp_path / "form4.xml"
    source.write_text(xml, encoding="utf-8")
    page = subprocess.run(["xsltproc", str(XSL), str(source)], check=True, capture_output=True, timeout=60).stdout
    got = reading(_read_as_a_user_would(page.decode("utf-8")))
    assert differences(got, expected(xml, "edgar_legacy")) == []


@pytest.mark.parametrize("variation", sorted(VARIATIONS))
def test_current_page_of_a_varied_filing_equals_its_xml(variation):
    if not XML.is_dir():
        pytest.skip("../shared/corpus is not next to the repository")
    xml = VARIATIONS[variation]((XML / f"{BASE_FORM4}.xml").read_text(encoding="utf-8"))
    got = reading(_read_as_a_user_would(render(xml)))
    assert differences(got, expected(xml, "edgar_current")) == []


def test_an_owner_box_without_a_name_leaves_the_name_null():
    page = (Path(__file__).resolve().parents[2] / "support" / "fixtures" / "html_ownership" / "form3_holdings.html").read_text()
    without = re.sub(r'<a href="[^"]*CIK=0001934567">Okafor Chidi</a>', "", page)
    assert without != page
    owner = html_ownership.read(without)[0].rows["reporting_owners"][0]
    assert (owner["owner_name"], owner["owner_cik"], owner["street1"], owner["city"]) == (
        None, None, "C/O NORTHWIND GRID SYSTEMS CORP.", "AUSTIN")


def test_an_owner_box_with_street_lines_broken_by_br_and_the_city_on_one_line():
    """The same box laid out otherwise: street lines as spans split by <br>, city, state and
    zip on one line. Lines come from the layout, so the address reads the same."""
    page = (Path(__file__).resolve().parents[2] / "support" / "fixtures" / "html_ownership" / "form3_holdings.html").read_text()
    old = ('<table border="0" width="100%"><tr><td><span class="FormData">C/O NORTHWIND GRID SYSTEMS CORP.</span></td>'
           '</tr><tr><td><span class="FormData">4400 RIVERSIDE DRIVE</span></td></tr></table>')
    new = '<span class="FormData">C/O NORTHWIND GRID SYSTEMS CORP.</span><br>\n<span class="FormData">4400 RIVERSIDE DRIVE</span>'
    old_place = ('<table border="0" width="100%"><tr><td width="33%"><span class="FormData">AUSTIN</span></td>'
                 '<td width="33%"><span class="FormData">TX</span></td><td width="33%"><span class="FormData">78746'
                 '</span></td></tr></table>')
    new_place = '<div><span class="FormData">AUSTIN, TX\n78746</span></div>'
    assert old in page and old_place in page
    varied = page.replace(old, new).replace(old_place, new_place)
    owner = html_ownership.read(varied)[0].rows["reporting_owners"][0]
    assert (owner["street1"], owner["street2"], owner["city"], owner["state"], owner["zip"]) == (
        "C/O NORTHWIND GRID SYSTEMS CORP.", "4400 RIVERSIDE DRIVE", "AUSTIN", "TX", "78746")
