"""The one place a store connection is made: DuckDB (a file, the default) or PostgreSQL.

``BONEMDT_DB`` names the store: a file path keeps the embedded DuckDB store; a
``postgresql://…`` URL selects PostgreSQL through db/dialect.py, which gives a PostgreSQL
session the DuckDB API the rest of db/ uses.

One process owns a DuckDB store file (DuckDB locks it). The Streamlit server opens it once
(``st.cache_resource`` in pages/components/guard.py) and gives every script run its own
``cursor()``; writes go through :func:`transaction`, which also serialises writers inside the
process so the audit hash chain never forks.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import duckdb

from core.errors import ConflictError
from db import dialect

DB_ENV = "BONEMDT_DB"
DEFAULT_DB = Path("data") / "bonemdt.duckdb"

_WRITE_LOCK = threading.RLock()
_tx_depth = threading.local()


def utc_now() -> datetime:
    """The store's clock: naive UTC to the second (what every TIMESTAMP column holds)."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def default_db_path() -> Path:
    return Path(os.environ.get(DB_ENV) or DEFAULT_DB)


def store_target(path: str | os.PathLike[str] | None = None) -> str | Path:
    """The store ``path`` (or ``BONEMDT_DB``) names: a PostgreSQL URL as it is, else a file path."""
    if path is None:
        path = os.environ.get(DB_ENV) or DEFAULT_DB
    return str(path) if dialect.is_postgres(str(path)) else Path(path)


def default_store() -> str:
    """The store the app opens, as one string: the PostgreSQL URL, or the absolute file path."""
    named = store_target()
    return named if isinstance(named, str) else str(named.resolve())


def is_postgres(cur: object) -> bool:
    """Whether this connection is a PostgreSQL session (db/dialect.py)."""
    return isinstance(cur, dialect.PgConnection)


def connect(path: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store. The caller owns the connection.

    A ``postgresql://`` URL gives a :class:`db.dialect.PgConnection`: typed as DuckDB's
    connection because it offers the part of that API the store code uses."""
    named = store_target(path)
    if isinstance(named, str):
        return cast(duckdb.DuckDBPyConnection, dialect.connect(named))
    target = named
    if str(target) != ":memory:":
        target.parent.mkdir(parents=True, exist_ok=True)
    return duckdb.connect(str(target), read_only=read_only)


def _is_conflict(exc: Exception) -> bool:
    text = str(exc).lower()
    return isinstance(exc, duckdb.TransactionException) or "conflict" in text


@contextmanager
def transaction(cur: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one short transaction; roll back on any error.

    Nested use joins the outer transaction. A write-write conflict with another session
    becomes :class:`ConflictError` with a message a clinician can act on.
    """
    depth = getattr(_tx_depth, "n", 0)
    if depth:
        _tx_depth.n = depth + 1
        try:
            yield cur
        finally:
            _tx_depth.n = depth
        return
    with _WRITE_LOCK:
        cur.begin()
        _tx_depth.n = 1
        try:
            if isinstance(cur, dialect.PgConnection):
                cur.lock_writers()  # replicas share the store: one writer at a time across them
            yield cur
        except BaseException as exc:
            _tx_depth.n = 0
            cur.rollback()
            if isinstance(exc, duckdb.Error) and _is_conflict(exc):
                raise ConflictError(
                    "Someone else changed this record at the same time; nothing was saved. Reload and try again."
                ) from exc
            raise
        else:
            _tx_depth.n = 0
            try:
                cur.commit()
            except duckdb.Error as exc:
                if _is_conflict(exc):
                    raise ConflictError(
                        "Someone else changed this record at the same time; nothing was saved. Reload and try again."
                    ) from exc
                raise
