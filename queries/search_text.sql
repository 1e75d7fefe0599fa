-- Full-text search (BM25) over 8-K item text, exhibit text and ownership footnotes, best match first.
-- param words: the words to look for
SELECT doc_key, kind, section, score
FROM (SELECT *, fts_main_search_documents.match_bm25(doc_key, $words) AS score FROM search_documents)
WHERE score IS NOT NULL
ORDER BY score DESC, doc_key;
