"""Ownership XML (Forms 3, 4, 5 and their amendments): one <ownershipDocument> to rows.

Reads every field the SEC's Form 3/4/5 data sets carry. The document is parsed
once with a locked-down lxml parser and walked once, child by child, with
dispatch tables from XML element to schema column; every <footnoteId> becomes
a footnote_refs row on the column it sits in."""
from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from decimal import Decimal

from lxml import etree

from filingflow.reference import TRANSACTION_CODE_SET
from filingflow.schema import FORM_TYPES_OWNERSHIP, TABLES
from transforms import ownership_form as of
from transforms.errors import ParseError
from transforms.model import ParsedFiling, blank_filing_row, content_filing_id
from transforms.values import ImpossibleValue, pad_cik, parse_bool, parse_decimal, read_date

FORMAT = "ownership_xml"

_START = re.compile(r"<ownershipDocument(?=[\s>/])")
_END = re.compile(r"</ownershipDocument\s*>")
_PROLOGUE = re.compile(r"\A(?:[\s\ufeff]+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*", re.S)
_SGML_MARKERS = ("<SEC-DOCUMENT>", "<SEC-HEADER>", "<SUBMISSION>")
_SNIFF_BYTES = 2048

# DECIMAL(38, 8): 30 integer digits, 8 fractional digits.
_MAX_SCALE = 8
_MAX_INTEGER_DIGITS = 30
_XSD_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_CIK = re.compile(r"\d{1,10}", re.ASCII)


# --- locating and parsing ---------------------------------------------------

def sniff(text: str) -> bool:
    """The root element, after any declaration, comments or DOCTYPE, is <ownershipDocument>."""
    head = text[:_SNIFF_BYTES]
    if "<ownershipDocument" not in head or any(marker in head for marker in _SGML_MARKERS):
        return False
    return head.startswith("<ownershipDocument", _PROLOGUE.match(head).end())


def _locate(text: str) -> tuple[int, int]:
    start = _START.search(text)
    if start is None:
        raise ParseError("not_ownership_xml", "no <ownershipDocument> element in the text")
    end = _END.search(text, start.end())
    if end is not None:
        return start.start(), end.end()
    tag_end = text.find(">", start.end())
    if tag_end != -1 and text[tag_end - 1] == "/":
        return start.start(), tag_end + 1
    line = text.count("\n", 0, start.start()) + 1
    raise ParseError("truncated", f"<ownershipDocument> opened on line {line} is never closed: "
                                  f"the document ends early, after {len(text)} characters")


def ownership_document_span(text: str) -> str:
    """Text from `<ownershipDocument` to `</ownershipDocument>` inclusive: what the
    content id hashes, so the same XML cut from any wrapper gets the same id."""
    start, end = _locate(text)
    return text[start:end]


def _reject_entity_declarations(text: str) -> None:
    # Entities are the billion-laughs and XXE vectors; ownership XML never declares any.
    if "<!DOCTYPE" in text and "<!ENTITY" in text:
        raise ParseError("hostile_xml", "the document has a DOCTYPE declaring entities "
                                        "(entity expansion or external entity attack); refused unparsed")


_local = threading.local()
# Blank text between elements is dropped while parsing (a third faster: no node for it), except
# when a footnote holds markup: there a blank between two inline elements separates words.
_MARKUP_IN_FOOTNOTE = re.compile(r"<footnote\b[^>]*>[^<]*<(?!/footnote\s*>)")


def _parser(keep_blank_text: bool) -> etree.XMLParser:
    # lxml parsers must not be shared between threads.
    parsers = getattr(_local, "parsers", None)
    if parsers is None:
        parsers = _local.parsers = {
            keep: etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                                  remove_comments=True, collect_ids=False, remove_blank_text=not keep)
            for keep in (False, True)}
    return parsers[keep_blank_text]


def _parse(span: str, first_line: int) -> etree._Element:
    try:
        data = span.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ParseError("malformed_xml", f"character {exc.start} of the document cannot be encoded "
                                          f"({exc.reason}): not XML text") from exc
    footnotes = span.find("<footnotes")
    keep_blank_text = footnotes != -1 and _MARKUP_IN_FOOTNOTE.search(span, footnotes) is not None
    try:
        root = etree.fromstring(data, _parser(keep_blank_text))
    except etree.XMLSyntaxError as exc:
        line = (exc.lineno or 1) + first_line - 1
        raise ParseError("malformed_xml", f"line {line}: {exc.msg}") from exc
    except etree.LxmlError as exc:
        raise ParseError("malformed_xml", f"lxml could not parse the document: {exc}") from exc
    if root.tag[0] == "{":
        _drop_namespaces(root)
    return root


