"""The case board's fragments in a real browser (AppTest reruns a fragment as the whole page).

A tab switch reruns only the tabs (the header, the score cards and the bone map stay on screen
and the tab's content shows); a data-entry form is built when its expander is first opened and
keeps what was typed when it is closed and opened again; and a tab switch after the idle limit
shows the sign-in, never the tab: the fragment's own session check (guard.fragment_context) ran.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect

from core.i18n import t
from db.demo import lecture_case_id
from db.users import DEMO_PASSWORD
from pages.components.clock import TEST_CLOCK_ENV
from pages.components.guard import IDLE_SECONDS
from tests.browser.conftest import ServerFactory, StreamlitServer, settle

MAIN = '[data-testid="stMain"]'


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clock") / "offset"
    path.write_text("0", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def board_server(server_factory: ServerFactory, clock_file: Path, demo_template: Path) -> tuple[StreamlitServer, int]:
    con = duckdb.connect(str(demo_template), read_only=True)
    try:
        case_id = lecture_case_id(con, 2)
    finally:
        con.close()
    server = server_factory.start("board-fragments", {TEST_CLOCK_ENV: str(clock_file)})
    server.wait_healthy()
    return server, case_id


@pytest.fixture
def page(chromium_browser: Browser) -> Iterator[Page]:
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 1000}, locale="en-GB")
    context.set_default_timeout(45_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def open_board(page: Page, server: StreamlitServer, case_id: int) -> None:
    page.goto(f"{server.url}/case?case={case_id}")
    page.get_by_label(t("signin.username"), exact=True).fill("chair")
    page.get_by_label(t("signin.password"), exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=t("signin.submit"), exact=True).click()
    expect(page.get_by_role("heading", level=1).filter(has_text=f"#{case_id}")).to_be_visible()
    settle(page)


def tab(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("tab", name=t(f"board.tab.{name}"), exact=True)


def test_a_tab_switch_keeps_the_rest_of_the_board(board_server, page: Page) -> None:
    server, case_id = board_server
    open_board(page, server, case_id)
    heading = page.get_by_role("heading", level=1).filter(has_text=f"#{case_id}")
    cards = page.locator('[data-testid="stMetric"]').filter(has_text="SINS")
    expect(cards.first).to_be_visible()
    tab(page, "timeline").click()
    settle(page)
    expect(page.locator(f'{MAIN} [role="tabpanel"] .js-plotly-plot').first).to_be_visible()
    expect(heading).to_be_visible()
    expect(cards.first).to_be_visible()
    tab(page, "lesions").click()
    settle(page)
    expect(page.locator(f'{MAIN} [role="tabpanel"] [data-testid="stDataFrame"]').filter(visible=True).first).to_be_visible()
    expect(heading).to_be_visible()
    expect(page.locator(f"{MAIN} .js-plotly-plot").first).to_be_visible()  # the bone map, outside the tabs


def test_an_entry_form_is_built_when_opened_and_keeps_what_was_typed(board_server, page: Page) -> None:
    server, case_id = board_server
    open_board(page, server, case_id)
    submit = page.get_by_role("button", name=t("assess.record.submit"), exact=True)
    expect(submit).to_have_count(0)  # not built before the first opening
    expander = page.locator(f'{MAIN} [data-testid="stExpander"] summary').filter(has_text=t("assess.entry"))
    expander.click()
    settle(page)
    expect(submit).to_be_visible()
    form = page.locator('[data-testid="stForm"]').filter(has=submit).first
    survival = form.get_by_label("expected survival (weeks)")
    survival.fill("52")
    survival.press("Tab")
    expander.click()  # closed: the form stays built, hidden
    settle(page)
    expander.click()
    settle(page)
    expect(survival).to_have_value("52")


def test_a_tab_switch_after_the_idle_limit_shows_the_sign_in(board_server, clock_file: Path, page: Page) -> None:
    server, case_id = board_server
    clock_file.write_text("0", encoding="utf-8")
    try:
        open_board(page, server, case_id)
        clock_file.write_text(f"{IDLE_SECONDS + 120}", encoding="utf-8")
        tab(page, "labs").click()
        expect(page.locator('input[type="password"]')).to_be_visible()
        expect(page.get_by_role("heading", level=1).filter(has_text=re.compile(rf"#{case_id}\b"))).to_have_count(0)
        expect(page.locator(f"{MAIN} .js-plotly-plot")).to_have_count(0)
    finally:
        clock_file.write_text("0", encoding="utf-8")
