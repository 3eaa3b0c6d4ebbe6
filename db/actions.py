"""What follows a signed decision: action items (owner, specialty, due date; completed by their
owner or whoever manages actions), delivery of each plan item (delivered, or the reason not), and
follow-ups scheduled from the policy; with the lists the overview and the decisions page read.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from core.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    WorkflowError,
)
from core.models import (
    ActionItem,
    ActionStatus,
    Actor,
    DecisionStatus,
    Delivery,
    FollowUpKind,
)
from core.permissions import Capability, allowed
from db import audit, submissions
from db.connection import transaction
from db.decision_reads import _case_for, get_decision


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
