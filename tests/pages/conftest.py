"""AppTest fixtures: one demo store copy per module, sign-in by seeding the session."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from db.connection import connect
from pages.components import forms_assessment, forms_header
from pages.components.guard import fingerprint
from pages.components.widgets import seen_key
from tests.conftest import Stores

ROOT = Path(__file__).resolve().parents[2]
PAGES = ("overview", "cases", "case", "meetings", "decisions", "analytics", "admin")


@pytest.fixture(scope="module")
def page_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The module's copy of the demo store (a file path or a PostgreSQL URL: tests/conftest.py),
    which the app opens through ``BONEMDT_DB``."""
    made = Stores(request, tmp_path_factory.mktemp("pages"))
    target = made.demo()
    old = {k: os.environ.get(k) for k in ("BONEMDT_DB", "BONEMDT_DEMO")}
    os.environ["BONEMDT_DB"] = target
    os.environ["BONEMDT_DEMO"] = "1"
    yield target
    for k, v in old.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    _forget_store(target)
    made.close()


def _forget_store(target: str) -> None:
    """Close the store the app opened (a process-wide cache) before the module's store goes.

    On PostgreSQL the app's per-run sessions go back to the store's pool when dropped
    (db/dialect.py); the few the finished AppTests still hold in reference cycles are collected
    here, where psycopg's warning that they were not closed by hand says nothing about the app."""
    import gc
    import warnings

    import streamlit as st

    from pages.components import guard

    if target.startswith("postgresql://"):
        guard._open(target, True).conn.close()  # the cached Store (cache hit: opens nothing)
    st.cache_resource.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture(scope="module")
def user_ids(demo_source: str) -> dict[str, int]:
    con = connect(demo_source, read_only=True)
    try:
        return {r[0]: int(r[1]) for r in con.execute("SELECT username, user_id FROM app_user").fetchall()}
    finally:
        con.close()


def app(page: str, *, user_id: int | None = None, query: dict[str, str] | None = None) -> AppTest:
    """An AppTest of one page file (as a deep link would run it), optionally signed in."""
    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60)
    # As if the entrypoint had run once in this session (the browser tests cover the hole itself).
    at.session_state["_bonemdt_entry_ran"] = True
    if user_id is not None:
        now = time.time()
        # Bound to the client as a real sign-in is (AppTest has no address or browser).
        at.session_state["auth"] = {"user_id": user_id, "signed_in_at": now, "last_seen": now, "client": fingerprint("", "")}
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at


def open_entries(at: AppTest, case_id: int) -> AppTest:
    """As if the user had opened the board's "edit case details" and assessments expanders once
    (their forms are built from the first opening on: widgets.entry_expander)."""
    for key in (forms_header.entry_key(case_id), forms_assessment.entry_key(case_id)):
        at.session_state[seen_key(key)] = True
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [t.value for t in at.title] + [h.value for h in at.header]
    parts += [s.value for s in at.subheader] + [c.value for c in at.caption] + [e.value for e in at.error]
    parts += [w.value for w in at.warning] + [i.value for i in at.info] + [s.value for s in at.success]
    parts += [str(m.label) + " " + str(m.value) for m in at.metric] + [t.value for t in at.text]
    return "\n".join(str(p) for p in parts)
