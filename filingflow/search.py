"""Full-text search over 8-K item text, exhibit text and ownership footnotes.

`search_documents` holds one row per text; DuckDB's `fts` extension indexes it
(schema `fts_main_search_documents`, BM25). Each load updates the texts and the index
of the filings it changed (`update_search`); the index is built whole only the first
time, or when much of it changes. The extension comes from the pip
package `duckdb-extension-fts` and is loaded from its file: no network.

From `filingflow sql` (which loads the extension through `connections.connect_with_fts`):

    SELECT doc_key, kind, section, score
    FROM (SELECT *, fts_main_search_documents.match_bm25(doc_key, 'redemption preferred') AS score
          FROM search_documents)
    WHERE score IS NOT NULL ORDER BY score DESC
"""
from __future__ import annotations

import re
import time
from collections.abc import Iterable

import duckdb

from filingflow.connections import load_fts

SEARCH_TABLE = "search_documents"
FTS_SCHEMA = f"fts_main_{SEARCH_TABLE}"
SNIPPET_CHARS = 160

_INDEX_PRAGMA = (f"PRAGMA create_fts_index('{SEARCH_TABLE}', 'doc_key', 'text', stemmer = 'porter', "
                 "stopwords = 'english', strip_accents = 1, lower = 1, overwrite = 1)")

# Measured by the last rebuild_search call (seconds): for the report and the tests.
last_timings: dict[str, float] = {}


# One row per searchable text of the filings `{changed}` holds (all filings when it is empty).
_DOCUMENTS_SQL = """
    SELECT r.filing_id || ':item:' || r.item_index, r.filing_id, 'item', r.item_code, f.company_id, r.text
    FROM report_items r JOIN filings f USING (filing_id)
    WHERE nullif(trim(r.text), '') IS NOT NULL {changed}
    UNION ALL
    SELECT d.filing_id || ':exhibit:' || d.sequence, d.filing_id, 'exhibit', d.document_type, f.company_id, d.text
    FROM documents d JOIN filings f USING (filing_id)
    WHERE nullif(trim(d.text), '') IS NOT NULL {changed}
    UNION ALL
    SELECT n.filing_id || ':footnote:' || n.footnote_id, n.filing_id, 'footnote', n.footnote_id, f.company_id, n.text
    FROM footnotes n JOIN filings f USING (filing_id)
    WHERE nullif(trim(n.text), '') IS NOT NULL {changed}
"""
_INSERT_DOCUMENTS = f"INSERT INTO {SEARCH_TABLE} (doc_key, filing_id, kind, section, company_id, text) {{texts}}{_DOCUMENTS_SQL}"
_CHANGED = "AND f.filing_id IN (SELECT filing_id FROM _search_changed)"
# The changed filings' rows of each text table, fetched by row id before their text is looked at: else
# DuckDB reads and trims every text of the warehouse in the scan (a cost that follows the warehouse, not
# the run: four times the rest of the query for 1,000 new filings of 21,000).
_CHANGED_TEXTS = "WITH " + ", ".join(
    f'"{table}" AS MATERIALIZED (SELECT * FROM main."{table}" WHERE rowid IN ('
    f'SELECT rowid FROM main."{table}" WHERE filing_id IN (SELECT filing_id FROM _search_changed)))'
    for table in ("report_items", "documents", "footnotes")) + "\n"

# The index's tables as create_fts_index lays them out; the incremental upkeep below writes this layout.
_INDEX_LAYOUT = {"docs": ["docid", "name", "len"], "terms": ["docid", "fieldid", "termid"],
                 "dict": ["termid", "term", "df"], "stats": ["num_docs", "avgdl"]}
# Above this share of the texts changing, building the index anew is faster than upkeep.
_REBUILD_SHARE = 0.2


def rebuild_search(con: duckdb.DuckDBPyConnection) -> None:
    """Refill search_documents from the filing tables and build its FTS index anew.

    Runs inside the load transaction (DuckDB allows PRAGMA create_fts_index there,
    and a rollback drops the new index with the rows)."""
    started = time.perf_counter()
    con.execute(f"DELETE FROM {SEARCH_TABLE}")
    con.execute(_INSERT_DOCUMENTS.format(texts="", changed=""))
    filled = time.perf_counter()
    _build_index(con)
    last_timings.update(mode="rebuilt", fill_seconds=filled - started, index_seconds=time.perf_counter() - filled,
                        documents=con.execute(f"SELECT count(*) FROM {SEARCH_TABLE}").fetchone()[0])


def _require_fts(con: duckdb.DuckDBPyConnection) -> None:
    if not load_fts(con):
        raise RuntimeError("the duckdb-extension-fts package is not installed: cannot build the search index")


def _build_index(con: duckdb.DuckDBPyConnection) -> None:
    _require_fts(con)
    con.execute(_INDEX_PRAGMA)


