"""The stored analyst views (insider_trades, derivative_trades, company_events and the amendment
tables they read), refreshed by each load for the filings it changes, equal what a fresh
computation over the whole warehouse gives, row for row: after any sequence of loads of new
filings, amendments, re-filed texts, company merges and forgotten filings. A load that fails
leaves them as they were; a warehouse of an older version (views of these names) is upgraded."""
from __future__ import annotations

import datetime as dt
import itertools
import random
import tempfile
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from filingflow import connections, faults, lake, views, warehouse
from filingflow.accounting import schema_row
from filingflow.connections import fts_extension_path
from filingflow.schema import FILING_TABLES, TABLES

# A load updates the search index, which needs the full-text search extension.
pytestmark = pytest.mark.skipif(fts_extension_path() is None, reason="duckdb-extension-fts is not installed")

NOW = dt.datetime(2026, 1, 2, tzinfo=dt.timezone.utc)
DAY0 = dt.date(2024, 3, 1)
_RUNS = itertools.count()
ISSUERS = [("0000000011", "ALPHA CORP", "ALP"), ("0000000022", "BETA HOLDINGS INC", "BET"),
           ("0000000033", "GAMMA ENERGY CO", "GAM")]
OWNERS = [("0000000101", "SMITH JANE"), ("0000000102", "DOE JOHN"), ("0000000103", "ALPHA FUND LP")]
FOOTNOTES = ["Sold under a Rule 10b5-1 trading plan.", "Weighted average price.", "Held by a family trust."]


