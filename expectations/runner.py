"""Run every suite in expectations/suites with Great Expectations on a run's
rows; turn the results into dq_results and dq_flags rows; build Data Docs."""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from filingflow.schema import TABLES

SUITES_DIR = Path(__file__).resolve().parent / "suites"
log = logging.getLogger(__name__)


@dataclass
class Validation:
    results: pa.Table  # dq_results rows
    flags: pa.Table  # dq_flags rows
    passed: int
    failed: int
    docs_index: Path | None


def load_suite_files() -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(SUITES_DIR.glob("*.json"))]


def _table_frame(tables: dict[str, pa.Table], name: str) -> pd.DataFrame:
    return tables.get(name, TABLES[name].arrow_schema().empty_table()).to_pandas()


def _ownership_frame(tables: dict[str, pa.Table], transactions: str, holdings: str) -> pd.DataFrame:
    """Transactions and holdings of one table in filing order, holdings marked."""
    tx = _table_frame(tables, transactions).assign(is_holding=False, table_name=transactions)
    ho = _table_frame(tables, holdings).assign(is_holding=True, table_name=holdings)
    frame = pd.concat([tx, ho], ignore_index=True) if len(ho) else tx
    for column in ("shares", "acquired_disposed"):
        if column not in frame:
            frame[column] = None
    return frame.reset_index(drop=True)


def build_frames(tables: dict[str, pa.Table]) -> dict[str, pd.DataFrame]:
    frames = {name: _table_frame(tables, name) for name in TABLES if TABLES[name].kind == "filing"}
    frames["table_i"] = _ownership_frame(tables, "nonderiv_transactions", "nonderiv_holdings")
    frames["table_ii"] = _ownership_frame(tables, "deriv_transactions", "deriv_holdings")
    return frames


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    for name in list(logging.root.manager.loggerDict) + ["great_expectations"]:
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.ERROR)


def skipped() -> Validation:
    """Nothing new to check: no expectation runs, the Data Docs stay as they were."""
    return Validation(TABLES["dq_results"].arrow_schema().empty_table(),
                      TABLES["dq_flags"].arrow_schema().empty_table(), 0, 0, None)


def validate(tables: dict[str, pa.Table], run_id: str, docs_dir: Path | None) -> Validation:
    _quiet_gx()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    import expectations.balance  # noqa: F401 - registers the custom expectation with GX
    from expectations.balance import balance_check

    _quiet_gx()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for site in context.get_site_names():  # GX's default site would render into a temporary folder
        context.delete_data_docs_site(site)
    actions = []
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(site_name="filingflow", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
        actions.append(gx.checkpoint.UpdateDataDocsAction(name="update_data_docs", site_names=["filingflow"]))
    source = context.data_sources.add_pandas("filingflow")
    frames = build_frames(tables)
    result_rows: list[dict] = []
    flag_rows: list[dict] = []
    for spec in load_suite_files():
        frame_name = spec["meta"]["frame"]
        frame = frames[frame_name]
        table_name = frame_name if frame_name in TABLES else None
        suite = context.suites.add(gx.ExpectationSuite(**spec))
        asset = source.add_dataframe_asset(spec["name"])
        batch = asset.add_batch_definition_whole_dataframe("run")
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=spec["name"], data=batch, suite=suite))
        index_columns = [c for c in ("filing_id", "row_index", "table_name") if c in frame.columns]
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name=f"{spec['name']}.checkpoint", validation_definitions=[definition], actions=actions,
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": index_columns}))
        outcome = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=None)
        explained = balance_check(frame) if frame_name in ("table_i", "table_ii") and len(frame) else None
        for validation in outcome.run_results.values():
            for er in validation.results:
                config = er.expectation_config
                severity = (config.meta or {}).get("severity", "error")
                kwargs = config.kwargs
                column = kwargs.get("column") or ",".join(kwargs.get("column_list", []))
                result = er.result or {}
                result_rows.append({
                    "run_id": run_id, "suite": spec["name"], "expectation": config.type,
                    "table_name": table_name or frame_name, "column_name": column, "severity": severity,
                    "success": bool(er.success), "element_count": result.get("element_count", len(frame)),
                    "unexpected_count": result.get("unexpected_count", 0),
                    "detail": _detail(kwargs, result, er),
                })
                for hit in result.get("unexpected_index_list") or []:
                    flag_rows.append(_flag(run_id, config.type, severity, table_name, column, hit, frame, explained))
    docs_index = None
    if docs_dir is not None:
        docs_index = docs_dir / "index.html"
    passed = sum(r["success"] for r in result_rows)
    return Validation(
        results=TABLES["dq_results"].to_arrow(result_rows),
        flags=TABLES["dq_flags"].to_arrow(flag_rows),
        passed=passed, failed=len(result_rows) - passed, docs_index=docs_index)


def _detail(kwargs: dict, result: dict, er) -> str:
    shown = {k: v for k, v in kwargs.items() if k not in ("batch_id",)}
    if "value_set" in shown and len(shown["value_set"]) > 8:
        shown["value_set"] = f"{len(shown['value_set'])} codes"
    text = json.dumps(shown, default=str)
    if er.exception_info and er.exception_info.get("raised_exception"):
        return f"{text}; exception: {er.exception_info.get('exception_message')}"
    sample = result.get("partial_unexpected_list") or []
    if sample:
        text += f"; unexpected e.g. {json.dumps(sample[:3], default=str)}"
    return text


def _flag(run_id: str, expectation: str, severity: str, table_name: str | None, column: str, hit: dict,
          frame: pd.DataFrame, explained: pd.DataFrame | None) -> dict:
    row_index = hit.get("row_index")
    table = hit.get("table_name") or table_name
    if explained is not None:
        match = frame.index[(frame["filing_id"] == hit["filing_id"]) & (frame["row_index"] == row_index)
                            & (frame["table_name"] == table)]
        i = match[0]
        row, why = frame.loc[i], explained.loc[i]
        detail = (f"{row['security_title']} ({row['direct_indirect']}): owned after {row['shares_owned_after']}, "
                  f"but previous balance {why['previous']} {'+' if row['acquired_disposed'] == 'A' else '-'} "
                  f"{row['shares']} = {why['expected']}")
    else:
        values = {k: v for k, v in hit.items() if k not in ("filing_id", "row_index", "table_name")}
        detail = f"{column}: " + ", ".join(f"{k}={v!r}" for k, v in values.items()) if values else column
    return {"run_id": run_id, "expectation": expectation, "table_name": table, "filing_id": hit.get("filing_id"),
            "row_index": None if row_index is None else int(row_index), "severity": severity, "detail": detail}
