"""One filing however many files carry it: a submission and the XML cut out of it, an XML with its
EDGAR HTML page and a text rendering of that page, two different texts of one 8-K. The most exact
copy is loaded (XML or submission over HTML over text), the others are counted as duplicates naming
it, filing_sources lists every file, and no trade or event is stored twice."""
from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import CORPUS
from filingflow.accounting import filing_key
from flows.pipeline import RunSettings, nightly
from tests.support.handmade import eight_k_text
from tests.support.pipeline_runs import rows
from transforms.errors import ParseError
from transforms.registry import read_bytes

pytestmark = pytest.mark.usefixtures("prefect_api")
RENDERINGS = CORPUS.parent / "renderings"


def settings_for(root: Path, inputs: Path) -> RunSettings:
    return RunSettings(inputs=[inputs], warehouse=root / "wh.duckdb", lake=root / "lake", dq_dir=None)


def test_two_texts_of_one_8k_are_one_filing_with_a_warning(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    name, day = "XYZ WIDGETS CORPORATION", dt.date(2010, 1, 4)
    (inputs / "a.txt").write_text(eight_k_text(name, day, [("8.01", "Other Events", "The company opened a plant.")]))
    (inputs / "b.txt").write_text(eight_k_text(name, day, [("8.01", "Other Events", "The Company opened a new plant "
                                                                                   "in Ohio.")]))
    summary = nightly(settings_for(tmp_path, inputs))
    a, b = str(inputs / "a.txt"), str(inputs / "b.txt")
    assert (summary.files_loaded, summary.files_duplicate, summary.filings_loaded) == (1, 1, 1)
    assert len(summary.warnings) == 1 and a in summary.warnings[0] and b in summary.warnings[0]
    assert summary.duplicates == [(b, summary.duplicates[0][1])] and "(its text differs)" in summary.duplicates[0][1]
    db = tmp_path / "wh.duckdb"
    assert rows(db, "SELECT count(*) FROM company_events") == [(1,)]
    assert rows(db, "SELECT source_file, source_format, used FROM filing_sources ORDER BY 1") == [
        (a, "ascii_8k", True), (b, "ascii_8k", False)]
    assert rows(db, "SELECT source_file, status FROM ingest_ledger ORDER BY 1") == [(a, "loaded"), (b, "duplicate")]


def _samefiling_groups() -> dict[str, list[str]]:
    groups = defaultdict(list)
    with open(CORPUS / "MANIFEST.tsv") as manifest:
        for row in csv.DictReader(manifest, delimiter="\t"):
            for note in (row.get("note") or "").split(";"):
                if note.strip().startswith("samefiling:"):
                    groups[note.strip().split(":", 1)[1]].append(row["local_file"])
    return groups


def test_a_submission_and_its_xml_are_one_filing(corpus, tmp_path):
    groups = {g: files for g, files in _samefiling_groups().items()
              if len(files) == 2 and any(f.endswith(".xml") for f in files) and g.count("-") == 2}
    assert len(groups) >= 10
    inputs = tmp_path / "in"
    inputs.mkdir()
    chosen = sorted(groups.items())[:10]
    for accession, files in chosen:
        for number, relative in enumerate(files):
            shutil.copy(corpus / relative, inputs / f"{accession}.{number}{Path(relative).suffix}")
    summary = nightly(settings_for(tmp_path, inputs))
    assert (summary.files_loaded, summary.files_duplicate, summary.filings_loaded) == (10, 10, 10)
    db = tmp_path / "wh.duckdb"
    assert sorted(r[0] for r in rows(db, "SELECT filing_id FROM filings")) == [a for a, _ in chosen]
    assert rows(db, "SELECT source_format, used, count(*) FROM filing_sources GROUP BY ALL ORDER BY 1") == [
        ("ownership_xml", False, 10), ("sgml_submission", True, 10)]


def _key(path: Path) -> str | None:
    try:
        filings = read_bytes(path.read_bytes(), 1 << 26)[1]
    except ParseError:
        return None
    return filing_key(filings[0].filing, filings[0].rows) if len(filings) == 1 else None


def test_an_xml_its_edgar_page_and_a_text_rendering_are_one_filing(corpus, tmp_path):
    """The renderings this tree's readers read as their XML says (the HTML and text readers grow;
    the key itself is tested in tests/unit/filingflow/test_accounting.py): each XML with its page
    and text loads as one filing from the XML, which arrives last and replaces them."""
    triples = []
    for xml in sorted((corpus / "ownership_xml").glob("4_*.xml")):
        page, text = RENDERINGS / "html" / f"{xml.stem}.html", RENDERINGS / "w3m" / f"{xml.stem}.txt"
        copies = [p for p in (page, text) if p.exists() and _key(p) is not None and _key(p) == _key(xml)]
        if copies:
            triples.append((xml, copies))
        if len(triples) == 5:
            break
    if not triples:
        pytest.skip("no EDGAR page or text rendering of the corpus is read by this tree's readers as its XML says")
    inputs = tmp_path / "in"
    inputs.mkdir()
    for xml, copies in triples:  # the renderings first: the XML comes in a later run and replaces them
        for copy in copies:
            shutil.copy(copy, inputs / copy.name.replace(".", f".{copy.parent.name}.", 1))
    settings = settings_for(tmp_path, inputs)
    first = nightly(settings)
    assert first.filings_loaded == len(triples)
    for xml, _ in triples:
        shutil.copy(xml, inputs / xml.name)
    second = nightly(settings)
    assert second.filings_loaded == len(triples)
    db = tmp_path / "wh.duckdb"
    assert rows(db, "SELECT source_format, count(*) FROM filings GROUP BY 1") == [("ownership_xml", len(triples))]
    assert rows(db, "SELECT count(DISTINCT filing_id), count(*) FILTER (WHERE used) FROM filing_sources") == [
        (len(triples), len(triples))]
    statuses = dict(rows(db, "SELECT status, count(*) FROM ingest_ledger GROUP BY 1"))
    assert statuses == {"loaded": len(triples), "duplicate": sum(len(c) for _, c in triples)}
