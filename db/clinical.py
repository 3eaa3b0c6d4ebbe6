"""Clinical facts of a patient: lesions, imaging studies, labs, treatments, events -- versioned.

A fact keeps one identity (its first row's id, ``root_id`` on later versions), which is what links
name (imaging -> lesions, treatment -> lesions, event -> lesion) and what pages pass around. A
correction is a new row naming the one it ``supersedes`` with a reason; the previous row stays,
marked superseded. A retraction marks the row in force retracted, with its time and reason.
Nothing is overwritten, so the board "as of" a past moment shows what was recorded by then.

Every write checks the role (``db.fact_access``), writes its audit row in the same transaction,
and is idempotent with a submission token. A correction or retraction made from a stale form
(``expected_version`` no longer the fact's version) raises :class:`db.versioning.VersionConflict`
with both versions and saves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import duckdb
from pydantic import BaseModel

from core.errors import FieldError, NotFoundError
from core.models import Actor, ClinicalEvent, ImagingStudy, LabResult, Lesion, Treatment
from db import audit, fact_access, submissions
from db.connection import transaction, utc_now
from db.rows import fetch_models, row_values
from db.versioning import VersionConflict

if TYPE_CHECKING:
    import pandas as pd

Fact = Lesion | ImagingStudy | LabResult | Treatment | ClinicalEvent

_META = ("row_version", "recorded_at", "recorded_by")
LESION_COLUMNS = tuple(f for f in Lesion.model_fields if f not in ("lesion_id", *_META))
STUDY_COLUMNS = ("patient_id", "modality", "study_date", "region", "findings", "impression")
LAB_COLUMNS = ("patient_id", "analyte", "value", "unit", "taken_on")
TREATMENT_COLUMNS = tuple(f for f in Treatment.model_fields if f not in ("treatment_id", *_META))
EVENT_COLUMNS = tuple(f for f in ClinicalEvent.model_fields if f not in ("event_id", *_META))


@dataclass(frozen=True)
class FactTable:
    model: type[BaseModel]
    table: str
    pk: str
    columns: tuple[str, ...]
    order: str

    def select(self, alias: str = "t") -> str:
        """The columns of a model row: the fact's stable id under the model's id name."""
        cols = ", ".join(f"{alias}.{c}" for c in self.columns)
        return (
            f"coalesce({alias}.root_id, {alias}.{self.pk}) AS {self.pk}, {cols},"
            f" {alias}.row_version, {alias}.recorded_at, coalesce({alias}.recorded_by, '') AS recorded_by"
        )


FACTS: dict[str, FactTable] = {
    "lesion": FactTable(Lesion, "lesion", "lesion_id", LESION_COLUMNS, "lesion_id"),
    "imaging_study": FactTable(ImagingStudy, "imaging_study", "study_id", STUDY_COLUMNS, "study_date DESC, study_id DESC"),
    "lab_result": FactTable(LabResult, "lab_result", "lab_id", LAB_COLUMNS, "taken_on, lab_id"),
    "treatment": FactTable(Treatment, "treatment", "treatment_id", TREATMENT_COLUMNS, "start_date, treatment_id"),
    "clinical_event": FactTable(ClinicalEvent, "clinical_event", "event_id", EVENT_COLUMNS, "event_date, event_id"),
}
_BY_MODEL = {spec.model: spec for spec in FACTS.values()}


def spec_of(record: BaseModel | str) -> FactTable:
    if isinstance(record, str):
        return FACTS[record]
    return _BY_MODEL[type(record)]


def in_force(alias: str, known_by: datetime | None) -> tuple[str, list[Any]]:
    """SQL condition (and its parameters) for the rows in force: now, or as recorded by ``known_by``."""
    a = alias
    if known_by is None:
        return f"{a}.superseded_by IS NULL AND NOT coalesce({a}.retracted, FALSE)", []
    return (
        f"({a}.recorded_at IS NULL OR {a}.recorded_at <= ?) AND ({a}.superseded_at IS NULL OR {a}.superseded_at > ?)"
        f" AND NOT (coalesce({a}.retracted, FALSE) AND {a}.retracted_at <= ?)",
        [known_by, known_by, known_by],
    )


def _audit_view(model: BaseModel) -> dict[str, Any]:
    data = model.model_dump(mode="json", exclude={"recorded_at", "recorded_by", "row_version"})
    for key in ("findings", "impression", "description"):
        if key in data and isinstance(data[key], str):
            data[key] = f"({len(data[key])} chars)"
    return data


def _recorder(actor: Actor) -> str:
    return (actor.display_name or actor.username)[:200]


_DATE_FIELDS = (
    "detected_date",
    "prior_rt_date",
    "surgeon_stability_on",
    "study_date",
    "taken_on",
    "start_date",
    "end_date",
    "event_date",
)


def _check_patient(cur: duckdb.DuckDBPyConnection, record: BaseModel) -> None:
    """The patient exists and no date of the fact lies before their birth."""
    patient_id = record.patient_id  # type: ignore[attr-defined]
    row = cur.execute("SELECT birth_date FROM patient WHERE patient_id = ?", [patient_id]).fetchone()
    if row is None:
        raise NotFoundError(f"Patient {patient_id} does not exist.")
    early = {
        f: "must not be before the birth date"
        for f in _DATE_FIELDS
        if isinstance(getattr(record, f, None), date) and getattr(record, f) < row[0]
    }
    if early:
        raise FieldError(early)


def current_lesion_ids(cur: duckdb.DuckDBPyConnection, patient_id: int) -> set[int]:
    cond, params = in_force("l", None)
    rows = cur.execute(
        "SELECT coalesce(l.root_id, l.lesion_id) FROM lesion l WHERE l.patient_id = ? AND " + cond,  # noqa: S608
        [patient_id, *params],
    ).fetchall()
    return {int(r[0]) for r in rows}


def _check_links(cur: duckdb.DuckDBPyConnection, record: BaseModel) -> None:
    """Lesions a study, treatment or event names must be this patient's current lesions."""
    if isinstance(record, ImagingStudy | Treatment):
        named: tuple[int, ...] = tuple(record.lesion_ids)
        field = "lesion_ids"
    elif isinstance(record, ClinicalEvent) and record.lesion_id is not None:
        named, field = (record.lesion_id,), "lesion_id"
    else:
        return
    if named and set(named) - current_lesion_ids(cur, record.patient_id):
        raise FieldError({field: "names a lesion that is not one of this patient's current lesions"})


