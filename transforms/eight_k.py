"""8-K semantics on plain text: cover page, items, exhibits and signatures.

Both 8-K readers end here: the ASCII reader hands over the text as filed, the
HTML reader the text it rendered (table cells separated by " | ", one row per
line) plus the `dei:` facts of inline XBRL, which win over what the text says.
Everything works on lines; a line is a heading only where it starts one.

The cover gives the registrant (values over their captions, in one row or in
rows of their own), the event date and the Section 12(b) securities table;
`registrant_differences` compares a registrant with the SEC header's filer
block (submission.py keeps both when they differ, eight_k_rules flags it).
"""
from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from filingflow.reference import CURRENT_ITEM_TITLES, PRE_2004_ITEMS
from transforms.errors import ParseError
from transforms.model import ParsedFiling, content_filing_id
from transforms.signatures import read_signer
from transforms.values import (
    clean_text, find_date, find_iso_date, is_date_alone, pad_cik, state_code, states_day_of_date, us_state)

# --- sniffing ------------------------------------------------------------------

_FORM_8K = re.compile(r"\bFORM\s+8-K\b", re.I)
_COVER_MARK = re.compile(r"CURRENT\s+REPORT|DATE\s+OF\s+REPORT|EARLIEST\s+EVENT", re.I)
# Matched on upper-cased text: case-sensitive patterns with a literal start are searched much faster.
_FORM_8K_UPPER = re.compile(r"\bFORM\s+8-K\b")
_COVER_MARK_UPPER = re.compile(r"CURRENT\s+REPORT|DATE\s+OF\s+REPORT|EARLIEST\s+EVENT")
_OWNERSHIP_TITLE_UPPER = re.compile(r"STATEMENT\s+OF\s+(?:CHANGES\s+IN\s+)?BENEFICIAL\s+OWNERSHIP")


def has_eight_k_cover(head: str) -> bool:
    """Whether text (the first few KB of a document, as text) shows an 8-K cover."""
    if "8-K" not in head and "8-k" not in head:
        return False
    upper = head.upper()
    if not (_FORM_8K_UPPER.search(upper) and _COVER_MARK_UPPER.search(upper)):
        return False
    return "BENEFICIAL" not in upper or not _OWNERSHIP_TITLE_UPPER.search(upper)


# --- lines -----------------------------------------------------------------------

# Tags EDGAR text documents carry for pagination and tables (<PAGE>, <S>, <C>...).
_SGML_LAYOUT_TAG = re.compile(r"</?(?:PAGE|TABLE|CAPTION|S|C|FN|F\d{1,2})>")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–]\s*)?(?:\d{1,3}|[ivx]{1,5})(?:\s*[-–])?\s*$|^\s*Page\s+\d{1,3}(?:\s+of\s+\d{1,3})?\s*$", re.I)
_RULE = re.compile(r"^[\s|]*(?:[-=_*~.•][\s|]*){3,}$")
_COLUMN_GAP = re.compile(r"\s*\|\s*|\s{2,}")
_SPACES = re.compile(r"\s+")


class Lines(list):
    """The lines of a document with their upper-cased text, so that keywords
    are found by str.find and regexes only run on the lines that hold them."""

    def __init__(self, lines: list[str]):
        super().__init__(lines)
        joined = "\n".join(lines)
        upper = joined.upper()
        if len(upper) == len(joined):
            self.upper, lengths = upper, (len(line) + 1 for line in lines)
        else:  # upper-casing changed some lengths ("ß" -> "SS"): offsets from the upper-cased lines
            uppers = [line.upper() for line in lines]
            self.upper, lengths = "\n".join(uppers), (len(line) + 1 for line in uppers)
        self.starts = list(accumulate(lengths, initial=0))

    def containing(self, word: str, start: int = 0, end: int | None = None) -> Iterator[int]:
        """Indexes of the lines in [start, end) that hold word (upper case)."""
        end = len(self) if end is None else min(end, len(self))
        if start >= end:
            return
        pos, stop = self.starts[start], self.starts[end]
        while (pos := self.upper.find(word, pos, stop)) >= 0:
            line = bisect_right(self.starts, pos) - 1
            yield line
            pos = self.starts[line + 1]

    def first(self, pattern: re.Pattern, words: tuple[str, ...], start: int = 0, end: int | None = None) -> int | None:
        """First line in [start, end) holding one of words and matching pattern (searched in the line)."""
        candidates = sorted({i for word in words for i in self.containing(word, start, end)})
        return next((i for i in candidates if pattern.search(self[i])), None)


def text_lines(text: str) -> Lines:
    """Lines as the parsers expect them: tabs as column gaps, pagination gone."""
    text = text.replace("\t", "    ").replace("\f", "\n").replace("\xa0", " ")
    if "<" in text:
        text = _SGML_LAYOUT_TAG.sub("", text)
    return Lines(["" if (short := line.strip()) and len(short) < 14 and _PAGE_NUMBER.match(short) else line.rstrip()
                  for line in text.split("\n")])


def is_rule(line: str) -> bool:
    return bool(_RULE.match(line))


def columns(line: str) -> list[str]:
    """Cells of a line: split at ' | ' (HTML cells) and at runs of 2+ spaces (ASCII layout)."""
    return [c for c in (part.strip() for part in _COLUMN_GAP.split(line.strip())) if c]


def normalize_block(lines: list[str]) -> str:
    """Item text as stored: lines dedented and whitespace-collapsed, rules
    dropped, runs of blank lines collapsed to one, stripped."""
    out: list[str] = []
    for line in lines:
        if is_rule(line) or not line.strip(" |"):
            if out and out[-1]:
                out.append("")
            continue
        out.append(_SPACES.sub(" ", line).strip())
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


# --- items -----------------------------------------------------------------------

_CODE = r"(?:[1-9]\.\d{2}|1[0-2]|[1-9])(?![\d.]\d|\d)"
_HEADING = re.compile(
    r"^[\s|*>•·]*ITEMS?\b[\s.:|\-–—]*"
    r"(?P<codes>" + _CODE + r"(?:\s*(?:,|and|&)\s*" + _CODE + r")*)"
    r"(?:\s*\((?P<sub>[a-z])\))?"
    r"(?P<sep>[\s.:|)\-–—]*)"
    r"(?P<rest>.*)$",
    re.I,
)
_CODE_IN_LIST = re.compile(_CODE)
# Words that, right after an item number, make it a reference ("Item 2.02 above") rather than a heading.
_REFERENCE_WORDS = frozenset(
    "above below of hereof herein hereto hereunder in to under and or is are was were has have had shall will "
    "would may pursuant through thru on as for with by that which including included requires require".split())
