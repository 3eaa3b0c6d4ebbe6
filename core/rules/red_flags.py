"""Red flags (docs/clinical/rules.md "Red flags"): they drive the red-flag queue and the agenda order."""

from __future__ import annotations

from decimal import Decimal

from core.derive.clock import newest_lab
from core.models import Analyte
from core.rules.base import (
    NEUROLOGY,
    STABILITY,
    Outcome,
    Rule,
    RuleContext,
    Urgency,
    fired,
    fmt,
    needs,
    not_fired,
    one_decimal,
)
from core.rules.blood_counts import bleed, febrile_neutropenia, marrow
from core.rules.calcium import evaluate_calcium, symptoms
from core.rules.facts import (
    crcl,
    ecog_value,
    lab,
    labels,
    labels_zh,
    mscc_findings,
    neuro_signs,
    new_frankel_deficit,
    on_bma,
    on_denosumab,
    on_zoledronic,
    scored,
    sites,
    sites_zh,
    split_stale,
    total_at_least,
    treated_lesion_ids,
)
from core.rules.orthopaedics import new_neuro_deficit

# Zometa label: withhold for a creatinine rise of >= 0.5 mg/dL (44 umol/L) from a normal
# baseline (< 1.4 mg/dL) or >= 1.0 mg/dL (88 umol/L) from an abnormal one.
CREATININE_NORMAL_BELOW = Decimal("1.4") * Decimal("88.4")
RISE_FROM_NORMAL = Decimal("44")
RISE_FROM_ABNORMAL = Decimal("88")


def rf_mscc(ctx: RuleContext) -> Outcome:
    found = mscc_findings(ctx)
    if found.en:
        ecog, _ = ecog_value(ctx)
        asks = list(found.asks)
        if ecog is not None and ecog >= 3 and ctx.cf.case.ecog_limited_by_lesion is None:
            # Decision "Performance status": the banner asks; "with a new deficit" only when there is
            # one (radiological compression alone, or an old deficit, is asked without it).
            if new_neuro_deficit(ctx.cf):
                asks.append(
                    (
                        f"ECOG {ecog} with a new neurological deficit: is performance limited by the lesion itself?",
                        f"ECOG {ecog}分伴新发神经功能缺损：体能受限是否由病灶本身所致？",
                    )
                )
            else:
                asks.append(
                    (
                        f"ECOG {ecog}: is performance limited by the lesion itself?",
                        f"ECOG {ecog}分：体能受限是否由病灶本身所致？",
                    )
                )
        return fired(
            ["suspected MSCC: " + found.en[0], *found.en[1:], *found.cannot_en],
            ["疑似脊髓压迫：" + found.zh[0], *found.zh[1:], *found.cannot_zh],
            banner=asks,
        )
    if found.cannot_en:
        return fired(
            found.cannot_en,
            found.cannot_zh,
            "emergency",
            cannot_exclude=True,
            text=(
                "Cannot exclude metastatic spinal cord compression — examine and image now (whole-spine MRI within 24 h)",
                "不能排除转移性脊髓压迫——立即查体并完善影像（24小时内全脊柱MRI）",
            ),
            banner=found.asks,
        )
    if found.neuro_before_op:
        # Never silent: only pre-operative neurology is recorded; the banner asks for it
        # (an emergency rule's "needs data" is shown in the banner, safety rule 1).
        return needs("post-operative neurological assessment", *found.missing)
    if found.superseded:
        return not_fired("; ".join(en for en, _ in found.superseded), "；".join(zh for _, zh in found.superseded))
    return found.outcome()


SPINAL_PAIN_SIGN_TEXT: dict[str, tuple[str, str]] = {
    "progressive_spinal_pain": ("progressive spinal pain", "进行性脊柱疼痛"),
    "pain_on_straining": ("pain on straining", "用力时疼痛"),
    "night_pain": ("night pain", "夜间痛"),
    "localised_tenderness": ("localised tenderness", "局部压痛"),
}


