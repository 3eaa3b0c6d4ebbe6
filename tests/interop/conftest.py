"""Fixtures of the interop tests: a demo store copy and an empty store, both migrated."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from db.migrate import migrate
from db.users import ensure_demo_users


def ensure_case_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Give ``mdt_case`` every ``Case`` column. ``ecog_limited_by_lesion`` is in the model on main but
    its column comes with the data-entry migration; until that is merged the tests add it here (a
    no-op once the migration has run)."""
    cols = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'mdt_case'").fetchall()}
    if "ecog_limited_by_lesion" not in cols:
        con.execute("DROP INDEX idx_case_patient")
        con.execute("ALTER TABLE mdt_case ADD COLUMN ecog_limited_by_lesion BOOLEAN")
        con.execute("CREATE INDEX idx_case_patient ON mdt_case(patient_id)")


@pytest.fixture
def demo_db(demo_copy: Path) -> Path:
    con = duckdb.connect(str(demo_copy))
    ensure_case_columns(con)
    con.close()
    return demo_copy


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    path = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(path))
    migrate(con)
    ensure_demo_users(con)
    ensure_case_columns(con)
    con.close()
    return path


@pytest.fixture
def empty_cur(empty_db: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(empty_db))
    yield con.cursor()
    con.close()


@pytest.fixture
def demo_cur2(demo_db: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(demo_db))
    yield con.cursor()
    con.close()
