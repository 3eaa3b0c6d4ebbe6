"""Append-only audit trail with a keyed hash chain and anchored checkpoints (docs/security-requirements.md, Req. 1).

Every write function calls :func:`record` inside its own transaction, so the change and its
audit row commit or roll back together. The store refuses UPDATE and DELETE on ``audit_log``
(migration 002). Each row's hash is an HMAC keyed by the store's secret (db/keys.py), which is
never inside the store file: whoever edits the file cannot re-hash the chain. Rows written
before the key existed (plain SHA-256) are accepted only as a prefix of the chain.

A chain alone cannot show that its tail was cut off. :func:`write_checkpoint` signs the row
count and the head hash into a file beside the store (and into every backup, and the server
log); :func:`verify_checkpoint` refuses a trail shorter than, or diverging from, the last
checkpoint.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
from pydantic import BaseModel

from core.errors import PermissionDeniedError
from core.models import Actor
from core.permissions import Capability, allowed
from db import keys
from db.connection import is_postgres, transaction, utc_now

if TYPE_CHECKING:
    import pandas as pd

GENESIS = "0" * 64
CHECKPOINT_SUFFIX = ".audit-checkpoint.json"
log = logging.getLogger("bonemdt.audit")


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


def _payload(prev_hash: str, fields: list[Any]) -> bytes:
    return json.dumps([prev_hash, *fields], default=_default, ensure_ascii=False).encode("utf-8")


def _legacy_hash(prev_hash: str, fields: list[Any]) -> str:
    """The unkeyed hash of rows written before the store had a secret."""
    return hashlib.sha256(_payload(prev_hash, fields)).hexdigest()


def _row_hash(key: bytes, prev_hash: str, fields: list[Any]) -> str:
    return keys.mac(key, "audit-row", _payload(prev_hash, fields))


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
    key = keys.key_for(cur)
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
        row_hash = _row_hash(key, prev, fields)
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
        current = _current_account(cur, actor)
        if current is None:
            return
        reason = current
    else:
        reason = f"role {actor.role.value} lacks {capability.value}"
    record(cur, actor, "denied", entity, entity_id, reason=reason, outcome="denied", patient_id=patient_id)
    if reason != f"role {actor.role.value} lacks {capability.value}":
        raise PermissionDeniedError("Your account was deactivated or its role changed; nothing was changed. Sign in again.")
    raise PermissionDeniedError(f"Your role ({actor.role.value}) does not allow this action; nothing was changed.")


def _current_account(cur: duckdb.DuckDBPyConnection, actor: Actor) -> str | None:
    """Why the acting account may no longer act (deactivated, role changed), or None.

    Every write re-reads the account (a widget callback may run with the actor of an older run).
    The system actor (id 0: migrations, demo loader, CLI) has no account row. Accounts are never
    deleted, so a session's account always has a row; an actor without one is a test double.
    """
    if actor.user_id == 0:
        return None
    row = cur.execute("SELECT role, active FROM app_user WHERE user_id = ?", [actor.user_id]).fetchone()
    if row is None:
        return None
    if not row[1]:
        return "account deactivated"
    if row[0] != actor.role.value:
        return f"role changed from {actor.role.value} to {row[0]}"
    return None


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    rows: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify_chain(
    cur: duckdb.DuckDBPyConnection,
    *,
    key: bytes | None = None,
    legacy_until: int | None = None,
    keyed_head: bool = False,
) -> ChainReport:
    """Recompute every row's keyed hash in sequence order; report the first break.

    Unkeyed (legacy) rows are accepted only before the first keyed row, and only up to
    ``legacy_until`` when a checkpoint recorded where the legacy prefix ends. With ``keyed_head``
    a trail holding no keyed row at all is refused (anyone can write plain SHA-256 hashes): for a
    store without a checkpoint to record its legacy prefix (PostgreSQL).
    """
    key = keys.key_for(cur) if key is None else key
    rows = cur.execute(
        "SELECT seq, at_utc, actor, role, action, entity, entity_id, patient_id, before_json,"
        " after_json, reason, outcome, prev_hash, row_hash FROM audit_log ORDER BY seq"
    ).fetchall()
    prev = GENESIS
    expected_seq = 1
    keyed_seen = False
    for row in rows:
        seq = row[0]
        if seq != expected_seq:
            return ChainReport(False, len(rows), seq, f"sequence gap before {seq}")
        if row[12] != prev:
            return ChainReport(False, len(rows), seq, "previous-hash link broken")
        fields = list(row[:12])
        if keys.same(_row_hash(key, prev, fields), row[13]):
            keyed_seen = True
        elif keyed_seen or _legacy_hash(prev, fields) != row[13] or (legacy_until is not None and seq > legacy_until):
            return ChainReport(False, len(rows), seq, "row content does not match its hash")
        prev = row[13]
        expected_seq += 1
    if keyed_head and rows and not keyed_seen:
        return ChainReport(False, len(rows), rows[0][0], "no row is keyed by the store's secret (a re-hashed trail)")
    return ChainReport(True, len(rows))


@dataclass(frozen=True)
class Checkpoint:
    count: int
    head_seq: int
    head_hash: str
    at_utc: str
    mac: str

    legacy_until: int = 0

    def as_json(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)


def _checkpoint_mac(key: bytes, count: int, head_seq: int, head_hash: str, at_utc: str, legacy_until: int) -> str:
    body = json.dumps([count, head_seq, head_hash, at_utc, legacy_until]).encode("utf-8")
    return keys.mac(key, "audit-checkpoint", body)


def checkpoint_path_for(store_path: str | os.PathLike[str]) -> Path:
    path = Path(store_path)
    return path.with_name(path.name + CHECKPOINT_SUFFIX)


def head(cur: duckdb.DuckDBPyConnection) -> tuple[int, int, str]:
    """(row count, head sequence number, head hash); (0, 0, GENESIS) for an empty trail."""
    row = cur.execute(
        "SELECT (SELECT count(*) FROM audit_log), seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return 0, 0, GENESIS
    return int(row[0]), int(row[1]), str(row[2])


def legacy_prefix(cur: duckdb.DuckDBPyConnection, key: bytes) -> int:
    """The last sequence number of the unkeyed rows written before the store had a secret."""
    rows = cur.execute(
        "SELECT seq, at_utc, actor, role, action, entity, entity_id, patient_id, before_json,"
        " after_json, reason, outcome, prev_hash, row_hash FROM audit_log ORDER BY seq"
    ).fetchall()
    last = 0
    for row in rows:
        if keys.same(_row_hash(key, row[12], list(row[:12])), row[13]):
            break
        last = int(row[0])
    return last


def make_checkpoint(cur: duckdb.DuckDBPyConnection, *, legacy_until: int | None = None) -> Checkpoint:
    """A checkpoint of the committed trail, signed with the store's secret."""
    key = keys.key_for(cur)
    n, seq, digest = head(cur)
    at = utc_now().isoformat()
    legacy = legacy_prefix(cur, key) if legacy_until is None else legacy_until
    return Checkpoint(n, seq, digest, at, _checkpoint_mac(key, n, seq, digest, at, legacy), legacy)


