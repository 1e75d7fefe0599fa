"""Synthetic filings with known truth for tests: the benchmark generator's corpus, reached
through this module only, so tests take no data from benchmarks/ directly."""
from __future__ import annotations

from benchmarks.generator import KEYS, KINDS, TRUTH_COLUMNS, GeneratedFiling, generate, write_corpus

__all__ = ["KEYS", "KINDS", "TRUTH_COLUMNS", "GeneratedFiling", "generate", "write_corpus"]
