"""Settings of every command: one table drives the file, the environment, the flags and the docs.

Precedence, lowest first: built-in default < `filingflow.toml` < environment
`FILINGFLOW_<KEY>` < command-line flag. The file is `--config PATH`, else
`$FILINGFLOW_CONFIG`, else `./filingflow.toml` when present. Commands read the
result as `args.settings.<key>` (flows/cli.py resolves it once per invocation).

docs/configuration.md and filingflow.example.toml are generated from the table
(filingflow/config_docs.py)."""
from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_FILE = "filingflow.toml"
CONFIG_ENV = "FILINGFLOW_CONFIG"
ENV_PREFIX = "FILINGFLOW_"

# Kinds of value: how each layer's text becomes a value.
STR, INT, FLOAT, PATH, LOCATION, LOCATIONS, WORDS = "str", "int", "float", "path", "location", "locations", "words"


class ConfigError(ValueError):
    """A setting could not be read: the message names the setting and where it came from."""


def _local_timezone() -> str:
    try:
        from tzlocal import get_localzone_name

        return get_localzone_name() or "UTC"
    except Exception:  # noqa: BLE001 - no detectable zone (minimal containers): cron times are then UTC
        return "UTC"


def _history_file() -> str:
    state = os.environ.get("XDG_STATE_HOME") or os.path.join("~", ".local", "state")
    return os.path.join(state, "filingflow", "sql_history")


def _cron(value: str) -> str | None:
    macros = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
    fields = value.split()
    if value.strip() in macros or (len(fields) == 5 and all(re.fullmatch(r"[0-9A-Za-z*/,\-?LW#]+", f) for f in fields)):
        return None
    return "is not a cron expression (five fields: minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\")"


def _timezone(value: str) -> str | None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return "is not a known time zone (an IANA name such as \"Europe/Paris\" or \"UTC\")"
    return None


@dataclass(frozen=True)
class Setting:
    key: str
    kind: str
    default: Any  # a value, None (unset), or a callable computing it at start-up
    help: str
    section: str
    toml_key: str | None = None  # name inside its [section] when it differs from key
    flag: str | None = None  # when it differs from --key-with-dashes
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    check: Callable[[str], str | None] | None = None  # returns what is wrong, or None
    example: Any = None  # shown in the example file for settings without a fixed default
    default_doc: str | None = None  # how a computed default is described

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.key.upper()

    @property
    def name_in_file(self) -> str:
        return self.toml_key or self.key

    @property
    def option(self) -> str:
        return self.flag or "--" + self.key.replace("_", "-")

    def default_value(self) -> Any:
        return self.default() if callable(self.default) else self.default


