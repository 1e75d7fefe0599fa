"""How commands end: exit statuses (0 done, 1 failed, 2 usage or input error) for every command; one
SIGINT or SIGTERM stops a run with one line saying the warehouse is as before, and no process it
started outlives it, even with its output piped; operational errors are one line."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from conftest import ROOT, SEED_FORM4

from flows import stopping
from flows.cli import build_parser, main

# `filingflow` with the hanging reader installed: a run that stays in its parse step until stopped.
DRIVER = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
from tests.support import hanging_reader
hanging_reader.install()
from flows.cli import main
if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
"""
COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_flag_is_status_2_for_every_command(command, capsys):
    required = {"export": ["--out", "x"], "search": ["words"], "forget": ["x"]}.get(command, [])
    with pytest.raises(SystemExit) as exited:
        main([command, *required, "--no-such-flag"])
    assert exited.value.code == 2
    assert "unrecognized arguments: --no-such-flag" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["sql", "SELECT 1"], ["status"], ["dq"], ["search", "shares"], ["report"],
                                  ["export", "--out", "{tmp}/out"]])
def test_a_missing_warehouse_is_status_2(argv, tmp_path, capsys):
    argv = [a.format(tmp=tmp_path) for a in argv] + ["--warehouse", str(tmp_path / "none.duckdb")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no warehouse at" in err


@pytest.mark.parametrize("command", ["run", "serve"])
@pytest.mark.parametrize("given, says", [("{tmp}/missing", "no such file or folder"),
                                         ("{tmp}/*.nothing", "the pattern matches no file")])
def test_a_missing_input_or_a_glob_matching_nothing_is_status_2(command, given, says, tmp_path, capsys):
    given = given.format(tmp=tmp_path)
    assert main([command, "--input", given, "--warehouse", str(tmp_path / "wh.duckdb")]) == 2
    assert capsys.readouterr().err == f"filingflow {command}: input {given}: {says}\n"
    assert not (tmp_path / "wh.duckdb").exists()


def test_an_operational_error_is_one_line_and_verbose_shows_the_trace(tmp_path, capsys, monkeypatch):
    def broken(args):
        raise OSError(5, "Input/output error")

    parser_args = ["status", "--warehouse", str(tmp_path / "wh.duckdb")]
    monkeypatch.setattr("flows.cli.build_parser", _parser_with(broken))
    assert main(parser_args) == 1
    assert capsys.readouterr().err == "filingflow status: OSError: [Errno 5] Input/output error\n"
    assert main(parser_args + ["--verbose"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and err.endswith(
        "filingflow status: OSError: [Errno 5] Input/output error\n")


def _parser_with(func):
    def build():
        parser = build_parser()
        parser._subparsers._group_actions[0].choices["status"].set_defaults(func=func)
        return parser
    return build


def test_a_failed_commit_on_a_full_disk_names_the_disk_not_the_rollback():
    try:
        try:
            raise OSError(28, "No space left on device")
        except OSError as full:
            raise RuntimeError("IO Error: Could not write file") from full
    except RuntimeError as commit_error:
        try:
            raise RuntimeError("TransactionContext Error: cannot rollback - no transaction is active")
        except RuntimeError as rollback:
            rollback.__context__ = commit_error
            assert stopping.one_line(rollback) == "the disk is full (no space left on device)"
    try:
        try:
            raise ValueError("Constraint Error: duplicate key")
        except ValueError as cause:
            raise RuntimeError("cannot rollback - no transaction is active") from cause
    except RuntimeError as rollback:
        assert stopping.one_line(rollback) == "ValueError: Constraint Error: duplicate key"


# --- signals ----------------------------------------------------------------------------------------

def _start_hanging_run(tmp_path: Path, env: dict, pipe_to_tee: bool = False, pool: bool = False
                       ) -> tuple[subprocess.Popen, Path]:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "form4.txt").write_bytes(SEED_FORM4.read_bytes())
    (inputs / "hang.txt").write_text("HANG: this file never finishes reading\nmore\n")
    pids = tmp_path / "pids"
    pids.mkdir()
    script = tmp_path / "filingflow_hanging.py"
    script.write_text(DRIVER)
    argv = [sys.executable, str(script), "run", "--input", str(inputs), "--warehouse", str(tmp_path / "wh.duckdb"),
            "--lake", str(tmp_path / "lake"), "--dq-dir", str(tmp_path / "dq"), "--max-file-seconds", "600"]
    if pool:  # a forkserver and two workers read the files
        argv += ["--parse-workers", "2", "--chunk-size", "1"]
    env = {**env, "HANG_PIDS": str(pids), "HANG_MODE": "python", "CI": "1"}
    if pipe_to_tee:
        shell = " ".join(f"'{a}'" for a in argv) + f" 2>'{tmp_path}/err.txt' | tee '{tmp_path}/out.txt'"
        proc = subprocess.Popen(["/bin/sh", "-c", f"exec 3>&1; {shell}"], cwd=ROOT, env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True)
    else:
        # A session of its own: Ctrl-C on a terminal signals the whole process group, as the test does.
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
    for _ in range(3000):  # until the reader hangs (the run is in its parse step), at most 5 minutes
        if any(pids.iterdir()) or proc.poll() is not None:
            break
        time.sleep(0.1)
    assert any(pids.iterdir()), "the run never reached its parse step"
    return proc, pids


def _run_process(proc: subprocess.Popen, pipe_to_tee: bool) -> psutil.Process:
    if not pipe_to_tee:
        return psutil.Process(proc.pid)
    shell = psutil.Process(proc.pid)
    return next(p for p in shell.children() if "filingflow_hanging.py" in " ".join(p.cmdline()))


@pytest.mark.slow
@pytest.mark.parametrize("signum, ephemeral, pipe_to_tee, pool", [(signal.SIGINT, False, False, False),
                                                                   (signal.SIGINT, True, False, True),
                                                                   (signal.SIGTERM, True, False, False),
                                                                   (signal.SIGTERM, True, True, False)],
                         ids=["ctrl-c", "ctrl-c-pool-ephemeral-prefect", "sigterm-ephemeral-prefect",
                              "sigterm-piped-to-tee"])
def test_one_signal_stops_a_run_and_everything_it_started(prefect_api, tmp_path, signum, ephemeral, pipe_to_tee,
                                                          pool):
    env = dict(os.environ)
    if ephemeral:  # no API given: the run starts Prefect's temporary server itself, as a child
        env.pop("PREFECT_API_URL", None)
    proc, pids = _start_hanging_run(tmp_path, env, pipe_to_tee, pool)
    run = _run_process(proc, pipe_to_tee)
    started = run.children(recursive=True)
    assert [p.pid for p in started if str(p.pid) in os.listdir(pids)], "the reader runs in a child of the run"
    if signum == signal.SIGINT:
        os.killpg(proc.pid, signum)  # Ctrl-C: every process of the terminal's group gets it
    else:
        run.send_signal(signum)
    # A guard against hanging, not a measure: the stop itself takes a few seconds.
    proc.wait(timeout=60)
    if pipe_to_tee:
        err = (tmp_path / "err.txt").read_text()
        status = run.wait(timeout=5) if run.is_running() else None
    else:
        _, err = proc.communicate(timeout=10)
        status = proc.returncode
    assert status in (None, 128 + signum)
    assert err.splitlines()[-1] == (f"filingflow run: stopped by {signal.Signals(signum).name}; "
                                    "nothing was committed: the warehouse is as before")
    assert "Traceback" not in err
    assert not (tmp_path / "wh.duckdb").exists()
    time.sleep(0.5)
    survivors = [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert survivors == [], [p.cmdline() for p in survivors]


# --- a run's end, told truthfully ----------------------------------------------------------------------

def _run_argv(tmp_path: Path) -> list[str]:
    inputs = tmp_path / "in"
    inputs.mkdir(exist_ok=True)
    (inputs / "form4.txt").write_bytes(SEED_FORM4.read_bytes())
    return ["run", "--input", str(inputs), "--warehouse", str(tmp_path / "wh.duckdb"), "--lake",
            str(tmp_path / "lake"), "--dq-dir", str(tmp_path / "dq"), "--reports-dir", str(tmp_path / "reports")]


# `filingflow` with a fault patched in first (each run in a process of its own, as a user's).
FAULT_DRIVER = f"""
import sys
sys.path[:0] = [{str(ROOT)!r}]
import flows.pipeline as pipeline

FAULT = sys.argv.pop(1)
real = pipeline.nightly


def api_gone_after_the_commit(settings):
    real(settings)
    raise ConnectionRefusedError(111, "Connection refused")  # Prefect's client, its API server gone


def full_disk_at_commit(*args, **kwargs):
    raise RuntimeError("TransactionContext Error: cannot rollback - no transaction is active") from OSError(
        28, "No space left on device")


if FAULT == "api_gone":
    pipeline.nightly = api_gone_after_the_commit
else:
    pipeline.warehouse.load_run = full_disk_at_commit
from flows.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _run_with_fault(tmp_path: Path, fault: str) -> subprocess.CompletedProcess:
    script = tmp_path / "filingflow_fault.py"
    script.write_text(FAULT_DRIVER)
    return subprocess.run([sys.executable, str(script), fault, *_run_argv(tmp_path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL, env={**os.environ, "CI": "1"})


def test_a_run_that_committed_reports_success_when_prefect_fails_after(prefect_api, tmp_path):
    done = _run_with_fault(tmp_path, "api_gone")
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stderr.splitlines()[-1] == (
        "filingflow run: the run committed, then Prefect failed (ConnectionRefusedError: [Errno 111] Connection "
        "refused); its flow run may not show as completed")
    assert done.stdout.startswith("filingflow run ") and "  filings loaded: 1" in done.stdout


def test_a_run_that_fails_before_its_commit_says_the_warehouse_is_as_before(prefect_api, tmp_path):
    done = _run_with_fault(tmp_path, "full_disk")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines()[-1] == ("filingflow run failed: the disk is full (no space left on device); "
                                            "nothing was committed: the warehouse is as before")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "wh.duckdb").exists()


def test_output_piped_to_head_ends_quietly(tmp_path):
    import duckdb

    duckdb.connect(str(tmp_path / "wh.duckdb")).close()
    command = (f"'{sys.executable}' -m flows.cli sql 'SELECT * FROM range(500000)' --format csv "
               f"--warehouse '{tmp_path}/wh.duckdb' | head -2")
    done = subprocess.run(["/bin/sh", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)
    assert done.stdout == "range\n0\n"
    assert done.stderr == ""
