"""What the case board's sections share: lesion sites in words, the worst band per lesion,
creatinine clearance over time, dates and codes for display, figure labels (no Streamlit calls)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import StrEnum

import pandas as pd

from core.derive import CaseScores
from core.i18n import MESSAGES, enum_label, t
from core.models import Analyte, CaseFile, Lesion
from core.rules import RuleHit
from core.scores import ScoreInputError, cockcroft_gault
from pages.components import figures
from pages.components.guard import PageContext

SPECIALTY_ORDER: tuple[str, ...] = (
    "emergency",
    "orthopaedics",
    "radiotherapy",
    "medical_oncology",
    "pain_medicine",
    "rehabilitation",
    "follow_up",
)
URGENCY_COLOURS: dict[str, str] = {"emergency": "red", "urgent": "orange", "routine": "gray"}
# Bands that outline a lesion on the bone map, worst first (figures.HIGH_RISK_BANDS).
_RISK_ORDER: tuple[str, ...] = (
    "unstable",
    "high_risk",
    "high_grade",
    "indeterminate",
    "borderline",
    "intermediate_1c",
)


def site_label(lesion: Lesion, lang: str) -> str:
    """A lesion's site in the user's language: the level, or side, bone and segment."""
    if lesion.level:
        prefix = enum_label(lesion.bone, lang) + " " if lesion.bone.value == "sacrum" else ""
        return prefix + lesion.level
    parts = []
    if lesion.side is not None:
        parts.append(enum_label(lesion.side, lang))
    parts.append(enum_label(lesion.bone, lang))
    if lesion.segment is not None:
        parts.append(enum_label(lesion.segment, lang))
    return ("" if lang == "zh" else " ").join(parts)


def _t(lang: str, key: str, fallback: str) -> str:
    return t(key, lang) if key in MESSAGES else fallback.replace("_", " ")


def as_date(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def code(ctx: PageContext, value: object, vocab: type[StrEnum]) -> str:
    """A value of ``vocab`` in words; '—' when absent."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return ctx.t("board.none")
    return enum_label(str(value), ctx.lang, vocab)


def lesion_risk(scores: CaseScores) -> dict[int, str]:
    """Each lesion's worst SINS / Mirels / Bilsky band (for the bone map's risk outline)."""
    risk: dict[int, str] = {}
    for score in scores.per_lesion:
        if score.lesion_id is None or not score.complete:
            continue
        current = risk.get(score.lesion_id)
        if current is None or _rank(score.band) < _rank(current):
            risk[score.lesion_id] = score.band
    return risk


def _rank(band: str) -> int:
    return _RISK_ORDER.index(band) if band in _RISK_ORDER else len(_RISK_ORDER)


def crcl_points(cf: CaseFile) -> list[tuple[date, float]]:
    """Cockcroft–Gault clearance at each creatinine result (current weight; none without it)."""
    if cf.case.weight_kg is None:
        return []
    points = []
    for lab in cf.labs:
        if lab.analyte != Analyte.CREATININE:
            continue
        try:
            value = cockcroft_gault(
                cf.patient.age_on(lab.taken_on),
                cf.case.weight_kg,
                cf.patient.sex.value,
                creatinine_umol_l=lab.value,
            )
        except (ScoreInputError, ValueError, ArithmeticError):
            continue
        points.append((lab.taken_on, float(value)))
    return sorted(points)


def labels(ctx: PageContext) -> figures.Labels:
    return figures.Labels.zh() if ctx.lang == "zh" else figures.Labels.en()


def in_turn(*parts: Callable[[], object]) -> Callable[[], None]:
    """One section drawn from several parts, in order."""

    def draw() -> None:
        for part in parts:
            part()

    return draw


def hit_text(ctx: PageContext, hit: RuleHit) -> tuple[str, str]:
    if ctx.lang == "zh":
        return hit.text_zh, hit.reason_zh
    return hit.text_en, hit.reason_en
