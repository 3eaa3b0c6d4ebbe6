"""Smoke tests in a real browser: the deep-link hole, every page per role, sign-in failures.

The deep-link tests come first and use their own server on which nobody has opened ``/``: until
someone does, every new session that opens a page URL runs that page file without the entrypoint
(TECH_NOTES.md, "Deep-link hole"), so each URL is requested first thing in a new session there.
The other tests share one server that has served ``/`` once, as after the first real visitor.

A full page reload starts a new Streamlit session (and so signs out), so the role tests sign in
once and then move between pages through the sidebar navigation, as a user does; the case board
deep link (URL with ``?case=``) is tested by signing in on that URL.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from core.i18n import enum_label, t
from core.models import Role
from core.permissions import PAGE_CAPABILITY, home_page, pages_for
from db.users import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# Page headings come from the message catalogue, which other work renames freely: the tests
# require *a* heading that is neither the sign-in's nor the previous page's, and pin only the
# sign-in, the navigation labels (streamlit_app.py) and the case board's patient heading.
NAV_LABELS = {page: t(f"nav.{page}") for page in PAGE_CAPABILITY}
SIGN_IN_TITLE = t("signin.title")
DEEP_LINKS = ("/overview", "/cases", "/case?case=1", "/meetings", "/decisions", "/analytics", "/admin")
ROLES = ("chair", "member", "coordinator", "analyst", "admin")
# An exception class name or a traceback in visible text means an error leaked to the screen.
EXCEPTION_TEXT = re.compile(r"Traceback|\b[A-Z]\w*(?:Error|Exception)\b|File \"|duckdb\.|line \d+, in ")

APP = '[data-testid="stApp"]'
MAIN = '[data-testid="stMain"]'
SIDEBAR_NAV = '[data-testid="stSidebarNav"]'
SIDEBAR = '[data-testid="stSidebar"]'  # the entrypoint draws the role's page links here
DATAFRAME = '[data-testid="stDataFrame"]'


# --- helpers ------------------------------------------------------------------------------------


def settle(page: Page) -> None:
    """Wait until Streamlit is connected, the script run is over and nothing is stale or loading.

    (Not ``networkidle``: Streamlit talks over one websocket, so it only adds a fixed 0.5 s.)
    """
    page.wait_for_selector(f'{APP}[data-test-connection-state="CONNECTED"]')
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            if (document.querySelector('[data-stale="true"]')) return false;
            return !document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]');
        }"""
    )
    page.wait_for_timeout(200)  # let charts and grids paint


def screenshot(page: Page, artifacts_dir, name: str) -> None:
    """Full-page screenshot. Streamlit scrolls inside its own container, so grow the viewport."""
    height = page.evaluate(
        """() => Math.max(...['[data-testid="stMain"]', '[data-testid="stAppViewContainer"]',
                              '[data-testid="stSidebarContent"]']
            .map(s => document.querySelector(s)).filter(Boolean).map(e => e.scrollHeight))"""
    )
    original = page.viewport_size
    assert original is not None
    tall = min(max(int(height) + 40, original["height"]), 6000)
    if tall > original["height"]:
        page.set_viewport_size({"width": original["width"], "height": tall})
        page.wait_for_timeout(200)
    page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True)
    if tall > original["height"]:
        page.set_viewport_size(original)


def headings(page: Page) -> list[str]:
    return [h.strip() for h in page.locator(f"{MAIN} h1").all_inner_texts()]


def assert_no_error(page: Page, where: str) -> None:
    """No exception element, and no traceback or exception class name in any text or error box.

    (Error boxes themselves are allowed: the case board shows red-flag alerts with st.error.)
    """
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{where}: exception shown: {exceptions.all_inner_texts()}"
    for text in page.locator('[data-testid="stAlertContentError"]').all_inner_texts():
        leaked = EXCEPTION_TEXT.search(text)
        assert leaked is None, f"{where}: error box with exception text {leaked.group(0)!r}: {text}"
    leaked = EXCEPTION_TEXT.search(page.locator(APP).inner_text())
    assert leaked is None, f"{where}: exception text on screen: {leaked.group(0)!r}"


def assert_sign_in_only(page: Page, demo_facts, where: str) -> None:
    """Only the sign-in screen: its heading and password box, no page, no patient, no grid."""
    expect(page.get_by_role("heading", name=SIGN_IN_TITLE)).to_be_visible()
    expect(page.locator('input[type="password"]')).to_be_visible()
    assert headings(page) == [SIGN_IN_TITLE], f"{where}: headings {headings(page)}"
    text = page.locator(APP).inner_text()
    people = (*demo_facts.patient_names, *demo_facts.mrns, "Demo Patient", "Lecture Case")
    shown = [n for n in people if n in text]
    assert not shown, f"{where}: patient data shown signed out: {shown[:5]}"
    for selector in (DATAFRAME, ".js-plotly-plot", '[data-testid="stMetric"]', '[data-testid="stTabs"]'):
        assert page.locator(selector).count() == 0, f"{where}: {selector} shown signed out"
    dialogs = page.get_by_role("dialog").all_inner_texts()
    assert not dialogs, f"{where}: a dialog covers the sign-in: {dialogs}"


