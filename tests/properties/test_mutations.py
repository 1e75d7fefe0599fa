"""Property tests: every reader, fed real filings mutated the way files get
damaged (truncated, lines dropped, columns swapped, page headers inserted,
numbers garbled, random bytes), raises nothing but ParseError, finishes
within a time bound, and never produces a row that breaks the schema.

Samples: the shared corpus (whole files and the documents cut out of its
submissions), the seeds, tests/support/fixtures and generated filings, grouped by the
reader that recognises them. The quick profile runs in `make test`; the
`slow` one runs many more examples."""
from __future__ import annotations

import re
import signal
from collections.abc import Callable
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.generated import generate
from conftest import CORPUS, ROOT, SAMPLES
from expectations.derive import FILER_CODE_COLUMNS
from filingflow.schema import FILING_TABLES, TABLES
from transforms import registry
from transforms.decode import decode
from transforms.errors import ParseError

SECONDS_PER_FILE = 10  # generous: the slowest real sample reads in well under 1 s
SAMPLE_CHARS = 200_000  # bigger samples make each example slow without finding more
SAMPLES_PER_READER = 12
_DOCUMENT = re.compile(r"<TEXT>\n?(.*?)</TEXT>", re.S | re.I)
# What the pipeline stamps on every filing before it is written.
_PIPELINE_COLUMNS = {"source_file": "mutated.txt", "source_sha256": "0" * 64, "parser_version": "test",
                     "run_id": "test", "loaded_at": None}


