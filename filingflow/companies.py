"""One company_id per real company, however its name is spelled.

Matching order: CIK; then SEC file number, IRS number, normalized name and
ticker. A filing that brings a CIK for a company known only by name merges
the two (the name-only id is rewritten to the CIK id).

`CompanyResolver` decides in memory; `resolve_companies` applies it to the
warehouse inside the load transaction (mentions, merges, filings.company_id,
the companies and company_names rows)."""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from filingflow.identifiers import pad_cik

_UDF_NUMBERS = itertools.count()
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


_NON_DIGITS = re.compile(r"\D")


def mention_keys(mention: dict) -> list[tuple[str, str]]:
    """The keys besides the CIK a mention can match a company by: file number, IRS number,
    normalized name, ticker."""
    keys = []
    if mention.get("sec_file_number"):
        keys.append(("file", mention["sec_file_number"].strip()))
    if mention.get("irs_number"):
        irs = _NON_DIGITS.sub("", mention["irs_number"])
        if irs and int(irs):
            keys.append(("irs", irs))
    normalized = mention.get("normalized_name") or normalize_name(mention.get("name"))
    if normalized:
        keys.append(("name", normalized))
    if mention.get("ticker"):
        keys.append(("ticker", mention["ticker"].strip().upper()))
    return keys


def stored_keys(mention: dict) -> list[tuple[str, str]]:
    """The company_keys rows (kind, value) a mention gives its company: its CIK, padded, and its mention_keys."""
    cik = pad_cik(mention.get("cik"))
    return [("cik", cik), *mention_keys(mention)] if cik else mention_keys(mention)


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
        self._crowds: dict[tuple[str, str], int] = {}  # key -> stored companies with a CIK known only by count

    def learn(self, company_id: str, mention: dict) -> None:
        """Teach the resolver a mention already resolved in an earlier run."""
        self.know(company_id, pad_cik(mention.get("cik")), mention_keys(mention))

    def know(self, company_id: str, cik: str | None, keys: list[tuple[str, str]]) -> None:
        """Teach the resolver a company stored by an earlier run: its CIK (if any) and keys besides the CIK."""
        company = self._by_id.get(company_id) or Company(company_id)
        # Any of its mentions may carry the CIK (others may not, e.g. one filed with CIK 0), in any order.
        company.cik = company.cik or cik
        self._remember(company, keys)

    def know_crowd(self, key: tuple[str, str], count: int) -> None:
        """Teach the resolver that `count` stored companies with a CIK share `key` with at least one other
        stored company. Buckets only grow, so such a key never picks one company for a mention without
        CIK, and a CIK mention only looks at companies without CIK: these companies need not be known
        one by one (at scale, popular names and tickers are shared by hundreds)."""
        self._crowds[key] = self._crowds.get(key, 0) + count

    def _remember(self, company: Company, keys: list[tuple[str, str]]) -> Company:
        company = self._by_id.setdefault(company.company_id, company)
        if company.cik:
            self._by_cik[company.cik] = company
        for kind, value in keys:
            bucket = self._by_key.setdefault((kind, value), [])
            if company not in bucket:
                bucket.append(company)
                self._keys_of.setdefault(company.company_id, []).append((kind, value))
        return company

    def _match(self, keys: list[tuple[str, str]], *, want_cik: str | None) -> Company | None:
        for key in keys:
            if not want_cik and self._crowds.get(key):
                continue  # shared by two stored companies or more
            candidates = [c for c in self._by_key.get(key, []) if c.company_id not in self.merges]
            if want_cik:
                # A CIK mention only absorbs companies that have no CIK yet.
                candidates = [c for c in candidates if not c.cik]
            if len(candidates) == 1:
                return candidates[0]
        return None

    def resolve(self, mention: dict) -> str | None:
        """The company_id of `mention`; None when it has no CIK and no name."""
        normalized = normalize_name(mention.get("name"))
        return self.resolve_keys(pad_cik(mention.get("cik")), normalized,
                                 mention_keys({**mention, "normalized_name": normalized}))

    def resolve_keys(self, cik: str | None, normalized: str | None, keys: list[tuple[str, str]]) -> str | None:
        """resolve() for a mention whose padded CIK, normalized name and mention_keys are worked out."""
        if not cik and not normalized:
            return None
        if cik and cik in self._by_cik:
            return self._remember(self._by_cik[cik], keys).company_id
        match = self._match(keys, want_cik=cik)
        if match is None:
            return self._remember(Company(_id_for(cik, normalized), cik, normalized), keys).company_id
        if cik and not match.cik:
            merged = Company(_id_for(cik, normalized), cik, normalized)
            self.merges[match.company_id] = merged.company_id
            for key in self._keys_of.get(match.company_id, []):
                bucket = self._by_key[key]
                bucket[bucket.index(match)] = merged
            self._keys_of[merged.company_id] = list(self._keys_of.get(match.company_id, []))
            self._by_id[merged.company_id] = merged
            self._by_cik[cik] = merged
            return self._remember(merged, keys).company_id
        return self._remember(match, keys).company_id


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


