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
the quoted ranges. The lecture's seven worked cases carry ``mdt_case.lecture_case = 1..7``; the
lecture's age is the age at bone-metastasis presentation, and each case's referral sits at the
point of its course where every treatment the lecture (or its adjusted course) names lies in the
past.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import duckdb

from core.assessments import ASSESSED_FIELDS, validate_value
from core.derive import MIRELS_SITE
from core.models import (
    ANALYTE_UNITS,
    SYSTEM_ACTOR,
    Analyte,
    Bone,
    Case,
    Decision,
    Lesion,
    PlanItem,
    Segment,
)
from core.scores.mirels import MirelsInput, score_mirels
from core.scores.sins import SinsInput, score_sins
from core.scores.zoledronic import cockcroft_gault, dose_band
from core.signing import SIGNATURE_MEANING, content_hash
from db import audit
from db.agenda import apply_urgency_order
from db.connection import transaction
from db.rows import bulk_insert
from db.users import ensure_demo_users

DEFAULT_SEED = 20261127
N_GENERIC_PATIENTS = 160
N_SECOND_EPISODES = 6
N_PAST_MEETINGS = 12
N_UPCOMING_MEETINGS = 4
MEETING_WEEKDAY = 3  # Thursday
MEETING_TIME = time(8, 0)
MEETING_LOCATION = "MDT Room 3 / 多学科会诊室"

LECTURE_CASE_MRNS: dict[int, str] = {n: f"DEMO-LC{n:04d}" for n in range(1, 8)}

# (table, id column, sequence) in insert order (parents before children).
TABLES: tuple[tuple[str, str | None, str | None], ...] = (
    ("patient", "patient_id", "seq_patient"),
    ("mdt_case", "case_id", "seq_case"),
    ("assessment", "assessment_id", "seq_assessment"),
    ("lesion", "lesion_id", "seq_lesion"),
    ("imaging_study", "study_id", "seq_study"),
    ("imaging_lesion", None, None),
    ("lab_result", "lab_id", "seq_lab"),
    ("treatment", "treatment_id", "seq_treatment"),
    ("clinical_event", "event_id", "seq_event"),
    ("meeting", "meeting_id", "seq_meeting"),
    ("attendance", None, None),
    ("agenda_item", "item_id", "seq_item"),
    ("specialty_opinion", "opinion_id", "seq_opinion"),
    ("decision", "decision_id", "seq_decision"),
    ("plan_item", "plan_item_id", "seq_plan_item"),
    ("action_item", "action_id", "seq_action"),
    ("delivery", "delivery_id", "seq_delivery"),
    ("follow_up", "follow_up_id", "seq_follow_up"),
)


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
    tables["assessment"] = dated_assessments(tables["mdt_case"], bases["assessment"], _work_up_days(tables["lab_result"]))
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
            bulk_insert(cur, name, drafts if name == "decision" else tables[name])
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
            SELECT a.item_id, p.text, d.created_by, coalesce(d.signed_at, d.created_at)
            FROM agenda_item a JOIN decision d ON d.item_id = a.item_id AND d.outcome = 'deferred'
            JOIN plan_item p ON p.decision_id = d.decision_id AND p.position = 0
            WHERE a.status = 'deferred'
            QUALIFY row_number() OVER (PARTITION BY a.item_id ORDER BY d.version DESC) = 1
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
    case_rows: list[dict[str, Any]], base: int, work_up: dict[int, date] | None = None
) -> list[dict[str, Any]]:
    """The clinical values the generator sets on each case become dated assessments, recorded that
    morning by 'demo'; the case rows keep only the header. A closed case's values are observed on
    its referral date. An open case was re-examined at its pre-meeting work-up (the day of its
    latest blood panel, never before referral), as a team does before presenting a case, so its
    neurology, pain and performance are as fresh as its labs."""
    out: list[dict[str, Any]] = []
    work_up = work_up or {}
    for case in case_rows:
        on = case["referral_date"]
        if case.get("status") in OPEN_STATUSES and case.get("patient_id") in work_up:
            on = max(on, work_up[case["patient_id"]])
        for name in ASSESSED_FIELDS:
            if name not in case:
                continue
            value = case.pop(name)
            default = Case.model_fields[name].get_default(call_default_factory=True)
            if value is None or value == default or (isinstance(value, list | tuple) and not value):
                continue
            out.append(
                {
                    "assessment_id": base + len(out) + 1,
                    "case_id": case["case_id"],
                    "field": name,
                    "value": json.dumps(validate_value(name, value), ensure_ascii=False),
                    "observed_on": on,
                    "recorded_at": datetime.combine(on, time(8, 0)),
                    "recorded_by": "demo",
                    "retracted": False,
                    "reason": "",
                }
            )
    return out


