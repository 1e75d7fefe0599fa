"""Run every suite in expectations/suites with Great Expectations on a run's
rows; turn the results into dq_results and dq_flags rows; build Data Docs."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from expectations.offline_docs import make_offline
from expectations.set_checks import PARTS, SqlChecks, count_as_pandas, may_fail, runs_as_sql
from filingflow import faults
from filingflow.item_sources import item_sources_frame
from filingflow.positions import POSITION_COLUMNS
from filingflow.schema import FILING_TABLES, TABLES

SUITES_DIR = Path(__file__).resolve().parent / "suites"
ROW = "_row"
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


# Compared exactly by a rule (balance continuity, position continuity): these stay Decimal objects.
# Every other decimal column is checked as float64: Decimal objects cost a Python call per value
# in pandas and in GX, and as many bytes as ten floats.
EXACT_COLUMNS = frozenset({"shares", "shares_owned_after", "balance_before", "previous_balance"})


def frame_of(table: pa.Table) -> pd.DataFrame:
    """A run's Arrow rows as the rules see them: inexact decimals as floats, dates as datetime64."""
    # Through text: Arrow's direct decimal -> double cast can miss the nearest double (38.8 -> 38.800000000000004).
    floats = {i: table.column(i).cast(pa.string()).cast(pa.float64()) for i, f in enumerate(table.schema)
              if pa.types.is_decimal(f.type) and f.name not in EXACT_COLUMNS}
    for i, column in floats.items():
        table = table.set_column(i, table.field(i).with_type(pa.float64()), column)
    return table.to_pandas(date_as_object=False)


def _table(tables: dict[str, pa.Table], name: str, columns: list[str] | None = None) -> pa.Table:
    table = tables[name] if name in tables else TABLES[name].arrow_schema().empty_table()
    return table.select(columns) if columns else table


def _ownership_frame(tables: dict[str, pa.Table], transactions: str, holdings: str) -> pd.DataFrame:
    """Transactions and holdings of one table in filing order, holdings marked, with their filing's form and date."""
    tx = frame_of(_table(tables, transactions)).assign(is_holding=False, table_name=transactions)
    ho = frame_of(_table(tables, holdings)).assign(is_holding=True, table_name=holdings)
    frame = pd.concat([tx, ho], ignore_index=True) if len(ho) else tx
    for column in ("shares", "acquired_disposed"):
        if column not in frame:
            frame[column] = None
    # The filing's form_type and filed_date joined on (row order kept), and its number of reporting
    # owners: a joint filing's rows are not attributed to one owner (expectations/balance.py).
    filings = frame_of(_table(tables, "filings", ["filing_id", "form_type", "filed_date"])).drop_duplicates("filing_id")
    owners = _table(tables, "reporting_owners", ["filing_id"]).group_by("filing_id").aggregate([([], "count_all")])
    owners = owners.rename_columns(["filing_id", "owner_count"]).to_pandas()
    frame = frame.merge(filings, on="filing_id", how="left").merge(owners, on="filing_id", how="left")
    frame["owner_count"] = frame["owner_count"].fillna(0).astype("int64")
    return frame


PAIR_COLUMNS = ["filing_id", "row_index", "table_name", "security_title", "transaction_code", "transaction_date",
                "acquired_disposed", "shares", "underlying_shares", "price_per_share", "conversion_or_exercise_price"]


def _pairs_frame(table_i: pd.DataFrame, table_ii: pd.DataFrame) -> pd.DataFrame:
    """Table I and Table II transactions side by side (table_name tells them apart) for exercise pairing."""
    parts = [t.loc[~t["is_holding"].astype(bool)].reindex(columns=PAIR_COLUMNS) for t in (table_i, table_ii)]
    return pd.concat(parts, ignore_index=True)


def _footnote_links(refs: pd.DataFrame, tables: dict[str, pa.Table]) -> pd.DataFrame:
    """footnote_refs rows (kind 'ref') and the footnotes they may point at (kind 'footnote')."""
    notes = frame_of(_table(tables, "footnotes", ["filing_id", "footnote_id"]))
    return pd.concat([refs.assign(kind="ref"), notes.assign(kind="footnote")], ignore_index=True)


