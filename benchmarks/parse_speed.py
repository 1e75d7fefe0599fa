"""Parse throughput: filings per CPU-second of each reader, and what it is compared with.

A measurement runs its files in rounds, timed with time.process_time (CPU of
all threads of this process), after one warm-up round; the rate reported is
the median round's, so a round slowed by another process on a shared machine
does not decide the figure. `measure` repeats one set (the real corpus is all
there is) until it has used `min_seconds` of CPU and run three rounds;
`measure_fresh` gives every round files of its own, as a pipeline run sees
them, so the readers' caches of repeated cells and header lines help only as
much as they do on new filings.
"""
from __future__ import annotations

import cProfile
import importlib
import io
import pkgutil
import pstats
import socket
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
_MIN_ROUNDS = 3


def forget_reader_caches() -> None:
    """Empty what the readers remember from file to file (converted values, classified header
    lines and cells), as in a parse worker that has just started."""
    import transforms
    from transforms import ownership_xml
    ownership_xml.clear_caches()
    for info in pkgutil.iter_modules(transforms.__path__):
        module = importlib.import_module(f"transforms.{info.name}")
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()


def measure(fn: Callable[[list], object], items: list, min_seconds: float) -> dict:
    """Filings per CPU-second of fn(items), and MB per CPU-second when items are bytes."""
    fn(items)  # warm-up: imports, regex compilation, parser set-up
    rounds: list[float] = []
    wall0 = time.perf_counter()
    while sum(rounds) < min_seconds or len(rounds) < _MIN_ROUNDS:
        forget_reader_caches()
        cpu0 = time.process_time()
        fn(items)
        rounds.append(max(time.process_time() - cpu0, 1e-9))
    median = statistics.median(rounds)
    size = sum(len(x) for x in items) if items and isinstance(items[0], bytes) else 0
    return {"files": len(items), "rounds": len(rounds), "cpu_s": round(sum(rounds), 3),
            "wall_s": round(time.perf_counter() - wall0, 3),
            "filings_per_cpu_s": round(len(items) / median, 1),
            "mean_filings_per_cpu_s": round(len(items) * len(rounds) / sum(rounds), 1),
            "mb_per_cpu_s": round(size / median / 1e6, 2) if size else None}


def measure_side_by_side(fns: dict[str, Callable[[list], object]], items: list, min_seconds: float) -> dict:
    """The functions over the same items in alternating rounds, so that a busy moment of a
    shared machine slows all of them alike (each round starting with the readers' memos
    empty); per function its figures as `measure` gives them, and per function after the
    first the median over rounds of first / that one."""
    for fn in fns.values():
        fn(items)
    rounds: dict[str, list[float]] = {name: [] for name in fns}
    first = next(iter(fns))
    while sum(rounds[first]) < min_seconds or len(rounds[first]) < _MIN_ROUNDS:
        for name, fn in fns.items():
            forget_reader_caches()
            cpu0 = time.process_time()
            fn(items)
            rounds[name].append(max(time.process_time() - cpu0, 1e-9))
    size = sum(len(x) for x in items)
    out: dict = {}
    for name, times in rounds.items():
        median = statistics.median(times)
        out[name] = {"files": len(items), "rounds": len(times), "cpu_s": round(sum(times), 3),
                     "filings_per_cpu_s": round(len(items) / median, 1),
                     "mean_filings_per_cpu_s": round(len(items) * len(times) / sum(times), 1),
                     "mb_per_cpu_s": round(size / median / 1e6, 2)}
        if name != first:
            out[name]["ratio_first_over_this"] = round(
                statistics.median(other / mine for mine, other in zip(rounds[first], times)), 3)
    return out