SETTINGS: tuple[Setting, ...] = (
    Setting("input", LOCATIONS, ["data/samples"], "Input folders, files or globs the run reads.", "paths"),
    Setting("warehouse", PATH, "data/warehouse.duckdb", "DuckDB warehouse file.", "paths"),
    Setting("lake", LOCATION, "data/lake", "Parquet lake folder.", "paths"),
    Setting("dq_dir", PATH, "data/dq", "Great Expectations Data Docs folder.", "paths"),
    Setting("reports_dir", PATH, "data/reports", "Folder of the run reports.", "paths"),
    Setting("queries_dir", PATH, None, "Your own saved queries (NAME.sql), used before the bundled `queries/`.",
            "sql", example="~/filingflow-queries"),
    Setting("format", STR, "table", "Output format of `sql`, `search` and `dq`.", "sql",
            choices=("table", "csv", "json")),
    Setting("history_file", PATH, _history_file, "History of the interactive SQL prompt.", "sql",
            default_doc="`$XDG_STATE_HOME/filingflow/sql_history` (`~/.local/state/filingflow/sql_history`)",
            example="~/.filingflow_history"),
    Setting("schedule", STR, "0 2 * * *", "Cron schedule of the nightly deployment (`filingflow serve`).",
            "schedule", toml_key="cron", flag="--cron", check=_cron),
    Setting("timezone", STR, _local_timezone, "Time zone of the schedule.", "schedule", check=_timezone,
            default_doc="the machine's local zone (UTC when it cannot be detected)", example="Europe/Paris"),
    Setting("max_file_bytes", INT, 64 * 1024 * 1024, "Per-file size limit; larger files are quarantined.",
            "limits", minimum=1),
    Setting("max_file_seconds", FLOAT, 30.0, "Per-file parse time limit; slower files are quarantined.",
            "limits", minimum=0.001),
    Setting("lock_wait_seconds", FLOAT, 0.0, "Seconds to wait for another run holding the warehouse (0: exit at once).",
            "limits", flag="--wait", minimum=0),
    Setting("max_error_rate", FLOAT, 0.01,
            "The run fails when an error-severity expectation fails on more than this share of its rows.",
            "quality", minimum=0, maximum=1),
    Setting("task_runner", STR, "threads", "Where parse tasks run: threads of this process, or a Dask cluster.",
            "runner", choices=("threads", "dask")),
    Setting("dask_address", STR, None,
            "Dask scheduler address (with `task_runner = \"dask\"`; unset: a local cluster).", "runner",
            example="tcp://127.0.0.1:8786"),
    Setting("parse_workers", INT, None, "Worker processes parsing files inside each parse task (unset: one per CPU "
            "when the run has 3,000 files or more, else the task's own thread).",
            "runner", minimum=1, example=2),
    Setting("chunk_size", INT, None, "Files per parse task (unset: tens of tasks per run).", "runner", minimum=1,
            example=500),
    Setting("user_agent", STR, None, "User-Agent of HTTP requests to EDGAR (the SEC requires a name and an e-mail).",
            "sources", example="Example Corp data@example.com"),
    Setting("forms", WORDS, ["3", "3/A", "4", "4/A", "5", "5/A", "8-K", "8-K/A"],
            "Form types fetched from EDGAR index files.", "sources"),
)
BY_KEY = {s.key: s for s in SETTINGS}
SECTIONS = tuple(dict.fromkeys(s.section for s in SETTINGS))


class Settings:
    """Resolved settings: `settings.warehouse`, `settings["warehouse"]`, and where each came from."""

    def __init__(self, values: dict[str, Any], origins: dict[str, str], file: Path | None):
        self._values, self._origins, self.file = values, origins, file

    def __getattr__(self, key: str) -> Any:
        try:
            return self.__dict__["_values"][key]
        except KeyError:
            raise AttributeError(key) from None

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __contains__(self, key: str) -> bool:
        return key in self._values

    def origin(self, key: str) -> str:
        """`default`, `file PATH`, `env NAME` or `flag --name`."""
        return self._origins[key]


def _is_url(text: str) -> bool:
    # A scheme of two letters or more: s3://, memory://, edgar+https://, edgar:/mirror.
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:", text) is not None


def _resolve_location(text: str, base: Path | None) -> str:
    """~ expanded; a relative path in the config file is relative to the file's folder."""
    if _is_url(text):
        return text
    path = Path(text).expanduser()
    return str(base / path) if base is not None and not path.is_absolute() else str(path)


def _convert(setting: Setting, raw: Any, where: str, base: Path | None, from_text: bool) -> Any:
    """Check one value and bring it to its kind. `from_text`: environment text to parse."""
    def wrong(expected: str) -> ConfigError:
        return ConfigError(f"{where}: {setting.key} must be {expected}, got {raw!r}")

    kind = setting.kind
    if kind == INT:
        if from_text:
            try:
                raw = int(raw.strip().replace("_", ""))
            except ValueError:
                raise wrong("an integer") from None
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise wrong("an integer")
        value = raw
    elif kind == FLOAT:
        if from_text:
            try:
                raw = float(raw)
            except ValueError:
                raise wrong("a number") from None
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise wrong("a number")
        value = float(raw)
    elif kind in (STR, PATH, LOCATION):
        if not isinstance(raw, str) or not raw.strip():
            raise wrong("a non-empty string")
        value = (raw if kind == STR else _resolve_location(raw, base) if kind == LOCATION
                 else Path(_resolve_location(raw, base)))
    else:  # LOCATIONS, WORDS
        if from_text:
            raw = [p for p in raw.split(os.pathsep if kind == LOCATIONS else ",")]
        elif isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise wrong("a list of strings")
        value = [v.strip() for v in raw if v.strip()]
        if not value:
            raise wrong("a non-empty list")
        if kind == LOCATIONS:
            value = [_resolve_location(v, base) for v in value]
    if setting.choices and value not in setting.choices:
        raise ConfigError(f"{where}: {setting.key} must be one of {', '.join(setting.choices)}, got {raw!r}")
    if setting.minimum is not None and value < setting.minimum:
        raise ConfigError(f"{where}: {setting.key} must be at least {setting.minimum:g}, got {raw!r}")
    if setting.maximum is not None and value > setting.maximum:
        raise ConfigError(f"{where}: {setting.key} must be at most {setting.maximum:g}, got {raw!r}")
    if setting.check and (problem := setting.check(value)):
        raise ConfigError(f"{where}: {setting.key} {value!r} {problem}")
    return value


