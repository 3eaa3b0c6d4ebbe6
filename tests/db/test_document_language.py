"""The Chinese minutes and referrer letter carry no English the app wrote: labels, headings,
coded values, dates and the texts of rule suggestions taken as suggested come from the catalogue /
the rules in Chinese; only what clinicians typed stays as typed. Checked on the Markdown and on the
PDF's extracted text (pdftotext), on a copy of the demo store."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from core.i18n import MESSAGES
from core.minutes import Letter, Minutes, letter_to_markdown, to_markdown
from core.models import ActionItem, Decision, Outcome, PlanItem, Specialty
from db import actions, decision_reads, decision_signing, decisions, minutes, users
from db.board import load_board
from pages.components import documents
from tests.conftest import DEMO_TODAY

TYPED = "Typed by the team: keep as written"
# Acronyms the Chinese catalogue itself uses (MDT, NOMS, SHA-256, the product's name).
ALLOWED_LATIN = {"MDT", "NOMS", "SHA", "BoneMDT"}
# Stored free text of the content model (clinicians' and staff's words, names, identifiers).
FREE_TEXT = {
    "name", "patient", "mrn", "question", "deferral_reason", "author", "text", "reason", "summary", "dissent",
    "amendment_reason", "quorum_override_reason", "description", "owner", "chair", "location", "start_time",
    "referrer", "content_hash", "rule_id",
}  # fmt: skip


def _mask(obj: Any, fields: frozenset[str] | set[str] = FREE_TEXT, texts: bool = True) -> Any:
    """The content model with every stored free text (``fields``) replaced by a Chinese placeholder
    (and, with ``texts``, the rule suggestions' texts, which carry drug names and units; checked
    in the test above)."""
    if dataclasses.is_dataclass(obj):
        changes = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.name in fields and isinstance(value, str) and value:
                changes[f.name] = "文"
            elif f.name == "texts" and value and texts:
                changes[f.name] = ("文", "文")
            elif f.name == "noms":
                changes[f.name] = dict.fromkeys(value, "文")
            elif isinstance(value, tuple) or dataclasses.is_dataclass(value):
                changes[f.name] = _mask(value, fields, texts)
        return dataclasses.replace(obj, **changes)
    if isinstance(obj, tuple):
        return tuple(_mask(x, fields, texts) for x in obj)
    return obj


# What the team typed around the plan (not plan items): masked to check the plan items alone.
TYPED_AROUND_THE_PLAN = frozenset({"question", "deferral_reason", "summary", "dissent", "amendment_reason", "reason"})


def _latin_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z]+(?:-[A-Za-z]+)*", text) if w not in ALLOWED_LATIN}


def _english_catalogue_words() -> set[str]:
    """Whole English catalogue values of the documents and the coded values they show."""
    return {
        en
        for key, (en, zh) in MESSAGES.items()
        if key.startswith(("dec.doc.", "vocab."))
        and en != zh
        and "{" not in en
        and re.fullmatch(r"[A-Za-z][A-Za-z ()\-]{3,}", en)
    }


def _pdf_text(data: bytes, tmp_path: Path, name: str) -> str:
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(data)
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True)
    return out.stdout


def _flat(text: str) -> str:
    """Text without whitespace (PDF lines wrap anywhere in Chinese) or Markdown escapes."""
    return re.sub(r"\s+", "", text).replace("\\", "")


def _shown(text: str, flat_doc: str) -> bool:
    """``text`` is in the document: every piece between spaces and punctuation (a PDF table cell's
    lines come out interleaved with the next column's by pdftotext)."""
    pieces = [x for x in re.split(r"[\s；，、：（）();,:]+", text) if len(x) >= 2]
    return bool(pieces) and all(x in flat_doc for x in pieces)


pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) not installed")


