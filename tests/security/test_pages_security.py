"""Findings 5, 6, 7, 8, 11, 12 and low findings on the pages (Streamlit AppTest on a demo store of
the run's store engine: tests/pages/conftest.py)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from core.models import Decision, Outcome, PlanItem
from db import decision_reads, decision_signing, decisions, users
from db.connection import connect
from pages.components.guard import PAGE_ICON, fingerprint
from tests.conftest import BACKEND
from tests.pages.conftest import app, page_store, texts, user_ids  # noqa: F401 - fixtures
from tests.security.conftest import without_guards

BEACON = "[link](https://evil.example/x) ![b](http://host/beacon.png) :material/home:"


@pytest.fixture
def store_cur(page_store: str) -> Iterator[duckdb.DuckDBPyConnection]:  # noqa: F811
    con = connect(page_store)
    yield con.cursor()
    con.close()


def _free_case(cur: duckdb.DuckDBPyConnection, offset: int) -> int:
    rows = cur.execute(
        "SELECT case_id FROM mdt_case c WHERE NOT EXISTS (SELECT 1 FROM decision d WHERE d.case_id = c.case_id) ORDER BY case_id"
    ).fetchall()
    return int(rows[offset][0])


def test_replayed_session_from_another_client_is_refused(page_store: str, user_ids: dict[str, int]) -> None:  # noqa: F811
    at = app("cases", user_id=user_ids["chair"])
    now = time.time()
    # The session state of a chair who signed in from another browser and address.
    at.session_state["auth"] = {
        "user_id": user_ids["chair"],
        "signed_in_at": now,
        "last_seen": now,
        "client": fingerprint("10.0.0.7", "Mozilla/5.0 (the chair's browser)"),
    }
    at.run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in to BoneMDT"]
    assert any("another browser" in i.value for i in at.info)
    assert "auth" not in at.session_state


def test_sign_out_clears_the_whole_session(page_store: str, user_ids: dict[str, int]) -> None:  # noqa: F811
    at = app("cases", user_id=user_ids["chair"])
    at.session_state["_export_cases"] = b"mrn,patient\n"
    at.session_state["board_case"] = 7
    at.run()
    next(b for b in at.button if b.key == "sign_out").click().run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in to BoneMDT"]
    for key in ("_export_cases", "board_case", "auth"):
        assert key not in at.session_state


def test_stale_context_cannot_act_after_expiry() -> None:
    """A widget callback runs with the PageContext of the previous run, before the guard."""

    def script() -> None:
        import time as _time

        import streamlit as st

        from core.errors import PermissionDeniedError
        from core.i18n import t
        from core.models import Actor, Role
        from pages.components.guard import PageContext, fingerprint

        who = Actor(user_id=5, username="chair", role=Role.CHAIR)
        now = _time.time()
        st.session_state["auth"] = {"user_id": 5, "signed_in_at": now, "last_seen": now, "client": fingerprint("", "")}
        ctx = PageContext(None, None, who, "en", t, live=True)  # type: ignore[arg-type]
        st.write("before:" + ctx.actor.username)
        st.session_state["auth"]["last_seen"] = now - 16 * 60  # the session expired meanwhile
        try:
            st.write("after:" + ctx.actor.username)
        except PermissionDeniedError:
            st.write("after:refused")

    at = AppTest.from_function(script).run()
    assert [m.value for m in at.markdown] == ["before:chair", "after:refused"]


def test_beacon_patient_name_renders_as_text_on_decisions(
    page_store: str,  # noqa: F811
    user_ids: dict[str, int],  # noqa: F811
    store_cur: duckdb.DuckDBPyConnection,
) -> None:
    case_id = _free_case(store_cur, 0)
    store_cur.execute(
        "UPDATE patient SET display_name = ? WHERE patient_id = (SELECT patient_id FROM mdt_case WHERE case_id = ?)",
        [BEACON, case_id],
    )
    at = app("decisions", user_id=user_ids["chair"], query={"case": str(case_id)}).run()
    assert not at.exception
    shown = texts(at)
    assert "[link](" not in shown and "![b](" not in shown and " :material/home:" not in shown
    assert "\\[link\\]" in shown and "\\!\\[b\\]" in shown


def test_unsaved_edits_are_not_signed(page_store: str, user_ids: dict[str, int], store_cur: duckdb.DuckDBPyConnection) -> None:  # noqa: F811
    case_id = _free_case(store_cur, 1)
    chair = users.actor_by_username(store_cur, "chair")
    plan = (PlanItem(kind="analgesia", text="Paracetamol", disposition="free_text"),)
    draft = decisions.save_draft(
        store_cur,
        chair,
        Decision(case_id=case_id, decided_on=date.today(), outcome=Outcome.DEFERRED, plan=plan, summary="Saved", emergency=True),
    )
    at = app("decisions", user_id=user_ids["chair"], query={"case": str(case_id)}).run()
    p = f"dec.{case_id}.{draft.decision_id}"
    at.text_area(key=f"{p}.summary").input("Edited on screen, not saved")
    at.text_input(key=f"{p}.password.0").input(users.DEMO_PASSWORD)
    next(b for b in at.button if b.label == "Sign the decision").click().run()
    assert not at.exception
    assert any("not saved" in e.value for e in at.error)
    assert decision_reads.get_decision(store_cur, int(draft.decision_id or 0)).status == "draft"


def test_tampered_signed_decision_is_flagged_on_display(
    page_store: str,  # noqa: F811
    user_ids: dict[str, int],  # noqa: F811
    store_cur: duckdb.DuckDBPyConnection,
) -> None:
    case_id = _free_case(store_cur, 2)
    chair = users.actor_by_username(store_cur, "chair")
    draft = decisions.save_draft(
        store_cur,
        chair,
        Decision(case_id=case_id, decided_on=date.today(), outcome=Outcome.DEFERRED, summary="Original", emergency=True),
    )
    decision_signing.sign(
        store_cur, chair, int(draft.decision_id or 0), password=users.DEMO_PASSWORD, expected_version=draft.row_version
    )
    without_guards(  # an offline edit
        store_cur,
        "decision",
        ["decision_signed_no_update"],
        ("UPDATE decision SET summary = 'Edited offline' WHERE decision_id = ?", [draft.decision_id]),
    )
    at = app("decisions", user_id=user_ids["chair"], query={"case": str(case_id)}).run()
    assert not at.exception
    assert any("no longer matches its signature" in e.value for e in at.error)


def test_admin_page_shows_checkpoint_export_and_unlock(
    page_store: str,  # noqa: F811
    user_ids: dict[str, int],  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="bonemdt.audit"):
        at = app("admin", user_id=user_ids["admin"]).run()
    assert not at.exception
    shown = texts(at)
    assert "Checkpoint signed outside the store" in shown
    assert "Unlock a locked account" in shown
    assert any(b.label == "Prepare CSV export" for b in at.button)
    # Outside the store: the server log on both engines, and the file beside a DuckDB store file.
    assert any(r.getMessage().startswith("audit checkpoint count=") for r in caplog.records)
    if BACKEND == "duckdb":
        assert Path(page_store + ".audit-checkpoint.json").is_file()


def test_page_icon_is_served_locally() -> None:
    assert Path(PAGE_ICON).is_file()
    root = Path(__file__).resolve().parents[2]
    for source in (root / "streamlit_app.py", root / "pages" / "case.py"):
        assert ":material/skeleton:" not in source.read_text()


def test_refer_pressed_again_after_the_save_says_already_referred(page_store: str, user_ids: dict[str, int]) -> None:  # noqa: F811
    """L11 without a browser: the success stays through a rerun that submits nothing; Refer pressed
    again on the form that still shows the saved referral (the new run's button) names the same
    case; a changed field is a new referral (MRN error, the success gone)."""
    at = app("cases", user_id=user_ids["coordinator"]).run()
    at.text_input(key="referral__mrn").input("AGAIN-0001")
    at.text_input(key="referral__display_name").input("Again Patient")
    at.selectbox(key="referral__sex__en").select("female")
    at.date_input(key="referral__birth_date").set_value(date(1961, 4, 2))
    at.text_input(key="referral__referrer").input("Dr Again")
    at.text_area(key="referral__question").input("Painful L3 lesion?")

    def refer():  # type: ignore[no-untyped-def]
        return next(b for b in at.button if b.label == "Refer").click().run()

    at = refer()
    assert [s.value for s in at.success if s.value.startswith("Referred: case #")]
    first = next(s.value for s in at.success).split("#")[1].rstrip(".")
    at = at.run()  # a rerun that submits nothing (the second click of a double click hit no button)
    assert [s.value for s in at.success] == [f"Referred: case #{first}."], "the success vanished"
    for _ in range(3):
        at = refer()
        assert not at.exception and not at.error, [e.value for e in at.error]
        assert [s.value for s in at.success] == [f"This patient is already referred: case #{first} (nothing new was saved)."]
    at.text_area(key="referral__question").input("Painful L3 lesion: dose?")
    at = refer()
    assert [e.value for e in at.error] == ["is already registered (MRNs are compared without case)"]
    assert not at.success  # the earlier success is not shown beside the error
    con = connect(page_store)
    try:
        n = con.execute("SELECT count(*) FROM mdt_case JOIN patient USING (patient_id) WHERE mrn = 'AGAIN-0001'").fetchone()
    finally:
        con.close()
    assert n == (1,)
