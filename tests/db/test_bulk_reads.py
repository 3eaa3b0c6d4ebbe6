"""Set-based reads and writes the import relies on: many patients' facts in one query per table
equal each patient's own load; a bulk insert built column by column keeps every cell."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb

from core.models import Actor, ClinicalEvent, Sex
from db import clinical
from db.clinical import load_facts, load_facts_of
from db.rows import bulk_insert


def test_facts_of_many_patients_equal_each_patients_own(demo_cur: duckdb.DuckDBPyConnection, coordinator: Actor) -> None:
    # One corrected and one retracted version: only the facts in force are read.
    event_ids = [r[0] for r in demo_cur.execute("SELECT event_id FROM clinical_event ORDER BY event_id LIMIT 2").fetchall()]
    first, second = (clinical.get(demo_cur, "clinical_event", e) for e in event_ids)
    assert isinstance(first, ClinicalEvent) and isinstance(second, ClinicalEvent)
    corrected = first.model_copy(update={"description": first.description + " (corrected)"})
    clinical.correct(demo_cur, coordinator, corrected, expected_version=first.row_version, reason="wording")
    clinical.retract(
        demo_cur, coordinator, "clinical_event", event_ids[1], expected_version=second.row_version, reason="wrong patient"
    )
    pids = [int(r[0]) for r in demo_cur.execute("SELECT patient_id FROM patient ORDER BY patient_id").fetchall()]
    stale = demo_cur.execute("SELECT count(*) FROM clinical_event WHERE superseded_by IS NOT NULL OR retracted").fetchall()[0][0]
    assert stale == 2
    many = load_facts_of(demo_cur, [*pids, pids[0]])
    assert sorted(many) == pids
    for pid in pids:
        assert many[pid] == load_facts(demo_cur, pid), pid
    in_force = sum(len(f["events"]) for f in many.values())
    assert in_force + stale == demo_cur.execute("SELECT count(*) FROM clinical_event").fetchall()[0][0]
    assert load_facts_of(demo_cur, []) == {}
    assert load_facts_of(demo_cur, [10**9]) == {10**9: dict.fromkeys(many[pids[0]], ())}


def test_bulk_insert_keeps_every_cell(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(
        "CREATE TABLE t (id BIGINT, kind VARCHAR, dose DECIMAL(6,2), ids BIGINT[], flag BOOLEAN, day DATE, note VARCHAR DEFAULT 'd')"
    )
    rows = [
        {"id": 1, "kind": Sex.MALE, "dose": Decimal("2.345"), "ids": (3, 4), "flag": None, "day": date(2026, 1, 2)},
        {"id": 2, "kind": "x", "ids": (), "flag": True},  # no dose, no day: NULL
    ]
    assert bulk_insert(cur, "t", rows) == 2
    assert bulk_insert(cur, "t", []) == 0
    got = cur.execute("SELECT id, kind, dose, ids, flag, day, note FROM t ORDER BY id").fetchall()
    assert got == [
        (1, "male", Decimal("2.35"), [3, 4], None, date(2026, 1, 2), "d"),
        (2, "x", None, [], True, None, "d"),
    ]
