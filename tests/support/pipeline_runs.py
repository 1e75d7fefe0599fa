"""Running the nightly flow and the CLI in tests, and reading the warehouse they write."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from flows.pipeline import RunSettings

ROOT = Path(__file__).resolve().parents[2]


def settings_for(root: Path, *inputs: Path) -> RunSettings:
    return RunSettings(inputs=list(inputs), warehouse=root / "wh.duckdb", lake=root / "lake", dq_dir=root / "dq")


def rows(db: Path, sql: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """`filingflow` in a subprocess, running this checkout's code (not whichever checkout is installed)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, stdin=subprocess.DEVNULL, env=env)
