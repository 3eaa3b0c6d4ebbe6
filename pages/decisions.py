"""Decisions: record a case's decision from the board's suggestions, sign and amend it; actions,
delivery and follow-ups; the meeting's minutes and the referrer's outcome letter.

Each listing of a case (agenda item) gets its own decision, signed once its meeting has started;
the case's earlier decisions are shown below as history with the meeting that made them. Outside
a meeting the chair records an emergency decision, marked so."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import NotFoundError
from core.i18n import tn
from core.minutes import label, md_cell, md_escape
from core.models import DecisionStatus, MeetingStatus, Priority
from db import actions, decision_reads, meetings
from db import minutes as minutes_db
from db.board import load_board
from pages.components import decision_panels as panels
from pages.components import decision_record as record
from pages.components import links
from pages.components.decision_common import notice
from pages.components.guard import guard
from pages.components.widgets import case_table, lang_key, localise_frame

ctx = guard("decisions")
tr, lang, cur = ctx.t, ctx.lang, ctx.cur
st.title(tr("dec.title"))


def _query_case() -> int | None:
    raw = st.query_params.get("case")
    return int(raw) if raw and raw.isdigit() else None


# -- which meeting and which case ----------------------------------------------------------------
all_meetings = meetings.list_meetings(cur)
meeting_ids = [int(m) for m in all_meetings["meeting_id"]]
dates = {int(r.meeting_id): (pd.Timestamp(r.meeting_date).date().isoformat(), str(r.status)) for r in all_meetings.itertuples()}
query_case = _query_case()
# Both pickers' labels carry words in the user's language (meeting status, urgency): keyed per
# language, or a language switch left "2026-12-10 · planned" in the Chinese page.
meeting_key = lang_key("dec.meeting", lang)
if meeting_key not in st.session_state and meeting_ids:
    linked = minutes_db.agenda_items_for_case(cur, query_case) if query_case else pd.DataFrame()
    st.session_state[meeting_key] = (
        int(linked.iloc[0]["meeting_id"]) if not linked.empty else meetings.next_meeting_id(cur) or meeting_ids[-1]
    )
left, right = st.columns([1, 2])
meeting_id = left.selectbox(
    tr("dec.meeting"),
    meeting_ids,
    key=meeting_key,
    placeholder=tr("dec.choose"),
    format_func=lambda m: f"{dates[m][0]} · {label(dates[m][1], lang, MeetingStatus)}",
)
items = meetings.agenda(cur, meeting_id) if meeting_id is not None else pd.DataFrame(columns=["case_id"])
cases: dict[int, tuple[int | None, str]] = {
    int(r.case_id): (int(r.item_id), f"{r.patient} ({r.mrn}) · {label(str(r.urgency), lang, Priority)}")
    for r in items.itertuples()
}
item_status = {int(r.item_id): str(r.status) for r in items.itertuples()}
if query_case is not None and query_case not in cases:
    cases[query_case] = (None, tr("dec.case_number", n=query_case))
case_key = lang_key(f"dec.case.{meeting_id}", lang)
if case_key not in st.session_state and cases:
    st.session_state[case_key] = query_case if query_case in cases else next(iter(cases))
case_id = (
    right.selectbox(tr("dec.case"), list(cases), key=case_key, placeholder=tr("dec.choose"), format_func=lambda c: cases[c][1])
    if cases
    else None
)
if case_id is not None and st.query_params.get("case") != str(case_id):
    st.query_params["case"] = str(case_id)

tab_rec, tab_act, tab_fu, tab_docs, tab_all = st.tabs(
    [tr("dec.tab.record"), tr("dec.tab.actions"), tr("dec.tab.follow_ups"), tr("dec.tab.documents"), tr("dec.tab.register")]
)

try:
    board = load_board(cur, case_id) if case_id is not None else None
except NotFoundError:
    st.error(tr("case.unknown", case=case_id))
    board, case_id = None, None
history = decision_reads.decisions_for_case(cur, case_id) if case_id is not None else pd.DataFrame()
signed_rows = history[history["status"] == DecisionStatus.SIGNED.value] if not history.empty else history
latest_signed = decision_reads.get_decision(cur, int(signed_rows.iloc[0]["decision_id"])) if not signed_rows.empty else None
meeting = meetings.get_meeting(cur, meeting_id) if meeting_id is not None else None
item_id = cases[case_id][0] if case_id in cases else None


with tab_rec:
    if board is None or case_id is None:
        st.info(tr("dec.pick_case"))
    else:
        patient = board.cf.patient
        st.subheader(md_cell(f"{patient.display_name} · {patient.mrn}"))
        st.caption(tr("dec.question") + " " + md_escape(board.cf.case.question))
        links.page_link(
            "case",
            tr("dec.open_board"),
            icon=":material/assignment_ind:",
            query={"case": str(int(case_id))},
        )
        record.record_panel(ctx, board, history, item_id, meeting, item_status)

with tab_act:
    if case_id is not None and board is not None:
        st.subheader(tr("dec.actions_for", patient=md_cell(board.cf.patient.display_name)))
        notice(f"dec.{case_id}.act_notice")
        panels.actions_panel(ctx, case_id, latest_signed)
        st.subheader(tr("dec.delivery"))
        panels.delivery_panel(ctx, case_id, latest_signed)
    st.subheader(tr("dec.all_open_actions"))
    panels.actions_table(ctx, actions.actions(cur, only_open=True), with_patient=True)

with tab_fu:
    if board is not None:
        st.subheader(tr("dec.follow_ups_for", patient=md_cell(board.cf.patient.display_name)))
        notice(f"dec.{case_id}.fu_notice")
        panels.follow_up_panel(ctx, board, latest_signed)
    st.subheader(tr("dec.overdue_follow_ups_all"))
    panels.follow_up_table(ctx, actions.follow_ups(cur, overdue_only=True), lang, with_patient=True)

with tab_docs:
    panels.documents_panel(
        ctx,
        meeting_id,
        dates[meeting_id][0] if meeting_id is not None else "",
        case_id,
        md_cell(board.cf.patient.display_name) if board else "",
    )

with tab_all:
    status = st.segmented_control(
        tr("col.status"), ["signed", "draft"], format_func=lambda s: label(s, lang, DecisionStatus), key="dec_status"
    )
    frame = decision_reads.list_decisions(cur, status=status)
    st.caption(tn("count.rows", len(frame), ctx.lang))
    case_table(
        localise_frame(
            frame[
                [
                    "case_id",
                    "patient",
                    "primary_tumour",
                    "version",
                    "status",
                    "outcome",
                    "quorum_state",
                    "decided_on",
                    "signed_by",
                ]
            ],
            lang,
            {"status": DecisionStatus},
        ),
        list(frame["case_id"]),
        key="dec_all_table",
        tr=tr,
        width="stretch",
    )
