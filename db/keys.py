"""The store's secret: the key of the audit chain's HMAC, the audit checkpoints and backup manifests.

The key never lives inside the store file nor in a backup, so whoever can edit the store file or
a backup directory cannot re-sign what they changed. It comes from, in this order:

1. the environment variable ``BONEMDT_SECRET`` (at least 32 characters), for deployments that
   keep secrets in a secret manager;
2. a key file beside the store, ``<store>.key`` (created on first use with mode 0600).

A PostgreSQL store has no file to sit beside and is shared by replicas: it needs
``BONEMDT_SECRET`` (the same value on every replica).

A store in memory (tests) gets a random key for the life of the process.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

import duckdb

SECRET_ENV = "BONEMDT_SECRET"  # noqa: S105 - the variable's name, not a secret
MIN_SECRET_LENGTH = 32
KEY_SUFFIX = ".key"

_cache: dict[str, bytes] = {}
_aliases: dict[str, str] = {}
_lock = threading.Lock()
_memory_key = secrets.token_bytes(32)


class SecretError(RuntimeError):
    """The configured secret is unusable (too short, unreadable key file)."""


def key_file_for(store_path: str | os.PathLike[str]) -> Path:
    path = Path(store_path)
    return path.with_name(path.name + KEY_SUFFIX)


def store_path_of(cur: duckdb.DuckDBPyConnection) -> str | None:
    """The store file of this connection (``None``: in memory, or a PostgreSQL store)."""
    from db.dialect import PgConnection

    if isinstance(cur, PgConnection):
        return None
    row = cur.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return None if row is None or not row[0] else str(row[0])


def _from_env() -> bytes | None:
    value = os.environ.get(SECRET_ENV)
    if value is None or value == "":
        return None
    if len(value) < MIN_SECRET_LENGTH:
        raise SecretError(f"{SECRET_ENV} must be at least {MIN_SECRET_LENGTH} characters long.")
    return hashlib.sha256(b"bonemdt-secret-v1:" + value.encode("utf-8")).digest()


def _from_file(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        fresh = secrets.token_hex(32).encode("ascii")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            data = path.read_bytes()
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(fresh)
            data = fresh
    except OSError as exc:
        raise SecretError(f"The store's key file {path} cannot be read.") from exc
    text = data.strip()
    if len(text) < MIN_SECRET_LENGTH:
        raise SecretError(f"The store's key file {path} is too short or damaged.")
    return hashlib.sha256(b"bonemdt-secret-v1:" + text).digest()


def key_for_path(store_path: str | os.PathLike[str] | None) -> bytes:
    """The secret for the store at ``store_path`` (``None``: a store in memory)."""
    env = _from_env()
    if env is not None:
        return env
    if store_path is None or str(store_path) in ("", ":memory:"):
        return _memory_key
    resolved = str(Path(store_path).resolve())
    with _lock:
        resolved = _aliases.get(resolved, resolved)
        key = _cache.get(resolved)
        if key is None:
            key = _from_file(key_file_for(resolved))
            _cache[resolved] = key
    return key


def alias(path: str | os.PathLike[str], store_path: str | os.PathLike[str]) -> None:
    """Let a staging file (a restore in progress) use the key of the store it will replace."""
    with _lock:
        _aliases[str(Path(path).resolve())] = str(Path(store_path).resolve())


def unalias(path: str | os.PathLike[str]) -> None:
    with _lock:
        _aliases.pop(str(Path(path).resolve()), None)


def key_for(cur: duckdb.DuckDBPyConnection) -> bytes:
    """The secret of the store this cursor is connected to."""
    from db.dialect import PgConnection

    if isinstance(cur, PgConnection):
        env = _from_env()
        if env is None:
            raise SecretError(f"A PostgreSQL store needs {SECRET_ENV} (the same value on every replica).")
        return env
    return key_for_path(store_path_of(cur))


def mac(key: bytes, purpose: str, payload: bytes) -> str:
    """HMAC-SHA256 of ``payload``, separated by ``purpose`` so one MAC never stands for another."""
    return hmac.new(key, purpose.encode("ascii") + b"\x00" + payload, hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("ascii", "replace"), b.encode("ascii", "replace"))
