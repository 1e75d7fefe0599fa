"""`filingflow sql`: SQL against the warehouse, read-only: one statement, a saved query,
a script on stdin, or the interactive prompt."""
from __future__ import annotations

import argparse
import sys

from flows import saved_queries
from flows.commands.common import add_settings
from filingflow.sql_guard import ReadOnlyRefused, query
from flows.output import print_result


def cmd_sql(args: argparse.Namespace) -> int:
    from flows.sql_prompt import Session, run_interactive, run_script

    settings = args.settings
    try:
        if args.list:
            rows = [(q.name, q.usage(), q.description) for q in saved_queries.available(settings.queries_dir).values()]
            print_result(["name", "parameters", "description"], rows, args.format)
            return 0
        if args.statement and args.saved:
            raise saved_queries.QueryError("give either a SQL statement or --query NAME, not both")
        params = saved_queries.parse_assignments(args.param or [])
        if args.saved:
            saved = saved_queries.find(args.saved, settings.queries_dir)
            return _one(args, saved.sql, saved.bind(params))
        if args.statement:
            return _one(args, args.statement, params or None)
    except saved_queries.QueryError as exc:
        print(f"filingflow sql: {exc}", file=sys.stderr)
        return 2
    interactive = sys.stdin.isatty()
    session = Session(args.warehouse, args.format, settings.queries_dir, stop_on_error=not interactive)
    if interactive:
        run_interactive(session, settings.history_file)
    else:
        run_script(session, sys.stdin)
    return 2 if session.failed and not interactive else 0


def _one(args: argparse.Namespace, sql: str, params: dict[str, str] | None) -> int:
    import duckdb

    try:
        columns, rows = query(args.warehouse, sql, params)
    except (duckdb.Error, FileNotFoundError, ReadOnlyRefused) as exc:
        print(f"filingflow sql: {exc}", file=sys.stderr)
        return 2
    print_result(columns, rows, args.format)
    return 0


def register(sub) -> None:
    sql = sub.add_parser(
        "sql", help="SQL on the warehouse, read-only (no statement: interactive prompt, or a script from stdin)",
        description="Runs one statement, a saved query (--query NAME), a script read from stdin, or, on a "
                    "terminal, an interactive prompt (multi-line statements ending in ';', history, .help).")
    sql.add_argument("statement", nargs="?", help="SQL to run (omit it for the prompt or a script on stdin)")
    sql.add_argument("--query", dest="saved", metavar="NAME", help="run the saved query queries/NAME.sql")
    sql.add_argument("--param", action="append", metavar="NAME=VALUE",
                     help="a parameter of the query ($NAME in its SQL); repeatable")
    sql.add_argument("--list", action="store_true", help="list the saved queries with their parameters")
    add_settings(sql, "warehouse", "format", "queries_dir", "history_file")
    sql.set_defaults(func=cmd_sql)
