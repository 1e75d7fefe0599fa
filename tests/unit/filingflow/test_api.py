"""The Python API without a warehouse: read_filing / read_filings, the filing object, its errors,
and the argument checks and warehouse resolution of the warehouse functions."""
from __future__ import annotations

import io
import tarfile
import zipfile
from decimal import Decimal

import pyarrow as pa
import pytest

import filingflow as ff
from conftest import SEED_8K, SEED_FORM4
from filingflow import api, errors
from filingflow.schema import TABLES


def test_public_names_are_listed_and_resolve():
    for name in ff.__all__:
        assert getattr(ff, name) is not None, name
    assert {"read_filing", "connect", "insider_trades", "company_events", "FilingflowError"} <= set(ff.__all__)
    assert ff.read_filing is api.read_filing and ff.UnreadableFiling is errors.UnreadableFiling
    with pytest.raises(AttributeError):
        ff.no_such_name  # noqa: B018


def test_read_filing_from_a_path():
    filing = ff.read_filing(SEED_FORM4)
    assert filing.filing["form_type"] == "4"
    assert filing.filing["issuer_ticker"] == "AIV"
    assert filing.filing["source_file"] == str(SEED_FORM4.resolve())
    assert filing.filing["source_format"] == "ownership_text_rendering"
    assert filing.filing["parser_version"] == ff.PARSER_VERSION
    assert len(filing.filing["source_sha256"]) == 64
    assert filing.tables == ["filings", "filing_companies", "reporting_owners", "nonderiv_transactions",
                             "deriv_transactions", "footnotes", "footnote_refs", "signatures"]


def test_table_is_built_through_the_schema():
    filing = ff.read_filing(SEED_FORM4)
    table = filing.table("nonderiv_transactions")
    assert isinstance(table, pa.Table)
    assert table.schema == TABLES["nonderiv_transactions"].arrow_schema()
    assert table.schema.field("shares").metadata[b"description"].startswith(b"Number of securities")
    assert table.num_rows == 10
    assert table["filing_id"].to_pylist() == [filing.filing_id] * 10
    first = table.slice(0, 1).to_pylist()[0]
    assert (first["transaction_code"], first["shares"], first["price_per_share"], first["acquired_disposed"]) == (
        "S", Decimal("5500"), Decimal("54"), "D")
    frame = filing.to_pandas("nonderiv_transactions")
    assert list(frame["transaction_code"]) == ["S"] * 5 + ["M"] + ["S"] * 4
    assert filing.table("filings").num_rows == 1
    assert filing.table("report_items").num_rows == 0  # a table the filing has no rows in: empty, same columns
    assert filing.table("report_items").schema == TABLES["report_items"].arrow_schema()
    owners = filing.to_pandas("reporting_owners")
    assert owners.loc[0, "owner_name"] == "HERZOG THOMAS M" and bool(owners.loc[0, "is_officer"])


def test_rows_are_copies():
    filing = ff.read_filing(SEED_FORM4)
    filing.filing["form_type"] = "changed"
    filing.rows("nonderiv_transactions")[0]["shares"] = None
    assert filing.filing["form_type"] == "4"
    assert filing.table("nonderiv_transactions")["shares"][0].as_py() == Decimal("5500")


def test_read_filing_from_bytes_reads_the_same_rows():
    from_path, from_bytes = ff.read_filing(SEED_8K), ff.read_filing(SEED_8K.read_bytes())
    assert from_bytes.filing_id == from_path.filing_id
    assert from_bytes.table("report_items").equals(from_path.table("report_items"))
    assert from_bytes.filing["source_file"] == "<bytes>"
    assert from_bytes.filing.get("source_member") is None


def test_unknown_table_is_the_products_error():
    with pytest.raises(ff.UnknownTable, match="'insider_trades' is not a filing table"):
        ff.read_filing(SEED_FORM4).table("insider_trades")
    with pytest.raises(KeyError):  # also what a dict-like lookup would raise
        ff.read_filing(SEED_FORM4).table("nope")


