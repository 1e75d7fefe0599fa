"""filingflow benchmarks: parse throughput per reader and end-to-end pipeline runs.

    python -m benchmarks [--quick] [--out benchmarks/out/results.json]

1. Parse throughput in filings per CPU-second (time.process_time) of
   transforms.registry.read_bytes, per reader, on the real corpus
   (../shared/corpus next to the repo; skipped with a message when absent)
   and on a generated corpus (benchmarks.generator). Each measurement
   repeats its file set until it has used at least --min-seconds of CPU.
2. A bare lxml floor on the same ownership XML files: parse with lxml and
   pull the same fields with findtext into dicts; reported as the ratio of
   filingflow's throughput to lxml's.
3. edgartools, only when importable.
4. End to end: `nightly` on N generated filings into an empty warehouse,
   then a run with nothing new, then a run with 5% new files; each run in
   its own process (CPU and peak RSS are the run's own), against one Prefect
   API server started once (its start-up is reported on its own line).
5. cProfile top 10 for the XML reader and for a pipeline run (in out/).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.generator import generate, write_corpus

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEFAULT_OUT = Path("benchmarks") / "out" / "results.json"

TARGETS = {  # filings per CPU-second, per reader
    "ownership_xml": 2000, "sgml_submission": 2000, "nc_submission": 2000,
    "ownership_text_rendering": 1000, "legacy_ascii_ownership": 1000, "ascii_8k": 1000,
}
NOTHING_NEW_TARGET_S = 10.0
SEED = 20240607


# --- parse throughput ------------------------------------------------------------------

def _read_all(items: list[bytes]) -> None:
    from transforms.registry import read_bytes
    for data in items:
        read_bytes(data)


def _measure(fn, items: list, min_seconds: float) -> dict:
    """Call fn(items) until min_seconds of CPU are used; filings per CPU-second."""
    fn(items)  # warm-up: imports, regex compilation, lxml parser
    done, cpu0, wall0 = 0, time.process_time(), time.perf_counter()
    while True:
        fn(items)
        done += len(items)
        cpu = time.process_time() - cpu0
        if cpu >= min_seconds:
            break
    return {"files": len(items), "filings_parsed": done, "cpu_s": round(cpu, 3),
            "wall_s": round(time.perf_counter() - wall0, 3), "filings_per_cpu_s": round(done / cpu, 1),
            "mb_per_cpu_s": round(sum(len(x) for x in items) * done / len(items) / cpu / 1e6, 2)}


def _group_by_reader(files: list[tuple[str, bytes]]) -> tuple[dict[str, list[tuple[str, bytes]]], list[str]]:
    from transforms.errors import ParseError
    from transforms.registry import read_bytes
    groups: dict[str, list[tuple[str, bytes]]] = defaultdict(list)
    failed = []
    for name, data in files:
        try:
            fmt, _ = read_bytes(data)
        except ParseError as exc:
            failed.append(f"{name}: {exc.code}")
            continue
        groups[fmt].append((name, data))
    return dict(groups), failed


def _corpus_files() -> list[tuple[str, bytes]]:
    skip = {"README.md", "MANIFEST.tsv"}
    return [(str(p.relative_to(CORPUS)), p.read_bytes()) for p in sorted(CORPUS.rglob("*"))
            if p.is_file() and p.name not in skip]


# --- the lxml floor ----------------------------------------------------------------------

_ROW_TAGS = ("securityTitle", "conversionOrExercisePrice", "transactionDate", "deemedExecutionDate",
             "transactionCoding/transactionFormType", "transactionCoding/transactionCode",
             "transactionCoding/equitySwapInvolved", "transactionTimeliness",
             "transactionAmounts/transactionShares", "transactionAmounts/transactionTotalValue",
             "transactionAmounts/transactionPricePerShare", "transactionAmounts/transactionAcquiredDisposedCode",
             "exerciseDate", "expirationDate", "underlyingSecurity/underlyingSecurityTitle",
             "underlyingSecurity/underlyingSecurityShares", "underlyingSecurity/underlyingSecurityValue",
             "postTransactionAmounts/sharesOwnedFollowingTransaction",
             "postTransactionAmounts/valueOwnedFollowingTransaction",
             "ownershipNature/directOrIndirectOwnership", "ownershipNature/natureOfOwnership")
_ROW_PATHS = tuple((tag, f"{tag}/value", tag) for tag in _ROW_TAGS)
_FILING_TAGS = ("documentType", "periodOfReport", "dateOfOriginalSubmission", "notSubjectToSection16",
                "noSecuritiesOwned", "aff10b5One", "form3HoldingsReported", "form4TransactionsReported", "remarks",
                "issuer/issuerCik", "issuer/issuerName", "issuer/issuerTradingSymbol")
_OWNER_TAGS = ("reportingOwnerId/rptOwnerCik", "reportingOwnerId/rptOwnerName",
               "reportingOwnerAddress/rptOwnerStreet1", "reportingOwnerAddress/rptOwnerStreet2",
               "reportingOwnerAddress/rptOwnerCity", "reportingOwnerAddress/rptOwnerState",
               "reportingOwnerAddress/rptOwnerZipCode", "reportingOwnerAddress/rptOwnerStateDescription",
               "reportingOwnerRelationship/isDirector", "reportingOwnerRelationship/isOfficer",
               "reportingOwnerRelationship/isTenPercentOwner", "reportingOwnerRelationship/isOther",
               "reportingOwnerRelationship/officerTitle", "reportingOwnerRelationship/otherText")
_TABLE_ROWS = ("nonDerivativeTable/nonDerivativeTransaction", "nonDerivativeTable/nonDerivativeHolding",
               "derivativeTable/derivativeTransaction", "derivativeTable/derivativeHolding")


def lxml_floor(items: list[bytes]) -> list[dict]:
    """The least a reader must do: parse, and pull each field's text (strings, no typing)."""
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    out = []
    for data in items:
        start = data.find(b"<ownershipDocument")
        end = data.rfind(b"</ownershipDocument>") + len(b"</ownershipDocument>")
        root = etree.fromstring(data[start:end], parser)
        doc = {tag: root.findtext(tag) for tag in _FILING_TAGS}
        doc["owners"] = [{tag: o.findtext(tag) for tag in _OWNER_TAGS} for o in root.iterfind("reportingOwner")]
        for path in _TABLE_ROWS:
            doc[path] = [{tag: (r.findtext(value) if r.find(value) is not None else r.findtext(plain))
                          for tag, value, plain in _ROW_PATHS} for r in root.iterfind(path)]
        doc["refs"] = [f.get("id") for f in root.iter("footnoteId")]
        doc["footnotes"] = {f.get("id"): "".join(f.itertext()) for f in root.iterfind("footnotes/footnote")}
        doc["signatures"] = [(s.findtext("signatureName"), s.findtext("signatureDate"))
                             for s in root.iterfind("ownerSignature")]
        out.append(doc)
    return out


