"""8-K primary documents in HTML and inline XBRL.

The HTML becomes text the way a browser lays it out (blocks on their own
lines, table rows one per line with cells separated by " | ", <pre> kept as
is), then eight_k reads it; `dei:` cover facts of inline XBRL win over the
text."""
from __future__ import annotations

import re
from itertools import zip_longest

from lxml import etree

from transforms import eight_k
from transforms.errors import ParseError
from transforms.exhibit_links import exhibit_key
from transforms.model import ParsedFiling

FORMAT = "html_8k"

_SNIFF_MARKUP_BYTES = 4096
# Inline XBRL puts a long hidden header before the cover: look further for "FORM 8-K".
_SNIFF_COVER_BYTES = 160_000
_WRAPPER = re.compile(r"<(?:SEC-DOCUMENT|SEC-HEADER|SUBMISSION|IMS-HEADER)>|<ownershipDocument|-----BEGIN PRIVACY", re.I)
_HTML_MARKUP = re.compile(r"<(?:html|body|div|p|pre|table|font|center)\b", re.I)
# Cover words may be split by tags and entities. Matched on upper-cased text: patterns that
# start with a literal are searched far faster than case-insensitive ones.
_GAP = r"(?:\s|&NBSP;|&#160;|&#XA0;|<[^<>]{0,400}>)*"
_FORM_8K_HTML = re.compile(r"FORM" + _GAP + r"8" + _GAP + r"(?:-|&#8209;|&#8211;|&#45;|\u2011|\u2013)" + _GAP + r"K\b")
_COVER_HTML = (re.compile(r"CURRENT" + _GAP + r"REPORT"), re.compile(r"EARLIEST" + _GAP + r"EVENT"),
               re.compile(r"DEI:DOCUMENTTYPE[^>]{0,300}>\s*8-K"))
_OWNERSHIP_TITLE = re.compile(r"STATEMENT" + _GAP + r"OF" + _GAP + r"(?:CHANGES" + _GAP + r"IN" + _GAP + r")?BENEFICIAL")


def sniff(text: str) -> bool:
    head = text[:_SNIFF_MARKUP_BYTES]
    if _WRAPPER.search(head) or not _HTML_MARKUP.search(head):
        return False
    window = text[:_SNIFF_COVER_BYTES].upper()
    return bool(_FORM_8K_HTML.search(window) and any(p.search(window) for p in _COVER_HTML)
                and not ("BENEFICIAL" in window and _OWNERSHIP_TITLE.search(window)))


def read(text: str) -> list[ParsedFiling]:
    document = unwrap(text)
    root = parse_html(document)
    rendered = html_to_text(root)
    if not re.search(r"[A-Za-z]{3}", rendered):
        raise ParseError("malformed_html", "the HTML holds no readable text (only markup, or markup broken before the body)")
    parsed = eight_k.read_eight_k(rendered, source_text=document, dei=dei_facts(root))
    if exhibits := parsed.rows.get("exhibits"):
        links = exhibit_files(root)
        for row in exhibits:
            row["document_filename"] = links.get(exhibit_key(row["exhibit_number"]))
    return [parsed]


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}\?>")


def unwrap(text: str) -> str:
    """The document itself, without the <XBRL> wrapper a submission adds, so
    that it hashes to the same content_id as the document on its own."""
    # Submissions wrap inline XBRL documents in <XBRL>...</XBRL> inside <TEXT>.
    inner = text.strip()
    if inner[:6].upper() == "<XBRL>" and inner[-7:].upper() == "</XBRL>":
        return inner[6:-7].strip()
    return text


