"""Backups as Parquet data files with an authenticated manifest; restore that never runs backup SQL.

A backup directory holds one Parquet file per table of the store (``<table>.parquet``) and
``manifest.json``: format, schema versions, each table's row count, file name and SHA-256, the
audit trail's head (count and hash), and an HMAC over all of it keyed by the store's secret
(db/keys.py; never inside the store nor the backup). The backup and its audit row are written in
one transaction into a hidden staging folder that is renamed only when complete: a failed backup
leaves neither a folder nor an audit row.

Restore never executes SQL text from the backup (no ``IMPORT DATABASE``). It checks the
manifest's HMAC (refusing an unauthenticated backup unless the operator says otherwise), builds a
fresh store from the project's own migrations, requires every table of that schema in the
manifest with its file present and matching its checksum, loads each Parquet file into its known
table by the known column names, then verifies row counts, the keyed audit chain against the
manifest's audit head, and every signed decision's content hash — and only then swaps the file
in, keeping the previous store beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from core.models import Actor
from core.permissions import Capability
from db import audit, keys
from db.connection import connect, transaction
from db.dialect import PgConnection
from db.migrate import MIGRATIONS_DIR, applied_versions, migrate

MANIFEST = "manifest.json"
FORMAT_VERSION = 2
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
# Tables that are not data: the schema's own bookkeeping (made by the migrations) and the
# trigger target that always stays empty.
_NOT_DATA = frozenset({"schema_version", "audit_guard"})


class BackupError(RuntimeError):
    """A backup could not be written or a backup directory is not a valid backup."""


@dataclass(frozen=True)
class BackupInfo:
    directory: Path
    tables: dict[str, int]
    schema_versions: list[int]


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise BackupError("The store holds a table or column name the backup does not know.")
    return '"' + name + '"'


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


def data_tables(cur: duckdb.DuckDBPyConnection) -> list[str]:
    rows = cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()"
        " ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows if r[0] not in _NOT_DATA]


def _columns(cur: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = cur.execute(
        "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND database_name = current_database()"
        " AND table_name = ? ORDER BY column_index",
        [table],
    ).fetchall()
    return [r[0] for r in rows]


def _count(cur: duckdb.DuckDBPyConnection, table: str) -> int:
    row = cur.execute("SELECT count(*) FROM " + _ident(table)).fetchone()  # noqa: S608
    return int(row[0]) if row else 0


def _manifest_mac(key: bytes, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return keys.mac(key, "backup-manifest", canonical)


def write_manifest(folder: Path, key: bytes, body: dict[str, Any]) -> None:
    """The backup's manifest: ``body`` and its MAC under the store's key."""
    manifest = {**body, "mac": _manifest_mac(key, body)}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")


@contextmanager
def staged_backup_folder(directory: str | os.PathLike[str], *errors: type[BaseException]) -> Iterator[Path]:
    """A hidden staging folder beside ``directory``, renamed to it only when the block completes: a
    failed backup leaves nothing behind. ``OSError`` and ``errors`` become a :class:`BackupError`."""
    target = Path(directory)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"The backup directory {target} is not empty; choose a new directory.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    staging = target.with_name(f".{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    caught: tuple[type[BaseException], ...] = (OSError, *errors)
    try:
        staging.mkdir()
        yield staging
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    except caught as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BackupError(f"The backup could not be written ({type(exc).__name__}); nothing was kept.") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def backup(cur: duckdb.DuckDBPyConnection, actor: Actor, directory: str | os.PathLike[str]) -> BackupInfo:
    """Write a consistent, authenticated snapshot of the store into a new ``directory``
    (a PostgreSQL store: ``pg_dump`` through db/backup_pg.py)."""
    if isinstance(cur, PgConnection):
        from db import backup_pg

        return backup_pg.backup(cur, actor, directory)
    audit.authorize(cur, actor, Capability.BACKUP_RESTORE, "store")
    target = Path(directory)
    key = keys.key_for(cur)
    with staged_backup_folder(target, duckdb.Error) as staging, transaction(cur):
        # The audit row is part of the snapshot: the backup holds the record of its own making.
        audit.record(cur, actor, "export", "store", None, after={"backup": target.name})
        tables: dict[str, dict[str, Any]] = {}
        for name in data_tables(cur):
            file = staging / f"{name}.parquet"
            cur.execute("COPY " + _ident(name) + " TO " + _sql_literal(file) + " (FORMAT parquet)")
            tables[name] = {"rows": _count(cur, name), "file": file.name, "sha256": _sha256(file)}
        n, seq, head_hash = audit.head(cur)
        body: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
            "schema_versions": applied_versions(cur),
            "tables": tables,
            "audit": {"count": n, "head_seq": seq, "head_hash": head_hash},
        }
        write_manifest(staging, key, body)
    audit.write_checkpoint(cur)
    counts = {k: int(v["rows"]) for k, v in tables.items()}
    return BackupInfo(target, counts, list(body["schema_versions"]))


def read_manifest(directory: str | os.PathLike[str], key: bytes, *, accept_unauthenticated: bool = False) -> dict[str, Any]:
    """The backup's manifest after its HMAC and form were checked; BackupError otherwise."""
    source = Path(directory)
    if not source.is_dir():
        raise BackupError(f"{source} is not a directory.")
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError("This directory is not a BoneMDT backup (manifest.json is missing).")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise TypeError
    except (ValueError, TypeError) as exc:
        raise BackupError("The backup's manifest.json is damaged.") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError("The backup was written by another version of BoneMDT (unknown manifest format).")
    body = {k: v for k, v in manifest.items() if k != "mac"}
    mac = manifest.get("mac")
    if not (isinstance(mac, str) and keys.same(_manifest_mac(key, body), mac)) and not accept_unauthenticated:
        raise BackupError(
            "The backup is not authenticated by this store's secret (edited, or written with another key);"
            " restore refused. An operator who trusts it can pass --accept-unauthenticated."
        )
    tables = manifest.get("tables")
    head = manifest.get("audit")
    versions = manifest.get("schema_versions")
    if not isinstance(tables, dict) or not isinstance(head, dict) or not isinstance(versions, list):
        raise BackupError("The backup's manifest.json is damaged.")
    return manifest