_NOT_APPLICABLE = re.compile(r"^(?:not\s+applicable|inapplicable|none|n/?a)\.?$", re.I)
_SECTION_LINE = re.compile(r"^\s*Section\s+\d{1,2}\s*[-–—:.]\s*\S", re.I)
_DECORATION = re.compile(r"^[\s*•·#]+$")
_LONG_HEADING = 200


@dataclass
class Heading:
    line: int                 # index of the heading line
    codes: list[str]
    title_as_filed: str | None
    body_start: int           # first line of the item text
    inline_text: str | None   # text that follows the title on the heading line


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def item_meta(code: str) -> tuple[str | None, str | None, str]:
    """(official title, current code, numbering era) of an item code as filed."""
    if "." in code:
        return CURRENT_ITEM_TITLES.get(code), code, "current"
    title, current = PRE_2004_ITEMS[code]
    return title, current, "pre_2004"


def _known(code: str) -> bool:
    return code in CURRENT_ITEM_TITLES or code in PRE_2004_ITEMS


def _is_heading_rest(sep: str, rest: str) -> bool:
    if not rest:
        return True
    if rest[0] in ",;":
        return False
    if rest[0] == "(":
        return False  # "(including Exhibit 99.1) of this report": a reference
    first = rest.split(None, 1)[0].strip(",.;:").lower()
    if first in _REFERENCE_WORDS:
        return False
    return rest[0].isupper() or rest[0] in "\"“'‘" or rest[0].isdigit() or any(ch in sep for ch in ".:|-–—)")


def _split_title(rest: str, official: str | None, by_sentence: bool) -> tuple[str, str | None]:
    """Heading and text on one line ("Item 8.01 Other Events. On May 1, ..."):
    the title is the official title's words, else (by_sentence) the first sentence."""
    words = rest.split(" ")
    if official:
        target = _norm(official)
        for n in range(1, min(len(words), 60) + 1):
            got = _norm(" ".join(words[:n]))
            if got == target:
                return " ".join(words[:n]), " ".join(words[n:]).strip() or None
            if not target.startswith(got):
                break
    m = re.search(r"[.:]\s+(?=[A-Z“\"(])", rest) if by_sentence else None
    if m and m.start() < _LONG_HEADING:
        return rest[:m.start() + 1], rest[m.end():].strip() or None
    return ("", rest) if by_sentence else (rest, None)


def _title_continues(title: str, line: str, official: str | None) -> bool:
    """A wrapped heading: the next line carries on the official title."""
    if not official or not _norm(line) or _HEADING.match(line) or len(line.strip()) > 120:
        return False
    target, have = _norm(official), _norm(title)
    if have and not target.startswith(have[: max(len(have) - 1, 1)]):
        return False
    joined = _norm(title + " " + line)
    return _common_prefix(joined, target) >= len(have) + min(5, len(_norm(line)))


def find_headings(lines: list[str], start: int, end: int) -> list[Heading]:
    headings: list[Heading] = []
    candidates = lines.containing("ITEM", start, end) if isinstance(lines, Lines) else range(start, end)
    for i in candidates:
        line = lines[i]
        if line.lstrip(" |*>•·")[:4].lower() != "item":
            continue
        m = _HEADING.match(line)
        if not m or not _is_heading_rest(m.group("sep"), m.group("rest").strip()):
            continue
        codes = [c for c in _CODE_IN_LIST.findall(m.group("codes")) if _known(c)]
        if not codes:
            continue
        official = item_meta(codes[0])[0]
        rest = m.group("rest").strip()
        inline_text = None
        if len(rest) > _LONG_HEADING or (official and len(rest) > len(official) + 10):
            rest, inline_text = _split_title(rest, official, by_sentence=len(rest) > _LONG_HEADING)
        body = i + 1
        if not rest:
            # "ITEM 5." with the title on the next non-blank line
            j = i + 1
            while j < min(end, i + 3) and not lines[j].strip():
                j += 1
            if j < end and _title_continues("", lines[j], official):
                rest, body = lines[j].strip(), j + 1
        while rest and body < end and _title_continues(rest, lines[body], official):
            rest, body = rest + " " + lines[body].strip(), body + 1
        title = clean_text(re.sub(r"\s*\|\s*", " ", rest).strip(" .:;-–—|")) if rest else None
        headings.append(Heading(i, codes, title, body, inline_text))
    return headings


def _trim_item_tail(lines: list[str]) -> list[str]:
    """Drop the "Section 9 - Financial Statements and Exhibits" captions and
    separator stars that stand between an item and the next."""
    end = len(lines)
    while end and (not lines[end - 1].strip() or is_rule(lines[end - 1])
                   or _SECTION_LINE.match(lines[end - 1]) or _DECORATION.match(lines[end - 1])):
        end -= 1
    return lines[:end]


def item_rows(lines: list[str], headings: list[Heading], end: int) -> list[dict]:
    rows: list[dict] = []
    for n, heading in enumerate(headings):
        stop = headings[n + 1].line if n + 1 < len(headings) else end
        body = _trim_item_tail(lines[heading.body_start:stop])
        if heading.inline_text:
            body = [heading.inline_text] + body
        text = normalize_block(body)
        if _NOT_APPLICABLE.match(text or heading.title_as_filed or ""):
            continue  # "Item 4. Not applicable.": listed, not reported
        for code in heading.codes:
            title, current, era = item_meta(code)
            rows.append({
                "item_index": len(rows),
                "item_code": code,
                "item_code_current": current,
                "numbering_era": era,
                "title": title,
                "title_as_filed": heading.title_as_filed,
                "text": text or None,
            })
    return rows


# --- document sections ------------------------------------------------------------

_SIGNATURE_HEADING = re.compile(r"^[\s|*]*S\s?I\s?G\s?N\s?A\s?T\s?U\s?R\s?E\s?S?[\s.:|*]*$", re.I)
_PURSUANT = re.compile(r"^[\s|]*Pursuant\s+to\s+the\s+requirements\s+of\s+the\s+Securities\b", re.I)
_EXHIBIT_INDEX = re.compile(
    r"^[\s|*]*(?:EXHIBIT\s+INDEX|INDEX\s+(?:TO|OF)\s+EXHIBITS|EXHIBITS?\s+INDEX|EXHIBIT\s+LIST|LIST\s+OF\s+EXHIBITS)[\s.:|*]*$", re.I)
