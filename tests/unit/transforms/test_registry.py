"""Choosing a reader by content: the shape each text goes to, the per-shape size limit, the
filings stamped with their id and format, archives read member by member, and a submission's
primary document read by the reader the registry picks for it."""
from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from transforms import ascii_8k, ownership_text, registry, submission
from transforms.errors import ParseError

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "samples"
SEED_FORM4 = (SAMPLES / "000_42928c94e3084e24.txt").read_text()
SEED_8K = (SAMPLES / "001_fafeb7603bdfca6a.txt").read_text()
# The seed Form 4 as the document of a minimal EDGAR submission.
SUBMISSION = ("<SEC-DOCUMENT>0000000001-24-000001.txt : 20240102\n<SEC-HEADER>\n"
              "ACCESSION NUMBER:\t\t0000000001-24-000001\nCONFORMED SUBMISSION TYPE:\t4\n"
              "FILED AS OF DATE:\t\t20240102\n</SEC-HEADER>\n<DOCUMENT>\n<TYPE>4\n<SEQUENCE>1\n<FILENAME>f4.txt\n"
              "<TEXT>\n" + SEED_FORM4 + "\n</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n")


def test_each_seed_goes_to_its_reader():
    assert registry.reader_for(SEED_FORM4) is ownership_text
    assert registry.reader_for(SEED_8K) is ascii_8k
    assert registry.reader_for(SUBMISSION) is submission


def test_unknown_content_is_refused_at_sniff_described_never_quoted():
    with pytest.raises(ParseError) as caught:
        registry.reader_for("\n\n  Minutes of the annual picnic\nnothing else")
    assert caught.value.code == "unrecognized_format" and caught.value.stage == "sniff"
    assert "Minutes" not in caught.value.detail
    assert "plain text, 45 characters, 4 lines" in caught.value.detail


def test_text_beyond_its_shape_limit_is_refused_unread(monkeypatch):
    monkeypatch.setitem(registry.MAX_CHARS, ascii_8k, len(SEED_8K) - 1)
    with pytest.raises(ParseError) as caught:
        registry.reader_for(SEED_8K)
    assert caught.value.code == "file_too_large"
    assert f"{len(SEED_8K):,} characters of {ascii_8k.FORMAT}" in caught.value.detail
    monkeypatch.setitem(registry.MAX_CHARS, ascii_8k, len(SEED_8K))
    assert registry.reader_for(SEED_8K) is ascii_8k


def test_read_text_stamps_every_row_with_the_filing_id_and_format():
    source_format, [filing] = registry.read_text(SEED_FORM4)
    assert source_format == ownership_text.FORMAT == filing.filing["source_format"]
    assert filing.rows and all(row["filing_id"] == filing.filing_id for rows in filing.rows.values() for row in rows)


def test_a_submission_reads_its_primary_document_through_the_registry():
    source_format, [filing] = registry.read_text(SUBMISSION)
    assert source_format == submission.FORMAT
    assert filing.filing_id == "0000000001-24-000001"
    _, [alone] = registry.read_text(SEED_FORM4)
    assert filing.rows["nonderiv_transactions"] == [{**row, "filing_id": filing.filing_id}
                                                    for row in alone.rows["nonderiv_transactions"]]
    assert [d["reader"] for d in filing.rows["documents"]] == [ownership_text.FORMAT]


def test_a_compressed_file_reads_as_its_content():
    plain_format, [plain] = registry.read_bytes(SEED_8K.encode())
    packed_format, [packed] = registry.read_bytes(gzip.compress(SEED_8K.encode()))
    # a plain .gz names no member
    assert packed_format == plain_format and packed.filing == {**plain.filing, "source_member": None}
    assert packed.rows == plain.rows


def test_an_archive_of_two_shapes_is_mixed_and_a_bad_member_is_named():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("form4.txt", SEED_FORM4)
        archive.writestr("eightk.txt", SEED_8K)
    source_format, filings = registry.read_bytes(buffer.getvalue())
    assert source_format == "mixed" and len(filings) == 2
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("form4.txt", SEED_FORM4)
        archive.writestr("notes.txt", "nothing a reader knows")
    with pytest.raises(ParseError) as caught:
        registry.read_bytes(buffer.getvalue())
    assert caught.value.code == "unrecognized_format" and caught.value.detail.startswith("archive member 'notes.txt': ")
