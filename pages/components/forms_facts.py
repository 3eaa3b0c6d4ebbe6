"""Entering and correcting a case's clinical facts in place on the case board: lesions, imaging,
treatments, events (labs: ``forms_lab.py``; dated assessments: ``forms_assessment.py``).

One field table per fact drives both the "add" form and the "correct" form (prefilled from the
version on screen). Every form keeps its input after an error, shows each message under its field,
saves nothing on error and carries a submission token. A correction or retraction needs a reason;
if the fact changed since the form was opened, the store refuses with both versions, shown here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

import streamlit as st
from pydantic import BaseModel, ValidationError

from core import validation
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
    CaseFile,
    ClinicalEvent,
    Collapse,
    EventKind,
    ImagingStudy,
    LabResult,
    LesionType,
    LimbPain,
    Modality,
    Posterolateral,
    Segment,
    Side,
    SizeFraction,
    SpinalPain,
    SurgeonStability,
    SurgeryProcedure,
    Treatment,
    TreatmentKind,
)
from core.models import Lesion as LesionModel
from core.text import LONG_TEXT_MAX, SHORT_TEXT_MAX
from db import clinical, fact_access
from db.versioning import VersionConflict
from pages.components.board_common import site_label
from pages.components.forms import NONE, FormState, field_errors
from pages.components.guard import PageContext
from pages.components.widgets import lang_key


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # enum, level, int, dec, date, text, area, bool, lesions, lesion
    options: tuple[str, ...] = ()
    lo: float | None = None
    hi: float | None = None
    required: bool = False
    vocab: type[StrEnum] | None = None  # the vocabulary of an enum field's options (their labels)

    def __post_init__(self) -> None:
        # an enum picker's options are labelled from their vocabulary; only yes/no and units have none
        if self.kind == "enum" and self.vocab is None and set(self.options) - {"yes", "no"} and self.name != "unit":
            raise TypeError(f"enum field {self.name} needs its vocabulary")


def option_label(ctx: PageContext, f: Field, value: Any) -> str:
    """An enum field's option in the user's language: its vocabulary's entry; yes/no; a unit as is."""
    if value is None:
        return NONE
    if f.vocab is not None:
        return enum_label(value, ctx.lang, f.vocab)
    if value in ("yes", "no"):
        return ctx.t(f"common.{value}")
    return str(value)


def enum_values(enum: Any) -> tuple[str, ...]:
    """The values of a vocabulary, in its order (a picker's options)."""
    return tuple(e.value for e in enum)


LESION_FIELDS: tuple[Field, ...] = (
    Field("bone", "enum", enum_values(Bone), vocab=Bone, required=True),
    Field("level", "level"),
    Field("side", "enum", enum_values(Side), vocab=Side),
    Field("segment", "enum", enum_values(Segment), vocab=Segment),
    Field("lesion_type", "enum", enum_values(LesionType), vocab=LesionType, required=True),
    Field("size_mm", "int", lo=1, hi=400),
    Field("detected_date", "date"),
    Field("painful", "bool"),
    Field("pathological_fracture", "bool"),
    Field("fracture_fixed", "bool"),
    # SINS components and the other spinal items
    Field("spinal_pain", "enum", enum_values(SpinalPain), vocab=SpinalPain),
    Field("alignment", "enum", enum_values(Alignment), vocab=Alignment),
    Field("collapse", "enum", enum_values(Collapse), vocab=Collapse),
    Field("posterolateral", "enum", enum_values(Posterolateral), vocab=Posterolateral),
    Field("bilsky", "enum", enum_values(BilskyGrade), vocab=BilskyGrade),
    Field("posterior_wall_intact", "enum", ("yes", "no")),
    Field("surgeon_stability", "enum", enum_values(SurgeonStability), vocab=SurgeonStability),
    Field("surgeon_stability_on", "date"),
    # Mirels components
    Field("size_fraction", "enum", enum_values(SizeFraction), vocab=SizeFraction),
    Field("limb_pain", "enum", enum_values(LimbPain), vocab=LimbPain),
    Field("prior_rt_dose_gy", "dec", lo=0.5, hi=100),
    Field("prior_rt_date", "date"),
)
STUDY_FIELDS: tuple[Field, ...] = (
    Field("modality", "enum", enum_values(Modality), vocab=Modality, required=True),
    Field("study_date", "date", required=True),
    Field("region", "text", required=True),
    Field("lesion_ids", "lesions"),
    Field("findings", "area"),
    Field("impression", "area"),
)
TREATMENT_FIELDS: tuple[Field, ...] = (
    Field("kind", "enum", enum_values(TreatmentKind), vocab=TreatmentKind, required=True),
    Field("name", "text", required=True),
    Field("start_date", "date", required=True),
    Field("end_date", "date"),
    Field("ongoing", "bool"),
    Field("lesion_ids", "lesions"),
    Field("procedure", "enum", enum_values(SurgeryProcedure), vocab=SurgeryProcedure),
    Field("dose_gy", "dec", lo=0.5, hi=100),
    Field("fractions", "int", lo=1, hi=40),
    Field("dose_text", "text"),
)
EVENT_FIELDS: tuple[Field, ...] = (
    Field("kind", "enum", enum_values(EventKind), vocab=EventKind, required=True),
    Field("event_date", "date", required=True),
    Field("lesion_id", "lesion"),
    Field("description", "area"),
)

