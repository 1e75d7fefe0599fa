"""Run bookkeeping without Prefect: a filing's identity across files, the one keep-or-drop decision
(the most exact copy wins), what became of every file, and the rows that record it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from filingflow import accounting
from filingflow.accounting import Copy, FileOutcome
from filingflow.schema import TABLES, UnknownColumns

FORM4 = {"form_type": "4", "period_of_report": dt.date(2007, 5, 10), "issuer_name": "Apartment Investment & Management Co",
         "issuer_cik": "0000922864"}
ROWS = {
    "reporting_owners": [{"owner_name": "HERZOG THOMAS M", "owner_cik": "0001234567"}],
    "nonderiv_transactions": [
        {"security_title": "Class A Common Stock", "transaction_date": dt.date(2007, 5, 10), "transaction_code": "S",
         "acquired_disposed": "D", "shares": Decimal("5500"), "price_per_share": Decimal("54.00"),
         "shares_owned_after": Decimal("12000")},
        {"security_title": "Class A Common Stock", "transaction_date": dt.date(2007, 5, 10), "transaction_code": "S",
         "acquired_disposed": "D", "shares": Decimal("800"), "price_per_share": Decimal("54.01"),
         "shares_owned_after": Decimal("11200")}],
}


def test_the_key_ignores_what_layouts_print_differently():
    """An HTML page or a text rendering of the XML: other spellings, no CIKs, rows in another order,
    trailing zeros, a different signature date and footnotes: the same key."""
    rendering = {**FORM4, "issuer_name": "APARTMENT INVESTMENT AND MANAGEMENT COMPANY", "issuer_cik": None,
                 "signature_date": dt.date(2007, 5, 14)}
    rows = {"reporting_owners": [{"owner_name": "Herzog, Thomas M.", "owner_cik": None}],
            "nonderiv_transactions": [
                {**ROWS["nonderiv_transactions"][1], "security_title": "CLASS A COMMON STOCK"},
                {**ROWS["nonderiv_transactions"][0], "price_per_share": Decimal("54")}],
            "footnotes": [{"footnote_id": "F1", "text": "Weighted average price."}]}
    assert accounting.filing_key(rendering, rows) == accounting.filing_key(FORM4, ROWS)


@pytest.mark.parametrize("change", [
    lambda f, r: (f | {"form_type": "4/A"}, r),
    lambda f, r: (f | {"period_of_report": dt.date(2007, 5, 11)}, r),
    lambda f, r: (f | {"issuer_name": "Another Company Inc"}, r),
    lambda f, r: (f, r | {"reporting_owners": [{"owner_name": "SMITH JANE"}]}),
    lambda f, r: (f, r | {"nonderiv_transactions": r["nonderiv_transactions"][:1]}),
    lambda f, r: (f, r | {"nonderiv_transactions": [r["nonderiv_transactions"][0] | {"shares": Decimal("5501")},
                                                    r["nonderiv_transactions"][1]]}),
    lambda f, r: (f, r | {"nonderiv_transactions": [r["nonderiv_transactions"][0] | {"transaction_code": "P",
                                                                                     "acquired_disposed": "A"},
                                                    r["nonderiv_transactions"][1]]}),
], ids=["form", "period", "issuer", "owner", "a row less", "shares", "code"])
def test_the_key_changes_with_what_the_form_says(change):
    filing, rows = change(dict(FORM4), dict(ROWS))
    assert accounting.filing_key(filing, rows) != accounting.filing_key(FORM4, ROWS)


def test_an_8k_key_is_its_company_date_and_items_not_its_text():
    filing = {"form_type": "8-K", "period_of_report": dt.date(2007, 5, 18), "issuer_name": "AIMCO", "issuer_cik": "1"}
    one = {"report_items": [{"item_code": "2.02", "item_code_current": "2.02", "text": "first wording"},
                            {"item_code": "9.01", "item_code_current": "9.01", "text": "exhibits"}]}
    other = {"report_items": [{"item_code": "9.01", "item_code_current": "9.01", "text": "other"},
                              {"item_code": "2.02", "item_code_current": "2.02", "text": "second wording"}]}
    fewer = {"report_items": one["report_items"][:1]}
    assert accounting.filing_key(filing, one) == accounting.filing_key(filing, other)
    assert accounting.filing_key(filing, one) != accounting.filing_key(filing, fewer)


def copy(fid, path, fmt="ownership_xml", acc=None, content=None, key="k1", stored=False):
    return Copy(fid, path, fmt, acc, content or f"c-{fid}", key, stored)


def test_the_most_exact_copy_wins_and_the_others_name_it():
    xml = copy("ff-x", "a/form.xml")
    page = copy("ff-h", "b/form.html", "html_ownership")
    text = copy("ff-t", "c/form.txt", "ownership_text_rendering")
    decision = accounting.decide([text, page, xml], [], set(), [])
    assert decision.kept == ["ff-x"] and decision.replaced == []
    assert decision.duplicates == {"b/form.html": "same filing as ff-x from a/form.xml",
                                   "c/form.txt": "same filing as ff-x from a/form.xml"}
    assert sorted((r["source_file"], r["filing_id"], r["used"]) for r in decision.sources) == [
        ("a/form.xml", "ff-x", True), ("b/form.html", "ff-x", False), ("c/form.txt", "ff-x", False)]
    assert sorted(c.source_file for c in decision.unused) == ["b/form.html", "c/form.txt"]


def test_a_submission_beats_the_xml_cut_from_it_and_a_stored_copy_stays():
    submission = copy("0000922864-07-000010", "s.txt", "sgml_submission", acc="0000922864-07-000010", content="c1")
    xml = copy("ff-x", "x.xml", content="c1", key="k1")
    assert accounting.decide([xml, submission], [], set(), []).kept == ["0000922864-07-000010"]
    # A rerun that finds the same filing in a new file keeps the stored one: nothing changes.
    stored = copy("0000922864-07-000010", "s.txt", "sgml_submission", acc="0000922864-07-000010", content="c1",
                  stored=True)
    again = accounting.decide([copy("0000922864-07-000010", "s2.txt", "sgml_submission", acc="0000922864-07-000010",
                                    content="c1")], [stored], set(), [])
    assert (again.kept, again.replaced, again.duplicates) == (
        [], [], {"s2.txt": "same filing as 0000922864-07-000010 stored, from s.txt"})


def test_a_more_exact_copy_replaces_the_stored_one():
    stored = copy("ff-t", "old.txt", "ownership_text_rendering", stored=True)
    decision = accounting.decide([copy("ff-x", "new.xml")], [stored], set(), [])
    assert (decision.kept, decision.replaced, decision.superseded) == (["ff-x"], ["ff-t"], {"ff-t": "ff-x"})


def test_two_accessions_are_two_filings_however_alike():
    one = copy("0001-07-1", "a.txt", "sgml_submission", acc="0001-07-1")
    two = copy("0001-07-2", "b.txt", "sgml_submission", acc="0001-07-2")
    assert accounting.decide([one, two], [], set(), []).kept == ["0001-07-1", "0001-07-2"]


def test_two_texts_of_one_8k_are_one_filing_with_a_warning_naming_both():
    a = copy("ff-a", "a.txt", "ascii_8k", content="ca", key="k8")
    b = copy("ff-b", "b.txt", "ascii_8k", content="cb", key="k8")
    decision = accounting.decide([b, a], [], set(), [])
    assert decision.kept == ["ff-a"]
    assert decision.warnings == ["b.txt and a.txt are two different texts of one filing ff-a; a.txt is kept"]
    assert decision.duplicates == {"b.txt": "same filing as ff-a from a.txt (its text differs)"}


def test_a_changed_file_replaces_its_own_filings():
    stored = copy("ff-old", "f.xml", stored=True)
    decision = accounting.decide([copy("ff-new", "f.xml")], [stored], {"f.xml"}, ["ff-old"])
    assert (decision.kept, decision.replaced, decision.duplicates) == (["ff-new"], ["ff-old"], {})


FORMATS = sorted(accounting.FORMAT_RANK)


@given(st.lists(st.tuples(st.sampled_from(FORMATS), st.sampled_from(["k1", "k2", "k3"]), st.booleans()),
                min_size=1, max_size=12))
def test_every_file_is_kept_or_names_a_kept_filing(spec):
    copies = [copy(f"ff-{i}", f"f{i}", fmt, key=key) for i, (fmt, key, _) in enumerate(spec)]
    stored = [copy(f"st-{i}", f"s{i}", fmt, key=key, stored=True) for i, (fmt, key, keep) in enumerate(spec) if keep]
    decision = accounting.decide(copies, stored, set(), [])
    keys = {c.filing_key for c in copies}
    # One filing per key, among the run's and the stored ones together.
    survivors = set(decision.kept) | ({c.filing_id for c in stored} - set(decision.replaced))
    assert len(survivors) == len(keys | {c.filing_key for c in stored})
    for c in copies:
        assert (c.filing_id in decision.kept) != (c.source_file in decision.duplicates)
    best = {k: min(c.rank()[0] for c in copies + stored if c.filing_key == k) for k in keys}
    for fid in decision.kept:
        kept = next(c for c in copies if c.filing_id == fid)
        assert kept.rank()[0] == best[kept.filing_key]


def _pairwise_groups(copies):
    """Copies grouped by comparing each with every member of every group: the definition the indexed
    grouping of decide() must equal."""
    groups = []
    for c in sorted(copies, key=Copy.rank):
        group = next((g for g in groups if any(c.same_filing(m) for m in g)), None)
        if group is None:
            groups.append([c])
        else:
            group.append(c)
    return groups


_few = st.sampled_from


@given(st.lists(st.tuples(_few(FORMATS), _few(["a1", "a2", None]), _few(["c1", "c2", "c3"]),
                          _few(["k1", "k2", None]), _few(["ff-1", "ff-2", "ff-3", "ff-4"]), st.booleans()),
                min_size=1, max_size=14))
def test_the_decision_groups_copies_as_comparing_every_pair_does(spec):
    copies = [Copy(fid, f"f{i}", fmt, acc, content, key, stored)
              for i, (fmt, acc, content, key, fid, stored) in enumerate(spec)]
    read = [c for c in copies if not c.stored]
    stored = [c for c in copies if c.stored]
    decision = accounting.decide(read, stored, set(), [])
    expected_kept = sorted({g[0].filing_id for g in _pairwise_groups(copies) if not g[0].stored})
    assert decision.kept == expected_kept
    winners = {c.source_file: g[0] for g in _pairwise_groups(copies) for c in g if not c.stored}
    assert {(s["source_file"], s["filing_id"]) for s in decision.sources} == {
        (f, w.filing_id) for f, w in winners.items()}


def _alone_table(copies):
    return pa.table({"filing_id": pa.array([c.filing_id for c in copies], pa.string()),
                     "source_file": pa.array([c.source_file for c in copies], pa.string()),
                     "source_format": pa.array([c.source_format for c in copies], pa.string())})


@given(st.lists(st.tuples(_few(FORMATS), _few(["a1", None]), _few(["c1", "c2", "c3", "c4", "c5"]),
                          _few(["k1", "k2", None]), _few(["ff-1", "ff-2", "ff-3", "ff-4", "ff-5"]), st.booleans()),
                min_size=1, max_size=14))
@settings(deadline=None)  # the first example pays for Arrow's compute kernels being set up
def test_copies_sharing_nothing_decide_the_same_as_columns(spec):
    """Copies read that share no id, content or key with any other copy, passed as columns (`alone`),
    give the decision they give as copies: kept, their file's used source, nothing replaced."""
    copies = [Copy(fid, f"f{i}", fmt, acc, content, key, stored)
              for i, (fmt, acc, content, key, fid, stored) in enumerate(spec)]
    read = [c for c in copies if not c.stored]
    stored = [c for c in copies if c.stored]

    def lonely(c):
        return not any(o is not c and (o.filing_id == c.filing_id or o.content_id == c.content_id
                                       or (c.filing_key is not None and o.filing_key == c.filing_key))
                       for o in copies)

    whole = accounting.decide(read, stored, set(), [])
    split = accounting.decide([c for c in read if not lonely(c)], stored, set(), [],
                              alone=_alone_table([c for c in read if lonely(c)]))
    assert (split.kept, split.replaced, split.duplicates, split.superseded) == (
        whole.kept, whole.replaced, whole.duplicates, whole.superseded)
    columns = ("filing_id", "source_file", "source_format", "used", "detail")
    rows = sorted(tuple(r[c] for c in columns) for r in accounting.source_table(split, [], "r1").to_pylist())
    assert rows == sorted(tuple(r[c] for c in columns) for r in whole.sources)


