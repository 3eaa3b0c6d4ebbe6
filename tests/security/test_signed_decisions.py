"""Finding 5: signed decisions are re-verified and the store refuses forged signed rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from db.decision_reads import get_decision
from db.signatures import signature_intact, verify_signed
from db.store import open_store


def _signed_id(cur: duckdb.DuckDBPyConnection) -> int:
    return int(cur.execute("SELECT min(decision_id) FROM decision WHERE status = 'signed'").fetchone()[0])  # type: ignore[index]


def test_plan_item_insert_into_a_signed_decision_is_refused(demo_cur: duckdb.DuckDBPyConnection) -> None:
    did = _signed_id(demo_cur)
    with pytest.raises(duckdb.Error, match="immutable"):
        demo_cur.execute(
            "INSERT INTO plan_item (decision_id, position, rule_id, kind, text, disposition, reason)"
            " VALUES (?, 99, 'x', 'other', 'added later', 'accepted', '')",
            [did],
        )


def test_forged_signed_insert_is_refused(demo_cur: duckdb.DuckDBPyConnection) -> None:
    case_id = demo_cur.execute("SELECT min(case_id) FROM mdt_case WHERE case_id NOT IN (SELECT case_id FROM decision)").fetchone()[0]  # type: ignore[index]
    with pytest.raises(duckdb.Error, match="never inserted signed"):
        demo_cur.execute(
            "INSERT INTO decision (case_id, version, status, outcome, decided_on, signed_by, signed_at, content_hash)"
            " VALUES (?, 1, 'signed', 'decided', current_date, 1, now(), 'x')",
            [case_id],
        )


def test_offline_edit_of_a_signed_decision_is_seen(demo_copy: Path) -> None:
    con = duckdb.connect(str(demo_copy))
    did = _signed_id(con)
    assert signature_intact(get_decision(con, did))
    con.execute("DROP TRIGGER decision_signed_no_update ON decision")
    con.execute("UPDATE decision SET summary = summary || ' (edited offline)' WHERE decision_id = ?", [did])
    assert not signature_intact(get_decision(con, did))
    assert verify_signed(con) == [did]
    con.close()
    store = open_store(demo_copy, demo=False)
    try:
        assert store.tampered_decisions == (did,)
    finally:
        store.conn.close()
