"""Signing a decision: where it may be signed (its meeting once started, an amendment or a
discussed item after the meeting closed, or an emergency decision outside a meeting), the quorum
the meeting's recorded attendance gives, the chair's re-entered password, the signature (name,
time, meaning, content hash), and the agenda item the signature marks discussed or deferred.

Rules: docs/clinical/meeting-day.md. Drafting and amending are ``db.decisions``.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from core.errors import (
    ConflictError,
    FieldError,
    ImmutableRecordError,
    NotFoundError,
    WorkflowError,
)
from core.meeting_rules import decision_quorum
from core.models import (
    Actor,
    AgendaStatus,
    Decision,
    DecisionStatus,
    MeetingStatus,
    Outcome,
    Specialty,
)
from core.permissions import Capability
from core.signing import SIGNATURE_MEANING, content_hash
from db import audit
from db.connection import transaction, utc_now
from db.decision_reads import _case_for, get_decision


def sign(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    decision_id: int,
    *,
    password: str,
    expected_version: int,
    meaning: str = SIGNATURE_MEANING,
) -> Decision:
    """The chair signs: re-enters the password; the signature binds name, time, meaning and hash."""
    from db.users import verify_for_signature

    d = get_decision(cur, decision_id)
    patient_id, referral = _case_for(cur, d.case_id)  # noqa: RUF059
    audit.authorize(cur, actor, Capability.SIGN_DECISION, "decision", decision_id, patient_id=patient_id)
    if d.status == DecisionStatus.SIGNED:
        raise ImmutableRecordError("This decision is already signed.")
    item = _check_signing_context(cur, d)
    if not verify_for_signature(cur, actor, password):
        audit.record(
            cur,
            actor,
            "sign",
            "decision",
            decision_id,
            outcome="failed",
            reason="re-authentication failed",
            patient_id=patient_id,
        )
        raise FieldError({"password": "does not match: the signature needs your own password"})
    digest = content_hash(d)
    with transaction(cur):
        changed = cur.execute(
            "UPDATE decision SET status = 'signed', signed_by = ?, signed_at = ?, signature_meaning = ?, content_hash = ?,"
            " row_version = row_version + 1 WHERE decision_id = ? AND row_version = ? AND status = 'draft'",
            [actor.user_id, utc_now(), meaning, digest, decision_id, expected_version],
        ).fetchone()
        if not changed or int(changed[0]) != 1:
            raise ConflictError("This draft was changed since you opened it; review it again before signing.")
        if item is not None and item.meeting_status == MeetingStatus.IN_PROGRESS:
            _mark_item(cur, actor, d, item, patient_id)
        audit.record(
            cur,
            actor,
            "sign",
            "decision",
            decision_id,
            after={"content_hash": digest, "meaning": meaning, "version": d.version},
            patient_id=patient_id,
        )
    return get_decision(cur, decision_id)


_DISCUSSED_AT_MEETING = frozenset({AgendaStatus.DISCUSSED, AgendaStatus.RATIFIED, AgendaStatus.DEFERRED})


@dataclass(frozen=True)
class _SigningItem:
    item_id: int
    meeting_id: int
    meeting_status: str
    item_status: str


def meeting_present(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> list[Specialty]:
    """The specialties recorded present at a meeting (the only source of a decision's quorum)."""
    rows = cur.execute("SELECT DISTINCT specialty FROM attendance WHERE meeting_id = ? AND present", [meeting_id]).fetchall()
    return [Specialty(r[0]) for r in rows]


def _check_signing_context(cur: duckdb.DuckDBPyConnection, d: Decision) -> _SigningItem | None:
    """Where a decision may be signed (docs/clinical/meeting-day.md): in its
    meeting once started (after it closed: an amendment, or the decision of an item it discussed),
    or as an emergency decision outside a meeting; never for a meeting still planned; and only with
    the quorum the meeting's recorded attendance gives."""
    if d.item_id is None:
        if not d.emergency:
            raise WorkflowError("A decision is signed in a started meeting, or marked an emergency decision outside a meeting.")
        present: list[Specialty] = []
        item = None
    else:
        row = cur.execute(
            "SELECT a.item_id, a.meeting_id, m.status, a.status FROM agenda_item a JOIN meeting m USING (meeting_id)"
            " WHERE a.item_id = ?",
            [d.item_id],
        ).fetchone()
        if row is None:
            raise NotFoundError(f"Agenda item {d.item_id} does not exist.")
        item = _SigningItem(int(row[0]), int(row[1]), str(row[2]), str(row[3]))
        if item.meeting_status == MeetingStatus.PLANNED:
            raise WorkflowError("The meeting has not started: a decision is signed in a started meeting.")
        if item.meeting_status == MeetingStatus.CLOSED:
            # after the meeting: an amendment of its decision, or the decision of an item it discussed
            earlier = cur.execute("SELECT item_id FROM decision WHERE decision_id = ?", [d.predecessor_id]).fetchone()
            amends_it = earlier is not None and earlier[0] == d.item_id
            if not amends_it and item.item_status not in _DISCUSSED_AT_MEETING:
                raise WorkflowError("The meeting closed without discussing this case: its decision is not signed for it.")
        present = meeting_present(cur, item.meeting_id)
    gate = decision_quorum(d.plan, present, chair_override_reason=d.quorum_override_reason)
    if gate.state != d.quorum_state:
        raise FieldError({"quorum_state": "does not match the attendance recorded for the meeting: save the draft again"})
    if d.outcome == Outcome.DEFERRED and not d.summary.strip():
        raise FieldError({"summary": "give the reason for deferring in the summary"})
    return item


def _mark_item(cur: duckdb.DuckDBPyConnection, actor: Actor, d: Decision, item: _SigningItem, patient_id: int) -> None:
    """Signing marks its agenda item: deferred (with the summary as the reason) for a deferring
    decision, else discussed (a ratified standard-of-care item stays ratified)."""
    if d.outcome == Outcome.DEFERRED:
        status = AgendaStatus.DEFERRED
        cur.execute("DELETE FROM agenda_deferral WHERE item_id = ?", [item.item_id])
        cur.execute(
            "INSERT INTO agenda_deferral (item_id, reason, deferred_by, deferred_at) VALUES (?, ?, ?, ?)",
            [item.item_id, d.summary.strip(), actor.user_id, utc_now()],
        )
        cur.execute("UPDATE mdt_case SET status = 'ready', row_version = row_version + 1 WHERE case_id = ?", [d.case_id])
    else:
        status = AgendaStatus.RATIFIED if item.item_status == AgendaStatus.RATIFIED else AgendaStatus.DISCUSSED
        cur.execute("DELETE FROM agenda_deferral WHERE item_id = ?", [item.item_id])
        cur.execute("UPDATE mdt_case SET status = 'discussed', row_version = row_version + 1 WHERE case_id = ?", [d.case_id])
    cur.execute(
        "UPDATE agenda_item SET status = ?, row_version = row_version + 1 WHERE item_id = ?", [status.value, item.item_id]
    )
    audit.record(
        cur,
        actor,
        "update",
        "agenda_item",
        item.item_id,
        before={"status": item.item_status},
        after={"status": status.value, "by_decision": d.decision_id},
        patient_id=patient_id,
    )
