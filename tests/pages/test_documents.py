"""The minutes and the outcome letter as PDF: English and Chinese text both render (extracted
text checked), the signature is printed, and a missing font is a clear error."""

from __future__ import annotations

import gc
import io
import re
import shutil
import subprocess
import tempfile
import warnings
from datetime import date, datetime

import pypdf
import pytest

from core.minutes import (
    ActionLine,
    Attendee,
    CaseMinute,
    DecisionRecord,
    Letter,
    Minutes,
    PlanLine,
    Signature,
)
from pages.components import documents

HASH = "3f" * 32
DECISION = DecisionRecord(
    version=1,
    status="signed",
    outcome="decided",
    decided_on=date(2026, 11, 26),
    quorum_state="quorate",
    summary="股骨预防性内固定，然后放疗 — fix the femur first",
    contributing=("orthopaedics", "radiotherapy"),
    plan=(
        PlanLine(0, "ORTHO-MIRELS-HIGH", "fixation", "Prophylactic intramedullary nail, left femur", "accepted"),
        PlanLine(1, "RT-PAIN-SHORT", "radiotherapy", "放疗 20 Gy 分 5 次", "modified", reason="预后较好"),
        PlanLine(2, None, "analgesia", "Paracetamol 1 g qds", "free_text"),
    ),
    signature=Signature(
        name="Dr Demo Chair", at=datetime(2026, 11, 26, 8, 50), meaning="Approved as the MDT decision", content_hash=HASH
    ),
)
ATTENDANCE = (
    Attendee("Dr Demo Chair", "medical_oncology", True),
    Attendee("Dr Demo Spine", "spine_surgery", True),
    Attendee("Demo CNS Nurse", "nursing", False),
)
ACTIONS = (ActionLine("Book theatre", "orthopaedics", "Dr Demo Member", date(2026, 12, 1), "open"),)
MINUTES = Minutes(
    meeting_id=1,
    meeting_date=date(2026, 11, 26),
    start_time="08:00",
    location="MDT Room 3 / 多学科会诊室",
    status="closed",
    chair="Dr Demo Chair",
    attendance_grade=3,
    attendance=ATTENDANCE,
    cases=(
        CaseMinute(
            case_id=5,
            patient="Wang Fang / 王芳",
            mrn="DEMO-000005",
            primary_tumour="breast",
            question="Fixation of the femur?",
            urgency="urgent",
            stream="full",
            agenda_status="discussed",
            decision=DECISION,
            actions=ACTIONS,
        ),
    ),
    generated_at=datetime(2026, 11, 27, 9, 0),
)
LETTER = Letter(
    case_id=5,
    patient="Wang Fang / 王芳",
    mrn="DEMO-000005",
    birth_date=date(1961, 3, 4),
    referrer="Dr Referrer",
    referrer_specialty="medical_oncology",
    referral_date=date(2026, 11, 1),
    question="Fixation of the femur?",
    primary_tumour="breast",
    meeting_date=date(2026, 11, 26),
    attendance=ATTENDANCE,
    decision=DECISION,
    actions=ACTIONS,
    generated_at=datetime(2026, 11, 27, 9, 0),
)

pytestmark = [
    pytest.mark.skipif(not documents.font_available(), reason="fonts-noto-cjk not installed"),
    # a font file left open is closed by the garbage collector, whose ResourceWarning surfaced as
    # an unraisable-exception warning in whichever test happened to run then: never again
    pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning"),
]


def _text(pdf: bytes) -> str:
    """The PDF's text as a reader extracts it (poppler's pdftotext; pypdf if poppler is absent).

    pypdf 5 reads fpdf2's ToUnicode map of a CID-keyed CFF font as two-byte codes and interleaves
    NULs that poppler, browsers and copy-paste do not show; they are dropped in the fallback.
    Lines may break anywhere, so whitespace is removed before comparing."""
    assert pdf.startswith(b"%PDF-")
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
        text = done.stdout.decode()
    else:
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        text = "".join(page.extract_text() for page in reader.pages).replace("\x00", "")
    return re.sub(r"\s+", "", text)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


