"""Meetings (``meetings?meeting=<id>[&present=1]``): plan meetings, the agenda in urgency order,
listing with readiness, attendance and quorum, meeting control, presentation mode."""

from __future__ import annotations

import streamlit as st

from core.i18n import enum_label
from core.models import MeetingStatus
from core.permissions import Capability
from db import agenda as workflow
from db import meetings
from pages.components import agenda_pdf, clock, presentation
from pages.components import meeting_control as control
from pages.components.agenda_attendance import attendance_panel
from pages.components.agenda_cases import summaries
from pages.components.agenda_common import can, show_flash
from pages.components.agenda_listing import listing_panel
from pages.components.agenda_order import agenda_controls
from pages.components.agenda_planning import plan_meetings
from pages.components.agenda_status import pause_timer
from pages.components.agenda_view import agenda_table, header, live_agenda, relisted_report
from pages.components.guard import guard

ctx = guard("meetings")
tr = ctx.t


def _set_present() -> None:
    if st.session_state.get("mtg_present"):
        st.query_params["present"] = "1"
    else:
        st.query_params.pop("present", None)


all_meetings = meetings.list_meetings(ctx.cur)
presenting = st.query_params.get("present") == "1"
if not presenting:
    st.title(tr("meetings.title"))
show_flash()
if can(ctx, Capability.BUILD_AGENDA) and not presenting:
    plan_meetings(ctx)
if all_meetings.empty:
    st.info(tr("meetings.none"))
    st.stop()

ids = [int(i) for i in all_meetings["meeting_id"]]
raw = st.query_params.get("meeting")
selected = int(raw) if raw and raw.isdigit() and int(raw) in ids else (meetings.next_meeting_id(ctx.cur) or ids[-1])
labels = {
    int(r.meeting_id): f"{r.meeting_date:%Y-%m-%d} {r.start_time} · {enum_label(r.status, ctx.lang, MeetingStatus)} · "
    f"{tr('meetings.n_cases', n=int(r.cases))}"
    for r in all_meetings.itertuples()
}
top = st.columns([4, 1], vertical_alignment="bottom")
if presenting:
    # The projector's first line: which meeting, and the way out of presentation mode.
    top[0].caption(labels[selected])
    choice = selected
else:
    picked = top[0].selectbox(tr("meetings.pick"), ids, index=ids.index(selected), format_func=lambda m: labels[m])
    choice = selected if picked is None else int(picked)
st.session_state["mtg_present"] = presenting
top[1].toggle(tr("mtg.p.toggle"), key="mtg_present", on_change=_set_present)
if choice != selected:
    st.query_params["meeting"] = str(choice)
    st.rerun()

meeting = meetings.get_meeting(ctx.cur, selected)
frame = live_agenda(ctx, selected)  # live urgency first (clinical safety rule 4)
relisted_report(ctx)

if presenting:
    presentation.render(ctx, meeting, frame)
    st.stop()
pause_timer(clock.now())

present = workflow.present_specialties(ctx.cur, selected)
header(ctx, meeting, frame, present)
control.meeting_control(ctx, meeting)

writer = can(ctx, Capability.BUILD_AGENDA) and meeting.status != MeetingStatus.CLOSED
names = [tr("meetings.agenda"), tr("meetings.attendance")] + ([tr("mtg.list.title")] if writer else [])
tabs = st.tabs(names, key=f"mtg_tabs_{selected}")
with tabs[0]:
    agenda_table(ctx, frame, summaries(ctx, [int(c) for c in frame["case_id"]]))
    agenda_controls(ctx, meeting, frame)
    if can(ctx, Capability.BUILD_AGENDA):
        agenda_pdf.offer(ctx, meeting)
with tabs[1]:
    attendance_panel(ctx, meeting)
if writer:
    with tabs[2]:
        listing_panel(ctx, meeting)
