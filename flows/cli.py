"""filingflow command line: each sub-command lives in its own module of flows/commands."""
from __future__ import annotations

import argparse
import sys

from flows.commands import export, run, search, sql, status

COMMANDS = (run, sql, export, status, search)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="filingflow", description="SEC filings to validated Parquet and DuckDB tables.")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
