"""The EDGAR submission header, in both of its spellings, as one structure.

EDGAR writes the same header two ways: the `.txt` full submission spells it
as indented `KEY: value` lines (`COMPANY CONFORMED NAME:`), the dissemination
`.nc` file and index pages as leaf tags without closing tags
(`<CONFORMED-NAME>`) inside closed block tags (`<FILER>...</FILER>`). 1990s
headers mix the two (`<REPORTING-OWNER>` around `COMPANY DATA:` lines). Every
line is turned into a tag name first, so one line scan reads all layouts.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

from transforms.values import clean_text, pad_cik, parse_date, state_code

EDGAR_TIME_ZONE = ZoneInfo("America/New_York")

# Classic `KEY:` spellings whose tag name is not the key with dashes for spaces.
_CLASSIC_TO_TAG = {
    "CONFORMED SUBMISSION TYPE": "TYPE",
    "CONFORMED PERIOD OF REPORT": "PERIOD",
    "ITEM INFORMATION": "ITEMS",
    "FILED AS OF DATE": "FILING-DATE",
    "DATE AS OF CHANGE": "DATE-OF-FILING-DATE-CHANGE",
    "COMPANY CONFORMED NAME": "CONFORMED-NAME",
    "CENTRAL INDEX KEY": "CIK",
    "STANDARD INDUSTRIAL CLASSIFICATION": "ASSIGNED-SIC",
    "SEC ACT": "ACT",
    "SEC FILE NUMBER": "FILE-NUMBER",
    "BUSINESS PHONE": "PHONE",
    "STREET 1": "STREET1",
    "STREET 2": "STREET2",
    "DATE OF NAME CHANGE": "DATE-CHANGED",
}

# Fields of the submission itself: never part of a company block, wherever they stand.
_SUBMISSION_FIELDS = frozenset({
    "ACCESSION-NUMBER", "TYPE", "PUBLIC-DOCUMENT-COUNT", "PERIOD", "ITEMS", "FILING-DATE",
    "DATE-OF-FILING-DATE-CHANGE", "EFFECTIVENESS-DATE", "ACCEPTANCE-DATETIME", "GROUP-MEMBERS",
    "SROS", "PAPER",
})
_LIST_FIELDS = frozenset({"ITEMS", "GROUP-MEMBERS"})
# No header we have seen gives it; DATE OF ORIGINAL SUBMISSION and <DATE-OF-ORIG-SUB> both start so.
_ORIGINAL_SUBMISSION_DATE = "DATE-OF-ORIG"

COMPANY_ROLES = {
    "FILER": "filer",
    "SUBJECT-COMPANY": "subject_company",
    "ISSUER": "issuer",
    "REPORTING-OWNER": "reporting_owner",
    "FILED-BY": "filed_by",
}
_SECTIONS = frozenset({
    "COMPANY-DATA", "OWNER-DATA", "FILING-VALUES", "BUSINESS-ADDRESS", "MAIL-ADDRESS",
    "FORMER-COMPANY", "FORMER-NAME",
})
_DATA_SECTIONS = ("COMPANY-DATA", "OWNER-DATA")

_TAG_LINE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]{0,80})>(.*)")
_CLASSIC_KEY = re.compile(r"[A-Z][A-Z0-9 /&.()-]{0,80}")
_SIC_CODE = re.compile(r"\[(\d{3,4})\]")


def eastern_to_utc(value: str | None) -> dt.datetime | None:
    """EDGAR's YYYYMMDDHHMMSS acceptance time is US Eastern wall time."""
    value = clean_text(value)
    if not value or len(value) != 14 or not value.isdigit():
        return None
    try:  # fixed positions: what strptime reads too whenever they make a valid time, at a tenth of the cost
        if not value.isascii():
            raise ValueError("strptime reads ASCII digits only")
        local = dt.datetime(int(value[:4]), int(value[4:6]), int(value[6:8]), int(value[8:10]), int(value[10:12]),
                            int(value[12:]), tzinfo=EDGAR_TIME_ZONE)
    except ValueError:
        try:
            local = dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=EDGAR_TIME_ZONE)
        except ValueError:
            return None
    return local.astimezone(dt.timezone.utc)


@dataclass
class HeaderCompany:
    """One FILER / SUBJECT COMPANY / ISSUER / REPORTING-OWNER / FILED BY block."""

    block: str
    fields: dict[tuple[str | None, str], str] = field(default_factory=dict)
    former_names: list[str] = field(default_factory=list)
    relationships: list[str] = field(default_factory=list)

    @property
    def role(self) -> str:
        return COMPANY_ROLES[self.block]

    def get(self, key: str, *sections: str | None) -> str | None:
        fields = self.fields
        for section in sections:
            value = fields.get((section, key))
            if value and (value := " ".join(value.split())):  # clean_text, inlined: called ~20 times a company
                return value
        return None

    @property
    def cik(self) -> str | None:
        return pad_cik(self.get("CIK", *_DATA_SECTIONS))

    @property
    def name(self) -> str | None:
        return self.get("CONFORMED-NAME", *_DATA_SECTIONS)

    def sic(self) -> str | None:
        # Classic headers write 'METALWORKING MACHINERY & EQUIPMENT [3540]', tags '3540', none ' []'.
        raw = self.get("ASSIGNED-SIC", *_DATA_SECTIONS)
        if raw is None:
            return None
        if m := _SIC_CODE.search(raw):
            return m.group(1)
        return raw if raw.isdigit() else None

    def to_row(self, company_index: int) -> dict:
        """A `filing_companies` row (without filing_id)."""
        address = "BUSINESS-ADDRESS"
        return {
            "company_index": company_index,
            "role": self.role,
            "cik": self.cik,
            "name": self.name,
            "ticker": None,
            "state_of_incorporation": state_code(self.get("STATE-OF-INCORPORATION", *_DATA_SECTIONS)),
            "sec_file_number": self.get("FILE-NUMBER", "FILING-VALUES"),
            "irs_number": self.get("IRS-NUMBER", *_DATA_SECTIONS),
            "sic": self.sic(),
            "fiscal_year_end": self.get("FISCAL-YEAR-END", *_DATA_SECTIONS),
            "street1": self.get("STREET1", address),
            "street2": self.get("STREET2", address),
            "city": self.get("CITY", address),
            "state": self.get("STATE", address),
            "zip": self.get("ZIP", address),
            "phone": self.get("PHONE", address),
            "former_names": list(self.former_names),
        }


