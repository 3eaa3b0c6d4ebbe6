"""Department analytics, computed in SQL (aggregates only: no identifiable fields)."""

from __future__ import annotations

import duckdb
import pandas as pd


def weekly_case_load(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Cases per meeting week by urgency and stream."""
    return cur.execute(
        """
        SELECT m.meeting_date AS week, a.urgency, a.stream, count(*) AS cases
        FROM agenda_item a JOIN meeting m USING (meeting_id)
        GROUP BY ALL ORDER BY week
        """
    ).df()


def referrals_by_primary(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute(
        "SELECT primary_tumour, count(*) AS cases FROM mdt_case GROUP BY ALL ORDER BY cases DESC"
    ).df()


def summary(cur: duckdb.DuckDBPyConnection) -> dict[str, float]:
    row = cur.execute(
        """
        SELECT
          (SELECT count(*) FROM mdt_case) AS cases,
          (SELECT count(*) FROM meeting WHERE status = 'closed') AS meetings_held,
          (SELECT count(*) FROM decision WHERE status = 'signed') AS signed_decisions,
          (SELECT avg(CASE WHEN delivered THEN 1.0 ELSE 0.0 END) FROM delivery) AS delivered_share,
          (SELECT median(date_diff('day', c.referral_date, d.decided_on))
             FROM decision d JOIN mdt_case c USING (case_id) WHERE d.version = 1) AS median_days_to_decision
        """
    ).fetchone()
    assert row is not None
    keys = ("cases", "meetings_held", "signed_decisions", "delivered_share", "median_days_to_decision")
    return {k: (float(v) if v is not None else float("nan")) for k, v in zip(keys, row, strict=True)}
