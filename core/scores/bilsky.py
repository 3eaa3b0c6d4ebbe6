"""Bilsky epidural spinal cord compression (ESCC) scale.

Bilsky MH, Laufer I, Fourney DR, et al. Reliability analysis of the epidural spinal cord
compression scale. J Neurosurg Spine 2010;13(3):324-328. Graded on axial T2-weighted MRI at the
level of most severe compression. The grades are labels, so ``total`` is None. Following the
canonical band table of docs/clinical/scores.md, grade 1c (cord abutment) is its own band because surgery versus
radiosurgery is contested there; grades 0-1b are low grade and 2-3 high grade.
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

SCORE_ID = "bilsky_escc"
SOURCE = "Bilsky MH et al. J Neurosurg Spine 2010;13(3):324-328"

GRADE_BAND: dict[str, str] = {
    "0": "low_grade",
    "1a": "low_grade",
    "1b": "low_grade",
    "1c": "intermediate_1c",
    "2": "high_grade",
    "3": "high_grade",
}

GRADE_LABELS: dict[str, tuple[str, str]] = {
    "0": ("bone-only disease, no epidural extension", "仅骨内病变，无硬膜外侵犯"),
    "1a": ("epidural impingement, no deformation of the thecal sac", "硬膜外侵犯，硬膜囊无变形"),
    "1b": ("deformation of the thecal sac, no spinal-cord abutment", "硬膜囊变形，未触及脊髓"),
    "1c": (
        "deformation of the thecal sac with spinal-cord abutment, no cord compression",
        "硬膜囊变形并触及脊髓，脊髓未受压",
    ),
    "2": ("spinal-cord compression, CSF visible around the cord", "脊髓受压，脊髓周围可见脑脊液"),
    "3": ("spinal-cord compression, no CSF visible around the cord", "脊髓受压，脊髓周围无脑脊液"),
}

BANDS = {
    "low_grade": Band(
        "Low-grade ESCC (0, 1a, 1b)",
        "低级别硬膜外脊髓压迫（0、1a、1b级）",
        "Radiotherapy per NOMS (conventional EBRT if radiosensitive, SBRT if radioresistant); "
        "surgery only for mechanical instability",
        "按NOMS框架行放疗（放疗敏感者常规外照射，放疗抵抗者SBRT）；仅机械性不稳定时手术",
    ),
    "intermediate_1c": Band(
        "ESCC grade 1c: spinal-cord abutment",
        "硬膜外脊髓压迫1c级：肿瘤触及脊髓",
        "Surgery versus radiosurgery is contested: discuss at the MDT",
        "手术与立体定向放射外科的选择存在争议：需MDT讨论",
    ),
    "high_grade": Band(
        "High-grade ESCC (2, 3)",
        "高级别硬膜外脊髓压迫（2、3级）",
        "Radioresistant and fit for surgery: separation surgery then SBRT; radiosensitive: conventional EBRT",
        "放疗抵抗且可耐受手术：分离手术后行SBRT；放疗敏感：常规外照射",
    ),
}


class BilskyInput(ScoreInput):
    escc_grade: Annotated[str | None, choice(*GRADE_BAND)] = None


def score_bilsky(data: BilskyInput) -> ScoreResult:
    if data.escc_grade is None:
        return make_result(
            score_id=SCORE_ID,
            source=SOURCE,
            bands=BANDS,
            band=INCOMPLETE,
            total=None,
            breakdown=(),
            missing=("escc_grade",),
        )
    grade = data.escc_grade
    label_en, label_zh = GRADE_LABELS[grade]
    flags = ["discuss_surgery_vs_radiosurgery"] if grade == "1c" else []
    return make_result(
        score_id=SCORE_ID,
        source=SOURCE,
        bands=BANDS,
        band=GRADE_BAND[grade],
        total=None,
        breakdown=[
            BreakdownItem(
                input="escc_grade",
                value=grade,
                points=None,
                label_en=f"ESCC grade {grade}: {label_en}",
                label_zh=f"ESCC {grade}级：{label_zh}",
            )
        ],
        flags=flags,
    )


DEFINITION = define(
    score_id=SCORE_ID,
    name_en="Bilsky epidural spinal cord compression (ESCC) grade",
    name_zh="Bilsky硬膜外脊髓压迫（ESCC）分级",
    input_model=BilskyInput,
    bands=BANDS,
    total_range=None,
    source=SOURCE,
    function=score_bilsky,
    ordinal=False,
)
