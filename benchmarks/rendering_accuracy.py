"""Field accuracy of renderings of Forms 3/4 against their XML, per converter.

    python -m benchmarks.rendering_accuracy [RENDERINGS_DIR] [-v] [--fields] [--no-variations]

`../shared/renderings/<converter>/<name>.<ext>` is a rendering (EDGAR's legacy
stylesheet page, as HTML or printed to PDF, through a converter) of
`../shared/corpus/ownership_xml/<name>.xml`, its truth. Every rendering is read
through the registry, as a user's file would be; the XML through the ownership
XML reader. Per converter this counts quarantined files, the fields compared and
matched, and the filings whose row counts per table equal the XML's.

Compared fields are those the renderings print: security title, dates, code,
shares, price, A/D, shares owned after, direct/indirect, exercise price,
exercise and expiration dates, underlying title and shares, owner names,
relationship flags, officer title, and the number of footnotes. What a layout
cannot carry is not compared when the rendering leaves it null (never guessed):
numbers are compared as the page prints them (`format-number(., '###,##0.####')`:
rounded to four decimals), the legacy Form 4 page checks relationship boxes for
the first owner only, and Table II's A/D is printed only as the column holding
the number, which text without column positions loses; the Reporting Owners
table prints the officer's title and the 'other' text but no mark, so an empty
Officer or Other cell leaves is_officer / is_other null.

The same pages are also rendered here with other tools and widths (`VARIATIONS`:
w3m at 100 and 300 columns, lynx, pdftotext without -layout) where those tools are
installed.

Used by tests/integration/test_rendering_accuracy.py (targets asserted) and by
`make bench` (benchmarks/__main__.py prints the table).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from transforms import ownership_xml, registry
from transforms.errors import ParseError
from transforms.model import ParsedFiling

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
RENDERINGS = SHARED / "renderings"
TRUTH = SHARED / "corpus" / "ownership_xml"
# Folders of renderings that are read (pdf/ holds the PDFs the PDF converters read; xsl/ the stylesheets).
NOT_RENDERINGS = frozenset({"pdf", "xsl"})

TARGET_ACCURACY = 0.995
TARGET_EXACT_ROWS = 0.99

_ROW_TABLES = {
    "nonderiv_transactions": ("security_title", "transaction_date", "transaction_code", "shares", "price_per_share",
                              "acquired_disposed", "shares_owned_after", "direct_indirect"),
    "nonderiv_holdings": ("security_title", "shares_owned_after", "direct_indirect"),
    "deriv_transactions": ("security_title", "conversion_or_exercise_price", "transaction_date", "transaction_code",
                           "shares", "acquired_disposed", "exercise_date", "expiration_date", "underlying_title",
                           "underlying_shares", "shares_owned_after", "direct_indirect"),
    "deriv_holdings": ("security_title", "conversion_or_exercise_price", "exercise_date", "expiration_date",
                       "underlying_title", "underlying_shares", "shares_owned_after", "direct_indirect"),
    "reporting_owners": ("owner_name", "is_director", "is_officer", "is_ten_percent_owner", "is_other",
                         "officer_title"),
}
_FLAGS = ("is_director", "is_officer", "is_ten_percent_owner", "is_other")
_FOUR_PLACES = Decimal("0.0001")


@dataclass
class FileResult:
    name: str
    error: str | None = None  # quarantine code
    fields: int = 0
    matched: int = 0
    rows_exact: bool = False
    misses: list[str] = field(default_factory=list)
    missed: Counter = field(default_factory=Counter)  # fields missed per 'table.column', row counts per table


@dataclass
class ConverterResult:
    converter: str
    files: list[FileResult] = field(default_factory=list)

    @property
    def quarantined(self) -> list[FileResult]:
        return [f for f in self.files if f.error is not None]

    @property
    def fields(self) -> int:
        return sum(f.fields for f in self.files)

    @property
    def accuracy(self) -> float:
        return sum(f.matched for f in self.files) / self.fields if self.fields else 0.0

    @property
    def missed(self) -> Counter:
        """Fields missed per 'table.column' (and 'table.rows' for row counts) over every file."""
        return sum((f.missed for f in self.files), Counter())

    @property
    def exact_rows(self) -> float:
        return sum(f.rows_exact for f in self.files) / len(self.files) if self.files else 0.0

    def meets_targets(self) -> bool:
        return not self.quarantined and self.accuracy >= TARGET_ACCURACY and self.exact_rows >= TARGET_EXACT_ROWS


def _printed(value):
    """A value as the page prints it: numbers rounded to four places, text with collapsed spaces."""
    if isinstance(value, Decimal):
        return value.quantize(_FOUR_PLACES, rounding=ROUND_HALF_EVEN).normalize()
    if isinstance(value, str):
        return " ".join(value.split())
    return value


def _not_carried(table: str, column: str, index: int, form_type: str, got) -> bool:
    """Fields the layout cannot carry, skipped when the rendering leaves them null."""
    if got is not None:
        return False
    if table == "reporting_owners" and column in _FLAGS and index > 0 and form_type.startswith("4"):
        return True
    if table == "deriv_transactions" and column == "acquired_disposed":
        return True
    # The Reporting Owners table prints an officer's title and the 'other' text, never a mark:
    # an empty cell there cannot say whether the owner is an officer (or 'other').
    if table == "reporting_owners" and column in ("is_officer", "is_other"):
        return True
    return False


def compare(truth: ParsedFiling, got: ParsedFiling, name: str = "") -> FileResult:
    """Fields matched between a rendering's rows and its XML's, table by table, rows in order."""
    result = FileResult(name)
    exact = True
    form_type = truth.filing.get("form_type") or ""
    for table, columns in _ROW_TABLES.items():
        want, have = truth.rows.get(table, []), got.rows.get(table, [])
        if len(want) != len(have):
            exact = False
            result.missed[f"{table}.rows"] += 1
            result.misses.append(f"{table}: {len(have)} rows, XML {len(want)}")
        for index, expected in enumerate(want):
            row = have[index] if index < len(have) else {}
            for column in columns:
                w, g = _printed(expected.get(column)), _printed(row.get(column))
                if w is None and column in _FLAGS:
                    w = False  # an XML flag left out is an unchecked box on the page
                if w is None and g is None:
                    continue
                if w != g and _not_carried(table, column, index, form_type, g):
                    continue
                result.fields += 1
                if w == g:
                    result.matched += 1
                    continue
                result.missed[f"{table}.{column}"] += 1
                if len(result.misses) < 20:
                    result.misses.append(f"{table}[{index}].{column}: {g!r}, XML {w!r}")
    result.fields += 1
    if len(truth.rows.get("footnotes", [])) == len(got.rows.get("footnotes", [])):
        result.matched += 1
    else:
        result.missed["footnotes.count"] += 1
        result.misses.append(f"footnotes: {len(got.rows.get('footnotes', []))}, XML "
                             f"{len(truth.rows.get('footnotes', []))}")
    result.rows_exact = exact
    return result


def read_rendering(text: str) -> ParsedFiling:
    """A rendering read as any user file is: the registry picks the reader."""
    filings = registry.reader_for(text).read(text)
    if len(filings) != 1:
        raise ParseError("unrecognized_format", f"{len(filings)} filings in one rendering")
    return filings[0]


def converters(root: Path = RENDERINGS) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name not in NOT_RENDERINGS)


def measure_text(converter: str, name: str, text: str, truth_text: str) -> FileResult:
    truth = ownership_xml.read(truth_text)[0]
    try:
        got = read_rendering(text)
    except ParseError as e:
        return FileResult(name, error=f"{e.code}: {e.detail[:160]}")
    return compare(truth, got, name)


def measure(converter: str, root: Path = RENDERINGS, truth_dir: Path = TRUTH) -> ConverterResult:
    result = ConverterResult(converter)
    for path in sorted((root / converter).iterdir()):
        truth_path = truth_dir / (path.stem + ".xml")
        if not truth_path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        result.files.append(measure_text(converter, path.stem, text, truth_path.read_text(encoding="utf-8")))
    return result


# Renderings made here, from the same HTML pages and PDFs, with other tools and widths: the
# reader must read the layout, not the quirks of the converters the shared set was made with.
VARIATIONS = {
    "w3m-cols100": ("html", ["w3m", "-dump", "-cols", "100", "-T", "text/html", "{src}"]),
    "w3m-cols300": ("html", ["w3m", "-dump", "-cols", "300", "-T", "text/html", "{src}"]),
    "lynx-width160": ("html", ["lynx", "-dump", "-width=160", "-nolist", "-force_html", "{src}"]),
    "pdftotext-raw": ("pdf", ["pdftotext", "{src}", "-"]),
}


def make_variation(name: str, root: Path, out: Path) -> bool:
    """Render every page of `root`/html (or PDF of `root`/pdf) with the variation's tool into
    `out`/name; False when the tool is not installed."""
    source, command = VARIATIONS[name]
    if shutil.which(command[0]) is None:
        return False
    target = out / name
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted((root / source).iterdir()):
        args = [a.replace("{src}", str(path)) for a in command]
        done = subprocess.run(args, capture_output=True, timeout=60, check=False)
        (target / (path.stem + ".txt")).write_bytes(done.stdout)
    return True


def measure_variations(root: Path = RENDERINGS, names=tuple(VARIATIONS)) -> list[ConverterResult]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            if make_variation(name, root, Path(tmp)):
                results.append(measure(name, Path(tmp)))
    return results


def table_lines(results: list[ConverterResult]) -> list[str]:
    lines = [f"{'converter':<18} {'files':>5} {'quarantined':>11} {'fields':>7} {'accuracy':>9} {'exact rows':>10}  status"]
    for r in results:
        lines.append(f"{r.converter:<18} {len(r.files):>5} {len(r.quarantined):>11} {r.fields:>7} "
                     f"{r.accuracy:>9.2%} {r.exact_rows:>10.1%}  {'ok' if r.meets_targets() else 'MISS'}")
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    paths = [a for a in argv if not a.startswith("-")]
    root = Path(paths[0]) if paths else RENDERINGS
    if not root.is_dir():
        print(f"no renderings at {root}")
        return 0
    results = [measure(c, root) for c in converters(root)]
    if "--no-variations" not in argv:
        results += measure_variations(root)
    print("\n".join(table_lines(results)))
    if "--fields" in argv:  # where each converter misses: the fields missed most, per converter
        for r in results:
            if r.missed:
                print(f"{r.converter}: " + ", ".join(f"{key} {n}" for key, n in r.missed.most_common(8)))
    if "-v" in argv:
        for r in results:
            for f in r.files:
                if f.error or f.misses:
                    print(r.converter, f.name, f.error or "; ".join(f.misses[:6]))
    return 0 if all(r.meets_targets() for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
