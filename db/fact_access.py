"""Who may record which clinical fact (docs/security-requirements.md "Roles", issue 9).

The coordinator and the chair enter every clinical fact of a case (they take a referral from the
letter to a ready case); a member enters the facts of their own specialty; analysts and admins
never. The check runs in the write functions (``db/clinical.py``, ``db/assessments.py``), before
the change's transaction; a refusal writes its own ``denied`` audit row, as ``audit.authorize`` does.
"""

from __future__ import annotations

import duckdb

from core.errors import PermissionDeniedError
from core.models import Actor, Role, Specialty
from core.permissions import Capability, allowed
from db import audit

_S = Specialty
_CLINICAL = frozenset(s for s in Specialty if s is not Specialty.COORDINATION)
_BONE = frozenset({_S.ORTHOPAEDICS, _S.SPINE_SURGERY, _S.RADIOLOGY, _S.RADIOTHERAPY, _S.INTERVENTIONAL, _S.MEDICAL_ONCOLOGY})
_TREATING = frozenset(
    {_S.MEDICAL_ONCOLOGY, _S.RADIOTHERAPY, _S.ORTHOPAEDICS, _S.SPINE_SURGERY, _S.PAIN_MEDICINE, _S.INTERVENTIONAL, _S.NURSING}
)

# entity (table) -> the member specialties that record it: the bone specialties (surgeons,
# radiology, radiotherapy, oncology) record lesions and imaging; the treating specialties labs and
# treatments; every clinical specialty (psychology and rehabilitation included) the dated
# assessments (performance status, pain, neurology) and clinical events.
MEMBER_SPECIALTIES: dict[str, frozenset[Specialty]] = {
    "assessment": _CLINICAL,
    "lesion": _BONE,
    "imaging_study": _BONE,
    "lab_result": _TREATING,
    "treatment": _TREATING,
    "clinical_event": _CLINICAL,
}


def may_record(actor: Actor, entity: str) -> bool:
    """Whether ``actor`` may add, correct or retract facts of table ``entity``: the role needs
    RECORD_FACTS (chair, coordinator, member); a member also the specialty for that fact."""
    if actor.user_id < 0 or not allowed(actor.role, Capability.RECORD_FACTS):
        return False
    if actor.role == Role.MEMBER:
        return actor.specialty is not None and actor.specialty in MEMBER_SPECIALTIES.get(entity, frozenset())
    return True


def authorize(
    cur: duckdb.DuckDBPyConnection, actor: Actor, entity: str, entity_id: object | None = None, *, patient_id: int | None = None
) -> None:
    """Raise PermissionDeniedError (after auditing the attempt) unless ``actor`` may record ``entity``."""
    if may_record(actor, entity):
        return
    who = actor.role.value
    if actor.role == Role.MEMBER and actor.specialty is not None:
        who = f"{who} ({actor.specialty.value})"
    audit.record(
        cur,
        actor,
        "denied",
        entity,
        entity_id,
        reason=f"{who} may not record {entity}",
        outcome="denied",
        patient_id=patient_id,
    )
    raise PermissionDeniedError(f"Your role ({who}) does not allow recording this fact; nothing was changed.")