def _stamp(record: BaseModel, actor: Actor) -> BaseModel:
    """The surgeon's stability call carries its day and who made it (filled when left out)."""
    if isinstance(record, Lesion) and record.surgeon_stability is not None:
        update: dict[str, Any] = {}
        if record.surgeon_stability_on is None:
            update["surgeon_stability_on"] = date.today()
        if not record.surgeon_stability_by:
            update["surgeon_stability_by"] = _recorder(actor)
        return record.model_copy(update=update) if update else record
    return record


def _insert_version(
    cur: duckdb.DuckDBPyConnection,
    spec: FactTable,
    record: BaseModel,
    actor: Actor,
    *,
    root: int | None,
    supersedes: int | None,
    version: int,
    reason: str,
) -> int:
    cols = (*spec.columns, "root_id", "supersedes", "row_version", "recorded_at", "recorded_by_user_id", "recorded_by", "reason")
    values = [*row_values(record, spec.columns), root, supersedes, version, utc_now(), actor.user_id, _recorder(actor), reason]
    sql = "INSERT INTO {t} ({c}) VALUES ({p}) RETURNING {i}".format(  # noqa: S608
        t=spec.table, c=", ".join(cols), p=", ".join("?" for _ in cols), i=spec.pk
    )
    row = cur.execute(sql, values).fetchone()
    assert row is not None
    new_id = int(row[0])
    if isinstance(record, ImagingStudy) and record.lesion_ids:
        cur.execute(
            "INSERT INTO imaging_lesion (study_id, lesion_id) SELECT ?, unnest(?::BIGINT[])",
            [new_id, sorted(set(record.lesion_ids))],
        )
    return new_id


