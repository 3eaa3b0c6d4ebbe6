"""Agenda controls: re-ordering items within their urgency tier and by urgency (coordinator,
chair), clearing "was emergency at listing" (chair), and the item status picker (chair).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.errors import ConflictError, NotFoundError, PermissionDeniedError, WorkflowError
from core.i18n import enum_label
from core.models import Meeting, MeetingStatus, Priority, Stream
from core.permissions import Capability
from db import agenda as workflow
from db import urgency as live_urgency
from pages.components.agenda_common import attempt, can, flash, md
from pages.components.agenda_status import status_control
from pages.components.guard import PageContext

log = logging.getLogger("bonemdt.meetings")


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
