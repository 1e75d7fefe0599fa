"""8-K rules.

- The items the EDGAR header lists (<ITEMS> codes, ITEM INFORMATION titles
  matched to codes) agree with the items the document reports. report_items
  keeps the document's reading; a disagreement is flagged on the filing.
  Frame: eight_k_item_sources (filingflow/item_sources.py).
- The registrant the 8-K's cover names agrees with the SEC header's filer
  block on every field both give (transforms.eight_k.registrant_differences).
  Both rows are kept (a company that moved prints its new address before
  EDGAR has it); a disagreement is flagged on the registrant row.
  Frame: filing_companies."""
from __future__ import annotations

import pandas as pd

from expectations.explain import details, failing, multicolumn_rule
from transforms.eight_k import registrant_differences, same_registrant


def item_sources_agree_ok(frame: pd.DataFrame) -> pd.Series:
    """Unknown (a side empty, a header title matching no item) passes: only a comparison that fails flags."""
    return ~frame["agree"].eq(False).fillna(False).astype(bool)


def _codes(items) -> str:
    return ", ".join(items) if len(items) else "none"


def explain_item_sources(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    bad = failing(frame, item_sources_agree_ok)
    texts = []
    for document, header in zip(bad["items_in_document"], bad["items_in_header"]):
        only_document = [i for i in document if i not in set(header)]
        only_header = [i for i in header if i not in set(document)]
        missing = "; ".join(part for part in (
            f"{_codes(only_document)} missing from the header" if only_document else "",
            f"{_codes(only_header)} missing from the document" if only_header else "") if part)
        texts.append(f"header lists items {_codes(header)}, the document reports {_codes(document)} ({missing}); "
                     "report_items keeps the document's")
    return details(bad, texts)


multicolumn_rule(
    "expect_eight_k_header_items_to_match_document", item_sources_agree_ok, explain_item_sources,
    "The 8-K items of the EDGAR header (codes or ITEM INFORMATION titles) are the items the document reports.")


# --- the cover's registrant against the header's filer ------------------------------------------

REGISTRANT_COLUMNS = ["filing_id", "company_index", "role", "cik", "name", "state_of_incorporation", "sec_file_number",
                      "irs_number", "street1", "street2", "city", "state", "zip", "phone"]


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if not isinstance(v, str) and pd.isna(v) else v) for k, v in row.items()}
            for row in frame.to_dict("records")]


def _registrant_differences(frame: pd.DataFrame) -> dict[int, tuple[dict, dict]]:
    """Per registrant row (by frame index) that disagrees with its filer: (differences, filer row)."""
    frame = frame[REGISTRANT_COLUMNS]  # an explainer sees every column, list columns among them
    involved = frame[frame["role"].isin(["registrant", "filer"])]
    with_registrant = involved["filing_id"][involved["role"] == "registrant"].unique()
    involved = involved[involved["filing_id"].isin(with_registrant)]
    # Records of every involved row at once, then grouped by filing (first seen first, rows in frame
    # order): one to_dict per filing cost most of the rule.
    by_filing: dict[str, dict[int, dict]] = {}
    for index, record in zip(involved.index, _records(involved)):
        if record["filing_id"] is not None:  # as groupby did: a row of no filing is compared with none
            by_filing.setdefault(record["filing_id"], {})[index] = record
    found: dict[int, tuple[dict, dict]] = {}
    for records in by_filing.values():
        filers = [r for r in records.values() if r["role"] == "filer"]
        for index, row in records.items():
            if row["role"] != "registrant" or not filers:
                continue
            filer = next((f for f in filers if same_registrant(row, f)), filers[0] if len(filers) == 1 else None)
            if filer is not None and (differ := registrant_differences(row, filer)):
                found[index] = (differ, filer)
    return found


def registrant_matches_header_ok(frame: pd.DataFrame) -> pd.Series:
    """Rows without a filer to compare with pass: only a comparison that fails flags."""
    ok = pd.Series(True, index=frame.index, dtype=bool)
    ok[list(_registrant_differences(frame))] = False
    return ok


def explain_registrant(frame: pd.DataFrame, kwargs: dict) -> pd.Series:
    found = _registrant_differences(frame)
    bad = frame.loc[list(found)]
    texts = ["; ".join(f"{name}: the cover prints {ours!r}, the SEC header gives {theirs!r}"
                       for name, (ours, theirs) in differ.items()) + " (both rows kept)"
             for differ, _ in found.values()]
    return details(bad, texts)


multicolumn_rule(
    "expect_eight_k_registrant_to_match_header", registrant_matches_header_ok, explain_registrant,
    "The registrant an 8-K's cover names agrees with the SEC header's filer block on every field both give.")