def add(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    record: Fact,
    *,
    token: str | None = None,
) -> int:
    """Add one clinical fact for a patient; returns its id (idempotent with a submission token)."""
    spec = spec_of(record)
    patient_id = record.patient_id
    fact_access.authorize(cur, actor, spec.table, patient_id=patient_id)
    _check_patient(cur, record)
    record = _stamp(record, actor)  # type: ignore[assignment]
    with transaction(cur):
        done = submissions.lookup(cur, token)
        if done is not None:
            return int(done)
        _check_links(cur, record)
        new_id = _insert_version(cur, spec, record, actor, root=None, supersedes=None, version=1, reason="")
        audit.record(cur, actor, "create", spec.table, new_id, after=_audit_view(record), patient_id=patient_id)
        submissions.remember(cur, token, spec.table, new_id)
    return new_id


def add_many(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    records: Sequence[Fact],
    *,
    token: str | None = None,
) -> list[int]:
    """Add several facts at once (a pasted grid, an import): all or nothing, one token."""
    for entity in sorted({spec_of(r).table for r in records}):
        fact_access.authorize(cur, actor, entity, patient_id=records[0].patient_id if records else None)
    with transaction(cur):
        done = submissions.lookup(cur, token)
        if done is not None:
            return [int(i) for i in done.split(",")]
        ids = [add(cur, actor, r) for r in records]
        submissions.remember(cur, token, "facts", ",".join(str(i) for i in ids))
    return ids


def _current_row(cur: duckdb.DuckDBPyConnection, spec: FactTable, fact_id: int) -> tuple[int, int, int, bool] | None:
    """(row id, row_version, patient_id, retracted) of the newest version of fact ``fact_id``."""
    sql = "SELECT " + spec.pk + ", row_version, patient_id, coalesce(retracted, FALSE) FROM " + spec.table  # noqa: S608
    sql += " WHERE coalesce(root_id, " + spec.pk + ") = ? AND superseded_by IS NULL"
    row = cur.execute(sql, [fact_id]).fetchone()
    return None if row is None else (int(row[0]), int(row[1]), int(row[2]), bool(row[3]))


def get(cur: duckdb.DuckDBPyConnection, entity: str, fact_id: int, *, include_retracted: bool = False) -> BaseModel:
    """The version of fact ``fact_id`` in force (NotFoundError if unknown or retracted)."""
    spec = FACTS[entity]
    cond = "" if include_retracted else " AND NOT coalesce(t.retracted, FALSE)"
    found = _load(cur, spec, f"coalesce(t.root_id, t.{spec.pk}) = ? AND t.superseded_by IS NULL{cond}", [fact_id])
    if not found:
        raise NotFoundError(f"{entity} {fact_id} does not exist or was retracted.")
    record: BaseModel = found[0]
    return record


