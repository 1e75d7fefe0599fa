"""The company_keys table: one row per company and key, kept by each load (new mentions, merges), by
replaced filings and by forget, always equal to the keys of the stored mentions; and resolution through
it gives the company ids a resolver that knows every stored mention gives."""
from __future__ import annotations

import datetime as dt
import random

import duckdb
import pyarrow as pa
import pytest

from filingflow import companies, warehouse
from filingflow.companies import CompanyResolver, is_entity_name, resolve_companies, stored_keys
from filingflow.connections import open_warehouse
from filingflow.schema import TABLES
from tests.support.stored_rows import insert_rows

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
NAMES = ["Acme Widgets Inc.", "ACME WIDGETS INC /DE", "Blue Fund LP", "Blue Fund L.P.", "Cobalt Holdings LLC",
         "Delta Capital Partners", "Echo Trust", "Foxtrot Corp", "FOXTROT CORPORATION", "Smith John"]
BASE = dict(content_id="c", form_type="4", is_amendment=False, source_file="x", source_sha256="x",
            source_format="ownership_xml", parser_version="t", run_id="r", loaded_at=NOW)


def _filings(rng: random.Random, first: int, count: int) -> tuple[list[dict], list[dict], list[dict]]:
    """Filings whose company blocks and owners share CIKs, file numbers (one blank), IRS numbers, names
    and tickers in every combination, so that loads match, merge and leave companies apart; a CIK new
    with each call lets a later load absorb name-only companies of earlier ones."""
    filings, blocks, owners = [], [], []
    for i in range(first, first + count):
        fid = f"f{i:04d}"
        filings.append(dict(BASE, filing_id=fid, filed_date=dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(900))))
        for index in range(rng.randrange(1, 3)):
            blocks.append(dict(
                filing_id=fid, company_index=index, role=rng.choice(["issuer", "filer", "reporting_owner"]),
                name=rng.choice(NAMES), cik=rng.choice([None, None, "123", "0000000456", "789", "0", str(5000 + first)]),
                sec_file_number=rng.choice([None, "001-1", " 001-2 ", "  "]), irs_number=rng.choice([None, "12-345", "000"]),
                ticker=rng.choice([None, "ACME", "fox "])))
        for index in range(rng.randrange(0, 3)):
            owners.append(dict(filing_id=fid, owner_index=index, owner_name=rng.choice(NAMES),
                               owner_cik=rng.choice([None, "456", "999"])))
    return filings, blocks, owners


def _load(con: duckdb.DuckDBPyConnection, rows: tuple[list[dict], list[dict], list[dict]]) -> companies.Resolved:
    for table, table_rows in zip(("filings", "filing_companies", "reporting_owners"), rows):
        insert_rows(con, table, table_rows)
    return resolve_companies(con, set(), [f["filing_id"] for f in rows[0]])


def _stored(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]]:
    rows = con.execute("SELECT company_id, kind, value FROM company_keys").fetchall()
    assert len(rows) == len(set(rows)), "one row per company and key"
    return set(rows)


def _mentions(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("""
        SELECT company_id, cik, name, ticker, sec_file_number, irs_number FROM filing_companies WHERE company_id IS NOT NULL
        UNION ALL SELECT company_id, owner_cik, owner_name, NULL, NULL, NULL FROM reporting_owners
        WHERE company_id IS NOT NULL""").fetchall()


def _expected(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]]:
    """The keys of every stored mention, worked out anew from the mentions."""
    return {(cid, kind, value) for cid, cik, name, ticker, file_no, irs in _mentions(con)
            for kind, value in stored_keys(dict(cik=cik, name=name, ticker=ticker, sec_file_number=file_no,
                                                irs_number=irs))}


def _ids(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT 'fc', filing_id, company_index, company_id FROM filing_companies "
                       "UNION ALL SELECT 'ro', filing_id, owner_index, company_id FROM reporting_owners ORDER BY ALL").fetchall()


