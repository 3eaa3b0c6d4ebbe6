"""Fixtures of the interop tests: a demo store copy and an empty store, both migrated, on the
selected backend (tests/conftest.py): ``demo_db`` and ``empty_db`` are store targets (a DuckDB file
path or a PostgreSQL URL), ``demo_cur2`` and ``empty_cur`` sessions on them."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from db.connection import connect, is_postgres
from tests.conftest import Stores


def ensure_case_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Give ``mdt_case`` every ``Case`` column. ``ecog_limited_by_lesion`` is in the model on main but
    its column comes with the data-entry migration; until that is merged the tests add it here (a
    no-op once the migration has run)."""
    sql = "SELECT column_name FROM information_schema.columns WHERE table_name = 'mdt_case'"
    cols = {r[0] for r in con.execute(sql).fetchall()}
    if "ecog_limited_by_lesion" in cols:
        return
    if is_postgres(con):
        con.execute("ALTER TABLE mdt_case ADD COLUMN ecog_limited_by_lesion BOOLEAN")
        return
    con.execute("DROP INDEX idx_case_patient")  # DuckDB alters no table that has an index
    con.execute("ALTER TABLE mdt_case ADD COLUMN ecog_limited_by_lesion BOOLEAN")
    con.execute("CREATE INDEX idx_case_patient ON mdt_case(patient_id)")


def _with_case_columns(target: str) -> str:
    con = connect(target)
    ensure_case_columns(con)
    con.close()
    return target


@pytest.fixture
def demo_db(stores: Stores) -> str:
    return _with_case_columns(stores.demo())


@pytest.fixture
def empty_db(stores: Stores) -> str:
    return _with_case_columns(stores.empty())


@pytest.fixture
def empty_cur(empty_db: str) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(empty_db)
    yield con.cursor()
    con.close()


@pytest.fixture
def demo_cur2(demo_db: str) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(demo_db)
    yield con.cursor()
    con.close()
