"""Round trip: generated filings with known truth -> read_bytes -> the same rows.

Compared columns: for every table the generator fills, every column the
truth row holds, which is `tests.support.generated.TRUTH_COLUMNS[table]` for
ownership tables (all schema columns except those a reader stamps:
source_file, source_sha256, parser_version, run_id, loaded_at, company_id
and header_items) and, for 8-Ks, the cover, item, exhibit and signature
columns the text states. Rows are matched on the table's key; row counts
must be equal, and a table the truth leaves out must come back empty.
"""
from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

# benchmarks/ is a top-level package of the repo, not installed: plain `pytest` needs the root on the path.
if str(_ROOT := Path(__file__).resolve().parents[3]) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from tests.support.generated import KEYS, KINDS, TRUTH_COLUMNS, GeneratedFiling, generate, write_corpus
from transforms.registry import read_bytes

SEED = 20240607


def _got_tables(filing) -> dict[str, list[dict]]:
    return {"filings": [filing.filing], **filing.rows}


def _mismatches(g: GeneratedFiling) -> list[str]:
    fmt, filings = read_bytes(g.data)
    problems = []
    if fmt != g.kind:
        problems.append(f"format {fmt!r}, expected {g.kind!r}")
    if len(filings) != 1:
        return problems + [f"{len(filings)} filings read, expected 1"]
    got = _got_tables(filings[0])
    for table, rows in g.truth.items():
        key = KEYS[table]
        by_key = {tuple(r.get(k) for k in key): r for r in got.get(table, [])}
        if len(got.get(table, [])) != len(rows):
            problems.append(f"{table}: {len(got.get(table, []))} rows read, {len(rows)} generated")
        for row in rows:
            assert set(row) <= set(TRUTH_COLUMNS[table]), f"{table}: truth names undeclared columns"
            k = tuple(row[c] for c in key)
            read = by_key.get(k)
            if read is None:
                problems.append(f"{table} {k}: row not read")
                continue
            for column, expected in row.items():
                if read.get(column) != expected:
                    problems.append(f"{table} {k} {column}: expected {expected!r}, got {read.get(column)!r}")
    for table, rows in got.items():
        if table not in g.truth and rows:
            problems.append(f"{table}: {len(rows)} rows read, none generated")
    return problems


@pytest.mark.parametrize("kind", KINDS)
def test_round_trip_every_row_equals_truth(kind):
    # 24 filings per kind (Forms 3, 4, 5 and amendments); the last is "huge" (hundreds of transactions / many items).
    filings = list(generate(24, SEED, kinds=(kind,), huge_every=24))
    assert len(filings) == 24
    failures = {g.name: p for g in filings if (p := _mismatches(g))}
    assert not failures, "\n".join(f"{name}: {p[:5]}" for name, p in failures.items())


def test_round_trip_mixed_corpus_with_other_seed():
    for g in generate(30, SEED + 1):
        assert _mismatches(g) == [], g.name


def test_same_seed_same_bytes_and_new_seed_new_bytes():
    a = [(g.name, g.data) for g in generate(9, 5)]
    b = [(g.name, g.data) for g in generate(9, 5)]
    c = [(g.name, g.data) for g in generate(9, 6)]
    assert a == b
    assert [d for _, d in a] != [d for _, d in c]
    # filing i does not depend on n, nor on where the stream starts
    assert [g.data for g in generate(4, 5)] == [d for _, d in a[:4]]
    assert [(g.name, g.data) for g in generate(9, 5, start=6)] == a[6:]


def test_sgml_submission_and_bare_xml_share_content_id():
    xml = next(generate(1, 11, kinds=("ownership_xml",)))
    sub = next(generate(1, 11, kinds=("sgml_submission",)))
    # Different filings (different streams), but each submission's content id is its XML's.
    assert xml.filing["filing_id"] == xml.filing["content_id"]
    assert sub.filing["filing_id"] == sub.filing["accession_number"] != sub.filing["content_id"]
    assert sub.filing["content_id"].startswith("ff-")


def test_generated_chains_add_up():
    checked = 0
    for g in generate(90, SEED, kinds=("ownership_xml", "sgml_submission")):
        balances: dict[tuple, Decimal] = {}
        for row in g.truth.get("nonderiv_transactions", []):
            chain = (row["security_title"], row["direct_indirect"], row["nature_of_ownership"])
            sign = 1 if row["acquired_disposed"] == "A" else -1
            if chain in balances:
                assert balances[chain] + sign * row["shares"] == row["shares_owned_after"], g.name
                checked += 1
            assert row["shares_owned_after"] >= 0
            balances[chain] = row["shares_owned_after"]
    assert checked > 100