def _knowing_every_mention(con: duckdb.DuckDBPyConnection, rows: tuple[list[dict], list[dict], list[dict]]
                           ) -> dict[tuple, str | None]:
    """The ids a resolver that learns every stored mention (no company_keys) gives a load's mentions,
    CIK mentions first, as resolve_companies orders them; merges applied."""
    resolver = CompanyResolver()
    for cid, cik, name, ticker, file_no, irs in _mentions(con):
        resolver.learn(cid, dict(cik=cik, name=name, ticker=ticker, sec_file_number=file_no, irs_number=irs))
    _, blocks, owners = rows
    pending = [("filing_companies", b["filing_id"], b["company_index"], b.get("cik"), b["name"], b.get("ticker"),
                b.get("sec_file_number"), b.get("irs_number"), b["role"]) for b in blocks]
    pending += [("reporting_owners", o["filing_id"], o["owner_index"], o.get("owner_cik"), o["owner_name"],
                 None, None, None, None) for o in owners]
    pending.sort(key=lambda p: (p[3] is None, p[1], p[0], p[2]))
    ids = {}
    for tbl, fid, idx, cik, name, ticker, file_no, irs, role in pending:
        key = ("fc" if tbl == "filing_companies" else "ro", fid, idx)
        if (tbl == "reporting_owners" or role == "reporting_owner") and not is_entity_name(name):
            ids[key] = None
            continue
        ids[key] = resolver.resolve(dict(cik=cik, name=name, ticker=ticker, sec_file_number=file_no, irs_number=irs))
    return {k: resolver.merges.get(v, v) for k, v in ids.items()}


def test_company_keys_follow_loads_and_resolution_matches_knowing_every_mention(tmp_path, monkeypatch):
    monkeypatch.setattr(companies, "RESOLVE_BATCH", 5)  # several batches per load
    merged = set()
    for seed in (1, 2, 3, 4):
        rng = random.Random(seed)
        with open_warehouse(tmp_path / f"wh{seed}.duckdb") as con:
            warehouse.ensure_schema(con)
            for first in range(0, 90, 30):
                rows = _filings(rng, first, 30)
                expected = _knowing_every_mention(con, rows)
                merged |= _load(con, rows).merged
                got = {(t, fid, idx): cid for t, fid, idx, cid in _ids(con) if fid >= f"f{first:04d}"}
                assert got == expected, seed
                assert _stored(con) == _expected(con), seed
            kinds = {kind for _, kind, _ in _stored(con)}
            assert kinds == {"cik", "file", "irs", "name", "ticker"}
            assert not any(v == "0000000000" for _, k, v in _stored(con) if k == "cik"), "CIK 0 is no CIK"
    assert merged, "the generated loads merge name-only companies into CIK ones"


def test_a_merge_moves_the_absorbed_company_keys_to_the_cik_company(tmp_path):
    with open_warehouse(tmp_path / "wh.duckdb") as con:
        warehouse.ensure_schema(con)
        _load(con, ([dict(BASE, filing_id="f1", filed_date=dt.date(2020, 1, 1))],
                    [dict(filing_id="f1", company_index=0, role="filer", name="Acme Widgets Inc.",
                          sec_file_number="001-1", irs_number="12-345")], []))
        assert _stored(con) == {("name:ACME WIDGETS INCORPORATED", "file", "001-1"),
                                ("name:ACME WIDGETS INCORPORATED", "irs", "12345"),
                                ("name:ACME WIDGETS INCORPORATED", "name", "ACME WIDGETS INCORPORATED")}
        resolved = _load(con, ([dict(BASE, filing_id="f2", filed_date=dt.date(2021, 1, 1))],
                               [dict(filing_id="f2", company_index=0, role="issuer", cik="123",
                                     name="ACME WIDGETS INC /DE", sec_file_number="001-1", ticker="acme")], []))
        assert resolved.merged == {"cik:0000000123"}
        assert _stored(con) == {("cik:0000000123", "cik", "0000000123"), ("cik:0000000123", "file", "001-1"),
                                ("cik:0000000123", "irs", "12345"), ("cik:0000000123", "ticker", "ACME"),
                                ("cik:0000000123", "name", "ACME WIDGETS INCORPORATED")}


