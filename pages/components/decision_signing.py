"""Signing and amending on the Decisions page: where a decision may be signed (a started meeting,
or a marked emergency outside one), the chair's signature with the re-entered password, the
amendment of a signed decision, deferring an agenda item with a reason."""

from __future__ import annotations

import streamlit as st

from core.errors import (
    ConflictError,
    FieldError,
    ImmutableRecordError,
    PermissionDeniedError,
    WorkflowError,
)
from core.minutes import label, md_escape, meaning_label
from core.models import (
    AgendaStatus,
    Decision,
    Meeting,
    MeetingStatus,
    Outcome,
    PlanDisposition,
    QuorumState,
)
from core.permissions import Capability, allowed
from core.text import LONG_TEXT_MAX
from db import agenda, decision_signing, decisions
from db.board import Board
from db.users import SigningLockedError
from pages.components.decision_common import field_error, text_error, token
from pages.components.guard import PageContext

# ------------------------------------------------------------------------------------------------
# Where the decision is recorded: this meeting (started or not), or an emergency outside one


def meeting_banner(ctx: PageContext, meeting: Meeting | None, item_status: str | None) -> None:
    """Say which meeting a decision recorded here belongs to, and whether it can be signed now."""
    tr = ctx.t
    if meeting is None or item_status is None:
        return
    day = f"{meeting.meeting_date:%Y-%m-%d}"
    if meeting.status == MeetingStatus.PLANNED:
        st.info(tr("dec.meeting_planned", date=day), icon=":material/schedule:")
    elif meeting.status == MeetingStatus.IN_PROGRESS:
        st.caption(tr("dec.meeting_running", date=day, status=label(item_status, ctx.lang, AgendaStatus)))
    else:
        st.caption(tr("dec.meeting_closed", date=day, status=label(item_status, ctx.lang, AgendaStatus)))


def emergency_offered(ctx: PageContext, meeting: Meeting | None) -> bool:
    """The chair may record an emergency decision outside a meeting while the case's meeting has
    not started (once it has, the decision is the meeting's)."""
    return meeting is not None and meeting.status == MeetingStatus.PLANNED and allowed(ctx.actor.role, Capability.SIGN_DECISION)


def record_new(ctx: PageContext, case_id: int, slot: str) -> bool:
    """For a case decided before (re-listed or deferred): this listing gets its own decision; the
    earlier ones stay below as history. True once the user chose to record it."""
    key = f"dec.{case_id}.{slot}.record"
    if st.session_state.get(key):
        return True
    st.info(ctx.t("dec.decided_before"), icon=":material/history:")
    if st.button(ctx.t("dec.record_new"), key=f"{key}.btn", type="primary", icon=":material/note_add:"):
        st.session_state[key] = True
        st.rerun()
    return False


def defer_box(ctx: PageContext, case_id: int, item_id: int, meeting: Meeting, item_status: str) -> None:
    """Defer the item during the meeting, with the reason (shown in the minutes)."""
    tr = ctx.t
    if (
        meeting.status != MeetingStatus.IN_PROGRESS
        or item_status not in (AgendaStatus.LISTED, AgendaStatus.NOT_DISCUSSED)
        or not allowed(ctx.actor.role, Capability.DRAFT_DECISION)
    ):
        return
    p = f"dec.{case_id}.defer{item_id}"
    errors: dict[str, str] = st.session_state.get(f"{p}.errors", {})
    with st.expander(tr("dec.defer"), icon=":material/update:", expanded=bool(errors)):
        st.caption(tr("dec.defer_hint"))
        st.text_input(tr("dec.defer_reason"), key=f"{p}.reason", max_chars=LONG_TEXT_MAX)
        field_error(errors, "reason")
        if st.button(tr("dec.defer_button"), key=f"{p}.btn", icon=":material/update:"):
            reason = str(st.session_state.get(f"{p}.reason", "")).strip()
            problem = tr("dec.err.reason_required") if not reason else text_error(tr, reason, LONG_TEXT_MAX)
            st.session_state[f"{p}.errors"] = {"reason": problem} if problem else {}
            if not problem:
                try:
                    agenda.set_item_status(ctx.cur, ctx.actor, item_id, AgendaStatus.DEFERRED, reason=reason)
                except FieldError:
                    st.session_state[f"{p}.errors"] = {"reason": tr("dec.err.invalid")}
                except WorkflowError:
                    st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.not_started"))
                except (PermissionDeniedError, ConflictError):
                    st.session_state[f"dec.{case_id}.notice"] = ("error", tr("dec.err.denied"))
                else:
                    st.session_state[f"dec.{case_id}.notice"] = ("success", tr("dec.deferred_ok"))
            st.rerun()


# ------------------------------------------------------------------------------------------------
# Signing and amending


