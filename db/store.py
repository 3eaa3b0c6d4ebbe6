"""Opening the store: connect, migrate, verify the audit chain, fill an empty store with demo data."""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from db import audit
from db.connection import connect, store_target
from db.migrate import migrate

log = logging.getLogger("bonemdt.store")

DEMO_ENV = "BONEMDT_DEMO"
LANG_ENV = "BONEMDT_LANG"


class SettingsError(RuntimeError):
    """A setting holds a value the board does not know: refuse to start rather than guess."""


def demo_enabled() -> bool:
    """Demo mode only when asked for explicitly: ``BONEMDT_DEMO=1`` (``tasks.py run`` sets it for
    its demo store). Unset or ``0`` is production; any other value is an error (fail closed)."""
    value = os.environ.get(DEMO_ENV, "").strip()
    if value not in ("", "0", "1"):
        raise SettingsError(f"{DEMO_ENV} must be 1 (demo) or 0 (production); it is set to something else.")
    return value == "1"


def check_settings() -> None:
    """Every BONEMDT_* setting with a fixed vocabulary holds a known value (called at start)."""
    demo_enabled()
    lang = os.environ.get(LANG_ENV, "")
    if lang not in ("", "en", "zh"):
        raise SettingsError(f"{LANG_ENV} must be en or zh.")
    from db.keys import key_for_path

    key_for_path(":memory:")  # a BONEMDT_SECRET that is set must be long enough


def real_patients(cur: duckdb.DuckDBPyConnection) -> int:
    row = cur.execute("SELECT count(*) FROM patient WHERE NOT synthetic").fetchone()
    return int(row[0]) if row else 0


@dataclass
class Store:
    path: Path | str  # a store file, or a PostgreSQL URL
    conn: duckdb.DuckDBPyConnection
    demo: bool
    chain_ok: bool
    chain_problem: str = ""
    tampered_decisions: tuple[int, ...] = ()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.conn.cursor()


def is_empty(cur: duckdb.DuckDBPyConnection) -> bool:
    row = cur.execute("SELECT count(*) FROM patient").fetchone()
    return row is None or row[0] == 0


def _load_demo_once(cur: duckdb.DuckDBPyConnection) -> None:
    """Demo users, and the demo data into an empty store; on PostgreSQL one replica at a time."""
    from db.demo import load_demo
    from db.dialect import MIGRATE_LOCK_KEY, PgConnection
    from db.users import ensure_demo_users

    with cur.session_lock(MIGRATE_LOCK_KEY) if isinstance(cur, PgConnection) else contextlib.nullcontext():
        ensure_demo_users(cur)
        if is_empty(cur):
            summary = load_demo(cur)
            log.info("demo data loaded: %s", summary)


def open_store(path: str | os.PathLike[str] | None = None, *, demo: bool | None = None) -> Store:
    check_settings()
    target = store_target(path)
    use_demo = demo_enabled() if demo is None else demo
    conn = connect(target)
    cur = conn.cursor()
    applied = migrate(cur)
    if applied:
        log.info("migrations applied: %s", applied)
    if use_demo and real_patients(cur):
        conn.close()
        raise SettingsError("Demo mode is refused: this store holds patients that are not synthetic demo data.")
    if use_demo:
        _load_demo_once(cur)
    report = audit.verify_store(cur)
    if not report.ok:
        log.error("audit chain broken at seq %s: %s", report.first_bad_seq, report.problem)
    else:
        audit.write_checkpoint(cur)
    from db.signatures import verify_signed

    bad = verify_signed(cur)
    if bad:
        log.error("signed decisions whose content no longer matches their signature: %s", bad)
    problem = report.problem if not report.ok else ""
    return Store(target, conn, use_demo, report.ok, problem, tuple(bad))
