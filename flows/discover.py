"""Find the input files of a run: folders (recursively), single files, globs,
and EDGAR sources (fetched into the local cache first, then read as a folder).

Every path found is returned, readable or not: one that cannot be read (or
could not be downloaded) carries the reason, so it ends as a quarantine row
instead of vanishing."""
from __future__ import annotations

import errno
import glob
import os
import stat
from dataclasses import dataclass
from pathlib import Path

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


def _walk(root: str) -> list[str]:
    """Every file under `root` (an absolute, normalised path), so absolute and normalised too."""
    found = []
    # followlinks=False: a symlink loop in the input folder cannot recurse forever.
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        prefix = folder if folder.endswith(os.sep) else folder + os.sep  # "/" as the root ends with one
        found += [prefix + name for name in sorted(files)]  # os.path.join per file: a tenth of a large folder's time
        for name in dirs:
            link = prefix + name
            if os.path.islink(link):
                found.append(link)  # reported, not followed
    return found


def _glob_root(pattern: str) -> str:
    """The folder a glob pattern cannot leave: its path up to the first wildcard."""
    cut = min(pattern.index(ch) for ch in "*?[" if ch in pattern)
    return os.path.dirname(pattern[:cut]) or "."


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def discover(inputs: list[Path | str | InputFile], symlink_roots: list[Path | str] = ()) -> list[InputFile]:
    """Every file of the inputs; an `InputFile` given (a failed download) is kept as it is.

    A symlink found inside an input folder or by a glob is read only when it resolves inside that
    input (or inside one of `symlink_roots`): a link to /etc/passwd or a private key dropped into an
    input folder is reported, never read. A file named on its own is read wherever it links."""
    # (absolute path, the input root it was found under; None: named itself)
    paths: list[tuple[str, str | None]] = []
    given: list[InputFile] = []
    for item in inputs:
        if isinstance(item, InputFile):
            given.append(item)
            continue
        text = str(item)
        if any(ch in text for ch in "*?[") and not os.path.exists(text):
            root = _glob_root(text)
            paths.extend((os.path.abspath(p), root) for p in sorted(glob.glob(text, recursive=True)))
        elif os.path.isdir(text):
            paths.extend((p, text) for p in _walk(os.path.abspath(text)))
        else:
            paths.append((os.path.abspath(text), None))
    extra_roots = [os.path.realpath(r) for r in symlink_roots]
    result, seen = [], set()
    for absolute, root in paths:
        if absolute in seen:
            continue
        seen.add(absolute)
        try:
            st = os.lstat(absolute)
        except OSError:
            st = None
        if st is not None and stat.S_ISREG(st.st_mode):  # the common case, one system call per file
            result.append(InputFile(absolute, st.st_size, st.st_mtime_ns))
            continue
        link = os.path.islink(absolute)
        if link and os.path.isdir(absolute):
            result.append(InputFile(absolute, 0, None, ("symlinked_folder",
                                                          "a symlink to a folder inside the input is not followed")))
            continue
        if link and root is not None and os.path.exists(absolute):
            target = os.path.realpath(absolute)
            if not _inside(target, [os.path.realpath(root), *extra_roots]):
                result.append(InputFile(absolute, 0, None, (
                    "symlink_outside_input", f"a symlink to {target}, outside the input folder {root}: not read "
                                             "(allow its folder with the symlink_roots setting)")))
                continue
        if not link and not os.path.exists(absolute):
            result.append(InputFile(absolute, 0, None, ("missing_input", "no such file or folder")))
            continue
        result.append(_stat(absolute))
    return result + [f for f in given if f.path not in seen]


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
