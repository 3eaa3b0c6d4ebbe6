"""The case board (``case?case=<id>``): one screen per case for a 3-minute MDT discussion.

Reads the query parameter through the searchable picker, loads the board (facts, policy,
scores, rules, readiness) in one use-case, audits the first opening per session, snapshots the
scores whose inputs changed, and hands the board to the components.
"""

from __future__ import annotations

import streamlit as st

from core.errors import NotFoundError
from db import audit
from pages.components import board_as_recorded as as_recorded
from pages.components import cache, case_board
from pages.components.guard import PAGE_ICON, guard

# A deep link runs this file without the entrypoint: the board needs the wide layout itself.
st.set_page_config(page_title="BoneMDT", page_icon=PAGE_ICON, layout="wide")
ctx = guard("case")

case_id = case_board.case_picker(ctx)
if case_id is None:
    st.stop()

when = as_recorded.requested(ctx)
version: cache.Version | None = None  # the current board's data version (keys what is cached)
try:
    if when is None:
        version = cache.version(ctx, case_id)
        board = cache.board_at(version)
    else:
        board = as_recorded.load(ctx, case_id, when)
except NotFoundError:
    st.error(ctx.t("board.unknown", case=str(case_id)))
    st.stop()

opened_key = f"opened_case_{case_id}"
if not st.session_state.get(opened_key):
    audit.record(ctx.cur, ctx.actor, "open_case", "mdt_case", case_id, patient_id=board.cf.patient.patient_id)
    st.session_state[opened_key] = True

if when is not None:  # read-only: what was recorded then; nothing is written
    as_recorded.banner(ctx, case_id, when)
    case_board.render(ctx, board, read_only=True)
elif version is not None:
    version = cache.snapshot_scores(ctx, board, version)
    case_board.render(ctx, board, version=version)
    as_recorded.picker(ctx, board)
