"""Company resolution read in batches of mentions: the same company ids, merges, companies and
company_names rows as resolving every pending mention at once, for a first load and for a later
load that meets companies stored by an earlier one."""
from __future__ import annotations

import datetime as dt
import random

import duckdb
import pytest

from filingflow import companies, warehouse
from filingflow.companies import resolve_companies
from filingflow.connections import open_warehouse
from tests.support.stored_rows import insert_rows

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
NAMES = ["Acme Widgets Inc.", "ACME WIDGETS INC /DE", "Blue Fund LP", "Blue Fund L.P.", "Cobalt Holdings LLC",
         "Delta Capital Partners", "Echo Trust", "Foxtrot Corp", "FOXTROT CORPORATION", "Smith John"]


def _filings(rng: random.Random, first: int, count: int) -> tuple[list[dict], list[dict], list[dict]]:
    """Filings first..first+count-1 with company blocks and owners that share CIKs, file numbers,
    IRS numbers, names and tickers in every combination (some name-only, some with a CIK)."""
    filings, blocks, owners = [], [], []
    for i in range(first, first + count):
        fid = f"f{i:04d}"
        filings.append(dict(filing_id=fid, content_id=fid, form_type="4", is_amendment=False, source_file=fid,
                            source_sha256="x", source_format="ownership_xml", parser_version="t", run_id="r",
                            loaded_at=NOW, filed_date=dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(900))))
        for index in range(rng.randrange(1, 3)):
            blocks.append(dict(
                filing_id=fid, company_index=index, role=rng.choice(["issuer", "filer", "reporting_owner"]),
                name=rng.choice(NAMES), cik=rng.choice([None, None, "123", "0000000456", "789"]),
                sec_file_number=rng.choice([None, "001-1", "001-2"]), irs_number=rng.choice([None, "12-345", "000"]),
                ticker=rng.choice([None, "ACME", "fox"])))
        for index in range(rng.randrange(0, 3)):
            owners.append(dict(filing_id=fid, owner_index=index, owner_name=rng.choice(NAMES),
                               owner_cik=rng.choice([None, "456", "999"])))
    return filings, blocks, owners


def _state(con: duckdb.DuckDBPyConnection) -> dict[str, list]:
    return {
        "filing_companies": con.execute(
            "SELECT filing_id, company_index, company_id FROM filing_companies ORDER BY ALL").fetchall(),
        "reporting_owners": con.execute(
            "SELECT filing_id, owner_index, company_id FROM reporting_owners ORDER BY ALL").fetchall(),
        "filings": con.execute("SELECT filing_id, company_id FROM filings ORDER BY ALL").fetchall(),
        "companies": con.execute("SELECT * FROM companies ORDER BY company_id").fetchall(),
        "company_names": con.execute("SELECT * FROM company_names ORDER BY ALL").fetchall(),
    }


def _two_loads(path, seed: int, batch: int, monkeypatch) -> tuple[dict, dict, tuple]:
    monkeypatch.setattr(companies, "RESOLVE_BATCH", batch)
    rng = random.Random(seed)
    with open_warehouse(path) as con:
        warehouse.ensure_schema(con)
        first = _filings(rng, 0, 40)
        for table, rows in zip(("filings", "filing_companies", "reporting_owners"), first):
            insert_rows(con, table, rows)
        one = resolve_companies(con, set(), [f["filing_id"] for f in first[0]])
        after_first = _state(con)
        second = _filings(rng, 40, 40)
        for table, rows in zip(("filings", "filing_companies", "reporting_owners"), second):
            insert_rows(con, table, rows)
        two = resolve_companies(con, set(), [f["filing_id"] for f in second[0]])
        return after_first, _state(con), (one, two)


@pytest.mark.parametrize("seed", [1, 2])
def test_resolving_in_batches_gives_what_one_batch_gives(tmp_path, monkeypatch, seed):
    whole = _two_loads(tmp_path / "whole.duckdb", seed, 1_000_000, monkeypatch)
    assert whole[1]["filing_companies"], "the generated mentions resolve to companies"
    assert any(cid for _, _, cid in whole[1]["reporting_owners"]), "entity owners get company ids too"
    for batch in (1, 7):
        assert _two_loads(tmp_path / f"batch{batch}.duckdb", seed, batch, monkeypatch) == whole, batch


