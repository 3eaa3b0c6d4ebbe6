"""ECOG performance status and Karnofsky performance status (KPS), with the display crosswalk.

ECOG: Oken MM, Creech RH, Tormey DC, et al. Toxicity and response criteria of the Eastern
Cooperative Oncology Group. Am J Clin Oncol 1982;5:649-655.
KPS: Karnofsky DA, Burchenal JH. In: MacLeod CM (ed). Evaluation of Chemotherapeutic Agents.
Columbia Univ Press 1949:191-205.
Crosswalk: the conventional table (ECOG 0 = KPS 90-100, 1 = 70-80, 2 = 50-60, 3 = 30-40,
4 = 10-20, 5 = 0), for display only (docs/clinical/scores.md decision 11); Tokuhashi uses decision 4. Record
both scales natively. ``total`` is the value itself and the band is its string form.
"""

from __future__ import annotations

from typing import Annotated

from core.scores.base import (
    INCOMPLETE,
    Band,
    BreakdownItem,
    ScoreInput,
    ScoreResult,
    define,
    integer_in,
    make_result,
)

ECOG_ID = "ecog"
ECOG_SOURCE = "Oken MM et al. Am J Clin Oncol 1982;5:649-655"
KPS_ID = "karnofsky"
KPS_SOURCE = "Karnofsky DA, Burchenal JH 1949 (Evaluation of Chemotherapeutic Agents)"

ECOG_DESCRIPTIONS: dict[int, tuple[str, str]] = {
    0: (
        "Fully active, able to carry on all pre-disease performance without restriction",
        "活动能力完全正常，与起病前活动能力无任何差异",
    ),
    1: (
        "Restricted in physically strenuous activity but ambulatory and able to carry out work of a light or sedentary nature",
        "不能从事重体力活动，但能下地走动，并能从事轻体力或坐着的工作（如轻家务、办公室工作）",
    ),
    2: (
        "Ambulatory and capable of all self-care but unable to carry out any work activities; "
        "up and about more than 50% of waking hours",
        "能下地走动，生活能自理，但已丧失工作能力；日间一半以上时间可起床活动",
    ),
    3: (
        "Capable of only limited self-care; confined to bed or chair more than 50% of waking hours",
        "生活仅能部分自理；日间一半以上时间卧床或坐轮椅",
    ),
    4: (
        "Completely disabled; cannot carry on any self-care; totally confined to bed or chair",
        "完全失能，生活完全不能自理，完全卧床或坐轮椅",
    ),
    5: ("Dead", "死亡"),
}

# Conventional crosswalk, display only (decision 11).
ECOG_TO_KPS: dict[int, str] = {0: "90–100", 1: "70–80", 2: "50–60", 3: "30–40", 4: "10–20", 5: "0"}

KPS_DESCRIPTIONS: dict[int, tuple[str, str]] = {
    100: ("Normal; no complaints; no evidence of disease", "正常，无症状，无疾病证据"),
    90: (
        "Able to carry on normal activity; minor signs or symptoms",
        "能进行正常活动，有轻微症状或体征",
    ),
    80: (
        "Normal activity with effort; some signs or symptoms",
        "勉强能进行正常活动，有一些症状或体征",
    ),
    70: (
        "Cares for self; unable to carry on normal activity or to do active work",
        "生活能自理，但不能维持正常活动或从事积极工作",
    ),
    60: (
        "Requires occasional assistance but is able to care for most personal needs",
        "偶尔需要帮助，但大部分个人需求能自理",
    ),
    50: (
        "Requires considerable assistance and frequent medical care",
        "需要较多帮助和经常的医疗护理",
    ),
    40: ("Disabled; requires special care and assistance", "失能，需要特别照顾和帮助"),
    30: (
        "Severely disabled; hospital admission indicated although death not imminent",
        "严重失能，需住院，但尚无死亡威胁",
    ),
    20: (
        "Very sick; hospital admission necessary; active supportive treatment necessary",
        "病重，必须住院并给予积极支持治疗",
    ),
    10: ("Moribund; fatal processes progressing rapidly", "濒死，病情迅速进展"),
    0: ("Dead", "死亡"),
}

KPS_GROUPS: list[tuple[int, tuple[str, str]]] = [
    (0, ("dead", "死亡")),
    (40, ("unable to care for self (10–40)", "生活不能自理（10–40）")),
    (
        70,
        (
            "unable to work; lives at home, cares for most needs (50–70)",
            "不能工作，可居家生活，大部分个人需求能自理（50–70）",
        ),
    ),
    (
        100,
        ("able to carry on normal activity and to work (80–100)", "能进行正常活动和工作（80–100）"),
    ),
]