_EXHIBIT_CAPTION = re.compile(r"^\s*EX(?:HIBIT)?[-\s]+\d{1,3}(?:\.\d{1,3})?\s*$", re.I)
_SIGNED = re.compile(r"/s/|\bBy\s*:", re.I)
_MAX_SIGNATURE_LINES = 120


@dataclass
class Sections:
    cover_end: int
    headings: list[Heading]
    signature_start: int
    signature_end: int
    exhibit_index: tuple[int, int] | None


def split_sections(lines: Lines) -> Sections:
    headings = find_headings(lines, 0, len(lines))
    first_item = headings[0].line if headings else 0
    signature_start = lines.first(_SIGNATURE_HEADING, ("SIGNATURE", "S I G N"), first_item)
    if signature_start is None:
        signature_start = lines.first(_PURSUANT, ("PURSUANT",), first_item)
    if signature_start is None and headings:
        signature_start = next(lines.containing("/S/", first_item + 1), None)
    if signature_start is None:
        raise ParseError("truncated", "the 8-K has a cover but no signature block: the document ends "
                         f"{'inside its items' if headings else 'before any item'} ({len(lines)} lines)")
    headings = [h for h in headings if h.line < signature_start]
    limit = min(len(lines), signature_start + _MAX_SIGNATURE_LINES)
    index_start = lines.first(_EXHIBIT_INDEX, ("EXHIBIT",), signature_start + 1, limit)
    caption = lines.first(_EXHIBIT_CAPTION, ("EX",), signature_start + 1, limit)
    signature_end = min(x for x in (index_start, caption, limit) if x is not None)
    exhibit_index = None
    if index_start is not None:
        index_end = min(len(lines), index_start + 80)
        index_end = lines.first(_EXHIBIT_CAPTION, ("EX",), index_start + 1, index_end) or index_end
        exhibit_index = (index_start + 1, index_end)
    cover_end = headings[0].line if headings else signature_start
    return Sections(cover_end, headings, signature_start, signature_end, exhibit_index)


# --- exhibits ---------------------------------------------------------------------

_EXHIBIT_LINE = re.compile(
    r"^[\s|]*(?:(?P<prefix>Exhibit|Ex\.?)\s*(?:No\.?\s*)?)?"
    r"(?P<number>\d{1,3}(?:\.\d{1,3}){0,2}(?:\([a-z0-9]\))?)\.?"
    r"(?P<gap>\s*\|\s*|\s{2,}|\s)"
    r"(?P<description>\S.*)$",
    re.I,
)


def _exhibit_entry(line: str) -> tuple[str, str] | None:
    m = _EXHIBIT_LINE.match(line)
    if not m:
        return None
    number, description = m.group("number"), m.group("description").strip()
    if not 1 <= int(number.split(".")[0].split("(")[0]) <= 110:
        return None
    if not (description[0].isupper() or description[0] in "\"“'‘(["):
        return None
    # One space between number and text is a sentence unless it is plainly an exhibit entry.
    if m.group("gap") == " " and not (m.group("prefix") or "." in number or int(number.split("(")[0]) >= 10):
        return None
    return number.rstrip("."), description


def exhibit_rows(lines: list[str]) -> list[dict]:
    """Exhibit numbers with descriptions joined over wrapped lines; one row per
    number, keeping the longest description."""
    found: dict[str, str] = {}
    current: list[str] | None = None
    for line in lines:
        entry = _exhibit_entry(line)
        if entry:
            current = list(entry)
        elif current and line.strip() and not is_rule(line) and not _HEADING.match(line):
            current[1] += " " + line.strip()
        else:
            current = None
            continue
        found[current[0]] = max(found.get(current[0], ""), current[1], key=len)
    return [{"exhibit_number": number, "description": clean_text(description.replace(" | ", " "))}
            for number, description in found.items()]


# --- signatures -------------------------------------------------------------------

_SIGNER = re.compile(r"(?:/s/|\bs/)\s*(?P<name>[^|]+?)(?=\s*\||\s{2,}|$)", re.I)
_BY = re.compile(r"\b(?i:by)\s*:?\s*\|?\s*(?P<name>[A-Z][^|]*?)(?=\s*\||\s{2,}|$)")
_NAME_LABEL = re.compile(r"^[\s|]*Name\s*:\s*\|?\s*(?P<value>.+)$", re.I)
_TITLE_LABEL = re.compile(r"^[\s|]*(?:Title|Its)\s*:\s*\|?\s*(?P<value>.+)$", re.I)
_DATE_LABEL = re.compile(r"\bDated?\s*:", re.I)
_SIGNATURE_NOISE = re.compile(r"^\(?\s*(?:Registrant|Signature|Date|Dated|By|Name|Title)\s*:?\s*\)?$", re.I)
_MAX_TITLE_LINES = 4


_YEAR = re.compile(r"(?:19|20)\d\d")


def _signature_dates(lines: Lines) -> list[tuple[int, dt.date]]:
    """Dates the block states: "Date: ...", "Dated: ...", "this 8th day of ...", or a date alone on its line."""
    dates = []
    year_lines = sorted({bisect_right(lines.starts, m.start()) - 1 for m in _YEAR.finditer(lines.upper)})
    for i in year_lines:
        line = lines[i]
        if _DATE_LABEL.search(line) or states_day_of_date(line) or is_date_alone(line):
            d = find_date(line)
            if d:
                dates.append((i, d))
    return dates


def _same_name(a: str, b: str) -> bool:
    return _norm(a) == _norm(b)


def _title_stop(line: str) -> bool:
    stripped = line.strip(" |")
    return (bool(_SIGNED.search(line)) or bool(_DATE_LABEL.search(line)) or is_date_alone(line)
            or _PURSUANT.match(line) is not None or len(stripped) > 100 or bool(_NAME_LABEL.match(line)))


_BY_BEFORE = re.compile(r"\bby\s{0,3}:?\s{0,3}$", re.I)


