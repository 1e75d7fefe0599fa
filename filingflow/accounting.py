"""The bookkeeping of a run, as pure functions: which filing a file carries (its identity), which
copy of a filing is kept when several files carry it (the one keep-or-drop decision), and what
became of every file (loaded, duplicate of another, unchanged, quarantined) with the ledger,
quarantine, filing_sources and run rows that record it. No I/O: the flow gathers the facts,
these functions decide, storage writes the rows.

## One filing, however many files carry it

A filing's identity is its accession number when the file states one. Otherwise it is what the
form itself says, in fields every layout of it prints (an XML, its EDGAR HTML page, a text or
PDF rendering of either), hashed into `filings.filing_key`:
- Forms 3/4/5: form type; period of report; the issuer (its name normalised as companies are,
  else its CIK); the reporting owners' names, normalised with their words sorted, as a set; every Table I and II row as
  (table, security title's first word, date, code, acquired/disposed, shares, price, shares owned
  after), the rows as a sorted multiset, decimals without trailing zeros.
- 8-K and other forms: form type; period of report (the event date); the issuer; the set of item
  codes (current numbering). Two differing texts of one 8-K are thus one filing.
Not in the key, because some layouts drop or reword them: CIKs of owners (text renderings often
lack them), the signature date, footnote text, addresses, remarks.

Filings match when they share a filing_id, a content_id (same normalised text: a submission and
the XML cut out of it) or a filing_key, unless both state accession numbers and they differ
(two filings under two accessions are two filings, however alike).

The most exact copy is kept: a source of a lower FORMAT_RANK (XML or submission, then EDGAR HTML,
then text), then one stating its accession, then the one stored already (a rerun changes
nothing), then the first path. A stored filing loses only to a more exact copy, which replaces it."""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from decimal import Decimal
from operator import attrgetter

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from filingflow.companies import normalize_name
from filingflow.schema import TABLES

# Lower is more exact.
FORMAT_RANK = {
    "ownership_xml": 0, "sgml_submission": 0, "nc_submission": 0, "legacy_ascii_ownership": 0,
    "html_ownership": 1, "html_8k": 1,
    "ownership_text_rendering": 2, "ascii_8k": 2, "text_8k": 2,
    "header_only": 3, "other_form": 3,
}
_OWNERSHIP_ROWS = ("nonderiv_transactions", "nonderiv_holdings", "deriv_transactions", "deriv_holdings")


# Issuers, owners and security titles repeat from filing to filing: each name is normalised once.
_normal = functools.lru_cache(maxsize=1 << 16)(normalize_name)


def _fact(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value).strip().upper()


def _first_word(text: str | None) -> str:
    words = _normal(text or "")
    return words.split(" ", 1)[0] if words else ""


def filing_key(filing: dict, rows: dict[str, list[dict]]) -> str:
    """What the form itself says, hashed (see the module's documentation)."""
    form = _fact(filing.get("form_type"))
    issuer = _normal(filing.get("issuer_name")) or _fact(filing.get("issuer_cik"))
    parts = [form, _fact(filing.get("period_of_report")), issuer]
    if any(rows.get(t) for t in _OWNERSHIP_ROWS) or rows.get("reporting_owners"):
        # Words sorted: "Herzog, Thomas M." and "Thomas M. Herzog" are one owner.
        owners = sorted(" ".join(sorted((_normal(o.get("owner_name")) or _fact(o.get("owner_cik"))).split()))
                        for o in rows.get("reporting_owners", []))
        facts = sorted(
            "|".join([table, _first_word(r.get("security_title")), _fact(r.get("transaction_date")),
                      _fact(r.get("transaction_code")), _fact(r.get("acquired_disposed")), _fact(r.get("shares")),
                      _fact(r.get("price_per_share")), _fact(r.get("shares_owned_after"))])
            for table in _OWNERSHIP_ROWS for r in rows.get(table, []))
        parts += ["owners", *owners, "rows", *facts]
    else:
        items = sorted({_fact(r.get("item_code_current") or r.get("item_code")) for r in rows.get("report_items", [])})
        parts += ["items", *items]
    return "fk-" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:24]