# Which company a filing is "about", in order of preference.
_FILING_COMPANY_ROLES = ("issuer", "registrant", "subject_company", "filer", "filed_by")


# Unresolved mentions turned into Python objects at a time (they wait as Arrow columns, about a tenth
# of their size as objects): the resolver keeps companies (a few per issuer), not mentions.
RESOLVE_BATCH = 50_000


@dataclass(frozen=True)
class Resolved:
    """What resolve_companies changed: the companies that absorbed others (merge targets: mentions of
    earlier filings now point to them), and those whose identity (CIK, name, ticker: what other tables
    show of a company) is not what it was, new and removed ones included; None when every company
    was rebuilt."""

    merged: set[str]
    restated: set[str] | None


def resolve_companies(con: duckdb.DuckDBPyConnection, losing: set[str], filing_ids: list[str] | None = None
                      ) -> Resolved:
    """Give every unresolved company mention a company_id, apply merges,
    set filings.company_id and rebuild the companies, company_names and
    company_keys rows of the companies that changed: those mentions were
    resolved to, merged, and `losing` (companies that lost mentions with the
    run's replaced filings).

    Mentions are the company blocks of filing_companies and the reporting
    owners that are entities (is_entity_name: LLC, LP, FUND, TRUST, ...);
    people get no company_id. CIK mentions resolve first. Stored companies
    are known to the resolver by their company_keys rows.

    `filing_ids`: the filings whose mentions may be unresolved (a run's new filings), so that the
    mentions left unresolved for good (people, mentions without name or CIK) of the rest of the
    warehouse are not read again every run; None reads every unresolved mention."""
    if not con.execute("SELECT EXISTS (SELECT 1 FROM company_keys)").fetchone()[0]:
        _build_keys(con, None)  # a warehouse of an older version, or new: keys from every stored mention
    elif losing:
        _build_keys(con, losing)  # before resolving: the resolver must know them as they are now
    entity = "regexp_matches({col}, '" + ENTITY_NAME_SQL_PATTERN.replace("'", "''") + "')"
    only = "" if filing_ids is None else " AND filing_id IN (SELECT filing_id FROM _pending_filings)"
    con.register("_pending_filings", pa.table({"filing_id": pa.array(filing_ids or [], pa.string())}))
    try:
        # In the order they resolve in (CIK mentions first), as columns: turned into Python objects
        # RESOLVE_BATCH at a time. Not a temporary table: it would hold DuckDB memory (capped for the
        # run) until the load commits.
        pending_all = con.execute(
            "SELECT * FROM (SELECT 'filing_companies' AS tbl, filing_id, company_index, cik, name, ticker, sec_file_number, irs_number, role "
            "FROM filing_companies WHERE company_id IS NULL" + only + " AND (role <> 'reporting_owner' OR "
            + entity.replace("{col}", "name") + ") "
            "UNION ALL SELECT 'reporting_owners', filing_id, owner_index, owner_cik, owner_name, NULL, NULL, NULL, NULL "
            "FROM reporting_owners WHERE company_id IS NULL" + only + " AND " + entity.replace("{col}", "owner_name") + ") "
            "ORDER BY cik IS NULL, filing_id, tbl, company_index").to_arrow_table()
    finally:
        con.unregister("_pending_filings")
    resolver = CompanyResolver()
    loaded: set[tuple[str, str]] = set()  # keys whose stored companies the resolver knows
    resolved_to: set[str] = set()
    found: list[pa.Table] = []  # (tbl, filing_id, idx, company_id) of the mentions resolved, batch by batch
    found_keys: list[pa.Table] = []  # (company_id, kind, value): their stored_keys, batch by batch
    for start in range(0, pending_all.num_rows, RESOLVE_BATCH):
        part = pending_all.slice(start, RESOLVE_BATCH)
        pending = list(zip(*(part[c].to_pylist() for c in part.column_names)))
        # The resolver looks up a mention's CIK and keys only: the stored companies under each key are
        # known from the first batch holding a mention with it, before any such mention resolves.
        # A company merged meanwhile is known under the id that absorbed it.
        # Each mention's CIK, normalized name and keys, worked out once for the look-up and the resolving.
        keyed = [(pad_cik(cik), normalized := normalize_name(name), mention_keys(
            {"name": name, "ticker": ticker, "sec_file_number": file_no, "irs_number": irs, "normalized_name": normalized}))
            for _, _, _, cik, name, ticker, file_no, irs, _ in pending]
        companies_known, crowds = _known_keys(con, keyed, loaded)
        for cid, cik, keys in companies_known:
            resolver.know(resolver.merges.get(cid, cid), cik, keys)
        for key, count in crowds:
            resolver.know_crowd(key, count)
        del companies_known, crowds
        updates: list[tuple[str, str, int, str]] = []
        keys_found: set[tuple[str, str, str]] = set()
        for (tbl, fid, idx, _, name, _, _, _, role), (cik, normalized, keys) in zip(pending, keyed):
            if (tbl == "reporting_owners" or role == "reporting_owner") and not is_entity_name(name):
                continue  # the SQL pattern only pre-filters; people stay without company_id
            company_id = resolver.resolve_keys(cik, normalized, keys)
            if company_id:
                updates.append((tbl, fid, idx, company_id))
                keys_found.update((company_id, kind, value) for kind, value in keys)
                if cik:
                    keys_found.add((company_id, "cik", cik))
        del pending, keyed
        if updates:
            resolved_to.update(u[3] for u in updates)
            found.append(pa.table({
                "tbl": pa.array([u[0] for u in updates], pa.string()),
                "filing_id": pa.array([u[1] for u in updates], pa.string()),
                "idx": pa.array([u[2] for u in updates], pa.int32()),
                "company_id": pa.array([u[3] for u in updates], pa.string())}))
            found_keys.append(_key_table(keys_found))
    del pending_all
    if found:
        con.register("_resolved", pa.concat_tables(found))
        try:
            for tbl, index_col in (("filing_companies", "company_index"), ("reporting_owners", "owner_index")):
                con.execute(f"UPDATE {tbl} SET company_id = r.company_id FROM _resolved r "
                            f"WHERE r.tbl = '{tbl}' AND {tbl}.filing_id = r.filing_id AND {tbl}.{index_col} = r.idx")
        finally:
            con.unregister("_resolved")
    del found
    con.register("_merges", pa.table({"old": pa.array(list(resolver.merges), pa.string()),
                                      "new": pa.array(list(resolver.merges.values()), pa.string())}))
    try:
        if resolver.merges:  # a merge target has a CIK and is never merged again: one pass applies them all
            for tbl in ("filing_companies", "reporting_owners"):
                con.execute(f"UPDATE {tbl} SET company_id = m.new FROM _merges m WHERE {tbl}.company_id = m.old")
        _add_keys(con, found_keys, bool(resolver.merges))
        _set_filing_companies(con, filing_ids)
    finally:
        con.unregister("_merges")
    changed = losing | set(resolver.merges) | set(resolver.merges.values()) | resolved_to
    # A warehouse whose companies table was never filled (written by an older version) is rebuilt whole.
    whole = con.execute("SELECT count(*) FROM companies").fetchone()[0] == 0
    if whole:
        _rebuild_companies(con, None)
        return Resolved(set(resolver.merges.values()), None)
    before = _identities(con, changed)
    _rebuild_companies(con, changed)
    return Resolved(set(resolver.merges.values()), {row[0] for row in before ^ _identities(con, changed)})


