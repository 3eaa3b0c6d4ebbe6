"""Local users, sign-in with lockout counted in the store, per-client throttling, the demo users.

Sign-in failures lock an account after 5 tries for 15 minutes (counted in the store; an admin can
lift it early with :func:`unlock`). Each client (network address and browser seen by the server)
may fail 10 times in 15 minutes, whatever the usernames, before it is refused without checking.
Unknown usernames are never written to the audit trail (what someone typed may be a password or
a spreadsheet formula): the first failure and the throttling of a client are, once per window,
so unauthenticated requests cannot flood the trail. The signing password re-entry counts
failures on the same account lockout.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import duckdb
import pandas as pd

from core.errors import AuthenticationError, FieldError, NotFoundError
from core.models import Actor, AppUser, Role, Specialty
from core.passwords import hash_password, password_problem, verify_password
from core.permissions import Capability
from db import audit
from db.connection import transaction, utc_now

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
GENERIC_FAILURE = "Sign-in failed: unknown user, wrong password, or the account is locked."
DEMO_PASSWORD = "bonemdt-demo"  # noqa: S105
CLIENT_MAX_FAILURES = 10
CLIENT_WINDOW = timedelta(minutes=15)
UNKNOWN_USER = "(unknown)"


class ThrottledError(AuthenticationError):
    """This client failed too often recently; nothing was checked."""


class SigningLockedError(AuthenticationError):
    """The signer's account is locked after wrong password re-entries."""


@dataclass
class _ClientRecord:
    failures: list[datetime]
    logged_unknown: bool = False
    logged_throttle: bool = False


_clients: dict[str, _ClientRecord] = {}
_clients_lock = threading.Lock()


def _client_state(client: str, now: datetime) -> _ClientRecord:
    """The client's failures within the window (expired ones dropped). Call with the lock held."""
    rec = _clients.get(client)
    if rec is None:
        rec = _clients[client] = _ClientRecord([])
    rec.failures = [t for t in rec.failures if now - t < CLIENT_WINDOW]
    if not rec.failures:
        rec.logged_unknown = rec.logged_throttle = False
    return rec


def reset_client_throttle() -> None:
    """Forget every client's failures (the admin unlock and tests)."""
    with _clients_lock:
        _clients.clear()


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


def authenticate(
    cur: duckdb.DuckDBPyConnection, username: str, password: str, *, allow_demo: bool, client: str = "local"
) -> Actor:
    """Check a local password. Failures are counted in the store; 5 lock the account 15 min;
    10 failures from one client within 15 minutes throttle that client."""
    name = (username or "").strip().lower()
    now = utc_now()
    probe = Actor(user_id=-1, username=UNKNOWN_USER, role=Role.MEMBER)
    with _clients_lock:
        rec = _client_state(client, now)
        throttled = len(rec.failures) >= CLIENT_MAX_FAILURES
        log_throttle = throttled and not rec.logged_throttle
        if log_throttle:
            rec.logged_throttle = True
    if throttled:
        if log_throttle:
            audit.record(cur, probe, "login_throttled", "app_user", None, outcome="denied", after={"failures": len(rec.failures)})
        raise ThrottledError(GENERIC_FAILURE)
    row = cur.execute(
        "SELECT user_id, username, display_name, role, specialty, password_hash, active, demo,"
        " failed_logins, locked_until FROM app_user WHERE username = ?",
        [name],
    ).fetchone()
    ok = verify_password(password or "", row[5] if row else None)
    if row is None or not row[6] or (row[7] and not allow_demo):
        with _clients_lock:
            rec.failures.append(now)
            first = not rec.logged_unknown
            rec.logged_unknown = True
        if first:
            # The typed name is never stored; later failures of this client are summed up in the
            # throttling row.
            audit.record(cur, probe, "login_failed", "app_user", None, outcome="failed")
        raise AuthenticationError(GENERIC_FAILURE)
    actor = _actor_from_row(row)
    locked = row[9] is not None and row[9] > now
    if locked or not ok:
        with _clients_lock:
            rec.failures.append(now)
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
    problem = password_problem(password, user.username)
    if problem:
        raise FieldError({"password": problem})
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


