"""Two warehouses made from the same inputs hold the same rows: every table, row for row.

    python -m benchmarks.compare_warehouses A.duckdb B.duckdb

Compares each table of A with B's as multisets of rows (EXCEPT ALL both ways), leaving out what
differs from run to run by design: timestamps, run ids and the paths of a run's own files (Data
Docs). Also says whether the rows come in the same order (by rowid). Exits 1 on any difference."""
from __future__ import annotations

import argparse
import sys

import duckdb

# Columns that name the run or its time, not the data: never equal between two runs.
RUN_COLUMNS = {"run_id", "flow_run_id", "dq_docs", "inputs"}


def _columns(con: duckdb.DuckDBPyConnection, db: str, table: str) -> list[str]:
    schema, name = table.split(".")
    return [name for name, kind in con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? "
        "AND table_name = ? ORDER BY column_index", [db, schema, name]).fetchall()
        if name not in RUN_COLUMNS and not kind.startswith("TIMESTAMP")]


def compare(a: str, b: str) -> list[str]:
    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    # Every schema's tables: the search index's (fts_main_...) too.
    tables = lambda db: {f"{r[0]}.{r[1]}" for r in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ?", [db]).fetchall()}
    problems = []
    if tables("a") != tables("b"):
        problems.append(f"tables differ: {sorted(tables('a') ^ tables('b'))}")
    for table in sorted(tables("a") & tables("b")):
        cols = _columns(con, "a", table)
        if cols != _columns(con, "b", table):
            problems.append(f"{table}: columns differ")
            continue
        listed = ", ".join(f'"{c}"' for c in cols)
        counts = con.execute(f'SELECT (SELECT count(*) FROM a.{table}), (SELECT count(*) FROM b.{table})').fetchone()
        only_a, only_b = con.execute(f"""
            SELECT (SELECT count(*) FROM (SELECT {listed} FROM a.{table} EXCEPT ALL SELECT {listed} FROM b.{table})),
                   (SELECT count(*) FROM (SELECT {listed} FROM b.{table} EXCEPT ALL SELECT {listed} FROM a.{table}))
            """).fetchone()
        ordered = con.execute(f"""
            SELECT count(*) = 0 FROM (SELECT row_number() OVER () AS n, {listed} FROM a.{table}) x
            FULL JOIN (SELECT row_number() OVER () AS n, {listed} FROM b.{table}) y USING (n)
            WHERE x IS DISTINCT FROM y""").fetchone()[0] if counts[0] == counts[1] else False
        status = "same" if (only_a, only_b) == (0, 0) and counts[0] == counts[1] else "DIFFERENT"
        print(f"{table:40} {counts[0]:>9} {counts[1]:>9} rows  {status}"
              f"{'' if status != 'same' else ('' if ordered else '  (other order)')}"
              f"{f'  only in A: {only_a}, only in B: {only_b}' if status != 'same' else ''}")
        if status != "same":
            problems.append(f"{table}: {only_a} rows only in A, {only_b} only in B")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.compare_warehouses")
    parser.add_argument("a")
    parser.add_argument("b")
    args = parser.parse_args()
    problems = compare(args.a, args.b)
    for p in problems:
        print("DIFFERENT:", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
