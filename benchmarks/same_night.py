"""Whether two roots (warehouse, lake, Data Docs) hold the same night run by two versions of the
product, or two first runs on the same inputs: every table of the warehouse row for row, in every
schema (`dq_results`, `dq_flags` and the search index's tables included), and every file
of the Data Docs, apart from what differs between any two runs (the run's id and times, GX's
build stamps and random element ids).

    python -m benchmarks.same_night ROOT_A ROOT_B

Each root is a copy of one warehouse on which the same files were run (benchmarks.e2e_run --root);
the night compared is each root's latest run. Prints one line per table and a verdict; exits 1 on
any difference."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import duckdb

# Columns that hold when a run happened, never what it found.
RUN_TIMES = frozenset({"started_at", "finished_at", "loaded_at", "ingested_at", "flow_run_id"})
DOCS = "dq"
# In the Data Docs: run times (in paths and text), GX's build stamps, random element ids.
_DOCS_VOLATILE = [
    (re.compile(r"[0-9]{8}T[0-9]{6}[.][0-9]+Z"), "TIME"),
    (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]+)?(\+00:00|Z)?"), "TIME"),
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "UUID"),
    (re.compile(r"[?]d=[0-9]+"), "?d=STAMP"),
    (re.compile(r"'_run_time_sort': [0-9.]+"), "'_run_time_sort': TIME"),
]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _normalised(table: str, columns: list[tuple[str, str]], catalog: str, run_id: str, root: str) -> str:
    """SELECT of a table with the run's id and root written as RUN and ROOT, run times left out."""
    shown = []
    for name, type_ in columns:
        if name in RUN_TIMES:
            continue
        column = '"' + name.replace('"', '""') + '"'
        if type_ == "VARCHAR":
            column = f"replace(replace({column}, {_literal(run_id)}, 'RUN'), {_literal(root)}, 'ROOT')"
        elif type_ == "VARCHAR[]":
            column = f"list_transform({column}, x -> replace(replace(x, {_literal(run_id)}, 'RUN'), {_literal(root)}, 'ROOT'))"
        shown.append(column)
    return f'SELECT {", ".join(shown)} FROM {catalog}.{table}'


def compare_tables(a: Path, b: Path) -> list[str]:
    """One line per table of A's warehouse: 'same' or what differs."""
    con = duckdb.connect()
    lines = []
    try:
        con.execute(f"ATTACH {_literal(str(a / 'wh.duckdb'))} AS a (READ_ONLY)")
        con.execute(f"ATTACH {_literal(str(b / 'wh.duckdb'))} AS b (READ_ONLY)")
        runs = {s: con.execute(f"SELECT run_id FROM {s}.main.runs ORDER BY started_at DESC LIMIT 1").fetchone()[0]
                for s in "ab"}
        roots = {"a": str(a), "b": str(b)}
        # every schema's tables: the search index's (fts_main_...) too
        tables = {s: {name if schema == "main" else f"{schema}.{name}" for schema, name in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables WHERE table_catalog = ?", [s]).fetchall()}
            for s in "ab"}
        lines += [f"DIFFERENT {table}: only in {s.upper()}"
                  for s, other in (("a", "b"), ("b", "a")) for table in sorted(tables[s] - tables[other])]
        for table in sorted(tables["a"] & tables["b"]):
            schema, name = table.split(".", 1) if "." in table else ("main", table)
            columns = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = 'a' "
                "AND table_schema = ? AND table_name = ? ORDER BY ordinal_position", [schema, name]).fetchall()
            quoted = f'"{schema}"."{name}"'
            sides = {s: _normalised(quoted, columns, s, runs[s], roots[s]) for s in "ab"}
            only_a = con.execute(f"SELECT count(*) FROM ({sides['a']} EXCEPT ALL {sides['b']})").fetchone()[0]
            only_b = con.execute(f"SELECT count(*) FROM ({sides['b']} EXCEPT ALL {sides['a']})").fetchone()[0]
            rows = con.execute(f"SELECT count(*) FROM a.{quoted}").fetchone()[0]
            lines.append(f"same {table}: {rows} rows" if not (only_a or only_b)
                         else f"DIFFERENT {table}: {rows} rows, {only_a} only in A, {only_b} only in B")
    finally:
        con.close()
    return lines


def _docs_text(text: str, run_id: str, root: str) -> str:
    text = text.replace(run_id, "RUN").replace(root, "ROOT")
    for pattern, replacement in _DOCS_VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def compare_docs(a: Path, b: Path, run_a: str, run_b: str) -> list[str]:
    """The Data Docs files of both roots, by path and content, run names and times aside."""
    files = {}
    for side, root, run_id in (("a", a, run_a), ("b", b, run_b)):
        folder = root / DOCS
        files[side] = {_docs_text(p.relative_to(folder).as_posix(), run_id, str(root)): (p, run_id, str(root))
                       for p in sorted(folder.rglob("*")) if p.is_file()} if folder.is_dir() else {}
    lines = [f"DIFFERENT docs: {name} only in {side.upper()}"
             for side, other in (("a", "b"), ("b", "a")) for name in sorted(set(files[side]) - set(files[other]))]
    same = 0
    for name in sorted(set(files["a"]) & set(files["b"])):
        (pa_, run_x, root_x), (pb, run_y, root_y) = files["a"][name], files["b"][name]
        if name.endswith((".html", ".json", ".js", ".css")):
            equal = (_docs_text(pa_.read_text(errors="replace"), run_x, root_x)
                     == _docs_text(pb.read_text(errors="replace"), run_y, root_y))
        else:
            equal = pa_.read_bytes() == pb.read_bytes()
        if equal:
            same += 1
        else:
            lines.append(f"DIFFERENT docs: {name}")
    lines.append(f"docs: {same} of {len(files['a'])} files the same")
    return lines


def latest_run(root: Path) -> str:
    con = duckdb.connect(str(root / "wh.duckdb"), read_only=True)
    try:
        return con.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.same_night", description=__doc__.split("\n\n")[0])
    parser.add_argument("root_a", type=Path)
    parser.add_argument("root_b", type=Path)
    args = parser.parse_args(argv)
    lines = compare_tables(args.root_a, args.root_b)
    lines += compare_docs(args.root_a, args.root_b, latest_run(args.root_a), latest_run(args.root_b))
    different = [line for line in lines if line.startswith("DIFFERENT")]
    print("\n".join(lines))
    print("the same night" if not different else f"{len(different)} differences")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
