"""Realistic synthetic SEC filings with known ground truth.

Every generated filing comes with the rows filingflow should read from it, in
the table and column names of `filingflow.schema`. The generator never calls
a reader: the truth is what the generator *wrote*, so a round trip
(generate -> transforms.registry.read_bytes -> compare) tests the readers.

Kinds:
  ownership_xml    Form 3, 4, 5 and amendments as bare <ownershipDocument> XML
  sgml_submission  the same XML wrapped in an EDGAR SGML full submission (.txt)
  ascii_8k         plain-ASCII 8-K current report (cover, items with current
                   numbering, exhibit index, signatures)
  ownership_text_rendering, legacy_ascii_ownership
                   a Form 3/4/5 printed as text: the text rendering of a
                   filed form, and the pre-2003 plain-ASCII form with
                   fixed-width pipe tables (see tests/support/generated_renderings.py)

What the ownership documents exercise: 1-8 reporting owners; Table I and II
with transactions and holdings; footnote marks on fields (including fields
that hold only a mark and no value, and marks on <transactionCoding>);
fractional shares; missing prices (absent, empty <value/>, footnote only);
booleans as 0/1 and true/false; XML escaping (&, <); chains of transactions
whose owned-after balances add up; a few very large filings (hundreds of
transactions).

Truth rows carry `filing_id` and every column the generator decides; a
column a row dict does not hold is not claimed (see `TRUTH_COLUMNS`).

The corpus (generate, write_corpus) is tests/support/generated.py.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import random
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

KINDS = ("ownership_xml", "sgml_submission", "ascii_8k", "ownership_text_rendering", "legacy_ascii_ownership")

# Columns the generator decides, per table: the round-trip tests compare these.
TRUTH_COLUMNS: dict[str, tuple[str, ...]] = {
    "filings": ("filing_id", "accession_number", "content_id", "form_type", "is_amendment", "filed_date",
                "period_of_report", "date_of_original_submission", "acceptance_datetime", "issuer_name",
                "issuer_cik", "issuer_ticker", "not_subject_to_section16", "no_securities_owned", "aff10b5_one",
                "form3_holdings_reported", "form4_transactions_reported", "remarks"),
    "reporting_owners": ("filing_id", "owner_index", "owner_cik", "owner_name", "street1", "street2", "city",
                         "state", "zip", "state_description", "is_director", "is_officer",
                         "is_ten_percent_owner", "is_other", "officer_title", "other_text"),
    "nonderiv_transactions": ("filing_id", "row_index", "security_title", "transaction_date",
                              "deemed_execution_date", "form_type_code", "transaction_code",
                              "equity_swap_involved", "is_voluntary", "transaction_timeliness", "shares",
                              "transaction_value", "price_per_share", "acquired_disposed", "shares_owned_after",
                              "value_owned_after", "direct_indirect", "nature_of_ownership"),
    "nonderiv_holdings": ("filing_id", "row_index", "security_title", "form_type_code", "shares_owned_after",
                          "value_owned_after", "direct_indirect", "nature_of_ownership"),
    "deriv_transactions": ("filing_id", "row_index", "security_title", "conversion_or_exercise_price",
                           "transaction_date", "deemed_execution_date", "form_type_code", "transaction_code",
                           "equity_swap_involved", "is_voluntary", "transaction_timeliness", "shares",
                           "transaction_value", "price_per_share", "acquired_disposed", "shares_owned_after",
                           "value_owned_after", "exercise_date", "expiration_date", "underlying_title",
                           "underlying_shares", "underlying_value", "direct_indirect", "nature_of_ownership"),
    "deriv_holdings": ("filing_id", "row_index", "security_title", "conversion_or_exercise_price",
                       "exercise_date", "expiration_date", "underlying_title", "underlying_shares",
                       "underlying_value", "form_type_code", "shares_owned_after", "value_owned_after",
                       "direct_indirect", "nature_of_ownership"),
    "footnotes": ("filing_id", "footnote_id", "text"),
    "footnote_refs": ("filing_id", "table_name", "row_index", "field", "footnote_id"),
    "signatures": ("filing_id", "signature_index", "name", "title", "as_filed", "signed_date"),
    "filing_companies": ("filing_id", "company_index", "role", "cik", "name", "ticker", "state_of_incorporation",
                         "sec_file_number", "irs_number", "sic", "fiscal_year_end", "street1", "street2", "city",
                         "state", "zip", "phone", "former_names"),
    "report_items": ("filing_id", "item_index", "item_code", "item_code_current", "numbering_era", "title",
                     "title_as_filed", "text"),
    "exhibits": ("filing_id", "exhibit_number", "description"),
    "documents": ("filing_id", "sequence", "document_type", "filename", "description", "size_bytes", "reader",
                  "text"),
}

# Key columns per table: rows are matched on these.
KEYS: dict[str, tuple[str, ...]] = {
    "filings": ("filing_id",),
    "reporting_owners": ("filing_id", "owner_index"),
    "nonderiv_transactions": ("filing_id", "row_index"),
    "nonderiv_holdings": ("filing_id", "row_index"),
    "deriv_transactions": ("filing_id", "row_index"),
    "deriv_holdings": ("filing_id", "row_index"),
    "footnotes": ("filing_id", "footnote_id"),
    "footnote_refs": ("filing_id", "table_name", "row_index", "field", "footnote_id"),
    "signatures": ("filing_id", "signature_index"),
    "filing_companies": ("filing_id", "company_index"),
    "report_items": ("filing_id", "item_index"),
    "exhibits": ("filing_id", "exhibit_number"),
    "documents": ("filing_id", "sequence"),
}


@dataclass
class GeneratedFiling:
    name: str                          # file name to write it under (unique within one generate() run)
    kind: str                          # one of KINDS: the reader format expected from read_bytes
    data: bytes                        # the file's bytes
    truth: dict[str, list[dict]]       # table -> rows (filings included, one row)
    filing: dict = field(default_factory=dict)  # the `filings` row (same dict as truth["filings"][0])

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.truth.values())


# --- vocabularies -------------------------------------------------------------------

FIRST_NAMES = ("JAMES", "MARY", "ROBERT", "PATRICIA", "JOHN", "JENNIFER", "MICHAEL", "LINDA", "DAVID", "ELIZABETH",
          "WILLIAM", "BARBARA", "RICHARD", "SUSAN", "JOSEPH", "JESSICA", "THOMAS", "SARAH", "CHARLES", "KAREN",
          "CHRISTOPHER", "LISA", "DANIEL", "NANCY", "MATTHEW", "BETTY", "ANTHONY", "MARGARET", "MARK", "SANDRA",
          "RAJESH", "WEI", "OLUWASEUN", "ANA", "SOREN", "MAEVE")
LAST_NAMES = ("SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ", "MARTINEZ",
         "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON", "ANDERSON", "THOMAS", "TAYLOR", "MOORE", "JACKSON", "MARTIN",
         "LEE", "PEREZ", "THOMPSON", "WHITE", "HARRIS", "SANCHEZ", "CLARK", "RAMIREZ", "LEWIS", "ROBINSON",
         "O'BRIEN", "VAN DER BERG", "MCALLISTER", "NGUYEN", "KOWALSKI", "DUBOIS")
_CO_WORDS = ("ACME", "GLOBAL", "PACIFIC", "ATLANTIC", "SUMMIT", "PINNACLE", "RIVERSIDE", "NORTHERN", "BLUE RIDGE",
             "IRONWOOD", "CASCADE", "MERIDIAN", "STERLING", "HARBOR", "FRONTIER", "GRANITE", "LIBERTY", "OAKMONT",
             "ORION", "SILVERLINE", "KEYSTONE", "EVERGREEN", "REDWOOD", "COPPERFIELD")
_CO_KINDS = ("HOLDINGS", "THERAPEUTICS", "BANCORP", "ENERGY", "TECHNOLOGIES", "FINANCIAL", "INDUSTRIES",
             "PHARMACEUTICALS", "SYSTEMS", "RESOURCES", "REALTY TRUST", "NETWORKS", "BRANDS", "MINING")
_CO_SUFFIX = ("INC", "CORP", "CO", "INC.", "CORPORATION", "LTD", "GROUP INC", "& CO")
_FUND_WORDS = ("CAPITAL PARTNERS", "VENTURES", "INVESTORS", "ASSET MANAGEMENT", "GROWTH FUND", "OPPORTUNITY FUND")
# (city, state code, state name, zip prefix, area code)
PLACES = (("DALLAS", "TX", "TEXAS", "752", "214"), ("NEW YORK", "NY", "NEW YORK", "100", "212"),
           ("SAN FRANCISCO", "CA", "CALIFORNIA", "941", "415"), ("BOSTON", "MA", "MASSACHUSETTS", "021", "617"),
           ("CHICAGO", "IL", "ILLINOIS", "606", "312"), ("DENVER", "CO", "COLORADO", "802", "303"),
           ("SEATTLE", "WA", "WASHINGTON", "981", "206"), ("ATLANTA", "GA", "GEORGIA", "303", "404"),
           ("MIAMI", "FL", "FLORIDA", "331", "305"), ("PHOENIX", "AZ", "ARIZONA", "850", "602"),
           ("MINNEAPOLIS", "MN", "MINNESOTA", "554", "612"), ("NASHVILLE", "TN", "TENNESSEE", "372", "615"),
           ("PITTSBURGH", "PA", "PENNSYLVANIA", "152", "412"), ("COLUMBUS", "OH", "OHIO", "432", "614"))
STREETS = ("MAIN STREET", "MARKET STREET", "PARK AVENUE", "BROADWAY", "OAK LANE", "CONGRESS AVENUE",
            "COMMERCE DRIVE", "LAKESIDE BOULEVARD", "INNOVATION WAY", "PEACHTREE ROAD")
_INCORPORATION = (("DE", "DELAWARE"), ("NV", "NEVADA"), ("MD", "MARYLAND"), ("NY", "NEW YORK"), ("TX", "TEXAS"),
                  ("CO", "COLORADO"), ("WA", "WASHINGTON"))
_OFFICER_TITLES = ("Chief Executive Officer", "Chief Financial Officer", "EVP - Chief Risk Officer",
                   "President & COO", "General Counsel and Secretary", "SVP, Operations", "Chief Accounting Officer",
                   "Executive Vice President", "Chief Technology Officer")
_SIC = (("NATIONAL COMMERCIAL BANKS", "6021"), ("PHARMACEUTICAL PREPARATIONS", "2834"),
        ("SERVICES-PREPACKAGED SOFTWARE", "7372"), ("CRUDE PETROLEUM & NATURAL GAS", "1311"),
        ("REAL ESTATE INVESTMENT TRUSTS", "6798"), ("SEMICONDUCTORS & RELATED DEVICES", "3674"))
_COMMON = ("Common Stock", "Class A Common Stock", "Common Stock, par value $0.01 per share", "Ordinary Shares",
           "Class B Common Stock")
_DERIV = (("Employee Stock Option (right to buy)", True), ("Restricted Stock Units", False),
          ("Performance Stock Units", False), ("Warrants (right to buy)", True),
          ("Series A Convertible Preferred Stock", True), ("Stock Appreciation Rights", True))
_INDIRECT = ("By Trust", "By Spouse", "By LLC", "By 401(k) Plan", "By GRAT", "See footnote", "By Family Partnership")
_FOOTNOTES = (
    "The price reported is a weighted average price. These shares were sold in multiple transactions at prices "
    "ranging from ${lo} to ${hi}, inclusive.",
    "Includes {n} shares acquired under the Company's Employee Stock Purchase Plan on {d}.",
    "The option vests in four equal annual installments beginning on the first anniversary of the grant date.",
    "Shares withheld by the issuer to satisfy tax withholding obligations upon vesting of restricted stock units.",
    "Each restricted stock unit represents a contingent right to receive one share of common stock.",
    "The reporting person disclaims beneficial ownership of these securities except to the extent of his or her "
    "pecuniary interest therein, and this report shall not be deemed an admission of beneficial ownership.",
    "Held by a trust for which the reporting person serves as trustee & beneficiary.",
    "Transaction effected pursuant to a Rule 10b5-1 trading plan adopted on {d}.",
    "Not applicable.",
    "Gift to a charitable foundation; no consideration was received.",
    "Shares held by {fund}, of which the reporting person is a managing member.",
    "The RSUs vest on {d} subject to continued service <as defined in the plan>.",
)

_EDGAR_TZ = ZoneInfo("America/New_York")


def content_id(text: str) -> str:
    """filingflow's documented content id: 'ff-' + sha256 of the whitespace-normalized, upper-cased text."""
    normalized = " ".join(text.split()).upper()
    return "ff-" + hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:20]


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _money(rng: random.Random, lo: float, hi: float, places: int = 2) -> Decimal:
    q = Decimal(1).scaleb(-places)
    return Decimal(str(round(rng.uniform(lo, hi), places))).quantize(q)


