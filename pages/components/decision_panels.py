"""The Decisions page's panels around a signed decision: actions (members mark their own done),
delivery of each plan item, follow-ups from the policy schedule; the minutes and letter downloads."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from core.errors import (
    ConflictError,
    FieldError,
    PermissionDeniedError,
    WorkflowError,
)
from core.minutes import label, letter_to_markdown, md_escape, to_markdown
from core.models import (
    ActionItem,
    Decision,
    Delivery,
    NotDeliveredReason,
    Outcome,
    PlanDisposition,
    Specialty,
)
from core.permissions import Capability, allowed
from core.rules.follow_up import follow_up_schedule
from core.text import LONG_TEXT_MAX
from core.vocabulary import ActionStatus, FollowUpKind, FollowUpStatus, PlanKind
from db import actions, decision_reads
from db import minutes as minutes_db
from db.board import Board
from db.users import list_users
from pages.components import documents
from pages.components.board_common import as_date
from pages.components.decision_common import field_error, fresh_token, seed, text_error, token
from pages.components.guard import PageContext
from pages.components.widgets import fit_width, lang_key, text_table

# ------------------------------------------------------------------------------------------------
# Actions, delivery and follow-ups of a signed decision

_ACTION_VOCAB: dict[str, type[StrEnum]] = {"specialty": Specialty, "status": ActionStatus}
_FOLLOW_UP_VOCAB: dict[str, type[StrEnum]] = {"kind": FollowUpKind, "status": FollowUpStatus}


_OVERDUE_STYLE = "background-color: #fde2e1; color: #8a1c12"


def _highlight_overdue(frame: pd.DataFrame, flag: pd.Series) -> Any:
    """Overdue rows tinted (a constant style; cell text stays as data)."""
    styles = pd.DataFrame("", index=frame.index, columns=frame.columns)
    styles.loc[flag.fillna(False).astype(bool).to_numpy()] = _OVERDUE_STYLE
    return frame.style.apply(lambda _: styles, axis=None)


def actions_table(ctx: PageContext, acts: pd.DataFrame, *, with_patient: bool) -> None:
    tr, lang = ctx.t, ctx.lang
    if acts.empty:
        st.caption(tr("dec.no_actions"))
        return
    n_overdue = int(acts["overdue"].fillna(False).sum())
    if n_overdue:
        st.warning(tr("dec.overdue_actions", n=n_overdue), icon=":material/alarm:")
    cols = (["case_id", "patient"] if with_patient else []) + ["description", "specialty", "owner", "due_date", "status"]
    frame = pd.DataFrame(
        {
            tr(f"col.{c}"): acts[c].map(lambda v, c=c: label(v, lang, _ACTION_VOCAB[c])) if c in _ACTION_VOCAB else acts[c]
            for c in cols
        }
    )
    frame[tr("col.overdue")] = acts["overdue"].fillna(False).map(lambda v: tr("dec.overdue") if v else "")
    if not with_patient:
        # one case's few actions: a wrapping table, each action read whole (the grid cut them at
        # the column's width and pushed owner, due date and status out of view at 1024 px)
        frame[tr("col.due_date")] = [as_date(d) for d in acts["due_date"]]
        text_table(frame, tinted=list(acts["overdue"].fillna(False).astype(bool)), tint=_OVERDUE_STYLE)
        return
    st.dataframe(
        _highlight_overdue(frame, acts["overdue"]),
        hide_index=True,
        width="stretch",
        column_config={
            tr("col.due_date"): st.column_config.DateColumn(format="YYYY-MM-DD"),
            tr("col.description"): st.column_config.TextColumn(width=fit_width(frame[tr("col.description")], cap=420)),
        },
    )


def actions_panel(ctx: PageContext, case_id: int, signed: Decision | None) -> None:
    tr, lang = ctx.t, ctx.lang
    acts = actions.actions(ctx.cur, case_id=case_id)
    actions_table(ctx, acts, with_patient=False)
    _complete_widget(ctx, case_id, acts)
    if signed is None:
        st.caption(tr("dec.actions_need_signed"))
        return
    if not allowed(ctx.actor.role, Capability.MANAGE_ACTIONS):
        st.caption(tr("dec.actions_chair_coordinator"))
        return
    items = decision_reads.plan_items(ctx.cur, int(signed.decision_id or 0))
    items = items[items["disposition"] != PlanDisposition.REJECTED.value]
    if items.empty:
        return
    p = f"dec.{case_id}.act"
    users = _owners(ctx)
    st.markdown("**" + md_escape(tr("dec.new_action")) + "**")
    errors: dict[str, str] = st.session_state.get(f"{p}.errors", {})
    texts = dict(zip(items["plan_item_id"].astype(int), items["text"], strict=True))
    a, b = st.columns(2)
    item = a.selectbox(tr("dec.from_plan_item"), list(texts), key=f"{p}.item", format_func=lambda i: texts[i][:90])
    owner = b.selectbox(tr("col.owner"), list(users), key=f"{p}.owner", format_func=lambda u: users[u][0])
    c, d = st.columns(2)
    # keyed per language: after a switch to Chinese the picker went on showing "medical oncology"
    specialty_key = lang_key(f"{p}.specialty", lang)
    seed(specialty_key, users[owner][1] or Specialty.MEDICAL_ONCOLOGY.value)
    c.selectbox(
        tr("col.specialty"), [s.value for s in Specialty], key=specialty_key, format_func=lambda v: label(v, lang, Specialty)
    )
    seed(f"{p}.due", date.today() + timedelta(days=7))
    d.date_input(tr("col.due_date"), key=f"{p}.due", min_value=date.today())
    field_error(errors, "due_date")
    st.text_input(
        tr("dec.action_description"),
        key=f"{p}.description",
        max_chars=LONG_TEXT_MAX,
        placeholder=tr("dec.action_description_hint"),
    )
    field_error(errors, "description")
    if st.button(tr("dec.create_action"), key=f"{p}.create.{token(f'{p}.token')}", icon=":material/add_task:"):
        description = str(st.session_state.get(f"{p}.description", "")).strip() or str(texts[item])
        problem = text_error(tr, description, LONG_TEXT_MAX)
        due = st.session_state.get(f"{p}.due")
        found = {"description": problem} if problem else {}
        if not isinstance(due, date):
            found["due_date"] = tr("dec.err.date_required")
        st.session_state[f"{p}.errors"] = found
        if not found:
            try:
                actions.add_action(
                    ctx.cur,
                    ctx.actor,
                    ActionItem(
                        case_id=case_id,
                        decision_id=signed.decision_id,
                        plan_item_id=int(item),
                        description=description,
                        owner_user_id=int(owner),
                        specialty=Specialty(st.session_state[specialty_key]),
                        due_date=due,
                    ),
                    token=token(f"{p}.token"),
                )
            except PermissionDeniedError:
                st.session_state[f"dec.{case_id}.act_notice"] = ("error", tr("dec.err.denied"))
            else:
                fresh_token(f"{p}.token")
                st.session_state.pop(f"{p}.description", None)
                st.session_state[f"dec.{case_id}.act_notice"] = ("success", tr("dec.action_created"))
        st.rerun()


def _owners(ctx: PageContext) -> dict[int, tuple[str, str | None]]:
    frame = list_users(ctx.cur)
    frame = frame[frame["active"] & frame["role"].isin(["chair", "member", "coordinator"])]
    return {int(r.user_id): (str(r.display_name), None if pd.isna(r.specialty) else str(r.specialty)) for r in frame.itertuples()}


def _complete_widget(ctx: PageContext, case_id: int, acts: pd.DataFrame) -> None:
    tr = ctx.t
    if acts.empty:
        return
    manager = allowed(ctx.actor.role, Capability.MANAGE_ACTIONS)
    mine = acts[(acts["status"] == "open") & (manager | (acts["owner_user_id"] == ctx.actor.user_id))]
    if mine.empty:
        return
    p = f"dec.{case_id}.done"
    rows = {int(r.action_id): (str(r.description), int(r.row_version)) for r in mine.itertuples()}
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    chosen = a.selectbox(tr("dec.complete_which"), list(rows), key=f"{p}.which", format_func=lambda i: rows[i][0][:90])
    if b.button(tr("dec.complete"), key=f"{p}.button", icon=":material/task_alt:"):
        try:
            actions.complete_action(ctx.cur, ctx.actor, chosen, expected_version=rows[chosen][1])
        except PermissionDeniedError:
            st.session_state[f"dec.{case_id}.act_notice"] = ("error", tr("dec.err.denied"))
        except ConflictError:
            st.session_state[f"dec.{case_id}.act_notice"] = ("error", tr("dec.err.conflict"))
        else:
            st.session_state[f"dec.{case_id}.act_notice"] = ("success", tr("dec.action_done"))
        st.rerun()


def delivery_panel(ctx: PageContext, case_id: int, signed: Decision | None) -> None:
    tr, lang = ctx.t, ctx.lang
    if signed is None or signed.outcome != Outcome.DECIDED:
        st.caption(tr("dec.delivery_need_signed"))
        return
    items = decision_reads.plan_items(ctx.cur, int(signed.decision_id or 0))
    items = items[items["disposition"] != PlanDisposition.REJECTED.value]
    can = allowed(ctx.actor.role, Capability.MANAGE_ACTIONS)
    for r in items.itertuples():
        with st.container(border=True):
            st.markdown(f"**{int(r.position) + 1}. {md_escape(label(str(r.kind), lang, PlanKind))}** — {md_escape(str(r.text))}")
            if not pd.isna(r.delivered):
                when = "" if pd.isna(r.delivered_on) else pd.Timestamp(r.delivered_on).date().isoformat()
                st.caption(
                    tr("dec.doc.delivered_on", on=when)
                    if bool(r.delivered)
                    else tr("dec.doc.not_delivered", reason=label(str(r.reason_not), lang, NotDeliveredReason))
                )
            elif can:
                _delivery_widget(ctx, case_id, int(r.plan_item_id))
            else:
                st.caption(tr("dec.delivery_pending"))


def _delivery_widget(ctx: PageContext, case_id: int, plan_item_id: int) -> None:
    tr, lang = ctx.t, ctx.lang
    p = f"dec.{case_id}.dl{plan_item_id}"
    errors: dict[str, str] = st.session_state.get(f"{p}.errors", {})
    seed(f"{p}.state", None)
    st.radio(
        tr("dec.delivered_q"), ["yes", "no"], key=f"{p}.state", horizontal=True, format_func=lambda v: tr(f"dec.delivered_{v}")
    )
    state = st.session_state[f"{p}.state"]
    if state == "yes":
        seed(f"{p}.on", date.today())
        st.date_input(tr("dec.delivered_on_label"), key=f"{p}.on", max_value=date.today())
    elif state == "no":
        reason_key = lang_key(f"{p}.reason", lang)  # its options read in the user's language
        seed(reason_key, None)
        st.selectbox(
            tr("dec.reason_not"),
            [r.value for r in NotDeliveredReason],
            key=reason_key,
            format_func=lambda v: label(v, lang, NotDeliveredReason),
            placeholder=tr("dec.choose"),
        )
        field_error(errors, "reason_not")
        st.text_input(tr("dec.delivery_note"), key=f"{p}.note", max_chars=LONG_TEXT_MAX)
    if state and st.button(tr("dec.record_delivery"), key=f"{p}.save"):
        reason = st.session_state.get(lang_key(f"{p}.reason", lang))
        note = str(st.session_state.get(f"{p}.note", "")).strip()
        found = {}
        if state == "no" and reason is None:
            found["reason_not"] = tr("dec.err.reason_not")
        problem = text_error(tr, note, LONG_TEXT_MAX)
        if problem:
            found["reason_not"] = problem
        st.session_state[f"{p}.errors"] = found
        if not found:
            try:
                actions.record_delivery(
                    ctx.cur,
                    ctx.actor,
                    Delivery(
                        plan_item_id=plan_item_id,
                        delivered=state == "yes",
                        delivered_on=st.session_state.get(f"{p}.on") if state == "yes" else None,
                        reason_not=NotDeliveredReason(str(reason)) if state == "no" else None,
                        note=note,
                    ),
                    token=token(f"{p}.token"),
                )
            except (PermissionDeniedError, WorkflowError):
                st.session_state[f"dec.{case_id}.act_notice"] = ("error", tr("dec.err.denied"))
            except (FieldError, ValidationError):
                st.session_state[f"dec.{case_id}.act_notice"] = ("error", tr("dec.err.invalid"))
            else:
                st.session_state[f"dec.{case_id}.act_notice"] = ("success", tr("dec.delivery_saved"))
        st.rerun()


def follow_up_panel(ctx: PageContext, board: Board, signed: Decision | None) -> None:
    tr, lang = ctx.t, ctx.lang
    case_id = int(board.cf.case.case_id or 0)
    fus = actions.follow_ups(ctx.cur, case_id=case_id)
    if signed is not None and minutes_db.follow_up_count(ctx.cur, int(signed.decision_id or 0)) == 0:
        schedule = follow_up_schedule(signed.decided_on, board.policy)
        st.caption(
            tr(
                "dec.fu_schedule",
                n=len(schedule),
                first=schedule[0][0].isoformat() if schedule else "—",
                last=schedule[-1][0].isoformat() if schedule else "—",
            )
        )
        if (
            allowed(ctx.actor.role, Capability.MANAGE_ACTIONS)
            and schedule
            and st.button(tr("dec.fu_create"), key=f"dec.{case_id}.fu", icon=":material/event_repeat:")
        ):
            try:
                n = actions.schedule_follow_ups(ctx.cur, ctx.actor, int(signed.decision_id or 0), schedule)
            except PermissionDeniedError:
                st.session_state[f"dec.{case_id}.fu_notice"] = ("error", tr("dec.err.denied"))
            else:
                st.session_state[f"dec.{case_id}.fu_notice"] = ("success", tr("dec.fu_created", n=n))
            st.rerun()
    elif signed is None:
        st.caption(tr("dec.fu_need_signed"))
    follow_up_table(ctx, fus, lang)


def follow_up_table(ctx: PageContext, fus: pd.DataFrame, lang: str, *, with_patient: bool = False) -> None:
    tr = ctx.t
    if fus.empty:
        st.caption(tr("dec.no_follow_ups"))
        return
    n_overdue = int(fus["overdue"].fillna(False).sum())
    if n_overdue:
        st.warning(tr("dec.overdue_follow_ups", n=n_overdue), icon=":material/alarm:")
    cols = (["case_id", "patient"] if with_patient else []) + ["kind", "due_date", "status"]
    frame = pd.DataFrame(
        {
            tr(f"col.{c}"): fus[c].map(lambda v, c=c: label(v, lang, _FOLLOW_UP_VOCAB[c])) if c in _FOLLOW_UP_VOCAB else fus[c]
            for c in cols
        }
    )
    frame[tr("col.overdue")] = fus["overdue"].fillna(False).map(lambda v: tr("dec.overdue") if v else "")
    st.dataframe(
        _highlight_overdue(frame, fus["overdue"]),
        hide_index=True,
        width="stretch",
        column_config={tr("col.due_date"): st.column_config.DateColumn(format="YYYY-MM-DD")},
    )


# ------------------------------------------------------------------------------------------------
# Minutes and letters


def documents_panel(ctx: PageContext, meeting_id: int | None, meeting_date: str, case_id: int | None, patient: str) -> None:
    """Download buttons; the document is built (and the export audited) only when clicked."""
    tr, store, actor = ctx.t, ctx.store, ctx.actor
    doc_lang = (
        st.segmented_control(
            tr("dec.doc_language"),
            ["en", "zh"],
            default=ctx.lang,
            # per interface language: switching the language switches the documents' too
            key=f"dec.doc_lang.{ctx.lang}",
            format_func=lambda c: "English" if c == "en" else "简体中文",
        )
        or ctx.lang
    )
    font_ok = documents.font_available()
    if not font_ok:
        st.error(tr("dec.font_missing", path=documents.font_path()), icon=":material/font_download_off:")

    def minutes_md(mid: int) -> str:
        return to_markdown(minutes_db.export_minutes(store.cursor(), actor, mid, "markdown"), doc_lang)

    def minutes_pdf(mid: int) -> bytes:
        return documents.minutes_pdf(minutes_db.export_minutes(store.cursor(), actor, mid, "pdf"), doc_lang)

    def letter_md(cid: int) -> str:
        return letter_to_markdown(minutes_db.export_letter(store.cursor(), actor, cid, "markdown"), doc_lang)

    def letter_pdf(cid: int) -> bytes:
        return documents.letter_pdf(minutes_db.export_letter(store.cursor(), actor, cid, "pdf"), doc_lang)

    targets: list[tuple[str, str, str, int, Callable[[int], str], Callable[[int], bytes]]] = []
    if meeting_id is not None:
        targets.append(
            ("min", tr("dec.minutes_for", date=meeting_date), f"minutes-{meeting_date}", int(meeting_id), minutes_md, minutes_pdf)
        )
    if case_id is not None:
        targets.append(
            (
                "let",
                tr("dec.letter_for", patient=patient),
                f"outcome-letter-case-{int(case_id)}",
                int(case_id),
                letter_md,
                letter_pdf,
            )
        )
    for key, title, stem, ident, make_md, make_pdf in targets:
        st.subheader(title)
        a, b = st.columns(2)
        a.download_button(
            tr("dec.download_md"),
            key=f"dec.{key}_md",
            icon=":material/description:",
            mime="text/markdown",
            file_name=f"{stem}-{doc_lang}.md",
            on_click="ignore",
            data=functools.partial(make_md, ident),
        )
        b.download_button(
            tr("dec.download_pdf"),
            key=f"dec.{key}_pdf",
            icon=":material/picture_as_pdf:",
            mime="application/pdf",
            file_name=f"{stem}-{doc_lang}.pdf",
            on_click="ignore",
            disabled=not font_ok,
            data=functools.partial(make_pdf, ident),
        )
    st.caption(tr("dec.export_audited"))
    if meeting_id is not None and st.toggle(tr("dec.minutes_on_screen"), key="dec.minutes_screen"):
        # the same content as the downloads (stored text escaped by the renderer), not an export
        with st.container(border=True):
            st.markdown(to_markdown(minutes_db.meeting_minutes(ctx.cur, int(meeting_id)), doc_lang))
