"""Markdown of the minutes and the outcome letter: content, both languages, escaping."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from core.minutes import (
    ActionLine,
    Attendee,
    CaseMinute,
    DecisionRecord,
    Letter,
    Minutes,
    PlanLine,
    Signature,
    letter_to_markdown,
    md_escape,
    to_markdown,
)

SIG = Signature(
    name="Dr Demo Chair", at=datetime(2026, 11, 26, 8, 50), meaning="Approved as the MDT decision", content_hash="ab" * 32
)
DECISION = DecisionRecord(
    version=2,
    status="signed",
    outcome="decided",
    decided_on=date(2026, 11, 26),
    quorum_state="chair_override",
    quorum_override_reason="Radiotherapy consulted by phone",
    amendment_reason="New MRI",
    summary="Fix the femur, then radiotherapy",
    dissent="Pain team preferred 8 Gy x 1",
    contributing=("orthopaedics", "radiotherapy"),
    noms={"N": "Bilsky 1a", "M": "SINS 9"},
    plan=(
        PlanLine(
            0,
            "ORTHO-MIRELS-HIGH",
            "fixation",
            "Prophylactic nail, left femur",
            "accepted",
            delivered=True,
            delivered_on=date(2026, 11, 27),
        ),
        PlanLine(1, "RT-PAIN-SHORT", "radiotherapy", "20 Gy in 5 fractions", "modified", reason="Long prognosis"),
        PlanLine(
            2,
            "ORTHO-CEMENT",
            "fixation",
            "Vertebroplasty",
            "rejected",
            reason="Posterior wall breached",
            delivered=False,
            reason_not="patient_choice",
        ),
        PlanLine(3, None, "analgesia", "Paracetamol by the clock", "free_text"),
    ),
    signature=SIG,
)
ACTION = ActionLine(
    description="List for surgery",
    specialty="orthopaedics",
    owner="Dr Demo Member",
    due_date=date(2026, 11, 20),
    status="open",
    overdue=True,
)
CASE = CaseMinute(
    case_id=7,
    patient="Li Lei / 李雷",
    mrn="DEMO-7",
    primary_tumour="breast",
    question="Fixation?",
    urgency="urgent",
    stream="full",
    agenda_status="discussed",
    decision=DECISION,
    actions=(ACTION,),
)
MINUTES = Minutes(
    meeting_id=3,
    meeting_date=date(2026, 11, 26),
    start_time="08:00",
    location="Room 3",
    status="closed",
    chair="Dr Demo Chair",
    attendance_grade=3,
    attendance=(Attendee("Dr Demo Chair", "medical_oncology", True), Attendee("Dr Demo Nurse", "nursing", False)),
    cases=(
        CASE,
        CaseMinute(
            case_id=8,
            patient="Han Meimei",
            mrn="DEMO-8",
            primary_tumour="prostate",
            question="RT?",
            urgency="routine",
            stream="standard_of_care",
            agenda_status="not_discussed",
        ),
    ),
    generated_at=datetime(2026, 11, 27, 9, 0),
)


def test_minutes_markdown_english_lists_everything() -> None:
    md = to_markdown(MINUTES, "en")
    assert md.startswith("# Bone-metastasis MDT — minutes of 2026-11-26")
    for expected in (
        "Dr Demo Chair (medical oncology)",
        "**Apologies**: Dr Demo Nurse (specialist nursing)",  # attendance
        "Li Lei / 李雷 (DEMO-7)",
        "**Outcome**: decided",
        "**Quorum**: chair override",
        "Radiotherapy consulted by phone",
        "**Amendment reason**: New MRI",
        "**Dissent**: Pain team preferred 8 Gy x 1",
        "NOMS N",
        "| 1 | Prophylactic nail, left femur | fixation / stabilisation · accepted \\[ORTHO-MIRELS-HIGH\\]",
        "delivered on 2026-11-27",
        "modified",
        "reason: Long prognosis",
        "not delivered: patient choice",
        "analgesia · added by the MDT",
        "Signed by: Dr Demo Chair",
        "Signed at: 2026-11-26 08:50 UTC",
        "Meaning: Approved as the MDT decision",
        "ab" * 32,
        "List for surgery (orthopaedics; Dr Demo Member; due 2026-11-20; open — OVERDUE)",
        "## Discussed, with the decision (1)",
        "## Not reached: re-listed at the next meeting (1)",  # the second case
    ):
        assert expected in md, expected


def test_minutes_markdown_chinese_labels() -> None:
    md = to_markdown(MINUTES, "zh")
    for expected in (
        "骨转移 MDT 会议纪要（2026年11月26日）",
        "出席情况",
        "**结论**: 已决定",
        "主持人特批",
        "采纳",
        "修改后采纳",
        "不采纳",
        "患者选择",
        "签署人: Dr Demo Chair",
        "批准为 MDT 决策",
        "李雷",
        "已逾期",
    ):
        assert expected in md, expected
    assert "accepted" not in md
    assert "free_text" not in md


def test_letter_markdown() -> None:
    letter = Letter(
        case_id=7,
        patient="Li Lei / 李雷",
        mrn="DEMO-7",
        birth_date=date(1960, 5, 1),
        referrer="Dr Ref",
        referrer_specialty="medical_oncology",
        referral_date=date(2026, 11, 1),
        question="Fixation?",
        primary_tumour="breast",
        meeting_date=date(2026, 11, 26),
        attendance=MINUTES.attendance,
        decision=DECISION,
        actions=(ACTION,),
        generated_at=datetime(2026, 11, 27, 9, 0),
    )
    en = letter_to_markdown(letter, "en")
    assert "Dear Dr Ref," in en
    assert "meeting held on 2026-11-26" in en
    assert "born 1960-05-01" in en
    assert "Prophylactic nail, left femur" in en
    assert "ab" * 32 not in en and "ORTHO-MIRELS-HIGH" not in en  # codes and hash stay in the minutes
    assert "List for surgery" in en
    zh = letter_to_markdown(letter, "zh")
    assert "尊敬的 Dr Ref：" in zh
    assert "骨转移 MDT 会诊结果函" in zh
    assert "签署含义: 批准为 MDT 决策" in zh


def test_unsigned_draft_says_so() -> None:
    draft = DecisionRecord(
        version=1, status="draft", outcome="deferred", decided_on=date(2026, 11, 26), quorum_state="provisional"
    )
    md = to_markdown(Minutes(**{**MINUTES.__dict__, "cases": (CaseMinute(**{**CASE.__dict__, "decision": draft}),)}), "en")
    assert "Not signed: this is a draft." in md
    assert "**Quorum**: provisional" in md


@pytest.mark.parametrize(
    ("raw", "forbidden"),
    [
        ("<script>alert(1)</script>", r"(?<!\\)<script"),
        ("![x](http://evil.example/p.png)", r"(?<!\\)!(?<!\\)\["),
        ("# not a heading", r"\n# not"),
        ("a | b", r"(?<!\\)\| b"),
        ("- not a list", r"\n- not a list"),
    ],
    ids=["html", "remote-image", "heading", "table-cell", "list"],
)
def test_stored_text_cannot_change_the_structure(raw: str, forbidden: str) -> None:
    plan = (PlanLine(0, None, "other", raw, "free_text"),)
    case = CaseMinute(
        **{
            **CASE.__dict__,
            "question": raw,
            "patient": raw,
            "decision": DecisionRecord(**{**DECISION.__dict__, "plan": plan, "summary": raw}),
        }
    )
    md = to_markdown(Minutes(**{**MINUTES.__dict__, "cases": (case,)}), "en")
    body = md.split("Agenda items", 1)[1]
    assert not re.search(forbidden, body)
    assert md_escape("中文 emoji 🦴 stays") == "中文 emoji 🦴 stays"