@dataclass(frozen=True, slots=True)  # slots: consolidation holds one per filing read
class Copy:
    """One copy of a filing: read by this run from a file, or stored by an earlier run."""

    filing_id: str
    source_file: str
    source_format: str
    accession_number: str | None
    content_id: str
    filing_key: str | None
    stored: bool = False

    def rank(self) -> tuple:
        return (FORMAT_RANK.get(self.source_format, 3), self.accession_number is None, not self.stored,
                self.source_file)

    def shared_values(self) -> list[tuple[str, str]]:
        """The values by which same_filing can match another copy."""
        values = [("id", self.filing_id), ("content", self.content_id)]
        if self.filing_key is not None:
            values.append(("key", self.filing_key))
        return values

    def same_filing(self, other: Copy) -> bool:
        if self.accession_number and other.accession_number and self.accession_number != other.accession_number:
            return False
        return (self.filing_id == other.filing_id or self.content_id == other.content_id
                or (self.filing_key is not None and self.filing_key == other.filing_key))


@dataclass
class Decision:
    kept: list[str]                      # staged filings to load
    replaced: list[str]                  # stored filings to delete (their file changed, or a better copy came)
    superseded: dict[str, str]           # stored filing -> the more exact copy that replaces it
    duplicates: dict[str, str]           # file of this run carrying no kept filing -> which filing and file it repeats
    sources: list[dict]                  # filing_sources rows for the files of this run
    unused: list[Copy] = field(default_factory=list)  # copies read this run and not kept: out of staging
    warnings: list[str] = field(default_factory=list)
    # Copies read that share nothing with any other copy (filing_id, source_file, source_format): kept,
    # each its own filing and its file's source; most of a large run, so held as columns, not in `sources`.
    alone: pa.Table | None = None


def decide(read: list[Copy], stored: list[Copy], reread_files: set[str], previous: list[str],
           alone: pa.Table | None = None) -> Decision:
    """The one keep-or-drop decision. `read`: the copies this run read; `stored`: stored filings that may
    be the same as one of them (same id, content or key); `reread_files`: files this run read again
    (their stored filings, `previous`, are replaced whatever happens). `alone`: copies read besides `read`
    that share no filing id, content id or filing key with any other copy, read or stored (columns
    filing_id, source_file, source_format): each is a group of its own, so kept, as `decide` would."""
    # A stored copy whose file was read again is not a competitor: that file's new reading is.
    competitors = [s for s in stored if s.source_file not in reread_files]
    groups: list[list[Copy]] = []
    # Members by what two copies can share (id, content, key): a copy joins the earliest group holding a
    # member that is the same filing, found among the members sharing one of its values, not every group.
    by_value: dict[tuple[str, str], list[tuple[int, Copy]]] = {}
    for copy in sorted(read + competitors, key=Copy.rank):
        values = copy.shared_values()
        found = min((g for value in values for g, member in by_value.get(value, ())
                     if copy.same_filing(member)), default=None)
        if found is None:
            found = len(groups)
            groups.append([copy])
        else:
            groups[found].append(copy)
        for value in values:
            by_value.setdefault(value, []).append((found, copy))
    kept, replaced, superseded, sources, unused, warnings = [], set(previous), {}, [], [], []
    carried: dict[str, list[bool]] = {}
    reasons: dict[str, str] = {}
    for group in groups:
        winner = group[0]  # sorted by rank: the most exact copy
        if not winner.stored:
            kept.append(winner.filing_id)
        for copy in group:
            if copy.stored:
                if copy is not winner:  # a more exact copy came: its sources now point to the new one
                    superseded[copy.filing_id] = winner.filing_id
                    if copy.filing_id != winner.filing_id:
                        replaced.add(copy.filing_id)
                continue
            used = copy is winner
            carried.setdefault(copy.source_file, []).append(used)
            detail = None
            if not used:
                unused.append(copy)
                where = "stored, from" if winner.stored else "from"
                detail = f"same filing as {winner.filing_id} {where} {winner.source_file}"
                if copy.content_id != winner.content_id and copy.source_format == winner.source_format:
                    warnings.append(f"{copy.source_file} and {winner.source_file} are two different texts of one "
                                    f"filing {winner.filing_id}; {winner.source_file} is kept")
                    detail += " (its text differs)"
                reasons.setdefault(copy.source_file, detail)
            sources.append({"filing_id": winner.filing_id, "source_file": copy.source_file,
                            "source_format": copy.source_format, "used": used, "detail": detail})
    duplicates = {path: reasons[path] for path, used in carried.items() if not any(used)}
    kept = set(kept)
    if alone is not None:
        kept.update(alone["filing_id"].to_pylist())
    return Decision(sorted(kept), sorted(replaced - kept), superseded, duplicates, sources, unused, warnings, alone)


