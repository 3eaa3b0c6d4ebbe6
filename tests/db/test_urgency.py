"""Live urgency (db/urgency.py, clinical safety rule 4) on a real temp store: the agenda follows
the cases' current data, escalations are marked with their reasons, de-escalation keeps "was
emergency at listing" until the chair clears it, refresh is set-based, reorders repeat."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pytest

from core.errors import ConflictError, FieldError, PermissionDeniedError, WorkflowError
from core.models import Actor, LabResult, Priority
from db import agenda, clinical, listing, meetings, urgency, users
from db.board import load_board

TODAY = date.today()


@pytest.fixture
def staff(demo_cur: duckdb.DuckDBPyConnection) -> dict[str, Actor]:
    return {u.username: users.actor_by_username(demo_cur, u.username) for u in users.DEMO_USERS}


@pytest.fixture
def next_meeting(demo_cur: duckdb.DuckDBPyConnection) -> int:
    mid = meetings.next_meeting_id(demo_cur)
    assert mid is not None
    urgency.sync_meeting(demo_cur, mid)
    return mid


def _patient(cur: duckdb.DuckDBPyConnection, case_id: int) -> int:
    row = cur.execute("SELECT patient_id FROM mdt_case WHERE case_id = ?", [case_id]).fetchone()
    assert row is not None
    return int(row[0])


def _calcium(cur: duckdb.DuckDBPyConnection, who: Actor, case_id: int, total: str, albumin: str, on: date = TODAY) -> None:
    pid = _patient(cur, case_id)
    clinical.add(cur, who, LabResult(patient_id=pid, analyte="calcium", value=Decimal(total), unit="mmol/L", taken_on=on))
    clinical.add(cur, who, LabResult(patient_id=pid, analyte="albumin", value=Decimal(albumin), unit="g/L", taken_on=on))


def _item(cur: duckdb.DuckDBPyConnection, meeting_id: int, case_id: int) -> dict[str, object]:
    frame = listing.agenda_items(cur, meeting_id)
    return frame[frame["case_id"] == case_id].iloc[0].to_dict()


def _quiet_candidate(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> int:
    """A waiting case whose live urgency is routine with no red flag and a routine referral."""
    frame, _ = listing.candidates(cur, meeting_id, limit=500)
    live = urgency.ensure_current(cur, [int(c) for c in frame["case_id"]])
    for case_id in frame["case_id"]:
        u = live[int(case_id)]
        if u.urgency == Priority.ROUTINE and not u.has_red_flag and not u.reasons:
            return int(case_id)
    raise AssertionError("the demo has a quiet waiting case")


# ------------------------------------------------------------------------------------------------
# Escalation


def test_a_routine_listing_escalates_to_emergency_moves_up_and_says_why(
    demo_cur: duckdb.DuckDBPyConnection, next_meeting: int, staff: dict[str, Actor]
) -> None:
    frame = listing.agenda_items(demo_cur, next_meeting)
    routine = frame[frame["urgency"] == "routine"]
    case_id = int(routine["case_id"].iloc[-1])  # the last routine item: near the bottom
    item_id = int(routine["item_id"].iloc[-1])
    before_position = int(routine["position"].iloc[-1])
    assert urgency.marks(demo_cur, next_meeting)[item_id].escalated is False

    _calcium(demo_cur, staff["member"], case_id, "3.60", "38")  # corrected 3.64: CTCAE grade 4
    changed = urgency.sync_meeting(demo_cur, next_meeting)

    assert [c["item_id"] for c in changed] == [item_id]
    row = _item(demo_cur, next_meeting, case_id)
    assert row["urgency"] == "emergency"
    assert row["stream"] == "full"  # a standard-of-care case with a red flag goes to full discussion
    after = listing.agenda_items(demo_cur, next_meeting)
    emergencies = after[after["urgency"] == "emergency"]
    assert int(row["position"]) < before_position
    assert int(row["position"]) <= int(emergencies["position"].max())
    assert (after[after["urgency"] != "emergency"]["position"] > row["position"]).all()  # above every non-emergency

    mark = urgency.marks(demo_cur, next_meeting)[item_id]
    assert mark.escalated and mark.listed_urgency == "routine"
    assert "RF-HYPERCA" in {r.rule_id for r in mark.reasons}
    assert "Hypercalcaemia" in mark.text("en")
    assert "高钙血症" in mark.text("zh")

    audit_row = demo_cur.execute(
        "SELECT actor, entity, entity_id, patient_id, after_json FROM audit_log ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert audit_row is not None
    assert audit_row[:4] == ("system", "meeting", str(next_meeting), None)
    assert '"to": "emergency"' in audit_row[4]

    queue = urgency.queue(demo_cur, next_meeting)
    assert case_id in set(queue["case_id"])
    assert urgency.sync_meeting(demo_cur, next_meeting) == []  # nothing changed since: no write


def test_a_closed_meeting_keeps_its_history(demo_cur: duckdb.DuckDBPyConnection, staff: dict[str, Actor]) -> None:
    row = demo_cur.execute(
        "SELECT a.meeting_id, a.case_id, a.urgency FROM agenda_item a JOIN meeting m USING (meeting_id)"
        " WHERE m.status = 'closed' AND a.urgency = 'routine' LIMIT 1"
    ).fetchone()
    assert row is not None
    _calcium(demo_cur, staff["member"], int(row[1]), "3.60", "38")
    assert urgency.sync_meeting(demo_cur, int(row[0])) == []
    assert _item(demo_cur, int(row[0]), int(row[1]))["urgency"] == "routine"


def test_listing_takes_the_live_urgency(demo_cur: duckdb.DuckDBPyConnection, next_meeting: int, staff: dict[str, Actor]) -> None:
    case_id = _quiet_candidate(demo_cur, next_meeting)
    _calcium(demo_cur, staff["member"], case_id, "3.60", "38")
    item_id = agenda.list_case(demo_cur, staff["coordinator"], case_id, next_meeting, urgency=Priority.ROUTINE, ready=True)
    row = _item(demo_cur, next_meeting, case_id)
    assert row["urgency"] == "emergency"  # never below what the data say now, whatever the caller saw
    mark = urgency.marks(demo_cur, next_meeting)[item_id]
    assert mark.listed_urgency == "emergency" and not mark.escalated


# ------------------------------------------------------------------------------------------------
# De-escalation


def test_de_escalation_keeps_was_emergency_until_the_chair_clears_it(
    demo_cur: duckdb.DuckDBPyConnection, next_meeting: int, staff: dict[str, Actor]
) -> None:
    case_id = _quiet_candidate(demo_cur, next_meeting)
    _calcium(demo_cur, staff["member"], case_id, "3.60", "38", on=TODAY - timedelta(days=1))
    item_id = agenda.list_case(demo_cur, staff["coordinator"], case_id, next_meeting, ready=True)
    assert _item(demo_cur, next_meeting, case_id)["urgency"] == "emergency"

    _calcium(demo_cur, staff["member"], case_id, "2.30", "40")  # treated: a newer normal value
    urgency.sync_meeting(demo_cur, next_meeting)
    row = _item(demo_cur, next_meeting, case_id)
    assert row["urgency"] == "routine"  # live urgency goes down too
    mark = urgency.marks(demo_cur, next_meeting)[item_id]
    assert mark.was_emergency and not mark.escalated
    tiers = agenda.item_tiers(demo_cur, next_meeting)
    assert tiers[item_id] == 0  # still among the emergencies until cleared
    assert item_id in set(urgency.queue(demo_cur, next_meeting)["item_id"])

    with pytest.raises(PermissionDeniedError):
        urgency.clear_listed_emergency(demo_cur, staff["coordinator"], item_id, "calcium normal")
    denied = demo_cur.execute("SELECT outcome, actor FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert denied == ("denied", "coordinator")
    with pytest.raises(FieldError):
        urgency.clear_listed_emergency(demo_cur, staff["chair"], item_id, "  ")
    assert urgency.marks(demo_cur, next_meeting)[item_id].was_emergency

    urgency.clear_listed_emergency(demo_cur, staff["chair"], item_id, "Calcium 2.30 after saline; reviewed")
    mark = urgency.marks(demo_cur, next_meeting)[item_id]
    assert not mark.was_emergency and mark.cleared
    # routine now; listed for full discussion (its red flag then), so the full-discussion group
    assert agenda.item_tiers(demo_cur, next_meeting)[item_id] == 2
    audit_row = demo_cur.execute("SELECT actor, entity, entity_id, reason FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert audit_row == ("chair", "agenda_item", str(item_id), "Calcium 2.30 after saline; reviewed")
    with pytest.raises(WorkflowError):  # nothing left to clear
        urgency.clear_listed_emergency(demo_cur, staff["chair"], item_id, "again")


# ------------------------------------------------------------------------------------------------
# Set-based refresh


def test_refresh_recomputes_only_what_changed_or_aged(demo_cur: duckdb.DuckDBPyConnection, staff: dict[str, Actor]) -> None:
    ids = [
        int(r[0]) for r in demo_cur.execute("SELECT case_id FROM mdt_case WHERE status <> 'closed' ORDER BY case_id").fetchall()
    ]
    assert urgency.stale_cases(demo_cur, ids, TODAY) == ids  # nothing computed yet
    assert len(urgency.ensure_current(demo_cur, ids, as_of=TODAY)) == len(ids)
    assert urgency.stale_cases(demo_cur, ids, TODAY) == []  # nothing changed: nothing to recompute

    target = ids[len(ids) // 2]
    pid = _patient(demo_cur, target)
    same_patient = {
        int(r[0])
        for r in demo_cur.execute("SELECT case_id FROM mdt_case WHERE patient_id = ? AND status <> 'closed'", [pid]).fetchall()
    }
    _calcium(demo_cur, staff["member"], target, "3.60", "38")
    assert set(urgency.stale_cases(demo_cur, ids, TODAY)) == same_patient
    assert urgency.ensure_current(demo_cur, [target], as_of=TODAY)[target].urgency == Priority.EMERGENCY
    assert urgency.stale_cases(demo_cur, ids, TODAY) == sorted(same_patient - {target})

    # time passing: tomorrow every row is recomputed (freshness windows may have expired)
    assert urgency.stale_cases(demo_cur, ids, TODAY + timedelta(days=1)) == ids


def test_bulk_refresh_equals_the_case_board(demo_cur: duckdb.DuckDBPyConnection) -> None:
    ids = [
        int(r[0]) for r in demo_cur.execute("SELECT case_id FROM mdt_case WHERE status <> 'closed' ORDER BY case_id").fetchall()
    ]
    bulk = urgency.refresh(demo_cur, ids, as_of=TODAY, chunk=37)
    assert set(bulk) == set(ids)
    decided = urgency.acted_on(demo_cur, ids)
    for case_id in ids:
        board = load_board(demo_cur, case_id, TODAY)
        one = urgency.from_report(case_id, None if case_id in decided else board.cf.case.priority, board.rules)
        assert bulk[case_id] == one, case_id
    stored = urgency.ensure_current(demo_cur, ids, as_of=TODAY)
    assert stored == bulk  # what the table holds reads back the same


def test_urgency_is_the_banner_s_highest_and_never_below_the_referral(demo_cur: duckdb.DuckDBPyConnection) -> None:
    """... never below the referral priority until a decision about the case is signed."""
    ids = [int(r[0]) for r in demo_cur.execute("SELECT case_id FROM mdt_case WHERE status <> 'closed'").fetchall()]
    rank = urgency.RANK
    decided = urgency.acted_on(demo_cur, ids)
    for case_id, live in urgency.ensure_current(demo_cur, ids, as_of=TODAY).items():
        board = load_board(demo_cur, case_id, TODAY)
        banner = urgency.banner_results(board.rules)
        floor = [] if case_id in decided else [rank[board.cf.case.priority.value]]
        expected = min([*floor, rank["routine"], *(rank[h.urgency] for h in banner)])
        assert rank[live.urgency.value] == expected
        assert live.has_red_flag == bool(board.rules.red_flags)


# ------------------------------------------------------------------------------------------------
# Reordering


def test_three_consecutive_moves_of_one_item(
    demo_cur: duckdb.DuckDBPyConnection, next_meeting: int, staff: dict[str, Actor]
) -> None:
    tiers = agenda.item_tiers(demo_cur, next_meeting)
    ids = [int(i) for i in listing.agenda_items(demo_cur, next_meeting)["item_id"]]
    # an item with at least three items of its own tier above it
    k = next(i for i in range(3, len(ids)) if len({tiers[ids[j]] for j in range(i - 3, i + 1)}) == 1)
    item = ids[k]
    for step in range(1, 4):
        assert agenda.move_item(demo_cur, staff["coordinator"], item, -1) is True
        now = [int(i) for i in listing.agenda_items(demo_cur, next_meeting)["item_id"]]
        assert now.index(item) == k - step
    expected = [*ids[: k - 3], item, *ids[k - 3 : k], *ids[k + 1 :]]
    assert [int(i) for i in listing.agenda_items(demo_cur, next_meeting)["item_id"]] == expected
    moves = demo_cur.execute(
        "SELECT count(*) FROM audit_log WHERE entity = 'agenda_item' AND entity_id = ? AND action = 'update'", [str(item)]
    ).fetchone()
    assert moves == (3,)


def test_a_move_stays_within_its_urgency_group(
    demo_cur: duckdb.DuckDBPyConnection, next_meeting: int, staff: dict[str, Actor]
) -> None:
    tiers = agenda.item_tiers(demo_cur, next_meeting)
    ids = [int(i) for i in listing.agenda_items(demo_cur, next_meeting)["item_id"]]
    edge = next(i for i in range(1, len(ids)) if tiers[ids[i]] != tiers[ids[i - 1]])
    assert agenda.move_item(demo_cur, staff["coordinator"], ids[edge], -1) is False
    assert agenda.move_item(demo_cur, staff["coordinator"], ids[0], -1) is False
    assert [int(i) for i in listing.agenda_items(demo_cur, next_meeting)["item_id"]] == ids
    with pytest.raises(PermissionDeniedError):
        agenda.move_item(demo_cur, staff["member"], ids[1], -1)


def test_a_move_racing_another_move_changes_nothing(
    demo_cur: duckdb.DuckDBPyConnection, next_meeting: int, staff: dict[str, Actor], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another session (or replica) moves the neighbour between this move's read and its write:
    this move is refused whole and the agenda keeps one item per position."""
    tiers = agenda.item_tiers(demo_cur, next_meeting)
    ids = [int(i) for i in listing.agenda_items(demo_cur, next_meeting)["item_id"]]
    k = next(i for i in range(2, len(ids)) if len({tiers[ids[j]] for j in range(i - 2, i + 1)}) == 1)
    other = demo_cur.cursor()
    real_tiers = agenda.item_tiers
    raced: list[bool] = []

    def tiers_after_a_racing_move(cur: duckdb.DuckDBPyConnection, meeting_id: int) -> dict[int, int]:
        if not raced:
            raced.append(False)  # the racing move itself reads the tiers as they are
            raced[0] = agenda.move_item(other, staff["coordinator"], ids[k - 1], -1)
        return real_tiers(cur, meeting_id)

    monkeypatch.setattr(agenda, "item_tiers", tiers_after_a_racing_move)
    with pytest.raises(ConflictError):
        agenda.move_item(demo_cur, staff["coordinator"], ids[k], -1)
    other.close()
    assert raced == [True]
    expected = [*ids[: k - 2], ids[k - 1], ids[k - 2], *ids[k:]]
    assert [int(i) for i in listing.agenda_items(demo_cur, next_meeting)["item_id"]] == expected
    positions = demo_cur.execute("SELECT position FROM agenda_item WHERE meeting_id = ?", [next_meeting]).fetchall()
    assert len(positions) == len({p[0] for p in positions})