def _set_filing_companies(con: duckdb.DuckDBPyConnection, filing_ids: list[str] | None) -> None:
    """filings.company_id from the filing's company mentions, for the filings whose mentions may have
    changed company: those of `filing_ids` (None: every filing) and those naming a merge target (the
    merges in relation _merges, applied)."""
    roles = ", ".join(f"'{r}'" for r in _FILING_COMPANY_ROLES)
    order = " ".join(f"WHEN '{r}' THEN {i}" for i, r in enumerate(_FILING_COMPANY_ROLES))
    con.register("_pending_filings", pa.table({"filing_id": pa.array(filing_ids or [], pa.string())}))
    scope = "" if filing_ids is None else """ AND filing_id IN (
        SELECT filing_id FROM _pending_filings
        UNION SELECT filing_id FROM filing_companies WHERE company_id IN (SELECT new FROM _merges))"""
    try:
        con.execute(f"""
            UPDATE filings SET company_id = fc.company_id FROM (
                SELECT filing_id, arg_min(company_id, (CASE role {order} END, company_index)) AS company_id
                FROM filing_companies WHERE role IN ({roles}) AND company_id IS NOT NULL{scope} GROUP BY filing_id
            ) fc WHERE filings.filing_id = fc.filing_id AND filings.company_id IS DISTINCT FROM fc.company_id""")
    finally:
        con.unregister("_pending_filings")