def lxml_parse_only(items: list[bytes]) -> None:
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    for data in items:
        start = data.find(b"<ownershipDocument")
        end = data.rfind(b"</ownershipDocument>") + len(b"</ownershipDocument>")
        etree.fromstring(data[start:end], parser)


def _read_xml_only(items: list[bytes]) -> None:
    from transforms import ownership_xml
    from transforms.decode import decode
    for data in items:
        ownership_xml.read(decode(data).text)


# --- profiles --------------------------------------------------------------------------------

def _profile(fn, items, rounds: int, path: Path) -> list[str]:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        fn(items)
    profiler.disable()
    buf = io.StringIO()
    stats = pstats.Stats(profiler, stream=buf)
    stats.sort_stats("tottime").print_stats(10)
    buf.write("\n--- by cumulative time ---\n")
    stats.sort_stats("cumulative").print_stats(20)
    path.write_text(buf.getvalue())
    return _top_lines(buf.getvalue(), 10)


def _top_lines(report: str, n: int) -> list[str]:
    lines = report.splitlines()
    at = next((i for i, ln in enumerate(lines) if ln.strip().startswith("ncalls")), None)
    return [ln.rstrip() for ln in lines[at + 1:at + 1 + n]] if at is not None else []


# --- end to end --------------------------------------------------------------------------------

def _prefect_env(home: Path) -> dict[str, str]:
    return {"PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
            "PREFECT_LOGGING_LEVEL": "WARNING", "PREFECT_LOGGING_TO_API_ENABLED": "false",
            "GX_ANALYTICS_ENABLED": "false", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}


