"""Orthopaedics / spine-surgery rules (docs/clinical/rules.md): fires / does not fire / needs data."""

from __future__ import annotations

from datetime import date

import pytest

from core.models import CaseFile, SurgeonStability
from core.policy import Policy
from core.rules import RULES_BY_ID, Fired, NeedsData, NotFired
from tests.core.case_kit import (
    bone,
    lab,
    lecture_case_2,
    make_case,
    mirels_lesion,
    run,
    sins_lesion,
    spine,
    verdict,
)

CONFIRMED = {"histology": "invasive_ductal", "diagnosis_date": date(2024, 1, 1)}
TWO = [bone("rib", 1), bone("pelvis", 2, segment="ilium")]
PLT_OK = [lab("platelets", "200")]
FRACTURE = bone("femur", 3, segment="shaft", pathological_fracture=True)
# T5 painful compression fracture: 1 + 3 + 2 + 0 + 2 (< 50 % collapse) + 0 = SINS 8.
COMPRESSION = spine(
    "T5",
    8,
    spinal_pain="mechanical",
    alignment="normal",
    collapse="lt_50_collapse",
    posterolateral="none",
    painful=True,
)


def contra(**case: object) -> CaseFile:
    base: dict[str, object] = {"expected_survival_weeks": 52, "ecog": 1, "labs": PLT_OK}
    base.update(case)
    return make_case(**base)  # type: ignore[arg-type]


