"""Prefect's temporary API server as a command starts it: in a child process, and with Prefect's
migration check skipped only on a home this Prefect version already migrated (its SQLite database at
the revision the last migrating start left). No server is started here: the child is a stand-in."""
from __future__ import annotations

import json
import sqlite3

import prefect
import pytest
from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL, PREFECT_HOME, temporary_settings

from flows import prefect_env


class _Child:
    """Stands in for the server's process: records how it was started; it answers at once."""

    started: list[dict] = []

    def __init__(self, args, env, stdin):  # noqa: ANN001
        self.args, self.env = args, env
        _Child.started.append({"args": args, "env": env})

    def poll(self):
        return None

    def terminate(self):
        pass

    def wait(self, timeout=None):
        return 0


@pytest.fixture
def home(tmp_path, monkeypatch):
    _Child.started = []
    monkeypatch.setattr(prefect_env.subprocess, "Popen", _Child)
    monkeypatch.setattr(prefect_env, "healthy", lambda url: True)
    monkeypatch.delenv("PREFECT_SERVER_DATABASE_MIGRATE_ON_START", raising=False)
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
    monkeypatch.delenv("PREFECT_SERVER_DATABASE_CONNECTION_URL", raising=False)
    with temporary_settings({PREFECT_HOME: tmp_path}):
        yield tmp_path


def _migrate(home, revision: str) -> None:
    """What Prefect's migrations leave: alembic's table at a revision."""
    with sqlite3.connect(home / "prefect.db") as con:
        con.execute("CREATE TABLE IF NOT EXISTS alembic_version (version_num TEXT)")
        con.execute("DELETE FROM alembic_version")
        con.execute("INSERT INTO alembic_version VALUES (?)", [revision])


def _start() -> dict[str, str]:
    """A start of the server: the environment its process got."""
    prefect_env.TemporaryServer(timeout=5).stop()
    return _Child.started[-1]["env"]


def test_a_fresh_home_is_migrated_then_remembered(home):
    env = _start()
    assert "PREFECT_SERVER_DATABASE_MIGRATE_ON_START" not in env  # Prefect's default: migrate
    assert not (home / prefect_env.MIGRATED_MARK).exists()  # no database came of it: nothing to remember
    _migrate(home, "rev1")
    _start()  # migrates (first start that finds a database), and remembers it
    assert json.loads((home / prefect_env.MIGRATED_MARK).read_text()) == {
        "prefect": prefect.__version__, "database": str(home / "prefect.db"), "revision": "rev1"}
    assert _start()["PREFECT_SERVER_DATABASE_MIGRATE_ON_START"] == "false"


def test_the_server_is_prefects_own_app_without_its_ui(home):
    env, args = _start(), _Child.started[-1]["args"]
    assert args[1:3] == ["-m", "uvicorn"] and "prefect.server.api.server:create_app" in args
    assert (env["PREFECT__SERVER_EPHEMERAL"], env["PREFECT_UI_ENABLED"]) == ("1", "0")


@pytest.mark.parametrize("change", ["revision", "version", "database gone", "mark broken"])
def test_a_home_that_changed_since_is_migrated_again(home, change):
    _migrate(home, "rev1")
    _start()
    assert _start()["PREFECT_SERVER_DATABASE_MIGRATE_ON_START"] == "false"
    mark = home / prefect_env.MIGRATED_MARK
    if change == "revision":  # an older database put back, say
        _migrate(home, "rev0")
    elif change == "version":  # Prefect upgraded: its migrations must run
        mark.write_text(json.dumps({**json.loads(mark.read_text()), "prefect": "0.0.1"}))
    elif change == "database gone":
        (home / "prefect.db").unlink()
    else:
        mark.write_text("{not json")
    assert "PREFECT_SERVER_DATABASE_MIGRATE_ON_START" not in _start()


def test_a_setting_of_the_users_own_is_kept(home, monkeypatch):
    _migrate(home, "rev1")
    _start()
    monkeypatch.setenv("PREFECT_SERVER_DATABASE_MIGRATE_ON_START", "true")
    assert _start()["PREFECT_SERVER_DATABASE_MIGRATE_ON_START"] == "true"


def test_another_database_than_sqlite_always_migrates(home):
    _migrate(home, "rev1")  # a SQLite file in the home, unused
    with temporary_settings({PREFECT_API_DATABASE_CONNECTION_URL: "postgresql+asyncpg://u:p@127.0.0.1/prefect"}):
        for _ in range(2):
            assert "PREFECT_SERVER_DATABASE_MIGRATE_ON_START" not in _start()
    assert not (home / prefect_env.MIGRATED_MARK).exists()


def test_a_server_that_exits_fails_the_start_with_its_status(home, monkeypatch):
    monkeypatch.setattr(prefect_env, "healthy", lambda url: False)
    monkeypatch.setattr(_Child, "poll", lambda self: 1)
    with pytest.raises(prefect_env.ServerStartError, match="exited with status 1"):
        prefect_env.TemporaryServer(timeout=5)
