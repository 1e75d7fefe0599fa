"""Find the input files of a run: folders (recursively), single files, globs,
and EDGAR sources (fetched into the local cache first, then read as a folder).

Every path found is returned, readable or not: one that cannot be read (or
could not be downloaded) carries the reason, so it ends as a quarantine row
instead of vanishing. The files found are columns (a Listing), not an object
each: a night compares them with the ledger and makes objects only of the
files it reads."""
from __future__ import annotations

import errno
import glob
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from filingflow.sources.edgar_company import sync_company
from filingflow.sources.edgar_sync import sync
from filingflow.sources.resolver import SourceOptions, parse_source


@dataclass(frozen=True, slots=True)  # slots: a run holds one per file found
class InputFile:
    path: str
    size: int
    mtime_ns: int | None
    error: tuple[str, str] | None = None  # (code, detail) when the file cannot be read


def _stat(path: str) -> InputFile:
    try:
        st = os.stat(path)  # follows symlinks to files
    except OSError as exc:
        code = ("symlink_loop" if exc.errno == errno.ELOOP
                else "broken_symlink" if os.path.islink(path) else "unreadable_file")
        return InputFile(path, 0, None, (code, f"{type(exc).__name__}: {exc.strerror or exc}"))
    if not os.path.isfile(path):
        return InputFile(path, 0, None, ("not_a_regular_file", "not a regular file (device, socket or pipe)"))
    return InputFile(path, st.st_size, st.st_mtime_ns)


class Listing:
    """The files of a run's inputs. Regular files (and symlinks allowed to resolve) are columns,
    `files`: path, size, mtime_ns and their place in discovery order (`group`: the folder, glob or named
    file that found them; by name within a group), so a night's hundreds of thousands of unchanged
    files never become a Python object each: the ledger compares the columns (DuckDB) and only the
    files it gives back are taken out (`take`). Entries that cannot be read are rows too (size 0, no
    mtime: never unchanged), with their reason in `errors`."""

    def __init__(self, files: pa.Table, errors: dict[str, tuple[str, str]]):
        self.files = files
        self.errors = errors

    def __len__(self) -> int:
        return self.files.num_rows

    def take(self, rows: pa.Array | list[int]) -> list[InputFile]:
        """These rows (positions in `files`) as InputFiles, in discovery order."""
        picked = self.files.take(rows).sort_by([("group", "ascending"), ("path", "ascending")])
        errors = self.errors
        return [InputFile(path, size, mtime, errors.get(path)) for path, size, mtime in zip(
            picked["path"].to_pylist(), picked["size"].to_pylist(), picked["mtime_ns"].to_pylist())]

    def __iter__(self) -> Iterator[InputFile]:
        return iter(self.take(pa.array(range(len(self)), pa.int64())))


class _Found:
    """Columns being filled by discovery: one group per folder, glob or named input."""

    def __init__(self) -> None:
        self.parts: list[pa.Table] = []
        self.errors: dict[str, tuple[str, str]] = {}
        self.group = 0

    def add(self, paths: list[str] | pa.Array, sizes: list[int], mtimes: list[int | None]) -> None:
        """Rows of the current group."""
        if len(paths):
            self.parts.append(pa.table({
                "path": paths if isinstance(paths, pa.Array) else pa.array(paths, pa.string()),
                "size": pa.array(sizes, pa.int64()), "mtime_ns": pa.array(mtimes, pa.int64()),
                "group": pa.nulls(len(paths), pa.int32()).fill_null(self.group)}))

    def add_names(self, prefix: str, names: list[str], sizes: list[int], mtimes: list[int]) -> None:
        """Rows of the current group: the files `names` of the folder `prefix` (the paths joined in Arrow)."""
        if names:
            self.add(pc.binary_join_element_wise(prefix, pa.array(names, pa.string()), ""), sizes, mtimes)

    def add_files(self, infos: list[InputFile]) -> None:
        for info in infos:
            if info.error:
                self.errors.setdefault(info.path, info.error)
        self.add([f.path for f in infos], [f.size for f in infos], [f.mtime_ns for f in infos])

    def next_group(self) -> None:
        self.group += 1

    def listing(self, overlapping: bool, given: list[InputFile]) -> Listing:
        files = pa.concat_tables(self.parts) if self.parts else _EMPTY
        if overlapping:  # inputs that overlap: a path counts once, where it was found first
            files = files.group_by("path", use_threads=False).aggregate(
                [("size", "first"), ("mtime_ns", "first"), ("group", "first")]).rename_columns(_EMPTY.column_names)
        # A failed download, unless the same path was found on disk.
        on_disk = pc.is_in(pa.array([f.path for f in given], pa.string()), value_set=files["path"]).to_pylist()
        if given:
            self.parts = [files]
            self.next_group()
            self.add_files([f for f, found in zip(given, on_disk) if not found])
            files = pa.concat_tables(self.parts)
        return Listing(files, self.errors)


_EMPTY = pa.table({"path": pa.array([], pa.string()), "size": pa.array([], pa.int64()),
                   "mtime_ns": pa.array([], pa.int64()), "group": pa.array([], pa.int32())})


