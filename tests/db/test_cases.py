"""Repository round trips on a real temp store: referral, facts, updates, conflicts, denials."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pytest

from core.errors import ConflictError, FieldError, PermissionDeniedError
from core.models import Actor, Case, ImagingStudy, LabResult, Lesion, Patient, Role, Treatment
from db import audit, cases, clinical

PATIENT = Patient(mrn="TEST-0001", display_name="Test Patient 测试", sex="female", birth_date=date(1967, 3, 1))
CASE = Case(
    patient_id=0,
    referral_date=date(2026, 11, 2),
    referrer="Dr Ref",
    referrer_specialty="medical_oncology",
    question="T9 lesion with weakness: surgery?",
    primary_tumour="breast",
    ecog=1,
    kps=80,
    nrs=6,
)


def _refer(cur: duckdb.DuckDBPyConnection, who: Actor, token: str | None = None) -> int:
    return cases.refer(cur, who, PATIENT, CASE, token=token)


def test_referral_round_trip(cur: duckdb.DuckDBPyConnection, coordinator: Actor) -> None:
    case_id = _refer(cur, coordinator)
    cf = cases.load_case_file(cur, case_id, as_of=date(2026, 11, 27))
    assert cf.patient.display_name == PATIENT.display_name
    assert cf.case.question == CASE.question
    assert cf.case.kps == 80
    assert cf.age == 59
    actions = [r[0] for r in cur.execute("SELECT action FROM audit_log ORDER BY seq").fetchall()]
    # patient, case, and the clinical values given with the referral as dated assessments
    assert actions == ["create", "create", "create"]
    assert cf.observed == {"ecog": CASE.referral_date, "kps": CASE.referral_date, "nrs": CASE.referral_date}
    assert audit.verify_chain(cur).ok


def test_double_submit_makes_one_row(cur: duckdb.DuckDBPyConnection, coordinator: Actor) -> None:
    first = _refer(cur, coordinator, token="form-abc")
    second = _refer(cur, coordinator, token="form-abc")
    assert first == second
    assert cur.execute("SELECT count(*) FROM mdt_case").fetchone() == (1,)


def test_duplicate_mrn_case_folded_rejected(cur: duckdb.DuckDBPyConnection, coordinator: Actor) -> None:
    _refer(cur, coordinator)
    before = audit.count(cur)
    with pytest.raises(FieldError) as info:
        cases.refer(cur, coordinator, PATIENT.model_copy(update={"mrn": "test-0001"}), CASE)
    assert "mrn" in info.value.errors
    assert audit.count(cur) == before
    assert cur.execute("SELECT count(*) FROM patient").fetchone() == (1,)


def test_member_cannot_refer_and_denial_is_audited(cur: duckdb.DuckDBPyConnection, member: Actor) -> None:
    with pytest.raises(PermissionDeniedError):
        _refer(cur, member)
    assert cur.execute("SELECT count(*) FROM patient").fetchone() == (0,)
    row = cur.execute("SELECT action, outcome, actor FROM audit_log").fetchall()
    assert row == [("denied", "denied", member.username)]


def test_stale_form_is_a_conflict(cur: duckdb.DuckDBPyConnection, coordinator: Actor, member: Actor) -> None:
    case_id = _refer(cur, coordinator)
    read_a = cases.get_case(cur, case_id)
    read_b = cases.get_case(cur, case_id)
    cases.update_case(cur, member, read_a, {"comorbidities": "diabetes"})
    with pytest.raises(ConflictError):
        cases.update_case(cur, member, read_b, {"comorbidities": "COPD"})
    assert cases.get_case(cur, case_id).comorbidities == "diabetes"
    row = cur.execute("SELECT before_json, after_json FROM audit_log WHERE action = 'update'").fetchall()
    assert row == [('{"comorbidities": ""}', '{"comorbidities": "diabetes"}')]


def test_clinical_values_are_dated_assessments_not_case_edits(cur: duckdb.DuckDBPyConnection, coordinator: Actor) -> None:
    case_id = _refer(cur, coordinator)
    with pytest.raises(FieldError) as info:
        cases.update_case(cur, coordinator, cases.get_case(cur, case_id), {"ecog": 3})
    assert "ecog" in info.value.errors


def test_member_edits_clinical_but_not_referral(cur: duckdb.DuckDBPyConnection, coordinator: Actor, member: Actor) -> None:
    case_id = _refer(cur, coordinator)
    with pytest.raises(PermissionDeniedError):
        cases.update_case(cur, member, cases.get_case(cur, case_id), {"question": "changed"})
    with pytest.raises(PermissionDeniedError):
        cases.update_case(cur, coordinator, cases.get_case(cur, case_id), {"comorbidities": "x"})
    assert cases.get_case(cur, case_id).question == CASE.question


def test_clinical_facts_round_trip(cur: duckdb.DuckDBPyConnection, coordinator: Actor, member: Actor) -> None:
    case_id = _refer(cur, coordinator)
    pid = cases.get_case(cur, case_id).patient_id
    lesion_id = clinical.add(
        cur,
        member,
        Lesion(
            patient_id=pid,
            bone="spine",
            level="T9",
            lesion_type="lytic",
            spinal_pain="mechanical",
            collapse="lt_50_collapse",
            bilsky="2",
        ),
    )
    clinical.add(
        cur,
        member,
        ImagingStudy(
            patient_id=pid,
            modality="mri",
            study_date=date(2026, 11, 1),
            region="whole spine",
            findings="T9 lytic lesion",
            lesion_ids=(lesion_id,),
        ),
    )
    clinical.add(
        cur,
        member,
        LabResult(patient_id=pid, analyte="creatinine", value=Decimal("1.0"), unit="mg/dL", taken_on=date(2026, 11, 1)),
    )
    clinical.add(
        cur,
        member,
        Treatment(
            patient_id=pid,
            kind="radiotherapy",
            name="RT T9",
            start_date=date(2026, 11, 3),
            dose_gy=Decimal(20),
            fractions=5,
            lesion_id=lesion_id,
        ),
    )
    cf = cases.load_case_file(cur, case_id, as_of=date(2026, 11, 27))
    assert [les.level for les in cf.lesions] == ["T9"]
    assert cf.studies[0].lesion_ids == (lesion_id,)
    assert cf.labs[0].value == Decimal("88.4") and cf.labs[0].unit == "µmol/L"
    assert cf.treatments[0].dose_gy == 20
    lesion = cf.lesions[0]
    updated = clinical.update_lesion(cur, member, lesion, {"bilsky": "3"})
    assert updated.bilsky == "3" and updated.row_version == 2
    with pytest.raises(ConflictError):
        clinical.update_lesion(cur, member, lesion, {"bilsky": "1a"})


def test_imaging_cannot_link_another_patients_lesion(cur: duckdb.DuckDBPyConnection, coordinator: Actor, member: Actor) -> None:
    a = cases.get_case(cur, _refer(cur, coordinator)).patient_id
    b = cases.get_case(cur, cases.refer(cur, coordinator, PATIENT.model_copy(update={"mrn": "TEST-0002"}), CASE)).patient_id
    lesion_b = clinical.add(cur, member, Lesion(patient_id=b, bone="rib", side="left", lesion_type="blastic"))
    n = cur.execute("SELECT count(*) FROM imaging_study").fetchone()
    with pytest.raises(FieldError):
        clinical.add(
            cur,
            member,
            ImagingStudy(patient_id=a, modality="ct", study_date=date(2026, 11, 1), region="chest", lesion_ids=(lesion_b,)),
        )
    assert cur.execute("SELECT count(*) FROM imaging_study").fetchone() == n


def test_analyst_cannot_write_anything(cur: duckdb.DuckDBPyConnection, coordinator: Actor) -> None:
    analyst = Actor(user_id=4, username="analyst-test", role=Role.ANALYST)
    case_id = _refer(cur, coordinator)
    pid = cases.get_case(cur, case_id).patient_id
    with pytest.raises(PermissionDeniedError):
        clinical.add(cur, analyst, Lesion(patient_id=pid, bone="rib", side="left", lesion_type="lytic"))
    assert cur.execute("SELECT count(*) FROM lesion").fetchone() == (0,)
