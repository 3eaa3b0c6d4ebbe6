"""BoneMDT entrypoint: page config, logging, store, sign-in state, navigation by role.

Router only: every page file starts with the shared guard itself (the deep-link hole).
"""

from __future__ import annotations

import logging

import streamlit as st

from core.i18n import t
from core.permissions import PAGE_CAPABILITY, allowed, home_page
from pages.components.guard import (
    DEEP_LINK_KEY,
    ENTRY_FLAG,
    PAGE_ICON,
    current_actor,
    get_store,
    guard,
    language,
    presenting_view,
)

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

st.set_page_config(page_title="BoneMDT", page_icon=PAGE_ICON, layout="wide")

PAGES = (
    ("overview", "pages/overview.py", ":material/dashboard:", "nav.section.board"),
    ("cases", "pages/cases.py", ":material/folder_shared:", "nav.section.board"),
    ("case", "pages/case.py", ":material/assignment_ind:", "nav.section.board"),
    ("meetings", "pages/meetings.py", ":material/groups:", "nav.section.board"),
    ("decisions", "pages/decisions.py", ":material/gavel:", "nav.section.board"),
    ("analytics", "pages/analytics.py", ":material/monitoring:", "nav.section.department"),
    ("admin", "pages/admin.py", ":material/admin_panel_settings:", "nav.section.department"),
)

st.session_state[ENTRY_FLAG] = True
lang = language()
store = get_store()
actor = current_actor(store.cursor())
role = actor.role if actor is not None else None
home = home_page(role) if role is not None else "overview"

pages: dict[str, st.Page] = {}
sections: dict[str, list[st.Page]] = {}
for path_id, file, icon, section in PAGES:
    visible = role is not None and allowed(role, PAGE_CAPABILITY[path_id])
    if role is not None and not visible:
        continue  # navigation shows only permitted pages; the page guard refuses the rest
    page = st.Page(file, title=t(f"nav.{path_id}", lang), url_path=path_id, icon=icon)
    pages[path_id] = page
    sections.setdefault(t(section, lang), []).append(page)


def _home() -> None:
    """The root URL: the sign-in when signed out, else the role's home page."""
    guard(home)
    st.switch_page(pages[home])


root = st.Page(_home, title=t("app.title", lang), url_path="home", default=True, icon=":material/home:")
# Signed out, every URL resolves to its page, whose guard shows only the sign-in. Signed in,
# our own sidebar links (the same in every run) instead of Streamlit's page list; none in
# presentation mode, which is drawn without a sidebar for the projector.
nav = st.navigation([root, *pages.values()], position="hidden")
if role is not None and not presenting_view(nav.url_path):
    with st.sidebar:
        for section, items in sections.items():
            st.caption(section)
            for item in items:
                st.page_link(item)

# A deep link that reached a page before the entrypoint ever ran (see guard.py) continues here.
pending = st.session_state.pop(DEEP_LINK_KEY, None)
if pending and pending.get("page") in pages:
    st.switch_page(pages[pending["page"]], query_params=pending.get("query") or None)
nav.run()
