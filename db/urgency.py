"""Live urgency (clinical safety rule 4, docs/clinical/rules.md): a case's urgency, and the order
and urgency of the agenda items that wait for it, follow the case's current data on every view.

A case's urgency is the highest of its referral priority -- until the case's first decision is
signed: the referrer's call has then been acted on, and the case's data decide -- and the urgencies
of what the case board's red-flag banner shows (every red flag, and every fired rule of emergency urgency; a
"cannot exclude" result is shown there too and counts the same way). It is derived data, kept in
``case_urgency`` (migration 010) with what it was computed from: the case's data stamp
(:func:`db.board.case_stamps`: the last audited write about its patient, or a department-wide
change) and the day it was evaluated as of. A row is stale when the stamp moved or the day
changed (time passing ages facts out of their freshness windows), and :func:`ensure_current`
recomputes only stale rows, set-based: the case files of a chunk are loaded with one query per
table (:func:`db.scores.load_case_files`), the board's own pure derivation runs per case
(:func:`db.board.build_board`), and one ``INSERT … ON CONFLICT`` per chunk stores the results.

The agenda (:func:`sync_meeting`): an item waiting to be discussed carries its case's live urgency
and stream (a standard-of-care case with any red flag goes to full discussion); what it was at
listing stays in ``agenda_listing``. Items are ordered by tier -- emergency, urgent, full
discussion, standard of care -- keeping the coordinator's order within a tier, so an escalated
item moves up. Live urgency goes down as well as up, but an item listed as emergency keeps its
place among the emergencies and the mark "was emergency at listing" until the chair clears it
(:func:`clear_listed_emergency`, role-checked and audited). A re-ordering caused by live urgency
is audited as the system's.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import duckdb
import pandas as pd

from core.errors import ConflictError, FieldError, NotFoundError, WorkflowError
from core.models import SYSTEM_ACTOR, Actor, CaseFile, Priority
from core.permissions import Capability
from core.policy import Policy
from core.rules import RuleReport
from core.text import LONG_TEXT_MAX, TextRuleError, check_text
from db import audit
from db.board import build_board, case_stamps
from db.connection import transaction, utc_now
from db.policies import load_policy
from db.scores import load_case_files

log = logging.getLogger("bonemdt.urgency")

RANK: dict[str, int] = {"emergency": 0, "urgent": 1, "routine": 2}
CHUNK = 500

# The reason a referral priority gives (it is the referrer's call, not a rule's).
REFERRAL = "REFERRAL"
_REFERRAL_TEXT = {
    "emergency": ("Referred as an emergency", "转诊时标为危急"),
    "urgent": ("Referred as urgent", "转诊时标为尽快处理"),
}


@dataclass(frozen=True)
class Reason:
    """One thing that sets a case's urgency: a rule id (or ``REFERRAL``), its urgency and text."""

    rule_id: str
    urgency: str
    text_en: str
    text_zh: str

    def as_json(self) -> dict[str, str]:
        return {"rule_id": self.rule_id, "urgency": self.urgency, "en": self.text_en, "zh": self.text_zh}


@dataclass(frozen=True)
class CaseUrgency:
    case_id: int
    urgency: Priority
    has_red_flag: bool
    reasons: tuple[Reason, ...]

    def reasons_above(self, urgency: str) -> tuple[Reason, ...]:
        """The reasons more urgent than ``urgency`` (why an item rose above its listing)."""
        return tuple(r for r in self.reasons if RANK[r.urgency] < RANK[urgency])


def higher(a: str, b: str) -> str:
    return a if RANK[a] <= RANK[b] else b


def banner_results(report: RuleReport) -> list[Any]:
    """What the case board's red-flag banner shows: red flags and fired emergency rules."""
    return [h for h in report.fired if h.specialty == "red_flag" or h.urgency == "emergency"]


def acted_on(cur: duckdb.DuckDBPyConnection, case_ids: Sequence[int]) -> set[int]:
    """The cases with a signed decision (the referral's priority has been acted on)."""
    if not case_ids:
        return set()
    rows = cur.execute(
        "SELECT DISTINCT case_id FROM decision WHERE status = 'signed' AND outcome = 'decided' AND list_contains(?, case_id)",
        [[int(c) for c in case_ids]],
    ).fetchall()
    return {int(r[0]) for r in rows}


