"""Shared facts the rule conditions read: neurology and cord-compression findings, labs and the
scores they feed, active treatments, painful lesions and site names (docs/clinical/rules.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from core.derive import (
    DerivedScore,
    lab_record,
    lab_record_zh,
    latest_lab,
    site_text,
)
from core.derive import is_active as treatment_active
from core.models import (
    Analyte,
    BilskyGrade,
    CaseFile,
    Frankel,
    LabResult,
    Lesion,
    NeuroSign,
    PrimaryTumour,
    SpinalPain,
    Treatment,
    TreatmentKind,
)
from core.rules.base import Outcome, RuleContext, Urgency, fired, needs, not_fired
from core.rules.treatment_state import (
    findings_date,
    last_radiotherapy,
    operated_after_findings,
    spinal_decompression_after,
)

NEURO_SIGN_TEXT: dict[NeuroSign, tuple[str, str]] = {
    NeuroSign.LIMB_WEAKNESS: ("limb weakness", "肢体无力"),
    NeuroSign.SENSORY_LEVEL: ("sensory level", "感觉平面"),
    NeuroSign.GAIT_DISTURBANCE: ("gait disturbance", "步态异常"),
    NeuroSign.BLADDER_BOWEL: ("bladder/bowel dysfunction", "膀胱/直肠功能障碍"),
    NeuroSign.SADDLE_ANAESTHESIA: ("saddle anaesthesia", "鞍区麻木"),
    NeuroSign.RADICULAR_PAIN: (
        "radicular or band-like pain with spinal pain",
        "伴脊柱痛的根性或束带样痛",
    ),
}

RADIOSENSITIVE: frozenset[PrimaryTumour] = frozenset(
    {
        PrimaryTumour.LYMPHOMA,
        PrimaryTumour.MYELOMA,
        PrimaryTumour.LUNG_SCLC,
        PrimaryTumour.BREAST,
        PrimaryTumour.PROSTATE,
        PrimaryTumour.OVARY,
        PrimaryTumour.CARCINOID,
    }
)
RADIORESISTANT: frozenset[PrimaryTumour] = frozenset(
    {
        PrimaryTumour.KIDNEY,
        PrimaryTumour.THYROID,
        PrimaryTumour.LIVER,
        PrimaryTumour.COLORECTAL,
        PrimaryTumour.RECTUM,
        PrimaryTumour.LUNG_NSCLC,
        PrimaryTumour.MELANOMA,
        PrimaryTumour.SARCOMA,
    }
)


def has_spinal_pain(cf: CaseFile) -> bool:
    return bool(cf.case.spinal_pain_signs) or any(
        lesion.is_spinal
        and (lesion.painful or lesion.spinal_pain in (SpinalPain.MECHANICAL, SpinalPain.OCCASIONAL_NON_MECHANICAL))
        for lesion in cf.lesions
    )


def neuro_signs(cf: CaseFile) -> list[NeuroSign]:
    """Recorded neurological features of MSCC (radicular pain counts only with spinal pain)."""
    spinal_pain = has_spinal_pain(cf)
    return [sign for sign in cf.case.neuro_signs if sign != NeuroSign.RADICULAR_PAIN or spinal_pain]


def new_frankel_deficit(cf: CaseFile) -> bool:
    """A Frankel A-D that is new -- or whose newness is not recorded: it counts as new until a
    clinician says otherwise (safety rule 1)."""
    case = cf.case
    return case.frankel is not None and case.frankel != Frankel.E and case.frankel_new is not False


def has_neuro_deficit(cf: CaseFile) -> bool:
    """Neurological symptoms or signs: recorded signs, or a Frankel grade below E."""
    frankel = cf.case.frankel
    return bool(neuro_signs(cf)) or (frankel is not None and frankel != Frankel.E)


def neuro_unassessed(cf: CaseFile) -> bool:
    """No neurological examination within its window: not assessed, no signs and no Frankel grade
    (safety rule 1: never read as "no deficit")."""
    case = cf.case
    return not case.neuro_assessed and not case.neuro_signs and case.frankel is None


NEURO_EXAM_ASK = (
    "Neurology not assessed (none in the last 7 days): urgent neurological examination now "
    "(limb power, sensation and sensory level, gait, bladder and bowel, saddle sensation)",
    "未行神经系统评估（近7天内无记录）：请立即行神经系统查体（肢体肌力、感觉及感觉平面、步态、膀胱直肠功能、鞍区感觉）",
)


@dataclass
class Findings:
    """Reasons for and data missing from a compound condition."""

    en: list[str] = field(default_factory=list)
    zh: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # Safety rule 1: triggers that cannot be confirmed (stale), and questions for the banner.
    cannot_en: list[str] = field(default_factory=list)
    cannot_zh: list[str] = field(default_factory=list)
    asks: list[tuple[str, str]] = field(default_factory=list)
    # Findings set aside because a later operation treated them (safety rule 3).
    superseded: list[tuple[str, str]] = field(default_factory=list)
    # The spinal levels whose findings raise it (for "compression at one level").
    levels: list[str] = field(default_factory=list)
    # Neurology recorded before a decompression was set aside: post-operative neurology is asked for.
    neuro_before_op: bool = False

    def add(self, en: str, zh: str) -> None:
        self.en.append(en)
        self.zh.append(zh)

    def cannot(self, en: str, zh: str) -> None:
        self.cannot_en.append(en)
        self.cannot_zh.append(zh)

    def outcome(self, urgency: Urgency | None = None, **detail: object) -> Outcome:
        if self.en:
            return fired(self.en, self.zh, urgency, detail=detail)
        if self.missing:
            return needs(*self.missing)
        return not_fired()


def _neuro_superseded(ctx: RuleContext, field_name: str) -> Treatment | None:
    """A spinal decompression dated on or after the date this neurology describes."""
    return spinal_decompression_after(ctx.case_file, ctx.case_file.observed_on(field_name))


NO_EPIDURAL_DISEASE = frozenset({BilskyGrade.G0, BilskyGrade.G1A})


def other_levels(ctx: RuleContext, op: Treatment) -> list[Lesion]:
    """Spinal lesions the operation did not treat that could still explain neurology recorded
    before it: epidural disease (Bilsky 1b or higher) or its grade not recorded (safety rules 1
    and 3: a decompression sets aside pre-operative neurology only at its own levels)."""
    cf = ctx.case_file
    return [
        lesion
        for lesion in cf.lesions
        if lesion.is_spinal
        and lesion.lesion_id not in op.lesion_ids
        and operated_after_findings(cf, lesion) is None
        and lesion.bilsky not in NO_EPIDURAL_DISEASE
    ]


def _elsewhere(ctx: RuleContext, found: Findings, op: Treatment, what_en: str, what_zh: str) -> bool:
    """Neurology recorded before a decompression while another level may compress: "cannot
    exclude" there and the banner asks for post-operative neurology. True when that applies."""
    others = other_levels(ctx, op)
    if not others:
        return False
    treated = [lesion for lesion in ctx.case_file.lesions if lesion.lesion_id in op.lesion_ids]
    op_en = sites(treated) or "the operated level"
    op_zh = sites_zh(treated) or "手术节段"
    found.cannot(
        f"{what_en} recorded before the {op_en} operation of {op.start_date.isoformat()}; {sites(others)} not operated "
        "(epidural disease or Bilsky grade not recorded): cannot exclude compression there — examine now",
        f"{what_zh}记录于{op.start_date.isoformat()}{op_zh}手术之前；{sites_zh(others)}未手术（存在硬膜外病变或未记录Bilsky分级）："
        "不能排除该处压迫——请立即查体",
    )
    found.asks.append(
        (
            f"Record post-operative neurology: {what_en} was recorded before the {op_en} operation of "
            f"{op.start_date.isoformat()} and {sites(others)} may also compress — urgent neurological examination",
            f"请记录术后神经系统评估：{what_zh}记录于{op.start_date.isoformat()}{op_zh}手术之前，"
            f"且{sites_zh(others)}亦可能造成压迫——请立即行神经系统查体",
        )
    )
    return True


