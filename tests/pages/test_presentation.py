"""Presentation and follow mode on the meetings page (AppTest on the demo store), the session
limits with an injected clock, and same-tab links everywhere in pages/ (issue 11).

AppTest reruns the whole page (its blind spot: fragment-only reruns), so the follow poll is
checked here through its outcome (the member's view shows the chair's stored case) and the
timed reruns in the browser test (tests/browser/test_meeting_day.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from core.i18n import t
from db import listing, meetings, presenting, users
from db.connection import connect
from pages.components import clock
from pages.components.agenda_status import minutes_seconds
from pages.components.guard import IDLE_SECONDS, fingerprint
from tests.pages.conftest import ROOT, app, texts


@pytest.fixture
def con(page_store: str) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect(page_store)
    yield c.cursor()
    c.close()


@pytest.fixture
def next_meeting(con: duckdb.DuckDBPyConnection) -> int:
    mid = meetings.next_meeting_id(con)
    assert mid is not None
    return mid


def _keys(at: AppTest, prefix: str) -> list[str]:
    return [str(b.key) for b in at.button if str(b.key).startswith(prefix)]


def _shows_case(at: AppTest, case_id: int) -> bool:
    return any(s.value.endswith(f"\\#{case_id}") for s in at.subheader)


def test_the_chair_presenting_moves_the_members_follow_view(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection, next_meeting: int
) -> None:
    rows = listing.agenda_items(con, next_meeting)
    chair = app("meetings", user_id=user_ids["chair"], query={"present": "1", "meeting": str(next_meeting)}).run()
    assert not chair.exception
    # the chair's view is the room's: opening presentation mode stores the case shown
    assert presenting.current_item(con, next_meeting) == int(rows["item_id"].iloc[0])
    assert "mtg_next" in _keys(chair, "mtg_")
    assert not [t for t in chair.toggle if str(t.key).startswith("mtg_follow")]  # the chair leads
    # drawn for the projector: nothing in the sidebar, so Streamlit shows none
    assert [b.key for b in chair.sidebar.button] == [] and not chair.sidebar.caption
    desk = app("meetings", user_id=user_ids["chair"], query={"meeting": str(next_meeting)}).run()
    assert "sign_out" in [b.key for b in desk.sidebar.button]

    member = app("meetings", user_id=user_ids["member"], query={"present": "1", "meeting": str(next_meeting)}).run()
    assert not member.exception
    assert _shows_case(member, int(rows["case_id"].iloc[0]))
    assert member.toggle(key=f"mtg_follow_{next_meeting}").value is True
    assert "Following the chair" in texts(member)
    assert _keys(member, "mtg_next") == []  # the chair drives

    next(b for b in chair.button if b.key == "mtg_next").click().run()
    assert presenting.current_item(con, next_meeting) == int(rows["item_id"].iloc[1])
    member.run()
    assert _shows_case(member, int(rows["case_id"].iloc[1]))
    assert any("Case 2 of" in m.value for m in member.markdown)

    # a member who stops following browses on their own
    member.toggle(key=f"mtg_follow_{next_meeting}").set_value(False).run()
    assert "mtg_next" in _keys(member, "mtg_")
    next(b for b in member.button if b.key == "mtg_next").click().run()
    assert _shows_case(member, int(rows["case_id"].iloc[2]))
    assert presenting.current_item(con, next_meeting) == int(rows["item_id"].iloc[1])  # the room did not move


def test_presentation_shows_presenter_and_time_budget_and_sets_them(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection, next_meeting: int
) -> None:
    rows = listing.agenda_items(con, next_meeting)
    # a coordinator follows the chair too (the chair presents the second case, see above)
    item = presenting.current_item(con, next_meeting) or int(rows["item_id"].iloc[0])
    at = app("meetings", user_id=user_ids["coordinator"], query={"present": "1", "meeting": str(next_meeting)}).run()
    assert not at.exception
    assert "No presenter named" in texts(at)
    assert any(m.label == "This case" and m.proto.delta == "of 3:00" for m in at.metric)
    n = len(rows)
    assert any(m.label == "Meeting" and m.proto.delta == f"of {minutes_seconds(n * 3 * 60)}" for m in at.metric)

    member_name = users.actor_for(con, user_ids["member"]).display_name
    at.selectbox(key=f"pres_presenter_{item}").set_value(user_ids["member"]).run()
    assert not at.exception
    assert presenting.presenters(con, next_meeting)[item] == (user_ids["member"], member_name)
    assert "Presenter saved." in texts(at)
    assert f"Presenter: {member_name}" in texts(at)

    at.number_input(key=f"pres_minutes_{next_meeting}").set_value(5).run()
    assert presenting.state(con, next_meeting).minutes_per_case == 5
    assert any(m.label == "Meeting" and m.proto.delta == f"of {minutes_seconds(n * 5 * 60)}" for m in at.metric)
    presenting.set_minutes_per_case(con, users.actor_for(con, user_ids["chair"]), next_meeting, 3)

    member = app("meetings", user_id=user_ids["member"], query={"present": "1", "meeting": str(next_meeting)}).run()
    assert not [w for w in member.selectbox if str(w.key).startswith("pres_")]  # members only see them


def test_presentation_opens_the_decision_form_in_place(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection, next_meeting: int
) -> None:
    rows = listing.agenda_items(con, next_meeting)
    undecided = [
        i
        for i, case_id in enumerate(rows["case_id"])
        if con.execute("SELECT count(*) FROM decision WHERE case_id = ?", [int(case_id)]).fetchone() == (0,)
    ]
    idx, case_id = undecided[0], int(rows["case_id"].iloc[undecided[0]])
    at = app("meetings", user_id=user_ids["chair"], query={"present": "1", "meeting": str(next_meeting)})
    at.session_state[f"mtg_present_idx_{next_meeting}"] = idx
    at.session_state["mtg_present_tab"] = "Decision"
    at.run()
    assert not at.exception
    assert _shows_case(at, case_id)
    assert [tab.label for tab in at.tabs] == ["Imaging and suggestions", "All scores", "Timeline", "Labs", "Lesions", "Decision"]
    # decision_form's own draft form, for the presented case and this agenda item
    assert at.radio(key=f"dec.{case_id}.new.outcome").label == "Outcome"
    assert "Save draft" in [b.label for b in at.button]


def test_chinese_follow_view(page_store: str, user_ids: dict[str, int], next_meeting: int) -> None:
    at = app("meetings", user_id=user_ids["member"], query={"present": "1", "meeting": str(next_meeting)})
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    body = texts(at)
    assert "正在跟随主持人" in body and "关键评分" in body
    assert at.toggle(key=f"mtg_follow_{next_meeting}").label == "跟随主持人"
    for english in ("Following the chair", "Key scores", "Red flags", "No presenter named", "This case"):
        assert english not in body


# -- the session limits with an injected clock ------------------------------------------------------


def _limits_script() -> None:
    import streamlit as st

    from pages.components.guard import idle_seconds_left, keep_alive

    st.text(f"alive={keep_alive()}")
    left = idle_seconds_left()
    st.text(f"left={left:.0f}" if left is not None else "left=none")


@pytest.fixture
def clock_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "offset"
    path.write_text("0", encoding="utf-8")
    monkeypatch.setenv(clock.TEST_CLOCK_ENV, str(path))
    monkeypatch.setenv("BONEMDT_DEMO", "1")
    monkeypatch.setattr(clock, "wall", lambda: 1_800_000_000.0)
    return path


def _limits(last_seen: float) -> AppTest:
    at = AppTest.from_function(_limits_script, default_timeout=30)
    at.session_state["auth"] = {"user_id": 1, "signed_in_at": last_seen, "last_seen": last_seen, "client": fingerprint("", "")}
    return at


def test_watching_counts_as_activity_until_the_idle_limit(clock_file: Path) -> None:
    start = 1_800_000_000.0
    clock_file.write_text(str(IDLE_SECONDS - 30), encoding="utf-8")  # 14.5 minutes later
    at = _limits(start).run()
    assert [t.value for t in at.text] == ["alive=True", f"left={IDLE_SECONDS}"]
    assert at.session_state["auth"]["last_seen"] == start + IDLE_SECONDS - 30

    late = _limits(start)
    clock_file.write_text(str(IDLE_SECONDS + 5), encoding="utf-8")  # past the limit: no revival
    late.run()
    assert late.text[0].value == "alive=False"
    assert late.session_state["auth"]["last_seen"] == start


def test_a_session_moved_to_another_client_is_not_kept_alive(clock_file: Path) -> None:
    at = _limits(1_800_000_000.0)
    at.session_state["auth"] = {**at.session_state["auth"], "client": fingerprint("10.0.0.9", "other")}
    at.run()
    assert at.text[0].value == "alive=False"


def test_the_test_clock_is_honoured_only_on_a_demo_store(clock_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock_file.write_text("900", encoding="utf-8")
    assert clock.now() == 1_800_000_900.0
    monkeypatch.setenv("BONEMDT_DEMO", "0")
    assert clock.now() == 1_800_000_000.0
    monkeypatch.setenv("BONEMDT_DEMO", "1")
    monkeypatch.delenv(clock.TEST_CLOCK_ENV)
    assert clock.now() == 1_800_000_000.0


# -- same-tab links -----------------------------------------------------------------------------------

PAGE_NAMES = "overview|cases|case|meetings|decisions|analytics|admin"
NEW_TAB = (
    re.compile(rf"\]\((?:/)?(?:{PAGE_NAMES})(?:\?|\))"),  # a Markdown link to an app page
    re.compile(r"target\s*=\s*[\"']?_blank"),
    re.compile(r"\blink_button\("),
    re.compile(r"\bLinkColumn\("),
)


def test_no_link_in_pages_opens_a_new_tab() -> None:
    sources = [ROOT / "streamlit_app.py", *(ROOT / "pages").rglob("*.py")]
    hits = [f"{p.relative_to(ROOT)}: {rx.pattern}" for p in sources for rx in NEW_TAB if rx.search(p.read_text(encoding="utf-8"))]
    assert hits == []


def test_links_name_their_target_in_both_languages(page_store: str, user_ids: dict[str, int]) -> None:
    """Run as a single page file, Streamlit knows no other page to link to, so the link is a
    button that switches page in the same session (the browser test clicks the real
    ``st.page_link`` and stays signed in)."""
    for lang, label in (("en", "Open the agenda"), ("zh", t("overview.open_agenda", "zh"))):
        at = app("overview", user_id=user_ids["coordinator"])
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception
        assert any(b.label == label for b in at.button)
