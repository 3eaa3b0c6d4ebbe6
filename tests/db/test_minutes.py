"""Minutes and outcome letters gathered from a real demo store; exports are role-gated and audited."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from core.errors import FieldError, NotFoundError, PermissionDeniedError
from core.models import Decision, Outcome, PlanItem, Role
from db import audit, decision_reads, decision_signing, decisions, minutes, users
from tests.conftest import actor


def _closed_meeting_with_decisions(cur: duckdb.DuckDBPyConnection) -> int:
    row = cur.execute(
        "SELECT a.meeting_id FROM agenda_item a JOIN meeting m USING (meeting_id) JOIN decision d USING (item_id)"
        " WHERE m.status = 'closed' GROUP BY a.meeting_id ORDER BY count(*) DESC, a.meeting_id LIMIT 1"
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_meeting_minutes_lists_attendance_decisions_actions(demo_cur: duckdb.DuckDBPyConnection) -> None:
    mid = _closed_meeting_with_decisions(demo_cur)
    m = minutes.meeting_minutes(demo_cur, mid)
    n_items = demo_cur.execute("SELECT count(*) FROM agenda_item WHERE meeting_id = ?", [mid]).fetchone()
    assert len(m.cases) == n_items[0]
    assert m.attendance
    assert any(a.present for a in m.attendance)
    assert m.chair
    decided = [c for c in m.cases if c.decision is not None]
    assert decided
    signed = next(c.decision for c in decided if c.decision and c.decision.signature)
    assert signed.signature
    assert len(signed.signature.content_hash) == 64
    assert signed.signature.name
    # every plan line of the shown decision is there, in order
    assert [p.position for p in signed.plan] == sorted(p.position for p in signed.plan)
    assert any(c.actions for c in m.cases)
    assert any(c.opinions for c in m.cases)


def test_minutes_show_the_latest_signed_version(demo_cur: duckdb.DuckDBPyConnection) -> None:
    row = demo_cur.execute(
        "SELECT d.case_id, d.item_id, a.meeting_id FROM decision d JOIN agenda_item a USING (item_id)"
        " WHERE d.status = 'signed' AND d.version = 1 AND d.outcome = 'decided'"
        " AND (SELECT count(*) FROM decision x WHERE x.case_id = d.case_id) = 1 ORDER BY d.decision_id LIMIT 1"
    ).fetchone()
    case_id, _, mid = (int(v) for v in row)
    chair = users.actor_by_username(demo_cur, "chair")
    v1 = decision_reads.decisions_for_case(demo_cur, case_id).iloc[0]
    v2 = decisions.amend(demo_cur, chair, int(v1["decision_id"]), reason="Correction of the dose")
    shown = next(c for c in minutes.meeting_minutes(demo_cur, mid).cases if c.case_id == case_id).decision
    assert shown is not None
    assert shown.version == 1
    assert shown.signature is not None
    v2 = decision_signing.sign(
        demo_cur, chair, int(v2.decision_id or 0), password=users.DEMO_PASSWORD, expected_version=v2.row_version
    )
    shown = next(c for c in minutes.meeting_minutes(demo_cur, mid).cases if c.case_id == case_id).decision
    assert shown is not None
    assert shown.version == 2
    assert shown.amendment_reason == "Correction of the dose"
    letter = minutes.outcome_letter(demo_cur, case_id)
    assert letter.decision is not None
    assert letter.decision.version == 2
    assert letter.meeting_date is not None
    assert letter.attendance


def test_outcome_letter_for_a_draft_only_case(demo_cur: duckdb.DuckDBPyConnection) -> None:
    case_id = int(
        demo_cur.execute(
            "SELECT case_id FROM mdt_case c WHERE NOT EXISTS (SELECT 1 FROM decision d WHERE d.case_id = c.case_id)"
            " ORDER BY case_id LIMIT 1"
        ).fetchone()[0]
    )
    assert minutes.outcome_letter(demo_cur, case_id).decision is None
    member = users.actor_by_username(demo_cur, "member")
    decisions.save_draft(
        demo_cur,
        member,
        Decision(
            case_id=case_id,
            decided_on=date.today(),
            outcome=Outcome.DECIDED,
            summary="李雷：内固定",
            plan=(PlanItem(kind="fixation", text="股骨髓内钉固定", disposition="free_text"),),
            emergency=True,
        ),
    )
    letter = minutes.outcome_letter(demo_cur, case_id)
    assert letter.decision is not None
    assert letter.decision.signature is None
    assert letter.decision.status == "draft"
    assert letter.decision.plan[0].text == "股骨髓内钉固定"
    assert letter.patient
    assert letter.referrer


def test_unknown_meeting_and_case(demo_cur: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(NotFoundError):
        minutes.meeting_minutes(demo_cur, 999_999)
    with pytest.raises(NotFoundError):
        minutes.outcome_letter(demo_cur, 999_999)


@pytest.mark.parametrize("role", [Role.CHAIR, Role.MEMBER, Role.COORDINATOR])
def test_exports_are_audited(demo_cur: duckdb.DuckDBPyConnection, role: Role) -> None:
    # A real account of that role: every write re-reads the account's current role.
    uid = demo_cur.execute("SELECT min(user_id) FROM app_user WHERE role = ?", [role.value]).fetchone()[0]
    who = actor(role, int(uid))
    mid = _closed_meeting_with_decisions(demo_cur)
    before = audit.count(demo_cur)
    m = minutes.export_minutes(demo_cur, who, mid, "pdf")
    case_id = m.cases[0].case_id
    minutes.export_letter(demo_cur, who, case_id, "markdown")
    rows = demo_cur.execute(
        "SELECT action, entity, entity_id, patient_id, outcome, after_json FROM audit_log WHERE seq > ? ORDER BY seq", [before]
    ).fetchall()
    assert [(r[0], r[1], r[4]) for r in rows] == [("export", "minutes", "ok"), ("export", "letter", "ok")]
    assert rows[0][2] == str(mid)
    assert '"pdf"' in rows[0][5]
    patient = demo_cur.execute("SELECT patient_id FROM mdt_case WHERE case_id = ?", [case_id]).fetchone()[0]
    assert rows[1][2] == str(case_id)
    assert rows[1][3] == patient
    assert '"markdown"' in rows[1][5]
    assert audit.verify_chain(demo_cur).ok


@pytest.mark.parametrize("role", [Role.ANALYST, Role.ADMIN])
def test_exports_refused_without_case_access(demo_cur: duckdb.DuckDBPyConnection, role: Role) -> None:
    who = actor(role, 4)
    mid = _closed_meeting_with_decisions(demo_cur)
    with pytest.raises(PermissionDeniedError):
        minutes.export_minutes(demo_cur, who, mid, "pdf")
    with pytest.raises(PermissionDeniedError):
        minutes.export_letter(demo_cur, who, 1, "pdf")
    last = demo_cur.execute("SELECT action, outcome FROM audit_log ORDER BY seq DESC LIMIT 2").fetchall()
    assert last == [("denied", "denied"), ("denied", "denied")]


def test_export_format_is_checked(demo_cur: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(FieldError):
        minutes.export_minutes(demo_cur, actor(Role.CHAIR), 1, "docx")