# --- what became of the files ----------------------------------------------------------------------------------

FILE_STATUSES = ("loaded", "duplicate", "unchanged", "quarantined")


@dataclass(slots=True)  # slots: a run holds one per file read
class FileOutcome:
    """What became of one file a run read."""

    path: str
    sha256: str | None
    size: int
    mtime_ns: int | None
    status: str  # one of FILE_STATUSES
    filing_ids: list[str] = field(default_factory=list)  # filings loaded from it
    stage: str | None = None
    error: str | None = None
    detail: str | None = None  # a quarantine's reason, or what a duplicate repeats
    source_format: str | None = None
    repeats: str | None = None  # for a duplicate found while reading: the filing it repeats
    chunk: int | None = None  # the parse chunk that read it (its staged Parquet parts)


_OUTCOME_SCHEMA = pa.schema([
    ("path", pa.string()), ("sha256", pa.string()), ("size", pa.int64()), ("mtime_ns", pa.int64()),
    ("status", pa.string()), ("filing_ids", pa.list_(pa.string())), ("stage", pa.string()), ("error", pa.string()),
    ("detail", pa.string()), ("source_format", pa.string()), ("repeats", pa.string()), ("chunk", pa.int32())])
_OUTCOME_FIELDS = tuple(f.name for f in fields(FileOutcome))
assert _OUTCOME_FIELDS == tuple(_OUTCOME_SCHEMA.names)


def outcome_table(outcomes: Iterable[FileOutcome]) -> pa.Table:
    """FileOutcomes as Arrow columns, one row each, in order."""
    outcomes = list(outcomes)
    return pa.Table.from_arrays([pa.array(list(map(attrgetter(f.name), outcomes)), f.type) for f in _OUTCOME_SCHEMA],
                                schema=_OUTCOME_SCHEMA)


