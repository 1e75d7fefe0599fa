"""The two ways to reach an EDGAR-style archive: a local mirror folder or an HTTP base URL.

Both hold the SEC's layout below their root: `edgar/daily-index/<year>/QTR<n>/form.YYYYMMDD.idx`
and `edgar/data/<cik>/<accession>.txt`. Each can list a quarter's index files,
read an index file and copy a filing into a local file atomically."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from filingflow.sources.edgar_index import INDEX_NAME, quarter_folder
from filingflow.sources.http_fetch import FetchError, HttpFetcher

MAX_INDEX_BYTES = 256 * 1024 * 1024  # a busy day's form index is a few MB


class MirrorArchive:
    def __init__(self, root: Path):
        self.root = root

    def list_indexes(self, year: int, qtr: int) -> list[str] | None:
        """Index file names of a quarter, or None when the archive has no such quarter."""
        folder = self.root / quarter_folder(year, qtr)
        if not folder.is_dir():
            return None
        return sorted(name for name in os.listdir(folder) if INDEX_NAME.match(name))

    def read(self, rel: str) -> bytes:
        path = self.root / rel
        try:
            with open(path, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            raise FetchError("fetch_not_found", f"{path}: no such file in the mirror") from None
        except OSError as exc:
            raise FetchError("fetch_failed", f"{path}: {type(exc).__name__}: {exc.strerror or exc}") from None

    def copy_to(self, rel: str, dest: Path, tmp_dir: Path, max_bytes: int) -> int:
        path = self.root / rel
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise FetchError("fetch_not_found", f"{path}: no such file in the mirror") from None
        except OSError as exc:
            raise FetchError("fetch_failed", f"{path}: {type(exc).__name__}: {exc.strerror or exc}") from None
        if size > max_bytes:
            raise FetchError("file_too_large", f"{path} is {size} bytes, over the limit of {max_bytes}")
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / f"{dest.name}.{os.getpid()}.part"
        try:
            shutil.copyfile(path, tmp)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, dest)
        except OSError as exc:
            raise FetchError("fetch_failed", f"{path}: {type(exc).__name__}: {exc.strerror or exc}") from None
        finally:
            tmp.unlink(missing_ok=True)
        return size


class HttpArchive:
    def __init__(self, base_url: str, fetcher: HttpFetcher):
        self.base_url = base_url.rstrip("/")
        self.fetcher = fetcher

    def url(self, rel: str) -> str:
        return f"{self.base_url}/{rel}"

    def list_indexes(self, year: int, qtr: int) -> list[str] | None:
        # Every EDGAR directory publishes index.json for crawlers.
        try:
            data = self.fetcher.get(self.url(f"{quarter_folder(year, qtr)}/index.json"), MAX_INDEX_BYTES)
        except FetchError as exc:
            if exc.status == 404:
                return None
            raise
        try:
            items = json.loads(data)["directory"]["item"]
        except (ValueError, KeyError, TypeError) as exc:
            raise FetchError("fetch_failed", f"{self.url(quarter_folder(year, qtr))}/index.json is not a "
                                             f"directory listing: {type(exc).__name__}: {exc}") from None
        return sorted(item["name"] for item in items if INDEX_NAME.match(str(item.get("name", ""))))

    def read(self, rel: str) -> bytes:
        return self.fetcher.get(self.url(rel), MAX_INDEX_BYTES)

    def copy_to(self, rel: str, dest: Path, tmp_dir: Path, max_bytes: int) -> int:
        return self.fetcher.fetch_to(self.url(rel), dest, tmp_dir, max_bytes)
