"""Backups through ``EXPORT DATABASE`` and restore as a verified round trip.

A backup directory holds DuckDB's export (schema.sql, load.sql, one Parquet file per table)
plus ``manifest.json`` with every file's SHA-256 and every table's row count. Restore checks the
manifest first, imports into a temporary file, re-installs the store's guard triggers (DuckDB
does not export triggers), checks row counts and the audit hash chain, and only then swaps the
new file in; the previous store is kept beside it. A damaged backup changes nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from core.models import Actor
from core.permissions import Capability
from db import audit
from db.connection import connect
from db.migrate import MIGRATIONS_DIR, applied_versions

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class BackupError(RuntimeError):
    """A backup could not be written or a backup directory is not a valid backup."""


@dataclass(frozen=True)
class BackupInfo:
    directory: Path
    tables: dict[str, int]
    schema_versions: list[int]


def _sql_literal(path: Path) -> str:
    text = str(path)
    if "'" in text or "\n" in text or "\x00" in text:
        raise BackupError("The backup path must not contain quotes or line breaks.")
    return "'" + text + "'"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _table_counts(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
    names = [
        r[0]
        for r in cur.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name").fetchall()
    ]
    counts = {}
    for name in names:
        row = cur.execute("SELECT count(*) FROM " + '"' + name.replace('"', "") + '"').fetchone()  # noqa: S608
        counts[name] = int(row[0]) if row else 0
    return counts


def backup(cur: duckdb.DuckDBPyConnection, actor: Actor, directory: str | os.PathLike[str]) -> BackupInfo:
    """Write a consistent snapshot of the store into a new, empty ``directory``."""
    audit.authorize(cur, actor, Capability.BACKUP_RESTORE, "store")
    target = Path(directory)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"The backup directory {target} is not empty; choose a new directory.")
    target.mkdir(parents=True, exist_ok=True)
    # The audit row is written first so the backup contains the record of its own making.
    audit.record(cur, actor, "export", "store", None, after={"backup": target.name})
    counts = _table_counts(cur)
    cur.execute("EXPORT DATABASE " + _sql_literal(target) + " (FORMAT parquet)")
    files = {p.name: _sha256(p) for p in sorted(target.iterdir()) if p.is_file()}
    manifest = {
        "format": FORMAT_VERSION,
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "schema_versions": applied_versions(cur),
        "tables": counts,
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    return BackupInfo(target, counts, manifest["schema_versions"])


def verify_backup(directory: str | os.PathLike[str]) -> dict[str, object]:
    """Check a backup directory against its manifest; return the manifest or raise BackupError."""
    source = Path(directory)
    if not source.is_dir():
        raise BackupError(f"{source} is not a directory.")
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError("This directory is not a BoneMDT backup (manifest.json is missing).")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        files: dict[str, str] = manifest["files"]
        tables: dict[str, int] = manifest["tables"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError("The backup's manifest.json is damaged.") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError("The backup was written by an unknown version of BoneMDT.")
    for name, expected in files.items():
        path = source / name
        if not path.is_file():
            raise BackupError(f"The backup is incomplete: {name} is missing.")
        if _sha256(path) != expected:
            raise BackupError(f"The backup is damaged: {name} does not match its checksum.")
    if not isinstance(tables, dict):
        raise BackupError("The backup's manifest.json is damaged.")
    return manifest


def _guard_statements() -> list[str]:
    statements = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        text = "\n".join(line.split("--", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
        for stmt in text.split(";"):
            body = stmt.strip()
            if re.match(r"^CREATE TRIGGER", body, re.IGNORECASE):
                statements.append(body)
    return statements


def reinstall_guards(cur: duckdb.DuckDBPyConnection) -> int:
    """Re-create the append-only and immutability triggers (not carried by EXPORT DATABASE)."""
    existing = {r[0] for r in cur.execute("SELECT trigger_name FROM duckdb_triggers()").fetchall()}
    n = 0
    for stmt in _guard_statements():
        name = stmt.split()[2]
        if name not in existing:
            cur.execute(stmt)
            n += 1
    return n


def restore(directory: str | os.PathLike[str], db_path: str | os.PathLike[str], *, actor: Actor) -> BackupInfo:
    """Replace the (stopped) store at ``db_path`` with the backup in ``directory``.

    Works on a store no server holds. The old file is kept as ``<name>.before-restore-<time>``.
    """
    manifest = verify_backup(directory)
    target = Path(db_path)
    staging = target.with_name(target.name + ".restoring")
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        con = connect(staging)
        try:
            con.execute("IMPORT DATABASE " + _sql_literal(Path(directory).resolve()))
            reinstall_guards(con)
            counts = _table_counts(con)
            expected = {k: int(v) for k, v in dict(manifest["tables"]).items()}  # type: ignore[call-overload]
            if any(counts.get(k) != v for k, v in expected.items()):
                raise BackupError("The restored store does not hold the row counts the backup promised.")
            chain = audit.verify_chain(con)
            if not chain.ok:
                raise BackupError(f"The backup's audit trail is broken at entry {chain.first_bad_seq}.")
            audit.record(con, actor, "update", "store", None, reason="restore", after={"restored_from": Path(directory).name})
            con.execute("CHECKPOINT")
        finally:
            con.close()
    except duckdb.Error as exc:
        staging.unlink(missing_ok=True)
        raise BackupError("The backup could not be imported; the store was not changed.") from exc
    except BackupError:
        staging.unlink(missing_ok=True)
        raise
    if target.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        shutil.move(str(target), str(target.with_name(f"{target.name}.before-restore-{stamp}")))
        wal = target.with_name(target.name + ".wal")
        if wal.exists():
            shutil.move(str(wal), str(wal.with_name(f"{wal.name}.before-restore-{stamp}")))
    os.replace(staging, target)
    return BackupInfo(target, {k: int(v) for k, v in dict(manifest["tables"]).items()}, list(manifest["schema_versions"]))  # type: ignore[call-overload, arg-type]
