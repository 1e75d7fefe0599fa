"""Expectations run batch by batch give the results of one batch holding the whole run.

A run validates at most VALIDATION_BATCH_FILINGS filings at a time so its memory
stays bounded; every filing of an issuer lands in the same batch, so the
cross-filing position chains are checked whole."""
from __future__ import annotations

import duckdb
import pytest

from tests.support.generated import write_corpus
from flows import pipeline
from flows.pipeline import RunSettings, nightly

pytestmark = pytest.mark.usefixtures("prefect_api")


def _run(tmp_path, name: str, inputs) -> tuple[list, list]:
    settings = RunSettings(inputs=[inputs], warehouse=tmp_path / f"{name}.duckdb", lake=tmp_path / f"{name}-lake",
                           dq_dir=None)
    nightly(settings)
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        results = con.execute("SELECT suite, expectation, table_name, column_name, severity, success, element_count, "
                              "unexpected_count FROM dq_results ORDER BY ALL").fetchall()
        flags = con.execute("SELECT expectation, table_name, filing_id, row_index, severity, detail FROM dq_flags "
                            "ORDER BY ALL").fetchall()
    finally:
        con.close()
    return results, flags


def test_batches_add_up_to_one_batch(tmp_path, monkeypatch):
    inputs = tmp_path / "in"
    write_corpus(inputs, 120, seed=11, huge_every=0)
    whole = _run(tmp_path, "whole", inputs)
    batches = []
    original = pipeline._validation_batches
    monkeypatch.setattr(pipeline, "_validation_batches",
                        lambda *args: batches.extend(found := original(*args)) or found)
    monkeypatch.setattr(pipeline, "VALIDATION_BATCH_FILINGS", 25)
    batched = _run(tmp_path, "batched", inputs)
    assert len(batches) >= 4 and sum(map(len, batches)) == 120
    assert batched == whole
    assert whole[1], "the generated filings raise flags, so their batching is compared too"
    assert sum(r[7] for r in whole[0]) > 0


def test_a_process_of_its_own_validates_as_the_flow_does(tmp_path, monkeypatch):
    """A large run validates in a process of its own (its memory goes with it before the load): the same
    dq_results and dq_flags as validating in the flow's process."""
    inputs = tmp_path / "in"
    write_corpus(inputs, 60, seed=5, huge_every=0)
    here = _run(tmp_path, "here", inputs)
    started = []
    original = pipeline._validation_process
    monkeypatch.setattr(pipeline, "_validation_process", lambda apart: started.append(apart) or original(apart))
    monkeypatch.setattr(pipeline, "VALIDATE_APART_FILES", 1)
    apart = _run(tmp_path, "apart", inputs)
    assert started == [True]
    assert apart == here
    assert here[1] and sum(r[7] for r in here[0]) > 0


def test_an_issuers_filings_share_a_batch(monkeypatch):
    import pyarrow as pa

    filings = pa.table({
        "filing_id": [f"f{i:02d}" for i in range(10)],
        "issuer_cik": ["1", "2", "1", None, None, "3", "2", "1", None, "3"],
        "issuer_name": [None, None, None, "Acme", "acme", None, None, None, None, None],
    })
    monkeypatch.setattr(pipeline, "VALIDATION_BATCH_FILINGS", 3)
    con = duckdb.connect()
    found = pipeline._validation_batches(con, filings)
    # Issuer groups in the order of their first filing id, filled into batches of at most 3 filings.
    assert found == [["f00", "f02", "f07"], ["f01", "f06"], ["f03", "f04"], ["f05", "f09", "f08"]]
    assert sorted(f for batch in found for f in batch) == filings["filing_id"].to_pylist()
    batch_of = {f: i for i, batch in enumerate(found) for f in batch}
    assert batch_of["f00"] == batch_of["f02"] == batch_of["f07"]  # CIK 1
    assert batch_of["f01"] == batch_of["f06"]  # CIK 2
    assert batch_of["f03"] == batch_of["f04"]  # the same name, case aside
    assert batch_of["f05"] == batch_of["f09"]  # CIK 3
    assert all(len(batch) <= 3 for batch in found)
