"""The demo store the demo tests read (tests/db/test_demo*.py): built once per module on the
selected backend, with a view of each case's current clinical values beside its header."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pytest

from core.assessments import ASSESSED_FIELDS
from db.assessments import wide_sql
from db.connection import connect
from db.demo import DemoSummary, load_demo
from db.migrate import migrate
from tests.conftest import BACKEND

TODAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    if BACKEND == "postgresql":
        cluster = request.getfixturevalue("pg_cluster")
        cur = connect(cluster.url(cluster.create(request.getfixturevalue("pg_migrated"))))
    else:
        cur = duckdb.connect(str(tmp_path_factory.mktemp("demo") / "t.duckdb"))
        migrate(cur)
    summary = load_demo(cur, today=TODAY)
    # The clinical values live in dated assessments; the checks read them beside the case header.
    cur.execute(
        "CREATE TEMP VIEW case_clinical AS SELECT c.*, "
        + ", ".join(f"a.{f}" for f in ASSESSED_FIELDS)
        + " FROM mdt_case c LEFT JOIN ("
        + wide_sql()
        + ") a USING (case_id)"
    )
    yield cur, summary
    cur.close()


@pytest.fixture
def cur(store: Any) -> duckdb.DuckDBPyConnection:
    return store[0]


@pytest.fixture
def summary(store: Any) -> DemoSummary:
    return store[1]


def q(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[tuple]:
    return cur.execute(sql, params or []).fetchall()


def one(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    return q(cur, sql, params)[0][0]


def rows(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict]:
    result = cur.execute(sql, params or [])
    names = [d[0] for d in result.description or []]
    return [dict(zip(names, r, strict=True)) for r in result.fetchall()]