CASES: list[tuple[str, str, CaseFile, str]] = [
    # ORTHO-BIOPSY -- BOA 2015
    ("ORTHO-BIOPSY", "solitary", make_case(lesions=[bone("rib")], **CONFIRMED), "fires:default"),
    (
        "ORTHO-BIOPSY",
        "histology-not-confirmed",
        make_case(lesions=TWO, histology="not_confirmed", diagnosis_date=date(2025, 1, 1)),
        "fires:default",
    ),
    (
        "ORTHO-BIOPSY",
        "long-disease-free-interval",
        make_case(lesions=[bone("rib", 1)], histology="invasive_ductal", diagnosis_date=date(2020, 1, 1)),
        "fires:default",
    ),
    (
        # Decision "Post-operative rules": confirmed histology and not solitary stops ORTHO-BIOPSY.
        "ORTHO-BIOPSY",
        "long-disease-free-interval-confirmed-multiple",
        make_case(lesions=TWO, histology="invasive_ductal", diagnosis_date=date(2020, 1, 1)),
        "not",
    ),
    ("ORTHO-BIOPSY", "multiple-confirmed-recent", make_case(lesions=TWO, **CONFIRMED), "not"),
    (
        "ORTHO-BIOPSY",
        "histology-unrecorded",
        make_case(lesions=TWO, diagnosis_date=date(2025, 1, 1)),
        "needs",
    ),
    # ORTHO-EMBOLISE -- lecture; BOA 2015
    (
        "ORTHO-EMBOLISE",
        "rcc-with-fracture",
        make_case(primary_tumour="kidney", lesions=[FRACTURE]),
        "fires:default",
    ),
    (
        "ORTHO-EMBOLISE",
        "rcc-no-surgery",
        make_case(primary_tumour="kidney", lesions=TWO, surgery_planned=False),
        "not",
    ),
    ("ORTHO-EMBOLISE", "breast-with-fracture", make_case(lesions=[FRACTURE]), "not"),
    # surgery_planned: planned -> fires; not planned -> not even with an indication; not
    # recorded -> fires on an open surgical indication, otherwise asks for it.
    (
        "ORTHO-EMBOLISE",
        "rcc-metastasectomy-planned",
        make_case(primary_tumour="kidney", lesions=[bone("rib")], surgery_planned=True),
        "fires:default",
    ),
    (
        "ORTHO-EMBOLISE",
        "thyroid-histology-planned",
        make_case(primary_tumour="other", histology="follicular_thyroid", surgery_planned=True),
        "fires:default",
    ),
    (
        "ORTHO-EMBOLISE",
        "rcc-fracture-not-planned",
        make_case(primary_tumour="kidney", lesions=[FRACTURE], surgery_planned=False),
        "not",
    ),
    (
        "ORTHO-EMBOLISE",
        "rcc-plan-unrecorded",
        make_case(primary_tumour="kidney", lesions=TWO),
        "needs",
    ),
    (
        "ORTHO-EMBOLISE",
        "breast-planned",
        make_case(lesions=[FRACTURE], surgery_planned=True),
        "not",
    ),
    # ORTHO-MIRELS-HIGH / ORTHO-MIRELS-8 -- Mirels 1989 (7 / 8 / 9)
    ("ORTHO-MIRELS-HIGH", "mirels-9", make_case(lesions=[mirels_lesion(9)]), "fires:default"),
    ("ORTHO-MIRELS-HIGH", "mirels-8", make_case(lesions=[mirels_lesion(8)]), "not"),
    ("ORTHO-MIRELS-HIGH", "incomplete", make_case(lesions=[bone("humerus")]), "needs"),
    ("ORTHO-MIRELS-8", "mirels-7", make_case(lesions=[mirels_lesion(7)]), "not"),
    ("ORTHO-MIRELS-8", "mirels-8", make_case(lesions=[mirels_lesion(8)]), "fires:default"),
    ("ORTHO-MIRELS-8", "mirels-9", make_case(lesions=[mirels_lesion(9)]), "not"),
    # ORTHO-SINS-CONSULT / ORTHO-SINS-UNSTABLE -- Fisher 2010 (6 / 7 / 12 / 13)
    ("ORTHO-SINS-CONSULT", "sins-6", make_case(lesions=[sins_lesion(6)]), "not"),
    ("ORTHO-SINS-CONSULT", "sins-7", make_case(lesions=[sins_lesion(7)]), "fires:default"),
    ("ORTHO-SINS-CONSULT", "sins-12", make_case(lesions=[sins_lesion(12)]), "fires:default"),
    ("ORTHO-SINS-CONSULT", "sins-13", make_case(lesions=[sins_lesion(13)]), "not"),
    ("ORTHO-SINS-CONSULT", "incomplete", make_case(lesions=[spine("T5")]), "needs"),
    (
        "ORTHO-SINS-CONSULT",
        "surgeon-called-stable",
        make_case(lesions=[sins_lesion(7, surgeon_stability="stable")]),
        "not",
    ),
    (
        "ORTHO-SINS-CONSULT",
        "surgeon-called-unstable",
        make_case(lesions=[sins_lesion(12, surgeon_stability="unstable")]),
        "not",
    ),
    (
        "ORTHO-SINS-CONSULT",
        "one-level-still-open",
        make_case(
            lesions=[
                sins_lesion(7, surgeon_stability="stable"),
                sins_lesion(12, lesion_id=9) | {"level": "T7"},
            ]
        ),
        "fires:default",
    ),
    ("ORTHO-SINS-UNSTABLE", "sins-12", make_case(lesions=[sins_lesion(12)]), "not"),
    ("ORTHO-SINS-UNSTABLE", "sins-13", make_case(lesions=[sins_lesion(13)]), "fires:default"),
    # ORTHO-FRACTURE -- lecture
    (
        "ORTHO-FRACTURE",
        "unfixed-confirmed",
        make_case(lesions=[FRACTURE, bone("rib", 4)], **CONFIRMED),
        "fires:default",
    ),
    ("ORTHO-FRACTURE", "solitary-biopsy-first", make_case(lesions=[FRACTURE], **CONFIRMED), "not"),
    ("ORTHO-FRACTURE", "no-fracture", make_case(lesions=TWO, **CONFIRMED), "not"),
    # ORTHO-CEMENT -- lecture; NOMS (posterior_wall_intact on the lesion)
    (
        "ORTHO-CEMENT",
        "candidate-needs-posterior-wall",
        make_case(lesions=[COMPRESSION | {"bilsky": "1a"}], neuro_assessed=True),
        "needs",
    ),
    (
        "ORTHO-CEMENT",
        "posterior-wall-intact",
        make_case(
            lesions=[COMPRESSION | {"bilsky": "1a", "posterior_wall_intact": True}],
            neuro_assessed=True,
        ),
        "fires:default",
    ),
    (
        "ORTHO-CEMENT",
        "posterior-wall-breached",
        make_case(
            lesions=[COMPRESSION | {"bilsky": "0", "posterior_wall_intact": False}],
            neuro_assessed=True,
        ),
        "not",
    ),
    (
        "ORTHO-CEMENT",
        "intact-neurology-not-assessed",
        make_case(lesions=[COMPRESSION | {"bilsky": "0", "posterior_wall_intact": True}]),
        "needs",
    ),
    (
        "ORTHO-CEMENT",
        "sins-13-as-part-of-stabilisation",
        make_case(
            lesions=[sins_lesion(13, bilsky="1a", posterior_wall_intact=True)],
            neuro_assessed=True,
        ),
        "fires:default",
    ),
    (
        "ORTHO-CEMENT",
        "bilsky-2",
        make_case(lesions=[COMPRESSION | {"bilsky": "2"}], neuro_assessed=True),
        "not",
    ),
    ("ORTHO-CEMENT", "no-collapse", make_case(lesions=[sins_lesion(7, bilsky="0")]), "not"),
    (
        "ORTHO-CEMENT",
        "deficit",
        make_case(lesions=[COMPRESSION | {"bilsky": "0"}], frankel="C"),
        "not",
    ),
    # ORTHO-CONTRA -- lecture; Patchell 2005 (survival thresholds from the policy)
    ("ORTHO-CONTRA", "survival-3-weeks", contra(expected_survival_weeks=3), "fires:default"),
    ("ORTHO-CONTRA", "survival-4-weeks", contra(expected_survival_weeks=4), "not"),
    (
        "ORTHO-CONTRA",
        "mscc-survival-2",
        contra(expected_survival_weeks=12, neuro_signs=("limb_weakness",)),
        "fires:default",
    ),
    (
        "ORTHO-CONTRA",
        "mscc-survival-3",
        contra(expected_survival_weeks=13, neuro_signs=("limb_weakness",)),
        "not",
    ),
    ("ORTHO-CONTRA", "ecog-3", contra(ecog=3), "fires:default"),
    ("ORTHO-CONTRA", "platelets-49", contra(labs=[lab("platelets", "49")]), "fires:default"),
    (
        "ORTHO-CONTRA",
        "established-paraplegia",
        contra(frankel="A", frankel_new=False),
        "fires:default",
    ),
    ("ORTHO-CONTRA", "coagulopathy", contra(coagulopathy=True), "fires:default"),
    ("ORTHO-CONTRA", "infection", contra(infection=True), "fires:default"),
    (
        "ORTHO-CONTRA",
        "paraplegia-over-48h",
        contra(frankel="A", frankel_new=True, paraplegia_over_48h=True),
        "fires:default",
    ),
    (
        "ORTHO-CONTRA",
        "paraplegia-recorded-under-48h",
        contra(frankel="A", frankel_new=False, paraplegia_over_48h=False),
        "not",
    ),
    (
        "ORTHO-CONTRA",
        "new-paraplegia-duration-unknown",
        contra(frankel="B", frankel_new=True),
        "needs",
    ),
    ("ORTHO-CONTRA", "fit", contra(), "not"),
    ("ORTHO-CONTRA", "survival-unknown", contra(expected_survival_weeks=None), "needs"),
    # ORTHO-PROGNOSIS -- Tomita 2001; Tokuhashi 2005
    ("ORTHO-PROGNOSIS", "lecture-case-2", lecture_case_2(), "fires:default"),
    ("ORTHO-PROGNOSIS", "myeloma", make_case(primary_tumour="myeloma", lesions=TWO), "not"),
    ("ORTHO-PROGNOSIS", "nothing-known", make_case(lesions=TWO), "needs"),
]


