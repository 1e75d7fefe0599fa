"""A long-running Prefect API for commands that need one (schedules do not work on
Prefect's ephemeral server): PREFECT_API_URL when set, else a Prefect server
already answering on 127.0.0.1:<port>, else `prefect server start` as a child
process that lives as long as the command."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_PORT = 4200
START_TIMEOUT_SECONDS = 180  # a fresh Prefect home migrates its database first (12-28 s on 2 cores)


class ServerStartError(RuntimeError):
    """The local Prefect server did not come up."""


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def ui_url(api_url: str) -> str:
    return api_url.removesuffix("/api")


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def stop_process(process: subprocess.Popen, timeout: float) -> None:
    """Ask a server process to end; kill it if it has not within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def prefect_api(port: int = DEFAULT_PORT, say=print) -> Iterator[str]:
    """The API URL to use; PREFECT_API_URL is set to it inside the block."""
    if os.environ.get("PREFECT_API_URL"):
        url = os.environ["PREFECT_API_URL"]
        say(f"Prefect server: {url} (from PREFECT_API_URL)")
        yield url
        return
    url = f"http://127.0.0.1:{port}/api"
    if healthy(url):
        say(f"Prefect server: {url} (already running; set PREFECT_API_URL to choose another)")
        with _api_url(url):
            yield url
        return
    if not _port_free(port):
        port = free_port()
        url = f"http://127.0.0.1:{port}/api"
    with _local_server(port, url, say), _api_url(url):
        yield url


@contextmanager
def _api_url(url: str) -> Iterator[None]:
    os.environ["PREFECT_API_URL"] = url
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


@contextmanager
def _local_server(port: int, url: str, say) -> Iterator[None]:
    log = tempfile.NamedTemporaryFile(prefix="filingflow-prefect-server-", suffix=".log", delete=False)
    say(f"PREFECT_API_URL is not set: starting a local Prefect server on 127.0.0.1:{port} (log: {log.name})...")
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not healthy(url):
            if server.poll() is not None or time.monotonic() > deadline:
                log.flush()
                with open(log.name, errors="replace") as handle:
                    tail = handle.read()[-2000:]
                raise ServerStartError(f"the local Prefect server did not start "
                                       f"({'exited' if server.poll() is not None else 'timed out'}); its log:\n{tail}")
            time.sleep(0.5)
        say(f"Started a local Prefect server: {url} (UI: {ui_url(url)}); it stops when this command exits. "
            f"For a server of your own, run `prefect server start` and set PREFECT_API_URL.")
        yield
    finally:
        stop_process(server, timeout=30)
        log.close()
