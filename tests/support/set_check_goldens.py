"""Inputs and golden results for the test that the expectations give the same dq_results and
dq_flags rows however they are evaluated (set checks as SQL in DuckDB, rules on pandas).

The inputs are stored as Parquet under tests/support/set_check_data/<dataset>/ so that the golden
rows do not move when a reader changes: `samples` (the bundled samples as read) and `hostile`
(the samples plus rows built to fail every kind of set check: nulls in required columns,
duplicate and compound duplicate keys, codes outside their sets, negative amounts, more failing
rows than Great Expectations returns for one expectation), checked in two batches. The corpus
filings are read at test time; their golden rows hold a fingerprint of the rows they came from.

    PYTHONPATH=. python tests/support/set_check_goldens.py   # rewrite inputs and golden.json
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from expectations.runner import RunChecker
from filingflow.schema import FILING_TABLES, TABLES
from transforms.errors import ParseError
from transforms.registry import read_bytes

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
FIXTURES = TESTS / "support" / "set_check_data"
GOLDEN = FIXTURES / "golden.json"
CORPUS_DIRS = ("ownership_xml", "full_submission", "header_only", "8k", "other_forms")
# GX hands back at most 200 failing rows per expectation: the hostile rows fail one check more often.
MANY = 230


def read_files(*paths: Path) -> dict[str, list[dict]]:
    """Rows per filing table of the files that read, with the columns the pipeline adds to filings."""
    rows: dict[str, list[dict]] = {name: [] for name in FILING_TABLES}
    seen: set[str] = set()
    for path in paths:
        try:
            _, filings = read_bytes(path.read_bytes())
        except ParseError:
            continue
        for parsed in filings:
            if parsed.filing["filing_id"] in seen:  # the pipeline keeps one filing per id
                continue
            seen.add(parsed.filing["filing_id"])
            parsed.filing.update(source_file=path.name, source_sha256="0" * 64, parser_version="test",
                                 run_id="test", loaded_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
            rows["filings"].append(parsed.filing)
            for name, table_rows in parsed.rows.items():
                rows[name].extend(table_rows)
    return rows


def hostile(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """The sample rows with rows that fail every kind of set check added (the originals stay)."""
    out = copy.deepcopy(rows)
    form4, eight_k = out["filings"][0], out["filings"][1]
    f4, f8 = form4["filing_id"], eight_k["filing_id"]
    # filings: the same filing twice (unique key), a required column null, a code outside its set.
    out["filings"].append({**form4, "form_type": None, "source_format": "carrier_pigeon"})
    out["filings"].append({**eight_k, "filing_id": "ff-hostile-000000000001", "content_id": None,
                           "is_amendment": None, "source_format": "fax"})
    tx = out["nonderiv_transactions"]
    first = tx[0]
    tx.append(dict(first))  # the same (filing_id, row_index) twice
    tx.append({**first, "row_index": 500, "transaction_code": "ZZ", "acquired_disposed": "X",
               "direct_indirect": "Q", "shares": Decimal("-1.5"), "price_per_share": Decimal("-0.25"),
               "shares_owned_after": Decimal("-10")})
    tx.append({**first, "row_index": 501, "security_title": None, "transaction_date": None,
               "transaction_code": None, "shares": None, "price_per_share": Decimal("-38.8")})
    tx.extend({**first, "row_index": 600 + i, "transaction_code": "Q" + str(i % 7),
               "shares": Decimal(-i - 1) / 4 if i % 3 == 0 else first["shares"]} for i in range(MANY))
    out["nonderiv_holdings"] += [
        {"filing_id": f4, "row_index": 0, "security_title": "Common Stock", "shares_owned_after": Decimal("-3"),
         "direct_indirect": "Z"},
        {"filing_id": f4, "row_index": 0, "security_title": "Common Stock", "shares_owned_after": Decimal("12"),
         "direct_indirect": "I", "nature_of_ownership": "By trust"},
        {"filing_id": f8, "row_index": 1, "security_title": None, "shares_owned_after": None, "direct_indirect": None}]
    dtx = out["deriv_transactions"]
    dtx.append({**dtx[0], "row_index": 7, "transaction_code": "??", "conversion_or_exercise_price": Decimal("-1"),
                "underlying_shares": Decimal("-2"), "shares": Decimal("-0.5"), "price_per_share": Decimal("-0.01"),
                "shares_owned_after": Decimal("-4"), "acquired_disposed": "B", "direct_indirect": "E"})
    dtx.append(dict(dtx[0]))
    out["deriv_holdings"] += [
        {"filing_id": f4, "row_index": 0, "security_title": "Option", "shares_owned_after": Decimal("-7"),
         "underlying_shares": Decimal("-8"), "conversion_or_exercise_price": Decimal("-9"), "direct_indirect": "X"},
        {"filing_id": f4, "row_index": 0, "security_title": "Option", "direct_indirect": "D"}]
    out["filing_companies"] += [{**out["filing_companies"][0], "role": "alien"},
                                {**out["filing_companies"][1], "company_index": 9, "role": None}]
    out["reporting_owners"].append(dict(out["reporting_owners"][0]))
    out["footnotes"] += [dict(out["footnotes"][0]), {"filing_id": f8, "footnote_id": "F1", "text": None}]
    out["footnote_refs"] += [dict(out["footnote_refs"][0]), {**out["footnote_refs"][0], "table_name": "bogus"}]
    out["signatures"] += [dict(out["signatures"][0]), dict(out["signatures"][0])]
    out["report_items"] += [{**out["report_items"][0], "item_code": None, "numbering_era": "bronze"},
                            {**out["report_items"][1], "item_index": out["report_items"][0]["item_index"]}]
    # A key with a null part twice is a duplicate too: pandas compares nulls as equal.
    out["exhibits"] += [{"filing_id": f8, "exhibit_number": "99.1", "description": "again"},
                        {"filing_id": f8, "exhibit_number": "99.1", "description": "and again"},
                        {"filing_id": f8, "exhibit_number": None}, {"filing_id": f8, "exhibit_number": None}]
    out["documents"] += [{"filing_id": f8, "sequence": 1, "document_type": "EX-99"}, {"filing_id": f8, "sequence": 1},
                         {"filing_id": f4, "sequence": 3}]
    return out


def sample_paths() -> list[Path]:
    return sorted((ROOT / "data" / "samples").glob("*.txt"))


def corpus_paths(corpus: Path) -> list[Path]:
    return sorted(p for d in CORPUS_DIRS for p in (corpus / d).rglob("*") if p.is_file())


def arrow_tables(rows: dict[str, list[dict]]) -> dict[str, pa.Table]:
    return {name: TABLES[name].to_arrow(r) for name, r in rows.items()}


def load_dataset(name: str) -> dict[str, pa.Table]:
    # Written with every field nullable (a Parquet writer refuses nulls in a required field; a required
    # column's null is what a not-null check is there to catch), read back with the schema's fields; a
    # table or column added to the schema since is empty or null (and its new expectations tell in the rows).
    tables = {}
    for table in FILING_TABLES:
        path = FIXTURES / name / f"{table}.parquet"
        stored = pq.read_table(path) if path.exists() else pa.table({})
        schema = TABLES[table].arrow_schema()
        n = stored.num_rows
        tables[table] = pa.Table.from_arrays(
            [stored[f.name] if f.name in stored.column_names else pa.nulls(n, f.type) for f in schema], schema=schema)
    return tables


def write_golden(golden: dict) -> None:
    """One row a line: a change to the golden reads as a diff of rows."""
    parts = []
    for name, outcome_ in golden.items():
        fields = [f'  "{key}": [\n' + ",\n".join("   " + json.dumps(row, default=str) for row in value) + "\n  ]"
                  if isinstance(value, list) else f"  {json.dumps(key)}: {json.dumps(value)}"
                  for key, value in outcome_.items()]
        parts.append(f" {json.dumps(name)}: {{\n" + ",\n".join(fields) + "\n }")
    GOLDEN.write_text("{\n" + ",\n".join(parts) + "\n}\n")


def write_dataset(name: str, tables: dict[str, pa.Table]) -> None:
    folder = FIXTURES / name
    folder.mkdir(parents=True, exist_ok=True)
    for table in FILING_TABLES:
        schema = pa.schema([f.with_nullable(True) for f in tables[table].schema])
        pq.write_table(pa.Table.from_arrays(tables[table].columns, schema=schema), folder / f"{table}.parquet")


def batches(tables: dict[str, pa.Table]) -> list[dict[str, pa.Table]]:
    """Two batches of whole filings (the first filing id alone, then the rest), as the flow splits a big run."""
    ids = sorted(set(tables["filings"]["filing_id"].to_pylist()))
    groups = [ids[:1], ids[1:]]
    return [{name: t.filter(pc.is_in(t["filing_id"], value_set=pa.array(g, pa.string()))) for name, t in tables.items()}
            for g in groups]


def fingerprint(tables: dict[str, pa.Table]) -> str:
    digest = hashlib.sha256()
    for name in sorted(tables):
        digest.update(name.encode())
        digest.update(json.dumps(tables[name].to_pylist(), default=str, sort_keys=True).encode())
    return digest.hexdigest()


def outcome(parts: list[dict[str, pa.Table]]) -> dict[str, list]:
    """dq_results and dq_flags rows of the batches through expectations.runner, in a canonical order."""
    checker = RunChecker("golden", None)
    for tables in parts:
        checker.check(tables)
    validation = checker.finish()
    return {"dq_results": canonical(validation.results), "dq_flags": canonical(validation.flags)}


def canonical(table: pa.Table) -> list[list]:
    rows = [[None if v is None else v for v in row.values()] for row in table.to_pylist()]
    return sorted(rows, key=lambda r: json.dumps(r, default=str))


def capture(corpus: Path | None) -> dict:
    samples = read_files(*sample_paths())
    golden: dict = {}
    for name, rows in (("samples", samples), ("hostile", hostile(samples))):
        write_dataset(name, arrow_tables(rows))
        tables = load_dataset(name)
        golden[name] = outcome(batches(tables) if name == "hostile" else [tables])
    if corpus is not None and corpus.is_dir():
        tables = arrow_tables(read_files(*corpus_paths(corpus)))
        golden["corpus"] = {"fingerprint": fingerprint(tables), **outcome([tables])}
    return golden


if __name__ == "__main__":
    result = capture(ROOT.parent / "shared" / "corpus")
    write_golden(result)
    print({k: {part: len(v) for part, v in d.items() if isinstance(v, list)} for k, d in result.items()})
