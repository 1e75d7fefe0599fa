"""The EDGAR HTTP client against a 127.0.0.1 server that misbehaves in every way: bodies cut short
or not ending where their format ends, a 200 HTML error page, a body trickling in, long Retry-After,
retries past the per-run cap, redirects to other origins. None of them is a filing, none is cached."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from filingflow.sources.http_fetch import FetchError, HttpFetcher

USER_AGENT = "filingflow tests tests@example.com"
SUBMISSION = (b"<SEC-DOCUMENT>0000000000-20-000001.txt : 20200213\n<SEC-HEADER>\n</SEC-HEADER>\n"
              + b"<DOCUMENT>\n<TYPE>4\n<TEXT>\nbody\n</TEXT>\n</DOCUMENT>\n" * 20 + b"</SEC-DOCUMENT>\n")
XML = b'<?xml version="1.0"?>\n<!-- c -->\n<ownershipDocument>\n<issuer>x</issuer>\n</ownershipDocument>\n'
HTML = b"<!DOCTYPE html><html><head><title>Request Rate Threshold Exceeded</title></head><body>slow down</body></html>"


class Misbehaving:
    """Answers each path its own way; records (path, User-Agent) of every request."""

    def __init__(self):
        self.log: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.log.append(self.path)
                getattr(self, "answer_" + self.path.strip("/").split(".")[0])()

            def _send(self, body: bytes, length: int | None = None, status: int = 200, kind: str = "text/plain",
                      **headers):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                for name, value in headers.items():
                    self.send_header(name.replace("_", "-"), value)
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()

            def answer_whole(self):
                self._send(SUBMISSION)

            def answer_short(self):  # Content-Length says more than comes: the connection just ends
                self._send(SUBMISSION[:len(SUBMISSION) // 2], length=len(SUBMISSION))
                self.close_connection = True

            def answer_unterminated(self):  # complete by its length, but no </SEC-DOCUMENT>
                self._send(SUBMISSION[:-len(b"</SEC-DOCUMENT>\n")])

            def answer_xml(self):
                self._send(XML)

            def answer_cut(self):
                self._send(XML[:-len(b"</ownershipDocument>\n")])

            def answer_html(self):
                self._send(HTML, kind="text/html")

            def answer_html_as_text(self):
                self._send(HTML)

            def answer_trickle(self):
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                try:
                    for _ in range(1000):
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        time.sleep(0.2)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def answer_wait(self):
                self._send(b"", status=503, Retry_After="119")

            def answer_busy(self):
                self._send(b"", status=503)

            def answer_elsewhere(self):
                self._send(b"", status=302, Location=f"http://localhost:{server.port}/whole.txt")

            def answer_ftp(self):
                self._send(b"", status=301, Location=f"ftp://127.0.0.1:{server.port}/whole.txt")

            def answer_same(self):
                self._send(b"", status=302, Location="/whole.txt")

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    with Misbehaving() as running:
        yield running


def _fetcher(**changes) -> HttpFetcher:
    return HttpFetcher(USER_AGENT, **{"rate_per_second": 1000, "max_attempts": 3, "backoff_seconds": 0.01,
                                      "timeout_seconds": 5, **changes})


def _fetch(server, name: str, tmp_path: Path, fetcher: HttpFetcher | None = None) -> Path:
    dest = tmp_path / "cache" / name
    (fetcher or _fetcher()).fetch_to(f"{server.url}/{name}", dest, tmp_path / "tmp", 1024 * 1024)
    return dest


def _refused(server, name: str, tmp_path: Path, fetcher: HttpFetcher | None = None) -> FetchError:
    with pytest.raises(FetchError) as caught:
        _fetch(server, name, tmp_path, fetcher)
    assert not (tmp_path / "cache" / name).exists(), "a refused download must not be cached"
    assert list((tmp_path / "tmp").iterdir()) == []
    return caught.value


def test_whole_files_are_cached(server, tmp_path):
    assert _fetch(server, "whole.txt", tmp_path).read_bytes() == SUBMISSION
    assert _fetch(server, "xml.xml", tmp_path).read_bytes() == XML
    assert _fetch(server, "same.txt", tmp_path).read_bytes() == SUBMISSION  # a redirect within the origin
    assert server.log == ["/whole.txt", "/xml.xml", "/same.txt", "/whole.txt"]


@pytest.mark.parametrize("name, why", [
    ("short.txt", f"the body ended after {len(SUBMISSION) // 2} of its {len(SUBMISSION)} bytes (Content-Length)"),
    ("unterminated.txt", "the submission does not end with </SEC-DOCUMENT>: cut short"),
    ("cut.xml", "the XML document does not end with the end tag of its root element: cut short"),
])
def test_a_body_cut_short_is_an_error_retried_then_not_cached(server, tmp_path, name, why):
    error = _refused(server, name, tmp_path)
    assert error.code == "fetch_failed"
    assert error.detail == f"{server.url}/{name}: failed after 3 attempts: {why}; {why}; {why}"
    assert server.log == [f"/{name}"] * 3


@pytest.mark.parametrize("name", ["html.txt", "html_as_text.txt"])
def test_a_200_html_error_page_is_never_a_filing(server, tmp_path, name):
    error = _refused(server, name, tmp_path)
    assert (error.code, error.detail) == (
        "html_error_page", f"{server.url}/{name}: the server answered with an HTML page, not the file asked for")
    assert "Threshold" not in error.detail  # the page itself is not quoted


def test_a_trickling_body_meets_the_download_deadline(server, tmp_path):
    error = _refused(server, "trickle.txt", tmp_path, _fetcher(deadline_seconds=1.0))
    assert error.code == "fetch_too_slow"
    assert error.detail.startswith(f"{server.url}/trickle.txt: ")
    assert "in the 1 s allowed for one download" in error.detail
    assert server.log == ["/trickle.txt"]  # not retried within the run: a trickle would trickle again


def test_a_long_retry_after_gives_up_at_once_with_its_reason(server, tmp_path):
    error = _refused(server, "wait.txt", tmp_path, _fetcher(max_wait_seconds=30))
    assert (error.code, error.detail) == (
        "fetch_failed", f"{server.url}/wait.txt: HTTP 503 Service Unavailable; the server asks to wait 119 s, "
                        "more than the 30 s allowed; retried at the next run")
    assert server.log == ["/wait.txt"]


def test_retries_are_capped_per_file_and_per_run(server, tmp_path):
    fetcher = _fetcher(max_attempts=3, max_retries_per_run=3)
    first = _refused(server, "busy.txt", tmp_path, fetcher)  # 3 attempts: 2 retries
    assert first.detail.endswith("failed after 3 attempts: HTTP 503 Service Unavailable; "
                                 "HTTP 503 Service Unavailable; HTTP 503 Service Unavailable")
    second = _refused(server, "busy.txt", tmp_path, fetcher)  # the run's last retry, then no more
    assert second.detail == (f"{server.url}/busy.txt: HTTP 503 Service Unavailable; not retried: the run's 3 "
                             "retries are used up")
    third = _refused(server, "busy.txt", tmp_path, fetcher)
    assert "retries are used up" in third.detail
    assert len(server.log) == 3 + 2 + 1


@pytest.mark.parametrize("name, target", [("elsewhere.txt", "http://localhost:{port}/whole.txt"),
                                          ("ftp.txt", "ftp://127.0.0.1:{port}/whole.txt")])
def test_redirects_leave_the_origin_never(server, tmp_path, name, target):
    error = _refused(server, name, tmp_path)
    target = target.format(port=server.port)
    assert (error.code, error.detail) == (
        "redirect_refused", f"{server.url}/{name}: HTTP {302 if name == 'elsewhere.txt' else 301} redirects to "
                            f"{target}, another origin: not followed")
    assert server.log == [f"/{name}"]
