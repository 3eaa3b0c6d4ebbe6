"""The meeting screen's sections: plan meetings, agenda with reordering and status, listing of
waiting cases with readiness, attendance with a live quorum meter, meeting control.

Every write goes through db/agenda.py (roles checked and audited there) via :func:`attempt`,
which turns domain errors into ``st.error`` next to the control; nothing raises to the user.
"""

from __future__ import annotations

import logging
import re
import time as _time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from core.errors import ConflictError, FieldError, NotFoundError, PermissionDeniedError, WorkflowError
from core.i18n import enum_label
from core.meeting_rules import attendance_grade, quorum
from core.models import (
    CORE_SPECIALTIES,
    AgendaStatus,
    Meeting,
    MeetingStatus,
    Priority,
    Specialty,
    Stream,
)
from core.permissions import Capability, allowed
from core.text import md_inline
from core.vocabulary import CaseStatus, PrimaryTumour
from db import agenda as workflow
from db import listing
from db import urgency as live_urgency
from db.board import Board, case_stamps, load_board
from pages.components import links
from pages.components.guard import PageContext
from pages.components.score_cards import colour_name
from pages.components.widgets import case_link_column, case_table, localise_frame

log = logging.getLogger("bonemdt.meetings")
T = TypeVar("T")
PAGE_SIZE = 8


def md(text: object) -> str:
    """Stored text made inert for st.markdown (the one escaper, core.text.md_inline)."""
    return md_inline(text)


def can(ctx: PageContext, capability: Capability) -> bool:
    return allowed(ctx.actor.role, capability)


def flash(message: str) -> None:
    """A success message shown once after the rerun that follows a write."""
    st.session_state["mtg_flash"] = message


def show_flash() -> None:
    message = st.session_state.pop("mtg_flash", None)
    if message:
        st.success(message)


# ------------------------------------------------------------------------------------------------
# Errors


_FIELD_KEYS = {
    ("override_reason", "the case is not ready"): "mtg.err.reason_needed",
    ("override_reason", ""): "mtg.err.text_invalid",
    ("count", ""): "mtg.err.count",
    ("location", ""): "mtg.err.text_invalid",
    ("meeting", "the case is already"): "mtg.err.already_listed",
    ("first", ""): "mtg.err.first",
    ("reason", "give the reason"): "mtg.err.defer_reason",
    ("reason", ""): "mtg.err.text_invalid",
}


def field_message(ctx: PageContext, field: str, raw: str) -> str:
    for (name, prefix), key in _FIELD_KEYS.items():
        if name == field and raw.startswith(prefix):
            return ctx.t(key, detail=raw)
    return raw


