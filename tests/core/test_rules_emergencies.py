"""Emergency actions (docs/clinical/rules.md "Emergencies (actions)")."""

from __future__ import annotations

import pytest

from core.models import CaseFile
from core.policy import Policy
from core.rules import RULES_BY_ID, Fired, evaluate_rules
from tests.core.case_kit import lab, lecture_case_2, make_case, run, spine, verdict


def ca(value: str, **case: object) -> CaseFile:
    return make_case(labs=[lab("calcium", value), lab("albumin", "40")], **case)  # type: ignore[arg-type]


CASES: list[tuple[str, str, CaseFile, str]] = [
    # EMERG-MSCC -- lecture; NICE NG234
    ("EMERG-MSCC", "lecture-case-2", lecture_case_2(), "fires:default"),
    (
        "EMERG-MSCC",
        "radiological-only",
        make_case(lesions=[spine("T4", bilsky="2")], neuro_assessed=True),
        "fires:default",
    ),
    ("EMERG-MSCC", "no-mscc", make_case(neuro_assessed=True), "not"),
    ("EMERG-MSCC", "not-assessed", make_case(), "needs"),
    # EMERG-HYPERCA -- Zometa label; SfE 2016 (2.60 / 2.61 / 2.99 / 3.00 / 3.10 / 3.11)
    ("EMERG-HYPERCA", "ca-2.60", ca("2.60"), "not"),
    ("EMERG-HYPERCA", "ca-2.61-mild", ca("2.61"), "fires:routine"),
    ("EMERG-HYPERCA", "ca-2.99-mild", ca("2.99"), "fires:routine"),
    ("EMERG-HYPERCA", "ca-3.00", ca("3.00"), "fires:urgent"),
    ("EMERG-HYPERCA", "ca-3.10", ca("3.10"), "fires:urgent"),
    ("EMERG-HYPERCA", "ca-3.11", ca("3.11"), "fires:emergency"),
    (
        "EMERG-HYPERCA",
        "ca-2.80-symptomatic",
        ca("2.80", calcium_symptoms=("arrhythmia",)),
        "fires:emergency",
    ),
    ("EMERG-HYPERCA", "no-calcium", make_case(), "needs"),
    (
        "EMERG-HYPERCA",
        "ca-2.80-hypocalcaemia-symptom-only",
        ca("2.80", calcium_symptoms=("seizures",)),
        "fires:routine",
    ),
    # EMERG-MARROW -- lecture
    (
        "EMERG-MARROW",
        "febrile-neutropenia",
        # Safety rule 2: the count with fever must be from the last 24 h.
        make_case(fever=True, labs=[lab("neutrophils", "0.3", 0), lab("platelets", "200"), lab("hb", "120")]),
        "fires:emergency",
    ),
    (
        "EMERG-MARROW",
        "marrow-only",
        make_case(labs=[lab("neutrophils", "0.9"), lab("platelets", "200"), lab("hb", "120")]),
        "fires:urgent",
    ),
    (
        "EMERG-MARROW",
        "normal",
        make_case(labs=[lab("neutrophils", "3"), lab("platelets", "200"), lab("hb", "120")]),
        "not",
    ),
    ("EMERG-MARROW", "no-counts", make_case(), "needs"),
]


@pytest.mark.parametrize(
    ("rule_id", "cf", "expected"),
    [(rule_id, cf, expected) for rule_id, _, cf, expected in CASES],
    ids=[f"{rule_id}-{name}-{RULES_BY_ID[rule_id].source}" for rule_id, name, _, _ in CASES],
)
def test_emergency_table(rule_id: str, cf: CaseFile, expected: str) -> None:
    assert verdict(run(rule_id, cf)) == expected


def test_emerg_mscc_text_for_lecture_case_2() -> None:
    hit = evaluate_rules(lecture_case_2()).hit("EMERG-MSCC")
    assert hit is not None
    assert hit.urgency == "emergency"
    assert "10 mg IV then 4 mg every 6 h" in hit.text_en
    assert "16 mg/day (NICE NG234)" in hit.text_en
    assert "whole-spine MRI within 24 h" in hit.text_en
    assert "same-day surgical and radiotherapy opinion" in hit.text_en
    assert "dexamethasone 10 mg IV then 4 mg every 6 h now" in hit.reason_en
    assert "10 mg 静脉注射，随后每 6 小时 4 mg" in hit.text_zh  # the regimen in the reader's language
    assert "then" not in hit.text_zh and "every" not in hit.text_zh
    assert "24小时内" in hit.text_zh


def test_emerg_mscc_uses_the_department_dexamethasone_policy() -> None:
    policy = Policy(dexamethasone_mscc="16 mg PO once daily", dexamethasone_mscc_zh="16 mg 口服，每日一次")
    hit = evaluate_rules(lecture_case_2(), policy=policy).hit("EMERG-MSCC")
    assert hit is not None
    assert "16 mg PO once daily" in hit.text_en
    assert "16 mg PO once daily" in hit.reason_en
    assert "16 mg 口服，每日一次" in hit.text_zh and "16 mg 口服，每日一次" in hit.reason_zh


def test_emerg_mscc_without_deficit_withholds_routine_steroids() -> None:
    cf = make_case(lesions=[spine("T4", bilsky="3")], neuro_assessed=True)
    outcome = run("EMERG-MSCC", cf)
    assert isinstance(outcome, Fired)
    assert outcome.detail["dexamethasone"] == "only_if_severe_pain_or_advised"


def test_emerg_mscc_possible_lymphoma_asks_for_haematology() -> None:
    cf = make_case(primary_tumour="lymphoma", neuro_signs=("limb_weakness",))
    outcome = run("EMERG-MSCC", cf)
    assert isinstance(outcome, Fired)
    assert outcome.detail["dexamethasone"] == "discuss_with_haematology_first"


def test_mild_hypercalcaemia_text() -> None:
    hit = evaluate_rules(ca("2.75")).hit("EMERG-HYPERCA")
    assert hit is not None
    assert "recheck within 1 week" in hit.text_en
    assert hit.reason_en == "corrected Ca 2.75 mmol/L"
