"""Specialty recommendation rules, red flags and emergencies as data (docs/clinical/rules.md).

``evaluate_rules(cf, scores, policy)`` runs every row of ``RULES`` over one case and returns a
``RuleReport``: the rules that fired (emergency -> urgent -> routine, then the precedence of
docs/clinical/rules.md: neurology, stability, NOMS, the rest, prognosis context last), those that need data
(with what is missing), those that did not fire, the red flags, the named conflicts and the
highest urgency. Pure: no I/O, no clock; the case's ``as_of`` is "today".
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict

from core.derive import CaseScores, derive_scores, site_text
from core.derive.clock import performance_conflict
from core.models import CaseFile
from core.policy import Policy
from core.rules import (
    emergencies,
    follow_up,
    noms,
    oncology,
    orthopaedics,
    pain,
    radiotherapy,
    red_flags,
    rehabilitation,
)
from core.rules.base import (
    URGENCY_RANK,
    Fired,
    NeedsData,
    NotFired,
    Outcome,
    Rule,
    RuleContext,
    RuleSpecialty,
    Urgency,
    describe_missing,
)
from core.rules.follow_up import follow_up_schedule

RULES: tuple[Rule, ...] = (
    *red_flags.RULES,
    *emergencies.RULES,
    *orthopaedics.RULES,
    *radiotherapy.RULES,
    *noms.RULES,
    *oncology.RULES,
    *pain.RULES,
    *rehabilitation.RULES,
    *follow_up.RULES,
)
RULES_BY_ID = MappingProxyType({rule.id: rule for rule in RULES})
if len(RULES_BY_ID) != len(RULES):  # pragma: no cover - guards the registry itself
    raise RuntimeError("duplicate rule id in core.rules")

# Pairs of suggestions that point different ways; shown side by side when both fire.
CONFLICTS: tuple[tuple[str, str, str, str], ...] = (
    (
        "RT-SBRT",
        "RT-PAIN-SHORT",
        "SBRT (good prognosis) vs a single 8 Gy fraction (short expected survival or Katagiri "
        "high risk): the prognosis estimates disagree",
        "SBRT（预后良好）与8 Gy单次放疗（预计生存期短或Katagiri高危）：预后评估不一致",
    ),
    (
        "ORTHO-CONTRA",
        "ORTHO-SINS-UNSTABLE",
        "Surgery not advised vs surgical stabilisation for SINS ≥ 13",
        "不建议手术与SINS ≥13需手术固定相冲突",
    ),
    (
        "ORTHO-CONTRA",
        "ORTHO-MIRELS-HIGH",
        "Surgery not advised vs prophylactic fixation for Mirels ≥ 9",
        "不建议手术与Mirels ≥9需预防性固定相冲突",
    ),
    (
        "ORTHO-CONTRA",
        "ORTHO-FRACTURE",
        "Surgery not advised vs fixation of a pathological fracture",
        "不建议手术与病理性骨折需固定相冲突",
    ),
    (
        "ORTHO-CONTRA",
        "ORTHO-SINS-CONSULT",
        "Surgery not advised vs a spine-surgery opinion for SINS 7–12",
        "不建议手术与SINS 7–12需脊柱外科会诊相冲突",
    ),
    (
        "ORTHO-CONTRA",
        "ORTHO-MSCC-DECOMPRESS",
        "Surgery not advised vs same-day decompression for cord compression",
        "不建议手术与脊髓压迫当天减压手术相冲突",
    ),
    (
        "ORTHO-CONTRA",
        "ORTHO-CEMENT",
        "Surgery not advised vs vertebral augmentation",
        "不建议手术与椎体强化相冲突",
    ),
    (
        "ORTHO-BIOPSY",
        "ORTHO-FRACTURE",
        "Biopsy before fixation vs early fixation of the fracture",
        "固定前先活检与骨折早期固定相冲突",
    ),
    (
        "RT-RA223",
        "ONC-CRPC",
        "Radium-223 must not be combined with abiraterone + prednisone/prednisolone",
        "镭-223不得与阿比特龙+泼尼松/泼尼松龙联用",
    ),
    (
        "ONC-BMA",
        "RF-HYPOCA",
        "Bone-modifying agent vs uncorrected hypocalcaemia: correct calcium first",
        "骨改良药物与未纠正的低钙血症：应先纠正血钙",
    ),
)


class RuleHit(BaseModel):
    """A fired rule, rendered with the policies and the facts that fired it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_id: str
    specialty: RuleSpecialty
    urgency: Urgency
    precedence: int
    text_en: str
    text_zh: str
    reason_en: str
    reason_zh: str
    rationale_en: str
    rationale_zh: str
    source: str
    detail: dict[str, str]
    # Safety rule 1: not confirmed -- "cannot exclude X — measure now" at ``urgency``.
    cannot_exclude: bool = False
    banner_en: tuple[str, ...] = ()
    banner_zh: tuple[str, ...] = ()


