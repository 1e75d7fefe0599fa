"""Bytes to text: refuse what is not text, repair what is almost text.

EDGAR text is ASCII or UTF-8, with cp1252 bytes pasted into UTF-8 files now
and then; dissemination files end lines with a bare CR. Anything else (binary,
empty, another encoding) becomes a ParseError with a specific reason. The
checks for NUL bytes and control characters cover the whole file (one pass
in C over the bytes), so binary data after a text head is found too; a few
stray control characters in text are blanked, never loaded."""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from transforms.errors import ParseError

_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\x7fELF", "an executable"),
    (b"\xd0\xcf\x11\xe0", "an MS Office document"),
)
# Bytes cp1252 leaves undefined: their presence means the file is not cp1252 either.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0b, *range(0x0e, 0x20), 0x7f])  # the same set, as bytes
MAX_INVALID_SHARE = 0.02


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # utf-8, utf-8+cp1252 (repaired), utf-16


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    bad = err.object[err.start:err.end]
    return bad.decode("cp1252", errors="replace"), err.end


codecs.register_error("filingflow-cp1252", _cp1252_fallback)


def _decode_utf16(data: bytes) -> str:
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise ParseError("undecodable_text", f"declared UTF-16 (byte order mark) but invalid at byte {exc.start}: {exc.reason}",
                         stage="decode") from exc


def decode(data: bytes) -> DecodedText:
    if not data or data.isspace():  # data.strip() would copy the whole file to say the same
        raise ParseError("empty_file", "the file is empty" if not data else "the file holds only white space",
                         stage="read")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ParseError("binary_content", f"the file is {what}, not filing text", stage="read")
    # NUL padding after 8-bit text (old dissemination tapes, some archivers) is not content; UTF-16 keeps its NULs.
    if data.endswith(b"\x00") and (stripped := data.rstrip(b"\x00")) and 0 not in stripped[:8192]:
        data = stripped
    if data.isascii() and len(data.translate(None, _CONTROL_BYTES)) == len(data):
        # Nearly every EDGAR file: plain ASCII without control characters has nothing to detect
        # or repair (the general path below would find the same in three passes over it).
        return DecodedText(_unify_line_ends(data.decode("ascii")), "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _decode_utf16(data), "utf-16"
    else:
        head = data[:8192]
        nuls = head.count(0)
        if not nuls and (at := data.find(0)) != -1:  # NULs later in a file that starts as text
            raise ParseError("binary_content", f"the file holds NUL bytes (the first at byte {at:,} of {len(data):,}): "
                                               "binary data, not text", stage="read")
        if nuls:
            # UTF-16 without a byte order mark: every other byte of ASCII text is NUL.
            if nuls * 2 >= len(head) - 2 and (head[1::2].count(0) > 0.9 * len(head[1::2])
                                               or head[0::2].count(0) > 0.9 * len(head[0::2])):
                try:
                    text = data.decode("utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be")
                    encoding = "utf-16"
                except UnicodeDecodeError as exc:
                    raise ParseError("undecodable_text", f"looks like UTF-16 without a byte order mark but is invalid at byte {exc.start}",
                                     stage="decode") from exc
            else:
                raise ParseError("binary_content", f"the file holds NUL bytes ({nuls} in its first {len(head)} bytes): binary data, not text",
                                 stage="read")
        else:
            try:
                text, encoding = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError as exc:
                invalid = _count_invalid_utf8(data)
                if invalid > max(8, MAX_INVALID_SHARE * len(data)) or any(b in _CP1252_UNDEFINED for b in data if b >= 0x80):
                    raise ParseError(
                        "undecodable_text",
                        f"not UTF-8 text: {invalid} invalid byte sequences in {len(data)} bytes (first at byte {exc.start}), "
                        "and not repairable as cp1252",
                        stage="decode") from exc
                text, encoding = data.decode("utf-8", errors="filingflow-cp1252"), "utf-8+cp1252"
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:  # U+0000 inside UTF-16 text
        raise ParseError("binary_content", f"the text holds NUL characters (the first at character "
                                           f"{text.index(chr(0)):,}): binary data, not text", stage="read")
    # Valid UTF-8 has a control character exactly where its bytes have the control byte.
    controls = _count_control_bytes(data) if encoding == "utf-8" else _count_controls(text)
    if controls > max(16, 0.01 * len(text)):
        raise ParseError("binary_content", f"{controls:,} control characters in {len(text):,}: binary data, not text",
                         stage="read")
    if controls:  # a few stray ones (a pasted escape, a Ctrl-Z): blanked so they never reach a table or a terminal
        text = _CONTROL.sub(" ", text)
    return DecodedText(_unify_line_ends(text), encoding)


def _unify_line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _count_control_bytes(data: bytes) -> int:
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


def _count_controls(text: str) -> int:
    if text.isascii():  # nearly always: bytes.translate counts 10x faster than the regex
        data = text.encode("ascii")
        return len(data) - len(data.translate(None, _CONTROL_BYTES))
    return len(_CONTROL.findall(text))


def _count_invalid_utf8(data: bytes) -> int:
    # U+FFFD already in the text is valid UTF-8 and must not be counted.
    return data.decode("utf-8", errors="replace").count("\ufffd") - data.count("\ufffd".encode())
