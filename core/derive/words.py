"""Words for vocabulary values, sites, labs and the inputs hash (shared by scores and rules)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from enum import StrEnum

from core.derive.tables import LAB_UNITS
from core.i18n import enum_label
from core.messages.vocabulary import vocabulary_of
from core.models import (
    LabResult,
    Lesion,
    PrimaryTumour,
)

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        # Long computed values (CrCl) are shown to 0.1; stored values as entered.
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -2:
            return format(value.quantize(Decimal("0.1")), "f")
        return format(value, "f")
    return str(value)


# Words for primaries whose catalogue label carries brackets (prose wants the full name).
_WORDS: dict[str, tuple[str, str]] = {
    "lung_nsclc": ("non-small-cell lung cancer", "非小细胞肺癌"),
    "lung_sclc": ("small-cell lung cancer", "小细胞肺癌"),
}


def word(value: object, lang: str = "en") -> str:
    """A vocabulary value (enum or code) in words, English or Chinese; never another vocabulary's word.

    A member is labelled from its own vocabulary; a plain code from the one vocabulary that holds
    it, and shown as-is (spaces for underscores) when none or several do (``head_neck``).
    """
    vocab = type(value) if isinstance(value, StrEnum) else vocabulary_of(str(value))
    raw = str(getattr(value, "value", value))
    if vocab is PrimaryTumour and raw in _WORDS:
        pair = _WORDS[raw]
        return pair[1] if lang == "zh" else pair[0]
    if vocab is None:
        return raw.replace("_", " ")
    return enum_label(raw, lang, vocab)


def words(value: object) -> tuple[str, str]:
    """``(en, zh)`` of a vocabulary value."""
    return word(value, "en"), word(value, "zh")


def site_text(lesion: Lesion, lang: str = "en") -> str:
    """A lesion's site in words: the level, or side, bone and segment (``left femur head/neck``)."""
    if lesion.level:
        return lesion.level
    parts: list[str] = []
    if lesion.side is not None and not (lang == "zh" and lesion.side.value == "midline"):
        parts.append(word(lesion.side, lang))
    parts.append(word(lesion.bone, lang))
    if lesion.segment is not None:
        parts.append(word(lesion.segment, lang))
    return ("" if lang == "zh" else " ").join(parts)


def sites_text(lesions: Iterable[Lesion], lang: str = "en") -> str:
    return ("、" if lang == "zh" else ", ").join(site_text(lesion, lang) for lesion in lesions)


def yes_no(value: bool, lang: str = "en") -> str:
    if lang == "zh":
        return "是" if value else "否"
    return "yes" if value else "no"


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def inputs_hash(inputs: Mapping[str, object]) -> str:
    """Stable sha256 of the inputs' canonical JSON (sorted keys, Decimals as text)."""
    canonical = json.dumps(_jsonable(inputs), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def lesion_label(lesion: Lesion, index: int) -> str:
    ident = f"#{lesion.lesion_id}" if lesion.lesion_id is not None else f"{index + 1}"
    return f"lesion {ident} {site_text(lesion)}"


def lesion_label_zh(lesion: Lesion, index: int) -> str:
    ident = f"#{lesion.lesion_id}" if lesion.lesion_id is not None else f"{index + 1}"
    return f"病灶{ident}（{site_text(lesion, 'zh')}）"


def lab_record(lab: LabResult, as_of: date) -> str:
    """``"lab calcium 2.45 mmol/L on 2026-11-02 (25 days old)"``."""
    unit = LAB_UNITS.get(lab.analyte, lab.unit)
    age = (as_of - lab.taken_on).days
    return f"lab {word(lab.analyte)} {lab.value} {unit} on {lab.taken_on.isoformat()} ({age} days old)"


def lab_record_zh(lab: LabResult, as_of: date) -> str:
    """``"检验：血钙 2.45 mmol/L，2026-11-02检测（距今25天）"``."""
    unit = LAB_UNITS.get(lab.analyte, lab.unit)
    return f"检验：{word(lab.analyte, 'zh')} {lab.value} {unit}，{lab_age_zh(lab, as_of)}"


def lab_age_zh(lab: LabResult, as_of: date) -> str:
    return f"{lab.taken_on.isoformat()}检测（距今{(as_of - lab.taken_on).days}天）"


NOT_RECORDED = ("not recorded", "未记录")
BY_USER = ("entered by the user", "用户录入")


def _lab_rec(lab: LabResult, as_of: date) -> tuple[str, str]:
    return lab_record(lab, as_of), lab_record_zh(lab, as_of)
