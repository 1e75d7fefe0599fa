"""A run's connection to the warehouse: bounded memory and one DuckDB thread (a run's statements are
small next to its parsing and checks; a second thread costs more CPU than it saves), for reading
and for the load alike; other connections keep DuckDB's defaults."""
from __future__ import annotations

import duckdb

from filingflow.connections import RUN_MEMORY_LIMIT, connect, open_warehouse


def _settings(con) -> tuple[int, str]:
    return con.execute("SELECT current_setting('threads'), current_setting('memory_limit')").fetchone()


def _fresh(memory_limit: str | None = None) -> tuple[int, str]:
    con = duckdb.connect()
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    try:
        return _settings(con)
    finally:
        con.close()


def test_a_runs_connections_use_one_thread_and_the_memory_limit(tmp_path):
    path = tmp_path / "wh.duckdb"
    run_limit = _fresh(RUN_MEMORY_LIMIT)[1]
    with open_warehouse(path) as con:
        con.execute("CREATE TABLE t AS SELECT range AS n FROM range(10)")
        assert _settings(con) == (1, run_limit)
    with open_warehouse(path, read_only=True) as con:
        assert _settings(con) == (1, run_limit)
        assert con.execute("SELECT sum(n) FROM t").fetchone() == (45,)


def test_other_connections_keep_duckdbs_defaults(tmp_path):
    con = connect(tmp_path / "wh.duckdb")
    try:
        assert _settings(con) == _fresh()
    finally:
        con.close()
