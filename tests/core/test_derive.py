"""Derivation of score inputs from a CaseFile, with provenance (core.derive): the lecture cases,
provenance and the inputs hash (mapping tables: test_derive_mappings.py). Cases are built with
tests/core/case_kit.py; expected values come from docs/clinical/scores.md.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from core.derive import (
    inputs_hash,
)
from core.policy import Policy
from core.scores import cockcroft_gault
from tests.core.case_kit import (
    AS_OF,
    lab,
    lecture_case_1,
    lecture_case_2,
    make_case,
    scores_of,
    sins_lesion,
    spine,
)

# --------------------------------------------------------------------------------------------
# Lecture cases
# --------------------------------------------------------------------------------------------


def test_lecture_case_2_scores_match_the_lecture() -> None:
    scores = scores_of(lecture_case_2())
    sins = scores.max_sins
    assert sins is not None
    assert (sins.total, sins.band, sins.site, sins.lesion_id) == (11, "indeterminate", "T9", 12)
    assert sins.label == "SINS 11 at T9 — Indeterminate: potentially unstable (7–12)"
    assert sins.label_zh == "T9 SINS 11分——潜在不稳定（7–12分）"
    assert scores.get("sins") == sins
    assert scores.patient["frankel"].band == "D"
    tomita = scores.patient["tomita"]
    assert (tomita.total, tomita.band) == (4, "marginal_or_intralesional_excision")
    bilsky = scores.worst_bilsky
    assert bilsky is not None
    assert bilsky.band == "high_grade"
    assert bilsky.label == "Bilsky 2 at T9 — High-grade ESCC (2, 3)"
    assert scores.max_mirels is None  # no long-bone lesion


def test_lecture_case_1_ladder_and_zoledronic_dose() -> None:
    scores = scores_of(lecture_case_1())
    assert scores.patient["who_analgesic_ladder"].band == "step_3"
    zol = scores.patient["zoledronic_acid_dose"]
    # (140 - 66) * 70 / (72 * 88 / 88.4) = 72.27 mL/min -> 4.0 mg
    expected = cockcroft_gault(66, 70, "male", creatinine_umol_l=88)
    assert zol.total == expected
    assert Decimal("72.2") < expected < Decimal("72.3")
    assert zol.band == "4.0_mg"
    assert zol.inputs == {
        "age_years": 66,
        "weight_kg": Decimal("70"),
        "sex": "male",
        "serum_creatinine_umol_l": Decimal("88"),
    }


# --------------------------------------------------------------------------------------------
# Provenance
# --------------------------------------------------------------------------------------------


def test_lab_source_states_its_age() -> None:
    cf = make_case(labs=[lab("calcium", "2.45", 25), lab("albumin", "40", 25)])
    source = scores_of(cf).patient["corrected_calcium"].source("calcium_mmol_l")
    assert source is not None
    assert source.origin == "lab"
    assert source.value == "2.45"
    expected_day = (AS_OF - timedelta(days=25)).isoformat()
    assert source.record == f"lab calcium 2.45 mmol/L on {expected_day} (25 days old)"


def test_lab_outside_window_is_missing_and_says_why() -> None:
    cf = make_case(labs=[lab("creatinine", "80", 120)], weight_kg=Decimal("60"))
    zol = scores_of(cf).patient["zoledronic_acid_dose"]
    assert zol.band == "incomplete"
    source = zol.source("serum_creatinine_umol_l")
    assert source is not None
    assert source.origin == "missing"
    assert "120 days old" in source.note
    assert "28-day window" in source.note  # safety rule 2: 28 days for scores (was 90)
    # A wider department window makes it count; the retired 90-day key changes nothing.
    wider = scores_of(cf, Policy(lab_score_window_days=180)).patient["zoledronic_acid_dose"]
    assert wider.complete
    assert not scores_of(cf, Policy(lab_window_days=180)).patient["zoledronic_acid_dose"].complete


def test_an_85_day_old_creatinine_gives_no_dose_and_the_card_shows_its_oldest_input() -> None:
    old = make_case(labs=[lab("creatinine", "80", 85)], weight_kg=Decimal("60"))
    assert scores_of(old).patient["zoledronic_acid_dose"].band == "incomplete"
    fresh = make_case(labs=[lab("creatinine", "80", 20)], weight_kg=Decimal("60"))
    zol = scores_of(fresh).patient["zoledronic_acid_dose"]
    assert zol.band == "4.0_mg"
    assert zol.oldest_input_age_days == 20
    assert zol.oldest_input_on == AS_OF - timedelta(days=20)


def test_calcium_and_albumin_pair_within_seven_days_inclusive() -> None:
    seven = make_case(labs=[lab("calcium", "2.50", 2), lab("albumin", "30", 9)])
    assert scores_of(seven).patient["corrected_calcium"].complete
    eight = make_case(labs=[lab("calcium", "2.50", 2), lab("albumin", "30", 10)])
    corrected = scores_of(eight).patient["corrected_calcium"]
    assert not corrected.complete
    source = corrected.source("albumin_g_l")
    assert source is not None and "within 7 days" in source.note


def test_stale_case_facts_are_not_scored_and_say_their_age() -> None:
    cf = make_case(ecog=2, nrs=8, observed={"ecog": AS_OF - timedelta(days=40), "nrs": AS_OF - timedelta(days=3)})
    scores = scores_of(cf)
    ecog = scores.patient["ecog"]
    assert not ecog.complete
    source = ecog.source("ecog")
    assert source is not None and "40 days ago" in source.note
    ladder = scores.patient["who_analgesic_ladder"]
    assert ladder.band == "step_3"
    assert ladder.oldest_input_age_days == 3


def test_latest_lab_wins() -> None:
    cf = make_case(labs=[lab("calcium", "2.30", 40), lab("calcium", "2.80", 3), lab("albumin", "40", 3)])
    corrected = scores_of(cf).patient["corrected_calcium"]
    assert corrected.inputs["calcium_mmol_l"] == Decimal("2.80")
    assert corrected.band == "mild"


def test_albumin_of_the_nearest_date_is_paired_with_calcium() -> None:
    cf = make_case(
        labs=[
            lab("calcium", "2.50", 10),
            lab("albumin", "30", 30),
            lab("albumin", "36", 12),
            lab("albumin", "44", 1),
        ]
    )
    corrected = scores_of(cf).patient["corrected_calcium"]
    assert corrected.inputs["albumin_g_l"] == Decimal("36")
    source = corrected.source("albumin_g_l")
    assert source is not None
    assert "2 day(s) apart" in source.note
    assert corrected.total == Decimal("2.58")  # 2.50 + 0.02 * (40 - 36)


def test_ecog_to_kps_conversion_is_flagged_and_display_only() -> None:
    scores = scores_of(make_case(ecog=2))
    kps = scores.patient["karnofsky"]
    assert "kps_converted_from_ecog" in kps.result.flags
    assert kps.band == "incomplete"  # never scored on a converted number
    source = kps.source("kps")
    assert source is not None
    assert (source.origin, source.value) == ("converted", "50–60")
    tokuhashi = scores.patient["tokuhashi_revised"]
    assert "kps_converted_from_ecog" in tokuhashi.result.flags
    ecog_source = tokuhashi.source("ecog")
    assert ecog_source is not None
    assert ecog_source.origin == "converted"


def test_native_kps_is_used_for_tokuhashi() -> None:
    scores = scores_of(make_case(kps=70, ecog=1))
    source = scores.patient["tokuhashi_revised"].source("kps")
    assert source is not None
    assert (source.origin, source.value) == ("case", "70")
    assert scores.patient["karnofsky"].band == "70"


def test_ecog_1_without_kps_leaves_tokuhashi_incomplete_with_a_prompt() -> None:
    cf = lecture_case_2(ecog=1)
    tokuhashi = scores_of(cf).patient["tokuhashi_revised"]
    assert tokuhashi.band == "incomplete"
    assert "general_condition_kps" in tokuhashi.missing
    assert "ecog_1_ambiguous" in tokuhashi.result.flags
    source = tokuhashi.source("ecog")
    assert source is not None
    assert "record KPS" in source.note


def test_missing_inputs_are_listed_never_scored_as_zero() -> None:
    cf = make_case(lesions=[spine("T9", 1)])
    scores = scores_of(cf)
    sins = scores.lesion_scores("sins")[0]
    assert sins.band == "incomplete"
    assert set(sins.missing) == {
        "pain",
        "alignment",
        "vertebral_body_collapse",
        "posterolateral_involvement",
    }
    missing_sources = {s.input for s in sins.sources if s.origin == "missing"}
    assert missing_sources == set(sins.missing)
    assert scores.max_sins is None


def test_kps_converted_to_ecog_for_katagiri() -> None:
    cf = make_case(kps=40)
    source = scores_of(cf).patient["katagiri_new"].source("ecog_ps_3_or_4")
    assert source is not None
    assert (source.origin, source.value) == ("converted", "true")


def test_ionised_calcium_is_reported_when_recorded() -> None:
    cf = make_case(labs=[lab("calcium", "2.50", 2), lab("albumin", "40", 2), lab("ionised_calcium", "1.55", 2)])
    scores = scores_of(cf)
    source = scores.patient["corrected_calcium"].source("ionised_calcium")
    assert source is not None
    assert source.origin == "lab"
    assert "graded on it" in source.note
    assert "ionised calcium 1.55" in scores.patient["ctcae_hypercalcaemia"].note


# --------------------------------------------------------------------------------------------
# Hash
# --------------------------------------------------------------------------------------------


def test_inputs_hash_is_stable_and_order_independent() -> None:
    a = {"nrs": 8, "weight_kg": Decimal("70.5"), "flag": True}
    b = {"flag": True, "weight_kg": Decimal("70.5"), "nrs": 8}
    assert inputs_hash(a) == inputs_hash(b)
    assert len(inputs_hash(a)) == 64
    assert inputs_hash(a) != inputs_hash({**a, "nrs": 7})
    scores = scores_of(lecture_case_1())
    assert scores.patient["who_analgesic_ladder"].hash == inputs_hash({"nrs": 8})


def test_lesion_scores_are_dated_by_their_findings() -> None:
    cf = make_case(lesions=[sins_lesion(11, detected_date=AS_OF - timedelta(days=30))])
    sins = scores_of(cf).lesion_scores("sins")[0]
    assert sins.oldest_input_on == AS_OF - timedelta(days=30)
    assert sins.oldest_input_age_days == 30
