"""`filingflow export`: a warehouse built by the nightly flow from the seeds is
exported as Parquet and CSV, read back with pyarrow and DuckDB and compared to
the warehouse; then a second run (a new Form 4/A, the 8-K changed) is added
incrementally and the export must again equal the warehouse, without duplicates."""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import json
import shutil
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from conftest import ROOT, SEED_8K, SEED_FORM4, input_folder

from filingflow import __version__
from filingflow.export import EXPORTABLE, ExportResult, export, parse_since
from filingflow.schema import DESCRIBED
from filingflow.views import build_stored
from flows.cli import main as cli_main
from flows.pipeline import RunSettings, nightly

FORM4A = ROOT / "tests" / "support" / "fixtures" / "ownership_text_form4a_two_owners.txt"
PARTITION_TYPES = {"filing_year": pa.int32(), "form": pa.string()}
HIVE = "hive_partitioning = true, hive_types = {'filing_year': INTEGER, 'form': VARCHAR}"


@dataclass
class Built:
    first_wh: Path  # the warehouse after the first run (a copy)
    wh: Path  # after the second run
    parquet: ExportResult  # full exports of the first run
    csv: ExportResult
    incremental: ExportResult  # the first run's export + the second run, incrementally
    repeated: ExportResult  # the same incremental export once more, into a copy
    full_after: ExportResult  # a full export after the second run
    since: dt.datetime
    second_run_id: str


