"""Terminal output shows control characters of data and file names escaped: query results (sql,
status, dq), the run summary and the per-file log lines can neither be recoloured nor forged."""
from __future__ import annotations

import io
import json
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from filingflow.progress import logfmt
from filingflow.terminal_text import printable
from flows.commands.run import format_summary
from flows.output import print_result
from flows.pipeline import RunSummary

HOSTILE = "ACME\x1b[2J\x1b]0;pwned\x07 Corp\nquarantined /etc/passwd: forged\r\u2028\x9b31m"


def test_printable_escapes_every_control_character():
    assert printable(HOSTILE) == ("ACME\\x1b[2J\\x1b]0;pwned\\x07 Corp\\nquarantined /etc/passwd: forged\\r"
                                  "\\u2028\\x9b31m")
    assert printable("a\tb") == "a\\tb" and printable("a\tb", tabs=True) == "a\tb"
    assert printable("M\u00fcller & S\u00f6hne \u6771\u4eac") == "M\u00fcller & S\u00f6hne \u6771\u4eac"


@given(st.text())
def test_printable_output_is_one_line_without_controls(text):
    shown = printable(text)
    assert len(shown.splitlines()) <= 1
    assert not any(unicodedata.category(ch) == "Cc" for ch in shown)


def test_query_results_escape_controls_in_table_and_csv():
    for fmt in ("table", "csv"):
        out = io.StringIO()
        print_result(["issuer\x1b[31m", "n"], [(HOSTILE, 1), (None, 2)], fmt, out)
        text = out.getvalue()
        assert "\x1b" not in text and "\x07" not in text and "\u2028" not in text, fmt
        assert "ACME\\x1b[2J" in text and "issuer\\x1b[31m" in text, fmt
        assert len(text.splitlines()) == (5 if fmt == "table" else 3), text
    out = io.StringIO()
    print_result(["issuer"], [(HOSTILE,)], "json", out)
    assert json.loads(out.getvalue()) == [{"issuer": HOSTILE}] and "\x1b" not in out.getvalue()


def test_a_file_name_with_a_newline_cannot_forge_summary_lines():
    summary = RunSummary(
        run_id="r1", files_seen=1, files_new=1, files_unchanged=0, files_loaded=0, files_quarantined=1,
        filings_loaded=0, files_duplicate=0, rows_per_table={}, expectations_passed=0, expectations_failed=0, failed_expectations=[],
        suites=[], quarantined=[("/in/x.txt\n  filings loaded: 999\x1b[0m", "binary_content", "detail\nline")],
        dq_docs=None, warehouse="wh.duckdb", lake="lake")
    lines = format_summary(summary).splitlines()
    assert [ln for ln in lines if ln.startswith("  quarantined")] == [
        "  quarantined /in/x.txt\\n  filings loaded: 999\\x1b[0m: binary_content: detail\\nline"]
    assert sum("filings loaded" in ln for ln in lines) == 2 and len(lines) == 6


def test_log_lines_quote_values_with_control_characters():
    line = logfmt(event="file", path="/in/a\x1b[31mb.txt", detail="x\ny")
    assert line == 'event=file path="/in/a\\u001b[31mb.txt" detail="x\\ny"'
