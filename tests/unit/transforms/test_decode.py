"""Bytes to text: what is refused, what is repaired."""
from __future__ import annotations

import codecs

import pytest

from transforms.decode import decode
from transforms.errors import ParseError


@pytest.mark.parametrize("data, code", [
    (b"", "empty_file"),
    (b"  \n\t\n", "empty_file"),
    (b"%PDF-1.4 ...", "binary_content"),
    (b"\x1f\x8b\x08\x00" + b"\x00" * 20, "binary_content"),
    (b"PK\x03\x04rest", "binary_content"),
    (b"text\x00with\x00nuls" * 50, "binary_content"),
    (bytes(range(0x80, 0x100)) * 10, "undecodable_text"),
    (codecs.BOM_UTF16_LE + "FORM 4".encode("utf-16-le") + b"\x00\xd8", "undecodable_text"),
])
def test_refused(data, code):
    with pytest.raises(ParseError) as info:
        decode(data)
    assert info.value.code == code
    assert info.value.detail


def test_utf8_and_line_endings():
    assert decode("caf\u00e9\r\nline\rend".encode()).text == "caf\u00e9\nline\nend"


def test_cp1252_bytes_in_utf8_are_repaired():
    decoded = decode("Smith \u2013 CEO".encode() + b" \x93quoted\x94 text")
    assert decoded.text == "Smith \u2013 CEO \u201cquoted\u201d text"
    assert decoded.encoding == "utf-8+cp1252"


def test_utf16_with_and_without_bom():
    assert decode(codecs.BOM_UTF16_LE + "FORM 4\n".encode("utf-16-le")).text == "FORM 4\n"
    assert decode("FORM 4 filing text\n".encode("utf-16-le")).text == "FORM 4 filing text\n"
