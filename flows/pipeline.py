"""The nightly flow: discover -> read -> rows -> Parquet -> expectations -> DuckDB.

Tasks work on chunks of many files, never one task per filing. Rows travel
through staged Parquet, not through task results, so memory stays bounded
by a chunk."""
from __future__ import annotations

import ctypes
import ctypes.util
import datetime as dt
import hashlib
import math
import os
import signal
import threading
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

import pyarrow as pa
import pyarrow.compute as pc
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from filingflow import PARSER_VERSION, accounting, faults, ingest_ledger, lake, progress, runlock, warehouse
from filingflow.accounting import FileOutcome, Outcomes, new_run_id, outcome_table
from filingflow.config import BY_KEY as SETTING
from filingflow.connections import open_warehouse
from filingflow.positions import prior_positions
from filingflow.schema import FILING_TABLES, TABLES
from filingflow.sources.resolver import SourceOptions
from flows import parse_pool, task_runners, time_limit
from flows.discover import InputFile, discover, materialise
from transforms.errors import ParseError
from transforms.registry import read_bytes


@dataclass
class RunSettings:
    inputs: list[Path | str]  # str keeps EDGAR source URLs whole (Path would fold their "//")
    warehouse: Path
    lake: Path | str  # a folder, or an fsspec URL (s3://bucket/prefix, file://, memory://): filingflow/lake.py
    dq_dir: Path | None
    # Defaults are the settings' (filingflow/config.py), for flows started from Python.
    max_file_bytes: int = SETTING["max_file_bytes"].default
    # A file whose reader runs longer is quarantined (parse_timeout); None: no limit.
    max_file_seconds: float | None = SETTING["max_file_seconds"].default
    chunk_size: int | None = None
    # Processes parsing files (None: one per CPU; 1: in the task's own thread). See flows/parse_pool.py.
    parse_workers: int | None = None
    # Where parse tasks run: "threads" of this process or "dask" (at dask_address; None: a local cluster).
    task_runner: str = SETTING["task_runner"].default
    dask_address: str | None = None
    lock_wait_seconds: float = SETTING["lock_wait_seconds"].default
    # The run ends Failed when an error-severity expectation fails on more than this share of its rows.
    max_error_rate: float = SETTING["max_error_rate"].default
    # Read quarantined files again even when unchanged (after a reader fix, say).
    retry_quarantined: bool = False
    # Folder of the per-run HTML report (<run_id>.html); None writes none.
    reports_dir: Path | None = None
    # Folders a symlinked input file may resolve into besides the inputs (flows/discover.py).
    symlink_roots: list[Path] = field(default_factory=list)
    # EDGAR inputs (edgar+https://..., edgar:/mirror): user agent, forms, index dates, cache.
    sources: SourceOptions = field(default_factory=SourceOptions)


class DataQualityFailed(RuntimeError):
    """Error-severity expectations failed above the configured threshold (the rows are loaded, flagged)."""

    def __init__(self, message: str, summary: RunSummary):
        super().__init__(message)
        self.summary = summary


