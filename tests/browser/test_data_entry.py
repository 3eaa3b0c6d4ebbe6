"""Data entry in a real browser: a coordinator opens a freshly referred case, records the dated
assessment, a spinal lesion with every SINS item and a calcium result in mg/dL (converted before
saving), and the board recomputes. Screenshots go to docs/screenshots/data_entry_*.png (1440x900).

(The full path -- two lesions, imaging, three labs, radiotherapy, ready and fully scored -- runs
through the same forms in tests/pages/test_data_entry.py.)
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from playwright.sync_api import Locator, Page, expect

from core.i18n import enum_label, t
from core.models import Actor, Case, Patient, Role
from db import cases
from db.users import DEMO_PASSWORD
from tests.browser.conftest import ROOT, StreamlitServer, start_server

pytestmark = pytest.mark.browser

SHOTS = ROOT / "docs" / "screenshots"
APP = '[data-testid="stApp"]'


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


@pytest.fixture(scope="module")
def entry_server(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[StreamlitServer, int]:
    """A server on a demo copy holding one freshly referred case (no clinical facts yet)."""
    work = tmp_path_factory.mktemp("entry-template")
    template = work / "template.duckdb"
    shutil.copy(demo_template, template)
    con = duckdb.connect(str(template))
    try:
        uid = int(con.execute("SELECT user_id FROM app_user WHERE username = 'coordinator'").fetchone()[0])  # type: ignore[index]
        case_id = cases.refer(
            con,
            Actor(user_id=uid, username="coordinator", role=Role.COORDINATOR),
            # synthetic: the server runs in demo mode, which refuses a store with real patients
            Patient(mrn="WEB-0001", display_name="Browser Entry", sex="female", birth_date=date(1960, 6, 1), synthetic=True),
            Case(
                patient_id=0,
                referral_date=date.today(),
                referrer="Dr Breast",
                referrer_specialty="medical_oncology",
                question="Back pain in breast cancer: T9 metastasis stable?",
                primary_tumour="breast",
                histology="invasive_ductal",
                patient_wishes="Wants to keep walking",
            ),
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    server = start_server("entry", template, tmp_path_factory.mktemp("server-entry"))
    try:
        server.wait_healthy()
        yield server, case_id
    finally:
        server.stop()


def select(scope: Locator, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` (type to search, Enter)."""
    box = scope.locator('[data-testid="stSelectbox"]').filter(has=scope.page.get_by_text(label, exact=True)).first
    box.locator("input").click()
    choice = box.page.get_by_role("option", name=option, exact=True).first
    if not choice.is_visible():  # a long, virtualised list: type to search
        box.page.keyboard.type(option)
    choice.click()
    expect(box.locator("input")).to_have_value(option)


def form_with(page: Page, button: str) -> Locator:
    return page.locator('[data-testid="stForm"]').filter(has=page.get_by_role("button", name=button, exact=True)).first


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"data_entry_{name}.png"))


