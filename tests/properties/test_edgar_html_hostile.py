"""EDGAR's HTML page of a Form 3/4/5, cut off, of another form, or hostile: a page cut off
inside the form is `truncated`; a page of another form is never read as a Form 3/4/5; huge
attributes and deeply nested markup leave the reading unchanged, or are refused as
`file_too_large`, never a hang or a crash; mutated pages raise only ParseError."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filingflow.schema import TABLES
from tests.support.edgar_current_page import render
from transforms import html_ownership, registry
from transforms.errors import ParseError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "support" / "fixtures" / "html_ownership"
SHARED = ROOT.parent / "shared"
PAGES = SHARED / "renderings" / "html"
XML = SHARED / "corpus" / "ownership_xml"
# Pages made by both styles, in this repository (hand-made after EDGAR's current page) and, when
# ../shared is there, EDGAR's legacy pages and current-style pages of corpus XML.
SAMPLE = ("4_0000950123-20-007937_edgar2data_extracted", "3_0001209191-20-043551_edgar2data_extracted",
          "4_0001062993-20-000814_edgar2data_extracted")


def _pages() -> list[str]:
    pages = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.html"))]
    if PAGES.is_dir() and XML.is_dir():
        for name in SAMPLE:
            pages.append((PAGES / f"{name}.html").read_text(encoding="utf-8"))
            pages.append(render((XML / f"{name}.xml").read_text(encoding="utf-8")))
    return pages


PAGE_TEXTS = _pages()


def _code(text: str) -> str | None:
    try:
        html_ownership.read(text)
    except ParseError as e:
        return e.code
    return None


def _form_span(page: str) -> tuple[int, int]:
    """From just after the Table I heading (the page is known as a Form 3/4/5 page from there)
    to the end of the form's body."""
    start = page.index("Table I - Non-Derivative") + len("Table I - Non-Derivative")
    return start, page.rindex("</body>")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, 10_000), where=st.floats(0, 1, exclude_max=True))
def test_a_page_cut_off_inside_the_form_is_truncated(which, where):
    page = PAGE_TEXTS[which % len(PAGE_TEXTS)]
    start, end = _form_span(page)
    assert _code(page[:start + int((end - start) * where)]) == "truncated"


@pytest.mark.parametrize("index", range(len(PAGE_TEXTS)))
def test_a_page_cut_off_before_table_i_is_not_taken_for_a_form(index):
    page = PAGE_TEXTS[index]
    assert _code(page[:page.index("Table I - Non-Derivative") - 40]) == "unrecognized_format"


_OTHER_FORM = """<html><head><title>SEC FORM 144</title></head><body>
<table border="1"><tr><td class="FormName">FORM 144</td><td class="FormTitle">UNITED STATES SECURITIES AND EXCHANGE
COMMISSION<br>NOTICE OF PROPOSED SALE OF SECURITIES PURSUANT TO RULE 144</td></tr></table>
<table border="1"><tr><th>Title of the Class of Securities To Be Sold</th><th>Number of Shares</th></tr>
<tr><td><span class="FormData">Common Stock</span></td><td><span class="FormData">5,000</span></td></tr></table>
</body></html>"""

_ARTICLE = """<html><body><h1>Insider filings explained</h1>
<p>Form 4, the Statement of Changes in Beneficial Ownership, has two tables.</p>
<p>Table I - Non-Derivative Securities Acquired, Disposed of, or Beneficially Owned lists shares;
Table II - Derivative Securities Acquired, Disposed of, or Beneficially Owned lists options.</p>
<table><tr><td>Code</td><td>Meaning</td></tr><tr><td>S</td><td>Open market sale</td></tr></table>
</body></html>"""


def test_a_page_of_another_form_is_not_read_as_a_form_4():
    assert not html_ownership.sniff(_OTHER_FORM)
    assert _code(_OTHER_FORM) == "unrecognized_format"
    with pytest.raises(ParseError) as info:
        registry.read_bytes(_OTHER_FORM.encode())
    assert info.value.code == "unrecognized_format"
    # Words of the form in prose, without the form's tables: no rows are made up from them.
    assert _code(_ARTICLE) == "missing_table"


