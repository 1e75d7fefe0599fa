"""Run every suite in expectations/suites with Great Expectations on a run's
rows; turn the results into dq_results and dq_flags rows; build Data Docs."""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from filingflow.positions import POSITION_COLUMNS
from filingflow.schema import FILING_TABLES, TABLES

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


PAIR_COLUMNS = ["filing_id", "row_index", "table_name", "security_title", "transaction_code", "transaction_date",
                "acquired_disposed", "shares", "underlying_shares", "price_per_share", "conversion_or_exercise_price"]


def _with_filing(frame: pd.DataFrame, filings: pd.DataFrame) -> pd.DataFrame:
    """Join the filing's form_type and filed_date onto its rows (row order kept)."""
    filings = filings[["filing_id", "form_type", "filed_date"]].drop_duplicates("filing_id")
    return frame.merge(filings, on="filing_id", how="left")


def _pairs_frame(table_i: pd.DataFrame, table_ii: pd.DataFrame) -> pd.DataFrame:
    """Table I and Table II transactions side by side (table_name tells them apart) for exercise pairing."""
    parts = [t.loc[~t["is_holding"].astype(bool)].reindex(columns=PAIR_COLUMNS) for t in (table_i, table_ii)]
    return pd.concat(parts, ignore_index=True)


def _footnote_links(refs: pd.DataFrame, notes: pd.DataFrame) -> pd.DataFrame:
    """footnote_refs rows (kind 'ref') and the footnotes they may point at (kind 'footnote')."""
    return pd.concat([refs.assign(kind="ref"), notes[["filing_id", "footnote_id"]].assign(kind="footnote")],
                     ignore_index=True)


def _filing_structure(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per filing with what the structure rules need: form, issuer, owner and item counts."""
    filings = frames["filings"][["filing_id", "form_type", "issuer_name", "issuer_cik"]]
    for table, column in (("reporting_owners", "reporting_owner_count"), ("report_items", "report_item_count")):
        counts = frames[table].groupby("filing_id").size().rename(column).reset_index()
        filings = filings.merge(counts, on="filing_id", how="left")
        filings[column] = filings[column].fillna(0).astype("int64")
    # A header-only submission names its owners only in the header's REPORTING-OWNER blocks.
    companies = frames["filing_companies"]
    header_owners = (companies[companies["role"] == "reporting_owner"].groupby("filing_id").size()
                     .rename("header_owner_count").reset_index())
    filings = filings.merge(header_owners, on="filing_id", how="left")
    filings["reporting_owner_count"] = filings[["reporting_owner_count", "header_owner_count"]].fillna(0).max(axis=1).astype("int64")
    return filings.drop(columns="header_owner_count").assign(table_name="filings")


def _filing_rows(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every row of every filing table as (table_name, filing_id, row_index, row_key); the filings themselves too."""
    parts = []
    for name in FILING_TABLES:
        frame = frames[name]
        keys = [c for c in TABLES[name].primary_key if c != "filing_id"]
        row_key = pd.Series("", index=frame.index, dtype=object)
        for n, key in enumerate(keys):
            row_key = row_key + ("," if n else "") + f"{key}=" + frame[key].astype(str)
        parts.append(pd.DataFrame({
            "table_name": name, "filing_id": frame["filing_id"],
            "row_index": frame["row_index"] if "row_index" in TABLES[name].primary_key else None,
            "row_key": row_key}))
    return pd.concat(parts, ignore_index=True)


def build_frames(tables: dict[str, pa.Table]) -> dict[str, pd.DataFrame]:
    frames = {name: _table_frame(tables, name) for name in TABLES if TABLES[name].kind == "filing"}
    filings = frames["filings"]
    frames["table_i"] = _with_filing(_ownership_frame(tables, "nonderiv_transactions", "nonderiv_holdings"), filings)
    frames["table_ii"] = _with_filing(_ownership_frame(tables, "deriv_transactions", "deriv_holdings"), filings)
    frames["ownership_pairs"] = _pairs_frame(frames["table_i"], frames["table_ii"])
    frames["footnote_links"] = _footnote_links(frames["footnote_refs"], frames["footnotes"])
    frames["filing_structure"] = _filing_structure(frames)
    frames["filing_rows"] = _filing_rows(frames)
    frames["prior_positions"] = (tables["prior_positions"].to_pandas() if "prior_positions" in tables
                                 else pd.DataFrame(columns=list(POSITION_COLUMNS)))
    # _row: the row's position, reported with every unexpected row so a flag finds its row exactly.
    return {name: frame.reset_index(drop=True).assign(_row=np.arange(len(frame))) for name, frame in frames.items()}


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

    # Importing a rules module registers its custom expectations with GX and their explainers.
    import expectations.balance  # noqa: F401
    import expectations.integrity_rules  # noqa: F401
    import expectations.ownership_rules  # noqa: F401
    import expectations.position_rules  # noqa: F401
    from expectations.explain import EXPLAINERS

    _quiet_gx()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    for site in context.get_site_names():  # GX's default site would render into a temporary folder
        context.delete_data_docs_site(site)
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(site_name="filingflow", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
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
        index_columns = [c for c in ("filing_id", "row_index", "table_name", "_row") if c in frame.columns]
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name=f"{spec['name']}.checkpoint", validation_definitions=[definition], actions=[],
            result_format={"result_format": "COMPLETE", "unexpected_index_column_names": index_columns}))
        outcome = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=None)
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
                hits = result.get("unexpected_index_list") or []
                explain = EXPLAINERS.get(config.type)
                explained = explain(frame, kwargs) if hits and explain else None
                for hit in hits:
                    flag_rows.append(_flag(run_id, config.type, severity, table_name or frame_name, column, kwargs,
                                           hit, frame, explained))
    docs_index = None
    if docs_dir is not None:
        # Once per run, not per suite: rendering the site is the slow part of GX.
        context.build_data_docs(site_names=["filingflow"])
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


def _flag(run_id: str, expectation: str, severity: str, table_name: str, column: str, kwargs: dict, hit: dict,
          frame: pd.DataFrame, explained: pd.Series | None) -> dict:
    """One dq_flags row for an unexpected row; the detail is the expectation's explainer's, else column=value."""
    i = int(hit["_row"])
    row = frame.iloc[i]
    table = row["table_name"] if "table_name" in frame.columns and pd.notna(row["table_name"]) else table_name
    row_index = row["row_index"] if "row_index" in frame.columns and pd.notna(row["row_index"]) else None
    detail = explained.get(i) if explained is not None else None
    if not detail:
        columns = [kwargs["column"]] if kwargs.get("column") else list(kwargs.get("column_list", []))
        values = ", ".join(f"{c}={_plain(row[c])!r}" for c in columns if c in frame.columns)
        detail = f"{column}: {values}" if values else column
    return {"run_id": run_id, "expectation": expectation, "table_name": table, "filing_id": row.get("filing_id"),
            "row_index": None if row_index is None else int(row_index), "severity": severity, "detail": detail}


def _plain(value):
    return None if not isinstance(value, (list, tuple, np.ndarray)) and pd.isna(value) else value
