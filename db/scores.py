"""Score history: ``score_snapshot`` rows written when a case's score inputs change.

Snapshots are derived data, not clinical records (no audit row): each row holds one derived
score of one case at one moment -- its total, band and the canonical JSON of its inputs with
their sha256 (``core.derive.inputs_hash``). A row is written only when the inputs hash differs
from the latest snapshot of the same key ``(case_id, lesion_id, score_id)``, so the history
shows how a score moved and nothing else.

Keys:

* ``lesion_id = <id>``: a per-lesion score (SINS and Bilsky per spinal lesion, Mirels per
  long-bone lesion).
* ``lesion_id IS NULL``: the patient-level score. For Tomita, Tokuhashi, Katagiri and the other
  patient scores that is the score itself; for SINS, Mirels and Bilsky it is the patient's
  worst lesion as ``CaseScores.get`` defines it (docs/clinical/scores.md decision 2: the patient's SINS is the
  maximum), or the first lesion's incomplete score when no lesion is complete. So
  :func:`latest_bands` counts every score per case, SINS included.

:func:`score_all` scores the whole store in chunks of cases: one query per table per chunk (not
one per case), the pure derivation in Python, and one set-based INSERT per chunk that keeps only
rows whose inputs changed (an anti-join against the latest snapshot of each key).
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

import duckdb
import pandas as pd
from pydantic import BaseModel

from core.assessments import project
from core.derive import LESION_SCORES, CaseScores, DerivedScore, derive_scores
from core.models import SYSTEM_ACTOR, Case, CaseFile, ClinicalEvent, ImagingStudy, LabResult, Lesion, Patient, Treatment
from core.policy import Policy
from db import assessments, audit
from db.cases import CASE_COLUMNS
from db.clinical import FACTS, in_force, study_lesion_ids
from db.connection import transaction, utc_now
from db.policies import load_policy

M = TypeVar("M", bound=BaseModel)
log = logging.getLogger("bonemdt.scores")

SNAPSHOT_COLUMNS = (
    "case_id",
    "lesion_id",
    "score_id",
    "total",
    "band",
    "inputs_json",
    "inputs_hash",
    "computed_at",
)

_CANDIDATES = "score_snapshot_candidates"

# Latest snapshot per key for the candidates' cases, anti-joined: only changed inputs are kept.
# The case_id range prunes score_snapshot by its zone maps.
_INSERT_CHANGED = f"""
INSERT INTO score_snapshot ({", ".join(SNAPSHOT_COLUMNS)})
SELECT c.case_id, c.lesion_id, c.score_id, c.total, c.band, c.inputs_json, c.inputs_hash,
       c.computed_at
FROM {_CANDIDATES} c
LEFT JOIN (
    SELECT case_id, lesion_id, score_id, inputs_hash, row_number() OVER (
        PARTITION BY case_id, lesion_id, score_id ORDER BY computed_at DESC, snapshot_id DESC
    ) AS newest
    FROM score_snapshot
    WHERE case_id BETWEEN ? AND ?
      AND case_id IN (SELECT case_id FROM {_CANDIDATES})
) latest
  ON latest.case_id = c.case_id
 AND latest.score_id = c.score_id
 AND latest.lesion_id IS NOT DISTINCT FROM c.lesion_id
 AND latest.newest = 1
