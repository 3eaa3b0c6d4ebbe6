"""In-app links that keep the session: a Streamlit session lives in one browser tab, so every
link between pages navigates in the same tab (``st.page_link`` with query parameters), never a
Markdown link or a new tab, which would show the sign-in again (issue 11)."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

# The key prefix of the button that stands in for a link (tests tell links from the UI's own buttons).
LINK_KEY_PREFIX = "link:"


def page_link(
    page: str, label: str, *, query: dict[str, str] | None = None, icon: str | None = None, key: str | None = None
) -> None:
    """A same-tab link to ``pages/<page>.py`` with ``query`` (labels take Markdown: escape
    stored text). When the page file runs without the app's navigation (an AppTest of one page
    file; the deep-link hole is routed through the entrypoint first, guard.py), Streamlit knows
    no other page to link to: a button switches page in the same session instead."""
    target = f"pages/{page}.py"
    try:
        st.page_link(target, label=label, icon=icon, query_params=query)
    except StreamlitPageNotFoundError:
        name = key or f"{page}_{label}_{sorted((query or {}).items())}"
        if st.button(label, key=f"{LINK_KEY_PREFIX}{name}", icon=icon, type="tertiary"):
            st.switch_page(target, query_params=query)
