"""EDGAR daily form index files (`form.YYYYMMDD.idx`) and the archive layout. Pure.

An index lists one row per filing and filer: Form Type, Company Name, CIK,
Date Filed, File Name (`edgar/data/<cik>/<accession>.txt`). The column widths
changed over the years, newer files wrap the header line, and a long company
name runs into the CIK with no space between them; so a row is read from the
right: file name, date, then the CIK that the file name also holds, and the
form type is separated from the company name by a run of spaces."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

INDEX_NAME = re.compile(r"^form\.(\d{8})\.idx$")
_FILE_NAME = re.compile(r"^edgar/data/(\d+)/(\d{10}-\d{2}-\d{6})\.txt$")
_ROW = re.compile(r"^(?P<left>.*\S)\s+(?P<date>\d{8}|\d{4}-\d{2}-\d{2})\s+(?P<file>\S+)\s*$")


@dataclass(frozen=True)
class IndexEntry:
    form_type: str
    company_name: str
    cik: str
    date_filed: dt.date
    file_name: str  # archive path, relative to the archive root: edgar/data/<cik>/<accession>.txt

    @property
    def accession(self) -> str:
        return _FILE_NAME.match(self.file_name).group(2)


def parse_form_index(text: str) -> list[IndexEntry]:
    """Rows of a daily form index, in file order. Lines that are not filing rows
    (the preamble, the header, the dashed rule) are skipped."""
    lines = text.splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if line.startswith("---")), 0)
    entries = []
    for line in lines[start:]:
        match = _ROW.match(line)
        file_name = match and _FILE_NAME.match(match["file"])
        if not file_name or not match["left"].endswith(cik := file_name.group(1)):
            continue
        form_type, company = _split_form_and_company(match["left"][:-len(cik)])
        entries.append(IndexEntry(form_type, company, cik, _date(match["date"]), match["file"]))
    return entries


def _split_form_and_company(left: str) -> tuple[str, str]:
    # Form types hold single spaces ("SC 13G/A"), so two or more spaces end them.
    parts = re.split(r"\s{2,}", left.strip(), maxsplit=1)
    if len(parts) == 2:
        return parts[0], parts[1].strip()
    form_type, _, company = left.strip().partition(" ")
    return form_type, company.strip()


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text if "-" in text else f"{text[:4]}-{text[4:6]}-{text[6:]}")


def index_date(name: str) -> dt.date | None:
    """The day of `form.YYYYMMDD.idx`, or None for any other file name."""
    match = INDEX_NAME.match(name)
    return _date(match.group(1)) if match else None


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarters_between(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    year, qtr = quarter_of(first)
    end = quarter_of(last)
    found = []
    while (year, qtr) <= end:
        found.append((year, qtr))
        year, qtr = (year + 1, 1) if qtr == 4 else (year, qtr + 1)
    return found


def quarter_end(year: int, qtr: int) -> dt.date:
    return (dt.date(year + 1, 1, 1) if qtr == 4 else dt.date(year, 3 * qtr + 1, 1)) - dt.timedelta(days=1)


def quarter_folder(year: int, qtr: int) -> str:
    return f"edgar/daily-index/{year}/QTR{qtr}"


def index_path(day: dt.date) -> str:
    return f"{quarter_folder(*quarter_of(day))}/form.{day:%Y%m%d}.idx"
