"""The SQL prompt of `filingflow sql`: statements end at `;` (over several lines), dot-commands,
history kept between sessions. The same session reads scripts from a pipe.

Each statement opens the warehouse read-only only while it runs (filingflow/sql_guard.py), so an
open prompt never blocks the nightly writer and every statement sees the latest committed run; a
statement that would write or change anything is refused with its reason."""
from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

from filingflow.sql_guard import ReadOnlyRefused, query
from flows import saved_queries
from flows.output import print_result

PROMPT, CONTINUE = "filingflow> ", "       ...> "
FORMATS = ("table", "csv", "json")
HELP = """\
SQL statements end with ';' and may span lines. Each one runs on the warehouse, read-only.
  .tables               tables and views
  .schema TABLE         columns of a table or view, with their meaning
  .format [table|csv|json]  show or set the output format
  .queries              saved queries (queries/*.sql and your queries_dir)
  .run NAME [key=value ...]  run a saved query with parameters
  .help                 this text
  .quit                 leave (also .exit or Ctrl-D); Ctrl-C drops the statement being typed"""


def _has_code(text: str) -> bool:
    return bool(re.sub(r"--[^\n]*|/\*.*?(\*/|$)", "", text, flags=re.S).strip())


def split_statements(text: str) -> tuple[list[str], str]:
    """The complete statements of `text` (each ended by a `;` outside quotes and comments),
    and the unfinished rest."""
    statements, start, i, n = [], 0, 0, len(text)
    while i < n:
        char = text[i]
        if char in "'\"":
            j = i + 1
            while j < n and (text[j] != char or text[j + 1:j + 2] == char):
                j += 2 if text[j] == char else 1  # a doubled quote is a quote inside the literal
            i = j + 1
            continue
        if text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if char == ";":
            statement = text[start:i].strip()
            if _has_code(statement):
                statements.append(statement)
            start = i + 1
        i += 1
    return statements, text[start:]