def outcome(path, status="loaded", ids=("f1",), **kw):
    return FileOutcome(path, "ab" * 32, 10, 1, status, list(ids), **kw)


def test_counts_never_take_duplicates_for_unchanged():
    counts = accounting.count_files(6, 2, ["loaded", "duplicate", "quarantined", "unchanged"])
    assert counts == accounting.FileCounts(seen=6, new=4, loaded=1, duplicate=1, unchanged=3, quarantined=1)
    with pytest.raises(RuntimeError, match="does not add up"):
        accounting.count_files(7, 2, ["loaded", "duplicate", "quarantined", "unchanged"])


def test_a_refused_filing_quarantines_its_file_at_stage_load():
    outcomes = [outcome("a", ids=("f1",)), outcome("b", ids=("f2", "f3"))]
    accounting.quarantine_filings(outcomes, {"f1": "NOT NULL constraint failed", "f2": "out of range"})
    assert (outcomes[0].status, outcomes[0].stage, outcomes[0].error, outcomes[0].detail) == (
        "quarantined", "load", "load_failed", "filing f1: NOT NULL constraint failed")
    assert (outcomes[1].status, outcomes[1].filing_ids) == ("loaded", ["f3"])


def test_rows_go_through_the_schema():
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    rows = accounting.ledger_table([outcome("a"), outcome("b", "duplicate", (), detail="same bytes as a"),
                                    outcome("c", "unchanged")], "r1", now).to_pylist()
    assert [(r["source_file"], r["status"], r["detail"]) for r in rows] == [
        ("a", "loaded", None), ("b", "duplicate", "same bytes as a")]
    with pytest.raises(UnknownColumns, match="statu"):
        accounting.schema_row("ingest_ledger", statu="loaded")
    with pytest.raises(ValueError, match="lacks required"):
        accounting.schema_row("quarantine", source_file="a")
    with pytest.raises(UnknownColumns, match="statu"):
        accounting.schema_table("ingest_ledger", {"statu": ["loaded"]}, 1)
    with pytest.raises(ValueError, match="lacks required source_sha256"):
        accounting.schema_table("ingest_ledger", {"source_file": ["a"], "status": ["loaded"]}, 1, run_id="r1")


