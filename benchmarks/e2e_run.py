"""One `nightly` run in its own process, so CPU time and peak RSS are the run's own.

    python -m benchmarks.e2e_run --inputs DIR --root DIR [--profile FILE]

Expects PREFECT_API_URL (a running API server) and PREFECT_HOME in the
environment; prints one JSON object on the last line of stdout. CPU is
process_time of this process (all its threads); the Prefect API server runs
in another process and is not counted. Peak RSS is this process's maximum,
imports included."""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import sys
import threading
import time
from pathlib import Path


def _profile_threads(profiles: list[cProfile.Profile]) -> None:
    """cProfile sees one thread; Prefect runs tasks in worker threads: profile each."""
    original = threading.Thread.run

    def run(self):  # noqa: ANN001
        profiler = cProfile.Profile()
        profiles.append(profiler)
        profiler.enable()
        try:
            original(self)
        finally:
            profiler.disable()

    threading.Thread.run = run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", type=Path, required=True)
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--profile", type=Path, default=None, help="write the top functions of the run here")
    args = parser.parse_args()

    t0 = time.perf_counter()
    from flows.pipeline import RunSettings, nightly
    import_s = time.perf_counter() - t0

    settings = RunSettings(inputs=[args.inputs], warehouse=args.root / "wh.duckdb", lake=args.root / "lake",
                           dq_dir=args.root / "dq")
    profiles: list[cProfile.Profile] = []
    main_profile = None
    if args.profile:
        _profile_threads(profiles)
        main_profile = cProfile.Profile()
        main_profile.enable()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    summary = nightly(settings)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    if main_profile is not None:
        main_profile.disable()
        stats = pstats.Stats(main_profile)
        for p in profiles:
            try:
                stats.add(p)
            except TypeError:  # a thread still running has no stats yet
                pass
        buf = io.StringIO()
        stats.stream = buf
        stats.sort_stats("tottime").print_stats(10)
        buf.write("\n--- by cumulative time ---\n")
        stats.sort_stats("cumulative").print_stats(25)
        args.profile.write_text(buf.getvalue())
        stats.dump_stats(str(args.profile.with_suffix(".prof")))  # for pstats print_callers
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    if sys.platform == "darwin":
        peak_kb //= 1024
    rows = sum(summary.rows_per_table.values())
    print(json.dumps({
        "import_s": round(import_s, 3), "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
        "peak_rss_mb": round(peak_kb / 1024, 1), "files_seen": summary.files_seen, "files_new": summary.files_new,
        "files_loaded": summary.files_loaded, "files_quarantined": summary.files_quarantined,
        "filings_loaded": summary.filings_loaded, "rows_loaded": rows,
        "rows_per_s": round(rows / wall, 1) if wall else None,
        "expectations_failed": summary.expectations_failed,
    }))


if __name__ == "__main__":
    main()
