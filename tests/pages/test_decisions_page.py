"""Decisions page (AppTest on a demo store copy): record a decision from the board's suggestions
with field validation, the chair's signature with re-entered password (only once the meeting has
started), amendments with a reason, a re-listed case's own decision beside its history, deferring
an item, an emergency decision outside a meeting, stale drafts, and what each role may see."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core.i18n import enum_label, t
from core.models import Decision, Outcome, PlanItem
from core.vocabulary import Specialty
from db import actions, agenda, decision_reads, decision_signing, decisions, meetings, users
from db.connection import connect
from db.demo import lecture_case_id
from tests.pages.conftest import app, texts


@pytest.fixture(scope="module")
def open_cases(demo_source: str) -> list[int]:
    """Cases on the next planned meeting's agenda that have no decision yet (one per test)."""
    con = connect(demo_source, read_only=True)
    try:
        rows = con.execute(
            """
            SELECT a.case_id FROM agenda_item a JOIN meeting m USING (meeting_id)
            WHERE m.meeting_id = (SELECT meeting_id FROM meeting WHERE status = 'planned' ORDER BY meeting_date LIMIT 1)
              AND NOT EXISTS (SELECT 1 FROM decision d WHERE d.case_id = a.case_id)
            ORDER BY a.position
            """
        ).fetchall()
    finally:
        con.close()
    assert len(rows) >= 7
    return [int(r[0]) for r in rows]


