"""Calcium for RF-HYPERCA, RF-HYPOCA and EMERG-HYPERCA under the safety rules (docs/clinical/rules.md).

* The newest calcium measurement decides, ionised or total (safety rule 2: an old ionised calcium
  never hides a new total calcium); on the same day the ionised one (docs/clinical/scores.md decision 6).
* A total calcium pairs with an albumin taken within 7 days of it (inclusive). Without one, the
  corrected value lies anywhere between ``Ca - 0.40`` (albumin 60 g/L, the least alarming accepted
  value) and ``Ca + 0.60`` (albumin 10 g/L): the flag fires at the grade the least alarming value
  reaches and the banner adds "cannot exclude <grade> — measure albumin today" when a higher grade
  is reachable (decision "Grades"); a total calcium inside the normal range raises nothing
  (decision "Triggers").
* Freshness: a value fires only within 7 days when it gives an emergency grade and 28 days
  otherwise; an older abnormal value is "cannot exclude", naming the value and its age, at the
  urgency it would give (decision "Stale abnormal values"). Symptoms make it an emergency rule: only
  a calcium within 7 days rules them out, and symptoms older than their window count for the flag
  they belong to (docs/clinical/rules.md "How BoneMDT applies them to calcium ...").
* Units: a calcium entered in mg/dL is banded on the conventional thresholds (Zometa label: corrected
  Ca >= 12.0 mg/dL is hypercalcaemia of malignancy; CTCAE v5.0: grade 3 > 12.5 mg/dL); the
  converted mmol/L value is shown to two decimals (decision "Units").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from core.derive.calcium import paired_albumin
from core.derive.clock import newest_lab
from core.models import HYPOCALCAEMIA_SYMPTOMS, Analyte, CalciumSymptom, LabResult
from core.rules.base import (
    RuleContext,
    Urgency,
    fmt,
)

CALCIUM_SYMPTOM_TEXT: dict[CalciumSymptom, tuple[str, str]] = {
    CalciumSymptom.CONFUSION: ("confusion or drowsiness", "意识模糊或嗜睡"),
    CalciumSymptom.VOMITING: ("vomiting", "呕吐"),
    CalciumSymptom.DEHYDRATION: ("dehydration", "脱水"),
    CalciumSymptom.AKI: ("acute kidney injury", "急性肾损伤"),
    CalciumSymptom.ARRHYTHMIA: ("arrhythmia", "心律失常"),
    CalciumSymptom.TETANY: ("tetany", "手足搐搦"),
    CalciumSymptom.SEIZURES: ("seizures", "癫痫发作"),
    CalciumSymptom.LONG_QT: ("long QT", "QT间期延长"),
}

# Corrected calcium, mmol/L (quantised to 0.01 before comparing).
HYPERCA_SEVERE_ABOVE = Decimal("3.50")  # Society for Endocrinology: severe
HYPERCA_CTCAE3_ABOVE = Decimal("3.10")  # CTCAE v5.0 grade >= 3
HYPERCA_MODERATE_FROM = Decimal("3.00")
HYPERCA_ULN = Decimal("2.60")
NORMAL_LOW = Decimal("2.20")
# The same thresholds in mg/dL where they are published in that unit (label, CTCAE v5.0).
HYPERCA_MG_CTCAE3_ABOVE = Decimal("12.5")
HYPERCA_MG_HCM_FROM = Decimal("12.0")
HYPERCA_MG_ULN = Decimal("10.4")
# Ionised calcium, CTCAE v5.0 ionised ranges: grade 1 > ULN-1.5, 2 > 1.5-1.6, 3 > 1.6-1.8.
IONISED_ULN = Decimal("1.30")
IONISED_GRADE2_ABOVE = Decimal("1.5")
IONISED_GRADE3_ABOVE = Decimal("1.6")
# Ionised hypocalcaemia, CTCAE v5.0: grade 2 < 1.0-0.9, grade 3 < 0.9 mmol/L; LLN 1.15.
IONISED_LLN = Decimal("1.15")
IONISED_HYPO_G2_BELOW = Decimal("1.0")
IONISED_HYPO_G3_BELOW = Decimal("0.9")
HYPOCA_SEVERE_BELOW = Decimal("1.75")
HYPOCA_MODERATE_BELOW = Decimal("2.00")
HYPOCA_LOW_BELOW = Decimal("2.20")
# The accepted albumin range (g/L) bounds an unpaired corrected calcium: 0.02 x (40 - albumin).
ALBUMIN_LEAST_SHIFT = Decimal("-0.40")  # albumin 60
ALBUMIN_MOST_SHIFT = Decimal("0.60")  # albumin 10
CENT = Decimal("0.01")
RANK: dict[str | None, int] = {None: 3, "routine": 2, "urgent": 1, "emergency": 0}

Kind = Literal["ionised", "corrected", "unpaired"]


def q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def worse(a: Urgency | None, b: Urgency | None) -> Urgency | None:
    return a if RANK[a] <= RANK[b] else b


@dataclass
class Reading:
    """The calcium measurement that decides: its kind, the range of corrected values it allows
    (``low``..``high``, equal when paired or ionised), its date and words."""

    kind: Kind
    low: Decimal
    high: Decimal
    on: date
    age: int
    en: str
    zh: str
    mg_corrected: Decimal | None = None  # the corrected value in mg/dL when entered in mg/dL
    albumin_g_l: Decimal | None = None
    calcium: LabResult | None = None


@dataclass
class CalciumVerdict:
    urgency: Urgency | None = None
    cannot_exclude: bool = False
    en: list[str] = field(default_factory=list)
    zh: list[str] = field(default_factory=list)
    banner: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    reading: Reading | None = None


def symptoms(ctx: RuleContext, hypo: bool = False) -> tuple[list[str], list[str]]:
    """Fresh hypercalcaemia symptoms, or with ``hypo`` the hypocalcaemia ones."""
    found = [s for s in ctx.cf.case.calcium_symptoms if (s in HYPOCALCAEMIA_SYMPTOMS) == hypo]
    return [CALCIUM_SYMPTOM_TEXT[s][0] for s in found], [CALCIUM_SYMPTOM_TEXT[s][1] for s in found]


def stale_symptoms(ctx: RuleContext, hypo: bool = False) -> tuple[int, list[str], list[str]] | None:
    """(age in days, words en, zh) of recorded hypercalcaemia symptoms (or, with ``hypo``, the
    hypocalcaemia ones) older than their window, or None."""
    fact = ctx.stale.get("calcium_symptoms")
    if fact is None:
        return None
    found = [s for s in ctx.case_file.case.calcium_symptoms if (s in HYPOCALCAEMIA_SYMPTOMS) == hypo]
    if not found:
        return None
    return fact.age_days, [CALCIUM_SYMPTOM_TEXT[s][0] for s in found], [CALCIUM_SYMPTOM_TEXT[s][1] for s in found]


def _mg(lab: LabResult) -> Decimal | None:
    """The value as entered in mg/dL, when it was entered in that unit."""
    if lab.entered_unit == "mg/dL" and lab.entered_value is not None:
        return lab.entered_value
    return None


def reading(ctx: RuleContext) -> Reading | None:
    """The newest calcium measurement, any age (its age is judged by the caller)."""
    cf = ctx.case_file
    ionised = newest_lab(cf, Analyte.IONISED_CALCIUM)
    total = newest_lab(cf, Analyte.CALCIUM)
    if ionised is not None and (total is None or ionised.taken_on >= total.taken_on):
        age = (cf.as_of - ionised.taken_on).days
        return Reading(
            kind="ionised",
            low=ionised.value,
            high=ionised.value,
            on=ionised.taken_on,
            age=age,
            en=f"ionised Ca {fmt(ionised.value)} mmol/L ({age} days old; graded on it)",
            zh=f"离子钙 {fmt(ionised.value)} mmol/L（距今{age}天；按离子钙分级）",
        )
    if total is None:
        return None
    age = (cf.as_of - total.taken_on).days
    albumin = paired_albumin(cf, total, ctx.policy.calcium_albumin_pair_days)
    mg = _mg(total)
    if albumin is not None:
        corrected = q(total.value + Decimal("0.02") * (Decimal(40) - albumin.value))
        corrected_mg = Decimal(0)
        if mg is not None:
            corrected_mg = mg + Decimal("0.08") * (Decimal(40) - albumin.value)
            mg_shown = corrected_mg.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            en = (
                f"corrected Ca {fmt(mg_shown)} mg/dL = {corrected} mmol/L "
                f"(total {fmt(mg)} mg/dL, albumin {fmt(albumin.value)} g/L; {age} days old)"
            )
            zh = f"校正血钙 {fmt(mg_shown)} mg/dL（{corrected} mmol/L；距今{age}天）"
        else:
            en = f"corrected Ca {corrected} mmol/L"
            zh = f"校正血钙 {corrected} mmol/L"
        return Reading(
            kind="corrected",
            low=corrected,
            high=corrected,
            on=total.taken_on,
            age=age,
            en=en,
            zh=zh,
            mg_corrected=corrected_mg if mg is not None else None,
            albumin_g_l=albumin.value,
            calcium=total,
        )
    low, high = q(total.value + ALBUMIN_LEAST_SHIFT), q(total.value + ALBUMIN_MOST_SHIFT)
    return Reading(
        kind="unpaired",
        low=low,
        high=high,
        on=total.taken_on,
        age=age,
        en=f"total Ca {fmt(q(total.value))} mmol/L on {total.taken_on.isoformat()} ({age} days old) without an albumin "
        f"within {ctx.policy.calcium_albumin_pair_days} days: corrected {low}–{high} at any accepted albumin",
        zh=f"总钙 {fmt(q(total.value))} mmol/L（{total.taken_on.isoformat()}，距今{age}天），"
        f"前后{ctx.policy.calcium_albumin_pair_days}天内无白蛋白：按可接受白蛋白范围校正后为{low}–{high}",
        calcium=total,
    )


def hyper_grade(value: Decimal, kind: Kind, with_symptoms: bool, mg_value: Decimal | None = None) -> Urgency | None:
    """RF-HYPERCA urgency of one corrected (or ionised) value."""
    if kind == "ionised":
        if value <= IONISED_ULN:
            return None
        if value > IONISED_GRADE3_ABOVE or with_symptoms:
            return "emergency"
        return "urgent" if value > IONISED_GRADE2_ABOVE else "routine"
    if mg_value is not None:
        if mg_value <= HYPERCA_MG_ULN:
            return None
        if mg_value > HYPERCA_MG_CTCAE3_ABOVE or with_symptoms:
            return "emergency"
        return "urgent" if mg_value >= HYPERCA_MG_HCM_FROM else "routine"
    if value <= HYPERCA_ULN:
        return None
    if value > HYPERCA_CTCAE3_ABOVE or with_symptoms:
        return "emergency"
    return "urgent" if value >= HYPERCA_MODERATE_FROM else "routine"


def hypo_grade(value: Decimal, kind: Kind, with_symptoms: bool) -> Urgency | None:
    """RF-HYPOCA urgency of one corrected (or ionised) value."""
    if kind == "ionised":
        if with_symptoms and value < IONISED_LLN:
            return "emergency"
        if value < IONISED_HYPO_G3_BELOW:
            return "emergency"
        return "urgent" if value < IONISED_HYPO_G2_BELOW else None
    if with_symptoms and value < HYPOCA_LOW_BELOW:
        return "emergency"
    if value < HYPOCA_SEVERE_BELOW:
        return "emergency"
    return "urgent" if value < HYPOCA_MODERATE_BELOW else None


HYPER_GRADE_WORDS: dict[str, tuple[str, str]] = {
    "emergency": ("corrected Ca > 3.10 mmol/L (CTCAE grade ≥ 3)", "校正血钙>3.10 mmol/L（CTCAE≥3级）"),
    "urgent": ("corrected Ca ≥ 3.00 mmol/L", "校正血钙≥3.00 mmol/L"),
    "routine": ("mild hypercalcaemia", "轻度高钙血症"),
}
HYPO_GRADE_WORDS: dict[str, tuple[str, str]] = {
    "emergency": ("corrected Ca < 1.75 mmol/L", "校正血钙<1.75 mmol/L"),
    "urgent": ("corrected Ca 1.75–1.99 mmol/L", "校正血钙1.75–1.99 mmol/L"),
}


def _window(ctx: RuleContext, urgency: Urgency | None) -> int:
    policy = ctx.policy
    return policy.lab_emergency_window_days if urgency == "emergency" else policy.lab_score_window_days


def evaluate_calcium(ctx: RuleContext, hypo: bool = False) -> CalciumVerdict:
    """The safety-rule verdict for hypercalcaemia (or, with ``hypo``, hypocalcaemia)."""
    verdict = CalciumVerdict()
    sym_en, sym_zh = symptoms(ctx, hypo)
    found = reading(ctx)
    verdict.reading = found
    words = HYPO_GRADE_WORDS if hypo else HYPER_GRADE_WORDS
    name_en, name_zh = ("hypocalcaemia", "低钙血症") if hypo else ("hypercalcaemia", "高钙血症")
    measure_en = "measure now: ionised calcium, or calcium with albumin"
    measure_zh = "请立即检测：离子钙，或血钙及白蛋白"
    stale_sym = stale_symptoms(ctx, hypo)
    # A normal calcium rules symptoms out only within the emergency window (symptoms make it an
    # emergency rule: safety rule 2); without symptoms it counts for the scores' window.
    rule_out_days = _window(ctx, "emergency") if (sym_en or stale_sym is not None) else _window(ctx, None)
    if found is None or (found.age > rule_out_days and _normal(found, hypo)):
        last_en = last_zh = ""
        if found is not None:
            last_en = (
                f"; the last calcium, {found.en} on {found.on.isoformat()}, is {found.age} days old "
                f"(older than {rule_out_days} days) and cannot exclude it"
            )
            last_zh = (
                f"；最近一次血钙（{found.zh}，{found.on.isoformat()}）距今{found.age}天（超过{rule_out_days}天），不能据此排除"
            )
        if sym_en:
            verdict.urgency, verdict.cannot_exclude = "emergency", True
            if found is None:
                verdict.en = [f"{name_en} symptoms recorded ({', '.join(sym_en)}) and no current calcium: {measure_en}"]
                verdict.zh = [f"记录有{name_zh}症状（{'、'.join(sym_zh)}）且无近期血钙结果：{measure_zh}"]
            else:
                verdict.en = [f"{name_en} symptoms recorded ({', '.join(sym_en)}){last_en}: {measure_en}"]
                verdict.zh = [f"记录有{name_zh}症状（{'、'.join(sym_zh)}）{last_zh}：{measure_zh}"]
            return verdict
        if stale_sym is not None:
            # Stale abnormal value: "cannot exclude" at the urgency the symptoms would give.
            age, st_en, st_zh = stale_sym
            verdict.urgency, verdict.cannot_exclude = "emergency", True
            none_en = "no calcium since" if found is None else last_en.removeprefix("; ")
            none_zh = "此后无血钙结果" if found is None else last_zh.removeprefix("；")
            verdict.en = [
                f"{name_en} symptoms ({', '.join(st_en)}) recorded {age} days ago "
                f"(older than {ctx.policy.symptom_window_days} days), {none_en}: re-assess them; {measure_en}"
            ]
            verdict.zh = [
                f"{age}天前记录有{name_zh}症状（{'、'.join(st_zh)}）（超过{ctx.policy.symptom_window_days}天），"
                f"{none_zh}：请重新评估；{measure_zh}"
            ]
            return verdict
        verdict.missing = ["corrected_calcium.calcium_mmol_l"]
        if found is not None:
            verdict.en, verdict.zh = [found.en], [found.zh]
        return verdict
    least, most = (found.high, found.low) if hypo else (found.low, found.high)
    with_symptoms = bool(sym_en)
    if hypo:
        fired_at = hypo_grade(least, found.kind, with_symptoms)
        reachable = hypo_grade(most, found.kind, with_symptoms)
    else:
        fired_at = hyper_grade(least, found.kind, with_symptoms, found.mg_corrected)
        reachable = hyper_grade(most, found.kind, with_symptoms, found.mg_corrected)
    text_en, text_zh = found.en, found.zh
    if with_symptoms:
        text_en += " with symptoms (" + ", ".join(sym_en) + ")"
        text_zh += "，伴症状（" + "、".join(sym_zh) + "）"
    verdict.en, verdict.zh = [text_en], [text_zh]
    # Symptoms recorded but older than their window: the grade the reading would have with them
    # (a confirming input that is stale, safety rule 1), never ignored.
    with_stale: Urgency | None = None
    if stale_sym is not None and not with_symptoms:
        with_stale = hypo_grade(least, found.kind, True) if hypo else hyper_grade(least, found.kind, True, found.mg_corrected)
        if with_stale is not None and fired_at is not None and RANK[with_stale] >= RANK[fired_at]:
            with_stale = None
    # Triggers: only a total calcium outside its normal range (or symptoms) raises anything.
    if found.kind == "unpaired" and fired_at is None and found.calcium is not None:
        outside = found.calcium.value < NORMAL_LOW if hypo else found.calcium.value > HYPERCA_ULN
        if not outside and not with_symptoms and stale_sym is None:
            verdict.missing = ["corrected_calcium.albumin_g_l"]
            return verdict
    if with_stale is not None:
        assert stale_sym is not None
        age, st_en, st_zh = stale_sym
        verdict.banner.append(
            (
                f"cannot exclude symptomatic {name_en} (an emergency) — {', '.join(st_en)} recorded {age} days ago: "
                "re-assess the symptoms today",
                f"不能排除症状性{name_zh}（危急）——{age}天前记录有{'、'.join(st_zh)}：请今日重新评估症状",
            )
        )
    if fired_at is None and reachable is None and with_stale is None:
        return verdict
    stale = fired_at is not None and found.age > _window(ctx, fired_at)
    if fired_at is None:
        # Only some possible values would fire it: "cannot exclude" at the flag's own urgency.
        verdict.urgency, verdict.cannot_exclude = "urgent", True
        if reachable is not None:
            grade_en, grade_zh = words.get(reachable, (name_en, name_zh))
            verdict.banner.append((f"cannot exclude {grade_en} — measure albumin today", f"不能排除{grade_zh}——请今日检测白蛋白"))
        return verdict
    if stale:
        verdict.urgency, verdict.cannot_exclude = fired_at, True
        verdict.en = [
            f"cannot exclude {name_en}: {found.en} taken on {found.on.isoformat()} is {found.age} days old "
            f"(older than {_window(ctx, fired_at)} days) — {measure_en}"
        ]
        verdict.zh = [
            f"不能排除{name_zh}：{found.zh}检测于{found.on.isoformat()}，"
            f"距今{found.age}天（超过{_window(ctx, fired_at)}天）——{measure_zh}"
        ]
        return verdict
    verdict.urgency = fired_at
    if with_stale is not None:
        verdict.urgency = worse(fired_at, "urgent")
    if reachable is not None and RANK[reachable] < RANK[fired_at]:
        verdict.urgency = worse(fired_at, "urgent")
        grade_en, grade_zh = words.get(reachable, (name_en, name_zh))
        verdict.banner.append((f"cannot exclude {grade_en} — measure albumin today", f"不能排除{grade_zh}——请今日检测白蛋白"))
    return verdict


def _normal(found: Reading, hypo: bool) -> bool:
    """Whether a reading is inside the normal range for this flag (no trigger)."""
    if found.kind == "ionised":
        return found.low >= IONISED_LLN if hypo else found.low <= IONISED_ULN
    if found.kind == "unpaired" and found.calcium is not None:
        value = found.calcium.value
        return value >= NORMAL_LOW if hypo else value <= HYPERCA_ULN
    return found.low >= HYPOCA_LOW_BELOW if hypo else found.low <= HYPERCA_ULN
