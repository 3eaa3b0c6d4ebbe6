"""Meeting day for real (issue 11) on a real temp store: each listing of a case gets its own
decision, signed only in a started meeting (or as a marked emergency outside one) with the quorum
the recorded attendance gives; starting early or without core quorum needs a recorded reason;
signing or deferring marks the item; at close only items not reached roll over; the minutes and
the letter say exactly what happened."""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pandas as pd
import pytest

from core.errors import FieldError, WorkflowError
from core.meeting_rules import decision_quorum
from core.minutes import letter_to_markdown, sections, to_markdown
from core.models import Actor, AgendaStatus, Case, Decision, Outcome, Patient, PlanItem, Priority, QuorumState
from core.signing import content_hash
from db import agenda, audit, cases, decision_reads, decision_signing, decisions, minutes, users

DAY = date(2026, 3, 2)  # the meeting's day (a Monday in the past); ``today`` is injected everywhere
FIXATION = PlanItem(
    kind="fixation", text="Prophylactic fixation of the left femur", rule_id="ORTHO-MIRELS-HIGH", disposition="accepted"
)
REJECTED = PlanItem(
    kind="radiotherapy", text="Single 8 Gy fraction", rule_id="RT-PAIN-SHORT", disposition="rejected", reason="Long prognosis"
)
CORE = ("chair", "member", "radonc", "radiology")  # medical oncology, orthopaedics, radiotherapy, radiology


@pytest.fixture
def people(cur: duckdb.DuckDBPyConnection) -> dict[str, Actor]:
    users.ensure_demo_users(cur)
    return {u.username: users.actor_by_username(cur, u.username) for u in users.DEMO_USERS}


def _refer(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], n: int) -> int:
    patient = Patient(mrn=f"MD-{n:04d}", display_name=f"Meeting Patient {n}", sex="female", birth_date=date(1958, 1, n))
    case = Case(
        patient_id=0,
        referral_date=DAY - timedelta(days=20),
        referrer="Dr Referrer",
        referrer_specialty="medical_oncology",
        question="Fixation of the femur?",
        primary_tumour="breast",
    )
    return cases.refer(cur, people["coordinator"], patient, case)


@pytest.fixture
def week(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor]) -> list[int]:
    """This meeting (today) and next week's."""
    return agenda.create_meetings(cur, people["coordinator"], first=DAY, count=2, location="Room 3")


def _list(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int, meeting_id: int) -> int:
    return agenda.list_case(cur, people["coordinator"], case_id, meeting_id, urgency=Priority.ROUTINE, ready=True)


def _attend(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], meeting_id: int, *names: str) -> None:
    for name in names:
        agenda.set_attendance(cur, people["coordinator"], meeting_id, people[name].user_id, people[name].specialty, True)


def _draft(case_id: int, item_id: int | None, plan: tuple[PlanItem, ...] = (FIXATION,), **kw: object) -> Decision:
    values: dict[str, object] = {"decided_on": DAY, "outcome": Outcome.DECIDED, "summary": "Agreed", **kw}
    return Decision(case_id=case_id, item_id=item_id, plan=plan, **values)  # type: ignore[arg-type]


def _sign(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], d: Decision) -> Decision:
    return decision_signing.sign(
        cur, people["chair"], int(d.decision_id or 0), password=users.DEMO_PASSWORD, expected_version=d.row_version
    )


def _item_status(cur: duckdb.DuckDBPyConnection, item_id: int) -> str:
    return str(cur.execute("SELECT status FROM agenda_item WHERE item_id = ?", [item_id]).fetchone()[0])  # type: ignore[index]


# -- where and when a decision is signed ------------------------------------------------------------


def test_sign_refused_on_a_planned_meeting(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]) -> None:
    case_id = _refer(cur, people, 1)
    item = _list(cur, people, case_id, week[0])
    _attend(cur, people, week[0], *CORE)
    d = decisions.save_draft(cur, people["member"], _draft(case_id, item))  # drafting ahead is fine
    n = audit.count(cur)
    with pytest.raises(WorkflowError, match="has not started"):
        _sign(cur, people, d)
    assert decision_reads.get_decision(cur, int(d.decision_id or 0)).status == "draft"
    assert _item_status(cur, item) == "listed"
    assert audit.count(cur) == n  # refused before the password is even checked


