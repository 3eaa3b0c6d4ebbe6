"""The board cache stamp moves with a change to the case's patient or a department policy, and
not with reading or with another patient's referral."""

from __future__ import annotations

from datetime import date

import duckdb

from core.models import SYSTEM_ACTOR, Actor, Case, Patient, Role, Specialty
from db import assessments, audit, cases
from db.board import case_stamp, store_stamp
from db.policies import set_policy


def test_stamp_moves_only_for_this_case(demo_cur: duckdb.DuckDBPyConnection) -> None:
    case_id = 2
    start = case_stamp(demo_cur, case_id)
    member = Actor(user_id=2, username="member", role=Role.MEMBER, specialty=Specialty.MEDICAL_ONCOLOGY)
    audit.record(demo_cur, member, "open_case", "mdt_case", case_id, patient_id=cases.get_case(demo_cur, case_id).patient_id)
    assert case_stamp(demo_cur, case_id) == start
    coordinator = Actor(user_id=3, username="coordinator", role=Role.COORDINATOR)
    cases.refer(
        demo_cur,
        coordinator,
        Patient(mrn="STAMP-001", display_name="x", sex="male", birth_date=date(1950, 1, 1)),
        Case(
            patient_id=0,
            referral_date=date.today(),
            referrer="r",
            referrer_specialty="radiology",
            question="q",
            primary_tumour="breast",
        ),
    )
    assert case_stamp(demo_cur, case_id) == start
    assessments.add(demo_cur, member, case_id, "nrs", 3, date.today())
    moved = case_stamp(demo_cur, case_id)
    assert moved > start
    set_policy(demo_cur, SYSTEM_ACTOR, "lab_window_days", "60")
    assert case_stamp(demo_cur, case_id) > moved


def test_store_stamp_moves_with_any_data_change_but_not_with_reading(demo_cur: duckdb.DuckDBPyConnection) -> None:
    """The case picker's list is cached by the store's stamp: a referral of another patient moves
    it (a new case to pick), opening a case does not."""
    start = store_stamp(demo_cur)
    member = Actor(user_id=2, username="member", role=Role.MEMBER, specialty=Specialty.MEDICAL_ONCOLOGY)
    audit.record(demo_cur, member, "open_case", "mdt_case", 2, patient_id=cases.get_case(demo_cur, 2).patient_id)
    assert store_stamp(demo_cur) == start
    cases.refer(
        demo_cur,
        Actor(user_id=3, username="coordinator", role=Role.COORDINATOR),
        Patient(mrn="STAMP-002", display_name="y", sex="female", birth_date=date(1960, 1, 1)),
        Case(
            patient_id=0,
            referral_date=date.today(),
            referrer="r",
            referrer_specialty="radiology",
            question="q",
            primary_tumour="breast",
        ),
    )
    assert store_stamp(demo_cur) > start
