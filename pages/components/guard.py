"""The shared guard every page starts with: store, sign-in, session limits, role, language.

With a ``pages/`` folder beside the entrypoint, a fresh server runs a deep-linked page without
running ``streamlit_app.py`` first (TECH_NOTES.md), so no page may rely on the entrypoint:
each calls :func:`guard` as its first statement.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

import duckdb
import streamlit as st

from core.errors import AuthenticationError, NotFoundError
from core.i18n import t
from core.models import Actor
from core.permissions import PAGE_CAPABILITY, allowed
from core.text import md_inline
from db import audit, users
from db.connection import default_db_path
from db.store import Store, demo_enabled, open_store

log = logging.getLogger("bonemdt.guard")

ENTRY_FLAG = "_bonemdt_entry_ran"
DEEP_LINK_KEY = "_bonemdt_deep_link"
IDLE_SECONDS = 15 * 60
ABSOLUTE_SECONDS = 12 * 3600
TRUSTED_HEADER_ENV = "BONEMDT_TRUSTED_USER_HEADER"


class Translate(Protocol):
    def __call__(self, key: str, **params: object) -> str: ...


@dataclass
class PageContext:
    store: Store
    cur: duckdb.DuckDBPyConnection
    actor: Actor
    lang: str
    t: Translate


@st.cache_resource(show_spinner="Opening the store…")
def _open(path: str, demo: bool) -> Store:
    return open_store(path, demo=demo)


def get_store() -> Store:
    return _open(str(default_db_path().resolve()), demo_enabled())


def language() -> str:
    if "lang" not in st.session_state:
        st.session_state["lang"] = (
            os.environ.get("BONEMDT_LANG", "en") if os.environ.get("BONEMDT_LANG") in ("en", "zh") else "en"
        )
    return str(st.session_state["lang"])


def _expire(reason_key: str) -> None:
    st.session_state.pop("auth", None)
    st.session_state["auth_notice"] = reason_key


def _start_session(actor: Actor) -> None:
    now = time.time()
    st.session_state["auth"] = {"user_id": actor.user_id, "signed_in_at": now, "last_seen": now}


def current_actor(cur: duckdb.DuckDBPyConnection) -> Actor | None:
    """The signed-in user, enforcing the 15-minute idle and 12-hour absolute limits."""
    auth: dict[str, Any] | None = st.session_state.get("auth")
    if auth is None:
        external = _external_identity(cur)
        if external is None:
            return None
        _start_session(external)
        return external
    now = time.time()
    if now - float(auth["signed_in_at"]) > ABSOLUTE_SECONDS:
        _expire("signin.expired_absolute")
        return None
    if now - float(auth["last_seen"]) > IDLE_SECONDS:
        _expire("signin.expired_idle")
        return None
    auth["last_seen"] = now
    try:
        return users.actor_for(cur, int(auth["user_id"]))
    except NotFoundError:
        st.session_state.pop("auth", None)
        return None


def _external_identity(cur: duckdb.DuckDBPyConnection) -> Actor | None:
    """Production sign-in: OIDC through ``st.login`` or a trusted reverse-proxy header.

    The identity (e-mail local part or header value) must match an active local user, whose
    role applies; an unknown identity gets no access.
    """
    header = os.environ.get(TRUSTED_HEADER_ENV)
    name: str | None = None
    if header:
        name = st.context.headers.get(header)
    elif _oidc_configured():
        try:
            if st.user.is_logged_in:
                email = str(st.user.get("email") or "")
                name = email.split("@", 1)[0] if email else None
        except (AttributeError, KeyError):
            name = None
    if not name:
        return None
    try:
        actor = users.actor_by_username(cur, name.strip().lower())
    except NotFoundError:
        return None
    audit.record(cur, actor, "login", "app_user", actor.user_id, reason="external identity")
    return actor


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False


def sign_out() -> None:
    st.session_state.pop("auth", None)
    if _oidc_configured():
        st.logout()


def _render_sign_in(cur: duckdb.DuckDBPyConnection, store: Store, lang: str) -> None:
    tr = partial(t, lang=lang)
    st.title(tr("signin.title"))
    notice = st.session_state.pop("auth_notice", None)
    if notice:
        st.info(tr(notice))
    if _oidc_configured() and not os.environ.get(TRUSTED_HEADER_ENV):
        st.button(tr("signin.sso"), on_click=st.login, type="primary")
    with st.form("sign_in", clear_on_submit=False):
        username = st.text_input(tr("signin.username"), max_chars=40)
        password = st.text_input(tr("signin.password"), type="password", max_chars=200)
        submitted = st.form_submit_button(tr("signin.submit"), type="primary")
    if submitted:
        _try_sign_in(cur, store, username, password, lang)
    if store.demo:
        st.divider()
        st.caption(tr("signin.demo_hint", password=users.DEMO_PASSWORD))
        names = [u.username for u in users.DEMO_USERS[:5]]
        choice = st.radio(
            tr("signin.demo_user"),
            names,
            horizontal=True,
            key="demo_user_pick",
            format_func=lambda n: (
                f"{n} · {tr('role.' + n) if n in ('chair', 'member', 'coordinator', 'analyst', 'admin') else n}"
            ),
        )
        if st.button(tr("signin.demo_submit"), key="demo_sign_in"):
            _try_sign_in(cur, store, choice, users.DEMO_PASSWORD, lang)


def _try_sign_in(cur: duckdb.DuckDBPyConnection, store: Store, username: str, password: str, lang: str) -> None:
    try:
        actor = users.authenticate(cur, username, password, allow_demo=store.demo)
    except AuthenticationError:
        st.error(t("signin.failed", lang))
        return
    _start_session(actor)
    st.rerun()


def sidebar(ctx: PageContext) -> None:
    with st.sidebar:
        st.caption(
            ctx.t(
                "signed_in_as",
                name=md_inline(ctx.actor.display_name or ctx.actor.username),
                role=ctx.t("role." + ctx.actor.role.value),
            )
        )
        choice = st.segmented_control(
            ctx.t("lang.label"),
            options=["en", "zh"],
            default=ctx.lang,
            key="lang_pick",
            format_func=lambda c: "English" if c == "en" else "简体中文",
        )
        if choice and choice != ctx.lang:
            st.session_state["lang"] = choice
            st.rerun()
        if st.button(ctx.t("signout"), key="sign_out"):
            audit.record(ctx.cur, ctx.actor, "logout", "app_user", ctx.actor.user_id)
            sign_out()
            st.rerun()
        if ctx.store.demo:
            st.caption(ctx.t("demo.banner"))


def _route_through_entrypoint(page: str) -> None:
    """The deep-link hole: on a fresh server a page URL runs the page file without the
    entrypoint (legacy ``pages/`` routing, every page file listed). Send the session through
    ``streamlit_app.py`` once, remembering where it was going; the entrypoint builds the real
    navigation and continues to the page."""
    if st.session_state.get(ENTRY_FLAG):
        return
    st.session_state[DEEP_LINK_KEY] = {"page": page, "query": {k: st.query_params[k] for k in st.query_params}}
    try:
        st.switch_page("streamlit_app.py")
    except st.errors.StreamlitAPIException:
        # Not under a multipage runtime (a page script run on its own): the guard below still holds.
        st.session_state.pop(DEEP_LINK_KEY, None)


def guard(page: str) -> PageContext:
    """Open the store, require a signed-in user allowed on ``page``, and return the context."""
    _route_through_entrypoint(page)
    store = get_store()
    cur = store.cursor()
    lang = language()
    actor = current_actor(cur)
    if actor is None:
        _render_sign_in(cur, store, lang)
        st.stop()
    assert actor is not None
    ctx = PageContext(store, cur, actor, lang, partial(t, lang=lang))
    if not store.chain_ok:
        st.error(ctx.t("store.chain_broken", seq="?", problem=store.chain_problem))
    capability = PAGE_CAPABILITY[page]
    if not allowed(actor.role, capability):
        audit.record(
            cur, actor, "denied", "page", page, outcome="denied", reason=f"role {actor.role.value} lacks {capability.value}"
        )
        sidebar(ctx)
        st.error(ctx.t("denied.page", role=ctx.t("role." + actor.role.value)))
        st.stop()
    sidebar(ctx)
    return ctx
