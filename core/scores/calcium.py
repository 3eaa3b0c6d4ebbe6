"""Albumin-corrected calcium with severity bands, and the CTCAE v5.0 hypercalcaemia grade.

Corrected Ca (mmol/L) = Ca + 0.02 x (40 - albumin g/L), the "0.8 factor" form used by the Zometa
label and most calculators (not Payne's 1973 coefficient), applied at every albumin value
(docs/clinical/scores.md decision 6). Computed in Decimal and quantised to 0.01 mmol/L (round half up) before
banding. Severity bands: Society for Endocrinology emergency guidance, Walsh J, Gittoes N,
Selby P. Endocr Connect 2016;5(5):G9-G11 (fixed bands, not tied to the lab's ULN).
CTCAE grade: NCI Common Terminology Criteria for Adverse Events v5.0 (2017), "Hypercalcemia",
graded on corrected calcium against the laboratory's ULN.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from core.scores.base import (
    INCOMPLETE,
    YES_NO_LABELS,
    Band,
    BreakdownItem,
    ScoreInput,
    ScoreResult,
    decimal_in,
    define,
    make_result,
    show,
    yes_no,
)

CORRECTED_ID = "corrected_calcium"
CORRECTED_SOURCE = (
    "Ca + 0.02 × (40 − albumin g/L) (0.8 factor, Zometa label); bands: Walsh J et al. Endocr Connect 2016;5(5):G9-G11"
)
CTCAE_ID = "ctcae_hypercalcaemia"
CTCAE_SOURCE = "NCI CTCAE v5.0 (2017), Hypercalcemia"

MMOL_L = "mmol/L"
CENT = Decimal("0.01")
REFERENCE_ALBUMIN_G_L = Decimal("40")
ALBUMIN_FACTOR = Decimal("0.02")  # mmol/L per g/L
IONISED_ADVISED_ALBUMIN_BELOW = Decimal("25")
IONISED_ADVISED_ALBUMIN_ABOVE = Decimal("45")
IONISED_ADVISED_CRCL_BELOW = Decimal("30")

# Severity: (band, lower bound, lower bound inclusive). Checked from the top down.
SEVERITY_LOWER_BOUNDS: list[tuple[str, Decimal, bool]] = [
    ("severe", Decimal("3.50"), False),
    ("moderate", Decimal("3.00"), True),
    ("mild", Decimal("2.60"), False),
    ("normal", Decimal("2.20"), True),
]

CORRECTED_BANDS = {
    "low": Band(
        "Low (< 2.20 mmol/L): hypocalcaemia",
        "低钙血症（<2.20 mmol/L）",
        "Correct hypocalcaemia before the first dose of a bone-modifying agent "
        "(always before denosumab); calcium and vitamin D supplements",
        "在首次使用骨改良药物前纠正低钙血症（地舒单抗（地诺单抗）前必须纠正）；补充钙剂和维生素D",
    ),
    "normal": Band(
        "Normal (2.20–2.60 mmol/L)",
        "正常（2.20–2.60 mmol/L）",
        "With a bone-modifying agent: ≥ 500 mg calcium + ≥ 400 IU vitamin D daily (label)",
        "使用骨改良药物时：每日补充钙≥500 mg + 维生素D≥400 IU（说明书）",
    ),
    "mild": Band(
        "Mild hypercalcaemia (> 2.60 and < 3.00 mmol/L)",
        "轻度高钙血症（>2.60且<3.00 mmol/L）",
        "Often asymptomatic, no urgent correction; stop calcium/vitamin D supplements, hydrate orally, find the cause",
        "常无症状，无需紧急纠正；停用钙剂/维生素D，口服补液，查找病因",
    ),
    "moderate": Band(
        "Moderate hypercalcaemia (3.00–3.50 mmol/L)",
        "中度高钙血症（3.00–3.50 mmol/L）",
        "Prompt treatment usually indicated: IV 0.9% saline, then zoledronic acid 4 mg after rehydration",
        "通常需及时治疗：静脉输注0.9%氯化钠，水化后给予唑来膦酸4 mg",
    ),
    "severe": Band(
        "Severe hypercalcaemia (> 3.50 mmol/L)",
        "重度高钙血症（>3.50 mmol/L）",
        "Urgent correction (arrhythmia, coma): IV 0.9% saline 4–6 L/24 h, then zoledronic "
        "acid 4 mg; consider calcitonin; dialysis if renal failure",
        "紧急纠正（心律失常、昏迷风险）：静脉输注0.9%氯化钠4–6 L/24 h后给予唑来膦酸4 mg；考虑降钙素；肾衰竭时考虑透析",
    ),
}

CTCAE_GRADE_UPPER_BOUNDS: list[tuple[Decimal, str]] = [
    (Decimal("2.9"), "grade_1"),
    (Decimal("3.1"), "grade_2"),
    (Decimal("3.4"), "grade_3"),
]
DEFAULT_ULN = Decimal("2.60")

CTCAE_BANDS = {
    "grade_0": Band(
        "Grade 0 (≤ ULN)",
        "0级（≤正常值上限）",
        "No hypercalcaemia by CTCAE",
        "按CTCAE标准无高钙血症",
    ),
    "grade_1": Band(
        "Grade 1 (> ULN – 2.9 mmol/L)",
        "1级（>正常值上限–2.9 mmol/L）",
        "Monitor; treat the cause",
        "监测；治疗病因",
    ),
    "grade_2": Band(
        "Grade 2 (> 2.9 – 3.1 mmol/L); symptomatic",
        "2级（>2.9–3.1 mmol/L）；有症状",
        "Symptomatic: medical intervention indicated",
        "有症状：需药物干预",
    ),
    "grade_3": Band(
        "Grade 3 (> 3.1 – 3.4 mmol/L); hospitalisation indicated",
        "3级（>3.1–3.4 mmol/L）；需住院治疗",
        "Hospitalisation indicated; treat urgently",
        "需住院；紧急治疗",
    ),
    "grade_4": Band(
        "Grade 4 (> 3.4 mmol/L); life-threatening consequences",
        "4级（>3.4 mmol/L）；危及生命",
        "Life-threatening: urgent intervention indicated",
        "危及生命：需紧急干预",
    ),
}


def correct_calcium(calcium_mmol_l: Decimal, albumin_g_l: Decimal) -> Decimal:
    """Albumin-corrected calcium, mmol/L, quantised to 0.01 (round half up)."""
    corrected = calcium_mmol_l + ALBUMIN_FACTOR * (REFERENCE_ALBUMIN_G_L - albumin_g_l)
    return corrected.quantize(CENT, rounding=ROUND_HALF_UP)


def severity_band(corrected_mmol_l: Decimal) -> str:
    for band, lower, inclusive in SEVERITY_LOWER_BOUNDS:
        if corrected_mmol_l > lower or (inclusive and corrected_mmol_l == lower):
            return band
    return "low"


def ctcae_grade(corrected_mmol_l: Decimal, uln_mmol_l: Decimal = DEFAULT_ULN) -> str:
    if corrected_mmol_l <= uln_mmol_l:
        return "grade_0"
    for upper, grade in CTCAE_GRADE_UPPER_BOUNDS:
        if corrected_mmol_l <= upper:
            return grade
    return "grade_4"


class CorrectedCalciumInput(ScoreInput):
    calcium_mmol_l: Annotated[Decimal | None, decimal_in("1.00", "5.00", MMOL_L)] = None
    albumin_g_l: Annotated[Decimal | None, decimal_in("10", "60", "g/L")] = None
    myeloma: Annotated[bool | None, yes_no()] = None
    creatinine_clearance_ml_min: Annotated[Decimal | None, decimal_in("0", "250", "mL/min")] = None


def score_corrected_calcium(data: CorrectedCalciumInput) -> ScoreResult:
    breakdown: list[BreakdownItem] = []
    missing: list[str] = []
    flags: list[str] = []
    if data.calcium_mmol_l is None:
        missing.append("calcium_mmol_l")
    else:
        breakdown.append(
            BreakdownItem(
                input="calcium_mmol_l",
                value=show(data.calcium_mmol_l),
                points=None,
                label_en=f"Measured total calcium {data.calcium_mmol_l} mmol/L",
                label_zh=f"实测血清总钙 {data.calcium_mmol_l} mmol/L",
            )
        )
    if data.albumin_g_l is None:
        missing.append("albumin_g_l")
    else:
        adjustment = ALBUMIN_FACTOR * (REFERENCE_ALBUMIN_G_L - data.albumin_g_l)
        breakdown.append(
            BreakdownItem(
                input="albumin_g_l",
                value=show(data.albumin_g_l),
                points=adjustment,
                label_en=(f"Albumin {data.albumin_g_l} g/L: adjustment 0.02 × (40 − albumin) = {adjustment:+} mmol/L"),
                label_zh=(f"白蛋白 {data.albumin_g_l} g/L：校正值 0.02 ×（40 − 白蛋白）= {adjustment:+} mmol/L"),
            )
        )
        if not IONISED_ADVISED_ALBUMIN_BELOW <= data.albumin_g_l <= IONISED_ADVISED_ALBUMIN_ABOVE:
            flags.append("ionised_calcium_advised")
    if data.myeloma is not None:
        en, zh = YES_NO_LABELS[show(data.myeloma)]
        breakdown.append(
            BreakdownItem(
                input="myeloma",
                value=show(data.myeloma),
                points=None,
                label_en=f"Multiple myeloma: {en}",
                label_zh=f"多发性骨髓瘤：{zh}",
            )
        )
        if data.myeloma:
            flags.append("ionised_calcium_advised")
    if data.creatinine_clearance_ml_min is not None:
        crcl = data.creatinine_clearance_ml_min
        breakdown.append(
            BreakdownItem(
                input="creatinine_clearance_ml_min",
                value=show(crcl),
                points=None,
                label_en=f"Creatinine clearance {crcl} mL/min",
                label_zh=f"肌酐清除率 {crcl} mL/min",
            )
        )
        if crcl < IONISED_ADVISED_CRCL_BELOW:
            flags.append("ionised_calcium_advised")
    total: Decimal | None = None
    band = INCOMPLETE
    if data.calcium_mmol_l is not None and data.albumin_g_l is not None:
        total = correct_calcium(data.calcium_mmol_l, data.albumin_g_l)
        band = severity_band(total)
    return make_result(
        score_id=CORRECTED_ID,
        source=CORRECTED_SOURCE,
        bands=CORRECTED_BANDS,
        band=band,
        total=total,
        breakdown=breakdown,
        missing=missing,
        flags=flags,
        value_unit=MMOL_L,
    )


class CtcaeHypercalcaemiaInput(ScoreInput):
    corrected_calcium_mmol_l: Annotated[Decimal | None, decimal_in("0.50", "6.00", MMOL_L)] = None
    uln_mmol_l: Annotated[Decimal | None, decimal_in("2.40", "2.80", MMOL_L)] = None


def score_ctcae_hypercalcaemia(data: CtcaeHypercalcaemiaInput) -> ScoreResult:
    flags: list[str] = []
    uln = data.uln_mmol_l
    if uln is None:
        uln = DEFAULT_ULN
        flags.append("default_uln_used")
    breakdown = [
        BreakdownItem(
            input="uln_mmol_l",
            value=show(uln),
            points=None,
            label_en=f"Laboratory upper limit of normal {uln} mmol/L",
            label_zh=f"实验室正常值上限 {uln} mmol/L",
        )
    ]
    calcium = data.corrected_calcium_mmol_l
    if calcium is None:
        band = INCOMPLETE
    else:
        band = ctcae_grade(calcium, uln)
        breakdown.insert(
            0,
            BreakdownItem(
                input="corrected_calcium_mmol_l",
                value=show(calcium),
                points=None,
                label_en=f"Corrected calcium {calcium} mmol/L",
                label_zh=f"校正血钙 {calcium} mmol/L",
            ),
        )
        if band in {"grade_2", "grade_3", "grade_4"}:
            # CTCAE grades 2-4 also carry a clinical qualifier the lab value cannot confirm.
            flags.append("clinical_qualifier_unconfirmed")
    return make_result(
        score_id=CTCAE_ID,
        source=CTCAE_SOURCE,
        bands=CTCAE_BANDS,
        band=band,
        total=None,
        breakdown=breakdown,
        missing=[] if calcium is not None else ["corrected_calcium_mmol_l"],
        flags=flags,
    )


CORRECTED_DEFINITION = define(
    score_id=CORRECTED_ID,
    name_en="Albumin-corrected calcium",
    name_zh="白蛋白校正血钙",
    input_model=CorrectedCalciumInput,
    bands=CORRECTED_BANDS,
    total_range=(Decimal("0.60"), Decimal("5.60")),
    source=CORRECTED_SOURCE,
    function=score_corrected_calcium,
    ordinal=True,
    value_unit=MMOL_L,
)

CTCAE_DEFINITION = define(
    score_id=CTCAE_ID,
    name_en="CTCAE v5.0 hypercalcaemia grade",
    name_zh="CTCAE v5.0高钙血症分级",
    input_model=CtcaeHypercalcaemiaInput,
    bands=CTCAE_BANDS,
    total_range=None,
    source=CTCAE_SOURCE,
    function=score_ctcae_hypercalcaemia,
    ordinal=True,
)
