"""Saved queries: `queries/NAME.sql` files run by name (`filingflow sql --query NAME`).

A file starts with comment lines: the first is its description; `-- param NAME=DEFAULT: help`
(or `-- param NAME: help` for one without a default) declares a parameter, which the SQL
uses as a DuckDB placeholder `$NAME`. Values come from `--param NAME=VALUE` as text; DuckDB
casts them where they are used. The user's `queries_dir` is searched before the bundled folder."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

BUNDLED = Path(__file__).resolve().parents[1] / "queries"
_PARAM = re.compile(r"--\s*param\s+(?P<name>[A-Za-z_]\w*)\s*(?:=\s*(?P<default>[^:]*?))?\s*:\s*(?P<help>.*)$")


class QueryError(ValueError):
    """A saved query is unknown, or its parameters are wrong."""


@dataclass(frozen=True)
class Param:
    name: str
    default: str | None
    help: str


@dataclass(frozen=True)
class SavedQuery:
    name: str
    path: Path
    description: str
    params: tuple[Param, ...]
    sql: str

    def bind(self, given: dict[str, str]) -> dict[str, str]:
        """Parameter values: the given ones over the defaults; unknown or missing ones are errors."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(given) - set(known))
        if unknown:
            takes = ", ".join(known) or "none"
            raise QueryError(f"query {self.name} has no parameter {', '.join(unknown)} (its parameters: {takes})")
        values = {p.name: p.default for p in self.params} | given
        missing = [name for name, value in values.items() if value is None]
        if missing:
            raise QueryError(f"query {self.name} needs " + " ".join(f"--param {m}=VALUE" for m in missing)
                             + " (" + "; ".join(f"{m}: {known[m].help}" for m in missing) + ")")
        return values

    def usage(self) -> str:
        return " ".join(f"{p.name}={p.default}" if p.default is not None else f"{p.name}=?" for p in self.params)


def parse(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    comments = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.lstrip().startswith("--"):
            break
        comments.append(line.strip())
    description = comments[0].lstrip("-").strip() if comments else ""
    params = tuple(Param(m["name"], m["default"], m["help"].strip())
                   for m in (_PARAM.match(c) for c in comments[1:]) if m)
    return SavedQuery(path.stem, path, description, params, text)


def folders(queries_dir: Path | None) -> list[Path]:
    return [p for p in (queries_dir, BUNDLED) if p is not None]


def available(queries_dir: Path | None = None) -> dict[str, SavedQuery]:
    """Every saved query by name; a user's file hides a bundled one of the same name."""
    found: dict[str, SavedQuery] = {}
    for folder in folders(queries_dir):
        if folder.is_dir():
            for path in sorted(folder.glob("*.sql")):
                found.setdefault(path.stem, parse(path))
    return dict(sorted(found.items()))


def find(name: str, queries_dir: Path | None = None) -> SavedQuery:
    queries = available(queries_dir)
    if name not in queries:
        searched = ", ".join(str(f) for f in folders(queries_dir))
        raise QueryError(f"no saved query named {name!r} in {searched} "
                         f"(saved queries: {', '.join(queries) or 'none'}; `filingflow sql --list` describes them)")
    return queries[name]


def parse_assignments(items: list[str]) -> dict[str, str]:
    """`key=value` words (from --param or `.run NAME key=value`) as a dict."""
    values = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_]\w*", key.strip()):
            raise QueryError(f"parameter {item!r} is not NAME=VALUE")
        values[key.strip()] = value
    return values
