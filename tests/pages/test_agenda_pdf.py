"""The agenda PDF circulated before a meeting: role-gated and audited preparation, every listed
case in agenda order in both languages, the font file closed, and the button on the meeting page."""

from __future__ import annotations

import gc
import io
import re
import warnings
from collections.abc import Iterator
from datetime import date

import duckdb
import pypdf
import pytest

from core.errors import PermissionDeniedError
from db import listing, meetings, users
from db.agenda_export import agenda_sheet
from db.connection import connect
from pages.components import agenda_pdf, documents
from tests.pages.conftest import app

DAY = date(2026, 12, 1)  # injected "today" of the sheet

needs_font = pytest.mark.skipif(not documents.font_available(), reason="fonts-noto-cjk is not installed")


@pytest.fixture
def con(page_store: str) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect(page_store)
    yield c.cursor()
    c.close()


@pytest.fixture
def next_meeting(con: duckdb.DuckDBPyConnection) -> int:
    mid = meetings.next_meeting_id(con)
    assert mid is not None
    return mid


def _text(data: bytes) -> str:
    """Extracted text without whitespace (pypdf interleaves NULs for fpdf2's CID font: dropped)."""
    assert data.startswith(b"%PDF-")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages).replace("\x00", "")
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("role", ["coordinator", "chair"])
def test_the_sheet_lists_the_agenda_in_order_and_is_audited(con: duckdb.DuckDBPyConnection, next_meeting: int, role: str) -> None:
    actor = users.actor_by_username(con, role)
    before = con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    sheet = agenda_sheet(con, actor, next_meeting, today=DAY)
    expected = [int(c) for c in listing.agenda_items(con, next_meeting)["case_id"]]
    assert [line.case_id for line in sheet.lines] == expected
    assert [line.position for line in sheet.lines] == list(range(1, len(expected) + 1))
    row = con.execute(
        "SELECT actor, action, entity, entity_id FROM audit_log WHERE seq > (SELECT max(seq) - 1 FROM audit_log)"
    ).fetchone()
    assert row == (role, "export", "meeting", str(next_meeting))
    assert con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before + 1


@pytest.mark.parametrize("role", ["member", "analyst", "admin"])
def test_other_roles_cannot_prepare_it(con: duckdb.DuckDBPyConnection, next_meeting: int, role: str) -> None:
    with pytest.raises(PermissionDeniedError):
        agenda_sheet(con, users.actor_by_username(con, role), next_meeting, today=DAY)
    last = con.execute("SELECT actor, outcome FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert last == (role, "denied")


@needs_font
@pytest.mark.parametrize(
    ("lang", "words"), [("en", ["MDT agenda", "Question:", "Chair:"]), ("zh", ["会议议程", "提交 MDT 的问题", "主持人"])]
)
def test_the_pdf_names_every_case_with_its_question_and_closes_its_font(
    con: duckdb.DuckDBPyConnection, next_meeting: int, lang: str, words: list[str]
) -> None:
    sheet = agenda_sheet(con, users.actor_by_username(con, "coordinator"), next_meeting, today=DAY)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = agenda_pdf.agenda_pdf(sheet, lang)
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]  # the font file was closed
    text = _text(data)
    for word in words:
        assert re.sub(r"\s+", "", word) in text
    for line in sheet.lines:
        assert f"#{line.case_id}·" in text
        assert re.sub(r"\s+", "", line.question)[:25] in text
    assert DAY.isoformat() in text  # "prepared on"


@needs_font
def test_the_meeting_page_offers_it_to_the_coordinator_only(page_store: str, user_ids: dict[str, int]) -> None:
    at = app("meetings", user_id=user_ids["coordinator"]).run()
    assert not at.exception
    prepare = next(b for b in at.button if str(b.key).startswith("agenda_pdf_") and str(b.key).endswith("_prepare"))
    prepare.click().run()
    assert not at.exception
    assert not at.error
    downloads = [e for e in at.get("download_button") if "agenda" in str(e.proto.label).lower()]
    assert downloads
    member = app("meetings", user_id=user_ids["member"]).run()
    assert not member.exception
    assert not [b for b in member.button if str(b.key).startswith("agenda_pdf_")]


@needs_font
def test_a_failed_build_still_closes_the_font_file() -> None:
    """fpdf2 opens the font lazily and closes it when it writes the document; a build that stops
    before that closes it on the way out, not at garbage collection."""
    with pytest.raises(RuntimeError), agenda_pdf._sheet("en", "x") as pdf:
        font = next(iter(pdf.fonts.values()))
        handle = font.ttfont.reader.file
        assert not handle.closed
        raise RuntimeError("stopped mid-document")
    assert handle.closed