def parse_html(text: str) -> etree._Element:
    # lxml refuses str input that declares its own encoding; the text is decoded already.
    source = _XML_DECLARATION.sub("", text, count=1)
    # Plain etree elements: lxml.html's element classes cost a lookup per element.
    # huge_tree: long text nodes (big filings) are kept whole instead of cut off
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = etree.fromstring(source, parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError("malformed_html", f"the HTML cannot be parsed: {exc}") from exc
    if root is None:
        raise ParseError("malformed_html", "the HTML parser found no document element")
    return root


# --- inline XBRL facts --------------------------------------------------------------

def dei_facts(root: etree._Element) -> dict[str, str]:
    """First value of each dei: fact, by local name ('EntityRegistrantName')."""
    facts: dict[str, str] = {}
    for element in root.iter("ix:nonnumeric"):
        name = element.get("name") or ""
        if name.startswith("dei:"):
            facts.setdefault(name[4:], _WS.sub(" ", "".join(element.itertext())).strip())
    return facts


# --- exhibit links --------------------------------------------------------------------

_LEADING_EXHIBIT = re.compile(r"^\s*(?:Exhibit|Ex\.?)?\s*(?:No\.?\s*)?(\d{1,3}(?:\.\d{1,3}){0,2}(?:\([a-z0-9]\))?)(?![\d.]\d)",
                              re.I)
_MAX_CONTEXT = 400


def _leading_exhibit(text: str) -> str | None:
    m = _LEADING_EXHIBIT.match(_WS.sub(" ", text))
    return exhibit_key(m.group(1)) if m else None


def exhibit_files(root: etree._Element) -> dict[str, str]:
    """Exhibit key -> file of the same submission an anchor links it to: the anchor's own text
    ("Exhibit 99.1"), else its table row or paragraph, starts with the exhibit number."""
    links: dict[str, str] = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith("#") or ":" in href or "/" in href:
            continue  # in-page anchors and other filings' exhibits (URLs) are not files of this submission
        key = _leading_exhibit(" ".join(anchor.itertext()))
        if key is None:
            context = next(anchor.iterancestors("tr"), None)  # a table row first: the number has its own cell
            if context is None:
                context = next(anchor.iterancestors("p", "li"), None)
            text = " ".join(context.itertext()) if context is not None else ""
            key = _leading_exhibit(text) if len(text) <= _MAX_CONTEXT else None
        if key is not None:
            links.setdefault(key, href)
    return links


# --- rendering ------------------------------------------------------------------------

_PARAGRAPH_TAGS = frozenset("p div h1 h2 h3 h4 h5 h6 table pre ul ol blockquote center hr address dl section article".split())
_LINE_TAGS = frozenset("li dt dd br caption".split())
_SKIP_TAGS = frozenset("head script style title noscript ix:header xml".split())
_TABLE_STRUCTURE = frozenset("table thead tbody tfoot tr colgroup col".split())
_WS = re.compile(r"[ \t\r\n\f\v\xa0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_RUNS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")


def _hidden(element: etree._Element) -> bool:
    style = element.get("style")
    return bool(style) and "none" in style and "display:none" in style.replace(" ", "").lower()


def html_to_text(root: etree._Element) -> str:
    """Text of the document: paragraphs separated by a blank line, a table row
    per line (cells joined by ' | '; a cell's own lines go below, as drawn)."""
    buffers: list[list[str]] = [[]]  # a new buffer per open table cell
    rows: list[list[list[str]]] = []  # cells of the open table rows
    skipped: list[etree._Element] = []
    pre_depth = 0
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag
        if event == "start":
            if tag in _SKIP_TAGS or _hidden(element):
                walker.skip_subtree()
                skipped.append(element)
                continue
            if tag == "pre":
                pre_depth += 1
            if tag == "tr":
                rows.append([])
            elif tag in ("td", "th"):
                buffers.append([])
            elif tag in _PARAGRAPH_TAGS:
                buffers[-1].append("\n\n")
            elif tag in _LINE_TAGS:
                buffers[-1].append("\n")
            if element.text and tag not in _TABLE_STRUCTURE:
                buffers[-1].append(element.text if pre_depth else _WS.sub(" ", element.text))
            continue
        if skipped and skipped[-1] is element:
            skipped.pop()
        elif tag in ("td", "th") and len(buffers) > 1:
            cell = _cell_lines(buffers.pop())
            if rows:
                rows[-1].append(cell)
            elif cell:
                _append_lines(buffers[-1], cell)
        elif tag == "tr" and rows:
            cells = [cell for cell in rows.pop() if cell]
            _append_lines(buffers[-1], [" | ".join(part for part in parts if part)
                                        for parts in zip_longest(*cells, fillvalue="")])
        elif tag in _PARAGRAPH_TAGS:
            pre_depth -= tag == "pre"
            buffers[-1].append("\n\n")
        if element.tail and tag not in ("td", "th", "tr"):
            buffers[-1].append(element.tail if pre_depth else _WS.sub(" ", element.tail))
    text = "".join(part for buffer in buffers for part in buffer)
    # soft hyphens only mark where a browser may break a word
    text = "\n".join(line.rstrip() for line in text.replace("\xa0", " ").replace("\xad", "").split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def _append_lines(buffer: list[str], lines: list[str]) -> None:
    """Lines on their own, directly below what precedes (table rows: no blank line between)."""
    if not lines:
        return
    if buffer and not "".join(buffer[-2:]).rstrip(" ").endswith("\n"):
        buffer.append("\n")
    buffer.append("\n".join(lines) + "\n")


def _cell_lines(parts: list[str]) -> list[str]:
    """Non-empty lines of a table cell, stripped."""
    return [line for line in (raw.strip() for raw in "".join(parts).replace("\xa0", " ").split("\n")) if line]