def from_report(case_id: int, referral: Priority | None, report: RuleReport) -> CaseUrgency:
    """A case's live urgency: the highest of its referral priority (None once a decision about
    the case is signed: :func:`acted_on`) and its banner's urgencies."""
    reasons: list[Reason] = []
    if referral is not None and referral.value in _REFERRAL_TEXT:
        en, zh = _REFERRAL_TEXT[referral.value]
        reasons.append(Reason(REFERRAL, referral.value, en, zh))
    seen: set[str] = set()
    for hit in banner_results(report):
        if hit.rule_id in seen:
            continue
        seen.add(hit.rule_id)
        reasons.append(Reason(hit.rule_id, str(hit.urgency), hit.text_en, hit.text_zh))
    # Banner lines beside the fired flags (the fail-safe rules engine): a "cannot exclude" line
    # carries the urgency it gives the case (a routine grade raised to urgent). "Asks" and what an
    # emergency rule still needs are questions, not urgencies, and do not count.
    for line in getattr(report, "banner", ()):
        if getattr(line, "kind", "") == "cannot_exclude" and line.urgency in RANK:
            reasons.append(Reason(line.rule_id, str(line.urgency), line.text_en, line.text_zh))
    urgency = "routine"
    for reason in reasons:
        urgency = higher(urgency, reason.urgency)
    reasons.sort(key=lambda r: RANK[r.urgency])
    return CaseUrgency(
        case_id=case_id,
        urgency=Priority(urgency),
        has_red_flag=bool(report.red_flags),
        reasons=tuple(reasons),
    )


def evaluate(cf: CaseFile, policy: Policy, *, decided: bool = False) -> CaseUrgency:
    """One case's live urgency from its case file, through the board's own derivation; ``decided``:
    a decision about the case is signed (its referral priority no longer counts)."""
    board = build_board(cf, policy)
    assert cf.case.case_id is not None
    return from_report(cf.case.case_id, None if decided else cf.case.priority, board.rules)


# ------------------------------------------------------------------------------------------------
# The stored rows


def _row_to_urgency(case_id: int, urgency: str, has_red_flag: bool, reasons_json: str) -> CaseUrgency:
    reasons = tuple(Reason(r["rule_id"], r["urgency"], r["en"], r["zh"]) for r in json.loads(reasons_json))
    return CaseUrgency(case_id, Priority(urgency), bool(has_red_flag), reasons)


def stored(cur: duckdb.DuckDBPyConnection, case_ids: Sequence[int]) -> dict[int, tuple[CaseUrgency, int, date]]:
    """The stored rows of ``case_ids``: (urgency, data stamp, as-of day) per case."""
    rows = cur.execute(
        "SELECT case_id, urgency, has_red_flag, reasons_json, data_stamp, as_of FROM case_urgency"
        " WHERE list_contains(?, case_id)",
        [[int(c) for c in case_ids]],
    ).fetchall()
    return {int(r[0]): (_row_to_urgency(int(r[0]), r[1], r[2], r[3]), int(r[4]), r[5]) for r in rows}


def stale_cases(cur: duckdb.DuckDBPyConnection, case_ids: Sequence[int], as_of: date) -> list[int]:
    """Cases with no row, a row computed before their last data change, or on an earlier day."""
    stamps = case_stamps(cur, list(case_ids))
    have = stored(cur, case_ids)
    return sorted(cid for cid in stamps if cid not in have or have[cid][1] != stamps[cid] or have[cid][2] != as_of)


_UPSERT = """
INSERT INTO case_urgency (case_id, urgency, has_red_flag, reasons_json, data_stamp, as_of, computed_at)
SELECT case_id, urgency, has_red_flag, reasons_json, data_stamp, as_of, computed_at FROM case_urgency_new
ON CONFLICT (case_id) DO UPDATE SET
    urgency = excluded.urgency, has_red_flag = excluded.has_red_flag,
    reasons_json = excluded.reasons_json, data_stamp = excluded.data_stamp,
    as_of = excluded.as_of, computed_at = excluded.computed_at
"""