class Session:
    """Reads input line by line and runs what is complete. `stop_on_error`: a script stops at its
    first failing statement (the exit status says so); the interactive prompt goes on."""

    def __init__(self, warehouse: Path, fmt: str, queries_dir: Path | None, *, stop_on_error: bool = False,
                 out=None, err=None):
        self.warehouse, self.format, self.queries_dir = warehouse, fmt, queries_dir
        self.stop_on_error = stop_on_error
        self.out, self.err = out or sys.stdout, err or sys.stderr
        self.buffer, self.lines = "", []
        self.running, self.failed = True, False

    @property
    def prompt(self) -> str:
        return CONTINUE if self.buffer else PROMPT

    def feed(self, line: str) -> str | None:
        """Take one line; returns the input to remember in history once it is complete."""
        if not self.buffer and line.strip().startswith("."):
            self.dot(line.strip())
            return line.strip()
        self.buffer += line + "\n"
        self.lines.append(line.strip())
        statements, rest = split_statements(self.buffer)
        for statement in statements:
            if not self.running:
                break
            self.execute(statement)
        self.buffer = rest if _has_code(rest) else ""
        if self.buffer:
            return None
        entry, self.lines = " ".join(part for part in self.lines if part), []
        return entry or None

    def finish(self) -> None:
        """End of input: a script's last statement may lack its `;`."""
        if self.running and _has_code(self.buffer):
            self.execute(self.buffer.strip())
        self.cancel()

    def cancel(self) -> None:
        self.buffer, self.lines = "", []

    def fail(self, message: str) -> None:
        print(f"Error: {message}", file=self.err)
        self.failed = True
        if self.stop_on_error:
            self.running = False

    def execute(self, sql: str, params: dict[str, str] | None = None) -> None:
        import duckdb

        try:
            columns, rows = query(self.warehouse, sql, params)
        except (duckdb.Error, FileNotFoundError, ReadOnlyRefused) as exc:
            self.fail(str(exc))
            return
        if columns:
            print_result(columns, rows, self.format, self.out)

    # --- dot-commands -------------------------------------------------------------------------------------------

    def dot(self, line: str) -> None:
        try:
            command, *words = shlex.split(line)
        except ValueError as exc:
            self.fail(f"{line}: {exc}")
            return
        handler = {".help": self.help, ".quit": self.quit, ".exit": self.quit, ".tables": self.tables,
                   ".schema": self.schema, ".format": self.set_format, ".queries": self.list_queries,
                   ".run": self.run_saved}.get(command.lower())
        if handler is None:
            self.fail(f"unknown command {command}; .help lists the commands")
            return
        handler(words)

    def help(self, words: list[str]) -> None:
        print(HELP, file=self.out)

    def quit(self, words: list[str]) -> None:
        self.running = False

    def tables(self, words: list[str]) -> None:
        from filingflow.views import STORED_VIEWS

        # The analyst views are stored as tables (each load refreshes them): views to whoever queries them.
        stored = ", ".join(f"'{name}'" for name in STORED_VIEWS)
        self.execute(f"SELECT table_name AS name, CASE WHEN table_name IN ({stored}) THEN 'view' "
                     "ELSE lower(replace(table_type, 'BASE ', '')) END AS kind "
                     "FROM information_schema.tables WHERE table_schema = 'main' ORDER BY kind, name")

    def schema(self, words: list[str]) -> None:
        import duckdb

        from filingflow.schema import DESCRIBED

        if len(words) != 1:
            self.fail("usage: .schema TABLE (.tables lists them)")
            return
        name = words[0]
        try:
            _, columns = query(self.warehouse, """
                SELECT column_name, data_type, is_nullable FROM information_schema.columns
                WHERE table_schema = 'main' AND table_name = $name ORDER BY ordinal_position""", {"name": name})
        except (duckdb.Error, FileNotFoundError) as exc:
            self.fail(str(exc))
            return
        if not columns:
            self.fail(f"no table or view named {name} (.tables lists them)")
            return
        described = DESCRIBED[name].column_index if name in DESCRIBED else {}
        rows = [(column, type_, "yes" if nullable == "NO" else "",
                 described[column].description if column in described else "")
                for column, type_, nullable in columns]
        print_result(["column", "type", "required", "meaning"], rows, self.format, self.out)

    def set_format(self, words: list[str]) -> None:
        if not words:
            print(f"format: {self.format}", file=self.out)
        elif words[0] in FORMATS and len(words) == 1:
            self.format = words[0]
        else:
            self.fail(f"usage: .format {'|'.join(FORMATS)}")

    def list_queries(self, words: list[str]) -> None:
        rows = [(q.name, q.usage(), q.description) for q in saved_queries.available(self.queries_dir).values()]
        print_result(["name", "parameters", "description"], rows, self.format, self.out)

    def run_saved(self, words: list[str]) -> None:
        if not words:
            self.fail("usage: .run NAME [key=value ...] (.queries lists them)")
            return
        try:
            saved = saved_queries.find(words[0], self.queries_dir)
            values = saved.bind(saved_queries.parse_assignments(words[1:]))
        except saved_queries.QueryError as exc:
            self.fail(str(exc))
            return
        self.execute(saved.sql, values)


def run_script(session: Session, stream) -> None:
    for line in stream:
        session.feed(line.rstrip("\r\n"))
        if not session.running:
            return
    session.finish()


def run_interactive(session: Session, history_file: Path) -> None:
    import readline

    history: Path | None = history_file.expanduser()
    try:
        history.parent.mkdir(parents=True, exist_ok=True)
        history.touch()
        readline.read_history_file(history)
    except OSError as exc:  # a read-only home must not cost the prompt, only its memory
        print(f"(no history: {history}: {exc.strerror or exc})", file=session.err)
        history = None
    readline.set_auto_history(False)  # a statement of several lines is remembered as one entry
    readline.set_history_length(1000)
    print(f"filingflow SQL on {session.warehouse} (read-only; each statement sees the latest committed run).\n"
          "End statements with ';'. .help lists the commands, .quit leaves.", file=session.out)
    try:
        while session.running:
            try:
                entry = session.feed(input(session.prompt))
            except EOFError:
                print(file=session.out)
                break
            except KeyboardInterrupt:  # while typing: drop the statement; while it runs: stop it
                print("^C", file=session.out)
                session.cancel()
                continue
            if entry:
                readline.add_history(entry)
                if history:
                    readline.append_history_file(1, history)  # kept even if the prompt is killed
    finally:
        if history:
            readline.write_history_file(history)  # trimmed to the last 1000 entries
