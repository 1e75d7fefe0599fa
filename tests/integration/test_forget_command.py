"""`filingflow forget FILING_ID|PATH`: what it prints, its exit status, and what it leaves."""
from __future__ import annotations

import datetime as dt
import os

import duckdb
import pytest

from filingflow import warehouse
from filingflow.accounting import schema_row
from filingflow.schema import TABLES
from flows import cli

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def stored(tmp_path, monkeypatch):
    """A warehouse holding two filings from two files, written without a run."""
    for name in list(os.environ):
        if name.startswith("FILINGFLOW_"):
            monkeypatch.delenv(name)
    live = tmp_path / "wh.duckdb"
    warehouse.prepare(live)
    con = duckdb.connect(str(live))
    for number in (1, 2):
        path = str(tmp_path / f"in/f{number}.xml")
        for table, row in (
                ("filings", schema_row("filings", filing_id=f"ff-{number}", content_id=f"c{number}", form_type="4",
                                       is_amendment=False, source_file=path, source_sha256="ab", source_format="ownership_xml",
                                       parser_version="1", run_id="r1", loaded_at=NOW)),
                ("ingest_ledger", schema_row("ingest_ledger", source_file=path, source_sha256="ab", size_bytes=10,
                                             mtime_ns=1, status="loaded", filing_ids=[f"ff-{number}"], run_id="r1",
                                             ingested_at=NOW))):
            con.register("_row", TABLES[table].to_arrow([row]))
            con.execute(f'INSERT INTO "{table}" SELECT * FROM _row')
            con.unregister("_row")
    con.close()
    return tmp_path, live


def test_forget_by_path_prints_what_went_and_records_it(stored, capsys):
    root, live = stored
    path = str(root / "in/f1.xml")
    assert cli.main(["forget", path, "--warehouse", str(live), "--lake", str(root / "lake")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("forgot 1 filing (ff-1) carried by 1 file; recorded as run ")
    assert out[1] == f"  {path}: forgotten (read again only if it changes)"
    con = duckdb.connect(str(live), read_only=True)
    try:
        assert con.execute("SELECT filing_id FROM filings").fetchall() == [("ff-2",)]
        assert con.execute("SELECT status FROM ingest_ledger ORDER BY source_file").fetchall() == [
            ("forgotten",), ("loaded",)]
        assert con.execute("SELECT kind, forgotten FROM runs").fetchall() == [("forget", ["ff-1"])]
    finally:
        con.close()


def test_forget_of_something_unknown_changes_nothing(stored, capsys):
    root, live = stored
    before = live.read_bytes()
    assert cli.main(["forget", "ff-404", "--warehouse", str(live), "--lake", str(root / "lake")]) == 2
    assert capsys.readouterr().err == ("filingflow forget: no stored filing has the id or came from the file "
                                       "ff-404\n")
    assert live.read_bytes() == before
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("wh.duckdb")) == ["wh.duckdb", "wh.duckdb.lock"]
