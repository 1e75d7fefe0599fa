"""Hostile input: every file an attacker, a broken disk or a careless copy can
put in the input folder ends as loaded rows or as a quarantine row with a
specific reason, and the run goes on."""
from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import os
import random
import subprocess
import sys
import tarfile
import zipfile
import zlib
from pathlib import Path

import pytest

from tests.support.generated import generate
from conftest import CORPUS, ROOT, SEED_8K, SEED_FORM4, warehouse_rows
from flows import pipeline
from flows.discover import discover
from flows.pipeline import RunSettings, nightly, read_one
from transforms import compressed
from transforms.errors import ParseError
from transforms.registry import read_bytes

OWNERSHIP_XML = ROOT / "tests" / "support" / "fixtures" / "ownership_xml" / "4A_amendment_handmade.xml"
UNICODE_NAME = "Form 4 \u2013 M\u00fcller & S\u00f6hne \u6771\u4eac (copy).txt"


def _xml_body() -> str:
    text = OWNERSHIP_XML.read_text()
    return text[text.index("<ownershipDocument"):]


def _billion_laughs() -> str:
    entities = '<!ENTITY lol0 "lol">\n' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">\n' for i in range(1, 10))
    return (f'<?xml version="1.0"?>\n<!DOCTYPE ownershipDocument [\n{entities}]>\n'
            + _xml_body().replace("<remarks>", "<remarks>&lol9;", 1))