def _shares(rng: random.Random, lo: int, hi: int, fractional: float) -> Decimal:
    whole = rng.randint(lo, hi)
    if rng.random() < fractional:
        return Decimal(whole) + Decimal(rng.randint(1, 9999)).scaleb(-4)
    return Decimal(whole)


def _fmt(value: Decimal) -> str:
    return format(value, "f")


def _cik(rng: random.Random) -> str:
    return str(rng.randint(1000, 1999999)).zfill(10)


def _person(rng: random.Random) -> str:
    name = f"{rng.choice(LAST_NAMES)} {rng.choice(FIRST_NAMES)}"
    if rng.random() < 0.4:
        name += f" {rng.choice('ABCDEFGHJKLMNPRSTW')}."
    return name


def _company_name(rng: random.Random) -> str:
    return f"{rng.choice(_CO_WORDS)} {rng.choice(_CO_KINDS)} {rng.choice(_CO_SUFFIX)}"


def _ticker(rng: random.Random) -> str:
    return "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(rng.randint(2, 4)))


@dataclass
class _Issuer:
    cik: str
    name: str
    ticker: str
    incorporation: tuple[str, str]
    irs: str
    sic: tuple[str, str]
    fiscal_year_end: str
    street1: str
    street2: str | None
    city: str
    state: str
    state_name: str
    zip: str
    phone: str
    file_number: str
    former_names: list[str]


