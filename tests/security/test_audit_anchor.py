"""Finding 4: the audit chain is keyed and anchored; tail deletion and re-hashed edits are caught.

The chain, its key and a checkpoint taken earlier are tested on the store engine of the run
(tests/conftest.py). The checkpoint *file* beside the store and the key file are DuckDB's: a
PostgreSQL store has no file to keep them beside (its secret is ``BONEMDT_SECRET``)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from core.models import SYSTEM_ACTOR
from db import audit, keys
from db.connection import connect
from db.store import open_store
from tests.conftest import Stores, duckdb_only
from tests.security.conftest import Statement, without_guards

COLUMNS = "seq, at_utc, actor, role, action, entity, entity_id, patient_id, before_json, after_json, reason, outcome"
GUARDS = ["audit_log_no_delete", "audit_log_no_update"]


def _store(stores: Stores, rows: int = 12) -> str:
    target = stores.migrated()
    con = connect(target)
    try:
        for i in range(rows):
            audit.record(con, SYSTEM_ACTOR, "update", "thing", i)
        audit.write_checkpoint(con)
    finally:
        con.close()
    return target


def _offline(target: str, *sql: Statement) -> None:
    """Another tool on the store with the owner's rights: it can take the guard triggers away."""
    con = connect(target)
    try:
        without_guards(con, "audit_log", GUARDS, *sql)
    finally:
        con.close()


def _verify(target: str | Path) -> audit.ChainReport:
    con = connect(target)
    try:
        return audit.verify_store(con)
    finally:
        con.close()


def _checkpoint(target: str) -> audit.Checkpoint:
    """A checkpoint as the server log and every backup manifest keep it, outside the store."""
    con = connect(target)
    try:
        return audit.make_checkpoint(con)
    finally:
        con.close()


def _against(target: str, cp: audit.Checkpoint) -> audit.ChainReport:
    con = connect(target)
    try:
        return audit.check_against(con, cp)
    finally:
        con.close()


def test_intact_store_verifies(stores: Stores) -> None:
    target = _store(stores)
    assert _verify(target).ok
    assert _against(target, _checkpoint(target)).ok


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_log SET reason = 'edited'", "DELETE FROM audit_log WHERE seq > 9", "TRUNCATE audit_log"]
)
def test_the_store_refuses_edits_of_the_trail(stores: Stores, sql: str) -> None:
    target = _store(stores)
    con = connect(target)
    try:
        with pytest.raises(duckdb.Error, match="append-only"):
            con.execute(sql)
        assert audit.count(con) == 12
    finally:
        con.close()
    assert _verify(target).ok


def test_deleting_a_row_inside_the_trail_is_detected(stores: Stores) -> None:
    target = _store(stores)
    _offline(target, "DELETE FROM audit_log WHERE seq = 5")
    report = _verify(target)
    assert not report.ok
    assert report.first_bad_seq == 6 and "gap" in report.problem


def test_cut_tail_fails_against_an_earlier_checkpoint(stores: Stores) -> None:
    target = _store(stores)
    cp = _checkpoint(target)
    _offline(target, "DELETE FROM audit_log WHERE seq > 9")
    report = _against(target, cp)
    assert not report.ok
    assert "checkpoint saw 12" in report.problem


def test_emptied_trail_fails_against_an_earlier_checkpoint(stores: Stores) -> None:
    target = _store(stores)
    cp = _checkpoint(target)
    _offline(target, "DELETE FROM audit_log")
    assert not _against(target, cp).ok


@duckdb_only(
    "the checkpoint file beside the store file (a PostgreSQL store has none: see test_cut_tail_fails_against_an_earlier_checkpoint)"
)
def test_deleting_the_tail_is_detected(stores: Stores) -> None:
    target = _store(stores)
    _offline(target, "DELETE FROM audit_log WHERE seq > 9")
    report = _verify(target)
    assert not report.ok
    assert "checkpoint" in report.problem


@duckdb_only("the checkpoint file beside the store file (a PostgreSQL store has none)")
def test_deleting_every_row_is_detected(stores: Stores) -> None:
    target = _store(stores)
    _offline(target, "DELETE FROM audit_log")
    assert not _verify(target).ok


