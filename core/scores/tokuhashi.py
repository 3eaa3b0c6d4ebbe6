"""Revised Tokuhashi score (2005) for the prognosis of metastatic spine tumours.

Tokuhashi Y, Matsuzaki H, Oda H, Oshima M, Ryu J. A revised scoring system for preoperative
evaluation of metastatic spine tumor prognosis. Spine 2005;30(19):2186-2191; table as reproduced,
with the author's corrections, in NICE CG75 (2008) Appendix 3. Vertebral item: >= 3 -> 0, 2 -> 1,
1 -> 2. Not the 1990 version (0-12 scale).

General condition (docs/clinical/scores.md decision 4): give ``general_condition_kps`` or a native ``kps``
(10-40 poor, 50-70 moderate, 80-100 good; KPS 0 is not scorable). Only when neither exists is
``ecog`` mapped straight to the category (0 good, 2 moderate, 3-4 poor; flag
``kps_converted_from_ecog``). ECOG 1 straddles two categories (KPS 70 or 80): the result stays
incomplete, asks for KPS and shows both possible totals. ECOG 5 is not scorable.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import model_validator

from core.scores.base import (
    INCOMPLETE,
    Band,
    BreakdownItem,
    CrossFieldError,
    ScoreInput,
    ScoreResult,
    band_by_upper_bound,
    choice,
    define,
    integer_in,
    make_result,
    sum_points,
)

SCORE_ID = "tokuhashi_revised"
SOURCE = "Tokuhashi Y et al. Spine 2005;30(19):2186-2191"

POINTS: dict[str, dict[str, int]] = {
    "general_condition_kps": {"poor_10_40": 0, "moderate_50_70": 1, "good_80_100": 2},
    "extraspinal_bone_mets": {"ge3": 0, "one_to_two": 1, "zero": 2},
    "vertebral_body_mets": {"ge3": 0, "two": 1, "one": 2},
    "major_organ_mets": {"unremovable": 0, "removable": 1, "none": 2},
    "primary_site_group": {
        "p0_lung_osteosarcoma_stomach_bladder_esophagus_pancreas": 0,
        "p1_liver_gallbladder_unidentified": 1,
        "p2_other": 2,
        "p3_kidney_uterus": 3,
        "p4_rectum": 4,
        "p5_thyroid_breast_prostate_carcinoid": 5,
    },
    "palsy_frankel": {"A": 0, "B": 0, "C": 1, "D": 1, "E": 2},
}

ECOG_CATEGORY: dict[int, str] = {
    0: "good_80_100",
    2: "moderate_50_70",
    3: "poor_10_40",
    4: "poor_10_40",
}


def kps_category(kps: int) -> str | None:
    """Native KPS -> Tokuhashi category; None for KPS 0 (not scorable)."""
    if kps == 0:
        return None
    if kps <= 40:
        return "poor_10_40"
    if kps <= 70:
        return "moderate_50_70"
    return "good_80_100"


ITEMS = {
    "general_condition_kps": ("General condition (KPS)", "一般情况（KPS）"),
    "extraspinal_bone_mets": ("Extraspinal bone metastases (foci)", "脊柱外骨转移灶数"),
    "vertebral_body_mets": ("Metastases in the vertebral body (number)", "椎体转移数目"),
    "major_organ_mets": ("Metastases to major internal organs", "主要脏器转移"),
    "primary_site_group": ("Primary site", "原发部位"),
    "palsy_frankel": ("Palsy (Frankel grade)", "瘫痪（Frankel分级）"),
}

LABELS = {
    "general_condition_kps": {
        "poor_10_40": ("poor (KPS 10–40%)", "差（KPS 10–40%）"),
        "moderate_50_70": ("moderate (KPS 50–70%)", "中等（KPS 50–70%）"),
        "good_80_100": ("good (KPS 80–100%)", "良好（KPS 80–100%）"),
    },
    "extraspinal_bone_mets": {
        "ge3": ("≥ 3", "≥3处"),
        "one_to_two": ("1–2", "1–2处"),
        "zero": ("0", "无"),
    },
    "vertebral_body_mets": {
        "ge3": ("≥ 3", "≥3个"),
        "two": ("2", "2个"),
        "one": ("1", "1个"),
    },
    "major_organ_mets": {
        "unremovable": ("unremovable", "不可切除"),
        "removable": ("removable", "可切除"),
        "none": ("no metastases", "无转移"),
    },
    "primary_site_group": {
        "p0_lung_osteosarcoma_stomach_bladder_esophagus_pancreas": (
            "lung, osteosarcoma, stomach, bladder, oesophagus, pancreas",
            "肺、骨肉瘤、胃、膀胱、食管、胰腺",
        ),
        "p1_liver_gallbladder_unidentified": (
            "liver, gallbladder, unidentified primary",
            "肝、胆囊、原发灶不明",
        ),
        "p2_other": ("others", "其他"),
        "p3_kidney_uterus": ("kidney, uterus", "肾、子宫"),
        "p4_rectum": ("rectum", "直肠"),
        "p5_thyroid_breast_prostate_carcinoid": (
            "thyroid, breast, prostate, carcinoid tumour",
            "甲状腺、乳腺、前列腺、类癌",
        ),
    },
    "palsy_frankel": {
        "A": ("Frankel A (complete)", "Frankel A级（完全性瘫痪）"),
        "B": ("Frankel B (complete motor paralysis)", "Frankel B级（完全性运动瘫痪）"),
        "C": ("Frankel C (incomplete)", "Frankel C级（不完全性瘫痪）"),
        "D": ("Frankel D (incomplete)", "Frankel D级（不完全性瘫痪）"),
        "E": ("Frankel E (no palsy)", "Frankel E级（无瘫痪）"),
    },
}

BAND_UPPER_BOUNDS = [(8, "lt_6_months"), (11, "ge_6_months"), (15, "ge_12_months")]

BANDS = {
    "lt_6_months": Band(
        "0–8: predicted survival < 6 months",
        "0–8分：预计生存期<6个月",
        "Conservative treatment or palliative surgery",
        "保守治疗或姑息性手术",
    ),
    "ge_6_months": Band(
        "9–11: predicted survival ≥ 6 months",
        "9–11分：预计生存期≥6个月",
        "Palliative surgery; excisional surgery if a single lesion without major-organ metastases",
        "姑息性手术；单发病灶且无主要脏器转移者可行切除手术",
    ),
    "ge_12_months": Band(
        "12–15: predicted survival ≥ 1 year",
        "12–15分：预计生存期≥1年",
        "Excisional surgery",
        "切除手术",
    ),
}


class TokuhashiInput(ScoreInput):
    general_condition_kps: Annotated[str | None, choice(*POINTS["general_condition_kps"])] = None
    extraspinal_bone_mets: Annotated[str | None, choice(*POINTS["extraspinal_bone_mets"])] = None
    vertebral_body_mets: Annotated[str | None, choice(*POINTS["vertebral_body_mets"])] = None
    major_organ_mets: Annotated[str | None, choice(*POINTS["major_organ_mets"])] = None
    primary_site_group: Annotated[str | None, choice(*POINTS["primary_site_group"])] = None
    palsy_frankel: Annotated[str | None, choice(*POINTS["palsy_frankel"])] = None
    kps: Annotated[int | None, integer_in(0, 100, step=10, unit="%")] = None
    ecog: Annotated[int | None, integer_in(0, 5)] = None

    @model_validator(mode="after")
    def _kps_agrees(self) -> TokuhashiInput:
        if (
            self.kps is not None
            and self.general_condition_kps is not None
            and kps_category(self.kps) != self.general_condition_kps
        ):
            raise CrossFieldError(
                "kps",
                "falls in a different category from general_condition_kps; give one of them, or make them agree",
            )
        return self


def _general_condition(
    data: TokuhashiInput,
) -> tuple[str | None, BreakdownItem | None, list[str]]:
    """(category, breakdown item when not given directly, flags)."""
    if data.general_condition_kps is not None:
        return data.general_condition_kps, None, []
    item_en, item_zh = ITEMS["general_condition_kps"]
    if data.kps is not None:
        category = kps_category(data.kps)
        if category is None:
            return None, None, ["kps_0_not_scorable"]
        value_en, value_zh = LABELS["general_condition_kps"][category]
        item = BreakdownItem(
            input="kps",
            value=str(data.kps),
            points=POINTS["general_condition_kps"][category],
            label_en=f"{item_en}: KPS {data.kps}% → {value_en}",
            label_zh=f"{item_zh}：KPS {data.kps}% → {value_zh}",
        )
        return category, item, []
    if data.ecog is not None and data.ecog in ECOG_CATEGORY:
        category = ECOG_CATEGORY[data.ecog]
        value_en, value_zh = LABELS["general_condition_kps"][category]
        item = BreakdownItem(
            input="ecog",
            value=str(data.ecog),
            points=POINTS["general_condition_kps"][category],
            label_en=f"{item_en}: ECOG {data.ecog} → {value_en} (converted from ECOG)",
            label_zh=f"{item_zh}：ECOG {data.ecog} → {value_zh}（由ECOG换算）",
        )
        return category, item, ["kps_converted_from_ecog"]
    if data.ecog == 5:
        return None, None, ["ecog_5_not_scorable"]
    return None, None, []


def score_tokuhashi(data: TokuhashiInput) -> ScoreResult:
    category, condition_item, flags = _general_condition(data)
    values = data.model_dump()
    values["general_condition_kps"] = category
    total, breakdown, missing = sum_points(values, POINTS, LABELS, ITEMS)
    if condition_item is not None:
        breakdown[0] = condition_item
    elif data.ecog == 1 and category is None:
        # ECOG 1 may be KPS 70 (moderate, 1) or 80 (good, 2): show both, score neither.
        flags = ["ecog_1_ambiguous", "record_kps"]
        others_complete = missing == ["general_condition_kps"]
        possible_en = f"possible totals {total + 1} or {total + 2}" if others_complete else ""
        possible_zh = f"可能总分为{total + 1}或{total + 2}分" if others_complete else ""
        breakdown.insert(
            0,
            BreakdownItem(
                input="ecog",
                value="1",
                points=None,
                label_en=(
                    "General condition: ECOG 1 is ambiguous (KPS 70 → moderate, 1 point; "
                    f"KPS 80 → good, 2 points){'; ' + possible_en if possible_en else ''}; "
                    "record KPS"
                ),
                label_zh=(
                    "一般情况：ECOG 1分无法确定KPS分类（KPS 70 → 中等，1分；KPS 80 → 良好，2分）"
                    f"{'；' + possible_zh if possible_zh else ''}；请记录KPS"
                ),
            ),
        )
    band = INCOMPLETE if missing else band_by_upper_bound(total, BAND_UPPER_BOUNDS)
    return make_result(
        score_id=SCORE_ID,
        source=SOURCE,
        bands=BANDS,
        band=band,
        total=total,
        breakdown=breakdown,
        missing=missing,
        flags=flags,
    )


DEFINITION = define(
    score_id=SCORE_ID,
    name_en="Revised Tokuhashi score (2005)",
    name_zh="改良Tokuhashi评分（2005）",
    input_model=TokuhashiInput,
    bands=BANDS,
    total_range=(0, 15),
    source=SOURCE,
    function=score_tokuhashi,
    ordinal=True,
)
