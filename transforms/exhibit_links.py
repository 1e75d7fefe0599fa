"""Which document carries each exhibit of an 8-K's exhibit index.

An HTML exhibit index links each exhibit to its file (href); inside a
submission that file is one of the <DOCUMENT>s, else the document whose
<TYPE> is EX-<number> carries it. Numbers are compared in one spelling:
EX-99.1, EX-99.01, EX-99.(1), Exhibit 99.1 and 99.1 are all '99.1'."""
from __future__ import annotations

import re

_PREFIX = re.compile(r"^\s*(?:EX(?:HIBIT)?\b[-.\s]*(?:NO\.?\s*)?)", re.I)
_PART = re.compile(r"[a-z0-9]+", re.I)


def exhibit_key(text: str | None) -> str | None:
    """'EX-99.01' -> '99.1', '99(a)' -> '99.a', 'EX-101.SCH' -> '101.sch'; None when no number leads."""
    parts = _PART.findall(_PREFIX.sub("", text or ""))
    if not parts or not parts[0].isdigit():
        return None
    return ".".join((p.lstrip("0") or "0") if p.isdigit() else p.lower() for p in parts)


def _major(key: str) -> str:
    return key.split(".", 1)[0]


def link_documents(exhibits: list[dict], documents: list[dict]) -> None:
    """Set document_sequence on each exhibit row (None when no document of the submission carries it)."""
    by_filename = {d["filename"].lower(): d["sequence"] for d in documents if d.get("filename")}
    by_key: dict[str, list[int]] = {}
    for d in documents:
        if (d.get("document_type") or "").upper().startswith("EX-") and (key := exhibit_key(d["document_type"])):
            by_key.setdefault(key, []).append(d["sequence"])
    exhibit_keys = [exhibit_key(row["exhibit_number"]) for row in exhibits]
    for row, key in zip(exhibits, exhibit_keys):
        sequence = by_filename.get((row.get("document_filename") or "").lower())
        if sequence is None and key in by_key and len(by_key[key]) == 1:
            sequence = by_key[key][0]
        if sequence is None and key:
            # "Exhibit 99" in the index filed as EX-99.1 (or the reverse): only when the major number is unambiguous.
            documents_of_major = [s for k, seqs in by_key.items() if _major(k) == _major(key) for s in seqs]
            exhibits_of_major = [k for k in exhibit_keys if k and _major(k) == _major(key)]
            if len(documents_of_major) == 1 and len(exhibits_of_major) == 1:
                sequence = documents_of_major[0]
        row["document_sequence"] = sequence
