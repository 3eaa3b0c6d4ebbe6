"""Dated assessments and versioned facts on a real temp store: corrections keep history and audit,
the board as of a past moment, concurrent edits, roles, and migration 007 of undated values."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import duckdb
import pytest

from core.errors import FieldError, PermissionDeniedError
from core.models import Actor, Case, LabResult, Lesion, Patient, Role, Specialty, Treatment
from db import assessments, audit, cases, clinical
from db.board import case_stamp, load_board
from db.connection import connect, is_postgres
from db.migrate import POSTGRESQL_DIR, discover, migrate
from db.scores import load_case_files
from db.versioning import VersionConflict
from tests.conftest import Stores

PATIENT = Patient(mrn="VER-0001", display_name="Version Patient", sex="female", birth_date=date(1960, 5, 1))
REFERRAL = date(2026, 11, 2)
CASE = Case(
    patient_id=0,
    referral_date=REFERRAL,
    referrer="Dr Ref",
    referrer_specialty="medical_oncology",
    question="Painful T9 lesion",
    primary_tumour="breast",
)


@pytest.fixture
def case_id(cur: duckdb.DuckDBPyConnection, coordinator: Actor) -> int:
    return cases.refer(cur, coordinator, PATIENT, CASE)


def _pid(cur: duckdb.DuckDBPyConnection, case_id: int) -> int:
    return cases.get_case(cur, case_id).patient_id


def test_assessments_project_onto_the_case_with_their_dates(
    cur: duckdb.DuckDBPyConnection, coordinator: Actor, case_id: int
) -> None:
    assessments.add_many(cur, coordinator, case_id, {"ecog": 2, "nrs": 7, "weight_kg": "61.5"}, date(2026, 11, 10))
    assessments.add(cur, coordinator, case_id, "ecog", 3, date(2026, 11, 20))
    cf = cases.load_case_file(cur, case_id, as_of=date(2026, 11, 25))
    assert (cf.case.ecog, cf.case.nrs, cf.case.weight_kg) == (3, 7, Decimal("61.5"))
    assert cf.observed["ecog"] == date(2026, 11, 20) and cf.observed["nrs"] == date(2026, 11, 10)
    assert cf.fact_age_days("ecog") == 5
    # as of a day before the second ECOG: the first
    assert cases.load_case_file(cur, case_id, as_of=date(2026, 11, 15)).case.ecog == 2
    # the list and readiness read the same values
    listed = cases.list_cases(cur)
    assert listed.loc[listed.case_id == case_id, "ecog"].item() == 3
    facts = cases.readiness_facts(cur, [case_id])[case_id]
    assert facts.performance and facts.pain and not facts.neurology


def test_bad_assessment_names_the_field_and_saves_nothing(
    cur: duckdb.DuckDBPyConnection, coordinator: Actor, case_id: int
) -> None:
    n = cur.execute("SELECT count(*) FROM assessment").fetchone()
    with pytest.raises(FieldError) as info:
        assessments.add_many(cur, coordinator, case_id, {"ecog": 7, "nrs": 3, "kps": 85}, date(2026, 11, 10))
    assert set(info.value.errors) == {"ecog", "kps"}
    with pytest.raises(FieldError) as info:
        assessments.add(cur, coordinator, case_id, "ecog", 1, date.today() + timedelta(days=1))
    assert "observed_on" in info.value.errors
    with pytest.raises(FieldError) as info:
        assessments.add(cur, coordinator, case_id, "ecog", 1, date(1959, 1, 1))
    assert info.value.errors["observed_on"] == "must not be before the birth date"
    assert cur.execute("SELECT count(*) FROM assessment").fetchone() == n


def test_double_submit_records_once(cur: duckdb.DuckDBPyConnection, coordinator: Actor, case_id: int) -> None:
    first = assessments.add_many(cur, coordinator, case_id, {"ecog": 1, "nrs": 2}, REFERRAL, token="t-1")
    again = assessments.add_many(cur, coordinator, case_id, {"ecog": 1, "nrs": 2}, REFERRAL, token="t-1")
    assert first == again
    assert cur.execute("SELECT count(*) FROM assessment").fetchone() == (2,)


def test_correction_keeps_history_and_audit(
    cur: duckdb.DuckDBPyConnection, coordinator: Actor, chair: Actor, case_id: int
) -> None:
    (first,) = assessments.add_many(cur, coordinator, case_id, {"ecog": 1}, date(2026, 11, 10))
    with pytest.raises(FieldError):
        assessments.correct(cur, chair, first, 2, reason="  ")
    second = assessments.correct(cur, chair, first, 2, reason="typed 1 for 2")
    history = assessments.history(cur, case_id, "ecog")
    assert [a.assessment_id for a in history] == [second, first]
    assert history[0].supersedes == first and history[0].reason == "typed 1 for 2"
    assert cases.load_case_file(cur, case_id).case.ecog == 2
    row = cur.execute("SELECT action, reason FROM audit_log WHERE entity = 'assessment' ORDER BY seq DESC LIMIT 1").fetchone()
    assert row == ("correct", "typed 1 for 2")
    assessments.retract(cur, chair, second, reason="wrong patient")
    assert cases.load_case_file(cur, case_id).case.ecog is None
    assert len(assessments.history(cur, case_id, "ecog")) == 3
    assert audit.verify_chain(cur).ok


def test_concurrent_assessment_correction_is_a_conflict(
    cur: duckdb.DuckDBPyConnection, coordinator: Actor, chair: Actor, case_id: int
) -> None:
    (first,) = assessments.add_many(cur, coordinator, case_id, {"nrs": 5}, REFERRAL)
    assessments.correct(cur, chair, first, 6, reason="re-asked")
    with pytest.raises(VersionConflict) as info:
        assessments.correct(cur, coordinator, first, 4, reason="re-asked too")
    assert info.value.current is not None and info.value.current["value"] == 6
    assert info.value.submitted["value"] == 4
    assert cases.load_case_file(cur, case_id).case.nrs == 6


def test_fact_correction_keeps_the_previous_version(
    cur: duckdb.DuckDBPyConnection, coordinator: Actor, member: Actor, case_id: int
) -> None:
    pid = _pid(cur, case_id)
    lesion_id = clinical.add(cur, member, Lesion(patient_id=pid, bone="spine", level="T9", lesion_type="lytic", bilsky="1a"))
    clinical.add(
        cur,
        coordinator,
        Treatment(
            patient_id=pid,
            kind="radiotherapy",
            name="RT T9",
            start_date=date(2026, 11, 5),
            dose_gy=8,
            fractions=1,
            lesion_ids=(lesion_id,),
        ),
    )
    lesion = clinical.get_lesion(cur, lesion_id)
    corrected = lesion.model_copy(update={"bilsky": "2", "surgeon_stability": "unstable"})
    assert clinical.correct(cur, member, corrected, expected_version=1, reason="MRI re-read") == lesion_id
    now = clinical.get_lesion(cur, lesion_id)
    assert (now.bilsky, now.row_version, now.lesion_id) == ("2", 2, lesion_id)
    # the surgeon's call carries its day and who made it
    assert now.surgeon_stability_on == date.today() and now.surgeon_stability_by == member.username
    versions = clinical.history(cur, "lesion", lesion_id)
    assert [v["bilsky"] for v in versions] == ["2", "1a"] and versions[0]["reason"] == "MRI re-read"
    # the treatment still names the lesion (stable id)
    cf = cases.load_case_file(cur, case_id)
    assert [les.bilsky for les in cf.lesions] == ["2"] and cf.treatments[0].lesion_ids == (lesion_id,)
    # a stale form: conflict with both versions, nothing saved
    with pytest.raises(VersionConflict) as info:
        clinical.correct(cur, coordinator, lesion.model_copy(update={"bilsky": "3"}), expected_version=1, reason="late")
    assert info.value.current is not None and info.value.current["bilsky"] == "2"
    assert info.value.submitted["bilsky"] == "3"
    assert len(clinical.history(cur, "lesion", lesion_id)) == 2
    actions = [r[0] for r in cur.execute("SELECT action FROM audit_log WHERE entity = 'lesion' ORDER BY seq").fetchall()]
    assert actions == ["create", "correct"]


def test_retraction_and_the_board_as_of_a_past_moment(cur: duckdb.DuckDBPyConnection, coordinator: Actor, case_id: int) -> None:
    pid = _pid(cur, case_id)
    lab_id = clinical.add(
        cur, coordinator, LabResult(patient_id=pid, analyte="calcium", value="2.40", unit="mmol/L", taken_on=date(2026, 11, 3))
    )
    # the lab was recorded an hour ago; the ECOG and the retraction come now
    cur.execute("UPDATE lab_result SET recorded_at = recorded_at - INTERVAL '1 hour'")
    moment = cur.execute("SELECT max(recorded_at) FROM lab_result").fetchone()[0] + timedelta(minutes=1)
    assessments.add(cur, coordinator, case_id, "ecog", 1, date(2026, 11, 3))
    with pytest.raises(FieldError):
        clinical.retract(cur, coordinator, "lab_result", lab_id, expected_version=1, reason="")
    clinical.retract(cur, coordinator, "lab_result", lab_id, expected_version=1, reason="haemolysed sample")
    now = cases.load_case_file(cur, case_id)
    assert now.labs == () and now.case.ecog == 1
    then = cases.load_case_file(cur, case_id, as_of=date.today(), known_by=moment)
    assert [lab.value for lab in then.labs] == [Decimal("2.40")]
    assert then.case.ecog is None  # recorded after that moment
    assert clinical.history(cur, "lab_result", lab_id)[0]["retracted"] is True
    with pytest.raises(VersionConflict):
        clinical.retract(cur, coordinator, "lab_result", lab_id, expected_version=1, reason="again")


def test_roles(cur: duckdb.DuckDBPyConnection, coordinator: Actor, case_id: int) -> None:
    pid = _pid(cur, case_id)
    analyst = Actor(user_id=4, username="analyst-test", role=Role.ANALYST)
    admin = Actor(user_id=5, username="admin-test", role=Role.ADMIN)
    psych = Actor(user_id=6, username="psych-test", role=Role.MEMBER, specialty=Specialty.PSYCHOLOGY)
    for who in (analyst, admin):
        with pytest.raises(PermissionDeniedError):
            assessments.add(cur, who, case_id, "ecog", 1, REFERRAL)
        with pytest.raises(PermissionDeniedError):
            clinical.add(cur, who, Lesion(patient_id=pid, bone="rib", side="left", lesion_type="lytic"))
    with pytest.raises(PermissionDeniedError):
        clinical.add(cur, psych, LabResult(patient_id=pid, analyte="albumin", value=40, unit="g/L", taken_on=REFERRAL))
    assessments.add(cur, psych, case_id, "nrs", 4, REFERRAL)  # every clinical specialty records pain
    denied = cur.execute("SELECT count(*) FROM audit_log WHERE outcome = 'denied'").fetchone()
    assert denied == (5,)
    assert cur.execute("SELECT count(*) FROM lesion").fetchone() == (0,)


def test_writes_move_the_case_board_stamp(cur: duckdb.DuckDBPyConnection, coordinator: Actor, case_id: int) -> None:
    stamp = case_stamp(cur, case_id)
    assessments.add(cur, coordinator, case_id, "fit_for_surgery", True, REFERRAL)
    assert case_stamp(cur, case_id) > stamp
    assert load_board(cur, case_id).cf.case.fit_for_surgery is True


def test_batch_loader_projects_assessments(cur: duckdb.DuckDBPyConnection, coordinator: Actor, case_id: int) -> None:
    pid = _pid(cur, case_id)
    assessments.add_many(cur, coordinator, case_id, {"ecog": 2, "expected_survival_weeks": 30}, date(2026, 11, 4))
    les = clinical.add(cur, coordinator, Lesion(patient_id=pid, bone="femur", side="left", segment="shaft", lesion_type="lytic"))
    clinical.correct(
        cur,
        coordinator,
        clinical.get_lesion(cur, les).model_copy(update={"size_fraction": "gt_two_thirds"}),
        expected_version=1,
        reason="measured",
    )
    board = load_board(cur, case_id)
    (batch,) = load_case_files(cur, case_id, case_id, date.today(), board.policy)
    assert batch.case == board.cf.case and batch.observed == board.cf.observed
    assert batch.lesions == board.cf.lesions and len(batch.lesions) == 1


# ---------------------------------------------------------------------------------------------
# Migration 007 of existing undated values


def test_migration_007_dates_existing_values_at_referral(stores: Stores) -> None:
    con = connect(stores.blank())
    # The engine's own migration files (PostgreSQL variants where DuckDB's SQL differs).
    every = discover(variants=POSTGRESQL_DIR) if is_postgres(con) else discover()
    migrate(con, [m for m in every if m.version <= 6])
    con.execute(
        "INSERT INTO patient (patient_id, mrn, mrn_folded, display_name, sex, birth_date) VALUES (1, 'M-001', 'm-001', 'P', 'male', DATE '1950-01-01')"
    )
    con.execute(
        "INSERT INTO mdt_case (case_id, patient_id, referral_date, referrer, referrer_specialty, question, primary_tumour,"
        " ecog, kps, frankel, frankel_new, neuro_assessed, neuro_signs, nrs, fever, expected_survival_weeks, weight_kg,"
        " primary_controlled, infection, created_at)"
        " VALUES (1, 1, DATE '2026-10-01', 'Dr', 'medical_oncology', 'Q', 'prostate', 2, 70, 'D', TRUE, TRUE,"
        " ARRAY['limb_weakness'], 6, FALSE, 20, 72.5, FALSE, FALSE, TIMESTAMP '2026-10-01 09:00:00')"
    )
    con.execute("INSERT INTO lesion (lesion_id, patient_id, bone, level, lesion_type) VALUES (1, 1, 'spine', 'L2', 'blastic')")
    applied = migrate(con, every)
    assert applied == [m.version for m in discover() if m.version > 6]
    rows = con.execute("SELECT field, value, observed_on, recorded_by FROM assessment ORDER BY field").fetchall()
    values = {r[0]: r[1] for r in rows}
    assert values == {
        "ecog": "2",
        "expected_survival_weeks": "20",
        "frankel": '"D"',
        "frankel_new": "true",
        "kps": "70",
        "neuro_assessed": "true",
        "neuro_signs": '["limb_weakness"]',
        "nrs": "6",
        "primary_controlled": "false",  # a known "no" is kept; fever/infection FALSE are the default
        "weight_kg": "72.5",
    }
    assert {(r[2], r[3]) for r in rows} == {(date(2026, 10, 1), "migration")}
    sql = "SELECT column_name FROM information_schema.columns WHERE table_name = 'mdt_case'"
    columns = {r[0] for r in con.execute(sql).fetchall()}
    assert "ecog" not in columns and "nrs" not in columns
    cf = cases.load_case_file(con.cursor(), 1, as_of=date(2026, 11, 1))
    assert (cf.case.ecog, cf.case.frankel, cf.case.neuro_signs, cf.case.weight_kg) == (
        2,
        "D",
        ("limb_weakness",),
        Decimal("72.5"),
    )
    assert cf.case.primary_controlled is False and cf.observed["ecog"] == date(2026, 10, 1)
    assert [les.level for les in cf.lesions] == ["L2"] and cf.lesions[0].recorded_by == "migration"
    con.close()


def test_recorded_at_is_utc_and_recent(cur: duckdb.DuckDBPyConnection, coordinator: Actor, case_id: int) -> None:
    assessments.add(cur, coordinator, case_id, "ecog", 0, REFERRAL)
    (at,) = cur.execute("SELECT recorded_at FROM assessment").fetchone()
    assert abs((datetime.utcnow() - at).total_seconds()) < 120
