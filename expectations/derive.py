"""Derive the basic expectation suite of every filing table from the schema:
required columns not null, keys unique, codes in their allowed sets.

`python -m expectations.derive` rewrites expectations/suites/<table>.json;
a test fails when the files are stale."""
from __future__ import annotations

import json
from pathlib import Path

from filingflow.schema import FILING_TABLES, TABLES, Table

SUITES_DIR = Path(__file__).resolve().parent / "suites"
# Codes transcribed from the filing: a value outside the set is the filer's doing.
FILER_CODE_COLUMNS = frozenset({"direct_indirect", "acquired_disposed", "transaction_code"})


def basic_suite(table: Table) -> dict:
    expectations = []
    key = list(table.primary_key)
    if len(key) == 1:
        expectations.append({"type": "expect_column_values_to_be_unique", "kwargs": {"column": key[0]},
                             "meta": {"severity": "error", "derived": "primary key"}})
    else:
        expectations.append({"type": "expect_compound_columns_to_be_unique", "kwargs": {"column_list": key},
                             "meta": {"severity": "error", "derived": "primary key"}})
    for column in table.columns:
        if not column.nullable:
            expectations.append({"type": "expect_column_values_to_not_be_null", "kwargs": {"column": column.name},
                                 "meta": {"severity": "error", "derived": "required column"}})
    for column in table.columns:
        if column.allowed:
            severity = "warn" if column.name in FILER_CODE_COLUMNS else "error"
            expectations.append({"type": "expect_column_values_to_be_in_set",
                                 "kwargs": {"column": column.name, "value_set": list(column.allowed)},
                                 "meta": {"severity": severity, "derived": "allowed codes"}})
    return {"name": f"{table.name}.basic", "meta": {"frame": table.name, "derived_from": "filingflow/schema.py"},
            "expectations": expectations}


def derived_suites() -> dict[str, str]:
    """File name -> JSON text of every derived suite."""
    return {f"{name}.basic.json": json.dumps(basic_suite(TABLES[name]), indent=2) + "\n" for name in FILING_TABLES}


def main() -> None:
    SUITES_DIR.mkdir(exist_ok=True)
    for filename, text in derived_suites().items():
        (SUITES_DIR / filename).write_text(text)
    print(f"wrote {len(FILING_TABLES)} suites to {SUITES_DIR}")


if __name__ == "__main__":
    main()