def test_manual_order_survives_a_new_listing_and_an_escalation(
    demo_cur: duckdb.DuckDBPyConnection, next_meeting: int, staff: dict[str, Actor]
) -> None:
    tiers = agenda.item_tiers(demo_cur, next_meeting)
    ids = [int(i) for i in listing.agenda_items(demo_cur, next_meeting)["item_id"]]
    k = next(i for i in range(1, len(ids)) if tiers[ids[i]] == tiers[ids[i - 1]])
    agenda.move_item(demo_cur, staff["coordinator"], ids[k], -1)
    case_id = _quiet_candidate(demo_cur, next_meeting)
    agenda.list_case(demo_cur, staff["coordinator"], case_id, next_meeting, ready=True)
    now = [int(i) for i in listing.agenda_items(demo_cur, next_meeting)["item_id"]]
    assert now.index(ids[k]) < now.index(ids[k - 1])  # the coordinator's order within the group holds
    agenda.order_by_urgency(demo_cur, staff["coordinator"], next_meeting)  # starting afresh resets it
    ranks = list(agenda.item_tiers(demo_cur, next_meeting).items())
    order = [int(i) for i in listing.agenda_items(demo_cur, next_meeting)["item_id"]]
    tiers_now = dict(ranks)
    assert [tiers_now[i] for i in order] == sorted(tiers_now[i] for i in order)


