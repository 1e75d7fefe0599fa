"""Decoding looks at the whole file: NUL bytes and control characters are found wherever they are."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms.decode import decode
from transforms.errors import ParseError

LINE = b"REPORTING OWNER: DOE JOHN  1,000 shares at $10.00\n"
BIG_TEXT = LINE * 3000  # about 150 KB: past the 64 KiB head older checks looked at


@pytest.mark.parametrize("prefix", [b"", "caf\u00e9 ".encode()], ids=["ascii", "utf-8"])
def test_a_nul_byte_after_the_first_64_kib_is_binary_content(prefix):
    data = prefix + BIG_TEXT + b"tail\x00hidden" + BIG_TEXT
    with pytest.raises(ParseError) as caught:
        decode(data)
    assert caught.value.code == "binary_content"
    assert "NUL" in caught.value.detail


@given(at=st.integers(min_value=0, max_value=len(BIG_TEXT) - 1), non_ascii=st.booleans())
@settings(max_examples=40, deadline=None)
def test_a_nul_byte_anywhere_but_trailing_padding_is_refused(at, non_ascii):
    data = ("\u00e9".encode() if non_ascii else b"") + BIG_TEXT[:at] + b"\x00" + BIG_TEXT[at:]
    with pytest.raises(ParseError) as caught:
        decode(data)
    assert caught.value.code == "binary_content"


def test_trailing_nul_padding_is_not_content():
    assert decode(BIG_TEXT + b"\x00" * 512).text == BIG_TEXT.decode()


@pytest.mark.parametrize("prefix", [b"", "caf\u00e9 ".encode()], ids=["ascii", "utf-8"])
def test_a_stray_escape_sequence_after_64_kib_is_blanked(prefix):
    text = decode(prefix + BIG_TEXT + b"\x1b[2J\x1b]0;owned\x07 end\n").text
    assert text.endswith("\n [2J ]0;owned  end\n")
    assert not any(ch in text for ch in "\x1b\x07")


def test_many_control_characters_after_64_kib_are_binary_content():
    with pytest.raises(ParseError) as caught:
        decode(BIG_TEXT + bytes(range(1, 8)) * 2000)
    assert caught.value.code == "binary_content"
    assert "control characters" in caught.value.detail


def test_utf16_text_holding_nul_characters_is_refused():
    data = "\ufeffFORM 4\n".encode("utf-16-le") + "x\x00y\n".encode("utf-16-le")
    with pytest.raises(ParseError) as caught:
        decode(data)
    assert caught.value.code == "binary_content"


@pytest.mark.parametrize("controls, refused", [(16, False), (17, True)])
def test_control_characters_of_utf8_text_are_counted_as_in_ascii_text(controls, refused):
    """Non-ASCII UTF-8 text is refused at the same count of control characters as ASCII text (more
    than 16 in a short file), and a few are blanked; multi-byte characters hold no control byte."""
    data = "caf\u00e9 \u00a0\u2502 FORM 4\n".encode() + b"\x01" * controls + "\u00e9\n".encode()
    if refused:
        with pytest.raises(ParseError) as caught:
            decode(data)
        assert caught.value.code == "binary_content"
        assert f"{controls} control characters" in caught.value.detail
    else:
        assert decode(data).text == "caf\u00e9 \u00a0\u2502 FORM 4\n" + " " * controls + "\u00e9\n"
