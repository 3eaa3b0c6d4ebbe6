"""Patients and cases (the case aggregate's header): referral, demographics, clinical header.

Every write takes the acting user, checks the role, and writes its audit row in the same
transaction. Updates are optimistic (``row_version``): a stale form ends in ConflictError.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import duckdb
import pandas as pd

from core.assessments import ASSESSED_FIELDS, project
from core.errors import ConflictError, FieldError, NotFoundError
from core.meeting_rules import ReadinessFacts
from core.models import Actor, Case, CaseFile, CaseStatus, Patient
from core.permissions import Capability
from db import assessments, audit, clinical, submissions
from db.connection import transaction
from db.rows import fetch_models, insert, update

# The case header: referral, demographics, tumour. The clinical state (ECOG, Frankel, pain, ...) is
# not a column of the case but dated assessments (db/assessments.py), projected onto the Case.
CASE_COLUMNS = tuple(
    f for f in Case.model_fields if f not in ("case_id", "row_version", "created_at") and f not in ASSESSED_FIELDS
)
# Fields a member (clinical role) may change; the rest is the coordinator's demographics/referral.
CLINICAL_FIELDS = frozenset(
    {
        "histology",
        "diagnosis_date",
        "er",
        "pr",
        "her2",
        "egfr",
        "alk",
        "castration",
        "postmenopausal",
        "ecog",
        "kps",
        "frankel",
        "frankel_new",
        "neuro_assessed",
        "neuro_signs",
        "spinal_pain_signs",
        "nrs",
        "pain_character",
        "on_step3_opioid",
        "visceral_mets",
        "visceral_treatable",
        "visceral_removable",
        "expected_survival_weeks",
        "fit_for_surgery",
        "prior_chemotherapy",
        "prior_mcrpc_lines",
        "weight_kg",
        "height_cm",
        "fever",
        "calcium_symptoms",
        "dental_clearance",
        "jaw_or_thigh_symptoms",
        "active_bleeding",
        "comorbidities",
        "coagulopathy",
        "infection",
        "paraplegia_over_48h",
        "primary_controlled",
        "surgery_planned",
        "lymph_node_max_cm",
        "ineligible_for_other_treatment",
        "growth_override",
    }
) - frozenset(ASSESSED_FIELDS)


def _patient_values(p: Patient) -> dict[str, Any]:
    return {
        "mrn": p.mrn,
        "mrn_folded": p.mrn_folded,
        "display_name": p.display_name,
        "sex": p.sex.value,
        "birth_date": p.birth_date,
        "synthetic": p.synthetic,
    }


def refer(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    patient: Patient,
    case: Case,
    *,
    token: str | None = None,
) -> int:
    """Refer a new patient to the MDT: creates the patient and the case; returns the case id."""
    audit.authorize(cur, actor, Capability.CREATE_CASE, "mdt_case")
    if case.referral_date < patient.birth_date:
        raise FieldError({"referral_date": "must not be before the birth date"})
    with transaction(cur):
        done = submissions.lookup(cur, token)
        if done is not None:
            return int(done)
        if cur.execute("SELECT 1 FROM patient WHERE mrn_folded = ?", [patient.mrn_folded]).fetchone():
            raise FieldError({"mrn": "is already registered (MRNs are compared without case)"})
        values = _patient_values(patient)
        row = cur.execute(
            "INSERT INTO patient (mrn, mrn_folded, display_name, sex, birth_date, synthetic)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING patient_id",
            list(values.values()),
        ).fetchone()
        assert row is not None
        patient_id = int(row[0])
        new_case = case.model_copy(update={"patient_id": patient_id})
        case_id = insert(cur, "mdt_case", new_case, CASE_COLUMNS, "case_id")
        audit.record(
            cur, actor, "create", "patient", patient_id, after={"mrn": "(set)", "sex": patient.sex.value}, patient_id=patient_id
        )
        audit.record(cur, actor, "create", "mdt_case", case_id, after=_audit_view(new_case), patient_id=patient_id)
        _referral_assessments(cur, actor, new_case, case_id, patient_id)
        submissions.remember(cur, token, "mdt_case", case_id)
    return case_id


_DEFAULTS: dict[str, Any] = {
    f: (lambda d: list(d) if isinstance(d, tuple) else d)(Case.model_fields[f].get_default(call_default_factory=True))
    for f in ASSESSED_FIELDS
}


def assessed_values(case: Case) -> dict[str, Any]:
    """The clinical values a Case carries that differ from "unknown" (the field's default: None,
    False or empty), JSON form."""
    data = case.model_dump(mode="json", include=set(ASSESSED_FIELDS))
    return {f: v for f, v in data.items() if v is not None and v != _DEFAULTS[f]}


def _referral_assessments(cur: duckdb.DuckDBPyConnection, actor: Actor, case: Case, case_id: int, patient_id: int) -> None:
    """Clinical values given with a referral become assessments dated at the referral."""
    values = assessed_values(case)
    if values:
        assessments.write(cur, actor, case_id, patient_id, assessments.from_case(case_id, values, case.referral_date))


def refer_existing(cur: duckdb.DuckDBPyConnection, actor: Actor, case: Case, *, token: str | None = None) -> int:
    """A new referral episode for a patient already in the store."""
    audit.authorize(cur, actor, Capability.CREATE_CASE, "mdt_case", patient_id=case.patient_id)
    get_patient(cur, case.patient_id)
    with transaction(cur):
        done = submissions.lookup(cur, token)
        if done is not None:
            return int(done)
        case_id = insert(cur, "mdt_case", case, CASE_COLUMNS, "case_id")
        audit.record(cur, actor, "create", "mdt_case", case_id, after=_audit_view(case), patient_id=case.patient_id)
        _referral_assessments(cur, actor, case, case_id, case.patient_id)
        submissions.remember(cur, token, "mdt_case", case_id)
    return case_id


def _audit_view(case: Case) -> dict[str, Any]:
    """What the audit keeps of a case: coded fields; free text only by length (no PHI in logs)."""
    data = case.model_dump(mode="json", exclude={"created_at", *ASSESSED_FIELDS})
    for key in ("question", "comorbidities", "patient_wishes", "referrer", "key_worker"):
        data[key] = f"({len(data[key])} chars)"
    return data


def get_patient(cur: duckdb.DuckDBPyConnection, patient_id: int) -> Patient:
    found = fetch_models(
        cur,
        Patient,
        "SELECT patient_id, mrn, display_name, sex, birth_date, synthetic FROM patient WHERE patient_id = ?",
        [patient_id],
    )
    if not found:
        raise NotFoundError(f"Patient {patient_id} does not exist.")
    return found[0]


def get_case(cur: duckdb.DuckDBPyConnection, case_id: int) -> Case:
    cols = ", ".join(("case_id", *CASE_COLUMNS, "row_version", "created_at"))
    found = fetch_models(cur, Case, "SELECT " + cols + " FROM mdt_case WHERE case_id = ?", [case_id])  # noqa: S608
    if not found:
        raise NotFoundError(f"Case {case_id} does not exist.")
    return found[0]


def case_exists(cur: duckdb.DuckDBPyConnection, case_id: int) -> bool:
    return cur.execute("SELECT 1 FROM mdt_case WHERE case_id = ?", [case_id]).fetchone() is not None


def end_of(day: date) -> datetime:
    """The record-time cut-off of "the board as it was on ``day``": what was recorded by its end."""
    return datetime.combine(day, time.max)


def load_case_file(
    cur: duckdb.DuckDBPyConnection, case_id: int, as_of: date | None = None, *, known_by: datetime | None = None
) -> CaseFile:
    """The whole case as the board sees it (read-only; opening is audited by the page).

    The clinical fields of the case are the dated assessments in force on ``as_of`` (their dates in
    ``CaseFile.observed``); corrected and retracted versions of facts are left out. With
    ``known_by`` (e.g. :func:`end_of` a past day) only what was recorded by then counts, as it
    stood then: later corrections and retractions are undone.
    """
    day = as_of or date.today()
    cutoff = known_by
    header = get_case(cur, case_id)
    case, observed = project(header, assessments.load(cur, [case_id]).get(case_id, []), as_of=day, recorded_by=cutoff)
    patient = get_patient(cur, case.patient_id)
    facts = clinical.load_facts(cur, case.patient_id, known_by=cutoff)
    return CaseFile(case=case, patient=patient, as_of=day, observed=observed, **facts)


def update_case(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    case: Case,
    changes: dict[str, Any],
    *,
    reason: str | None = None,
) -> Case:
    """Apply ``changes`` to a case read at ``case.row_version``; returns the updated case.

    Clinical fields need EDIT_CLINICAL; referral/demographic fields need EDIT_DEMOGRAPHICS.
    """
    assert case.case_id is not None
    dated = set(changes) & set(ASSESSED_FIELDS)
    if dated:
        raise FieldError(dict.fromkeys(sorted(dated), "is a dated assessment: record it with its date (db.assessments)"))
    unknown = set(changes) - set(CASE_COLUMNS)
    if unknown:
        raise FieldError(dict.fromkeys(sorted(unknown), "cannot be changed here"))
    if "patient_id" in changes and changes["patient_id"] != case.patient_id:
        # A case belongs to one patient for life: moving it would re-attribute its record.
        raise FieldError({"patient_id": "a case cannot be moved to another patient"})
    clinical_change = bool(set(changes) & CLINICAL_FIELDS)
    other_change = bool(set(changes) - CLINICAL_FIELDS)
    if clinical_change:
        audit.authorize(cur, actor, Capability.EDIT_CLINICAL, "mdt_case", case.case_id, patient_id=case.patient_id)
    if other_change:
        audit.authorize(cur, actor, Capability.EDIT_DEMOGRAPHICS, "mdt_case", case.case_id, patient_id=case.patient_id)
    merged = Case.model_validate({**case.model_dump(), **changes})
    cols = tuple(sorted(changes))
    with transaction(cur):
        n = update(cur, "mdt_case", merged, cols, "case_id", case.case_id, case.row_version)
        if n != 1:
            raise ConflictError(
                "This case was changed by someone else since you opened it; nothing was saved. Reload to see the current version."
            )
        before = {k: _jsonable(getattr(case, k)) for k in cols}
        after = {k: _jsonable(getattr(merged, k)) for k in cols}
        audit.record(
            cur, actor, "update", "mdt_case", case.case_id, before=before, after=after, reason=reason, patient_id=case.patient_id
        )
    return get_case(cur, case.case_id)


def _jsonable(value: Any) -> Any:
    if isinstance(value, str) and len(value) > 40:
        return f"({len(value)} chars)"
    return value


def set_status(cur: duckdb.DuckDBPyConnection, actor: Actor, case_id: int, status: CaseStatus) -> None:
    case = get_case(cur, case_id)
    audit.authorize(cur, actor, Capability.BUILD_AGENDA, "mdt_case", case_id, patient_id=case.patient_id)
    with transaction(cur):
        cur.execute(
            "UPDATE mdt_case SET status = ?, row_version = row_version + 1 WHERE case_id = ?",
            [status.value, case_id],
        )
        audit.record(
            cur,
            actor,
            "update",
            "mdt_case",
            case_id,
            before={"status": case.status.value},
            after={"status": status.value},
            patient_id=case.patient_id,
        )


def list_cases(
    cur: duckdb.DuckDBPyConnection,
    *,
    text: str | None = None,
    statuses: list[str] | None = None,
    primaries: list[str] | None = None,
    priorities: list[str] | None = None,
    streams: list[str] | None = None,
    limit: int = 300,
) -> pd.DataFrame:
    """The case list with filters, one set-based query (next meeting and lesion count joined)."""
    like = f"%{text.strip().lower()}%" if text and text.strip() else None
    return cur.execute(
        """
        WITH page AS ("""  # noqa: S608 (constant SQL fragments; every value is bound)
        + """
            SELECT c.case_id, c.patient_id, p.mrn, p.display_name AS patient, p.sex,
                   date_diff('year', p.birth_date, current_date) AS age,
                   c.primary_tumour, c.status, c.priority, c.stream, c.referral_date, c.lecture_case
            FROM mdt_case c JOIN patient p USING (patient_id)
            WHERE (?::VARCHAR IS NULL OR lower(p.display_name) LIKE ? OR p.mrn_folded LIKE ?
                   OR CAST(c.case_id AS VARCHAR) = trim(?))
              AND (?::VARCHAR[] IS NULL OR list_contains(?, c.status))
              AND (?::VARCHAR[] IS NULL OR list_contains(?, c.primary_tumour))
              AND (?::VARCHAR[] IS NULL OR list_contains(?, c.priority))
              AND (?::VARCHAR[] IS NULL OR list_contains(?, c.stream))
            ORDER BY CASE c.priority WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END,
                     c.referral_date DESC, c.case_id DESC
            LIMIT ?
        ), lesions AS (
            SELECT patient_id, count(*) AS lesions FROM lesion
            WHERE patient_id IN (SELECT patient_id FROM page) AND superseded_by IS NULL AND NOT coalesce(retracted, FALSE)
            GROUP BY patient_id
        ), clin AS (
            SELECT case_id,
                   CAST(max(value) FILTER (WHERE field = 'ecog') AS INTEGER) AS ecog,
                   trim(max(value) FILTER (WHERE field = 'frankel'), '"') AS frankel,
                   CAST(max(value) FILTER (WHERE field = 'nrs') AS INTEGER) AS nrs
            FROM ("""
        + assessments.current_sql_of("SELECT case_id FROM page")
        + """) current_values WHERE field IN ('ecog', 'frankel', 'nrs') GROUP BY case_id
        ), next_item AS (
            SELECT a.case_id, min(m.meeting_date) AS next_meeting
            FROM agenda_item a JOIN meeting m USING (meeting_id)
            WHERE a.case_id IN (SELECT case_id FROM page) AND m.status <> 'closed' AND a.status = 'listed'
            GROUP BY a.case_id
        )
        SELECT page.case_id, page.mrn, page.patient, page.sex, page.age, page.primary_tumour, page.status,
               page.priority, page.stream, page.referral_date, clin.ecog, clin.frankel, clin.nrs, page.lecture_case,
               coalesce(lesions.lesions, 0) AS lesions, next_item.next_meeting
        FROM page LEFT JOIN lesions USING (patient_id) LEFT JOIN next_item USING (case_id) LEFT JOIN clin USING (case_id)
        ORDER BY CASE page.priority WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END,
                 page.referral_date DESC, page.case_id DESC
        """,
        [
            like,
            like,
            like,
            text,
            statuses or None,
            statuses or None,
            primaries or None,
            primaries or None,
            priorities or None,
            priorities or None,
            streams or None,
            streams or None,
            limit,
        ],
    ).df()


def case_choices(cur: duckdb.DuckDBPyConnection, *, include: int | None = None, limit: int = 500) -> list[tuple[int, str]]:
    """(case_id, label) for the case picker: open cases first, newest referrals first, at most
    ``limit`` of them (the Cases page searches the whole store), plus ``include`` if given."""
    rows = cur.execute(
        """
        SELECT c.case_id, p.display_name, p.mrn, c.primary_tumour FROM mdt_case c JOIN patient p USING (patient_id)
        WHERE c.case_id IN (
            SELECT case_id FROM mdt_case ORDER BY (status = 'closed'), referral_date DESC, case_id DESC LIMIT ?
        ) OR c.case_id = ?
        ORDER BY c.case_id
        """,
        [limit, include],
    ).fetchall()
    return [(int(r[0]), f"#{r[0]} · {r[1]} · {r[2]} · {r[3]}") for r in rows]


def readiness_facts(cur: duckdb.DuckDBPyConnection, case_ids: list[int] | None = None) -> dict[int, ReadinessFacts]:
    """Readiness facts for many cases in one set-based query (the rule itself is core's)."""
    live = "superseded_by IS NULL AND NOT coalesce(retracted, FALSE)"
    # ``sel`` first: every aggregate reads only the selected cases' patients (an index lookup on
    # PostgreSQL, not an aggregate over the whole store's labs).
    rows = cur.execute(
        """WITH sel AS (SELECT case_id, patient_id FROM mdt_case WHERE ?::BIGINT[] IS NULL OR list_contains(?, case_id)),
        les AS (SELECT patient_id, count(*) AS n FROM lesion WHERE patient_id IN (SELECT patient_id FROM sel) AND """  # noqa: S608 (constant fragments)
        + live
        + """ GROUP BY patient_id),
        img AS (SELECT patient_id, max(study_date) AS latest FROM imaging_study
                WHERE patient_id IN (SELECT patient_id FROM sel) AND """
        + live
        + """ GROUP BY patient_id),
        lab AS (SELECT patient_id,
                       max(taken_on) FILTER (WHERE analyte = 'calcium') AS calcium,
                       max(taken_on) FILTER (WHERE analyte = 'creatinine') AS creatinine
                FROM lab_result WHERE analyte IN ('calcium', 'creatinine') AND patient_id IN (SELECT patient_id FROM sel) AND """
        + live
        + """ GROUP BY patient_id),
        clin AS (SELECT case_id,
                        bool_or(field IN ('ecog', 'kps')) AS performance,
                        bool_or(field = 'frankel' OR (field = 'neuro_assessed' AND value = 'true')) AS neurology,
                        bool_or(field = 'nrs') AS pain
                 FROM ("""
        + assessments.current_sql_of("SELECT case_id FROM sel")
        + """) current_values GROUP BY case_id)
        SELECT c.case_id, length(trim(c.question)) > 0, c.histology IS NOT NULL, coalesce(les.n, 0),
               coalesce(clin.performance, FALSE), coalesce(clin.neurology, FALSE),
               coalesce(clin.pain, FALSE), length(trim(c.patient_wishes)) > 0, img.latest, lab.calcium, lab.creatinine
        FROM mdt_case c JOIN sel USING (case_id, patient_id)
        LEFT JOIN les USING (patient_id) LEFT JOIN img USING (patient_id) LEFT JOIN lab USING (patient_id)
        LEFT JOIN clin USING (case_id)
        """,
        [case_ids, case_ids],
    ).fetchall()
    return {
        int(r[0]): ReadinessFacts(
            question=bool(r[1]),
            histology=bool(r[2]),
            lesions=int(r[3]),
            performance=bool(r[4]),
            neurology=bool(r[5]),
            pain=bool(r[6]),
            wishes=bool(r[7]),
            latest_imaging=r[8],
            latest_calcium=r[9],
            latest_creatinine=r[10],
        )
        for r in rows
    }
