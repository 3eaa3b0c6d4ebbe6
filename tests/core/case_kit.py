"""Case builders for the core tests: ``make_case``, lesions, labs, treatments, the lecture cases
(as in docs/clinical/lecture-cases.md) and the rule-runner helpers (``run``, ``verdict``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from core.derive import (
    CaseScores,
    derive_scores,
)
from core.models import (
    ANALYTE_UNITS,
    Analyte,
    Case,
    CaseFile,
    LabResult,
    Lesion,
    Patient,
    Treatment,
)
from core.policy import Policy
from core.rules import RULES_BY_ID, Fired, NeedsData, NotFired, RuleContext
from core.rules.base import (
    Outcome,
)

AS_OF = date(2026, 11, 20)


def lab(analyte: str, value: str | int, days_ago: int = 5, unit: str | None = None) -> LabResult:
    unit = unit or ANALYTE_UNITS[Analyte(analyte)][0]
    return LabResult(
        patient_id=1,
        analyte=analyte,
        value=Decimal(str(value)),
        unit=unit,
        taken_on=AS_OF - timedelta(days=days_ago),
    )


def treatment(kind: str, name: str, days_ago: int = 30, **kw: Any) -> Treatment:
    return Treatment(patient_id=1, kind=kind, name=name, start_date=AS_OF - timedelta(days=days_ago), **kw)


def spine(level: str = "T9", lesion_id: int = 12, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "lesion_id": lesion_id,
        "bone": "spine",
        "level": level,
        "lesion_type": "lytic",
    }
    return base | kw


def bone(bone_name: str, lesion_id: int = 30, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"lesion_id": lesion_id, "bone": bone_name, "lesion_type": "lytic"}
    if bone_name in ("femur", "humerus", "tibia", "fibula", "radius", "ulna", "pelvis", "rib"):
        base["side"] = "left"
    return base | kw


def make_case(
    *,
    lesions: tuple[dict[str, Any], ...] | list[dict[str, Any]] = (),
    labs: tuple[LabResult, ...] | list[LabResult] = (),
    treatments: tuple[Treatment, ...] | list[Treatment] = (),
    sex: str = "female",
    birth_date: date = date(1967, 5, 1),
    observed: dict[str, date] | None = None,
    **case: Any,
) -> CaseFile:
    fields: dict[str, Any] = {
        "patient_id": 1,
        "referral_date": AS_OF,
        "referrer": "Dr Li",
        "referrer_specialty": "medical_oncology",
        "question": "Management of bone metastases?",
        "primary_tumour": "breast",
    }
    fields.update(case)
    return CaseFile(
        case=Case(**fields),
        patient=Patient(
            patient_id=1,
            mrn="SYN-0001",
            display_name="Synthetic patient",
            sex=sex,
            birth_date=birth_date,
            synthetic=True,
        ),
        lesions=tuple(Lesion(patient_id=1, **lesion) for lesion in lesions),
        labs=tuple(labs),
        treatments=tuple(treatments),
        as_of=AS_OF,
        observed=observed or {},
    )


def lecture_case_2(**overrides: Any) -> CaseFile:
    """59 F, breast ER+, T9 cord compression: SINS 11, Frankel D, Tomita 4 (LECTURE_CASES 2)."""
    fields: dict[str, Any] = {
        "primary_tumour": "breast",
        "histology": "invasive_ductal",
        "diagnosis_date": date(2021, 10, 1),
        "er": "positive",
        "pr": "positive",
        "her2": "negative",
        "postmenopausal": True,
        "ecog": 2,
        "frankel": "D",
        "frankel_new": True,
        "neuro_assessed": True,
        "neuro_signs": ("limb_weakness", "sensory_level"),
        "nrs": 6,
        "visceral_mets": "nodular",
        "visceral_treatable": True,
        "visceral_removable": True,
        "expected_survival_weeks": 78,
        "fit_for_surgery": True,
        "weight_kg": Decimal("62"),
        "lesions": [
            spine(
                "T9",
                12,
                spinal_pain="mechanical",
                alignment="normal",
                collapse="lt_50_collapse",
                posterolateral="bilateral",
                bilsky="2",
                painful=True,
            )
        ],
        "labs": [
            lab("calcium", "2.45", 18),
            lab("albumin", "38", 18),
            lab("creatinine", "70", 18),
            lab("platelets", "240", 18),
            lab("neutrophils", "4.1", 18),
            lab("hb", "121", 18),
        ],
    }
    fields.update(overrides)
    return make_case(birth_date=date(1967, 5, 1), **fields)


def lecture_case_1(**overrides: Any) -> CaseFile:
    """66 M NSCLC, L2 lytic, NRS 8, creatinine 88 umol/L, 70 kg (LECTURE_CASES 1)."""
    fields: dict[str, Any] = {
        "primary_tumour": "lung_nsclc",
        "histology": "adenocarcinoma",
        "diagnosis_date": date(2026, 6, 1),
        "egfr": "negative",
        "alk": "negative",
        "ecog": 1,
        "nrs": 8,
        "pain_character": "mixed",
        "neuro_assessed": True,
        "frankel": "E",
        "visceral_mets": "none",
        "expected_survival_weeks": 39,
        "fit_for_surgery": True,
        "weight_kg": Decimal("70"),
        "lesions": [
            spine(
                "L2",
                3,
                spinal_pain="mechanical",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="0",
                painful=True,
            ),
            bone("pelvis", 4, segment="ilium"),
            bone("rib", 5),
        ],
        "labs": [
            lab("creatinine", "88", 7),
            lab("calcium", "2.40", 7),
            lab("albumin", "40", 7),
            lab("platelets", "250", 7),
            lab("neutrophils", "5.0", 7),
            lab("hb", "130", 7),
        ],
    }
    fields.update(overrides)
    return make_case(sex="male", birth_date=date(1960, 6, 1), **fields)


def scores_of(cf: CaseFile, policy: Policy | None = None) -> CaseScores:
    return derive_scores(cf, policy or Policy())


def run(rule_id: str, cf: CaseFile, policy: Policy | None = None) -> Outcome:
    """Evaluate one rule over a case (scores derived with the same policy)."""
    policy = policy or Policy()
    ctx = RuleContext(cf=cf, scores=derive_scores(cf, policy), policy=policy)
    return RULES_BY_ID[rule_id].evaluate(ctx)


def verdict(outcome: Outcome) -> str:
    """``fires:<urgency or default>`` / ``needs`` / ``not``."""
    if isinstance(outcome, Fired):
        return f"fires:{outcome.urgency or 'default'}"
    if isinstance(outcome, NeedsData):
        return "needs"
    assert isinstance(outcome, NotFired)
    return "not"


def sins_lesion(total: int, **kw: Any) -> dict[str, Any]:
    """A T5 lesion (semirigid, 1) with mechanical pain (3) and lytic bone (2) plus the rest."""
    rest = {
        6: ("normal", "none", "none"),
        7: ("normal", "none", "unilateral"),
        9: ("normal", "lt_50_collapse", "unilateral"),
        11: ("normal", "lt_50_collapse", "bilateral"),
        12: ("de_novo_deformity", "no_collapse_gt_50_involved", "bilateral"),
        13: ("de_novo_deformity", "lt_50_collapse", "bilateral"),
    }[total]
    return spine(
        "T5",
        kw.pop("lesion_id", 7),
        spinal_pain="mechanical",
        alignment=rest[0],
        collapse=rest[1],
        posterolateral=rest[2],
        **kw,
    )


def mirels_lesion(total: int, **kw: Any) -> dict[str, Any]:
    """Femoral shaft (2), lytic (3), < 1/3 (1) plus pain mild 1 / moderate 2 / functional 3."""
    pain = {7: "mild", 8: "moderate", 9: "functional"}[total]
    return bone(
        "femur",
        kw.pop("lesion_id", 40),
        segment="shaft",
        limb_pain=pain,
        size_fraction="lt_one_third",
        **kw,
    )


GOOD_LABS = [
    lab("calcium", "2.40", 5),
    lab("albumin", "40", 5),
    lab("creatinine", "70", 5),
    lab("platelets", "250", 5),
    lab("neutrophils", "4.0", 5),
    lab("hb", "125", 5),
]


def breast_case(**kw: Any) -> CaseFile:
    """A fit postmenopausal patient with HR+ HER2- breast cancer, one iliac lesion and current normal
    labs: the background the review scenarios change one fact of."""
    fields: dict[str, Any] = {
        "primary_tumour": "breast",
        "histology": "invasive_ductal",
        "er": "positive",
        "pr": "positive",
        "her2": "negative",
        "postmenopausal": True,
        "ecog": 1,
        "neuro_assessed": True,
        "frankel": "E",
        "nrs": 2,
        "visceral_mets": "none",
        "expected_survival_weeks": 80,
        "fit_for_surgery": True,
        "weight_kg": Decimal("60"),
        "lesions": [bone("pelvis", 4, segment="ilium")],
        "labs": list(GOOD_LABS),
        "dental_clearance": True,
    }
    fields.update(kw)
    return make_case(**fields)
