"""The lecture cases' data files (db/demo_data/lecture_case_N.json): the documentation's examples are
those files, the demo store holds exactly what importing them stores, and each lecture case's board in
the demo is its file evaluated."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import jsonschema
import pytest

from core.casefile import CaseDocument, json_schema
from core.interop.evaluate import evaluate_case_file
from core.models import SYSTEM_ACTOR
from db.board import load_board
from db.connection import connect
from db.demo import LECTURE_CASE_MRNS, lecture_case_id
from db.demo_base import last_past_meeting
from db.demo_lecture import (
    LECTURE_NUMBERS,
    anchored,
    demo_document,
    example_csv,
    example_text,
    lecture_dates_for,
    lecture_document,
    lecture_file,
)
from db.demo_vocabulary import MEETING_WEEKDAY, N_PAST_MEETINGS, N_UPCOMING_MEETINGS
from db.interop.files import import_bytes
from db.interop.store import export_case_file
from db.policies import load_policy
from tests.conftest import DEMO_TODAY
from tests.interop.test_casefile_json import clinical
from tests.interop.test_csv import unordered
from tests.interop.test_fhir import normal

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
REGENERATE = "regenerate with: python -m db.demo_lecture"


@pytest.mark.parametrize("n", LECTURE_NUMBERS)
def test_the_example_is_the_data_file(n: int) -> None:
    assert (EXAMPLES / f"lecture_case_{n}.json").read_text(encoding="utf-8") == example_text(n), REGENERATE


def test_the_csv_examples_are_the_data_files() -> None:
    written = {p.name: p.read_text(encoding="utf-8") for p in (EXAMPLES / "csv").glob("*.csv")}
    assert written == example_csv(), REGENERATE


@pytest.mark.parametrize("n", LECTURE_NUMBERS)
def test_data_file_is_a_case_file_plus_the_demo_part(n: int) -> None:
    raw = lecture_file(n)
    assert set(raw) - set(lecture_document(n)) == {"demo"}
    jsonschema.validate(lecture_document(n), json_schema())
    assert raw["case"]["lecture_case"] == n
    assert raw["patient"]["mrn"] == LECTURE_CASE_MRNS[n]
    assert raw["patient"]["synthetic"] is True
    demo = raw["demo"]
    assert set(demo) <= {"dates_for", "meetings", "plan", "noms"}
    assert lecture_dates_for(n).weekday() == MEETING_WEEKDAY
    assert demo["meetings"] and all(0 <= m[0] < N_PAST_MEETINGS + N_UPCOMING_MEETINGS for m in demo["meetings"])
    # [meeting, outcome] or [meeting, outcome, urgency at listing] (a case listed again after treatment)
    assert all(len(m) == 2 or (len(m) == 3 and m[2] in ("emergency", "urgent", "routine")) for m in demo["meetings"])
    assert demo["meetings"][0][1] == "decided"
    assert all(len(item) == 5 for item in demo["plan"])
    # The file's dates lie in its own calendar: none after the week that follows its last past meeting.
    day = lecture_dates_for(n) + timedelta(days=7)
    CaseDocument.model_validate(lecture_document(n)).to_case_file(day, today=day)


def test_anchored_moves_every_date_and_caps_at_today() -> None:
    doc = {
        "patient": {"birth_date": "1960-01-01"},
        "case": {"referral_date": "2026-11-20", "diagnosis_date": None},
        "assessments": [{"field": "nrs", "value": 5, "observed_on": "2026-11-27"}],
        "lesions": [{"detected_date": "2026-11-01", "prior_rt_date": "2026-11-02"}],
        "studies": [{"study_date": "2026-11-25"}],
        "labs": [{"taken_on": "2026-11-26"}],
        "treatments": [
            {"start_date": "2026-11-01", "end_date": "2026-11-10"},
            {"start_date": "2026-11-20", "end_date": "2026-11-30"},
            {"start_date": "2026-11-28", "ongoing": True},
        ],
        "events": [{"event_date": "2026-11-21"}],
    }
    out = anchored(doc, timedelta(weeks=1), date(2026, 12, 2))
    assert out["patient"]["birth_date"] == "1960-01-08"
    assert out["case"] == {"referral_date": "2026-11-27", "diagnosis_date": None}
    assert out["assessments"][0]["observed_on"] == "2026-12-02"  # 12-04 is after today
    assert out["lesions"][0] == {"detected_date": "2026-11-08", "prior_rt_date": "2026-11-09"}
    assert (out["studies"][0]["study_date"], out["labs"][0]["taken_on"]) == ("2026-12-02", "2026-12-02")
    assert out["treatments"][0] == {"start_date": "2026-11-08", "end_date": "2026-11-17"}
    assert out["treatments"][1] == {"start_date": "2026-11-27", "end_date": None, "ongoing": True}  # would end 12-07
    assert out["treatments"][2] == {"start_date": "2026-12-02", "ongoing": True}
    assert out["events"][0]["event_date"] == "2026-11-28"
    assert doc["labs"][0]["taken_on"] == "2026-11-26"  # the input is left as it was


def test_demo_document_follows_the_demo_calendar() -> None:
    for today in (date(2026, 11, 27), date(2026, 12, 3), date(2027, 3, 7)):
        shift = last_past_meeting(today) - lecture_dates_for(2)
        assert shift.days % 7 == 0
        doc = demo_document(2, today)
        raw = lecture_document(2)
        assert date.fromisoformat(doc["case"]["referral_date"]) == date.fromisoformat(raw["case"]["referral_date"]) + shift


@pytest.mark.parametrize("n", LECTURE_NUMBERS)
def test_demo_holds_the_data_file_and_its_board_is_the_file_evaluated(
    demo_cur2: duckdb.DuckDBPyConnection, empty_db: str, n: int
) -> None:
    case_id = lecture_case_id(demo_cur2, n)
    board = load_board(demo_cur2, case_id)
    document = demo_document(n, DEMO_TODAY)
    # The board's scores, red flags and suggestions are those of the file, evaluated on its own.
    cf = CaseDocument.model_validate(document).to_case_file(board.cf.as_of, today=DEMO_TODAY)
    result = evaluate_case_file(cf, load_policy(demo_cur2))
    shown = [
        (s.score_id, s.site_en or s.site or None, s.result.band, list(s.result.missing), list(s.result.flags))
        for s in (*board.scores.patient.values(), *board.scores.per_lesion)
    ]
    assert [(s["id"], s["site"], s["band"], s["missing"], s["flags"]) for s in result["scores"]] == shown
    assert [(h["rule_id"], h["urgency"]) for h in result["red_flags"]] == [(h.rule_id, h.urgency) for h in board.rules.red_flags]
    assert [h["rule_id"] for h in result["suggestions"]] == list(board.rules.fired_ids)
    # The demo's rows are what importing the file stores: both export as the same document.
    _, demo_doc = export_case_file(demo_cur2, SYSTEM_ACTOR, case_id)
    con = connect(empty_db)
    try:
        report = import_bytes(con, SYSTEM_ACTOR, f"lecture_case_{n}.json", json.dumps(document).encode())
        assert report.ok and report.written, report.refused
        new_id = con.execute("SELECT max(case_id) FROM mdt_case").fetchall()[0][0]
        _, imported = export_case_file(con, SYSTEM_ACTOR, new_id)
    finally:
        con.close()
    assert unordered(normal(clinical(imported))) == unordered(normal(clinical(demo_doc)))
    # What the demo keeps beside the file: the lecture number and, from the file's demo part, the
    # meetings where it was discussed.
    assert demo_cur2.execute("SELECT lecture_case FROM mdt_case WHERE case_id = ?", [case_id]).fetchall() == [(n,)]
    items = demo_cur2.execute("SELECT count(*) FROM agenda_item WHERE case_id = ?", [case_id]).fetchall()[0][0]
    assert items == len(lecture_file(n)["demo"]["meetings"])
