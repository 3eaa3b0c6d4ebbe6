"""The ``bonemdt`` CLI: init, backup, restore, users, and its failures (non-zero, nothing changed)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from db import audit
from db.cli import main
from tests.conftest import BACKEND, Stores, duckdb_only

ROOT = Path(__file__).resolve().parents[2]


def test_init_creates_and_is_idempotent(stores: Stores, capsys: pytest.CaptureFixture[str]) -> None:
    blank = stores.blank()
    db = str(Path(blank).parent / "sub" / Path(blank).name) if BACKEND == "duckdb" else blank  # a new folder too
    assert main(["init", "--db", str(db)]) == 0
    assert "store ready" in capsys.readouterr().out
    assert main(["init", "--db", str(db)]) == 0
    assert "already current" in capsys.readouterr().out


@duckdb_only("a store file and its folder; PostgreSQL stores are created by the DBA")
def test_init_on_a_directory_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--db", str(tmp_path)]) == 1
    assert "directory" in capsys.readouterr().err


@duckdb_only("a store file and its folder; PostgreSQL stores are created by the DBA")
def test_backup_of_missing_store_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backup", str(tmp_path / "bk"), "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "no store" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]
        return {n: con.execute(f'SELECT * FROM "{n}" ORDER BY ALL').fetchall() for n in names}
    finally:
        con.close()


@duckdb_only("Parquet backup and file restore; pg_dump backup/restore: tests/db/test_postgres.py")
def test_backup_restore_round_trip(demo_copy: Path, tmp_path: Path) -> None:
    bk = tmp_path / "backup"
    assert main(["backup", str(bk), "--db", str(demo_copy)]) == 0
    before = _tables(demo_copy)
    restored = tmp_path / "restored.duckdb"
    assert main(["restore", str(bk), "--db", str(restored)]) == 0
    after = _tables(restored)
    for name, rows in before.items():
        if name == "audit_log":
            assert after[name][: len(rows)] == rows  # plus the restore's own audit row
        elif name == "schema_version":  # re-created by the migrations (restore runs no backup SQL)
            assert [r[:2] for r in after[name]] == [r[:2] for r in rows]
        else:
            assert after[name] == rows, name
    con = duckdb.connect(str(restored))
    assert audit.verify_chain(con).ok
    with pytest.raises(duckdb.Error, match="append-only"):
        con.execute("DELETE FROM audit_log")
    with pytest.raises(duckdb.Error, match="immutable"):
        con.execute("UPDATE decision SET summary = 'x' WHERE status = 'signed'")
    con.close()


@duckdb_only("Parquet backup and file restore; pg_dump backup/restore: tests/db/test_postgres.py")
@pytest.mark.parametrize("damage", ["missing_manifest", "corrupt_parquet", "missing_file", "bad_manifest"])
def test_damaged_backup_is_refused_and_store_untouched(
    demo_copy: Path, tmp_path: Path, damage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bk = tmp_path / "backup"
    assert main(["backup", str(bk), "--db", str(demo_copy)]) == 0
    if damage == "missing_manifest":
        (bk / "manifest.json").unlink()
    elif damage == "corrupt_parquet":
        target = bk / "patient.parquet"
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "missing_file":
        (bk / "lesion.parquet").unlink()
    else:
        (bk / "manifest.json").write_text("{not json")
    existing = tmp_path / "live.duckdb"
    shutil.copy(demo_copy, existing)
    before = existing.read_bytes()
    capsys.readouterr()
    assert main(["restore", str(bk), "--db", str(existing)]) == 1
    assert "error" in capsys.readouterr().err
    assert existing.read_bytes() == before
    assert not list(tmp_path.glob("live.duckdb.before-restore-*"))


def test_backup_into_non_empty_dir_fails(stores: Stores, tmp_path: Path) -> None:
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "x").write_text("x")
    assert main(["backup", str(tmp_path / "bk"), "--db", stores.demo()]) == 1
    assert [p.name for p in (tmp_path / "bk").iterdir()] == ["x"]


def test_users_add_and_list(stores: Stores, capsys: pytest.CaptureFixture[str]) -> None:
    db = stores.blank()
    assert main(["init", "--db", db]) == 0
    assert (
        main(
            [
                "users",
                "add",
                "drwho",
                "--display-name",
                "Dr Who",
                "--role",
                "chair",
                "--password",
                "long-enough-pw",
                "--db",
                str(db),
            ]
        )
        == 0
    )
    assert main(["users", "list", "--db", str(db)]) == 0
    assert "drwho" in capsys.readouterr().out
    assert main(["users", "add", "x", "--display-name", "X", "--role", "chair", "--password", "short", "--db", str(db)]) == 1


@duckdb_only("a store file and its folder; PostgreSQL stores are created by the DBA")
def test_console_script_is_installed(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("bonemdt")
    result = subprocess.run(
        [str(exe), "init", "--db", str(tmp_path / "c.duckdb")],
        capture_output=True,
        text=True,
        env={**os.environ, "BONEMDT_DEMO": "0"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    bad = subprocess.run(
        [str(exe), "restore", str(tmp_path / "nothing"), "--db", str(tmp_path / "c.duckdb")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and "not a directory" in bad.stderr