def test_cannot_exclude_banner_lines_count_and_questions_do_not() -> None:
    """The fail-safe banner (safety rule 1): a "cannot exclude" line sets the case's urgency; an
    "ask" or an emergency rule's missing data does not (the rule did not fire)."""
    from types import SimpleNamespace as Line

    def line(kind: str, urgency: str) -> Line:
        return Line(rule_id="RF-FEBRILE-NEUTROPENIA", urgency=urgency, kind=kind, text_en=f"{kind} x", text_zh=f"{kind} 甲")

    quiet = Line(fired=(), red_flags=(), banner=(line("ask", "emergency"), line("needs_data", "emergency")))
    assert urgency.from_report(1, Priority.ROUTINE, quiet).urgency == Priority.ROUTINE  # type: ignore[arg-type]
    unsure = Line(fired=(), red_flags=(), banner=(line("cannot_exclude", "emergency"),))
    result = urgency.from_report(1, Priority.ROUTINE, unsure)  # type: ignore[arg-type]
    assert result.urgency == Priority.EMERGENCY
    assert result.reasons[0].text_en == "cannot_exclude x"
    assert urgency.from_report(1, Priority.URGENT, quiet).urgency == Priority.URGENT  # never below the referral  # type: ignore[arg-type]


def test_the_referral_priority_holds_until_a_decision_is_signed(demo_cur: duckdb.DuckDBPyConnection) -> None:
    """Lecture case 2 was referred as an emergency; its decision was signed after the corpectomy
    and its data now raise nothing: routine, without the referral's reason. A case referred as an
    emergency and never decided keeps the referral's urgency."""
    from db.demo import lecture_case_id

    treated = lecture_case_id(demo_cur, 2)
    waiting = demo_cur.execute(
        "SELECT min(case_id) FROM mdt_case c WHERE priority = 'emergency' AND NOT EXISTS ("
        " SELECT 1 FROM decision d WHERE d.case_id = c.case_id AND d.status = 'signed' AND d.outcome = 'decided')"
    ).fetchone()
    assert waiting is not None and waiting[0] is not None, "the demo has no undecided emergency referral"
    assert urgency.acted_on(demo_cur, [treated, int(waiting[0])]) == {treated}
    live = urgency.refresh(demo_cur, [treated, int(waiting[0])], as_of=TODAY)
    assert live[treated].urgency == Priority.ROUTINE
    assert all(r.rule_id != urgency.REFERRAL for r in live[treated].reasons)
    assert live[int(waiting[0])].urgency == Priority.EMERGENCY
    assert any(r.rule_id == urgency.REFERRAL for r in live[int(waiting[0])].reasons)
