"""Polite HTTP downloads from EDGAR (urllib only).

The SEC asks every client to declare a User-Agent with a contact address and to
stay at or under 10 requests per second; it answers 403 to anonymous clients and
429 to fast ones. Every request here passes one token bucket, transient
failures (429, 5xx, timeouts, dropped connections, bodies cut short) are retried
with exponential backoff that honours a Retry-After up to a cap, and bodies
stream to a temporary file that is renamed into place only when complete, so a
cache never holds half a file.

Complete means: as long as its Content-Length, and ending where its format
ends (an SGML submission with </SEC-DOCUMENT>, XML with its root's end tag);
an HTML page where a filing or an index was asked for (a 200 "error" page) is
refused. Every download has an overall deadline (a body trickling in byte by
byte cannot hold a run), retries are capped per file and per fetcher (one
source of one run), and redirects are followed only within the origin asked."""
from __future__ import annotations

import email.utils
import http.client
import os
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SEC_ACCESS_RULES = "https://www.sec.gov/os/accessing-edgar-data"
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_CHUNK = 1 << 16
_ENDS = 4096  # bytes kept of a body's head and tail to tell its format and whether it is whole
_DEFAULT_PORTS = {"http": 80, "https": 443}
# The first element name of an XML document (after its declaration, comments and doctype).
_XML_ROOT = re.compile(rb"<([A-Za-z_][A-Za-z0-9_.:-]{0,200})[\s/>]")


class MissingUserAgent(ValueError):
    """The HTTP source was asked to run without a declared User-Agent."""


class FetchError(RuntimeError):
    """A download that failed for good. `code` is stable (it becomes a quarantine error)."""

    def __init__(self, code: str, detail: str, status: int | None = None):
        super().__init__(detail)
        self.code, self.detail, self.status = code, detail, status


