"""Explicit, audited exports and the admin's account unlock (issue 12, findings 3 and 12)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from core.errors import BoneMDTError
from db import users
from pages.components.guard import PageContext


def export_button(ctx: PageContext, key: str, make: Callable[[], bytes]) -> None:
    """A two-step export: "prepare" runs the role check and writes the audit row, then the file
    is offered. (The built-in table download is off: client.disableDataExport.)"""
    state = f"_export_{key}"
    if st.button(ctx.t("sec.export.prepare"), key=f"{state}_prepare", icon=":material/download:"):
        try:
            st.session_state[state] = make()
        except BoneMDTError as exc:
            st.session_state.pop(state, None)
            st.error(str(exc))
    data = st.session_state.get(state)
    if isinstance(data, bytes):
        st.download_button(
            ctx.t("sec.export.download", n=len(data)),
            data,
            file_name=f"bonemdt-{key}-{datetime.now(UTC):%Y%m%dT%H%M%S}.csv",
            mime="text/csv",
            on_click="ignore",
            key=f"{state}_download",
        )
    st.caption(ctx.t("sec.export.hint"))


def unlock_form(ctx: PageContext, frame: pd.DataFrame) -> None:
    """Admin: lift a lockout (failed sign-ins or signing attempts) before it expires."""
    st.subheader(ctx.t("sec.unlock.title"))
    locked = frame[(frame["failed_logins"] > 0) | frame["locked_until"].notna()]
    if locked.empty:
        st.caption(ctx.t("sec.unlock.none"))
        return
    labels = {int(r.user_id): f"{r.display_name} · {r.username}" for r in locked.itertuples()}
    with st.form("unlock_user"):
        uid = st.selectbox(ctx.t("admin.user"), list(labels), format_func=lambda i: labels[i])
        if st.form_submit_button(ctx.t("sec.unlock.submit")):
            try:
                users.unlock(ctx.cur, ctx.actor, int(uid))
                st.success(ctx.t("sec.unlock.done"))
            except BoneMDTError as exc:
                st.error(str(exc))
