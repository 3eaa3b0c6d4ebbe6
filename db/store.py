"""Opening the store: connect, migrate, verify the audit chain, fill an empty store with demo data."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from db import audit
from db.connection import connect, default_db_path
from db.migrate import migrate

log = logging.getLogger("bonemdt.store")

DEMO_ENV = "BONEMDT_DEMO"


def demo_enabled() -> bool:
    """Demo mode (demo data at first start, demo sign-in users) unless BONEMDT_DEMO=0."""
    return os.environ.get(DEMO_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


@dataclass
class Store:
    path: Path
    conn: duckdb.DuckDBPyConnection
    demo: bool
    chain_ok: bool
    chain_problem: str = ""

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.conn.cursor()


def is_empty(cur: duckdb.DuckDBPyConnection) -> bool:
    row = cur.execute("SELECT count(*) FROM patient").fetchone()
    return row is None or row[0] == 0


def open_store(path: str | os.PathLike[str] | None = None, *, demo: bool | None = None) -> Store:
    target = Path(path) if path is not None else default_db_path()
    use_demo = demo_enabled() if demo is None else demo
    conn = connect(target)
    cur = conn.cursor()
    applied = migrate(cur)
    if applied:
        log.info("migrations applied: %s", applied)
    if use_demo:
        from db.users import ensure_demo_users

        ensure_demo_users(cur)
        if is_empty(cur):
            from db.demo import load_demo

            summary = load_demo(cur)
            log.info("demo data loaded: %s", summary)
    report = audit.verify_chain(cur)
    if not report.ok:
        log.error("audit chain broken at seq %s: %s", report.first_bad_seq, report.problem)
    return Store(target, conn, use_demo, report.ok, report.problem)
