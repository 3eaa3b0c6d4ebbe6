"""Minutes of a meeting and the outcome letter to the referrer: a pure content model.

``db/minutes.py`` fills these dataclasses from the store; ``to_markdown`` and
``letter_to_markdown`` render them (the PDF renderer in pages/components/documents.py walks the
same model). Every label comes from the catalogue (``dec.`` keys); stored free text is escaped
so a patient name or a plan item can never change the document's structure (docs/security-requirements.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum

from core.i18n import enum_label, t
from core.signing import SIGNATURE_MEANING
from core.text import md_block, md_inline
from core.vocabulary import (
    ActionStatus,
    AgendaStatus,
    DecisionStatus,
    MeetingStatus,
    NotDeliveredReason,
    Outcome,
    PlanDisposition,
    PlanKind,
    PrimaryTumour,
    Priority,
    QuorumState,
    Specialty,
    Stream,
)


def md_escape(text: str) -> str:
    """Literal text inside Markdown, lines kept as hard breaks (the one escaper, core.text)."""
    return md_block(text)


def md_cell(text: str) -> str:
    """Literal text inside a Markdown table cell (one line)."""
    return md_inline(text)


@dataclass(frozen=True)
class Attendee:
    name: str
    specialty: str
    present: bool


@dataclass(frozen=True)
class Signature:
    name: str
    at: datetime
    meaning: str
    content_hash: str


@dataclass(frozen=True)
class PlanLine:
    position: int
    rule_id: str | None
    kind: str
    text: str
    disposition: str
    reason: str = ""
    delivered: bool | None = None
    delivered_on: date | None = None
    reason_not: str | None = None
    # the text in both languages when it is a rule suggestion taken as suggested ((en, zh)); the
    # document shows the reader's language. A text typed or edited by the team has none.
    texts: tuple[str, str] | None = None


@dataclass(frozen=True)
class ActionLine:
    description: str
    specialty: str
    owner: str
    due_date: date
    status: str
    overdue: bool = False
    texts: tuple[str, str] | None = None  # (en, zh) when the description is a rule suggestion's text


@dataclass(frozen=True)
class Opinion:
    specialty: str
    author: str
    text: str


@dataclass(frozen=True)
class DecisionRecord:
    version: int
    status: str
    outcome: str
    decided_on: date
    quorum_state: str
    quorum_override_reason: str = ""
    amendment_reason: str = ""
    summary: str = ""
    dissent: str = ""
    contributing: tuple[str, ...] = ()
    noms: dict[str, str] = field(default_factory=dict)
    plan: tuple[PlanLine, ...] = ()
    signature: Signature | None = None
    emergency: bool = False  # taken outside a meeting as an emergency


@dataclass(frozen=True)
class CaseMinute:
    case_id: int
    patient: str
    mrn: str
    primary_tumour: str
    question: str
    urgency: str
    stream: str
    agenda_status: str
    decision: DecisionRecord | None = None
    opinions: tuple[Opinion, ...] = ()
    actions: tuple[ActionLine, ...] = ()
    deferral_reason: str = ""


@dataclass(frozen=True)
class StartNote:
    """How the meeting was started when it was early or without core quorum (the chair's reason)."""

    started_on: date
    early: bool
    missing_core: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Minutes:
    meeting_id: int
    meeting_date: date
    start_time: str
    location: str
    status: str
    chair: str
    attendance_grade: int | None
    attendance: tuple[Attendee, ...]
    cases: tuple[CaseMinute, ...]
    generated_at: datetime
    start: StartNote | None = None
    # signed emergency decisions taken outside a meeting since the previous meeting, for the record
    emergencies: tuple[CaseMinute, ...] = ()


@dataclass(frozen=True)
class Letter:
    case_id: int
    patient: str
    mrn: str
    birth_date: date
    referrer: str
    referrer_specialty: str
    referral_date: date
    question: str
    primary_tumour: str
    meeting_date: date | None  # the day the meeting that made the decision was held
    attendance: tuple[Attendee, ...]
    decision: DecisionRecord | None
    actions: tuple[ActionLine, ...]
    generated_at: datetime


# The minutes' sections: what was discussed (with its decision), deferred (with the reason), not
# reached (rolled over at close) and, while the meeting is not closed, still waiting.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("discussed", ("discussed", "ratified")),
    ("deferred", ("deferred",)),
    ("not_reached", ("not_discussed",)),
    ("waiting", ("listed",)),
)


