"""Analytics: case load, timeliness, implementation (aggregates only)."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from core.i18n import enum_label
from db import analytics
from pages.components.guard import guard

ctx = guard("analytics")
tr = ctx.t
st.title(tr("analytics.title"))

s = analytics.summary(ctx.cur)
c1, c2, c3, c4 = st.columns(4)
c1.metric(tr("analytics.cases"), int(s["cases"]))
c2.metric(tr("analytics.meetings_held"), int(s["meetings_held"]))
c3.metric(tr("analytics.median_days"), f"{s['median_days_to_decision']:.0f}" if s["median_days_to_decision"] == s["median_days_to_decision"] else "—")
c4.metric(tr("analytics.delivered"), f"{100 * s['delivered_share']:.0f} %" if s["delivered_share"] == s["delivered_share"] else "—")

load = analytics.weekly_case_load(ctx.cur)
if load.empty:
    st.info(tr("common.no_rows"))
else:
    load["urgency"] = load["urgency"].map(lambda v: enum_label(v, ctx.lang))
    fig = px.bar(load, x="week", y="cases", color="urgency", title=tr("analytics.case_load"),
                 labels={"week": tr("analytics.week"), "cases": tr("analytics.cases"), "urgency": tr("col.urgency")},
                 color_discrete_sequence=["#4c78a8", "#f58518", "#e45756"])
    st.plotly_chart(fig, width="stretch")

by_primary = analytics.referrals_by_primary(ctx.cur)
if not by_primary.empty:
    by_primary["primary_tumour"] = by_primary["primary_tumour"].map(lambda v: enum_label(v, ctx.lang))
    fig2 = px.bar(by_primary, x="primary_tumour", y="cases", title=tr("analytics.by_primary"),
                  labels={"primary_tumour": tr("col.primary_tumour"), "cases": tr("analytics.cases")})
    st.plotly_chart(fig2, width="stretch")
