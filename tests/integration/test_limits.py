"""Per-file time limit: a file whose reader runs past max_file_seconds
ends as a quarantine row (parse_timeout, naming the limit) and the rest of the
batch loads: in a worker of the parse pool (SIGALRM) and in-process, on a
task's thread (a watchdog thread), alike.

The hanging reader is put first in the reader registry. For the pool, the
run is a script in a subprocess that patches the registry at import: every
parse worker imports the parent's __main__ script, so the patch reaches the
workers too."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from tests.support import hanging_reader
from conftest import ROOT, SEED_8K, SEED_FORM4
from flows import time_limit
from flows.commands.run import run_settings
from flows.cli import apply_settings, build_parser
from flows.discover import discover
from flows.pipeline import RunSettings, nightly, read_one

# Run as a script in a subprocess; its top level runs again in every parse worker (as __mp_main__).
DRIVER = """
import sys

sys.path.insert(0, {root!r})  # this checkout's code, not an installed copy
from tests.support import hanging_reader

hanging_reader.install()

if __name__ == "__main__":
    import json, os
    from pathlib import Path
    from flows.pipeline import RunSettings, nightly

    root = Path(sys.argv[1])
    # argv[3]: "pool" (two workers, a file per chunk) or "default" (as `filingflow run` on a few files)
    pool = dict(chunk_size=1, parse_workers=2) if sys.argv[3] == "pool" else {{}}
    settings = RunSettings(inputs=[root / "in"], warehouse=root / "wh.duckdb", lake=root / "lake", dq_dir=None,
                           max_file_seconds=float(sys.argv[2]), **pool)
    summary = nightly(settings)
    print(json.dumps({{"pid": os.getpid(), "loaded": summary.files_loaded, "quarantined": summary.quarantined}}))
""".format(root=str(Path(__file__).resolve().parents[2]))


def _inputs(root: Path) -> Path:
    inputs = root / "in"
    inputs.mkdir(parents=True)
    shutil.copy(SEED_FORM4, inputs / "form4.txt")
    shutil.copy(SEED_8K, inputs / "eight_k.txt")
    (inputs / "hang.txt").write_text(hanging_reader.MARK + "more text\n")
    return inputs


def _quarantine(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT source_file, stage, error, detail FROM quarantine ORDER BY 1").fetchall()
    finally:
        con.close()


@pytest.fixture
def hang_pids(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "pids"
    folder.mkdir()
    monkeypatch.setenv("HANG_PIDS", str(folder))
    return folder


# --- the limit itself ------------------------------------------------------------------------------

def test_the_main_thread_limit_stops_a_regex_backtracking():
    with pytest.raises(time_limit.TimeLimitExceeded):
        with time_limit.limit(0.2):
            re.match(r"(a+)+$", "a" * 27 + "b")  # seconds of catastrophic backtracking, all in C


def test_a_thread_limit_stops_python_code_and_leaves_nothing_behind():
    seen = []

    def work():
        try:
            with time_limit.limit(0.2):
                while True:
                    sum(range(1000))
        except time_limit.TimeLimitExceeded:
            seen.append("stopped")
        for _ in range(2000):  # many short blocks after it: no exception arrives late
            with time_limit.limit(5):
                sum(range(100))
        time.sleep(0.3)
        seen.append("done")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(30)
    assert seen == ["stopped", "done"]


def test_no_limit_and_fast_work_pass_untouched():
    with time_limit.limit(None):
        assert sum(range(10)) == 45
    with time_limit.limit(30):
        assert sum(range(10)) == 45


@pytest.fixture
def hanging(monkeypatch):
    """The hanging reader first in this process's registry (undone after the test)."""
    import transforms.registry as registry

    monkeypatch.setattr(registry, "READERS", registry.READERS)
    hanging_reader.install()


def test_read_one_quarantines_a_reader_past_the_limit(tmp_path, hang_pids, hanging):
    info, = discover([_inputs(tmp_path) / "hang.txt"])
    outcome, filings = read_one(info, 1024 * 1024, 0.5)
    assert (outcome.status, outcome.stage, outcome.error, filings) == ("quarantined", "parse", "parse_timeout", [])
    assert outcome.detail == "reading took longer than the per-file limit of 0.5 s (max_file_seconds)"
    assert outcome.sha256 and outcome.size == len(hanging_reader.MARK) + len("more text\n")