def write_checkpoint(cur: duckdb.DuckDBPyConnection, *extra: Path) -> Checkpoint | None:
    """Write the signed checkpoint beside the store file (and into ``extra`` paths); log it.

    Returns None for a store in memory (nothing to write beside).
    """
    previous = None
    store = keys.store_path_of(cur)
    if store:
        try:
            previous = read_checkpoint(checkpoint_path_for(store), keys.key_for(cur))
        except ValueError:
            previous = None
    cp = make_checkpoint(cur, legacy_until=previous.legacy_until if previous else None)
    log.info("audit checkpoint count=%s head_seq=%s head_hash=%s mac=%s", cp.count, cp.head_seq, cp.head_hash, cp.mac)
    targets = [checkpoint_path_for(store)] if store else []
    targets += list(extra)
    for target in targets:
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(cp.as_json(), encoding="utf-8")
        os.replace(tmp, target)
    return cp


def read_checkpoint(path: Path, key: bytes) -> Checkpoint | None:
    """The checkpoint in ``path``; None if there is none; ValueError if it is forged or damaged."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cp = Checkpoint(
            int(data["count"]),
            int(data["head_seq"]),
            str(data["head_hash"]),
            str(data["at_utc"]),
            str(data["mac"]),
            int(data["legacy_until"]),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError("the audit checkpoint file is damaged") from exc
    if not keys.same(_checkpoint_mac(key, cp.count, cp.head_seq, cp.head_hash, cp.at_utc, cp.legacy_until), cp.mac):
        raise ValueError("the audit checkpoint's signature does not match")
    return cp


def check_against(cur: duckdb.DuckDBPyConnection, cp: Checkpoint) -> ChainReport:
    """The trail must still hold every row the checkpoint saw, unchanged."""
    n = count(cur)
    if n < cp.count:
        return ChainReport(False, n, cp.head_seq, f"the trail holds {n} rows; the last checkpoint saw {cp.count}")
    if cp.head_seq:
        row = cur.execute("SELECT row_hash FROM audit_log WHERE seq = ?", [cp.head_seq]).fetchone()
        if row is None or row[0] != cp.head_hash:
            return ChainReport(False, n, cp.head_seq, "the row the last checkpoint saw was removed or changed")
    return ChainReport(True, n)


def verify_store(cur: duckdb.DuckDBPyConnection) -> ChainReport:
    """The keyed chain and the checkpoint beside the store file (when there is one).

    A PostgreSQL store has no file to keep a checkpoint beside, so nothing records where an
    unkeyed prefix of its trail ends: its trail must hold a keyed row (a store moved from DuckDB
    ends with the keyed row of the move), else whoever rewrote it with plain SHA-256 would pass."""
    store = keys.store_path_of(cur)
    cp = None
    if store:
        try:
            cp = read_checkpoint(checkpoint_path_for(store), keys.key_for(cur))
        except ValueError as exc:
            return ChainReport(False, count(cur), None, str(exc))
    report = verify_chain(cur, legacy_until=cp.legacy_until if cp else None, keyed_head=is_postgres(cur))
    if not report.ok or cp is None:
        return report
    return check_against(cur, cp)


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
        "   AND (?::DATE IS NULL OR at_utc < ?::DATE + INTERVAL '1 day')"
        " ORDER BY seq DESC LIMIT ?",
        [patient_id, patient_id, actor, actor, action, action, since, since, until, until, limit],
    ).df()


# Sign-in failures and denials may carry what someone typed as a username (possibly a password).
_TYPED_NAME_ACTIONS = ("login_failed", "login_throttled")
REDACTED = "—"


def search_for(
    cur: duckdb.DuckDBPyConnection,
    viewer: Actor,
    *,
    patient_id: int | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 500,
) -> pd.DataFrame:
    """The audit rows ``viewer`` may see. Analysts get who-did-what-when only: no recorded
    values, no patient, no free-text reasons, no usernames typed at a failed sign-in."""
    from core.models import Role

    authorize(cur, viewer, Capability.VIEW_AUDIT, "audit_log")
    rows = search(cur, patient_id=patient_id, actor=actor, action=action, since=since, until=until, limit=limit)
    if viewer.role == Role.ANALYST:
        rows = rows.drop(columns=["before_json", "after_json", "patient_id", "reason"])
        mask = rows["action"].isin(_TYPED_NAME_ACTIONS)
        rows["actor"] = rows["actor"].where(~mask, REDACTED)
    return rows
