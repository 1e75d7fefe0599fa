"""The whole shared corpus through the nightly flow (slow: `make test-slow`)."""
from __future__ import annotations

import csv

import duckdb
import pytest

from flows.pipeline import RunSettings, nightly
from filingflow.schema import FILING_TABLES, TABLES

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_api")]
OWNERSHIP_AND_8K = {"3", "3/A", "4", "4/A", "5", "5/A", "8-K", "8-K/A"}


def _snapshot(db) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for name in FILING_TABLES:
            cols = [c for c in TABLES[name].column_names if c not in ("run_id", "loaded_at", "source_file")]
            out[name] = con.execute(f'SELECT {", ".join(cols)} FROM "{name}" ORDER BY ALL').fetchall()
        return out
    finally:
        con.close()


def test_corpus_loads_and_reloads_identically(corpus, tmp_path):
    settings = RunSettings(inputs=[corpus], warehouse=tmp_path / "wh.duckdb", lake=tmp_path / "lake", dq_dir=tmp_path / "dq")
    first = nightly(settings)
    manifest = {row["local_file"]: row for row in csv.DictReader(open(corpus / "MANIFEST.tsv"), delimiter="\t")}
    files = [p for p in corpus.rglob("*") if p.is_file()]
    assert first.files_seen == len(files)
    assert first.files_loaded + first.files_duplicate + first.files_unchanged + first.files_quarantined == first.files_seen
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    quarantined = con.execute("SELECT source_file, error, detail FROM quarantine").fetchall()
    con.close()
    by_form = []
    for path, error, detail in quarantined:
        rel = str(path).split(str(corpus) + "/", 1)[-1]
        assert error and detail
        if rel in manifest and manifest[rel]["form_type"] in OWNERSHIP_AND_8K:
            by_form.append((rel, error, detail))
    assert by_form == [], "Forms 3/4/5 and 8-K must not be quarantined"

    # Each XML cut out of a submission is the same filing: stored once, under the header's accession.
    extracted = sorted(str(p) for p in corpus.glob("ownership_xml/*_extracted.xml"))
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    duplicates = con.execute("SELECT source_file, status FROM ingest_ledger WHERE source_file LIKE '%_extracted.xml' "
                             "ORDER BY 1").fetchall()
    stored = con.execute("SELECT count(*) FROM filings f JOIN filings g ON f.content_id = g.content_id "
                         "AND f.filing_id < g.filing_id").fetchone()[0]
    con.close()
    assert duplicates == [(p, "duplicate") for p in extracted]
    assert stored == 0

    second = nightly(settings)
    assert (second.files_new, second.filings_loaded) == (0, 0)

    rebuilt = RunSettings(inputs=[corpus], warehouse=tmp_path / "again.duckdb", lake=tmp_path / "lake2", dq_dir=None)
    nightly(rebuilt)
    assert _snapshot(rebuilt.warehouse) == _snapshot(settings.warehouse)
