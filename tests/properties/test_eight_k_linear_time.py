"""Both 8-K readers (and the HTML-to-text rendering under html_8k) take time linear in the
length of hostile lines: long runs of spaces, pipes, rules, digits and signature marks, put in
the cover, an item, the signature block and the exhibit index. Measured as a ratio of CPU
time within one run (lines 8 times longer must cost about 8 times more, far from 64)."""
from __future__ import annotations

import time

import pytest

from transforms import ascii_8k, html_8k
from transforms.errors import ParseError

RUNS = {"spaces": " ", "tabs": "\t", "pipes": "|", "spaced-pipes": " | ", "dashes": "-", "equals": "=",
        "underscores": "_", "dots": ".", "digits": "1", "spaced-digits": "9 ", "file-numbers": "1-",
        "signatures": "/s/ ", "by": "By: ", "parentheses": "(", "items": "Item 1 ", "zips": "12345 ",
        "dates": "1/1/", "entities": "&#160;"}
N = 4_000
SCALE = 8
# Linear code costs about SCALE times more; a quadratic one SCALE**2 = 64 times.
MAX_RATIO = 24

ASCII_COVER = """
                                    FORM 8-K
                                 CURRENT REPORT
     Pursuant to Section 13 or 15(d) of the Securities Exchange Act of 1934

    Date of Report (Date of earliest event reported):  January 19, 2000

                              EXAMPLE WIDGETS INC.
            (Exact name of registrant as specified in its charter)

        Delaware                   1-3950                 38-0549190
(State or other jurisdiction     (Commission File       (IRS Employer
    of incorporation)                Number)          Identification No.)
{hostile}
   One Main Street, Dearborn, Michigan                   48126
   (Address of principal executive offices)            (Zip Code)

   Registrant's telephone number, including area code  313-322-3000
{hostile}
Item 5.  Other Events.

         Results were announced.
{hostile}
Item 7.  Financial Statements and Exhibits.

99.1 {hostile}

                                   SIGNATURE

     Pursuant to the requirements of the Securities Exchange Act of 1934, the
registrant has duly caused this report to be signed on its behalf.
{hostile}
Date: January 20, 2000                   By: /s/ Jane Roe {hostile}
                                             Secretary
{hostile}
EXHIBIT INDEX
99.1 {hostile}
"""

HTML_COVER = """<html><body><p>FORM 8-K</p><p>CURRENT REPORT</p>
<p>Date of Report (Date of earliest event reported): March 3, 2024</p>
<p>EXAMPLE WIDGETS INC.</p><p>(Exact name of registrant as specified in its charter)</p>
<table><tr><td>Delaware</td><td>1-3950</td><td>38-0549190</td></tr>
<tr><td>(State or other jurisdiction of incorporation)</td><td>(Commission File Number)</td>
<td>(IRS Employer Identification No.)</td></tr><tr><td>{hostile}</td><td>{hostile}</td></tr></table>
<p>One Main Street, Dearborn, Michigan 48126</p><p>(Address of principal executive offices) (Zip Code)</p>
<p>(313) 322-3000</p><p>(Registrant's telephone number, including area code)</p>
<table><tr><td>Title of each class</td><td>Trading Symbol(s)</td><td>Name of each exchange on which registered</td></tr>
<tr><td>{hostile}</td><td>{hostile}</td><td>{hostile}</td></tr></table>
<p>Item 8.01 Other Events.</p><p>Shares at $<div style="display:inline">{hostile}</div> each.</p><p>{hostile}</p>
<p>Item 9.01 Financial Statements and Exhibits.</p><table><tr><td>99.1</td><td>{hostile}</td></tr></table>
<p>SIGNATURES</p><p>Pursuant to the requirements of the Securities Exchange Act of 1934, the registrant has duly
caused this report to be signed.</p><p>{hostile}</p>
<table><tr><td>Date: March 4, 2024</td><td>By: /s/ Jane Roe {hostile}</td></tr><tr><td></td><td>Title: {hostile}</td></tr></table>
<p>EXHIBIT INDEX</p><p>99.1 {hostile}</p></body></html>"""


def _cpu_seconds(read, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        try:
            read(text)
        except ParseError:
            pass  # a refusal is an answer too: only its cost matters here
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("reader, template", [(ascii_8k, ASCII_COVER), (html_8k, HTML_COVER)], ids=["ascii", "html"])
@pytest.mark.parametrize("unit", list(RUNS.values()), ids=list(RUNS))
def test_reader_time_is_linear_in_hostile_line_length(reader, template, unit):
    def document(length: int) -> str:
        # between words: a run at the end of a line would be stripped before any pattern sees it
        hostile = "Note " + unit * (length // len(unit)) + " end"
        if reader is html_8k:
            hostile = hostile.replace("<", "&lt;")
        return template.replace("{hostile}", hostile)

    small = _cpu_seconds(reader.read, document(N))
    large = _cpu_seconds(reader.read, document(SCALE * N))
    assert large / max(small, 1e-3) < MAX_RATIO, (small, large)