def find_config_file(explicit: str | os.PathLike | None, environ: dict[str, str] | None = None,
                     cwd: Path | None = None) -> tuple[Path | None, str]:
    """The config file to read and why: (`--config`, `$FILINGFLOW_CONFIG`, `./filingflow.toml`)."""
    environ = os.environ if environ is None else environ
    if explicit:
        path, why = Path(explicit).expanduser(), "--config"
    elif environ.get(CONFIG_ENV):
        path, why = Path(environ[CONFIG_ENV]).expanduser(), CONFIG_ENV
    else:
        path = (cwd or Path.cwd()) / CONFIG_FILE
        return (path, "./" + CONFIG_FILE) if path.is_file() else (None, "none")
    if not path.is_file():
        raise ConfigError(f"config file {path} (from {why}) does not exist")
    return path, why


def read_file(path: Path) -> dict[str, Any]:
    """Values of a config file by setting key; unknown sections or keys are errors."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    values: dict[str, Any] = {}
    for section, table in data.items():
        if section not in SECTIONS:
            hint = f"; `{section}` is a setting of [{BY_KEY[section].section}]" if section in BY_KEY else ""
            raise ConfigError(f"{path}: unknown section [{section}] (known: "
                              f"{', '.join(f'[{s}]' for s in SECTIONS)}){hint}")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: `{section}` must be a [{section}] table, not a single value")
        by_name = {s.name_in_file: s for s in SETTINGS if s.section == section}
        for name, raw in table.items():
            setting = by_name.get(name)
            if setting is None:
                elsewhere = [s for s in SETTINGS if s.name_in_file == name]
                hint = f"; it belongs in [{elsewhere[0].section}]" if elsewhere else ""
                raise ConfigError(f"{path}: unknown setting `{name}` in [{section}] (known there: "
                                  f"{', '.join(sorted(by_name))}){hint}")
            values[setting.key] = _convert(setting, raw, f"{path} [{section}] {name}", path.parent.resolve(),
                                           from_text=False)
    return values


def resolve(flags: dict[str, Any] | None = None, config: str | os.PathLike | None = None,
            environ: dict[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """Every setting from default < file < environment < flags (`flags`: the values given on the command line)."""
    environ = os.environ if environ is None else environ
    flags = flags or {}
    unknown = set(flags) - set(BY_KEY)
    if unknown:
        raise ConfigError(f"unknown settings {sorted(unknown)}")
    path, _ = find_config_file(config, environ, cwd)
    from_file = read_file(path) if path else {}
    values, origins = {}, {}
    for s in SETTINGS:
        if s.key in flags and flags[s.key] is not None:
            values[s.key] = _convert(s, flags[s.key], s.option, None, from_text=False)
            origins[s.key] = f"flag {s.option}"
        elif environ.get(s.env, "").strip():
            values[s.key] = _convert(s, environ[s.env], f"environment {s.env}", None, from_text=True)
            origins[s.key] = f"env {s.env}"
        elif s.key in from_file:
            values[s.key] = from_file[s.key]
            origins[s.key] = f"file {path}"
        else:
            default = s.default_value()
            values[s.key] = None if default is None else _convert(s, default, "default", None, from_text=False)
            origins[s.key] = "default"
    return Settings(values, origins, path)