@pytest.mark.parametrize(
    ("rule_id", "cf", "expected"),
    [(rule_id, cf, expected) for rule_id, _, cf, expected in CASES],
    ids=[f"{rule_id}-{name}-{RULES_BY_ID[rule_id].source}" for rule_id, name, _, _ in CASES],
)
def test_orthopaedics_table(rule_id: str, cf: CaseFile, expected: str) -> None:
    assert verdict(run(rule_id, cf)) == expected


def test_sins_consult_reason_names_the_score_and_level() -> None:
    outcome = run("ORTHO-SINS-CONSULT", lecture_case_2())
    assert isinstance(outcome, Fired)
    assert outcome.reason_en == "SINS 11 at T9 — Indeterminate: potentially unstable (7–12)"
    assert outcome.reason_zh == "T9 SINS 11分——潜在不稳定（7–12分）"


def test_contra_names_each_condition() -> None:
    outcome = run("ORTHO-CONTRA", contra(ecog=3, labs=[lab("platelets", "40")]))
    assert isinstance(outcome, Fired)
    assert "ECOG 3" in outcome.reason_en
    assert "platelets 40" in outcome.reason_en


def test_contra_uses_the_policy_thresholds() -> None:
    cf = contra(expected_survival_weeks=12)
    assert verdict(run("ORTHO-CONTRA", cf)) == "not"
    assert verdict(run("ORTHO-CONTRA", cf, Policy(surgery_min_survival_weeks=13))) == "fires:default"


