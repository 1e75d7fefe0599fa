"""Nightly change detection: discovery's columns against the ingest ledger. A file whose path, size
and mtime the ledger holds is skipped; a new, changed (size or mtime), renamed or touched file comes
back with its last read's hash when the path had one; a removed file is simply not seen."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filingflow import ingest_ledger, warehouse
from filingflow.accounting import FileOutcome, ledger_table
from flows.discover import discover

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
BASE_NS = 1_700_000_000_000_000_000


def _write(path: Path, data: bytes, mtime_ns: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, ns=(mtime_ns, mtime_ns))


def _sha(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _ledger() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    return con


def _record(con: duckdb.DuckDBPyConnection, inputs: list[Path]) -> None:
    """The ledger a run leaves after reading every file found (as the run writes it)."""
    outcomes = [FileOutcome(f.path, None, 0, None, "quarantined") if f.error
                else FileOutcome(f.path, _sha(f.path), f.size, f.mtime_ns, "loaded") for f in discover(inputs)]
    con.execute("DELETE FROM ingest_ledger")
    con.register("_rows", ledger_table(outcomes, "r1", NOW))
    con.execute("INSERT INTO ingest_ledger SELECT * FROM _rows")
    con.unregister("_rows")


def _to_read(con, inputs: list[Path], root: Path, **kwargs) -> tuple[int, list[tuple[str, str | None]]]:
    """(files seen, [(file relative to root, its last read's hash)] of the files to read, in order)."""
    found = discover(inputs)
    changed = ingest_ledger.changed_files(con, found.files, **kwargs)
    known = dict(zip(found.files["path"].take(changed["row"]).to_pylist(), changed["source_sha256"].to_pylist()))
    return len(found), [(os.path.relpath(f.path, root), known[f.path]) for f in found.take(changed["row"])]


@pytest.fixture
def night(tmp_path):
    inputs = tmp_path / "in"
    files = (("a.txt", b"alpha"), ("b.txt", b"bravo"), ("sub/c.txt", b"charlie"), ("sub/deep/d.txt", b"delta"))
    for name, data in files:
        _write(inputs / name, data, BASE_NS)
    con = _ledger()
    _record(con, [inputs])
    yield inputs, con
    con.close()


def test_nothing_new_reads_nothing(night):
    inputs, con = night
    assert _to_read(con, [inputs], inputs) == (4, [])


def test_a_new_file_is_read_without_a_known_hash(night):
    inputs, con = night
    _write(inputs / "sub" / "new.txt", b"new", BASE_NS)  # an old mtime does not hide it: its path is new
    assert _to_read(con, [inputs], inputs) == (5, [("sub/new.txt", None)])


def test_a_file_rewritten_with_the_same_size_is_read_with_its_last_hash(night):
    inputs, con = night
    old = _sha(str(inputs / "a.txt"))
    _write(inputs / "a.txt", b"ALPHA", BASE_NS + 1)  # same size, mtime a nanosecond later
    assert _to_read(con, [inputs], inputs) == (4, [("a.txt", old)])


def test_a_file_whose_size_changed_under_the_same_mtime_is_read(night):
    inputs, con = night
    old = _sha(str(inputs / "sub" / "c.txt"))
    _write(inputs / "sub" / "c.txt", b"charlie, corrected", BASE_NS)  # mtime put back as it was
    assert _to_read(con, [inputs], inputs) == (4, [("sub/c.txt", old)])


def test_a_touched_file_is_read_again(night):
    """Only its hash can tell it is unchanged (the run then records the new mtime)."""
    inputs, con = night
    os.utime(inputs / "b.txt", ns=(BASE_NS + 10**9, BASE_NS + 10**9))
    assert _to_read(con, [inputs], inputs) == (4, [("b.txt", _sha(str(inputs / "b.txt")))])


def test_a_removed_file_is_not_seen(night):
    inputs, con = night
    (inputs / "sub" / "deep" / "d.txt").unlink()
    assert _to_read(con, [inputs], inputs) == (3, [])


def test_a_renamed_file_is_new_under_its_new_name(night):
    inputs, con = night
    os.rename(inputs / "b.txt", inputs / "sub" / "b_moved.txt")  # size and mtime kept
    assert _to_read(con, [inputs], inputs) == (4, [("sub/b_moved.txt", None)])


def test_files_to_read_come_in_discovery_order(night):
    """A folder's files by name, then its subfolders depth first by name, as before."""
    inputs, con = night
    for name in ("z.txt", "m.txt", "sub/deep/a.txt", "sub/zz/y.txt", "sub/b.txt", "0.txt"):
        _write(inputs / name, name.encode(), BASE_NS)
    _, read = _to_read(con, [inputs], inputs)
    assert [name for name, _ in read] == ["0.txt", "m.txt", "z.txt", "sub/b.txt", "sub/deep/a.txt", "sub/zz/y.txt"]


def test_a_quarantined_file_is_read_again_only_when_asked(night):
    inputs, con = night
    con.execute("UPDATE ingest_ledger SET status = 'quarantined' WHERE source_file LIKE '%a.txt'")
    assert _to_read(con, [inputs], inputs) == (4, [])
    assert _to_read(con, [inputs], inputs, retry_quarantined=True) == (4, [("a.txt", None)])


def test_an_unreadable_entry_is_always_read(night):
    """A broken symlink has no size or mtime to match: it comes back every night, to be quarantined."""
    inputs, con = night
    os.symlink(inputs / "gone.txt", inputs / "broken.txt")
    _record(con, [inputs])
    seen, read = _to_read(con, [inputs], inputs)
    assert (seen, read) == (5, [("broken.txt", "")])  # quarantined unread: no hash
    assert [f.error[0] for f in discover([inputs]) if f.error] == ["broken_symlink"]


def test_overlapping_inputs_count_a_file_once(night):
    inputs, con = night
    _write(inputs / "sub" / "new.txt", b"new", BASE_NS)
    seen, read = _to_read(con, [inputs, inputs / "sub", inputs / "sub" / "new.txt"], inputs)
    assert (seen, read) == (5, [("sub/new.txt", None)])


_NAMES = st.sampled_from(["a", "b", "c", "sub/d", "sub/e", "sub/deep/f", "other/g"])
_OPS = st.lists(st.tuples(st.sampled_from(["add", "grow", "rewrite", "touch", "remove", "rename", "keep"]),
                          _NAMES, _NAMES), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.sets(_NAMES, min_size=1), ops=_OPS)
def test_exactly_the_files_not_held_with_their_size_and_mtime_are_read(tmp_path_factory, start, ops):
    """Whatever happens between two nights, the files to read are exactly the new paths and those
    whose size or mtime differs from the ledger's; the unchanged ones never come back."""
    inputs = tmp_path_factory.mktemp("night") / "in"
    clock = BASE_NS
    for name in sorted(start):
        _write(inputs / name, name.encode(), clock)
    con = _ledger()
    _record(con, [inputs])
    held = {os.path.relpath(p, inputs): (s, m) for p, s, m in con.execute(
        "SELECT source_file, size_bytes, mtime_ns FROM ingest_ledger").fetchall()}
    for op, name, other in ops:
        clock += 1
        path, there = inputs / name, (inputs / name).is_file()
        if op == "add" and not there:
            _write(path, b"new " + name.encode(), BASE_NS)
        elif op == "grow" and there:
            _write(path, path.read_bytes() + b"+", path.stat().st_mtime_ns)
        elif op == "rewrite" and there:
            _write(path, bytes(reversed(path.read_bytes())), clock)
        elif op == "touch" and there:
            os.utime(path, ns=(clock, clock))
        elif op == "remove" and there:
            path.unlink()
        elif op == "rename" and there and not (inputs / other).exists():
            (inputs / other).parent.mkdir(parents=True, exist_ok=True)
            os.rename(path, inputs / other)
    on_disk = {str(p.relative_to(inputs)): (p.stat().st_size, p.stat().st_mtime_ns)
               for p in inputs.rglob("*") if p.is_file()}
    seen, read = _to_read(con, [inputs], inputs)
    assert seen == len(on_disk)
    assert sorted(name for name, _ in read) == sorted(n for n, sm in on_disk.items() if held.get(n) != sm)
    assert all((known is None) == (name not in held) for name, known in read)
    con.close()


def test_a_folder_that_cannot_be_listed_is_reported_not_skipped(night, monkeypatch):
    """Its files cannot be seen: the folder itself ends quarantined, so the loss is said."""
    inputs, con = night
    real_open = os.open

    def refusing(path, flags, *args, **kwargs):
        if str(path).endswith(os.sep + "deep"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)
    found = {os.path.relpath(f.path, inputs): f.error for f in discover([inputs])}
    assert found == {"a.txt": None, "b.txt": None, "sub/c.txt": None,
                     "sub/deep": ("unreadable_file", "PermissionError: Permission denied")}
