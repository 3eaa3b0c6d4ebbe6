"""Properties: totals stay in range, bands never fall as totals rise, missing is never 0."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.scores import SCORES, ScoreInputError, evaluate
from core.scores.base import INCOMPLETE, YesNo

PROPERTY_SETTINGS = settings(max_examples=150, database=None, deadline=None)

POINT_SCORES = ["mirels", "sins", "tomita", "tokuhashi_revised", "katagiri_new"]
SCORED_INPUTS = {
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
}


@st.composite
def complete_points_inputs(draw: st.DrawFn, score_id: str) -> dict[str, Any]:
    definition = SCORES[score_id]
    inputs: dict[str, Any] = {}
    for name in SCORED_INPUTS[score_id]:
        allowed = definition.inputs[name]
        if isinstance(definition.specs[name], YesNo):
            inputs[name] = draw(st.booleans())
        else:
            assert isinstance(allowed, tuple)
            inputs[name] = draw(st.sampled_from(allowed))
    return inputs


def _rank(score_id: str, band: str) -> int:
    return list(SCORES[score_id].bands).index(band)


def _check_points_pair(score_id: str, first: dict[str, Any], second: dict[str, Any]) -> None:
    a, b = evaluate(score_id, first), evaluate(score_id, second)
    low, high = SCORES[score_id].total_range or (None, None)
    for result in (a, b):
        assert isinstance(result.total, int)
        assert low is not None
        assert high is not None
        assert low <= result.total <= high
        assert result.band in SCORES[score_id].bands
        assert result.total == sum(item.points or 0 for item in result.breakdown)
    assert a.total is not None
    assert b.total is not None
    if a.total < b.total:
        assert _rank(score_id, a.band) <= _rank(score_id, b.band)
    if a.total == b.total:
        assert a.band == b.band


@PROPERTY_SETTINGS
@given(data=st.data(), score_id=st.sampled_from(POINT_SCORES))
def test_points_scores_in_range_and_monotone(data: st.DataObject, score_id: str) -> None:
    first = data.draw(complete_points_inputs(score_id))
    second = data.draw(complete_points_inputs(score_id))
    _check_points_pair(score_id, first, second)


@PROPERTY_SETTINGS
@given(data=st.data(), score_id=st.sampled_from(POINT_SCORES))
def test_a_missing_item_is_never_scored_as_zero(data: st.DataObject, score_id: str) -> None:
    inputs = data.draw(complete_points_inputs(score_id))
    dropped = data.draw(st.sampled_from(sorted(inputs)))
    result = evaluate(score_id, {k: v for k, v in inputs.items() if k != dropped})
    assert result.band == INCOMPLETE
    assert result.total is None
    assert dropped in result.missing


@PROPERTY_SETTINGS
@given(data=st.data())
def test_sins_level_equals_its_location(data: st.DataObject) -> None:
    from core.scores import SINS_LEVEL_LOCATION

    inputs = data.draw(complete_points_inputs("sins"))
    level = data.draw(st.sampled_from(sorted(SINS_LEVEL_LOCATION)))
    by_level = evaluate("sins", {**inputs, "location": None, "level": level})
    by_location = evaluate("sins", {**inputs, "location": SINS_LEVEL_LOCATION[level]})
    assert (by_level.total, by_level.band) == (by_location.total, by_location.band)


def _decimals(low: str, high: str, places: int = 2) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=Decimal(low), max_value=Decimal(high), places=places, allow_nan=False)


@PROPERTY_SETTINGS
@given(
    a=st.tuples(_decimals("1.00", "5.00"), _decimals("10", "60", 1)),
    b=st.tuples(_decimals("1.00", "5.00"), _decimals("10", "60", 1)),
    as_float=st.booleans(),
)
def test_corrected_calcium_in_range_and_monotone(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal], as_float: bool) -> None:
    results = []
    for calcium, albumin in (a, b):
        given_calcium: Any = float(calcium) if as_float else calcium
        result = evaluate("corrected_calcium", {"calcium_mmol_l": given_calcium, "albumin_g_l": albumin})
        assert isinstance(result.total, Decimal)
        assert result.total == result.total.quantize(Decimal("0.01"))
        exact = calcium + Decimal("0.02") * (40 - albumin)
        assert abs(result.total - exact) <= Decimal("0.005")
        assert Decimal("0.60") <= result.total <= Decimal("5.60")
        results.append(result)
    first, second = results
    assert first.total is not None
    assert second.total is not None
    if first.total < second.total:
        assert _rank("corrected_calcium", first.band) <= _rank("corrected_calcium", second.band)


@PROPERTY_SETTINGS
@given(
    a=_decimals("0.50", "6.00"),
    b=_decimals("0.50", "6.00"),
    uln=_decimals("2.40", "2.80"),
)
def test_ctcae_grade_monotone(a: Decimal, b: Decimal, uln: Decimal) -> None:
    first = evaluate("ctcae_hypercalcaemia", {"corrected_calcium_mmol_l": a, "uln_mmol_l": uln})
    second = evaluate("ctcae_hypercalcaemia", {"corrected_calcium_mmol_l": b, "uln_mmol_l": uln})
    assert first.total is None
    if a < b:
        assert _rank("ctcae_hypercalcaemia", first.band) <= _rank("ctcae_hypercalcaemia", second.band)
    assert (first.band == "grade_0") == (a <= uln)


DOSE_ASCENDING = ["not_recommended", "3.0_mg", "3.3_mg", "3.5_mg", "4.0_mg"]


@st.composite
def zoledronic_inputs(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        return {"creatinine_clearance_ml_min": draw(_decimals("0", "250"))}
    inputs: dict[str, Any] = {
        "age_years": draw(st.integers(18, 110)),
        "weight_kg": draw(_decimals("30", "250", 1)),
        "sex": draw(st.sampled_from(["male", "female"])),
    }
    if draw(st.booleans()):
        inputs["serum_creatinine_umol_l"] = draw(_decimals("20", "1500", 1))
    else:
        inputs["serum_creatinine_mg_dl"] = draw(_decimals("0.2", "17"))
    return inputs


@PROPERTY_SETTINGS
@given(a=zoledronic_inputs(), b=zoledronic_inputs())
def test_zoledronic_dose_falls_with_crcl(a: dict[str, Any], b: dict[str, Any]) -> None:
    first, second = evaluate("zoledronic_acid_dose", a), evaluate("zoledronic_acid_dose", b)
    low, high = SCORES["zoledronic_acid_dose"].total_range or (None, None)
    for result in (first, second):
        assert isinstance(result.total, Decimal)
        assert low is not None
        assert high is not None
        assert low <= result.total <= high
    assert first.total is not None
    assert second.total is not None
    if first.total < second.total:
        assert DOSE_ASCENDING.index(first.band) <= DOSE_ASCENDING.index(second.band)


@PROPERTY_SETTINGS
@given(a=st.integers(0, 10), b=st.integers(0, 10))
def test_analgesic_step_monotone(a: int, b: int) -> None:
    first, second = (
        evaluate("who_analgesic_ladder", {"nrs": a}),
        evaluate("who_analgesic_ladder", {"nrs": b}),
    )
    if a < b:
        assert _rank("who_analgesic_ladder", first.band) <= _rank("who_analgesic_ladder", second.band)


@PROPERTY_SETTINGS
@given(mm=_decimals("0", "100", 1))
def test_vas_mm_equals_vas_cm(mm: Decimal) -> None:
    by_mm = evaluate("who_analgesic_ladder", {"vas_mm": mm})
    by_cm = evaluate("who_analgesic_ladder", {"vas_cm": mm / 10})
    assert by_mm.band == by_cm.band


@PROPERTY_SETTINGS
@given(score_id=st.sampled_from(sorted(SCORES)), junk=st.text(min_size=1, max_size=20))
def test_unknown_field_always_rejected(score_id: str, junk: str) -> None:
    assume(junk not in SCORES[score_id].inputs)
    with pytest.raises(ScoreInputError, match="allowed inputs"):
        evaluate(score_id, {junk: 1})