def test_edited_row_with_a_rehashed_chain_is_detected(stores: Stores) -> None:
    """Without the key the attacker re-hashes with plain SHA-256 (the old scheme): refused."""
    target = _store(stores, rows=5)
    con = connect(target)
    rows = con.execute("SELECT " + COLUMNS + " FROM audit_log ORDER BY seq").fetchall()
    con.close()
    stmts: list[Statement] = ["DELETE FROM audit_log"]
    prev = audit.GENESIS
    for row in rows:
        fields = list(row)
        if fields[0] == 3:
            fields[10] = "edited"
        digest = hashlib.sha256(json.dumps([prev, *fields], default=audit._default, ensure_ascii=False).encode()).hexdigest()
        marks = ", ".join("?" for _ in range(len(fields) + 2))
        stmts.append(
            ("INSERT INTO audit_log (" + COLUMNS + ", prev_hash, row_hash) VALUES (" + marks + ")", [*fields, prev, digest])
        )
        prev = digest
    _offline(target, *stmts)
    report = _verify(target)
    assert not report.ok
    assert report.first_bad_seq == 1


def _legacy_rows(n: int) -> list[Statement]:
    """Rows as written before the store had a secret (plain SHA-256), from the genesis on."""
    stmts: list[Statement] = []
    prev = audit.GENESIS
    for seq in range(1, n + 1):
        fields = [seq, datetime(2025, 1, 1, 8, seq), "system", "admin", "update", "thing", str(seq), None, None, None, None, "ok"]
        digest = audit._legacy_hash(prev, fields)
        marks = ", ".join("?" for _ in range(len(fields) + 2))
        stmts.append(
            ("INSERT INTO audit_log (" + COLUMNS + ", prev_hash, row_hash) VALUES (" + marks + ")", [*fields, prev, digest])
        )
        prev = digest
    return stmts


def test_an_unkeyed_prefix_passes_a_store_without_checkpoint_only_before_a_keyed_row(stores: Stores) -> None:
    """What a PostgreSQL store (no checkpoint file) accepts: a legacy prefix (moved from an old
    DuckDB store) anchored by the keyed rows after it, never a trail of unkeyed rows alone."""
    target = stores.migrated()
    con = connect(target)
    try:
        for stmt in _legacy_rows(3):
            con.execute(stmt[0], list(stmt[1]))
        assert audit.verify_chain(con, keyed_head=False).ok
        unkeyed = audit.verify_chain(con, keyed_head=True)
        assert not unkeyed.ok and unkeyed.first_bad_seq == 1
        audit.record(con, SYSTEM_ACTOR, "move_store", "store")
        assert audit.verify_chain(con, keyed_head=True).ok
    finally:
        con.close()


def test_the_chain_verifies_only_with_the_store_secret(stores: Stores, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whoever holds the store but not its secret can neither verify nor re-sign the trail."""
    target = _store(stores)
    assert _verify(target).ok
    monkeypatch.setenv(keys.SECRET_ENV, "another-site-secret-of-sufficient-length-000")
    con = connect(target)
    try:
        report = audit.verify_chain(con)
    finally:
        con.close()
    assert not report.ok and report.first_bad_seq == 1


@duckdb_only("the checkpoint file beside the store file (a PostgreSQL store has none)")
def test_forged_checkpoint_is_refused(stores: Stores) -> None:
    target = _store(stores)
    cp_file = audit.checkpoint_path_for(target)
    data = json.loads(cp_file.read_text())
    data["count"] = 3
    cp_file.write_text(json.dumps(data))
    report = _verify(target)
    assert not report.ok
    assert "signature" in report.problem


@duckdb_only(
    "the key file beside the store file (a PostgreSQL store's secret is BONEMDT_SECRET: see test_the_chain_verifies_only_with_the_store_secret)"
)
def test_key_file_lives_beside_the_store_not_in_it(tmp_path: Path, stores: Stores, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(keys.SECRET_ENV, raising=False)
    path = Path(_store(stores))
    key_file = keys.key_file_for(path)
    assert key_file.is_file()
    assert key_file.stat().st_mode & 0o077 == 0
    assert _verify(path).ok
    # Copying the store without its key: the chain no longer verifies (nobody can re-sign it).
    other = tmp_path / "copy" / path.name
    other.parent.mkdir()
    other.write_bytes(path.read_bytes())
    assert not _verify(other).ok


def test_store_start_reports_an_edited_row(stores: Stores) -> None:
    target = _store(stores)
    _offline(target, "UPDATE audit_log SET reason = 'edited' WHERE seq = 4")
    store = open_store(target, demo=False)
    try:
        assert not store.chain_ok
        assert "does not match" in store.chain_problem
    finally:
        store.conn.close()


@duckdb_only("the checkpoint file beside the store file (a PostgreSQL store has none)")
def test_store_start_reports_the_cut_tail(stores: Stores) -> None:
    target = _store(stores)
    _offline(target, "DELETE FROM audit_log WHERE seq > 6")
    store = open_store(target, demo=False)
    try:
        assert not store.chain_ok
    finally:
        store.conn.close()
