"""Options of EDGAR inputs (`--input edgar+https://...`, `edgar:/mirror`), shared by `run` and `serve`.

`user_agent` and `forms` are settings (filingflow/config.py: file, environment,
flag); the index date range and the cache folder are flags of the invocation."""
from __future__ import annotations

import argparse
import datetime as dt
import glob
import os
import sys
from pathlib import Path

from filingflow.config import Settings
from filingflow.identifiers import pad_cik
from filingflow.sources.resolver import SourceOptions, check_sources, parse_source
from flows.commands.common import add_settings


def input_paths(locations: list[str]) -> list[Path | str]:
    """Local inputs as paths; EDGAR sources as text (a Path would fold their "//")."""
    return [text if parse_source(text) else Path(text) for text in locations]


def missing_input(locations: list[str]) -> str | None:
    """What is wrong with the first local input that names nothing (a missing path, a glob matching no
    file), or None. EDGAR sources are checked by checked_source_options."""
    for text in locations:
        if parse_source(text):
            continue
        if any(ch in text for ch in "*?[") and not os.path.exists(text):
            if next(glob.iglob(text, recursive=True), None) is None:
                return f"input {text}: the pattern matches no file"
        elif not os.path.lexists(text):
            return f"input {text}: no such file or folder"
    return None


def add_source_flags(parser: argparse.ArgumentParser, dates: bool = True) -> None:
    add_settings(parser, "user_agent", "forms")
    parser.add_argument("--edgar-cache", help="folder of files fetched from EDGAR sources (default: data/edgar)")
    if dates:
        parser.add_argument("--since-date", type=dt.date.fromisoformat,
                            help="EDGAR sources: first index day to read, YYYY-MM-DD (default: days not read yet)")
        parser.add_argument("--until-date", type=dt.date.fromisoformat,
                            help="EDGAR sources: last index day to read, YYYY-MM-DD (default: today)")
    company = parser.add_mutually_exclusive_group()
    company.add_argument("--cik", type=_cik, help="EDGAR sources: only this company's filings, from its filing list "
                         "(the submissions file) instead of the daily indexes; with --forms and the date window")
    company.add_argument("--ticker", help="as --cik, the company found by its ticker in the SEC's company tickers file")


def _cik(text: str) -> str:
    cik = pad_cik(text) if text.isascii() else None
    if cik is None or not cik.isdigit() or len(cik) != 10:
        raise argparse.ArgumentTypeError(f"{text!r} is not a CIK (up to 10 digits)")
    return cik


def source_options(settings: Settings, args: argparse.Namespace | None = None) -> SourceOptions:
    options = SourceOptions(user_agent=settings.user_agent, forms=tuple(settings.forms))
    if args is not None:
        options.since_date = getattr(args, "since_date", None)
        options.until_date = getattr(args, "until_date", None)
        options.cik, options.ticker = getattr(args, "cik", None), getattr(args, "ticker", None)
        if getattr(args, "edgar_cache", None):
            options.cache_dir = Path(args.edgar_cache)
    return options


def checked_source_options(args: argparse.Namespace) -> SourceOptions:
    """The options of this invocation; EDGAR inputs that cannot work (an HTTP source without
    a User-Agent, a missing mirror) stop the command here, before Prefect starts."""
    options = source_options(args.settings, args)
    try:
        check_sources(args.settings.input, options)
    except ValueError as exc:  # MissingUserAgent included
        print(f"filingflow {args.command}: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    return options
