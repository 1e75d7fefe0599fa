"""EDGAR submissions: the SGML full submission (.txt, with or without the PEM
wrapper), the dissemination .nc file, and header-only files (a bare header,
or an EDGAR index page with the header inside <PRE>).

The header gives the accession number, dates and companies; every <DOCUMENT>
is listed; the primary document (the first whose own reader yields a filing
of the submission's form) is read by that reader and provides the rows. The
header fills in what the document lacks."""
from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from transforms.eight_k import registrant_differences
from transforms.errors import ParseError
from transforms.exhibit_links import link_documents
from transforms.html_text import html_text
from transforms.model import ParsedFiling, content_filing_id
from transforms.sgml_header import HeaderCompany, SubmissionHeader, parse_header
from transforms.values import clean_text, pad_cik

FORMAT = "sgml_submission"
NC_FORMAT = "nc_submission"
HEADER_ONLY_FORMAT = "header_only"

SNIFF_CHARS = 4096
# Plain substring tests: every file read is sniffed here first, and `in` is far faster than a regex.
_SNIFF_MARKERS = ("<SEC-DOCUMENT>", "<SEC-HEADER>", "<IMS-DOCUMENT>", "<IMS-HEADER>", "<SUBMISSION>",
                  "&lt;SEC-HEADER&gt;", "-----BEGIN PRIVACY-ENHANCED MESSAGE-----")
# Each marker with its longest piece without a space, tested first: `in` skips along the text by
# the length of what it seeks only past characters that are not in it, so a string holding a
# space crawls through the spaces of a rendering (several times slower than the piece).
_SNIFF_KEYS = tuple((max(marker.split(" "), key=len), marker) for marker in _SNIFF_MARKERS)
# A header saved without its tags starts straight with these lines.
_BARE_HEADER = re.compile(r"^ACCESSION NUMBER:.*\n(?:.*\n){0,3}?CONFORMED SUBMISSION TYPE:", re.M)
# One document cut out of a submission with its SGML wrapper, and no header.
_DOCUMENT_FRAGMENT = re.compile(r"\A\s*<DOCUMENT>[ \t]*\n<TYPE>")

_PRE_CLOSE = re.compile(r"</pre>", re.I)
_DOC_META = re.compile(r"^<(TYPE|SEQUENCE|FILENAME|DESCRIPTION)>(.*)$", re.M)
_WRAPPER_OPEN = re.compile(r"\s*<(XML|XBRL)>[ \t]*\n")
_PAGE_MARK = re.compile(r"^<PAGE>[ \t]*\d*[ \t]*\n", re.M)
_BINARY_BODY = re.compile(r"\A\s*(?:<PDF>|begin [0-7]{3} )")
_HTML_HINT = re.compile(r"<(?:html|body|div|p|table|font|br)\b", re.I)

# Forms some reader turns into rows: an error reading their primary document fails the submission.
_FORMS_WITH_READERS = frozenset({"3", "4", "5", "8-K"})


def sniff(text: str) -> bool:
    head = text[:SNIFF_CHARS]
    return (any(key in head and marker in head for key, marker in _SNIFF_KEYS)
            or ("ACCESSION" in head and "ACCESSION NUMBER:" in head and _BARE_HEADER.search(head) is not None)
            or _DOCUMENT_FRAGMENT.match(head) is not None)


# Tag lines are found with str.find, not `^...$` regexes in MULTILINE mode: those have
# no literal prefix to skip ahead with and try every character of megabytes of text.

def _tag_line(text: str, tag: str, start: int = 0, end: int | None = None,
              alone: bool = True) -> tuple[int, int] | None:
    """(start, end) of the first `tag` that begins a line in text[start:end] and, when
    `alone`, is followed by nothing but spaces or tabs on its line; end is after those."""
    end = len(text) if end is None else end
    at = start
    while (at := text.find(tag, at, end)) != -1:
        if at == 0 or text[at - 1] == "\n":
            stop = at + len(tag)
            if not alone:
                return at, stop
            while stop < end and text[stop] in " \t":
                stop += 1
            if stop == end or text[stop] == "\n":
                return at, stop
        at += 1
    return None


