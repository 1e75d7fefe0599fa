"""Data Docs built run after run into one folder: each run renders its results' pages and the index,
and a suite's page only when the suite changed; the folder reads as a fresh build of the run would."""
from __future__ import annotations

import json
import re

from conftest import SEED_8K, SEED_FORM4
from expectations import runner
from expectations.offline_docs import VENDOR, remote_assets
from expectations.runner import SUITE_PAGES_STAMP, RunChecker, suite_page
from filingflow.schema import TABLES
from tests.support.validation_runs import read_rows

# What differs between two builds of the same results: times (of the build in the logo's address, of
# the results, their sort keys, a result's folder names) and the random ids of collapsible blocks.
_VOLATILE = re.compile(r"\d{8}T\d{6}(?:\.\d+)?Z|\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?: UTC|[+-]\d\d:\d\d)?"
                    r"|'_run_time_sort': [\d.]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _tables():
    return {name: TABLES[name].to_arrow(rows) for name, rows in read_rows(SEED_FORM4, SEED_8K).items()}


def _build(docs, run_id: str) -> None:
    checker = RunChecker(run_id, docs)
    checker.check(_tables())
    assert checker.finish().docs_index == docs / "index.html"


def _pages(docs) -> dict[str, str]:
    """Every page but the vendored assets, by path, the build's times blanked."""
    return {_VOLATILE.sub("~", p.relative_to(docs).as_posix()): _VOLATILE.sub("~", p.read_text(encoding="utf-8"))
            for p in sorted(docs.rglob("*.html")) if not p.is_relative_to(docs / VENDOR)}


def test_a_second_run_reads_as_a_fresh_build_of_it(tmp_path):
    docs, fresh = tmp_path / "docs", tmp_path / "fresh"
    _build(docs, "run-one")
    suite_pages = {p: p.stat().st_mtime_ns for p in (docs / "expectations").rglob("*.html")}
    assert len(suite_pages) == len(runner.load_suite_files())
    _build(docs, "run-two")
    _build(fresh, "run-two")
    assert {p: p.stat().st_mtime_ns for p in suite_pages} == suite_pages, "unchanged suites are not rendered again"
    assert _pages(docs) == _pages(fresh)
    assert "run-one" not in (docs / "index.html").read_text()
    for path, text in _pages(docs).items():
        assert remote_assets(text) == [], path


def test_a_changed_suite_has_its_page_rendered_again(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    _build(docs, "run-one")
    specs = runner.load_suite_files()
    changed = next(s for s in specs if s["name"] == "filings.basic")
    changed["expectations"] = changed["expectations"][:1]  # the key check alone
    others = {p: p.stat().st_mtime_ns for p in (docs / "expectations").rglob("*.html")
              if p != suite_page(docs, "filings.basic")}
    monkeypatch.setattr(runner, "load_suite_files", lambda: specs)
    _build(docs, "run-two")
    page = suite_page(docs, "filings.basic").read_text(encoding="utf-8")
    assert "must never be null" not in page and "values must be unique" in page
    assert {p: p.stat().st_mtime_ns for p in others} == others
    stamp = json.loads((docs / SUITE_PAGES_STAMP).read_text())
    assert set(stamp) == {s["name"] for s in specs}


def test_a_missing_suite_page_or_stamp_is_rendered_again(tmp_path):
    docs = tmp_path / "docs"
    _build(docs, "run-one")
    full = _pages(docs)
    suite_page(docs, "reporting_owners.basic").unlink()
    (docs / SUITE_PAGES_STAMP).write_text("not json")
    _build(docs, "run-one")
    assert _pages(docs) == full
    assert json.loads((docs / SUITE_PAGES_STAMP).read_text()).keys() == {s["name"] for s in runner.load_suite_files()}
