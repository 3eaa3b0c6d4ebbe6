"""Meetings (``meetings?meeting=<id>``): agenda in urgency order, streams, attendance."""

from __future__ import annotations

import streamlit as st

from db import meetings
from pages.components.guard import guard
from pages.components.widgets import case_link_column, localise_frame

ctx = guard("meetings")
tr = ctx.t
st.title(tr("meetings.title"))

all_meetings = meetings.list_meetings(ctx.cur)
if all_meetings.empty:
    st.info(tr("meetings.none"))
    st.stop()

ids = [int(i) for i in all_meetings["meeting_id"]]
raw = st.query_params.get("meeting")
selected = int(raw) if raw and raw.isdigit() and int(raw) in ids else (meetings.next_meeting_id(ctx.cur) or ids[-1])
labels = {
    int(r.meeting_id): f"{r.meeting_date:%Y-%m-%d} {r.start_time} · {tr('vocab.' + r.status)} · {tr('meetings.n_cases', n=int(r.cases))}"
    for r in all_meetings.itertuples()
}
choice = st.selectbox(tr("meetings.pick"), ids, index=ids.index(selected), format_func=labels.get)
if choice != selected:
    st.query_params["meeting"] = str(choice)
    st.rerun()

meeting = meetings.get_meeting(ctx.cur, selected)
agenda = meetings.agenda(ctx.cur, selected)
att = meetings.attendance(ctx.cur, selected)

c1, c2, c3, c4 = st.columns(4)
c1.metric(tr("meetings.date"), f"{meeting.meeting_date:%a %d %b %Y}")
c2.metric(tr("meetings.cases"), len(agenda))
c3.metric(tr("overview.emergencies"), int((agenda["urgency"] == "emergency").sum()))
c4.metric(tr("meetings.present"), int(att["present"].sum()) if not att.empty else 0)

st.subheader(tr("meetings.agenda"))
if agenda.empty:
    st.info(tr("common.no_rows"))
else:
    st.dataframe(
        localise_frame(agenda[["position", "case_id", "patient", "primary_tumour", "urgency", "stream", "status", "discussion_seconds"]], ctx.lang),
        hide_index=True, width="stretch", column_config={"case_id": case_link_column(tr)},
    )

st.subheader(tr("meetings.attendance"))
if att.empty:
    st.caption(tr("meetings.no_attendance"))
else:
    st.dataframe(localise_frame(att[["display_name", "specialty", "present"]], ctx.lang), hide_index=True, width="stretch")
