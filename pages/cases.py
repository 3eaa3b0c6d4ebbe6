"""Cases: search and filter, readiness at a glance, links to each case board."""

from __future__ import annotations

import streamlit as st

from core.i18n import enum_label
from core.models import CaseStatus, Priority, PrimaryTumour, Stream
from db import cases
from pages.components.guard import guard
from pages.components.widgets import case_link_column, localise_frame

ctx = guard("cases")
tr = ctx.t
st.title(tr("cases.title"))

with st.container(border=True):
    c1, c2, c3, c4, c5 = st.columns([2, 1, 1, 1, 1])
    text = c1.text_input(tr("cases.search"), placeholder=tr("cases.search_hint"), max_chars=60)
    statuses = c2.multiselect(tr("col.status"), [s.value for s in CaseStatus],
                              format_func=lambda v: enum_label(v, ctx.lang))
    primaries = c3.multiselect(tr("col.primary_tumour"), [p.value for p in PrimaryTumour],
                               format_func=lambda v: enum_label(v, ctx.lang))
    priorities = c4.multiselect(tr("col.priority"), [p.value for p in Priority],
                                format_func=lambda v: enum_label(v, ctx.lang))
    streams = c5.multiselect(tr("col.stream"), [s.value for s in Stream],
                             format_func=lambda v: enum_label(v, ctx.lang))

frame = cases.list_cases(ctx.cur, text=text, statuses=statuses, primaries=primaries,
                         priorities=priorities, streams=streams)
st.caption(tr("cases.count", n=len(frame)))
if frame.empty:
    st.info(tr("common.no_rows"))
else:
    shown = frame[["case_id", "mrn", "patient", "age", "sex", "primary_tumour", "status", "priority",
                   "stream", "referral_date", "ecog", "frankel", "nrs", "lesions", "next_meeting"]]
    st.dataframe(
        localise_frame(shown, ctx.lang), hide_index=True, width="stretch", height=560,
        column_config={
            "case_id": case_link_column(tr),
            tr("col.referral_date"): st.column_config.DateColumn(format="YYYY-MM-DD"),
            tr("col.next_meeting"): st.column_config.DateColumn(format="YYYY-MM-DD"),
        },
    )