def _special(path: str, root: str | None, extra_roots: list[str]) -> InputFile:
    """An entry that is not a regular file (a symlink, a device, a folder link) or could not be seen."""
    link = os.path.islink(path)
    if link and os.path.isdir(path):
        return InputFile(path, 0, None, ("symlinked_folder", "a symlink to a folder inside the input is not followed"))
    if link and root is not None and os.path.exists(path):
        target = os.path.realpath(path)
        if not _inside(target, [os.path.realpath(root), *extra_roots]):
            return InputFile(path, 0, None, (
                "symlink_outside_input", f"a symlink to {target}, outside the input folder {root}: not read "
                                         "(allow its folder with the symlink_roots setting)"))
    if not link and not os.path.exists(path):
        return InputFile(path, 0, None, ("missing_input", "no such file or folder"))
    return _stat(path)


def _walk(root: str, given_as: str, found: _Found, extra_roots: list[str]) -> None:
    """Every file under `root` (an absolute, normalised path; `given_as` as the input named it), a
    group per folder, folders depth first in name order. One system call per regular file (its type
    comes with its name), and no sort of the names: only the ledger's answer, the few files a night
    reads, is sorted (Listing.take)."""
    folders = [root]
    while folders:
        folder = folders.pop()
        prefix = folder if folder.endswith(os.sep) else folder + os.sep  # "/" as the root ends with one
        names, sizes, mtimes, subfolders, odd = [], [], [], [], []
        add_name, add_size, add_mtime = names.append, sizes.append, mtimes.append  # the loop runs per file
        try:
            # Listed through its descriptor: each stat then looks up a name in the folder, not a whole path.
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                with os.scandir(fd) as entries:
                    for entry in entries:
                        if entry.is_file(follow_symlinks=False):
                            try:
                                st = entry.stat(follow_symlinks=False)
                            except OSError:  # gone since listed: _special says so
                                odd.append(prefix + entry.name)
                                continue
                            add_name(entry.name)
                            add_size(st.st_size)
                            add_mtime(st.st_mtime_ns)
                        elif entry.is_dir(follow_symlinks=False):
                            subfolders.append(prefix + entry.name)
                        else:
                            odd.append(prefix + entry.name)
            finally:
                os.close(fd)
        except OSError as exc:  # a folder that cannot be listed (whole) is a file not read, reported
            odd.append(folder)
            found.errors.setdefault(folder, ("unreadable_file", f"{type(exc).__name__}: {exc.strerror or exc}"))
        found.add_names(prefix, names, sizes, mtimes)
        # Links, devices, pipes: the few that need a closer look, in their folder's group.
        found.add_files([InputFile(path, 0, None, found.errors[path]) if path in found.errors
                         else _special(path, given_as, extra_roots) for path in odd])
        found.next_group()
        # Symlinked folders are not entered (above): a symlink loop in the input cannot recurse forever.
        folders.extend(sorted(subfolders, reverse=True))


def _glob_root(pattern: str) -> str:
    """The folder a glob pattern cannot leave: its path up to the first wildcard."""
    cut = min(pattern.index(ch) for ch in "*?[" if ch in pattern)
    return os.path.dirname(pattern[:cut]) or "."


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _one(path: str, root: str | None, extra_roots: list[str]) -> InputFile:
    try:
        st = os.lstat(path)
    except OSError:
        st = None
    if st is not None and stat.S_ISREG(st.st_mode):
        return InputFile(path, st.st_size, st.st_mtime_ns)
    return _special(path, root, extra_roots)


def discover(inputs: list[Path | str | InputFile], symlink_roots: list[Path | str] = ()) -> Listing:
    """Every file of the inputs; an `InputFile` given (a failed download) is kept as it is.

    A symlink found inside an input folder or by a glob is read only when it resolves inside that
    input (or inside one of `symlink_roots`): a link to /etc/passwd or a private key dropped into an
    input folder is reported, never read. A file named on its own is read wherever it links."""
    extra_roots = [os.path.realpath(r) for r in symlink_roots]
    found = _Found()
    given = [item for item in inputs if isinstance(item, InputFile)]
    named = [str(item) for item in inputs if not isinstance(item, InputFile)]
    for text in named:
        if any(ch in text for ch in "*?[") and not os.path.exists(text):
            root = _glob_root(text)
            matched = sorted(glob.glob(text, recursive=True))
            found.add_files([_one(os.path.abspath(p), root, extra_roots) for p in matched])
        elif os.path.isdir(text):
            _walk(os.path.abspath(text), text, found, extra_roots)
        else:
            found.add_files([_one(os.path.abspath(text), None, extra_roots)])
        found.next_group()
    return found.listing(overlapping=len(named) > 1, given=given)


def materialise(inputs: list[Path | str], options: SourceOptions, max_bytes: int) -> list[Path | str | InputFile]:
    """The inputs with each EDGAR source replaced by its local cache folder and its failed downloads."""
    if not any(parse_source(item) for item in inputs):
        return list(inputs)
    return fetch_sources(inputs, options, max_bytes)


@task(name="fetch-sources", cache_policy=NO_CACHE)
def fetch_sources(inputs: list[Path | str], options: SourceOptions, max_bytes: int) -> list[Path | str | InputFile]:
    logger = get_run_logger()
    resolved: list[Path | str | InputFile] = []
    for item in inputs:
        source = parse_source(item)
        if source is None:
            resolved.append(item)
            continue
        report = (sync_company if options.company else sync)(source, options, max_bytes)
        logger.info("%s: %d index files read, %d filings fetched, %d already cached, %d failed",
                    source.spec, len(report.indexes_read), report.fetched, report.already_cached,
                    len(report.failures))
        resolved.append(report.folder)
        resolved.extend(InputFile(os.path.abspath(path), 0, None, (code, detail))
                        for path, code, detail in report.failures)
    return resolved