def _drop_namespaces(root: etree._Element) -> None:
    # EDGAR ownership XML has no namespace; a default xmlns from other software must not hide every field.
    for el in root.iter(etree.Element):
        if el.tag[0] == "{":
            el.tag = el.tag.split("}", 1)[1]


# --- values --------------------------------------------------------------------

# Where a value sits, for error messages: a name, or (element, index) spelled only when an error needs it.
ValueLocation = str | tuple[str, int]


def _describe_location(where: ValueLocation) -> str:
    return where if isinstance(where, str) else f"{where[0]} #{where[1] + 1}"


class _BadValue(Exception):
    """A value that does not fit its column; turned into ParseError with its location."""


def _text(text: str) -> str | None:
    return " ".join(text.split()) or None


def _decimal(text: str) -> Decimal | None:
    t = text.strip()
    if not t:
        return None
    if _XSD_DECIMAL.fullmatch(t):
        value = Decimal(t)
        dot = t.find(".")
        within_scale = dot == -1 or len(t) - dot - 1 <= _MAX_SCALE
    else:
        # Tolerate what filers type by hand ("1,000", "$ 5.25"); words are still refused.
        value = parse_decimal(t) if t.isascii() else None
        if value is None:
            raise _BadValue(f"{t[:40]!r} is not a number")
        within_scale = False
    if value.adjusted() >= _MAX_INTEGER_DIGITS:
        raise _BadValue(f"{t[:40]!r} has more than {_MAX_INTEGER_DIGITS} integer digits")
    if within_scale:
        return value
    sign, digits, exponent = value.as_tuple()
    if exponent < -_MAX_SCALE:
        # Trailing zeros beyond the scale are harmless; any other digit there would be lost.
        kept = len(digits)
        while exponent < -_MAX_SCALE and kept > 1 and digits[kept - 1] == 0:
            kept -= 1
            exponent += 1
        if exponent < -_MAX_SCALE:
            raise _BadValue(f"{t[:40]!r} has more than {_MAX_SCALE} decimal places")
        value = Decimal((sign, digits[:kept], exponent))
    return value


def _date(text: str) -> dt.date | None:
    t = text.strip()
    if not t:
        return None
    try:
        value = read_date(t)
    except ImpossibleValue as e:
        raise _BadValue(str(e)) from None
    if value is None:
        raise _BadValue(f"{t[:40]!r} is not a date")
    return value


def _bool(text: str) -> bool | None:
    value = parse_bool(text)
    if value is None and text.strip():
        raise _BadValue(f"{text.strip()[:40]!r} is not a boolean (0/1, true/false)")
    return value


def _cik(text: str) -> str | None:
    t = text.strip()
    if not t:
        return None
    if not _CIK.fullmatch(t):
        raise _BadValue(f"{t[:40]!r} is not a CIK (up to 10 digits)")
    return pad_cik(t)


def _code(allowed: tuple[str, ...]) -> Callable[[str], str | None]:
    def convert(text: str) -> str | None:
        t = text.strip().upper()
        if not t:
            return None
        if t not in allowed:
            raise _BadValue(f"{t[:40]!r} is not one of {', '.join(allowed)}")
        return t
    return convert


Converter = Callable[[str], object]
# XML element -> (column, converter, the converter's cache of text -> value)
FieldSpec = dict[str, tuple[str, Converter, dict]]

# Filings repeat their values (dates, codes, flags, prices, titles): a text once converted is
# looked up, not converted again. Values are immutable; errors are never cached; long texts
# (remarks) are not kept, and a full cache starts over, so memory stays bounded.
_CACHES: dict[Converter, dict] = {}
_CACHE_LIMIT = 50_000
_CACHED_TEXT_CHARS = 80
_MISS = object()


def clear_caches() -> None:
    """Forget every memoised value (for measurements that repeat the same files)."""
    for cache in _CACHES.values():
        cache.clear()


