"""Synthetic filings with known truth, for tests and benchmarks: a corpus of every kind the
generator plans (tests/support/generator.py) and its renderings print
(tests/support/generated_renderings.py).

API: generate(n, seed, kinds=..., start=0) -> Iterator[GeneratedFiling];
write_corpus(folder, n, seed, kinds=...) -> list[Path]."""
from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from pathlib import Path

from tests.support.generated_renderings import legacy_ascii, text_rendering
from tests.support.generator import (KEYS, KINDS, TRUTH_COLUMNS, GeneratedFiling, finish_truth, ascii_8k,
                                     ownership_xml, sgml_submission)

__all__ = ["KEYS", "KINDS", "TRUTH_COLUMNS", "GeneratedFiling", "generate", "write_corpus"]


# --- the corpus -----------------------------------------------------------------------

_EXTENSIONS = {"ownership_xml": "xml", "sgml_submission": "txt", "ascii_8k": "txt", "ownership_text_rendering": "txt",
               "legacy_ascii_ownership": "txt"}


_BUILDERS = {"ownership_xml": ownership_xml, "sgml_submission": sgml_submission, "ascii_8k": ascii_8k,
             "ownership_text_rendering": text_rendering, "legacy_ascii_ownership": legacy_ascii}


# Share of filings with tens of rows. The shared corpus of real filings has 3 rows per
# Form 3/4/5 on average (median 2) and 1.2% with 20 rows or more; 3% keeps the generated
# corpus somewhat heavier than that (see docs/performance.md).
_LARGE_SHARE = 0.03


def _size(rng: random.Random, huge: bool) -> str:
    r = rng.random()
    if huge:
        return "huge"
    if r < _LARGE_SHARE:
        return "large"
    return "small"


def generate(n: int, seed: int, kinds: Iterable[str] = KINDS, *, huge_every: int = 150,
             start: int = 0) -> Iterator[GeneratedFiling]:
    """Filings start..n-1 cycling through `kinds`; the same (n, seed, kinds) gives the same
    bytes, and filing i is the same whatever n and start are.

    One filing in huge_every of each kind is very large (hundreds of
    transactions, or many long items for an 8-K); the kinds take turns, so a
    mixed corpus has one every huge_every / len(kinds) filings. huge_every=0
    turns them off. About 3% of the others are "large" (tens of rows)."""
    kinds = tuple(kinds)
    unknown = set(kinds) - set(KINDS)
    if unknown or not kinds:
        raise ValueError(f"unknown kinds {sorted(unknown)}; kinds are {', '.join(KINDS)}")
    for i in range(start, n):
        k = i % len(kinds)
        kind = kinds[k]
        rng = random.Random(f"{seed}:{i}:{kind}")  # each filing has its own stream: filing i never depends on n
        huge = bool(huge_every) and (i // len(kinds) + 1 + k * huge_every // len(kinds)) % huge_every == 0
        result = _BUILDERS[kind](rng, _size(rng, huge))
        text, truth, filing = result[:3]
        yield GeneratedFiling(name=f"{i:06d}_{kind}.{_EXTENSIONS[kind]}", kind=kind, data=text.encode("utf-8"),
                              truth=finish_truth(truth, filing), filing=filing)


def write_corpus(folder: str | Path, n: int, seed: int, kinds: Iterable[str] = KINDS, *,
                 huge_every: int = 150) -> list[Path]:
    """Write n generated filings into folder (created if needed); returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for g in generate(n, seed, kinds, huge_every=huge_every):
        path = folder / g.name
        path.write_bytes(g.data)
        paths.append(path)
    return paths