def sections(cases: tuple[CaseMinute, ...]) -> list[tuple[str, tuple[CaseMinute, ...]]]:
    """The agenda items grouped by what happened to them, in agenda order, empty groups left out."""
    out = []
    for key, statuses in SECTIONS:
        group = tuple(c for c in cases if c.agenda_status in statuses)
        if group:
            out.append((key, group))
    return out


def start_lines(note: StartNote | None, meeting_date: date, lang: str) -> list[str]:
    """The chair's confirmation when the meeting was started early or without core quorum."""
    if note is None or not (note.early or note.missing_core):
        return []
    lines = []
    if note.early:
        lines.append(t("dec.doc.started_early", lang, on=day(note.started_on, lang), date=day(meeting_date, lang)))
    if note.missing_core:
        lines.append(
            t(
                "dec.doc.started_without_quorum",
                lang,
                names=t("dec.doc.list_sep", lang).join(label(x, lang, Specialty) for x in note.missing_core),
            )
        )
    lines.append(f"{t('dec.doc.start_reason', lang)}: {note.reason}")
    return lines


def letter_intro(letter: Letter, lang: str) -> str:
    """What the letter says happened: discussed at a meeting held on a day, an emergency decision
    outside a meeting, or no signed decision yet (never a meeting that has not taken place)."""
    d = letter.decision
    if d is None or d.signature is None:
        return t("dec.doc.letter_intro_pending", lang)
    if d.emergency:
        return t("dec.doc.letter_intro_emergency", lang, date=day(d.decided_on, lang))
    if letter.meeting_date is None:
        return t("dec.doc.letter_intro_decided", lang, date=day(d.decided_on, lang))
    return t("dec.doc.letter_intro", lang, date=day(letter.meeting_date, lang))


def for_referrer(d: DecisionRecord | None) -> DecisionRecord | None:
    """The decision as the referrer's letter shows it: without the suggestions the team rejected."""
    if d is None:
        return None
    kept = tuple(p for p in d.plan if p.disposition != "rejected")
    return replace(d, plan=tuple(replace(p, position=i) for i, p in enumerate(kept)))


# ------------------------------------------------------------------------------------------------
# Labels shared by the Markdown and PDF renderers


def label(value: str, lang: str, vocab: type[StrEnum]) -> str:
    """A coded value of ``vocab`` in the reader's language (its one catalogue entry)."""
    return enum_label(value, lang, vocab)


def meaning_label(meaning: str, lang: str) -> str:
    return t("dec.meaning.approved", lang) if meaning == SIGNATURE_MEANING else meaning


def day(d: date, lang: str) -> str:
    """A date in the reader's format (2026-12-03 / 2026年12月3日)."""
    return t("dec.doc.date", lang, y=f"{d.year:04d}", m=f"{d.month:02d}", d=f"{d.day:02d}")


def stamp(at: datetime, lang: str = "en") -> str:
    """A UTC time stamp in the reader's format."""
    return t("dec.doc.stamp", lang, date=day(at.date(), lang), time=at.strftime("%H:%M"))


def in_lang(texts: tuple[str, str] | None, stored: str, lang: str) -> str:
    """A stored text in the reader's language when the app generated it in both, else as stored."""
    if texts is None:
        return stored
    return texts[1] if lang == "zh" else texts[0]


