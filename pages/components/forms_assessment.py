"""Dated clinical assessments on the case board: the latest value of each field with its date and
age, a form recording what was observed on a day, and each field's history with correction and
retraction (reason required; a stale correction shows both versions).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, get_args, get_origin

import streamlit as st

from core.assessments import ASSESSED_FIELDS
from core.errors import BoneMDTError, FieldError
from core.i18n import enum_label
from core.models import Case, CaseFile
from core.text import SHORT_TEXT_MAX
from db import assessments, fact_access
from db.versioning import VersionConflict
from pages.components.forms import NONE, FormState, field_errors
from pages.components.guard import PageContext
from pages.components.widgets import entry_expander, forget, lang_key

_CHOICES: dict[str, list[Any]] = {
    "ecog": [None, 0, 1, 2, 3, 4, 5],
    "kps": [None, *range(100, -1, -10)],
    "nrs": [None, *range(11)],
}


def field_label(ctx: PageContext, field: str) -> str:
    en, zh = ASSESSED_FIELDS[field]
    return zh if ctx.lang == "zh" else en


def _kind(field: str) -> tuple[str, type[StrEnum] | None]:
    annotation = Case.model_fields[field].annotation
    if get_origin(annotation) is tuple:
        return "multi", get_args(annotation)[0]
    args = [a for a in (get_args(annotation) or (annotation,)) if a is not type(None)]
    base = args[0]
    if base is bool:
        return "bool", None
    if isinstance(base, type) and issubclass(base, StrEnum):
        return "enum", base
    if base is int:
        return "int", None
    return "dec", None


def show_value(ctx: PageContext, field: str, value: Any) -> str:
    if value is None:
        return NONE
    kind, enum = _kind(field)
    if kind == "bool":
        return ctx.t("assess.yes") if value else ctx.t("assess.no")
    if kind == "multi":
        return ", ".join(enum_label(v, ctx.lang, enum) for v in value) or ctx.t("assess.none_present")
    if kind == "enum" and enum is not None:
        return enum_label(value, ctx.lang, enum)
    return str(value)


def value_widget(ctx: PageContext, field: str, key: str, label: str) -> Any:
    """One field's input; None (or an empty list) = not recorded."""
    kind, enum = _kind(field)
    fmt = lambda v: NONE if v is None else show_value(ctx, field, v)  # noqa: E731
    if field in _CHOICES or kind in ("bool", "enum", "multi"):
        key = lang_key(key, ctx.lang)  # option labels are in the user's language
    if field in _CHOICES:
        return st.selectbox(label, _CHOICES[field], key=key, format_func=fmt, placeholder=NONE)
    if kind == "bool":
        return st.selectbox(label, [None, True, False], key=key, format_func=fmt, placeholder=NONE)
    if kind == "enum" and enum is not None:
        return st.selectbox(label, [None, *(e.value for e in enum)], key=key, format_func=fmt, placeholder=NONE)
    if kind == "multi" and enum is not None:
        return st.multiselect(
            label,
            [e.value for e in enum],
            key=key,
            format_func=lambda v: enum_label(v, ctx.lang, enum),
            placeholder=ctx.t("common.choose_many"),
        )
    if kind == "int":
        return st.number_input(label, value=None, step=1, key=key)
    return st.number_input(label, value=None, step=0.1, format="%.1f", key=key)


def latest_table(ctx: PageContext, cf: CaseFile) -> None:
    """The value in force per recorded field, with the day it describes and its age."""
    rows = []
    for field in ASSESSED_FIELDS:
        if field not in cf.observed:
            continue
        day = cf.observed[field]
        rows.append(
            {
                ctx.t("assess.field"): field_label(ctx, field),
                ctx.t("assess.value"): show_value(ctx, field, getattr(cf.case, field)),
                ctx.t("assess.observed_on"): day,
                ctx.t("assess.age"): ctx.t("assess.days", n=(cf.as_of - day).days),
            }
        )
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.caption(ctx.t("assess.none"))


def record_form(ctx: PageContext, cf: CaseFile) -> None:
    """Record what was observed on one day (only the fields filled in are saved)."""
    case_id = cf.case.case_id or 0
    form = FormState(f"assess_{case_id}")
    form.notice()
    with st.form(form.key("form"), border=True):
        st.markdown(f"**{ctx.t('assess.record.title')}**")
        day = st.date_input(
            ctx.t("assess.observed_on") + " *",
            value=date.today(),
            min_value=cf.patient.birth_date,
            max_value=date.today(),
            key=form.key("observed_on"),
        )
        form.error("observed_on")
        columns = st.columns(3)
        values: dict[str, Any] = {}
        for i, field in enumerate(ASSESSED_FIELDS):
            with columns[i % 3]:
                values[field] = value_widget(ctx, field, form.key(field), field_label(ctx, field))
                form.error(field)
        form.unknown_errors(["observed_on", *ASSESSED_FIELDS])
        submitted = st.form_submit_button(ctx.t("assess.record.submit"), type="primary")
    if submitted:
        chosen = {f: (str(v) if _kind(f)[0] == "dec" else v) for f, v in values.items() if v is not None and v != []}
        if not chosen:
            form.fail({"form": ctx.t("assess.record.empty")})
        if day is None:
            form.fail({"observed_on": ctx.t("form.required")})
        try:
            assessments.add_many(ctx.cur, ctx.actor, case_id, chosen, day, token=form.token)
        except FieldError as exc:
            form.fail(field_errors(exc))
        except BoneMDTError as exc:
            form.fail({"form": str(exc)})
        else:
            for field in ASSESSED_FIELDS:
                forget(form.key(field))
            form.done(ctx.t("assess.record.done", n=len(chosen)))