class Corpus:
    """Filings made up load by load, with what each is (issuer, form, date, owners) so that
    amendments can name an earlier filing's date and owners, and re-filed texts keep their id."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.serial = 0
        self.made: dict[str, dict] = {}  # filing_id -> its facts, for the filings now stored
        self.cik_known: set[int] = set()  # issuers some filing has named by CIK

    def filing(self, filing_id: str | None = None, amends: str | None = None) -> dict[str, list[dict]]:
        """The rows of one filing: a new one, a re-filed text of `filing_id`, or an amendment of `amends`."""
        rng = self.rng
        if filing_id is None:
            filing_id = f"f{self.serial:03d}"
            self.serial += 1
        if amends is not None:
            base = self.made[amends]
            issuer, form, owners = base["issuer"], base["form"], base["owners"]
            if rng.random() < 0.2:
                owners = rng.sample(range(len(OWNERS)), 1)  # other owners: pairs with nothing
            facts = dict(issuer=issuer, form=form, owners=owners, filed=base["filed"] + dt.timedelta(rng.randint(1, 9)),
                         period=base["period"], original=base["filed"] if rng.random() < 0.8 else None)
        else:
            facts = dict(issuer=rng.randrange(len(ISSUERS)), form=rng.choice(["4", "4", "8-K"]),
                         owners=rng.sample(range(len(OWNERS)), rng.randint(1, 2)),
                         filed=DAY0 + dt.timedelta(rng.randint(0, 6)), period=DAY0 + dt.timedelta(rng.randint(0, 2)),
                         original=None)
        self.made[filing_id] = facts
        cik, name, ticker = ISSUERS[facts["issuer"]]
        # A filing naming its issuer by name alone makes a name-only company, which a later filing giving
        # the CIK under the same name merges into the CIK's company.
        by_name = facts["issuer"] not in self.cik_known and rng.random() < 0.6
        if not by_name:
            self.cik_known.add(facts["issuer"])
        is_amendment = amends is not None
        form = facts["form"] + ("/A" if is_amendment else "")
        rows: dict[str, list[dict]] = {name_: [] for name_ in FILING_TABLES}
        rows["filings"].append(schema_row(
            "filings", filing_id=filing_id, content_id=f"{filing_id}-{rng.random()}", form_type=form,
            is_amendment=is_amendment, filed_date=facts["filed"], period_of_report=facts["period"],
            date_of_original_submission=facts["original"], issuer_name=name, issuer_cik=None if by_name else cik,
            issuer_ticker=ticker if rng.random() < 0.5 else None,
            aff10b5_one=rng.choice([None, None, True, False]), source_file=f"/in/{filing_id}",
            source_sha256="0" * 64, source_format="ownership_xml", parser_version="t", run_id="r", loaded_at=NOW))
        rows["filing_companies"].append(schema_row(
            "filing_companies", filing_id=filing_id, company_index=0, role="issuer" if form[0] == "4" else "registrant",
            cik=None if by_name else cik, name=name + (" " if rng.random() < 0.3 else ""), ticker=ticker))
        if form.startswith("8-K"):
            codes = rng.sample(["2.02", "8.01", "9.01"], rng.randint(1, 2))
            rows["report_items"] = [schema_row("report_items", filing_id=filing_id, item_index=i, item_code=code,
                                               item_code_current=code, title=f"Item {code}")
                                    for i, code in enumerate(codes)]
            return rows
        for index, owner in enumerate(facts["owners"]):
            rows["reporting_owners"].append(schema_row(
                "reporting_owners", filing_id=filing_id, owner_index=index, owner_cik=OWNERS[owner][0],
                owner_name=OWNERS[owner][1], is_director=rng.random() < 0.5))
        for row in range(rng.randint(0, 3)):
            table = rng.choice(["nonderiv_transactions", "nonderiv_transactions", "deriv_transactions"])
            shares = Decimal(rng.randint(1, 500))
            rows[table].append(schema_row(
                table, filing_id=filing_id, row_index=row, security_title="Common Stock",
                transaction_date=facts["period"], transaction_code=rng.choice("PSMA"), shares=shares,
                acquired_disposed=rng.choice("AD"), price_per_share=rng.choice([None, Decimal("10.5")]),
                shares_owned_after=shares, direct_indirect="D"))
            if rng.random() < 0.5:
                note = rng.randrange(len(FOOTNOTES))
                rows["footnote_refs"].append(schema_row(
                    "footnote_refs", filing_id=filing_id, table_name=table, row_index=row, field="shares",
                    footnote_id=f"F{note + 1}"))
                if not any(f["footnote_id"] == f"F{note + 1}" for f in rows["footnotes"]):
                    rows["footnotes"].append(schema_row("footnotes", filing_id=filing_id, footnote_id=f"F{note + 1}",
                                                        text=FOOTNOTES[note]))
        if rng.random() < 0.3:
            rows["nonderiv_holdings"].append(schema_row("nonderiv_holdings", filing_id=filing_id, row_index=9,
                                                        security_title="Common Stock"))
        return rows


def flags_of(rows: dict[str, list[dict]], run_id: str, rng: random.Random) -> pa.Table:
    flagged = [schema_row("dq_flags", run_id=run_id, expectation="expect_made_up", table_name=table,
                          filing_id=row["filing_id"], row_index=row["row_index"], severity="warn", detail="made up")
               for table in ("nonderiv_transactions", "deriv_transactions") for row in rows[table] if rng.random() < 0.3]
    return TABLES["dq_flags"].to_arrow(flagged)


def load(con: duckdb.DuckDBPyConnection, lake_root: Path, run_id: str, filings: list[dict[str, list[dict]]], replaced: list[str],
         flags: pa.Table | None = None) -> None:
    run_id = f"{run_id}-{next(_RUNS)}"  # a run id committed once is committed for good in this process
    merged = {name: [r for f in filings for r in f[name]] for name in FILING_TABLES}
    for name, rows in merged.items():
        if rows:
            lake.write_part(lake_root, run_id, name, 0, TABLES[name].to_arrow(
                [{**r, "run_id": run_id} if name == "filings" else r for r in rows]))
    plan = warehouse.LoadPlan(
        run_id=run_id, kept_filing_ids=[r["filing_id"] for r in merged["filings"]], replaced_filing_ids=replaced,
        ledger_rows=[], quarantine_rows=[], reprocessed_files=[],
        dq_results=TABLES["dq_results"].arrow_schema().empty_table(),
        dq_flags=flags if flags is not None else TABLES["dq_flags"].arrow_schema().empty_table(),
        run_row=schema_row("runs", run_id=run_id, started_at=NOW, status="running"))
    warehouse.load_run(con, lake_root, plan)


def forget(con: duckdb.DuckDBPyConnection, lake_root: Path, run_id: str, filing_ids: list[str]) -> None:
    warehouse.forget_filings(con, lake_root, f"{run_id}-{next(_RUNS)}", filing_ids, [], NOW)


def stored(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {name: con.execute(f'SELECT * FROM "{name}" ORDER BY ALL').fetchall() for name in views.STORED_VIEWS}


def fresh(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """What computing every stored view whole from the warehouse's rows gives (rolled back)."""
    con.execute("BEGIN TRANSACTION")
    try:
        views.build_stored(con)
        return stored(con)
    finally:
        con.execute("ROLLBACK")


