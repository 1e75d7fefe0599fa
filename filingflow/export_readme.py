"""The README.md of an export folder, from its manifest: what the files are, how to
read them, what an incremental export does, and the data dictionary of its tables."""
from __future__ import annotations

from filingflow.docs import table_markdown
from filingflow.export_format import HIVE_TYPES, duckdb_read_sql
from filingflow.schema import DESCRIBED

_CSV_RULES = """\
CSV files are UTF-8, comma-separated, with a header row. Text is always in double quotes
(a quote inside is doubled), and so are decimals, timestamps and lists, which are written as
text; an empty unquoted field is null, `""` is an empty text. Decimals (shares, prices,
values) are exact plain digits (`5500`, `54.01`, `0.00000001`: never rounded, never an
exponent); dates are `YYYY-MM-DD`; timestamps are ISO 8601 in UTC
(`2024-05-01T12:00:00.000000Z`); booleans are `true` / `false`; lists are JSON arrays
(`["1","7"]`). Read them with the column types of the dictionary below; the DuckDB query under
each table does exactly that."""


def render_readme(manifest: dict) -> str:
    fmt = manifest["format"]
    tables = manifest["tables"]
    example = next((n for n in ("nonderiv_transactions", "filings") if n in tables), next(iter(tables), "filings"))
    last = manifest["exports"][-1]
    out = [
        "# filingflow export", "",
        (f"Written by {manifest['created_by']} at {manifest['created_at']} (export `{manifest['export_id']}`, "
         f"{last['mode']}{' since ' + last['since'] if last['since'] else ''}) from a warehouse whose last run is "
         f"`{manifest['source']['last_run_id']}`. Format: {'Parquet (zstd)' if fmt == 'parquet' else 'CSV'}."),
        "",
        "`manifest.json` lists every file with its rows, bytes, SHA-256 and partition, and the history of the",
        "exports that built this folder. Every file of a table has the same columns.",
        "",
        "| table | rows | files | partitioned by |", "|---|---|---|---|",
    ]
    for name, table in tables.items():
        out.append(f"| `{name}` | {table['rows']} | {len(table['files'])} | "
                   f"{', '.join(table['partitioned_by']) or '(one file)'} |")
    out += [
        "",
        "A table without rows is one file with its columns and no rows (for a partitioned table, in the",
        "partition `filing_year=0/form=unknown`), so that the reads below work on it the same.",
        "",
        "The views `insider_trades`, `derivative_trades` and `company_events` are exported like the tables:",
        "their rows as the warehouse's views give them, partitioned like the filing tables, and written whole",
        "by every export, incremental or not (a later filing changes rows of earlier ones: an amendment",
        "replaces them, a company's name changes).",
        "",
        "## Layout and partitions",
        "",
        f"- Filing tables: `<table>/filing_year=<year>/form=<form>/part-<export id>.{fmt}`",
        f"- Derived and reference tables: `<table>/part-<export id>.{fmt}`",
        "",
        "The partition columns are in the folder names only (hive style), not inside the files:",
        "",
        "| column | type | meaning |", "|---|---|---|",
    ]
    out += [f"| `{c['name']}` | {c['type']} | {c['description']} |" for c in manifest["partition_columns"]]
    out += [
        "",
        "Declare their types when you read, as below: left to guess, readers take `filing_year` for BIGINT",
        "(DuckDB) or a category (pandas) and a form such as `4` for a number.",
        "",
        "## Reading",
        "",
    ]
    out += _reading(fmt, example)
    out += [
        "## Incremental exports",
        "",
        "`filingflow export --out DIR --since DATE` adds the filings loaded on or after DATE",
        "(`filings.loaded_at`; a date is midnight UTC) to the export already in DIR;",
        "`filingflow export --out DIR --since previous` adds everything loaded since the export in DIR:",
        "",
        "- In each partition it touches it writes one new file, `part-<its export id>`; other files stay as they were.",
        "- Each filing is in exactly one file per table. An earlier file is dropped when it holds a filing the",
        "  export writes again (the filing was re-loaded because its file changed, or the `--since` windows",
        "  overlap) or a filing the warehouse no longer has (replaced); its other filings are written again,",
        "  into the new file of their partition. So are filings whose `company_id` a later run changed (two",
        "  companies found to be one).",
        "- `companies`, `company_names` and the reference tables are written whole every time, and so is a",
        "  table new to the folder (`--tables`); by default an incremental export updates the tables already here.",
        "- The result is what a full export of the same warehouse would hold, provided no filing falls between",
        "  two `--since` windows: overlapping is harmless, a gap loses filings. `--since previous` takes the end of",
        "  the last run this export holds (`source.last_run_finished_at` in the manifest), which leaves no gap.",
        "- Without `--since`, the whole folder is rewritten, one file per partition: run one now and then, as",
        "  every incremental export adds a file to each partition it touches.",
        "",
        "Either way the new export is written into a folder beside this one and swapped in when complete:",
        "readers see the previous export or the new one, never a mix. The folder belongs to the export: files",
        "put in it by hand are removed by the next export.",
        "",
        "## Data dictionary",
        "",
    ]
    if fmt == "csv":
        out += [_CSV_RULES, ""]
    for name, table in tables.items():
        out += table_markdown(DESCRIBED[name])
        out += [f"Rows: {table['rows']}. " + (f"Partitioned by {', '.join(table['partitioned_by'])}."
                                               if table["partitioned_by"] else "One file."), ""]
        if fmt == "csv":
            out += ["```sql", _duckdb_query(fmt, name, bool(table["partitioned_by"])) + ";", "```", ""]
    return "\n".join(out)


def _duckdb_query(fmt: str, name: str, partitioned: bool) -> str:
    pattern = f"'{name}/**/*.{fmt}'" if partitioned else f"'{name}/*.{fmt}'"
    return duckdb_read_sql(DESCRIBED[name], fmt, pattern, hive=partitioned)


def _reading(fmt: str, name: str) -> list[str]:
    """Snippets run from inside the export folder."""
    if fmt == "parquet":
        return [
            "```python",
            "import pandas as pd",
            f'df = pd.read_parquet("{name}")  # filing_year and form come back as categories',
            "",
            "import pyarrow as pa, pyarrow.dataset as ds, pyarrow.parquet as pq",
            'partitioning = ds.partitioning(pa.schema([("filing_year", pa.int32()), ("form", pa.string())]), flavor="hive")',
            f'table = ds.dataset("{name}", format="parquet", partitioning=partitioning).to_table()',
            "",
            "# Column descriptions and table facts are in every file's metadata:",
            f'schema = pq.read_schema(ds.dataset("{name}", format="parquet").files[0])',
            'schema.field("filing_id").metadata[b"description"]',
            ("schema.metadata  # table, description, primary_key, kind, partition, filingflow_version, "
             "export_id, exported_at, run_ids"),
            "```",
            "",
            "```sql",
            f"SELECT * FROM read_parquet('{name}/**/*.parquet', hive_partitioning = true,",
            f"                           hive_types = {HIVE_TYPES});",
            "```",
            "",
            "Reference and derived tables are one file each: `read_parquet('companies/*.parquet')`.",
            "",
        ]
    return [
        "Each table's section in the dictionary below ends with the DuckDB query that reads it with the",
        "warehouse's types. With pandas, read text as text and convert the columns you need:",
        "",
        "```python",
        "import glob, pandas as pd",
        f'df = pd.concat(pd.read_csv(f, dtype=str, keep_default_na=False, na_values=[""]) for f in glob.glob("{name}/**/*.csv", recursive=True))',
        "```",
        "",
    ]
