"""Integrity and structure rules within one run's rows (issue 4): footnote marks
point at footnotes of their filing, every filing table row belongs to a filing
of the run, Forms 3/4/5 name an issuer and a reporting owner, 8-Ks report an
item. Frames: footnote_links, filing_rows, filing_structure (expectations/runner.py)."""
from __future__ import annotations

import pandas as pd

from expectations.explain import details, failing, multicolumn_rule
from filingflow.schema import FORM_TYPES_OWNERSHIP


def _int(value):
    return value if pd.isna(value) else int(value)


def _is(series: pd.Series, value: str) -> pd.Series:
    return (series == value).fillna(False).astype(bool)


# --- 4. footnote integrity ---------------------------------------------------------------------

def footnote_ref_resolves_ok(frame: pd.DataFrame) -> pd.Series:
    """frame: footnote_refs rows (kind 'ref') and footnotes rows (kind 'footnote')."""
    refs, notes = _is(frame["kind"], "ref"), _is(frame["kind"], "footnote")
    keys = pd.MultiIndex.from_arrays([frame["filing_id"].astype(object), frame["footnote_id"].astype(object)])
    return ~refs | keys.isin(keys[notes.to_numpy()])


def explain_footnote_ref(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    bad = failing(frame, footnote_ref_resolves_ok)
    notes = frame[_is(frame["kind"], "footnote") & frame["filing_id"].isin(bad["filing_id"])]
    have = notes.groupby("filing_id")["footnote_id"].agg(lambda ids: ", ".join(sorted(ids)))
    return details(bad, [
        f"footnote mark {fid} on {table} row {_int(row)} field {field} points at no footnote of its filing "
        f"(footnotes: {have.get(filing, 'none')})"
        for fid, table, row, field, filing in zip(bad["footnote_id"], bad["table_name"], bad["row_index"],
                                                  bad["field"], bad["filing_id"])])


multicolumn_rule(
    "expect_footnote_ref_to_resolve", footnote_ref_resolves_ok, explain_footnote_ref,
    "Every footnote mark (footnote_refs) points at a footnote of the same filing.")


# --- 5. structure and referential integrity ----------------------------------------------------

def _ownership_form(frame: pd.DataFrame) -> pd.Series:
    return frame["form_type"].isin(FORM_TYPES_OWNERSHIP)


def issuer_named_ok(frame: pd.DataFrame) -> pd.Series:
    return ~_ownership_form(frame) | frame["issuer_name"].notna() | frame["issuer_cik"].notna()


def explain_issuer_named(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    bad = failing(frame, issuer_named_ok)
    return details(bad, [f"Form {form} names no issuer (issuer_name and issuer_cik are null)"
                         for form in bad["form_type"]])


multicolumn_rule(
    "expect_ownership_filing_to_name_issuer", issuer_named_ok, explain_issuer_named,
    "A Form 3/4/5 names its issuer (issuer_name or issuer_cik).")


def reporting_owner_ok(frame: pd.DataFrame) -> pd.Series:
    return ~_ownership_form(frame) | (frame["reporting_owner_count"] > 0)


def explain_reporting_owner(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    bad = failing(frame, reporting_owner_ok)
    return details(bad, [f"Form {form} has no reporting_owners row" for form in bad["form_type"]])


multicolumn_rule(
    "expect_ownership_filing_to_have_reporting_owner", reporting_owner_ok, explain_reporting_owner,
    "A Form 3/4/5 has at least one reporting_owners row.")


def report_item_ok(frame: pd.DataFrame) -> pd.Series:
    eight_k = frame["form_type"].str.startswith("8-K").fillna(False).astype(bool)
    return ~eight_k | (frame["report_item_count"] > 0)


def explain_report_item(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    bad = failing(frame, report_item_ok)
    return details(bad, [f"{form} has no report_items row (no item heading read; maybe exhibits only)"
                         for form in bad["form_type"]])


multicolumn_rule(
    "expect_eight_k_to_have_report_item", report_item_ok, explain_report_item,
    "An 8-K reports at least one item.")


def filing_id_known_ok(frame: pd.DataFrame) -> pd.Series:
    """frame: one row per row of every filing table, table_name 'filings' for the filings themselves."""
    known = frame.loc[_is(frame["table_name"], "filings"), "filing_id"]
    return _is(frame["table_name"], "filings") | frame["filing_id"].isin(known)


def explain_filing_id_known(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    bad = failing(frame, filing_id_known_ok)
    return details(bad, [f"{table} row {key} has filing_id {fid!r}, which is not a filing of this run"
                         for table, key, fid in zip(bad["table_name"], bad["row_key"], bad["filing_id"])])


multicolumn_rule(
    "expect_filing_id_to_be_in_filings", filing_id_known_ok, explain_filing_id_known,
    "Every row of every filing table belongs to a filing of the run.")