def _anchors(lines: Lines, pattern: re.Pattern, word: str) -> list[tuple[int, str]]:
    """(line, the signature as filed on it, with the "By:" before it) for each line that signs."""
    anchors = []
    for i in lines.containing(word):
        if m := pattern.search(lines[i]):
            before = lines[i][max(0, m.start() - 8):m.start()]
            by = _BY_BEFORE.search(before)
            anchors.append((i, (before[by.start():] if by else "") + m.group(0)))
    return anchors


def signature_rows(lines: list[str]) -> list[dict]:
    lines = lines if isinstance(lines, Lines) else Lines(lines)
    anchors = (_anchors(lines, _SIGNER, "S/") or _anchors(lines, _BY, "BY") or _anchors(lines, _NAME_LABEL, "NAME"))
    dates = _signature_dates(lines)
    rows: list[dict] = []
    for n, (i, as_filed) in enumerate(anchors):
        stop = anchors[n + 1][0] if n + 1 < len(anchors) else len(lines)
        name = read_signer(as_filed).name
        title_parts: list[str] = []
        j = i + 1
        # "Name:" and "Title:" labels, else the printed name under the rule, then the title lines.
        while j < stop and (not lines[j].strip() or is_rule(lines[j])):
            j += 1
        if j < stop and (m := _NAME_LABEL.match(lines[j])):
            name, j = clean_text(m.group("value").strip(" |")), j + 1
        elif j < stop and name and _same_name(lines[j], name):
            name, j = clean_text(lines[j].strip(" |")), j + 1
        while j < stop and len(title_parts) < _MAX_TITLE_LINES:
            line = lines[j]
            j += 1
            if not line.strip() or is_rule(line):
                continue
            if m := _TITLE_LABEL.match(line):
                title_parts = [m.group("value")]
                continue
            if _title_stop(line):
                break
            stripped = line.strip(" |")
            if _SIGNATURE_NOISE.match(stripped):
                continue
            if title_parts and not title_parts[-1].rstrip().endswith((",", "and", "&")) and stripped[:1].isupper() \
                    and stripped.isupper() and not title_parts[-1].isupper():
                break  # a company name in capitals after a title in mixed case
            title_parts.append(stripped)
        # one rule for every reader: the title printed apart wins over one split off the signature
        signer = read_signer(as_filed, " ".join(p.replace(" | ", " ") for p in title_parts))
        rows.append({
            "signature_index": len(rows),
            "name": name,
            "title": signer.title,
            "as_filed": signer.as_filed,
            "signed_date": _date_for(i, stop, dates),
        })
    return rows


def _date_for(anchor: int, stop: int, dates: list[tuple[int, dt.date]]) -> dt.date | None:
    """The date on the signer's line, else the first after it before the next
    signer, else the last before it, else any date of the block."""
    for i, d in dates:
        if i == anchor:
            return d
    after = [d for i, d in dates if anchor < i < stop]
    if after:
        return after[0]
    before = [d for i, d in dates if i < anchor]
    if before:
        return before[-1]
    return dates[0][1] if dates else None


# --- cover -------------------------------------------------------------------------

_LABEL_WORDS = re.compile(
    r"jurisdiction|incorporation|organization|commission|file\s+n(?:o|umber)|employer|identification|"
    r"exact\s+name|specified\s+in|principal\s+executive|zip\s+code|telephone|former\s+(?:name|address)|"
    r"area\s+code|address\s+of", re.I)
_NAME_LABEL_LINE = re.compile(r"exact\s+name\s+of\s+(?:the\s+)?registrant|name\s+of\s+registrant\s+as\s+specified", re.I)
_IDS_LABEL_LINE = re.compile(r"jurisdiction|state\s+of\s+incorporation|commission\s*(?:file)?|employer|i\.\s?r\.\s?s\.", re.I)
_ADDRESS_LABEL_LINE = re.compile(r"address\s+of\s+principal|principal\s+executive\s+offices", re.I)
_PHONE_LABEL_LINE = re.compile(r"telephone\s+number", re.I)
_FORMER_LABEL_LINE = re.compile(r"former\s+name|former\s+address", re.I)
_FORMERLY = re.compile(r"^\(?\s*(?:formerly(?:\s+known\s+as)?|f/k/a)\b[\s:]*(?P<name>.*\S)", re.I)
_IRS = re.compile(r"^\(?(?P<irs>\d{2}-?\d{7})\)?$")
_FILE_NO = re.compile(r"^\(?(?:No\.\s*)?(?P<file>\d{1,4}-\d{3,6}(?:-\d{1,3})?)\)?$")
_PHONE = re.compile(r"\+\d[\d\s().-]{6,}\d|\(?\b\d{3}\)?[\s.-]*\d{3}[\s.-]\d{4}\b|\(\d{3}\)\s*\d{3}[\s.-]\d{4}\b")
_INCORPORATED_AS = re.compile(r"^\(\s*an?\s+(?P<state>[A-Za-z .]+?)\s+(?:corporation|company|limited|trust|partnership)", re.I)
_NONE_VALUES = re.compile(r"^(?:not\s+applicable|n/?a|none|no\s+change|unchanged|inapplicable|not\s+changed)\.?$", re.I)
_AMENDMENT = re.compile(r"8-K\s*/\s*A\b|AMENDMENT\s+NO\.?\s*\d|\(\s*AMENDMENT\s*\)", re.I)


def _is_label(line: str) -> bool:
    s = line.strip(" |")
    return bool(s) and (s[0] == "(" or s[-1] == ")" or " | (" in line) and bool(_LABEL_WORDS.search(s))


def _value_line(lines: list[str], index: int, step: int, floor: int, ceiling: int) -> int | None:
    """Nearest line from index in direction step that holds a value (not blank, rule or label)."""
    j = index + step
    while floor <= j < ceiling:
        if lines[j].strip(" |") and not is_rule(lines[j]):
            return None if _is_label(lines[j]) else j
        j += step
    return None


def _first(lines: list[str], pattern: re.Pattern, start: int, end: int, *words: str) -> int | None:
    if isinstance(lines, Lines):
        return lines.first(pattern, words, start, end)
    return next((i for i in range(start, end) if pattern.search(lines[i])), None)


@dataclass
class Registrant:
    name: str | None = None
    state_of_incorporation: str | None = None
    sec_file_number: str | None = None
    irs_number: str | None = None
    street1: str | None = None
    street2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    phone: str | None = None
    former_names: list[str] | None = None
    cik: str | None = None
    ticker: str | None = None


