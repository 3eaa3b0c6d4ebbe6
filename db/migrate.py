"""Forward-only numbered migrations (db/migrations/NNN_verb_noun.sql).

Each file runs in one transaction together with its ``schema_version`` row, so a failing
migration leaves the store exactly as it was.

On PostgreSQL a migration runs from ``migrations/postgresql/<same file name>`` when that variant
exists (DuckDB's triggers, list literals and table-rebuild steps differ), else the shared file
as it is; db/dialect.py's compatibility functions are (re)created first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from db import dialect

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
POSTGRESQL_DIR = MIGRATIONS_DIR / "postgresql"
_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


class MigrationError(RuntimeError):
    """A migration failed and was rolled back."""


def discover(directory: Path = MIGRATIONS_DIR, *, variants: Path | None = None) -> list[Migration]:
    """The migrations in ``directory``; a file of the same name in ``variants`` replaces its SQL."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        m = _NAME.match(path.name)
        if not m:
            raise MigrationError(f"migration file name not of the form NNN_verb_noun.sql: {path.name}")
        source = variants / path.name if variants is not None and (variants / path.name).exists() else path
        found.append(Migration(int(m.group(1)), m.group(2), source.read_text(encoding="utf-8")))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migrations share a number")
    return found


def _ensure_version_table(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL,"
        " applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)"
    )


def applied_versions(cur: duckdb.DuckDBPyConnection) -> list[int]:
    _ensure_version_table(cur)
    return [r[0] for r in cur.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]


def migrate(cur: duckdb.DuckDBPyConnection, migrations: list[Migration] | None = None) -> list[int]:
    """Apply every pending migration; return the versions applied now (idempotent)."""
    if isinstance(cur, dialect.PgConnection):
        # Replicas starting together: one migrates, the others wait and find nothing pending.
        with cur.session_lock(dialect.MIGRATE_LOCK_KEY):
            cur.execute(dialect.COMPAT_SQL)
            return _migrate(cur, migrations if migrations is not None else discover(variants=POSTGRESQL_DIR))
    return _migrate(cur, migrations if migrations is not None else discover())


def _migrate(cur: duckdb.DuckDBPyConnection, pending: list[Migration]) -> list[int]:
    done = set(applied_versions(cur))
    applied: list[int] = []
    for mig in sorted(pending, key=lambda m: m.version):
        if mig.version in done:
            continue
        cur.begin()
        try:
            cur.execute(mig.sql)
            cur.execute("INSERT INTO schema_version (version, name) VALUES (?, ?)", [mig.version, mig.name])
        except duckdb.Error as exc:
            cur.rollback()
            raise MigrationError(f"migration {mig.version:03d}_{mig.name} failed and was rolled back: {exc}") from exc
        cur.commit()
        applied.append(mig.version)
    return applied
