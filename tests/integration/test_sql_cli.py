"""`filingflow sql`: the README's saved queries on a real warehouse, the interactive prompt (in a
pseudo-terminal), scripts on stdin; and what `filingflow run` prints when it is not on a terminal.

One module fixture runs the CLI twice: the seeds plus a hand-made 8-K Item 2.02 of the same
company (a week after the Form 4's sales), with plain log lines; then, with --quiet, one more
file (empty: quarantined, so the second run is short)."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import pty
import re
import select
import shlex
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import ROOT, SEED_8K, SEED_FORM4, input_folder
from flows import cli, saved_queries
from flows.sql_prompt import split_statements
from tests.support.handmade import eight_k_text
from tests.support.pipeline_runs import rows, run_cli

AIV = "APARTMENT INVESTMENT AND MANAGEMENT COMPANY"
D10, D11 = "2007-05-10", "2007-05-11"
SALES = [(D10, "5500", "54"), (D10, "800", "54.01"), (D10, "100", "54.02"), (D10, "300", "54.03"),
         (D10, "557", "54.04"), (D11, "6400", "54.95"), (D11, "100", "54.96"), (D11, "900", "54.97"),
         (D11, "147", "54.99")]


@pytest.fixture(scope="module")
def runs(prefect_api, tmp_path_factory):
    root = tmp_path_factory.mktemp("sql_cli")
    inputs = input_folder(root, SEED_FORM4, SEED_8K)
    (inputs / "earnings.txt").write_text(eight_k_text(AIV, dt.date(2007, 5, 18), [
        ("2.02", "Results of Operations and Financial Condition", "The company announced its first quarter results."),
        ("9.01", "Financial Statements and Exhibits", "(d) Exhibit 99.1 Press release dated May 18, 2007.")]))
    common = ["--input", str(inputs), "--warehouse", str(root / "wh.duckdb"), "--lake", str(root / "lake"),
              "--dq-dir", str(root / "dq")]
    logged = run_cli("run", *common, cwd=root)
    assert logged.returncode == 0, logged.stderr
    (inputs / "empty.txt").write_bytes(b"")
    quiet = run_cli("run", "--quiet", *common, cwd=root)
    return SimpleNamespace(root=root, warehouse=root / "wh.duckdb", quiet=quiet, logged=logged)


@pytest.fixture
def sql(runs, monkeypatch, tmp_path, capsys):
    """`filingflow sql ...` in this process, on the fixture's warehouse: (status, stdout, stderr)."""
    for name in list(os.environ):
        if name.startswith("FILINGFLOW_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)

    def call(*argv: str, stdin: str | None = None):
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = cli.main(["sql", *argv, "--warehouse", str(runs.warehouse)])
        out, err = capsys.readouterr()
        return code, out, err
    return call


# --- filingflow run: output when not on a terminal --------------------------------------------------------------

def test_quiet_run_prints_nothing(runs):
    assert runs.quiet.returncode == 0
    assert (runs.quiet.stdout, runs.quiet.stderr) == ("", "")
    assert rows(runs.warehouse, "SELECT files_seen, files_new, files_quarantined FROM runs ORDER BY started_at") == [
        (3, 3, 0), (4, 1, 1)]


def test_run_without_a_terminal_logs_key_value_lines(runs):
    assert "files: 3 seen, 3 new or changed, 0 unchanged (skipped), 3 loaded, 0 duplicate, 0 quarantined" in runs.logged.stdout
    events = [dict(pair.split("=", 1) for pair in shlex.split(line.split(" - ", 1)[1]))
              for line in runs.logged.stderr.splitlines() if " - event=" in line]
    assert events[0] == {"event": "parse_start", "files_to_read": "3", "files_skipped_unchanged": "0"}
    progress = events[1]
    assert (progress["event"], progress["files_done"], progress["files_total"], progress["filings"]) == (
        "parse_progress", "3", "3", "3")
    assert set(progress) == {"event", "files_done", "files_total", "filings", "files_per_s", "filings_per_s",
                             "elapsed_s", "eta_s"}
    assert float(progress["files_per_s"]) > 0 and float(progress["eta_s"]) == 0
    assert len(events) == 2  # one chunk: one progress line, no per-file lines without --verbose
    assert "INFO" in runs.logged.stderr.splitlines()[0]  # through Prefect's run logger


# --- saved queries: the README's examples -----------------------------------------------------------------------

def readme_examples() -> tuple[list[list[str]], list[str]]:
    """The `filingflow sql --query` commands and the SQL blocks of the README's example section."""
    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Example queries", 1)[1].split("\n## ", 1)[0]
    commands = [shlex.split(line)[2:] for block in re.findall(r"```sh\n(.*?)```", section, re.S)
                for line in block.splitlines() if re.match(r"\S*filingflow sql --query ", line)]
    return commands, re.findall(r"```sql\n(.*?)```", section, re.S)


def test_readme_shows_every_saved_query_as_it_is():
    commands, blocks = readme_examples()
    files = {p.stem: p.read_text() for p in saved_queries.BUNDLED.glob("*.sql")}
    assert sorted(blocks) == sorted(files.values()), "README SQL and queries/*.sql differ"
    assert sorted(argv[1] for argv in commands) == sorted(files)


def test_saved_queries_declare_their_parameters():
    for query in saved_queries.available().values():
        code = re.sub(r"--[^\n]*", "", query.sql)
        assert set(re.findall(r"\$([A-Za-z_]\w*)", code)) == {p.name for p in query.params}, query.name
        assert query.description and query.description.endswith(".")


def expected_sales_before_earnings(event: str, sales) -> list[dict]:
    return [{"company_name": AIV, "ticker": "AIV", "event_date": event, "owner_name": "HERZOG THOMAS M",
             "transaction_date": day, "shares": shares, "price_per_share": price} for day, shares, price in sales]


def by_value(sale):
    return Decimal(sale[1]) * Decimal(sale[2])


EXPECTED = {
    "insider_sales": [
        {"transaction_date": day, "owner_name": "HERZOG THOMAS M", "shares": shares, "price_per_share": price,
         "value": format((Decimal(shares) * Decimal(price)).normalize(), "f"), "shares_owned_after": after}
        for (day, shares, price), after in zip(sorted(SALES, key=by_value, reverse=True)[:5],
                                               ["58751", "59361", "57751", "58561", "57604"], strict=True)],
    "net_shares_by_owner": [{"company_name": AIV, "owner_name": "HERZOG THOMAS M", "net_shares": "-7257",
                             "trades": 10}],
    "eight_k_items": [
        {"name": AIV, "period_of_report": "2002-07-29", "item_code": "5", "item_code_current": "8.01",
         "title": "Other Events"},
        {"name": AIV, "period_of_report": "2002-07-29", "item_code": "7", "item_code_current": "9.01",
         "title": "Financial Statements, Pro Forma Financial Information and Exhibits"},
        {"name": AIV, "period_of_report": "2007-05-18", "item_code": "2.02", "item_code_current": "2.02",
         "title": "Results of Operations and Financial Condition"},
        {"name": AIV, "period_of_report": "2007-05-18", "item_code": "9.01", "item_code_current": "9.01",
         "title": "Financial Statements and Exhibits"}],
    "sales_before_earnings": expected_sales_before_earnings("2007-05-18", SALES),
    "search_text": [{"kind": "footnote", "section": "F1"}],
    # The seed 8-K's Item 5 (8.01) of 2002-07-29 and every seed trade, 1,746-1,747 days later.
    "trades_around_events": [
        {"ticker": "AIV", "event_date": "2002-07-29", "item": "8.01", "title": "Other Events",
         "owner_name": "HERZOG THOMAS M", "transaction_date": day, "days_from_event": 1746 if day == D10 else 1747,
         "transaction_code": code, "shares": shares, "price_per_share": price}
        for day, code, shares, price in [(d, "S", s, p) for d, s, p in SALES[:5]] + [(D11, "M", "7547", "33.95")]
        + [(d, "S", s, p) for d, s, p in SALES[5:]]],
}


@pytest.mark.parametrize("argv", readme_examples()[0], ids=lambda argv: argv[1])
def test_readme_query_gives_the_right_rows(sql, argv):
    code, out, err = sql(*argv, "--format", "json")
    assert code == 0, err
    got = json.loads(out)
    name = argv[1]
    if name == "sales_before_earnings":
        assert sum(Decimal(r.pop("value")) for r in got) == Decimal("806651.81")  # 5500 x 54.00 + ... + 147 x 54.99
        assert {r.pop("eight_k") for r in got} == {r["filing_id"] for r in _filings_of(sql, "8-K", "2007-05-18")}
    if name == "search_text":
        assert all(r.pop("score") > 0 for r in got)
        assert [r.pop("doc_key").rsplit(":", 2)[1:] for r in got] == [["footnote", "F1"]]
    assert got == EXPECTED[name]


def _filings_of(sql, form: str, period: str) -> list[dict]:
    _, out, _ = sql(f"SELECT filing_id FROM filings WHERE form_type = '{form}' AND period_of_report = '{period}'",
                       "--format", "json")
    return json.loads(out)


def test_parameters_change_the_result(sql):
    _, out, _ = sql("--query", "sales_before_earnings", "--param", "days=7", "--format", "json")
    week = json.loads(out)
    # 2007-05-18 minus 7 days: the sales of the 11th count, those of the 10th do not.
    assert [(r["transaction_date"], r["shares"]) for r in week] == [(d, s) for d, s, _ in SALES if d == D11]
    _, out, _ = sql("--query", "insider_sales", "--param", "limit=1", "--format", "csv")
    assert out.splitlines() == ["transaction_date,owner_name,shares,price_per_share,value,shares_owned_after",
                                "2007-05-11,HERZOG THOMAS M,6400,54.95,351680,58751"]
    _, out, _ = sql("SELECT count(*) AS n FROM insider_trades WHERE transaction_date = $day", "--param",
                       f"day={D10}", "--format", "csv")
    assert out.splitlines() == ["n", "5"]


def test_list_and_wrong_queries(sql):
    code, out, _ = sql("--list", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "name,parameters,description"
    assert "sales_before_earnings,days=30,\"Insider sales in the days before an 8-K Item 2.02 (earnings), through " \
           "the company_events view.\"" in out.splitlines()
    assert "search_text,words=?,\"Full-text search (BM25) over 8-K item text, exhibit text and ownership footnotes, " \
           "best match first.\"" in out.splitlines()
    code, out, err = sql("--query", "nope")
    assert code == 2 and "no saved query named 'nope'" in err and "eight_k_items, insider_sales" in err
    code, out, err = sql("--query", "search_text")
    assert code == 2 and err == ("filingflow sql: query search_text needs --param words=VALUE "
                                 "(words: the words to look for)\n")
    code, out, err = sql("--query", "insider_sales", "--param", "limt=3")
    assert code == 2 and "query insider_sales has no parameter limt (its parameters: limit)" in err
    code, out, err = sql("--query", "insider_sales", "--param", "limit")
    assert code == 2 and "parameter 'limit' is not NAME=VALUE" in err
    code, out, err = sql("SELECT 1", "--query", "insider_sales")
    assert code == 2 and "not both" in err


def test_your_queries_dir_comes_first(sql, tmp_path, monkeypatch):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "insider_sales.sql").write_text("-- My own version.\nSELECT 42 AS answer;\n")
    (mine / "owners.sql").write_text("-- Owners by name.\n-- param like=%: a LIKE pattern\n"
                                     "SELECT DISTINCT owner_name FROM insider_trades WHERE owner_name LIKE $like;\n")
    monkeypatch.setenv("FILINGFLOW_QUERIES_DIR", str(mine))
    assert sql("--query", "insider_sales", "--format", "csv")[1].splitlines() == ["answer", "42"]
    assert sql("--query", "owners", "--param", "like=HER%", "--format", "csv")[1].splitlines() == [
        "owner_name", "HERZOG THOMAS M"]
    listed = sql("--list", "--format", "csv")[1].splitlines()
    assert "insider_sales,,My own version." in listed and "owners,like=%,Owners by name." in listed


# --- scripts on stdin and the interactive prompt -----------------------------------------------------------------

def test_split_statements_ends_at_semicolons_outside_quotes_and_comments():
    assert split_statements("select 1; select 'a;b'; -- c;\nselect \"x;\" /* ; */ from t;\nselect") == (
        ["select 1", "select 'a;b'", "-- c;\nselect \"x;\" /* ; */ from t"], "\nselect")
    assert split_statements("select 'it''s;' as s;") == (["select 'it''s;' as s"], "")
    assert split_statements("select 'open;") == ([], "select 'open;")
    assert split_statements("-- only a comment;\n;") == ([], "")


def test_script_on_stdin(sql):
    code, out, err = sql(stdin="select count(*) AS n\n  from insider_trades;\n.format csv\n"
                                ".run sales_before_earnings days=7\nselect 'last' AS s -- no semicolon\n")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:4] == ["n", "--", "10", "(1 row)"]
    assert lines[4] == "company_name,ticker,event_date,eight_k,owner_name,transaction_date,shares,price_per_share,value"
    assert [line.split(",")[5:7] for line in lines[5:9]] == [[d, s] for d, s, _ in SALES if d == D11]
    assert lines[9:] == ["s", "last"]


