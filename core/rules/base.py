"""Rule rows and the shared facts their conditions read (specification: docs/clinical/rules.md).

A ``Rule`` is a data row: id, specialty, default urgency, suggestion (en, zh), rationale,
source, a precedence group and a pure condition ``RuleContext -> Fired | NotFired | NeedsData``.
A condition that lacks an input says ``NeedsData`` with what is missing; it never stays silent.
Texts may name department policies as ``{field}`` placeholders (``core.policy.Policy``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from core.derive import (
    SCORE_NAMES,
    SCORE_NAMES_ZH,
    CaseScores,
    DerivedScore,
    lab_record,
    lab_record_zh,
    latest_lab,
    site_text,
    word,
)
from core.derive import is_active as treatment_active
from core.derive.clock import StaleFact, fresh_view
from core.i18n import MESSAGES
from core.models import (
    Analyte,
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
from core.policy import Policy
from core.rules.treatment_state import findings_date, operated_after_findings, spinal_decompression_after
from core.scores import SCORES

Urgency = Literal["emergency", "urgent", "routine"]
RuleSpecialty = Literal[
    "red_flag",
    "orthopaedics",
    "radiotherapy",
    "medical_oncology",
    "pain_medicine",
    "rehabilitation",
    "emergency",
    "follow_up",
]
URGENCY_RANK: dict[str, int] = {"emergency": 0, "urgent": 1, "routine": 2}

# Precedence groups (docs/clinical/rules.md "Precedence"): emergencies come first by urgency; within an
# urgency, neurology, then stability, then NOMS, then everything else; prognosis bands last.
NEUROLOGY, STABILITY, NOMS_GROUP, OTHER, PROGNOSIS = 10, 20, 30, 50, 90


class Fired(BaseModel):
    """The rule applies. ``reason`` names the score or fact; ``urgency`` None = the default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reason_en: str
    reason_zh: str
    urgency: Urgency | None = None
    detail: dict[str, str] = {}
    text_en: str | None = None  # replaces the row's text when facts change the suggestion
    text_zh: str | None = None
    # Safety rule 1: the trigger is present but a confirming input is missing or stale, and some
    # of its possible values would fire the rule: "cannot exclude X — measure now" at ``urgency``.
    cannot_exclude: bool = False
    # Lines for the red-flag banner beside the hit ("cannot exclude grade 3 — measure albumin
    # today", "is the Frankel deficit new? counted as new until a clinician says otherwise").
    banner_en: tuple[str, ...] = ()
    banner_zh: tuple[str, ...] = ()


