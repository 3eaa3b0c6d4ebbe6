"""Writing imported cases into the store, and reading a stored case out as a case file.

One file is one transaction: every document is validated first (core.interop), and a single
refusal means nothing is written. A patient is matched by MRN (case-folded) and never overwritten:
new facts are added, a differing demographic or case-header value is reported and the stored value
kept. Facts are de-duplicated by content, so importing the same file twice adds nothing. Rows go
in with set-based appends (ids drawn from the sequences in one query per table), and every patient
touched gets its audit row in the same transaction.

Dated assessments go into table ``assessment`` (:func:`_write_assessments`), de-duplicated by
field, value and date like the other facts.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

import duckdb
from pydantic import BaseModel

from core.assessments import ASSESSED_FIELDS, Assessment
from core.casefile import CaseDocument
from core.errors import PermissionDeniedError
from core.interop.documents import Parsed
from core.interop.report import ImportReport
from core.models import Actor, Case, CaseFile, CaseStatus, ClinicalEvent, ImagingStudy, LabResult, Lesion, Role, Treatment
from db import audit
from db.assessments import load as load_assessments
from db.cases import CASE_COLUMNS, load_case_file
from db.clinical import EVENT_COLUMNS, LAB_COLUMNS, LESION_COLUMNS, STUDY_COLUMNS, TREATMENT_COLUMNS, load_facts_of
from db.connection import transaction, utc_now
from db.rows import bulk_insert, fetch_models

IMPORT_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR})
_HEADER_FIELDS = tuple(f for f in CASE_COLUMNS if f not in ASSESSED_FIELDS and f not in ("patient_id", "status", "lecture_case"))


class _Rollback(Exception):
    """Raised at the end of a dry run so that nothing it did stays."""


def authorize_import(cur: duckdb.DuckDBPyConnection, actor: Actor) -> None:
    """Imports are for the administrator and the coordinator (audited denial otherwise)."""
    if actor.role in IMPORT_ROLES and actor.user_id >= 0:
        return
    audit.record(cur, actor, "denied", "import", None, reason=f"role {actor.role.value} may not import", outcome="denied")
    raise PermissionDeniedError(f"Your role ({actor.role.value}) does not allow imports; nothing was changed.")


# ---------------------------------------------------------------------------------------------
# Content keys (a fact already stored with the same content is not added again)


# Values that are their own content key (no ``.value``, nothing to normalise).
_AS_IS = frozenset({str, int, float, bool, type(None), date, datetime})


def _plain(value: Any) -> Any:
    if type(value) in _AS_IS:
        return value
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, tuple | list):
        return tuple(_plain(v) for v in value)
    return getattr(value, "value", value)


@functools.cache
def _content_fields(model: type[BaseModel], exclude: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(k for k in model.model_fields if k not in exclude)


def _key(model: BaseModel, exclude: tuple[str, ...]) -> tuple[Any, ...]:
    values = model.__dict__  # a pydantic model's field values
    return tuple((k, _plain(values[k])) for k in _content_fields(type(model), exclude))


def _lesion_site(lesion: Lesion) -> tuple[Any, ...]:
    values = lesion.__dict__
    return tuple(_plain(values[k]) for k in ("bone", "level", "side", "segment", "lesion_type"))


# Row ids and the store's bookkeeping: not part of what a fact says.
_NOT_CONTENT = ("study_id", "lab_id", "treatment_id", "event_id", "patient_id", "row_version", "recorded_at", "recorded_by")
_IDS = (
    "patient_id",
    "lesion_id",
    "lesion_ids",
    "study_id",
    "lab_id",
    "treatment_id",
    "event_id",
    "row_version",
    "recorded_at",
    "recorded_by",
)


# ---------------------------------------------------------------------------------------------
# The plan of one file: rows to add, per table


@dataclass
class ImportPlan:
    patients: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    lesions: list[dict[str, Any]] = field(default_factory=list)
    studies: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    labs: list[dict[str, Any]] = field(default_factory=list)
    treatments: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    # case id -> (assessments, the case as projected from them when the case is new, else None)
    assessments: dict[int, tuple[list[Assessment], Case | None]] = field(default_factory=dict)
    touched: dict[int, dict[str, int]] = field(default_factory=dict)  # patient id -> table -> rows
    created_patients: set[int] = field(default_factory=set)


class IdSource(Protocol):
    """Where the ids of new rows come from: ``draw(sequence, n)`` gives ``n`` fresh ids."""

    def draw(self, seq: str, n: int) -> list[int]: ...


class _Ids:
    """Ids for new rows, drawn from the store's sequences in blocks (one query per block of 512,
    or one for everything :meth:`reserve`d); a dry run draws nothing (negative placeholders).
    Unused ids of a block leave a gap, as any rolled-back insert does."""

    BLOCK = 512

    def __init__(self, cur: duckdb.DuckDBPyConnection, dry_run: bool) -> None:
        self.cur, self.dry_run, self.fake = cur, dry_run, 0
        self.pool: dict[str, list[int]] = {}

    def draw(self, seq: str, n: int) -> list[int]:
        if n == 0:
            return []
        if self.dry_run:
            self.fake -= n
            return list(range(self.fake, self.fake + n))
        pool = self.pool.setdefault(seq, [])
        if len(pool) < n:
            rows = self.cur.execute("SELECT nextval(?) FROM range(?)", [seq, max(n - len(pool), self.BLOCK)]).fetchall()
            pool.extend(int(r[0]) for r in rows)
        out, self.pool[seq] = pool[:n], pool[n:]
        return out

    def reserve(self, seq: str, n: int) -> None:
        """Draw at least ``n`` ids of ``seq`` in one query (the rows a file's new patients bring)."""
        pool = self.pool.setdefault(seq, [])
        if self.dry_run or n <= len(pool):
            return
        rows = self.cur.execute("SELECT nextval(?) FROM range(?)", [seq, n - len(pool)]).fetchall()
        pool.extend(int(r[0]) for r in rows)


def _row(model: BaseModel, columns: Sequence[str], **extra: Any) -> dict[str, Any]:
    return {**{c: getattr(model, c) for c in columns}, **extra}


def _existing(cur: duckdb.DuckDBPyConnection, folded: list[str]) -> dict[str, int]:
    rows = cur.execute("SELECT mrn_folded, patient_id FROM patient WHERE list_contains(?, mrn_folded)", [folded]).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


@dataclass
class _Stored:
    """What the store holds about the matched patients, read set-based (one query per table)."""

    demographics: dict[int, tuple[Any, ...]]  # patient id -> (display_name, sex, birth_date)
    cases: dict[int, list[Case]]  # patient id -> its cases, by case id
    facts: dict[int, dict[str, tuple[Any, ...]]]  # patient id -> load_facts(patient)


def _stored(cur: duckdb.DuckDBPyConnection, patient_ids: Sequence[int]) -> _Stored:
    ids = sorted(set(patient_ids))
    if not ids:
        return _Stored({}, {}, {})
    scope = [ids[0], ids[-1], ids]
    of_ids = "patient_id BETWEEN ? AND ? AND patient_id IN (SELECT unnest(?::BIGINT[]))"
    rows = cur.execute("SELECT patient_id, display_name, sex, birth_date FROM patient WHERE " + of_ids, scope).fetchall()  # noqa: S608
    cols = ", ".join(("case_id", *CASE_COLUMNS, "row_version", "created_at"))
    cases: dict[int, list[Case]] = {p: [] for p in ids}
    for case in fetch_models(cur, Case, "SELECT " + cols + " FROM mdt_case WHERE " + of_ids + " ORDER BY case_id", scope):  # noqa: S608
        cases[case.patient_id].append(case)
    return _Stored({int(r[0]): tuple(r[1:]) for r in rows}, cases, load_facts_of(cur, ids))


_SEQUENCES = (
    ("seq_lesion", "lesions"),
    ("seq_study", "studies"),
    ("seq_lab", "labs"),
    ("seq_treatment", "treatments"),
    ("seq_event", "events"),
)
_NO_FACTS: dict[str, tuple[Any, ...]] = {"lesions": (), "studies": (), "labs": (), "treatments": (), "events": ()}


def _plan(cur: duckdb.DuckDBPyConnection, parsed: list[Parsed], report: ImportReport, ids: _Ids) -> ImportPlan:
    plan = ImportPlan()
    folded = [p.case_file.patient.mrn_folded for p in parsed]
    seen: dict[str, int] = {}
    for i, mrn in enumerate(folded):
        if mrn in seen:
            report.refuse(f"{parsed[i].label}: patient.mrn", f"repeats the MRN of {parsed[seen[mrn]].label} in this file")
        seen.setdefault(mrn, i)
    if report.refused:
        return plan
    stored = _existing(cur, folded)
    new_patient_ids = iter(ids.draw("seq_patient", sum(1 for m in folded if m not in stored)))
    # A new patient's rows are all new (but for repeats inside its document): their ids in one draw per table.
    new = [p for p in parsed if p.case_file.patient.mrn_folded not in stored]
    ids.reserve("seq_case", len(new))
    ids.reserve("seq_assessment", sum(len(p.assessments) for p in new))
    for seq, section in _SEQUENCES:
        ids.reserve(seq, sum(len(getattr(p.case_file, section)) for p in new))
    # The matched patients' demographics, cases and facts: one query per table for all of them.
    known = _stored(cur, list(stored.values()))
    for p in parsed:
        cf = p.case_file
        pid = stored.get(cf.patient.mrn_folded)
        if pid is None:
            pid = next(new_patient_ids)
            _plan_patient(plan, cf, pid)
            facts = dict(_NO_FACTS)
            cases: list[Case] = []
        else:
            report.matched_patients += 1
            _compare_patient(known.demographics[pid], cf, p.label, report)
            facts = known.facts[pid]
            cases = known.cases[pid]
        counts = plan.touched.setdefault(pid, {})
        _plan_case(plan, p, pid, cases, report, ids, counts)
        _plan_facts(plan, p, pid, facts, ids, counts)
    return plan


def _plan_patient(plan: ImportPlan, cf: CaseFile, pid: int) -> None:
    plan.created_patients.add(pid)
    plan.patients.append(
        {
            "patient_id": pid,
            "mrn": cf.patient.mrn,
            "mrn_folded": cf.patient.mrn_folded,
            "display_name": cf.patient.display_name,
            "sex": cf.patient.sex.value,
            "birth_date": cf.patient.birth_date,
            "synthetic": cf.patient.synthetic,
        }
    )


def plan_new_patient(p: Parsed, ids: IdSource) -> ImportPlan:
    """The rows one validated document adds for a patient new to the store, exactly as an import
    of it would write them (ids from ``ids``), without touching a store. The demo dataset builds
    its lecture cases with it (db/demo_lecture.py); :func:`write_import` plans the same way."""
    plan = ImportPlan()
    (pid,) = ids.draw("seq_patient", 1)
    _plan_patient(plan, p.case_file, pid)
    counts = plan.touched.setdefault(pid, {})
    _plan_case(plan, p, pid, [], ImportReport(source=p.label), ids, counts)
    _plan_facts(plan, p, pid, dict(_NO_FACTS), ids, counts)
    return plan


def _compare_patient(row: tuple[Any, ...], cf: CaseFile, label: str, report: ImportReport) -> None:
    theirs = (cf.patient.display_name, cf.patient.sex.value, cf.patient.birth_date)
    for name, mine, other in zip(("display_name", "sex", "birth_date"), row, theirs, strict=True):
        if mine != other:
            report.conflicts.append(f"{label}: patient.{name} differs from the stored patient (MRN matched); stored value kept")


def _plan_case(
    plan: ImportPlan, p: Parsed, pid: int, cases: list[Case], report: ImportReport, ids: IdSource, counts: dict[str, int]
) -> None:
    cf = p.case_file
    assessments = list(p.assessments)
    match = next(
        (c for c in cases if c.referral_date == cf.case.referral_date and c.primary_tumour == cf.case.primary_tumour), None
    )
    if match is not None and match.case_id is not None:
        for name in _HEADER_FIELDS:
            if _plain(getattr(match, name)) != _plain(getattr(cf.case, name)):
                report.conflicts.append(f"{p.label}: case.{name} differs from stored case {match.case_id}; stored value kept")
        plan.assessments[match.case_id] = (assessments, None)
        return
    (case_id,) = ids.draw("seq_case", 1)
    # The document's header, validated when it was read (against the importer's clock); a new
    # case starts as referred.
    header = cf.case.model_copy(update={"patient_id": pid, "status": CaseStatus.REFERRED, "lecture_case": None})
    plan.cases.append(_row(header, CASE_COLUMNS, case_id=case_id))
    plan.assessments[case_id] = (assessments, cf.case)
    counts["mdt_case"] = counts.get("mdt_case", 0) + 1


def _plan_facts(
    plan: ImportPlan, p: Parsed, pid: int, facts: dict[str, tuple[Any, ...]], ids: IdSource, counts: dict[str, int]
) -> None:
    cf = p.case_file

    def bump(table: str, n: int = 1) -> None:
        if n:
            counts[table] = counts.get(table, 0) + n

    # Lesions: the same site is the same lesion (its store id is reused for links).
    by_site = {_lesion_site(lesion): lesion.lesion_id for lesion in facts["lesions"]}
    new_lesions = [lesion for lesion in cf.lesions if _lesion_site(lesion) not in by_site]
    lesion_ids = iter(ids.draw("seq_lesion", len({_lesion_site(x) for x in new_lesions})))
    id_map: dict[int, int] = {}
    for lesion in cf.lesions:
        site = _lesion_site(lesion)
        if site not in by_site:
            by_site[site] = next(lesion_ids)
            plan.lesions.append(_row(lesion, LESION_COLUMNS, patient_id=pid, lesion_id=by_site[site]))
            bump("lesion")
        assert lesion.lesion_id is not None
        stored_id = by_site[site]
        assert stored_id is not None
        id_map[lesion.lesion_id] = stored_id

    def linked(ids_: Iterable[int]) -> tuple[int, ...]:
        return tuple(id_map[i] for i in ids_)

    def fresh(records: Iterable[BaseModel], stored: Iterable[BaseModel], relink: Any) -> list[BaseModel]:
        known = {_key(x, _NOT_CONTENT) for x in stored}
        out = []
        for r in records:
            moved = relink(r)
            k = _key(moved, _NOT_CONTENT)
            if k not in known:
                known.add(k)
                out.append(moved)
        return out

    studies = fresh(cf.studies, facts["studies"], lambda s: s.model_copy(update={"lesion_ids": linked(s.lesion_ids)}))
    # The loader lists studies newest first (ties: highest id first): ids go in reverse file order.
    study_ids = ids.draw("seq_study", len(studies))
    for sid, s in zip(study_ids, reversed(studies), strict=True):
        assert isinstance(s, ImagingStudy)
        plan.studies.append(_row(s, STUDY_COLUMNS, patient_id=pid, study_id=sid))
        plan.links.extend({"study_id": sid, "lesion_id": lid} for lid in sorted(set(s.lesion_ids)))
    bump("imaging_study", len(studies))
    labs = fresh(cf.labs, facts["labs"], lambda x: x)
    for lid, lab in zip(ids.draw("seq_lab", len(labs)), labs, strict=True):
        assert isinstance(lab, LabResult)
        plan.labs.append(_row(lab, LAB_COLUMNS, patient_id=pid, lab_id=lid))
    bump("lab_result", len(labs))

    def relink_t(t: Treatment) -> Treatment:
        ids_ = linked(t.lesion_ids)
        return t.model_copy(update={"lesion_ids": ids_, "lesion_id": ids_[0] if ids_ else None})

    treatments = fresh(cf.treatments, facts["treatments"], relink_t)
    for tid, t in zip(ids.draw("seq_treatment", len(treatments)), treatments, strict=True):
        assert isinstance(t, Treatment)
        plan.treatments.append(_row(t, TREATMENT_COLUMNS, patient_id=pid, treatment_id=tid))
    bump("treatment", len(treatments))

    def relink_e(e: ClinicalEvent) -> ClinicalEvent:
        return e.model_copy(update={"lesion_id": id_map.get(e.lesion_id) if e.lesion_id is not None else None})

    events = fresh(cf.events, facts["events"], relink_e)
    for eid, e in zip(ids.draw("seq_event", len(events)), events, strict=True):
        assert isinstance(e, ClinicalEvent)
        plan.events.append(_row(e, EVENT_COLUMNS, patient_id=pid, event_id=eid))
    bump("clinical_event", len(events))


# ---------------------------------------------------------------------------------------------
# Dated assessments (the one place that knows how the store keeps them)


def _assessment_key(a: Assessment) -> tuple[Any, ...]:
    return (a.field, json.dumps(a.value, sort_keys=True), a.observed_on, a.retracted)


def _write_assessments(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    per_case: dict[int, tuple[list[Assessment], Case | None]],
    ids: _Ids,
) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """The rows of table ``assessment`` the import adds, and how many per case.

    A new case takes every dated value of its document. A stored case takes those not stored
    yet: a row with the same field, value and date (corrections and retractions included) is not
    added again, so importing a file twice adds nothing. Correction links inside a document
    (``supersedes`` as 1-based positions) become the new rows' ids, or the stored row's id when
    the corrected value was already stored; a correction of a stored row that is already
    corrected is left out (the store keeps one successor per row). Rows are appended with the
    other tables (one set-based append); the caller's audit rows cover them.
    """
    stored = load_assessments(cur, [c for c, (_, projected) in per_case.items() if projected is None])
    recorded_at = utc_now()
    recorder = (actor.display_name or actor.username)[:200]
    rows: list[dict[str, Any]] = []
    added: dict[int, int] = {}
    for case_id, (assessments, _projected) in per_case.items():
        if not assessments:
            continue
        have = {_assessment_key(a): a.assessment_id for a in stored.get(case_id, []) if a.assessment_id is not None}
        corrected = {a.supersedes for a in stored.get(case_id, []) if a.supersedes is not None}
        fresh = [a for a in assessments if _assessment_key(a) not in have]
        new_ids = ids.draw("seq_assessment", len(fresh))
        by_position: dict[int, int] = {}
        for a in assessments:
            known = have.get(_assessment_key(a))
            if known is not None and a.assessment_id is not None:
                by_position[a.assessment_id] = known
        for a, new_id in zip(fresh, new_ids, strict=True):
            if a.assessment_id is not None:
                by_position[a.assessment_id] = new_id
        n = 0
        for a, new_id in zip(fresh, new_ids, strict=True):
            supersedes = by_position.get(a.supersedes) if a.supersedes is not None else None
            if supersedes is not None:
                if supersedes in corrected:
                    continue
                corrected.add(supersedes)
            rows.append(
                {
                    "assessment_id": new_id,
                    "case_id": case_id,
                    "field": a.field,
                    "value": None if a.retracted else json.dumps(a.value, ensure_ascii=False),
                    "observed_on": a.observed_on,
                    "recorded_at": recorded_at,
                    "recorded_by_user_id": actor.user_id,
                    "recorded_by": recorder,
                    "supersedes": supersedes,
                    "retracted": a.retracted,
                    "reason": a.reason,
                }
            )
            n += 1
        if n:
            added[case_id] = n
    return rows, added


# ---------------------------------------------------------------------------------------------
# The import of one file


def write_import(
    cur: duckdb.DuckDBPyConnection, actor: Actor, parsed: list[Parsed], report: ImportReport, *, dry_run: bool = False
) -> ImportReport:
    """Write one file's validated documents in one transaction (nothing on any refusal or a dry run)."""
    authorize_import(cur, actor)
    report.dry_run = dry_run
    if not report.ok:
        return report
    try:
        with transaction(cur):
            ids = _Ids(cur, dry_run)
            plan = _plan(cur, parsed, report, ids)
            if not report.ok:
                raise _Rollback
            assessment_rows, added = _write_assessments(cur, actor, plan.assessments, ids)
            if not dry_run:
                _apply(cur, plan)
                bulk_insert(cur, "assessment", assessment_rows)
            report.added = {
                "patient": len(plan.patients),
                "mdt_case": len(plan.cases),
                "assessment": sum(added.values()),
                "lesion": len(plan.lesions),
                "imaging_study": len(plan.studies),
                "lab_result": len(plan.labs),
                "treatment": len(plan.treatments),
                "clinical_event": len(plan.events),
            }
            if dry_run:
                raise _Rollback
            _audit(cur, actor, plan, added, report)
            report.written = True
    except _Rollback:
        pass
    return report


def _apply(cur: duckdb.DuckDBPyConnection, plan: ImportPlan) -> None:
    bulk_insert(cur, "patient", plan.patients)
    bulk_insert(cur, "mdt_case", plan.cases)
    bulk_insert(cur, "lesion", plan.lesions)
    bulk_insert(cur, "imaging_study", plan.studies)
    bulk_insert(cur, "imaging_lesion", plan.links)
    bulk_insert(cur, "lab_result", plan.labs)
    bulk_insert(cur, "treatment", plan.treatments)
    bulk_insert(cur, "clinical_event", plan.events)


def _audit(cur: duckdb.DuckDBPyConnection, actor: Actor, plan: ImportPlan, added: dict[int, int], report: ImportReport) -> None:
    """One audit row per stored patient the import added facts to (the board's change stamp is
    per patient), and one row for the file naming every patient and case it created."""
    case_patient = {int(c["case_id"]): int(c["patient_id"]) for c in plan.cases}
    stored = [c for c in added if c not in case_patient]
    if stored:
        known = cur.execute("SELECT case_id, patient_id FROM mdt_case WHERE list_contains(?, case_id)", [stored]).fetchall()
        case_patient.update({int(r[0]): int(r[1]) for r in known})
    for case_id, n in added.items():
        counts = plan.touched.setdefault(case_patient[case_id], {})
        counts["assessment"] = counts.get("assessment", 0) + n
    for pid, counts in sorted(plan.touched.items()):
        if pid in plan.created_patients or not any(counts.values()):
            continue
        audit.record(cur, actor, "import", "patient", pid, after={"source": report.kind, **counts}, patient_id=pid)
    audit.record(
        cur,
        actor,
        "import",
        "import_file",
        None,
        after={
            "kind": report.kind,
            **report.added,
            "created_patient_ids": sorted(plan.created_patients),
            "created_case_ids": sorted(int(r["case_id"]) for r in plan.cases),
        },
    )


# ---------------------------------------------------------------------------------------------
# Export


def export_case_file(
    cur: duckdb.DuckDBPyConnection, actor: Actor, case_id: int, as_of: date | None = None
) -> tuple[CaseFile, CaseDocument]:
    """A stored case as its case file (audited as an export of the patient's record)."""
    cf = load_case_file(cur, case_id, as_of)
    stored = load_assessments(cur, [case_id]).get(case_id, [])
    audit.record(cur, actor, "export", "mdt_case", case_id, after={"format": "bonemdt-case/1"}, patient_id=cf.case.patient_id)
    return cf, CaseDocument.from_case_file(cf, stored)
