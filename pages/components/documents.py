"""PDF rendering of the minutes and the outcome letter (fpdf2 + Noto Sans CJK).

Chinese and English share one font: the Simplified Chinese face (index 2) of Debian's
``fonts-noto-cjk`` collection, or the file named by ``BONEMDT_PDF_FONT``. Parsing the
collection costs about a second, so the face is extracted once into a single-face OpenType file
in a cache folder and reused (TECH_NOTES.md). A missing font raises :class:`FontMissingError`
with the path, which the page shows as a clear message before offering any PDF download.
Stored text is written as text (no markup interpretation), so it cannot change the layout.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from core.i18n import t
from core.minutes import (
    ActionLine,
    Attendee,
    CaseMinute,
    DecisionRecord,
    Letter,
    Minutes,
    action_text,
    agenda_text,
    attendance_text,
    day,
    decision_facts,
    for_referrer,
    label,
    letter_intro,
    place_text,
    plan_line_text,
    plan_text,
    sections,
    signature_lines,
    stamp,
    start_lines,
)
from core.vocabulary import MeetingStatus, PrimaryTumour, Specialty

FONT_ENV = "BONEMDT_PDF_FONT"
DEFAULT_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SIMPLIFIED_CHINESE_FACE = 2
_FAMILY = "cjk"
_INK = (33, 37, 41)
_MUTED = (96, 103, 112)
_ACCENT = (31, 78, 121)
_RULE = (200, 206, 214)


class FontMissingError(RuntimeError):
    """The CJK font file is not installed; ``path`` says where it was looked for."""

    def __init__(self, path: str):
        self.path = path
        super().__init__(f"PDF font not found: {path} (install fonts-noto-cjk or set {FONT_ENV})")


def font_path() -> str:
    return os.environ.get(FONT_ENV) or DEFAULT_FONT


def font_available() -> bool:
    return Path(font_path()).is_file()


@functools.lru_cache(maxsize=4)
def _single_face(source: str, index: int, mtime_ns: int) -> str:
    """Extract face ``index`` of a font collection into a cached single-face file (once)."""
    from fontTools.ttLib import TTCollection

    cache = Path(tempfile.gettempdir()) / "bonemdt-fonts"
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"{Path(source).stem}-{index}-{mtime_ns}.otf"
    if not target.is_file():
        partial = target.with_suffix(f".{os.getpid()}.tmp.otf")
        # closed here, not whenever the collector runs (an unclosed file surfaced as a stray
        # unraisable-exception warning in whichever test happened to trigger the collection)
        with TTCollection(source, lazy=True) as collection:
            collection.fonts[index].save(str(partial))
        os.replace(partial, target)
    return str(target)


def cjk_font_file() -> str:
    """The single-face font file to embed; raises FontMissingError if the font is absent."""
    source = font_path()
    path = Path(source)
    if not path.is_file():
        raise FontMissingError(source)
    if path.suffix.lower() in (".ttc", ".otc"):
        return _single_face(str(path.resolve()), SIMPLIFIED_CHINESE_FACE, path.stat().st_mtime_ns)
    return str(path)


class _Doc(FPDF):
    def __init__(self, lang: str, title: str):
        super().__init__(format="A4")
        self.doc_lang = lang
        self.doc_title = title
        # Word wrapping for both languages: free text is often English even in a Chinese document;
        # a run of CJK longer than a line is still broken between characters.
        self.wrap = WrapMode.WORD
        self.add_font(_FAMILY, "", cjk_font_file())
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(True, margin=16)
        self.set_title(title)
        self.set_creator("BoneMDT")
        self.set_lang("zh-CN" if lang == "zh" else "en")

    def render(self) -> bytes:
        return bytes(self.output())

    def close_fonts(self) -> None:
        """Close the embedded font's file now (fpdf2 opens it lazily and leaves it to the
        garbage collector); the renderers call it in ``finally``."""
        for font in self.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()

    def header(self) -> None:
        self.set_font(_FAMILY, size=8)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, f"BoneMDT · {self.doc_title}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*_RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(3)
        self.set_text_color(*_INK)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(_FAMILY, size=8)
        self.set_text_color(*_MUTED)
        self.cell(0, 5, t("dec.doc.page", self.doc_lang, n=self.page_no(), total="{nb}"), align="C")

    # -- building blocks ---------------------------------------------------------------------

    def heading(self, text: str, size: float = 15) -> None:
        self.set_font(_FAMILY, size=size)
        self.set_text_color(*_ACCENT)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=self.wrap)
        self.set_text_color(*_INK)
        self.ln(1.5)

    def para(self, text: str, size: float = 10, color: tuple[int, int, int] = _INK) -> None:
        self.set_font(_FAMILY, size=size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=self.wrap)
        self.set_text_color(*_INK)

    def field(self, name: str, value: str) -> None:
        self.set_font(_FAMILY, size=10)
        self.set_text_color(*_MUTED)
        self.write(5, f"{name}: ", wrapmode=self.wrap)
        self.set_text_color(*_INK)
        self.write(5, value, wrapmode=self.wrap)
        self.ln(5.5)

    def bullet(self, text: str) -> None:
        self.set_font(_FAMILY, size=10)
        self.cell(5, 5, "•")
        self.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=self.wrap)

    def rule(self) -> None:
        self.ln(1.5)
        self.set_draw_color(*_RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2.5)


def _attendance(pdf: _Doc, people: tuple[Attendee, ...]) -> None:
    present, absent = attendance_text(people, pdf.doc_lang)
    pdf.field(t("dec.doc.present", pdf.doc_lang), present)
    pdf.field(t("dec.doc.absent", pdf.doc_lang), absent)


def _decision(pdf: _Doc, d: DecisionRecord | None, *, codes: bool = True) -> None:
    lang = pdf.doc_lang
    if d is None:
        pdf.para(t("dec.doc.no_decision", lang), color=_MUTED)
        return
    for name, value in decision_facts(d, lang):
        pdf.field(name, value)
    if d.plan:
        pdf.ln(1)
        pdf.set_font(_FAMILY, size=9)
        heading = FontFace(emphasis="NONE", fill_color=(230, 236, 245), color=_ACCENT)
        with pdf.table(
            col_widths=(7, 78, 45, 44),
            text_align="LEFT",
            line_height=4.6,
            headings_style=heading,
            wrapmode=pdf.wrap,
            padding=1.2,
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            top = table.row()
            for text in ("#", t("dec.doc.item", lang), t("dec.doc.kind_disposition", lang), t("dec.doc.details", lang)):
                top.cell(text)
            for item in d.plan:
                head, detail = plan_line_text(item, lang, codes=codes)
                row = table.row()
                for text in (str(item.position + 1), plan_text(item, lang), head, detail):
                    row.cell(text)
        pdf.ln(1.5)
    _signature(pdf, d, codes=codes)


def _signature(pdf: _Doc, d: DecisionRecord, *, codes: bool = True) -> None:
    lines = signature_lines(d.signature, pdf.doc_lang, codes=codes)
    if pdf.get_y() > pdf.h - pdf.b_margin - 6 * (len(lines) + 1):  # keep the signature block on one page
        pdf.add_page()
    pdf.set_font(_FAMILY, size=9)
    pdf.set_fill_color(244, 246, 249)
    pdf.set_draw_color(*_RULE)
    text = f"{t('dec.doc.signature', pdf.doc_lang)}\n" + "\n".join(lines)
    pdf.multi_cell(
        0, 4.8, text, border=1, fill=True, align="L", padding=2, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR
    )
    pdf.ln(1.5)


def _actions(pdf: _Doc, actions: tuple[ActionLine, ...]) -> None:
    pdf.para(t("dec.doc.actions", pdf.doc_lang), size=10.5, color=_ACCENT)
    if not actions:
        pdf.bullet(t("dec.doc.none", pdf.doc_lang))
    for a in actions:
        pdf.bullet(action_text(a, pdf.doc_lang))


def minutes_pdf(minutes: Minutes, lang: str = "en") -> bytes:
    """The meeting's minutes as a PDF in ``lang`` (stored free text kept as written): what was
    discussed with its decision, deferred with the reason, not reached."""
    m = minutes
    title = t("dec.doc.minutes_title", lang, date=day(m.meeting_date, lang))
    pdf = _Doc(lang, title)
    try:
        pdf.add_page()
        pdf.heading(title, 16)
        pdf.field(t("dec.doc.time_place", lang), place_text(m, lang))
        pdf.field(t("dec.doc.chair", lang), m.chair or t("dec.doc.none", lang))
        pdf.field(t("dec.doc.status", lang), label(m.status, lang, MeetingStatus))
        if m.attendance_grade is not None:
            pdf.field(t("dec.doc.grade", lang), f"{m.attendance_grade}/4")
        for line in start_lines(m.start, m.meeting_date, lang):
            pdf.bullet(line)
        pdf.ln(2)
        pdf.heading(t("dec.doc.attendance", lang), 12.5)
        _attendance(pdf, m.attendance)
        pdf.ln(2)
        groups = sections(m.cases)
        pdf.para(t("dec.doc.outline", lang), size=10.5, color=_ACCENT)
        for key, group in groups:
            pdf.bullet(t("dec.doc.sec." + key, lang, n=len(group)))
        if not groups:
            pdf.bullet(t("dec.doc.no_items", lang))
        if m.emergencies:
            pdf.bullet(t("dec.doc.sec.emergencies", lang, n=len(m.emergencies)))
        n = 0
        for key, group in [*groups, *([("emergencies", m.emergencies)] if m.emergencies else [])]:
            pdf.ln(2)
            pdf.heading(t("dec.doc.sec." + key, lang, n=len(group)), 12.5)
            for c in group:
                n += 1
                _case(pdf, n, key, c)
        pdf.para(t("dec.doc.generated", lang, at=stamp(m.generated_at, lang)), size=8, color=_MUTED)
        return pdf.render()
    finally:
        pdf.close_fonts()


def _case(pdf: _Doc, n: int, section: str, c: CaseMinute) -> None:
    lang = pdf.doc_lang
    if pdf.get_y() > pdf.h - 60:
        pdf.add_page()
    pdf.heading(f"{n}. {c.patient} ({c.mrn}) — {label(c.primary_tumour, lang, PrimaryTumour)}", 11.5)
    pdf.field(t("dec.doc.question", lang), c.question)
    if c.agenda_status:
        pdf.field(t("dec.doc.agenda", lang), agenda_text(c, lang))
    if c.deferral_reason:
        pdf.field(t("dec.doc.deferral_reason", lang), c.deferral_reason)
    for op in c.opinions:
        pdf.field(f"{label(op.specialty, lang, Specialty)} ({op.author})", op.text)
    if section == "discussed" or c.decision is not None:
        _decision(pdf, c.decision)
    if c.actions:
        _actions(pdf, c.actions)
    pdf.rule()


def letter_pdf(letter: Letter, lang: str = "en") -> bytes:
    """The outcome letter for the referrer as a PDF in ``lang``: no rejected suggestions, rule
    codes or content hash (those stay in the minutes)."""
    x = letter
    title = t("dec.doc.letter_title", lang)
    pdf = _Doc(lang, title)
    try:
        pdf.add_page()
        pdf.heading(title, 16)
        pdf.para(t("dec.doc.dear", lang, name=x.referrer))
        pdf.ln(1)
        pdf.para(letter_intro(x, lang))
        pdf.ln(2)
        pdf.field(t("dec.doc.patient", lang), f"{x.patient} ({x.mrn}), {t('dec.doc.born', lang)} {day(x.birth_date, lang)}")
        pdf.field(t("dec.doc.primary", lang), label(x.primary_tumour, lang, PrimaryTumour))
        pdf.field(
            t("dec.doc.referred", lang),
            f"{day(x.referral_date, lang)} — {x.referrer} ({label(x.referrer_specialty, lang, Specialty)})",
        )
        pdf.field(t("dec.doc.question", lang), x.question)
        pdf.ln(2)
        pdf.heading(t("dec.doc.attendance", lang), 12.5)
        _attendance(pdf, x.attendance)
        pdf.ln(2)
        pdf.heading(t("dec.doc.decision", lang), 12.5)
        _decision(pdf, for_referrer(x.decision), codes=False)
        _actions(pdf, x.actions)
        pdf.ln(3)
        pdf.para(t("dec.doc.generated", lang, at=stamp(x.generated_at, lang)), size=8, color=_MUTED)
        return pdf.render()
    finally:
        pdf.close_fonts()
