"""docs/clinical/scores.md decisions that need more than a band table, and decimal-arithmetic traps."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from core.scores import (
    SCORES,
    SINS_LEVEL_LOCATION,
    VERTEBRAL_LEVELS,
    ScoreInputError,
    cockcroft_gault,
    evaluate,
    katagiri_lab_tier,
)
from core.scores.base import INCOMPLETE

CJK = re.compile(r"[\u4e00-\u9fff]")

# --- floating-point traps (docs/clinical/scores.md "Arithmetic") ------------------------------------------


@pytest.mark.parametrize(
    ("calcium", "albumin", "total", "band"),
    [
        pytest.param(1.88, 24, "2.20", "normal", id="SCORES-arith-float-Ca1.88-alb24-2.20-normal"),
        pytest.param("1.88", "24", "2.20", "normal", id="SCORES-arith-str-Ca1.88-alb24"),
        pytest.param(Decimal("1.88"), 24, "2.20", "normal", id="SCORES-arith-decimal-Ca1.88"),
    ],
)
def test_corrected_calcium_float_trap(calcium: Any, albumin: Any, total: str, band: str) -> None:
    result = evaluate("corrected_calcium", {"calcium_mmol_l": calcium, "albumin_g_l": albumin})
    assert result.total == Decimal(total)
    assert result.band == band


@pytest.mark.parametrize(
    ("age", "weight", "sex", "mg_dl", "expected", "places"),
    [
        pytest.param(32, 48, "male", 1.2, "60", None, id="SCORES-arith-32M-48kg-1.2-exactly-60"),
        pytest.param(65, 70, "male", 1.4, "52.1", "0.1", id="superglobalcalculator-65M-70kg-52.1"),
        pytest.param(45, 60, "female", 0.9, "74.8", "0.1", id="superglobalcalculator-45F-74.8"),
        pytest.param(60, 80, "male", 1.0, "88.89", "0.01", id="CockcroftGault-60M-80kg-88.89"),
        pytest.param(80, 60, "female", 2.0, "21.25", None, id="sophiewell-80F-60kg-2.0-21.25"),
    ],
)
def test_cockcroft_gault(age: int, weight: int, sex: str, mg_dl: float, expected: str, places: str | None) -> None:
    crcl = cockcroft_gault(age, weight, sex, mg_dl)
    assert isinstance(crcl, Decimal)
    if places is None:
        assert crcl == Decimal(expected)
    else:
        assert crcl.quantize(Decimal(places)) == Decimal(expected)


def test_cockcroft_gault_from_umol_divides_by_88_4_first() -> None:
    # 106.08 umol/L is exactly 1.2 mg/dL: the boundary case must still be exactly 60.
    assert cockcroft_gault(32, 48, "male", creatinine_umol_l="106.08") == Decimal(60)
    assert cockcroft_gault(32, 48, "male", creatinine_umol_l=106.08) == Decimal(60)


@pytest.mark.parametrize(
    ("inputs", "total", "band"),
    [
        pytest.param(
            {"age_years": 32, "weight_kg": 48, "sex": "male", "serum_creatinine_mg_dl": 1.2},
            "60",
            "3.5_mg",
            id="SCORES-arith-32M-48kg-1.2mgdl-60-3.5_mg",
        ),
        pytest.param(
            {"age_years": 32, "weight_kg": 48, "sex": "male", "serum_creatinine_umol_l": 106.08},
            "60",
            "3.5_mg",
            id="SCORES-arith-32M-48kg-106.08umol-60-3.5_mg",
        ),
        pytest.param(
            {"age_years": 65, "weight_kg": 70, "sex": "male", "serum_creatinine_mg_dl": 1.4},
            "52.1",
            "3.5_mg",
            id="superglobalcalculator-65M-52.1-3.5_mg",
        ),
        pytest.param(
            {"age_years": 80, "weight_kg": 60, "sex": "female", "serum_creatinine_mg_dl": 2.0},
            "21.25",
            "not_recommended",
            id="sophiewell-80F-21.25-not_recommended",
        ),
    ],
)
def test_zoledronic_from_cockcroft_gault(inputs: dict[str, Any], total: str, band: str) -> None:
    result = evaluate("zoledronic_acid_dose", inputs)
    assert result.band == band
    assert isinstance(result.total, Decimal)
    assert result.total.quantize(Decimal(total)) == Decimal(total)
    assert "crcl_cockcroft_gault" in result.flags
    assert result.breakdown[-1].input == "creatinine_clearance_ml_min"


def test_crcl_is_not_rounded_before_banding() -> None:
    # GDL rounds 59.99.. up to 60; unrounded it stays below 60 but above 50 -> 3.5 mg either way,
    # while 49.99 would round to 50 (3.5 mg) and must stay 3.3 mg.
    result = evaluate("zoledronic_acid_dose", {"creatinine_clearance_ml_min": "49.999"})
    assert result.total == Decimal("49.999")
    assert result.band == "3.3_mg"


@pytest.mark.parametrize(
    ("weight", "height", "flagged"),
    [
        pytest.param(96, None, False, id="SCORES-dec7-no-height"),
        pytest.param("119.9", 200, False, id="SCORES-dec7-BMI-29.98"),
        pytest.param(120, 200, True, id="SCORES-dec7-BMI-exactly-30"),
        pytest.param(96, 170, True, id="SCORES-dec7-BMI-33.2"),
    ],
)
def test_weight_basis_review_when_bmi_at_least_30(weight: Any, height: Any, flagged: bool) -> None:
    inputs: dict[str, Any] = {
        "age_years": 50,
        "weight_kg": weight,
        "sex": "female",
        "serum_creatinine_umol_l": 80,
        "height_cm": height,
    }
    result = evaluate("zoledronic_acid_dose", inputs)
    assert ("weight_basis_review" in result.flags) == flagged


def test_cockcroft_gault_rejects_ambiguous_creatinine() -> None:
    with pytest.raises(ScoreInputError, match="creatinine"):
        cockcroft_gault(60, 70, "male")
    with pytest.raises(ScoreInputError, match="sex"):
        cockcroft_gault(60, 70, "x", 1.0)


# --- SINS level lookup -----------------------------------------------------------------------


def test_vertebral_levels_and_lookup() -> None:
    assert VERTEBRAL_LEVELS[0] == "Oc"
    assert VERTEBRAL_LEVELS[1:8] == tuple(f"C{i}" for i in range(1, 8))
    assert VERTEBRAL_LEVELS[8:20] == tuple(f"T{i}" for i in range(1, 13))
    assert VERTEBRAL_LEVELS[20:25] == tuple(f"L{i}" for i in range(1, 6))
    assert VERTEBRAL_LEVELS[25:] == tuple(f"S{i}" for i in range(1, 6))
    expected = {
        "junctional": "Oc C1 C2 C7 T1 T2 T11 T12 L1 L5 S1",
        "mobile": "C3 C4 C5 C6 L2 L3 L4",
        "semirigid": "T3 T4 T5 T6 T7 T8 T9 T10",
        "rigid": "S2 S3 S4 S5",
    }
    lookup = {level: loc for loc, levels in expected.items() for level in levels.split()}
    assert lookup == SINS_LEVEL_LOCATION


def test_sins_level_wins_and_agreeing_location_is_accepted() -> None:
    base = {
        "pain": "mechanical",
        "bone_lesion": "lytic",
        "alignment": "normal",
        "vertebral_body_collapse": "none",
        "posterolateral_involvement": "none",
    }
    by_level = evaluate("sins", {**base, "level": "T9"})
    both = evaluate("sins", {**base, "level": "T9", "location": "semirigid"})
    by_location = evaluate("sins", {**base, "location": "semirigid"})
    assert by_level.total == both.total == by_location.total == 6
    assert by_level.breakdown[0].input == "level"
    assert by_level.breakdown[0].value == "T9"


# --- Tokuhashi general condition (decision 4) -----------------------------------------------

OTHER_TOKUHASHI = {
    "extraspinal_bone_mets": "one_to_two",
    "vertebral_body_mets": "two",
    "major_organ_mets": "removable",
    "primary_site_group": "p3_kidney_uterus",
    "palsy_frankel": "C",
}  # 7 points without general condition


@pytest.mark.parametrize(
    ("extra", "total", "flags"),
    [
        pytest.param({"ecog": 0}, 9, ("kps_converted_from_ecog",), id="Tokuhashi-dec4-ECOG0-good"),
        pytest.param({"ecog": 2}, 8, ("kps_converted_from_ecog",), id="Tokuhashi-dec4-ECOG2"),
        pytest.param({"ecog": 3}, 7, ("kps_converted_from_ecog",), id="Tokuhashi-dec4-ECOG3-poor"),
        pytest.param({"ecog": 4}, 7, ("kps_converted_from_ecog",), id="Tokuhashi-dec4-ECOG4-poor"),
        pytest.param({"kps": 10}, 7, (), id="Tokuhashi-dec4-KPS10-poor"),
        pytest.param({"kps": 40}, 7, (), id="Tokuhashi-dec4-KPS40-poor"),
        pytest.param({"kps": 50}, 8, (), id="Tokuhashi-dec4-KPS50-moderate"),
        pytest.param({"kps": 70}, 8, (), id="Tokuhashi-dec4-KPS70-moderate"),
        pytest.param({"kps": 80}, 9, (), id="Tokuhashi-dec4-KPS80-good"),
        pytest.param({"kps": 100}, 9, (), id="Tokuhashi-dec4-KPS100-good"),
        pytest.param({"kps": 80, "ecog": 3}, 9, (), id="Tokuhashi-dec4-native-KPS-beats-ECOG"),
        pytest.param({"general_condition_kps": "poor_10_40", "ecog": 0}, 7, (), id="Tokuhashi-category-wins"),
    ],
)
def test_tokuhashi_general_condition(extra: dict[str, Any], total: int, flags: tuple[str, ...]) -> None:
    result = evaluate("tokuhashi_revised", {**OTHER_TOKUHASHI, **extra})
    assert result.total == total
    assert result.flags == flags
    assert result.breakdown[0].points == total - 7


def test_tokuhashi_ecog_1_is_ambiguous_and_shows_both_totals() -> None:
    result = evaluate("tokuhashi_revised", {**OTHER_TOKUHASHI, "ecog": 1})
    assert result.band == INCOMPLETE
    assert result.total is None
    assert result.missing == ("general_condition_kps",)
    assert "ecog_1_ambiguous" in result.flags
    assert "kps_converted_from_ecog" not in result.flags
    item = result.breakdown[0]
    assert item.input == "ecog"
    assert item.points is None
    assert "8 or 9" in item.label_en
    assert "8或9" in item.label_zh


def test_tokuhashi_ecog_1_with_other_items_missing() -> None:
    result = evaluate("tokuhashi_revised", {"ecog": 1, "palsy_frankel": "E"})
    assert result.band == INCOMPLETE
    assert result.missing[0] == "general_condition_kps"
    assert "ecog_1_ambiguous" in result.flags


@pytest.mark.parametrize(
    ("extra", "flag"),
    [
        pytest.param({"ecog": 5}, "ecog_5_not_scorable", id="Tokuhashi-dec4-ECOG5"),
        pytest.param({"kps": 0}, "kps_0_not_scorable", id="Tokuhashi-dec4-KPS0"),
    ],
)
def test_tokuhashi_dead_is_not_scorable(extra: dict[str, Any], flag: str) -> None:
    result = evaluate("tokuhashi_revised", {**OTHER_TOKUHASHI, **extra})
    assert result.band == INCOMPLETE
    assert result.total is None
    assert result.missing == ("general_condition_kps",)
    assert flag in result.flags


# --- Katagiri lab tier (decision 5) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("labs", "tier"),
    [
        pytest.param({}, None, id="Katagiri-dec5-no-labs"),
        pytest.param({"platelets_10e9_l": 99.9}, "critical", id="Katagiri-dec5-plt-99.9"),
        pytest.param({"platelets_10e9_l": 100}, "normal", id="Katagiri-dec5-plt-100"),
        pytest.param({"corrected_calcium_mmol_l": 2.57}, "critical", id="Katagiri-dec5-ca-2.57"),
        pytest.param({"corrected_calcium_mmol_l": 2.56}, "normal", id="Katagiri-dec5-ca-2.56"),
        pytest.param({"bilirubin_umol_l": 24}, "critical", id="Katagiri-dec5-bili-24"),
        pytest.param({"bilirubin_umol_l": 23.9}, "normal", id="Katagiri-dec5-bili-23.9"),
        pytest.param({"crp_mg_l": 4}, "abnormal", id="Katagiri-dec5-crp-4"),
        pytest.param({"crp_mg_l": 3.9}, "normal", id="Katagiri-dec5-crp-3.9"),
        pytest.param({"ldh_u_l": 250}, "abnormal", id="Katagiri-dec5-ldh-250"),
        pytest.param({"ldh_u_l": 249}, "normal", id="Katagiri-dec5-ldh-249"),
        pytest.param({"albumin_g_l": 36.9}, "abnormal", id="Katagiri-dec5-alb-36.9"),
        pytest.param({"albumin_g_l": 37}, "normal", id="Katagiri-dec5-alb-37"),
        pytest.param(
            {"crp_mg_l": 50, "ldh_u_l": 400, "albumin_g_l": 30, "platelets_10e9_l": 80},
            "critical",
            id="Katagiri-dec5-critical-outranks-abnormal",
        ),
        pytest.param(
            {
                "platelets_10e9_l": 250,
                "corrected_calcium_mmol_l": "2.30",
                "bilirubin_umol_l": 10,
                "crp_mg_l": 1,
                "ldh_u_l": 180,
                "albumin_g_l": 42,
            },
            "normal",
            id="Katagiri-dec5-all-normal",
        ),
    ],
)
def test_katagiri_lab_tier(labs: dict[str, Any], tier: str | None) -> None:
    assert katagiri_lab_tier(**labs) == tier


def test_katagiri_lab_tier_rejects_non_numbers_without_echo() -> None:
    with pytest.raises(ScoreInputError) as caught:
        katagiri_lab_tier(crp_mg_l="zz_high")
    assert "crp_mg_l" in str(caught.value)
    assert "zz_high" not in str(caught.value)


# --- corrected calcium flags (decision 6) ---------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "flagged"),
    [
        pytest.param({"albumin_g_l": "24.9"}, True, id="SCORES-dec6-albumin-24.9"),
        pytest.param({"albumin_g_l": 25}, False, id="SCORES-dec6-albumin-25"),
        pytest.param({"albumin_g_l": 45}, False, id="SCORES-dec6-albumin-45"),
        pytest.param({"albumin_g_l": "45.1"}, True, id="SCORES-dec6-albumin-45.1"),
        pytest.param({"albumin_g_l": 40, "myeloma": True}, True, id="SCORES-dec6-myeloma"),
        pytest.param({"albumin_g_l": 40, "myeloma": False}, False, id="SCORES-dec6-no-myeloma"),
        pytest.param({"albumin_g_l": 40, "creatinine_clearance_ml_min": "29.9"}, True, id="SCORES-dec6-crcl"),
        pytest.param({"albumin_g_l": 40, "creatinine_clearance_ml_min": 30}, False, id="SCORES-dec6-crcl-30"),
    ],
)
def test_ionised_calcium_advised(extra: dict[str, Any], flagged: bool) -> None:
    result = evaluate("corrected_calcium", {"calcium_mmol_l": "2.40", **extra})
    assert ("ionised_calcium_advised" in result.flags) == flagged
    assert result.band != INCOMPLETE


# --- radium-223 (section 14, decision 12) ---------------------------------------------------

RADIUM_OK: dict[str, Any] = {
    "castration_resistant": True,
    "symptomatic_bone_mets": True,
    "known_visceral_mets": False,
    "bone_metastasis_count": 2,
    "lymph_node_max_cm": "2.9",
    "concurrent_abiraterone": False,
    "other_systemic_therapy_except_adt": False,
    "prior_mcrpc_lines": 2,
    "dose_number": 1,
    "weight_kg": 80,
    "anc_10e9_l": "1.5",
    "platelets_10e9_l": 100,
    "hb_g_l": 100,
}


def test_radium_eligible_at_the_first_dose_minima() -> None:
    result = evaluate("radium_223", RADIUM_OK)
    assert result.band == "eligible"
    assert result.total == Decimal(4400)  # 55 kBq/kg x 80 kg (Xofigo label example)
    assert result.value_unit == "kBq"
    assert result.flags == ()


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        pytest.param({"castration_resistant": False}, "not_castration_resistant", id="Xofigo-crpc"),
        pytest.param({"symptomatic_bone_mets": False}, "not_symptomatic", id="EMA2018-asymptomatic"),
        pytest.param({"known_visceral_mets": True}, "visceral_metastases", id="Xofigo-visceral"),
        pytest.param({"bone_metastasis_count": 1}, "fewer_than_2_bone_metastases", id="ALSYMPCA-1-bone-met"),
        pytest.param({"lymph_node_max_cm": 3}, "lymph_node_ge_3cm", id="ALSYMPCA-node-3cm"),
        pytest.param({"concurrent_abiraterone": True}, "with_abiraterone", id="EMA2018-abiraterone"),
        pytest.param(
            {"other_systemic_therapy_except_adt": True},
            "other_systemic_therapy",
            id="EMA2018-other-systemic",
        ),
        pytest.param(
            {"prior_mcrpc_lines": 1, "ineligible_for_other_treatment": False},
            "fewer_than_2_prior_lines",
            id="EMA2018-1-prior-line",
        ),
        pytest.param({"anc_10e9_l": "1.49"}, "anc_low", id="Xofigo-first-ANC-1.49"),
        pytest.param({"platelets_10e9_l": "99"}, "platelets_low", id="Xofigo-first-PLT-99"),
        pytest.param({"hb_g_l": "99"}, "hb_low", id="Xofigo-first-Hb-99"),
        pytest.param({"dose_number": 2, "anc_10e9_l": "0.99"}, "anc_low", id="Xofigo-later-ANC-0.99"),
        pytest.param({"dose_number": 6, "platelets_10e9_l": "49"}, "platelets_low", id="Xofigo-later-PLT-49"),
    ],
)
def test_radium_each_failed_condition(change: dict[str, Any], reason: str) -> None:
    result = evaluate("radium_223", {**RADIUM_OK, **change})
    assert result.band == "not_eligible"
    assert result.flags == (reason,)
    assert result.total is None


def test_radium_lists_every_failed_reason() -> None:
    result = evaluate(
        "radium_223",
        {
            **RADIUM_OK,
            "castration_resistant": False,
            "symptomatic_bone_mets": False,
            "known_visceral_mets": True,
            "bone_metastasis_count": 0,
            "lymph_node_max_cm": 5,
            "concurrent_abiraterone": True,
            "other_systemic_therapy_except_adt": True,
            "prior_mcrpc_lines": 0,
            "ineligible_for_other_treatment": False,
            "anc_10e9_l": 1,
            "platelets_10e9_l": 60,
            "hb_g_l": 90,
        },
    )
    assert result.band == "not_eligible"
    assert set(result.flags) == {
        "not_castration_resistant",
        "not_symptomatic",
        "visceral_metastases",
        "fewer_than_2_bone_metastases",
        "lymph_node_ge_3cm",
        "with_abiraterone",
        "other_systemic_therapy",
        "fewer_than_2_prior_lines",
        "anc_low",
        "platelets_low",
        "hb_low",
    }


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            {"prior_mcrpc_lines": 1, "ineligible_for_other_treatment": True},
            id="EMA2018-ineligible-for-other-treatment",
        ),
        pytest.param(
            {"dose_number": 2, "anc_10e9_l": "1.0", "platelets_10e9_l": 50, "hb_g_l": 80},
            id="Xofigo-later-dose-minima-Hb-not-required",
        ),
        pytest.param({"dose_number": 3, "hb_g_l": None}, id="Xofigo-later-dose-no-Hb"),
    ],
)
def test_radium_eligible_variants(change: dict[str, Any]) -> None:
    result = evaluate("radium_223", {**RADIUM_OK, **change})
    assert result.band == "eligible"


def test_radium_missing_input_is_incomplete_but_known_failures_are_flagged() -> None:
    inputs = {**RADIUM_OK, "known_visceral_mets": True}
    del inputs["weight_kg"]
    result = evaluate("radium_223", inputs)
    assert result.band == INCOMPLETE
    assert result.missing == ("weight_kg",)
    assert result.flags == ("visceral_metastases",)


# --- definitions, labels and purity ---------------------------------------------------------


@pytest.mark.parametrize("score_id", list(SCORES))
def test_definition_is_complete_and_bilingual(score_id: str) -> None:
    definition = SCORES[score_id]
    assert definition.score_id == score_id
    assert definition.source
    assert CJK.search(definition.name_zh)
    assert definition.inputs
    for band, (label_en, label_zh) in definition.bands.items():
        action_en, action_zh = definition.band_actions[band]
        assert label_en
        assert action_en
        assert CJK.search(label_zh), band
        assert CJK.search(action_zh), band


def _all_values(score_id: str) -> list[dict[str, Any]]:
    """One complete input set per allowed value of each categorical input."""
    specs = SCORES[score_id].inputs
    rows: list[dict[str, Any]] = []
    for name, allowed in specs.items():
        if isinstance(allowed, tuple):
            rows.extend({name: value} for value in allowed)
    return rows


@pytest.mark.parametrize("score_id", ["mirels", "sins", "tomita", "tokuhashi_revised", "katagiri_new", "bilsky_escc"])
def test_every_breakdown_label_is_bilingual(score_id: str) -> None:
    for inputs in _all_values(score_id):
        result = evaluate(score_id, inputs)
        for item in result.breakdown:
            assert item.label_en
            assert CJK.search(item.label_zh), (score_id, inputs)


def test_readme_labels_examples() -> None:
    sins = evaluate("sins", {"pain": "mechanical", "vertebral_body_collapse": "lt_50_collapse"})
    labels = [item.label_zh for item in sins.breakdown]
    assert any("机械性疼痛" in label for label in labels)
    assert any("椎体塌陷 <50%" in label for label in labels)
    mirels = evaluate("mirels", {"lesion_type": "lytic"})
    assert "溶骨性" in mirels.breakdown[0].label_zh


FORBIDDEN_IMPORTS = {"streamlit", "duckdb", "plotly", "db", "pandas"}


def test_scores_package_is_pure() -> None:
    package = Path(__file__).resolve().parents[2] / "core" / "scores"
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN_IMPORTS, (module.name, name)


def test_results_are_frozen() -> None:
    from pydantic import ValidationError

    result = evaluate("ecog", {"ecog": 1})
    with pytest.raises(ValidationError):
        result.band = "2"  # type: ignore[misc]
