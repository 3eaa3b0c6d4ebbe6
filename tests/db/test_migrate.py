"""Migrations on a fresh store, re-run idempotently, and a failing migration that rolls back."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from db.connection import connect
from db.migrate import Migration, MigrationError, applied_versions, discover, migrate
from tests.conftest import Stores

TABLES = {
    "app_user",
    "patient",
    "mdt_case",
    "lesion",
    "imaging_study",
    "imaging_lesion",
    "lab_result",
    "treatment",
    "clinical_event",
    "score_snapshot",
    "meeting",
    "agenda_item",
    "attendance",
    "specialty_opinion",
    "decision",
    "plan_item",
    "action_item",
    "delivery",
    "follow_up",
    "policy",
    "submission",
    "audit_log",
    "schema_version",
}


TABLE_NAMES = "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"


def test_fresh_store_gets_every_table(stores: Stores) -> None:
    con = connect(stores.blank())
    applied = migrate(con)
    assert applied == [m.version for m in discover()]
    names = {r[0] for r in con.execute(TABLE_NAMES).fetchall()}
    assert names >= TABLES
    con.close()


def test_rerun_is_idempotent(stores: Stores) -> None:
    store = stores.blank()
    con = connect(store)
    migrate(con)
    assert migrate(con) == []
    con.close()
    con = connect(store)
    assert migrate(con) == []
    assert applied_versions(con) == [m.version for m in discover()]
    con.close()


def test_failing_migration_rolls_back_whole(stores: Stores) -> None:
    con = connect(stores.blank())
    migrate(con)
    broken = Migration(
        999,
        "break_things",
        "CREATE TABLE half_done (x INTEGER); INSERT INTO policy VALUES ('k','v','d'); SELECT no_such_column FROM patient;",
    )
    with pytest.raises(MigrationError, match="rolled back"):
        migrate(con, [*discover(), broken])
    assert 999 not in applied_versions(con)
    assert "half_done" not in {r[0] for r in con.execute(TABLE_NAMES).fetchall()}
    assert con.execute("SELECT count(*) FROM policy WHERE key = 'k'").fetchone() == (0,)
    con.close()


def test_migration_names_are_numbered(tmp_path: Path) -> None:
    (tmp_path / "1_bad.sql").write_text("SELECT 1")
    with pytest.raises(MigrationError):
        discover(tmp_path)


@pytest.mark.parametrize(
    ("sql", "params"),
    [
        pytest.param(
            "INSERT INTO lesion (patient_id, bone, level, lesion_type) VALUES (1, 'spine', 'T13', 'lytic')", [], id="level-T13"
        ),
        pytest.param("INSERT INTO lesion (patient_id, bone, lesion_type) VALUES (1, 'spine', 'lytic')", [], id="spine-no-level"),
        pytest.param(
            "INSERT INTO lab_result (patient_id, analyte, value, unit, taken_on) VALUES (1, 'calcium', 12, 'mmol/L', DATE '2026-01-01')",
            [],
            id="calcium-range",
        ),
        pytest.param(
            "INSERT INTO assessment (case_id, field, value, observed_on, recorded_at, recorded_by, supersedes)"
            " VALUES (1, 'kps', '70', DATE '2026-01-01', TIMESTAMP '2026-01-01 08:00:00', 'x', 5)",
            [],
            id="correction-without-reason",
        ),
        pytest.param(
            "INSERT INTO mdt_case (patient_id, referral_date, referrer, referrer_specialty, question, primary_tumour, castration) VALUES (1, DATE '2026-01-01', 'r', 'x', 'q', 'breast', 'resistant')",
            [],
            id="castration-breast",
        ),
        pytest.param(
            "INSERT INTO decision (case_id, version, outcome, decided_on) VALUES (1, 2, 'decided', DATE '2026-01-01')",
            [],
            id="amend-without-reason",
        ),
        pytest.param(
            "INSERT INTO plan_item (decision_id, position, kind, text, disposition) VALUES (1, 0, 'other', 'x', 'rejected')",
            [],
            id="rejected-without-reason",
        ),
    ],
)
def test_store_repeats_the_model_rules(cur: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> None:
    with pytest.raises(duckdb.ConstraintException):
        cur.execute(sql, params)


def test_mrn_unique_case_folded(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(
        "INSERT INTO patient (mrn, mrn_folded, display_name, sex, birth_date) VALUES ('AB-123', 'ab-123', 'x', 'male', DATE '1960-01-01')"
    )
    with pytest.raises(duckdb.ConstraintException):
        cur.execute(
            "INSERT INTO patient (mrn, mrn_folded, display_name, sex, birth_date) VALUES ('ab-123', 'ab-123', 'y', 'male', DATE '1960-01-01')"
        )
    with pytest.raises(duckdb.ConstraintException):
        cur.execute(
            "INSERT INTO patient (mrn, mrn_folded, display_name, sex, birth_date) VALUES ('CD-1', 'XX', 'y', 'male', DATE '1960-01-01')"
        )
