"""How exported files encode the tables: partition columns and folders, the
CSV text of each type, the metadata inside each Parquet file, and the DuckDB
query that reads an export back with the warehouse's types."""
from __future__ import annotations

import pyarrow as pa

from filingflow.schema import Column, Table

FORMATS = ("parquet", "csv")

# Partition columns live only in the folder names (hive style), never inside the
# files: readers that also find them in the files refuse (pandas, pyarrow) or
# let the folder win (DuckDB), so one place keeps them unambiguous.
PARTITION_COLUMNS = (
    Column("filing_year", pa.int32(),
           "Year of the filing's filed_date, else of its period_of_report; 0 when it states neither."),
    Column("form", pa.string(),
           "The filing's form_type made path-safe: every run of characters other than letters, digits and '-' "
           "becomes '_' (4/A is 4_A, 8-K stays 8-K); 'unknown' when empty. The exact form_type is a column of filings."),
)
# The rules PARTITION_COLUMNS describe, as SQL over the filings table.
PARTITION_SQL = {
    "filing_year": "CAST(coalesce(year(filed_date), year(period_of_report), 0) AS INTEGER)",
    "form": "coalesce(nullif(trim(regexp_replace(form_type, '[^A-Za-z0-9-]+', '_', 'g'), '_'), ''), 'unknown')",
}
_TEXT_LIST = """'["VARCHAR"]'"""  # DuckDB's JSON structure of a list of text
HIVE_TYPES = "{" + ", ".join(f"'{c.name}': {c.duckdb_type}" for c in PARTITION_COLUMNS) + "}"


def is_partitioned(table: Table) -> bool:
    """Rows of one filing: partitioned by its year and form. Derived and reference tables are one file."""
    return table.kind == "filing"


def partition_path(values: tuple) -> str:
    return "/".join(f"{c.name}={v}" for c, v in zip(PARTITION_COLUMNS, values))


def file_name(export_id: str, fmt: str) -> str:
    return f"part-{export_id}.{fmt}"


# A CSV cell starting with one of these is a formula to a spreadsheet (`=cmd|' /C calc'!A0` runs a program):
# exported text cells starting so get a leading apostrophe, which spreadsheets show as plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_SQL = ", ".join(f"'{c}'" if c.isprintable() else f"chr({ord(c)})" for c in FORMULA_STARTS)


def select_list(table: Table, fmt: str, alias: str = "t", keep_formulas: bool = False) -> str:
    """The table's columns as the files hold them: as stored for Parquet, as text where CSV needs it (text
    a spreadsheet would run as a formula neutralised, unless `keep_formulas`)."""
    if fmt == "parquet":
        return ", ".join(f'{alias}."{c.name}"' for c in table.columns)
    return ", ".join(_csv_text(c, f'{alias}."{c.name}"', keep_formulas) + f' AS "{c.name}"' for c in table.columns)


def neutralise_formula(text: str | None) -> str | None:
    """What the CSV export writes for a text cell (the SQL of select_list does the same)."""
    return "'" + text if text and text.startswith(FORMULA_STARTS) else text


def _csv_text(column: Column, ref: str, keep_formulas: bool = False) -> str:
    if pa.types.is_decimal(column.type):
        # Exact plain digits, trailing zeros dropped, never an exponent (1E-8).
        return f"rtrim(rtrim(CAST({ref} AS VARCHAR), '0'), '.')"
    if pa.types.is_timestamp(column.type):
        return f"strftime(timezone('UTC', {ref}), '%Y-%m-%dT%H:%M:%S.%fZ')"
    if pa.types.is_list(column.type):
        return f"CAST(to_json({ref}) AS VARCHAR)"
    if pa.types.is_string(column.type) and not keep_formulas:
        return f"CASE WHEN left({ref}, 1) IN ({_FORMULA_SQL}) THEN chr(39) || {ref} ELSE {ref} END"
    return ref


def csv_schema(table: Table) -> pa.Schema:
    """Arrow types of the CSV columns: decimals, timestamps and lists are text."""
    return pa.schema([pa.field(c.name, pa.string() if _csv_is_text(c) else c.type) for c in table.columns])


def _csv_is_text(column: Column) -> bool:
    return any(check(column.type) for check in (pa.types.is_decimal, pa.types.is_timestamp, pa.types.is_list))


def parquet_schema(table: Table, metadata: dict[str, str]) -> pa.Schema:
    """The schema's types and column descriptions, with table-level metadata added to the schema's own."""
    schema = table.arrow_schema()
    return schema.with_metadata({**{k.decode(): v.decode() for k, v in schema.metadata.items()}, **metadata})


def duckdb_read_sql(table: Table, fmt: str, source: str, *, hive: bool, filename: str | None = None) -> str:
    """A DuckDB query giving the exported rows with the warehouse's types; `source` is a
    SQL string or list of paths; `hive` adds the partition columns from the folder names,
    `filename` a column naming each row's file."""
    options = f"hive_partitioning = true, hive_types = {HIVE_TYPES}" if hive else "hive_partitioning = false"
    if filename:
        options += f", filename = '{filename}'"
    if fmt == "parquet":
        return f"SELECT * FROM read_parquet({source}, {options})"
    columns = ", ".join(f"'{c.name}': '{'VARCHAR' if pa.types.is_list(c.type) else c.duckdb_type}'"
                        for c in table.columns)
    lists = [c.name for c in table.columns if pa.types.is_list(c.type)]
    star = "*"
    if lists:  # JSON arrays of text in the CSV
        star += " REPLACE (" + ", ".join(f'from_json("{n}", {_TEXT_LIST}) AS "{n}"' for n in lists) + ")"
    return (f"SELECT {star}\nFROM read_csv({source}, header = true, allow_quoted_nulls = false, {options},\n"
            f"    columns = {{{columns}}})")
