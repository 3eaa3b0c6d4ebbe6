"""Red-flag rules (docs/clinical/rules.md "Red flags"): fires / does not fire / needs data."""

from __future__ import annotations

from typing import Any

import pytest

from core.models import CaseFile
from core.rules import RULES_BY_ID, Fired, NeedsData
from tests.core.case_kit import (
    bone,
    lab,
    lecture_case_2,
    make_case,
    mirels_lesion,
    run,
    sins_lesion,
    spine,
    treatment,
    verdict,
)

NEURO_OK = {"neuro_assessed": True}
ZOL = treatment("bone_modifying_agent", "zoledronic acid", days_ago=60, ongoing=True)


def ca(value: str, **case: Any) -> CaseFile:
    return make_case(labs=[lab("calcium", value), lab("albumin", "40")], **case)


CASES: list[tuple[str, str, CaseFile, str]] = [
    # RF-MSCC -- NICE NG234; docs/clinical/rules.md
    ("RF-MSCC", "lecture-case-2", lecture_case_2(), "fires:default"),
    (
        "RF-MSCC",
        "limb-weakness-no-lesion",
        make_case(neuro_signs=("limb_weakness",)),
        "fires:default",
    ),
    (
        "RF-MSCC",
        "bilsky-3-alone",
        make_case(lesions=[spine("T4", bilsky="3")], **NEURO_OK),
        "fires:default",
    ),
    ("RF-MSCC", "bilsky-1c-not", make_case(lesions=[spine("T4", bilsky="1c")], **NEURO_OK), "not"),
    (
        "RF-MSCC",
        "new-frankel-C",
        make_case(frankel="C", frankel_new=True, **NEURO_OK),
        "fires:default",
    ),
    ("RF-MSCC", "old-frankel-D-not", make_case(frankel="D", frankel_new=False, **NEURO_OK), "not"),
    # Safety rule 1: a Frankel A-D of unrecorded newness counts as new until a clinician says otherwise.
    ("RF-MSCC", "frankel-D-newness-unknown", make_case(frankel="D", **NEURO_OK), "fires:default"),
    (
        "RF-MSCC",
        "radicular-without-spinal-pain",
        make_case(neuro_signs=("radicular_or_band_pain",)),
        "not",
    ),
    (
        "RF-MSCC",
        "radicular-with-spinal-pain",
        make_case(neuro_signs=("radicular_or_band_pain",), spinal_pain_signs=("night_pain",)),
        "fires:default",
    ),
    ("RF-MSCC", "not-assessed", make_case(), "needs"),
    ("RF-MSCC", "assessed-nothing", make_case(**NEURO_OK), "not"),
    # RF-SPINE-PAIN -- NICE CG75
    (
        "RF-SPINE-PAIN",
        "night-pain",
        make_case(spinal_pain_signs=("night_pain",), **NEURO_OK),
        "fires:default",
    ),
    (
        "RF-SPINE-PAIN",
        "with-weakness",
        make_case(spinal_pain_signs=("night_pain",), neuro_signs=("limb_weakness",)),
        "not",
    ),
    ("RF-SPINE-PAIN", "no-signs", make_case(), "not"),
    # RF-UNSTABLE -- Fisher 2010
    ("RF-UNSTABLE", "sins-12", make_case(lesions=[sins_lesion(12)]), "not"),
    ("RF-UNSTABLE", "sins-13", make_case(lesions=[sins_lesion(13)]), "fires:default"),
    ("RF-UNSTABLE", "sins-incomplete", make_case(lesions=[spine("T5")]), "needs"),
    ("RF-UNSTABLE", "no-spine", make_case(), "not"),
    # RF-IMPENDING -- Mirels 1989
    ("RF-IMPENDING", "mirels-8", make_case(lesions=[mirels_lesion(8)]), "not"),
    ("RF-IMPENDING", "mirels-9", make_case(lesions=[mirels_lesion(9)]), "fires:default"),
    ("RF-IMPENDING", "mirels-incomplete", make_case(lesions=[bone("tibia")]), "needs"),
    # RF-FRACTURE -- lecture
    (
        "RF-FRACTURE",
        "unfixed",
        make_case(lesions=[bone("femur", segment="shaft", pathological_fracture=True)]),
        "fires:default",
    ),
    (
        "RF-FRACTURE",
        "fixed",
        make_case(lesions=[bone("femur", segment="shaft", pathological_fracture=True, fracture_fixed=True)]),
        "not",
    ),
    # RF-HYPERCA -- SfE 2016; CTCAE v5.0 (corrected Ca = measured Ca at albumin 40 g/L)
    ("RF-HYPERCA", "ca-2.60", ca("2.60"), "not"),
    ("RF-HYPERCA", "ca-2.61", ca("2.61"), "fires:routine"),
    ("RF-HYPERCA", "ca-2.99", ca("2.99"), "fires:routine"),
    ("RF-HYPERCA", "ca-3.00", ca("3.00"), "fires:urgent"),
    ("RF-HYPERCA", "ca-3.10", ca("3.10"), "fires:urgent"),
    ("RF-HYPERCA", "ca-3.11", ca("3.11"), "fires:emergency"),
    ("RF-HYPERCA", "ca-3.50", ca("3.50"), "fires:emergency"),
    ("RF-HYPERCA", "ca-3.51", ca("3.51"), "fires:emergency"),
    (
        "RF-HYPERCA",
        "ca-2.70-symptomatic",
        ca("2.70", calcium_symptoms=("vomiting",)),
        "fires:emergency",
    ),
    (
        "RF-HYPERCA",
        "symptoms-no-calcium",
        make_case(calcium_symptoms=("confusion_or_drowsiness",)),
        "fires:emergency",
    ),
    ("RF-HYPERCA", "no-calcium", make_case(), "needs"),
    # Hypocalcaemia symptoms do not escalate hypercalcaemia
    ("RF-HYPERCA", "ca-2.70-tetany", ca("2.70", calcium_symptoms=("tetany",)), "fires:routine"),
    ("RF-HYPERCA", "long-qt-no-calcium", make_case(calcium_symptoms=("long_qt",)), "needs"),
    (
        "RF-HYPERCA",
        "ionised-1.25",
        make_case(labs=[lab("ionised_calcium", "1.25"), lab("calcium", "2.70"), lab("albumin", "40")]),
        "not",
    ),
    (
        "RF-HYPERCA",
        "ionised-1.55",
        make_case(labs=[lab("ionised_calcium", "1.55")]),
        "fires:urgent",
    ),
    (
        "RF-HYPERCA",
        "ionised-1.65",
        make_case(labs=[lab("ionised_calcium", "1.65")]),
        "fires:emergency",
    ),
    # RF-HYPOCA -- Xgeva label; SfE
    ("RF-HYPOCA", "ca-1.74", ca("1.74"), "fires:emergency"),
    ("RF-HYPOCA", "ca-1.75", ca("1.75"), "fires:urgent"),
    ("RF-HYPOCA", "ca-1.99", ca("1.99"), "fires:urgent"),
    ("RF-HYPOCA", "ca-2.00", ca("2.00"), "not"),
    ("RF-HYPOCA", "no-calcium", make_case(), "needs"),
    # Symptoms (tetany, seizures, long QT) with a low (< 2.20) or unmeasured calcium: emergency
    ("RF-HYPOCA", "ca-1.90-seizures", ca("1.90", calcium_symptoms=("seizures",)), "fires:emergency"),
    ("RF-HYPOCA", "ca-2.10-tetany", ca("2.10", calcium_symptoms=("tetany",)), "fires:emergency"),
    ("RF-HYPOCA", "ca-2.19-long-qt", ca("2.19", calcium_symptoms=("long_qt",)), "fires:emergency"),
    ("RF-HYPOCA", "ca-2.20-tetany", ca("2.20", calcium_symptoms=("tetany",)), "not"),
    ("RF-HYPOCA", "ca-2.10-no-symptoms", ca("2.10"), "not"),
    (
        "RF-HYPOCA",
        "ca-2.10-hypercalcaemia-symptom-only",
        ca("2.10", calcium_symptoms=("vomiting",)),
        "not",
    ),
    (
        "RF-HYPOCA",
        "tetany-no-calcium",
        make_case(calcium_symptoms=("tetany", "long_qt")),
        "fires:emergency",
    ),
    # RF-FEBRILE-NEUTROPENIA -- lecture
    (
        "RF-FEBRILE-NEUTROPENIA",
        "anc-0.4-fever",
        make_case(fever=True, labs=[lab("neutrophils", "0.4", 0)]),
        "fires:default",
    ),
    (
        "RF-FEBRILE-NEUTROPENIA",
        "anc-0.5-fever-stable",
        make_case(fever=True, labs=[lab("neutrophils", "0.5", 1)]),
        "fires:emergency",  # safety decision: a single count < 1.0 with fever, no earlier count
    ),
    (
        "RF-FEBRILE-NEUTROPENIA",
        "anc-0.8-falling",
        make_case(fever=True, labs=[lab("neutrophils", "1.6", 10), lab("neutrophils", "0.8", 1)]),
        "fires:default",
    ),
    (
        "RF-FEBRILE-NEUTROPENIA",
        "anc-0.8-rising",
        make_case(fever=True, labs=[lab("neutrophils", "0.6", 10), lab("neutrophils", "0.8", 1)]),
        "not",
    ),
    ("RF-FEBRILE-NEUTROPENIA", "no-fever", make_case(labs=[lab("neutrophils", "0.3")]), "not"),
    # Safety rule 1: fever with no count within 24 h cannot be excluded (urgent without chemotherapy).
    ("RF-FEBRILE-NEUTROPENIA", "fever-no-count", make_case(fever=True), "fires:urgent"),
    # RF-BLEED -- lecture
    ("RF-BLEED", "plt-19", make_case(labs=[lab("platelets", "19")]), "fires:default"),
    ("RF-BLEED", "plt-20", make_case(labs=[lab("platelets", "20")]), "not"),
    ("RF-BLEED", "active-bleeding", make_case(active_bleeding=True), "fires:default"),
    ("RF-BLEED", "no-platelets", make_case(), "needs"),
    # RF-MARROW -- lecture
    (
        "RF-MARROW",
        "anc-0.9",
        make_case(labs=[lab("neutrophils", "0.9"), lab("platelets", "200"), lab("hb", "120")]),
        "fires:default",
    ),
    (
        "RF-MARROW",
        "plt-49",
        make_case(labs=[lab("neutrophils", "2"), lab("platelets", "49"), lab("hb", "120")]),
        "fires:default",
    ),
    (
        "RF-MARROW",
        "plt-50",
        make_case(labs=[lab("neutrophils", "2"), lab("platelets", "50"), lab("hb", "120")]),
        "not",
    ),
    (
        "RF-MARROW",
        "hb-79",
        make_case(labs=[lab("neutrophils", "2"), lab("platelets", "200"), lab("hb", "79")]),
        "fires:default",
    ),
    (
        "RF-MARROW",
        "hb-80",
        make_case(labs=[lab("neutrophils", "2"), lab("platelets", "200"), lab("hb", "80")]),
        "not",
    ),
    ("RF-MARROW", "plt-19-is-bleed", make_case(labs=[lab("platelets", "19")]), "not"),
    ("RF-MARROW", "no-counts", make_case(), "needs"),
    # RF-BMA-RENAL -- Zometa label
    (
        "RF-BMA-RENAL",
        "normal-baseline-rise-44",
        make_case(treatments=[ZOL], labs=[lab("creatinine", "80", 70), lab("creatinine", "124", 2)]),
        "fires:default",
    ),
    (
        "RF-BMA-RENAL",
        "normal-baseline-rise-43",
        make_case(treatments=[ZOL], labs=[lab("creatinine", "80", 70), lab("creatinine", "123", 2)]),
        "not",
    ),
    (
        "RF-BMA-RENAL",
        "abnormal-baseline-rise-87",
        make_case(treatments=[ZOL], labs=[lab("creatinine", "130", 70), lab("creatinine", "217", 2)]),
        "not",
    ),
    (
        "RF-BMA-RENAL",
        "abnormal-baseline-rise-88",
        make_case(treatments=[ZOL], labs=[lab("creatinine", "130", 70), lab("creatinine", "218", 2)]),
        "fires:default",
    ),
    (
        "RF-BMA-RENAL",
        "no-baseline",
        make_case(treatments=[ZOL], labs=[lab("creatinine", "90", 2)]),
        "needs",
    ),
    ("RF-BMA-RENAL", "not-on-zoledronic", make_case(labs=[lab("creatinine", "300", 2)]), "not"),
    # RF-ONJ-AFF -- MASCC/ISOO/ASCO 2019
    (
        "RF-ONJ-AFF",
        "denosumab-jaw",
        make_case(
            jaw_or_thigh_symptoms=True,
            treatments=[treatment("bone_modifying_agent", "denosumab", ongoing=True)],
        ),
        "fires:default",
    ),
    ("RF-ONJ-AFF", "no-bma", make_case(jaw_or_thigh_symptoms=True), "not"),
    # RF-PAIN -- NHC 2018
    ("RF-PAIN", "nrs-6", make_case(nrs=6), "not"),
    ("RF-PAIN", "nrs-7", make_case(nrs=7), "fires:default"),
    ("RF-PAIN", "nrs-missing", make_case(), "needs"),
]


