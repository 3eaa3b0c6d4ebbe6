"""The demo's seven lecture cases, read from their data files ``db/demo_data/lecture_case_N.json``.

Each file is one case file (``bonemdt-case/1``, docs/case-file.md) with one more top-level part,
``demo``, that the case-file format does not have: what the MDT did with the case in the demo's
meeting history (workflow, not clinical facts):

- ``dates_for``: the date of the last past meeting the file's dates are written for (a Thursday);
- ``meetings``: ``[meeting index, agenda outcome]`` pairs (indexes into the demo's sixteen weekly
  meetings, 0 = the oldest; 11 = the last past one), with a third element, the urgency the
  coordinator listed it at, where that is not the referral's priority (a case listed again after
  its treatment);
- ``plan``: the signed decision's plan items ``[rule id or null, kind, text, disposition, reason]``;
- ``noms``: the decision's NOMS assessment, when the team recorded one.

The clinical part goes through the import's own validation and row builder
(:func:`core.interop.documents.validate_document`, :func:`db.interop.store.plan_new_patient`), so
the demo holds exactly what importing the file would store; nothing clinical is computed here.
The documentation's examples (docs/examples/lecture_case_N.json) are these files without ``demo``;
tests/interop/test_lecture_files.py fails when they drift.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Any

from core.assessments import ASSESSED_FIELDS
from core.interop.csv_tables import write_csv_tables
from core.interop.documents import validate_document
from core.interop.report import ImportReport
from core.models import TreatmentKind
from db.demo_base import GeneratorBase, _Case, last_past_meeting
from db.demo_vocabulary import TABLES
from db.interop.store import plan_new_patient

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
LECTURE_NUMBERS = range(1, 8)

# Where each section of a case file keeps its dates.
_DATE_FIELDS: dict[str, tuple[str, ...]] = {
    "patient": ("birth_date",),
    "case": ("referral_date", "diagnosis_date"),
    "assessments": ("observed_on",),
    "lesions": ("detected_date", "prior_rt_date", "surgeon_stability_on"),
    "studies": ("study_date",),
    "labs": ("taken_on",),
    "treatments": ("start_date", "end_date"),
    "events": ("event_date",),
}


def lecture_path(n: int) -> Path:
    if n not in LECTURE_NUMBERS:
        raise ValueError("lecture case number must be between 1 and 7")
    return DATA_DIR / f"lecture_case_{n}.json"


@cache
def _read(n: int) -> str:
    return lecture_path(n).read_text(encoding="utf-8")


def lecture_file(n: int) -> dict[str, Any]:
    """Lecture case ``n``'s data file as written (its case file plus the ``demo`` part)."""
    data: dict[str, Any] = json.loads(_read(n))
    return data


def lecture_document(n: int) -> dict[str, Any]:
    """The case file of lecture case ``n`` (``bonemdt-case/1``, dates as written in the file)."""
    return {k: v for k, v in lecture_file(n).items() if k != "demo"}


def lecture_dates_for(n: int) -> date:
    """The last past meeting the dates of lecture case ``n``'s file are written for."""
    return date.fromisoformat(lecture_file(n)["demo"]["dates_for"])


def anchored(document: dict[str, Any], shift: timedelta, today: date) -> dict[str, Any]:
    """A copy of ``document`` with every date moved by ``shift`` and none after ``today``.

    The demo is anchored to the day it is built: a file's dates are written for the meeting
    calendar whose last past meeting is the file's ``dates_for``; the demo moves them by the same
    whole number of weeks as its own calendar. As every date the generator writes, a date that
    would lie after ``today`` is today, and a treatment that would end after today has not ended:
    it has no end date yet and is ongoing.
    """
    out: dict[str, Any] = json.loads(json.dumps(document))

    def move(value: str | None) -> str | None:
        if value is None:
            return None
        return min(date.fromisoformat(value) + shift, today).isoformat()

    for section, fields in _DATE_FIELDS.items():
        rows = out.get(section)
        for row in [rows] if isinstance(rows, dict) else rows or []:
            ends_later = section == "treatments" and row.get("end_date") and date.fromisoformat(row["end_date"]) + shift > today
            for name in fields:
                if name in row:
                    row[name] = move(row[name])
            if ends_later:
                row["end_date"], row["ongoing"] = None, True
    return out


def demo_document(n: int, today: date) -> dict[str, Any]:
    """Lecture case ``n``'s case file as the demo built on ``today`` holds it (:func:`anchored` to
    that demo's meeting calendar)."""
    shift = last_past_meeting(today) - lecture_dates_for(n)
    return anchored(lecture_document(n), shift, today)


