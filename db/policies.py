"""Department policies stored in the ``policy`` table (docs/clinical/scores.md decision 10)."""

from __future__ import annotations

import duckdb

from core.models import Actor
from core.permissions import Capability
from core.policy import Policy
from db import audit
from db.connection import transaction


def load_policy(cur: duckdb.DuckDBPyConnection) -> Policy:
    rows = dict(cur.execute("SELECT key, value FROM policy").fetchall())
    known = {k: v for k, v in rows.items() if k in Policy.model_fields}
    return Policy.from_mapping(known)


def set_policy(cur: duckdb.DuckDBPyConnection, actor: Actor, key: str, value: str) -> Policy:
    """Change one policy (admin), validated through the Policy model, audited with before/after."""
    audit.authorize(cur, actor, Capability.MANAGE_USERS, "policy", key)
    current = dict(cur.execute("SELECT key, value FROM policy").fetchall())
    candidate = Policy.from_mapping({**{k: v for k, v in current.items() if k in Policy.model_fields}, key: value})
    with transaction(cur):
        cur.execute(
            "INSERT INTO policy (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )
        audit.record(cur, actor, "update", "policy", key, before={key: current.get(key)}, after={key: value})
    return candidate