def _with_caches(fields: dict[str, tuple[str, Converter]]) -> FieldSpec:
    return {tag: (column, convert, _CACHES.setdefault(convert, {})) for tag, (column, convert) in fields.items()}


def _convert(convert: Converter, cache: dict, text: str, tag: str, where: ValueLocation) -> object:
    try:
        value = convert(text)
    except _BadValue as exc:
        raise ParseError("invalid_value", f"{_describe_location(where)} <{tag}>: {exc}") from None
    if len(text) <= _CACHED_TEXT_CHARS:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[text] = value
    return value


# --- field maps: XML element -> (column, converter) -----------------------------

_FILING_FIELDS = _with_caches({
    "documentType": ("form_type", _text),
    "periodOfReport": ("period_of_report", _date),
    "dateOfOriginalSubmission": ("date_of_original_submission", _date),
    "notSubjectToSection16": ("not_subject_to_section16", _bool),
    "noSecuritiesOwned": ("no_securities_owned", _bool),
    "aff10b5One": ("aff10b5_one", _bool),
    "form3HoldingsReported": ("form3_holdings_reported", _bool),
    "form4TransactionsReported": ("form4_transactions_reported", _bool),
    "remarks": ("remarks", _text),
})
_ISSUER_FIELDS = _with_caches({
    "issuerCik": ("issuer_cik", _cik),
    "issuerName": ("issuer_name", _text),
    "issuerTradingSymbol": ("issuer_ticker", _text),
})
_OWNER_FIELDS = _with_caches({
    "rptOwnerCik": ("owner_cik", _cik),
    "rptOwnerName": ("owner_name", _text),
    "rptOwnerStreet1": ("street1", _text),
    "rptOwnerStreet2": ("street2", _text),
    "rptOwnerCity": ("city", _text),
    "rptOwnerState": ("state", _text),
    "rptOwnerZipCode": ("zip", _text),
    "rptOwnerStateDescription": ("state_description", _text),
    "isDirector": ("is_director", _bool),
    "isOfficer": ("is_officer", _bool),
    "isTenPercentOwner": ("is_ten_percent_owner", _bool),
    "isOther": ("is_other", _bool),
    "officerTitle": ("officer_title", _text),
    "otherText": ("other_text", _text),
})
_OWNER_GROUPS = frozenset({"reportingOwnerId", "reportingOwnerAddress", "reportingOwnerRelationship"})
_SIGNATURE_FIELDS = _with_caches({
    "signatureName": ("name", _text),
    "signatureDate": ("signed_date", _date),
})
_ROW_FIELDS = _with_caches({
    "securityTitle": ("security_title", _text),
    "conversionOrExercisePrice": ("conversion_or_exercise_price", _decimal),
    "transactionDate": ("transaction_date", _date),
    "deemedExecutionDate": ("deemed_execution_date", _date),
    "transactionFormType": ("form_type_code", _text),
    "transactionCode": ("transaction_code", _code(tuple(sorted(TRANSACTION_CODE_SET)))),
    "equitySwapInvolved": ("equity_swap_involved", _bool),
    "transactionTimeliness": ("transaction_timeliness", _text),
    "transactionShares": ("shares", _decimal),
    "transactionTotalValue": ("transaction_value", _decimal),
    "transactionPricePerShare": ("price_per_share", _decimal),
    "transactionAcquiredDisposedCode": ("acquired_disposed", _code(("A", "D"))),
    "exerciseDate": ("exercise_date", _date),
    "expirationDate": ("expiration_date", _date),
    "underlyingSecurityTitle": ("underlying_title", _text),
    "underlyingSecurityShares": ("underlying_shares", _decimal),
    "underlyingSecurityValue": ("underlying_value", _decimal),
    "sharesOwnedFollowingTransaction": ("shares_owned_after", _decimal),
    "valueOwnedFollowingTransaction": ("value_owned_after", _decimal),
    "directOrIndirectOwnership": ("direct_indirect", _code(("D", "I"))),
    "natureOfOwnership": ("nature_of_ownership", _text),
})
_ROW_GROUPS = frozenset({"transactionCoding", "transactionAmounts", "postTransactionAmounts",
                         "ownershipNature", "underlyingSecurity"})


