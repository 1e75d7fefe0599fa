"""eight_k_item_sources: the header's items (codes or ITEM INFORMATION titles)
against the document's items."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest

from flows.pipeline import nightly
from handmade import eight_k_text, submission
from test_pipeline import rows, settings_for

pytestmark = pytest.mark.usefixtures("prefect_api")

SQL = ("SELECT filing_id, items_in_document, items_in_header, header_items_unmapped, agree "
       "FROM eight_k_item_sources ORDER BY filing_id")


def test_corpus_8k_submissions(corpus, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in sorted((corpus / "full_submission").glob("8-K_*")) + sorted((corpus / "header_only").glob("8-K_*")):
        shutil.copy(path, inputs)
    settings = settings_for(tmp_path, inputs)
    nightly(settings)
    assert rows(settings.warehouse, SQL) == [
        ("0000905729-24-000095", [], ["5.07"], [], None),  # header only: no document to compare
        ("0000912057-00-002128", ["8.01", "9.01"], [], [], None),  # 2000: the header lists no items
        ("0000943374-24-000509", ["5.02"], ["5.02"], [], True),
        ("0000950137-05-004969", ["5.02"], ["5.02"], [], True),  # 2005 wording "...Principal Officers"
        ("0001011438-98-000429", ["9.01"], [], [], None),
        ("0001193125-19-292676", ["8.01", "9.01"], ["8.01", "9.01"], [], True),
        ("0001193125-23-048785", ["5.02"], ["5.02"], [], True),
        ("0001193125-24-152391", [], ["7.01", "9.01"], [], None),
        ("0001493152-25-001317", ["5.02", "9.01"], ["5.02", "9.01"], [], True),  # <ITEMS> codes (.nc)
    ]


def test_header_and_document_disagree(tmp_path):
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
    nightly(settings)
    assert rows(settings.warehouse, SQL) == [
        ("0000123456-12-000001", ["2.02"], ["7.01", "9.01"], [], False),
        ("0000123456-12-000002", ["2.02"], ["2.02"], ["A title no one uses"], None),
    ]
    # The document's reading is the one kept.
    assert rows(settings.warehouse, "SELECT DISTINCT item_code FROM report_items") == [("2.02",)]