def _plain(value: Any) -> Any:
    """A row value as the generator writes it (codes as text, lists as lists)."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _plain_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _plain(v) for k, v in row.items()}


class _GeneratorIds:
    """The import's id source, drawing from the generator's own counters (ids 1..N on an empty
    store, in the order the import asks for them)."""

    def __init__(self, gen: GeneratorBase) -> None:
        self.gen = gen
        self.tables = {seq: table for table, _, seq in TABLES if seq is not None}

    def draw(self, seq: str, n: int) -> list[int]:
        return [self.gen.new_id(self.tables[seq]) for _ in range(n)]


class LectureCases(GeneratorBase):
    """The lecture's seven worked cases (docs/clinical/lecture-cases.md), each at the point of its
    course the lecture describes, loaded from its data file."""

    def lecture_case(self, n: int) -> None:
        demo = lecture_file(n)["demo"]
        report = ImportReport(source=lecture_path(n).name)
        label = f"lecture case {n}"
        parsed = validate_document(demo_document(n, self.today), label, report, self.today, today=self.today)
        if parsed is None:
            raise RuntimeError(f"{lecture_path(n)} is not a valid case file: " + "; ".join(report.refused))
        # The lecture patients once drew a birthday from the generator; the draw is kept so that a
        # seed still gives the same generic cases.
        self.rng.randint(1, 360)
        plan = plan_new_patient(parsed, _GeneratorIds(self))
        (patient,) = plan.patients
        (header,) = plan.cases
        case_id = int(header["case_id"])
        cf = parsed.case_file
        projected = plan.assessments[case_id][1]
        assert projected is not None
        referral = cf.case.referral_date
        patient = {**patient, "created_at": self.at(referral, 9, 30)}
        # The case row holds the clinical values while the meeting history is generated; they are
        # stored as the file's dated assessments (see ``dated_assessments`` in db/demo.py).
        row = _plain_row(
            {
                **header,
                **{f: getattr(projected, f) for f in ASSESSED_FIELDS},
                "lecture_case": n,
                "created_at": self.at(referral, 10, 0),
            }
        )
        self.lecture_assessments[case_id] = [
            {"field": a.field, "value": a.value, "observed_on": a.observed_on} for a in parsed.assessments
        ]
        lesions = [_plain_row(r) for r in plan.lesions]
        self.t["patient"].append(patient)
        self.t["mdt_case"].append(row)
        self.t["lesion"].extend(lesions)
        self.t["imaging_study"].extend(_plain_row(r) for r in plan.studies)
        self.t["imaging_lesion"].extend(plan.links)
        self.t["lab_result"].extend(_plain_row(r) for r in plan.labs)
        self.t["treatment"].extend(_plain_row(r) for r in plan.treatments)
        self.t["clinical_event"].extend(_plain_row(r) for r in plan.events)
        row["_plan"] = [tuple(p) for p in demo["plan"]]
        if demo.get("noms"):
            row["_noms"] = dict(demo["noms"])
        self.cases.append(
            _Case(
                row=row,
                patient=patient,
                lesions=lesions,
                age=cf.patient.age_on(referral),
                slots=[(int(m[0]), str(m[1])) for m in demo["meetings"]],
                slot_urgency={int(m[0]): str(m[2]) for m in demo["meetings"] if len(m) > 2},
                lecture=n,
                urgency=str(row["priority"]),
                on_bma=any(t.kind == TreatmentKind.BONE_MODIFYING_AGENT and t.start_date <= referral for t in cf.treatments),
            )
        )


def example_text(n: int) -> str:
    """docs/examples/lecture_case_N.json: the data file's case file, as JSON text."""
    return json.dumps(lecture_document(n), ensure_ascii=False, indent=2) + "\n"


def example_csv() -> dict[str, str]:
    """docs/examples/csv/: the seven case files as CSV tables (file name -> text)."""
    return write_csv_tables([lecture_document(n) for n in LECTURE_NUMBERS])


if __name__ == "__main__":  # python -m db.demo_lecture: rewrite docs/examples from the data files
    examples = Path(__file__).resolve().parents[1] / "docs" / "examples"
    for number in LECTURE_NUMBERS:
        (examples / f"lecture_case_{number}.json").write_text(example_text(number), encoding="utf-8")
    for name, text in example_csv().items():
        (examples / "csv" / name).write_text(text, encoding="utf-8")
