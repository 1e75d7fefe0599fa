"""eight_k_item_sources: the header's items (codes or ITEM INFORMATION titles)
against the document's items; the warn-level expectation that flags a filing
where they disagree; exhibits joined to the documents that carry them."""
from __future__ import annotations

import copy
import datetime as dt
import shutil

import pytest

from conftest import CORPUS
from flows.pipeline import nightly
from tests.support.handmade import eight_k_text, submission
from tests.support.validation_runs import details, flags, read_rows, run
from tests.support.pipeline_runs import rows, settings_for

SQL = ("SELECT filing_id, items_in_document, items_in_header, header_items_unmapped, agree "
       "FROM eight_k_item_sources ORDER BY filing_id")
DISAGREE = "expect_eight_k_header_items_to_match_document"
# Acorn's cover prints a phone number its SEC header does not give (tests/unit/expectations/test_eight_k_registrant_rule.py)
ACORN_PHONE = ("expect_eight_k_registrant_to_match_header", "filing_companies", None, "warn")
NC_8K = CORPUS / "full_submission" / "8-K_0001493152-25-001317_edgartools.nc"
BUCKLE_8K, BUCKLE_EX99 = CORPUS / "8k" / "BuckleInc.8-K_edgartools.html", CORPUS / "8k" / "BuckleInc.8-K.EX99.1_edgartools.html"


# --- the expectation, through expectations.runner.validate (no Prefect) -------------------------

@pytest.fixture(scope="module")
def nc_rows():
    if not NC_8K.is_file():
        pytest.skip("the shared corpus is absent (expected next to the repo at ../shared/corpus)")
    return read_rows(NC_8K)


def test_header_codes_matching_the_document_pass(nc_rows):
    assert nc_rows["filings"][0]["header_items"] == ["5.02", "9.01"]
    v = run(nc_rows)
    assert flags(v) == [ACORN_PHONE]
    result = v.results.to_pandas().set_index("expectation").loc[DISAGREE]
    assert (result["success"], result["element_count"], result["severity"]) == (True, 1, "warn")


def test_header_item_missing_from_the_document_is_flagged(nc_rows):
    broken = copy.deepcopy(nc_rows)
    broken["filings"][0]["header_items"] = ["5.02", "7.01", "9.01"]
    v = run(broken)
    assert sorted(flags(v)) == sorted([(DISAGREE, "filings", None, "warn"), ACORN_PHONE])
    assert set(v.flags.to_pandas()["filing_id"]) == {"0001493152-25-001317"}
    assert details(v, DISAGREE) == ["header lists items 5.02, 7.01, 9.01, the document reports 5.02, 9.01 "
                                    "(7.01 missing from the document); report_items keeps the document's"]


def test_document_item_missing_from_the_header_is_flagged(nc_rows):
    broken = copy.deepcopy(nc_rows)
    broken["filings"][0]["header_items"] = ["Departure of Directors or Certain Officers; Election of Directors; "
                                            "Appointment of Certain Officers: Compensatory Arrangements of Certain Officers"]
    v = run(broken)
    assert sorted(flags(v)) == sorted([(DISAGREE, "filings", None, "warn"), ACORN_PHONE])
    assert details(v, DISAGREE) == ["header lists items 5.02, the document reports 5.02, 9.01 "
                                    "(9.01 missing from the header); report_items keeps the document's"]


# --- the warehouse: corpus 8-Ks and hand-made submissions -----------------------------------------

@pytest.fixture(scope="module")
def corpus_8k(prefect_api, tmp_path_factory):
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is absent (expected next to the repo at ../shared/corpus)")
    root = tmp_path_factory.mktemp("corpus_8k")
    inputs = root / "in"
    inputs.mkdir()
    for path in (sorted((CORPUS / "full_submission").glob("8-K_*")) + sorted((CORPUS / "header_only").glob("8-K_*"))
                 + [BUCKLE_8K, BUCKLE_EX99]):
        shutil.copy(path, inputs)
    settings = settings_for(root, inputs)
    nightly(settings)
    return settings