def assert_stored_equal_fresh(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    now = stored(con)
    assert now == fresh(con)
    return now


@pytest.fixture
def con():
    con = duckdb.connect()
    warehouse.ensure_schema(con)
    yield con
    con.close()


# A load: new filings, amendments of stored ones, re-filed texts of stored ones, filings to forget.
LOADS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3), st.integers(0, 2), st.integers(0, 2)),
                 min_size=1, max_size=6)


@pytest.mark.slow  # each load is a real one (companies, search index, lake partitions): about a second
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), loads=LOADS)
def test_stored_views_refreshed_load_by_load_equal_a_fresh_computation(seed, loads):
    rng = random.Random(seed)
    corpus = Corpus(rng)
    with tempfile.TemporaryDirectory() as tmp, duckdb.connect() as con:
        lake_root = Path(tmp) / "lake"
        warehouse.ensure_schema(con)
        for number, (new, amendments, refiled, forgotten) in enumerate(loads):
            run_id = f"r{number}"
            stored_ids = sorted(corpus.made)
            filings = [corpus.filing() for _ in range(new)]
            filings += [corpus.filing(amends=rng.choice(stored_ids)) for _ in range(amendments if stored_ids else 0)]
            again = rng.sample(stored_ids, min(refiled, len(stored_ids)))
            filings += [corpus.filing(filing_id) for filing_id in again]
            flags = TABLES["dq_flags"].to_arrow([])
            for f in filings:
                flags = pa.concat_tables([flags, flags_of(f, run_id, rng)])
            load(con, lake_root, run_id, filings, again, flags)
            assert_stored_equal_fresh(con)
            gone = rng.sample(sorted(corpus.made), min(forgotten, len(corpus.made)))
            if gone:
                forget(con, lake_root, f"forget-{number}", gone)
                for filing_id in gone:
                    del corpus.made[filing_id]
                assert_stored_equal_fresh(con)


def form4(filing_id: str, cik: str | None, filed: dt.date, shares: int, original: dt.date | None = None,
          owner: tuple[str, str] = ("0000000101", "SMITH JANE")) -> dict[str, list[dict]]:
    """A Form 4 (a 4/A when it names the date of its original) of ALPHA CORP by `owner` (CIK, name): one sale."""
    rows: dict[str, list[dict]] = {name: [] for name in FILING_TABLES}
    rows["filings"] = [schema_row(
        "filings", filing_id=filing_id, content_id=filing_id, form_type="4/A" if original else "4",
        is_amendment=original is not None, filed_date=filed, period_of_report=DAY0, date_of_original_submission=original,
        issuer_name="ALPHA CORP", issuer_cik=cik, source_file=filing_id, source_sha256="0" * 64,
        source_format="ownership_xml", parser_version="t", run_id="r", loaded_at=NOW)]
    rows["filing_companies"] = [schema_row("filing_companies", filing_id=filing_id, company_index=0, role="issuer",
                                           cik=cik, name="ALPHA CORP")]
    rows["reporting_owners"] = [schema_row("reporting_owners", filing_id=filing_id, owner_index=0,
                                           owner_cik=owner[0], owner_name=owner[1])]
    rows["nonderiv_transactions"] = [schema_row(
        "nonderiv_transactions", filing_id=filing_id, row_index=0, security_title="Common Stock",
        transaction_date=DAY0, transaction_code="S", shares=Decimal(shares), acquired_disposed="D",
        shares_owned_after=Decimal(1), direct_indirect="D")]
    return rows


