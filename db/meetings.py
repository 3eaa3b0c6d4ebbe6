"""Meetings, agendas and attendance (reads for the board; workflow writes live in db/agenda.py)."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd

from core.errors import NotFoundError
from core.models import Meeting
from db.rows import fetch_models


def list_meetings(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute(
        """
        SELECT m.meeting_id, m.meeting_date, m.start_time, m.location, m.status, m.attendance_grade,
               count(a.item_id) AS cases,
               count(a.item_id) FILTER (WHERE a.urgency = 'emergency') AS emergencies,
               count(a.item_id) FILTER (WHERE a.urgency = 'urgent') AS urgent
        FROM meeting m LEFT JOIN agenda_item a USING (meeting_id)
        GROUP BY m.meeting_id, m.meeting_date, m.start_time, m.location, m.status, m.attendance_grade
        ORDER BY m.meeting_date
        """
    ).df()


def get_meeting(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> Meeting:
    found = fetch_models(
        cur,
        Meeting,
        "SELECT meeting_id, meeting_date, start_time, location, status, chair_user_id,"
        " attendance_grade, started_at, ended_at FROM meeting WHERE meeting_id = ?",
        [meeting_id],
    )
    if not found:
        raise NotFoundError(f"Meeting {meeting_id} does not exist.")
    return found[0]


def next_meeting_id(cur: duckdb.DuckDBPyConnection, today: date | None = None) -> int | None:
    row = cur.execute(
        "SELECT meeting_id FROM meeting WHERE meeting_date >= ? AND status <> 'closed' ORDER BY meeting_date LIMIT 1",
        [today or date.today()],
    ).fetchone()
    return None if row is None else int(row[0])


def agenda(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> pd.DataFrame:
    """The meeting's agenda in its stored order (emergencies first, SoC last, then position)."""
    return cur.execute(
        """
        SELECT a.item_id, a.position, a.case_id, p.display_name AS patient, p.mrn,
               c.primary_tumour, a.urgency, a.stream, a.status, a.discussion_seconds,
               c.question, c.lecture_case
        FROM agenda_item a
        JOIN mdt_case c USING (case_id)
        JOIN patient p ON p.patient_id = c.patient_id
        WHERE a.meeting_id = ?
        ORDER BY a.position, a.item_id
        """,
        [meeting_id],
    ).df()


def attendance(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> pd.DataFrame:
    return cur.execute(
        """
        SELECT u.user_id, u.display_name, att.specialty, att.present
        FROM attendance att JOIN app_user u USING (user_id)
        WHERE att.meeting_id = ? ORDER BY att.specialty, u.display_name
        """,
        [meeting_id],
    ).df()


def case_agenda_history(cur: duckdb.DuckDBPyConnection, case_id: int) -> pd.DataFrame:
    return cur.execute(
        "SELECT m.meeting_id, m.meeting_date, a.status, a.urgency, a.stream FROM agenda_item a"
        " JOIN meeting m USING (meeting_id) WHERE a.case_id = ? ORDER BY m.meeting_date",
        [case_id],
    ).df()
