"""Radium-223 (Xofigo) eligibility and activity for metastatic castration-resistant prostate cancer.

Xofigo SmPC / prescribing information; Parker C, Nilsson S, Heinrich D, et al. Alpha emitter
radium-223 and survival in metastatic prostate cancer (ALSYMPCA). N Engl J Med 2013;369:213-223;
EMA Article 20 referral outcome, 26 July 2018 (restriction of use). ``eligible`` only when every
condition holds (docs/clinical/scores.md section 14 and decision 12); ``not_eligible`` lists every failed
condition in ``flags``. Blood counts: first dose ANC >= 1.5, platelets >= 100 (10^9/L),
Hb >= 100 g/L; later doses ANC >= 1.0, platelets >= 50. Activity 55 kBq per kg body weight, IV,
every 4 weeks x 6 injections; ``total`` is that activity in kBq, given only when eligible.
A missing input makes the result incomplete; failures already known are still flagged.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, NamedTuple

from core.scores.base import (
    INCOMPLETE,
    Band,
    BreakdownItem,
    ScoreInput,
    ScoreResult,
    decimal_in,
    define,
    integer_in,
    make_result,
    show,
    yes_no,
)

SCORE_ID = "radium_223"
SOURCE = "Xofigo SmPC; Parker C et al. N Engl J Med 2013;369:213-223; EMA referral 2018"
KBQ = "kBq"
KBQ_PER_KG = Decimal("55")
DOSES = 6

FIRST_DOSE_MINIMA = {
    "anc_10e9_l": Decimal("1.5"),
    "platelets_10e9_l": Decimal("100"),
    "hb_g_l": Decimal("100"),
}
LATER_DOSE_MINIMA = {"anc_10e9_l": Decimal("1.0"), "platelets_10e9_l": Decimal("50")}

BANDS = {
    "eligible": Band(
        "Eligible for radium-223",
        "符合镭-223治疗条件",
        "Radium-223 55 kBq/kg IV every 4 weeks × 6 injections; assess fracture risk and "
        "consider a bone-modifying agent; check blood counts before each dose",
        "镭-223 55 kBq/kg静脉注射，每4周1次，共6次；评估骨折风险并考虑骨改良药物；每次给药前复查血常规",
    ),
    "not_eligible": Band(
        "Not eligible for radium-223",
        "不符合镭-223治疗条件",
        "Do not give radium-223 now; every failed condition is listed",
        "目前不宜使用镭-223；已列出所有不符合的条件",
    ),
}


class RadiumInput(ScoreInput):
    castration_resistant: Annotated[bool | None, yes_no()] = None
    symptomatic_bone_mets: Annotated[bool | None, yes_no()] = None
    known_visceral_mets: Annotated[bool | None, yes_no()] = None
    bone_metastasis_count: Annotated[int | None, integer_in(0, 1000)] = None
    lymph_node_max_cm: Annotated[Decimal | None, decimal_in("0", "30", "cm")] = None
    concurrent_abiraterone: Annotated[bool | None, yes_no()] = None
    other_systemic_therapy_except_adt: Annotated[bool | None, yes_no()] = None
    prior_mcrpc_lines: Annotated[int | None, integer_in(0, 20)] = None
    ineligible_for_other_treatment: Annotated[bool | None, yes_no()] = None
    dose_number: Annotated[int | None, integer_in(1, DOSES)] = None
    weight_kg: Annotated[Decimal | None, decimal_in("30", "250", "kg")] = None
    anc_10e9_l: Annotated[Decimal | None, decimal_in("0", "100", "10⁹/L")] = None
    platelets_10e9_l: Annotated[Decimal | None, decimal_in("0", "2000", "10⁹/L")] = None
    hb_g_l: Annotated[Decimal | None, decimal_in("20", "250", "g/L")] = None


class Condition(NamedTuple):
    input: str
    passes: Callable[[object], bool]
    failure_flag: str
    label_en: str
    label_zh: str


def _is(expected: bool) -> Callable[[object], bool]:
    return lambda value: value is expected


def _at_least(limit: Decimal) -> Callable[[object], bool]:
    return lambda value: isinstance(value, int | Decimal) and value >= limit


def _below(limit: Decimal) -> Callable[[object], bool]:
    return lambda value: isinstance(value, int | Decimal) and value < limit


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        "castration_resistant",
        _is(True),
        "not_castration_resistant",
        "Castration-resistant (mCRPC): required",
        "去势抵抗（mCRPC）：必需",
    ),
    Condition(
        "symptomatic_bone_mets",
        _is(True),
        "not_symptomatic",
        "Symptomatic bone metastases: required",
        "有症状的骨转移：必需",
    ),
    Condition(
        "known_visceral_mets",
        _is(False),
        "visceral_metastases",
        "Known visceral metastases: must be absent",
        "已知内脏转移：必须无",
    ),
    Condition(
        "bone_metastasis_count",
        _at_least(Decimal(2)),
        "fewer_than_2_bone_metastases",
        "Bone metastases: at least 2",
        "骨转移灶：至少2处",
    ),
    Condition(
        "lymph_node_max_cm",
        _below(Decimal(3)),
        "lymph_node_ge_3cm",
        "Largest lymph node: below 3 cm",
        "最大淋巴结：<3 cm",
    ),
    Condition(
        "concurrent_abiraterone",
        _is(False),
        "with_abiraterone",
        "Abiraterone + prednisone/prednisolone: must not be combined",
        "阿比特龙+泼尼松/泼尼松龙：不得联用",
    ),
    Condition(
        "other_systemic_therapy_except_adt",
        _is(False),
        "other_systemic_therapy",
        "Other systemic therapy except ADT: none",
        "除雄激素剥夺治疗外的其他全身治疗：无",
    ),
)


def _item(name: str, value: object, ok: bool, en: str, zh: str) -> BreakdownItem:
    verdict_en, verdict_zh = ("met", "符合") if ok else ("NOT met", "不符合")
    return BreakdownItem(
        input=name,
        value=show(value),
        points=None,
        label_en=f"{en} – {verdict_en}",
        label_zh=f"{zh}——{verdict_zh}",
    )


def score_radium(data: RadiumInput) -> ScoreResult:
    values = data.model_dump()
    breakdown: list[BreakdownItem] = []
    missing: list[str] = []
    failures: list[str] = []

    for condition in CONDITIONS:
        value = values[condition.input]
        if value is None:
            missing.append(condition.input)
            continue
        ok = condition.passes(value)
        if not ok:
            failures.append(condition.failure_flag)
        breakdown.append(_item(condition.input, value, ok, condition.label_en, condition.label_zh))

    # >= 2 prior systemic lines for mCRPC, or ineligible for other treatment (EU 2018).
    lines, ineligible = data.prior_mcrpc_lines, data.ineligible_for_other_treatment
    lines_en = "Prior systemic lines for mCRPC: at least 2, or ineligible for other treatment"
    lines_zh = "既往mCRPC全身治疗：至少2线，或不适合其他治疗"
    if (lines is not None and lines >= 2) or ineligible is True:
        shown = lines if lines is not None and lines >= 2 else "ineligible_for_other_treatment"
        breakdown.append(_item("prior_mcrpc_lines", shown, True, lines_en, lines_zh))
    elif lines is not None and ineligible is False:
        failures.append("fewer_than_2_prior_lines")
        breakdown.append(_item("prior_mcrpc_lines", lines, False, lines_en, lines_zh))
    else:
        missing += [
            name
            for name, value in (
                ("prior_mcrpc_lines", lines),
                ("ineligible_for_other_treatment", ineligible),
            )
            if value is None
        ]

    dose_number = data.dose_number
    if dose_number is None:
        missing.append("dose_number")
        missing += [name for name in FIRST_DOSE_MINIMA if values[name] is None]
    else:
        first = dose_number == 1
        minima = FIRST_DOSE_MINIMA if first else LATER_DOSE_MINIMA
        when_en = "first dose" if first else f"dose {dose_number}"
        when_zh = "首次给药" if first else f"第{dose_number}次给药"
        for name, flag, en, zh in (
            ("anc_10e9_l", "anc_low", "Neutrophils", "中性粒细胞"),
            ("platelets_10e9_l", "platelets_low", "Platelets", "血小板"),
            ("hb_g_l", "hb_low", "Haemoglobin", "血红蛋白"),
        ):
            if name not in minima:
                continue
            value = values[name]
            unit = "g/L" if name == "hb_g_l" else "×10⁹/L"
            if value is None:
                missing.append(name)
                continue
            ok = value >= minima[name]
            if not ok:
                failures.append(flag)
            breakdown.append(
                _item(
                    name,
                    value,
                    ok,
                    f"{en} ≥ {minima[name]} {unit} ({when_en})",
                    f"{zh} ≥{minima[name]} {unit}（{when_zh}）",
                )
            )

    if data.weight_kg is None:
        missing.append("weight_kg")

    if missing:
        band = INCOMPLETE
    elif failures:
        band = "not_eligible"
    else:
        band = "eligible"

    total: Decimal | None = None
    if band == "eligible" and data.weight_kg is not None:
        total = KBQ_PER_KG * data.weight_kg
        breakdown.append(
            BreakdownItem(
                input="weight_kg",
                value=show(data.weight_kg),
                points=total,
                label_en=(f"Activity 55 kBq/kg × {data.weight_kg} kg = {total} kBq per injection, every 4 weeks × {DOSES}"),
                label_zh=(f"活度 55 kBq/kg × {data.weight_kg} kg = {total} kBq/次，每4周1次，共{DOSES}次"),
            )
        )
    return make_result(
        score_id=SCORE_ID,
        source=SOURCE,
        bands=BANDS,
        band=band,
        total=total,
        breakdown=breakdown,
        missing=missing,
        flags=failures,
        value_unit=KBQ,
    )


DEFINITION = define(
    score_id=SCORE_ID,
    name_en="Radium-223 eligibility and activity",
    name_zh="镭-223治疗适应证与活度",
    input_model=RadiumInput,
    bands=BANDS,
    total_range=(KBQ_PER_KG * 30, KBQ_PER_KG * 250),
    source=SOURCE,
    function=score_radium,
    ordinal=False,
    value_unit=KBQ,
)