def test_corpus_8k_submissions(corpus_8k):
    buckle = rows(corpus_8k.warehouse, "SELECT filing_id FROM filings WHERE issuer_ticker = 'BKE'")[0][0]
    assert rows(corpus_8k.warehouse, SQL) == sorted([
        ("0000905729-24-000095", [], ["5.07"], [], None),  # header only: no document to compare
        ("0000912057-00-002128", ["8.01", "9.01"], [], [], None),  # 2000: the header lists no items
        ("0000943374-24-000509", ["5.02"], ["5.02"], [], True),
        ("0000950137-05-004969", ["5.02"], ["5.02"], [], True),  # 2005 wording "...Principal Officers"
        ("0001011438-98-000429", ["9.01"], [], [], None),
        ("0001193125-19-292676", ["8.01", "9.01"], ["8.01", "9.01"], [], True),
        ("0001193125-23-048785", ["5.02"], ["5.02"], [], True),
        ("0001193125-24-152391", [], ["7.01", "9.01"], [], None),
        ("0001493152-25-001317", ["5.02", "9.01"], ["5.02", "9.01"], [], True),  # <ITEMS> codes (.nc)
        (buckle, ["2.02", "9.01"], [], [], None),  # the primary document alone: no header
    ])
    # No corpus 8-K disagrees with its header: nothing flagged.
    assert rows(corpus_8k.warehouse, "SELECT count(*) FROM dq_flags WHERE expectation = ?", [DISAGREE]) == [(0,)]
    assert rows(corpus_8k.warehouse, "SELECT success, element_count FROM dq_results WHERE expectation = ?",
                [DISAGREE]) == [(True, 10)]


def test_exhibit_text_joins_the_document_that_carries_it(corpus_8k):
    """Inside a submission by document_sequence; a press release stored as its own file by its filename."""
    got = rows(corpus_8k.warehouse, """
        SELECT x.filing_id, x.exhibit_number, d.document_type, left(d.text, 51)
        FROM exhibits x JOIN documents d ON d.filing_id = x.filing_id AND d.sequence = x.document_sequence
        WHERE x.exhibit_number LIKE '99%' ORDER BY ALL""")
    assert got == [("0000912057-00-002128", "99.1", "EX-99.1", "Apple Board of Directors Announces CEO Compensation")]
    got = rows(corpus_8k.warehouse, """
        SELECT f.issuer_ticker, f.period_of_report, x.exhibit_number, x.document_sequence, d.document_type,
               d.text LIKE '%THE BUCKLE, INC. REPORTS THIRD QUARTER NET INCOME%'
        FROM exhibits x JOIN filings f USING (filing_id) JOIN documents d ON d.filename = x.document_filename
        WHERE x.document_sequence IS NULL""")
    assert got == [("BKE", dt.date(2024, 11, 22), "99.1", None, "EX-99.1", True)]


def test_header_and_document_disagree(prefect_api, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    doc = eight_k_text("XYZ WIDGETS CORPORATION", dt.date(2012, 2, 1), [
        ("2.02", "Results of Operations and Financial Condition", "Results for 2011.")], file_no="1-55555")
    (inputs / "a.txt").write_text(submission(
        "0000123456-12-000001", "0000123456", "XYZ WIDGETS CORPORATION", dt.date(2012, 2, 1), dt.date(2012, 2, 2), doc,
        items=["Regulation FD Disclosure", "Financial Statements and Exhibits"]))
    (inputs / "b.txt").write_text(submission(
        "0000123456-12-000002", "0000123456", "XYZ WIDGETS CORPORATION", dt.date(2012, 2, 1), dt.date(2012, 2, 3),
        doc.replace("2011", "the year"), items=["Results of Operations and Financial Condition", "A title no one uses"]))
    settings = settings_for(tmp_path, inputs)
    summary = nightly(settings)
    assert rows(settings.warehouse, SQL) == [
        ("0000123456-12-000001", ["2.02"], ["7.01", "9.01"], [], False),
        ("0000123456-12-000002", ["2.02"], ["2.02"], ["A title no one uses"], None),
    ]
    # The document's reading is the one kept, and the disagreement is flagged on the filing.
    assert rows(settings.warehouse, "SELECT DISTINCT item_code FROM report_items") == [("2.02",)]
    assert rows(settings.warehouse, "SELECT filing_id, table_name, row_index, severity, detail FROM dq_flags "
                                    "WHERE expectation = ?", [DISAGREE]) == [
        ("0000123456-12-000001", "filings", None, "warn",
         "header lists items 7.01, 9.01, the document reports 2.02 (2.02 missing from the header; 7.01, 9.01 "
         "missing from the document); report_items keeps the document's")]
    assert summary.expectations_failed == 1  # warn: the run still completes
