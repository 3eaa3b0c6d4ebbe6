"""Follow-up (docs/clinical/rules.md "Follow-up (policy default)") and the schedule it proposes."""

from __future__ import annotations

import calendar
from datetime import date

from core.models import FollowUpKind
from core.policy import Policy
from core.rules.base import (
    Outcome,
    Rule,
    RuleContext,
    fired,
    not_fired,
)
from core.rules.facts import (
    on_denosumab,
    on_zoledronic,
)


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, clamped to the month's last day (31 Jan + 1 -> 28/29 Feb)."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def follow_up_schedule(decided_on: date, policy: Policy | None = None) -> list[tuple[date, FollowUpKind]]:
    """Clinical review and labs every N months in year 1, every M months in year 2 (policy).

    Imaging follows the primary tumour's own guideline and is not scheduled here.
    """
    policy = policy or Policy()
    offsets = list(range(policy.follow_up_year1_months, 13, policy.follow_up_year1_months))
    last = offsets[-1] if offsets else 0
    offsets += list(range(last + policy.follow_up_year2_months, 25, policy.follow_up_year2_months))
    schedule: list[tuple[date, FollowUpKind]] = []
    for months in offsets:
        when = add_months(decided_on, months)
        schedule.append((when, FollowUpKind.CLINICAL_REVIEW))
        schedule.append((when, FollowUpKind.LABS))
    return schedule


def follow_up(ctx: RuleContext) -> Outcome:
    if not ctx.cf.lesions:
        return not_fired("no bone lesion recorded", "未记录骨病灶")
    policy = ctx.policy
    en = [f"every {policy.follow_up_year1_months} months in year 1, every {policy.follow_up_year2_months} months in year 2"]
    zh = [f"第1年每{policy.follow_up_year1_months}个月、第2年每{policy.follow_up_year2_months}个月随访"]
    if on_zoledronic(ctx):
        en.append("on zoledronic acid: creatinine, calcium, phosphate, magnesium before each dose")
        zh.append("使用唑来膦酸：每次给药前查肌酐、血钙、磷、镁")
    if on_denosumab(ctx):
        en.append("on denosumab: calcium (closely in the first weeks and when CrCl < 30)")
        zh.append("使用地舒单抗（地诺单抗）：监测血钙（用药最初几周及肌酐清除率<30时需密切监测）")
    return fired(en, zh)


RULES: tuple[Rule, ...] = (
    Rule(
        id="FOLLOW-UP",
        specialty="follow_up",
        urgency="routine",
        text_en="Every {follow_up_year1_months} months in the first year after the decision, "
        "every {follow_up_year2_months} months in the second year: clinical review (pain, "
        "function, neurology), labs (bone turnover and tumour markers, calcium, creatinine), "
        "imaging by primary. Before each zoledronic acid dose: creatinine, calcium, phosphate, "
        "magnesium; on denosumab: calcium (closely in the first weeks and when CrCl < 30)",
        text_zh="决定后第1年每{follow_up_year1_months}个月、第2年每{follow_up_year2_months}个月随访："
        "临床评估（疼痛、功能、神经功能），实验室检查（骨代谢和肿瘤标志物、血钙、肌酐），按原发肿瘤"
        "安排影像学检查。每次唑来膦酸给药前查肌酐、血钙、磷、镁；使用地舒单抗（地诺单抗）时监测血钙（最初几周及"
        "肌酐清除率<30时需密切监测）",
        rationale_en="Department policy (a convention, not a validated rule).",
        rationale_zh="科室政策（惯例，非经验证的规则）。",
        source="lecture; department policy",
        condition=follow_up,
    ),
)
