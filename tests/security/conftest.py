"""Helpers of the security tests: edits made behind the app's back, on either store engine.

The stores come from the fixtures of tests/conftest.py (``stores``, ``cur``, ``demo_cur``) and of
tests/pages/conftest.py (``page_store``), so these tests follow ``BONEMDT_TEST_BACKEND``.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from db.connection import is_postgres
from db.dialect import ident

Statement = str | tuple[str, Sequence[object]]


def without_guards(cur: duckdb.DuckDBPyConnection, table: str, triggers: Sequence[str], *statements: Statement) -> None:
    """Run ``statements`` with the named guard triggers of ``table`` out of the way, as a tool with
    the rights of the table's owner can (DuckDB: whoever holds the store file drops them;
    PostgreSQL: the owning role disables them), then put the guards back.

    The guards are a defence against code paths, not against the owner (docs/security.md): what
    catches such an edit is the keyed audit chain and the signed decisions' content hash."""
    if is_postgres(cur):
        for name in triggers:
            cur.execute("ALTER TABLE " + ident(table) + " DISABLE TRIGGER " + ident(name))
        try:
            _run(cur, statements)
        finally:
            for name in triggers:
                cur.execute("ALTER TABLE " + ident(table) + " ENABLE TRIGGER " + ident(name))
        return
    from db.backup import reinstall_guards

    for name in triggers:
        cur.execute("DROP TRIGGER " + ident(name) + " ON " + ident(table))
    try:
        _run(cur, statements)
    finally:
        reinstall_guards(cur)


def _run(cur: duckdb.DuckDBPyConnection, statements: Sequence[Statement]) -> None:
    for stmt in statements:
        if isinstance(stmt, str):
            cur.execute(stmt)
        else:
            cur.execute(stmt[0], list(stmt[1]))