@pytest.fixture
def signed_from_suggestions(demo_cur: duckdb.DuckDBPyConnection) -> tuple[int, list[Any]]:
    """An emergency decision signed today on a demo case that has none: every fired rule taken as
    suggested (recorded by an English-speaking user, so stored in English), one item typed by the
    team, and an action described by the first suggestion (the default description)."""
    cur = demo_cur
    case_id = int(
        cur.execute(
            "SELECT case_id FROM mdt_case c WHERE NOT EXISTS (SELECT 1 FROM decision d WHERE d.case_id = c.case_id)"
            " AND c.status <> 'closed' ORDER BY case_id LIMIT 1"
        ).fetchone()[0]
    )
    hits = list(load_board(cur, case_id, as_of=DEMO_TODAY).rules.fired)
    assert len(hits) >= 2
    chair = users.actor_by_username(cur, "chair")
    plan = [
        PlanItem(position=i, rule_id=h.rule_id, kind="other", text=h.text_en, disposition="accepted") for i, h in enumerate(hits)
    ]
    plan.append(PlanItem(position=len(plan), kind="other", text=TYPED, disposition="free_text"))
    draft = decisions.save_draft(
        cur,
        chair,
        Decision(case_id=case_id, decided_on=DEMO_TODAY, outcome=Outcome.DECIDED, plan=tuple(plan), emergency=True),
    )
    signed = decision_signing.sign(
        cur, chair, int(draft.decision_id or 0), password=users.DEMO_PASSWORD, expected_version=draft.row_version
    )
    first = decision_reads.plan_items(cur, int(signed.decision_id or 0)).iloc[0]
    actions.add_action(
        cur,
        chair,
        ActionItem(
            case_id=case_id,
            decision_id=signed.decision_id,
            plan_item_id=int(first["plan_item_id"]),
            description=hits[0].text_en,
            owner_user_id=chair.user_id,
            specialty=Specialty.MEDICAL_ONCOLOGY,
            due_date=DEMO_TODAY + timedelta(days=7),
        ),
    )
    return case_id, hits


def _the_emergency_minutes(cur: duckdb.DuckDBPyConnection) -> Minutes:
    """The minutes of the first meeting on or after today, which put today's emergency on record."""
    mid = cur.execute("SELECT meeting_id FROM meeting WHERE meeting_date >= ? ORDER BY meeting_date LIMIT 1", [DEMO_TODAY])
    return minutes.meeting_minutes(cur, int(mid.fetchone()[0]), today=DEMO_TODAY)


def test_rule_suggestions_follow_the_document_language(
    demo_cur: duckdb.DuckDBPyConnection, signed_from_suggestions: tuple[int, list[Any]], tmp_path: Path
) -> None:
    case_id, hits = signed_from_suggestions
    letter = minutes.outcome_letter(demo_cur, case_id, today=DEMO_TODAY)
    meeting = _the_emergency_minutes(demo_cur)
    assert [c.case_id for c in meeting.emergencies] == [case_id]
    zh_docs = {
        "letter.md": letter_to_markdown(letter, "zh"),
        "minutes.md": to_markdown(meeting, "zh"),
        "letter.pdf": _pdf_text(documents.letter_pdf(letter, "zh"), tmp_path, "letter"),
        "minutes.pdf": _pdf_text(documents.minutes_pdf(meeting, "zh"), tmp_path, "minutes"),
    }
    en_docs = {"letter.md": letter_to_markdown(letter, "en"), "minutes.md": to_markdown(meeting, "en")}
    for name, doc in zh_docs.items():
        flat = _flat(doc)
        for h in hits:
            assert _shown(h.text_zh, flat), (name, h.rule_id)
            assert not _shown(h.text_en, flat), (name, h.rule_id)
        assert _flat(TYPED) in flat, name  # the team's own words stay as typed
        # the action described by the first suggestion reads in Chinese too (plan table + action)
        first = max(re.split(r"[\s；，、：（）();,:]+", hits[0].text_zh), key=len)
        assert flat.count(first) >= 2, name
    for name, doc in en_docs.items():
        flat = _flat(doc)
        for h in hits:
            assert _flat(h.text_en) in flat, (name, h.rule_id)
            assert _flat(h.text_zh) not in flat, (name, h.rule_id)
        assert TYPED in doc


def test_a_suggestion_edited_by_the_team_stays_as_typed(demo_cur: duckdb.DuckDBPyConnection) -> None:
    case_id = int(
        demo_cur.execute(
            "SELECT case_id FROM mdt_case c WHERE NOT EXISTS (SELECT 1 FROM decision d WHERE d.case_id = c.case_id)"
            " AND c.status <> 'closed' ORDER BY case_id LIMIT 1"
        ).fetchone()[0]
    )
    hit = load_board(demo_cur, case_id, as_of=DEMO_TODAY).rules.fired[0]
    edited = hit.text_en + " (one week later)"
    decisions.save_draft(
        demo_cur,
        users.actor_by_username(demo_cur, "chair"),
        Decision(
            case_id=case_id,
            decided_on=DEMO_TODAY,
            outcome=Outcome.DECIDED,
            plan=(PlanItem(rule_id=hit.rule_id, kind="other", text=edited, disposition="modified", reason="Timing"),),
            emergency=True,
        ),
    )
    letter = minutes.outcome_letter(demo_cur, case_id, today=DEMO_TODAY)
    assert letter.decision is not None and letter.decision.plan[0].texts is None
    assert edited in letter_to_markdown(letter, "zh")


