"""The rule registry as a whole and the lecture cases (docs/clinical/rules.md, docs/clinical/lecture-cases.md)."""

from __future__ import annotations

import pytest

from core.derive import derive_scores
from core.policy import Policy
from core.rules import RULES, RULES_BY_ID, evaluate_rules
from core.rules.base import (
    URGENCY_RANK,
)
from tests.core.case_kit import lab, lecture_case_1, lecture_case_2, make_case, sins_lesion

# Every id of docs/clinical/rules.md, in its order.
RULES_MD_IDS = (
    "RF-MSCC", "RF-SPINE-PAIN", "RF-UNSTABLE", "RF-IMPENDING", "RF-FRACTURE", "RF-HYPERCA",
    "RF-HYPOCA", "RF-FEBRILE-NEUTROPENIA", "RF-BLEED", "RF-MARROW", "RF-BMA-RENAL",
    "RF-ONJ-AFF", "RF-PAIN",
    "ORTHO-BIOPSY", "ORTHO-EMBOLISE", "ORTHO-MIRELS-HIGH", "ORTHO-MIRELS-8",
    "ORTHO-SINS-CONSULT", "ORTHO-SINS-UNSTABLE", "ORTHO-FRACTURE", "ORTHO-CEMENT",
    "ORTHO-CONTRA", "ORTHO-PROGNOSIS", "ORTHO-MSCC-DECOMPRESS",
    "RT-PAIN-SHORT", "RT-PAIN-LONG", "RT-SBRT", "RT-POSTOP", "RT-MSCC", "RT-REIRR", "RT-RA223",
    "NOMS",
    "ONC-BMA", "ONC-BMA-RENAL", "ONC-DENTAL", "ONC-HR-BREAST", "ONC-HER2", "ONC-PROSTATE",
    "ONC-CRPC", "ONC-EGFR", "ONC-RCC", "ONC-CHEMO",
    "PAIN-STEP1", "PAIN-STEP2", "PAIN-STEP3", "PAIN-SAFETY", "PAIN-NEURO", "PAIN-BREAKTHROUGH",
    "PAIN-INTERVENTION", "PAIN-RT",
    "REHAB-WB-RESTRICT", "REHAB-POSTOP", "REHAB-FUNCTION", "REHAB-SPINE",
    "EMERG-MSCC", "EMERG-HYPERCA", "EMERG-MARROW",
    "FOLLOW-UP",
)  # fmt: skip


def test_every_rule_of_rules_md_is_in_the_registry() -> None:
    assert len(RULES_MD_IDS) == len(set(RULES_MD_IDS)) == 58
    assert set(RULES_BY_ID) == set(RULES_MD_IDS)
    assert len(RULES) == len(RULES_MD_IDS)


@pytest.mark.parametrize("rule_id", RULES_MD_IDS)
def test_rule_row_is_complete_and_bilingual(rule_id: str) -> None:
    rule = RULES_BY_ID[rule_id]
    text_en, text_zh = rule.render(Policy())
    rationale_en, rationale_zh = rule.render_rationale(Policy())
    for text in (text_en, text_zh, rationale_en, rationale_zh, rule.source):
        assert text.strip()
        assert "{" not in text
    for text in (text_zh, rationale_zh):
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert rule.specialty in {
        "red_flag", "orthopaedics", "radiotherapy", "medical_oncology", "pain_medicine",
        "rehabilitation", "emergency", "follow_up",
    }  # fmt: skip
    if rule_id.startswith("RF-"):
        assert rule.specialty == "red_flag"


@pytest.mark.parametrize(
    "cf",
    [make_case(), lecture_case_1(), lecture_case_2()],
    ids=["empty-case", "lecture-case-1", "lecture-case-2"],
)
def test_every_rule_lands_in_exactly_one_list(cf: object) -> None:
    report = evaluate_rules(cf)  # type: ignore[arg-type]
    fired = [h.rule_id for h in report.fired]
    needs = [n.rule_id for n in report.needs_data]
    quiet = list(report.not_fired)
    assert sorted(fired + needs + quiet) == sorted(RULES_MD_IDS)
    for item in report.needs_data:
        assert item.missing
    ranks = [URGENCY_RANK[h.urgency] for h in report.fired]
    assert ranks == sorted(ranks)


def test_lecture_case_2_emergency_pathway() -> None:
    report = evaluate_rules(lecture_case_2())
    assert report.highest_urgency == "emergency"
    assert report.fired_ids[:2] == ("RF-MSCC", "EMERG-MSCC")
    assert "RF-MSCC" in [h.rule_id for h in report.red_flags]
    rf = report.hit("RF-MSCC")
    assert rf is not None
    assert rf.urgency == "emergency"
    emerg = report.hit("EMERG-MSCC")
    assert emerg is not None
    assert "10 mg IV then 4 mg every 6 h" in emerg.text_en
    assert "24 h" in emerg.text_en
    assert "same-day surgical and radiotherapy opinion" in emerg.text_en
    consult = report.hit("ORTHO-SINS-CONSULT")
    assert consult is not None
    assert consult.reason_en == "SINS 11 at T9 — Indeterminate: potentially unstable (7–12)"
    # Prognosis context comes last among the routine suggestions.
    routine = [h.rule_id for h in report.fired if h.urgency == "routine"]
    assert routine[-1] == "ORTHO-PROGNOSIS"


def test_lecture_case_1_pain_radiotherapy_and_bone_agent() -> None:
    report = evaluate_rules(lecture_case_1())
    assert {"PAIN-STEP3", "RF-PAIN", "ONC-BMA", "PAIN-RT"} <= set(report.fired_ids)
    assert {"RT-PAIN-SHORT", "RT-PAIN-LONG"} & set(report.fired_ids)
    bma = report.hit("ONC-BMA")
    assert bma is not None
    assert "zoledronic acid 4.0 mg (CrCl 72.3 mL/min)" in bma.text_en
    assert "唑来膦酸4.0 mg" in bma.text_zh
    assert report.highest_urgency == "urgent"


def test_contra_vs_stabilisation_is_named_side_by_side() -> None:
    cf = make_case(
        lesions=[sins_lesion(13)],
        ecog=3,
        expected_survival_weeks=52,
        labs=[lab("platelets", "200")],
    )
    report = evaluate_rules(cf)
    names = {c.rule_ids: c.name_en for c in report.conflicts}
    assert ("ORTHO-CONTRA", "ORTHO-SINS-UNSTABLE") in names
    assert "SINS ≥ 13" in names[("ORTHO-CONTRA", "ORTHO-SINS-UNSTABLE")]


def test_scores_may_be_passed_in() -> None:
    cf = lecture_case_1()
    policy = Policy()
    scores = derive_scores(cf, policy)
    assert evaluate_rules(cf, scores, policy) == evaluate_rules(cf)
