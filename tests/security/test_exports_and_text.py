"""Findings 3 and 7 and the low findings on text: exports, formulas, Markdown, invisible text."""

from __future__ import annotations

import csv
import io
import tomllib
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest
from pydantic import ValidationError

import core.text as text_rules
from core.errors import FieldError, PermissionDeniedError
from core.models import Patient, Role
from core.policy import Policy
from core.text import TextRuleError, check_text, csv_cell, md_block, md_inline
from db import audit, exports, users
from db.policies import set_policy
from tests.conftest import actor

ROOT = Path(__file__).resolve().parents[2]


def _uid(cur: duckdb.DuckDBPyConnection, role: Role) -> int:
    return int(cur.execute("SELECT min(user_id) FROM app_user WHERE role = ?", [role.value]).fetchone()[0])  # type: ignore[index]


def test_builtin_table_download_is_off() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised(cell: str) -> None:
    assert csv_cell(cell) == "'" + cell
    assert csv_cell("Smith, J") == "Smith, J"
    assert csv_cell(-3) == -3


def test_formula_username_from_sign_in_never_reaches_an_export(demo_cur: duckdb.DuckDBPyConnection) -> None:
    """The tester planted =HYPERLINK(...) through the sign-in username: it is no longer stored,
    and the export would neutralise it anyway."""
    with pytest.raises(users.AuthenticationError):
        users.authenticate(demo_cur, '=HYPERLINK("http://evil","x")', "x", allow_demo=True)
    chair = actor(Role.CHAIR, _uid(demo_cur, Role.CHAIR))
    data = exports.audit_csv(demo_cur, chair, action="login_failed").decode("utf-8-sig")
    assert "HYPERLINK" not in data
    for row in csv.reader(io.StringIO(data)):
        assert not any(cell.startswith(("=", "+", "@")) for cell in row)


def test_case_export_is_role_checked_and_audited(demo_cur: duckdb.DuckDBPyConnection) -> None:
    demo_cur.execute("UPDATE patient SET display_name = '=HYPERLINK(\"http://x\")' WHERE patient_id = 1")
    coordinator = actor(Role.COORDINATOR, _uid(demo_cur, Role.COORDINATOR))
    before = audit.count(demo_cur)
    data = exports.cases_csv(demo_cur, coordinator).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data)))
    assert rows and "mrn" in rows[0]
    assert all(not r["patient"].startswith("=") for r in rows)
    assert demo_cur.execute("SELECT action, entity FROM audit_log WHERE seq > ?", [before]).fetchall() == [("export", "cases")]
    for role in (Role.ANALYST, Role.MEMBER, Role.ADMIN):
        with pytest.raises(PermissionDeniedError):
            exports.cases_csv(demo_cur, actor(role, _uid(demo_cur, role)))


def test_analyst_audit_view_has_no_reasons_values_or_typed_names(demo_cur: duckdb.DuckDBPyConnection) -> None:
    # A legacy row as the old code wrote it: the typed username (maybe a password) as the actor.
    from core.models import Actor

    audit.record(demo_cur, Actor(user_id=-1, username="hunter2-password", role=Role.MEMBER), "login_failed", "app_user")
    audit.record(demo_cur, actor(Role.CHAIR, _uid(demo_cur, Role.CHAIR)), "update", "mdt_case", 1, reason="free text")
    analyst = actor(Role.ANALYST, _uid(demo_cur, Role.ANALYST))
    rows = audit.search_for(demo_cur, analyst)
    assert not {"reason", "before_json", "after_json", "patient_id"} & set(rows.columns)
    assert "hunter2-password" not in set(rows["actor"])
    data = exports.audit_csv(demo_cur, analyst).decode("utf-8-sig")
    assert "hunter2-password" not in data and "free text" not in data


BEACON = "[link](https://evil.example/x) ![b](http://host/beacon.png) www.evil.example :material/home: <img src=x>"


