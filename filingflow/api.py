"""The Python API: `import filingflow as ff`.

    filing = ff.read_filing("form4.xml")         # no warehouse: the readers a run uses
    filing.to_pandas("nonderiv_transactions")
    ff.insider_trades(ticker="AAPL", since="2024-01-01")   # from the warehouse, a DataFrame
    con = ff.connect()                           # read-only DuckDB connection

Errors are the types of `filingflow.errors` (re-exported by the package)."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from filingflow.version import PARSER_VERSION
from filingflow.config import resolve
from filingflow.connections import connect_with_fts
from filingflow.errors import InvalidArgument, SeveralFilings, UnknownTable, UnreadableFiling, WarehouseNotFound
from filingflow.schema import FILING_TABLES, TABLES
from transforms.errors import ParseError
from transforms.model import ParsedFiling
from transforms.registry import read_bytes

if TYPE_CHECKING:
    import duckdb
    import pandas as pd


class Filing:
    """One filing read from a file or bytes: `filing` is its `filings` row, `table(name)` the rows of
    any filing table (`nonderiv_transactions`, `reporting_owners`, `report_items`, ...) with the
    warehouse's column types and descriptions."""

    def __init__(self, parsed: ParsedFiling):
        self._parsed = parsed

    @property
    def filing(self) -> dict:
        return dict(self._parsed.filing)

    @property
    def filing_id(self) -> str:
        return self._parsed.filing_id

    @property
    def tables(self) -> list[str]:
        """The filing tables that hold rows of this filing, in schema order."""
        return ["filings"] + [name for name in FILING_TABLES if name != "filings" and self._parsed.rows.get(name)]

    def rows(self, name: str) -> list[dict]:
        _check_table(name)
        return [self.filing] if name == "filings" else [dict(r) for r in self._parsed.rows.get(name, [])]

    def table(self, name: str) -> pa.Table:
        """The rows of filing table `name` (none: an empty table with the schema's columns)."""
        rows = self.rows(name)
        return TABLES[name].to_arrow(rows)

    def to_pandas(self, name: str) -> pd.DataFrame:
        return self.table(name).to_pandas()

    def __repr__(self) -> str:
        f = self._parsed.filing
        counts = ", ".join(f"{n} {len(self._parsed.rows[n])}" for n in self.tables if n != "filings")
        return f"<Filing {f.get('filing_id')} form {f.get('form_type')} of {f.get('issuer_name')!r}: {counts or 'no rows'}>"


def read_filings(source: str | os.PathLike | bytes | bytearray | memoryview, *,
                 max_file_bytes: int | None = None) -> list[Filing]:
    """Every filing of a file (an archive can hold several), read as a run reads it: decoded,
    sniffed and handed to the reader of its shape. Input a run would quarantine raises
    `UnreadableFiling` with the same code. `max_file_bytes`: the limit of the setting of that name."""
    limit = max_file_bytes or resolve().max_file_bytes
    data, path = _bytes_of(source, limit)
    try:
        _, parsed = read_bytes(data, limit)
    except ParseError as exc:
        raise UnreadableFiling(exc.code, exc.detail, stage=exc.stage, source=path) from exc
    except RecursionError as exc:
        raise UnreadableFiling("reader_crash", "nesting too deep to read", source=path) from exc
    digest = hashlib.sha256(data).hexdigest()
    for filing in parsed:
        filing.filing.update(source_sha256=digest, parser_version=PARSER_VERSION)
        filing.filing.setdefault("source_file", path or "<bytes>")
    return [Filing(p) for p in parsed]


def read_filing(source: str | os.PathLike | bytes | bytearray | memoryview, *,
                max_file_bytes: int | None = None) -> Filing:
    """The filing of a file or of bytes (see `read_filings`); input holding several filings
    raises `SeveralFilings`."""
    filings = read_filings(source, max_file_bytes=max_file_bytes)
    if len(filings) > 1:
        raise SeveralFilings(f"the input holds {len(filings)} filings ({', '.join(f.filing_id for f in filings)}): "
                             "use filingflow.read_filings")
    return filings[0]


