"""Reading speed of the real renderings, per converter: filings per CPU-second.

    python -m benchmarks.rendering_speed [CONVERTER ...] [--rounds N]

Each converter's files of `../shared/renderings/<converter>/` that a reader accepts are read
with `transforms.registry.read_bytes`, in rounds with the readers' memos emptied before each
(`parse_speed.forget_reader_caches`), after one warm-up round; the best round is reported, so
a round slowed by another process on a shared machine does not decide the figure. Quicker
than `make bench` (section 3 measures the same files) when comparing two versions of a reader.
"""
from __future__ import annotations

import argparse
import time

from benchmarks import parse_speed, rendering_accuracy


def rates(converter: str, rounds: int = 3) -> dict[str, tuple[int, float]]:
    """Per format a reader reports for the converter's files: (files, filings per CPU-second)."""
    groups, _ = parse_speed.group_by_reader(parse_speed.corpus_files(rendering_accuracy.RENDERINGS / converter))
    out = {}
    for fmt, items in groups.items():
        parse_speed.read_all(items)  # warm-up: imports, regex compilation
        best = float("inf")
        for _ in range(rounds):
            parse_speed.forget_reader_caches()
            cpu0 = time.process_time()
            parse_speed.read_all(items)
            best = min(best, max(time.process_time() - cpu0, 1e-9))
        out[fmt] = (len(items), len(items) / best)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("converters", nargs="*", help="folders of ../shared/renderings (default: all)")
    ap.add_argument("--rounds", type=int, default=3, help="timed rounds per converter (best is reported)")
    args = ap.parse_args(argv)
    if not rendering_accuracy.RENDERINGS.is_dir():
        print(f"no shared renderings at {rendering_accuracy.RENDERINGS}: nothing to measure")
        return 0
    for converter in args.converters or rendering_accuracy.converters():
        for fmt, (files, rate) in rates(converter, args.rounds).items():
            print(f"{converter:20s} {fmt:26s} {files:4d} files {rate:8,.0f} filings/CPU-s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
