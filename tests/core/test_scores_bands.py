"""Every score at its minimum, maximum and on both sides of every band boundary.

Each row's id names its source, the score, the total (or input) and the expected band.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from core.scores import SCORES, evaluate


def _row(source: str, score: str, inputs: dict[str, Any], total: Any, band: str) -> Any:
    shown = "none" if total is None else str(total)
    return pytest.param(score, inputs, total, band, id=f"{source}-{score}-{shown}-{band}")


def _mirels(site: str, pain: str, lesion: str, size: str) -> dict[str, Any]:
    return {"site": site, "pain": pain, "lesion_type": lesion, "size_fraction": size}


def _sins(where: str, pain: str, lesion: str, align: str, collapse: str, post: str) -> Any:
    key = "location" if where.islower() else "level"
    return {
        key: where,
        "pain": pain,
        "bone_lesion": lesion,
        "alignment": align,
        "vertebral_body_collapse": collapse,
        "posterolateral_involvement": post,
    }


def _tomita(growth: str, visceral: str, bone: str) -> dict[str, Any]:
    return {
        "primary_tumor_growth": growth,
        "visceral_metastases": visceral,
        "bone_metastases": bone,
    }


P0 = "p0_lung_osteosarcoma_stomach_bladder_esophagus_pancreas"
P5 = "p5_thyroid_breast_prostate_carcinoid"


def _tokuhashi(kps: str, extra: str, vert: str, organ: str, primary: str, palsy: str) -> Any:
    return {
        "general_condition_kps": kps,
        "extraspinal_bone_mets": extra,
        "vertebral_body_mets": vert,
        "major_organ_mets": organ,
        "primary_site_group": primary,
        "palsy_frankel": palsy,
    }


def _katagiri(growth: str, visceral: str, lab: str, ecog: bool, chemo: bool, multi: bool) -> Any:
    return {
        "primary_growth_group": growth,
        "visceral_metastases": visceral,
        "lab_tier": lab,
        "ecog_ps_3_or_4": ecog,
        "previous_chemotherapy": chemo,
        "multiple_skeletal_metastases": multi,
    }


M, S, T, TK, K = "Mirels1989", "Fisher2010", "Tomita2001", "Tokuhashi2005", "Katagiri2014"

POINT_ROWS = [
    _row(M, "mirels", _mirels("upper_limb", "mild", "blastic", "lt_one_third"), 4, "low_risk"),
    _row(
        M,
        "mirels",
        _mirels("lower_limb", "moderate", "blastic", "one_third_to_two_thirds"),
        7,
        "low_risk",
    ),
    _row(
        M,
        "mirels",
        _mirels("peritrochanteric", "moderate", "blastic", "one_third_to_two_thirds"),
        8,
        "borderline",
    ),
    _row(
        M,
        "mirels",
        _mirels("upper_limb", "functional", "lytic", "one_third_to_two_thirds"),
        9,
        "high_risk",
    ),
    _row(
        M,
        "mirels",
        _mirels("peritrochanteric", "functional", "lytic", "gt_two_thirds"),
        12,
        "high_risk",
    ),
    _row(S, "sins", _sins("rigid", "pain_free", "blastic", "normal", "none", "none"), 0, "stable"),
    _row(S, "sins", _sins("mobile", "mechanical", "mixed", "normal", "none", "none"), 6, "stable"),
    _row(
        S,
        "sins",
        _sins("mobile", "mechanical", "lytic", "normal", "none", "none"),
        7,
        "indeterminate",
    ),
    _row(
        S,
        "sins",
        _sins(
            "junctional",
            "mechanical",
            "lytic",
            "de_novo_deformity",
            "no_collapse_gt_50_involved",
            "unilateral",
        ),
        12,
        "indeterminate",
    ),
    _row(
        S,
        "sins",
        _sins("junctional", "mechanical", "lytic", "de_novo_deformity", "lt_50_collapse", "unilateral"),
        13,
        "unstable",
    ),
    _row(
        S,
        "sins",
        _sins(
            "junctional",
            "mechanical",
            "lytic",
            "subluxation_translation",
            "gt_50_collapse",
            "bilateral",
        ),
        18,
        "unstable",
    ),
    # Level lookup (Fisher 2010 location definitions).
    _row(S, "sins", _sins("Oc", "pain_free", "blastic", "normal", "none", "none"), 3, "stable"),
    _row(S, "sins", _sins("C7", "pain_free", "blastic", "normal", "none", "none"), 3, "stable"),
    _row(S, "sins", _sins("T9", "pain_free", "blastic", "normal", "none", "none"), 1, "stable"),
    _row(S, "sins", _sins("L5", "pain_free", "blastic", "normal", "none", "none"), 3, "stable"),
    _row(S, "sins", _sins("S2", "pain_free", "blastic", "normal", "none", "none"), 0, "stable"),
    _row(T, "tomita", _tomita("slow", "none", "solitary_or_isolated"), 2, "wide_or_marginal_excision"),
    _row(
        T,
        "tomita",
        _tomita("moderate", "none", "solitary_or_isolated"),
        3,
        "wide_or_marginal_excision",
    ),
    _row(
        T,
        "tomita",
        _tomita("slow", "treatable", "solitary_or_isolated"),
        4,
        "marginal_or_intralesional_excision",
    ),
    _row(
        T,
        "tomita",
        _tomita("rapid", "none", "solitary_or_isolated"),
        5,
        "marginal_or_intralesional_excision",
    ),
    _row(T, "tomita", _tomita("rapid", "none", "multiple"), 6, "palliative_surgery"),
    _row(T, "tomita", _tomita("slow", "untreatable", "multiple"), 7, "palliative_surgery"),
    _row(T, "tomita", _tomita("rapid", "treatable", "multiple"), 8, "supportive_terminal_care"),
    _row(T, "tomita", _tomita("rapid", "untreatable", "multiple"), 10, "supportive_terminal_care"),
    _row(
        TK,
        "tokuhashi_revised",
        _tokuhashi("poor_10_40", "ge3", "ge3", "unremovable", P0, "A"),
        0,
        "lt_6_months",
    ),
    _row(
        TK,
        "tokuhashi_revised",
        _tokuhashi("good_80_100", "zero", "one", "none", P0, "B"),
        8,
        "lt_6_months",
    ),
    _row(
        TK,
        "tokuhashi_revised",
        _tokuhashi("good_80_100", "one_to_two", "two", "removable", "p3_kidney_uterus", "C"),
        9,
        "ge_6_months",
    ),
    _row(
        TK,
        "tokuhashi_revised",
        _tokuhashi("good_80_100", "zero", "one", "none", "p2_other", "D"),
        11,
        "ge_6_months",
    ),
    _row(
        TK,
        "tokuhashi_revised",
        _tokuhashi("good_80_100", "zero", "one", "none", "p2_other", "E"),
        12,
        "ge_12_months",
    ),
    _row(
        TK,
        "tokuhashi_revised",
        _tokuhashi("moderate_50_70", "zero", "two", "none", "p4_rectum", "E"),
        12,
        "ge_12_months",
    ),
    _row(
        TK,
        "tokuhashi_revised",
        _tokuhashi("good_80_100", "zero", "one", "none", P5, "E"),
        15,
        "ge_12_months",
    ),
    _row(K, "katagiri_new", _katagiri("slow", "none", "normal", False, False, False), 0, "low_risk"),
    _row(K, "katagiri_new", _katagiri("rapid", "none", "normal", False, False, False), 3, "low_risk"),
    _row(
        K,
        "katagiri_new",
        _katagiri("rapid", "nodular", "normal", False, False, False),
        4,
        "intermediate_risk",
    ),
    _row(
        K,
        "katagiri_new",
        _katagiri("rapid", "disseminated", "abnormal", False, False, False),
        6,
        "intermediate_risk",
    ),
    _row(
        K,
        "katagiri_new",
        _katagiri("rapid", "disseminated", "critical", False, False, False),
        7,
        "high_risk",
    ),
    _row(
        K,
        "katagiri_new",
        _katagiri("moderate", "none", "abnormal", True, True, True),
        6,
        "intermediate_risk",
    ),
    _row(
        K,
        "katagiri_new",
        _katagiri("rapid", "disseminated", "critical", True, True, True),
        10,
        "high_risk",
    ),
]


@pytest.mark.parametrize(("score", "inputs", "total", "band"), POINT_ROWS)
def test_points_scores(score: str, inputs: dict[str, Any], total: int, band: str) -> None:
    result = evaluate(score, inputs)
    assert (result.total, result.band) == (total, band)
    assert result.missing == ()
    assert sum(item.points or 0 for item in result.breakdown) == total
    low, high = SCORES[score].total_range or (None, None)
    assert low is not None
    assert high is not None
    assert low <= total <= high


W = "Walsh2016"
CORRECTED_ROWS = [
    _row(W, "corrected_calcium", {"calcium_mmol_l": "1.00", "albumin_g_l": 60}, "0.60", "low"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": "2.19", "albumin_g_l": 40}, "2.19", "low"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": "2.20", "albumin_g_l": 40}, "2.20", "normal"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": 1.88, "albumin_g_l": 24}, "2.20", "normal"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": "2.194", "albumin_g_l": 40}, "2.19", "low"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": "2.195", "albumin_g_l": 40}, "2.20", "normal"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": "2.60", "albumin_g_l": 40}, "2.60", "normal"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": "2.604", "albumin_g_l": 40}, "2.60", "normal"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": "2.605", "albumin_g_l": 40}, "2.61", "mild"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": "2.61", "albumin_g_l": 40}, "2.61", "mild"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": "2.99", "albumin_g_l": 40}, "2.99", "mild"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": "3.00", "albumin_g_l": 40}, "3.00", "moderate"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": 2.9, "albumin_g_l": 35}, "3.00", "moderate"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": "3.50", "albumin_g_l": 40}, "3.50", "moderate"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": "3.51", "albumin_g_l": 40}, "3.51", "severe"),
    _row(W, "corrected_calcium", {"calcium_mmol_l": "5.00", "albumin_g_l": 10}, "5.60", "severe"),
    _row(
        "theguidewire",
        "corrected_calcium",
        {"calcium_mmol_l": 1.83, "albumin_g_l": 26},
        "2.11",
        "low",
    ),
    # GDL test suite: 9 mg/dL, albumin 70 g/L -> 6.6 mg/dL; here 2.25 mmol/L, albumin 60 g/L.
    _row("GDL", "corrected_calcium", {"calcium_mmol_l": 2.25, "albumin_g_l": 60}, "1.85", "low"),
]


@pytest.mark.parametrize(("score", "inputs", "total", "band"), CORRECTED_ROWS)
def test_corrected_calcium(score: str, inputs: dict[str, Any], total: str, band: str) -> None:
    result = evaluate(score, inputs)
    assert result.total == Decimal(total)
    assert isinstance(result.total, Decimal)
    assert str(result.total) == total  # quantised to 0.01
    assert result.band == band
    assert result.value_unit == "mmol/L"


C = "CTCAEv5"


def _ctcae(calcium: str, uln: str | None = None) -> dict[str, Any]:
    inputs: dict[str, Any] = {"corrected_calcium_mmol_l": calcium}
    if uln is not None:
        inputs["uln_mmol_l"] = uln
    return inputs


CTCAE_ROWS = [
    _row(C, "ctcae_hypercalcaemia", _ctcae("0.50"), "0.50", "grade_0"),
    _row(C, "ctcae_hypercalcaemia", _ctcae("2.60"), "2.60", "grade_0"),
    _row(C, "ctcae_hypercalcaemia", _ctcae("2.61"), "2.61", "grade_1"),
    _row(C, "ctcae_hypercalcaemia", _ctcae("2.90"), "2.90", "grade_1"),
    _row(C, "ctcae_hypercalcaemia", _ctcae("2.91"), "2.91", "grade_2"),
    _row(C, "ctcae_hypercalcaemia", _ctcae("3.10"), "3.10", "grade_2"),
    _row(C, "ctcae_hypercalcaemia", _ctcae("3.11"), "3.11", "grade_3"),
    _row(C, "ctcae_hypercalcaemia", _ctcae("3.40"), "3.40", "grade_3"),
    _row(C, "ctcae_hypercalcaemia", _ctcae("3.41"), "3.41", "grade_4"),
    _row(C, "ctcae_hypercalcaemia", _ctcae("6.00"), "6.00", "grade_4"),
    _row(C, "ctcae_hypercalcaemia", _ctcae("2.40", "2.40"), "2.40_uln2.40", "grade_0"),
    _row(C, "ctcae_hypercalcaemia", _ctcae("2.41", "2.40"), "2.41_uln2.40", "grade_1"),
    _row(C, "ctcae_hypercalcaemia", _ctcae("2.80", "2.80"), "2.80_uln2.80", "grade_0"),
    _row(C, "ctcae_hypercalcaemia", _ctcae("2.81", "2.80"), "2.81_uln2.80", "grade_1"),
]


@pytest.mark.parametrize(("score", "inputs", "label", "band"), CTCAE_ROWS)
def test_ctcae_hypercalcaemia(score: str, inputs: dict[str, Any], label: str, band: str) -> None:
    result = evaluate(score, inputs)
    assert result.band == band
    assert result.total is None
    assert ("default_uln_used" in result.flags) == ("uln_mmol_l" not in inputs)
    qualifier = band in {"grade_2", "grade_3", "grade_4"}
    assert ("clinical_qualifier_unconfirmed" in result.flags) == qualifier


Z = "Zometa-label"
ZOLEDRONIC_ROWS = [
    _row(Z, "zoledronic_acid_dose", {"creatinine_clearance_ml_min": c}, c, band)
    for c, band in [
        ("0", "not_recommended"),
        ("29.99", "not_recommended"),
        ("30", "3.0_mg"),
        ("39.99", "3.0_mg"),
        ("40", "3.3_mg"),
        ("49.99", "3.3_mg"),
        ("50", "3.5_mg"),
        ("60", "3.5_mg"),
        ("60.01", "4.0_mg"),
        ("250", "4.0_mg"),
    ]
]


@pytest.mark.parametrize(("score", "inputs", "total", "band"), ZOLEDRONIC_ROWS)
def test_zoledronic_dose_bands(score: str, inputs: dict[str, Any], total: str, band: str) -> None:
    result = evaluate(score, inputs)
    assert result.total == Decimal(total)
    assert result.band == band
    assert result.value_unit == "mL/min"


N = "NHC2018"
ANALGESIC_ROWS = [
    *(
        _row(N, "who_analgesic_ladder", {"nrs": nrs}, f"nrs{nrs}", band)
        for nrs, band in [
            (0, "no_pain"),
            (1, "step_1"),
            (3, "step_1"),
            (4, "step_2"),
            (6, "step_2"),
            (7, "step_3"),
            (10, "step_3"),
        ]
    ),
    *(
        _row(N, "who_analgesic_ladder", {"vas_cm": cm}, f"vas{cm}cm", band)
        for cm, band in [
            ("0", "no_pain"),
            ("0.49", "no_pain"),
            ("0.5", "step_1"),
            ("3.49", "step_1"),
            ("3.5", "step_2"),
            ("6.49", "step_2"),
            ("6.5", "step_3"),
            ("10", "step_3"),
        ]
    ),
    *(
        _row(N, "who_analgesic_ladder", {"vas_mm": mm}, f"vas{mm}mm", band)
        for mm, band in [
            ("0", "no_pain"),
            ("4", "no_pain"),
            ("5", "step_1"),
            ("34", "step_1"),
            ("35", "step_2"),
            ("64", "step_2"),
            ("65", "step_3"),
            ("100", "step_3"),
        ]
    ),
]


@pytest.mark.parametrize(("score", "inputs", "label", "band"), ANALGESIC_ROWS)
def test_analgesic_ladder(score: str, inputs: dict[str, Any], label: str, band: str) -> None:
    result = evaluate(score, inputs)
    assert result.band == band
    assert result.total is None
    assert ("nrs_from_vas" in result.flags) == ("nrs" not in inputs)


B = "Bilsky2010"
BILSKY_ROWS = [
    _row(B, "bilsky_escc", {"escc_grade": grade}, None, band)
    for grade, band in [
        ("0", "low_grade"),
        ("1a", "low_grade"),
        ("1b", "low_grade"),
        ("1c", "intermediate_1c"),
        ("2", "high_grade"),
        ("3", "high_grade"),
    ]
]

F = "Frankel1969"
FRANKEL_ROWS = [_row(F, "frankel", {"frankel_grade": grade}, None, grade) for grade in ["A", "B", "C", "D", "E"]]


@pytest.mark.parametrize(("score", "inputs", "total", "band"), BILSKY_ROWS + FRANKEL_ROWS)
def test_label_grades(score: str, inputs: dict[str, Any], total: None, band: str) -> None:
    result = evaluate(score, inputs)
    assert result.band == band
    assert result.total is None
    assert band in SCORES[score].bands


@pytest.mark.parametrize(
    ("grade", "points"),
    [
        pytest.param("A", 0, id="Tokuhashi2005-Frankel-A-0"),
        pytest.param("B", 0, id="Tokuhashi2005-Frankel-B-0"),
        pytest.param("C", 1, id="Tokuhashi2005-Frankel-C-1"),
        pytest.param("D", 1, id="Tokuhashi2005-Frankel-D-1"),
        pytest.param("E", 2, id="Tokuhashi2005-Frankel-E-2"),
    ],
)
def test_frankel_carries_tokuhashi_palsy_points(grade: str, points: int) -> None:
    (item,) = evaluate("frankel", {"frankel_grade": grade}).breakdown
    assert item.points == points
    assert f"AIS {grade}" in item.label_en


def test_bilsky_1c_asks_for_discussion() -> None:
    assert "discuss_surgery_vs_radiosurgery" in evaluate("bilsky_escc", {"escc_grade": "1c"}).flags


@pytest.mark.parametrize(
    ("ecog", "crosswalk"),
    [
        pytest.param(e, k, id=f"Oken1982-ecog-{e}-KPS{k}")
        for e, k in [
            (0, "90–100"),
            (1, "70–80"),
            (2, "50–60"),
            (3, "30–40"),
            (4, "10–20"),
            (5, "0"),
        ]
    ],
)
def test_ecog(ecog: int, crosswalk: str) -> None:
    result = evaluate("ecog", {"ecog": ecog})
    assert (result.total, result.band) == (ecog, str(ecog))
    assert result.breakdown[1].value == crosswalk
    assert result.band_label_zh.startswith(f"ECOG {ecog}分")


@pytest.mark.parametrize(
    ("kps", "ecog"),
    [
        pytest.param(k, e, id=f"Karnofsky1949-kps-{k}-ECOG{e}")
        for k, e in [
            (0, 5),
            (10, 4),
            (20, 4),
            (30, 3),
            (40, 3),
            (50, 2),
            (60, 2),
            (70, 1),
            (80, 1),
            (90, 0),
            (100, 0),
        ]
    ],
)
def test_karnofsky(kps: int, ecog: int) -> None:
    result = evaluate("karnofsky", {"kps": kps})
    assert (result.total, result.band) == (kps, str(kps))
    assert result.breakdown[1].value == str(ecog)
