"""The board as it was recorded at a past moment: what the team saw when it decided.

``case?case=<id>&as_recorded=<ISO date-time, UTC>`` loads the case with only what had been recorded
by then (later entries left out, later corrections and retractions undone; ``db.cases.load_case_file``
with ``known_by``) and with the facts' ages counted from that day. It is read-only: no data entry,
no score snapshots. A signed decision links to the board as signed; any past day can be picked.
"""

from __future__ import annotations

from datetime import date, datetime, time

import streamlit as st

from db.board import Board, build_board
from db.cases import load_case_file
from db.policies import load_policy
from pages.components import links
from pages.components.guard import PageContext

PARAM = "as_recorded"
CASE_PAGE = "pages/case.py"


def requested(ctx: PageContext) -> datetime | None:
    """The moment asked for in the URL (None: the current board). A malformed or future value is
    refused with a message and the current board is shown."""
    raw = st.query_params.get(PARAM)
    if not raw:
        return None
    try:
        when = datetime.fromisoformat(str(raw))
    except ValueError:
        st.warning(ctx.t("recorded.bad_link"))
        return None
    if when.tzinfo is not None:
        when = when.replace(tzinfo=None)
    if when.date() > date.today():
        st.warning(ctx.t("recorded.bad_link"))
        return None
    return when


def load(ctx: PageContext, case_id: int, when: datetime) -> Board:
    """The case's board with only what was recorded by ``when``, its clock set to that day."""
    cf = load_case_file(ctx.cur, case_id, when.date(), known_by=when)
    return build_board(cf, load_policy(ctx.cur))


def banner(ctx: PageContext, case_id: int, when: datetime) -> None:
    st.info(ctx.t("recorded.banner", at=f"{when:%Y-%m-%d %H:%M}"), icon=":material/history:")
    links.page_link(
        "case", ctx.t("recorded.back"), icon=":material/arrow_back:", query={"case": str(case_id)}, key=f"recorded_back_{case_id}"
    )


def link(ctx: PageContext, case_id: int, when: datetime) -> None:
    """A same-tab link to the board as it was recorded at ``when`` (a signature's time)."""
    moment = when.replace(microsecond=0).isoformat()
    links.page_link(
        "case",
        ctx.t("recorded.as_signed"),
        icon=":material/history:",
        query={"case": str(case_id), PARAM: moment},
        key=f"recorded_{case_id}_{moment}",
    )


def picker(ctx: PageContext, board: Board) -> None:
    """Pick a past day: the board as it was recorded by the end of that day."""
    case_id = board.cf.case.case_id or 0
    referred = board.cf.case.referral_date
    with st.expander(ctx.t("recorded.pick"), icon=":material/history:"):
        with st.form(f"as_recorded_{case_id}", border=False):
            day = st.date_input(ctx.t("recorded.day"), value=date.today(), key=f"as_recorded_day_{case_id}")
            go = st.form_submit_button(ctx.t("recorded.open"))
        if not go or not isinstance(day, date):
            return
        if day > date.today():
            st.error(ctx.t("recorded.day.future"))
            return
        if day < referred:
            st.error(ctx.t("recorded.day.before", day=referred.isoformat()))
            return
        st.switch_page(
            CASE_PAGE,
            query_params={"case": str(case_id), PARAM: datetime.combine(day, time.max).replace(microsecond=0).isoformat()},
        )