def refresh(
    cur: duckdb.DuckDBPyConnection, case_ids: Iterable[int], *, as_of: date | None = None, chunk: int = CHUNK
) -> dict[int, CaseUrgency]:
    """Recompute and store the live urgency of ``case_ids`` (whether stale or not), in chunks.

    Stamps are read before the facts, so a write that lands meanwhile leaves the row stale and
    the next view recomputes it. A case whose derivation raises is logged and keeps its row."""
    ids = sorted({int(c) for c in case_ids})
    day = as_of or date.today()
    out: dict[int, CaseUrgency] = {}
    if not ids:
        return out
    policy = load_policy(cur)
    for start in range(0, len(ids), max(1, chunk)):
        part = ids[start : start + chunk]
        stamps = case_stamps(cur, part)
        decided = acted_on(cur, part)
        rows = []
        now = utc_now()
        for cf in load_case_files(cur, part[0], part[-1], day, policy, only=part):
            case_id = int(cf.case.case_id or 0)
            try:
                result = evaluate(cf, policy, decided=case_id in decided)
            except Exception as exc:  # one bad case must not hide the others' urgency
                log.exception("urgency of case %s failed (%s)", case_id, type(exc).__name__)
                continue
            out[case_id] = result
            rows.append(
                {
                    "case_id": case_id,
                    "urgency": result.urgency.value,
                    "has_red_flag": result.has_red_flag,
                    "reasons_json": json.dumps([r.as_json() for r in result.reasons], ensure_ascii=False),
                    "data_stamp": stamps.get(case_id, 0),
                    "as_of": day,
                    "computed_at": now,
                }
            )
        if rows:
            frame = pd.DataFrame(rows).astype({"case_id": "int64", "data_stamp": "int64", "has_red_flag": "bool"})
            frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
            try:
                with transaction(cur):
                    cur.register("case_urgency_new", frame)
                    try:
                        cur.execute(_UPSERT)
                    finally:
                        cur.unregister("case_urgency_new")
            except ConflictError:  # another session stored the same derivation meanwhile
                log.info("case_urgency refresh met a concurrent write; the next view retries")
    return out


def ensure_current(
    cur: duckdb.DuckDBPyConnection, case_ids: Sequence[int], *, as_of: date | None = None
) -> dict[int, CaseUrgency]:
    """The live urgency of ``case_ids``, recomputing only the stale ones (see module doc)."""
    day = as_of or date.today()
    ids = [int(c) for c in case_ids]
    fresh = refresh(cur, stale_cases(cur, ids, day), as_of=day) if ids else {}
    have = {cid: row[0] for cid, row in stored(cur, ids).items()}
    have.update(fresh)
    return {cid: have[cid] for cid in ids if cid in have}


# ------------------------------------------------------------------------------------------------
# The agenda


# Tier of an item for the agenda order: emergency 0, urgent 1, full discussion 2, standard of
# care 3. An item listed as emergency keeps tier 0 until the chair clears the mark.
TIER_SQL = """
    CASE
        WHEN a.urgency = 'emergency' OR (l.urgency = 'emergency' AND l.cleared_at IS NULL) THEN 0
        WHEN a.urgency = 'urgent' THEN 1
        WHEN a.stream = 'standard_of_care' THEN 3
        ELSE 2 END
"""

_CAPTURE_LISTING = """
INSERT INTO agenda_listing (item_id, urgency, stream)
SELECT a.item_id, a.urgency, a.stream FROM agenda_item a
WHERE a.meeting_id = ? AND NOT EXISTS (SELECT 1 FROM agenda_listing l WHERE l.item_id = a.item_id)
"""

_UNCAPTURED = """
SELECT 1 FROM agenda_item a
WHERE a.meeting_id = ? AND NOT EXISTS (SELECT 1 FROM agenda_listing l WHERE l.item_id = a.item_id)
LIMIT 1
"""

_CHANGES = """
SELECT a.item_id, a.case_id, a.urgency, a.stream, u.urgency AS live_urgency,
       CASE WHEN l.stream = 'full' OR u.has_red_flag THEN 'full' ELSE 'standard_of_care' END AS live_stream
FROM agenda_item a
JOIN case_urgency u USING (case_id)
JOIN agenda_listing l USING (item_id)
WHERE a.meeting_id = ? AND a.status = 'listed'
"""

