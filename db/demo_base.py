"""The demo generator's state and the rows it writes (patients, cases, lesions, studies, labs,
treatments, events); the parts that build each kind of record extend it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from core.models import (
    ANALYTE_UNITS,
    Analyte,
)
from db.demo_vocabulary import (
    MEETING_LOCATION,
    MEETING_WEEKDAY,
    N_PAST_MEETINGS,
    N_UPCOMING_MEETINGS,
    TABLES,
)


def last_past_meeting(today: date) -> date:
    """The demo's last past weekly meeting: the latest meeting weekday before ``today``."""
    return today - timedelta(days=(today.weekday() - MEETING_WEEKDAY) % 7 or 7)


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
    # a listing's urgency when it differs from the case's (a lecture case listed again after treatment)
    slot_urgency: dict[int, str] = field(default_factory=dict)


class GeneratorBase:
    """The generator's state and its small helpers: ids, dates, random choices, rows of each table."""

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
        last_past = last_past_meeting(today)
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
        # case id -> the dated values of a case loaded from a file (db/demo_lecture.py)
        self.lecture_assessments: dict[int, list[dict[str, Any]]] = {}

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

    def add_patient(self, number: int, sex: str, age: int, at: date) -> dict[str, Any]:
        pid = self.new_id("patient")
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
        """A routine blood panel (and a tumour marker) taken on one day."""
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