def _filing_structure(tables: dict[str, pa.Table]) -> pd.DataFrame:
    """One row per filing with what the structure rules need: form, issuer, owner and item counts."""
    filings = frame_of(_table(tables, "filings", ["filing_id", "form_type", "issuer_name", "issuer_cik"]))
    for table, column in (("reporting_owners", "reporting_owner_count"), ("report_items", "report_item_count")):
        counts = frame_of(_table(tables, table, ["filing_id"])).groupby("filing_id").size().rename(column).reset_index()
        filings = filings.merge(counts, on="filing_id", how="left")
        filings[column] = filings[column].fillna(0).astype("int64")
    # A header-only submission names its owners only in the header's REPORTING-OWNER blocks.
    companies = frame_of(_table(tables, "filing_companies", ["filing_id", "role"]))
    header_owners = (companies[companies["role"] == "reporting_owner"].groupby("filing_id").size()
                     .rename("header_owner_count").reset_index())
    filings = filings.merge(header_owners, on="filing_id", how="left")
    filings["reporting_owner_count"] = filings[["reporting_owner_count", "header_owner_count"]].fillna(0).max(axis=1).astype("int64")
    return filings.drop(columns="header_owner_count").assign(table_name="filings")


def _filing_rows(tables: dict[str, pa.Table]) -> pd.DataFrame:
    """Every row of every filing table as (table_name, filing_id, row_index, row_key); the filings themselves too.

    Built in Arrow: millions of rows for a big run, while only a row of an unknown filing is ever
    explained, so only such a row has its key spelled out (the others' row_key is null)."""
    parts = []
    known = _table(tables, "filings")["filing_id"]
    for name in FILING_TABLES:
        table = _table(tables, name)
        keys = [c for c in TABLES[name].primary_key if c != "filing_id"]
        row_key = pa.nulls(table.num_rows, pa.string())
        orphan = pc.invert(pc.is_in(table["filing_id"], value_set=known))
        if name != "filings" and pc.any(orphan).as_py():
            frame = frame_of(table.select(keys))
            spelled = pd.Series(None, index=frame.index, dtype=object)
            at = np.flatnonzero(orphan.to_numpy(zero_copy_only=False))
            spelled.iloc[at] = [",".join(f"{key}={value}" for key, value in zip(keys, values))
                                for values in zip(*(frame[key].iloc[at].astype(str) for key in keys))]
            row_key = pa.array(spelled, pa.string())
        parts.append(pa.table({
            "table_name": pa.array([name] * table.num_rows, pa.string()), "filing_id": table["filing_id"],
            "row_index": (table["row_index"] if "row_index" in TABLES[name].primary_key
                          else pa.nulls(table.num_rows, pa.int32())),
            "row_key": row_key}))
    return pa.concat_tables(parts).to_pandas()


_BUILDERS: dict[str, Callable[[Frames], pd.DataFrame]] = {
    **{name: (lambda f, name=name: frame_of(_table(f.tables, name))) for name in FILING_TABLES},
    "table_i": lambda f: _ownership_frame(f.tables, "nonderiv_transactions", "nonderiv_holdings"),
    "table_ii": lambda f: _ownership_frame(f.tables, "deriv_transactions", "deriv_holdings"),
    "ownership_pairs": lambda f: _pairs_frame(f["table_i"], f["table_ii"]),
    "footnote_links": lambda f: _footnote_links(f["footnote_refs"], f.tables),
    "filing_structure": lambda f: _filing_structure(f.tables),
    "filing_rows": lambda f: _filing_rows(f.tables),
    "eight_k_item_sources": lambda f: item_sources_frame(f.tables),
    "prior_positions": lambda f: (frame_of(f.tables["prior_positions"]) if "prior_positions" in f.tables
                                  else pd.DataFrame(columns=list(POSITION_COLUMNS))),
}


class Frames:
    """The frames the suites run on, each built from the run's Arrow tables when first asked for and
    kept only while a suite still needs it: a run's rows as pandas all at once would be many times
    their Arrow size."""

    def __init__(self, tables: dict[str, pa.Table]):
        self.tables = tables
        self._built: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._built:
            # Indexed by _row, the row's position: GX reports the index of every unexpected row
            # (cheaply, for a named index), so a flag finds its row exactly.
            frame = _BUILDERS[name](self)
            self._built[name] = frame.set_axis(pd.RangeIndex(len(frame), name=ROW))
        return self._built[name]

    def keep_only(self, names: set[str]) -> None:
        for name in set(self._built) - names:
            del self._built[name]


