"""The same-night comparison (benchmarks.same_night): two roots that differ only in run ids, run
times, roots and Data Docs stamps are the same night; a changed row or page is found."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from benchmarks.same_night import main

PAGE = ('<a href="validations/filings/basic/{run}/{stamp}/run.html">{run} at {when}</a>'
        '<img src="logo.png?d={d}"><div id="{uuid}">{root}</div>')


def _root(folder: Path, run_id: str, started: dt.datetime, flag: str, page_stamp: str, uuid: str) -> Path:
    folder.mkdir()
    con = duckdb.connect(str(folder / "wh.duckdb"))
    con.execute("CREATE TABLE runs (run_id VARCHAR, started_at TIMESTAMP, dq_docs VARCHAR, inputs VARCHAR[])")
    con.execute("INSERT INTO runs VALUES ('first', '2026-01-01', NULL, ['in']), (?, ?, ?, ['in'])",
                [run_id, started, f"{folder}/dq/index.html"])
    con.execute("CREATE TABLE dq_flags (run_id VARCHAR, detail VARCHAR, loaded_at TIMESTAMP)")
    con.execute("INSERT INTO dq_flags VALUES ('first', 'old', '2026-01-01'), (?, ?, ?)", [run_id, flag, started])
    con.close()
    pages = folder / "dq" / "validations" / "filings" / "basic" / run_id / page_stamp
    pages.mkdir(parents=True)
    (pages / "run.html").write_text(PAGE.format(run=run_id, stamp=page_stamp, when=started.isoformat(),
                                                d=int(started.timestamp()), uuid=uuid, root=folder))
    (folder / "dq" / "logo.png").write_bytes(b"\x89PNG same")
    return folder


def test_runs_apart_in_ids_times_and_stamps_are_the_same_night(tmp_path, capsys):
    a = _root(tmp_path / "a", "20261207T211114Z-4e228a", dt.datetime(2026, 12, 7, 21, 11, 14), "shares=-5",
              "20261207T211127.975162Z", "0b8e3c1a-1111-4a4a-8b8b-0123456789ab")
    b = _root(tmp_path / "b", "20261207T214032Z-9f0c11", dt.datetime(2026, 12, 7, 21, 40, 32), "shares=-5",
              "20261207T214045.120001Z", "5d2f7e90-2222-4c4c-9d9d-ba9876543210")
    assert main([str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "same runs: 2 rows" in out and "same dq_flags: 2 rows" in out
    assert "docs: 2 of 2 files the same" in out and out.rstrip().endswith("the same night")


def test_a_changed_row_or_page_is_a_difference(tmp_path, capsys):
    a = _root(tmp_path / "a", "20261207T211114Z-4e228a", dt.datetime(2026, 12, 7, 21, 11, 14), "shares=-5",
              "20261207T211127.975162Z", "0b8e3c1a-1111-4a4a-8b8b-0123456789ab")
    b = _root(tmp_path / "b", "20261207T214032Z-9f0c11", dt.datetime(2026, 12, 7, 21, 40, 32), "shares=-6",
              "20261207T214045.120001Z", "5d2f7e90-2222-4c4c-9d9d-ba9876543210")
    (b / "dq" / "logo.png").write_bytes(b"\x89PNG other")
    assert main([str(a), str(b)]) == 1
    out = capsys.readouterr().out
    assert "DIFFERENT dq_flags: 2 rows, 1 only in A, 1 only in B" in out
    assert "DIFFERENT docs: logo.png" in out and "same runs: 2 rows" in out
    assert out.rstrip().endswith("2 differences")