def _key_table(rows: Iterable[tuple[str, str, str]]) -> pa.Table:
    rows = sorted(rows)
    return pa.table({"company_id": pa.array([r[0] for r in rows], pa.string()),
                     "kind": pa.array([r[1] for r in rows], pa.string()),
                     "value": pa.array([r[2] for r in rows], pa.string())})


def _build_keys(con: duckdb.DuckDBPyConnection, companies: set[str] | None) -> None:
    """The company_keys rows of `companies` (None: of all) anew, from their stored mentions."""
    con.register("_keys_of", pa.table({"company_id": pa.array(sorted(companies or []), pa.string())}))
    only = "" if companies is None else " AND company_id IN (SELECT company_id FROM _keys_of)"
    try:
        con.execute("DELETE FROM company_keys WHERE true" + only)
        reader = con.execute(
            "SELECT DISTINCT company_id, cik, name, ticker, sec_file_number, irs_number FROM ("
            "SELECT company_id, cik, name, ticker, sec_file_number, irs_number FROM filing_companies "
            "WHERE company_id IS NOT NULL" + only + " UNION ALL "
            "SELECT company_id, owner_cik, owner_name, NULL, NULL, NULL FROM reporting_owners "
            "WHERE company_id IS NOT NULL" + only + ")").to_arrow_reader(RESOLVE_BATCH)
        keys: set[tuple[str, str, str]] = set()  # one row per company and key: far fewer than mentions
        normalized: dict[str, str | None] = {}  # a name is spelled alike in many mentions
        for batch in reader:
            for cid, cik, name, ticker, file_no, irs in zip(*(c.to_pylist() for c in batch.columns)):
                if name not in normalized:
                    normalized[name] = normalize_name(name)
                keys.update((cid, kind, value) for kind, value in stored_keys(
                    {"cik": cik, "name": name, "ticker": ticker, "sec_file_number": file_no, "irs_number": irs,
                     "normalized_name": normalized[name]}))
        del normalized
        con.register("_keys_built", _key_table(keys))
        try:
            con.execute("INSERT INTO company_keys SELECT company_id, kind, value FROM _keys_built")
        finally:
            con.unregister("_keys_built")
    finally:
        con.unregister("_keys_of")


def _add_keys(con: duckdb.DuckDBPyConnection, found: list[pa.Table], merged: bool) -> None:
    """Add to company_keys the keys of the mentions just resolved (`found`), and move the rows of merged
    companies (relation _merges) to the companies that absorbed them."""
    if merged:
        con.execute("UPDATE company_keys SET company_id = m.new FROM _merges m WHERE company_keys.company_id = m.old")
        # A merge target may now hold a key twice: once its own, once its absorbed company's.
        con.execute("CREATE OR REPLACE TEMP TABLE _keys_merged AS SELECT DISTINCT company_id, kind, value "
                    "FROM company_keys WHERE company_id IN (SELECT new FROM _merges)")
        try:
            con.execute("DELETE FROM company_keys WHERE company_id IN (SELECT new FROM _merges)")
            con.execute("INSERT INTO company_keys SELECT * FROM _keys_merged")
        finally:
            con.execute("DROP TABLE IF EXISTS _keys_merged")
    if not found:
        return
    con.register("_keys_found", pa.concat_tables(found))
    try:
        con.execute("""
            INSERT INTO company_keys
            SELECT DISTINCT coalesce(m.new, f.company_id), f.kind, f.value
            FROM _keys_found f LEFT JOIN _merges m ON m.old = f.company_id
            WHERE NOT EXISTS (SELECT 1 FROM company_keys k WHERE k.company_id = coalesce(m.new, f.company_id)
                              AND k.kind = f.kind AND k.value = f.value)""")
    finally:
        con.unregister("_keys_found")


