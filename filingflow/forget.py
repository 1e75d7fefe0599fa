"""`filingflow forget FILING_ID|PATH`: remove filings from the warehouse and the lake.

A file removed from the input folders stays loaded (a run never deletes what it does not see:
an unmounted share must not empty the warehouse). Forgetting is the deliberate way out. It works
like a run: under the warehouse's lock, in one transaction of the live warehouse, the lake
partitions it changes published only after its commit; a `runs` row (kind `forget`) records which filings went.

What goes: every row of the filings in every filing table (and their data-quality flags and
filing_sources rows), the companies and search texts they alone held, the filings in the lake.
What stays: the ingest ledger entry of every file that carried them, marked `forgotten` with no
filing, so that an unchanged file is not read again; a file that comes back changed is read
again and loads like a new one. A byte-identical copy under another path is another file: it
loads (forget that one too, or remove it)."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from filingflow import accounting, lake, runlock, warehouse
from filingflow.connections import open_warehouse
from filingflow.ingest_ledger import committed_runs


class ForgetError(ValueError):
    """Nothing matches what was asked to be forgotten."""


@dataclass(frozen=True)
class Forgotten:
    run_id: str
    filing_ids: list[str]
    files: list[str]


def forget(live: Path, lake_root: Path | str, targets: list[str], wait_seconds: float = 0.0) -> Forgotten:
    """Forget the filings named by id, or carried by the files named by path."""
    run_id = accounting.new_run_id()
    started = dt.datetime.now(dt.timezone.utc)
    live = runlock.resolved(live)
    if not live.exists():
        raise FileNotFoundError(f"no warehouse at {live}: nothing to forget")
    with runlock.exclusive_run(live, run_id, wait_seconds), lake.claim(lake_root, run_id, str(live)):
        try:
            warehouse.prepare(live)
            with open_warehouse(live) as con:
                lake.recover(lake_root, committed_runs(con), str(live))
                filing_ids, files = _matches(con, targets)
                warehouse.forget_filings(con, lake_root, run_id, filing_ids, files, started)
        except BaseException:
            if not warehouse.committed(run_id):  # committed (a failed checkpoint): the next run publishes
                lake.discard(lake_root, run_id)
            raise
        lake.publish(lake_root, run_id)
    return Forgotten(run_id, filing_ids, files)


def _matches(con, targets: list[str]) -> tuple[list[str], list[str]]:
    """The filings the targets name (an id, or a path that carried filings), and every file that
    carried one of them. Unknown targets are an error naming them."""
    paths = {t: sorted({os.path.abspath(t), os.path.realpath(t)}) for t in targets}
    con.register("_targets", pa.table({
        "target": pa.array([t for t in targets for _ in paths[t]], pa.string()),
        "path": pa.array([p for t in targets for p in paths[t]], pa.string())}))
    try:
        found = con.execute("""
            WITH by_id AS (
                SELECT t.target, f.filing_id FROM _targets t JOIN filings f ON f.filing_id = t.target
            ), by_path AS (
                SELECT t.target, unnest(l.filing_ids) AS filing_id
                FROM _targets t JOIN ingest_ledger l ON l.source_file = t.path
                UNION SELECT t.target, s.filing_id FROM _targets t JOIN filing_sources s ON s.source_file = t.path
                UNION SELECT t.target, f.filing_id FROM _targets t JOIN filings f ON f.source_file = t.path
            )
            SELECT target, filing_id FROM by_id UNION SELECT target, filing_id FROM by_path
            WHERE filing_id IN (SELECT filing_id FROM filings)""").fetchall()
    finally:
        con.unregister("_targets")
    unknown = sorted(set(targets) - {t for t, _ in found})
    if unknown:
        raise ForgetError(f"no stored filing has the id or came from the file {', '.join(unknown)}")
    filing_ids = sorted({f for _, f in found})
    con.register("_ids", pa.table({"filing_id": pa.array(filing_ids, pa.string())}))
    try:
        files = [r[0] for r in con.execute("""
            SELECT source_file FROM ingest_ledger WHERE list_has_any(filing_ids, (SELECT list(filing_id) FROM _ids))
            UNION SELECT source_file FROM filing_sources WHERE filing_id IN (SELECT filing_id FROM _ids)
            UNION SELECT source_file FROM filings WHERE filing_id IN (SELECT filing_id FROM _ids)
            ORDER BY 1""").fetchall()]
    finally:
        con.unregister("_ids")
    return filing_ids, files
