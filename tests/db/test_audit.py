"""Audit trail: append-only in the store, hash chain detects out-of-band tampering."""

from __future__ import annotations

import duckdb
import pytest

from core.models import SYSTEM_ACTOR
from db import audit


def _three_rows(cur: duckdb.DuckDBPyConnection) -> None:
    for i in range(3):
        audit.record(cur, SYSTEM_ACTOR, "create", "thing", i, after={"i": i, "text": "患者 ✓"})


def test_rows_chain_and_verify(cur: duckdb.DuckDBPyConnection) -> None:
    _three_rows(cur)
    report = audit.verify_chain(cur)
    assert report.ok and report.rows == 3
    seqs = [r[0] for r in cur.execute("SELECT seq FROM audit_log ORDER BY seq").fetchall()]
    assert seqs == [1, 2, 3]


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log WHERE seq = 2", "DELETE FROM audit_log"]
)
def test_update_and_delete_refused_by_the_store(cur: duckdb.DuckDBPyConnection, sql: str) -> None:
    _three_rows(cur)
    with pytest.raises(duckdb.Error, match="append-only"):
        cur.execute(sql)
    assert audit.count(cur) == 3


def test_out_of_band_tampering_is_detected(cur: duckdb.DuckDBPyConnection) -> None:
    con = cur
    _three_rows(con)
    # An attacker with file access drops the guard and rewrites history.
    con.execute("DROP TRIGGER audit_log_no_update ON audit_log")
    con.execute("UPDATE audit_log SET after_json = '{\"i\": 99}' WHERE seq = 2")
    report = audit.verify_chain(con)
    assert not report.ok
    assert report.first_bad_seq == 2


def test_deleted_row_breaks_the_chain(cur: duckdb.DuckDBPyConnection) -> None:
    con = cur
    _three_rows(con)
    con.execute("DROP TRIGGER audit_log_no_delete ON audit_log")
    con.execute("DELETE FROM audit_log WHERE seq = 2")
    assert not audit.verify_chain(con).ok


def test_failed_change_leaves_no_audit_row(cur: duckdb.DuckDBPyConnection) -> None:
    from db.connection import transaction

    with pytest.raises(duckdb.ConstraintException), transaction(cur):
        audit.record(cur, SYSTEM_ACTOR, "create", "lesion", 1)
        cur.execute("INSERT INTO lesion (patient_id, bone, level, lesion_type) VALUES (1, 'spine', 'T13', 'lytic')")
    assert audit.count(cur) == 0