class _RowKind:
    """How one kind of Table I/II element maps onto its table."""

    def __init__(self, table: str) -> None:
        columns = TABLES[table].column_index
        self.table = table
        self.fields = {tag: spec for tag, spec in _ROW_FIELDS.items() if spec[0] in columns}
        self.template = blank_filing_row(table)
        # A mark on <transactionCoding> itself belongs to the code (or, for holdings, the form type).
        self.container_fields = {"transactionCoding": "transaction_code" if "transaction_code" in columns
                                 else "form_type_code"}


_ROW_KINDS = {
    "nonDerivativeTransaction": _RowKind("nonderiv_transactions"),
    "nonDerivativeHolding": _RowKind("nonderiv_holdings"),
    "derivativeTransaction": _RowKind("deriv_transactions"),
    "derivativeHolding": _RowKind("deriv_holdings"),
}
_TABLE_ROWS = {"nonDerivativeTable": ("nonDerivativeTransaction", "nonDerivativeHolding"),
               "derivativeTable": ("derivativeTransaction", "derivativeHolding")}
_OWNER_TEMPLATE = blank_filing_row("reporting_owners")
_FILING_TEMPLATE = dict.fromkeys(spec[0] for spec in (*_FILING_FIELDS.values(), *_ISSUER_FIELDS.values()))
_NO_GROUPS: frozenset[str] = frozenset()


# --- walking the tree --------------------------------------------------------------

def _footnote_id(el: etree._Element, where: ValueLocation) -> str:
    fid = (el.get("id") or "").strip()
    if not fid:
        raise ParseError("invalid_value", f"{_describe_location(where)}: a <footnoteId> has no id")
    return fid


def _field_text(el: etree._Element, column: str, refs: list[tuple[str, str]], where: ValueLocation) -> str | None:
    """A field with children: its value is in a <value> child (else its own text), its marks
    are the <footnoteId>s in it at any depth."""
    text = None
    has_value = False
    for part in el:
        part_tag = part.tag
        if part_tag == "value":
            text, has_value = part.text, True
            if len(part):
                refs.extend((column, _footnote_id(f, where)) for f in part.iter("footnoteId"))
        elif part_tag == "footnoteId":
            refs.append((column, _footnote_id(part, where)))
        elif isinstance(part_tag, str):
            refs.extend((column, _footnote_id(f, where)) for f in part.iter("footnoteId"))
    return text if has_value else el.text


def _read_field(el: etree._Element, spec: tuple[str, Converter, dict], out: dict,
                refs: list[tuple[str, str]], where: ValueLocation) -> None:
    # Nearly every field is a plain leaf or holds one <value> leaf; anything else
    # (marks, stray children) takes _field_text.
    children = len(el)
    if not children:
        text = el.text
    elif children == 1 and (part := el[0]).tag == "value" and not len(part):
        text = part.text
    else:
        text = _field_text(el, spec[0], refs, where)
    if text is not None:
        column, convert, cache = spec
        value = cache.get(text, _MISS)
        out[column] = _convert(convert, cache, text, el.tag, where) if value is _MISS else value


def _read_fields(el: etree._Element, fields: FieldSpec, groups: frozenset[str], out: dict,
                 refs: list[tuple[str, str]], where: ValueLocation,
                 container_fields: dict[str, str] | None = None) -> None:
    """Children of `el` into `out` (column -> value) and `refs` ((column, footnote id)).

    A mark outside any known field is kept on the XML element it sits in
    (or the column `container_fields` names for it), so none is lost."""
    for child in el:
        tag = child.tag
        spec = fields.get(tag)
        if spec is not None:
            _read_field(child, spec, out, refs, where)
        elif tag in groups:
            _read_fields(child, fields, groups, out, refs, where, container_fields)
        elif tag == "footnoteId":
            field = container_fields.get(el.tag, el.tag) if container_fields else el.tag
            refs.append((field, _footnote_id(child, where)))
        elif isinstance(tag, str):
            refs.extend((tag, _footnote_id(f, where)) for f in child.iter("footnoteId"))


