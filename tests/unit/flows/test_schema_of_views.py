"""`.schema` in the SQL prompt gives the meaning of a view's columns, as of a table's."""
from __future__ import annotations

import csv
import io

import duckdb

from filingflow.schema import VIEW_TABLES
from filingflow.warehouse import ensure_schema
from flows.sql_prompt import Session


def test_schema_of_insider_trades_shows_meanings(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    con = duckdb.connect(str(warehouse))
    ensure_schema(con)
    con.close()
    out = io.StringIO()
    Session(warehouse, "csv", None, out=out).schema(["insider_trades"])
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    meanings = {r["column"]: r["meaning"] for r in rows}
    assert list(meanings) == VIEW_TABLES["insider_trades"].column_names
    assert meanings["is_10b5_1_source"].startswith("Where is_10b5_1 comes from")
    assert meanings["is_director"] == "This owner is a director of the issuer (its own box, not any owner's)."
    assert all(meanings.values())
