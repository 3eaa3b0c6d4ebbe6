"""Worked cases of tests/fixtures/score_examples.json (docs/clinical/scores.md), from the fixture file and
from the rows copied below."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.scores import SCORES, evaluate

EXAMPLES_JSON = Path(__file__).resolve().parents[1] / "fixtures" / "score_examples.json"

# The examples as parameter rows (kept equal to the fixture by test_copy_matches_fixture):
# (id naming the source, score, inputs, expected total, expected band, tolerance)
EXAMPLE_ROWS: list[Any] = [
    pytest.param(
        "mirels",
        {
            "site": "peritrochanteric",
            "pain": "functional",
            "lesion_type": "lytic",
            "size_fraction": "one_third_to_two_thirds",
        },
        11,
        "high_risk",
        None,
        id="GDL-Mirels-case3-11-high_risk",
    ),
    pytest.param(
        "mirels",
        {
            "site": "peritrochanteric",
            "pain": "functional",
            "lesion_type": "mixed",
            "size_fraction": "one_third_to_two_thirds",
        },
        10,
        "high_risk",
        None,
        id="GDL-Mirels-case6-10-high_risk",
    ),
    pytest.param(
        "sins",
        {
            "location": "mobile",
            "pain": "mechanical",
            "bone_lesion": "mixed",
            "alignment": "normal",
            "vertebral_body_collapse": "none",
            "posterolateral_involvement": "none",
        },
        6,
        "stable",
        None,
        id="Fisher2010-sins-6-stable",
    ),
    pytest.param(
        "sins",
        {
            "level": "L2",
            "pain": "mechanical",
            "bone_lesion": "lytic",
            "alignment": "normal",
            "vertebral_body_collapse": "none",
            "posterolateral_involvement": "none",
        },
        7,
        "indeterminate",
        None,
        id="Fisher2010-sins-L2-7-indeterminate",
    ),
    pytest.param(
        "tomita",
        {
            "primary_tumor_growth": "moderate",
            "visceral_metastases": "none",
            "bone_metastases": "solitary_or_isolated",
        },
        3,
        "wide_or_marginal_excision",
        None,
        id="Tomita2001-3-wide_or_marginal_excision",
    ),
    pytest.param(
        "tomita",
        {
            "primary_tumor_growth": "slow",
            "visceral_metastases": "treatable",
            "bone_metastases": "solitary_or_isolated",
        },
        4,
        "marginal_or_intralesional_excision",
        None,
        id="Tomita2001-seed-deck-breast-4-marginal_or_intralesional_excision",
    ),
    pytest.param(
        "tokuhashi_revised",
        {
            "general_condition_kps": "poor_10_40",
            "extraspinal_bone_mets": "ge3",
            "vertebral_body_mets": "ge3",
            "major_organ_mets": "unremovable",
            "primary_site_group": "p0_lung_osteosarcoma_stomach_bladder_esophagus_pancreas",
            "palsy_frankel": "A",
        },
        0,
        "lt_6_months",
        None,
        id="Tokuhashi2005-NICE-CG75-0-lt_6_months",
    ),
    pytest.param(
        "tokuhashi_revised",
        {
            "general_condition_kps": "good_80_100",
            "extraspinal_bone_mets": "one_to_two",
            "vertebral_body_mets": "two",
            "major_organ_mets": "removable",
            "primary_site_group": "p3_kidney_uterus",
            "palsy_frankel": "C",
        },
        9,
        "ge_6_months",
        None,
        id="Tokuhashi2005-NICE-CG75-9-ge_6_months",
    ),
    pytest.param(
        "katagiri_new",
        {
            "primary_growth_group": "slow",
            "visceral_metastases": "none",
            "ecog_ps_3_or_4": False,
            "previous_chemotherapy": False,
            "multiple_skeletal_metastases": False,
            "lab_tier": "normal",
        },
        0,
        "low_risk",
        None,
        id="Katagiri2014-0-low_risk",
    ),
    pytest.param(
        "katagiri_new",
        {
            "primary_growth_group": "slow",
            "visceral_metastases": "none",
            "ecog_ps_3_or_4": True,
            "previous_chemotherapy": True,
            "multiple_skeletal_metastases": True,
            "lab_tier": "critical",
        },
        5,
        "intermediate_risk",
        None,
        id="Katagiri2014-critical-lab-5-intermediate_risk",
    ),
    pytest.param("bilsky_escc", {"escc_grade": "0"}, None, "low_grade", None, id="Bilsky2010-0"),
    pytest.param("bilsky_escc", {"escc_grade": "1b"}, None, "low_grade", None, id="Bilsky2010-1b"),
    pytest.param(
        "corrected_calcium",
        {"calcium_mmol_l": 3.0, "albumin_g_l": 40},
        3.0,
        "moderate",
        0.005,
        id="Walsh2016-corrected-Ca-3.00-moderate",
    ),
    pytest.param(
        "corrected_calcium",
        {"calcium_mmol_l": 2.28, "albumin_g_l": 24},
        2.6,
        "normal",
        0.005,
        id="Walsh2016-corrected-Ca-2.60-normal",
    ),
    pytest.param(
        "ctcae_hypercalcaemia",
        {"corrected_calcium_mmol_l": 2.9, "uln_mmol_l": 2.6},
        None,
        "grade_1",
        None,
        id="CTCAEv5-2.9-grade_1",
    ),
    pytest.param(
        "ctcae_hypercalcaemia",
        {"corrected_calcium_mmol_l": 3.0, "uln_mmol_l": 2.6},
        None,
        "grade_2",
        None,
        id="CTCAEv5-3.0-grade_2",
    ),
    pytest.param(
        "zoledronic_acid_dose",
        {"age_years": 60, "weight_kg": 80, "serum_creatinine_mg_dl": 1.2, "sex": "male"},
        74.1,
        "4.0_mg",
        0.1,
        id="superglobalcalculator-CG-74.1-Zometa-4.0_mg",
    ),
    pytest.param(
        "zoledronic_acid_dose",
        {"age_years": 50, "weight_kg": 75, "serum_creatinine_umol_l": 80, "sex": "male"},
        103.78,
        "4.0_mg",
        0.5,
        id="CockcroftGault1976-umol-103.6-Zometa-4.0_mg",
    ),
    pytest.param("who_analgesic_ladder", {"nrs": 0}, None, "no_pain", None, id="NHC2018-nrs-0"),
    pytest.param("who_analgesic_ladder", {"nrs": 10}, None, "step_3", None, id="NHC2018-nrs-10"),
]


def _check(score: str, inputs: Any, total: Any, band: str, tolerance: Any) -> None:
    result = evaluate(score, inputs)
    assert result.score_id == score
    assert result.band == band
    assert result.missing == ()
    if total is None:
        assert result.total is None
    else:
        assert result.total is not None
        allowed = Decimal(str(tolerance)) if tolerance is not None else Decimal(0)
        assert abs(Decimal(str(result.total)) - Decimal(str(total))) <= allowed


@pytest.mark.parametrize(("score", "inputs", "total", "band", "tolerance"), EXAMPLE_ROWS)
def test_example_copy(score: str, inputs: Any, total: Any, band: str, tolerance: Any) -> None:
    _check(score, inputs, total, band, tolerance)


def _fixture_cases() -> list[Any]:
    cases = json.loads(EXAMPLES_JSON.read_text(encoding="utf-8"))
    return [pytest.param(case, id=f"fixture-{index}-{case['score']}-{case['expected_band']}") for index, case in enumerate(cases)]


@pytest.mark.parametrize("case", _fixture_cases())
def test_fixture_example(case: Any) -> None:
    assert case["score"] in SCORES
    _check(
        case["score"],
        case["inputs"],
        case["expected_total"],
        case["expected_band"],
        case["tolerance"],
    )


def test_copy_matches_fixture() -> None:
    """The rows above must not drift from the fixture file."""
    shared = json.loads(EXAMPLES_JSON.read_text(encoding="utf-8"))
    copied = [(p.values[0], p.values[1], p.values[2], p.values[3]) for p in EXAMPLE_ROWS]
    for case in shared:
        row = (case["score"], case["inputs"], case["expected_total"], case["expected_band"])
        assert row in copied, case["source"]