class _Incomplete(Exception):
    """A body that is not the whole file: retried like a dropped connection."""


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to the origin (scheme, host, port) of the request: never to another host,
    which would receive the User-Agent and contact address, and never down to http or over to ftp."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001 - urllib's signature
        if _origin(newurl) != _origin(req.full_url):
            fp.close()
            raise FetchError("redirect_refused", f"{req.full_url}: HTTP {code} redirects to {newurl}, another "
                                                 "origin: not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _origin(url: str) -> tuple[str, str | None, int | None]:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme.lower(), parts.hostname, parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())


def check_user_agent(user_agent: str | None) -> str:
    agent = (user_agent or "").strip()
    if "@" not in agent:
        raise MissingUserAgent(
            "the EDGAR HTTP source needs a User-Agent naming you and a contact email, as the SEC requires "
            f"({SEC_ACCESS_RULES}): pass --user-agent \"Your Name or Company you@example.com\"")
    return agent


class TokenBucket:
    """At most `rate` requests per second. Capacity 1 (no bursts): no one-second
    window ever holds more than `rate` requests, which is the SEC's rule."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval = 1.0 / rate
        self._clock, self._sleep = clock, sleep
        self._next = clock()
        self._lock = threading.Lock()

    def take(self) -> None:
        with self._lock:
            now = self._clock()
            wait = self._next - now
            self._next = max(now, self._next) + self.interval
        if wait > 0:
            self._sleep(wait)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclass
class HttpFetcher:
    user_agent: str
    rate_per_second: float = 10.0
    max_attempts: int = 5
    backoff_seconds: float = 1.0  # first retry waits this long, then doubles
    max_wait_seconds: float = 30.0  # a Retry-After longer than this gives up on the file until the next run
    timeout_seconds: float = 30.0  # one connection or read
    deadline_seconds: float = 300.0  # one download, every attempt and wait included
    max_retries_per_run: int = 50  # retries of every download of this fetcher (one source of one run)

    def __post_init__(self) -> None:
        self.user_agent = check_user_agent(self.user_agent)
        self.bucket = TokenBucket(self.rate_per_second)
        self.retries_left = self.max_retries_per_run
        self._opener = urllib.request.build_opener(_SameOriginRedirects())

    def get(self, url: str, max_bytes: int) -> bytes:
        """The whole body of a small resource (an index file, a listing)."""
        chunks: list[bytes] = []
        self._download(url, max_bytes, chunks.append, restart=chunks.clear)
        return b"".join(chunks)

    def fetch_to(self, url: str, dest: Path, tmp_dir: Path, max_bytes: int) -> int:
        """Stream `url` into `dest` (temporary file in `tmp_dir`, then rename). Returns the size."""
        tmp_dir.mkdir(parents=True, exist_ok=True)
        tmp = tmp_dir / f"{dest.name}.{os.getpid()}.{threading.get_ident()}.part"
        try:
            with open(tmp, "wb") as out:
                size = self._download(url, max_bytes, out.write, restart=lambda: (out.seek(0), out.truncate()))
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, dest)
            return size
        finally:
            tmp.unlink(missing_ok=True)

    def _download(self, url: str, max_bytes: int, write: Callable[[bytes], object],
                  restart: Callable[[], object] = lambda: None) -> int:
        deadline = time.monotonic() + self.deadline_seconds
        failures: list[str] = []  # why each attempt failed, kept in the final error
        for attempt in range(1, self.max_attempts + 1):
            self.bucket.take()
            request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
            wait = None
            try:
                timeout = max(0.001, min(self.timeout_seconds, deadline - time.monotonic()))
                with self._opener.open(request, timeout=timeout) as response:
                    declared = response.headers.get("Content-Length")
                    declared = int(declared) if declared and declared.isdigit() else None
                    if declared is not None and declared > max_bytes:
                        raise FetchError("file_too_large", f"{url} is {declared} bytes, over the limit of {max_bytes}")
                    size, head, tail = self._copy(response, write, max_bytes, url, deadline)
                    if declared is not None and size < declared:
                        raise _Incomplete(f"the body ended after {size} of its {declared} bytes (Content-Length)")
                    _check_whole(url, head, tail, response.headers.get_content_type())
                    return size
            except urllib.error.HTTPError as exc:
                exc.close()
                if exc.code not in RETRY_STATUS:
                    raise _final_http_error(url, exc.code, exc.reason) from None
                failures.append(f"HTTP {exc.code} {exc.reason}")
                wait = retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None)
            except _Incomplete as exc:
                failures.append(str(exc))
            except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError) as exc:
                failures.append(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}")
            restart()
            if attempt == self.max_attempts:
                break
            if wait is not None and wait > self.max_wait_seconds:
                raise FetchError("fetch_failed", f"{url}: {failures[-1]}; the server asks to wait {wait:.0f} s, "
                                                 f"more than the {self.max_wait_seconds:.0f} s allowed; "
                                                 "retried at the next run")
            wait = max(wait or 0.0, self.backoff_seconds * 2 ** (attempt - 1))
            if time.monotonic() + wait > deadline:
                raise FetchError("fetch_too_slow", f"{url}: {'; '.join(failures)}; no time left for another "
                                                   f"attempt within the {self.deadline_seconds:g} s allowed")
            if self.retries_left <= 0:
                raise FetchError("fetch_failed", f"{url}: {failures[-1]}; not retried: the run's "
                                                 f"{self.max_retries_per_run} retries are used up")
            self.retries_left -= 1
            time.sleep(wait)
        raise FetchError("fetch_failed", f"{url}: failed after {self.max_attempts} attempts: {'; '.join(failures)}")

    def _copy(self, response, write: Callable[[bytes], object], max_bytes: int, url: str,
              deadline: float) -> tuple[int, bytes, bytes]:
        """Stream the body to `write`; returns its size, head and tail. read1 returns what has arrived,
        so a body trickling in meets the deadline between two reads."""
        size, head, tail = 0, b"", b""
        while chunk := response.read1(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise FetchError("file_too_large", f"{url} grew past the limit of {max_bytes} bytes while downloading")
            write(chunk)
            if len(head) < _ENDS:
                head += chunk[:_ENDS - len(head)]
            tail = (tail + chunk)[-_ENDS:]
            if time.monotonic() > deadline:
                raise FetchError("fetch_too_slow", f"{url}: {size} bytes received in the {self.deadline_seconds:g} s "
                                                   "allowed for one download; retried at the next run")
        return size, head, tail


def _check_whole(url: str, head: bytes, tail: bytes, content_type: str) -> None:
    """Refuse an HTML page where a file was asked for, and a body that stops before its format ends."""
    path = urllib.parse.urlsplit(url).path.lower()
    start = head.lstrip()[:64].lower()
    if not path.endswith((".htm", ".html")) and (
            content_type == "text/html" or start.startswith((b"<!doctype html", b"<html"))):
        raise FetchError("html_error_page", f"{url}: the server answered with an HTML page, not the file asked for")
    end = tail.rstrip()
    if start.startswith(b"<sec-document>") and not end.endswith(b"</SEC-DOCUMENT>"):
        raise _Incomplete("the submission does not end with </SEC-DOCUMENT>: cut short")
    if path.endswith(".xml") or start.startswith(b"<?xml"):
        root = _xml_root(head)
        if root is None or not (end.endswith(b"</" + root + b">") or end.endswith(b"/>")):
            raise _Incomplete("the XML document does not end with the end tag of its root element: cut short")


def _xml_root(head: bytes) -> bytes | None:
    """The name of the first element, past the declaration, comments and doctype (None: not in `head`)."""
    at = 0
    while (at := head.find(b"<", at)) != -1:
        if head.startswith(b"<!--", at):
            close = head.find(b"-->", at)
            at = -1 if close == -1 else close + 3
        elif head.startswith((b"<?", b"<!"), at):
            close = head.find(b">", at)
            at = -1 if close == -1 else close + 1
        else:
            found = _XML_ROOT.match(head, at)
            return found.group(1) if found else None
        if at == -1:
            return None
    return None


def _final_http_error(url: str, status: int, reason: str) -> FetchError:
    if status == 404:
        return FetchError("fetch_not_found", f"{url}: HTTP 404 {reason}", status)
    if status == 403:
        return FetchError("fetch_refused", f"{url}: HTTP 403 {reason} (the SEC refuses clients without a "
                                           f"declared User-Agent or over 10 requests/second)", status)
    return FetchError("fetch_refused", f"{url}: HTTP {status} {reason}", status)
