"""Render the data dictionary (docs/schema.md) from the schema and the quarantine
error codes (docs/errors.md) from their catalogue.

`python -m filingflow.docs` rewrites both; a test fails when either is stale."""
from __future__ import annotations

from pathlib import Path

import duckdb

from filingflow.error_codes import ERROR_CODE_LIST
from filingflow.schema import TABLE_LIST, VIEW_TABLES, Table
from filingflow.views import STORED_VIEWS, VIEWS
from filingflow.warehouse import ensure_schema

SCHEMA_DOC = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
ERRORS_DOC = SCHEMA_DOC.with_name("errors.md")
_KIND_TITLES = {"filing": "Filing tables", "derived": "Derived tables", "operational": "Operational tables",
                "reference": "Reference tables"}
VIEW_DOCS = {
    "eight_k_item_sources": "Per 8-K: its items as the EDGAR header lists them (codes, or ITEM INFORMATION titles "
                            "mapped to codes) and as the document reports them; agree false is flagged in dq_flags "
                            "(expect_eight_k_header_items_to_match_document).",
    "filing_amendments": "One row per amendment (/A form): the filing it amends, the original of its family, how they "
                         "were paired (date_of_original_submission or period_of_report) and its number in the family. "
                         "Nulls when no original is stored.",
    "amended_sections": "Every version of every section of the filings that have amendments (an original and its "
                        "amendments): nonderiv_transactions, nonderiv_holdings, deriv_transactions, deriv_holdings, "
                        "'item <code>'. Its original, version (0 = the original), the version it replaces, the one "
                        "superseding it, is_current. The amended view of any raw table: LEFT JOIN it on filing_id and "
                        "section WHERE coalesce(is_current, true).",
}


def render_schema_markdown() -> str:
    out = ["# Data dictionary", "",
           "Generated from `filingflow/schema.py` by `python -m filingflow.docs`; do not edit by hand.",
           "Filing tables are replaced per filing when a filing is re-read. Analyst views, stored as tables and "
           "refreshed by each load for the filings it changes: " + ", ".join(f"`{name}`" for name in STORED_VIEWS)
           + "; views computed when queried: " + ", ".join(f"`{name}`" for name in VIEWS) + " (see Views below).", ""]
    for kind, title in _KIND_TITLES.items():
        out += [f"## {title}", ""]
        for table in (t for t in TABLE_LIST if t.kind == kind):
            out += table_markdown(table)
    return "\n".join(out + views_markdown())


def views_markdown() -> list[str]:
    """Each view: the analyst views as the schema describes them, the others with their columns as
    DuckDB binds them (filingflow/views.py, filingflow/amendments.py)."""
    con = duckdb.connect()
    try:
        ensure_schema(con)
        out = ["## Views", ""]
        for name in (*STORED_VIEWS, *VIEWS):
            if name in VIEW_TABLES:  # described in the schema, column by column
                out += table_markdown(VIEW_TABLES[name])
                continue
            columns = con.execute(f'DESCRIBE "{name}"').fetchall()
            out += [f"### `{name}`", "", VIEW_DOCS.get(name, ""), "",
                    "Columns: " + ", ".join(f"`{c[0]}` {c[1]}" for c in columns) + ".", ""]
    finally:
        con.close()
    return out


def table_markdown(table: Table, heading: str = "###") -> list[str]:
    """One table's entry of a data dictionary (docs/schema.md and export READMEs)."""
    out = [f"{heading} `{table.name}`", "", table.description, "",
           f"Key: ({', '.join(table.primary_key)})", "",
           "| column | type | required | meaning |", "|---|---|---|---|"]
    for c in table.columns:
        meaning = c.description.replace("|", "\\|")
        if c.allowed:
            meaning += " Allowed: " + ", ".join(f"`{a}`" for a in c.allowed) + "."
        out.append(f"| `{c.name}` | {c.duckdb_type} | {'yes' if not c.nullable else ''} | {meaning} |")
    out.append("")
    return out


def render_errors_markdown() -> str:
    out = ["# Quarantine error codes", "",
           "Generated from `filingflow/error_codes.py` by `python -m filingflow.docs`; do not edit by hand.",
           "A file that cannot be read into rows gets a `quarantine` row: `stage` is the step that failed, `error` "
           "one of the codes below, `detail` what exactly was wrong with this file.", ""]
    for where in dict.fromkeys(e.where for e in ERROR_CODE_LIST):
        out += [f"## {where[0].upper()}{where[1:]}", "", "| code | meaning |", "|---|---|"]
        out += [f"| `{e.code}` | {e.meaning.replace('|', chr(92) + '|')} |" for e in ERROR_CODE_LIST if e.where == where]
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    SCHEMA_DOC.parent.mkdir(exist_ok=True)
    for path, text in ((SCHEMA_DOC, render_schema_markdown()), (ERRORS_DOC, render_errors_markdown())):
        path.write_text(text)
        print(f"wrote {path}")
