"""Prefect settings every filingflow command starts with, and the Prefect API a run talks to."""
from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

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
    starts another. The server is Prefect's per-process one, in a child process: Prefect stops it at
    exit, after its log and event workers have sent what they hold to it."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    given = PREFECT_API_URL.value()
    if given:
        yield PrefectApi(given, given=True)
        return
    # Prefect's server modules (its web app, database layer) cost seconds of imports: only when started.
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    began, already = time.perf_counter(), server.running
    server.start(timeout=int(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS",
                                            SERVER_START_TIMEOUT_SECONDS)))
    api = PrefectApi(server.api_url, given=False,
                     started_seconds=None if already else time.perf_counter() - began)
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            yield api
    finally:
        os.environ.pop("PREFECT_API_URL", None)