def test_generator_covers_the_quirks():
    seen: dict[str, int] = defaultdict(int)
    for g in generate(150, SEED, kinds=("ownership_xml",), huge_every=75):
        t = g.truth
        seen[g.filing["form_type"]] += 1
        seen["owners>1"] += len(t["reporting_owners"]) > 1
        seen["owners=8"] += len(t["reporting_owners"]) == 8
        text = g.data.decode()
        seen["word booleans"] += "<isDirector>true</isDirector>" in text or "<isDirector>false</isDirector>" in text
        seen["escaped &"] += "&amp;" in text
        seen["date with tz"] += "-05:00</value>" in text
        refs = {(r["table_name"], r["row_index"], r["field"]) for r in t.get("footnote_refs", [])}
        for table in ("nonderiv_transactions", "deriv_transactions", "deriv_holdings"):
            for row in t.get(table, []):
                seen["fractional shares"] += any(isinstance(row.get(c), Decimal) and row[c] != row[c].to_integral()
                                                 for c in ("shares", "shares_owned_after"))
                seen["price missing"] += "price_per_share" in row and row["price_per_share"] is None
                for column, value in row.items():
                    if value is None and (table, row["row_index"], column) in refs:
                        seen[f"footnote-only {column}"] += 1
        seen["holdings"] += bool(t.get("nonderiv_holdings") or t.get("deriv_holdings"))
        seen["transaction_code mark"] += any(r["field"] == "transaction_code" for r in t.get("footnote_refs", []))
        seen["huge"] += len(t.get("nonderiv_transactions", [])) >= 150
        seen["no securities"] += bool(g.filing["no_securities_owned"])
    for quirk in ("3", "4", "5", "4/A", "owners>1", "word booleans", "escaped &", "date with tz", "fractional shares",
                  "price missing", "footnote-only price_per_share", "footnote-only exercise_date", "holdings",
                  "transaction_code mark", "no securities"):
        assert seen[quirk] > 0, quirk
    assert seen["huge"] == 2


def test_text_rendering_covers_its_quirks():
    seen: dict[str, int] = defaultdict(int)
    for g in generate(60, SEED, kinds=("ownership_text_rendering",), huge_every=30):
        text = g.data.decode()
        lines = text.split("\n")
        seen[g.filing["form_type"]] += 1
        seen["markdown"] += "**FORM" in text
        seen["plain"] += "\nFORM " in text
        seen["owners>1"] += len(g.truth["reporting_owners"]) > 1
        table_i, table_ii = text.index("Table I -"), text.index("Table II -")
        seen["page header inside Table I"] += "Edgar Filing:" in text[table_i:table_ii]
        # the page ends between '$' and its number: the number is alone on the next row
        seen["price cut by a page break"] += any(cell.endswith("$") for ln in lines for cell in ln.split("\t")[1:])
        seen["price beside A/D"] += " $ " in text or " \\$ " in text
        seen["wrapped cell"] += any(ln.startswith("\t") and ln.strip() and not ln.strip()[0].isdigit()
                                    and "Director" not in ln for ln in lines[text[:table_i].count("\n"):])
        seen["voluntary V"] += any(r.get("is_voluntary") for r in g.truth.get("nonderiv_transactions", []))
        seen["signer title"] += any(r["title"] for r in g.truth["signatures"])
        seen["footnote-only exercise date"] += any(
            r["field"] == "exercise_date" for r in g.truth.get("footnote_refs", []))
        seen["huge"] += len(g.truth.get("nonderiv_transactions", [])) >= 150
    for quirk in ("3", "4", "5", "markdown", "plain", "owners>1", "page header inside Table I",
                  "price cut by a page break", "price beside A/D", "wrapped cell", "voluntary V", "signer title",
                  "footnote-only exercise date"):
        assert seen[quirk] > 0, quirk
    assert seen["huge"] == 2


def test_legacy_ascii_covers_its_quirks():
    seen: dict[str, int] = defaultdict(int)
    for g in generate(60, SEED, kinds=("legacy_ascii_ownership",), huge_every=30):
        text = g.data.decode()
        rows = [ln for ln in text.split("\n") if ln.endswith("|") and not ln.startswith("- ")]
        f = g.filing
        seen[f["form_type"]] += 1
        assert dt.date(1996, 1, 1) <= f["period_of_report"] <= dt.date(2002, 12, 31)
        seen["<TABLE> markup"] += "<TABLE>\n<CAPTION>\n- ---" in text
        seen["cut mid-word"] += any(ln[:1].islower() for ln in rows)
        seen["cut at a space"] += any(ln.startswith(" ") and ln.strip()[:1].isupper() for ln in rows)
        seen["two-digit years"] += "/99 " in text or "/00 " in text or "/01 " in text or "/02 " in text
        seen["month/year period"] += f["period_of_report"].day >= 28 and "Statement for" in text and \
            f"{f['period_of_report']:%B} {f['period_of_report'].year}\n" in text
        seen["(X) box"] += "(X) Director" in text or "(X) 10% Owner" in text
        seen["form 5 boxes"] += "Form 3 Holdings Reported" in text
        seen["signature under label"] += "SIGNATURE OF REPORTING PERSON\n" in text
        seen["signature over label"] += "**Signature of Reporting Person   Date" in text
        seen["huge"] += len(g.truth.get("nonderiv_transactions", [])) >= 150
    for quirk in ("3", "4", "5", "<TABLE> markup", "cut mid-word", "cut at a space", "two-digit years",
                  "month/year period", "(X) box", "form 5 boxes", "signature under label", "signature over label"):
        assert seen[quirk] > 0, quirk
    assert seen["huge"] == 2


def test_eight_k_truth_uses_current_numbering():
    for g in generate(12, SEED, kinds=("ascii_8k",)):
        items = g.truth["report_items"]
        assert items and all(i["numbering_era"] == "current" and i["item_code"] == i["item_code_current"]
                             for i in items)
        assert g.filing["period_of_report"] >= dt.date(2004, 8, 23)
        assert g.truth["signatures"] and g.truth["filing_companies"][0]["role"] == "registrant"


def test_write_corpus(tmp_path):
    paths = write_corpus(tmp_path / "corpus", 6, 3)
    assert [p.name for p in paths] == [g.name for g in generate(6, 3)]
    assert [p.read_bytes() for p in paths] == [g.data for g in generate(6, 3)]
    assert {p.suffix for p in paths} == {".xml", ".txt"}
    assert {g.kind for g in generate(6, 3)} == set(KINDS)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown kinds"):
        list(generate(1, 1, kinds=("form_13f",)))
