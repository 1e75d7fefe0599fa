"""Signatures: one rule for every reader, from the text as filed to name and title."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from transforms.signatures import Signer, read_signer


@pytest.mark.parametrize("as_filed, name, title", [
    ("/s/ Travis Shrout, Attorney-in-Fact", "Travis Shrout", "Attorney-in-Fact"),
    ("By: /s/ Jane Roe Its: Chief Financial Officer", "Jane Roe", "Chief Financial Officer"),
    ("Name: Jane Roe Title: CFO", "Jane Roe", "CFO"),
    ("/s/ John Smith, Jr.", "John Smith, Jr.", None),
    ("Smith, John", "Smith, John", None),
    ("/s/ Jane Doe as attorney-in-fact for John Smith", "Jane Doe", "attorney-in-fact for John Smith"),
    ("s/ Robert A. Smith, Jr., Vice President and Secretary", "Robert A. Smith, Jr.", "Vice President and Secretary"),
    ("/S/   MARY  MAJOR ,  as Trustee", "MARY MAJOR", "Trustee"),
    ("Jane Doe**", "Jane Doe", None),
    ("Baker Bros. Advisors LP", "Baker Bros. Advisors LP", None),
    ("/s/", None, None),
])
def test_name_and_title_split_from_the_signature_as_filed(as_filed, name, title):
    assert read_signer(as_filed) == Signer(name, title, " ".join(as_filed.split()))


def test_a_title_printed_apart_wins_over_one_in_the_text():
    assert read_signer("/s/ Jane Roe, Director", "Chief Executive Officer") == Signer(
        "Jane Roe", "Chief Executive Officer", "/s/ Jane Roe, Director")


def test_no_signature_is_all_null():
    assert read_signer(None) == Signer(None, None, None)
    assert read_signer("   ") == Signer(None, None, None)


def test_a_long_text_is_kept_whole_not_split():
    text = "/s/ " + "word, director " * 40
    signer = read_signer(text)
    assert signer.title is None and signer.as_filed == " ".join(text.split())


@given(st.text(max_size=200))
def test_any_text_reads_to_a_name_within_what_was_filed(text):
    signer = read_signer(text)
    if signer.name is not None:
        assert signer.as_filed is not None and signer.name in signer.as_filed
