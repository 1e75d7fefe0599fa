"""Warehouse storage without a flow: connections (read-only, fts, a run's memory limit), the
ingest ledger's queries, the warehouse's schema brought up to date, company resolution in SQL."""
from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pytest

from filingflow import ingest_ledger, warehouse
from filingflow.accounting import Copy
from filingflow.companies import resolve_companies
from filingflow.connections import connect, connect_with_fts, fts_extension_path, open_warehouse
from filingflow.schema import TABLES
from filingflow.views import VIEWS

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)


def insert(con: duckdb.DuckDBPyConnection, table: str, *rows: dict) -> None:
    data = TABLES[table].to_arrow([TABLES[table].row(r) for r in rows])
    con.register("_rows", data)
    try:
        con.execute(f'INSERT INTO "{table}" SELECT * FROM _rows')
    finally:
        con.unregister("_rows")


@pytest.fixture
def con(tmp_path):
    with open_warehouse(tmp_path / "wh.duckdb") as con:
        warehouse.ensure_schema(con)
        yield con


def test_a_reader_of_a_missing_warehouse_is_told_to_run_first(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no warehouse at .*run `filingflow run` first"):
        connect(tmp_path / "none.duckdb", read_only=True)
    assert not (tmp_path / "none.duckdb").exists()


@pytest.mark.skipif(fts_extension_path() is None, reason="duckdb-extension-fts is not installed")
def test_connect_with_fts_loads_the_extension_and_plain_connect_does_not(tmp_path):
    path = tmp_path / "wh.duckdb"
    connect(path).close()
    loaded = "SELECT loaded FROM duckdb_extensions() WHERE extension_name = 'fts'"
    with connect_with_fts(path, read_only=True) as con:
        assert con.execute(loaded).fetchone() == (True,)
        assert con.execute("SELECT stem('vesting', 'porter')").fetchone() == ("vest",)
    with connect(path, read_only=True) as con:
        assert con.execute(loaded).fetchone() in (None, (False,))


def test_a_run_connection_has_the_run_memory_limit(tmp_path):
    with duckdb.connect() as plain:
        plain.execute("SET memory_limit = '512MB'")
        expected = plain.execute("SELECT current_setting('memory_limit')").fetchone()
    with open_warehouse(tmp_path / "wh.duckdb") as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone() == expected


def test_ensure_schema_creates_every_table_and_view_and_adds_new_columns(tmp_path):
    with open_warehouse(tmp_path / "old.duckdb") as con:
        con.execute('CREATE TABLE runs ("run_id" VARCHAR NOT NULL, "started_at" TIMESTAMPTZ NOT NULL)')
        con.execute("INSERT INTO runs VALUES ('r0', TIMESTAMPTZ '2020-01-01 00:00:00+00')")
        warehouse.ensure_schema(con)
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        columns = [r[0] for r in con.execute("DESCRIBE runs").fetchall()]
        assert set(TABLES) <= tables and set(VIEWS) <= views
        assert set(columns) == set(TABLES["runs"].column_names)
        assert con.execute("SELECT run_id, status FROM runs").fetchall() == [("r0", None)]


def test_ledger_queries(con):
    insert(con, "ingest_ledger",
           dict(source_file="a.txt", source_sha256="aa", size_bytes=10, mtime_ns=5, status="loaded",
                filing_ids=["f1", "f2"], run_id="r1", ingested_at=NOW),
           dict(source_file="b.txt", source_sha256="bb", size_bytes=3, status="quarantined", run_id="r1",
                ingested_at=NOW),
           dict(source_file="c.txt", source_sha256="aa", size_bytes=10, status="duplicate", filing_ids=[],
                run_id="r2", ingested_at=NOW))
    insert(con, "runs", dict(run_id="r1", started_at=NOW, status="completed"),
           dict(run_id="r2", started_at=NOW, status="failed"))
    insert(con, "filings", dict(filing_id="f1", content_id="c1", form_type="4", is_amendment=False,
                                accession_number="0000000001-26-000001", source_file="a.txt", source_sha256="aa",
                                source_format="ownership_xml", parser_version="t", run_id="r1", loaded_at=NOW),
           dict(filing_id="ff-2", content_id="c2", form_type="8-K", is_amendment=False, source_file="a.txt",
                source_sha256="aa", source_format="ascii_8k", parser_version="t", run_id="r1", loaded_at=NOW))
    # Of the files found, those not held with the same size and mtime come back, with their last hash.
    def changed(paths, sizes, mtimes, **kwargs):
        found = pa.table({"path": pa.array(paths, pa.string()), "size": pa.array(sizes, pa.int64()),
                          "mtime_ns": pa.array(mtimes, pa.int64())})
        rows = ingest_ledger.changed_files(con, found, **kwargs).to_pylist()
        return [(paths[r["row"]], r["source_sha256"]) for r in rows]

    assert changed(["a.txt", "b.txt", "c.txt", "new.txt"], [10, 3, 10, 1], [5, None, 7, 1]) == [
        ("b.txt", "bb"), ("c.txt", "aa"), ("new.txt", None)]
    assert changed(["b.txt", "a.txt"], [3, 11], [9, 5]) == [("b.txt", "bb"), ("a.txt", "aa")]
    assert changed(["b.txt"], [3], [9], retry_quarantined=True) == [("b.txt", None)]
    assert changed([], [], []) == []
    # Files read whose bytes a loaded file of another path holds: only a loaded one counts.
    assert ingest_ledger.loaded_copies(con, {"a.txt": "aa", "d.txt": "aa", "e.txt": "bb", "f.txt": "zz"}) == {
        "d.txt": "a.txt"}
    assert ingest_ledger.loaded_copies(con, {}) == {}
    assert sorted(ingest_ledger.previous_filing_ids(con, ["a.txt", "b.txt", "z.txt"])) == ["f1", "f2"]
    assert ingest_ledger.previous_filing_ids(con, []) == []
    assert ingest_ledger.committed_runs(con) == {"r1"}
    # Stored filings that may be a copy read again: same id, same content or same filing key.
    read = [Copy("f9", "z.txt", "ownership_xml", None, "c1", None), Copy("ff-2", "y.txt", "ascii_8k", None, "c9", None),
            Copy("f8", "x.txt", "ascii_8k", None, "c8", "fk-none")]
    assert sorted(r["filing_id"] for r in ingest_ledger.stored_copies(con, read)) == ["f1", "ff-2"]
    assert min(ingest_ledger.stored_copies(con, read), key=lambda r: r["filing_id"]) == {
        "filing_id": "f1", "source_file": "a.txt", "source_format": "ownership_xml",
        "accession_number": "0000000001-26-000001", "content_id": "c1", "filing_key": None}
    assert ingest_ledger.stored_copies(con, []) == []
    # Copies read that share a value with another copy read or with a stored filing, by position.
    staged = pa.table({"filing_id": ["n1", "n2", "n2", "n3", "n4", "f1", "n5", "n6", "n7"],
                       "content_id": ["x1", "x2", "x3", "x4", "x4", "x5", "c2", "x6", "x7"],
                       "filing_key": [None, None, None, "k", None, None, None, "k9", "k9"]})
    assert ingest_ledger.shared_copies(con, staged).to_pylist() == [1, 2, 3, 4, 5, 6, 7, 8]
    lone = pa.table({"filing_id": ["n1", "n8"], "content_id": ["x1", "x8"], "filing_key": [None, None]})
    assert ingest_ledger.shared_copies(con, lone).to_pylist() == []


def test_prepare_creates_the_warehouse_and_writes_it_again_only_for_a_new_schema(tmp_path):
    live = tmp_path / "wh.duckdb"
    old_copy = tmp_path / "wh.duckdb.next"  # left by a crashed run of an older version: never swapped in
    old_copy.write_bytes(b"a private copy")
    warehouse.prepare(live)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wh.duckdb"]
    with connect(live, read_only=True) as reader:
        tables = {r[0] for r in reader.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert tables >= set(TABLES) and set(VIEWS) <= {r[0] for r in reader.execute(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        assert reader.execute("SELECT count(*) FROM transaction_codes").fetchone()[0] > 10
    before = (live.read_bytes(), live.stat().st_mtime_ns)
    warehouse.prepare(live)  # up to date: only read
    assert (live.read_bytes(), live.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wh.duckdb"]
    with open_warehouse(live) as con:  # a warehouse of an older version: no stamp, a table short
        con.execute("COMMENT ON TABLE runs IS NULL")
        con.execute("DROP TABLE insider_trades")
        con.execute('DELETE FROM transaction_codes')
    warehouse.prepare(live)
    with connect(live, read_only=True) as reader:
        assert reader.execute("SELECT count(*) FROM transaction_codes").fetchone()[0] > 10
        assert reader.execute("SELECT count(*) FROM insider_trades").fetchone() == (0,)


def test_resolve_companies_merges_a_name_only_company_into_its_cik(con):
    filing = dict(content_id="c", form_type="8-K", is_amendment=False, source_file="x", source_sha256="x",
                  source_format="ascii_8k", parser_version="t", run_id="r", loaded_at=NOW)
    insert(con, "filings", dict(filing, filing_id="f1", filed_date=dt.date(2020, 1, 1)),
           dict(filing, filing_id="f2", filed_date=dt.date(2021, 1, 1)))
    insert(con, "filing_companies",
           dict(filing_id="f1", company_index=0, role="filer", name="Acme Widgets Inc.", sec_file_number="001-1"),
           dict(filing_id="f2", company_index=0, role="filer", cik="0000000123", name="ACME WIDGETS INC /DE",
                sec_file_number="001-1"))
    resolve_companies(con, set())
    assert con.execute("SELECT filing_id, company_id FROM filing_companies ORDER BY 1").fetchall() == [
        ("f1", "cik:0000000123"), ("f2", "cik:0000000123")]
    assert con.execute("SELECT filing_id, company_id FROM filings ORDER BY 1").fetchall() == [
        ("f1", "cik:0000000123"), ("f2", "cik:0000000123")]
    assert con.execute("SELECT company_id, cik, name, filing_count FROM companies").fetchall() == [
        ("cik:0000000123", "0000000123", "ACME WIDGETS INC /DE", 2)]