@pytest.fixture
def store_cur(page_store: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor on the same store file the page uses (same process, same configuration)."""
    con = connect(page_store)
    yield con.cursor()
    con.close()


def _open(user_id: int, case_id: int) -> AppTest:
    at = app("decisions", user_id=user_id, query={"case": str(case_id)})
    at.run()
    assert not at.exception
    return at


def _suggestion_keys(at: AppTest, case_id: int, slot: str = "new") -> list[str]:
    prefix = f"dec.{case_id}.{slot}.s."
    return [r.key for r in at.radio if r.key and r.key.startswith(prefix)]


def _click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception
    return at


def _item(cur: duckdb.DuckDBPyConnection, case_id: int) -> tuple[int, int]:
    """(item, meeting) of the case's latest listing."""
    row = cur.execute(
        "SELECT a.item_id, a.meeting_id FROM agenda_item a JOIN meeting m USING (meeting_id) WHERE a.case_id = ?"
        " ORDER BY m.meeting_date DESC LIMIT 1",
        [case_id],
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _start(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> None:
    if meetings.get_meeting(cur, meeting_id).status == "planned":
        chair = users.actor_by_username(cur, "chair")
        agenda.start_meeting(cur, chair, meeting_id, reason="Started for the page test", today=date.today())


def _draft(
    cur: duckdb.DuckDBPyConnection, case_id: int, username: str = "chair", summary: str = "Plan agreed", *, start: bool = True
) -> Decision:
    """A draft for the case's listing; its meeting started unless ``start`` is off."""
    actor = users.actor_by_username(cur, username)
    item_id, meeting_id = _item(cur, case_id)
    if start:
        _start(cur, meeting_id)
    plan = (PlanItem(kind="analgesia", text="Paracetamol by the clock", disposition="free_text"),)
    return decisions.save_draft(
        cur,
        actor,
        Decision(case_id=case_id, item_id=item_id, decided_on=date.today(), outcome=Outcome.DEFERRED, plan=plan, summary=summary),
    )


def test_record_decision_from_suggestions(
    open_cases: list[int], user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection
) -> None:
    case_id = open_cases[0]
    at = _open(user_ids["member"], case_id)
    keys = _suggestion_keys(at, case_id)
    assert len(keys) >= 2, "the demo case should have at least two suggestions"
    accept, reject = keys[0], keys[1]
    at.radio(key=f"dec.{case_id}.new.outcome").set_value("decided")
    at.radio(key=accept).set_value("accepted")
    at.radio(key=reject).set_value("rejected").run()
    reason_key = reject.removesuffix(".disp") + ".reason"
    assert at.text_input(key=reason_key).value == ""
    _click(at, "Save draft")
    # reject without a reason: message next to the field, nothing saved, the choices kept
    assert "A reason is required." in [e.value for e in at.error]
    assert "Nothing was saved" in texts(at)
    assert decision_reads.decisions_for_case(store_cur, case_id).empty
    assert at.radio(key=accept).value == "accepted"
    assert at.radio(key=reject).value == "rejected"

    at.text_input(key=reason_key).input("Patient declines surgery").run()
    _click(at, "Save draft")
    assert "Draft saved (version 1)." in texts(at)
    saved = decision_reads.decisions_for_case(store_cur, case_id)
    assert list(saved["status"]) == ["draft"]
    plan = decision_reads.plan_items(store_cur, int(saved.iloc[0]["decision_id"]))
    accept_rule, reject_rule = accept.split(".s.")[1].removesuffix(".disp"), reject.split(".s.")[1].removesuffix(".disp")
    by_rule = {r.rule_id: r for r in plan.itertuples()}
    assert by_rule[accept_rule].disposition == "accepted"
    assert by_rule[reject_rule].disposition == "rejected"
    assert by_rule[reject_rule].reason == "Patient declines surgery"
    # the member drafts but never signs: no signature controls
    assert "Sign the decision" not in [b.label for b in at.button]
    assert "Only the chair signs a decision." in texts(at)


def test_chair_signs_with_password(open_cases: list[int], user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection) -> None:
    case_id = open_cases[1]
    draft = _draft(store_cur, case_id)
    at = _open(user_ids["chair"], case_id)
    assert "Approved as the MDT decision" in texts(at)  # the meaning is shown before signing
    at.text_input(key=f"dec.{case_id}.{draft.decision_id}.password.0").input("not-my-password")
    _click(at, "Sign the decision")
    assert any("password does not match" in e.value for e in at.error)
    assert decision_reads.get_decision(store_cur, int(draft.decision_id or 0)).status == "draft"

    assert at.text_input(key=f"dec.{case_id}.{draft.decision_id}.password.1").value == ""  # not kept
    at.text_input(key=f"dec.{case_id}.{draft.decision_id}.password.1").input(users.DEMO_PASSWORD)
    _click(at, "Sign the decision")
    signed = decision_reads.get_decision(store_cur, int(draft.decision_id or 0))
    assert signed.status == "signed"
    assert signed.content_hash
    shown = texts(at)
    assert "Decision signed." in shown
    assert "Signed decision" in shown
    assert "Dr Demo Chair (Med Onc)" in shown
    assert "Approved as the MDT decision" in shown
    assert signed.content_hash in [c.value for c in at.code]
    assert "Save draft" not in [b.label for b in at.button]  # read-only once signed


def test_amend_needs_a_reason(open_cases: list[int], user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection) -> None:
    case_id = open_cases[2]
    draft = _draft(store_cur, case_id)
    chair = users.actor_by_username(store_cur, "chair")
    signed = decision_signing.sign(
        store_cur, chair, int(draft.decision_id or 0), password=users.DEMO_PASSWORD, expected_version=draft.row_version
    )
    at = _open(user_ids["chair"], case_id)
    _click(at, "Open an amendment")
    assert "A reason is required." in [e.value for e in at.error]
    assert len(decision_reads.decisions_for_case(store_cur, case_id)) == 1

    at.text_area(key=f"dec.{case_id}.{signed.decision_id}.amend_reason").input("New MRI: cord compression excluded")
    _click(at, "Open an amendment")
    history = decision_reads.decisions_for_case(store_cur, case_id)
    assert list(history["version"]) == [2, 1]
    assert list(history["status"]) == ["draft", "signed"]
    shown = texts(at)
    assert "Amendment opened as a new draft version." in shown
    assert "Draft, version 2: not signed yet." in shown
    assert any(e.label.endswith("version 1 · signed") for e in at.expander)  # the signed version stays visible


def test_member_sees_no_sign_or_amend(
    open_cases: list[int], user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection
) -> None:
    case_id = open_cases[3]
    draft = _draft(store_cur, case_id)
    at = _open(user_ids["member"], case_id)
    labels = [b.label for b in at.button]
    assert "Save draft" in labels
    assert "Sign the decision" not in labels
    assert not [t for t in at.text_input if t.key and ".password" in t.key]
    chair = users.actor_by_username(store_cur, "chair")
    decision_signing.sign(
        store_cur, chair, int(draft.decision_id or 0), password=users.DEMO_PASSWORD, expected_version=draft.row_version
    )
    at = _open(user_ids["member"], case_id)
    assert "Open an amendment" not in [b.label for b in at.button]
    assert "Amend this decision" not in [e.label for e in at.expander]


def test_stale_draft_shows_conflict_and_keeps_the_other_save(
    open_cases: list[int], user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection
) -> None:
    case_id = open_cases[4]
    draft = _draft(store_cur, case_id, summary="First version")
    at = _open(user_ids["chair"], case_id)
    # someone else saves the same draft after the chair opened it
    member = users.actor_by_username(store_cur, "member")
    decisions.save_draft(store_cur, member, draft.model_copy(update={"summary": "Member's version"}))
    at.text_area(key=f"dec.{case_id}.{draft.decision_id}.summary").input("Chair's version")
    _click(at, "Save draft")
    assert any("changed this record since you opened it" in e.value for e in at.error)
    assert "Someone saved this draft since you opened it" in texts(at)
    assert decision_reads.get_decision(store_cur, int(draft.decision_id or 0)).summary == "Member's version"
    assert at.text_area(key=f"dec.{case_id}.{draft.decision_id}.summary").value == "Chair's version"


def test_labels_in_chinese_and_no_raw_values(open_cases: list[int], user_ids: dict[str, int]) -> None:
    at = app("decisions", user_id=user_ids["chair"], query={"case": str(open_cases[5])})
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    shown = texts(at)
    assert "依据看板建议制定方案" in shown
    assert "本决策的法定人数" in shown
    outcome = at.radio(key=f"dec.{open_cases[5]}.new.outcome")
    assert outcome.options == ["已决定", "已推迟", "未作决定"]


@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_analyst_and_admin_cannot_open(role: str, user_ids: dict[str, int], open_cases: list[int]) -> None:
    at = _open(user_ids[role], open_cases[0])
    assert "cannot open this page" in texts(at)
    assert not at.radio


def _later_meeting_case(cur: duckdb.DuckDBPyConnection, case_id: int) -> tuple[int, int]:
    """List the case at the last planned meeting (not started): (item, meeting)."""
    mid = int(cur.execute("SELECT max(meeting_id) FROM meeting WHERE status = 'planned'").fetchone()[0])  # type: ignore[index]
    coordinator = users.actor_by_username(cur, "coordinator")
    item = agenda.list_case(cur, coordinator, case_id, mid, ready=False, override_reason="Page test: listed ahead")
    return item, mid


def test_sign_waits_for_the_meeting_to_start(
    open_cases: list[int], user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection
) -> None:
    case_id = open_cases[6]
    item, mid = _later_meeting_case(store_cur, case_id)
    draft = _draft(store_cur, case_id, start=False)
    assert draft.item_id == item
    at = _open(user_ids["chair"], case_id)
    shown = texts(at)
    assert "has not started" in shown
    assert "Not signed yet: decisions are signed in a started meeting" in shown
    assert "Sign the decision" not in [b.label for b in at.button]
    assert not [t for t in at.text_input if t.key and ".password" in t.key]

    _start(store_cur, mid)
    at = _open(user_ids["chair"], case_id)
    at.text_input(key=f"dec.{case_id}.{draft.decision_id}.password.0").input(users.DEMO_PASSWORD)
    _click(at, "Sign the decision")
    assert decision_reads.get_decision(store_cur, int(draft.decision_id or 0)).status == "signed"
    # signing a deferring decision marks its item deferred, with the summary as the reason
    status = store_cur.execute(
        "SELECT a.status, d.reason FROM agenda_item a JOIN agenda_deferral d USING (item_id) WHERE a.item_id = ?", [item]
    ).fetchone()
    assert status == ("deferred", "Plan agreed")


def test_relisted_case_records_this_meetings_decision(user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection) -> None:
    case_id = lecture_case_id(store_cur, 1)
    earlier = decision_reads.decisions_for_case(store_cur, case_id)
    assert not earlier.empty and "signed" in set(earlier["status"])
    item, mid = _item(store_cur, case_id)
    assert item not in set(earlier["item_id"].dropna().astype(int))
    _start(store_cur, mid)
    at = _open(user_ids["chair"], case_id)
    # the earlier decision is history (with its meeting), not this meeting's decision to amend
    assert "This case was decided before" in texts(at)
    assert "Open an amendment" not in [b.label for b in at.button]
    day = earlier.iloc[0]["meeting_date"].date().isoformat()
    assert any(e.label.startswith(f"Meeting of {day} · version") for e in at.expander)
    _click(at, "Record this meeting's decision")
    at.radio(key=f"dec.{case_id}.new.outcome").set_value("no_decision").run()
    at.text_area(key=f"dec.{case_id}.new.summary").input("Await the repeat MRI before deciding").run()
    _click(at, "Save draft")
    now = decision_reads.decisions_for_case(store_cur, case_id)
    assert len(now) == len(earlier) + 1
    new = now.iloc[0]
    assert int(new["item_id"]) == item and new["status"] == "draft"
    assert int(new["predecessor_id"]) == int(earlier.iloc[0]["decision_id"])
    assert "listed again at the meeting of" in str(new["amendment_reason"])
    # sign it: this listing's item is discussed; the earlier decision is untouched
    at = _open(user_ids["chair"], case_id)
    at.text_input(key=f"dec.{case_id}.{int(new['decision_id'])}.password.0").input(users.DEMO_PASSWORD)
    _click(at, "Sign the decision")
    assert decision_reads.get_decision(store_cur, int(new["decision_id"])).status == "signed"
    assert store_cur.execute("SELECT status FROM agenda_item WHERE item_id = ?", [item]).fetchone() == ("discussed",)
    again = decision_reads.decisions_for_case(store_cur, case_id).set_index("decision_id")
    for r in earlier.itertuples():
        assert again.loc[r.decision_id, "status"] == r.status and again.loc[r.decision_id, "summary"] == r.summary


def test_defer_an_item_with_a_reason(
    open_cases: list[int], user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection
) -> None:
    case_id = open_cases[5]
    item, mid = _item(store_cur, case_id)
    _start(store_cur, mid)
    at = _open(user_ids["chair"], case_id)
    _click(at, "Defer")
    assert "A reason is required." in [e.value for e in at.error]
    assert store_cur.execute("SELECT status FROM agenda_item WHERE item_id = ?", [item]).fetchone() == ("listed",)
    at.text_input(key=f"dec.{case_id}.defer{item}.reason").input("Biopsy result due on Friday")
    _click(at, "Defer")
    assert "Case deferred." in texts(at)
    row = store_cur.execute(
        "SELECT a.status, d.reason FROM agenda_item a JOIN agenda_deferral d USING (item_id) WHERE a.item_id = ?", [item]
    ).fetchone()
    assert row == ("deferred", "Biopsy result due on Friday")


def test_emergency_decision_outside_the_meeting(user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection) -> None:
    case_id = int(
        store_cur.execute(
            "SELECT c.case_id FROM mdt_case c WHERE c.status IN ('referred', 'ready')"
            " AND NOT EXISTS (SELECT 1 FROM decision d WHERE d.case_id = c.case_id)"
            " AND NOT EXISTS (SELECT 1 FROM agenda_item a WHERE a.case_id = c.case_id) ORDER BY c.case_id LIMIT 1"
        ).fetchone()[0]  # type: ignore[index]
    )
    _later_meeting_case(store_cur, case_id)
    at = _open(user_ids["chair"], case_id)
    at.toggle(key=f"dec.{case_id}.emergency").set_value(True).run()
    assert "Emergency decision outside a meeting: it is marked so" in texts(at)
    at.radio(key=f"dec.{case_id}.new.outcome").set_value("no_decision").run()
    at.text_area(key=f"dec.{case_id}.new.summary").input("Admitted under oncology; MSCC pathway").run()
    _click(at, "Save draft")
    saved = decision_reads.decisions_for_case(store_cur, case_id)
    assert len(saved) == 1 and bool(saved.iloc[0]["emergency"]) and pd.isna(saved.iloc[0]["item_id"])
    draft_id = int(saved.iloc[0]["decision_id"])
    at = _open(user_ids["chair"], case_id)  # the open emergency draft is shown without the toggle
    at.text_input(key=f"dec.{case_id}.{draft_id}.password.0").input(users.DEMO_PASSWORD)
    _click(at, "Sign the decision")
    signed = decision_reads.get_decision(store_cur, draft_id)
    assert signed.status == "signed" and signed.emergency
    assert "Emergency decision outside a meeting" in texts(at)


def test_minutes_on_screen_say_what_happened(user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection) -> None:
    mid = int(
        store_cur.execute(
            "SELECT meeting_id FROM meeting WHERE status = 'closed' AND meeting_id IN"
            " (SELECT meeting_id FROM agenda_item WHERE status = 'deferred') ORDER BY meeting_date DESC LIMIT 1"
        ).fetchone()[0]  # type: ignore[index]
    )
    case_id = int(store_cur.execute("SELECT min(case_id) FROM agenda_item WHERE meeting_id = ?", [mid]).fetchone()[0])  # type: ignore[index]
    at = app("decisions", user_id=user_ids["chair"], query={"case": str(case_id)})
    at.session_state["dec.meeting__en"] = mid
    at.run()
    at.toggle(key="dec.minutes_screen").set_value(True).run()
    assert not at.exception
    shown = texts(at)
    assert "Discussed, with the decision (" in shown and "Deferred (" in shown
    assert "Reason for deferring" in shown
    assert "Cases discussed" not in shown and "No decision recorded" not in shown


def test_an_opinion_is_posted_under_the_members_own_specialty_dated_today(
    open_cases: list[int], user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection
) -> None:
    case_id = open_cases[5]
    at = _open(user_ids["radonc"], case_id)
    # no specialty picker: the member's own specialty is shown, not chosen
    assert not [s for s in at.selectbox if s.key == f"dec.{case_id}.op.specialty"]
    assert any("radiotherapy" in m.value for m in at.markdown)
    at.text_area(key=f"dec.{case_id}.op.text").input("8 Gy single fraction to the painful rib")
    _click(at, "Add opinion")
    row = store_cur.execute(
        "SELECT o.specialty, CAST(o.created_at AS DATE) = current_date FROM specialty_opinion o"
        " JOIN agenda_item a USING (item_id) WHERE a.case_id = ? ORDER BY o.opinion_id DESC LIMIT 1",
        [case_id],
    ).fetchone()
    assert row == ("radiotherapy", True)
    today = store_cur.execute("SELECT current_date").fetchone()[0]  # the store's clock, as the row's
    assert any(f"{today.isoformat()}" in m.value and "8 Gy single fraction" in m.value for m in at.markdown)


def test_documents_follow_a_switch_to_chinese(user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection) -> None:
    """Opened in English, then switched to Chinese: the document language follows, and the minutes
    on screen carry the Chinese headings, coded values and dates, none of the English ones."""
    mid = int(
        store_cur.execute("SELECT meeting_id FROM meeting WHERE status = 'closed' ORDER BY meeting_date DESC LIMIT 1").fetchone()[
            0
        ]  # type: ignore[index]
    )
    case_id = int(store_cur.execute("SELECT min(case_id) FROM agenda_item WHERE meeting_id = ?", [mid]).fetchone()[0])  # type: ignore[index]
    at = app("decisions", user_id=user_ids["chair"], query={"case": str(case_id)})
    at.session_state["dec.meeting__en"] = mid
    at.run()
    at.toggle(key="dec.minutes_screen").set_value(True).run()
    assert "Discussed, with the decision (" in texts(at)
    at.button_group(key="lang_pick").set_value("zh").run()  # the sidebar's language switch
    at.run()
    assert not at.exception
    shown = texts(at)
    for zh in ("已讨论及决策（", "方案条目", "类别 · 处理", "采纳", "签署人", "年", "协调世界时"):
        assert zh in shown, zh
    for en in ("Discussed, with the decision", "Plan item", "Kind · disposition", "Signed by", " UTC", "accepted ·"):
        assert en not in shown, en


def test_quorum_is_not_called_met_before_the_plan_has_an_item(
    open_cases: list[int], user_ids: dict[str, int], page_store: str
) -> None:
    """With nobody present and nothing accepted, "Quorate" beside "Present: none" misled: the
    page says the check waits for the plan; an accepted item brings the real verdict."""
    case_id = open_cases[-1]
    at = _open(user_ids["chair"], case_id)
    assert not [s for s in at.success if "Quorate" in s.value]
    assert any(i.value.startswith("No plan item yet") for i in at.info)
    assert at.multiselect(key=f"dec.{case_id}.new.contributing").placeholder == "Any that apply"
    at.radio(key=_suggestion_keys(at, case_id)[0]).set_value("accepted").run()
    assert not any(i.value.startswith("No plan item yet") for i in at.info)
    verdicts = [s.value for s in at.success] + [w.value for w in at.warning] + [i.value for i in at.info]
    assert any(v.startswith(("Quorate", "Provisional", "Chair")) for v in verdicts), verdicts


def test_meeting_and_case_pickers_follow_a_switch_to_chinese(
    user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection
) -> None:
    """The meeting picker kept "2026-12-10 · planned" (and the case picker its English urgency)
    after a switch to Chinese (browser walk, 2026-12): both are keyed per language now, and the
    meeting and case chosen in English stay chosen."""
    mid = int(
        store_cur.execute("SELECT meeting_id FROM meeting WHERE status = 'planned' ORDER BY meeting_date LIMIT 1").fetchone()[0]  # type: ignore[index]
    )
    at = app("decisions", user_id=user_ids["chair"])
    at.session_state["dec.meeting__en"] = mid
    at.run()
    meeting, case = at.selectbox(key="dec.meeting__en"), at.selectbox(key=f"dec.case.{mid}__en")
    assert meeting.format_func(mid).endswith("· planned")
    chosen_case = case.value
    at.button_group(key="lang_pick").set_value("zh").run()
    at.run()
    assert not at.exception
    meeting, case = at.selectbox(key="dec.meeting__zh"), at.selectbox(key=f"dec.case.{mid}__zh")
    assert meeting.value == mid and case.value == chosen_case
    assert meeting.format_func(mid).endswith("· 计划中")
    shown = [*meeting.options, *case.options]  # the labels as drawn
    assert not [text for text in shown if "planned" in text or "routine" in text or "urgent" in text]


def test_a_cases_actions_read_whole_in_a_wrapping_table(user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection) -> None:
    """A case's actions were a grid that cut each description at the column's width and pushed
    owner, due date and status out of view at 1024 px (browser walk, 2026-12): they are a table
    that wraps now, every description whole and escaped; overdue ones keep their tint and word."""
    case_id = lecture_case_id(store_cur, 2)
    stored = actions.actions(store_cur, case_id=case_id)
    assert len(stored) >= 3
    at = app("decisions", user_id=user_ids["chair"], query={"case": str(case_id)})
    at.run()
    assert not at.exception
    action = t("col.description")
    table = next(tb.value for tb in at.table if action in tb.value.columns)
    assert {cell.replace("\\", "") for cell in table[action]} == set(stored["description"])
    assert all(len(day) == 10 for day in table[t("col.due_date")] if day)
    assert not [df for df in at.dataframe if action in df.value.columns and len(df.value) == len(stored)]


def test_new_action_specialty_follows_a_switch_to_chinese(user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection) -> None:
    """The new action's specialty picker went on showing "medical oncology" after a switch to
    Chinese (browser walk, 2026-12): it is keyed per language, its chosen specialty kept."""
    case_id = lecture_case_id(store_cur, 2)
    at = app("decisions", user_id=user_ids["chair"], query={"case": str(case_id)})
    at.run()
    en = at.selectbox(key=f"dec.{case_id}.act.specialty__en")
    chosen = en.value
    assert en.format_func(chosen) == enum_label(chosen, "en", Specialty)
    at.button_group(key="lang_pick").set_value("zh").run()
    at.run()
    assert not at.exception
    zh = at.selectbox(key=f"dec.{case_id}.act.specialty__zh")
    assert zh.value == chosen
    assert zh.format_func(chosen) == enum_label(chosen, "zh", Specialty) != enum_label(chosen, "en", Specialty)
