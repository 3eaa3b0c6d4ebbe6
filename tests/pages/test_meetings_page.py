"""The meetings page (AppTest on the demo store): agenda order, listing with the readiness gate,
attendance and the quorum meter, presentation mode, roles, Chinese, meeting control."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from core.i18n import enum_label, t
from core.vocabulary import PrimaryTumour, Priority, Stream
from db import agenda, listing, meetings
from db.board import load_board
from db.connection import connect
from tests.pages.conftest import app, texts

URGENCY_RANK = {"emergency": 0, "urgent": 1}


@pytest.fixture
def con(page_store: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the page store (same process as the app, so the same DuckDB instance)."""
    c = connect(page_store)
    yield c.cursor()
    c.close()


@pytest.fixture
def next_meeting(con: duckdb.DuckDBPyConnection) -> int:
    mid = meetings.next_meeting_id(con)
    assert mid is not None
    return mid


def _rank(urgency: str, stream: str) -> int:
    if urgency in URGENCY_RANK:
        return URGENCY_RANK[urgency]
    return 3 if stream == "standard of care" else 2


def _button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def test_agenda_is_ordered_by_urgency(page_store: str, user_ids: dict[str, int], next_meeting: int) -> None:
    at = app("meetings", user_id=user_ids["coordinator"]).run()
    assert not at.exception
    _button(at, "mtg_order").click().run()
    assert not at.exception
    assert any("ordered by urgency" in s.value for s in at.success)
    table = at.dataframe[0].value
    ranks = [_rank(u, s) for u, s in zip(table["Urgency"], table["Stream"], strict=True)]
    assert ranks == sorted(ranks)
    assert ranks[0] <= 1  # the demo's coming meeting opens with its urgent cases (no emergency waits)
    assert ranks[-1] == 3
    assert list(table["#"]) == list(range(1, len(table) + 1))
    assert table["case_id"].between(1, 10**9).all()  # case numbers; a selected row opens the board


def test_manual_move_is_kept(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection, next_meeting: int
) -> None:
    at = app("meetings", user_id=user_ids["chair"]).run()
    before = listing.agenda_items(con, next_meeting)
    tiers = agenda.item_tiers(con, next_meeting)
    ids = [int(i) for i in before["item_id"]]
    k = next(i for i in range(1, len(ids)) if tiers[ids[i]] == tiers[ids[i - 1]])  # same urgency group
    at.selectbox(key=f"mtg_move_pick_{next_meeting}").select(ids[k]).run()
    _button(at, f"mtg_move_up_{next_meeting}").click().run()
    assert not at.exception
    after = [int(i) for i in listing.agenda_items(con, next_meeting)["item_id"]]
    assert after[k - 1 : k + 1] == [ids[k], ids[k - 1]]