def _read_flat(el: etree._Element, fields: FieldSpec, groups: frozenset[str], out: dict,
               refs: list[tuple[str, str]], where: ValueLocation, container_fields: dict[str, str] | None = None) -> bool:
    """What _read_fields reads, in one pass over the descendants of `el` (a quarter faster on
    table rows, which are most of a filing); False, with `out` and `refs` part-filled, at
    anything but known fields, groups and marks, for _read_fields to read instead.

    Document order with each field's child count is the tree: a field's children follow it,
    and since they must be leaves, exactly len(field) of them. Anything else met is a child of
    `el` or of a group."""
    remaining = 0  # children of the current field not yet met
    for child in el.iterdescendants():
        tag = child.tag
        if remaining:
            remaining -= 1
            if len(child):
                return False
            if tag == "value":
                text, has_value = child.text, True
            elif tag == "footnoteId":
                refs.append((spec[0], _footnote_id(child, where)))
            if remaining:
                continue
            if not has_value:
                text = field_el.text
        else:
            spec = fields.get(tag)
            if spec is None:
                if tag in groups:
                    continue
                if tag != "footnoteId" or len(child):
                    return False
                parent = child.getparent().tag
                refs.append((container_fields.get(parent, parent) if container_fields else parent,
                             _footnote_id(child, where)))
                continue
            remaining = len(child)
            if remaining:
                field_el, has_value, text = child, False, None
                continue
            field_el, text = child, child.text
        if text is not None:
            column, convert, cache = spec
            value = cache.get(text, _MISS)
            out[column] = _convert(convert, cache, text, field_el.tag, where) if value is _MISS else value
    return True


def _read_record(el: etree._Element, fields: FieldSpec, groups: frozenset[str], template: dict, where: ValueLocation,
                 container_fields: dict[str, str] | None = None) -> tuple[dict, list[tuple[str, str]]]:
    """One row (a transaction, a holding, an owner): its columns and its marks."""
    row: dict = dict(template)
    refs: list[tuple[str, str]] = []
    if not _read_flat(el, fields, groups, row, refs, where, container_fields):
        row, refs = dict(template), []
        _read_fields(el, fields, groups, row, refs, where, container_fields)
    return row, refs


