"""Small shared widgets: localised tables, case tables that open the case board."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

import pandas as pd
import streamlit as st

from core.i18n import LANGUAGES, MESSAGES, enum_label
from core.text import md_inline
from core.vocabulary import (
    Bone,
    LesionType,
    Modality,
    Outcome,
    PlanDisposition,
    PrimaryTumour,
    Priority,
    QuorumState,
    Sex,
    Side,
    Specialty,
    Stream,
)

# The vocabulary of each coded column whose name says it; "status" and "kind" name several
# vocabularies (case, agenda item, decision; plan item, follow-up), so their caller says which.
_COLUMN_VOCAB: dict[str, type[StrEnum]] = {
    "primary_tumour": PrimaryTumour,
    "priority": Priority,
    "urgency": Priority,
    "stream": Stream,
    "outcome": Outcome,
    "quorum_state": QuorumState,
    "specialty": Specialty,
    "sex": Sex,
    "bone": Bone,
    "lesion_type": LesionType,
    "modality": Modality,
    "disposition": PlanDisposition,
    "side": Side,
}
_AMBIGUOUS_COLUMNS = ("status", "kind")


def lang_key(base: str, lang: str) -> str:
    """The widget key of a picker whose option labels depend on the language: ``<base>__<lang>``.

    A picker keeps the label of its chosen option under its key, so after a language switch it
    would go on showing the old language; a key per language makes it render anew, and the value
    chosen under the other language is carried over (values are codes, not labels)."""
    key = f"{base}__{lang}"
    if key not in st.session_state:
        for other in LANGUAGES:
            old = f"{base}__{other}"
            # None is "nothing chosen": left to the widget's own default (its "—" option), since a
            # None in the state shows Streamlit's English placeholder instead.
            if other != lang and st.session_state.get(old) is not None:
                st.session_state[key] = st.session_state[old]
                break
    return key


def forget(base: str) -> None:
    """Drop a widget's value under its plain key and every language's key."""
    for key in (base, *(f"{base}__{lang}" for lang in LANGUAGES)):
        st.session_state.pop(key, None)


def localise_frame(frame: pd.DataFrame, lang: str, vocabs: Mapping[str, type[StrEnum]] | None = None) -> pd.DataFrame:
    """Coded vocabulary values shown in the user's language (each column labelled from its own
    vocabulary; ``vocabs`` names it for a "status" or "kind" column); column names from the
    catalogue; midnight timestamps shown as dates."""
    columns = {**_COLUMN_VOCAB, **(vocabs or {})}
    unnamed = [c for c in _AMBIGUOUS_COLUMNS if c in frame.columns and c not in columns]
    if unnamed:
        raise TypeError(f"localise_frame: name the vocabulary of column(s) {unnamed}")
    out = frame.copy()
    for col, vocab in columns.items():
        if col in out.columns:
            out[col] = out[col].map(lambda v, vocab=vocab: enum_label(v, lang, vocab) if isinstance(v, str) else v)
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]) and (out[col].dropna().dt.normalize() == out[col].dropna()).all():
            out[col] = out[col].dt.date
    renames = {}
    for col in out.columns:
        pair = MESSAGES.get(f"col.{col}")
        if pair is not None and col != "case_id":
            renames[col] = pair[1] if lang == "zh" else pair[0]
    return out.rename(columns=renames)


def case_link_column(tr: Callable[..., str]) -> Any:
    """The case number column (rows open the case board when selected: see :func:`case_table`)."""
    return st.column_config.NumberColumn(tr("col.case_id"), format="#%d", width="small")


def text_px(text: str) -> float:
    """About how wide ``text`` is in the data grid's 14 px font: full-width (CJK) characters 14 px,
    others ~6.8 px."""
    return sum(14.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 6.8 for ch in text)


def fit_width(values: Any, *, floor: int = 120, cap: int = 360) -> int:
    """A grid column's width (px) that shows the longest of ``values`` whole (within ``cap``):
    the grid's own sizing left "Lecture Case 2 (synthetic) / 讲座病…" cut."""
    longest = max((text_px(str(v)) for v in values if isinstance(v, str)), default=0.0)
    return int(min(cap, max(floor, math.ceil(longest) + 24)))


def _table_cell(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, date):
        # non-breaking hyphens: a narrow column broke "2026-09-" / "17" over two lines
        return value.strftime("%Y\u2011%m\u2011%d")
    return md_inline(value)


def text_table(frame: pd.DataFrame, *, tinted: Sequence[bool] | None = None, tint: str = "") -> None:
    """A short table whose cells hold free text (plan items, actions, reasons), drawn so every
    cell wraps and reads whole: in ``st.dataframe`` a long cell is cut at the column's width (the
    plan item "Emergency decompression: T9 subtotal corpectomy, titanium mesh with cem…"). Every
    cell is Markdown-escaped (``st.table`` renders Markdown); empty cells stay empty."""
    shown = frame.astype(object).map(_table_cell)
    shown.columns = [md_inline(c) for c in frame.columns]
    if tinted is None or not any(tinted):
        st.table(shown, hide_index=True, border="horizontal")
        return
    # rows flagged in ``tinted`` take the constant CSS ``tint`` (e.g. overdue actions)
    styles = pd.DataFrame("", index=shown.index, columns=shown.columns)
    styles.loc[[bool(x) for x in tinted]] = tint
    st.table(shown.style.apply(lambda _: styles, axis=None), hide_index=True, border="horizontal")


def case_table(
    data: Any,
    case_ids: Sequence[int],
    *,
    key: str,
    tr: Callable[..., str],
    column_config: dict[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    """A table whose selected row opens that case's board in the same session.

    (A link cell would open a new browser tab: a new session, signed out.)"""
    config = {"case_id": case_link_column(tr), **(column_config or {})}
    event = st.dataframe(
        data, key=key, on_select="rerun", selection_mode="single-row", column_config=config, hide_index=True, **kwargs
    )
    st.caption(tr("common.select_row_hint"))
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    if rows and 0 <= rows[0] < len(case_ids):
        st.switch_page("pages/case.py", query_params={"case": str(int(case_ids[rows[0]]))})


def seen_key(key: str) -> str:
    """The session flag set once the expander ``key`` of :func:`entry_expander` has been opened."""
    return f"{key}__seen"


def _opened(key: str) -> None:
    if st.session_state.get(key):
        st.session_state[seen_key(key)] = True


def entry_expander(label: str, *, key: str, icon: str) -> Any | None:
    """An expander of data-entry forms whose content is built only once it has been opened in this
    session: a board nobody edits pays nothing for its forms (their widgets are most of a run). From
    the first opening on, the content is drawn on every run, open or closed, like a plain expander,
    so what was typed and not saved yet stays. Opening it reruns the fragment it is in (or the page).
    Returns the expander to draw into, or None while it has not been opened."""
    box = st.expander(label, icon=icon, key=key, on_change=_opened, args=(key,))
    return box if st.session_state.get(seen_key(key)) else None
