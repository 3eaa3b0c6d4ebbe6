"""Analytics: case load, timeliness, implementation, skeletal events, attendance, meeting quality."""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum

import streamlit as st

from core.i18n import enum_label
from core.vocabulary import EventKind, NotDeliveredReason, PlanKind, Priority, Specialty
from db import analytics
from pages.components import analytics_charts as charts
from pages.components.board_common import as_date
from pages.components.guard import guard
from pages.components.widgets import localise_frame, text_table

ctx = guard("analytics")
tr = ctx.t
st.title(tr("analytics.title"))


def vocab(of: type[StrEnum]) -> Callable[[str], str]:
    """Labels of one vocabulary's values in the user's language."""
    return lambda value: enum_label(value, ctx.lang, of)


def delivery_state(state: str) -> str:
    """A plan item's delivery state (db.analytics.implementation): delivered, not recorded, or
    not delivered with its reason."""
    if state.startswith("not_delivered_"):
        return tr(
            "analytics.state.not_delivered", reason=enum_label(state.removeprefix("not_delivered_"), ctx.lang, NotDeliveredReason)
        )
    return tr(f"analytics.state.{state}")


def pct(value: float) -> str:
    return "—" if math.isnan(value) else f"{100 * value:.0f} %"


s = analytics.summary(ctx.cur)
cols = st.columns(5)
cols[0].metric(tr("analytics.cases"), int(s["cases"]))
cols[1].metric(tr("analytics.meetings_held"), int(s["meetings_held"]))
cols[2].metric(
    tr("analytics.median_days"),
    "—" if math.isnan(s["median_days_to_decision"]) else f"{s['median_days_to_decision']:.0f}",
    help=tr("analytics.median_days.help"),
)
cols[3].metric(tr("analytics.decided"), pct(s["decided_share"]), help=tr("analytics.decided.help"))
cols[4].metric(tr("analytics.delivered"), pct(s["delivered_share"]), help=tr("analytics.delivered.help"))

axis = {
    "week": tr("analytics.week"),
    "cases": tr("analytics.cases"),
    "urgency": tr("col.urgency"),
    "days": tr("analytics.days"),
    "kind": tr("col.kind"),
    "items": tr("analytics.items"),
    "state": tr("col.status"),
    "quarter": tr("analytics.quarter"),
    "events": tr("analytics.events"),
    "share": tr("analytics.share"),
    "standard": tr("analytics.two_thirds"),
    # Plotly's default date ticks are English ("Oct 2026", "Nov 29"): numeric dates in Chinese.
    "date_ticks": "%Y-%m-%d" if ctx.lang == "zh" else "",
    "month_ticks": "%Y-%m" if ctx.lang == "zh" else "",
}

tab_load, tab_time, tab_impl, tab_sre, tab_quality = st.tabs(
    [
        tr("analytics.tab.load"),
        tr("analytics.tab.timeliness"),
        tr("analytics.tab.implementation"),
        tr("analytics.tab.sre"),
        tr("analytics.tab.quality"),
    ]
)
with tab_load:
    load = analytics.weekly_case_load(ctx.cur)
    if load.empty:
        st.info(tr("common.no_rows"))
    else:
        st.plotly_chart(charts.case_load(load, tr("analytics.case_load"), axis, vocab(Priority)), width="stretch")
    by_primary = analytics.referrals_by_primary(ctx.cur)
    st.dataframe(localise_frame(by_primary, ctx.lang), hide_index=True, width="stretch")
with tab_time:
    frame = analytics.timeliness(ctx.cur)
    if frame.empty:
        st.info(tr("common.no_rows"))
    else:
        names = {"referral_to_meeting_days": tr("analytics.to_meeting"), "referral_to_decision_days": tr("analytics.to_decision")}
        st.plotly_chart(charts.timeliness(frame, tr("analytics.timeliness"), names, axis), width="stretch")
with tab_impl:
    frame = analytics.implementation(ctx.cur)
    if frame.empty:
        st.info(tr("common.no_rows"))
    else:
        st.caption(tr("analytics.implementation_hint"))
        st.plotly_chart(
            charts.implementation(frame, tr("analytics.implementation"), axis, vocab(PlanKind), delivery_state), width="stretch"
        )
with tab_sre:
    frame = analytics.skeletal_events(ctx.cur)
    if frame.empty:
        st.info(tr("common.no_rows"))
    else:
        st.plotly_chart(charts.skeletal_events(frame, tr("analytics.sre"), axis, vocab(EventKind)), width="stretch")
with tab_quality:
    att = analytics.core_attendance(ctx.cur)
    if not att.empty:
        st.plotly_chart(charts.core_attendance(att, tr("analytics.core_attendance"), axis, vocab(Specialty)), width="stretch")
    quality = analytics.meeting_quality(ctx.cur)
    if quality.empty:
        st.info(tr("common.no_rows"))
    else:
        # A wrapping table, not a grid: with the sidebar open at 1024 px the grid's eight columns
        # (their Chinese headings alone ~620 px) pushed "每例讨论分钟" out of view.
        shown = quality.assign(week=[as_date(w) for w in quality["week"]])
        text_table(shown.rename(columns={c: tr(f"analytics.q.{c}") for c in quality.columns}))