def _zh_documents(m: Minutes, letter: Letter, tmp_path: Path) -> dict[str, str]:
    return {
        "minutes.md": to_markdown(m, "zh"),
        "letter.md": letter_to_markdown(letter, "zh"),
        "minutes.pdf": _pdf_text(documents.minutes_pdf(m, "zh"), tmp_path, "minutes"),
        "letter.pdf": _pdf_text(documents.letter_pdf(letter, "zh"), tmp_path, "letter"),
    }


def test_chinese_documents_have_no_english_but_the_clinicians_words(
    demo_cur: duckdb.DuckDBPyConnection, signed_from_suggestions: tuple[int, list[Any]], tmp_path: Path
) -> None:
    """Every closed demo meeting's minutes, and a letter of each, in Chinese with the stored free text
    masked: no Latin word is left but the catalogue's acronyms, and no English catalogue value."""
    cur = demo_cur
    english = _english_catalogue_words()
    assert {"Outcome", "Plan item", "Signature", "accepted", "modified by the MDT"} & english
    meetings = [
        int(r[0]) for r in cur.execute("SELECT meeting_id FROM meeting WHERE status = 'closed' ORDER BY meeting_date").fetchall()
    ]
    meetings = meetings[-3:]  # the last three closed meetings: every section, status and plan kind
    seen_kinds: set[str] = set()
    case_id, _ = signed_from_suggestions
    letters = [case_id]
    for mid in meetings:
        m = minutes.meeting_minutes(cur, mid, today=DEMO_TODAY)
        letters.append(next(c.case_id for c in m.cases if c.decision is not None))
        seen_kinds |= {p.kind for c in m.cases if c.decision for p in c.decision.plan}
        for cid in letters:
            letter = minutes.outcome_letter(cur, cid, today=DEMO_TODAY)
            for name, doc in _zh_documents(_mask(m), _mask(letter), tmp_path).items():
                assert not _latin_words(doc), (mid, cid, name, sorted(_latin_words(doc))[:20])
                for value in english:
                    assert not re.search(rf"(?<![A-Za-z]){re.escape(value)}(?![A-Za-z])", doc), (name, value)
                assert "年" in doc and "月" in doc  # dates in the Chinese format
        letters = [case_id]
    assert len(seen_kinds) >= 5  # the check covered many plan-item kinds


