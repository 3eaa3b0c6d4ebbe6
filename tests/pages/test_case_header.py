"""The case header corrected on the board: by role, with a reason, audited, against the version
read (a concurrent change is a clear conflict and nothing is saved)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from streamlit.testing.v1 import AppTest

from core.models import Actor, Case, Patient, Role, Specialty
from db import cases
from db.connection import connect
from pages.components import forms_header
from pages.components.widgets import seen_key
from tests.pages.conftest import app, open_entries

ENTRY = "Edit case details (referral, primary tumour, markers, wishes)"


@pytest.fixture
def case_id(page_store: str, user_ids: dict[str, int]) -> int:
    con = connect(page_store)
    try:
        who = Actor(user_id=user_ids["coordinator"], username="coordinator", role=Role.COORDINATOR)
        n = int(con.execute("SELECT count(*) FROM patient").fetchone()[0])  # type: ignore[index]
        return cases.refer(
            con,
            who,
            Patient(
                mrn=f"HEAD-{n:04d}", display_name="Header Patient", sex="female", birth_date=date(1962, 3, 3), synthetic=True
            ),
            Case(
                patient_id=0,
                referral_date=date.today() - timedelta(days=2),
                referrer="Dr Ref",
                referrer_specialty="medical_oncology",
                question="Back pain: bone metastases?",
                primary_tumour="breast",
            ),
        )
    finally:
        con.close()


def _stored(page_store: str, case_id: int) -> Case:
    con = connect(page_store)
    try:
        return cases.get_case(con, case_id)
    finally:
        con.close()


def _board(user_id: int, case_id: int) -> AppTest:
    at = open_entries(app("case", user_id=user_id, query={"case": str(case_id)}), case_id)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    return at


def _save(at: AppTest) -> AppTest:
    at = next(b for b in at.button if b.label == "Save case details").click().run()
    assert not at.exception, at.exception
    return at


def _form_texts(at: AppTest) -> str:
    return " | ".join([e.value for e in at.error] + [s.value for s in at.success])


def test_coordinator_corrects_the_question_with_a_reason(page_store: str, user_ids: dict[str, int], case_id: int) -> None:
    at = _board(user_ids["coordinator"], case_id)
    assert ENTRY in [str(e.label) for e in at.expander]
    key = f"header_{case_id}__question"
    at.text_area(key=key).input("Painful T9 lesion in breast cancer: radiotherapy or surgery first?")
    at = _save(at)
    # no reason: a message next to the field, nothing saved, the input kept
    assert "Give the reason for the change." in _form_texts(at)
    assert _stored(page_store, case_id).question == "Back pain: bone metastases?"
    assert at.text_area(key=key).value.startswith("Painful T9 lesion")
    at.text_input(key=f"header_{case_id}__reason").input("Referrer's question clarified by phone")
    at = _save(at)
    assert "Case details saved." in _form_texts(at)
    stored = _stored(page_store, case_id)
    assert stored.question.startswith("Painful T9 lesion")
    con = connect(page_store)
    try:
        reason = con.execute(
            "SELECT reason FROM audit_log WHERE action = 'update' AND entity = 'mdt_case' AND entity_id = ? ORDER BY seq DESC LIMIT 1",
            [str(case_id)],
        ).fetchall()
    finally:
        con.close()
    assert reason == [("Referrer's question clarified by phone",)]


def test_a_member_corrects_only_the_clinical_header(page_store: str, user_ids: dict[str, int], case_id: int) -> None:
    at = _board(user_ids["member"], case_id)
    labels = {str(w.label) for w in [*at.text_area, *at.text_input, *at.selectbox] if str(w.key or "").startswith("header_")}
    assert "Question to the MDT *" not in labels and "Referrer *" not in labels
    assert any(label.startswith("Histology") for label in labels)
    at.selectbox(key=f"header_{case_id}__er__en").set_value("positive")
    at.text_input(key=f"header_{case_id}__reason").input("Receptor status from the pathology report")
    at = _save(at)
    assert "Case details saved." in _form_texts(at)
    assert _stored(page_store, case_id).er == "positive"


def test_a_concurrent_change_is_a_conflict_and_nothing_is_saved(page_store: str, user_ids: dict[str, int], case_id: int) -> None:
    at = _board(user_ids["coordinator"], case_id)
    # someone else changes the case after this form was filled from it
    con = connect(page_store)
    try:
        other = Actor(user_id=user_ids["chair"], username="chair", role=Role.CHAIR, specialty=Specialty.MEDICAL_ONCOLOGY)
        cases.update_case(con, other, cases.get_case(con, case_id), {"priority": "urgent"}, reason="new weakness reported")
    finally:
        con.close()
    at.text_input(key=f"header_{case_id}__referrer").input("Dr Someone Else")
    at.text_input(key=f"header_{case_id}__reason").input("typo")
    at = _save(at)
    shown = _form_texts(at)
    assert "Someone else changed this case since you opened it" in shown
    assert "Your changes (not saved): referrer: Dr Someone Else" in shown
    stored = _stored(page_store, case_id)
    assert (stored.referrer, stored.priority) == ("Dr Ref", "urgent")
    # the form now shows the stored case, ready to redo the change on the current version
    assert at.text_input(key=f"header_{case_id}__referrer").value == "Dr Ref"


def test_the_entry_forms_are_built_once_opened(page_store: str, user_ids: dict[str, int], case_id: int) -> None:
    """A board nobody edits pays nothing for its forms: the two expanders are there, closed and
    empty, until opened once in the session; from then on their forms are drawn on every run."""
    at = app("case", user_id=user_ids["coordinator"], query={"case": str(case_id)})
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    labels = [str(e.label) for e in at.expander]
    assert ENTRY in labels and any(label.startswith("Clinical assessments") for label in labels)
    keys = [str(w.key or "") for w in [*at.text_area, *at.text_input, *at.selectbox, *at.number_input]]
    assert not [k for k in keys if k.startswith((f"header_{case_id}__", f"assess_{case_id}__"))]
    at.session_state[seen_key(forms_header.entry_key(case_id))] = True  # what opening it sets
    at.run()
    assert at.text_area(key=f"header_{case_id}__question").value == _stored(page_store, case_id).question
    keys = [str(w.key or "") for w in [*at.text_area, *at.text_input, *at.selectbox, *at.number_input]]
    assert not [k for k in keys if k.startswith(f"assess_{case_id}__")]  # still closed, never opened