LAB_UNITS: tuple[str, ...] = tuple(sorted({u for u, _, _ in ANALYTE_UNITS.values()} | {u for (_, u) in UNIT_CONVERSIONS}))
LAB_FIELDS: tuple[Field, ...] = (
    Field("analyte", "enum", enum_values(Analyte), vocab=Analyte, required=True),
    Field("value", "dec", lo=0, hi=100000, required=True),
    Field("unit", "enum", LAB_UNITS, required=True),
    Field("taken_on", "date", required=True),
)

# entity -> (model, fields, id field)
ENTITIES: dict[str, tuple[type[BaseModel], tuple[Field, ...], str]] = {
    "lesion": (LesionModel, LESION_FIELDS, "lesion_id"),
    "imaging_study": (ImagingStudy, STUDY_FIELDS, "study_id"),
    "treatment": (Treatment, TREATMENT_FIELDS, "treatment_id"),
    "clinical_event": (ClinicalEvent, EVENT_FIELDS, "event_id"),
    "lab_result": (LabResult, LAB_FIELDS, "lab_id"),
}


def field_label(ctx: PageContext, name: str) -> str:
    """A field's label: ``fact.<name>``, else the catalogue's general field names (``field.``, ``col.``)."""
    return validation.field_label(name, ctx.lang, prefix="fact")


def _initial(record: BaseModel | None, f: Field) -> Any:
    if record is None:
        return {"lesions": [], "bool": False, "text": "", "area": ""}.get(f.kind)
    value = getattr(record, f.name)
    if f.kind == "lesions":
        return list(value)
    if f.name == "posterior_wall_intact":
        return None if value is None else ("yes" if value else "no")
    if f.kind == "dec" and value is not None:
        return float(value)
    if hasattr(value, "value"):
        return value.value
    return value


def _lesion_labels(ctx: PageContext, cf: CaseFile) -> dict[int, str]:
    return {les.lesion_id: f"#{les.lesion_id} {site_label(les, ctx.lang)}" for les in cf.lesions if les.lesion_id is not None}


