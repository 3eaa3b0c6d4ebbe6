"""The board reads at 1024×768 and 1440×900 in both languages: score-card titles and header values
are never cut ("Bilsk…", "7…"), no button wraps its text letter by letter, "Points and sources"
opens at full width, and the overview shows the next meeting's date and time whole.

Also refreshes docs/screenshots/case_board.png (lecture case 2, 1600 px wide).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from core.i18n import MESSAGES, t
from db.users import DEMO_PASSWORD
from tests.browser.conftest import ROOT, DemoFacts, StreamlitServer

SHOTS = ROOT / "docs" / "screenshots"
APP = '[data-testid="stApp"]'
SIZES = [(1440, 900), (1024, 768)]


def settle(page: Page) -> None:
    page.wait_for_selector(f'{APP}[data-test-connection-state="CONNECTED"]')
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            if (document.querySelector('[data-stale="true"]')) return false;
            return !document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]');
        }"""
    )
    page.wait_for_timeout(300)


def open_signed_in(
    browser: Browser, server: StreamlitServer, path: str, size: tuple[int, int], lang: str, user: str | None = None
) -> Page:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="en-GB")
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(f"{server.url}/{path}")
    settle(page)  # connected and the first run over before typing
    page.get_by_label(t("signin.username"), exact=True).fill(user or ("admin" if path == "admin" else "chair"))
    page.get_by_label(t("signin.password"), exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=t("signin.submit"), exact=True).click()
    # settle() alone can run before the sign-in's rerun has started: wait for the sign-in to go
    # first (its heading: the admin page has a "Password" field of its own), and allow a loaded
    # 2-core machine 90 s
    expect(page.get_by_role("heading", name=t("signin.title"))).to_have_count(0, timeout=90_000)
    settle(page)
    if lang == "zh":
        page.locator('[data-testid="stSidebar"]').get_by_text("简体中文", exact=True).click()
        expect(page.locator('[data-testid="stSidebar"]').get_by_text("语言", exact=False).first).to_be_visible()
        settle(page)
    return page


# Elements whose text is cut (scrollWidth beyond the box) or buttons taller than three lines.
CUT = """(selector) => [...document.querySelectorAll(selector)]
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.innerText.trim()).filter(Boolean)"""
TALL_BUTTONS = """() => [...document.querySelectorAll('[data-testid="stMain"] button')]
    .filter(b => b.offsetParent !== null && b.innerText.trim().length > 1)
    .filter(b => {
        const style = getComputedStyle(b);
        const line = parseFloat(style.lineHeight) || 1.6 * parseFloat(style.fontSize);
        return b.getBoundingClientRect().height > 3 * line;
    })
    .map(b => b.innerText.trim())"""
