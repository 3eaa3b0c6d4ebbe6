"""Every page renders without exception for each role on the demo store; deep links need sign-in."""

from __future__ import annotations

import json
import time

import pytest

from core.i18n import t
from core.permissions import PAGE_CAPABILITY, allowed
from db.connection import connect
from pages.components.widgets import text_px
from tests.pages.conftest import PAGES, app, texts

ROLES = ("chair", "member", "coordinator", "analyst", "admin")


@pytest.mark.parametrize("page", PAGES)
def test_deep_link_signed_out_shows_only_sign_in(page_store: str, page: str) -> None:
    at = app(page, query={"case": "1", "meeting": "1"}).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in to BoneMDT"]
    assert len(at.dataframe) == 0
    body = texts(at)
    assert "Demo Patient" not in body and "Lecture Case" not in body


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_for_every_role(page_store: str, user_ids: dict[str, int], role: str, page: str) -> None:
    at = app(page, user_id=user_ids[role], query={"case": "1"}).run()
    assert not at.exception, at.exception
    if allowed(role, PAGE_CAPABILITY[page]):
        assert at.title, f"{page} shows no title for {role}"
        assert "cannot open this page" not in texts(at)
    else:
        assert any("cannot open this page" in e.value for e in at.error)
        assert len(at.dataframe) == 0


def test_denied_page_is_audited(page_store: str, user_ids: dict[str, int]) -> None:
    app("cases", user_id=user_ids["analyst"]).run()
    con = connect(page_store)
    try:
        row = con.execute(
            "SELECT action, outcome, entity_id FROM audit_log WHERE actor = 'analyst' ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    assert row == ("denied", "denied", "cases")


def test_sign_in_form_wrong_password_is_generic(page_store: str) -> None:
    at = app("overview").run()
    at.text_input[0].input("chair")
    at.text_input[1].input("wrong-password")
    at.button[0].click().run()
    assert not at.exception
    assert any("Sign-in failed" in e.value for e in at.error)
    assert "auth" not in at.session_state


def test_sign_in_form_success(page_store: str) -> None:
    at = app("overview").run()
    at.text_input[0].input("coordinator")
    at.text_input[1].input("bonemdt-demo")
    at.button[0].click().run()
    assert not at.exception
    assert "auth" in at.session_state
    assert any("This week" in t.value for t in at.title)


def test_idle_timeout_signs_out(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("overview", user_id=user_ids["chair"])
    at.session_state["auth"] = {
        "user_id": user_ids["chair"],
        "signed_in_at": time.time() - 600,
        "last_seen": time.time() - 16 * 60,
    }
    at.run()
    assert [t.value for t in at.title] == ["Sign in to BoneMDT"]
    assert any("15 minutes" in i.value for i in at.info)


def test_absolute_timeout_signs_out(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("overview", user_id=user_ids["chair"])
    at.session_state["auth"] = {
        "user_id": user_ids["chair"],
        "signed_in_at": time.time() - 12 * 3600 - 5,
        "last_seen": time.time(),
    }
    at.run()
    assert [t.value for t in at.title] == ["Sign in to BoneMDT"]
    assert any("12-hour" in i.value for i in at.info)


def test_unknown_case_id_is_a_clear_message(page_store: str, user_ids: dict[str, int]) -> None:
    for raw in ("999999", "abc", "-1"):
        at = app("case", user_id=user_ids["chair"], query={"case": raw}).run()
        assert not at.exception
        assert any("There is no case" in e.value for e in at.error)


def test_entrypoint_navigation_by_role(page_store: str, user_ids: dict[str, int]) -> None:
    from streamlit.testing.v1 import AppTest

    from pages.components.guard import fingerprint
    from tests.pages.conftest import ROOT

    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    now = time.time()
    at.session_state["auth"] = {
        "user_id": user_ids["analyst"],
        "signed_in_at": now,
        "last_seen": now,
        "client": fingerprint("", ""),
    }
    at.run()
    assert not at.exception
    assert any("Analytics" in t.value for t in at.title)


def test_chinese_language(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("cases", user_id=user_ids["chair"])
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["病例列表"]


def test_analytics_metric_labels_are_short_with_the_meaning_as_help(page_store: str, user_ids: dict[str, int]) -> None:
    """Five metrics share the width: labels that fit a fifth of 1024 px, the full meaning in help."""
    for lang in ("en", "zh"):
        at = app("analytics", user_id=user_ids["analyst"])
        at.session_state["lang"] = lang
        at.run()
        assert not at.exception
        assert len(at.metric) == 5
        assert all(len(str(m.label)) <= (16 if lang == "en" else 6) for m in at.metric)
        assert sum(1 for m in at.metric if m.help) == 3


def test_case_list_filters_say_all_when_nothing_is_picked(page_store: str, user_ids: dict[str, int]) -> None:
    """The filters' "Choose one or more" was cut to "Choose one or m" in a fifth of the row; an empty filter
    filters nothing, which "All" says in a word."""
    at = app("cases", user_id=user_ids["coordinator"]).run()
    assert not at.exception
    assert [m.placeholder for m in at.multiselect][:4] == ["All"] * 4  # the referral form follows


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_case_list_shows_whole_patient_names_and_what_is_missing(page_store: str, user_ids: dict[str, int], lang: str) -> None:
    """The grid sized the patient column itself and cut "Lecture Case 2 (synthetic) / 讲座病…" at
    1024 and 1440 px (browser walk, 2026-12): the patient and "missing" columns are sized to
    their longest text now (the "missing" list within 420 px: its longest entries still need the
    case board's readiness panel)."""
    at = app("cases", user_id=user_ids["coordinator"])
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    grid = at.dataframe[0]
    widths = json.loads(grid.proto.columns)
    frame = grid.value
    for key, cap in (("col.patient", 360), ("col.missing", 420)):
        name = t(key, lang=lang)
        longest = max(frame[name].astype(str), key=text_px)
        assert min(text_px(longest) + 8, cap) <= widths[name]["width"] <= cap, (longest, widths[name])
    patient = t("col.patient", lang=lang)
    assert max(text_px(n) for n in frame[patient]) + 8 <= widths[patient]["width"]
    assert any("（虚构）" in name for name in frame[t("col.patient", lang=lang)])  # the long lecture names are there