def test_sign_in_a_started_meeting_marks_the_item_discussed(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]
) -> None:
    case_id = _refer(cur, people, 2)
    item = _list(cur, people, case_id, week[0])
    _attend(cur, people, week[0], *CORE)
    agenda.start_meeting(cur, people["chair"], week[0], today=DAY)  # on its day, quorate: no reason asked
    d = _sign(cur, people, decisions.save_draft(cur, people["member"], _draft(case_id, item)))
    assert d.status == "signed" and not d.emergency
    assert _item_status(cur, item) == "discussed"
    assert cases.get_case(cur, case_id).status == "discussed"
    marked = cur.execute(
        "SELECT after_json FROM audit_log WHERE entity = 'agenda_item' AND entity_id = ? ORDER BY seq DESC LIMIT 1", [str(item)]
    ).fetchone()
    assert '"by_decision"' in marked[0]  # type: ignore[index]


def test_a_decision_needs_an_agenda_item_or_the_emergency_mark(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor]) -> None:
    case_id = _refer(cur, people, 3)
    with pytest.raises(FieldError) as info:
        decisions.save_draft(cur, people["chair"], _draft(case_id, None))
    assert "item_id" in info.value.errors
    assert decision_reads.decisions_for_case(cur, case_id).empty


def test_emergency_decision_outside_a_meeting_is_marked(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor]) -> None:
    case_id = _refer(cur, people, 4)
    # nobody's attendance outside a meeting: fixation without a surgeon present is provisional
    gate = decision_quorum([FIXATION], [])
    d = decisions.save_draft(cur, people["chair"], _draft(case_id, None, emergency=True, quorum_state=gate.state))
    d = _sign(cur, people, d)
    assert d.status == "signed" and d.emergency and d.quorum_state == QuorumState.PROVISIONAL
    assert d.content_hash == content_hash(d)
    assert content_hash(d.model_copy(update={"emergency": False})) != d.content_hash  # the mark is signed content
    with pytest.raises(duckdb.Error, match="immutable"):
        cur.execute("DELETE FROM emergency_decision WHERE decision_id = ?", [d.decision_id])
    row = decision_reads.decisions_for_case(cur, case_id).iloc[0]
    assert bool(row["emergency"]) and pd.isna(row["meeting_date"]) and pd.isna(row["item_id"])
    letter = minutes.outcome_letter(cur, case_id)
    assert letter.meeting_date is None and letter.decision is not None and letter.decision.emergency
    text = letter_to_markdown(letter, "en")
    assert f"took an emergency decision for your patient outside a meeting on {DAY.isoformat()}" in text
    assert "Emergency decision outside a meeting" in text
    assert "discussed your patient at its meeting" not in text


def test_an_amendment_of_an_emergency_decision_stays_marked(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor]) -> None:
    case_id = _refer(cur, people, 5)
    emergency = PlanItem(kind="emergency", text="MSCC pathway now", rule_id="EMERG-MSCC", disposition="accepted")
    d = _sign(cur, people, decisions.save_draft(cur, people["chair"], _draft(case_id, None, (emergency,), emergency=True)))
    v2 = decisions.amend(cur, people["chair"], int(d.decision_id or 0), reason="Dose corrected")
    assert v2.emergency and v2.item_id is None
    assert _sign(cur, people, v2).emergency


# -- quorum from the recorded attendance -------------------------------------------------------------


def test_quorum_comes_from_the_recorded_attendance(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]
) -> None:
    case_id = _refer(cur, people, 6)
    item = _list(cur, people, case_id, week[0])
    _attend(cur, people, week[0], "chair", "radonc", "radiology")  # no surgeon recorded present
    agenda.start_meeting(cur, people["chair"], week[0], reason="Surgeon in theatre, joins late", today=DAY)
    # a draft claiming "quorate" for a fixation while no surgeon is recorded present is not signed
    claimed = decisions.save_draft(cur, people["chair"], _draft(case_id, item, quorum_state=QuorumState.QUORATE))
    with pytest.raises(FieldError) as info:
        _sign(cur, people, claimed)
    assert "quorum_state" in info.value.errors
    assert _item_status(cur, item) == "listed"
    # the surgeon arrives and is recorded present: now the quorate draft is the truth and is signed
    _attend(cur, people, week[0], "member")
    assert _sign(cur, people, decision_reads.get_decision(cur, int(claimed.decision_id or 0))).quorum_state == "quorate"


