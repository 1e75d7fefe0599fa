"""Who signed a filing, read one way for every reader (8-K and Forms 3/4/5).

A signature as filed ("/s/ Travis Shrout, Attorney-in-Fact", "By: /s/ Jane Roe  Its: CFO")
becomes the signer's name without "/s/" or "By:", the title where the text gives one, and
the text as filed, so the XML, the HTML page and any text rendering of one filing give the
same row.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from transforms.values import clean_text

# Longer texts are not a signature line; they are kept as filed, never split.
_MAX_SIGNATURE_CHARS = 400

_SIGNED_MARK = re.compile(r"^(?:by\s*:?\s*)?(?:/s/|s/)?\s*(?:by\s*:\s*)?", re.I)
_TITLE_LABEL = re.compile(r"\b(?:its|title)\s*:\s*", re.I)
_NAME_LABEL = re.compile(r"^name\s*:\s*", re.I)
# Words a title starts with (after an optional "as"); a comma before anything else is part of
# the name ("Smith, Jr.", "Doe, John").
_TITLE_START = re.compile(
    r"(?:as\s+)?(?:attorney|atty|officer|president|vice|senior|executive|secretary|assistant|treasurer|director"
    r"|counsel|general\s+counsel|trustee|manager|managing|partner|member|agent|executor|executrix|administrator"
    r"|chief|chairman|chair|controller|comptroller|authorized|authorised|principal|power\s+of\s+attorney|poa"
    r"|ceo|cfo|coo|cto|evp|svp|founder|owner|sole|general\s+partner|custodian|guardian|personal\s+representative"
    r"|corporate|head|deputy|associate|interim|acting)\b",
    re.I)
_AS_TITLE = re.compile(r"\s+as\s+(?=\S)", re.I)
# Periods stay: "Jr.", "Inc.", "L.P." end names.
_TRAILING = " \t,;:*|"


@dataclass(frozen=True)
class Signer:
    name: str | None
    title: str | None
    as_filed: str | None


def read_signer(as_filed: str | None, title: str | None = None) -> Signer:
    """The signer of one signature as filed; `title` is a title the layout prints apart
    (a "Title:" line, an XML element), which wins over one split off the text."""
    text = clean_text(as_filed)
    title = _clean_title(title)
    if not text:
        return Signer(None, title, None)
    if len(text) > _MAX_SIGNATURE_CHARS:
        return Signer(text, title, text)
    rest = _SIGNED_MARK.sub("", text, count=1)
    rest = _NAME_LABEL.sub("", rest, count=1)
    split_title = None
    if m := _TITLE_LABEL.search(rest):
        rest, split_title = rest[:m.start()], rest[m.end():]
    else:
        rest, split_title = _split_title(rest)
    name = clean_text(rest.strip(_TRAILING))
    return Signer(name or None, title or _clean_title(split_title), text)


def _split_title(text: str) -> tuple[str, str | None]:
    """'Name, Title' or 'Name as Title': the first comma (or ' as ') followed by a title word."""
    start = 0
    while (comma := text.find(",", start)) != -1:
        tail = text[comma + 1:].lstrip()
        if _TITLE_START.match(tail):
            return text[:comma], tail
        start = comma + 1
    if (m := _AS_TITLE.search(text)) and _TITLE_START.match(text, m.end()) and m.start() > 0:
        return text[:m.start()], text[m.end():]
    return text, None


def _clean_title(title: str | None) -> str | None:
    title = clean_text(title)
    if not title:
        return None
    if title[:3].lower() == "as ":
        title = title[3:]
    return clean_text(title.strip(_TRAILING)) or None