@pytest.mark.parametrize(
    ("rule_id", "cf", "expected"),
    [(rule_id, cf, expected) for rule_id, _, cf, expected in CASES],
    ids=[f"{rule_id}-{name}-{RULES_BY_ID[rule_id].source}" for rule_id, name, _, _ in CASES],
)
def test_red_flag_table(rule_id: str, cf: CaseFile, expected: str) -> None:
    assert verdict(run(rule_id, cf)) == expected


def test_rf_mscc_reason_names_the_facts() -> None:
    outcome = run("RF-MSCC", lecture_case_2())
    assert isinstance(outcome, Fired)
    assert "limb weakness" in outcome.reason_en
    assert "Bilsky 2 at T9" in outcome.reason_en
    assert "new Frankel D" in outcome.reason_en
    assert "Frankel D" in outcome.reason_zh


def test_rf_hyperca_reason_names_the_corrected_calcium() -> None:
    cf = make_case(labs=[lab("calcium", "3.05"), lab("albumin", "32")])  # 3.05 + 0.16
    outcome = run("RF-HYPERCA", cf)
    assert isinstance(outcome, Fired)
    assert outcome.urgency == "emergency"
    assert "corrected Ca 3.21 mmol/L" in outcome.reason_en


def test_needs_data_names_what_is_missing() -> None:
    outcome = run("RF-UNSTABLE", make_case(lesions=[spine("T5", 9, spinal_pain="mechanical")]))
    assert isinstance(outcome, NeedsData)
    assert "sins.alignment (T5)" in outcome.missing
    marrow = run("RF-MARROW", make_case(labs=[lab("platelets", "200")]))
    assert isinstance(marrow, NeedsData)
    assert marrow.missing == ("neutrophils", "hb")


def test_hypocalcaemia_symptoms_are_named() -> None:
    outcome = run("RF-HYPOCA", ca("2.05", calcium_symptoms=("tetany", "vomiting", "long_qt")))
    assert isinstance(outcome, Fired)
    assert outcome.urgency == "emergency"
    assert outcome.reason_en == "corrected Ca 2.05 mmol/L with symptoms (tetany, long QT)"
    assert "手足搐搦" in outcome.reason_zh
    unmeasured = run("RF-HYPOCA", make_case(calcium_symptoms=("seizures",)))
    assert isinstance(unmeasured, Fired)
    assert "measure now" in unmeasured.reason_en
    normal = run("RF-HYPOCA", ca("2.40", calcium_symptoms=("tetany",)))
    assert "need another explanation" in normal.reason_en  # type: ignore[union-attr]
