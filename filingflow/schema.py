"""Every table of filingflow, described once.

Parquet schemas, DuckDB DDL, the data dictionary (docs/schema.md) and the
basic Great Expectations suites (keys unique and not null, codes in their
allowed sets) are all derived from the definitions below.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from types import MappingProxyType

import pyarrow as pa

from filingflow.error_codes import ERROR_CODES
from filingflow.reference import TRANSACTION_CODE_SET

# Shares and prices are exact: balances must add up to the last digit.
# Scale 8 keeps every fractional share and sub-cent price seen in real filings.
DECIMAL = pa.decimal128(38, 8)

_DUCKDB_TYPES = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.bool_(): "BOOLEAN",
    pa.date32(): "DATE",
    pa.float64(): "DOUBLE",
    pa.timestamp("us", tz="UTC"): "TIMESTAMPTZ",
    pa.list_(pa.string()): "VARCHAR[]",
    DECIMAL: "DECIMAL(38, 8)",
}


class UnknownColumns(ValueError):
    """A row names a column its table does not have (a misspelling would otherwise load as null)."""


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    nullable: bool = True
    allowed: tuple[str, ...] | None = None

    @property
    def duckdb_type(self) -> str:
        return _DUCKDB_TYPES[self.type]


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    # "filing": rows belong to one filing and are replaced with it;
    # "reference": fixed code lists; "operational": runs, ledger, quarantine;
    # "derived": rebuilt from the filing tables at every load (companies, search).
    kind: str = "filing"
    column_index: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_index", {c.name: c for c in self.columns})
        missing = set(self.primary_key) - set(self.column_index)
        if missing:
            raise ValueError(f"{self.name}: primary key names unknown columns {missing}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def arrow_schema(self) -> pa.Schema:
        return pa.schema(
            [
                pa.field(c.name, c.type, nullable=c.nullable, metadata={"description": c.description})
                for c in self.columns
            ],
            metadata={"table": self.name, "description": self.description,
                      "primary_key": ",".join(self.primary_key)},
        )

    def ddl(self) -> str:
        # No PRIMARY KEY constraint: keys make DuckDB loads many times slower;
        # the derived expectations check uniqueness instead.
        cols = ",\n  ".join(
            f'"{c.name}" {c.duckdb_type}{"" if c.nullable else " NOT NULL"}' for c in self.columns
        )
        return f'CREATE TABLE IF NOT EXISTS "{self.name}" (\n  {cols}\n)'

    def blank_row(self) -> dict:
        """A fresh row of this table: every column, each None."""
        return dict.fromkeys(self.column_index)

    def row(self, values: Mapping[str, object] = MappingProxyType({}), /, **more: object) -> dict:
        """A row of this table: the columns given (as a mapping and/or by name), every other one None.
        A name the table does not have raises, so a misspelled column fails where the row is made."""
        row = self.blank_row()
        row.update(values, **more)
        if len(row) != len(self.column_index):
            self.check_keys([row])
        return row

    def check_keys(self, rows: Iterable[dict]) -> None:
        """Raise UnknownColumns when a row has a key this table has no column for."""
        unknown = set().union(*rows) - self.column_index.keys()  # one pass in C, not a key check per row
        if unknown:
            raise UnknownColumns(f"rows for table {self.name} have keys it has no column for: "
                                 f"{', '.join(sorted(map(str, unknown)))}")

    def to_arrow(self, rows: list[dict]) -> pa.Table:
        """Column-wise conversion of row dicts; absent keys become nulls, unknown keys raise UnknownColumns."""
        self.check_keys(rows)
        # map(dict.get, ...) gathers a column in C: a comprehension costs a Python step per row and column.
        arrays = [pa.array(list(map(dict.get, rows, repeat(c.name))), type=c.type) for c in self.columns]
        return pa.Table.from_arrays(arrays, schema=self.arrow_schema())


def _column(name: str, type_: pa.DataType, description: str, *, required: bool = False,
            allowed: tuple[str, ...] | None = None) -> Column:
    return Column(name, type_, description, nullable=not required, allowed=allowed)


# Column types, named for what they hold.
TEXT, INT, BIGINT, BOOL, DATE = pa.string(), pa.int32(), pa.int64(), pa.bool_(), pa.date32()
TIMESTAMP = pa.timestamp("us", tz="UTC")
TEXT_LIST = pa.list_(pa.string())

FORM_TYPES_OWNERSHIP = ("3", "3/A", "4", "4/A", "5", "5/A")
ACQUIRED_DISPOSED = ("A", "D")
DIRECT_INDIRECT = ("D", "I")
SOURCE_FORMATS = (
    "ownership_text_rendering",
    "ascii_8k",
    "ownership_xml",
    "sgml_submission",
    "nc_submission",
    "legacy_ascii_ownership",
    "html_ownership",
    "html_8k",
    "text_8k",
    "header_only",
    "other_form",
)
SEVERITIES = ("error", "warn", "info")
QUARANTINE_STAGES = ("read", "decode", "sniff", "parse", "validate", "load")

FILING_ID = _column("filing_id", TEXT, "Accession number when known, else 'ff-' + hash of the normalized content.", required=True)
ROW_INDEX = _column("row_index", INT, "Position of the row in its table as filed (0-based; Table I and II count transactions and holdings together).", required=True)

_OWNERSHIP_ROW_COMMON = (
    FILING_ID,
    ROW_INDEX,
    _column("security_title", TEXT, "Title of the security as filed."),
)
_OWNERSHIP_NATURE = (
    _column("direct_indirect", TEXT, "Ownership form: D direct, I indirect.", allowed=DIRECT_INDIRECT),
    _column("nature_of_ownership", TEXT, "Nature of indirect beneficial ownership as filed."),
)
_TRANSACTION_COLUMNS = (
    _column("transaction_date", DATE, "Date of the transaction."),
    _column("deemed_execution_date", DATE, "Deemed execution date, if any."),
    _column("form_type_code", TEXT, "Form on which the transaction is coded (3, 4 or 5) when stated."),
    _column("transaction_code", TEXT, "SEC transaction code (see transaction_codes).", allowed=tuple(sorted(TRANSACTION_CODE_SET))),
    _column("equity_swap_involved", BOOL, "Whether an equity swap was involved (the V column in text filings marks a voluntary report instead)."),
    _column("is_voluntary", BOOL, "V: reported voluntarily."),
    _column("transaction_timeliness", TEXT, "E early, L late, when stated."),
    _column("shares", DECIMAL, "Number of securities acquired or disposed of."),
    _column("transaction_value", DECIMAL, "Total value of the transaction, when reported as a value instead of shares."),
    _column("price_per_share", DECIMAL, "Price per security; null when not given."),
    _column("acquired_disposed", TEXT, "A acquired, D disposed of.", allowed=ACQUIRED_DISPOSED),
    _column("shares_owned_after", DECIMAL, "Securities beneficially owned following the reported transaction(s)."),
    _column("value_owned_after", DECIMAL, "Value owned following the transaction, when reported as a value instead of shares."),
)
_DERIVATIVE_COLUMNS = (
    _column("conversion_or_exercise_price", DECIMAL, "Conversion or exercise price of the derivative security."),
    _column("exercise_date", DATE, "Date exercisable."),
    _column("expiration_date", DATE, "Expiration date."),
    _column("underlying_title", TEXT, "Title of the underlying security."),
    _column("underlying_shares", DECIMAL, "Amount or number of underlying shares."),
    _column("underlying_value", DECIMAL, "Value of underlying securities when reported as a value."),
)

TABLE_LIST: tuple[Table, ...] = (
    Table(
        "filings",
        "One row per filing: what was filed, when, by which company, from which file.",
        (
            FILING_ID,
            _column("accession_number", TEXT, "EDGAR accession number (0000000000-YY-NNNNNN) when the source states it."),
            _column("content_id", TEXT, "'ff-' + hash of the primary document's normalized text: the same filing read from different wrappers has the same content_id.", required=True),
            _column("form_type", TEXT, "Form type as filed (4, 4/A, 8-K, 13F-HR, ...).", required=True),
            _column("is_amendment", BOOL, "True for amendments (/A forms).", required=True),
            _column("filed_date", DATE, "Date the filing was filed (or dated, when no filing date is stated)."),
            _column("filed_date_source", TEXT, "Where filed_date comes from: 'header' (the SEC header's filing date), "
                    "'signature_date' (no header: the document's signature date stands in); when it is null, why: "
                    "'no_header' (a document read on its own, which states no filing date), 'header_without_date' "
                    "(the submission header gives none).",
                    allowed=("header", "signature_date", "no_header", "header_without_date")),
            _column("period_of_report", DATE, "Period of report: earliest transaction (Forms 3/4/5) or event date (8-K)."),
            _column("date_of_original_submission", DATE, "For amendments: date the amended filing was originally filed."),
            _column("acceptance_datetime", TIMESTAMP, "EDGAR acceptance timestamp when the header gives it."),
            _column("header_items", TEXT_LIST, "8-K items as the EDGAR header lists them (<ITEMS> codes or ITEM INFORMATION text)."),
            _column("company_id", TEXT, "Issuer or registrant (see companies)."),
            _column("issuer_name", TEXT, "Issuer or registrant name as filed."),
            _column("issuer_cik", TEXT, "Issuer or registrant CIK as filed (10 digits)."),
            _column("issuer_ticker", TEXT, "Issuer trading symbol as filed."),
            _column("not_subject_to_section16", BOOL, "Box: no longer subject to Section 16."),
            _column("no_securities_owned", BOOL, "Form 3: no securities beneficially owned."),
            _column("aff10b5_one", BOOL, "Transaction made under a Rule 10b5-1(c) plan."),
            _column("form3_holdings_reported", BOOL, "Form 5 box: Form 3 holdings reported."),
            _column("form4_transactions_reported", BOOL, "Form 5 box: Form 4 transactions reported."),
            _column("remarks", TEXT, "Remarks as filed."),
            _column("source_file", TEXT, "Path of the input file the filing was read from.", required=True),
            _column("source_sha256", TEXT, "SHA-256 of the input file's bytes.", required=True),
            _column("source_format", TEXT, "Reader that read the file.", required=True, allowed=SOURCE_FORMATS),
            _column("parser_version", TEXT, "filingflow parser version that produced the rows.", required=True),
            _column("run_id", TEXT, "Run that loaded the filing.", required=True),
            _column("loaded_at", TIMESTAMP, "When the filing was loaded.", required=True),
            _column("source_member", TEXT, "For a filing read from inside a zip or tar archive: the member's path in the "
                    "archive (source_file is the archive's). Null for a plain file or a gzip file."),
            _column("filing_key", TEXT, "'fk-' + hash of what the form itself says (form, period, issuer, owners, rows or items; "
                    "filingflow/accounting.py): files with the same key carry one filing."),
        ),
        ("filing_id",),
    ),
    Table(
        "filing_companies",
        "Every company a filing names (issuer, registrant, filer, subject company) with the facts it gives.",
        (
            FILING_ID,
            _column("company_index", INT, "Position of the company block in the filing.", required=True),
            _column("role", TEXT, "Role of the company in the filing.", required=True,
                    allowed=("issuer", "registrant", "filer", "subject_company", "reporting_owner", "filed_by")),
            _column("company_id", TEXT, "Resolved company (see companies)."),
            _column("cik", TEXT, "Central Index Key (10 digits)."),
            _column("name", TEXT, "Name as filed."),
            _column("ticker", TEXT, "Trading symbol."),
            _column("state_of_incorporation", TEXT, "Two-letter state or country code of incorporation."),
            _column("sec_file_number", TEXT, "Commission file number."),
            _column("irs_number", TEXT, "IRS employer identification number."),
            _column("sic", TEXT, "Standard industrial classification."),
            _column("fiscal_year_end", TEXT, "Fiscal year end (MMDD)."),
            _column("street1", TEXT, "Business address, street line 1."),
            _column("street2", TEXT, "Business address, street line 2."),
            _column("city", TEXT, "Business address, city."),
            _column("state", TEXT, "Business address, state."),
            _column("zip", TEXT, "Business address, ZIP code."),
            _column("phone", TEXT, "Business phone."),
            _column("former_names", TEXT_LIST, "Former names the filing lists for the company."),
        ),
        ("filing_id", "company_index"),
    ),
    Table(
        "companies",
        "One row per real company across forms, spellings and name changes.",
        (
            _column("company_id", TEXT, "Stable company id: 'cik:' + CIK when known, else 'name:' + normalized name.", required=True),
            _column("cik", TEXT, "Central Index Key (10 digits), when any filing gives it."),
            _column("name", TEXT, "Most recent name as filed."),
            _column("normalized_name", TEXT, "Name normalized for matching (case, punctuation, & = AND, CO = COMPANY...).", required=True),
            _column("ticker", TEXT, "Most recent trading symbol."),
            _column("state_of_incorporation", TEXT, "State or country of incorporation."),
            _column("sec_file_number", TEXT, "Commission file number."),
            _column("irs_number", TEXT, "IRS employer identification number."),
            _column("street1", TEXT, "Business address, street line 1."),
            _column("street2", TEXT, "Business address, street line 2."),
            _column("city", TEXT, "Business address, city."),
            _column("state", TEXT, "Business address, state."),
            _column("zip", TEXT, "Business address, ZIP code."),
            _column("phone", TEXT, "Business phone."),
            _column("other_names", TEXT_LIST, "Every other spelling and former name seen."),
            _column("filing_count", BIGINT, "Filings naming the company."),
        ),
        ("company_id",),
        kind="derived",
    ),
    Table(
        "company_names",
        "Every spelling of every company: names as filed (filings, headers, entity reporting owners) and the "
        "former names submission headers list. Rebuilt with companies.",
        (
            _column("company_id", TEXT, "Company (see companies).", required=True),
            _column("name", TEXT, "Name exactly as spelled (trimmed).", required=True),
            _column("normalized_name", TEXT, "Name normalized for matching."),
            _column("is_former_name", BOOL, "True when the spelling only appears as a former name (FORMER COMPANY in a "
                    "submission header), never as the name a filing was made under.", required=True),
            _column("source_filing_id", TEXT, "Earliest filing giving this spelling.", required=True),
            _column("first_seen", DATE, "Filing date of the earliest filing giving this spelling (for former names: "
                    "the earliest filing listing it)."),
            _column("last_seen", DATE, "Filing date of the latest filing giving this spelling."),
            _column("filing_count", BIGINT, "Filings giving this spelling."),
        ),
        ("company_id", "name"),
        kind="derived",
    ),
    Table(
        "company_keys",
        "What company resolution matches new mentions by: one row per company and key (its CIK, file numbers, "
        "IRS numbers, normalized names and tickers), the union of the keys of its mentions. Kept by each load "
        "and forget, so resolution joins new mentions to it instead of reading every stored mention.",
        (
            _column("company_id", TEXT, "Company (see companies).", required=True),
            _column("kind", TEXT, "What the key is.", required=True, allowed=("cik", "file", "irs", "name", "ticker")),
            _column("value", TEXT, "The key as resolution compares it: 10-digit CIK, file number as filed (trimmed), "
                    "IRS number's digits, normalized name, ticker in capitals.", required=True),
        ),
        ("company_id", "kind", "value"),
        kind="derived",
    ),
    Table(
        "reporting_owners",
        "Reporting persons of a Form 3/4/5 with address and relationship to the issuer.",
        (
            FILING_ID,
            _column("owner_index", INT, "Position of the owner in the filing.", required=True),
            _column("owner_cik", TEXT, "Owner CIK (10 digits)."),
            _column("owner_name", TEXT, "Owner name as filed."),
            _column("street1", TEXT, "Street line 1."),
            _column("street2", TEXT, "Street line 2."),
            _column("city", TEXT, "City."),
            _column("state", TEXT, "State."),
            _column("zip", TEXT, "ZIP code."),
            _column("state_description", TEXT, "State or country description for addresses outside the US, as filed."),
            _column("is_director", BOOL, "Owner is a director."),
            _column("is_officer", BOOL, "Owner is an officer."),
            _column("is_ten_percent_owner", BOOL, "Owner holds 10% or more."),
            _column("is_other", BOOL, "Other relationship."),
            _column("officer_title", TEXT, "Officer title as filed."),
            _column("other_text", TEXT, "Description of the other relationship."),
            _column("company_id", TEXT, "For owners that are entities (funds, LLCs, trusts, ...; see companies.ENTITY_WORDS): "
                    "the resolved company (owner CIK first, then name). Null for people."),
        ),
        ("filing_id", "owner_index"),
    ),
    Table(
        "nonderiv_transactions",
        "Table I transactions: non-derivative securities acquired or disposed of.",
        _OWNERSHIP_ROW_COMMON + _TRANSACTION_COLUMNS + _OWNERSHIP_NATURE,
        ("filing_id", "row_index"),
    ),
    Table(
        "nonderiv_holdings",
        "Table I holdings: non-derivative securities owned without a reported transaction.",
        _OWNERSHIP_ROW_COMMON + (
            _column("form_type_code", TEXT, "Form on which the holding is reported (3, 4 or 5) when stated."),
            _column("shares_owned_after", DECIMAL, "Securities beneficially owned."),
            _column("value_owned_after", DECIMAL, "Value owned, when reported as a value."),
        ) + _OWNERSHIP_NATURE,
        ("filing_id", "row_index"),
    ),
    Table(
        "deriv_transactions",
        "Table II transactions: options, warrants, convertibles acquired or disposed of.",
        _OWNERSHIP_ROW_COMMON + _DERIVATIVE_COLUMNS[:1] + _TRANSACTION_COLUMNS + _DERIVATIVE_COLUMNS[1:] + _OWNERSHIP_NATURE,
        ("filing_id", "row_index"),
    ),
    Table(
        "deriv_holdings",
        "Table II holdings: derivative securities owned without a reported transaction.",
        _OWNERSHIP_ROW_COMMON + _DERIVATIVE_COLUMNS + (
            _column("form_type_code", TEXT, "Form on which the holding is reported (3, 4 or 5) when stated."),
            _column("shares_owned_after", DECIMAL, "Derivative securities beneficially owned."),
            _column("value_owned_after", DECIMAL, "Value owned, when reported as a value."),
        ) + _OWNERSHIP_NATURE,
        ("filing_id", "row_index"),
    ),
    Table(
        "footnotes",
        "Footnotes (explanation of responses) of a filing.",
        (FILING_ID, _column("footnote_id", TEXT, "Footnote id as in the filing (F1, F2, ...).", required=True),
         _column("text", TEXT, "Footnote text.")),
        ("filing_id", "footnote_id"),
    ),
    Table(
        "footnote_refs",
        "A footnote mark linked to the exact field it sits on.",
        (
            FILING_ID,
            _column("table_name", TEXT, "Table of the row carrying the mark.", required=True,
                    allowed=("filings", "reporting_owners", "nonderiv_transactions", "nonderiv_holdings",
                        "deriv_transactions", "deriv_holdings")),
            _column("row_index", INT, "Row of that table (owner_index for reporting_owners, 0 for filings).", required=True),
            _column("field", TEXT, "Column the mark sits on.", required=True),
            _column("footnote_id", TEXT, "Footnote referred to.", required=True),
        ),
        ("filing_id", "table_name", "row_index", "field", "footnote_id"),
    ),
    Table(
        "signatures",
        "Signers of a filing.",
        (
            FILING_ID,
            _column("signature_index", INT, "Position of the signature.", required=True),
            _column("name", TEXT, "Signer's name, without '/s/' or 'By:' (transforms/signatures.py)."),
            _column("title", TEXT, "Signer's title, as printed apart or split off the signature ('..., Attorney-in-Fact')."),
            _column("as_filed", TEXT, "The signature as filed, before name and title were read from it."),
            _column("signed_date", DATE, "Date of signature."),
        ),
        ("filing_id", "signature_index"),
    ),
    Table(
        "report_items",
        "8-K items: what event the company reports, with its text.",
        (
            FILING_ID,
            _column("item_index", INT, "Position of the item in the filing.", required=True),
            _column("item_code", TEXT, "Item number as filed (5, 2.02...).", required=True),
            _column("item_code_current", TEXT, "Equivalent item under the numbering in force since 2004-08-23."),
            _column("numbering_era", TEXT, "Numbering the item code belongs to.", allowed=("pre_2004", "current")),
            _column("title", TEXT, "Official title of the item."),
            _column("title_as_filed", TEXT, "Heading text as printed in the filing."),
            _column("text", TEXT, "Text of the item, up to the next item or the signature block."),
        ),
        ("filing_id", "item_index"),
    ),
    Table(
        "exhibits",
        "Exhibits a filing lists.",
        (
            FILING_ID,
            _column("exhibit_number", TEXT, "Exhibit number (99.1...).", required=True),
            _column("description", TEXT, "Description from the exhibit index."),
            _column("document_filename", TEXT, "File the exhibit index links the exhibit to (href of an HTML 8-K), when it "
                    "links one: joins documents.filename, also of an exhibit stored as its own file."),
            _column("document_sequence", INT, "Sequence (documents.sequence, same filing_id) of the submission document "
                    "that carries the exhibit: the file the index links to, else the document of type EX-<number> "
                    "(EX-99.1, EX-99.01, EX-99.(1) and EX-99 alone for a lone 99.x are the same). Null when no document "
                    "of the submission carries it (embedded, incorporated by reference, or the 8-K read on its own)."),
        ),
        ("filing_id", "exhibit_number"),
    ),
    Table(
        "registered_securities",
        "Securities an 8-K cover lists as registered under Section 12(b) of the Exchange Act (the table on covers "
        "since 2019): one row per class and exchange.",
        (
            FILING_ID,
            _column("security_index", INT, "Position of the row in the cover's table.", required=True),
            _column("title", TEXT, "Title of the class as printed (wrapped lines joined)."),
            _column("trading_symbol", TEXT, "Trading symbol as printed (null when the cover prints none)."),
            _column("exchange", TEXT, "Name of the exchange on which the class is registered, as printed."),
        ),
        ("filing_id", "security_index"),
    ),
    Table(
        "documents",
        "Documents of a submission (the primary document and its exhibits).",
        (
            FILING_ID,
            _column("sequence", INT, "Document sequence number in the submission.", required=True),
            _column("document_type", TEXT, "<TYPE> of the document (4, 8-K, EX-99.1, GRAPHIC...)."),
            _column("filename", TEXT, "<FILENAME> of the document."),
            _column("description", TEXT, "<DESCRIPTION> of the document."),
            _column("size_bytes", BIGINT, "Size of the document text in bytes."),
            _column("reader", TEXT, "Reader that read the document (null when only listed)."),
            _column("text", TEXT, "Plain text of exhibit documents (EX-99.x) for full-text search."),
        ),
        ("filing_id", "sequence"),
    ),
    Table(
        "search_documents",
        "Texts for full-text search (8-K item text, exhibit text, ownership footnotes), one row per text; "
        "kept up to date with its FTS index (fts_main_search_documents) by every load.",
        (
            _column("doc_key", TEXT, "filing_id + ':' + kind + ':' + item_index / document sequence / footnote_id.", required=True),
            FILING_ID,
            _column("kind", TEXT, "What the text is.", required=True, allowed=("item", "exhibit", "footnote")),
            _column("section", TEXT, "Item code (2.02), document type (EX-99.1) or footnote id (F1)."),
            _column("company_id", TEXT, "The filing's company (see companies)."),
            _column("text", TEXT, "The searchable text.", required=True),
        ),
        ("doc_key",),
        kind="derived",
    ),
    # --- operational tables -------------------------------------------------
    Table(
        "ingest_ledger",
        "Every input file filingflow has seen, by content hash: what became of it.",
        (
            _column("source_file", TEXT, "Path of the input file.", required=True),
            _column("source_sha256", TEXT, "SHA-256 of the file's bytes.", required=True),
            _column("size_bytes", BIGINT, "File size.", required=True),
            _column("mtime_ns", BIGINT, "Modification time seen, to skip unchanged files without hashing."),
            _column("status", TEXT, "loaded; duplicate (same bytes as another file, or only filings another file carries "
                    "more exactly: see detail and filing_sources); quarantined (see quarantine); forgotten (`filingflow forget`: "
                    "read again only if it changes).", required=True,
                    allowed=("loaded", "quarantined", "duplicate", "forgotten")),
            _column("filing_ids", TEXT_LIST, "Filings loaded from the file."),
            _column("run_id", TEXT, "Run that ingested this version of the file.", required=True),
            _column("ingested_at", TIMESTAMP, "When.", required=True),
            _column("detail", TEXT, "For a duplicate: the file (and filing) it repeats."),
        ),
        ("source_file",),
        kind="operational",
    ),
    Table(
        "quarantine",
        "Input files that could not be read into rows, and why.",
        (
            _column("source_file", TEXT, "Path of the input file.", required=True),
            _column("source_sha256", TEXT, "SHA-256 of the file's bytes (null when unreadable)."),
            _column("stage", TEXT, "Step that failed.", required=True, allowed=QUARANTINE_STAGES),
            _column("error", TEXT, "Error code; docs/errors.md says what each means.", required=True,
                    allowed=tuple(ERROR_CODES)),
            _column("detail", TEXT, "What exactly was wrong.", required=True),
            _column("run_id", TEXT, "Run that quarantined the file.", required=True),
            _column("quarantined_at", TIMESTAMP, "When.", required=True),
        ),
        ("source_file",),
        kind="operational",
    ),
    Table(
        "filing_sources",
        "Every input file that carried a filing: the one its rows were read from, and the copies that repeat it.",
        (
            FILING_ID,
            _column("source_file", TEXT, "Path of the input file.", required=True),
            _column("source_format", TEXT, "Reader that read the file (null for a byte-identical copy, not read).",
                    allowed=SOURCE_FORMATS),
            _column("used", BOOL, "True for the file the filing's rows come from (the most exact copy).", required=True),
            _column("detail", TEXT, "For a copy not used: which filing and file it repeats, and whether its text differs."),
            _column("run_id", TEXT, "Run that read the file.", required=True),
        ),
        ("filing_id", "source_file"),
        kind="operational",
    ),
    Table(
        "runs",
        "One row per pipeline run with its counts.",
        (
            _column("run_id", TEXT, "Run id (UTC start time + random suffix).", required=True),
            _column("flow_run_id", TEXT, "Prefect flow run id."),
            _column("started_at", TIMESTAMP, "Start.", required=True),
            _column("finished_at", TIMESTAMP, "End."),
            _column("status", TEXT, "completed or failed.", required=True, allowed=("running", "completed", "failed")),
            _column("inputs", TEXT_LIST, "Input folders or files."),
            _column("files_seen", BIGINT, "Input files discovered."),
            _column("files_new", BIGINT, "New or changed files read this run."),
            _column("files_unchanged", BIGINT, "Files skipped as already ingested (same path and bytes)."),
            _column("files_loaded", BIGINT, "Files loaded into rows."),
            _column("files_quarantined", BIGINT, "Files quarantined this run."),
            _column("filings_loaded", BIGINT, "Filings loaded this run."),
            _column("rows_loaded", BIGINT, "Rows loaded across all filing tables."),
            _column("expectations_passed", BIGINT, "Expectations that passed."),
            _column("expectations_failed", BIGINT, "Expectations that failed."),
            _column("dq_docs", TEXT, "Path of the Great Expectations Data Docs built by the run."),
            _column("files_duplicate", BIGINT, "Files read this run that repeat another file's bytes or filing (not loaded)."),
            _column("kind", TEXT, "run (the nightly flow) or forget (`filingflow forget`).", allowed=("run", "forget")),
            _column("forgotten", TEXT_LIST, "For a forget: the filings it removed."),
        ),
        ("run_id",),
        kind="operational",
    ),
    Table(
        "dq_results",
        "Result of every expectation of every run.",
        (
            _column("run_id", TEXT, "Run.", required=True),
            _column("suite", TEXT, "Expectation suite.", required=True),
            _column("expectation", TEXT, "Expectation type.", required=True),
            _column("table_name", TEXT, "Table validated.", required=True),
            _column("column_name", TEXT, "Column(s) the expectation looks at."),
            _column("severity", TEXT, "error, warn or info.", required=True, allowed=SEVERITIES),
            _column("success", BOOL, "Whether it passed.", required=True),
            _column("element_count", BIGINT, "Rows checked."),
            _column("unexpected_count", BIGINT, "Rows that failed."),
            _column("detail", TEXT, "Expectation arguments and observed values."),
        ),
        ("run_id", "suite", "expectation", "table_name", "column_name"),
        kind="operational",
    ),
    Table(
        "dq_flags",
        "Row-level findings of the expectations.",
        (
            _column("run_id", TEXT, "Run.", required=True),
            _column("expectation", TEXT, "Expectation that flagged the row.", required=True),
            _column("table_name", TEXT, "Table of the row.", required=True),
            FILING_ID,
            _column("row_index", INT, "Row of the table (null for filing-level findings)."),
            _column("severity", TEXT, "error, warn or info.", required=True, allowed=SEVERITIES),
            _column("detail", TEXT, "What did not add up, with the values involved.", required=True),
        ),
        ("run_id", "expectation", "table_name", "filing_id", "row_index"),
        kind="operational",
    ),
    # --- reference tables ----------------------------------------------------
    Table(
        "transaction_codes",
        "SEC Form 4 transaction codes with their meaning and usual direction.",
        (
            _column("code", TEXT, "Transaction code.", required=True),
            _column("category", TEXT, "General, Rule 16b-3, derivative, other.", required=True),
            _column("meaning", TEXT, "What the code means.", required=True),
            _column("direction", TEXT, "A when the code acquires, D when it disposes, null when either.", allowed=ACQUIRED_DISPOSED),
        ),
        ("code",),
        kind="reference",
    ),
    Table(
        "eight_k_items",
        "8-K item numbers of both numberings with titles and the current equivalent.",
        (
            _column("code", TEXT, "Item number.", required=True),
            _column("title", TEXT, "Official title.", required=True),
            _column("numbering_era", TEXT, "pre_2004 (Items 1-12) or current (1.01-9.01).", required=True,
                    allowed=("pre_2004", "current")),
            _column("current_code", TEXT, "Equivalent item under the current numbering."),
        ),
        ("code", "numbering_era"),
        kind="reference",
    ),
)

TABLES: dict[str, Table] = {t.name: t for t in TABLE_LIST}
FILING_TABLES: tuple[str, ...] = tuple(t.name for t in TABLE_LIST if t.kind == "filing")

# --- views -------------------------------------------------------------------
# The analyst views of the warehouse (their SQL: the views module), described as tables are, so that
# `.schema`, docs/schema.md and export READMEs give their columns' meanings and exports write them
# with these types. A test checks that each view gives exactly these columns and types.
VALUE = pa.decimal128(38, 2)  # money: shares x price, to the cent
_DUCKDB_TYPES[VALUE] = "DECIMAL(38, 2)"

_TRADE_HEAD = (
    FILING_ID,
    _column("accession_number", TEXT, "EDGAR accession number when the source states it."),
    _column("form_type", TEXT, "Form type as filed (4, 4/A, 5, ...)."),
    _column("filed_date", DATE, "Date the filing was filed."),
    _column("company_id", TEXT, "The issuer (see companies)."),
    _column("issuer_cik", TEXT, "Issuer CIK (10 digits): as filed, else the resolved company's."),
    _column("issuer_name", TEXT, "Issuer name: the resolved company's current name, else as filed."),
    _column("ticker", TEXT, "Issuer trading symbol as filed, else the company's latest."),
    _column("owner_index", INT, "Position of the reporting owner in the filing (null when the filing names none)."),
    _column("owner_count", INT, "Reporting owners on the filing: above 1 on a joint filing, where every owner reports "
            "the same transactions."),
    _column("is_first_owner", BOOL, "True on the row of the filing's first reporting owner (or when it names none): "
            "keep these rows to count or sum each transaction once."),
    _column("owner_cik", TEXT, "This reporting owner's CIK (10 digits)."),
    _column("owner_name", TEXT, "This reporting owner's name as filed."),
    _column("is_director", BOOL, "This owner is a director of the issuer (its own box, not any owner's)."),
    _column("is_officer", BOOL, "This owner is an officer of the issuer."),
    _column("officer_title", TEXT, "This owner's officer title as filed."),
    _column("is_ten_percent_owner", BOOL, "This owner holds 10% or more."),
    _column("is_other", BOOL, "This owner has another relationship."),
    _column("other_text", TEXT, "Description of that other relationship."),
    ROW_INDEX,
    _column("security_title", TEXT, "Title of the security as filed."),
    _column("transaction_date", DATE, "Date of the transaction."),
    _column("deemed_execution_date", DATE, "Deemed execution date, if any."),
    _column("transaction_code", TEXT, "SEC transaction code (P purchase, S sale, A grant, M exercise, ...)."),
    _column("transaction_meaning", TEXT, "What the code means (transaction_codes)."),
    _column("acquired_disposed", TEXT, "A acquired, D disposed of.", allowed=ACQUIRED_DISPOSED),
    _column("shares", DECIMAL, "Number of securities acquired or disposed of."),
    _column("signed_shares", DECIMAL, "shares, negative when disposed of (D), positive when acquired (A)."),
    _column("price_per_share", DECIMAL, "Price per security; null when not given."),
    _column("value", VALUE, "shares x price_per_share, to the cent; null without both."),
    _column("shares_owned_after", DECIMAL, "Securities beneficially owned following the reported transaction(s)."),
    _column("direct_indirect", TEXT, "Ownership form: D direct, I indirect.", allowed=DIRECT_INDIRECT),
    _column("nature_of_ownership", TEXT, "Nature of indirect beneficial ownership as filed (By LLC, By Trust, ...)."),
)
_TRADE_TAIL = (
    _column("is_10b5_1", BOOL, "Made under a Rule 10b5-1(c) trading plan: the form's box (aff10b5One) where the form "
            "has it, else true when one of the row's footnotes cites Rule 10b5-1; null when neither tells."),
    _column("is_10b5_1_source", TEXT, "Where is_10b5_1 comes from: aff10b5One (the form's box) or footnote; null when "
            "is_10b5_1 is null.", allowed=("aff10b5One", "footnote")),
    _column("footnotes", TEXT_LIST, "Texts of the footnotes marked on any field of the row, in footnote order."),
    _column("dq_flags", TEXT_LIST, "Expectations that flagged the row (see dq_flags)."),
    _column("is_amendment", BOOL, "The row's filing is an amendment (a /A form)."),
    _column("amendment_version", INT, "0 for an original filing's rows, n for the n-th amendment restating them."),
    _column("original_filing_id", TEXT, "The filing first filed of the row's amendment family (the filing itself when "
            "never amended). Only the current version of each table is in the view."),
    _column("replaces_filing_id", TEXT, "The earlier filing whose rows of this table the row's filing replaced."),
)
_TRADE_KEY = ("filing_id", "row_index", "owner_index")

VIEW_LIST: tuple[Table, ...] = (
    Table(
        "insider_trades",
        "Table I transactions, one row per transaction and reporting owner, with the issuer, that owner and its own "
        "relationship to the issuer, signed shares, value, the 10b5-1 plan flag, the row's footnotes and "
        "data-quality flags. Amended filings show their current version.",
        _TRADE_HEAD + _TRADE_TAIL,
        _TRADE_KEY,
        kind="view",
    ),
    Table(
        "derivative_trades",
        "Table II transactions (options, warrants, convertibles: grants, exercises, conversions), one row per "
        "transaction and reporting owner, as insider_trades, with the exercise price and dates and the underlying.",
        _TRADE_HEAD + (
            _column("exercise_price", DECIMAL, "Conversion or exercise price of the derivative security."),
            _column("exercise_date", DATE, "Date exercisable."),
            _column("expiration_date", DATE, "Expiration date."),
            _column("underlying_title", TEXT, "Title of the underlying security."),
            _column("underlying_shares", DECIMAL, "Amount or number of underlying shares."),
        ) + _TRADE_TAIL,
        _TRADE_KEY,
        kind="view",
    ),
    Table(
        "company_events",
        "One row per 8-K item (current version: an 8-K/A replaces the items it restates) with the company and the "
        "event date; joins insider_trades on company_id.",
        (
            FILING_ID,
            _column("item_index", INT, "Position of the item in the filing.", required=True),
            _column("company_id", TEXT, "The registrant (see companies)."),
            _column("company_name", TEXT, "The registrant's current name."),
            _column("cik", TEXT, "Registrant CIK (10 digits)."),
            _column("ticker", TEXT, "Trading symbol as filed, else the company's latest."),
            _column("event_date", DATE, "Date of the earliest event reported (period of report)."),
            _column("filed_date", DATE, "Date the 8-K was filed."),
            _column("form_type", TEXT, "8-K or 8-K/A."),
            _column("item_code", TEXT, "Item number as filed (5, 2.02, ...)."),
            _column("item_code_current", TEXT, "The item under the numbering in force since 2004-08-23."),
            _column("title", TEXT, "Official title of the item."),
            _column("original_filing_id", TEXT, "The 8-K first filed of the item's amendment family."),
            _column("replaces_filing_id", TEXT, "The earlier filing whose version of this item this row replaced."),
        ),
        ("filing_id", "item_index"),
        kind="view",
    ),
)
VIEW_TABLES: dict[str, Table] = {v.name: v for v in VIEW_LIST}
# Every described relation, tables and views: what `.schema` and exports look up.
DESCRIBED: dict[str, Table] = {**TABLES, **VIEW_TABLES}
