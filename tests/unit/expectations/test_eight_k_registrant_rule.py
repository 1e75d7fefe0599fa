"""expect_eight_k_registrant_to_match_header: the registrant an 8-K's cover names against the
SEC header's filer block, run by the expectations runner on the corpus 8-K submissions; a
cover that truly differs is flagged (warn) on its registrant row, with both values."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from expectations.runner import validate
from filingflow.schema import FILING_TABLES, TABLES
from transforms.registry import read_bytes

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"
RULE = "expect_eight_k_registrant_to_match_header"


def rows_of(paths: list[Path]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {name: [] for name in FILING_TABLES}
    for path in paths:
        for parsed in read_bytes(path.read_bytes())[1]:
            parsed.filing.update(source_file=path.name, source_sha256="0" * 64, parser_version="test", run_id="test",
                                 loaded_at=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc))
            rows["filings"].append(parsed.filing)
            for name, table_rows in parsed.rows.items():
                rows[name].extend(table_rows)
    return rows


@pytest.fixture(scope="module")
def validation():
    paths = sorted((CORPUS / "full_submission").glob("8-K_*"))
    if not paths:
        pytest.skip("the shared corpus is absent (expected in ../shared/corpus next to the repo)")
    rows = rows_of(paths)
    return validate({name: TABLES[name].to_arrow(r) for name, r in rows.items()}, "test", docs_dir=None)


def test_covers_that_truly_differ_are_flagged_as_warnings(validation):
    flags = validation.flags.to_pandas()
    flags = flags[flags["expectation"] == RULE]
    assert sorted(zip(flags["filing_id"], flags["table_name"], flags["severity"])) == [
        ("0000950137-05-004969", "filing_companies", "warn"),
        ("0001011438-98-000429", "filing_companies", "warn"),
        ("0001493152-25-001317", "filing_companies", "warn"),
    ]
    details = dict(zip(flags["filing_id"], flags["detail"]))
    assert details["0001493152-25-001317"] == (
        "phone: the cover prints '(410) 654-3315', the SEC header gives '302-656-1708' (both rows kept)")
    assert details["0001011438-98-000429"] == (
        "sec_file_number: the cover prints '333-46893-01', the SEC header gives '033-70636' (both rows kept)")
    result = validation.results.to_pandas().set_index("expectation").loc[RULE]
    assert (bool(result["success"]), result["severity"], int(result["unexpected_count"])) == (False, "warn", 3)


def test_agreeing_covers_pass(validation):
    flags = validation.flags.to_pandas()
    flagged = set(flags.loc[flags["expectation"] == RULE, "filing_id"])
    assert {"0000912057-00-002128", "0000943374-24-000509", "0001193125-19-292676",
            "0001193125-23-048785"}.isdisjoint(flagged)
