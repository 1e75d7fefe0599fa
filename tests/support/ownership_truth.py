"""Truth for renderings of a Form 3/4/5: the reading of its XML, cut down to what a layout prints.

`expected(xml_text, layout)` reads the XML with `transforms.ownership_xml` and leaves null
what the layout cannot carry; `differences(page, truth)` lists every field where a reading
of the rendering differs. Layouts:

- "edgar_legacy": EDGAR's legacy ownership stylesheets ("Ownership Submission" page). It
  prints no CIK; checks the cover's relationship boxes for the first owner only (the
  Reporting Owners table prints X for director and 10% owner, and the officer title and
  other text, so an officer or other owner without a title shows no mark); rounds numbers
  to four decimals; the Form 4 cover leaves isOther and notSubjectToSection16 written
  'true' unchecked; Table II's A/D is only the column that holds the number.
- "edgar_current": EDGAR's current page (tests/support/edgar_current_page.py builds it).
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from lxml import etree

from transforms import ownership_xml
from transforms.model import ParsedFiling

LAYOUTS = ("edgar_legacy", "edgar_current")

FILING_FIELDS = ("form_type", "is_amendment", "filed_date", "period_of_report", "date_of_original_submission",
                 "issuer_name", "issuer_cik", "issuer_ticker", "not_subject_to_section16", "aff10b5_one",
                 "form3_holdings_reported", "form4_transactions_reported", "remarks")
ROW_FIELDS = ("row_index", "security_title", "transaction_date", "deemed_execution_date", "transaction_code",
              "shares", "price_per_share", "acquired_disposed", "shares_owned_after", "direct_indirect",
              "nature_of_ownership", "conversion_or_exercise_price", "exercise_date", "expiration_date",
              "underlying_title", "underlying_shares")
OWNER_FIELDS = ("owner_index", "owner_cik", "owner_name", "street1", "street2", "city", "state", "zip",
                "is_director", "is_officer", "is_ten_percent_owner", "is_other", "officer_title", "other_text")
SIGNATURE_FIELDS = ("signature_index", "name", "title", "as_filed", "signed_date")
ROW_TABLES = ("nonderiv_transactions", "nonderiv_holdings", "deriv_transactions", "deriv_holdings")
NUMBER_FIELDS = ("shares", "price_per_share", "shares_owned_after", "conversion_or_exercise_price",
                 "underlying_shares")
ROLE_FLAGS = ("is_director", "is_officer", "is_ten_percent_owner", "is_other")


class Rounded:
    """A number a layout prints with at most `places` decimals: equal to either rounding."""

    def __init__(self, value: Decimal, places: int = 4) -> None:
        self.value = value
        quantum = Decimal(1).scaleb(-places)
        self.allowed = {value.quantize(quantum, rounding=ROUND_HALF_UP),
                        value.quantize(quantum, rounding=ROUND_HALF_EVEN)}

    def __eq__(self, other) -> bool:
        return isinstance(other, Decimal) and (other == self.value or other in self.allowed)

    def __repr__(self) -> str:
        return f"Rounded({self.value})"


def _raw(root, path: str) -> str | None:
    element = root.find(path)
    if element is None:
        return None
    value = element.find("value")
    return ((value if value is not None else element).text or "").strip()


def _positive(text: str | None) -> bool:
    """XPath's `. > 0`, as the legacy stylesheet tests some boxes."""
    try:
        return text is not None and float(text) > 0
    except ValueError:
        return False


