"""The meeting screen's header and agenda: date, status, counts and quorum at a glance, the cases
re-listed by closing a meeting, and the agenda table in live urgency order with the banner of
items escalated since listing.

The other sections live beside it: agenda_planning (plan meetings), agenda_order (re-ordering,
clearing marks, item status), agenda_status (item status and discussion timers), agenda_listing
(waiting cases), agenda_attendance (attendance and quorum), agenda_cases (per-case summaries),
agenda_common (flash, attempt, field messages).
"""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from core.i18n import enum_label
from core.meeting_rules import attendance_grade, quorum
from core.models import CORE_SPECIALTIES, AgendaStatus, Meeting, MeetingStatus, Priority, Specialty
from core.text import md_inline
from db import listing
from db import urgency as live_urgency
from pages.components.agenda_attendance import quorum_line
from pages.components.agenda_cases import CaseSummary, readiness_text, short_flags
from pages.components.agenda_common import md
from pages.components.agenda_status import minutes_seconds
from pages.components.guard import PageContext
from pages.components.widgets import case_link_column, case_table, fit_width, localise_frame

log = logging.getLogger("bonemdt.meetings")


def header(ctx: PageContext, meeting: Meeting, frame: pd.DataFrame, present: list[Specialty]) -> None:
    tr = ctx.t
    q = quorum(present)
    urgent = frame["urgency"].value_counts() if len(frame) else pd.Series(dtype=int)
    c1, c2, c3, c4, c5, c6 = st.columns([3, 2, 1, 1, 1, 2])
    # Date, room and status as text, not metrics: a metric cuts its value to the column width
    # ("2026-12…", "计…" at 1024 px); text wraps.
    with c1:
        st.caption(tr("meetings.date"))
        st.markdown(f"#### {meeting.meeting_date:%Y-%m-%d}")
        when_where = " · ".join(x for x in (meeting.start_time, meeting.location) if x)
        if when_where:
            st.caption(md_inline(when_where))
    with c2:
        st.caption(tr("mtg.status"))
        st.markdown(f"#### {md_inline(enum_label(meeting.status, ctx.lang, MeetingStatus))}")
    c3.metric(tr("meetings.cases"), len(frame))
    c4.metric(tr("overview.emergencies"), int(urgent.get("emergency", 0)))
    c5.metric(tr("mtg.urgent"), int(urgent.get("urgent", 0)))
    c6.metric(
        tr("mtg.quorum"),
        f"{len(CORE_SPECIALTIES) - len(q.missing_core)} / {len(CORE_SPECIALTIES)}",
        delta=tr("mtg.grade", grade=attendance_grade(present)),
        delta_color="off",
        delta_arrow="off",
        help=quorum_line(ctx, present),
    )
    colour = "green" if q.quorate else "orange"
    st.caption(f":{colour}[:material/groups: {quorum_line(ctx, present)}]")


def relisted_report(ctx: PageContext) -> None:
    ids = st.session_state.pop("mtg_relisted", None)
    if ids is None:
        return
    if not ids:
        st.info(ctx.t("mtg.relisted_none"))
        return
    rows = listing.items(ctx.cur, ids)
    st.info(ctx.t("mtg.relisted", n=len(rows), date=f"{rows['meeting_date'].iloc[0]:%Y-%m-%d}"))
    st.dataframe(
        localise_frame(rows[["case_id", "patient", "urgency", "stream"]], ctx.lang),
        hide_index=True,
        column_config={"case_id": case_link_column(ctx.t)},
    )


# ------------------------------------------------------------------------------------------------
# Agenda


def live_agenda(ctx: PageContext, meeting_id: int) -> pd.DataFrame:
    """The agenda as the cases' current data order it (clinical safety rule 4): the waiting items
    are brought to their live urgency first (db/urgency.py), then read with what each was at
    listing (``listed_urgency``, ``escalated``, ``was_emergency``, ``since_listing``)."""
    try:
        live_urgency.sync_meeting(ctx.cur, meeting_id)
    except Exception:  # the last computed state is still shown, said so
        log.exception("live urgency of meeting %s failed", meeting_id)
        st.warning(ctx.t("urg.sync_failed"))
    frame = listing.agenda_items(ctx.cur, meeting_id)
    found = live_urgency.marks(ctx.cur, meeting_id)
    rows = [found.get(int(i)) for i in frame["item_id"]]
    return frame.assign(
        listed_urgency=[m.listed_urgency if m else u for m, u in zip(rows, frame["urgency"], strict=True)],
        escalated=[bool(m and m.escalated) for m in rows],
        was_emergency=[bool(m and m.was_emergency) for m in rows],
        since_listing=[since_listing(ctx, m, str(u)) for m, u in zip(rows, frame["urgency"], strict=True)],
        escalation_reasons=[m.text(ctx.lang) if m and m.escalated else "" for m in rows],
    )


