"""Small shared widgets: localised tables, case links."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from core.i18n import MESSAGES, enum_label

_CODED_COLUMNS = (
    "primary_tumour", "status", "priority", "urgency", "stream", "outcome", "quorum_state",
    "specialty", "kind", "sex", "bone", "lesion_type", "modality", "disposition", "side",
)


def localise_frame(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Coded vocabulary values shown in the user's language; column names from the catalogue."""
    out = with_case_links(frame)
    for col in _CODED_COLUMNS:
        if col in out.columns:
            out[col] = out[col].map(lambda v: enum_label(v, lang) if isinstance(v, str) else v)
    renames = {}
    for col in out.columns:
        pair = MESSAGES.get(f"col.{col}")
        if pair is not None and col != "case_id":
            renames[col] = pair[1] if lang == "zh" else pair[0]
    return out.rename(columns=renames)


def case_link_column(tr: Callable[..., str]) -> st.column_config.LinkColumn:
    """Render a case id as a deep link to the case board (``case?case=<id>``)."""
    return st.column_config.LinkColumn(
        tr("col.case_id"), display_text=r"case\?case=(\d+)", width="small",
    )


def with_case_links(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    if "case_id" in out.columns:
        out["case_id"] = out["case_id"].map(lambda i: f"case?case={int(i)}")
    return out
