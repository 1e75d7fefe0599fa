"""Compressed input: gzip, zip and tar (also .tar.gz) files expanded in memory.

An archive is one input file: its members are read in order and it loads
only if every member reads (a bad member quarantines the archive, naming the
member), so the ledger keeps one outcome per file. Expansion is streamed
against one byte budget shared by all members and nesting levels: a
decompression bomb stops as soon as it passes the budget, having used at
most the budget in memory. A member whose header declares more than the
budget left (a tar or zip member) is refused before a byte of it is
expanded, and a sparse tar member (a few bytes stored, gigabytes of holes
when read) is refused outright."""
from __future__ import annotations

import io
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from transforms.errors import ParseError

DEFAULT_MAX_EXPANDED_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 10_000
MAX_LAYERS = 3  # e.g. a .gz inside a .tar.gz is read; one more archive layer is refused
# Past the budget, this expansion ratio marks a bomb rather than a big honest file (text compresses 5-10x).
BOMB_RATIO = 100
_READ_CHUNK = 1024 * 1024
_ZIP_EOCD = b"PK\x05\x06"


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes


def kind(data: bytes) -> str | None:
    if data.startswith(b"\x1f\x8b"):
        return "gzip"
    if data.startswith((b"PK\x03\x04", _ZIP_EOCD)):
        return "zip"
    if data[257:262] == b"ustar":
        return "tar"
    return None


class _Budget:
    def __init__(self, limit: int, compressed: int, compressed_outside: bool = True):
        self.limit, self.compressed, self.used = limit, compressed, 0
        # A plain tar is not compressed: a member declaring more than it holds is too large, not a bomb.
        self.compressed_outside = compressed_outside

    def reserve(self, name: str, declared: int) -> None:
        """Refuse a member whose header declares more bytes than the budget has left, before reading it."""
        if self.used + declared > self.limit:
            self._refuse(self.used + declared, f"archive member {name!r} declares {declared:,} bytes: ")

    def take(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            self._refuse(self.used)

    def _refuse(self, used: int, what: str = "") -> None:
        if self.compressed_outside and used > BOMB_RATIO * self.compressed:
            raise ParseError("decompression_bomb",
                             f"{what}{self.compressed} compressed bytes expand past the limit of {self.limit} bytes "
                             f"(over {used // self.compressed}x): refused", stage="decode")
        raise ParseError("file_too_large", f"{what}the archive expands past the per-file limit of {self.limit:,} bytes",
                         stage="decode")


def members(data: bytes, max_bytes: int = DEFAULT_MAX_EXPANDED_BYTES) -> Iterator[Member]:
    """The files inside an archive (kind(data) is not None), each whole, in archive order."""
    yield from _expand("", data, _Budget(max_bytes, max(1, len(data)), kind(data) != "tar"), 0)


def _expand(name: str, data: bytes, budget: _Budget, depth: int) -> Iterator[Member]:
    what = kind(data)
    if what is None:
        yield Member(name, data)
        return
    if depth >= MAX_LAYERS:
        raise ParseError("nested_archive", f"{name!r} is a {what} archive inside {depth} archive layers: not read",
                         stage="decode")
    try:
        if what == "gzip":
            yield from _expand(name.removesuffix(".gz"), _gunzip(data, budget), budget, depth + 1)
        elif what == "zip":
            for member_name, member in _unzip(data, budget):
                yield from _expand(_join(name, member_name), member, budget, depth + 1)
        else:
            if depth:  # the tar came out of an outer layer, counted then: its members now count instead
                budget.used -= len(data)
            for member_name, member in _untar(data, budget):
                yield from _expand(_join(name, member_name), member, budget, depth + 1)
    except (zlib.error, zipfile.BadZipFile, tarfile.TarError, EOFError, NotImplementedError, struct.error) as exc:
        raise ParseError("corrupt_archive", f"the {what} archive{' ' + repr(name) if name else ''} cannot be expanded: "
                                            f"{type(exc).__name__}: {exc}", stage="decode") from exc


def _join(outer: str, inner: str) -> str:
    return f"{outer}/{inner}" if outer else inner


def _gunzip(data: bytes, budget: _Budget) -> bytes:
    out = bytearray()
    rest = data
    while rest:
        stream = zlib.decompressobj(wbits=31)
        pending = rest
        while not stream.eof:
            # Output held back by the chunk limit comes out of decompress(b"") once the input is used up.
            chunk = stream.decompress(pending, _READ_CHUNK)
            if not chunk and not stream.unconsumed_tail and not stream.eof:
                raise ParseError("truncated", "the gzip stream ends early", stage="decode")
            budget.take(len(chunk))
            out += chunk
            pending = stream.unconsumed_tail
        # Concatenated gzip members are one file; trailing NUL padding is not another member.
        rest = stream.unused_data.lstrip(b"\x00")
    return bytes(out)


def _unzip(data: bytes, budget: _Budget) -> Iterator[tuple[str, bytes]]:
    # Count the entries before zipfile builds an object per entry of the central directory.
    end = data.rfind(_ZIP_EOCD, max(0, len(data) - 65_557))
    if end != -1 and len(data) >= end + 12:
        entries = struct.unpack_from("<H", data, end + 10)[0]
        if entries > MAX_MEMBERS and entries != 0xFFFF:
            raise ParseError("too_many_members", f"the zip archive lists {entries} files; at most {MAX_MEMBERS} are read",
                             stage="decode")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise ParseError("too_many_members", f"the zip archive holds {len(infos)} files; at most {MAX_MEMBERS} are read",
                             stage="decode")
        for info in infos:
            if info.flag_bits & 0x1:
                raise ParseError("encrypted_archive", f"zip member {info.filename!r} is encrypted", stage="decode")
            budget.reserve(info.filename, info.file_size)
            # The sizes in the header can lie: read in bounded chunks and count what comes out.
            with archive.open(info) as handle:
                yield info.filename, _read_capped(handle, budget)


def _untar(data: bytes, budget: _Budget) -> Iterator[tuple[str, bytes]]:
    # A member is a copy of bytes of the archive, except a sparse one: its holes are made up when read.
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        count = 0
        for info in archive:
            if not info.isfile():
                continue  # folders, links and devices carry no filing text
            count += 1
            if count > MAX_MEMBERS:
                raise ParseError("too_many_members", f"the tar archive holds more than {MAX_MEMBERS} files",
                                 stage="decode")
            if info.issparse():
                raise ParseError("sparse_member", f"tar member {info.name!r} is sparse ({info.size:,} bytes, mostly "
                                                  "holes): not filing text, refused unread", stage="decode")
            budget.reserve(info.name, info.size)
            yield info.name, _read_capped(archive.extractfile(info), budget)


def _read_capped(handle, budget: _Budget) -> bytes:
    out = bytearray()
    while chunk := handle.read(_READ_CHUNK):
        budget.take(len(chunk))
        out += chunk
    return bytes(out)
