"""Planning meetings: a series of weekly meetings on one weekday, time and room (coordinator)."""

from __future__ import annotations

from datetime import date, time, timedelta

import streamlit as st

from db import agenda as workflow
from pages.components.agenda_common import attempt, flash
from pages.components.guard import PageContext


def next_weekday(after: date, weekday: int) -> date:
    """The first date strictly after ``after`` that falls on ``weekday`` (0 = Monday)."""
    return after + timedelta(days=(weekday - after.weekday() - 1) % 7 + 1)


def plan_meetings(ctx: PageContext) -> None:
    tr = ctx.t
    with st.expander(tr("mtg.plan.title"), icon=":material/event:"), st.form("mtg_plan"):
        c1, c2, c3, c4 = st.columns([2, 1, 3, 1])
        weekday = c1.selectbox(
            tr("mtg.plan.weekday"), range(7), index=3, format_func=lambda d: tr(f"mtg.weekday.{d}"), key="mtg_plan_weekday"
        )
        start = c2.time_input(tr("mtg.plan.time"), value=time(8, 0), step=900, key="mtg_plan_time")
        time_slot = c2.empty()
        location = c3.text_input(tr("mtg.plan.location"), max_chars=200, key="mtg_plan_location")
        location_slot = c3.empty()
        count = c4.number_input(tr("mtg.plan.count"), min_value=1, max_value=52, value=4, step=1, key="mtg_plan_count")
        count_slot = c4.empty()
        first = next_weekday(date.today(), int(weekday))
        st.caption(tr("mtg.plan.hint", first=f"{first:%Y-%m-%d}"))
        submitted = st.form_submit_button(tr("mtg.plan.submit"), type="primary", key="mtg_plan_submit")
    if not submitted:
        return
    if start is None:
        time_slot.error(tr("mtg.err.time"))
        return
    ok, ids = attempt(
        ctx,
        workflow.create_meetings,
        ctx.cur,
        ctx.actor,
        first=first,
        count=int(count),
        start_time=f"{start:%H:%M}",
        location=location,
        slots={"count": count_slot, "location": location_slot, "start_time": time_slot},
    )
    if ok:
        flash(tr("mtg.plan.done", n=len(ids or [])) if ids else tr("mtg.plan.none_new"))
        st.rerun()