def _issuer(rng: random.Random) -> _Issuer:
    city, state, state_name, zip3, area = rng.choice(PLACES)
    return _Issuer(
        cik=_cik(rng), name=_company_name(rng), ticker=_ticker(rng), incorporation=rng.choice(_INCORPORATION),
        irs=f"{rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}", sic=rng.choice(_SIC),
        fiscal_year_end=rng.choice(("1231", "0630", "0930", "0331")),
        street1=f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
        street2=f"SUITE {rng.randint(100, 2999)}" if rng.random() < 0.4 else None,
        city=city, state=state, state_name=state_name, zip=f"{zip3}{rng.randint(10, 99)}",
        phone=f"{area}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}",
        file_number=f"001-{rng.randint(10000, 39999)}",
        former_names=[_company_name(rng)] if rng.random() < 0.3 else [],
    )


# --- ownership documents ------------------------------------------------------------

class _Footnotes:
    """Footnotes of one document: texts, and marks placed on row fields."""

    def __init__(self, rng: random.Random, when: dt.date) -> None:
        self.rng = rng
        self.when = when
        self.texts: dict[str, str] = {}
        self.refs: list[dict] = []
        self._seen: set[tuple] = set()

    def new(self) -> str:
        fid = f"F{len(self.texts) + 1}"
        template = self.rng.choice(_FOOTNOTES)
        lo = _money(self.rng, 5, 300)
        self.texts[fid] = template.format(lo=lo, hi=lo + _money(self.rng, 0.01, 3), n=self.rng.randint(10, 900),
                                          d=f"{self.when:%B} {self.when.day}, {self.when.year}",
                                          fund=f"{self.rng.choice(_CO_WORDS).title()} "
                                               f"{self.rng.choice(_FUND_WORDS).title()} LLC")
        return fid

    def pick(self) -> str:
        if not self.texts or (len(self.texts) < 12 and self.rng.random() < 0.35):
            return self.new()
        return self.rng.choice(list(self.texts))

    def mark(self, table: str, row_index: int, column: str, fid: str) -> None:
        key = (table, row_index, column, fid)
        if key not in self._seen:
            self._seen.add(key)
            self.refs.append({"table_name": table, "row_index": row_index, "field": column, "footnote_id": fid})


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []

    def line(self, depth: int, text: str) -> None:
        self.parts.append("    " * depth + text)

    def leaf(self, depth: int, tag: str, text: str | None) -> None:
        self.line(depth, f"<{tag}>{escape(text) if text is not None else ''}</{tag}>")

    def field(self, depth: int, tag: str, text: str | None, fids: Iterable[str] = (), empty: str = "value") -> None:
        """<tag><value>text</value><footnoteId id=".."/></tag>; text None writes no value (or an empty one)."""
        self.line(depth, f"<{tag}>")
        if text is not None:
            self.line(depth + 1, f"<value>{escape(text)}</value>")
        elif empty == "value":
            self.line(depth + 1, "<value></value>")
        elif empty == "selfclosing":
            self.line(depth + 1, "<value/>")
        for fid in fids:
            self.line(depth + 1, f'<footnoteId id="{fid}"/>')
        self.line(depth, f"</{tag}>")


def _bool_text(rng: random.Random, value: bool, style: str) -> str:
    if style == "word":
        return "true" if value else "false"
    return "1" if value else "0"


_NONDERIV_CODES_A = ("P", "A", "M", "J", "G")
_NONDERIV_CODES_D = ("S", "F", "G", "D", "J")