WHERE latest.inputs_hash IS DISTINCT FROM c.inputs_hash
"""  # noqa: S608 - table names are constants of this module, values are bound


@dataclass(frozen=True)
class BatchResult:
    """What :func:`score_all` did; ``failed`` lists cases whose derivation raised (logged)."""

    cases: int
    snapshots_written: int
    seconds: float
    failed: tuple[int, ...] = ()

    @property
    def cases_per_second(self) -> float:
        return self.cases / self.seconds if self.seconds > 0 else float("inf")


# ---------------------------------------------------------------------------------------------
# Snapshot rows


def _canonical_json(inputs: Mapping[str, object]) -> str:
    """The inputs as sorted JSON, Decimals as text (the form ``inputs_hash`` hashes)."""
    plain = {k: str(v) if isinstance(v, Decimal) else v for k, v in inputs.items()}
    return json.dumps(plain, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _row(case_id: int, score: DerivedScore, lesion_id: int | None, at: datetime) -> dict[str, Any]:
    total = score.total
    return {
        "case_id": case_id,
        "lesion_id": lesion_id,
        "score_id": score.score_id,
        "total": None if total is None else float(total),
        "band": score.band,
        "inputs_json": _canonical_json(score.inputs),
        "inputs_hash": score.hash,
        "computed_at": at,
    }


def snapshot_rows(case_id: int, scores: CaseScores, computed_at: datetime) -> list[dict[str, Any]]:
    """Every snapshot candidate of one case: per patient, per lesion, and the worst lesion."""
    rows = [_row(case_id, s, None, computed_at) for s in scores.patient.values()]
    rows += [_row(case_id, s, s.lesion_id, computed_at) for s in scores.per_lesion]
    for score_id in LESION_SCORES:
        per_lesion = scores.lesion_scores(score_id)
        if per_lesion:
            worst = scores.get(score_id) or per_lesion[0]
            rows.append(_row(case_id, worst, None, computed_at))
    return rows


def _frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=list(SNAPSHOT_COLUMNS))
    return frame.astype(
        {
            "case_id": "int64",
            "lesion_id": "Int64",
            "score_id": "object",
            "total": "float64",
            "band": "object",
            "inputs_json": "object",
            "inputs_hash": "object",
            "computed_at": "datetime64[us]",
        }
    )


def _insert_changed(cur: duckdb.DuckDBPyConnection, rows: Sequence[Mapping[str, Any]]) -> int:
    """One INSERT … SELECT of the rows whose inputs differ from their key's latest snapshot."""
    if not rows:
        return 0
    case_ids = [int(r["case_id"]) for r in rows]
    cur.register(_CANDIDATES, _frame(rows))
    try:
        result = cur.execute(_INSERT_CHANGED, [min(case_ids), max(case_ids)]).fetchall()
    finally:
        cur.unregister(_CANDIDATES)
    return int(result[0][0]) if result else 0


def record_snapshots(
    cur: duckdb.DuckDBPyConnection,
    case_id: int,
    scores: CaseScores,
    *,
    computed_at: datetime | None = None,
) -> int:
    """Write a snapshot of every score of the case whose inputs changed; return rows written.

    The snapshot rows and their audit row commit together (the board writes them on view)."""
    rows = snapshot_rows(case_id, scores, computed_at or utc_now())
    with transaction(cur):
        written = _insert_changed(cur, rows)
        if written:
            patient = cur.execute("SELECT patient_id FROM mdt_case WHERE case_id = ?", [case_id]).fetchone()
            audit.record(
                cur,
                SYSTEM_ACTOR,
                "create",
                "score_snapshot",
                case_id,
                after={"rows": written},
                patient_id=int(patient[0]) if patient else None,
            )
        return written


# ---------------------------------------------------------------------------------------------
# Reading history


def score_history(cur: duckdb.DuckDBPyConnection, case_id: int, score_id: str, lesion_id: int | None = None) -> pd.DataFrame:
    """(computed_at, total, band) of one key, oldest first; ``lesion_id=None``: patient level."""
    return cur.execute(
        "SELECT computed_at, total, band FROM score_snapshot"
        " WHERE case_id = ? AND score_id = ? AND lesion_id IS NOT DISTINCT FROM ?"
        " ORDER BY computed_at, snapshot_id",
        [case_id, score_id, lesion_id],
    ).df()


def score_histories(cur: duckdb.DuckDBPyConnection, case_id: int) -> dict[str, pd.DataFrame]:
    """:func:`score_history` of every patient-level score of the case, in one query."""
    frame = cur.execute(
        "SELECT score_id, computed_at, total, band FROM score_snapshot"
        " WHERE case_id = ? AND lesion_id IS NULL ORDER BY computed_at, snapshot_id",
        [case_id],
    ).df()
    return {
        str(score_id): group.drop(columns="score_id").reset_index(drop=True)
        for score_id, group in frame.groupby("score_id", sort=False)
    }


