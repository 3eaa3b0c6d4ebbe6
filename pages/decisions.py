"""Decisions: versions and signatures; action items; follow-ups."""

from __future__ import annotations

import streamlit as st

from db import decisions
from pages.components.guard import guard
from pages.components.widgets import case_link_column, localise_frame

ctx = guard("decisions")
tr = ctx.t
st.title(tr("decisions.title"))

tab_dec, tab_act, tab_fu = st.tabs([tr("decisions.tab.decisions"), tr("decisions.tab.actions"), tr("decisions.tab.follow_ups")])
with tab_dec:
    status = st.segmented_control(tr("col.status"), ["signed", "draft"], format_func=lambda s: tr("vocab." + s), key="dec_status")
    frame = decisions.list_decisions(ctx.cur, status=status)
    st.caption(tr("cases.count", n=len(frame)))
    st.dataframe(
        localise_frame(frame[["case_id", "patient", "primary_tumour", "version", "status", "outcome", "quorum_state", "decided_on", "signed_by"]], ctx.lang),
        hide_index=True, width="stretch", column_config={"case_id": case_link_column(tr)},
    )
with tab_act:
    only_open = st.toggle(tr("decisions.only_open"), value=True)
    acts = decisions.actions(ctx.cur, only_open=only_open)
    n_overdue = int(acts["overdue"].sum()) if not acts.empty else 0
    if n_overdue:
        st.warning(tr("overview.overdue_count", n=n_overdue))
    st.dataframe(
        localise_frame(acts[["case_id", "patient", "description", "specialty", "owner", "due_date", "status", "overdue"]], ctx.lang),
        hide_index=True, width="stretch", column_config={"case_id": case_link_column(tr)},
    )
with tab_fu:
    fus = decisions.follow_ups(ctx.cur)
    st.dataframe(
        localise_frame(fus[["case_id", "patient", "kind", "due_date", "status", "overdue"]], ctx.lang),
        hide_index=True, width="stretch", column_config={"case_id": case_link_column(tr)},
    )