def _quiet_gx() -> None:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    for name in list(logging.root.manager.loggerDict) + ["great_expectations"]:
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.ERROR)


def skipped() -> Validation:
    """Nothing new to check: no expectation runs, the Data Docs stay as they were."""
    return Validation(TABLES["dq_results"].arrow_schema().empty_table(),
                      TABLES["dq_flags"].arrow_schema().empty_table(), 0, 0, None)


def import_rules() -> None:
    """Import Great Expectations and the rules modules: seconds of imports, which the flow does while
    files are parsed. Importing a rules module registers its custom expectations and their explainers."""
    _quiet_gx()
    import great_expectations  # noqa: F401

    from expectations import gx_speedups

    gx_speedups.install()
    import expectations.balance  # noqa: F401
    import expectations.eight_k_rules  # noqa: F401
    import expectations.integrity_rules  # noqa: F401
    import expectations.ownership_rules  # noqa: F401
    import expectations.position_rules  # noqa: F401


class RunChecker:
    """Every suite on a run's rows, given batch by batch (each batch whole filings, and whole
    chains for the rules that follow a position from filing to filing); the results add up to
    those of one batch holding all the rows, while only one batch is in memory at a time."""

    def __init__(self, run_id: str, docs_dir: Path | None):
        import_rules()
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        _quiet_gx()
        self.run_id, self.docs_dir = run_id, docs_dir
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        for site in self.context.get_site_names():  # GX's default site would render into a temporary folder
            self.context.delete_data_docs_site(site)
        if docs_dir is not None:
            docs_dir.mkdir(parents=True, exist_ok=True)
            self.context.add_data_docs_site(site_name="filingflow", site_config={
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            })
        # One asset and batch definition for every frame: each added asset re-serialises GX's project config.
        self.batches = self.context.data_sources.add_pandas("filingflow").add_dataframe_asset("run") \
            .add_batch_definition_whole_dataframe("run")
        self.specs = load_suite_files()
        self.suites = [self.context.suites.add(gx.ExpectationSuite(**spec)) for spec in self.specs]
        # Each suite in two halves under its name: its set checks, run as SQL over the batch's Arrow
        # tables (expectations/set_checks.py), and the rest, run on pandas frames.
        self.halves = [_halves(gx, spec) for spec in self.specs]
        self.sql = SqlChecks(self.context, {spec["meta"]["frame"] for spec, (sql, _) in zip(self.specs, self.halves) if sql})
        self.checked = 0
        self.result_rows: list[list[dict]] = []  # per batch, in suite and expectation order
        self.flag_parts: list[pa.Table] = []

    def check(self, tables: dict[str, pa.Table]) -> None:
        """One batch: every suite on its frames, frames dropped as soon as no later suite needs them."""
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.validator.v1_validator import Validator

        from expectations.explain import EXPLAINERS

        self.checked += 1
        # Unexpected rows by their _row index only: GX turning every unexpected value into JSON (Decimals via
        # inspect.stack()) and looking each one up by column name costs far more than the checks themselves.
        result_format = {"result_format": "COMPLETE", "unexpected_index_column_names": [ROW],
                         "exclude_unexpected_values": True, "return_unexpected_index_query": False}
        frames = Frames(tables)
        self.sql.register(tables)
        name = self.run_id if self.checked == 1 else f"{self.run_id} batch {self.checked}"
        docs_run = RunIdentifier(run_name=name, run_time=dt.datetime.now(dt.timezone.utc))
        rows_of_batch: list[dict] = []

        def record(spec: dict, er, frame_name: str, frame: pd.DataFrame, rows: np.ndarray, rows_checked: int) -> None:
            """The dq_results row of one expectation's result, and dq_flags rows of its unexpected rows `rows` of `frame`."""
            table_name = frame_name if frame_name in TABLES else None
            config = er.expectation_config
            severity = (config.meta or {}).get("severity", "error")
            kwargs = config.kwargs
            column = kwargs.get("column") or ",".join(kwargs.get("column_list", []))
            result = er.result or {}
            rows_of_batch.append(TABLES["dq_results"].row(
                run_id=self.run_id, suite=spec["name"], expectation=config.type,
                table_name=table_name or frame_name, column_name=column, severity=severity,
                success=bool(er.success), element_count=result.get("element_count", rows_checked),
                unexpected_count=result.get("unexpected_count") or 0,  # None on SQL when no row is checked
                detail=_detail(kwargs, er, frame, rows),
            ))
            if len(rows):
                explain = EXPLAINERS.get(config.type)
                explained = explain(frame, kwargs) if explain else None
                self.flag_parts.append(_flags(self.run_id, config.type, severity, table_name or frame_name,
                                              column, kwargs, frame.iloc[rows], explained))

        for n, (spec, suite, (sql_half, pandas_half)) in enumerate(zip(self.specs, self.suites, self.halves)):
            frame_name = spec["meta"]["frame"]
            validation = batch_id = None
            if pandas_half is not None:
                frame = frames[frame_name]
                # A bare Validator keeps no copy of the result (a ValidationDefinition would store it, every
                # unexpected row's position included); the Data Docs get a trimmed copy below.
                validator = Validator(batch_definition=self.batches, batch_parameters={"dataframe": frame},
                                      result_format=result_format)
                validation = validator.validate_expectation_suite(pandas_half)
                batch_id = validator.active_batch_id
                for er in validation.results:
                    record(spec, er, frame_name, frame, _unexpected_rows(er.result or {}), len(frame))
                del frame
            if sql_half is not None:
                sql_validation, sql_batch_id = self.sql.validate(frame_name, sql_half)
                rows_checked = sum(_table(tables, part).num_rows for part in PARTS[frame_name])
                for er in sql_validation.results:
                    # Every failing row from DuckDB (GX returns a capped sample from SQL), as the pandas
                    # frame would hold it, so the flags and the detail's examples read as they did on pandas.
                    config = er.expectation_config
                    positions = (self.sql.failing_rows(frame_name, config.type, config.kwargs) if may_fail(er)
                                 else {part: np.empty(0, np.int64) for part in PARTS[frame_name]})
                    failing = _failing_frame(tables, frame_name, positions)
                    count_as_pandas(er, len(failing))
                    record(spec, er, frame_name, failing, np.arange(len(failing)), rows_checked)
                validation, batch_id = ((sql_validation, sql_batch_id) if validation is None
                                        else (_merged(validation, sql_validation), batch_id))
            faults.point("expectations")
            if self.docs_dir is not None:
                _keep_for_docs(self.context, validation, suite.name, docs_run, batch_id)
            frames.keep_only({later["meta"]["frame"] for later, (_, later_pandas) in
                              zip(self.specs[n + 1:], self.halves[n + 1:]) if later_pandas is not None})
        self.sql.release()
        self.result_rows.append(rows_of_batch)

    def finish(self) -> Validation:
        self.sql.close()
        docs_index = None
        if self.docs_dir is not None:
            docs_index = self._build_docs()
        result_rows = [_added_up(per_batch) for per_batch in zip(*self.result_rows)]
        passed = sum(r["success"] for r in result_rows)
        flags_schema = TABLES["dq_flags"].arrow_schema()
        return Validation(
            results=TABLES["dq_results"].to_arrow(result_rows),
            flags=pa.concat_tables(self.flag_parts) if self.flag_parts else flags_schema.empty_table(),
            passed=passed, failed=len(result_rows) - passed, docs_index=docs_index)


    def _build_docs(self) -> Path:
        """Once per run, not per suite or batch: rendering the site is the slow part of GX. The pages of
        this run's results and the index are rendered; a suite's page only when its suite (or GX)
        changed since it was rendered, as it would come out the same (GX stamps only the time of
        the build into a page's logo address). GX removes the pages of earlier runs' results itself."""
        import great_expectations as gx
        from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

        stamp_path = self.docs_dir / SUITE_PAGES_STAMP
        stamp = suite_pages_stamp(gx.__version__, self.specs)
        stale = [spec["name"] for spec in self.specs
                 if _rendered_stamp(stamp_path).get(spec["name"]) != stamp[spec["name"]]
                 or not suite_page(self.docs_dir, spec["name"]).is_file()]
        self.context.build_data_docs(site_names=["filingflow"], resource_identifiers=[
            *self.context.validation_results_store.list_keys(), *(ExpectationSuiteIdentifier(name=n) for n in stale)])
        make_offline(self.docs_dir, [self.docs_dir / "index.html", *(self.docs_dir / "validations").rglob("*.html"),
                                     *(suite_page(self.docs_dir, name) for name in stale)])
        if stale:
            partial = stamp_path.with_name(stamp_path.name + ".part")
            partial.write_text(json.dumps(stamp, indent=1, sort_keys=True))
            os.replace(partial, stamp_path)
        return self.docs_dir / "index.html"


