"""Presenting a meeting: who presents each agenda item, the meeting's time budget (cases ×
minutes per case) and the case the chair is presenting now, which members' follow views poll.

Writes check the actor's role themselves and audit in the same transaction. None of these rows
is clinical data, so the audit rows carry no patient id (a presenter change must not invalidate
the case boards cached by their data stamp, db/board.case_stamps).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from core.errors import FieldError, NotFoundError, WorkflowError
from core.models import Actor, MeetingStatus, Role
from core.permissions import Capability
from db import audit
from db.connection import transaction, utc_now

DEFAULT_MINUTES_PER_CASE = 3
MINUTES_PER_CASE_RANGE = (1, 30)
# Who may present a case: the clinicians of the board.
PRESENTER_ROLES = (Role.CHAIR.value, Role.MEMBER.value)


@dataclass(frozen=True)
class Presenting:
    """The meeting's presenting state (defaults when nothing was stored yet)."""

    meeting_id: int
    current_item_id: int | None
    moved_at: datetime | None
    minutes_per_case: int


@dataclass(frozen=True)
class Budget:
    """The meeting's time budget: planned minutes (cases × minutes per case) against elapsed."""

    cases: int
    minutes_per_case: int
    elapsed_seconds: float

    @property
    def planned_seconds(self) -> int:
        return self.cases * self.minutes_per_case * 60

    @property
    def over(self) -> bool:
        return self.elapsed_seconds > self.planned_seconds


def budget(cases: int, minutes_per_case: int, started_at: datetime | None, now: datetime) -> Budget:
    """The budget at ``now`` (naive UTC, like the stored timestamps); nothing elapsed before start."""
    elapsed = 0.0 if started_at is None else max(0.0, (now - started_at).total_seconds())
    return Budget(cases=cases, minutes_per_case=minutes_per_case, elapsed_seconds=elapsed)


