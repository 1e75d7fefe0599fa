"""The Prefect API a run talks to: PREFECT_API_URL when set (no server started), else Prefect's
temporary server, started once per command whatever runs the work (one parse process or a pool),
its start-up timed on a line of its own in the summary."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT, SEED_FORM4, SEED_8K

# `filingflow` counting the API servers it launches (Prefect runs each as `python -m uvicorn ...`).
DRIVER = f"""
import atexit, os, subprocess, sys
sys.path.insert(0, {str(ROOT)!r})
launched = []
real_popen = subprocess.Popen.__init__

def counting(self, args, *rest, **kwargs):
    if "uvicorn" in " ".join(map(str, args if isinstance(args, (list, tuple)) else [args])):
        launched.append(args)
    real_popen(self, args, *rest, **kwargs)

subprocess.Popen.__init__ = counting
atexit.register(lambda: os.write(2, f"uvicorn launches: {{len(launched)}}\\n".encode()))
from flows.cli import main
sys.exit(main(sys.argv[1:]))
"""
START_LINE = re.compile(r"^  prefect: Prefect's temporary API server, started in \d+\.\d s \(Prefect's own start-up, "
                        r"not the run's; set PREFECT_API_URL to a running server to skip it\)$", re.M)


def _run(tmp_path, env, *extra):
    inputs = tmp_path / "in"
    inputs.mkdir(exist_ok=True)
    for seed in (SEED_FORM4, SEED_8K):
        (inputs / seed.name).write_bytes(seed.read_bytes())
    script = tmp_path / "driver.py"
    script.write_text(DRIVER)
    argv = [sys.executable, str(script), "run", "--input", str(inputs), "--warehouse", str(tmp_path / "wh.duckdb"),
            "--lake", str(tmp_path / "lake"), "--dq-dir", str(tmp_path / "dq"), "--reports-dir",
            str(tmp_path / "reports"), *extra]
    return subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_without_an_api_url_prefect_starts_once_and_its_start_has_its_own_line(tmp_path, workers):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    done = _run(tmp_path, env, "--parse-workers", workers, "--chunk-size", "1")
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(START_LINE.findall(done.stdout)) == 1, done.stdout
    assert done.stdout.splitlines()[1].startswith("  prefect: "), "the line follows the run's first line"
    assert done.stderr.splitlines()[-1] == "uvicorn launches: 1"
    assert "Error logging to API" not in done.stderr


@pytest.mark.slow
def test_with_an_api_url_no_server_is_started(tmp_path, prefect_api):
    done = _run(tmp_path, {**os.environ, "PREFECT_API_URL": prefect_api})
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"  prefect: {prefect_api} (PREFECT_API_URL)" in done.stdout.splitlines()
    assert done.stderr.splitlines()[-1] == "uvicorn launches: 0"