def connect(warehouse: str | os.PathLike | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection to the warehouse: `warehouse`, else the configured one
    (`--config` file, `FILINGFLOW_WAREHOUSE`, `./filingflow.toml`, default `data/warehouse.duckdb`).
    Close it when done: it keeps the version of the warehouse it opened, and while it is open the
    nightly run waits for it before writing (a bounded time, then the run fails changing nothing)."""
    path = warehouse_path(warehouse)
    if not path.is_file():
        raise WarehouseNotFound(f"no warehouse at {path}: run `filingflow run` first, or pass warehouse=")
    return connect_with_fts(path, read_only=True)


def warehouse_path(warehouse: str | os.PathLike | None = None) -> Path:
    return Path(warehouse).expanduser() if warehouse is not None else resolve().warehouse


def insider_trades(*, cik: str | int | None = None, ticker: str | None = None, owner_cik: str | int | None = None,
                   since: dt.date | str | None = None, until: dt.date | str | None = None,
                   warehouse: str | os.PathLike | None = None) -> pd.DataFrame:
    """Rows of the `insider_trades` view (one per Table I transaction and reporting owner):
    `cik` the issuer's, `ticker` the issuer's symbol (any case), `owner_cik` the reporting
    owner's, `since` / `until` bound the transaction date (inclusive; dates or YYYY-MM-DD)."""
    return _view("insider_trades", "transaction_date", cik=cik, ticker=ticker, owner_cik=owner_cik,
                 since=since, until=until, warehouse=warehouse,
                 order=("transaction_date", "filing_id", "row_index", "owner_index"))


def derivative_trades(*, cik: str | int | None = None, ticker: str | None = None,
                      owner_cik: str | int | None = None, since: dt.date | str | None = None,
                      until: dt.date | str | None = None, warehouse: str | os.PathLike | None = None) -> pd.DataFrame:
    """Rows of the `derivative_trades` view (Table II), filtered as `insider_trades`."""
    return _view("derivative_trades", "transaction_date", cik=cik, ticker=ticker, owner_cik=owner_cik,
                 since=since, until=until, warehouse=warehouse,
                 order=("transaction_date", "filing_id", "row_index", "owner_index"))


def company_events(*, cik: str | int | None = None, ticker: str | None = None,
                   since: dt.date | str | None = None, until: dt.date | str | None = None,
                   warehouse: str | os.PathLike | None = None) -> pd.DataFrame:
    """Rows of the `company_events` view (one per 8-K item): `cik` and `ticker` the company's,
    `since` / `until` bound the event date (inclusive)."""
    return _view("company_events", "event_date", cik=cik, ticker=ticker, since=since, until=until,
                 warehouse=warehouse, order=("event_date", "filing_id", "item_index"))


def _view(name: str, date_column: str, *, cik, ticker, since, until, warehouse, order: Sequence[str],
          owner_cik=None) -> pd.DataFrame:
    cik_column = "issuer_cik" if name != "company_events" else "cik"
    where, params = [], []
    for column, value in ((cik_column, cik), ("owner_cik", owner_cik)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(_cik(value, column))
    if ticker is not None:
        if not isinstance(ticker, str) or not ticker.strip():
            raise InvalidArgument(f"ticker must be a non-empty string, got {ticker!r}")
        where.append("upper(ticker) = ?")
        params.append(ticker.strip().upper())
    first, last = _date(since, "since"), _date(until, "until")
    if first and last and first > last:
        raise InvalidArgument(f"since {first} is after until {last}")
    if first:
        where.append(f"{date_column} >= ?")
        params.append(first)
    if last:
        where.append(f"{date_column} <= ?")
        params.append(last)
    sql = (f"SELECT * FROM {name}" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY " + ", ".join(f"{c} NULLS LAST" for c in order))
    con = connect(warehouse)
    try:
        return con.execute(sql, params).df()
    finally:
        con.close()


def _cik(value: str | int, name: str) -> str:
    from filingflow.identifiers import pad_cik

    cik = pad_cik(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
    if cik is None or len(cik) != 10:
        raise InvalidArgument(f"{name} must be a CIK (up to 10 digits), got {value!r}")
    return cik


def _date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidArgument(f"{name} must be a date (YYYY-MM-DD), got {value!r}") from None


def _bytes_of(source, limit: int) -> tuple[bytes, str | None]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        if len(data) > limit:
            raise UnreadableFiling("file_too_large", f"{len(data)} bytes is over the per-file limit of {limit} bytes",
                                   stage="read")
        return data, None
    if not isinstance(source, (str, os.PathLike)):
        raise InvalidArgument(f"read_filing takes a path or bytes, not {type(source).__name__}")
    path = Path(source).expanduser()
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise UnreadableFiling("missing_input", "no such file", stage="read", source=str(path)) from None
    except IsADirectoryError:
        raise UnreadableFiling("not_a_regular_file", "a folder, not a file", stage="read", source=str(path)) from None
    except OSError as exc:
        raise UnreadableFiling("unreadable_file", f"{type(exc).__name__}: {exc.strerror or exc}", stage="read",
                               source=str(path)) from None
    if len(data) > limit:
        raise UnreadableFiling("file_too_large", f"over the per-file limit of {limit} bytes", stage="read",
                               source=str(path))
    return data, str(path.resolve())


def _check_table(name: str) -> None:
    if name not in FILING_TABLES:
        raise UnknownTable(f"{name!r} is not a filing table; filing tables: {', '.join(FILING_TABLES)}")
