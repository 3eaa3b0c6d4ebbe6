"""Rehabilitation rules (docs/clinical/rules.md "Rehabilitation")."""

from __future__ import annotations

from core.models import Frankel
from core.rules.base import (
    STABILITY,
    Outcome,
    Rule,
    RuleContext,
    fired,
    not_fired,
)
from core.rules.facts import (
    Findings,
    ecog_value,
    scored,
    sites,
    sites_zh,
    total_at_least,
)
from core.rules.treatment_state import fixing_operations, within_weeks

LOWER_LIMB_SITES = ("lower_limb", "peritrochanteric")
# "Spinal precautions" (not immobilisation): log-roll, no twisting or flexion, a brace where indicated.
SPINAL_PRECAUTIONS_ZH = "脊柱保护措施（轴线翻身、避免扭转屈曲，必要时支具）"


def rehab_wb_restrict(ctx: RuleContext) -> Outcome:
    found = Findings()
    mirels, missing_mirels = scored(ctx, "mirels", total_at_least(8))
    for score in mirels:
        if score.inputs.get("site") in LOWER_LIMB_SITES:
            found.add(
                f"{score.label}: weight-bearing restriction and walking aid",
                f"{score.label_zh}：限制负重并使用助行器",
            )
        else:
            found.add(f"{score.label}: lifting restriction", f"{score.label_zh}：限制提重物")
    sins, missing_sins = scored(ctx, "sins", total_at_least(7))
    for score in sins:
        found.add(f"{score.label}: spinal precautions", f"{score.label_zh}：{SPINAL_PRECAUTIONS_ZH}")
    found.missing.extend(missing_mirels + missing_sins)
    return found.outcome()


def rehab_postop(ctx: RuleContext) -> Outcome:
    cf = ctx.case_file
    weeks = ctx.policy.postop_window_weeks
    operated = [t for t in fixing_operations(cf) if within_weeks(cf, t.start_date, weeks)]
    if not operated:
        return not_fired(
            f"no bone or spine operation in the last {weeks} weeks",
            f"近{weeks}周内无骨/脊柱手术",
        )
    return fired(
        [f"{t.name} on {t.start_date.isoformat()}" for t in operated],
        [f"手术：{t.name}（{t.start_date.isoformat()}）" for t in operated],
    )


def rehab_function(ctx: RuleContext) -> Outcome:
    found = Findings()
    ecog, converted = ecog_value(ctx)
    if ecog is None:
        found.missing.append("ecog or kps")
    elif ecog >= 2:
        kps = ctx.cf.case.kps
        via_en, via_zh = (f" (from KPS {kps})", f"（由KPS {kps}分换算）") if converted else ("", "")
        found.add(f"ECOG {ecog}{via_en}", f"ECOG {ecog}分{via_zh}")
    frankel = ctx.cf.case.frankel
    if frankel is None:
        found.missing.append("frankel")
    elif frankel in (Frankel.C, Frankel.D):
        found.add(f"Frankel {frankel.value}", f"Frankel {frankel.value}级")
    return found.outcome()


def rehab_spine(ctx: RuleContext) -> Outcome:
    spinal = [lesion for lesion in ctx.cf.lesions if lesion.is_spinal]
    if not spinal:
        return not_fired()
    return fired(f"spinal metastasis at {sites(spinal)}", f"{sites_zh(spinal)}脊柱转移")


SPECIALTY = "rehabilitation"

RULES: tuple[Rule, ...] = (
    Rule(
        id="REHAB-WB-RESTRICT",
        specialty=SPECIALTY,
        urgency="urgent",
        precedence=STABILITY,
        text_en="Weight-bearing restriction / spinal precautions until fixed or assessed; "
        "walking aid (upper limb: lifting restriction)",
        text_zh="固定或评估前限制负重/采取脊柱保护措施（轴线翻身、避免扭转屈曲，必要时支具）；使用助行器（上肢：限制提重物）",
        rationale_en="Mirels ≥ 8 in the lower limb, or SINS ≥ 7.",
        rationale_zh="下肢Mirels ≥8分，或SINS ≥7分。",
        source="lecture; Mirels; SINS",
        condition=rehab_wb_restrict,
    ),
    Rule(
        id="REHAB-POSTOP",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Early graded mobilisation; avoid overloading the construct",
        text_zh="早期循序渐进活动；避免内固定过度负荷",
        rationale_en="Within {postop_window_weeks} weeks of a bone or spine operation (not a mastectomy or nephrectomy).",
        rationale_zh="骨/脊柱手术后{postop_window_weeks}周内（乳房或肾切除术不适用）。",
        source="lecture",
        condition=rehab_postop,
    ),
    Rule(
        id="REHAB-FUNCTION",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Functional assessment (ECOG/KPS/Barthel) and a graded programme; aids and home adaptation",
        text_zh="功能评估（ECOG/KPS/Barthel）及分级康复计划；辅助器具和居家改造",
        rationale_en="ECOG ≥ 2 or Frankel C–D.",
        rationale_zh="ECOG ≥2分或Frankel C–D级。",
        source="lecture",
        condition=rehab_function,
    ),
    Rule(
        id="REHAB-SPINE",
        specialty=SPECIALTY,
        urgency="routine",
        text_en="Avoid twisting and flexion; brace where indicated",
        text_zh="避免扭转和屈曲；必要时佩戴支具",
        rationale_en="Spinal metastasis.",
        rationale_zh="脊柱转移。",
        source="lecture",
        condition=rehab_spine,
    ),
)