def rf_spine_pain(ctx: RuleContext) -> Outcome:
    case = ctx.cf.case
    stale = ctx.stale.get("spinal_pain_signs")
    if not case.spinal_pain_signs and stale is not None:
        signs = [SPINAL_PAIN_SIGN_TEXT[s.value] for s in ctx.case_file.case.spinal_pain_signs]
        return fired(
            f"spinal-pain features ({', '.join(en for en, _ in signs)}) recorded {stale.age_days} days ago: re-assess",
            f"{stale.age_days}天前记录的脊柱疼痛特征（{'、'.join(zh for _, zh in signs)}）：请重新评估",
            cannot_exclude=True,
            text=(
                "Cannot exclude pain suggesting spinal metastases — re-assess; whole-spine MRI within 1 week if present",
                "不能排除提示脊柱转移的疼痛——请重新评估；如存在，1周内完成全脊柱MRI",
            ),
        )
    if not case.spinal_pain_signs:
        return not_fired("no spinal pain features recorded", "未记录脊柱疼痛特征")
    if neuro_signs(ctx.cf) or new_frankel_deficit(ctx.cf):
        return not_fired("neurological features present: see RF-MSCC", "存在神经系统表现：见RF-MSCC")
    return fired(
        [SPINAL_PAIN_SIGN_TEXT[s.value][0] for s in case.spinal_pain_signs] + ["no neurological features"],
        [SPINAL_PAIN_SIGN_TEXT[s.value][1] for s in case.spinal_pain_signs] + ["无神经系统表现"],
    )


def _lesion_score_flag(ctx: RuleContext, score_id: str, limit: int, what: tuple[str, str]) -> Outcome:
    """Fired on fresh findings; on findings older than the lesion findings window only "cannot
    exclude", naming the value and its age (safety rule 2)."""
    hits, missing = scored(ctx, score_id, total_at_least(limit))
    fresh, stale = split_stale(hits)
    if fresh:
        return fired(labels(hits), labels_zh(hits))
    if stale:
        return fired(
            labels(stale),
            labels_zh(stale),
            cannot_exclude=True,
            text=(
                f"Cannot exclude {what[0]} — findings older than {ctx.policy.lesion_findings_window_days} days: re-image now",
                f"不能排除{what[1]}——病灶资料超过{ctx.policy.lesion_findings_window_days}天：请立即复查影像",
            ),
        )
    return needs(*missing) if missing else not_fired()


def rf_unstable(ctx: RuleContext) -> Outcome:
    return _lesion_score_flag(ctx, "sins", 13, ("spinal instability (SINS ≥ 13)", "脊柱不稳（SINS≥13分）"))


def rf_impending(ctx: RuleContext) -> Outcome:
    return _lesion_score_flag(ctx, "mirels", 9, ("an impending fracture (Mirels ≥ 9)", "即将发生骨折（Mirels≥9分）"))


def rf_fracture(ctx: RuleContext) -> Outcome:
    treated = treated_lesion_ids(ctx)
    open_fractures = [
        lesion
        for lesion in ctx.cf.lesions
        if lesion.pathological_fracture and not lesion.fracture_fixed and lesion.lesion_id not in treated
    ]
    if not open_fractures:
        return not_fired()
    return fired(
        f"pathological fracture at {sites(open_fractures)}, not fixed",
        f"{sites_zh(open_fractures)}病理性骨折，未固定",
    )


def hypercalcaemia_level(ctx: RuleContext) -> tuple[Urgency | None, str, str, list[str]]:
    """(urgency or None, reason en, reason zh, missing) for RF-HYPERCA and EMERG-HYPERCA (only a
    confirmed grade; "cannot exclude" is RF-HYPERCA's, see ``core.rules.calcium``)."""
    verdict = evaluate_calcium(ctx)
    if verdict.cannot_exclude:
        return None, "; ".join(verdict.en), "；".join(verdict.zh), []
    return verdict.urgency, "; ".join(verdict.en), "；".join(verdict.zh), verdict.missing


def rf_hyperca(ctx: RuleContext) -> Outcome:
    verdict = evaluate_calcium(ctx)
    if verdict.urgency is not None:
        return fired(
            verdict.en,
            verdict.zh,
            verdict.urgency,
            cannot_exclude=verdict.cannot_exclude,
            banner=verdict.banner,
            text=CANNOT_EXCLUDE_HYPER if verdict.cannot_exclude else None,
        )
    if verdict.missing:
        return needs(*verdict.missing)
    return not_fired("; ".join(verdict.en), "；".join(verdict.zh))


CANNOT_EXCLUDE_HYPER = (
    "Cannot exclude hypercalcaemia — measure calcium with albumin (or ionised calcium) now",
    "不能排除高钙血症——请立即检测血钙及白蛋白（或离子钙）",
)
CANNOT_EXCLUDE_HYPO = (
    "Cannot exclude hypocalcaemia — measure calcium with albumin (or ionised calcium) now",
    "不能排除低钙血症——请立即检测血钙及白蛋白（或离子钙）",
)