def test_provisional_draft_is_not_signed_once_the_quorum_is_there(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]
) -> None:
    case_id = _refer(cur, people, 7)
    item = _list(cur, people, case_id, week[0])
    agenda.start_meeting(cur, people["chair"], week[0], reason="Attendance recorded as people arrive", today=DAY)
    d = decisions.save_draft(cur, people["chair"], _draft(case_id, item, quorum_state=QuorumState.PROVISIONAL))
    _attend(cur, people, week[0], *CORE)
    with pytest.raises(FieldError):  # the screen showed "provisional": it is saved again, then signed
        _sign(cur, people, d)
    again = decisions.save_draft(cur, people["chair"], d.model_copy(update={"quorum_state": QuorumState.QUORATE}))
    assert _sign(cur, people, again).quorum_state == "quorate"


# -- starting the meeting ------------------------------------------------------------------------------


def test_starting_before_the_date_needs_a_recorded_reason(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]
) -> None:
    nxt = week[1]
    _attend(cur, people, nxt, *CORE)
    early = DAY  # next week's meeting, started today
    n = audit.count(cur)
    with pytest.raises(FieldError) as info:
        agenda.start_meeting(cur, people["chair"], nxt, today=early)
    assert "start_reason" in info.value.errors
    assert agenda.meeting_start(cur, nxt) is None and audit.count(cur) == n
    agenda.start_meeting(cur, people["chair"], nxt, reason="Bank holiday next week", today=early)
    note = agenda.meeting_start(cur, nxt)
    assert note == {"started_on": early, "early": True, "missing_core": (), "reason": "Bank holiday next week"}
    row = cur.execute("SELECT reason, after_json FROM audit_log WHERE entity = 'meeting' ORDER BY seq DESC LIMIT 1").fetchone()
    assert row[0] == "Bank holiday next week" and '"early": true' in row[1]  # type: ignore[index]
    md = to_markdown(minutes.meeting_minutes(cur, nxt), "en")
    meeting_day = (DAY + timedelta(days=7)).isoformat()
    assert f"Started on {early.isoformat()}, before the meeting date {meeting_day}." in md
    assert "Chair's reason for starting: Bank holiday next week" in md


def test_starting_without_core_quorum_needs_a_reason(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]
) -> None:
    _attend(cur, people, week[0], "chair", "radiology")
    with pytest.raises(FieldError):
        agenda.start_meeting(cur, people["chair"], week[0], today=DAY)
    agenda.start_meeting(cur, people["chair"], week[0], reason="Two surgeons on call; radiotherapy by phone", today=DAY)
    note = agenda.meeting_start(cur, week[0])
    assert note is not None and not note["early"]
    assert set(note["missing_core"]) == {"orthopaedics", "radiotherapy"}  # type: ignore[arg-type]
    md = to_markdown(minutes.meeting_minutes(cur, week[0]), "en")
    assert "Started without core quorum (missing: orthopaedics, radiotherapy)." in md
    assert "Chair's reason for starting: Two surgeons on call; radiotherapy by phone" in md


def test_on_its_day_with_quorum_no_reason_is_asked_or_shown(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]
) -> None:
    _attend(cur, people, week[0], *CORE)
    agenda.start_meeting(cur, people["chair"], week[0], reason="not needed", today=DAY)
    assert agenda.meeting_start(cur, week[0]) == {"started_on": DAY, "early": False, "missing_core": (), "reason": ""}
    assert "Started" not in to_markdown(minutes.meeting_minutes(cur, week[0]), "en").split("## Attendance")[0]


# -- one decision per listing ------------------------------------------------------------------------


