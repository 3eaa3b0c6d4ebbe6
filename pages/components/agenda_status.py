"""An agenda item's discussion status (deferred, not reached) set by the chair, and the per-case
discussion timer of presentation mode: seconds banked per item in session state
(``mtg_elapsed``) plus the running clock (``mtg_timer``). This module owns both keys.
"""

from __future__ import annotations

import time as _time

import streamlit as st

from core.i18n import enum_label
from core.models import AgendaStatus
from db import agenda as workflow
from pages.components.agenda_common import attempt, flash
from pages.components.guard import PageContext


def minutes_seconds(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


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