class NotFired(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    reason_en: str = ""
    reason_zh: str = ""


class NeedsData(BaseModel):
    """The rule cannot be decided: ``missing`` names each absent input (and where)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    missing: tuple[str, ...]


Outcome = Fired | NotFired | NeedsData


class RuleContext(BaseModel):
    """Everything a condition may read: the case, its derived scores and the policies.

    ``cf`` is the case as the rules read it: facts older than their freshness window are left
    out (safety rule 2, ``core.derive.clock.fresh_view``); ``recorded`` is the case as recorded
    and ``stale`` the facts left out, with their age, for "cannot exclude" and the banner.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    cf: CaseFile
    scores: CaseScores
    policy: Policy
    recorded: CaseFile | None = None
    stale: dict[str, StaleFact] = {}

    @model_validator(mode="before")
    @classmethod
    def _fresh(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("recorded") is None and isinstance(data.get("cf"), CaseFile):
            policy = data.get("policy") or Policy()
            fresh, stale = fresh_view(data["cf"], policy)
            data = {**data, "recorded": data["cf"], "cf": fresh, "stale": stale}
        return data

    @property
    def case_file(self) -> CaseFile:
        """The case as recorded (stale facts included)."""
        return self.recorded or self.cf


Condition = Callable[[RuleContext], Outcome]


class Rule(BaseModel):
    """One row of docs/clinical/rules.md as data."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    specialty: RuleSpecialty
    urgency: Urgency
    text_en: str
    text_zh: str
    rationale_en: str
    rationale_zh: str
    source: str
    precedence: int = OTHER
    condition: Condition

    def render(self, policy: Policy) -> tuple[str, str]:
        """The suggestion with the department policies filled in."""
        values = policy.model_dump()
        return self.text_en.format_map(values), self.text_zh.format_map(values)

    def render_rationale(self, policy: Policy) -> tuple[str, str]:
        values = policy.model_dump()
        return self.rationale_en.format_map(values), self.rationale_zh.format_map(values)

    def evaluate(self, ctx: RuleContext) -> Outcome:
        return self.condition(ctx)


# --------------------------------------------------------------------------------------------
# Small builders
# --------------------------------------------------------------------------------------------


def fired(
    en: str | Iterable[str],
    zh: str | Iterable[str],
    urgency: Urgency | None = None,
    *,
    text: tuple[str, str] | None = None,
    detail: Mapping[str, object] | None = None,
    cannot_exclude: bool = False,
    banner: Iterable[tuple[str, str]] = (),
    **extra: object,
) -> Fired:
    reason_en = en if isinstance(en, str) else "; ".join(en)
    reason_zh = zh if isinstance(zh, str) else "；".join(zh)
    lines = list(banner)
    merged = {**(detail or {}), **extra}
    return Fired(
        reason_en=reason_en,
        reason_zh=reason_zh,
        urgency=urgency,
        detail={k: fmt(v) for k, v in merged.items()},
        text_en=text[0] if text else None,
        text_zh=text[1] if text else None,
        cannot_exclude=cannot_exclude,
        banner_en=tuple(en for en, _ in lines),
        banner_zh=tuple(zh for _, zh in lines),
    )


def not_fired(en: str = "", zh: str = "") -> NotFired:
    return NotFired(reason_en=en, reason_zh=zh)


def needs(*missing: str) -> NeedsData:
    return NeedsData(missing=tuple(dict.fromkeys(missing)))


def one_decimal(value: object) -> str:
    """A computed quantity (CrCl) for display: one decimal, half up; never used for banding."""
    return format(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "f")


def fmt(value: object) -> str:
    if isinstance(value, Decimal):
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            return format(value.quantize(Decimal("0.1")), "f")
        return format(value, "f")
    return str(value)


# --------------------------------------------------------------------------------------------
# Shared facts
# --------------------------------------------------------------------------------------------

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
HAEMATOLOGICAL: frozenset[PrimaryTumour] = frozenset({PrimaryTumour.MYELOMA, PrimaryTumour.LYMPHOMA})


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
        else:
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
        if op is not None:
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
        if score.complete:
            if test(score):
                hits.append(score)
        else:
            missing.extend(f"{score_id}.{name} ({score.site})" for name in score.missing)
    return hits, missing


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


# --------------------------------------------------------------------------------------------
# What is missing, in words
# --------------------------------------------------------------------------------------------

# The inputs rules ask for (``needs(...)`` codes), as (en, zh). Score inputs not listed here
# come from the board's catalogue (``board.input.*``), scores from ``SCORES``.
MISSING_WORDS: dict[str, tuple[str, str]] = {
    "castration": ("castration status", "去势状态"),
    "er": ("ER status", "ER状态"),
    "pr": ("PR status", "PR状态"),
    "her2": ("HER2 status", "HER2状态"),
    "egfr": ("EGFR status", "EGFR状态"),
    "alk": ("ALK status", "ALK状态"),
    "nrs": ("pain score (NRS)", "疼痛评分（NRS）"),
    "histology": ("histology", "病理组织学类型"),
    "expected_survival_weeks": ("expected survival (weeks)", "预计生存期（周）"),
    "fit_for_surgery": ("fitness for surgery", "是否可耐受手术"),
    "surgery_planned": ("whether surgery is planned", "是否拟行手术"),
    "posterior_wall_intact": ("whether the posterior wall is intact", "椎体后壁是否完整"),
    "paraplegia_over_48h": ("whether paraplegia has lasted > 48 h", "截瘫是否超过48小时"),
    "pain_character": ("pain character (nociceptive/neuropathic)", "疼痛性质（伤害感受性/神经病理性）"),
    "primary_controlled": ("whether the primary is controlled", "原发灶是否已控制"),
    "escc_grade": ("Bilsky grade", "Bilsky分级"),
    "sins": ("SINS", "SINS评分"),
    "ecog": ("ECOG", "ECOG评分"),
    "frankel": ("Frankel grade", "Frankel分级"),
    "frankel_new": ("whether the Frankel deficit is new", "Frankel功能障碍是否为新发"),
    "neuro_assessed": ("neurological assessment", "神经系统评估"),
    "diagnosis_date": ("date of diagnosis", "确诊日期"),
    "katagiri_new": ("Katagiri score", "Katagiri评分"),
    "radiosensitivity": (
        "radiosensitivity of the primary, not in the board's table",
        "原发肿瘤的放疗敏感性，不在对照表中",
    ),
    "ecog or kps": ("ECOG or KPS", "ECOG或KPS评分"),
    "creatinine clearance": ("creatinine clearance", "肌酐清除率"),
    "neurological assessment (neuro_assessed)": ("neurological assessment", "神经系统评估"),
    "frankel_new (is the Frankel deficit new?)": (
        "whether the Frankel deficit is new",
        "Frankel功能障碍是否为新发",
    ),
    "diagnosis_date (disease-free interval)": (
        "date of diagnosis (for the disease-free interval)",
        "确诊日期（用于计算无病间期）",
    ),
    "neutrophils (fever recorded)": ("neutrophils (fever recorded)", "中性粒细胞（已记录发热）"),
    "post-operative neurological assessment": ("post-operative neurological assessment", "术后神经系统评估"),
    "creatinine baseline (on or before the first zoledronic acid dose)": (
        "baseline creatinine (on or before the first zoledronic acid dose)",
        "基线肌酐（首次唑来膦酸给药当天或之前）",
    ),
    "creatinine after starting zoledronic acid": (
        "creatinine after starting zoledronic acid",
        "开始唑来膦酸后的肌酐",
    ),
}
NOMS_AXES: dict[str, tuple[str, str]] = {
    "N": ("N (neurological)", "N（神经）"),
    "O": ("O (oncological)", "O（肿瘤）"),
    "M": ("M (mechanical)", "M（机械稳定性）"),
    "S": ("S (systemic)", "S（全身状况）"),
}
_CODE = re.compile(r"(?P<name>[a-z0-9_]+)(?:\.(?P<input>[a-z0-9_]+))?(?: \((?P<qual>.+)\))?")


def _name_words(name: str) -> tuple[str, str]:
    if name in MISSING_WORDS:
        return MISSING_WORDS[name]
    if name in SCORE_NAMES:
        return SCORE_NAMES[name], SCORE_NAMES_ZH.get(name, SCORE_NAMES[name])
    if name in SCORES:
        return SCORES[name].name_en, SCORES[name].name_zh
    pair = MESSAGES.get(f"board.input.{name}")
    if pair is not None:
        return pair[0][:1].lower() + pair[0][1:], pair[1]
    return word(name), word(name, "zh")


def _qualifier_words(qual: str, site_words: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    if qual in site_words:
        return site_words[qual]
    oligo = re.fullmatch(r"oligometastatic: (\d+) lesions", qual)
    if oligo:
        plural = "" if oligo[1] == "1" else "s"
        return f"oligometastatic, {oligo[1]} lesion{plural}", f"寡转移：{oligo[1]}处病灶"
    if re.fullmatch(r"[a-z_]+", qual):  # a vocabulary value, e.g. the primary
        return word(qual), word(qual, "zh")
    return qual, qual


def describe_missing(code: str, site_words: Mapping[str, tuple[str, str]] | None = None) -> tuple[str, str]:
    """``(en, zh)`` of one ``needs`` code, e.g. ``"sins.alignment (T5)"`` -> "SINS: spinal
    alignment (T5)" / "SINS评分：脊柱序列（T5）". ``site_words`` maps ``Lesion.site_label()``
    to the site in words."""
    site_words = site_words or {}
    if code in MISSING_WORDS:
        return MISSING_WORDS[code]
    axis, sep, rest = code.partition(": ")
    if sep and axis in NOMS_AXES:
        en, zh = describe_missing(rest, site_words)
        return f"NOMS {NOMS_AXES[axis][0]}: {en}", f"NOMS {NOMS_AXES[axis][1]}：{zh}"
    match = _CODE.fullmatch(code)
    if match is None:
        return code, code
    name, item, qual = match["name"], match["input"], match["qual"]
    en, zh = _name_words(name)
    if item is not None:
        item_en, item_zh = _name_words(item)
        en, zh = f"{en}: {item_en}", f"{zh}：{item_zh}"
    if qual:
        qual_en, qual_zh = _qualifier_words(qual, site_words)
        en, zh = f"{en} ({qual_en})", f"{zh}（{qual_zh}）"
    return en, zh