class RuleNeedsData(BaseModel):
    """A rule that cannot be decided. ``missing`` holds the input codes (machine-readable);
    ``missing_en`` / ``missing_zh`` the same items in words, for the board."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_id: str
    specialty: RuleSpecialty
    missing: tuple[str, ...]
    missing_en: tuple[str, ...] = ()
    missing_zh: tuple[str, ...] = ()


class BannerLine(BaseModel):
    """One line of the case's red-flag banner besides the fired red flags themselves: a higher
    grade that cannot be excluded, a question the clinician must answer, or what an emergency
    rule still needs (safety rule 1: "needs data" of emergency rules appear in the banner)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_id: str
    urgency: Urgency
    kind: Literal["cannot_exclude", "ask", "needs_data"]
    text_en: str
    text_zh: str


class Conflict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_ids: tuple[str, str]
    name_en: str
    name_zh: str


class RuleReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    fired: tuple[RuleHit, ...]
    needs_data: tuple[RuleNeedsData, ...]
    not_fired: tuple[str, ...]
    red_flags: tuple[RuleHit, ...]
    conflicts: tuple[Conflict, ...]
    highest_urgency: Urgency | None
    banner: tuple[BannerLine, ...] = ()

    @property
    def cannot_exclude(self) -> tuple[RuleHit, ...]:
        """Red flags raised as "cannot exclude" (unconfirmed; they still set the urgency)."""
        return tuple(h for h in self.red_flags if h.cannot_exclude)

    @property
    def fired_ids(self) -> tuple[str, ...]:
        return tuple(hit.rule_id for hit in self.fired)

    def hit(self, rule_id: str) -> RuleHit | None:
        return next((h for h in self.fired if h.rule_id == rule_id), None)

    def missing_for(self, rule_id: str) -> tuple[str, ...] | None:
        return next((n.missing for n in self.needs_data if n.rule_id == rule_id), None)


def _hit(rule: Rule, outcome: Fired, policy: Policy) -> RuleHit:
    text_en, text_zh = rule.render(policy)
    rationale_en, rationale_zh = rule.render_rationale(policy)
    return RuleHit(
        rule_id=rule.id,
        specialty=rule.specialty,
        urgency=outcome.urgency or rule.urgency,
        precedence=rule.precedence,
        text_en=outcome.text_en or text_en,
        text_zh=outcome.text_zh or text_zh,
        reason_en=outcome.reason_en,
        reason_zh=outcome.reason_zh,
        rationale_en=rationale_en,
        rationale_zh=rationale_zh,
        source=rule.source,
        detail=dict(outcome.detail),
        cannot_exclude=outcome.cannot_exclude,
        banner_en=outcome.banner_en,
        banner_zh=outcome.banner_zh,
    )


