"""The demo dataset: a realistic, clearly synthetic store, including the lecture's seven cases.

``load_demo`` fills an empty, migrated store in one transaction: ~170 patients with their
referral episodes, lesions, imaging, labs, treatments and events; twelve closed and four planned
weekly meetings with attendance, agenda, opinions, decisions (signed, draft, amended), plan
items, actions, deliveries and follow-ups; and one audit row for the whole load.

Everything is generated from ``random.Random(seed)`` with every date relative to ``today``, so a
given ``(seed, today)`` always gives the same store. Ids are assigned here (1..N on an empty
store) and each sequence is then advanced past them, so later inserts by the app (``DEFAULT
nextval``) never collide. Every table is written with one set-based ``bulk_insert``.

Names, MRNs and people are invented ("Demo Patient 017 / 演示患者017", "DEMO-000017");
``patient.synthetic`` is TRUE throughout. Distributions follow the source lecture's figures
(docs/clinical/lecture-cases.md): spine ~70 % of patients (thoracic most), pelvis ~40 %, long bones
~25 %, ribs ~20 %; lytic ~75 % of lesions, prostate mostly blastic; skeletal-event rates within
the quoted ranges. The lecture's seven worked cases carry ``mdt_case.lecture_case = 1..7``; they
are read from their data files (db/demo_data/lecture_case_N.json, see db/demo_lecture.py) through
the import's validation and row builder, their dates moved to the demo's calendar. Each case's
referral sits at the point of its course where every treatment the lecture (or its adjusted
course) names lies in the past.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Any

import duckdb

from core.assessments import ASSESSED_FIELDS, validate_value
from core.models import (
    SYSTEM_ACTOR,
    Case,
)
from db import audit, dialect
from db.agenda import apply_urgency_order
from db.connection import transaction
from db.demo_delivery import MeetingFollowThrough
from db.demo_vocabulary import (
    DEFAULT_SEED,
    LECTURE_CASE_MRNS,
    TABLES,
    mirels_total,
    sins_total,
)
from db.rows import bulk_insert
from db.users import ensure_demo_users

__all__ = [
    "DEFAULT_SEED",
    "LECTURE_CASE_MRNS",
    "TABLES",
    "DemoSummary",
    "dated_assessments",
    "lecture_case_id",
    "load_demo",
    "mirels_total",
    "sins_total",
]


@dataclass(frozen=True)
class DemoSummary:
    """Rows written per table by :func:`load_demo`."""

    patient: int
    mdt_case: int
    assessment: int
    lesion: int
    imaging_study: int
    imaging_lesion: int
    lab_result: int
    treatment: int
    clinical_event: int
    meeting: int
    attendance: int
    agenda_item: int
    specialty_opinion: int
    decision: int
    plan_item: int
    plan_item_text: int
    action_item: int
    delivery: int
    follow_up: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def lecture_case_id(cur: duckdb.DuckDBPyConnection, n: int) -> int:
    """The ``case_id`` of lecture case ``n`` (1..7) in a store holding the demo dataset."""
    if n not in LECTURE_CASE_MRNS:
        raise ValueError("lecture case number must be between 1 and 7")
    # fetchall, not fetchone: DuckDB 2 keeps a half-read result open and then refuses
    # register() on the same connection.
    rows = cur.execute("SELECT case_id FROM mdt_case WHERE lecture_case = ? ORDER BY case_id LIMIT 1", [n]).fetchall()
    row = rows[0] if rows else None
    if row is None:
        raise LookupError(f"lecture case {n} is not in this store; load the demo dataset first")
    return int(row[0])


def load_demo(cur: duckdb.DuckDBPyConnection, *, today: date | None = None, seed: int = DEFAULT_SEED) -> DemoSummary:
    """Fill an empty, migrated store with the demo dataset (one transaction, one audit row)."""
    try:
        existing = cur.execute("SELECT count(*) FROM patient").fetchall()[0]
    except duckdb.CatalogException as exc:
        raise RuntimeError("The store is not migrated; run the migrations first.") from exc
    if existing and existing[0]:
        raise RuntimeError(
            f"The store already holds {existing[0]} patient(s); the demo dataset is loaded "
            "only into an empty store. Nothing was changed."
        )
    ensure_demo_users(cur)
    users = cur.execute("SELECT username, user_id, specialty FROM app_user WHERE demo ORDER BY user_id").fetchall()
    bases = _id_bases(cur)
    gen = _Generator(today or date.today(), seed, {u: (int(i), s) for u, i, s in users}, bases)
    tables = gen.build()
    tables["assessment"] = dated_assessments(
        tables["mdt_case"], bases["assessment"], _work_up_days(tables["lab_result"]), gen.lecture_assessments
    )
    for name in ("lesion", "imaging_study", "lab_result", "treatment", "clinical_event"):
        for row in tables[name]:
            row.setdefault("recorded_by", "demo")
    counts = {name: len(tables[name]) for name, _, _ in TABLES}
    # The store refuses rows inserted already signed (migration 008): decisions go in as drafts
    # with their plans, then are signed by one UPDATE, as the signing workflow does.
    signature_cols = ("status", "signed_by", "signed_at", "signature_meaning", "content_hash")
    signed = [
        {"decision_id": r["decision_id"], **{c: r[c] for c in signature_cols}}
        for r in tables["decision"]
        if r.get("status") == "signed"
    ]
    unsigned = {"status": "draft", "signed_by": None, "signed_at": None, "signature_meaning": "", "content_hash": None}
    drafts = [{**r, **unsigned} for r in tables["decision"]]
    with transaction(cur):
        for name, _, _ in TABLES:
            _insert(cur, name, drafts if name == "decision" else tables[name])
        if signed:
            import pandas as pd

            cur.register("_demo_signatures", pd.DataFrame(signed))
            cur.execute(
                "UPDATE decision SET status = s.status, signed_by = s.signed_by, signed_at = s.signed_at,"
                " signature_meaning = s.signature_meaning, content_hash = s.content_hash"
                " FROM _demo_signatures s WHERE decision.decision_id = s.decision_id"
            )
            cur.unregister("_demo_signatures")
        # Each deferred item's reason: what its deferring decision said was missing.
        cur.execute(
            """
            INSERT INTO agenda_deferral (item_id, reason, deferred_by, deferred_at)
            SELECT item_id, text, created_by, deferred_at FROM (
                SELECT a.item_id, p.text, d.created_by, coalesce(d.signed_at, d.created_at) AS deferred_at,
                       row_number() OVER (PARTITION BY a.item_id ORDER BY d.version DESC) AS newest
                FROM agenda_item a JOIN decision d ON d.item_id = a.item_id AND d.outcome = 'deferred'
                JOIN plan_item p ON p.decision_id = d.decision_id AND p.position = 0
                WHERE a.status = 'deferred'
            ) ranked WHERE newest = 1
            """
        )
        _advance_sequences(cur, tables)
        # Coming agendas in the board's own order: emergencies, urgent, full discussion, SoC last.
        apply_urgency_order(cur)
        audit.record(cur, SYSTEM_ACTOR, "create", "demo_dataset", None, after=counts)
    return DemoSummary(**counts)


OPEN_STATUSES = frozenset({"referred", "ready", "listed", "discussed"})


def _work_up_days(lab_rows: list[dict[str, Any]]) -> dict[int, date]:
    """Per patient, the day of the latest blood panel: the pre-meeting work-up."""
    latest: dict[int, date] = {}
    for row in lab_rows:
        pid, on = row["patient_id"], row["taken_on"]
        if pid not in latest or on > latest[pid]:
            latest[pid] = on
    return latest


def dated_assessments(
    case_rows: list[dict[str, Any]],
    base: int,
    work_up: dict[int, date] | None = None,
    given: dict[int, list[dict[str, Any]]] | None = None,
) -> list[dict[str, Any]]:
    """The clinical values the generator sets on each case become dated assessments, recorded that
    morning by 'demo'; the case rows keep only the header. A closed case's values are observed on
    its referral date. An open case was re-examined at its pre-meeting work-up (the day of its
    latest blood panel, never before referral), as a team does before presenting a case, so its
    neurology, pain and performance are as fresh as its labs. A case in ``given`` (a lecture case,
    read from its data file) takes the dated values of its file instead."""
    out: list[dict[str, Any]] = []
    work_up = work_up or {}
    given = given or {}

    def add(case_id: int, name: str, value: object, on: date) -> None:
        out.append(
            {
                "assessment_id": base + len(out) + 1,
                "case_id": case_id,
                "field": name,
                "value": json.dumps(validate_value(name, value), ensure_ascii=False),
                "observed_on": on,
                "recorded_at": datetime.combine(on, time(8, 0)),
                "recorded_by": "demo",
                "retracted": False,
                "reason": "",
            }
        )

    for case in case_rows:
        on = case["referral_date"]
        if case.get("status") in OPEN_STATUSES and case.get("patient_id") in work_up:
            on = max(on, work_up[case["patient_id"]])
        values = {name: case.pop(name) for name in ASSESSED_FIELDS if name in case}
        if case["case_id"] in given:
            for a in given[case["case_id"]]:
                add(case["case_id"], a["field"], a["value"], a["observed_on"])
            continue
        for name, value in values.items():
            default = Case.model_fields[name].get_default(call_default_factory=True)
            if value is None or value == default or (isinstance(value, list | tuple) and not value):
                continue
            add(case["case_id"], name, value, on)
    return out


def _insert(cur: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, Any]]) -> None:
    """Append a table's rows, one append per set of columns: rows built by the import's row
    builder (the lecture cases) name more columns than the generator's, and a column a row leaves
    out must take its default, not NULL."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    for group in groups.values():
        bulk_insert(cur, table, group)