def test_a_name_only_company_stored_earlier_merges_into_a_cik_read_in_a_later_batch(tmp_path, monkeypatch):
    monkeypatch.setattr(companies, "RESOLVE_BATCH", 1)
    with open_warehouse(tmp_path / "wh.duckdb") as con:
        warehouse.ensure_schema(con)
        base = dict(content_id="c", form_type="8-K", is_amendment=False, source_file="x", source_sha256="x",
                    source_format="ascii_8k", parser_version="t", run_id="r", loaded_at=NOW)
        insert_rows(con, "filings", [dict(base, filing_id="f1", filed_date=dt.date(2020, 1, 1))])
        insert_rows(con, "filing_companies", [dict(filing_id="f1", company_index=0, role="filer",
                                               name="Acme Widgets Inc.", sec_file_number="001-1")])
        resolve_companies(con, set(), ["f1"])
        assert con.execute("SELECT company_id FROM filing_companies").fetchall() == [("name:ACME WIDGETS INCORPORATED",)]
        insert_rows(con, "filings", [dict(base, filing_id=f, filed_date=dt.date(2021, 1, 1)) for f in ("f2", "f3")])
        insert_rows(con, "filing_companies", [
            dict(filing_id="f2", company_index=0, role="filer", name="Other Co", sec_file_number="002-9"),
            dict(filing_id="f3", company_index=0, role="filer", cik="123", name="ACME WIDGETS INC /DE",
                 sec_file_number="001-1")])
        resolved = resolve_companies(con, set(), ["f2", "f3"])
        assert resolved.merged == {"cik:0000000123"}
        assert con.execute("SELECT filing_id, company_id FROM filing_companies ORDER BY 1").fetchall() == [
            ("f1", "cik:0000000123"), ("f2", "name:OTHER COMPANY"), ("f3", "cik:0000000123")]


@pytest.mark.parametrize("batch", [1, 1_000_000])
def test_a_stored_company_is_known_by_every_mention_not_only_its_first(tmp_path, monkeypatch, batch):
    """A company stored with a CIK-less mention (CIK 0) and a CIK mention keeps its CIK for the resolver:
    a later mention of the same name under another CIK is another company, not merged into it."""
    monkeypatch.setattr(companies, "RESOLVE_BATCH", batch)
    with open_warehouse(tmp_path / "wh.duckdb") as con:
        warehouse.ensure_schema(con)
        base = dict(content_id="c", form_type="8-K", is_amendment=False, source_file="x", source_sha256="x",
                    source_format="ascii_8k", parser_version="t", run_id="r", loaded_at=NOW)
        insert_rows(con, "filings", [dict(base, filing_id=f, filed_date=dt.date(2020, 1, 1)) for f in ("f0", "f1")])
        insert_rows(con, "filing_companies", [
            dict(filing_id="f0", company_index=0, role="issuer", cik="0000000000", name="Alpha Corp"),
            dict(filing_id="f1", company_index=0, role="issuer", cik="0000000001", name="Alpha Corp")])
        resolve_companies(con, set(), ["f0", "f1"])
        assert {r[0] for r in con.execute("SELECT company_id FROM filing_companies").fetchall()} == {"cik:0000000001"}
        insert_rows(con, "filings", [dict(base, filing_id="f2", filed_date=dt.date(2021, 1, 1))])
        insert_rows(con, "filing_companies", [dict(filing_id="f2", company_index=0, role="issuer", cik="99",
                                               name="ALPHA CORP")])
        resolved = resolve_companies(con, set(), ["f2"])
        assert resolved.merged == set()
        assert con.execute("SELECT filing_id, company_id FROM filing_companies ORDER BY 1").fetchall() == [
            ("f0", "cik:0000000001"), ("f1", "cik:0000000001"), ("f2", "cik:0000000099")]
