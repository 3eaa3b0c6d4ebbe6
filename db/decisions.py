"""Decisions, plan items, action items, delivery and follow-ups (reads)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from core.errors import (
    ConflictError,
    FieldError,
    ImmutableRecordError,
    NotFoundError,
    PermissionDeniedError,
    WorkflowError,
)
from core.meeting_rules import decision_quorum
from core.models import (
    ActionItem,
    ActionStatus,
    Actor,
    AgendaStatus,
    Decision,
    DecisionStatus,
    Delivery,
    FollowUpKind,
    MeetingStatus,
    Outcome,
    PlanItem,
    Specialty,
)
from core.permissions import Capability, allowed
from core.signing import SIGNATURE_MEANING, content_hash
from db import audit, submissions
from db.connection import transaction, utc_now
from db.rows import fetch_models


def decisions_for_case(cur: duckdb.DuckDBPyConnection, case_id: int) -> pd.DataFrame:
    """Every version of the case's decisions, newest first, with the agenda item and meeting each
    belongs to (``item_id``/``meeting_id``/``meeting_date`` empty for an emergency decision)."""
    return cur.execute(
        """
        SELECT d.decision_id, d.version, d.predecessor_id, d.status, d.outcome, d.decided_on,
               d.summary, d.dissent, d.quorum_state, d.quorum_override_reason, d.amendment_reason,
               u.display_name AS signed_by, d.signed_at, d.signature_meaning, d.content_hash,
               d.item_id, a.meeting_id, m.meeting_date, m.status AS meeting_status,
               e.decision_id IS NOT NULL AS emergency
        FROM decision d LEFT JOIN app_user u ON u.user_id = d.signed_by
        LEFT JOIN agenda_item a ON a.item_id = d.item_id
        LEFT JOIN meeting m ON m.meeting_id = a.meeting_id
        LEFT JOIN emergency_decision e ON e.decision_id = d.decision_id
        WHERE d.case_id = ? ORDER BY d.version DESC
        """,
        [case_id],
    ).df()


def plan_items(cur: duckdb.DuckDBPyConnection, decision_id: int) -> pd.DataFrame:
    return cur.execute(
        "SELECT p.plan_item_id, p.position, p.rule_id, p.kind, p.text, p.disposition, p.reason,"
        " dl.delivered, dl.delivered_on, dl.reason_not"
        " FROM plan_item p LEFT JOIN delivery dl USING (plan_item_id)"
        " WHERE p.decision_id = ? ORDER BY p.position",
        [decision_id],
    ).df()


def list_decisions(cur: duckdb.DuckDBPyConnection, *, status: str | None = None, limit: int = 500) -> pd.DataFrame:
    return cur.execute(
        """
        SELECT d.decision_id, d.case_id, p.display_name AS patient, c.primary_tumour, d.version,
               d.status, d.outcome, d.quorum_state, d.decided_on, u.display_name AS signed_by,
               d.signed_at
        FROM decision d
        JOIN mdt_case c USING (case_id)
        JOIN patient p ON p.patient_id = c.patient_id
        LEFT JOIN app_user u ON u.user_id = d.signed_by
        WHERE (?::VARCHAR IS NULL OR d.status = ?)
        ORDER BY d.decided_on DESC, d.decision_id DESC LIMIT ?
        """,
        [status, status, limit],
    ).df()


def actions(
    cur: duckdb.DuckDBPyConnection,
    *,
    case_id: int | None = None,
    owner_user_id: int | None = None,
    only_open: bool = False,
    today: date | None = None,
) -> pd.DataFrame:
    return cur.execute(
        """
        SELECT a.action_id, a.case_id, p.display_name AS patient, a.description, a.specialty,
               u.display_name AS owner, a.owner_user_id, a.due_date, a.status, a.completed_on,
               (a.status = 'open' AND a.due_date < ?) AS overdue, a.row_version
        FROM action_item a
        JOIN mdt_case c USING (case_id)
        JOIN patient p ON p.patient_id = c.patient_id
        LEFT JOIN app_user u ON u.user_id = a.owner_user_id
        WHERE (?::BIGINT IS NULL OR a.case_id = ?)
          AND (?::BIGINT IS NULL OR a.owner_user_id = ?)
          AND (NOT ? OR a.status = 'open')
        ORDER BY (a.status = 'open' AND a.due_date < ?) DESC, a.status = 'open' DESC, a.due_date
        """,
        [today or date.today(), case_id, case_id, owner_user_id, owner_user_id, only_open, today or date.today()],
    ).df()


def follow_ups(
    cur: duckdb.DuckDBPyConnection, *, case_id: int | None = None, overdue_only: bool = False, today: date | None = None
) -> pd.DataFrame:
    return cur.execute(
        """
        SELECT f.follow_up_id, f.case_id, p.display_name AS patient, f.kind, f.due_date, f.status,
               f.done_on, (f.status = 'due' AND f.due_date < ?) AS overdue
        FROM follow_up f
        JOIN mdt_case c USING (case_id)
        JOIN patient p ON p.patient_id = c.patient_id
        WHERE (?::BIGINT IS NULL OR f.case_id = ?)
          AND (NOT ? OR (f.status = 'due' AND f.due_date < ?))
        ORDER BY f.due_date
        """,
        [today or date.today(), case_id, case_id, overdue_only, today or date.today()],
    ).df()


# ------------------------------------------------------------------------------------------------
# Writes: drafting, signing, amending, actions, delivery, follow-ups

_DECISION_COLS = (
    "decision_id",
    "case_id",
    "item_id",
    "version",
    "predecessor_id",
    "amendment_reason",
    "status",
    "outcome",
    "summary",
    "noms_json",
    "dissent",
    "contributing",
    "quorum_state",
    "quorum_override_reason",
    "decided_on",
    "created_by",
    "signed_by",
    "signed_at",
    "signature_meaning",
    "content_hash",
    "row_version",
)


def get_decision(cur: duckdb.DuckDBPyConnection, decision_id: int) -> Decision:
    row = cur.execute("SELECT " + ", ".join(_DECISION_COLS) + " FROM decision WHERE decision_id = ?", [decision_id]).fetchone()  # noqa: S608
    if row is None:
        raise NotFoundError(f"Decision {decision_id} does not exist.")
    data = dict(zip(_DECISION_COLS, row, strict=True))
    data["noms"] = json.loads(data.pop("noms_json") or "{}")
    data["contributing"] = tuple(data["contributing"] or ())
    marked = cur.execute("SELECT 1 FROM emergency_decision WHERE decision_id = ?", [decision_id]).fetchone()
    data["emergency"] = marked is not None
    data["plan"] = tuple(
        fetch_models(
            cur,
            PlanItem,
            "SELECT p.plan_item_id, p.decision_id, p.position, p.rule_id, p.kind, p.text, p.disposition, p.reason,"
            " CASE WHEN t.plan_item_id IS NULL THEN NULL ELSE ARRAY[t.text_en, t.text_zh] END AS texts"
            " FROM plan_item p LEFT JOIN plan_item_text t USING (plan_item_id) WHERE p.decision_id = ? ORDER BY p.position",
            [decision_id],
        )
    )
    return Decision.model_validate(data)


def _case_for(cur: duckdb.DuckDBPyConnection, case_id: int) -> tuple[int, date]:
    row = cur.execute("SELECT patient_id, referral_date FROM mdt_case WHERE case_id = ?", [case_id]).fetchone()
    if row is None:
        raise NotFoundError(f"Case {case_id} does not exist.")
    return int(row[0]), row[1]


def _audit_view(d: Decision) -> dict[str, object]:
    return {
        "version": d.version,
        "outcome": d.outcome.value,
        "quorum_state": d.quorum_state.value,
        "plan": [{"rule_id": p.rule_id, "kind": p.kind.value, "disposition": p.disposition.value} for p in d.plan],
        "contributing": [s.value for s in d.contributing],
        "summary": f"({len(d.summary)} chars)",
        "dissent": f"({len(d.dissent)} chars)",
    }


def _insert_plan(cur: duckdb.DuckDBPyConnection, decision_id: int, plan: tuple[PlanItem, ...]) -> None:
    for pos, item in enumerate(plan):
        row = cur.execute(
            "INSERT INTO plan_item (decision_id, position, rule_id, kind, text, disposition, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING plan_item_id",
            [decision_id, pos, item.rule_id, item.kind.value, item.text, item.disposition.value, item.reason],
        ).fetchone()
        if item.texts is not None and row is not None:
            cur.execute("INSERT INTO plan_item_text (plan_item_id, text_en, text_zh) VALUES (?, ?, ?)", [row[0], *item.texts])


def _delete_plan(cur: duckdb.DuckDBPyConnection, decision_id: int) -> None:
    cur.execute(
        "DELETE FROM plan_item_text WHERE plan_item_id IN (SELECT plan_item_id FROM plan_item WHERE decision_id = ?)",
        [decision_id],
    )
    cur.execute("DELETE FROM plan_item WHERE decision_id = ?", [decision_id])


def _mark_emergency(cur: duckdb.DuckDBPyConnection, actor: Actor, decision_id: int) -> None:
    cur.execute(
        "INSERT INTO emergency_decision (decision_id, marked_by, marked_at) VALUES (?, ?, ?)",
        [decision_id, actor.user_id, utc_now()],
    )


def _check_new_decision(cur: duckdb.DuckDBPyConnection, decision: Decision) -> None:
    """A new decision belongs to one agenda item of its case (one decision per listing), or is an
    emergency decision outside a meeting (no item); an item of a closed meeting gets none."""
    if decision.item_id is None:
        if not decision.emergency:
            raise FieldError({"item_id": "a decision belongs to an agenda item, or is marked an emergency outside a meeting"})
        if cur.execute(
            "SELECT 1 FROM decision d JOIN emergency_decision e USING (decision_id) WHERE d.case_id = ? AND d.status = 'draft'",
            [decision.case_id],
        ).fetchone():
            raise FieldError({"decision": "this case already has an emergency draft: open it"})
        return
    if decision.emergency:
        raise FieldError({"emergency": "an emergency decision outside a meeting has no agenda item"})
    item = cur.execute(
        "SELECT a.case_id, m.status FROM agenda_item a JOIN meeting m USING (meeting_id) WHERE a.item_id = ?", [decision.item_id]
    ).fetchone()
    if item is None or int(item[0]) != decision.case_id:
        raise FieldError({"item_id": "is not an agenda item of this case"})
    if item[1] == MeetingStatus.CLOSED:
        raise WorkflowError("This meeting is closed: record the decision at the meeting the case is listed for.")
    if cur.execute("SELECT 1 FROM decision WHERE item_id = ?", [decision.item_id]).fetchone():
        raise FieldError({"decision": "this listing already has a decision: open the draft, or amend the signed one"})


def save_draft(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    decision: Decision,
    *,
    token: str | None = None,
) -> Decision:
    """Create a draft (no ``decision_id``) or update one read at ``decision.row_version``.

    A signed decision is never changed (ImmutableRecordError); a draft changed by someone else
    since it was read ends in ConflictError."""
    patient_id, referral = _case_for(cur, decision.case_id)
    audit.authorize(cur, actor, Capability.DRAFT_DECISION, "decision", decision.decision_id, patient_id=patient_id)
    if decision.decided_on < referral:
        raise FieldError({"decided_on": "must not be before the referral date"})
    with transaction(cur):
        if decision.decision_id is None:
            done = submissions.lookup(cur, token)
            if done is not None:
                return get_decision(cur, int(done))
            _check_new_decision(cur, decision)
            latest = cur.execute(
                "SELECT decision_id, version FROM decision WHERE case_id = ? ORDER BY version DESC LIMIT 1", [decision.case_id]
            ).fetchone()
            # One decision per listing: a re-listed case's new decision continues the case's
            # version chain (naming the earlier one) with the reason it was decided again.
            version, predecessor, reason = 1, None, ""
            if latest is not None:
                reason = decision.amendment_reason.strip()
                if not reason:
                    raise FieldError({"amendment_reason": "is required: say why the case is decided again"})
                version, predecessor = int(latest[1]) + 1, int(latest[0])
            new = cur.execute(
                "INSERT INTO decision (case_id, item_id, version, predecessor_id, amendment_reason, status, outcome, summary,"
                " noms_json, dissent, contributing, quorum_state, quorum_override_reason, decided_on, created_by)"
                " VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING decision_id",
                [
                    decision.case_id,
                    decision.item_id,
                    version,
                    predecessor,
                    reason,
                    decision.outcome.value,
                    decision.summary,
                    json.dumps(decision.noms, ensure_ascii=False, sort_keys=True),
                    decision.dissent,
                    [s.value for s in decision.contributing],
                    decision.quorum_state.value,
                    decision.quorum_override_reason,
                    decision.decided_on,
                    actor.user_id,
                ],
            ).fetchone()
            assert new is not None
            decision_id = int(new[0])
            _insert_plan(cur, decision_id, decision.plan)
            if decision.emergency:
                _mark_emergency(cur, actor, decision_id)
            audit.record(cur, actor, "create", "decision", decision_id, after=_audit_view(decision), patient_id=patient_id)
            submissions.remember(cur, token, "decision", decision_id)
            return get_decision(cur, decision_id)
        current = cur.execute("SELECT status, row_version FROM decision WHERE decision_id = ?", [decision.decision_id]).fetchone()
        if current is None:
            raise NotFoundError(f"Decision {decision.decision_id} does not exist.")
        if current[0] == DecisionStatus.SIGNED:
            raise ImmutableRecordError("This decision is signed and cannot be changed; amend it instead.")
        before = get_decision(cur, decision.decision_id)
        changed = cur.execute(
            "UPDATE decision SET outcome = ?, summary = ?, noms_json = ?, dissent = ?, contributing = ?, quorum_state = ?,"
            " quorum_override_reason = ?, decided_on = ?, row_version = row_version + 1"
            " WHERE decision_id = ? AND row_version = ? AND status = 'draft'",
            [
                decision.outcome.value,
                decision.summary,
                json.dumps(decision.noms, ensure_ascii=False, sort_keys=True),
                decision.dissent,
                [s.value for s in decision.contributing],
                decision.quorum_state.value,
                decision.quorum_override_reason,
                decision.decided_on,
                decision.decision_id,
                decision.row_version,
            ],
        ).fetchone()
        if not changed or int(changed[0]) != 1:
            raise ConflictError("This draft was changed by someone else since you opened it; nothing was saved. Reload it.")
        _delete_plan(cur, decision.decision_id)
        _insert_plan(cur, decision.decision_id, decision.plan)
        audit.record(
            cur,
            actor,
            "update",
            "decision",
            decision.decision_id,
            before=_audit_view(before),
            after=_audit_view(decision),
            patient_id=patient_id,
        )
        return get_decision(cur, decision.decision_id)


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


def amend(cur: duckdb.DuckDBPyConnection, actor: Actor, decision_id: int, *, reason: str, token: str | None = None) -> Decision:
    """Start an amendment: a new draft version naming its predecessor; the signed one stays."""
    old = get_decision(cur, decision_id)
    patient_id, _ = _case_for(cur, old.case_id)
    audit.authorize(cur, actor, Capability.SIGN_DECISION, "decision", decision_id, patient_id=patient_id)
    if not reason.strip():
        raise FieldError({"amendment_reason": "is required for an amendment"})
    if old.status != DecisionStatus.SIGNED:
        raise WorkflowError("Only a signed decision is amended; edit the draft instead.")
    latest = cur.execute("SELECT max(version) FROM decision WHERE case_id = ?", [old.case_id]).fetchone()
    if latest and int(latest[0]) != old.version:
        raise ConflictError("A newer version of this decision exists; amend the latest version.")
    draft = old.model_copy(
        update={
            "decision_id": None,
            "version": old.version + 1,
            "predecessor_id": decision_id,
            "amendment_reason": reason,
            "status": DecisionStatus.DRAFT,
            "signed_by": None,
            "signed_at": None,
            "signature_meaning": "",
            "content_hash": None,
            "row_version": 1,
            "decided_on": max(old.decided_on, date.today()),
        }
    )
    Decision.model_validate(draft.model_dump())
    with transaction(cur):
        done = submissions.lookup(cur, token)
        if done is not None:
            return get_decision(cur, int(done))
        new = cur.execute(
            "INSERT INTO decision (case_id, item_id, version, predecessor_id, amendment_reason, status, outcome, summary,"
            " noms_json, dissent, contributing, quorum_state, quorum_override_reason, decided_on, created_by)"
            " VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING decision_id",
            [
                draft.case_id,
                draft.item_id,
                draft.version,
                decision_id,
                reason,
                draft.outcome.value,
                draft.summary,
                json.dumps(draft.noms, ensure_ascii=False, sort_keys=True),
                draft.dissent,
                [s.value for s in draft.contributing],
                draft.quorum_state.value,
                draft.quorum_override_reason,
                draft.decided_on,
                actor.user_id,
            ],
        ).fetchone()
        assert new is not None
        _insert_plan(cur, int(new[0]), draft.plan)
        if draft.emergency:
            _mark_emergency(cur, actor, int(new[0]))
        audit.record(
            cur,
            actor,
            "amend",
            "decision",
            int(new[0]),
            before={"version": old.version, "decision_id": decision_id},
            after={"version": draft.version},
            reason=reason,
            patient_id=patient_id,
        )
        submissions.remember(cur, token, "decision", int(new[0]))
    return get_decision(cur, int(new[0]))


def add_action(cur: duckdb.DuckDBPyConnection, actor: Actor, action: ActionItem, *, token: str | None = None) -> int:
    patient_id, _ = _case_for(cur, action.case_id)
    audit.authorize(cur, actor, Capability.MANAGE_ACTIONS, "action_item", patient_id=patient_id)
    with transaction(cur):
        done = submissions.lookup(cur, token)
        if done is not None:
            return int(done)
        row = cur.execute(
            "INSERT INTO action_item (case_id, decision_id, plan_item_id, description, owner_user_id, specialty, due_date)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING action_id",
            [
                action.case_id,
                action.decision_id,
                action.plan_item_id,
                action.description,
                action.owner_user_id,
                action.specialty.value,
                action.due_date,
            ],
        ).fetchone()
        assert row is not None
        audit.record(
            cur,
            actor,
            "create",
            "action_item",
            row[0],
            after={
                "specialty": action.specialty.value,
                "due_date": action.due_date.isoformat(),
                "owner_user_id": action.owner_user_id,
            },
            patient_id=patient_id,
        )
        submissions.remember(cur, token, "action_item", row[0])
    return int(row[0])


def complete_action(
    cur: duckdb.DuckDBPyConnection, actor: Actor, action_id: int, *, expected_version: int, on: date | None = None
) -> None:
    row = cur.execute(
        "SELECT a.owner_user_id, a.status, c.patient_id FROM action_item a JOIN mdt_case c USING (case_id) WHERE action_id = ?",
        [action_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(f"Action {action_id} does not exist.")
    own = row[0] == actor.user_id
    if not (allowed(actor.role, Capability.MANAGE_ACTIONS) or (own and allowed(actor.role, Capability.MANAGE_OWN_ACTIONS))):
        audit.record(
            cur, actor, "denied", "action_item", action_id, outcome="denied", reason="not the owner", patient_id=int(row[2])
        )
        raise PermissionDeniedError("Only the action's owner, the chair or a coordinator can complete it; nothing was changed.")
    with transaction(cur):
        changed = cur.execute(
            "UPDATE action_item SET status = 'done', completed_on = ?, row_version = row_version + 1"
            " WHERE action_id = ? AND row_version = ? AND status = 'open'",
            [on or date.today(), action_id, expected_version],
        ).fetchone()
        if not changed or int(changed[0]) != 1:
            raise ConflictError("This action was changed by someone else; reload it.")
        audit.record(
            cur,
            actor,
            "update",
            "action_item",
            action_id,
            before={"status": row[1]},
            after={"status": ActionStatus.DONE.value},
            patient_id=int(row[2]),
        )


def record_delivery(cur: duckdb.DuckDBPyConnection, actor: Actor, delivery: Delivery, *, token: str | None = None) -> int:
    row = cur.execute(
        "SELECT c.patient_id, d.status FROM plan_item p JOIN decision d USING (decision_id) JOIN mdt_case c ON c.case_id = d.case_id"  # noqa: E501
        " WHERE p.plan_item_id = ?",
        [delivery.plan_item_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(f"Plan item {delivery.plan_item_id} does not exist.")
    audit.authorize(cur, actor, Capability.MANAGE_ACTIONS, "delivery", delivery.plan_item_id, patient_id=int(row[0]))
    if row[1] != DecisionStatus.SIGNED:
        raise WorkflowError("Delivery is recorded against a signed decision.")
    with transaction(cur):
        done = submissions.lookup(cur, token)
        if done is not None:
            return int(done)
        if cur.execute("SELECT 1 FROM delivery WHERE plan_item_id = ?", [delivery.plan_item_id]).fetchone():
            raise FieldError({"plan_item": "delivery is already recorded for this plan item"})
        new = cur.execute(
            "INSERT INTO delivery (plan_item_id, delivered, delivered_on, reason_not, note) VALUES (?, ?, ?, ?, ?) RETURNING delivery_id",  # noqa: E501
            [
                delivery.plan_item_id,
                delivery.delivered,
                delivery.delivered_on,
                delivery.reason_not.value if delivery.reason_not else None,
                delivery.note,
            ],
        ).fetchone()
        assert new is not None
        audit.record(
            cur,
            actor,
            "create",
            "delivery",
            new[0],
            after={
                "plan_item_id": delivery.plan_item_id,
                "delivered": delivery.delivered,
                "reason_not": delivery.reason_not.value if delivery.reason_not else None,
            },
            patient_id=int(row[0]),
        )
        submissions.remember(cur, token, "delivery", new[0])
    return int(new[0])


def schedule_follow_ups(
    cur: duckdb.DuckDBPyConnection, actor: Actor, decision_id: int, schedule: list[tuple[date, FollowUpKind]]
) -> int:
    """Create follow-ups for a signed decision from the policy schedule (one statement)."""
    d = get_decision(cur, decision_id)
    patient_id, _ = _case_for(cur, d.case_id)
    audit.authorize(cur, actor, Capability.MANAGE_ACTIONS, "follow_up", decision_id, patient_id=patient_id)
    if not schedule:
        return 0
    with transaction(cur):
        cur.execute(
            "INSERT INTO follow_up (case_id, decision_id, due_date, kind) SELECT ?, ?, unnest(?::DATE[]), unnest(?::VARCHAR[])",
            [d.case_id, decision_id, [s[0] for s in schedule], [s[1].value for s in schedule]],
        )
        audit.record(cur, actor, "create", "follow_up", decision_id, after={"count": len(schedule)}, patient_id=patient_id)
    return len(schedule)
