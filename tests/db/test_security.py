"""Trust: permission matrix in the write functions, one audit row per write, bad input, lockout,
and crash safety under kill -9."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from pydantic import ValidationError

from core.errors import AuthenticationError, FieldError, PermissionDeniedError
from core.models import (
    ActionItem,
    Actor,
    Case,
    Decision,
    Delivery,
    LabResult,
    Lesion,
    Patient,
    PlanItem,
    Priority,
    Role,
    Specialty,
)
from core.permissions import Capability, allowed
from db import actions, agenda, assessments, audit, cases, clinical, decision_signing, decisions, users
from db.connection import connect
from db.migrate import migrate
from tests.conftest import Stores, duckdb_only

ROOT = Path(__file__).resolve().parents[2]
TODAY = date.today()
PATIENT = Patient(mrn="SEC-0001", display_name="Security Patient", sex="male", birth_date=date(1955, 5, 5))
CASE = Case(
    patient_id=0,
    referral_date=TODAY - timedelta(days=3),
    referrer="Dr R",
    referrer_specialty="radiotherapy",
    question="Radiotherapy dose?",
    primary_tumour="prostate",
)


@pytest.fixture(scope="module")
def world_stores(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    made = Stores(request, tmp_path_factory.mktemp("world"))
    yield made
    made.close()


@pytest.fixture(scope="module")
def world_template(world_stores: Stores) -> tuple[str, dict[str, object]]:
    """Built once: demo users, one case with a lesion, a meeting with the case listed, a signed
    decision, and a second case without a decision. Each test works on a copy (either backend)."""
    path = world_stores.empty()
    con = connect(path)
    c = con.cursor()
    people = {u.username: users.actor_by_username(c, u.username) for u in users.DEMO_USERS}
    case_id = cases.refer(c, people["coordinator"], PATIENT, CASE)
    case2 = cases.refer(c, people["coordinator"], PATIENT.model_copy(update={"mrn": "SEC-0002"}), CASE)
    case3 = cases.refer(c, people["coordinator"], PATIENT.model_copy(update={"mrn": "SEC-0003"}), CASE)
    draft2 = decisions.save_draft(c, people["chair"], Decision(case_id=case2, decided_on=TODAY, emergency=True))
    pid = cases.get_case(c, case_id).patient_id
    clinical.add(c, people["member"], Lesion(patient_id=pid, bone="spine", level="T9", lesion_type="lytic"))
    meeting = agenda.create_meetings(c, people["coordinator"], first=TODAY, count=2)[0]
    item = agenda.list_case(c, people["coordinator"], case_id, meeting, urgency=Priority.ROUTINE, has_red_flag=False, ready=True)
    d = decisions.save_draft(
        c,
        people["chair"],
        Decision(
            case_id=case_id,
            item_id=item,
            decided_on=TODAY,
            plan=(PlanItem(kind="radiotherapy", text="8 Gy x 1", rule_id="RT-PAIN-SHORT", disposition="accepted"),),
            quorum_state="provisional",  # nobody recorded present
        ),
    )
    agenda.start_meeting(c, people["chair"], meeting, reason="Test world: no attendance recorded", today=TODAY)
    signed = decision_signing.sign(
        c, people["chair"], d.decision_id, password=users.DEMO_PASSWORD, expected_version=d.row_version
    )
    c.close()
    con.close()
    return path, {
        "people": people,
        "case_id": case_id,
        "case2": case2,
        "case3": case3,
        "draft2": draft2,
        "patient_id": pid,
        "meeting": meeting,
        "item": item,
        "signed": signed,
    }


@pytest.fixture
def world(world_template: tuple[str, dict[str, object]], stores: Stores) -> dict[str, object]:
    return {**world_template[1], "path": stores.copy(world_template[0])}


@pytest.fixture
def wcur(world: dict[str, object]) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(str(world["path"]))
    yield con.cursor()
    con.close()


def _role_actor(world: dict[str, object], role: Role) -> Actor:
    people: dict[str, Actor] = world["people"]  # type: ignore[assignment]
    return next(a for a in people.values() if a.role == role)


WriteCall = Callable[[duckdb.DuckDBPyConnection, Actor, dict[str, object]], object]


def _refer(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    return cases.refer(c, a, PATIENT.model_copy(update={"mrn": f"SEC-{a.role.value[:4]}"}), CASE)


def _edit_clinical(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    return cases.update_case(c, a, cases.get_case(c, w["case_id"]), {"comorbidities": "Diabetes"})  # type: ignore[arg-type]


def _record_assessment(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    return assessments.add(c, a, w["case_id"], "nrs", 5, TODAY)  # type: ignore[arg-type]


def _edit_demographics(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    return cases.update_case(c, a, cases.get_case(c, w["case_id"]), {"question": "Changed question"})  # type: ignore[arg-type]


def _add_lesion(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    return clinical.add(c, a, Lesion(patient_id=w["patient_id"], bone="rib", side="right", lesion_type="blastic"))  # type: ignore[arg-type]


def _build_agenda(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    return agenda.create_meetings(c, a, first=TODAY + timedelta(days=100), count=1)


def _opinion(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    return agenda.add_opinion(c, a, w["item"], a.specialty or Specialty.RADIOTHERAPY, "20 Gy in 5 preferred")  # type: ignore[arg-type]


def _draft(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    return decisions.save_draft(c, a, Decision(case_id=w["case3"], decided_on=TODAY, emergency=True))  # type: ignore[arg-type]


def _sign(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    d = w["draft2"]
    return decision_signing.sign(c, a, d.decision_id, password=users.DEMO_PASSWORD, expected_version=d.row_version)  # type: ignore[attr-defined]


def _amend(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    return decisions.amend(c, a, w["signed"].decision_id, reason="new imaging")  # type: ignore[attr-defined]


def _action(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    return actions.add_action(
        c,
        a,
        ActionItem(
            case_id=w["case_id"],
            description="Book RT",
            specialty="radiotherapy",  # type: ignore[arg-type]
            due_date=TODAY + timedelta(days=7),
        ),
    )


def _delivery(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    return actions.record_delivery(
        c,
        a,
        Delivery(
            plan_item_id=w["signed"].plan[0].plan_item_id,
            delivered=True,  # type: ignore[attr-defined]
            delivered_on=TODAY,
        ),
    )


def _manage_users(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    from core.models import AppUser

    return users.create_user(
        c, a, AppUser(username=f"new-{a.role.value}", display_name="New", role=Role.MEMBER), "long-password-1"
    )


def _backup(c: duckdb.DuckDBPyConnection, a: Actor, w: dict[str, object]) -> object:
    import tempfile

    from db import backup

    return backup.backup(c, a, Path(tempfile.mkdtemp()) / "bk")


MATRIX: dict[str, tuple[Capability, WriteCall]] = {
    "refer": (Capability.CREATE_CASE, _refer),
    "edit_clinical": (Capability.EDIT_CLINICAL, _edit_clinical),
    "edit_demographics": (Capability.EDIT_DEMOGRAPHICS, _edit_demographics),
    "add_lesion": (Capability.RECORD_FACTS, _add_lesion),
    "record_assessment": (Capability.RECORD_FACTS, _record_assessment),
    "build_agenda": (Capability.BUILD_AGENDA, _build_agenda),
    "add_opinion": (Capability.ADD_OPINION, _opinion),
    "draft_decision": (Capability.DRAFT_DECISION, _draft),
    "sign_decision": (Capability.SIGN_DECISION, _sign),
    "amend_decision": (Capability.SIGN_DECISION, _amend),
    "create_action": (Capability.MANAGE_ACTIONS, _action),
    "record_delivery": (Capability.MANAGE_ACTIONS, _delivery),
    "manage_users": (Capability.MANAGE_USERS, _manage_users),
    "backup": (Capability.BACKUP_RESTORE, _backup),
}


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("action", sorted(MATRIX))
def test_permission_matrix(wcur: duckdb.DuckDBPyConnection, world: dict[str, object], role: Role, action: str) -> None:
    cur = wcur
    capability, call = MATRIX[action]
    who = _role_actor(world, role)
    before = audit.count(cur)
    if allowed(role, capability):
        call(cur, who, world)
        assert audit.count(cur) > before
        assert cur.execute("SELECT count(*) FROM audit_log WHERE seq > ? AND outcome = 'denied'", [before]).fetchone() == (0,)
    else:
        tables = {
            t: cur.execute(f'SELECT count(*) FROM "{t}"').fetchone()
            for t in (
                "patient",
                "mdt_case",
                "lesion",
                "meeting",
                "decision",
                "action_item",
                "delivery",
                "app_user",
            )
        }
        with pytest.raises(PermissionDeniedError):
            call(cur, who, world)
        after = {t: cur.execute(f'SELECT count(*) FROM "{t}"').fetchone() for t in tables}
        assert after == tables
        new = cur.execute("SELECT action, outcome, actor FROM audit_log WHERE seq > ?", [before]).fetchall()
        assert new[-1] == ("denied", "denied", who.username)
        assert all(row[1] == "denied" for row in new)


def test_every_write_path_writes_exactly_one_audit_row_with_before_after(
    wcur: duckdb.DuckDBPyConnection, world: dict[str, object]
) -> None:
    cur = wcur
    people: dict[str, Actor] = world["people"]  # type: ignore[assignment]
    case = cases.get_case(cur, world["case_id"])  # type: ignore[arg-type]
    n = audit.count(cur)
    cases.update_case(cur, people["member"], case, {"comorbidities": "Diabetes"})
    rows = cur.execute("SELECT action, entity, before_json, after_json, patient_id FROM audit_log WHERE seq > ?", [n]).fetchall()
    assert rows == [
        ("update", "mdt_case", json.dumps({"comorbidities": ""}), json.dumps({"comorbidities": "Diabetes"}), world["patient_id"])
    ]
    n = audit.count(cur)
    les = clinical.load_facts(cur, world["patient_id"])["lesions"][0]  # type: ignore[arg-type]
    clinical.update_lesion(cur, people["member"], les, {"bilsky": "2"})
    rows = cur.execute("SELECT action, entity, before_json, after_json FROM audit_log WHERE seq > ?", [n]).fetchall()
    assert [(r[0], r[1]) for r in rows] == [("correct", "lesion")]  # a new version; the previous stays
    assert json.loads(rows[0][2])["bilsky"] is None and json.loads(rows[0][3])["bilsky"] == "2"
    for call in (_add_lesion, _opinion, _action, _delivery, _build_agenda):
        n = audit.count(cur)
        call(cur, people["chair"] if call is not _build_agenda else people["coordinator"], world)
        assert audit.count(cur) == n + 1, call.__name__
    n = audit.count(cur)
    _refer(cur, people["coordinator"], world)
    assert audit.count(cur) == n + 2  # the patient and the case, one row each


# ------------------------------------------------------------------------------------------------
# Bad input per category of docs/security-requirements.md Requirements 4


BAD_INPUTS: list[tuple[str, Callable[[], object]]] = [
    ("impossible-age", lambda: Patient(mrn="BAD-1", display_name="x", sex="male", birth_date=date(1880, 1, 1))),
    ("future-date", lambda: Case.model_validate({**CASE.model_dump(), "referral_date": TODAY + timedelta(days=2)})),
    ("lab-physical-range", lambda: LabResult(patient_id=1, analyte="calcium", value=9.9, unit="mmol/L", taken_on=TODAY)),
    ("lab-wrong-unit", lambda: LabResult(patient_id=1, analyte="albumin", value=3.2, unit="g/L", taken_on=TODAY)),
    ("unknown-vertebral-level", lambda: Lesion(patient_id=1, bone="spine", level="L6", lesion_type="lytic")),
    ("unknown-enum", lambda: Lesion(patient_id=1, bone="spine", level="L2", lesion_type="sclerotic")),
    (
        "score-component-outside-set",
        lambda: Lesion(patient_id=1, bone="spine", level="L2", lesion_type="lytic", alignment="kinked"),
    ),
    ("over-long-text", lambda: Case.model_validate({**CASE.model_dump(), "comorbidities": "x" * 4001})),
    ("bidi-control", lambda: Case.model_validate({**CASE.model_dump(), "question": "ok\u202egnp.exe"})),
    ("zero-width", lambda: Case.model_validate({**CASE.model_dump(), "question": "a\u200bb"})),
    ("control-char", lambda: Case.model_validate({**CASE.model_dump(), "question": "a\x1bb"})),
    ("malformed-mrn", lambda: Patient(mrn="<script>", display_name="x", sex="male", birth_date=date(1960, 1, 1))),
    ("amendment-without-reason", lambda: Decision(case_id=1, decided_on=TODAY, version=2, predecessor_id=1)),
]


@pytest.mark.parametrize(("category", "make"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_rejected_with_a_field_message_and_nothing_saved(
    cur: duckdb.DuckDBPyConnection, category: str, make: Callable[[], object]
) -> None:
    before = audit.count(cur)
    with pytest.raises(ValidationError) as info:
        make()
    err = info.value.errors()[0]
    assert err["loc"] or "Value error" in err["msg"]
    assert "gnp.exe" not in str(info.value.errors()[0]["msg"])
    assert audit.count(cur) == before
    assert cur.execute("SELECT count(*) FROM patient").fetchone() == (0,)


def test_duplicate_mrn_and_stale_form_save_nothing(wcur: duckdb.DuckDBPyConnection, world: dict[str, object]) -> None:
    cur = wcur
    people: dict[str, Actor] = world["people"]  # type: ignore[assignment]
    n = audit.count(cur)
    with pytest.raises(FieldError):
        cases.refer(cur, people["coordinator"], PATIENT.model_copy(update={"mrn": "sec-0001"}), CASE)
    assert audit.count(cur) == n


def test_html_and_cjk_stored_literally(wcur: duckdb.DuckDBPyConnection, world: dict[str, object]) -> None:
    cur = wcur
    people: dict[str, Actor] = world["people"]  # type: ignore[assignment]
    text = "<img src=x onerror=alert(1)> 患者希望居家 🙂 مرحبا"
    case = cases.update_case(cur, people["member"], cases.get_case(cur, world["case_id"]), {"comorbidities": text})  # type: ignore[arg-type]
    assert case.comorbidities == text
    raw = cur.execute("SELECT comorbidities FROM mdt_case WHERE case_id = ?", [world["case_id"]]).fetchone()
    assert raw == (text,)


# ------------------------------------------------------------------------------------------------
# Sign-in


def test_lockout_after_five_failures(cur: duckdb.DuckDBPyConnection) -> None:
    users.ensure_demo_users(cur)
    for _ in range(5):
        with pytest.raises(AuthenticationError) as info:
            users.authenticate(cur, "member", "wrong", allow_demo=True)
        assert str(info.value) == users.GENERIC_FAILURE
    with pytest.raises(AuthenticationError) as info:
        users.authenticate(cur, "member", users.DEMO_PASSWORD, allow_demo=True)
    assert str(info.value) == users.GENERIC_FAILURE  # locked: even the right password fails, same message
    locked = cur.execute("SELECT locked_until FROM app_user WHERE username = 'member'").fetchone()[0]
    assert locked > datetime.utcnow() + timedelta(minutes=14)
    cur.execute("UPDATE app_user SET locked_until = ? WHERE username = 'member'", [datetime.utcnow() - timedelta(seconds=1)])
    assert users.authenticate(cur, "member", users.DEMO_PASSWORD, allow_demo=True).username == "member"
    outcomes = [r[0] for r in cur.execute("SELECT action FROM audit_log WHERE actor = 'member' ORDER BY seq").fetchall()]
    assert outcomes == ["login_failed"] * 6 + ["login"]


def test_unknown_user_same_message_and_audited(cur: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(AuthenticationError) as info:
        users.authenticate(cur, "nobody", "x", allow_demo=True)
    assert str(info.value) == users.GENERIC_FAILURE
    assert cur.execute("SELECT action, outcome FROM audit_log").fetchall() == [("login_failed", "failed")]


def test_demo_users_only_in_demo_mode(cur: duckdb.DuckDBPyConnection) -> None:
    users.ensure_demo_users(cur)
    with pytest.raises(AuthenticationError):
        users.authenticate(cur, "chair", users.DEMO_PASSWORD, allow_demo=False)


# ------------------------------------------------------------------------------------------------
# Crash safety


@pytest.mark.slow
@duckdb_only(
    "kill -9 of the one process that owns a store file; on PostgreSQL the server's WAL holds commits, and replica writers are tested in tests/db/test_postgres.py"
)
def test_kill_minus_nine_loses_no_acknowledged_write(tmp_path: Path) -> None:
    path = tmp_path / "crash.duckdb"
    con = duckdb.connect(str(path))
    migrate(con)
    users.ensure_demo_users(con)
    people = {u.username: users.actor_by_username(con, u.username) for u in users.DEMO_USERS}
    case_id = cases.refer(con, people["coordinator"], PATIENT, CASE)
    patient_id = cases.get_case(con, case_id).patient_id
    con.close()
    rng = random.Random(7)
    acked: dict[int, int] = {}
    start = 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _round in range(20):
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "tests/db/crash_writer.py"), str(path), str(patient_id), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        first = proc.stdout.readline()  # wait until the writer is really writing
        assert first.startswith("ACK"), proc.stderr.read() if proc.stderr else ""
        lines = [first]
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
        lines += out.splitlines()
        for line in lines:
            if line.startswith("ACK"):
                _, i, lesion_id = line.split()
                acked[int(i)] = int(lesion_id)
        start = max(acked) + 1 if acked else start
        con = duckdb.connect(str(path))
        assert audit.verify_chain(con).ok
        con.close()
    con = duckdb.connect(str(path))
    stored = {r[0] for r in con.execute("SELECT lesion_id FROM lesion").fetchall()}
    audited = {
        int(r[0]) for r in con.execute("SELECT entity_id FROM audit_log WHERE entity = 'lesion' AND action = 'create'").fetchall()
    }
    assert len(acked) >= 20
    assert set(acked.values()) <= stored
    assert set(acked.values()) <= audited
    assert stored == audited  # no lesion without its audit row, no audit row without its lesion
    tokens = con.execute("SELECT count(*) FROM submission").fetchone()[0]
    assert tokens == len(stored)
    con.close()
