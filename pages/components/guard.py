"""The shared guard every page starts with: store, sign-in, session limits, role, language.

With a ``pages/`` folder beside the entrypoint, a fresh server runs a deep-linked page without
running ``streamlit_app.py`` first (TECH_NOTES.md), so no page may rely on the entrypoint:
each calls :func:`guard` as its first statement.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import os
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any, Protocol

import duckdb
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from core.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from core.i18n import enum_label, t
from core.models import Actor, Role
from core.permissions import PAGE_CAPABILITY, allowed
from core.text import md_inline
from db import audit, users
from db.connection import default_store
from db.keys import SecretError
from db.store import SettingsError, Store, demo_enabled, open_store
from pages.components import clock

log = logging.getLogger("bonemdt.guard")

ENTRY_FLAG = "_bonemdt_entry_ran"
# Served by this server (a Material icon as page icon made browsers fetch it from a font host).
PAGE_ICON = str(Path(__file__).resolve().parents[2] / "assets" / "bonemdt-icon.png")
DEEP_LINK_KEY = "_bonemdt_deep_link"
IDLE_SECONDS = 15 * 60
ABSOLUTE_SECONDS = 12 * 3600
TRUSTED_HEADER_ENV = "BONEMDT_TRUSTED_USER_HEADER"
# Addresses of the reverse proxies in front of the app (comma-separated, e.g. "127.0.0.1"): a request
# from one of them names its client in X-Real-IP (deploy/nginx-bonemdt.conf sets it, overwriting any
# the client sent). Without it the app sees only the proxy's address (docs/deployment.md).
TRUSTED_PROXIES_ENV = "BONEMDT_TRUSTED_PROXIES"
CHECKPOINT_SECONDS = 300
EXPIRY_WATCH_SECONDS = 15
# The idle limit warns this long before it ends (with a "stay signed in" button).
IDLE_WARNING_SECONDS = 60
# Session keys that survive sign-out and expiry: the entrypoint flag and the chosen language.
_KEEP_ON_CLEAR = (ENTRY_FLAG, "lang")


class Translate(Protocol):
    def __call__(self, key: str, **params: object) -> str: ...


class PageContext:
    """What a page works with. ``actor`` re-checks the session each time it is read, so a widget
    callback that runs with the context of an older run (before the guard of the new run) cannot
    act after expiry, sign-out or a session moved to another client."""

    def __init__(
        self, store: Store, cur: duckdb.DuckDBPyConnection, actor: Actor, lang: str, t: Translate, *, live: bool = False
    ):
        self.store = store
        self.cur = cur
        self._actor = actor
        self.lang = lang
        self.t = t
        self._live = live

    @property
    def actor(self) -> Actor:
        if self._live and not session_still_valid(self._actor):
            raise PermissionDeniedError("Your session has ended; nothing was changed. Sign in again.")
        return self._actor


@st.cache_resource(show_spinner="Opening the store…")
def _open(path: str, demo: bool) -> Store:
    return open_store(path, demo=demo)


def get_store() -> Store:
    """The store, or the start-up problem on screen (unknown setting values fail closed)."""
    try:
        return _open(default_store(), demo_enabled())
    except (SettingsError, SecretError) as exc:
        log.error("start refused: %s", exc)
        st.error(t("sec.start_failed", st.session_state.get("lang", "en"), problem=md_inline(str(exc))))
        st.stop()
        raise  # st.stop() raises; this line is for the type checker


def client_fingerprint() -> str:
    """The client this session talks to: network address and browser as the server sees them."""
    try:
        address = st.context.ip_address
        agent = st.context.headers.get("User-Agent")
    except (AttributeError, RuntimeError):
        address, agent = "", ""
    address = address if isinstance(address, str) else ""  # (a test harness has no real client)
    agent = agent if isinstance(agent, str) else ""
    if address and address in trusted_proxies():
        try:
            forwarded = st.context.headers.get("X-Real-IP")
        except (AttributeError, RuntimeError):
            forwarded = None
        address = client_address(address, forwarded)
    return fingerprint(address, agent)


def trusted_proxies() -> frozenset[str]:
    return frozenset(a.strip() for a in os.environ.get(TRUSTED_PROXIES_ENV, "").split(",") if a.strip())


def client_address(proxy: str, forwarded: object) -> str:
    """The client's address behind a trusted proxy: the proxy's X-Real-IP when it is one plain IP
    address, else the proxy's own address (a malformed header never widens a client's identity)."""
    if not isinstance(forwarded, str):
        return proxy
    try:
        return str(ipaddress.ip_address(forwarded.strip()))
    except ValueError:
        return proxy


def fingerprint(address: str, agent: str) -> str:
    return hashlib.sha256(f"{address}\x00{agent}".encode()).hexdigest()[:32]


def clear_session(notice: str | None = None) -> None:
    """Forget everything this session held (sign-out, expiry): keep only the language."""
    keep = {k: st.session_state[k] for k in _KEEP_ON_CLEAR if k in st.session_state}
    for key in list(st.session_state.keys()):
        try:
            del st.session_state[key]
        except (KeyError, st.errors.StreamlitAPIException):
            continue
    for key, value in keep.items():
        st.session_state[key] = value
    if notice:
        st.session_state["auth_notice"] = notice


def _expired(auth: dict[str, Any], now: float) -> str | None:
    if now - float(auth["signed_in_at"]) > ABSOLUTE_SECONDS:
        return "signin.expired_absolute"
    if now - float(auth["last_seen"]) > IDLE_SECONDS:
        return "signin.expired_idle"
    return None


def session_still_valid(actor: Actor) -> bool:
    """The session that produced ``actor`` is still signed in as that user, unexpired, on the
    client that signed in (called from callbacks through PageContext.actor)."""
    auth: dict[str, Any] | None = st.session_state.get("auth")
    if auth is None or int(auth.get("user_id", -1)) != actor.user_id:
        return False
    if auth.get("client") != client_fingerprint():
        return False
    return _expired(auth, clock.now()) is None


def idle_seconds_left(now: float | None = None) -> float | None:
    """Seconds until the idle limit signs this session out (None when signed out)."""
    auth: dict[str, Any] | None = st.session_state.get("auth")
    if auth is None:
        return None
    moment = clock.now() if now is None else now
    return IDLE_SECONDS - (moment - float(auth["last_seen"]))


def keep_alive() -> bool:
    """Count a view that is on screen (presentation and follow mode tick in fragments, which do
    not run the guard) as activity. Returns False, touching nothing, when the session has
    already ended or moved to another client: the caller then reruns the app to the sign-in."""
    auth: dict[str, Any] | None = st.session_state.get("auth")
    if auth is None or auth.get("client") != client_fingerprint():
        return False
    now = clock.now()
    if _expired(auth, now) is not None:
        return False
    auth["last_seen"] = now
    st.session_state.pop(_IDLE_TOASTED, None)
    return True


def language() -> str:
    if "lang" not in st.session_state:
        st.session_state["lang"] = (
            os.environ.get("BONEMDT_LANG", "en") if os.environ.get("BONEMDT_LANG") in ("en", "zh") else "en"
        )
    return str(st.session_state["lang"])


def _expire(reason_key: str) -> None:
    clear_session(reason_key)


def _start_session(actor: Actor) -> None:
    now = clock.now()
    clear_session()
    st.session_state["auth"] = {"user_id": actor.user_id, "signed_in_at": now, "last_seen": now, "client": client_fingerprint()}


def current_actor(cur: duckdb.DuckDBPyConnection) -> Actor | None:
    """The signed-in user, enforcing the 15-minute idle and 12-hour absolute limits."""
    auth: dict[str, Any] | None = st.session_state.get("auth")
    if auth is None:
        external = _external_identity(cur)
        if external is None:
            return None
        _start_session(external)
        return external
    now = clock.now()
    reason = _expired(auth, now)
    if reason:
        _expire(reason)
        return None
    if auth.get("client") != client_fingerprint():
        # A session id replayed from another browser or address: end it (and say so in the trail).
        audit.record(
            cur,
            Actor(user_id=-1, username="(session)", role=Role.MEMBER),
            "denied",
            "session",
            auth.get("user_id"),
            outcome="denied",
            reason="session used from another client",
        )
        _expire("sec.client_changed")
        return None
    auth["last_seen"] = now
    try:
        return users.actor_for(cur, int(auth["user_id"]))
    except NotFoundError:
        clear_session()
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
    clear_session()
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
        roles = {u.username: enum_label(u.role, lang) for u in users.DEMO_USERS[:5]}
        choice = st.radio(
            tr("signin.demo_user"),
            list(roles),
            horizontal=True,
            key="demo_user_pick",
            # "chair · 主持人"; in English the role label is the username itself, shown once
            format_func=lambda n: n if roles[n] == n else f"{n} · {roles[n]}",
        )
        if st.button(tr("signin.demo_submit"), key="demo_sign_in"):
            _try_sign_in(cur, store, choice, users.DEMO_PASSWORD, lang)


def _try_sign_in(cur: duckdb.DuckDBPyConnection, store: Store, username: str, password: str, lang: str) -> None:
    try:
        actor = users.authenticate(cur, username, password, allow_demo=store.demo, client=client_fingerprint())
    except users.ThrottledError:
        st.error(t("sec.throttled", lang))
        return
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
                role=enum_label(ctx.actor.role, ctx.lang),
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
        _expiry_watch()


_IDLE_TOASTED = "_bonemdt_idle_toasted"


@st.fragment(run_every=EXPIRY_WATCH_SECONDS)
def _expiry_watch() -> None:
    """Take patient data off the screen when the session expires, even without a click: this
    fragment reruns on a timer (without counting as activity) and reruns the page on expiry.
    In the idle limit's last minute it warns, with a button that counts as activity."""
    auth: dict[str, Any] | None = st.session_state.get("auth")
    if auth is None:
        return
    now = clock.now()
    if _expired(auth, now) is not None:
        st.rerun(scope="app")
    left = idle_seconds_left(now)
    if left is None or left > IDLE_WARNING_SECONDS:
        return
    lang = language()
    message = t("idle.warning", lang, seconds=max(0, int(left)))
    if not st.session_state.get(_IDLE_TOASTED):
        st.session_state[_IDLE_TOASTED] = True
        st.toast(message, icon=":material/timer:")
    st.warning(message, icon=":material/timer:")
    st.button(t("idle.stay", lang), key="idle_stay", on_click=_stay, type="primary")


