"""SINS: Spinal Instability Neoplastic Score.

Fisher CG, DiPaola CP, Ryken TC, et al. A novel classification system for spinal instability in
neoplastic disease: an evidence-based approach and expert consensus from the Spine Oncology Study
Group. Spine 2010;35(22):E1221-E1229. Reliability: Fourney DR et al. J Clin Oncol
2011;29:3072-3077.

Scored per lesion/level; a patient's SINS is the maximum over lesions, and a lesion spanning two
location classes takes the higher-scoring class (docs/clinical/scores.md decision 2). The location item is
given either as the class (``location``) or as the vertebral ``level``; when both are given the
level wins and a disagreement is an error. The coccyx is not covered by the source and is refused.
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
    make_result,
    sum_points,
)

SCORE_ID = "sins"
SOURCE = "Fisher CG et al. Spine 2010;35(22):E1221-E1229"

POINTS: dict[str, dict[str, int]] = {
    "location": {"junctional": 3, "mobile": 2, "semirigid": 1, "rigid": 0},
    "pain": {"mechanical": 3, "occasional_non_mechanical": 1, "pain_free": 0},
    "bone_lesion": {"lytic": 2, "mixed": 1, "blastic": 0},
    "alignment": {"subluxation_translation": 4, "de_novo_deformity": 2, "normal": 0},
    "vertebral_body_collapse": {
        "gt_50_collapse": 3,
        "lt_50_collapse": 2,
        "no_collapse_gt_50_involved": 1,
        "none": 0,
    },
    "posterolateral_involvement": {"bilateral": 3, "unilateral": 1, "none": 0},
}

VERTEBRAL_LEVELS: tuple[str, ...] = (
    "Oc",
    *(f"C{i}" for i in range(1, 8)),
    *(f"T{i}" for i in range(1, 13)),
    *(f"L{i}" for i in range(1, 6)),
    *(f"S{i}" for i in range(1, 6)),
)


def _location_of(level: str) -> str:
    region, number = level[0], int(level[1:]) if level != "Oc" else 0
    if level in {"Oc", "C1", "C2", "C7", "T1", "T2", "T11", "T12", "L1", "L5", "S1"}:
        return "junctional"
    if (region == "C" and 3 <= number <= 6) or (region == "L" and 2 <= number <= 4):
        return "mobile"
    if region == "T":
        return "semirigid"
    return "rigid"


SINS_LEVEL_LOCATION: dict[str, str] = {level: _location_of(level) for level in VERTEBRAL_LEVELS}

ITEMS = {
    "location": ("Location", "部位"),
    "pain": ("Pain", "疼痛"),
    "bone_lesion": ("Bone lesion", "骨病变类型"),
    "alignment": ("Radiographic spinal alignment", "影像学脊柱序列"),
    "vertebral_body_collapse": ("Vertebral body collapse", "椎体塌陷"),
    "posterolateral_involvement": (
        "Posterolateral involvement of spinal elements",
        "脊柱后外侧结构受累",
    ),
}

LABELS = {
    "location": {
        "junctional": (
            "junctional (Oc–C2, C7–T2, T11–L1, L5–S1)",
            "交界区（枕骨–C2、C7–T2、T11–L1、L5–S1）",
        ),
        "mobile": ("mobile spine (C3–C6, L2–L4)", "活动节段（C3–C6、L2–L4）"),
        "semirigid": ("semi-rigid (T3–T10)", "半刚性节段（T3–T10）"),
        "rigid": ("rigid (S2–S5)", "刚性节段（S2–S5）"),
    },
    "pain": {
        "mechanical": ("mechanical pain", "机械性疼痛"),
        "occasional_non_mechanical": ("occasional pain, not mechanical", "偶发非机械性疼痛"),
        "pain_free": ("pain-free lesion", "无痛性病灶"),
    },
    "bone_lesion": {
        "lytic": ("lytic", "溶骨性"),
        "mixed": ("mixed lytic/blastic", "混合性（溶骨/成骨）"),
        "blastic": ("blastic", "成骨性"),
    },
    "alignment": {
        "subluxation_translation": ("subluxation/translation present", "存在半脱位/平移"),
        "de_novo_deformity": ("de novo deformity (kyphosis/scoliosis)", "新发畸形（后凸/侧凸）"),
        "normal": ("normal alignment", "序列正常"),
    },
    "vertebral_body_collapse": {
        "gt_50_collapse": ("> 50% collapse", "椎体塌陷 >50%"),
        "lt_50_collapse": ("< 50% collapse", "椎体塌陷 <50%"),
        "no_collapse_gt_50_involved": (
            "no collapse with > 50% of the body involved",
            "无塌陷，但椎体受累 >50%",
        ),
        "none": ("none of the above", "以上均无"),
    },
    "posterolateral_involvement": {
        "bilateral": ("bilateral", "双侧"),
        "unilateral": ("unilateral", "单侧"),
        "none": ("none", "无"),
    },
}

BAND_UPPER_BOUNDS = [(6, "stable"), (12, "indeterminate"), (18, "unstable")]

BANDS = {
    "stable": Band(
        "Stable (0–6)",
        "稳定（0–6分）",
        "No surgical consultation needed for instability",
        "无需因脊柱稳定性请外科会诊",
    ),
    "indeterminate": Band(
        "Indeterminate: potentially unstable (7–12)",
        "潜在不稳定（7–12分）",
        "Spine surgical consultation recommended before planned radiotherapy",
        "建议在计划放疗前请脊柱外科会诊",
    ),
    "unstable": Band(
        "Unstable (13–18)",
        "不稳定（13–18分）",
        "Spine surgical consultation; stabilisation usually indicated",
        "请脊柱外科会诊；通常需行固定手术",
    ),
}


class SinsInput(ScoreInput):
    location: Annotated[str | None, choice(*POINTS["location"])] = None
    level: Annotated[str | None, choice(*VERTEBRAL_LEVELS)] = None
    pain: Annotated[str | None, choice(*POINTS["pain"])] = None
    bone_lesion: Annotated[str | None, choice(*POINTS["bone_lesion"])] = None
    alignment: Annotated[str | None, choice(*POINTS["alignment"])] = None
    vertebral_body_collapse: Annotated[str | None, choice(*POINTS["vertebral_body_collapse"])] = None
    posterolateral_involvement: Annotated[str | None, choice(*POINTS["posterolateral_involvement"])] = None

    @model_validator(mode="after")
    def _level_matches_location(self) -> SinsInput:
        if self.level is not None and self.location is not None and SINS_LEVEL_LOCATION[self.level] != self.location:
            raise CrossFieldError(
                "location",
                "does not match the location class of the given level; give only level, or a location that agrees with it",
            )
        return self


def score_sins(data: SinsInput) -> ScoreResult:
    values = data.model_dump()
    if data.level is not None:
        values["location"] = SINS_LEVEL_LOCATION[data.level]
    total, breakdown, missing = sum_points(values, POINTS, LABELS, ITEMS)
    if data.level is not None:
        # The level is what was entered; show it rather than the derived class.
        first = breakdown[0]
        breakdown[0] = BreakdownItem(
            input="level",
            value=data.level,
            points=first.points,
            label_en=f"{first.label_en}: level {data.level}",
            label_zh=f"{first.label_zh}：{data.level}节段",
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
    )


DEFINITION = define(
    score_id=SCORE_ID,
    name_en="Spinal Instability Neoplastic Score (SINS)",
    name_zh="脊柱肿瘤不稳定评分（SINS）",
    input_model=SinsInput,
    bands=BANDS,
    total_range=(0, 18),
    source=SOURCE,
    function=score_sins,
    ordinal=True,
)
