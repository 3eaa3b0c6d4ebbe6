"""Which record each score input came from, and the clock that decides which facts count."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from core.derive.results import DerivedScore, InputSource, InputValue, Origin
from core.derive.words import NOT_RECORDED, _fmt, _lab_rec, lab_age_zh, site_text, word
from core.models import (
    Analyte,
    CaseFile,
    LabResult,
    Lesion,
    Treatment,
)
from core.policy import Policy
from core.scores import evaluate


def latest_lab(cf: CaseFile, analyte: Analyte, policy: Policy) -> LabResult | None:
    """The newest result within the scores' window (safety rule 2: 28 days by default)."""
    return cf.latest_lab(analyte, within_days=policy.lab_score_window_days)


def is_active(treatment: Treatment, as_of: date) -> bool:
    """Ongoing, or ending today or later (a record without end date and not ongoing is done)."""
    if treatment.start_date > as_of:
        return False
    return treatment.ongoing or (treatment.end_date is not None and treatment.end_date >= as_of)


def _name_has(treatment: Treatment, words: Iterable[str]) -> bool:
    name = treatment.name.casefold()
    return any(word in name for word in words)


def spinal_levels(cf: CaseFile) -> tuple[str, ...]:
    """Distinct vertebrae involved (a sacral lesion without level counts as the sacrum)."""
    levels: dict[str, None] = {}
    for lesion in cf.lesions:
        if lesion.is_spinal:
            levels[lesion.level or "sacrum"] = None
    return tuple(levels)


class _Collector:
    """Accumulates a score's inputs and their provenance."""

    def __init__(self) -> None:
        self.values: dict[str, InputValue] = {}
        self.sources: list[InputSource] = []

    def put(
        self,
        name: str,
        value: InputValue | None,
        origin: Origin,
        record: tuple[str, str],
        note: str = "",
        note_zh: str = "",
        observed_on: date | None = None,
    ) -> None:
        """Record one input; ``record`` is ``(en, zh)`` of where it came from, ``observed_on``
        the date the fact describes (a lab's date; case facts are dated by ``derive_scores``)."""
        if value is None:
            origin = "missing"
        else:
            self.values[name] = value
        self.sources.append(
            InputSource(
                input=name,
                value=None if value is None else _fmt(value),
                origin=origin,
                record=record[0],
                note=note,
                note_zh=note_zh,
                record_zh=record[1],
                observed_on=observed_on if value is not None else None,
            )
        )

    def missing(self, name: str, note: str, note_zh: str, record: tuple[str, str] = NOT_RECORDED) -> None:
        self.put(name, None, "missing", record, note, note_zh)

    def lab(self, name: str, cf: CaseFile, analyte: Analyte, policy: Policy) -> LabResult | None:
        lab = latest_lab(cf, analyte, policy)
        if lab is None:
            older = cf.latest_lab(analyte)
            if older is not None:
                self.missing(
                    name,
                    f"latest {word(analyte)} is {(cf.as_of - older.taken_on).days} days old "
                    f"(outside the {policy.lab_score_window_days}-day window)",
                    f"最近一次{word(analyte, 'zh')}检测距今{(cf.as_of - older.taken_on).days}天"
                    f"（超出{policy.lab_score_window_days}天有效期）",
                    record=_lab_rec(older, cf.as_of),
                )
            else:
                self.missing(
                    name,
                    f"no {word(analyte)} result within {policy.lab_score_window_days} days",
                    f"{policy.lab_score_window_days}天内无{word(analyte, 'zh')}检测结果",
                )
            return None
        age = (cf.as_of - lab.taken_on).days
        self.put(
            name,
            lab.value,
            "lab",
            _lab_rec(lab, cf.as_of),
            f"{age} days old",
            lab_age_zh(lab, cf.as_of),
            observed_on=lab.taken_on,
        )
        return lab


def _derived(
    score_id: str,
    collector: _Collector,
    *,
    lesion: Lesion | None = None,
    site: str = "",
    applicable: bool = True,
    note: str = "",
    note_zh: str = "",
    extra_flags: tuple[str, ...] = (),
) -> DerivedScore:
    result = evaluate(score_id, collector.values)
    if extra_flags:
        result = result.model_copy(update={"flags": tuple(dict.fromkeys((*result.flags, *extra_flags)))})
    return DerivedScore(
        score_id=score_id,
        lesion_id=lesion.lesion_id if lesion is not None else None,
        site=site,
        site_en=site_text(lesion) if lesion is not None else "",
        site_zh=site_text(lesion, "zh") if lesion is not None else "",
        result=result,
        sources=tuple(collector.sources),
        inputs=dict(collector.values),
        applicable=applicable,
        note=note,
        note_zh=note_zh,
    )