def mscc_findings(ctx: RuleContext) -> Findings:
    """RF-MSCC: neurological features, Bilsky 2-3, or a new Frankel A-D (no lesion needed);
    stale triggers are "cannot exclude"; findings from before a decompression of the level are
    set aside (safety rules 1-3)."""
    cf, recorded = ctx.cf, ctx.case_file
    found = Findings()
    signs = neuro_signs(cf)
    if signs:
        op = _neuro_superseded(ctx, "neuro_signs")
        if op is None:
            for sign in signs:
                en, zh = NEURO_SIGN_TEXT[sign]
                found.add(en, zh)
        elif not _elsewhere(
            ctx,
            found,
            op,
            ", ".join(NEURO_SIGN_TEXT[sign][0] for sign in signs),
            "、".join(NEURO_SIGN_TEXT[sign][1] for sign in signs),
        ):
            found.neuro_before_op = True
            found.superseded.append(
                (
                    f"neurological signs recorded before the operation of {op.start_date.isoformat()}",
                    f"神经系统体征记录于{op.start_date.isoformat()}手术之前",
                )
            )
    elif "neuro_signs" in ctx.stale and _neuro_superseded(ctx, "neuro_signs") is None:
        fact = ctx.stale["neuro_signs"]
        recorded_signs = [NEURO_SIGN_TEXT[sign] for sign in recorded.case.neuro_signs]
        found.cannot(
            f"neurological signs ({', '.join(en for en, _ in recorded_signs)}) recorded {fact.age_days} days ago: examine now",
            f"{fact.age_days}天前记录的神经系统体征（{'、'.join(zh for _, zh in recorded_signs)}）：请立即复查",
        )
    for bilsky in ctx.scores.lesion_scores("bilsky_escc"):
        if bilsky.band != "high_grade":
            continue
        lesion = next((les for les in recorded.lesions if les.lesion_id == bilsky.lesion_id and les.lesion_id is not None), None)
        op = operated_after_findings(recorded, lesion) if lesion is not None else None
        if op is not None:
            found.superseded.append(
                (
                    f"Bilsky {bilsky.inputs['escc_grade']} at {bilsky.site_en} predates the operation of "
                    f"{op.start_date.isoformat()}: judged on post-operative imaging",
                    f"{bilsky.site_zh} Bilsky {bilsky.inputs['escc_grade']}级早于{op.start_date.isoformat()}手术：以术后影像为准",
                )
            )
            continue
        when = findings_date(recorded, lesion) if lesion is not None else None
        age = (recorded.as_of - when).days if when is not None else 0
        if age > ctx.policy.lesion_findings_window_days:
            found.cannot(
                f"Bilsky {bilsky.inputs['escc_grade']} at {bilsky.site_en} from imaging {age} days old: re-image now",
                f"{bilsky.site_zh} Bilsky {bilsky.inputs['escc_grade']}级，影像距今{age}天：请立即复查影像",
            )
            continue
        found.add(
            f"Bilsky {bilsky.inputs['escc_grade']} at {bilsky.site_en}",
            f"{bilsky.site_zh} Bilsky {bilsky.inputs['escc_grade']}级",
        )
        found.levels.append(bilsky.site)
    case = cf.case
    if new_frankel_deficit(cf):
        assert case.frankel is not None
        op = _neuro_superseded(ctx, "frankel")
        if op is not None and _elsewhere(ctx, found, op, f"Frankel {case.frankel.value}", f"Frankel {case.frankel.value}级"):
            pass  # "cannot exclude" at the levels the operation did not treat
        elif op is not None:
            found.neuro_before_op = True
            found.superseded.append(
                (
                    f"Frankel {case.frankel.value} recorded before the operation of {op.start_date.isoformat()}",
                    f"Frankel {case.frankel.value}级记录于{op.start_date.isoformat()}手术之前",
                )
            )
        elif case.frankel_new is None:
            found.add(
                f"Frankel {case.frankel.value} (newness not recorded: counted as new)",
                f"Frankel {case.frankel.value}级（未记录是否新发：按新发处理）",
            )
            found.asks.append(
                (
                    f"Is the Frankel {case.frankel.value} deficit new? Counted as new until a clinician records otherwise",
                    f"Frankel {case.frankel.value}级功能障碍是否为新发？在医生记录前按新发处理",
                )
            )
        else:
            found.add(f"new Frankel {case.frankel.value}", f"新发Frankel {case.frankel.value}级")
    elif "frankel" in ctx.stale and ctx.stale["frankel"].value != "E" and _neuro_superseded(ctx, "frankel") is None:
        fact = ctx.stale["frankel"]
        found.cannot(
            f"Frankel {fact.value} recorded {fact.age_days} days ago: examine now",
            f"{fact.age_days}天前记录Frankel {fact.value}级：请立即复查",
        )
    if found.superseded and not found.en:
        found.superseded.append(("record post-operative neurology", "请记录术后神经系统评估"))
    elif not case.neuro_assessed and not case.neuro_signs:
        found.missing.append("neurological assessment (neuro_assessed)")
    if found.neuro_before_op and case.neuro_assessed and _neuro_superseded(ctx, "neuro_assessed") is None:
        found.neuro_before_op = False  # examined after the operation
    if (found.en or found.cannot_en) and neuro_unassessed(cf):
        found.asks.append(NEURO_EXAM_ASK)
    for bilsky in ctx.scores.lesion_scores("bilsky_escc"):
        if not bilsky.complete:
            found.missing.append(f"escc_grade ({bilsky.site})")
    return found


