"""Radiotherapy rules and NOMS (docs/clinical/rules.md "Radiotherapy")."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from core.derive import derive_scores
from core.models import CaseFile
from core.policy import Policy
from core.rules import RULES_BY_ID, Fired, NeedsData, RuleContext, evaluate_rules
from tests.core.case_kit import (
    AS_OF,
    bone,
    lab,
    make_case,
    run,
    sins_lesion,
    spine,
    treatment,
    verdict,
)

PAINFUL_RIB = bone("rib", 50, painful=True)


def painful(**case: Any) -> CaseFile:
    return make_case(lesions=[PAINFUL_RIB], **case)


def katagiri_high(**case: Any) -> CaseFile:
    """Colorectal 3 + disseminated 2 + critical platelets 2 = Katagiri 7 (high risk)."""
    base: dict[str, Any] = {
        "primary_tumour": "colorectal",
        "visceral_mets": "disseminated",
        "ecog": 1,
        "prior_chemotherapy": False,
        "labs": [lab("platelets", "90")],
        "lesions": [PAINFUL_RIB],
    }
    return make_case(**(base | case))


def sbrt(**case: Any) -> CaseFile:
    """Kidney (radioresistant), ECOG 1, 6 months, T5 SINS 7 Bilsky 1b, no deficit."""
    base: dict[str, Any] = {
        "primary_tumour": "kidney",
        "ecog": 1,
        "expected_survival_weeks": 26,
        "neuro_assessed": True,
        "visceral_mets": "none",  # safety rule 6: oligometastatic counts every organ
        "lesions": [sins_lesion(7, bilsky="1b")],
    }
    return make_case(**(base | case))


def noms_case(
    primary: str,
    sins: int,
    bilsky: str,
    fit: bool | None = True,
    months: int = 52,
    surgeon: str | None = None,
) -> CaseFile:
    return make_case(
        primary_tumour=primary,
        fit_for_surgery=fit,
        expected_survival_weeks=months,
        lesions=[sins_lesion(sins, bilsky=bilsky, surgeon_stability=surgeon)],
    )


def radium(**case: Any) -> CaseFile:
    """mCRPC, 2 painful bone metastases, no visceral disease, 80 kg, first-dose counts."""
    base: dict[str, Any] = {
        "primary_tumour": "prostate",
        "castration": "resistant",
        "visceral_mets": "none",
        "nrs": 4,
        "prior_mcrpc_lines": 2,
        "weight_kg": Decimal("80"),
        "sex": "male",
        "lesions": [bone("pelvis", 1), bone("rib", 2)],
        "labs": [lab("neutrophils", "2.0"), lab("platelets", "150"), lab("hb", "110")],
    }
    return make_case(**(base | case))


MSCC = {"neuro_signs": ("limb_weakness",), "ecog": 1, "labs": [lab("platelets", "200")]}

CASES: list[tuple[str, str, CaseFile, str]] = [
    # RT-PAIN-SHORT / RT-PAIN-LONG -- ASTRO 2017/2024 (policy threshold 3 months)
    ("RT-PAIN-SHORT", "survival-12-weeks", painful(expected_survival_weeks=12), "fires:default"),
    ("RT-PAIN-SHORT", "survival-13-weeks", painful(expected_survival_weeks=13), "not"),
    ("RT-PAIN-SHORT", "katagiri-high", katagiri_high(expected_survival_weeks=52), "fires:default"),
    ("RT-PAIN-SHORT", "katagiri-high-no-survival", katagiri_high(), "fires:default"),
    ("RT-PAIN-SHORT", "nothing-known", painful(), "needs"),
    ("RT-PAIN-SHORT", "no-painful-lesion", make_case(lesions=[bone("rib")]), "not"),
    ("RT-PAIN-LONG", "survival-13-weeks", painful(expected_survival_weeks=13), "fires:default"),
    ("RT-PAIN-LONG", "survival-12-weeks", painful(expected_survival_weeks=12), "not"),
    ("RT-PAIN-LONG", "katagiri-high", katagiri_high(expected_survival_weeks=52), "not"),
    ("RT-PAIN-LONG", "nothing-known", painful(), "needs"),
    # RT-SBRT -- ASTRO 2024; SABR-COMET; NOMS (policy threshold 6 months)
    ("RT-SBRT", "all-conditions", sbrt(), "fires:default"),
    ("RT-SBRT", "survival-25-weeks", sbrt(expected_survival_weeks=25), "not"),
    ("RT-SBRT", "ecog-2", sbrt(ecog=2), "not"),
    ("RT-SBRT", "bilsky-2", sbrt(lesions=[sins_lesion(7, bilsky="2")]), "not"),
    ("RT-SBRT", "sins-13", sbrt(lesions=[sins_lesion(13, bilsky="1a")]), "not"),
    ("RT-SBRT", "deficit", sbrt(frankel="D"), "not"),
    (
        "RT-SBRT",
        "breast-many-lesions",
        sbrt(primary_tumour="breast", lesions=[bone("rib", i) for i in range(1, 7)]),
        "not",
    ),
    (
        "RT-SBRT",
        "breast-oligometastatic",
        sbrt(primary_tumour="breast", primary_controlled=True),
        "fires:default",
    ),
    (
        "RT-SBRT",
        "breast-primary-not-controlled",
        sbrt(primary_tumour="breast", primary_controlled=False),
        "not",
    ),
    ("RT-SBRT", "breast-primary-control-unknown", sbrt(primary_tumour="breast"), "needs"),
    (
        "RT-SBRT",
        "radioresistant-primary-not-controlled",
        sbrt(primary_controlled=False),
        "fires:default",
    ),
    (
        "RT-SBRT",
        "sins-7-surgeon-unstable",
        sbrt(lesions=[sins_lesion(7, bilsky="1b", surgeon_stability="unstable")]),
        "not",
    ),
    (
        "RT-SBRT",
        "sins-12-surgeon-stable",
        sbrt(lesions=[sins_lesion(12, bilsky="1b", surgeon_stability="stable")]),
        "fires:default",
    ),
    ("RT-SBRT", "ecog-unknown", sbrt(ecog=None), "needs"),
    # RT-POSTOP -- lecture
    (
        "RT-POSTOP",
        "after-decompression",
        make_case(
            lesions=[spine("T9", 12)],
            treatments=[treatment("surgery", "T9 decompression", days_ago=10, lesion_id=12)],
        ),
        "fires:default",
    ),
    (
        "RT-POSTOP",
        "rt-already-given",
        make_case(
            lesions=[spine("T9", 12)],
            treatments=[
                treatment("surgery", "T9 decompression", days_ago=30, lesion_id=12),
                treatment("radiotherapy", "T9 20 Gy/5", days_ago=10, lesion_id=12),
            ],
        ),
        "not",
    ),
    ("RT-POSTOP", "no-surgery", make_case(), "not"),
    # RT-MSCC -- ASTRO 2024; NICE NG234
    ("RT-MSCC", "not-fit", make_case(fit_for_surgery=False, **MSCC), "fires:default"),
    (
        "RT-MSCC",
        "survival-12-weeks",
        make_case(fit_for_surgery=True, expected_survival_weeks=12, **MSCC),
        "fires:default",
    ),
    (
        "RT-MSCC",
        "surgical-candidate",
        make_case(fit_for_surgery=True, expected_survival_weeks=52, lesions=[spine("T9", bilsky="2")], **MSCC),
        "not",
    ),
    # Decision "MSCC with missing inputs": the alternative pending the same-day surgical opinion.
    ("RT-MSCC", "fitness-unknown", make_case(expected_survival_weeks=52, **MSCC), "fires:default"),
    ("RT-MSCC", "no-mscc", make_case(neuro_assessed=True), "not"),
    # RT-REIRR -- lecture; ASTRO 2017
    (
        "RT-REIRR",
        "painful-40-days-after-rt",
        make_case(
            lesions=[
                bone(
                    "rib",
                    9,
                    painful=True,
                    prior_rt_dose_gy=Decimal(8),
                    prior_rt_date=AS_OF - timedelta(days=40),
                )
            ]
        ),
        "fires:default",
    ),
    (
        "RT-REIRR",
        "painful-20-days-after-rt",
        make_case(
            lesions=[
                bone(
                    "rib",
                    9,
                    painful=True,
                    prior_rt_dose_gy=Decimal(8),
                    prior_rt_date=AS_OF - timedelta(days=20),
                )
            ]
        ),
        "not",
    ),
    # RT-RA223 -- label; ALSYMPCA; EMA 2018
    ("RT-RA223", "breast", make_case(), "not"),
    (
        "RT-RA223",
        "prostate-with-abiraterone",
        make_case(
            primary_tumour="prostate",
            castration="resistant",
            sex="male",
            treatments=[treatment("endocrine", "abiraterone", ongoing=True)],
        ),
        "not",
    ),
    ("RT-RA223", "prostate-unknown", make_case(primary_tumour="prostate", sex="male"), "needs"),
    # lymph_node_max_cm and ineligible_for_other_treatment from the case record
    ("RT-RA223", "nodes-1.5-cm", radium(lymph_node_max_cm=Decimal("1.5")), "fires:default"),
    ("RT-RA223", "nodes-3.0-cm", radium(lymph_node_max_cm=Decimal("3.0")), "not"),
    ("RT-RA223", "nodes-unrecorded", radium(), "needs"),
    (
        "RT-RA223",
        "one-line-ineligible",
        radium(lymph_node_max_cm=Decimal("1"), prior_mcrpc_lines=1, ineligible_for_other_treatment=True),
        "fires:default",
    ),
    (
        "RT-RA223",
        "one-line-eligible-for-others",
        radium(lymph_node_max_cm=Decimal("1"), prior_mcrpc_lines=1, ineligible_for_other_treatment=False),
        "not",
    ),
    (
        "RT-RA223",
        "one-line-eligibility-unrecorded",
        radium(lymph_node_max_cm=Decimal("1"), prior_mcrpc_lines=1),
        "needs",
    ),
    # NOMS -- Laufer 2013
    ("NOMS", "radiosensitive-potentially-unstable", noms_case("breast", 7, "2"), "fires:urgent"),
    ("NOMS", "radioresistant-low-grade-stable", noms_case("kidney", 6, "1b"), "fires:routine"),
    ("NOMS", "radioresistant-high-grade-fit", noms_case("kidney", 6, "2"), "fires:urgent"),
    ("NOMS", "unstable-fit", noms_case("kidney", 13, "0"), "fires:urgent"),
    ("NOMS", "unknown-radiosensitivity", noms_case("bladder", 6, "0"), "needs"),
    ("NOMS", "fitness-unknown", noms_case("kidney", 6, "0", fit=None), "needs"),
    ("NOMS", "no-spinal-lesion", make_case(lesions=[bone("rib")]), "not"),
    # surgeon_stability settles M at SINS 7-12
    (
        "NOMS",
        "potentially-unstable-surgeon-stable",
        noms_case("kidney", 7, "1b", surgeon="stable"),
        "fires:routine",
    ),
    (
        "NOMS",
        "potentially-unstable-surgeon-unstable",
        noms_case("kidney", 7, "1b", surgeon="unstable"),
        "fires:urgent",
    ),
]


@pytest.mark.parametrize(
    ("rule_id", "cf", "expected"),
    [(rule_id, cf, expected) for rule_id, _, cf, expected in CASES],
    ids=[f"{rule_id}-{name}-{RULES_BY_ID[rule_id].source}" for rule_id, name, _, _ in CASES],
)
def test_radiotherapy_table(rule_id: str, cf: CaseFile, expected: str) -> None:
    assert verdict(run(rule_id, cf)) == expected


@pytest.mark.parametrize(
    ("cf", "path"),
    [
        (noms_case("breast", 6, "3"), "cebrt"),
        (noms_case("kidney", 6, "1b"), "sbrt"),
        (noms_case("kidney", 6, "1c"), "sbrt"),
        (noms_case("kidney", 6, "2"), "separation"),
        (noms_case("kidney", 6, "2", fit=False), "rt_or_bsc"),
        (noms_case("kidney", 13, "0"), "stabilise"),
        (noms_case("kidney", 13, "0", fit=False), "non_operative"),
        (noms_case("kidney", 13, "0", months=0), "non_operative"),
        (noms_case("kidney", 7, "1b"), "sbrt"),
        (noms_case("kidney", 7, "1b", surgeon="stable"), "sbrt"),
        (noms_case("kidney", 7, "1b", surgeon="unstable"), "stabilise"),
        (noms_case("breast", 11, "2", surgeon="unstable"), "stabilise"),
        (noms_case("breast", 11, "2", fit=False, surgeon="unstable"), "non_operative"),
        (noms_case("kidney", 6, "0", surgeon="unstable"), "sbrt"),
    ],
    ids=[
        "cebrt",
        "sbrt",
        "sbrt-1c",
        "separation",
        "rt-or-bsc",
        "stabilise",
        "unfit",
        "short",
        "potentially-unstable-reads-stable",
        "surgeon-stable",
        "surgeon-unstable",
        "surgeon-unstable-radiosensitive",
        "surgeon-unstable-unfit",
        "surgeon-call-ignored-outside-7-12",
    ],
)
def test_noms_paths_laufer_2013(cf: CaseFile, path: str) -> None:
    outcome = run("NOMS", cf)
    assert isinstance(outcome, Fired)
    assert outcome.detail["T5"] == path


def test_noms_is_provisional_while_potentially_unstable() -> None:
    outcome = run("NOMS", noms_case("breast", 7, "2"))
    assert isinstance(outcome, Fired)
    assert outcome.detail["provisional"] == "true"
    assert "provisional" in outcome.reason_en


@pytest.mark.parametrize("call", ["stable", "unstable"])
def test_noms_is_settled_by_the_surgeons_call(call: str) -> None:
    outcome = run("NOMS", noms_case("breast", 9, "2", surgeon=call))
    assert isinstance(outcome, Fired)
    assert "provisional" not in outcome.detail
    assert "provisional" not in outcome.reason_en
    assert f"M: {call} by the spine surgeon's call (SINS 9)" in outcome.reason_en
    assert "S: fit for surgery: yes, expected survival" in outcome.reason_en
    assert "脊柱外科判断为" in outcome.reason_zh


def test_sbrt_reason_names_the_surgeons_stable_call() -> None:
    outcome = run("RT-SBRT", sbrt(lesions=[sins_lesion(7, bilsky="1b", surgeon_stability="stable")]))
    assert isinstance(outcome, Fired)
    assert "SINS 7 at T5 — Indeterminate: potentially unstable (7–12): spine surgeon calls it stable" in outcome.reason_en
    assert "opinion first" not in outcome.reason_en


def test_sbrt_oligometastatic_needs_primary_control() -> None:
    outcome = run("RT-SBRT", sbrt(primary_tumour="breast"))
    assert outcome == NeedsData(missing=("primary_controlled (oligometastatic: 1 lesions)",))
    fired_ = run("RT-SBRT", sbrt(primary_tumour="breast", primary_controlled=True))
    assert isinstance(fired_, Fired)
    assert "oligometastatic (1 bone lesion, no visceral metastases, primary controlled)" in fired_.reason_en


def test_radium_inputs_come_from_the_case_record() -> None:
    cf = radium(lymph_node_max_cm=Decimal("1.5"), prior_mcrpc_lines=1, ineligible_for_other_treatment=True)
    score = derive_scores(cf, Policy()).patient["radium_223"]
    assert score.band == "eligible"
    nodes = score.source("lymph_node_max_cm")
    assert nodes is not None
    assert (nodes.origin, nodes.value, nodes.record) == ("case", "1.5", "case: largest lymph node 1.5 cm")
    ineligible = score.source("ineligible_for_other_treatment")
    assert ineligible is not None
    assert (ineligible.origin, ineligible.value) == ("case", "true")
    # An explicit override still wins over the record.
    overridden = derive_scores(cf, Policy(), {"radium_223": {"lymph_node_max_cm": Decimal("4")}})
    assert "lymph_node_ge_3cm" in overridden.patient["radium_223"].result.flags
    outcome = run("RT-RA223", radium(lymph_node_max_cm=Decimal("1"), prior_mcrpc_lines=1))
    assert outcome == NeedsData(missing=("radium_223.ineligible_for_other_treatment",))


def test_rt_thresholds_come_from_the_policy() -> None:
    cf = painful(expected_survival_weeks=13)
    assert verdict(run("RT-PAIN-SHORT", cf, Policy(rt_single_fraction_survival_weeks=14))) == ("fires:default")
    assert verdict(run("RT-SBRT", sbrt(), Policy(sbrt_min_survival_weeks=27))) == "not"


def test_sbrt_reason_asks_for_a_surgical_opinion_at_sins_7_to_12() -> None:
    outcome = run("RT-SBRT", sbrt())
    assert isinstance(outcome, Fired)
    assert "SINS 7 at T5 — Indeterminate: potentially unstable (7–12): spine-surgery opinion first" in outcome.reason_en
    assert "radioresistant" in outcome.reason_en


def test_sbrt_vs_single_fraction_is_named_as_a_conflict() -> None:
    cf = make_case(
        primary_tumour="kidney",
        visceral_mets="disseminated",
        ecog=1,
        prior_chemotherapy=True,
        expected_survival_weeks=52,
        neuro_assessed=True,
        labs=[lab("platelets", "90")],
        lesions=[sins_lesion(7, bilsky="1b"), bone("rib", 2)],
    )
    report = evaluate_rules(cf)
    assert {"RT-SBRT", "RT-PAIN-SHORT"} <= set(report.fired_ids)
    assert ("RT-SBRT", "RT-PAIN-SHORT") in [c.rule_ids for c in report.conflicts]


def test_radium_eligible_fires_with_the_activity() -> None:
    cf = make_case(
        primary_tumour="prostate",
        castration="resistant",
        visceral_mets="none",
        nrs=4,
        prior_mcrpc_lines=2,
        weight_kg=Decimal("80"),
        sex="male",
        lesions=[bone("pelvis", 1), bone("rib", 2)],
        labs=[lab("neutrophils", "2.0"), lab("platelets", "150"), lab("hb", "110")],
    )
    policy = Policy()
    scores = derive_scores(cf, policy, {"radium_223": {"lymph_node_max_cm": Decimal("1")}})
    outcome = RULES_BY_ID["RT-RA223"].evaluate(RuleContext(cf=cf, scores=scores, policy=policy))
    assert isinstance(outcome, Fired)
    assert "4400 kBq" in outcome.reason_en