def test_a_relisted_case_gets_its_own_decision(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]) -> None:
    m1, m2 = week
    case_id = _refer(cur, people, 8)
    first = _list(cur, people, case_id, m1)
    _attend(cur, people, m1, *CORE)
    agenda.start_meeting(cur, people["chair"], m1, today=DAY)
    deferring = _draft(case_id, first, (), outcome=Outcome.DEFERRED, summary="Whole-spine MRI first")
    v1 = _sign(cur, people, decisions.save_draft(cur, people["chair"], deferring))
    assert _item_status(cur, first) == "deferred"
    assert cases.get_case(cur, case_id).status == "ready"  # back among the cases waiting to be listed
    with pytest.raises(FieldError):  # one decision per listing: this item has one
        decisions.save_draft(cur, people["chair"], _draft(case_id, first))
    assert agenda.close_meeting(cur, people["chair"], m1) == []  # a deferred item does not roll over by itself
    second = _list(cur, people, case_id, m2)
    _attend(cur, people, m2, *CORE)
    agenda.start_meeting(cur, people["chair"], m2, reason="Extra session", today=DAY)
    with pytest.raises(FieldError) as info:  # decided again: the new version says why
        decisions.save_draft(cur, people["chair"], _draft(case_id, second))
    assert "amendment_reason" in info.value.errors
    v2 = decisions.save_draft(cur, people["chair"], _draft(case_id, second, amendment_reason="Re-listed with the MRI"))
    assert (v2.version, v2.predecessor_id, v2.item_id) == (2, v1.decision_id, second)
    v2 = _sign(cur, people, v2)
    assert _item_status(cur, second) == "discussed" and _item_status(cur, first) == "deferred"
    assert decision_reads.get_decision(cur, int(v1.decision_id or 0)).summary == "Whole-spine MRI first"  # history unchanged
    history = decision_reads.decisions_for_case(cur, case_id)
    assert list(history["item_id"]) == [second, first] and list(history["meeting_id"]) == [m2, m1]
    shown = {c.case_id: c.decision for c in minutes.meeting_minutes(cur, m1).cases}
    assert shown[case_id] is not None and shown[case_id].version == 1  # each meeting's minutes: its own decision
    shown = {c.case_id: c.decision for c in minutes.meeting_minutes(cur, m2).cases}
    assert shown[case_id] is not None and shown[case_id].version == 2


def test_item_marks_follow_the_rules(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]) -> None:
    case_id = _refer(cur, people, 9)
    item = _list(cur, people, case_id, week[0])
    with pytest.raises(WorkflowError):  # not before the meeting has started
        agenda.set_item_status(cur, people["chair"], item, AgendaStatus.DEFERRED, reason="Awaiting biopsy")
    agenda.start_meeting(cur, people["chair"], week[0], reason="Quorum by phone", today=DAY)
    with pytest.raises(FieldError) as info:
        agenda.set_item_status(cur, people["chair"], item, AgendaStatus.DEFERRED)
    assert "reason" in info.value.errors
    with pytest.raises(WorkflowError):  # discussed is what signing its decision marks
        agenda.set_item_status(cur, people["chair"], item, AgendaStatus.DISCUSSED)
    agenda.set_item_status(cur, people["chair"], item, AgendaStatus.DEFERRED, reason="Awaiting biopsy")
    assert _item_status(cur, item) == "deferred"
    agenda.close_meeting(cur, people["chair"], week[0])
    with pytest.raises(WorkflowError):  # a closed meeting's agenda is history
        agenda.set_item_status(cur, people["chair"], item, AgendaStatus.NOT_DISCUSSED)
    with pytest.raises(WorkflowError):  # and it takes no new decision
        decisions.save_draft(cur, people["chair"], _draft(case_id, item))


def test_a_not_reached_items_draft_is_not_signed_after_close(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]
) -> None:
    case_id = _refer(cur, people, 10)
    item = _list(cur, people, case_id, week[0])
    _attend(cur, people, week[0], *CORE)
    agenda.start_meeting(cur, people["chair"], week[0], today=DAY)
    d = decisions.save_draft(cur, people["chair"], _draft(case_id, item))
    agenda.close_meeting(cur, people["chair"], week[0])
    assert _item_status(cur, item) == "not_discussed"
    with pytest.raises(WorkflowError, match="without discussing"):
        _sign(cur, people, d)


# -- the minutes and the letter tell what happened ---------------------------------------------------


