"""Second clinical review, oncology and cement defects (5-9, 11, 12): scenarios that failed before
the fix, each with the other side that must still behave as before.

5   ORTHO-CEMENT not offered again for a level cemented or stabilised after its findings (rule 3).
6/7 Lymphoma / plasma-cell histology with an unknown primary is haematological: no ONC-BMA for
    lymphoma, no Tomita / Tokuhashi strategy bands (RULES.md precedence).
8   The Katagiri band does not drive 8 Gy x 1 for myeloma (RULES.md precedence).
9   A receptor recorded "unknown" is missing, never a silent "not fired" (rule 1).
11  ONC-BMA-RENAL names the hypocalcaemia to correct before denosumab (decision 8, rule 5).
12  Zoledronic acid and denosumab both active: "do not combine" (SCORES.md §10.3).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from core.models import CaseFile
from core.rules import evaluate_rules
from tests.core.case_kit import AS_OF, bone, lab, make_case, run, scores_of, sins_lesion, spine, treatment, verdict
from tests.core.case_kit import breast_case as base
from tests.core.scenario_kit import Scenario, ago, check
from tests.core.test_clinical_scenarios_review_advice import ASCII_WORDS, zh_texts

NO_BREAST: dict[str, Any] = {"er": None, "pr": None, "her2": None}


def crcl_case(age: int, weight: str, creat_mg_dl: str, calcium: str = "2.40", **kw: Any) -> CaseFile:
    """A man whose Cockcroft-Gault CrCl is exact (creatinine entered in mg/dL)."""
    labs = [lab("calcium", calcium, 5), lab("albumin", "40", 5), lab("creatinine", creat_mg_dl, 5, unit="mg/dL")]
    fields: dict[str, Any] = dict(
        weight_kg=Decimal(weight),
        labs=labs,
        sex="male",
        birth_date=date(AS_OF.year - age, 1, 1),
        primary_tumour="lung_nsclc",
        histology="adenocarcinoma",
        egfr="negative",
        alk="negative",
        **NO_BREAST,
    )
    fields.update(kw)
    return base(**fields)


def painful_l1(detected_days: int = 60, lesion_id: int = 9) -> dict[str, Any]:
    return spine(
        "L1",
        lesion_id,
        spinal_pain="mechanical",
        alignment="normal",
        collapse="lt_50_collapse",
        posterolateral="none",
        bilsky="0",
        posterior_wall_intact=True,
        detected_date=ago(detected_days),
    )


def katagiri_high(primary: str, histology: str, weeks: int = 80, **kw: Any) -> CaseFile:
    """Katagiri high risk (ECOG 3, disseminated visceral, prior chemotherapy, platelets 80)."""
    return base(
        primary_tumour=primary,
        histology=histology,
        **NO_BREAST,
        ecog=3,
        ecog_limited_by_lesion=False,
        visceral_mets="disseminated",
        prior_chemotherapy=True,
        expected_survival_weeks=weeks,
        labs=[lab("platelets", "80", 5), lab("calcium", "2.40", 5), lab("albumin", "40", 5), lab("creatinine", "70", 5)],
        lesions=[bone("pelvis", 4, segment="ilium", painful=True), bone("rib", 5, painful=True)],
        **kw,
    )


ZOL = treatment("bone_modifying_agent", "zoledronic acid 4 mg", 60, ongoing=True)
DMAB = treatment("bone_modifying_agent", "denosumab 120 mg", 30, ongoing=True)

S = Scenario
SCENARIOS = [
    # ---- 5: cement after vertebroplasty / stabilisation of the same level (findings 60 d, operation 20 d)
    S(
        "cement_not_again_after_vertebroplasty",
        base(
            lesions=[painful_l1()],
            treatments=[treatment("vertebral_augmentation", "vertebroplasty L1", 20, lesion_id=9)],
        ),
        absent=("ORTHO-CEMENT",),
    ),
    S(
        "cement_not_after_stabilisation",
        base(
            lesions=[painful_l1()],
            treatments=[treatment("surgery", "posterior stabilisation", 20, lesion_id=9, procedure="stabilisation")],
        ),
        absent=("ORTHO-CEMENT",),
    ),
    S("cement_untreated_painful_vertebra_still_offered", base(lesions=[painful_l1()]), present=("ORTHO-CEMENT",)),
    S(
        "cement_offered_on_findings_newer_than_vertebroplasty",
        base(
            lesions=[painful_l1(detected_days=5)],
            treatments=[treatment("vertebral_augmentation", "vertebroplasty L1", 20, lesion_id=9)],
        ),
        present=("ORTHO-CEMENT",),
    ),
    S(
        "cement_offered_when_another_level_was_cemented",
        base(
            lesions=[painful_l1(), bone("pelvis", 4, segment="ilium")],
            treatments=[treatment("vertebral_augmentation", "vertebroplasty pelvis", 20, lesion_id=4)],
        ),
        present=("ORTHO-CEMENT",),
    ),
    # ---- 6: ONC-BMA for a solid tumour or myeloma, not lymphoma (primary or histology)
    S(
        "lymphoma_histology_unknown_primary_no_bma",
        base(primary_tumour="unknown_primary", histology="lymphoma", **NO_BREAST, dental_clearance=None),
        absent=("ONC-BMA", "ONC-DENTAL"),
    ),
    S(
        "plasma_cell_histology_unknown_primary_bma_offered",
        base(primary_tumour="unknown_primary", histology="plasma_cell", **NO_BREAST, dental_clearance=None),
        present=("ONC-BMA", "ONC-DENTAL"),
    ),
    S(
        "myeloma_bma_still_offered",
        base(primary_tumour="myeloma", histology="plasma_cell", **NO_BREAST),
        present=("ONC-BMA",),
    ),
    S(
        "unknown_primary_adenocarcinoma_bma_offered",
        base(primary_tumour="unknown_primary", histology="adenocarcinoma", **NO_BREAST),
        present=("ONC-BMA",),
    ),
    # ---- 7: no strategy bands for haematological malignancy read from histology
    S(
        "prognosis_not_for_lymphoma_histology_unknown_primary",
        base(primary_tumour="unknown_primary", histology="lymphoma", **NO_BREAST, lesions=[sins_lesion(9)]),
        absent=("ORTHO-PROGNOSIS",),
    ),
    S(
        "prognosis_not_for_plasma_cell_histology",
        base(primary_tumour="unknown_primary", histology="plasma_cell", **NO_BREAST, lesions=[sins_lesion(9)]),
        absent=("ORTHO-PROGNOSIS",),
    ),
    S(
        "tomita_10_supportive_solid_tumour_unchanged",
        base(
            primary_tumour="lung_nsclc",
            histology="adenocarcinoma",
            **NO_BREAST,
            egfr="negative",
            alk="negative",
            visceral_mets="nodular",
            visceral_treatable=False,
            lesions=[sins_lesion(9), bone("rib", 5)],
        ),
        reason_has={"ORTHO-PROGNOSIS": "Tomita 10"},
    ),
    # ---- 8: Katagiri band not read for myeloma; survival decides
    S(
        "myeloma_katagiri_high_not_driving_single_fraction",
        katagiri_high("myeloma", "plasma_cell"),
        absent=("RT-PAIN-SHORT",),
        present=("RT-PAIN-LONG",),
    ),
    S(
        "myeloma_short_survival_still_single_fraction",
        katagiri_high("myeloma", "plasma_cell", weeks=8),
        present=("RT-PAIN-SHORT",),
        absent=("RT-PAIN-LONG",),
    ),
    S(
        "solid_tumour_katagiri_high_still_single_fraction",
        katagiri_high("lung_nsclc", "adenocarcinoma", egfr="negative", alk="negative"),
        present=("RT-PAIN-SHORT",),
        reason_has={"RT-PAIN-SHORT": "Katagiri"},
    ),
    # ---- 9: receptors known still fire
    S("hr_breast_her2_known_negative_fires", base(), present=("ONC-HR-BREAST",), absent=("ONC-HER2",)),
    S("her2_positive_fires", base(her2="positive"), present=("ONC-HER2",), absent=("ONC-HR-BREAST",)),
    # ---- 11: ONC-BMA-RENAL names the hypocalcaemia
    S(
        "bma_renal_names_hypocalcaemia",
        crcl_case(68, "30", "1.1", calcium="2.05"),
        present=("ONC-BMA-RENAL",),
        text_has={"ONC-BMA-RENAL": "correct hypocalcaemia (corrected Ca 2.05) before the first dose"},
    ),
    S(
        "bma_renal_normal_calcium_no_hypocalcaemia",
        crcl_case(68, "30", "1.1"),
        present=("ONC-BMA-RENAL",),
        text_lacks={"ONC-BMA-RENAL": "hypocalcaemia"},
    ),
    # Lymphoma (on histology): no bone-modifying agent, so no denosumab advice either (rule 5);
    # a patient already on zoledronic acid is still told.
    S(
        "bma_renal_not_for_lymphoma_histology",
        crcl_case(68, "30", "1.1", primary_tumour="unknown_primary", histology="lymphoma", egfr=None, alk=None),
        absent=("ONC-BMA-RENAL", "ONC-BMA"),
    ),
    S(
        "bma_renal_lymphoma_on_zoledronic_still_told",
        crcl_case(68, "30", "1.1", primary_tumour="lymphoma", histology="lymphoma", egfr=None, alk=None, treatments=[ZOL]),
        present=("ONC-BMA-RENAL",),
    ),
    # ---- 12: zoledronic acid and denosumab both active
    S(
        "zoledronic_and_denosumab_both_active_do_not_combine",
        base(dental_clearance=None, treatments=[ZOL, DMAB]),
        fired={"ONC-BMA": "urgent"},
        text_has={"ONC-BMA": "do not combine"},
        absent=("ONC-DENTAL",),
    ),
    S("zoledronic_alone_no_warning", base(treatments=[ZOL]), absent=("ONC-BMA", "ONC-DENTAL")),
    S("denosumab_alone_no_warning", base(treatments=[DMAB]), absent=("ONC-BMA", "ONC-DENTAL")),
    S(
        "stopped_zoledronic_then_denosumab_no_warning",
        base(treatments=[treatment("bone_modifying_agent", "zoledronic acid 4 mg", 400, end_date=ago(100)), DMAB]),
        absent=("ONC-BMA",),
    ),
]


@pytest.mark.parametrize("s", SCENARIOS, ids=str)
def test_scenario(s: Scenario) -> None:
    check(s)


@pytest.mark.parametrize("s", SCENARIOS, ids=str)
def test_chinese_text_has_no_english(s: Scenario) -> None:
    bad = [f"{where}: {text}" for where, text in zh_texts(s.case) if "{" in text or ASCII_WORDS.search(text)]
    assert not bad, "\n".join(bad)


# ---- 9: "unknown" is missing, never silent (safety rule 1) -------------------------------------


@pytest.mark.parametrize(
    ("rule_id", "fields", "missing"),
    [
        ("ONC-HR-BREAST", {"her2": "unknown"}, ("her2",)),
        ("ONC-HER2", {"her2": "unknown"}, ("her2",)),
        ("ONC-HR-BREAST", {"er": "unknown", "pr": "negative"}, ("er",)),
        ("ONC-HR-BREAST", {"er": "negative", "pr": "unknown"}, ("pr",)),
        ("ONC-CHEMO", {"er": "negative", "pr": "negative", "her2": "unknown"}, ("her2",)),
    ],
)
def test_unknown_receptor_asks(rule_id: str, fields: dict[str, str], missing: tuple[str, ...]) -> None:
    outcome = run(rule_id, base(**fields))
    assert verdict(outcome) == "needs"
    assert outcome.missing == missing  # type: ignore[union-attr]


def test_er_positive_pr_unknown_her2_negative_still_fires() -> None:
    # One positive receptor is enough: PR "unknown" does not hold the suggestion back.
    assert verdict(run("ONC-HR-BREAST", base(pr="unknown"))).startswith("fires")


def test_egfr_unknown_asks() -> None:
    cf = base(primary_tumour="lung_nsclc", histology="adenocarcinoma", **NO_BREAST, egfr="unknown")
    assert verdict(run("ONC-EGFR", cf)) == "needs"


def test_castration_not_recorded_asks() -> None:
    cf = base(primary_tumour="prostate", histology="acinar_adenocarcinoma", **NO_BREAST, sex="male")
    for rule_id in ("ONC-BMA", "ONC-PROSTATE", "ONC-CRPC"):
        assert verdict(run(rule_id, cf)) == "needs", rule_id


# ---- 6/7: the helper and the scores ------------------------------------------------------------


def test_tomita_not_applicable_for_haematological_histology() -> None:
    for histology in ("lymphoma", "plasma_cell"):
        cf = base(primary_tumour="unknown_primary", histology=histology, **NO_BREAST, lesions=[sins_lesion(9)])
        assert not scores_of(cf).patient["tomita"].applicable, histology
    cf = base(primary_tumour="unknown_primary", histology="adenocarcinoma", **NO_BREAST, lesions=[sins_lesion(9)])
    assert scores_of(cf).patient["tomita"].applicable


def test_prognosis_reason_names_histology() -> None:
    cf = base(primary_tumour="unknown_primary", histology="lymphoma", **NO_BREAST, lesions=[sins_lesion(9)])
    outcome = run("ORTHO-PROGNOSIS", cf)
    assert verdict(outcome) == "not"
    assert "on histology" in outcome.reason_en and "依据病理" in outcome.reason_zh  # type: ignore[union-attr]
    assert not ASCII_WORDS.search(outcome.reason_zh)  # type: ignore[union-attr]


def test_lymphoma_histology_bma_reason_in_both_languages() -> None:
    cf = base(primary_tumour="unknown_primary", histology="lymphoma", **NO_BREAST)
    outcome = run("ONC-BMA", cf)
    assert verdict(outcome) == "not"
    assert "lymphoma, on histology" in outcome.reason_en  # type: ignore[union-attr]
    assert "淋巴瘤" in outcome.reason_zh and not ASCII_WORDS.search(outcome.reason_zh)  # type: ignore[union-attr]


def test_myeloma_without_survival_asks_survival_only() -> None:
    cf = katagiri_high("myeloma", "plasma_cell", weeks=None)  # type: ignore[arg-type]
    outcome = run("RT-PAIN-LONG", cf)
    assert verdict(outcome) == "needs"
    assert outcome.missing == ("expected_survival_weeks",)  # type: ignore[union-attr]


# ---- 5: the cement rule says why the level is left out -------------------------------------------


def test_cement_reason_names_the_treatment() -> None:
    cf = base(
        lesions=[painful_l1()],
        treatments=[treatment("vertebral_augmentation", "vertebroplasty L1", 20, lesion_id=9)],
    )
    outcome = run("ORTHO-CEMENT", cf)
    assert verdict(outcome) == "not"
    assert "vertebroplasty L1" in outcome.reason_en and "已在上述影像之后治疗" in outcome.reason_zh  # type: ignore[union-attr]


# ---- 11: calcium not measured with CrCl < 30 -----------------------------------------------------


def test_bma_renal_calcium_not_measured_says_so() -> None:
    cf = crcl_case(68, "30", "1.1")
    cf = cf.model_copy(update={"labs": tuple(r for r in cf.labs if r.analyte.value != "calcium")})
    hit = evaluate_rules(cf).hit("ONC-BMA-RENAL")
    assert hit is not None
    assert "measure corrected calcium before the first dose" in hit.text_en
    assert "首次用药前检测校正血钙" in hit.text_zh


def test_noms_reads_lymphoma_histology_as_radiosensitive() -> None:
    """NOMS's O axis reads a confirmed haematological histology as ORTHO-MSCC-DECOMPRESS and
    ONC-BMA do: an unknown primary with lymphoma histology is radiosensitive (it asked for the
    radiosensitivity of "unknown_primary" before)."""
    from core.rules import Fired

    def noms(**kw: Any) -> Any:
        return run(
            "NOMS", make_case(fit_for_surgery=True, expected_survival_weeks=52, lesions=[sins_lesion(7, bilsky="2")], **kw)
        )

    lymphoma = noms(primary_tumour="unknown_primary", histology="lymphoma")
    assert isinstance(lymphoma, Fired), lymphoma
    assert "O: radiosensitive (lymphoma)" in lymphoma.reason_en, lymphoma.reason_en
    unknown = noms(primary_tumour="unknown_primary", histology="adenocarcinoma")
    assert verdict(unknown) == "needs"


def test_calcium_advises_ionised_calcium_for_plasma_cell_histology() -> None:
    """The corrected-calcium card's myeloma input reads a plasma-cell histology too (ionised calcium
    advised: paraproteins distort total calcium)."""
    case = make_case(
        primary_tumour="unknown_primary", histology="plasma_cell", labs=[lab("calcium", "2.40", 1), lab("albumin", "40", 1)]
    )
    score = scores_of(case).patient["corrected_calcium"]
    assert score.inputs["myeloma"] is True
    assert "ionised_calcium_advised" in score.result.flags
    solid = make_case(
        primary_tumour="unknown_primary", histology="adenocarcinoma", labs=[lab("calcium", "2.40", 1), lab("albumin", "40", 1)]
    )
    assert scores_of(solid).patient["corrected_calcium"].inputs["myeloma"] is False
