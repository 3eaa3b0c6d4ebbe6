"""Members complete their own actions (and only those); opinions speak for the author's own
specialty and carry the day they were posted. Real temp store, dates injected."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pytest

from core.errors import PermissionDeniedError
from core.models import ActionItem, Actor, Case, Decision, Patient, PlanItem, Priority, Specialty
from db import actions, agenda, cases, decisions, minutes, users

DAY = date(2026, 3, 2)  # the injected "today" of these tests


@pytest.fixture
def people(cur: duckdb.DuckDBPyConnection) -> dict[str, Actor]:
    users.ensure_demo_users(cur)
    return {u.username: users.actor_by_username(cur, u.username) for u in users.DEMO_USERS}


@pytest.fixture
def case_id(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor]) -> int:
    patient = Patient(mrn="OWN-0001", display_name="Own Patient", sex="female", birth_date=date(1958, 4, 1))
    case = Case(
        patient_id=0,
        referral_date=DAY - timedelta(days=5),
        referrer="Dr R",
        referrer_specialty="medical_oncology",
        question="Fixation of the femur?",
        primary_tumour="breast",
        stream="full",
    )
    return cases.refer(cur, people["coordinator"], patient, case)


def _action(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int, owner: str) -> int:
    draft = Decision(
        case_id=case_id,
        decided_on=DAY,
        summary="Prophylactic fixation",
        plan=(PlanItem(kind="fixation", text="Prophylactic fixation of the left femur", disposition="free_text"),),
        emergency=True,  # decided outside a meeting (no agenda item needed for this test)
    )
    d = decisions.save_draft(cur, people["chair"], draft)
    return actions.add_action(
        cur,
        people["coordinator"],
        ActionItem(
            case_id=case_id,
            decision_id=d.decision_id,
            description="Book theatre",
            owner_user_id=people[owner].user_id,
            specialty="orthopaedics",
            due_date=DAY + timedelta(days=7),
        ),
    )


def _audit_rows(cur: duckdb.DuckDBPyConnection, entity_id: int) -> list[tuple[str, str, str]]:
    return cur.execute(
        "SELECT actor, action, outcome FROM audit_log WHERE entity = 'action_item' AND entity_id = ? ORDER BY seq",
        [str(entity_id)],
    ).fetchall()


def test_a_member_completes_their_own_action_audited(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int
) -> None:
    act = _action(cur, people, case_id, "member")
    actions.complete_action(cur, people["member"], act, expected_version=1, on=DAY)
    row = cur.execute("SELECT status, completed_on FROM action_item WHERE action_id = ?", [act]).fetchone()
    assert row == ("done", DAY)
    assert ("member", "update", "ok") in _audit_rows(cur, act)


@pytest.mark.parametrize("who", ["radonc", "spine", "analyst", "admin"])
def test_nobody_else_completes_a_members_action(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int, who: str
) -> None:
    act = _action(cur, people, case_id, "member")
    with pytest.raises(PermissionDeniedError):
        actions.complete_action(cur, people[who], act, expected_version=1, on=DAY)
    assert cur.execute("SELECT status FROM action_item WHERE action_id = ?", [act]).fetchone() == ("open",)
    assert (who, "denied", "denied") in _audit_rows(cur, act)


@pytest.fixture
def item_id(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int) -> int:
    meeting = agenda.create_meetings(cur, people["coordinator"], first=DAY + timedelta(days=14), count=1)[0]
    return agenda.list_case(
        cur, people["coordinator"], case_id, meeting, urgency=Priority.ROUTINE, has_red_flag=False, ready=True
    )


def test_an_opinion_is_posted_under_the_authors_specialty_and_dated_when_posted(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int, item_id: int
) -> None:
    agenda.add_opinion(cur, people["radonc"], item_id, Specialty.RADIOTHERAPY, "8 Gy single fraction")
    ops = minutes.opinions_for_case(cur, case_id)
    assert list(ops["specialty"]) == ["radiotherapy"]
    posted = ops["created_at"].iloc[0].date()
    today = cur.execute("SELECT current_date").fetchone()[0]  # the store's clock, not the meeting's date
    assert posted == today
    assert posted != ops["meeting_date"].iloc[0].date()


@pytest.mark.parametrize(
    ("who", "specialty"),
    [("radonc", Specialty.ORTHOPAEDICS), ("member", Specialty.RADIOTHERAPY), ("chair", Specialty.SPINE_SURGERY)],
)
def test_an_opinion_under_another_specialty_is_refused_and_audited(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int, item_id: int, who: str, specialty: Specialty
) -> None:
    with pytest.raises(PermissionDeniedError):
        agenda.add_opinion(cur, people[who], item_id, specialty, "Fix the femur first")
    assert minutes.opinions_for_case(cur, case_id).empty
    denied = cur.execute("SELECT actor FROM audit_log WHERE entity = 'specialty_opinion' AND outcome = 'denied'").fetchall()
    assert denied == [(who,)]
