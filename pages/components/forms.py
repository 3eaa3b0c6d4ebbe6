"""Data-entry forms: the shared form state and field-error mapping, and the referral.

The clinical facts of a case are entered on the case board: ``forms_facts.py`` (lesions, imaging,
treatments, events), ``forms_lab.py`` (laboratory results), ``forms_assessment.py`` (dated
assessments).

Pattern for every form: widgets keep what was typed (keyed state); on submit the values go
through the pydantic model and the write function; errors come back field by field and are shown
next to their field on the rerun; nothing is saved on error; a submission token makes a double
click create one row.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

import streamlit as st
from pydantic import BaseModel, ValidationError

from core.errors import BoneMDTError, FieldError
from core.i18n import enum_label
from core.models import (
    Case,
    Frankel,
    Histology,
    Marker,
    NeuroSign,
    Patient,
    PrimaryTumour,
    Priority,
    Sex,
    Specialty,
    Stream,
)
from core.text import LONG_TEXT_MAX, SHORT_TEXT_MAX
from core.validation import field_label, validation_messages
from core.vocabulary import CastrationStatus
from db import cases
from pages.components.guard import PageContext
from pages.components.widgets import lang_key

NONE = "—"


def field_errors(exc: ValidationError | FieldError, lang: str | None = None) -> dict[str, str]:
    """Field -> every message for it, in the user's language (catalogue messages for pydantic's
    error types), never echoing the input (include_input=False)."""
    return validation_messages(exc, lang or str(st.session_state.get("lang", "en")))


class FormState:
    """Errors, token and the success notice of one form, kept in the session."""

    def __init__(self, name: str):
        self.name = name
        st.session_state.setdefault(f"{name}__token", uuid.uuid4().hex)
        self.errors: dict[str, str] = st.session_state.get(f"{name}__errors", {})

    @property
    def token(self) -> str:
        return str(st.session_state[f"{self.name}__token"])

    def key(self, field: str) -> str:
        return f"{self.name}__{field}"

    def submit(self, label: str, **kwargs: Any) -> bool:
        """The form's submit button, keyed by the submission token: a click sent for the button
        of an earlier run (a repeated click after the save) matches no button and does nothing."""
        return st.form_submit_button(label, key=f"{self.name}__submit__{self.token}", **kwargs)

    def error(self, *fields: str) -> None:
        for field in fields:
            if field in self.errors:
                st.error(self.errors[field], icon=":material/error:")

    def fail(self, errors: dict[str, str]) -> None:
        st.session_state[f"{self.name}__errors"] = errors
        st.rerun()

    def done(self, notice: str | None) -> None:
        """Saved: a new token, and ``notice`` shown once on the next run (None: the form shows
        its own)."""
        st.session_state.pop(f"{self.name}__errors", None)
        st.session_state[f"{self.name}__token"] = uuid.uuid4().hex
        if notice:
            st.session_state[f"{self.name}__notice"] = notice
        st.rerun()

    def notice(self) -> None:
        text = st.session_state.pop(f"{self.name}__notice", None)
        if text:
            st.success(text)

    def unknown_errors(self, known: Sequence[str]) -> None:
        lang = str(st.session_state.get("lang", "en"))
        for field, msg in self.errors.items():
            if field not in known:
                text = msg if field == "form" else f"{field_label(field, lang)}{'：' if lang == 'zh' else ': '}{msg}"
                st.error(text, icon=":material/error:")


def _opt(vocab: type[StrEnum], lang: str, *, allow_none: bool = True) -> tuple[list[str | None], Callable[[Any], str]]:
    options: list[str | None] = ([None] if allow_none else []) + [m.value for m in vocab]
    return options, lambda v: NONE if v is None else enum_label(v, lang, vocab)


def _select(
    ctx: PageContext,
    form: FormState,
    field: str,
    label: str,
    vocab: type[StrEnum],
    *,
    allow_none: bool = True,
    index: int | None = 0,
) -> str | None:
    options, fmt = _opt(vocab, ctx.lang, allow_none=allow_none)
    value = st.selectbox(
        label,
        options,
        format_func=fmt,
        key=lang_key(form.key(field), ctx.lang),
        index=index,
        placeholder=ctx.t("common.choose_one"),
    )
    form.error(field)
    return value


def _submit(
    ctx: PageContext, form: FormState, build: Callable[[], BaseModel], save: Callable[[BaseModel], object], notice: str
) -> None:
    try:
        model = build()
        save(model)
    except (ValidationError, FieldError) as exc:
        form.fail(field_errors(exc))
    except BoneMDTError as exc:
        form.fail({"form": str(exc)})
    else:
        form.done(notice)


# ------------------------------------------------------------------------------------------------
# Referral

# This session's last saved referral: its fingerprint and token, the case, whether it was a
# repeat, and whether its notice is still shown (until the form is sent again).
_LAST_REFERRAL = "referral__last"


def referral_form(ctx: PageContext) -> None:
    """Refer a new patient: demographics, the question to the MDT and the clinical header."""
    tr = ctx.t
    form = FormState("referral")
    last = st.session_state.get(_LAST_REFERRAL)
    if isinstance(last, dict) and last["shown"]:
        # Kept on every run until the next submission: a second click of a double click that
        # reaches no button still reruns the page, and the success must not vanish with it.
        st.success(tr("form.referral.already" if last["repeat"] else "form.referral.done", case=last["case_id"]))
    with st.form("referral_form", clear_on_submit=False, border=True):
        st.subheader(tr("form.referral.title"))
        # the date field wider, the sex picker narrower: at 1024 px an empty date's "yyyy/mm/dd"
        # was cut in a quarter of the form ("yyyy / mm / c")
        c1, c2, c3, c4 = st.columns((1.0, 1.0, 0.7, 1.3))
        with c1:
            mrn = st.text_input(tr("col.mrn"), max_chars=20, key=form.key("mrn"), help=tr("form.mrn_help"))
            form.error("mrn")
        with c2:
            name = st.text_input(tr("col.patient"), max_chars=SHORT_TEXT_MAX, key=form.key("display_name"))
            form.error("display_name")
        with c3:
            # No default: the referrer picks the sex (a preselected value was saved unread).
            sex = _select(ctx, form, "sex", tr("col.sex"), Sex)
        with c4:
            birth = st.date_input(
                tr("form.birth_date"), value=None, min_value=date(1900, 1, 1), max_value=date.today(), key=form.key("birth_date")
            )
            form.error("birth_date")
        c1, c2, c3 = st.columns(3)
        with c1:
            referrer = st.text_input(tr("form.referrer"), max_chars=SHORT_TEXT_MAX, key=form.key("referrer"))
            form.error("referrer")
        with c2:
            ref_spec = _select(ctx, form, "referrer_specialty", tr("form.referrer_specialty"), Specialty, allow_none=False)
        with c3:
            referral_date = st.date_input(
                tr("col.referral_date"), value=date.today(), max_value=date.today(), key=form.key("referral_date")
            )
            form.error("referral_date")
        question = st.text_area(tr("case.question"), max_chars=LONG_TEXT_MAX, key=form.key("question"))
        form.error("question")
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            primary = _select(ctx, form, "primary_tumour", tr("col.primary_tumour"), PrimaryTumour, allow_none=False)
        with c2:
            histology = _select(ctx, form, "histology", tr("form.histology"), Histology)
        with c3:
            stream = _select(ctx, form, "stream", tr("col.stream"), Stream, allow_none=False)
        with c4:
            priority = _select(ctx, form, "priority", tr("col.priority"), Priority, allow_none=False)
        c1, c2, c3, c4, c5, c6 = st.columns(6)
        with c1:
            er = _select(ctx, form, "er", "ER", Marker)
        with c2:
            pr = _select(ctx, form, "pr", "PR", Marker)
        with c3:
            her2 = _select(ctx, form, "her2", "HER2", Marker)
        with c4:
            egfr = _select(ctx, form, "egfr", "EGFR", Marker)
        with c5:
            alk = _select(ctx, form, "alk", "ALK", Marker)
        with c6:
            castration = _select(ctx, form, "castration", tr("form.castration"), CastrationStatus)
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            ecog = st.selectbox(
                "ECOG",
                [None, 0, 1, 2, 3, 4, 5],
                key=form.key("ecog"),
                format_func=lambda v: NONE if v is None else str(v),
                placeholder=NONE,
            )
            form.error("ecog")
        with c2:
            kps = st.selectbox(
                "KPS",
                [None, *range(100, -1, -10)],
                key=form.key("kps"),
                format_func=lambda v: NONE if v is None else str(v),
                placeholder=NONE,
            )
            form.error("kps")
        with c3:
            frankel = _select(ctx, form, "frankel", "Frankel", Frankel)
        with c4:
            nrs = st.selectbox(
                "NRS",
                [None, *range(11)],
                key=form.key("nrs"),
                format_func=lambda v: NONE if v is None else str(v),
                placeholder=NONE,
            )
            form.error("nrs")
        neuro = st.multiselect(
            tr("form.neuro_signs"),
            NeuroSign,
            key=lang_key(form.key("neuro_signs"), ctx.lang),
            placeholder=tr("common.choose_many"),
            format_func=lambda v: tr("form.neuro." + v),
        )
        neuro_assessed = st.checkbox(tr("form.neuro_assessed"), key=form.key("neuro_assessed"))
        wishes = st.text_area(tr("case.patient_wishes"), max_chars=LONG_TEXT_MAX, key=form.key("patient_wishes"))
        form.error("patient_wishes")
        comorbidities = st.text_area(tr("case.comorbidities"), max_chars=LONG_TEXT_MAX, key=form.key("comorbidities"))
        form.error("comorbidities")
        form.unknown_errors(
            [
                "mrn",
                "display_name",
                "sex",
                "birth_date",
                "referrer",
                "referrer_specialty",
                "referral_date",
                "question",
                "primary_tumour",
                "histology",
                "stream",
                "priority",
                "er",
                "pr",
                "her2",
                "egfr",
                "alk",
                "castration",
                "ecog",
                "kps",
                "frankel",
                "nrs",
                "patient_wishes",
                "comorbidities",
            ]
        )
        submitted = form.submit(tr("form.referral.submit"), type="primary")
    if not submitted:
        return
    if isinstance(last, dict):
        last["shown"] = False  # this submission's outcome replaces the notice
    # Every problem at once: the required pickers and both models are checked before failing.
    required: dict[str, str] = {}
    if birth is None:
        required["birth_date"] = tr("form.required")
    if sex is None:
        required["sex"] = tr("form.required")
    # In demo mode every patient is practice data: marked synthetic, so the demo store still starts.
    patient_data = {"mrn": mrn, "display_name": name, "sex": sex, "birth_date": birth, "synthetic": ctx.store.demo}
    case_data = {
        "patient_id": 0,
        "referral_date": referral_date,
        "referrer": referrer,
        "referrer_specialty": ref_spec,
        "question": question,
        "primary_tumour": primary,
        "histology": histology,
        "stream": stream,
        "priority": priority,
        "er": er,
        "pr": pr,
        "her2": her2,
        "egfr": egfr,
        "alk": alk,
        "castration": castration,
        "ecog": ecog,
        "kps": kps,
        "frankel": frankel,
        "nrs": nrs,
        "neuro_signs": tuple(neuro),
        "neuro_assessed": neuro_assessed or bool(neuro),
        "patient_wishes": wishes,
        "comorbidities": comorbidities,
    }
    errors: dict[str, str] = {}
    patient = case = None
    try:
        patient = Patient.model_validate(patient_data)
    except ValidationError as exc:
        errors |= field_errors(exc, ctx.lang)
    try:
        case = Case.model_validate(case_data)
    except ValidationError as exc:
        errors |= field_errors(exc, ctx.lang)
    errors |= required
    if errors or patient is None or case is None:
        form.fail(errors)
        return
    # The same referral sent again (a double click, or Refer clicked again on the form that still
    # shows it) reuses the token of the save: the store returns that case instead of a second one.
    sent = _referral_fingerprint(patient, case)
    repeat = isinstance(last, dict) and last["fingerprint"] == sent
    token = str(last["token"]) if isinstance(last, dict) and repeat else form.token
    try:
        case_id = cases.refer(ctx.cur, ctx.actor, patient, case, token=token)
    except (FieldError, BoneMDTError) as exc:
        form.fail(field_errors(exc) if isinstance(exc, FieldError) else {"form": str(exc)})
        return
    st.session_state[_LAST_REFERRAL] = {
        "fingerprint": sent,
        "token": token,
        "case_id": case_id,
        "repeat": repeat,
        "shown": True,
    }
    form.done(None)


def _referral_fingerprint(patient: Patient, case: Case) -> str:
    """What a referral says (every field), to recognise the same referral sent twice."""
    text = patient.model_dump_json() + "\x00" + case.model_dump_json(exclude={"created_at"})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
