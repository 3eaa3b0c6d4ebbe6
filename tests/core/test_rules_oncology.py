"""Medical-oncology rules (docs/clinical/rules.md "Medical oncology")."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from core.models import CaseFile
from core.rules import RULES_BY_ID, Fired
from tests.core.case_kit import (
    bone,
    lab,
    lecture_case_1,
    make_case,
    run,
    spine,
    treatment,
    verdict,
)

RIB = [bone("rib")]


def crcl_case(weight: str, **case: Any) -> CaseFile:
    """68-year-old man, creatinine 176.8 umol/L (2 mg/dL): CrCl = weight / 2 exactly."""
    return make_case(
        sex="male",
        birth_date=date(1958, 1, 1),
        weight_kg=Decimal(weight),
        labs=[lab("creatinine", "176.8")],
        lesions=RIB,
        **case,
    )


CASES: list[tuple[str, str, CaseFile, str]] = [
    # ONC-BMA -- label; ESMO 2020
    ("ONC-BMA", "lecture-case-1", lecture_case_1(), "fires:default"),
    ("ONC-BMA", "myeloma", make_case(primary_tumour="myeloma", lesions=RIB), "fires:default"),
    ("ONC-BMA", "lymphoma", make_case(primary_tumour="lymphoma", lesions=RIB), "not"),
    (
        "ONC-BMA",
        "prostate-sensitive",
        make_case(primary_tumour="prostate", castration="sensitive", sex="male", lesions=RIB),
        "not",
    ),
    (
        "ONC-BMA",
        "prostate-resistant",
        make_case(primary_tumour="prostate", castration="resistant", sex="male", lesions=RIB),
        "fires:default",
    ),
    (
        "ONC-BMA",
        "prostate-unknown",
        make_case(primary_tumour="prostate", sex="male", lesions=RIB),
        "needs",
    ),
    (
        "ONC-BMA",
        "already-on-denosumab",
        make_case(lesions=RIB, treatments=[treatment("bone_modifying_agent", "denosumab", ongoing=True)]),
        "not",
    ),
    ("ONC-BMA", "no-bone-lesion", make_case(), "not"),
    # ONC-BMA-RENAL -- label (CrCl 29.9 / 30)
    ("ONC-BMA-RENAL", "crcl-29.9", crcl_case("59.8"), "fires:default"),
    ("ONC-BMA-RENAL", "crcl-30", crcl_case("60"), "not"),
    ("ONC-BMA-RENAL", "no-creatinine", make_case(lesions=RIB, weight_kg=Decimal(60)), "needs"),
    # ONC-DENTAL -- MASCC/ISOO/ASCO 2019
    ("ONC-DENTAL", "no-clearance", make_case(lesions=RIB), "fires:default"),
    ("ONC-DENTAL", "cleared", make_case(lesions=RIB, dental_clearance=True), "not"),
    ("ONC-DENTAL", "no-bma", make_case(primary_tumour="lymphoma", lesions=RIB), "not"),
    # ONC-HR-BREAST / ONC-HER2 / ONC-CHEMO -- lecture; ESMO
    (
        "ONC-HR-BREAST",
        "er-pos-her2-neg",
        make_case(er="positive", pr="positive", her2="negative"),
        "fires:default",
    ),
    ("ONC-HR-BREAST", "her2-pos", make_case(er="positive", her2="positive"), "not"),
    ("ONC-HR-BREAST", "her2-unknown", make_case(er="positive"), "needs"),
    ("ONC-HR-BREAST", "not-breast", make_case(primary_tumour="kidney"), "not"),
    (
        "ONC-HER2",
        "her2-pos",
        make_case(er="negative", pr="negative", her2="positive"),
        "fires:default",
    ),
    ("ONC-HER2", "her2-neg", make_case(her2="negative"), "not"),
    ("ONC-HER2", "her2-unknown", make_case(), "needs"),
    (
        "ONC-CHEMO",
        "triple-negative",
        make_case(er="negative", pr="negative", her2="negative"),
        "fires:default",
    ),
    ("ONC-CHEMO", "hr-positive", make_case(er="positive", pr="negative", her2="negative"), "not"),
    ("ONC-CHEMO", "sclc", make_case(primary_tumour="lung_sclc"), "fires:default"),
    ("ONC-CHEMO", "ovary", make_case(primary_tumour="ovary"), "fires:default"),
    ("ONC-CHEMO", "breast-unknown", make_case(er="negative"), "needs"),
    # ONC-PROSTATE / ONC-CRPC -- lecture; EMA 2018
    (
        "ONC-PROSTATE",
        "sensitive-spinal",
        make_case(primary_tumour="prostate", castration="sensitive", sex="male", lesions=[spine("T8")]),
        "fires:urgent",
    ),
    (
        "ONC-PROSTATE",
        "sensitive-pelvis",
        make_case(primary_tumour="prostate", castration="sensitive", sex="male", lesions=[bone("pelvis")]),
        "fires:default",
    ),
    (
        "ONC-PROSTATE",
        "resistant",
        make_case(primary_tumour="prostate", castration="resistant", sex="male"),
        "not",
    ),
    (
        "ONC-CRPC",
        "resistant",
        make_case(primary_tumour="prostate", castration="resistant", sex="male"),
        "fires:default",
    ),
    ("ONC-CRPC", "unknown", make_case(primary_tumour="prostate", sex="male"), "needs"),
    # ONC-EGFR -- lecture; FLAURA
    (
        "ONC-EGFR",
        "egfr-pos",
        make_case(primary_tumour="lung_nsclc", egfr="positive"),
        "fires:default",
    ),
    ("ONC-EGFR", "egfr-neg", make_case(primary_tumour="lung_nsclc", egfr="negative"), "not"),
    ("ONC-EGFR", "egfr-unknown", make_case(primary_tumour="lung_nsclc"), "needs"),
    # ONC-RCC -- lecture
    ("ONC-RCC", "kidney", make_case(primary_tumour="kidney"), "fires:default"),
    ("ONC-RCC", "breast", make_case(), "not"),
]


@pytest.mark.parametrize(
    ("rule_id", "cf", "expected"),
    [(rule_id, cf, expected) for rule_id, _, cf, expected in CASES],
    ids=[f"{rule_id}-{name}-{RULES_BY_ID[rule_id].source}" for rule_id, name, _, _ in CASES],
)
def test_oncology_table(rule_id: str, cf: CaseFile, expected: str) -> None:
    assert verdict(run(rule_id, cf)) == expected


def test_onc_bma_carries_the_zoledronic_dose_of_case_1() -> None:
    outcome = run("ONC-BMA", lecture_case_1())
    assert isinstance(outcome, Fired)
    assert outcome.text_en is not None
    assert "zoledronic acid 4.0 mg (CrCl 72.3 mL/min)" in outcome.text_en
    assert outcome.detail["zoledronic_dose"] == "4.0_mg"
    assert outcome.detail["crcl_ml_min"] == "72.3"
    assert "≥ 500 mg calcium" in outcome.text_en


@pytest.mark.parametrize(
    ("weight", "dose_text"),
    [
        ("110", "zoledronic acid 3.5 mg (CrCl 55.0 mL/min)"),
        ("80", "zoledronic acid 3.3 mg (CrCl 40.0 mL/min)"),
        ("60", "zoledronic acid 3.0 mg (CrCl 30.0 mL/min)"),
        ("59.8", "zoledronic acid not recommended (CrCl 29.9 mL/min)"),
    ],
)
def test_onc_bma_dose_by_crcl_band(weight: str, dose_text: str) -> None:
    outcome = run("ONC-BMA", crcl_case(weight))
    assert isinstance(outcome, Fired)
    assert outcome.text_en is not None
    assert dose_text in outcome.text_en


@pytest.mark.parametrize(
    ("calcium", "state"),
    [("2.61", "suppressed"), ("2.60", "advised"), ("2.19", "correct_first")],
)
def test_onc_bma_calcium_vitamin_d(calcium: str, state: str) -> None:
    cf = make_case(lesions=RIB, labs=[lab("calcium", calcium), lab("albumin", "40")])
    outcome = run("ONC-BMA", cf)
    assert isinstance(outcome, Fired)
    assert outcome.detail["calcium_vitamin_d"] == state
