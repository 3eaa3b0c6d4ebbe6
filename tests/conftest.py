"""Shared fixtures: real DuckDB files in temp dirs, a demo store built once per session."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from core.models import Actor, Role, Specialty
from db.migrate import migrate

DEMO_TODAY = date.today()

# One store secret for the whole run (db/keys.py): tests copy store files between folders, and the
# audit chain's HMAC must verify in the copy. tests/security/ checks the key-file path on its own.
os.environ.setdefault("BONEMDT_SECRET", "bonemdt-test-secret-not-for-production-0123456789")


@pytest.fixture(autouse=True)
def _fresh_sign_in_throttle() -> None:
    """Per-client sign-in throttling is process state (db/users.py): each test starts clean."""
    from db.users import reset_client_throttle

    reset_client_throttle()


@pytest.fixture
def cur(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A cursor on a freshly migrated store file."""
    con = duckdb.connect(str(tmp_path / "store.duckdb"))
    migrate(con)
    yield con.cursor()
    con.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store built once; tests that write get their own copy (see ``demo_copy``)."""
    from db.demo import load_demo
    from db.users import ensure_demo_users

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = duckdb.connect(str(path))
    migrate(con)
    ensure_demo_users(con)
    load_demo(con, today=DEMO_TODAY)
    con.execute("CHECKPOINT")
    con.close()
    return path


@pytest.fixture
def demo_copy(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, target)
    return target


@pytest.fixture
def demo_cur(demo_copy: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(demo_copy))
    yield con.cursor()
    con.close()


def actor(role: Role, user_id: int = 1, specialty: Specialty | None = None) -> Actor:
    return Actor(user_id=user_id, username=f"{role.value}-test", role=role, specialty=specialty)


@pytest.fixture
def chair() -> Actor:
    return actor(Role.CHAIR, 1, Specialty.MEDICAL_ONCOLOGY)


@pytest.fixture
def coordinator() -> Actor:
    return actor(Role.COORDINATOR, 3, Specialty.COORDINATION)


@pytest.fixture
def member() -> Actor:
    return actor(Role.MEMBER, 2, Specialty.ORTHOPAEDICS)
