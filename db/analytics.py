"""Department analytics, computed in SQL (aggregates only: no identifiable fields leave here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    import pandas as pd


def weekly_case_load(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Cases per meeting by urgency."""
    return cur.execute(
        """
        SELECT m.meeting_date AS week, a.urgency, count(*) AS cases
        FROM agenda_item a JOIN meeting m USING (meeting_id)
        GROUP BY m.meeting_date, a.urgency ORDER BY week
        """
    ).df()


def referrals_by_primary(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute("SELECT primary_tumour, count(*) AS cases FROM mdt_case GROUP BY primary_tumour ORDER BY cases DESC").df()


def summary(cur: duckdb.DuckDBPyConnection) -> dict[str, float]:
    row = cur.execute(
        """
        SELECT
          (SELECT count(*) FROM mdt_case) AS cases,
          (SELECT count(*) FROM meeting WHERE status = 'closed') AS meetings_held,
          (SELECT count(*) FROM decision WHERE status = 'signed') AS signed_decisions,
          (SELECT avg(CASE WHEN delivered THEN 1.0 ELSE 0.0 END) FROM delivery) AS delivered_share,
          (SELECT median(date_diff('day', c.referral_date, d.decided_on))
             FROM decision d JOIN mdt_case c USING (case_id) WHERE d.version = 1) AS median_days_to_decision,
          (SELECT avg(CASE WHEN d.outcome = 'decided' THEN 1.0 ELSE 0.0 END)
             FROM decision d WHERE d.version = 1) AS decided_share
        """
    ).fetchone()
    assert row is not None
    keys = ("cases", "meetings_held", "signed_decisions", "delivered_share", "median_days_to_decision", "decided_share")
    return {k: (float(v) if v is not None else float("nan")) for k, v in zip(keys, row, strict=True)}


def timeliness(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per meeting: median days from referral to listing and to the first decision."""
    return cur.execute(
        """
        SELECT m.meeting_date AS week,
               median(date_diff('day', c.referral_date, m.meeting_date)) AS referral_to_meeting_days,
               median(date_diff('day', c.referral_date, d.decided_on)) FILTER (WHERE d.decision_id IS NOT NULL)
                   AS referral_to_decision_days
        FROM agenda_item a
        JOIN meeting m USING (meeting_id)
        JOIN mdt_case c USING (case_id)
        LEFT JOIN decision d ON d.item_id = a.item_id AND d.version = 1
        WHERE m.status = 'closed'
        GROUP BY m.meeting_date ORDER BY week
        """
    ).df()


def implementation(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Decision to delivery: delivered, not delivered by reason, not yet recorded — by plan kind."""
    return cur.execute(
        """
        SELECT p.kind,
               CASE WHEN dl.delivery_id IS NULL THEN 'not_recorded'
                    WHEN dl.delivered THEN 'delivered'
                    ELSE 'not_delivered_' || dl.reason_not END AS state,
               count(*) AS items
        FROM plan_item p
        JOIN decision d USING (decision_id)
        LEFT JOIN delivery dl USING (plan_item_id)
        WHERE d.status = 'signed' AND d.outcome = 'decided' AND p.disposition <> 'rejected'
          AND NOT EXISTS (SELECT 1 FROM decision n WHERE n.predecessor_id = d.decision_id AND n.status = 'signed')
        GROUP BY p.kind, state ORDER BY p.kind, state
        """
    ).df()


def skeletal_events(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Skeletal-related events per quarter and kind (a corrected event counts once, a retracted one not)."""
    return cur.execute(
        """
        SELECT CAST(date_trunc('quarter', event_date) AS DATE) AS quarter, kind, count(*) AS events
        FROM clinical_event
        WHERE kind IN ('pathological_fracture','cord_compression','hypercalcaemia','surgery_to_bone','radiotherapy_to_bone')
          AND superseded_by IS NULL AND NOT coalesce(retracted, FALSE)  -- the versions in force only
          AND event_date >= current_date - INTERVAL '2 years'
        GROUP BY quarter, kind ORDER BY quarter, kind
        """
    ).df()


def core_attendance(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Share of held meetings each core specialty attended (standard: at least two thirds)."""
    return cur.execute(
        """
        WITH held AS (SELECT meeting_id FROM meeting WHERE status = 'closed'),
        core(specialty) AS (VALUES ('medical_oncology'), ('orthopaedics'), ('radiotherapy'), ('radiology'))
        SELECT core.specialty,
               count(DISTINCT a.meeting_id) FILTER (WHERE a.present) * 1.0 / greatest((SELECT count(*) FROM held), 1) AS share
        FROM core
        LEFT JOIN attendance a ON (a.specialty = core.specialty
                                   OR (core.specialty = 'orthopaedics' AND a.specialty = 'spine_surgery'))
                               AND a.meeting_id IN (SELECT meeting_id FROM held)
        GROUP BY core.specialty ORDER BY core.specialty
        """
    ).df()


def meeting_quality(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per held meeting: attendance grade, cases, outcomes, mean discussion time, specialties contributing."""
    return cur.execute(
        """
        SELECT m.meeting_date AS week, m.attendance_grade,
               count(a.item_id) AS cases,
               count(d.decision_id) FILTER (WHERE d.outcome = 'decided') AS decided,
               count(d.decision_id) FILTER (WHERE d.outcome = 'deferred') + count(a.item_id) FILTER (WHERE a.status = 'deferred' AND d.decision_id IS NULL) AS deferred,
               count(a.item_id) FILTER (WHERE d.decision_id IS NULL AND a.status <> 'deferred') AS no_decision,
               round(avg(a.discussion_seconds) FILTER (WHERE a.discussion_seconds > 0) / 60.0, 1) AS mean_minutes,
               round(avg(len(d.contributing)), 1) AS mean_specialties
        FROM meeting m
        JOIN agenda_item a USING (meeting_id)
        LEFT JOIN decision d ON d.item_id = a.item_id AND d.version = 1
        WHERE m.status = 'closed'
        GROUP BY m.meeting_date, m.attendance_grade ORDER BY week
        """  # noqa: E501
    ).df()
