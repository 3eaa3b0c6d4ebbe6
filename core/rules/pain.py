"""Pain medicine rules (docs/clinical/rules.md "Pain medicine"); WHO ladder steps from the NRS."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core.derive import word
from core.models import Analyte, NeuroSign, PainCharacter, TreatmentKind
from core.rules.base import (
    Condition,
    Fired,
    Outcome,
    Rule,
    RuleContext,
    fired,
    fmt,
    needs,
    not_fired,
    one_decimal,
)
from core.rules.facts import (
    Findings,
    active_treatments,
    crcl,
    lab,
    painful_unirradiated,
    sites,
    sites_zh,
)
from core.rules.red_flags import rf_bma_renal

SAFETY_CRCL_BELOW = Decimal("30")
SAFETY_PLATELETS_BELOW = Decimal("50")


@dataclass
class AnalgesicSafety:
    """What PAIN-SAFETY reads, shared with the ladder steps so a step's suggestion names the same
    contraindications (safety rule 5): CrCl < 30 (no morphine or codeine, no NSAID), NSAIDs to avoid
    (renal failure, platelets < 50, renal decline on zoledronic acid) or to use with caution
    (dexamethasone: PPI cover)."""

    crcl: Decimal | None = None
    renal: bool = False  # CrCl < 30: no morphine or codeine, and no NSAID
    avoid_nsaid: list[tuple[str, str]] = field(default_factory=list)  # other (en, zh) reasons for no NSAID
    caution_nsaid: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def analgesic_safety(ctx: RuleContext) -> AnalgesicSafety:
    safety = AnalgesicSafety(crcl=crcl(ctx))
    if safety.crcl is None:
        safety.missing.append("creatinine clearance")
    elif safety.crcl < SAFETY_CRCL_BELOW:
        safety.renal = True
    platelets = lab(ctx, Analyte.PLATELETS)
    if platelets is None:
        safety.missing.append("platelets")
    elif platelets.value < SAFETY_PLATELETS_BELOW:
        safety.avoid_nsaid.append((f"platelets {fmt(platelets.value)} ×10⁹/L", f"血小板 {fmt(platelets.value)}×10⁹/L"))
    if isinstance(rf_bma_renal(ctx), Fired):
        safety.avoid_nsaid.append(("renal decline on zoledronic acid", "唑来膦酸治疗中肾功能下降"))
    if active_treatments(ctx, TreatmentKind.STEROID, ("dexameth",)):
        safety.caution_nsaid.append(("on dexamethasone", "正在使用地塞米松"))
    return safety


def _non_opioid(safety: AnalgesicSafety, crcl_named: bool = False) -> tuple[str, str] | None:
    """The non-opioid that fits (None: the ladder's default, paracetamol or an NSAID).
    ``crcl_named``: the suggestion names the CrCl already."""
    reasons = list(safety.avoid_nsaid)
    if safety.renal and crcl_named and not reasons:
        return "paracetamol; no NSAID", "对乙酰氨基酚；不用NSAIDs"
    if safety.renal and not crcl_named:
        value = one_decimal(safety.crcl)
        reasons.insert(0, (f"CrCl {value} mL/min", f"肌酐清除率 {value} mL/min"))
    if reasons:
        en = "; ".join(en for en, _ in reasons)
        zh = "；".join(zh for _, zh in reasons)
        return f"paracetamol; no NSAID: {en}", f"对乙酰氨基酚；不用NSAIDs：{zh}"
    if safety.caution_nsaid:
        en = "; ".join(en for en, _ in safety.caution_nsaid)
        zh = "；".join(zh for _, zh in safety.caution_nsaid)
        return (
            f"paracetamol, or an NSAID only with caution and PPI cover: {en}",
            f"对乙酰氨基酚，或慎用NSAIDs并加用PPI：{zh}",
        )
    return None


def _step_text(step: str, safety: AnalgesicSafety) -> tuple[str, str] | None:
    """The step's suggestion tailored to the patient (safety rule 5); None: the row's default."""
    non_opioid = _non_opioid(safety, crcl_named=safety.renal and step != "step_1")
    if non_opioid is None:
        return None
    nop_en, nop_zh = non_opioid
    value = one_decimal(safety.crcl) if safety.crcl is not None else ""
    if step == "step_1":
        return (
            f"Non-opioid ({nop_en}) ± adjuvant; {_ADMIN}",
            f"非阿片类药物（{nop_zh}）±辅助药物；{_ADMIN_ZH}",
        )
    if step == "step_2" and safety.renal:
        return (
            f"Low-dose strong opioid — CrCl {value} mL/min: not codeine or morphine (the usual weak opioid and "
            "morphine conflict with renal failure); low-dose oxycodone or hydromorphone, dose-reduced, "
            f"± non-opioid ({nop_en}) ± adjuvant; {_ADMIN}",
            f"低剂量强阿片类药物——肌酐清除率 {value} mL/min：不用可待因或吗啡（常规弱阿片类药物及吗啡与肾功能衰竭相冲突）；"
            f"改用减量的低剂量羟考酮或氢吗啡酮，±非阿片类（{nop_zh}）±辅助药物；{_ADMIN_ZH}",
        )
    if step == "step_2":
        return (
            f"Weak opioid or low-dose strong opioid ± non-opioid ({nop_en}) ± adjuvant; {_ADMIN}",
            f"弱阿片类药物或低剂量强阿片类药物±非阿片类（{nop_zh}）±辅助药物；{_ADMIN_ZH}",
        )
    if safety.renal:
        return (
            f"Strong opioid titrated — CrCl {value} mL/min: not morphine or codeine (the usual first "
            "line conflicts with renal failure); oxycodone, hydromorphone or fentanyl, dose-reduced, "
            f"± non-opioid ({nop_en}) ± adjuvant; {_ADMIN}",
            f"强阿片类药物滴定——肌酐清除率 {value} mL/min：不用吗啡或可待因（常规一线用药与肾功能衰竭相冲突）；"
            f"改用减量的羟考酮、氢吗啡酮或芬太尼，±非阿片类（{nop_zh}）±辅助药物；{_ADMIN_ZH}",
        )
    return (
        f"Strong opioid titrated (morphine first line) ± non-opioid ({nop_en}) ± adjuvant; {_ADMIN}",
        f"强阿片类药物滴定（吗啡为一线）±非阿片类（{nop_zh}）±辅助药物；{_ADMIN_ZH}",
    )


def _step(step: str) -> Condition:
    def condition(ctx: RuleContext) -> Outcome:
        ladder = ctx.scores.patient["who_analgesic_ladder"]
        if not ladder.complete:
            return needs("nrs")
        nrs = ctx.cf.case.nrs
        if ladder.band != step:
            return not_fired(f"NRS {nrs}", f"NRS {nrs}分")
        safety = analgesic_safety(ctx)
        text = _step_text(step, safety)
        if text is None:
            return fired(f"NRS {nrs}", f"NRS {nrs}分")
        # Safety rule 5: the suggestion names the contraindications present (and the conflicts
        # with the ladder's default are named beside PAIN-SAFETY, core.rules._dynamic_conflicts).
        en, zh = [f"NRS {nrs}"], [f"NRS {nrs}分"]
        if safety.renal:
            value = one_decimal(safety.crcl)
            en.append(f"CrCl {value} mL/min < 30: no morphine or codeine, no NSAID")
            zh.append(f"肌酐清除率 {value} mL/min <30：不用吗啡或可待因，不用NSAIDs")
        for reason_en, reason_zh in safety.avoid_nsaid:
            en.append(f"{reason_en}: no NSAID")
            zh.append(f"{reason_zh}：不用NSAIDs")
        for reason_en, reason_zh in safety.caution_nsaid:
            en.append(f"{reason_en}: NSAIDs with caution and PPI cover")
            zh.append(f"{reason_zh}：慎用NSAIDs并加用PPI")
        detail: dict[str, object] = {}
        if safety.renal:
            detail["renal"] = "crcl_below_30"
        if safety.renal or safety.avoid_nsaid:
            detail["nsaid"] = "avoid"
            why = ([(f"CrCl {one_decimal(safety.crcl)} mL/min < 30", "肌酐清除率<30")] if safety.renal else []) + list(
                safety.avoid_nsaid
            )
            detail["no_nsaid_en"] = "; ".join(en for en, _ in why)
            detail["no_nsaid_zh"] = "；".join(zh for _, zh in why)
        elif safety.caution_nsaid:
            detail["nsaid"] = "caution"
        return fired(en, zh, text=text, detail=detail)

    return condition


def pain_safety(ctx: RuleContext) -> Outcome:
    nrs = ctx.cf.case.nrs
    if nrs is None:
        return needs("nrs")
    if nrs == 0:
        return not_fired("no pain", "无疼痛")
    safety = analgesic_safety(ctx)
    found = Findings(missing=list(safety.missing))
    if safety.renal:
        value = one_decimal(safety.crcl)
        found.add(
            f"CrCl {value} mL/min: avoid NSAIDs, morphine and codeine",
            f"肌酐清除率 {value} mL/min：避免NSAIDs、吗啡和可待因",
        )
    for en, zh in safety.avoid_nsaid:
        found.add(f"{en}: avoid NSAIDs", f"{zh}：避免NSAIDs")
    for en, zh in safety.caution_nsaid:
        found.add(f"{en}: NSAIDs with caution and PPI cover", f"{zh}：慎用NSAIDs并加用PPI")
    if safety.renal:
        return found.outcome(renal="crcl_below_30")
    return found.outcome()


def pain_neuro(ctx: RuleContext) -> Outcome:
    case = ctx.cf.case
    if case.pain_character in (PainCharacter.NEUROPATHIC, PainCharacter.MIXED):
        return fired(
            f"{word(case.pain_character)} pain",
            f"{word(case.pain_character, 'zh')}疼痛（含神经病理性成分）",
        )
    if NeuroSign.RADICULAR_PAIN in case.neuro_signs:
        return fired("radicular or band-like pain", "根性或束带样疼痛")
    if case.pain_character is None and case.nrs is not None and case.nrs > 0:
        return needs("pain_character")
    return not_fired()


def pain_breakthrough(ctx: RuleContext) -> Outcome:
    case = ctx.cf.case
    if case.on_step3_opioid:
        return fired("on a strong opioid", "正在使用强阿片类药物")
    if case.nrs is None:
        return needs("nrs")
    if case.nrs >= 7:
        return fired(f"NRS {case.nrs}: strong opioid suggested", f"NRS {case.nrs}分：建议强阿片类药物")
    return not_fired()


def pain_intervention(ctx: RuleContext) -> Outcome:
    case = ctx.cf.case
    if case.nrs is None:
        return needs("nrs")
    if case.nrs >= 7 and case.on_step3_opioid:
        return fired(f"NRS {case.nrs} despite a strong opioid", f"使用强阿片类药物后NRS仍为{case.nrs}分")
    return not_fired(f"NRS {case.nrs}", f"NRS {case.nrs}分")


def pain_rt(ctx: RuleContext) -> Outcome:
    lesions, irradiated = painful_unirradiated(ctx)
    if lesions:
        return fired(f"painful bone lesion at {sites(lesions)}", f"{sites_zh(lesions)}骨病灶疼痛")
    if irradiated:
        return not_fired(
            f"painful lesion at {sites(irradiated)} irradiated already (see RT-REIRR)",
            f"{sites_zh(irradiated)}疼痛病灶已放疗（见RT-REIRR）",
        )
    return not_fired()


SPECIALTY = "pain_medicine"
_ADMIN = "by mouth, by the clock, by the ladder, individualised"
_ADMIN_ZH = "口服、按时、按阶梯、个体化给药"

RULES: tuple[Rule, ...] = (
    Rule(
        id="PAIN-STEP1",
        specialty=SPECIALTY,
        urgency="routine",
        text_en=f"Non-opioid (paracetamol, NSAID) ± adjuvant; {_ADMIN}",
        text_zh=f"非阿片类药物（对乙酰氨基酚、NSAIDs）±辅助药物；{_ADMIN_ZH}",
        rationale_en="Mild pain (NRS 1–3).",
        rationale_zh="轻度疼痛（NRS 1–3分）。",
        source="WHO; NHC 2018; lecture",
        condition=_step("step_1"),
    ),
    Rule(
        id="PAIN-STEP2",
        specialty=SPECIALTY,
        urgency="routine",
        text_en=f"Weak opioid or low-dose strong opioid ± non-opioid ± adjuvant; {_ADMIN}",
        text_zh=f"弱阿片类药物或低剂量强阿片类药物±非阿片类±辅助药物；{_ADMIN_ZH}",
        rationale_en="Moderate pain (NRS 4–6).",
        rationale_zh="中度疼痛（NRS 4–6分）。",
        source="WHO; NHC 2018; lecture",
        condition=_step("step_2"),
    ),
    Rule(
        id="PAIN-STEP3",
        specialty=SPECIALTY,
        urgency="urgent",
        text_en=f"Strong opioid titrated (morphine first line) ± non-opioid ± adjuvant; {_ADMIN}",
        text_zh=f"强阿片类药物滴定（吗啡为一线）±非阿片类±辅助药物；{_ADMIN_ZH}",
        rationale_en="Severe pain (NRS 7–10); target NRS ≤ 3.",
        rationale_zh="重度疼痛（NRS 7–10分）；目标NRS ≤3分。",
        source="WHO; NHC 2018; lecture",
        condition=_step("step_3"),
    ),
    Rule(
        id="PAIN-SAFETY",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Avoid or caution NSAIDs (PPI cover with steroids); avoid morphine and codeine when CrCl < 30",
        text_zh="避免或慎用NSAIDs（联用激素时加PPI）；肌酐清除率<30时避免吗啡和可待因",
        rationale_en="Renal failure, thrombocytopenia, zoledronic acid nephrotoxicity and steroids change analgesic safety.",
        rationale_zh="肾功能不全、血小板减少、唑来膦酸肾毒性和激素均影响镇痛药安全性。",
        source="WHO 2018; labels",
        condition=pain_safety,
    ),
    Rule(
        id="PAIN-NEURO",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Adjuvant (e.g. pregabalin, renally dosed)",
        text_zh="辅助镇痛药（如普瑞巴林，按肾功能调整剂量）",
        rationale_en="Neuropathic component.",
        rationale_zh="存在神经病理性疼痛成分。",
        source="lecture",
        condition=pain_neuro,
    ),
    Rule(
        id="PAIN-BREAKTHROUGH",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Immediate-release rescue dose; laxative prophylaxis",
        text_zh="即释制剂解救剂量；预防性使用通便药",
        rationale_en="Strong opioid started.",
        rationale_zh="已开始使用强阿片类药物。",
        source="lecture",
        condition=pain_breakthrough,
    ),
    Rule(
        id="PAIN-INTERVENTION",
        specialty=SPECIALTY,
        urgency="urgent",
        text_en="Nerve block, PCA, intrathecal delivery, vertebral augmentation",
        text_zh="神经阻滞、患者自控镇痛（PCA）、鞘内给药、椎体强化",
        rationale_en="NRS ≥ 7 despite step 3.",
        rationale_zh="第三阶梯治疗后NRS仍≥7分。",
        source="lecture",
        condition=pain_intervention,
    ),
    Rule(
        id="PAIN-RT",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Radiotherapy referral (see the RT rules)",
        text_zh="转诊放疗（见放疗规则）",
        rationale_en="WHO 2018 recommends radiotherapy for bone-metastasis pain.",
        rationale_zh="WHO 2018推荐放疗治疗骨转移疼痛。",
        source="WHO 2018",
        condition=pain_rt,
    ),
)
