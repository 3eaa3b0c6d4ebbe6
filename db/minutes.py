"""Gathers what the minutes of a meeting and a case's outcome letter show (set-based reads),
and the audited, role-gated exports of those identifiable documents.

Also the few reads the Decisions page needs around a decision (the case's agenda items,
specialty opinions, whether follow-ups exist)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from datetime import date
from typing import Any, Literal

import duckdb
import pandas as pd

from core.errors import FieldError, NotFoundError, WorkflowError
from core.minutes import (
    ActionLine,
    Attendee,
    CaseMinute,
    DecisionRecord,
    Letter,
    Minutes,
    Opinion,
    PlanLine,
    Signature,
    StartNote,
)
from core.models import Actor
from core.permissions import Capability
from db import audit
from db.board import load_board
from db.connection import utc_now

ExportFormat = Literal["pdf", "markdown"]
FORMATS: tuple[str, ...] = ("pdf", "markdown")

# The decision shown for each agenda item of a meeting / for a case: the latest signed version,
# else the latest draft.
_MEETING_DECISIONS_SQL = """
    SELECT decision_id, case_id, item_id, version, status, outcome, decided_on, quorum_state,
           quorum_override_reason, amendment_reason, summary, dissent, contributing, noms_json, signer,
           signed_at, signature_meaning, content_hash, emergency FROM (
    SELECT d.decision_id, d.case_id, d.item_id, d.version, d.status, d.outcome, d.decided_on,
           d.quorum_state, d.quorum_override_reason, d.amendment_reason, d.summary, d.dissent,
           d.contributing, d.noms_json, u.display_name AS signer, d.signed_at,
           d.signature_meaning, d.content_hash,
           EXISTS (SELECT 1 FROM emergency_decision e WHERE e.decision_id = d.decision_id) AS emergency,
           row_number() OVER (PARTITION BY d.item_id ORDER BY d.status = 'signed' DESC, d.version DESC) AS shown
    FROM decision d LEFT JOIN app_user u ON u.user_id = d.signed_by
    WHERE d.item_id IN (SELECT item_id FROM agenda_item WHERE meeting_id = ?)
    ) ranked WHERE shown = 1
"""
_CASE_DECISION_SQL = """
    SELECT d.decision_id, d.case_id, d.item_id, d.version, d.status, d.outcome, d.decided_on,
           d.quorum_state, d.quorum_override_reason, d.amendment_reason, d.summary, d.dissent,
           d.contributing, d.noms_json, u.display_name AS signer, d.signed_at,
           d.signature_meaning, d.content_hash,
           EXISTS (SELECT 1 FROM emergency_decision e WHERE e.decision_id = d.decision_id) AS emergency
    FROM decision d LEFT JOIN app_user u ON u.user_id = d.signed_by
    WHERE d.case_id = ? ORDER BY d.status = 'signed' DESC, d.version DESC LIMIT 1
"""

_EMERGENCY_SQL = """
    SELECT decision_id, case_id, item_id, version, status, outcome, decided_on, quorum_state,
           quorum_override_reason, amendment_reason, summary, dissent, contributing, noms_json, signer,
           signed_at, signature_meaning, content_hash, emergency, patient, mrn, primary_tumour, question, priority, stream FROM (
    SELECT d.decision_id, d.case_id, d.item_id, d.version, d.status, d.outcome, d.decided_on,
           d.quorum_state, d.quorum_override_reason, d.amendment_reason, d.summary, d.dissent,
           d.contributing, d.noms_json, u.display_name AS signer, d.signed_at,
           d.signature_meaning, d.content_hash, TRUE AS emergency,
           p.display_name AS patient, p.mrn, c.primary_tumour, c.question, c.priority, c.stream,
           row_number() OVER (PARTITION BY d.case_id ORDER BY d.version DESC) AS shown
    FROM decision d JOIN emergency_decision e USING (decision_id)
    JOIN mdt_case c ON c.case_id = d.case_id JOIN patient p ON p.patient_id = c.patient_id
    LEFT JOIN app_user u ON u.user_id = d.signed_by
    WHERE d.status = 'signed' AND d.decided_on <= ?
      AND d.decided_on > coalesce((SELECT max(meeting_date) FROM meeting WHERE meeting_date < ?), DATE '1900-01-01')
    ) ranked WHERE shown = 1
    ORDER BY decided_on, case_id
