"""Record, sign, amend or defer one listing's decision: the decisions page's record tab and the
presentation mode's decision tab call the same function, so the rules are met the same way.

Each listing of a case (agenda item) gets its own decision; the case's earlier decisions are shown
read-only with the meeting that made each. Outside a meeting (no agenda item) the chair records an
emergency decision, marked so."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from core.models import DecisionStatus, Meeting
from core.permissions import Capability, allowed
from db import decision_reads
from db.board import Board
from pages.components import decision_form as form
from pages.components import decision_history as past
from pages.components import decision_signing as signing
from pages.components.decision_common import notice
from pages.components.guard import PageContext


def record_panel(
    ctx: PageContext,
    board: Board,
    history: pd.DataFrame,
    item_id: int | None,
    meeting: Meeting | None,
    item_status: dict[int, str],
) -> None:
    """The decision of ``board``'s case for listing ``item_id`` of ``meeting`` (None: an emergency
    decision outside a meeting), with the opinions box, signing, amending and deferring."""
    tr, cur = ctx.t, ctx.cur
    case_id = int(board.cf.case.case_id or 0)
    meeting_id = meeting.meeting_id if meeting is not None else None
    form.opinions_box(ctx, case_id, item_id)
    # which decision this screen records: this listing's, or an emergency one outside a meeting
    no_item = history["item_id"].isna() if not history.empty else pd.Series(dtype=bool)
    open_emergency = bool(not history.empty and (no_item & (history["status"] == DecisionStatus.DRAFT.value)).any())
    offer_emergency = item_id is not None and not open_emergency and signing.emergency_offered(ctx, meeting)
    toggle_key = f"dec.{case_id}.emergency"
    emergency = item_id is None or open_emergency or (offer_emergency and bool(st.session_state.get(toggle_key)))
    slot_rows = history[no_item] if emergency else history[history["item_id"] == item_id] if not history.empty else history
    current = decision_reads.get_decision(cur, int(slot_rows.iloc[0]["decision_id"])) if not slot_rows.empty else None
    shown_id = current.decision_id if current else None
    # the case's other decisions first: read-only, with the meeting that made each
    past.history_view(ctx, history, shown_id)
    st.divider()
    signing.meeting_banner(ctx, meeting, item_status.get(item_id) if item_id else None)
    if offer_emergency:
        st.toggle(tr("dec.emergency_toggle"), key=toggle_key, help=tr("dec.emergency_help"))
    if emergency:
        st.warning(tr("dec.emergency_banner"), icon=":material/emergency:")
    if current is None or current.status == DecisionStatus.DRAFT:
        if allowed(ctx.actor.role, Capability.DRAFT_DECISION):
            decided_before = current is None and not history.empty
            if not decided_before or signing.record_new(ctx, case_id, "e" if emergency else str(item_id)):
                on = meeting.meeting_date.isoformat() if meeting else ""
                reason = (
                    tr("dec.emergency_reason", date=date.today().isoformat())
                    if emergency
                    else tr("dec.relisting_reason", date=on)
                )
                slot = form.NewDecision(
                    item_id=None if emergency else item_id,
                    meeting_id=None if emergency else meeting_id,
                    emergency=emergency,
                    reason=reason if decided_before else "",
                )
                form.draft_form(ctx, board, current, slot)
                if current is not None:
                    st.divider()
                    signing.sign_box(ctx, current, board, None if emergency else meeting)
        elif current is not None:
            past.decision_view(ctx, current, None, new_listing=past.new_listing(history, int(current.decision_id or 0)))
        else:
            st.caption(tr("case.no_decisions"))
    else:
        notice(f"dec.{case_id}.notice")
        st.subheader(tr("dec.signed_decision"))
        signer = slot_rows.iloc[0]["signed_by"]
        past.decision_view(
            ctx,
            current,
            None if pd.isna(signer) else str(signer),
            new_listing=past.new_listing(history, int(current.decision_id or 0)),
        )
        signing.amend_box(ctx, current)
    if meeting is not None and item_id is not None and not emergency:
        signing.defer_box(ctx, case_id, item_id, meeting, item_status.get(item_id, "listed"))
