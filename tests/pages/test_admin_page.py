"""Admin traps: the role form shows the picked user's stored role, specialty and state; new users
start as members; the typed backup directory is used; readable labels in admin and audit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from db.connection import connect
from tests.pages.conftest import app, texts


@pytest.fixture
def con(page_store: str) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect(page_store)
    yield c.cursor()
    c.close()


def _role(con: duckdb.DuckDBPyConnection, username: str) -> tuple[str, str | None, bool]:
    row = con.execute("SELECT role, specialty, active FROM app_user WHERE username = ?", [username]).fetchone()
    assert row is not None
    return str(row[0]), row[1], bool(row[2])


@pytest.mark.parametrize("username", ["member", "coordinator", "analyst", "spine"])
def test_the_role_form_shows_the_picked_users_stored_state_and_save_keeps_it(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection, username: str
) -> None:
    at = app("admin", user_id=user_ids["admin"]).run()
    assert not at.exception
    uid = user_ids[username]
    at.selectbox(key="admin_role_user").select(uid).run()
    role, specialty, active = _role(con, username)
    assert at.selectbox(key=f"admin_role_{uid}_en").value == role
    assert at.selectbox(key=f"admin_specialty_{uid}_en").value == specialty
    assert at.toggle(key=f"admin_active_{uid}").value is active
    before = con.execute("SELECT count(*) FROM audit_log WHERE entity = 'app_user' AND action = 'update'").fetchone()
    next(b for b in at.button if b.label == "Save" and "set_role" in str(b.form_id)).click().run()
    assert not at.exception
    assert _role(con, username) == (role, specialty, active)  # Save without a change changes nothing
    assert any("Nothing changed" in i.value for i in at.info)
    after = con.execute("SELECT count(*) FROM audit_log WHERE entity = 'app_user' AND action = 'update'").fetchone()
    assert after == before


def test_changing_a_role_is_saved_for_that_user_only(
    page_store: str, user_ids: dict[str, int], con: duckdb.DuckDBPyConnection
) -> None:
    at = app("admin", user_id=user_ids["admin"]).run()
    uid = user_ids["rehab"]
    at.selectbox(key="admin_role_user").select(uid).run()
    at.selectbox(key=f"admin_role_{uid}_en").select("coordinator")  # inside the form: sent with the submit
    next(b for b in at.button if b.label == "Save" and "set_role" in str(b.form_id)).click().run()
    assert not at.exception
    assert _role(con, "rehab") == ("coordinator", "rehabilitation", True)
    assert _role(con, "member")[0] == "member"


def test_a_new_user_starts_as_member(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("admin", user_id=user_ids["admin"]).run()
    role = next(s for s in at.selectbox if s.label == "Role" and "new_user" in str(s.form_id))
    assert role.value == "member"


def test_the_typed_backup_directory_is_kept_across_reruns_and_used(
    page_store: str, user_ids: dict[str, int], tmp_path: Path
) -> None:
    at = app("admin", user_id=user_ids["admin"]).run()
    suggested = at.text_input(key="admin_backup_dir").value
    at.run()
    assert at.text_input(key="admin_backup_dir").value == suggested  # not recomputed on a rerun
    target = tmp_path / "typed-backup"
    at.text_input(key="admin_backup_dir").input(str(target)).run()
    at.run()
    assert at.text_input(key="admin_backup_dir").value == str(target)
    next(b for b in at.button if b.label == "Back up now").click().run()
    assert not at.exception
    assert (target / "manifest.json").is_file() or any(target.iterdir())
    assert any(str(target) in s.value for s in at.success)


def test_validation_errors_all_at_once_in_chinese(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("admin", user_id=user_ids["admin"])
    at.session_state["lang"] = "zh"
    at.run()
    form_inputs = [w for w in at.text_input if "new_user" in str(w.form_id)]
    form_inputs[0].input("ab")  # username too short
    next(b for b in at.button if b.label == "创建用户").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(e.startswith("用户名：") and "3" in e for e in errors), errors
    assert any(e.startswith("姓名：") for e in errors), errors  # both fields at once
    assert not any("String should" in e or "at least" in e for e in errors)


def test_policy_and_audit_are_shown_with_labels(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("admin", user_id=user_ids["admin"]).run()
    policy = next(df.value for df in at.dataframe if "Policy" in df.value.columns)
    assert "rt_single_fraction_survival_weeks" not in set(policy["Policy"])
    assert "Single-fraction radiotherapy below this expected survival (weeks)" in set(policy["Policy"])
    shown = texts(at)
    assert " rows" not in shown.replace("audit entries", "")
    assert "audit entries" in shown or "audit entry" in shown


def test_empty_cells_show_a_dash_not_none(page_store: str, user_ids: dict[str, int]) -> None:
    """A table shows a missing value as the English word "None" (in the Chinese UI too)."""
    at = app("admin", user_id=user_ids["admin"])
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    people = next(df.value for df in at.dataframe if "锁定至" in df.value.columns)
    assert set(people["锁定至"]) == {"—"}  # nobody is locked in the demo store
    trail = next(df.value for df in at.dataframe if "操作" in df.value.columns and "锁定至" not in df.value.columns)
    for column in trail.columns:
        assert not trail[column].isna().any(), column


def test_audit_roles_read_in_chinese(page_store: str, user_ids: dict[str, int]) -> None:
    """The audit trail's role column said "admin", "coordinator" in the Chinese page (browser walk,
    2026-12): it shows the vocabulary's labels."""
    at = app("admin", user_id=user_ids["admin"])
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    trail = next(df.value for df in at.dataframe if "操作" in df.value.columns and "锁定至" not in df.value.columns)
    roles = set(trail["角色"].dropna()) - {"—"}
    assert roles and roles <= {"主持人", "成员", "协调员", "分析员", "管理员"}, roles
