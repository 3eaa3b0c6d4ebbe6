"""Treatment state (docs/clinical/rules.md safety rule 3 and the decision "Post-operative rules").

"After fixation or decompression" means a bone or spine operation linked to a lesion
(``Treatment.skeletal_surgery``), never a mastectomy, nephrectomy or other non-skeletal surgery. A
level decompressed or stabilised after the findings that raised RF-MSCC, SINS or Mirels rules is
judged on findings dated after the operation: findings are dated by the lesion's detection and the
imaging studies linked to it; neurology by the date it describes (``CaseFile.observed_on``).
"""

from __future__ import annotations

from datetime import date, timedelta

from core.models import CaseFile, Lesion, SurgeryProcedure, Treatment, TreatmentKind

DECOMPRESSING: frozenset[SurgeryProcedure] = frozenset(
    {
        SurgeryProcedure.DECOMPRESSION,
        SurgeryProcedure.DECOMPRESSION_STABILISATION,
        SurgeryProcedure.STABILISATION,
        SurgeryProcedure.RESECTION,
    }
)


def skeletal_operations(cf: CaseFile) -> list[Treatment]:
    """Bone or spine operations linked to a lesion, up to the case's day (biopsies included)."""
    return [t for t in cf.treatments if t.skeletal_surgery and t.start_date <= cf.as_of]


def fixing_operations(cf: CaseFile) -> list[Treatment]:
    """Skeletal operations that fixed, stabilised, decompressed, replaced or resected a lesion
    (not a biopsy). A record without its procedure counts (the post-operative rules' reading),
    except where :func:`operated_after_findings` needs it named."""
    return [t for t in skeletal_operations(cf) if t.procedure is None or t.procedure.stabilises]


def biopsied(cf: CaseFile) -> list[Treatment]:
    return [t for t in skeletal_operations(cf) if t.procedure == SurgeryProcedure.BIOPSY]


def findings_date(cf: CaseFile, lesion: Lesion) -> date | None:
    """The date of a lesion's findings: the newest of its detection and the studies linked to it."""
    dates = [s.study_date for s in cf.studies if lesion.lesion_id is not None and lesion.lesion_id in s.lesion_ids]
    if lesion.detected_date is not None:
        dates.append(lesion.detected_date)
    return max(dates, default=None)


def operated_after_findings(cf: CaseFile, lesion: Lesion) -> Treatment | None:
    """The operation (procedure named, not a biopsy) on this lesion dated on or after its
    findings: those findings describe the level before it was treated. Findings without a date
    count as older than a recorded operation."""
    if lesion.lesion_id is None:
        return None
    found = findings_date(cf, lesion)
    ops = [
        t
        for t in skeletal_operations(cf)
        if t.procedure is not None
        and t.procedure.stabilises
        and lesion.lesion_id in t.lesion_ids
        and (found is None or t.start_date >= found)
    ]
    return max(ops, key=lambda t: t.start_date, default=None)


def augmented_or_fixed_after_findings(cf: CaseFile, lesion: Lesion) -> Treatment | None:
    """The latest vertebral augmentation (vertebroplasty / kyphoplasty) or fixing operation linked
    to this lesion dated on or after its findings, up to the case's day: the level is treated, and
    is judged again only on findings dated after it (safety rule 3; ORTHO-CEMENT)."""
    if lesion.lesion_id is None:
        return None
    found = findings_date(cf, lesion)
    augmented = [
        t
        for t in cf.treatments
        if t.kind == TreatmentKind.VERTEBRAL_AUGMENTATION
        and lesion.lesion_id in t.lesion_ids
        and t.start_date <= cf.as_of
        and (found is None or t.start_date >= found)
    ]
    operated = operated_after_findings(cf, lesion)
    if operated is not None:
        augmented.append(operated)
    return max(augmented, key=lambda t: t.start_date, default=None)


def spinal_decompression_after(cf: CaseFile, on: date) -> Treatment | None:
    """A spinal decompression or stabilisation dated on or after ``on`` (pre-operative neurology
    no longer describes the patient)."""
    spinal = {lesion.lesion_id for lesion in cf.lesions if lesion.is_spinal and lesion.lesion_id is not None}
    ops = [
        t
        for t in skeletal_operations(cf)
        if t.procedure in DECOMPRESSING and spinal.intersection(t.lesion_ids) and t.start_date >= on
    ]
    return max(ops, key=lambda t: t.start_date, default=None)


def radiotherapy_after(cf: CaseFile, lesion_ids: tuple[int, ...], on: date) -> list[Treatment]:
    """Radiotherapy to any of these lesions started on or after ``on``."""
    return [
        t
        for t in cf.treatments
        if t.kind == TreatmentKind.RADIOTHERAPY
        and t.start_date >= on
        and t.start_date <= cf.as_of
        and set(t.lesion_ids) & set(lesion_ids)
    ]


def last_radiotherapy(cf: CaseFile, lesion: Lesion) -> date | None:
    """The start of the latest radiotherapy to this lesion up to the case's day (a course linked to
    it, or the lesion's recorded prior radiotherapy date)."""
    dates = [
        t.start_date
        for t in cf.treatments
        if t.kind == TreatmentKind.RADIOTHERAPY
        and t.start_date <= cf.as_of
        and lesion.lesion_id is not None
        and lesion.lesion_id in t.lesion_ids
    ]
    if lesion.prior_rt_date is not None:
        dates.append(lesion.prior_rt_date)
    return max(dates, default=None)


def within_weeks(cf: CaseFile, on: date, weeks: int) -> bool:
    return on <= cf.as_of <= on + timedelta(weeks=weeks)