COMMON = (
    "Wang Fang / 王芳",
    "DEMO-000005",
    "Prophylactic intramedullary nail, left femur",
    "放疗 20 Gy 分 5 次",
    "预后较好",
    "股骨预防性内固定，然后放疗 — fix the femur first",
    "Dr Demo Chair",
    "Book theatre",
)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            (
                "minutes of 2026-11-26",
                "2026-11-26 08:50 UTC",
                "Attendance",
                "Present",
                "Apologies",
                "Demo CNS Nurse",
                "decided",
                "accepted",
                "modified",
                "Signed by",
                "Approved as the MDT decision",
                "MDT Room 3 / 多学科会诊室",
            ),
        ),
        (
            "zh",
            (
                "骨转移 MDT 会议纪要（2026年11月26日）",
                "2026年11月26日 08:50（协调世界时）",
                "出席情况",
                "缺席",
                "已决定",
                "采纳",
                "修改后采纳",
                "签署人",
                "批准为 MDT 决策",
                "MDT 新增",
            ),
        ),
    ],
)
def test_minutes_pdf_text(lang: str, expected: tuple[str, ...]) -> None:
    text = _text(documents.minutes_pdf(MINUTES, lang))
    for s in (*COMMON, HASH, "ORTHO-MIRELS-HIGH", *expected):  # codes and the hash stay in the minutes
        assert _squash(s) in text, s


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", ("outcome letter", "Dear Dr Referrer", "born 1961-03-04", "Approved as the MDT decision", "2026-11-26 08:50 UTC")),
        (
            "zh",
            (
                "骨转移 MDT 会诊结果函",
                "尊敬的 Dr Referrer",
                "出生日期 1961年03月04日",
                "批准为 MDT 决策",
                "2026年11月26日 08:50（协调世界时）",
            ),
        ),
    ],
)
def test_letter_pdf_text(lang: str, expected: tuple[str, ...]) -> None:
    text = _text(documents.letter_pdf(LETTER, lang))
    for s in COMMON + expected:
        assert _squash(s) in text, s
    for hidden in (HASH, "ORTHO-MIRELS-HIGH", "RT-PAIN-SHORT"):  # no internal codes for the referrer
        assert _squash(hidden) not in text, hidden


def test_letter_pdf_leaves_out_rejected_suggestions() -> None:
    rejected = PlanLine(3, "RT-SINGLE", "radiotherapy", "Single 8 Gy fraction", "rejected", reason="Long prognosis")
    decision = DecisionRecord(**{**DECISION.__dict__, "plan": (*DECISION.plan, rejected)})
    text = _text(documents.letter_pdf(Letter(**{**LETTER.__dict__, "decision": decision}), "en"))
    assert _squash("Prophylactic intramedullary nail, left femur") in text
    assert _squash("Single 8 Gy fraction") not in text
    minutes = _text(
        documents.minutes_pdf(
            Minutes(**{**MINUTES.__dict__, "cases": (CaseMinute(**{**MINUTES.cases[0].__dict__, "decision": decision}),)}), "en"
        )
    )
    assert _squash("Single 8 Gy fraction") in minutes  # the minutes keep the whole record


def test_stored_markup_is_printed_as_text() -> None:
    case = CaseMinute(**{**MINUTES.cases[0].__dict__, "question": "**bold?** <b>html</b> [link](http://x)"})
    text = _text(documents.minutes_pdf(Minutes(**{**MINUTES.__dict__, "cases": (case,)}), "en"))
    assert _squash("**bold?** <b>html</b> [link](http://x)") in text


def test_missing_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    missing = str(tmp_path / "NoSuchFont.ttc")
    monkeypatch.setenv(documents.FONT_ENV, missing)
    assert not documents.font_available()
    with pytest.raises(documents.FontMissingError, match=r"NoSuchFont\.ttc"):
        documents.minutes_pdf(MINUTES, "en")


def test_font_face_is_extracted_once() -> None:
    first = documents.cjk_font_file()
    assert first == documents.cjk_font_file()
    assert first.endswith(".otf")


def test_font_files_are_closed_when_the_pdf_is_made(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Extracting the face (fresh cache) and embedding it both close the font file themselves."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    documents._single_face.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            documents.minutes_pdf(MINUTES, "zh")
            documents.letter_pdf(LETTER, "en")
            gc.collect()
        assert (tmp_path / "bonemdt-fonts").is_dir()  # the extraction path ran
        leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
        assert leaks == []
    finally:
        documents._single_face.cache_clear()


def test_minutes_pdf_sections_and_emergencies() -> None:
    base = MINUTES.cases[0].__dict__
    deferred = CaseMinute(
        **{**base, "case_id": 6, "agenda_status": "deferred", "decision": None, "deferral_reason": "CT staging outstanding"}
    )
    emergency = DecisionRecord(**{**DECISION.__dict__, "emergency": True})
    outside = CaseMinute(**{**base, "case_id": 7, "agenda_status": "", "decision": emergency})
    m = Minutes(**{**MINUTES.__dict__, "cases": (MINUTES.cases[0], deferred), "emergencies": (outside,)})
    text = _text(documents.minutes_pdf(m, "en"))
    for s in (
        "Discussed, with the decision (1)",
        "Deferred (1)",
        "Reason for deferring: CT staging outstanding",
        "Emergency decisions outside a meeting since the previous meeting (1)",
        "Emergency decision outside a meeting",
    ):
        assert _squash(s) in text, s
    assert _squash("No decision recorded") not in text
