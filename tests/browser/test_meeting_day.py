"""Meeting day in a real browser (issue 11): coordinator, chair and a member in three browser
contexts (three Streamlit sessions) on one live server with an injected clock.

coordinator lists a case → chair starts the meeting → presentation mode at 1024×768 with the
red flags, key scores, bone map and question inside the viewport (element bounding boxes) and
no sidebar → the member's follow view moves with the chair → a decision recorded and signed
from presentation mode → the clock jumps past the idle limit: the watchers stay signed in, the
coordinator (idle on the overview) is warned a minute before and then signed out → every
in-app link keeps the session. Screenshots go to docs/screenshots/ (README).
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from core.i18n import enum_label, t
from core.models import CORE_SPECIALTIES, AgendaStatus, MeetingStatus, Outcome
from db.users import DEMO_PASSWORD
from pages.components.clock import TEST_CLOCK_ENV
from pages.components.guard import IDLE_SECONDS, IDLE_WARNING_SECONDS
from tests.browser.conftest import ROOT, ServerFactory, StreamlitServer

pytestmark = pytest.mark.browser

SHOTS = ROOT / "docs" / "screenshots"
APP = '[data-testid="stApp"]'
MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'
SIGN_IN = t("signin.title")
PROJECTOR = {"width": 1024, "height": 768}
NEW_CASE_SUMMARY = "Plan agreed for the newly listed case."
RELISTED_SUMMARY = "This week's decision for the re-listed case."
DEFER_REASON = "Awaiting the spine MRI report"
DESK = {"width": 1440, "height": 900}


@dataclass(frozen=True)
class Agenda:
    meeting_id: int
    meeting_date: str
    first_case: int
    first_item: int
    cases: int  # on the agenda before the coordinator lists one more
    core_attendees: tuple[int, ...]  # one clinician per core specialty (quorum)
    relisted_case: int  # on this agenda with a signed decision of an earlier meeting
    agenda_cases: tuple[int, ...]  # every case on the agenda before the coordinator lists one
    patients: dict[int, tuple[str, str]]  # case -> (name, MRN), every case of the store
    names: dict[int, str]  # user -> display name


@pytest.fixture(scope="module")
def agenda(demo_template: Path) -> Agenda:
    con = duckdb.connect(str(demo_template), read_only=True)
    try:
        row = con.execute(
            "SELECT meeting_id, strftime(meeting_date, '%Y-%m-%d') FROM meeting"
            " WHERE meeting_date >= current_date AND status <> 'closed' ORDER BY meeting_date LIMIT 1"
        ).fetchone()
        assert row is not None, "the demo store has no coming meeting"
        first = con.execute(
            "SELECT case_id, (SELECT count(*) FROM agenda_item WHERE meeting_id = ?), item_id FROM agenda_item"
            " WHERE meeting_id = ? ORDER BY position, item_id LIMIT 1",
            [row[0], row[0]],
        ).fetchone()
        core = con.execute(
            "SELECT min(user_id) FROM app_user WHERE active AND role NOT IN ('admin', 'analyst')"
            " AND list_contains(?, specialty) GROUP BY CASE WHEN specialty = 'spine_surgery' THEN 'orthopaedics'"
            " ELSE specialty END ORDER BY 1",
            [[s.value for s in CORE_SPECIALTIES] + ["spine_surgery"]],
        ).fetchall()
        relisted = con.execute(
            "SELECT a.case_id FROM agenda_item a WHERE a.meeting_id = ? AND a.case_id <> ? AND EXISTS ("
            " SELECT 1 FROM decision d JOIN agenda_item e ON e.item_id = d.item_id"
            " WHERE d.case_id = a.case_id AND d.status = 'signed' AND e.meeting_id <> a.meeting_id)"
            " ORDER BY a.position, a.item_id LIMIT 1",
            [row[0], first[0] if first else None],
        ).fetchone()
        patients = {
            int(c): (str(n), str(m))
            for c, n, m in con.execute(
                "SELECT c.case_id, p.display_name, p.mrn FROM mdt_case c JOIN patient p USING (patient_id)"
            ).fetchall()
        }
        names = {int(u): str(n) for u, n in con.execute("SELECT user_id, display_name FROM app_user").fetchall()}
        on_agenda = [int(r[0]) for r in con.execute("SELECT case_id FROM agenda_item WHERE meeting_id = ?", [row[0]]).fetchall()]
    finally:
        con.close()
    assert first is not None, "the coming meeting has no agenda"
    assert len(core) == len(CORE_SPECIALTIES), "the demo store lacks a clinician of a core specialty"
    assert relisted is not None, "the coming meeting has no re-listed case"
    return Agenda(
        int(row[0]),
        str(row[1]),
        int(first[0]),
        int(first[2]),
        int(first[1]),
        tuple(int(u[0]) for u in core),
        int(relisted[0]),
        tuple(on_agenda),
        patients,
        names,
    )


@pytest.fixture(scope="module")
def clock_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clock") / "offset"
    path.write_text("0", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def meeting_server(server_factory: ServerFactory, clock_file: Path, agenda: Agenda) -> StreamlitServer:
    server = server_factory.start("meeting-day", {TEST_CLOCK_ENV: str(clock_file)})
    server.wait_healthy()
    return server


def settle(page: Page) -> None:
    """The script run is over (the presentation clock ticks every second: wait between ticks)."""
    page.wait_for_selector(f'{APP}[data-test-connection-state="CONNECTED"]')
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            return !document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]');
        }"""
    )
    page.wait_for_timeout(250)


