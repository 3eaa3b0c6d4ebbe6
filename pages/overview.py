"""Overview: this week's meeting, red-flag queue, my open actions, overdue actions and follow-ups."""

from __future__ import annotations

import streamlit as st

from core.text import md_inline
from core.vocabulary import FollowUpKind
from db import actions, meetings
from pages.components import links
from pages.components.agenda_view import escalation_banner, live_agenda
from pages.components.guard import guard
from pages.components.my_actions import my_actions
from pages.components.widgets import case_table, localise_frame

ctx = guard("overview")
tr = ctx.t
st.title(tr("overview.title"))

next_id = meetings.next_meeting_id(ctx.cur)
# The next agenda at its cases' live urgency (clinical safety rule 4): escalations show here.
items = live_agenda(ctx, next_id) if next_id is not None else None
col_meeting, col_flags = st.columns([1, 2])
with col_meeting:
    st.subheader(tr("overview.next_meeting"))
    if next_id is None or items is None:
        st.info(tr("overview.no_meeting"))
    else:
        meeting = meetings.get_meeting(ctx.cur, next_id)
        # Date and time as text, not a metric: a metric cuts its value to the column width.
        weekday = tr(f"mtg.weekday.{meeting.meeting_date.weekday()}")
        when = tr("overview.when", weekday=weekday, date=meeting.meeting_date.isoformat(), time=meeting.start_time)
        st.caption(tr("overview.meeting_date"))
        st.markdown(f"#### {md_inline(when)}")
        if meeting.location:
            st.caption(tr("overview.location", location=md_inline(meeting.location)))
        c1, c2 = st.columns(2)
        c1.metric(tr("overview.cases_listed"), len(items))
        c2.metric(tr("overview.emergencies"), int((items["urgency"] == "emergency").sum()))
        # Same tab, same session (a Markdown link opened a new tab, signed out: issue 11).
        links.page_link(
            "meetings",
            tr("overview.open_agenda"),
            icon=":material/groups:",
            query={"meeting": str(int(next_id))},
        )
queue = None
with col_flags:
    st.subheader(tr("overview.red_flag_queue"))
    if items is not None:
        queue = items[items["urgency"].isin(["emergency", "urgent"]) | items["escalated"] | items["was_emergency"]]
        if queue.empty:
            st.success(tr("overview.no_red_flags"))
        else:
            st.caption(tr("urg.queue.caption"))
            escalation_banner(ctx, queue)
if queue is not None and not queue.empty:
    # The queue's table at full width: in two thirds of the page its urgency and stream columns
    # were scrolled out of sight (at 1024 px only case and patient showed).
    # Urgency next to the case number, so it shows even when the patient column is long.
    shown = queue[["case_id", "urgency", "patient", "primary_tumour", "since_listing", "stream"]]
    case_table(
        localise_frame(shown, ctx.lang).rename(columns={"since_listing": tr("urg.col.since_listing")}),
        list(queue["case_id"]),
        key="ov_flags",
        tr=tr,
        width="stretch",
    )

st.subheader(tr("overview.my_actions"))
mine = actions.actions(ctx.cur, owner_user_id=ctx.actor.user_id, only_open=True)
my_actions(ctx, mine)

# One above the other, each at full width: side by side, their due dates and owners were cut
# off at the right edge even at 1440 px.
left, right = st.container(), st.container()
with left:
    st.subheader(tr("overview.overdue_actions"))
    overdue = actions.actions(ctx.cur, only_open=True)
    overdue = overdue[overdue["overdue"]]
    if overdue.empty:
        st.success(tr("overview.nothing_overdue"))
    else:
        st.warning(tr("overview.overdue_count", n=len(overdue)))
        case_table(
            localise_frame(overdue[["case_id", "patient", "description", "owner", "due_date"]], ctx.lang),
            list(overdue["case_id"]),
            key="ov_overdue",
            tr=tr,
            width="stretch",
        )
with right:
    st.subheader(tr("overview.overdue_follow_ups"))
    fus = actions.follow_ups(ctx.cur, overdue_only=True)
    if fus.empty:
        st.success(tr("overview.nothing_overdue"))
    else:
        case_table(
            localise_frame(fus[["case_id", "patient", "kind", "due_date"]], ctx.lang, {"kind": FollowUpKind}),
            list(fus["case_id"]),
            key="ov_fus",
            tr=tr,
            width="stretch",
        )
