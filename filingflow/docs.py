"""Render the data dictionary (docs/schema.md) from the schema.

`python -m filingflow.docs` rewrites it; a test fails when it is stale."""
from __future__ import annotations

from pathlib import Path

from filingflow.schema import TABLE_LIST
from filingflow.warehouse import VIEWS

SCHEMA_DOC = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
_KIND_TITLES = {"filing": "Filing tables", "derived": "Derived tables", "operational": "Operational tables",
                "reference": "Reference tables"}


def render_schema_markdown() -> str:
    out = ["# Data dictionary", "",
           "Generated from `filingflow/schema.py` by `python -m filingflow.docs`; do not edit by hand.",
           "Filing tables are replaced per filing when a filing is re-read. Views: "
           + ", ".join(f"`{name}`" for name in VIEWS) + " (defined in `filingflow/warehouse.py`).", ""]
    for kind, title in _KIND_TITLES.items():
        out += [f"## {title}", ""]
        for table in (t for t in TABLE_LIST if t.kind == kind):
            out += [f"### `{table.name}`", "", table.description, "",
                    f"Key: ({', '.join(table.primary_key)})", "",
                    "| column | type | required | meaning |", "|---|---|---|---|"]
            for c in table.columns:
                meaning = c.description.replace("|", "\\|")
                if c.allowed:
                    meaning += " Allowed: " + ", ".join(f"`{a}`" for a in c.allowed) + "."
                out.append(f"| `{c.name}` | {c.duckdb_type} | {'yes' if not c.nullable else ''} | {meaning} |")
            out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    SCHEMA_DOC.parent.mkdir(exist_ok=True)
    SCHEMA_DOC.write_text(render_schema_markdown())
    print(f"wrote {SCHEMA_DOC}")
