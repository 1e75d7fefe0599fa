"""The lake and the warehouse hold the same data after every kind of run: duplicates (same bytes,
same filing in another file), a changed file, an amendment, a company merge, a filing the load
refuses, and `filingflow forget`. Every lake table read back (all run partitions) equals its
warehouse table row for row, company_id included; files are counted as loaded, duplicate (naming
what they repeat), unchanged or quarantined, and filing_sources lists every file of a filing."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import ROOT, SEED_8K, SEED_FORM4
from filingflow import forget
from filingflow.lake import STAGING
from filingflow.schema import FILING_TABLES, TABLES
from filingflow.warehouse import COMPANY_ID_TABLES
from flows.pipeline import RunSettings, nightly
from tests.support.handmade import eight_k_text, submission
from tests.support.pipeline_runs import rows

pytestmark = [pytest.mark.usefixtures("prefect_api"), pytest.mark.slow]  # seven runs: about 2 min
AMENDMENT = ROOT / "tests" / "support" / "fixtures" / "ownership_xml" / "4A_amendment_handmade.xml"


def _sorted(table: pa.Table) -> list[tuple]:
    return sorted((tuple(r.values()) for r in table.to_pylist()), key=repr)


def assert_lake_matches_warehouse(settings: RunSettings) -> None:
    lake = Path(settings.lake)
    assert not (lake / STAGING).exists() or not any((lake / STAGING).iterdir())
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        for name in FILING_TABLES:
            schema = TABLES[name].arrow_schema()
            parts = sorted((lake / name).glob("run_id=*/*.parquet"))
            published = pa.concat_tables([pq.read_table(p, schema=schema) for p in parts]) if parts \
                else schema.empty_table()
            cols = ", ".join(f'"{c}"' for c in schema.names)
            stored = con.execute(f'SELECT {cols} FROM "{name}"').to_arrow_table().cast(schema)
            assert _sorted(published) == _sorted(stored), name
        # Each filing sits in the partition of the run that loaded it.
        for path in sorted((lake / "filings").glob("run_id=*")):
            run_ids = set(pq.read_table(path, schema=TABLES["filings"].arrow_schema())["run_id"].to_pylist())
            assert run_ids == {path.name.removeprefix("run_id=")}
    finally:
        con.close()


def form3_xml(issuer: str, owner: str, period: str = "2020-03-23", signed: str = "2020-03-24",
              cik: str = "0000320193") -> str:
    return f"""<?xml version="1.0"?>
<ownershipDocument>
    <schemaVersion>X0206</schemaVersion>
    <documentType>3</documentType>
    <periodOfReport>{period}</periodOfReport>
    <issuer><issuerCik>{cik}</issuerCik><issuerName>{issuer}</issuerName><issuerTradingSymbol>EX</issuerTradingSymbol></issuer>
    <reportingOwner>
        <reportingOwnerId><rptOwnerName>{owner}</rptOwnerName></reportingOwnerId>
        <reportingOwnerRelationship><isDirector>1</isDirector></reportingOwnerRelationship>
    </reportingOwner>
    <nonDerivativeTable>
        <nonDerivativeHolding>
            <securityTitle><value>Common Stock</value></securityTitle>
            <postTransactionAmounts><sharesOwnedFollowingTransaction><value>100</value></sharesOwnedFollowingTransaction></postTransactionAmounts>
            <ownershipNature><directOrIndirectOwnership><value>D</value></directOrIndirectOwnership></ownershipNature>
        </nonDerivativeHolding>
    </nonDerivativeTable>
    <ownerSignature><signatureName>{owner}</signatureName><signatureDate>{signed}</signatureDate></ownerSignature>
