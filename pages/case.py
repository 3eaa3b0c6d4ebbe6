"""The case board (``case?case=<id>``): one screen per case for a 3-minute MDT discussion."""

from __future__ import annotations

import streamlit as st

from core.errors import NotFoundError
from db import audit, cases
from pages.components import case_board
from pages.components.guard import guard

ctx = guard("case")
tr = ctx.t

choices = cases.case_choices(ctx.cur)
raw = st.query_params.get("case")
case_id: int | None = None
if raw is not None:
    try:
        case_id = int(raw)
    except ValueError:
        case_id = None
    if case_id is None or not cases.case_exists(ctx.cur, case_id):
        st.error(tr("case.unknown", case=str(raw)[:20]))
        case_id = None

ids = [c[0] for c in choices]
labels = dict(choices)
picked = st.selectbox(
    tr("case.picker"), ids, index=ids.index(case_id) if case_id in ids else None,
    format_func=lambda i: labels.get(i, str(i)), placeholder=tr("case.picker_hint"),
)
if picked is not None and picked != case_id:
    st.query_params["case"] = str(picked)
    st.rerun()
if case_id is None:
    st.stop()

try:
    cf = cases.load_case_file(ctx.cur, case_id)
except NotFoundError:
    st.error(tr("case.unknown", case=str(case_id)))
    st.stop()

opened_key = f"opened_case_{case_id}"
if not st.session_state.get(opened_key):
    audit.record(ctx.cur, ctx.actor, "open_case", "mdt_case", case_id, patient_id=cf.patient.patient_id)
    st.session_state[opened_key] = True

case_board.render(ctx, cf)