class Outcomes:
    """What became of every file a run read, in reading order, held as Arrow columns: about 200 bytes a
    file where a FileOutcome object costs about 600, so a run of a million files keeps no object per file.
    The few outcomes a step changes after reading (`take`, then `put`) are FileOutcomes until `current`
    folds them in."""

    def __init__(self, tables: Iterable[pa.Table] = ()):
        self._tables = list(tables)
        self._changed: dict[int, FileOutcome] = {}

    @classmethod
    def of(cls, outcomes: Iterable[FileOutcome]) -> Outcomes:
        return cls([outcome_table(outcomes)])

    def add(self, table: pa.Table) -> None:
        """The outcomes of more files read (a chunk's outcome_table)."""
        self._tables.append(table)

    def __len__(self) -> int:
        return sum(t.num_rows for t in self._tables)

    def __iter__(self) -> Iterator[FileOutcome]:
        """Every outcome as a FileOutcome, made one batch at a time (for per-file logs)."""
        for batch in self.current().to_batches(max_chunksize=4096):
            for row in batch.to_pylist():
                yield FileOutcome(**row)

    @property
    def filing_count(self) -> int:
        return pc.sum(pc.list_value_length(self.current()["filing_ids"])).as_py() or 0

    def current(self) -> pa.Table:
        """The outcomes as they are now, the changed ones folded in (in reading order)."""
        table = pa.concat_tables(self._tables) if self._tables else _OUTCOME_SCHEMA.empty_table()
        if self._changed:
            positions = np.array(sorted(self._changed), dtype=np.int64)
            unchanged = np.ones(table.num_rows, dtype=bool)
            unchanged[positions] = False
            merged = pa.concat_tables([table.filter(pa.array(unchanged)),
                                       outcome_table(self._changed[int(p)] for p in positions)])
            order = np.argsort(np.concatenate([np.flatnonzero(unchanged), positions]), kind="stable")
            table = merged.take(pa.array(order))
            self._changed = {}
        self._tables = [table]
        return table

    def positions(self, mask: pa.Array | pa.ChunkedArray) -> list[int]:
        """Positions of the outcomes (of `current`) where `mask` is true."""
        if isinstance(mask, pa.ChunkedArray):
            mask = mask.combine_chunks()
        return np.flatnonzero(mask.fill_null(False).to_numpy(zero_copy_only=False)).tolist()

    def take(self, positions: list[int]) -> list[FileOutcome]:
        """The outcomes at these positions, as FileOutcomes to change and `put` back."""
        table = self.current()
        return [FileOutcome(**row) for row in table.take(pa.array(positions, pa.int64())).to_pylist()]

    def put(self, positions: list[int], outcomes: list[FileOutcome]) -> None:
        self._changed.update(zip(positions, outcomes))

    def where_filings(self, filing_ids: Iterable[str]) -> list[int]:
        """Positions of the outcomes carrying any of these filings."""
        ids = self.current()["filing_ids"]
        hit = pc.is_in(pc.list_flatten(ids), value_set=pa.array(sorted(set(filing_ids)), pa.string()))
        return sorted(set(pc.filter(pc.list_parent_indices(ids), hit).to_pylist()))

    def rows(self, mask: pa.Array | pa.ChunkedArray) -> pa.Table:
        """The outcomes (of `current`) where `mask` is true: the columns themselves, not a copy, when that is
        every one (the ledger rows of a first run, say)."""
        table = self.current()
        if table.num_rows and not mask.null_count and pc.all(mask).as_py():
            return table
        return table.filter(mask)

    def status_is(self, *statuses: str) -> pa.ChunkedArray:
        return pc.is_in(self.current()["status"], value_set=pa.array(statuses, pa.string()))


def settle(outcomes: list[FileOutcome] | Outcomes, decision: Decision) -> None:
    """Files whose every filing another file carries more exactly become duplicates naming it; the others
    keep only their kept filings. A file read into filings of which the decision saw none (its staged
    rows are gone) fails the run: no file is marked loaded without its rows."""
    if isinstance(outcomes, Outcomes):  # only the outcomes this changes become objects
        table = outcomes.current()
        ids = table["filing_ids"]
        lost = pc.invert(pc.is_in(pc.list_flatten(ids), value_set=pa.array(decision.kept, pa.string())))
        losing = np.zeros(table.num_rows, dtype=bool)
        losing[pc.filter(pc.list_parent_indices(ids), lost).to_numpy(zero_copy_only=False)] = True
        duplicate = pc.is_in(table["path"], value_set=pa.array(list(decision.duplicates), pa.string()))
        positions = outcomes.positions(pc.and_(outcomes.status_is("loaded"), pc.or_(duplicate, pa.array(losing))))
        changed = outcomes.take(positions)
        settle(changed, decision)
        outcomes.put(positions, changed)
        return
    kept = set(decision.kept)
    for outcome in outcomes:
        if outcome.status != "loaded":
            continue
        if outcome.path in decision.duplicates:
            outcome.status, outcome.detail, outcome.filing_ids = "duplicate", decision.duplicates[outcome.path], []
            continue
        read = outcome.filing_ids
        outcome.filing_ids = [f for f in read if f in kept]
        if read and not outcome.filing_ids:
            raise RuntimeError(f"the staged rows of {outcome.path} ({', '.join(read)}) are missing: "
                               "nothing committed, no file marked loaded")


def quarantine_filings(outcomes: list[FileOutcome] | Outcomes, failed: dict[str, str]) -> None:
    """Filings the load refused (filing_id -> reason): a file loses them, and a file left with none is
    quarantined at stage `load` with the reason."""
    if isinstance(outcomes, Outcomes):
        positions = outcomes.where_filings(failed)
        changed = outcomes.take(positions)
        quarantine_filings(changed, failed)
        outcomes.put(positions, changed)
        return
    for outcome in outcomes:
        lost = [f for f in outcome.filing_ids if f in failed]
        if not lost:
            continue
        outcome.filing_ids = [f for f in outcome.filing_ids if f not in failed]
        if not outcome.filing_ids:
            outcome.status, outcome.stage, outcome.error = "quarantined", "load", "load_failed"
            outcome.detail = "; ".join(f"filing {f}: {failed[f]}" for f in lost)