@dataclass
class RunSummary:
    run_id: str
    files_seen: int
    files_new: int
    files_unchanged: int
    files_loaded: int
    files_quarantined: int
    filings_loaded: int
    files_duplicate: int
    rows_per_table: dict[str, int]
    expectations_passed: int
    expectations_failed: int
    failed_expectations: list[tuple[str, str, str, int]]
    suites: list[tuple[str, int, int]]  # (suite, expectations passed, failed)
    quarantined: list[tuple[str, str, str]]
    dq_docs: str | None
    warehouse: str
    lake: str
    report: str | None = None
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (file, what it repeats)
    warnings: list[str] = field(default_factory=list)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_one(info: InputFile, max_bytes: int, max_seconds: float | None = None,
             known_bytes: Callable[[str], tuple[str, str | None] | None] | None = None) -> tuple[FileOutcome, list]:
    """Read one file into filings, or into a quarantine outcome. Never raises.

    `known_bytes(sha256)` gives (status, detail) for bytes the warehouse holds already (this path's, as
    last read): such a file is not parsed. The reader may run `max_seconds` at most (flows/time_limit.py)."""
    outcome = FileOutcome(info.path, None, info.size, info.mtime_ns, "quarantined")
    if info.error:
        outcome.stage, outcome.error, outcome.detail = "read", info.error[0], info.error[1]
        return outcome, []
    if info.size > max_bytes:
        outcome.stage, outcome.error = "read", "file_too_large"
        outcome.detail = f"{info.size} bytes is over the per-file limit of {max_bytes} bytes"
        return outcome, []
    try:
        with open(info.path, "rb") as handle:
            before = os.fstat(handle.fileno())
            data = handle.read(max_bytes + 1)
            after = os.fstat(handle.fileno())
    except OSError as exc:
        outcome.stage, outcome.error, outcome.detail = "read", "unreadable_file", f"{type(exc).__name__}: {exc}"
        return outcome, []
    # The ledger records the bytes read, not what discovery saw earlier.
    outcome.sha256, outcome.size, outcome.mtime_ns = _sha256(data), len(data), before.st_mtime_ns
    if known_bytes is not None and (seen := known_bytes(outcome.sha256)) is not None:
        outcome.status, outcome.detail = seen
        return outcome, []
    if len(data) > max_bytes:
        outcome.stage, outcome.error = "read", "file_too_large"
        outcome.detail = f"the file grew past the per-file limit of {max_bytes} bytes while it was read"
        return outcome, []
    if len(data) != before.st_size or (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
        outcome.stage, outcome.error = "read", "file_changed_while_read"
        outcome.detail = (f"the file changed while it was read ({before.st_size} bytes when opened, {len(data)} read, "
                          f"{after.st_size} after); the next run reads it again")
        return outcome, []
    try:
        with time_limit.limit(max_seconds):
            source_format, filings = read_bytes(data, max_bytes)
    except time_limit.TimeLimitExceeded:
        outcome.stage, outcome.error = "parse", "parse_timeout"
        outcome.detail = f"reading took longer than the per-file limit of {max_seconds:g} s (max_file_seconds)"
        return outcome, []
    except ParseError as exc:
        outcome.stage, outcome.error, outcome.detail = exc.stage, exc.code, exc.detail
        return outcome, []
    except RecursionError:
        outcome.stage, outcome.error, outcome.detail = "parse", "reader_crash", "nesting too deep to read"
        return outcome, []
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the batch; it is quarantined with its cause
        outcome.stage, outcome.error = "parse", "reader_crash"
        outcome.detail = f"reader raised {type(exc).__name__}: {exc}"
        return outcome, []
    outcome.status, outcome.source_format = "loaded", source_format
    outcome.filing_ids = [f.filing_id for f in filings]
    return outcome, filings


@dataclass
class ChunkResult:
    outcomes: pa.Table  # accounting.outcome_table: columns, not an object per file
    rows: dict[str, int]


@task(name="parse-chunk", cache_policy=NO_CACHE, retries=0)
def parse_chunk(chunk_no: int, files: list[InputFile], known: dict[str, str], settings: RunSettings,
                run_id: str) -> ChunkResult:
    """Read a chunk of files and write their rows as one Parquet part per table: in a worker of the
    run's pool when it has one, else here."""
    pool = parse_pool.current()
    if pool is not None:
        try:
            return pool.submit(_read_chunk, chunk_no, files, known, settings, run_id).result()
        except BrokenProcessPool as exc:
            # A worker died (out of memory, or a __main__ script without its guard): read the chunk here.
            get_run_logger().warning("chunk %d: a parse worker died (%s); reading the chunk in-process", chunk_no, exc)
    # A child that can be stopped, even inside C; not for a memory:// lake, which the child could not write.
    if settings.max_file_seconds and parse_pool.can_fork() and not lake.in_one_process(settings.lake):
        return _read_chunk_in_child(chunk_no, files, known, settings, run_id)
    return _read_chunk(chunk_no, files, known, settings, run_id)


def _read_chunk_in_child(chunk_no: int, files: list[InputFile], known: dict[str, str], settings: RunSettings,
                         run_id: str) -> ChunkResult:
    """_read_chunk in a forked child (flows/parse_pool.py); a file it had to be killed on is quarantined."""
    read = partial(_read_chunk, chunk_no, known=known, settings=settings, run_id=run_id)
    result, given_up = parse_pool.read_in_child(read, files, settings.max_file_seconds)
    lost = []
    for index, why in given_up:
        info = files[index]
        outcome = FileOutcome(info.path, None, info.size, info.mtime_ns, "quarantined", stage="parse", chunk=chunk_no)
        if why == "timeout":
            outcome.error = "parse_timeout"
            outcome.detail = (f"reading took longer than the per-file limit of {settings.max_file_seconds:g} s "
                              "(max_file_seconds); stopped by killing its process")
        else:
            outcome.error = "reader_crash"
            outcome.detail = f"the process reading the file died ({why.removeprefix('crash:')})"
        lost.append(outcome)
    if lost:
        result.outcomes = pa.concat_tables([result.outcomes, outcome_table(lost)])
    return result


def _read_chunk(chunk_no: int, files: Iterable[InputFile], known: dict[str, str], settings: RunSettings,
                run_id: str) -> ChunkResult:
    loaded_at = dt.datetime.now(dt.timezone.utc)
    rows: dict[str, list[dict]] = {name: [] for name in FILING_TABLES}
    outcomes = []
    read_here: dict[str, str] = {}  # filing_id -> file of this chunk it was read from
    for info in files:
        outcome, filings = read_one(info, settings.max_file_bytes, settings.max_file_seconds,
                                    partial(_known_bytes, info.path, known))
        # One chunk's Parquet holds a filing once: a second copy of the same id is a duplicate here, and
        # accounting.decide weighs the copies of different chunks and ids.
        repeated = [f for f in filings if f.filing_id in read_here]
        if filings and len(repeated) == len(filings):
            outcome.status, outcome.filing_ids, outcome.repeats = "duplicate", [], filings[0].filing_id
            outcome.detail = f"same filing {filings[0].filing_id} as {read_here[filings[0].filing_id]}"
        filings = [f for f in filings if f.filing_id not in read_here]
        outcome.filing_ids = [f.filing_id for f in filings]
        outcome.chunk = chunk_no
        outcomes.append(outcome)
        faults.point("parse")  # in a pool worker it kills the run too (filingflow/faults.py)
        for parsed in filings:
            read_here[parsed.filing_id] = info.path
            parsed.filing.update(source_file=info.path, source_sha256=outcome.sha256, parser_version=PARSER_VERSION,
                                 run_id=run_id, loaded_at=loaded_at,
                                 filing_key=accounting.filing_key(parsed.filing, parsed.rows))
            rows["filings"].append(parsed.filing)
            for name, table_rows in parsed.rows.items():
                rows[name].extend(table_rows)
    counts = {}
    for name, table_rows in rows.items():
        counts[name] = len(table_rows)
        if table_rows:
            lake.write_part(settings.lake, run_id, name, chunk_no, TABLES[name].to_arrow(table_rows))
            faults.point("parquet_write")
    return ChunkResult(outcome_table(outcomes), counts)


def _known_bytes(path: str, known: dict[str, str], sha256: str) -> tuple[str, str | None] | None:
    """Same bytes as this path's last run: unchanged. (Bytes another loaded file holds are found after
    the read, for the run's files only: _repeat_loaded_bytes.)"""
    if known.get(path) == sha256:
        return "unchanged", None
    return None


def _repeat_loaded_bytes(settings: RunSettings, run_id: str, outcomes: Outcomes) -> None:
    """Files read whose bytes a loaded file of another path holds become duplicates naming it, and their
    staged filings go: a join of the files' hashes with the ledger, not the whole ledger in memory."""
    table = outcomes.current()
    read = table.filter(pc.and_(outcomes.status_is("loaded", "quarantined"), pc.is_valid(table["sha256"])))
    if not read.num_rows:
        return
    with open_warehouse(settings.warehouse, read_only=True) as con:
        originals = ingest_ledger.loaded_copies(con, read.select(["path", "sha256"]))
    if not originals:
        return
    positions = outcomes.positions(pc.is_in(table["path"], value_set=pa.array(list(originals), pa.string())))
    changed = outcomes.take(positions)
    drop = []
    for outcome in changed:
        drop += [(f, outcome.path) for f in outcome.filing_ids]
        outcome.status, outcome.detail = "duplicate", f"same bytes as {originals[outcome.path]}"
        outcome.filing_ids, outcome.source_format, outcome.stage, outcome.error = [], None, None, None
    outcomes.put(positions, changed)
    _drop_from_staging(settings, run_id, outcomes, drop)


_COPY_COLUMNS = ["filing_id", "source_file", "source_format", "accession_number", "content_id", "filing_key"]


@task(name="consolidate", cache_policy=NO_CACHE)
def consolidate(settings: RunSettings, run_id: str, reread_files: pa.Array) -> accounting.Decision:
    """Decide which staged filings to keep (accounting.decide: one per filing, the most exact copy) and
    which stored filings they replace (the caller takes the copies not kept out of staging)."""
    staged = lake.read_staged(settings.lake, run_id, "filings", columns=_COPY_COLUMNS)
    stored, previous, alone, reread = [], [], None, set()
    if staged.num_rows or len(reread_files):
        with open_warehouse(settings.warehouse, read_only=True) as con:
            # Only copies sharing a value with another copy are weighed one by one; the rest (nearly all
            # of a first run) stay columns.
            shared = pc.is_in(pa.array(range(staged.num_rows), pa.int64()),
                              value_set=ingest_ledger.shared_copies(con, staged))
            alone = staged.filter(pc.invert(shared)).select(["filing_id", "source_file", "source_format"])
            staged = staged.filter(shared)
            read = [accounting.Copy(*values) for values in zip(*(staged[c].to_pylist() for c in _COPY_COLUMNS))]
            stored = [accounting.Copy(**r, stored=True) for r in ingest_ledger.stored_copies(con, read)]
            previous = ingest_ledger.previous_filing_ids(con, reread_files)
        # Of the files read again, decide needs those of stored copies only (not a set of every file read).
        files = pa.array(sorted({s.source_file for s in stored}), pa.string())
        reread = set(files.filter(pc.is_in(files, value_set=reread_files)).to_pylist())
    else:
        read = []
    return accounting.decide(read, stored, reread, previous, alone)


def _drop_from_staging(settings: RunSettings, run_id: str, outcomes: Outcomes,
                       copies: list[tuple[str, str]]) -> None:
    """Rewrite the staged parts of the chunks holding these (filing_id, source_file) copies without them
    (a chunk stages a filing id once: accounting.decide never keeps a copy another copy of its chunk repeats)."""
    if not copies:
        return
    files = pa.array(sorted({source_file for _, source_file in copies}), pa.string())
    carriers = outcomes.rows(pc.is_in(outcomes.current()["path"], value_set=files))
    chunk_of = dict(zip(carriers["path"].to_pylist(), carriers["chunk"].to_pylist()))
    purge: dict[int, set[str]] = {}
    for filing_id, source_file in copies:
        purge.setdefault(chunk_of[source_file], set()).add(filing_id)
    for chunk, filing_ids in sorted(purge.items()):
        lake.drop_filings(settings.lake, run_id, chunk, filing_ids)


# Filings checked at a time: the expectations hold a batch's rows (as pandas, about 18 KB a filing with GX's
# results), so a run of any size validates in bounded memory: 35,000 keeps a batch near 600 MB.
VALIDATION_BATCH_FILINGS = 35_000


# A run reading at least this many files validates in a process of its own (started while the files are
# parsed, importing Great Expectations meanwhile): what the expectations leave behind in memory (GX's
# objects, a heap fragmented by a batch's frames, about half a batch) goes with that process, instead
# of staying in the flow's process under the load's peak.
VALIDATE_APART_FILES = 5000

_validator: ProcessPoolExecutor | None = None  # the run's validation process, when it has one


@task(name="validate", cache_policy=NO_CACHE)
def validate_rows(settings: RunSettings, run_id: str, kept: list[str], replaced: list[str]):
    # As an Arrow array: one buffer to ship to the validation process, not an object per filing.
    kept = pa.array(kept, pa.string())
    if _validator is not None and len(kept):
        try:
            return _validator.submit(_check_rows, settings, run_id, kept, replaced).result()
        except BrokenProcessPool as exc:  # killed (out of memory?): check here, as a smaller run does
            get_run_logger().warning("run %s: the validation process died (%s); validating in-process", run_id, exc)
    return _check_rows(settings, run_id, kept, replaced)


def _check_rows(settings: RunSettings, run_id: str, kept: pa.Array, replaced: list[str]):
    from expectations.runner import RunChecker, skipped

    if not len(kept):
        return skipped()
    # GX's docs store wants an absolute folder.
    checker = RunChecker(run_id, settings.dq_dir.resolve() if settings.dq_dir else None)
    # Not history for any batch (as one Arrow array: a set of a large run's filings would grow with it).
    excluded = pc.unique(pa.concat_arrays([kept, pa.array(replaced, pa.string())])) if replaced else kept
    with open_warehouse(settings.warehouse, read_only=True) as con:
        filings = lake.read_staged(settings.lake, run_id, "filings", kept,
                                   columns=["filing_id", "issuer_cik", "issuer_name"])
        batches = _validation_batches(con, filings)
        del filings
        for number, batch in enumerate(batches):
            ids = pa.array(batch, pa.string())
            tables = {name: lake.read_staged(settings.lake, run_id, name, ids) for name in FILING_TABLES}
            tables["prior_positions"] = prior_positions(con, tables, excluded)
            checker.check(tables)
            del tables
            # The batch's flags go to the run's staging, where the load reads them: held until the load,
            # they would grow with the run (a few KB a filing), in this process and in the flow's.
            if checker.flag_parts:
                lake.write_flags(settings.lake, run_id, number, pa.concat_tables(checker.flag_parts))
                checker.flag_parts.clear()
            _give_back_memory()  # a batch's pages go back before the next one
    result = checker.finish()
    del checker
    _give_back_memory()  # and the expectations' before the load
    return result


def _find_malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim
    except (OSError, AttributeError, TypeError):  # not glibc
        return None


_malloc_trim = _find_malloc_trim()


def _give_back_memory() -> None:
    """Return freed memory to the system: Arrow's pool keeps freed pages, and glibc keeps the heap a
    step's many small objects (GX results, pandas frames) left fragmented, counted in the run's peak."""
    pa.default_memory_pool().release_unused()
    if _malloc_trim is not None:
        _malloc_trim(0)


def _validation_batches(con, filings: pa.Table) -> list[list[str]]:
    """The filings (filing_id, issuer_cik, issuer_name) in batches of about VALIDATION_BATCH_FILINGS,
    all filings of an issuer in one batch: a position chain (issuer, owners, security) never spans two."""
    if filings.num_rows <= VALIDATION_BATCH_FILINGS:
        return [filings["filing_id"].to_pylist()]
    con.register("_batch_filings", filings)
    try:
        # The issuer key of filingflow.positions; a filing without an issuer is a group of its own.
        groups = con.execute("""
            SELECT list(filing_id ORDER BY filing_id) FROM _batch_filings
            GROUP BY coalesce(issuer_cik, upper(issuer_name), filing_id) ORDER BY min(filing_id)""").fetchall()
    finally:
        con.unregister("_batch_filings")
    batches: list[list[str]] = [[]]
    for (group,) in groups:
        if batches[-1] and len(batches[-1]) + len(group) > VALIDATION_BATCH_FILINGS:
            batches.append([])
        batches[-1].extend(group)
    return batches


@task(name="load-warehouse", cache_policy=NO_CACHE)
def load_warehouse(settings: RunSettings, plan: warehouse.LoadPlan) -> dict[str, int]:
    """Load the run into the live warehouse in one transaction, holding it for writing only meanwhile.
    Filings the load refuses are named by LoadRefused; nothing is committed then."""
    with open_warehouse(settings.warehouse) as con:
        return warehouse.load_run(con, settings.lake, plan)


@task(name="publish-lake", cache_policy=NO_CACHE)
def publish_lake(settings: RunSettings, run_id: str) -> None:
    """Only after the warehouse commit is durable: a failure here leaves the staging, published by the next run."""
    lake.publish(settings.lake, run_id)


@task(name="write-report", cache_policy=NO_CACHE)
def write_report(settings: RunSettings, run_id: str) -> str:
    from filingflow.report import write_report as write

    return str(write(settings.warehouse, run_id, settings.reports_dir))


def _report(settings: RunSettings, run_id: str) -> str | None:
    """The run's HTML report, from the committed warehouse. A report that cannot be
    written must not fail a run whose data loaded: warn and carry on."""
    if settings.reports_dir is None:
        return None
    try:
        return write_report(settings, run_id)
    except Exception as exc:  # noqa: BLE001 - any report bug; the task run shows it Failed
        get_run_logger().warning("run %s: report not written: %s: %s", run_id, type(exc).__name__, exc)
        return None


def _chunks(files: list[InputFile], size: int | None) -> list[list[InputFile]]:
    if not files:
        return []
    # Tens of coarse tasks at most: each Prefect task run costs tens of ms of orchestration, and in-process
    # chunks only contend for the GIL (a run of 1,000 files is 4 tasks, of 100,000 files 50).
    size = size or max(250, min(2000, math.ceil(len(files) / 16)))
    return [files[i:i + size] for i in range(0, len(files), size)]


@flow(name="filingflow-nightly", log_prints=False, validate_parameters=False)
def nightly(settings: RunSettings) -> RunSummary:
    run_id = new_run_id()
    # One name for the warehouse however it is spelled: its lock, its copy and its swap use it.
    live = runlock.resolved(settings.warehouse)
    with runlock.exclusive_run(live, run_id, settings.lock_wait_seconds), \
            lake.claim(settings.lake, run_id, str(live)):
        return _run(replace(settings, warehouse=live), run_id, shown=str(settings.warehouse))


def _run(settings: RunSettings, run_id: str, shown: str) -> RunSummary:
    try:
        warehouse.prepare(settings.warehouse)
        plan, parts = _prepare(settings, run_id)
        inserted = _load(settings, plan, parts)
    except BaseException:
        # Not committed: the run leaves nothing behind (a full disk, a bug...), not even the warehouse
        # file its first run created. Committed, but its checkpoint failed: the warehouse holds the run
        # and the next run publishes its lake files.
        if not warehouse.committed(run_id):
            lake.discard(settings.lake, run_id)
            warehouse.discard_created(settings.warehouse)
        else:
            warehouse.keep_created(settings.warehouse)
        raise
    warehouse.keep_created(settings.warehouse)
    publish_lake(settings, run_id)
    return _finish(settings, run_id, shown, plan, parts, inserted)


@dataclass
class _Parts:
    """What a run found, carried from its preparation to its summary."""

    seen: int  # files found
    skipped: int
    outcomes: Outcomes
    decision: accounting.Decision
    validation: object
    started: dt.datetime
    byte_copies: list[tuple[str, str]]  # (file, file whose bytes it repeats)
    refused: set[str] = field(default_factory=set)  # filings the load refused


def _prepare(settings: RunSettings, run_id: str) -> tuple[warehouse.LoadPlan, _Parts]:
    logger = get_run_logger()
    started = dt.datetime.now(dt.timezone.utc)
    found = discover(materialise(settings.inputs, settings.sources, settings.max_file_bytes), settings.symlink_roots)
    with open_warehouse(settings.warehouse, read_only=True) as con:
        lake.recover(settings.lake, ingest_ledger.committed_runs(con), str(settings.warehouse))
        # Same path, size and mtime as the ledger: unchanged without reading a byte, and without an object
        # of its own. Only the others come back (with their last read's hash): new and changed files, files
        # that cannot be read, and quarantined ones too when they are to be read again.
        changed = ingest_ledger.changed_files(con, found.files, retry_quarantined=settings.retry_quarantined)
    candidates = found.take(changed["row"])
    seen, fresh = len(found), len(found) - len(candidates)
    known = {path: sha for path, sha in zip(found.files["path"].take(changed["row"]).to_pylist(),
                                            changed["source_sha256"].to_pylist()) if sha is not None}
    del found, changed  # the run keeps only what it reads, not every file found
    logger.info("run %s: %d files seen, %d to read", run_id, seen, len(candidates))
    chunks = _chunks(candidates, settings.chunk_size)
    progress.parse_started(len(candidates), fresh)
    apart = (len(candidates) >= VALIDATE_APART_FILES and not multiprocessing.current_process().daemon
             and not lake.in_one_process(settings.lake))
    if candidates and not apart:  # the expectations will run: import them (seconds) while the files are parsed
        from expectations.runner import import_rules

        threading.Thread(target=import_rules, name="import-expectations", daemon=True).start()
    files_read = len(candidates)
    del candidates  # in the chunks, emptied once they are read
    with _validation_process(apart):
        return _read_and_check(settings, run_id, started, chunks, files_read, seen, fresh, known)


@contextmanager
def _validation_process(apart: bool):
    """The run's validation process while the block runs (VALIDATE_APART_FILES), importing the expectations
    from its start; none when `apart` is false."""
    global _validator
    if not apart:
        yield
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(parse_pool.PRELOAD)
    _validator = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_start_validator)
    _validator.submit(int)  # start it now: its imports overlap the parsing
    try:
        yield
    finally:
        executor, _validator = _validator, None
        executor.shutdown(wait=True, cancel_futures=True)


