"""Derivation of score inputs from a CaseFile, with provenance (core.derive).

The builders here (``make_case`` and the lecture cases) are also used by the rule tests.
Cases mirror docs/clinical/lecture-cases.md; expected values come from docs/clinical/scores.md.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from core.derive import (
    CaseScores,
    derive_scores,
    inputs_hash,
)
from core.derive.patient import possible_lab_tiers
from core.models import (
    ANALYTE_UNITS,
    Analyte,
    Case,
    CaseFile,
    LabResult,
    Lesion,
    Patient,
    Treatment,
)
from core.policy import Policy
from core.rules import RULES_BY_ID, Fired, NeedsData, NotFired, RuleContext
from core.rules.base import (
    Outcome,
)
from core.scores import cockcroft_gault

AS_OF = date(2026, 11, 20)


def lab(analyte: str, value: str | int, days_ago: int = 5, unit: str | None = None) -> LabResult:
    unit = unit or ANALYTE_UNITS[Analyte(analyte)][0]
    return LabResult(
        patient_id=1,
        analyte=analyte,
        value=Decimal(str(value)),
        unit=unit,
        taken_on=AS_OF - timedelta(days=days_ago),
    )


def treatment(kind: str, name: str, days_ago: int = 30, **kw: Any) -> Treatment:
    return Treatment(patient_id=1, kind=kind, name=name, start_date=AS_OF - timedelta(days=days_ago), **kw)


def spine(level: str = "T9", lesion_id: int = 12, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "lesion_id": lesion_id,
        "bone": "spine",
        "level": level,
        "lesion_type": "lytic",
    }
    return base | kw


def bone(bone_name: str, lesion_id: int = 30, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"lesion_id": lesion_id, "bone": bone_name, "lesion_type": "lytic"}
    if bone_name in ("femur", "humerus", "tibia", "fibula", "radius", "ulna", "pelvis", "rib"):
        base["side"] = "left"
    return base | kw


def make_case(
    *,
    lesions: tuple[dict[str, Any], ...] | list[dict[str, Any]] = (),
    labs: tuple[LabResult, ...] | list[LabResult] = (),
    treatments: tuple[Treatment, ...] | list[Treatment] = (),
    sex: str = "female",
    birth_date: date = date(1967, 5, 1),
    observed: dict[str, date] | None = None,
    **case: Any,
) -> CaseFile:
    fields: dict[str, Any] = {
        "patient_id": 1,
        "referral_date": AS_OF,
        "referrer": "Dr Li",
        "referrer_specialty": "medical_oncology",
        "question": "Management of bone metastases?",
        "primary_tumour": "breast",
    }
    fields.update(case)
    return CaseFile(
        case=Case(**fields),
        patient=Patient(
            patient_id=1,
            mrn="SYN-0001",
            display_name="Synthetic patient",
            sex=sex,
            birth_date=birth_date,
            synthetic=True,
        ),
        lesions=tuple(Lesion(patient_id=1, **lesion) for lesion in lesions),
        labs=tuple(labs),
        treatments=tuple(treatments),
        as_of=AS_OF,
        observed=observed or {},
    )


def lecture_case_2(**overrides: Any) -> CaseFile:
    """59 F, breast ER+, T9 cord compression: SINS 11, Frankel D, Tomita 4 (LECTURE_CASES 2)."""
    fields: dict[str, Any] = {
        "primary_tumour": "breast",
        "histology": "invasive_ductal",
        "diagnosis_date": date(2021, 10, 1),
        "er": "positive",
        "pr": "positive",
        "her2": "negative",
        "postmenopausal": True,
        "ecog": 2,
        "frankel": "D",
        "frankel_new": True,
        "neuro_assessed": True,
        "neuro_signs": ("limb_weakness", "sensory_level"),
        "nrs": 6,
        "visceral_mets": "nodular",
        "visceral_treatable": True,
        "visceral_removable": True,
        "expected_survival_weeks": 78,
        "fit_for_surgery": True,
        "weight_kg": Decimal("62"),
        "lesions": [
            spine(
                "T9",
                12,
                spinal_pain="mechanical",
                alignment="normal",
                collapse="lt_50_collapse",
                posterolateral="bilateral",
                bilsky="2",
                painful=True,
            )
        ],
        "labs": [
            lab("calcium", "2.45", 18),
            lab("albumin", "38", 18),
            lab("creatinine", "70", 18),
            lab("platelets", "240", 18),
            lab("neutrophils", "4.1", 18),
            lab("hb", "121", 18),
        ],
    }
    fields.update(overrides)
    return make_case(birth_date=date(1967, 5, 1), **fields)


def lecture_case_1(**overrides: Any) -> CaseFile:
    """66 M NSCLC, L2 lytic, NRS 8, creatinine 88 umol/L, 70 kg (LECTURE_CASES 1)."""
    fields: dict[str, Any] = {
        "primary_tumour": "lung_nsclc",
        "histology": "adenocarcinoma",
        "diagnosis_date": date(2026, 6, 1),
        "egfr": "negative",
        "alk": "negative",
        "ecog": 1,
        "nrs": 8,
        "pain_character": "mixed",
        "neuro_assessed": True,
        "frankel": "E",
        "visceral_mets": "none",
        "expected_survival_weeks": 39,
        "fit_for_surgery": True,
        "weight_kg": Decimal("70"),
        "lesions": [
            spine(
                "L2",
                3,
                spinal_pain="mechanical",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="0",
                painful=True,
            ),
            bone("pelvis", 4, segment="ilium"),
            bone("rib", 5),
        ],
        "labs": [
            lab("creatinine", "88", 7),
            lab("calcium", "2.40", 7),
            lab("albumin", "40", 7),
            lab("platelets", "250", 7),
            lab("neutrophils", "5.0", 7),
            lab("hb", "130", 7),
        ],
    }
    fields.update(overrides)
    return make_case(sex="male", birth_date=date(1960, 6, 1), **fields)


def scores_of(cf: CaseFile, policy: Policy | None = None) -> CaseScores:
    return derive_scores(cf, policy or Policy())


def run(rule_id: str, cf: CaseFile, policy: Policy | None = None) -> Outcome:
    """Evaluate one rule over a case (scores derived with the same policy)."""
    policy = policy or Policy()
    ctx = RuleContext(cf=cf, scores=derive_scores(cf, policy), policy=policy)
    return RULES_BY_ID[rule_id].evaluate(ctx)


def verdict(outcome: Outcome) -> str:
    """``fires:<urgency or default>`` / ``needs`` / ``not``."""
    if isinstance(outcome, Fired):
        return f"fires:{outcome.urgency or 'default'}"
    if isinstance(outcome, NeedsData):
        return "needs"
    assert isinstance(outcome, NotFired)
    return "not"


def sins_lesion(total: int, **kw: Any) -> dict[str, Any]:
    """A T5 lesion (semirigid, 1) with mechanical pain (3) and lytic bone (2) plus the rest."""
    rest = {
        6: ("normal", "none", "none"),
        7: ("normal", "none", "unilateral"),
        9: ("normal", "lt_50_collapse", "unilateral"),
        11: ("normal", "lt_50_collapse", "bilateral"),
        12: ("de_novo_deformity", "no_collapse_gt_50_involved", "bilateral"),
        13: ("de_novo_deformity", "lt_50_collapse", "bilateral"),
    }[total]
    return spine(
        "T5",
        kw.pop("lesion_id", 7),
        spinal_pain="mechanical",
        alignment=rest[0],
        collapse=rest[1],
        posterolateral=rest[2],
        **kw,
    )


def mirels_lesion(total: int, **kw: Any) -> dict[str, Any]:
    """Femoral shaft (2), lytic (3), < 1/3 (1) plus pain mild 1 / moderate 2 / functional 3."""
    pain = {7: "mild", 8: "moderate", 9: "functional"}[total]
    return bone(
        "femur",
        kw.pop("lesion_id", 40),
        segment="shaft",
        limb_pain=pain,
        size_fraction="lt_one_third",
        **kw,
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
# Mapping tables
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("primary", "expected"),
    [
        ("breast", "slow"),
        ("thyroid", "slow"),
        ("prostate", "slow"),
        ("carcinoid", "slow"),
        ("kidney", "moderate"),
        ("uterus", "moderate"),
        ("lung_nsclc", "rapid"),
        ("lung_sclc", "rapid"),
        ("stomach", "rapid"),
        ("liver", "rapid"),
        ("oesophagus", "rapid"),
        ("pancreas", "rapid"),
        ("colorectal", "rapid"),
        ("unknown_primary", "rapid"),
        ("melanoma", None),
        ("bladder", None),
        ("other", None),
    ],
    ids=lambda v: f"{v}",
)
def test_tomita_growth_class_decision_3(primary: str, expected: str | None) -> None:
    tomita = scores_of(make_case(primary_tumour=primary)).patient["tomita"]
    assert tomita.inputs.get("primary_tumor_growth") == expected
    if expected is None:
        assert "primary_tumor_growth" in tomita.missing


@pytest.mark.parametrize("primary", ["myeloma", "lymphoma"])
def test_tomita_not_applicable_to_haematological_malignancy(primary: str) -> None:
    tomita = scores_of(make_case(primary_tumour=primary)).patient["tomita"]
    assert not tomita.applicable
    assert tomita.band == "incomplete"
    assert "haematological" in tomita.note


def test_tomita_growth_override() -> None:
    cf = make_case(primary_tumour="melanoma", visceral_mets="none", lesions=[bone("rib")])
    scores = derive_scores(cf, Policy(), {"tomita": {"primary_tumor_growth": "rapid"}})
    assert scores.patient["tomita"].total == 5


@pytest.mark.parametrize(
    ("primary", "override", "growth", "total", "note"),
    [
        ("melanoma", "rapid", "rapid", 5, "not in the board's table"),
        ("breast", "moderate", "moderate", 3, "overrides the table's class for breast (slow)"),
        ("kidney", "moderate", "moderate", 3, "same as the table's class for kidney"),
        ("breast", None, "slow", 2, "prefilled from the primary"),
        ("melanoma", None, None, None, "choose slow, moderate or rapid"),
    ],
    ids=["unlisted-primary", "overrides-table", "same-as-table", "table", "unlisted-missing"],
)
def test_tomita_growth_class_set_by_the_mdt(
    primary: str, override: str | None, growth: str | None, total: int | None, note: str
) -> None:
    cf = make_case(
        primary_tumour=primary,
        growth_override=override,
        visceral_mets="none",
        lesions=[bone("rib")],
    )
    tomita = scores_of(cf).patient["tomita"]
    assert tomita.inputs.get("primary_tumor_growth") == growth
    assert tomita.total == total
    source = tomita.source("primary_tumor_growth")
    assert source is not None
    assert note in source.note
    if override is not None:
        assert (source.origin, source.record) == ("case", "case: growth class set by the MDT")


def test_tomita_growth_override_rules() -> None:
    # A user entry in the session still wins over the recorded class ...
    cf = make_case(primary_tumour="breast", growth_override="moderate", visceral_mets="none")
    scores = derive_scores(cf, Policy(), {"tomita": {"primary_tumor_growth": "rapid"}})
    assert scores.patient["tomita"].inputs["primary_tumor_growth"] == "rapid"
    # ... and haematological malignancy stays outside Tomita whatever the class.
    myeloma = scores_of(make_case(primary_tumour="myeloma", growth_override="slow"))
    assert not myeloma.patient["tomita"].applicable
    assert "primary_tumor_growth" in myeloma.patient["tomita"].missing


@pytest.mark.parametrize(
    ("primary", "group"),
    [
        ("lung_nsclc", "p0_lung_osteosarcoma_stomach_bladder_esophagus_pancreas"),
        ("lung_sclc", "p0_lung_osteosarcoma_stomach_bladder_esophagus_pancreas"),
        ("stomach", "p0_lung_osteosarcoma_stomach_bladder_esophagus_pancreas"),
        ("liver", "p1_liver_gallbladder_unidentified"),
        ("gallbladder", "p1_liver_gallbladder_unidentified"),
        ("unknown_primary", "p1_liver_gallbladder_unidentified"),
        ("kidney", "p3_kidney_uterus"),
        ("uterus", "p3_kidney_uterus"),
        ("rectum", "p4_rectum"),
        ("thyroid", "p5_thyroid_breast_prostate_carcinoid"),
        ("breast", "p5_thyroid_breast_prostate_carcinoid"),
        ("prostate", "p5_thyroid_breast_prostate_carcinoid"),
        ("carcinoid", "p5_thyroid_breast_prostate_carcinoid"),
        ("colorectal", "p2_other"),
        ("melanoma", "p2_other"),
        ("sarcoma", "p2_other"),
    ],
)
def test_tokuhashi_primary_site_group(primary: str, group: str) -> None:
    tokuhashi = scores_of(make_case(primary_tumour=primary)).patient["tokuhashi_revised"]
    assert tokuhashi.inputs["primary_site_group"] == group


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"primary_tumour": "breast", "er": "positive", "pr": "negative"}, "slow"),
        ({"primary_tumour": "breast", "er": "negative", "pr": "positive"}, "slow"),
        ({"primary_tumour": "breast", "er": "negative", "pr": "negative"}, "moderate"),
        ({"primary_tumour": "breast", "er": "unknown", "pr": "negative"}, None),
        ({"primary_tumour": "prostate", "castration": "sensitive"}, "slow"),
        ({"primary_tumour": "prostate", "castration": "resistant"}, "moderate"),
        ({"primary_tumour": "prostate"}, None),
        ({"primary_tumour": "lung_nsclc", "egfr": "positive", "alk": "negative"}, "moderate"),
        ({"primary_tumour": "lung_nsclc", "egfr": "negative", "alk": "positive"}, "moderate"),
        ({"primary_tumour": "lung_nsclc", "egfr": "negative", "alk": "negative"}, "rapid"),
        ({"primary_tumour": "lung_nsclc"}, None),
        ({"primary_tumour": "lung_sclc"}, "rapid"),
        ({"primary_tumour": "kidney"}, "moderate"),
        ({"primary_tumour": "ovary"}, "moderate"),
        ({"primary_tumour": "thyroid"}, "slow"),
        ({"primary_tumour": "myeloma"}, "slow"),
        ({"primary_tumour": "colorectal"}, "rapid"),
        ({"primary_tumour": "cervix"}, "rapid"),
        ({"primary_tumour": "other"}, None),
    ],
    ids=lambda v: "-".join(str(x) for x in v.values()) if isinstance(v, dict) else str(v),
)
def test_katagiri_growth_group_uses_receptor_and_driver_status(fields: dict[str, str], expected: str | None) -> None:
    katagiri = scores_of(make_case(**fields)).patient["katagiri_new"]
    assert katagiri.inputs.get("primary_growth_group") == expected


def test_targeted_therapy_record_makes_nsclc_moderate() -> None:
    cf = make_case(primary_tumour="lung_nsclc", treatments=[treatment("targeted", "osimertinib")])
    assert scores_of(cf).patient["katagiri_new"].inputs["primary_growth_group"] == "moderate"


FULL_NORMAL = [
    lab("platelets", "200"),
    lab("bilirubin", "10"),
    lab("crp", "3.9"),
    lab("ldh", "249"),
    lab("albumin", "40"),
    lab("calcium", "2.40"),
]


def katagiri_case(labs: list[LabResult]) -> CaseFile:
    """Katagiri inputs other than the lab tier known: breast ER+ (slow 0), no visceral, ECOG 1,
    no chemotherapy, one lesion -> 0 points before the lab tier."""
    return make_case(
        labs=labs,
        er="positive",
        pr="positive",
        visceral_mets="none",
        ecog=1,
        prior_chemotherapy=False,
        lesions=[bone("rib", 1)],
    )


@pytest.mark.parametrize(
    ("labs", "tier"),
    [
        # Safety rule 7: one critical value decides the tier; "normal" needs every component.
        ([lab("platelets", "99")], "critical"),
        ([lab("calcium", "2.57"), lab("albumin", "40")], "critical"),
        ([lab("calcium", "2.47"), lab("albumin", "35")], "critical"),  # corrected 2.57
        ([lab("bilirubin", "24")], "critical"),
        (FULL_NORMAL, "normal"),
        ([*FULL_NORMAL[:2], lab("crp", "4"), *FULL_NORMAL[3:]], "abnormal"),
        ([*FULL_NORMAL[:3], lab("ldh", "250"), *FULL_NORMAL[4:]], "abnormal"),
        ([*FULL_NORMAL[:4], lab("albumin", "36"), FULL_NORMAL[5]], "abnormal"),
        ([*FULL_NORMAL[:1], lab("calcium", "2.56"), lab("albumin", "40"), *FULL_NORMAL[1:4]], "normal"),
        # Partial labs: the tier could still change, but not the band (0-3 low risk either way).
        ([lab("platelets", "100")], "normal"),
        ([lab("albumin", "36")], "abnormal"),
        ([], None),
    ],
)
def test_katagiri_lab_tier_from_latest_labs(labs: list[LabResult], tier: str | None) -> None:
    katagiri = scores_of(katagiri_case(labs)).patient["katagiri_new"]
    assert katagiri.inputs.get("lab_tier") == tier


@pytest.mark.parametrize(
    ("values", "tiers"),
    [
        ({"albumin_g_l": 40}, ["normal", "abnormal", "critical"]),
        ({"albumin_g_l": 36}, ["abnormal", "critical"]),
        ({"platelets_10e9_l": 99}, ["critical"]),
        (
            {"platelets_10e9_l": 200, "corrected_calcium_mmol_l": 2.4, "bilirubin_umol_l": 10, "crp_mg_l": 1, "ldh_u_l": 100},
            ["normal", "abnormal"],
        ),
        (
            {"platelets_10e9_l": 200, "corrected_calcium_mmol_l": 2.4, "bilirubin_umol_l": 10, "crp_mg_l": 9},
            ["abnormal"],
        ),
    ],
)
def test_possible_lab_tiers(values: dict[str, object], tiers: list[str]) -> None:
    assert possible_lab_tiers(values) == tiers


def test_katagiri_albumin_alone_is_incomplete_when_it_could_change_the_band() -> None:
    """The issue's case: albumin alone must not read "complete, intermediate" -- a low platelet
    count would make it high risk."""
    cf = make_case(
        primary_tumour="lung_nsclc",
        egfr="negative",
        alk="negative",
        visceral_mets="nodular",
        ecog=1,
        prior_chemotherapy=False,
        lesions=[bone("rib", 1), bone("pelvis", 2, segment="ilium")],
        labs=[lab("albumin", "36")],  # rapid 3 + nodular 1 + multiple 1 = 5; +1 abnormal or +2 critical
    )
    katagiri = scores_of(cf).patient["katagiri_new"]
    assert katagiri.band == "incomplete"
    source = katagiri.source("lab_tier")
    assert source is not None and "changes the band" in source.note


def test_visceral_and_bone_counts_map_to_each_score() -> None:
    cf = make_case(
        visceral_mets="nodular",
        visceral_treatable=False,
        visceral_removable=True,
        lesions=[
            spine("T9", 1),
            spine("T10", 2),
            spine("L1", 3),
            bone("rib", 4),
            bone("pelvis", 5),
            bone("skull", 6),
        ],
    )
    scores = scores_of(cf)
    assert scores.patient["tomita"].inputs["visceral_metastases"] == "untreatable"
    assert scores.patient["tomita"].inputs["bone_metastases"] == "multiple"
    toku = scores.patient["tokuhashi_revised"].inputs
    assert toku["major_organ_mets"] == "removable"
    assert toku["extraspinal_bone_mets"] == "ge3"
    assert toku["vertebral_body_mets"] == "ge3"
    kat = scores.patient["katagiri_new"].inputs
    assert kat["visceral_metastases"] == "nodular"
    assert kat["multiple_skeletal_metastases"] is True


def test_visceral_disease_without_treatability_is_missing() -> None:
    scores = scores_of(make_case(visceral_mets="disseminated"))
    assert "visceral_metastases" in scores.patient["tomita"].missing
    assert "major_organ_mets" in scores.patient["tokuhashi_revised"].missing
    assert scores.patient["katagiri_new"].inputs["visceral_metastases"] == "disseminated"


def test_tokuhashi_not_applicable_without_a_spinal_lesion() -> None:
    tokuhashi = scores_of(make_case(lesions=[bone("femur", segment="shaft")])).patient["tokuhashi_revised"]
    assert not tokuhashi.applicable
    assert "vertebral_body_mets" in tokuhashi.missing
    assert "not applicable" in tokuhashi.note


@pytest.mark.parametrize(
    ("lesion", "site"),
    [
        (bone("humerus", segment="shaft"), "upper_limb"),
        (bone("radius"), "upper_limb"),
        (bone("ulna"), "upper_limb"),
        (bone("femur", segment="peritrochanteric"), "peritrochanteric"),
        (bone("femur", segment="shaft"), "lower_limb"),
        (bone("tibia"), "lower_limb"),
        (bone("fibula"), "lower_limb"),
        (bone("femur"), None),
    ],
    ids=[
        "humerus",
        "radius",
        "ulna",
        "femur-peritrochanteric",
        "femur-shaft",
        "tibia",
        "fibula",
        "femur-no-segment",
    ],
)
def test_mirels_site_mapping(lesion: dict[str, Any], site: str | None) -> None:
    mirels = scores_of(make_case(lesions=[lesion])).lesion_scores("mirels")[0]
    assert mirels.inputs.get("site") == site


def test_only_spinal_lesions_get_sins_and_bilsky_only_long_bones_mirels() -> None:
    cf = make_case(lesions=[spine("L3", 1), bone("femur", 2, segment="shaft"), bone("rib", 3)])
    scores = scores_of(cf)
    assert [(s.score_id, s.lesion_id) for s in scores.per_lesion] == [
        ("sins", 1),
        ("bilsky_escc", 1),
        ("mirels", 2),
    ]


def test_patient_sins_is_the_maximum() -> None:
    common = {"alignment": "normal", "collapse": "none", "posterolateral": "none"}
    cf = make_case(
        lesions=[
            spine("T5", 1, spinal_pain="pain_free", **common),  # 1 + 0 + 2 = 3
            spine("L1", 2, spinal_pain="mechanical", **common),  # 3 + 3 + 2 = 8
        ]
    )
    sins = scores_of(cf).max_sins
    assert sins is not None
    assert (sins.total, sins.site) == (8, "L1")


def test_mirels_lecture_values() -> None:
    cf = make_case(
        lesions=[
            bone(
                "femur",
                segment="peritrochanteric",
                limb_pain="functional",
                size_fraction="one_third_to_two_thirds",
            )
        ]
    )
    mirels = scores_of(cf).max_mirels
    assert mirels is not None
    assert (mirels.total, mirels.band) == (11, "high_risk")


@pytest.mark.parametrize(
    ("prior", "records", "expected"),
    [
        (True, [], True),
        (False, [], False),
        (None, [], None),
        (False, ["docetaxel"], True),
    ],
)
def test_previous_chemotherapy(prior: bool | None, records: list[str], expected: bool | None) -> None:
    cf = make_case(
        prior_chemotherapy=prior,
        treatments=[treatment("chemotherapy", name, days_ago=200) for name in records],
    )
    katagiri = scores_of(cf).patient["katagiri_new"]
    assert katagiri.inputs.get("previous_chemotherapy") == expected


def test_radium_only_for_prostate_and_lymph_nodes_must_be_entered() -> None:
    assert "radium_223" not in scores_of(make_case()).patient
    cf = make_case(
        primary_tumour="prostate",
        castration="resistant",
        visceral_mets="none",
        nrs=4,
        prior_mcrpc_lines=2,
        weight_kg=Decimal("80"),
        lesions=[bone("pelvis", 1), bone("rib", 2), spine("T8", 3)],
        labs=[lab("neutrophils", "2.0"), lab("platelets", "150"), lab("hb", "110")],
        sex="male",
        birth_date=date(1958, 1, 1),
    )
    radium = scores_of(cf).patient["radium_223"]
    assert radium.band == "incomplete"
    assert radium.missing == ("lymph_node_max_cm",)
    entered = derive_scores(cf, Policy(), {"radium_223": {"lymph_node_max_cm": Decimal("1.5")}})
    assert entered.patient["radium_223"].band == "eligible"
    assert entered.patient["radium_223"].total == Decimal("4400")


@pytest.mark.parametrize(
    ("case", "band", "missing_sources"),
    [
        ({"lymph_node_max_cm": Decimal("1.5")}, "eligible", set()),
        ({"lymph_node_max_cm": Decimal("3.2")}, "not_eligible", set()),
        ({}, "incomplete", {"lymph_node_max_cm"}),
        (
            {"lymph_node_max_cm": Decimal("1"), "prior_mcrpc_lines": 1},
            "incomplete",
            {"ineligible_for_other_treatment"},
        ),
        (
            {
                "lymph_node_max_cm": Decimal("1"),
                "prior_mcrpc_lines": 1,
                "ineligible_for_other_treatment": True,
            },
            "eligible",
            set(),
        ),
        (
            {
                "lymph_node_max_cm": Decimal("1"),
                "prior_mcrpc_lines": 0,
                "ineligible_for_other_treatment": False,
            },
            "not_eligible",
            set(),
        ),
    ],
    ids=[
        "nodes-1.5",
        "nodes-3.2",
        "nodes-unrecorded",
        "one-line-ineligibility-unrecorded",
        "one-line-ineligible",
        "no-line-eligible-for-others",
    ],
)
def test_radium_inputs_from_the_case_record(case: dict[str, Any], band: str, missing_sources: set[str]) -> None:
    fields: dict[str, Any] = {
        "primary_tumour": "prostate",
        "castration": "resistant",
        "visceral_mets": "none",
        "nrs": 4,
        "prior_mcrpc_lines": 2,
        "weight_kg": Decimal("80"),
        "lesions": [bone("pelvis", 1), bone("rib", 2)],
        "labs": [lab("neutrophils", "2.0"), lab("platelets", "150"), lab("hb", "110")],
    }
    cf = make_case(sex="male", birth_date=date(1958, 1, 1), **(fields | case))
    radium = scores_of(cf).patient["radium_223"]
    assert radium.band == band
    assert {s.input for s in radium.sources if s.origin == "missing"} == missing_sources
    if "lymph_node_max_cm" in case:
        source = radium.source("lymph_node_max_cm")
        assert source is not None
        assert source.origin == "case"
        assert source.record == f"case: largest lymph node {case['lymph_node_max_cm']} cm"


def test_radium_not_with_active_abiraterone() -> None:
    cf = make_case(
        primary_tumour="prostate",
        castration="resistant",
        visceral_mets="none",
        sex="male",
        treatments=[treatment("endocrine", "abiraterone", ongoing=True)],
    )
    radium = scores_of(cf).patient["radium_223"]
    assert radium.inputs["concurrent_abiraterone"] is True
    assert "with_abiraterone" in radium.result.flags


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