class _Document:
    """Accumulates one filing while the root's children are walked once."""

    def __init__(self, filing_id: str) -> None:
        # _decimal refuses what DECIMAL(38, 8) cannot hold.
        self.parsed = ParsedFiling(filing={"filing_id": filing_id, "content_id": filing_id, **_FILING_TEMPLATE},
                                   decimals_checked=True)
        self.filing_refs: list[tuple[str, str]] = []
        self.row_counts = {"nonDerivativeTable": 0, "derivativeTable": 0}
        self.seen_refs: set[tuple[str, int, str, str]] = set()
        self.footnote_texts: dict[str, str | None] = {}

    def add_refs(self, table: str, row_index: int, refs: list[tuple[str, str]]) -> None:
        if not refs:
            return
        rows = self.parsed.rows.setdefault("footnote_refs", [])
        for field, footnote_id in refs:
            key = (table, row_index, field, footnote_id)
            if key not in self.seen_refs:  # the same mark twice on one field is one ref
                self.seen_refs.add(key)
                rows.append({"table_name": table, "row_index": row_index, "field": field, "footnote_id": footnote_id})

    def read_root(self, root: etree._Element) -> None:
        filing, refs = self.parsed.filing, self.filing_refs
        for child in root:
            tag = child.tag
            spec = _FILING_FIELDS.get(tag)
            if spec is not None:
                _read_field(child, spec, filing, refs, "ownershipDocument")
            elif tag in _TABLE_ROWS:
                self.read_table(child)
            elif tag == "reportingOwner":
                self.read_owner(child)
            elif tag == "issuer":
                _read_fields(child, _ISSUER_FIELDS, _NO_GROUPS, filing, refs, "issuer")
            elif tag == "footnotes":
                self.read_footnotes(child)
            elif tag == "ownerSignature":
                self.read_signature(child)
            elif tag == "footnoteId":
                refs.append(("ownershipDocument", _footnote_id(child, "ownershipDocument")))
            elif isinstance(tag, str):
                refs.extend((tag, _footnote_id(f, tag)) for f in child.iter("footnoteId"))

    def read_table(self, table_el: etree._Element) -> None:
        table_tag = table_el.tag
        allowed = _TABLE_ROWS[table_tag]
        for row_el in table_el:
            tag = row_el.tag
            if tag in allowed:
                kind = _ROW_KINDS[tag]
                row_index = self.row_counts[table_tag]
                self.row_counts[table_tag] = row_index + 1
                row, refs = _read_record(row_el, kind.fields, _ROW_GROUPS, kind.template, (tag, row_index),
                                         kind.container_fields)
                row["row_index"] = row_index
                self.parsed.rows.setdefault(kind.table, []).append(row)
                self.add_refs(kind.table, row_index, refs)
            elif isinstance(tag, str):
                field = table_el.tag if tag == "footnoteId" else tag
                self.filing_refs.extend((field, _footnote_id(f, table_el.tag)) for f in row_el.iter("footnoteId"))

    def read_owner(self, owner_el: etree._Element) -> None:
        rows = self.parsed.rows.setdefault("reporting_owners", [])
        owner_index = len(rows)
        row, refs = _read_record(owner_el, _OWNER_FIELDS, _OWNER_GROUPS, _OWNER_TEMPLATE,
                                 ("reportingOwner", owner_index))
        row["owner_index"] = owner_index
        rows.append(row)
        self.add_refs("reporting_owners", owner_index, refs)

    def read_footnotes(self, footnotes_el: etree._Element) -> None:
        for el in footnotes_el:
            if el.tag == "footnote":
                self.read_footnote(el)
            elif el.tag == "footnoteId":
                self.filing_refs.append(("footnotes", _footnote_id(el, "footnotes")))

    def read_footnote(self, el: etree._Element) -> None:
        footnote_id = (el.get("id") or "").strip()
        if not footnote_id:
            raise ParseError("invalid_value", f"footnote #{len(self.footnote_texts) + 1} has no id")
        text = " ".join(((el.text or "") if not len(el) else "".join(el.itertext())).split()) or None
        if footnote_id in self.footnote_texts:
            if self.footnote_texts[footnote_id] != text:
                raise ParseError("duplicate_footnote",
                                 f"footnote {footnote_id} is given twice with different texts")
            return
        self.footnote_texts[footnote_id] = text
        self.parsed.add("footnotes", {"footnote_id": footnote_id, "text": text})

    def read_signature(self, el: etree._Element) -> None:
        index = len(self.parsed.rows.get("signatures", ()))
        row = {"signature_index": index, "name": None, "title": None, "signed_date": None}
        refs: list[tuple[str, str]] = []
        _read_fields(el, _SIGNATURE_FIELDS, _NO_GROUPS, row, refs, f"ownerSignature #{index + 1}")
        self.parsed.add("signatures", of.signature_row(index, row["name"], row["signed_date"]))
        # footnote_refs has no signatures table: a mark on a signature stays on the filing.
        self.filing_refs.extend(("ownerSignature", footnote_id) for _, footnote_id in refs)

    def finish(self) -> ParsedFiling:
        filing = self.parsed.filing
        form_type = filing.get("form_type")
        if form_type is None:
            raise ParseError("missing_field", "the ownership document has no <documentType>")
        form_type = form_type.upper()
        if form_type not in FORM_TYPES_OWNERSHIP:
            raise ParseError("invalid_value", f"<documentType> {form_type[:40]!r} is not one of "
                                              f"{', '.join(FORM_TYPES_OWNERSHIP)}")
        filing["form_type"] = form_type
        filing["is_amendment"] = form_type.endswith("/A")
        # No filing date in the XML itself: the form's filed-date rule takes the first signature's.
        filing["filed_date"] = None
        of.finish(self.parsed)
        self.add_refs("filings", 0, self.filing_refs)
        return self.parsed


def read(text: str) -> list[ParsedFiling]:
    # Only the span from the root element on is parsed, so no declaration before it takes effect;
    # a document declaring entities is still named hostile, before any other error.
    try:
        start, end = _locate(text)
    except ParseError:
        _reject_entity_declarations(text)
        raise
    if "<!DOCTYPE" in text[:start]:  # where a DOCTYPE stands: no need to scan the whole text otherwise
        _reject_entity_declarations(text)
    span = text[start:end]
    try:
        root = _parse(span, text.count("\n", 0, start) + 1)
    except ParseError:
        _reject_entity_declarations(text)
        raise
    document = _Document(content_filing_id(span))
    document.read_root(root)
    return [document.finish()]