def test_minutes_list_discussed_deferred_and_not_reached_exactly(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]
) -> None:
    m1, m2 = week
    decided, deferred, missed = (_refer(cur, people, n) for n in (11, 12, 13))
    items = {c: _list(cur, people, c, m1) for c in (decided, deferred, missed)}
    _attend(cur, people, m1, *CORE)
    agenda.start_meeting(cur, people["chair"], m1, today=DAY)
    _sign(cur, people, decisions.save_draft(cur, people["chair"], _draft(decided, items[decided], (FIXATION, REJECTED))))
    agenda.set_item_status(cur, people["chair"], items[deferred], AgendaStatus.DEFERRED, reason="CT staging outstanding")
    relisted = agenda.close_meeting(cur, people["chair"], m1)
    # only the item not reached rolls over
    assert [r[0] for r in cur.execute("SELECT case_id FROM agenda_item WHERE meeting_id = ?", [m2]).fetchall()] == [missed]
    assert len(relisted) == 1
    m = minutes.meeting_minutes(cur, m1)
    groups = {key: [c.case_id for c in group] for key, group in sections(m.cases)}
    assert groups == {"discussed": [decided], "deferred": [deferred], "not_reached": [missed]}
    by_case = {c.case_id: c for c in m.cases}
    assert by_case[decided].decision is not None and by_case[decided].decision.signature is not None
    assert by_case[deferred].deferral_reason == "CT staging outstanding"
    md = to_markdown(m, "en")
    for expected in (
        "- Discussed, with the decision (1)",
        "- Deferred (1)",
        "- Not reached: re-listed at the next meeting (1)",
        "**Reason for deferring**: CT staging outstanding",
        "\\[ORTHO-MIRELS-HIGH\\]",  # codes and the hash stay in the minutes
    ):
        assert expected in md, expected
    assert "No decision recorded" not in md and "Cases discussed" not in md
    assert md.index("## Discussed") < md.index("## Deferred") < md.index("## Not reached")


def test_apologies_are_the_expected_members_not_recorded_present(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]
) -> None:
    _attend(cur, people, week[0], "chair", "member")
    people_row = {a.name: a.present for a in minutes.meeting_minutes(cur, week[0]).attendance}
    assert people_row["Dr Demo Chair (Med Onc)"] and people_row["Dr Demo Member (Ortho)"]
    absent = {name for name, here in people_row.items() if not here}
    assert {"Dr Demo RadOnc", "Dr Demo Radiology", "Dr Demo Spine", "Demo CNS Nurse"} <= absent
    assert "Demo Analyst" not in people_row and "Demo Admin" not in people_row  # not members of the MDT
    md = to_markdown(minutes.meeting_minutes(cur, week[0]), "en")
    assert "**Apologies**: none" not in md and "Dr Demo RadOnc (radiotherapy)" in md


def test_letter_names_the_day_the_meeting_was_held_and_hides_internal_codes(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]
) -> None:
    nxt = week[1]  # dated next week, started (with a reason) today
    case_id = _refer(cur, people, 14)
    item = _list(cur, people, case_id, nxt)
    _attend(cur, people, nxt, *CORE)
    d = decisions.save_draft(cur, people["chair"], _draft(case_id, item, (FIXATION, REJECTED)))
    assert minutes.outcome_letter(cur, case_id).meeting_date is None  # nothing was discussed yet
    assert "has not yet signed a decision" in letter_to_markdown(minutes.outcome_letter(cur, case_id), "en")
    agenda.start_meeting(cur, people["chair"], nxt, reason="Surgeon away next week", today=DAY)
    d = _sign(cur, people, d)
    letter = minutes.outcome_letter(cur, case_id)
    assert letter.meeting_date == DAY
    text = letter_to_markdown(letter, "en")
    assert f"discussed your patient at its meeting held on {DAY.isoformat()}" in text
    assert (DAY + timedelta(days=7)).isoformat() not in text
    assert "Prophylactic fixation of the left femur" in text
    for hidden in ("Single 8 Gy fraction", "ORTHO-MIRELS-HIGH", "RT-PAIN-SHORT", str(d.content_hash), "SHA-256"):
        assert hidden not in text, hidden
    assert "Approved as the MDT decision" in text  # the signature itself stays


def test_minutes_put_emergency_decisions_since_the_last_meeting_on_record(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], week: list[int]
) -> None:
    case_id = _refer(cur, people, 15)
    emergency = PlanItem(kind="emergency", text="MSCC pathway: dexamethasone and MRI now", disposition="free_text")
    _sign(cur, people, decisions.save_draft(cur, people["chair"], _draft(case_id, None, (emergency,), emergency=True)))
    today = minutes.meeting_minutes(cur, week[0])  # the meeting on the day of the emergency decision
    assert [c.case_id for c in today.emergencies] == [case_id]
    assert today.emergencies[0].decision is not None and today.emergencies[0].decision.emergency
    md = to_markdown(today, "en")
    assert "## Emergency decisions outside a meeting since the previous meeting (1)" in md
    assert "**Taken**: Emergency decision outside a meeting" in md
    assert minutes.meeting_minutes(cur, week[1]).emergencies == ()  # already on the earlier meeting's record