def render_fields(
    ctx: PageContext, form: FormState, fields: Sequence[Field], cf: CaseFile, initial: BaseModel | None
) -> dict[str, Any]:
    """The widgets of ``fields`` (keyed: input survives reruns and errors), each with its message."""
    out: dict[str, Any] = {}
    birth = cf.patient.birth_date
    lesions = _lesion_labels(ctx, cf)
    columns = st.columns(3)
    for i, f in enumerate(fields):
        # pickers whose option labels are in the user's language get a key per language
        key = lang_key(form.key(f.name), ctx.lang) if f.kind in ("enum", "lesion", "lesions") else form.key(f.name)
        if key not in st.session_state:
            st.session_state[key] = _initial(initial, f)
        label = field_label(ctx, f.name) + (" *" if f.required else "")
        with columns[i % 3]:
            if f.kind == "enum":
                options: list[Any] = ([] if f.required else [None]) + list(f.options)
                if st.session_state[key] not in options:
                    st.session_state[key] = options[0]
                out[f.name] = st.selectbox(
                    label,
                    options,
                    key=key,
                    format_func=functools.partial(option_label, ctx, f),
                    placeholder=NONE,  # an empty state shows "—" like the None option, not Streamlit's English
                )
            elif f.kind == "level":
                out[f.name] = st.selectbox(
                    label, [None, *VERTEBRAL_LEVELS], key=key, format_func=lambda v: NONE if v is None else v, placeholder=NONE
                )
            elif f.kind == "int":
                out[f.name] = st.number_input(label, min_value=int(f.lo or 0), max_value=int(f.hi or 0), step=1, key=key)
            elif f.kind == "dec":
                lo = None if f.lo is None else float(f.lo)
                hi = None if f.hi is None else float(f.hi)
                out[f.name] = st.number_input(label, min_value=lo, max_value=hi, step=0.01, format="%.2f", key=key)
            elif f.kind == "date":
                out[f.name] = st.date_input(label, min_value=birth, max_value=date.today(), key=key)
            elif f.kind == "text":
                out[f.name] = st.text_input(label, max_chars=SHORT_TEXT_MAX, key=key)
            elif f.kind == "area":
                out[f.name] = st.text_area(label, max_chars=LONG_TEXT_MAX, key=key, height=80)
            elif f.kind == "bool":
                out[f.name] = st.checkbox(label, key=key)
            elif f.kind == "lesions":
                st.session_state[key] = [i for i in st.session_state[key] if i in lesions]
                out[f.name] = st.multiselect(
                    label,
                    list(lesions),
                    key=key,
                    format_func=lambda i: lesions.get(i, str(i)),
                    placeholder=ctx.t("common.choose_many"),
                )
            elif f.kind == "lesion":
                if st.session_state[key] not in lesions:
                    st.session_state[key] = None
                out[f.name] = st.selectbox(
                    label,
                    [None, *lesions],
                    key=key,
                    format_func=lambda i: NONE if i is None else lesions.get(i, str(i)),
                    placeholder=NONE,
                )
            form.error(f.name)
    return out


def build(
    model: type[BaseModel], fields: Sequence[Field], values: dict[str, Any], patient_id: int, fact_id: int | None
) -> BaseModel:
    """The model from the form's values; a required field left empty is named in the error."""
    missing = {f.name: "is required" for f in fields if f.required and values.get(f.name) in (None, "")}
    if missing:
        raise FieldError(missing)
    data = dict(values)
    if "posterior_wall_intact" in data:
        data["posterior_wall_intact"] = {None: None, "yes": True, "no": False}[data["posterior_wall_intact"]]
    for key in ("lesion_ids",):
        if key in data:
            data[key] = tuple(data[key])
    for f in fields:
        if f.kind == "dec" and data.get(f.name) is not None:
            data[f.name] = str(data[f.name])
    id_field = next(name for name in model.model_fields if name.endswith("_id") and name != "patient_id")
    if fact_id is not None:
        data[id_field] = fact_id
    return model.model_validate({"patient_id": patient_id, **data})


