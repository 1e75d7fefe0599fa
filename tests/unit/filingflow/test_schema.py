"""Everything derived from the schema is current and consistent."""
from __future__ import annotations

import json

import duckdb
import pyarrow as pa

from expectations.derive import SUITES_DIR, derived_suites
from filingflow.docs import SCHEMA_DOC, render_schema_markdown
from filingflow.reference import EIGHT_K_ITEMS_PRE_2004, reference_rows
from filingflow.schema import TABLES
from filingflow.warehouse import ensure_schema


def test_data_dictionary_is_current():
    assert SCHEMA_DOC.read_text() == render_schema_markdown(), "run `python -m filingflow.docs`"


def test_derived_suites_are_current():
    for filename, text in derived_suites().items():
        assert (SUITES_DIR / filename).read_text() == text, f"run `python -m expectations.derive` ({filename})"


def test_derived_suite_checks_keys_required_columns_and_codes():
    suite = json.loads((SUITES_DIR / "nonderiv_transactions.basic.json").read_text())
    kinds = {(e["type"], json.dumps(e["kwargs"], sort_keys=True)): e["meta"]["severity"] for e in suite["expectations"]}
    assert kinds[("expect_compound_columns_to_be_unique", '{"column_list": ["filing_id", "row_index"]}')] == "error"
    assert kinds[("expect_column_values_to_not_be_null", '{"column": "filing_id"}')] == "error"
    assert kinds[("expect_column_values_to_be_in_set", '{"column": "acquired_disposed", "value_set": ["A", "D"]}')] == "warn"


def test_duckdb_tables_match_arrow_schemas(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schema(con)
    for name, table in TABLES.items():
        got = con.execute(f'SELECT * FROM "{name}" LIMIT 0').arrow()
        assert got.schema.names == table.column_names, name
        for field in table.arrow_schema():
            if pa.types.is_timestamp(field.type):
                assert pa.types.is_timestamp(got.schema.field(field.name).type)
            else:
                assert got.schema.field(field.name).type == field.type, (name, field.name)


def test_reference_tables_hold_the_code_lists(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_schema(con)
    assert con.execute("SELECT count(*) FROM transaction_codes").fetchone()[0] == len(reference_rows()["transaction_codes"])
    mapping = dict(con.execute("SELECT code, current_code FROM eight_k_items WHERE numbering_era = 'pre_2004'").fetchall())
    assert mapping == {"1": "5.01", "2": "2.01", "3": "1.03", "4": "4.01", "5": "8.01", "6": "5.02", "7": "9.01",
                       "8": "5.03", "9": "7.01", "10": "5.05", "11": "5.04", "12": "2.02"}
    assert len(mapping) == len(EIGHT_K_ITEMS_PRE_2004)
    current = {r[0] for r in con.execute("SELECT code FROM eight_k_items WHERE numbering_era = 'current'").fetchall()}
    assert {"1.01", "1.05", "2.02", "5.02", "6.06", "6.10", "8.01", "9.01"} <= current


def test_an_older_warehouse_gains_new_columns(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute('CREATE TABLE reporting_owners ("filing_id" VARCHAR NOT NULL, "owner_index" INTEGER NOT NULL)')
    con.execute("INSERT INTO reporting_owners VALUES ('f', 0)")
    ensure_schema(con)
    got = con.execute("SELECT * FROM reporting_owners").to_arrow_table()
    assert got.schema.names == TABLES["reporting_owners"].column_names
    assert got.to_pylist()[0]["owner_name"] is None and got.num_rows == 1
