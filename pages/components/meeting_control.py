"""Meeting control (chair): start the meeting, and close it.

Starting before the meeting's date, or without core quorum in the attendance recorded for it,
needs a typed reason (db/agenda.start_meeting records it with the meeting, in the audit row and in
the minutes). Closing re-lists only the items the meeting did not reach.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.models import Meeting, MeetingStatus
from core.permissions import Capability
from core.text import LONG_TEXT_MAX, TextRuleError, check_text
from db import agenda as workflow
from pages.components.agenda_attendance import core_name
from pages.components.agenda_common import attempt, can, flash
from pages.components.guard import PageContext


def meeting_control(ctx: PageContext, meeting: Meeting, *, today: date | None = None) -> None:
    tr = ctx.t
    if not can(ctx, Capability.SIGN_DECISION) or meeting.status == MeetingStatus.CLOSED:
        return
    mid = int(meeting.meeting_id or 0)
    if meeting.status == MeetingStatus.PLANNED:
        _start(ctx, meeting, today or date.today())
        return
    with st.container(border=True, horizontal=True, vertical_alignment="center"):
        st.caption(tr("mtg.started_at", at=f"{meeting.started_at:%H:%M}" if meeting.started_at else "—"))
        note = workflow.meeting_start(ctx.cur, mid)
        if note and note["reason"]:
            st.caption(tr("mtg.start.recorded_reason", reason=str(note["reason"])))
        confirm = st.checkbox(tr("mtg.close_confirm"), key=f"mtg_close_ok_{mid}")
        if st.button(tr("mtg.close"), icon=":material/stop:", key="mtg_close", disabled=not confirm):
            ok, new_ids = attempt(ctx, workflow.close_meeting, ctx.cur, ctx.actor, mid)
            if ok:
                st.session_state["mtg_relisted"] = list(new_ids or [])
                flash(tr("mtg.closed"))
                st.rerun()


def _start(ctx: PageContext, meeting: Meeting, today: date) -> None:
    """The start button; before the date or without core quorum, a confirmation with a reason."""
    tr = ctx.t
    mid = int(meeting.meeting_id or 0)
    early, missing = workflow.start_check(ctx.cur, mid, today)
    with st.container(border=True):
        reason = ""
        slot = None
        if early or missing:
            if early:
                st.warning(
                    tr("mtg.start.early", date=f"{meeting.meeting_date:%Y-%m-%d}", today=f"{today:%Y-%m-%d}"),
                    icon=":material/event_busy:",
                )
            if missing:
                sep = "、" if ctx.lang == "zh" else ", "
                st.warning(
                    tr("mtg.start.no_quorum", names=sep.join(core_name(ctx, s) for s in missing)), icon=":material/groups:"
                )
            reason = st.text_input(tr("mtg.start.reason"), key=f"mtg_start_reason_{mid}", max_chars=LONG_TEXT_MAX)
            slot = st.empty()
        label = tr("mtg.start.confirm") if (early or missing) else tr("mtg.start")
        if st.button(label, type="primary", icon=":material/play_arrow:", key="mtg_start"):
            if (early or missing) and not reason.strip():
                (slot or st).error(tr("mtg.err.start_reason"))
                return
            try:
                check_text(reason, LONG_TEXT_MAX)
            except TextRuleError:
                (slot or st).error(tr("mtg.err.start_reason_text"))
                return
            # the store checks the same rules itself (and a conflict or refusal is shown here)
            ok, _ = attempt(
                ctx, workflow.start_meeting, ctx.cur, ctx.actor, mid, reason=reason, today=today, slots={"start_reason": slot}
            )
            if ok:
                flash(tr("mtg.started"))
                st.rerun()
