"""CPU-seconds of the flow's validation step alone on generated filings (docs/performance.md).

    python -m benchmarks.validation_cpu --filings 40000 --work /tmp/validation-bench

The filings are generated and read once into one Parquet file per table under --work (reused by
later runs with the same count); then, as the `validate` task does, every suite runs on the rows
in batches of at most VALIDATION_BATCH_FILINGS filings read from that Parquet, and the Data Docs
are built. CPU is `time.process_time()` of this process plus its finished children, so threads
DuckDB starts count too; wall time is printed but means little on a shared machine.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from tests.support.generated import generate
from filingflow.schema import FILING_TABLES, TABLES
from transforms.errors import ParseError
from transforms.registry import read_bytes


def staged(work: Path, filings: int, seed: int) -> Path:
    """One Parquet file per table holding the rows read from `filings` generated filings."""
    folder = work / f"rows-{filings}-{seed}"
    if (folder / "done").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict]] = {name: [] for name in FILING_TABLES}
    loaded = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    for generated in generate(filings, seed):
        try:
            _, parsed_filings = read_bytes(generated.data)
        except ParseError:
            continue
        for parsed in parsed_filings:
            parsed.filing.update(source_file=generated.name, source_sha256="0" * 64, parser_version="bench",
                                 run_id="bench", loaded_at=loaded)
            rows["filings"].append(parsed.filing)
            for name, table_rows in parsed.rows.items():
                rows[name].extend(table_rows)
    for name in FILING_TABLES:
        pq.write_table(TABLES[name].to_arrow(rows[name]), folder / f"{name}.parquet")
    (folder / "done").touch()
    return folder


def cpu() -> float:
    times = os.times()
    return time.process_time() + times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "filingflow-validation-bench")
    args = parser.parse_args()
    folder = staged(args.work, args.filings, args.seed)

    from expectations.runner import RunChecker
    from flows.pipeline import VALIDATION_BATCH_FILINGS

    cpu0, wall0 = cpu(), time.perf_counter()
    checker = RunChecker("bench", Path(tempfile.mkdtemp(prefix="dq-", dir=args.work)))
    ids = sorted(pq.read_table(folder / "filings.parquet", columns=["filing_id"])["filing_id"].to_pylist())
    rows = 0
    for start in range(0, len(ids), VALIDATION_BATCH_FILINGS):
        batch = pa.array(ids[start:start + VALIDATION_BATCH_FILINGS], pa.string())
        tables = {name: ds.dataset(folder / f"{name}.parquet").to_table(filter=ds.field("filing_id").isin(batch))
                  for name in FILING_TABLES}
        rows += sum(t.num_rows for t in tables.values())
        checker.check(tables)
        del tables
    validation = checker.finish()
    spent, wall = cpu() - cpu0, time.perf_counter() - wall0
    print(f"{len(ids)} filings, {rows} rows, {validation.results.num_rows} expectations "
          f"({validation.failed} failed), {validation.flags.num_rows} flags: "
          f"validation {spent:.1f} CPU-s, {wall:.1f} s wall")


if __name__ == "__main__":
    main()
