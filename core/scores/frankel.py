"""Frankel grade of neurological function, with the closest ASIA grade and Tokuhashi points.

Frankel HL, Hancock DO, Hyslop G, et al. The value of postural reduction in the initial
management of closed injuries of the spine with paraplegia and tetraplegia. Paraplegia
1969;7:179-192. AIS: Kirshblum SC et al. J Spinal Cord Med 2011;34:535-546 (the correspondence
is approximate: AIS needs a full ISNCSCI examination). The band is the grade letter; ``total``
is None. The breakdown carries the Tokuhashi 2005 palsy points (A/B 0, C/D 1, E 2).
"""

from __future__ import annotations

from typing import Annotated

from core.scores.base import (
    INCOMPLETE,
    Band,
    BreakdownItem,
    ScoreInput,
    ScoreResult,
    choice,
    define,
    make_result,
)

SCORE_ID = "frankel"
SOURCE = "Frankel HL et al. Paraplegia 1969;7:179-192"

TOKUHASHI_PALSY_POINTS: dict[str, int] = {"A": 0, "B": 0, "C": 1, "D": 1, "E": 2}

_MSCC_EN = (
    "New or progressing deficit: manage as suspected spinal cord compression "
    "(whole-spine MRI within 24 h, dexamethasone, urgent MDT)"
)
_MSCC_ZH = "新发或进展性神经功能障碍：按疑似脊髓压迫处理（24小时内全脊柱MRI、地塞米松、紧急MDT讨论）"

BANDS = {
    "A": Band(
        "Frankel A: complete – no motor or sensory function below the level (≈ AIS A)",
        "Frankel A级：完全性损伤，损伤平面以下无运动及感觉功能（约相当于AIS A级）",
        f"Tokuhashi palsy item 0 points. {_MSCC_EN}",
        f"Tokuhashi瘫痪项0分。{_MSCC_ZH}",
    ),
    "B": Band(
        "Frankel B: sensory only – some sensation below the level, motor paralysis complete (≈ AIS B)",
        "Frankel B级：仅存感觉，损伤平面以下有部分感觉，运动完全丧失（约相当于AIS B级）",
        f"Tokuhashi palsy item 0 points. {_MSCC_EN}",
        f"Tokuhashi瘫痪项0分。{_MSCC_ZH}",
    ),
    "C": Band(
        "Frankel C: motor useless – some motor power, of no practical use (≈ AIS C)",
        "Frankel C级：有部分运动功能，但无实用价值（约相当于AIS C级）",
        f"Tokuhashi palsy item 1 point. {_MSCC_EN}",
        f"Tokuhashi瘫痪项1分。{_MSCC_ZH}",
    ),
    "D": Band(
        "Frankel D: motor useful – useful motor power, may walk with or without aids (≈ AIS D)",
        "Frankel D级：有实用运动功能，可借助或不借助辅具行走（约相当于AIS D级）",
        f"Tokuhashi palsy item 1 point. {_MSCC_EN}",
        f"Tokuhashi瘫痪项1分。{_MSCC_ZH}",
    ),
    "E": Band(
        "Frankel E: normal – no weakness, sensory loss or sphincter disturbance (≈ AIS E)",
        "Frankel E级：正常，无肌力减退、感觉障碍或括约肌功能障碍（约相当于AIS E级）",
        "Tokuhashi palsy item 2 points; reassess neurology at each review",
        "Tokuhashi瘫痪项2分；每次复查时重新评估神经功能",
    ),
}


class FrankelInput(ScoreInput):
    frankel_grade: Annotated[str | None, choice(*TOKUHASHI_PALSY_POINTS)] = None


def score_frankel(data: FrankelInput) -> ScoreResult:
    grade = data.frankel_grade
    if grade is None:
        return make_result(
            score_id=SCORE_ID,
            source=SOURCE,
            bands=BANDS,
            band=INCOMPLETE,
            total=None,
            breakdown=(),
            missing=("frankel_grade",),
        )
    points = TOKUHASHI_PALSY_POINTS[grade]
    return make_result(
        score_id=SCORE_ID,
        source=SOURCE,
        bands=BANDS,
        band=grade,
        total=None,
        breakdown=[
            BreakdownItem(
                input="frankel_grade",
                value=grade,
                points=points,
                label_en=f"Frankel {grade} (closest AIS {grade}); Tokuhashi palsy points {points}",
                label_zh=f"Frankel {grade}级（约相当于AIS {grade}级）；Tokuhashi瘫痪项 {points} 分",
            )
        ],
    )


DEFINITION = define(
    score_id=SCORE_ID,
    name_en="Frankel grade",
    name_zh="Frankel分级",
    input_model=FrankelInput,
    bands=BANDS,
    total_range=None,
    source=SOURCE,
    function=score_frankel,
    ordinal=False,
)