def latest_bands(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(case_id, score_id, band, total) of the latest patient-level snapshot per case and score."""
    return cur.execute(
        """
        SELECT case_id, score_id, band, total FROM (
            SELECT case_id, score_id, band, total, row_number() OVER (
                PARTITION BY case_id, score_id ORDER BY computed_at DESC, snapshot_id DESC
            ) AS newest
            FROM score_snapshot
            WHERE lesion_id IS NULL
        ) ranked WHERE newest = 1
        ORDER BY case_id, score_id
        """
    ).df()


# ---------------------------------------------------------------------------------------------
# Batch scoring


def _models(cur: duckdb.DuckDBPyConnection, model: type[M], sql: str, params: Sequence[Any]) -> list[M]:
    """Rows to models exactly as ``db.rows.fetch_models`` does (lists become tuples)."""
    result = cur.execute(sql, list(params))
    names = [d[0] for d in result.description or []]
    out = []
    for raw in result.fetchall():
        data = {n: tuple(v) if isinstance(v, list) else v for n, v in zip(names, raw, strict=True)}
        out.append(model.model_validate(data, context={"today": None}))
    return out


def _by_patient(records: Iterable[Any]) -> dict[int, tuple[Any, ...]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for record in records:
        grouped[record.patient_id].append(record)
    return {k: tuple(v) for k, v in grouped.items()}


# SQL of the batch load. Column lists are the models' own field names (code, never user text);
# every value is bound. A chunk is a case_id range; its patients are passed as a list, with their
# id range as a pruning hint for the zone maps.
_OF_CHUNK = "patient_id BETWEEN ? AND ? AND patient_id IN (SELECT unnest(?::BIGINT[]))"
_CASES_SQL = (
    "SELECT "  # noqa: S608
    + ", ".join(("case_id", *CASE_COLUMNS, "row_version", "created_at"))
    + " FROM mdt_case WHERE case_id BETWEEN ? AND ? ORDER BY case_id"
)
_CASES_OF_LIST_SQL = _CASES_SQL.replace(" ORDER BY", " AND list_contains(?, case_id) ORDER BY")
_PATIENTS_SQL = (
    "SELECT patient_id, mrn, display_name, sex, birth_date, synthetic FROM patient"  # noqa: S608
    " WHERE " + _OF_CHUNK
)


_LAB_NAMES = ", ".join(("lab_id", *FACTS["lab_result"].columns, "row_version", "recorded_at", "recorded_by"))


def _facts_sql(entity: str, known_by: datetime | None, tail: str = "") -> tuple[str, list[Any]]:
    """One fact table of a chunk: the versions in force (now, or as recorded by ``known_by``)."""
    spec = FACTS[entity]
    cond, params = in_force("t", known_by)
    sql = "SELECT " + spec.select("t") + " FROM " + spec.table + " t WHERE " + _OF_CHUNK + " AND " + cond + tail  # noqa: S608
    return sql, params


def load_case_files(
    cur: duckdb.DuckDBPyConnection,
    first_case: int,
    last_case: int,
    as_of: date,
    policy: Policy,
    *,
    only: Sequence[int] | None = None,
) -> list[CaseFile]:
    """The case files of every case with ``first_case <= case_id <= last_case``, set-based.

    One query per table, grouped by patient in Python. Every fact table is loaded (imaging dates
    the lesions' findings, events feed the safety rules), and labs are cut to those it can read:
    within the policy's lab window, or on the latest day of their analyte (for the "too old"
    message). tests/db/test_scores_store.py checks the result against ``load_board``.
    ``only``: just these cases of the range (their ids; the range prunes by zone maps).
    """
    if only is None:
        headers = _models(cur, Case, _CASES_SQL, [first_case, last_case])
    else:  # a list of cases within the range (e.g. one agenda's cases, db/urgency.py)
        headers = _models(cur, Case, _CASES_OF_LIST_SQL, [first_case, last_case, [int(c) for c in only]])
    if not headers:
        return []
    known_by = None  # the batch scores what is recorded now
    dated = assessments.load(cur, [c.case_id for c in headers if c.case_id is not None])
    cases = [project(c, dated.get(c.case_id or 0, []), as_of=as_of, recorded_by=known_by) for c in headers]
    pids = sorted({c.patient_id for c in headers})
    scope = [pids[0], pids[-1], pids]
    patients = {p.patient_id: p for p in _models(cur, Patient, _PATIENTS_SQL, scope)}
    sql, extra = _facts_sql("lesion", known_by, " ORDER BY patient_id, lesion_id")
    lesions = _by_patient(_models(cur, Lesion, sql, [*scope, *extra]))
    # Labs the derivation can read: taken on or before as_of, and within the lab window or the
    # latest day of their analyte (all results of that day: ties stay as the board sees them).
    window_start = as_of - timedelta(days=policy.lab_window_days)
    sql, extra = _facts_sql("lab_result", known_by, " AND t.taken_on <= ?")
    labs_sql = (
        "SELECT " + _LAB_NAMES + " FROM ("  # noqa: S608
        "  SELECT l.*, max(l.taken_on) OVER (PARTITION BY l.patient_id, l.analyte) AS last_on FROM (" + sql + ") l"
        ") w WHERE taken_on >= ? OR taken_on = last_on ORDER BY patient_id, taken_on, lab_id"
    )
    labs = _by_patient(_models(cur, LabResult, labs_sql, [*scope, *extra, as_of, window_start]))
    sql, extra = _facts_sql("treatment", known_by, " ORDER BY patient_id, start_date, treatment_id")
    treatments = _by_patient(_models(cur, Treatment, sql, [*scope, *extra]))
    sql, extra = _facts_sql("imaging_study", known_by)
    studies_sql = (
        "SELECT s.*, " + study_lesion_ids("s") + " FROM (" + sql + ") s"  # noqa: S608
        " ORDER BY s.patient_id, s.study_date DESC, s.study_id DESC"
    )
    studies = _by_patient(_models(cur, ImagingStudy, studies_sql, [*scope, *extra]))
    sql, extra = _facts_sql("clinical_event", known_by, " ORDER BY patient_id, event_date, event_id")
    events = _by_patient(_models(cur, ClinicalEvent, sql, [*scope, *extra]))
    return [
        CaseFile(
            case=case,
            patient=patients[case.patient_id],
            lesions=lesions.get(case.patient_id, ()),
            studies=studies.get(case.patient_id, ()),
            events=events.get(case.patient_id, ()),
            labs=labs.get(case.patient_id, ()),
            treatments=treatments.get(case.patient_id, ()),
            as_of=as_of,
            observed=observed,
        )
        for case, observed in cases
    ]


def score_all(cur: duckdb.DuckDBPyConnection, *, as_of: date | None = None, chunk: int = 2000) -> BatchResult:
    """Derive every case's scores and snapshot the changed ones (one transaction per chunk).

    A case whose derivation raises is logged (its id and the error type) and listed in
    ``BatchResult.failed``; the other cases are still scored.
    """
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    started = time.perf_counter()
    day = as_of or date.today()
    computed_at = utc_now()
    policy = load_policy(cur)
    ids = [int(r[0]) for r in cur.execute("SELECT case_id FROM mdt_case ORDER BY case_id").fetchall()]
    written = 0
    failed: list[int] = []
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        files = load_case_files(cur, part[0], part[-1], day, policy)
        rows: list[dict[str, Any]] = []
        for cf in files:
            case_id = cf.case.case_id
            assert case_id is not None
            try:
                scores = derive_scores(cf, policy)
            except Exception as exc:  # one bad case must not stop the batch
                log.exception("scoring case %s failed (%s)", case_id, type(exc).__name__)
                failed.append(case_id)
                continue
            rows += snapshot_rows(case_id, scores, computed_at)
        with transaction(cur):
            n = _insert_changed(cur, rows)
            if n:
                audit.record(cur, SYSTEM_ACTOR, "create", "score_snapshot", None, after={"rows": n, "batch": True})
            written += n
    return BatchResult(len(ids), written, time.perf_counter() - started, tuple(failed))


__all__ = [
    "BatchResult",
    "latest_bands",
    "load_case_files",
    "record_snapshots",
    "score_all",
    "score_history",
    "snapshot_rows",
]