# What each suite's Data Docs page was rendered from, kept beside the pages.
SUITE_PAGES_STAMP = ".suite_pages.json"


def suite_pages_stamp(gx_version: str, specs: list[dict]) -> dict[str, str]:
    """Per suite, a digest of what its page is rendered from: the suite as stored and the GX version."""
    return {spec["name"]: hashlib.sha256(json.dumps([gx_version, spec], sort_keys=True).encode()).hexdigest()
            for spec in specs}


def _rendered_stamp(path: Path) -> dict[str, str]:
    try:
        found = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def suite_page(docs_dir: Path, suite_name: str) -> Path:
    """Where GX writes a suite's page: its name's dotted parts as folders."""
    *folders, last = suite_name.split(".")
    return docs_dir.joinpath("expectations", *folders, f"{last}.html")


def _halves(gx, spec: dict) -> tuple:
    """(set checks, other expectations) of a suite as two suites of its name; None for an empty half."""
    frame = spec["meta"]["frame"]
    sql = [e for e in spec["expectations"] if runs_as_sql(frame, e)]
    rest = [e for e in spec["expectations"] if not runs_as_sql(frame, e)]
    return tuple(gx.ExpectationSuite(**{**spec, "expectations": half}) if half else None for half in (sql, rest))


def _failing_frame(tables: dict[str, pa.Table], frame_name: str, positions: dict[str, np.ndarray]) -> pd.DataFrame:
    """The rows at `positions` (per table of the frame) as the frame `frame_name` holds them."""
    if not any(len(rows) for rows in positions.values()):
        return pd.DataFrame()  # the usual case: nothing failed, nothing to show
    taken = {part: _table(tables, part).take(pa.array(rows)) for part, rows in positions.items()}
    if len(PARTS[frame_name]) == 2:  # Table I or II: transactions, then holdings, with their filing's form and date
        transactions, holdings = PARTS[frame_name]
        return _ownership_frame({**taken, "filings": _table(tables, "filings")}, transactions, holdings)
    return frame_of(taken[frame_name])


