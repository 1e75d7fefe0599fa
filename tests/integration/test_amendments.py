"""Amendments stored alongside their originals; the analyst views show the
current version of each section (filingflow/amendments.py).

Originals are corpus Form 4s (the corpus has no amendment); the 4/As are
hand-made from them the way EDGAR would disseminate them. The 8-K and 8-K/A
are hand-made. Two runs: the second brings a 4/A of the first 4/A."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import CORPUS
from flows.pipeline import nightly
from tests.support.handmade import eight_k_text, submission
from tests.support.pipeline_runs import rows, settings_for

pytestmark = pytest.mark.usefixtures("prefect_api")

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "support" / "fixtures"
# UMB Financial, David Odgers: 2 transactions (F, A) and 2 holdings (401K, ESOP), filed 2020-02-14.
UMB = "0001127602-20-005746"
UMB_HOLDINGS_4A, UMB_TRANSACTIONS_4A, UMB_OTHER_OWNER_4A = (
    "0001127602-20-009001", "0001127602-20-009002", "0001127602-20-009003")
# Penumbra, Lambert Shiu: 1 sale and 1 holding, filed 2020-10-19.
PEN = "0001321732-20-000141"
PEN_FULL_4A = "0001321732-20-009001"
XYZ_8K, XYZ_8KA = "0000123456-12-000010", "0000123456-12-000011"
D = Decimal


def transaction(code: str, shares: str, price: str, acquired_disposed: str, after: str) -> str:
    return f"""
        <nonDerivativeTransaction>
            <securityTitle><value>Common Stock</value></securityTitle>
            <transactionDate><value>{{date}}</value></transactionDate>
            <transactionCoding><transactionFormType>4</transactionFormType><transactionCode>{code}</transactionCode>
                <equitySwapInvolved>0</equitySwapInvolved></transactionCoding>
            <transactionAmounts>
                <transactionShares><value>{shares}</value></transactionShares>
                <transactionPricePerShare><value>{price}</value></transactionPricePerShare>
                <transactionAcquiredDisposedCode><value>{acquired_disposed}</value></transactionAcquiredDisposedCode>
            </transactionAmounts>
            <postTransactionAmounts><sharesOwnedFollowingTransaction><value>{after}</value></sharesOwnedFollowingTransaction></postTransactionAmounts>
            <ownershipNature><directOrIndirectOwnership><value>D</value></directOrIndirectOwnership></ownershipNature>
        </nonDerivativeTransaction>"""


def holding(shares: str, nature: str) -> str:
    return f"""
        <nonDerivativeHolding>
            <securityTitle><value>Common Stock</value></securityTitle>
            <postTransactionAmounts><sharesOwnedFollowingTransaction><value>{shares}</value></sharesOwnedFollowingTransaction></postTransactionAmounts>
            <ownershipNature><directOrIndirectOwnership><value>I</value></directOrIndirectOwnership>
                <natureOfOwnership><value>{nature}</value></natureOfOwnership></ownershipNature>
        </nonDerivativeHolding>"""


def amend_form4(original: Path, accession: str, filed: dt.date, table_i: list[str], *,
                original_submission: dt.date | None, owner_cik: str | None = None) -> str:
    """A 4/A of a corpus Form 4 submission: new accession and filing date, Table I replaced."""
    text = original.read_text()
    old_accession = re.search(r"ACCESSION NUMBER:\s*(\S+)", text).group(1)
    old_filed = re.search(r"FILED AS OF DATE:\s*(\d{8})", text).group(1)
    period = re.search(r"<periodOfReport>([\d-]+)</periodOfReport>", text).group(1)
    text = text.replace(old_accession, accession).replace(old_filed, f"{filed:%Y%m%d}")
    text = text.replace("CONFORMED SUBMISSION TYPE:\t4\n", "CONFORMED SUBMISSION TYPE:\t4/A\n")
    text = text.replace("FORM TYPE:\t\t4\n", "FORM TYPE:\t\t4/A\n").replace("<TYPE>4\n", "<TYPE>4/A\n")
    dos = f"\n    <dateOfOriginalSubmission>{original_submission:%Y-%m-%d}</dateOfOriginalSubmission>" \
        if original_submission else ""
    text = text.replace("<documentType>4</documentType>", f"<documentType>4/A</documentType>{dos}")
    table = "\n    <nonDerivativeTable>" + "".join(table_i).replace("{date}", period) + "\n    </nonDerivativeTable>"
    text = re.sub(r"\n\s*<nonDerivativeTable>.*?</nonDerivativeTable>", lambda _: table, text, flags=re.S)
    if owner_cik:
        owner = re.search(r"<rptOwnerCik>(\d+)</rptOwnerCik>", text).group(1)
        text = text.replace(owner, owner_cik)
    assert text.count(accession) >= 2 and "<TYPE>4/A" in text
    return text


def eight_k_submission(accession: str, form_type: str, filed: dt.date, items: list[tuple[str, str, str]]) -> str:
    doc = eight_k_text("XYZ WIDGETS CORPORATION", dt.date(2012, 3, 1), items, file_no="1-55555", irs="12-3456780")
    text = submission(accession, "0000123456", "XYZ WIDGETS CORPORATION", dt.date(2012, 3, 1), filed, doc,
                      items=[title for _, title, _ in items])
    return (text.replace("CONFORMED SUBMISSION TYPE:\t8-K\n", f"CONFORMED SUBMISSION TYPE:\t{form_type}\n")
            .replace("FORM TYPE:\t\t8-K\n", f"FORM TYPE:\t\t{form_type}\n").replace("<TYPE>8-K\n", f"<TYPE>{form_type}\n"))


ACQUISITION = ("2.01", "Completion of Acquisition or Disposition of Assets",
               "On March 1, 2012, XYZ Widgets Corporation completed its acquisition of Gizmo Works, Inc.")
FINANCIALS_TO_COME = ("9.01", "Financial Statements and Exhibits",
                      "(a) The financial statements of Gizmo Works, Inc. will be filed by amendment.")
FINANCIALS = ("9.01", "Financial Statements and Exhibits",
              "(a) The audited financial statements of Gizmo Works, Inc. for 2011 are filed as Exhibit 99.1.")

SNAPSHOT = {
    "amendments": "SELECT filing_id, amends_filing_id, original_filing_id, matched_by, amendment_number "
                  "FROM filing_amendments ORDER BY filing_id",
    "trades": "SELECT filing_id, form_type, transaction_code, shares, price_per_share, shares_owned_after, "
              "original_filing_id, replaces_filing_id FROM insider_trades ORDER BY ticker, filing_id, row_index",
    # The current version of any raw table's rows: amended_sections on the row's section, where it has one.
    "holdings": "SELECT h.filing_id, h.nature_of_ownership, h.shares_owned_after, "
                "coalesce(s.original_filing_id, h.filing_id) FROM nonderiv_holdings h "
                "LEFT JOIN amended_sections s ON s.filing_id = h.filing_id AND s.section = 'nonderiv_holdings' "
                "WHERE coalesce(s.is_current, true) ORDER BY h.filing_id, h.row_index",
    "sections": "SELECT filing_id, section, original_filing_id, version, replaces_filing_id, superseded_by, is_current "
                "FROM amended_sections ORDER BY original_filing_id, section, version",
    "events": "SELECT filing_id, form_type, item_code, original_filing_id, replaces_filing_id, event_date "
              "FROM company_events ORDER BY item_code",
    "raw": "SELECT (SELECT count(*) FROM filings), (SELECT count(*) FROM nonderiv_transactions), "
           "(SELECT count(*) FROM nonderiv_holdings), (SELECT count(*) FROM report_items)",
}


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    return {name: rows(warehouse, sql) for name, sql in SNAPSHOT.items()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    umb = CORPUS / "full_submission" / f"4_{UMB}_edgar2data.txt"
    pen = CORPUS / "full_submission" / f"4_{PEN}_edgar2data.txt"
    if not (umb.is_file() and pen.is_file()):
        pytest.skip("the shared corpus is absent (expected next to the repo at ../shared/corpus)")
    root = tmp_path_factory.mktemp("amendments")
    inputs = root / "in"
    inputs.mkdir()
    shutil.copy(umb, inputs)
    shutil.copy(pen, inputs)
    # Restates only the holdings (the 401(k) balance was wrong): the original's transactions stay.
    (inputs / "umb_4a_holdings.txt").write_text(amend_form4(
        umb, UMB_HOLDINGS_4A, dt.date(2020, 2, 18), [holding("152.1", "By 401K"), holding("201.72", "By ESOP")],
        original_submission=dt.date(2020, 2, 14)))
    # Same issuer and date, another reporting owner: not an amendment of Odgers' Form 4.
    (inputs / "umb_4a_other_owner.txt").write_text(amend_form4(
        umb, UMB_OTHER_OWNER_4A, dt.date(2020, 2, 19), [holding("10", "By trust")],
        original_submission=dt.date(2020, 2, 14), owner_cik="0009999999"))
    # Restates everything, states no original submission date: paired by the period of report.
    (inputs / "pen_4a_full.txt").write_text(amend_form4(
        pen, PEN_FULL_4A, dt.date(2020, 10, 21),
        [transaction("S", "572", "215.40", "D", "9977"), holding("300", "By Spouse's IRA")], original_submission=None))
    (inputs / "xyz_8k.txt").write_text(eight_k_submission(XYZ_8K, "8-K", dt.date(2012, 3, 5),
                                                          [ACQUISITION, FINANCIALS_TO_COME]))
    (inputs / "xyz_8ka.txt").write_text(eight_k_submission(XYZ_8KA, "8-K/A", dt.date(2012, 5, 14), [FINANCIALS]))
    shutil.copy(FIXTURES / "ownership_xml" / "4A_amendment_handmade.xml", inputs)  # its original is not stored
    settings = settings_for(root, inputs)
    first = nightly(settings)
    assert (first.files_loaded, first.files_quarantined) == (8, 0)
    before = snapshot(settings.warehouse)
    # A later run brings a 4/A of the holdings 4/A, restating the transactions (the sale's price).
    (inputs / "umb_4a_transactions.txt").write_text(amend_form4(
        umb, UMB_TRANSACTIONS_4A, dt.date(2020, 2, 25),
        [transaction("F", "49", "68.72", "D", "2353.34"), transaction("A", "360", "0", "A", "2713.34")],
        original_submission=dt.date(2020, 2, 18)))
    second = nightly(settings)
    assert (second.files_loaded, second.files_quarantined) == (1, 0)
    return settings, before, snapshot(settings.warehouse)


def _orphan(snap) -> str:
    """The hand-made 4/A fixture's content id: it has no accession number."""
    return next(r[0] for r in snap["amendments"] if r[0].startswith("ff-"))


