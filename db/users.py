"""Local users, sign-in with lockout counted in the store, and the demo users."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import duckdb
import pandas as pd

from core.errors import AuthenticationError, FieldError, NotFoundError
from core.models import Actor, AppUser, Role, Specialty
from core.passwords import MIN_LENGTH, hash_password, verify_password
from core.permissions import Capability
from db import audit
from db.connection import transaction, utc_now

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
GENERIC_FAILURE = "Sign-in failed: unknown user, wrong password, or the account is locked."
DEMO_PASSWORD = "bonemdt-demo"  # noqa: S105


@dataclass(frozen=True)
class DemoUser:
    username: str
    display_name: str
    role: Role
    specialty: Specialty | None


# Clearly synthetic staff. The first five are the ones offered on the demo sign-in screen.
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("chair", "Dr Demo Chair (Med Onc)", Role.CHAIR, Specialty.MEDICAL_ONCOLOGY),
    DemoUser("member", "Dr Demo Member (Ortho)", Role.MEMBER, Specialty.ORTHOPAEDICS),
    DemoUser("coordinator", "Demo Coordinator", Role.COORDINATOR, Specialty.COORDINATION),
    DemoUser("analyst", "Demo Analyst", Role.ANALYST, None),
    DemoUser("admin", "Demo Admin", Role.ADMIN, None),
    DemoUser("spine", "Dr Demo Spine", Role.MEMBER, Specialty.SPINE_SURGERY),
    DemoUser("radonc", "Dr Demo RadOnc", Role.MEMBER, Specialty.RADIOTHERAPY),
    DemoUser("radiology", "Dr Demo Radiology", Role.MEMBER, Specialty.RADIOLOGY),
    DemoUser("pain", "Dr Demo Pain", Role.MEMBER, Specialty.PAIN_MEDICINE),
    DemoUser("rehab", "Dr Demo Rehab", Role.MEMBER, Specialty.REHABILITATION),
    DemoUser("nurse", "Demo CNS Nurse", Role.MEMBER, Specialty.NURSING),
    DemoUser("oncology2", "Dr Demo Oncology II", Role.MEMBER, Specialty.MEDICAL_ONCOLOGY),
)


def ensure_demo_users(cur: duckdb.DuckDBPyConnection) -> int:
    """Create the demo users that are missing (demo mode only). Returns how many were made."""
    existing = {r[0] for r in cur.execute("SELECT username FROM app_user").fetchall()}
    pending = [u for u in DEMO_USERS if u.username not in existing]
    if not pending:
        return 0
    shared_hash = hash_password(DEMO_PASSWORD)
    with transaction(cur):
        for u in pending:
            cur.execute(
                "INSERT INTO app_user (username, display_name, role, specialty, password_hash, demo)"
                " VALUES (?, ?, ?, ?, ?, TRUE)",
                [u.username, u.display_name, u.role.value, u.specialty.value if u.specialty else None, shared_hash],
            )
        audit.record(cur, audit_system(), "create", "app_user", None, after={"demo_users": [u.username for u in pending]})
    return len(pending)


def audit_system() -> Actor:
    from core.models import SYSTEM_ACTOR

    return SYSTEM_ACTOR


def _actor_from_row(row: tuple) -> Actor:  # type: ignore[type-arg]
    return Actor(
        user_id=row[0],
        username=row[1],
        display_name=row[2],
        role=Role(row[3]),
        specialty=Specialty(row[4]) if row[4] else None,
    )


def authenticate(cur: duckdb.DuckDBPyConnection, username: str, password: str, *, allow_demo: bool) -> Actor:
    """Check a local password. Failures are counted in the store; 5 lock the account 15 min."""
    name = (username or "").strip().lower()
    row = cur.execute(
        "SELECT user_id, username, display_name, role, specialty, password_hash, active, demo,"
        " failed_logins, locked_until FROM app_user WHERE username = ?",
        [name],
    ).fetchone()
    now = utc_now()
    probe = Actor(user_id=-1, username=name[:40] or "?", role=Role.MEMBER)
    ok = verify_password(password or "", row[5] if row else None)
    if row is None or not row[6] or (row[7] and not allow_demo):
        audit.record(cur, probe, "login_failed", "app_user", None, outcome="failed")
        raise AuthenticationError(GENERIC_FAILURE)
    actor = _actor_from_row(row)
    locked = row[9] is not None and row[9] > now
    if locked or not ok:
        with transaction(cur):
            if not locked:
                failures = row[8] + 1
                lock_until = now + LOCKOUT if failures >= MAX_FAILURES else None
                cur.execute(
                    "UPDATE app_user SET failed_logins = ?, locked_until = ? WHERE user_id = ?",
                    [0 if lock_until else failures, lock_until, row[0]],
                )
            audit.record(
                cur,
                actor,
                "login_failed",
                "app_user",
                row[0],
                outcome="failed",
                reason="locked" if locked else None,
            )
        raise AuthenticationError(GENERIC_FAILURE)
    with transaction(cur):
        cur.execute("UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE user_id = ?", [row[0]])
        audit.record(cur, actor, "login", "app_user", row[0])
    return actor


def actor_for(cur: duckdb.DuckDBPyConnection, user_id: int) -> Actor:
    row = cur.execute(
        "SELECT user_id, username, display_name, role, specialty, active FROM app_user WHERE user_id = ?",
        [user_id],
    ).fetchone()
    if row is None or not row[5]:
        raise NotFoundError("This user no longer exists or has been deactivated.")
    return _actor_from_row(row)


def actor_by_username(cur: duckdb.DuckDBPyConnection, username: str) -> Actor:
    row = cur.execute("SELECT user_id FROM app_user WHERE username = ?", [username]).fetchone()
    if row is None:
        raise NotFoundError("Unknown user.")
    return actor_for(cur, int(row[0]))


def list_users(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return cur.execute(
        "SELECT user_id, username, display_name, role, specialty, active, demo, failed_logins,"
        " locked_until FROM app_user ORDER BY username"
    ).df()


def create_user(cur: duckdb.DuckDBPyConnection, actor: Actor, user: AppUser, password: str) -> int:
    audit.authorize(cur, actor, Capability.MANAGE_USERS, "app_user")
    if len(password) < MIN_LENGTH:
        raise FieldError({"password": f"must be at least {MIN_LENGTH} characters"})
    if cur.execute("SELECT 1 FROM app_user WHERE username = ?", [user.username]).fetchone():
        raise FieldError({"username": "is already taken"})
    with transaction(cur):
        row = cur.execute(
            "INSERT INTO app_user (username, display_name, role, specialty, password_hash, active)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING user_id",
            [
                user.username,
                user.display_name,
                user.role.value,
                user.specialty.value if user.specialty else None,
                hash_password(password),
                user.active,
            ],
        ).fetchone()
        assert row is not None
        audit.record(cur, actor, "create", "app_user", row[0], after=user.model_dump(mode="json"))
    return int(row[0])


def set_role(cur: duckdb.DuckDBPyConnection, actor: Actor, user_id: int, role: Role, active: bool) -> None:
    audit.authorize(cur, actor, Capability.MANAGE_USERS, "app_user", user_id)
    before = cur.execute("SELECT role, active FROM app_user WHERE user_id = ?", [user_id]).fetchone()
    if before is None:
        raise NotFoundError("Unknown user.")
    with transaction(cur):
        cur.execute("UPDATE app_user SET role = ?, active = ? WHERE user_id = ?", [role.value, active, user_id])
        audit.record(
            cur,
            actor,
            "update",
            "app_user",
            user_id,
            before={"role": before[0], "active": before[1]},
            after={"role": role.value, "active": active},
        )


def verify_for_signature(cur: duckdb.DuckDBPyConnection, actor: Actor, password: str) -> bool:
    """Re-authentication before a signature (21 CFR 11.200): the signer re-enters the password."""
    row = cur.execute("SELECT password_hash FROM app_user WHERE user_id = ?", [actor.user_id]).fetchone()
    return verify_password(password, row[0] if row else None)