@dataclass
class SubmissionHeader:
    """Everything the header says, with typed accessors for what filings need."""

    fields: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    companies: list[HeaderCompany] = field(default_factory=list)

    def _field(self, key: str) -> str | None:
        return clean_text(self.fields.get(key))

    @property
    def accession_number(self) -> str | None:
        return self._field("ACCESSION-NUMBER")

    @property
    def form_type(self) -> str | None:
        value = self._field("TYPE")
        return value.upper() if value else None

    @property
    def document_count(self) -> int | None:
        value = self._field("PUBLIC-DOCUMENT-COUNT")
        return int(value) if value and value.isdigit() else None

    @property
    def period_of_report(self) -> dt.date | None:
        return parse_date(self._field("PERIOD"))

    @property
    def filed_date(self) -> dt.date | None:
        return parse_date(self._field("FILING-DATE"))

    @property
    def acceptance_datetime(self) -> dt.datetime | None:
        return eastern_to_utc(self._field("ACCEPTANCE-DATETIME"))

    @property
    def date_of_original_submission(self) -> dt.date | None:
        for key, value in self.fields.items():
            if key.startswith(_ORIGINAL_SUBMISSION_DATE):
                return parse_date(clean_text(value))
        return None

    @property
    def items(self) -> list[str]:
        return list(self.lists.get("ITEMS", []))

    def companies_in(self, *roles: str) -> list[HeaderCompany]:
        return [c for c in self.companies if c.role in roles]


@lru_cache(maxsize=16384)
def _line_key(line: str) -> tuple[str, str, bool, bool, bool] | None:
    """(tag name, value, closing, is_tag, indented) of one header line, None for a line that
    says nothing. Cached: most lines of a header are the same in every filing."""
    stripped = line.strip()
    if not stripped:
        return None
    indented = line[0] in " \t"
    if stripped[0] == "<":
        m = _TAG_LINE.match(stripped)
        if not m:
            return None
        closing, name, value = m.groups()
        value = value.split("</", 1)[0]  # a leaf some writers close on the same line
        return name.upper(), value.strip(), bool(closing), True, indented
    raw_key, colon, value = stripped.partition(":")
    if not colon or (key := _classic_tag(raw_key)) is None:
        return None
    return key, value.strip(), False, False, indented


@lru_cache(maxsize=4096)
def _classic_tag(raw_key: str) -> str | None:
    """The tag name of a classic `KEY:` (None if the text before the colon is not a key).
    Cached: every header repeats the same few dozen keys."""
    key = " ".join(raw_key.split())
    if not _CLASSIC_KEY.fullmatch(key):
        return None
    return _CLASSIC_TO_TAG.get(key, key.replace(" ", "-"))


def parse_header(text: str) -> SubmissionHeader:
    """Read the lines of a `<SEC-HEADER>` / `<SUBMISSION>` header (either spelling).

    Never raises: unknown lines are skipped, so the caller decides what a
    header must hold."""
    header = SubmissionHeader()
    company: HeaderCompany | None = None
    ignored_block = False  # inside a block of a role filings do not record
    section: str | None = None
    for line in text.split("\n"):
        parsed = _line_key(line)
        if parsed is None:
            continue
        key, value, closing, is_tag, indented = parsed
        if closing:
            if key in COMPANY_ROLES:
                company, section, ignored_block = None, None, False
            elif key == section:
                section = None
            continue
        if key in _SUBMISSION_FIELDS or key.startswith(_ORIGINAL_SUBMISSION_DATE):
            if key in _LIST_FIELDS:
                if value:
                    header.lists.setdefault(key, []).append(value)
            else:
                header.fields.setdefault(key, value)
        elif key in COMPANY_ROLES and not value:
            company, section, ignored_block = HeaderCompany(key), None, False
            header.companies.append(company)
        elif key in _SECTIONS and not value:
            section = key
        elif not value and not is_tag and not indented:
            # A classic top-level block of a kind filings do not record (SERIES...): skip its lines.
            company, section, ignored_block = None, None, True
        elif company is not None:
            if key == "FORMER-CONFORMED-NAME":
                if value:
                    company.former_names.append(" ".join(value.split()))
            elif key == "RELATIONSHIP":
                if value:
                    company.relationships.append(value)
            else:
                company.fields.setdefault((section, key), value)
        elif not ignored_block:
            header.fields.setdefault(key, value)
    return header
