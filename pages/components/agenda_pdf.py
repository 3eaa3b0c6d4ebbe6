"""The agenda PDF circulated before the meeting (fpdf2 + the minutes' CJK font), and its button.

Same font approach as the minutes (``documents.cjk_font_file``: the Simplified Chinese face of
Noto Sans CJK extracted once). fpdf2 opens the font lazily and would leave the file open until
garbage collection; :func:`agenda_pdf` closes it when the document is written, so a run leaves
no open file behind (pytest turns the ResourceWarning into an error).
Stored text is written as text (no markup), so it cannot change the layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import streamlit as st
from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from core.agenda_sheet import AgendaLine, AgendaSheet
from core.errors import BoneMDTError
from core.i18n import enum_label, t, tn
from core.models import Meeting
from core.vocabulary import PrimaryTumour, Priority, Sex, Stream
from db.agenda_export import agenda_sheet
from pages.components.documents import FontMissingError, cjk_font_file
from pages.components.guard import PageContext

_FAMILY = "cjk"
_INK = (33, 37, 41)
_MUTED = (96, 103, 112)
_ACCENT = (31, 78, 121)
_RED = (183, 28, 28)


class _Sheet(FPDF):
    def __init__(self, lang: str, title: str):
        super().__init__(format="A4")
        self.doc_lang = lang
        self.doc_title = title
        self.add_font(_FAMILY, "", cjk_font_file())
        self.set_margins(16, 14, 16)
        self.set_auto_page_break(True, margin=14)
        self.set_title(title)
        self.set_creator("BoneMDT")
        self.set_lang("zh-CN" if lang == "zh" else "en")

    def header(self) -> None:
        self.set_font(_FAMILY, size=8)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, f"BoneMDT · {self.doc_title}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)
        self.set_text_color(*_INK)

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(_FAMILY, size=8)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, t("agenda_pdf.footer", self.doc_lang, n=self.page_no(), total="{nb}"), align="C")

    def text_block(self, text: str, size: float = 10, colour: tuple[int, int, int] = _INK) -> None:
        self.set_font(_FAMILY, size=size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.WORD)
        self.set_text_color(*_INK)

    def close_fonts(self) -> None:
        """Close the font files fpdf2 opened lazily (deterministically, not at garbage collection)."""
        for font in self.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()


@contextmanager
def _sheet(lang: str, title: str) -> Iterator[_Sheet]:
    pdf = _Sheet(lang, title)
    try:
        yield pdf
    finally:
        pdf.close_fonts()


def _line(pdf: _Sheet, line: AgendaLine, lang: str) -> None:
    age = "—" if line.age is None else str(line.age)
    urgent = line.urgency in ("emergency", "urgent")
    pdf.text_block(
        t(
            "agenda_pdf.case",
            lang,
            n=line.position,
            patient=line.patient,
            case=line.case_id,
            mrn=line.mrn,
            age=age,
            sex=enum_label(line.sex, lang, Sex),
        ),
        size=11,
        colour=_RED if line.urgency == "emergency" else _ACCENT,
    )
    pdf.text_block(
        t(
            "agenda_pdf.facts",
            lang,
            primary=enum_label(line.primary_tumour, lang, PrimaryTumour),
            urgency=enum_label(line.urgency, lang, Priority),
            stream=enum_label(line.stream, lang, Stream),
            referrer=line.referrer or "—",
        ),
        size=9,
        colour=_RED if urgent else _MUTED,
    )
    pdf.text_block(t("agenda_pdf.question", lang, question=line.question or "—"), size=10)
    pdf.ln(2.5)


def agenda_pdf(sheet: AgendaSheet, lang: str = "en") -> bytes:
    """The circulated agenda: the meeting, then each case in agenda order with its question."""
    title = t("agenda_pdf.title", lang, date=sheet.meeting_date.isoformat())
    with _sheet(lang, title) as pdf:
        pdf.alias_nb_pages()
        pdf.add_page()
        pdf.text_block(title, size=16, colour=_ACCENT)
        pdf.ln(1)
        weekday = t(f"mtg.weekday.{sheet.meeting_date.weekday()}", lang)
        pdf.text_block(
            t(
                "agenda_pdf.when",
                lang,
                weekday=weekday,
                date=sheet.meeting_date.isoformat(),
                time=sheet.start_time,
                location=sheet.location or "—",
            ),
            size=10,
        )
        pdf.text_block(t("agenda_pdf.chair", lang, chair=sheet.chair or "—"), size=10)
        pdf.text_block(
            tn("agenda_pdf.count", len(sheet.lines), lang, emergencies=sheet.emergencies),
            size=10,
        )
        pdf.text_block(
            t("agenda_pdf.prepared", lang, user=sheet.prepared_by, date=sheet.prepared_on.isoformat()),
            size=8,
            colour=_MUTED,
        )
        pdf.text_block(t("agenda_pdf.confidential", lang), size=8, colour=_MUTED)
        pdf.ln(3)
        if not sheet.lines:
            pdf.text_block(t("agenda_pdf.empty", lang))
        for line in sheet.lines:
            _line(pdf, line, lang)
        return bytes(pdf.output())


def offer(ctx: PageContext, meeting: Meeting) -> None:
    """Coordinator and chair: prepare the agenda PDF (role-checked and audited in
    ``db.agenda_export``), then download it."""
    mid = int(meeting.meeting_id or 0)
    state = f"agenda_pdf_{mid}_{ctx.lang}"
    with st.container(horizontal=True, vertical_alignment="center"):
        if st.button(ctx.t("agenda_pdf.prepare"), key=f"{state}_prepare", icon=":material/picture_as_pdf:"):
            try:
                sheet = agenda_sheet(ctx.cur, ctx.actor, mid, today=date.today())
                st.session_state[state] = agenda_pdf(sheet, ctx.lang)
            except FontMissingError as exc:
                st.error(ctx.t("agenda_pdf.no_font", path=exc.path))
            except BoneMDTError as exc:
                st.error(str(exc))
        data = st.session_state.get(state)
        if isinstance(data, bytes):
            st.download_button(
                ctx.t("agenda_pdf.download"),
                data,
                file_name=f"bonemdt-agenda-{meeting.meeting_date.isoformat()}-{ctx.lang}.pdf",
                mime="application/pdf",
                on_click="ignore",
                key=f"{state}_download",
                icon=":material/download:",
            )
    st.caption(ctx.t("agenda_pdf.hint"))