@dataclass
class _Document:
    sequence: int
    document_type: str | None
    filename: str | None
    description: str | None
    body: str | None  # None for the entries of an index page, which only link to the files
    reader: str | None = None

    def row(self) -> dict:
        is_exhibit_99 = (self.document_type or "").upper().startswith("EX-99")
        return {
            "sequence": self.sequence,
            "document_type": self.document_type,
            "filename": self.filename,
            "description": self.description,
            "size_bytes": None if self.body is None else (
                len(self.body) if self.body.isascii() else len(self.body.encode("utf-8"))),
            "reader": self.reader,
            "text": exhibit_text(self.body) if is_exhibit_99 and self.body is not None else None,
        }


@dataclass
class _Layout:
    header_text: str
    documents_text: str
    source_format: str
    is_index_page: bool = False


def _base_form(form_type: str | None) -> str:
    form = (form_type or "").strip().upper()
    return form[:-2] if form.endswith("/A") else form


def _index_page_listing(text: str) -> str | None:
    """The escaped submission listing inside <PRE> of an EDGAR -index.html page."""
    at = text.find("&lt;SEC-HEADER&gt;", 0, SNIFF_CHARS * 4)
    if at == -1:
        return None
    start = text[:at].lower().rfind("<pre>")
    if start == -1:
        return None
    end = _PRE_CLOSE.search(text, at)
    return html.unescape(text[start + len("<pre>"):end.start() if end else len(text)])


def _layout(text: str) -> _Layout:
    """Cut the text into header and documents; raises `truncated` for a header cut short."""
    if (listing := _index_page_listing(text)) is not None:
        layout = _submission_layout(listing)
        return _Layout(layout.header_text, layout.documents_text, HEADER_ONLY_FORMAT, is_index_page=True)
    return _submission_layout(text)


def _submission_layout(text: str) -> _Layout:
    first_document = _tag_line(text, "<DOCUMENT>")
    head_end = first_document[0] if first_document else len(text)
    if m := _tag_line(text, "<SUBMISSION>", 0, head_end):
        end = _tag_line(text, "</SUBMISSION>", m[1], head_end, alone=False)
        if first_document is None and end is None:
            raise ParseError("truncated",
                             "the <SUBMISSION> header never ends: no <DOCUMENT> and no </SUBMISSION> follow it")
        stop = end[0] if end else head_end
        return _Layout(text[m[1]:stop], text[stop:], NC_FORMAT)
    opens = [(m, kind) for kind in ("SEC", "IMS") if (m := _tag_line(text, f"<{kind}-HEADER>", 0, head_end, alone=False))]
    if opens:
        m, kind = min(opens)
        close = _tag_line(text, f"</{kind}-HEADER>", m[1], head_end, alone=False)
        if close:
            return _Layout(text[m[1]:close[0]], text[close[1]:], FORMAT)
        if first_document is None:
            raise ParseError("truncated", f"the file ends inside the header: <{kind}-HEADER> has no "
                                          f"</{kind}-HEADER> and no <DOCUMENT> follows")
        return _Layout(text[m[1]:head_end], text[head_end:], FORMAT)
    return _Layout(text[:head_end], text[head_end:], FORMAT)


def _split_documents(text: str, is_index_page: bool) -> list[_Document]:
    documents: list[_Document] = []
    seen: set[int] = set()
    pos = 0
    while m := _tag_line(text, "<DOCUMENT>", pos):
        ordinal = len(documents) + 1
        end = _tag_line(text, "</DOCUMENT>", m[1])
        if end is None:
            raise ParseError("truncated",
                             f"document {ordinal} of the submission has no </DOCUMENT>: the file ends inside it")
        if _tag_line(text, "<DOCUMENT>", m[1], end[0]):
            raise ParseError("truncated",
                             f"document {ordinal} of the submission has no </DOCUMENT> before the next <DOCUMENT>")
        document = _document(text, m[1], end[0], ordinal, is_index_page)
        if document.sequence in seen:
            raise ParseError("duplicate_document",
                             f"two documents of the submission have <SEQUENCE>{document.sequence}")
        seen.add(document.sequence)
        documents.append(document)
        pos = end[1]
    return documents


