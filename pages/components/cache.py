"""Process-wide caches keyed by the store's change stamp (the audit trail's last sequence).

Every change to clinical data writes its audit row in the same transaction, so the stamp moves
exactly when a cached board could be out of date. Boards are frozen models: cached as resources
(shared, not copied) and never mutated."""

from __future__ import annotations

from datetime import date

import streamlit as st

from db import scores as score_store
from db.board import Board, case_stamp, load_board
from pages.components.guard import PageContext, get_store


@st.cache_resource(max_entries=512, show_spinner=False)
def _board(db_path: str, case_id: int, stamp: int, today: date) -> Board:
    return load_board(get_store().cursor(), case_id, today)


@st.cache_resource(show_spinner=False)
def _snapshotted() -> set[tuple[str, int, int]]:
    return set()


def board(ctx: PageContext, case_id: int) -> Board:
    """The case's board, recomputed only when its data changed (or the day did)."""
    return _board(str(ctx.store.path), case_id, case_stamp(ctx.cur, case_id), date.today())


def snapshot_scores(ctx: PageContext, case_id: int, current: Board) -> None:
    """Record score snapshots when inputs changed — once per case and data change."""
    key = (str(ctx.store.path), case_id, case_stamp(ctx.cur, case_id))
    done = _snapshotted()
    if key in done:
        return
    score_store.record_snapshots(ctx.cur, case_id, current.scores)
    done.add(key)