def sign_in(context: BrowserContext, server: StreamlitServer, path: str, username: str) -> Page:
    page = context.new_page()
    page.goto(server.url + path)
    page.get_by_label(t("signin.username"), exact=True).fill(username)
    page.get_by_label(t("signin.password"), exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=t("signin.submit"), exact=True).click()
    expect(page.get_by_role("heading", name=SIGN_IN)).to_have_count(0)
    settle(page)
    return page


def signed_in(page: Page) -> None:
    """Still the same session: no sign-in form, no link that opens a new tab."""
    expect(page.get_by_role("heading", name=SIGN_IN)).to_have_count(0)
    expect(page.locator('input[type="password"]')).to_have_count(0)
    assert page.locator(f'{MAIN} a[target="_blank"]').count() == 0


def case_heading(page: Page, case_id: int, level: int | None = None):
    return page.get_by_role("heading", level=level).filter(has_text=re.compile(rf"#{case_id}\b"))


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def in_viewport(page: Page, locator, what: str) -> None:
    box = locator.bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None, f"{what} is not rendered"
    assert box["width"] > 0 and box["height"] > 0, f"{what} has no size"
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], f"{what} is below the fold: {box}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], f"{what} is outside the viewport: {box}"


def present(chair: Page, case_id: int, n: int) -> None:
    """Move the presentation to ``case_id`` with the chair's next / previous buttons, checking the
    heading after each move (never by position)."""
    for button in ("mtg_next", "mtg_prev"):
        for _ in range(n):
            if case_heading(chair, case_id, level=3).count():
                return
            move = chair.locator(f".st-key-{button} button")
            if move.is_disabled():
                break
            try:  # a rerun under load may disable it between the check and the click: the end
                move.click(timeout=15_000)
            except PlaywrightTimeoutError:
                break
            settle(chair)
    expect(case_heading(chair, case_id, level=3)).to_be_visible()


def pick_radio(scope: Locator, option: str) -> None:
    """Check ``option`` of the radio group ``scope``, retried until it is the checked one."""
    for _ in range(4):
        scope.get_by_role("radiogroup").get_by_text(option, exact=True).click()
        settle(scope.page)
        try:
            expect(scope.get_by_role("radio", name=option, exact=True)).to_be_checked(timeout=5_000)
            return
        except AssertionError:
            continue
    expect(scope.get_by_role("radio", name=option, exact=True)).to_be_checked()