def test_amendments_merges_and_forget_change_rows_of_filings_the_load_did_not_bring(con, tmp_path):
    """What a refresh of the run's own filings alone would get wrong: an amendment makes its original's
    rows no longer current, a merge gives earlier filings another company, forgetting an amendment
    makes its original current again."""
    lake_root = tmp_path / "lake"
    load(con, lake_root, "r1", [form4("orig", None, DAY0, 5)], [])
    assert assert_stored_equal_fresh(con)["insider_trades"][0][:5] == (
        "orig", None, "4", DAY0, "name:ALPHA CORPORATION")
    load(con, lake_root, "r2", [form4("amend", "0000000011", DAY0 + dt.timedelta(3), 6, original=DAY0)], [])
    after = assert_stored_equal_fresh(con)
    # Only the amendment's Table I is current; the original's company became the CIK's (a merge).
    assert con.execute("SELECT filing_id, company_id, shares, amendment_version, original_filing_id, "
                       "replaces_filing_id FROM insider_trades").fetchall() == [
        ("amend", "cik:0000000011", Decimal(6), 1, "orig", "orig")]
    assert con.execute("SELECT DISTINCT company_id FROM filings").fetchall() == [("cik:0000000011",)]
    assert after["filing_amendments"] == [("amend", "orig", "orig", "date_of_original_submission", 1)]
    forget(con, lake_root, "forget", ["amend"])
    after = assert_stored_equal_fresh(con)
    assert [r[0] for r in after["insider_trades"]] == ["orig"] and after["amended_sections"] == []


@pytest.mark.parametrize("fault", ["refresh", "load", "wal"])
def test_a_load_failing_leaves_the_stored_views_as_before(con, tmp_path, monkeypatch, fault):
    lake_root = tmp_path / "lake"
    rng = random.Random(11)
    corpus = Corpus(rng)
    load(con, lake_root, "r1", [corpus.filing() for _ in range(8)], [])
    before = assert_stored_equal_fresh(con)
    stored_ids = sorted(corpus.made)
    filings = [corpus.filing() for _ in range(3)] + [corpus.filing(amends=f) for f in stored_ids[:3]]
    filings += [corpus.filing(stored_ids[-1])]
    if fault == "refresh":  # fails half-way through the refresh: insider_trades already rewritten
        monkeypatch.setitem(views.STORED_VIEWS, "derivative_trades", "SELECT no_such_column FROM filings")
        expected = duckdb.BinderException
    else:
        monkeypatch.setattr(faults, "_FAIL", fault)
        expected = OSError
    with pytest.raises(expected):
        load(con, lake_root, "r2", filings, [stored_ids[-1]])
    monkeypatch.undo()
    assert assert_stored_equal_fresh(con) == before
    load(con, lake_root, "r3", filings, [stored_ids[-1]])  # the same load, not failing, changes them
    assert assert_stored_equal_fresh(con) != before


