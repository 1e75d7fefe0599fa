"""A run's file outcomes held as Arrow columns (accounting.Outcomes) give the same bookkeeping as
FileOutcome objects: the same settling, refusals, counts, ledger, quarantine and source rows."""
from __future__ import annotations

import copy as copying
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from filingflow import accounting
from filingflow.accounting import Decision, FileOutcome, Outcomes, outcome_table

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
FILINGS = [f"f{i}" for i in range(8)]


@st.composite
def outcome_lists(draw):
    out = []
    for i in range(draw(st.integers(0, 12))):
        status = draw(st.sampled_from(accounting.FILE_STATUSES))
        ids = draw(st.lists(st.sampled_from(FILINGS), max_size=3, unique=True)) if status == "loaded" else []
        held = status == "quarantined"  # a quarantine always names its stage, error and detail
        out.append(FileOutcome(
            f"/in/{i}.xml", draw(st.sampled_from([None, "ab" * 32])), i * 10, draw(st.sampled_from([None, 7])), status,
            ids, stage="parse" if held else None, error="reader_crash" if held else None,
            detail="why" if held else draw(st.sampled_from([None, "same bytes as /in/0.xml", "why"])),
            source_format=draw(st.sampled_from([None, "ownership_xml"])), repeats=draw(st.sampled_from([None, "f1"])),
            chunk=i // 4))
    return out


def _both(outcomes: list[FileOutcome], split: int) -> tuple[list[FileOutcome], Outcomes]:
    """The objects, and the same outcomes as columns added in two parts (as chunks come in)."""
    columns = Outcomes([outcome_table(outcomes[:split])])
    columns.add(outcome_table(outcomes[split:]))
    return copying.deepcopy(outcomes), columns


def _rows(table):
    return [{k: v for k, v in r.items() if k != "ingested_at"} for r in table.to_pylist()]


@settings(max_examples=60, deadline=None)
@given(outcome_lists(), st.integers(0, 12), st.lists(st.sampled_from(FILINGS), unique=True),
       st.dictionaries(st.sampled_from(FILINGS), st.just("out of range"), max_size=3))
def test_columns_settle_refuse_and_record_as_objects_do(outcomes, split, kept, refused):
    objects, columns = _both(outcomes, split)
    assert list(columns) == objects
    duplicates = {o.path: "same filing f0 as /x" for o in outcomes[::3]}
    decision = Decision(sorted(kept), [], {}, duplicates, [])
    try:
        accounting.settle(objects, decision)
    except RuntimeError as exc:
        with pytest.raises(RuntimeError, match="staged rows of") as caught:
            accounting.settle(columns, decision)
        assert str(caught.value) == str(exc)
        return
    accounting.settle(columns, decision)
    accounting.quarantine_filings(objects, refused)
    accounting.quarantine_filings(columns, refused)
    assert list(columns) == objects
    assert columns.filing_count == sum(len(o.filing_ids) for o in objects)
    assert accounting.count_files(len(objects) + 2, 2, columns) == accounting.count_files(
        len(objects) + 2, 2, [o.status for o in objects])
    for table in (accounting.ledger_table, accounting.quarantine_table):
        assert _rows(table(columns, "r1", NOW)) == _rows(table(objects, "r1", NOW))
    assert accounting.source_table(decision, columns, "r1") == accounting.source_table(decision, objects, "r1")


def test_a_changed_outcome_keeps_its_place_and_lookups_find_it():
    outcomes = Outcomes.of([FileOutcome("/a", "x", 1, 1, "loaded", ["f1"], chunk=0),
                            FileOutcome("/b", "y", 2, 2, "loaded", ["f2", "f3"], chunk=0)])
    outcomes.add(outcome_table([FileOutcome("/c", None, 3, None, "quarantined", stage="read", error="too_big", chunk=1)]))
    assert outcomes.where_filings(["f3", "f9"]) == [1]
    [changed] = outcomes.take([1])
    changed.status, changed.filing_ids = "duplicate", []
    outcomes.put([1], [changed])
    assert [(o.path, o.status, o.filing_ids) for o in outcomes] == [
        ("/a", "loaded", ["f1"]), ("/b", "duplicate", []), ("/c", "quarantined", [])]
    assert outcomes.where_filings(["f3"]) == []
    assert outcomes.positions(outcomes.status_is("quarantined", "duplicate")) == [1, 2]
    assert len(outcomes) == 3 and outcomes.filing_count == 1
