"""Referral and data-entry forms in AppTest: field messages, nothing saved on error, kept input,
one row per submission."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from db.connection import connect
from tests.pages.conftest import app


def _count(path: Path, sql: str) -> int:
    con = connect(path)
    try:
        return int(con.execute(sql).fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def _fill_referral(at, mrn: str, name: str, question: str, lang: str = "en") -> None:  # type: ignore[no-untyped-def]
    at.text_input(key="referral__mrn").input(mrn)
    at.text_input(key="referral__display_name").input(name)
    at.selectbox(key=f"referral__sex__{lang}").select("female")
    at.date_input(key="referral__birth_date").set_value(date(1961, 4, 2))
    at.text_input(key="referral__referrer").input("Dr Demo Referrer")
    at.text_area(key="referral__question").input(question)


def _submit(at):  # type: ignore[no-untyped-def]
    form_buttons = [b for b in at.button if b.label in ("Refer", "提交转诊")]
    return form_buttons[0].click().run()


def test_invalid_referral_shows_field_messages_and_saves_nothing(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("cases", user_id=user_ids["coordinator"]).run()
    before = _count(page_store, "SELECT count(*) FROM patient")
    audit_before = _count(page_store, "SELECT count(*) FROM audit_log")
    _fill_referral(at, "bad mrn!", "Demo Referral \u202eevil", "")
    at = _submit(at)
    assert not at.exception
    errors = " | ".join(e.value for e in at.error)
    assert "has characters or a form that is not allowed" in errors  # the MRN, from the catalogue
    assert "invisible" in errors  # the bidi override in the name
    assert "evil" not in errors  # the value is never echoed
    assert _count(page_store, "SELECT count(*) FROM patient") == before
    assert _count(page_store, "SELECT count(*) FROM audit_log") == audit_before
    assert at.text_input(key="referral__referrer").value == "Dr Demo Referrer"  # the rest of the form is kept


def test_valid_referral_creates_one_case_even_on_double_submit(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("cases", user_id=user_ids["coordinator"]).run()
    before = _count(page_store, "SELECT count(*) FROM mdt_case")
    _fill_referral(at, "FORM-0001", "Form Patient 表单", "Painful L3 lesion: radiotherapy dose? 放疗剂量？")
    token = at.session_state["referral__token"]
    at = _submit(at)
    assert not at.exception
    assert any("Referred" in s.value for s in at.success)
    assert _count(page_store, "SELECT count(*) FROM mdt_case") == before + 1
    # in demo mode a referred patient is practice data: marked synthetic, so the demo still starts
    assert _count(page_store, "SELECT count(*) FROM patient WHERE mrn = 'FORM-0001' AND synthetic") == 1
    # a retry with the same submission token (double click before the rerun) makes no second row
    from core.models import Actor, Case, Patient, Role
    from db import cases

    con = connect(page_store)
    again = cases.refer(
        con,
        Actor(user_id=user_ids["coordinator"], username="coordinator", role=Role.COORDINATOR),
        Patient(mrn="FORM-0001", display_name="x", sex="male", birth_date=date(1961, 4, 2)),
        Case(
            patient_id=0,
            referral_date=date.today(),
            referrer="r",
            referrer_specialty="radiology",
            question="q",
            primary_tumour="breast",
        ),
        token=token,
    )
    con.close()
    assert _count(page_store, "SELECT count(*) FROM mdt_case") == before + 1
    assert again == _count(page_store, "SELECT max(case_id) FROM mdt_case")


def test_member_has_no_referral_tab(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("cases", user_id=user_ids["member"]).run()
    assert not at.exception
    assert not [b for b in at.button if b.label == "Refer"]


def test_referral_sex_has_no_default_and_every_error_shows_at_once(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("cases", user_id=user_ids["coordinator"]).run()
    assert at.selectbox(key="referral__sex__en").value is None  # nobody's sex is preselected
    before = _count(page_store, "SELECT count(*) FROM patient")
    at = _submit(at)  # nothing filled in
    assert not at.exception
    shown = [e.value for e in at.error]
    # sex, birth date, MRN, name, referrer and question all at once, not one per submission
    assert len(shown) >= 5 and "is required" in shown
    assert _count(page_store, "SELECT count(*) FROM patient") == before


def test_referral_errors_in_chinese(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("cases", user_id=user_ids["coordinator"])
    at.session_state["lang"] = "zh"
    at.run()
    _fill_referral(at, "bad mrn!", "演示 \u202e患者", "", lang="zh")
    at = _submit(at)
    assert not at.exception
    errors = " | ".join(e.value for e in at.error)
    assert "含有不可见" in errors and "含有不允许的字符" in errors and "不能为空" in errors
    assert not any(word in errors for word in ("String", "should", "remove it", "must not"))


def test_referral_of_a_registered_mrn_says_so_in_chinese(page_store: str, user_ids: dict[str, int]) -> None:
    """The duplicate-MRN message from the store is shown in the user's language under the MRN."""
    at = app("cases", user_id=user_ids["coordinator"])
    at.session_state["lang"] = "zh"
    at.run()
    _fill_referral(at, "ZH-DUP-0001", "演示患者 重复", "L3 疼痛性病灶？", lang="zh")
    at = _submit(at)
    assert not at.exception and not at.error, [e.value for e in at.error]
    # a different question, so this is a new referral of an already registered MRN, not a repeat
    _fill_referral(at, "zh-dup-0001", "演示患者 重复", "L3 疼痛性病灶：放疗剂量？", lang="zh")
    at = _submit(at)
    assert not at.exception
    assert [e.value for e in at.error] == ["该病历号已登记（病历号比较不区分大小写）"]


def test_coordinator_imports_from_the_cases_page_members_do_not(page_store: str, user_ids: dict[str, int]) -> None:
    """Import is where coordinators work (they have no Admin page); the store checks the role again."""
    at = app("cases", user_id=user_ids["coordinator"]).run()
    assert not at.exception
    assert "Import cases" in [t.label for t in at.tabs]
    member = app("cases", user_id=user_ids["member"]).run()
    assert "Import cases" not in [t.label for t in member.tabs]
