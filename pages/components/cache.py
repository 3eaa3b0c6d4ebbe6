"""Process-wide caches keyed by data versions (audit sequences), so an unchanged rerun does no work.

Every change to clinical data writes its audit row in the same transaction, so a case's stamp
(:func:`db.board.case_stamp`: the last data change about its patient or the department) moves
exactly when anything derived from its board could be out of date; the store's stamp
(:func:`db.board.store_stamp`) moves with any data change (the case picker's list). Boards,
figures and score histories are cached as resources (shared, not copied) and never mutated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.i18n import enum_label
from core.vocabulary import PrimaryTumour
from db import cases
from db import scores as score_store
from db.board import Board, case_stamp, load_board, store_stamp
from pages.components.guard import PageContext, get_store
from pages.components.score_cards import Trend


@dataclass(frozen=True)
class Version:
    """What one case's derived data is a function of: the store, the case, its stamp and the day."""

    db_path: str
    case_id: int
    stamp: int
    today: date


def version(ctx: PageContext, case_id: int) -> Version:
    """The case's data version now (one small query)."""
    return Version(str(ctx.store.path), case_id, case_stamp(ctx.cur, case_id), date.today())


@st.cache_resource(max_entries=512, show_spinner=False)
def _board(db_path: str, case_id: int, stamp: int, today: date) -> Board:
    return load_board(get_store().cursor(), case_id, today)


def board_at(v: Version) -> Board:
    """The board of the case at version ``v`` (computed once per version)."""
    return _board(v.db_path, v.case_id, v.stamp, v.today)


def board(ctx: PageContext, case_id: int) -> Board:
    """The case's board, recomputed only when its data changed (or the day did)."""
    return board_at(version(ctx, case_id))


@st.cache_resource(show_spinner=False)
def _snapshotted() -> set[tuple[str, int, int]]:
    return set()


def snapshot_scores(ctx: PageContext, current: Board, v: Version) -> Version:
    """Record score snapshots when inputs changed -- once per case and data change. Returns the
    version after it: writing snapshots writes an audit row, which moves the case's stamp."""
    key = (v.db_path, v.case_id, v.stamp)
    done = _snapshotted()
    if key in done:
        return v
    written = score_store.record_snapshots(ctx.cur, v.case_id, current.scores)
    after = version(ctx, v.case_id) if written else v
    done.update({key, (after.db_path, after.case_id, after.stamp)})
    return after


# ---------------------------------------------------------------------------------------------
# Score histories (the cards' trend and "previous" lines)


@st.cache_resource(max_entries=512, show_spinner=False)
def _trends(db_path: str, case_id: int, stamp: int) -> dict[str, Trend]:
    return _summarise(score_store.score_histories(get_store().cursor(), case_id))


def _summarise(histories: dict[str, pd.DataFrame]) -> dict[str, Trend]:
    return {score_id: Trend.of(frame) for score_id, frame in histories.items()}


def trends(ctx: PageContext, case_id: int, v: Version | None) -> Callable[[str], Trend]:
    """Each patient-level score's history of the case as the cards show it, read in one query and
    summarised once per version (``v`` None: read now, for a board that is not the current one)."""
    found = _trends(v.db_path, v.case_id, v.stamp) if v is not None else _summarise(score_store.score_histories(ctx.cur, case_id))
    return lambda score_id: found.get(score_id, Trend())


# ---------------------------------------------------------------------------------------------
# Figures


@st.cache_resource(max_entries=256, show_spinner=False)
def _figure(kind: str, key: str, _build: Callable[[], go.Figure]) -> go.Figure:
    return _build()


def content_key(*parts: object) -> str:
    """sha256 of the inputs (models as JSON) so a changed record rebuilds what depends on them."""
    plain = [p.model_dump(mode="json") if hasattr(p, "model_dump") else p for p in parts]
    return hashlib.sha256(json.dumps(plain, default=str, sort_keys=True).encode()).hexdigest()


def figure_key(v: Version | None, content: object, *extra: object) -> str:
    """A figure's cache key: the case's version (cheap) when the board is the current one, else a
    hash of ``content`` (a board as recorded); ``extra`` is what else the figure shows."""
    return content_key(*((v.db_path, v.case_id, v.stamp, v.today) if v is not None else (content,)), *extra)


def figure(kind: str, key: str, build: Callable[[], go.Figure]) -> go.Figure:
    """A figure built once per (kind, key) -- shared, never mutated, never pickled."""
    return _figure(kind, key, build)


# ---------------------------------------------------------------------------------------------
# The case picker's options


@st.cache_resource(max_entries=64, show_spinner=False)
def _picker(db_path: str, stamp: int, include: int | None, lang: str) -> tuple[list[int], dict[int, str]]:
    choices = cases.case_choices(get_store().cursor(), include=include)
    return [cid for cid, _ in choices], {cid: picker_label(text, lang) for cid, text in choices}


def picker_options(ctx: PageContext, include: int | None) -> tuple[list[int], dict[int, str]]:
    """The case picker's ids and labels (:func:`db.cases.case_choices`), read again only after a
    data change in the store."""
    return _picker(str(ctx.store.path), store_stamp(ctx.cur), include, ctx.lang)


def picker_label(text: str, lang: str) -> str:
    """``#12 · name · MRN · lung_nsclc`` with the primary in the user's language."""
    head, _, primary = text.rpartition(" · ")
    return f"{head} · {enum_label(primary, lang, PrimaryTumour)}" if head else text