def test_a_file_whose_filings_vanished_from_staging_fails_the_run():
    decision = accounting.decide([copy("f1", "a")], [], set(), [])
    outcomes = [outcome("a", ids=("f1",)), outcome("b", ids=("f2",))]
    with pytest.raises(RuntimeError, match="staged rows of b .f2. are missing"):
        accounting.settle(outcomes, decision)


def test_source_rows_of_copies_alone_and_of_files_repeating_a_filing_within_a_chunk():
    alone = pa.table({"filing_id": ["f1", "f2"], "source_file": ["/a.xml", "/b.xml"],
                      "source_format": ["ownership_xml", "html_ownership"]})
    decision = accounting.Decision(["f1", "f2", "f3"], [], {}, {}, [dict(
        filing_id="f3", source_file="/c.txt", source_format="ascii_8k", used=True, detail=None)], alone=alone)
    repeat = outcome("/d.xml", "duplicate", (), source_format="ownership_xml", repeats="f1",
                     detail="same filing f1 as /a.xml")
    listed_already = outcome("/b.xml", "duplicate", (), source_format="html_ownership", repeats="f2", detail="x")
    table = accounting.source_table(decision, [repeat, listed_already, outcome("/a.xml")], "r1")
    assert table.schema == TABLES["filing_sources"].arrow_schema()
    assert [(r["filing_id"], r["source_file"], r["source_format"], r["used"], r["detail"], r["run_id"])
            for r in table.to_pylist()] == [
        ("f3", "/c.txt", "ascii_8k", True, None, "r1"),
        ("f1", "/d.xml", "ownership_xml", False, "same filing f1 as /a.xml", "r1"),
        ("f1", "/a.xml", "ownership_xml", True, None, "r1"),
        ("f2", "/b.xml", "html_ownership", True, None, "r1")]
