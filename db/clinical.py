"""Clinical facts of a patient: lesions, imaging studies, labs, treatments, events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import duckdb
from pydantic import BaseModel

from core.errors import ConflictError, NotFoundError
from core.models import Actor, ClinicalEvent, ImagingStudy, LabResult, Lesion, Treatment
from core.permissions import Capability
from db import audit, submissions
from db.connection import transaction

if TYPE_CHECKING:
    import pandas as pd
from db.rows import fetch_models, insert, update

LESION_COLUMNS = tuple(f for f in Lesion.model_fields if f not in ("lesion_id", "row_version"))
STUDY_COLUMNS = ("patient_id", "modality", "study_date", "region", "findings", "impression")
LAB_COLUMNS = ("patient_id", "analyte", "value", "unit", "taken_on")
TREATMENT_COLUMNS = tuple(f for f in Treatment.model_fields if f != "treatment_id")
EVENT_COLUMNS = tuple(f for f in ClinicalEvent.model_fields if f != "event_id")

# entity -> (table, id column, columns)
_TABLES: dict[type[BaseModel], tuple[str, str, tuple[str, ...]]] = {
    Lesion: ("lesion", "lesion_id", LESION_COLUMNS),
    ImagingStudy: ("imaging_study", "study_id", STUDY_COLUMNS),
    LabResult: ("lab_result", "lab_id", LAB_COLUMNS),
    Treatment: ("treatment", "treatment_id", TREATMENT_COLUMNS),
    ClinicalEvent: ("clinical_event", "event_id", EVENT_COLUMNS),
}


def _audit_view(model: BaseModel) -> dict[str, Any]:
    data = model.model_dump(mode="json")
    for key in ("findings", "impression", "description"):
        if key in data and isinstance(data[key], str):
            data[key] = f"({len(data[key])} chars)"
    return data


def add(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    record: Lesion | ImagingStudy | LabResult | Treatment | ClinicalEvent,
    *,
    token: str | None = None,
) -> int:
    """Add one clinical fact for a patient (idempotent with a submission token)."""
    table, id_col, cols = _TABLES[type(record)]
    patient_id = record.patient_id
    audit.authorize(cur, actor, Capability.EDIT_CLINICAL, table, patient_id=patient_id)
    if cur.execute("SELECT 1 FROM patient WHERE patient_id = ?", [patient_id]).fetchone() is None:
        raise NotFoundError(f"Patient {patient_id} does not exist.")
    with transaction(cur):
        done = submissions.lookup(cur, token)
        if done is not None:
            return int(done)
        new_id = insert(cur, table, record, cols, id_col)
        if isinstance(record, ImagingStudy) and record.lesion_ids:
            _link_lesions(cur, new_id, record.lesion_ids, patient_id)
        audit.record(cur, actor, "create", table, new_id, after=_audit_view(record), patient_id=patient_id)
        submissions.remember(cur, token, table, new_id)
    return new_id


def _link_lesions(cur: duckdb.DuckDBPyConnection, study_id: int, lesion_ids: tuple[int, ...], patient_id: int) -> None:
    known = {
        r[0]
        for r in cur.execute(
            "SELECT lesion_id FROM lesion WHERE patient_id = ? AND list_contains(?, lesion_id)",
            [patient_id, list(lesion_ids)],
        ).fetchall()
    }
    if set(lesion_ids) - known:
        raise NotFoundError("A linked lesion does not belong to this patient.")
    cur.execute(
        "INSERT INTO imaging_lesion (study_id, lesion_id) SELECT ?, unnest(?::BIGINT[])",
        [study_id, sorted(lesion_ids)],
    )


def update_lesion(cur: duckdb.DuckDBPyConnection, actor: Actor, lesion: Lesion, changes: dict[str, Any]) -> Lesion:
    assert lesion.lesion_id is not None
    audit.authorize(cur, actor, Capability.EDIT_CLINICAL, "lesion", lesion.lesion_id, patient_id=lesion.patient_id)
    merged = Lesion.model_validate({**lesion.model_dump(), **changes})
    cols = tuple(sorted(changes))
    with transaction(cur):
        if update(cur, "lesion", merged, cols, "lesion_id", lesion.lesion_id, lesion.row_version) != 1:
            raise ConflictError("This lesion was changed by someone else since you opened it; nothing was saved.")
        audit.record(
            cur,
            actor,
            "update",
            "lesion",
            lesion.lesion_id,
            before={k: lesion.model_dump(mode="json")[k] for k in cols},
            after={k: merged.model_dump(mode="json")[k] for k in cols},
            patient_id=lesion.patient_id,
        )
    return get_lesion(cur, lesion.lesion_id)


def get_lesion(cur: duckdb.DuckDBPyConnection, lesion_id: int) -> Lesion:
    found = fetch_models(
        cur,
        Lesion,
        "SELECT lesion_id, " + ", ".join(LESION_COLUMNS) + ", row_version FROM lesion WHERE lesion_id = ?",  # noqa: S608
        [lesion_id],
    )
    if not found:
        raise NotFoundError(f"Lesion {lesion_id} does not exist.")
    return found[0]


def load_facts(cur: duckdb.DuckDBPyConnection, patient_id: int) -> dict[str, tuple[Any, ...]]:
    """Every clinical fact of one patient as models (a handful of indexed queries)."""
    lesions = fetch_models(
        cur,
        Lesion,
        "SELECT lesion_id, " + ", ".join(LESION_COLUMNS) + ", row_version FROM lesion WHERE patient_id = ? ORDER BY lesion_id",  # noqa: S608
        [patient_id],
    )
    studies = fetch_models(
        cur,
        ImagingStudy,
        "SELECT s.study_id, s.patient_id, s.modality, s.study_date, s.region, s.findings, s.impression,"
        " coalesce(list(il.lesion_id ORDER BY il.lesion_id) FILTER (WHERE il.lesion_id IS NOT NULL), []) AS lesion_ids"
        " FROM imaging_study s LEFT JOIN imaging_lesion il USING (study_id)"
        " WHERE s.patient_id = ? GROUP BY ALL ORDER BY s.study_date DESC, s.study_id DESC",
        [patient_id],
    )
    labs = fetch_models(
        cur,
        LabResult,
        "SELECT lab_id, patient_id, analyte, value, unit, taken_on FROM lab_result"
        " WHERE patient_id = ? ORDER BY taken_on, lab_id",
        [patient_id],
    )
    treatments = fetch_models(
        cur,
        Treatment,
        "SELECT treatment_id, " + ", ".join(TREATMENT_COLUMNS) + " FROM treatment"  # noqa: S608
        " WHERE patient_id = ? ORDER BY start_date, treatment_id",
        [patient_id],
    )
    events = fetch_models(
        cur,
        ClinicalEvent,
        "SELECT event_id, " + ", ".join(EVENT_COLUMNS) + " FROM clinical_event"  # noqa: S608
        " WHERE patient_id = ? ORDER BY event_date, event_id",
        [patient_id],
    )
    return {
        "lesions": tuple(lesions),
        "studies": tuple(studies),
        "labs": tuple(labs),
        "treatments": tuple(treatments),
        "events": tuple(events),
    }


def lab_frame(cur: duckdb.DuckDBPyConnection, patient_id: int) -> pd.DataFrame:
    return cur.execute(
        "SELECT analyte, value::DOUBLE AS value, unit, taken_on FROM lab_result WHERE patient_id = ? ORDER BY analyte, taken_on",
        [patient_id],
    ).df()
