"""Emergency actions (docs/clinical/rules.md "Emergencies (actions)"); the dexamethasone dose is a policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from core.derive.clock import newest_lab
from core.models import Analyte, Histology, PrimaryTumour, TreatmentKind
from core.rules.base import (
    NEUROLOGY,
    Fired,
    Outcome,
    Rule,
    RuleContext,
    Urgency,
    fired,
    fmt,
    needs,
    not_fired,
)
from core.rules.blood_counts import bleed, febrile_neutropenia, marrow
from core.rules.calcium import evaluate_calcium
from core.rules.facts import (
    has_neuro_deficit,
    mscc_findings,
    neuro_unassessed,
)
from core.rules.red_flags import hypercalcaemia_level

MAYBE_LYMPHOMA = (PrimaryTumour.LYMPHOMA, PrimaryTumour.UNKNOWN)


def emerg_mscc(ctx: RuleContext) -> Outcome:
    found = mscc_findings(ctx)
    if not found.en:
        if found.cannot_en:
            return not_fired("RF-MSCC cannot be excluded: examine and image first", "不能排除脊髓压迫：先查体并完善影像")
        if found.superseded:
            return not_fired("; ".join(en for en, _ in found.superseded), "；".join(zh for _, zh in found.superseded))
        return needs(*found.missing) if found.missing else not_fired()
    policy, case = ctx.policy, ctx.cf.case
    en = ["RF-MSCC: " + "; ".join(found.en)]
    zh = ["RF-MSCC：" + "；".join(found.zh)]
    maybe_lymphoma = case.primary_tumour in MAYBE_LYMPHOMA and case.histology in (None, Histology.NOT_CONFIRMED)
    if maybe_lymphoma:
        # One instruction, in order (never "now" and "before steroids" in one line).
        en.append("possible lymphoma without histology: discuss with haematology, then decide on steroids")
        zh.append("可能为淋巴瘤且无病理：先与血液科讨论，再决定是否使用激素")
        steroid = "discuss_with_haematology_first"
    elif has_neuro_deficit(ctx.cf):
        en.append(f"neurological symptoms/signs: dexamethasone {policy.dexamethasone_mscc} now")
        zh.append(f"有神经系统症状/体征：立即给予地塞米松 {policy.dexamethasone_mscc_zh}")
        steroid = "now"
    elif neuro_unassessed(ctx.cf):
        # Safety rule 1: unassessed neurology is never read as "no deficit".
        en.append(
            "neurology not assessed: urgent neurological examination now; dexamethasone "
            f"{policy.dexamethasone_mscc} as soon as any deficit is found (without one, only for severe pain "
            "or on the surgeon's/oncologist's advice)"
        )
        zh.append(
            f"未行神经系统评估：请立即行神经系统查体；一旦发现神经功能缺损，立即给予地塞米松 {policy.dexamethasone_mscc_zh}"
            "（无缺损时仅在剧痛或经外科/肿瘤科医生建议时使用）"
        )
        steroid = "after_urgent_neurological_examination"
    else:
        en.append(
            "radiological compression without deficit: dexamethasone only for severe pain or on the surgeon's/oncologist's advice"
        )
        zh.append("影像学压迫但无神经功能缺损：仅在剧痛或经外科/肿瘤科医生建议时使用地塞米松")
        steroid = "only_if_severe_pain_or_advised"
    text = None
    if steroid == "after_urgent_neurological_examination":
        text = (
            "Neurology not assessed: urgent neurological examination now (limb power, sensation and sensory level, "
            f"gait, bladder and bowel); dexamethasone {policy.dexamethasone_mscc} as soon as any deficit is found, "
            f"alternative {policy.dexamethasone_alternative} — without a deficit only for severe pain or "
            "on the surgeon's/oncologist's advice; PPI cover, glucose checks, stop if MSCC is excluded, taper after "
            "surgery or the start of radiotherapy; whole-spine MRI within 24 h; same-day surgical and radiotherapy opinion",
            "未行神经系统评估：请立即行神经系统查体（肢体肌力、感觉及感觉平面、步态、膀胱直肠功能）；一旦发现神经功能缺损，"
            f"立即给予地塞米松 {policy.dexamethasone_mscc_zh}，备选 {policy.dexamethasone_alternative_zh}——无缺损时仅在剧痛或"
            "经外科/肿瘤科医生建议时使用；加用PPI、监测血糖，排除MSCC后停用，手术或放疗开始后逐渐减量；"
            "24小时内完成全脊柱MRI；当天获得外科和放疗科意见",
        )
    if maybe_lymphoma:
        text = (
            "Possible lymphoma without histology: discuss with haematology, then decide on steroids; "
            "whole-spine MRI within 24 h; same-day surgical and radiotherapy opinion (biopsy at decompression)",
            "可能为淋巴瘤且无病理：先与血液科讨论，再决定是否使用激素；24小时内完成全脊柱MRI；"
            "当天获得外科和放疗科意见（减压术中活检）",
        )
    return fired(en, zh, dexamethasone=steroid, mri="whole spine within 24 h", text=text)


HCM_NO_RENAL_ADJUSTMENT_BELOW = Decimal("400")  # Zometa label: SCr < 4.5 mg/dL (400 µmol/L)
ZOLEDRONIC_REPEAT_AFTER = timedelta(days=7)


ZOLEDRONIC_TEXT_TAIL = (
    "zoledronic acid 4 mg over ≥ 15 min (no renal adjustment for hypercalcaemia if creatinine < 400 µmol/L; "
    "not if given in the last 7 days); denosumab only if bisphosphonate-refractory or contraindicated, with "
    "calcium monitoring; stop calcium/vitamin D supplements and thiazides; calcitonin for a rapid short effect",
    "唑来膦酸4 mg静滴≥15分钟（肌酐<400 µmol/L时高钙血症无需按肾功能调整；7天内已用者不再给药）；"
    "仅在双膦酸盐无效或禁忌时用地舒单抗（地诺单抗）并监测血钙；停用钙剂/维生素D及噻嗪类利尿剂；降钙素可快速短效降钙",
)


@dataclass
class ZoledronicCheck:
    """EMERG-HYPERCA's reading of zoledronic acid: a contraindication ("renal_failure" /
    "given_within_7_days" / None), the words naming it, and what must be re-measured first (a
    creatinine or calcium missing or older than the emergency window: safety rule 2)."""

    code: str | None = None
    en: list[str] = field(default_factory=list)
    zh: list[str] = field(default_factory=list)
    remeasure_en: list[str] = field(default_factory=list)
    remeasure_zh: list[str] = field(default_factory=list)


def _zoledronic_check(ctx: RuleContext) -> ZoledronicCheck:
    """Creatinine for an emergency rule: the newest value, any age, judged on the 7-day emergency
    window; a known creatinine >= 400 is named with its age even when stale (never replaced by the
    default dose), a normal one older than 7 days is to be re-measured before dosing."""
    cf = ctx.cf
    window = ctx.policy.lab_emergency_window_days
    check = ZoledronicCheck()
    creatinine = newest_lab(cf, Analyte.CREATININE)
    recent = [
        t
        for t in cf.treatments
        if t.kind == TreatmentKind.BONE_MODIFYING_AGENT
        and any(w in t.name.casefold() for w in ("zoledron", "zometa"))
        and t.start_date <= cf.as_of
        and cf.as_of - t.start_date < ZOLEDRONIC_REPEAT_AFTER
    ]
    age = (cf.as_of - creatinine.taken_on).days if creatinine is not None else 0
    if creatinine is not None and creatinine.value >= HCM_NO_RENAL_ADJUSTMENT_BELOW:
        check.code = "renal_failure"
        if age > window:
            check.en.append(
                f"known renal failure: creatinine {fmt(creatinine.value)} µmol/L ≥ 400 on {creatinine.taken_on.isoformat()} "
                f"({age} days old, older than {window} days) — re-measure creatinine today; zoledronic acid is not given "
                "without renal review — offer denosumab 120 mg SC with calcium monitoring "
                "(consider dialysis for severe hypercalcaemia with renal failure)"
            )
            check.zh.append(
                f"已知肾衰竭：肌酐 {fmt(creatinine.value)} µmol/L ≥400（{creatinine.taken_on.isoformat()}，距今{age}天，"
                f"超过{window}天）——请今日复查肌酐；未经肾脏评估不给予唑来膦酸——改用地舒单抗（地诺单抗）120 mg皮下注射"
                "并监测血钙（重度高钙伴肾衰竭可考虑透析）"
            )
        else:
            check.en.append(
                f"creatinine {fmt(creatinine.value)} µmol/L ≥ 400: zoledronic acid is not given without renal review "
                "(the label's 'no adjustment' holds only below 400) — offer denosumab 120 mg SC with calcium monitoring "
                "(consider dialysis for severe hypercalcaemia with renal failure)"
            )
            check.zh.append(
                f"肌酐 {fmt(creatinine.value)} µmol/L ≥400：未经肾脏评估不给予唑来膦酸（说明书“无需调整”仅适用于<400）"
                "——改用地舒单抗（地诺单抗）120 mg皮下注射并监测血钙（重度高钙伴肾衰竭可考虑透析）"
            )
    if recent:
        check.code = check.code or "given_within_7_days"
        given = max(t.start_date for t in recent)
        check.en.append(
            f"zoledronic acid given on {given.isoformat()} (within 7 days): no repeat dose before "
            f"{(given + ZOLEDRONIC_REPEAT_AFTER).isoformat()} — saline, calcitonin; denosumab if refractory"
        )
        check.zh.append(
            f"{given.isoformat()}已给予唑来膦酸（7天内）：{(given + ZOLEDRONIC_REPEAT_AFTER).isoformat()}前不得重复给药"
            "——补液、降钙素；无效时用地舒单抗（地诺单抗）"
        )
    if creatinine is None:
        check.remeasure_en.append("no creatinine recorded: measure creatinine before dosing zoledronic acid")
        check.remeasure_zh.append("无肌酐结果：给予唑来膦酸前请检测肌酐")
    elif age > window and check.code != "renal_failure":
        check.remeasure_en.append(
            f"creatinine {fmt(creatinine.value)} µmol/L from {creatinine.taken_on.isoformat()} is {age} days old "
            f"(older than {window} days): re-measure creatinine before dosing zoledronic acid"
        )
        check.remeasure_zh.append(
            f"肌酐 {fmt(creatinine.value)} µmol/L（{creatinine.taken_on.isoformat()}）距今{age}天（超过{window}天）："
            "给予唑来膦酸前请复查肌酐"
        )
    reading = evaluate_calcium(ctx).reading
    if reading is not None and reading.age > window:
        check.remeasure_en.append(
            f"the calcium is {reading.age} days old (older than {window} days): re-measure calcium with albumin before treating"
        )
        check.remeasure_zh.append(f"血钙结果距今{reading.age}天（超过{window}天）：治疗前请复查血钙及白蛋白")
    return check


def emerg_hyperca(ctx: RuleContext) -> Outcome:
    urgency, en, zh, missing = hypercalcaemia_level(ctx)
    if urgency is None:
        return needs(*missing) if missing else not_fired(en, zh)
    if urgency == "routine":
        return fired(
            en,
            zh,
            urgency,
            text=(
                "Mild hypercalcaemia without symptoms: hydrate, review drugs (stop calcium/vitamin "
                "D supplements and thiazides), recheck within 1 week",
                "轻度高钙血症且无症状：补液，复核用药（停用钙剂/维生素D及噻嗪类利尿剂），1周内复查",
            ),
        )
    check = _zoledronic_check(ctx)
    why_en, why_zh = [*check.en, *check.remeasure_en], [*check.zh, *check.remeasure_zh]
    if check.code is None:
        if not check.remeasure_en:
            return fired([en, *why_en], [zh, *why_zh], urgency)
        text = (
            "IV 0.9 % saline; " + "; ".join(check.remeasure_en) + "; then " + ZOLEDRONIC_TEXT_TAIL[0],
            "静脉输注0.9%氯化钠；" + "；".join(check.remeasure_zh) + "；随后" + ZOLEDRONIC_TEXT_TAIL[1],
        )
        return fired([en, *why_en], [zh, *why_zh], urgency, text=text)
    text = (
        "IV 0.9 % saline; zoledronic acid NOT now — " + "; ".join(why_en) + "; stop calcium/vitamin D "
        "supplements and thiazides; calcitonin for a rapid short effect",
        "静脉输注0.9%氯化钠；目前不给予唑来膦酸——" + "；".join(why_zh) + "；停用钙剂/维生素D及噻嗪类利尿剂；降钙素可快速短效降钙",
    )
    return fired([en, *why_en], [zh, *why_zh], urgency, text=text, zoledronic=check.code)


def emerg_marrow(ctx: RuleContext) -> Outcome:
    outcomes = {
        "RF-FEBRILE-NEUTROPENIA": febrile_neutropenia(ctx),
        "RF-BLEED": bleed(ctx),
        "RF-MARROW": marrow(ctx),
    }
    # "Cannot exclude" counts only for febrile neutropenia at emergency (the pathway starts while
    # the count is awaited); other unconfirmed counts are measured first.
    hits = {
        rule_id: o
        for rule_id, o in outcomes.items()
        if isinstance(o, Fired) and (not o.cannot_exclude or (rule_id == "RF-FEBRILE-NEUTROPENIA" and o.urgency == "emergency"))
    }
    if not hits:
        missing = [m for o in outcomes.values() if not isinstance(o, Fired) for m in getattr(o, "missing", ())]
        return needs(*missing) if missing else not_fired()
    urgency: Urgency = "urgent" if set(hits) == {"RF-MARROW"} else "emergency"
    return fired(
        [f"{rule_id}: {o.reason_en}" for rule_id, o in hits.items()],
        [f"{rule_id}：{o.reason_zh}" for rule_id, o in hits.items()],
        urgency,
    )


SPECIALTY = "emergency"

RULES: tuple[Rule, ...] = (
    Rule(
        id="EMERG-MSCC",
        specialty=SPECIALTY,
        urgency="emergency",
        precedence=NEUROLOGY,
        text_en="Dexamethasone if neurological symptoms or signs: {dexamethasone_mscc}; "
        "alternative {dexamethasone_alternative} — for radiological compression without deficit "
        "only for severe pain or on the surgeon's/oncologist's advice; if lymphoma is suspected "
        "and there is no histology, discuss with haematology before steroids; PPI cover, glucose "
        "checks, stop if MSCC is excluded, taper after surgery or the start of radiotherapy; "
        "whole-spine MRI within 24 h; same-day surgical and radiotherapy opinion",
        text_zh="有神经系统症状或体征时给予地塞米松：{dexamethasone_mscc_zh}；备选 "
        "{dexamethasone_alternative_zh}——影像学压迫而无神经功能缺损者仅在剧痛或经外科/肿瘤科医生建议时"
        "使用；疑为淋巴瘤且无病理时，用激素前先与血液科讨论；加用PPI、监测血糖，排除MSCC后停用，"
        "手术或放疗开始后逐渐减量；24小时内完成全脊柱MRI；当天获得外科和放疗科意见",
        rationale_en="Steroids reduce cord oedema; outcome depends on treatment before function is lost.",
        rationale_zh="激素可减轻脊髓水肿；预后取决于功能丧失前的及时治疗。",
        source="lecture; NICE NG234",
        condition=emerg_mscc,
    ),
    Rule(
        id="EMERG-HYPERCA",
        specialty=SPECIALTY,
        urgency="emergency",
        text_en="IV 0.9 % saline, then zoledronic acid 4 mg over ≥ 15 min (no renal adjustment "
        "for hypercalcaemia if creatinine < 400 µmol/L; not if given in the last 7 days); "
        "denosumab only if bisphosphonate-refractory or contraindicated, with calcium monitoring; "
        "stop calcium/vitamin D supplements and thiazides; calcitonin for a rapid short effect",
        text_zh="静脉输注0.9%氯化钠，随后唑来膦酸4 mg静滴≥15分钟"
        "（肌酐<400 µmol/L时高钙血症无需按肾功能调整；7天内已用者不再给药）；"
        "仅在双膦酸盐无效或禁忌时用地舒单抗（地诺单抗）并监测血钙；"
        "停用钙剂/维生素D及噻嗪类利尿剂；降钙素可快速短效降钙",
        rationale_en="Corrected Ca ≥ 3.00 mmol/L or symptomatic hypercalcaemia.",
        rationale_zh="校正血钙≥3.00 mmol/L或有症状的高钙血症。",
        source="Zometa label; SfE 2016",
        condition=emerg_hyperca,
    ),
    Rule(
        id="EMERG-MARROW",
        specialty=SPECIALTY,
        urgency="emergency",
        text_en="Febrile-neutropenia pathway / G-CSF / transfusion support; review chemotherapy and radiotherapy plans",
        text_zh="启动发热性粒缺处理流程/G-CSF/输血支持；重新评估化疗和放疗计划",
        rationale_en="RF-FEBRILE-NEUTROPENIA, RF-BLEED or RF-MARROW.",
        rationale_zh="出现发热性中性粒细胞减少、出血或骨髓抑制红旗。",
        source="lecture",
        condition=emerg_marrow,
    ),
)
