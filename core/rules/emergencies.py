"""Emergency actions (RULES.md "Emergencies (actions)"); the dexamethasone dose is a policy."""

from __future__ import annotations

from core.models import Histology, PrimaryTumour
from core.rules.base import (
    NEUROLOGY,
    Fired,
    Outcome,
    Rule,
    RuleContext,
    Urgency,
    fired,
    has_neuro_deficit,
    mscc_findings,
    needs,
    not_fired,
)
from core.rules.red_flags import bleed, febrile_neutropenia, hypercalcaemia_level, marrow

MAYBE_LYMPHOMA = (PrimaryTumour.LYMPHOMA, PrimaryTumour.UNKNOWN)


def emerg_mscc(ctx: RuleContext) -> Outcome:
    found = mscc_findings(ctx)
    if not found.en:
        return needs(*found.missing) if found.missing else not_fired()
    policy, case = ctx.policy, ctx.cf.case
    en = ["RF-MSCC: " + "; ".join(found.en)]
    zh = ["RF-MSCC：" + "；".join(found.zh)]
    if has_neuro_deficit(ctx.cf):
        en.append(f"neurological symptoms/signs: dexamethasone {policy.dexamethasone_mscc} now")
        zh.append(f"有神经系统症状/体征：立即给予地塞米松 {policy.dexamethasone_mscc}")
        steroid = "now"
    else:
        en.append(
            "radiological compression without deficit: dexamethasone only for severe pain or on the surgeon's/oncologist's advice"
        )
        zh.append("影像学压迫但无神经功能缺损：仅在剧痛或经外科/肿瘤科医生建议时使用地塞米松")
        steroid = "only_if_severe_pain_or_advised"
    if case.primary_tumour in MAYBE_LYMPHOMA and case.histology in (None, Histology.NOT_CONFIRMED):
        en.append("possible lymphoma without histology: discuss with haematology before steroids")
        zh.append("可能为淋巴瘤且无病理：使用激素前与血液科讨论")
        steroid = "discuss_with_haematology_first"
    return fired(en, zh, dexamethasone=steroid, mri="whole spine within 24 h")


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
    return fired(en, zh, urgency)


def emerg_marrow(ctx: RuleContext) -> Outcome:
    outcomes = {
        "RF-FEBRILE-NEUTROPENIA": febrile_neutropenia(ctx),
        "RF-BLEED": bleed(ctx),
        "RF-MARROW": marrow(ctx),
    }
    hits = {rule_id: o for rule_id, o in outcomes.items() if isinstance(o, Fired)}
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
        text_zh="有神经系统症状或体征时给予地塞米松：{dexamethasone_mscc}；备选 "
        "{dexamethasone_alternative}——影像学压迫而无神经功能缺损者仅在剧痛或经外科/肿瘤科医生建议时"
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
        "仅在双膦酸盐无效或禁忌时用地舒单抗并监测血钙；"
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
