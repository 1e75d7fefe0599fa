"""Settings: default < filingflow.toml < FILINGFLOW_* environment < flags; clear errors; generated docs current."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from filingflow import config
from filingflow.config import ConfigError, resolve
from filingflow.config_docs import CONFIG_DOC, EXAMPLE_TOML, render_example, render_markdown
from flows import cli

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def no_outside_settings(monkeypatch, tmp_path):
    """No FILINGFLOW_* variable or ./filingflow.toml of the machine running the tests leaks in."""
    import os

    for name in list(os.environ):
        if name.startswith("FILINGFLOW_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_without_file_or_environment(tmp_path):
    s = resolve({}, None, environ={}, cwd=tmp_path)
    assert s.file is None
    assert (s.input, s.warehouse, s.lake, s.dq_dir) == (["data/samples"], Path("data/warehouse.duckdb"), "data/lake",
                                                       Path("data/dq"))
    assert (s.max_file_bytes, s.max_file_seconds, s.max_error_rate, s.lock_wait_seconds) == (
        64 * 2**20, 30.0, 0.01, 0.0)
    assert (s.schedule, s.task_runner, s.dask_address, s.parse_workers, s.format) == (
        "0 2 * * *", "threads", None, None, "table")
    assert {s.origin(k.key) for k in config.SETTINGS} == {"default"}


def test_file_then_environment_then_flag(tmp_path):
    toml = write(tmp_path / "conf" / "filingflow.toml", """
[paths]
input = ["in", "/abs/other"]
warehouse = "wh/warehouse.duckdb"
lake = "s3://bucket/lake"

[limits]
max_file_bytes = 1000
max_file_seconds = 5

[quality]
max_error_rate = 0.2