def _document(text: str, start: int, end: int, ordinal: int, is_index_page: bool) -> _Document:
    """The document in text[start:end]; positions rather than a slice: bodies run to megabytes."""
    text_tag = _tag_line(text, "<TEXT>", start, end)
    meta_text = text[start:text_tag[0] if text_tag else end]
    meta: dict[str, str] = {}
    for name, value in _DOC_META.findall(meta_text):
        meta.setdefault(name, value.strip())
    body = ""
    if text_tag:
        body_start = text_tag[1] + (text.startswith("\n", text_tag[1], end))
        close = text.rfind("</TEXT>", body_start, end)
        body = text[body_start:close if close != -1 else end]
    sequence = meta.get("SEQUENCE", "")
    return _Document(
        sequence=int(sequence) if sequence.isdigit() and len(sequence) < 9 else ordinal,
        document_type=clean_text(meta.get("TYPE")),
        filename=clean_text(meta.get("FILENAME")),
        description=clean_text(meta.get("DESCRIPTION")),
        body=None if is_index_page else body,
    )


def exhibit_text(body: str) -> str | None:
    """Plain text of an exhibit: HTML rendered as the 8-K documents are (transforms.html_text)."""
    if _BINARY_BODY.match(body):
        return None
    payload = _payload(body)
    if not _HTML_HINT.search(payload[:SNIFF_CHARS]):
        return _PAGE_MARK.sub("", payload).strip() or None
    try:
        return html_text(payload) or None
    except ParseError:
        return None


def _payload(body: str) -> str:
    """What the document's own reader reads: the body inside an <XML> or <XBRL> wrapper."""
    if m := _WRAPPER_OPEN.match(body):
        close = _tag_line(body, f"</{m.group(1)}>", m.end(), alone=False)
        if close:
            return body[m.end():close[0]]
    return body


def _read_primary(documents: list[_Document], form_type: str | None,
                  reader_for: Callable[[str], ModuleType]) -> ParsedFiling | None:
    """Read documents of the submission's form until one yields a filing of that form."""
    form = _base_form(form_type)
    for document in documents:
        if document.body is None or _base_form(document.document_type) != form:
            continue  # only a document of the submission's own form can be its primary document
        if _BINARY_BODY.match(document.body):
            continue
        payload = _payload(document.body)
        try:
            reader = reader_for(payload)
        except ParseError as exc:
            if exc.code == "unrecognized_format":
                continue
            raise
        if reader.FORMAT == FORMAT:
            continue  # a whole submission pasted into a document is not its primary document (nor read twice)
        try:
            filings = reader.read(payload)
        except ParseError as exc:
            if form not in _FORMS_WITH_READERS:
                continue  # a reader claimed a document of a form it cannot read: list it unread
            raise ParseError(exc.code, f"primary document (sequence {document.sequence}, type "
                                       f"{document.document_type}) could not be read: {exc.detail}") from exc
        for parsed in filings:
            if _base_form(parsed.filing.get("form_type") or document.document_type) == form:
                document.reader = reader.FORMAT
                return parsed
    return None


def _issuer(header: SubmissionHeader, form_type: str) -> HeaderCompany | None:
    """Forms 3/4/5 name the issuer in ISSUER / SUBJECT COMPANY; other forms in FILER."""
    if _base_form(form_type) in {"3", "4", "5"}:
        preferred = header.companies_in("issuer", "subject_company") or header.companies_in("filer")
    else:
        preferred = header.companies_in("filer") or header.companies_in("subject_company", "issuer")
    return preferred[0] if preferred else None


_SAME_ROLE = {"issuer": "issuer", "subject_company": "issuer", "filer": "filer", "registrant": "filer"}


def _same_company(header_row: dict, doc_row: dict) -> bool:
    header_role, doc_role = header_row["role"], doc_row.get("role")
    if _SAME_ROLE.get(header_role, header_role) != _SAME_ROLE.get(doc_role, doc_role):
        return False
    if doc_row.get("cik"):
        return pad_cik(doc_row["cik"]) == header_row["cik"]
    return bool(doc_row.get("name")) and (doc_row["name"] or "").upper() == (header_row["name"] or "").upper()