def history_panel(ctx: PageContext, cf: CaseFile) -> None:
    """One field's recorded values, newest first; correct or retract one with a reason."""
    case_id = cf.case.case_id or 0
    every = assessments.history(ctx.cur, case_id)  # one read; a field's rows keep this order
    fields = {a.field for a in every}
    recorded = [f for f in ASSESSED_FIELDS if f in fields]
    if not recorded:
        return
    field = st.selectbox(
        ctx.t("assess.history.field"),
        recorded,
        key=lang_key(f"assess_hist_{case_id}", ctx.lang),
        format_func=lambda f: field_label(ctx, f),
    )
    rows = [a for a in every if a.field == field]
    st.dataframe(
        [
            {
                "#": a.assessment_id,
                ctx.t("assess.value"): ctx.t("fact.retracted") if a.retracted else show_value(ctx, field, a.value),
                ctx.t("assess.observed_on"): a.observed_on,
                ctx.t("fact.recorded_at"): a.recorded_at,
                ctx.t("fact.recorded_by"): a.recorded_by,
                ctx.t("fact.reason"): a.reason,
            }
            for a in rows
        ],
        hide_index=True,
        width="stretch",
    )
    superseded = {a.supersedes for a in rows if a.supersedes is not None}
    live = [a for a in rows if not a.retracted and a.assessment_id not in superseded]
    if not live or not fact_access.may_record(ctx.actor, "assessment"):
        return
    pick = st.selectbox(
        ctx.t("assess.fix.pick"),
        [a.assessment_id for a in live],
        key=lang_key(f"assess_fix_pick_{case_id}_{field}", ctx.lang),
        format_func=lambda i: next(
            f"#{a.assessment_id} · {show_value(ctx, field, a.value)} · {a.observed_on}" for a in live if a.assessment_id == i
        ),
    )
    form = FormState(f"assess_fix_{pick}")
    form.notice()
    conflict = st.session_state.get(f"{form.name}__conflict")
    if conflict:
        st.error(ctx.t("fact.conflict"), icon=":material/sync_problem:")
        now, yours = conflict
        st.dataframe(
            [
                {
                    ctx.t("fact.conflict.field"): k,
                    ctx.t("fact.conflict.now"): str((now or {}).get(k, "")),
                    ctx.t("fact.conflict.yours"): str(yours.get(k, "")),
                }
                for k in ("value", "observed_on", "retracted", "reason")
            ],
            hide_index=True,
        )
    with st.form(form.key("form"), border=True):
        new_value = value_widget(ctx, field, form.key("value"), ctx.t("assess.fix.value"))
        form.error(field)
        reason = st.text_input(ctx.t("fact.reason") + " *", max_chars=SHORT_TEXT_MAX, key=form.key("reason"))
        form.error("reason")
        form.unknown_errors([field, "reason"])
        c1, c2 = st.columns(2)
        save = c1.form_submit_button(ctx.t("fact.correct.submit"), type="primary")
        retract = c2.form_submit_button(ctx.t("fact.retract.submit"))
    if save or retract:
        try:
            if not reason.strip():
                raise FieldError({"reason": ctx.t("fact.reason.required")})
            if retract:
                assessments.retract(ctx.cur, ctx.actor, int(pick or 0), reason=reason, token=form.token)
            else:
                if new_value is None or new_value == []:
                    raise FieldError({field: ctx.t("form.required")})
                value = str(new_value) if _kind(field)[0] == "dec" else new_value
                assessments.correct(ctx.cur, ctx.actor, int(pick or 0), value, reason=reason, token=form.token)
        except VersionConflict as exc:
            st.session_state[f"{form.name}__conflict"] = (exc.current, exc.submitted)
            form.fail({"form": str(exc)})
        except FieldError as exc:
            form.fail(field_errors(exc))
        except BoneMDTError as exc:
            form.fail({"form": str(exc)})
        else:
            st.session_state.pop(f"{form.name}__conflict", None)
            form.done(ctx.t("fact.retracted") if retract else ctx.t("common.saved"))


def entry_key(case_id: int) -> str:
    """The key of the assessments expander (built once opened: widgets.entry_expander)."""
    return f"board_entry_assess_{case_id}"


def entry(ctx: PageContext, cf: CaseFile) -> None:
    """The assessments section of the board: latest values, and for those who may record, the forms."""
    box = entry_expander(ctx.t("assess.entry"), key=entry_key(cf.case.case_id or 0), icon=":material/monitor_heart:")
    if box is None:
        return
    with box:
        latest_table(ctx, cf)
        if fact_access.may_record(ctx.actor, "assessment"):
            record_form(ctx, cf)
        with st.container():
            st.markdown(f"**{ctx.t('assess.history')}**")
            history_panel(ctx, cf)