def attempt(
    ctx: PageContext,
    fn: Callable[..., T],
    *args: Any,
    slots: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> tuple[bool, T | None]:
    """Run one write; on a domain error show it (next to its field when a slot is given)."""
    try:
        return True, fn(*args, **kwargs)
    except FieldError as exc:
        for field, raw in exc.errors.items():
            target = (slots or {}).get(field) or st
            target.error(field_message(ctx, field, raw))
    except PermissionDeniedError:
        st.error(ctx.t("mtg.err.denied"))
    except ConflictError:
        st.error(ctx.t("mtg.err.conflict"))
    except (WorkflowError, NotFoundError) as exc:
        st.error(ctx.t("mtg.err.workflow", detail=str(exc)))
    except Exception:
        log.exception("meeting write failed: %s", getattr(fn, "__name__", "?"))
        st.error(ctx.t("error.generic"))
    return False, None


# ------------------------------------------------------------------------------------------------
# Per-case summaries (readiness, urgency, red flags), cached until the next audited write


@dataclass(frozen=True)
class CaseSummary:
    case_id: int
    urgency: str
    red_flags: tuple[tuple[str, str, str], ...]  # (rule id, en, zh)
    problems: tuple[tuple[str, bool, str], ...]  # (readiness key, stale, detail)

    @property
    def ready(self) -> bool:
        return not self.problems


def summarise(board: Board) -> CaseSummary:
    """The case's live urgency (db/urgency.py: its red-flag banner, never below the referral
    priority) and red flags, and what is missing or stale for listing."""
    case_id = int(board.cf.case.case_id or 0)
    live = live_urgency.from_report(case_id, board.cf.case.priority, board.rules)
    return CaseSummary(
        case_id=case_id,
        urgency=live.urgency.value,
        red_flags=tuple((h.rule_id, h.text_en, h.text_zh) for h in board.rules.red_flags),
        problems=tuple((p.key, p.stale, p.detail) for p in board.readiness.problems),
    )


@st.cache_data(max_entries=4000, show_spinner=False)
def _summary(_cur: Any, store: str, case_id: int, stamp: int, today: date) -> CaseSummary:
    return summarise(load_board(_cur, case_id, today))


def summaries(ctx: PageContext, case_ids: list[int]) -> dict[int, CaseSummary]:
    """Urgency, red flags and readiness per case, recomputed only for cases whose data changed."""
    stamps = case_stamps(ctx.cur, case_ids)
    store = str(ctx.store.path)
    return {cid: _summary(ctx.cur, store, cid, stamps.get(cid, 0), date.today()) for cid in case_ids}


def readiness_text(ctx: PageContext, summary: CaseSummary) -> str:
    if summary.ready:
        return ctx.t("mtg.ready")
    parts = []
    for key, stale, detail in summary.problems:
        label = ctx.t(f"mtg.readiness.{key}")
        parts.append(ctx.t("mtg.stale", item=label, days=detail) if stale else label)
    sep = "、" if ctx.lang == "zh" else ", "
    return ctx.t("mtg.not_ready", items=sep.join(parts))


def minutes_seconds(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


# ------------------------------------------------------------------------------------------------
# Planning meetings


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


# ------------------------------------------------------------------------------------------------
# Meeting header and control


def core_name(ctx: PageContext, specialty: Specialty) -> str:
    """Core specialty label; the surgical seat is filled by orthopaedics or spine surgery."""
    if specialty == Specialty.ORTHOPAEDICS:
        return ctx.t("mtg.core_surgery")
    return enum_label(specialty, ctx.lang, Specialty)


def quorum_line(ctx: PageContext, present: list[Specialty]) -> str:
    q = quorum(present)
    if q.quorate:
        return ctx.t("mtg.quorate")
    sep = "、" if ctx.lang == "zh" else ", "
    return ctx.t("mtg.missing_core", names=sep.join(core_name(ctx, s) for s in q.missing_core))


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


def short_flag(text: str) -> str:
    """A red flag's name: its text up to the first colon (the action follows the colon)."""
    return re.split(r"[:：]", text, maxsplit=1)[0].strip()


def short_flags(ctx: PageContext, summary: CaseSummary) -> str:
    sep = "；" if ctx.lang == "zh" else "; "
    return sep.join(short_flag(zh if ctx.lang == "zh" else en) for _, en, zh in summary.red_flags)


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
            tr("col.patient"): st.column_config.TextColumn(width=210),
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


def item_label(ctx: PageContext, frame: pd.DataFrame) -> Callable[[int], str]:
    """A picker label that does not change when the item moves or its status changes (a
    changing label would reset the picker's choice)."""
    rows = {int(r.item_id): r for r in frame.itertuples()}

    def label(item_id: int) -> str:
        r = rows[item_id]
        return f"{r.patient} · #{int(r.case_id)}"

    return label


def _move(ctx: PageContext, item_id: int, case_id: int, step: int) -> None:
    """Button callback: move one item; runs before the rerun renders, so the list shows the
    new order at once and the next click acts on the item's new place."""
    try:
        moved = workflow.move_item(ctx.cur, ctx.actor, item_id, step)
    except PermissionDeniedError:
        st.session_state["mtg_move_msg"] = ("error", ctx.t("mtg.err.denied"))
        return
    except (WorkflowError, NotFoundError, ConflictError) as exc:
        st.session_state["mtg_move_msg"] = ("error", ctx.t("mtg.err.workflow", detail=str(exc)))
        return
    except Exception:
        log.exception("agenda move failed for item %s", item_id)
        st.session_state["mtg_move_msg"] = ("error", ctx.t("error.generic"))
        return
    if not moved:
        st.session_state["mtg_move_msg"] = ("info", ctx.t("urg.reorder.edge", case=case_id))


def _move_picked(ctx: PageContext, key: str, case_of: dict[int, int], step: int) -> None:
    """Button callback: move the picked item (the picker keeps it: a second click moves it again)."""
    item_id = st.session_state.get(key)
    if item_id is not None:
        _move(ctx, int(item_id), case_of.get(int(item_id), 0), step)


def reorder_list(ctx: PageContext, meeting: Meeting, frame: pd.DataFrame) -> None:
    """Pick an item, then move it up or down: the picker keeps the item (its options are in a
    fixed order with fixed labels, so a move never resets it), the buttons act on the picked
    item, and the list below marks it at its new place. An item moves within its urgency tier."""
    tr = ctx.t
    mid = int(meeting.meeting_id or 0)
    tiers = workflow.item_tiers(ctx.cur, mid)
    ids = [int(i) for i in frame["item_id"]]
    case_of = {int(r.item_id): int(r.case_id) for r in frame.itertuples()}
    key = f"mtg_move_pick_{mid}"
    if st.session_state.get(key) not in case_of:
        st.session_state.pop(key, None)
    with st.expander(tr("urg.reorder.title"), icon=":material/swap_vert:"):
        st.caption(tr("urg.reorder.hint"))
        message = st.session_state.pop("mtg_move_msg", None)
        if message:
            (st.error if message[0] == "error" else st.info)(message[1])
        picked = st.selectbox(
            tr("urg.reorder.pick"),
            sorted(case_of, key=lambda i: (case_of[i], i)),  # fixed order: moves never change the options
            index=None,
            format_func=item_label(ctx, frame),
            placeholder=tr("common.choose_one"),
            key=key,
        )
        index = ids.index(picked) if picked in ids else -1
        tier = tiers.get(picked) if picked is not None else None
        first = index <= 0 or tiers.get(ids[index - 1]) != tier
        last = index < 0 or index == len(ids) - 1 or tiers.get(ids[index + 1]) != tier
        with st.container(horizontal=True, gap="small"):
            st.button(
                tr("urg.reorder.move_up"),
                icon=":material/arrow_upward:",
                key=f"mtg_move_up_{mid}",
                disabled=first,
                on_click=_move_picked,
                args=(ctx, key, case_of, -1),
                width="content",
            )
            st.button(
                tr("urg.reorder.move_down"),
                icon=":material/arrow_downward:",
                key=f"mtg_move_down_{mid}",
                disabled=last,
                on_click=_move_picked,
                args=(ctx, key, case_of, 1),
                width="content",
            )
        lines = []
        for row in frame.itertuples():
            text = (
                f"{int(row.position) + 1}\\. {md(row.patient)} · \\#{int(row.case_id)} · "
                f"{md(enum_label(str(row.urgency), ctx.lang, Priority))} · {md(enum_label(str(row.stream), ctx.lang, Stream))}"
            )
            lines.append(f"**:blue-background[{text}]**" if int(row.item_id) == picked else text)
        st.markdown("  \n".join(lines))


def clear_marks(ctx: PageContext, meeting: Meeting, frame: pd.DataFrame) -> None:
    """The chair clears "was emergency at listing" of an item whose live urgency went down."""
    tr = ctx.t
    marked = frame[frame["was_emergency"]] if "was_emergency" in frame.columns else frame.iloc[0:0]
    if marked.empty or not can(ctx, Capability.SIGN_DECISION):
        return
    with st.container(border=True):
        st.markdown(f"**:red[:material/emergency: {md(tr('urg.clear.title'))}]**")
        st.caption(tr("urg.clear.hint"))
        for row in marked.itertuples():
            item_id = int(row.item_id)
            with st.form(f"urg_clear_{item_id}", border=False):
                reason = st.text_input(
                    tr("urg.clear.reason", case=int(row.case_id), patient=row.patient),
                    max_chars=2000,
                    key=f"urg_reason_{item_id}",
                )
                slot = st.empty()
                submitted = st.form_submit_button(tr("urg.clear.submit"), icon=":material/done:", key=f"urg_clear_btn_{item_id}")
            if submitted:
                if not reason.strip():
                    slot.error(tr("urg.clear.reason_needed"))
                    continue
                ok, _ = attempt(
                    ctx,
                    live_urgency.clear_listed_emergency,
                    ctx.cur,
                    ctx.actor,
                    item_id,
                    reason,
                    slots={"reason": slot},
                )
                if ok:
                    flash(tr("urg.clear.done"))
                    st.rerun()


def agenda_controls(ctx: PageContext, meeting: Meeting, frame: pd.DataFrame) -> None:
    """Reordering (coordinator, chair), clearing "was emergency at listing" (chair) and the
    discussion status of an item (chair)."""
    tr = ctx.t
    build = can(ctx, Capability.BUILD_AGENDA)
    chair = can(ctx, Capability.SIGN_DECISION)
    if frame.empty or meeting.status == MeetingStatus.CLOSED or not (build or chair):
        return
    mid = int(meeting.meeting_id or 0)
    clear_marks(ctx, meeting, frame)
    if build:
        reorder_list(ctx, meeting, frame)
        if st.button(tr("mtg.order"), icon=":material/sort:", key="mtg_order"):
            ok, _ = attempt(ctx, workflow.order_by_urgency, ctx.cur, ctx.actor, mid)
            if ok:
                flash(tr("mtg.ordered"))
                st.rerun()
    if chair and meeting.status == MeetingStatus.IN_PROGRESS:
        ids = [int(i) for i in frame["item_id"]]
        with st.container(border=True):
            picked = st.selectbox(tr("mtg.item"), ids, format_func=item_label(ctx, frame), key=f"mtg_item_{mid}_{ctx.lang}")
            row = frame[frame["item_id"] == picked].iloc[0]
            status_control(ctx, int(picked), str(row["stream"]), int(row["discussion_seconds"] or 0))


def status_options(stream: str) -> list[str]:
    """What can be marked by hand: discussed (or ratified) is what signing the item's decision
    marks (db/decision_signing.sign), so only deferring (with a reason) and not reached are offered."""
    return [AgendaStatus.DEFERRED.value, AgendaStatus.NOT_DISCUSSED.value]


def status_control(ctx: PageContext, item_id: int, stream: str, stored_seconds: int) -> None:
    tr = ctx.t
    default = elapsed(item_id, _time.time()) or stored_seconds
    with st.container(horizontal=True, vertical_alignment="bottom"):
        status = st.segmented_control(
            tr("mtg.mark"),
            status_options(stream),
            key=f"mtg_status_{item_id}",
            format_func=lambda v: enum_label(v, ctx.lang, AgendaStatus),
        )
        minutes = st.number_input(
            tr("mtg.minutes"),
            min_value=0.0,
            max_value=360.0,
            value=round(default / 60, 1),
            step=0.5,
            key=f"mtg_minutes_{item_id}",
            width=200,
        )
        save = st.button(tr("mtg.save_status"), type="primary", key=f"mtg_save_status_{item_id}", disabled=status is None)
    reason = ""
    if status == AgendaStatus.DEFERRED:
        reason = st.text_input(tr("dec.defer_reason"), key=f"mtg_defer_reason_{item_id}", max_chars=4000)
    if save and status:
        ok, _ = attempt(
            ctx,
            workflow.set_item_status,
            ctx.cur,
            ctx.actor,
            item_id,
            AgendaStatus(status),
            discussion_seconds=int(minutes * 60),
            reason=reason,
        )
        if ok:
            flash(tr("mtg.status_saved", status=enum_label(status, ctx.lang, AgendaStatus)))
            st.rerun()


# ------------------------------------------------------------------------------------------------
# Listing waiting cases


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
        left, mid, right = st.columns([3, 4, 3])
        with left:
            links.page_link("case", f"**{md(row.patient)}** · \\#{case_id}", query={"case": str(case_id)})
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


# ------------------------------------------------------------------------------------------------
# Attendance and quorum


def _toggle_attendance(ctx: PageContext, meeting_id: int, user_id: int, specialty: str, key: str) -> None:
    value = bool(st.session_state.get(key))
    try:
        workflow.set_attendance(ctx.cur, ctx.actor, meeting_id, user_id, Specialty(specialty), value)
    except PermissionDeniedError:
        st.session_state[f"{key}_err"] = "mtg.err.denied"
    except (WorkflowError, NotFoundError, ConflictError, FieldError):
        st.session_state[f"{key}_err"] = "mtg.err.attendance"
    except Exception:
        log.exception("attendance write failed for meeting %s", meeting_id)
        st.session_state[f"{key}_err"] = "error.generic"


def attendance_panel(ctx: PageContext, meeting: Meeting) -> None:
    tr = ctx.t
    mid = int(meeting.meeting_id or 0)
    editable = can(ctx, Capability.BUILD_AGENDA) and meeting.status != MeetingStatus.CLOSED
    meter = st.container(border=True)
    people = listing.members(ctx.cur, mid)
    if editable:
        cols = st.columns(3)
        for i, row in enumerate(people.itertuples()):
            key = f"mtg_att_{mid}_{int(row.user_id)}"
            st.session_state[key] = bool(row.present)
            with cols[i % 3]:
                st.toggle(
                    f"{md(row.display_name)} · {enum_label(row.specialty, ctx.lang, Specialty)}",
                    key=key,
                    on_change=_toggle_attendance,
                    args=(ctx, mid, int(row.user_id), str(row.specialty), key),
                )
                err = st.session_state.pop(f"{key}_err", None)
                if err:
                    st.error(tr(err))
    else:
        st.dataframe(localise_frame(people[["display_name", "specialty", "present"]], ctx.lang), hide_index=True, width="stretch")
    present = [Specialty(s) for s in sorted(set(people.loc[people["present"], "specialty"]))]
    with meter:
        quorum_meter(ctx, present)


def quorum_meter(ctx: PageContext, present: list[Specialty]) -> None:
    tr = ctx.t
    q = quorum(present)
    grade = attendance_grade(present)
    st.progress(
        q.share,
        text=tr("mtg.quorum_meter", n=len(CORE_SPECIALTIES) - len(q.missing_core), total=len(CORE_SPECIALTIES), grade=grade),
    )
    with st.container(horizontal=True):
        for core in CORE_SPECIALTIES:
            here = core not in q.missing_core
            st.badge(
                core_name(ctx, core),
                icon=":material/check_circle:" if here else ":material/cancel:",
                color="green" if here else "red",
            )
    if q.quorate:
        st.success(tr("mtg.quorate"))
    else:
        st.warning(quorum_line(ctx, present))
    others = ", ".join(enum_label(s, ctx.lang, Specialty) for s in present) or tr("common.none")
    st.caption(tr("mtg.specialties_present", names=others))


# ------------------------------------------------------------------------------------------------
# Per-case discussion timer (presentation mode): seconds banked per item plus the running one


def _timers() -> dict[int, float]:
    banked: dict[int, float] = st.session_state.setdefault("mtg_elapsed", {})
    return banked


def timer_open(item_id: int, now: float) -> None:
    """Start (or keep) the clock of ``item_id``; the clock of another item is banked."""
    running = st.session_state.get("mtg_timer")
    if running and running["item"] == item_id:
        return
    pause_timer(now)
    st.session_state["mtg_timer"] = {"item": item_id, "since": now}


def pause_timer(now: float) -> None:
    running = st.session_state.pop("mtg_timer", None)
    if running:
        banked = _timers()
        banked[running["item"]] = banked.get(running["item"], 0.0) + max(0.0, now - running["since"])


def elapsed(item_id: int, now: float) -> float:
    """Seconds the item has been open in presentation mode (this session)."""
    total = _timers().get(item_id, 0.0)
    running = st.session_state.get("mtg_timer")
    if running and running["item"] == item_id:
        total += max(0.0, now - running["since"])
    return total
