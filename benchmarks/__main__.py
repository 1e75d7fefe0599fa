"""filingflow benchmarks: parse throughput per reader, comparisons, end-to-end runs.

    python -m benchmarks [--quick] [--out benchmarks/out/results.json] [--no-e2e]

Prints one table (every target with ok/MISS) and writes it, with every figure
behind it, as JSON; next to it the chart (throughput.png) and cProfile reports.

1. Parse throughput, filings per CPU-second of transforms.registry.read_bytes
   (decode, sniff, read), per reader: on the real files of ../shared/corpus
   (skipped with a message when absent) and on generated filings
   (tests.support.generated, one stream per kind: 1 in 150 very large, 3% with
   tens of rows; new files in every round). See benchmarks/parse_speed.py for
   how a figure is taken.
2. The same ownership XML files, in the same run and in alternating rounds,
   through edgartools' Form4.parse_xml (owner look-up stubbed, offline) and
   through a bare lxml pass that pulls the same fields as strings:
   filingflow / edgartools and filingflow / lxml floor (medians of per-round
   ratios).
3. Renderings of the corpus's Forms 3/4 (../shared/renderings, and variations made
   with w3m, lynx and pdftotext where installed): filings per CPU-second of each
   converter's files (those a reader accepts; text renderings against the same target as
   generated ones), quarantined files, field accuracy against the XML and exact row
   counts per converter (benchmarks/rendering_accuracy.py).
4. End to end: `nightly` on N generated filings of every kind into an empty
   warehouse (100,000; --quick 2,000), then a run with nothing new, then one
   with 1,000 (--quick 100) new files; DuckDB load, `filingflow export` and each
   saved query (queries/*.sql) on the resulting warehouse. Runs are measured in
   CPU-seconds of all their processes and peak memory; the targets apply at
   100,000 filings and are shown, not checked, on smaller runs (--quick).
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

from benchmarks import parse_speed, rendering_accuracy
from benchmarks.chart import throughput_chart
from tests.support.generated import KINDS, generate

DEFAULT_OUT = Path("benchmarks") / "out" / "results.json"
SEED = 20240607

# Filings per CPU-second, per reader (the formats read_bytes reports).
TARGETS = {
    "ownership_xml": 2000, "sgml_submission": 2000, "nc_submission": 2000,
    "ownership_text_rendering": 1000, "legacy_ascii_ownership": 1000, "ascii_8k": 1000,
}
EDGARTOOLS_RATIO = 10.0  # filingflow / edgartools, at least
LXML_RATIO = 0.8  # filingflow / lxml floor, at least
GENERATED_ROUNDS = 3
E2E_TARGET_N = 100_000  # the end-to-end targets are for this many filings
# End-to-end targets: CPU-seconds summed over every process of a run, peak memory of all of them.
FIRST_RUN_CPU_S = 100.0
FIRST_RUN_MB = 1536.0
NOTHING_NEW_CPU_S = 2.0
NOTHING_NEW_MB = 500.0
NEW_FILES = 1000
NEW_FILES_CPU_S = 6.0
NEW_FILES_MB = 1024.0
PREFECT_API_START_S = 5.0  # wall: a nothing-new run with PREFECT_API_URL set
SAVED_QUERY_MS = 100.0  # each saved query, on the first run's warehouse


class Table:
    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []

    def add(self, measure: str, corpus: str, value: str, target: str = "-", status: str = "") -> None:
        self.rows.append((measure, corpus, value, target, status))

    def check(self, measure: str, corpus: str, value: str, got: float, target: float, at_least: bool,
              unit: str = "") -> None:
        ok = got >= target if at_least else got <= target
        self.add(measure, corpus, value, f"{'>=' if at_least else '<='} {target:,g}{unit}", "ok" if ok else "MISS")

    def print(self) -> None:
        header = ("measure", "files", "value", "target", "status")
        widths = [max(len(r[i]) for r in self.rows + [header]) for i in range(5)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
        print("  ".join("-" * w for w in widths))
        for r in self.rows:
            print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())

    def as_json(self) -> list[dict]:
        return [dict(zip(("measure", "files", "value", "target", "status"), r)) for r in self.rows]


def _rate(m: dict) -> str:
    mb = f", {m['mb_per_cpu_s']} MB/CPU-s" if m.get("mb_per_cpu_s") else ""
    rows = f", {m['rows_per_cpu_s']:,.0f} rows/CPU-s" if m.get("rows_per_cpu_s") else ""
    return f"{m['filings_per_cpu_s']:,.0f} /CPU-s{mb}{rows}"


def _parse_throughput(label: str, groups: dict[str, list[list[bytes]]], min_seconds: float, results: dict,
                      table: Table) -> None:
    """groups: format -> one set of files (repeated) or several (one per round)."""
    for fmt, sets in sorted(groups.items()):
        if len(sets) == 1:
            m = parse_speed.measure(parse_speed.read_all, sets[0], min_seconds)
        else:
            m = parse_speed.measure_fresh(parse_speed.read_all, sets)
        items = sets[-1]
        m["rows_per_cpu_s"] = round(parse_speed.table_rows(items) * m["filings_per_cpu_s"] / len(items), 1)
        results["parse"][f"{label}/{fmt}"] = m
        name = f"parse {fmt}"
        files = f"{label} ({len(items)})" if len(sets) == 1 else f"{label} ({len(sets) - 1} x {len(items)} new)"
        if fmt in TARGETS:
            table.check(name, files, _rate(m), m["filings_per_cpu_s"], TARGETS[fmt], True)
        else:
            table.add(name, files, _rate(m), "-", "")


def _compare(label: str, items: list[bytes], min_seconds: float, results: dict, table: Table) -> None:
    """filingflow, edgartools and the lxml floor on the same ownership XML files, in alternating rounds."""
    fns = {"filingflow": parse_speed.read_all, "filingflow_xml_reader": parse_speed.read_xml_only,
           "lxml_findtext": parse_speed.lxml_floor, "lxml_parse_only": parse_speed.lxml_parse_only}
    reader, about = parse_speed.edgartools_reader()
    if reader is not None:
        fns["edgartools"] = reader
    try:
        entry = parse_speed.measure_side_by_side(fns, items, min_seconds)
    except Exception as exc:  # noqa: BLE001 - edgartools failing: reported in the table instead of a number
        about = f"failed: {type(exc).__name__}: {str(exc)[:120]}"
        fns.pop("edgartools")
        entry = parse_speed.measure_side_by_side(fns, items, min_seconds)
    entry["edgartools_about"] = about
    ours, files = entry["filingflow"], f"{label} ({len(items)})"
    if "edgartools" not in entry:
        table.add("edgartools Form4.parse_xml", files, f"not measured: {about}", f">= {EDGARTOOLS_RATIO:g}x", "MISS")
    else:
        ratio = entry["edgartools"]["ratio_first_over_this"]
        table.add("edgartools Form4.parse_xml", files, _rate(entry["edgartools"]))
        table.check("ratio filingflow/edgartools", files, f"{ratio:.1f}x (filingflow {_rate(ours)})", ratio,
                    EDGARTOOLS_RATIO, True, "x")
        # The XML reader alone (decode + read, no format sniffing or registry checks), as edgartools is called.
        alone = entry["filingflow_xml_reader"]["filings_per_cpu_s"] / entry["edgartools"]["filings_per_cpu_s"]
        entry["ratio_xml_reader_over_edgartools"] = round(alone, 3)
        table.add("ratio XML reader alone/edgartools", files,
                  f"{alone:.1f}x (reader {_rate(entry['filingflow_xml_reader'])})")
    ratio = entry["lxml_findtext"]["ratio_first_over_this"]
    table.add("lxml parse only (no fields)", files, _rate(entry["lxml_parse_only"]))
    table.add("lxml floor (parse + findtext)", files, _rate(entry["lxml_findtext"]))
    table.check("ratio filingflow/lxml floor", files, f"{ratio:.2f}x", ratio, LXML_RATIO, True, "x")
    results["compared"][label] = entry


def _e2e_rows(e2e: dict, table: Table) -> None:
    n, full = e2e["n"], e2e["n"] >= E2E_TARGET_N
    f, s, t, x = e2e["first"], e2e["nothing_new"], e2e["new"], e2e["export"]
    table.add("Prefect API start-up", "(once; in no run)", f"{e2e['prefect_api_startup_s']:.1f} s wall")
    files = f"{n:,} generated, empty warehouse"
    value = (f"{f['cpu_s']:.1f} s CPU, {f['wall_s']:.1f} s wall, {f['rows_per_s']:,.0f} rows/s loaded "
             f"({f['rows_loaded']:,} rows, {f['filings_loaded']:,} filings, {f['files_quarantined']} quarantined)")
    memory = f"{f['peak_rss_mb']:,.0f} MB all processes (PSS); flow process {f['peak_rss_flow_mb']:,.0f} MB RSS"
    if full:
        table.check("e2e first run CPU", files, value, f["cpu_s"], FIRST_RUN_CPU_S, False, " CPU-s")
        table.check("e2e first run peak memory", files, memory, f["peak_rss_mb"], FIRST_RUN_MB, False, " MB")
    else:
        table.add("e2e first run CPU", files, value, f"(targets at {E2E_TARGET_N:,})")
        table.add("e2e first run peak memory", files, memory)
    stages = ", ".join(f"{k} {v:.1f}" for k, v in f["stages_s"].items())
    table.add("e2e first run stages (s)", files, stages)
    value = f"{s['cpu_s']:.2f} s CPU, {s['wall_s']:.1f} s wall, {s['peak_rss_mb']:,.0f} MB"
    table.check("e2e nothing new CPU", f"{n:,} unchanged", value, s["cpu_s"], NOTHING_NEW_CPU_S, False, " CPU-s")
    table.check("e2e nothing new memory", f"{n:,} unchanged", f"{s['peak_rss_mb']:,.0f} MB", s["peak_rss_mb"],
                NOTHING_NEW_MB, False, " MB")
    table.check("e2e nothing new, PREFECT_API_URL set", f"{n:,} unchanged", f"{s['wall_s']:.1f} s wall",
                s["wall_s"], PREFECT_API_START_S, False, " s")
    value = (f"{t['cpu_s']:.1f} s CPU, {t['wall_s']:.1f} s wall, {t['peak_rss_mb']:,.0f} MB, "
             f"{t['rows_per_s']:,.0f} rows/s ({t['rows_loaded']:,} rows)")
    where = f"+{e2e['new_files']:,} on {n:,}"
    if full:
        table.check(f"e2e {e2e['new_files']:,} new CPU", where, value, t["cpu_s"], NEW_FILES_CPU_S, False, " CPU-s")
        table.check(f"e2e {e2e['new_files']:,} new memory", where, f"{t['peak_rss_mb']:,.0f} MB", t["peak_rss_mb"],
                    NEW_FILES_MB, False, " MB")
    else:
        table.add(f"e2e {e2e['new_files']:,} new", where, value, f"(targets at {E2E_TARGET_N:,})")
    for name, ms in e2e.get("saved_queries_ms", {}).items():
        corpus = f"{n + e2e['new_files']:,} filings"
        if full:
            table.check(f"saved query {name}", corpus, f"{ms:,.1f} ms", ms, SAVED_QUERY_MS, False, " ms")
        else:
            table.add(f"saved query {name}", corpus, f"{ms:,.1f} ms", f"(targets at {E2E_TARGET_N:,})")
    load = f["stages_s"].get("load")
    if load:
        table.add("DuckDB load (first run)", files, f"{load:.1f} s wall, {f['rows_loaded'] / load:,.0f} rows/s")
    table.add("filingflow export (Parquet)", f"{x['tables']} tables, {x['rows']:,} rows",
              f"{x['wall_s']:.1f} s wall, {x['cpu_s']:.1f} s CPU, {x['rows_per_s']:,.0f} rows/s, "
              f"{x['mb_written']} MB")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller sets: 2,000 filings end to end, 1 CPU-s each")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--n", type=int, default=None, help=f"filings end to end (default {E2E_TARGET_N:,}, quick 2,000)")
    ap.add_argument("--new", type=int, default=None, help=f"new files for the third run (default {NEW_FILES:,})")
    ap.add_argument("--per-kind", type=int, default=None, help="generated filings per kind (default 300, quick 150)")
    ap.add_argument("--min-seconds", type=float, default=None, help="CPU seconds per measurement (default 2)")
    ap.add_argument("--no-e2e", action="store_true", help="skip the pipeline runs")
    args = ap.parse_args(argv)
    n_e2e = args.n or (2000 if args.quick else E2E_TARGET_N)
    new_files = args.new or (100 if args.quick else NEW_FILES)
    per_kind = args.per_kind or (150 if args.quick else 300)
    min_seconds = args.min_seconds or (1.0 if args.quick else 2.0)
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    results: dict = {"python": platform.python_version(), "machine": platform.machine(), "quick": args.quick,
                     "min_cpu_s_per_measurement": min_seconds, "targets": TARGETS, "parse": {}, "compared": {}}
    table = Table()
    notes: list[str] = []

    # 1. the real corpus, then generated filings of each kind
    xml_sets: dict[str, list[bytes]] = {}
    if parse_speed.CORPUS.is_dir():
        groups, failed = parse_speed.group_by_reader(parse_speed.corpus_files())
        if failed:
            notes.append(f"{len(failed)} corpus files no reader accepts (left out): {', '.join(failed)}")
        _parse_throughput("corpus", {fmt: [items] for fmt, items in groups.items()}, min_seconds, results, table)
        xml_sets["corpus"] = groups.get("ownership_xml", [])
    else:
        notes.append(f"no shared corpus at {parse_speed.CORPUS}: corpus measurements skipped")
    # A warm-up set and GENERATED_ROUNDS measured sets of new filings per kind, from streams of their own.
    generated_sets = {kind: [[g.data for g in generate(per_kind, SEED + r, kinds=(kind,))]
                             for r in range(GENERATED_ROUNDS + 1)] for kind in KINDS}
    _parse_throughput("generated", generated_sets, min_seconds, results, table)
    generated = {kind: sets[1] for kind, sets in generated_sets.items()}
    xml_sets["generated"] = generated["ownership_xml"]

    # 2. the same XML files through edgartools and lxml
    for label, items in xml_sets.items():
        if items:
            _compare(label, items, min_seconds, results, table)

    # where the parse time goes
    rounds = 2 if args.quick else 5
    results["profiles"] = {
        "xml_reader": parse_speed.profile(parse_speed.read_xml_only, xml_sets["generated"], rounds,
                                          out.parent / "profile_xml_reader.txt"),
        "submission": parse_speed.profile(parse_speed.read_all, generated["sgml_submission"], rounds,
                                          out.parent / "profile_submission.txt"),
        "text_rendering": parse_speed.profile(parse_speed.read_all, generated["ownership_text_rendering"], rounds,
                                              out.parent / "profile_text_rendering.txt"),
        "legacy_ascii": parse_speed.profile(parse_speed.read_all, generated["legacy_ascii_ownership"], rounds,
                                            out.parent / "profile_legacy_ascii.txt"),
    }

    # 3. renderings of real filings: reading speed per converter (text renderings against the
    # same target as generated ones), and field accuracy per converter against their XML
    if rendering_accuracy.RENDERINGS.is_dir():
        for converter in rendering_accuracy.converters():
            groups, _ = parse_speed.group_by_reader(parse_speed.corpus_files(rendering_accuracy.RENDERINGS / converter))
            _parse_throughput(f"{converter} renderings", {fmt: [items] for fmt, items in groups.items()},
                              min_seconds, results, table)
        rendered = [rendering_accuracy.measure(c) for c in rendering_accuracy.converters()]
        rendered += rendering_accuracy.measure_variations()
        results["renderings"] = {}
        for r in rendered:
            results["renderings"][r.converter] = {"files": len(r.files), "quarantined": len(r.quarantined),
                                                  "fields": r.fields, "accuracy": r.accuracy,
                                                  "exact_rows": r.exact_rows}
            table.check("rendering: quarantined", r.converter, f"{len(r.quarantined)}", len(r.quarantined), 0,
                        at_least=False)
            table.check("rendering: field accuracy", r.converter, f"{r.accuracy:.2%} of {r.fields:,}",
                        r.accuracy * 100, rendering_accuracy.TARGET_ACCURACY * 100, at_least=True, unit="%")
            table.check("rendering: exact row counts", r.converter, f"{r.exact_rows:.1%}", r.exact_rows * 100,
                        rendering_accuracy.TARGET_EXACT_ROWS * 100, at_least=True, unit="%")
    else:
        notes.append(f"no shared renderings at {rendering_accuracy.RENDERINGS}: rendering accuracy skipped")

    # 4. end to end
    if not args.no_e2e:
        from benchmarks.e2e import end_to_end
        print(f"end to end: generating {n_e2e:,} filings and running the pipeline three times ...", flush=True)
        results["e2e"] = end_to_end(n_e2e, new_files, SEED, out.parent)
        _e2e_rows(results["e2e"], table)

    results["notes"] = notes
    results["table"] = table.as_json()
    chart = throughput_chart(results, out.with_name("throughput.png"))
    results["chart"] = str(chart) if chart else None
    out.write_text(json.dumps(results, indent=2, default=str))
    table.print()
    for note in notes:
        print(f"note: {note}")
    if chart is None:
        print("note: matplotlib is not installed (pip install -e '.[bench]'): no chart")
    print(f"results: {out}" + (f", chart: {chart}" if chart else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
