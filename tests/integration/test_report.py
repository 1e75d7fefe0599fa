"""The run report (filingflow/report.py): built by the flow on a warehouse with the
two seeds, generated filings and hand-made Form 4s (buyers, sellers, a company
named with a <script>, flagged rows, quarantined files); its numbers checked
against SQL on the same warehouse, then opened in headless Chromium.

Cost: two flow runs per module (about 20 s); the browser tests add two Chromium
launches (about 5 s) and, on a machine without Chromium, one apt-get install
(about 35 s)."""
from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb
import numpy as np
import pytest

from tests.support.generated import write_corpus
from conftest import SEED_8K, SEED_FORM4
from filingflow.charts import compact, nice_ticks
from filingflow.report import BUY_COLOR, FORM_COLORS, SELL_COLOR, write_report
from flows.cli import main as cli
from flows.commands.run import format_summary
from flows.pipeline import RunSettings, nightly

HOSTILE = 'Cobalt <script>alert("pwned")</script> Mining Corp'
HOSTILE_FILE = "bad<img src=x onerror=alert(1)>.bin"


def form4_xml(issuer: str, cik: str, ticker: str, owner: str, owner_cik: str, day: dt.date,
              trades: list[tuple[str, str, str, str, str]]) -> str:
    """A minimal EDGAR ownership XML Form 4; trades are (code, shares, price, A/D, owned after)."""
    rows = "".join(f"""
    <nonDerivativeTransaction>
      <securityTitle><value>Common Stock</value></securityTitle>
      <transactionDate><value>{day}</value></transactionDate>
      <transactionCoding><transactionFormType>4</transactionFormType><transactionCode>{code}</transactionCode>
        <equitySwapInvolved>false</equitySwapInvolved></transactionCoding>
      <transactionAmounts><transactionShares><value>{shares}</value></transactionShares>
        <transactionPricePerShare><value>{price}</value></transactionPricePerShare>
        <transactionAcquiredDisposedCode><value>{ad}</value></transactionAcquiredDisposedCode></transactionAmounts>
      <postTransactionAmounts><sharesOwnedFollowingTransaction><value>{after}</value></sharesOwnedFollowingTransaction>
      </postTransactionAmounts>
      <ownershipNature><directOrIndirectOwnership><value>D</value></directOrIndirectOwnership></ownershipNature>
    </nonDerivativeTransaction>""" for code, shares, price, ad, after in trades)
    return f"""<?xml version="1.0"?>
<ownershipDocument>
  <schemaVersion>X0306</schemaVersion>
  <documentType>4</documentType>
  <periodOfReport>{day}</periodOfReport>
  <issuer><issuerCik>{cik}</issuerCik><issuerName>{escape(issuer)}</issuerName>
    <issuerTradingSymbol>{ticker}</issuerTradingSymbol></issuer>
  <reportingOwner>
    <reportingOwnerId><rptOwnerCik>{owner_cik}</rptOwnerCik>
      <rptOwnerName>{escape(owner)}</rptOwnerName></reportingOwnerId>
    <reportingOwnerRelationship><isDirector>false</isDirector><isOfficer>true</isOfficer>
      <isTenPercentOwner>false</isTenPercentOwner><isOther>false</isOther>
      <officerTitle>Chief Executive Officer</officerTitle></reportingOwnerRelationship>
  </reportingOwner>
  <nonDerivativeTable>{rows}
  </nonDerivativeTable>
  <ownerSignature><signatureName>/s/ {escape(owner)}</signatureName>
    <signatureDate>{day + dt.timedelta(days=1)}</signatureDate></ownerSignature>
</ownershipDocument>
"""


D = dt.date
HANDMADE = {
    # Harbor Lights: two open-market purchases, +10,500.00 and +5,500.00.
    "harbor_1.xml": ("HARBOR LIGHTS INC", "0000900001", "HBL", "KEEL MARGARET", "0001900001", D(2024, 11, 4),
                     [("P", "1000", "10.50", "A", "11000")]),
    "harbor_2.xml": ("HARBOR LIGHTS INC", "0000900001", "HBL", "KEEL MARGARET", "0001900001", D(2024, 11, 6),
                     [("P", "500", "11.00", "A", "11500")]),
    # The hostile name: two sales, -50,500.00 and -24,750.00.
    "cobalt_1.xml": (HOSTILE, "0000900002", "CBM", "ORE WILLIAM", "0001900002", D(2024, 11, 5),
                     [("S", "2000", "25.25", "D", "8000")]),
    "cobalt_2.xml": (HOSTILE, "0000900002", "CBM", "ORE WILLIAM", "0001900002", D(2024, 11, 12),
                     [("S", "1000", "24.75", "D", "7000")]),
    # A sale coded as acquired, then a balance that does not follow: flagged rows.
    "pines.xml": ("QUIET PINES CO", "0000900003", "QPC", "FERN ADA", "0001900003", D(2024, 11, 7),
                  [("S", "300", "5.00", "A", "1300"), ("S", "100", "5.00", "D", "9999")]),
}
EXPECTED_NET_VALUE = {"HARBOR LIGHTS INC (HBL)": 16000.0, f"{HOSTILE} (CBM)": -75250.0}


