"""Moving a whole DuckDB store into an empty PostgreSQL database (``bonemdt move-store``).

The target is migrated to the source's schema version, must hold no data, and receives every
table in one transaction: rows copied column by column (by name), sequences set past the ids
copied, then checked before commit — the same row count in every table, the audit chain
verifying with the store's secret on the target, every signed decision still matching its
signature. Any difference rolls the whole move back and the target stays empty. The move itself
is the last row of the target's audit trail.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

import duckdb

from core.models import SYSTEM_ACTOR
from db import audit, dialect
from db.connection import transaction
from db.dialect import ident
from db.migrate import applied_versions, migrate
from db.signatures import verify_signed

# Tables a migration fills (policy defaults) or that only exist to raise (the guard table):
# an otherwise empty target may hold them; the source's rows replace the migration's.
_SEEDED = ("policy",)
_SKIPPED = ("schema_version", "audit_guard")
_CHUNK = 5000


class MoveError(RuntimeError):
    """The move was refused or failed verification; the target was left as it was."""


@dataclass
class MoveReport:
    tables: dict[str, int] = field(default_factory=dict)
    audit_rows: int = 0
    signed_decisions: int = 0

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


def _duckdb_tables(src: duckdb.DuckDBPyConnection) -> list[str]:
    rows = src.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()"
        " AND NOT temporary ORDER BY table_name"
    ).fetchall()
    return [str(r[0]) for r in rows if r[0] not in _SKIPPED]


def _columns(cur: Any, table: str) -> list[str]:
    rows = cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? AND table_schema = ? ORDER BY ordinal_position",
        [table, "public" if isinstance(cur, dialect.PgConnection) else "main"],
    ).fetchall()
    return [str(r[0]) for r in rows]


def _count(cur: Any, table: str) -> int:
    row = cur.execute("SELECT count(*) FROM " + ident(table)).fetchone()  # noqa: S608 - a catalogued table name
    return int(row[0]) if row else 0


def _chunks(src: duckdb.DuckDBPyConnection, table: str, cols: list[str]) -> Iterator[list[tuple[Any, ...]]]:
    col_list = ", ".join(ident(c) for c in cols)
    result = src.execute("SELECT " + col_list + " FROM " + ident(table))  # noqa: S608 - catalogued names
    while True:
        rows = result.fetchmany(_CHUNK)
        if not rows:
            return
        yield rows


def _sequences_of(dst: dialect.PgConnection) -> list[tuple[str, str, str]]:
    """(table, id column, sequence) of every column whose default draws from a sequence."""
    rows = dst.execute(
        "SELECT table_name, column_name, column_default FROM information_schema.columns"
        " WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'"
    ).fetchall()
    out = []
    for table, column, default in rows:
        seq = str(default).split("'")[1]
        out.append((str(table), str(column), seq))
    return out


def _load_order(dst: dialect.PgConnection, tables: list[str]) -> list[str]:
    """``tables`` with every table after the tables its foreign keys reference."""
    refs: dict[str, set[str]] = {t: set() for t in tables}
    for child, parent in dst.execute(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
    ).fetchall():
        if child in refs and parent != child:
            refs[child].add(parent)
    order: list[str] = []
    while len(order) < len(tables):
        ready = [t for t in tables if t not in order and refs[t] <= set(order)]
        if not ready:
            raise MoveError("the target's foreign keys form a cycle; nothing was moved")
        order += ready
    return order


def move_store(src: duckdb.DuckDBPyConnection, dst: dialect.PgConnection) -> MoveReport:
    """Copy the store behind ``src`` into the empty PostgreSQL store behind ``dst`` (see module doc)."""
    if isinstance(src, dialect.PgConnection) or not isinstance(dst, dialect.PgConnection):
        raise MoveError("move-store copies a DuckDB store file into a PostgreSQL database")
    store = cast(duckdb.DuckDBPyConnection, dst)  # the DuckDB API the store code is typed against
    source_chain = audit.verify_store(src)
    if not source_chain.ok:
        raise MoveError(f"the source store's audit chain is broken at seq {source_chain.first_bad_seq}: {source_chain.problem}")
    migrate(store)
    if applied_versions(src) != applied_versions(store):
        raise MoveError("the source store is not at the current schema version: run `bonemdt init --db <file>` first")
    tables = _load_order(dst, _duckdb_tables(src))
    report = MoveReport()
    with transaction(store):
        for table in tables:
            if table not in _SEEDED and _count(dst, table):
                raise MoveError(f"the target is not empty ({table} holds rows); move-store writes into an empty database only")
        for table in tables:
            cols = _columns(src, table)
            if set(cols) != set(_columns(dst, table)):
                raise MoveError(f"table {table} has different columns on the target; nothing was moved")
            if table in _SEEDED:
                dst.execute("DELETE FROM " + ident(table))  # noqa: S608 - a catalogued table name
            # The guards refuse signed rows inserted as such; the copy is verified below instead.
            dst.execute("ALTER TABLE " + ident(table) + " DISABLE TRIGGER USER")
            col_list = ", ".join(ident(c) for c in cols)
            with dst.raw.cursor() as pg, pg.copy("COPY " + ident(table) + " (" + col_list + ") FROM STDIN") as copy:
                for chunk in _chunks(src, table, cols):
                    for values in chunk:
                        copy.write_row(values)
            dst.execute("ALTER TABLE " + ident(table) + " ENABLE TRIGGER USER")
            report.tables[table] = _count(src, table)
        drawn = dialect.sequence_values(src)
        for table, column, seq in _sequences_of(dst):
            row = dst.execute("SELECT coalesce(max(" + ident(column) + "), 0) FROM " + ident(table)).fetchone()  # noqa: S608
            dialect.advance_sequence(dst, seq, max(int(row[0]) if row else 0, drawn.get(seq, 0)))
        for table, n in report.tables.items():
            moved = _count(dst, table)
            if moved != n:
                raise MoveError(f"{table}: {n} rows in the source, {moved} on the target; nothing was moved")
        chain = audit.verify_chain(store)
        if not chain.ok:
            raise MoveError(
                f"the audit chain does not verify on the target (seq {chain.first_bad_seq}: {chain.problem}); "
                "BONEMDT_SECRET must hold the source store's secret (its key file's text); nothing was moved"
            )
        broken = verify_signed(store)
        if broken:
            raise MoveError(f"signed decisions {broken} no longer match their signatures on the target; nothing was moved")
        report.audit_rows = chain.rows
        report.signed_decisions = _count_signed(dst)
        audit.record(store, SYSTEM_ACTOR, "move_store", "store", None, after={"tables": len(report.tables), "rows": report.rows})
    return report


def _count_signed(cur: Any) -> int:
    row = cur.execute("SELECT count(*) FROM decision WHERE status = 'signed'").fetchone()
    return int(row[0]) if row else 0
