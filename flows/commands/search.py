"""`filingflow search`: full-text search of 8-K items, exhibits and footnotes."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from flows.commands.common import add_format, add_warehouse
from flows.output import print_result


def cmd_search(args: argparse.Namespace) -> int:
    import duckdb

    from filingflow.connections import connect_with_fts
    from filingflow.search import search

    try:
        con = connect_with_fts(Path(args.warehouse), read_only=True)
        try:
            columns, rows = search(con, args.words, args.limit)
        finally:
            con.close()
    except (duckdb.Error, FileNotFoundError) as exc:
        print(f"filingflow search: {exc}", file=sys.stderr)
        return 2
    print_result(columns, rows, args.format)
    return 0


def register(sub) -> None:
    search = sub.add_parser("search", help="full-text search of 8-K items, exhibits and footnotes (BM25)")
    search.add_argument("words")
    search.add_argument("--limit", type=int, default=20)
    add_format(search)
    add_warehouse(search)
    search.set_defaults(func=cmd_search)