def measure_fresh(fn: Callable[[list], object], sets: list[list[bytes]]) -> dict:
    """Filings per CPU-second of fn over sets[1:], one round each, after a warm-up on sets[0]."""
    fn(sets[0])
    rounds, rates = [], []
    wall0 = time.perf_counter()
    for items in sets[1:]:
        cpu0 = time.process_time()
        fn(items)
        rounds.append(max(time.process_time() - cpu0, 1e-9))
        rates.append((len(items) / rounds[-1], sum(len(x) for x in items) / rounds[-1] / 1e6))
    median = sorted(rates)[len(rates) // 2]
    files = sum(len(items) for items in sets[1:])
    return {"files": files, "rounds": len(rounds), "cpu_s": round(sum(rounds), 3),
            "wall_s": round(time.perf_counter() - wall0, 3), "filings_per_cpu_s": round(median[0], 1),
            "mean_filings_per_cpu_s": round(files / sum(rounds), 1), "mb_per_cpu_s": round(median[1], 2)}


# --- filingflow --------------------------------------------------------------------------------

def read_all(items: list[bytes]) -> None:
    from transforms.registry import read_bytes
    for data in items:
        read_bytes(data)


def read_xml_only(items: list[bytes]) -> None:
    """The ownership XML reader alone, from bytes: decode and read, no sniffing."""
    from transforms import ownership_xml
    from transforms.decode import decode
    for data in items:
        ownership_xml.read(decode(data).text)


def table_rows(items: list[bytes]) -> int:
    """Rows (all tables, filings included) that read_bytes makes of the items."""
    from transforms.registry import read_bytes
    return sum(1 + sum(len(rows) for rows in f.rows.values()) for data in items for f in read_bytes(data)[1])


def corpus_files(root: Path = CORPUS) -> list[tuple[str, bytes]]:
    """(name, bytes) of every file under root (the shared corpus, or one converter's renderings)."""
    skip = {"README.md", "MANIFEST.tsv"}
    return [(str(p.relative_to(root)), p.read_bytes()) for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in skip]


def group_by_reader(files: list[tuple[str, bytes]]) -> tuple[dict[str, list[bytes]], list[str]]:
    """Files by the format read_bytes reports; the names of files no reader accepts."""
    from transforms.errors import ParseError
    from transforms.registry import read_bytes
    groups: dict[str, list[bytes]] = defaultdict(list)
    failed = []
    for name, data in files:
        try:
            fmt, _ = read_bytes(data)
        except ParseError as exc:
            failed.append(f"{name}: {exc.code}")
            continue
        groups[fmt].append(data)
    return dict(groups), failed


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


def _ownership_span(data: bytes) -> bytes:
    start = data.find(b"<ownershipDocument")
    return data[start:data.rfind(b"</ownershipDocument>") + len(b"</ownershipDocument>")]


def lxml_floor(items: list[bytes]) -> list[dict]:
    """The least a reader must do: parse, and pull each field's text (strings, no typing)."""
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    out = []
    for data in items:
        root = etree.fromstring(_ownership_span(data), parser)
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
        etree.fromstring(_ownership_span(data), parser)


# --- edgartools -------------------------------------------------------------------------------

def _refuse_network(*args, **kwargs):
    raise OSError("the benchmark runs offline: edgartools tried to open a network connection")


def edgartools_reader() -> tuple[Callable[[list[bytes]], None] | None, str]:
    """edgartools' Form 4 object made from each file's XML, offline; (None, why) when it cannot run.

    Each reporting owner's CIK is looked up on EDGAR (`Entity(cik)`, to tell a
    company from a person); the stub answers 'unknown' at once, so edgartools
    treats every owner as a person and no time goes to the network. Sockets
    are refused while it runs, so any other network use fails loudly."""
    try:
        import edgar
        import edgar.ownership.owners as owners
        from edgar.ownership import Form4
    except ImportError as exc:
        return None, f"not installed ({exc.name}): pip install -c requirements.lock -e '.[bench]'"
    except Exception as exc:  # noqa: BLE001 - an import that needs the network, say
        return None, f"cannot be imported offline: {type(exc).__name__}: {exc}"
    owners.Entity = lambda cik: None

    def parse(items: list[bytes]) -> None:
        connect, create = socket.socket.connect, socket.create_connection
        socket.socket.connect, socket.create_connection = _refuse_network, _refuse_network
        try:
            for data in items:
                Form4.parse_xml(_ownership_span(data).decode("utf-8", errors="replace"))
        finally:
            socket.socket.connect, socket.create_connection = connect, create

    return parse, f"edgartools {edgar.__version__}, Form4.parse_xml, owner look-up stubbed"


# --- profiles --------------------------------------------------------------------------------

def profile(fn: Callable[[list], object], items: list, rounds: int, path: Path) -> list[str]:
    """cProfile of fn over items, written to path; the top lines by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(rounds):
        fn(items)
    profiler.disable()
    buf = io.StringIO()
    stats = pstats.Stats(profiler, stream=buf)
    stats.sort_stats("tottime").print_stats(15)
    buf.write("\n--- by cumulative time ---\n")
    stats.sort_stats("cumulative").print_stats(30)
    path.write_text(buf.getvalue())
    return top_lines(buf.getvalue(), 12)


def top_lines(report: str, n: int) -> list[str]:
    lines = report.splitlines()
    at = next((i for i, ln in enumerate(lines) if ln.strip().startswith("ncalls")), None)
    return [ln.rstrip() for ln in lines[at + 1:at + 1 + n]] if at is not None else []
