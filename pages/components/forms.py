"""Data-entry forms: referral, and the clinical facts of a case (lesions, imaging, labs,
treatments, events, the clinical header).

Pattern for every form: widgets keep what was typed (keyed state); on submit the values go
through the pydantic model and the write function; errors come back field by field and are shown
next to their field on the rerun; nothing is saved on error; a submission token makes a double
click create one row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import streamlit as st
from pydantic import BaseModel, ValidationError

from core.errors import BoneMDTError, FieldError
from core.i18n import enum_label
from core.models import (
    ANALYTE_UNITS,
    UNIT_CONVERSIONS,
    VERTEBRAL_LEVELS,
    Alignment,
    Analyte,
    BilskyGrade,
    Bone,
    Case,
    CaseFile,
    ClinicalEvent,
    Collapse,
    EventKind,
    Frankel,
    Histology,
    ImagingStudy,
    LabResult,
    Lesion,
    LesionType,
    LimbPain,
    Marker,
    Modality,
    NeuroSign,
    Patient,
    Posterolateral,
    PrimaryTumour,
    Priority,
    Segment,
    Sex,
    Side,
    SizeFraction,
    Specialty,
    SpinalPain,
    Stream,
    Treatment,
    TreatmentKind,
)
from core.text import LONG_TEXT_MAX, SHORT_TEXT_MAX
from db import cases, clinical
from pages.components.guard import PageContext

NONE = "—"


def field_errors(exc: ValidationError | FieldError) -> dict[str, str]:
    """Field -> message, never echoing the input (include_input=False)."""
    if isinstance(exc, FieldError):
        return dict(exc.errors)
    out: dict[str, str] = {}
    for err in exc.errors(include_input=False, include_url=False):
        field = str(err["loc"][0]) if err["loc"] else "form"
        msg = str(err["msg"]).removeprefix("Value error, ")
        out.setdefault(field, msg)
    return out


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

    def done(self, notice: str) -> None:
        st.session_state.pop(f"{self.name}__errors", None)
        st.session_state[f"{self.name}__token"] = uuid.uuid4().hex
        st.session_state[f"{self.name}__notice"] = notice
        st.rerun()

    def notice(self) -> None:
        text = st.session_state.pop(f"{self.name}__notice", None)
        if text:
            st.success(text)

    def unknown_errors(self, known: Sequence[str]) -> None:
        for field, msg in self.errors.items():
            if field not in known:
                st.error(f"{field}: {msg}", icon=":material/error:")


def _opt(values: Sequence[str], lang: str, *, allow_none: bool = True) -> tuple[list[str | None], Callable[[Any], str]]:
    options: list[str | None] = ([None] if allow_none else []) + list(values)
    return options, lambda v: NONE if v is None else enum_label(v, lang)


def _select(
    ctx: PageContext,
    form: FormState,
    field: str,
    label: str,
    values: Sequence[str],
    *,
    allow_none: bool = True,
    index: int | None = 0,
) -> str | None:
    options, fmt = _opt(values, ctx.lang, allow_none=allow_none)
    value = st.selectbox(label, options, format_func=fmt, key=form.key(field), index=index)
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


def referral_form(ctx: PageContext) -> None:
    """Refer a new patient: demographics, the question to the MDT and the clinical header."""
    tr = ctx.t
    form = FormState("referral")
    form.notice()
    with st.form("referral_form", clear_on_submit=False, border=True):
        st.subheader(tr("form.referral.title"))
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            mrn = st.text_input(tr("col.mrn"), max_chars=20, key=form.key("mrn"), help=tr("form.mrn_help"))
            form.error("mrn")
        with c2:
            name = st.text_input(tr("col.patient"), max_chars=SHORT_TEXT_MAX, key=form.key("display_name"))
            form.error("display_name")
        with c3:
            sex = _select(ctx, form, "sex", tr("col.sex"), [s.value for s in Sex], allow_none=False)
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
            ref_spec = _select(
                ctx, form, "referrer_specialty", tr("form.referrer_specialty"), [s.value for s in Specialty], allow_none=False
            )
        with c3:
            referral_date = st.date_input(
                tr("col.referral_date"), value=date.today(), max_value=date.today(), key=form.key("referral_date")
            )
            form.error("referral_date")
        question = st.text_area(tr("case.question"), max_chars=LONG_TEXT_MAX, key=form.key("question"))
        form.error("question")
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            primary = _select(
                ctx, form, "primary_tumour", tr("col.primary_tumour"), [p.value for p in PrimaryTumour], allow_none=False
            )
        with c2:
            histology = _select(ctx, form, "histology", tr("form.histology"), [h.value for h in Histology])
        with c3:
            stream = _select(ctx, form, "stream", tr("col.stream"), [s.value for s in Stream], allow_none=False)
        with c4:
            priority = _select(ctx, form, "priority", tr("col.priority"), [p.value for p in Priority], allow_none=False)
        c1, c2, c3, c4, c5, c6 = st.columns(6)
        with c1:
            er = _select(ctx, form, "er", "ER", [m.value for m in Marker])
        with c2:
            pr = _select(ctx, form, "pr", "PR", [m.value for m in Marker])
        with c3:
            her2 = _select(ctx, form, "her2", "HER2", [m.value for m in Marker])
        with c4:
            egfr = _select(ctx, form, "egfr", "EGFR", [m.value for m in Marker])
        with c5:
            alk = _select(ctx, form, "alk", "ALK", [m.value for m in Marker])
        with c6:
            castration = _select(ctx, form, "castration", tr("form.castration"), ["sensitive", "resistant"])
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            ecog = st.selectbox(
                "ECOG", [None, 0, 1, 2, 3, 4, 5], key=form.key("ecog"), format_func=lambda v: NONE if v is None else str(v)
            )
            form.error("ecog")
        with c2:
            kps = st.selectbox(
                "KPS", [None, *range(100, -1, -10)], key=form.key("kps"), format_func=lambda v: NONE if v is None else str(v)
            )
            form.error("kps")
        with c3:
            frankel = _select(ctx, form, "frankel", "Frankel", [f.value for f in Frankel])
        with c4:
            nrs = st.selectbox(
                "NRS", [None, *range(11)], key=form.key("nrs"), format_func=lambda v: NONE if v is None else str(v)
            )
            form.error("nrs")
        neuro = st.multiselect(
            tr("form.neuro_signs"),
            [n.value for n in NeuroSign],
            key=form.key("neuro_signs"),
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
    errors: dict[str, str] = {}
    if birth is None:
        errors["birth_date"] = tr("form.required")
    if errors:
        form.fail(errors)
    patient_data = {"mrn": mrn, "display_name": name, "sex": sex, "birth_date": birth}
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
    errors = {}
    patient = case = None
    try:
        patient = Patient.model_validate(patient_data)
    except ValidationError as exc:
        errors |= field_errors(exc)
    try:
        case = Case.model_validate(case_data)
    except ValidationError as exc:
        errors |= field_errors(exc)
    if errors or patient is None or case is None:
        form.fail(errors)
        return
    try:
        case_id = cases.refer(ctx.cur, ctx.actor, patient, case, token=form.token)
    except (FieldError, BoneMDTError) as exc:
        form.fail(field_errors(exc) if isinstance(exc, FieldError) else {"form": str(exc)})
        return
    form.done(tr("form.referral.done", case=case_id))


# ------------------------------------------------------------------------------------------------
# Clinical facts of an existing case


def lesion_form(ctx: PageContext, cf: CaseFile) -> None:
    tr = ctx.t
    form = FormState(f"lesion_{cf.case.case_id}")
    form.notice()
    with st.form(form.key("form"), border=True):
        st.markdown(f"**{tr('form.lesion.title')}**")
        c1, c2, c3, c4, c5 = st.columns(5)
        with c1:
            bone = _select(ctx, form, "bone", tr("col.bone"), [b.value for b in Bone], allow_none=False)
        with c2:
            level = st.selectbox(
                tr("form.level"), [None, *VERTEBRAL_LEVELS], key=form.key("level"), format_func=lambda v: NONE if v is None else v
            )
            form.error("level")
        with c3:
            side = _select(ctx, form, "side", tr("form.side"), [s.value for s in Side])
        with c4:
            segment = _select(ctx, form, "segment", tr("form.segment"), [s.value for s in Segment])
        with c5:
            ltype = _select(ctx, form, "lesion_type", tr("col.lesion_type"), [t.value for t in LesionType], allow_none=False)
        st.caption(tr("form.lesion.spine_items"))
        c1, c2, c3, c4, c5 = st.columns(5)
        with c1:
            spinal_pain = _select(ctx, form, "spinal_pain", tr("form.spinal_pain"), [p.value for p in SpinalPain])
        with c2:
            alignment = _select(ctx, form, "alignment", tr("form.alignment"), [a.value for a in Alignment])
        with c3:
            collapse = _select(ctx, form, "collapse", tr("form.collapse"), [c.value for c in Collapse])
        with c4:
            posterolateral = _select(ctx, form, "posterolateral", tr("form.posterolateral"), [p.value for p in Posterolateral])
        with c5:
            bilsky = _select(ctx, form, "bilsky", "Bilsky", [b.value for b in BilskyGrade])
        st.caption(tr("form.lesion.limb_items"))
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            size_fraction = _select(ctx, form, "size_fraction", tr("form.size_fraction"), [s.value for s in SizeFraction])
        with c2:
            limb_pain = _select(ctx, form, "limb_pain", tr("form.limb_pain"), [p.value for p in LimbPain])
        with c3:
            size_mm = st.number_input(tr("col.size_mm"), min_value=1, max_value=400, value=None, step=1, key=form.key("size_mm"))
            form.error("size_mm")
        with c4:
            fracture = st.checkbox(tr("col.fracture"), key=form.key("pathological_fracture"))
            painful = st.checkbox(tr("form.painful"), key=form.key("painful"))
        form.unknown_errors(
            [
                "bone",
                "level",
                "side",
                "segment",
                "lesion_type",
                "spinal_pain",
                "alignment",
                "collapse",
                "posterolateral",
                "bilsky",
                "size_fraction",
                "limb_pain",
                "size_mm",
            ]
        )
        submitted = st.form_submit_button(tr("form.lesion.submit"), type="primary")
    if submitted:
        _submit(
            ctx,
            form,
            lambda: Lesion(
                patient_id=cf.patient.patient_id or 0,
                bone=bone,
                level=level,
                side=side,
                segment=segment,
                lesion_type=ltype,
                spinal_pain=spinal_pain,
                alignment=alignment,
                collapse=collapse,
                posterolateral=posterolateral,
                bilsky=bilsky,
                size_fraction=size_fraction,
                limb_pain=limb_pain,
                size_mm=size_mm,
                pathological_fracture=fracture,
                painful=painful,
                detected_date=date.today(),
            ),
            lambda model: clinical.add(ctx.cur, ctx.actor, model, token=form.token),  # type: ignore[arg-type]
            tr("common.saved"),
        )


def lab_form(ctx: PageContext, cf: CaseFile) -> None:
    tr = ctx.t
    form = FormState(f"lab_{cf.case.case_id}")
    form.notice()
    with st.form(form.key("form"), border=True):
        st.markdown(f"**{tr('form.lab.title')}**")
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            analyte = _select(ctx, form, "analyte", tr("form.analyte"), [a.value for a in Analyte], allow_none=False)
        with c2:
            value = st.number_input(tr("form.value"), value=None, min_value=0.0, step=0.01, format="%.2f", key=form.key("value"))
            form.error("value")
        with c3:
            units = sorted({u for u, _, _ in ANALYTE_UNITS.values()} | {u for (_, u) in UNIT_CONVERSIONS})
            unit = st.selectbox(tr("form.unit"), units, key=form.key("unit"))
            form.error("unit")
        with c4:
            taken = st.date_input(tr("form.taken_on"), value=date.today(), max_value=date.today(), key=form.key("taken_on"))
            form.error("taken_on")
        form.unknown_errors(["analyte", "value", "unit", "taken_on"])
        submitted = st.form_submit_button(tr("form.lab.submit"), type="primary")
    if submitted:
        if value is None:
            form.fail({"value": tr("form.required")})
        _submit(
            ctx,
            form,
            lambda: LabResult(
                patient_id=cf.patient.patient_id or 0, analyte=analyte, value=str(value), unit=unit, taken_on=taken
            ),
            lambda model: clinical.add(ctx.cur, ctx.actor, model, token=form.token),  # type: ignore[arg-type]
            tr("common.saved"),
        )


def imaging_form(ctx: PageContext, cf: CaseFile) -> None:
    tr = ctx.t
    form = FormState(f"imaging_{cf.case.case_id}")
    form.notice()
    lesion_ids = [les.lesion_id for les in cf.lesions if les.lesion_id is not None]
    labels = {les.lesion_id: f"#{les.lesion_id} {les.site_label()}" for les in cf.lesions}
    with st.form(form.key("form"), border=True):
        st.markdown(f"**{tr('form.imaging.title')}**")
        c1, c2, c3 = st.columns(3)
        with c1:
            modality = _select(ctx, form, "modality", tr("form.modality"), [m.value for m in Modality], allow_none=False)
        with c2:
            when = st.date_input(tr("col.date"), value=date.today(), max_value=date.today(), key=form.key("study_date"))
            form.error("study_date")
        with c3:
            region = st.text_input(tr("form.region"), max_chars=SHORT_TEXT_MAX, key=form.key("region"))
            form.error("region")
        findings = st.text_area(tr("form.findings"), max_chars=LONG_TEXT_MAX, key=form.key("findings"))
        form.error("findings")
        impression = st.text_area(tr("case.impression"), max_chars=LONG_TEXT_MAX, key=form.key("impression"))
        form.error("impression")
        shows = st.multiselect(
            tr("form.shows_lesions"), lesion_ids, format_func=lambda i: labels.get(i, str(i)), key=form.key("lesions")
        )
        form.unknown_errors(["modality", "study_date", "region", "findings", "impression"])
        submitted = st.form_submit_button(tr("form.imaging.submit"), type="primary")
    if submitted:
        _submit(
            ctx,
            form,
            lambda: ImagingStudy(
                patient_id=cf.patient.patient_id or 0,
                modality=modality,
                study_date=when,
                region=region,
                findings=findings,
                impression=impression,
                lesion_ids=tuple(shows),
            ),
            lambda model: clinical.add(ctx.cur, ctx.actor, model, token=form.token),  # type: ignore[arg-type]
            tr("common.saved"),
        )


def treatment_form(ctx: PageContext, cf: CaseFile) -> None:
    tr = ctx.t
    form = FormState(f"treatment_{cf.case.case_id}")
    form.notice()
    with st.form(form.key("form"), border=True):
        st.markdown(f"**{tr('form.treatment.title')}**")
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            kind = _select(ctx, form, "kind", tr("col.kind"), [k.value for k in TreatmentKind], allow_none=False)
        with c2:
            name = st.text_input(tr("col.name"), max_chars=SHORT_TEXT_MAX, key=form.key("name"))
            form.error("name")
        with c3:
            start = st.date_input(tr("col.start"), value=date.today(), max_value=date.today(), key=form.key("start_date"))
            form.error("start_date")
        with c4:
            end = st.date_input(tr("col.end"), value=None, max_value=date.today(), key=form.key("end_date"))
            form.error("end_date")
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            dose_text = st.text_input(tr("col.dose"), max_chars=SHORT_TEXT_MAX, key=form.key("dose_text"))
            form.error("dose_text")
        with c2:
            dose_gy = st.number_input(
                tr("form.dose_gy"), min_value=0.0, max_value=100.0, value=None, step=0.5, key=form.key("dose_gy")
            )
            form.error("dose_gy")
        with c3:
            fractions = st.number_input(
                tr("form.fractions"), min_value=1, max_value=40, value=None, step=1, key=form.key("fractions")
            )
            form.error("fractions")
        with c4:
            ongoing = st.checkbox(tr("form.ongoing"), key=form.key("ongoing"))
        form.unknown_errors(["kind", "name", "start_date", "end_date", "dose_text", "dose_gy", "fractions"])
        submitted = st.form_submit_button(tr("form.treatment.submit"), type="primary")
    if submitted:
        _submit(
            ctx,
            form,
            lambda: Treatment(
                patient_id=cf.patient.patient_id or 0,
                kind=kind,
                name=name,
                start_date=start,
                end_date=end,
                dose_text=dose_text,
                dose_gy=None if dose_gy is None else str(dose_gy),
                fractions=fractions,
                ongoing=ongoing,
            ),
            lambda model: clinical.add(ctx.cur, ctx.actor, model, token=form.token),  # type: ignore[arg-type]
            tr("common.saved"),
        )


def event_form(ctx: PageContext, cf: CaseFile) -> None:
    tr = ctx.t
    form = FormState(f"event_{cf.case.case_id}")
    form.notice()
    with st.form(form.key("form"), border=True):
        st.markdown(f"**{tr('form.event.title')}**")
        c1, c2 = st.columns(2)
        with c1:
            kind = _select(ctx, form, "kind", tr("col.kind"), [k.value for k in EventKind], allow_none=False)
        with c2:
            when = st.date_input(tr("col.date"), value=date.today(), max_value=date.today(), key=form.key("event_date"))
            form.error("event_date")
        description = st.text_area(tr("form.description"), max_chars=LONG_TEXT_MAX, key=form.key("description"))
        form.error("description")
        form.unknown_errors(["kind", "event_date", "description"])
        submitted = st.form_submit_button(tr("form.event.submit"), type="primary")
    if submitted:
        _submit(
            ctx,
            form,
            lambda: ClinicalEvent(patient_id=cf.patient.patient_id or 0, kind=kind, event_date=when, description=description),
            lambda model: clinical.add(ctx.cur, ctx.actor, model, token=form.token),  # type: ignore[arg-type]
            tr("common.saved"),
        )


def clinical_header_form(ctx: PageContext, cf: CaseFile) -> None:
    """ECOG/KPS, Frankel, NRS, neurology and the other clinical header fields (optimistic update)."""
    tr = ctx.t
    c = cf.case
    form = FormState(f"header_{c.case_id}_{c.row_version}")
    form.notice()
    with st.form(form.key("form"), border=True):
        st.markdown(f"**{tr('form.header.title')}**")
        c1, c2, c3, c4, c5 = st.columns(5)
        with c1:
            ecog = st.selectbox(
                "ECOG",
                [None, 0, 1, 2, 3, 4, 5],
                index=[None, 0, 1, 2, 3, 4, 5].index(c.ecog),
                key=form.key("ecog"),
                format_func=lambda v: NONE if v is None else str(v),
            )
        with c2:
            kps_options = [None, *range(100, -1, -10)]
            kps = st.selectbox(
                "KPS",
                kps_options,
                index=kps_options.index(c.kps),
                key=form.key("kps"),
                format_func=lambda v: NONE if v is None else str(v),
            )
        with c3:
            frankel_opts = [None, *[f.value for f in Frankel]]
            frankel = st.selectbox(
                "Frankel",
                frankel_opts,
                index=frankel_opts.index(c.frankel.value if c.frankel else None),
                key=form.key("frankel"),
                format_func=lambda v: NONE if v is None else v,
            )
        with c4:
            nrs_opts = [None, *range(11)]
            nrs = st.selectbox(
                "NRS",
                nrs_opts,
                index=nrs_opts.index(c.nrs),
                key=form.key("nrs"),
                format_func=lambda v: NONE if v is None else str(v),
            )
        with c5:
            survival = st.number_input(
                tr("form.expected_survival"),
                min_value=0,
                max_value=1040,
                value=c.expected_survival_weeks,
                key=form.key("expected_survival_weeks"),
            )
        neuro = st.multiselect(
            tr("form.neuro_signs"),
            [n.value for n in NeuroSign],
            default=[n.value for n in c.neuro_signs],
            key=form.key("neuro_signs"),
            format_func=lambda v: tr("form.neuro." + v),
        )
        form.unknown_errors([])
        submitted = st.form_submit_button(tr("common.save"), type="primary")
    if submitted:
        changes = {
            "ecog": ecog,
            "kps": kps,
            "frankel": frankel,
            "nrs": nrs,
            "expected_survival_weeks": survival,
            "neuro_signs": tuple(neuro),
            "neuro_assessed": True,
        }
        changes = {k: v for k, v in changes.items() if v != _current(c, k)}
        if not changes:
            return
        try:
            cases.update_case(ctx.cur, ctx.actor, c, changes)
        except (ValidationError, FieldError) as exc:
            form.fail(field_errors(exc))
        except BoneMDTError as exc:
            form.fail({"form": str(exc)})
        else:
            form.done(tr("common.saved"))


def _current(case: Case, field: str) -> Any:
    value = getattr(case, field)
    if isinstance(value, tuple):
        return tuple(v.value if hasattr(v, "value") else v for v in value)
    return value.value if hasattr(value, "value") else value
