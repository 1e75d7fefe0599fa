"""Form 3/4/5 readers (text renderings, pre-2003 ASCII, ownership XML) and the SGML / .nc
submission reader take time linear in line length: long runs of spaces, tabs, pipes, rules
and digits inside a real filing (cover, header, table rows, owners, signatures) cost about 8x
more at 8x the length, never the 64x or 512x of a backtracking pattern.

Measured as a ratio within one run, so the machine's speed does not matter."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from transforms import legacy_ownership, ownership_text, ownership_xml, registry, submission
from transforms.errors import ParseError

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "support" / "fixtures"
SHARED_RENDERINGS = ROOT.parent / "shared" / "renderings"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
SMALL, FACTOR = 2_500, 8
# Linear is ~8x; allow noise and fixed costs, far below quadratic (64x) or cubic (512x).
MAX_RATIO = 20
RUNS = ("    ", "\t\t", " | ", "||", "--", "\u2500\u2500", "__", "==", "12", "1,", "$ ", "(1", " X", ". ")

CASES = [
    ("seed markdown", ownership_text, ROOT / "data" / "samples" / "000_42928c94e3084e24.txt"),
    ("box drawing", ownership_text, FIXTURES / "ownership_text_form4_box_wrapped.txt"),
    ("tab separated", ownership_text, FIXTURES / "ownership_text_form3.txt"),
    ("flowed pdf text", ownership_text, FIXTURES / "ownership_text_form4_flowed.md"),
    ("legacy form 3", legacy_ownership, FIXTURES / "legacy_ownership" / "form3_holdings.txt"),
    ("legacy form 4/A", legacy_ownership, FIXTURES / "legacy_ownership" / "form4a_amendment.txt"),
    ("ownership xml", ownership_xml, FIXTURES / "ownership_xml" / "4A_amendment_handmade.xml"),
]


class _SubmissionReader:
    """The submission reader as a run calls it: with the registry's dispatcher for its documents."""

    @staticmethod
    def read(text: str):
        return submission.read(text, registry.reader_for)


for name in ("3_0001700264-20-000020_edgar2data.txt", "4_0001562180-25-000280_edgartools.nc"):
    if (SHARED_CORPUS / "full_submission" / name).is_file():
        CASES.append((name.rsplit(".", 1)[1] + " submission", _SubmissionReader, SHARED_CORPUS / "full_submission" / name))
# Renderings made by real tools, when the shared folder is there.
for converter in ("w3m", "pdftotext-layout", "html2text", "markitdown-html", "pymupdf4llm-pdf", "markitdown-pdf"):
    folder = SHARED_RENDERINGS / converter
    if folder.is_dir():
        CASES.append((converter, ownership_text, min(p for p in folder.iterdir() if p.name.startswith("4_"))))


def _read_time(reader, text: str) -> float:
    best = float("inf")
    for _ in range(2):
        start = time.process_time()
        try:
            reader.read(text)
        except ParseError:
            pass
        best = min(best, time.process_time() - start)
    return best


def _variants(text: str, lines_to_try: int = 12):
    """The text with one run inserted in the middle of a line, for lines spread over the form."""
    lines = text.split("\n")
    step = max(1, len(lines) // lines_to_try)
    for at in range(0, len(lines), step):
        line = lines[at]
        mid = len(line) // 2
        yield at, lambda pad, at=at, line=line, mid=mid: "\n".join(
            lines[:at] + [line[:mid] + pad + line[mid:]] + lines[at + 1:])


@pytest.mark.slow
@pytest.mark.parametrize("name, reader, path", CASES, ids=[c[0] for c in CASES])
def test_reading_time_grows_linearly_with_line_length(name, reader, path):
    text = path.read_text(encoding="utf-8", errors="replace")
    slow = []
    for at, make in _variants(text):
        for run in RUNS:
            small = _read_time(reader, make(run * (SMALL // len(run))))
            large = _read_time(reader, make(run * (SMALL * FACTOR // len(run))))
            # 5 ms of slack: below it, timer noise decides the ratio.
            if large > MAX_RATIO * small + 0.005:
                slow.append(f"line {at + 1}, run {run!r}: {small * 1000:.1f} ms -> {large * 1000:.1f} ms")
    assert not slow, f"{name}: reading time grows faster than the line:\n" + "\n".join(slow[:10])
