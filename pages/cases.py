"""Cases: search and filter, readiness at a glance, links to each case board."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.i18n import enum_label, tn
from core.meeting_rules import readiness_from_facts
from core.models import CaseStatus, PrimaryTumour, Priority, Stream
from core.permissions import Capability, allowed
from db import cases, exports
from db.interop.store import IMPORT_ROLES
from db.policies import load_policy
from pages.components.forms import referral_form
from pages.components.guard import guard
from pages.components.import_panel import import_panel
from pages.components.security import export_button
from pages.components.widgets import case_table, fit_width, localise_frame

ctx = guard("cases")
tr = ctx.t
st.title(tr("cases.title"))

can_refer = allowed(ctx.actor.role, Capability.CREATE_CASE)
can_import = ctx.actor.role in IMPORT_ROLES  # the store checks it again (db/interop/store.py)
names = [tr("form.tab.list")] + ([tr("form.tab.refer")] if can_refer else []) + ([tr("import.title")] if can_import else [])
tabs = st.tabs(names)
if can_refer:
    with tabs[1]:
        referral_form(ctx)
if can_import:
    with tabs[-1]:
        import_panel(ctx)

with tabs[0]:
    with st.container(border=True):
        # The search on its own row and the four filters below it: in one row at 1024 px the
        # search hint was cut ("name, MRN or case numb") and then the filters' "全部" (browser walk).
        text = st.text_input(tr("cases.search"), placeholder=tr("cases.search_hint"), max_chars=60)
        c2, c3, c4, c5 = st.columns(4)
        statuses = c2.multiselect(
            tr("col.status"),
            [s.value for s in CaseStatus],
            format_func=lambda v: enum_label(v, ctx.lang, CaseStatus),
            placeholder=tr("common.all"),  # nothing picked filters nothing
        )
        primaries = c3.multiselect(
            tr("col.primary_tumour"),
            [p.value for p in PrimaryTumour],
            format_func=lambda v: enum_label(v, ctx.lang, PrimaryTumour),
            placeholder=tr("common.all"),  # nothing picked filters nothing
        )
        priorities = c4.multiselect(
            tr("col.priority"),
            [p.value for p in Priority],
            format_func=lambda v: enum_label(v, ctx.lang, Priority),
            placeholder=tr("common.all"),  # nothing picked filters nothing
        )
        streams = c5.multiselect(
            tr("col.stream"),
            [s.value for s in Stream],
            format_func=lambda v: enum_label(v, ctx.lang, Stream),
            placeholder=tr("common.all"),  # nothing picked filters nothing
        )

    frame = cases.list_cases(ctx.cur, text=text, statuses=statuses, primaries=primaries, priorities=priorities, streams=streams)
    st.caption(tn("count.rows", len(frame), ctx.lang))
    if frame.empty:
        st.info(tr("common.no_rows"))
    else:
        policy = load_policy(ctx.cur)
        facts = cases.readiness_facts(ctx.cur, [int(i) for i in frame["case_id"]])
        today = date.today()
        checks = {
            cid: readiness_from_facts(
                f, today, imaging_max_days=policy.readiness_imaging_max_days, lab_max_days=policy.readiness_lab_max_days
            )
            for cid, f in facts.items()
        }
        frame["ready"] = frame["case_id"].map(lambda i: checks[int(i)].ready)
        frame["missing"] = frame["case_id"].map(lambda i: ", ".join(tr("ready." + p.key) for p in checks[int(i)].problems))
        shown = frame[
            [
                "case_id",
                "mrn",
                "patient",
                "age",
                "sex",
                "primary_tumour",
                "status",
                "priority",
                "stream",
                "referral_date",
                "ready",
                "missing",
                "ecog",
                "frankel",
                "nrs",
                "lesions",
                "next_meeting",
            ]
        ]
        case_table(
            localise_frame(shown, ctx.lang, {"status": CaseStatus}),
            list(shown["case_id"]),
            key="cases_table",
            tr=tr,
            width="stretch",
            height=560,
            column_config={
                # Wide enough for the whole date (sized to the header, "2026-12-0" was cut).
                tr("col.referral_date"): st.column_config.DateColumn(format="YYYY-MM-DD", width=100),
                tr("col.next_meeting"): st.column_config.DateColumn(format="YYYY-MM-DD", width=100),
                tr("col.ready"): st.column_config.CheckboxColumn(),
                # the patient's whole name and what is missing, read without widening the column
                tr("col.patient"): st.column_config.TextColumn(width=fit_width(shown["patient"])),
                tr("col.missing"): st.column_config.TextColumn(width=fit_width(shown["missing"], cap=420)),
            },
        )
    if allowed(ctx.actor.role, Capability.EXPORT_CASES):
        export_button(
            ctx,
            "cases",
            lambda: exports.cases_csv(
                ctx.cur, ctx.actor, text=text, statuses=statuses, primaries=primaries, priorities=priorities, streams=streams
            ),
        )