def test_forget_takes_the_keys_only_the_forgotten_filings_gave(tmp_path):
    with open_warehouse(tmp_path / "wh.duckdb") as con:
        warehouse.ensure_schema(con)
        _load(con, ([dict(BASE, filing_id=f, filed_date=dt.date(2020, 1, 1)) for f in ("f1", "f2", "f3")],
                    [dict(filing_id="f1", company_index=0, role="issuer", cik="123", name="Acme Widgets Inc.",
                          ticker="ACME"),
                     dict(filing_id="f2", company_index=0, role="issuer", cik="123", name="Acme Gadgets Inc.",
                          sec_file_number="001-1"),
                     dict(filing_id="f3", company_index=0, role="issuer", name="Foxtrot Corp")], []))
        before = _stored(con)
        assert ("cik:0000000123", "file", "001-1") in before and ("name:FOXTROT CORPORATION", "name",
                                                                  "FOXTROT CORPORATION") in before
        warehouse.forget_filings(con, tmp_path / "lake", "forget-1", ["f2", "f3"], [], NOW)
        assert _stored(con) == {("cik:0000000123", "cik", "0000000123"), ("cik:0000000123", "ticker", "ACME"),
                                ("cik:0000000123", "name", "ACME WIDGETS INCORPORATED")}
        # The forgotten file number no longer names the company: a new mention by it alone is a company of its own.
        _load(con, ([dict(BASE, filing_id="f4", filed_date=dt.date(2021, 1, 1))],
                    [dict(filing_id="f4", company_index=0, role="issuer", name="Other Name Inc", sec_file_number="001-1")],
                    []))
        assert con.execute("SELECT company_id FROM filing_companies WHERE filing_id = 'f4'").fetchone() == (
            "name:OTHER NAME INCORPORATED",)
        assert _stored(con) == _expected(con)


def test_a_replaced_filing_takes_its_old_keys_with_it(tmp_path):
    """A load that replaces a filing (its file changed) recomputes the keys of the companies that lost mentions."""
    with open_warehouse(tmp_path / "wh.duckdb") as con:
        warehouse.ensure_schema(con)
        _load(con, ([dict(BASE, filing_id="f1", filed_date=dt.date(2020, 1, 1))],
                    [dict(filing_id="f1", company_index=0, role="issuer", cik="123", name="Acme Widgets Inc.",
                          ticker="OLD")], []))
        losing = {r[0] for r in con.execute("SELECT company_id FROM filing_companies WHERE filing_id = 'f1'").fetchall()}
        for table in ("filings", "filing_companies", "reporting_owners"):
            con.execute(f"DELETE FROM {table} WHERE filing_id = 'f1'")
        insert_rows(con, "filings", [dict(BASE, filing_id="f1", filed_date=dt.date(2020, 1, 1))])
        insert_rows(con, "filing_companies", [dict(filing_id="f1", company_index=0, role="issuer", cik="123",
                                               name="Acme Widgets Inc.", ticker="NEW")])
        resolve_companies(con, losing, ["f1"])
        assert ("cik:0000000123", "ticker", "NEW") in _stored(con)
        assert ("cik:0000000123", "ticker", "OLD") not in _stored(con)
        assert _stored(con) == _expected(con)


def test_a_warehouse_without_company_keys_gets_them_from_its_mentions(tmp_path, monkeypatch):
    """A warehouse of an older version (resolved mentions, no company_keys rows) resolves its next load
    as one that always had them."""
    rng = random.Random(7)
    loads = [_filings(rng, 0, 40), _filings(rng, 40, 40)]
    results = []
    for name, drop in (("kept", False), ("older", True)):
        with open_warehouse(tmp_path / f"{name}.duckdb") as con:
            warehouse.ensure_schema(con)
            _load(con, loads[0])
            if drop:
                con.execute("DELETE FROM company_keys")
            _load(con, loads[1])
            results.append((_ids(con), _stored(con), con.execute("SELECT * FROM companies ORDER BY ALL").fetchall()))
            assert _stored(con) == _expected(con)
    assert results[0] == results[1]


def test_company_keys_is_described_like_every_table():
    table = TABLES["company_keys"]
    assert table.kind == "derived" and table.primary_key == ("company_id", "kind", "value")
    assert table.column_index["kind"].allowed == ("cik", "file", "irs", "name", "ticker")
    assert table.arrow_schema().field("value").type == pa.string()
