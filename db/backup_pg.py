"""Backups of a PostgreSQL store: ``pg_dump`` wrapped with the DuckDB backup's authenticated manifest.

A backup directory holds ``store.dump`` (``pg_dump --format=custom``) and ``manifest.json``: the
schema versions, each table's row count, the audit trail's head and the dump's SHA-256, read in
the very snapshot the dump was taken in (``pg_export_snapshot``), with an HMAC keyed by the
store's secret (db/keys.py). The backup's audit row is written once the dump is complete.

Restore checks the manifest's HMAC and the dump's checksum before anything runs (an
unauthenticated dump is never restored: ``pg_restore`` runs the dump's SQL), requires an empty
target database, restores in one transaction, then verifies row counts, the keyed audit chain
against the manifest's head and every signed decision; a restore that fails verification is
removed again, leaving the target empty as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import duckdb

from core.models import Actor
from core.permissions import Capability
from db import audit, keys
from db.backup import MANIFEST, BackupError, BackupInfo, _manifest_mac, _sha256, staged_backup_folder, write_manifest
from db.connection import transaction
from db.dialect import PgConnection, ident
from db.signatures import verify_signed

FORMAT = "postgresql-1"
DUMP = "store.dump"
_NOT_DATA = frozenset({"schema_version", "audit_guard"})


def pg_program(name: str) -> str:
    """A PostgreSQL client program (``pg_dump``, ``pg_restore``): on PATH or Debian's newest."""
    found = shutil.which(name)
    if found:
        return found
    for bin_dir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name, reverse=True):
        if (bin_dir / name).exists():
            return str(bin_dir / name)
    raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")


def _run(program: str, args: list[str], dsn: str) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL client program on the store; a password travels in the environment,
    never on the command line (where ``ps`` shows it)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(dsn)
    password = params.pop("password", None)
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = str(password)
    return subprocess.run(  # noqa: S603 - our own program path and arguments, no shell
        [pg_program(program), *args, f"--dbname={make_conninfo('', **params)}"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def _tables(cur: PgConnection) -> list[str]:
    rows = cur.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        " AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    return [str(r[0]) for r in rows if r[0] not in _NOT_DATA]


def _count(cur: PgConnection, table: str) -> int:
    row = cur.execute("SELECT count(*) FROM " + ident(table)).fetchone()  # noqa: S608 - a catalogued table name
    return int(row[0]) if row else 0


def backup(cur: PgConnection, actor: Actor, directory: str | os.PathLike[str]) -> BackupInfo:
    """``pg_dump`` the store into a new ``directory`` with an authenticated manifest."""
    store = cast(duckdb.DuckDBPyConnection, cur)
    audit.authorize(store, actor, Capability.BACKUP_RESTORE, "store")
    target = Path(directory)
    key = keys.key_for(store)
    snap = cur.cursor()
    try:
        with staged_backup_folder(target, duckdb.Error) as staging:
            snap.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = snap.execute("SELECT pg_export_snapshot()").fetchone()
            assert snapshot is not None
            tables = {name: {"rows": _count(snap, name)} for name in _tables(snap)}
            versions = [int(r[0]) for r in snap.execute("SELECT version FROM schema_version ORDER BY version").fetchall()]
            n, seq, head_hash = audit.head(cast(duckdb.DuckDBPyConnection, snap))
            dump = staging / DUMP
            done = _run("pg_dump", ["--format=custom", "--no-owner", f"--snapshot={snapshot[0]}", f"--file={dump}"], cur.dsn)
            snap.execute("COMMIT")
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()[-300:]}")
            body: dict[str, Any] = {
                "format": FORMAT,
                "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
                "schema_versions": versions,
                "tables": tables,
                "dump": {"file": DUMP, "sha256": _sha256(dump)},
                "audit": {"count": n, "head_seq": seq, "head_hash": head_hash},
            }
            write_manifest(staging, key, body)
    finally:
        snap.close()
    with transaction(store):
        audit.record(store, actor, "export", "store", None, after={"backup": target.name, "format": FORMAT})
    return BackupInfo(target, {k: int(v["rows"]) for k, v in tables.items()}, versions)


def restore(directory: str | os.PathLike[str], cur: PgConnection, *, actor: Actor) -> BackupInfo:
    """Restore the backup in ``directory`` into the empty PostgreSQL database behind ``cur``."""
    store = cast(duckdb.DuckDBPyConnection, cur)
    source = Path(directory)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{source} holds no readable {MANIFEST}: not a backup.") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This backup was not made from a PostgreSQL store; restore it into a store file.")
    body = {k: v for k, v in manifest.items() if k != "mac"}
    if not keys.same(_manifest_mac(keys.key_for(store), body), str(manifest.get("mac", ""))):
        raise BackupError(
            "The backup's manifest is not signed with this store's secret; a PostgreSQL dump is restored only when it is."
        )
    dump = source / str(body["dump"]["file"])
    if not dump.is_file() or _sha256(dump) != body["dump"]["sha256"]:
        raise BackupError(f"The backup is damaged: {dump.name} is missing or does not match its checksum.")
    row = cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()
    if row is None or row[0]:
        raise BackupError("The target database is not empty; restore a PostgreSQL backup into a new, empty database.")
    done = _run("pg_restore", ["--no-owner", "--single-transaction", "--exit-on-error", str(dump)], cur.dsn)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed; nothing was restored: {done.stderr.strip()[-300:]}")
    problem = _verify(cur, body)
    if problem:
        cur.execute("DROP SCHEMA public CASCADE")
        cur.execute("CREATE SCHEMA public")
        raise BackupError(f"The restored store failed verification ({problem}); it was removed again.")
    with transaction(store):
        audit.record(store, actor, "restore", "store", None, after={"backup": source.name, "format": FORMAT})
    tables = {k: int(v["rows"]) for k, v in body["tables"].items()}
    return BackupInfo(source, tables, list(body["schema_versions"]))


def _verify(cur: PgConnection, body: dict[str, Any]) -> str:
    store = cast(duckdb.DuckDBPyConnection, cur)
    for table, entry in body["tables"].items():
        if _count(cur, table) != int(entry["rows"]):
            return f"{table} does not hold the {entry['rows']} rows of the backup"
    chain = audit.verify_chain(store)
    if not chain.ok:
        return f"the audit chain breaks at seq {chain.first_bad_seq}: {chain.problem}"
    n, seq, head_hash = audit.head(store)
    expected = body["audit"]
    if (n, seq, head_hash) != (expected["count"], expected["head_seq"], expected["head_hash"]):
        return "the audit trail's head differs from the manifest"
    broken = verify_signed(store)
    if broken:
        return f"signed decisions {broken} do not match their signatures"
    return ""
