"""Pain-medicine rules (docs/clinical/rules.md "Pain medicine"): NRS 3/4/6/7 boundaries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from core.models import CaseFile
from core.rules import RULES_BY_ID, Fired
from tests.core.case_kit import bone, lab, lecture_case_1, make_case, run, treatment, verdict

CLEAN = {"labs": [lab("platelets", "200"), lab("creatinine", "70")], "weight_kg": Decimal("60")}
LOW_CRCL = {
    "labs": [lab("platelets", "200"), lab("creatinine", "176.8")],
    "weight_kg": Decimal("59.8"),
    "sex": "male",
    "birth_date": date(1958, 1, 1),
}

CASES: list[tuple[str, str, CaseFile, str]] = [
    # PAIN-STEP1/2/3 -- WHO; NHC 2018 (1-3 / 4-6 / 7-10)
    ("PAIN-STEP1", "nrs-0", make_case(nrs=0), "not"),
    ("PAIN-STEP1", "nrs-1", make_case(nrs=1), "fires:default"),
    ("PAIN-STEP1", "nrs-3", make_case(nrs=3), "fires:default"),
    ("PAIN-STEP1", "nrs-4", make_case(nrs=4), "not"),
    ("PAIN-STEP2", "nrs-3", make_case(nrs=3), "not"),
    ("PAIN-STEP2", "nrs-4", make_case(nrs=4), "fires:default"),
    ("PAIN-STEP2", "nrs-6", make_case(nrs=6), "fires:default"),
    ("PAIN-STEP2", "nrs-7", make_case(nrs=7), "not"),
    ("PAIN-STEP3", "nrs-6", make_case(nrs=6), "not"),
    ("PAIN-STEP3", "nrs-7", make_case(nrs=7), "fires:default"),
    ("PAIN-STEP3", "nrs-10", make_case(nrs=10), "fires:default"),
    ("PAIN-STEP3", "nrs-missing", make_case(), "needs"),
    # PAIN-SAFETY -- WHO 2018; labels
    ("PAIN-SAFETY", "no-risk", make_case(nrs=5, **CLEAN), "not"),
    ("PAIN-SAFETY", "crcl-29.9", make_case(nrs=5, **LOW_CRCL), "fires:default"),
    (
        "PAIN-SAFETY",
        "platelets-49",
        make_case(nrs=5, labs=[lab("platelets", "49"), lab("creatinine", "70")], weight_kg=Decimal("60")),
        "fires:default",
    ),
    (
        "PAIN-SAFETY",
        "on-dexamethasone",
        make_case(nrs=5, treatments=[treatment("steroid", "dexamethasone", ongoing=True)], **CLEAN),
        "fires:default",
    ),
    ("PAIN-SAFETY", "no-labs", make_case(nrs=5), "needs"),
    ("PAIN-SAFETY", "no-pain", make_case(nrs=0), "not"),
    # PAIN-NEURO -- lecture
    ("PAIN-NEURO", "neuropathic", make_case(nrs=5, pain_character="neuropathic"), "fires:default"),
    ("PAIN-NEURO", "nociceptive", make_case(nrs=5, pain_character="nociceptive"), "not"),
    ("PAIN-NEURO", "character-unknown", make_case(nrs=5), "needs"),
    # PAIN-BREAKTHROUGH -- lecture
    (
        "PAIN-BREAKTHROUGH",
        "on-strong-opioid",
        make_case(nrs=3, on_step3_opioid=True),
        "fires:default",
    ),
    ("PAIN-BREAKTHROUGH", "nrs-7", make_case(nrs=7), "fires:default"),
    ("PAIN-BREAKTHROUGH", "nrs-6", make_case(nrs=6), "not"),
    # PAIN-INTERVENTION -- lecture
    (
        "PAIN-INTERVENTION",
        "nrs-7-on-step3",
        make_case(nrs=7, on_step3_opioid=True),
        "fires:default",
    ),
    ("PAIN-INTERVENTION", "nrs-6-on-step3", make_case(nrs=6, on_step3_opioid=True), "not"),
    ("PAIN-INTERVENTION", "nrs-8-not-on-step3", make_case(nrs=8), "not"),
    # PAIN-RT -- WHO 2018
    ("PAIN-RT", "painful-lesion", make_case(lesions=[bone("rib", painful=True)]), "fires:default"),
    ("PAIN-RT", "painless-lesion", make_case(lesions=[bone("rib")]), "not"),
]


@pytest.mark.parametrize(
    ("rule_id", "cf", "expected"),
    [(rule_id, cf, expected) for rule_id, _, cf, expected in CASES],
    ids=[f"{rule_id}-{name}-{RULES_BY_ID[rule_id].source}" for rule_id, name, _, _ in CASES],
)
def test_pain_table(rule_id: str, cf: CaseFile, expected: str) -> None:
    assert verdict(run(rule_id, cf)) == expected


def test_step3_is_urgent_and_names_the_nrs() -> None:
    from core.rules import evaluate_rules

    report = evaluate_rules(lecture_case_1())
    hit = report.hit("PAIN-STEP3")
    assert hit is not None
    assert hit.urgency == "urgent"
    assert hit.reason_en == "NRS 8"
    outcome = run("PAIN-SAFETY", make_case(nrs=5, **LOW_CRCL))
    assert isinstance(outcome, Fired)
    assert "CrCl 29.9 mL/min" in outcome.reason_en