@dataclass(frozen=True)
class FileCounts:
    seen: int
    new: int           # read this run (new or changed)
    loaded: int
    duplicate: int     # carry only filings another file carries (same bytes, or same filing)
    unchanged: int     # same path and bytes as already ingested: skipped
    quarantined: int

    def check(self) -> None:
        if self.seen != self.loaded + self.duplicate + self.unchanged + self.quarantined:
            raise RuntimeError(
                f"file accounting does not add up: {self.seen} files seen, but {self.loaded} loaded + "
                f"{self.duplicate} duplicate + {self.unchanged} unchanged + {self.quarantined} quarantined")


def count_files(seen: int, skipped: int, statuses: list[str] | Outcomes) -> FileCounts:
    """Counts of a run: `skipped` files matched the ledger without a read; `statuses`, one per file read."""
    if isinstance(statuses, Outcomes):
        found = {r["values"]: r["counts"] for r in pc.value_counts(statuses.current()["status"]).to_pylist()}
    else:
        found = {s: statuses.count(s) for s in set(statuses)}
    counts = {s: found.get(s, 0) for s in FILE_STATUSES}
    unknown = set(found) - set(FILE_STATUSES)
    if unknown:
        raise ValueError(f"unknown file status {sorted(unknown)}")
    result = FileCounts(seen, sum(found.values()), counts["loaded"], counts["duplicate"], skipped + counts["unchanged"],
                        counts["quarantined"])
    result.check()
    return result