@pytest.mark.parametrize("data, code, stage", [
    (b"", "empty_file", "read"),
    (b"\x00\x01\x02\x03" * 100, "binary_content", "read"),
    (b"just some words that are no filing\n", "unrecognized_format", "sniff"),
])
def test_bad_input_raises_with_the_quarantine_code(data, code, stage):
    with pytest.raises(ff.UnreadableFiling) as caught:
        ff.read_filing(data)
    assert (caught.value.code, caught.value.stage) == (code, stage)
    assert isinstance(caught.value, ff.FilingflowError) and isinstance(caught.value, ValueError)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ff.UnreadableFiling) as caught:
        ff.read_filing(tmp_path / "absent.txt")
    assert caught.value.code == "missing_input" and caught.value.source.endswith("absent.txt")
    with pytest.raises(ff.UnreadableFiling, match="not_a_regular_file"):
        ff.read_filing(tmp_path)
    with pytest.raises(ff.InvalidArgument):
        ff.read_filing(12345)


def test_size_limit(tmp_path):
    with pytest.raises(ff.UnreadableFiling) as caught:
        ff.read_filing(SEED_FORM4, max_file_bytes=100)
    assert caught.value.code == "file_too_large"


def _zip(*files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, path in files:
            archive.writestr(name, path.read_bytes())
    return buffer.getvalue()


def test_archive_members_are_recorded(tmp_path):
    data = _zip(("2024/q1/form4.txt", SEED_FORM4), ("8k/report.txt", SEED_8K))
    with pytest.raises(ff.SeveralFilings, match="holds 2 filings"):
        ff.read_filing(data)
    filings = ff.read_filings(data)
    assert [f.filing["source_member"] for f in filings] == ["2024/q1/form4.txt", "8k/report.txt"]
    assert [f.filing["form_type"] for f in filings] == ["4", "8-K"]
    tar_path = tmp_path / "one.tar"
    with tarfile.open(tar_path, "w") as archive:
        archive.add(SEED_FORM4, arcname="inside/seed.txt")
    one = ff.read_filing(tar_path)
    assert one.filing["source_member"] == "inside/seed.txt"
    assert one.filing["source_file"] == str(tar_path.resolve())
    assert one.table("filings")["source_member"].to_pylist() == ["inside/seed.txt"]


def test_plain_file_has_no_member():
    assert ff.read_filing(SEED_FORM4).table("filings")["source_member"].to_pylist() == [None]


def test_connect_without_a_warehouse(tmp_path):
    with pytest.raises(ff.WarehouseNotFound, match="no warehouse at"):
        ff.connect(tmp_path / "w.duckdb")
    with pytest.raises(FileNotFoundError):
        ff.insider_trades(warehouse=tmp_path / "w.duckdb")


def test_warehouse_comes_from_the_settings(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FILINGFLOW_CONFIG", raising=False)
    monkeypatch.delenv("FILINGFLOW_WAREHOUSE", raising=False)
    assert api.warehouse_path() == api.Path("data/warehouse.duckdb")
    (tmp_path / "filingflow.toml").write_text('[paths]\nwarehouse = "store/w.duckdb"\n')
    assert api.warehouse_path() == tmp_path.resolve() / "store" / "w.duckdb"
    monkeypatch.setenv("FILINGFLOW_WAREHOUSE", str(tmp_path / "env.duckdb"))
    assert api.warehouse_path() == tmp_path / "env.duckdb"
    assert api.warehouse_path(tmp_path / "given.duckdb") == tmp_path / "given.duckdb"
    with pytest.raises(ff.WarehouseNotFound, match="env.duckdb"):
        ff.connect()


@pytest.mark.parametrize("kwargs, message", [
    ({"since": "yesterday"}, "since must be a date"),
    ({"until": "2024-13-01"}, "until must be a date"),
    ({"since": "2024-02-01", "until": "2024-01-01"}, "since 2024-02-01 is after until 2024-01-01"),
    ({"cik": "abc"}, "issuer_cik must be a CIK"),
    ({"owner_cik": 12345678901}, "owner_cik must be a CIK"),
    ({"ticker": " "}, "ticker must be a non-empty string"),
])
def test_bad_arguments_are_refused_before_the_warehouse_is_opened(tmp_path, kwargs, message):
    with pytest.raises(ff.InvalidArgument, match=message):
        ff.insider_trades(warehouse=tmp_path / "absent.duckdb", **kwargs)


def test_config_error_is_a_filingflow_error():
    from filingflow.config import ConfigError, resolve

    assert ConfigError is ff.ConfigError
    with pytest.raises(ff.FilingflowError):
        resolve({"max_file_bytes": 0})