def wait_for_page_heading(page: Page, previous: str | None) -> str:
    """Wait for the page's first heading, other than the sign-in's and ``previous``; return it."""
    page.wait_for_function(
        """([signIn, previous]) => {
            const h = document.querySelector('[data-testid="stMain"] h1');
            const text = h ? h.innerText.trim() : '';
            return text !== '' && text !== signIn && text !== previous;
        }""",
        arg=[SIGN_IN_TITLE, previous],
    )
    settle(page)
    return headings(page)[0]


def case_title(patient: str, case_id: int) -> re.Pattern[str]:
    """The case board's heading: the patient's name, then the case number."""
    # "/" escaped too: Playwright passes the pattern to the browser as a /.../ literal.
    name = re.escape(patient).replace("/", r"\/")
    return re.compile(rf"^{name}.*#{case_id}$")


def sign_in(page: Page, username: str, password: str) -> None:
    page.get_by_label(t("signin.username"), exact=True).fill(username)
    page.get_by_label(t("signin.password"), exact=True).fill(password)
    page.get_by_role("button", name=t("signin.submit"), exact=True).click()


def nav_labels(page: Page) -> set[str]:
    """Labels of the sidebar's page links — Streamlit's own page list (which must never show) and
    the entrypoint's role links — with the material icon's ligature text dropped."""
    links = page.locator(
        f'{SIDEBAR_NAV} [data-testid="stSidebarNavLink"], [data-testid="stSidebar"] [data-testid="stPageLink"] a'
    )
    return {label.strip().splitlines()[-1].strip() for label in links.all_inner_texts()}


def new_log(server, start: int) -> str:
    return server.log_text()[start:]


# --- 1. the deep-link hole: every page URL, first thing, on a fresh server ------------------


@pytest.fixture(scope="module")
def fresh_server(server_factory):
    """A server nobody has opened ``/`` on: until someone does, every new session that opens a
    page URL runs that page file directly, without the entrypoint (TECH_NOTES.md)."""
    server = server_factory.start("fresh")
    server.wait_healthy()
    yield server
    server.stop()


@pytest.mark.parametrize("path", DEEP_LINKS, ids=lambda p: p.strip("/").replace("?", "-"))
def test_deep_link_on_fresh_server_shows_only_sign_in(
    path,
    fresh_server,
    browser_page,
    demo_facts,
    artifacts_dir,
):
    page = browser_page
    page.goto(fresh_server.url + path)
    expect(page.get_by_role("heading", name=SIGN_IN_TITLE)).to_be_visible()
    settle(page)
    slug = path.strip("/").split("?")[0]
    screenshot(page, artifacts_dir, f"signed-out-{slug}")
    assert_sign_in_only(page, demo_facts, path)
    assert_no_error(page, path)
    assert "Traceback" not in fresh_server.log_text(), fresh_server.log_text()


def test_deep_link_on_fresh_server_has_no_stray_navigation(
    fresh_server,
    browser_page,
    artifacts_dir,
):
    page = browser_page
    page.goto(fresh_server.url + "/analytics")
    expect(page.get_by_role("heading", name=SIGN_IN_TITLE)).to_be_visible()
    settle(page)
    stray_signed_out = nav_labels(page)
    sign_in(page, "analyst", DEMO_PASSWORD)
    wait_for_page_heading(page, None)
    screenshot(page, artifacts_dir, "fresh-deep-link-analyst-analytics")
    assert not stray_signed_out, f"signed out, the sidebar lists {sorted(stray_signed_out)}"
    expected = {NAV_LABELS[p] for p in pages_for(Role.ANALYST)}
    assert nav_labels(page) == expected, f"analyst's sidebar lists {sorted(nav_labels(page))}"


# --- 1b. the same links once the server has served ``/``: still only the sign-in -------------


def test_deep_links_on_warm_server_show_only_sign_in(streamlit_server, browser_page, demo_facts):
    """Once ``/`` has been served, the entrypoint routes every URL: still only the sign-in."""
    page = browser_page
    for path in DEEP_LINKS:
        page.goto(streamlit_server.url + path)
        expect(page.get_by_role("heading", name=SIGN_IN_TITLE)).to_be_visible()
        settle(page)
        assert_sign_in_only(page, demo_facts, f"{path} (warm server)")
        assert_no_error(page, path)
        assert nav_labels(page) == set(), f"{path}: signed out, the sidebar lists pages"


def test_overview_url_on_warm_server_shows_only_sign_in(
    streamlit_server,
    browser_page,
    demo_facts,
    artifacts_dir,
):
    page = browser_page
    page.goto(streamlit_server.url + "/overview")
    expect(page.get_by_role("heading", name=SIGN_IN_TITLE)).to_be_visible()
    settle(page)
    screenshot(page, artifacts_dir, "signed-out-overview-warm")
    assert_sign_in_only(page, demo_facts, "/overview (warm server)")


