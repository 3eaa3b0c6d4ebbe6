"""Every text a clinician reads from the rules and the derivation is clinical language.

Scans the fired rules (suggestion, reason), the needs-data items and the derivation notes of
the builder cases and of every case of the demo store: no snake_case band id, vocabulary value
or input name, no Python ``True``/``False``, no doubled closing bracket, and the Chinese fields
hold Chinese (not a copy of the English).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from enum import StrEnum

import duckdb
import pytest

import core.models as models
from core.derive import CaseScores, derive_scores
from core.models import CaseFile
from core.policy import Policy
from core.rules import evaluate_rules
from core.scores import SCORES
from tests.core.case_kit import (
    bone,
    lab,
    lecture_case_1,
    lecture_case_2,
    make_case,
    mirels_lesion,
    sins_lesion,
    spine,
    treatment,
)

DEMO_TODAY = date(2026, 11, 20)

# Every internal code a reader must never see: band ids and vocabulary values.
BAND_IDS: frozenset[str] = frozenset(band for d in SCORES.values() for band in d.bands)
VOCAB: frozenset[str] = frozenset(
    member.value
    for obj in vars(models).values()
    if isinstance(obj, type) and issubclass(obj, StrEnum) and obj is not StrEnum
    for member in obj
)
CODES: frozenset[str] = BAND_IDS | VOCAB
SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
BOOL = re.compile(r"\b(True|False)\b")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Single-word vocabulary values that must not stand in Chinese text untranslated.
LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z]+(?![A-Za-z])")
ZH_FORBIDDEN_WORDS: frozenset[str] = frozenset(v for v in VOCAB if v.isalpha() and v.islower() and len(v) > 2)


def problems(text: str, *, zh: bool, free_text: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with one shown text (empty when it reads as clinical language)."""
    found: list[str] = []
    for token in SNAKE.findall(text):
        kind = "code" if token in CODES else "snake_case"
        found.append(f"{kind} {token!r}")
    if BOOL.search(text):
        found.append("Python bool")
    if "))" in text or "））" in text:
        found.append("doubled bracket")
    if zh:
        if text and not CJK.search(text):
            found.append("no Chinese")
        scrubbed = text
        for name in free_text:  # user-entered names (treatments) stay as entered
            scrubbed = scrubbed.replace(name, "")
        words = set(LOWER_WORD.findall(scrubbed)) & ZH_FORBIDDEN_WORDS
        if words:
            found.append(f"English vocabulary {sorted(words)}")
    return found


def shown_texts(cf: CaseFile, policy: Policy) -> Iterator[tuple[str, str, bool]]:
    """(where, text, is Chinese) of everything the board shows from the rules and derivation."""
    scores: CaseScores = derive_scores(cf, policy)
    report = evaluate_rules(cf, scores, policy)
    for hit in report.fired:
        for name in ("text_en", "text_zh", "reason_en", "reason_zh"):
            yield f"{hit.rule_id}.{name}", getattr(hit, name), name.endswith("_zh")
        assert hit.reason_en.strip(), hit.rule_id
        assert hit.reason_zh.strip(), hit.rule_id
    for item in report.needs_data:
        assert len(item.missing_en) == len(item.missing_zh) == len(item.missing), item.rule_id
        for text in item.missing_en:
            yield f"{item.rule_id}.needs_en", text, False
        for text in item.missing_zh:
            yield f"{item.rule_id}.needs_zh", text, True
    for conflict in report.conflicts:
        yield "conflict.en", conflict.name_en, False
        yield "conflict.zh", conflict.name_zh, True
    for score in (*scores.patient.values(), *scores.per_lesion):
        where = f"{score.score_id}@{score.site}"
        yield f"{where}.label", score.label, False
        yield f"{where}.label_zh", score.label_zh, True
        if score.note:
            yield f"{where}.note", score.note, False
            yield f"{where}.note_zh", score.note_zh, True
        for source in score.sources:
            if source.note:
                yield f"{where}.{source.input}.note", source.note, False
                yield f"{where}.{source.input}.note_zh", source.note_zh, True
            yield f"{where}.{source.input}.record", source.record, False
            yield f"{where}.{source.input}.record_zh", source.record_zh, True


def case_problems(cf: CaseFile, policy: Policy | None = None) -> list[str]:
    policy = policy or Policy()
    free = tuple(sorted((t.name for t in cf.treatments), key=len, reverse=True))
    return [
        f"{where}: {problem}: {text}"
        for where, text, zh in shown_texts(cf, policy)
        for problem in problems(text, zh=zh, free_text=free)
    ]


