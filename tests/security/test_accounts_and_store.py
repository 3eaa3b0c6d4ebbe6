"""Findings 6, 9, 10, 12 (throttle, unlock) and the low findings on accounts, the store and the CLI
(on the store engine of the run: tests/conftest.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from core.errors import AuthenticationError, FieldError, PermissionDeniedError
from core.models import SYSTEM_ACTOR, AppUser, Case, Patient, Role
from core.passwords import password_problem
from db import audit, cases, decision_signing, users
from db.cli import main
from db.connection import connect
from db.store import SettingsError, demo_enabled, open_store
from tests.conftest import BACKEND, Stores, actor

PATIENT = Patient(mrn="SEC-0001", display_name="Security Test", sex="female", birth_date=date(1960, 1, 1))
CASE = Case(
    patient_id=0,
    referral_date=date(2026, 11, 2),
    referrer="Dr R",
    referrer_specialty="medical_oncology",
    question="Surgery?",
    primary_tumour="breast",
)


def _user(cur: duckdb.DuckDBPyConnection, name: str) -> int:
    return int(cur.execute("SELECT user_id FROM app_user WHERE username = ?", [name]).fetchone()[0])  # type: ignore[index]


# --- finding 6: writes after deactivation or a role change ------------------------------------


def test_stale_actor_cannot_write_after_deactivation(cur: duckdb.DuckDBPyConnection) -> None:
    users.ensure_demo_users(cur)
    coordinator = users.actor_by_username(cur, "coordinator")  # what an old page run holds
    users.set_role(cur, SYSTEM_ACTOR, coordinator.user_id, Role.COORDINATOR, active=False)
    with pytest.raises(PermissionDeniedError, match="deactivated"):
        cases.refer(cur, coordinator, PATIENT, CASE)
    assert cur.execute("SELECT count(*) FROM patient").fetchone() == (0,)
    assert cur.execute("SELECT reason FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone() == ("account deactivated",)


def test_stale_actor_cannot_use_a_removed_role(cur: duckdb.DuckDBPyConnection) -> None:
    users.ensure_demo_users(cur)
    chair = users.actor_by_username(cur, "chair")
    users.set_role(cur, SYSTEM_ACTOR, chair.user_id, Role.ANALYST, active=True)
    with pytest.raises(PermissionDeniedError):
        cases.refer(cur, chair, PATIENT, CASE)


# --- finding 9: signing password re-entry --------------------------------------------------------


def test_thirty_signing_attempts_hit_the_lockout(demo_cur: duckdb.DuckDBPyConnection) -> None:
    chair = users.actor_by_username(demo_cur, "chair")
    draft_id = int(demo_cur.execute("SELECT min(decision_id) FROM decision WHERE status = 'draft'").fetchone()[0])  # type: ignore[index]
    version = int(demo_cur.execute("SELECT row_version FROM decision WHERE decision_id = ?", [draft_id]).fetchone()[0])  # type: ignore[index]
    outcomes = []
    for _ in range(30):
        try:
            decision_signing.sign(demo_cur, chair, draft_id, password="wrong-password", expected_version=version)
        except FieldError:
            outcomes.append("wrong")
        except users.SigningLockedError:
            outcomes.append("locked")
    assert outcomes[:5] == ["wrong"] * 5 and set(outcomes[5:]) == {"locked"}
    # Locked means locked: even the right password does not sign, and sign-in is locked too.
    with pytest.raises(users.SigningLockedError):
        decision_signing.sign(demo_cur, chair, draft_id, password=users.DEMO_PASSWORD, expected_version=version)
    with pytest.raises(AuthenticationError):
        users.authenticate(demo_cur, "chair", users.DEMO_PASSWORD, allow_demo=True, client="other")
    assert demo_cur.execute("SELECT status FROM decision WHERE decision_id = ?", [draft_id]).fetchone() == ("draft",)


# --- finding 12: per-client throttling and the admin unlock ----------------------------------------


def test_one_client_is_throttled_and_the_admin_unlocks(cur: duckdb.DuckDBPyConnection) -> None:
    users.ensure_demo_users(cur)
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            users.authenticate(cur, "chair", "wrong", allow_demo=True, client="attacker")
    for name in ("member", "coordinator", "analyst", "admin", "nobody"):
        with pytest.raises(AuthenticationError):
            users.authenticate(cur, name, "wrong", allow_demo=True, client="attacker")
    # The 11th try from that client is refused without looking at the account.
    with pytest.raises(users.ThrottledError):
        users.authenticate(cur, "member", users.DEMO_PASSWORD, allow_demo=True, client="attacker")
    # Another client signs in; the chair (locked by the attacker) is unlocked by an admin.
    assert users.authenticate(cur, "member", users.DEMO_PASSWORD, allow_demo=True, client="ward").username == "member"
    with pytest.raises(AuthenticationError):
        users.authenticate(cur, "chair", users.DEMO_PASSWORD, allow_demo=True, client="ward")
    admin = users.actor_by_username(cur, "admin")
    users.unlock(cur, admin, _user(cur, "chair"))
    assert users.authenticate(cur, "chair", users.DEMO_PASSWORD, allow_demo=True, client="ward").username == "chair"
    with pytest.raises(PermissionDeniedError):
        users.unlock(cur, users.actor_by_username(cur, "member"), _user(cur, "chair"))


def test_unauthenticated_attempts_cannot_flood_the_audit_log(cur: duckdb.DuckDBPyConnection) -> None:
    before = audit.count(cur)
    for i in range(200):
        with pytest.raises(AuthenticationError):
            users.authenticate(cur, f"guess{i}", "x", allow_demo=True, client="bot")
    rows = cur.execute("SELECT action, actor FROM audit_log WHERE seq > ? ORDER BY seq", [before]).fetchall()
    assert rows == [("login_failed", users.UNKNOWN_USER), ("login_throttled", users.UNKNOWN_USER)]


# --- password rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "weak", [" " * 10, "aaaaaaaaaa", "password123", "Password2024!", "1234567890", "abcabcabcabc", "qwertyuiop"]
)
def test_weak_passwords_are_refused(cur: duckdb.DuckDBPyConnection, weak: str) -> None:
    assert password_problem(weak) is not None
    user = AppUser(username="newuser", display_name="New User", role=Role.MEMBER)
    with pytest.raises(FieldError):
        users.create_user(cur, SYSTEM_ACTOR, user, weak)


def test_a_decent_password_is_accepted() -> None:
    assert password_problem("violet-kettle-harbour-7", "newuser") is None
    assert password_problem("newuser-kettle-9", "newuser") is not None


# --- update_case, score snapshots ----------------------------------------------------------------


def test_update_case_cannot_move_a_case_to_another_patient(cur: duckdb.DuckDBPyConnection) -> None:
    coordinator = actor(Role.COORDINATOR)
    case_id = cases.refer(cur, coordinator, PATIENT, CASE)
    other = cases.refer(cur, coordinator, PATIENT.model_copy(update={"mrn": "SEC-0002"}), CASE)
    other_patient = cases.get_case(cur, other).patient_id
    case = cases.get_case(cur, case_id)
    with pytest.raises(FieldError):
        cases.update_case(cur, coordinator, case, {"patient_id": other_patient})
    assert cases.get_case(cur, case_id).patient_id == case.patient_id


def test_score_snapshots_write_an_audit_row(demo_cur: duckdb.DuckDBPyConnection) -> None:
    from db.board import load_board
    from db.scores import record_snapshots

    case_id = int(demo_cur.execute("SELECT min(case_id) FROM mdt_case").fetchone()[0])  # type: ignore[index]
    board = load_board(demo_cur, case_id)
    demo_cur.execute("DELETE FROM score_snapshot WHERE case_id = ?", [case_id])
    before = audit.count(demo_cur)
    written = record_snapshots(demo_cur, case_id, board.scores)
    assert written > 0
    assert demo_cur.execute("SELECT action, entity FROM audit_log WHERE seq > ?", [before]).fetchall() == [
        ("create", "score_snapshot")
    ]


# --- finding 10: demo mode fails closed -------------------------------------------------------------


@pytest.mark.parametrize(("value", "demo"), [(None, False), ("0", False), ("1", True)])
def test_demo_mode_only_when_asked_for(monkeypatch: pytest.MonkeyPatch, value: str | None, demo: bool) -> None:
    if value is None:
        monkeypatch.delenv("BONEMDT_DEMO", raising=False)
    else:
        monkeypatch.setenv("BONEMDT_DEMO", value)
    assert demo_enabled() is demo


@pytest.mark.parametrize("value", ["disabled", "true", "yes", "off"])
def test_unknown_demo_values_are_an_error(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("BONEMDT_DEMO", value)
    with pytest.raises(SettingsError):
        demo_enabled()


def test_unknown_language_and_short_secret_are_errors(monkeypatch: pytest.MonkeyPatch, stores: Stores) -> None:
    from db.keys import SecretError

    target = stores.blank()
    monkeypatch.setenv("BONEMDT_LANG", "fr")
    with pytest.raises(SettingsError):
        open_store(target)
    monkeypatch.setenv("BONEMDT_LANG", "en")
    monkeypatch.setenv("BONEMDT_SECRET", "short")
    with pytest.raises(SecretError):
        open_store(target)


def test_demo_mode_is_refused_on_a_store_with_real_patients(stores: Stores) -> None:
    target = stores.migrated()
    con = connect(target)
    cases.refer(con, actor(Role.COORDINATOR), PATIENT, CASE)  # a real (non-synthetic) patient
    con.close()
    with pytest.raises(SettingsError, match="not synthetic"):
        open_store(target, demo=True)
    store = open_store(target, demo=False)
    try:
        assert store.conn.execute("SELECT count(*) FROM app_user WHERE demo").fetchone() == (0,)
    finally:
        store.conn.close()


# --- CLI --------------------------------------------------------------------------------------------


def test_failed_backup_leaves_no_directory_and_no_audit_row(
    stores: Stores, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target_store = stores.demo()
    con = connect(target_store)
    before = audit.count(con)
    con.close()
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    target = blocked / "backup"
    assert main(["backup", str(target), "--db", target_store]) == 1
    assert "Traceback" not in capsys.readouterr().err
    assert not target.exists() and not list(tmp_path.glob(".*.partial"))
    con = connect(target_store)
    assert audit.count(con) == before
    con.close()


def _unusable_store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """DuckDB: a file that is not a database; PostgreSQL: a database the server does not have."""
    if BACKEND == "postgresql":
        return str(request.getfixturevalue("pg_cluster").url("no_such_database"))
    store = tmp_path / "s.duckdb"
    store.write_text("not a database")
    return str(store)


def test_cli_reports_unexpected_failures_in_one_line(
    request: pytest.FixtureRequest, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["users", "list", "--db", _unusable_store(request, tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == 1