def update_search(con: duckdb.DuckDBPyConnection, changed_filing_ids: list[str],
                  merged_into: Iterable[str] | None = None) -> None:
    """Bring search_documents and its index up to date after a load that deleted and re-inserted
    the filings `changed_filing_ids` (new, replaced or removed): their old texts leave the index,
    their new ones join it, and every text follows its filing's company_id: of the filings of the
    companies `merged_into` (those that absorbed others in the load, the only other filings whose
    company_id can change), or of every filing when None.

    The index is kept as create_fts_index would build it from the new table (the same terms,
    document lengths, document frequencies and statistics, so the same BM25 scores), at a cost
    that grows with the change, not with the warehouse. It is built anew instead when there is
    none yet, when its layout is not the one kept here, or when much of it changes."""
    import pyarrow as pa

    started = time.perf_counter()
    con.register("_search_changed_ids", pa.table({"filing_id": pa.array(changed_filing_ids, pa.string())}))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE _search_changed AS SELECT DISTINCT filing_id FROM _search_changed_ids")
    finally:
        con.unregister("_search_changed_ids")
    try:
        index_ok = _index_is_kept_layout(con) and con.execute(
            f"SELECT (SELECT count(*) FROM {FTS_SCHEMA}.docs) = (SELECT count(*) FROM {SEARCH_TABLE})").fetchone()[0]
        con.execute(f"CREATE OR REPLACE TEMP TABLE _search_gone AS SELECT doc_key FROM {SEARCH_TABLE} "
                    "WHERE filing_id IN (SELECT filing_id FROM _search_changed)")
        con.execute(f"DELETE FROM {SEARCH_TABLE} WHERE filing_id IN (SELECT filing_id FROM _search_changed)")
        con.execute(_INSERT_DOCUMENTS.format(texts=_CHANGED_TEXTS, changed=_CHANGED))
        # A load can merge companies: texts of filings it did not touch may change company.
        merged = None if merged_into is None else sorted(set(merged_into))
        if merged is None or merged:
            con.register("_search_merged", pa.table({"company_id": pa.array(merged or [], pa.string())}))
            try:
                only = "" if merged is None else " AND f.company_id IN (SELECT company_id FROM _search_merged)"
                con.execute(f"UPDATE {SEARCH_TABLE} s SET company_id = f.company_id FROM filings f "
                            "WHERE s.filing_id = f.filing_id AND s.company_id IS DISTINCT FROM f.company_id" + only)
            finally:
                con.unregister("_search_merged")
        filled = time.perf_counter()
        gone, total = con.execute(
            f"SELECT (SELECT count(*) FROM _search_gone), (SELECT count(*) FROM {SEARCH_TABLE})").fetchone()
        new = con.execute(f"SELECT count(*) FROM {SEARCH_TABLE} "
                          "WHERE filing_id IN (SELECT filing_id FROM _search_changed)").fetchone()[0]
        if not index_ok or gone + new > _REBUILD_SHARE * max(total, 1):
            _build_index(con)
            mode = "rebuilt"
        else:
            _require_fts(con)  # stem() comes from the extension
            _remove_from_index(con)
            _add_to_index(con)
            mode = "updated"
        last_timings.update(mode=mode, fill_seconds=filled - started, index_seconds=time.perf_counter() - filled,
                            documents=total, documents_changed=gone + new)
    finally:
        con.execute("DROP TABLE IF EXISTS _search_gone")
        con.execute("DROP TABLE IF EXISTS _search_changed")


def _index_is_kept_layout(con: duckdb.DuckDBPyConnection) -> bool:
    rows = con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = ? "
                       "ORDER BY table_name, column_index", [FTS_SCHEMA]).fetchall()
    found: dict[str, list[str]] = {}
    for table, column in rows:
        found.setdefault(table, []).append(column)
    return all(found.get(table) == columns for table, columns in _INDEX_LAYOUT.items())


def _remove_from_index(con: duckdb.DuckDBPyConnection) -> None:
    s = FTS_SCHEMA
    con.execute(f"CREATE OR REPLACE TEMP TABLE _fts_gone AS "
                f"SELECT docid FROM {s}.docs WHERE name IN (SELECT doc_key FROM _search_gone)")
    try:
        con.execute(f"""
            UPDATE {s}.dict SET df = dict.df - g.docs
            FROM (SELECT termid, count(DISTINCT docid) AS docs FROM {s}.terms
                  WHERE docid IN (SELECT docid FROM _fts_gone) GROUP BY termid) g
            WHERE dict.termid = g.termid""")
        con.execute(f"DELETE FROM {s}.terms WHERE docid IN (SELECT docid FROM _fts_gone)")
        con.execute(f"DELETE FROM {s}.docs WHERE docid IN (SELECT docid FROM _fts_gone)")
        con.execute(f"DELETE FROM {s}.dict WHERE df = 0")  # a fresh build has no term without documents
    finally:
        con.execute("DROP TABLE IF EXISTS _fts_gone")


