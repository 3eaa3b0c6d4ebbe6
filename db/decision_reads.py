"""Reading decisions: the case's decision history, the register, plan items with their delivery,
and one decision as a model (``get_decision``, the form every write and the minutes read).

Writes live elsewhere: drafting and amending in ``db.decisions``, signing in
``db.decision_signing``; actions, delivery and follow-ups in ``db.actions``.
"""

from __future__ import annotations

import json
from datetime import date

import duckdb
import pandas as pd

from core.errors import NotFoundError
from core.models import Decision, PlanItem
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