def evaluate_rules(cf: CaseFile, scores: CaseScores | None = None, policy: Policy | None = None) -> RuleReport:
    """Evaluate every rule over one case (scores are derived when not given)."""
    policy = policy or Policy()
    scores = scores if scores is not None else derive_scores(cf, policy)
    ctx = RuleContext(cf=cf, scores=scores, policy=policy)
    order = {rule.id: index for index, rule in enumerate(RULES)}
    site_words = {lesion.site_label(): (site_text(lesion), site_text(lesion, "zh")) for lesion in cf.lesions}
    hits: list[RuleHit] = []
    needs: list[RuleNeedsData] = []
    quiet: list[str] = []
    asks: list[BannerLine] = []  # questions of rules that did not fire (NotFired / NeedsData)
    for rule in RULES:
        outcome: Outcome = rule.evaluate(ctx)
        if isinstance(outcome, Fired):
            hits.append(_hit(rule, outcome, policy))
            continue
        for en, zh in zip(outcome.banner_en, outcome.banner_zh, strict=True):
            urgency: Urgency = "urgent" if rule.urgency == "routine" else rule.urgency
            asks.append(BannerLine(rule_id=rule.id, urgency=urgency, kind="ask", text_en=en, text_zh=zh))
        if isinstance(outcome, NeedsData):
            described = [describe_missing(code, site_words) for code in outcome.missing]
            needs.append(
                RuleNeedsData(
                    rule_id=rule.id,
                    specialty=rule.specialty,
                    missing=outcome.missing,
                    missing_en=tuple(en for en, _ in described),
                    missing_zh=tuple(zh for _, zh in described),
                )
            )
        else:
            assert isinstance(outcome, NotFired)
            quiet.append(rule.id)
    hits.sort(key=lambda h: (URGENCY_RANK[h.urgency], h.precedence, order[h.rule_id]))
    fired_ids = {h.rule_id for h in hits}
    conflicts = tuple(
        Conflict(rule_ids=(a, b), name_en=en, name_zh=zh) for a, b, en, zh in CONFLICTS if a in fired_ids and b in fired_ids
    )
    conflicts = conflicts + tuple(_dynamic_conflicts(hits))
    return RuleReport(
        fired=tuple(hits),
        needs_data=tuple(needs),
        not_fired=tuple(quiet),
        red_flags=tuple(h for h in hits if h.rule_id.startswith("RF-")),
        conflicts=conflicts,
        highest_urgency=hits[0].urgency if hits else None,
        banner=_banner(hits, needs, ctx, asks),
    )


def _banner(hits: list[RuleHit], needs: list[RuleNeedsData], ctx: RuleContext, asks: list[BannerLine]) -> tuple[BannerLine, ...]:
    lines: list[BannerLine] = []
    seen: set[str] = set()
    for hit in hits:
        for en, zh in zip(hit.banner_en, hit.banner_zh, strict=True):
            if en in seen:
                continue
            seen.add(en)
            kind: Literal["cannot_exclude", "ask"] = "cannot_exclude" if en.startswith("cannot exclude") else "ask"
            urgency: Urgency = "urgent" if hit.urgency == "routine" else hit.urgency
            lines.append(BannerLine(rule_id=hit.rule_id, urgency=urgency, kind=kind, text_en=en, text_zh=zh))
    for line in asks:  # the same question already asked by a fired rule is not repeated
        if not any(line.text_en.startswith(text) for text in seen):
            seen.add(line.text_en)
            lines.append(line)
    for item in needs:
        if RULES_BY_ID[item.rule_id].urgency != "emergency":
            continue
        en = f"{item.rule_id} needs: " + "; ".join(item.missing_en or item.missing)
        zh = f"{item.rule_id}缺少：" + "；".join(item.missing_zh or item.missing)
        lines.append(BannerLine(rule_id=item.rule_id, urgency="emergency", kind="needs_data", text_en=en, text_zh=zh))
    conflict = performance_conflict(ctx.case_file)
    if conflict is not None:
        later = "KPS" if conflict.winner == "kps" else "ECOG"
        lines.append(
            BannerLine(
                rule_id="ECOG/KPS",
                urgency="urgent",
                kind="ask",
                text_en=f"ECOG {conflict.ecog} ({conflict.ecog_on.isoformat()}) and KPS {conflict.kps} "
                f"({conflict.kps_on.isoformat()}, ≈ ECOG {conflict.kps_as_ecog}) disagree by more than one step: "
                f"the rules read {later}; confirm",
                text_zh=f"ECOG {conflict.ecog}分（{conflict.ecog_on.isoformat()}）与KPS {conflict.kps}分"
                f"（{conflict.kps_on.isoformat()}，约相当于ECOG {conflict.kps_as_ecog}分）相差超过一级："
                f"规则采用{later}；请核实",
            )
        )
    lines.sort(key=lambda line: URGENCY_RANK[line.urgency])
    return tuple(lines)


