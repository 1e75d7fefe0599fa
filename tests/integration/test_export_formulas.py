"""CSV export: text cells a spreadsheet would run as a formula are neutralised by default
(a leading apostrophe); `--keep-formulas` writes them as they are. Parquet is never changed."""
from __future__ import annotations

import csv
import shutil

import duckdb
import pytest
from conftest import SEED_FORM4, input_folder

from filingflow.export_format import FORMULA_STARTS, neutralise_formula
from flows.cli import main as cli_main
from flows.pipeline import RunSettings, nightly

FORMULAS = ["=cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


@pytest.fixture(scope="module")
def hostile_warehouse(prefect_api, tmp_path_factory):
    root = tmp_path_factory.mktemp("formulas")
    settings = RunSettings(inputs=[input_folder(root, SEED_FORM4)], warehouse=root / "wh.duckdb",
                           lake=root / "lake", dq_dir=None)
    nightly(settings)
    # Text a hostile filing could carry, put straight into the stored rows.
    con = duckdb.connect(str(settings.warehouse))
    (filing_id,) = con.execute("SELECT filing_id FROM filings").fetchone()
    con.execute("UPDATE filings SET issuer_name = ? WHERE filing_id = ?", [FORMULAS[0], filing_id])
    con.execute("UPDATE footnotes SET text = CASE footnote_id WHEN 'F1' THEN ? ELSE ? END", FORMULAS[1:3])
    con.close()
    copy = root / "copy.duckdb"
    shutil.copy(settings.warehouse, copy)
    return copy


def _cells(out, table):
    rows = []
    for path in sorted((out / table).rglob("*.csv")):
        with open(path, newline="") as handle:
            rows += list(csv.DictReader(handle))
    return rows


def test_neutralise_formula_rule():
    for text in FORMULAS:
        assert neutralise_formula(text) == "'" + text
    plain = ["ACME Corp", "", None, "1-2", "a=b"]
    assert [neutralise_formula(t) for t in plain] == plain
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


def test_csv_export_neutralises_formula_cells_by_default(hostile_warehouse, tmp_path, capsys):
    out = tmp_path / "csv"
    assert cli_main(["export", "--out", str(out), "--format", "csv", "--tables", "filings", "footnotes",
                     "--warehouse", str(hostile_warehouse)]) == 0
    assert [r["issuer_name"] for r in _cells(out, "filings")] == ["'" + FORMULAS[0]]
    footnotes = [r["text"] for r in _cells(out, "footnotes")]
    assert footnotes and all(text.startswith("'") for text in footnotes)
    assert {text[1:] for text in footnotes} <= set(FORMULAS[1:3])


def test_keep_formulas_writes_them_as_they_are(hostile_warehouse, tmp_path):
    out = tmp_path / "csv"
    assert cli_main(["export", "--out", str(out), "--format", "csv", "--tables", "filings", "--keep-formulas",
                     "--warehouse", str(hostile_warehouse)]) == 0
    assert [r["issuer_name"] for r in _cells(out, "filings")] == [FORMULAS[0]]


def test_parquet_export_keeps_the_text(hostile_warehouse, tmp_path):
    import pyarrow.dataset as ds

    out = tmp_path / "parquet"
    assert cli_main(["export", "--out", str(out), "--tables", "filings", "--warehouse", str(hostile_warehouse)]) == 0
    assert ds.dataset(out / "filings", format="parquet").to_table(columns=["issuer_name"]).to_pylist() == [
        {"issuer_name": FORMULAS[0]}]
