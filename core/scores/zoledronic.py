"""Zoledronic acid dose for skeletal-event prevention, by Cockcroft-Gault creatinine clearance.

Dose table: Zometa (zoledronic acid) prescribing information, renal adjustment at initiation
for multiple myeloma and bone metastases of solid tumours; intervals (60, inf) 4.0 mg,
[50, 60] 3.5 mg, [40, 50) 3.3 mg, [30, 40) 3.0 mg, < 30 not recommended. Not the
hypercalcaemia-of-malignancy dose.
Creatinine clearance: Cockcroft DW, Gault MH. Prediction of creatinine clearance from serum
creatinine. Nephron 1976;16:31-41, on actual body weight, in mg/dL (umol/L / 88.4 first; never
the rounded 1.23/1.04 constants) and never rounded before banding (docs/clinical/scores.md decision 7).
The arithmetic is exact (``Fraction``); the reported total is its Decimal value. A lab eGFR is
a different quantity and is not accepted as CrCl.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Annotated

from pydantic import model_validator

from core.scores.base import (
    INCOMPLETE,
    Band,
    BreakdownItem,
    CrossFieldError,
    ScoreInput,
    ScoreInputError,
    ScoreResult,
    choice,
    decimal_in,
    define,
    integer_in,
    make_result,
    show,
    to_decimal,
)

SCORE_ID = "zoledronic_acid_dose"
SOURCE = "Zometa prescribing information; Cockcroft DW, Gault MH. Nephron 1976;16:31-41"
ML_MIN = "mL/min"

UMOL_PER_MG_DL = Fraction("88.4")
FEMALE_FACTOR = Fraction("0.85")
OBESE_BMI_FROM = Fraction(30)

BANDS = {
    "4.0_mg": Band(
        "CrCl > 60 mL/min: 4.0 mg",
        "肌酐清除率 >60 mL/min：4.0 mg",
        "Zoledronic acid 4.0 mg IV over ≥ 15 min every 3–4 weeks (every 12 weeks is an "
        "accepted de-escalation); check serum creatinine before each dose",
        "唑来膦酸4.0 mg静脉滴注≥15分钟，每3–4周一次（可降阶梯为每12周一次）；每次给药前检测血肌酐",
    ),
    "3.5_mg": Band(
        "CrCl 50–60 mL/min: 3.5 mg",
        "肌酐清除率 50–60 mL/min：3.5 mg",
        "Zoledronic acid 3.5 mg IV over ≥ 15 min; check serum creatinine before each dose",
        "唑来膦酸3.5 mg静脉滴注≥15分钟；每次给药前检测血肌酐",
    ),
    "3.3_mg": Band(
        "CrCl 40 to < 50 mL/min: 3.3 mg",
        "肌酐清除率 40至<50 mL/min：3.3 mg",
        "Zoledronic acid 3.3 mg IV over ≥ 15 min; check serum creatinine before each dose",
        "唑来膦酸3.3 mg静脉滴注≥15分钟；每次给药前检测血肌酐",
    ),
    "3.0_mg": Band(
        "CrCl 30 to < 40 mL/min: 3.0 mg",
        "肌酐清除率 30至<40 mL/min：3.0 mg",
        "Zoledronic acid 3.0 mg IV over ≥ 15 min; check serum creatinine before each dose",
        "唑来膦酸3.0 mg静脉滴注≥15分钟；每次给药前检测血肌酐",
    ),
    "not_recommended": Band(
        "CrCl < 30 mL/min: zoledronic acid not recommended",
        "肌酐清除率 <30 mL/min：不推荐使用唑来膦酸",
        "Do not start zoledronic acid; denosumab needs no renal adjustment but carries a high "
        "risk of severe hypocalcaemia: correct calcium, supplement and monitor",
        "不宜使用唑来膦酸；地舒单抗（地诺单抗）无需按肾功能调整剂量，但严重低钙血症风险高：需纠正血钙、补充并监测",
    ),
}

# Ordered from the highest dose down; the band's lower bound and whether it is inclusive.
DOSE_LOWER_BOUNDS: list[tuple[str, Fraction, bool]] = [
    ("4.0_mg", Fraction(60), False),
    ("3.5_mg", Fraction(50), True),
    ("3.3_mg", Fraction(40), True),
    ("3.0_mg", Fraction(30), True),
]


def dose_band(crcl_ml_min: Fraction | Decimal) -> str:
    for band, lower, inclusive in DOSE_LOWER_BOUNDS:
        if crcl_ml_min > lower or (inclusive and crcl_ml_min == lower):
            return band
    return "not_recommended"


def _fraction(value: object, name: str) -> Fraction:
    try:
        return Fraction(to_decimal(value))
    except ValueError:
        raise ScoreInputError({name: "must be a number"}) from None


def _cockcroft_gault_exact(
    age: object,
    weight_kg: object,
    sex: str,
    creatinine_mg_dl: object = None,
    creatinine_umol_l: object = None,
) -> Fraction:
    if sex not in {"male", "female"}:
        raise ScoreInputError({"sex": "must be one of: male, female"})
    if (creatinine_mg_dl is None) == (creatinine_umol_l is None):
        raise ScoreInputError({"creatinine_mg_dl": "give exactly one of creatinine_mg_dl or creatinine_umol_l"})
    if creatinine_mg_dl is not None:
        creatinine = _fraction(creatinine_mg_dl, "creatinine_mg_dl")
    else:
        creatinine = _fraction(creatinine_umol_l, "creatinine_umol_l") / UMOL_PER_MG_DL
    if creatinine <= 0:
        raise ScoreInputError({"creatinine_mg_dl": "must be greater than 0"})
    crcl = (140 - _fraction(age, "age")) * _fraction(weight_kg, "weight_kg") / (72 * creatinine)
    return crcl * FEMALE_FACTOR if sex == "female" else crcl


def _to_decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def cockcroft_gault(
    age: object,
    weight_kg: object,
    sex: str,
    creatinine_mg_dl: object = None,
    creatinine_umol_l: object = None,
) -> Decimal:
    """Creatinine clearance (mL/min) = (140 - age) x weight / (72 x SCr mg/dL), x 0.85 female.

    Give the serum creatinine in exactly one unit; umol/L is divided by 88.4 first. Computed
    exactly and returned unrounded (Decimal context precision), e.g. 32 y, 48 kg, male,
    1.2 mg/dL -> exactly 60.
    """
    return _to_decimal(_cockcroft_gault_exact(age, weight_kg, sex, creatinine_mg_dl, creatinine_umol_l))


def body_mass_index(weight_kg: Decimal, height_cm: Decimal) -> Fraction:
    metres = Fraction(height_cm) / 100
    return Fraction(weight_kg) / (metres * metres)


class ZoledronicAcidInput(ScoreInput):
    creatinine_clearance_ml_min: Annotated[Decimal | None, decimal_in("0", "250", ML_MIN)] = None
    age_years: Annotated[int | None, integer_in(18, 110, unit="years")] = None
    weight_kg: Annotated[Decimal | None, decimal_in("30", "250", "kg")] = None
    sex: Annotated[str | None, choice("male", "female")] = None
    serum_creatinine_umol_l: Annotated[Decimal | None, decimal_in("20", "1500", "µmol/L")] = None
    serum_creatinine_mg_dl: Annotated[Decimal | None, decimal_in("0.2", "17", "mg/dL")] = None
    height_cm: Annotated[Decimal | None, decimal_in("100", "250", "cm")] = None

    @model_validator(mode="after")
    def _one_creatinine_unit(self) -> ZoledronicAcidInput:
        if self.serum_creatinine_umol_l is not None and self.serum_creatinine_mg_dl is not None:
            raise CrossFieldError(
                "serum_creatinine_mg_dl",
                "give serum creatinine in one unit only (serum_creatinine_umol_l or serum_creatinine_mg_dl)",
            )
        return self


def _item(name: str, value: object, en: str, zh: str) -> BreakdownItem:
    return BreakdownItem(input=name, value=show(value), points=None, label_en=en, label_zh=zh)


def score_zoledronic_acid(data: ZoledronicAcidInput) -> ScoreResult:
    breakdown: list[BreakdownItem] = []
    flags: list[str] = []
    missing: list[str] = []
    crcl: Fraction | None = None

    if data.weight_kg is not None and data.height_cm is not None:
        bmi = body_mass_index(data.weight_kg, data.height_cm)
        if bmi >= OBESE_BMI_FROM:
            flags.append("weight_basis_review")

    if data.creatinine_clearance_ml_min is not None:
        crcl = Fraction(data.creatinine_clearance_ml_min)
        breakdown.append(
            _item(
                "creatinine_clearance_ml_min",
                data.creatinine_clearance_ml_min,
                f"Creatinine clearance (as entered) {data.creatinine_clearance_ml_min} mL/min",
                f"肌酐清除率（录入值）{data.creatinine_clearance_ml_min} mL/min",
            )
        )
        flags.append("crcl_entered")
    else:
        creatinine_given = data.serum_creatinine_umol_l is not None or data.serum_creatinine_mg_dl is not None
        given = {
            "age_years": data.age_years,
            "weight_kg": data.weight_kg,
            "sex": data.sex,
        }
        cg_missing = [name for name, value in given.items() if value is None]
        if not creatinine_given:
            cg_missing.append("serum_creatinine_umol_l")
        missing = ["creatinine_clearance_ml_min"] if len(cg_missing) == 4 else cg_missing
        if data.age_years is not None:
            breakdown.append(
                _item(
                    "age_years",
                    data.age_years,
                    f"Age {data.age_years} years",
                    f"年龄 {data.age_years} 岁",
                )
            )
        if data.weight_kg is not None:
            breakdown.append(
                _item(
                    "weight_kg",
                    data.weight_kg,
                    f"Actual body weight {data.weight_kg} kg",
                    f"实际体重 {data.weight_kg} kg",
                )
            )
        if data.sex is not None:
            female = data.sex == "female"
            breakdown.append(
                _item(
                    "sex",
                    data.sex,
                    "Sex: female (× 0.85)" if female else "Sex: male",
                    "性别：女（× 0.85）" if female else "性别：男",
                )
            )
        if data.serum_creatinine_umol_l is not None:
            breakdown.append(
                _item(
                    "serum_creatinine_umol_l",
                    data.serum_creatinine_umol_l,
                    f"Serum creatinine {data.serum_creatinine_umol_l} µmol/L (÷ 88.4 → mg/dL)",
                    f"血肌酐 {data.serum_creatinine_umol_l} µmol/L（÷ 88.4 换算为 mg/dL）",
                )
            )
        if data.serum_creatinine_mg_dl is not None:
            breakdown.append(
                _item(
                    "serum_creatinine_mg_dl",
                    data.serum_creatinine_mg_dl,
                    f"Serum creatinine {data.serum_creatinine_mg_dl} mg/dL",
                    f"血肌酐 {data.serum_creatinine_mg_dl} mg/dL",
                )
            )
        if not missing:
            assert data.age_years is not None
            assert data.weight_kg is not None
            assert data.sex is not None
            crcl = _cockcroft_gault_exact(
                data.age_years,
                data.weight_kg,
                data.sex,
                data.serum_creatinine_mg_dl,
                data.serum_creatinine_umol_l,
            )
            flags.append("crcl_cockcroft_gault")

    if crcl is None:
        return make_result(
            score_id=SCORE_ID,
            source=SOURCE,
            bands=BANDS,
            band=INCOMPLETE,
            total=None,
            breakdown=breakdown,
            missing=missing,
            flags=flags,
            value_unit=ML_MIN,
        )
    total = _to_decimal(crcl)
    if data.creatinine_clearance_ml_min is None:
        breakdown.append(
            BreakdownItem(
                input="creatinine_clearance_ml_min",
                value=show(total),
                points=total,
                label_en=f"Cockcroft–Gault creatinine clearance {total:.2f} mL/min (not rounded before dosing)",
                label_zh=f"Cockcroft–Gault肌酐清除率 {total:.2f} mL/min（剂量分级前不取整）",
            )
        )
    return make_result(
        score_id=SCORE_ID,
        source=SOURCE,
        bands=BANDS,
        band=dose_band(crcl),
        total=total,
        breakdown=breakdown,
        flags=flags,
        value_unit=ML_MIN,
    )


DEFINITION = define(
    score_id=SCORE_ID,
    name_en="Zoledronic acid dose by creatinine clearance",
    name_zh="按肌酐清除率确定唑来膦酸剂量",
    input_model=ZoledronicAcidInput,
    bands=BANDS,
    total_range=(Decimal("0"), Decimal("2200")),
    source=SOURCE,
    function=score_zoledronic_acid,
    ordinal=True,
    value_unit=ML_MIN,
)