def _stay() -> None:
    """The idle warning's "stay signed in": the click is activity."""
    keep_alive()


_checkpoint_lock = threading.Lock()
_last_checkpoint = [0.0]


def _periodic_checkpoint(store: Store) -> None:
    """Every few minutes, sign the audit trail's head into the file beside the store and the log."""
    now = time.time()
    with _checkpoint_lock:
        if now - _last_checkpoint[0] < CHECKPOINT_SECONDS or not store.chain_ok:
            return
        _last_checkpoint[0] = now
    report = audit.verify_store(store.cursor())
    if report.ok:
        audit.write_checkpoint(store.cursor())
    else:
        store.chain_ok, store.chain_problem = False, report.problem
        log.error("audit trail check failed: %s", report.problem)


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


def in_fragment_rerun() -> bool:
    """True while only a fragment reruns (a widget inside it changed): the page's guard did not run."""
    run = get_script_run_ctx()
    return run is not None and bool(run.fragment_ids_this_run)


def fragment_context(ctx: PageContext) -> PageContext:
    """The context a fragment's body works with. In a full run: the page's own. In a fragment-only
    rerun the guard did not run, so it is done here: a session that ended (expiry, sign-out, another
    client) or whose user changed reruns the whole app (to the sign-in); the click counts as
    activity; and the rerun draws its own cursor (one DuckDB cursor per script run, TECH_NOTES)."""
    if not in_fragment_rerun():
        return ctx
    actor = ctx._actor
    if not keep_alive():
        st.rerun(scope="app")
    cur = ctx.store.cursor()
    try:
        now = users.actor_for(cur, actor.user_id)
    except NotFoundError:
        now = None
    if now != actor:  # role or account changed meanwhile: the guard decides again
        st.rerun(scope="app")
    return PageContext(ctx.store, cur, actor, ctx.lang, ctx.t, live=True)


def presenting_view(page: str) -> bool:
    """Presentation mode of the meetings page (``meetings?present=1``): a projector view drawn
    without the sidebar (nothing is written to it, so Streamlit shows none)."""
    return page == "meetings" and st.query_params.get("present") == "1"


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
    ctx = PageContext(store, cur, actor, lang, partial(t, lang=lang), live=True)
    _periodic_checkpoint(store)
    if not store.chain_ok:
        st.error(ctx.t("store.chain_broken", seq="?", problem=md_inline(store.chain_problem)))
    if store.tampered_decisions:
        ids = ", ".join(str(i) for i in store.tampered_decisions)
        st.error(ctx.t("sec.tampered", n=len(store.tampered_decisions), ids=ids))
    capability = PAGE_CAPABILITY[page]
    if not allowed(actor.role, capability):
        audit.record(
            cur, actor, "denied", "page", page, outcome="denied", reason=f"role {actor.role.value} lacks {capability.value}"
        )
        sidebar(ctx)
        st.error(ctx.t("denied.page", role=enum_label(actor.role, ctx.lang)))
        st.stop()
    if not presenting_view(page):
        sidebar(ctx)
    return ctx
