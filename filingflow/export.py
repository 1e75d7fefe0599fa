"""Exports for analysts: Parquet (zstd) or CSV files per table, partitioned by
filing year and form, with a README data dictionary and a manifest (rows,
bytes, SHA-256 of every file) next to them.

Layout, relative to the export folder:
    README.md, manifest.json
    <filing table>/filing_year=<year>/form=<form>/part-<export id>.<parquet|csv>
    <derived or reference table>/part-<export id>.<parquet|csv>

Every export builds a complete new folder beside the old one and swaps it in,
so readers see the previous export or the new one, never a mix. An incremental
export (`since`) hard-links the previous export's files into the new folder
and writes, per partition, one new file with the filings loaded since. Every
filing stays in exactly one file per table: an earlier file holding a filing
written again (re-loaded, or company_id changed), or a filing the warehouse no
longer has, is dropped and its other filings go into the new file with the rest.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from filingflow import __version__
from filingflow.export_format import (
    FORMATS,
    PARTITION_COLUMNS,
    PARTITION_SQL,
    csv_schema,
    duckdb_read_sql,
    file_name,
    is_partitioned,
    parquet_schema,
    partition_path,
    select_list,
)
from filingflow.export_readme import render_readme
from filingflow.runlock import exclusive_run
from filingflow.schema import FILING_TABLES, TABLE_LIST, TABLES, Table
from filingflow.connections import connect

EXPORTABLE: tuple[str, ...] = FILING_TABLES + ("companies", "company_names") + tuple(
    t.name for t in TABLE_LIST if t.kind == "reference")
MANIFEST = "manifest.json"
README = "README.md"
MANIFEST_VERSION = 1
# Rows per batch streamed from DuckDB: bounds memory when tables hold long texts.
BATCH_ROWS = 20_000


@dataclass
class ExportResult:
    export_id: str
    out: Path
    mode: str  # "full" or "incremental"
    written: dict[str, int]  # rows written by this export, per table
    totals: dict[str, int]  # rows in the export folder, per table
    files_written: int
    files_kept: int  # files of the previous export carried over unchanged


def parse_since(text: str, out: Path | None = None) -> dt.datetime:
    """A date (midnight UTC), an ISO datetime (UTC unless it states its offset), or `previous`:
    the end of the last run the export in `out` holds. Runs take turns and stamp loaded_at after
    they start, so everything loaded since is newer, even a run busy while that export was written."""
    if text == "previous":
        manifest = read_manifest(out) if out is not None else None
        if manifest is None:
            raise ValueError(f"--since previous: no export in {out} to continue")
        finished = manifest["source"]["last_run_finished_at"]
        return dt.datetime.fromisoformat(finished) if finished else dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--since {text!r}: expected a date (YYYY-MM-DD), an ISO datetime or previous") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def read_manifest(out: Path) -> dict | None:
    """The manifest of the export in `out`; None when `out` is absent or empty.
    Refuses any other folder: an export replaces the whole folder."""
    if not out.exists():
        return None
    if not out.is_dir():
        raise ValueError(f"{out} is not a folder")
    path = out / MANIFEST
    if not path.is_file():
        if any(out.iterdir()):
            raise ValueError(f"{out} is not empty and holds no filingflow export ({MANIFEST}): "
                             "an export replaces its whole folder, choose a new or empty one")
        return None
    manifest = json.loads(path.read_text())
    if manifest.get("manifest_version") != MANIFEST_VERSION:
        raise ValueError(f"{path} is not a filingflow export manifest (version {MANIFEST_VERSION})")
    return manifest


def export(warehouse: Path, out: Path, tables: list[str] | None = None, since: dt.datetime | None = None,
           fmt: str = "parquet") -> ExportResult:
    """Export `tables` (default: all exportable, or for an incremental export the ones already
    in `out`). Without `since` the folder is rewritten whole; with it, only filings loaded on
    or after `since` are written and the previous export's other files are kept."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    out = out.resolve()  # its name and parent place the lock and the folders swapped in
    now = dt.datetime.now(dt.timezone.utc)
    export_id = now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)
    out.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_run(out, export_id):  # one export at a time per folder
        _recover(out)
        previous = read_manifest(out)
        base = previous if since is not None else None
        if base is not None and base["format"] != fmt:
            raise ValueError(f"{out} holds a {base['format']} export: an incremental export into it must be "
                             f"{base['format']} too")
        chosen = list(dict.fromkeys(tables or (list(base["tables"]) if base else EXPORTABLE)))
        unknown = [t for t in chosen if t not in EXPORTABLE]
        if unknown:
            raise ValueError(f"unknown table(s) {', '.join(unknown)}; exportable: {', '.join(EXPORTABLE)}")
        work = _sibling(out, "export", export_id)
        work.mkdir()
        try:
            con = connect(warehouse, read_only=True)
            try:
                manifest = _Export(con, out, work, fmt, export_id, now).run(chosen, base, since)
            finally:
                con.close()
            (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
            (work / README).write_text(render_readme(manifest))
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        _swap(work, out, export_id)
    totals = {name: t["rows"] for name, t in manifest["tables"].items()}
    this = manifest["exports"][-1]
    return ExportResult(export_id, out, this["mode"], this["rows_written"], totals, this["files_written"],
                        this["files_kept"])


class _Export:
    """One export: writes the new folder `work`, reading the warehouse and the previous export in `out`."""

    def __init__(self, con: duckdb.DuckDBPyConnection, out: Path, work: Path, fmt: str, export_id: str,
                 now: dt.datetime):
        self.con, self.out, self.work, self.fmt, self.export_id = con, out, work, fmt, export_id
        self.exported_at = now.isoformat().replace("+00:00", "Z")
        con.execute("SET TimeZone = 'UTC'")
        last = con.execute("SELECT run_id, finished_at FROM runs WHERE status = 'completed' "
                           "ORDER BY finished_at DESC LIMIT 1").fetchone()
        self.last_run_id = last[0] if last else None
        self.last_run_finished_at = last[1].isoformat() if last else None
        partition_cols = ", ".join(f"{sql} AS {name}" for name, sql in PARTITION_SQL.items())
        # Every filing of the warehouse with its run, load time and partition.
        keys = con.execute(f"SELECT filing_id, run_id, loaded_at, {partition_cols} FROM filings").to_arrow_table()
        self.keys = keys.cast(pa.schema([pa.field("filing_id", pa.string()), pa.field("run_id", pa.string()),
                                         keys.schema.field("loaded_at"), pa.field("filing_year", pa.int32()),
                                         pa.field("form", pa.string())]))

    def run(self, chosen: list[str], base: dict | None, since: dt.datetime | None) -> dict:
        entries: dict[str, list[dict]] = {}
        written: dict[str, int] = {}
        kept = 0
        if base is not None:  # tables of the previous export not exported now stay as they are
            for name, table in base["tables"].items():
                if name not in chosen:
                    entries[name] = [self._keep(e) for e in table["files"]]
                    kept += len(entries[name])
        fresh = None
        if since is not None:
            fresh = self.keys.filter(pc.greater_equal(self.keys["loaded_at"], pa.scalar(since, self.keys["loaded_at"].type)))
        for name in chosen:
            table = TABLES[name]
            carried: list[dict] = []
            if not is_partitioned(table):
                new = self._write_whole(table)
            elif fresh is not None and (base is None or name in base["tables"]):
                carried, again = self._carry(table, base["tables"][name]["files"] if base else [], fresh["filing_id"])
                new = self._write_filings(table, pa.concat_arrays([fresh["filing_id"].combine_chunks(), again]))
            else:  # a full export, or a table new to the folder: every filing
                new = self._write_filings(table, self.keys["filing_id"].combine_chunks())
            entries[name] = carried + new
            written[name] = sum(e["rows"] for e in new)
            kept += len(carried)
        history = list(base["exports"]) if base else []
        history.append({
            "export_id": self.export_id, "mode": "incremental" if since is not None else "full",
            "since": since.isoformat() if since is not None else None, "tables": chosen, "format": self.fmt,
            "created_at": self.exported_at, "source_last_run_id": self.last_run_id,
            "rows_written": written, "files_written": sum(len(v) for v in entries.values()) - kept,
            "files_kept": kept,
        })
        return {
            "manifest_version": MANIFEST_VERSION,
            "created_by": f"filingflow {__version__}",
            "created_at": self.exported_at,
            "export_id": self.export_id,
            "format": self.fmt,
            "source": {"last_run_id": self.last_run_id, "last_run_finished_at": self.last_run_finished_at},
            "partition_columns": [{"name": c.name, "type": c.duckdb_type, "description": c.description}
                                  for c in PARTITION_COLUMNS],
            "tables": {
                name: {
                    "kind": TABLES[name].kind,
                    "description": TABLES[name].description,
                    "primary_key": list(TABLES[name].primary_key),
                    "partitioned_by": [c.name for c in PARTITION_COLUMNS] if is_partitioned(TABLES[name]) else [],
                    "rows": sum(e["rows"] for e in files),
                    "files": sorted(files, key=lambda e: e["path"]),
                }
                for name, files in sorted(entries.items(), key=lambda item: EXPORTABLE.index(item[0]))
            },
            "exports": history,
        }

    # --- incremental: what of the previous export stays ------------------------

    def _carry(self, table: Table, previous: list[dict], fresh_ids: pa.ChunkedArray) -> tuple[list[dict], pa.Array]:
        """Keep the previous export's files of `table` whose filings are all unchanged;
        return their entries and the filings of the other files, to be written again."""
        if not previous:
            return [], pa.array([], pa.string())
        by_path = {(self.out / e["path"]).as_posix(): e for e in previous}
        for path, entry in by_path.items():
            if not os.path.isfile(path) or os.path.getsize(path) != entry["bytes"]:
                raise ValueError(f"{path} is missing or not as {MANIFEST} lists it: run a full export (no --since)")
        listed = "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in by_path) + "]"
        scan = duckdb_read_sql(table, self.fmt, listed, hive=False, filename="_export_file")
        touched = [fresh_ids.combine_chunks()]
        if "company_id" in table.column_index:
            # Company resolution of later runs rewrites company_id of stored filings in place
            # (two companies found to be one) without reloading them.
            on = " AND ".join(f'e."{c}" = w."{c}"' for c in table.primary_key)
            touched.append(self.con.execute(
                f'SELECT DISTINCT e.filing_id FROM ({scan}) e JOIN "{table.name}" w ON {on} '
                "WHERE e.company_id IS DISTINCT FROM w.company_id").to_arrow_table()["filing_id"]
                .combine_chunks().cast(pa.string()))
        self.con.register("_export_touched", pa.table({"filing_id": pa.concat_arrays(touched)}))
        self.con.register("_export_current", self.keys.select(["filing_id"]))
        try:
            files = self.con.execute(
                "SELECT _export_file, list(DISTINCT filing_id), "
                "bool_or(filing_id IN (SELECT filing_id FROM _export_touched) "
                "OR filing_id NOT IN (SELECT filing_id FROM _export_current)) "
                f"FROM ({scan}) GROUP BY ALL").fetchall()
        finally:
            self.con.unregister("_export_touched")
            self.con.unregister("_export_current")
        stale = {path for path, _, is_stale in files if is_stale}
        again = sorted({fid for path, ids, is_stale in files if is_stale for fid in ids})
        carried = [self._keep(e) for path, e in by_path.items() if path not in stale]
        return carried, pa.array(again, pa.string())

    def _keep(self, entry: dict) -> dict:
        """Carry a file over: a hard link costs no copy, and files are never written in place."""
        source, target = self.out / entry["path"], self.work / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:  # a file system without hard links
            shutil.copy2(source, target)
        return entry

    # --- writing ---------------------------------------------------------------

    def _write_filings(self, table: Table, filing_ids: pa.Array) -> list[dict]:
        """Rows of these filings, one file per partition."""
        keys = self.keys.filter(pc.is_in(self.keys["filing_id"], value_set=pc.unique(filing_ids)))
        self.con.register("_export_keys", keys)
        try:
            run_ids = {(y, f): runs for y, f, runs in self.con.execute(
                "SELECT filing_year, form, list(DISTINCT run_id ORDER BY run_id) FROM _export_keys "
                f'WHERE filing_id IN (SELECT filing_id FROM "{table.name}") GROUP BY ALL').fetchall()}
            order = ", ".join(f't."{c}"' for c in table.primary_key)
            sql = (f"SELECT {select_list(table, self.fmt)}, k.filing_year, k.form "
                   f'FROM "{table.name}" t JOIN _export_keys k ON k.filing_id = t.filing_id '
                   f"ORDER BY k.filing_year, k.form, {order}")
            return self._write(table, sql, run_ids)
        finally:
            self.con.unregister("_export_keys")

    def _write_whole(self, table: Table) -> list[dict]:
        order = ", ".join(f't."{c}"' for c in table.primary_key)
        sql = f'SELECT {select_list(table, self.fmt)} FROM "{table.name}" t ORDER BY {order}'
        return self._write(table, sql, {(): [self.last_run_id] if self.last_run_id else []})

    def _write(self, table: Table, sql: str, run_ids: dict[tuple, list[str]]) -> list[dict]:
        """Stream the query's rows (sorted by partition) into one file per partition."""
        entries: list[dict] = []
        current: _PartFile | None = None
        partitioned = is_partitioned(table)
        for batch in self.con.execute(sql).to_arrow_reader(BATCH_ROWS):
            if batch.num_rows == 0:  # a table without rows gets no file
                continue
            for key, piece in _runs(batch, partitioned):
                if current is None or current.key != key:
                    if current is not None:
                        entries.append(current.close())
                    current = _PartFile(self, table, key, run_ids.get(key, []))
                current.write(piece)
        if current is not None:
            entries.append(current.close())
        return entries


