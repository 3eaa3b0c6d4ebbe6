"""The weekly meeting on a real temp store: list → discuss → decide → sign → amend, quorum gate,
defer → re-listed, double submit, concurrent edit, signed decisions immutable."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import duckdb
import pytest

from core.errors import ConflictError, FieldError, ImmutableRecordError, PermissionDeniedError, WorkflowError
from core.meeting_rules import decision_quorum, quorum
from core.models import (
    Actor,
    AgendaStatus,
    Case,
    Decision,
    Delivery,
    Outcome,
    Patient,
    PlanItem,
    Priority,
    QuorumState,
    Specialty,
)
from db import actions, agenda, audit, cases, decision_reads, decision_signing, decisions, users

TODAY = date.today()


@pytest.fixture
def people(cur: duckdb.DuckDBPyConnection) -> dict[str, Actor]:
    users.ensure_demo_users(cur)
    return {u.username: users.actor_by_username(cur, u.username) for u in users.DEMO_USERS}


@pytest.fixture
def case_id(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor]) -> int:
    patient = Patient(mrn="WF-0001", display_name="Workflow Patient", sex="female", birth_date=date(1960, 1, 1))
    case = Case(
        patient_id=0,
        referral_date=TODAY - timedelta(days=10),
        referrer="Dr R",
        referrer_specialty="medical_oncology",
        question="Fixation?",
        primary_tumour="breast",
        stream="standard_of_care",
    )
    return cases.refer(cur, people["coordinator"], patient, case)


@pytest.fixture
def meetings_pair(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor]) -> list[int]:
    return agenda.create_meetings(cur, people["coordinator"], first=TODAY, count=2, location="Room 3")


def _draft(case_id: int, item_id: int | None, plan: tuple[PlanItem, ...], **kw: object) -> Decision:
    if item_id is None:  # outside a meeting: an emergency decision, with nobody's attendance for quorum
        kw.setdefault("emergency", True)
        kw.setdefault("quorum_state", decision_quorum(plan, []).state)
    return Decision(
        case_id=case_id,
        item_id=item_id,
        decided_on=TODAY,
        outcome=Outcome.DECIDED,
        plan=plan,
        summary="Plan agreed",
        contributing=(Specialty.ORTHOPAEDICS, Specialty.RADIOTHERAPY),
        **kw,
    )


FIXATION = PlanItem(
    kind="fixation", text="Prophylactic fixation of the left femur", rule_id="ORTHO-MIRELS-HIGH", disposition="accepted"
)
RT = PlanItem(
    kind="radiotherapy",
    text="20 Gy in 5 fractions",
    rule_id="RT-PAIN-LONG",
    disposition="modified",
    reason="8 Gy x 1 preferred? no: long prognosis",
)


def test_full_cycle_list_discuss_decide_sign_amend(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int, meetings_pair: list[int]
) -> None:
    m1 = meetings_pair[0]
    item = agenda.list_case(cur, people["coordinator"], case_id, m1, urgency=Priority.ROUTINE, has_red_flag=True, ready=True)
    # a standard-of-care case with a red flag is escalated to full discussion
    assert cur.execute("SELECT stream FROM agenda_item WHERE item_id = ?", [item]).fetchone() == ("full",)
    assert cases.get_case(cur, case_id).status == "listed"
    for name in ("chair", "member", "radonc", "radiology"):
        agenda.set_attendance(cur, people["coordinator"], m1, people[name].user_id, people[name].specialty, True)
    agenda.start_meeting(cur, people["chair"], m1, today=TODAY)
    agenda.set_item_status(cur, people["chair"], item, AgendaStatus.NOT_DISCUSSED, discussion_seconds=185)
    with pytest.raises(WorkflowError):  # discussed is what signing its decision marks
        agenda.set_item_status(cur, people["chair"], item, AgendaStatus.DISCUSSED)
    draft = decisions.save_draft(cur, people["member"], _draft(case_id, item, (FIXATION, RT)))
    assert draft.status == "draft" and draft.version == 1 and len(draft.plan) == 2
    signed = decision_signing.sign(
        cur, people["chair"], draft.decision_id, password=users.DEMO_PASSWORD, expected_version=draft.row_version
    )
    assert signed.status == "signed" and signed.content_hash and signed.signed_by == people["chair"].user_id
    assert cur.execute("SELECT status, discussion_seconds FROM agenda_item WHERE item_id = ?", [item]).fetchone() == (
        "discussed",
        185,
    )
    amended = decisions.amend(cur, people["chair"], signed.decision_id, reason="New MRI: add spinal precautions")
    assert amended.version == 2 and amended.predecessor_id == signed.decision_id and amended.status == "draft"
    v2 = decisions.save_draft(cur, people["chair"], amended.model_copy(update={"summary": "Plan + precautions"}))
    v2 = decision_signing.sign(
        cur, people["chair"], v2.decision_id, password=users.DEMO_PASSWORD, expected_version=v2.row_version
    )
    history = decision_reads.decisions_for_case(cur, case_id)
    assert list(history["version"]) == [2, 1] and set(history["status"]) == {"signed"}
    assert decision_reads.get_decision(cur, signed.decision_id).summary == "Plan agreed"  # v1 still visible, unchanged
    actions = [r[0] for r in cur.execute("SELECT action FROM audit_log WHERE entity = 'decision' ORDER BY seq").fetchall()]
    assert actions == ["create", "sign", "amend", "update", "sign"]
    assert audit.verify_chain(cur).ok


def test_signed_decision_cannot_be_edited_by_any_function(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int
) -> None:
    d = decisions.save_draft(cur, people["chair"], _draft(case_id, None, (FIXATION,)))
    d = decision_signing.sign(cur, people["chair"], d.decision_id, password=users.DEMO_PASSWORD, expected_version=d.row_version)
    with pytest.raises(ImmutableRecordError):
        decisions.save_draft(cur, people["chair"], d.model_copy(update={"summary": "rewritten"}))
    with pytest.raises(ImmutableRecordError):
        decision_signing.sign(cur, people["chair"], d.decision_id, password=users.DEMO_PASSWORD, expected_version=d.row_version)
    for sql in (
        "UPDATE decision SET summary = 'x' WHERE decision_id = ?",
        "DELETE FROM decision WHERE decision_id = ?",
        "UPDATE plan_item SET text = 'x' WHERE decision_id = ?",
        "DELETE FROM plan_item WHERE decision_id = ?",
    ):
        with pytest.raises(duckdb.Error, match="immutable"):
            cur.execute(sql, [d.decision_id])
    assert decision_reads.get_decision(cur, d.decision_id).summary == "Plan agreed"


def test_amendment_needs_a_reason(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int) -> None:
    d = decisions.save_draft(cur, people["chair"], _draft(case_id, None, (FIXATION,)))
    d = decision_signing.sign(cur, people["chair"], d.decision_id, password=users.DEMO_PASSWORD, expected_version=d.row_version)
    n = audit.count(cur)
    with pytest.raises(FieldError) as info:
        decisions.amend(cur, people["chair"], d.decision_id, reason="  ")
    assert "amendment_reason" in info.value.errors
    assert audit.count(cur) == n


def test_only_the_chair_signs_and_with_own_password(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int
) -> None:
    d = decisions.save_draft(cur, people["member"], _draft(case_id, None, (FIXATION,)))
    with pytest.raises(PermissionDeniedError):
        decision_signing.sign(cur, people["member"], d.decision_id, password=users.DEMO_PASSWORD, expected_version=d.row_version)
    with pytest.raises(FieldError) as info:
        decision_signing.sign(cur, people["chair"], d.decision_id, password="not-my-password", expected_version=d.row_version)
    assert "password" in info.value.errors
    assert decision_reads.get_decision(cur, d.decision_id).status == "draft"


def test_quorum_gate_provisional_then_chair_override() -> None:
    present = [Specialty.MEDICAL_ONCOLOGY, Specialty.RADIOLOGY, Specialty.RADIOTHERAPY]
    assert not quorum(present).quorate
    gate = decision_quorum([FIXATION], present)
    assert gate.state == QuorumState.PROVISIONAL and gate.missing == (Specialty.ORTHOPAEDICS,)
    assert (
        decision_quorum([FIXATION], present, chair_override_reason="Surgeon consulted by phone").state
        == QuorumState.CHAIR_OVERRIDE
    )
    assert decision_quorum([FIXATION], [*present, Specialty.SPINE_SURGERY]).state == QuorumState.QUORATE
    assert decision_quorum([RT], [Specialty.ORTHOPAEDICS]).missing == (Specialty.RADIOTHERAPY,)
    emergency = PlanItem(kind="emergency", text="MSCC pathway now", rule_id="EMERG-MSCC", disposition="accepted")
    assert decision_quorum([emergency, FIXATION], []).state == QuorumState.QUORATE


def test_provisional_decision_saved_then_override(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int) -> None:
    gate = decision_quorum([FIXATION], [Specialty.MEDICAL_ONCOLOGY])
    d = decisions.save_draft(cur, people["chair"], _draft(case_id, None, (FIXATION,), quorum_state=gate.state))
    assert d.quorum_state == "provisional"
    with pytest.raises(ValueError):
        d.model_copy(update={"quorum_state": "chair_override"}).model_validate(
            {**d.model_dump(), "quorum_state": "chair_override", "quorum_override_reason": ""}
        )
    d2 = decisions.save_draft(
        cur,
        people["chair"],
        Decision.model_validate(
            {**d.model_dump(), "quorum_state": "chair_override", "quorum_override_reason": "Surgeon agreed by phone"}
        ),
    )
    assert d2.quorum_state == "chair_override" and d2.quorum_override_reason


def test_not_reached_relists_at_next_meeting(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int, meetings_pair: list[int]
) -> None:
    m1, m2 = meetings_pair
    agenda.list_case(cur, people["coordinator"], case_id, m1, urgency=Priority.URGENT, has_red_flag=False, ready=True)
    agenda.start_meeting(cur, people["chair"], m1, reason="Surgeon on call today", today=TODAY)
    new_items = agenda.close_meeting(cur, people["chair"], m1)
    assert len(new_items) == 1
    row = cur.execute("SELECT meeting_id, case_id, urgency, status FROM agenda_item WHERE item_id = ?", [new_items[0]]).fetchone()
    assert row == (m2, case_id, "urgent", "listed")
    with pytest.raises(WorkflowError):
        agenda.list_case(cur, people["coordinator"], case_id, m1, urgency=Priority.ROUTINE, has_red_flag=False, ready=True)


def test_not_ready_needs_override_reason(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int, meetings_pair: list[int]
) -> None:
    n = audit.count(cur)
    with pytest.raises(FieldError) as info:
        agenda.list_case(
            cur, people["coordinator"], case_id, meetings_pair[0], urgency=Priority.ROUTINE, has_red_flag=False, ready=False
        )
    assert "override_reason" in info.value.errors
    assert audit.count(cur) == n
    item = agenda.list_case(
        cur,
        people["coordinator"],
        case_id,
        meetings_pair[0],
        urgency=Priority.ROUTINE,
        has_red_flag=False,
        ready=False,
        override_reason="Imaging booked for tomorrow; urgent question",
    )
    reason = cur.execute("SELECT reason FROM audit_log WHERE entity = 'agenda_item' AND entity_id = ?", [str(item)]).fetchone()
    assert reason == ("Imaging booked for tomorrow; urgent question",)


def test_agenda_orders_by_urgency_soc_last(
    cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], meetings_pair: list[int]
) -> None:
    ids = {}
    for i, (urgency, stream) in enumerate(
        [("routine", "standard_of_care"), ("routine", "full"), ("emergency", "full"), ("urgent", "full")]
    ):
        patient = Patient(mrn=f"ORD-{i:04d}", display_name=f"Order {i}", sex="male", birth_date=date(1950, 1, 1))
        case = Case(
            patient_id=0,
            referral_date=TODAY - timedelta(days=5),
            referrer="r",
            referrer_specialty="radiology",
            question="q",
            primary_tumour="prostate",
            stream=stream,
        )
        cid = cases.refer(cur, people["coordinator"], patient, case)
        ids[urgency + stream] = agenda.list_case(
            cur, people["coordinator"], cid, meetings_pair[0], urgency=Priority(urgency), has_red_flag=False, ready=True
        )
    order = [
        r[0]
        for r in cur.execute(
            "SELECT item_id FROM agenda_item WHERE meeting_id = ? ORDER BY position", [meetings_pair[0]]
        ).fetchall()
    ]
    assert order == [ids["emergencyfull"], ids["urgentfull"], ids["routinefull"], ids["routinestandard_of_care"]]
    # a manual move stays within its urgency group: standard of care cannot pass full discussion
    assert agenda.move_item(cur, people["coordinator"], ids["routinestandard_of_care"], -1) is False
    order = [
        r[0]
        for r in cur.execute(
            "SELECT item_id FROM agenda_item WHERE meeting_id = ? ORDER BY position", [meetings_pair[0]]
        ).fetchall()
    ]
    assert order[3] == ids["routinestandard_of_care"]


def test_double_submit_one_decision(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int) -> None:
    a = decisions.save_draft(cur, people["chair"], _draft(case_id, None, (FIXATION,)), token="tok-1")
    b = decisions.save_draft(cur, people["chair"], _draft(case_id, None, (FIXATION,)), token="tok-1")
    assert a.decision_id == b.decision_id
    assert cur.execute("SELECT count(*) FROM decision").fetchone() == (1,)


def test_concurrent_edit_of_a_draft_is_a_conflict(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int) -> None:
    d = decisions.save_draft(cur, people["chair"], _draft(case_id, None, (FIXATION,)))
    decisions.save_draft(cur, people["member"], d.model_copy(update={"summary": "member's edit"}))
    with pytest.raises(ConflictError):
        decisions.save_draft(cur, people["chair"], d.model_copy(update={"summary": "chair's stale edit"}))
    assert decision_reads.get_decision(cur, d.decision_id).summary == "member's edit"


def test_concurrent_threads_one_winner(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int) -> None:
    d = decisions.save_draft(cur, people["chair"], _draft(case_id, None, (FIXATION,)))
    outcomes: list[str] = []

    def edit(text: str) -> None:
        own = cur.cursor()
        try:
            decisions.save_draft(own, people["member"], d.model_copy(update={"summary": text}))
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=edit, args=(f"edit {i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("saved") == 1 and outcomes.count("conflict") == 3


def test_actions_delivery_follow_ups(cur: duckdb.DuckDBPyConnection, people: dict[str, Actor], case_id: int) -> None:
    from core.models import ActionItem, FollowUpKind

    d = decisions.save_draft(cur, people["chair"], _draft(case_id, None, (FIXATION, RT)))
    d = decision_signing.sign(cur, people["chair"], d.decision_id, password=users.DEMO_PASSWORD, expected_version=d.row_version)
    act = actions.add_action(
        cur,
        people["coordinator"],
        ActionItem(
            case_id=case_id,
            decision_id=d.decision_id,
            plan_item_id=d.plan[0].plan_item_id,
            description="Book theatre",
            owner_user_id=people["member"].user_id,
            specialty="orthopaedics",
            due_date=TODAY + timedelta(days=7),
        ),
    )
    other = people["radonc"]
    with pytest.raises(PermissionDeniedError):
        actions.complete_action(cur, other, act, expected_version=1)
    actions.complete_action(cur, people["member"], act, expected_version=1)
    actions.record_delivery(
        cur, people["coordinator"], Delivery(plan_item_id=d.plan[0].plan_item_id, delivered=True, delivered_on=TODAY)
    )
    actions.record_delivery(
        cur, people["coordinator"], Delivery(plan_item_id=d.plan[1].plan_item_id, delivered=False, reason_not="patient_choice")
    )
    items = decision_reads.plan_items(cur, d.decision_id)
    assert list(items["delivered"]) == [True, False]
    n = actions.schedule_follow_ups(
        cur,
        people["coordinator"],
        d.decision_id,
        [(TODAY + timedelta(days=90), FollowUpKind.CLINICAL_REVIEW), (TODAY + timedelta(days=180), FollowUpKind.CLINICAL_REVIEW)],
    )
    assert n == 2 and len(actions.follow_ups(cur, case_id=case_id)) == 2