def _xxe() -> str:
    return ('<?xml version="1.0"?>\n<!DOCTYPE ownershipDocument [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            + _xml_body().replace("<remarks>", "<remarks>&xxe;", 1))


def _external_dtd() -> str:
    # No entity declared inline: the parser must neither fetch the DTD nor invent the entity.
    return ('<?xml version="1.0"?>\n<!DOCTYPE ownershipDocument SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
            + _xml_body().replace("<remarks>", "<remarks>&foo;", 1))


def _deep_xml() -> str:
    return "<ownershipDocument>" + "<a>" * 100_000 + "</a>" * 100_000 + _xml_body()[len("<ownershipDocument>"):]


def _submission_with(xml: str) -> str:
    submission = next(CORPUS.glob("full_submission/4_*.txt")).read_text()
    start, end = submission.index("<XML>") + len("<XML>"), submission.index("</XML>")
    return submission[:start] + "\n" + xml + "\n" + submission[end:]


def _gzip_of_zeros(size: int) -> bytes:
    # Streamed: the bomb is built without holding its expansion in memory.
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1024 * 1024)
    return b"".join(packer.compress(block) for _ in range(size // len(block))) + packer.flush()


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tar_gz(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


# name -> (stage, error, words the detail must hold)
HOSTILE: dict[str, tuple[str, str, str]] = {
    "billion_laughs.xml": ("parse", "hostile_xml", "entity expansion"),
    "xxe.xml": ("parse", "hostile_xml", "external entity"),
    "external_dtd.xml": ("parse", "malformed_xml", "Entity 'foo' not defined"),
    "deep.xml": ("parse", "malformed_xml", "Excessive depth"),
    "laughs_in_a_submission.txt": ("parse", "hostile_xml", "primary document (sequence 1"),
    "empty.txt": ("read", "empty_file", "the file is empty"),
    "blank.txt": ("read", "empty_file", "only white space"),
    "random.bin": ("read", "binary_content", "NUL bytes"),
    "image.png": ("read", "binary_content", "a PNG image"),
    "latin1.txt": ("decode", "undecodable_text", "not UTF-8 text"),
    "utf16_odd_length.txt": ("decode", "undecodable_text", "declared UTF-16 (byte order mark) but invalid"),
    "utf16_lone_surrogate.txt": ("decode", "undecodable_text", "illegal UTF-16 surrogate"),
    "bomb.gz": ("decode", "decompression_bomb", "expand past the limit of 8388608 bytes"),
    "bomb.zip": ("decode", "decompression_bomb", "expand past the limit of 8388608 bytes"),
    "nested.gz": ("decode", "nested_archive", "inside 3 archive layers"),
    "cut.gz": ("decode", "truncated", "the gzip stream ends early"),
    "not_a.zip": ("decode", "corrupt_archive", "zip archive cannot be expanded"),
    "one_bad_member.zip": ("read", "empty_file", "archive member 'b/empty.txt': the file is empty"),
    "loop": ("read", "symlink_loop", "Too many levels of symbolic links"),
    "folder_loop": ("read", "symlinked_folder", "not followed"),
    "fifo": ("read", "not_a_regular_file", "not a regular file"),
}


@pytest.fixture(scope="module")
def hostile_run(prefect_api, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    inputs = root / "in"
    inputs.mkdir()
    made = {g.name: g.data for g in generate(4, seed=5, kinds=("ownership_xml", "ascii_8k"))}
    names = sorted(made)
    seed_form4 = SEED_FORM4.read_bytes()
    files: dict[str, bytes] = {
        # good ones: a non-ASCII name with spaces, a .gz, a zip of two, a .tar.gz of two
        UNICODE_NAME: seed_form4,
        "8k.txt.gz": gzip.compress(SEED_8K.read_bytes()),
        "two.zip": _zip({names[0]: made[names[0]], "sub/" + names[1]: made[names[1]]}),
        "two.tar.gz": _tar_gz({names[2]: made[names[2]], names[3]: made[names[3]]}),
        # hostile ones
        "billion_laughs.xml": _billion_laughs().encode(),
        "xxe.xml": _xxe().encode(),
        "external_dtd.xml": _external_dtd().encode(),
        "deep.xml": _deep_xml().encode(),
        "laughs_in_a_submission.txt": _submission_with(_billion_laughs()).encode(),
        "empty.txt": b"",
        "blank.txt": b" \n\t\n" * 100,
        "random.bin": random.Random(7).randbytes(64 * 1024),
        "image.png": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "latin1.txt": "R\u00e9sum\u00e9 \u00e0 la cr\u00e8me br\u00fbl\u00e9e ".encode("latin-1") * 200,
        "utf16_odd_length.txt": codecs.BOM_UTF16_LE + "FORM 4\n".encode("utf-16-le") + b"\x41",
        "utf16_lone_surrogate.txt": codecs.BOM_UTF16_LE + "FORM 4\n".encode("utf-16-le") + b"\x00\xd8A\x00",
        "bomb.gz": _gzip_of_zeros(16 * 1024 * 1024),
        "bomb.zip": _zip({"zeros.txt": bytes(16 * 1024 * 1024)}),
        "nested.gz": gzip.compress(_zip({"a.gz": gzip.compress(gzip.compress(seed_form4))})),
        "cut.gz": gzip.compress(seed_form4)[:400],
        "not_a.zip": b"PK\x03\x04" + b"\x00" * 200,
        "one_bad_member.zip": _zip({"a.txt": seed_form4, "b/empty.txt": b""}),
    }
    for name, data in files.items():
        (inputs / name).write_bytes(data)
    os.symlink("loop", inputs / "loop")
    os.symlink(".", inputs / "folder_loop")
    os.mkfifo(inputs / "fifo")
    settings = RunSettings(inputs=[inputs], warehouse=root / "wh.duckdb", lake=root / "lake", dq_dir=None,
                           max_file_bytes=8 * 1024 * 1024)
    return settings, inputs, nightly(settings)


def test_every_hostile_file_is_quarantined_with_its_reason(hostile_run):
    settings, inputs, summary = hostile_run
    quarantined = {Path(p).relative_to(inputs).as_posix(): (stage, error, detail) for p, stage, error, detail in
                   warehouse_rows(settings.warehouse, "SELECT source_file, stage, error, detail FROM quarantine")}
    assert set(quarantined) == set(HOSTILE)
    for name, (stage, error, words) in HOSTILE.items():
        assert quarantined[name][:2] == (stage, error), (name, quarantined[name])
        assert words in quarantined[name][2], (name, quarantined[name])


def test_the_good_files_load_beside_them(hostile_run):
    settings, inputs, summary = hostile_run
    assert (summary.files_seen, summary.files_loaded, summary.files_quarantined) == (4 + len(HOSTILE), 4, len(HOSTILE))
    assert summary.filings_loaded == 6  # the seed, the gzipped 8-K, two from the zip, two from the tar.gz
    loaded = {Path(p).relative_to(inputs).as_posix(): n for p, n in warehouse_rows(
        settings.warehouse, "SELECT source_file, len(filing_ids) FROM ingest_ledger WHERE status = 'loaded'")}
    assert loaded == {UNICODE_NAME: 1, "8k.txt.gz": 1, "two.zip": 2, "two.tar.gz": 2}
    # The odd name is stored exactly, and the seed's rows are there under it.
    assert warehouse_rows(settings.warehouse, "SELECT count(*) FROM nonderiv_transactions t JOIN filings f USING (filing_id) "
                                     f"WHERE f.source_file = '{inputs / UNICODE_NAME}'") == [(10,)]
    assert warehouse_rows(settings.warehouse, "SELECT count(*) FROM report_items r JOIN filings f USING (filing_id) "
                                     f"WHERE f.source_file = '{inputs / '8k.txt.gz'}'") == [(2,)]


class _ChangingFile(io.FileIO):
    """A file another process appends to while we read it."""

    def read(self, size=-1):
        data = super().read(size)
        with open(self.name, "ab") as other:
            other.write(b"\nappended while read\n")
        return data


def test_a_file_that_changes_while_it_is_read_is_quarantined(tmp_path, monkeypatch):
    target = tmp_path / "form4.txt"
    target.write_bytes(SEED_FORM4.read_bytes())
    (info,) = discover([target])
    monkeypatch.setattr(pipeline, "open", lambda path, mode: _ChangingFile(path, "r"), raising=False)
    outcome, filings = read_one(info, 1024 * 1024)
    assert (outcome.status, outcome.stage, outcome.error) == ("quarantined", "read", "file_changed_while_read")
    assert f"{info.size} bytes when opened" in outcome.detail and filings == []


def test_a_file_changed_after_discovery_is_recorded_as_read(prefect_api, tmp_path, monkeypatch):
    inputs = tmp_path / "in"
    inputs.mkdir()
    target = inputs / "filing.txt"
    target.write_bytes(SEED_8K.read_bytes())
    real_discover = pipeline.discover

    def discover_then_change(*args, **kwargs):
        found = real_discover(*args, **kwargs)
        target.write_bytes(SEED_FORM4.read_bytes())  # replaced between discovery and reading
        return found

    monkeypatch.setattr(pipeline, "discover", discover_then_change)
    settings = RunSettings(inputs=[inputs], warehouse=tmp_path / "wh.duckdb", lake=tmp_path / "lake", dq_dir=None)
    summary = nightly(settings)
    monkeypatch.undo()
    assert (summary.files_loaded, summary.filings_loaded) == (1, 1)
    stat = target.stat()
    assert warehouse_rows(settings.warehouse, "SELECT size_bytes, mtime_ns, source_sha256 FROM ingest_ledger") == [
        (stat.st_size, stat.st_mtime_ns, hashlib.sha256(SEED_FORM4.read_bytes()).hexdigest())]
    assert warehouse_rows(settings.warehouse, "SELECT form_type FROM filings") == [("4",)]
    again = nightly(settings)  # what the ledger holds is what is on disk: skipped unread
    assert (again.files_new, again.files_unchanged) == (0, 1)


# Linux carries a process's peak RSS across fork and exec: a child of pytest would report
# pytest's own peak. A small launcher process starts the run and reports the run's peak.
_LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss // 1024, file=sys.stderr)
"""


def _run_measured(args: list[str], log: Path) -> tuple[int, int]:
    """Run `filingflow run`; returns its exit status and peak RSS in MB."""
    with open(log, "w") as out:
        done = subprocess.run([sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "flows.cli", "run", "--quiet",
                               *args], cwd=ROOT, stdout=out, stderr=subprocess.PIPE, text=True, timeout=1200)
    status, peak_mb = map(int, done.stderr.split()[-2:])
    return status, peak_mb


def _write_repeated(path: Path, unit: bytes, size: int) -> None:
    with open(path, "wb") as handle:  # in chunks: building the file must not take its size in memory
        block = unit * max(1, (1024 * 1024) // len(unit))
        written = 0
        while written < size:
            handle.write(block)
            written += len(block)


@pytest.mark.slow
def test_big_files_keep_the_run_under_1_gb(prefect_api, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "seed_8k.txt").write_bytes(SEED_8K.read_bytes())
    _write_repeated(inputs / "200mb.txt", SEED_FORM4.read_bytes(), 200 * 1024 * 1024)
    _write_repeated(inputs / "one_50mb_line.txt", b"0123456789abcdef", 50 * 1024 * 1024)
    # Under the 64 MB file limit, in the costliest shapes: refused by shape before they are parsed...
    _write_repeated(inputs / "60mb_form4_text.txt", SEED_FORM4.read_bytes(), 60 * 1024 * 1024)
    page = next((CORPUS / "8k").glob("*d435686d8k*")).read_text()
    cut = page.lower().rindex("</body>")
    paragraph = "<p>Lorem ipsum dolor sit amet, <b>consectetur</b> adipiscing elit.</p>\n"
    (inputs / "60mb_8k.html").write_text(page[:cut] + paragraph * (60 * 1024 * 1024 // len(paragraph)) + page[cut:])
    # ...and just under their shape's limit: parsed.
    (inputs / "9mb_8k.html").write_text(page[:cut] + paragraph * (9 * 1024 * 1024 // len(paragraph)) + page[cut:])
    wh = tmp_path / "wh.duckdb"
    status, peak_mb = _run_measured(["--input", str(inputs), "--warehouse", str(wh), "--lake", str(tmp_path / "lake"),
                                     "--dq-dir", str(tmp_path / "dq")], tmp_path / "run.log")
    assert status == 0, (tmp_path / "run.log").read_text()[-3000:]
    print(f"peak RSS of the run: {peak_mb} MB")
    assert peak_mb < 1024
    quarantined = {Path(p).name: e for p, e in warehouse_rows(wh, "SELECT source_file, error FROM quarantine")}
    assert quarantined == {"200mb.txt": "file_too_large", "one_50mb_line.txt": "unrecognized_format",
                           "60mb_form4_text.txt": "file_too_large", "60mb_8k.html": "file_too_large"}
    assert sorted(Path(p).name for (p,) in warehouse_rows(wh, "SELECT source_file FROM filings")) == ["9mb_8k.html", "seed_8k.txt"]


def test_archive_limits_without_a_run():
    seed = SEED_FORM4.read_bytes()
    # Concatenated gzip members are one file; an honest archive over the limit is too large, not a bomb.
    assert [m.data for m in compressed.members(gzip.compress(seed[:100]) + gzip.compress(seed[100:]))] == [seed]
    # The same filing twice in one archive is one filing.
    assert [f.filing_id for f in read_bytes(_zip({"a.txt": seed, "copy/a.txt": seed}))[1]] == [
        f.filing_id for f in read_bytes(seed)[1]]
    cases = {
        "file_too_large": (gzip.compress(random.Random(3).randbytes(64 * 1024) * 16), 512 * 1024),
        "too_many_members": (_zip({f"{n}.txt": b"" for n in range(compressed.MAX_MEMBERS + 1)}), 1024 * 1024),
        "empty_archive": (_zip({}), 1024 * 1024),
    }
    encrypted = bytearray(_zip({"a.txt": seed}))
    for header in (b"PK\x03\x04", b"PK\x01\x02"):  # set the 'encrypted' flag bit in both headers
        at = encrypted.index(header) + (6 if header == b"PK\x03\x04" else 8)
        encrypted[at] |= 1
    cases["encrypted_archive"] = (bytes(encrypted), 1024 * 1024)
    for code, (data, limit) in cases.items():
        with pytest.raises(ParseError) as info:
            read_bytes(data, limit)
        assert (info.value.stage, info.value.code) == ("decode", code), info.value


def _sparse_tar(apparent_size: int) -> bytes:
    """A tar whose one member stores 10 bytes but reads back as `apparent_size` bytes (GNU sparse, PAX 0.1)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        info = tarfile.TarInfo("form4.txt")
        info.size = 10
        info.pax_headers = {"GNU.sparse.map": "0,10", "GNU.sparse.size": str(apparent_size),
                            "GNU.sparse.name": "form4.txt"}
        archive.addfile(info, io.BytesIO(b"FORM 4\nabc"))
    return buffer.getvalue()


def _tar(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _tar_declaring(size: int) -> bytes:
    """A tar whose member header declares `size` bytes (under 8 GiB; the data is not there)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("huge.txt")
        info.size = 0
        archive.addfile(info)
    data = bytearray(buffer.getvalue())
    data[124:136] = b"%011o\x00" % size  # the size field (12 bytes), then the header checksum again
    data[148:156] = b"        "
    data[148:156] = b"%06o\x00 " % sum(data[:512])
    return bytes(data)


def test_tar_members_count_against_the_limit_before_they_are_expanded():
    seed = SEED_FORM4.read_bytes()
    sparse = gzip.compress(_sparse_tar(2 * 1024 ** 3))
    assert len(sparse) < 300  # a couple of hundred bytes that would read back as 2 GiB
    cases = {
        "sparse.tar.gz": (sparse, "sparse_member", "'form4.txt' is sparse (2,147,483,648 bytes"),
        "sparse.tar": (_sparse_tar(2 * 1024 ** 3), "sparse_member", "is sparse"),
        "huge_member.tar": (_tar_declaring(4 * 1024 ** 3), "file_too_large", "'huge.txt' declares 4,294,967,296 bytes"),
        "members_over_the_limit.tar": (_tar({"a.txt": seed * 40, "b.txt": seed * 40}), "file_too_large",
                                       "'b.txt' declares"),
        "nested.zip": (_zip({"inner.tar.gz": gzip.compress(_sparse_tar(2 * 1024 ** 3))}), "sparse_member", "sparse"),
    }
    limit = len(seed) * 60
    for name, (data, code, words) in cases.items():
        with pytest.raises(ParseError) as info:
            read_bytes(data, limit)
        assert (info.value.stage, info.value.code) == ("decode", code), (name, info.value)
        assert words in info.value.detail, (name, info.value.detail)
    # A zip member's declared size counts before it is opened too.
    with pytest.raises(ParseError) as info:
        read_bytes(_zip({"a.txt": seed * 80}), limit)
    assert info.value.code == "file_too_large" and "'a.txt' declares" in info.value.detail
    # An honest .tar.gz whose members fit is read: its tar bytes and its members are not counted twice.
    _, filings = read_bytes(_tar_gz({"a.txt": seed, "b/a.txt": seed}), 25_000)  # the tar is 20 KiB, its members 2 seeds
    assert len(filings) == 1


@pytest.mark.slow
def test_hostile_archives_keep_the_run_under_1_gb(prefect_api, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "seed_form4.txt").write_bytes(SEED_FORM4.read_bytes())
    (inputs / "sparse.tar.gz").write_bytes(gzip.compress(_sparse_tar(2 * 1024 ** 3)))
    (inputs / "sparse_in_zip.zip").write_bytes(_zip({"x.tar.gz": gzip.compress(_sparse_tar(8 * 1024 ** 3))}))
    (inputs / "huge_member.tar").write_bytes(_tar_declaring(6 * 1024 ** 3))
    (inputs / "bomb.gz").write_bytes(_gzip_of_zeros(1024 * 1024 * 1024))
    (inputs / "bomb_in_tar.tar.gz").write_bytes(_tar_gz({"z.gz": _gzip_of_zeros(256 * 1024 * 1024)}))
    wh = tmp_path / "wh.duckdb"
    status, peak_mb = _run_measured(["--input", str(inputs), "--warehouse", str(wh), "--lake", str(tmp_path / "lake"),
                                     "--dq-dir", str(tmp_path / "dq")], tmp_path / "run.log")
    assert status == 0, (tmp_path / "run.log").read_text()[-3000:]
    print(f"peak RSS of the run: {peak_mb} MB")
    assert peak_mb < 1024
    quarantined = {Path(p).name: e for p, e in warehouse_rows(wh, "SELECT source_file, error FROM quarantine")}
    assert quarantined == {"sparse.tar.gz": "sparse_member", "sparse_in_zip.zip": "sparse_member",
                           "huge_member.tar": "file_too_large", "bomb.gz": "file_too_large",
                           "bomb_in_tar.tar.gz": "decompression_bomb"}