def lab(ctx: RuleContext, analyte: Analyte) -> LabResult | None:
    return latest_lab(ctx.cf, analyte, ctx.policy)


def lab_text(ctx: RuleContext, result: LabResult) -> str:
    return lab_record(result, ctx.cf.as_of)


def lab_text_zh(ctx: RuleContext, result: LabResult) -> str:
    return lab_record_zh(result, ctx.cf.as_of)


def corrected_calcium(ctx: RuleContext) -> Decimal | None:
    score = ctx.scores.patient.get("corrected_calcium")
    if score is None or not score.complete or score.total is None:
        return None
    return Decimal(score.total)


def crcl(ctx: RuleContext) -> Decimal | None:
    score = ctx.scores.patient.get("zoledronic_acid_dose")
    if score is None or not score.complete or score.total is None:
        return None
    return Decimal(score.total)


def survival_weeks(ctx: RuleContext) -> int | None:
    """Expected survival in weeks (docs/clinical/rules.md safety rule 7: cut-offs 4, 13 and 26 weeks)."""
    return ctx.cf.case.expected_survival_weeks


def katagiri_band(ctx: RuleContext) -> str | None:
    score = ctx.scores.patient.get("katagiri_new")
    return score.band if score is not None and score.complete else None


def ecog_value(ctx: RuleContext) -> tuple[int | None, bool]:
    """(ECOG, converted from KPS?) using the conventional crosswalk when only KPS exists."""
    case = ctx.cf.case
    if case.ecog is not None:
        return case.ecog, False
    if case.kps is None:
        return None, False
    kps = case.kps
    if kps == 0:
        return 5, True
    return {10: 0, 9: 0, 8: 1, 7: 1, 6: 2, 5: 2, 4: 3, 3: 3, 2: 4, 1: 4}[kps // 10], True


def is_active(treatment: Treatment, ctx: RuleContext) -> bool:
    return treatment_active(treatment, ctx.cf.as_of)


def active_treatments(ctx: RuleContext, kind: TreatmentKind, words: tuple[str, ...] = ()) -> list[Treatment]:
    return [
        t
        for t in ctx.cf.treatments
        if t.kind == kind and is_active(t, ctx) and (not words or any(w in t.name.casefold() for w in words))
    ]


def on_zoledronic(ctx: RuleContext) -> list[Treatment]:
    return active_treatments(ctx, TreatmentKind.BONE_MODIFYING_AGENT, ("zoledron", "zometa"))


def on_denosumab(ctx: RuleContext) -> list[Treatment]:
    return active_treatments(ctx, TreatmentKind.BONE_MODIFYING_AGENT, ("denosumab", "xgeva"))


def on_bma(ctx: RuleContext) -> list[Treatment]:
    return active_treatments(ctx, TreatmentKind.BONE_MODIFYING_AGENT)


def is_painful(lesion: Lesion) -> bool:
    return (
        lesion.painful
        or lesion.spinal_pain in (SpinalPain.MECHANICAL, SpinalPain.OCCASIONAL_NON_MECHANICAL)
        or lesion.limb_pain is not None
    )


def painful_lesions(ctx: RuleContext) -> list[Lesion]:
    return [lesion for lesion in ctx.cf.lesions if is_painful(lesion)]


def painful_unirradiated(ctx: RuleContext) -> tuple[list[Lesion], list[Lesion]]:
    """Painful lesions split into those not yet irradiated (first radiotherapy to suggest) and those
    irradiated already (safety rule 3: a treated lesion is not offered the same treatment again;
    pain persisting there is RT-REIRR's, after its interval)."""
    fresh: list[Lesion] = []
    treated: list[Lesion] = []
    for lesion in painful_lesions(ctx):
        (treated if last_radiotherapy(ctx.cf, lesion) is not None else fresh).append(lesion)
    return fresh, treated


def sites(lesions: Iterable[Lesion]) -> str:
    """The sites in words, English (``T9, left femur shaft``)."""
    return ", ".join(site_text(lesion) for lesion in lesions)


def sites_zh(lesions: Iterable[Lesion]) -> str:
    """The sites in words, Chinese (``T9、左股骨骨干``)."""
    return "、".join(site_text(lesion, "zh") for lesion in lesions)


def site_en(lesion: Lesion) -> str:
    return site_text(lesion)


def site_zh(lesion: Lesion) -> str:
    return site_text(lesion, "zh")


def scored(ctx: RuleContext, score_id: str, test: Callable[[DerivedScore], bool]) -> tuple[list[DerivedScore], list[str]]:
    """Per-lesion scores meeting ``test`` and the inputs missing from incomplete ones. A lesion
    operated on after its findings is judged on post-operative findings (safety rule 3): its
    pre-operative score is left out."""
    hits: list[DerivedScore] = []
    missing: list[str] = []
    treated = treated_lesion_ids(ctx)
    for score in ctx.scores.lesion_scores(score_id):
        if score.lesion_id is not None and score.lesion_id in treated:
            continue
        if not score.applicable:
            continue  # e.g. Mirels on a bone already fractured (docs/clinical/scores.md §1)
        if score.complete:
            if test(score):
                age = findings_age_days(ctx, score)
                if age is not None and age > ctx.policy.lesion_findings_window_days:
                    # Safety rule 2: findings older than the window are named with their age.
                    score = score.model_copy(update={"findings_stale_days": age})
                hits.append(score)
        else:
            missing.extend(f"{score_id}.{name} ({score.site})" for name in score.missing)
    return hits, missing


def findings_age_days(ctx: RuleContext, score: DerivedScore) -> int | None:
    """Age in days of the findings a lesion score was computed on (None: undated)."""
    cf = ctx.case_file
    lesion = next((les for les in cf.lesions if les.lesion_id is not None and les.lesion_id == score.lesion_id), None)
    when = findings_date(cf, lesion) if lesion is not None else None
    return (cf.as_of - when).days if when is not None else None


def split_stale(scores: Iterable[DerivedScore]) -> tuple[list[DerivedScore], list[DerivedScore]]:
    """(fresh, stale) lesion scores as ``scored`` marked them (safety rule 2)."""
    items = list(scores)
    return [s for s in items if not s.findings_stale_days], [s for s in items if s.findings_stale_days]


def total_at_least(limit: int) -> Callable[[DerivedScore], bool]:
    return lambda s: s.total is not None and s.total >= limit


def total_between(low: int, high: int) -> Callable[[DerivedScore], bool]:
    return lambda s: s.total is not None and low <= s.total <= high


def labels(scores: Iterable[DerivedScore]) -> str:
    return "; ".join(score.label for score in scores)


def labels_zh(scores: Iterable[DerivedScore]) -> str:
    return "；".join(score.label_zh for score in scores)


def surgery_records(ctx: RuleContext) -> list[Treatment]:
    """Bone or spine operations linked to a lesion (safety rule 3: never a mastectomy)."""
    return [t for t in ctx.cf.treatments if t.skeletal_surgery and t.start_date <= ctx.cf.as_of]


def treated_lesion_ids(ctx: RuleContext) -> set[int]:
    """Lesions operated on (fixed, stabilised, decompressed) after the findings recorded on them."""
    cf = ctx.case_file
    return {
        lesion.lesion_id
        for lesion in cf.lesions
        if lesion.lesion_id is not None and operated_after_findings(cf, lesion) is not None
    }
