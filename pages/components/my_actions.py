"""The signed-in user's open actions with a "mark done" button each (overview).

Completing goes through :func:`db.actions.complete_action`, which checks that the action is
the actor's own (or that the actor manages actions) and writes the audit row.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.errors import ConflictError, NotFoundError, PermissionDeniedError
from core.text import md_inline
from db import actions
from pages.components.guard import PageContext

NOTICE = "my_actions_notice"


def _complete(ctx: PageContext, action_id: int, version: int) -> None:
    """Button callback: runs before the rerun renders, so the list shows the action gone."""
    try:
        actions.complete_action(ctx.cur, ctx.actor, action_id, expected_version=version)
    except PermissionDeniedError:
        st.session_state[NOTICE] = ("error", ctx.t("dec.err.denied"))
    except (ConflictError, NotFoundError):
        st.session_state[NOTICE] = ("error", ctx.t("dec.err.conflict"))
    else:
        st.session_state[NOTICE] = ("success", ctx.t("dec.action_done"))


def my_actions(ctx: PageContext, mine: pd.DataFrame) -> None:
    """One row per open action of the signed-in user: case, text, due date, a done button."""
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        (st.error if notice[0] == "error" else st.success)(notice[1])
    if mine.empty:
        st.caption(ctx.t("common.no_rows"))
        return
    st.caption(ctx.t("overview.mark_done_hint"))
    for row in mine.itertuples():
        action_id = int(row.action_id)
        with st.container(border=True, horizontal=True, vertical_alignment="center"):
            due = pd.Timestamp(row.due_date).date().isoformat()
            overdue = f" · :red[{md_inline(ctx.t('col.overdue'))}]" if bool(row.overdue) else ""
            st.markdown(
                f"**\\#{int(row.case_id)} {md_inline(str(row.patient))}** · {md_inline(str(row.description))}  \n"
                f"{md_inline(ctx.t('col.due_date'))}: {due}{overdue}",
                width="stretch",
            )
            st.button(
                ctx.t("overview.mark_done"),
                key=f"my_action_done_{action_id}",
                icon=":material/task_alt:",
                on_click=_complete,
                args=(ctx, action_id, int(row.row_version)),
                width="content",
            )
