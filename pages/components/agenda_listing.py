"""Listing waiting cases on a meeting: a searchable, paged list of candidates with urgency,
readiness and red-flag badges; a case not ready needs a typed override reason.
"""

from __future__ import annotations

import uuid
from typing import Any

import streamlit as st

from core.i18n import enum_label
from core.models import Meeting, Priority, Stream
from core.vocabulary import CaseStatus, PrimaryTumour
from db import agenda as workflow
from db import listing
from pages.components import links
from pages.components.agenda_cases import CaseSummary, readiness_text, short_flags, summaries
from pages.components.agenda_common import attempt, flash, md
from pages.components.guard import PageContext
from pages.components.score_cards import colour_name

PAGE_SIZE = 8


def listing_panel(ctx: PageContext, meeting: Meeting) -> None:
    tr = ctx.t
    mid = int(meeting.meeting_id or 0)
    find = st.text_input(tr("mtg.list.find"), key=f"mtg_list_find_{mid}", max_chars=80, placeholder=tr("mtg.list.find_hint"))
    page = int(st.session_state.get(f"mtg_list_page_{mid}", 1))
    frame, total = listing.candidates(ctx.cur, mid, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, text=find)
    if frame.empty and total and page > 1:  # the filter left fewer pages: back to the first
        frame, total = listing.candidates(ctx.cur, mid, limit=PAGE_SIZE, offset=0, text=find)
    st.caption(tr("mtg.list.count", n=total))
    if total == 0:
        st.info(tr("mtg.list.no_match") if find and find.strip() else tr("mtg.list.none"))
        return
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    if pages > 1:
        st.number_input(
            tr("mtg.list.page", pages=pages), min_value=1, max_value=pages, step=1, key=f"mtg_list_page_{mid}", width=220
        )
    sums = summaries(ctx, [int(c) for c in frame["case_id"]])
    for row in frame.itertuples():
        candidate(ctx, mid, row, sums[int(row.case_id)])


def candidate(ctx: PageContext, meeting_id: int, row: Any, summary: CaseSummary) -> None:
    tr = ctx.t
    case_id = int(row.case_id)
    with st.container(border=True):
        # the name on a line of its own: in the left column it was cut at 1024 px
        links.page_link("case", f"**{md(row.patient)}** · \\#{case_id}", query={"case": str(case_id)})
        # the reason field wider: its hint was cut at 1024 px in a tenth less room
        left, mid, right = st.columns([3, 3, 4])
        left.caption(
            " · ".join(
                (
                    enum_label(row.primary_tumour, ctx.lang, PrimaryTumour),
                    enum_label(row.stream, ctx.lang, Stream),
                    enum_label(row.status, ctx.lang, CaseStatus),
                    f"{row.referral_date:%Y-%m-%d}",
                )
            )
        )
        with mid:
            badges(ctx, summary, str(row.stream))
            if not summary.ready:
                st.caption(f":orange[{md(readiness_text(ctx, summary))}]")
        with right, st.form(f"mtg_list_{meeting_id}_{case_id}", border=False):
            reason = ""
            slot = None
            if not summary.ready:
                reason = st.text_input(
                    tr("mtg.list.reason"), max_chars=2000, key=f"mtg_reason_{case_id}", placeholder=tr("mtg.list.reason_hint")
                )
                slot = st.empty()
            other = st.empty()
            submitted = st.form_submit_button(
                tr("mtg.list.submit"), icon=":material/playlist_add:", key=f"mtg_list_btn_{case_id}"
            )
        if submitted:
            token_key = f"mtg_token_{meeting_id}_{case_id}"
            token = st.session_state.setdefault(token_key, uuid.uuid4().hex)
            with right:
                ok, _ = attempt(
                    ctx,
                    workflow.list_case,
                    ctx.cur,
                    ctx.actor,
                    case_id,
                    meeting_id,
                    urgency=Priority(summary.urgency),
                    has_red_flag=bool(summary.red_flags),
                    ready=summary.ready,
                    override_reason=reason,
                    token=token,
                    slots={"override_reason": slot, "meeting": other},
                )
            if ok:
                st.session_state.pop(token_key, None)
                flash(tr("mtg.list.done", case=case_id))
                st.rerun()


def badges(ctx: PageContext, summary: CaseSummary, stream: str) -> None:
    colour = colour_name({"emergency": "red", "urgent": "orange", "routine": "blue"}[summary.urgency])
    with st.container(horizontal=True, gap="small"):
        st.badge(enum_label(summary.urgency, ctx.lang, Priority), icon=":material/priority_high:", color=colour)
        if summary.ready:
            st.badge(ctx.t("mtg.ready"), icon=":material/check:", color="green")
        else:
            st.badge(ctx.t("mtg.not_ready_badge"), icon=":material/warning:", color="orange")
    if summary.red_flags:
        st.markdown(f":red[:material/flag: {md(short_flags(ctx, summary))}]")
    if summary.red_flags and stream == Stream.STANDARD_OF_CARE:
        st.caption(ctx.t("mtg.list.escalated"))