def build_inputs(folder: Path) -> None:
    folder.mkdir(parents=True)
    shutil.copy(SEED_FORM4, folder)
    shutil.copy(SEED_8K, folder)
    write_corpus(folder / "generated", 9, 2024, huge_every=0)
    for name, args in HANDMADE.items():
        (folder / name).write_text(form4_xml(*args), encoding="utf-8")
    (folder / "empty.txt").write_bytes(b"")
    (folder / HOSTILE_FILE).write_bytes(bytes(range(256)) * 4)


# --- Chromium -------------------------------------------------------------------------

def find_chromium() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)


def install_chromium() -> tuple[str | None, str]:
    """Debian's chromium by apt-get, as root only; returns (path, what went wrong)."""
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "installing it needs root and apt-get"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    apt = ["apt-get", "-o", "DPkg::Lock::Timeout=300", "-q"]
    install = [*apt, "install", "-y", "--no-install-recommends", "chromium"]
    result = subprocess.run(install, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if result.returncode != 0:  # no package lists yet, or stale ones
        subprocess.run([*apt, "update"], env=env, capture_output=True, stdin=subprocess.DEVNULL)
        result = subprocess.run(install, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    return find_chromium(), (result.stderr or result.stdout).strip()[-400:]


def run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def chromium() -> str:
    found = find_chromium()
    if found:
        return found
    found, problem = install_chromium()
    if not found:
        pytest.skip(f"headless Chromium is needed to open the report and is not installed; "
                    f"`apt-get install chromium` failed or was not possible: {problem}")
    return found


def decode_png(data: bytes) -> np.ndarray:
    """8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes) -> array of height x width x channels."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0, header
    bpp = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    out = np.zeros((height, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1)
        if kind == 0:
            row = line.copy()
        elif kind == 1:  # Sub: a running sum per channel, modulo 256
            row = np.cumsum(line.reshape(-1, bpp), axis=0, dtype=np.uint8).reshape(-1)
        elif kind == 2:  # Up
            row = line + prev
        else:  # Average or Paeth: each byte needs the one just decoded to its left
            cur, up = bytearray(line.tobytes()), prev.tobytes()
            for i in range(stride):
                a = cur[i - bpp] if i >= bpp else 0
                b = up[i]
                if kind == 3:
                    cur[i] = (cur[i] + ((a + b) >> 1)) & 255
                    continue
                c = up[i - bpp] if i >= bpp else 0
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                cur[i] = (cur[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            row = np.frombuffer(bytes(cur), np.uint8)
        out[y] = prev = row
    return out.reshape(height, width, bpp)


# --- the warehouse of this module ----------------------------------------------------

class Page(HTMLParser):
    """Bars of every chart (attributes of <rect class="bar">, by data-chart) and the
    elements carrying data-kpi, data-table and data-suite."""

    def __init__(self, text: str):
        super().__init__()
        self.chart: str | None = None
        self.bars: dict[str, list[dict]] = {}
        self.zero: dict[str, float] = {}
        self.suites: dict[str, tuple[int, int]] = {}
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "svg" and "data-chart" in a:
            self.chart = a["data-chart"]
            self.bars[self.chart] = []
        elif tag == "rect" and "bar" in classes:
            self.bars[self.chart].append(a)
        elif tag == "line" and "zero" in classes:
            self.zero[self.chart] = float(a["x1"])
        if "data-suite" in a:
            self.suites[a["data-suite"]] = (int(a["data-passed"]), int(a["data-failed"]))

    def handle_endtag(self, tag):
        if tag == "svg":
            self.chart = None

    def values(self, chart: str) -> dict[str, float]:
        return {b["data-label"]: float(b["data-value"]) for b in self.bars[chart]}


@pytest.fixture(scope="module")
def built(tmp_path_factory, prefect_api):
    """Run 1 loads everything and writes its report; run 2 finds nothing new and its
    report folder is a regular file, so its report fails."""
    root = tmp_path_factory.mktemp("report")
    build_inputs(root / "in")
    settings = RunSettings(inputs=[root / "in"], warehouse=root / "wh.duckdb", lake=root / "lake",
                           dq_dir=root / "dq", reports_dir=root / "reports")
    first = nightly(settings)
    (root / "not_a_folder").write_text("")
    second = nightly(RunSettings(**{**vars(settings), "reports_dir": root / "not_a_folder"}))
    text = Path(first.report).read_text(encoding="utf-8")
    return root, settings, first, second, text, Page(text)


def sql(db: Path, query: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def test_the_run_writes_its_report(built):
    root, settings, first, _, text, _ = built
    assert first.report == str(root / "reports" / f"{first.run_id}.html")
    assert f"  report: {first.report}" in format_summary(first).splitlines()
    assert f"<title>filingflow run {first.run_id}</title>" in text
    (docs,) = re.findall(r'Data Docs: <a href="([^"]+)">', text)  # relative, so the folders can move together
    assert (Path(first.report).parent / docs).resolve() == (root / "dq" / "index.html").resolve()


def test_kpis_are_the_runs_counts(built):
    _, settings, first, _, text, _ = built
    shown = {k: int(v.replace(",", "")) for k, v in
             re.findall(r'data-kpi="([^"]+)"><div class="kpi-value">([\d,]+)<', text)}
    (row,) = sql(settings.warehouse, """
        SELECT files_seen, files_new, files_unchanged, files_loaded, files_duplicate, files_quarantined, filings_loaded,
               rows_loaded
        FROM runs WHERE run_id = ?""", [first.run_id])
    assert shown == dict(zip(["Files seen", "New or changed", "Unchanged", "Loaded", "Duplicate", "Quarantined",
                              "Filings loaded", "Rows loaded"], row))
    assert (shown["Files seen"], shown["Loaded"], shown["Quarantined"], shown["Filings loaded"]) == (18, 16, 2, 16)


def test_rows_per_table_are_what_the_run_loaded(built):
    _, settings, first, _, text, _ = built
    shown = {t: int(n.replace(",", "")) for t, n in
             re.findall(r'<tr data-table="(\w+)"><td><code>\w+</code></td><td class="num">([\d,]+)<', text)}
    assert shown == {t: n for t, n in first.rows_per_table.items() if n}
    assert shown["nonderiv_transactions"] == sql(settings.warehouse, """
        SELECT count(*) FROM nonderiv_transactions JOIN filings USING (filing_id) WHERE run_id = ?""",
                                                 [first.run_id])[0][0]


def test_formats_chart_counts_filings_by_reader(built):
    _, settings, first, _, _, page = built
    assert page.values("source-formats") == {f: float(n) for f, n in sql(settings.warehouse, """
        SELECT source_format, count(*) FROM filings WHERE run_id = ? GROUP BY ALL""", [first.run_id])}


def test_filings_per_year_by_form_equal_sql(built):
    _, settings, first, _, text, page = built
    assert "Filings per year by form" in text  # the seeds (2002, 2007) and the hand-made filings (2024) span years
    charted: dict[tuple[str, str], float] = {}
    for bar in page.bars["filings-run"]:
        charted[bar["data-label"], bar["data-series"]] = float(bar["data-value"])
    expected = sql(settings.warehouse, """
        SELECT strftime(coalesce(filed_date, period_of_report), '%Y'), 'Form ' || regexp_replace(form_type, '/A$', ''),
               count(*)
        FROM filings WHERE run_id = ? GROUP BY ALL""", [first.run_id])
    assert charted == {(year, form): float(n) for year, form, n in expected}
    assert charted["2024", "Form 4"] >= 5  # the hand-made Form 4s


def test_context_chart_is_the_last_90_days_of_the_warehouse(built):
    _, settings, _, _, _, page = built
    charted = page.values("filings-context")
    expected = sql(settings.warehouse, """
        WITH d AS (SELECT coalesce(filed_date, period_of_report) AS day, form_type FROM filings)
        SELECT strftime(day, '%Y-%m-%d'), count(*) FROM d
        WHERE day > (SELECT max(day) FROM d) - INTERVAL 90 DAY GROUP BY ALL""")
    assert charted == {day: float(n) for day, n in expected}
    assert charted["2024-11-05"] == 1  # filed the day after the first Cobalt sale


def test_insider_chart_is_net_value_per_company(built):
    _, settings, first, _, _, page = built
    bars = page.bars["insider-net"]
    expected = sql(settings.warehouse, """
        SELECT CASE WHEN any_value(ticker) IS NULL THEN any_value(issuer_name)
                    ELSE any_value(issuer_name) || ' (' || any_value(ticker) || ')' END,
               sum(CASE acquired_disposed WHEN 'A' THEN value WHEN 'D' THEN -value END) AS net
        FROM insider_trades WHERE filing_id IN (SELECT filing_id FROM filings WHERE run_id = ?)
          AND is_first_owner  -- a joint filing's transaction once, not once per owner
        GROUP BY company_id HAVING net IS NOT NULL ORDER BY abs(net) DESC LIMIT 15""", [first.run_id])
    assert [(b["data-label"], float(b["data-value"])) for b in bars] == [(name, float(net)) for name, net in expected]
    values = page.values("insider-net")
    for name, net in EXPECTED_NET_VALUE.items():
        assert values[name] == net
    fills = {b["data-label"]: b["fill"] for b in bars}
    assert fills["HARBOR LIGHTS INC (HBL)"] == BUY_COLOR and fills[f"{HOSTILE} (CBM)"] == SELL_COLOR
    # Sells left of the zero line, buys right of it.
    zero = page.zero["insider-net"]
    for b in bars:
        x, w = float(b["x"]), float(b["width"])
        edge = x + w if float(b["data-value"]) < 0 else x
        assert edge == pytest.approx(zero, abs=0.01)


def test_top_flagged_expectations_count_dq_flags(built):
    _, settings, first, _, _, page = built
    expected = sql(settings.warehouse, """
        SELECT expectation, count(*) AS n FROM dq_flags WHERE run_id = ?
        GROUP BY ALL ORDER BY n DESC, expectation LIMIT 10""", [first.run_id])
    assert [(b["data-label"], float(b["data-value"])) for b in page.bars["top-flagged"]] == \
        [(name, float(n)) for name, n in expected]
    flagged = page.values("top-flagged")
    # The hand-made sale coded as an acquisition, and the balance that does not follow.
    assert flagged["expect_transaction_code_to_agree_with_direction"] == 1
    assert flagged["expect_balance_continuity_within_filing"] == 1


def test_suites_are_dq_results(built):
    _, settings, first, _, _, page = built
    expected = sql(settings.warehouse, """
        SELECT suite, count(*) FILTER (WHERE success), count(*) FILTER (WHERE NOT success)
        FROM dq_results WHERE run_id = ? GROUP BY suite""", [first.run_id])
    assert page.suites == {suite: (passed, failed) for suite, passed, failed in expected}
    assert page.suites["ownership_code_direction"] == (0, 1)


def test_filing_text_is_escaped(built):
    _, _, _, _, text, page = built
    assert "<script" not in text.lower() and "<img" not in text.lower()
    assert html.escape(HOSTILE) in text  # tooltips and attributes carry the whole name, escaped
    assert f"{HOSTILE} (CBM)" in page.values("insider-net")
    assert html.escape(HOSTILE_FILE) in text  # the quarantined file's name


def test_quarantined_files_with_reasons(built):
    _, _, _, _, text, page = built
    rows = re.findall(r'<tr><td class="path">[^<]*/([^/<]+)</td><td>(\w+)</td><td><code>(\w+)</code>', text)
    assert sorted(rows) == [(html.escape(HOSTILE_FILE), "read", "binary_content"), ("empty.txt", "read", "empty_file")]
    assert page.values("quarantine-errors") == {"binary_content": 1, "empty_file": 1}


def test_the_page_is_self_contained(built):
    text = built[4]
    assert not re.search(r"<(script|link|iframe|img|object|embed)\b|<[^<>]*\s(src|srcset)=|@import|url\(", text, re.I)
    assert set(re.findall(r"https?://[^\s\"'<>]+", text)) == {"http://www.w3.org/2000/svg"}


def test_a_failing_report_does_not_fail_the_run(built):
    root, settings, first, second, _, _ = built
    assert second.report is None and second.filings_loaded == 0
    assert sql(settings.warehouse, "SELECT status FROM runs WHERE run_id = ?", [second.run_id]) == [("completed",)]
    assert (root / "not_a_folder").is_file()


def test_empty_states(built, tmp_path):
    _, settings, _, second, _, _ = built
    text = write_report(settings.warehouse, second.run_id, tmp_path).read_text(encoding="utf-8")
    page = Page(text)
    for message in ("No filing loaded in this run.", "No insider transactions in this run.",
                    "No row-level findings in this run.", "No file quarantined in this run.",
                    "No expectation ran: the run had no new rows to validate."):
        assert message in text
    assert set(page.bars) == {"filings-context"}  # the warehouse still has filings to show
    assert page.bars["filings-context"]


def test_report_command(built, tmp_path, capsys):
    _, settings, first, second, _, _ = built
    assert cli(["report", "--warehouse", str(settings.warehouse), "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / f"{second.run_id}.html")  # the latest run
    assert cli(["report", "--run", first.run_id, "--warehouse", str(settings.warehouse), "--out", str(tmp_path)]) == 0
    assert "No insider transactions" not in (tmp_path / f"{first.run_id}.html").read_text(encoding="utf-8")
    assert cli(["report", "--run", "20000101T000000Z-000000", "--warehouse", str(settings.warehouse),
                "--out", str(tmp_path)]) == 2
    assert "no run 20000101T000000Z-000000" in capsys.readouterr().err


def test_run_command_passes_the_reports_folder(tmp_path, monkeypatch):
    from flows.cli import apply_settings, build_parser
    from flows.commands.run import run_settings

    monkeypatch.chdir(tmp_path)  # no filingflow.toml here
    monkeypatch.delenv("FILINGFLOW_REPORTS_DIR", raising=False)
    monkeypatch.delenv("FILINGFLOW_CONFIG", raising=False)

    for argv, expected in ((["run"], Path("data/reports")), (["run", "--reports-dir", "out"], Path("out"))):
        args = build_parser().parse_args(argv)
        apply_settings(args)
        assert run_settings(args.settings).reports_dir == expected


def test_chart_helpers():
    assert nice_ticks(0, 59, 4, integer=True) == [0, 20, 40, 60]
    assert nice_ticks(0, 1, 4, integer=True) == [0, 1]
    assert nice_ticks(-357e6, 0.016e6, 6) == [-400e6, -300e6, -200e6, -100e6, 0, 100e6]
    assert compact(-357_123_456.78, "$", signed=True) == "\u2212$357M"
    assert compact(16000, "$", signed=True) == "+$16K"
    assert compact(0.5) == "0.5" and compact(1500) == "1.5K"


# --- in the browser -------------------------------------------------------------------

PROBE = """<script>
// Test harness only: what the browser laid out for each chart.
const charts = {};
for (const svg of document.querySelectorAll('svg.chart')) {
  const box = svg.getBoundingClientRect();
  const bars = [...svg.querySelectorAll('rect.bar')];
  charts[svg.dataset.chart] = {width: box.width, height: box.height, bars: bars.length,
    drawn: bars.filter(b => { const r = b.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length};
}
const pre = document.createElement('pre'); pre.id = 'probe'; pre.textContent = JSON.stringify(charts);
document.body.appendChild(pre);
</script>"""


def test_charts_render_in_chromium(built, chromium, tmp_path):
    _, _, _, _, text, page = built
    probe = tmp_path / "probe.html"
    probe.write_text(text.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    result = run_chromium(chromium, tmp_path / "profile", "--window-size=1280,2000", "--dump-dom", probe.as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', result.stdout, re.S)
    assert found, f"no probe in the DOM Chromium dumped: {result.stderr[-800:]}"
    laid_out = json.loads(html.unescape(found.group(1)))
    assert set(laid_out) == set(page.bars)
    for chart, box in laid_out.items():
        assert box["bars"] == len(page.bars[chart]) > 0, chart
        assert box["drawn"] == box["bars"], chart
        assert box["height"] > 40, chart
    # Full-width charts take the page's width (responsive SVG), within the 1120 px column.
    for chart in ("filings-run", "filings-context", "insider-net", "top-flagged"):
        assert 900 < laid_out[chart]["width"] <= 1120, chart


def test_screenshot_shows_the_charts(built, chromium, tmp_path):
    root, _, first, _, _, _ = built
    shot = tmp_path / "report.png"
    result = run_chromium(chromium, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000",
                          Path(first.report).as_uri())
    assert shot.is_file(), result.stderr[-800:]
    pixels = decode_png(shot.read_bytes())
    assert pixels.shape[:2] == (2000, 1280)
    rgb = pixels[:, :, :3].reshape(-1, 3)
    colours = {tuple(int(c) for c in px) for px in np.unique(rgb, axis=0)}
    assert len(colours) > 200  # text, cards, charts: not a blank page

    def hex_rgb(colour: str) -> tuple[int, int, int]:
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))

    # The bars were painted: the colours of Form 4 columns, net buying and net selling.
    for colour in (FORM_COLORS["4"], BUY_COLOR, SELL_COLOR):
        assert hex_rgb(colour) in colours, colour
