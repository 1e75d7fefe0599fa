"""The nightly schedule: `filingflow serve` registers the deployment with Prefect,
prefect.yaml describes the same deployment for workers, and the deployment's JSON
parameters carry the run settings."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import ROOT, SEED_8K, SEED_FORM4, input_folder

from filingflow import config
from filingflow.sources.resolver import SourceOptions
from flows.cli import main
from flows.deployment import (
    DEPLOYMENT_NAME,
    FLOW_NAME,
    configured_settings,
    from_parameters,
    to_parameters,
)
from flows.pipeline import RunSettings

DEFAULT_CRON = config.BY_KEY["schedule"].default


def read_deployment(name: str):
    from prefect import get_client

    with get_client(sync_client=True) as client:
        return client.read_deployment_by_name(f"{FLOW_NAME}/{name}")


def test_register_only_creates_the_nightly_deployment(prefect_api, tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    assert main(["serve", "--register-only", "--input", str(inputs), "--warehouse", str(tmp_path / "wh.duckdb"),
                 "--lake", str(tmp_path / "lake")]) == 0
    out = capsys.readouterr().out
    assert f"Deployment {FLOW_NAME}/{DEPLOYMENT_NAME}: cron \"0 2 * * *\"" in out
    deployment = read_deployment(DEPLOYMENT_NAME)
    (schedule,) = deployment.schedules
    assert (schedule.schedule.cron, schedule.active) == ("0 2 * * *", True)
    assert schedule.schedule.timezone == config.resolve(environ={}, cwd=tmp_path).timezone  # the machine's zone
    assert deployment.entrypoint.endswith("flows/deployment.py:nightly_scheduled")
    settings = deployment.parameters["settings"]
    assert settings["inputs"] == [str(inputs)]
    assert settings["warehouse"] == str(tmp_path / "wh.duckdb")
    assert settings["lake"] == str(tmp_path / "lake")
    assert from_parameters(settings).warehouse == tmp_path / "wh.duckdb"


def test_register_only_with_cron_timezone_and_name(prefect_api, tmp_path):
    assert main(["serve", "--register-only", "--name", "weekdays", "--cron", "30 5 * * 1-5",
                 "--timezone", "Europe/Paris", "--input", "edgar+https://www.sec.gov/Archives",
                 "--user-agent", "Example Corp data@example.com", "--forms", "4",
                 "--warehouse", str(tmp_path / "wh.duckdb")]) == 0
    deployment = read_deployment("weekdays")
    (schedule,) = deployment.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("30 5 * * 1-5", "Europe/Paris")
    settings = deployment.parameters["settings"]
    assert settings["inputs"] == ["edgar+https://www.sec.gov/Archives"]  # a URL stays whole
    assert (settings["sources"]["user_agent"], settings["sources"]["forms"]) == ("Example Corp data@example.com", ["4"])
    assert (settings["sources"]["since_date"], settings["sources"]["until_date"]) == (None, None)  # days not read yet
    assert Path(settings["sources"]["cache_dir"]).is_absolute()


def test_serve_refuses_bad_settings_before_registering(monkeypatch, capsys):
    monkeypatch.delenv("FILINGFLOW_USER_AGENT", raising=False)
    with pytest.raises(SystemExit) as info:
        main(["serve", "--register-only", "--input", "edgar+https://www.sec.gov/Archives"])
    assert info.value.code == 2
    assert "needs a User-Agent" in capsys.readouterr().err
    assert main(["serve", "--register-only", "--cron", "every night"]) == 2
    assert "is not a cron expression" in capsys.readouterr().err


def test_parameters_round_trip_through_json():
    settings = RunSettings(
        inputs=[Path("/data/in"), "edgar+https://www.sec.gov/Archives"], warehouse=Path("/w/wh.duckdb"),
        lake=Path("/w/lake"), dq_dir=None, max_file_bytes=123, chunk_size=7, lock_wait_seconds=2.5,
        max_error_rate=0.5, reports_dir=Path("/w/reports"),
        sources=SourceOptions(user_agent="A a@example.com", forms=("4",), cache_dir=Path("/w/edgar"),
                              since_date=dt.date(2020, 2, 13), until_date=dt.date(2020, 2, 14), first_run_days=3))
    params = json.loads(json.dumps(to_parameters(settings)))
    restored = from_parameters(params)
    assert restored == settings


def test_missing_parameters_come_from_the_config_file(tmp_path, monkeypatch):
    (tmp_path / "filingflow.toml").write_text('[paths]\nwarehouse = "nightly/wh.duckdb"\n\n'
                                              '[sources]\nuser_agent = "Example Corp data@example.com"\n')
    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("FILINGFLOW_")]:
        monkeypatch.delenv(name)
    settings = from_parameters({"lake": "/elsewhere/lake"})
    assert settings.warehouse == tmp_path / "nightly" / "wh.duckdb"
    assert settings.lake == Path("/elsewhere/lake")
    assert settings.sources.user_agent == "Example Corp data@example.com"
    assert settings == dataclasses.replace(configured_settings(config.resolve()), lake=Path("/elsewhere/lake"))


def test_prefect_yaml_describes_the_same_deployment(monkeypatch):
    from prefect.flows import load_flow_from_entrypoint

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    (deployment,) = spec["deployments"]
    assert deployment["name"] == DEPLOYMENT_NAME
    assert deployment["work_pool"]["name"] == "filingflow"
    assert [s["cron"] for s in deployment["schedules"]] == [DEFAULT_CRON]
    (step,) = spec["pull"]
    assert list(step) == ["prefect.deployments.steps.set_working_directory"]
    monkeypatch.chdir(ROOT)
    flow = load_flow_from_entrypoint(deployment["entrypoint"])
    assert flow.name == FLOW_NAME
    assert list(flow.parameters.properties) == ["settings"]


def test_operations_doc_config_example_is_valid(tmp_path):
    (block,) = re.findall(r"```toml\n(.*?)```", (ROOT / "docs" / "operations.md").read_text(), re.S)
    (tmp_path / "filingflow.toml").write_text(block)
    values = config.read_file(tmp_path / "filingflow.toml")
    assert (values["schedule"], values["user_agent"], values["input"]) == (
        DEFAULT_CRON, "Example Corp data@example.com", ["edgar+https://www.sec.gov/Archives"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "flows.cli", *args]


@pytest.mark.slow
def test_serve_runs_the_deployment(prefect_api, tmp_path):
    """`serve --run-now` in its own process: the triggered run executes and loads the warehouse.
    Costs about 30-60 s on 2 cores (server polling, one flow run in a subprocess)."""
    from prefect import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    inputs = input_folder(tmp_path, SEED_FORM4, SEED_8K)
    warehouse = tmp_path / "wh.duckdb"
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PREFECT_RUNNER_POLL_FREQUENCY": "2"}
    serve = subprocess.Popen(_cli("serve", "--run-now", "--name", "run-now", "--input", str(inputs),
                                  "--warehouse", str(warehouse), "--lake", str(tmp_path / "lake"),
                                  "--dq-dir", str(tmp_path / "dq"), "--reports-dir", str(tmp_path / "reports")),
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        state = None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and state != "COMPLETED":
            time.sleep(2)
            assert serve.poll() is None, serve.stdout.read()
            try:
                deployment = read_deployment("run-now")
            except Exception:  # noqa: BLE001 - not registered yet
                continue
            with get_client(sync_client=True) as client:
                runs = client.read_flow_runs(deployment_filter=DeploymentFilter(
                    id=DeploymentFilterId(any_=[deployment.id])), sort=FlowRunSort.ID_DESC, limit=10)
            states = {r.state_type.value for r in runs if r.state_type}
            assert not states & {"FAILED", "CRASHED"}, states
            state = "COMPLETED" if "COMPLETED" in states else None
        assert state == "COMPLETED"
    finally:
        serve.send_signal(signal.SIGTERM)
        output = serve.communicate(timeout=60)[0]
    assert "Serving" in output and "run now: flow run" in output
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM filings").fetchone()[0] == 2
    finally:
        con.close()


@pytest.mark.slow
def test_serve_starts_a_local_server_without_prefect_api_url(tmp_path):
    """No PREFECT_API_URL: serve starts `prefect server start` itself, says so, registers, stops it.
    Costs about 20-40 s (a fresh Prefect home migrates its database)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    done = subprocess.run(_cli("serve", "--register-only", "--port", str(port), "--input", str(tmp_path)),
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"PREFECT_API_URL is not set: starting a local Prefect server on 127.0.0.1:{port}" in done.stdout
    assert f"Started a local Prefect server: http://127.0.0.1:{port}/api (UI: http://127.0.0.1:{port})" in done.stdout
    assert f"Deployment {FLOW_NAME}/{DEPLOYMENT_NAME}: cron \"0 2 * * *\"" in done.stdout
    with pytest.raises(ConnectionRefusedError):  # the server is gone with the command
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


@pytest.mark.slow
def test_prefect_yaml_deploys_to_a_work_pool(prefect_api):
    """`prefect work-pool create` + `prefect deploy --all` with the repository's prefect.yaml,
    then `prefect deployment ls` lists it. Costs about 15-30 s (three Prefect CLI processes)."""
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "PWD": str(ROOT)}

    def prefect(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "prefect", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    prefect("work-pool", "create", "filingflow", "--type", "process", "--overwrite")
    prefect("--no-prompt", "deploy", "--all")
    deployment = read_deployment(DEPLOYMENT_NAME)
    assert deployment.work_pool_name == "filingflow"
    assert [s.schedule.cron for s in deployment.schedules] == [DEFAULT_CRON]
    # {{ $PWD }} is filled in by `prefect deploy`: runs start in the checkout deployed from.
    assert deployment.pull_steps == [{"prefect.deployments.steps.set_working_directory": {"directory": str(ROOT)}}]
    assert f"{FLOW_NAME}/{DEPLOYMENT_NAME}" in prefect("deployment", "ls")