def _start_validator() -> None:
    from expectations.runner import import_rules

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the run handles Ctrl-C and stops its children
    import_rules()


def _read_and_check(settings: RunSettings, run_id: str, started: dt.datetime, chunks: list[list[InputFile]],
                    files_read: int, seen: int, fresh: int, known: dict[str, str]) -> tuple[warehouse.LoadPlan, _Parts]:
    """Read the files in chunks, decide what loads, validate it: the plan of the load."""
    logger = get_run_logger()
    # Workers elsewhere (Dask) must write into this lake, not into one relative to their own folder.
    shipped = replace(settings, lake=lake.absolute(settings.lake))
    workers = task_runners.local_parse_workers(settings)
    if settings.parse_workers is None:  # a pool only when the run has files enough to pay for starting it
        workers = min(workers, parse_pool.worker_count(None, files_read))
    with task_runners.parse_runner(settings) as submit, parse_pool.running(workers, len(chunks)):
        # quote(): Prefect would otherwise walk every element of these collections for every task.
        futures = [submit(parse_chunk, {
            "chunk_no": i, "files": quote(chunk), "known": quote({f.path: known[f.path] for f in chunk if f.path in known}),
            "settings": shipped, "run_id": run_id}) for i, chunk in enumerate(chunks)]
        outcomes = Outcomes()
        for fut in futures:
            outcomes.add(progress.parsed(Outcomes([fut.result().outcomes])).current())
    del futures
    chunks.clear()  # the files found go (the caller's list is this one)
    _repeat_loaded_bytes(settings, run_id, outcomes)
    reread = outcomes.rows(outcomes.status_is("loaded", "quarantined"))["path"].combine_chunks()
    decision = consolidate(settings, run_id, quote(reread))
    del reread
    _give_back_memory()
    # The copies not kept leave staging, so the lake gets what loads.
    _drop_from_staging(settings, run_id, outcomes, [(c.filing_id, c.source_file) for c in decision.unused])
    decision.unused = []
    accounting.settle(outcomes, decision)
    for warning in decision.warnings:
        logger.warning("run %s: %s", run_id, warning)
    table = outcomes.current()
    copied = outcomes.rows(pc.and_(outcomes.status_is("duplicate"),
                                   pc.and_(pc.is_null(table["source_format"]), pc.is_valid(table["detail"]))))
    byte_copies = [(path, detail.removeprefix("same bytes as ")) for path, detail
                   in zip(copied["path"].to_pylist(), copied["detail"].to_pylist()) if detail]
    del table, copied
    parts = _Parts(seen, fresh, outcomes, decision, None, started, byte_copies)
    parts.validation = validate_rows(settings, run_id, quote(decision.kept), quote(decision.replaced))
    return _plan(settings, run_id, parts), parts