def test_eight_k_pages_are_left_to_their_reader():
    if not (SHARED / "corpus" / "8k").is_dir():
        pytest.skip("../shared/corpus is not next to the repository")
    pages = sorted((SHARED / "corpus" / "8k").glob("*.htm*"))
    assert pages
    for path in pages:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert not html_ownership.sniff(text), path
        assert registry.reader_for(text) is not html_ownership, path


def _same_reading(page: str, hostile: str) -> None:
    one, other = html_ownership.read(page)[0], html_ownership.read(hostile)[0]
    for key in ("filing_id", "content_id"):  # hashes of the text, which differs
        one.filing.pop(key), other.filing.pop(key)
    assert other.filing == one.filing
    assert other.rows == one.rows


@pytest.mark.parametrize("where", ["table cell", "after the form"])
def test_a_huge_attribute_changes_nothing(where):
    page = PAGE_TEXTS[0]
    huge = "x" * 3_000_000
    if where == "table cell":
        at = page.index("<td", page.index("Table I - Non-Derivative"))
        hostile = page[:at] + f'<td title="{huge}"' + page[at + 3:]
    else:
        hostile = page.replace("</body>", f'<p class="{huge}" id="{huge[:500_000]}">note</p></body>', 1)
    _same_reading(page, hostile)


def test_a_huge_attribute_before_the_form_leaves_it_unrecognised():
    """Sniffing looks at the first 200,000 characters only: a page padded beyond them before its
    title is refused unread, not searched to its end."""
    page = PAGE_TEXTS[0]
    assert _code(page.replace("<td", f'<td title="{"x" * 3_000_000}"', 1)) == "unrecognized_format"


@pytest.mark.parametrize("tag", ["div", "span", "table", "td", "font"])
def test_deeply_nested_markup_changes_nothing(tag):
    """Markup nested far deeper than any page (the HTML parser stops nesting at its depth
    limit) after the form, or chains of elements up to the element cap: the form reads as
    without them."""
    page = PAGE_TEXTS[0]
    opening, closing = (f"<{tag}>", f"</{tag}>") if tag not in ("table", "td") else (
        "<table><tr><td>", "</td></tr></table>")
    deep = opening * 20_000 + "1. Name and Address of Reporting Person" + closing * 20_000
    _same_reading(page, page.replace("</body>", deep + "</body>", 1))
    chains = (opening * 200 + "Remarks: x" + closing * 200) * 150
    _same_reading(page, page.replace("</body>", chains + "</body>", 1))


def test_more_elements_than_any_page_is_too_large():
    page = PAGE_TEXTS[0]
    assert _code(page.replace("</body>", "<b></b>" * 300_000 + "</body>", 1)) == "file_too_large"


@st.composite
def mutated(draw):
    text = PAGE_TEXTS[draw(st.integers(0, len(PAGE_TEXTS) - 1))]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["drop", "garble", "duplicate"]))
        at = draw(st.integers(0, len(text)))
        if op == "drop":
            text = text[:at] + text[at + draw(st.integers(1, 2000)):]
        elif op == "garble":
            junk = draw(st.sampled_from(["<", ">", "</table>", "<tr>", "<td>", "</td>", "<br>", "$", "(", "(7)", "X",
                                         "9,9,9", "02/30/2020", "&amp;", "&#0;", "\x00", "<sup>(1)</sup>",
                                         'colspan="x"', 'rowspan="999999"', 'colspan="99999"', "Table II - Derivative",
                                         "1. Name and Address of Reporting Person", "Remarks:", "__X__ Director",
                                         "** Signature of Reporting Person", "<h2>Reporting Owners</h2>"]))
            text = text[:at] + junk + text[at:]
        else:
            text = text[:at] + text[at:at + draw(st.integers(1, 3000))] + text[at:]
    return text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_pages_raise_only_parse_errors(text):
    try:
        filings = html_ownership.read(text)
    except ParseError:
        return
    for parsed in filings:
        for table, rows in parsed.rows.items():
            TABLES[table].to_arrow(rows)
