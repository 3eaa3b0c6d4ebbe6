"""Laboratory results on the case board: one result with its unit converted before saving, or a
pasted grid of several results validated row by row (nothing saved if any row is bad).

Conversions and plausibility ranges are core's (``core.models.to_si``, ``ANALYTE_UNITS``); this
module only shows them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from core.errors import BoneMDTError, FieldError
from core.i18n import enum_label
from core.models import ANALYTE_UNITS, UNIT_CONVERSIONS, Analyte, CaseFile, LabResult, to_si
from db import clinical
from pages.components.forms import FormState, field_errors
from pages.components.guard import PageContext
from pages.components.widgets import lang_key


def units_for(analyte: Analyte) -> list[str]:
    """The stored SI unit first, then the units core converts from."""
    return [ANALYTE_UNITS[analyte][0], *(u for (a, u) in UNIT_CONVERSIONS if a == analyte)]


def preview(ctx: PageContext, analyte: Analyte, value: float | None, unit: str) -> str:
    """What will be stored: the value in SI with the plausible range, or why it cannot be."""
    si_unit, lo, hi = ANALYTE_UNITS[analyte]
    span = ctx.t("lab.range", lo=str(lo), hi=str(hi), unit=si_unit)
    if value is None:
        return span
    try:
        si = to_si(analyte, Decimal(str(value)), unit)
    except (ValueError, InvalidOperation):
        return span
    shown = f"{si.quantize(Decimal('0.01'))} {si_unit}"
    if unit == si_unit:
        return ctx.t("lab.stored", value=shown) + " · " + span
    return ctx.t("lab.converted", value=f"{value} {unit}", si=shown) + " · " + span


def single_form(ctx: PageContext, cf: CaseFile) -> None:
    """One result: analyte, value, unit (converted, shown before saving), the date taken."""
    tr = ctx.t
    form = FormState(f"add_lab_{cf.case.case_id}")
    form.notice()
    st.markdown(f"**{tr('fact.add.lab_result')}**")
    # the date field wider: at 1024 px an empty date's "yyyy/mm/dd" was cut in a quarter of the row
    c1, c2, c3, c4 = st.columns((1.1, 0.9, 0.8, 1.4))
    with c1:
        analyte = st.selectbox(
            tr("form.analyte"),
            [a.value for a in Analyte],
            key=lang_key(form.key("analyte"), ctx.lang),
            format_func=lambda v: enum_label(v, ctx.lang, Analyte),
        )
        form.error("analyte")
    units = units_for(Analyte(analyte))
    with c2:
        value = st.number_input(tr("form.value"), value=None, min_value=0.0, step=0.01, format="%.2f", key=form.key("value"))
        form.error("value")
    with c3:
        if st.session_state.get(form.key("unit")) not in units:
            st.session_state[form.key("unit")] = units[0]
        unit = st.selectbox(tr("form.unit"), units, key=form.key("unit"))
        form.error("unit")
    with c4:
        taken = st.date_input(
            tr("form.taken_on"), value=None, min_value=cf.patient.birth_date, max_value=date.today(), key=form.key("taken_on")
        )
        form.error("taken_on")
    st.caption(preview(ctx, Analyte(analyte), value, unit))
    form.unknown_errors(["analyte", "value", "unit", "taken_on"])
    if st.button(tr("fact.add.lab_result"), type="primary", key=form.key("save")):
        missing = {k: tr("form.required") for k, v in (("value", value), ("taken_on", taken)) if v is None}
        if missing:
            form.fail(missing)
        try:
            record = LabResult(
                patient_id=cf.patient.patient_id or 0, analyte=analyte, value=str(value), unit=unit, taken_on=taken
            )
            clinical.add(ctx.cur, ctx.actor, record, token=form.token)
        except (ValidationError, FieldError) as exc:
            form.fail(field_errors(exc))
        except BoneMDTError as exc:
            form.fail({"form": str(exc)})
        else:
            for key in ("value", "taken_on"):
                st.session_state.pop(form.key(key), None)
            form.done(tr("common.saved"))


GRID_COLUMNS = ("analyte", "value", "unit", "taken_on")


def grid_form(ctx: PageContext, cf: CaseFile) -> None:
    """Several results pasted at once; each row validated; all saved together or none."""
    tr = ctx.t
    form = FormState(f"lab_grid_{cf.case.case_id}")
    form.notice()
    st.markdown(f"**{tr('lab.grid.title')}**")
    st.caption(tr("lab.grid.hint"))
    empty = pd.DataFrame(
        {
            "analyte": pd.Series(dtype="object"),
            "value": pd.Series(dtype="float"),
            "unit": pd.Series(dtype="object"),
            "taken_on": pd.Series(dtype="object"),
        }
    )
    all_units = sorted({u for a in Analyte for u in units_for(a)})
    edited = st.data_editor(
        empty,
        key=form.key("grid"),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "analyte": st.column_config.SelectboxColumn(tr("form.analyte"), options=[a.value for a in Analyte]),
            "value": st.column_config.NumberColumn(tr("form.value"), min_value=0.0, format="%.2f"),
            "unit": st.column_config.SelectboxColumn(tr("form.unit"), options=all_units),
            "taken_on": st.column_config.DateColumn(tr("form.taken_on"), max_value=date.today()),
        },
    )
    for line in st.session_state.get(f"{form.name}__rows", []):
        st.error(line, icon=":material/error:")
    form.error("form")
    if st.button(tr("lab.grid.submit"), key=form.key("save")):
        records, problems = grid_records(ctx, cf, edited)
        if problems or not records:
            st.session_state[f"{form.name}__rows"] = problems or [tr("lab.grid.empty")]
            form.fail({})
        try:
            clinical.add_many(ctx.cur, ctx.actor, records, token=form.token)
        except (ValidationError, FieldError) as exc:
            form.fail(field_errors(exc))
        except BoneMDTError as exc:
            form.fail({"form": str(exc)})
        else:
            st.session_state.pop(f"{form.name}__rows", None)
            st.session_state.pop(form.key("grid"), None)
            form.done(tr("lab.grid.done", n=len(records)))


def grid_records(ctx: PageContext, cf: CaseFile, frame: pd.DataFrame) -> tuple[list[LabResult], list[str]]:
    """The grid's rows as results, and one message per bad row (naming the row and the field)."""
    records: list[LabResult] = []
    problems: list[str] = []
    for n, row in enumerate(frame.to_dict("records"), start=1):
        data: dict[str, Any] = {k: row.get(k) for k in GRID_COLUMNS}
        if all(v is None or (isinstance(v, float) and pd.isna(v)) or v == "" for v in data.values()):
            continue
        if isinstance(data["taken_on"], pd.Timestamp):
            data["taken_on"] = data["taken_on"].date()
        missing = [k for k, v in data.items() if v is None or (isinstance(v, float) and pd.isna(v)) or v == ""]
        if missing:
            problems += [ctx.t("lab.grid.row", row=n, field=ctx.t(f"fact.{k}"), msg=ctx.t("form.required")) for k in missing]
            continue
        try:
            if data["taken_on"] < cf.patient.birth_date:
                raise FieldError({"taken_on": "must not be before the birth date"})
            records.append(LabResult(patient_id=cf.patient.patient_id or 0, **{**data, "value": str(data["value"])}))
        except (ValidationError, FieldError) as exc:
            problems += [
                ctx.t("lab.grid.row", row=n, field=ctx.t(f"fact.{k}") if k in GRID_COLUMNS else k, msg=m)
                for k, m in field_errors(exc).items()
            ]
    return records, problems
