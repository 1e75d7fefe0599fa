"""One company_id per real company, however its name is spelled.

Matching order: CIK; then SEC file number, IRS number, normalized name and
ticker. A filing that brings a CIK for a company known only by name merges
the two (the name-only id is rewritten to the CIK id)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from transforms.values import pad_cik

_STATE_TAG = re.compile(r"\s*/[A-Z]{2,3}/?\s*$")  # "PRODUCTIVITY TECHNOLOGIES CORP /DE"
_PUNCT = re.compile(r"[^A-Z0-9 ]+")
_SPACES = re.compile(r"\s+")
_SYNONYMS = {
    "CO": "COMPANY", "CORP": "CORPORATION", "INC": "INCORPORATED", "LTD": "LIMITED",
    "INTL": "INTERNATIONAL", "MGMT": "MANAGEMENT", "HLDGS": "HOLDINGS", "BANCORPORATION": "BANCORP",
    "LP": "LP", "L P": "LP", "LLC": "LLC", "PLC": "PLC", "THE": "",
}


def normalize_name(name: str | None) -> str | None:
    """'Apartment Investment & Management Co.' -> 'APARTMENT INVESTMENT AND MANAGEMENT COMPANY'."""
    if not name:
        return None
    n = _STATE_TAG.sub("", name.upper())
    n = n.replace("&", " AND ").replace("'", "")
    n = _PUNCT.sub(" ", n)
    words = [_SYNONYMS.get(w, w) for w in _SPACES.sub(" ", n).strip().split(" ")]
    return " ".join(w for w in words if w) or None


@dataclass(eq=False)  # one object per company_id: identity is equality, and cheap in big buckets
class Company:
    company_id: str
    cik: str | None = None
    normalized_name: str | None = None
    sec_file_numbers: set[str] = field(default_factory=set)
    irs_numbers: set[str] = field(default_factory=set)
    tickers: set[str] = field(default_factory=set)


def _id_for(cik: str | None, normalized: str | None) -> str:
    return f"cik:{cik}" if cik else f"name:{normalized}"


class CompanyResolver:
    """Resolves company mentions (rows of filing_companies) against the
    companies already known; records merges of name-only ids into CIK ids."""

    def __init__(self) -> None:
        self.merges: dict[str, str] = {}
        self._by_id: dict[str, Company] = {}
        self._by_cik: dict[str, Company] = {}
        self._by_key: dict[tuple[str, str], list[Company]] = {}
        self._keys_of: dict[str, list[tuple[str, str]]] = {}  # company_id -> the buckets it is in

    def learn(self, company_id: str, mention: dict) -> None:
        """Teach the resolver a mention already resolved in an earlier run."""
        company = self._by_id.get(company_id) or Company(
            company_id, pad_cik(mention.get("cik")), normalize_name(mention.get("name")))
        self._remember(company, mention)

    def _remember(self, company: Company, mention: dict) -> Company:
        company = self._by_id.setdefault(company.company_id, company)
        if company.cik:
            self._by_cik[company.cik] = company
        for kind, value in self._keys(mention):
            bucket = self._by_key.setdefault((kind, value), [])
            if company not in bucket:
                bucket.append(company)
                self._keys_of.setdefault(company.company_id, []).append((kind, value))
        return company

    @staticmethod
    def _keys(mention: dict) -> list[tuple[str, str]]:
        keys = []
        if mention.get("sec_file_number"):
            keys.append(("file", mention["sec_file_number"].strip()))
        if mention.get("irs_number"):
            irs = re.sub(r"\D", "", mention["irs_number"])
            if irs and int(irs):
                keys.append(("irs", irs))
        normalized = mention.get("normalized_name") or normalize_name(mention.get("name"))
        if normalized:
            keys.append(("name", normalized))
        if mention.get("ticker"):
            keys.append(("ticker", mention["ticker"].strip().upper()))
        return keys

    def _match(self, mention: dict, *, want_cik: str | None) -> Company | None:
        for key in self._keys(mention):
            candidates = [c for c in self._by_key.get(key, []) if c.company_id not in self.merges]
            if want_cik:
                # A CIK mention only absorbs companies that have no CIK yet.
                candidates = [c for c in candidates if not c.cik]
            if len(candidates) == 1:
                return candidates[0]
        return None

    def resolve(self, mention: dict) -> str | None:
        cik = pad_cik(mention.get("cik"))
        normalized = normalize_name(mention.get("name"))
        if not cik and not normalized:
            return None
        mention = {**mention, "normalized_name": normalized}
        if cik and cik in self._by_cik:
            return self._remember(self._by_cik[cik], mention).company_id
        match = self._match(mention, want_cik=cik)
        if match is None:
            return self._remember(Company(_id_for(cik, normalized), cik, normalized), mention).company_id
        if cik and not match.cik:
            merged = Company(_id_for(cik, normalized), cik, normalized)
            self.merges[match.company_id] = merged.company_id
            for key in self._keys_of.get(match.company_id, []):
                bucket = self._by_key[key]
                bucket[bucket.index(match)] = merged
            self._keys_of[merged.company_id] = list(self._keys_of.get(match.company_id, []))
            self._by_id[merged.company_id] = merged
            self._by_cik[cik] = merged
            return self._remember(merged, mention).company_id
        return self._remember(match, mention).company_id


# Words that mark a reporting owner as an entity (fund, partnership, company,
# trust) rather than a person. A fixed list, matched as whole words after
# "L.L.C." -> "LLC" style folding; no per-file guessing.
ENTITY_WORDS = frozenset({
    "LLC", "LLP", "LP", "LLLP", "PLLC", "INC", "INCORPORATED", "CORP", "CORPORATION", "COMPANY", "CORPORATE",
    "LTD", "LIMITED", "PLC", "PTE", "GMBH", "AG", "SA", "SAS", "SARL", "NV", "BV", "AB", "ASA", "KG", "SPA",
    "FUND", "FUNDS", "TRUST", "TRUSTS", "FOUNDATION", "ENDOWMENT", "HOLDINGS", "HOLDING", "HLDGS",
    "CAPITAL", "PARTNERS", "PARTNERSHIP", "MANAGEMENT", "MGMT", "ADVISORS", "ADVISERS", "ADVISORY",
    "INVESTMENTS", "INVESTMENT", "INVESTORS", "VENTURES", "VENTURE", "EQUITY", "GROUP", "ASSOCIATES",
    "BANK", "BANCORP", "FINANCIAL", "SECURITIES", "INSURANCE", "ASSET", "ASSETS", "OPPORTUNITY",
    "OPPORTUNITIES", "OFFSHORE", "ONSHORE", "INTERNATIONAL", "INDUSTRIES", "ENTERPRISES",
    "TECHNOLOGIES", "SYSTEMS", "PHARMACEUTICALS", "THERAPEUTICS", "ACQUISITION", "SPONSOR", "AGGREGATOR",
    "ESTATE", "UNIVERSITY", "PENSION", "RETIREMENT", "PLAN",
})
# Only as the last word: "SMITH & CO", not a person called Co.
_ENTITY_LAST_WORDS = frozenset({"CO"})
_DOTTED = re.compile(r"\b((?:[A-Z]\.){2,})")  # L.L.C. / L.P. / S.A.


def _entity_tokens(name: str) -> list[str]:
    n = _DOTTED.sub(lambda m: m.group(1).replace(".", "") + " ", name.upper())
    return [w for w in _SPACES.split(_PUNCT.sub(" ", n.replace("'", ""))) if w]


def is_entity_name(name: str | None) -> bool:
    """True for owner names like 'SVF II Holdings (DE) LLC', 'Smith Family Trust';
    False for people ('HERZOG THOMAS M', 'Van Doren Richard D. Jr.')."""
    if not name:
        return False
    words = _entity_tokens(name)
    if not words:
        return False
    return any(w in ENTITY_WORDS for w in words) or words[-1] in _ENTITY_LAST_WORDS


# The same list as a regular expression, for a cheap SQL pre-filter (DuckDB/RE2).
ENTITY_NAME_SQL_PATTERN = r"(?i)(\b(" + "|".join(sorted(ENTITY_WORDS)) + r")\b)|(\bCO\.?\s*$)|(([A-Z]\.){2,})"
