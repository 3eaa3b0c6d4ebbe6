"""Presenting a meeting (db/presenting.py, migration 012) on a real temp store: the chair's
current case, presenters per agenda item, the time budget; roles checked and audited."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import duckdb
import pytest

from core.errors import FieldError, PermissionDeniedError, WorkflowError
from core.models import Actor, Case, Patient, Priority
from db import agenda, board, cases, presenting, users

TODAY = date(2026, 12, 7)


@pytest.fixture
def people(cur: duckdb.DuckDBPyConnection) -> dict[str, Actor]:
    users.ensure_demo_users(cur)
    return {u.username: users.actor_by_username(cur, u.username) for u in users.DEMO_USERS}


def _case(cur: duckdb.DuckDBPyConnection, coordinator: Actor, n: int) -> int:
    patient = Patient(mrn=f"PR-{n:04d}", display_name=f"Presented {n}", sex="female", birth_date=date(1958, 3, 1))
    case = Case(
        patient_id=0,
        referral_date=TODAY - timedelta(days=9),
        referrer="Dr R",
        referrer_specialty="medical_oncology",
        question="Fixation?",
        primary_tumour="breast",
    )
    return cases.refer(cur, coordinator, patient, case)


@pytest.fixture
def meeting(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor]) -> tuple[int, list[int], int]:
    """A meeting with two listed cases, and a second meeting with one: (meeting, its items, other item)."""
    coordinator = people["coordinator"]
    m1, m2 = agenda.create_meetings(cur, coordinator, first=TODAY, count=2, location="Room 3")
    items = [
        agenda.list_case(
            cur, coordinator, _case(cur, coordinator, n), m1, urgency=Priority.ROUTINE, has_red_flag=False, ready=True
        )
        for n in (1, 2)
    ]
    other = agenda.list_case(
        cur, coordinator, _case(cur, coordinator, 3), m2, urgency=Priority.ROUTINE, has_red_flag=False, ready=True
    )
    return m1, items, other


def _audit(cur: duckdb.DuckDBPyConnection, action: str, entity: str) -> list[tuple]:  # type: ignore[type-arg]
    return cur.execute(
        "SELECT actor, outcome, entity_id, patient_id, after_json FROM audit_log WHERE action = ? AND entity = ? ORDER BY seq",
        [action, entity],
    ).fetchall()


def test_the_chair_moves_the_room_and_each_move_is_audited(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], meeting: tuple[int, list[int], int]
) -> None:
    mid, (first, second), _ = meeting
    assert presenting.current_item(cur, mid) is None
    assert presenting.present_item(cur, people["chair"], mid, first) is True
    assert presenting.current_item(cur, mid) == first
    assert presenting.present_item(cur, people["chair"], mid, first) is False  # no change, no audit row
    assert presenting.present_item(cur, people["chair"], mid, second) is True
    assert presenting.current_item(cur, mid) == second
    rows = _audit(cur, "present", "meeting")
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [("chair", "ok", str(mid), None)] * 2
    assert json.loads(rows[-1][4]) == {"item_id": second}


def test_only_the_chair_moves_the_room(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], meeting: tuple[int, list[int], int]
) -> None:
    mid, (first, _), _ = meeting
    for who in ("member", "coordinator", "analyst"):
        with pytest.raises(PermissionDeniedError):
            presenting.present_item(cur, people[who], mid, first)
    assert presenting.current_item(cur, mid) is None
    assert [r[0] for r in _audit(cur, "denied", "meeting")] == ["member", "coordinator", "analyst"]


def test_a_case_of_another_meeting_or_a_closed_meeting_is_refused(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], meeting: tuple[int, list[int], int]
) -> None:
    mid, (first, _), other = meeting
    with pytest.raises(WorkflowError):
        presenting.present_item(cur, people["chair"], mid, other)
    agenda.start_meeting(cur, people["chair"], mid, reason="test meeting: no attendance recorded")
    agenda.close_meeting(cur, people["chair"], mid)
    with pytest.raises(WorkflowError):
        presenting.present_item(cur, people["chair"], mid, first)
    with pytest.raises(WorkflowError):
        presenting.set_presenter(cur, people["coordinator"], first, people["member"].user_id)
    assert presenting.current_item(cur, mid) is None


def test_presenters_are_named_per_item_cleared_and_kept_to_active_clinicians(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], meeting: tuple[int, list[int], int]
) -> None:
    mid, (first, second), _ = meeting
    member = people["member"]
    presenting.set_presenter(cur, people["coordinator"], first, member.user_id)
    presenting.set_presenter(cur, people["chair"], second, people["chair"].user_id)
    names = presenting.presenters(cur, mid)
    assert {k: v[0] for k, v in names.items()} == {first: member.user_id, second: people["chair"].user_id}
    assert names[first][1] == users.actor_for(cur, member.user_id).display_name
    chosen = set(presenting.presenter_choices(cur)["user_id"])
    assert member.user_id in chosen and people["analyst"].user_id not in chosen
    with pytest.raises(FieldError) as bad:
        presenting.set_presenter(cur, people["coordinator"], first, people["analyst"].user_id)
    assert set(bad.value.errors) == {"presenter"}
    with pytest.raises(PermissionDeniedError):
        presenting.set_presenter(cur, member, first, None)
    presenting.set_presenter(cur, people["coordinator"], first, None)
    assert first not in presenting.presenters(cur, mid)
    assert len(_audit(cur, "update", "agenda_item")) == 3


def test_presenting_rows_do_not_touch_the_case_boards_data_stamp(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], meeting: tuple[int, list[int], int]
) -> None:
    mid, (first, _), _ = meeting
    case_id = int(cur.execute("SELECT case_id FROM agenda_item WHERE item_id = ?", [first]).fetchone()[0])  # type: ignore[index]
    before = board.case_stamp(cur, case_id)
    presenting.present_item(cur, people["chair"], mid, first)
    presenting.set_presenter(cur, people["coordinator"], first, people["member"].user_id)
    presenting.set_minutes_per_case(cur, people["coordinator"], mid, 4)
    assert board.case_stamp(cur, case_id) == before


def test_minutes_per_case_is_validated_and_audited(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], meeting: tuple[int, list[int], int]
) -> None:
    mid, _, _ = meeting
    assert presenting.state(cur, mid).minutes_per_case == presenting.DEFAULT_MINUTES_PER_CASE
    for bad in (0, 31, -3):
        with pytest.raises(FieldError) as err:
            presenting.set_minutes_per_case(cur, people["coordinator"], mid, bad)
        assert set(err.value.errors) == {"minutes_per_case"}
    with pytest.raises(PermissionDeniedError):
        presenting.set_minutes_per_case(cur, people["member"], mid, 5)
    assert presenting.state(cur, mid).minutes_per_case == presenting.DEFAULT_MINUTES_PER_CASE
    presenting.set_minutes_per_case(cur, people["chair"], mid, 5)
    assert presenting.state(cur, mid).minutes_per_case == 5
    assert [r[0] for r in _audit(cur, "update", "meeting")] == ["chair"]


def test_the_time_budget_is_cases_times_minutes_against_elapsed() -> None:
    start = datetime(2026, 12, 7, 8, 0)
    plan = presenting.budget(20, 3, start, start + timedelta(minutes=45))
    assert (plan.planned_seconds, plan.elapsed_seconds, plan.over) == (3600, 2700.0, False)
    assert presenting.budget(20, 3, start, start + timedelta(minutes=75)).over
    assert presenting.budget(20, 3, None, start).elapsed_seconds == 0.0
