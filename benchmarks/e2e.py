"""End to end: `nightly` on a generated corpus into an empty warehouse, then a run
with nothing new, then one with new files added; then `filingflow export`.

The scale curve, first runs, one per size into an empty warehouse (docs/performance.md):

    python -m benchmarks.e2e --scale 10000,100000,300000,1000000 [--inputs DIR] [--out FILE] [--then-nightly]

With --then-nightly each first run is followed by the nights after it: a run with nothing new, then
one with NIGHTLY_NEW_FILES new files (the corpus's next ones), on the warehouse the first run left.

Each run is a process of its own (benchmarks.e2e_run), so its CPU time and
peak memory are its own; all of them use one Prefect API server, started
once here and timed on its own (it is not part of any run)."""
from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from tests.support.generated import generate

ROOT = Path(__file__).resolve().parents[1]
PROFILE_FILES = 5000
NIGHTLY_NEW_FILES = 1000  # the new files of the night after a first run (--then-nightly)


def _prefect_env(home: Path) -> dict[str, str]:
    return {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
            "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_LOGGING_TO_API_ENABLED": "false",
            "GX_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}


def _write_part(args: tuple[str, int, int, int]) -> None:
    folder, start, stop, seed = args
    for g in generate(stop, seed, start=start):
        (Path(folder) / g.name).write_bytes(g.data)


def write_generated(folder: Path, n: int, seed: int, start: int = 0) -> float:
    """Filings start..n-1 of generate(n, seed) into folder, on every CPU; wall seconds taken.
    Filing i never depends on n, so a later call with a larger n adds new files only."""
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    workers = max(1, min(os.cpu_count() or 1, (n - start) // 2000))
    bounds = [start + (n - start) * k // workers for k in range(workers + 1)]
    parts = [(str(folder), a, b, seed) for a, b in zip(bounds, bounds[1:])]
    if workers == 1:
        _write_part(parts[0])
    else:
        with multiprocessing.get_context("spawn").Pool(workers) as pool:
            pool.map(_write_part, parts)
    return time.perf_counter() - t0


def _child_run(inputs: Path, root: Path, env: dict[str, str], profile: Path | None = None) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.e2e_run", "--inputs", str(inputs), "--root", str(root)]
    if profile:
        cmd += ["--profile", str(profile)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"pipeline run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _export(warehouse: Path, out: Path) -> dict:
    from filingflow.export import export
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = export(warehouse, out)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    rows = sum(result.written.values())
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "rows": rows, "tables": len(result.written),
            "files_written": result.files_written, "rows_per_s": round(rows / wall, 1) if wall else None,
            "mb_written": round(sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6, 1)}


# Values for saved queries' parameters that have no default.
QUERY_PARAMS = {"words": "stock option"}


def saved_query_ms(warehouse: Path, rounds: int = 3) -> dict[str, float]:
    """Milliseconds of each saved query (queries/*.sql, its default parameters), best of `rounds`, as
    `filingflow sql --query NAME` runs it: one read-only connection, the search extension loaded.
    The answer is taken as DuckDB gives it (Arrow): turning a listing of 100,000 rows into Python
    objects costs more than the query (DECIMAL sums especially) and measures Python, not the store."""
    from filingflow.connections import connect_with_fts
    from flows import saved_queries

    con = connect_with_fts(warehouse, read_only=True)
    times = {}
    try:
        for name, query in sorted(saved_queries.available().items()):
            given = {p.name: QUERY_PARAMS[p.name] for p in query.params if p.default is None and p.name in QUERY_PARAMS}
            values = query.bind(given)
            best = float("inf")
            for _ in range(rounds):
                start = time.perf_counter()
                con.execute(query.sql, values).fetch_arrow_table()
                best = min(best, time.perf_counter() - start)
            times[name] = round(best * 1000, 1)
    finally:
        con.close()
    return times


@contextlib.contextmanager
def _prefect_api(work: Path) -> Iterator[tuple[dict[str, str], float]]:
    """One Prefect API server (its home in `work`) for the benchmark's runs: their environment, and
    the seconds the server took to start (reported apart from the runs)."""
    home = work / "prefect-home"
    home.mkdir()
    env_updates = _prefect_env(home)
    os.environ.update(env_updates)
    os.environ.pop("PREFECT_API_URL", None)
    from prefect.server.api.server import SubprocessASGIServer
    t0 = time.perf_counter()
    server = SubprocessASGIServer()
    server.start(timeout=180)
    startup = time.perf_counter() - t0
    try:
        yield {**os.environ, **env_updates, "PREFECT_API_URL": server.api_url}, startup
    finally:
        server.stop()


def end_to_end(n: int, new_files: int, seed: int, out_dir: Path, profile: bool = True) -> dict:
    work = Path(tempfile.mkdtemp(prefix="filingflow-bench-"))
    try:
        inputs = work / "in"
        generate_s = write_generated(inputs, n, seed)
        with _prefect_api(work) as (env, startup):
            first = _child_run(inputs, work / "run", env)
            second = _child_run(inputs, work / "run", env)
            write_generated(inputs, n + new_files, seed, start=n)
            third = _child_run(inputs, work / "run", env)
            export = _export(work / "run" / "wh.duckdb", work / "export")
            queries = saved_query_ms(work / "run" / "wh.duckdb")
            profiled = None
            if profile:  # a first run again, on at most PROFILE_FILES of the files: cProfile doubles run time
                profile_path = out_dir / "profile_pipeline.txt"
                subset = _linked_subset(inputs, PROFILE_FILES, work / "profile-in")
                profiled = _child_run(subset, work / "profiled", env, profile=profile_path)
        result = {"n": n, "new_files": new_files, "generate_s": round(generate_s, 2),
                  "input_mb": round(sum(p.stat().st_size for p in inputs.iterdir()) / 1e6, 1),
                  "prefect_api_startup_s": round(startup, 2), "first": first, "nothing_new": second,
                  "new": third, "export": export, "saved_queries_ms": queries}
        if profiled is not None:
            from benchmarks.parse_speed import top_lines
            result["profiled_run"] = {"files": min(n + new_files, PROFILE_FILES), "wall_s": profiled["wall_s"]}
            result["profile_top"] = top_lines(profile_path.read_text(), 12)
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _linked_subset(inputs: Path, n: int, folder: Path) -> Path:
    """The first n generated files of `inputs` (by name: generation order), hard-linked into folder."""
    folder.mkdir(parents=True)
    for name in sorted(os.listdir(inputs))[:n]:
        os.link(inputs / name, folder / name)
    return folder


def scale_curve(sizes: list[int], seed: int, inputs: Path | None = None, then_nightly: bool = False) -> list[dict]:
    """One first run per size into an empty warehouse (each its own process), on the first n files of one
    generated corpus (written into `inputs` as far as the largest size needs, or a temporary folder);
    per size the run's figures (CPU and peak memory of the process tree, wall, stages, warehouse and
    lake sizes) and the load average at its start. `then_nightly`: each first run is followed by a run
    with nothing new (`nothing_new`) and one with the corpus's next NIGHTLY_NEW_FILES files (`new_files`)."""
    work = Path(tempfile.mkdtemp(prefix="filingflow-scale-"))
    folder = inputs or work / "in"
    try:
        have = len(os.listdir(folder)) if folder.exists() else 0
        need = max(sizes) + (NIGHTLY_NEW_FILES if then_nightly else 0)
        if have < need:
            write_generated(folder, need, seed, start=have)
        results = []
        with _prefect_api(work) as (env, _):
            for n in sizes:
                subset = _linked_subset(folder, n, work / f"in-{n}")
                load = os.getloadavg()[0]
                run = _child_run(subset, work / f"run-{n}", env)
                run.update(n=n, load_average_at_start=round(load, 2),
                           load_average_at_end=round(os.getloadavg()[0], 2),
                           input_mb=round(sum(p.stat().st_size for p in subset.iterdir()) / 1e6, 1),
                           filings_per_cpu_s=round(n / run["cpu_s"], 1))
                if then_nightly:
                    run["nothing_new"] = _night(subset, work / f"run-{n}", env)
                    _link_more(folder, subset, n, NIGHTLY_NEW_FILES)
                    run["new_files"] = dict(_night(subset, work / f"run-{n}", env), new=NIGHTLY_NEW_FILES)
                print(json.dumps(run), flush=True)
                results.append(run)
                shutil.rmtree(work / f"run-{n}", ignore_errors=True)
                shutil.rmtree(subset, ignore_errors=True)
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _night(inputs: Path, root: Path, env: dict[str, str]) -> dict:
    """A later run on the warehouse in `root`: its figures and the load average at its start."""
    load = os.getloadavg()[0]
    return dict(_child_run(inputs, root, env), load_average_at_start=round(load, 2))


def _link_more(inputs: Path, subset: Path, have: int, more: int) -> None:
    """The corpus's files have..have+more-1 (by name: generation order), hard-linked into subset."""
    for name in sorted(os.listdir(inputs))[have:have + more]:
        os.link(inputs / name, subset / name)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.e2e", description="first runs at several sizes")
    parser.add_argument("--scale", required=True, help="comma-separated numbers of filings, e.g. 10000,100000")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--inputs", type=Path, default=None,
                        help="folder of generated filings to reuse (filled up to the largest size if short)")
    parser.add_argument("--out", type=Path, default=None, help="write the results here as JSON")
    parser.add_argument("--then-nightly", action="store_true",
                        help=f"after each first run, time a run with nothing new and one with {NIGHTLY_NEW_FILES} new files")
    args = parser.parse_args()
    results = scale_curve([int(x) for x in args.scale.split(",")], args.seed, args.inputs, args.then_nightly)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
