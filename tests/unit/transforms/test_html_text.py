"""HTML as text, one rendering for 8-K documents and exhibits: inline elements stay inside
their sentence, blocks and table rows break lines, tables keep one row per line."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from transforms.errors import ParseError
from transforms.html_text import html_text
from transforms.submission import exhibit_text


@pytest.mark.parametrize("inline", [
    '<span style="font-weight:bold">{}</span>', "<font size=2>{}</font>", '<a href="ex99.htm">{}</a>',
    '<ix:nonNumeric name="dei:X" contextRef="c">{}</ix:nonNumeric>', '<div style="display:inline">{}</div>',
    '<div style="DISPLAY: inline-block; width:10pt">{}</div>', "<b><i>{}</i></b>",
    '<div style="display:inline"><div style="display:inline">{}</div></div>',
])
def test_inline_elements_never_break_a_sentence(inline):
    html = f"<html><body><p>The shares sold at ${inline.format('5.22')} per share.</p></body></html>"
    assert html_text(html) == "The shares sold at $5.22 per share."


def test_blocks_and_rows_break_lines():
    html = """<html><head><title>Document</title><style>p {color: red}</style></head><body>
    <p>First paragraph.</p><div>Second <span>block</span>.</div>
    <div style="display:none">hidden</div><span style="display:block">A block span.</span>
    <table><tr><td>Votes for</td><td>1,000</td></tr><tr><td>Against<br>(in person)</td><td>3</td></tr></table>
    <ul><li>one</li><li>two</li></ul><pre>  kept   as
  drawn</pre></body></html>"""
    assert html_text(html) == ("First paragraph.\n\nSecond block.\n\nA block span.\n\n"
                               "Votes for | 1,000\nAgainst | 3\n(in person)\n\none\ntwo\n\n  kept   as\n  drawn")


def test_an_inline_div_does_not_close_the_paragraph_it_sits_in():
    html = '<p>Form <div style="display:inline">8-K</div> filed.</p><p>Next.</p>'
    assert html_text(html) == "Form 8-K filed.\n\nNext."


def test_exhibits_are_rendered_by_the_same_function():
    html = ("<html><body><p>Exhibit 99.1</p><p>Revenue rose to $<div style='display:inline'>12</div> million."
            "</p><table><tr><td>Q1</td><td>12</td></tr></table></body></html>")
    assert exhibit_text(html) == html_text(html) == "Exhibit 99.1\n\nRevenue rose to $12 million.\n\nQ1 | 12"


@given(st.text(alphabet=st.sampled_from(list("ab <>/=\"':;|&#x\n\t\x00divspanstyledisplayinline")), max_size=300))
def test_any_text_gives_text_or_a_parse_error(text):
    try:
        assert isinstance(html_text(text), str)
    except ParseError as exc:
        assert exc.code == "malformed_html"
