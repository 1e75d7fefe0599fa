"""The content id of a filing without an accession number: its white-space-normalized text,
upper-cased and hashed, whatever white space (no-break spaces of a page as text included) it holds."""
from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from transforms.model import content_filing_id


def _by_definition(text: str) -> str:
    return "ff-" + hashlib.sha256(" ".join(text.split()).upper().encode("utf-8")).hexdigest()[:20]


@given(st.text(alphabet="aZ1 \t\n\xa0\u2028\u00e9\u0130", max_size=60))
def test_content_id_is_the_hash_of_the_normalized_text(text):
    assert content_filing_id(text) == _by_definition(text)


@given(st.text(alphabet="aZ1 \n", max_size=60))
def test_no_break_spaces_are_white_space_to_the_content_id(text):
    assert content_filing_id(text.replace(" ", "\xa0")) == content_filing_id(text)
    assert content_filing_id("Form\xa04  Table\xa0I") == content_filing_id("FORM 4 TABLE I")
