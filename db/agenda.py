"""The weekly meeting workflow: meetings, listing with readiness, agenda order, attendance,
discussion status, re-listing of deferred cases, specialty opinions."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb

from core.errors import ConflictError, FieldError, NotFoundError, PermissionDeniedError, WorkflowError
from core.meeting_rules import attendance_grade, effective_stream, quorum
from core.models import Actor, AgendaStatus, MeetingStatus, Priority, Specialty, Stream
from core.permissions import Capability
from core.text import LONG_TEXT_MAX, TextRuleError, check_text
from db import audit, submissions
from db import urgency as urgency_mod
from db.connection import transaction, utc_now

# Agenda order (docs/clinical/rules.md, meeting standards and safety rule 4): by tier of the item's live
# urgency -- emergency (or listed as emergency and not yet cleared by the chair), urgent, full
# discussion, standard of care last -- then, within a tier, ``_WITHIN`` (db/urgency.py keeps
# agenda_item.urgency and .stream live; agenda_listing holds what the item was at listing).
_ORDER_SQL = """
    UPDATE agenda_item SET position = o.rn - 1
    FROM (
        SELECT a.item_id, row_number() OVER (ORDER BY {tier}, {within}) AS rn
        FROM agenda_item a JOIN mdt_case c USING (case_id)
        LEFT JOIN agenda_listing l USING (item_id)
        WHERE a.meeting_id = ?
    ) o
    WHERE agenda_item.item_id = o.item_id AND agenda_item.position <> o.rn - 1
"""
# Keeping the coordinator's order within a tier (an escalated item moves up to its tier) ...
_KEEP_ORDER_SQL = _ORDER_SQL.format(tier=urgency_mod.TIER_SQL, within="a.position, c.referral_date, a.case_id")
# ... or starting afresh: oldest referral first within a tier ("order by urgency").
_RESET_ORDER_SQL = _ORDER_SQL.format(tier=urgency_mod.TIER_SQL, within="c.referral_date, a.case_id")


def apply_urgency_order(cur: duckdb.DuckDBPyConnection, meeting_id: int | None = None, *, reset: bool = False) -> None:
    """Renumber agenda positions by urgency tier (one meeting, or every meeting not closed),
    keeping the order within each tier unless ``reset``.

    Part of a caller's transaction; the caller writes the audit row."""
    ids = (
        [meeting_id]
        if meeting_id is not None
        else [int(r[0]) for r in cur.execute("SELECT meeting_id FROM meeting WHERE status <> 'closed'").fetchall()]
    )
    for mid in ids:
        cur.execute(_RESET_ORDER_SQL if reset else _KEEP_ORDER_SQL, [mid])


