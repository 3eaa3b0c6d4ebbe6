"""The Admin page's import in a real browser: the administrator uploads a case file, checks it with
the dry run, imports it, and the case is in the store with its audit row; a wrong file type is
refused by the uploader (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect

from core.i18n import t
from tests.browser.conftest import StoreMaker, start_server

ROOT = Path(__file__).resolve().parents[2]
MRN = "UPLOAD-0001"


def test_admin_uploads_a_case_file(store_maker: StoreMaker, chromium_browser, browser_page, tmp_path: Path) -> None:
    doc = json.loads((ROOT / "docs" / "examples" / "lecture_case_1.json").read_text(encoding="utf-8"))
    doc["patient"]["mrn"] = MRN
    upload = tmp_path / "referral.json"
    upload.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    server = start_server("import-upload", store_maker.new(tmp_path / "server"))
    try:
        server.wait_healthy()
        page = browser_page
        page.goto(server.url + "/")
        # A loaded 2-core box: the first run of a fresh server imports the whole app.
        page.wait_for_selector('input[type="password"]', timeout=180_000)
        page.get_by_label(t("signin.username"), exact=True).fill("admin")
        page.get_by_label(t("signin.password"), exact=True).fill("bonemdt-demo")
        page.get_by_role("button", name=t("signin.submit"), exact=True).click()
        page.get_by_role("tab", name=t("import.title"), exact=True).click(timeout=60_000)
        expect(page.get_by_text(t("import.hint"))).to_be_visible(timeout=60_000)
        page.locator('input[type="file"]').set_input_files(str(upload))
        page.get_by_role("button", name=t("import.run"), exact=True).click()
        expect(page.get_by_text("Dry run: the file is valid")).to_be_visible(timeout=60_000)
        page.get_by_text(t("import.dry_run"), exact=True).click()
        page.get_by_role("button", name=t("import.run"), exact=True).click()
        expect(page.get_by_text("Imported: patient 1, case 1")).to_be_visible(timeout=60_000)
    finally:
        server.stop()
    con = server.connect()
    try:
        assert con.execute("SELECT count(*) FROM patient WHERE mrn = ?", [MRN]).fetchall()[0][0] == 1
        rows = con.execute("SELECT actor, action FROM audit_log WHERE entity = 'import_file'").fetchall()
        assert rows == [("admin", "import")]
    finally:
        con.close()
