"""Clinical scenarios of the second independent review: lesion scores and performance status
(docs/clinical/rules.md safety rules 2 and 7; docs/clinical/scores.md §1).

The review's scenarios (``R-`` names, expectations taken from the specification, not from the
code) for the defects fixed here, plus the other side of each fix (``lesions-`` names):

1. SINS with a missing item that cannot change the band is complete (lowest total, with a note).
2. Mirels likewise (femoral segment or size missing but high risk whatever it is).
3. Lesion findings older than the 8-week window: "cannot exclude", naming the value and its age.
4. Mirels on a bone already fractured: not applicable, so no "impending fracture".
5. ECOG and KPS on different days: the newer one is read, even within one ECOG step.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from core.models import CaseFile, ImagingStudy
from core.rules import evaluate_rules
from core.scores import INCOMPLETE, evaluate
from tests.core.case_kit import (
    bone,
    mirels_lesion,
    run,
    scores_of,
    sins_lesion,
    spine,
    treatment,
    verdict,
)
from tests.core.case_kit import breast_case as base
from tests.core.scenario_kit import Scenario, ago, check

OLD = datetime(2026, 5, 20, 10, 0)  # recorded long ago (findings 180 days old)


def reimaged(cf: CaseFile, lesion_id: int, days: int = 10) -> CaseFile:
    study = ImagingStudy(patient_id=1, modality="mri", study_date=ago(days), region="spine", lesion_ids=(lesion_id,))
    return cf.model_copy(update={"studies": (study,)})


# T12 junctional 3 + mechanical 3 + lytic 2 + subluxation 4 + > 50% collapse 3 = 15 before
# posterolateral involvement (0-3): unstable whatever it is.
T12_NO_POSTEROLATERAL = spine("T12", 10, spinal_pain="mechanical", alignment="subluxation_translation", collapse="gt_50_collapse")
# T5 semirigid 1 + mechanical 3 + lytic 2 + normal 0 + no collapse 0 = 6: posterolateral 0-3 -> 6-9.
T5_NO_POSTEROLATERAL = spine("T5", 7, spinal_pain="mechanical", alignment="normal", collapse="none")

S = Scenario
SCENARIOS = [
    # ---- 1. SINS, missing item that cannot change the band
    S(
        "R-sins_missing_posterolateral_still_unstable",
        base(lesions=[T12_NO_POSTEROLATERAL]),
        fired={"RF-UNSTABLE": "urgent"},
        present=("ORTHO-SINS-UNSTABLE", "REHAB-WB-RESTRICT"),
    ),
    S(
        "lesions-sins_missing_posterolateral_band_open_needs_data",
        base(lesions=[T5_NO_POSTEROLATERAL]),
        absent=("RF-UNSTABLE", "ORTHO-SINS-UNSTABLE", "ORTHO-SINS-CONSULT"),
    ),
    S(
        "lesions-sins_12_consult_not_unstable",
        base(lesions=[sins_lesion(12)]),
        present=("ORTHO-SINS-CONSULT", "REHAB-WB-RESTRICT"),
        absent=("RF-UNSTABLE", "ORTHO-SINS-UNSTABLE"),
    ),
    # ---- 2. Mirels, segment or size missing but >= 9 whatever it is
    S(
        "R-mirels_segment_missing_still_impending",
        base(lesions=[bone("femur", 43, limb_pain="functional", size_fraction="gt_two_thirds"), bone("rib", 5)]),
        fired={"RF-IMPENDING": "urgent"},
        present=("ORTHO-MIRELS-HIGH", "REHAB-WB-RESTRICT"),
    ),
    S(
        "R-mirels_size_missing_still_impending",
        base(lesions=[bone("femur", 44, segment="peritrochanteric", limb_pain="functional"), bone("rib", 5)]),
        fired={"RF-IMPENDING": "urgent"},
        present=("ORTHO-MIRELS-HIGH",),
    ),
    # Shaft 2 + lytic 3 + < 1/3 1, pain missing: 7-9, the band is open.
    S(
        "lesions-mirels_pain_missing_stays_open",
        base(lesions=[bone("femur", 45, segment="shaft", size_fraction="lt_one_third"), bone("rib", 5)]),
        absent=("RF-IMPENDING", "ORTHO-MIRELS-HIGH", "ORTHO-MIRELS-8"),
    ),
    # ---- 3. stale lesion findings
    S(
        "R-stale_sins13_is_cannot_exclude_with_age",
        base(lesions=[sins_lesion(13, detected_date=ago(180), recorded_at=OLD)]),
        cannot=("RF-UNSTABLE",),
        reason_has={"RF-UNSTABLE": "180 days"},
    ),
    S(
        "R-stale_mirels9_is_cannot_exclude_with_age",
        base(lesions=[mirels_lesion(9, detected_date=ago(180), recorded_at=OLD)]),
        cannot=("RF-IMPENDING",),
        reason_has={"RF-IMPENDING": "180 days"},
    ),
    S(
        "lesions-stale_sins13_ortho_says_reimage_first",
        base(lesions=[sins_lesion(13, detected_date=ago(180), recorded_at=OLD)]),
        reason_has={"ORTHO-SINS-UNSTABLE": "180 days old — re-image first"},
        text_has={"ORTHO-SINS-UNSTABLE": "Re-image the lesion first"},
    ),
    S(
        "lesions-stale_mirels9_ortho_says_reimage_first",
        base(lesions=[mirels_lesion(9, detected_date=ago(180), recorded_at=OLD)]),
        reason_has={"ORTHO-MIRELS-HIGH": "180 days old — re-image first"},
        text_has={"ORTHO-MIRELS-HIGH": "Re-image the lesion first"},
    ),
    S(
        "lesions-fresh_sins13_fires_confirmed",
        base(lesions=[sins_lesion(13, detected_date=ago(20))]),
        fired={"RF-UNSTABLE": "urgent"},
        text_lacks={"ORTHO-SINS-UNSTABLE": "Re-image"},
    ),
    S(
        "lesions-fresh_mirels9_fires_confirmed",
        base(lesions=[mirels_lesion(9, detected_date=ago(20))]),
        fired={"RF-IMPENDING": "urgent"},
    ),
    # Findings exactly at the 8-week window (56 days) are still fresh.
    S(
        "lesions-sins13_at_56_days_still_confirmed",
        base(lesions=[sins_lesion(13, detected_date=ago(56))]),
        fired={"RF-UNSTABLE": "urgent"},
    ),
    # A study linked to the lesion renews its findings.
    S(
        "lesions-old_lesion_reimaged_confirmed",
        reimaged(base(lesions=[sins_lesion(13, detected_date=ago(180), recorded_at=OLD)]), 7),
        fired={"RF-UNSTABLE": "urgent"},
    ),
    # ---- 4. Mirels on a bone already fractured
    S(
        "R-mirels_on_fractured_bone_is_fracture_not_impending",
        base(lesions=[mirels_lesion(9, pathological_fracture=True), bone("rib", 5)]),
        present=("RF-FRACTURE", "ORTHO-FRACTURE"),
        absent=("RF-IMPENDING", "ORTHO-MIRELS-HIGH", "ORTHO-MIRELS-8"),
    ),
    S(
        "lesions-unfractured_mirels9_still_impending",
        base(lesions=[mirels_lesion(9), bone("rib", 5)]),
        fired={"RF-IMPENDING": "urgent"},
        present=("ORTHO-MIRELS-HIGH",),
        absent=("RF-FRACTURE",),
    ),
    # ---- 5. newer KPS vs older ECOG (rule 2: the newer value overrides)
    S(
        "R-newer_kps_overrides_older_ecog_one_step",
        base(ecog=2, kps=80, observed={"ecog": ago(20), "kps": ago(2)}),
        absent=("REHAB-FUNCTION",),
    ),
    S(
        "lesions-older_kps_does_not_override_newer_ecog",
        base(ecog=2, kps=80, observed={"ecog": ago(2), "kps": ago(20)}),
        present=("REHAB-FUNCTION",),
        reason_has={"REHAB-FUNCTION": "ECOG 2"},
    ),
    S(
        "lesions-newer_kps_60_converted_over_older_ecog_1",
        base(ecog=1, kps=60, observed={"ecog": ago(20), "kps": ago(2)}),
        present=("REHAB-FUNCTION",),
        reason_has={"REHAB-FUNCTION": "KPS 60"},
    ),
    S("lesions-same_day_ecog_read", base(ecog=2, kps=80, observed={"ecog": ago(2), "kps": ago(2)}), present=("REHAB-FUNCTION",)),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_scenario(scenario: Scenario) -> None:
    check(scenario)


def _source(score, name):
    found = score.source(name)
    assert found is not None, name
    return found


def test_sins_band_fixed_is_complete_with_lowest_total_and_note() -> None:
    s = scores_of(base(lesions=[T12_NO_POSTEROLATERAL])).lesion_scores("sins")[0]
    assert s.complete and s.band == "unstable" and s.total == 15
    src = _source(s, "posterolateral_involvement")
    assert src.value == "none" and src.origin == "derived"
    assert "the band is the same either way (the total is the lowest possible)" in src.note
    assert "各种情况下分组相同" in src.note_zh


def test_sins_band_open_stays_incomplete() -> None:
    cf = base(lesions=[T5_NO_POSTEROLATERAL])
    s = scores_of(cf).lesion_scores("sins")[0]
    assert not s.complete and s.missing == ("posterolateral_involvement",)
    assert verdict(run("ORTHO-SINS-CONSULT", cf)) == "needs"
    assert verdict(run("RF-UNSTABLE", cf)) == "needs"


def test_sins_sacral_without_level_stays_incomplete() -> None:
    lesion = spine("S1", 11, bone="sacrum", spinal_pain="mechanical", alignment="normal", collapse="none")
    lesion["level"] = None
    s = scores_of(base(lesions=[lesion])).lesion_scores("sins")
    assert s and not s[0].complete


def test_scores_api_unchanged_missing_is_incomplete() -> None:
    # docs/clinical/scores.md: core.scores.evaluate keeps "incomplete" for a missing input.
    r = evaluate(
        "sins",
        {
            "level": "T12",
            "pain": "mechanical",
            "bone_lesion": "lytic",
            "alignment": "subluxation_translation",
            "vertebral_body_collapse": "gt_50_collapse",
        },
    )
    assert r.band == INCOMPLETE
    assert evaluate("mirels", {"pain": "functional", "lesion_type": "lytic", "size_fraction": "gt_two_thirds"}).band == INCOMPLETE


def test_mirels_segment_missing_filled_with_lowest_site() -> None:
    cf = base(lesions=[bone("femur", 43, limb_pain="functional", size_fraction="gt_two_thirds")])
    s = scores_of(cf).lesion_scores("mirels")[0]
    assert s.complete and s.band == "high_risk" and s.total == 11
    src = _source(s, "site")
    assert src.value == "lower_limb" and "band is the same either way" in src.note


def test_mirels_size_missing_shaft_is_high_either_way() -> None:
    # Shaft 2 + functional 3 + lytic 3 = 8 and size 1-3: 9-11, high risk whatever the size
    # (the review's scratch test expecting "needs" here contradicts rule 7 and its defect 2).
    cf = base(lesions=[bone("femur", 42, segment="shaft", limb_pain="functional")])
    assert verdict(run("ORTHO-MIRELS-HIGH", cf)) == "fires:default"


def test_mirels_band_open_asks() -> None:
    cf = base(lesions=[bone("femur", 42, segment="shaft", limb_pain="moderate")])  # 7 + size 1-3: 8-10
    assert verdict(run("ORTHO-MIRELS-HIGH", cf)) == "needs"
    assert verdict(run("RF-IMPENDING", cf)) == "needs"


def test_stale_red_flag_names_value_age_and_reimage() -> None:
    report = evaluate_rules(base(lesions=[sins_lesion(13, detected_date=ago(180), recorded_at=OLD)]))
    hit = next(h for h in report.fired if h.rule_id == "RF-UNSTABLE")
    assert hit.cannot_exclude and hit.urgency == "urgent"
    assert "SINS 13 at T5 from findings 180 days old" in hit.reason_en
    assert "re-image" in hit.text_en and "180" in hit.reason_zh


def test_mirels_fractured_not_applicable_with_note() -> None:
    scores = scores_of(base(lesions=[mirels_lesion(9, pathological_fracture=True)]))
    s = scores.lesion_scores("mirels")[0]
    assert not s.applicable and "already fractured" in s.note and s.note_zh
    assert scores.max_mirels is None


def test_fixed_fracture_after_operation_no_impending() -> None:
    cf = base(
        lesions=[mirels_lesion(9, pathological_fracture=True, fracture_fixed=True, detected_date=ago(60))],
        treatments=[treatment("surgery", "femoral nail", 20, lesion_id=40, procedure="fixation")],
    )
    assert verdict(run("RF-IMPENDING", cf)) == "not"


def test_newer_kps_read_by_scores_and_marked_converted() -> None:
    cf = base(ecog=2, kps=80, observed={"ecog": ago(20), "kps": ago(2)})
    scores = scores_of(cf)
    ecog = scores.patient["ecog"]
    assert ecog.inputs.get("ecog") is None  # ECOG 2 (older) is not read
    katagiri = scores.patient["katagiri_new"]
    assert katagiri.inputs.get("ecog_3_or_4") in (False, None)
    assert scores.patient["karnofsky"].inputs.get("kps") == 80


def test_score_cards_list_fractured_mirels_as_not_applicable() -> None:
    from pages.components.score_cards import select_cards

    cards, not_applicable = select_cards(scores_of(base(lesions=[mirels_lesion(9, pathological_fracture=True)])))
    assert [s.score_id for s in not_applicable].count("mirels") == 1
    assert all(card.score.score_id != "mirels" for card in cards)