def _identities(con: duckdb.DuckDBPyConnection, companies: set[str]) -> set[tuple]:
    if not companies:
        return set()
    con.register("_identity_of", pa.table({"company_id": pa.array(sorted(companies), pa.string())}))
    try:
        return set(con.execute("SELECT company_id, cik, name, ticker FROM companies "
                               "WHERE company_id IN (SELECT company_id FROM _identity_of)").fetchall())
    finally:
        con.unregister("_identity_of")


def _known_keys(con: duckdb.DuckDBPyConnection, pending: list[tuple[str | None, str | None, list[tuple[str, str]]]],
                loaded: set[tuple[str, str]]
                ) -> tuple[list[tuple[str, str | None, list[tuple[str, str]]]], list[tuple[tuple[str, str], int]]]:
    """What the resolver must know of the stored companies to resolve `pending` (mentions as padded CIK,
    normalized name and mention_keys) as if it knew them all:
    for each CIK and key (file number, IRS number, normalized name, ticker) of a pending mention not in
    `loaded` (added to it), the stored companies under it (company_keys), as (company_id, CIK, [key]);
    but where two companies or more share a key, those with a CIK come as a count, (key, count)
    (CompanyResolver.know_crowd). A join with company_keys: its cost follows the mentions and the
    companies they name, not the warehouse."""
    wanted = sorted(({("cik", cik) for cik, _, _ in pending if cik} | {key for _, _, keys in pending for key in keys})
                    - loaded)
    loaded.update(wanted)
    if not wanted:
        return [], []
    con.register("_wanted", pa.table({"kind": pa.array([k for k, _ in wanted], pa.string()),
                                      "value": pa.array([v for _, v in wanted], pa.string())}))
    try:
        rows = con.execute("""
            WITH hit AS MATERIALIZED (
                SELECT company_id, kind, value FROM company_keys JOIN _wanted USING (kind, value)
            ), ciks AS (
                SELECT company_id, min(value) AS cik FROM company_keys
                WHERE kind = 'cik' AND company_id IN (SELECT company_id FROM hit) GROUP BY company_id
            ), h AS (
                SELECT hit.*, ciks.cik, count(*) OVER (PARTITION BY kind, value) AS sharing
                FROM hit LEFT JOIN ciks USING (company_id)
            )
            SELECT kind, value, company_id, cik, NULL FROM h WHERE sharing = 1 OR cik IS NULL OR kind = 'cik'
            UNION ALL
            SELECT kind, value, NULL, NULL, count(*) FROM h WHERE sharing > 1 AND cik IS NOT NULL AND kind <> 'cik'
            GROUP BY kind, value
            ORDER BY ALL""").fetchall()
    finally:
        con.unregister("_wanted")
    known = [(cid, cik, [] if kind == "cik" else [(kind, value)]) for kind, value, cid, cik, count in rows if cid]
    crowds = [((kind, value), count) for kind, value, cid, _, count in rows if not cid]
    return known, crowds