@dataclass
class Cover:
    form_type: str = "8-K"
    is_amendment: bool = False
    period_of_report: dt.date | None = None
    registrants: list[Registrant] = field(default_factory=list)


def _state_of(text: str) -> str | None:
    """'Maryland', 'MD', 'Ky.', 'Kentucky and Virginia' -> code of the first state named; other places as written."""
    t = clean_text(text.strip(" .,()|"))
    if not t:
        return None
    code = us_state(t)
    if code:
        return code
    for word in re.split(r"\s+(?:and|&)\s+|,\s*", t):
        code = us_state(word)
        if code:
            return code
    return state_code(t)


_ZIP_TAIL = re.compile(r"\b(?P<zip>\d{5}(?:-\d{4})?)$")
_ZIP_CELL = re.compile(r"^\d{5}(?:-\d{4})?$")
_SUITE_PREFIX = re.compile(r"^(?P<suite>(?:Suite|Ste\.?|Floor|Room|Unit|#)\s*[\w-]+,?)\s+(?P<city>.+)$", re.I)


def parse_address(address_lines: list[str]) -> dict:
    """Street lines, then "City, State Zip" (ZIP may sit in its own column)."""
    logical: list[str] = []
    cells = [columns(line) for line in address_lines]
    zip_cells = [c for row in cells for c in row if _ZIP_CELL.match(c)]
    lone_zip = zip_cells[0] if len(zip_cells) == 1 else None
    for row in cells:
        text = ", ".join(c for c in row if c != lone_zip).strip()
        if not text:
            continue
        if logical and logical[-1].endswith(","):
            logical[-1] = logical[-1] + " " + text
        else:
            logical.append(text)
    result = {"street1": None, "street2": None, "city": None, "state": None, "zip": None}
    if lone_zip:
        # "1258 Prospect Street | 92037" over "La Jolla, CA": the ZIP ends the address whatever row it shares
        if logical:
            logical[-1] = logical[-1].rstrip(" ,") + " " + lone_zip
        else:
            logical.append(lone_zip)
    if not logical:
        return result
    last = logical[-1]
    zm = _ZIP_TAIL.search(last)
    city = state = zip_code = None
    prefix = last
    if zm:
        zip_code = zm.group("zip")
        segments = [s.strip() for s in last[:zm.start()].split(",")]
        segments = [s for s in segments if s]
        if segments:
            state = us_state(segments[-1])
            if state and len(segments) >= 2:
                city, prefix = segments[-2], ", ".join(segments[:-2])
            elif not state:
                # "Houston Texas 77056": the state is the last word(s) of the segment
                words = segments[-1].split()
                for k in (2, 1):
                    if len(words) > k and us_state(" ".join(words[-k:])):
                        state = us_state(" ".join(words[-k:]))
                        city, prefix = " ".join(words[:-k]), ", ".join(segments[:-1])
                        break
            else:
                city, prefix = None, ""
    if city and (sm := _SUITE_PREFIX.match(city)):
        prefix = ", ".join(p for p in (prefix, sm.group("suite").rstrip(",")) if p)
        city = sm.group("city")
    if city is None:
        # Not a US address we can read: keep the text as street lines.
        street_lines, zip_code, state = logical, (zip_code if state else None), None
    else:
        street_lines = logical[:-1] + ([prefix] if prefix else [])
    street_lines = [s.strip(" ,") for s in street_lines if s.strip(" ,")]
    result.update(
        street1=street_lines[0] if street_lines else None,
        street2=", ".join(street_lines[1:]) or None,
        city=clean_text(city.strip(" ,")) if city else None,
        state=state,
        zip=zip_code,
    )
    return result


def _phone_in(line: str) -> str | None:
    m = _PHONE.search(line)
    return clean_text(m.group(0)) if m else None


def _ids_from_columns(cells: list[str], reg: Registrant) -> None:
    for cell in cells:
        if (m := _IRS.match(cell)) and not reg.irs_number:
            reg.irs_number = m.group("irs")
        elif (m := _FILE_NO.match(cell)) and not reg.sec_file_number:
            reg.sec_file_number = m.group("file")
        elif not reg.state_of_incorporation and re.search(r"[A-Za-z]", cell) and not _LABEL_WORDS.search(cell):
            reg.state_of_incorporation = _state_of(cell)


def _table_registrants(lines: list[str], end: int) -> list[Registrant]:
    """Combined filings list registrants in a table: "File No. | Name | IRS No."
    with incorporation, address and phone in the lines below the name."""
    rows = []
    for i in range(end):
        if "-" not in lines[i] or is_rule(lines[i]):
            continue
        cells = columns(lines[i])
        if len(cells) == 3 and _FILE_NO.match(cells[0]) and _IRS.match(cells[2]):
            rows.append(i)
    registrants = []
    for n, i in enumerate(rows):
        cells = columns(lines[i])
        reg = Registrant(name=clean_text(cells[1]), sec_file_number=_FILE_NO.match(cells[0]).group("file"),
                         irs_number=_IRS.match(cells[2]).group("irs"))
        stop = rows[n + 1] if n + 1 < len(rows) else end
        address: list[str] = []
        for j in range(i + 1, stop):
            line = lines[j].strip()
            if not line or is_rule(line):
                continue
            if (m := _INCORPORATED_AS.match(line)) and not reg.state_of_incorporation:
                reg.state_of_incorporation = _state_of(m.group("state"))
                continue
            phone = _phone_in(line)
            if phone and len(line) - len(phone) < 6:
                reg.phone = phone
                break
            if len(line) > 120 or _is_label(line):
                break
            address.append(line)
        _apply_address(reg, parse_address(address))
        registrants.append(reg)
    return registrants


def _apply_address(reg: Registrant, address: dict) -> None:
    for key, value in address.items():
        setattr(reg, key, value)


_EARLIEST = re.compile(r"earliest", re.I)
_DATE_OF_REPORT = re.compile(r"date\s+of\s+report", re.I)


def _report_date(lines: list[str], end: int) -> dt.date | None:
    for pattern, word in ((_EARLIEST, "EARLIEST"), (_DATE_OF_REPORT, "REPORT")):
        i = _first(lines, pattern, 0, end, word)
        if i is None:
            continue
        m = pattern.search(lines[i])
        after = find_date(lines[i][m.end():])
        if after:
            return after
        for step in (1, -1):
            j = i + step
            while 0 <= j < end and (not lines[j].strip() or is_rule(lines[j])):
                j += step
            if 0 <= j < end and (d := find_date(lines[j])):
                return d
    return None