def kps_to_ecog(kps: int) -> int:
    """Conventional crosswalk KPS -> ECOG (display only)."""
    if kps == 0:
        return 5
    return {9: 0, 10: 0, 7: 1, 8: 1, 5: 2, 6: 2, 3: 3, 4: 3, 1: 4, 2: 4}[kps // 10]


def _kps_group(kps: int) -> tuple[str, str]:
    for upper, group in KPS_GROUPS:
        if kps <= upper:
            return group
    return KPS_GROUPS[-1][1]


ECOG_BANDS = {
    str(ecog): Band(
        f"ECOG {ecog}: {en}",
        f"ECOG {ecog}分：{zh}",
        f"Conventional crosswalk KPS {ECOG_TO_KPS[ecog]} (display only; record KPS natively)",
        f"常用对照KPS {ECOG_TO_KPS[ecog]}（仅供显示；KPS应直接记录）",
    )
    for ecog, (en, zh) in ECOG_DESCRIPTIONS.items()
}

KPS_BANDS = {
    str(kps): Band(
        f"KPS {kps}%: {en}",
        f"KPS {kps}%：{zh}",
        f"Conventional crosswalk ECOG {kps_to_ecog(kps)} (display only; record ECOG natively)",
        f"常用对照ECOG {kps_to_ecog(kps)}分（仅供显示；ECOG应直接记录）",
    )
    for kps, (en, zh) in sorted(KPS_DESCRIPTIONS.items())
}


class EcogInput(ScoreInput):
    ecog: Annotated[int | None, integer_in(0, 5)] = None


class KarnofskyInput(ScoreInput):
    kps: Annotated[int | None, integer_in(0, 100, step=10, unit="%")] = None


def score_ecog(data: EcogInput) -> ScoreResult:
    if data.ecog is None:
        return make_result(
            score_id=ECOG_ID,
            source=ECOG_SOURCE,
            bands=ECOG_BANDS,
            band=INCOMPLETE,
            total=None,
            breakdown=(),
            missing=("ecog",),
        )
    en, zh = ECOG_DESCRIPTIONS[data.ecog]
    crosswalk = ECOG_TO_KPS[data.ecog]
    return make_result(
        score_id=ECOG_ID,
        source=ECOG_SOURCE,
        bands=ECOG_BANDS,
        band=str(data.ecog),
        total=data.ecog,
        breakdown=[
            BreakdownItem(
                input="ecog",
                value=str(data.ecog),
                points=data.ecog,
                label_en=f"ECOG {data.ecog}: {en}",
                label_zh=f"ECOG {data.ecog}分：{zh}",
            ),
            BreakdownItem(
                input="kps_crosswalk",
                value=crosswalk,
                points=None,
                label_en=f"Conventional crosswalk: KPS {crosswalk}",
                label_zh=f"常用对照：KPS {crosswalk}",
            ),
        ],
    )


def score_karnofsky(data: KarnofskyInput) -> ScoreResult:
    if data.kps is None:
        return make_result(
            score_id=KPS_ID,
            source=KPS_SOURCE,
            bands=KPS_BANDS,
            band=INCOMPLETE,
            total=None,
            breakdown=(),
            missing=("kps",),
        )
    en, zh = KPS_DESCRIPTIONS[data.kps]
    group_en, group_zh = _kps_group(data.kps)
    ecog = kps_to_ecog(data.kps)
    return make_result(
        score_id=KPS_ID,
        source=KPS_SOURCE,
        bands=KPS_BANDS,
        band=str(data.kps),
        total=data.kps,
        breakdown=[
            BreakdownItem(
                input="kps",
                value=str(data.kps),
                points=data.kps,
                label_en=f"KPS {data.kps}%: {en}; group: {group_en}",
                label_zh=f"KPS {data.kps}%：{zh}；分组：{group_zh}",
            ),
            BreakdownItem(
                input="ecog_crosswalk",
                value=str(ecog),
                points=None,
                label_en=f"Conventional crosswalk: ECOG {ecog}",
                label_zh=f"常用对照：ECOG {ecog}分",
            ),
        ],
    )


ECOG_DEFINITION = define(
    score_id=ECOG_ID,
    name_en="ECOG performance status",
    name_zh="ECOG体能状态评分",
    input_model=EcogInput,
    bands=ECOG_BANDS,
    total_range=(0, 5),
    source=ECOG_SOURCE,
    function=score_ecog,
    ordinal=False,
)

KPS_DEFINITION = define(
    score_id=KPS_ID,
    name_en="Karnofsky performance status (KPS)",
    name_zh="Karnofsky体能状态评分（KPS）",
    input_model=KarnofskyInput,
    bands=KPS_BANDS,
    total_range=(0, 100),
    source=KPS_SOURCE,
    function=score_karnofsky,
    ordinal=False,
)