# --------------------------------------------------------------------------------------------
# Builder cases: every rule family fires or asks for data at least once
# --------------------------------------------------------------------------------------------


def builder_cases() -> dict[str, CaseFile]:
    return {
        "empty": make_case(),
        "lecture-1": lecture_case_1(),
        "lecture-2": lecture_case_2(),
        "lecture-2-surgeon-stable": lecture_case_2(
            lesions=[
                spine(
                    "T9",
                    12,
                    spinal_pain="mechanical",
                    alignment="normal",
                    collapse="lt_50_collapse",
                    posterolateral="bilateral",
                    bilsky="2",
                    painful=True,
                    surgeon_stability="stable",
                )
            ]
        ),
        "unstable-and-impending": make_case(
            lesions=[
                sins_lesion(13, bilsky="1c", painful=True, posterior_wall_intact=True),
                mirels_lesion(9, painful=True),
                bone(
                    "humerus",
                    41,
                    segment="proximal",
                    limb_pain="moderate",
                    size_fraction="one_third_to_two_thirds",
                ),
            ],
            neuro_assessed=True,
            frankel="E",
            ecog=1,
            nrs=7,
            expected_survival_weeks=12,
            fit_for_surgery=False,
            visceral_mets="none",
            er="positive",
            pr="negative",
            her2="positive",
            labs=[
                lab("calcium", "3.3", 2),
                lab("albumin", "30", 2),
                lab("creatinine", "250", 2),
                lab("platelets", "40", 2),
                lab("neutrophils", "0.8", 2),
                lab("hb", "75", 2),
            ],
            treatments=[treatment("bone_modifying_agent", "zoledronic acid", 90, ongoing=True)],
        ),
        "prostate-crpc": make_case(
            sex="male",
            primary_tumour="prostate",
            castration="resistant",
            lesions=[
                spine("L2", 3, spinal_pain="mechanical", bilsky="0", painful=True),
                bone("pelvis", 4, segment="ischium_pubis", painful=True, pathological_fracture=True),
                bone("femur", 5, segment="head_neck", limb_pain="moderate"),
            ],
            nrs=5,
            ecog=1,
            weight_kg=Decimal("76"),
            visceral_mets="none",
            prior_mcrpc_lines=2,
            lymph_node_max_cm=Decimal("1.5"),
            treatments=[treatment("endocrine", "abiraterone", 60, ongoing=True)],
        ),
        "kidney-oligo": make_case(
            primary_tumour="kidney",
            histology="clear_cell_rcc",
            lesions=[sins_lesion(9, bilsky="1b", painful=True)],
            ecog=0,
            expected_survival_weeks=104,
            fit_for_surgery=True,
            neuro_assessed=True,
            primary_controlled=True,
            surgery_planned=True,
        ),
        "kps-only": make_case(kps=40, primary_tumour="lung_nsclc", egfr="positive"),
        "myeloma": make_case(primary_tumour="myeloma", lesions=[spine("T4", 2)]),
    }


@pytest.mark.parametrize("name", sorted(builder_cases()))
def test_builder_cases_read_as_clinical_language(name: str) -> None:
    assert case_problems(builder_cases()[name]) == []


def test_the_scan_catches_raw_codes() -> None:
    assert problems("Tomita 4 (marginal_or_intralesional_excision)", zh=False)
    assert problems("S fit=True", zh=False)
    assert problems("alternative 16 mg/day (NICE NG234))", zh=False)
    assert problems("Mirels 9 at left femur", zh=True)
    assert problems("breast骨转移", zh=True)
    assert not problems("T9 SINS 11分——潜在不稳定（7–12分）", zh=True)


# --------------------------------------------------------------------------------------------
# Every case of the demo store
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_cases() -> list[CaseFile]:
    from db.cases import load_case_file
    from db.demo import load_demo
    from db.migrate import migrate

    con = duckdb.connect()
    try:
        migrate(con)
        load_demo(con, today=DEMO_TODAY)
        ids = [int(r[0]) for r in con.execute("SELECT case_id FROM mdt_case ORDER BY 1").fetchall()]
        return [load_case_file(con, case_id, as_of=DEMO_TODAY) for case_id in ids]
    finally:
        con.close()


def test_every_demo_case_reads_as_clinical_language(demo_cases: list[CaseFile]) -> None:
    assert len(demo_cases) > 50
    found: dict[str, str] = {}
    for cf in demo_cases:
        for problem in case_problems(cf):
            key = re.sub(r"\d+", "#", problem.split(": ", 2)[0] + problem.split(": ", 2)[1])
            found.setdefault(key, f"case {cf.case.case_id}: {problem}")
    assert sorted(found.values()) == []
