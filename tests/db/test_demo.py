"""The demo dataset (db/demo.py) on a real DuckDB file or PostgreSQL: counts, determinism,
integrity, signatures, audit and refusal (distributions: test_demo_distributions.py; the lecture
cases: test_demo_lecture.py)."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from typing import Any

import duckdb
import pytest

from core.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Case,
    ClinicalEvent,
    Decision,
    Delivery,
    FollowUp,
    ImagingStudy,
    LabResult,
    Lesion,
    Meeting,
    Patient,
    PlanItem,
    SpecialtyOpinion,
    Treatment,
)
from core.signing import SIGNATURE_MEANING, content_hash
from db import audit
from db.connection import connect
from db.demo import (
    TABLES,
    DemoSummary,
    load_demo,
)
from tests.conftest import Stores
from tests.db import demo_kit
from tests.db.demo_kit import TODAY, one, q, rows

# the module's demo store (pytest finds fixtures by their own name)
store, cur, summary = demo_kit.store, demo_kit.cur, demo_kit.summary


# ---------------------------------------------------------------------------------------------
# Counts


def test_summary_matches_the_tables(cur: duckdb.DuckDBPyConnection, summary: DemoSummary) -> None:
    for table, _, _ in TABLES:
        assert one(cur, f"SELECT count(*) FROM {table}") == getattr(summary, table), table
    assert summary.patient >= 150
    assert summary.mdt_case >= summary.patient
    assert one(cur, "SELECT count(*) FROM patient WHERE NOT synthetic") == 0
    assert one(cur, "SELECT count(*) FROM case_clinical WHERE lecture_case IS NOT NULL") == 7


def test_a_few_patients_have_a_second_referral(cur: duckdb.DuckDBPyConnection) -> None:
    twice = one(cur, "SELECT count(*) FROM (SELECT patient_id FROM case_clinical GROUP BY 1 HAVING count(*) = 2) twice")
    assert 1 <= twice <= 10
    assert one(cur, "SELECT max(n) FROM (SELECT count(*) n FROM case_clinical GROUP BY patient_id) per_patient") == 2


def test_meetings_twelve_past_and_four_upcoming(cur: duckdb.DuckDBPyConnection) -> None:
    meetings = rows(cur, "SELECT * FROM meeting ORDER BY meeting_date")
    assert len(meetings) == 16
    past = [m for m in meetings if m["meeting_date"] < TODAY]
    upcoming = [m for m in meetings if m["meeting_date"] >= TODAY]
    assert len(past) == 12
    assert len(upcoming) == 4
    assert {m["meeting_date"].weekday() for m in meetings} == {3}
    dates = [m["meeting_date"] for m in meetings]
    assert all(b - a == timedelta(days=7) for a, b in itertools.pairwise(dates))
    for m in past:
        assert m["status"] == "closed"
        assert m["started_at"] is not None
        assert m["ended_at"] > m["started_at"]
        assert 1 <= m["attendance_grade"] <= 4
    for m in upcoming:
        assert m["status"] == "planned"
        assert m["started_at"] is None
    assert all(m["location"] == "MDT Room 3 / 多学科会诊室" for m in meetings)


def test_attendance_core_mostly_present_some_gaps(cur: duckdb.DuckDBPyConnection) -> None:
    per_spec = dict(q(cur, "SELECT specialty, avg(present::INT) FROM attendance GROUP BY 1"))
    assert per_spec["radiology"] == 1.0
    assert per_spec["medical_oncology"] >= 0.85
    chair_absent = one(
        cur, "SELECT count(*) FROM attendance a JOIN app_user u USING (user_id) WHERE u.username = 'chair' AND NOT a.present"
    )
    assert chair_absent == 0
    assert 0.7 <= per_spec["orthopaedics"] < 1.0
    assert 0.8 <= per_spec["radiotherapy"] < 1.0
    users = one(cur, "SELECT count(*) FROM app_user WHERE demo AND specialty IS NOT NULL")
    assert one(cur, "SELECT count(*) FROM attendance") == 12 * users


def test_decisions_cover_every_state(cur: duckdb.DuckDBPyConnection) -> None:
    states = set(q(cur, "SELECT DISTINCT status, outcome FROM decision"))
    assert {("signed", "decided"), ("draft", "decided"), ("signed", "deferred")} <= states
    assert "no_decision" in {o for _, o in states}
    quorum = dict(q(cur, "SELECT quorum_state, count(*) FROM decision GROUP BY 1"))
    assert quorum["chair_override"] == 1
    assert 1 <= quorum["provisional"] <= 10
    assert quorum["quorate"] > 0.8 * sum(quorum.values())
    drafts = one(cur, "SELECT count(*) FROM decision WHERE status = 'draft'")
    assert 1 <= drafts <= 6
    assert (
        one(cur, "SELECT count(*) FROM decision WHERE status = 'draft' AND (signed_by IS NOT NULL OR content_hash IS NOT NULL)")
        == 0
    )


def test_an_amended_decision_keeps_its_signed_predecessor(cur: duckdb.DuckDBPyConnection) -> None:
    amended = q(
        cur,
        """
        SELECT d.decision_id, d.version, d.amendment_reason, p.status, p.version, p.outcome
        FROM decision d JOIN decision p ON p.decision_id = d.predecessor_id
        WHERE d.item_id = p.item_id AND p.outcome = 'decided'""",
    )
    assert amended, "expected at least one amendment of a decided, signed decision"
    for _, version, reason, pred_status, pred_version, _ in amended:
        assert version == pred_version + 1
        assert reason.strip()
        assert pred_status == "signed"
    # Every version > 1 names a predecessor on the same case.
    assert (
        one(
            cur,
            """
        SELECT count(*) FROM decision d LEFT JOIN decision p ON p.decision_id = d.predecessor_id
        WHERE d.version > 1 AND (p.decision_id IS NULL OR p.case_id <> d.case_id
                                 OR p.version <> d.version - 1)""",
        )
        == 0
    )


def test_actions_deliveries_follow_ups(cur: duckdb.DuckDBPyConnection) -> None:
    assert one(cur, "SELECT count(*) FROM action_item WHERE status = 'done' AND completed_on IS NOT NULL") > 50
    assert one(cur, "SELECT count(*) FROM action_item WHERE status = 'open' AND due_date >= ?", [TODAY]) > 0
    overdue = one(cur, "SELECT count(*) FROM action_item WHERE status = 'open' AND due_date < ?", [TODAY])
    assert overdue > 0
    owners = one(
        cur, "SELECT count(*) FROM action_item a LEFT JOIN app_user u ON u.user_id = a.owner_user_id WHERE u.user_id IS NULL"
    )
    assert owners == 0
    delivered = dict(q(cur, "SELECT delivered, count(*) FROM delivery GROUP BY 1"))
    share_not = delivered[False] / (delivered[True] + delivered[False])
    assert 0.08 <= share_not <= 0.25
    assert one(cur, "SELECT count(DISTINCT reason_not) FROM delivery WHERE NOT delivered") >= 3
    fu = dict(q(cur, "SELECT status, count(*) FROM follow_up GROUP BY 1"))
    assert {"due", "done", "missed"} <= set(fu)
    assert one(cur, "SELECT count(*) FROM follow_up WHERE status = 'due' AND due_date < ?", [TODAY]) > 0
    # Clinical reviews every 3 months in the first year.
    gaps = q(
        cur,
        """
        SELECT DISTINCT f.due_date - d.decided_on FROM follow_up f
        JOIN decision d USING (decision_id) WHERE f.kind = 'clinical_review'""",
    )
    assert {g for (g,) in gaps} <= {91, 182, 273, 364}


def test_specialty_opinions_for_a_good_share_of_past_items(
    cur: duckdb.DuckDBPyConnection,
) -> None:
    share = one(
        cur,
        """
        SELECT avg((EXISTS (SELECT 1 FROM specialty_opinion o WHERE o.item_id = a.item_id))::INT)
        FROM agenda_item a WHERE a.status = 'discussed'""",
    )
    assert share >= 0.4


# ---------------------------------------------------------------------------------------------
# Determinism and ids


def _dump(cur: duckdb.DuckDBPyConnection, table: str, key: str) -> list[tuple]:
    return q(cur, f"SELECT * FROM {table} ORDER BY {key}")


def test_same_seed_and_today_give_the_same_store(stores: Stores) -> None:
    dumps = []
    for _ in range(2):
        c = connect(stores.migrated())
        load_demo(c, today=TODAY, seed=7)
        dumps.append(
            [
                _dump(c, "patient", "patient_id"),
                _dump(c, "mdt_case", "case_id"),
                _dump(c, "lesion", "lesion_id"),
                _dump(c, "lab_result", "lab_id"),
                _dump(c, "decision", "decision_id"),
                _dump(c, "plan_item", "plan_item_id"),
            ]
        )
        c.close()
    assert dumps[0] == dumps[1]
    other = connect(stores.migrated())
    load_demo(other, today=TODAY, seed=8)
    assert _dump(other, "lesion", "lesion_id") != dumps[0][2]
    other.close()


def test_dates_move_with_today(stores: Stores) -> None:
    c = connect(stores.migrated())
    later = TODAY + timedelta(days=100)
    load_demo(c, today=later)
    assert one(c, "SELECT max(meeting_date) FILTER (WHERE status = 'closed') FROM meeting") < later
    assert one(c, "SELECT max(referral_date) FROM mdt_case") <= later
    assert one(c, "SELECT min(referral_date) FROM mdt_case WHERE lecture_case IS NULL") > (later - timedelta(weeks=16))
    c.close()


def test_sequences_are_past_the_assigned_ids(cur: duckdb.DuckDBPyConnection) -> None:
    for table, id_col, seq in TABLES:
        if id_col is None:
            continue
        top = one(cur, f"SELECT coalesce(max({id_col}), 0) FROM {table}")
        assert one(cur, f"SELECT nextval('{seq}')") > top, seq


def test_app_inserts_after_the_load_do_not_collide(stores: Stores) -> None:
    c = connect(stores.migrated())
    load_demo(c, today=TODAY)
    top = one(c, "SELECT max(patient_id) FROM patient")
    new_id = one(
        c,
        "INSERT INTO patient (mrn, mrn_folded, display_name, sex, birth_date)"
        " VALUES ('NEW-1', 'new-1', 'New', 'male', DATE '1950-01-01')"
        " RETURNING patient_id",
    )
    assert new_id == top + 1
    meeting = one(c, "INSERT INTO meeting (meeting_date) VALUES (DATE '2027-01-07') RETURNING meeting_id")
    assert meeting == 17
    c.close()


# ---------------------------------------------------------------------------------------------
# Integrity


ORPHANS = {
    "lesion": "SELECT count(*) FROM lesion x LEFT JOIN patient p USING (patient_id) WHERE p.patient_id IS NULL",
    "lab_result": "SELECT count(*) FROM lab_result x LEFT JOIN patient p USING (patient_id) WHERE p.patient_id IS NULL",
    "imaging_study": "SELECT count(*) FROM imaging_study x LEFT JOIN patient p USING (patient_id) WHERE p.patient_id IS NULL",
    "treatment": "SELECT count(*) FROM treatment x LEFT JOIN patient p USING (patient_id) WHERE p.patient_id IS NULL",
    "clinical_event": "SELECT count(*) FROM clinical_event x LEFT JOIN patient p USING (patient_id) WHERE p.patient_id IS NULL",
    "mdt_case": "SELECT count(*) FROM case_clinical x LEFT JOIN patient p USING (patient_id) WHERE p.patient_id IS NULL",
    "agenda_item": "SELECT count(*) FROM agenda_item x LEFT JOIN mdt_case c USING (case_id) WHERE c.case_id IS NULL",
    "decision": "SELECT count(*) FROM decision x LEFT JOIN mdt_case c USING (case_id) WHERE c.case_id IS NULL",
    "decision_item": "SELECT count(*) FROM decision x LEFT JOIN agenda_item a USING (item_id)"
    " WHERE a.item_id IS NULL OR a.case_id <> x.case_id",
    "plan_item": "SELECT count(*) FROM plan_item x LEFT JOIN decision d USING (decision_id) WHERE d.decision_id IS NULL",
    "imaging_lesion": "SELECT count(*) FROM imaging_lesion x JOIN imaging_study s"
    " USING (study_id) LEFT JOIN lesion l USING (lesion_id)"
    " WHERE l.lesion_id IS NULL OR l.patient_id <> s.patient_id",
    "treatment_lesion": "SELECT count(*) FROM treatment x LEFT JOIN lesion l USING (lesion_id)"
    " WHERE x.lesion_id IS NOT NULL AND (l.lesion_id IS NULL"
    " OR l.patient_id <> x.patient_id)",
    "event_lesion": "SELECT count(*) FROM clinical_event x LEFT JOIN lesion l USING (lesion_id)"
    " WHERE x.lesion_id IS NOT NULL AND (l.lesion_id IS NULL"
    " OR l.patient_id <> x.patient_id)",
    "action_item": "SELECT count(*) FROM action_item x LEFT JOIN decision d USING (decision_id)"
    " LEFT JOIN plan_item p USING (plan_item_id) WHERE d.decision_id IS NULL"
    " OR d.case_id <> x.case_id OR (x.plan_item_id IS NOT NULL"
    " AND p.decision_id IS DISTINCT FROM x.decision_id)",
    "delivery": "SELECT count(*) FROM delivery x LEFT JOIN plan_item p USING (plan_item_id) WHERE p.plan_item_id IS NULL",
    "follow_up": "SELECT count(*) FROM follow_up x LEFT JOIN decision d USING (decision_id)"
    " WHERE d.decision_id IS NULL OR d.case_id <> x.case_id",
    "specialty_opinion": "SELECT count(*) FROM specialty_opinion x LEFT JOIN app_user u"
    " ON u.user_id = x.author_user_id WHERE u.user_id IS NULL",
    "attendance": "SELECT count(*) FROM attendance x LEFT JOIN app_user u USING (user_id) WHERE u.user_id IS NULL",
}


@pytest.mark.parametrize("name", sorted(ORPHANS))
def test_no_orphans(cur: duckdb.DuckDBPyConnection, name: str) -> None:
    assert one(cur, ORPHANS[name]) == 0


def test_every_patient_has_a_case_lesions_imaging_labs_and_a_diagnosis(
    cur: duckdb.DuckDBPyConnection,
) -> None:
    for table in ("mdt_case", "lesion", "imaging_study", "lab_result"):
        missing = one(
            cur, f"SELECT count(*) FROM patient p WHERE NOT EXISTS (SELECT 1 FROM {table} x WHERE x.patient_id = p.patient_id)"
        )
        assert missing == 0, table
    assert (
        one(
            cur,
            "SELECT count(*) FROM patient p WHERE NOT EXISTS (SELECT 1 FROM"
            " clinical_event e WHERE e.patient_id = p.patient_id"
            " AND e.kind = 'diagnosis')",
        )
        == 0
    )
    per_patient = q(cur, "SELECT count(*) FROM lesion GROUP BY patient_id")
    assert all(1 <= n <= 7 for (n,) in per_patient)
    studies = q(cur, "SELECT count(*) FROM imaging_study GROUP BY patient_id")
    assert max(n for (n,) in studies) <= 5
    # Every lesion is shown by at least one study.
    assert (
        one(
            cur, "SELECT count(*) FROM lesion l WHERE NOT EXISTS (SELECT 1 FROM imaging_lesion i WHERE i.lesion_id = l.lesion_id)"
        )
        == 0
    )


MODELS = {
    "patient": Patient,
    "mdt_case": Case,
    "lesion": Lesion,
    "imaging_study": ImagingStudy,
    "lab_result": LabResult,
    "treatment": Treatment,
    "clinical_event": ClinicalEvent,
    "meeting": Meeting,
    "agenda_item": AgendaItem,
    "attendance": Attendance,
    "specialty_opinion": SpecialtyOpinion,
    "action_item": ActionItem,
    "delivery": Delivery,
    "follow_up": FollowUp,
}


@pytest.mark.parametrize("table", sorted(MODELS))
def test_every_row_satisfies_the_domain_model(cur: duckdb.DuckDBPyConnection, table: str) -> None:
    model = MODELS[table]
    for row in rows(cur, f"SELECT * FROM {table}"):
        data = {k: tuple(v) if isinstance(v, list) else v for k, v in row.items() if k in model.model_fields}
        model.model_validate(data, context={"today": TODAY})


def test_no_event_dates_in_the_future(cur: duckdb.DuckDBPyConnection) -> None:
    checks = {
        "mdt_case": ("referral_date", "diagnosis_date"),
        "lesion": ("detected_date", "prior_rt_date"),
        "imaging_study": ("study_date",),
        "lab_result": ("taken_on",),
        "treatment": ("start_date", "end_date"),
        "clinical_event": ("event_date",),
        "decision": ("decided_on",),
        "delivery": ("delivered_on",),
        "action_item": ("completed_on",),
        "follow_up": ("done_on",),
    }
    for table, cols in checks.items():
        for col in cols:
            assert one(cur, f"SELECT count(*) FROM {table} WHERE {col} > ?", [TODAY]) == 0, col
    assert one(cur, "SELECT count(*) FROM decision d JOIN mdt_case c USING (case_id) WHERE d.decided_on < c.referral_date") == 0
    assert (
        one(
            cur,
            "SELECT count(*) FROM patient p JOIN clinical_event e USING (patient_id)"
            " JOIN clinical_event x ON x.patient_id = p.patient_id AND x.kind = 'death'"
            " WHERE e.event_date > x.event_date",
        )
        == 0
    )


def test_lesion_site_rules(cur: duckdb.DuckDBPyConnection) -> None:
    assert one(cur, "SELECT count(*) FROM lesion WHERE bone = 'spine' AND level IS NULL") == 0
    assert one(cur, "SELECT count(*) FROM lesion WHERE level IS NOT NULL AND bone NOT IN ('spine', 'sacrum')") == 0
    assert (
        one(
            cur,
            "SELECT count(*) FROM lesion WHERE bone NOT IN ('spine', 'sacrum') AND"
            " coalesce(spinal_pain, alignment, collapse, posterolateral, bilsky)"
            " IS NOT NULL",
        )
        == 0
    )
    assert (
        one(
            cur,
            "SELECT count(*) FROM lesion WHERE bone NOT IN ('femur', 'humerus',"
            " 'tibia', 'fibula', 'radius', 'ulna') AND coalesce(size_fraction,"
            " limb_pain) IS NOT NULL",
        )
        == 0
    )
    assert (
        one(
            cur,
            "SELECT count(*) FROM lesion WHERE bone IN ('pelvis', 'femur', 'humerus',"
            " 'tibia', 'fibula', 'radius', 'ulna', 'rib', 'scapula', 'clavicle')"
            " AND side IS DISTINCT FROM 'left' AND side IS DISTINCT FROM 'right'",
        )
        == 0
    )


def test_case_status_follows_the_meeting_history(cur: duckdb.DuckDBPyConnection) -> None:
    cases = rows(
        cur,
        """
        SELECT c.case_id, c.status, c.referral_date, c.lecture_case,
               list(a.status ORDER BY m.meeting_date) AS statuses,
               list(m.meeting_date ORDER BY m.meeting_date) AS dates
        FROM case_clinical c LEFT JOIN agenda_item a USING (case_id)
        LEFT JOIN meeting m USING (meeting_id) GROUP BY c.case_id, c.status, c.referral_date, c.lecture_case""",
    )
    for c in cases:
        statuses = [s for s in c["statuses"] if s is not None]
        dates = [d for d in c["dates"] if d is not None]
        if not statuses:
            assert c["status"] in ("referred", "ready")
            continue
        assert all(d >= c["referral_date"] for d in dates)
        if dates[-1] >= TODAY:
            assert statuses[-1] == "listed"
            assert c["status"] == "listed"
        else:
            assert statuses[-1] in ("discussed", "ratified")
            assert c["status"] in ("discussed", "closed")
        if c["lecture_case"] in (1, 2):
            # Discussed, then listed again for review at the next planned meeting.
            assert statuses == ["discussed", "listed"]
            continue
        for prev, nxt, d0, d1 in zip(statuses, statuses[1:], dates, dates[1:], strict=False):
            # Deferred / not discussed / no decision: re-listed at the very next meeting.
            assert prev in ("deferred", "not_discussed", "discussed")
            assert d1 - d0 == timedelta(days=7)
            assert nxt in ("discussed", "listed", "ratified")


def test_agenda_order_follows_urgency(cur: duckdb.DuckDBPyConnection) -> None:
    rank = {"emergency": 0, "urgent": 1, "routine": 2}
    for (mid,) in q(cur, "SELECT meeting_id FROM meeting"):
        items = q(cur, "SELECT position, urgency FROM agenda_item WHERE meeting_id = ? ORDER BY position", [mid])
        assert [p for p, _ in items] == list(range(len(items)))
        ranks = [rank[u] for _, u in items]
        assert ranks == sorted(ranks)
    past = rows(
        cur,
        "SELECT a.status, a.discussion_seconds FROM agenda_item a JOIN meeting m USING (meeting_id) WHERE m.status = 'closed'",
    )
    assert all(r["status"] != "listed" for r in past)
    discussed = [r["discussion_seconds"] for r in past if r["status"] == "discussed"]
    assert min(discussed) >= 60
    assert max(discussed) <= 400
    upcoming = q(cur, "SELECT DISTINCT a.status FROM agenda_item a JOIN meeting m USING (meeting_id) WHERE m.status = 'planned'")
    assert upcoming == [("listed",)]


def test_standard_of_care_cases_have_no_red_flag_urgency(cur: duckdb.DuckDBPyConnection) -> None:
    share = one(cur, "SELECT avg((stream = 'standard_of_care')::INT) FROM case_clinical")
    assert 0.1 <= share <= 0.3
    assert one(cur, "SELECT count(*) FROM case_clinical WHERE stream = 'standard_of_care' AND priority <> 'routine'") == 0


# ---------------------------------------------------------------------------------------------
# Signatures and audit


def _decision_model(cur: duckdb.DuckDBPyConnection, row: dict[str, Any]) -> Decision:
    plan = [
        PlanItem.model_validate(p)
        for p in rows(
            cur,
            "SELECT plan_item_id, decision_id, position, rule_id, kind, text,"
            " disposition, reason FROM plan_item WHERE decision_id = ?"
            " ORDER BY position",
            [row["decision_id"]],
        )
    ]
    data = {k: v for k, v in row.items() if k in Decision.model_fields}
    data["contributing"] = tuple(row["contributing"])
    data["noms"] = json.loads(row["noms_json"])
    data["plan"] = tuple(plan)
    return Decision.model_validate(data, context={"today": TODAY})


def test_signed_decisions_hash_to_their_content(cur: duckdb.DuckDBPyConnection) -> None:
    signed = rows(cur, "SELECT * FROM decision WHERE status = 'signed'")
    assert len(signed) > 50
    chair = one(cur, "SELECT user_id FROM app_user WHERE username = 'chair'")
    for row in signed:
        assert row["signed_by"] == chair
        assert row["signature_meaning"] == SIGNATURE_MEANING
        assert row["signed_at"].date() >= row["decided_on"]
        assert row["content_hash"] == content_hash(_decision_model(cur, row))


def test_one_audit_row_for_the_load(cur: duckdb.DuckDBPyConnection, summary: DemoSummary) -> None:
    entries = rows(cur, "SELECT * FROM audit_log WHERE entity = 'demo_dataset'")
    assert len(entries) == 1
    assert entries[0]["action"] == "create"
    assert entries[0]["actor"] == "system"
    assert json.loads(entries[0]["after_json"]) == summary.as_dict()
    assert audit.verify_chain(cur).ok


def test_a_second_load_is_refused_and_changes_nothing(
    cur: duckdb.DuckDBPyConnection,
    summary: DemoSummary,
) -> None:
    before = audit.count(cur)
    with pytest.raises(RuntimeError, match="already holds"):
        load_demo(cur, today=TODAY)
    assert audit.count(cur) == before
    assert one(cur, "SELECT count(*) FROM patient") == summary.patient


def test_an_unmigrated_store_is_refused(stores: Stores) -> None:
    c = connect(stores.blank())
    with pytest.raises(RuntimeError, match="not migrated"):
        load_demo(c, today=TODAY)
    c.close()