def verify_backup(directory: str | os.PathLike[str], expected_tables: list[str], manifest: dict[str, Any]) -> None:
    """Every table of the current schema is listed, no other; every file present and matching."""
    source = Path(directory)
    tables: dict[str, Any] = manifest["tables"]
    missing = sorted(set(expected_tables) - set(tables))
    if missing:
        raise BackupError(f"The backup is incomplete: it does not list the table {missing[0]}.")
    unknown = sorted(set(tables) - set(expected_tables))
    if unknown:
        raise BackupError("The backup lists a table this version of BoneMDT does not have.")
    for name in expected_tables:
        entry = tables[name]
        if not isinstance(entry, dict) or entry.get("file") != f"{name}.parquet" or not isinstance(entry.get("rows"), int):
            raise BackupError("The backup's manifest.json is damaged.")
        path = source / entry["file"]
        if not path.is_file():
            raise BackupError(f"The backup is incomplete: {entry['file']} is missing.")
        if _sha256(path) != entry.get("sha256"):
            raise BackupError(f"The backup is damaged: {entry['file']} does not match its checksum.")


def _drop_triggers(cur: duckdb.DuckDBPyConnection) -> None:
    for name, table in cur.execute("SELECT trigger_name, table_name FROM duckdb_triggers()").fetchall():
        cur.execute("DROP TRIGGER " + _ident(name) + " ON " + _ident(table))


def _load_order(cur: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """Tables ordered so that every referenced table is loaded before the tables referring to it."""
    refs: dict[str, set[str]] = {t: set() for t in tables}
    for table, referenced in cur.execute(
        "SELECT table_name, referenced_table FROM duckdb_constraints()"
        " WHERE constraint_type = 'FOREIGN KEY' AND database_name = current_database()"
    ).fetchall():
        if table in refs and referenced in refs and referenced != table:
            refs[table].add(referenced)
    order: list[str] = []
    while refs:
        ready = sorted(t for t, deps in refs.items() if not deps - set(order))
        if not ready:
            raise BackupError("The store's tables refer to each other in a cycle; restore cannot order them.")
        order += ready
        for t in ready:
            del refs[t]
    return order


def _load_table(cur: duckdb.DuckDBPyConnection, table: str, file: Path) -> None:
    cols = _columns(cur, table)
    described = cur.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(file)]).fetchall()
    if sorted(r[0] for r in described) != sorted(cols):
        raise BackupError(f"The backup's data for {table} does not have the columns of this version of BoneMDT.")
    col_list = ", ".join(_ident(c) for c in cols)
    insert = "INSERT INTO " + _ident(table) + " (" + col_list + ") SELECT " + col_list + " FROM read_parquet(?)"  # noqa: S608
    cur.execute(insert, [str(file)])


_NEXTVAL = re.compile(r"^nextval\('([a-z_][a-z0-9_]*)'\)$")


