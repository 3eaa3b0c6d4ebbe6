"""Idempotent submits: a form's token maps to the row its first submission created."""

from __future__ import annotations

import duckdb


def lookup(cur: duckdb.DuckDBPyConnection, token: str | None) -> str | None:
    if not token:
        return None
    row = cur.execute("SELECT entity_id FROM submission WHERE token = ?", [token]).fetchone()
    return None if row is None else str(row[0])


def remember(cur: duckdb.DuckDBPyConnection, token: str | None, entity: str, entity_id: object) -> None:
    if token:
        cur.execute(
            "INSERT INTO submission (token, entity, entity_id) VALUES (?, ?, ?)",
            [token, entity, str(entity_id)],
        )