def _meeting_status(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> MeetingStatus:
    row = cur.execute("SELECT status FROM meeting WHERE meeting_id = ?", [meeting_id]).fetchone()
    if row is None:
        raise NotFoundError(f"Meeting {meeting_id} does not exist.")
    return MeetingStatus(str(row[0]))


def _item_meeting(cur: duckdb.DuckDBPyConnection, item_id: int) -> int:
    row = cur.execute("SELECT meeting_id FROM agenda_item WHERE item_id = ?", [item_id]).fetchone()
    if row is None:
        raise NotFoundError(f"Agenda item {item_id} does not exist.")
    return int(row[0])


def state(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> Presenting:
    """The stored presenting state of a meeting (the current item only while it is on the agenda)."""
    row = cur.execute(
        "SELECT a.item_id, p.moved_at, p.minutes_per_case FROM meeting_presenting p"
        " LEFT JOIN agenda_item a ON a.item_id = p.current_item_id AND a.meeting_id = p.meeting_id"
        " WHERE p.meeting_id = ?",
        [meeting_id],
    ).fetchone()
    if row is None:
        return Presenting(meeting_id, None, None, DEFAULT_MINUTES_PER_CASE)
    return Presenting(meeting_id, None if row[0] is None else int(row[0]), row[1], int(row[2]))


def current_item(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> int | None:
    """The item the chair is presenting now (what a follow view polls: one indexed read)."""
    row = cur.execute(
        "SELECT p.current_item_id FROM meeting_presenting p JOIN agenda_item a"
        " ON a.item_id = p.current_item_id AND a.meeting_id = p.meeting_id WHERE p.meeting_id = ?",
        [meeting_id],
    ).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _upsert(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> None:
    cur.execute(
        "INSERT INTO meeting_presenting (meeting_id) VALUES (?) ON CONFLICT (meeting_id) DO NOTHING",
        [meeting_id],
    )


def present_item(cur: duckdb.DuckDBPyConnection, actor: Actor, meeting_id: int, item_id: int) -> bool:
    """The chair moves the room to ``item_id``; returns False when it already was the current one."""
    audit.authorize(cur, actor, Capability.SIGN_DECISION, "meeting", meeting_id)
    if _meeting_status(cur, meeting_id) == MeetingStatus.CLOSED:
        raise WorkflowError("The meeting is closed.")
    if _item_meeting(cur, item_id) != meeting_id:
        raise WorkflowError("That case is not on this meeting's agenda.")
    before = current_item(cur, meeting_id)
    if before == item_id:
        return False
    with transaction(cur):
        _upsert(cur, meeting_id)
        cur.execute(
            "UPDATE meeting_presenting SET current_item_id = ?, moved_by = ?, moved_at = ?,"
            " row_version = row_version + 1 WHERE meeting_id = ?",
            [item_id, actor.user_id, utc_now(), meeting_id],
        )
        audit.record(cur, actor, "present", "meeting", meeting_id, before={"item_id": before}, after={"item_id": item_id})
    return True


def set_minutes_per_case(cur: duckdb.DuckDBPyConnection, actor: Actor, meeting_id: int, minutes: int) -> None:
    audit.authorize(cur, actor, Capability.BUILD_AGENDA, "meeting", meeting_id)
    low, high = MINUTES_PER_CASE_RANGE
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not low <= minutes <= high:
        raise FieldError({"minutes_per_case": f"must be between {low} and {high}"})
    if _meeting_status(cur, meeting_id) == MeetingStatus.CLOSED:
        raise WorkflowError("The meeting is closed.")
    before = state(cur, meeting_id).minutes_per_case
    with transaction(cur):
        _upsert(cur, meeting_id)
        cur.execute(
            "UPDATE meeting_presenting SET minutes_per_case = ?, row_version = row_version + 1 WHERE meeting_id = ?",
            [minutes, meeting_id],
        )
        audit.record(
            cur, actor, "update", "meeting", meeting_id, before={"minutes_per_case": before}, after={"minutes_per_case": minutes}
        )


def presenter_choices(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Active clinicians who may present a case: user_id, display_name, specialty."""
    return cur.execute(
        "SELECT user_id, display_name, specialty FROM app_user WHERE active AND list_contains(?, role)"
        " ORDER BY display_name, user_id",
        [list(PRESENTER_ROLES)],
    ).df()


def set_presenter(cur: duckdb.DuckDBPyConnection, actor: Actor, item_id: int, user_id: int | None) -> None:
    """Name who presents an agenda item (``None`` clears it)."""
    audit.authorize(cur, actor, Capability.BUILD_AGENDA, "agenda_item", item_id)
    meeting_id = _item_meeting(cur, item_id)
    if _meeting_status(cur, meeting_id) == MeetingStatus.CLOSED:
        raise WorkflowError("The meeting is closed.")
    if user_id is not None:
        ok = cur.execute(
            "SELECT 1 FROM app_user WHERE user_id = ? AND active AND list_contains(?, role)",
            [user_id, list(PRESENTER_ROLES)],
        ).fetchone()
        if ok is None:
            raise FieldError({"presenter": "must be an active clinician"})
    row = cur.execute("SELECT user_id FROM agenda_presenter WHERE item_id = ?", [item_id]).fetchone()
    before = None if row is None else int(row[0])
    if before == user_id:
        return
    with transaction(cur):
        cur.execute("DELETE FROM agenda_presenter WHERE item_id = ?", [item_id])
        if user_id is not None:
            cur.execute(
                "INSERT INTO agenda_presenter (item_id, user_id, set_by, set_at) VALUES (?, ?, ?, ?)",
                [item_id, user_id, actor.user_id, utc_now()],
            )
        audit.record(cur, actor, "update", "agenda_item", item_id, before={"presenter": before}, after={"presenter": user_id})


def presenters(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> dict[int, tuple[int, str]]:
    """Per agenda item of the meeting: (user_id, display name) of its presenter."""
    rows = cur.execute(
        "SELECT p.item_id, u.user_id, u.display_name FROM agenda_presenter p"
        " JOIN agenda_item a USING (item_id) JOIN app_user u ON u.user_id = p.user_id WHERE a.meeting_id = ?",
        [meeting_id],
    ).fetchall()
    return {int(r[0]): (int(r[1]), str(r[2])) for r in rows}