def _validate_reason(reason: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise FieldError({"reason": "is required: say why the record is corrected or retracted"})
    if len(text) > 4000:
        raise FieldError({"reason": "must be at most 4000 characters"})
    return text


def correct(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    record: Fact,
    *,
    expected_version: int,
    reason: str,
    token: str | None = None,
) -> int:
    """Record a corrected version of the fact ``record`` names (by its id field); the previous
    version stays. Returns the fact's id. A stale ``expected_version`` raises VersionConflict."""
    spec = spec_of(record)
    fact_id = getattr(record, spec.pk)
    if fact_id is None:
        raise FieldError({spec.pk: "is required to correct a record"})
    text = _validate_reason(reason)
    fact_access.authorize(cur, actor, spec.table, fact_id, patient_id=record.patient_id)
    # a form may hand over a model_copy(update=...): validate the corrected version as a whole
    record = spec.model.model_validate(record.model_dump(warnings=False))  # type: ignore[assignment]
    _check_patient(cur, record)
    record = _stamp(record, actor)  # type: ignore[assignment]
    with transaction(cur):
        done = submissions.lookup(cur, token)
        if done is not None:
            return int(fact_id)
        now = _current_row(cur, spec, fact_id)
        if now is None:
            raise NotFoundError(f"{spec.table} {fact_id} does not exist.")
        row_id, version, patient_id, retracted = now
        if patient_id != record.patient_id:
            raise FieldError({"patient_id": "cannot change: a fact stays with its patient"})
        if retracted or version != expected_version:
            current = None if retracted else get(cur, spec.table, fact_id)
            raise VersionConflict(
                spec.table,
                None if current is None else current.model_dump(mode="json"),
                record.model_dump(mode="json"),
            )
        before = get(cur, spec.table, fact_id)
        _check_links(cur, record)
        new_row = _insert_version(cur, spec, record, actor, root=fact_id, supersedes=row_id, version=version + 1, reason=text)
        supersede = "UPDATE " + spec.table + " SET superseded_by = ?, superseded_at = ? WHERE "  # noqa: S608
        supersede += spec.pk + " = ? AND superseded_by IS NULL"
        n = cur.execute(supersede, [new_row, utc_now(), row_id]).fetchone()
        if not n or int(n[0]) != 1:
            raise VersionConflict(spec.table, before.model_dump(mode="json"), record.model_dump(mode="json"))
        audit.record(
            cur,
            actor,
            "correct",
            spec.table,
            fact_id,
            before=_audit_view(before),
            after=_audit_view(record),
            reason=text,
            patient_id=patient_id,
        )
        submissions.remember(cur, token, spec.table, new_row)
    return int(fact_id)


def retract(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    entity: str,
    fact_id: int,
    *,
    expected_version: int,
    reason: str,
    token: str | None = None,
) -> None:
    """Withdraw a fact recorded in error (it stays in the store and in its history)."""
    spec = FACTS[entity]
    text = _validate_reason(reason)
    now = _current_row(cur, spec, fact_id)
    if now is None:
        raise NotFoundError(f"{entity} {fact_id} does not exist.")
    fact_access.authorize(cur, actor, spec.table, fact_id, patient_id=now[2])
    with transaction(cur):
        if submissions.lookup(cur, token) is not None:
            return
        now = _current_row(cur, spec, fact_id)
        assert now is not None
        row_id, version, patient_id, retracted = now
        if retracted or version != expected_version:
            current = None if retracted else get(cur, entity, fact_id)
            raise VersionConflict(entity, None if current is None else current.model_dump(mode="json"), {"retracted": True})
        before = get(cur, entity, fact_id)
        mark = "UPDATE " + spec.table + " SET retracted = TRUE, retracted_at = ?, reason = ?, row_version = row_version + 1"  # noqa: S608
        mark += " WHERE " + spec.pk + " = ? AND superseded_by IS NULL AND NOT coalesce(retracted, FALSE)"
        cur.execute(mark, [utc_now(), text, row_id])
        audit.record(cur, actor, "retract", entity, fact_id, before=_audit_view(before), reason=text, patient_id=patient_id)
        submissions.remember(cur, token, entity, row_id)


def history(cur: duckdb.DuckDBPyConnection, entity: str, fact_id: int) -> list[dict[str, Any]]:
    """Every version of one fact, newest first: its content, who recorded it when, why it was
    corrected, whether and when it was superseded or retracted."""
    spec = FACTS[entity]
    cols = ", ".join(spec.columns)
    sql = "SELECT " + spec.pk + " AS row_id, row_version, " + cols
    sql += ", recorded_at, coalesce(recorded_by, '') AS recorded_by, reason, supersedes, superseded_at,"
    sql += " coalesce(retracted, FALSE) AS retracted, retracted_at FROM " + spec.table
    sql += " WHERE coalesce(root_id, " + spec.pk + ") = ? ORDER BY row_version DESC, " + spec.pk + " DESC"
    result = cur.execute(sql, [fact_id])
    names = [d[0] for d in result.description or []]
    return [dict(zip(names, r, strict=True)) for r in result.fetchall()]


# The lesions a study shows (a correlated list: no GROUP BY over the study's columns).
def study_lesion_ids(study: str) -> str:
    """The lesions study ``study`` (an alias) shows, as one ordered list (empty: none)."""
    return (
        "coalesce((SELECT list(il.lesion_id ORDER BY il.lesion_id) FROM imaging_lesion il"  # noqa: S608 - an alias of this module's queries
        f" WHERE il.study_id = {study}.study_id), ARRAY[]::BIGINT[]) AS lesion_ids"
    )


def _load(cur: duckdb.DuckDBPyConnection, spec: FactTable, where: str, params: Sequence[Any]) -> list[Any]:
    if spec.model is ImagingStudy:
        sql = (
            "SELECT "  # noqa: S608 - constant fragments; values are bound parameters
            + spec.select("t")
            + ", "
            + study_lesion_ids("t")
            + " FROM imaging_study t WHERE "
            + where
            + " ORDER BY t.study_date DESC, 1 DESC"
        )
    else:
        sql = "SELECT " + spec.select("t") + " FROM " + spec.table + " t WHERE " + where + " ORDER BY " + spec.order  # noqa: S608
    return fetch_models(cur, spec.model, sql, params)


# CaseFile section -> fact table, in the order load_facts returns them.
_FACT_KEYS = (
    ("lesions", "lesion"),
    ("studies", "imaging_study"),
    ("labs", "lab_result"),
    ("treatments", "treatment"),
    ("events", "clinical_event"),
)


def load_facts(
    cur: duckdb.DuckDBPyConnection, patient_id: int, *, known_by: datetime | None = None
) -> dict[str, tuple[Any, ...]]:
    """Every clinical fact of one patient in force (now, or as recorded by ``known_by``)."""
    cond, params = in_force("t", known_by)
    out: dict[str, tuple[Any, ...]] = {}
    for key, entity in _FACT_KEYS:
        out[key] = tuple(_load(cur, FACTS[entity], f"t.patient_id = ? AND {cond}", [patient_id, *params]))
    return out


def load_facts_of(cur: duckdb.DuckDBPyConnection, patient_ids: Sequence[int]) -> dict[int, dict[str, tuple[Any, ...]]]:
    """:func:`load_facts` (now) of many patients at once: one query per fact table, grouped by
    patient in Python. Each patient's facts come in the same order as :func:`load_facts` gives them
    (the ORDER BY is the same and unique per row)."""
    ids = sorted({int(p) for p in patient_ids})
    out: dict[int, dict[str, tuple[Any, ...]]] = {}
    if not ids:
        return out
    cond, params = in_force("t", None)
    where = f"t.patient_id BETWEEN ? AND ? AND t.patient_id IN (SELECT unnest(?::BIGINT[])) AND {cond}"
    grouped: dict[int, dict[str, list[Any]]] = {p: {} for p in ids}
    for key, entity in _FACT_KEYS:
        for fact in _load(cur, FACTS[entity], where, [ids[0], ids[-1], ids, *params]):
            grouped[fact.patient_id].setdefault(key, []).append(fact)
    for pid, facts in grouped.items():
        out[pid] = {key: tuple(facts.get(key, ())) for key, _ in _FACT_KEYS}
    return out


def update_lesion(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    lesion: Lesion,
    changes: dict[str, Any],
    *,
    reason: str = "lesion details updated",
) -> Lesion:
    """Correct some fields of a lesion read at ``lesion.row_version`` (a new version; see :func:`correct`)."""
    assert lesion.lesion_id is not None
    merged = Lesion.model_validate({**lesion.model_dump(exclude={"recorded_at", "recorded_by"}), **changes})
    correct(cur, actor, merged, expected_version=lesion.row_version, reason=reason)
    found = get(cur, "lesion", lesion.lesion_id)
    assert isinstance(found, Lesion)
    return found


def get_lesion(cur: duckdb.DuckDBPyConnection, lesion_id: int) -> Lesion:
    found = get(cur, "lesion", lesion_id)
    assert isinstance(found, Lesion)
    return found


def lab_frame(cur: duckdb.DuckDBPyConnection, patient_id: int) -> pd.DataFrame:
    cond, params = in_force("t", None)
    return cur.execute(
        "SELECT analyte, CAST(value AS DOUBLE PRECISION) AS value, unit, taken_on FROM lab_result t"  # noqa: S608
        f" WHERE patient_id = ? AND {cond} ORDER BY analyte, taken_on",
        [patient_id, *params],
    ).df()