"""


def _rows(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    result = cur.execute(sql, params)
    names = [d[0] for d in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def _plan_lines(cur: duckdb.DuckDBPyConnection, decision_ids: list[int]) -> dict[int, list[PlanLine]]:
    out: dict[int, list[PlanLine]] = defaultdict(list)
    if not decision_ids:
        return out
    for r in _rows(
        cur,
        """
        SELECT p.decision_id, p.position, p.rule_id, p.kind, p.text, p.disposition, p.reason,
               dl.delivered, dl.delivered_on, dl.reason_not, t.text_en, t.text_zh
        FROM plan_item p LEFT JOIN delivery dl USING (plan_item_id) LEFT JOIN plan_item_text t USING (plan_item_id)
        WHERE list_contains(?::BIGINT[], p.decision_id)
        ORDER BY p.decision_id, p.position
        """,
        [decision_ids],
    ):
        out[int(r["decision_id"])].append(
            PlanLine(
                position=int(r["position"]),
                rule_id=r["rule_id"],
                kind=r["kind"],
                text=r["text"],
                disposition=r["disposition"],
                reason=r["reason"] or "",
                delivered=r["delivered"],
                delivered_on=r["delivered_on"],
                reason_not=r["reason_not"],
                texts=None if r["text_en"] is None else (r["text_en"], r["text_zh"]),
            )
        )
    return out


def _decision_record(r: dict[str, Any], plan: list[PlanLine]) -> DecisionRecord:
    signature = None
    if r["status"] == "signed" and r["signed_at"] is not None:
        signature = Signature(
            name=r["signer"] or "", at=r["signed_at"], meaning=r["signature_meaning"], content_hash=r["content_hash"] or ""
        )
    return DecisionRecord(
        version=int(r["version"]),
        status=r["status"],
        outcome=r["outcome"],
        decided_on=r["decided_on"],
        quorum_state=r["quorum_state"],
        quorum_override_reason=r["quorum_override_reason"] or "",
        amendment_reason=r["amendment_reason"] or "",
        summary=r["summary"] or "",
        dissent=r["dissent"] or "",
        contributing=tuple(r["contributing"] or ()),
        noms=json.loads(r["noms_json"] or "{}"),
        plan=tuple(plan),
        signature=signature,
        emergency=bool(r.get("emergency")),
    )


class _RuleTexts:
    """The rule suggestions' texts in both languages, per case and day, to show a plan item taken
    as suggested (and an action described by it) in the document's language. Items saved since
    migration 014 carry both texts (``plan_item_text``); for an older item the stored text (the
    suggestion in the language of whoever recorded it) is matched exactly against the
    suggestions of the case as of the decision's date (then its signing day and today), so a text
    the team typed or edited never matches and stays as written."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, today: date):
        self.cur = cur
        self.today = today
        self._boards: dict[tuple[int, date], dict[tuple[str, str], tuple[str, str]]] = {}

    def _pairs(self, case_id: int, on: date) -> dict[tuple[str, str], tuple[str, str]]:
        if (case_id, on) not in self._boards:
            pairs: dict[tuple[str, str], tuple[str, str]] = {}
            for hit in load_board(self.cur, case_id, as_of=on).rules.fired:
                pair = (hit.text_en, hit.text_zh)
                pairs[(hit.rule_id, hit.text_en)] = pair
                pairs[(hit.rule_id, hit.text_zh)] = pair
            self._boards[(case_id, on)] = pairs
        return self._boards[(case_id, on)]

    def decision(self, case_id: int, d: DecisionRecord) -> DecisionRecord:
        if not any(p.rule_id and p.texts is None for p in d.plan):
            return d  # every item's texts stored (migration 014), or none came from a rule
        days = [d.decided_on]
        days.append(d.signature.at.date() if d.signature is not None else self.today)
        plan = []
        for p in d.plan:
            texts = p.texts
            for on in dict.fromkeys(days):
                if p.rule_id and texts is None:
                    texts = self._pairs(case_id, on).get((p.rule_id, p.text))
            plan.append(replace(p, texts=texts) if texts else p)
        return replace(d, plan=tuple(plan))

    @staticmethod
    def actions(actions: list[ActionLine], decisions: list[DecisionRecord]) -> tuple[ActionLine, ...]:
        """Actions described by a plan item's text (the default when none is typed), translated."""
        known = {p.text: p.texts for d in decisions for p in d.plan if p.texts}
        return tuple(replace(a, texts=known[a.description]) if a.description in known else a for a in actions)


def _action_line(r: dict[str, Any], today: date) -> ActionLine:
    return ActionLine(
        description=r["description"],
        specialty=r["specialty"],
        owner=r["owner"] or "",
        due_date=r["due_date"],
        status=r["status"],
        overdue=r["status"] == "open" and r["due_date"] < today,
    )


