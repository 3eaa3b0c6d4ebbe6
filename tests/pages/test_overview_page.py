"""The overview: the next meeting's date and time in full, and a member marks their own action
done (audited) from the list of their open actions."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest

from db import actions, meetings
from db.connection import connect
from tests.pages.conftest import app, texts


@pytest.fixture
def con(page_store: str) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect(page_store)
    yield c.cursor()
    c.close()


def test_next_meeting_shows_its_whole_date_and_time(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection
) -> None:
    mid = meetings.next_meeting_id(con)
    assert mid is not None
    meeting = meetings.get_meeting(con, mid)
    weekdays = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    at = app("overview", user_id=user_ids["member"]).run()
    expected = f"{weekdays[meeting.meeting_date.weekday()]} {meeting.meeting_date.isoformat()}, {meeting.start_time}"
    assert expected in texts(at)  # as text, not a metric cut to the column's width


def test_a_member_marks_their_own_action_done(page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection) -> None:
    uid = user_ids["member"]
    mine = actions.actions(con, owner_user_id=uid, only_open=True)
    assert not mine.empty
    action_id = int(mine["action_id"].iloc[0])
    at = app("overview", user_id=uid).run()
    assert not at.exception
    buttons = [b for b in at.button if str(b.key).startswith("my_action_done_")]
    assert {int(str(b.key).rsplit("_", 1)[1]) for b in buttons} == {int(i) for i in mine["action_id"]}  # only their own
    next(b for b in buttons if b.key == f"my_action_done_{action_id}").click().run()
    assert not at.exception
    assert any("Action completed" in s.value for s in at.success)
    status = con.execute("SELECT status FROM action_item WHERE action_id = ?", [action_id]).fetchone()
    assert status == ("done",)
    audited = con.execute(
        "SELECT actor, action FROM audit_log WHERE entity = 'action_item' AND entity_id = ? ORDER BY seq DESC LIMIT 1",
        [str(action_id)],
    ).fetchone()
    assert audited == ("member", "update")
    assert not [b for b in at.button if b.key == f"my_action_done_{action_id}"]  # gone from the list


def test_red_flag_queue_shows_urgency_beside_the_case(page_store: str, user_ids: dict[str, int]) -> None:
    """In two thirds of a 1024 px page the queue's urgency was scrolled out of sight: the table is
    full width and urgency comes right after the case number."""
    at = app("overview", user_id=user_ids["chair"]).run()
    assert not at.exception
    flags = next(d for d in at.dataframe if d.key == "ov_flags")
    assert list(flags.value.columns[:3]) == ["case_id", "Urgency", "Patient"]