def _merged(validation, more):
    """One suite's result from its two halves, as the Data Docs show it."""
    validation.results.extend(more.results)
    passed = sum(bool(r.success) for r in validation.results)
    evaluated = len(validation.results)
    validation.success = passed == evaluated
    validation.statistics.update(evaluated_expectations=evaluated, successful_expectations=passed,
                                 unsuccessful_expectations=evaluated - passed,
                                 success_percent=100 * passed / evaluated if evaluated else None)
    return validation


def _added_up(per_batch: tuple[dict, ...]) -> dict:
    """One expectation's result over all batches: the counts summed, the detail of the first batch
    that found something (its examples), else of the first."""
    first = per_batch[0]
    shown = next((r for r in per_batch if not r["success"] or r["unexpected_count"]), first)
    return TABLES["dq_results"].row(first, success=all(r["success"] for r in per_batch),
                                    element_count=sum(r["element_count"] for r in per_batch),
                                    unexpected_count=sum(r["unexpected_count"] for r in per_batch),
                                    detail=shown["detail"])


def validate(tables: dict[str, pa.Table], run_id: str, docs_dir: Path | None) -> Validation:
    """Every suite on one batch of rows."""
    checker = RunChecker(run_id, docs_dir)
    checker.check(tables)
    return checker.finish()