# The checker's own check: a button squeezed to 30 px wraps its label letter by letter.
SQUEEZED = """() => {
    const b = document.createElement('button');
    b.id = 'squeezed'; b.style.width = '30px'; b.innerText = 'Points and sources';
    document.querySelector('[data-testid="stMain"]').appendChild(b);
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_case_board_reads_at_both_widths(
    chromium_browser: Browser, streamlit_server: StreamlitServer, demo_facts: DemoFacts, size: tuple[int, int], lang: str
) -> None:
    page = open_signed_in(chromium_browser, streamlit_server, f"case?case={demo_facts.lecture2_case_id}", size, lang)
    try:
        cards = page.locator('[class*="st-key-board_card_"]')
        expect(cards.nth(7)).to_be_visible()
        # whole titles, values and header metrics (no ellipsis): "Bilsky (ESCC)", "2/10"
        assert page.evaluate(CUT, '[class*="st-key-board_card_"] [data-testid="stMarkdownContainer"] p') == []
        assert page.evaluate(CUT, '[data-testid="stMetricValue"] div, [data-testid="stMetricLabel"] p') == []
        # the pain score whole (lecture case 2 reads as treated since ff28208: 2/10, it was 7/10)
        expect(page.locator('[data-testid="stMetricValue"]').filter(has_text=re.compile(r"^\d+/10$")).first).to_be_visible()
        # one "computed" line for the board, not one per card
        template = MESSAGES["board.cards.computed"][1 if lang == "zh" else 0]
        expect(page.get_by_text(template.split("{")[0].strip())).to_have_count(1)
        # "Points and sources" at full width: pick SINS, its points table is wider than a card
        page.get_by_role("button", name="SINS", exact=True).click()
        settle(page)
        table = page.locator('[data-testid="stTable"]').first
        expect(table).to_be_visible()
        card_width = cards.first.bounding_box()["width"]  # type: ignore[index]
        assert table.bounding_box()["width"] > 1.5 * card_width  # type: ignore[index]
        assert page.evaluate(TALL_BUTTONS) == []
        if size == (1024, 768) and lang == "en":
            page.screenshot(path=str(ROOT / "tests" / "artifacts" / "browser" / "case_board_1024.png"))
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overview_shows_the_next_meeting_whole_at_1024(
    chromium_browser: Browser, streamlit_server: StreamlitServer, lang: str
) -> None:
    page = open_signed_in(chromium_browser, streamlit_server, "overview", (1024, 768), lang)
    try:
        when = page.locator('[data-testid="stMarkdownContainer"] h4').first
        expect(when).to_be_visible()
        assert page.evaluate(CUT, '[data-testid="stMarkdownContainer"] h4') == []
        assert ":" in when.inner_text()  # the start time is there
        assert page.evaluate(TALL_BUTTONS) == []
    finally:
        page.context.close()


def test_readme_screenshot_of_the_case_board(
    chromium_browser: Browser, streamlit_server: StreamlitServer, demo_facts: DemoFacts
) -> None:
    page = open_signed_in(chromium_browser, streamlit_server, f"case?case={demo_facts.lecture2_case_id}", (1600, 3000), "en")
    try:
        expect(page.locator('[class*="st-key-board_card_"]').first).to_be_visible()
        page.wait_for_timeout(1000)  # the bone map's last paint
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "case_board.png"))
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page_path", ["meetings", "decisions", "cases", "admin"])
def test_no_button_wraps_letter_by_letter_at_1024(
    chromium_browser: Browser, streamlit_server: StreamlitServer, page_path: str, lang: str
) -> None:
    page = open_signed_in(chromium_browser, streamlit_server, page_path, (1024, 768), lang)
    try:
        for expander in page.locator('[data-testid="stMain"] [data-testid="stExpander"] summary').all()[:6]:
            expander.click()  # buttons inside the first expanders (agenda reorder, listing) too
            settle(page)
        assert page.evaluate(TALL_BUTTONS) == []
        page.evaluate(SQUEEZED)
        assert page.evaluate(TALL_BUTTONS) == ["Points and sources"]
    finally:
        page.context.close()


# Date fields whose text (an empty field's "yyyy/mm/dd" too) is wider than the field: Streamlit's
# date field scrolls its segments sideways, so a cut one is a scroller wider inside than out.
CUT_DATES = """() => [...document.querySelectorAll('[data-testid="stDateInputFieldsScroller"]')]
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.closest('[data-testid="stDateInput"]').querySelector('label').innerText.trim())"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_empty_date_fields_show_their_placeholder_whole_at_1024(
    chromium_browser: Browser, streamlit_server: StreamlitServer, demo_facts: DemoFacts, lang: str
) -> None:
    """At 1024 px the referral's birth date and the lab form's date sat in a quarter of a row and
    an empty one read "yyyy / mm / c" (browser walk, 2026-12): those rows give the date more room."""
    tr = {key: MESSAGES[key][1 if lang == "zh" else 0] for key in ("form.tab.refer", "fact.entry.lab_result", "board.tab.labs")}
    page = open_signed_in(chromium_browser, streamlit_server, "cases", (1024, 768), lang, user="coordinator")
    try:
        page.get_by_role("tab", name=tr["form.tab.refer"], exact=True).click()
        settle(page)
        expect(page.locator('[data-testid="stDateInputFieldsScroller"]:visible')).to_have_count(2)
        assert page.evaluate(CUT_DATES) == []
    finally:
        page.context.close()
    page = open_signed_in(
        chromium_browser, streamlit_server, f"case?case={demo_facts.lecture2_case_id}", (1024, 768), lang, user="coordinator"
    )
    try:
        page.get_by_role("tab", name=tr["board.tab.labs"], exact=True).click()
        settle(page)
        page.get_by_text(tr["fact.entry.lab_result"], exact=True).click()
        settle(page)
        expect(page.locator('[data-testid="stDateInputFieldsScroller"]:visible').nth(1)).to_be_visible()
        assert page.evaluate(CUT_DATES) == []
        # the checker's own check: the same field squeezed is reported
        page.locator('[data-testid="stDateInput"]:visible').first.evaluate("e => { e.style.width = '80px'; }")
        page.wait_for_timeout(300)
        assert len(page.evaluate(CUT_DATES)) == 1
    finally:
        page.context.close()


