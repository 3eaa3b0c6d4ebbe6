"""Rule rows, their outcomes and builders, and what is missing in words (specification: docs/clinical/rules.md).

A ``Rule`` is a data row: id, specialty, default urgency, suggestion (en, zh), rationale,
source, a precedence group and a pure condition ``RuleContext -> Fired | NotFired | NeedsData``.
A condition that lacks an input says ``NeedsData`` with what is missing; it never stays silent.
Texts may name department policies as ``{field}`` placeholders (``core.policy.Policy``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from core.derive import (
    SCORE_NAMES,
    SCORE_NAMES_ZH,
    CaseScores,
    word,
)
from core.derive.clock import StaleFact, fresh_view
from core.i18n import MESSAGES
from core.models import (
    CaseFile,
)
from core.policy import Policy
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
    # Questions for the banner that stand even though the rule does not fire (decision
    # "Performance status": ECOG >= 3 with a new deficit is not a contraindication, and the banner asks).
    banner_en: tuple[str, ...] = ()
    banner_zh: tuple[str, ...] = ()


class NeedsData(BaseModel):
    """The rule cannot be decided: ``missing`` names each absent input (and where)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    missing: tuple[str, ...]
    banner_en: tuple[str, ...] = ()  # questions for the banner meanwhile (as ``NotFired``)
    banner_zh: tuple[str, ...] = ()


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


def not_fired(en: str = "", zh: str = "", *, banner: Iterable[tuple[str, str]] = ()) -> NotFired:
    lines = list(banner)
    return NotFired(reason_en=en, reason_zh=zh, banner_en=tuple(en for en, _ in lines), banner_zh=tuple(zh for _, zh in lines))


def needs(*missing: str, banner: Iterable[tuple[str, str]] = ()) -> NeedsData:
    lines = list(banner)
    return NeedsData(
        missing=tuple(dict.fromkeys(missing)),
        banner_en=tuple(en for en, _ in lines),
        banner_zh=tuple(zh for _, zh in lines),
    )


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
    # MSCC surgical candidacy (core.rules.mscc_surgery)
    "radiosensitivity (possible lymphoma: haematology advice)": (
        "haematology advice on radiosensitivity (possible lymphoma without histology)",
        "血液科会诊意见以明确放疗敏感性（疑似淋巴瘤，尚无病理）",
    ),
    "compression level (Bilsky 2–3 on imaging)": (
        "compression level (Bilsky 2–3 on imaging)",
        "受压节段（影像学Bilsky 2–3级）",
    ),
    # RT-SBRT (core.rules.radiotherapy)
    "visceral_mets (oligometastatic: metastases in every organ count)": (
        "visceral metastases (oligometastatic: metastases in every organ count)",
        "内脏转移情况（寡转移：所有器官的转移灶均计数）",
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