def _rebuild_companies(con: duckdb.DuckDBPyConnection, changed: set[str] | None) -> None:
    """Recompute the companies and company_names rows of the `changed` companies (None: of all): each
    row derives from its company's mentions alone."""
    if changed is not None and not changed:
        return
    con.register("_changed", pa.table({"company_id": pa.array(sorted(changed or []), pa.string())}))
    only = "" if changed is None else " AND company_id IN (SELECT company_id FROM _changed)"
    # A name of its own per call: a transaction rolled back keeps DuckDB's Python-side registration
    # of the function while dropping it from the catalog, so the name could not be registered again.
    normalize = f"ff_normalize_name_{next(_UDF_NUMBERS)}"
    con.create_function(normalize, normalize_name, ["VARCHAR"], "VARCHAR",
                        null_handling="special", side_effects=False)
    try:
        con.execute("DELETE FROM companies WHERE true" + only)
        # The latest filing's facts win; every other spelling becomes other_names.
        con.execute("""
            INSERT INTO companies
            WITH mentions AS (
                SELECT filing_id, 0 AS src, company_index AS idx, company_id, cik, name, ticker,
                       state_of_incorporation, sec_file_number, irs_number, street1, street2, city, state, zip,
                       phone, former_names
                FROM filing_companies WHERE company_id IS NOT NULL""" + only + """
                UNION ALL
                SELECT filing_id, 1, owner_index, company_id, owner_cik, owner_name, NULL, NULL, NULL, NULL, street1,
                       street2, city, state, zip, NULL, NULL
                FROM reporting_owners WHERE company_id IS NOT NULL""" + only + """
            ), m AS (
                -- last: the latest mention first, ties broken by filing and position so that any
                -- rebuild (whole or of some companies) picks the same one.
                SELECT mentions.*, coalesce(f.filed_date, f.period_of_report) AS seen,
                       CASE WHEN seen IS NOT NULL THEN (seen, filing_id, src, idx) END AS last
                FROM mentions JOIN filings f USING (filing_id)
            )
            SELECT company_id,
                   max(cik),
                   arg_max(name, (seen, name IS NOT NULL, filing_id, src, idx)) FILTER (WHERE name IS NOT NULL),
                   """ + normalize + """(arg_max(name, last) FILTER (WHERE name IS NOT NULL)),
                   arg_max(ticker, last) FILTER (WHERE ticker IS NOT NULL),
                   arg_max(state_of_incorporation, last) FILTER (WHERE state_of_incorporation IS NOT NULL),
                   arg_max(sec_file_number, last) FILTER (WHERE sec_file_number IS NOT NULL),
                   arg_max(irs_number, last) FILTER (WHERE irs_number IS NOT NULL),
                   arg_max(street1, last) FILTER (WHERE street1 IS NOT NULL),
                   arg_max(street2, last) FILTER (WHERE street1 IS NOT NULL),
                   arg_max(city, last) FILTER (WHERE city IS NOT NULL),
                   arg_max(state, last) FILTER (WHERE state IS NOT NULL),
                   arg_max(zip, last) FILTER (WHERE zip IS NOT NULL),
                   arg_max(phone, last) FILTER (WHERE phone IS NOT NULL),
                   list_sort(list_distinct(flatten(list(list_concat([name], coalesce(former_names, [])))))),
                   count(DISTINCT filing_id)
            FROM m GROUP BY company_id
        """)
        con.execute("""
            UPDATE companies SET other_names = list_filter(other_names, n -> n IS DISTINCT FROM name)
            WHERE true""" + only)
        con.execute("DELETE FROM company_names WHERE true" + only)
        con.execute("""
            INSERT INTO company_names
            WITH spellings AS (
                SELECT company_id, trim(name) AS name, filing_id, false AS former
                FROM filing_companies WHERE company_id IS NOT NULL""" + only + """
                UNION ALL
                SELECT company_id, trim(unnest(former_names)), filing_id, true
                FROM filing_companies WHERE company_id IS NOT NULL AND len(former_names) > 0""" + only + """
                UNION ALL
                SELECT company_id, trim(owner_name), filing_id, false
                FROM reporting_owners WHERE company_id IS NOT NULL""" + only + """
            ), dated AS (
                SELECT s.*, coalesce(f.filed_date, f.period_of_report) AS seen
                FROM spellings s JOIN filings f USING (filing_id)
                WHERE nullif(s.name, '') IS NOT NULL
            )
            SELECT company_id, name, """ + normalize + """(name), bool_and(former),
                   arg_min(filing_id, (coalesce(seen, DATE '9999-12-31'), filing_id)),
                   min(seen), max(seen), count(DISTINCT filing_id)
            FROM dated GROUP BY company_id, name
        """)
    finally:
        try:
            con.remove_function(normalize)
            con.unregister("_changed")
        except duckdb.TransactionException:
            pass  # the statement above failed and aborted the load's transaction: its error is the one to see
