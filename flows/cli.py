"""filingflow command line: each sub-command lives in its own module of flows/commands."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import traceback

from filingflow import config as configuration
from filingflow.terminal_text import printable
from flows import stopping
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
        if not any("--verbose" in action.option_strings for action in command_parser._actions):
            command_parser.add_argument("--verbose", action="store_true",
                                        help="show the traceback of an error (errors are one line without it)")
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
    """Exit status: 0 done; 1 the command failed (a run that failed, an operational error); 2 a usage or
    input error (a bad flag or setting, a missing input or warehouse); 128 + N when stopped by signal N."""
    args = build_parser().parse_args(argv)  # a bad flag: argparse's usage line and status 2
    try:
        apply_settings(args)
    except configuration.ConfigError as exc:
        print(f"filingflow: {exc}", file=sys.stderr)
        return stopping.USAGE
    terminated = _terminate_as_interrupt()
    try:
        return args.func(args)
    except BrokenPipeError:
        # `filingflow sql ... | head`: the reader left; end quietly as other Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM (below), in a command other than `run`
        print(f"filingflow {args.command}: stopped by {terminated[0] or 'SIGINT'}", file=sys.stderr)
        stopping.stop_children()
        return 128 + (signal.SIGTERM if terminated[0] else signal.SIGINT)
    except Exception as exc:  # noqa: BLE001 - an operational error: one line; the trace with --verbose
        if getattr(args, "verbose", False):
            traceback.print_exc()
        print(f"filingflow {args.command}: {printable(stopping.one_line(exc))}", file=sys.stderr)
        return stopping.FAILED


def _terminate_as_interrupt() -> list[str | None]:
    """SIGTERM raises KeyboardInterrupt, as Ctrl-C does, so the `finally` blocks of a command (the local
    Prefect server of `serve`, an export's work folder) run; returns a cell naming the signal once seen."""
    seen: list[str | None] = [None]

    def handler(signum, frame):  # noqa: ANN001 - signal handler signature
        seen[0] = "SIGTERM"
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)
    return seen


if __name__ == "__main__":
    sys.exit(main())
