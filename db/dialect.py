"""PostgreSQL behind the DuckDB API the store code uses: the one place the two dialects differ.

``BONEMDT_DB=postgresql://…`` selects PostgreSQL (db/connection.py). The store code is written
against DuckDB's connection API and SQL; :class:`PgConnection` gives a psycopg connection the
subset of that API the code uses (``execute`` returning itself with ``fetchone``/``fetchall``/
``description``/``df``, ``executemany``, ``begin``/``commit``/``rollback``, ``cursor``,
``register``), turns ``?`` placeholders into psycopg's, and raises DuckDB's exception classes so
``except duckdb.ConstraintException`` means the same on both engines.

Queries are written once in SQL both engines accept where one exists. The few DuckDB functions
the queries still use (``list_contains``, ``len``, ``contains``, ``date_diff``, ``median``,
``list``, ``range``, ``json_extract_string``, ``from_json``) are created on PostgreSQL as small SQL
functions by :data:`COMPAT_SQL` (run by db/migrate.py before the migrations), so no query is
rewritten at run time beyond its placeholders.

Writers: DuckDB serialises them inside the one process that owns the file. On PostgreSQL several
replicas share the store, so every write transaction first takes one transaction-scoped advisory
lock (:data:`WRITE_LOCK_KEY`): the audit chain's next link, agenda positions and re-listing are
computed by one writer at a time across replicas, and ``row_version`` checks catch stale edits.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

PG_SCHEMES = ("postgresql://", "postgres://")
WRITE_LOCK_KEY = 0x426F6E65  # "Bone": the advisory lock every write transaction takes first
MIGRATE_LOCK_KEY = 0x426F6E66  # held while one replica migrates the store
POOL_SIZE = 8


_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def ident(name: str) -> str:
    """A table or column name from the store's own catalogue, quoted; anything else is refused
    (identifiers cannot be query parameters, so they are checked instead)."""
    if not _NAME.match(name):
        raise ValueError("not a store identifier: " + repr(name))
    return '"' + name + '"'


def is_postgres(target: object) -> bool:
    return isinstance(target, str) and target.startswith(PG_SCHEMES)


def dialect_of(cur: object) -> str:
    return "postgresql" if isinstance(cur, PgConnection) else "duckdb"


# ---------------------------------------------------------------------------------------------
# SQL: placeholders and the DuckDB functions the queries use

_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|\?|%")


def placeholders(sql: str) -> str:
    """``?`` -> ``%s`` outside quotes and comments; every ``%`` -> ``%%`` (psycopg's escape)."""

    def swap(m: re.Match[str]) -> str:
        tok = m.group(0)
        if tok == "?":
            return "%s"
        return tok.replace("%", "%%")

    return _TOKEN.sub(swap, sql)


COMPAT_SQL = r"""
CREATE OR REPLACE FUNCTION list_contains(anyarray, anyelement) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS 'SELECT $2 = ANY($1)';
CREATE OR REPLACE FUNCTION list_contains(bigint[], integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS 'SELECT $2 = ANY($1)';
CREATE OR REPLACE FUNCTION list_contains(text[], character varying) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS 'SELECT $2 = ANY($1)';
CREATE OR REPLACE FUNCTION len(anyarray) RETURNS integer
    LANGUAGE sql IMMUTABLE AS 'SELECT coalesce(cardinality($1), 0)';
CREATE OR REPLACE FUNCTION contains(text, text) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS 'SELECT strpos($1, $2) > 0';
CREATE OR REPLACE FUNCTION date_diff(part text, a date, b date) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE lower(part)
        WHEN 'day' THEN (b - a)::bigint
        WHEN 'month' THEN ((extract(year FROM b) - extract(year FROM a)) * 12
                           + extract(month FROM b) - extract(month FROM a))::bigint
        WHEN 'year' THEN (extract(year FROM b) - extract(year FROM a))::bigint
    END $$;
CREATE OR REPLACE FUNCTION range(bigint) RETURNS SETOF bigint
    LANGUAGE sql IMMUTABLE AS 'SELECT generate_series(0, $1 - 1)';
CREATE OR REPLACE FUNCTION json_extract_string(text, text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN $2 = '$' THEN ($1::json #>> '{}') END $$;
CREATE OR REPLACE FUNCTION from_json(text, text) RETURNS text[]
    LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY(SELECT json_array_elements_text($1::json)) $$;
CREATE OR REPLACE FUNCTION bonemdt_median_final(double precision[]) RETURNS double precision
    LANGUAGE sql IMMUTABLE AS $$
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY v) FROM unnest($1) AS v $$;
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'median' AND prokind = 'a') THEN
        CREATE AGGREGATE median(double precision) (
            SFUNC = array_append, STYPE = double precision[], FINALFUNC = bonemdt_median_final);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'list' AND prokind = 'a') THEN
        CREATE AGGREGATE list(anycompatible) (SFUNC = array_append, STYPE = anycompatiblearray);
    END IF;
END $$;
"""


# ---------------------------------------------------------------------------------------------
# Errors: psycopg's become DuckDB's


def _duckdb_error(exc: Exception) -> duckdb.Error:
    import psycopg.errors as pe

    text = str(exc).strip()
    if isinstance(exc, pe.SerializationFailure | pe.DeadlockDetected | pe.LockNotAvailable):
        return duckdb.TransactionException("TransactionContext Error: conflict: " + text)
    if isinstance(exc, pe.IntegrityError):
        return duckdb.ConstraintException("Constraint Error: " + text)
    if isinstance(exc, pe.RaiseException):
        return duckdb.InvalidInputException("Invalid Input Error: " + text)
    if isinstance(exc, pe.DataError):
        return duckdb.ConversionException("Conversion Error: " + text)
    if isinstance(exc, pe.SyntaxError | pe.UndefinedTable | pe.UndefinedColumn | pe.UndefinedFunction):
        return duckdb.CatalogException("Catalog Error: " + text)
    if isinstance(exc, pe.OperationalError):
        return duckdb.IOException("IO Error: " + text)
    return duckdb.Error(text)


# ---------------------------------------------------------------------------------------------
# The connection


def _open(dsn: str) -> Any:
    import psycopg
    from psycopg.types.numeric import Int8Dumper

    try:
        conn = psycopg.connect(dsn, autocommit=True, cursor_factory=psycopg.ClientCursor, options="-c TimeZone=UTC")
    except psycopg.Error as exc:
        raise _duckdb_error(exc) from exc
    conn.adapters.register_dumper(int, Int8Dumper)  # Python ints (and lists of them) as BIGINT
    # A pooled session (see _Pool): psycopg's own convention for pooled connections, so one a
    # script run dropped inside a reference cycle is finalised without an "unclosed" warning
    # (the garbage collector may finalise it before the PgConnection that would return it).
    conn._pool = None
    return conn


class _Pool:
    """Idle sessions of one store, reused by :meth:`PgConnection.cursor` (one per script run)."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self._idle: queue.LifoQueue[Any] = queue.LifoQueue(POOL_SIZE)
        self.closed = False

    def take(self) -> Any:
        try:
            conn = self._idle.get_nowait()
        except queue.Empty:
            return _open(self.dsn)
        if conn.closed or conn.info.transaction_status != 0:  # 0: IDLE
            conn.close()
            return _open(self.dsn)
        return conn

    def give(self, conn: Any) -> None:
        if conn.closed:
            return
        if self.closed:
            conn.close()
            return
        if conn.info.transaction_status != 0:
            try:
                conn.rollback()
            except Exception:
                conn.close()
                return
        try:
            self._idle.put_nowait(conn)
        except queue.Full:
            conn.close()

    def close(self) -> None:
        self.closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return


class PgConnection:
    """A PostgreSQL session with the DuckDB connection API the store code uses.

    It holds a server connection only while it needs one: during a transaction (BEGIN .. COMMIT or
    ROLLBACK), while a registered frame (a temporary table) or a session lock lives, and for the
    statement itself. Between statements the connection goes back to the store's pool, so a page
    run, a cached read or a fragment that keeps its cursor does not keep a server process busy
    (results are fetched to the client with the statement)."""

    def __init__(self, dsn: str, *, pool: _Pool | None = None) -> None:
        self.dsn = dsn
        self._pool = pool or _Pool(dsn)
        self._owns_pool = pool is None
        self._conn: Any = None
        self._closed = False
        self._temp: set[str] = set()  # registered frames: temporary tables on this connection
        self._locks = 0  # session-level advisory locks held
        self._cur: Any = None
        if self._owns_pool:
            self._settle(self.raw)  # a wrong URL or password fails here, as DuckDB's connect does

    # -- sessions
    def cursor(self) -> PgConnection:
        """A new session on the same store (DuckDB: a cursor is its own connection)."""
        return PgConnection(self.dsn, pool=self._pool)

    def close(self) -> None:
        self._closed = True
        conn, self._conn = self._conn, None
        self._temp.clear()
        self._locks = 0
        if conn is not None:
            self._pool.give(conn)
        if self._owns_pool:
            self._pool.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # interpreter shutdown
            self.close()

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def raw(self) -> Any:
        """The psycopg connection (COPY, pg-specific work), taken from the pool when not held."""
        if self._closed:
            raise duckdb.ConnectionException("Connection Error: Connection already closed!")
        if self._conn is None:
            self._conn = self._pool.take()
        return self._conn

    @property
    def holds_connection(self) -> bool:
        """Whether a server connection is held now (tests, diagnostics)."""
        return self._conn is not None

    def _settle(self, conn: Any) -> None:
        """Give the connection back when nothing lives on it: no transaction, no pin."""
        if (
            self._conn is conn and not self._temp and not self._locks and not conn.closed and conn.info.transaction_status == 0
        ):  # IDLE
            self._conn = None
            self._pool.give(conn)

    @contextlib.contextmanager
    def session_lock(self, key: int) -> Iterator[None]:
        """A session-level advisory lock held for the block (the connection stays with it)."""
        self._locks += 1
        try:
            self.execute("SELECT pg_advisory_lock(?)", [key])
            try:
                yield
            finally:
                self.execute("SELECT pg_advisory_unlock(?)", [key])
        finally:
            self._locks -= 1
            if self._conn is not None:
                self._settle(self._conn)

    # -- statements
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> PgConnection:
        import psycopg

        conn = self.raw
        try:
            if params is None:
                self._cur = conn.execute(sql)
            else:
                self._cur = conn.execute(placeholders(sql), _params(params))
        except psycopg.Error as exc:
            raise _duckdb_error(exc) from exc
        finally:
            self._settle(conn)
        return self

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> PgConnection:
        import psycopg

        conn = self.raw
        try:
            with conn.cursor() as cur:
                cur.executemany(placeholders(sql), [_params(r) for r in rows])
        except psycopg.Error as exc:
            raise _duckdb_error(exc) from exc
        finally:
            self._settle(conn)
        self._cur = None
        return self

    def sql(self, sql: str) -> PgConnection:
        return self.execute(sql)

    # A statement without a result (INSERT, UPDATE, DELETE without RETURNING) answers, like
    # DuckDB, with one row holding the number of rows it changed.
    def _changed(self) -> int | None:
        if self._cur is None or self._cur.description is not None or self._cur.rowcount < 0:
            return None
        return int(self._cur.rowcount)

    def fetchone(self) -> tuple[Any, ...] | None:
        changed = self._changed()
        if changed is not None:
            self._cur = None
            return (changed,)
        return None if self._cur is None or self._cur.description is None else self._cur.fetchone()

    def fetchall(self) -> list[tuple[Any, ...]]:
        changed = self._changed()
        if changed is not None:
            self._cur = None
            return [(changed,)]
        return [] if self._cur is None or self._cur.description is None else self._cur.fetchall()

    @property
    def description(self) -> list[tuple[Any, ...]] | None:
        if self._changed() is not None:
            return [("Count", 20, None, None, None, None, None)]
        if self._cur is None or self._cur.description is None:
            return None
        return [(d.name, d.type_code, None, None, None, None, None) for d in self._cur.description]

    def df(self) -> pd.DataFrame:
        return _frame(self.fetchall(), self.description or [])

    fetchdf = df

    # -- transactions
    def begin(self) -> None:
        self.execute("BEGIN")

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        if self._conn is not None and not self._conn.closed:
            self.execute("ROLLBACK")

    def lock_writers(self) -> None:
        """Wait for the store's write lock (released at commit or rollback)."""
        self.execute("SELECT pg_advisory_xact_lock(?)", [WRITE_LOCK_KEY])

    # -- a DataFrame as a table (DuckDB's replacement scan)
    def register(self, name: str, frame: pd.DataFrame) -> PgConnection:
        columns = ", ".join(ident(c) + " " + _pg_type(frame[c]) for c in frame.columns)
        self._temp.add(name)  # the temporary table lives on this connection until unregister
        self.execute("DROP TABLE IF EXISTS pg_temp." + ident(name))
        self.execute("CREATE TEMP TABLE " + ident(name) + " (" + columns + ")")
        cols = ", ".join(ident(c) for c in frame.columns)
        with self.raw.cursor() as cur, cur.copy("COPY " + ident(name) + " (" + cols + ") FROM STDIN") as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row([_cell(v) for v in row])
        return self

    def append(self, table: str, frame: pd.DataFrame, *, by_name: bool = False) -> PgConnection:
        """Rows of ``frame`` into ``table`` by column name (one COPY)."""
        cols = ", ".join(ident(c) for c in frame.columns)
        import psycopg

        conn = self.raw
        try:
            with conn.cursor() as cur, cur.copy("COPY " + ident(table) + " (" + cols + ") FROM STDIN") as copy:
                for row in frame.itertuples(index=False, name=None):
                    copy.write_row([_cell(v) for v in row])
        except psycopg.Error as exc:
            raise _duckdb_error(exc) from exc
        finally:
            self._settle(conn)
        return self

    def unregister(self, name: str) -> PgConnection:
        self._temp.discard(name)
        return self.execute("DROP TABLE IF EXISTS pg_temp." + ident(name))


def _cell(value: Any) -> Any:
    """A DataFrame cell for COPY: missing as NULL, numpy scalars as Python values, and a whole
    float as an int (pandas turns an integer column with a missing value into floats)."""
    if _missing(value):
        return None
    value = _plain(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def _pg_type(series: pd.Series) -> str:
    kind = series.dtype.kind
    if kind == "b":
        return "BOOLEAN"
    if kind in "iu":
        return "BIGINT"
    if kind == "f":
        return "DOUBLE PRECISION"
    if kind == "M":
        return "TIMESTAMP"
    sample = next((v for v in series if not _missing(v)), None)
    if isinstance(sample, bool):
        return "BOOLEAN"
    if isinstance(sample, int):
        return "BIGINT"
    if isinstance(sample, datetime):
        return "TIMESTAMP"
    if isinstance(sample, date):
        return "DATE"
    return "TEXT"


def _params(params: Sequence[Any] | dict[str, Any]) -> Sequence[Any] | dict[str, Any]:
    if isinstance(params, dict):
        return {k: _param(v) for k, v in params.items()}
    return [_param(v) for v in params]


def _param(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


_DATES = {1082, 1114, 1184}  # date, timestamp, timestamptz
_FLOATS = {700, 701, 1700}  # float4, float8, numeric
_INTS = {20, 21, 23}
_BOOL = 16


def _frame(rows: list[tuple[Any, ...]], description: list[tuple[Any, ...]]) -> pd.DataFrame:
    """Rows typed as DuckDB's ``df()`` types them (dates as datetime64, decimals as float64)."""
    names = [d[0] for d in description]
    frame = pd.DataFrame.from_records(rows, columns=names) if rows else pd.DataFrame({n: [] for n in names})
    for i, (_name, oid, *_rest) in enumerate(description):
        col = frame.iloc[:, i]
        nulls = bool(col.isna().any())
        if oid in _DATES:
            frame.isetitem(i, pd.to_datetime(col).astype("datetime64[us]"))
        elif oid in _FLOATS:
            frame.isetitem(i, col.astype("float64"))
        elif oid in _INTS:
            frame.isetitem(i, col.astype("Int64" if nulls else "int64"))
        elif oid == _BOOL:
            frame.isetitem(i, col.astype("boolean" if nulls else "bool"))
    return frame


# ---------------------------------------------------------------------------------------------
# Sequences


def sequence_values(cur: Any) -> dict[str, int]:
    """The last value drawn from each sequence (0: none drawn yet)."""
    if isinstance(cur, PgConnection):
        rows = cur.execute("SELECT sequencename, coalesce(last_value, 0) FROM pg_sequences WHERE schemaname = 'public'")
    else:
        rows = cur.execute("SELECT sequence_name, coalesce(last_value, 0) FROM duckdb_sequences()")
    return {str(name): int(value) for name, value in rows.fetchall()}


def advance_sequence(cur: Any, sequence: str, past: int) -> None:
    """Let ``sequence`` hand out ids above ``past`` (it never goes back)."""
    last = sequence_values(cur).get(sequence, 0)
    if past <= last:
        return
    if isinstance(cur, PgConnection):
        cur.execute("SELECT setval(?, ?)", [sequence, past]).fetchall()
    else:  # DuckDB cannot restart a sequence: draw it past the ids instead
        cur.execute("SELECT max(nextval(?)) FROM range(?)", [sequence, past - last]).fetchall()


def connect(dsn: str) -> PgConnection:
    return PgConnection(dsn)


def database_url_env() -> str | None:
    value = os.environ.get("BONEMDT_DB", "")
    return value if is_postgres(value) else None
