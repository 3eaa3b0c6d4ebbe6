"""Shared helpers of the Decisions page's widgets: seeded widget state, field errors next to
their field, text checks, submission tokens, one-shot notices."""

from __future__ import annotations

import uuid
from typing import Any

import streamlit as st

from core.text import TextRuleError, check_text

NOMS_AXES = ("N", "O", "M", "S")


def seed(key: str, value: Any) -> None:
    if key not in st.session_state:
        st.session_state[key] = value


def field_error(errors: dict[str, str], key: str) -> None:
    if key in errors:
        st.error(errors[key], icon=":material/error:")


def text_error(tr: Any, value: str, limit: int) -> str | None:
    try:
        check_text(value, limit)
    except TextRuleError:
        if len(value) > limit:
            return str(tr("dec.err.too_long", limit=limit))
        return str(tr("dec.err.bad_chars"))
    return None


def token(key: str) -> str:
    seed(key, uuid.uuid4().hex)
    return str(st.session_state[key])


def fresh_token(key: str) -> None:
    st.session_state[key] = uuid.uuid4().hex


def notice(key: str) -> None:
    kind_msg = st.session_state.pop(key, None)
    if kind_msg:
        kind, msg = kind_msg
        {"success": st.success, "error": st.error, "warning": st.warning}[kind](msg)
