"""The board as recorded at a past moment: what the team knew then, read-only, linked from a
signed decision and reachable for any past day."""

from __future__ import annotations

from datetime import date, timedelta

from core.models import Actor, Role, Specialty
from db import clinical
from db.board import load_board
from db.connection import connect, utc_now
from db.demo import lecture_case_id
from pages.components.case_board import TAB_KEY
from tests.pages.conftest import app


def metrics(at: object) -> list[str]:
    """The score cards' headline values."""
    return [str(m.value) for m in at.metric]  # type: ignore[attr-defined]


def _open(user_id: int, query: dict[str, str]) -> object:
    at = app("case", user_id=user_id, query=query)
    at.session_state["lang"] = "en"
    at.session_state[TAB_KEY] = "Lesions"
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_board_as_recorded_before_a_correction(page_store: str, user_ids: dict[str, int]) -> None:
    con = connect(page_store)
    try:
        case_id = lecture_case_id(con, 2)
        before = utc_now() - timedelta(seconds=1)
        t9 = next(les for les in load_board(con, case_id).cf.lesions if les.level == "T9")
        surgeon = Actor(user_id=user_ids["member"], username="member", role=Role.MEMBER, specialty=Specialty.ORTHOPAEDICS)
        clinical.update_lesion(con, surgeon, t9, {"alignment": "de_novo_deformity"}, reason="MRI re-read: new kyphosis")
    finally:
        con.close()
    now = _open(user_ids["chair"], {"case": str(case_id)})
    past = _open(user_ids["chair"], {"case": str(case_id), "as_recorded": before.isoformat()})
    # today's board has the correction (SINS 11 + 2 for de novo deformity = 13) and its entry forms ...
    assert "13" in metrics(now)
    assert any(str(e.label).startswith("Add / edit") for e in now.expander)  # type: ignore[attr-defined]
    # ... the board as recorded before it shows SINS 11, says what it is, and offers no entry
    assert "13" not in metrics(past) and "11" in metrics(past)
    assert any("Read-only: the board as it was recorded at" in i.value for i in past.info)  # type: ignore[attr-defined]
    assert not any(str(e.label).startswith(("Add / edit", "Clinical assessments")) for e in past.expander)  # type: ignore[attr-defined]


def test_a_malformed_or_future_moment_falls_back_to_the_current_board(page_store: str, user_ids: dict[str, int]) -> None:
    con = connect(page_store)
    try:
        case_id = lecture_case_id(con, 1)
    finally:
        con.close()
    for bad in ("yesterday", (date.today() + timedelta(days=2)).isoformat() + "T10:00:00"):
        at = _open(user_ids["chair"], {"case": str(case_id), "as_recorded": bad})
        assert any("not a valid date and time" in w.value for w in at.warning)  # type: ignore[attr-defined]
        assert not any("Read-only" in i.value for i in at.info)  # type: ignore[attr-defined]


def test_a_signed_decision_links_to_the_board_as_signed(page_store: str, user_ids: dict[str, int]) -> None:
    con = connect(page_store)
    try:
        case_id = lecture_case_id(con, 3)  # closed: decided and signed at a past meeting
        signed = con.execute(
            "SELECT signed_at FROM decision WHERE case_id = ? AND status = 'signed' ORDER BY signed_at DESC LIMIT 1", [case_id]
        ).fetchall()
    finally:
        con.close()
    assert signed
    at = app("case", user_id=user_ids["chair"], query={"case": str(case_id)})
    at.session_state["lang"] = "en"
    at.session_state[TAB_KEY] = "Decisions & actions"
    at.run()
    assert not at.exception, at.exception
    # a page file run alone has no navigation: the same-tab link is a button that switches page
    labels = [b.label for b in at.button] + [p.proto.label for p in at.get("page_link")]
    assert "Board as signed" in labels


def test_picking_a_day_before_the_referral_is_refused_next_to_the_field(page_store: str, user_ids: dict[str, int]) -> None:
    con = connect(page_store)
    try:
        case_id = lecture_case_id(con, 1)
        referred = con.execute("SELECT referral_date FROM mdt_case WHERE case_id = ?", [case_id]).fetchall()[0][0]
    finally:
        con.close()
    at = _open(user_ids["chair"], {"case": str(case_id)})
    at.date_input(key=f"as_recorded_day_{case_id}").set_value(referred - timedelta(days=30))
    at = next(b for b in at.button if b.label == "Open that board").click().run()
    assert not at.exception, at.exception
    assert any(f"referred on {referred.isoformat()}" in e.value for e in at.error)
    assert not any("Read-only" in i.value for i in at.info)