def expected(xml_text: str, layout: str) -> dict:
    """What a reading of `layout` made from this XML must give, field by field."""
    if layout not in LAYOUTS:
        raise ValueError(layout)
    filing = ownership_xml.read(xml_text)[0]
    root = etree.fromstring(ownership_xml.ownership_document_span(xml_text).encode("utf-8"),
                            etree.XMLParser(resolve_entities=False, no_network=True))
    legacy = layout == "edgar_legacy"
    form = filing.filing["form_type"].split("/")[0]
    truth: dict = {"filings": {f: filing.filing.get(f) for f in FILING_FIELDS}}
    head = truth["filings"]
    if (head["issuer_ticker"] or "").upper() in ("NONE", "N/A"):
        head["issuer_ticker"] = None  # the core's rule for box 2: '[NONE]' prints no ticker
    if legacy:
        if head["is_amendment"] and head["date_of_original_submission"] is None:
            # The legacy stylesheets print 'FORM 4' / 'FORM 3' for amendments too.
            head["form_type"], head["is_amendment"] = form, False
        head["issuer_cik"] = None
        head["aff10b5_one"] = None  # the 2002 stylesheet has no 10b5-1 box
        # Form 3 has no such box; Forms 4 and 5 check it only for a number above 0.
        raw = _raw(root, "notSubjectToSection16")
        head["not_subject_to_section16"] = None if form == "3" else (True if _positive(raw) else None)
        head["form3_holdings_reported"] = head["form4_transactions_reported"] = None
        if head["remarks"] is not None:
            head["remarks"] = " ".join(head["remarks"].split())
    elif form == "3":
        head["not_subject_to_section16"] = None
    else:  # the current page prints these boxes on every Form 4 and 5: unchecked when absent
        head["not_subject_to_section16"] = bool(head["not_subject_to_section16"])
        if form == "5":
            head["form3_holdings_reported"] = bool(head["form3_holdings_reported"])
            head["form4_transactions_reported"] = bool(head["form4_transactions_reported"])
    if form != "5":
        head["form3_holdings_reported"] = head["form4_transactions_reported"] = None
    signatures = filing.rows.get("signatures", [])
    head["filed_date"] = signatures[0]["signed_date"] if signatures else None

    for table in ROW_TABLES:
        rows = []
        for row in filing.rows.get(table, []):
            out = {f: row.get(f) for f in ROW_FIELDS}
            if table.startswith("deriv") and out["shares"] is None and row.get("transaction_value") is None:
                out["acquired_disposed"] = None  # the number's column is the only A/D Table II prints
            if legacy:
                for f in NUMBER_FIELDS:
                    if out[f] is not None:
                        out[f] = Rounded(out[f])
            rows.append(out)
        truth[table] = rows

    owners = []
    owner_elements = root.findall("reportingOwner")
    for index, row in enumerate(filing.rows.get("reporting_owners", [])):
        out = {f: row.get(f) for f in OWNER_FIELDS}
        for flag in ROLE_FLAGS:
            out[flag] = bool(out[flag])  # an absent flag is an unchecked box
        if legacy:
            out["owner_cik"] = None
            relationship = owner_elements[index].find("reportingOwnerRelationship")
            if index == 0 and form in ("3", "4"):  # the cover's boxes are the first owner's
                if form == "4" and not out["other_text"]:
                    raw_other = _raw(relationship, "isOther") if relationship is not None else None
                    out["is_other"] = True if _positive(raw_other) else None
            else:  # the Reporting Owners table: X for two roles, a title or text for the others
                out["is_officer"] = True if out["officer_title"] else None
                out["is_other"] = True if out["other_text"] else None
        owners.append(out)
    truth["reporting_owners"] = owners
    truth["signatures"] = []
    for row in signatures:
        truth["signatures"].append({f: row.get(f) for f in SIGNATURE_FIELDS})
    truth["footnotes"] = [(r["footnote_id"], r["text"]) for r in filing.rows.get("footnotes", [])]
    truth["footnote_refs"] = sorted(
        (r["table_name"], r["row_index"], r["field"], r["footnote_id"]) for r in filing.rows.get("footnote_refs", [])
        if r["table_name"] in ROW_TABLES and r["field"] in ROW_FIELDS)
    truth["filing_companies"] = [(c["role"], c["name"], head["issuer_ticker"], None if legacy else c["cik"])
                                 for c in filing.rows.get("filing_companies", [])]
    return truth


def reading(page: ParsedFiling) -> dict:
    """A reading of a rendering in the shape of `expected`."""
    out: dict = {"filings": {f: page.filing.get(f) for f in FILING_FIELDS}}
    for table in ROW_TABLES:
        out[table] = [{f: row.get(f) for f in ROW_FIELDS} for row in page.rows.get(table, [])]
    out["reporting_owners"] = [{f: row.get(f) for f in OWNER_FIELDS} for row in page.rows.get("reporting_owners", [])]
    out["signatures"] = [{f: row.get(f) for f in SIGNATURE_FIELDS} for row in page.rows.get("signatures", [])]
    out["footnotes"] = [(r["footnote_id"], r["text"]) for r in page.rows.get("footnotes", [])]
    out["footnote_refs"] = sorted(
        (r["table_name"], r["row_index"], r["field"], r["footnote_id"]) for r in page.rows.get("footnote_refs", [])
        if r["table_name"] in ROW_TABLES and r["field"] in ROW_FIELDS)
    out["filing_companies"] = [(c["role"], c["name"], c["ticker"], c["cik"])
                               for c in page.rows.get("filing_companies", [])]
    return out


def differences(got: dict, truth: dict) -> list[str]:
    """Every field where `got` (from `reading`) differs from `truth` (from `expected`)."""
    found: list[str] = []
    for field, want in truth["filings"].items():
        if got["filings"].get(field) != want:
            found.append(f"filings.{field}: {got['filings'].get(field)!r} != {want!r}")
    for table in (*ROW_TABLES, "reporting_owners", "signatures"):
        have, want_rows = got[table], truth[table]
        if len(have) != len(want_rows):
            found.append(f"{table}: {len(have)} rows != {len(want_rows)}")
        for index, (row, want) in enumerate(zip(have, want_rows)):
            for field, value in want.items():
                if not (value == row.get(field)) and not (value is None and row.get(field) is None):
                    found.append(f"{table}[{index}].{field}: {row.get(field)!r} != {value!r}")
    for key in ("footnotes", "footnote_refs", "filing_companies"):
        if got[key] != truth[key]:
            missing = [x for x in truth[key] if x not in got[key]]
            extra = [x for x in got[key] if x not in truth[key]]
            found.append(f"{key}: missing {missing[:3]!r}, extra {extra[:3]!r}")
    return found


def field_count(truth: dict) -> int:
    """How many fields `truth` holds (the denominator of an accuracy)."""
    rows = sum(len(r) for t in (*ROW_TABLES, "reporting_owners", "signatures") for r in truth[t])
    return len(truth["filings"]) + rows + len(truth["footnotes"]) + len(truth["footnote_refs"])

