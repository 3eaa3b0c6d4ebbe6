"""Tomita score: surgical strategy for spinal metastases.

Tomita K, Kawahara N, Kobayashi T, Yoshida A, Murakami H, Akamaru T. Surgical strategy for spinal
metastases. Spine 2001;26(3):298-306. Rapid growth scores 4 (range 2-10), not the 3 of some
reviews. The strategy band is shown, not survival (docs/clinical/scores.md decision 3); the growth class is
prefilled from the primary with ``GROWTH_CLASS_BY_PRIMARY`` and may be overridden.
Not the Tomita surgical classification of vertebral tumours (types 1-7).
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

SCORE_ID = "tomita"
SOURCE = "Tomita K et al. Spine 2001;26(3):298-306"

POINTS: dict[str, dict[str, int]] = {
    "primary_tumor_growth": {"slow": 1, "moderate": 2, "rapid": 4},
    "visceral_metastases": {"none": 0, "treatable": 2, "untreatable": 4},
    "bone_metastases": {"solitary_or_isolated": 1, "multiple": 2},
}

# Decision 3: the board's prefill table; any other primary must be chosen by the user.
GROWTH_CLASS_BY_PRIMARY: dict[str, str] = {
    "breast": "slow",
    "thyroid": "slow",
    "prostate": "slow",
    "carcinoid": "slow",
    "kidney": "moderate",
    "uterus": "moderate",
    "lung": "rapid",
    "stomach": "rapid",
    "liver": "rapid",
    "oesophagus": "rapid",
    "pancreas": "rapid",
    "colorectal": "rapid",
    "unknown_primary": "rapid",
}

ITEMS = {
    "primary_tumor_growth": ("Primary tumour growth", "原发肿瘤生长速度"),
    "visceral_metastases": ("Visceral metastases", "内脏转移"),
    "bone_metastases": ("Bone metastases (including spine)", "骨转移（含脊柱）"),
}

LABELS = {
    "primary_tumor_growth": {
        "slow": (
            "slow (e.g. breast, thyroid, prostate, carcinoid)",
            "生长缓慢（如乳腺、甲状腺、前列腺、类癌）",
        ),
        "moderate": ("moderate (e.g. kidney, uterus)", "生长中等（如肾、子宫）"),
        "rapid": (
            "rapid (e.g. lung, stomach, liver, oesophagus, pancreas, colorectal, unknown primary)",
            "生长迅速（如肺、胃、肝、食管、胰腺、结直肠、原发灶不明）",
        ),
    },
    "visceral_metastases": {
        "none": ("none", "无"),
        "treatable": ("treatable", "可治疗"),
        "untreatable": ("untreatable", "不可治疗"),
    },
    "bone_metastases": {
        "solitary_or_isolated": ("solitary or isolated", "单发或孤立性"),
        "multiple": ("multiple", "多发"),
    },
}

BAND_UPPER_BOUNDS = [
    (3, "wide_or_marginal_excision"),
    (5, "marginal_or_intralesional_excision"),
    (7, "palliative_surgery"),
    (10, "supportive_terminal_care"),
]

BANDS = {
    "wide_or_marginal_excision": Band(
        "2–3: long-term local control",
        "2–3分：长期局部控制",
        "Wide or marginal excision (e.g. total en bloc spondylectomy)",
        "广泛或边缘切除（如全脊椎整块切除术）",
    ),
    "marginal_or_intralesional_excision": Band(
        "4–5: middle-term local control",
        "4–5分：中期局部控制",
        "Marginal or intralesional excision",
        "边缘或病灶内切除",
    ),
    "palliative_surgery": Band(
        "6–7: short-term palliation",
        "6–7分：短期姑息",
        "Palliative surgery (decompression ± stabilisation)",
        "姑息性手术（减压±固定）",
    ),
    "supportive_terminal_care": Band(
        "8–10: terminal care",
        "8–10分：终末期关怀",
        "Non-operative supportive care",
        "非手术支持治疗",
    ),
}


class TomitaInput(ScoreInput):
    primary_tumor_growth: Annotated[str | None, choice(*POINTS["primary_tumor_growth"])] = None
    visceral_metastases: Annotated[str | None, choice(*POINTS["visceral_metastases"])] = None
    bone_metastases: Annotated[str | None, choice(*POINTS["bone_metastases"])] = None


def score_tomita(data: TomitaInput) -> ScoreResult:
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
    name_en="Tomita score (surgical strategy for spinal metastases)",
    name_zh="Tomita评分（脊柱转移瘤手术策略）",
    input_model=TomitaInput,
    bands=BANDS,
    total_range=(2, 10),
    source=SOURCE,
    function=score_tomita,
    ordinal=True,
)