def test_cement_asks_for_posterior_wall() -> None:
    cf = make_case(lesions=[COMPRESSION | {"bilsky": "1a"}], neuro_assessed=True)
    outcome = run("ORTHO-CEMENT", cf)
    assert isinstance(outcome, NeedsData)
    assert outcome.missing == ("posterior_wall_intact (T5)",)


def test_cement_names_the_level_and_stabilisation_variant() -> None:
    cf = make_case(
        lesions=[COMPRESSION | {"bilsky": "0", "posterior_wall_intact": True}],
        neuro_assessed=True,
    )
    outcome = run("ORTHO-CEMENT", cf)
    assert isinstance(outcome, Fired)
    assert "SINS 8 at T5" in outcome.reason_en
    assert outcome.text_en is None  # the row's own suggestion
    cf13 = make_case(lesions=[sins_lesion(13, bilsky="0", posterior_wall_intact=True)], neuro_assessed=True)
    outcome13 = run("ORTHO-CEMENT", cf13)
    assert isinstance(outcome13, Fired)
    assert outcome13.text_en is not None
    assert "part of surgical stabilisation" in outcome13.text_en
    breached = run(
        "ORTHO-CEMENT",
        make_case(
            lesions=[COMPRESSION | {"bilsky": "0", "posterior_wall_intact": False}],
            neuro_assessed=True,
        ),
    )
    assert "posterior wall not intact at T5" in breached.reason_en  # type: ignore[union-attr]


def test_contra_names_coagulopathy_infection_and_paraplegia() -> None:
    outcome = run(
        "ORTHO-CONTRA",
        contra(coagulopathy=True, infection=True, frankel="A", paraplegia_over_48h=True),
    )
    assert isinstance(outcome, Fired)
    assert "coagulopathy" in outcome.reason_en
    assert "infection" in outcome.reason_en
    assert "paraplegia > 48 h (Frankel A)" in outcome.reason_en
    unknown = run("ORTHO-CONTRA", contra(frankel="B", frankel_new=True))
    assert isinstance(unknown, NeedsData)
    assert unknown.missing == ("paraplegia_over_48h (Frankel B)",)


def test_embolise_names_the_missing_plan_or_the_indication() -> None:
    unknown = run("ORTHO-EMBOLISE", make_case(primary_tumour="kidney", lesions=TWO))
    assert isinstance(unknown, NeedsData)
    assert unknown.missing == ("surgery_planned",)
    indicated = run("ORTHO-EMBOLISE", make_case(primary_tumour="kidney", lesions=[FRACTURE]))
    assert isinstance(indicated, Fired)
    assert "whether surgery is planned is not recorded" in indicated.reason_en
    assert "pathological fracture at left femur shaft" in indicated.reason_en


def test_sins_consult_says_the_opinion_is_recorded() -> None:
    t9 = lecture_case_2().lesions[0].model_copy(update={"surgeon_stability": SurgeonStability.UNSTABLE})
    cf = lecture_case_2()
    outcome = run("ORTHO-SINS-CONSULT", cf.model_copy(update={"lesions": (t9,)}))
    assert isinstance(outcome, NotFired)
    assert outcome.reason_en == (
        "opinion recorded: SINS 11 at T9 — Indeterminate: potentially unstable (7–12): spine surgeon calls it unstable"
    )


def test_prognosis_text_is_context_not_a_recommendation() -> None:
    outcome = run("ORTHO-PROGNOSIS", lecture_case_2())
    assert isinstance(outcome, Fired)
    assert outcome.text_en is not None
    assert outcome.text_en.startswith("Prognosis context")
    assert "Tomita 4" in outcome.reason_en
