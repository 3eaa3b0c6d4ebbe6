"""Sections of the case board. Each takes the page context and the case file and renders."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.i18n import enum_label
from core.models import CaseFile
from db import decisions, meetings
from pages.components.guard import PageContext
from pages.components.widgets import localise_frame


def render(ctx: PageContext, cf: CaseFile) -> None:
    header(ctx, cf)
    tabs = st.tabs([ctx.t("case.tab.lesions"), ctx.t("case.tab.imaging"), ctx.t("case.tab.labs"),
                    ctx.t("case.tab.treatments"), ctx.t("case.tab.decisions")])
    with tabs[0]:
        lesions_table(ctx, cf)
    with tabs[1]:
        imaging(ctx, cf)
    with tabs[2]:
        labs(ctx, cf)
    with tabs[3]:
        treatments(ctx, cf)
    with tabs[4]:
        past_decisions(ctx, cf)


def _v(ctx: PageContext, value: object) -> str:
    if value is None or value == "":
        return ctx.t("common.missing")
    if isinstance(value, bool):
        return ctx.t("common.yes") if value else ctx.t("common.no")
    if isinstance(value, str):
        return enum_label(value, ctx.lang)
    return str(value)


def header(ctx: PageContext, cf: CaseFile) -> None:
    c, p = cf.case, cf.patient
    tr = ctx.t
    st.title(f"{p.display_name} · #{c.case_id}")
    receptors = ", ".join(
        f"{name} {_v(ctx, getattr(c, attr))}"
        for name, attr in (("ER", "er"), ("PR", "pr"), ("HER2", "her2"), ("EGFR", "egfr"), ("ALK", "alk"))
        if getattr(c, attr) is not None
    )
    st.caption(
        f"{p.mrn} · {tr('case.age_sex', age=cf.age, sex=_v(ctx, p.sex.value))} · "
        f"{_v(ctx, c.primary_tumour.value)}"
        + (f" ({_v(ctx, c.histology.value)})" if c.histology else "")
        + (f" · {receptors}" if receptors else "")
        + (f" · {tr('case.castration', status=c.castration.value)}" if c.castration else "")
    )
    cols = st.columns(8)
    cols[0].metric("ECOG", _v(ctx, c.ecog))
    cols[1].metric("KPS", _v(ctx, c.kps))
    cols[2].metric("Frankel", _v(ctx, c.frankel.value if c.frankel else None))
    cols[3].metric("NRS", _v(ctx, c.nrs))
    cols[4].metric(tr("col.stream"), _v(ctx, c.stream.value))
    cols[5].metric(tr("col.status"), _v(ctx, c.status.value))
    cols[6].metric(tr("col.priority"), _v(ctx, c.priority.value))
    history = meetings.case_agenda_history(ctx.cur, c.case_id or 0)
    upcoming = history[history["status"] == "listed"]
    cols[7].metric(tr("col.next_meeting"), f"{upcoming['meeting_date'].iloc[0]:%d %b}" if not upcoming.empty else "—")
    with st.expander(tr("case.question"), expanded=True):
        st.text(c.question)
        if c.patient_wishes:
            st.caption(tr("case.patient_wishes"))
            st.text(c.patient_wishes)
        if c.comorbidities:
            st.caption(tr("case.comorbidities"))
            st.text(c.comorbidities)


def lesions_table(ctx: PageContext, cf: CaseFile) -> None:
    if not cf.lesions:
        st.info(ctx.t("case.no_lesions"))
        return
    rows = [
        {
            "lesion_id": les.lesion_id, "site": les.site_label(), "bone": les.bone.value,
            "lesion_type": les.lesion_type.value, "size_mm": les.size_mm,
            "bilsky": les.bilsky.value if les.bilsky else None,
            "fracture": les.pathological_fracture, "status": les.status.value,
        }
        for les in cf.lesions
    ]
    st.dataframe(localise_frame(pd.DataFrame(rows), ctx.lang), hide_index=True, width="stretch")


def imaging(ctx: PageContext, cf: CaseFile) -> None:
    if not cf.studies:
        st.warning(ctx.t("case.no_imaging"))
        return
    for study in cf.studies:
        age = (cf.as_of - study.study_date).days
        with st.container(border=True):
            st.markdown(f"**{study.study_date:%Y-%m-%d} · {_v(ctx, study.modality.value)} · {study.region}**")
            st.caption(ctx.t("common.days_ago", n=age))
            if study.findings:
                st.text(study.findings)
            if study.impression:
                st.markdown(f"*{ctx.t('case.impression')}*")
                st.text(study.impression)


def labs(ctx: PageContext, cf: CaseFile) -> None:
    if not cf.labs:
        st.info(ctx.t("case.no_labs"))
        return
    frame = pd.DataFrame(
        [{"analyte": lab.analyte.value, "value": float(lab.value), "unit": lab.unit, "taken_on": lab.taken_on} for lab in cf.labs]
    )
    st.dataframe(frame.sort_values(["analyte", "taken_on"]), hide_index=True, width="stretch")


def treatments(ctx: PageContext, cf: CaseFile) -> None:
    if not cf.treatments and not cf.events:
        st.info(ctx.t("common.no_rows"))
        return
    rows = [
        {"kind": tx.kind.value, "name": tx.name, "start": tx.start_date, "end": tx.end_date,
         "dose": tx.dose_text or (f"{tx.dose_gy} Gy / {tx.fractions} fx" if tx.dose_gy else "")}
        for tx in cf.treatments
    ]
    st.dataframe(localise_frame(pd.DataFrame(rows), ctx.lang), hide_index=True, width="stretch")
    if cf.events:
        st.dataframe(
            localise_frame(pd.DataFrame([{"kind": e.kind.value, "date": e.event_date, "description": e.description} for e in cf.events]), ctx.lang),
            hide_index=True, width="stretch",
        )


def past_decisions(ctx: PageContext, cf: CaseFile) -> None:
    frame = decisions.decisions_for_case(ctx.cur, cf.case.case_id or 0)
    if frame.empty:
        st.info(ctx.t("case.no_decisions"))
    for row in frame.itertuples():
        with st.container(border=True):
            st.markdown(f"**v{row.version} · {_v(ctx, row.status)} · {_v(ctx, row.outcome)} · {row.decided_on:%Y-%m-%d}**")
            if row.summary:
                st.text(row.summary)
            if row.amendment_reason:
                st.caption(ctx.t("case.amendment_reason"))
                st.text(row.amendment_reason)
            if row.status == "signed":
                st.caption(ctx.t("case.signed_by", name=row.signed_by, at=f"{row.signed_at:%Y-%m-%d %H:%M}", meaning=row.signature_meaning))
            items = decisions.plan_items(ctx.cur, int(row.decision_id))
            if not items.empty:
                st.dataframe(localise_frame(items[["rule_id", "kind", "text", "disposition", "reason", "delivered"]], ctx.lang), hide_index=True, width="stretch")
    acts = decisions.actions(ctx.cur, case_id=cf.case.case_id)
    if not acts.empty:
        st.subheader(ctx.t("case.actions"))
        st.dataframe(localise_frame(acts[["description", "specialty", "owner", "due_date", "status", "overdue"]], ctx.lang), hide_index=True, width="stretch")