def test_a_warehouse_with_the_views_of_an_older_version_gets_the_stored_tables(tmp_path):
    live, lake_root = tmp_path / "wh.duckdb", tmp_path / "lake"
    warehouse.prepare(live)
    corpus = Corpus(random.Random(5))
    with connections.open_warehouse(live) as con:
        load(con, lake_root, "r1", [corpus.filing() for _ in range(6)], [])
        expected = assert_stored_equal_fresh(con)
        assert sum(map(len, expected.values())) > 0
        # As an older version left it: views of these names, and its own schema stamp.
        con.execute("COMMENT ON TABLE runs IS 'filingflow schema older'")
        for name, query in views.STORED_VIEWS.items():
            con.execute(f'DROP TABLE "{name}"')
            con.execute(f'CREATE VIEW "{name}" AS {query}')
    warehouse.prepare(live)
    with connections.open_warehouse(live) as con:
        kinds = dict(con.execute("SELECT table_name, table_type FROM information_schema.tables").fetchall())
        assert {kinds[name] for name in views.STORED_VIEWS} == {"BASE TABLE"}
        assert assert_stored_equal_fresh(con) == expected
        load(con, lake_root, "r2", [corpus.filing() for _ in range(3)], [])  # and refreshed by the next load
        assert_stored_equal_fresh(con)


def test_a_load_recomputes_the_rows_of_the_filings_it_changed_not_the_warehouse(con, tmp_path):
    lake_root = tmp_path / "lake"
    load(con, lake_root, "r1", [form4(f"f{i}", f"00000000{i:02d}", DAY0, i + 1) for i in range(12)], [])
    load(con, lake_root, "r2", [form4("new", "0000000099", DAY0, 7)], [])
    assert (views.last_refresh["family_filings"], views.last_refresh["filings"]) == (1, 1)
    # A filing of a company already stored: its company key's filings are looked at for amendments,
    # and only the new filing's rows recomputed (the company's CIK, name and ticker are the same).
    load(con, lake_root, "r3", [form4("again", "0000000003", DAY0 + dt.timedelta(1), 7)], [])
    assert (views.last_refresh["family_filings"], views.last_refresh["filings"]) == (2, 1)
    assert_stored_equal_fresh(con)


def test_a_load_looks_at_the_amendment_group_of_its_filings_not_every_filing_of_the_company(con, tmp_path):
    """Amendments pair within one company, form and set of reporting owners: a new filing of one owner
    reads that owner's filings of the company, not those of the company's other owners."""
    lake_root = tmp_path / "lake"
    owners = [(f"00000002{i:02d}", f"OWNER {i}") for i in range(5)]
    load(con, lake_root, "r1", [form4(f"f{i}", "0000000007", DAY0 + dt.timedelta(i), i + 1, owner=owners[i % 5])
                                for i in range(20)], [])
    load(con, lake_root, "r2", [form4("new", "0000000007", DAY0 + dt.timedelta(30), 7, owner=owners[2])], [])
    assert (views.last_refresh["family_filings"], views.last_refresh["filings"]) == (5, 1)
    # An amendment of one of that owner's filings: the group's rows change, the other owners' do not.
    load(con, lake_root, "r3", [form4("amends", "0000000007", DAY0 + dt.timedelta(31), 8, original=DAY0 + dt.timedelta(7),
                                      owner=owners[2])], [])
    assert views.last_refresh["family_filings"] == 6
    assert con.execute("SELECT amends_filing_id FROM filing_amendments WHERE filing_id = 'amends'").fetchone() == ("f7",)
    assert_stored_equal_fresh(con)
    # Another owner's amendment of the same date pairs within its own group only.
    load(con, lake_root, "r4", [form4("amends3", "0000000007", DAY0 + dt.timedelta(32), 9, original=DAY0 + dt.timedelta(8),
                                      owner=owners[3])], [])
    assert con.execute("SELECT amends_filing_id FROM filing_amendments WHERE filing_id = 'amends3'").fetchone() == ("f8",)
    assert views.last_refresh["family_filings"] == 5
    assert_stored_equal_fresh(con)