def since_listing(ctx: PageContext, mark: live_urgency.ItemMark | None, now: str) -> str:
    """The item's mark: "escalated since listing" with the reasons, "was emergency at listing", or nothing."""
    if mark is None:
        return ""
    before, current = enum_label(mark.listed_urgency, ctx.lang, Priority), enum_label(now, ctx.lang, Priority)
    if mark.escalated:
        reasons = mark.text(ctx.lang)
        if reasons:
            return ctx.t("urg.escalated", before=before, now=current, reasons=reasons)
        return ctx.t("urg.escalated_short", before=before, now=current)
    if mark.was_emergency:
        return ctx.t("urg.was_emergency", now=current)
    return ""


def escalation_banner(ctx: PageContext, frame: pd.DataFrame) -> None:
    """The items whose current data raised them above their listing, named with the reasons."""
    up = frame[frame["escalated"]] if "escalated" in frame.columns else frame.iloc[0:0]
    if up.empty:
        return
    lines = [ctx.t("urg.banner", n=len(up))]
    for row in up.itertuples():
        lines.append(
            "- "
            + md(
                ctx.t(
                    "urg.banner_item",
                    case=int(row.case_id),
                    patient=row.patient,
                    before=enum_label(str(row.listed_urgency), ctx.lang, Priority),
                    now=enum_label(str(row.urgency), ctx.lang, Priority),
                    reasons=row.escalation_reasons or "—",
                )
            )
        )
    st.warning("\n".join(lines), icon=":material/trending_up:")


_URGENCY_STYLE = {
    "emergency": "background-color: #fde2e2; color: #b71c1c; font-weight: 600",
    "urgent": "background-color: #fff1d6; color: #8a4b00; font-weight: 600",
}
_STATUS_STYLE = {
    "discussed": "color: #2e7d32",
    "ratified": "color: #2e7d32",
    "deferred": "color: #b35c00",
    "not_discussed": "color: #b35c00",
}


def agenda_table(ctx: PageContext, frame: pd.DataFrame, sums: dict[int, CaseSummary]) -> None:
    tr = ctx.t
    if frame.empty:
        st.info(tr("mtg.agenda_empty"))
        return
    escalation_banner(ctx, frame)
    shown = frame.assign(
        position=frame["position"] + 1,
        red_flags=[short_flags(ctx, sums[int(c)]) for c in frame["case_id"]],
        readiness=[readiness_text(ctx, sums[int(c)]) for c in frame["case_id"]],
        time=[minutes_seconds(s) if s else "" for s in frame["discussion_seconds"]],
    )
    time_col = ["time"] if shown["time"].astype(bool).any() else []
    reasons = ["override_reason"] if shown["override_reason"].astype(bool).any() else []
    since = ["since_listing"] if "since_listing" in shown.columns and shown["since_listing"].astype(bool).any() else []
    shown = shown[
        [
            "position",
            "case_id",
            "patient",
            "primary_tumour",
            "urgency",
            *since,
            "stream",
            "status",
            *time_col,
            "readiness",
            "red_flags",
            *reasons,
        ]
    ]
    names = {
        "red_flags": tr("mtg.col.red_flags"),
        "readiness": tr("mtg.col.readiness"),
        "override_reason": tr("mtg.col.override_reason"),
        "time": tr("mtg.col.time"),
        "since_listing": tr("urg.col.since_listing"),
    }
    out = localise_frame(shown, ctx.lang, {"status": AgendaStatus}).rename(columns=names)
    urgency, status = list(frame["urgency"]), list(frame["status"])
    ready = ["color: #2e7d32" if sums[int(c)].ready else "color: #b35c00" for c in frame["case_id"]]
    styled = out.style.apply(lambda _: [_URGENCY_STYLE.get(u, "") for u in urgency], subset=[tr("col.urgency")])
    if since:
        marks = ["color: #b71c1c; font-weight: 600" if e else "color: #8a4b00" for e in frame["escalated"]]
        styled = styled.apply(lambda _: marks, subset=[names["since_listing"]])
    styled = styled.apply(lambda _: [_STATUS_STYLE.get(v, "") for v in status], subset=[tr("col.status")]).apply(
        lambda _: ready, subset=[names["readiness"]]
    )
    case_table(
        styled,
        list(frame["case_id"]),
        key="mtg_agenda_table",
        tr=tr,
        width="stretch",
        height=min(3 + 35 * (len(out) + 1), 780),
        column_config={
            tr("col.position"): st.column_config.NumberColumn(width=36),
            # the longest name whole ("Lecture Case 2 (synthetic) / 讲座病…" was cut at 210 px)
            tr("col.patient"): st.column_config.TextColumn(width=fit_width(frame["patient"], floor=160)),
            tr("col.primary_tumour"): st.column_config.TextColumn(width=115),  # "unknown primary" whole
            # "危急（即刻处理）" is eight full-width characters: 85 px cut it to "危急（即刻处".
            tr("col.urgency"): st.column_config.TextColumn(width=125 if ctx.lang == "zh" else 85),
            tr("col.stream"): st.column_config.TextColumn(width=120),
            tr("col.status"): st.column_config.TextColumn(width=90),
            names["time"]: st.column_config.TextColumn(width=55),
            names["readiness"]: st.column_config.TextColumn(width=200),
            names["red_flags"]: st.column_config.TextColumn(width=260),
            names["override_reason"]: st.column_config.TextColumn(width=200),
            names["since_listing"]: st.column_config.TextColumn(width=260),
        },
    )