# --- 2. every page each role may open; the sidebar lists exactly those ---------------------


def _open_case_with_picker(page: Page, demo_facts) -> None:
    """On the case board without ``?case=``, pick the lecture case 2 patient in the picker."""
    picker = page.locator(MAIN).get_by_role("combobox").first
    picker.click()
    page.keyboard.type(f"#{demo_facts.lecture2_case_id} ")
    page.get_by_role("option", name=re.compile(rf"^#{demo_facts.lecture2_case_id} ")).click()


@pytest.mark.parametrize("role", ROLES)
def test_role_sees_its_pages_without_errors(
    role,
    streamlit_server,
    browser_page,
    demo_facts,
    artifacts_dir,
):
    page = browser_page
    log_start = len(streamlit_server.log_text())
    allowed = pages_for(Role(role))
    home = home_page(Role(role))

    page.goto(streamlit_server.url + "/")
    expect(page.get_by_role("heading", name=SIGN_IN_TITLE)).to_be_visible()
    sign_in(page, role, DEMO_PASSWORD)
    wait_for_page_heading(page, None)

    # The sidebar offers exactly the permitted pages, and says who is signed in.
    expected_nav = {NAV_LABELS[p] for p in allowed}
    assert nav_labels(page) == expected_nav, f"{role}: sidebar {sorted(nav_labels(page))}, expected {sorted(expected_nav)}"
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text(enum_label(Role(role)))

    previous: str | None = None
    for name in [home, *(p for p in allowed if p != home)]:
        where = f"{role}/{name}"
        if name != home:
            page.locator(SIDEBAR).get_by_role("link", name=NAV_LABELS[name], exact=True).click()
            page.wait_for_url(re.compile(rf"/{name}(\?.*)?$"))
        if name == "case":
            settle(page)
            screenshot(page, artifacts_dir, f"{role}-case-picker")
            assert_no_error(page, f"{where} (no case chosen)")
            _open_case_with_picker(page, demo_facts)
            page.wait_for_url(re.compile(rf"/case\?case={demo_facts.lecture2_case_id}$"))
            title = case_title(demo_facts.lecture2_patient, demo_facts.lecture2_case_id)
            expect(page.get_by_role("heading", name=title)).to_be_visible()
            previous = None
        heading = wait_for_page_heading(page, previous)
        screenshot(page, artifacts_dir, f"{role}-{name}")  # first: it documents a failure too
        assert_no_error(page, where)
        previous = heading

    log = new_log(streamlit_server, log_start)
    assert "Traceback" not in log, f"{role}: server logged an exception:\n{log}"


# --- 3. the case board deep link survives the sign-in ---------------------------------------


def test_case_deep_link_opens_board_after_sign_in(
    streamlit_server,
    browser_page,
    demo_facts,
    artifacts_dir,
):
    page = browser_page
    case_id = demo_facts.lecture2_case_id
    page.goto(f"{streamlit_server.url}/case?case={case_id}")
    expect(page.get_by_role("heading", name=SIGN_IN_TITLE)).to_be_visible()
    sign_in(page, "chair", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name=case_title(demo_facts.lecture2_patient, case_id))).to_be_visible()
    settle(page)
    assert_no_error(page, "chair/case deep link")
    assert parse_qs(urlparse(page.url).query).get("case") == [str(case_id)], page.url
    expect(page.locator(MAIN)).to_contain_text(demo_facts.lecture2_mrn)
    assert page.locator(f'{MAIN} [data-testid="stTabs"] [role="tab"]').count() >= 3, "no tabs"
    screenshot(page, artifacts_dir, "chair-case-deep-link")


# --- 4. a failed sign-in says nothing specific and shows nothing -----------------------------


@pytest.mark.parametrize(
    ("username", "password"),
    [("chair", "not-the-password"), ("nobody", DEMO_PASSWORD)],
    ids=["wrong-password", "unknown-user"],
)
def test_failed_sign_in_shows_generic_message_only(
    username,
    password,
    streamlit_server,
    browser_page,
    demo_facts,
    artifacts_dir,
):
    page = browser_page
    page.goto(f"{streamlit_server.url}/cases")
    expect(page.get_by_role("heading", name=SIGN_IN_TITLE)).to_be_visible()
    sign_in(page, username, password)
    alert = page.locator('[data-testid="stAlertContentError"]')
    expect(alert).to_have_text(t("signin.failed"))
    settle(page)
    assert alert.count() == 1
    assert_sign_in_only(page, demo_facts, f"failed sign-in as {username}")
    if password != DEMO_PASSWORD:  # the demo password itself is printed in the demo hint
        assert password not in page.locator(APP).inner_text(), "the password was echoed"
    screenshot(page, artifacts_dir, f"failed-sign-in-{username}")