def test_each_amendment_is_paired_with_the_filing_it_amends(runs):
    _, before, after = runs
    orphan = _orphan(after)
    assert after["amendments"] == sorted([
        (UMB_HOLDINGS_4A, UMB, UMB, "date_of_original_submission", 1),
        (UMB_TRANSACTIONS_4A, UMB_HOLDINGS_4A, UMB, "date_of_original_submission", 2),  # a 4/A of the 4/A
        (UMB_OTHER_OWNER_4A, None, None, None, None),  # another owner: no original stored
        (PEN_FULL_4A, PEN, PEN, "period_of_report", 1),
        (XYZ_8KA, XYZ_8K, XYZ_8K, "period_of_report", 1),
        (orphan, None, None, None, None),
    ])
    assert before["amendments"] == [r for r in after["amendments"] if r[0] != UMB_TRANSACTIONS_4A]


def test_holdings_only_amendment_keeps_the_original_transactions(runs):
    _, before, _ = runs
    assert [r for r in before["trades"] if r[6] == UMB] == [
        (UMB, "4", "F", D("49"), D("68.27"), D("2353.34"), UMB, None),
        (UMB, "4", "A", D("360"), D("0"), D("2713.34"), UMB, None),
    ]
    assert [r for r in before["holdings"] if r[3] == UMB] == [
        (UMB_HOLDINGS_4A, "By 401K", D("152.1"), UMB),
        (UMB_HOLDINGS_4A, "By ESOP", D("201.72"), UMB),
    ]