def _show_conflict(ctx: PageContext, form: FormState) -> None:
    conflict = st.session_state.get(f"{form.name}__conflict")
    if not conflict:
        return
    current, submitted = conflict
    st.error(ctx.t("fact.conflict"), icon=":material/sync_problem:")
    names = sorted({*(current or {}), *submitted} - {"row_version", "recorded_at", "recorded_by", "patient_id"})
    rows = [
        {
            ctx.t("fact.conflict.field"): n,
            ctx.t("fact.conflict.now"): ctx.t("fact.retracted") if current is None else str((current or {}).get(n, "")),
            ctx.t("fact.conflict.yours"): str(submitted.get(n, "")),
        }
        for n in names
        if current is None or (current or {}).get(n) != submitted.get(n)
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    if st.button(ctx.t("fact.conflict.reload"), key=form.key("reload")):
        _reset(form)
        st.rerun()


def _reset(form: FormState) -> None:
    """Forget a form's typed values, errors, conflict and loaded version (next run prefills anew)."""
    prefix = f"{form.name}__"
    for key in [k for k in st.session_state if str(k).startswith(prefix) and not str(k).endswith("__notice")]:
        del st.session_state[key]


def _fail(form: FormState, exc: Exception) -> None:
    if isinstance(exc, VersionConflict):
        st.session_state[f"{form.name}__conflict"] = (exc.current, exc.submitted)
        form.fail({"form": str(exc)})
    elif isinstance(exc, ValidationError | FieldError):
        form.fail(field_errors(exc))
    else:
        form.fail({"form": str(exc)})


def add_form(ctx: PageContext, cf: CaseFile, entity: str) -> None:
    """The form adding one new fact of ``entity`` to the case's patient."""
    model, fields, _ = ENTITIES[entity]
    form = FormState(f"add_{entity}_{cf.case.case_id}")
    form.notice()
    with st.form(form.key("form"), border=True):
        st.markdown(f"**{ctx.t(f'fact.add.{entity}')}**")
        if entity == "lesion":
            st.caption(ctx.t("fact.lesion.hint"))
        values = render_fields(ctx, form, fields, cf, None)
        form.unknown_errors([f.name for f in fields])
        submitted = st.form_submit_button(ctx.t(f"fact.add.{entity}"), type="primary")
    if submitted:
        try:
            record = build(model, fields, values, cf.patient.patient_id or 0, None)
            clinical.add(ctx.cur, ctx.actor, record, token=form.token)  # type: ignore[arg-type]
        except (ValidationError, BoneMDTError) as exc:
            _fail(form, exc)
        else:
            _reset(form)
            form.done(ctx.t("common.saved"))


def correct_form(
    ctx: PageContext, cf: CaseFile, entity: str, records: Sequence[BaseModel], describe: Callable[[Any], str]
) -> None:
    """Pick a recorded fact; correct it (prefilled, reason required) or retract it; its history."""
    model, fields, id_field = ENTITIES[entity]
    by_id = {getattr(r, id_field): r for r in records}
    if not by_id:
        return
    pick = st.selectbox(
        ctx.t("fact.pick"),
        list(by_id),
        key=lang_key(f"pick_{entity}_{cf.case.case_id}", ctx.lang),
        format_func=lambda i: describe(by_id[i]),
    )
    record = by_id[pick]
    form = FormState(f"fix_{entity}_{pick}")
    form.notice()
    version_key = f"{form.name}__version"
    st.session_state.setdefault(version_key, record.row_version)  # type: ignore[attr-defined]
    _show_conflict(ctx, form)
    with st.form(form.key("form"), border=True):
        st.markdown(f"**{ctx.t('fact.correct.title', what=describe(record))}**")
        values = render_fields(ctx, form, fields, cf, record)
        reason = st.text_input(ctx.t("fact.reason") + " *", max_chars=SHORT_TEXT_MAX, key=form.key("reason"))
        form.error("reason")
        form.unknown_errors([*(f.name for f in fields), "reason"])
        c1, c2 = st.columns(2)
        save = c1.form_submit_button(ctx.t("fact.correct.submit"), type="primary")
        retract = c2.form_submit_button(ctx.t("fact.retract.submit"))
    expected = int(st.session_state[version_key])
    if save or retract:
        try:
            if not reason.strip():
                raise FieldError({"reason": ctx.t("fact.reason.required")})
            if retract:
                clinical.retract(ctx.cur, ctx.actor, entity, pick, expected_version=expected, reason=reason, token=form.token)
            else:
                fixed = build(model, fields, values, cf.patient.patient_id or 0, pick)
                clinical.correct(ctx.cur, ctx.actor, fixed, expected_version=expected, reason=reason, token=form.token)  # type: ignore[arg-type]
        except (ValidationError, BoneMDTError) as exc:
            _fail(form, exc)
        else:
            _reset(form)
            form.done(ctx.t("fact.retracted") if retract else ctx.t("common.saved"))
    with st.expander(ctx.t("fact.history")):
        history = clinical.history(ctx.cur, entity, pick)
        st.dataframe(
            [
                {
                    ctx.t("fact.version"): h["row_version"],
                    ctx.t("fact.recorded_at"): h["recorded_at"],
                    ctx.t("fact.recorded_by"): h["recorded_by"],
                    ctx.t("fact.reason"): h["reason"],
                    ctx.t("fact.retracted"): h["retracted"],
                    **{field_label(ctx, f.name): _plain(h.get(f.name)) for f in fields if f.kind not in ("lesions", "area")},
                }
                for h in history
            ],
            hide_index=True,
            width="stretch",
        )


def _plain(value: Any) -> str:
    return "" if value is None else str(value)


def entry(
    ctx: PageContext,
    cf: CaseFile,
    entity: str,
    records: Sequence[BaseModel],
    describe: Callable[[Any], str],
    add: Callable[[], None] | None = None,
) -> None:
    """The "Add / edit" entry point of one board section (only for roles that may record it)."""
    if not fact_access.may_record(ctx.actor, entity):
        return
    with st.expander(ctx.t(f"fact.entry.{entity}"), icon=":material/edit_note:"):
        if add is not None:
            add()
        else:
            add_form(ctx, cf, entity)
        if records:
            st.divider()
            correct_form(ctx, cf, entity, records, describe)
