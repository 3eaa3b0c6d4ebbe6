"""Decisions, plan items, action items, delivery and follow-ups (reads)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd


def decisions_for_case(cur: duckdb.DuckDBPyConnection, case_id: int) -> pd.DataFrame:
    return cur.execute(
        """
        SELECT d.decision_id, d.version, d.predecessor_id, d.status, d.outcome, d.decided_on,
               d.summary, d.dissent, d.quorum_state, d.quorum_override_reason, d.amendment_reason,
               u.display_name AS signed_by, d.signed_at, d.signature_meaning, d.content_hash
        FROM decision d LEFT JOIN app_user u ON u.user_id = d.signed_by
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
