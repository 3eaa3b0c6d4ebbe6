"""The agenda sheet to circulate before a meeting (coordinator, chair): read, role-checked, audited.

The sheet names patients, so preparing it is an export: the role check and the audit row come
first, in the same transaction as the read (docs/security-requirements.md: exports are role-gated and audited).
"""

from __future__ import annotations

from datetime import date

import duckdb

from core.agenda_sheet import AgendaLine, AgendaSheet
from core.models import Actor
from core.permissions import Capability
from db import audit
from db.connection import transaction
from db.meetings import get_meeting


def _age(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def agenda_sheet(cur: duckdb.DuckDBPyConnection, actor: Actor, meeting_id: int, *, today: date) -> AgendaSheet:
    """The meeting's agenda in its order, for the circulated PDF. Raises PermissionDeniedError
    (audited) for a role that does not build agendas, NotFoundError for an unknown meeting."""
    meeting = get_meeting(cur, meeting_id)
    audit.authorize(cur, actor, Capability.BUILD_AGENDA, "meeting", meeting_id)
    with transaction(cur):
        rows = cur.execute(
            """
            SELECT a.case_id, p.display_name, p.mrn, p.birth_date, p.sex, c.primary_tumour,
                   a.urgency, a.stream, c.question, c.referrer
            FROM agenda_item a
            JOIN mdt_case c USING (case_id)
            JOIN patient p ON p.patient_id = c.patient_id
            WHERE a.meeting_id = ?
            ORDER BY a.position, a.item_id
            """,
            [meeting_id],
        ).fetchall()
        chair = None
        if meeting.chair_user_id is not None:
            found = cur.execute("SELECT display_name FROM app_user WHERE user_id = ?", [meeting.chair_user_id]).fetchone()
            chair = str(found[0]) if found else None
        audit.record(cur, actor, "export", "meeting", meeting_id, after={"agenda_sheet": len(rows)})
    lines = tuple(
        AgendaLine(
            position=index,
            case_id=int(r[0]),
            patient=str(r[1]),
            mrn=str(r[2]),
            age=_age(r[3], meeting.meeting_date),
            sex=str(r[4]),
            primary_tumour=str(r[5]),
            urgency=str(r[6]),
            stream=str(r[7]),
            question=str(r[8] or ""),
            referrer=str(r[9] or ""),
        )
        for index, r in enumerate(rows, start=1)
    )
    return AgendaSheet(
        meeting_id=meeting_id,
        meeting_date=meeting.meeting_date,
        start_time=meeting.start_time,
        location=meeting.location,
        status=meeting.status.value,
        chair=chair,
        lines=lines,
        prepared_by=actor.username,
        prepared_on=today,
    )
