"""Reads of the meeting screen (db/listing.py) on a real temp store: the demo and a fresh one."""

from __future__ import annotations

import duckdb
import pytest

from core.models import Actor, Priority, Specialty
from db import agenda, listing, meetings, users


@pytest.fixture
def next_meeting(demo_cur: duckdb.DuckDBPyConnection) -> int:
    mid = meetings.next_meeting_id(demo_cur)
    assert mid is not None
    return mid


@pytest.fixture
def staff(demo_cur: duckdb.DuckDBPyConnection) -> dict[str, Actor]:
    return {u.username: users.actor_by_username(demo_cur, u.username) for u in users.DEMO_USERS}


def test_candidates_are_referred_or_ready_and_not_on_the_agenda(demo_cur: duckdb.DuckDBPyConnection, next_meeting: int) -> None:
    frame, total = listing.candidates(demo_cur, next_meeting, limit=500)
    assert total == len(frame) > 0
    assert set(frame["status"]) <= {"referred", "ready"}
    on_agenda = set(listing.agenda_items(demo_cur, next_meeting)["case_id"])
    assert not set(frame["case_id"]) & on_agenda
    expected = demo_cur.execute(
        "SELECT count(*) FROM mdt_case WHERE status IN ('referred', 'ready')"
        " AND case_id NOT IN (SELECT case_id FROM agenda_item WHERE meeting_id = ?)",
        [next_meeting],
    ).fetchone()
    assert expected is not None
    assert total == expected[0]


def test_candidates_most_pressing_first_then_oldest(demo_cur: duckdb.DuckDBPyConnection, next_meeting: int) -> None:
    frame, _ = listing.candidates(demo_cur, next_meeting, limit=500)
    rank = {"emergency": 0, "urgent": 1, "routine": 2}
    keys = [(rank[p], d, c) for p, d, c in zip(frame["priority"], frame["referral_date"], frame["case_id"], strict=True)]
    assert keys == sorted(keys)


def test_candidates_paginate_with_a_stable_total(demo_cur: duckdb.DuckDBPyConnection, next_meeting: int) -> None:
    everything, total = listing.candidates(demo_cur, next_meeting, limit=500)
    pages = []
    for offset in range(0, total + 3, 3):
        page, page_total = listing.candidates(demo_cur, next_meeting, limit=3, offset=offset)
        assert page_total == total
        pages.extend(page["case_id"])
    assert pages == list(everything["case_id"])
    empty, beyond = listing.candidates(demo_cur, next_meeting, limit=3, offset=total + 10)
    assert empty.empty
    assert beyond == total


def test_candidates_found_by_name_or_mrn(demo_cur: duckdb.DuckDBPyConnection, next_meeting: int) -> None:
    everything, _ = listing.candidates(demo_cur, next_meeting, limit=500)
    one = everything.iloc[-1]
    by_mrn, n = listing.candidates(demo_cur, next_meeting, limit=10, text=f"  {str(one['mrn']).lower()} ")
    assert n == 1 and list(by_mrn["case_id"]) == [one["case_id"]]
    word = str(one["patient"]).split()[0].upper()  # case-folded: upper case finds it too
    by_name, n_name = listing.candidates(demo_cur, next_meeting, limit=500, text=word)
    assert one["case_id"] in set(by_name["case_id"]) and n_name == len(by_name)
    nothing, zero = listing.candidates(demo_cur, next_meeting, limit=10, text="no such patient 0000")
    assert nothing.empty and zero == 0


def test_listed_case_leaves_the_candidates(
    demo_cur: duckdb.DuckDBPyConnection, next_meeting: int, staff: dict[str, Actor]
) -> None:
    frame, total = listing.candidates(demo_cur, next_meeting, limit=1)
    case_id = int(frame["case_id"].iloc[0])
    agenda.list_case(
        demo_cur,
        staff["coordinator"],
        case_id,
        next_meeting,
        urgency=Priority.URGENT,
        has_red_flag=False,
        ready=False,
        override_reason="imaging booked",
    )
    after, after_total = listing.candidates(demo_cur, next_meeting, limit=500)
    assert after_total == total - 1
    assert case_id not in set(after["case_id"])
    rows = listing.agenda_items(demo_cur, next_meeting)
    row = rows[rows["case_id"] == case_id].iloc[0]
    assert row["override_reason"] == "imaging booked"


def test_agenda_items_in_stored_position_order(
    demo_cur: duckdb.DuckDBPyConnection, next_meeting: int, staff: dict[str, Actor]
) -> None:
    rows = listing.agenda_items(demo_cur, next_meeting)
    assert list(rows["position"]) == sorted(rows["position"])
    assert list(rows.columns[:4]) == ["item_id", "position", "case_id", "patient"]
    last = int(rows["item_id"].iloc[-1])
    agenda.move_item(demo_cur, staff["chair"], last, -1)
    moved = listing.agenda_items(demo_cur, next_meeting)
    assert int(moved["item_id"].iloc[-2]) == last


def test_items_by_id_with_meeting_date(demo_cur: duckdb.DuckDBPyConnection, next_meeting: int) -> None:
    rows = listing.agenda_items(demo_cur, next_meeting)
    picked = [int(i) for i in rows["item_id"].iloc[:3]]
    found = listing.items(demo_cur, picked)
    assert sorted(found["item_id"]) == sorted(picked)
    assert set(found["meeting_id"]) == {next_meeting}
    assert listing.items(demo_cur, []).empty


def test_members_are_clinical_staff_with_their_presence(
    demo_cur: duckdb.DuckDBPyConnection, next_meeting: int, staff: dict[str, Actor]
) -> None:
    people = listing.members(demo_cur, next_meeting)
    assert not {"admin", "analyst"} & set(people["role"])
    assert people["specialty"].notna().all()
    assert not people["present"].any()
    radiology = staff["radiology"]
    agenda.set_attendance(demo_cur, staff["coordinator"], next_meeting, radiology.user_id, Specialty.RADIOLOGY, True)
    people = listing.members(demo_cur, next_meeting)
    assert set(people.loc[people["present"], "user_id"]) == {radiology.user_id}


def test_members_on_a_fresh_store(cur: duckdb.DuckDBPyConnection) -> None:
    assert listing.members(cur, 1).empty
    users.ensure_demo_users(cur)
    assert len(listing.members(cur, 1)) == sum(1 for u in users.DEMO_USERS if u.specialty is not None)


def test_fresh_store_has_no_candidates(cur: duckdb.DuckDBPyConnection) -> None:
    frame, total = listing.candidates(cur, 1)
    assert frame.empty
    assert total == 0