def test_the_latest_amendment_of_each_section_wins(runs):
    _, _, after = runs
    assert [r for r in after["trades"] if r[6] == UMB] == [
        (UMB_TRANSACTIONS_4A, "4/A", "F", D("49"), D("68.72"), D("2353.34"), UMB, UMB),
        (UMB_TRANSACTIONS_4A, "4/A", "A", D("360"), D("0"), D("2713.34"), UMB, UMB),
    ]
    assert [r[:3] for r in after["holdings"] if r[3] == UMB] == [
        (UMB_HOLDINGS_4A, "By 401K", D("152.1")), (UMB_HOLDINGS_4A, "By ESOP", D("201.72"))]
    # Every version of every section, the superseded ones too.
    assert [r for r in after["sections"] if r[2] == UMB] == [
        (UMB, "nonderiv_holdings", UMB, 0, None, UMB_HOLDINGS_4A, False),
        (UMB_HOLDINGS_4A, "nonderiv_holdings", UMB, 1, UMB, None, True),
        (UMB, "nonderiv_transactions", UMB, 0, None, UMB_TRANSACTIONS_4A, False),
        (UMB_TRANSACTIONS_4A, "nonderiv_transactions", UMB, 2, UMB, None, True),
    ]


def test_full_restatement_shows_only_the_amendment(runs):
    _, _, after = runs
    assert [r for r in after["trades"] if r[6] == PEN] == [
        (PEN_FULL_4A, "4/A", "S", D("572"), D("215.40"), D("9977"), PEN, PEN)]
    assert [r[:3] for r in after["holdings"] if r[3] == PEN] == [(PEN_FULL_4A, "By Spouse's IRA", D("300"))]