def test_chinese_pdf_labels_plan_kinds_and_dispositions(demo_cur: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """The PDF shows the plan table's kinds and dispositions in Chinese, in the embedded CJK font."""
    row = demo_cur.execute(
        "SELECT a.meeting_id FROM agenda_item a JOIN meeting m USING (meeting_id) JOIN decision d USING (item_id)"
        " WHERE m.status = 'closed' GROUP BY a.meeting_id ORDER BY count(*) DESC, a.meeting_id LIMIT 1"
    ).fetchone()
    m = minutes.meeting_minutes(demo_cur, int(row[0]), today=DEMO_TODAY)
    data = documents.minutes_pdf(m, "zh")
    text = _flat(_pdf_text(data, tmp_path, "minutes"))
    for key in ("dec.doc.plan", "dec.doc.kind_disposition", "dec.doc.signature", "vocab.PlanDisposition.accepted"):
        assert _flat(MESSAGES[key][1]) in text, key
    for en in ("Plan item", "Kind · disposition", "Signed by", "accepted"):
        assert _flat(en) not in text, en
    fonts = subprocess.run(["pdffonts", str(tmp_path / "minutes.pdf")], check=True, capture_output=True, text=True).stdout
    assert "NotoSansCJK" in fonts or "Noto" in fonts


def test_a_signed_emergency_decision_verifies_at_store_open(
    demo_cur: duckdb.DuckDBPyConnection, signed_from_suggestions: tuple[int, list[Any]]
) -> None:
    """The store-open check reads the emergency mark that the signature covers (it reported every
    signed emergency decision as tampered with, a red banner on every page)."""
    from db.signatures import verify_signed

    case_id, _ = signed_from_suggestions
    assert demo_cur.execute(
        "SELECT count(*) FROM decision d JOIN emergency_decision USING (decision_id) WHERE d.case_id = ?", [case_id]
    ).fetchone() == (1,)
    assert verify_signed(demo_cur) == []


def test_demo_meetings_read_their_plan_items_in_chinese(demo_cur: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """The demo records every plan item in both languages (plan_item_text), so the Chinese minutes
    and letters of its meetings carry no English plan-item sentence (plan items and the actions
    they describe), on the PDF's text; the English documents keep the English. What the team typed
    around the plan (summary, reasons) stays as typed and is masked here."""
    from db.demo import lecture_case_id

    cur = demo_cur
    untranslated = cur.execute(
        "SELECT p.text FROM plan_item p LEFT JOIN plan_item_text t USING (plan_item_id) WHERE t.plan_item_id IS NULL"
    ).fetchall()
    assert untranslated == []  # every sentence the demo (and the lecture cases) writes has its Chinese
    closed = [
        int(r[0]) for r in cur.execute("SELECT meeting_id FROM meeting WHERE status = 'closed' ORDER BY meeting_date").fetchall()
    ]
    assert len(closed) >= 5
    letters = {lecture_case_id(cur, n) for n in range(1, 8)}
    checked = 0
    for mid in closed:
        m = _mask(minutes.meeting_minutes(cur, mid, today=DEMO_TODAY), TYPED_AROUND_THE_PLAN, texts=False)
        plan = [p for c in (*m.cases, *m.emergencies) if c.decision for p in c.decision.plan]
        assert all(p.texts is not None for p in plan), mid
        # every meeting's Chinese Markdown; the PDF's extracted text for the last three
        zh = _flat(to_markdown(m, "zh"))
        if mid in closed[-3:]:
            zh += _flat(_pdf_text(documents.minutes_pdf(m, "zh"), tmp_path, f"minutes-{mid}"))
        en = _flat(to_markdown(m, "en"))
        for p in plan:
            assert p.texts is not None
            english, chinese = p.texts
            assert _flat(english) not in zh, (mid, english)
            assert _shown(chinese, zh), (mid, chinese)
            assert _flat(english).replace("\\", "") in en, (mid, english)
            checked += 1
        letters |= {c.case_id for c in m.cases if c.decision is not None and c.decision.outcome == "decided"}
    assert checked >= 100
    for case_id in sorted(letters)[:12]:
        letter = _mask(minutes.outcome_letter(cur, case_id, today=DEMO_TODAY), TYPED_AROUND_THE_PLAN, texts=False)
        if letter.decision is None:
            continue
        zh = _flat(_pdf_text(documents.letter_pdf(letter, "zh"), tmp_path, f"letter-{case_id}"))
        for p in letter.decision.plan:
            assert p.texts is not None, (case_id, p.text)
            if p.disposition == "rejected":  # the letter leaves rejected suggestions out
                continue
            assert _flat(p.texts[0]) not in zh, (case_id, p.texts[0])
            assert _shown(p.texts[1], zh), (case_id, p.texts[1])


def test_a_suggestion_taken_as_suggested_stores_both_languages(demo_cur: duckdb.DuckDBPyConnection) -> None:
    """Saving a plan item with the rule's two texts stores both (migration 014); the letter reads
    them back without re-running the rules, and a signed decision's texts are frozen with it."""
    cur = demo_cur
    case_id = int(
        cur.execute(
            "SELECT case_id FROM mdt_case c WHERE NOT EXISTS (SELECT 1 FROM decision d WHERE d.case_id = c.case_id)"
            " AND c.status <> 'closed' ORDER BY case_id LIMIT 1"
        ).fetchone()[0]
    )
    hit = load_board(cur, case_id, as_of=DEMO_TODAY).rules.fired[0]
    chair = users.actor_by_username(cur, "chair")
    item = PlanItem(rule_id=hit.rule_id, kind="other", text=hit.text_zh, disposition="accepted", texts=(hit.text_en, hit.text_zh))
    draft = decisions.save_draft(
        cur,
        chair,
        Decision(case_id=case_id, decided_on=DEMO_TODAY, outcome=Outcome.DECIDED, plan=(item,), emergency=True),
    )
    assert draft.plan[0].texts == (hit.text_en, hit.text_zh)
    signed = decision_signing.sign(
        cur, chair, int(draft.decision_id or 0), password=users.DEMO_PASSWORD, expected_version=draft.row_version
    )
    letter = minutes.outcome_letter(cur, case_id, today=DEMO_TODAY)
    assert letter.decision is not None and letter.decision.plan[0].texts == (hit.text_en, hit.text_zh)
    assert hit.text_en in letter_to_markdown(letter, "en")
    with pytest.raises(duckdb.Error):
        cur.execute(
            "UPDATE plan_item_text SET text_zh = '改' WHERE plan_item_id IN (SELECT plan_item_id FROM plan_item WHERE decision_id = ?)",
            [signed.decision_id],
        )
    with pytest.raises(ValueError):
        PlanItem(
            rule_id=hit.rule_id, kind="other", text="something else", disposition="accepted", texts=(hit.text_en, hit.text_zh)
        )
