"""Inputs that must be rejected, and missing inputs that must give ``incomplete``."""

from __future__ import annotations

from typing import Any

import pytest

from core.errors import BoneMDTError, FieldError
from core.scores import SCORES, ScoreInputError, evaluate
from core.scores.base import INCOMPLETE

BAD = "zz_bogus_value"


def _reject(score: str, inputs: dict[str, Any], field: str, shown: str) -> Any:
    return pytest.param(score, inputs, field, shown, id=f"{score}-{field}-{shown}")


REJECTED = [
    # unknown value
    _reject("mirels", {"site": BAD}, "site", BAD),
    _reject("mirels", {"size_fraction": "one_half"}, "size_fraction", "one_half"),
    _reject("sins", {"pain": BAD}, "pain", BAD),
    _reject("sins", {"level": "T13"}, "level", "T13"),
    _reject("sins", {"level": "Co1"}, "level", "Co1"),
    _reject("sins", {"level": "coccyx"}, "level", "coccyx"),
    _reject("sins", {"location": "coccygeal"}, "location", "coccygeal"),
    _reject("sins", {"vertebral_body_collapse": "eq_50_collapse"}, "vertebral_body_collapse", "eq_50"),
    _reject("tomita", {"primary_tumor_growth": "very_rapid"}, "primary_tumor_growth", "very_rapid"),
    _reject("tokuhashi_revised", {"palsy_frankel": "F"}, "palsy_frankel", "F"),
    _reject("tokuhashi_revised", {"primary_site_group": "p6_x"}, "primary_site_group", "p6_x"),
    _reject("katagiri_new", {"lab_tier": "severe"}, "lab_tier", "severe"),
    _reject("katagiri_new", {"ecog_ps_3_or_4": "maybe"}, "ecog_ps_3_or_4", "maybe"),
    _reject("bilsky_escc", {"escc_grade": "1d"}, "escc_grade", "1d"),
    _reject("bilsky_escc", {"escc_grade": 4}, "escc_grade", "4"),
    _reject("frankel", {"frankel_grade": "Z"}, "frankel_grade", "Z"),
    _reject("zoledronic_acid_dose", {"sex": "unknown_sex"}, "sex", "unknown_sex"),
    _reject("radium_223", {"castration_resistant": "yes_please"}, "castration_resistant", "yes_p"),
    # out of range / not a number / not whole
    _reject("corrected_calcium", {"calcium_mmol_l": 9.87}, "calcium_mmol_l", "9.87"),
    _reject("corrected_calcium", {"calcium_mmol_l": 0.99}, "calcium_mmol_l", "0.99"),
    _reject("corrected_calcium", {"albumin_g_l": 61}, "albumin_g_l", "61"),
    _reject("corrected_calcium", {"albumin_g_l": "NaN"}, "albumin_g_l", "NaN"),
    _reject("corrected_calcium", {"albumin_g_l": "abc"}, "albumin_g_l", "abc"),
    _reject("corrected_calcium", {"albumin_g_l": True}, "albumin_g_l", "True"),
    _reject("ctcae_hypercalcaemia", {"uln_mmol_l": 2.93}, "uln_mmol_l", "2.93"),
    _reject("ctcae_hypercalcaemia", {"uln_mmol_l": 2.39}, "uln_mmol_l", "2.39"),
    _reject("zoledronic_acid_dose", {"age_years": 17}, "age_years", "17"),
    _reject("zoledronic_acid_dose", {"age_years": 111}, "age_years", "111"),
    _reject("zoledronic_acid_dose", {"age_years": 45.5}, "age_years", "45.5"),
    _reject("zoledronic_acid_dose", {"weight_kg": 29.9}, "weight_kg", "29.9"),
    _reject("zoledronic_acid_dose", {"weight_kg": 250.1}, "weight_kg", "250.1"),
    _reject("zoledronic_acid_dose", {"serum_creatinine_umol_l": 19}, "serum_creatinine_umol_l", "19"),
    _reject("zoledronic_acid_dose", {"serum_creatinine_mg_dl": 17.5}, "serum_creatinine_mg_dl", "17.5"),
    _reject(
        "zoledronic_acid_dose",
        {"creatinine_clearance_ml_min": -5},
        "creatinine_clearance_ml_min",
        "-5",
    ),
    _reject("zoledronic_acid_dose", {"height_cm": 99}, "height_cm", "99"),
    _reject("who_analgesic_ladder", {"nrs": 11}, "nrs", "11"),
    _reject("who_analgesic_ladder", {"nrs": 3.5}, "nrs", "3.5"),
    _reject("who_analgesic_ladder", {"vas_cm": 10.5}, "vas_cm", "10.5"),
    _reject("who_analgesic_ladder", {"vas_mm": 101}, "vas_mm", "101"),
    _reject("ecog", {"ecog": 6}, "ecog", "6"),
    _reject("ecog", {"ecog": -1}, "ecog", "-1"),
    _reject("karnofsky", {"kps": 75}, "kps", "75"),
    _reject("karnofsky", {"kps": 110}, "kps", "110"),
    _reject("tokuhashi_revised", {"kps": 65}, "kps", "65"),
    _reject("tokuhashi_revised", {"ecog": 7}, "ecog", "7"),
    _reject("radium_223", {"dose_number": 7}, "dose_number", "7"),
    _reject("radium_223", {"dose_number": 0}, "dose_number", "0"),
    _reject("radium_223", {"hb_g_l": 999}, "hb_g_l", "999"),
    # unknown field
    *(_reject(score, {"zz_unknown_field": 1}, "zz_unknown_field", "zz_unknown_field") for score in SCORES),
]


