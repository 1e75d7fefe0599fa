"""Running the expectation suites on rows read from files, without Prefect, and reading their flags."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from expectations.runner import validate
from filingflow.schema import FILING_TABLES, TABLES
from transforms.registry import read_bytes


def read_rows(*paths: Path) -> dict[str, list[dict]]:
    """Rows per filing table of the files, with the columns the pipeline adds to filings."""
    rows: dict[str, list[dict]] = {name: [] for name in FILING_TABLES}
    for path in paths:
        _, filings = read_bytes(path.read_bytes())
        for parsed in filings:
            parsed.filing.update(source_file=str(path), source_sha256="0" * 64, parser_version="test",
                                 run_id="test", loaded_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
            rows["filings"].append(parsed.filing)
            for name, table_rows in parsed.rows.items():
                rows[name].extend(table_rows)
    return rows


def run(rows: dict[str, list[dict]]):
    return validate({name: TABLES[name].to_arrow(r) for name, r in rows.items()}, "test", docs_dir=None)


def flags(validation) -> list[tuple]:
    frame = validation.flags.to_pandas()
    return sorted((r.expectation, r.table_name, None if pd.isna(r.row_index) else int(r.row_index), r.severity)
                  for r in frame.itertuples())


def details(validation, expectation: str) -> list[str]:
    frame = validation.flags.to_pandas()
    return list(frame.loc[frame["expectation"] == expectation, "detail"])
