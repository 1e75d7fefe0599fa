"""The run report: one self-contained HTML page per run (counts, data quality, charts).

Everything is read from the warehouse with DuckDB SQL; the page has inline CSS
and inline SVG (filingflow.charts), no script and no network, so it opens
anywhere, attached to a mail or from a file share. Every text that can come from
a filing is escaped."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import duckdb

from filingflow import __version__, connections
from filingflow.charts import Bar, Series, compact, diverging_bars, escape_html, horizontal_bars, stacked_columns
from filingflow.schema import FILING_TABLES

TOP_FORMS = 5          # forms with their own colour; the rest stack as "other"
TOP_COMPANIES = 15
TOP_EXPECTATIONS = 10
CONTEXT_DAYS = 90
MAX_LISTED = 200       # quarantined files listed at most
FIRST_FINDINGS = 10
MAX_BUCKETS = 100      # columns of a time chart: beyond, days become weeks, months, years

FORM_COLORS = {"4": "#3868b0", "3": "#8db6e6", "5": "#5a4fa3", "8-K": "#e8833a"}
EXTRA_COLORS = ("#2a9d8f", "#c05f8a", "#a08c3a", "#6c8a9e", "#b5651d")
OTHER_COLOR = "#b8bec8"
FORMAT_COLOR = "#6c8a9e"
BUY_COLOR, SELL_COLOR = "#2a9d8f", "#d1495b"
SEVERITY_COLORS = {"error": "#d1495b", "warn": "#e9a23b", "info": "#66a1d9"}
_SEVERITY_ORDER = "CASE severity WHEN 'error' THEN 0 WHEN 'warn' THEN 1 ELSE 2 END"
_UNITS = (("day", 1), ("week", 7), ("month", 30.44), ("year", 365.25))
# The day a filing is charted on: its filing date, else (8-Ks read without a header) its period of report.
FILING_DAY = "coalesce(filed_date, period_of_report)"


def write_report(source: duckdb.DuckDBPyConnection | str | Path, run_id: str, out_dir: str | Path) -> Path:
    """Write `<out_dir>/<run_id>.html` for a run of the warehouse (a connection or a
    DuckDB file, opened read-only); returns its path."""
    if Path(run_id).name != run_id:
        raise ValueError(f"not a run id: {run_id!r}")
    out_dir = Path(out_dir)
    if isinstance(source, duckdb.DuckDBPyConnection):
        page = render(source, run_id, out_dir)
    else:
        con = connections.connect(Path(source), read_only=True)
        try:
            page = render(con, run_id, out_dir)
        finally:
            con.close()
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{run_id}.html"
    partial = target.with_name(target.name + ".part")
    partial.write_text(page, encoding="utf-8")
    os.replace(partial, target)  # a reader never sees half a page
    return target


def latest_run(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    return row[0] if row else None


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    result = con.execute(sql, params or [])
    names = [d[0] for d in result.description]
    return [dict(zip(names, r)) for r in result.fetchall()]


def render(con: duckdb.DuckDBPyConnection, run_id: str, out_dir: Path) -> str:
    runs = _rows(con, "SELECT * FROM runs WHERE run_id = ?", [run_id])
    if not runs:
        raise ValueError(f"no run {run_id} in the warehouse")
    run = runs[0]
    db_path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    sections = [
        _header(run, failed_errors(con, run_id)),
        _files(run, rows_per_table(con, run_id), source_formats(con, run_id), quarantine_errors(con, run_id)),
        _filings_section(con, run_id),
        _insider_section(con, run_id),
        _quality_section(con, run_id),
        _quarantine_section(con, run_id),
        _footer(run, db_path, out_dir),
    ]
    return _PAGE.format(title=escape_html(f"filingflow run {run_id}"), css=_CSS, body="\n".join(sections))


# --- data ------------------------------------------------------------------------

def rows_per_table(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """Rows in the warehouse that belong to the filings this run loaded, per filing table."""
    union = " UNION ALL ".join(
        f"SELECT '{t}' AS table_name, count(*) AS n FROM \"{t}\" WHERE filing_id IN (SELECT filing_id FROM run_filings)"
        for t in FILING_TABLES)
    rows = con.execute(f"WITH run_filings AS (SELECT filing_id FROM filings WHERE run_id = ?) {union}",
                       [run_id]).fetchall()
    return dict(rows)


def time_unit(first: dt.date, last: dt.date) -> str:
    """The finest of day, week, month, year that keeps a chart within MAX_BUCKETS columns."""
    span = (last - first).days + 1
    return next((unit for unit, days in _UNITS if span / days <= MAX_BUCKETS), "year")


def filings_by_form(con: duckdb.DuckDBPyConnection, where: str, params: list,
                    span: tuple[dt.date, dt.date] | None = None) -> dict:
    """Filings per time bucket of FILING_DAY and form family (amendments with their form;
    the TOP_FORMS most frequent forms, the rest as 'other'). Returns unit, buckets
    (every bucket of the span, by default of the dates present, empty ones too),
    series {form: counts} and undated (filings with no date at all)."""
    first, last, undated = con.execute(
        f"SELECT min({FILING_DAY}), max({FILING_DAY}), count(*) FILTER (WHERE {FILING_DAY} IS NULL) "
        f"FROM filings WHERE {where}", params).fetchone()
    if first is None:
        return {"unit": "day", "buckets": [], "series": {}, "undated": undated}
    first, last = span or (first, last)
    unit = time_unit(first, last)
    rows = con.execute(f"""
        WITH f AS (
            SELECT date_trunc('{unit}', {FILING_DAY})::DATE AS bucket, regexp_replace(form_type, '/A$', '') AS form
            FROM filings WHERE ({where}) AND {FILING_DAY} IS NOT NULL
        ), top AS (
            SELECT form FROM f GROUP BY form ORDER BY count(*) DESC, form LIMIT {TOP_FORMS}
        )
        SELECT bucket, CASE WHEN form IN (SELECT form FROM top) THEN form ELSE 'other' END AS form, count(*) AS n
        FROM f GROUP BY ALL ORDER BY ALL""", params).fetchall()
    buckets = [r[0] for r in con.execute(
        f"SELECT unnest(generate_series(date_trunc('{unit}', ?::DATE), date_trunc('{unit}', ?::DATE), "
        f"INTERVAL 1 {unit}))::DATE", [first, last]).fetchall()]
    index = {b: i for i, b in enumerate(buckets)}
    series: dict[str, list[int]] = {}
    for bucket, form, n in rows:
        series.setdefault(form, [0] * len(buckets))[index[bucket]] = n
    order = sorted(series, key=lambda f: (f == "other", -sum(series[f]), f))
    return {"unit": unit, "buckets": buckets, "series": {f: series[f] for f in order}, "undated": undated}


def insider_net(con: duckdb.DuckDBPyConnection, run_id: str) -> list[dict]:
    """Per company, over the Table I transactions of this run's filings: net value and net
    shares (acquired A minus disposed D), largest absolute net value first."""
    if con.execute("SELECT 1 FROM filings WHERE run_id = ? LIMIT 1", [run_id]).fetchone() is None:
        return []  # a run that loaded no filing has nothing to sum
    return _rows(con, f"""
        SELECT coalesce(t.company_id, 'issuer:' || f.issuer_name) AS company_key,
               coalesce(any_value(t.issuer_name), '(unnamed issuer)') AS company,
               any_value(t.ticker) AS ticker,
               -- one row per transaction and owner: each transaction counted once (its first owner's row)
               sum(CASE t.acquired_disposed WHEN 'A' THEN t.value WHEN 'D' THEN -t.value END)
                   FILTER (WHERE t.is_first_owner) AS net_value,
               sum(t.signed_shares) FILTER (WHERE t.is_first_owner) AS net_shares,
               count(*) FILTER (WHERE t.is_first_owner) AS trades,
               count(*) FILTER (WHERE t.is_first_owner AND t.acquired_disposed = 'A') AS acquisitions,
               count(*) FILTER (WHERE t.is_first_owner AND t.acquired_disposed = 'D') AS disposals,
               count(*) FILTER (WHERE t.is_first_owner AND t.value IS NULL) AS unpriced,
               count(DISTINCT t.owner_name) AS owners
        FROM insider_trades t JOIN filings f USING (filing_id)
        WHERE f.run_id = ?
        GROUP BY 1
        ORDER BY abs(net_value) DESC NULLS LAST, abs(net_shares) DESC NULLS LAST, company
        LIMIT {TOP_COMPANIES}""", [run_id])


def source_formats(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple[str, int]]:
    return con.execute("SELECT source_format, count(*) AS n FROM filings WHERE run_id = ? "
                       "GROUP BY ALL ORDER BY n DESC, source_format", [run_id]).fetchall()


def quarantine_errors(con: duckdb.DuckDBPyConnection, run_id: str) -> list[tuple[str, int]]:
    return con.execute("SELECT error, count(*) AS n FROM quarantine WHERE run_id = ? "
                       "GROUP BY ALL ORDER BY n DESC, error", [run_id]).fetchall()


def failed_errors(con: duckdb.DuckDBPyConnection, run_id: str) -> int:
    return con.execute("SELECT count(*) FROM dq_results WHERE run_id = ? AND NOT success AND severity = 'error'",
                       [run_id]).fetchone()[0]


def top_flagged(con: duckdb.DuckDBPyConnection, run_id: str) -> list[dict]:
    return _rows(con, f"""
        SELECT expectation, severity, count(*) AS flags, count(DISTINCT filing_id) AS filings,
               string_agg(DISTINCT table_name, ', ' ORDER BY table_name) AS tables
        FROM dq_flags WHERE run_id = ?
        GROUP BY expectation, severity ORDER BY flags DESC, expectation LIMIT {TOP_EXPECTATIONS}""", [run_id])


def suites(con: duckdb.DuckDBPyConnection, run_id: str) -> list[dict]:
    return _rows(con, """
        SELECT suite, count(*) FILTER (WHERE success) AS passed, count(*) FILTER (WHERE NOT success) AS failed
        FROM dq_results WHERE run_id = ? GROUP BY suite ORDER BY failed DESC, suite""", [run_id])


# --- sections --------------------------------------------------------------------

def _utc(value: dt.datetime | None) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC") if value else "\u2014"


def _duration(start: dt.datetime | None, end: dt.datetime | None) -> str:
    if not start or not end:
        return "\u2014"
    seconds = (end - start).total_seconds()
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)} min {secs:.0f} s" if minutes else f"{secs:.1f} s"


def _count(value: int | None) -> str:
    return f"{value or 0:,}"


def _badge(text: str, kind: str) -> str:
    return f'<span class="badge badge-{escape_html(kind)}">{escape_html(text)}</span>'


def _breakable(name: str) -> str:
    """A snake_case name that may wrap after its underscores."""
    return escape_html(name).replace("_", "_<wbr>")


def _count_bars(chart_id: str, title: str, counts: list[tuple[str, int]], noun: str, color: str,
                empty: str) -> str:
    """One bar per (label, count), each titled "label: N nouns"; the empty message without counts."""
    if not counts:
        return _empty(empty)
    bars = [Bar(label, n, f"{label}: {n:,} {noun}{'s' if n != 1 else ''}", color) for label, n in counts]
    return horizontal_bars(chart_id, title, bars, fmt=lambda v: f"{v:,.0f}", width=500, label_chars=26)


def _empty(message: str) -> str:
    return f'<p class="empty">{escape_html(message)}</p>'


def _header(run: dict, errors: int) -> str:
    status = run["status"]
    badges = [_badge(status, "ok" if status == "completed" else "bad")]
    failed = run["expectations_failed"] or 0
    if run["expectations_passed"] or failed:
        badges.append(_badge(f"{failed} expectation{'s' if failed != 1 else ''} failed"
                             + (f", {errors} of severity error" if errors else ""), "bad" if errors else "warn")
                      if failed else _badge("all expectations passed", "ok"))
    inputs = ", ".join(run["inputs"] or []) or "\u2014"
    facts = [("Started", _utc(run["started_at"])), ("Finished", _utc(run["finished_at"])),
             ("Duration", _duration(run["started_at"], run["finished_at"])), ("Inputs", inputs)]
    if run["flow_run_id"]:
        facts.append(("Prefect flow run", run["flow_run_id"]))
    items = "".join(f"<div><dt>{escape_html(k)}</dt><dd>{escape_html(v)}</dd></div>" for k, v in facts)
    return (f'<header class="top"><div class="brand">filingflow \u00b7 run report</div>'
            f'<h1><span class="muted">Run</span> {escape_html(run["run_id"])} {"".join(badges)}</h1>'
            f'<dl class="facts">{items}</dl></header>')


def _files(run: dict, per_table: dict[str, int], formats: list[tuple[str, int]],
           errors: list[tuple[str, int]]) -> str:
    tiles = [("Files seen", run["files_seen"], ""), ("New or changed", run["files_new"], ""),
             ("Unchanged", run["files_unchanged"], "skipped"), ("Loaded", run["files_loaded"], "files"),
             ("Duplicate", run["files_duplicate"] or 0, "skipped"),
             ("Quarantined", run["files_quarantined"], "bad" if run["files_quarantined"] else ""),
             ("Filings loaded", run["filings_loaded"], "accent"), ("Rows loaded", run["rows_loaded"], "accent")]
    kpis = "".join(f'<div class="kpi {cls}" data-kpi="{escape_html(label)}"><div class="kpi-value">{_count(value)}</div>'
                   f'<div class="kpi-label">{escape_html(label)}</div></div>' for label, value, cls in tiles)
    loaded = [(t, n) for t, n in per_table.items() if n]
    if loaded:
        high = max(n for _, n in loaded)
        rows = "".join(
            f'<tr data-table="{escape_html(t)}"><td><code>{escape_html(t)}</code></td><td class="num">{_count(n)}</td>'
            f'<td class="meter"><span style="width:{max(1.0, n / high * 100):.1f}%"></span></td></tr>'
            for t, n in sorted(loaded, key=lambda x: -x[1]))
        table = (f'<table class="rows-per-table"><thead><tr><th>Table</th><th class="num">Rows</th><th></th></tr>'
                 f'</thead><tbody>{rows}</tbody></table>')
    else:
        table = _empty("No rows: this run loaded no filing.")
    read = _count_bars("source-formats", "Filings loaded by the reader that read them", formats, "filing",
                       FORMAT_COLOR, "No filing read.")
    bad = _count_bars("quarantine-errors", "Files quarantined by error", errors, "file", SELL_COLOR,
                      "No file quarantined in this run.")
    return (f'<section><h2>Files and rows</h2><div class="kpis">{kpis}</div><div class="two">'
            f'<div class="card"><h3>Rows per table <span class="sub">from the filings this run loaded</span></h3>'
            f'{table}</div><div class="card"><h3>Formats read <span class="sub">filings by reader '
            f'(filings.source_format)</span></h3>{read}<h3 class="next">Quarantined files by error '
            f'<span class="sub">listed with their reasons below</span></h3>{bad}</div></div></section>')


def form_color(form: str, position: int) -> str:
    if form == "other":
        return OTHER_COLOR
    return FORM_COLORS.get(form) or EXTRA_COLORS[position % len(EXTRA_COLORS)]


def _bucket_label(bucket: dt.date, unit: str) -> str:
    return {"month": f"{bucket:%Y-%m}", "year": f"{bucket:%Y}"}.get(unit, bucket.isoformat())


def _form_chart(chart_id: str, title: str, data: dict, empty: str, height: int = 300) -> str:
    if not data["buckets"]:
        return _empty(empty)
    extras = iter(range(len(data["series"])))
    series = [Series(f"Form {form}" if form != "other" else "other forms",
                     form_color(form, 0 if form in FORM_COLORS or form == "other" else next(extras)), counts)
              for form, counts in data["series"].items()]
    legend = "".join(f'<li><i style="background:{s.color}"></i>{escape_html(s.name)} <b>{_count(sum(s.values))}</b></li>'
                     for s in series)
    labels = [_bucket_label(b, data["unit"]) for b in data["buckets"]]
    note = (f'<p class="note">{_count(data["undated"])} filing{"s" if data["undated"] != 1 else ""} without any '
            f'date not charted.</p>' if data["undated"] else "")
    return (f'<ul class="legend">{legend}</ul>'
            + stacked_columns(chart_id, title, labels, series, unit="filings", height=height) + note)


def _filings_section(con: duckdb.DuckDBPyConnection, run_id: str) -> str:
    run_data = filings_by_form(con, "run_id = ?", [run_id])
    unit = run_data["unit"]
    run_chart = _form_chart("filings-run", f"Filings per {unit} by form, this run", run_data,
                            "No filing loaded in this run.")
    last = con.execute(f"SELECT max({FILING_DAY}) FROM filings").fetchone()[0]
    if last is None:
        context, window = _empty("The warehouse holds no dated filing yet."), ""
    else:
        first = last - dt.timedelta(days=CONTEXT_DAYS - 1)
        window = f"{first.isoformat()} to {last.isoformat()}"
        context_data = filings_by_form(con, f"{FILING_DAY} BETWEEN ? AND ?", [first, last], span=(first, last))
        context = _form_chart("filings-context", f"Filings per day by form, warehouse, {window}", context_data,
                              "No filing in that window.", height=220)
    return (f'<section><h2>Filings</h2>'
            f'<div class="card"><h3>Filings per {escape_html(unit)} by form <span class="sub">loaded by this run, by filing date '
            f'(period of report when none is stated); amendments count with their form</span></h3>{run_chart}</div>'
            f'<div class="card"><h3>Warehouse context <span class="sub">every filing stored, per day, the last '
            f'{CONTEXT_DAYS} days of filing dates present{": " + escape_html(window) if window else ""}</span></h3>'
            f'{context}</div></section>')


def _money(value: float, signed: bool = False) -> str:
    return compact(value, "$", signed)


def _insider_section(con: duckdb.DuckDBPyConnection, run_id: str) -> str:
    companies = insider_net(con, run_id)
    priced = [c for c in companies if c["net_value"] is not None]
    by_value = bool(priced)
    metric, fmt = ("net_value", _money) if by_value else ("net_shares", compact)
    shown = priced if by_value else [c for c in companies if c["net_shares"] is not None]
    if not shown:
        body = _empty("No insider transactions in this run.")
    else:
        bars = []
        for c in shown:
            name = f'{c["company"]} ({c["ticker"]})' if c["ticker"] else c["company"]
            value = "value unknown" if c["net_value"] is None else _money(float(c["net_value"]), True)
            shares = compact(float(c["net_shares"] or 0), signed=True)
            tip = (f'{name}: net {value}, net {shares} shares; {c["trades"]} trades '
                   f'({c["acquisitions"]} acquired, {c["disposals"]} disposed, {c["unpriced"]} without price) '
                   f'by {c["owners"]} owner{"s" if c["owners"] != 1 else ""}')
            bars.append(Bar(name, float(c[metric]), tip))
        what = ("net value (acquired minus disposed, shares \u00d7 price)" if by_value
                else "net shares (acquired minus disposed)")
        left_out = len(companies) - len(shown)
        note = (f'<p class="note">{left_out} compan{"ies" if left_out != 1 else "y"} with only unpriced trades '
                f'not charted by value.</p>' if left_out else "")
        body = (f'<ul class="legend"><li><i style="background:{BUY_COLOR}"></i>net buying</li>'
                f'<li><i style="background:{SELL_COLOR}"></i>net selling</li><li class="muted">{escape_html(what)}</li></ul>'
                + diverging_bars("insider-net", f"Insider {what} per company", bars, positive=BUY_COLOR,
                                 negative=SELL_COLOR, fmt=fmt) + note)
    return (f'<section><h2>Insider buying and selling</h2><div class="card"><h3>Net per company '
            f'<span class="sub">Table I transactions of this run\'s Forms 3/4/5, top {TOP_COMPANIES} by size</span>'
            f'</h3>{body}</div></section>')


def _quality_section(con: duckdb.DuckDBPyConnection, run_id: str) -> str:
    suite_rows = suites(con, run_id)
    failed = {}
    for r in _rows(con, f"""
            SELECT suite, expectation, severity, unexpected_count, element_count FROM dq_results
            WHERE run_id = ? AND NOT success ORDER BY suite, {_SEVERITY_ORDER}, expectation""", [run_id]):
        failed.setdefault(r["suite"], []).append(
            f'<li>{_badge(r["severity"], r["severity"])} <code>{escape_html(r["expectation"])}</code> '
            f'<span class="muted">{_count(r["unexpected_count"])} of {_count(r["element_count"])} rows</span></li>')
    failing = "".join(
        f'<tr data-suite="{escape_html(s["suite"])}" data-passed="{s["passed"]}" data-failed="{s["failed"]}">'
        f'<td><code>{escape_html(s["suite"])}</code></td><td class="num ok">{s["passed"]}</td>'
        f'<td class="num bad">{s["failed"]}</td><td><ul class="failed">{"".join(failed[s["suite"]])}</ul></td></tr>'
        for s in suite_rows if s["failed"])
    passing = [s for s in suite_rows if not s["failed"]]
    parts = []
    if failing:
        parts.append(f'<table class="suites"><thead><tr><th>Suite</th><th class="num">Passed</th>'
                     f'<th class="num">Failed</th><th>Failed expectations</th></tr></thead>'
                     f'<tbody>{failing}</tbody></table>')
    if passing:
        chips = "".join(f'<span class="chip" data-suite="{escape_html(s["suite"])}" data-passed="{s["passed"]}" data-failed="0">'
                        f'{escape_html(s["suite"])} <b>{s["passed"]}</b></span>' for s in passing)
        parts.append(f'<p class="passed"><span class="muted">Every expectation passed in {len(passing)} '
                     f'suite{"s" if len(passing) != 1 else ""}:</span> {chips}</p>')
    suite_table = "".join(parts) or _empty("No expectation ran: the run had no new rows to validate.")
    flagged = top_flagged(con, run_id)
    if flagged:
        bars = [Bar(f["expectation"], f["flags"],
                    f'{f["expectation"]} ({f["severity"]}): {f["flags"]} rows flagged in {f["filings"]} '
                    f'filing{"s" if f["filings"] != 1 else ""}; tables: {f["tables"]}',
                    SEVERITY_COLORS[f["severity"]]) for f in flagged]
        legend = "".join(f'<li><i style="background:{c}"></i>{s}</li>' for s, c in SEVERITY_COLORS.items())
        chart = (f'<ul class="legend">{legend}</ul>'
                 + horizontal_bars("top-flagged", "Top flagged expectations by rows flagged", bars,
                                   fmt=lambda v: f"{v:,.0f}", width=1040, label_chars=48))
    else:
        chart = _empty("No row-level findings in this run.")
    findings = _rows(con, f"""
        SELECT severity, expectation, table_name, filing_id, row_index, detail FROM dq_flags WHERE run_id = ?
        ORDER BY {_SEVERITY_ORDER}, expectation, filing_id, row_index LIMIT {FIRST_FINDINGS}""", [run_id])
    examples = ""
    if findings:
        rows = "".join(
            f'<tr><td>{_badge(f["severity"], f["severity"])}</td><td><code>{_breakable(f["expectation"])}</code></td>'
            f'<td><code>{escape_html(f["filing_id"])}</code><br><span class="muted">{escape_html(f["table_name"])}'
            f'{"" if f["row_index"] is None else " row " + str(f["row_index"])}</span></td>'
            f'<td>{escape_html(f["detail"])}</td></tr>' for f in findings)
        examples = (f'<h3>First findings <span class="sub">all of them: <code>filingflow dq --run {escape_html(run_id)}</code>'
                    f'</span></h3><table class="findings"><colgroup><col style="width:84px"><col style="width:30%">'
                    f'<col style="width:26%"><col></colgroup><thead><tr><th>Severity</th><th>Expectation</th>'
                    f'<th>Filing, row</th><th>Detail</th></tr></thead><tbody>{rows}</tbody></table>')
    return (f'<section><h2>Data quality</h2>'
            f'<div class="card"><h3>Suites</h3>{suite_table}</div>'
            f'<div class="card"><h3>Top flagged expectations <span class="sub">row-level findings (dq_flags)</span>'
            f'</h3>{chart}</div>{examples}</section>')


def _quarantine_section(con: duckdb.DuckDBPyConnection, run_id: str) -> str:
    rows = _rows(con, f"SELECT source_file, stage, error, detail FROM quarantine WHERE run_id = ? "
                      f"ORDER BY source_file LIMIT {MAX_LISTED + 1}", [run_id])
    if not rows:
        return f'<section><h2>Quarantined files</h2>{_empty("No file quarantined in this run.")}</section>'
    more = len(rows) > MAX_LISTED
    body = "".join(f'<tr><td class="path">{escape_html(r["source_file"])}</td><td>{escape_html(r["stage"])}</td>'
                   f'<td><code>{escape_html(r["error"])}</code></td><td class="detail">{escape_html(r["detail"])}</td></tr>'
                   for r in rows[:MAX_LISTED])
    note = f'<p class="note">First {MAX_LISTED} listed; <code>filingflow status</code> lists all.</p>' if more else ""
    return (f'<section><h2>Quarantined files</h2><table class="quarantine"><thead><tr><th>File</th><th>Stage</th>'
            f'<th>Error</th><th>Detail</th></tr></thead><tbody>{body}</tbody></table>{note}</section>')


def _footer(run: dict, db_path: str | None, out_dir: Path) -> str:
    run_id = run["run_id"]
    wh = f" --warehouse {db_path}" if db_path else ""
    docs = ""
    if run["dq_docs"] and Path(run["dq_docs"]).is_file():
        href = Path(os.path.relpath(Path(run["dq_docs"]).resolve(), out_dir.resolve())).as_posix()
        docs = f'<li>Great Expectations Data Docs: <a href="{escape_html(href)}">{escape_html(run["dq_docs"])}</a></li>'
    queries = "\n".join([
        f'filingflow sql "SELECT form_type, count(*) FROM filings WHERE run_id = \'{run_id}\' GROUP BY ALL"{wh}',
        f"filingflow dq --run {run_id}{wh}",
        f"filingflow report --run {run_id}{wh}",
    ])
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f'<footer><h2>Where the data is</h2><ul class="where">'
            f'<li>Warehouse: <code>{escape_html(db_path or "in-memory")}</code> (DuckDB; open read-only)</li>{docs}</ul>'
            f'<h3>Query this run</h3><pre>{escape_html(queries)}</pre>'
            f'<p class="muted">Written by filingflow {escape_html(__version__)} on {escape_html(generated)}.</p></footer>')


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""

_CSS = """
:root { --ink: #1f2733; --muted: #6b7585; --line: #e3e7ee; --bg: #f5f7fa; --card: #fff; --accent: #3868b0;
        --ok: #2a9d8f; --bad: #d1495b; --warn: #e9a23b; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
       font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       font-variant-numeric: tabular-nums; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 24px; margin: 4px 0 12px; font-weight: 650; letter-spacing: -0.01em; }
h2 { font-size: 17px; margin: 28px 0 12px; font-weight: 650; }
h3 { font-size: 14px; margin: 0 0 10px; font-weight: 600; }
h3.next { margin-top: 22px; }
.sub, .muted { color: var(--muted); font-weight: 400; }
.sub { font-size: 12.5px; margin-left: 6px; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: #1f2733; color: #e8edf5; padding: 12px 14px; border-radius: 8px; white-space: pre-wrap;
      overflow-wrap: anywhere; }
a { color: var(--accent); }
.top { background: linear-gradient(135deg, #24385e, #3868b0); color: #fff; border-radius: 12px; padding: 18px 22px;
       box-shadow: 0 2px 8px rgba(31,39,51,.15); }
.top .muted { color: #c4d3ee; }
.brand { font-size: 12px; letter-spacing: .08em; text-transform: uppercase; color: #c4d3ee; }
.facts { display: flex; flex-wrap: wrap; gap: 6px 40px; margin: 0; }
.facts dt { font-size: 11.5px; color: #c4d3ee; text-transform: uppercase; letter-spacing: .05em; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.badge { display: inline-block; white-space: nowrap; overflow-wrap: normal; font-size: 12px; font-weight: 600;
         padding: 2px 9px; border-radius: 999px;
         vertical-align: middle; margin-left: 6px; background: #e3e7ee; color: var(--ink); }
.badge-ok { background: #d5f0ec; color: #17665d; } .badge-bad, .badge-error { background: #f8d9de; color: #8c2031; }
.badge-warn { background: #fbeccd; color: #7a5310; } .badge-info { background: #dde9f8; color: #2a5287; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(130px, 1fr)); gap: 10px; margin-bottom: 18px; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 10px 14px; }
.kpi-value { font-size: 24px; font-weight: 650; }
.kpi-label { color: var(--muted); font-size: 12.5px; }
.kpi.accent .kpi-value { color: var(--accent); } .kpi.bad .kpi-value { color: var(--bad); }
.kpi.skipped .kpi-value { color: var(--muted); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px;
        margin-bottom: 14px; overflow: hidden; }
table { width: 100%; border-collapse: collapse; background: var(--card); font-size: 13px; }
section > table { border: 1px solid var(--line); border-radius: 10px; }
th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; border-bottom: 1px solid var(--line);
     padding: 6px 8px; }
td { padding: 5px 8px; border-bottom: 1px solid #eef1f5; vertical-align: top; }
tr:last-child td { border-bottom: 0; }
.num { text-align: right; white-space: nowrap; }
td.ok { color: var(--ok); } td.bad { color: var(--bad); font-weight: 600; }
td.detail, td.path { overflow-wrap: anywhere; }
td.path { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
.chip { display: inline-block; background: #eef6f4; color: #17665d; border-radius: 6px; padding: 1px 8px;
        margin: 2px 2px; font-size: 12px; font-family: ui-monospace, Menlo, Consolas, monospace; }
.chip b { font-weight: 600; margin-left: 2px; }
p.passed { margin: 12px 0 0; line-height: 1.9; }
ul.failed { list-style: none; padding: 0; margin: 0; } ul.failed li { margin: 1px 0; }
.findings { table-layout: fixed; border: 1px solid var(--line); } .findings td { overflow-wrap: anywhere; }
.two { display: grid; grid-template-columns: repeat(auto-fit, minmax(400px, 1fr)); gap: 0 14px; }
.meter { width: 45%; } .meter span { display: block; height: 10px; border-radius: 5px; background: var(--accent);
                                     opacity: .75; margin-top: 5px; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 0; margin: 0 0 8px;
          font-size: 12.5px; }
.legend i { display: inline-block; width: 11px; height: 11px; border-radius: 3px; margin-right: 6px;
            vertical-align: -1px; }
.empty { color: var(--muted); font-style: italic; background: #fafbfc; border: 1px dashed var(--line);
         border-radius: 8px; padding: 18px; text-align: center; margin: 0; }
.note { color: var(--muted); font-size: 12.5px; margin: 6px 0 0; }
svg.chart { display: block; width: 100%; height: auto; overflow: visible; }
svg.chart text { font-size: 12px; fill: #4a5566; }
svg.chart text.value { fill: var(--ink); font-weight: 600; }
svg.chart .gridline { stroke: #edf0f4; } svg.chart .axis { stroke: #9aa3b2; }
svg.chart rect.bar { transition: opacity .1s; } svg.chart rect.bar:hover { opacity: .75; }
svg.chart rect.hit { fill: transparent; } svg.chart rect.hit:hover { fill: rgba(56,104,176,.06); }
footer { margin-top: 32px; border-top: 1px solid var(--line); padding-top: 4px; }
.where { padding-left: 18px; }
@media (max-width: 640px) { main { padding: 12px 10px 32px; } h1 { font-size: 19px; } }
"""