def _plan(settings: RunSettings, run_id: str, parts: _Parts) -> warehouse.LoadPlan:
    """The load of what the run decided: filings, bookkeeping rows (accounting builds them)."""
    now = dt.datetime.now(dt.timezone.utc)
    outcomes, decision, validation = parts.outcomes, parts.decision, parts.validation
    counts = accounting.count_files(parts.seen, parts.skipped, outcomes)
    ledger = accounting.ledger_table(outcomes, run_id, now)
    touched = outcomes.rows(outcomes.status_is("unchanged"))
    run_row = accounting.run_row(
        run_id, flow_run_id=_flow_run_id(), started=parts.started, inputs=[str(p) for p in settings.inputs],
        counts=counts, filings_loaded=len(decision.kept), expectations_passed=validation.passed,
        expectations_failed=validation.failed, dq_docs=str(validation.docs_index) if validation.docs_index else None)
    return warehouse.LoadPlan(
        run_id=run_id, kept_filing_ids=decision.kept, replaced_filing_ids=decision.replaced,
        ledger_rows=ledger, quarantine_rows=accounting.quarantine_table(outcomes, run_id, now),
        reprocessed_files=ledger["source_file"],
        # Same bytes under a new mtime: remember the mtime so the next run skips it without hashing.
        touched_files=list(zip(touched["path"].to_pylist(), touched["mtime_ns"].to_pylist())),
        dq_results=validation.results, dq_flags=validation.flags, refused_filing_ids=sorted(parts.refused),
        run_row=run_row,
        source_rows=accounting.source_table(decision, outcomes, run_id), superseded=decision.superseded,
        byte_copies=parts.byte_copies)