class _OwnershipBuilder:
    """One Form 3/4/5 document and its truth."""

    def __init__(self, rng: random.Random, size: str) -> None:
        self.rng = rng
        self.size = size
        self.issuer = _issuer(rng)
        r = rng.random()
        base = "4" if r < 0.7 else ("3" if r < 0.85 else "5")
        if size == "huge" and base == "3":
            base = "4"  # a Form 3 has no transactions: a huge one is a Form 4
        self.amendment = rng.random() < 0.08
        self.form_type = base + ("/A" if self.amendment else "")
        self.base = base
        self.period = _date(rng, dt.date(2005, 1, 3), dt.date(2024, 12, 20))
        self.bool_style = rng.choice(("digit", "word"))
        self.footnotes = _Footnotes(rng, self.period)
        self.truth: dict[str, list[dict]] = {t: [] for t in (
            "reporting_owners", "nonderiv_transactions", "nonderiv_holdings", "deriv_transactions",
            "deriv_holdings", "footnotes", "footnote_refs", "signatures", "filing_companies")}
        self.filing: dict = {}
        self.w = _Writer()
        self.owners: list[dict] = []

    # -- owners
    def _owner(self, index: int) -> dict:
        rng = self.rng
        entity = index > 0 and rng.random() < 0.5
        name = (f"{rng.choice(_CO_WORDS)} {rng.choice(_FUND_WORDS)} {rng.choice(('LP', 'LLC', 'L.P.'))}"
                if entity else _person(rng))
        foreign = rng.random() < 0.05
        city, state, _, zip3, _ = rng.choice(PLACES)
        is_officer = not entity and rng.random() < 0.55
        is_director = not entity and (not is_officer or rng.random() < 0.3)
        is_ten = entity or rng.random() < 0.05
        is_other = rng.random() < 0.06
        row = {
            "owner_index": index,
            "owner_cik": _cik(rng),
            "owner_name": name,
            "street1": f"C/O {self.issuer.name}" if rng.random() < 0.3 else f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
            "street2": f"FLOOR {rng.randint(2, 60)}" if rng.random() < 0.3 else None,
            "city": "TORONTO" if foreign else city,
            "state": None if foreign else state,
            "zip": "M5H 2N2" if foreign else f"{zip3}{rng.randint(10, 99)}",
            "state_description": "ONTARIO, CANADA" if foreign else None,
            "is_director": is_director,
            "is_officer": is_officer,
            "is_ten_percent_owner": is_ten,
            "is_other": is_other,
            "officer_title": rng.choice(_OFFICER_TITLES) if is_officer else None,
            "other_text": "Member of 13(d) group" if is_other else None,
        }
        return row

    def _write_owner(self, row: dict) -> None:
        w, rng = self.w, self.rng
        w.line(1, "<reportingOwner>")
        w.line(2, "<reportingOwnerId>")
        w.leaf(3, "rptOwnerCik", row["owner_cik"])
        w.leaf(3, "rptOwnerName", row["owner_name"])
        w.line(2, "</reportingOwnerId>")
        w.line(2, "<reportingOwnerAddress>")
        w.leaf(3, "rptOwnerStreet1", row["street1"])
        w.leaf(3, "rptOwnerStreet2", row["street2"])
        w.leaf(3, "rptOwnerCity", row["city"])
        w.leaf(3, "rptOwnerState", row["state"])
        w.leaf(3, "rptOwnerZipCode", row["zip"])
        w.leaf(3, "rptOwnerStateDescription", row["state_description"])
        w.line(2, "</reportingOwnerAddress>")
        w.line(2, "<reportingOwnerRelationship>")
        for tag, col in (("isDirector", "is_director"), ("isOfficer", "is_officer"),
                         ("isTenPercentOwner", "is_ten_percent_owner"), ("isOther", "is_other")):
            w.leaf(3, tag, _bool_text(rng, row[col], self.bool_style))
        if row["officer_title"] is not None:
            w.leaf(3, "officerTitle", row["officer_title"])
        if row["other_text"] is not None:
            w.leaf(3, "otherText", row["other_text"])
        w.line(2, "</reportingOwnerRelationship>")
        w.line(1, "</reportingOwner>")

    # -- rows
    def _count(self) -> int:
        if self.size == "huge":
            return self.rng.randint(200, 450)
        if self.size == "large":
            return self.rng.randint(20, 60)
        return self.rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6, 8))

    def _nature(self, indirect: bool) -> tuple[str, str | None]:
        return ("I", self.rng.choice(_INDIRECT)) if indirect else ("D", None)

    def _tx_date(self, k: int, total: int) -> dt.date:
        # Spread over up to 3 weeks after the period, in order.
        return self.period + dt.timedelta(days=(k * 21) // max(total, 1))

    def _plan_nonderiv(self) -> tuple[list[dict], list[dict]]:
        rng = self.rng
        fn = self.footnotes
        transactions: list[dict] = []
        holdings: list[dict] = []
        n_chains = 1 if rng.random() < 0.6 else rng.randint(2, 3)
        chains = []
        titles = rng.sample(_COMMON, k=min(2, len(_COMMON)))
        for c in range(n_chains):
            indirect = c > 0 and rng.random() < 0.7
            di, nature = self._nature(indirect)
            chains.append({"title": titles[c % len(titles)] if c < 2 else titles[0], "di": di, "nature": nature,
                           "balance": _shares(rng, 500, 2_000_000, 0.15)})
        # Distinct (title, nature) per chain
        seen = set()
        chains = [ch for ch in chains if not ((ch["title"], ch["di"], ch["nature"]) in seen
                                              or seen.add((ch["title"], ch["di"], ch["nature"])))]
        if self.base != "3":
            count = self._count()
            for k in range(count):
                ch = rng.choice(chains)
                shares = _shares(rng, 1, max(2, int(ch["balance"] // 4) or 2), 0.1)
                ad = "A" if rng.random() < 0.45 or shares > ch["balance"] else "D"
                code = rng.choice(_NONDERIV_CODES_A if ad == "A" else _NONDERIV_CODES_D)
                ch["balance"] = ch["balance"] + shares if ad == "A" else ch["balance"] - shares
                price: Decimal | None = _money(rng, 0.5, 400, rng.choice((2, 2, 2, 4)))
                price_mode = "value"
                if code in ("G", "A", "J") and rng.random() < 0.7:
                    price, price_mode = None, rng.choice(("absent", "empty", "zero"))
                    if price_mode == "zero":
                        price, price_mode = Decimal("0"), "value"
                elif rng.random() < 0.08:
                    price, price_mode = None, "footnote_only"
                form_code = self.base if self.base != "5" or rng.random() < 0.5 else "4"
                tx = {
                    "security_title": ch["title"], "transaction_date": self._tx_date(k, count),
                    "deemed_execution_date": (self._tx_date(k, count) if rng.random() < 0.05 else None),
                    "form_type_code": form_code, "transaction_code": code,
                    "equity_swap_involved": False if rng.random() < 0.97 else True,
                    "is_voluntary": None,
                    "transaction_timeliness": "L" if self.base == "4" and rng.random() < 0.03 else None,
                    "shares": shares, "transaction_value": None, "price_per_share": price,
                    "acquired_disposed": ad, "shares_owned_after": ch["balance"], "value_owned_after": None,
                    "direct_indirect": ch["di"], "nature_of_ownership": ch["nature"],
                    "_price_mode": price_mode, "_marks": {},
                }
                self._marks(tx, ("price_per_share", "shares", "shares_owned_after", "transaction_date",
                                 "security_title", "nature_of_ownership", "transaction_code"))
                if price_mode == "footnote_only":
                    tx["_marks"].setdefault("price_per_share", []).append(fn.pick())
                transactions.append(tx)
        for ch in chains:
            if self.base == "3" or rng.random() < 0.25:
                holdings.append(self._holding(ch["title"], ch["di"], ch["nature"], ch["balance"]))
        if rng.random() < 0.3:
            di, nature = self._nature(True)
            holdings.append(self._holding(rng.choice(_COMMON), di, nature, _shares(rng, 10, 500_000, 0.1)))
        # A holding repeated with the same title and nature is legal but pointless: drop duplicates.
        return transactions, holdings

    def _holding(self, title: str, di: str, nature: str | None, balance: Decimal) -> dict:
        h = {"security_title": title, "form_type_code": None, "shares_owned_after": balance,
             "value_owned_after": None, "direct_indirect": di, "nature_of_ownership": nature, "_marks": {},
             "_coding_mark": None}
        if self.base == "5" and self.rng.random() < 0.4:
            h["form_type_code"] = self.rng.choice(("3", "4"))
        self._marks(h, ("shares_owned_after", "nature_of_ownership", "security_title"))
        return h

    def _marks(self, row: dict, columns: tuple[str, ...]) -> None:
        for col in columns:
            if row.get(col) is not None and self.rng.random() < 0.12:
                row["_marks"].setdefault(col, []).append(self.footnotes.pick())
                if self.rng.random() < 0.15:
                    row["_marks"][col].append(self.footnotes.pick())

    def _plan_deriv(self) -> tuple[list[dict], list[dict]]:
        rng = self.rng
        transactions: list[dict] = []
        holdings: list[dict] = []
        if rng.random() < 0.45:
            return transactions, holdings
        n_series = rng.randint(1, 4 if self.size == "small" else 8)
        series = []
        for _ in range(n_series):
            title, priced = rng.choice(_DERIV)
            grant = self.period - dt.timedelta(days=rng.randint(0, 3000))
            series.append({"title": title, "price": _money(rng, 1, 250) if priced else None,
                           "exercise": grant + dt.timedelta(days=365), "expiry": grant + dt.timedelta(days=3652),
                           "balance": Decimal(rng.randint(100, 200_000)),
                           "exercise_footnote": rng.random() < 0.35, "underlying": rng.choice(_COMMON[:2])})
        if self.base != "3":
            count = max(0, self._count() // 2) if rng.random() < 0.7 else 0
            for k in range(count):
                s = rng.choice(series)
                if rng.random() < 0.4 or s["balance"] < 1:  # nothing left to exercise: a new grant
                    code, ad, shares = "A", "A", Decimal(rng.randint(100, 50_000))
                    s["balance"] += shares
                else:
                    shares = Decimal(rng.randint(1, max(1, int(s["balance"]))))
                    code, ad = rng.choice(("M", "M", "X", "C", "F")), "D"
                    s["balance"] -= shares
                tx = self._deriv_common(s)
                tx.update({
                    "transaction_date": self._tx_date(k, count), "deemed_execution_date": None,
                    "form_type_code": self.base, "transaction_code": code, "equity_swap_involved": False,
                    "is_voluntary": None, "transaction_timeliness": None, "shares": shares,
                    "transaction_value": None,
                    "price_per_share": Decimal("0") if code == "A" and rng.random() < 0.5 else None,
                    "acquired_disposed": ad, "underlying_shares": shares, "shares_owned_after": s["balance"],
                    "_price_mode": "value" if code == "A" else rng.choice(("absent", "empty")),
                })
                if tx["price_per_share"] is None and tx["_price_mode"] == "value":
                    tx["_price_mode"] = "empty"
                self._marks(tx, ("conversion_or_exercise_price", "shares", "shares_owned_after", "underlying_shares"))
                self._date_marks(tx, s)
                transactions.append(tx)
        for s in series:
            if self.base == "3" or rng.random() < 0.35:
                h = self._deriv_common(s)
                h.update({"form_type_code": None, "shares_owned_after": s["balance"], "value_owned_after": None,
                          "underlying_shares": s["balance"], "_coding_mark": None})
                if self.base == "5" and rng.random() < 0.4:
                    h["form_type_code"] = "4"
                    if rng.random() < 0.5:
                        h["_coding_mark"] = self.footnotes.pick()
                self._marks(h, ("conversion_or_exercise_price", "shares_owned_after"))
                self._date_marks(h, s)
                holdings.append(h)
        return transactions, holdings

    def _deriv_common(self, s: dict) -> dict:
        di, nature = self._nature(self.rng.random() < 0.1)
        return {"security_title": s["title"], "conversion_or_exercise_price": s["price"],
                "exercise_date": None if s["exercise_footnote"] else s["exercise"], "expiration_date": s["expiry"],
                "underlying_title": s["underlying"], "underlying_value": None, "direct_indirect": di,
                "nature_of_ownership": nature, "_marks": {}}

    def _date_marks(self, row: dict, s: dict) -> None:
        if s["exercise_footnote"]:  # "vests in installments": a mark and no date
            fid = s.setdefault("_exercise_fid", self.footnotes.pick())
            row["_marks"].setdefault("exercise_date", []).append(fid)
        if s["price"] is None and self.rng.random() < 0.5:
            fid = s.setdefault("_price_fid", self.footnotes.pick())
            row["_marks"].setdefault("conversion_or_exercise_price", []).append(fid)

    # -- writing rows
    def _val(self, tag: str, value, row: dict, column: str, depth: int, date: bool = False) -> None:
        marks = row["_marks"].get(column, ())
        if value is None:
            if marks or column in ("price_per_share",):
                mode = row.get("_price_mode", "empty") if column == "price_per_share" else "footnote"
                if mode == "absent" and not marks:
                    return
                self.w.field(depth, tag, None, marks, empty="none" if marks else
                             ("selfclosing" if mode == "empty" and self.rng.random() < 0.5 else "value"))
            elif column in ("nature_of_ownership", "deemed_execution_date") and self.rng.random() < 0.5:
                self.w.field(depth, tag, None, (), empty="value")
            return
        if isinstance(value, Decimal):
            text = _fmt(value)
        elif isinstance(value, dt.date):
            text = value.isoformat()
            if date and self.rng.random() < 0.03:
                text += "-05:00"
        else:
            text = str(value)
        self.w.field(depth, tag, text, marks)

    def _write_row(self, tag: str, row: dict, derivative: bool, transaction: bool) -> None:
        w = self.w
        w.line(2, f"<{tag}>")
        self._val("securityTitle", row["security_title"], row, "security_title", 3)
        if derivative:
            self._val("conversionOrExercisePrice", row["conversion_or_exercise_price"], row,
                      "conversion_or_exercise_price", 3)
        if transaction:
            self._val("transactionDate", row["transaction_date"], row, "transaction_date", 3, date=True)
            self._val("deemedExecutionDate", row["deemed_execution_date"], row, "deemed_execution_date", 3)
            w.line(3, "<transactionCoding>")
            w.leaf(4, "transactionFormType", row["form_type_code"])
            w.leaf(4, "transactionCode", row["transaction_code"])
            w.leaf(4, "equitySwapInvolved", _bool_text(self.rng, row["equity_swap_involved"], self.bool_style))
            for fid in row["_marks"].get("transaction_code", ()):
                w.line(4, f'<footnoteId id="{fid}"/>')
            w.line(3, "</transactionCoding>")
            if row["transaction_timeliness"] is not None:
                self.w.field(3, "transactionTimeliness", row["transaction_timeliness"])
            w.line(3, "<transactionAmounts>")
            self._val("transactionShares", row["shares"], row, "shares", 4)
            self._val("transactionPricePerShare", row["price_per_share"], row, "price_per_share", 4)
            self.w.field(4, "transactionAcquiredDisposedCode", row["acquired_disposed"])
            w.line(3, "</transactionAmounts>")
        elif row.get("form_type_code") is not None:
            w.line(3, "<transactionCoding>")
            w.leaf(4, "transactionFormType", row["form_type_code"])
            if row.get("_coding_mark"):
                w.line(4, f'<footnoteId id="{row["_coding_mark"]}"/>')
            w.line(3, "</transactionCoding>")
        if derivative:
            self._val("exerciseDate", row["exercise_date"], row, "exercise_date", 3)
            self._val("expirationDate", row["expiration_date"], row, "expiration_date", 3)
            w.line(3, "<underlyingSecurity>")
            self._val("underlyingSecurityTitle", row["underlying_title"], row, "underlying_title", 4)
            self._val("underlyingSecurityShares", row["underlying_shares"], row, "underlying_shares", 4)
            w.line(3, "</underlyingSecurity>")
        w.line(3, "<postTransactionAmounts>")
        self._val("sharesOwnedFollowingTransaction", row["shares_owned_after"], row, "shares_owned_after", 4)
        w.line(3, "</postTransactionAmounts>")
        w.line(3, "<ownershipNature>")
        self.w.field(4, "directOrIndirectOwnership", row["direct_indirect"])
        self._val("natureOfOwnership", row["nature_of_ownership"], row, "nature_of_ownership", 4)
        w.line(3, "</ownershipNature>")
        w.line(2, f"</{tag}>")

    def _emit_table(self, xml_table: str, parts: list[tuple[str, str, list[dict], bool]]) -> None:
        if not any(rows for _, _, rows, _ in parts):
            return
        self.w.line(1, f"<{xml_table}>")
        index = 0
        for tag, table, rows, transaction in parts:
            for row in rows:
                out = {k: v for k, v in row.items() if not k.startswith("_")}
                out["row_index"] = index
                self.truth[table].append(out)
                marks = dict(row["_marks"])
                if row.get("_coding_mark"):
                    marks.setdefault("form_type_code", []).append(row["_coding_mark"])
                for column, fids in marks.items():
                    for fid in fids:
                        self.footnotes.mark(table, index, column, fid)
                self._write_row(tag, row, derivative=xml_table == "derivativeTable", transaction=transaction)
                index += 1
        self.w.line(1, f"</{xml_table}>")

    # -- the document
    def build(self) -> tuple[str, dict[str, list[dict]], dict]:
        rng, w, iss = self.rng, self.w, self.issuer
        n_owners = 1 if rng.random() < 0.75 else rng.randint(2, 8)
        self.owners = [self._owner(i) for i in range(n_owners)]
        nd_tx, nd_h = self._plan_nonderiv()
        d_tx, d_h = self._plan_deriv()
        no_securities = self.base == "3" and rng.random() < 0.1
        if no_securities:
            nd_tx, nd_h, d_tx, d_h = [], [], [], []
        signed = self.period + dt.timedelta(days=rng.randint(0, 3) if self.base != "5" else rng.randint(5, 45))
        if nd_tx or d_tx:
            last_tx = max(r["transaction_date"] for r in nd_tx + d_tx)
            signed = max(signed, last_tx + dt.timedelta(days=rng.randint(0, 2)))
        original = self.period + dt.timedelta(days=rng.randint(1, 4)) if self.amendment else None
        if original and signed < original:
            signed = original + dt.timedelta(days=rng.randint(1, 30))
        remarks = None
        if rng.random() < 0.15:
            remarks = rng.choice(("Exhibit 24 - Power of Attorney", "This Form 4 is filed late due to an "
                                  "administrative error & oversight.", "See Exhibit 99.1 <attached>"))
        filing = {
            "form_type": self.form_type, "is_amendment": self.amendment, "period_of_report": self.period,
            "date_of_original_submission": original, "issuer_name": iss.name, "issuer_cik": iss.cik,
            "issuer_ticker": iss.ticker,
            "not_subject_to_section16": (rng.random() < 0.03) if self.base != "3" else None,
            "no_securities_owned": True if no_securities else None,
            "aff10b5_one": (rng.random() < 0.2) if self.base == "4" and self.period.year >= 2023 else None,
            "form3_holdings_reported": (rng.random() < 0.2) if self.base == "5" else None,
            "form4_transactions_reported": (rng.random() < 0.3) if self.base == "5" else None,
            "remarks": remarks, "filed_date": signed, "accession_number": None, "acceptance_datetime": None,
        }
        w.parts.append('<?xml version="1.0"?>')
        w.line(0, "<ownershipDocument>")
        w.leaf(1, "schemaVersion", "X0508" if self.period.year >= 2023 else "X0306")
        w.leaf(1, "documentType", self.form_type)
        w.leaf(1, "periodOfReport", self.period.isoformat())
        if original:
            w.leaf(1, "dateOfOriginalSubmission", original.isoformat())
        if filing["no_securities_owned"]:
            w.leaf(1, "noSecuritiesOwned", "1")
        if filing["not_subject_to_section16"] is not None:
            w.leaf(1, "notSubjectToSection16", _bool_text(rng, filing["not_subject_to_section16"], self.bool_style))
        for tag, col in (("form3HoldingsReported", "form3_holdings_reported"),
                         ("form4TransactionsReported", "form4_transactions_reported")):
            if filing[col] is not None:
                w.leaf(1, tag, _bool_text(rng, filing[col], self.bool_style))
        w.line(1, "<issuer>")
        w.leaf(2, "issuerCik", iss.cik)
        w.leaf(2, "issuerName", iss.name)
        w.leaf(2, "issuerTradingSymbol", iss.ticker)
        w.line(1, "</issuer>")
        for owner in self.owners:
            self._write_owner(owner)
            self.truth["reporting_owners"].append(owner)
        if filing["aff10b5_one"] is not None:
            w.leaf(1, "aff10b5One", _bool_text(rng, filing["aff10b5_one"], self.bool_style))
        self._emit_table("nonDerivativeTable", [("nonDerivativeTransaction", "nonderiv_transactions", nd_tx, True),
                                                ("nonDerivativeHolding", "nonderiv_holdings", nd_h, False)])
        self._emit_table("derivativeTable", [("derivativeTransaction", "deriv_transactions", d_tx, True),
                                             ("derivativeHolding", "deriv_holdings", d_h, False)])
        used = {r["footnote_id"] for r in self.footnotes.refs}
        if self.footnotes.texts:
            w.line(1, "<footnotes>")
            for fid, text in self.footnotes.texts.items():
                if fid not in used:
                    continue  # a footnote nothing refers to is never picked: keep the document tidy
                w.line(2, f'<footnote id="{fid}">{escape(text)}</footnote>')
                self.truth["footnotes"].append({"footnote_id": fid, "text": text})
            w.line(1, "</footnotes>")
        self.truth["footnote_refs"] = list(self.footnotes.refs)
        if remarks is not None:
            w.leaf(1, "remarks", remarks)
        signers = self.owners[: (1 if rng.random() < 0.6 else len(self.owners))]
        for i, owner in enumerate(signers):
            name = f"/s/ {owner['owner_name']}" if rng.random() < 0.5 else f"{owner['owner_name']}, by attorney-in-fact"
            w.line(1, "<ownerSignature>")
            w.leaf(2, "signatureName", name)
            w.leaf(2, "signatureDate", signed.isoformat())
            w.line(1, "</ownerSignature>")
            # The signature rule (transforms/signatures.py): '/s/' goes, the rest is the name.
            self.truth["signatures"].append({"signature_index": i, "name": name.removeprefix("/s/ "), "title": None,
                                             "as_filed": name, "signed_date": signed})
        w.line(0, "</ownershipDocument>")
        text = "\n".join(w.parts) + "\n"
        span = text[text.index("<ownershipDocument>"):text.index("</ownershipDocument>") + len("</ownershipDocument>")]
        cid = content_id(span)
        filing.update({"filing_id": cid, "content_id": cid})
        self.truth["filing_companies"] = [company_row(0, "issuer", cik=iss.cik, name=iss.name, ticker=iss.ticker)]
        self.filing = filing
        return text, self.truth, filing


def company_row(index: int, role: str, **values) -> dict:
    row = dict.fromkeys(("cik", "name", "ticker", "state_of_incorporation", "sec_file_number", "irs_number", "sic",
                         "fiscal_year_end", "street1", "street2", "city", "state", "zip", "phone", "former_names"))
    row.update(values)
    row.update({"company_index": index, "role": role})
    return row


def finish_truth(truth: dict[str, list[dict]], filing: dict) -> dict[str, list[dict]]:
    fid = filing["filing_id"]
    out = {"filings": [filing]}
    for table, rows in truth.items():
        for row in rows:
            row["filing_id"] = fid
        if rows:
            out[table] = rows
    return out


def ownership_xml(rng: random.Random, size: str = "small") -> tuple[str, dict[str, list[dict]], dict, _Issuer, list[dict]]:
    b = _OwnershipBuilder(rng, size)
    text, truth, filing = b.build()
    return text, truth, filing, b.issuer, b.owners


# --- SGML full submission -----------------------------------------------------------

def _accession(rng: random.Random, year: int) -> str:
    return f"{str(rng.randint(1000, 1999999)).zfill(10)}-{year % 100:02d}-{rng.randint(1, 999999):06d}"


def sgml_submission(rng: random.Random, size: str = "small") -> tuple[str, dict[str, list[dict]], dict]:
    xml, truth, filing, iss, owners = ownership_xml(rng, size)
    filed = filing["filed_date"] + dt.timedelta(days=rng.randint(0, 1))
    accession = _accession(rng, filed.year)
    accepted_local = dt.datetime.combine(filed, dt.time(rng.randint(6, 21), rng.randint(0, 59), rng.randint(0, 59)))
    form = filing["form_type"]
    lines = [
        f"<SEC-DOCUMENT>{accession}.txt : {filed:%Y%m%d}",
        f"<SEC-HEADER>{accession}.hdr.sgml : {filed:%Y%m%d}",
        f"<ACCEPTANCE-DATETIME>{accepted_local:%Y%m%d%H%M%S}",
        f"ACCESSION NUMBER:\t\t{accession}",
        f"CONFORMED SUBMISSION TYPE:\t{form}",
        "PUBLIC DOCUMENT COUNT:\t\t1",
        f"CONFORMED PERIOD OF REPORT:\t{filing['period_of_report']:%Y%m%d}",
        f"FILED AS OF DATE:\t\t{filed:%Y%m%d}",
        f"DATE AS OF CHANGE:\t\t{filed:%Y%m%d}",
        "",
    ]
    companies: list[dict] = []
    for owner in owners:
        lines += [
            "REPORTING-OWNER:\t", "", "\tOWNER DATA:\t",
            f"\t\tCOMPANY CONFORMED NAME:\t\t\t{owner['owner_name']}",
            f"\t\tCENTRAL INDEX KEY:\t\t\t{owner['owner_cik']}", "",
            "\tFILING VALUES:", f"\t\tFORM TYPE:\t\t{form}", "\t\tSEC ACT:\t\t1934 Act",
            f"\t\tSEC FILE NUMBER:\t{iss.file_number}", f"\t\tFILM NUMBER:\t\t{rng.randint(10**7, 10**8 - 1)}", "",
            "\tMAIL ADDRESS:\t", f"\t\tSTREET 1:\t\t{owner['street1']}",
        ]
        if owner["street2"]:
            lines.append(f"\t\tSTREET 2:\t\t{owner['street2']}")
        lines += [f"\t\tCITY:\t\t\t{owner['city']}"]
        if owner["state"]:
            lines.append(f"\t\tSTATE:\t\t\t{owner['state']}")
        lines += [f"\t\tZIP:\t\t\t{owner['zip']}", ""]
        companies.append(company_row(len(companies), "reporting_owner", cik=owner["owner_cik"],
                                      name=owner["owner_name"], sec_file_number=iss.file_number, former_names=[]))
    lines += [
        "ISSUER:\t\t", "", "\tCOMPANY DATA:\t",
        f"\t\tCOMPANY CONFORMED NAME:\t\t\t{iss.name}",
        f"\t\tCENTRAL INDEX KEY:\t\t\t{iss.cik}",
        f"\t\tSTANDARD INDUSTRIAL CLASSIFICATION:\t{iss.sic[0]} [{iss.sic[1]}]",
        f"\t\tIRS NUMBER:\t\t\t\t{iss.irs.replace('-', '')}",
        f"\t\tSTATE OF INCORPORATION:\t\t\t{iss.incorporation[0]}",
        f"\t\tFISCAL YEAR END:\t\t\t{iss.fiscal_year_end}", "",
        "\tBUSINESS ADDRESS:\t", f"\t\tSTREET 1:\t\t{iss.street1}",
    ]
    if iss.street2:
        lines.append(f"\t\tSTREET 2:\t\t{iss.street2}")
    lines += [f"\t\tCITY:\t\t\t{iss.city}", f"\t\tSTATE:\t\t\t{iss.state}", f"\t\tZIP:\t\t\t{iss.zip}",
              f"\t\tBUSINESS PHONE:\t\t{iss.phone}", "",
              "\tMAIL ADDRESS:\t", f"\t\tSTREET 1:\t\t{iss.street1}", f"\t\tCITY:\t\t\t{iss.city}",
              f"\t\tSTATE:\t\t\t{iss.state}", f"\t\tZIP:\t\t\t{iss.zip}", ""]
    for former in iss.former_names:
        lines += ["\tFORMER COMPANY:\t", f"\t\tFORMER CONFORMED NAME:\t{former}",
                  f"\t\tDATE OF NAME CHANGE:\t{filed.year - rng.randint(2, 20)}0{rng.randint(1, 9)}15", ""]
    companies.append(company_row(
        len(companies), "issuer", cik=iss.cik, name=iss.name, ticker=iss.ticker,
        state_of_incorporation=iss.incorporation[0], irs_number=iss.irs.replace("-", ""), sic=iss.sic[1],
        fiscal_year_end=iss.fiscal_year_end, street1=iss.street1, street2=iss.street2, city=iss.city,
        state=iss.state, zip=iss.zip, phone=iss.phone, former_names=list(iss.former_names)))
    filename = rng.choice(("edgar.xml", "wf-form4_{}.xml".format(rng.randint(10**14, 10**15)), "doc4.xml",
                           "primary_doc.xml"))
    body = f"<XML>\n{xml}</XML>\n"
    lines += ["</SEC-HEADER>", "<DOCUMENT>", f"<TYPE>{form}", "<SEQUENCE>1", f"<FILENAME>{filename}",
              "<DESCRIPTION>PRIMARY DOCUMENT", "<TEXT>"]
    text = "\n".join(lines) + "\n" + body + "</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n"
    filing = dict(filing)
    filing.update({
        "filing_id": accession, "accession_number": accession, "filed_date": filed,
        "acceptance_datetime": accepted_local.replace(tzinfo=_EDGAR_TZ).astimezone(dt.timezone.utc),
    })
    truth = dict(truth)
    truth["filing_companies"] = companies
    truth["documents"] = [{"sequence": 1, "document_type": form, "filename": filename,
                           "description": "PRIMARY DOCUMENT", "size_bytes": len(body.encode("utf-8")),
                           "reader": "ownership_xml", "text": None}]
    return text, truth, filing


# --- ASCII 8-K ----------------------------------------------------------------------

_ITEM_CHOICES = ("1.01", "1.02", "2.01", "2.02", "2.03", "3.02", "5.02", "5.03", "5.07", "7.01", "8.01")
_SENTENCES = (
    "On {d}, the Company entered into an agreement with {co} regarding the matters described herein.",
    "The Board of Directors approved the transaction after review by its independent committee.",
    "The foregoing description does not purport to be complete and is qualified in its entirety by reference "
    "to the full text of the agreement.",
    "The Company reported revenue of ${m} million for the quarter, an increase of {p} percent over the prior year.",
    "Effective {d}, the Company appointed a new executive officer with responsibility for operations.",
    "The stockholders elected each of the nominees to serve until the next annual meeting of stockholders.",
    "A copy of the press release is furnished herewith and is incorporated herein by reference.",
    "The information furnished in this report shall not be deemed filed for purposes of Section 18 of the "
    "Securities Exchange Act of 1934, as amended.",
    "The credit facility bears interest at a rate equal to the prime rate plus {p} basis points.",
    "No family relationships exist between the officer and any director or executive officer of the Company.",
    "The Company issued {n} shares of common stock in a private placement exempt from registration.",
)
_EXHIBIT_DESCRIPTIONS = ("Press Release dated {d}", "Credit Agreement dated as of {d}", "Amended and Restated Bylaws",
                         "Employment Agreement dated {d}", "Investor Presentation", "Underwriting Agreement")
_SIGNER_TITLES = (("Chief Executive Officer",), ("Executive Vice President and", "Chief Financial Officer"),
                  ("Senior Vice President, General", "Counsel and Secretary"), ("President",),
                  ("Vice President and Chief", "Accounting Officer"))


def _long_date(d: dt.date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def _center(text: str, width: int = 80) -> str:
    return text.center(width).rstrip()


def _paragraph(rng: random.Random, d: dt.date, count: int) -> str:
    sentences = [rng.choice(_SENTENCES).format(d=_long_date(d), co=_company_name(rng).title(),
                                               m=_money(rng, 1, 900), p=rng.randint(2, 40),
                                               n=f"{rng.randint(1000, 900000):,}")
                 for _ in range(count)]
    return " ".join(sentences)


def ascii_8k(rng: random.Random, size: str = "small") -> tuple[str, dict[str, list[dict]], dict]:
    iss = _issuer(rng)
    event = _date(rng, dt.date(2005, 1, 3), dt.date(2024, 12, 20))
    signed = event + dt.timedelta(days=rng.randint(0, 4))
    codes = sorted(rng.sample(_ITEM_CHOICES, k=rng.randint(1, 3 if size == "small" else 6)))
    exhibits: list[tuple[str, str]] = []
    if "9.01" not in codes and rng.random() < 0.7:
        n_ex = rng.randint(1, 3)
        for k in range(n_ex):
            exhibits.append((f"99.{k + 1}" if k else "99.1",
                             rng.choice(_EXHIBIT_DESCRIPTIONS).format(d=_long_date(event))))
        codes.append("9.01")
    upper_titles = rng.random() < 0.5
    former = _company_name(rng) if rng.random() < 0.2 else None
    out: list[str] = [
        _center("UNITED STATES"), _center("SECURITIES AND EXCHANGE COMMISSION"), _center("WASHINGTON, D.C. 20549"),
        "", "-" * 80, "", _center("FORM 8-K"), _center("CURRENT REPORT"),
        _center("PURSUANT TO SECTION 13 OR 15(d) OF THE"), _center("SECURITIES EXCHANGE ACT OF 1934"), "",
        f"Date of Report (Date of earliest event reported){' ' * 17}{_long_date(event)}", "",
        _center(iss.name), _center("-" * 54), _center("(Exact name of registrant as specified in its charter)"),
        "", "",
        f"{iss.incorporation[1]:^28}{'':13}{iss.file_number:^12}{'':12}{iss.irs:^19}",
        f"{'-' * 28}{'':13}{'-' * 12}{'':12}{'-' * 19}",
        "(State or other jurisdiction             (Commission             (I.R.S. Employer",
        "    of incorporation or                  File Number)            Identification No.)",
        "       organization)", "", "",
    ]
    street = iss.street1 + (f", {iss.street2}" if iss.street2 else "")
    out += [_center(street), _center(f"{iss.city.title()}, {iss.state} {iss.zip}"), _center("-" * 58),
            _center("(Address of principal executive offices) (Zip Code)"), "", "",
            f"Registrant's telephone number, including area code{' ' * 13}({iss.phone[:3]}) {iss.phone[4:]}", "",
            _center(former if former else "NOT APPLICABLE"), "-" * 80,
            _center("(Former name or Former Address, if Changed Since Last Report)"), "", "", ""]
    items: list[dict] = []
    from filingflow.reference import CURRENT_ITEM_TITLES  # the official titles are reference data, not reader output
    for code in codes:
        title = CURRENT_ITEM_TITLES[code]
        title_as_filed = title.upper() if upper_titles else title
        out.append(f"ITEM {code}. {title_as_filed}." if upper_titles else f"Item {code}. {title_as_filed}.")
        out.append("")
        body_lines: list[str] = []
        if code == "9.01":
            block = ["(d) Exhibits", ""]
            body_lines.append("         (d)      Exhibits")
            body_lines.append("")
            body_lines.append("                  Exhibit Number        Description")
            block.append("Exhibit Number Description")
            for number, desc in exhibits:
                wrapped = textwrap.wrap(desc, 40)
                body_lines.append(f"                  {number:<22}{wrapped[0]}")
                block.append(f"{number} {wrapped[0]}")
                for cont in wrapped[1:]:
                    body_lines.append(f"{' ' * 40}{cont}")
                    block.append(cont)
            text = "\n".join(block)
        else:
            paragraphs = [_paragraph(rng, event, rng.randint(1, 4 if size == "small" else 12))
                          for _ in range(rng.randint(1, 2 if size == "small" else 6))]
            block = []
            for p, para in enumerate(paragraphs):
                wrapped = textwrap.wrap(para, 72)
                body_lines += ["         " + wrapped[0]] + wrapped[1:] + [""]
                if p:
                    block.append("")
                block += wrapped
            text = "\n".join(block)
        out += body_lines + ["", ""]
        items.append({"item_index": len(items), "item_code": code, "item_code_current": code,
                      "numbering_era": "current", "title": title, "title_as_filed": title_as_filed, "text": text})
    n_signers = rng.choice((1, 1, 1, 2))
    signers = []
    for _ in range(n_signers):
        first, last = rng.choice(FIRST_NAMES).title(), rng.choice(LAST_NAMES).title()
        signers.append((f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}", rng.choice(_SIGNER_TITLES)))
    out += [_center("SIGNATURE"), "",
            "         Pursuant to the requirements of the Securities Exchange Act of 1934, as",
            "amended, the Registrant has duly caused this report to be signed on its behalf",
            "by the undersigned thereunto duly authorized.", "",
            f"         Dated: {_long_date(signed)}", "", f"{'':47}{iss.name}", ""]
    signature_rows = []
    for name, title_lines in signers:
        out += [f"{'':46}By: /s/ {name}", f"{'':46}{'-' * 33}", f"{'':46}{name}"]
        out += [f"{'':46}{t}" for t in title_lines]
        out += ["", ""]
        signature_rows.append({"signature_index": len(signature_rows), "name": name, "title": " ".join(title_lines),
                               "signed_date": signed})
    exhibit_rows = []
    if exhibits:
        out += ["", _center("EXHIBIT INDEX"), "", "", "EXHIBIT", "NUMBER            DESCRIPTION",
                "-------           -----------", ""]
        for number, desc in exhibits:
            wrapped = textwrap.wrap(desc, 50)
            out.append(f"{number:<18}{wrapped[0]}")
            out += [f"{'':18}{cont}" for cont in wrapped[1:]]
            exhibit_rows.append({"exhibit_number": number, "description": desc})
    text = "\n".join(out) + "\n"
    cid = content_id(text)
    filing = {
        "filing_id": cid, "accession_number": None, "content_id": cid, "form_type": "8-K", "is_amendment": False,
        "filed_date": None, "period_of_report": event, "issuer_name": iss.name, "issuer_cik": None,
        "issuer_ticker": None, "date_of_original_submission": None, "acceptance_datetime": None,
    }
    truth = {
        "filing_companies": [company_row(
            0, "registrant", name=iss.name, state_of_incorporation=iss.incorporation[0],
            sec_file_number=iss.file_number, irs_number=iss.irs, street1=street, city=iss.city.title(),
            state=iss.state, zip=iss.zip, phone=f"({iss.phone[:3]}) {iss.phone[4:]}",
            former_names=[former] if former else None)],
        "report_items": items, "exhibits": exhibit_rows, "signatures": signature_rows,
    }
    # sic, fiscal_year_end and cik are not on an 8-K cover: the reader leaves them null.
    return text, truth, filing
