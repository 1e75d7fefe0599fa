"""The 8-K items the EDGAR header lists against the items the document has,
for a run's rows before they load: the warehouse view eight_k_item_sources,
run by DuckDB over the run's Arrow tables, so the expectation that flags a
disagreement and the view analysts query read the header the same way."""
from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from filingflow.reference import reference_rows
from filingflow.schema import TABLES
from filingflow.views import VIEWS

ITEM_SOURCE_COLUMNS = ("filing_id", "form_type", "items_in_document", "items_in_header", "header_items_unmapped",
                       "agree")


def item_sources_frame(tables: dict[str, pa.Table]) -> pd.DataFrame:
    """One row per 8-K of the run (eight_k_item_sources columns), table_name 'filings'."""
    con = duckdb.connect()
    try:
        for name in ("filings", "report_items"):
            con.register(name, tables.get(name, TABLES[name].arrow_schema().empty_table()))
        con.register("eight_k_items", TABLES["eight_k_items"].to_arrow(reference_rows()["eight_k_items"]))
        con.execute(VIEWS["eight_k_item_sources"])
        frame = con.execute(f"SELECT {', '.join(ITEM_SOURCE_COLUMNS)} FROM eight_k_item_sources "
                            "ORDER BY filing_id").df()
    finally:
        con.close()
    return frame.assign(table_name="filings")
