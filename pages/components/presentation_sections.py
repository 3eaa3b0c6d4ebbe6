"""Below the fold of presentation mode: the case board's sections and the decision form of the
presented case, opened in place (lazy tabs: only the open one runs), so the chair never leaves
presentation mode to look something up or to record and sign the decision."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.models import Meeting
from db import decision_reads, meetings
from db.board import Board
from pages.components import board_tabs, cache, links, score_cards
from pages.components import decision_record as record
from pages.components.board_common import in_turn, site_label
from pages.components.guard import PageContext

TAB_KEY = "mtg_present_tab"


def render(ctx: PageContext, board: Board, meeting: Meeting, item_id: int) -> None:
    case_id = int(board.cf.case.case_id or 0)
    sections: tuple[tuple[str, Callable[[], None]], ...] = (
        ("summary", in_turn(lambda: board_tabs.imaging(ctx, board), lambda: board_tabs.suggestions(ctx, board))),
        ("scores", lambda: _scores(ctx, board)),
        ("timeline", lambda: board_tabs.timeline(ctx, board, meetings.case_agenda_history(ctx.cur, case_id))),
        ("labs", lambda: board_tabs.labs(ctx, board)),
        ("lesions", lambda: board_tabs.lesions(ctx, board)),
        ("decision", lambda: decision_panel(ctx, board, item_id, int(meeting.meeting_id or 0))),
    )
    links.page_link("case", ctx.t("pres.open_board"), icon=":material/open_in_full:", query={"case": str(case_id)})
    tabs = st.tabs([ctx.t(f"pres.tab.{name}") for name, _ in sections], key=TAB_KEY, on_change="rerun")
    for tab, (_, draw) in zip(tabs, sections, strict=True):
        if tab.open:
            with tab:
                draw()


def _scores(ctx: PageContext, board: Board) -> None:
    case_id = int(board.cf.case.case_id or 0)
    sites = {les.lesion_id: site_label(les, ctx.lang) for les in board.cf.lesions if les.lesion_id}
    score_cards.render_cards(
        ctx,
        board.scores,
        as_of=board.cf.as_of,
        sites=sites,
        history=cache.trends(ctx, case_id, None),
    )


def decision_panel(ctx: PageContext, board: Board, item_id: int, meeting_id: int) -> None:
    """The decisions page's record/sign/amend/defer flow for the presented case (the same function)."""
    case_id = int(board.cf.case.case_id or 0)
    history = decision_reads.decisions_for_case(ctx.cur, case_id)
    agenda = meetings.agenda(ctx.cur, meeting_id)
    status = {int(r.item_id): str(r.status) for r in agenda.itertuples()}
    record.record_panel(ctx, board, history, item_id, meetings.get_meeting(ctx.cur, meeting_id), status)
