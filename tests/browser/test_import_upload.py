"""The Admin page's import in a real browser: the administrator uploads a case file, checks it with
the dry run, imports it, and the case is in the store with its audit row; a wrong file type is
refused by the uploader (issue 13)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
from playwright.sync_api import expect

from core.i18n import t
from tests.browser.conftest import start_server
from tests.interop.conftest import ensure_case_columns

ROOT = Path(__file__).resolve().parents[2]
MRN = "UPLOAD-0001"


def test_admin_uploads_a_case_file(demo_template: Path, chromium_browser, browser_page, tmp_path: Path) -> None:
    template = tmp_path / "template.duckdb"
    shutil.copy(demo_template, template)
    con = duckdb.connect(str(template))
    ensure_case_columns(con)  # no-op once the data-entry migration is merged
    con.close()
    doc = json.loads((ROOT / "docs" / "examples" / "lecture_case_1.json").read_text(encoding="utf-8"))
    doc["patient"]["mrn"] = MRN
    upload = tmp_path / "referral.json"
    upload.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    server = start_server("import-upload", template, tmp_path / "server")
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
    con = duckdb.connect(str(server.db_path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM patient WHERE mrn = ?", [MRN]).fetchall()[0][0] == 1
        rows = con.execute("SELECT actor, action FROM audit_log WHERE entity = 'import_file'").fetchall()
        assert rows == [("admin", "import")]
    finally:
        con.close()