def agenda_text(c: CaseMinute, lang: str) -> str:
    """Urgency, stream and status of an agenda item."""
    return t("dec.doc.list_sep", lang).join(
        label(v, lang, vocab) for v, vocab in ((c.urgency, Priority), (c.stream, Stream), (c.agenda_status, AgendaStatus))
    )


def place_text(m: Minutes, lang: str) -> str:
    return t("dec.doc.list_sep", lang).join(x for x in (m.start_time, m.location) if x)


def plan_text(item: PlanLine, lang: str) -> str:
    return in_lang(item.texts, item.text, lang)


def signature_lines(sig: Signature | None, lang: str, *, codes: bool = True) -> list[str]:
    """Plain-text lines of a signature block (name, time, meaning; the content hash unless
    ``codes`` is off, as in the referrer's letter)."""
    if sig is None:
        return [t("dec.doc.unsigned", lang)]
    lines = [
        f"{t('dec.doc.signed_by', lang)}: {sig.name}",
        f"{t('dec.doc.signed_at', lang)}: {stamp(sig.at, lang)}",
        f"{t('dec.doc.meaning', lang)}: {meaning_label(sig.meaning, lang)}",
    ]
    if codes:
        lines.append(f"{t('dec.doc.hash', lang)}: {sig.content_hash}")
    return lines


def plan_line_text(item: PlanLine, lang: str, *, codes: bool = True) -> tuple[str, str]:
    """(head, detail) of a plan line: kind and disposition (and the rule code, unless ``codes``
    is off); reason and delivery."""
    rule = f" [{item.rule_id}]" if item.rule_id and codes else ""
    head = f"{label(item.kind, lang, PlanKind)} · {label(item.disposition, lang, PlanDisposition)}{rule}"
    details = []
    if item.reason:
        details.append(f"{t('dec.doc.reason', lang)}: {item.reason}")
    if item.delivered is True and item.delivered_on is not None:
        details.append(t("dec.doc.delivered_on", lang, on=day(item.delivered_on, lang)))
    elif item.delivered is False and item.reason_not:
        details.append(t("dec.doc.not_delivered", lang, reason=label(item.reason_not, lang, NotDeliveredReason)))
    return head, "; ".join(details)


def decision_facts(d: DecisionRecord, lang: str) -> list[tuple[str, str]]:
    """(label, value) rows describing a decision (free text values stay as stored)."""
    rows = [(t("dec.doc.emergency", lang), t("dec.doc.emergency_value", lang))] if d.emergency else []
    rows += [
        (t("dec.doc.outcome", lang), label(d.outcome, lang, Outcome)),
        (t("dec.doc.version", lang), t("dec.doc.version_value", lang, n=d.version, status=label(d.status, lang, DecisionStatus))),
        (t("dec.doc.decided_on", lang), day(d.decided_on, lang)),
        (t("dec.doc.quorum", lang), label(d.quorum_state, lang, QuorumState)),
    ]
    if d.quorum_override_reason:
        rows.append((t("dec.doc.override_reason", lang), d.quorum_override_reason))
    if d.amendment_reason:
        rows.append((t("dec.doc.amendment_reason", lang), d.amendment_reason))
    if d.contributing:
        rows.append(
            (t("dec.doc.contributing", lang), t("dec.doc.list_sep", lang).join(label(s, lang, Specialty) for s in d.contributing))
        )
    if d.summary:
        rows.append((t("dec.doc.summary", lang), d.summary))
    for axis in ("N", "O", "M", "S"):
        if d.noms.get(axis):
            rows.append((f"NOMS {t('dec.noms.' + axis, lang)}", d.noms[axis]))
    if d.dissent:
        rows.append((t("dec.doc.dissent", lang), d.dissent))
    return rows