def _merge_companies(header_rows: list[dict], document_rows: list[dict]) -> list[dict]:
    """The header's company blocks, completed by what the document adds (a ticker, a company the header lacks)."""
    merged = [dict(row) for row in header_rows]
    for doc_row in document_rows:
        match = next((row for row in merged if _same_company(row, doc_row)), None)
        # A cover that disagrees with the header (a company that moved) is kept beside it, and flagged.
        if match is None or (doc_row.get("role") == "registrant" and registrant_differences(doc_row, match)):
            merged.append({**doc_row, "company_index": len(merged)})
            continue
        for key, value in doc_row.items():
            if match.get(key) is None and value is not None:
                match[key] = value
    return merged


def _filing_columns(text: str, header: SubmissionHeader, primary: ParsedFiling | None,
                    source_format: str, first_document_type: str | None) -> dict:
    document = primary.filing if primary else {}
    # EDGAR's conformed type wins: the primary document has the same base form, but a
    # text reader cannot always tell an amendment from the original. Without a header
    # (a document cut out of its submission) the document's <TYPE> is all that is filed.
    form_type = header.form_type or clean_text(document.get("form_type")) or first_document_type
    if not form_type:
        raise ParseError("missing_form_type",
                         "the header has no CONFORMED SUBMISSION TYPE / <TYPE> and no document states the form")
    accession = header.accession_number or document.get("accession_number")
    content_id = document.get("content_id") or content_filing_id(text)
    issuer = _issuer(header, form_type)
    filing = {**document, "source_format": source_format}
    filing.update({
        "filing_id": accession or document.get("filing_id") or content_id,
        "accession_number": accession,
        "content_id": content_id,
        "form_type": form_type,
        "is_amendment": form_type.upper().endswith("/A"),
        # The header's filing date is EDGAR's own; a document only knows when it was signed.
        "filed_date": header.filed_date or document.get("filed_date"),
        "filed_date_source": ("header" if header.filed_date else "signature_date" if document.get("filed_date")
                              else "header_without_date" if header.accession_number or header.form_type else "no_header"),
        "period_of_report": document.get("period_of_report") or header.period_of_report,
        "date_of_original_submission": (document.get("date_of_original_submission")
                                        or header.date_of_original_submission),
        "acceptance_datetime": header.acceptance_datetime or document.get("acceptance_datetime"),
        "issuer_name": document.get("issuer_name") or (issuer.name if issuer else None),
        "issuer_cik": pad_cik(document.get("issuer_cik")) or (issuer.cik if issuer else None),
        "header_items": header.items or None,
    })
    return filing


def read(text: str, reader_for: Callable[[str], ModuleType]) -> list[ParsedFiling]:
    """The submission's filing: its header, its documents, and the rows of its primary document,
    read by the reader `reader_for` (the registry's dispatcher) picks for that document's text."""
    layout = _layout(text)
    header = parse_header(layout.header_text)
    documents = _split_documents(layout.documents_text, layout.is_index_page)
    if not header.accession_number and not header.form_type and not documents:
        raise ParseError("no_filing",
                         "the submission has neither a header with an accession number or form type nor any document")
    first_document_type = documents[0].document_type if documents else None
    primary = _read_primary(documents, header.form_type or first_document_type, reader_for)
    source_format = layout.source_format if documents or layout.is_index_page else HEADER_ONLY_FORMAT
    # Only the primary document's rows hold decimals.
    filing = ParsedFiling(_filing_columns(text, header, primary, source_format, first_document_type),
                          decimals_checked=primary is None or primary.decimals_checked)
    for table, rows in (primary.rows if primary else {}).items():
        if table not in {"filing_companies", "documents"}:  # both come from this submission
            filing.rows[table] = list(rows)
    header_companies = [c.to_row(i) for i, c in enumerate(header.companies)]
    companies = _merge_companies(header_companies, primary.rows.get("filing_companies", []) if primary else [])
    for row in companies:
        filing.add("filing_companies", row)
    for document in documents:
        filing.add("documents", document.row())
    link_documents(filing.rows.get("exhibits", []), filing.rows.get("documents", []))
    return [filing]
