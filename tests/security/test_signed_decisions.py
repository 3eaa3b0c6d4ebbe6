"""Finding 5: signed decisions are re-verified and the store refuses forged signed rows
(on the store engine of the run: tests/conftest.py)."""

from __future__ import annotations

import duckdb
import pytest

from db.connection import connect
from db.decision_reads import get_decision
from db.dialect import ident
from db.signatures import signature_intact, verify_signed
from db.store import open_store
from tests.conftest import Stores
from tests.security.conftest import without_guards


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
    case_id = demo_cur.execute(
        "SELECT min(case_id) FROM mdt_case WHERE case_id NOT IN (SELECT case_id FROM decision)"
    ).fetchone()[0]  # type: ignore[index]
    with pytest.raises(duckdb.Error, match="never inserted signed"):
        demo_cur.execute(
            "INSERT INTO decision (case_id, version, status, outcome, decided_on, signed_by, signed_at, content_hash)"
            " VALUES (?, 1, 'signed', 'decided', current_date, 1, now(), 'x')",
            [case_id],
        )


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE decision SET summary = 'changed' WHERE decision_id = ?",
        "DELETE FROM decision WHERE decision_id = ?",
        "UPDATE plan_item SET text = 'changed' WHERE decision_id = ?",
        "DELETE FROM plan_item WHERE decision_id = ?",
    ],
)
def test_a_signed_decision_and_its_plan_are_amend_only(demo_cur: duckdb.DuckDBPyConnection, sql: str) -> None:
    did = _signed_id(demo_cur)
    assert demo_cur.execute("SELECT count(*) FROM plan_item WHERE decision_id = ?", [did]).fetchone() != (0,)
    with pytest.raises(duckdb.Error, match="immutable"):
        demo_cur.execute(sql, [did])
    assert signature_intact(get_decision(demo_cur, did))


@pytest.mark.parametrize("table", ["decision", "plan_item", "plan_item_text"])
def test_truncate_cannot_empty_signed_decisions(demo_cur: duckdb.DuckDBPyConnection, table: str) -> None:
    """DuckDB runs TRUNCATE as a DELETE (refused by the statement guards); PostgreSQL's row
    triggers do not fire on it, so migration 015 guards TRUNCATE there."""
    signed = demo_cur.execute("SELECT count(*) FROM decision WHERE status = 'signed'").fetchone()
    rows = demo_cur.execute("SELECT count(*) FROM " + ident(table)).fetchone()
    with pytest.raises(duckdb.Error, match="immutable"):
        demo_cur.execute("TRUNCATE " + ident(table))
    assert demo_cur.execute("SELECT count(*) FROM decision WHERE status = 'signed'").fetchone() == signed != (0,)
    assert demo_cur.execute("SELECT count(*) FROM " + ident(table)).fetchone() == rows
    assert verify_signed(demo_cur) == []


def test_offline_edit_of_a_signed_decision_is_seen(stores: Stores) -> None:
    target = stores.demo()
    con = connect(target)
    did = _signed_id(con)
    assert signature_intact(get_decision(con, did))
    without_guards(
        con,
        "decision",
        ["decision_signed_no_update"],
        ("UPDATE decision SET summary = summary || ' (edited offline)' WHERE decision_id = ?", [did]),
    )
    assert not signature_intact(get_decision(con, did))
    assert verify_signed(con) == [did]
    con.close()
    store = open_store(target, demo=False)
    try:
        assert store.tampered_decisions == (did,)
    finally:
        store.conn.close()
