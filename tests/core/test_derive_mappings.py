"""Derivation's mapping tables (core.derive): Tomita growth class, Tokuhashi primary group,
Katagiri growth group and lab tier, visceral and bone counts, Mirels sites, previous
chemotherapy and the radium-223 inputs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from core.derive import (
    derive_scores,
)
from core.derive.patient import possible_lab_tiers
from core.models import (
    CaseFile,
    LabResult,
)
from core.policy import Policy
from tests.core.case_kit import (
    bone,
    lab,
    make_case,
    scores_of,
    spine,
    treatment,
)

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
