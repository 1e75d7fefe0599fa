"""Defaults and arguments shared by the sub-commands."""
from __future__ import annotations

import argparse
from pathlib import Path

DEFAULT_INPUT = Path("data/samples")
DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
DEFAULT_LAKE = Path("data/lake")
DEFAULT_DQ = Path("data/dq")
FORMATS = ("table", "csv", "json")


def add_warehouse(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warehouse", default=str(DEFAULT_WAREHOUSE), help="DuckDB file (default: %(default)s)")


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=FORMATS, default="table")
