"""Plain-ASCII 8-K current reports: as filed, or the text body of an 8-K
document inside a 1990s-2000s EDGAR submission."""
from __future__ import annotations

import re

from transforms import eight_k
from transforms.model import ParsedFiling

FORMAT = "ascii_8k"

_SNIFF_BYTES = 6000
# Wrappers and markup other readers own: SGML submissions, XML, HTML.
_NOT_PLAIN_TEXT = re.compile(
    r"<(?:SEC-DOCUMENT|SEC-HEADER|SUBMISSION|DOCUMENT|TYPE|IMS-HEADER)>|-----BEGIN PRIVACY-ENHANCED MESSAGE-----"
    r"|<\?xml|<!DOCTYPE|<ownershipDocument|<(?:html|head|body|div|p|font|br|td|tr|span|b|center)\b[^>]{0,200}>",
    re.I,
)


def sniff(text: str) -> bool:
    head = text[:_SNIFF_BYTES]
    if ("<" in head or "-----BEGIN" in head) and _NOT_PLAIN_TEXT.search(head):
        return False
    return eight_k.has_eight_k_cover(head)


def read(text: str) -> list[ParsedFiling]:
    return [eight_k.read_eight_k(text, source_text=text)]