def sign_box(ctx: PageContext, draft: Decision, board: Board, meeting: Meeting | None) -> None:
    tr = ctx.t
    st.subheader(tr("dec.sign"))
    if not allowed(ctx.actor.role, Capability.SIGN_DECISION):
        st.info(tr("dec.sign.chair_only"), icon=":material/lock:")
        return
    if draft.item_id is not None and meeting is not None and meeting.status == MeetingStatus.PLANNED:
        # the same rule db/decision_signing.sign enforces: not before the meeting has started
        st.warning(tr("dec.sign.not_started"), icon=":material/schedule:")
        return
    p = f"dec.{draft.case_id}.{draft.decision_id}"
    errors: dict[str, str] = st.session_state.get(f"{p}.sign_errors", {})
    fired = {h.rule_id for h in board.rules.fired}
    missing = fired - {pi.rule_id for pi in draft.plan if pi.rule_id}
    if draft.outcome == Outcome.DECIDED and missing:
        st.warning(tr("dec.sign.unaddressed", n=len(missing)), icon=":material/rule:")
        return
    if draft.quorum_state == QuorumState.PROVISIONAL:
        st.caption(tr("dec.sign.provisional"))
    st.markdown(md_escape(tr("dec.sign.meaning", meaning=meaning_label("Approved as the MDT decision", ctx.lang))))
    st.caption(tr("dec.sign.scope", version=draft.version))
    # a fresh (empty) password field after every attempt: the password is never kept in the session
    attempt = int(st.session_state.get(f"{p}.attempt", 0))
    st.text_input(tr("dec.sign.password"), type="password", key=f"{p}.password.{attempt}", max_chars=200)
    field_error(errors, "password")
    if st.button(tr("dec.sign.button"), key=f"{p}.sign", type="primary", icon=":material/signature:"):
        st.session_state[f"{p}.sign_errors"] = {}
        password = str(st.session_state.pop(f"{p}.password.{attempt}", "") or "")
        st.session_state[f"{p}.attempt"] = attempt + 1
        if _unsaved_edits(p, draft):
            # The signature covers the saved draft only: sign what is on screen, or nothing.
            st.session_state[f"dec.{draft.case_id}.notice"] = ("error", tr("sec.unsaved_edits"))
            st.rerun()
        try:
            decision_signing.sign(
                ctx.cur,
                ctx.actor,
                int(draft.decision_id or 0),
                password=password,
                expected_version=int(st.session_state.get(f"{p}.opened", draft.row_version)),
            )
        except FieldError as exc:
            if "password" in exc.errors:
                st.session_state[f"{p}.sign_errors"] = {"password": tr("dec.err.password")}
            elif "quorum_state" in exc.errors:
                st.session_state[f"dec.{draft.case_id}.notice"] = ("error", tr("dec.err.quorum_changed"))
            else:
                st.session_state[f"dec.{draft.case_id}.notice"] = ("error", tr("dec.err.defer_summary"))
        except WorkflowError:
            st.session_state[f"dec.{draft.case_id}.notice"] = ("error", tr("dec.err.not_started"))
        except ConflictError:
            st.session_state[f"dec.{draft.case_id}.notice"] = ("error", tr("dec.err.conflict"))
        except (PermissionDeniedError, ImmutableRecordError):
            st.session_state[f"dec.{draft.case_id}.notice"] = ("error", tr("dec.err.denied"))
        except SigningLockedError:
            st.session_state[f"dec.{draft.case_id}.notice"] = ("error", tr("sec.sign_locked"))
        else:
            st.session_state[f"dec.{draft.case_id}.notice"] = ("success", tr("dec.signed_ok"))
        st.rerun()


def _unsaved_edits(p: str, draft: Decision) -> bool:
    """Whether the draft form on screen (same widget keys) differs from the saved draft."""
    ss = st.session_state

    def text(key: str) -> str:
        return str(ss.get(key, "") or "").strip()

    if f"{p}.outcome" in ss and ss[f"{p}.outcome"] != draft.outcome:
        return True
    if f"{p}.decided_on" in ss and ss[f"{p}.decided_on"] != draft.decided_on:
        return True
    for field in ("summary", "dissent"):
        if f"{p}.{field}" in ss and text(f"{p}.{field}") != getattr(draft, field):
            return True
    for axis in draft.noms:  # (NOMS fields the draft lacks show computed prefills, not edits)
        if f"{p}.noms.{axis}" in ss and text(f"{p}.noms.{axis}") != draft.noms[axis]:
            return True
    for item in draft.plan:
        key = f"{p}.s.{item.rule_id}.disp"
        if item.rule_id and key in ss and ss[key] != item.disposition:
            return True
    free = [text(f"{p}.f{i}.text") for i in range(int(ss.get(f"{p}.n_free", 0)))]
    saved_free = [i.text for i in draft.plan if i.disposition == PlanDisposition.FREE_TEXT]
    return f"{p}.n_free" in ss and [f for f in free if f] != saved_free


def amend_box(ctx: PageContext, d: Decision) -> None:
    tr = ctx.t
    if not allowed(ctx.actor.role, Capability.SIGN_DECISION):
        return
    p = f"dec.{d.case_id}.{d.decision_id}"
    errors: dict[str, str] = st.session_state.get(f"{p}.amend_errors", {})
    with st.expander(tr("dec.amend"), icon=":material/edit_note:", expanded=bool(errors)):
        st.caption(tr("dec.amend_hint"))
        st.text_area(tr("dec.amend_reason"), key=f"{p}.amend_reason", max_chars=LONG_TEXT_MAX, height=80)
        field_error(errors, "amendment_reason")
        if st.button(tr("dec.amend_button"), key=f"{p}.amend"):
            reason = str(st.session_state.get(f"{p}.amend_reason", "")).strip()
            problem = tr("dec.err.reason_required") if not reason else text_error(tr, reason, LONG_TEXT_MAX)
            st.session_state[f"{p}.amend_errors"] = {"amendment_reason": problem} if problem else {}
            if not problem:
                try:
                    decisions.amend(ctx.cur, ctx.actor, int(d.decision_id or 0), reason=reason, token=token(f"{p}.amend_token"))
                except FieldError:
                    st.session_state[f"{p}.amend_errors"] = {"amendment_reason": tr("dec.err.reason_required")}
                except (ConflictError, WorkflowError):
                    st.session_state[f"dec.{d.case_id}.notice"] = ("error", tr("dec.err.conflict"))
                except PermissionDeniedError:
                    st.session_state[f"dec.{d.case_id}.notice"] = ("error", tr("dec.err.denied"))
                else:
                    st.session_state[f"dec.{d.case_id}.notice"] = ("success", tr("dec.amended_ok"))
            st.rerun()
