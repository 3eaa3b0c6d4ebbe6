"""Presentation mode of a meeting: one agenda item at a time, in large type, with the case
board's essentials (red flags, key scores, bone map, latest imaging, suggestions), next /
previous, a per-case timer and a break prompt after 90 minutes of meeting."""

from __future__ import annotations

import time
from collections import defaultdict
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from core.i18n import enum_label
from core.models import AgendaStatus, Meeting, MeetingStatus
from core.permissions import Capability
from db import agenda as workflow
from db import audit
from db.board import Board
from pages.components.agenda_view import (
    attempt,
    can,
    elapsed,
    flash,
    md,
    minutes_seconds,
    pause_timer,
    status_options,
    timer_open,
)
from pages.components.cache import board as cached_board
from pages.components.figures import AMBER, GREEN, HIGH_RISK_BANDS, RED, Labels, band_colour, bone_map
from pages.components.guard import PageContext

BREAK_AFTER_SECONDS = 90 * 60
KEY_SCORES = (
    ("sins", "SINS"),
    ("mirels", "Mirels"),
    ("bilsky_escc", "Bilsky"),
    ("tomita", "Tomita"),
    ("tokuhashi_revised", "Tokuhashi"),
    ("katagiri_new", "Katagiri"),
)
_BADGE = {GREEN: "green", AMBER: "orange", RED: "red"}
_URGENCY_COLOUR = {"emergency": "red", "urgent": "orange", "routine": "blue"}


def index_key(meeting_id: int) -> str:
    return f"mtg_present_idx_{meeting_id}"


def render(ctx: PageContext, meeting: Meeting, frame: pd.DataFrame) -> None:
    tr = ctx.t
    mid = int(meeting.meeting_id or 0)
    if frame.empty:
        st.info(tr("mtg.agenda_empty"))
        return
    n = len(frame)
    idx = min(max(int(st.session_state.get(index_key(mid), 0)), 0), n - 1)
    row = frame.iloc[idx]
    item_id, case_id = int(row["item_id"]), int(row["case_id"])
    nav, clock = st.columns([3, 2], vertical_alignment="center")
    with nav, st.container(horizontal=True, vertical_alignment="center"):
        if st.button(tr("mtg.p.previous"), icon=":material/arrow_back:", key="mtg_prev", disabled=idx == 0, shortcut="Left"):
            go_to(mid, idx - 1)
        st.markdown(f"### {tr('mtg.p.position', k=idx + 1, n=n)}", width="content")
        if st.button(
            tr("mtg.p.next"),
            icon=":material/arrow_forward:",
            key="mtg_next",
            disabled=idx >= n - 1,
            shortcut="Right",
            type="primary",
        ):
            go_to(mid, idx + 1)
    timer_open(item_id, time.time())
    with clock:
        _clock(ctx, meeting, item_id)
    board = cached_board(ctx, case_id)
    opened = f"opened_case_{case_id}"
    if not st.session_state.get(opened):
        audit.record(ctx.cur, ctx.actor, "open_case", "mdt_case", case_id, patient_id=board.cf.patient.patient_id)
        st.session_state[opened] = True
    title(ctx, board, row)
    status_buttons(ctx, meeting, row, idx, n)
    red_flags(ctx, board)
    scores(ctx, board)
    left, right = st.columns([5, 6], gap="large")
    with left:
        st.plotly_chart(
            bone_map(board.cf.lesions, lesion_risk(board), Labels.zh() if ctx.lang == "zh" else Labels.en()),
            width="stretch",
            key=f"mtg_bone_map_{case_id}",
        )
    with right:
        imaging(ctx, board)
        suggestions(ctx, board)


def go_to(meeting_id: int, idx: int) -> None:
    pause_timer(time.time())
    st.session_state[index_key(meeting_id)] = idx
    st.rerun()


