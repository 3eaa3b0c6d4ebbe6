"""Dated assessments of a case (table ``assessment``; core/assessments.py is the model).

One row is one value of one clinical field of a case (ECOG, Frankel, NRS, expected survival in
weeks, weight, ...) with the date it describes, who recorded it and when. A correction is a new
row naming the one it supersedes (reason required; ``supersedes`` is UNIQUE, so of two people
correcting the same row the second gets VersionConflict with both versions); a retraction is a new
row with ``retracted``. Every write is role-checked (``db.fact_access``), audited in the same
transaction (with the case's patient, so the case's board cache moves) and idempotent with a
submission token. Reads load many cases at once (batch scoring stays set-based).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import duckdb
from pydantic import ValidationError

from core.assessments import ASSESSED_FIELDS, Assessment, validate_value
from core.errors import FieldError, NotFoundError
from core.models import Actor
from db import audit, fact_access, submissions
from db.connection import transaction, utc_now
from db.versioning import VersionConflict

_COLUMNS = "assessment_id, case_id, field, value, observed_on, recorded_at, recorded_by, supersedes, retracted, reason"


def _case_patient(cur: duckdb.DuckDBPyConnection, case_id: int) -> tuple[int, date]:
    row = cur.execute("SELECT patient_id, referral_date FROM mdt_case WHERE case_id = ?", [case_id]).fetchone()
    if row is None:
        raise NotFoundError(f"Case {case_id} does not exist.")
    return int(row[0]), row[1]


def _birth(cur: duckdb.DuckDBPyConnection, patient_id: int) -> date:
    row = cur.execute("SELECT birth_date FROM patient WHERE patient_id = ?", [patient_id]).fetchone()
    assert row is not None
    return row[0]  # type: ignore[no-any-return]


def _from_row(row: tuple[Any, ...]) -> Assessment:
    return Assessment.model_validate(
        {
            "assessment_id": row[0],
            "case_id": row[1],
            "field": row[2],
            "value": None if row[3] is None else json.loads(row[3]),
            "observed_on": row[4],
            "recorded_at": row[5],
            "recorded_by": row[6],
            "supersedes": row[7],
            "retracted": row[8],
            "reason": row[9],
        }
    )


def _check_date(field: str, observed_on: date, birth: date) -> None:
    if observed_on > date.today():
        raise FieldError({"observed_on": "must not be in the future"})
    if observed_on < birth:
        raise FieldError({"observed_on": "must not be before the birth date"})
    del field


def _validated(case_id: int, field: str, value: object, observed_on: date, **extra: Any) -> Assessment:
    try:
        return Assessment(case_id=case_id, field=field, value=value, observed_on=observed_on, **extra)
    except ValidationError as exc:
        err = exc.errors(include_input=False, include_url=False)[0]
        msg = str(err["msg"]).removeprefix("Value error, ").removeprefix(f"{field}: ")
        raise FieldError({field: msg}) from None


def _insert(cur: duckdb.DuckDBPyConnection, actor: Actor, a: Assessment, at: datetime) -> int:
    row = cur.execute(
        "INSERT INTO assessment (case_id, field, value, observed_on, recorded_at, recorded_by_user_id, recorded_by,"
        " supersedes, retracted, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING assessment_id",
        [
            a.case_id,
            a.field,
            None if a.retracted else json.dumps(a.value, ensure_ascii=False),
            a.observed_on,
            at,
            actor.user_id,
            (actor.display_name or actor.username)[:200],
            a.supersedes,
            a.retracted,
            a.reason,
        ],
    ).fetchone()
    assert row is not None
    return int(row[0])


def add_many(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    case_id: int,
    values: Mapping[str, object],
    observed_on: date,
    *,
    token: str | None = None,
) -> list[int]:
    """Record several fields observed on one day (one form, one token, one transaction).

    Every value is validated as the ``Case`` field it fills; any bad value raises FieldError
    naming all bad fields and nothing is saved."""
    patient_id, _ = _case_patient(cur, case_id)
    fact_access.authorize(cur, actor, "assessment", case_id, patient_id=patient_id)
    _check_date("", observed_on, _birth(cur, patient_id))
    errors: dict[str, str] = {}
    rows: list[Assessment] = []
    for field, value in values.items():
        if field not in ASSESSED_FIELDS:
            errors[field] = "is not a dated clinical assessment"
            continue
        try:
            rows.append(_validated(case_id, field, value, observed_on))
        except FieldError as exc:
            errors |= exc.errors
    if errors:
        raise FieldError(errors)
    if not rows:
        raise FieldError({"form": "nothing to record"})
    with transaction(cur):
        done = submissions.lookup(cur, token)
        if done is not None:
            return [int(i) for i in done.split(",")]
        ids = write(cur, actor, case_id, patient_id, rows)
        submissions.remember(cur, token, "assessment", ",".join(str(i) for i in ids))
    return ids


def write(cur: duckdb.DuckDBPyConnection, actor: Actor, case_id: int, patient_id: int, rows: list[Assessment]) -> list[int]:
    """Insert validated assessments of one case and their audit row (inside the caller's
    transaction, after the caller checked the role)."""
    at = utc_now()
    ids = [_insert(cur, actor, a, at) for a in rows]
    by_day: dict[str, dict[str, object]] = defaultdict(dict)
    for a in rows:
        by_day[a.observed_on.isoformat()][a.field] = a.value
    audit.record(cur, actor, "create", "assessment", case_id, after=dict(by_day), patient_id=patient_id)
    return ids


def from_case(case_id: int, values: Mapping[str, object], observed_on: date) -> list[Assessment]:
    """Assessments for the clinical values a referral (or an imported case header) carries."""
    return [_validated(case_id, field, value, observed_on) for field, value in values.items()]


def add(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    case_id: int,
    field: str,
    value: object,
    observed_on: date,
    *,
    token: str | None = None,
) -> int:
    """Record one field observed on one day; returns the assessment id."""
    return add_many(cur, actor, case_id, {field: value}, observed_on, token=token)[0]


def get(cur: duckdb.DuckDBPyConnection, assessment_id: int) -> Assessment:
    row = cur.execute("SELECT " + _COLUMNS + " FROM assessment WHERE assessment_id = ?", [assessment_id]).fetchone()  # noqa: S608
    if row is None:
        raise NotFoundError(f"Assessment {assessment_id} does not exist.")
    return _from_row(row)


def _successor(cur: duckdb.DuckDBPyConnection, assessment_id: int) -> Assessment | None:
    row = cur.execute("SELECT " + _COLUMNS + " FROM assessment WHERE supersedes = ?", [assessment_id]).fetchone()  # noqa: S608
    return None if row is None else _from_row(row)


def _supersede(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    assessment_id: int,
    *,
    value: object,
    observed_on: date | None,
    reason: str,
    retract: bool,
    token: str | None,
) -> int:
    old = get(cur, assessment_id)
    patient_id, _ = _case_patient(cur, old.case_id)
    fact_access.authorize(cur, actor, "assessment", old.case_id, patient_id=patient_id)
    text = (reason or "").strip()
    if not text:
        raise FieldError({"reason": "is required: say why the value is corrected or retracted"})
    day = observed_on or old.observed_on
    _check_date(old.field, day, _birth(cur, patient_id))
    new = (
        _validated(old.case_id, old.field, None, day, supersedes=assessment_id, reason=text, retracted=True)
        if retract
        else _validated(old.case_id, old.field, value, day, supersedes=assessment_id, reason=text)
    )
    with transaction(cur):
        done = submissions.lookup(cur, token)
        if done is not None:
            return int(done)
        newer = _successor(cur, assessment_id)
        if newer is not None:
            raise VersionConflict("assessment", newer.model_dump(mode="json"), new.model_dump(mode="json"))
        try:
            new_id = _insert(cur, actor, new, utc_now())
        except duckdb.ConstraintException:
            raise VersionConflict("assessment", None, new.model_dump(mode="json")) from None
        audit.record(
            cur,
            actor,
            "retract" if retract else "correct",
            "assessment",
            old.case_id,
            before={"field": old.field, "value": old.value, "observed_on": old.observed_on, "assessment_id": assessment_id},
            after={"field": new.field, "value": new.value, "observed_on": new.observed_on, "retracted": retract},
            reason=text,
            patient_id=patient_id,
        )
        submissions.remember(cur, token, "assessment", new_id)
    return new_id


def correct(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    assessment_id: int,
    value: object,
    *,
    reason: str,
    observed_on: date | None = None,
    token: str | None = None,
) -> int:
    """A corrected value (and optionally date) for assessment ``assessment_id``, which stays in the
    history. The form passes the id it loaded: if someone corrected it meanwhile -> VersionConflict."""
    return _supersede(cur, actor, assessment_id, value=value, observed_on=observed_on, reason=reason, retract=False, token=token)


def retract(cur: duckdb.DuckDBPyConnection, actor: Actor, assessment_id: int, *, reason: str, token: str | None = None) -> int:
    """Withdraw a value recorded in error (it stays in the history)."""
    return _supersede(cur, actor, assessment_id, value=None, observed_on=None, reason=reason, retract=True, token=token)


def load(cur: duckdb.DuckDBPyConnection, case_ids: Iterable[int]) -> dict[int, list[Assessment]]:
    """Every assessment row of many cases (one query), grouped by case."""
    ids = sorted(set(case_ids))
    out: dict[int, list[Assessment]] = defaultdict(list)
    if not ids:
        return out
    rows = cur.execute(
        "SELECT " + _COLUMNS + " FROM assessment WHERE case_id BETWEEN ? AND ? AND list_contains(?, case_id)"  # noqa: S608
        " ORDER BY case_id, assessment_id",
        [ids[0], ids[-1], ids],
    ).fetchall()
    for row in rows:
        out[int(row[1])].append(_from_row(row))
    return out


def history(cur: duckdb.DuckDBPyConnection, case_id: int, field: str | None = None) -> list[Assessment]:
    """Every recorded value of a case (or of one field), newest first, corrections and retractions included."""
    rows = load(cur, [case_id]).get(case_id, [])
    if field is not None:
        rows = [a for a in rows if a.field == field]
    return sorted(rows, key=lambda a: (a.observed_on, a.recorded_at or datetime.min, a.assessment_id or 0), reverse=True)


def validate(field: str, value: object) -> object:
    """A value validated as ``field`` (FieldError naming the field)."""
    try:
        return validate_value(field, value)
    except ValueError as exc:
        raise FieldError({field: str(exc).removeprefix(f"{field}: ")}) from None


# SQL: the value in force now per (case, field), for lists and readiness (JSON text values).
_CURRENT_SQL = """
    SELECT case_id, field, value, observed_on FROM (
        SELECT a.*, row_number() OVER (
            PARTITION BY a.case_id, a.field ORDER BY a.observed_on DESC, a.recorded_at DESC, a.assessment_id DESC
        ) AS rn
        FROM assessment a
        WHERE a.observed_on <= current_date{cases}
          AND NOT EXISTS (SELECT 1 FROM assessment b WHERE b.supersedes = a.assessment_id)
    ) ranked WHERE rn = 1 AND NOT retracted
