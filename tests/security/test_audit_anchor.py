"""Finding 4: the audit chain is keyed and anchored; tail deletion and re-hashed edits are caught."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from core.models import SYSTEM_ACTOR
from db import audit, keys
from db.migrate import migrate
from db.store import open_store


def _store(path: Path, rows: int = 12) -> None:
    con = duckdb.connect(str(path))
    try:
        migrate(con)
        for i in range(rows):
            audit.record(con, SYSTEM_ACTOR, "update", "thing", i)
        audit.write_checkpoint(con)
    finally:
        con.close()


def _offline(path: Path, *sql: str) -> None:
    """Another tool on the store file: it can drop the guard triggers."""
    con = duckdb.connect(str(path))
    try:
        con.execute("DROP TRIGGER audit_log_no_delete ON audit_log")
        con.execute("DROP TRIGGER audit_log_no_update ON audit_log")
        for stmt in sql:
            con.execute(stmt)
    finally:
        con.close()


def _verify(path: Path) -> audit.ChainReport:
    con = duckdb.connect(str(path))
    try:
        return audit.verify_store(con)
    finally:
        con.close()


def test_intact_store_verifies(tmp_path: Path) -> None:
    _store(tmp_path / "s.duckdb")
    assert _verify(tmp_path / "s.duckdb").ok


def test_deleting_the_tail_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    _store(path)
    _offline(path, "DELETE FROM audit_log WHERE seq > 9")
    report = _verify(path)
    assert not report.ok
    assert "checkpoint" in report.problem


def test_deleting_every_row_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    _store(path)
    _offline(path, "DELETE FROM audit_log")
    assert not _verify(path).ok


def test_edited_row_with_a_rehashed_chain_is_detected(tmp_path: Path) -> None:
    """Without the key the attacker re-hashes with plain SHA-256 (the old scheme): refused."""
    path = tmp_path / "s.duckdb"
    _store(path, rows=5)
    con = duckdb.connect(str(path))
    rows = con.execute(
        "SELECT seq, at_utc, actor, role, action, entity, entity_id, patient_id, before_json, after_json, reason, outcome"
        " FROM audit_log ORDER BY seq"
    ).fetchall()
    con.close()
    stmts = ["DELETE FROM audit_log"]
    prev = audit.GENESIS
    for row in rows:
        fields = list(row)
        if fields[0] == 3:
            fields[10] = "edited"
        digest = hashlib.sha256(json.dumps([prev, *fields], default=audit._default, ensure_ascii=False).encode()).hexdigest()
        values = ", ".join("NULL" if v is None else f"'{v}'" for v in [*fields, prev, digest])
        stmts.append(f"INSERT INTO audit_log VALUES ({values})")
        prev = digest
    _offline(path, *stmts)
    report = _verify(path)
    assert not report.ok
    assert report.first_bad_seq == 1


def test_forged_checkpoint_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    _store(path)
    cp_file = audit.checkpoint_path_for(path)
    data = json.loads(cp_file.read_text())
    data["count"] = 3
    cp_file.write_text(json.dumps(data))
    report = _verify(path)
    assert not report.ok
    assert "signature" in report.problem


def test_key_file_lives_beside_the_store_not_in_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(keys.SECRET_ENV, raising=False)
    path = tmp_path / "s.duckdb"
    _store(path)
    key_file = keys.key_file_for(path)
    assert key_file.is_file()
    assert key_file.stat().st_mode & 0o077 == 0
    assert _verify(path).ok
    # Copying the store without its key: the chain no longer verifies (nobody can re-sign it).
    other = tmp_path / "copy" / "s.duckdb"
    other.parent.mkdir()
    other.write_bytes(path.read_bytes())
    assert not _verify(other).ok


def test_store_start_reports_the_cut_tail(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    _store(path)
    _offline(path, "DELETE FROM audit_log WHERE seq > 6")
    store = open_store(path, demo=False)
    try:
        assert not store.chain_ok
    finally:
        store.conn.close()