def _keep_for_docs(context, validation, suite_name: str, run, batch_id: str) -> None:
    """Store a suite's result for the Data Docs without the positions of its unexpected rows: dq_flags
    holds those, and GX would turn each one into JSON."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    for er in validation.results:
        for key in ("unexpected_index_list", "partial_unexpected_index_list"):  # the partial one is whole too
            (er.result or {}).pop(key, None)
    validation.meta.update(run_id=run, validation_time=run.run_time)
    suite_id = ExpectationSuiteIdentifier(name=suite_name)
    context.validation_results_store.store_validation_results(
        suite_validation_result=validation, expectation_suite_identifier=suite_id,
        suite_validation_result_identifier=ValidationResultIdentifier(
            expectation_suite_identifier=suite_id, run_id=run, batch_identifier=batch_id))


def _unexpected_rows(result: dict) -> np.ndarray:
    """Positions of the unexpected rows: without their values GX lists them as [{"_row": [...]}]."""
    rows: list[int] = []
    for hit in result.get("unexpected_index_list") or []:
        found = hit[ROW]
        rows.extend(found if isinstance(found, list) else [found])
    return np.asarray(rows, dtype=np.int64)


def _columns(kwargs: dict) -> list[str]:
    return [kwargs["column"]] if kwargs.get("column") else list(kwargs.get("column_list", []))


def _detail(kwargs: dict, er, frame: pd.DataFrame, rows: np.ndarray) -> str:
    shown = {k: v for k, v in kwargs.items() if k not in ("batch_id",)}
    if "value_set" in shown and len(shown["value_set"]) > 8:
        shown["value_set"] = f"{len(shown['value_set'])} codes"
    text = json.dumps(shown, default=str)
    if er.exception_info and er.exception_info.get("raised_exception"):
        return f"{text}; exception: {er.exception_info.get('exception_message')}"
    columns = [c for c in _columns(kwargs) if c in frame.columns]
    if len(rows) and columns:
        first = frame.iloc[rows[:3]]
        sample = ([_shown(v) for v in first[columns[0]]] if kwargs.get("column") else
                  [{c: _shown(v) for c, v in zip(columns, values)} for values in zip(*(first[c] for c in columns))])
        text += f"; unexpected e.g. {json.dumps(sample, default=str)}"
    return text


def _shown(value):
    """A value of an unexpected row as JSON shows it: decimals and dates as text, like the flags do."""
    from expectations.explain import format_value

    if isinstance(value, (str, bool, np.bool_, int, np.integer)):
        return value.item() if isinstance(value, np.generic) else value
    return None if _plain(value) is None else format_value(value)


def _flags(run_id: str, expectation: str, severity: str, table_name: str, column: str, kwargs: dict,
           hit: pd.DataFrame, explained: pd.Series | None) -> pa.Table:
    """dq_flags rows of the unexpected rows `hit`; the detail is the expectation's explainer's, else column=value."""
    n = len(hit)
    tables = (hit["table_name"].astype(object).where(hit["table_name"].notna(), table_name)
              if "table_name" in hit.columns else pd.Series(table_name, index=hit.index, dtype=object))
    row_index = (hit["row_index"].astype("Int64") if "row_index" in hit.columns
                 else pd.Series(pd.NA, index=hit.index, dtype="Int64"))
    detail = (explained.reindex(hit.index) if explained is not None else pd.Series(None, index=hit.index))
    detail = detail.astype(object)
    generic = detail.isna() | (detail == "")
    columns = [c for c in _columns(kwargs) if c in hit.columns]
    if generic.any() and columns:
        plain = hit.loc[generic.to_numpy(), columns]
        detail[generic] = [f"{column}: " + ", ".join(f"{c}={_plain(v)!r}" for c, v in zip(columns, values))
                           for values in zip(*(plain[c] for c in columns))]
    elif generic.any():
        detail[generic] = column
    filing_id = hit["filing_id"].astype(object) if "filing_id" in hit.columns else [None] * n
    return pa.table({
        "run_id": [run_id] * n, "expectation": [expectation] * n,
        "table_name": pa.array(list(tables), pa.string()),
        "filing_id": pa.array(list(filing_id), pa.string(), from_pandas=True),
        "row_index": pa.array(row_index.to_numpy(dtype=object, na_value=None), pa.int32()),
        "severity": [severity] * n, "detail": pa.array(list(detail), pa.string()),
    }, schema=TABLES["dq_flags"].arrow_schema())


def _plain(value):
    return None if not isinstance(value, (list, tuple, np.ndarray)) and pd.isna(value) else value
