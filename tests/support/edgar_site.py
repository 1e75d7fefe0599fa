"""A 127.0.0.1 web server laid out like EDGAR on one host, for the company-source tests:
/Archives/edgar/data/<cik>/<accession>.txt, /submissions/CIK##########.json (and older pages),
/files/company_tickers.json. Records every path asked for."""
from __future__ import annotations

import json
import shutil
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def submissions_columns(rows: list[tuple[str, str, str]]) -> dict:
    """The columnar lists of a submissions file from (accession, form, filing date) rows."""
    return {"accessionNumber": [r[0] for r in rows], "form": [r[1] for r in rows], "filingDate": [r[2] for r in rows],
            "primaryDocument": ["primary_doc.xml"] * len(rows)}


def build_site(root: Path, cik: str, filings: dict[str, Path], recent: list[tuple[str, str, str]],
               older: list[tuple[str, str, str]] = (), tickers: dict[str, str] | None = None) -> Path:
    """The company `cik` (10 digits): `filings` maps accession -> file served at its archive path;
    `recent` and `older` are the rows of the main submissions file and of its one older page."""
    for accession, source in filings.items():
        dest = root / "Archives" / "edgar" / "data" / str(int(cik)) / f"{accession}.txt"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
    (root / "submissions").mkdir(parents=True, exist_ok=True)
    page = f"CIK{cik}-submissions-001.json"
    files = []
    if older:
        (root / "submissions" / page).write_text(json.dumps(submissions_columns(list(older))))
        files = [{"name": page, "filingCount": len(older), "filingFrom": min(r[2] for r in older),
                  "filingTo": max(r[2] for r in older)}]
    (root / "submissions" / f"CIK{cik}.json").write_text(json.dumps(
        {"cik": str(int(cik)), "name": "Test Company", "filings": {"recent": submissions_columns(recent),
                                                                  "files": files}}))
    (root / "files").mkdir(exist_ok=True)
    (root / "files" / "company_tickers.json").write_text(json.dumps(
        {str(n): {"cik_str": int(c), "ticker": t, "title": t} for n, (t, c) in enumerate((tickers or {}).items())}))
    return root


class FolderServer:
    """Serves a folder on 127.0.0.1 the way www.sec.gov does; records every request (server clock,
    path, User-Agent) and answers scripted failures first when told to (`faults[path]`)."""

    def __init__(self, root: Path):
        self.root = root
        self.log: list[tuple[float, str, str]] = []
        self.faults: dict[str, list[tuple[int, dict[str, str]]]] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.log.append((time.monotonic(), self.path, self.headers.get("User-Agent", "")))
                if server.faults.get(self.path):
                    status, headers = server.faults[self.path].pop(0)
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                path = server.root / self.path.lstrip("/")
                if not path.is_file():
                    self.send_error(404)
                    return
                body = path.read_bytes()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def paths(self) -> list[str]:
        """Every path asked for, in order."""
        return [path for _, path, _ in self.log]

    def forget_requests(self) -> None:
        self.log.clear()

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class EdgarSite(FolderServer):
    """A site built by build_site; `archives` is its EDGAR source address."""

    def __init__(self, root: Path):
        super().__init__(root)
        self.archives = f"edgar+{self.url}/Archives"