def _child_run(inputs: Path, root: Path, env: dict[str, str], profile: Path | None = None) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.e2e_run", "--inputs", str(inputs), "--root", str(root)]
    if profile:
        cmd += ["--profile", str(profile)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"pipeline run failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def end_to_end(n: int, out_dir: Path) -> dict:
    work = Path(tempfile.mkdtemp(prefix="filingflow-bench-"))
    home = work / "prefect-home"
    home.mkdir()
    env_updates = _prefect_env(home)
    os.environ.update(env_updates)
    os.environ.pop("PREFECT_API_URL", None)
    try:
        inputs = work / "in"
        gen0 = time.perf_counter()
        write_corpus(inputs, n, SEED)
        generate_s = time.perf_counter() - gen0
        from prefect.server.api.server import SubprocessASGIServer
        t0 = time.perf_counter()
        server = SubprocessASGIServer()
        server.start(timeout=180)
        startup = time.perf_counter() - t0
        env = {**os.environ, **env_updates, "PREFECT_API_URL": server.api_url}
        try:
            first = _child_run(inputs, work / "run", env)
            second = _child_run(inputs, work / "run", env)
            extra = max(1, n // 20)
            new = [g for i, g in enumerate(generate(n + extra, SEED)) if i >= n]
            for g in new:
                (inputs / g.name).write_bytes(g.data)
            third = _child_run(inputs, work / "run", env)
            profile_path = out_dir / "profile_pipeline.txt"
            profiled = _child_run(inputs, work / "profiled", env, profile=profile_path)
        finally:
            server.stop()
        return {"n": n, "new_files": extra, "generate_s": round(generate_s, 2),
                "prefect_api_startup_s": round(startup, 2), "first": first, "nothing_new": second,
                "five_percent_new": third, "profiled_run_wall_s": profiled["wall_s"],
                "profile_top": _top_lines(profile_path.read_text(), 10)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- report ------------------------------------------------------------------------------------

def _status(value: float, target: float, higher_is_better: bool = True) -> str:
    ok = value >= target if higher_is_better else value <= target
    return "ok" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="300 filings end to end, smaller generated corpus")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--n", type=int, default=None, help="filings for the end-to-end runs (default 2000, quick 300)")
    ap.add_argument("--min-seconds", type=float, default=2.0, help="CPU seconds per throughput measurement")
    ap.add_argument("--no-e2e", action="store_true", help="skip the pipeline runs")
    args = ap.parse_args(argv)
    n_e2e = args.n or (300 if args.quick else 2000)
    n_gen = 150 if args.quick else 600
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    results: dict = {"python": platform.python_version(), "machine": platform.machine(),
                     "quick": args.quick, "min_cpu_s_per_measurement": args.min_seconds, "parse": {}}
    rows: list[tuple[str, str, str, str, str]] = []  # measure, corpus, value, target, status
    notes: list[str] = []

    # 1. parse throughput, real corpus
    xml_sets: dict[str, list[bytes]] = {}
    if CORPUS.is_dir():
        groups, failed = _group_by_reader(_corpus_files())
        if failed:
            notes.append(f"corpus files no reader accepts (skipped): {len(failed)}")
        for fmt, files in sorted(groups.items()):
            m = _measure(_read_all, [d for _, d in files], args.min_seconds)
            results["parse"][f"corpus/{fmt}"] = m
            target = TARGETS.get(fmt)
            rows.append((f"parse {fmt}", f"corpus ({m['files']} files)", f"{m['filings_per_cpu_s']:,.0f} /CPU-s",
                         f">= {target:,}" if target else "-",
                         _status(m["filings_per_cpu_s"], target) if target else ""))
        xml_sets["corpus"] = [d for name, d in groups.get("ownership_xml", [])]
    else:
        notes.append(f"shared corpus not found at {CORPUS}: corpus measurements skipped")
        print(f"shared corpus not found (expected ../shared/corpus next to the repo): skipping the corpus part")

    # 1b. generated corpus
    generated = list(generate(n_gen, SEED))
    by_kind: dict[str, list[bytes]] = defaultdict(list)
    for g in generated:
        by_kind[g.kind].append(g.data)
    for kind, items in sorted(by_kind.items()):
        m = _measure(_read_all, items, args.min_seconds)
        results["parse"][f"generated/{kind}"] = m
        target = TARGETS.get(kind)
        rows.append((f"parse {kind}", f"generated ({m['files']} files, {m['mb_per_cpu_s']} MB/CPU-s)",
                     f"{m['filings_per_cpu_s']:,.0f} /CPU-s", f">= {target:,}" if target else "-",
                     _status(m["filings_per_cpu_s"], target) if target else ""))
    xml_sets["generated"] = by_kind["ownership_xml"]

    # 2. lxml floor on the same XML files
    results["lxml_floor"] = {}
    for corpus_name, items in xml_sets.items():
        if not items:
            continue
        ff = _measure(_read_xml_only, items, args.min_seconds)
        floor = _measure(lxml_floor, items, args.min_seconds)
        parse_only = _measure(lxml_parse_only, items, args.min_seconds)
        ratio = ff["filings_per_cpu_s"] / floor["filings_per_cpu_s"]
        results["lxml_floor"][corpus_name] = {"filingflow_xml_reader": ff, "lxml_findtext": floor,
                                              "lxml_parse_only": parse_only,
                                              "ratio_filingflow_over_lxml": round(ratio, 3),
                                              "ratio_filingflow_over_lxml_parse_only":
                                                  round(ff["filings_per_cpu_s"] / parse_only["filings_per_cpu_s"], 3)}
        rows.append((f"lxml parse only (no fields)", f"{corpus_name} ({len(items)} files)",
                     f"{parse_only['filings_per_cpu_s']:,.0f} /CPU-s", "-", ""))
        rows.append((f"lxml findtext floor", f"{corpus_name} ({len(items)} files)",
                     f"{floor['filings_per_cpu_s']:,.0f} /CPU-s", "-", ""))
        rows.append((f"ratio filingflow/lxml-findtext", f"{corpus_name}",
                     f"{ratio:.2f} (reader {ff['filings_per_cpu_s']:,.0f} /CPU-s)", "-", ""))

    # 3. edgartools
    try:
        import edgartools  # noqa: F401
        results["edgartools"] = "installed; comparison not implemented in this harness yet"
        notes.append("edgartools is installed but the comparison is not implemented yet")
    except ImportError:
        results["edgartools"] = None
        print("edgartools not installed: pip install edgartools to compare")

    # 5a. reader profile
    xml_items = xml_sets.get("corpus", []) + xml_sets.get("generated", [])
    if xml_items:
        results["profile_xml_reader_top"] = _profile(_read_xml_only, xml_items, 3 if args.quick else 10,
                                                     out.parent / "profile_xml_reader.txt")

    # 4. end to end
    if not args.no_e2e:
        e2e = end_to_end(n_e2e, out.parent)
        results["e2e"] = e2e
        f, s, t = e2e["first"], e2e["nothing_new"], e2e["five_percent_new"]
        rows.append(("prefect API start-up", "(once, not in runs)", f"{e2e['prefect_api_startup_s']:.1f} s wall", "-", ""))
        rows.append((f"e2e first run", f"{n_e2e} generated, empty warehouse",
                     f"{f['wall_s']:.1f} s wall, {f['cpu_s']:.1f} s CPU, {f['peak_rss_mb']:.0f} MB, "
                     f"{f['rows_per_s']:,.0f} rows/s ({f['rows_loaded']:,} rows, {f['filings_loaded']} filings)",
                     "-", "" if f["files_quarantined"] == 0 else f"{f['files_quarantined']} quarantined"))
        rows.append(("e2e nothing new", f"{n_e2e} unchanged",
                     f"{s['wall_s']:.1f} s wall, {s['cpu_s']:.1f} s CPU, {s['peak_rss_mb']:.0f} MB",
                     f"<= {NOTHING_NEW_TARGET_S:.0f} s", _status(s["wall_s"], NOTHING_NEW_TARGET_S, False)))
        rows.append(("e2e 5% new", f"+{e2e['new_files']} files",
                     f"{t['wall_s']:.1f} s wall, {t['cpu_s']:.1f} s CPU, {t['peak_rss_mb']:.0f} MB, "
                     f"{t['rows_per_s']:,.0f} rows/s ({t['rows_loaded']:,} rows)", "-", ""))

    results["notes"] = notes
    results["table"] = [dict(zip(("measure", "corpus", "value", "target", "status"), r)) for r in rows]
    out.write_text(json.dumps(results, indent=2, default=str))

    widths = [max(len(r[i]) for r in rows + [("measure", "corpus", "value", "target", "status")]) for i in range(5)]
    header = ("measure", "corpus", "value", "target", "status")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    for note in notes:
        print(f"note: {note}")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
