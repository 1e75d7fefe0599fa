"""Full-text search over 8-K item text, exhibit text and ownership footnotes.

`search_documents` holds one row per text; DuckDB's `fts` extension indexes it
(schema `fts_main_search_documents`, BM25). The extension comes from the pip
package `duckdb-extension-fts` and is loaded from its file: no network.

From `filingflow sql` (which loads the extension through `connect`):

    SELECT doc_key, kind, section, score
    FROM (SELECT *, fts_main_search_documents.match_bm25(doc_key, 'redemption preferred') AS score
          FROM search_documents)
    WHERE score IS NOT NULL ORDER BY score DESC
"""
from __future__ import annotations

import importlib.resources
import re
import time
from pathlib import Path

import duckdb

SEARCH_TABLE = "search_documents"
FTS_SCHEMA = f"fts_main_{SEARCH_TABLE}"
SNIPPET_CHARS = 160

_INDEX_PRAGMA = (f"PRAGMA create_fts_index('{SEARCH_TABLE}', 'doc_key', 'text', stemmer = 'porter', "
                 "stopwords = 'english', strip_accents = 1, lower = 1, overwrite = 1)")

# Measured by the last rebuild_search call (seconds): for the report and the tests.
last_timings: dict[str, float] = {}


def fts_extension_path() -> Path | None:
    """The fts.duckdb_extension file shipped in the duckdb_extension_fts package for this DuckDB."""
    try:
        root = importlib.resources.files("duckdb_extension_fts") / "extensions"
    except ModuleNotFoundError:
        return None
    exact = root / f"v{duckdb.__version__}" / "fts.duckdb_extension"
    if exact.is_file():
        return Path(str(exact))
    found = sorted(Path(str(root)).glob("v*/fts.duckdb_extension"))
    return found[-1] if found else None


def load_fts(con: duckdb.DuckDBPyConnection) -> bool:
    """Load the fts extension from the installed package; False when it is not there."""
    path = fts_extension_path()
    if path is None:
        return False
    con.load_extension(str(path))
    return True


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """warehouse.connect plus the fts extension, so `match_bm25` works in ad-hoc SQL."""
    from filingflow.warehouse import connect as connect_warehouse

    con = connect_warehouse(path, read_only=read_only)
    try:
        load_fts(con)
    except duckdb.Error:  # a broken extension file must not stop plain SQL
        pass
    return con


def rebuild_search(con: duckdb.DuckDBPyConnection) -> None:
    """Refill search_documents from the filing tables and rebuild its FTS index.

    Runs inside the load transaction (DuckDB allows PRAGMA create_fts_index there,
    and a rollback drops the new index with the rows)."""
    started = time.perf_counter()
    con.execute(f"DELETE FROM {SEARCH_TABLE}")
    con.execute(f"""
        INSERT INTO {SEARCH_TABLE} (doc_key, filing_id, kind, section, company_id, text)
        SELECT r.filing_id || ':item:' || r.item_index, r.filing_id, 'item', r.item_code, f.company_id, r.text
        FROM report_items r JOIN filings f USING (filing_id)
        WHERE nullif(trim(r.text), '') IS NOT NULL
        UNION ALL
        SELECT d.filing_id || ':exhibit:' || d.sequence, d.filing_id, 'exhibit', d.document_type, f.company_id, d.text
        FROM documents d JOIN filings f USING (filing_id)
        WHERE nullif(trim(d.text), '') IS NOT NULL
        UNION ALL
        SELECT n.filing_id || ':footnote:' || n.footnote_id, n.filing_id, 'footnote', n.footnote_id, f.company_id, n.text
        FROM footnotes n JOIN filings f USING (filing_id)
        WHERE nullif(trim(n.text), '') IS NOT NULL
    """)
    filled = time.perf_counter()
    if not load_fts(con):
        raise RuntimeError("the duckdb-extension-fts package is not installed: cannot build the search index")
    con.execute(_INDEX_PRAGMA)
    last_timings.update(fill_seconds=filled - started, index_seconds=time.perf_counter() - filled,
                        documents=con.execute(f"SELECT count(*) FROM {SEARCH_TABLE}").fetchone()[0])


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
