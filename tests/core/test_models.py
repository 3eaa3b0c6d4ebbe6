"""Model validation tables: valid rows and rows that must fail, with the failing field named."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from core.models import (
    ActionItem,
    Analyte,
    Case,
    Decision,
    Delivery,
    LabResult,
    Lesion,
    Patient,
    PlanItem,
    Treatment,
    check_decision_after_referral,
    fold_mrn,
    to_si,
)

TODAY = date(2026, 11, 27)
CTX = {"today": TODAY}

PATIENT = {"mrn": "DEMO-0001", "display_name": "Demo Patient", "sex": "female", "birth_date": date(1967, 3, 1)}
CASE = {
    "patient_id": 1,
    "referral_date": date(2026, 11, 20),
    "referrer": "Dr Demo",
    "referrer_specialty": "medical_oncology",
    "question": "Fixation before radiotherapy?",
    "primary_tumour": "breast",
}
SPINE_LESION = {"patient_id": 1, "bone": "spine", "level": "T9", "lesion_type": "lytic"}


def _errors(exc: ValidationError) -> str:
    return " | ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())


@pytest.mark.parametrize(
    ("model", "data"),
    [
        pytest.param(Patient, PATIENT, id="patient-ok"),
        pytest.param(Patient, {**PATIENT, "display_name": "演示患者 👩‍⚕"[:5]}, id="patient-cjk-name"),
        pytest.param(Case, CASE, id="case-ok"),
        pytest.param(Case, {**CASE, "ecog": 0, "kps": 100, "frankel": "E", "nrs": 10}, id="case-scores-max"),
        pytest.param(Case, {**CASE, "primary_tumour": "prostate", "castration": "resistant"}, id="case-crpc"),
        pytest.param(Lesion, SPINE_LESION, id="lesion-spine"),
        pytest.param(Lesion, {**SPINE_LESION, "level": "Oc"}, id="lesion-occiput"),
        pytest.param(
            Lesion,
            {
                "patient_id": 1,
                "bone": "femur",
                "side": "left",
                "segment": "peritrochanteric",
                "lesion_type": "mixed",
                "size_fraction": "gt_two_thirds",
                "limb_pain": "functional",
            },
            id="lesion-femur-mirels",
        ),
        pytest.param(Lesion, {"patient_id": 1, "bone": "sacrum", "level": "S2", "lesion_type": "blastic"}, id="lesion-sacrum"),
        pytest.param(
            LabResult,
            {"patient_id": 1, "analyte": "calcium", "value": "2.45", "unit": "mmol/L", "taken_on": TODAY},
            id="lab-calcium",
        ),
        pytest.param(
            LabResult,
            {"patient_id": 1, "analyte": "creatinine", "value": "1.2", "unit": "mg/dL", "taken_on": TODAY},
            id="lab-creatinine-mgdl-converted",
        ),
        pytest.param(
            Treatment,
            {"patient_id": 1, "kind": "radiotherapy", "name": "RT L2", "start_date": TODAY, "dose_gy": 30, "fractions": 10},
            id="treatment-rt",
        ),
        pytest.param(
            PlanItem,
            {"text": "8 Gy x 1", "rule_id": "RT-PAIN-SHORT", "disposition": "rejected", "reason": "patient prefers 20/5"},
            id="plan-rejected-with-reason",
        ),
        pytest.param(Delivery, {"plan_item_id": 1, "delivered": False, "reason_not": "patient_choice"}, id="delivery-not"),
    ],
)
def test_valid_rows(model: Any, data: dict[str, Any]) -> None:
    model.model_validate(data, context=CTX)


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        pytest.param(Patient, {**PATIENT, "birth_date": TODAY + timedelta(days=1)}, "birth_date", id="birth-future"),
        pytest.param(Patient, {**PATIENT, "birth_date": date(1890, 1, 1)}, "birth_date", id="birth-implausibly-old"),
        pytest.param(Patient, {**PATIENT, "birth_date": date(2015, 1, 1)}, "birth_date", id="birth-child"),
        pytest.param(Patient, {**PATIENT, "mrn": "ab"}, "mrn", id="mrn-too-short"),
        pytest.param(Patient, {**PATIENT, "mrn": "DEMO 01;--"}, "mrn", id="mrn-malformed"),
        pytest.param(Patient, {**PATIENT, "sex": "x"}, "sex", id="sex-unknown"),
        pytest.param(Patient, {**PATIENT, "display_name": "Eve\u202eil"}, "display_name", id="name-bidi-override"),
        pytest.param(Patient, {**PATIENT, "display_name": "a\u200bb"}, "display_name", id="name-zero-width"),
        pytest.param(Patient, {**PATIENT, "display_name": "a\x07b"}, "display_name", id="name-control"),
        pytest.param(Patient, {**PATIENT, "display_name": "x" * 201}, "display_name", id="name-too-long"),
        pytest.param(Case, {**CASE, "referral_date": TODAY + timedelta(days=3)}, "referral_date", id="referral-future"),
        pytest.param(Case, {**CASE, "diagnosis_date": date(2026, 11, 21)}, "diagnosis_date", id="diagnosis-after-referral"),
        pytest.param(Case, {**CASE, "ecog": 6}, "ecog", id="ecog-out-of-range"),
        pytest.param(Case, {**CASE, "kps": 75}, "kps", id="kps-not-multiple-of-10"),
        pytest.param(Case, {**CASE, "nrs": 11}, "nrs", id="nrs-out-of-range"),
        pytest.param(Case, {**CASE, "frankel": "F"}, "frankel", id="frankel-unknown"),
        pytest.param(Case, {**CASE, "primary_tumour": "spleen"}, "primary_tumour", id="primary-unknown"),
        pytest.param(Case, {**CASE, "castration": "resistant"}, "castration", id="castration-not-prostate"),
        pytest.param(Case, {**CASE, "question": "q" * 4001}, "question", id="question-too-long"),
        pytest.param(Case, {**CASE, "question": "   "}, "question", id="question-blank"),
        pytest.param(Lesion, {**SPINE_LESION, "level": "T13"}, "level", id="level-T13"),
        pytest.param(Lesion, {**SPINE_LESION, "level": "Co1"}, "level", id="level-coccyx"),
        pytest.param(Lesion, {**SPINE_LESION, "level": None}, "level", id="spine-without-level"),
        pytest.param(
            Lesion, {"patient_id": 1, "bone": "femur", "level": "L2", "lesion_type": "lytic"}, "level", id="level-on-femur"
        ),
        pytest.param(Lesion, {**SPINE_LESION, "size_fraction": "gt_two_thirds"}, "Mirels", id="mirels-on-spine"),
        pytest.param(
            Lesion,
            {"patient_id": 1, "bone": "femur", "side": "left", "lesion_type": "lytic", "collapse": "lt_50_collapse"},
            "SINS",
            id="sins-on-femur",
        ),
        pytest.param(Lesion, {**SPINE_LESION, "bilsky": "4"}, "bilsky", id="bilsky-unknown"),
        pytest.param(Lesion, {**SPINE_LESION, "collapse": "exactly_50"}, "collapse", id="collapse-50-not-offered"),
        pytest.param(
            Lesion,
            {"patient_id": 1, "bone": "humerus", "segment": "peritrochanteric", "side": "left", "lesion_type": "lytic"},
            "peritrochanteric",
            id="peritrochanteric-humerus",
        ),
        pytest.param(
            LabResult,
            {"patient_id": 1, "analyte": "calcium", "value": "12", "unit": "mmol/L", "taken_on": TODAY},
            "calcium",
            id="calcium-mgdl-in-mmol",
        ),
        pytest.param(
            LabResult,
            {"patient_id": 1, "analyte": "albumin", "value": "3.5", "unit": "g/L", "taken_on": TODAY},
            "albumin",
            id="albumin-gdl-as-gl",
        ),
        pytest.param(
            LabResult,
            {"patient_id": 1, "analyte": "calcium", "value": "2.4", "unit": "mg/L", "taken_on": TODAY},
            "unit",
            id="unit-unknown",
        ),
        pytest.param(
            LabResult,
            {"patient_id": 1, "analyte": "sodium", "value": "140", "unit": "mmol/L", "taken_on": TODAY},
            "analyte",
            id="analyte-unknown",
        ),
        pytest.param(
            LabResult,
            {"patient_id": 1, "analyte": "calcium", "value": "2.4", "unit": "mmol/L", "taken_on": TODAY + timedelta(days=1)},
            "taken_on",
            id="lab-future",
        ),
        pytest.param(
            Treatment,
            {"patient_id": 1, "kind": "analgesia", "name": "x", "start_date": TODAY, "dose_gy": 8},
            "radiotherapy",
            id="dose-gy-not-rt",
        ),
        pytest.param(
            Treatment,
            {"patient_id": 1, "kind": "surgery", "name": "x", "start_date": TODAY, "end_date": TODAY - timedelta(days=1)},
            "end_date",
            id="treatment-ends-before-start",
        ),
        pytest.param(
            PlanItem, {"text": "x", "rule_id": "RT-PAIN-SHORT", "disposition": "rejected"}, "reason", id="rejected-without-reason"
        ),
        pytest.param(
            Decision,
            {"case_id": 1, "decided_on": TODAY, "version": 2, "predecessor_id": 1},
            "amendment_reason",
            id="amendment-without-reason",
        ),
        pytest.param(
            Decision,
            {"case_id": 1, "decided_on": TODAY, "quorum_state": "chair_override"},
            "quorum_override_reason",
            id="override-without-reason",
        ),
        pytest.param(
            ActionItem,
            {"case_id": 1, "description": "x", "specialty": "orthopaedics", "due_date": TODAY, "status": "done"},
            "completed_on",
            id="done-without-date",
        ),
        pytest.param(Delivery, {"plan_item_id": 1, "delivered": False}, "reason_not", id="not-delivered-without-reason"),
    ],
)
def test_invalid_rows_name_the_field(model: Any, data: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        model.model_validate(data, context=CTX)
    assert field in _errors(info.value)


def test_value_is_never_echoed_for_text_rules() -> None:
    secret = "SECRET-MRN-123\u202e"
    with pytest.raises(ValidationError) as info:
        Patient.model_validate({**PATIENT, "display_name": secret}, context=CTX)
    assert "SECRET" not in _errors(info.value)


def test_cjk_emoji_rtl_text_is_kept_byte_for_byte() -> None:
    text = "患者知情，希望居家治疗 🙂 مرحبا שלום"
    case = Case.model_validate({**CASE, "patient_wishes": text}, context=CTX)
    assert case.patient_wishes == text


def test_html_is_accepted_as_literal_text() -> None:
    text = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    assert Case.model_validate({**CASE, "comorbidities": text}, context=CTX).comorbidities == text


def test_mrn_is_case_folded() -> None:
    assert fold_mrn(" Demo-0001 ") == fold_mrn("DEMO-0001")


def test_unit_conversion_is_exact() -> None:
    assert to_si(Analyte.CREATININE, Decimal("1.2"), "mg/dL") == Decimal("106.08")
    assert to_si(Analyte.ALBUMIN, Decimal("3.5"), "g/dL") == Decimal("35.0")


def test_decision_not_before_referral() -> None:
    case = Case.model_validate(CASE, context=CTX)
    early = Decision(case_id=1, decided_on=date(2026, 11, 19))
    with pytest.raises(ValueError, match="decided_on"):
        check_decision_after_referral(early, case)
    check_decision_after_referral(Decision(case_id=1, decided_on=date(2026, 11, 20)), case)