def test_coordinator_records_assessment_lesion_and_lab(entry_server, chromium_browser) -> None:
    server, case_id = entry_server
    context = chromium_browser.new_context(viewport={"width": 1440, "height": 900}, locale="en-GB")
    context.set_default_timeout(60_000)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/case?case={case_id}")
        page.get_by_label(t("signin.username"), exact=True).fill("coordinator")
        page.get_by_label(t("signin.password"), exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name=t("signin.submit"), exact=True).click()
        expect(page.get_by_role("heading", level=1).filter(has_text=f"#{case_id}")).to_be_visible()
        settle(page)

        # the dated assessment
        page.get_by_text(t("assess.entry"), exact=True).click()
        form = form_with(page, t("assess.record.submit"))
        select(form, "ECOG performance status", "1")
        select(form, "pain NRS", "6")
        select(form, "Frankel grade", "E")
        select(form, "neurology examined", "yes")
        form.get_by_label("expected survival (weeks)").fill("52")
        form.get_by_label("expected survival (weeks)").press("Tab")
        shot(page, "assessment")
        form.get_by_role("button", name=t("assess.record.submit"), exact=True).click()
        expect(page.get_by_text("5 values recorded.")).to_be_visible()
        settle(page)
        metrics = page.locator('[data-testid="stMetric"]')
        expect(metrics.filter(has_text="ECOG").first).to_contain_text("1")

        # a spinal lesion with every SINS item
        page.get_by_role("tab", name=t("board.tab.lesions")).click()
        settle(page)
        page.get_by_text(t("fact.entry.lesion"), exact=True).click()
        form = form_with(page, t("fact.add.lesion"))
        for label, value in (
            ("fact.bone", "spine"),
            ("fact.level", "T9"),
            ("fact.lesion_type", "lytic"),
            ("fact.spinal_pain", "mechanical"),
            ("fact.alignment", "normal"),
            ("fact.collapse", "lt_50_collapse"),
            ("fact.posterolateral", "unilateral"),
            ("fact.bilsky", "1b"),
        ):
            text = t(label) + (" *" if label in ("fact.bone", "fact.lesion_type") else "")
            select(form, text, value if label == "fact.level" else enum_label(value, "en"))
        shot(page, "lesion")
        form.get_by_role("button", name=t("fact.add.lesion"), exact=True).click()
        expect(page.get_by_text(t("common.saved")).first).to_be_visible()
        settle(page)
        # SINS 9: rigid T9 1 + mechanical 3 + lytic 2 + normal alignment 0 + < 50 % collapse 2 + unilateral 1
        expect(page.locator('[data-testid="stDataFrame"]').last).to_be_visible()
        expect(page.locator(APP)).to_contain_text("SINS")
        shot(page, "lesion_saved")

        # calcium in mg/dL, converted before saving
        page.get_by_role("tab", name=t("board.tab.labs")).click()
        settle(page)
        page.get_by_text(t("fact.entry.lab_result"), exact=True).click()
        settle(page)
        select(page.locator(APP), t("form.analyte"), enum_label("calcium", "en"))
        settle(page)
        page.get_by_label(t("form.value"), exact=True).first.fill("10")
        page.get_by_label(t("form.value"), exact=True).first.press("Tab")
        settle(page)
        select(page.locator(APP), t("form.unit"), "mg/dL")
        settle(page)
        expect(page.get_by_text("10.0 mg/dL = 2.50 mmol/L", exact=False)).to_be_visible()
        day = page.locator('[data-testid="stDateInput"]').filter(has=page.get_by_text(t("form.taken_on"), exact=True)).first
        day.get_by_role("spinbutton").first.click()  # year, month, day segments
        page.keyboard.type(date.today().strftime("%Y%m%d"))
        page.keyboard.press("Tab")
        settle(page)
        shot(page, "lab")
        page.get_by_role("button", name=t("fact.add.lab_result"), exact=True).first.click()
        expect(page.get_by_text(t("common.saved")).first).to_be_visible()
        settle(page)
        exceptions = page.locator('[data-testid="stException"]')
        assert exceptions.count() == 0
    finally:
        context.close()
    server.stop()  # DuckDB: one process owns the file
    con = duckdb.connect(str(server.db_path), read_only=True)
    try:
        n_lesions = con.execute(
            "SELECT count(*) FROM lesion l JOIN mdt_case c USING (patient_id) WHERE c.case_id = ?", [case_id]
        ).fetchone()
        calcium = con.execute(
            "SELECT value, unit FROM lab_result l JOIN mdt_case c USING (patient_id) WHERE c.case_id = ?", [case_id]
        ).fetchall()
        fields = {r[0] for r in con.execute("SELECT field FROM assessment WHERE case_id = ?", [case_id]).fetchall()}
    finally:
        con.close()
    assert n_lesions == (1,)
    assert [(float(v), u) for v, u in calcium] == [(2.495, "mmol/L")]
    assert fields == {"ecog", "nrs", "frankel", "neuro_assessed", "expected_survival_weeks"}