def _load(settings: RunSettings, plan: warehouse.LoadPlan, parts: _Parts) -> dict[str, int]:
    """Load; a filing the load refuses (an empty name, a value out of range, a constraint) is quarantined
    at stage `load` with the reason, and the rest loads."""
    while True:
        try:
            return load_warehouse(settings, quote(plan))
        except warehouse.LoadRefused as refused:
            get_run_logger().warning("run %s: %d filings refused by the load, quarantined: %s", plan.run_id,
                                     len(refused.filings), "; ".join(f"{f}: {why}" for f, why in refused.filings.items()))
            carrier = {f: o.path for o in parts.outcomes.take(parts.outcomes.where_filings(refused.filings))
                       for f in o.filing_ids}
            _drop_from_staging(settings, plan.run_id, parts.outcomes, [(f, carrier[f]) for f in refused.filings])
            accounting.quarantine_filings(parts.outcomes, refused.filings)
            parts.decision.kept = [f for f in parts.decision.kept if f not in refused.filings]
            parts.decision.sources = [r for r in parts.decision.sources if r["filing_id"] not in refused.filings]
            parts.refused.update(refused.filings)  # their staged flags are left out of the load
            plan = _plan(settings, plan.run_id, parts)


def _finish(settings: RunSettings, run_id: str, shown: str, plan: warehouse.LoadPlan, parts: _Parts,
            inserted: dict[str, int]) -> RunSummary:
    outcomes, validation = parts.outcomes, parts.validation
    counts = accounting.count_files(parts.seen, parts.skipped, outcomes)
    failed = [(r["suite"], r["expectation"], r["column_name"], r["unexpected_count"])
              for r in validation.results.to_pylist() if not r["success"]]
    summary = RunSummary(
        run_id=run_id, files_seen=counts.seen, files_new=counts.new, files_unchanged=counts.unchanged,
        files_loaded=counts.loaded, files_quarantined=counts.quarantined, files_duplicate=counts.duplicate,
        filings_loaded=len(plan.kept_filing_ids), rows_per_table=inserted,
        expectations_passed=validation.passed, expectations_failed=validation.failed,
        failed_expectations=failed,
        suites=_per_suite(validation.results),
        quarantined=[(o.path, o.error, o.detail) for o in _with_status(outcomes, "quarantined")],
        duplicates=[(o.path, o.detail) for o in _with_status(outcomes, "duplicate")],
        warnings=list(parts.decision.warnings),
        dq_docs=plan.run_row["dq_docs"], warehouse=shown, lake=str(settings.lake))
    summary.report = _report(settings, run_id)
    progress.committed(summary)
    over = [f"{r['suite']}: {r['expectation']} ({r['unexpected_count']} of {r['element_count']} rows)"
            for r in validation.results.to_pylist()
            if r["severity"] == "error" and not r["success"]
            and r["unexpected_count"] > settings.max_error_rate * max(1, r["element_count"] or 0)]
    if over:
        raise DataQualityFailed(
            f"run {run_id} loaded its rows, but error expectations failed above {settings.max_error_rate:.2%} "
            f"of rows: {'; '.join(over)}; see `filingflow dq --run {run_id}`", summary)
    return summary


def _with_status(outcomes: Outcomes, status: str) -> list[FileOutcome]:
    return outcomes.take(outcomes.positions(outcomes.status_is(status)))


def _per_suite(results: pa.Table) -> list[tuple[str, int, int]]:
    counts: dict[str, list[int]] = {}
    for suite, success in zip(results["suite"].to_pylist(), results["success"].to_pylist()):
        counts.setdefault(suite, [0, 0])[0 if success else 1] += 1
    return [(suite, passed, failed) for suite, (passed, failed) in sorted(counts.items())]


def _flow_run_id() -> str | None:
    from prefect.runtime import flow_run

    run_id = flow_run.get_id()
    return str(run_id) if run_id else None