@cache
def samples() -> dict[str, list[str]]:
    """Texts per reader FORMAT, smallest first, a few per reader."""
    texts: list[str] = []
    paths = sorted(SAMPLES.glob("*.txt")) + sorted(p for p in (ROOT / "tests" / "support" / "fixtures").rglob("*") if p.is_file())
    if CORPUS.is_dir():
        paths += sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in ("MANIFEST.tsv", "README.md"))
    for path in paths:
        try:
            text = decode(path.read_bytes()).text
        except ParseError:
            continue
        texts.append(text)
        texts.extend(m.group(1) for m in _DOCUMENT.finditer(text))  # the documents inside submissions
    texts.extend(g.data.decode() for g in generate(6, seed=11, kinds=("ownership_xml", "sgml_submission", "ascii_8k"), huge_every=0))
    found: dict[str, list[str]] = {}
    for text in texts:
        if len(text) > SAMPLE_CHARS:
            continue
        try:
            reader = registry.reader_for(text)
        except ParseError:
            continue
        found.setdefault(reader.FORMAT, []).append(text)
    # Spread over sizes and sources: every k-th of the distinct texts, sorted by length.
    picked = {}
    for fmt, group in found.items():
        group = sorted(set(group), key=lambda t: (len(t), t))
        step = max(1, len(group) // SAMPLES_PER_READER)
        picked[fmt] = group[::step][:SAMPLES_PER_READER]
    return picked


# --- mutations ---------------------------------------------------------------------

_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_PAGE_HEADERS = ("\f", "<PAGE>", "                                                              Page 2 of 3",
                 "FORM 4 (continued)", "Table I - Non-Derivative Securities Acquired, Disposed of, or Beneficially Owned",
                 "-" * 78, "|---|---|---|", "</TABLE>", "<TABLE>", "</ownershipDocument>", "<DOCUMENT>", "</TEXT>")
_GARBLED = ("", "0", "-1", "9" * 45, "1e999", "NaN", "1,2,3", "..", "1.2.3", "$", "(5)", "12O", "\u0661\u0662",
            "99999999999999999999999999999999999999.999999999", "0.0000000001", "1/2", "\u00bd", "--5")
_NOISE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


def _at(data, text: str) -> int:
    return data.draw(st.integers(0, len(text)))


def truncate(data, text: str) -> str:
    return text[:_at(data, text)]


def drop_lines(data, text: str) -> str:
    lines = text.split("\n")
    start = data.draw(st.integers(0, max(0, len(lines) - 1)))
    return "\n".join(lines[:start] + lines[start + data.draw(st.integers(1, 8)):])


def duplicate_lines(data, text: str) -> str:
    lines = text.split("\n")
    start = data.draw(st.integers(0, max(0, len(lines) - 1)))
    span = lines[start:start + data.draw(st.integers(1, 6))]
    return "\n".join(lines[:start] + span + lines[start:])


def swap_lines(data, text: str) -> str:
    lines = text.split("\n")
    i, j = data.draw(st.integers(0, len(lines) - 1)), data.draw(st.integers(0, len(lines) - 1))
    lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


def swap_columns(data, text: str) -> str:
    """Swap two cells of a table row (tab, pipe or wide-space separated)."""
    lines = text.split("\n")
    rows = [i for i, line in enumerate(lines) if "\t" in line or line.count("|") >= 2 or "   " in line.strip()]
    if not rows:
        return text
    i = data.draw(st.sampled_from(rows))
    sep = "\t" if "\t" in lines[i] else "|" if lines[i].count("|") >= 2 else "   "
    cells = lines[i].split(sep)
    a, b = data.draw(st.integers(0, len(cells) - 1)), data.draw(st.integers(0, len(cells) - 1))
    cells[a], cells[b] = cells[b], cells[a]
    lines[i] = sep.join(cells)
    return "\n".join(lines)


def insert_page_header(data, text: str) -> str:
    lines = text.split("\n")
    at = data.draw(st.integers(0, len(lines)))
    return "\n".join(lines[:at] + [data.draw(st.sampled_from(_PAGE_HEADERS))] + lines[at:])


def garble_number(data, text: str) -> str:
    numbers = list(_NUMBER.finditer(text))
    if not numbers:
        return text
    m = data.draw(st.sampled_from(numbers))
    return text[:m.start()] + data.draw(st.sampled_from(_GARBLED)) + text[m.end():]


def random_text(data, text: str) -> str:
    at = _at(data, text)
    cut = data.draw(st.integers(0, 20))
    return text[:at] + data.draw(_NOISE) + text[at + cut:]


def random_bytes(data, text: str) -> str:
    """Bytes, not characters: what decode makes of a damaged byte stream goes to the reader."""
    raw = text.encode("utf-8")
    at = data.draw(st.integers(0, len(raw)))
    damaged = raw[:at] + data.draw(st.binary(max_size=24)) + raw[at + data.draw(st.integers(0, 16)):]
    return decode(damaged).text


MUTATIONS: tuple[Callable, ...] = (truncate, drop_lines, duplicate_lines, swap_lines, swap_columns, insert_page_header,
                                   garble_number, random_text, random_bytes)


# --- checks ------------------------------------------------------------------------

class _TooSlow(Exception):
    pass


def _alarm(signum, frame):
    raise _TooSlow(f"a reader took more than {SECONDS_PER_FILE} s on one file")


def _read_bounded(text: str):
    """The text read as the pipeline reads it (sniff, reader, checks), under a time bound."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, SECONDS_PER_FILE)
    try:
        return registry.read_text(text)[1]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_rows(filings) -> None:
    """Every row converts to its Arrow schema, has its required columns, its codes
    in their sets (error-severity ones) and a key unique within the filing."""
    for parsed in filings:
        tables = {"filings": [{**parsed.filing, **{k: v for k, v in _PIPELINE_COLUMNS.items() if k != "loaded_at"}}]}
        tables.update(parsed.rows)
        for name, rows in tables.items():
            assert name in FILING_TABLES, name
            table = TABLES[name]
            data = table.to_arrow(rows)  # raises on a value of the wrong type
            for column in table.columns:
                if column.name in _PIPELINE_COLUMNS:
                    continue
                values = data[column.name]
                if not column.nullable:
                    assert values.null_count == 0, f"{name}.{column.name} is null"
                if column.allowed and column.name not in FILER_CODE_COLUMNS:
                    bad = set(values.drop_null().to_pylist()) - set(column.allowed)
                    assert not bad, f"{name}.{column.name} holds {bad}"
            if name != "filings":
                keys = [tuple(r.get(k) for k in table.primary_key) for r in rows]
                assert len(keys) == len(set(keys)), f"{name}: duplicate keys"


def _property(fmt: str, data) -> None:
    text = data.draw(st.sampled_from(samples()[fmt]))
    for mutation in data.draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=4)):
        try:
            text = mutation(data, text)
        except ParseError:
            return  # the damaged bytes are not text at all: decode's refusal is the outcome
    try:
        filings = _read_bounded(text)
    except ParseError as exc:
        assert exc.code and exc.detail and exc.stage
        return
    check_rows(filings)


FORMATS = [r.FORMAT for r in registry.READERS]
_COMMON = dict(derandomize=True, database=None, deadline=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])


def test_every_reader_has_real_samples():
    found = samples()
    assert set(found) == set(FORMATS)
    assert all(found[fmt] for fmt in FORMATS)


@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=40, **_COMMON)
@given(data=st.data())
def test_mutated_filings_raise_only_parse_errors(fmt, data):
    _property(fmt, data)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
@settings(max_examples=600, **_COMMON)
@given(data=st.data())
def test_mutated_filings_raise_only_parse_errors_long(fmt, data):
    _property(fmt, data)


# --- what the property tests found, kept as plain examples ------------------------

def test_a_number_too_long_for_the_schema_refuses_the_file():
    # 45 digits in a share cell of a text rendering used to reach the Parquet write and fail the whole chunk.
    text = (ROOT / "tests" / "support" / "fixtures" / "ownership_text_form4_box_wrapped.txt").read_text()
    assert "│ 2,000   │" in text
    with pytest.raises(ParseError) as info:
        registry.read_text(text.replace("│ 2,000   │", "│ " + "9" * 45 + " │", 1))
    assert info.value.code == "invalid_value"
    assert "nonderiv_transactions row 0, shares: 999999999999" in info.value.detail


def test_a_control_character_in_an_html_form_is_read_around():
    # lxml refused to set the text around a <br> holding \x01 and raised ValueError.
    path = ROOT / "tests" / "support" / "fixtures" / "html_ownership" / "form4_two_owners.html"
    text = path.read_text()
    after_br = text.index(">", text.index("<br")) + 1
    damaged = text[:after_br] + "\x01" + text[after_br:]
    (read,), (clean,) = registry.read_text(damaged)[1], registry.read_text(text)[1]
    without_ids = [{name: [{k: v for k, v in row.items() if k != "filing_id"} for row in rows]
                    for name, rows in f.rows.items()} for f in (read, clean)]
    assert without_ids[0] == without_ids[1] and len(clean.rows["nonderiv_transactions"]) > 0