@pytest.fixture(scope="module")
def built(prefect_api, tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("export")
    inputs = input_folder(root, SEED_FORM4, SEED_8K)
    settings = RunSettings(inputs=[inputs], warehouse=root / "wh.duckdb", lake=root / "lake", dq_dir=None)
    nightly(settings)
    first_wh = root / "first.duckdb"
    shutil.copy(settings.warehouse, first_wh)
    parquet = export(settings.warehouse, root / "parquet")
    csv_export = export(settings.warehouse, root / "csv", fmt="csv")
    shutil.copytree(root / "parquet", root / "incremental")

    shutil.copy(FORM4A, inputs)
    with open(inputs / SEED_8K.name, "a") as handle:  # a changed file: its filing is read again
        handle.write("\nA note appended after filing.\n")
    second = nightly(settings)
    since = parse_since("previous", root / "incremental")
    incremental = export(settings.warehouse, root / "incremental", since=since)
    shutil.copytree(root / "incremental", root / "repeated")
    repeated = export(settings.warehouse, root / "repeated", since=since)
    full_after = export(settings.warehouse, root / "full_after")
    return Built(first_wh, settings.warehouse, parquet, csv_export, incremental, repeated, full_after, since,
                 second.run_id)


# --- helpers -------------------------------------------------------------------

def warehouse_rows(db: Path, table: str) -> list[dict]:
    spec = DESCRIBED[table]
    with contextlib.closing(duckdb.connect(str(db), read_only=True)) as con:
        con.execute("SET TimeZone = 'UTC'")
        return con.execute(f'SELECT * FROM "{table}"').to_arrow_table().select(spec.column_names) \
            .sort_by([(c, "ascending") for c in spec.primary_key]).to_pylist()


def manifest(result: ExportResult) -> dict:
    return json.loads((result.out / "manifest.json").read_text())


def duckdb_source(export_dir: Path, table: str) -> str:
    """How an analyst reads a table's files: hive partitions with their types for filing tables."""
    folder = (export_dir / table).as_posix()
    if DESCRIBED[table].kind in ("filing", "view"):  # the views are partitioned as the filing tables
        return f"read_parquet('{folder}/**/*.parquet', {HIVE})"
    return f"read_parquet('{folder}/*.parquet')"


def pk_duplicates(con: duckdb.DuckDBPyConnection, source: str, table: str) -> int:
    pk = ", ".join(DESCRIBED[table].primary_key)
    return con.execute(f"SELECT count(*) FROM (SELECT {pk} FROM {source} GROUP BY ALL HAVING count(*) > 1)").fetchone()[0]


def assert_duckdb_equals_warehouse(export_dir: Path, db: Path, tables) -> None:
    """DuckDB reads every table back with the warehouse's rows and types (EXCEPT ALL both ways)."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{db.as_posix()}' AS wh (READ_ONLY)")
    for table in tables:
        spec = DESCRIBED[table]
        cols = ", ".join(f'"{c}"' for c in spec.column_names)
        expected = con.execute(f'SELECT count(*) FROM wh."{table}"').fetchone()[0]
        source = duckdb_source(export_dir, table)
        got_types = con.execute(f"DESCRIBE SELECT {cols} FROM {source}").fetchall()
        want_types = con.execute(f'DESCRIBE SELECT {cols} FROM wh."{table}"').fetchall()
        assert [r[:2] for r in got_types] == [r[:2] for r in want_types], table
        assert con.execute(f"SELECT count(*) FROM {source}").fetchone()[0] == expected, table
        for a, b in ((source, f'wh."{table}"'), (f'wh."{table}"', source)):
            assert con.execute(f"SELECT count(*) FROM (SELECT {cols} FROM {a} EXCEPT ALL "
                               f"SELECT {cols} FROM {b})").fetchone()[0] == 0, table
        assert pk_duplicates(con, source, table) == 0, table
        if spec.kind in ("filing", "view"):  # every row sits in its filing's partition
            assert con.execute(
                f"SELECT count(*) FROM {source} e JOIN wh.filings f USING (filing_id) "
                "WHERE e.filing_year <> coalesce(year(f.filed_date), year(f.period_of_report), 0) "
                "OR e.form <> replace(f.form_type, '/', '_')").fetchone()[0] == 0, table


# --- full export, Parquet --------------------------------------------------------

def test_every_table_is_exported_with_its_partitions(built):
    assert list(built.parquet.written) == list(EXPORTABLE)
    assert built.parquet.mode == "full" and built.parquet.files_kept == 0
    out = built.parquet.out
    assert sorted(p.name for p in (out / "filings").iterdir()) == ["filing_year=2002", "filing_year=2007"]
    assert [p.name for p in (out / "filings" / "filing_year=2007").iterdir()] == ["form=4"]
    assert [p.name for p in (out / "filings" / "filing_year=2002").iterdir()] == ["form=8-K"]
    assert [p.name for p in (out / "companies").iterdir()] == [f"part-{built.parquet.export_id}.parquet"]
    assert built.parquet.totals["nonderiv_transactions"] == 10
    assert built.parquet.totals["report_items"] == 2
    assert built.parquet.totals["transaction_codes"] == len(warehouse_rows(built.first_wh, "transaction_codes"))


def test_views_and_empty_tables_are_exported(built):
    out, totals = built.parquet.out, built.parquet.totals
    assert (totals["insider_trades"], totals["derivative_trades"], totals["company_events"]) == (10, 1, 2)
    assert [p.name for p in (out / "insider_trades" / "filing_year=2007").iterdir()] == ["form=4"]
    assert manifest(built.parquet)["tables"]["insider_trades"]["kind"] == "view"
    empty = [t for t in EXPORTABLE if totals[t] == 0]
    assert "quarantine" in empty and "deriv_holdings" in empty
    for table in empty:  # one file, its columns, no rows: the folder reads like any other
        files = manifest(built.parquet)["tables"][table]["files"]
        assert [(f["rows"], f["partition"]) for f in files] == [
            (0, {"filing_year": 0, "form": "unknown"} if DESCRIBED[table].kind in ("filing", "view") else {})]
        frame = pd.read_parquet(out / table)
        assert frame.empty and set(DESCRIBED[table].column_names) <= set(frame.columns), table
    for table in empty:  # in CSV too: the header
        (path,) = (built.csv.out / table).rglob("*.csv")
        assert path.read_text().splitlines() == [",".join(f'"{c}"' for c in DESCRIBED[table].column_names)]


def test_pyarrow_reads_back_the_warehouse_rows_and_types(built):
    for table in EXPORTABLE:
        spec = DESCRIBED[table]
        expected = warehouse_rows(built.first_wh, table)
        if not expected:  # one file with the columns and no rows: pandas reads the folder
            assert built.parquet.totals[table] == 0
            frame = pd.read_parquet(built.parquet.out / table)
            assert len(frame) == 0 and set(spec.column_names) <= set(frame.columns), table
            continue
        data = ds.dataset(built.parquet.out / table, format="parquet", partitioning="hive").to_table()
        for column in spec.columns:
            assert data.schema.field(column.name).type == column.type, (table, column.name)
        rows = data.select(spec.column_names).sort_by([(c, "ascending") for c in spec.primary_key]).to_pylist()
        assert rows == expected, table
        if spec.kind in ("filing", "view"):
            # Inferred from folder names, form=4 alone would be a number: the README declares the types.
            declared = ds.partitioning(pa.schema(list(PARTITION_TYPES.items())), flavor="hive")
            data = ds.dataset(built.parquet.out / table, format="parquet", partitioning=declared).to_table()
            assert {n: data.schema.field(n).type for n in PARTITION_TYPES} == PARTITION_TYPES
            assert set(zip(data["filing_year"].to_pylist(), data["form"].to_pylist())) <= {(2007, "4"), (2002, "8-K")}


def test_duckdb_reads_back_the_warehouse_rows_and_types(built):
    assert_duckdb_equals_warehouse(built.parquet.out, built.first_wh, EXPORTABLE)


def test_parquet_metadata_carries_the_schema_descriptions_and_the_source_runs(built):
    with contextlib.closing(duckdb.connect(str(built.first_wh), read_only=True)) as con:
        run_of = dict(con.execute("SELECT filing_id, run_id FROM filings").fetchall())
        last_run = con.execute("SELECT max(run_id) FROM runs").fetchone()[0]
    for table, info in manifest(built.parquet)["tables"].items():
        spec = DESCRIBED[table]
        for entry in info["files"]:
            path = built.parquet.out / entry["path"]
            schema = pq.read_schema(path)
            for column in spec.columns:
                assert schema.field(column.name).metadata[b"description"].decode() == column.description
            meta = {k.decode(): v.decode() for k, v in schema.metadata.items() if k != b"ARROW:schema"}
            assert meta["table"] == table and meta["description"] == spec.description
            assert meta["primary_key"] == ",".join(spec.primary_key)
            assert meta["filingflow_version"] == __version__
            assert meta["export_id"] == built.parquet.export_id
            assert dt.datetime.fromisoformat(meta["exported_at"]).tzinfo is not None
            if spec.kind in ("filing", "view") and not entry["rows"]:  # a table without rows: one empty file
                assert meta["run_ids"] == "" and meta["partition"] == "filing_year=0/form=unknown"
            elif spec.kind in ("filing", "view"):
                filing_ids = set(pq.read_table(path, columns=["filing_id"])["filing_id"].to_pylist())
                assert meta["run_ids"].split(",") == sorted({run_of[f] for f in filing_ids})
                assert meta["partition"] == "filing_year={filing_year}/form={form}".format(**entry["partition"])
            else:
                assert meta["run_ids"] == last_run and meta["partition"] == ""


def check_manifest(result: ExportResult) -> dict:
    """Every file is listed with its true rows, bytes and SHA-256; nothing else is in the folder."""
    doc = manifest(result)
    listed = set()
    for table, info in doc["tables"].items():
        assert info["rows"] == sum(e["rows"] for e in info["files"]) == result.totals[table]
        for entry in info["files"]:
            path = result.out / entry["path"]
            data = path.read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
            assert len(data) == entry["bytes"]
            if doc["format"] == "parquet":
                assert pq.ParquetFile(path).metadata.num_rows == entry["rows"]
            else:
                assert len(list(csv.reader(io.StringIO(data.decode())))) == entry["rows"] + 1
            folder = "/".join(f"{k}={v}" for k, v in entry["partition"].items())
            assert entry["path"] == f"{table}/{folder + '/' if folder else ''}part-{entry['export_id']}.{doc['format']}"
            listed.add(entry["path"])
    on_disk = {p.relative_to(result.out).as_posix() for p in result.out.rglob("*") if p.is_file()}
    assert on_disk == listed | {"README.md", "manifest.json"}
    return doc


def test_manifest_checksums_match_the_files(built):
    for result in (built.parquet, built.csv, built.incremental, built.repeated, built.full_after):
        check_manifest(result)
    doc = manifest(built.parquet)
    with contextlib.closing(duckdb.connect(str(built.first_wh), read_only=True)) as con:
        assert doc["source"]["last_run_id"] == con.execute("SELECT max(run_id) FROM runs").fetchone()[0]
    assert doc["format"] == "parquet" and doc["export_id"] == built.parquet.export_id
    assert [(e["mode"], e["since"], e["tables"]) for e in doc["exports"]] == [("full", None, list(EXPORTABLE))]
    assert [c["name"] for c in doc["partition_columns"]] == ["filing_year", "form"]
    assert doc["tables"]["filings"]["partitioned_by"] == ["filing_year", "form"]
    assert doc["tables"]["companies"]["partitioned_by"] == []


def test_readme_is_the_data_dictionary_of_the_export(built):
    readme = (built.parquet.out / "README.md").read_text()
    for table in EXPORTABLE:
        section = readme.split(f"### `{table}`\n", 1)[1].split("\n### ", 1)[0]
        assert DESCRIBED[table].description in section
        for column in DESCRIBED[table].columns:
            assert f"| `{column.name}` | {column.duckdb_type} |" in section, (table, column.name)
    assert "| `nonderiv_transactions` | 10 | 1 | filing_year, form |" in readme
    assert "hive_types = {'filing_year': INTEGER, 'form': VARCHAR}" in readme
    assert "## Incremental exports" in readme and str(built.parquet.out) not in readme


# --- CSV -------------------------------------------------------------------------

def read_csv_export(out: Path, table: str) -> list[dict]:
    """An independent reader: pyarrow's CSV parser with the schema's types, lists as JSON."""
    spec = DESCRIBED[table]
    types = {c.name: pa.string() if pa.types.is_list(c.type) else c.type for c in spec.columns}
    options = pacsv.ConvertOptions(column_types=types, strings_can_be_null=True, quoted_strings_can_be_null=False)
    parts = [pacsv.read_csv(p, convert_options=options) for p in sorted((out / table).rglob("*.csv"))]
    rows = pa.concat_tables(parts).sort_by([(c, "ascending") for c in spec.primary_key]).to_pylist()
    for row in rows:
        for c in spec.columns:
            if pa.types.is_list(c.type) and row[c.name] is not None:
                row[c.name] = json.loads(row[c.name])
    return rows


def test_csv_round_trip(built):
    out = built.csv.out
    for table in EXPORTABLE:
        expected = warehouse_rows(built.first_wh, table)
        assert built.csv.totals[table] == len(expected)
        if expected:
            assert read_csv_export(out, table) == expected, table
    text = next((out / "nonderiv_transactions").rglob("*.csv")).read_text()
    header, first, second = text.splitlines()[:3]
    assert header.startswith('"filing_id","row_index","security_title","transaction_date"')
    # Exact decimals as plain text, ISO dates, null as an empty field.
    assert ',2007-05-10,,,"S",,,,"5500",,"54","D","59361",,"D",' in first
    assert '"800",,"54.01","D","58561"' in second
    filings = next((out / "filings").rglob("*.csv")).read_text()
    loaded_at = next(csv.DictReader(io.StringIO(filings)))["loaded_at"]
    assert loaded_at.endswith("Z") and dt.datetime.fromisoformat(loaded_at).tzinfo is not None


def test_csv_reads_back_with_the_readme_duckdb_query(built, monkeypatch):
    readme = (built.csv.out / "README.md").read_text()
    monkeypatch.chdir(built.csv.out)  # the README's queries run from inside the export folder
    con = duckdb.connect()
    con.execute(f"ATTACH '{built.first_wh.as_posix()}' AS wh (READ_ONLY)")
    for table in ("filings", "nonderiv_transactions", "filing_companies", "companies"):
        section = readme.split(f"### `{table}`\n", 1)[1]
        query = section.split("```sql\n", 1)[1].split(";\n```", 1)[0]
        cols = ", ".join(f'"{c}"' for c in DESCRIBED[table].column_names)
        types = con.execute(f"DESCRIBE SELECT {cols} FROM ({query})").fetchall()
        assert [r[:2] for r in types] == [r[:2] for r in con.execute(f'DESCRIBE SELECT {cols} FROM wh."{table}"').fetchall()]
        assert con.execute(f"SELECT count(*) FROM (SELECT {cols} FROM ({query}) EXCEPT ALL "
                           f'SELECT {cols} FROM wh."{table}")').fetchone()[0] == 0, table


# --- incremental -----------------------------------------------------------------

def test_incremental_export_equals_the_warehouse_after_the_second_run(built):
    assert built.incremental.mode == "incremental"
    assert_duckdb_equals_warehouse(built.incremental.out, built.wh, EXPORTABLE)
    assert built.incremental.totals == built.full_after.totals
    assert manifest(built.incremental)["exports"][-1]["since"] == built.since.isoformat()
    with contextlib.closing(duckdb.connect(str(built.first_wh), read_only=True)) as con:
        con.execute("SET TimeZone = 'UTC'")
        # --since previous: the end of the last run the export held.
        assert built.since == con.execute("SELECT max(finished_at) FROM runs").fetchone()[0]


def test_incremental_export_writes_only_the_new_filings(built):
    with contextlib.closing(duckdb.connect(str(built.wh), read_only=True)) as con:
        new = dict(con.execute("SELECT form_type, filing_id FROM filings WHERE run_id = ?",
                               [built.second_run_id]).fetchall())
        assert set(new) == {"4/A", "8-K"}  # the new Form 4/A and the changed 8-K
        for table in EXPORTABLE:
            if DESCRIBED[table].kind == "filing":
                count = con.execute(f'SELECT count(*) FROM "{table}" WHERE filing_id IN (SELECT filing_id '
                                    "FROM filings WHERE run_id = ?)", [built.second_run_id]).fetchone()[0]
                assert built.incremental.written[table] == count, table
            else:  # companies and reference tables: whole
                assert built.incremental.written[table] == built.incremental.totals[table]
    before = {e["path"]: e["sha256"] for t in manifest(built.parquet)["tables"].values() for e in t["files"]}
    after = {e["path"]: e["sha256"] for t in manifest(built.incremental)["tables"].values() for e in t["files"]}
    # The Form 4 of the first run is untouched; the 8-K it replaced is gone with its files.
    kept = {p: h for p, h in before.items()
            if "/filing_year=2007/form=4/" in p and DESCRIBED[p.split("/")[0]].kind == "filing"}  # views: rewritten
    assert kept and all(after.get(p) == h for p, h in kept.items())
    assert not any("/filing_year=2002/form=8-K/" in p for p in set(after) & set(before))
    inc_id = built.incremental.export_id
    assert f"filings/filing_year=2008/form=4_A/part-{inc_id}.parquet" in after
    assert f"filings/filing_year=2002/form=8-K/part-{inc_id}.parquet" in after
    assert built.incremental.files_kept == len(kept)
    form_types = pq.read_table(built.incremental.out / f"filings/filing_year=2008/form=4_A/part-{inc_id}.parquet")
    assert form_types["form_type"].to_pylist() == ["4/A"]


def test_repeating_an_incremental_export_changes_nothing_but_the_files_of_its_filings(built):
    assert built.repeated.totals == built.incremental.totals
    assert built.repeated.written == built.incremental.written
    assert_duckdb_equals_warehouse(built.repeated.out, built.wh, ("filings", "nonderiv_transactions", "footnotes"))
    assert [e["mode"] for e in manifest(built.repeated)["exports"]] == ["full", "incremental", "incremental"]


def test_incremental_export_follows_company_merges_and_removed_filings(built, tmp_path):
    """No filing is loaded after `since`, but the warehouse changed in place: a filing's
    company_id (a merge) and a filing deleted (replaced). The export follows both."""
    db = tmp_path / "changed.duckdb"
    shutil.copy(built.wh, db)
    out = tmp_path / "out"
    shutil.copytree(built.incremental.out, out)
    with contextlib.closing(duckdb.connect(str(db))) as con:
        form4a = con.execute("SELECT filing_id FROM filings WHERE form_type = '4/A'").fetchone()[0]
        for table in ("filings", "filing_companies"):
            con.execute(f"UPDATE {table} SET company_id = 'cik:0000000001' "
                        "WHERE filing_id = (SELECT filing_id FROM filings WHERE form_type = '4')")
        for table in [t for t in EXPORTABLE if DESCRIBED[t].kind == "filing"]:
            con.execute(f'DELETE FROM "{table}" WHERE filing_id = ?', [form4a])
        build_stored(con)  # as the load that changes them refreshes the stored views
    result = export(db, out, since=parse_since("2999-01-01"))
    assert_duckdb_equals_warehouse(out, db, EXPORTABLE)
    assert not list(out.glob("*/filing_year=2008"))  # the 4/A's partition held only that filing
    assert result.written["filings"] == 1 and result.written["filing_companies"] == 1
    assert result.written["nonderiv_transactions"] == 0
    check_manifest(result)


# --- folder handling and command line --------------------------------------------

def test_an_export_never_replaces_a_folder_that_is_not_an_export(built, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not empty and holds no filingflow export"):
        export(built.first_wh, out)
    assert (out / "notes.txt").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_incremental_export_keeps_the_format_of_the_folder(built):
    with pytest.raises(ValueError, match="holds a csv export"):
        export(built.first_wh, built.csv.out, since=parse_since("2999-01-01"))


def test_an_interrupted_swap_is_undone_before_the_next_export(built, tmp_path):
    out = tmp_path / "out"
    # The old folder was moved aside and the new one not yet moved in.
    shutil.copytree(built.parquet.out, tmp_path / ".out.old-20000101T000000Z-000000")
    (tmp_path / ".out.export-20000101T000000Z-000000").mkdir()
    result = export(built.first_wh, out, since=parse_since("2999-01-01"))
    assert result.files_kept > 0 and result.totals == built.parquet.totals
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "out.lock"]


def test_since_is_a_date_or_a_datetime():
    assert parse_since("2024-05-01") == dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)
    assert parse_since("2024-05-01T12:30:00") == dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.timezone.utc)
    assert parse_since("2024-05-01T12:30:00+02:00") == dt.datetime(2024, 5, 1, 10, 30, tzinfo=dt.timezone.utc)
    with pytest.raises(ValueError, match="expected a date"):
        parse_since("yesterday")


def test_since_previous_needs_an_export(tmp_path):
    with pytest.raises(ValueError, match="no export in"):
        parse_since("previous", tmp_path / "nothing yet")


def test_cli_export(built, tmp_path, capsys):
    out = tmp_path / "cli"
    assert cli_main(["export", "--out", str(out), "--format", "csv", "--tables", "filings", "signatures",
                     "--warehouse", str(built.first_wh)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == f"filings: 2 rows written, 2 in the export -> {out / 'filings'}"
    assert printed[1] == f"signatures: 3 rows written, 3 in the export -> {out / 'signatures'}"
    assert printed[2].startswith("export ") and "(full): 4 files written, 0 kept" in printed[2]
    assert list(json.loads((out / "manifest.json").read_text())["tables"]) == ["filings", "signatures"]
    assert cli_main(["export", "--out", str(out), "--since", "someday", "--warehouse", str(built.first_wh)]) == 2
    assert "expected a date" in capsys.readouterr().err
    assert cli_main(["export", "--out", str(out), "--tables", "runs", "--warehouse", str(built.first_wh)]) == 2
    assert "unknown table(s) runs" in capsys.readouterr().err


def test_decimals_survive_exactly(built):
    """Balances add up to the last digit in every format (no float on the way)."""
    data = ds.dataset(built.parquet.out / "nonderiv_transactions", format="parquet", partitioning="hive").to_table()
    assert sum(data["shares"].to_pylist()) == Decimal(22351)
    assert sum(r["shares"] for r in read_csv_export(built.csv.out, "nonderiv_transactions")) == Decimal(22351)