@st.fragment(run_every="1s")
def _clock(ctx: PageContext, meeting: Meeting, item_id: int) -> None:
    """The only part that ticks: the case's clock, the meeting's clock and the break prompt."""
    tr = ctx.t
    c1, c2 = st.columns(2)
    c1.metric(tr("mtg.p.case_time"), minutes_seconds(elapsed(item_id, time.time())))
    if meeting.started_at is None:
        c2.metric(tr("mtg.p.meeting_time"), "—")
        return
    end = meeting.ended_at or datetime.now(UTC).replace(tzinfo=None)
    running = (end - meeting.started_at).total_seconds()
    c2.metric(tr("mtg.p.meeting_time"), minutes_seconds(running))
    if meeting.status == MeetingStatus.IN_PROGRESS and running >= BREAK_AFTER_SECONDS:
        st.warning(tr("mtg.p.break", minutes=int(running // 60)), icon=":material/coffee:")


def title(ctx: PageContext, board: Board, row: pd.Series) -> None:
    cf = board.cf
    st.title(f"{md(cf.patient.display_name)} · \\#{int(row['case_id'])}")
    with st.container(horizontal=True):
        st.badge(
            enum_label(str(row["urgency"]), ctx.lang),
            icon=":material/priority_high:",
            color=_URGENCY_COLOUR.get(str(row["urgency"]), "blue"),
        )
        st.badge(enum_label(str(row["stream"]), ctx.lang), color="violet")
        st.badge(enum_label(str(row["status"]), ctx.lang), color="gray")
        st.badge(enum_label(cf.case.primary_tumour, ctx.lang), color="blue")
        st.badge(ctx.t("mtg.p.age", age=cf.age), color="gray")
    if cf.case.question.strip():
        st.markdown(f"### {md(cf.case.question)}")


def status_buttons(ctx: PageContext, meeting: Meeting, row: pd.Series, idx: int, n: int) -> None:
    """The chair marks the item; the time stored is the case's clock."""
    if not can(ctx, Capability.SIGN_DECISION) or meeting.status == MeetingStatus.CLOSED:
        return
    if meeting.status == MeetingStatus.PLANNED:
        st.caption(ctx.t("mtg.p.start_first"))
        return
    item_id = int(row["item_id"])
    with st.container(horizontal=True, vertical_alignment="center", border=True):
        st.markdown(f"**{ctx.t('mtg.p.mark')}**", width="content")
        for status in status_options(str(row["stream"])):
            if st.button(enum_label(status, ctx.lang), key=f"mtg_p_status_{status}"):
                seconds = int(elapsed(item_id, time.time()))
                ok, _ = attempt(
                    ctx, workflow.set_item_status, ctx.cur, ctx.actor, item_id, AgendaStatus(status), discussion_seconds=seconds
                )
                if ok:
                    flash(ctx.t("mtg.p.marked", status=enum_label(status, ctx.lang), time=minutes_seconds(seconds)))
                    go_to(int(meeting.meeting_id or 0), min(idx + 1, n - 1))


def red_flags(ctx: PageContext, board: Board) -> None:
    hits = board.rules.red_flags
    if not hits:
        st.success(f"#### {ctx.t('mtg.p.no_red_flags')}", icon=":material/check_circle:")
        return
    st.header(ctx.t("mtg.p.red_flags"))
    for hit in hits:
        text, reason = (hit.text_zh, hit.reason_zh) if ctx.lang == "zh" else (hit.text_en, hit.reason_en)
        st.error(f"### {md(text)}\n\n{md(reason)}", icon=":material/flag:")


def scores(ctx: PageContext, board: Board) -> None:
    st.header(ctx.t("mtg.p.scores"))
    cols = st.columns(len(KEY_SCORES))
    for col, (score_id, name) in zip(cols, KEY_SCORES, strict=True):
        score = board.scores.get(score_id)
        with col, st.container(border=True, height="stretch"):
            if score is None or not score.applicable:
                st.metric(name, "—")
                st.badge(ctx.t("mtg.p.not_applicable"), color="gray")
                continue
            if not score.complete:
                st.metric(name, "?")
                st.badge(ctx.t("mtg.p.incomplete"), color="gray")
                continue
            result = score.result
            label = result.band_label_zh if ctx.lang == "zh" else result.band_label_en
            grade = score.inputs.get("escc_grade") if score_id == "bilsky_escc" else None
            value = score.total if score.total is not None else grade
            st.metric(name, str(value) if value is not None else "—")
            st.markdown(f":{_BADGE.get(band_colour(score.band), 'gray')}-background[{md(label)}]")
            if score.site:
                st.caption(score.site)


def lesion_risk(board: Board) -> dict[int, str]:
    """Each lesion's worst SINS / Mirels / Bilsky band (outlined on the bone map when high)."""
    risk: dict[int, str] = {}
    for score in board.scores.per_lesion:
        if score.lesion_id is None or not score.complete:
            continue
        if score.lesion_id not in risk or score.band in HIGH_RISK_BANDS:
            risk[score.lesion_id] = score.band
    return risk


def imaging(ctx: PageContext, board: Board) -> None:
    st.header(ctx.t("mtg.p.imaging"))
    studies = sorted(board.cf.studies, key=lambda s: s.study_date)
    if not studies:
        st.warning(ctx.t("mtg.p.no_imaging"))
        return
    latest = studies[-1]
    age = (board.cf.as_of - latest.study_date).days
    st.caption(
        f"{latest.study_date:%Y-%m-%d} · {enum_label(latest.modality, ctx.lang)} · {md(latest.region)} · "
        + ctx.t("common.days_ago", n=age)
    )
    st.markdown(f"#### {md(latest.impression or latest.findings)}")


def suggestions(ctx: PageContext, board: Board) -> None:
    st.header(ctx.t("mtg.p.suggestions"))
    groups: dict[str, list[str]] = defaultdict(list)
    for hit in board.rules.fired:
        if hit.specialty == "red_flag":
            continue
        text, reason = (hit.text_zh, hit.reason_zh) if ctx.lang == "zh" else (hit.text_en, hit.reason_en)
        mark = {"emergency": ":red[:material/emergency:] ", "urgent": ":orange[:material/priority_high:] "}.get(hit.urgency, "")
        groups[hit.specialty].append(f"- {mark}**{md(text)}** — {md(reason)}")
    if not groups:
        st.caption(ctx.t("mtg.p.no_suggestions"))
        return
    for specialty, lines in groups.items():
        label = ctx.t(f"mtg.spec.{specialty}")
        st.markdown(f"##### {label}\n" + "\n".join(lines))
