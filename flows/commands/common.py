"""Command-line flags of the settings (filingflow/config.py), shared by the sub-commands.

Flags default to None: flows/cli.py fills every setting from flag > environment >
config file > default after parsing, so a flag given on the command line always wins."""
from __future__ import annotations

import argparse

from filingflow.config import BY_KEY, FLOAT, INT, LOCATION, LOCATIONS, PATH, WORDS
from filingflow.config_docs import describe_default


def add_settings(parser: argparse.ArgumentParser, *keys: str) -> None:
    """One flag per named setting, typed and documented from the settings table."""
    for key in keys:
        s = BY_KEY[key]
        default = describe_default(s).replace("`", "")
        help_text = f"{s.help} (default: {default}; env {s.env})".replace("%", "%%")
        options: dict = {"dest": s.key, "default": None, "help": help_text}
        if s.kind in (PATH, LOCATION, LOCATIONS):
            options["metavar"] = "PATH"
        elif s.key.endswith("_seconds"):
            options["metavar"] = "SECONDS"
        if s.kind in (LOCATIONS, WORDS):
            options["action"] = "append"
            options["help"] += "; repeatable"
        elif s.kind in (INT, FLOAT):
            options["type"] = int if s.kind == INT else float
        if s.choices:
            options["choices"] = s.choices
        parser.add_argument(s.option, **options)


def add_warehouse(parser: argparse.ArgumentParser) -> None:
    add_settings(parser, "warehouse")


def add_format(parser: argparse.ArgumentParser) -> None:
    add_settings(parser, "format")