"""
CURRENT_SQL = _CURRENT_SQL.format(cases="")


def current_sql_of(cases: str) -> str:
    """:data:`CURRENT_SQL` for the cases a constant subquery names (``SELECT case_id FROM page``),
    filtered before the ranking: PostgreSQL does not push a semi-join into a window subquery, so
    a filter outside it would rank the whole store's assessments first."""
    return _CURRENT_SQL.format(cases=" AND a.case_id IN (" + cases + ")")


def _typed(field: str) -> str:
    """SQL turning the JSON text of ``field``'s value into the column type the case header had."""
    from typing import get_args, get_origin

    from core.models import Case

    annotation = Case.model_fields[field].annotation
    v = f"max(value) FILTER (WHERE field = '{field}')"
    if get_origin(annotation) is tuple:
        return f"""coalesce(from_json({v}, '["VARCHAR"]'), ARRAY[]::VARCHAR[])"""
    kinds = {a for a in get_args(annotation) or (annotation,) if a is not type(None)}
    if kinds <= {bool}:
        return f"coalesce(CAST({v} AS BOOLEAN), FALSE)" if Case.model_fields[field].default is False else f"CAST({v} AS BOOLEAN)"
    if kinds <= {int}:
        return f"CAST({v} AS INTEGER)"
    if any(getattr(k, "__name__", "") == "Decimal" for k in kinds):
        return f"CAST(json_extract_string({v}, '$') AS DECIMAL(8,2))"
    return f"json_extract_string({v}, '$')"


def wide_sql() -> str:
    """SQL of one row per case with a column per assessed field holding the value in force now
    (typed as the case header's columns were), for set-based reads such as analytics."""
    cols = ",\n       ".join(f"{_typed(f)} AS {f}" for f in ASSESSED_FIELDS)
    return f"SELECT case_id,\n       {cols}\nFROM ({CURRENT_SQL}) current_values GROUP BY case_id"
