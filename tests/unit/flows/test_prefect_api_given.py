"""The Prefect API of a command when PREFECT_API_URL names one: used as given, and Prefect's server
(its web app and database layer, seconds of imports) is not even imported."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import ROOT

PROBE = """
import json, sys
from flows.prefect_env import api_for_run
with api_for_run() as api:
    print(json.dumps({"url": api.url, "given": api.given, "described": api.describe(),
                      "server_imported": "prefect.server.api.server" in sys.modules}))
"""


def test_a_given_api_is_used_without_importing_prefects_server():
    url = "http://127.0.0.1:9/api"  # nothing listens: the command must not need to reach it to choose it
    env = {**os.environ, "PREFECT_API_URL": url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == {
        "url": url, "given": True, "described": f"{url} (PREFECT_API_URL)", "server_imported": False}
