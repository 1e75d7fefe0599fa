"""Polite HTTP downloads from EDGAR (urllib only).

The SEC asks every client to declare a User-Agent with a contact address and to
stay at or under 10 requests per second; it answers 403 to anonymous clients and
429 to fast ones. Every request here passes one token bucket, transient
failures (429, 5xx, timeouts, dropped connections) are retried with exponential
backoff that honours Retry-After, and bodies stream to a temporary file that is
renamed into place only when complete, so a cache never holds half a file."""
from __future__ import annotations

import email.utils
import http.client
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SEC_ACCESS_RULES = "https://www.sec.gov/os/accessing-edgar-data"
RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_CHUNK = 1 << 16


class MissingUserAgent(ValueError):
    """The HTTP source was asked to run without a declared User-Agent."""


class FetchError(RuntimeError):
    """A download that failed for good. `code` is stable (it becomes a quarantine error)."""

    def __init__(self, code: str, detail: str, status: int | None = None):
        super().__init__(detail)
        self.code, self.detail, self.status = code, detail, status


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
    max_wait_seconds: float = 120.0  # a Retry-After longer than this gives up instead
    timeout_seconds: float = 30.0

    def __post_init__(self) -> None:
        self.user_agent = check_user_agent(self.user_agent)
        self.bucket = TokenBucket(self.rate_per_second)

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
        failure = "no attempt made"
        for attempt in range(1, self.max_attempts + 1):
            self.bucket.take()
            request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})
            wait = None
            try:
                with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                    declared = response.headers.get("Content-Length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise FetchError("file_too_large", f"{url} is {declared} bytes, over the limit of {max_bytes}")
                    return _copy(response, write, max_bytes, url)
            except urllib.error.HTTPError as exc:
                exc.close()
                if exc.code not in RETRY_STATUS:
                    raise _final_http_error(url, exc.code, exc.reason) from None
                failure = f"HTTP {exc.code} {exc.reason}"
                wait = retry_after_seconds(exc.headers.get("Retry-After") if exc.headers else None)
            except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError) as exc:
                failure = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
            restart()
            if attempt == self.max_attempts:
                break
            wait = max(wait or 0.0, self.backoff_seconds * 2 ** (attempt - 1))
            if wait > self.max_wait_seconds:
                raise FetchError("fetch_failed", f"{url}: {failure}; the server asks to wait {wait:.0f} s, "
                                                 f"more than the {self.max_wait_seconds:.0f} s allowed")
            time.sleep(wait)
        raise FetchError("fetch_failed", f"{url}: {failure} after {self.max_attempts} attempts")


def _copy(response, write: Callable[[bytes], object], max_bytes: int, url: str) -> int:
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchError("file_too_large", f"{url} grew past the limit of {max_bytes} bytes while downloading")
        write(chunk)
    return size


def _final_http_error(url: str, status: int, reason: str) -> FetchError:
    if status == 404:
        return FetchError("fetch_not_found", f"{url}: HTTP 404 {reason}", status)
    if status == 403:
        return FetchError("fetch_refused", f"{url}: HTTP 403 {reason} (the SEC refuses clients without a "
                                           f"declared User-Agent or over 10 requests/second)", status)
    return FetchError("fetch_refused", f"{url}: HTTP {status} {reason}", status)
