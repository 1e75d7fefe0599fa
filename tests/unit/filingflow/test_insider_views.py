"""The insider views on hand-made rows: one row per transaction and reporting owner with that owner's
own relationship, the 10b5-1 flag and its source, the row's footnotes, amendment state, Table II
columns; and every described view gives exactly the columns and types the schema says."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import duckdb
import pytest

from filingflow.schema import TABLES, VIEW_TABLES
from filingflow.views import build_stored
from filingflow.warehouse import ensure_schema

LOADED = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def filing(filing_id: str, **values) -> dict:
    return {"filing_id": filing_id, "content_id": filing_id, "form_type": "4", "is_amendment": False,
            "filed_date": dt.date(2024, 3, 5), "period_of_report": dt.date(2024, 3, 1), "issuer_name": "BIOTECH INC",
            "issuer_cik": "0001111111", "issuer_ticker": "BTCH", "source_file": filing_id, "source_sha256": "0" * 64,
            "source_format": "ownership_xml", "parser_version": "t", "run_id": "r", "loaded_at": LOADED, **values}


def tx(filing_id: str, row_index: int, code: str, shares: str, ad: str, after: str, price: str | None = "10",
       **values) -> dict:
    return {"filing_id": filing_id, "row_index": row_index, "security_title": "Common Stock",
            "transaction_date": dt.date(2024, 3, 1), "transaction_code": code, "shares": D(shares),
            "acquired_disposed": ad, "shares_owned_after": D(after), "price_per_share": None if price is None else D(price),
            "direct_indirect": "I", "nature_of_ownership": "See footnote", **values}


def owner(filing_id: str, index: int, cik: str, name: str, **flags) -> dict:
    return {"filing_id": filing_id, "owner_index": index, "owner_cik": cik, "owner_name": name, **flags}


@pytest.fixture
def con():
    con = duckdb.connect()
    ensure_schema(con)
    rows = {
        "filings": [filing("joint"), filing("plan", aff10b5_one=True), filing("old", aff10b5_one=None),
                    filing("orig", issuer_cik="0005555555", issuer_name="OTHER CO", issuer_ticker="OTH"),
                    filing("amend", form_type="4/A", is_amendment=True, filed_date=dt.date(2024, 3, 9),
                           date_of_original_submission=dt.date(2024, 3, 5), issuer_cik="0005555555",
                           issuer_name="OTHER CO", issuer_ticker="OTH")],
        "reporting_owners": [
            owner("joint", 0, "0002222222", "BAKER BROS. ADVISORS LP", is_ten_percent_owner=True),
            owner("joint", 1, "0003333333", "BAKER FELIX", is_director=True, is_ten_percent_owner=True),
            owner("plan", 0, "0004444444", "SMITH JANE", is_officer=True, officer_title="CFO"),
            owner("old", 0, "0004444444", "SMITH JANE", is_officer=True, officer_title="CFO"),
            owner("orig", 0, "0002222222", "BAKER BROS. ADVISORS LP", is_ten_percent_owner=True),
            owner("amend", 0, "0002222222", "BAKER BROS. ADVISORS LP", is_ten_percent_owner=True),
            ],
        "nonderiv_transactions": [
            tx("joint", 0, "P", "100", "A", "1100", "12.345"), tx("joint", 1, "S", "50", "D", "1050"),
            tx("plan", 0, "S", "10", "D", "90", None), tx("old", 0, "S", "5", "D", "85"), tx("old", 1, "S", "5", "D", "80"),
            tx("orig", 0, "P", "100", "A", "1100", "12.3"), tx("amend", 0, "P", "100", "A", "1100", "12.35")],
        "deriv_transactions": [
            {"filing_id": "joint", "row_index": 2, "security_title": "Stock Option (Right to Buy)",
             "conversion_or_exercise_price": D("4.5"), "transaction_date": dt.date(2024, 3, 1), "transaction_code": "M",
             "shares": D("200"), "acquired_disposed": "D", "exercise_date": dt.date(2020, 1, 1),
             "expiration_date": dt.date(2030, 1, 1), "underlying_title": "Common Stock", "underlying_shares": D("200"),
             "shares_owned_after": D("0"), "direct_indirect": "D"}],
        "footnotes": [{"filing_id": "old", "footnote_id": "F1",
                       "text": "Sold under a trading plan adopted pursuant to Rule 10b5-1 on May 1, 2023."},
                      {"filing_id": "old", "footnote_id": "F2", "text": "Weighted average price."},
                      {"filing_id": "old", "footnote_id": "F10", "text": "Held by the Smith Trust."},
                      {"filing_id": "joint", "footnote_id": "F1", "text": "Held by Baker Brothers Life Sciences, L.P."}],
        "footnote_refs": [
            {"filing_id": "old", "table_name": "nonderiv_transactions", "row_index": 0, "field": "transaction_code",
             "footnote_id": "F1"},
            {"filing_id": "old", "table_name": "nonderiv_transactions", "row_index": 0, "field": "price_per_share",
             "footnote_id": "F10"},
            {"filing_id": "old", "table_name": "nonderiv_transactions", "row_index": 0, "field": "shares",
             "footnote_id": "F2"},
            {"filing_id": "old", "table_name": "nonderiv_transactions", "row_index": 1, "field": "price_per_share",
             "footnote_id": "F2"},
            {"filing_id": "joint", "table_name": "nonderiv_transactions", "row_index": 0, "field": "nature_of_ownership",
             "footnote_id": "F1"}],
    }
    for name, table_rows in rows.items():
        con.register("_rows", TABLES[name].to_arrow(table_rows))
        con.execute(f'INSERT INTO "{name}" BY NAME SELECT * FROM _rows')
        con.unregister("_rows")
    build_stored(con)  # rows written here, not by a load: the stored views computed from them
    yield con
    con.close()


def test_views_give_the_described_columns_and_types():
    con = duckdb.connect()
    ensure_schema(con)
    for name, view in VIEW_TABLES.items():
        bound = [(c[0], c[1].replace(" ", "")) for c in con.execute(f'DESCRIBE "{name}"').fetchall()]
        assert bound == [(c.name, c.duckdb_type.replace(" ", "")) for c in view.columns], name
        assert all(c.description for c in view.columns)


def test_one_row_per_transaction_and_owner_with_that_owners_relationship(con):
    rows = con.execute("""
        SELECT row_index, owner_index, owner_count, is_first_owner, owner_cik, owner_name, is_director,
               is_ten_percent_owner, issuer_cik, issuer_name, ticker, signed_shares, value
        FROM insider_trades WHERE filing_id = 'joint' ORDER BY row_index, owner_index""").fetchall()
    assert rows == [
        (0, 0, 2, True, "0002222222", "BAKER BROS. ADVISORS LP", None, True, "0001111111", "BIOTECH INC", "BTCH",
         D("100"), D("1234.50")),
        (0, 1, 2, False, "0003333333", "BAKER FELIX", True, True, "0001111111", "BIOTECH INC", "BTCH",
         D("100"), D("1234.50")),
        (1, 0, 2, True, "0002222222", "BAKER BROS. ADVISORS LP", None, True, "0001111111", "BIOTECH INC", "BTCH",
         D("-50"), D("500.00")),
        (1, 1, 2, False, "0003333333", "BAKER FELIX", True, True, "0001111111", "BIOTECH INC", "BTCH",
         D("-50"), D("500.00"))]
    # The fund is not a director: its own box, not a flag combined across owners.
    assert con.execute("SELECT DISTINCT is_director FROM insider_trades WHERE owner_cik = '0002222222'").fetchall() == [
        (None,)]
    assert con.execute("SELECT count(*) FROM insider_trades WHERE is_first_owner").fetchone()[0] == 6


def test_10b5_1_from_the_box_else_from_a_footnote(con):
    rows = con.execute("SELECT filing_id, row_index, is_10b5_1, is_10b5_1_source, footnotes FROM insider_trades "
                       "WHERE filing_id IN ('plan', 'old') ORDER BY filing_id, row_index").fetchall()
    assert rows == [
        ("old", 0, True, "footnote", ["Sold under a trading plan adopted pursuant to Rule 10b5-1 on May 1, 2023.",
                                      "Weighted average price.", "Held by the Smith Trust."]),
        ("old", 1, None, None, ["Weighted average price."]),
        ("plan", 0, True, "aff10b5One", [])]
    assert con.execute("SELECT value FROM insider_trades WHERE filing_id = 'plan'").fetchone() == (None,)


@pytest.mark.parametrize("text", ["Rule 10b5-1(c) plan", "a 10b-5-1 plan", "RULE 10B5-1 TRADING PLAN",
                                  "Rule 10b5 - 1", "Rule 10b5-(1)"])
def test_footnote_wordings_of_the_rule(con, text):
    con.execute("UPDATE footnotes SET text = ? WHERE filing_id = 'old' AND footnote_id = 'F1'", [text])
    build_stored(con)
    assert con.execute("SELECT is_10b5_1 FROM insider_trades WHERE filing_id = 'old' AND row_index = 0").fetchone() == (
        True,)


def test_amendment_state(con):
    rows = con.execute("SELECT filing_id, is_amendment, amendment_version, original_filing_id, replaces_filing_id, "
                       "value FROM insider_trades WHERE issuer_cik = '0005555555'").fetchall()
    # The 4/A restates Table I of the original: only its rows are current.
    assert rows == [("amend", True, 1, "orig", "orig", D("1235.00"))]
    assert con.execute("SELECT is_amendment, amendment_version, original_filing_id, replaces_filing_id FROM "
                       "insider_trades WHERE filing_id = 'plan'").fetchall() == [(False, 0, "plan", None)]


def test_derivative_trades(con):
    rows = con.execute("SELECT owner_name, is_director, transaction_code, exercise_price, exercise_date, "
                       "expiration_date, underlying_title, underlying_shares, signed_shares, value "
                       "FROM derivative_trades ORDER BY owner_index").fetchall()
    assert rows == [
        ("BAKER BROS. ADVISORS LP", None, "M", D("4.5"), dt.date(2020, 1, 1), dt.date(2030, 1, 1), "Common Stock",
         D("200"), D("-200"), None),
        ("BAKER FELIX", True, "M", D("4.5"), dt.date(2020, 1, 1), dt.date(2030, 1, 1), "Common Stock", D("200"),
         D("-200"), None)]
