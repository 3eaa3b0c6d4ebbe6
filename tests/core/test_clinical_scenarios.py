"""Clinical scenarios, part 1: fail safe and one clock (docs/clinical/rules.md safety rules 1 and 2).

Each scenario is a small case built here with the red flags, urgencies, suggestions present and
absent, and banner lines the board must show; every safety rule is tested on both sides. The
other parts: treatment state and advice (``test_clinical_scenarios_treatment.py``), counts,
completeness and the lecture cases (``test_clinical_scenarios_lecture.py``).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.core.case_kit import lab, make_case, spine, treatment
from tests.core.scenario_kit import Scenario, ago, check

NEURO_OK = {"neuro_assessed": True, "frankel": "E"}
DOCETAXEL = treatment("chemotherapy", "docetaxel", days_ago=14, ongoing=True)


def ca(total: str, albumin: str | None = "40", days: int = 1, albumin_days: int | None = None, **case: object):
    labs = [lab("calcium", total, days)]
    if albumin is not None:
        labs.append(lab("albumin", albumin, days if albumin_days is None else albumin_days))
    return make_case(labs=labs, **NEURO_OK, **case)  # type: ignore[arg-type]


CALCIUM: list[Scenario] = [
    # Rule 1: every accepted albumin gives >= 3.40 corrected -> emergency as it stands.
    Scenario("ca-3.80-no-albumin-emergency", ca("3.80", None), fired={"RF-HYPERCA": "emergency", "EMERG-HYPERCA": "emergency"}),
    # Rule 2: the newer total calcium overrides an old ionised one.
    Scenario(
        "old-ionised-new-total-grade-3",
        make_case(
            labs=[lab("ionised_calcium", "1.20", 60), lab("calcium", "3.40", 1), lab("albumin", "40", 1)],
            **NEURO_OK,
        ),
        fired={"RF-HYPERCA": "emergency", "EMERG-HYPERCA": "emergency"},
        highest="emergency",
    ),
    # Decision "Triggers": a normal total calcium without albumin raises nothing.
    Scenario("ca-2.50-no-albumin-nothing", ca("2.50", None), absent=("RF-HYPERCA", "RF-HYPOCA", "EMERG-HYPERCA")),
    Scenario(
        "ca-2.70-no-albumin-cannot-exclude",
        ca("2.70", None),
        fired={"RF-HYPERCA": "urgent"},
        cannot=("RF-HYPERCA",),
        absent=("EMERG-HYPERCA",),
        banner_has=("cannot exclude", "measure albumin today"),
    ),
    # Decision "Grades": fires at the least alarming grade, raised to urgent, banner names the rest.
    Scenario(
        "ca-3.30-no-albumin-grade-raised",
        ca("3.30", None),
        fired={"RF-HYPERCA": "urgent"},
        banner_has=("cannot exclude corrected Ca > 3.10",),
    ),
    Scenario(
        "ca-3.40-no-albumin-urgent-plus-banner",
        ca("3.40", None),
        fired={"RF-HYPERCA": "urgent", "EMERG-HYPERCA": "urgent"},
        banner_has=("cannot exclude",),
    ),
    Scenario("ca-3.60-paired-fresh", ca("3.60", days=2), fired={"RF-HYPERCA": "emergency"}, highest="emergency"),
    # Stale abnormal values: "cannot exclude", naming the value and its age.
    Scenario(
        "ca-3.60-paired-10-days-cannot-exclude",
        ca("3.60", days=10),
        fired={"RF-HYPERCA": "emergency"},
        cannot=("RF-HYPERCA",),
        reason_has={"RF-HYPERCA": "10 days old"},
        absent=("EMERG-HYPERCA",),
    ),
    Scenario("ca-2.80-paired-20-days-routine", ca("2.80", days=20), fired={"RF-HYPERCA": "routine"}),
    Scenario(
        "ca-2.80-paired-40-days-stale",
        ca("2.80", days=40),
        fired={"RF-HYPERCA": "routine"},
        cannot=("RF-HYPERCA",),
        reason_has={"RF-HYPERCA": "40 days old"},
    ),
    # Pairing: within 7 days inclusive.
    Scenario("albumin-7-days-apart-pairs", ca("3.00", days=1, albumin_days=8), fired={"RF-HYPERCA": "urgent"}),
    Scenario("albumin-8-days-apart-does-not-pair", ca("2.50", days=1, albumin_days=9), absent=("RF-HYPERCA",)),
    Scenario(
        "symptoms-no-calcium-cannot-exclude",
        make_case(calcium_symptoms=("confusion_or_drowsiness",), **NEURO_OK),
        fired={"RF-HYPERCA": "emergency"},
        cannot=("RF-HYPERCA",),
        highest="emergency",
    ),
    Scenario(
        "symptoms-normal-calcium-nothing",
        ca("2.40", calcium_symptoms=("vomiting",)),
        absent=("RF-HYPERCA", "EMERG-HYPERCA"),
    ),
    # Units: 12.0 mg/dL is the label's hypercalcaemia of malignancy, not "mild".
    Scenario(
        "ca-12.0-mg-dl-is-hcm",
        make_case(labs=[lab("calcium", "12.0", 1, unit="mg/dL"), lab("albumin", "40", 1)], **NEURO_OK),
        fired={"RF-HYPERCA": "urgent", "EMERG-HYPERCA": "urgent"},
    ),
    Scenario(
        "ca-11.9-mg-dl-is-mild",
        make_case(labs=[lab("calcium", "11.9", 1, unit="mg/dL"), lab("albumin", "40", 1)], **NEURO_OK),
        fired={"RF-HYPERCA": "routine", "EMERG-HYPERCA": "routine"},
    ),
    Scenario(
        "ionised-1.65-emergency",
        make_case(labs=[lab("ionised_calcium", "1.65", 1)], **NEURO_OK),
        fired={"RF-HYPERCA": "emergency"},
    ),
    Scenario(
        "new-normal-ionised-overrides-old-high-total",
        make_case(
            labs=[lab("calcium", "3.60", 10), lab("albumin", "40", 10), lab("ionised_calcium", "1.25", 1)],
            **NEURO_OK,
        ),
        absent=("RF-HYPERCA", "EMERG-HYPERCA"),
    ),
    Scenario(
        "hypo-total-1.50-no-albumin-cannot-exclude",
        ca("1.50", None),
        fired={"RF-HYPOCA": "urgent"},
        cannot=("RF-HYPOCA",),
        banner_has=("cannot exclude corrected Ca < 1.75",),
    ),
    Scenario("hypo-1.70-paired-emergency", ca("1.70"), fired={"RF-HYPOCA": "emergency"}),
    Scenario(
        "hypo-1.90-on-denosumab-urgent",
        ca("1.90", treatments=[treatment("bone_modifying_agent", "denosumab", days_ago=30, ongoing=True)]),
        fired={"RF-HYPOCA": "urgent"},
        reason_has={"RF-HYPOCA": "on denosumab"},
    ),
    Scenario("hypo-2.30-normal-nothing", ca("2.30"), absent=("RF-HYPOCA",)),
]

FEBRILE_NEUTROPENIA: list[Scenario] = [
    Scenario(
        "fever-docetaxel-no-count-emergency",
        make_case(fever=True, treatments=[DOCETAXEL], **NEURO_OK),
        fired={"RF-FEBRILE-NEUTROPENIA": "emergency", "EMERG-MARROW": "emergency"},
        cannot=("RF-FEBRILE-NEUTROPENIA",),
        highest="emergency",
    ),
    Scenario(
        "fever-no-chemo-no-count-urgent",
        make_case(fever=True, **NEURO_OK),
        fired={"RF-FEBRILE-NEUTROPENIA": "urgent"},
        cannot=("RF-FEBRILE-NEUTROPENIA",),
    ),
    Scenario(
        "fever-docetaxel-count-80-days-old-rules-nothing-out",
        make_case(fever=True, treatments=[DOCETAXEL], labs=[lab("neutrophils", "4.0", 80)], **NEURO_OK),
        fired={"RF-FEBRILE-NEUTROPENIA": "emergency"},
        cannot=("RF-FEBRILE-NEUTROPENIA",),
        reason_has={"RF-FEBRILE-NEUTROPENIA": "80 days old"},
    ),
    Scenario(
        "chemo-ended-5-weeks-ago-still-emergency",
        make_case(
            fever=True,
            treatments=[treatment("chemotherapy", "docetaxel", days_ago=60, end_date=ago(35))],
            **NEURO_OK,
        ),
        fired={"RF-FEBRILE-NEUTROPENIA": "emergency"},
        cannot=("RF-FEBRILE-NEUTROPENIA",),
    ),
    Scenario(
        "chemo-ended-8-weeks-ago-urgent",
        make_case(
            fever=True,
            treatments=[treatment("chemotherapy", "docetaxel", days_ago=90, end_date=ago(56))],
            **NEURO_OK,
        ),
        fired={"RF-FEBRILE-NEUTROPENIA": "urgent"},
        cannot=("RF-FEBRILE-NEUTROPENIA",),
    ),
    Scenario(
        "fever-fresh-normal-count-nothing",
        make_case(fever=True, treatments=[DOCETAXEL], labs=[lab("neutrophils", "3.0", 0)], **NEURO_OK),
        absent=("RF-FEBRILE-NEUTROPENIA", "EMERG-MARROW"),
    ),
    Scenario(
        "fever-count-yesterday-counts-as-24h",
        make_case(fever=True, treatments=[DOCETAXEL], labs=[lab("neutrophils", "3.0", 1)], **NEURO_OK),
        absent=("RF-FEBRILE-NEUTROPENIA",),
    ),
    Scenario(
        "fever-count-2-days-old-cannot-exclude",
        make_case(fever=True, treatments=[DOCETAXEL], labs=[lab("neutrophils", "3.0", 2)], **NEURO_OK),
        fired={"RF-FEBRILE-NEUTROPENIA": "emergency"},
        cannot=("RF-FEBRILE-NEUTROPENIA",),
    ),
    Scenario(
        "fever-anc-0.4-confirmed",
        make_case(fever=True, labs=[lab("neutrophils", "0.4", 0)], **NEURO_OK),
        fired={"RF-FEBRILE-NEUTROPENIA": "emergency", "EMERG-MARROW": "emergency"},
    ),
    Scenario(
        "fever-single-anc-0.8-no-earlier-cannot-exclude",
        make_case(fever=True, labs=[lab("neutrophils", "0.8", 0)], **NEURO_OK),
        fired={"RF-FEBRILE-NEUTROPENIA": "emergency"},
        cannot=("RF-FEBRILE-NEUTROPENIA",),
    ),
    Scenario(
        "fever-anc-0.8-falling-confirmed",
        make_case(fever=True, labs=[lab("neutrophils", "1.6", 10), lab("neutrophils", "0.8", 0)], **NEURO_OK),
        fired={"RF-FEBRILE-NEUTROPENIA": "emergency"},
    ),
    Scenario(
        "stale-fever-cannot-exclude",
        make_case(fever=True, observed={"fever": ago(10)}, **NEURO_OK),
        fired={"RF-FEBRILE-NEUTROPENIA": "urgent"},
        cannot=("RF-FEBRILE-NEUTROPENIA",),
        reason_has={"RF-FEBRILE-NEUTROPENIA": "10 days ago"},
    ),
    Scenario(
        "no-fever-low-count-is-marrow-not-fn",
        make_case(labs=[lab("neutrophils", "0.3", 0), lab("platelets", "200", 0), lab("hb", "120", 0)], **NEURO_OK),
        fired={"RF-MARROW": "urgent"},
        absent=("RF-FEBRILE-NEUTROPENIA",),
    ),
]

SPINE_FIT = {"fit_for_surgery": True, "expected_survival_weeks": 52, "labs": [lab("platelets", "200", 1)]}

MSCC: list[Scenario] = [
    Scenario(
        "frankel-d-newness-unrecorded-counts-as-new",
        make_case(frankel="D", neuro_assessed=True),
        fired={"RF-MSCC": "emergency", "EMERG-MSCC": "emergency"},
        banner_has=("Is the Frankel D deficit new?",),
        highest="emergency",
    ),
    Scenario(
        "frankel-d-not-new-nothing",
        make_case(frankel="D", frankel_new=False, neuro_assessed=True),
        absent=("RF-MSCC", "EMERG-MSCC"),
    ),
    Scenario(
        "stale-limb-weakness-cannot-exclude",
        make_case(
            neuro_signs=("limb_weakness",), neuro_assessed=True, observed={"neuro_signs": ago(10), "neuro_assessed": ago(10)}
        ),
        fired={"RF-MSCC": "emergency"},
        cannot=("RF-MSCC",),
        absent=("EMERG-MSCC",),
        reason_has={"RF-MSCC": "10 days ago"},
    ),
    Scenario(
        "fresh-limb-weakness-dexamethasone-now",
        make_case(neuro_signs=("limb_weakness",), neuro_assessed=True, observed={"neuro_signs": ago(2)}),
        fired={"RF-MSCC": "emergency", "EMERG-MSCC": "emergency"},
        reason_has={"EMERG-MSCC": "dexamethasone"},
    ),
    Scenario(
        "bilsky-2-imaging-80-days-old-cannot-exclude",
        make_case(lesions=[spine("T9", 12, bilsky="2", detected_date=ago(80))], **NEURO_OK),
        fired={"RF-MSCC": "emergency"},
        cannot=("RF-MSCC",),
    ),
    Scenario(
        "bilsky-2-imaging-10-days-old-fires",
        make_case(lesions=[spine("T9", 12, bilsky="2", detected_date=ago(10))], **NEURO_OK),
        fired={"RF-MSCC": "emergency"},
    ),
    Scenario(
        "mscc-fit-one-level-decompress",
        make_case(lesions=[spine("T9", 12, bilsky="2")], neuro_signs=("limb_weakness",), neuro_assessed=True, **SPINE_FIT),
        fired={"ORTHO-MSCC-DECOMPRESS": "emergency"},
        absent=("RT-MSCC",),
    ),
    Scenario(
        "mscc-fitness-unknown-rt-pending-opinion",
        make_case(
            lesions=[spine("T9", 12, bilsky="2")],
            neuro_signs=("limb_weakness",),
            neuro_assessed=True,
            expected_survival_weeks=52,
            labs=[lab("platelets", "200", 1)],
        ),
        fired={"RT-MSCC": "emergency"},
        absent=("ORTHO-MSCC-DECOMPRESS",),
        text_has={"RT-MSCC": "pending the same-day surgical opinion"},
        banner_has=("fitness for surgery",),
    ),
    Scenario(
        "mscc-level-unknown-rt-pending-opinion",
        make_case(neuro_signs=("limb_weakness",), neuro_assessed=True, **SPINE_FIT),
        fired={"RT-MSCC": "emergency"},
        absent=("ORTHO-MSCC-DECOMPRESS",),
        banner_has=("compression level",),
    ),
    Scenario(
        "mscc-myeloma-radiotherapy",
        make_case(primary_tumour="myeloma", lesions=[spine("T9", 12, bilsky="2")], **NEURO_OK, **SPINE_FIT),
        fired={"RT-MSCC": "emergency"},
        absent=("ORTHO-MSCC-DECOMPRESS",),
    ),
    Scenario(
        "mscc-two-separate-levels-radiotherapy",
        make_case(lesions=[spine("T4", 10, bilsky="2"), spine("T9", 12, bilsky="3")], **NEURO_OK, **SPINE_FIT),
        fired={"RT-MSCC": "emergency"},
        absent=("ORTHO-MSCC-DECOMPRESS",),
    ),
    Scenario(
        "mscc-contiguous-levels-count-as-one",
        make_case(lesions=[spine("T8", 11, bilsky="2"), spine("T9", 12, bilsky="3")], **NEURO_OK, **SPINE_FIT),
        fired={"ORTHO-MSCC-DECOMPRESS": "emergency"},
        absent=("RT-MSCC",),
    ),
    Scenario(
        "mscc-short-survival-radiotherapy",
        make_case(
            lesions=[spine("T9", 12, bilsky="2")],
            fit_for_surgery=True,
            expected_survival_weeks=8,
            labs=[lab("platelets", "200", 1)],
            **NEURO_OK,
        ),
        fired={"RT-MSCC": "emergency"},
        absent=("ORTHO-MSCC-DECOMPRESS",),
    ),
    Scenario(
        "mscc-paraplegia-over-48h-radiotherapy",
        make_case(
            lesions=[spine("T9", 12, bilsky="2")],
            frankel="A",
            frankel_new=False,
            paraplegia_over_48h=True,
            neuro_assessed=True,
            **SPINE_FIT,
        ),
        fired={"RT-MSCC": "emergency"},
        absent=("ORTHO-MSCC-DECOMPRESS",),
    ),
    Scenario(
        "mscc-unknown-primary-discuss-haematology-first",
        make_case(primary_tumour="unknown_primary", neuro_signs=("limb_weakness",), neuro_assessed=True),
        fired={"EMERG-MSCC": "emergency"},
        text_has={"EMERG-MSCC": "discuss with haematology, then decide on steroids"},
        text_lacks={"EMERG-MSCC": "dexamethasone 10 mg IV then 4 mg every 6 h now"},
    ),
    Scenario(
        "mscc-solitary-lesion-biopsy-at-decompression",
        make_case(
            lesions=[spine("T9", 12, bilsky="2")],
            histology="not_confirmed",
            neuro_signs=("limb_weakness",),
            neuro_assessed=True,
            **SPINE_FIT,
        ),
        present=("ORTHO-BIOPSY",),
        text_has={"ORTHO-BIOPSY": "Biopsy at decompression"},
        text_lacks={"ORTHO-BIOPSY": "before any fixation"},
    ),
    Scenario("no-neurology-no-mscc", make_case(**NEURO_OK), absent=("RF-MSCC", "EMERG-MSCC", "RT-MSCC", "ORTHO-MSCC-DECOMPRESS")),
]

CLOCK: list[Scenario] = [
    Scenario(
        "nrs-8-fresh-is-uncontrolled-pain", make_case(nrs=8, observed={"nrs": ago(3)}, **NEURO_OK), fired={"RF-PAIN": "urgent"}
    ),
    Scenario(
        "nrs-8-stale-is-cannot-exclude-not-step-3",
        make_case(nrs=8, observed={"nrs": ago(10)}, **NEURO_OK),
        fired={"RF-PAIN": "urgent"},
        cannot=("RF-PAIN",),
        absent=("PAIN-STEP3",),
    ),
    Scenario(
        "nrs-3-stale-raises-nothing", make_case(nrs=3, observed={"nrs": ago(10)}, **NEURO_OK), absent=("RF-PAIN", "PAIN-STEP1")
    ),
    Scenario(
        "platelets-15-ten-days-old-cannot-exclude-bleed",
        make_case(labs=[lab("platelets", "15", 10)], **NEURO_OK),
        fired={"RF-BLEED": "emergency"},
        cannot=("RF-BLEED",),
    ),
    Scenario(
        "platelets-15-fresh-bleed", make_case(labs=[lab("platelets", "15", 2)], **NEURO_OK), fired={"RF-BLEED": "emergency"}
    ),
    Scenario(
        "hb-70-forty-days-old-cannot-exclude-marrow",
        make_case(labs=[lab("hb", "70", 40), lab("platelets", "200", 2), lab("neutrophils", "3", 2)], **NEURO_OK),
        fired={"RF-MARROW": "urgent"},
        cannot=("RF-MARROW",),
    ),
    Scenario(
        "hb-120-forty-days-old-needs-data-not-flag",
        make_case(labs=[lab("hb", "120", 40), lab("platelets", "200", 2), lab("neutrophils", "3", 2)], **NEURO_OK),
        absent=("RF-MARROW",),
    ),
    Scenario(
        "creatinine-85-days-old-gives-no-zoledronic-dose",
        make_case(
            labs=[lab("creatinine", "80", 85)],
            weight_kg=Decimal("60"),
            histology="invasive_ductal",
            lesions=[spine("T9", 12)],
            **NEURO_OK,
        ),
        text_lacks={"ONC-BMA": "zoledronic acid 4.0 mg"},
    ),
    Scenario(
        "ecog-3-stale-is-not-a-contraindication",
        make_case(ecog=3, observed={"ecog": ago(40)}, expected_survival_weeks=52, labs=[lab("platelets", "200", 1)], **NEURO_OK),
        absent=("ORTHO-CONTRA",),
    ),
    Scenario(
        "kps-recorded-later-wins-over-ecog",
        make_case(ecog=1, kps=40, observed={"ecog": ago(10), "kps": ago(2)}, **NEURO_OK),
        present=("REHAB-FUNCTION",),
        banner_has=("disagree by more than one step",),
    ),
    Scenario(
        "ecog-kps-within-one-step-no-conflict",
        make_case(ecog=1, kps=70, **NEURO_OK),
        absent=("REHAB-FUNCTION",),
    ),
]


@pytest.mark.parametrize("scenario", CALCIUM, ids=str)
def test_calcium(scenario: Scenario) -> None:
    check(scenario)


@pytest.mark.parametrize("scenario", FEBRILE_NEUTROPENIA, ids=str)
def test_febrile_neutropenia(scenario: Scenario) -> None:
    check(scenario)


@pytest.mark.parametrize("scenario", MSCC, ids=str)
def test_cord_compression(scenario: Scenario) -> None:
    check(scenario)


@pytest.mark.parametrize("scenario", CLOCK, ids=str)
def test_one_clock(scenario: Scenario) -> None:
    check(scenario)


def test_emergency_needs_data_and_questions_reach_the_banner() -> None:
    """Safety rule 1: "needs data" of emergency rules appear in the banner, with the questions."""
    from core.rules import banner_lines, evaluate_rules

    report = evaluate_rules(make_case(lesions=[spine("T9", 12)], frankel="C", neuro_assessed=True))
    kinds = {line.kind for line in report.banner}
    assert "ask" in kinds  # Frankel C of unrecorded newness
    assert "needs_data" in kinds  # e.g. ORTHO-MSCC-DECOMPRESS: fitness for surgery
    zh = banner_lines(report, "zh")
    assert zh and all(any("\u4e00" <= ch <= "\u9fff" for ch in text) for _, text in zh)
    assert [u for u, _ in banner_lines(report)] == sorted(
        (u for u, _ in banner_lines(report)), key=["emergency", "urgent", "routine"].index
    )


def test_cannot_exclude_sets_the_case_urgency() -> None:
    from core.rules import evaluate_rules

    report = evaluate_rules(make_case(fever=True, treatments=[DOCETAXEL], **NEURO_OK))
    assert report.highest_urgency == "emergency"
    assert [h.rule_id for h in report.cannot_exclude] == ["RF-FEBRILE-NEUTROPENIA"]
    hit = report.hit("RF-FEBRILE-NEUTROPENIA")
    assert hit is not None and hit.text_en.startswith("Cannot exclude febrile neutropenia")


def test_freshness_windows_are_policies_and_the_retired_lab_window_still_loads() -> None:
    from core.policy import Policy

    defaults = Policy()
    assert (defaults.lab_score_window_days, defaults.lab_emergency_window_days, defaults.neutrophil_fever_window_days) == (
        28,
        7,
        1,
    )
    assert (defaults.neuro_pain_window_days, defaults.performance_window_days, defaults.symptom_window_days) == (7, 28, 7)
    assert (defaults.survival_fitness_weight_window_days, defaults.lesion_findings_window_days) == (90, 56)
    assert (defaults.calcium_albumin_pair_days, defaults.postop_window_weeks, defaults.long_disease_free_years) == (7, 12, 5)
    # A store still holding the retired 90-day row loads; the new keys round-trip.
    loaded = Policy.from_mapping({"lab_window_days": "90", "lab_score_window_days": "21"})
    assert loaded.lab_score_window_days == 21
    assert Policy.from_mapping(loaded.to_mapping()) == loaded


def test_a_department_window_changes_what_counts() -> None:
    from core.policy import Policy
    from core.rules import evaluate_rules

    cf = make_case(nrs=8, observed={"nrs": ago(10)}, **NEURO_OK)
    assert evaluate_rules(cf).hit("PAIN-STEP3") is None
    wider = evaluate_rules(cf, policy=Policy(neuro_pain_window_days=14))
    assert wider.hit("PAIN-STEP3") is not None