def _id_bases(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The highest id already used per table (its rows or its sequence): ids start above it."""
    last = dict(cur.execute("SELECT sequence_name, last_value FROM duckdb_sequences()").fetchall())
    bases = {}
    for table, id_col, seq in TABLES:
        if id_col is None or seq is None:
            continue
        sql = f"SELECT coalesce(max({id_col}), 0) FROM {table}"  # noqa: S608
        row = cur.execute(sql).fetchall()[0]
        bases[table] = max(int(row[0]) if row else 0, int(last.get(seq) or 0))
    return bases


def _advance_sequences(cur: duckdb.DuckDBPyConnection, tables: dict[str, list[dict[str, Any]]]) -> None:
    """DuckDB cannot restart a sequence: draw it past the ids assigned here instead."""
    last = dict(cur.execute("SELECT sequence_name, last_value FROM duckdb_sequences()").fetchall())
    for table, id_col, seq in TABLES:
        if id_col is None or seq is None or not tables[table]:
            continue
        top = max(r[id_col] for r in tables[table])
        need = top - int(last.get(seq) or 0)
        if need > 0:
            cur.execute("SELECT nextval(?) FROM range(?)", [seq, need]).fetchall()


# ---------------------------------------------------------------------------------------------
# Vocabulary for the generator

PRIMARY_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("breast", 27),
    ("prostate", 20),
    ("lung_nsclc", 20),
    ("kidney", 8),
    ("thyroid", 5),
    ("myeloma", 4),
    ("lung_sclc", 3),
    ("colorectal", 3),
    ("stomach", 2),
    ("liver", 2),
    ("bladder", 2),
    ("melanoma", 1),
    ("oesophagus", 1),
    ("unknown_primary", 2),
)
PRIMARY_LABEL = {
    "breast": ("breast cancer", "乳腺癌"),
    "prostate": ("prostate cancer", "前列腺癌"),
    "lung_nsclc": ("non-small-cell lung cancer", "非小细胞肺癌"),
    "lung_sclc": ("small-cell lung cancer", "小细胞肺癌"),
    "kidney": ("renal cell carcinoma", "肾癌"),
    "thyroid": ("thyroid cancer", "甲状腺癌"),
    "myeloma": ("multiple myeloma", "多发性骨髓瘤"),
    "colorectal": ("colorectal cancer", "结直肠癌"),
    "stomach": ("gastric cancer", "胃癌"),
    "liver": ("hepatocellular carcinoma", "肝癌"),
    "bladder": ("bladder cancer", "膀胱癌"),
    "melanoma": ("melanoma", "黑色素瘤"),
    "oesophagus": ("oesophageal cancer", "食管癌"),
    "unknown_primary": ("cancer of unknown primary", "原发灶不明肿瘤"),
}
# lytic / blastic / mixed weights per primary (lecture: prostate blastic; lung, kidney and
# thyroid lytic; breast often mixed).
LESION_TYPE_WEIGHTS = {
    "breast": (68, 8, 24),
    "prostate": (8, 78, 14),
    "lung_nsclc": (90, 3, 7),
    "kidney": (97, 0, 3),
    "thyroid": (95, 0, 5),
    "myeloma": (100, 0, 0),
    "lung_sclc": (80, 8, 12),
}
DEFAULT_TYPE_WEIGHTS = (82, 8, 10)
RADIORESISTANT = {"kidney", "thyroid", "liver", "colorectal", "lung_nsclc", "melanoma"}
HISTOLOGY = {
    "breast": (("invasive_ductal", 80), ("invasive_lobular", 20)),
    "prostate": (("acinar_adenocarcinoma", 100),),
    "lung_nsclc": (("adenocarcinoma", 75), ("squamous_cell", 25)),
    "lung_sclc": (("small_cell", 100),),
    "kidney": (("clear_cell_rcc", 85), ("papillary_rcc", 15)),
    "thyroid": (("follicular_thyroid", 60), ("papillary_thyroid", 40)),
    "myeloma": (("plasma_cell", 100),),
    "colorectal": (("adenocarcinoma", 100),),
    "stomach": (("adenocarcinoma", 100),),
    "liver": (("hepatocellular", 100),),
    "bladder": (("urothelial", 100),),
    "melanoma": (("melanoma", 100),),
    "oesophagus": (("squamous_cell", 100),),
    "unknown_primary": (("adenocarcinoma", 50), ("not_confirmed", 50)),
}
MARKER = {
    "prostate": "psa",
    "breast": "ca15_3",
    "lung_nsclc": "cea",
    "colorectal": "cea",
    "stomach": "cea",
    "kidney": "ldh",
    "lung_sclc": "ldh",
    "myeloma": "ldh",
}
REFERRERS = (
    ("Dr Demo Wang (Medical Oncology)", "medical_oncology"),
    ("Dr Demo Huang (Medical Oncology)", "medical_oncology"),
    ("Dr Demo Gupta (Medical Oncology)", "medical_oncology"),
    ("Dr Demo Smith (Orthopaedics)", "orthopaedics"),
    ("Dr Demo Brown (Spine Surgery)", "spine_surgery"),
    ("Dr Demo Li (Radiotherapy)", "radiotherapy"),
    ("Dr Demo Zhang (Pain Medicine)", "pain_medicine"),
    ("Dr Demo Okafor (Radiology)", "radiology"),
)
KEY_WORKERS = (
    "CNS Demo Nurse Chen",
    "CNS Demo Nurse Patel",
    "CNS Demo Nurse Liu",
    "Demo Key Worker Zhou",
    "CNS Demo Nurse Evans",
)
COMORBIDITIES = (
    "Hypertension",
    "Type 2 diabetes",
    "COPD",
    "Atrial fibrillation on apixaban",
    "Ischaemic heart disease",
    "Osteoarthritis of both knees",
    "Hypothyroidism",
    "Depression",
    "Obesity",
    "高血压",
    "2型糖尿病",
)
WISHES = (
    "Wants to stay mobile and go home to family.",
    "Wishes to avoid surgery if at all possible.",
    "Understands the diagnosis; wants to keep working part-time.",
    "希望控制疼痛，尽量居家治疗。",
    "Knows the cancer has spread; prefers treatment close to home.",
    "Wants to be well enough to attend a family wedding in three months.",
    "患者了解病情，愿意接受手术及放疗。",
    "Unsure about further treatment; wishes to discuss with family first.",
    "Prioritises pain control and quality of life over prolonging treatment.",
    "Keen on any treatment that keeps her walking.",
)
THORACIC_WEIGHTS = (2, 2, 3, 4, 5, 6, 7, 8, 8, 8, 7, 6)
LUMBAR_WEIGHTS = (6, 6, 5, 5, 4)
CERVICAL_WEIGHTS = (1, 2, 2, 2, 2, 2, 2)

SITE_ZH = {
    "spine": "脊柱",
    "sacrum": "骶骨",
    "pelvis": "骨盆",
    "femur": "股骨",
    "humerus": "肱骨",
    "tibia": "胫骨",
    "fibula": "腓骨",
    "radius": "桡骨",
    "ulna": "尺骨",
    "rib": "肋骨",
    "skull": "颅骨",
    "scapula": "肩胛骨",
    "sternum": "胸骨",
    "clavicle": "锁骨",
}
SURGEON_FOR = {"spine": "spine", "sacrum": "spine"}
OWNER_FOR_KIND = {
    "radiotherapy": "radonc",
    "fixation": "member",
    "decompression": "spine",
    "systemic": "oncology2",
    "bone_modifying_agent": "oncology2",
    "analgesia": "pain",
    "rehabilitation": "rehab",
    "investigation": "radiology",
    "emergency": "spine",
    "other": "nurse",
}
SPECIALTY_OF_OWNER = {
    "radonc": "radiotherapy",
    "member": "orthopaedics",
    "spine": "spine_surgery",
    "oncology2": "medical_oncology",
    "chair": "medical_oncology",
    "pain": "pain_medicine",
    "rehab": "rehabilitation",
    "radiology": "radiology",
    "nurse": "nursing",
    "coordinator": "coordination",
}
TREATMENT_KINDS = {
    "radiotherapy",
    "fixation",
    "decompression",
    "systemic",
    "bone_modifying_agent",
    "analgesia",
    "rehabilitation",
    "emergency",
}
URGENCY_RANK = {"emergency": 0, "urgent": 1, "routine": 2}


def site_label(les: dict[str, Any]) -> str:
    if les["bone"] == "spine":
        return str(les["level"])
    if les["bone"] == "sacrum":
        return f"sacrum {les['level']}" if les["level"] else "sacrum"
    parts = [les["side"] if les["side"] in ("left", "right") else None, les["bone"]]
    if les["segment"] and les["segment"] != "whole":
        parts.append(les["segment"].replace("_", " "))
    return " ".join(p for p in parts if p)


_UNDATED = frozenset(Lesion.model_fields) - {"detected_date", "prior_rt_date", "surgeon_stability_on"}


def _lesion(les: dict[str, Any]) -> Lesion:
    """A generated lesion as the domain model (its site and score items; dates left out)."""
    return Lesion.model_validate({k: v for k, v in les.items() if k in _UNDATED})


def sins_total(les: dict[str, Any]) -> int | None:
    """SINS of a generated lesion by core's score (None when not spinal or an input is missing)."""
    if les["bone"] not in ("spine", "sacrum") or not les["level"]:
        return None
    lesion = _lesion(les)
    result = score_sins(
        SinsInput(
            level=lesion.level,
            pain=None if lesion.spinal_pain is None else lesion.spinal_pain.value,
            bone_lesion=lesion.lesion_type.value,
            alignment=None if lesion.alignment is None else lesion.alignment.value,
            vertebral_body_collapse=None if lesion.collapse is None else lesion.collapse.value,
            posterolateral_involvement=None if lesion.posterolateral is None else lesion.posterolateral.value,
        )
    )
    return None if result.missing else int(result.total or 0)


def mirels_total(les: dict[str, Any]) -> int | None:
    """Mirels of a generated long-bone lesion by core's score (None when an input is missing)."""
    if les["bone"] not in ("femur", "humerus", "tibia", "fibula", "radius", "ulna"):
        return None
    if les["limb_pain"] is None or les["size_fraction"] is None:
        return None
    lesion = _lesion(les)
    if lesion.bone == Bone.FEMUR:
        site = "peritrochanteric" if lesion.segment == Segment.PERITROCHANTERIC else "lower_limb"
    else:
        site = MIRELS_SITE[lesion.bone]
    result = score_mirels(
        MirelsInput(site=site, pain=les["limb_pain"], lesion_type=les["lesion_type"], size_fraction=les["size_fraction"])
    )
    return None if result.missing else int(result.total or 0)


@dataclass
class _Case:
    """Generator state for one referral episode (row + facts used downstream)."""

    row: dict[str, Any]
    patient: dict[str, Any]
    lesions: list[dict[str, Any]]
    age: int
    crcl: float = 90.0
    corrected_ca: float = 2.4
    marrow: bool = False
    on_bma: bool = False
    slots: list[tuple[int, str]] = field(default_factory=list)  # (meeting index, item outcome)
    lecture: int | None = None
    urgency: str = "routine"


class _Generator:
    def __init__(
        self,
        today: date,
        seed: int,
        users: dict[str, tuple[int, str | None]],
        bases: dict[str, int],
    ) -> None:
        self.today = today
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.users = users
        self.next_id = {t: bases.get(t, 0) for t, _, _ in TABLES}
        self.t: dict[str, list[dict[str, Any]]] = {t: [] for t, _, _ in TABLES}
        delta = (today.weekday() - MEETING_WEEKDAY) % 7 or 7
        last_past = today - timedelta(days=delta)
        self.meeting_dates = [
            last_past - timedelta(weeks=N_PAST_MEETINGS - 1 - k) for k in range(N_PAST_MEETINGS + N_UPCOMING_MEETINGS)
        ]
        self.cases: list[_Case] = []
        self.meeting_ids: list[int] = []
        self.present: list[set[str]] = []
        self.plan_meta: dict[int, dict[str, Any]] = {}
        self.deaths: dict[int, date] = {}
        self.latest: dict[int, tuple[int, int, str, date]] = {}
        self.items: dict[tuple[int, int], dict[str, Any]] = {}

    # -- small helpers -------------------------------------------------------------------------

    def new_id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table]

    def uid(self, username: str) -> int:
        return self.users[username][0]

    def cap(self, d: date) -> date:
        return min(d, self.today)

    def pick(self, weighted: tuple[tuple[Any, int], ...] | list[tuple[Any, int]]) -> Any:
        values = [v for v, _ in weighted]
        weights = [w for _, w in weighted]
        return self.rng.choices(values, weights=weights)[0]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def days(self, lo: int, hi: int) -> timedelta:
        return timedelta(days=self.rng.randint(lo, hi))

    def at(self, d: date, hh: int = 8, mm: int = 0) -> datetime:
        return datetime.combine(d, time(hh, mm))

    # -- build ---------------------------------------------------------------------------------

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

    # -- meetings and attendance ---------------------------------------------------------------

    def build_meetings(self) -> None:
        attendees = [(u, i, s) for u, (i, s) in self.users.items() if s is not None]
        absent_by_meeting = {1: {"member", "spine"}, 6: {"radonc"}, 11: {"member"}}
        for k, d in enumerate(self.meeting_dates):
            mid = self.new_id("meeting")
            self.meeting_ids.append(mid)
            past = k < N_PAST_MEETINGS
            present: set[str] = set()
            if past:
                absent = set(absent_by_meeting.get(k, set()))
                for u, _, _ in attendees:
                    if u in ("pain", "rehab", "nurse", "oncology2", "coordinator") and (self.chance(0.15)):
                        absent.add(u)
                for u, i, s in attendees:
                    self.t["attendance"].append({"meeting_id": mid, "user_id": i, "specialty": s, "present": u not in absent})
                    if u not in absent:
                        present.add(u)
            self.present.append(present)
            core_missing = sum(
                1
                for group in (("chair", "oncology2"), ("member", "spine"), ("radonc",), ("radiology",))
                if not any(g in present for g in group)
            )
            grade = None
            if past:
                ortho_missing = "member" not in present
                grade = max(1, 4 - core_missing - (1 if ortho_missing and core_missing == 0 else 0))
            self.t["meeting"].append(
                {
                    "meeting_id": mid,
                    "meeting_date": d,
                    "start_time": "08:00",
                    "location": MEETING_LOCATION,
                    "status": "closed" if past else "planned",
                    "chair_user_id": self.uid("chair"),
                    "attendance_grade": grade,
                    "started_at": self.at(d) if past else None,
                    "ended_at": self.at(d, 8, 10) if past else None,
                }
            )

    # -- patients ------------------------------------------------------------------------------

    def add_patient(self, number: int | None, sex: str, age: int, at: date, lecture: int | None = None) -> dict[str, Any]:
        pid = self.new_id("patient")
        if lecture is not None:
            mrn = LECTURE_CASE_MRNS[lecture]
            name = f"Lecture Case {lecture} (synthetic) / 讲座病例{lecture}（虚构）"
        else:
            mrn = f"DEMO-{number:06d}"
            name = f"Demo Patient {number:03d} / 演示患者{number:03d}"
        birth = at - timedelta(days=int(age * 365.25) + self.rng.randint(1, 360))
        row = {
            "patient_id": pid,
            "mrn": mrn,
            "mrn_folded": mrn.strip().lower(),
            "display_name": name,
            "sex": sex,
            "birth_date": birth,
            "synthetic": True,
            "created_at": self.at(at, 9, 30),
        }
        self.t["patient"].append(row)
        return row

    def case_row(self, patient: dict[str, Any], **values: Any) -> dict[str, Any]:
        row: dict[str, Any] = {
            "case_id": self.new_id("mdt_case"),
            "patient_id": patient["patient_id"],
            "referral_date": None,
            "referrer": "",
            "referrer_specialty": "medical_oncology",
            "question": "",
            "stream": "full",
            "priority": "routine",
            "status": "referred",
            "primary_tumour": "other",
            "histology": None,
            "diagnosis_date": None,
            "er": None,
            "pr": None,
            "her2": None,
            "egfr": None,
            "alk": None,
            "castration": None,
            "postmenopausal": None,
            "ecog": None,
            "kps": None,
            "frankel": None,
            "frankel_new": None,
            "neuro_assessed": True,
            "neuro_signs": [],
            "spinal_pain_signs": [],
            "nrs": None,
            "pain_character": None,
            "on_step3_opioid": False,
            "visceral_mets": None,
            "visceral_treatable": None,
            "visceral_removable": None,
            "expected_survival_weeks": None,
            "fit_for_surgery": None,
            "prior_chemotherapy": None,
            "prior_mcrpc_lines": None,
            "weight_kg": None,
            "height_cm": None,
            "fever": False,
            "calcium_symptoms": [],
            "dental_clearance": None,
            "jaw_or_thigh_symptoms": False,
            "active_bleeding": False,
            "comorbidities": "",
            "patient_wishes": "",
            "key_worker": "",
            "lecture_case": None,
            "coagulopathy": False,
            "infection": False,
            "paraplegia_over_48h": None,
            "primary_controlled": None,
            "surgery_planned": None,
            "lymph_node_max_cm": None,
            "ineligible_for_other_treatment": None,
            "growth_override": None,
            "created_at": None,
        }
        row.update(values)
        row["created_at"] = self.at(row["referral_date"], 10, 0)
        return row

    def lesion_row(self, pid: int, bone: str, lesion_type: str, detected: date | None, **values: Any) -> dict[str, Any]:
        row: dict[str, Any] = {
            "lesion_id": self.new_id("lesion"),
            "patient_id": pid,
            "bone": bone,
            "level": None,
            "side": None,
            "segment": None,
            "lesion_type": lesion_type,
            "size_mm": None,
            "size_fraction": None,
            "limb_pain": None,
            "spinal_pain": None,
            "alignment": None,
            "collapse": None,
            "posterolateral": None,
            "bilsky": None,
            "posterior_wall_intact": None,
            "surgeon_stability": None,
            "pathological_fracture": False,
            "fracture_fixed": False,
            "painful": False,
            "prior_rt_dose_gy": None,
            "prior_rt_date": None,
            "status": "active",
            "detected_date": detected,
        }
        row.update(values)
        return row

    def add_study(
        self, pid: int, modality: str, on: date, region: str, findings: str, impression: str, lesion_ids: list[int]
    ) -> int:
        sid = self.new_id("imaging_study")
        self.t["imaging_study"].append(
            {
                "study_id": sid,
                "patient_id": pid,
                "modality": modality,
                "study_date": self.cap(on),
                "region": region,
                "findings": findings,
                "impression": impression,
            }
        )
        for lid in dict.fromkeys(lesion_ids):
            self.t["imaging_lesion"].append({"study_id": sid, "lesion_id": lid})
        return sid

    def add_lab(self, pid: int, analyte: str, value: float, on: date) -> None:
        unit, lo, hi = ANALYTE_UNITS[Analyte(analyte)]
        value = min(max(value, float(lo)), float(hi))
        self.t["lab_result"].append(
            {
                "lab_id": self.new_id("lab_result"),
                "patient_id": pid,
                "analyte": analyte,
                "value": round(value, 2),
                "unit": unit,
                "taken_on": self.cap(on),
            }
        )

    def add_treatment(
        self,
        pid: int,
        kind: str,
        name: str,
        start: date,
        end: date | None = None,
        dose_text: str = "",
        dose_gy: float | None = None,
        fractions: int | None = None,
        lesion_id: int | None = None,
    ) -> None:
        start = self.cap(start)
        ongoing = end is None
        if end is not None and end < start:
            raise AssertionError(f"treatment {name} ends before it starts")
        if end is not None and end > self.today:
            end, ongoing = None, True
        self.t["treatment"].append(
            {
                "treatment_id": self.new_id("treatment"),
                "patient_id": pid,
                "kind": kind,
                "name": name,
                "start_date": start,
                "end_date": end,
                "dose_text": dose_text,
                "dose_gy": dose_gy,
                "fractions": fractions,
                "lesion_id": lesion_id,
                "ongoing": ongoing,
            }
        )

    def add_event(self, pid: int, kind: str, on: date, description: str, lesion_id: int | None = None) -> None:
        self.t["clinical_event"].append(
            {
                "event_id": self.new_id("clinical_event"),
                "patient_id": pid,
                "kind": kind,
                "event_date": self.cap(on),
                "lesion_id": lesion_id,
                "description": description,
            }
        )

    def kps_for(self, ecog: int) -> int:
        return self.rng.choice({0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20)}[ecog])

    # -- the seven lecture cases ---------------------------------------------------------------

    def lecture_case(self, n: int) -> None:
        getattr(self, f"_lecture_{n}")()

    def _register(
        self,
        case: dict[str, Any],
        patient: dict[str, Any],
        lesions: list[dict[str, Any]],
        age: int,
        n: int,
        slots: list[tuple[int, str]],
        urgency: str,
        **facts: Any,
    ) -> _Case:
        self.t["mdt_case"].append(case)
        self.t["lesion"].extend(lesions)
        c = _Case(row=case, patient=patient, lesions=lesions, age=age, slots=slots, lecture=n, urgency=urgency, **facts)
        self.cases.append(c)
        return c

    def _panel(
        self,
        pid: int,
        on: date,
        *,
        ca: float = 2.36,
        alb: float = 38,
        cr: float = 78,
        alp: float = 140,
        hb: float = 122,
        plt: float = 240,
        neut: float = 4.1,
        marker: tuple[str, float] | None = None,
    ) -> None:
        for analyte, value in (
            ("calcium", ca),
            ("albumin", alb),
            ("creatinine", cr),
            ("alp", alp),
            ("hb", hb),
            ("platelets", plt),
            ("neutrophils", neut),
        ):
            self.add_lab(pid, analyte, value, on)
        if marker:
            self.add_lab(pid, marker[0], marker[1], on)

    def _lecture_1(self) -> None:
        m = self.meeting_dates[9]
        ref = m - timedelta(days=4)
        diag = ref - timedelta(days=62)
        p = self.add_patient(None, "male", 66, ref, lecture=1)
        pid = p["patient_id"]
        # CT: cortex intact, posterior elements spared. The spine surgeon's opinion (plan item
        # ORTHO-SINS-CONSULT at meeting 9: no stabilisation needed) is on the record.
        l2 = self.lesion_row(
            pid,
            "spine",
            "lytic",
            ref - timedelta(days=6),
            level="L2",
            size_mm=32,
            spinal_pain="mechanical",
            alignment="normal",
            collapse="none",
            posterolateral="none",
            bilsky="0",
            painful=True,
            posterior_wall_intact=True,
            surgeon_stability="stable",
        )
        t10 = self.lesion_row(
            pid,
            "spine",
            "lytic",
            diag,
            level="T10",
            size_mm=14,
            spinal_pain="occasional_non_mechanical",
            alignment="normal",
            collapse="none",
            posterolateral="none",
            bilsky="0",
        )
        ilium = self.lesion_row(pid, "pelvis", "lytic", diag, side="right", segment="ilium", size_mm=22)
        rib = self.lesion_row(pid, "rib", "lytic", diag, side="left", size_mm=12)
        lesions = [l2, t10, ilium, rib]
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Wang (Medical Oncology)",
            referrer_specialty="medical_oncology",
            question=(
                "Lecture case 1: severe continuous low back pain (NRS 8), worse on turning "
                "and disturbing sleep; NSAIDs alone ineffective. MRI/CT: osteolytic L2, no "
                "cord compression. Analgesia, radiotherapy and bone-modifying agent?"
            ),
            priority="urgent",
            primary_tumour="lung_nsclc",
            histology="adenocarcinoma",
            diagnosis_date=diag,
            egfr="negative",
            alk="negative",
            ecog=2,
            kps=60,
            frankel="E",
            frankel_new=False,
            neuro_assessed=True,
            spinal_pain_signs=["progressive_spinal_pain", "night_pain"],
            nrs=8,
            pain_character="mixed",
            visceral_mets="none",
            expected_survival_weeks=39,
            fit_for_surgery=True,
            prior_chemotherapy=True,
            weight_kg=70,
            height_cm=172,
            primary_controlled=False,
            surgery_planned=False,
            dental_clearance=True,
            comorbidities="Ex-smoker (30 pack-years); hypertension",
            patient_wishes="Wants to sleep through the night and walk to the park again.",
            key_worker="CNS Demo Nurse Chen",
            lecture_case=1,
        )
        for k, back in enumerate((70, 30, 2)):
            d = ref - timedelta(days=back)
            self._panel(
                pid,
                d,
                ca=2.34 + 0.03 * k,
                alb=38 - k,
                cr=84 + 2 * k,
                alp=150 + 40 * k,
                hb=128 - 3 * k,
                marker=("cea", 18.0 + 9 * k),
            )
        recent = self.cap(self.meeting_dates[12] - timedelta(days=6))
        self._panel(pid, recent, ca=2.40, alb=37, cr=88, alp=168, hb=121, plt=226, neut=3.6, marker=("cea", 24.0))
        self.add_study(
            pid,
            "bone_scan",
            diag - timedelta(days=3),
            "Whole body",
            "Increased uptake at L2, T10, right ilium and left 6th rib.",
            "Multiple bone metastases consistent with known lung adenocarcinoma.",
            [x["lesion_id"] for x in lesions],
        )
        self.add_study(
            pid,
            "ct",
            ref - timedelta(days=8),
            "Lumbar spine",
            "Osteolytic destruction of the L2 vertebral body (32 mm); cortex intact; "
            "no vertebral collapse; posterior elements spared.",
            "Osteolytic L2 metastasis without collapse.",
            [l2["lesion_id"]],
        )
        self.add_study(
            pid,
            "mri",
            ref - timedelta(days=6),
            "Whole spine",
            "L2: T1-hypointense lytic metastasis, no epidural extension, no cord or "
            "cauda equina compression (Bilsky 0). Small T10 lesion, no collapse.",
            "Osteolytic L2 metastasis without cord compression; T10 metastasis.",
            [l2["lesion_id"], t10["lesion_id"]],
        )
        self.add_treatment(
            pid, "chemotherapy", "Carboplatin + pemetrexed", diag + timedelta(days=14), dose_text="AUC5 + 500 mg/m² q3w"
        )
        self.add_treatment(
            pid, "analgesia", "Ibuprofen", ref - timedelta(days=35), ref - timedelta(days=1), dose_text="400 mg tds (ineffective)"
        )
        self.add_treatment(
            pid, "analgesia", "Oxycodone CR", ref, dose_text="10 mg q12h titrated to 20 mg q12h; IR rescue; laxative"
        )
        self.add_treatment(pid, "analgesia", "Pregabalin", m + timedelta(days=1), dose_text="150 mg q12h (neuropathic component)")
        self.add_treatment(
            pid,
            "radiotherapy",
            "Radiotherapy L2",
            m + timedelta(days=2),
            m + timedelta(days=13),
            dose_text="30 Gy in 10 fractions, 3D-CRT",
            dose_gy=30,
            fractions=10,
            lesion_id=l2["lesion_id"],
        )
        self.add_treatment(
            pid, "bone_modifying_agent", "Zoledronic acid", m + timedelta(days=2), dose_text="4 mg IV every 4 weeks"
        )
        self.add_event(pid, "diagnosis", diag, "Lung adenocarcinoma with multiple bone metastases")
        self.add_event(pid, "radiotherapy_to_bone", m + timedelta(days=2), "RT L2 30 Gy/10", l2["lesion_id"])
        self.add_event(
            pid,
            "response",
            m + timedelta(days=13),
            "Pain response: NRS 8 → 3 at one week, NRS 2 after radiotherapy; oxycodone being tapered",
            l2["lesion_id"],
        )
        plan = [
            (
                "PAIN-STEP3",
                "analgesia",
                "Oxycodone CR 10 mg q12h titrated to 20 mg q12h; immediate-release rescue dose; laxative prophylaxis",
                "accepted",
                "",
            ),
            ("PAIN-NEURO", "analgesia", "Pregabalin 150 mg q12h for the neuropathic component", "accepted", ""),
            ("RT-PAIN-LONG", "radiotherapy", "Radiotherapy to L2: 30 Gy in 10 fractions", "accepted", ""),
            (
                "ORTHO-SINS-CONSULT",
                "investigation",
                "Spine-surgery opinion: SINS 7 at L2 (potentially unstable) — no stabilisation needed before radiotherapy",
                "accepted",
                "",
            ),
            (
                "ONC-BMA",
                "bone_modifying_agent",
                "Zoledronic acid 4 mg IV every 4 weeks (CrCl > 60 mL/min); calcium and vitamin D",
                "accepted",
                "",
            ),
        ]
        self._register(case, p, lesions, 66, 1, [(9, "decided"), (12, "listed")], "urgent", crcl=72.4, on_bma=False).row[
            "_plan"
        ] = plan

    def _lecture_2(self) -> None:
        m = self.meeting_dates[8]
        ref = m - timedelta(days=2)
        surgery = ref + timedelta(days=1)
        diag = ref - timedelta(days=5 * 365 + 20)
        p = self.add_patient(None, "female", 59, ref, lecture=2)
        pid = p["patient_id"]
        # SINS 11 is "potentially unstable": the board shows the case as the MDT met it, before
        # the spine surgeon's formal call, so it asks for the spine-surgery opinion (ORTHO-SINS-
        # CONSULT) and keeps NOMS provisional; the decision records the stabilisation done.
        t9 = self.lesion_row(
            pid,
            "spine",
            "lytic",
            ref,
            level="T9",
            size_mm=38,
            spinal_pain="mechanical",
            alignment="normal",
            collapse="lt_50_collapse",
            posterolateral="bilateral",
            bilsky="2",
            painful=True,
            status="treated",
            posterior_wall_intact=False,
            surgeon_stability=None,
        )
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Brown (Spine Surgery)",
            referrer_specialty="spine_surgery",
            question=(
                "Lecture case 2: 5 years after breast surgery, T9 metastasis with posterior "
                "wall involvement compressing the cord; lower-limb weakness and reduced "
                "sensation. SINS 11, Frankel D, Tomita 4, expected survival > 1 year. "
                "Emergency decompression done on the day after presentation — MDT review of "
                "adjuvant therapy."
            ),
            priority="emergency",
            primary_tumour="breast",
            histology="invasive_ductal",
            diagnosis_date=diag,
            er="positive",
            pr="positive",
            her2="negative",
            postmenopausal=True,
            ecog=2,
            kps=60,
            frankel="D",
            frankel_new=True,
            neuro_assessed=True,
            neuro_signs=["limb_weakness", "sensory_level"],
            spinal_pain_signs=["progressive_spinal_pain", "night_pain"],
            nrs=7,
            pain_character="mixed",
            visceral_mets="nodular",
            visceral_treatable=True,
            visceral_removable=False,
            expected_survival_weeks=78,
            fit_for_surgery=True,
            prior_chemotherapy=True,
            weight_kg=62,
            height_cm=160,
            dental_clearance=True,
            primary_controlled=True,
            surgery_planned=False,
            comorbidities="Right mastectomy and adjuvant chemotherapy 5 years ago; hypertension",
            patient_wishes="Wants to walk again and return to light work.",
            key_worker="CNS Demo Nurse Patel",
            lecture_case=2,
        )
        self._panel(pid, ref - timedelta(days=40), ca=2.38, alb=39, cr=66, alp=118, hb=126, marker=("ca15_3", 38.0))
        self._panel(pid, ref, ca=2.44, alb=37, cr=64, alp=132, hb=121, marker=("ca15_3", 52.0))
        self._panel(
            pid, m + timedelta(days=6), ca=2.36, alb=35, cr=70, alp=140, hb=112, plt=310, neut=7.9, marker=("ca15_3", 49.0)
        )
        self._panel(pid, self.meeting_dates[11], ca=2.38, alb=37, cr=68, alp=126, hb=118, marker=("ca15_3", 41.0))
        self.add_study(
            pid,
            "pet_ct",
            ref - timedelta(days=30),
            "Skull base to mid-thigh",
            "FDG-avid lytic T9 lesion; two small FDG-avid nodules in the right lower "
            "lobe (8 and 6 mm); no other skeletal lesion.",
            "Solitary T9 bone metastasis; small treatable lung nodules.",
            [t9["lesion_id"]],
        )
        self.add_study(
            pid,
            "mri",
            ref,
            "Whole spine",
            "T9 metastasis with < 50% vertebral body collapse, posterior wall "
            "involvement and epidural extension compressing the cord, CSF still "
            "visible (Bilsky 2); bilateral pedicle involvement; alignment normal.",
            "T9 metastasis with metastatic spinal cord compression (Bilsky 2).",
            [t9["lesion_id"]],
        )
        self.add_study(
            pid,
            "ct",
            ref,
            "Thoracic spine",
            "Lytic destruction of T9 body and both pedicles; < 50% collapse.",
            "Lytic T9 metastasis; SINS 11.",
            [t9["lesion_id"]],
        )
        self.add_study(
            pid,
            "xr",
            m + timedelta(days=5),
            "Thoracic spine",
            "Post-operative: T9 titanium mesh cage with cement, pedicle screws T7–T11; alignment maintained.",
            "Stable construct.",
            [t9["lesion_id"]],
        )
        self.add_treatment(pid, "surgery", "Right modified radical mastectomy", diag)
        self.add_treatment(
            pid,
            "endocrine",
            "Tamoxifen",
            diag + timedelta(days=180),
            diag + timedelta(days=180 + 5 * 365 - 60),
            dose_text="20 mg daily",
        )
        self.add_treatment(
            pid,
            "steroid",
            "Dexamethasone",
            ref,
            m + timedelta(days=10),
            dose_text="10 mg IV then 4 mg q6h; tapered after surgery",
        )
        self.add_treatment(
            pid,
            "surgery",
            "T9 subtotal corpectomy, titanium mesh with cement, posterior instrumentation T7–T11",
            surgery,
            surgery,
            lesion_id=t9["lesion_id"],
        )
        self.add_treatment(
            pid,
            "radiotherapy",
            "Adjuvant radiotherapy T9 (thoracic)",
            surgery + timedelta(days=14),
            surgery + timedelta(days=18),
            dose_text="20 Gy in 5 fractions from week 2",
            dose_gy=20,
            fractions=5,
            lesion_id=t9["lesion_id"],
        )
        self.add_treatment(
            pid, "bone_modifying_agent", "Zoledronic acid", m + timedelta(days=3), dose_text="4 mg IV every 4 weeks"
        )
        self.add_treatment(pid, "endocrine", "Letrozole", m + timedelta(days=3), dose_text="2.5 mg daily")
        self.add_event(pid, "diagnosis", diag, "Invasive ductal carcinoma of the breast, ER+ PR+")
        self.add_event(
            pid,
            "cord_compression",
            ref,
            "MSCC at T9 (Bilsky 2), lower-limb weakness and sensory level; Frankel D",
            t9["lesion_id"],
        )
        self.add_event(
            pid,
            "surgery_to_bone",
            surgery,
            "Emergency decompression: T9 subtotal corpectomy, T7–T11 instrumentation",
            t9["lesion_id"],
        )
        self.add_event(
            pid, "radiotherapy_to_bone", surgery + timedelta(days=14), "Adjuvant thoracic radiotherapy 20 Gy/5", t9["lesion_id"]
        )
        plan = [
            (
                "EMERG-MSCC",
                "emergency",
                "Dexamethasone 10 mg IV then 4 mg q6h from presentation "
                "(neurological deficit), tapered after surgery; PPI cover, glucose checks",
                "accepted",
                "",
            ),
            (
                "NOMS",
                "decompression",
                "Emergency decompression: T9 subtotal corpectomy, titanium "
                "mesh with cement, posterior instrumentation T7–T11 (done on day 1)",
                "accepted",
                "",
            ),
            (
                "RT-POSTOP",
                "radiotherapy",
                "Adjuvant thoracic radiotherapy to T9 from week 2: 20 Gy in 5 fractions",
                "accepted",
                "",
            ),
            (
                "REHAB-POSTOP",
                "rehabilitation",
                "Early graded mobilisation: standing with help day 3, walking aid; avoid overloading the construct",
                "accepted",
                "",
            ),
            ("ONC-BMA", "bone_modifying_agent", "Zoledronic acid 4 mg IV every 4 weeks", "accepted", ""),
            (
                "ONC-HR-BREAST",
                "systemic",
                "Letrozole 2.5 mg daily",
                "modified",
                "CDK4/6 inhibitor deferred until wound healing and adjuvant radiotherapy are complete; reconsider at review",
            ),
        ]
        noms = {
            "neurologic": "high_grade (Bilsky 2) with myelopathy",
            "oncologic": "radiosensitive (breast)",
            "mechanical": "unstable: spine surgeon's call (SINS 11, potentially unstable)",
            "systemic": "fit for surgery; expected survival > 12 months",
            "recommendation": "decompression and stabilisation, then radiotherapy",
        }
        c = self._register(case, p, [t9], 59, 2, [(8, "decided"), (12, "listed")], "emergency", crcl=90.0)
        c.row["_plan"] = plan
        c.row["_noms"] = noms

    def _lecture_3(self) -> None:
        m = self.meeting_dates[5]
        ref = m - timedelta(days=6)
        t0 = ref - timedelta(days=2200)  # bone metastases found (age 54, 2 years postmenopausal)
        diag = t0 - timedelta(days=4 * 365)
        p = self.add_patient(None, "female", 54, t0, lecture=3)
        pid = p["patient_id"]
        spine = [
            self.lesion_row(
                pid,
                "spine",
                "lytic",
                t0,
                level="L3",
                size_mm=28,
                spinal_pain="occasional_non_mechanical",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="0",
                painful=True,
                prior_rt_dose_gy=30,
                prior_rt_date=t0 + timedelta(days=7),
                status="treated",
            ),
            self.lesion_row(
                pid,
                "spine",
                "mixed",
                t0,
                level="T8",
                size_mm=16,
                spinal_pain="pain_free",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="0",
                status="responding",
            ),
            self.lesion_row(
                pid,
                "spine",
                "mixed",
                t0,
                level="L1",
                size_mm=14,
                spinal_pain="pain_free",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="0",
                status="responding",
            ),
        ]
        pelvis = [
            self.lesion_row(pid, "pelvis", "mixed", t0, side="left", segment="ilium", size_mm=25, status="responding"),
            self.lesion_row(pid, "pelvis", "blastic", t0, side="right", segment="acetabulum", size_mm=18, status="responding"),
        ]
        lesions = spine + pelvis
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Huang (Medical Oncology)",
            referrer_specialty="medical_oncology",
            question=(
                "Lecture case 3: HR-positive breast cancer with spine and pelvic bone "
                "metastases for 6 years (letrozole 2 years, then fulvestrant 4 years, "
                "zoledronic acid throughout). New liver metastases: add palbociclib?"
            ),
            primary_tumour="breast",
            histology="invasive_ductal",
            diagnosis_date=diag,
            er="positive",
            pr="positive",
            her2="negative",
            postmenopausal=True,
            ecog=1,
            kps=80,
            frankel="E",
            frankel_new=False,
            neuro_assessed=True,
            nrs=2,
            pain_character="nociceptive",
            visceral_mets="nodular",
            visceral_treatable=True,
            visceral_removable=False,
            expected_survival_weeks=104,
            fit_for_surgery=True,
            prior_chemotherapy=False,
            weight_kg=64,
            height_cm=158,
            dental_clearance=True,
            primary_controlled=True,
            surgery_planned=False,
            comorbidities="Right modified radical mastectomy 10 years ago; osteoarthritis",
            patient_wishes="Wants to keep travelling with her grandchildren; prefers oral therapy.",
            key_worker="CNS Demo Nurse Liu",
            lecture_case=3,
        )
        self._panel(pid, t0, ca=2.52, alb=40, cr=70, alp=260, hb=124, marker=("ca15_3", 96.0))
        self._panel(pid, t0 + timedelta(days=180), ca=2.36, alb=41, cr=72, alp=150, hb=130, marker=("ca15_3", 34.0))
        self._panel(pid, ref - timedelta(days=60), ca=2.40, alb=40, cr=74, alp=132, hb=127, marker=("ca15_3", 41.0))
        self._panel(pid, ref - timedelta(days=4), ca=2.42, alb=38, cr=76, alp=176, hb=121, marker=("ca15_3", 88.0))
        self.add_lab(pid, "bilirubin", 14, ref - timedelta(days=4))
        all_ids = [x["lesion_id"] for x in lesions]
        self.add_study(
            pid,
            "bone_scan",
            t0,
            "Whole body",
            "Multiple foci of increased uptake: L3, T8, L1, left ilium, right acetabulum.",
            "Multiple bone metastases of the spine and pelvis.",
            all_ids,
        )
        self.add_study(
            pid,
            "pet_ct",
            t0 + timedelta(days=5),
            "Skull base to mid-thigh",
            "FDG-avid bone lesions as on bone scan; L3 lytic; no visceral lesion.",
            "Bone-only metastatic disease; no visceral disease.",
            all_ids,
        )
        self.add_study(
            pid,
            "ct",
            ref - timedelta(days=10),
            "Chest/abdomen/pelvis",
            "Three new hypodense liver lesions (largest 21 mm, segment VI). Bone "
            "lesions sclerotic and stable (L3, T8, L1, pelvis).",
            "New liver metastases; stable sclerotic bone metastases.",
            all_ids,
        )
        l3 = spine[0]["lesion_id"]
        self.add_treatment(pid, "surgery", "Right modified radical mastectomy", diag)
        self.add_treatment(pid, "endocrine", "Letrozole", t0, t0 + timedelta(days=730), dose_text="2.5 mg daily")
        self.add_treatment(
            pid, "bone_modifying_agent", "Zoledronic acid", t0, dose_text="4 mg IV every 4 weeks (every 12 weeks after 2 years)"
        )
        self.add_treatment(
            pid,
            "radiotherapy",
            "Radiotherapy L3",
            t0 + timedelta(days=7),
            t0 + timedelta(days=20),
            dose_text="30 Gy in 10 fractions",
            dose_gy=30,
            fractions=10,
            lesion_id=l3,
        )
        self.add_treatment(pid, "analgesia", "Tramadol", t0, t0 + timedelta(days=120), dose_text="50 mg qds")
        self.add_treatment(pid, "analgesia", "Celecoxib", t0, t0 + timedelta(days=120), dose_text="200 mg bd")
        self.add_treatment(pid, "endocrine", "Fulvestrant", t0 + timedelta(days=735), dose_text="500 mg IM every 4 weeks")
        self.add_treatment(pid, "targeted", "Palbociclib", m + timedelta(days=7), dose_text="125 mg daily, days 1–21 of 28")
        self.add_event(pid, "diagnosis", diag, "Invasive ductal carcinoma, ER+ PR+ HER2−")
        self.add_event(pid, "progression", t0, "Bone metastases of spine and pelvis (bone scan)")
        self.add_event(pid, "radiotherapy_to_bone", t0 + timedelta(days=7), "RT L3 30 Gy/10", l3)
        self.add_event(pid, "response", t0 + timedelta(days=180), "NRS 7 → 2 at 3 months; some lesions sclerotic at 6 months")
        self.add_event(
            pid, "progression", t0 + timedelta(days=730), "Bone progression after 2 years stable on letrozole → fulvestrant"
        )
        self.add_event(pid, "progression", ref - timedelta(days=10), "New liver metastases")
        plan = [
            (
                "ONC-HR-BREAST",
                "systemic",
                "Continue fulvestrant 500 mg q4w and add palbociclib 125 mg days 1–21 of 28",
                "accepted",
                "",
            ),
            (
                "ONC-BMA",
                "bone_modifying_agent",
                "Continue zoledronic acid",
                "modified",
                "More than 2 years of monthly dosing: continue every 12 weeks",
            ),
            (
                None,
                "investigation",
                "Full blood count before each palbociclib cycle; CT chest/abdomen/pelvis and bone scan in 3 months",
                "free_text",
                "",
            ),
        ]
        self._register(case, p, lesions, 60, 3, [(5, "decided")], "routine", on_bma=True).row["_plan"] = plan

    def _lecture_4(self) -> None:
        m = self.meeting_dates[7]
        ref = m - timedelta(days=5)
        diag = ref - timedelta(days=4 * 365 - 30)
        p = self.add_patient(None, "male", 68, diag, lecture=4)
        pid = p["patient_id"]
        t11 = self.lesion_row(
            pid,
            "spine",
            "blastic",
            diag,
            level="T11",
            size_mm=24,
            spinal_pain="mechanical",
            alignment="normal",
            collapse="lt_50_collapse",
            posterolateral="none",
            bilsky="1a",
            painful=True,
            prior_rt_dose_gy=24,
            prior_rt_date=diag + timedelta(days=760),
            status="treated",
            surgeon_stability="stable",
        )  # "no stabilisation needed"
        lesions = [
            t11,
            self.lesion_row(
                pid,
                "spine",
                "blastic",
                diag,
                level="T6",
                size_mm=15,
                spinal_pain="pain_free",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="0",
            ),
            self.lesion_row(
                pid, "pelvis", "blastic", diag, side="left", segment="ilium", size_mm=40, painful=True, status="progressing"
            ),
            self.lesion_row(pid, "pelvis", "blastic", diag, side="right", segment="ischium_pubis", size_mm=22),
            self.lesion_row(pid, "rib", "blastic", diag, side="right", size_mm=15),
            self.lesion_row(pid, "rib", "blastic", diag, side="left", size_mm=12),
        ]
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Gupta (Medical Oncology)",
            referrer_specialty="medical_oncology",
            question=(
                "Lecture case 4: castration-resistant prostate cancer, osteoblastic "
                "metastases of pelvis, ribs and thoracic spine, no visceral disease; "
                "abiraterone stopped, docetaxel completed (two mCRPC lines). Symptomatic "
                "bone progression: radium-223?"
            ),
            primary_tumour="prostate",
            histology="acinar_adenocarcinoma",
            diagnosis_date=diag,
            castration="resistant",
            ecog=1,
            kps=80,
            frankel="E",
            frankel_new=False,
            neuro_assessed=True,
            nrs=5,
            pain_character="nociceptive",
            visceral_mets="none",
            expected_survival_weeks=104,
            fit_for_surgery=True,
            prior_chemotherapy=True,
            prior_mcrpc_lines=2,
            weight_kg=76,
            height_cm=170,
            dental_clearance=True,
            lymph_node_max_cm=1.5,
            ineligible_for_other_treatment=False,  # PSMA: no node > 3 cm
            primary_controlled=False,
            surgery_planned=False,
            comorbidities="Gleason 8 (4+4); type 2 diabetes",
            patient_wishes="Wants to stay active and keep gardening.",
            key_worker="CNS Demo Nurse Evans",
            lecture_case=4,
        )
        psa = (
            (diag, 86.0),
            (diag + timedelta(days=90), 0.5),
            (diag + timedelta(days=300), 0.3),
            (diag + timedelta(days=540), 2.1),
            (diag + timedelta(days=600), 4.8),
            (diag + timedelta(days=700), 1.2),
            (diag + timedelta(days=940), 6.5),
            (diag + timedelta(days=1150), 3.0),
            (ref - timedelta(days=35), 12.4),
            (ref - timedelta(days=3), 18.5),
        )
        for d, v in psa:
            self.add_lab(pid, "psa", v, d)
        self._panel(pid, diag, ca=2.40, alb=41, cr=88, alp=410, hb=132)
        self._panel(pid, diag + timedelta(days=540), ca=2.32, alb=40, cr=92, alp=190, hb=128)
        self._panel(pid, ref - timedelta(days=35), ca=2.30, alb=39, cr=96, alp=260, hb=118)
        self._panel(pid, ref - timedelta(days=3), ca=2.28, alb=38, cr=98, alp=310, hb=114, plt=205, neut=3.2)
        ids = [x["lesion_id"] for x in lesions]
        self.add_study(
            pid,
            "bone_scan",
            diag,
            "Whole body",
            "Multiple osteoblastic foci: pelvis, ribs bilaterally, T6 and T11.",
            "Multiple osteoblastic bone metastases (pelvis, ribs, thoracic spine).",
            ids,
        )
        self.add_study(
            pid,
            "mri",
            diag + timedelta(days=740),
            "Thoracic spine",
            "T11 blastic metastasis with < 50% collapse, epidural impingement without "
            "thecal sac deformation (Bilsky 1a); alignment normal.",
            "Painful T11 metastasis, SINS 8.",
            [t11["lesion_id"]],
        )
        self.add_study(
            pid,
            "psma_pet",
            ref - timedelta(days=12),
            "Whole body",
            "PSMA-avid bone metastases: pelvis (progressing left ilium), ribs, T6, T11; no nodes > 3 cm; no visceral metastases.",
            "Bone-predominant progression; no visceral disease.",
            ids,
        )
        self.add_treatment(
            pid,
            "endocrine",
            "Bicalutamide",
            diag - timedelta(days=7),
            diag + timedelta(days=28),
            dose_text="50 mg daily (flare cover, started first)",
        )
        self.add_treatment(pid, "endocrine", "Goserelin", diag, dose_text="3.6 mg SC every 28 days")
        self.add_treatment(
            pid,
            "bone_modifying_agent",
            "Zoledronic acid",
            diag + timedelta(days=545),
            dose_text="4 mg IV every 4 weeks (from castration resistance)",
        )
        self.add_treatment(
            pid, "endocrine", "Abiraterone", diag + timedelta(days=560), diag + timedelta(days=960), dose_text="1000 mg daily"
        )
        self.add_treatment(
            pid, "steroid", "Prednisone", diag + timedelta(days=560), diag + timedelta(days=960), dose_text="5 mg twice daily"
        )
        self.add_treatment(
            pid,
            "radiotherapy",
            "SBRT T11",
            diag + timedelta(days=760),
            diag + timedelta(days=762),
            dose_text="24 Gy in 2 fractions (SBRT)",
            dose_gy=24,
            fractions=2,
            lesion_id=t11["lesion_id"],
        )
        self.add_treatment(
            pid,
            "chemotherapy",
            "Docetaxel",
            diag + timedelta(days=990),
            diag + timedelta(days=1110),
            dose_text="75 mg/m² every 3 weeks × 6",
        )
        self.add_treatment(pid, "radionuclide", "Radium-223", m + timedelta(days=12), dose_text="55 kBq/kg every 4 weeks × 6")
        self.add_event(pid, "diagnosis", diag, "Prostate adenocarcinoma, Gleason 8 (4+4), PSA 86")
        self.add_event(pid, "response", diag + timedelta(days=90), "PSA 86 → 0.5; pain relieved")
        self.add_event(pid, "progression", diag + timedelta(days=540), "PSA rising: castration-resistant")
        self.add_event(
            pid,
            "radiotherapy_to_bone",
            diag + timedelta(days=760),
            "SBRT to painful T11 (SINS 8; spine surgeon: no stabilisation needed)",
            t11["lesion_id"],
        )
        self.add_event(pid, "progression", diag + timedelta(days=960), "PSA progression on abiraterone: stopped")
        self.add_event(pid, "progression", ref - timedelta(days=12), "Symptomatic bone progression after docetaxel (PSMA PET)")
        plan = [
            (
                "RT-RA223",
                "radiotherapy",
                "Radium-223 55 kBq/kg every 4 weeks × 6 (two prior mCRPC lines; abiraterone stopped; no visceral disease)",
                "accepted",
                "",
            ),
            ("ONC-BMA", "bone_modifying_agent", "Continue zoledronic acid 4 mg every 4 weeks with radium-223", "accepted", ""),
            (
                "ONC-CRPC",
                "systemic",
                "Abiraterone or enzalutamide",
                "rejected",
                "Progressed on abiraterone; not to be combined with radium-223",
            ),
            (None, "investigation", "Blood counts before each radium-223 cycle; PSA and ALP every 4 weeks", "free_text", ""),
        ]
        self._register(case, p, lesions, 72, 4, [(7, "decided")], "routine", on_bma=True).row["_plan"] = plan

    def _lecture_5(self) -> None:
        m = self.meeting_dates[4]
        ref = m - timedelta(days=5)
        diag = ref - timedelta(days=490)
        p = self.add_patient(None, "female", 56, diag, lecture=5)
        pid = p["patient_id"]
        lesions = [
            self.lesion_row(
                pid,
                "spine",
                "lytic",
                diag,
                level="T7",
                size_mm=18,
                spinal_pain="occasional_non_mechanical",
                alignment="normal",
                collapse="none",
                posterolateral="unilateral",
                bilsky="0",
                status="responding",
            ),
            self.lesion_row(
                pid,
                "spine",
                "lytic",
                diag,
                level="L4",
                size_mm=20,
                spinal_pain="occasional_non_mechanical",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="1a",
                painful=True,
                status="responding",
            ),
            self.lesion_row(pid, "pelvis", "mixed", diag, side="right", segment="ilium", size_mm=30, status="responding"),
            self.lesion_row(
                pid,
                "femur",
                "lytic",
                diag,
                side="left",
                segment="shaft",
                size_mm=15,
                size_fraction="lt_one_third",
                limb_pain="mild",
                status="responding",
            ),
            self.lesion_row(pid, "rib", "lytic", diag, side="right", size_mm=10),
        ]
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Wang (Medical Oncology)",
            referrer_specialty="medical_oncology",
            question=(
                "Lecture case 5: EGFR exon 19 deletion lung adenocarcinoma with multiple "
                "bone metastases; erlotinib 14 months (pain relief at 4 weeks, lesions −30% "
                "at 8 weeks), intracranial progression with T790M → osimertinib. Bone "
                "review: bone-modifying agent and local treatment?"
            ),
            primary_tumour="lung_nsclc",
            histology="adenocarcinoma",
            diagnosis_date=diag,
            egfr="positive",
            alk="negative",
            ecog=1,
            kps=80,
            frankel="E",
            frankel_new=False,
            neuro_assessed=True,
            nrs=3,
            pain_character="nociceptive",
            visceral_mets="none",
            expected_survival_weeks=104,
            fit_for_surgery=True,
            prior_chemotherapy=False,
            weight_kg=55,
            height_cm=158,
            dental_clearance=True,
            comorbidities="Never smoker; brain metastases responding to osimertinib",
            patient_wishes="Wants to continue oral targeted therapy at home.",
            key_worker="CNS Demo Nurse Chen",
            lecture_case=5,
            primary_controlled=False,
            surgery_planned=False,  # lung primary in situ
        )
        for k, d in enumerate((diag, diag + timedelta(days=56), diag + timedelta(days=425), ref - timedelta(days=3))):
            self._panel(
                pid,
                d,
                ca=2.45 - 0.03 * k,
                alb=38,
                cr=58 + k,
                alp=(220, 140, 170, 120)[k],
                hb=120 + k,
                marker=("cea", (64.0, 21.0, 35.0, 9.5)[k]),
            )
        ids = [x["lesion_id"] for x in lesions]
        self.add_study(
            pid,
            "ct",
            diag - timedelta(days=5),
            "Chest",
            "Right upper lobe mass 38 mm; lytic lesions T7 and right 5th rib.",
            "Right lung adenocarcinoma with bone metastases.",
            [ids[0], ids[4]],
        )
        self.add_study(
            pid,
            "bone_scan",
            diag,
            "Whole body",
            "Increased uptake T7, L4, right ilium, left femoral shaft, right 5th rib.",
            "Multiple bone metastases.",
            ids,
        )
        self.add_study(
            pid,
            "mri",
            diag + timedelta(days=425),
            "Brain",
            "Three new enhancing lesions (largest 9 mm).",
            "Intracranial progression.",
            [],
        )
        self.add_study(
            pid,
            "pet_ct",
            ref - timedelta(days=9),
            "Skull base to mid-thigh",
            "Bone lesions with reduced avidity (T7, L4, right ilium, left femur, rib); lung primary smaller.",
            "Continued response on osimertinib.",
            ids,
        )
        self.add_treatment(
            pid, "targeted", "Erlotinib", diag + timedelta(days=7), diag + timedelta(days=425), dose_text="150 mg daily"
        )
        self.add_treatment(pid, "targeted", "Osimertinib", diag + timedelta(days=430), dose_text="80 mg daily (T790M)")
        self.add_treatment(pid, "analgesia", "Paracetamol", diag, dose_text="1 g qds as needed")
        self.add_treatment(
            pid, "bone_modifying_agent", "Zoledronic acid", m + timedelta(days=7), dose_text="4 mg IV every 4 weeks"
        )
        self.add_event(pid, "diagnosis", diag, "Right lung adenocarcinoma, EGFR exon 19 deletion, bone metastases")
        self.add_event(
            pid, "response", diag + timedelta(days=56), "Pain relief at 4 weeks; bone lesions −30% at 8 weeks on erlotinib"
        )
        self.add_event(pid, "progression", diag + timedelta(days=425), "Intracranial progression; T790M detected → osimertinib")
        plan = [
            ("ONC-EGFR", "systemic", "Continue osimertinib 80 mg daily", "accepted", ""),
            ("ONC-BMA", "bone_modifying_agent", "Zoledronic acid 4 mg IV every 4 weeks; dental review done", "accepted", ""),
            ("PAIN-STEP1", "analgesia", "Paracetamol 1 g qds as needed", "accepted", ""),
            (None, "investigation", "MRI brain and CT chest in 3 months", "free_text", ""),
        ]
        self._register(case, p, lesions, 57, 5, [(4, "decided")], "routine", crcl=85.0).row["_plan"] = plan

    def _lecture_6(self) -> None:
        m = self.meeting_dates[10]
        ref = m - timedelta(days=6)
        diag = ref - timedelta(days=2 * 365 + 40)
        p = self.add_patient(None, "female", 48, ref, lecture=6)
        pid = p["patient_id"]
        acet = self.lesion_row(
            pid, "pelvis", "lytic", ref - timedelta(days=12), side="right", segment="acetabulum", size_mm=34, painful=True
        )
        lesions = [
            self.lesion_row(
                pid,
                "spine",
                "mixed",
                ref - timedelta(days=12),
                level="T5",
                size_mm=18,
                spinal_pain="occasional_non_mechanical",
                alignment="normal",
                collapse="none",
                posterolateral="none",
                bilsky="0",
                painful=True,
            ),
            self.lesion_row(
                pid,
                "spine",
                "lytic",
                ref - timedelta(days=12),
                level="L1",
                size_mm=22,
                spinal_pain="mechanical",
                alignment="normal",
                collapse="none",
                posterolateral="unilateral",
                bilsky="1a",
                painful=True,
            ),
            acet,
            self.lesion_row(
                pid,
                "humerus",
                "lytic",
                ref - timedelta(days=12),
                side="left",
                segment="proximal",
                size_mm=20,
                size_fraction="lt_one_third",
                limb_pain="moderate",
                painful=True,
            ),
            self.lesion_row(pid, "sternum", "lytic", ref - timedelta(days=12), side="midline", size_mm=15),
        ]
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Huang (Medical Oncology)",
            referrer_specialty="medical_oncology",
            question=(
                "Lecture case 6: HER2-positive (3+) ER− PR− breast cancer, 2 years after "
                "surgery; multiple painful bone metastases. Systemic therapy, "
                "radiotherapy and bone-modifying agent?"
            ),
            priority="urgent",
            primary_tumour="breast",
            histology="invasive_ductal",
            diagnosis_date=diag,
            er="negative",
            pr="negative",
            her2="positive",
            postmenopausal=False,
            ecog=1,
            kps=70,
            frankel="E",
            frankel_new=False,
            neuro_assessed=True,
            spinal_pain_signs=["night_pain"],
            nrs=7,
            pain_character="nociceptive",
            visceral_mets="none",
            expected_survival_weeks=156,
            fit_for_surgery=True,
            prior_chemotherapy=True,
            weight_kg=58,
            height_cm=163,
            dental_clearance=False,
            comorbidities="Right breast surgery and adjuvant chemotherapy 2 years ago",
            patient_wishes="Two school-age children; wants effective treatment and to keep working.",
            key_worker="CNS Demo Nurse Patel",
            lecture_case=6,
            primary_controlled=True,
            surgery_planned=False,
        )
        self._panel(pid, ref - timedelta(days=90), ca=2.40, alb=42, cr=60, alp=90, hb=131, marker=("ca15_3", 22.0))
        self._panel(pid, ref - timedelta(days=3), ca=2.56, alb=40, cr=62, alp=240, hb=124, marker=("ca15_3", 71.0))
        self._panel(
            pid, m + timedelta(days=12), ca=2.44, alb=40, cr=63, alp=226, hb=117, plt=198, neut=2.4, marker=("ca15_3", 64.0)
        )
        ids = [x["lesion_id"] for x in lesions]
        self.add_study(
            pid,
            "bone_scan",
            ref - timedelta(days=12),
            "Whole body",
            "Increased uptake T5, L1, right acetabulum, left proximal humerus, sternum.",
            "Multiple bone metastases.",
            ids,
        )
        self.add_study(
            pid,
            "ct",
            ref - timedelta(days=8),
            "Chest/abdomen/pelvis",
            "Lytic lesions L1, right acetabulum (34 mm, medial wall intact), sternum; mixed T5; no visceral metastases.",
            "Multiple lytic bone metastases; no visceral disease.",
            ids,
        )
        self.add_treatment(pid, "surgery", "Right breast-conserving surgery", diag)
        self.add_treatment(
            pid,
            "chemotherapy",
            "Adjuvant epirubicin + cyclophosphamide then paclitaxel",
            diag + timedelta(days=30),
            diag + timedelta(days=200),
        )
        self.add_treatment(pid, "analgesia", "Tramadol", ref, dose_text="50–100 mg qds")
        start = m + timedelta(days=5)
        self.add_treatment(pid, "targeted", "Trastuzumab", start, dose_text="8 mg/kg loading then 6 mg/kg every 3 weeks")
        self.add_treatment(pid, "targeted", "Pertuzumab", start, dose_text="840 mg loading then 420 mg every 3 weeks")
        self.add_treatment(pid, "chemotherapy", "Docetaxel", start, dose_text="75 mg/m² every 3 weeks")
        self.add_treatment(
            pid,
            "radiotherapy",
            "Radiotherapy right acetabulum",
            m + timedelta(days=2),
            m + timedelta(days=2),
            dose_text="8 Gy single fraction",
            dose_gy=8,
            fractions=1,
            lesion_id=acet["lesion_id"],
        )
        self.add_event(pid, "diagnosis", diag, "Right invasive ductal carcinoma, ER− PR− HER2 3+")
        self.add_event(pid, "progression", ref - timedelta(days=12), "Multiple bone metastases")
        self.add_event(
            pid, "radiotherapy_to_bone", m + timedelta(days=2), "8 Gy single fraction to right acetabulum", acet["lesion_id"]
        )
        plan = [
            ("ONC-HER2", "systemic", "Trastuzumab + pertuzumab + docetaxel every 3 weeks", "accepted", ""),
            (
                "RT-PAIN-LONG",
                "radiotherapy",
                "8 Gy single fraction to the right acetabulum",
                "modified",
                "Chemotherapy starts next week; single visit preferred (8 Gy × 1 remains acceptable)",
            ),
            ("ONC-DENTAL", "investigation", "Dental review before the first zoledronic acid dose", "accepted", ""),
            ("ONC-BMA", "bone_modifying_agent", "Zoledronic acid 4 mg IV every 4 weeks after dental clearance", "accepted", ""),
            ("PAIN-STEP2", "analgesia", "Tramadol 50–100 mg qds; review at 2 weeks", "accepted", ""),
        ]
        self._register(case, p, lesions, 48, 6, [(10, "decided")], "urgent", crcl=95.0).row["_plan"] = plan

    def _lecture_7(self) -> None:
        m = self.meeting_dates[2]
        ref = m - timedelta(days=6)
        nephrectomy = ref - timedelta(days=185)
        p = self.add_patient(None, "male", 62, ref, lecture=7)
        pid = p["patient_id"]
        t8 = self.lesion_row(
            pid,
            "spine",
            "lytic",
            ref - timedelta(days=10),
            level="T8",
            size_mm=26,
            spinal_pain="occasional_non_mechanical",
            alignment="normal",
            collapse="none",
            posterolateral="unilateral",
            bilsky="1a",
            painful=True,
        )
        rib = self.lesion_row(pid, "rib", "lytic", ref - timedelta(days=10), side="right", size_mm=30, painful=True)
        rib2 = self.lesion_row(pid, "rib", "lytic", ref - timedelta(days=10), side="left", size_mm=14)
        lesions = [t8, rib, rib2]
        case = self.case_row(
            p,
            referral_date=ref,
            referrer="Dr Demo Gupta (Medical Oncology)",
            referrer_specialty="medical_oncology",
            question=(
                "Lecture case 7: clear-cell RCC, radical nephrectomy 6 months ago; new "
                "rib and thoracic spine metastases. Systemic therapy and local treatment "
                "of T8?"
            ),
            primary_tumour="kidney",
            histology="clear_cell_rcc",
            diagnosis_date=nephrectomy,
            ecog=1,
            kps=80,
            frankel="E",
            frankel_new=False,
            neuro_assessed=True,
            nrs=5,
            pain_character="nociceptive",
            visceral_mets="none",
            expected_survival_weeks=130,
            fit_for_surgery=True,
            prior_chemotherapy=False,
            weight_kg=80,
            height_cm=175,
            dental_clearance=True,
            comorbidities="Solitary kidney after nephrectomy; hypertension (worse on sunitinib, "
            "managed with amlodipine); hand-foot syndrome grade 1 on sunitinib",
            patient_wishes="Wants treatment that lets him keep driving his taxi.",
            key_worker="CNS Demo Nurse Liu",
            lecture_case=7,
            primary_controlled=True,
            surgery_planned=False,  # nephrectomy bed clear; SBRT T8
        )
        self._panel(pid, nephrectomy + timedelta(days=30), ca=2.38, alb=41, cr=104, alp=96, hb=138, marker=("ldh", 210.0))
        self._panel(pid, ref - timedelta(days=4), ca=2.52, alb=39, cr=110, alp=160, hb=129, marker=("ldh", 260.0))
        self._panel(
            pid, m + timedelta(days=40), ca=2.42, alb=40, cr=112, alp=150, hb=125, plt=180, neut=2.1, marker=("ldh", 240.0)
        )
        self.add_study(
            pid,
            "ct",
            ref - timedelta(days=10),
            "Chest/abdomen/pelvis",
            "Lytic expansile lesion right 8th rib (30 mm) and left 10th rib; lytic T8 "
            "with unilateral pedicle involvement; nephrectomy bed clear.",
            "Rib and thoracic spine metastases from clear-cell RCC.",
            [t8["lesion_id"], rib["lesion_id"], rib2["lesion_id"]],
        )
        self.add_study(
            pid,
            "mri",
            ref - timedelta(days=7),
            "Thoracic spine",
            "T8 metastasis, epidural impingement without thecal sac deformation (Bilsky 1a); no collapse.",
            "T8 metastasis, SINS 8.",
            [t8["lesion_id"]],
        )
        self.add_treatment(pid, "surgery", "Radical nephrectomy (right)", nephrectomy)
        self.add_treatment(pid, "targeted", "Sunitinib", m + timedelta(days=7), dose_text="50 mg daily, 4 weeks on / 2 weeks off")
        self.add_treatment(
            pid,
            "radiotherapy",
            "SBRT T8",
            m + timedelta(days=14),
            m + timedelta(days=18),
            dose_text="27 Gy in 3 fractions (SBRT)",
            dose_gy=27,
            fractions=3,
            lesion_id=t8["lesion_id"],
        )
        self.add_treatment(
            pid,
            "bone_modifying_agent",
            "Zoledronic acid",
            m + timedelta(days=7),
            dose_text="4 mg IV every 4 weeks (CrCl 68 mL/min)",
        )
        self.add_event(pid, "diagnosis", nephrectomy, "Clear-cell renal cell carcinoma")
        self.add_event(
            pid, "progression", ref - timedelta(days=10), "Rib and thoracic spine metastases 6 months after nephrectomy"
        )
        self.add_event(pid, "radiotherapy_to_bone", m + timedelta(days=14), "SBRT T8 27 Gy/3", t8["lesion_id"])
        self.add_event(
            pid, "response", m + timedelta(days=60), "Stable disease on sunitinib; hypertension and hand-foot syndrome managed"
        )
        plan = [
            (
                "ONC-RCC",
                "systemic",
                "Sunitinib 50 mg daily, 4 weeks on / 2 off",
                "modified",
                "Immunotherapy-based combination declined by the patient; sunitinib as in the "
                "lecture course, with blood-pressure monitoring",
            ),
            ("RT-SBRT", "radiotherapy", "SBRT to T8: 27 Gy in 3 fractions (radioresistant histology)", "accepted", ""),
            (
                "ONC-BMA",
                "bone_modifying_agent",
                "Zoledronic acid 4 mg every 4 weeks (CrCl 68 mL/min; solitary kidney: creatinine before each dose)",
                "accepted",
                "",
            ),
            ("PAIN-STEP2", "analgesia", "Tramadol 50 mg qds as needed", "accepted", ""),
        ]
        self._register(case, p, lesions, 62, 7, [(2, "decided")], "routine", crcl=68.4).row["_plan"] = plan

    # -- generic cases -------------------------------------------------------------------------

    def generic_cases(self) -> None:
        slots: list[int | None] = [k for k in range(N_PAST_MEETINGS) for _ in range(10)]
        slots += [12] * 12 + [13] * 6 + [14] * 3 + [15] * 1
        slots += [None] * (N_GENERIC_PATIENTS - len(slots))
        self.rng.shuffle(slots)
        first_cases: list[_Case] = []
        for number, slot in enumerate(slots, start=1):
            first_cases.append(self.generic_case(number, slot))
        if not any(o == "no_decision" for c in first_cases for _, o in c.slots):
            # Always show one "no recommendation" outcome (a quarter of MDT cases get none).
            for c in first_cases:
                if c.slots and c.slots[0][1] == "deferred":
                    c.slots[0] = (c.slots[0][0], "no_decision")
                    break
        eligible = [c for c in first_cases if c.slots and c.slots[0][0] <= 4 and c.slots[-1][1] in ("decided", "ratified")]
        for c in self.rng.sample(eligible, min(N_SECOND_EPISODES, len(eligible))):
            self.second_episode(c)

    def _referral_for(self, slot: int | None, emergency: bool) -> date:
        if slot is None:
            return self.today - self.days(0, 6)
        m = self.meeting_dates[slot]
        back = self.days(1, 6) if emergency else self.days(3, 13)
        return min(m - back, self.today - self.days(0, 2))

    def generic_case(self, number: int, slot: int | None) -> _Case:
        rng = self.rng
        primary = self.pick(PRIMARY_WEIGHTS)
        sex = {"breast": "female", "prostate": "male"}.get(primary, rng.choice(("male", "female")))
        age = max(30, min(90, int(rng.gauss(70 if primary == "prostate" else 62, 10))))
        mscc = self.chance(0.045)
        ref = self._referral_for(slot, mscc)
        de_novo = self.chance(0.3)
        longest = 3000 if primary in ("breast", "prostate") else 1200
        diag = ref - (self.days(10, 90) if de_novo else self.days(200, longest))
        patient = self.add_patient(number, sex, age, ref)
        pid = patient["patient_id"]
        histology = self.pick(HISTOLOGY[primary])
        row: dict[str, Any] = {"primary_tumour": primary, "histology": histology, "diagnosis_date": diag}
        if primary == "breast":
            subtype = self.pick((("hr", 65), ("her2", 20), ("tnbc", 15)))
            row["er"] = "negative" if subtype == "tnbc" or (subtype == "her2" and self.chance(0.5)) else "positive"
            row["pr"] = "positive" if row["er"] == "positive" and self.chance(0.8) else "negative"
            row["her2"] = "positive" if subtype == "her2" else "negative"
            row["postmenopausal"] = age >= 52
        elif primary == "prostate":
            row["castration"] = "resistant" if not de_novo and self.chance(0.55) else "sensitive"
            if row["castration"] == "resistant":
                row["prior_mcrpc_lines"] = rng.choice((0, 1, 1, 2, 2, 3))
        elif primary == "lung_nsclc":
            if histology == "adenocarcinoma":
                row["egfr"] = "positive" if self.chance(0.4) else "negative"
                row["alk"] = "positive" if row["egfr"] == "negative" and self.chance(0.08) else "negative"
            else:
                row["egfr"] = self.pick((("negative", 70), ("unknown", 30)))
                row["alk"] = self.pick((("negative", 70), ("unknown", 30)))
        if primary == "unknown_primary" and histology == "not_confirmed":
            row["histology"] = None if self.chance(0.5) else histology
        ecog = self.pick(((0, 14), (1, 36), (2, 30), (3, 15), (4, 5)))
        lesions = self.generic_lesions(pid, primary, ref, diag, mscc)
        spinal = [x for x in lesions if x["bone"] == "spine"]
        high_bilsky = [x for x in spinal if x["bilsky"] in ("2", "3")]
        frankel, frankel_new, signs = "E", False, []
        if high_bilsky and self.chance(0.7):
            frankel = self.pick((("D", 70), ("C", 25), ("B", 5)))
            frankel_new = True
            signs = [
                "limb_weakness",
                *rng.sample(
                    ["sensory_level", "gait_disturbance", "bladder_bowel_dysfunction", "radicular_or_band_pain"],
                    rng.randint(1, 2),
                ),
            ]
            ecog = max(ecog, 2)
        elif spinal and self.chance(0.05):
            frankel = "D"
            frankel_new = False
        elif spinal and self.chance(0.04):
            signs = ["radicular_or_band_pain"]
        nrs = max(0, min(10, round(rng.gauss(5.2, 2.2))))
        if any(x["pathological_fracture"] for x in lesions) or high_bilsky:
            nrs = max(nrs, 6)
        pain_char = self.pick((("nociceptive", 60), ("mixed", 25), ("neuropathic", 15)))
        if signs:
            pain_char = "mixed"
        visceral = self.pick((("none", 55), ("nodular", 30), ("disseminated", 15)))
        if primary in ("myeloma",):
            visceral = "none"
        survival_base = {
            "breast": 30,
            "prostate": 30,
            "thyroid": 40,
            "myeloma": 30,
            "kidney": 18,
            "lung_nsclc": 14,
            "lung_sclc": 6,
        }.get(primary, 8)
        if row.get("egfr") == "positive" or row.get("alk") == "positive":
            survival_base = 24
        survival = max(
            1, int(survival_base * (1.0 - 0.2 * ecog) * rng.uniform(0.5, 1.4) * (0.6 if visceral == "disseminated" else 1.0))
        )
        weight = round(rng.gauss(72 if sex == "male" else 60, 10), 1)
        height = round(rng.gauss(171 if sex == "male" else 159, 6), 1)
        weight = min(max(weight, 38.0), 130.0)
        height = min(max(height, 140.0), 195.0)
        referrer, ref_spec = rng.choice(REFERRERS)
        comorb = rng.sample(COMORBIDITIES, rng.choice((0, 1, 1, 2)))
        renal = self.pick((("normal", 86), ("moderate", 10), ("severe", 4)))
        if renal != "normal":
            comorb.append("Chronic kidney disease")
        calc = self.pick((("normal", 88), ("mild", 6), ("high", 6)))
        marrow = self.chance(0.05) or (primary == "myeloma" and self.chance(0.3))
        stale_labs = self.chance(0.1)
        row.update(
            referral_date=ref,
            referrer=referrer,
            referrer_specialty=ref_spec,
            ecog=ecog,
            kps=None if self.chance(0.15) else self.kps_for(ecog),
            frankel=frankel,
            frankel_new=frankel_new if frankel != "E" else False,
            neuro_assessed=bool(signs) or frankel != "E" or self.chance(0.92),
            neuro_signs=signs,
            nrs=nrs,
            pain_character=pain_char,
            visceral_mets=visceral,
            visceral_treatable=None if visceral == "none" else self.chance(0.65 if visceral == "nodular" else 0.3),
            visceral_removable=None if visceral == "none" else (visceral == "nodular" and self.chance(0.3)),
            expected_survival_weeks=round(survival * 52 / 12),
            fit_for_surgery=ecog <= 2 and survival >= 3,
            prior_chemotherapy=primary not in ("prostate", "thyroid", "kidney") and self.chance(0.6),
            weight_kg=weight,
            height_cm=height,
            comorbidities="; ".join(comorb),
            patient_wishes="" if self.chance(0.08) else rng.choice(WISHES),
            key_worker=rng.choice(KEY_WORKERS),
            fever=marrow and self.chance(0.2),
            calcium_symptoms=(["confusion_or_drowsiness", "dehydration"] if calc == "high" and self.chance(0.5) else []),
        )
        if spinal:
            row["spinal_pain_signs"] = rng.sample(
                ["progressive_spinal_pain", "pain_on_straining", "night_pain", "localised_tenderness"], rng.choice((0, 1, 1, 2))
            )
        case = self.case_row(patient, **row)
        c = _Case(row=case, patient=patient, lesions=lesions, age=age, marrow=marrow)
        self.t["mdt_case"].append(case)
        self.t["lesion"].extend(lesions)
        self.cases.append(c)
        creat = self.generic_labs(c, renal, calc, stale_labs, slot)
        c.crcl = float(cockcroft_gault(age, weight, sex, creatinine_umol_l=creat))
        self.generic_history(c)
        self.generic_imaging(c, slot)
        c.urgency = self.urgency(c)
        case["priority"] = c.urgency
        case["stream"] = "standard_of_care" if c.urgency == "routine" and self.chance(0.42) else "full"
        case["question"] = self.question(c)
        case["dental_clearance"] = True if c.on_bma else (None if self.chance(0.5) else self.chance(0.5))
        c.slots = self.outcomes(slot, case["stream"])
        return c

    def outcomes(self, slot: int | None, stream: str) -> list[tuple[int, str]]:
        if slot is None:
            return []
        out: list[tuple[int, str]] = []
        k = slot
        while True:
            if k >= N_PAST_MEETINGS:
                out.append((k, "listed"))
                return out
            if stream == "standard_of_care":
                outcome = "ratified"
            elif out:
                outcome = "decided"
            else:
                outcome = self.pick((("decided", 85), ("deferred", 6), ("no_decision", 4), ("not_discussed", 5)))
            out.append((k, outcome))
            if outcome in ("decided", "ratified"):
                return out
            k += 1

    def generic_lesions(self, pid: int, primary: str, ref: date, diag: date, mscc: bool) -> list[dict[str, Any]]:
        rng = self.rng
        sites: list[str] = []
        if rng.random() < 0.63 or mscc:
            sites += ["spine"] * self.pick(((1, 55), (2, 30), (3, 15)))
        if rng.random() < 0.34:
            sites += ["pelvis"] * self.pick(((1, 75), (2, 25)))
        if rng.random() < 0.24:
            sites.append("long")
        if rng.random() < 0.18:
            sites += ["rib"] * self.pick(((1, 70), (2, 30)))
        if rng.random() < 0.14:
            sites.append(self.pick((("sacrum", 35), ("skull", 20), ("scapula", 15), ("sternum", 15), ("clavicle", 15))))
        if primary == "myeloma" and rng.random() < 0.7:
            sites += ["skull", "rib"]
        if not sites:
            sites.append(self.pick((("spine", 50), ("pelvis", 30), ("rib", 20))))
        sites = sites[:6]
        detected_from = max(diag, ref - timedelta(days=240))
        span = max(0, (ref - detected_from).days)
        weights = LESION_TYPE_WEIGHTS.get(primary, DEFAULT_TYPE_WEIGHTS)
        used_levels: set[str] = set()
        lesions: list[dict[str, Any]] = []
        for site in sites:
            ltype = self.pick(tuple(zip(("lytic", "blastic", "mixed"), weights, strict=True)))
            detected = detected_from + timedelta(days=rng.randint(0, span))
            size = max(5, min(120, int(rng.gauss(25, 12))))
            if site == "spine":
                les = self.spinal_lesion(pid, ltype, detected, size, used_levels)
            elif site == "long":
                les = self.long_bone_lesion(pid, ltype, detected, size)
            elif site == "pelvis":
                les = self.lesion_row(
                    pid,
                    "pelvis",
                    ltype,
                    detected,
                    side=rng.choice(("left", "right")),
                    segment=self.pick((("acetabulum", 35), ("ilium", 45), ("ischium_pubis", 20))),
                    size_mm=size,
                    painful=self.chance(0.55),
                )
            elif site == "sacrum":
                les = self.lesion_row(
                    pid,
                    "sacrum",
                    ltype,
                    detected,
                    level=self.pick((("S1", 50), ("S2", 30), (None, 20))),
                    side="midline",
                    size_mm=size,
                    painful=self.chance(0.5),
                )
            elif site in ("rib", "scapula", "clavicle"):
                les = self.lesion_row(
                    pid, site, ltype, detected, side=rng.choice(("left", "right")), size_mm=size, painful=self.chance(0.45)
                )
            else:  # skull, sternum
                les = self.lesion_row(pid, site, ltype, detected, side="midline", size_mm=size, painful=self.chance(0.3))
            if self.chance(0.06):
                les["size_mm"] = None
            lesions.append(les)
        if mscc:
            spinal = [x for x in lesions if x["bone"] == "spine"]
            target = next((x for x in spinal if x["level"].startswith("T")), spinal[0])
            target["bilsky"] = self.pick((("2", 60), ("3", 40)))
            target["painful"] = True
            target["spinal_pain"] = target["spinal_pain"] or "mechanical"
        if self.chance(0.11):
            self.add_fracture(lesions)
        return lesions

    def spinal_lesion(self, pid: int, ltype: str, detected: date, size: int, used: set[str]) -> dict[str, Any]:
        for _ in range(10):
            region = self.pick((("T", 58), ("L", 32), ("C", 10)))
            if region == "T":
                level = f"T{self.pick(tuple(zip(range(1, 13), THORACIC_WEIGHTS, strict=True)))}"
            elif region == "L":
                level = f"L{self.pick(tuple(zip(range(1, 6), LUMBAR_WEIGHTS, strict=True)))}"
            else:
                level = f"C{self.pick(tuple(zip(range(1, 8), CERVICAL_WEIGHTS, strict=True)))}"
            if level not in used:
                break
        used.add(level)
        high = ltype != "blastic" and self.chance(0.09)
        if high:
            values = {
                "spinal_pain": "mechanical",
                "alignment": self.pick((("de_novo_deformity", 70), ("subluxation_translation", 30))),
                "collapse": self.pick((("gt_50_collapse", 60), ("lt_50_collapse", 40))),
                "posterolateral": "bilateral",
            }
        else:
            values = {
                "spinal_pain": self.pick((("mechanical", 30), ("occasional_non_mechanical", 45), ("pain_free", 25))),
                "alignment": self.pick((("normal", 90), ("de_novo_deformity", 8), ("subluxation_translation", 2))),
                "collapse": self.pick(
                    (("none", 52), ("no_collapse_gt_50_involved", 22), ("lt_50_collapse", 18), ("gt_50_collapse", 8))
                ),
                "posterolateral": self.pick((("none", 58), ("unilateral", 30), ("bilateral", 12))),
            }
        bilsky = self.pick((("0", 55), ("1a", 22), ("1b", 13), ("1c", 10)))
        les = self.lesion_row(
            pid, "spine", ltype, detected, level=level, size_mm=size, bilsky=None if self.chance(0.12) else bilsky, **values
        )
        if self.chance(0.1):
            les[self.rng.choice(("spinal_pain", "alignment", "collapse", "posterolateral"))] = None
        les["painful"] = les["spinal_pain"] in ("mechanical", "occasional_non_mechanical")
        return les

    def long_bone_lesion(self, pid: int, ltype: str, detected: date, size: int) -> dict[str, Any]:
        bone = self.pick((("femur", 55), ("humerus", 28), ("tibia", 8), ("fibula", 4), ("radius", 3), ("ulna", 2)))
        segment = {
            "femur": (("head_neck", 15), ("peritrochanteric", 35), ("shaft", 35), ("distal", 15)),
            "humerus": (("proximal", 50), ("shaft", 40), ("distal", 10)),
            "tibia": (("proximal", 40), ("shaft", 50), ("distal", 10)),
        }.get(bone, (("shaft", 100),))
        les = self.lesion_row(
            pid,
            bone,
            ltype,
            detected,
            side=self.rng.choice(("left", "right")),
            segment=self.pick(segment),
            size_mm=size,
            size_fraction=self.pick((("lt_one_third", 40), ("one_third_to_two_thirds", 40), ("gt_two_thirds", 20))),
            limb_pain=self.pick((("mild", 35), ("moderate", 40), ("functional", 25))),
        )
        if self.chance(0.1):
            les[self.rng.choice(("size_fraction", "limb_pain"))] = None
        les["painful"] = les["limb_pain"] is not None or self.chance(0.5)
        return les

    def add_fracture(self, lesions: list[dict[str, Any]]) -> None:
        order = {"femur": 0, "humerus": 0, "tibia": 1, "spine": 2, "rib": 3, "pelvis": 4}
        candidates = sorted(lesions, key=lambda x: order.get(x["bone"], 9))
        target = candidates[0]
        if order.get(target["bone"], 9) == 9:
            return
        target["pathological_fracture"] = True
        target["painful"] = True
        if target["bone"] == "spine":
            target["collapse"] = self.pick((("lt_50_collapse", 50), ("gt_50_collapse", 50)))
        if target["bone"] in ("femur", "humerus", "tibia"):
            target["limb_pain"] = "functional"
            target["fracture_fixed"] = self.chance(0.4)
            if target["fracture_fixed"]:
                target["status"] = "treated"

    def generic_labs(self, c: _Case, renal: str, calc: str, stale: bool, slot: int | None) -> float:
        rng = self.rng
        pid = c.row["patient_id"]
        primary = c.row["primary_tumour"]
        ref = self.meeting_dates[slot] if slot is not None else self.today
        ref = self.cap(ref)
        latest = ref - (self.days(30, 50) if stale else self.days(0, 10))
        n = rng.randint(3, 6)
        dates = [latest]
        for _ in range(n - 1):
            dates.append(dates[-1] - self.days(18, 40))
        dates.reverse()
        male = c.patient["sex"] == "male"
        alb0, alb1 = rng.uniform(36, 44), rng.uniform(29, 41)
        cc1 = {"normal": rng.uniform(2.18, 2.58), "mild": rng.uniform(2.65, 2.95), "high": rng.uniform(3.04, 3.6)}[calc]
        cc0 = min(cc1, rng.uniform(2.2, 2.5))
        cr_final = {
            "normal": rng.uniform(55, 100) if male else rng.uniform(45, 85),
            "moderate": rng.uniform(125, 175),
            "severe": rng.uniform(220, 330),
        }[renal]
        cr0 = cr_final * rng.uniform(0.75, 1.0)
        blastic = any(x["lesion_type"] == "blastic" for x in c.lesions)
        alp1 = rng.uniform(180, 900) if blastic else rng.uniform(80, 380)
        hb1 = rng.uniform(95, 140) if primary != "myeloma" else rng.uniform(80, 110)
        plt1, neut1 = rng.uniform(150, 380), rng.uniform(2.0, 7.0)
        if c.marrow:
            which = rng.choice(("hb", "plt", "neut"))
            hb1 = rng.uniform(68, 79) if which == "hb" else hb1
            plt1 = rng.uniform(22, 48) if which == "plt" else plt1
            neut1 = rng.uniform(0.6, 0.95) if which == "neut" else neut1
        marker = MARKER.get(primary)
        rising = self.chance(0.6)
        if marker == "psa":
            m1 = rng.uniform(8, 250) if c.row["castration"] == "resistant" else rng.uniform(0.2, 40)
        elif marker == "ca15_3":
            m1 = rng.uniform(20, 220)
        elif marker == "cea":
            m1 = rng.uniform(3, 90)
        else:
            m1 = rng.uniform(180, 450)
        last_corr = cc1
        last_alb = alb1
        for j, d in enumerate(dates):
            f = j / (n - 1)

            def lerp(a: float, b: float, f: float = f) -> float:
                return a + (b - a) * f

            alb = lerp(alb0, alb1) + rng.uniform(-1, 1)
            corrected = lerp(cc0, cc1) + rng.uniform(-0.04, 0.04)
            if j == n - 1:
                corrected, alb = cc1, alb1
                last_corr, last_alb = corrected, alb
            self.add_lab(pid, "albumin", alb, d)
            self.add_lab(pid, "calcium", corrected - 0.02 * (40 - alb), d)
            self.add_lab(pid, "creatinine", lerp(cr0, cr_final) * rng.uniform(0.95, 1.05), d)
            self.add_lab(pid, "alp", lerp(alp1 * 0.7, alp1), d)
            self.add_lab(pid, "hb", lerp(max(hb1, 110), hb1), d)
            self.add_lab(pid, "platelets", lerp(max(plt1, 180), plt1), d)
            self.add_lab(pid, "neutrophils", lerp(max(neut1, 2.5), neut1), d)
            if marker:
                start = m1 * (0.6 if rising else 1.6)
                self.add_lab(pid, marker, lerp(start, m1), d)
            if self.chance(0.5):
                self.add_lab(pid, "crp", rng.uniform(1, 60), d)
            if self.chance(0.3) and marker != "ldh":
                self.add_lab(pid, "ldh", rng.uniform(150, 420), d)
            if self.chance(0.3):
                self.add_lab(pid, "bilirubin", rng.uniform(4, 22), d)
        rounded_ca = round(last_corr - 0.02 * (40 - last_alb), 2)
        c.corrected_ca = rounded_ca + 0.02 * (40 - round(last_alb, 2))
        if calc == "high":
            self.add_event(pid, "hypercalcaemia", latest, f"Corrected calcium {c.corrected_ca:.2f} mmol/L")
        elif self.chance(0.07):
            self.add_event(
                pid, "hypercalcaemia", dates[0] - self.days(20, 120), "Hypercalcaemia treated with IV fluids and zoledronic acid"
            )
        return cr_final

    def generic_history(self, c: _Case) -> None:
        """Treatments and events before the referral."""
        rng = self.rng
        row = c.row
        pid = row["patient_id"]
        ref, diag = row["referral_date"], row["diagnosis_date"]
        primary = row["primary_tumour"]
        label = PRIMARY_LABEL[primary][0]
        hist = (row["histology"] or "histology not confirmed").replace("_", " ")
        self.add_event(pid, "diagnosis", diag, f"Diagnosis of {label} ({hist})")
        first_bone = min(x["detected_date"] for x in c.lesions)
        if first_bone > diag + timedelta(days=60):
            self.add_event(pid, "progression", first_bone, "Bone metastases detected")
        regimen = self.systemic_regimen(row, first_line=True)
        if regimen and (ref - diag).days > 20:
            start = diag + self.days(10, 20)
            ended = (ref - diag).days > 240 and self.chance(0.5)
            end = ref - self.days(5, 60) if ended else None
            if end is not None and end < start:
                end = None
            for kind, name, dose in regimen:
                self.add_treatment(pid, kind, name, start, end, dose)
            if end is not None:
                self.add_event(pid, "progression", end, f"Progression on {regimen[0][1]}")
            elif start + timedelta(days=90) < ref and self.chance(0.3):
                self.add_event(pid, "response", start + self.days(60, 90), f"Partial response on {regimen[0][1]}")
        if row["nrs"] >= 7 and self.chance(0.55):
            name, dose = rng.choice(
                (("Oxycodone CR", "10 mg q12h"), ("Morphine SR", "30 mg q12h"), ("Fentanyl patch", "25 µg/h every 72 h"))
            )
            if c.crcl < 30 and name == "Morphine SR":
                name, dose = "Oxycodone CR", "5 mg q12h"
            self.add_treatment(pid, "analgesia", name, ref - self.days(3, 30), None, dose)
            row["on_step3_opioid"] = True
        elif row["nrs"] >= 4:
            name, dose = rng.choice((("Tramadol", "50 mg qds"), ("Codeine + paracetamol", "30/500 mg qds")))
            self.add_treatment(pid, "analgesia", name, ref - self.days(5, 40), None, dose)
        elif row["nrs"] >= 1:
            self.add_treatment(
                pid, "analgesia", rng.choice(("Paracetamol", "Ibuprofen", "Celecoxib")), ref - self.days(5, 60), None, "as needed"
            )
        bma_ok = not (primary == "prostate" and row["castration"] == "sensitive")
        if bma_ok and (ref - first_bone).days > 40 and self.chance(0.45):
            start = first_bone + self.days(7, 30)
            if c.crcl < 30 or self.chance(0.35):
                self.add_treatment(pid, "bone_modifying_agent", "Denosumab", start, None, "120 mg SC every 4 weeks")
            else:
                self.add_treatment(
                    pid, "bone_modifying_agent", "Zoledronic acid", start, None, f"{self.zol_dose(c.crcl)} IV every 4 weeks"
                )
            c.on_bma = True
        # Prior radiotherapy to one painful lesion (lesion carries prior_rt_*).
        painful = [x for x in c.lesions if x["painful"] and x["detected_date"] < ref - timedelta(days=30)]
        if painful and self.chance(0.45):
            les = rng.choice(painful)
            dose, fr = self.pick((((8, 1), 40), ((20, 5), 35), ((30, 10), 25)))
            on = les["detected_date"] + self.days(7, 20)
            if on < ref:
                les["prior_rt_dose_gy"] = dose
                les["prior_rt_date"] = on
                les["status"] = rng.choice(("treated", "responding", "progressing"))
                self.add_treatment(
                    pid,
                    "radiotherapy",
                    f"Radiotherapy {site_label(les)}",
                    on,
                    on + timedelta(days=max(0, int((fr - 1) * 1.4))),
                    f"{dose} Gy in {fr} fraction{'s' if fr > 1 else ''}",
                    dose,
                    fr,
                    les["lesion_id"],
                )
                self.add_event(
                    pid, "radiotherapy_to_bone", on, f"Palliative RT {site_label(les)} {dose} Gy/{fr}", les["lesion_id"]
                )
        for les in c.lesions:
            if les["pathological_fracture"]:
                when = max(les["detected_date"], ref - self.days(1, 14))
                self.add_event(pid, "pathological_fracture", when, f"Pathological fracture {site_label(les)}", les["lesion_id"])
                if les["fracture_fixed"]:
                    self.add_treatment(pid, "surgery", self.fixation_name(les), when, when, lesion_id=les["lesion_id"])
                    self.add_event(pid, "surgery_to_bone", when, f"Fixation {site_label(les)}", les["lesion_id"])
            if les["bilsky"] in ("2", "3"):
                self.add_event(
                    pid,
                    "cord_compression",
                    ref,
                    f"Metastatic spinal cord compression at {les['level']} (Bilsky {les['bilsky']})",
                    les["lesion_id"],
                )
                if row["neuro_signs"]:
                    self.add_treatment(pid, "steroid", "Dexamethasone", ref, None, "10 mg IV then 4 mg q6h")
        if primary == "thyroid" and (ref - diag).days > 120 and self.chance(0.6):
            on = diag + self.days(40, 90)
            self.add_treatment(pid, "radionuclide", "Radioiodine I-131", on, on, "5.5 GBq")

    def zol_dose(self, crcl: float) -> str:
        """The zoledronic-acid dose of core's renal bands (3.0 mg also below 30 mL/min: the demo
        prescribes it only with the renal caveat in the plan)."""
        band = dose_band(Decimal(str(crcl)))
        return "3.0 mg" if band == "not_recommended" else band.replace("_", " ").replace("4.0 mg", "4 mg")

    def fixation_name(self, les: dict[str, Any]) -> str:
        site = site_label(les)
        if les["bone"] == "femur" and les["segment"] == "head_neck":
            return f"Hemiarthroplasty {site}"
        if les["bone"] in ("femur", "humerus", "tibia"):
            return f"Intramedullary nailing {site}"
        if les["bone"] == "spine":
            return f"Posterior stabilisation {site}"
        return f"Fixation {site}"

    def systemic_regimen(self, row: dict[str, Any], first_line: bool) -> list[tuple[str, str, str]]:
        primary = row["primary_tumour"]
        rng = self.rng
        if primary == "breast":
            if row["her2"] == "positive":
                return (
                    [
                        ("targeted", "Trastuzumab", "6 mg/kg every 3 weeks"),
                        ("targeted", "Pertuzumab", "420 mg every 3 weeks"),
                        ("chemotherapy", "Docetaxel", "75 mg/m² every 3 weeks"),
                    ]
                    if first_line
                    else [("targeted", "Trastuzumab deruxtecan", "5.4 mg/kg every 3 weeks")]
                )
            if row["er"] == "positive":
                if first_line:
                    ai = rng.choice(("Letrozole", "Anastrozole"))
                    return [
                        ("endocrine", ai, "daily"),
                        ("targeted", rng.choice(("Palbociclib", "Ribociclib")), "days 1–21 of 28"),
                    ]
                return [("endocrine", "Fulvestrant", "500 mg IM every 4 weeks")]
            return [("chemotherapy", rng.choice(("Capecitabine", "Nab-paclitaxel")), "per protocol")]
        if primary == "prostate":
            if row["castration"] == "sensitive":
                return (
                    [
                        ("endocrine", "Goserelin", "10.8 mg SC every 12 weeks"),
                        ("endocrine", "Bicalutamide", "50 mg daily (flare cover)"),
                    ]
                    if first_line
                    else [("endocrine", "Abiraterone", "1000 mg daily"), ("steroid", "Prednisone", "5 mg daily")]
                )
            return (
                [("endocrine", "Enzalutamide", "160 mg daily")]
                if first_line
                else [("chemotherapy", "Docetaxel", "75 mg/m² every 3 weeks")]
            )
        if primary == "lung_nsclc":
            if row["egfr"] == "positive":
                return [("targeted", "Osimertinib", "80 mg daily")]
            if row["alk"] == "positive":
                return [("targeted", "Alectinib", "600 mg twice daily")]
            return [
                ("immunotherapy", "Pembrolizumab", "200 mg every 3 weeks"),
                ("chemotherapy", "Carboplatin + pemetrexed", "every 3 weeks"),
            ]
        return {
            "kidney": [("targeted", "Sunitinib", "50 mg daily, 4 weeks on / 2 off")]
            if not first_line
            else [("immunotherapy", "Pembrolizumab", "200 mg q3w"), ("targeted", "Axitinib", "5 mg twice daily")],
            "thyroid": [("targeted", "Lenvatinib", "24 mg daily")],
            "myeloma": [
                ("targeted", "Bortezomib", "1.3 mg/m² weekly"),
                ("targeted", "Lenalidomide", "25 mg days 1–21"),
                ("steroid", "Dexamethasone", "40 mg weekly"),
            ],
            "lung_sclc": [("chemotherapy", "Carboplatin + etoposide", "every 3 weeks")],
            "colorectal": [("chemotherapy", "FOLFOX", "every 2 weeks")],
            "stomach": [("chemotherapy", "XELOX", "every 3 weeks")],
            "liver": [("targeted", "Lenvatinib", "8 mg daily")],
            "bladder": [("chemotherapy", "Gemcitabine + cisplatin", "every 3 weeks")],
            "melanoma": [("immunotherapy", "Nivolumab", "480 mg every 4 weeks")],
            "oesophagus": [("chemotherapy", "Paclitaxel + carboplatin", "weekly")],
            "unknown_primary": [("chemotherapy", "Carboplatin + paclitaxel", "every 3 weeks")],
        }.get(primary, [])

    def generic_imaging(self, c: _Case, slot: int | None) -> None:
        rng = self.rng
        pid = c.row["patient_id"]
        ref = self.cap(self.meeting_dates[slot]) if slot is not None else self.today
        stale = self.chance(0.12)
        latest = ref - (self.days(60, 110) if stale else self.days(1, 35))
        n = rng.choice((1, 2, 2, 3, 3, 4))
        primary = c.row["primary_tumour"]
        label = PRIMARY_LABEL[primary][0]
        all_ids = [x["lesion_id"] for x in c.lesions]
        if primary == "prostate":
            whole = self.pick((("bone_scan", 50), ("psma_pet", 50)))
        elif primary == "myeloma":
            whole = "ct"
        else:
            whole = self.pick((("bone_scan", 50), ("pet_ct", 38), ("spect_ct", 12)))
        whole_region = {
            "bone_scan": "Whole body",
            "psma_pet": "Whole body",
            "pet_ct": "Skull base to mid-thigh",
            "ct": "Whole-body low-dose CT",
            "spect_ct": "Thoracolumbar spine and pelvis",
        }[whole]
        studies: list[tuple[str, str, list[dict[str, Any]]]] = []
        spinal = [x for x in c.lesions if x["bone"] in ("spine", "sacrum")]
        longs = [x for x in c.lesions if x["bone"] in ("femur", "humerus", "tibia", "fibula", "radius", "ulna")]
        trunk = [x for x in c.lesions if x["bone"] in ("pelvis", "rib", "sternum", "sacrum")]
        if n >= 2 and spinal:
            studies.append(("mri", "Whole spine", spinal))
        if n >= 2 and longs:
            les = longs[0]
            studies.append(("xr", f"{les['side'].capitalize()} {les['bone']}", [les]))
        if n >= 3 and trunk:
            studies.append(("ct", "Chest/abdomen/pelvis", trunk))
        studies = studies[: n - 1]
        studies.insert(0, (whole, whole_region, c.lesions))
        # The most recent study is the last region-specific one (or the whole-body one).
        on = latest
        for modality, region, shown in reversed(studies):
            findings, impression = self.report(modality, shown, label, len(all_ids))
            self.add_study(pid, modality, on, region, findings, impression, [x["lesion_id"] for x in shown])
            on = on - self.days(3, 40)

    def report(self, modality: str, shown: list[dict[str, Any]], label: str, total: int) -> tuple[str, str]:
        parts = []
        for les in shown:
            bits = [f"{site_label(les)}: {les['lesion_type']} lesion"]
            if les["size_mm"]:
                bits.append(f"{les['size_mm']} mm")
            if les["pathological_fracture"]:
                bits.append("pathological fracture")
            if les["collapse"] in ("lt_50_collapse", "gt_50_collapse"):
                bits.append("< 50% collapse" if les["collapse"] == "lt_50_collapse" else "> 50% collapse")
            if les["bilsky"] and modality == "mri":
                bits.append("no epidural extension" if les["bilsky"] == "0" else f"epidural disease, Bilsky {les['bilsky']}")
            if les["bilsky"] in ("2", "3") and modality == "mri":
                bits.append("spinal cord compression")
            parts.append(", ".join(bits))
        findings = "; ".join(parts) + "."
        if modality in ("bone_scan", "psma_pet", "pet_ct", "spect_ct", "ct") and total > 1:
            impression = f"Multiple bone metastases ({total}) consistent with known {label}."
        elif total == 1:
            impression = f"Solitary bone metastasis ({site_label(shown[0])}) from {label}."
        else:
            impression = f"Metastatic involvement of {', '.join(site_label(x) for x in shown)}."
        if any(x["bilsky"] in ("2", "3") for x in shown) and modality == "mri":
            impression += " Metastatic spinal cord compression."
        if self.chance(0.12):
            impression += " 多发骨转移。"
        return findings[:3900], impression

    def urgency(self, c: _Case) -> str:
        row = c.row
        spinal = [x for x in c.lesions if x["bone"] in ("spine", "sacrum")]
        if (
            row["neuro_signs"]
            or (row["frankel"] in ("A", "B", "C", "D") and row["frankel_new"])
            or any(x["bilsky"] in ("2", "3") for x in spinal)
            or c.corrected_ca > 3.10
            or (c.corrected_ca >= 3.0 and row["calcium_symptoms"])
        ):
            return "emergency"
        sins = [s for s in (sins_total(x) for x in spinal) if s is not None]
        mirels = [m for m in (mirels_total(x) for x in c.lesions) if m is not None]
        unfixed = any(x["pathological_fracture"] and not x["fracture_fixed"] for x in c.lesions)
        if (
            (sins and max(sins) >= 13)
            or (mirels and max(mirels) >= 9)
            or unfixed
            or row["nrs"] >= 7
            or c.corrected_ca >= 3.0
            or c.marrow
        ):
            return "urgent"
        return "routine"

    def question(self, c: _Case) -> str:
        rng = self.rng
        row = c.row
        primary_en, primary_zh = PRIMARY_LABEL[row["primary_tumour"]]
        spinal = [x for x in c.lesions if x["bone"] == "spine"]
        mscc = [x for x in spinal if x["bilsky"] in ("2", "3")]
        sins = [(sins_total(x), x) for x in spinal]
        unstable = [x for s, x in sins if s is not None and s >= 13]
        mirels = [(mirels_total(x), x) for x in c.lesions]
        impending = [(m, x) for m, x in mirels if m is not None and m >= 9]
        fractures = [x for x in c.lesions if x["pathological_fracture"]]
        painful = [x for x in c.lesions if x["painful"]] or c.lesions
        zh = self.chance(0.2)
        if mscc:
            s = site_label(mscc[0])
            return (
                f"{s}转移瘤伴脊髓压迫，请讨论减压手术或急诊放疗。"
                if zh
                else f"Metastatic spinal cord compression at {s} (Bilsky {mscc[0]['bilsky']}): "
                "decompression and stabilisation, or emergency radiotherapy?"
            )
        if c.corrected_ca >= 3.0:
            return (
                f"Hypercalcaemia (corrected calcium {c.corrected_ca:.2f} mmol/L) with bone "
                f"metastases from {primary_en}: acute management and bone-modifying agent?"
            )
        if fractures:
            s = site_label(fractures[0])
            return (
                f"{s}病理性骨折，是否手术固定及术后放疗？"
                if zh
                else f"Pathological fracture of the {s}: fixation and post-operative radiotherapy?"
            )
        if unstable:
            s = site_label(unstable[0])
            return f"SINS {sins_total(unstable[0])} at {s}: is stabilisation indicated before radiotherapy?"
        if impending:
            m, x = impending[0]
            return (
                f"{site_label(x)}溶骨性病变（Mirels {m}分），是否需要预防性内固定？"
                if zh
                else f"Painful {site_label(x)} lesion, Mirels {m}: prophylactic fixation before radiotherapy?"
            )
        if row["nrs"] >= 6:
            s = site_label(rng.choice(painful))
            return (
                f"骨转移疼痛（NRS {row['nrs']}），{s}，是否行姑息性放疗？"
                if zh
                else f"Uncontrolled bone pain (NRS {row['nrs']}) from the {s}: palliative radiotherapy and analgesia plan?"
            )
        return (
            f"新发{primary_zh}骨转移，请MDT讨论全身治疗及骨改良药物。"
            if zh
            else rng.choice(
                (
                    f"New bone metastases from {primary_en}: systemic therapy, bone-modifying agent and "
                    "need for local treatment?",
                    f"Bone metastases from {primary_en}, stable symptoms: confirm standard-of-care plan and follow-up.",
                    f"Progression in bone on current therapy ({primary_en}): next line and local treatment?",
                )
            )
        )

    def second_episode(self, first: _Case) -> None:
        old = first.row
        last_meeting = first.slots[-1][0]
        slot = self.rng.choice([k for k in (8, 9, 10, 11, 12, 13) if k > last_meeting + 2])
        ref = self._referral_for(slot, False)
        ref = max(ref, self.meeting_dates[last_meeting] + timedelta(days=7))
        ref = self.cap(ref)
        pid = old["patient_id"]
        new = self.lesion_row(
            pid,
            "spine",
            "lytic",
            ref - self.days(1, 6),
            level=self.rng.choice(("T4", "T12", "L3", "L5")),
            size_mm=24,
            spinal_pain="mechanical",
            alignment="normal",
            collapse="lt_50_collapse",
            posterolateral="unilateral",
            bilsky="1b",
            painful=True,
            posterior_wall_intact=True,
        )
        if any(x["level"] == new["level"] for x in first.lesions):
            new["level"] = "T2" if new["level"] != "T2" else "L4"
        self.t["lesion"].append(new)
        lesions = [*first.lesions, new]
        values = {k: v for k, v in old.items() if k not in ("case_id", "created_at", "_plan")}
        values.update(
            referral_date=ref,
            nrs=min(10, (old["nrs"] or 4) + 2),
            status="referred",
            question=(
                f"Re-referral: new painful {new['level']} lesion (Bilsky 1b, < 50% "
                "collapse) after the previous MDT plan; radiotherapy or cement "
                "augmentation?"
            ),
            stream="full",
        )
        case = self.case_row(first.patient, **values)
        c = _Case(
            row=case,
            patient=first.patient,
            lesions=lesions,
            age=first.age,
            crcl=first.crcl,
            corrected_ca=first.corrected_ca,
            marrow=first.marrow,
            on_bma=first.on_bma,
        )
        self.t["mdt_case"].append(case)
        self.cases.append(c)
        self.add_study(
            pid,
            "mri",
            ref - self.days(1, 5),
            "Whole spine",
            *self.report("mri", [new], PRIMARY_LABEL[old["primary_tumour"]][0], 1),
            [new["lesion_id"]],
        )
        self._panel(pid, ref - self.days(1, 5), ca=2.4, alb=37, cr=80, alp=210, hb=115)
        self.add_event(pid, "progression", new["detected_date"], f"New {new['level']} metastasis")
        c.urgency = self.urgency(c)
        case["priority"] = c.urgency
        c.slots = self.outcomes(slot, "full")

    # -- rule inputs of the generic cases ------------------------------------------------------

    def rule_inputs(self) -> None:
        """Fill the rule-engine inputs (primary control, planned surgery, coagulopathy,
        infection, paraplegia duration, radium-223 nodes/eligibility, Tomita growth override,
        posterior wall, the spine surgeon's call) of the generic cases.

        Uses its own random stream so that every value drawn before it stays as it was. The
        lecture cases carry theirs explicitly.
        """
        rng = random.Random(f"{self.seed}:rule-inputs")  # noqa: S311 - synthetic data
        decided: dict[int, list[tuple[Any, ...]]] = {}
        for meta in self.plan_meta.values():
            if meta["outcome"] == "decided" and not meta["superseded"]:
                decided[meta["case"].row["case_id"]] = meta["plan"]
        seen: set[int] = set()
        for c in self.cases:
            if c.lecture is not None:
                continue
            row = c.row
            plan = decided.get(row["case_id"])
            operated = {
                p[5]
                for p in (plan or [])
                if len(p) > 5 and p[1] in ("fixation", "decompression") and p[3] in ("accepted", "modified") and p[5] is not None
            }
            if plan is not None:
                row["surgery_planned"] = any(
                    p[1] in ("fixation", "decompression") and p[3] in ("accepted", "modified") for p in plan
                )
            primary = row["primary_tumour"]
            if len(c.lesions) <= 5 and primary not in ("myeloma",):
                recent = (row["referral_date"] - row["diagnosis_date"]).days < 120
                row["primary_controlled"] = (
                    rng.random() < 0.15 if recent else rng.choices((True, False, None), weights=(65, 20, 15))[0]
                )
            if rng.random() < (0.35 if primary == "liver" else 0.025):
                row["coagulopathy"] = True
                inr = round(rng.uniform(1.6, 2.4), 1)
                row["comorbidities"] = "; ".join(x for x in (row["comorbidities"], f"Coagulopathy (INR {inr})") if x)
            if rng.random() < (0.5 if row["fever"] else 0.02):
                row["infection"] = True
                row["comorbidities"] = "; ".join(
                    x
                    for x in (
                        row["comorbidities"],
                        rng.choice(
                            (
                                "Pneumonia on IV antibiotics",
                                "Urinary tract infection on antibiotics",
                                "Infected sacral pressure ulcer",
                            )
                        ),
                    )
                    if x
                )
            if row["frankel"] in ("A", "B"):
                row["paraplegia_over_48h"] = rng.random() < 0.4
            elif row["frankel"] in ("C", "D"):
                row["paraplegia_over_48h"] = False  # a deficit, but not paraplegic
            if primary == "prostate" and row["castration"] == "resistant":
                if rng.random() < 0.75:
                    node = rng.uniform(3.0, 4.5) if rng.random() < 0.1 else max(0.5, rng.gauss(1.4, 0.7))
                    row["lymph_node_max_cm"] = round(min(node, 4.5), 1)
                lines = row["prior_mcrpc_lines"]
                if lines is not None and lines < 2:
                    row["ineligible_for_other_treatment"] = rng.choices((True, False, None), weights=(30, 50, 20))[0]
            if primary in ("bladder", "melanoma") and rng.random() < 0.7:
                row["growth_override"] = "rapid"  # not in the board's Tomita table
            elif (
                primary == "breast"
                and row["er"] == "negative"
                and row["pr"] == "negative"
                and row["her2"] == "negative"
                and rng.random() < 0.4
            ):
                row["growth_override"] = "moderate"  # triple-negative: the MDT's call
            for les in c.lesions:
                if les["bone"] != "spine" or les["lesion_id"] in seen:
                    continue
                seen.add(les["lesion_id"])
                if les["posterior_wall_intact"] is None:
                    if les["bilsky"] in ("2", "3"):
                        weights = (0, 60, 40)
                    elif les["collapse"] in ("lt_50_collapse", "gt_50_collapse"):
                        weights = (55, 30, 15)
                    elif les["collapse"] == "no_collapse_gt_50_involved":
                        weights = (50, 10, 40)
                    else:
                        weights = (30, 0, 70)
                    les["posterior_wall_intact"] = rng.choices((True, False, None), weights=weights)[0]
                total = sins_total(les)
                if plan is not None and total is not None and 7 <= total <= 12:
                    if les["lesion_id"] in operated:
                        les["surgeon_stability"] = "unstable"
                    else:
                        les["surgeon_stability"] = rng.choices(("stable", "unstable", None), weights=(70, 10, 20))[0]

    # -- agenda, opinions ----------------------------------------------------------------------

    def build_agenda(self) -> None:
        per_meeting: dict[int, list[tuple[_Case, str]]] = {}
        for c in self.cases:
            for k, outcome in c.slots:
                per_meeting.setdefault(k, []).append((c, outcome))
        for k in sorted(per_meeting):
            entries = sorted(per_meeting[k], key=lambda e: (URGENCY_RANK[e[0].urgency], e[0].row["case_id"]))
            mid = self.meeting_ids[k]
            total = 0
            for pos, (c, outcome) in enumerate(entries):
                status = {
                    "decided": "discussed",
                    "no_decision": "discussed",
                    "ratified": "ratified",
                    "deferred": "deferred",
                    "not_discussed": "not_discussed",
                    "listed": "listed",
                }[outcome]
                if status == "discussed":
                    secs = self.rng.randint(120, 400) if c.urgency != "routine" else self.rng.randint(60, 300)
                elif status == "ratified":
                    secs = self.rng.randint(20, 75)
                elif status == "deferred":
                    secs = self.rng.randint(60, 180)
                else:
                    secs = 0
                total += secs
                item = {
                    "item_id": self.new_id("agenda_item"),
                    "meeting_id": mid,
                    "case_id": c.row["case_id"],
                    "position": pos,
                    "urgency": c.urgency,
                    "stream": c.row["stream"],
                    "status": status,
                    "discussion_seconds": secs,
                    "override_reason": "",
                }
                self.t["agenda_item"].append(item)
                self.items[(k, c.row["case_id"])] = item
            if k < N_PAST_MEETINGS:
                meeting = self.t["meeting"][k]
                meeting["ended_at"] = meeting["started_at"] + timedelta(seconds=total + 600)

    def opinions(self, k: int, c: _Case, item: dict[str, Any], plan: list[tuple[Any, ...]]) -> list[str]:
        """Specialty opinions on a discussed item; returns the contributing specialties."""
        present = self.present[k]
        kinds = {p[1] for p in plan}
        wanted: list[tuple[str, str]] = []
        spinal = [x for x in c.lesions if x["bone"] == "spine"]
        if kinds & {"fixation", "decompression"} or any((sins_total(x) or 0) >= 7 for x in spinal):
            surgeon = "spine" if spinal else "member"
            s = max(spinal, key=lambda x: sins_total(x) or 0) if spinal else None
            text = (f"SINS {sins_total(s)} at {s['level']}: " if s and sins_total(s) is not None else "") + self.rng.choice(
                (
                    "stabilisation is reasonable if the patient accepts surgery.",
                    "no mechanical instability requiring surgery; radiotherapy first.",
                    "recommend spinal precautions until reviewed in clinic.",
                    "可先行放疗，暂不手术固定。",
                )
            )
            wanted.append((surgeon, text))
        if "radiotherapy" in kinds:
            wanted.append(
                (
                    "radonc",
                    self.rng.choice(
                        (
                            "Palliative RT suitable; single fraction if survival is short.",
                            "Agree with fractionated RT; can start next week.",
                            "SBRT possible if oligometastatic and ECOG ≤ 1.",
                            "建议姑息性放疗，疼痛缓解率约60–80%。",
                        )
                    ),
                )
            )
        if c.row["nrs"] and c.row["nrs"] >= 6:
            wanted.append(
                ("pain", f"NRS {c.row['nrs']}: escalate along the WHO ladder; laxatives with opioids; review in 1 week.")
            )
        if self.chance(0.5):
            wanted.append(
                (
                    "radiology",
                    self.rng.choice(
                        (
                            "Imaging reviewed: findings as reported; no additional lesion.",
                            "MRI whole spine recommended to complete staging.",
                            "影像复核：与报告一致。",
                        )
                    ),
                )
            )
        if (c.row["ecog"] or 0) >= 2 and self.chance(0.6):
            wanted.append(("rehab", "Functional assessment and walking aid; home adaptation."))
        out: list[str] = ["medical_oncology"]
        created = self.at(self.meeting_dates[k], 8, 5) + timedelta(seconds=item["position"] * 180)
        for username, text in wanted:
            if username not in present:
                continue
            spec = self.users[username][1]
            if self.chance(0.75):
                self.t["specialty_opinion"].append(
                    {
                        "opinion_id": self.new_id("specialty_opinion"),
                        "item_id": item["item_id"],
                        "specialty": spec,
                        "author_user_id": self.uid(username),
                        "text": text,
                        "created_at": created,
                    }
                )
            if spec not in out:
                out.append(str(spec))
        return out

    # -- decisions -----------------------------------------------------------------------------

    def build_decisions(self) -> None:
        last_past = N_PAST_MEETINGS - 1
        signed_lectures = {c.row["case_id"] for c in self.cases if c.lecture}
        amend_pool: list[int] = []
        override_done = False
        drafts = 0
        for c in self.cases:
            for k, outcome in c.slots:
                if k >= N_PAST_MEETINGS or outcome in ("not_discussed", "listed"):
                    continue
                item = self.items[(k, c.row["case_id"])]
                decided_on = self.meeting_dates[k]
                if outcome in ("decided", "ratified"):
                    plan = c.row.get("_plan") or self.plan_for(c, k)
                    decision_outcome = "decided"
                elif outcome == "deferred":
                    plan = [
                        (
                            None,
                            "investigation",
                            self.rng.choice(
                                (
                                    "Deferred: whole-spine MRI needed before a decision; re-list next week",
                                    "Deferred: awaiting histology from biopsy; re-list next week",
                                    "Deferred: CT staging outstanding; re-list next week",
                                )
                            ),
                            "free_text",
                            "",
                        )
                    ]
                    decision_outcome = "deferred"
                else:
                    plan = [
                        (
                            None,
                            "investigation",
                            "No recommendation reached: imaging older than 8 weeks and no calcium result; repeat and re-list",
                            "free_text",
                            "",
                        )
                    ]
                    decision_outcome = "no_decision"
                contributing = self.opinions(k, c, item, plan)
                missing_surgeon = not ({"member", "spine"} & self.present[k])
                missing_rt = "radonc" not in self.present[k]
                kinds = {p[1] for p in plan}
                quorum, override = "quorate", ""
                if (
                    decision_outcome == "decided"
                    and c.urgency != "emergency"
                    and ((missing_surgeon and kinds & {"fixation", "decompression"}) or (missing_rt and "radiotherapy" in kinds))
                ):
                    if not override_done:
                        quorum = "chair_override"
                        override = (
                            (
                                "Radiotherapy opinion given by phone before the meeting "
                                "(Dr Demo RadOnc); pain is uncontrolled and treatment "
                                "should not wait a week."
                            )
                            if missing_rt
                            else ("Orthopaedic opinion obtained by phone before the meeting; fixation should not wait a week.")
                        )
                        item["override_reason"] = override
                        override_done = True
                    else:
                        quorum = "provisional"
                status = "signed"
                if k == last_past and c.row["case_id"] not in signed_lectures and drafts < 4 and self.chance(0.4):
                    status = "draft"
                    drafts += 1
                # UNIQUE (case_id, version): a later meeting's decision on the same referral
                # (after a deferral or no decision) is the next version of the case's decision.
                prev = self.latest.get(c.row["case_id"])
                version, predecessor, why = 1, None, ""
                if prev is not None:
                    version, predecessor = prev[0] + 1, prev[1]
                    why = (
                        f"Re-discussed on {decided_on.isoformat()} after the "
                        f"{prev[2].replace('_', ' ')} outcome of {prev[3].isoformat()}."
                    )
                did = self.add_decision(
                    c,
                    item,
                    decided_on,
                    plan,
                    decision_outcome,
                    status,
                    quorum,
                    override,
                    contributing,
                    version=version,
                    predecessor=predecessor,
                    reason=why,
                )
                if (
                    status == "signed"
                    and decision_outcome == "decided"
                    and k <= 9
                    and c.row["case_id"] not in signed_lectures
                    and quorum == "quorate"
                ):
                    amend_pool.append(did)
        for did in self.rng.sample(amend_pool, min(2, len(amend_pool))):
            self.amend(did)

    def add_decision(
        self,
        c: _Case,
        item: dict[str, Any],
        decided_on: date,
        plan: list[tuple[Any, ...]],
        outcome: str,
        status: str,
        quorum: str,
        override: str,
        contributing: list[str],
        *,
        version: int = 1,
        predecessor: int | None = None,
        reason: str = "",
        signed_at: datetime | None = None,
    ) -> int:
        did = self.new_id("decision")
        row = c.row
        noms: dict[str, str] = dict(row.get("_noms") or {})
        if not noms and outcome == "decided":
            spinal = [x for x in c.lesions if x["bone"] == "spine"]
            if spinal:
                s = max(spinal, key=lambda x: sins_total(x) or 0)
                total = sins_total(s)
                mech = (
                    "unknown"
                    if total is None
                    else "stable"
                    if total <= 6
                    else "potentially_unstable"
                    if total <= 12
                    else "unstable"
                )
                noms = {
                    "neurologic": "high_grade" if s["bilsky"] in ("2", "3") else "low_grade",
                    "oncologic": "radioresistant" if row["primary_tumour"] in RADIORESISTANT else "radiosensitive",
                    "mechanical": mech,
                    "systemic": "fit" if row["fit_for_surgery"] else "not fit",
                }
        summary = {
            "decided": f"Plan agreed for {site_label(c.lesions[0])} and systemic care: " + "; ".join(p[2] for p in plan[:3]),
            "deferred": "Decision deferred pending further information; re-listed.",
            "no_decision": "No recommendation reached; information missing.",
        }[outcome][:3900]
        dissent = ""
        if outcome == "decided" and self.chance(0.06):
            dissent = "Spine surgery favoured stabilisation first; majority chose radiotherapy."
        items = []
        for pos, (rule_id, kind, text, disposition, why) in enumerate(p[:5] for p in plan):
            pi = {
                "plan_item_id": self.new_id("plan_item"),
                "decision_id": did,
                "position": pos,
                "rule_id": rule_id,
                "kind": kind,
                "text": text,
                "disposition": disposition,
                "reason": why,
            }
            items.append(pi)
        model = Decision.model_validate(
            {
                "decision_id": did,
                "case_id": row["case_id"],
                "item_id": item["item_id"],
                "version": version,
                "predecessor_id": predecessor,
                "amendment_reason": reason,
                "status": "draft",
                "outcome": outcome,
                "summary": summary,
                "plan": [PlanItem.model_validate(dict(pi)) for pi in items],
                "noms": noms,
                "dissent": dissent,
                "contributing": contributing,
                "quorum_state": quorum,
                "quorum_override_reason": override,
                "decided_on": decided_on,
            },
            context={"today": self.today},
        )
        meeting_start = self.at(decided_on)
        signed = status == "signed"
        when = signed_at or (meeting_start + timedelta(minutes=50))
        self.t["decision"].append(
            {
                "decision_id": did,
                "case_id": row["case_id"],
                "item_id": item["item_id"],
                "version": version,
                "predecessor_id": predecessor,
                "amendment_reason": reason,
                "status": status,
                "outcome": outcome,
                "summary": summary,
                "noms_json": json.dumps(noms, sort_keys=True, ensure_ascii=False),
                "dissent": dissent,
                "contributing": contributing,
                "quorum_state": quorum,
                "quorum_override_reason": override,
                "decided_on": decided_on,
                "created_by": self.uid("chair"),
                "created_at": meeting_start + timedelta(minutes=20),
                "signed_by": self.uid("chair") if signed else None,
                "signed_at": when if signed else None,
                "signature_meaning": SIGNATURE_MEANING if signed else "",
                "content_hash": content_hash(model) if signed else None,
            }
        )
        self.t["plan_item"].extend(items)
        self.latest[row["case_id"]] = (version, did, outcome, decided_on)
        self.plan_meta[did] = {
            "case": c,
            "status": status,
            "outcome": outcome,
            "decided_on": decided_on,
            "items": items,
            "plan": plan,
            "superseded": False,
        }
        return did

    def amend(self, did: int) -> None:
        meta = self.plan_meta[did]
        c: _Case = meta["case"]
        old = next(d for d in self.t["decision"] if d["decision_id"] == did)
        item = next(i for i in self.t["agenda_item"] if i["item_id"] == old["item_id"])
        decided_on = self.cap(meta["decided_on"] + self.days(2, 6))
        plan = list(meta["plan"])
        reason = self.rng.choice(
            (
                "New MRI after the meeting showed an additional lesion; radiotherapy field extended.",
                "Creatinine result received after the meeting: bone-modifying agent changed.",
                "Patient declined surgery after counselling; plan changed to radiotherapy alone.",
            )
        )
        plan.append((None, "other", f"Amendment: {reason}", "free_text", ""))
        self.add_decision(
            c,
            item,
            decided_on,
            plan,
            "decided",
            "signed",
            old["quorum_state"],
            old["quorum_override_reason"],
            list(old["contributing"]),
            version=self.latest[c.row["case_id"]][0] + 1,
            predecessor=did,
            reason=reason,
            signed_at=self.at(decided_on, 16, 30),
        )
        meta["superseded"] = True

    def plan_for(self, c: _Case, k: int) -> list[tuple[Any, ...]]:
        rng = self.rng
        row = c.row
        plan: list[tuple[Any, ...]] = []
        survival = (row["expected_survival_weeks"] or 26) * 12 / 52  # months
        fit = bool(row["fit_for_surgery"])
        spinal = [x for x in c.lesions if x["bone"] == "spine"]
        mscc = [x for x in spinal if x["bilsky"] in ("2", "3")]
        unstable = [x for x in spinal if (sins_total(x) or 0) >= 13]
        consult = [x for x in spinal if 7 <= (sins_total(x) or 0) <= 12]
        impending = [x for x in c.lesions if (mirels_total(x) or 0) >= 9 and not x["pathological_fracture"]]
        fractured = [x for x in c.lesions if x["pathological_fracture"] and not x["fracture_fixed"]]
        covered: set[int] = set()
        if row["stream"] == "standard_of_care":
            plan.extend(self.systemic_plan(c))
            plan.extend(self.bma_plan(c))
            if row["nrs"] and row["nrs"] >= 1:
                plan.append(self.pain_plan(c))
            plan.append((None, "other", "Standard of care ratified; follow-up every 3 months", "free_text", ""))
            return self.tag(plan, {})
        targets: dict[int, int] = {}
        if c.corrected_ca >= 3.0:
            plan.append(
                (
                    "EMERG-HYPERCA",
                    "emergency",
                    "IV 0.9% saline, then zoledronic acid 4 mg over ≥ 15 min; stop calcium/vitamin D; recheck calcium in 48 h",
                    "accepted",
                    "",
                )
            )
        if mscc:
            s = mscc[0]
            covered.add(s["lesion_id"])
            plan.append(
                (
                    "EMERG-MSCC",
                    "emergency",
                    "Dexamethasone 10 mg IV then 4 mg q6h "
                    f"(neurological signs); whole-spine MRI; same-day opinions ({s['level']})"
                    if row["neuro_signs"]
                    else "Whole-spine MRI within 24 h; dexamethasone only for severe pain",
                    "accepted",
                    "",
                )
            )
            if fit and survival >= 3 and row["primary_tumour"] not in ("myeloma", "lymphoma"):
                targets[len(plan)] = s["lesion_id"]
                plan.append(
                    (
                        "NOMS",
                        "decompression",
                        f"Separation surgery at {s['level']}: decompression and posterior stabilisation",
                        "accepted",
                        "",
                    )
                )
                targets[len(plan)] = s["lesion_id"]
                plan.append(
                    ("RT-POSTOP", "radiotherapy", f"Post-operative RT to {s['level']} 20 Gy/5 from week 2", "accepted", "")
                )
            else:
                targets[len(plan)] = s["lesion_id"]
                plan.append(
                    ("RT-MSCC", "radiotherapy", f"Emergency RT to {s['level']} 20 Gy/5 starting within 24 h", "accepted", "")
                )
        for s in unstable[:1]:
            if s["lesion_id"] in covered:
                continue
            covered.add(s["lesion_id"])
            if fit and survival >= 3:
                targets[len(plan)] = s["lesion_id"]
                plan.append(
                    (
                        "ORTHO-SINS-UNSTABLE",
                        "fixation",
                        f"Posterior stabilisation at {s['level']} (SINS {sins_total(s)})",
                        "accepted",
                        "",
                    )
                )
                targets[len(plan)] = s["lesion_id"]
                plan.append(("RT-POSTOP", "radiotherapy", f"Post-operative RT to {s['level']} 20 Gy/5", "accepted", ""))
            else:
                plan.append(
                    (
                        "ORTHO-SINS-UNSTABLE",
                        "fixation",
                        f"Surgical stabilisation at {s['level']}",
                        "rejected",
                        f"Not fit for surgery (ECOG {row['ecog']}, expected survival {survival:.0f} months); brace",
                    )
                )
                targets[len(plan)] = s["lesion_id"]
                plan.append(("RT-PAIN-SHORT", "radiotherapy", f"8 Gy × 1 to {s['level']}", "accepted", ""))
        for x in (fractured + impending)[:1]:
            covered.add(x["lesion_id"])
            rule = "ORTHO-FRACTURE" if x["pathological_fracture"] else "ORTHO-MIRELS-HIGH"
            if fit and survival >= 1:
                targets[len(plan)] = x["lesion_id"]
                plan.append(
                    (
                        rule,
                        "fixation",
                        f"{self.fixation_name(x)} within 48 h"
                        if x["pathological_fracture"]
                        else f"Prophylactic {self.fixation_name(x).lower()} before radiotherapy",
                        "accepted",
                        "",
                    )
                )
                targets[len(plan)] = x["lesion_id"]
                plan.append(("RT-POSTOP", "radiotherapy", f"Post-operative RT to {site_label(x)} 20 Gy/5", "accepted", ""))
            else:
                plan.append(
                    (
                        rule,
                        "fixation",
                        f"Fixation of {site_label(x)}",
                        "rejected",
                        "Patient not fit for anaesthesia; protected weight-bearing",
                    )
                )
                targets[len(plan)] = x["lesion_id"]
                plan.append(("RT-PAIN-SHORT", "radiotherapy", f"8 Gy × 1 to {site_label(x)}", "accepted", ""))
        painful = [x for x in c.lesions if x["painful"] and x["lesion_id"] not in covered and x["prior_rt_dose_gy"] is None]
        if painful and (row["nrs"] or 0) >= 4 and len(plan) < 4:
            x = max(painful, key=lambda e: e["size_mm"] or 0)
            if x in consult:
                plan.append(
                    (
                        "ORTHO-SINS-CONSULT",
                        "investigation",
                        f"Spine-surgery opinion before RT: SINS {sins_total(x)} at {x['level']}",
                        "accepted",
                        "",
                    )
                )
            short = survival < 3 or (row["ecog"] or 0) >= 3
            targets[len(plan)] = x["lesion_id"]
            if short:
                plan.append(("RT-PAIN-SHORT", "radiotherapy", f"8 Gy × 1 to {site_label(x)}", "accepted", ""))
            elif (
                row["primary_tumour"] in RADIORESISTANT
                and (row["ecog"] or 0) <= 1
                and len(c.lesions) <= 3
                and x["bone"] == "spine"
                and x["bilsky"] in ("0", "1a", "1b")
            ):
                plan.append(("RT-SBRT", "radiotherapy", f"SBRT to {site_label(x)}: 24 Gy/2", "accepted", ""))
            elif self.chance(0.15):
                plan.append(
                    (
                        "RT-PAIN-LONG",
                        "radiotherapy",
                        f"8 Gy × 1 to {site_label(x)}",
                        "modified",
                        "Patient lives far away: single visit preferred",
                    )
                )
            else:
                dose = rng.choice(("20 Gy/5", "20 Gy/5", "30 Gy/10"))
                plan.append(("RT-PAIN-LONG", "radiotherapy", f"{dose} to {site_label(x)}", "accepted", ""))
        plan.extend(self.systemic_plan(c))
        plan.extend(self.bma_plan(c))
        if row["nrs"] and row["nrs"] >= 1:
            plan.append(self.pain_plan(c))
        if row["pain_character"] in ("neuropathic", "mixed") and self.chance(0.6):
            plan.append(("PAIN-NEURO", "analgesia", "Pregabalin 75 mg twice daily (renally dosed)", "accepted", ""))
        if ((row["ecog"] or 0) >= 2 or row["frankel"] in ("C", "D")) and self.chance(0.7):
            plan.append(
                (
                    "REHAB-FUNCTION",
                    "rehabilitation",
                    "Functional assessment (ECOG/KPS/Barthel) and graded programme; walking aid",
                    "accepted",
                    "",
                )
            )
        if c.marrow:
            plan.append(
                ("EMERG-MARROW", "other", "Transfusion support / G-CSF as indicated; review chemotherapy timing", "accepted", "")
            )
        if self.chance(0.12):
            plan.append(
                (
                    None,
                    "other",
                    rng.choice(
                        (
                            "Palliative care referral for symptom support",
                            "Discuss goals of care with family at next clinic",
                            "告知患者及家属MDT意见，门诊随访。",
                        )
                    ),
                    "free_text",
                    "",
                )
            )
        return self.tag(plan[:7], targets)

    @staticmethod
    def tag(plan: list[tuple[Any, ...]], targets: dict[int, int]) -> list[tuple[Any, ...]]:
        return [(*p, targets.get(i)) for i, p in enumerate(plan)]

    def systemic_plan(self, c: _Case) -> list[tuple[Any, ...]]:
        row = c.row
        primary = row["primary_tumour"]
        regimen = self.systemic_regimen(row, first_line=self.chance(0.5))
        if not regimen:
            return []
        text = " + ".join(name for _, name, _ in regimen)
        rule = None
        if primary == "breast":
            rule = "ONC-HER2" if row["her2"] == "positive" else "ONC-HR-BREAST" if row["er"] == "positive" else "ONC-CHEMO"
        elif primary == "prostate":
            rule = "ONC-PROSTATE" if row["castration"] == "sensitive" else "ONC-CRPC"
        elif primary == "lung_nsclc" and row["egfr"] == "positive":
            rule = "ONC-EGFR"
        elif primary == "kidney":
            rule = "ONC-RCC"
        elif primary == "lung_sclc":
            rule = "ONC-CHEMO"
        if rule is None:
            return [(None, "systemic", f"Systemic therapy: {text}", "free_text", "")]
        roll = self.rng.random()
        if roll < 0.08:
            return [(rule, "systemic", text, "rejected", "Patient declined further systemic therapy; best supportive care")]
        if roll < 0.2:
            return [(rule, "systemic", f"{text} (dose-reduced)", "modified", f"ECOG {row['ecog']}: start at reduced dose")]
        return [(rule, "systemic", text, "accepted", "")]

    def bma_plan(self, c: _Case) -> list[tuple[Any, ...]]:
        row = c.row
        if row["primary_tumour"] == "prostate" and row["castration"] == "sensitive":
            return []
        if c.on_bma:
            return [(None, "bone_modifying_agent", "Continue current bone-modifying agent", "free_text", "")]
        out: list[tuple[Any, ...]] = []
        if not row.get("dental_clearance"):
            out.append(("ONC-DENTAL", "investigation", "Dental review before the first dose", "accepted", ""))
        if c.crcl < 30:
            out.append(
                (
                    "ONC-BMA-RENAL",
                    "bone_modifying_agent",
                    f"Denosumab 120 mg SC every 4 weeks (CrCl {c.crcl:.0f} mL/min); close calcium monitoring",
                    "accepted",
                    "",
                )
            )
        elif self.chance(0.25):
            out.append(
                (
                    "ONC-BMA",
                    "bone_modifying_agent",
                    "Denosumab 120 mg SC every 4 weeks",
                    "modified",
                    "Preference for subcutaneous injection",
                )
            )
        else:
            out.append(
                (
                    "ONC-BMA",
                    "bone_modifying_agent",
                    f"Zoledronic acid {self.zol_dose(c.crcl)} IV every 4 weeks (CrCl {c.crcl:.0f} mL/min)",
                    "accepted",
                    "",
                )
            )
        return out

    def pain_plan(self, c: _Case) -> tuple[Any, ...]:
        nrs = c.row["nrs"] or 0
        if nrs >= 7:
            text = "Oxycodone CR 10 mg q12h titrated; IR rescue; laxative"
            if c.crcl < 30:
                text += "; avoid morphine (CrCl < 30)"
            return ("PAIN-STEP3", "analgesia", text, "accepted", "")
        if nrs >= 4:
            return ("PAIN-STEP2", "analgesia", "Tramadol 50 mg qds or low-dose oxycodone", "accepted", "")
        return ("PAIN-STEP1", "analgesia", "Paracetamol 1 g qds", "accepted", "")

    # -- actions, delivery, resulting treatments -----------------------------------------------

    def build_actions_and_delivery(self) -> None:
        rng = self.rng
        for did, meta in self.plan_meta.items():
            if meta["status"] != "signed":
                continue
            c: _Case = meta["case"]
            decided_on: date = meta["decided_on"]
            case_id = c.row["case_id"]
            pid = c.row["patient_id"]
            death = self.deaths.get(pid)
            actions: list[tuple[str, str, int | None, int]] = [("coordinator", "Send the MDT outcome to the referrer", None, 1)]
            if meta["outcome"] != "decided":
                actions.append(
                    (
                        "coordinator",
                        "Re-list at the next meeting with the missing information",
                        meta["items"][0]["plan_item_id"],
                        5,
                    )
                )
            elif not meta["superseded"]:
                for pi, p in zip(meta["items"], meta["plan"], strict=True):
                    if p[3] == "rejected" or len(actions) >= 4:
                        continue
                    if p[1] in TREATMENT_KINDS | {"investigation"} and self.chance(0.7):
                        owner = OWNER_FOR_KIND[p[1]]
                        actions.append((owner, f"{self.verb(p[1])}: {p[2]}"[:3900], pi["plan_item_id"], rng.randint(3, 14)))
            for owner, text, plan_item_id, due_in in actions:
                due = decided_on + timedelta(days=due_in)
                status, completed = "open", None
                if due < self.today:
                    roll = rng.random()
                    if roll < 0.8:
                        status = "done"
                    elif roll < 0.95 or c.lecture:
                        status = "open" if not c.lecture else "done"
                    else:
                        status = "cancelled"
                elif self.chance(0.3):
                    status = "done"
                if status == "done":
                    completed = self.cap(max(decided_on, due - self.days(0, max(0, due_in - 1))))
                self.t["action_item"].append(
                    {
                        "action_id": self.new_id("action_item"),
                        "case_id": case_id,
                        "decision_id": did,
                        "plan_item_id": plan_item_id,
                        "description": text,
                        "owner_user_id": self.uid(owner),
                        "specialty": SPECIALTY_OF_OWNER[owner],
                        "due_date": due,
                        "status": status,
                        "completed_on": completed,
                    }
                )
            if meta["outcome"] != "decided" or meta["superseded"]:
                continue
            for pi, p in zip(meta["items"], meta["plan"], strict=True):
                if p[3] == "rejected" or p[1] not in TREATMENT_KINDS:
                    continue
                since = (self.today - decided_on).days
                if c.lecture:
                    self.t["delivery"].append(self.delivery_row(pi, True, self.cap(decided_on + timedelta(days=min(since, 7)))))
                    continue
                if since < 10 or (death and death <= decided_on + timedelta(days=3)):
                    continue
                if self.chance(0.15):
                    reason = self.pick((("patient_choice", 35), ("comorbidity", 25), ("new_information", 25), ("other", 15)))
                    note = {
                        "patient_choice": "Patient declined after discussion at clinic.",
                        "comorbidity": "Deteriorated (chest infection); treatment withheld.",
                        "new_information": "New imaging changed the plan.",
                        "other": "Transport not available; to be rebooked.",
                    }[reason]
                    self.t["delivery"].append(self.delivery_row(pi, False, None, reason, note))
                    continue
                on = self.cap(decided_on + self.days(1, min(21, since - 1)))
                if death and on >= death:
                    self.t["delivery"].append(self.delivery_row(pi, False, None, "other", "Patient died before treatment."))
                    continue
                self.t["delivery"].append(self.delivery_row(pi, True, on))
                self.deliver(c, p, on)

    def delivery_row(
        self, pi: dict[str, Any], delivered: bool, on: date | None, reason: str | None = None, note: str = ""
    ) -> dict[str, Any]:
        recorded = self.at(on or self.cap(self.today), 17, 0)
        return {
            "delivery_id": self.new_id("delivery"),
            "plan_item_id": pi["plan_item_id"],
            "delivered": delivered,
            "delivered_on": on,
            "reason_not": reason,
            "note": note,
            "recorded_at": recorded,
        }

    @staticmethod
    def verb(kind: str) -> str:
        return {
            "radiotherapy": "Book radiotherapy",
            "fixation": "List for surgery",
            "decompression": "List for surgery",
            "systemic": "Start systemic therapy",
            "bone_modifying_agent": "Prescribe",
            "analgesia": "Adjust analgesia",
            "rehabilitation": "Refer to rehabilitation",
            "investigation": "Arrange",
            "emergency": "Start now",
            "other": "Do",
        }[kind]

    def deliver(self, c: _Case, p: tuple[Any, ...], on: date) -> None:
        """The treatment a delivered plan item produced (with its skeletal event)."""
        pid = c.row["patient_id"]
        kind, text = p[1], p[2]
        lesion_id = p[5] if len(p) > 5 else None
        les = next((x for x in c.lesions if x["lesion_id"] == lesion_id), None)
        if kind == "radiotherapy" and les is not None:
            if "8 Gy" in text:
                dose, fr = 8, 1
            elif "24 Gy/2" in text:
                dose, fr = 24, 2
            elif "30 Gy/10" in text:
                dose, fr = 30, 10
            else:
                dose, fr = 20, 5
            name = ("SBRT " if "SBRT" in text else "Radiotherapy ") + site_label(les)
            self.add_treatment(
                pid,
                "radiotherapy",
                name,
                on,
                on + timedelta(days=int((fr - 1) * 1.4)),
                f"{dose} Gy in {fr} fraction{'s' if fr > 1 else ''}",
                dose,
                fr,
                lesion_id,
            )
            self.add_event(pid, "radiotherapy_to_bone", on, f"{name} {dose} Gy/{fr}", lesion_id)
            if les["prior_rt_dose_gy"] is None:
                les["prior_rt_dose_gy"], les["prior_rt_date"] = dose, on
            les["status"] = "treated"
        elif kind in ("fixation", "decompression") and les is not None:
            name = (
                self.fixation_name(les)
                if kind == "fixation"
                else (f"Decompression and posterior stabilisation {site_label(les)}")
            )
            self.add_treatment(pid, "surgery", name, on, on, lesion_id=lesion_id)
            self.add_event(pid, "surgery_to_bone", on, name, lesion_id)
            if les["pathological_fracture"]:
                les["fracture_fixed"] = True
            les["status"] = "treated"
        elif kind == "bone_modifying_agent" and "Continue" not in text:
            name = "Denosumab" if "Denosumab" in text else "Zoledronic acid"
            self.add_treatment(pid, "bone_modifying_agent", name, on, None, text[:200])
        elif kind == "systemic":
            for drug in text.split(" (")[0].split(" + "):
                if drug.startswith("Systemic therapy: "):
                    drug = drug.removeprefix("Systemic therapy: ")
                self.add_treatment(pid, self.drug_kind(drug), drug[:200], on, None)
        elif kind == "analgesia":
            drug = text.split(" ")[0]
            self.add_treatment(pid, "analgesia", drug, on, None, text[:200])
        elif kind == "emergency" and "Dexamethasone" in text:
            self.add_treatment(pid, "steroid", "Dexamethasone", on, on + timedelta(days=14), "10 mg IV then 4 mg q6h, tapered")

    @staticmethod
    def drug_kind(drug: str) -> str:
        endocrine = {"Letrozole", "Anastrozole", "Fulvestrant", "Goserelin", "Bicalutamide", "Abiraterone", "Enzalutamide"}
        immuno = {"Pembrolizumab", "Nivolumab"}
        chemo = {"Docetaxel", "Capecitabine", "Nab-paclitaxel", "FOLFOX", "XELOX"}
        if drug in endocrine:
            return "endocrine"
        if drug in immuno:
            return "immunotherapy"
        if drug in ("Prednisone", "Dexamethasone"):
            return "steroid"
        if drug in chemo or "platin" in drug or "etoposide" in drug or "Gemcitabine" in drug:
            return "chemotherapy"
        return "targeted"

    # -- follow-ups, deaths, case status ---------------------------------------------------------

    def choose_deaths(self) -> None:
        """A few deaths among the sickest patients discussed more than six weeks ago."""
        episodes: dict[int, int] = {}
        for c in self.cases:
            episodes[c.row["patient_id"]] = episodes.get(c.row["patient_id"], 0) + 1
        candidates = [
            meta
            for meta in self.plan_meta.values()
            if meta["outcome"] == "decided"
            and not meta["case"].lecture
            and (self.today - meta["decided_on"]).days > 42
            and ((meta["case"].row["ecog"] or 0) >= 3 or (meta["case"].row["expected_survival_weeks"] or 999) <= 13)
        ]
        candidates = [m for m in candidates if episodes[m["case"].row["patient_id"]] == 1]
        for meta in self.rng.sample(candidates, min(3, len(candidates))):
            c = meta["case"]
            pid = c.row["patient_id"]
            if pid in self.deaths:
                continue
            on = self.cap(meta["decided_on"] + self.days(20, 40))
            self.deaths[pid] = on
            self.add_event(pid, "death", on, "Died (disease progression)")

    def build_follow_ups(self) -> None:
        rng = self.rng
        for did, meta in self.plan_meta.items():
            if meta["status"] != "signed" or meta["outcome"] != "decided" or meta["superseded"]:
                continue
            c = meta["case"]
            death = self.deaths.get(c.row["patient_id"])
            base: date = meta["decided_on"]
            plan_text = " ".join(p[2] for p in meta["plan"])
            due: list[tuple[date, str]] = [(base + timedelta(days=91 * q), "clinical_review") for q in range(1, 5)]
            due += [
                (base + timedelta(days=91), "imaging"),
                (base + timedelta(days=182), "imaging"),
                (base + timedelta(days=42), "labs"),
            ]
            if "Zoledronic" in plan_text or "Denosumab" in plan_text or c.on_bma:
                due += [(base + timedelta(days=28 * q), "pre_dose_labs") for q in range(1, 4)]
            for when, kind in sorted(due):
                if death and when > death:
                    continue
                status, done_on = "due", None
                if when <= self.today:
                    roll = rng.random()
                    if roll < 0.78 or c.lecture:
                        status, done_on = "done", self.cap(when + self.days(-3, 3))
                    elif roll < 0.88:
                        status = "missed"
                self.t["follow_up"].append(
                    {
                        "follow_up_id": self.new_id("follow_up"),
                        "case_id": c.row["case_id"],
                        "decision_id": did,
                        "due_date": when,
                        "kind": kind,
                        "status": status,
                        "done_on": done_on,
                    }
                )

    def finish_cases(self) -> None:
        for c in self.cases:
            row = c.row
            row.pop("_plan", None)
            row.pop("_noms", None)
            if not c.slots:
                complete = row["histology"] and row["patient_wishes"] and row["neuro_assessed"] and row["nrs"] is not None
                row["status"] = "ready" if complete and self.chance(0.6) else "referred"
                continue
            last_k, last_outcome = c.slots[-1]
            if last_outcome == "listed":
                row["status"] = "listed"
            elif row["patient_id"] in self.deaths or (self.today - self.meeting_dates[last_k]).days > 28:
                row["status"] = "closed"
            else:
                row["status"] = "discussed"
        # Lecture cases 1 and 2 are reviewed again at the next meeting: they stay listed.
