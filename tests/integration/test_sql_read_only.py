"""`filingflow sql` cannot write or change anything: every way of writing a file, attaching a
database, loading an extension or changing the configuration is refused with a one-line reason,
in a one-shot statement, a piped script, a saved query and the prompt; the warehouse, the lake
and every other file stay byte for byte as they were, and reading works as before."""
from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import duckdb
import pytest

from filingflow import sql_guard
from flows import cli
from flows.sql_prompt import Session


def _tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def place(tmp_path, monkeypatch):
    """A small warehouse beside a lake folder holding one published part."""
    for name in list(os.environ):
        if name.startswith("FILINGFLOW_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE TABLE filings (filing_id VARCHAR, form_type VARCHAR)")
    con.execute("INSERT INTO filings VALUES ('f1', '4'), ('f2', '8-K')")
    con.close()
    lake = tmp_path / "data" / "lake" / "filings" / "run_id=r1"
    lake.mkdir(parents=True)
    (lake / "part-00000.parquet").write_bytes(b"PAR1 stand-in")
    (tmp_path / "secret.csv").write_text("a,b\n1,2\n")
    return tmp_path, warehouse


def _attacks(root: Path, warehouse: Path) -> dict[str, str]:
    """Statement -> the words its refusal must contain."""
    lake = root / "data" / "lake" / "filings" / "run_id=r1"
    return {
        f"COPY (SELECT 1) TO '{warehouse}'": "COPY",
        f"COPY filings TO '{lake}/part-00001.parquet' (FORMAT parquet)": "COPY",
        f"COPY (SELECT 1) TO '{root}/out.csv'": "COPY",
        f"EXPORT DATABASE '{root}/exported'": "EXPORT DATABASE",
        f"ATTACH '{root}/other.duckdb' AS other": "ATTACH",
        "INSTALL fts": "INSTALL and LOAD",
        "LOAD fts": "INSTALL and LOAD",
        "SET enable_external_access = true": "SET",
        "SET memory_limit = '1GB'": "SET",
        "PRAGMA threads = 1": "SET",
        f"SET profile_output = '{root}/profile.json'": "SET",
        "SELECT 1; COPY (SELECT 1) TO 'x.csv'": "statement 2",
        "CREATE TABLE t AS SELECT 1": "CREATE",
        "DELETE FROM filings": "DELETE",
        "BEGIN TRANSACTION": "transactions",
    }


def test_every_write_is_refused_in_one_line_and_nothing_changes(place, capsys):
    root, warehouse = place
    before = _tree(root)
    for sql, words in _attacks(root, warehouse).items():
        code = cli.main(["sql", sql, "--warehouse", str(warehouse)])
        out, err = capsys.readouterr()
        assert code == 2, sql
        assert out == "", sql
        assert err.count("\n") == 1 and err.startswith("filingflow sql: refused"), (sql, err)
        assert words in err and "read-only" in err, (sql, err)
    assert _tree(root) == before
    assert cli.main(["sql", "SELECT count(*) AS n FROM filings", "--warehouse", str(warehouse),
                     "--format", "csv"]) == 0
    assert capsys.readouterr().out == "n\n2\n"


def test_the_engine_refuses_files_on_its_own(place):
    """Under the statement check, DuckDB itself: a reading statement cannot reach any file."""
    root, warehouse = place
    con = sql_guard.connect_read_only(warehouse)
    try:
        for sql in (f"SELECT * FROM read_csv('{root}/secret.csv')",
                    f"SELECT * FROM read_parquet('{root}/data/lake/*/*/*.parquet')",
                    f"COPY (SELECT 1) TO '{root}/out.csv'",
                    f"EXPORT DATABASE '{root}/exported'",
                    "SET lock_configuration = false"):
            with pytest.raises((duckdb.PermissionException, duckdb.InvalidInputException)):
                con.execute(sql)
        assert con.execute("SELECT count(*) FROM filings").fetchone() == (2,)
    finally:
        con.close()
    assert not (root / "out.csv").exists() and not (root / "exported").exists()


def test_reading_a_file_is_refused(place, capsys):
    """Decided: `filingflow sql` reads the warehouse only (a readable folder could be written by COPY)."""
    root, warehouse = place
    assert cli.main(["sql", f"SELECT * FROM read_csv('{root}/secret.csv')", "--warehouse", str(warehouse)]) == 2
    assert "disabled by configuration" in capsys.readouterr().err


def test_a_piped_script_stops_at_the_refused_statement(place, monkeypatch, capsys):
    root, warehouse = place
    before = _tree(root)
    script = (f"SELECT count(*) AS n FROM filings;\nCOPY filings TO '{warehouse}';\n"
              "SELECT 'not reached' AS x;\n")
    monkeypatch.setattr("sys.stdin", io.StringIO(script))
    assert cli.main(["sql", "--warehouse", str(warehouse), "--format", "csv"]) == 2
    out, err = capsys.readouterr()
    assert out == "n\n2\n"
    assert err.startswith("Error: refused: filingflow sql is read-only; COPY") and err.count("\n") == 1
    assert _tree(root) == before


def test_the_prompt_refuses_and_goes_on(place):
    root, warehouse = place
    out, err = io.StringIO(), io.StringIO()
    session = Session(warehouse, "csv", None, out=out, err=err)
    for line in (f"ATTACH '{root}/x.duckdb' AS x;", "SELECT form_type FROM filings", "ORDER BY 1;"):
        session.feed(line)
    assert err.getvalue() == ("Error: refused: filingflow sql is read-only; "
                              "ATTACH opens or creates another database file\n")
    assert out.getvalue() == "form_type\n4\n8-K\n"
    assert not (root / "x.duckdb").exists()


def test_a_saved_query_cannot_write(place, capsys):
    root, warehouse = place
    queries = root / "queries"
    queries.mkdir()
    (queries / "leak.sql").write_text(f"-- Writes the filings out.\nCOPY filings TO '{root}/leak.csv';\n")
    assert cli.main(["sql", "--query", "leak", "--queries-dir", str(queries), "--warehouse", str(warehouse)]) == 2
    assert "refused" in capsys.readouterr().err
    assert not (root / "leak.csv").exists()
    out, err = io.StringIO(), io.StringIO()
    Session(warehouse, "csv", queries, out=out, err=err).feed(".run leak")
    assert "COPY reads or writes files" in err.getvalue() and not (root / "leak.csv").exists()