def action_text(a: ActionLine, lang: str) -> str:
    owner = a.owner or t("dec.doc.no_owner", lang)
    overdue = f" — {t('dec.doc.overdue', lang)}" if a.overdue else ""
    sep = t("dec.doc.sep", lang)
    return t(
        "dec.doc.action_line",
        lang,
        text=in_lang(a.texts, a.description, lang),
        details=sep.join(
            (
                label(a.specialty, lang, Specialty),
                owner,
                t("dec.doc.due_on", lang, on=day(a.due_date, lang)),
                label(a.status, lang, ActionStatus) + overdue,
            )
        ),
    )


def attendance_text(people: tuple[Attendee, ...], lang: str) -> tuple[str, str]:
    def who(p: Attendee) -> str:
        return t("dec.doc.person", lang, name=p.name, specialty=label(p.specialty, lang, Specialty))

    comma = t("dec.doc.list_sep", lang)
    none = t("dec.doc.none", lang)
    present = comma.join(who(p) for p in people if p.present)
    absent = comma.join(who(p) for p in people if not p.present)
    return present or none, absent or none


# ------------------------------------------------------------------------------------------------
# Markdown


def _decision_md(d: DecisionRecord | None, lang: str, *, codes: bool = True) -> Iterator[str]:
    if d is None:
        yield f"_{md_escape(t('dec.doc.no_decision', lang))}_"
        yield ""
        return
    for name, value in decision_facts(d, lang):
        yield f"- **{md_escape(name)}**: {md_escape(value)}"
    yield ""
    if d.plan:
        yield f"**{md_escape(t('dec.doc.plan', lang))}**"
        yield ""
        yield (f"| # | {t('dec.doc.item', lang)} | {t('dec.doc.kind_disposition', lang)} | {t('dec.doc.details', lang)} |")
        yield "|---|---|---|---|"
        for item in d.plan:
            head, detail = plan_line_text(item, lang, codes=codes)
            yield f"| {item.position + 1} | {md_cell(plan_text(item, lang))} | {md_cell(head)} | {md_cell(detail)} |"
        yield ""
    yield f"**{md_escape(t('dec.doc.signature', lang))}**"
    yield ""
    for line in signature_lines(d.signature, lang, codes=codes):
        yield f"- {md_escape(line)}"
    yield ""


def _actions_md(actions: tuple[ActionLine, ...], lang: str) -> Iterator[str]:
    yield f"**{md_escape(t('dec.doc.actions', lang))}**"
    yield ""
    if not actions:
        yield f"- {md_escape(t('dec.doc.none', lang))}"
    for a in actions:
        yield f"- {md_escape(action_text(a, lang))}"
    yield ""


def _attendance_md(people: tuple[Attendee, ...], lang: str) -> Iterator[str]:
    present, absent = attendance_text(people, lang)
    yield f"- **{md_escape(t('dec.doc.present', lang))}**: {md_escape(present)}"
    yield f"- **{md_escape(t('dec.doc.absent', lang))}**: {md_escape(absent)}"


def to_markdown(minutes: Minutes, lang: str = "en") -> str:
    """The meeting's minutes as a Markdown document in ``lang``."""
    m = minutes
    out = [f"# {md_escape(t('dec.doc.minutes_title', lang, date=day(m.meeting_date, lang)))}", ""]
    out.append(f"- **{md_escape(t('dec.doc.time_place', lang))}**: {md_escape(place_text(m, lang))}")
    out.append(f"- **{md_escape(t('dec.doc.chair', lang))}**: {md_escape(m.chair or t('dec.doc.none', lang))}")
    out.append(f"- **{md_escape(t('dec.doc.status', lang))}**: {md_escape(label(m.status, lang, MeetingStatus))}")
    if m.attendance_grade is not None:
        out.append(f"- **{md_escape(t('dec.doc.grade', lang))}**: {m.attendance_grade}/4")
    for line in start_lines(m.start, m.meeting_date, lang):
        out.append(f"- {md_escape(line)}")
    out += ["", f"## {md_escape(t('dec.doc.attendance', lang))}", ""]
    out += list(_attendance_md(m.attendance, lang))
    out += ["", f"**{md_escape(t('dec.doc.outline', lang))}**", ""]
    groups = sections(m.cases)
    for key, group in groups:
        out.append(f"- {md_escape(t('dec.doc.sec.' + key, lang, n=len(group)))}")
    if not groups:
        out.append(f"- {md_escape(t('dec.doc.no_items', lang))}")
    if m.emergencies:
        out.append(f"- {md_escape(t('dec.doc.sec.emergencies', lang, n=len(m.emergencies)))}")
    n = 0
    for key, group in groups:
        out += ["", f"## {md_escape(t('dec.doc.sec.' + key, lang, n=len(group)))}", ""]
        for c in group:
            n += 1
            out += list(_case_md(n, key, c, lang))
    if m.emergencies:
        out += ["", f"## {md_escape(t('dec.doc.sec.emergencies', lang, n=len(m.emergencies)))}", ""]
        for c in m.emergencies:
            n += 1
            out += list(_case_md(n, "emergencies", c, lang))
    out.append(f"_{md_escape(t('dec.doc.generated', lang, at=stamp(m.generated_at, lang)))}_")
    return "\n".join(out) + "\n"


