"""Clinical scenarios, part 2: treatment state, advice that fits the patient, counts that end,
completeness (docs/clinical/rules.md safety rules 3, 5, 6 and 7). See ``test_clinical_scenarios.py``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.derive import derive_scores
from core.policy import Policy
from tests.core.case_kit import bone, lab, make_case, mirels_lesion, sins_lesion, spine, treatment
from tests.core.scenario_kit import Scenario, ago, check

NEURO_OK = {"neuro_assessed": True, "frankel": "E"}
PLT = [lab("platelets", "200", 1), lab("neutrophils", "4.0", 1), lab("hb", "120", 1)]


def op(name: str, days_ago: int, lesion_ids: tuple[int, ...], procedure: str) -> object:
    return treatment("surgery", name, days_ago=days_ago, lesion_ids=lesion_ids, procedure=procedure)


def rt(days_ago: int, lesion_ids: tuple[int, ...], gy: str = "20", fractions: int = 5) -> object:
    return treatment(
        "radiotherapy", f"{gy} Gy/{fractions}", days_ago=days_ago, lesion_ids=lesion_ids, dose_gy=Decimal(gy), fractions=fractions
    )


FEMUR = bone("femur", 40, segment="shaft", detected_date=ago(60))

TREATMENT_STATE: list[Scenario] = [
    Scenario(
        "mastectomy-is-not-a-bone-operation",
        make_case(lesions=[spine("T9", 12)], treatments=[treatment("surgery", "right mastectomy", days_ago=20)], **NEURO_OK),
        absent=("RT-POSTOP", "REHAB-POSTOP"),
    ),
    Scenario(
        "nephrectomy-is-not-a-bone-operation",
        make_case(
            primary_tumour="kidney",
            lesions=[spine("T6", 12)],
            treatments=[treatment("surgery", "radical nephrectomy", days_ago=20, procedure="non_skeletal")],
            **NEURO_OK,
        ),
        absent=("RT-POSTOP", "REHAB-POSTOP"),
    ),
    Scenario(
        "femur-fixed-30-days-ago-no-rt-yet",
        make_case(lesions=[FEMUR], treatments=[op("femoral nail", 30, (40,), "fixation")], **NEURO_OK),
        present=("RT-POSTOP", "REHAB-POSTOP"),
    ),
    Scenario(
        "femur-fixed-100-days-ago-postop-window-over",
        make_case(lesions=[FEMUR], treatments=[op("femoral nail", 100, (40,), "fixation")], **NEURO_OK),
        absent=("RT-POSTOP", "REHAB-POSTOP"),
    ),
    Scenario(
        "femur-fixed-then-irradiated",
        make_case(lesions=[FEMUR], treatments=[op("femoral nail", 30, (40,), "fixation"), rt(10, (40,))], **NEURO_OK),
        absent=("RT-POSTOP",),
        present=("REHAB-POSTOP",),
    ),
    Scenario(
        "radiotherapy-to-another-lesion-does-not-count",
        make_case(
            lesions=[FEMUR, spine("L2", 41)],
            treatments=[op("femoral nail", 30, (40,), "fixation"), rt(10, (41,))],
            **NEURO_OK,
        ),
        present=("RT-POSTOP",),
    ),
    Scenario(
        "biopsy-is-not-fixation",
        make_case(lesions=[FEMUR], treatments=[op("needle biopsy", 10, (40,), "biopsy")], histology="not_confirmed", **NEURO_OK),
        absent=("RT-POSTOP", "REHAB-POSTOP", "ORTHO-BIOPSY"),
    ),
    Scenario(
        "solitary-lesion-not-biopsied-biopsy-first",
        make_case(lesions=[FEMUR], histology="invasive_ductal", diagnosis_date=date(2025, 1, 1), **NEURO_OK),
        present=("ORTHO-BIOPSY",),
        text_has={"ORTHO-BIOPSY": "before any fixation"},
    ),
    Scenario(
        "confirmed-and-not-solitary-no-biopsy",
        make_case(lesions=[FEMUR, spine("L2", 41)], histology="invasive_ductal", diagnosis_date=date(2025, 1, 1), **NEURO_OK),
        absent=("ORTHO-BIOPSY",),
    ),
    Scenario(
        "solitary-lesion-fixed-no-biopsy-rule",
        make_case(
            lesions=[FEMUR],
            histology="invasive_ductal",
            diagnosis_date=date(2025, 1, 1),
            treatments=[op("femoral nail", 30, (40,), "fixation")],
            **NEURO_OK,
        ),
        absent=("ORTHO-BIOPSY",),
    ),
    Scenario(
        "mirels-9-fixed-after-findings-no-impending-fracture",
        make_case(
            lesions=[mirels_lesion(9, detected_date=ago(60))], treatments=[op("femoral nail", 30, (40,), "fixation")], **NEURO_OK
        ),
        absent=("RF-IMPENDING", "ORTHO-MIRELS-HIGH", "REHAB-WB-RESTRICT"),
    ),
    Scenario(
        "mirels-9-not-fixed-impending-fracture",
        make_case(lesions=[mirels_lesion(9)], **NEURO_OK),
        fired={"RF-IMPENDING": "urgent"},
        present=("ORTHO-MIRELS-HIGH", "REHAB-WB-RESTRICT"),
    ),
    Scenario(
        "sins-13-stabilised-after-findings",
        make_case(
            lesions=[sins_lesion(13, detected_date=ago(40))],
            treatments=[op("T5 fixation", 20, (7,), "stabilisation")],
            **NEURO_OK,
        ),
        absent=("RF-UNSTABLE", "ORTHO-SINS-UNSTABLE", "REHAB-WB-RESTRICT"),
    ),
    Scenario(
        "sins-13-unoperated-unstable",
        make_case(lesions=[sins_lesion(13)], **NEURO_OK),
        fired={"RF-UNSTABLE": "urgent"},
        text_lacks={"REHAB-WB-RESTRICT": "脊柱制动"},
    ),
    Scenario(
        "decompressed-level-judged-on-findings-after-the-operation",
        make_case(
            lesions=[spine("T9", 12, bilsky="2", detected_date=ago(40))],
            treatments=[op("T9 decompression", 24, (12,), "decompression_stabilisation")],
            **NEURO_OK,
        ),
        absent=("RF-MSCC", "EMERG-MSCC", "ORTHO-MSCC-DECOMPRESS", "RT-MSCC"),
    ),
    Scenario(
        "unknown-procedure-does-not-hide-cord-compression",
        make_case(
            lesions=[spine("T9", 12, bilsky="2", detected_date=ago(10))],
            treatments=[treatment("surgery", "spinal operation", days_ago=5, lesion_ids=(12,))],
            **NEURO_OK,
        ),
        fired={"RF-MSCC": "emergency"},
    ),
    Scenario(
        "fracture-fixed-by-a-recorded-operation",
        make_case(
            lesions=[bone("femur", 40, segment="shaft", pathological_fracture=True, detected_date=ago(20))],
            treatments=[op("femoral nail", 18, (40,), "fixation")],
            **NEURO_OK,
        ),
        absent=("RF-FRACTURE", "ORTHO-FRACTURE"),
        present=("RT-POSTOP",),
    ),
    Scenario(
        "fracture-not-fixed",
        make_case(lesions=[bone("femur", 40, segment="shaft", pathological_fracture=True)], **NEURO_OK),
        fired={"RF-FRACTURE": "urgent"},
    ),
    Scenario(
        "deficit-after-the-operation-still-fires",
        make_case(
            lesions=[spine("T9", 12, detected_date=ago(40))],
            treatments=[op("T9 decompression", 24, (12,), "decompression")],
            neuro_signs=("limb_weakness",),
            neuro_assessed=True,
            observed={"neuro_signs": ago(1)},
        ),
        fired={"RF-MSCC": "emergency"},
    ),
    # A painful lesion irradiated already is not offered palliative radiotherapy again: within
    # four weeks of the course nothing (the response takes 2-4 weeks), after that RT-REIRR.
    Scenario(
        "painful-lesion-irradiated-2-weeks-ago",
        make_case(lesions=[spine("T9", 12, painful=True)], treatments=[rt(14, (12,))], expected_survival_weeks=60, **NEURO_OK),
        absent=("RT-PAIN-LONG", "RT-PAIN-SHORT", "PAIN-RT", "RT-REIRR"),
    ),
    Scenario(
        "painful-lesion-irradiated-6-weeks-ago",
        make_case(lesions=[spine("T9", 12, painful=True)], treatments=[rt(42, (12,))], expected_survival_weeks=60, **NEURO_OK),
        present=("RT-REIRR",),
        absent=("RT-PAIN-LONG", "RT-PAIN-SHORT", "PAIN-RT"),
        reason_has={"RT-REIRR": "T9 painful 42 days after RT"},
    ),
    Scenario(
        "painful-lesion-with-prior-rt-date-goes-to-reirradiation",
        make_case(lesions=[spine("T9", 12, painful=True, prior_rt_date=ago(200))], expected_survival_weeks=8, **NEURO_OK),
        present=("RT-REIRR",),
        absent=("RT-PAIN-LONG", "RT-PAIN-SHORT", "PAIN-RT"),
    ),
    Scenario(
        "painful-lesions-one-irradiated-one-not",
        make_case(
            lesions=[spine("T9", 12, painful=True), spine("L3", 13, painful=True)],
            treatments=[rt(10, (12,))],
            expected_survival_weeks=60,
            **NEURO_OK,
        ),
        present=("RT-PAIN-LONG", "PAIN-RT"),
        absent=("RT-REIRR",),
        reason_has={"RT-PAIN-LONG": "painful lesion at L3;", "PAIN-RT": "at L3"},
    ),
    Scenario(
        "one-course-to-two-lesions-counts-for-the-second",
        make_case(
            lesions=[spine("T9", 12, painful=True), spine("T10", 13, painful=True)],
            treatments=[rt(60, (12, 13))],
            expected_survival_weeks=60,
            **NEURO_OK,
        ),
        present=("RT-REIRR",),
        absent=("RT-PAIN-LONG", "PAIN-RT"),
        reason_has={"RT-REIRR": "T10 painful 60 days after RT"},
    ),
    # A systemic suggestion names the line already running (and nothing when none runs).
    Scenario(
        "hormone-positive-breast-on-letrozole",
        make_case(
            er="positive",
            pr="positive",
            her2="negative",
            postmenopausal=True,
            lesions=[spine("T9", 12)],
            treatments=[treatment("endocrine", "Letrozole", days_ago=30, ongoing=True)],
            **NEURO_OK,
        ),
        present=("ONC-HR-BREAST",),
        reason_has={"ONC-HR-BREAST": f"HER2 negative; on Letrozole since {ago(30).isoformat()}"},
    ),
    Scenario(
        "painful-lesion-never-irradiated",
        make_case(lesions=[spine("T9", 12, painful=True)], expected_survival_weeks=60, **NEURO_OK),
        present=("RT-PAIN-LONG", "PAIN-RT"),
        absent=("RT-REIRR",),
    ),
]

CREATININE_450 = lab("creatinine", "450", 2)

ADVICE: list[Scenario] = [
    Scenario(
        "hypercalcaemia-renal-failure-no-zoledronic",
        make_case(labs=[lab("calcium", "3.60", 1), lab("albumin", "40", 1), CREATININE_450], **NEURO_OK),
        fired={"EMERG-HYPERCA": "emergency"},
        text_has={"EMERG-HYPERCA": "denosumab"},
        reason_has={"EMERG-HYPERCA": "≥ 400"},
        text_lacks={"EMERG-HYPERCA": "then zoledronic acid 4 mg over"},
    ),
    Scenario(
        "hypercalcaemia-zoledronic-3-days-ago-no-repeat",
        make_case(
            labs=[lab("calcium", "3.60", 1), lab("albumin", "40", 1), lab("creatinine", "80", 2)],
            treatments=[treatment("bone_modifying_agent", "zoledronic acid", days_ago=3, ongoing=True)],
            **NEURO_OK,
        ),
        text_has={"EMERG-HYPERCA": "no repeat dose before"},
    ),
    Scenario(
        "hypercalcaemia-normal-renal-zoledronic",
        make_case(labs=[lab("calcium", "3.60", 1), lab("albumin", "40", 1), lab("creatinine", "80", 2)], **NEURO_OK),
        text_has={"EMERG-HYPERCA": "then zoledronic acid 4 mg"},
    ),
    Scenario(
        "hypercalcaemia-renal-failure-conflict-with-bone-agent-named",
        make_case(
            histology="invasive_ductal",
            lesions=[spine("T9", 12)],
            weight_kg=Decimal("60"),
            dental_clearance=True,
            labs=[lab("calcium", "3.60", 1), lab("albumin", "40", 1), CREATININE_450],
            **NEURO_OK,
        ),
        present=("EMERG-HYPERCA", "ONC-BMA"),
        conflicts=(("EMERG-HYPERCA", "ONC-BMA"),),
    ),
    Scenario(
        "severe-pain-crcl-under-30-no-morphine",
        make_case(
            nrs=8,
            weight_kg=Decimal("50"),
            birth_date=date(1950, 1, 1),
            labs=[lab("creatinine", "300", 2), *PLT],
            **NEURO_OK,
        ),
        present=("PAIN-STEP3", "PAIN-SAFETY"),
        text_has={"PAIN-STEP3": "oxycodone, hydromorphone or fentanyl, dose-reduced"},
        text_lacks={"PAIN-STEP3": "morphine first line"},
        conflicts=(("PAIN-STEP3", "PAIN-SAFETY"),),
    ),
    Scenario(
        "severe-pain-normal-renal-morphine-default",
        make_case(nrs=8, weight_kg=Decimal("70"), labs=[lab("creatinine", "70", 2), *PLT], **NEURO_OK),
        text_has={"PAIN-STEP3": "morphine first line"},
    ),
    Scenario(
        "ecog-3-limited-by-lesion-not-a-contraindication",
        make_case(ecog=3, ecog_limited_by_lesion=True, expected_survival_weeks=52, labs=PLT, **NEURO_OK),
        absent=("ORTHO-CONTRA",),
    ),
    Scenario(
        "ecog-3-not-limited-by-lesion-contraindication",
        make_case(ecog=3, ecog_limited_by_lesion=False, expected_survival_weeks=52, labs=PLT, **NEURO_OK),
        present=("ORTHO-CONTRA",),
    ),
    Scenario(
        "ecog-3-unrecorded-with-new-deficit-asks",
        make_case(ecog=3, neuro_signs=("limb_weakness",), neuro_assessed=True, expected_survival_weeks=52, labs=PLT),
        absent=("ORTHO-CONTRA",),
        banner_has=("is performance limited by the lesion itself?",),
    ),
    Scenario(
        "ecog-3-unrecorded-without-deficit-contraindication",
        make_case(ecog=3, expected_survival_weeks=52, labs=PLT, **NEURO_OK),
        present=("ORTHO-CONTRA",),
    ),
    Scenario(
        "mscc-with-contraindication-named-as-conflict",
        make_case(
            lesions=[spine("T9", 12, bilsky="2")],
            fit_for_surgery=True,
            expected_survival_weeks=52,
            infection=True,
            labs=PLT,
            **NEURO_OK,
        ),
        present=("ORTHO-MSCC-DECOMPRESS", "ORTHO-CONTRA"),
        conflicts=(("ORTHO-CONTRA", "ORTHO-MSCC-DECOMPRESS"),),
    ),
]


def radium_case(given: int, *, last_days_ago: int = 10, counts: tuple[str, str] = ("2.0", "150"), **case: object):
    injections = [treatment("radionuclide", "radium-223", days_ago=last_days_ago + 28 * (given - 1 - i)) for i in range(given)]
    fields: dict[str, object] = {
        "primary_tumour": "prostate",
        "castration": "resistant",
        "nrs": 5,
        "visceral_mets": "none",
        "lymph_node_max_cm": Decimal("1"),
        "prior_mcrpc_lines": 2,
        "weight_kg": Decimal("80"),
        "lesions": [spine("T9", 12), bone("pelvis", 13, segment="ilium"), bone("rib", 14)],
        "treatments": [treatment("endocrine", "goserelin", days_ago=400, ongoing=True), *injections],
        "labs": [lab("neutrophils", counts[0], 2), lab("platelets", counts[1], 2), lab("hb", "115", 2)],
        **NEURO_OK,
    }
    fields.update(case)
    return make_case(sex="male", birth_date=date(1958, 3, 1), **fields)  # type: ignore[arg-type]


def sbrt_case(**case: object):
    fields: dict[str, object] = {
        "primary_tumour": "kidney",
        "ecog": 1,
        "expected_survival_weeks": 52,
        "visceral_mets": "none",
        "primary_controlled": True,
        "lesions": [sins_lesion(7, bilsky="1b", surgeon_stability="stable")],
        **NEURO_OK,
    }
    fields.update(case)
    return make_case(**fields)  # type: ignore[arg-type]


COUNTS: list[Scenario] = [
    Scenario("radium-eligible-first-injection", radium_case(0), present=("RT-RA223",), reason_has={"RT-RA223": "eligible"}),
    Scenario(
        "radium-course-running-k-of-6",
        radium_case(2),
        present=("RT-RA223",),
        text_has={"RT-RA223": "injection 2 of 6 given; next due"},
    ),
    Scenario("radium-course-complete-not-again", radium_case(6), absent=("RT-RA223",)),
    Scenario("radium-seven-records-not-again", radium_case(7), absent=("RT-RA223",)),
    Scenario(
        "radium-pre-dose-platelets-fail-hold",
        radium_case(3, counts=("2.0", "40")),
        fired={"RT-RA223": "urgent"},
        text_has={"RT-RA223": "Hold the next radium-223 injection"},
    ),
    Scenario(
        "radium-pre-dose-neutrophils-fail-hold",
        radium_case(3, counts=("0.9", "150")),
        text_has={"RT-RA223": "Hold the next"},
    ),
    Scenario(
        "sbrt-breast-with-liver-metastases-not-oligometastatic",
        sbrt_case(primary_tumour="breast", visceral_mets="nodular", visceral_treatable=True, visceral_removable=True),
        absent=("RT-SBRT",),
    ),
    Scenario("sbrt-breast-oligometastatic", sbrt_case(primary_tumour="breast"), present=("RT-SBRT",)),
    Scenario(
        "sbrt-names-only-qualifying-lesions",
        sbrt_case(lesions=[sins_lesion(7, bilsky="1b", surgeon_stability="stable"), mirels_lesion(9)]),
        present=("RT-SBRT",),
        reason_has={"RT-SBRT": "targets: T5"},
    ),
    Scenario(
        "sbrt-reirradiation-names-the-reirradiated-level-only",
        sbrt_case(
            primary_tumour="breast",
            visceral_mets="nodular",
            visceral_treatable=True,
            visceral_removable=True,
            lesions=[
                sins_lesion(7, bilsky="1b", surgeon_stability="stable", prior_rt_dose_gy=Decimal("20"), prior_rt_date=ago(300)),
                bone("rib", 30),
            ],
        ),
        present=("RT-SBRT",),
        reason_has={"RT-SBRT": "targets: T5"},
    ),
]

COMPLETENESS: list[Scenario] = [
    Scenario(
        "survival-5-weeks-no-mscc-decompression",
        make_case(lesions=[spine("T9", 12, bilsky="2")], fit_for_surgery=True, expected_survival_weeks=5, labs=PLT, **NEURO_OK),
        absent=("ORTHO-MSCC-DECOMPRESS",),
        present=("RT-MSCC",),
    ),
    Scenario(
        "survival-3-weeks-surgery-contraindicated",
        make_case(lesions=[mirels_lesion(9)], expected_survival_weeks=3, labs=PLT, **NEURO_OK),
        present=("ORTHO-CONTRA",),
        conflicts=(("ORTHO-CONTRA", "ORTHO-MIRELS-HIGH"),),
    ),
]


@pytest.mark.parametrize("scenario", TREATMENT_STATE, ids=str)
def test_treatment_state(scenario: Scenario) -> None:
    check(scenario)


@pytest.mark.parametrize("scenario", ADVICE, ids=str)
def test_advice_fits_the_patient(scenario: Scenario) -> None:
    check(scenario)


@pytest.mark.parametrize("scenario", COUNTS, ids=str)
def test_counts_that_end(scenario: Scenario) -> None:
    check(scenario)


@pytest.mark.parametrize("scenario", COMPLETENESS, ids=str)
def test_honest_completeness(scenario: Scenario) -> None:
    check(scenario)


def test_katagiri_from_albumin_alone_is_not_complete() -> None:
    cf = make_case(
        primary_tumour="lung_nsclc",
        egfr="negative",
        alk="negative",
        visceral_mets="nodular",
        ecog=1,
        prior_chemotherapy=False,
        lesions=[bone("rib", 1), bone("pelvis", 2, segment="ilium")],
        labs=[lab("albumin", "36")],
    )
    assert derive_scores(cf, Policy()).patient["katagiri_new"].band == "incomplete"


def test_calcium_12_mg_dl_is_banded_as_hypercalcaemia_of_malignancy() -> None:
    cf = make_case(labs=[lab("calcium", "12.0", 1, unit="mg/dL"), lab("albumin", "40", 1)])
    corrected = derive_scores(cf, Policy()).patient["corrected_calcium"]
    assert corrected.total == Decimal("2.99")  # shown to two decimals
    assert corrected.band == "moderate"  # banded on the entered unit's threshold
    assert "banded_on_entered_unit" in corrected.result.flags


def test_a_stopped_line_is_not_named_as_running() -> None:
    from core.rules import evaluate_rules

    cf = make_case(
        er="positive",
        pr="positive",
        her2="negative",
        postmenopausal=True,
        lesions=[spine("T9", 12)],
        treatments=[treatment("endocrine", "Letrozole", days_ago=300, end_date=ago(20))],
        **NEURO_OK,
    )
    hit = evaluate_rules(cf, derive_scores(cf, Policy())).hit("ONC-HR-BREAST")
    assert hit is not None
    assert hit.reason_en == "breast ER positive, PR positive, HER2 negative"
    assert "正在使用" not in hit.reason_zh