</ownershipDocument>
"""


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    """Runs one after another on one warehouse and lake, each checked as it ends."""
    root = tmp_path_factory.mktemp("lake_matches")
    inputs = root / "in"
    inputs.mkdir()
    settings = RunSettings(inputs=[inputs], warehouse=root / "wh.duckdb", lake=root / "lake", dq_dir=None)
    return root, inputs, settings


def test_1_duplicates_are_not_in_the_lake_and_are_counted_as_duplicates(story):
    root, inputs, settings = story
    shutil.copy(SEED_FORM4, inputs / "form4.md")
    shutil.copy(SEED_8K, inputs / "a_8k.txt")
    shutil.copy(SEED_8K, inputs / "b_same_bytes.txt")
    # The same 8-K with other line ends (other bytes, same content), read by another parse chunk.
    (inputs / "c_crlf.txt").write_bytes(SEED_8K.read_bytes().replace(b"\n", b"\r\n"))
    summary = nightly(settings)
    assert (summary.files_seen, summary.files_loaded, summary.files_duplicate, summary.files_unchanged,
            summary.files_quarantined, summary.filings_loaded) == (4, 2, 2, 0, 0, 2)
    a = str(inputs / "a_8k.txt")
    # Each names the filing and the file it repeats.
    assert sorted(path for path, _ in summary.duplicates) == [str(inputs / "b_same_bytes.txt"), str(inputs / "c_crlf.txt")]
    for _, repeats in summary.duplicates:
        assert repeats.startswith("same filing ff-") and repeats.endswith(f" {a}"), repeats
    assert rows(settings.warehouse, "SELECT files_duplicate, files_unchanged FROM runs") == [(2, 0)]
    eight_k = rows(settings.warehouse, "SELECT filing_id FROM filings WHERE form_type = '8-K'")[0][0]
    assert rows(settings.warehouse, "SELECT source_file, used FROM filing_sources WHERE filing_id = ? ORDER BY 1",
                [eight_k]) == [(a, True), (str(inputs / "b_same_bytes.txt"), False), (str(inputs / "c_crlf.txt"), False)]
    assert_lake_matches_warehouse(settings)
    assert rows(settings.warehouse, "SELECT count(*) FROM filings WHERE company_id IS NULL") == [(0,)]


def test_2_a_rerun_counts_unchanged_files_as_unchanged(story):
    root, inputs, settings = story
    summary = nightly(settings)
    assert (summary.files_unchanged, summary.files_duplicate, summary.files_loaded) == (4, 0, 0)
    assert_lake_matches_warehouse(settings)


def test_2b_a_removed_file_stays_loaded(story):
    root, inputs, settings = story
    aside = root / "aside.txt"
    shutil.move(inputs / "a_8k.txt", aside)
    before = rows(settings.warehouse, "SELECT filing_id FROM filings ORDER BY 1")
    summary = nightly(settings)
    assert summary.files_seen == 3 and summary.filings_loaded == 0
    assert rows(settings.warehouse, "SELECT filing_id FROM filings ORDER BY 1") == before
    assert rows(settings.warehouse, "SELECT status FROM ingest_ledger WHERE source_file = ?",
                [str(inputs / "a_8k.txt")]) == [("loaded",)]
    shutil.move(aside, inputs / "a_8k.txt")  # back, same bytes and mtime: unchanged
    assert nightly(settings).files_unchanged == 4
    assert_lake_matches_warehouse(settings)


def test_3_a_changed_file_replaces_its_filing_in_the_lake_too(story):
    root, inputs, settings = story
    text = SEED_FORM4.read_text()
    assert "Thomas M.  \nHerzog" in text
    (inputs / "form4.md").write_text(text.replace("Thomas M.  \nHerzog", "Thomas M. Herzog Jr."))
    summary = nightly(settings)
    assert (summary.files_loaded, summary.filings_loaded) == (1, 1)
    assert rows(settings.warehouse, "SELECT count(*) FROM filings WHERE form_type = '4'") == [(1,)]
    assert_lake_matches_warehouse(settings)


def test_4_an_amendment_and_a_company_merge(story):
    root, inputs, settings = story
    shutil.copy(AMENDMENT, inputs / "amendment.xml")
    name = "XYZ WIDGETS CORPORATION"
    (inputs / "early.txt").write_text(eight_k_text(name, dt.date(2010, 1, 4), [
        ("8.01", "Other Events", "The company opened a plant in Ohio.")], file_no="1-55555"))
    earlier = nightly(settings).run_id
    assert_lake_matches_warehouse(settings)
    files_before = _partition_files(settings, earlier)
    later = eight_k_text(name, dt.date(2010, 3, 1), [("8.01", "Other Events", "The company closed a plant.")],
                         file_no="1-55555")
    (inputs / "later.txt").write_text(submission("0000123456-10-000001", "0000123456", name, dt.date(2010, 3, 1),
                                                 dt.date(2010, 3, 2), later))
    nightly(settings)
    # The merge moved the earlier run's filing to the CIK company: its lake partition was rewritten.
    assert rows(settings.warehouse, "SELECT DISTINCT company_id FROM filings WHERE issuer_name = ?", [name]) == [
        ("cik:0000123456",)]
    assert_lake_matches_warehouse(settings)
    # Only the earlier partition's tables with a company_id were staged anew; its other tables kept their files.
    files_after = _partition_files(settings, earlier)
    rewritten = {table for table, files in files_before.items() if files_after.get(table) != files}
    assert rewritten == set(COMPANY_ID_TABLES) == {"filings", "filing_companies", "reporting_owners"}
    assert {"report_items", "nonderiv_transactions"} <= set(files_after)


def _partition_files(settings: RunSettings, run_id: str) -> dict[str, list[tuple[str, int, int]]]:
    """Per table, the Parquet files of one run's lake partition with their inode and modification time
    (a file written anew differs in one of them, even where the inode is reused)."""
    found: dict[str, list[tuple[str, int, int]]] = {}
    for path in sorted(Path(settings.lake).glob(f"*/run_id={run_id}/*.parquet")):
        found.setdefault(path.parent.parent.name, []).append((path.name, path.stat().st_ino, path.stat().st_mtime_ns))
    return found


def test_5_a_filing_the_load_refuses_is_quarantined_and_the_rest_loads(story):
    root, inputs, settings = story
    # No period, no signature date: its company would have no name to keep (companies.normalized_name).
    (inputs / "undated.xml").write_text(form3_xml("Nameless Widgets Inc", "Roe Richard", period="", signed="",
                                                  cik="0000999001"))
    (inputs / "fine.xml").write_text(form3_xml("Fine Widgets Inc", "Poe Edgar", cik="0000999002"))
    summary = nightly(settings)
    assert (summary.files_loaded, summary.files_quarantined) == (1, 1)
    assert [(Path(p).name, e) for p, e, _ in summary.quarantined] == [("undated.xml", "load_failed")]
    stage, detail = rows(settings.warehouse, "SELECT stage, detail FROM quarantine WHERE source_file = ?",
                         [str(inputs / "undated.xml")])[0]
    assert stage == "load" and "NOT NULL constraint failed: companies.normalized_name" in detail
    assert rows(settings.warehouse, "SELECT issuer_name FROM filings WHERE form_type = '3'") == [("Fine Widgets Inc",)]
    # The run's flags, staged by its validation, load without any of the refused filing.
    assert rows(settings.warehouse, "SELECT count(*) FROM dq_flags WHERE run_id = ? AND filing_id NOT IN "
                "(SELECT filing_id FROM filings)", [summary.run_id]) == [(0,)]
    assert_lake_matches_warehouse(settings)


def test_6_forget_removes_a_filing_everywhere_and_keeps_it_forgotten(story):
    root, inputs, settings = story
    fine = str(inputs / "fine.xml")
    done = forget.forget(settings.warehouse, settings.lake, [fine])
    assert done.files == [fine] and len(done.filing_ids) == 1
    assert rows(settings.warehouse, "SELECT count(*) FROM filings WHERE form_type = '3'") == [(0,)]
    assert rows(settings.warehouse, "SELECT status, filing_ids FROM ingest_ledger WHERE source_file = ?", [fine]) == [
        ("forgotten", [])]
    assert rows(settings.warehouse, "SELECT kind, forgotten, status FROM runs WHERE run_id = ?", [done.run_id]) == [
        ("forget", done.filing_ids, "completed")]
    assert_lake_matches_warehouse(settings)
    summary = nightly(settings)  # unchanged: not read again
    assert summary.filings_loaded == 0
    assert rows(settings.warehouse, "SELECT count(*) FROM filings WHERE form_type = '3'") == [(0,)]
    (inputs / "fine.xml").write_text(form3_xml("Fine Widgets Inc", "Poe Edgar", cik="0000999002", signed="2020-03-25"))
    assert nightly(settings).filings_loaded == 1  # changed: read again
    assert_lake_matches_warehouse(settings)
    with pytest.raises(forget.ForgetError, match="no-such-filing"):
        forget.forget(settings.warehouse, settings.lake, ["no-such-filing"])
