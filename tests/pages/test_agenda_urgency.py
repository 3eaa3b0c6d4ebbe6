"""Live urgency on the pages (AppTest on a demo store copy): a listed routine case whose new
labs make it an emergency shows escalated on the overview's red-flag queue and at the top of the
agenda; the chair clears "was emergency at listing"; an item moves three times in a row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pytest

from core.models import LabResult
from db import agenda, clinical, listing, meetings, urgency, users
from db.connection import connect
from tests.pages.conftest import app, texts


@pytest.fixture
def con(page_store: str) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect(page_store)
    yield c.cursor()
    c.close()


@pytest.fixture
def next_meeting(con: duckdb.DuckDBPyConnection) -> int:
    mid = meetings.next_meeting_id(con)
    assert mid is not None
    urgency.sync_meeting(con, mid)
    return mid


def _calcium(con: duckdb.DuckDBPyConnection, case_id: int, total: str, albumin: str, on: date) -> None:
    member = users.actor_by_username(con, "member")
    row = con.execute("SELECT patient_id FROM mdt_case WHERE case_id = ?", [case_id]).fetchone()
    assert row is not None
    for analyte, value, unit in (("calcium", total, "mmol/L"), ("albumin", albumin, "g/L")):
        clinical.add(
            con, member, LabResult(patient_id=int(row[0]), analyte=analyte, value=Decimal(value), unit=unit, taken_on=on)
        )


def test_escalation_shows_on_the_overview_and_the_agenda(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection, next_meeting: int
) -> None:
    frame = listing.agenda_items(con, next_meeting)
    routine = frame[frame["urgency"] == "routine"]
    case_id = int(routine["case_id"].iloc[-1])
    _calcium(con, case_id, "3.60", "38", date.today())

    at = app("overview", user_id=user_ids["coordinator"]).run()
    assert not at.exception
    page = texts(at)
    assert "escalated since listing" in page
    assert f"#{case_id}" in page
    queue = at.dataframe[0].value
    assert case_id in set(queue["case_id"])
    row = queue[queue["case_id"] == case_id].iloc[0]
    assert row["Urgency"] == "emergency" or row["Urgency"].lower().startswith("emergency")
    assert "Hypercalcaemia" in row["Since listing"]

    at = app("meetings", user_id=user_ids["coordinator"]).run()
    assert not at.exception
    table = at.dataframe[0].value
    top = list(table["case_id"])
    urgencies = list(table["Urgency"])
    assert case_id in top[: urgencies.count(urgencies[0])]  # in the emergency group at the top
    assert "escalated since listing" in texts(at)

    zh = app("overview", user_id=user_ids["coordinator"])
    zh.session_state["lang"] = "zh"
    zh.run()
    assert not zh.exception
    assert "列入后升级" in texts(zh)


def test_the_chair_clears_was_emergency_at_listing(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection, next_meeting: int
) -> None:
    frame, _ = listing.candidates(con, next_meeting, limit=500)
    live = urgency.ensure_current(con, [int(c) for c in frame["case_id"]])
    case_id = next(c for c, u in live.items() if u.urgency.value == "routine" and not u.reasons)
    _calcium(con, case_id, "3.60", "38", date.today() - timedelta(days=1))
    item_id = agenda.list_case(con, users.actor_by_username(con, "coordinator"), case_id, next_meeting, ready=True)
    _calcium(con, case_id, "2.30", "40", date.today())

    at = app("meetings", user_id=user_ids["coordinator"]).run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("case_id")
    assert table.loc[case_id, "Since listing"].startswith("was emergency at listing")
    assert not [b for b in at.button if str(b.key).startswith("urg_clear_btn_")]  # the chair's action only

    at = app("meetings", user_id=user_ids["chair"]).run()
    next(b for b in at.button if b.key == f"urg_clear_btn_{item_id}").click().run()
    assert any("Give a reason" in e.value for e in at.error)
    assert urgency.marks(con, next_meeting)[item_id].was_emergency
    at.text_input(key=f"urg_reason_{item_id}").input("Calcium 2.30 after saline; reviewed by the chair")
    next(b for b in at.button if b.key == f"urg_clear_btn_{item_id}").click().run()
    assert not at.exception
    assert not urgency.marks(con, next_meeting)[item_id].was_emergency
    assert any("mark is cleared" in s.value for s in at.success)


def test_three_consecutive_moves_in_the_page(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection, next_meeting: int
) -> None:
    at = app("meetings", user_id=user_ids["coordinator"]).run()
    assert not at.exception
    tiers = agenda.item_tiers(con, next_meeting)
    ids = [int(i) for i in listing.agenda_items(con, next_meeting)["item_id"]]
    k = next(i for i in range(3, len(ids)) if len({tiers[ids[j]] for j in range(i - 3, i + 1)}) == 1)
    item = ids[k]
    at.selectbox(key=f"mtg_move_pick_{next_meeting}").select(item).run()
    for step in range(1, 4):  # the same button, clicked three times, keeps moving the picked item
        next(b for b in at.button if b.key == f"mtg_move_up_{next_meeting}").click().run()
        assert at.selectbox(key=f"mtg_move_pick_{next_meeting}").value == item  # the picker stays on it
        assert not at.exception
        now = [int(i) for i in listing.agenda_items(con, next_meeting)["item_id"]]
        assert now.index(item) == k - step, f"move {step}"
        shown = list(at.dataframe[0].value["case_id"])  # the table shows the new order at once
        rows = listing.agenda_items(con, next_meeting)
        cases = dict(zip(rows["item_id"], rows["case_id"], strict=True))
        assert shown == [int(cases[i]) for i in now]
    at.selectbox(key=f"mtg_move_pick_{next_meeting}").select(ids[0]).run()
    assert next(b for b in at.button if b.key == f"mtg_move_up_{next_meeting}").disabled  # the first cannot move up
