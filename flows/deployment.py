"""The nightly flow as a Prefect deployment (`filingflow serve`, prefect.yaml).

A deployment stores its parameters as JSON, and `nightly` takes a `RunSettings`
object, so the deployment's entry point is this thin flow of the same name: it
takes the settings as a JSON object (paths as strings, dates as ISO text) and
runs the nightly flow's body in its own flow run. Settings it is not given come
from the configuration of the folder the run starts in (filingflow.toml,
FILINGFLOW_* variables, defaults), so prefect.yaml needs no parameters."""
from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from pathlib import Path
from typing import Any

from prefect import flow

from filingflow import config
from filingflow.lake import location as lake_location
from flows.commands.sources import input_paths, source_options
from flows.pipeline import RunSettings, RunSummary, nightly

FLOW_NAME = nightly.name
DEPLOYMENT_NAME = "nightly"


@flow(name=FLOW_NAME, task_runner=nightly.task_runner, log_prints=False)
def nightly_scheduled(settings: dict[str, Any] | None = None) -> RunSummary:
    """Entry point of the `nightly` deployment: RunSettings fields as JSON, missing ones from the configuration."""
    return nightly.fn(from_parameters(settings or {}))


def configured_settings(resolved: config.Settings) -> RunSettings:
    """RunSettings as `filingflow run` builds them from the resolved configuration."""
    from flows.commands.run import run_settings

    return dataclasses.replace(run_settings(resolved), sources=source_options(resolved))


def to_parameters(settings: RunSettings) -> dict[str, Any]:
    """The deployment parameter: RunSettings as JSON-friendly values."""
    return _jsonable(dataclasses.asdict(settings))


def from_parameters(params: dict[str, Any]) -> RunSettings:
    unknown = set(params) - {f.name for f in dataclasses.fields(RunSettings)}
    if unknown:
        raise ValueError(f"unknown settings in the deployment parameters: {sorted(unknown)}")
    merged = to_parameters(configured_settings(config.resolve()))
    for key, value in params.items():
        merged[key] = {**merged[key], **value} if key == "sources" and value else value
    merged["inputs"] = input_paths(merged["inputs"])
    merged["lake"] = lake_location(merged["lake"])
    return _build(RunSettings, merged)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _build(cls: type, values: dict[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    return cls(**{f.name: _coerce(hints[f.name], values[f.name])
                  for f in dataclasses.fields(cls) if f.name in values})


def _coerce(kind: Any, value: Any) -> Any:
    """A JSON value (or a configured one) as the field's declared type."""
    if value is None:
        return None
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if any(isinstance(a, type) and not dataclasses.is_dataclass(a) and isinstance(value, a) for a in options):
            return value  # already one of the declared types (str | Path keeps a URL as text)
        return _coerce(options[0], value)
    if origin is list:
        return [_coerce(args[0], v) for v in value]
    if origin is tuple:
        return tuple(_coerce(args[0], v) for v in value)
    if dataclasses.is_dataclass(kind):
        return value if isinstance(value, kind) else _build(kind, value)
    if kind is Path:
        return Path(value)
    if kind is dt.date:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    if kind is float and isinstance(value, int):
        return float(value)
    return value