def _name_and_former(lines: list[str], label: int, floor: int) -> tuple[str | None, list[str]]:
    """The registrant's name: the lines right above its label (a "Formerly
    known as" line among them is a former name)."""
    j = label - 1
    while j >= floor and (not lines[j].strip(" |") or is_rule(lines[j])):
        j -= 1
    block: list[str] = []
    while j >= floor and lines[j].strip(" |") and not is_rule(lines[j]) and not _is_label(lines[j]) and len(block) < 3:
        if _CIK.search(lines[j]):
            j -= 1
            continue  # a CIK printed with the name is not part of it
        if find_date(lines[j]) or _FORM_8K.search(lines[j]) or _COVER_MARK.search(lines[j]):
            break
        block.insert(0, lines[j].strip(" |"))
        j -= 1
    names, former = [], []
    for line in block:
        m = _FORMERLY.match(line)
        (former.append(m.group("name").rstrip(" )")) if m else names.append(line))
    return clean_text(" ".join(names)), former


def _single_registrant(lines: list[str], end: int) -> Registrant:
    reg = Registrant()
    name_label = _first(lines, _NAME_LABEL_LINE, 0, end, "NAME")
    former: list[str] = []
    if name_label is not None:
        reg.name, former = _name_and_former(lines, name_label, 0)
    start = name_label + 1 if name_label is not None else 0
    address_label = _first(lines, _ADDRESS_LABEL_LINE, start, end, "PRINCIPAL")
    phone_label = _first(lines, _PHONE_LABEL_LINE, start, end, "TELEPHONE")
    ids_end = min((i for i in (address_label, phone_label) if i is not None), default=end)
    address_floor = _read_ids(lines, start, ids_end, reg)
    if address_label is not None:
        address_lines = [ln for ln in lines[address_floor:address_label]
                         if ln.strip(" |") and not is_rule(ln) and not _is_label(ln)]
        # the ZIP code may be printed after the label: "(Address ...)  (Zip Code)" below "Street | 10001"
        _apply_address(reg, parse_address(address_lines[-4:]))
    if phone_label is not None:
        reg.phone = _phone_in(lines[phone_label])
        for step in (-1, 1):
            if reg.phone:
                break
            j = _value_line(lines, phone_label, step, start, end)
            if j is not None:
                reg.phone = _phone_in(lines[j])
    former_label = _first(lines, _FORMER_LABEL_LINE, start, end, "FORMER")
    if former_label is not None:
        j = _value_line(lines, former_label, -1, (phone_label if phone_label is not None else start) + 1, end)
        if j is not None:
            value = clean_text(lines[j].strip(" |"))
            # a name or address has words: a line of digits is a piece of the phone number
            if value and not _NONE_VALUES.match(value) and not _phone_in(value) and _WORD.search(value):
                former.append(value)
    reg.former_names = [clean_text(f) for f in former] or None
    cik_line = _first(lines, _CIK, 0, end, "CIK", "CENTRAL INDEX")
    if cik_line is not None:
        reg.cik = pad_cik(_CIK.search(lines[cik_line]).group("cik"))
    return reg


_WORD = re.compile(r"[A-Za-z]{2}")
# A CIK some covers print: "CIK No. 0000320193", "(Central Index Key: 320193)". Bounded gaps: linear on long runs.
_CIK = re.compile(r"\b(?:central\s{1,3}index\s{1,3}key|cik)(?:\s{1,3}(?:no\.?|number|#))?\s{0,3}[:#]?\s{0,3}"
                  r"(?P<cik>\d{4,10})\b", re.I)


def _read_ids(lines: list[str], start: int, end: int, reg: Registrant) -> int:
    """State of incorporation, file number and IRS number: the values over their captions, which
    may share one row or stand in rows of their own. Returns the first line after the last of
    them (where the address starts)."""
    floor = i = start
    while i < end:
        if not (_IDS_LABEL_LINE.search(lines[i]) and _is_label(lines[i])):
            i += 1
            continue
        value = _value_line(lines, i, -1, start, end)
        if value is not None and value >= floor:
            _ids_from_columns(columns(lines[value]), reg)
        # the caption may wrap over several lines: the address starts after the last of them
        floor = i + 1
        while floor < end and (_is_label(lines[floor]) or not lines[floor].strip(" |")
                               or is_rule(lines[floor]) or _continues_label(lines[floor])):
            floor += 1
        i = floor
    return floor


def _continues_label(line: str) -> bool:
    """Second line of a wrapped label: "of incorporation)   File Number)   Identification No.)"."""
    s = line.strip(" |")
    return s.endswith(")") and "(" not in s.split(")")[0] and bool(_LABEL_WORDS.search(s) or re.search(r"\bNo\.\)|Number\)", s))


def parse_cover(lines: list[str], end: int) -> Cover:
    cover = Cover()
    head = "\n".join(lines[:end])
    m = _AMENDMENT.search(head)
    if m:
        cover.form_type, cover.is_amendment = "8-K/A", True
    cover.period_of_report = _report_date(lines, end)
    cover.registrants = _table_registrants(lines, end) or [_single_registrant(lines, end)]
    return cover


# --- securities registered under Section 12(b) ---------------------------------------

_SECURITIES_HEADER = re.compile(r"title\s+of\s+each\s+class", re.I)
_SECURITIES_HEADER_REST = re.compile(r"symbol|on\s+which|registered", re.I)
_SECURITIES_END = re.compile(r"check\s+mark|emerging\s+growth|section\s+12\s*\(g\)|^[\s|]*item\b", re.I)
_EXCHANGE = re.compile(r"exchange|market|nasdaq|nyse|\bcboe\b|\barca\b|\bbats\b|bourse", re.I)
# NREF, BRK.A, NREF-PRA, BLK25, "BRK.A, BRK.B"
_SYMBOL = re.compile(r"[A-Z][A-Z0-9.\-/]{0,11}(?:\s?[,/]\s?[A-Z][A-Z0-9.\-/]{0,11}){0,5}")
_NO_SECURITY = re.compile(r"^(?:n/?a|none|not\s+applicable|-+|—|–)\.?$", re.I)
_MAX_SECURITY_LINES = 60