@pytest.mark.parametrize("escape", [md_inline, md_block])
def test_one_escaper_leaves_no_link_image_directive_or_html(escape: object) -> None:
    out = escape(BEACON)  # type: ignore[operator]
    assert "](" not in out.replace("\\](", "")
    assert "\\[link\\]" in out and "\\!\\[b\\]" in out
    assert "\\:material" in out and "www\\." in out and "https\\://" in out and "\\<img" in out


def test_former_escapers_are_the_one_escaper() -> None:
    from core.minutes import md_cell, md_escape
    from pages.components.agenda_common import md
    from pages.components.score_cards import escape_md

    assert md(BEACON) == escape_md(BEACON) == md_cell(BEACON) == md_inline(BEACON)
    assert md_escape(BEACON) == md_block(BEACON)


@pytest.mark.parametrize("ch", ["\U000e0041", "\U000e007f", "\u2028", "\u2029", "\u3164", "\u115f"])
def test_invisible_characters_are_refused(ch: str) -> None:
    with pytest.raises(TextRuleError):
        check_text(f"Smith{ch}", 200)
    assert check_text("张伟 😀 مرحبا", 200)  # CJK, emoji and RTL stay legitimate


def test_noms_and_policy_text_follow_the_free_text_rules(cur: duckdb.DuckDBPyConnection) -> None:
    from core.models import Decision

    with pytest.raises(ValidationError):
        Decision(case_id=1, decided_on=date(2026, 1, 1), outcome="deferred", noms={"N": "ok\u202eevil"})
    with pytest.raises(ValidationError):
        Policy(dexamethasone_mscc="10 mg\u2028IV")
    admin = actor(Role.ADMIN, 99)
    with pytest.raises(FieldError):
        set_policy(cur, admin, "dexamethasone_mscc", "10 mg \U000e0041 IV")


@pytest.mark.parametrize("born", [date(1800, 1, 1), date(9999, 1, 1)])
def test_dates_outside_1900_2100_are_refused(born: date) -> None:
    with pytest.raises(ValidationError, match="between 1900 and 2100"):
        Patient(mrn="ABC123", display_name="A", sex="male", birth_date=born)


def _check_text_char_by_char(value: str, max_len: int) -> str:
    """The free-text rule as first written (every character, in order): the reference of the fast path."""
    if len(value) > max_len:
        raise TextRuleError(f"is longer than the limit of {max_len} characters")
    for ch in value:
        if ch in text_rules._FORBIDDEN or ord(ch) in text_rules._TAG_BLOCK:
            raise TextRuleError(text_rules._INVISIBLE)
        if ch in text_rules._ALLOWED_CONTROLS:
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") or ch in ("\r", "\x0b", "\x0c"):
            raise TextRuleError(text_rules._CONTROL)
    return value


def _verdict(fn: Callable[[str, int], str], value: str) -> str:
    try:
        return "ok" if fn(value, 4000) == value else "changed"
    except TextRuleError as exc:
        return str(exc)


def test_fast_text_check_agrees_with_the_character_by_character_rule() -> None:
    """check_text (ASCII by one regex, other text by distinct characters) refuses exactly what the
    character-by-character rule refuses, with the message of the first refused character."""
    every_ascii = [chr(c) for c in range(128)]
    samples = [f"Smith{ch}son" for ch in every_ascii]
    samples += [f"张伟{chr(c)}" for c in range(0x80, 0x3100, 7)]  # Latin-1, C1 controls, general punctuation, CJK symbols
    samples += [f"x{chr(c)}" for c in (0xD800, 0xE000, 0xF8FF, 0xFFFE, 0x0378, 0xE0001, 0xE007F, 0x1F600, 0x10FFFF)]
    samples += [
        "Lecture case 1 / 讲座病例1（虚构）\n\tline two",
        "right\u202eto-left then \x07 bell",  # invisible first: its message wins
        "bell \x07 then \u202e override",  # control first
        "café \r\n",
        "نص عربي",
        "😀👍",
        "",
    ]
    for value in samples:
        assert _verdict(check_text, value) == _verdict(_check_text_char_by_char, value), repr(value)
    assert _verdict(check_text, "a" * 4001) == _verdict(_check_text_char_by_char, "a" * 4001)
