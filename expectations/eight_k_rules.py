"""8-K rules (issue 5): the items the EDGAR header lists (<ITEMS> codes, ITEM
INFORMATION titles matched to codes) agree with the items the document
reports. report_items keeps the document's reading; a disagreement is
flagged on the filing. Frame: eight_k_item_sources (filingflow/item_sources.py)."""
from __future__ import annotations

import pandas as pd

from expectations.explain import details, failing, multicolumn_rule


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
