"""8-K primary documents in HTML and inline XBRL.

The HTML becomes text the way a browser lays it out (transforms.html_text:
blocks on their own lines, inline elements inside their sentence, table rows
one per line with cells separated by " | ", <pre> kept as is), then eight_k
reads it; `dei:` cover facts of inline XBRL win over the text."""
from __future__ import annotations

import re

from lxml import etree

from transforms import eight_k
from transforms.errors import ParseError
from transforms.exhibit_links import exhibit_key
from transforms.html_text import WHITESPACE as _WS
from transforms.html_text import html_to_text, parse_html
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


def unwrap(text: str) -> str:
    """The document itself, without the <XBRL> wrapper a submission adds, so
    that it hashes to the same content_id as the document on its own."""
    # Submissions wrap inline XBRL documents in <XBRL>...</XBRL> inside <TEXT>.
    inner = text.strip()
    if inner[:6].upper() == "<XBRL>" and inner[-7:].upper() == "</XBRL>":
        return inner[6:-7].strip()
    return text


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