def new_run_id(now: dt.datetime | None = None) -> str:
    """UTC start time and a random suffix: run ids sort by start."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


# --- the rows that record it -----------------------------------------------------------------------------------

def schema_row(table: str, **values) -> dict:
    """A row of `table` (filingflow/schema.py): every column, unknown names and missing required values refused."""
    spec = TABLES[table]
    row = spec.row(values)
    missing = [c.name for c in spec.columns if not c.nullable and row[c.name] is None]
    if missing:
        raise ValueError(f"{table} row lacks required {', '.join(missing)}")
    return row


def schema_table(table: str, columns: dict[str, list | pa.Array | pa.ChunkedArray], rows: int, **constant) -> pa.Table:
    """Rows of `table` given column by column (lists or Arrow arrays: a run has one per file, no dict per row), `constant` the
    same in every row, every other column null; unknown names and missing required values refused."""
    spec = TABLES[table]
    unknown = (columns.keys() | constant.keys()) - spec.column_index.keys()
    if unknown:
        spec.check_keys([dict.fromkeys(unknown)])
    arrays = []
    for c in spec.columns:
        value = columns.get(c.name)
        if isinstance(value, pa.ChunkedArray):  # kept in its chunks: a cast to the same type shares the buffers
            array = value.cast(c.type)
        elif isinstance(value, pa.Array):
            array = value.cast(c.type)
        elif c.name in columns:
            array = pa.array(value, type=c.type)
        else:
            array = (pa.nulls(rows, c.type) if constant.get(c.name) is None
                     else pa.repeat(pa.scalar(constant[c.name], c.type), rows))
        if not c.nullable and array.null_count:
            raise ValueError(f"{table} row lacks required {c.name}")
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=spec.arrow_schema())


def ledger_table(outcomes: list[FileOutcome] | Outcomes, run_id: str, now: dt.datetime) -> pa.Table:
    """The ledger rows of the files a run read (unchanged ones keep theirs)."""
    if isinstance(outcomes, Outcomes):
        read = outcomes.rows(outcomes.status_is("loaded", "quarantined", "duplicate"))
        return schema_table("ingest_ledger", {
            "source_file": read["path"], "source_sha256": pc.fill_null(read["sha256"], ""),
            "size_bytes": read["size"], "mtime_ns": read["mtime_ns"], "status": read["status"],
            "filing_ids": read["filing_ids"],
            "detail": pc.if_else(pc.equal(read["status"], "duplicate"), read["detail"], pa.scalar(None, pa.string()))},
            read.num_rows, run_id=run_id, ingested_at=now)
    read = [o for o in outcomes if o.status in ("loaded", "quarantined", "duplicate")]
    return schema_table("ingest_ledger", {
        "source_file": [o.path for o in read], "source_sha256": [o.sha256 or "" for o in read],
        "size_bytes": [o.size for o in read], "mtime_ns": [o.mtime_ns for o in read],
        "status": [o.status for o in read], "filing_ids": [o.filing_ids for o in read],
        "detail": [o.detail if o.status == "duplicate" else None for o in read]},
        len(read), run_id=run_id, ingested_at=now)


def quarantine_table(outcomes: list[FileOutcome] | Outcomes, run_id: str, now: dt.datetime) -> pa.Table:
    if isinstance(outcomes, Outcomes):
        held = outcomes.take(outcomes.positions(outcomes.status_is("quarantined")))
    else:
        held = [o for o in outcomes if o.status == "quarantined"]
    return schema_table("quarantine", {
        "source_file": [o.path for o in held], "source_sha256": [o.sha256 for o in held],
        "stage": [o.stage for o in held], "error": [o.error for o in held], "detail": [o.detail for o in held]},
        len(held), run_id=run_id, quarantined_at=now)


def source_table(decision: Decision, outcomes: list[FileOutcome] | Outcomes, run_id: str) -> pa.Table:
    """filing_sources rows of the files a run read: the decision's, and those of files repeating a filing
    within one parse chunk (same filing id; `detail` names the file kept). The copies alone (most of a
    large run) go from column to column, never a Python object each."""
    names = ("filing_id", "source_file", "source_format", "used", "detail")
    columns = {name: [r[name] for r in decision.sources] for name in names}
    if isinstance(outcomes, Outcomes):
        table = outcomes.current()
        repeating = outcomes.take(outcomes.positions(pc.and_(
            outcomes.status_is("duplicate"), pc.and_(pc.is_valid(table["repeats"]), pc.is_valid(table["source_format"])))))
        repeating = [o for o in repeating if o.source_format and o.repeats]
    else:
        repeating = [o for o in outcomes if o.status == "duplicate" and o.source_format and o.repeats]
    if repeating:
        listed = set(zip(columns["filing_id"], columns["source_file"]))
        if decision.alone is not None:  # only its rows of these files can hold the pairs
            paths = pa.array(sorted({o.path for o in repeating}), pa.string())
            near = decision.alone.filter(pc.is_in(decision.alone["source_file"], value_set=paths))
            listed.update(zip(near["filing_id"].to_pylist(), near["source_file"].to_pylist()))
        for o in repeating:
            if (o.repeats, o.path) not in listed:
                for name, value in zip(names, (o.repeats, o.path, o.source_format, False, o.detail)):
                    columns[name].append(value)
    table = schema_table("filing_sources", columns, len(columns["filing_id"]), run_id=run_id)
    if decision.alone is None or not decision.alone.num_rows:
        return table
    # The sources above come first, then the copies alone, as one list of rows would have them.
    alone = decision.alone
    return pa.concat_tables([table, schema_table(
        "filing_sources", {"filing_id": alone["filing_id"], "source_file": alone["source_file"],
                           "source_format": alone["source_format"], "used": pa.repeat(True, alone.num_rows)},
        alone.num_rows, run_id=run_id)]).combine_chunks()


def run_row(run_id: str, *, flow_run_id: str | None, started: dt.datetime, inputs: list[str], counts: FileCounts,
            filings_loaded: int, expectations_passed: int, expectations_failed: int, dq_docs: str | None) -> dict:
    """The `runs` row of a nightly run, before its load completes it."""
    return schema_row("runs", run_id=run_id, flow_run_id=flow_run_id, started_at=started, status="running",
                      inputs=inputs, files_seen=counts.seen, files_new=counts.new, files_unchanged=counts.unchanged,
                      files_loaded=counts.loaded, files_quarantined=counts.quarantined,
                      files_duplicate=counts.duplicate, filings_loaded=filings_loaded,
                      expectations_passed=expectations_passed, expectations_failed=expectations_failed,
                      dq_docs=dq_docs, kind="run")
