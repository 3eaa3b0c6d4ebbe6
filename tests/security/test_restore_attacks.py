"""Findings 1 and 2: a crafted backup runs no SQL; an empty or edited manifest restores nothing.

These attack the DuckDB backup (a folder of Parquet files, SQL files and a manifest) and its
restore into a store file, so they run on DuckDB only. A PostgreSQL backup is a ``pg_dump``
restored only when its manifest is signed with the store's secret and the dump matches its
checksum, only into an empty database, and verified after (tests/db/test_postgres.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from core.models import SYSTEM_ACTOR
from db import backup as backups
from db.cli import main
from tests.conftest import duckdb_only

pytestmark = duckdb_only(
    "a Parquet backup folder restored into a store file; pg_dump backup and restore: tests/db/test_postgres.py"
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def bk(demo_copy: Path, tmp_path: Path) -> Path:
    target = tmp_path / "backup"
    assert main(["backup", str(target), "--db", str(demo_copy)]) == 0
    return target


def _manifest(bk: Path) -> dict[str, object]:
    return json.loads((bk / "manifest.json").read_text())


def _write(bk: Path, manifest: dict[str, object]) -> None:
    (bk / "manifest.json").write_text(json.dumps(manifest))


def _plant_sql(bk: Path, tmp_path: Path) -> Path:
    """The tester's attack: SQL that writes a file of the attacker's choosing, in the backup."""
    owned = tmp_path / "owned.py"
    payload = f"COPY (SELECT 'import os') TO '{owned}' (FORMAT csv, HEADER false);\n"
    for name in ("schema.sql", "load.sql"):
        (bk / name).write_text(payload)
    return owned


def test_crafted_backup_with_recomputed_checksums_is_refused(
    bk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    owned = _plant_sql(bk, tmp_path)
    manifest = _manifest(bk)
    manifest["files"] = {"schema.sql": _sha(bk / "schema.sql"), "load.sql": _sha(bk / "load.sql")}
    _write(bk, manifest)
    target = tmp_path / "restored.duckdb"
    assert main(["restore", str(bk), "--db", str(target)]) == 1
    assert "not authenticated" in capsys.readouterr().err
    assert not owned.exists()
    assert not target.exists()


def test_accepted_unauthenticated_backup_still_never_runs_its_sql(bk: Path, tmp_path: Path) -> None:
    owned = _plant_sql(bk, tmp_path)
    manifest = _manifest(bk)
    manifest["mac"] = "0" * 64
    _write(bk, manifest)
    target = tmp_path / "restored.duckdb"
    assert main(["restore", str(bk), "--db", str(target), "--accept-unauthenticated"]) == 0
    assert not owned.exists()  # the SQL files are never read
    con = duckdb.connect(str(target), read_only=True)
    try:
        reason = con.execute("SELECT reason FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        con.close()
    assert reason == ("restore (unauthenticated backup accepted)",)


def test_backup_written_with_another_key_is_refused(bk: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BONEMDT_SECRET", "another-site-secret-of-sufficient-length-000")
    with pytest.raises(backups.BackupError, match="not authenticated"):
        backups.restore(bk, tmp_path / "r.duckdb", actor=SYSTEM_ACTOR)


def test_empty_manifest_restores_nothing(bk: Path, tmp_path: Path, demo_copy: Path) -> None:
    manifest = _manifest(bk)
    manifest["tables"] = {}
    manifest["files"] = {}
    _write(bk, manifest)
    live = tmp_path / "live.duckdb"
    shutil.copy(demo_copy, live)
    before = live.read_bytes()
    with pytest.raises(backups.BackupError, match="does not list the table"):
        backups.restore(bk, live, actor=SYSTEM_ACTOR, accept_unauthenticated=True)
    assert live.read_bytes() == before


def _rewrite_parquet(bk: Path, table: str, sql: str) -> None:
    """Rewrite one data file offline and fix its checksum and row count in the manifest."""
    path = bk / f"{table}.parquet"
    con = duckdb.connect()
    try:
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{path}')")
        con.execute(sql)
        con.execute(f"COPY t TO '{path}' (FORMAT parquet)")
        rows = con.execute("SELECT count(*) FROM t").fetchone()[0]  # type: ignore[index]
    finally:
        con.close()
    manifest = _manifest(bk)
    manifest["tables"][table].update(sha256=_sha(path), rows=int(rows))  # type: ignore[index]
    _write(bk, manifest)


def test_rewritten_signed_decisions_are_refused(bk: Path, tmp_path: Path) -> None:
    _rewrite_parquet(bk, "decision", "UPDATE t SET summary = 'rewritten' WHERE status = 'signed'")
    with pytest.raises(backups.BackupError, match="signed decision"):
        backups.restore(bk, tmp_path / "r.duckdb", actor=SYSTEM_ACTOR, accept_unauthenticated=True)
    assert not (tmp_path / "r.duckdb").exists()


def test_removed_audit_rows_are_refused(bk: Path, tmp_path: Path) -> None:
    _rewrite_parquet(bk, "audit_log", "DELETE FROM t WHERE seq > (SELECT max(seq) - 30 FROM t)")
    with pytest.raises(backups.BackupError, match="audit trail"):
        backups.restore(bk, tmp_path / "r.duckdb", actor=SYSTEM_ACTOR, accept_unauthenticated=True)


def test_missing_table_file_is_refused(bk: Path, tmp_path: Path) -> None:
    (bk / "audit_log.parquet").unlink()
    with pytest.raises(backups.BackupError, match="missing"):
        backups.restore(bk, tmp_path / "r.duckdb", actor=SYSTEM_ACTOR)


def test_round_trip_keeps_ids_moving_forward(bk: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.duckdb"
    backups.restore(bk, target, actor=SYSTEM_ACTOR)
    con = duckdb.connect(str(target))
    try:
        top = con.execute("SELECT max(patient_id) FROM patient").fetchone()[0]  # type: ignore[index]
        nxt = con.execute("SELECT nextval('seq_patient')").fetchone()[0]  # type: ignore[index]
    finally:
        con.close()
    assert nxt > top
