"""Data entry on the case board in AppTest: each form for the roles that may and may not use it,
bad input per field (message, nothing saved, input kept), corrections with a reason, and the
conflict of two people correcting the same entry."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from core.models import Actor, Case, Patient, Role, Specialty
from db import cases, clinical
from db.connection import connect
from pages.components.case_board import TAB_KEY
from tests.pages.conftest import app, open_entries, texts

BIRTH = date(1961, 4, 2)


def _con(path: Path) -> duckdb.DuckDBPyConnection:
    return connect(path)


def _count(path: Path, sql: str, params: list[object] | None = None) -> int:
    con = _con(path)
    try:
        return int(con.execute(sql, params or []).fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


@pytest.fixture(scope="module")
def new_case(page_store: str, user_ids: dict[str, int]) -> tuple[int, int]:
    """A freshly referred case with no facts yet: (case_id, patient_id)."""
    con = _con(page_store)
    try:
        who = Actor(
            user_id=user_ids["coordinator"], username="coordinator", role=Role.COORDINATOR, specialty=Specialty.COORDINATION
        )
        case_id = cases.refer(
            con,
            who,
            # synthetic: the page store runs in demo mode, which refuses a store with real patients
            Patient(mrn="ENTRY-0001", display_name="Entry Patient", sex="female", birth_date=BIRTH, synthetic=True),
            Case(
                patient_id=0,
                referral_date=date.today() - timedelta(days=3),
                referrer="Dr Ref",
                referrer_specialty="medical_oncology",
                question="Back pain, breast cancer: bone metastases?",
                primary_tumour="breast",
            ),
        )
        return case_id, cases.get_case(con, case_id).patient_id
    finally:
        con.close()


def board(user_id: int, case_id: int, tab: str | None = None) -> AppTest:
    at = open_entries(app("case", user_id=user_id, query={"case": str(case_id)}), case_id)
    at.session_state["lang"] = "en"
    if tab is not None:
        at.session_state[TAB_KEY] = tab
    at.run()
    assert not at.exception, at.exception
    return at


def picker(at: AppTest, key: str):  # type: ignore[no-untyped-def]
    """A selectbox by its key; pickers whose option labels follow the language carry ``__en``."""
    try:
        return at.selectbox(key=f"{key}__en")
    except KeyError:
        return at.selectbox(key=key)


def expanders(at: AppTest) -> list[str]:
    return [str(e.label) for e in at.expander]


def click(at: AppTest, label: str) -> AppTest:
    buttons = [b for b in at.button if b.label == label]
    assert buttons, f"no button {label!r}: {[b.label for b in at.button]}"
    at = buttons[0].click().run()
    assert not at.exception, at.exception
    return at


def click_in(at: AppTest, form: str, label: str) -> AppTest:
    """Press the submit button ``label`` of form ``form`` (several forms share labels)."""
    buttons = [b for b in at.button if b.label == label and getattr(b, "form_id", "") == form]
    assert buttons, f"no button {label!r} in {form}: {[(b.label, getattr(b, 'form_id', '')) for b in at.button]}"
    at = buttons[0].click().run()
    assert not at.exception, at.exception
    return at


_NEEDS_DATA = re.compile(r"^[A-Z]+(?:-[A-Z0-9]+)+ (?:needs|缺少)")


def errors(at: AppTest) -> str:
    """The form messages shown (the board's own "RULE needs: ..." safety banners left out)."""
    return " | ".join(e.value for e in at.error if not _NEEDS_DATA.match(e.value))


# ---------------------------------------------------------------------------------------------
# Who sees which form


@pytest.mark.parametrize(
    ("user", "tab", "entry", "offered"),
    [
        ("coordinator", "Lesions", "Add / edit lesions", True),
        ("chair", "Labs", "Add / edit laboratory results", True),
        ("member", "Lesions", "Add / edit lesions", True),  # orthopaedics
        ("rehab", "Lesions", "Add / edit lesions", False),
        ("rehab", "Labs", "Add / edit laboratory results", False),
        ("radiology", "Imaging", "Add / edit imaging", True),
        ("radiology", "Timeline", "Add / edit treatments", False),
        ("rehab", "Timeline", "Add / edit events", True),
        ("nurse", "Timeline", "Add / edit treatments", True),
    ],
)
def test_entry_points_follow_the_roles(
    page_store: str, user_ids: dict[str, int], new_case: tuple[int, int], user: str, tab: str, entry: str, offered: bool
) -> None:
    at = board(user_ids[user], new_case[0], tab)
    assert (entry in expanders(at)) is offered
    # every clinical role sees the dated assessments; only those who may record get the form
    assert any(label.startswith("Clinical assessments") for label in expanders(at))


def test_analyst_and_admin_get_no_case_board(page_store: str, user_ids: dict[str, int], new_case: tuple[int, int]) -> None:
    for user in ("analyst", "admin"):
        at = app("case", user_id=user_ids[user], query={"case": str(new_case[0])}).run()
        assert not any(label.startswith("Add / edit") for label in expanders(at))
        assert not [b for b in at.button if b.label == "Add lesion"]


# ---------------------------------------------------------------------------------------------
# Lesions


def test_spinal_lesion_with_every_sins_item(page_store: str, user_ids: dict[str, int], new_case: tuple[int, int]) -> None:
    case_id, pid = new_case
    at = board(user_ids["coordinator"], case_id, "Lesions")
    name = f"add_lesion_{case_id}"
    before = _count(page_store, "SELECT count(*) FROM lesion WHERE patient_id = ?", [pid])
    # bad input first: a spinal lesion without its level -> message, nothing saved, input kept
    at.selectbox(key=f"{name}__bone__en").set_value("spine")
    at.selectbox(key=f"{name}__lesion_type__en").set_value("lytic")
    at.selectbox(key=f"{name}__spinal_pain__en").set_value("mechanical")
    at = click(at, "Add lesion")
    assert "level is required for a spinal lesion" in errors(at)
    assert _count(page_store, "SELECT count(*) FROM lesion WHERE patient_id = ?", [pid]) == before
    assert at.selectbox(key=f"{name}__spinal_pain__en").value == "mechanical"
    for key, value in (
        ("level", "T9"),
        ("alignment", "normal"),
        ("collapse", "lt_50_collapse"),
        ("posterolateral", "unilateral"),
        ("bilsky", "1b"),
        ("posterior_wall_intact", "no"),
        ("surgeon_stability", "unstable"),
    ):
        picker(at, f"{name}__{key}").set_value(value)
    at = click(at, "Add lesion")
    assert not errors(at), errors(at)
    assert _count(page_store, "SELECT count(*) FROM lesion WHERE patient_id = ?", [pid]) == before + 1
    at = board(user_ids["coordinator"], case_id, "Lesions")
    body = texts(at)
    # SINS = lytic 2 + T9 (mobile? no: T3-T10 rigid = 1) + mechanical pain 3 + normal 0 + <50% collapse 2 + unilateral 1 = 9
    assert "SINS 9" in body.replace("\\", "")


def test_lesion_bad_size_and_free_text_limits(page_store: str, user_ids: dict[str, int], new_case: tuple[int, int]) -> None:
    case_id, pid = new_case
    at = board(user_ids["coordinator"], case_id, "Imaging")
    name = f"add_imaging_study_{case_id}"
    before = _count(page_store, "SELECT count(*) FROM imaging_study WHERE patient_id = ?", [pid])
    at.selectbox(key=f"{name}__modality__en").set_value("mri")
    at.date_input(key=f"{name}__study_date").set_value(date.today())
    # the free-text limit is the widget's (200 characters); the model repeats it behind the page
    assert at.text_input(key=f"{name}__region").max_chars == 200
    with pytest.raises(ValueError, match="longer than the limit of 200 characters"):
        clinical.ImagingStudy(patient_id=pid, modality="mri", study_date=date.today(), region="x" * 201)
    at.text_input(key=f"{name}__region").input("")
    at = click(at, "Add imaging study")
    assert "Region *" in [str(t.label) for t in at.text_input] and "is required" in errors(at)
    assert _count(page_store, "SELECT count(*) FROM imaging_study WHERE patient_id = ?", [pid]) == before
    assert at.selectbox(key=f"{name}__modality__en").value == "mri"
    # a date before the birth date: the date picker starts at the birth date; the store refuses it too
    from core.errors import FieldError

    con = _con(page_store)
    try:
        who = Actor(user_id=user_ids["coordinator"], username="coordinator", role=Role.COORDINATOR)
        with pytest.raises(FieldError) as info:
            clinical.add(
                con,
                who,
                clinical.ImagingStudy(patient_id=pid, modality="ct", study_date=BIRTH - timedelta(days=1), region="chest"),
            )
        assert info.value.errors == {"study_date": "must not be before the birth date"}
    finally:
        con.close()
    assert _count(page_store, "SELECT count(*) FROM imaging_study WHERE patient_id = ?", [pid]) == before


# ---------------------------------------------------------------------------------------------
# Labs


def test_lab_converts_before_saving_and_refuses_implausible_values(
    page_store: str, user_ids: dict[str, int], new_case: tuple[int, int]
) -> None:
    case_id, pid = new_case
    at = board(user_ids["coordinator"], case_id, "Labs")
    name = f"add_lab_{case_id}"
    at.selectbox(key=f"{name}__analyte__en").set_value("calcium").run()
    at.number_input(key=f"{name}__value").set_value(10.0).run()
    at.selectbox(key=f"{name}__unit").set_value("mg/dL").run()
    assert "10.0 mg/dL = 2.50 mmol/L (stored in SI)" in texts(at)
    before = _count(page_store, "SELECT count(*) FROM lab_result WHERE patient_id = ?", [pid])
    # no date yet -> required
    at = click(at, "Add result")
    assert "is required" in errors(at)
    # a future date: the picker ends today, and the model refuses one behind the page
    with pytest.raises(ValueError, match="future"):
        clinical.LabResult(
            patient_id=pid, analyte="calcium", value="2.4", unit="mmol/L", taken_on=date.today() + timedelta(days=2)
        )
    # out of range: 30 mg/dL calcium = 7.5 mmol/L
    at.date_input(key=f"{name}__taken_on").set_value(date.today())
    at.number_input(key=f"{name}__value").set_value(30.0)
    at = click(at, "Add result")
    assert "must lie between 1.00 and 5.00 mmol/L" in errors(at)
    assert _count(page_store, "SELECT count(*) FROM lab_result WHERE patient_id = ?", [pid]) == before
    assert at.number_input(key=f"{name}__value").value == 30.0  # kept
    at.number_input(key=f"{name}__value").set_value(10.0)
    at = click(at, "Add result")
    assert not errors(at), errors(at)
    con = _con(page_store)
    try:
        stored = con.execute("SELECT value, unit FROM lab_result WHERE patient_id = ? AND analyte = 'calcium'", [pid]).fetchall()
    finally:
        con.close()
    assert stored == [(Decimal("2.4950"), "mmol/L")]


# ---------------------------------------------------------------------------------------------
# Assessments


def test_assessment_recorded_dated_then_corrected_with_reason(
    page_store: str, user_ids: dict[str, int], new_case: tuple[int, int]
) -> None:
    case_id, _ = new_case
    at = board(user_ids["coordinator"], case_id)
    name = f"assess_{case_id}"
    # out of range survival -> message, nothing saved
    at.number_input(key=f"{name}__expected_survival_weeks").set_value(2000)
    at.selectbox(key=f"{name}__ecog__en").set_value(2)
    at = click(at, "Record assessment")
    assert "expected_survival_weeks" in errors(at) or "1040" in errors(at)
    assert _count(page_store, "SELECT count(*) FROM assessment WHERE case_id = ?", [case_id]) == 0
    assert at.selectbox(key=f"{name}__ecog__en").value == 2
    at.number_input(key=f"{name}__expected_survival_weeks").set_value(30)
    picker(at, f"{name}__nrs").set_value(7)
    at.date_input(key=f"{name}__observed_on").set_value(date.today() - timedelta(days=1))
    at = click(at, "Record assessment")
    assert not errors(at), errors(at)
    assert _count(page_store, "SELECT count(*) FROM assessment WHERE case_id = ?", [case_id]) == 3
    at = board(user_ids["coordinator"], case_id)
    shown = {str(m.label): str(m.value) for m in at.metric}
    assert shown["ECOG"] == "2" and shown["Pain (NRS)"] == "7/10"
    assert any("1 day" in df.value.to_string() for df in at.dataframe)  # the age of the values
    # correct ECOG: reason required
    picker(at, f"assess_hist_{case_id}").set_value("ecog").run()
    pick = picker(at, f"assess_fix_pick_{case_id}_ecog").value
    picker(at, f"assess_fix_{pick}__value").set_value(3)
    at = click_in(at, f"assess_fix_{pick}__form", "Save correction")
    assert "is required" in errors(at)
    at.text_input(key=f"assess_fix_{pick}__reason").input("re-examined: in bed > 50% of the day")
    at = click_in(at, f"assess_fix_{pick}__form", "Save correction")
    assert not errors(at), errors(at)
    at = board(user_ids["coordinator"], case_id)
    assert {str(m.label): str(m.value) for m in at.metric}["ECOG"] == "3"
    assert _count(page_store, "SELECT count(*) FROM audit_log WHERE entity = 'assessment' AND action = 'correct'") == 1


# ---------------------------------------------------------------------------------------------
# Concurrent correction


def test_second_correction_of_the_same_lesion_sees_both_versions(
    page_store: str, user_ids: dict[str, int], new_case: tuple[int, int]
) -> None:
    case_id, pid = new_case
    con = _con(page_store)
    try:
        chair = Actor(user_id=user_ids["chair"], username="chair", role=Role.CHAIR, specialty=Specialty.MEDICAL_ONCOLOGY)
        lesion_id = clinical.add(
            con, chair, clinical.Lesion(patient_id=pid, bone="femur", side="left", segment="shaft", lesion_type="lytic")
        )
    finally:
        con.close()
    at = board(user_ids["coordinator"], case_id, "Lesions")
    picker(at, f"pick_lesion_{case_id}").set_value(lesion_id).run()
    name = f"fix_lesion_{lesion_id}"
    picker(at, f"{name}__size_fraction").set_value("gt_two_thirds")
    at.text_input(key=f"{name}__reason").input("X-ray measured")
    # meanwhile the chair corrects the same lesion
    con = _con(page_store)
    try:
        current = clinical.get_lesion(con, lesion_id)
        clinical.correct(
            con, chair, current.model_copy(update={"limb_pain": "functional"}), expected_version=1, reason="pain on walking"
        )
    finally:
        con.close()
    at = click_in(at, f"{name}__form", "Save correction")
    body = errors(at)
    assert "Someone else changed this entry" in body
    assert _count(page_store, "SELECT count(*) FROM lesion WHERE coalesce(root_id, lesion_id) = ?", [lesion_id]) == 2
    frames = [str(df.value) for df in at.dataframe]
    assert any("functional" in f and "gt_two_thirds" in f for f in frames)


# ---------------------------------------------------------------------------------------------
# A new patient from referral to a ready, fully scored case, through the forms only


def _fill(at: AppTest, form: str, values: dict[str, object]) -> None:
    for field, value in values.items():
        key = f"{form}__{field}"
        for finder in (at.selectbox, at.number_input, at.date_input, at.text_input, at.text_area, at.multiselect, at.checkbox):
            try:
                widget = finder(key=key)
            except KeyError:
                try:  # pickers whose option labels follow the language carry the language in their key
                    widget = finder(key=f"{key}__en")
                except KeyError:
                    continue
            if finder in (at.text_input, at.text_area):
                widget.input(value)
            elif finder is at.checkbox:
                widget.check() if value else widget.uncheck()
            else:
                widget.set_value(value)
            break
        else:
            raise AssertionError(f"no widget {key}")


def test_new_patient_to_ready_and_fully_scored_case(page_store: str, user_ids: dict[str, int]) -> None:
    from db.board import load_board

    today = date.today()
    birth = today.replace(year=today.year - 65) if (today.month, today.day) != (2, 29) else date(today.year - 65, 3, 1)
    coordinator = user_ids["coordinator"]
    at = app("cases", user_id=coordinator).run()
    _fill(
        at,
        "referral",
        {
            "mrn": "E2E-0001",
            "display_name": "End To End",
            "sex": "female",
            "birth_date": birth,
            "referrer": "Dr Breast",
            "question": "Back and thigh pain: stability and radiotherapy?",
            "primary_tumour": "breast",
            "histology": "invasive_ductal",
            "er": "positive",
            "pr": "positive",
            "her2": "negative",
            "patient_wishes": "Wants to keep walking",
        },
    )
    at = click(at, "Refer")
    assert not errors(at), errors(at)
    con = _con(page_store)
    try:
        case_id = int(
            con.execute("SELECT c.case_id FROM mdt_case c JOIN patient p USING (patient_id) WHERE p.mrn = 'E2E-0001'").fetchone()[
                0
            ]
        )  # type: ignore[index]
    finally:
        con.close()

    at = board(coordinator, case_id)
    _fill(
        at,
        f"assess_{case_id}",
        {
            "ecog": 1,
            "kps": 80,
            "frankel": "E",
            "neuro_assessed": True,
            "nrs": 6,
            "pain_character": "nociceptive",
            "expected_survival_weeks": 52,
            "fit_for_surgery": True,
            "weight_kg": 60.0,
            "visceral_mets": "none",
            "prior_chemotherapy": False,
            "primary_controlled": True,
        },
    )
    at = click_in(at, f"assess_{case_id}__form", "Record assessment")
    assert not errors(at), errors(at)

    at = board(coordinator, case_id, "Lesions")
    spine = {
        "bone": "spine",
        "level": "T9",
        "lesion_type": "lytic",
        "spinal_pain": "mechanical",
        "alignment": "normal",
        "collapse": "lt_50_collapse",
        "posterolateral": "unilateral",
        "bilsky": "1a",
        "posterior_wall_intact": "yes",
        "surgeon_stability": "stable",
    }
    _fill(at, f"add_lesion_{case_id}", spine)
    at = click_in(at, f"add_lesion_{case_id}__form", "Add lesion")
    assert not errors(at), errors(at)
    femur = {
        "bone": "femur",
        "side": "left",
        "segment": "shaft",
        "lesion_type": "lytic",
        "size_fraction": "gt_two_thirds",
        "limb_pain": "functional",
    }
    _fill(at, f"add_lesion_{case_id}", femur)
    at = click_in(at, f"add_lesion_{case_id}__form", "Add lesion")
    assert not errors(at), errors(at)
    con = _con(page_store)
    try:
        pid = cases.get_case(con, case_id).patient_id
        t9, left_femur = (les.lesion_id for les in clinical.load_facts(con, pid)["lesions"])
    finally:
        con.close()

    at = board(coordinator, case_id, "Imaging")
    _fill(
        at,
        f"add_imaging_study_{case_id}",
        {"modality": "mri", "study_date": today, "region": "whole spine and femora", "lesion_ids": [t9, left_femur]},
    )
    at = click_in(at, f"add_imaging_study_{case_id}__form", "Add imaging study")
    assert not errors(at), errors(at)

    at = board(coordinator, case_id, "Labs")
    for analyte, value, unit in (("calcium", 2.40, "mmol/L"), ("albumin", 3.0, "g/dL"), ("creatinine", 80.0, "µmol/L")):
        picker(at, f"add_lab_{case_id}__analyte").set_value(analyte).run()
        at.number_input(key=f"add_lab_{case_id}__value").set_value(value)
        at.selectbox(key=f"add_lab_{case_id}__unit").set_value(unit)
        at.date_input(key=f"add_lab_{case_id}__taken_on").set_value(today)
        at = click(at, "Add result")
        assert not errors(at), errors(at)

    at = board(coordinator, case_id, "Timeline")
    _fill(
        at,
        f"add_treatment_{case_id}",
        {
            "kind": "radiotherapy",
            "name": "RT left femur",
            "start_date": today,
            "lesion_ids": [left_femur],
            "dose_gy": 8.0,
            "fractions": 1,
        },
    )
    at = click_in(at, f"add_treatment_{case_id}__form", "Add treatment")
    assert not errors(at), errors(at)

    con = _con(page_store)
    try:
        b = load_board(con, case_id)
    finally:
        con.close()
    assert b.readiness.ready, [i.key for i in b.readiness.problems]
    # the values computed by hand
    expected = {
        # SINS T9: rigid T3-T10 1 + mechanical pain 3 + lytic 2 + normal alignment 0 + <50% collapse 2 + unilateral 1
        ("sins", t9): Decimal(9),
        # Mirels left femoral shaft: lower limb 2 + functional pain 3 + lytic 3 + > 2/3 of the diameter 3
        ("mirels", left_femur): Decimal(11),
        # corrected calcium: 2.40 + 0.02 x (40 - 30 g/L albumin) = 2.60 mmol/L
        ("corrected_calcium", None): Decimal("2.60"),
    }
    for (score_id, lesion_id), value in expected.items():
        found = [
            s for s in (*b.scores.per_lesion, *b.scores.patient.values()) if s.score_id == score_id and s.lesion_id == lesion_id
        ]
        assert found and found[0].complete, score_id
        assert Decimal(str(found[0].result.total)).quantize(Decimal("0.01")) == value.quantize(Decimal("0.01")), score_id
    # CrCl: (140 - 65) x 60 kg / (72 x 80/88.4 mg/dL) x 0.85 (female) = 58.7 mL/min -> 3.5 mg band
    zol = next(s for s in b.scores.patient.values() if s.score_id == "zoledronic_acid_dose")
    assert zol.result.band == "3.5_mg"
    incomplete = [s.score_id for s in (*b.scores.per_lesion, *b.scores.patient.values()) if s.applicable and not s.complete]
    assert incomplete == [], incomplete
    # the radiotherapy course names the femoral lesion it treated
    assert b.cf.treatments[0].lesion_ids == (left_femur,)