def test_amendments_without_a_stored_original_show_as_they_are(runs):
    _, _, after = runs
    orphan = _orphan(after)
    assert [r[:3] for r in after["trades"] if r[0] == orphan] == [(orphan, "4/A", "S")]
    assert [r[:3] for r in after["holdings"] if r[0] == UMB_OTHER_OWNER_4A] == [
        (UMB_OTHER_OWNER_4A, "By trust", D("10"))]


def test_8k_amendment_replaces_only_the_item_it_restates(runs):
    _, _, after = runs
    event = dt.date(2012, 3, 1)
    assert after["events"] == [
        (XYZ_8K, "8-K", "2.01", XYZ_8K, None, event),
        (XYZ_8KA, "8-K/A", "9.01", XYZ_8K, XYZ_8K, event),
    ]
    assert rows(runs[0].warehouse, "SELECT filing_id, item_code, text FROM report_items WHERE item_code = '9.01' "
                                   "ORDER BY filing_id") == [(XYZ_8K, "9.01", FINANCIALS_TO_COME[2]),
                                                             (XYZ_8KA, "9.01", FINANCIALS[2])]


def test_raw_tables_keep_every_version(runs):
    _, before, after = runs
    # filings: 2 originals + 3 UMB/PEN 4/As + 8-K + 8-K/A + the fixture; then the second UMB 4/A.
    # Table I: UMB 2 + PEN 1 + PEN 4/A 1 + fixture 1 (+ 2); holdings: 2 + 1 + 2 + 1 + 1; items: 2 + 1.
    assert before["raw"] == [(8, 5, 7, 3)]
    assert after["raw"] == [(9, 7, 7, 3)]
