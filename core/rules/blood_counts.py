"""Blood-count red flags (docs/clinical/rules.md "Red flags"): febrile neutropenia (RF-FEBRILE-NEUTROPENIA),
bleeding risk (RF-BLEED) and marrow failure (RF-MARROW), with the fail-safe readings of safety rules 1
and 2 (a missing, stale or single count is "cannot exclude" at the urgency it would give). The rules
are registered with the other red flags (core.rules.red_flags) and read by EMERG-MARROW."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from core.derive import is_active as treatment_is_active
from core.derive.clock import labs_of, newest_lab
from core.models import Analyte, LabResult, Treatment, TreatmentKind
from core.rules.base import Fired, Outcome, RuleContext, Urgency, fired, fmt, not_fired
from core.rules.facts import Findings, lab, lab_text

NEUTROPHILS_FN_BELOW = Decimal("0.5")
NEUTROPHILS_FALLING_BELOW = Decimal("1.0")
PLATELETS_BLEED_BELOW = Decimal("20")
MARROW_NEUTROPHILS_BELOW = Decimal("1.0")
MARROW_PLATELETS_BELOW = Decimal("50")
MARROW_HB_BELOW = Decimal("80")


CYTOTOXIC_WITHIN = timedelta(weeks=6)


def cytotoxic_recent(ctx: RuleContext) -> list[Treatment]:
    """Cytotoxic chemotherapy given in the last 6 weeks (running, or started or ended then)."""
    as_of = ctx.cf.as_of
    return [
        t
        for t in ctx.cf.treatments
        if t.kind == TreatmentKind.CHEMOTHERAPY
        and t.start_date <= as_of
        and (
            treatment_is_active(t, as_of)
            or as_of - t.start_date <= CYTOTOXIC_WITHIN
            or (t.end_date is not None and as_of - t.end_date <= CYTOTOXIC_WITHIN)
        )
    ]


CANNOT_EXCLUDE_FN = (
    "Cannot exclude febrile neutropenia — full blood count now; febrile-neutropenia pathway if on chemotherapy",
    "不能排除发热性中性粒细胞减少——立即查血常规；化疗中者启动发热性粒缺处理流程",
)


def _neutropenic_with_fever(counts: list[LabResult]) -> bool:
    """Whether the newest count would give febrile neutropenia with fever (< 0.5, or < 1.0 falling
    or with no earlier count: "cannot exclude" at emergency), whatever its age."""
    if not counts:
        return False
    latest = counts[0]
    if latest.value < NEUTROPHILS_FN_BELOW:
        return True
    return latest.value < NEUTROPHILS_FALLING_BELOW and (len(counts) == 1 or counts[1].value > latest.value)


def febrile_neutropenia(ctx: RuleContext) -> Outcome:
    stale_fever = ctx.stale.get("fever")
    if not ctx.cf.case.fever and stale_fever is None:
        return not_fired("no fever recorded", "未记录发热")
    cf = ctx.case_file
    counts = labs_of(cf, Analyte.NEUTROPHILS)
    latest = counts[0] if counts else None
    window = ctx.policy.neutrophil_fever_window_days
    chemo = cytotoxic_recent(ctx)
    # A known low count, however old, gives the urgency it would give with fever (decision "Stale
    # abnormal values"): emergency, as cytotoxic therapy in the last 6 weeks does.
    low = _neutropenic_with_fever(counts)
    unconfirmed: Urgency = "emergency" if chemo or low else "urgent"
    low_en = low_zh = ""
    if low and latest is not None:
        low_age = (cf.as_of - latest.taken_on).days
        low_en = f"; last neutrophils {fmt(latest.value)} ×10⁹/L on {latest.taken_on.isoformat()} ({low_age} days old)"
        low_zh = f"；最近中性粒细胞 {fmt(latest.value)}×10⁹/L（{latest.taken_on.isoformat()}，距今{low_age}天）"
    if stale_fever is not None and not ctx.cf.case.fever:
        # Stale abnormal value: "cannot exclude", naming it and its age.
        return fired(
            f"fever recorded {stale_fever.age_days} days ago (older than {stale_fever.window_days} days){low_en}: "
            "re-check temperature and count",
            f"{stale_fever.age_days}天前记录发热（超过{stale_fever.window_days}天）{low_zh}：请复测体温并查血常规",
            unconfirmed,
            cannot_exclude=True,
            text=CANNOT_EXCLUDE_FN,
        )
    if latest is None or (cf.as_of - latest.taken_on).days > window:
        what_en = (
            "no neutrophil count"
            if latest is None
            else (f"last neutrophils {fmt(latest.value)} ×10⁹/L are {(cf.as_of - latest.taken_on).days} days old")
        )
        what_zh = (
            "无中性粒细胞计数"
            if latest is None
            else (f"最近中性粒细胞 {fmt(latest.value)}×10⁹/L 距今{(cf.as_of - latest.taken_on).days}天")
        )
        via_en = f"; cytotoxic therapy in the last 6 weeks ({chemo[0].name})" if chemo else ""
        via_zh = f"；近6周内细胞毒治疗（{chemo[0].name}）" if chemo else ""
        if low:
            via_en += "; a count that low with fever would be febrile neutropenia"
            via_zh += "；该计数伴发热即为发热性中性粒细胞减少"
        return fired(
            f"fever with {what_en} within 24 h{via_en}",
            f"发热且24小时内{what_zh}{via_zh}",
            unconfirmed,
            cannot_exclude=True,
            text=CANNOT_EXCLUDE_FN,
        )
    text_en = f"fever with neutrophils {fmt(latest.value)} ×10⁹/L ({lab_text(ctx, latest)})"
    text_zh = f"发热伴中性粒细胞 {fmt(latest.value)}×10⁹/L"
    if latest.value < NEUTROPHILS_FN_BELOW:
        return fired(text_en, text_zh)
    previous = counts[1] if len(counts) > 1 else None
    if latest.value < NEUTROPHILS_FALLING_BELOW:
        if previous is None:
            return fired(
                f"{text_en}; no earlier count to tell whether it is falling",
                f"{text_zh}；无既往计数，无法判断是否下降",
                "emergency",
                cannot_exclude=True,
                text=CANNOT_EXCLUDE_FN,
            )
        if previous.value > latest.value:
            return fired(
                f"{text_en}, falling from {fmt(previous.value)}",
                f"{text_zh}，较前（{fmt(previous.value)}）下降",
            )
    return not_fired(text_en, text_zh)


def _count(ctx: RuleContext, analyte: Analyte, limit: Decimal, window: int) -> tuple[LabResult | None, LabResult | None]:
    """(fresh value, stale abnormal value) of a count: the newest result, fresh within ``window``
    days; an older one below ``limit`` is a stale abnormal value ("cannot exclude")."""
    newest = newest_lab(ctx.case_file, analyte)
    if newest is None:
        return None, None
    if (ctx.cf.as_of - newest.taken_on).days <= window:
        return newest, None
    return None, newest if newest.value < limit else None


def _stale_words(ctx: RuleContext, result: LabResult, name_en: str, name_zh: str, unit: str) -> tuple[str, str]:
    age = (ctx.cf.as_of - result.taken_on).days
    return (
        f"{name_en} {fmt(result.value)} {unit} from {result.taken_on.isoformat()} ({age} days old): measure now",
        f"{name_zh} {fmt(result.value)} {unit}（{result.taken_on.isoformat()}，距今{age}天）：请立即复查",
    )


def bleed(ctx: RuleContext) -> Outcome:
    found = Findings()
    if ctx.cf.case.active_bleeding:
        found.add("active bleeding", "活动性出血")
    platelets, stale = _count(ctx, Analyte.PLATELETS, PLATELETS_BLEED_BELOW, ctx.policy.lab_emergency_window_days)
    if platelets is not None and platelets.value < PLATELETS_BLEED_BELOW:
        found.add(f"platelets {fmt(platelets.value)} ×10⁹/L", f"血小板 {fmt(platelets.value)}×10⁹/L")
    elif stale is not None:
        found.cannot(*_stale_words(ctx, stale, "platelets", "血小板", "×10⁹/L"))
    elif platelets is None and lab(ctx, Analyte.PLATELETS) is None:
        found.missing.append("platelets")
    if found.en:
        return fired(found.en, found.zh)
    if found.cannot_en:
        return fired(
            found.cannot_en,
            found.cannot_zh,
            "emergency",
            cannot_exclude=True,
            text=(
                "Cannot exclude a bleeding risk (platelets < 20 ×10⁹/L) — full blood count now",
                "不能排除出血风险（血小板<20×10⁹/L）——立即查血常规",
            ),
        )
    return found.outcome()


def marrow(ctx: RuleContext) -> Outcome:
    fn, bl = febrile_neutropenia(ctx), bleed(ctx)
    if (isinstance(fn, Fired) and not fn.cannot_exclude) or (isinstance(bl, Fired) and not bl.cannot_exclude):
        return not_fired("covered by RF-FEBRILE-NEUTROPENIA / RF-BLEED", "已由发热性中性粒细胞减少/出血红旗覆盖")
    found = Findings()
    for analyte, limit, name_en, name_zh, unit in (
        (Analyte.NEUTROPHILS, MARROW_NEUTROPHILS_BELOW, "neutrophils", "中性粒细胞", "×10⁹/L"),
        (Analyte.PLATELETS, MARROW_PLATELETS_BELOW, "platelets", "血小板", "×10⁹/L"),
        (Analyte.HB, MARROW_HB_BELOW, "Hb", "血红蛋白", "g/L"),
    ):
        result, stale = _count(ctx, analyte, limit, ctx.policy.lab_score_window_days)
        if result is not None and result.value < limit:
            found.add(f"{name_en} {fmt(result.value)} {unit}", f"{name_zh} {fmt(result.value)} {unit}")
        elif stale is not None:
            found.cannot(*_stale_words(ctx, stale, name_en, name_zh, unit))
        elif result is None:
            found.missing.append(analyte.value)
    if found.en:
        return fired([*found.en, *found.cannot_en], [*found.zh, *found.cannot_zh])
    if found.cannot_en:
        return fired(
            found.cannot_en,
            found.cannot_zh,
            "urgent",
            cannot_exclude=True,
            text=("Cannot exclude bone-marrow suppression — full blood count now", "不能排除骨髓抑制——立即查血常规"),
        )
    return found.outcome()