def test_listing_a_case_that_is_not_ready_needs_a_reason(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection, next_meeting: int
) -> None:
    at = app("meetings", user_id=user_ids["coordinator"]).run()
    assert not at.exception
    reasons = [w for w in at.text_input if str(w.key).startswith("mtg_reason_")]
    assert reasons, "the demo has a not-ready candidate on the first page"
    case_id = int(str(reasons[0].key).removeprefix("mtg_reason_"))
    before = listing.agenda_items(con, next_meeting)

    _button(at, f"mtg_list_btn_{case_id}").click().run()
    assert not at.exception
    assert any("give a reason to list it anyway" in e.value for e in at.error)
    assert len(listing.agenda_items(con, next_meeting)) == len(before)

    at.text_input(key=f"mtg_reason_{case_id}").input("Imaging booked for Monday; cord symptoms")  # in the form
    _button(at, f"mtg_list_btn_{case_id}").click().run()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    rows = listing.agenda_items(con, next_meeting)
    row = rows[rows["case_id"] == case_id]
    assert len(row) == 1
    assert row["override_reason"].iloc[0] == "Imaging booked for Monday; cord symptoms"
    assert any(f"Case {case_id} is on the agenda" in s.value for s in at.success)
    audit = con.execute(
        "SELECT reason FROM audit_log WHERE entity = 'agenda_item' AND action = 'create' ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert audit == ("Imaging booked for Monday; cord symptoms",)


def test_listing_uses_the_rules_engine(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection, next_meeting: int
) -> None:
    at = app("meetings", user_id=user_ids["chair"]).run()
    buttons = [b for b in at.button if str(b.key).startswith("mtg_list_btn_")]
    ready = [b for b in buttons if f"mtg_reason_{str(b.key).removeprefix('mtg_list_btn_')}" not in {w.key for w in at.text_input}]
    case_id = int(str(ready[0].key).removeprefix("mtg_list_btn_"))
    board = load_board(con, case_id)
    ready[0].click().run()
    assert not at.exception
    assert not at.error
    row = listing.agenda_items(con, next_meeting).set_index("case_id").loc[case_id]
    rank = {"emergency": 0, "urgent": 1, "routine": 2}
    rules = board.rules.highest_urgency or "routine"
    assert rank[row["urgency"]] <= rank[rules]
    if board.rules.red_flags:
        assert row["stream"] == "full"


def test_attendance_toggle_moves_the_quorum_meter(page_store: str, user_ids: dict[str, int], next_meeting: int) -> None:
    at = app("meetings", user_id=user_ids["coordinator"]).run()
    assert any("Core specialties present: 0 of 4" in p.proto.text for p in at.get("progress"))
    at.toggle(key=f"mtg_att_{next_meeting}_{user_ids['radiology']}").set_value(True).run()
    assert not at.exception
    assert any("Core specialties present: 1 of 4" in p.proto.text for p in at.get("progress"))
    assert any("Missing: medical oncology, orthopaedics / spine surgery, radiotherapy" in w.value for w in at.warning)
    for name in ("chair", "spine", "radonc"):
        at.toggle(key=f"mtg_att_{next_meeting}_{user_ids[name]}").set_value(True).run()
    assert not at.exception
    assert any("Core specialties present: 4 of 4 · attendance grade 3 of 4" in p.proto.text for p in at.get("progress"))
    assert any("Quorate" in s.value for s in at.success)
    at.toggle(key=f"mtg_att_{next_meeting}_{user_ids['radonc']}").set_value(False).run()
    assert any("Missing: radiotherapy" in w.value for w in at.warning)
    assert "Specialties present: medical oncology, radiology, spine surgery" in texts(at)


def test_presentation_mode_next_and_previous(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection, next_meeting: int
) -> None:
    rows = listing.agenda_items(con, next_meeting)
    at = app("meetings", user_id=user_ids["member"], query={"present": "1"}).run()
    assert not at.exception

    def shows(k: int) -> None:
        case_id = int(rows["case_id"].iloc[k])
        assert at.subheader[0].value.endswith(f"\\#{case_id}")
        assert any(f"Case {k + 1} of {len(rows)}" in m.value for m in at.markdown)
        flags = [h.text_en for h in load_board(con, case_id).rules.red_flags]
        errors = "\n".join(e.value for e in at.error).replace("\\", "")
        for flag in flags:
            assert flag in errors
        if not flags:
            assert any("No red flag" in s.value for s in at.success)

    shows(0)
    assert _button(at, "mtg_prev").disabled
    _button(at, "mtg_next").click().run()
    shows(1)
    _button(at, "mtg_next").click().run()
    shows(2)
    _button(at, "mtg_prev").click().run()
    shows(1)
    assert any(m.label == "This case" for m in at.metric)
    assert len(at.get("plotly_chart")) == 1
    assert [b.key for b in at.button if str(b.key).startswith("mtg_p_status_")] == []


def test_member_sees_no_write_controls(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("meetings", user_id=user_ids["member"]).run()
    assert not at.exception
    assert at.dataframe, "the agenda is shown"
    writes = ("mtg_plan", "mtg_start", "mtg_close", "mtg_move", "mtg_order", "mtg_list_btn", "mtg_save_status")
    assert [b.key for b in at.button if str(b.key).startswith(writes)] == []
    assert [t.key for t in at.toggle if str(t.key).startswith("mtg_att_")] == []
    assert not [w for w in at.text_input if str(w.key).startswith("mtg_reason_")]
    assert "Create meetings" not in [b.label for b in at.button]


def test_chinese_renders(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("meetings", user_id=user_ids["chair"])
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    body = texts(at)
    assert at.title[0].value == "会议"
    assert "议程" in [t.label for t in at.tabs]
    assert "核心专科出席" in "".join(p.proto.text for p in at.get("progress"))
    table = at.dataframe[0].value
    assert {"紧急程度", "讨论方式", "资料齐备情况"} <= set(table.columns)
    for raw in ("standard_of_care", "emergency", "not_discussed", "in_progress"):
        assert raw not in body
        assert not table.astype(str).apply(lambda col, r=raw: col.str.contains(r, regex=False)).any().any()
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception
    assert any("关键评分" in m.value for m in at.markdown)


def test_plan_meetings_validates_next_to_the_field(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection
) -> None:
    count = len(meetings.list_meetings(con))
    last_id = int(meetings.list_meetings(con)["meeting_id"].max())
    at = app("meetings", user_id=user_ids["coordinator"]).run()
    at.text_input(key="mtg_plan_location").input("Room\u200b 3")  # in the form: sent on submit
    _button(at, "mtg_plan_submit").click().run()
    assert not at.exception
    assert any("This text cannot be saved" in e.value for e in at.error)
    assert len(meetings.list_meetings(con)) == count
    at.text_input(key="mtg_plan_location").input("Room 3")
    at.number_input(key="mtg_plan_count").set_value(2)
    at.selectbox(key="mtg_plan_weekday").set_value(4)  # Fridays: no demo meeting on them
    _button(at, "mtg_plan_submit").click().run()
    assert not at.exception
    assert not at.error
    assert any("2 meetings created" in s.value for s in at.success)
    everything = meetings.list_meetings(con)
    new = everything[everything["meeting_id"] > last_id]
    assert len(new) == 2
    assert set(new["location"]) == {"Room 3"}
    assert {d.weekday() for d in new["meeting_date"]} == {4}


def test_chair_runs_and_closes_the_meeting(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection, next_meeting: int
) -> None:
    at = app("meetings", user_id=user_ids["chair"]).run()
    # before its date and with no attendance recorded: starting needs a typed reason
    assert any("Starting it early needs a reason" in w.value for w in at.warning)
    _button(at, "mtg_start").click().run()
    assert any("A reason is required" in e.value for e in at.error)
    assert meetings.get_meeting(con, next_meeting).status == "planned"
    at.text_input(key=f"mtg_start_reason_{next_meeting}").input("Teaching session moved to today").run()
    _button(at, "mtg_start").click().run()
    assert not at.exception
    assert meetings.get_meeting(con, next_meeting).status == "in_progress"
    assert "Teaching session moved to today" in texts(at)
    rows = listing.agenda_items(con, next_meeting)
    first = int(rows["item_id"].iloc[0])
    # discussed is what signing the item's decision marks: not offered by hand
    assert "discussed" not in at.segmented_control(key=f"mtg_status_{first}").options
    at.segmented_control(key=f"mtg_status_{first}").set_value("deferred").run()
    _button(at, f"mtg_save_status_{first}").click().run()
    assert any("Deferring needs the reason" in e.value for e in at.error)
    assert listing.agenda_items(con, next_meeting).set_index("item_id").loc[first, "status"] == "listed"
    at.segmented_control(key=f"mtg_status_{first}").set_value("not_discussed").run()
    at.number_input(key=f"mtg_minutes_{first}").set_value(4.5).run()
    _button(at, f"mtg_save_status_{first}").click().run()
    assert not at.exception
    row = listing.agenda_items(con, next_meeting).set_index("item_id").loc[first]
    assert (row["status"], int(row["discussion_seconds"])) == ("not_discussed", 270)

    at = app("meetings", user_id=user_ids["chair"]).run()
    at.checkbox(key=f"mtg_close_ok_{next_meeting}").check().run()
    _button(at, "mtg_close").click().run()
    assert not at.exception
    assert meetings.get_meeting(con, next_meeting).status == "closed"
    assert any("re-listed at the next meeting" in i.value for i in at.info)
    relisted = con.execute(
        "SELECT count(*) FROM agenda_item a JOIN meeting m USING (meeting_id)"
        " WHERE a.case_id = ? AND m.meeting_date > (SELECT meeting_date FROM meeting WHERE meeting_id = ?)",
        [int(rows["case_id"].iloc[0]), next_meeting],
    ).fetchone()
    assert relisted == (1,)


def test_break_prompt_after_90_minutes(page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        "SELECT meeting_id FROM meeting WHERE status = 'planned' AND meeting_id IN (SELECT meeting_id FROM agenda_item)"
        " ORDER BY meeting_date DESC LIMIT 1"
    ).fetchone()
    assert row is not None
    mid = int(row[0])
    con.execute(
        "UPDATE meeting SET status = 'in_progress', started_at = ? WHERE meeting_id = ?",
        [datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=95), mid],
    )
    at = app("meetings", user_id=user_ids["chair"], query={"meeting": str(mid), "present": "1"}).run()
    assert not at.exception
    assert any("time for a short break" in w.value for w in at.warning)
    assert any(m.label == "Meeting" and str(m.value).startswith("1:35:") for m in at.metric)
    con.execute(
        "UPDATE meeting SET started_at = ? WHERE meeting_id = ?",
        [datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=30), mid],
    )
    at.run()
    assert not any("short break" in w.value for w in at.warning)


def test_header_date_room_and_status_are_text_not_cut_metrics(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection, next_meeting: int
) -> None:
    """A metric cuts its value to its column ("2026-12…", "计…" at 1024 px): the header's date,
    room and status are text, which wraps; the counts stay metrics."""
    meeting = meetings.get_meeting(con, next_meeting)
    for lang, status in (("en", "planned"), ("zh", "计划中")):
        at = app("meetings", user_id=user_ids["chair"])
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception
        labels = {str(m.label) for m in at.metric}
        assert not labels & {"Date", "Status", "日期", "状态"}
        markdown = [m.value for m in at.markdown]
        assert f"#### {meeting.meeting_date:%Y-%m-%d}" in markdown
        assert f"#### {status}" in markdown
        assert any(meeting.start_time in c.value for c in at.caption)


def _text_px(text: str) -> float:
    """Width of a cell's text in the grid's 14 px font: full-width characters 14 px, others ~6.8."""
    return sum(14.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 6.8 for ch in text)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_agenda_labels_fit_their_columns(page_store: str, user_ids: dict[str, int], lang: str) -> None:
    """Every urgency, stream and primary label fits its fixed-width agenda column (in Chinese
    the urgency column cut "尽快（本周内）" short)."""
    at = app("meetings", user_id=user_ids["chair"])
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    widths = json.loads(at.dataframe[0].proto.columns)
    for column, vocab in (("col.urgency", Priority), ("col.stream", Stream), ("col.primary_tumour", PrimaryTumour)):
        width = widths[t(column, lang)]["width"]
        for value in vocab:
            label = enum_label(value, lang)
            assert _text_px(label) + 8 <= width, f"{label!r} does not fit the {width} px {t(column, lang)!r} column"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_agenda_shows_whole_patient_names(page_store: str, user_ids: dict[str, int], next_meeting: int, lang: str) -> None:
    """The agenda grid's patient column was a fixed 210 px and cut "Lecture Case 2 (synthetic) /
    讲座病…" (browser walk, 2026-12): it is sized to the longest name now."""
    from pages.components.widgets import text_px

    at = app("meetings", user_id=user_ids["coordinator"])
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    grid = at.dataframe[0]
    widths = json.loads(grid.proto.columns)
    patient = t("col.patient", lang=lang)
    assert max(text_px(str(n)) for n in grid.value[patient]) + 8 <= widths[patient]["width"]