def rf_hypoca(ctx: RuleContext) -> Outcome:
    verdict = evaluate_calcium(ctx, hypo=True)
    if verdict.urgency is None:
        if verdict.missing:
            return needs(*verdict.missing)
        sym_en, sym_zh = symptoms(ctx, hypo=True)
        if sym_en and verdict.en:
            return not_fired(
                f"{verdict.en[0]} is not low: the recorded " + ", ".join(sym_en) + " need another explanation",
                f"{verdict.zh[0]}不低：所记录的" + "、".join(sym_zh) + "需另寻原因",
            )
        return not_fired("; ".join(verdict.en), "；".join(verdict.zh))
    en, zh = list(verdict.en), list(verdict.zh)
    if verdict.urgency == "urgent" and not verdict.cannot_exclude:
        if on_denosumab(ctx):
            en.append("on denosumab")
            zh.append("正在使用地舒单抗（地诺单抗）")
        clearance = crcl(ctx)
        if clearance is not None and clearance < 30:
            en.append(f"CrCl {one_decimal(clearance)} mL/min")
            zh.append(f"肌酐清除率 {one_decimal(clearance)} mL/min")
    return fired(
        en,
        zh,
        verdict.urgency,
        cannot_exclude=verdict.cannot_exclude,
        banner=verdict.banner,
        text=CANNOT_EXCLUDE_HYPO if verdict.cannot_exclude else None,
    )


def rf_bma_renal(ctx: RuleContext) -> Outcome:
    treatments = on_zoledronic(ctx)
    if not treatments:
        return not_fired("not on zoledronic acid", "未使用唑来膦酸")
    start = min(t.start_date for t in treatments)
    creatinines = [r for r in ctx.cf.labs if r.analyte == Analyte.CREATININE and r.taken_on <= ctx.cf.as_of]
    baseline = max((r for r in creatinines if r.taken_on <= start), key=lambda r: r.taken_on, default=None)
    newest = newest_lab(ctx.cf, Analyte.CREATININE)
    latest = lab(ctx, Analyte.CREATININE)
    # A creatinine older than its window is stale: a rise it shows is "cannot exclude", never ignored.
    stale = newest if latest is None and newest is not None else None
    missing = []
    if baseline is None:
        missing.append("creatinine baseline (on or before the first zoledronic acid dose)")
    after = latest or stale
    if after is None or (baseline is not None and after.taken_on <= baseline.taken_on):
        missing.append("creatinine after starting zoledronic acid")
    if missing:
        return needs(*missing)
    assert baseline is not None
    assert after is not None
    rise = after.value - baseline.value
    normal = baseline.value < CREATININE_NORMAL_BELOW
    limit = RISE_FROM_NORMAL if normal else RISE_FROM_ABNORMAL
    en = (
        f"creatinine {fmt(baseline.value)} → {fmt(after.value)} µmol/L (rise {fmt(rise)}; "
        f"limit {limit} from a{' normal' if normal else 'n abnormal'} baseline)"
    )
    zh = f"肌酐 {fmt(baseline.value)} → {fmt(after.value)} µmol/L（升高 {fmt(rise)}；阈值 {limit}）"
    if stale is not None:
        if rise < limit:
            return needs("creatinine after starting zoledronic acid")
        age = (ctx.cf.as_of - stale.taken_on).days
        return fired(
            f"{en}; the latest creatinine, {stale.taken_on.isoformat()}, is {age} days old: re-measure before the next dose",
            f"{zh}；最近一次肌酐（{stale.taken_on.isoformat()}）距今{age}天：下次给药前请复查",
            cannot_exclude=True,
            text=(
                "Cannot exclude a creatinine rise on zoledronic acid — re-measure creatinine before the next dose; "
                "withhold it until then",
                "不能排除唑来膦酸相关肌酐升高——下次给药前请复查肌酐；复查前暂停给药",
            ),
        )
    if rise >= limit:
        return fired(en, zh)
    return not_fired(en, zh)


def rf_onj_aff(ctx: RuleContext) -> Outcome:
    treatments = on_bma(ctx)
    if not treatments:
        return not_fired("not on a bone-modifying agent", "未使用骨改良药物")
    if ctx.cf.case.jaw_or_thigh_symptoms:
        name = treatments[0].name
        return fired(
            f"on {name} with jaw symptoms or thigh/groin pain",
            f"使用{name}期间出现颌骨症状或大腿/腹股沟疼痛",
        )
    return not_fired()