class _PartFile:
    """One file of one partition, as Parquet or CSV."""

    def __init__(self, job: _Export, table: Table, key: tuple, run_ids: list[str]):
        self.key, self.job, self.table, self.rows = key, job, table, 0
        folder = table.name + ("/" + partition_path(key) if key else "")
        self.relative = f"{folder}/{file_name(job.export_id, job.fmt)}"
        self.path = job.work / self.relative
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.run_ids = run_ids
        if job.fmt == "parquet":
            self.schema = parquet_schema(table, {
                "kind": table.kind,
                "partitioning": ",".join(c.name for c in PARTITION_COLUMNS) if key else "",
                "partition": partition_path(key),
                "filingflow_version": __version__,
                "export_id": job.export_id,
                "exported_at": job.exported_at,
                "run_ids": ",".join(run_ids),
            })
            self.writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
        else:
            self.schema = csv_schema(table)
            self.writer = pacsv.CSVWriter(self.path, self.schema)

    def write(self, batch: pa.RecordBatch) -> None:
        data = pa.Table.from_batches([batch]).select(self.table.column_names).cast(self.schema)
        self.writer.write_table(data)
        self.rows += data.num_rows

    def close(self) -> dict:
        self.writer.close()
        digest = hashlib.sha256()
        with open(self.path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return {"path": self.relative, "rows": self.rows, "bytes": self.path.stat().st_size,
                "sha256": digest.hexdigest(),
                "partition": dict(zip((c.name for c in PARTITION_COLUMNS), self.key)),
                "export_id": self.job.export_id, "run_ids": self.run_ids}


def _runs(batch: pa.RecordBatch, partitioned: bool):
    """(partition, rows) runs of a batch sorted by partition."""
    if not partitioned:
        yield (), batch
        return
    keys = list(zip(batch.column("filing_year").to_pylist(), batch.column("form").to_pylist()))
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            yield keys[start], batch.slice(start, i - start)
            start = i


# --- the folder swap -----------------------------------------------------------

def _sibling(out: Path, what: str, export_id: str) -> Path:
    return out.parent / f".{out.name}.{what}-{export_id}"


def _swap(work: Path, out: Path, export_id: str) -> None:
    """Put the new folder in place of the old one: two renames, then the old is deleted."""
    if out.exists():
        old = _sibling(out, "old", export_id)
        os.replace(out, old)
        os.replace(work, out)
        shutil.rmtree(old)
    else:
        os.replace(work, out)


def _recover(out: Path) -> None:
    """Clean up after an interrupted export: a half-written new folder goes; an old
    folder moved aside goes back when the swap stopped between its two renames."""
    if not out.parent.is_dir():
        return
    olds = sorted(out.parent.glob(f".{out.name}.old-*"))
    if olds and not out.exists():
        os.replace(olds.pop(), out)
    for leftover in olds + sorted(out.parent.glob(f".{out.name}.export-*")):
        shutil.rmtree(leftover, ignore_errors=True)