def item_tiers(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> dict[int, int]:
    """Each item's agenda tier (0 emergency … 3 standard of care), as the order uses it."""
    rows = cur.execute(
        "SELECT a.item_id, " + urgency_mod.TIER_SQL + " FROM agenda_item a LEFT JOIN agenda_listing l USING (item_id)"  # noqa: S608
        " WHERE a.meeting_id = ?",
        [meeting_id],
    ).fetchall()
    return {int(r[0]): int(r[1]) for r in rows}


def _live_urgency(cur: duckdb.DuckDBPyConnection, case_id: int) -> urgency_mod.CaseUrgency:
    """The case's live urgency (recomputed when its data changed since last computed)."""
    found = urgency_mod.ensure_current(cur, [case_id])
    if case_id not in found:  # its derivation failed (logged): list it by the caller's urgency
        return urgency_mod.CaseUrgency(case_id, Priority.ROUTINE, False, ())
    return found[case_id]


def create_meetings(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    *,
    first: date,
    count: int,
    start_time: str = "08:00",
    location: str = "",
    every_days: int = 7,
) -> list[int]:
    """Create ``count`` meetings from ``first`` on the same weekday (skipping dates already used)."""
    audit.authorize(cur, actor, Capability.BUILD_AGENDA, "meeting")
    if not 1 <= count <= 52:
        raise FieldError({"count": "must be between 1 and 52"})
    try:
        check_text(location, 200)
    except TextRuleError as exc:
        raise FieldError({"location": str(exc)}) from exc
    dates = [first + timedelta(days=every_days * i) for i in range(count)]
    existing = {
        r[0] for r in cur.execute("SELECT meeting_date FROM meeting WHERE list_contains(?, meeting_date)", [dates]).fetchall()
    }
    ids = []
    with transaction(cur):
        for d in dates:
            if d in existing:
                continue
            row = cur.execute(
                "INSERT INTO meeting (meeting_date, start_time, location) VALUES (?, ?, ?) RETURNING meeting_id",
                [d, start_time, location],
            ).fetchone()
            assert row is not None
            ids.append(int(row[0]))
        audit.record(
            cur,
            actor,
            "create",
            "meeting",
            ",".join(map(str, ids)),
            after={"dates": [d.isoformat() for d in dates if d not in existing]},
        )
    return ids


def _meeting_status(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> str:
    row = cur.execute("SELECT status FROM meeting WHERE meeting_id = ?", [meeting_id]).fetchone()
    if row is None:
        raise NotFoundError(f"Meeting {meeting_id} does not exist.")
    return str(row[0])


def list_case(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    case_id: int,
    meeting_id: int,
    *,
    urgency: Priority | None = None,
    has_red_flag: bool | None = None,
    ready: bool,
    override_reason: str = "",
    token: str | None = None,
) -> int:
    """Put a case on a meeting's agenda. A case that is not ready needs the coordinator's
    override with a reason (recorded); a standard-of-care case with a red flag is escalated.

    The item's urgency is the case's live urgency now (db/urgency.py), never lower than the
    ``urgency`` the caller saw; what it was at listing is kept in ``agenda_listing``."""
    row = cur.execute("SELECT patient_id, stream FROM mdt_case WHERE case_id = ?", [case_id]).fetchone()
    if row is None:
        raise NotFoundError(f"Case {case_id} does not exist.")
    patient_id, stream = int(row[0]), Stream(row[1])
    audit.authorize(cur, actor, Capability.BUILD_AGENDA, "agenda_item", patient_id=patient_id)
    if _meeting_status(cur, meeting_id) == MeetingStatus.CLOSED:
        raise WorkflowError("This meeting is closed; list the case at a coming meeting.")
    if not ready and not override_reason.strip():
        raise FieldError({"override_reason": "the case is not ready: give a reason to list it anyway"})
    try:
        check_text(override_reason, LONG_TEXT_MAX)
    except TextRuleError as exc:
        raise FieldError({"override_reason": str(exc)}) from exc
    live = _live_urgency(cur, case_id)
    level = Priority(urgency_mod.higher(live.urgency.value, (urgency or Priority.ROUTINE).value))
    flagged = bool(has_red_flag) or live.has_red_flag
    with transaction(cur):
        done = submissions.lookup(cur, token)
        if done is not None:
            return int(done)
        if cur.execute("SELECT 1 FROM agenda_item WHERE meeting_id = ? AND case_id = ?", [meeting_id, case_id]).fetchone():
            raise FieldError({"meeting": "the case is already on this meeting's agenda"})
        eff = effective_stream(stream, flagged)
        item = cur.execute(
            "INSERT INTO agenda_item (meeting_id, case_id, position, urgency, stream, override_reason)"
            " VALUES (?, ?, (SELECT count(*) FROM agenda_item WHERE meeting_id = ?), ?, ?, ?) RETURNING item_id",
            [meeting_id, case_id, meeting_id, level.value, eff.value, "" if ready else override_reason],
        ).fetchone()
        assert item is not None
        cur.execute("INSERT INTO agenda_listing (item_id, urgency, stream) VALUES (?, ?, ?)", [item[0], level.value, eff.value])
        cur.execute("UPDATE mdt_case SET status = 'listed', row_version = row_version + 1 WHERE case_id = ?", [case_id])
        apply_urgency_order(cur, meeting_id)
        audit.record(
            cur,
            actor,
            "create",
            "agenda_item",
            item[0],
            after={
                "meeting_id": meeting_id,
                "case_id": case_id,
                "urgency": level.value,
                "urgency_reasons": [r.rule_id for r in live.reasons],
                "stream": eff.value,
                "escalated": eff != stream,
                "readiness_override": not ready,
            },
            reason=None if ready else override_reason,
            patient_id=patient_id,
        )
        submissions.remember(cur, token, "agenda_item", item[0])
    return int(item[0])


def order_by_urgency(cur: duckdb.DuckDBPyConnection, actor: Actor, meeting_id: int) -> None:
    audit.authorize(cur, actor, Capability.BUILD_AGENDA, "meeting", meeting_id)
    with transaction(cur):
        apply_urgency_order(cur, meeting_id, reset=True)
        audit.record(cur, actor, "update", "meeting", meeting_id, after={"agenda": "ordered by urgency"})


def move_item(cur: duckdb.DuckDBPyConnection, actor: Actor, item_id: int, step: int) -> bool:
    """Manual reordering: swap with the neighbour above (``step`` < 0) or below (> 0).

    An item moves within its urgency tier (emergencies stay first, standard of care last: the
    agenda is ordered by urgency); returns False, changing nothing, at the edge of its tier."""
    row = cur.execute("SELECT meeting_id, position FROM agenda_item WHERE item_id = ?", [item_id]).fetchone()
    if row is None:
        raise NotFoundError(f"Agenda item {item_id} does not exist.")
    meeting_id, position = int(row[0]), int(row[1])
    audit.authorize(cur, actor, Capability.BUILD_AGENDA, "agenda_item", item_id)
    if _meeting_status(cur, meeting_id) == MeetingStatus.CLOSED:
        raise WorkflowError("This meeting is closed; its agenda is history.")
    other = cur.execute(
        "SELECT item_id, position FROM agenda_item WHERE meeting_id = ? AND position "  # noqa: S608
        + ("<" if step < 0 else ">")
        + " ? ORDER BY position "
        + ("DESC" if step < 0 else "ASC")
        + " LIMIT 1",
        [meeting_id, position],
    ).fetchone()
    if other is None:
        return False
    tiers = item_tiers(cur, meeting_id)
    if tiers.get(int(other[0])) != tiers.get(item_id):
        return False
    with transaction(cur):
        # Both still where they were read (another session or replica may have moved one since).
        swap = "UPDATE agenda_item SET position = ? WHERE item_id = ? AND position = ?"
        moved = cur.execute(swap, [int(other[1]), item_id, position]).fetchone()
        swapped = cur.execute(swap, [position, int(other[0]), int(other[1])]).fetchone()
        if not moved or not swapped or moved[0] != 1 or swapped[0] != 1:
            raise ConflictError("Someone else reordered this agenda at the same time; nothing was moved. Reload and try again.")
        audit.record(
            cur, actor, "update", "agenda_item", item_id, before={"position": position}, after={"position": int(other[1])}
        )
    return True


def set_attendance(
    cur: duckdb.DuckDBPyConnection, actor: Actor, meeting_id: int, user_id: int, specialty: Specialty, present: bool
) -> None:
    audit.authorize(cur, actor, Capability.BUILD_AGENDA, "attendance", meeting_id)
    _meeting_status(cur, meeting_id)
    with transaction(cur):
        before = cur.execute(
            "SELECT present FROM attendance WHERE meeting_id = ? AND user_id = ?", [meeting_id, user_id]
        ).fetchone()
        if before is None:
            cur.execute(
                "INSERT INTO attendance (meeting_id, user_id, specialty, present) VALUES (?, ?, ?, ?)",
                [meeting_id, user_id, specialty.value, present],
            )
        else:
            cur.execute(
                "UPDATE attendance SET present = ?, specialty = ? WHERE meeting_id = ? AND user_id = ?",
                [present, specialty.value, meeting_id, user_id],
            )
        present_specs = [
            Specialty(r[0])
            for r in cur.execute("SELECT specialty FROM attendance WHERE meeting_id = ? AND present", [meeting_id]).fetchall()
        ]
        cur.execute("UPDATE meeting SET attendance_grade = ? WHERE meeting_id = ?", [attendance_grade(present_specs), meeting_id])
        audit.record(
            cur,
            actor,
            "update",
            "attendance",
            f"{meeting_id}:{user_id}",
            before=None if before is None else {"present": before[0]},
            after={"present": present, "specialty": specialty.value},
        )


def present_specialties(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> list[Specialty]:
    return [
        Specialty(r[0])
        for r in cur.execute(
            "SELECT DISTINCT specialty FROM attendance WHERE meeting_id = ? AND present", [meeting_id]
        ).fetchall()
    ]


def start_check(cur: duckdb.DuckDBPyConnection, meeting_id: int, today: date) -> tuple[bool, tuple[Specialty, ...]]:
    """Whether starting the meeting ``today`` would be early, and the core specialties missing
    from its recorded attendance (either needs the chair's typed reason)."""
    row = cur.execute("SELECT meeting_date FROM meeting WHERE meeting_id = ?", [meeting_id]).fetchone()
    if row is None:
        raise NotFoundError(f"Meeting {meeting_id} does not exist.")
    return today < row[0], quorum(present_specialties(cur, meeting_id)).missing_core


def start_meeting(
    cur: duckdb.DuckDBPyConnection, actor: Actor, meeting_id: int, *, reason: str = "", today: date | None = None
) -> None:
    """The chair starts the meeting. Before its date, or without core quorum in the recorded
    attendance, only with a typed reason (kept with the meeting, in the audit row and the minutes)."""
    audit.authorize(cur, actor, Capability.SIGN_DECISION, "meeting", meeting_id)
    if _meeting_status(cur, meeting_id) != MeetingStatus.PLANNED:
        raise WorkflowError("The meeting has already started or is closed.")
    today = today or date.today()
    early, missing = start_check(cur, meeting_id, today)
    reason = reason.strip()
    if (early or missing) and not reason:
        raise FieldError({"start_reason": "the meeting is early or without core quorum: give a reason to start it"})
    try:
        check_text(reason, LONG_TEXT_MAX)
    except TextRuleError as exc:
        raise FieldError({"start_reason": str(exc)}) from exc
    if not (early or missing):
        reason = ""
    with transaction(cur):
        cur.execute(
            "UPDATE meeting SET status = 'in_progress', started_at = ?, chair_user_id = ? WHERE meeting_id = ?",
            [utc_now(), actor.user_id, meeting_id],
        )
        cur.execute(
            "INSERT INTO meeting_start (meeting_id, started_by, started_on, early, missing_core, reason)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [meeting_id, actor.user_id, today, early, [s.value for s in missing], reason],
        )
        audit.record(
            cur,
            actor,
            "update",
            "meeting",
            meeting_id,
            before={"status": "planned"},
            after={"status": "in_progress", "early": early, "missing_core": [s.value for s in missing]},
            reason=reason or None,
        )


def meeting_start(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> dict[str, object] | None:
    """How the meeting was started (``early``, ``missing_core``, ``reason``, ``started_on``), if it was."""
    row = cur.execute(
        "SELECT started_on, early, missing_core, reason FROM meeting_start WHERE meeting_id = ?", [meeting_id]
    ).fetchone()
    if row is None:
        return None
    return {"started_on": row[0], "early": bool(row[1]), "missing_core": tuple(row[2] or ()), "reason": row[3] or ""}


def set_item_status(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    item_id: int,
    status: AgendaStatus,
    *,
    discussion_seconds: int | None = None,
    reason: str = "",
) -> None:
    """Mark an item of a started meeting: deferred (with a reason) or not reached; discussed or
    ratified only once its decision is signed (signing marks it: db/decision_signing.sign)."""
    row = cur.execute(
        "SELECT a.status, a.case_id, c.patient_id, a.discussion_seconds, m.status FROM agenda_item a"
        " JOIN mdt_case c USING (case_id) JOIN meeting m USING (meeting_id) WHERE item_id = ?",
        [item_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(f"Agenda item {item_id} does not exist.")
    audit.authorize(cur, actor, Capability.DRAFT_DECISION, "agenda_item", item_id, patient_id=int(row[2]))
    if row[4] != MeetingStatus.IN_PROGRESS:
        raise WorkflowError("Items are marked during the meeting: start it first (a closed meeting's agenda is history).")
    reason = reason.strip()
    if status == AgendaStatus.DEFERRED:
        if not reason:
            raise FieldError({"reason": "give the reason for deferring"})
        try:
            check_text(reason, LONG_TEXT_MAX)
        except TextRuleError as exc:
            raise FieldError({"reason": str(exc)}) from exc
    if (
        status in (AgendaStatus.DISCUSSED, AgendaStatus.RATIFIED)
        and not cur.execute("SELECT 1 FROM decision WHERE item_id = ? AND status = 'signed'", [item_id]).fetchone()
    ):
        raise WorkflowError("An item is marked discussed by signing its decision.")
    seconds = int(row[3]) if discussion_seconds is None else max(0, min(int(discussion_seconds), 21600))
    with transaction(cur):
        cur.execute(
            "UPDATE agenda_item SET status = ?, discussion_seconds = ?, row_version = row_version + 1 WHERE item_id = ?",
            [status.value, seconds, item_id],
        )
        cur.execute("DELETE FROM agenda_deferral WHERE item_id = ?", [item_id])
        if status == AgendaStatus.DEFERRED:
            cur.execute(
                "INSERT INTO agenda_deferral (item_id, reason, deferred_by, deferred_at) VALUES (?, ?, ?, ?)",
                [item_id, reason, actor.user_id, utc_now()],
            )
            # back among the cases waiting to be listed (deferred items do not roll over by themselves)
            cur.execute("UPDATE mdt_case SET status = 'ready', row_version = row_version + 1 WHERE case_id = ?", [int(row[1])])
        if status in (AgendaStatus.DISCUSSED, AgendaStatus.RATIFIED):
            cur.execute(
                "UPDATE mdt_case SET status = 'discussed', row_version = row_version + 1 WHERE case_id = ?", [int(row[1])]
            )
        audit.record(
            cur,
            actor,
            "update",
            "agenda_item",
            item_id,
            before={"status": row[0]},
            after={"status": status.value, "discussion_seconds": seconds},
            reason=reason or None,
            patient_id=int(row[2]),
        )


def close_meeting(cur: duckdb.DuckDBPyConnection, actor: Actor, meeting_id: int) -> list[int]:
    """Close the meeting; every item not reached (still listed, or marked not discussed) is
    re-listed at the next planned meeting. Deferred items wait to be listed again by the
    coordinator (their case is back among the waiting cases).

    Returns the new agenda item ids."""
    audit.authorize(cur, actor, Capability.SIGN_DECISION, "meeting", meeting_id)
    if _meeting_status(cur, meeting_id) == MeetingStatus.CLOSED:
        raise WorkflowError("The meeting is already closed.")
    nxt = cur.execute(
        "SELECT meeting_id FROM meeting WHERE meeting_date > (SELECT meeting_date FROM meeting WHERE meeting_id = ?)"
        " AND status = 'planned' ORDER BY meeting_date LIMIT 1",
        [meeting_id],
    ).fetchone()
    with transaction(cur):
        cur.execute("UPDATE agenda_item SET status = 'not_discussed' WHERE meeting_id = ? AND status = 'listed'", [meeting_id])
        new_ids: list[int] = []
        if nxt is not None:
            rows = cur.execute(
                """
                INSERT INTO agenda_item (meeting_id, case_id, position, urgency, stream, override_reason)
                SELECT ?, a.case_id, 0, a.urgency, a.stream, 're-listed: ' || a.status
                FROM agenda_item a
                WHERE a.meeting_id = ? AND a.status = 'not_discussed'
                  AND NOT EXISTS (SELECT 1 FROM agenda_item b WHERE b.meeting_id = ? AND b.case_id = a.case_id)
                RETURNING item_id
                """,
                [int(nxt[0]), meeting_id, int(nxt[0])],
            ).fetchall()
            new_ids = [int(r[0]) for r in rows]
            apply_urgency_order(cur, int(nxt[0]))
        cur.execute("UPDATE meeting SET status = 'closed', ended_at = ? WHERE meeting_id = ?", [utc_now(), meeting_id])
        audit.record(
            cur,
            actor,
            "update",
            "meeting",
            meeting_id,
            after={"status": "closed", "relisted_items": new_ids, "next_meeting": None if nxt is None else int(nxt[0])},
        )
    return new_ids


def add_opinion(
    cur: duckdb.DuckDBPyConnection, actor: Actor, item_id: int, specialty: Specialty, text: str, *, token: str | None = None
) -> int:
    row = cur.execute(
        "SELECT c.patient_id FROM agenda_item a JOIN mdt_case c USING (case_id) WHERE item_id = ?", [item_id]
    ).fetchone()
    if row is None:
        raise NotFoundError(f"Agenda item {item_id} does not exist.")
    audit.authorize(cur, actor, Capability.ADD_OPINION, "specialty_opinion", patient_id=int(row[0]))
    if actor.specialty is None or specialty != actor.specialty:
        # An opinion speaks for the author's own specialty: posting for another one would put
        # words in a colleague's mouth in the minutes.
        audit.record(
            cur,
            actor,
            "denied",
            "specialty_opinion",
            item_id,
            outcome="denied",
            reason="not the author's specialty",
            patient_id=int(row[0]),
        )
        raise PermissionDeniedError("An opinion can only be posted under your own specialty; nothing was saved.")
    try:
        check_text(text, LONG_TEXT_MAX)
    except TextRuleError as exc:
        raise FieldError({"text": str(exc)}) from exc
    if not text.strip():
        raise FieldError({"text": "must not be empty"})
    with transaction(cur):
        done = submissions.lookup(cur, token)
        if done is not None:
            return int(done)
        new = cur.execute(
            "INSERT INTO specialty_opinion (item_id, specialty, author_user_id, text) VALUES (?, ?, ?, ?) RETURNING opinion_id",
            [item_id, specialty.value, actor.user_id, text],
        ).fetchone()
        assert new is not None
        audit.record(
            cur,
            actor,
            "create",
            "specialty_opinion",
            new[0],
            after={"item_id": item_id, "specialty": specialty.value, "text": f"({len(text)} chars)"},
            patient_id=int(row[0]),
        )
        submissions.remember(cur, token, "specialty_opinion", new[0])
    return int(new[0])