def pick(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``: typed, its own item clicked, retried
    until the box holds it (a list that re-rendered is picked again, never its first item)."""
    box = page.locator('[data-testid="stSelectbox"]').filter(has=page.get_by_text(label, exact=True))
    item = page.get_by_role("option", name=option, exact=True)
    for _ in range(4):
        box.locator("input").click()
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(option)
        try:
            item.click(timeout=5_000)
            expect(box.locator("input")).to_have_value(option, timeout=5_000)
            settle(page)
            return
        except (PlaywrightTimeoutError, AssertionError):
            page.keyboard.press("Escape")
            settle(page)
    expect(box.locator("input")).to_have_value(option)


SAVED = re.compile(re.escape(t("dec.saved", version=987)).replace("987", r"\d+"))


def record_and_sign(chair: Page, outcome: Outcome, summary: str) -> None:
    """From presentation mode: this listing's decision (a new one for a case decided before),
    recorded with ``outcome`` and signed."""
    chair.get_by_role("tab", name=t("pres.tab.decision")).click()
    settle(chair)
    record_new = chair.get_by_role("button", name=t("dec.record_new"))
    if record_new.count():  # decided at an earlier meeting: this week's decision is a new one
        record_new.click()
        settle(chair)
    pick_radio(chair.locator('[data-testid="stRadio"]').filter(has_text=t("dec.outcome")), enum_label(outcome))
    if outcome == Outcome.DECIDED:  # every suggestion of the board addressed: each taken as suggested
        groups = chair.locator('[data-testid="stRadio"]').filter(has_text=t("dec.disposition"))
        expect(groups.first).to_be_visible()
        for i in range(groups.count()):
            pick_radio(groups.nth(i), t("dec.disp.accepted"))
    chair.get_by_label(t("dec.summary")).fill(summary)
    chair.get_by_role("button", name=t("dec.save_draft")).click()
    expect(chair.get_by_text(SAVED)).to_be_visible()
    settle(chair)
    chair.get_by_label(t("dec.sign.password")).fill(DEMO_PASSWORD)
    chair.get_by_role("button", name=t("dec.sign.button")).click()
    expect(chair.get_by_text(t("dec.signed_ok"))).to_be_visible()
    settle(chair)


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True)
    return out.stdout


def check_minutes(text: str, agenda: Agenda, listed: int) -> None:
    """The closed meeting's minutes (PDF text) say exactly what happened: the two decisions under
    "discussed", the deferred item with its reason, every other item not reached, and who was there."""
    flat = re.sub(r"\s+", " ", text)
    n = agenda.cases + 1
    heads = {
        "discussed": t("dec.doc.sec.discussed", n=2),
        "deferred": t("dec.doc.sec.deferred", n=1),
        "not_reached": t("dec.doc.sec.not_reached", n=n - 3),
    }
    for head in heads.values():
        assert head in flat, (head, flat[:2000])
    assert t("dec.doc.sec.waiting", n=1).split("(")[0] not in flat  # nothing left waiting after close
    starts = {k: flat.rindex(h) for k, h in heads.items()}  # the sections (the outline comes first)
    assert starts["discussed"] < starts["deferred"] < starts["not_reached"]
    section = {
        "discussed": flat[starts["discussed"] : starts["deferred"]],
        "deferred": flat[starts["deferred"] : starts["not_reached"]],
        "not_reached": flat[starts["not_reached"] :],
    }

    def where(case_id: int) -> list[str]:
        mrn = agenda.patients[case_id][1]
        return [k for k, body in section.items() if f"({mrn})" in body]

    assert where(listed) == ["discussed"] and where(agenda.relisted_case) == ["discussed"]
    assert NEW_CASE_SUMMARY in section["discussed"] and RELISTED_SUMMARY in section["discussed"]
    assert where(agenda.first_case) == ["deferred"] and DEFER_REASON in section["deferred"]
    others = [c for c in agenda.agenda_cases if c not in (listed, agenda.relisted_case, agenda.first_case)]
    assert len(others) == n - 3
    for case_id in others:
        assert where(case_id) == ["not_reached"], case_id
    # attendance: the four core clinicians the coordinator marked present, nobody else
    after = flat[flat.index(t("dec.doc.attendance")) :]
    present = after[after.index(t("dec.doc.present")) : after.index(t("dec.doc.absent"))]
    shown = {u for u, name in agenda.names.items() if f"{name} (" in present}
    assert shown == set(agenda.core_attendees), (present, shown)


def set_clock(path: Path, seconds: float) -> None:
    path.write_text(f"{seconds:.0f}", encoding="utf-8")


@pytest.fixture
def contexts(chromium_browser: Browser) -> Iterator[dict[str, BrowserContext]]:
    made = {
        "coordinator": chromium_browser.new_context(viewport=DESK, locale="en-GB"),
        "chair": chromium_browser.new_context(viewport=PROJECTOR, locale="en-GB"),
        "member": chromium_browser.new_context(viewport=DESK, locale="en-GB"),
    }
    for context in made.values():
        context.set_default_timeout(45_000)
    try:
        yield made
    finally:
        for context in made.values():
            context.close()


def test_meeting_day(meeting_server: StreamlitServer, agenda: Agenda, clock_file: Path, contexts, tmp_path: Path) -> None:
    server = meeting_server
    expect.set_options(timeout=45_000)

    # -- the coordinator: same-tab links from the overview, lists a case ---------------------------
    coord = sign_in(contexts["coordinator"], server, "/overview", "coordinator")
    coord.get_by_role("link", name=t("overview.open_agenda")).click()
    expect(coord.get_by_role("heading", name=t("meetings.title"), level=1)).to_be_visible()
    assert f"meeting={agenda.meeting_id}" in coord.url
    signed_in(coord)
    coord.get_by_role("tab", name=t("mtg.list.title")).click()
    settle(coord)
    # the last candidate shown (the list is ordered by urgency): it joins the agenda below the
    # first item, which the chair presents first
    candidate = coord.locator('[data-testid="stPageLink"] a').filter(has_text=re.compile(r"#\d+")).last
    listed = int(re.search(r"#(\d+)", candidate.inner_text()).group(1))  # type: ignore[union-attr]
    reason = coord.locator(f".st-key-mtg_reason_{listed} input")
    if reason.count():
        reason.fill("Imaging booked; discuss with what we have")
    coord.locator(f".st-key-mtg_list_btn_{listed} button").click()
    expect(coord.get_by_text(t("mtg.list.done", case=listed))).to_be_visible()
    settle(coord)
    # a patient-name link in the listing opens the case board in the same session
    coord.get_by_role("tab", name=t("mtg.list.title")).click()
    settle(coord)
    link = coord.locator('[data-testid="stPageLink"] a').filter(has_text=re.compile(r"#\d+")).first
    linked = int(re.search(r"#(\d+)", link.inner_text()).group(1))  # type: ignore[union-attr]
    link.click()
    expect(case_heading(coord, linked, level=1)).to_be_visible()
    signed_in(coord)
    # the decisions page's "Open the case board" link
    coord.locator(SIDEBAR).get_by_role("link", name=t("nav.decisions")).click()
    expect(coord.get_by_role("heading", name=t("dec.title"), level=1)).to_be_visible()
    settle(coord)
    coord.get_by_role("link", name=t("dec.open_board")).click()
    expect(coord.get_by_role("heading", level=1).filter(has_text="#")).to_be_visible()
    signed_in(coord)
    # attendance: one clinician of each core specialty, so the meeting is quorate
    coord.locator(SIDEBAR).get_by_role("link", name=t("nav.meetings")).click()
    expect(coord.get_by_role("heading", name=t("meetings.title"), level=1)).to_be_visible()
    coord.get_by_role("tab", name=t("meetings.attendance")).click()
    settle(coord)
    for user_id in agenda.core_attendees:
        coord.locator(f".st-key-mtg_att_{agenda.meeting_id}_{user_id} label").click()
        settle(coord)
    expect(coord.get_by_text(re.compile(r"Core specialties present: 4 of 4"))).to_be_visible()
    coord.locator(SIDEBAR).get_by_role("link", name=t("nav.overview")).click()
    expect(coord.get_by_role("heading", name=t("overview.title"), level=1)).to_be_visible()
    settle(coord)
    coordinator_idle_since = time.time()

    # -- the chair starts the meeting and presents at 1024×768 -------------------------------------
    chair = sign_in(contexts["chair"], server, f"/meetings?meeting={agenda.meeting_id}", "chair")
    reason = chair.locator(f".st-key-mtg_start_reason_{agenda.meeting_id} input")
    if reason.count():  # starting before the meeting's date needs a recorded reason
        reason.fill("Rehearsal of the meeting day in the browser test")
    chair.locator(".st-key-mtg_start button").click()
    expect(chair.get_by_text(t("mtg.started"))).to_be_visible()
    settle(chair)
    chair.get_by_text(t("mtg.p.toggle"), exact=True).click()
    expect(case_heading(chair, agenda.first_case, level=3)).to_be_visible()
    settle(chair)
    expect(chair.locator(SIDEBAR)).to_have_count(0)
    # the first case's red flags: emergency ones are errors, urgent ones warnings
    flags = chair.locator('[data-testid="stAlertContainer"]').filter(
        has=chair.locator('[data-testid="stAlertContentError"], [data-testid="stAlertContentWarning"]')
    )
    expect(flags.first).to_be_visible()
    in_viewport(chair, case_heading(chair, agenda.first_case, level=3), "the case title")
    in_viewport(chair, flags.first, "the first red flag")
    in_viewport(chair, chair.get_by_text(t("mtg.p.scores"), exact=True), "the key scores heading")
    for name in ("SINS", "Bilsky", "Tomita", "Tokuhashi", "Katagiri"):
        in_viewport(chair, chair.locator(MAIN).get_by_text(re.compile(rf"^{name}\b")).first, f"the {name} score")
    in_viewport(chair, chair.locator(".js-plotly-plot").first, "the bone map")
    in_viewport(chair, chair.get_by_text(t("mtg.p.case_time"), exact=True), "the case clock")
    shot(chair, "presentation_1024")

    # -- a member follows the chair ----------------------------------------------------------------
    member = sign_in(contexts["member"], server, f"/meetings?meeting={agenda.meeting_id}", "member")
    member.get_by_text(t("mtg.p.toggle"), exact=True).click()
    expect(case_heading(member, agenda.first_case, level=3)).to_be_visible()
    expect(member.get_by_text(t("pres.following"))).to_be_visible()
    expect(member.locator(".st-key-mtg_next")).to_have_count(0)  # the chair drives
    # to the case the coordinator listed (new on the agenda, no decision yet); the member follows
    chair.locator(".st-key-mtg_next button").click()
    expect(case_heading(chair, agenda.first_case, level=3)).to_have_count(0)
    settle(chair)
    expect(chair.get_by_text(t("mtg.p.position", k=2, n=agenda.cases + 1))).to_be_visible()
    second = int(re.search(r"#(\d+)", chair.get_by_role("heading", level=3).first.inner_text()).group(1))  # type: ignore[union-attr]
    expect(case_heading(member, second, level=3)).to_be_visible(timeout=30_000)
    settle(member)
    shot(member, "follow")
    for k in range(3, agenda.cases + 2):
        if case_heading(chair, listed, level=3).count():
            break
        chair.locator(".st-key-mtg_next button").click()
        expect(chair.get_by_text(t("mtg.p.position", k=k, n=agenda.cases + 1))).to_be_visible()
        settle(chair)
    expect(case_heading(chair, listed, level=3)).to_be_visible()
    expect(case_heading(member, listed, level=3)).to_be_visible(timeout=30_000)

    # -- the decision, recorded and signed without leaving presentation mode -----------------------
    record_and_sign(chair, Outcome.DECIDED, NEW_CASE_SUMMARY)
    expect(case_heading(chair, listed, level=3)).to_be_visible()  # still presenting
    expect(chair.locator(SIDEBAR)).to_have_count(0)
    chair.set_viewport_size(DESK)
    chair.locator(MAIN).evaluate("e => e.scrollTo(0, 0)")
    settle(chair)
    shot(chair, "presentation")

    # -- the clock passes the idle limit: watchers stay, the idle coordinator is warned, then out --
    warned_at = IDLE_SECONDS - IDLE_WARNING_SECONDS + 20 - (time.time() - coordinator_idle_since)
    for offset in (warned_at / 3, 2 * warned_at / 3, warned_at):
        set_clock(clock_file, offset)
        member.wait_for_timeout(4_000)  # a follow poll (3 s) and several clock ticks touch the watchers
    warning = re.compile(r"you will be signed out in \d+ s")
    expect(coord.locator(SIDEBAR).get_by_text(warning)).to_be_visible(timeout=30_000)
    expect(coord.get_by_test_id("stToastText").get_by_text(warning)).to_be_visible()
    expect(coord.get_by_role("button", name=t("idle.stay"))).to_be_visible()
    set_clock(clock_file, warned_at + IDLE_WARNING_SECONDS + 60)  # past the limit for anyone idle
    expect(coord.get_by_role("heading", name=SIGN_IN)).to_be_visible(timeout=30_000)
    member.wait_for_timeout(4_000)
    for page, case in ((member, listed), (chair, listed)):
        expect(case_heading(page, case, level=3)).to_be_visible()
        signed_in(page)

    # -- every in-app link keeps the session, even after the idle limit for the watcher ------------
    member.get_by_role("link", name=t("pres.open_board")).click()
    expect(case_heading(member, listed, level=1)).to_be_visible()
    signed_in(member)
    member.locator(SIDEBAR).get_by_role("link", name=t("nav.meetings")).click()
    expect(member.get_by_role("heading", name=t("meetings.title"), level=1)).to_be_visible()
    signed_in(member)

    # -- a re-listed case gets this week's decision; another item is deferred with its reason ------
    n = agenda.cases + 1
    present(chair, agenda.relisted_case, n)
    record_and_sign(chair, Outcome.DECIDED, RELISTED_SUMMARY)
    expect(case_heading(chair, agenda.relisted_case, level=3)).to_be_visible()
    present(chair, agenda.first_case, n)
    reason = chair.locator(f".st-key-mtg_p_reason_{agenda.first_item} input")  # the first item's own form
    expect(reason).to_be_visible()
    reason.fill(DEFER_REASON)
    expect(reason).to_have_value(DEFER_REASON)
    mark = chair.locator('[data-testid="stForm"]').filter(has=reason)
    mark.locator(f".st-key-mtg_p_status_{AgendaStatus.DEFERRED.value} button").click()
    expect(case_heading(chair, agenda.first_case, level=3)).to_have_count(0)  # marked: on to the next item
    settle(chair)

    # -- the chair leaves presentation mode and closes the meeting ---------------------------------
    chair.get_by_text(t("mtg.p.toggle"), exact=True).click()
    settle(chair)
    chair.locator(f".st-key-mtg_close_ok_{agenda.meeting_id} label").click()
    settle(chair)
    chair.locator(".st-key-mtg_close button").click()
    expect(chair.get_by_text(t("mtg.closed"))).to_be_visible()
    settle(chair)
    signed_in(chair)

    # -- the minutes PDF lists exactly what happened -----------------------------------------------
    chair.locator(SIDEBAR).get_by_role("link", name=t("nav.decisions")).click()
    expect(chair.get_by_role("heading", name=t("dec.title"), level=1)).to_be_visible()
    settle(chair)
    pick(chair, t("dec.meeting"), f"{agenda.meeting_date} · {enum_label(MeetingStatus.CLOSED)}")
    chair.get_by_role("tab", name=t("dec.tab.documents")).click()
    settle(chair)
    with chair.expect_download() as download:
        chair.locator(".st-key-dec-min_pdf button").click()
    pdf = tmp_path / "minutes.pdf"
    download.value.save_as(pdf)
    text = pdf_text(pdf)
    check_minutes(text, agenda, listed)
