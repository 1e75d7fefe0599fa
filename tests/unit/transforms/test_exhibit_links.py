"""Exhibit index entries linked to the submission documents that carry them
(exhibits.document_filename, exhibits.document_sequence)."""
from __future__ import annotations

from pathlib import Path

import pytest

from transforms import submission
from transforms.decode import decode
from transforms.exhibit_links import exhibit_key, link_documents
from transforms.registry import reader_for

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus"


def corpus_exhibits(relative: str) -> list[tuple]:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"corpus file {relative} not found: the shared corpus belongs next to the repository")
    [parsed] = submission.read(decode(path.read_bytes()).text, reader_for)
    return [(r["exhibit_number"], r.get("document_filename"), r["document_sequence"]) for r in parsed.rows["exhibits"]]


@pytest.mark.parametrize("text, key", [
    ("EX-99.1", "99.1"), ("EX-99.01", "99.1"), ("EX-99.(1)", "99.1"), ("Exhibit 99.1", "99.1"), ("99.1", "99.1"),
    ("Exhibit No. 10.1", "10.1"), ("EX-10.10", "10.10"), ("99(a)", "99.a"), ("EX-99.A", "99.a"), ("EX-99", "99"),
    ("EX-101.SCH", "101.sch"), ("GRAPHIC", None), ("", None), (None, None),
])
def test_exhibit_numbers_in_one_spelling(text, key):
    assert exhibit_key(text) == key


def _documents(*types: str) -> list[dict]:
    return [{"sequence": n, "document_type": t, "filename": f"doc{n}.htm"} for n, t in enumerate(types, 1)]


def _linked(numbers: list[str], documents: list[dict], filenames: dict[str, str] | None = None) -> list:
    exhibits = [{"exhibit_number": n, "document_filename": (filenames or {}).get(n)} for n in numbers]
    link_documents(exhibits, documents)
    return [r["document_sequence"] for r in exhibits]


def test_type_spellings_link_by_number():
    docs = _documents("8-K", "EX-99.01", "EX-10.(1)", "GRAPHIC")
    assert _linked(["99.1", "10.1", "104"], docs) == [2, 3, None]


def test_lone_major_number_links_either_way_but_never_when_ambiguous():
    assert _linked(["99"], _documents("8-K", "EX-99.1")) == [2]
    assert _linked(["99.1"], _documents("8-K", "EX-99")) == [2]
    # Two 99.x exhibits and one EX-99: which one the document carries is unknown.
    assert _linked(["99.1", "99.2"], _documents("8-K", "EX-99")) == [None, None]
    assert _linked(["99"], _documents("8-K", "EX-99.1", "EX-99.2")) == [None]


def test_linked_file_wins_over_the_number():
    # 4.2 is "included in Exhibit 4.1": the index links it to 4.1's file.
    docs = _documents("8-K", "EX-4.1", "EX-4.2")
    assert _linked(["4.1", "4.2"], docs, {"4.2": "DOC2.htm"}) == [2, 2]


def test_apple_2019_index_links_included_exhibits_to_the_document_carrying_them():
    assert corpus_exhibits("full_submission/8-K_0001193125-19-292676_secedgardownloader.txt") == [
        ("1.1", "d828969dex11.htm", 2),
        ("4.1", "d828969dex41.htm", 3),
        ("4.2", "d828969dex41.htm", 3),  # "(included in Exhibit 4.1)"
        ("4.3", "d828969dex41.htm", 3),
        ("5.1", "d828969dex51.htm", 4),
        ("23.1", "d828969dex51.htm", 4),  # "(included in the opinion filed as Exhibit 5.1)"
        ("104", None, None),  # inline XBRL cover, embedded in the 8-K itself
    ]


@pytest.mark.parametrize("relative, expected", [
    # plain-text 8-Ks: no links, the EX-<number> document carries the exhibit
    ("full_submission/8-K_0000912057-00-002128_secedgar.txt", [("99.1", None, 2)]),
    ("full_submission/8-K_0001011438-98-000429_edgartools.txt", [("20.1", None, 2)]),
    ("full_submission/8-K_0001493152-25-001317_edgartools.nc", [("10.1", "ex10-1.htm", 2), ("104.1", None, None)]),
])
def test_corpus_submissions_link_their_exhibits(relative, expected):
    assert corpus_exhibits(relative) == expected
