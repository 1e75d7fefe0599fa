"""One `nightly` run in its own process, so CPU time and peak RSS are the run's own.

    python -m benchmarks.e2e_run --inputs DIR --root DIR [--profile FILE]

Expects PREFECT_API_URL (a running API server) and PREFECT_HOME in the
environment; prints one JSON object on the last line of stdout. CPU is this
process's and its parse workers' (sampled from /proc: the workers are the
forkserver's children, which RUSAGE_CHILDREN does not reach); the Prefect API
server runs in another process and is not counted. Peak memory is that of
this process and its workers together (proportional set size, sampled),
imports included; the flow process's own peak RSS is reported too.

Stage times are wall seconds between the pipeline's steps, taken by wrapping
the step functions `flows.pipeline` calls (discover, consolidate,
validate_rows, load_warehouse, write_report); parsing is the time between the
end of discovery and the start of consolidation. `by_stage` gives, per stage,
the peak memory and CPU seconds of the tree and of the flow's process alone
(from the same 0.5 s samples); `warehouse_mb` and `lake_mb` the sizes the run
left on disk."""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import sys
import threading
import time
from pathlib import Path

_STEPS = ("discover", "consolidate", "validate_rows", "load_warehouse", "write_report")


def _profile_threads(profiles: list[cProfile.Profile]) -> None:
    """cProfile sees one thread; Prefect runs tasks in worker threads: profile each."""
    original = threading.Thread.run

    def run(self):  # noqa: ANN001
        profiler = cProfile.Profile(time.thread_time)  # CPU of the thread, not the wall clock
        profiles.append(profiler)
        profiler.enable()
        try:
            original(self)
        finally:
            profiler.disable()

    threading.Thread.run = run


def _time_steps(pipeline, marks: dict[str, tuple[float, float]]) -> None:
    for name in _STEPS:
        step = getattr(pipeline, name, None)
        if step is None:
            continue

        def timed(*args, _step=step, _name=name, **kwargs):
            start = time.perf_counter()
            try:
                return _step(*args, **kwargs)
            finally:
                marks[_name] = (start, time.perf_counter())

        setattr(pipeline, name, timed)


def _windows(marks: dict[str, tuple[float, float]], wall0: float, wall_end: float) -> dict[str, tuple[float, float]]:
    """Wall windows of the stages _stages times (parse: from the end of discovery to consolidation)."""
    out = {}
    if "discover" in marks:
        out["discover"] = (wall0, marks["discover"][1])
        if "consolidate" in marks:
            out["parse"] = (marks["discover"][1], marks["consolidate"][0])
    for name, label in (("consolidate", "consolidate"), ("validate_rows", "validate"),
                        ("load_warehouse", "load"), ("write_report", "report")):
        if name in marks:
            out[label] = marks[name]
    return out


def _size_mb(path: Path) -> float:
    if path.is_file():
        return round(path.stat().st_size / 1e6, 1)
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 1) if path.exists() else 0.0


def _stages(marks: dict[str, tuple[float, float]], wall0: float, wall_end: float) -> dict[str, float]:
    """Wall seconds per stage: discovery (with the ledger read), parsing, then each later step."""
    out: dict[str, float] = {}
    if "discover" in marks:
        out["discover"] = marks["discover"][1] - wall0
        if "consolidate" in marks:
            out["parse"] = marks["consolidate"][0] - marks["discover"][1]
    for name, label in (("consolidate", "consolidate"), ("validate_rows", "validate"),
                        ("load_warehouse", "load"), ("write_report", "report")):
        if name in marks:
            out[label] = marks[name][1] - marks[name][0]
    out["other"] = (wall_end - wall0) - sum(out.values())
    return {k: round(v, 3) for k, v in out.items()}


