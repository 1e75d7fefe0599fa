"""A night's worth of input: 10,000 files, one in ten of them garbage of many
kinds. The run finishes, loads every good file, quarantines every bad one
with its reason, and accounts for every file: seen = loaded + unchanged +
quarantined."""
from __future__ import annotations

import codecs
import gzip
import os
import random
import resource
import zlib
from pathlib import Path

import pytest

from tests.support.generated import write_corpus
from conftest import warehouse_rows
from flows.pipeline import RunSettings, nightly

GOOD = 9_000
BAD = 1_000
KINDS = ("ownership_xml", "sgml_submission", "ascii_8k")


def _bomb(n: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(80)) + packer.compress(str(n).encode()) + packer.flush()


def _xml_cut(n: int) -> bytes:
    return (f'<?xml version="1.0"?>\n<ownershipDocument>\n<schemaVersion>X0306</schemaVersion>\n'
            f"<documentType>4</documentType>\n<periodOfReport>2021-01-{1 + n % 28:02d}</periodOfReport>\n"
            "<issuer><issuerCik>0000012345</issuerCik>").encode()


def _laughs(n: int) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE ownershipDocument [<!ENTITY a "{n}"><!ENTITY b "&a;&a;&a;&a;">]>\n'
            "<ownershipDocument><remarks>&b;</remarks></ownershipDocument>\n").encode()


# kind -> (how to make garbage file n, the quarantine error it must get)
GARBAGE = {
    "empty": (lambda n: b"", "empty_file"),
    "blank": (lambda n: b" \n" * (1 + n % 50), "empty_file"),
    "random": (lambda n: random.Random(n).randbytes(2048), "binary_content"),
    "pdf": (lambda n: b"%PDF-1.4\n" + random.Random(n).randbytes(512), "binary_content"),
    "latin1": (lambda n: f"Soci\u00e9t\u00e9 g\u00e9n\u00e9rale {n} \u00e0 \u00e9t\u00e9 ".encode("latin-1") * 40,
               "undecodable_text"),
    "utf16": (lambda n: codecs.BOM_UTF16_LE + f"FORM 4 {n}".encode("utf-16-le") + b"\x00\xdcX", "undecodable_text"),
    "letter": (lambda n: f"Dear shareholder {n},\nthank you for your letter.\n".encode(), "unrecognized_format"),
    "cut_xml": (_xml_cut, "truncated"),
    "laughs": (_laughs, "hostile_xml"),
    "gz_letter": (lambda n: gzip.compress(f"Just a note, number {n}.\n".encode()), "unrecognized_format"),
    "bomb": (_bomb, "decompression_bomb"),
}
RARE = {"bomb": 10}  # each bomb costs 64 MB of expansion before it is refused


def _write_garbage(folder: Path) -> dict[str, str]:
    """BAD files over the kinds; returns file path -> expected error."""
    folder.mkdir(parents=True)
    expected: dict[str, str] = {}
    counts = {kind: RARE.get(kind, 0) for kind in GARBAGE}
    common = [k for k in GARBAGE if k not in RARE]
    for i in range(BAD - sum(counts.values()) - 20):
        counts[common[i % len(common)]] += 1
    for kind, count in counts.items():
        make, error = GARBAGE[kind]
        for n in range(count):
            path = folder / f"{kind}_{n:04d}.bin"
            path.write_bytes(make(n))
            expected[str(path)] = error
    for n in range(20):  # links to nowhere
        link = folder / f"dangling_{n:02d}.txt"
        os.symlink(folder / f"gone_{n}", link)
        expected[str(link)] = "broken_symlink"
    return expected


@pytest.mark.slow
def test_ten_thousand_files_with_ten_percent_garbage(prefect_api, tmp_path):
    inputs = tmp_path / "in"
    write_corpus(inputs / "good", GOOD, seed=10_000, kinds=KINDS, huge_every=0)
    expected = _write_garbage(inputs / "bad")
    settings = RunSettings(inputs=[inputs], warehouse=tmp_path / "wh.duckdb", lake=tmp_path / "lake", dq_dir=None)
    summary = nightly(settings)
    print(f"10,000 files: {sum(summary.rows_per_table.values())} rows loaded, {summary.files_quarantined} quarantined; "
          f"peak RSS of the test process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    assert summary.files_seen == GOOD + BAD == 10_000
    assert summary.files_seen == (summary.files_loaded + summary.files_duplicate + summary.files_unchanged
                                  + summary.files_quarantined)
    assert (summary.files_loaded, summary.files_quarantined, summary.filings_loaded) == (GOOD, BAD, GOOD)
    # Every bad file is reported by the run and stored with its reason.
    assert {path: error for path, error, _ in summary.quarantined} == expected
    stored = dict(warehouse_rows(settings.warehouse, "SELECT source_file, error FROM quarantine"))
    assert stored == expected
    assert warehouse_rows(settings.warehouse, "SELECT status, count(*) FROM ingest_ledger GROUP BY 1 ORDER BY 1") == [
        ("loaded", GOOD), ("quarantined", BAD)]
    assert warehouse_rows(settings.warehouse, "SELECT count(DISTINCT source_file) FROM filings") == [(GOOD,)]
    # The next night no file is read again, the bad ones included; only the dangling links,
    # which have no size or mtime to compare, are looked at again (and quarantined again).
    again = nightly(settings)
    assert (again.files_seen, again.files_unchanged, again.files_new, again.files_quarantined) == (10_000, 9_980, 20, 20)
    assert warehouse_rows(settings.warehouse, "SELECT count(*) FROM quarantine") == [(BAD,)]
