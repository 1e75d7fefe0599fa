"""`filingflow config`: the effective settings and where each one came from."""
from __future__ import annotations

import argparse

from filingflow.config import CONFIG_FILE, SETTINGS, Settings
from flows.commands.common import add_settings
from flows.output import print_result


def _shown(value) -> str | None:
    if value is None:
        return None
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def rows(settings: Settings) -> list[tuple]:
    return [(s.key, _shown(settings[s.key]), settings.origin(s.key)) for s in SETTINGS]


def cmd_config(args: argparse.Namespace) -> int:
    settings = args.settings
    if args.format == "table":
        print(f"config file: {settings.file}" if settings.file
              else f"config file: none (no ./{CONFIG_FILE}; --config PATH or FILINGFLOW_CONFIG name one)")
    print_result(["setting", "value", "from"], rows(settings), args.format)
    return 0


def register(sub) -> None:
    config = sub.add_parser("config", help="show the effective settings and where each came from "
                                           "(default, file, env, flag)")
    # Every setting's flag, so that `filingflow config --lake X` shows what a flag changes.
    add_settings(config, *(s.key for s in SETTINGS))
    config.set_defaults(func=cmd_config)
