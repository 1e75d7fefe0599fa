"""Test session set-up: a private Prefect home, no telemetry, one Prefect API
server for the whole session (starting one costs 5-30 s)."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

_PREFECT_HOME = tempfile.mkdtemp(prefix="filingflow-prefect-home-")
# A session that never starts the API server (most subsets) must not leave its home behind.
atexit.register(shutil.rmtree, _PREFECT_HOME, ignore_errors=True)
os.environ.update({
    "PREFECT_HOME": _PREFECT_HOME,
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
})
os.environ.pop("PREFECT_API_URL", None)

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
CORPUS = ROOT.parent / "shared" / "corpus"
SEED_FORM4 = SAMPLES / "000_42928c94e3084e24.txt"
SEED_8K = SAMPLES / "001_fafeb7603bdfca6a.txt"


@pytest.fixture(scope="session")
def prefect_api():
    """A Prefect API server shared by in-process flows and CLI subprocesses."""
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    server = SubprocessASGIServer()
    server.start(timeout=180)
    os.environ["PREFECT_API_URL"] = server.api_url
    with temporary_settings({PREFECT_API_URL: server.api_url}):
        yield server.api_url
    os.environ.pop("PREFECT_API_URL", None)
    server.stop()
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)


def input_folder(root: Path, *files: Path) -> Path:
    """root/in holding copies of `files`: the input folder of a test run."""
    inputs = root / "in"
    inputs.mkdir()
    for path in files:
        shutil.copy(path, inputs)
    return inputs


def warehouse_rows(db: Path, sql: str) -> list[tuple]:
    """Rows of a query on a warehouse file, opened read-only only while it runs."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is absent (expected next to the repo at ../shared/corpus)")
    return CORPUS
