"""Prefect settings every filingflow command starts with, and the Prefect API a run talks to."""
from __future__ import annotations

import atexit
import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from flows.prefect_server import free_port, healthy, stop_process

SERVER_START_TIMEOUT_SECONDS = 120  # a fresh Prefect home migrates its database first


def apply_defaults() -> None:
    # No network here and no telemetry wanted; a fresh Prefect home needs time to migrate.
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(SERVER_START_TIMEOUT_SECONDS))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@dataclass(frozen=True)
class PrefectApi:
    url: str
    given: bool  # PREFECT_API_URL (or the Prefect profile) names it
    started_seconds: float | None = None  # wall seconds Prefect's own server took to start here

    def describe(self) -> str:
        if self.given:
            return f"{self.url} (PREFECT_API_URL)"
        if self.started_seconds is None:
            return f"Prefect's temporary API server at {self.url}, already started by this process"
        return (f"Prefect's temporary API server, started in {self.started_seconds:.1f} s "
                "(Prefect's own start-up, not the run's; set PREFECT_API_URL to a running server to skip it)")


@contextmanager
def api_for_run() -> Iterator[PrefectApi]:
    """PREFECT_API_URL when set; else Prefect's temporary server, started here once and timed, its
    address handed to everything the command runs (flow, task runners, workers' processes) so none
    starts another. The server runs in a child process, stopped at exit after Prefect's log and event
    workers have sent what they hold to it."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    given = PREFECT_API_URL.value()
    if given:
        yield PrefectApi(given, given=True)
        return
    global _server
    already = _server is not None
    began = time.perf_counter()
    if _server is None:
        _server = TemporaryServer(int(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
                                                      SERVER_START_TIMEOUT_SECONDS)))
    api = PrefectApi(_server.api_url, given=False,
                     started_seconds=None if already else time.perf_counter() - began)
    os.environ["PREFECT_API_URL"] = _server.api_url
    try:
        with temporary_settings({PREFECT_API_URL: _server.api_url}):
            yield api
    finally:
        os.environ.pop("PREFECT_API_URL", None)


_server: TemporaryServer | None = None  # this process's temporary server, once started

# Written in PREFECT_HOME after a start that migrated its database: which Prefect version brought which
# database to which revision. While all three still hold, the next start skips Prefect's migration check.
MIGRATED_MARK = "filingflow-migrated.json"


class ServerStartError(RuntimeError):
    """Prefect's temporary server did not come up."""


class TemporaryServer:
    """Prefect's temporary API server, started as Prefect starts it (uvicorn serving
    prefect.server.api.server:create_app as an ephemeral server, without the UI) but cheaper: Prefect's
    server package (its web app and database layer, seconds of imports) is imported only in the child,
    and on a home this Prefect version has migrated already the child skips the migration check
    (PREFECT_SERVER_DATABASE_MIGRATE_ON_START=false), seconds too."""

    def __init__(self, timeout: float):
        import prefect
        from prefect.settings import get_current_settings

        settings = get_current_settings()
        self.database = _sqlite_file(settings.server.database.connection_url.get_secret_value())
        self.mark = Path(settings.home) / MIGRATED_MARK
        self.migrate = not self._migrated()
        env = {**os.environ, **settings.to_environment_variables(exclude_unset=True),
               "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        if not self.migrate:
            env.setdefault("PREFECT_SERVER_DATABASE_MIGRATE_ON_START", "false")
        self.process: subprocess.Popen | None = None
        deadline = time.monotonic() + timeout
        while True:  # a port taken between choosing and binding it: the server exits 3, choose again
            self.port = free_port()
            self.api_url = f"http://127.0.0.1:{self.port}/api"
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent), "--factory",
                 "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
                 "--log-level", "error", "--lifespan", "on"], env=env, stdin=subprocess.DEVNULL)
            atexit.register(self.stop)  # registered before Prefect's workers start: they flush first
            code = self._wait(deadline)
            if code != 3:
                break
        if code is not None:
            raise ServerStartError(f"Prefect's temporary API server did not start (it exited with status {code})")
        if self.migrate:
            self._remember_migration()

    def _wait(self, deadline: float) -> int | None:
        """None once the server answers; its exit status if it ended first."""
        while not healthy(self.api_url):
            code = self.process.poll()
            if code is not None:
                return code
            if time.monotonic() > deadline:
                self.stop()
                raise ServerStartError("Prefect's temporary API server did not answer in time "
                                       "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")
            time.sleep(0.1)
        return None

    def _migrated(self) -> bool:
        if self.database is None or not self.database.is_file():
            return False
        try:
            mark = json.loads(self.mark.read_text())
        except (OSError, ValueError):
            return False
        return isinstance(mark, dict) and mark.get("revision") is not None and mark == self._state()

    def _state(self) -> dict[str, str | None]:
        import prefect

        return {"prefect": prefect.__version__, "database": str(self.database), "revision": _revision(self.database)}

    def _remember_migration(self) -> None:
        if self.database is None or not self.database.is_file():
            return
        state = self._state()
        if state["revision"] is None:  # not migrated after all
            return
        try:
            self.mark.write_text(json.dumps(state))
        except OSError:  # a read-only home: the next start checks the migrations again, as Prefect does
            pass

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        stop_process(process, timeout=5)


def _sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite connection URL (Prefect's default); None for any other database."""
    for prefix in ("sqlite+aiosqlite:///", "sqlite:///"):
        if url.startswith(prefix) and ":memory:" not in url:
            return Path(url.removeprefix(prefix).split("?", 1)[0])
    return None


def _revision(database: Path) -> str | None:
    """The migration revision the database is at (alembic's table); None when it has none."""
    try:
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)) as con:
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None
