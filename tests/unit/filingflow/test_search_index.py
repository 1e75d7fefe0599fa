"""The search index kept up to date load by load is the index a fresh build makes.

update_search changes search_documents and the fts tables by the filings a load
changed; after any sequence of loads (new filings, re-filed texts, removed
filings, merged companies) the texts, the index tables and every BM25 score
must equal what rebuild_search makes from scratch."""
from __future__ import annotations

import random

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filingflow import search
from filingflow.connections import fts_extension_path, load_fts
from filingflow.search import FTS_SCHEMA, SEARCH_TABLE, rebuild_search, update_search
from filingflow.warehouse import ensure_schema

pytestmark = pytest.mark.skipif(fts_extension_path() is None, reason="duckdb-extension-fts is not installed")

# Words the index treats differently: stop words, stems, accents, digits and punctuation it drops.
VOCABULARY = ("the option vests vesting vested in three equal annual installments shares held by a family trust "
              "redemption of preferred stock guidance raised lowered quarter résumé naïve 2005 10-K $5.25 "
              "it's don't -- ... (1) F1 UPPER Case").split()
QUERIES = ("vests", "trust family", "redemption preferred", "resume", "naive guidance", "quarter", "the",
           "installment vest share", "nothing-matches-this")


def _word(rng: random.Random) -> str:
    # Now and then a rare word, so that removing a text can take a term out of the index.
    return rng.choice(VOCABULARY) if rng.random() < 0.8 else "".join(rng.choice("qxzj") for _ in range(4))


def _text(rng: random.Random) -> str:
    return " ".join(_word(rng) for _ in range(rng.randint(0, 12)))


def _insert_filing(con: duckdb.DuckDBPyConnection, filing_id: str, rng: random.Random) -> None:
    con.execute("INSERT INTO filings (filing_id, content_id, form_type, is_amendment, company_id, source_file, "
                "source_sha256, source_format, parser_version, run_id, loaded_at) "
                "VALUES (?, ?, '4', false, ?, 'x', 'x', 'ownership_xml', '1', 'r', now())",
                [filing_id, filing_id, f"c{rng.randint(0, 3)}"])
    for i in range(rng.randint(0, 3)):
        con.execute("INSERT INTO footnotes VALUES (?, ?, ?)", [filing_id, f"F{i + 1}", _text(rng)])
    for i in range(rng.randint(0, 2)):
        con.execute("INSERT INTO report_items (filing_id, item_index, item_code, text) VALUES (?, ?, '2.02', ?)",
                    [filing_id, i, _text(rng)])
    if rng.random() < 0.3:
        con.execute("INSERT INTO documents (filing_id, sequence, document_type, text) VALUES (?, 2, 'EX-99.1', ?)",
                    [filing_id, _text(rng)])


def _delete_filing(con: duckdb.DuckDBPyConnection, filing_id: str) -> None:
    for table in ("footnotes", "report_items", "documents", "filings"):
        con.execute(f"DELETE FROM {table} WHERE filing_id = ?", [filing_id])


def _state(con: duckdb.DuckDBPyConnection) -> dict:
    """The index as a search sees it: ids (which differ between builds) replaced by names and terms."""
    s = FTS_SCHEMA
    return {
        "texts": con.execute(f"SELECT * FROM {SEARCH_TABLE} ORDER BY doc_key").fetchall(),
        "docs": con.execute(f"SELECT name, len FROM {s}.docs ORDER BY name").fetchall(),
        "terms": con.execute(f"SELECT d.name, t.fieldid, k.term, count(*) FROM {s}.terms t "
                             f"JOIN {s}.docs d USING (docid) JOIN {s}.dict k USING (termid) "
                             "GROUP BY ALL ORDER BY ALL").fetchall(),
        "dict": con.execute(f"SELECT term, df FROM {s}.dict ORDER BY term").fetchall(),
        "stats": con.execute(f"SELECT num_docs, avgdl FROM {s}.stats").fetchall(),
        "ids_unique": con.execute(f"SELECT count(DISTINCT docid) = count(*) FROM {s}.docs").fetchone()[0]
        and con.execute(f"SELECT count(DISTINCT termid) = count(*) FROM {s}.dict").fetchone()[0],
        "scores": {q: con.execute(
            f"SELECT doc_key, round({s}.match_bm25(doc_key, ?), 9) AS score FROM {SEARCH_TABLE} "
            "WHERE score IS NOT NULL ORDER BY doc_key", [q]).fetchall() for q in QUERIES},
    }


def _fresh_build_state(con: duckdb.DuckDBPyConnection) -> dict:
    con.execute("BEGIN TRANSACTION")
    try:
        rebuild_search(con)
        return _state(con)
    finally:
        con.execute("ROLLBACK")


LOADS = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 4), st.integers(0, 3), st.booleans()),
                 min_size=1, max_size=5)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), start=st.integers(1, 12), loads=LOADS)
def test_index_kept_up_to_date_equals_a_fresh_build(seed, start, loads):
    rng = random.Random(seed)
    con = duckdb.connect()
    ensure_schema(con)
    load_fts(con)
    ids = [f"f{i}" for i in range(start)]
    for filing_id in ids:
        _insert_filing(con, filing_id, rng)
    rebuild_search(con)
    serial = start
    for added, replaced, removed, merge_companies in loads:
        changed = []
        for _ in range(added):
            ids.append(f"f{serial}")
            serial += 1
            _insert_filing(con, ids[-1], rng)
            changed.append(ids[-1])
        for filing_id in rng.sample(ids[:-added or None], min(replaced, len(ids) - added)):
            _delete_filing(con, filing_id)
            _insert_filing(con, filing_id, rng)  # re-filed with other texts
            changed.append(filing_id)
        for filing_id in rng.sample(ids, min(removed, len(ids))):
            _delete_filing(con, filing_id)
            ids.remove(filing_id)
            changed.append(filing_id)
        if merge_companies:  # a load that merges two companies moves untouched filings too
            con.execute("UPDATE filings SET company_id = 'c0' WHERE company_id = 'c1'")
        # The load names the companies that absorbed others: only their filings' texts can change company.
        update_search(con, changed, ["c0"] if merge_companies else [])
        assert search.last_timings["mode"] in {"updated", "rebuilt"}
        assert _state(con) == _fresh_build_state(con)
    con.close()


def test_small_changes_update_the_index_and_large_ones_rebuild_it():
    rng = random.Random(7)
    con = duckdb.connect()
    ensure_schema(con)
    for i in range(50):
        _insert_filing(con, f"f{i}", rng)
    update_search(con, [f"f{i}" for i in range(50)])  # no index yet
    assert search.last_timings["mode"] == "rebuilt"
    _delete_filing(con, "f3")
    _insert_filing(con, "f3", rng)
    update_search(con, ["f3"])
    assert search.last_timings["mode"] == "updated"
    assert _state(con) == _fresh_build_state(con)
    update_search(con, [f"f{i}" for i in range(30)])
    assert search.last_timings["mode"] == "rebuilt"
    con.execute(f"DELETE FROM {FTS_SCHEMA}.docs WHERE docid = (SELECT min(docid) FROM {FTS_SCHEMA}.docs)")
    update_search(con, ["f40"])  # an index out of step with its table is built anew
    assert search.last_timings["mode"] == "rebuilt"
    assert _state(con) == _fresh_build_state(con)
    con.close()