def _add_to_index(con: duckdb.DuckDBPyConnection) -> None:
    """The changed filings' texts, tokenised, stop-worded and stemmed as create_fts_index does."""
    s = FTS_SCHEMA
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _fts_new AS
        SELECT (SELECT coalesce(max(docid), -1) FROM {s}.docs) + row_number() OVER (ORDER BY doc_key) AS docid,
               doc_key AS name, text
        FROM {SEARCH_TABLE} WHERE filing_id IN (SELECT filing_id FROM _search_changed)""")
    try:
        con.execute(f"""
            CREATE OR REPLACE TEMP TABLE _fts_tokens AS
            SELECT docid, stem(w, 'porter') AS term
            FROM (SELECT docid, unnest({s}.tokenize(text)) AS w FROM _fts_new) t
            WHERE w IS NOT NULL AND len(w) > 0 AND w NOT IN (SELECT sw FROM {s}.stopwords)""")
        con.execute(f"""
            INSERT INTO {s}.docs (docid, name, len)
            SELECT n.docid, n.name, count(t.term) FROM _fts_new n LEFT JOIN _fts_tokens t USING (docid)
            GROUP BY n.docid, n.name""")
        con.execute(f"""
            INSERT INTO {s}.dict (termid, term, df)
            SELECT (SELECT coalesce(max(termid), -1) FROM {s}.dict) + row_number() OVER (ORDER BY term), term, 0
            FROM (SELECT DISTINCT term FROM _fts_tokens WHERE term NOT IN (SELECT term FROM {s}.dict))""")
        con.execute(f"""
            UPDATE {s}.dict SET df = dict.df + c.docs
            FROM (SELECT term, count(DISTINCT docid) AS docs FROM _fts_tokens GROUP BY term) c
            WHERE dict.term = c.term""")
        con.execute(f"""
            INSERT INTO {s}.terms (docid, fieldid, termid)
            SELECT t.docid, 0, d.termid FROM _fts_tokens t JOIN {s}.dict d USING (term)""")
        con.execute(f"DELETE FROM {s}.stats")
        con.execute(f"INSERT INTO {s}.stats SELECT count(docs.docid), sum(docs.len) / count(docs.len) FROM {s}.docs AS docs")
    finally:
        con.execute("DROP TABLE IF EXISTS _fts_tokens")
        con.execute("DROP TABLE IF EXISTS _fts_new")


_WORD = re.compile(r"[A-Za-z0-9]+")


def snippet(text: str | None, words: str, width: int = SNIPPET_CHARS) -> str:
    """About `width` characters of `text` around the first query word found (prefix match, so
    'vests' finds 'vest', 'redemption' finds 'redemptions'), on one line."""
    if not text:
        return ""
    flat = " ".join(text.split())
    lowered = flat.lower()
    hits = []
    for word in _WORD.findall(words.lower()):
        stem = word[:max(4, len(word) - 2)] if len(word) > 4 else word
        m = re.search(r"\b" + re.escape(stem), lowered)
        if m:
            hits.append(m.start())
    start = max(0, min(hits) - width // 3) if hits else 0
    piece = flat[start:start + width]
    return ("\u2026" if start else "") + piece + ("\u2026" if start + width < len(flat) else "")


SEARCH_SQL = f"""
    SELECT s.score, s.filing_id, f.form_type, f.filed_date, s.company_id, c.name AS company_name,
           s.kind, s.section, s.doc_key, s.text
    FROM (SELECT *, {FTS_SCHEMA}.match_bm25(doc_key, ?) AS score FROM {SEARCH_TABLE}) s
    LEFT JOIN filings f USING (filing_id)
    LEFT JOIN companies c ON c.company_id = s.company_id
    WHERE s.score IS NOT NULL
    ORDER BY s.score DESC, s.doc_key
    LIMIT ?
"""
RESULT_COLUMNS = ["score", "filing_id", "form_type", "filed_date", "company_id", "company_name", "kind",
                  "section", "doc_key", "snippet"]


def search(con: duckdb.DuckDBPyConnection, words: str, limit: int = 20) -> tuple[list[str], list[tuple]]:
    """BM25 matches for `words` (any of them; more matching words rank higher)."""
    has_index = con.execute(
        "SELECT count(*) FROM duckdb_schemas() WHERE schema_name = ?", [FTS_SCHEMA]).fetchone()[0]
    if not has_index:
        return RESULT_COLUMNS, []
    rows = con.execute(SEARCH_SQL, [words, limit]).fetchall()
    return RESULT_COLUMNS, [(round(r[0], 4), *r[1:9], snippet(r[9], words)) for r in rows]