def _attendance(cur: duckdb.DuckDBPyConnection, meeting_id: int | None) -> tuple[Attendee, ...]:
    """Who was recorded present, and the apologies: every expected member (the active clinical
    members, as the attendance panel lists them: db/listing.members) not recorded present."""
    if meeting_id is None:
        return ()
    return tuple(
        Attendee(name=r["display_name"], specialty=r["specialty"], present=bool(r["present"]))
        for r in _rows(
            cur,
            """
            SELECT u.display_name, coalesce(a.specialty, u.specialty) AS specialty, coalesce(a.present, FALSE) AS present
            FROM app_user u LEFT JOIN attendance a ON a.user_id = u.user_id AND a.meeting_id = ?
            WHERE a.meeting_id IS NOT NULL
               OR (u.active AND u.role NOT IN ('admin', 'analyst') AND u.specialty IS NOT NULL)
            ORDER BY present DESC, specialty, u.display_name
            """,
            [meeting_id],
        )
    )


def _start_note(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> StartNote | None:
    row = cur.execute(
        "SELECT started_on, early, missing_core, reason FROM meeting_start WHERE meeting_id = ?", [meeting_id]
    ).fetchone()
    if row is None:
        return None
    return StartNote(started_on=row[0], early=bool(row[1]), missing_core=tuple(row[2] or ()), reason=row[3] or "")


def meeting_minutes(cur: duckdb.DuckDBPyConnection, meeting_id: int, *, today: date | None = None) -> Minutes:
    """The minutes of one meeting: attendance, and per agenda item the case, opinions, the
    decision shown (the latest signed version, else the latest draft), its plan and actions."""
    today = today or date.today()
    head = _rows(
        cur,
        """
        SELECT m.meeting_id, m.meeting_date, m.start_time, m.location, m.status, m.attendance_grade,
               u.display_name AS chair
        FROM meeting m LEFT JOIN app_user u ON u.user_id = m.chair_user_id WHERE m.meeting_id = ?
        """,
        [meeting_id],
    )
    if not head:
        raise NotFoundError(f"Meeting {meeting_id} does not exist.")
    m = head[0]
    items = _rows(
        cur,
        """
        SELECT a.item_id, a.case_id, p.display_name AS patient, p.mrn, c.primary_tumour, c.question,
               a.urgency, a.stream, a.status, coalesce(df.reason, '') AS deferral_reason
        FROM agenda_item a JOIN mdt_case c USING (case_id) JOIN patient p ON p.patient_id = c.patient_id
        LEFT JOIN agenda_deferral df ON df.item_id = a.item_id
        WHERE a.meeting_id = ? ORDER BY a.position, a.item_id
        """,
        [meeting_id],
    )
    decisions = _rows(cur, _MEETING_DECISIONS_SQL, [meeting_id])
    plans = _plan_lines(cur, [int(r["decision_id"]) for r in decisions])
    texts = _RuleTexts(cur, today)
    by_item = {
        int(r["item_id"]): texts.decision(int(r["case_id"]), _decision_record(r, plans[int(r["decision_id"])])) for r in decisions
    }
    opinions: dict[int, list[Opinion]] = defaultdict(list)
    for r in _rows(
        cur,
        """
        SELECT o.item_id, o.specialty, u.display_name, o.text FROM specialty_opinion o
        LEFT JOIN app_user u ON u.user_id = o.author_user_id
        WHERE o.item_id IN (SELECT item_id FROM agenda_item WHERE meeting_id = ?)
        ORDER BY o.item_id, o.created_at, o.opinion_id
        """,
        [meeting_id],
    ):
        opinions[int(r["item_id"])].append(Opinion(specialty=r["specialty"], author=r["display_name"] or "", text=r["text"]))
    actions: dict[int, list[ActionLine]] = defaultdict(list)
    for r in _rows(
        cur,
        """
        SELECT d.item_id, a.description, a.specialty, u.display_name AS owner, a.due_date, a.status
        FROM action_item a JOIN decision d USING (decision_id)
        LEFT JOIN app_user u ON u.user_id = a.owner_user_id
        WHERE d.item_id IN (SELECT item_id FROM agenda_item WHERE meeting_id = ?)
        ORDER BY d.item_id, a.due_date, a.action_id
        """,
        [meeting_id],
    ):
        actions[int(r["item_id"])].append(_action_line(r, today))
    cases = tuple(
        CaseMinute(
            case_id=int(i["case_id"]),
            patient=i["patient"],
            mrn=i["mrn"],
            primary_tumour=i["primary_tumour"],
            question=i["question"],
            urgency=i["urgency"],
            stream=i["stream"],
            agenda_status=i["status"],
            decision=by_item.get(int(i["item_id"])),
            opinions=tuple(opinions[int(i["item_id"])]),
            actions=texts.actions(actions[int(i["item_id"])], [d for d in [by_item.get(int(i["item_id"]))] if d]),
            deferral_reason=i["deferral_reason"],
        )
        for i in items
    )
    return Minutes(
        emergencies=_emergencies(cur, m["meeting_date"], today, texts),
        meeting_id=int(m["meeting_id"]),
        meeting_date=m["meeting_date"],
        start_time=m["start_time"],
        location=m["location"] or "",
        status=m["status"],
        chair=m["chair"] or "",
        attendance_grade=m["attendance_grade"],
        attendance=_attendance(cur, int(m["meeting_id"])),
        cases=cases,
        generated_at=utc_now(),
        start=_start_note(cur, int(m["meeting_id"])),
    )


def _emergencies(cur: duckdb.DuckDBPyConnection, meeting_date: date, today: date, texts: _RuleTexts) -> tuple[CaseMinute, ...]:
    """Signed emergency decisions outside a meeting since the previous meeting (up to this one's
    date), each case's latest version: the minutes put them on record."""
    rows = _rows(
        cur,
        _EMERGENCY_SQL,
        [meeting_date, meeting_date],
    )
    plans = _plan_lines(cur, [int(r["decision_id"]) for r in rows])
    acts: dict[int, list[ActionLine]] = defaultdict(list)
    for r in _rows(
        cur,
        """
        SELECT a.decision_id, a.description, a.specialty, u.display_name AS owner, a.due_date, a.status
        FROM action_item a LEFT JOIN app_user u ON u.user_id = a.owner_user_id
        WHERE list_contains(?::BIGINT[], a.decision_id) ORDER BY a.due_date, a.action_id
        """,
        [[int(r["decision_id"]) for r in rows]],
    ):
        acts[int(r["decision_id"])].append(_action_line(r, today))
    out = []
    for r in rows:
        decision = texts.decision(int(r["case_id"]), _decision_record(r, plans[int(r["decision_id"])]))
        out.append(
            CaseMinute(
                case_id=int(r["case_id"]),
                patient=r["patient"],
                mrn=r["mrn"],
                primary_tumour=r["primary_tumour"],
                question=r["question"],
                urgency=r["priority"],
                stream=r["stream"],
                agenda_status="",
                decision=decision,
                actions=texts.actions(acts[int(r["decision_id"])], [decision]),
            )
        )
    return tuple(out)


def outcome_letter(cur: duckdb.DuckDBPyConnection, case_id: int, *, today: date | None = None) -> Letter:
    """The outcome letter for the referrer: the case, the meeting that decided it (attendance),
    the decision (latest signed version, else the latest draft), its plan and the actions."""
    today = today or date.today()
    head = _rows(
        cur,
        """
        SELECT c.case_id, p.display_name AS patient, p.mrn, p.birth_date, c.referrer, c.referrer_specialty,
               c.referral_date, c.question, c.primary_tumour
        FROM mdt_case c JOIN patient p USING (patient_id) WHERE c.case_id = ?
        """,
        [case_id],
    )
    if not head:
        raise NotFoundError(f"Case {case_id} does not exist.")
    c = head[0]
    found = _rows(cur, _CASE_DECISION_SQL, [case_id])
    decision = None
    meeting_id: int | None = None
    held_on = None
    if found:
        d = found[0]
        decision = _RuleTexts(cur, today).decision(
            case_id, _decision_record(d, _plan_lines(cur, [int(d["decision_id"])])[int(d["decision_id"])])
        )
        if d["item_id"] is not None:
            # the meeting that made the decision, on the day it was held (a meeting started early
            # was held on its start day, not on its planned date)
            held = _rows(
                cur,
                "SELECT m.meeting_id, m.meeting_date, m.status, s.started_on FROM agenda_item a JOIN meeting m USING (meeting_id)"
                " LEFT JOIN meeting_start s ON s.meeting_id = m.meeting_id WHERE a.item_id = ?",
                [int(d["item_id"])],
            )
            if held:
                meeting_id = int(held[0]["meeting_id"])
                if held[0]["status"] != "planned":
                    held_on = held[0]["started_on"] or held[0]["meeting_date"]
    actions = _RuleTexts.actions(
        [
            _action_line(r, today)
            for r in _rows(
                cur,
                """
            SELECT a.description, a.specialty, u.display_name AS owner, a.due_date, a.status
            FROM action_item a LEFT JOIN app_user u ON u.user_id = a.owner_user_id
            WHERE a.case_id = ? ORDER BY a.due_date, a.action_id
            """,
                [case_id],
            )
        ],
        [decision] if decision is not None else [],
    )
    return Letter(
        case_id=int(c["case_id"]),
        patient=c["patient"],
        mrn=c["mrn"],
        birth_date=c["birth_date"],
        referrer=c["referrer"],
        referrer_specialty=c["referrer_specialty"],
        referral_date=c["referral_date"],
        question=c["question"],
        primary_tumour=c["primary_tumour"],
        meeting_date=held_on,
        attendance=_attendance(cur, meeting_id),
        decision=decision,
        actions=actions,
        generated_at=utc_now(),
    )


# ------------------------------------------------------------------------------------------------
# Audited exports (docs/security-requirements.md requirement 5: identifiable exports are role-gated and audited)


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise FieldError({"format": "must be pdf or markdown"})


def _refuse_broken_signatures(cur: duckdb.DuckDBPyConnection, ids_sql: str, key: int) -> None:
    """A document never carries a signed decision whose content no longer matches its hash."""
    from db.decision_reads import get_decision
    from db.signatures import signature_intact

    for (decision_id,) in cur.execute(ids_sql + " AND status = 'signed'", [key]).fetchall():
        if not signature_intact(get_decision(cur, int(decision_id))):
            raise WorkflowError(
                "A signed decision in this document no longer matches its signature (changed outside the board);"
                " the document was not produced. Tell the administrator."
            )


def export_minutes(cur: duckdb.DuckDBPyConnection, actor: Actor, meeting_id: int, fmt: str) -> Minutes:
    """The minutes for download: refused without READ_CASES; one audit row per export."""
    _check_format(fmt)
    audit.authorize(cur, actor, Capability.READ_CASES, "minutes", meeting_id)
    minutes = meeting_minutes(cur, meeting_id)
    items = "SELECT decision_id FROM decision WHERE item_id IN (SELECT item_id FROM agenda_item WHERE meeting_id = ?)"
    _refuse_broken_signatures(cur, items, meeting_id)
    audit.record(
        cur, actor, "export", "minutes", meeting_id, after={"format": fmt, "case_ids": [c.case_id for c in minutes.cases]}
    )
    return minutes


def export_letter(cur: duckdb.DuckDBPyConnection, actor: Actor, case_id: int, fmt: str) -> Letter:
    """The outcome letter for download: refused without READ_CASES; one audit row per export."""
    _check_format(fmt)
    row = cur.execute("SELECT patient_id FROM mdt_case WHERE case_id = ?", [case_id]).fetchone()
    if row is None:
        raise NotFoundError(f"Case {case_id} does not exist.")
    audit.authorize(cur, actor, Capability.READ_CASES, "letter", case_id, patient_id=int(row[0]))
    letter = outcome_letter(cur, case_id)
    _refuse_broken_signatures(cur, "SELECT decision_id FROM decision WHERE case_id = ?", case_id)
    audit.record(cur, actor, "export", "letter", case_id, after={"format": fmt}, patient_id=int(row[0]))
    return letter


# ------------------------------------------------------------------------------------------------
# Reads around a decision for the Decisions page


def agenda_items_for_case(cur: duckdb.DuckDBPyConnection, case_id: int) -> pd.DataFrame:
    """The case's agenda items, latest meeting first."""
    return cur.execute(
        "SELECT a.item_id, a.meeting_id, m.meeting_date, m.status AS meeting_status, a.status"
        " FROM agenda_item a JOIN meeting m USING (meeting_id) WHERE a.case_id = ?"
        " ORDER BY m.meeting_date DESC, a.item_id DESC",
        [case_id],
    ).df()


def opinions_for_case(cur: duckdb.DuckDBPyConnection, case_id: int) -> pd.DataFrame:
    return cur.execute(
        "SELECT o.opinion_id, o.item_id, m.meeting_date, o.specialty, u.display_name AS author, o.text, o.created_at"
        " FROM specialty_opinion o JOIN agenda_item a USING (item_id) JOIN meeting m USING (meeting_id)"
        " LEFT JOIN app_user u ON u.user_id = o.author_user_id"
        " WHERE a.case_id = ? ORDER BY m.meeting_date, o.created_at, o.opinion_id",
        [case_id],
    ).df()


def follow_up_count(cur: duckdb.DuckDBPyConnection, decision_id: int) -> int:
    row = cur.execute("SELECT count(*) FROM follow_up WHERE decision_id = ?", [decision_id]).fetchone()
    return int(row[0]) if row else 0