class _ProcessTree(threading.Thread):
    """This process and all its descendants (the parse workers are children of a
    forkserver, beyond RUSAGE_CHILDREN's reach), sampled from /proc every PERIOD s:
    peak memory of them all together (proportional set size, so pages the forked
    workers share count once) and the CPU time of each. Not started where there is no /proc.

    Reading smaps_rollup costs the kernel a walk of each process's pages (about 30 ms for
    a run's six processes): the sampling's own CPU time (`own_cpu`) is taken out of
    the run's figures, which would otherwise count it."""

    PERIOD = 0.5

    available = Path("/proc/self/smaps_rollup").exists()

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.ticks: dict[str, int] = {}  # pid -> user + system clock ticks, as last seen
        # (perf_counter, tree kB, flow kB, tree CPU ticks, flow CPU ticks, sampling CPU-s so far)
        self.timeline: list[tuple[float, int, int, int, int, float]] = []
        self.own_cpu = 0.0
        self._done = threading.Event()

    @staticmethod
    def _pss_kb(pid: str) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return 0

    @staticmethod
    def _cpu_ticks(pid: str) -> int | None:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return int(fields[11]) + int(fields[12])  # utime, stime: this process's own threads
        except (OSError, ValueError, IndexError):
            return None

    @staticmethod
    def _children(pid: str) -> list[str]:
        out = []
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                out += (task / "children").read_text().split()
            except OSError:
                pass
        return out

    def sample(self) -> None:
        start = time.thread_time()
        me = str(os.getpid())
        pids, total, own = [me], 0, 0
        while pids:
            pid = pids.pop()
            pss = self._pss_kb(pid)
            total += pss
            if pid == me:
                own = pss
            if (ticks := self._cpu_ticks(pid)) is not None:
                self.ticks[pid] = max(ticks, self.ticks.get(pid, 0))
            pids += self._children(pid)
        self.peak_kb = max(self.peak_kb, total)
        self.own_cpu += time.thread_time() - start
        self.timeline.append((time.perf_counter(), total, own, sum(self.ticks.values()), self.ticks.get(me, 0),
                              self.own_cpu))

    def by_stage(self, windows: dict[str, tuple[float, float]]) -> dict[str, dict[str, float]]:
        """Per stage (wall window): peak MB and CPU-s (to the sampling's 0.5 s) of the tree and of the flow
        process within it, the sampling's own CPU taken out."""
        out = {}
        tick = os.sysconf("SC_CLK_TCK")
        for stage, (start, end) in windows.items():
            inside = [s for s in self.timeline if start <= s[0] <= end]
            before = [s for s in self.timeline if s[0] < start]
            if inside:
                first = before[-1] if before else inside[0]
                out[stage] = {"peak_mb": round(max(s[1] for s in inside) / 1024, 1),
                              "flow_peak_mb": round(max(s[2] for s in inside) / 1024, 1),
                              "cpu_s": round((inside[-1][3] - first[3]) / tick - (inside[-1][5] - first[5]), 2),
                              "flow_cpu_s": round((inside[-1][4] - first[4]) / tick - (inside[-1][5] - first[5]), 2)}
        return out

    def run(self) -> None:
        while not self._done.wait(self.PERIOD):
            self.sample()

    def finish(self) -> tuple[float, float]:
        """(peak MB of the tree, CPU seconds of the tree since start, the sampling's included)."""
        self._done.set()
        self.sample()
        return self.peak_kb / 1024, sum(self.ticks.values()) / os.sysconf("SC_CLK_TCK")


def _rusage_cpu(who: int) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", type=Path, required=True)
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--profile", type=Path, default=None, help="write the top functions of the run here")
    args = parser.parse_args()

    t0 = time.perf_counter()
    import flows.pipeline as pipeline
    from flows.pipeline import RunSettings, nightly
    import_s = time.perf_counter() - t0

    marks: dict[str, tuple[float, float]] = {}
    _time_steps(pipeline, marks)
    settings = RunSettings(inputs=[args.inputs], warehouse=args.root / "wh.duckdb", lake=args.root / "lake",
                           dq_dir=args.root / "dq")
    profiles: list[cProfile.Profile] = []
    main_profile = None
    if args.profile:
        _profile_threads(profiles)
        main_profile = cProfile.Profile(time.thread_time)
        main_profile.enable()
    tree = _ProcessTree() if _ProcessTree.available else None
    if tree is not None:
        tree.sample()
        tree_cpu0 = sum(tree.ticks.values()) / os.sysconf("SC_CLK_TCK")
        tree.own_cpu = 0.0  # that first sample's is before the start
        tree.start()
    cpu0 = _rusage_cpu(resource.RUSAGE_SELF) + _rusage_cpu(resource.RUSAGE_CHILDREN)
    wall0 = time.perf_counter()
    summary = nightly(settings)
    wall_end = time.perf_counter()
    peak_tree, tree_cpu = tree.finish() if tree is not None else (None, None)
    cpu = _rusage_cpu(resource.RUSAGE_SELF) + _rusage_cpu(resource.RUSAGE_CHILDREN) - cpu0
    if tree_cpu is not None:
        cpu = max(cpu, tree_cpu - tree_cpu0) - tree.own_cpu
    wall = wall_end - wall0
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
        stats.sort_stats("tottime").print_stats(15)
        buf.write("\n--- by cumulative time ---\n")
        stats.sort_stats("cumulative").print_stats(30)
        args.profile.write_text(buf.getvalue())
        stats.dump_stats(str(args.profile.with_suffix(".prof")))  # for pstats print_callers
    # KiB on Linux, bytes on macOS; the children's figure is the largest single worker's.
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale
    peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale
    rows = sum(summary.rows_per_table.values())
    by_stage = tree.by_stage(_windows(marks, wall0, wall_end)) if tree is not None else {}
    print(json.dumps({
        "import_s": round(import_s, 3), "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
        "sampling_cpu_s": round(tree.own_cpu, 3) if tree is not None else None,  # measuring, not in cpu_s
        "peak_rss_mb": round(peak_tree if peak_tree is not None else peak_self + peak_child, 1),
        "peak_rss_flow_mb": round(peak_self, 1),
        "stages_s": _stages(marks, wall0, wall_end),
        "by_stage": by_stage,
        "warehouse_mb": _size_mb(settings.warehouse), "lake_mb": _size_mb(Path(settings.lake)),
        "files_seen": summary.files_seen, "files_new": summary.files_new, "files_loaded": summary.files_loaded,
        "files_quarantined": summary.files_quarantined, "filings_loaded": summary.filings_loaded,
        "rows_loaded": rows, "rows_per_s": round(rows / wall, 1) if wall else None,
        "expectations_failed": summary.expectations_failed,
    }))


if __name__ == "__main__":
    main()