# Empty text fields and multiselects whose placeholder is wider than the field (measured in the
# field's own font): the case list's filters read "全" + half a "部" at 1024 px (browser walk, 2026-12).
CUT_PLACEHOLDERS = """() => [...document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stTextInput"] input[placeholder],'
        + ' [data-testid="stMain"] [data-testid="stMultiSelect"] input[placeholder]')]
    .filter(i => i.offsetParent !== null && !i.value && i.placeholder)
    .filter(i => {
        const style = getComputedStyle(i);
        const ctx = document.createElement('canvas').getContext('2d');
        ctx.font = style.font;
        const room = i.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return ctx.measureText(i.placeholder).width > room + 1;
    })
    .map(i => i.placeholder)"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_case_list_search_hint_reads_whole_at_1024(
    chromium_browser: Browser, streamlit_server: StreamlitServer, lang: str
) -> None:
    """The search field's Chinese hint read "姓名、病历号或病例编" at 1024 px (browser walk, 2026-12)."""
    page = open_signed_in(chromium_browser, streamlit_server, "cases", (1024, 768), lang, user="coordinator")
    try:
        hint = MESSAGES["cases.search_hint"][1 if lang == "zh" else 0]
        expect(page.get_by_placeholder(hint, exact=True)).to_be_visible()
        everything = MESSAGES["common.all"][1 if lang == "zh" else 0]
        expect(page.locator('[data-testid="stMultiSelect"] input:visible')).to_have_count(4)
        assert page.locator(f'[data-testid="stMultiSelect"] input[placeholder="{everything}"]:visible').count() == 4
        assert page.evaluate(CUT_PLACEHOLDERS) == []
        # the checker's own check: the same field squeezed is reported
        page.get_by_placeholder(hint, exact=True).evaluate(
            "e => { e.closest('[data-testid=\"stTextInput\"]').style.width = '80px'; }"
        )
        page.wait_for_timeout(300)
        assert page.evaluate(CUT_PLACEHOLDERS) == [hint]
    finally:
        page.context.close()


# Text areas whose text needs scrolling to be read.
CUT_TEXT_AREAS = """() => [...document.querySelectorAll('[data-testid="stMain"] textarea')]
    .filter(a => a.offsetParent !== null && a.value && a.scrollHeight > a.clientHeight + 1)
    .map(a => a.value)"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_noms_prefill_reads_whole_at_1024(
    chromium_browser: Browser, streamlit_server: StreamlitServer, demo_facts: DemoFacts, lang: str
) -> None:
    """The decision form's four NOMS boxes sat four across: at 1024 px each prefill (lecture case
    2's "ECOG 2, 可耐受手术, 预计生存期 78 周") was cut in its box (browser walk, 2026-12). Opening
    the form is session state only; nothing is saved."""
    page = open_signed_in(chromium_browser, streamlit_server, f"decisions?case={demo_facts.lecture2_case_id}", (1024, 768), lang)
    try:
        page.get_by_role("button", name=MESSAGES["dec.record_new"][1 if lang == "zh" else 0]).click()
        settle(page)
        noms = page.get_by_label(MESSAGES["dec.noms.S"][1 if lang == "zh" else 0], exact=True)
        expect(noms).to_be_visible()
        assert noms.input_value()  # prefilled from the board
        assert page.evaluate(CUT_TEXT_AREAS) == []
    finally:
        page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_audit_date_filters_show_their_placeholder_whole_at_1024(
    chromium_browser: Browser, streamlit_server: StreamlitServer, lang: str
) -> None:
    """The audit trail's "from" and "to" dates sat in a fifth of the row and read "yyyy / mr"
    at 1024 px (browser walk, 2026-12)."""
    page = open_signed_in(chromium_browser, streamlit_server, "admin", (1024, 768), lang)
    try:
        # the page draws in parts: wait for both fields, not the first alone (CI, 2026-12-06)
        expect(page.locator('[data-testid="stDateInputFieldsScroller"]:visible')).to_have_count(2)
        assert page.evaluate(CUT_DATES) == []
    finally:
        page.context.close()
