"""Mirels score for impending pathological fracture of a long bone.

Mirels H. Metastatic disease in long bones. A proposed scoring system for diagnosing impending
pathologic fractures. Clin Orthop Relat Res 1989;(249):256-264. Bands as in Jawad MU, Scully SP.
Clin Orthop Relat Res 2010;468:2825-2827 and Ramsey DC et al. JAAOS Glob Res Rev 2020 (8 =
borderline). Size is the fraction of the bone's diameter destroyed on the worst plain-film view
(docs/clinical/scores.md decision 1). Not validated for spine, pelvis/acetabulum or already-fractured bone.
"""

from __future__ import annotations

from typing import Annotated

from core.scores.base import (
    INCOMPLETE,
    Band,
    ScoreInput,
    ScoreResult,
    band_by_upper_bound,
    choice,
    define,
    make_result,
    sum_points,
)

SCORE_ID = "mirels"
SOURCE = "Mirels H. Clin Orthop Relat Res 1989;(249):256-264"

POINTS: dict[str, dict[str, int]] = {
    "site": {"upper_limb": 1, "lower_limb": 2, "peritrochanteric": 3},
    "pain": {"mild": 1, "moderate": 2, "functional": 3},
    "lesion_type": {"blastic": 1, "mixed": 2, "lytic": 3},
    "size_fraction": {"lt_one_third": 1, "one_third_to_two_thirds": 2, "gt_two_thirds": 3},
}

ITEMS = {
    "site": ("Site", "部位"),
    "pain": ("Pain", "疼痛"),
    "lesion_type": ("Lesion type", "病灶类型"),
    "size_fraction": ("Size (fraction of bone diameter destroyed)", "大小（骨直径破坏比例）"),
}

LABELS = {
    "site": {
        "upper_limb": ("upper limb", "上肢"),
        "lower_limb": ("lower limb", "下肢"),
        "peritrochanteric": ("peritrochanteric", "股骨转子周围"),
    },
    "pain": {
        "mild": ("mild", "轻度"),
        "moderate": ("moderate", "中度"),
        "functional": (
            "functional (aggravated by limb function)",
            "功能性疼痛（肢体活动/负重时加重）",
        ),
    },
    "lesion_type": {
        "blastic": ("blastic", "成骨性"),
        "mixed": ("mixed", "混合性"),
        "lytic": ("lytic", "溶骨性"),
    },
    "size_fraction": {
        "lt_one_third": ("< 1/3", "< 1/3"),
        "one_third_to_two_thirds": ("1/3–2/3", "1/3–2/3"),
        "gt_two_thirds": ("> 2/3", "> 2/3"),
    },
}

BAND_UPPER_BOUNDS = [(7, "low_risk"), (8, "borderline"), (12, "high_risk")]

BANDS = {
    "low_risk": Band(
        "Low risk (≤ 7): fracture risk about 4%",
        "低风险（≤7分）：骨折风险约4%",
        "Radiotherapy and observation; prophylactic fixation not indicated",
        "放疗并观察；无需预防性内固定",
    ),
    "borderline": Band(
        "Borderline (8): fracture risk about 15%",
        "临界（8分）：骨折风险约15%",
        "Clinical judgement; consider prophylactic fixation",
        "临床判断；考虑预防性内固定",
    ),
    "high_risk": Band(
        "High risk, impending fracture (≥ 9): fracture risk ≥ 33%",
        "高风险，即将发生骨折（≥9分）：骨折风险≥33%",
        "Prophylactic internal fixation before radiotherapy",
        "放疗前行预防性内固定",
    ),
}


class MirelsInput(ScoreInput):
    site: Annotated[str | None, choice(*POINTS["site"])] = None
    pain: Annotated[str | None, choice(*POINTS["pain"])] = None
    lesion_type: Annotated[str | None, choice(*POINTS["lesion_type"])] = None
    size_fraction: Annotated[str | None, choice(*POINTS["size_fraction"])] = None


def score_mirels(data: MirelsInput) -> ScoreResult:
    total, breakdown, missing = sum_points(data.model_dump(), POINTS, LABELS, ITEMS)
    band = INCOMPLETE if missing else band_by_upper_bound(total, BAND_UPPER_BOUNDS)
    return make_result(
        score_id=SCORE_ID,
        source=SOURCE,
        bands=BANDS,
        band=band,
        total=total,
        breakdown=breakdown,
        missing=missing,
    )


DEFINITION = define(
    score_id=SCORE_ID,
    name_en="Mirels score (impending pathological fracture)",
    name_zh="Mirels评分（病理性骨折风险）",
    input_model=MirelsInput,
    bands=BANDS,
    total_range=(4, 12),
    source=SOURCE,
    function=score_mirels,
    ordinal=True,
)
