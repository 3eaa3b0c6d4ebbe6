"""The decision lifecycle before and after signing: drafting (a new draft for one listing, or an
emergency decision outside a meeting; edits under optimistic locking) and amending (a new draft
version naming its signed predecessor, which stays unchanged).

Signing is ``db.decision_signing``; reads are ``db.decision_reads``; actions, delivery and
follow-ups are ``db.actions``. Rules: docs/clinical/meeting-day.md.
"""

from __future__ import annotations

import json
from datetime import date

import duckdb

from core.errors import (
    ConflictError,
    FieldError,
    ImmutableRecordError,
    NotFoundError,
    WorkflowError,
)
from core.models import (
    Actor,
    Decision,
    DecisionStatus,
    MeetingStatus,
    PlanItem,
)
from core.permissions import Capability
from db import audit, submissions
from db.connection import transaction, utc_now
from db.decision_reads import _case_for, get_decision


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
