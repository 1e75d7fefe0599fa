"""filingflow command line: each sub-command lives in its own module of flows/commands."""
from __future__ import annotations

import argparse
import os
import sys

from filingflow import config as configuration
from flows.commands import config, export, forget, report, run, search, serve, sql, status

COMMANDS = (run, sql, export, status, search, config, report, serve, forget)
CONFIG_HELP = "config file (default: $FILINGFLOW_CONFIG, else ./filingflow.toml when present)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="filingflow",
                                     description="SEC filings to validated Parquet and DuckDB tables.")
    parser.add_argument("--config", metavar="PATH", help=CONFIG_HELP)
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    for command_parser in set(sub.choices.values()):
        # Also after the sub-command; SUPPRESS keeps a --config given before it.
        command_parser.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS, help=CONFIG_HELP)
    return parser


def apply_settings(args: argparse.Namespace) -> None:
    """Fill every setting from flag > environment > config file > default: `args.settings`, and the
    command's own setting flags (`args.warehouse`...) replaced by their resolved values."""
    given = {key: value for key, value in vars(args).items() if key in configuration.BY_KEY and value is not None}
    args.settings = configuration.resolve(given, args.config)
    for key in vars(args):
        if key in configuration.BY_KEY:
            setattr(args, key, args.settings[key])


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        apply_settings(args)
    except configuration.ConfigError as exc:
        print(f"filingflow: {exc}", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except BrokenPipeError:
        # `filingflow sql ... | head`: the reader left; end quietly as other Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
