"""Issue 12's last three findings in a real browser, on servers started the deployed way
(``streamlit run bonemdt_server.py``):

* L10: when the session expires, the expiry watch takes the case board off the screen and shows
  the sign-in, with no click (the clock is moved past the idle limit through the test hook);
* L11: a double click, two quick clicks, or a click again after the save on the referral's submit
  show the success, never an error, and make exactly one patient and one case;
* L12: every HTTP response (pages, static files, health) forbids framing, and Chromium refuses to
  show the board inside another site's frame.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bonemdt_server import FRAME_HEADERS
from core.i18n import t
from db.users import DEMO_PASSWORD
from pages.components.clock import TEST_CLOCK_ENV
from pages.components.guard import EXPIRY_WATCH_SECONDS, IDLE_SECONDS
from tests.browser.conftest import APP, ARTIFACTS, VIEWPORT, DemoFacts, ServerFactory, StreamlitServer, settle

pytestmark = pytest.mark.browser

ENTRY = "bonemdt_server.py"
MAIN = '[data-testid="stMain"]'
SIGN_IN = t("signin.title")
ERROR = '[data-testid="stAlertContentError"]'
SUCCESS = '[data-testid="stAlertContentSuccess"]'


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("security-clock") / "offset"
    path.write_text("0", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def secure_server(server_factory: ServerFactory, clock_file: Path) -> Iterator[StreamlitServer]:
    server = server_factory.start("security", {TEST_CLOCK_ENV: str(clock_file)}, entry=ENTRY)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


@pytest.fixture
def sec_context(chromium_browser: Browser) -> Iterator[BrowserContext]:
    made = chromium_browser.new_context(viewport=VIEWPORT, locale="en-GB")
    made.set_default_timeout(45_000)
    try:
        yield made
    finally:
        made.close()


def sign_in(page: Page, username: str) -> None:
    page.get_by_label(t("signin.username"), exact=True).fill(username)
    page.get_by_label(t("signin.password"), exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=t("signin.submit"), exact=True).click()
    expect(page.get_by_role("heading", name=SIGN_IN)).to_have_count(0)
    settle(page)


# --- L12: frame protection ------------------------------------------------------------------------


def _headers(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # loopback only
        assert response.status == 200, (url, response.status)
        return {k.lower(): v for k, v in response.headers.items()}


def test_every_response_forbids_framing(secure_server: StreamlitServer, sec_context: BrowserContext) -> None:
    with urllib.request.urlopen(secure_server.url + "/", timeout=10) as response:
        index = response.read().decode("utf-8")
    scripts = re.findall(r'src="\.?/?(static/[^"]+\.js)"', index)
    assert scripts, "the index page names no static script"
    paths = ["/", "/cases", "/case?case=1", "/" + scripts[0], "/_stcore/health", "/_stcore/host-config"]
    for path in paths:
        headers = _headers(secure_server.url + path)
        for name, value in FRAME_HEADERS.items():
            assert headers.get(name.lower()) == value, f"{path}: {name} is {headers.get(name.lower())!r}"

    # And the browser obeys: a page of another origin that frames the board gets Chromium's error
    # page in the frame, and the refusal names the CSP directive.
    page = sec_context.new_page()
    with page.expect_console_message(lambda m: "frame-ancestors 'none'" in m.text, timeout=30_000):
        page.set_content(f'<iframe id="board" src="{secure_server.url}/" width="800" height="600"></iframe>')
    expect(page.locator("#board")).to_be_attached()

    def framed() -> list[str]:
        return [f.url for f in page.frames if f is not page.main_frame]

    for _ in range(100):  # bounded (10 s): the frame's navigation to the error page may lag the message
        if framed() == ["chrome-error://chromewebdata/"]:
            break
        page.wait_for_timeout(100)
    assert framed() == ["chrome-error://chromewebdata/"], framed()
    assert page.frame_locator("#board").locator(APP).count() == 0
    # (The same URL in a tab of its own is the board's sign-in.)
    direct = sec_context.new_page()
    direct.goto(secure_server.url + "/")
    expect(direct.get_by_role("heading", name=SIGN_IN)).to_be_visible()


# --- L10: patient data off the screen when the session expires ---------------------------------


def _patient_text(page: Page, facts: DemoFacts) -> list[str]:
    text = page.locator("body").inner_text()
    return [p for p in (*facts.patient_names, *facts.mrns) if p in text]


def test_expiry_takes_the_case_board_off_the_screen_without_a_click(
    secure_server: StreamlitServer, sec_context: BrowserContext, clock_file: Path, demo_facts: DemoFacts
) -> None:
    page = sec_context.new_page()
    case_id = demo_facts.lecture2_case_id
    page.goto(f"{secure_server.url}/case?case={case_id}")
    sign_in(page, "chair")
    expect(page.locator(MAIN)).to_contain_text(demo_facts.lecture2_mrn)
    expect(page.locator(MAIN)).to_contain_text(demo_facts.lecture2_patient)
    settle(page)
    before = float(clock_file.read_text(encoding="utf-8"))
    clock_file.write_text(f"{before + IDLE_SECONDS + 120:.0f}", encoding="utf-8")

    # No click, no reload: within a few ticks of the expiry watch the sign-in replaces the board
    # (bounded generously: a loaded 2-core CI box delays timers and runs).
    bound_ms = (4 * EXPIRY_WATCH_SECONDS + 60) * 1000
    expect(page.get_by_role("heading", name=SIGN_IN)).to_be_visible(timeout=bound_ms)
    expect(page.locator('input[type="password"]')).to_be_visible()
    page.wait_for_function(
        "([name, mrn]) => !document.body.innerText.includes(name) && !document.body.innerText.includes(mrn)",
        arg=[demo_facts.lecture2_patient, demo_facts.lecture2_mrn],
        timeout=bound_ms,
    )
    settle(page)
    assert _patient_text(page, demo_facts) == [], "patient data left on screen after expiry"
    expect(page.locator(MAIN).get_by_role("heading", level=1)).to_have_text([SIGN_IN])
    expect(page.get_by_text(t("signin.expired_idle"))).to_be_visible()


# --- L11: a repeated Refer -------------------------------------------------------------------------


def _select(box: Locator, option: str) -> None:
    """Pick ``option`` in a selectbox by typing it; retried until the box holds it."""
    page = box.page
    for _ in range(4):
        box.evaluate("e => e.scrollIntoView({block: 'center'})")
        box.locator("input").click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(option)
        item = page.get_by_role("option", name=option, exact=True).first
        try:
            item.click(timeout=4_000)
            expect(box.locator("input")).to_have_value(option, timeout=4_000)
            return
        except (PlaywrightTimeoutError, AssertionError):
            page.keyboard.press("Escape")
            settle(page)
    expect(box.locator("input")).to_have_value(option)


def _fill_referral(page: Page, mrn: str) -> Locator:
    """Open the referral tab and fill the required fields; the form."""
    page.get_by_role("tab", name=t("form.tab.refer")).click()
    form = page.locator('[data-testid="stForm"]').filter(
        has=page.get_by_role("button", name=t("form.referral.submit"), exact=True)
    )
    expect(form).to_be_visible()
    form.get_by_label(t("col.mrn"), exact=True).fill(mrn)
    form.get_by_label(t("col.patient"), exact=True).fill(f"Click Test {mrn}")
    sex = form.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text(t("col.sex"), exact=True)).first
    _select(sex, "female")
    birth = form.locator('[data-testid="stDateInput"]').filter(has=page.get_by_text(t("form.birth_date"), exact=True))
    for _ in range(4):  # typed into the year, month and day segments; retried until the field holds it
        birth.get_by_role("spinbutton").first.click()
        page.keyboard.type("19610402")
        page.keyboard.press("Tab")
        try:
            expect(birth.locator('input[type="date"]')).to_have_value("1961-04-02", timeout=4_000)
            break
        except AssertionError:
            settle(page)
    expect(birth.locator('input[type="date"]')).to_have_value("1961-04-02")
    form.get_by_label(t("form.referrer"), exact=True).fill("Dr Double Click")
    form.get_by_label(t("case.question"), exact=True).fill("Painful L3 lesion: radiotherapy dose?")
    return form


CASE_NUMBER = re.compile(r"#(\d+)")
REFERRED = re.compile(r"^Referred: case #\d+|already referred", re.IGNORECASE)
ALREADY = re.compile(r"already referred", re.IGNORECASE)


def _outcome(page: Page, notice: re.Pattern[str]) -> int:
    """After the clicks: ``notice`` shows, no error anywhere; the case number it names."""
    shown = page.locator(SUCCESS).filter(has_text=notice)
    errors = page.locator(f"{MAIN} {ERROR}")
    # Bounded: whichever comes first, the notice or an error, then the run must be over.
    expect(shown.or_(errors).first).to_be_visible(timeout=60_000)
    settle(page)
    assert errors.all_inner_texts() == [], f"a repeated Refer showed an error: {errors.all_inner_texts()}"
    expect(shown).to_be_visible()
    match = CASE_NUMBER.search(shown.first.inner_text())
    assert match is not None, shown.first.inner_text()
    return int(match.group(1))


def test_repeated_refer_clicks_show_success_and_make_one_case(server_factory: ServerFactory, chromium_browser: Browser) -> None:
    server = server_factory.start("security-refer", entry=ENTRY)
    server.wait_healthy()
    shown: dict[str, set[int]] = {}
    try:
        for how in ("double-click", "two-quick-clicks", "click-again-after-save"):
            mrn = f"SEC-{how.split('-')[0].upper()}-1"
            context = chromium_browser.new_context(viewport=VIEWPORT, locale="en-GB")
            context.set_default_timeout(45_000)
            page = context.new_page()
            try:
                page.goto(server.url + "/cases")
                sign_in(page, "coordinator")
                form = _fill_referral(page, mrn)
                submit = form.get_by_role("button", name=t("form.referral.submit"), exact=True)
                submit.scroll_into_view_if_needed()
                box = submit.bounding_box()
                assert box is not None
                x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
                if how == "double-click":
                    page.mouse.dblclick(x, y)
                elif how == "two-quick-clicks":  # at the same spot, whatever the page shows by then
                    page.mouse.click(x, y)
                    page.wait_for_timeout(150)
                    page.mouse.click(x, y)
                else:
                    submit.click()
                    shown[mrn] = {_outcome(page, REFERRED)}
                    submit.click()  # the same form, still filled in, sent again
                    shown[mrn].add(_outcome(page, ALREADY))
                    continue
                shown.setdefault(mrn, set()).add(_outcome(page, REFERRED))
            except BaseException:
                page.screenshot(path=str(ARTIFACTS / f"FAILED-security-refer-{how}.png"), full_page=True)
                raise
            finally:
                context.close()
    finally:
        server.stop()
    con = server.connect()
    try:
        for mrn, numbers in shown.items():
            rows = con.execute(
                "SELECT c.case_id FROM mdt_case c JOIN patient p USING (patient_id) WHERE p.mrn = ?", [mrn]
            ).fetchall()
            assert len(rows) == 1, f"{mrn}: {len(rows)} cases"
            assert numbers == {int(rows[0][0])}, f"{mrn}: the page named case(s) {numbers}, the store holds {rows}"
    finally:
        con.close()
