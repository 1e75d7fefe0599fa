"""Set checks (not null, unique, in set, non-negative) evaluated as SQL give the dq_results and dq_flags
rows the expectations gave when every suite ran on pandas: goldens captured from the pandas runner
(set_check_goldens.py) over the samples, rows built to fail every kind of set check, and the corpus."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from expectations.runner import Frames, RunChecker
from tests.support.set_check_goldens import (
    GOLDEN,
    MANY,
    arrow_tables,
    batches,
    corpus_paths,
    fingerprint,
    load_dataset,
    outcome,
    read_files,
)


@pytest.fixture(scope="module")
def golden() -> dict:
    return json.loads(GOLDEN.read_text())


@pytest.fixture(scope="module")
def hostile_outcome() -> dict:
    return outcome(batches(load_dataset("hostile")))


def rows_equal(found: dict, expected: dict) -> None:
    """Equal rows, with the first difference shown when not."""
    for part in ("dq_results", "dq_flags"):
        rows = json.loads(json.dumps(found[part], default=str))
        missing = [r for r in expected[part] if r not in rows]
        extra = [r for r in rows if r not in expected[part]]
        assert not missing and not extra, f"{part}: {len(missing)} missing, e.g. {missing[:2]}; {len(extra)} extra, e.g. {extra[:2]}"
        assert rows == expected[part]


def test_samples_give_the_golden_rows(golden):
    rows_equal(outcome([load_dataset("samples")]), golden["samples"])


def test_rows_failing_every_set_check_give_the_golden_rows(golden, hostile_outcome):
    rows_equal(hostile_outcome, golden["hostile"])


def test_every_failing_row_is_flagged_beyond_what_gx_returns(hostile_outcome):
    """GX returns at most 200 failing rows of an SQL expectation: dq_flags still holds every one."""
    flags = Counter((f[1], f[2]) for f in hostile_outcome["dq_flags"])
    codes = [r for r in hostile_outcome["dq_results"]
             if r[1] == "nonderiv_transactions.basic" and r[4] == "transaction_code"]
    assert [(r[6], r[8]) for r in codes] == [(False, MANY + 1)]
    # The MANY bad codes and "ZZ" (a null code is not checked), then the one bad A/D and the one bad D/I.
    assert flags[("expect_column_values_to_be_in_set", "nonderiv_transactions")] == (MANY + 1) + 2
    negatives = [r for r in hostile_outcome["dq_results"] if r[1] == "ownership_plausibility_table_i" and r[4] == "shares"]
    assert [(r[6], r[8]) for r in negatives] == [(False, 78)]


@pytest.mark.slow
def test_corpus_gives_the_golden_rows(golden, corpus):
    tables = arrow_tables(read_files(*corpus_paths(corpus)))
    if fingerprint(tables) != golden["corpus"]["fingerprint"]:
        pytest.skip("the readers' corpus rows changed since the golden was captured "
                    "(PYTHONPATH=. python tests/support/set_check_goldens.py rewrites it)")
    rows_equal(outcome([tables]), golden["corpus"])


def test_data_docs_show_the_set_checks_with_the_rules_of_their_suite(tmp_path):
    checker = RunChecker("docs", tmp_path)
    for tables in batches(load_dataset("hostile")):
        checker.check(tables)
    assert checker.finish().docs_index == tmp_path / "index.html"
    [filings] = (tmp_path / "validations" / "filings" / "basic" / "docs").glob("*/*.html")
    # Evaluated on DuckDB (the batch of the SQL query asset), rendered as the standard expectations.
    assert filings.name == "filingflow_sql-filings.html"
    page = filings.read_text()
    assert page.count("values must be unique") == 1 and page.count("must never be null") == 10
    assert page.count("unexpected values found") == 3  # filing_id twice, form_type null, source_format
    # One page per suite and batch: the SQL half and the pandas half of a suite side by side.
    [table_i] = (tmp_path / "validations" / "ownership_plausibility_table_i" / "docs").glob("*/*.html")
    page = table_i.read_text()
    assert page.count("expect_column_values_to_be_non_negative") == 3
    assert "expect_transaction_date_not_after_filed_date" in page and "Evaluated Expectations" in page


def test_set_checks_build_no_pandas_frame_of_a_filing_table(monkeypatch):
    """The basic suites (all set checks) turn no filing table into pandas; the rules' frames still are."""
    built = []
    getitem = Frames.__getitem__

    def spy(self, name):
        built.append(name)
        return getitem(self, name)

    monkeypatch.setattr(Frames, "__getitem__", spy)
    outcome([load_dataset("samples")])
    # footnote_refs only as a part of footnote_links, which the footnote rule reads; filing_companies
    # for the rule comparing an 8-K's cover with its SEC header.
    assert set(built) == {"table_i", "table_ii", "ownership_pairs", "footnote_refs", "footnote_links",
                          "filing_structure", "filing_rows", "eight_k_item_sources", "prior_positions",
                          "filing_companies"}


def test_set_check_gx_cannot_evaluate_fails_without_flags(monkeypatch):
    """A set check on a column the table lacks fails with GX's reason in its detail; the run goes on."""
    from expectations import runner

    suites = runner.load_suite_files()
    broken = {"name": "filings.broken", "meta": {"frame": "filings"}, "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "no_such_column"}}]}
    monkeypatch.setattr(runner, "load_suite_files", lambda: [*suites, broken])
    found = outcome([load_dataset("samples")])
    [row] = [r for r in found["dq_results"] if r[1] == "filings.broken"]
    assert row[6] is False and row[8] == 0
    assert "no_such_column" in row[9]
    assert found["dq_flags"] == []


def test_failing_rows_looked_up_only_where_gx_counted_some(monkeypatch, hostile_outcome):
    """DuckDB is asked for the failing rows of a set check only when GX counted some, and always for a
    compound key (GX's SQL count misses keys with a null part that pandas counts as duplicates); the
    rows stay those of every failing row (the hostile goldens above)."""
    from expectations.set_checks import COMPOUND_UNIQUE, SqlChecks

    asked = []
    failing_rows = SqlChecks.failing_rows

    def spy(self, frame, expectation, kwargs):
        found = failing_rows(self, frame, expectation, kwargs)
        asked.append((expectation, sum(len(rows) for rows in found.values())))
        return found

    monkeypatch.setattr(SqlChecks, "failing_rows", spy)
    outcome([load_dataset("samples")])  # every set check passes on the samples
    assert asked and {expectation for expectation, _ in asked} == {COMPOUND_UNIQUE}
    assert all(found == 0 for _, found in asked)
    asked.clear()
    hostile = outcome(batches(load_dataset("hostile")))
    assert {expectation for expectation, found in asked if found} > {COMPOUND_UNIQUE}
    assert hostile == hostile_outcome