def test_script_stops_at_the_first_error(sql):
    code, out, err = sql(stdin="select 1 AS one;\nselect nope from nowhere;\nselect 3 AS three;\n")
    assert code == 2
    assert out.splitlines() == ["one", "---", "1", "(1 row)"]
    assert err.startswith("Error: Catalog Error: Table with name nowhere does not exist")
    code, out, err = sql(stdin=".tabels\n")
    assert code == 2 and err == "Error: unknown command .tabels; .help lists the commands\n"


def interact(argv: list[str], keys: str, env: dict[str, str], cwd: Path, timeout: float = 120) -> str:
    """Run the CLI in a pseudo-terminal, type `keys`, return everything it showed (until it exits)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: stdin, stdout and stderr are the terminal
        os.chdir(cwd)
        os.execve(sys.executable, [sys.executable, "-m", "flows.cli", *argv], env)
    os.write(fd, keys.encode())
    shown, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:  # the child exited: the terminal is closed
                    break
                if not chunk:
                    break
                shown += chunk
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, shown.decode(errors="replace")
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\r", "", shown.decode())


def test_interactive_prompt_multiline_dot_commands_and_history(runs, tmp_path):
    history = tmp_path / "state" / "history"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FILINGFLOW_")}
    env.update(FILINGFLOW_HISTORY_FILE=str(history), TERM="dumb")
    keys = ("select count(*) AS n,\n"
            "  sum(shares) AS total\n"
            "from insider_trades;\n"
            ".tables\n"
            ".format csv\n"
            "select 'a;b' AS s;\n"
            ".schema footnotes\n"
            ".quit\n")
    shown = interact(["sql", "--warehouse", str(runs.warehouse)], keys, env, tmp_path)
    assert f"filingflow SQL on {runs.warehouse} (read-only" in shown
    assert re.search(r"^n  \| total$\n^---\+------\n^10 \| 22351$", shown, re.M)
    assert re.search(r"^insider_trades +\| view$", shown, re.M) and re.search(r"^filings +\| table$", shown, re.M)
    assert re.search(r"^s\na;b$", shown, re.M)
    assert re.search(r"^footnote_id,VARCHAR,yes,", shown, re.M)
    assert "       ...> " in shown  # the continuation prompt of the multi-line statement
    assert history.read_text().splitlines() == [
        "select count(*) AS n, sum(shares) AS total from insider_trades;", ".tables", ".format csv",
        "select 'a;b' AS s;", ".schema footnotes", ".quit"]

    # The next session starts with that history: three steps back (Ctrl-P) is the 'a;b' statement.
    again = interact(["sql", "--warehouse", str(runs.warehouse)], "\x10\x10\x10\n.quit\n", env, tmp_path)
    assert re.search(r"^s\n---\na;b\n\(1 row\)$", again, re.M)


def test_output_piped_into_a_reader_that_stops_ends_quietly(runs):
    """`filingflow sql ... | head -1`: no traceback when the reader closes the pipe."""
    command = [sys.executable, "-m", "flows.cli", "sql", "--warehouse", str(runs.warehouse),
               "SELECT * FROM range(100000)"]
    piped = subprocess.run(" ".join(shlex.quote(part) for part in command) + " | head -1",
                           shell=True, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert piped.stdout == "range\n"
    assert piped.stderr == ""
