"""Reads of the meeting screen: cases waiting to be listed, the agenda with its override
reasons, the members who can attend, and a change stamp for caching per-case summaries.

Writes stay in db/agenda.py (roles checked, audited)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

# Referred or ready cases not on the meeting's agenda, optionally only patients whose name or MRN
# contains a text: the page of candidates and their count read the same rows.
_WAITING = """
    FROM mdt_case c
    JOIN patient p ON p.patient_id = c.patient_id
    WHERE c.status IN ('referred', 'ready')
      AND NOT EXISTS (SELECT 1 FROM agenda_item a WHERE a.meeting_id = ? AND a.case_id = c.case_id)
      AND (?::VARCHAR IS NULL OR contains(lower(p.display_name), ?) OR contains(p.mrn_folded, ?))
"""
_CANDIDATES_SQL = (
    """
    SELECT c.case_id, p.display_name AS patient, p.mrn, c.primary_tumour, c.stream, c.priority,
           c.status, c.referral_date, count(*) OVER () AS total"""
    + _WAITING
    + """
    ORDER BY CASE c.priority WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END,
             c.referral_date, c.case_id
    LIMIT ? OFFSET ?
"""
)


def candidates(
    cur: duckdb.DuckDBPyConnection, meeting_id: int, *, limit: int = 10, offset: int = 0, text: str | None = None
) -> tuple[pd.DataFrame, int]:
    """Referred or ready cases not yet on ``meeting_id``'s agenda (most pressing first), one
    page of them, and how many there are in all. ``text``: only patients whose name or MRN
    contains it (case-folded)."""
    needle = text.strip().casefold() if text and text.strip() else None
    frame = cur.execute(_CANDIDATES_SQL, [meeting_id, needle, needle, needle, max(1, limit), max(0, offset)]).df()
    if frame.empty:
        row = cur.execute("SELECT count(*)" + _WAITING, [meeting_id, needle, needle, needle]).fetchone()
        total = int(row[0]) if row else 0
        return frame.drop(columns="total"), total
    return frame.drop(columns="total"), int(frame["total"].iloc[0])


def agenda_items(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> pd.DataFrame:
    """The agenda in its stored order, with what the meeting screen shows per row."""
    return cur.execute(
        """
        SELECT a.item_id, a.position, a.case_id, p.display_name AS patient, c.primary_tumour,
               a.urgency, a.stream, a.status, a.discussion_seconds, a.override_reason,
               c.referral_date
        FROM agenda_item a
        JOIN mdt_case c USING (case_id)
        JOIN patient p ON p.patient_id = c.patient_id
        WHERE a.meeting_id = ?
        ORDER BY a.position, a.item_id
        """,
        [meeting_id],
    ).df()


def items(cur: duckdb.DuckDBPyConnection, item_ids: Sequence[int]) -> pd.DataFrame:
    """Agenda items by id with their meeting date and patient (e.g. the re-listed ones)."""
    return cur.execute(
        """
        SELECT a.item_id, a.meeting_id, m.meeting_date, a.case_id, p.display_name AS patient,
               a.urgency, a.stream, a.status
        FROM agenda_item a
        JOIN meeting m USING (meeting_id)
        JOIN mdt_case c USING (case_id)
        JOIN patient p ON p.patient_id = c.patient_id
        WHERE list_contains(?, a.item_id)
        ORDER BY m.meeting_date, a.position, a.item_id
        """,
        [[int(i) for i in item_ids]],
    ).df()


def members(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> pd.DataFrame:
    """Active clinical members (not admin or analyst, with a specialty) and whether each is
    recorded present at the meeting (FALSE when attendance is not recorded)."""
    return cur.execute(
        """
        SELECT u.user_id, u.display_name, u.role,
               coalesce(att.specialty, u.specialty) AS specialty,
               coalesce(att.present, FALSE) AS present
        FROM app_user u
        LEFT JOIN attendance att ON att.user_id = u.user_id AND att.meeting_id = ?
        WHERE u.active AND u.role NOT IN ('admin', 'analyst') AND u.specialty IS NOT NULL
        ORDER BY specialty, u.display_name
        """,
        [meeting_id],
    ).df()