def rf_pain(ctx: RuleContext) -> Outcome:
    nrs = ctx.cf.case.nrs
    stale = ctx.stale.get("nrs")
    if nrs is None and stale is not None and int(stale.value) >= 7:
        return fired(
            f"NRS {stale.value} recorded {stale.age_days} days ago (older than {stale.window_days} days): re-assess pain",
            f"{stale.age_days}天前记录NRS {stale.value}分（超过{stale.window_days}天）：请重新评估疼痛",
            cannot_exclude=True,
            text=("Cannot exclude uncontrolled pain — re-assess pain (NRS) now", "不能排除疼痛未控制——请立即重新评估疼痛（NRS）"),
        )
    if nrs is None:
        return needs("nrs")
    if nrs >= 7:
        return fired(f"NRS {nrs}", f"NRS {nrs}分")
    return not_fired(f"NRS {nrs}", f"NRS {nrs}分")


SPECIALTY = "red_flag"

RULES: tuple[Rule, ...] = (
    Rule(
        id="RF-MSCC",
        specialty=SPECIALTY,
        urgency="emergency",
        precedence=NEUROLOGY,
        text_en="Suspected metastatic spinal cord compression: notify the MSCC coordinator / "
        "on-call team now; whole-spine MRI within 24 h",
        text_zh="疑似转移性脊髓压迫：立即通知MSCC协调员/值班团队；24小时内完成全脊柱MRI",
        rationale_en="Neurological outcome depends on treatment before function is lost.",
        rationale_zh="神经功能预后取决于功能丧失前的及时治疗。",
        source="NICE NG234 (2023); lecture",
        condition=rf_mscc,
    ),
    Rule(
        id="RF-SPINE-PAIN",
        specialty=SPECIALTY,
        urgency="urgent",
        precedence=NEUROLOGY,
        text_en="Pain suggesting spinal metastases: whole-spine MRI within 1 week",
        text_zh="提示脊柱转移的疼痛：1周内完成全脊柱MRI",
        rationale_en="Spinal pain often precedes cord compression.",
        rationale_zh="脊柱疼痛常先于脊髓压迫出现。",
        source="NICE CG75 / NG234",
        condition=rf_spine_pain,
    ),
    Rule(
        id="RF-UNSTABLE",
        specialty=SPECIALTY,
        urgency="urgent",
        precedence=STABILITY,
        text_en="Spinal instability (SINS ≥ 13): spinal precautions and surgical opinion",
        text_zh="脊柱不稳定（SINS ≥13）：采取脊柱保护措施（轴线翻身、避免扭转屈曲，必要时支具）并请外科会诊",
        rationale_en="SINS 13–18 indicates instability; stabilisation usually indicated.",
        rationale_zh="SINS 13–18分提示脊柱不稳定，通常需行固定手术。",
        source="Fisher 2010 (SOSG)",
        condition=rf_unstable,
    ),
    Rule(
        id="RF-IMPENDING",
        specialty=SPECIALTY,
        urgency="urgent",
        precedence=STABILITY,
        text_en="Impending pathological fracture (Mirels ≥ 9)",
        text_zh="即将发生病理性骨折（Mirels ≥9）",
        rationale_en="Mirels ≥ 9 carries ≥ 33% fracture risk at 6 months.",
        rationale_zh="Mirels ≥9分者6个月内骨折风险≥33%。",
        source="Mirels 1989",
        condition=rf_impending,
    ),
    Rule(
        id="RF-FRACTURE",
        specialty=SPECIALTY,
        urgency="urgent",
        precedence=STABILITY,
        text_en="Pathological fracture not yet fixed",
        text_zh="病理性骨折尚未固定",
        rationale_en="Fixation within 24–48 h when fit restores function and relieves pain.",
        rationale_zh="身体条件允许时24–48小时内固定可恢复功能、缓解疼痛。",
        source="lecture; BOA 2015",
        condition=rf_fracture,
    ),
    Rule(
        id="RF-HYPERCA",
        specialty=SPECIALTY,
        urgency="urgent",
        text_en="Hypercalcaemia",
        text_zh="高钙血症",
        rationale_en="Corrected Ca > 3.50 (or > 3.10, CTCAE ≥ 3) or symptoms: emergency; "
        "3.00–3.10: urgent; 2.61–2.99: routine review.",
        rationale_zh="校正血钙>3.50（或>3.10，CTCAE≥3级）或有症状：危急（即刻处理）；3.00–3.10：尽快（本周内）；2.61–2.99：常规复查。",
        source="Society for Endocrinology 2016; CTCAE v5.0",
        condition=rf_hyperca,
    ),
    Rule(
        id="RF-HYPOCA",
        specialty=SPECIALTY,
        urgency="urgent",
        text_en="Hypocalcaemia (above all on denosumab or with CrCl < 30)",
        text_zh="低钙血症（尤其是使用地舒单抗（地诺单抗）或肌酐清除率<30时）",
        rationale_en="Corrected Ca < 1.75, or symptoms (tetany, seizures, long QT) with a low "
        "calcium (< 2.20) or none measured: emergency; 1.75–1.99: urgent.",
        rationale_zh="校正血钙<1.75，或有症状（手足搐搦、癫痫发作、QT间期延长）且血钙偏低（<2.20）"
        "或未检测：危急（即刻处理）；1.75–1.99：尽快（本周内）。",
        source="Xgeva label; SfE",
        condition=rf_hypoca,
    ),
    Rule(
        id="RF-FEBRILE-NEUTROPENIA",
        specialty=SPECIALTY,
        urgency="emergency",
        text_en="Febrile neutropenia",
        text_zh="发热性中性粒细胞减少",
        rationale_en="Neutrophils < 0.5 ×10⁹/L (or < 1.0 and falling) with fever ≥ 38 °C.",
        rationale_zh="中性粒细胞<0.5×10⁹/L（或<1.0且呈下降趋势）伴发热≥38 °C。",
        source="lecture; ESMO febrile neutropenia",
        condition=febrile_neutropenia,
    ),
    Rule(
        id="RF-BLEED",
        specialty=SPECIALTY,
        urgency="emergency",
        text_en="Bleeding risk: platelets < 20 ×10⁹/L or active bleeding; no surgery or intervention below 50 ×10⁹/L",
        text_zh="出血风险：血小板<20×10⁹/L或活动性出血；血小板<50×10⁹/L时不宜手术或介入操作",
        rationale_en="Severe thrombocytopenia risks spontaneous haemorrhage.",
        rationale_zh="重度血小板减少有自发出血风险。",
        source="lecture",
        condition=bleed,
    ),
    Rule(
        id="RF-MARROW",
        specialty=SPECIALTY,
        urgency="urgent",
        text_en="Bone-marrow suppression",
        text_zh="骨髓抑制",
        rationale_en="Neutrophils < 1.0, platelets < 50 ×10⁹/L or Hb < 80 g/L.",
        rationale_zh="中性粒细胞<1.0、血小板<50×10⁹/L或血红蛋白<80 g/L。",
        source="lecture",
        condition=marrow,
    ),
    Rule(
        id="RF-BMA-RENAL",
        specialty=SPECIALTY,
        urgency="urgent",
        text_en="Withhold zoledronic acid until creatinine is within 10 % of baseline",
        text_zh="暂停唑来膦酸，直至肌酐恢复至基线的10%以内",
        rationale_en="Label: rise ≥ 44 µmol/L from a normal or ≥ 88 µmol/L from an abnormal baseline.",
        rationale_zh="说明书：基线正常者升高≥44 µmol/L，基线异常者升高≥88 µmol/L。",
        source="Zometa label",
        condition=rf_bma_renal,
    ),
    Rule(
        id="RF-ONJ-AFF",
        specialty=SPECIALTY,
        urgency="urgent",
        text_en="Review for osteonecrosis of the jaw / atypical femoral fracture",
        text_zh="评估颌骨坏死/非典型股骨骨折",
        rationale_en="Known complications of bone-modifying agents.",
        rationale_zh="骨改良药物的已知并发症。",
        source="MASCC/ISOO/ASCO 2019; labels",
        condition=rf_onj_aff,
    ),
    Rule(
        id="RF-PAIN",
        specialty=SPECIALTY,
        urgency="urgent",
        text_en="Uncontrolled pain (NRS ≥ 7)",
        text_zh="疼痛未控制（NRS ≥7）",
        rationale_en="Severe pain needs titration this week; target NRS ≤ 3.",
        rationale_zh="重度疼痛需本周内滴定；目标NRS ≤3。",
        source="NHC 2018; lecture",
        condition=rf_pain,
    ),
)