def banner_lines(report: RuleReport, lang: str = "en") -> list[tuple[str, str]]:
    """``(urgency, text)`` of every banner line in ``lang``, most urgent first (for the board)."""
    return [(line.urgency, line.text_zh if lang == "zh" else line.text_en) for line in report.banner]


# Conflicts that depend on the facts, not only on which rules fired (safety rule 5: a conflict
# shown side by side is also named).
def _dynamic_conflicts(hits: list[RuleHit]) -> list[Conflict]:
    by_id = {h.rule_id: h for h in hits}
    found: list[Conflict] = []
    safety = by_id.get("PAIN-SAFETY")
    for step_id in ("PAIN-STEP1", "PAIN-STEP2", "PAIN-STEP3"):
        step = by_id.get(step_id)
        if step is None or safety is None:
            continue
        names: list[tuple[str, str]] = []
        if step_id == "PAIN-STEP3" and step.detail.get("renal") == "crcl_below_30":
            names.append(
                (
                    "Morphine first line (the ladder's default) vs CrCl < 30: no morphine or codeine; "
                    "oxycodone, hydromorphone or fentanyl, dose-reduced",
                    "吗啡为一线（三阶梯默认）与肌酐清除率<30相冲突：避免吗啡和可待因；改用减量的羟考酮、氢吗啡酮或芬太尼",
                )
            )
        if step_id == "PAIN-STEP2" and step.detail.get("renal") == "crcl_below_30":
            names.append(
                (
                    "Weak opioid (codeine) or low-dose morphine (the ladder's default) vs CrCl < 30: no codeine or "
                    "morphine; low-dose oxycodone or hydromorphone, dose-reduced",
                    "弱阿片类药物（可待因）或低剂量吗啡（阶梯默认）与肌酐清除率<30相冲突：避免可待因和吗啡；"
                    "改用减量的低剂量羟考酮或氢吗啡酮",
                )
            )
        if step.detail.get("nsaid") == "avoid":
            names.append(
                (
                    f"NSAID as the non-opioid (the ladder's default) vs {step.detail.get('no_nsaid_en', '')}: "
                    "avoid NSAIDs; paracetamol",
                    f"以NSAIDs作为非阿片类药物（阶梯默认）与{step.detail.get('no_nsaid_zh', '')}相冲突："
                    "避免NSAIDs；改用对乙酰氨基酚",
                )
            )
        if names:
            found.append(
                Conflict(
                    rule_ids=(step_id, "PAIN-SAFETY"),
                    name_en="; ".join(en for en, _ in names),
                    name_zh="；".join(zh for _, zh in names),
                )
            )
    hyperca, bma = by_id.get("EMERG-HYPERCA"), by_id.get("ONC-BMA")
    if hyperca is not None and bma is not None and hyperca.detail.get("zoledronic") in ("renal_failure", "given_within_7_days"):
        found.append(
            Conflict(
                rule_ids=("EMERG-HYPERCA", "ONC-BMA"),
                name_en="Hypercalcaemia: zoledronic acid contraindicated now vs zoledronic acid for skeletal events",
                name_zh="高钙血症：目前禁用唑来膦酸与预防骨相关事件的唑来膦酸相冲突",
            )
        )
    return found


__all__ = [
    "CONFLICTS",
    "RULES",
    "RULES_BY_ID",
    "BannerLine",
    "Conflict",
    "Fired",
    "NeedsData",
    "NotFired",
    "Rule",
    "RuleContext",
    "RuleHit",
    "RuleNeedsData",
    "RuleReport",
    "banner_lines",
    "evaluate_rules",
    "follow_up_schedule",
]