def registered_securities(lines: Lines, end: int) -> list[dict]:
    """The cover's table of securities registered under Section 12(b) (since 2019): a row per class
    and exchange, with the class's title (wrapped lines joined) and trading symbol."""
    header = lines.first(_SECURITIES_HEADER, ("TITLE",), 0, end)
    if header is None:
        return []
    rows: list[dict] = []
    for j in range(header + 1, min(end, header + _MAX_SECURITY_LINES)):
        line = lines[j]
        text = line.strip(" |")
        if not text or is_rule(line):
            continue
        if _SECURITIES_END.search(line) or len(text) > 200 or _is_label(line):
            break
        if not rows and _SECURITIES_HEADER_REST.search(line):
            continue  # the header wraps: "Symbol(s) | on which registered"
        cells = [c for c in columns(line) if not _NO_SECURITY.match(c)]
        if not cells:
            continue
        symbol = next((c for c in cells if _SYMBOL.fullmatch(c) and not _EXCHANGE.search(c)), None)
        exchanges = [c for c in cells if c != symbol and _EXCHANGE.search(c)]
        titles = [c for c in cells if c != symbol and c not in exchanges]
        # A line without a symbol carries on the row above: the rest of a wrapped title (a lone cell,
        # or one in lower case: "par value $0.01 per share") and a second exchange of the same class.
        if symbol is None and rows and (len(cells) == 1 or not titles or titles[0][:1].islower()):
            if titles:
                rows[-1]["title"] = clean_text(f"{rows[-1]['title'] or ''} {' '.join(titles)}")
            for exchange in exchanges:
                rows.append({**rows[-1], "exchange": clean_text(exchange)})
            continue
        rows.append({"title": clean_text(" ".join(titles)) or None, "trading_symbol": symbol,
                     "exchange": clean_text(" ".join(exchanges)) or None})
    return [{"security_index": n, **row} for n, row in enumerate(rows)]


# --- the cover against the SEC header -------------------------------------------------

# Spellings the SEC header and covers use for the same word (the header abbreviates).
_ABBREVIATIONS = {
    "CORPORATION": "CORP", "INCORPORATED": "INC", "COMPANY": "CO", "LIMITED": "LTD", "STREET": "ST",
    "AVENUE": "AVE", "ROAD": "RD", "DRIVE": "DR", "BOULEVARD": "BLVD", "PLACE": "PL",
    "SUITE": "STE", "FLOOR": "FLR", "FL": "FLR", "PARKWAY": "PKWY", "HIGHWAY": "HWY", "LANE": "LN",
    "COURT": "CT", "CENTER": "CTR", "CENTRE": "CTR", "SQUARE": "SQ", "PLAZA": "PLZ", "NORTH": "N", "SOUTH": "S",
    "EAST": "E", "WEST": "W", "BUILDING": "BLDG", "ONE": "1", "TWO": "2", "THREE": "3", "AND": "&",
}
_TOKEN = re.compile(r"[A-Z0-9&]+")
_STATE_SUFFIX = re.compile(r"/[A-Z]{2,3}/?$")  # EDGAR's "/MD/" after a conformed name (matched on stripped text)
_NAME_NOISE = frozenset({"THE", "&"})


def _tokens(text: str) -> list[str]:
    text = (text or "").upper().replace("P.O.", "PO").replace("C/O", "CO")
    return [_ABBREVIATIONS.get(t, t) for t in _TOKEN.findall(text.replace(".", "").replace("'", ""))]


def _name_key(name: str | None) -> str:
    return " ".join(t for t in _tokens(_STATE_SUFFIX.sub("", (name or "").upper().strip())) if t not in _NAME_NOISE)


def _street_agrees(document: list[str], header: list[str]) -> bool:
    """The same street when the words of one are all in the other, house number first (the header often
    adds a floor or "c/o" line the cover leaves out)."""
    short, long_ = sorted((document, header), key=len)
    return short[:1] == long_[:1] and set(short) <= set(long_)


def _digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def _file_number_key(text: str | None) -> str:
    return "-".join(part.lstrip("0") or "0" for part in re.findall(r"\d+", text or ""))


def same_registrant(document: dict, header: dict) -> bool:
    """One company: the same CIK where both give one, else the same name (normalised)."""
    ciks = [_digits(row.get("cik")).lstrip("0") for row in (document, header)]
    if all(ciks):
        return ciks[0] == ciks[1]
    return bool(_name_key(document.get("name"))) and _name_key(document.get("name")) == _name_key(header.get("name"))


def registrant_differences(document: dict, header: dict) -> dict[str, tuple[str, str]]:
    """Fields of a registrant (a `filing_companies` row read from an 8-K's cover) that the SEC
    header's filer block (a row of the same shape) gives differently, with both values as given.
    Only fields both give are compared; names, numbers, addresses and phones in one spelling."""
    keys = {
        "name": _name_key,
        "cik": lambda v: _digits(v).lstrip("0"),
        "state_of_incorporation": lambda v: (state_code(v) or "").upper(),
        "sec_file_number": _file_number_key,
        "irs_number": lambda v: "" if not _digits(v).strip("0") else _digits(v),
        "city": lambda v: " ".join(_tokens(v)),
        "state": lambda v: (us_state(v or "") or (v or "")).upper(),
        "zip": lambda v: _digits(v)[:5],
        "phone": lambda v: _digits(v)[-10:],
    }
    differ: dict[str, tuple[str, str]] = {}
    for field_name, key in keys.items():
        ours, theirs = key(document.get(field_name)), key(header.get(field_name))
        if ours and theirs and ours != theirs:
            differ[field_name] = (document.get(field_name), header.get(field_name))
    streets = [", ".join(s for s in (row.get("street1"), row.get("street2")) if s) for row in (document, header)]
    if all(streets) and not _street_agrees(_tokens(streets[0]), _tokens(streets[1])):
        differ["street"] = (streets[0], streets[1])
    return differ


# --- inline XBRL cover facts ---------------------------------------------------------

def _dei_phone(area: str | None, local: str | None) -> str | None:
    if not local:
        return None
    if not area:
        return clean_text(local)
    area = area.strip()
    return f"{area if area.startswith('(') or area.startswith('+') else '(' + area + ')'} {local.strip()}"