def set_role(
    cur: duckdb.DuckDBPyConnection,
    actor: Actor,
    user_id: int,
    role: Role,
    active: bool,
    specialty: Specialty | Literal["keep"] | None = "keep",
) -> bool:
    """Set a user's role and active state (and specialty unless ``"keep"``); returns False and
    writes nothing when nothing changes."""
    audit.authorize(cur, actor, Capability.MANAGE_USERS, "app_user", user_id)
    before = cur.execute("SELECT role, active, specialty FROM app_user WHERE user_id = ?", [user_id]).fetchone()
    if before is None:
        raise NotFoundError("Unknown user.")
    new_specialty = before[2] if specialty == "keep" else (specialty.value if specialty else None)
    if (before[0], bool(before[1]), before[2]) == (role.value, active, new_specialty):
        return False
    with transaction(cur):
        cur.execute(
            "UPDATE app_user SET role = ?, active = ?, specialty = ? WHERE user_id = ?",
            [role.value, active, new_specialty, user_id],
        )
        audit.record(
            cur,
            actor,
            "update",
            "app_user",
            user_id,
            before={"role": before[0], "active": before[1], "specialty": before[2]},
            after={"role": role.value, "active": active, "specialty": new_specialty},
        )
    return True


def verify_for_signature(cur: duckdb.DuckDBPyConnection, actor: Actor, password: str) -> bool:
    """Re-authentication before a signature (21 CFR 11.200): the signer re-enters the password.

    Wrong entries count on the account's lockout (5 lock it for 15 minutes, sign-in included);
    a locked account raises SigningLockedError without checking the password.
    """
    row = cur.execute(
        "SELECT password_hash, failed_logins, locked_until FROM app_user WHERE user_id = ?", [actor.user_id]
    ).fetchone()
    now = utc_now()
    if row is not None and row[2] is not None and row[2] > now:
        audit.record(cur, actor, "login_failed", "app_user", actor.user_id, outcome="denied", reason="locked (signature)")
        raise SigningLockedError("Too many wrong passwords: signing is locked for 15 minutes.")
    ok = verify_password(password, row[0] if row else None)
    if row is None:
        return ok
    if ok:
        if row[1]:
            with transaction(cur):
                cur.execute("UPDATE app_user SET failed_logins = 0 WHERE user_id = ?", [actor.user_id])
                audit.record(cur, actor, "update", "app_user", actor.user_id, reason="signature password accepted")
        return True
    failures = int(row[1]) + 1
    lock_until = now + LOCKOUT if failures >= MAX_FAILURES else None
    with transaction(cur):
        cur.execute(
            "UPDATE app_user SET failed_logins = ?, locked_until = ? WHERE user_id = ?",
            [0 if lock_until else failures, lock_until, actor.user_id],
        )
        audit.record(
            cur,
            actor,
            "login_failed",
            "app_user",
            actor.user_id,
            outcome="failed",
            reason="signature password" + (": account locked" if lock_until else ""),
        )
    return False


def unlock(cur: duckdb.DuckDBPyConnection, actor: Actor, user_id: int) -> None:
    """Admin: lift an account's lockout and failure count (and forget throttled clients)."""
    audit.authorize(cur, actor, Capability.MANAGE_USERS, "app_user", user_id)
    before = cur.execute("SELECT failed_logins, locked_until FROM app_user WHERE user_id = ?", [user_id]).fetchone()
    if before is None:
        raise NotFoundError("Unknown user.")
    with transaction(cur):
        cur.execute("UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE user_id = ?", [user_id])
        audit.record(
            cur,
            actor,
            "unlock",
            "app_user",
            user_id,
            before={"failed_logins": before[0], "locked_until": before[1]},
            after={"failed_logins": 0, "locked_until": None},
        )
    reset_client_throttle()
