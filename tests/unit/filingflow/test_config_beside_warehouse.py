"""A warehouse set away from the checkout keeps its Data Docs and reports beside it."""
from __future__ import annotations

from pathlib import Path

from filingflow.config import resolve


def test_defaults_without_a_warehouse(tmp_path):
    settings = resolve({}, environ={}, cwd=tmp_path)
    assert (settings.dq_dir, settings.reports_dir) == (Path("data/dq"), Path("data/reports"))
    assert settings.origin("dq_dir") == "default"


def test_warehouse_flag_alone_moves_docs_and_reports(tmp_path):
    settings = resolve({"warehouse": str(tmp_path / "w" / "w.duckdb")}, environ={}, cwd=tmp_path)
    assert settings.dq_dir == tmp_path / "w" / "dq" and settings.reports_dir == tmp_path / "w" / "reports"
    assert settings.origin("dq_dir") == "beside the warehouse (flag --warehouse)"
    assert settings.lake == "data/lake"  # the lake is a setting of its own


def test_environment_and_file_warehouse_too(tmp_path):
    env = resolve({}, environ={"FILINGFLOW_WAREHOUSE": "/srv/ff/w.duckdb"}, cwd=tmp_path)
    assert env.dq_dir == Path("/srv/ff/dq")
    (tmp_path / "filingflow.toml").write_text('[paths]\nwarehouse = "store/w.duckdb"\n')
    from_file = resolve({}, environ={}, cwd=tmp_path)
    assert from_file.reports_dir == tmp_path.resolve() / "store" / "reports"


def test_explicit_folders_win(tmp_path):
    settings = resolve({"warehouse": str(tmp_path / "w.duckdb"), "dq_dir": str(tmp_path / "docs")}, environ={},
                       cwd=tmp_path)
    assert settings.dq_dir == tmp_path / "docs" and settings.reports_dir == tmp_path / "reports"
    both = resolve({"warehouse": str(tmp_path / "w.duckdb")}, environ={"FILINGFLOW_DQ_DIR": "/x/dq"}, cwd=tmp_path)
    assert both.dq_dir == Path("/x/dq")
