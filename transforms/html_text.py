"""HTML as text, the way a browser lays it out: the one rendering of filing
HTML (8-K documents and exhibits).

Block elements (paragraphs, divs, headings, lists, tables) start a new
paragraph; inline elements (spans, fonts, links, `ix:` tags, and any element
styled `display:inline`) never break a sentence. A table row is one line with
its cells separated by " | " (a cell's own lines go below, as drawn); `<pre>`
is kept as is."""
from __future__ import annotations

import re
from itertools import zip_longest

from lxml import etree

from transforms.errors import ParseError

_PARAGRAPH_TAGS = frozenset("p div h1 h2 h3 h4 h5 h6 table pre ul ol blockquote center hr address dl section article"
                            .split())
_LINE_TAGS = frozenset("li dt dd br caption".split())
_SKIP_TAGS = frozenset("head script style title noscript ix:header xml".split())
_TABLE_STRUCTURE = frozenset("table thead tbody tfoot tr colgroup col".split())
WHITESPACE = re.compile(r"[ \t\r\n\f\v\xa0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_RUNS = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,300}\?>")
# lxml refuses control characters anywhere in a tree; filers leave stray ones in HTML.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_DISPLAY = re.compile(r"display\s*:\s*([a-z-]{1,20})", re.I)
_DIV_TAG = re.compile(r"<(/?)div\b([^<>]{0,4000})>", re.I)


def parse_html(text: str) -> etree._Element:
    """The document tree of an HTML text (decoded already); `malformed_html` when there is none."""
    source = _CONTROL_CHARS.sub(" ", _XML_DECLARATION.sub("", text, count=1))
    if "inline" in source:
        source = _inline_divs_as_spans(source)
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


def _inline_divs_as_spans(text: str) -> str:
    """<div style="display:inline"> (and its </div>) as <span>: the HTML parser would otherwise close
    an open <p> at the div, breaking the sentence the div sits in (inline XBRL tags facts so)."""
    parts: list[str] = []
    open_divs: list[bool] = []  # per open div: is it inline
    at = 0
    for m in _DIV_TAG.finditer(text):
        if m.group(1):
            inline = open_divs.pop() if open_divs else False
        else:
            display = _DISPLAY.findall(m.group(2)) if "display" in m.group(2).lower() else []
            inline = bool(display) and display[-1].lower().startswith("inline")
            if not m.group(2).rstrip().endswith("/"):
                open_divs.append(inline)
        if inline:
            parts += [text[at:m.start()], f"<{m.group(1)}span{m.group(2)}>"]
            at = m.end()
    return "".join(parts) + text[at:] if parts else text


def _display(element: etree._Element) -> str | None:
    """The element's CSS display as its style attribute sets it (the last one wins), else None."""
    style = element.get("style")
    if not style or "display" not in style.lower():
        return None
    found = _DISPLAY.findall(style)
    return found[-1].lower() if found else None


def _kind(element: etree._Element, tag: str) -> str:
    """'skip', 'paragraph', 'line' or 'inline' for an element that is not a table cell or row."""
    display = _display(element)
    if tag in _SKIP_TAGS or display == "none":
        return "skip"
    if display is not None and display.startswith("inline"):
        return "inline"  # inline XBRL wraps tagged facts in <div style="display:inline">
    if tag in _PARAGRAPH_TAGS or display in ("block", "flex", "grid", "list-item"):
        return "paragraph"
    if tag in _LINE_TAGS:
        return "line"
    return "inline"


def html_to_text(root: etree._Element) -> str:
    """Text of the document: paragraphs separated by a blank line, a table row
    per line (cells joined by ' | '; a cell's own lines go below, as drawn)."""
    buffers: list[list[str]] = [[]]  # a new buffer per open table cell
    rows: list[list[list[str]]] = []  # cells of the open table rows
    kinds: dict[etree._Element, str] = {}
    pre_depth = 0
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            kind = "cell" if tag in ("td", "th") else "row" if tag == "tr" else _kind(element, tag)
            kinds[element] = kind
            if kind == "skip":
                walker.skip_subtree()
                continue
            if tag == "pre":
                pre_depth += 1
            if kind == "row":
                rows.append([])
            elif kind == "cell":
                buffers.append([])
            elif kind == "paragraph":
                buffers[-1].append("\n\n")
            elif kind == "line":
                buffers[-1].append("\n")
            if element.text and tag not in _TABLE_STRUCTURE:
                buffers[-1].append(element.text if pre_depth else WHITESPACE.sub(" ", element.text))
            continue
        kind = kinds.pop(element, "inline")
        if kind == "skip":
            pass
        elif kind == "cell" and len(buffers) > 1:
            cell = _cell_lines(buffers.pop())
            if rows:
                rows[-1].append(cell)
            elif cell:
                _append_lines(buffers[-1], cell)
        elif kind == "row" and rows:
            cells = [cell for cell in rows.pop() if cell]
            _append_lines(buffers[-1], [" | ".join(part for part in parts if part)
                                        for parts in zip_longest(*cells, fillvalue="")])
        elif kind == "paragraph":
            pre_depth -= tag == "pre"
            buffers[-1].append("\n\n")
        if element.tail and kind not in ("cell", "row"):
            buffers[-1].append(element.tail if pre_depth else WHITESPACE.sub(" ", element.tail))
    text = "".join(part for buffer in buffers for part in buffer)
    # soft hyphens only mark where a browser may break a word
    text = "\n".join(line.rstrip() for line in text.replace("\xa0", " ").replace("\xad", "").split("\n"))
    return _BLANK_RUNS.sub("\n\n", text).strip("\n")


def html_text(text: str) -> str:
    """The text of an HTML document (see html_to_text)."""
    return html_to_text(parse_html(text))


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
