"""Append-only audit trail with a hash chain (SECURITY.md, Requirements 1).

Every write function calls :func:`record` inside its own transaction, so the change and its
audit row commit or roll back together. The store refuses UPDATE and DELETE on ``audit_log``
(migration 002); the chain makes out-of-band edits (a file edited with another tool, rows
re-inserted) detectable by :func:`verify_chain`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import duckdb
from pydantic import BaseModel

from core.errors import PermissionDeniedError
from core.models import Actor
from core.permissions import Capability, allowed
from db.connection import transaction, utc_now

if TYPE_CHECKING:
    import pandas as pd

GENESIS = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, default=_default, sort_keys=True, ensure_ascii=False)


def _row_hash(prev_hash: str, fields: list[Any]) -> str:
    payload = json.dumps([prev_hash, *fields], default=_default, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object | None = None,
    *,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
    outcome: str = "ok",
    patient_id: int | None = None,
) -> int:
    """Append one audit row. Call inside the transaction that makes the change."""
    with transaction(cur):
        last = cur.execute("SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        seq = (last[0] + 1) if last else 1
        prev = last[1] if last else GENESIS
        at = utc_now()
        fields = [
            seq,
            at,
            actor.username,
            actor.role.value,
            action,
            entity,
            None if entity_id is None else str(entity_id),
            patient_id,
            to_json(before),
            to_json(after),
            reason,
            outcome,
        ]
        row_hash = _row_hash(prev, fields)
        cur.execute(
            "INSERT INTO audit_log (seq, at_utc, actor, role, action, entity, entity_id, patient_id,"
            " before_json, after_json, reason, outcome, prev_hash, row_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*fields, prev, row_hash],
        )
    return seq


def authorize(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    capability: Capability,
    entity: str,
    entity_id: object | None = None,
    *,
    patient_id: int | None = None,
) -> None:
    """Raise PermissionDeniedError (after auditing the attempt) unless the role may do this.

    Call it before opening the change's transaction: the denial row commits on its own.
    """
    if allowed(actor.role, capability) and actor.user_id >= 0:
        return
    record(
        cur,
        actor,
        "denied",
        entity,
        entity_id,
        reason=f"role {actor.role.value} lacks {capability.value}",
        outcome="denied",
        patient_id=patient_id,
    )
    raise PermissionDeniedError(f"Your role ({actor.role.value}) does not allow this action; nothing was changed.")


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify_chain(cur: duckdb.DuckDBPyConnection) -> ChainReport:
    """Recompute every row's hash in sequence order; report the first break."""
    rows = cur.execute(
        "SELECT seq, at_utc, actor, role, action, entity, entity_id, patient_id, before_json,"
        " after_json, reason, outcome, prev_hash, row_hash FROM audit_log ORDER BY seq"
    ).fetchall()
    prev = GENESIS
    expected_seq = 1
    for row in rows:
        seq = row[0]
        if seq != expected_seq:
            return ChainReport(False, len(rows), seq, f"sequence gap before {seq}")
        if row[12] != prev:
            return ChainReport(False, len(rows), seq, "previous-hash link broken")
        if _row_hash(prev, list(row[:12])) != row[13]:
            return ChainReport(False, len(rows), seq, "row content does not match its hash")
        prev = row[13]
        expected_seq += 1
    return ChainReport(True, len(rows))


def count(cur: duckdb.DuckDBPyConnection) -> int:
    return int(cur.execute("SELECT count(*) FROM audit_log").fetchone()[0])  # type: ignore[index]


def search(
    cur: duckdb.DuckDBPyConnection,
    *,
    patient_id: int | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """Audit rows, newest first, filtered by patient, user, action and date."""
    return cur.execute(
        "SELECT seq, at_utc, actor, role, action, entity, entity_id, patient_id, outcome, reason,"
        " before_json, after_json FROM audit_log"
        " WHERE (?::BIGINT IS NULL OR patient_id = ?)"
        "   AND (?::VARCHAR IS NULL OR actor = ?)"
        "   AND (?::VARCHAR IS NULL OR action = ?)"
        "   AND (?::DATE IS NULL OR at_utc >= ?::DATE)"
        "   AND (?::DATE IS NULL OR at_utc < ?::DATE + INTERVAL 1 DAY)"
        " ORDER BY seq DESC LIMIT ?",
        [patient_id, patient_id, actor, actor, action, action, since, since, until, until, limit],
    ).df()