@pytest.mark.parametrize(("score", "inputs", "field", "shown"), REJECTED)
def test_rejected(score: str, inputs: dict[str, Any], field: str, shown: str) -> None:
    with pytest.raises(ScoreInputError) as caught:
        evaluate(score, inputs)
    message = str(caught.value)
    assert field in message
    (bad_value,) = inputs.values()
    if field != "zz_unknown_field":
        assert str(bad_value) not in message.split(":", 1)[1]
        assert field in caught.value.errors
    else:
        assert "allowed inputs" in message
        for name in SCORES[score].inputs:
            assert name in message


@pytest.mark.parametrize(
    ("score", "field", "expected"),
    [
        pytest.param("mirels", "site", "upper_limb, lower_limb, peritrochanteric", id="mirels"),
        pytest.param("corrected_calcium", "calcium_mmol_l", "from 1.00 to 5.00", id="calcium"),
        pytest.param("karnofsky", "kps", "multiple of 10 from 0 to 100", id="karnofsky"),
    ],
)
def test_message_lists_allowed_values(score: str, field: str, expected: str) -> None:
    with pytest.raises(ScoreInputError, match=expected):
        evaluate(score, {field: "zz_not_allowed"})


def test_error_is_a_value_error_and_a_domain_field_error() -> None:
    with pytest.raises(ScoreInputError) as caught:
        evaluate("mirels", {"site": BAD})
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, FieldError)
    assert isinstance(caught.value, BoneMDTError)


def test_unknown_score_lists_score_ids_without_echo() -> None:
    with pytest.raises(ScoreInputError) as caught:
        evaluate("zz_no_such_score", {})
    message = str(caught.value)
    assert "zz_no_such_score" not in message
    assert "score_id" in message
    for score_id in SCORES:
        assert score_id in message


def test_inputs_must_be_a_mapping() -> None:
    with pytest.raises(ScoreInputError, match="inputs"):
        evaluate("mirels", [("site", "upper_limb")])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("score", "inputs", "field"),
    [
        pytest.param("sins", {"level": "T9", "location": "mobile"}, "location", id="sins-mismatch"),
        pytest.param(
            "tokuhashi_revised",
            {"kps": 40, "general_condition_kps": "good_80_100"},
            "kps",
            id="tokuhashi-kps-mismatch",
        ),
        pytest.param(
            "zoledronic_acid_dose",
            {"serum_creatinine_umol_l": 100, "serum_creatinine_mg_dl": 1.1},
            "serum_creatinine_mg_dl",
            id="zoledronic-two-units",
        ),
    ],
)
def test_contradictory_inputs(score: str, inputs: dict[str, Any], field: str) -> None:
    with pytest.raises(ScoreInputError) as caught:
        evaluate(score, inputs)
    assert field in caught.value.errors
    for value in inputs.values():
        assert str(value) not in str(caught.value)


# --- missing inputs ------------------------------------------------------------------------