_APPLY_LIVE = (
    """
UPDATE agenda_item SET urgency = ch.live_urgency, stream = ch.live_stream
FROM ("""
    + _CHANGES
    + """) ch
WHERE agenda_item.item_id = ch.item_id
  AND (agenda_item.urgency <> ch.live_urgency OR agenda_item.stream <> ch.live_stream)
"""
)


def _meeting(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> str:
    row = cur.execute("SELECT status FROM meeting WHERE meeting_id = ?", [meeting_id]).fetchone()
    if row is None:
        raise NotFoundError(f"Meeting {meeting_id} does not exist.")
    return str(row[0])


def sync_meeting(cur: duckdb.DuckDBPyConnection, meeting_id: int, *, as_of: date | None = None) -> list[dict[str, Any]]:
    """Bring a meeting's waiting items to their cases' live urgency and re-order the agenda.

    Closed meetings are history and stay as they were. Returns the items whose urgency or stream
    changed now (``item_id``, ``case_id``, ``from``, ``to``, ``stream_from``, ``stream_to``)."""
    from db.agenda import apply_urgency_order  # db.agenda lists cases through this module

    if _meeting(cur, meeting_id) == "closed":
        return []
    case_ids = [
        int(r[0])
        for r in cur.execute(
            "SELECT case_id FROM agenda_item WHERE meeting_id = ? AND status = 'listed'", [meeting_id]
        ).fetchall()
    ]
    ensure_current(cur, case_ids, as_of=as_of)
    try:
        if cur.execute(_UNCAPTURED, [meeting_id]).fetchone() is not None:
            with transaction(cur):
                cur.execute(_CAPTURE_LISTING, [meeting_id])
        if not any(r[2] != r[4] or r[3] != r[5] for r in cur.execute(_CHANGES, [meeting_id]).fetchall()):
            return []  # the usual view: nothing to write, no transaction
        with transaction(cur):
            changed = [
                {
                    "item_id": int(r[0]),
                    "case_id": int(r[1]),
                    "from": r[2],
                    "to": r[4],
                    "stream_from": r[3],
                    "stream_to": r[5],
                }
                for r in cur.execute(_CHANGES, [meeting_id]).fetchall()
                if r[2] != r[4] or r[3] != r[5]
            ]
            if not changed:
                return []
            cur.execute(_APPLY_LIVE, [meeting_id])
            apply_urgency_order(cur, meeting_id)
            audit.record(
                cur,
                SYSTEM_ACTOR,
                "update",
                "meeting",
                meeting_id,
                after={"agenda": "live urgency", "items": changed},
                reason="the cases' current data changed their urgency (clinical safety rule 4)",
            )
    except ConflictError:
        log.info("agenda sync of meeting %s met a concurrent write; the next view retries", meeting_id)
        return []
    return changed


@dataclass(frozen=True)
class ItemMark:
    """What the agenda shows about an item's urgency since it was listed."""

    item_id: int
    listed_urgency: str
    listed_stream: str
    escalated: bool
    was_emergency: bool
    cleared: bool
    reasons: tuple[Reason, ...]

    def text(self, lang: str) -> str:
        """The reasons in the reader's language: the red flags (their names) when any, else the
        rules that raised it."""
        return reasons_text(self.reasons, lang)


def reasons_text(reasons: Sequence[Reason], lang: str) -> str:
    flags = [r for r in reasons if r.rule_id.startswith("RF-")] or list(reasons)
    sep = "；" if lang == "zh" else "; "
    names = []
    for r in flags:
        name = re.split(r"[:：]", r.text_zh if lang == "zh" else r.text_en, maxsplit=1)[0].strip()
        names.append(name if len(name) <= 90 else name[:89] + "…")
    return sep.join(dict.fromkeys(names))


def marks(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> dict[int, ItemMark]:
    """Per item of the meeting: urgency at listing, escalation since (with the reasons that
    raised it above its listing), and the "was emergency at listing" mark until cleared."""
    rows = cur.execute(
        """
        SELECT a.item_id, a.urgency, l.urgency, l.stream, l.cleared_at IS NOT NULL,
               u.urgency, u.has_red_flag, u.reasons_json, a.case_id
        FROM agenda_item a
        LEFT JOIN agenda_listing l USING (item_id)
        LEFT JOIN case_urgency u USING (case_id)
        WHERE a.meeting_id = ?
        """,
        [meeting_id],
    ).fetchall()
    out: dict[int, ItemMark] = {}
    for item_id, now, listed, listed_stream, cleared, live, flag, reasons_json, case_id in rows:
        listed = listed or now
        escalated = RANK[now] < RANK[listed]
        reasons: tuple[Reason, ...] = ()
        if escalated and reasons_json is not None and live == now:
            reasons = _row_to_urgency(int(case_id), live, flag, reasons_json).reasons_above(listed)
        out[int(item_id)] = ItemMark(
            item_id=int(item_id),
            listed_urgency=str(listed),
            listed_stream=str(listed_stream or ""),
            escalated=escalated,
            was_emergency=listed == "emergency" and now != "emergency" and not cleared,
            cleared=bool(cleared),
            reasons=reasons,
        )
    return out


def clear_listed_emergency(cur: duckdb.DuckDBPyConnection, actor: Actor, item_id: int, reason: str) -> None:
    """The chair clears "was emergency at listing" of an item whose live urgency went down; the
    item then takes its live place in the agenda. Role-checked and audited, with a reason."""
    row = cur.execute(
        "SELECT a.meeting_id, a.urgency, c.patient_id, l.urgency, l.cleared_at"
        " FROM agenda_item a JOIN mdt_case c USING (case_id) LEFT JOIN agenda_listing l USING (item_id)"
        " WHERE a.item_id = ?",
        [item_id],
    ).fetchone()
    if row is None:
        raise NotFoundError(f"Agenda item {item_id} does not exist.")
    meeting_id, now, patient_id, listed, cleared_at = int(row[0]), str(row[1]), int(row[2]), row[3], row[4]
    audit.authorize(cur, actor, Capability.SIGN_DECISION, "agenda_item", item_id, patient_id=patient_id)
    if listed != "emergency" or cleared_at is not None or now == "emergency":
        raise WorkflowError("This item carries no 'was emergency at listing' mark to clear.")
    try:
        check_text(reason, LONG_TEXT_MAX)
    except TextRuleError as exc:
        raise FieldError({"reason": str(exc)}) from exc
    if not reason.strip():
        raise FieldError({"reason": "must not be empty"})
    from db.agenda import apply_urgency_order

    with transaction(cur):
        cur.execute(
            "UPDATE agenda_listing SET cleared_by = ?, cleared_at = ?, cleared_reason = ? WHERE item_id = ?",
            [actor.user_id, utc_now(), reason, item_id],
        )
        apply_urgency_order(cur, meeting_id)
        audit.record(
            cur,
            actor,
            "update",
            "agenda_item",
            item_id,
            before={"was_emergency_at_listing": True},
            after={"was_emergency_at_listing": False, "urgency": now},
            reason=reason,
            patient_id=patient_id,
        )


def queue(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> pd.DataFrame:
    """The overview's red-flag queue for a meeting: items that are urgent or emergency now, were
    escalated since listing, or still carry "was emergency at listing" (call
    :func:`sync_meeting` first). Most pressing first, in agenda order."""
    frame = cur.execute(
        """
        SELECT a.item_id, a.position, a.case_id, p.display_name AS patient, c.primary_tumour,
               a.urgency, a.stream, a.status
        FROM agenda_item a
        JOIN mdt_case c USING (case_id)
        JOIN patient p ON p.patient_id = c.patient_id
        WHERE a.meeting_id = ?
        ORDER BY a.position, a.item_id
        """,
        [meeting_id],
    ).df()
    found = marks(cur, meeting_id)
    keep = [
        a in ("emergency", "urgent") or found[int(i)].escalated or found[int(i)].was_emergency
        for i, a in zip(frame["item_id"], frame["urgency"], strict=True)
    ]
    return frame[keep].reset_index(drop=True)


__all__ = [
    "CaseUrgency",
    "ItemMark",
    "Reason",
    "banner_results",
    "clear_listed_emergency",
    "ensure_current",
    "evaluate",
    "from_report",
    "marks",
    "queue",
    "reasons_text",
    "refresh",
    "stale_cases",
    "sync_meeting",
]
