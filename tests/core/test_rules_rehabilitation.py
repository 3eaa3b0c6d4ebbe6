"""Rehabilitation rules (docs/clinical/rules.md "Rehabilitation")."""

from __future__ import annotations

import pytest

from core.models import CaseFile
from core.rules import RULES_BY_ID, Fired
from tests.core.case_kit import (
    bone,
    make_case,
    mirels_lesion,
    run,
    sins_lesion,
    spine,
    treatment,
    verdict,
)

UPPER_8 = bone(
    "humerus",
    41,
    segment="shaft",
    limb_pain="functional",
    size_fraction="lt_one_third",
    lesion_type="blastic",
)  # 1 + 3 + 1 + 1 = 6
UPPER_9 = bone(
    "humerus", 42, segment="shaft", limb_pain="functional", size_fraction="one_third_to_two_thirds"
)  # 1 + 3 + 3 + 2 = 9

CASES: list[tuple[str, str, CaseFile, str]] = [
    # REHAB-WB-RESTRICT -- lecture; Mirels; SINS
    ("REHAB-WB-RESTRICT", "mirels-7-lower", make_case(lesions=[mirels_lesion(7)]), "not"),
    ("REHAB-WB-RESTRICT", "mirels-8-lower", make_case(lesions=[mirels_lesion(8)]), "fires:default"),
    ("REHAB-WB-RESTRICT", "mirels-9-upper", make_case(lesions=[UPPER_9]), "fires:default"),
    ("REHAB-WB-RESTRICT", "mirels-6-upper", make_case(lesions=[UPPER_8]), "not"),
    ("REHAB-WB-RESTRICT", "sins-6", make_case(lesions=[sins_lesion(6)]), "not"),
    ("REHAB-WB-RESTRICT", "sins-7", make_case(lesions=[sins_lesion(7)]), "fires:default"),
    ("REHAB-WB-RESTRICT", "incomplete", make_case(lesions=[spine("L4")]), "needs"),
    # REHAB-POSTOP -- lecture
    (
        "REHAB-POSTOP",
        "after-surgery",
        make_case(
            lesions=[spine("T9", 12)],
            treatments=[treatment("surgery", "T9 decompression", days_ago=10, lesion_ids=(12,), procedure="decompression")],
        ),
        "fires:default",
    ),
    # Safety rule 3: a mastectomy is not a bone operation; after 12 weeks the rule has ended.
    ("REHAB-POSTOP", "after-mastectomy", make_case(treatments=[treatment("surgery", "mastectomy", days_ago=10)]), "not"),
    (
        "REHAB-POSTOP",
        "13-weeks-after-fixation",
        make_case(
            lesions=[spine("T9", 12)],
            treatments=[treatment("surgery", "T9 fixation", days_ago=91, lesion_ids=(12,), procedure="stabilisation")],
        ),
        "not",
    ),
    ("REHAB-POSTOP", "no-surgery", make_case(), "not"),
    # REHAB-FUNCTION -- lecture
    ("REHAB-FUNCTION", "ecog-1-frankel-e", make_case(ecog=1, frankel="E"), "not"),
    ("REHAB-FUNCTION", "ecog-2", make_case(ecog=2, frankel="E"), "fires:default"),
    ("REHAB-FUNCTION", "frankel-d", make_case(ecog=0, frankel="D"), "fires:default"),
    ("REHAB-FUNCTION", "kps-60-converted", make_case(kps=60, frankel="E"), "fires:default"),
    ("REHAB-FUNCTION", "nothing", make_case(), "needs"),
    # REHAB-SPINE -- lecture
    ("REHAB-SPINE", "spinal", make_case(lesions=[spine("T9")]), "fires:default"),
    ("REHAB-SPINE", "no-spine", make_case(lesions=[bone("rib")]), "not"),
]


@pytest.mark.parametrize(
    ("rule_id", "cf", "expected"),
    [(rule_id, cf, expected) for rule_id, _, cf, expected in CASES],
    ids=[f"{rule_id}-{name}-{RULES_BY_ID[rule_id].source}" for rule_id, name, _, _ in CASES],
)
def test_rehabilitation_table(rule_id: str, cf: CaseFile, expected: str) -> None:
    assert verdict(run(rule_id, cf)) == expected


def test_upper_limb_gets_a_lifting_restriction() -> None:
    outcome = run("REHAB-WB-RESTRICT", make_case(lesions=[UPPER_9]))
    assert isinstance(outcome, Fired)
    assert "lifting restriction" in outcome.reason_en
    assert "Mirels 9" in outcome.reason_en
