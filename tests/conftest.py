"""Shared fixtures: real DuckDB files in temp dirs, a demo store built once per session.

``BONEMDT_TEST_BACKEND=postgresql`` runs the store fixtures (``cur``, ``demo_cur``, ``stores``,
``demo_source`` and the page and interop fixtures built on them) on PostgreSQL instead: a throwaway
cluster (initdb in a temp dir, loopback port) started once per session, a migrated template
database and a demo template database, and a fresh database copied from one of them for each test
(or module). A store is named by its *target*: a DuckDB file path or a ``postgresql://`` URL, which
``db.connection.connect`` opens and ``BONEMDT_DB`` / ``--db`` accept alike.
"""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TypeVar

import duckdb
import pytest

from core.models import Actor, Role, Specialty
from db.migrate import migrate
from db.pg_local import PgCluster, free_port, os_user, pg_bin

DEMO_TODAY = date.today()

# One store secret for the whole run (db/keys.py): tests copy store files between folders, and the
# audit chain's HMAC must verify in the copy. tests/security/ checks the key-file path on its own.
os.environ.setdefault("BONEMDT_SECRET", "bonemdt-test-secret-not-for-production-0123456789")


T = TypeVar("T")


def in_fresh_thread(work: Callable[[], T]) -> T:
    """Run ``work`` in a thread of its own: the browser tests' session-wide Playwright keeps an
    event loop marked running in the main thread, where ``asyncio.run`` and another sync
    Playwright refuse to start."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


@pytest.fixture(autouse=True)
def _fresh_sign_in_throttle() -> None:
    """Per-client sign-in throttling is process state (db/users.py): each test starts clean."""
    from db.users import reset_client_throttle

    reset_client_throttle()


BACKEND_ENV = "BONEMDT_TEST_BACKEND"
BACKEND = os.environ.get(BACKEND_ENV, "duckdb")
if BACKEND not in ("duckdb", "postgresql"):
    raise RuntimeError(f"{BACKEND_ENV} must be duckdb or postgresql")


def duckdb_only(reason: str) -> pytest.MarkDecorator:
    """Skip a test in the PostgreSQL pass: it is about DuckDB store files, not the store's behaviour
    (``reason`` says what, and where the PostgreSQL counterpart is tested if there is one)."""
    return pytest.mark.skipif(BACKEND == "postgresql", reason="DuckDB store files only: " + reason)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A PostgreSQL cluster for this test session (skips when the server programs are missing)."""
    binary = pg_bin()
    if binary is None:
        pytest.skip("PostgreSQL server programs not installed (Debian: apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="bonemdt-pg-"))
    cluster = PgCluster(binary, root, free_port(), os_user())
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_migrated(pg_cluster: PgCluster) -> str:
    """A migrated template database (copied for each test)."""
    from db.connection import connect

    name = pg_cluster.create()
    con = connect(pg_cluster.url(name))
    migrate(con)
    con.close()
    return name


@pytest.fixture
def pg_url(pg_cluster: PgCluster, pg_migrated: str) -> Iterator[str]:
    """The URL of a freshly migrated PostgreSQL store of its own."""
    name = pg_cluster.create(pg_migrated)
    yield pg_cluster.url(name)
    pg_cluster.drop(name)


@pytest.fixture
def cur(request: pytest.FixtureRequest, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A cursor on a freshly migrated store (a DuckDB file, or PostgreSQL: see the module doc)."""
    if BACKEND == "postgresql":
        from db.connection import connect

        con = connect(request.getfixturevalue("pg_url"))
    else:
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


@pytest.fixture(scope="session")
def pg_demo_template(pg_cluster: PgCluster, pg_migrated: str) -> str:
    """The demo store built once on PostgreSQL (copied for each test)."""
    from db.connection import connect
    from db.demo import load_demo
    from db.users import ensure_demo_users

    name = pg_cluster.create(pg_migrated)
    con = connect(pg_cluster.url(name))
    ensure_demo_users(con)
    load_demo(con, today=DEMO_TODAY)
    con.close()
    return name


@pytest.fixture
def demo_cur(request: pytest.FixtureRequest) -> duckdb.DuckDBPyConnection:
    if BACKEND == "postgresql":
        from db.connection import connect

        cluster: PgCluster = request.getfixturevalue("pg_cluster")
        name = cluster.create(request.getfixturevalue("pg_demo_template"))
        con = connect(cluster.url(name))
        yield con.cursor()
        con.close()
        cluster.drop(name)
        return
    con = duckdb.connect(str(request.getfixturevalue("demo_copy")))
    yield con.cursor()
    con.close()


def pg_name(url: str) -> str:
    """The database name of a PostgreSQL store URL."""
    return url.rsplit("/", 1)[1]


class Stores:
    """Stores made for one test (or one module) on the selected backend, removed afterwards.

    Each method returns a store target (see the module doc)."""

    def __init__(self, request: pytest.FixtureRequest, folder: Path) -> None:
        self._request = request
        self._folder = folder
        self._made: list[str] = []

    @property
    def _cluster(self) -> PgCluster:
        cluster: PgCluster = self._request.getfixturevalue("pg_cluster")
        return cluster

    def _pg_copy(self, template: str) -> str:
        name = self._cluster.create(template)
        self._made.append(name)
        return self._cluster.url(name)

    def _file(self, stem: str) -> Path:
        n = sum(1 for _ in self._folder.glob(stem + "*.duckdb"))
        return self._folder / f"{stem}{n or ''}.duckdb"

    def demo(self) -> str:
        """A copy of the session's demo store (written freely)."""
        if BACKEND == "postgresql":
            return self._pg_copy(self._request.getfixturevalue("pg_demo_template"))
        target = self._file("demo")
        shutil.copy(self._request.getfixturevalue("demo_template"), target)
        return str(target)

    def blank(self) -> str:
        """A store with nothing in it, not even the schema."""
        if BACKEND == "postgresql":
            name = self._cluster.create()
            self._made.append(name)
            return self._cluster.url(name)
        return str(self._file("blank"))

    def migrated(self) -> str:
        """A migrated store holding nothing."""
        from db.connection import connect

        if BACKEND == "postgresql":
            return self._pg_copy(self._request.getfixturevalue("pg_migrated"))
        target = str(self._file("empty"))
        con = connect(target)
        migrate(con)
        con.close()
        return target

    def empty(self) -> str:
        """A migrated store holding the demo users and nothing else."""
        from db.connection import connect
        from db.users import ensure_demo_users

        target = self.migrated()
        con = connect(target)
        ensure_demo_users(con)
        con.close()
        return target

    def copy(self, target: str) -> str:
        """A copy of one of these stores (no session may be open on it)."""
        if BACKEND == "postgresql":
            return self._pg_copy(pg_name(target))
        copied = self._file(Path(target).stem + "-copy")
        shutil.copy(target, copied)
        return str(copied)

    def close(self) -> None:
        for name in self._made:
            self._cluster.drop(name)


@pytest.fixture
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    made = Stores(request, tmp_path)
    yield made
    made.close()


@pytest.fixture(scope="session")
def demo_source(request: pytest.FixtureRequest) -> str:
    """A demo store the tests only read (DuckDB: the template file; PostgreSQL: a session copy,
    since a template database cannot be copied while a session is open on it)."""
    if BACKEND == "postgresql":
        cluster: PgCluster = request.getfixturevalue("pg_cluster")
        return cluster.url(cluster.create(request.getfixturevalue("pg_demo_template")))
    return str(request.getfixturevalue("demo_template"))


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
