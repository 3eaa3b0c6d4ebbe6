"""Meeting standards the board enforces (docs/clinical/rules.md, "Meeting standards").

Pure functions: readiness before listing (CRUK 2017), agenda order by urgency with standard-of-care
cases last (NHS England 2020), quorum and the per-decision quorum gate, and the MDT-OARS
attendance grade.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from core.models import (
    CORE_SPECIALTIES,
    SURGICAL_SPECIALTIES,
    Analyte,
    CaseFile,
    PlanItem,
    PlanKind,
    Priority,
    QuorumState,
    Specialty,
    Stream,
)

READINESS_SOURCE = "CRUK 2017 'Meeting patients' needs'; Greater Manchester MDT standards"


@dataclass(frozen=True)
class ReadinessItem:
    key: str
    ok: bool
    stale: bool = False
    detail: str = ""


@dataclass(frozen=True)
class Readiness:
    items: tuple[ReadinessItem, ...]

    @property
    def ready(self) -> bool:
        return all(i.ok for i in self.items)

    @property
    def problems(self) -> tuple[ReadinessItem, ...]:
        return tuple(i for i in self.items if not i.ok)


@dataclass(frozen=True)
class ReadinessFacts:
    """The few facts readiness looks at; the store can produce them for many cases in one query."""

    question: bool
    histology: bool
    lesions: int
    performance: bool
    neurology: bool
    pain: bool
    wishes: bool
    latest_imaging: date | None
    latest_calcium: date | None
    latest_creatinine: date | None


def readiness_from_facts(facts: ReadinessFacts, as_of: date, *, imaging_max_days: int = 56, lab_max_days: int = 28) -> Readiness:
    """What is missing or stale before the case can be listed (each item keyed for i18n)."""
    items = [
        ReadinessItem("question", facts.question),
        ReadinessItem("primary_histology", facts.histology),
        ReadinessItem("lesions", facts.lesions > 0),
        ReadinessItem("performance", facts.performance),
        ReadinessItem("neurology", facts.neurology),
        ReadinessItem("pain", facts.pain),
        ReadinessItem("patient_wishes", facts.wishes),
    ]
    for key, when, limit in (
        ("imaging", facts.latest_imaging, imaging_max_days),
        ("lab_calcium", facts.latest_calcium, lab_max_days),
        ("lab_creatinine", facts.latest_creatinine, lab_max_days),
    ):
        if when is None:
            items.append(ReadinessItem(key, False))
        else:
            age = (as_of - when).days
            items.append(ReadinessItem(key, age <= limit, stale=age > limit, detail=str(age)))
    return Readiness(tuple(items))


def readiness(cf: CaseFile, *, imaging_max_days: int = 56, lab_max_days: int = 28) -> Readiness:
    """Readiness of one loaded case (see :func:`readiness_from_facts`)."""
    c = cf.case
    calcium = cf.latest_lab(Analyte.CALCIUM)
    creatinine = cf.latest_lab(Analyte.CREATININE)
    facts = ReadinessFacts(
        question=bool(c.question.strip()),
        histology=c.histology is not None,
        lesions=len(cf.lesions),
        performance=c.ecog is not None or c.kps is not None,
        neurology=c.neuro_assessed or c.frankel is not None,
        pain=c.nrs is not None,
        wishes=bool(c.patient_wishes.strip()),
        latest_imaging=max((s.study_date for s in cf.studies), default=None),
        latest_calcium=calcium.taken_on if calcium else None,
        latest_creatinine=creatinine.taken_on if creatinine else None,
    )
    return readiness_from_facts(facts, cf.as_of, imaging_max_days=imaging_max_days, lab_max_days=lab_max_days)


# ------------------------------------------------------------------------------------------------
# Agenda order


_URGENCY_RANK = {Priority.EMERGENCY: 0, Priority.URGENT: 1, Priority.ROUTINE: 2}


def effective_stream(stream: Stream, has_red_flag: bool) -> Stream:
    """A standard-of-care case with any red flag is always escalated to full discussion."""
    return Stream.FULL if has_red_flag else stream


def agenda_sort_key(urgency: Priority, stream: Stream, referral_date: date, case_id: int) -> tuple[int, int, date, int]:
    """Emergencies, then urgent, then full discussion, standard of care last; older referrals first."""
    soc = 1 if stream == Stream.STANDARD_OF_CARE and urgency == Priority.ROUTINE else 0
    return (_URGENCY_RANK[urgency] if not soc else 3, soc, referral_date, case_id)


# ------------------------------------------------------------------------------------------------
# Quorum


@dataclass(frozen=True)
class Quorum:
    present: frozenset[Specialty]
    missing_core: tuple[Specialty, ...]

    @property
    def quorate(self) -> bool:
        return not self.missing_core

    @property
    def share(self) -> float:
        return (len(CORE_SPECIALTIES) - len(self.missing_core)) / len(CORE_SPECIALTIES)


def quorum(present: Iterable[Specialty]) -> Quorum:
    """Core members: medical oncology, orthopaedics/spine surgery, radiotherapy, radiology."""
    here = frozenset(present)
    missing: list[Specialty] = []
    for core in CORE_SPECIALTIES:
        if core == Specialty.ORTHOPAEDICS:
            if not here & set(SURGICAL_SPECIALTIES):
                missing.append(core)
        elif core not in here:
            missing.append(core)
    return Quorum(here, tuple(missing))


@dataclass(frozen=True)
class QuorumGate:
    state: QuorumState
    missing: tuple[Specialty, ...] = ()


def decision_quorum(
    plan: Sequence[PlanItem],
    present: Iterable[Specialty],
    *,
    chair_override_reason: str = "",
) -> QuorumGate:
    """The per-decision gate: fixation/stabilisation needs a surgeon present, radiotherapy needs
    radiotherapy present; otherwise provisional unless the chair overrides with a reason.
    Emergency pathway actions are never held as provisional."""
    here = set(present)
    accepted = [p for p in plan if p.disposition != "rejected"]
    if any(p.kind == PlanKind.EMERGENCY for p in accepted):
        return QuorumGate(QuorumState.QUORATE)
    missing: list[Specialty] = []
    if any(p.kind in (PlanKind.FIXATION, PlanKind.DECOMPRESSION) for p in accepted) and not here & set(SURGICAL_SPECIALTIES):
        missing.append(Specialty.ORTHOPAEDICS)
    if any(p.kind == PlanKind.RADIOTHERAPY for p in accepted) and Specialty.RADIOTHERAPY not in here:
        missing.append(Specialty.RADIOTHERAPY)
    if not missing:
        return QuorumGate(QuorumState.QUORATE)
    if chair_override_reason.strip():
        return QuorumGate(QuorumState.CHAIR_OVERRIDE, tuple(missing))
    return QuorumGate(QuorumState.PROVISIONAL, tuple(missing))


def attendance_grade(present: Iterable[Specialty]) -> int:
    """MDT-OARS-style attendance grade 1 (poor) – 4 (all core and extended members present)."""
    here = set(present)
    q = quorum(here)
    extended = {Specialty.PAIN_MEDICINE, Specialty.REHABILITATION, Specialty.NURSING}
    if q.quorate and extended <= here:
        return 4
    if q.quorate:
        return 3
    if len(q.missing_core) == 1:
        return 2
    return 1
