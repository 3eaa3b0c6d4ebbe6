"""A new deficit after the operation: lecture case 2, three weeks after its T9 corpectomy, examined
today with new leg weakness (Frankel D). Findings dated after the operation supersede it (safety rule
3), so the board shows the cord-compression emergency again, in both languages, with the
presentation's Bilsky 2 set aside (it predates the operation). Its own store: the module writes."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from core.models import Actor, Role, Specialty
from db import assessments
from db.board import load_board
from db.connection import connect
from db.demo import lecture_case_id
from db.policies import load_policy
from tests.pages.test_case_board import metrics, open_case


@pytest.fixture(scope="module")
def deteriorated(page_store: str, user_ids: dict[str, int]) -> int:
    con = connect(page_store)
    try:
        case_id = lecture_case_id(con, 2)
        surgeon = Actor(user_id=user_ids["member"], username="member", role=Role.MEMBER, specialty=Specialty.ORTHOPAEDICS)
        assessments.add_many(
            con,
            surgeon,
            case_id,
            {"neuro_assessed": True, "neuro_signs": ["limb_weakness"], "frankel": "D", "frankel_new": True},
            date.today(),
        )
        assert load_board(con, case_id).cf.case.frankel == "D"
    finally:
        con.close()
    return case_id


def banners(at: AppTest) -> list[str]:
    return [e.value.replace("\\", "") for e in at.error]


def test_new_deficit_after_the_operation_is_an_emergency(page_store: str, user_ids: dict[str, int], deteriorated: int) -> None:
    at = open_case(user_ids["chair"], deteriorated)
    assert metrics(at)["Frankel"] == "D"
    shown = banners(at)
    mscc = next(b for b in shown if "spinal cord compression" in b)
    assert "whole-spine MRI within 24 h" in mscc
    assert "RF-MSCC" in mscc
    assert "Bilsky" not in mscc  # the pre-operative imaging is set aside
    dexa = next(b for b in shown if "Dexamethasone" in b)
    con = connect(page_store)
    try:
        policy = load_policy(con)
    finally:
        con.close()
    assert policy.dexamethasone_mscc == "10 mg IV then 4 mg every 6 h"
    assert policy.dexamethasone_mscc in dexa
    assert "same-day surgical and radiotherapy opinion" in dexa
    assert "Why: RF-MSCC: limb weakness; new Frankel D" in dexa
    # the compression level is no longer known (the pre-operative MRI is set aside): the board
    # asks for it, and offers emergency radiotherapy pending the same-day surgical opinion
    assert any("MSCC: record compression level (Bilsky 2–3 on imaging)" in b for b in shown)
    assert any("Emergency radiotherapy as soon as possible" in b and "pending the same-day surgical opinion" in b for b in shown)


def test_new_deficit_after_the_operation_in_chinese(user_ids: dict[str, int], deteriorated: int) -> None:
    at = open_case(user_ids["chair"], deteriorated, lang="zh")
    assert any("疑似转移性脊髓压迫" in b for b in banners(at))
    assert any("地塞米松" in b for b in banners(at))