def _dei_part(dei: dict[str, str], fact: str) -> str | None:
    """An address fact without the comma the cover prints after it ("270 Park Avenue,")."""
    return clean_text((dei.get(fact) or "").strip(" ,;")) or None


def apply_dei(cover: Cover, dei: dict[str, str]) -> None:
    """Tagged cover facts win over what the text layout gave."""
    if not dei:
        return
    reg = cover.registrants[0] if cover.registrants else Registrant()
    if not cover.registrants:
        cover.registrants.append(reg)
    simple = {
        "EntityRegistrantName": "name", "EntityFileNumber": "sec_file_number",
        "EntityTaxIdentificationNumber": "irs_number", "TradingSymbol": "ticker",
    }
    for fact, attr in simple.items():
        if clean_text(dei.get(fact)):
            setattr(reg, attr, clean_text(dei[fact]))
    if (cik := re.sub(r"\D", "", dei.get("EntityCentralIndexKey") or "")):
        reg.cik = pad_cik(cik)
    if clean_text(dei.get("EntityIncorporationStateCountryCode")):
        reg.state_of_incorporation = _state_of(dei["EntityIncorporationStateCountryCode"])
    if any(k.startswith("EntityAddress") for k in dei):
        streets = [_dei_part(dei, f"EntityAddressAddressLine{n}") for n in (1, 2, 3)]
        streets = [s for s in streets if s]
        reg.street1 = streets[0] if streets else None
        reg.street2 = ", ".join(streets[1:]) or None
        reg.city = _dei_part(dei, "EntityAddressCityOrTown")
        province = _dei_part(dei, "EntityAddressStateOrProvince")
        reg.state = (us_state(province) or province) if province else None
        reg.zip = _dei_part(dei, "EntityAddressPostalZipCode")
    if phone := _dei_phone(dei.get("CityAreaCode"), dei.get("LocalPhoneNumber")):
        reg.phone = phone
    if (period := find_date(clean_text(dei.get("DocumentPeriodEndDate")) or "")) or \
            (period := find_iso_date(dei.get("DocumentPeriodEndDate"))):
        cover.period_of_report = period
    doc_type = clean_text(dei.get("DocumentType"))
    if doc_type and doc_type.upper().startswith("8-K"):
        cover.form_type = doc_type.upper()
    if (dei.get("AmendmentFlag") or "").strip().lower() == "true" or cover.form_type.endswith("/A"):
        cover.is_amendment = True
        if not cover.form_type.endswith("/A"):
            cover.form_type += "/A"


# --- the filing ----------------------------------------------------------------------

_ACCESSION = re.compile(r"\bACCESSION\s+NUMBER:?\s*(\d{10}-\d{2}-\d{6})\b", re.I)


def read_eight_k(text: str, *, source_text: str, dei: dict[str, str] | None = None) -> ParsedFiling:
    """One 8-K from its text. `source_text` is the document as filed (hashed
    into content_id); `dei` holds inline XBRL cover facts by local name."""
    lines = text_lines(text)
    head = "\n".join(lines[:200])
    if not has_eight_k_cover(head) and not (dei and (dei.get("DocumentType") or "").strip().upper().startswith("8-K")):
        raise ParseError("unrecognized_format", "no 8-K cover page (FORM 8-K, CURRENT REPORT, Date of Report) "
                         "in the first 200 lines")
    sections = split_sections(lines)
    cover = parse_cover(lines, sections.cover_end)
    apply_dei(cover, dei or {})
    content_id = content_filing_id(source_text)
    accession = _ACCESSION.search(head)
    first = cover.registrants[0] if cover.registrants else Registrant()
    filing = ParsedFiling({
        "filing_id": accession.group(1) if accession else content_id,
        "accession_number": accession.group(1) if accession else None,
        "content_id": content_id,
        "form_type": cover.form_type,
        "is_amendment": cover.is_amendment,
        # The document states when the event happened, never when EDGAR accepted it: the
        # SEC header of its submission gives that (transforms/submission.py).
        "filed_date": None,
        "filed_date_source": "no_header",
        "period_of_report": cover.period_of_report,
        "issuer_name": first.name,
        "issuer_cik": first.cik,
        "issuer_ticker": first.ticker,
    })
    for index, reg in enumerate(cover.registrants):
        filing.add("filing_companies", {
            "company_index": index, "role": "registrant", "cik": reg.cik, "name": reg.name, "ticker": reg.ticker,
            "state_of_incorporation": reg.state_of_incorporation, "sec_file_number": reg.sec_file_number,
            "irs_number": reg.irs_number, "street1": reg.street1, "street2": reg.street2, "city": reg.city,
            "state": reg.state, "zip": reg.zip, "phone": reg.phone, "former_names": reg.former_names,
        })
    for row in registered_securities(lines, sections.cover_end):
        filing.add("registered_securities", row)
    items = item_rows(lines, sections.headings, sections.signature_start)
    for row in items:
        filing.add("report_items", row)
    exhibit_lines: list[str] = []
    for heading in sections.headings:
        if any(item_meta(code)[1] == "9.01" for code in heading.codes):
            stop = next((h.line for h in sections.headings if h.line > heading.line), sections.signature_start)
            exhibit_lines += lines[heading.body_start:stop] + [""]
    if sections.exhibit_index:
        exhibit_lines += lines[sections.exhibit_index[0]:sections.exhibit_index[1]]
    for row in exhibit_rows(exhibit_lines):
        filing.add("exhibits", row)
    signatures = signature_rows(lines[sections.signature_start:sections.signature_end])
    if not signatures and sections.exhibit_index is None and _stops_in_signature_block(lines, sections.signature_start):
        raise ParseError("truncated", "the 8-K ends inside its signature block, before any signer "
                         f"(line {sections.signature_start + 1} of {len(lines)})")
    for row in signatures:
        filing.add("signatures", row)
    return filing


def _stops_in_signature_block(lines: list[str], start: int) -> bool:
    """Nothing but the heading, the "Pursuant to the requirements" paragraph
    and at most a company name and a date: the document was cut there."""
    j = start + 1 if _SIGNATURE_HEADING.match(lines[start]) else start
    while j < len(lines) and not lines[j].strip(" |"):
        j += 1
    if j < len(lines) and _PURSUANT.match(lines[j]):
        while j < len(lines) and lines[j].strip(" |"):
            j += 1
    return sum(1 for line in lines[j:] if line.strip(" |") and not is_rule(line)) < 4