def _advance_sequences(cur: duckdb.DuckDBPyConnection) -> None:
    """Move each id sequence past the largest id loaded (the store's own sequences, no backup SQL)."""
    rows = cur.execute(
        "SELECT table_name, column_name, column_default FROM duckdb_columns()"
        " WHERE database_name = current_database() AND column_default LIKE 'nextval(%'"
    ).fetchall()
    for table, column, default in rows:
        m = _NEXTVAL.match(str(default).replace('"', ""))
        if not m:
            continue
        top = cur.execute("SELECT coalesce(max(" + _ident(column) + "), 0) FROM " + _ident(table)).fetchone()  # noqa: S608
        needed = int(top[0]) if top else 0
        if needed > 0:
            cur.execute("SELECT max(nextval('" + m.group(1) + "')) FROM range(?)", [needed])  # noqa: S608 - own sequence


def reinstall_guards(cur: duckdb.DuckDBPyConnection) -> int:
    """Re-create the store's guard triggers from the project's own migrations."""
    existing = {r[0] for r in cur.execute("SELECT trigger_name FROM duckdb_triggers()").fetchall()}
    n = 0
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        text = "\n".join(line.split("--", 1)[0] for line in path.read_text(encoding="utf-8").splitlines())
        for stmt in text.split(";"):
            body = stmt.strip()
            if re.match(r"^CREATE TRIGGER", body, re.IGNORECASE) and body.split()[2] not in existing:
                cur.execute(body)
                n += 1
    return n


def restore(
    directory: str | os.PathLike[str],
    db_path: str | os.PathLike[str],
    *,
    actor: Actor,
    accept_unauthenticated: bool = False,
) -> BackupInfo:
    """Replace the (stopped) store at ``db_path`` with the backup in ``directory``.

    The old file is kept as ``<name>.before-restore-<time>``. Nothing changes on any failure.
    """
    source = Path(directory).resolve()
    target = Path(db_path)
    key = keys.key_for_path(target)
    manifest = read_manifest(source, key, accept_unauthenticated=accept_unauthenticated)
    staging = target.with_name(target.name + ".restoring")
    for leftover in (staging, staging.with_name(staging.name + ".wal")):
        leftover.unlink(missing_ok=True)
    keys.alias(staging, target)
    try:
        con = connect(staging)
        try:
            migrate(con)
            if [int(v) for v in manifest["schema_versions"]] != applied_versions(con):
                raise BackupError("The backup was written by another schema version of BoneMDT; restore it with that version.")
            expected = data_tables(con)
            verify_backup(source, expected, manifest)
            order = _load_order(con, expected)
            con.begin()
            _drop_triggers(con)
            for name in reversed(order):
                con.execute("DELETE FROM " + _ident(name))  # noqa: S608 - fresh staging store (seeded policies)
            for name in order:
                _load_table(con, name, source / f"{name}.parquet")
            _advance_sequences(con)
            reinstall_guards(con)
            con.commit()
            counts = {name: _count(con, name) for name in expected}
            if any(counts[name] != int(manifest["tables"][name]["rows"]) for name in expected):
                raise BackupError("The restored store does not hold the row counts the backup promised.")
            chain = audit.verify_chain(con, key=key)
            if not chain.ok:
                raise BackupError(f"The backup's audit trail is broken at entry {chain.first_bad_seq}.")
            head = manifest["audit"]
            n, seq, head_hash = audit.head(con)
            if (n, seq, head_hash) != (head.get("count"), head.get("head_seq"), head.get("head_hash")):
                raise BackupError("The backup's audit trail does not end where its manifest says.")
            from db.signatures import verify_signed

            broken = verify_signed(con)
            if broken:
                raise BackupError(f"The backup holds {len(broken)} signed decision(s) whose content does not match the signature")
            reason = "restore (unauthenticated backup accepted)" if accept_unauthenticated else "restore"
            audit.record(con, actor, "update", "store", None, reason=reason, after={"restored_from": source.name})
            con.execute("CHECKPOINT")
            checkpoint = audit.make_checkpoint(con)
        finally:
            con.close()
    except duckdb.Error as exc:
        staging.unlink(missing_ok=True)
        raise BackupError("The backup could not be loaded; the store was not changed.") from exc
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    finally:
        keys.unalias(staging)
    if target.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        shutil.move(str(target), str(target.with_name(f"{target.name}.before-restore-{stamp}")))
        wal = target.with_name(target.name + ".wal")
        if wal.exists():
            shutil.move(str(wal), str(wal.with_name(f"{wal.name}.before-restore-{stamp}")))
    os.replace(staging, target)
    cp_path = audit.checkpoint_path_for(target)
    cp_path.write_text(checkpoint.as_json(), encoding="utf-8")
    return BackupInfo(target, counts, [int(v) for v in manifest["schema_versions"]])