def _id_bases(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The highest id already used per table (its rows or its sequence): ids start above it."""
    last = dialect.sequence_values(cur)
    bases = {}
    for table, id_col, seq in TABLES:
        if id_col is None or seq is None:
            continue
        sql = f"SELECT coalesce(max({id_col}), 0) FROM {table}"  # noqa: S608
        row = cur.execute(sql).fetchall()[0]
        bases[table] = max(int(row[0]) if row else 0, int(last.get(seq) or 0))
    return bases


def _advance_sequences(cur: duckdb.DuckDBPyConnection, tables: dict[str, list[dict[str, Any]]]) -> None:
    """Move each sequence past the ids assigned here."""
    for table, id_col, seq in TABLES:
        if id_col is None or seq is None or not tables[table]:
            continue
        dialect.advance_sequence(cur, seq, max(r[id_col] for r in tables[table]))


class _Generator(MeetingFollowThrough):
    """The whole demo dataset, built in dependency order."""

    def build(self) -> dict[str, list[dict[str, Any]]]:
        self.build_meetings()
        for n in range(1, 8):
            self.lecture_case(n)
        self.generic_cases()
        self.build_agenda()
        self.build_decisions()
        self.rule_inputs()
        self.choose_deaths()
        self.build_actions_and_delivery()
        self.build_follow_ups()
        self.finish_cases()
        return self.t
