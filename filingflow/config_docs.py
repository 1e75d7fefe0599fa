"""docs/configuration.md and filingflow.example.toml, rendered from the settings table.

`python -m filingflow.config_docs` rewrites both; a test fails when they are stale."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from filingflow.config import (CONFIG_ENV, CONFIG_FILE, ENV_PREFIX, FLOAT, INT, LOCATION, LOCATIONS, PATH, SECTIONS,
                               SETTINGS, STR, WORDS, Setting)

ROOT = Path(__file__).resolve().parents[1]
CONFIG_DOC = ROOT / "docs" / "configuration.md"
EXAMPLE_TOML = ROOT / "filingflow.example.toml"
_KIND_DOC = {
    STR: "text", INT: "integer", FLOAT: "number", PATH: "path", LOCATION: "path or URL",
    LOCATIONS: f"list of paths, globs or URLs (environment: separated by `{os.pathsep}`)",
    WORDS: "list of words (environment: comma-separated)",
}


def _toml_value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


def describe_default(s: Setting) -> str:
    """The default as the docs and --help show it."""
    if s.default_doc:
        return s.default_doc
    if s.default is None:
        return "unset"
    return "`" + _toml_value(s.default) + "`"


def render_markdown() -> str:
    out = [
        "# Configuration", "",
        "Generated from the settings table in `filingflow/config.py` by `python -m filingflow.config_docs`;",
        "do not edit by hand.", "",
        "Every setting comes from, lowest precedence first: its default, the config file, the environment",
        "variable, the command-line flag (flags win). `filingflow config` prints the effective settings and",
        "where each one came from.", "",
        f"- **Config file** (TOML, optional): `--config PATH` (before or after the sub-command), else "
        f"`${CONFIG_ENV}`, else `./{CONFIG_FILE}` when present. Start from "
        f"[`filingflow.example.toml`](../filingflow.example.toml). An unknown section or key, or a value of the "
        f"wrong type, stops the command with a message naming the key and the file.",
        "- **Relative paths** in the file are relative to the file's folder; in the environment and in flags, "
        "to the working directory. `~` is expanded everywhere; URLs are kept as they are.",
        f"- **Environment**: `{ENV_PREFIX}<KEY>`; an empty variable counts as unset. Lists: paths separated by "
        f"`{os.pathsep}`, words by commas.", "",
        "| setting | file | environment | flag | type | default | meaning |", "|---|---|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        kind = _KIND_DOC[s.kind] if not s.choices else " \\| ".join(f"`{c}`" for c in s.choices)
        bounds = []
        if s.minimum is not None:
            bounds.append(f"≥ {s.minimum:g}")
        if s.maximum is not None:
            bounds.append(f"≤ {s.maximum:g}")
        if bounds:
            kind += " (" + ", ".join(bounds) + ")"
        out.append(f"| `{s.key}` | `[{s.section}]` `{s.name_in_file}` | `{s.env}` | `{s.option}` | {kind} | "
                   f"{describe_default(s)} | {s.help.replace('|', chr(92) + '|')} |")
    out.append("")
    return "\n".join(out)


def render_example() -> str:
    out = [
        "# filingflow configuration example: copy it to filingflow.toml and keep what you change.",
        f"# Read from --config PATH, else ${CONFIG_ENV}, else ./{CONFIG_FILE}; environment variables",
        f"# {ENV_PREFIX}<KEY> override this file and command-line flags override both.",
        "# Relative paths are relative to this file's folder. Reference: docs/configuration.md.",
        "# The values below are the defaults; commented-out lines are settings that are unset by default.",
    ]
    for section in SECTIONS:
        out += ["", f"[{section}]"]
        for s in (s for s in SETTINGS if s.section == section):
            out.append(f"# {s.help} Env {s.env}, flag {s.option}.")
            if s.default is None or callable(s.default):
                if s.default_doc:
                    out.append(f"# Default: {s.default_doc.replace('`', '')}.")
                out.append(f"# {s.name_in_file} = {_toml_value(s.example)}")
            else:
                out.append(f"{s.name_in_file} = {_toml_value(s.default)}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    CONFIG_DOC.parent.mkdir(exist_ok=True)
    CONFIG_DOC.write_text(render_markdown())
    EXAMPLE_TOML.write_text(render_example())
    print(f"wrote {CONFIG_DOC} and {EXAMPLE_TOML}")