[schedule]
cron = "30 3 * * 1-5"
timezone = "Europe/Paris"
""")
    env = {"FILINGFLOW_MAX_FILE_BYTES": "2000", "FILINGFLOW_MAX_ERROR_RATE": "0.3", "FILINGFLOW_TASK_RUNNER": "dask",
           "FILINGFLOW_INPUT": "a:b", "FILINGFLOW_FORMS": "4, 8-K"}
    s = resolve({"max_error_rate": 0.4, "warehouse": "flag.duckdb"}, toml, environ=env, cwd=tmp_path)
    folder = toml.parent.resolve()
    # file values; relative paths are relative to the file's folder, URLs kept
    assert s.lake == "s3://bucket/lake" and s.origin("lake") == f"file {toml}"
    assert s.max_file_seconds == 5.0 and isinstance(s.max_file_seconds, float)
    assert (s.schedule, s.timezone) == ("30 3 * * 1-5", "Europe/Paris")
    # environment over file
    assert s.max_file_bytes == 2000 and s.origin("max_file_bytes") == "env FILINGFLOW_MAX_FILE_BYTES"
    assert s.input == ["a", "b"] and s.origin("input") == "env FILINGFLOW_INPUT"
    assert s.task_runner == "dask" and s.forms == ["4", "8-K"]
    # flag over environment over file
    assert s.max_error_rate == 0.4 and s.origin("max_error_rate") == "flag --max-error-rate"
    assert s.warehouse == Path("flag.duckdb") and s.origin("warehouse") == "flag --warehouse"
    # a warehouse of one's own keeps its Data Docs beside it
    assert s.dq_dir == Path("dq") and s.origin("dq_dir") == "beside the warehouse (flag --warehouse)"
    without_env = resolve({}, toml, environ={}, cwd=tmp_path)
    assert without_env.input == [str(folder / "in"), "/abs/other"]
    assert without_env.warehouse == folder / "wh" / "warehouse.duckdb"
    assert (without_env.max_file_bytes, without_env.max_error_rate) == (1000, 0.2)


def test_which_config_file(tmp_path):
    local = write(tmp_path / "filingflow.toml", "[limits]\nmax_file_bytes = 1\n")
    named = write(tmp_path / "elsewhere.toml", "[limits]\nmax_file_bytes = 2\n")
    explicit = write(tmp_path / "explicit.toml", "[limits]\nmax_file_bytes = 3\n")
    assert resolve({}, None, environ={}, cwd=tmp_path).file == local
    assert resolve({}, None, environ={"FILINGFLOW_CONFIG": str(named)}, cwd=tmp_path).max_file_bytes == 2
    assert resolve({}, explicit, environ={"FILINGFLOW_CONFIG": str(named)}, cwd=tmp_path).max_file_bytes == 3
    with pytest.raises(ConfigError, match=r"config file .*missing.toml \(from --config\) does not exist"):
        resolve({}, tmp_path / "missing.toml", environ={}, cwd=tmp_path)
    with pytest.raises(ConfigError, match=r"\(from FILINGFLOW_CONFIG\) does not exist"):
        resolve({}, None, environ={"FILINGFLOW_CONFIG": str(tmp_path / "nope.toml")}, cwd=tmp_path)


@pytest.mark.parametrize("text, message", [
    ("[paths]\nwarehose = 'x'\n", r"unknown setting `warehose` in \[paths\] \(known there: dq_dir, input, lake, "
                                  r"reports_dir, warehouse\)"),
    ("[limits]\nwarehouse = 'x'\n", r"unknown setting `warehouse` in \[limits\] .*; it belongs in \[paths\]"),
    ("[database]\nfile = 'x'\n", r"unknown section \[database\] \(known: \[paths\], \[sql\]"),
    ("warehouse = 'x'\n", r"unknown section \[warehouse\] .*; `warehouse` is a setting of \[paths\]"),
    ("[limits]\nmax_file_bytes = '64MB'\n",
     r"\[limits\] max_file_bytes: max_file_bytes must be an integer, got '64MB'"),
    ("[limits]\nmax_file_bytes = 1.5\n", r"must be an integer, got 1.5"),
    ("[limits]\nmax_file_bytes = 0\n", r"max_file_bytes must be at least 1, got 0"),
    ("[quality]\nmax_error_rate = 2\n", r"max_error_rate must be at most 1, got 2"),
    ("[quality]\nmax_error_rate = true\n", r"max_error_rate must be a number, got True"),
    ("[paths]\ninput = 3\n", r"input must be a list of strings, got 3"),
    ("[runner]\ntask_runner = 'ray'\n", r"task_runner must be one of threads, dask, got 'ray'"),
    ("[schedule]\ncron = '2am'\n", r"schedule '2am' is not a cron expression"),
    ("[schedule]\ntimezone = 'Mars/Olympus'\n", r"timezone 'Mars/Olympus' is not a known time zone"),
    ("[paths\n", r"not valid TOML"),
])
def test_file_errors_name_the_key_and_the_file(tmp_path, text, message):
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError, match=message) as caught:
        resolve({}, path, environ={}, cwd=tmp_path)
    assert str(path) in str(caught.value)


def test_environment_errors_name_the_variable(tmp_path):
    with pytest.raises(ConfigError, match=r"environment FILINGFLOW_MAX_FILE_BYTES: max_file_bytes must be an integer, "
                                          r"got 'lots'"):
        resolve({}, None, environ={"FILINGFLOW_MAX_FILE_BYTES": "lots"}, cwd=tmp_path)
    with pytest.raises(ConfigError, match=r"environment FILINGFLOW_MAX_ERROR_RATE: max_error_rate must be a number"):
        resolve({}, None, environ={"FILINGFLOW_MAX_ERROR_RATE": "1%"}, cwd=tmp_path)
    # An empty variable counts as unset.
    assert resolve({}, None, environ={"FILINGFLOW_LAKE": ""}, cwd=tmp_path).origin("lake") == "default"


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_config_shows_values_and_origins(tmp_path, monkeypatch, capsys):
    write(tmp_path / "filingflow.toml", "[paths]\nlake = 'file-lake'\nwarehouse = 'file.duckdb'\n"
                                        "[runner]\nparse_workers = 3\n")
    monkeypatch.setenv("FILINGFLOW_WAREHOUSE", "env.duckdb")
    monkeypatch.setenv("FILINGFLOW_PARSE_WORKERS", "4")
    code, out, _ = run_main(capsys, "config", "--format", "json", "--parse-workers", "5")
    assert code == 0
    shown = {row["setting"]: (row["value"], row["from"]) for row in json.loads(out)}
    assert shown["lake"] == (str(tmp_path / "file-lake"), f"file {tmp_path / 'filingflow.toml'}")
    assert shown["warehouse"] == ("env.duckdb", "env FILINGFLOW_WAREHOUSE")
    assert shown["parse_workers"] == ("5", "flag --parse-workers")
    assert shown["max_file_bytes"] == (str(64 * 2**20), "default")
    assert shown["input"] == ("data/samples", "default")
    assert len(shown) == len(config.SETTINGS)

    code, out, _ = run_main(capsys, "config")
    assert out.splitlines()[0] == f"config file: {tmp_path / 'filingflow.toml'}"
    assert re.search(r"^parse_workers\s+\| 4\s+\| env FILINGFLOW_PARSE_WORKERS$", out, re.M)


def test_cli_config_option_before_or_after_the_command(tmp_path, capsys):
    other = write(tmp_path / "other.toml", "[sql]\nformat = 'csv'\n")
    for argv in (["--config", str(other), "config"], ["config", "--config", str(other)]):
        code, out, _ = run_main(capsys, *argv)
        assert code == 0 and out.splitlines()[:2] == ["setting,value,from", "input,data/samples,default"]
        assert f"format,csv,file {other}" in out.splitlines()
    code, out, _ = run_main(capsys, "config", "--config", str(other), "--format", "json")
    assert {r["setting"]: r["from"] for r in json.loads(out)}["format"] == "flag --format"


def test_cli_refuses_a_bad_config_with_status_2(tmp_path, capsys):
    write(tmp_path / "filingflow.toml", "[limits]\nmax_file_byte = 10\n")
    code, out, err = run_main(capsys, "status")
    assert code == 2 and out == ""
    assert err == (f"filingflow: {tmp_path / 'filingflow.toml'}: unknown setting `max_file_byte` in [limits] "
                   "(known there: lock_wait_seconds, max_file_bytes, max_file_seconds, symlink_roots)\n")


def test_flags_default_to_none_so_lower_layers_show_through():
    args = cli.build_parser().parse_args(["run"])
    assert (args.input, args.warehouse, args.max_file_bytes, args.lock_wait_seconds) == (None, None, None, None)
    args = cli.build_parser().parse_args(["run", "--wait", "5", "--input", "a", "--input", "b"])
    assert (args.lock_wait_seconds, args.input) == (5.0, ["a", "b"])


def test_run_settings_follow_the_settings(tmp_path):
    from flows.commands.run import run_settings

    s = resolve({"input": ["x", "y"], "max_file_bytes": 123, "chunk_size": 7}, None,
                environ={"FILINGFLOW_LOCK_WAIT_SECONDS": "2.5"}, cwd=tmp_path)
    rs = run_settings(s)
    assert rs.inputs == [Path("x"), Path("y")]
    assert (rs.warehouse, rs.lake, rs.dq_dir) == (Path("data/warehouse.duckdb"), Path("data/lake"), Path("data/dq"))
    assert (rs.max_file_bytes, rs.chunk_size, rs.lock_wait_seconds, rs.max_error_rate) == (123, 7, 2.5, 0.01)


def test_generated_reference_is_current():
    assert CONFIG_DOC.read_text() == render_markdown(), "run `python -m filingflow.config_docs`"
    assert EXAMPLE_TOML.read_text() == render_example(), "run `python -m filingflow.config_docs`"


def test_example_file_holds_the_defaults():
    values = config.read_file(EXAMPLE_TOML)
    for s in config.SETTINGS:
        if s.default is None or callable(s.default):
            assert s.key not in values  # shown commented out
            continue
        expected = s.default_value()
        if s.kind == config.PATH:
            expected = ROOT / expected
        elif s.kind == config.LOCATION:
            expected = str(ROOT / expected)
        elif s.kind == config.LOCATIONS:
            expected = [str(ROOT / v) for v in expected]
        assert values[s.key] == expected, s.key


def test_readme_config_examples_are_valid(tmp_path):
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```toml\n(.*?)```", readme, re.S)
    assert blocks
    for block in blocks:
        assert config.read_file(write(tmp_path / "readme.toml", block))