def test_the_cli_flags_reach_the_run_settings():
    args = build_parser().parse_args(["run", "--max-file-seconds", "2.5", "--parse-workers", "1"])
    apply_settings(args)
    settings = run_settings(args.settings)
    assert (settings.max_file_seconds, settings.parse_workers) == (2.5, 1)
    assert RunSettings(inputs=[], warehouse=Path("w"), lake=Path("l"), dq_dir=None).max_file_seconds == 30.0


# --- whole runs -----------------------------------------------------------------------------------

def _assert_hang_quarantined_rest_loaded(db: Path, inputs: Path, limit: str) -> None:
    assert _quarantine(db) == [(str(inputs / "hang.txt"), "parse", "parse_timeout",
                                f"reading took longer than the per-file limit of {limit} s (max_file_seconds)")]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM filings").fetchone() == (2,)
        assert con.execute("SELECT count(*) FROM nonderiv_transactions").fetchone() == (10,)
    finally:
        con.close()


def test_in_process_run_quarantines_the_hanging_file(prefect_api, tmp_path, hang_pids, hanging):
    """parse_workers=1, as inside a Dask worker: the chunk is read by a child forked from the run."""
    inputs = _inputs(tmp_path)
    settings = RunSettings(inputs=[inputs], warehouse=tmp_path / "wh.duckdb", lake=tmp_path / "lake", dq_dir=None,
                           max_file_seconds=1.0, parse_workers=1)
    summary = nightly(settings)
    assert (summary.files_loaded, summary.files_quarantined) == (2, 1)
    _assert_hang_quarantined_rest_loaded(settings.warehouse, inputs, "1")
    readers = [int(p.name) for p in hang_pids.iterdir()]
    assert len(readers) == 1 and readers[0] != os.getpid()


@pytest.mark.parametrize("mode", ["regex", "unstoppable"])
def test_default_run_stops_a_reader_stuck_in_c(prefect_api, tmp_path, hang_pids, monkeypatch, mode):
    """A run of a few files (no pool): a reader stuck in one C call (a regex holding the GIL, or a call that
    ignores signals) is stopped at the limit, its file quarantined, the rest loaded, the run's process never
    blocked. Today's watchdog thread cannot run while a regex holds the GIL: the run would never end."""
    monkeypatch.setenv("HANG_MODE", mode)
    inputs = _inputs(tmp_path)
    script = tmp_path / "hanging_run.py"
    script.write_text(DRIVER)
    done = subprocess.run([sys.executable, str(script), str(tmp_path), "1", "default"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    detail = "reading took longer than the per-file limit of 1 s (max_file_seconds)"
    if mode == "unstoppable":  # SIGALRM is blocked: the run killed the reading process
        detail += "; stopped by killing its process"
    assert (result["loaded"], result["quarantined"]) == (2, [[str(inputs / "hang.txt"), "parse_timeout", detail]])
    readers = [int(p.name) for p in hang_pids.iterdir()]
    assert len(readers) == 1 and readers[0] != result["pid"]


def test_pool_worker_quarantines_the_hanging_file(prefect_api, tmp_path, hang_pids):
    """Two worker processes, one file per chunk: the hanging reader runs in a worker, not in the run."""
    inputs = _inputs(tmp_path)
    script = tmp_path / "hanging_run.py"
    script.write_text(DRIVER)
    done = subprocess.run([sys.executable, str(script), str(tmp_path), "1.5", "pool"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["loaded"] == 2
    assert result["quarantined"] == [[str(inputs / "hang.txt"), "parse_timeout",
                                      "reading took longer than the per-file limit of 1.5 s (max_file_seconds)"]]
    _assert_hang_quarantined_rest_loaded(tmp_path / "wh.duckdb", inputs, "1.5")
    readers = [int(p.name) for p in hang_pids.iterdir()]
    assert len(readers) == 1 and readers[0] != result["pid"]