def _case_md(n: int, section: str, c: CaseMinute, lang: str) -> Iterator[str]:
    yield f"### {n}. {md_escape(c.patient)} ({md_escape(c.mrn)}) — {md_escape(label(c.primary_tumour, lang, PrimaryTumour))}"
    yield ""
    yield f"- **{md_escape(t('dec.doc.question', lang))}**: {md_escape(c.question)}"
    if c.agenda_status:
        yield f"- **{md_escape(t('dec.doc.agenda', lang))}**: {md_escape(agenda_text(c, lang))}"
    if c.deferral_reason:
        yield f"- **{md_escape(t('dec.doc.deferral_reason', lang))}**: {md_escape(c.deferral_reason)}"
    for op in c.opinions:
        yield f"- **{md_escape(label(op.specialty, lang, Specialty))}** ({md_escape(op.author)}): {md_escape(op.text)}"
    yield ""
    if section == "discussed" or c.decision is not None:
        yield from _decision_md(c.decision, lang)
    if c.actions:
        yield from _actions_md(c.actions, lang)


def letter_to_markdown(letter: Letter, lang: str = "en") -> str:
    """The outcome letter for the referrer as Markdown in ``lang``."""
    x = letter
    out = [f"# {md_escape(t('dec.doc.letter_title', lang))}", ""]
    out.append(f"{md_escape(t('dec.doc.dear', lang, name=x.referrer))}")
    out.append("")
    out.append(md_escape(letter_intro(x, lang)))
    out.append("")
    out.append(
        f"- **{md_escape(t('dec.doc.patient', lang))}**: {md_escape(x.patient)} ({md_escape(x.mrn)}), "
        f"{md_escape(t('dec.doc.born', lang))} {md_escape(day(x.birth_date, lang))}"
    )
    out.append(f"- **{md_escape(t('dec.doc.primary', lang))}**: {md_escape(label(x.primary_tumour, lang, PrimaryTumour))}")
    out.append(
        f"- **{md_escape(t('dec.doc.referred', lang))}**: {md_escape(day(x.referral_date, lang))} — "
        f"{md_escape(x.referrer)} ({md_escape(label(x.referrer_specialty, lang, Specialty))})"
    )
    out.append(f"- **{md_escape(t('dec.doc.question', lang))}**: {md_escape(x.question)}")
    out += ["", f"## {md_escape(t('dec.doc.attendance', lang))}", ""]
    out += list(_attendance_md(x.attendance, lang))
    out += ["", f"## {md_escape(t('dec.doc.decision', lang))}", ""]
    out += list(_decision_md(for_referrer(x.decision), lang, codes=False))
    out += list(_actions_md(x.actions, lang))
    out.append(f"_{md_escape(t('dec.doc.generated', lang, at=stamp(x.generated_at, lang)))}_")
    return "\n".join(out) + "\n"