ALL_MISSING = {
    "mirels": ("site", "pain", "lesion_type", "size_fraction"),
    "sins": (
        "location",
        "pain",
        "bone_lesion",
        "alignment",
        "vertebral_body_collapse",
        "posterolateral_involvement",
    ),
    "tomita": ("primary_tumor_growth", "visceral_metastases", "bone_metastases"),
    "tokuhashi_revised": (
        "general_condition_kps",
        "extraspinal_bone_mets",
        "vertebral_body_mets",
        "major_organ_mets",
        "primary_site_group",
        "palsy_frankel",
    ),
    "katagiri_new": (
        "primary_growth_group",
        "visceral_metastases",
        "lab_tier",
        "ecog_ps_3_or_4",
        "previous_chemotherapy",
        "multiple_skeletal_metastases",
    ),
    "bilsky_escc": ("escc_grade",),
    "corrected_calcium": ("calcium_mmol_l", "albumin_g_l"),
    "ctcae_hypercalcaemia": ("corrected_calcium_mmol_l",),
    "zoledronic_acid_dose": ("creatinine_clearance_ml_min",),
    "who_analgesic_ladder": ("nrs",),
    "frankel": ("frankel_grade",),
    "ecog": ("ecog",),
    "karnofsky": ("kps",),
    "radium_223": (
        "castration_resistant",
        "symptomatic_bone_mets",
        "known_visceral_mets",
        "bone_metastasis_count",
        "lymph_node_max_cm",
        "concurrent_abiraterone",
        "other_systemic_therapy_except_adt",
        "prior_mcrpc_lines",
        "ineligible_for_other_treatment",
        "dose_number",
        "anc_10e9_l",
        "platelets_10e9_l",
        "hb_g_l",
        "weight_kg",
    ),
}


def test_every_score_has_a_missing_row() -> None:
    assert set(ALL_MISSING) == set(SCORES)


@pytest.mark.parametrize(("score", "missing"), ALL_MISSING.items(), ids=list(ALL_MISSING))
@pytest.mark.parametrize("empty", [{}, None], ids=["absent", "none-values"])
def test_nothing_given_is_incomplete(score: str, missing: tuple[str, ...], empty: dict[str, Any] | None) -> None:
    inputs = {} if empty is not None else dict.fromkeys(SCORES[score].inputs)
    result = evaluate(score, inputs)
    assert result.band == INCOMPLETE
    assert result.total is None
    assert result.missing == missing
    assert result.band_label_en
    assert result.band_label_zh


PARTIAL = [
    pytest.param(
        "mirels",
        {"site": "lower_limb", "pain": "mild", "lesion_type": "lytic"},
        ("size_fraction",),
        id="mirels-no-size",
    ),
    pytest.param(
        "sins",
        {
            "level": "T9",
            "pain": "mechanical",
            "bone_lesion": "lytic",
            "alignment": "normal",
            "posterolateral_involvement": "none",
        },
        ("vertebral_body_collapse",),
        id="sins-no-collapse",
    ),
    pytest.param(
        "katagiri_new",
        {
            "primary_growth_group": "slow",
            "visceral_metastases": "none",
            "lab_tier": None,
            "ecog_ps_3_or_4": False,
            "previous_chemotherapy": False,
            "multiple_skeletal_metastases": False,
        },
        ("lab_tier",),
        id="katagiri-lab-none-is-missing-not-normal",
    ),
    pytest.param("corrected_calcium", {"calcium_mmol_l": 2.4}, ("albumin_g_l",), id="calcium-no-albumin"),
    pytest.param(
        "zoledronic_acid_dose",
        {"age_years": 70, "sex": "female"},
        ("weight_kg", "serum_creatinine_umol_l"),
        id="zoledronic-partial-cockcroft-gault",
    ),
]


@pytest.mark.parametrize(("score", "inputs", "missing"), PARTIAL)
def test_partial_inputs_are_incomplete(score: str, inputs: dict[str, Any], missing: tuple[str, ...]) -> None:
    result = evaluate(score, inputs)
    assert result.band == INCOMPLETE
    assert result.total is None
    assert result.missing == missing
    given = {k for k, v in inputs.items() if v is not None}
    assert {item.input for item in result.breakdown} <= given | {"location", "level"}
