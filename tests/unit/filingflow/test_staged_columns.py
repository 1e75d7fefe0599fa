"""Reading a run's staged rows: only the columns asked for, only the filings asked for."""
from __future__ import annotations

import datetime as dt

import pyarrow as pa

from filingflow import lake
from filingflow.schema import TABLES


def test_only_the_columns_and_filings_asked_for_are_read(tmp_path):
    # Every required column a value of its type.
    sample = {pa.string(): "x", pa.bool_(): False, pa.int32(): 0, pa.int64(): 0, pa.date32(): dt.date(2026, 1, 1),
              pa.timestamp("us", tz="UTC"): dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)}
    required = {c.name: sample.get(c.type) for c in TABLES["filings"].columns if not c.nullable}
    rows = [{**required, "filing_id": f"f{i}", "issuer_cik": f"{i:010d}"} for i in range(3)]
    lake.write_part(tmp_path, "r1", "filings", 0, TABLES["filings"].to_arrow(rows[:2]))
    lake.write_part(tmp_path, "r1", "filings", 1, TABLES["filings"].to_arrow(rows[2:]))
    got = lake.read_staged(tmp_path, "r1", "filings", pa.array(["f0", "f2"]), columns=["filing_id", "issuer_cik"])
    assert got.column_names == ["filing_id", "issuer_cik"]
    assert sorted(got.to_pylist(), key=lambda r: r["filing_id"]) == [
        {"filing_id": "f0", "issuer_cik": "0000000000"}, {"filing_id": "f2", "issuer_cik": "0000000002"}]
    assert lake.read_staged(tmp_path, "r1", "filings").num_rows == 3
    empty = lake.read_staged(tmp_path, "r2", "filings", columns=["filing_id"])
    assert (empty.column_names, empty.num_rows) == (["filing_id"], 0)
