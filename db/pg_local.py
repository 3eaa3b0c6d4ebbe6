"""A PostgreSQL cluster on a loopback port, run from Debian's server programs.

One class for the three places that need a local server: the test suite's throwaway cluster
(tests/conftest.py, ``BONEMDT_TEST_BACKEND=postgresql``), ``python3 tasks.py replicas`` (a local
trial of several app replicas on one store) and the load bench (bench/bench_load.py). The server
listens on 127.0.0.1 only; its Unix socket lives in the cluster folder. As root the server programs
run as the ``postgres`` system user (initdb refuses root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from db.dialect import ident

if TYPE_CHECKING:
    import psycopg

PG_BIN_DIRS = [Path("/usr/lib/postgresql/15/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]


def pg_bin() -> Path | None:
    """The directory of PostgreSQL's server programs (initdb, pg_ctl), if installed."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    return next((d for d in PG_BIN_DIRS if (d / "initdb").exists()), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def os_user() -> str:
    """The system user that runs the server programs: ``postgres`` as root, else the caller."""
    return "postgres" if os.geteuid() == 0 else os.environ.get("USER", "")


@dataclass
class PgCluster:
    """A PostgreSQL cluster in ``root`` on a loopback ``port``.

    ``durable=False`` (tests) turns fsync off and trusts every local connection; ``durable=True``
    (local trials, benches) keeps PostgreSQL's defaults for durability.

    ``password=None`` (tests) trusts every connection. With a password (deploy/local.py), TCP
    connections need a role's password (scram-sha-256); only the Unix socket in ``root``, a folder
    of mode 0700, trusts its owner: the administrative connection (``admin``) goes through it.
    """

    bin: Path
    root: Path
    port: int
    user: str
    durable: bool = False
    password_auth: bool = False

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, cwd=self.root)  # noqa: S603 - our own program path and arguments, no shell

    def init(self) -> None:
        """initdb, once: an existing cluster folder is kept as it is."""
        if (self.data / "PG_VERSION").exists():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        if self.password_auth:
            self.root.chmod(0o700)
        if os.geteuid() == 0:
            shutil.chown(self.root, self.user)
        nosync = [] if self.durable else ["--no-sync"]
        auth = ["--auth-local=trust", "--auth-host=scram-sha-256"] if self.password_auth else ["-A", "trust"]
        self._run(str(self.bin / "initdb"), "-D", str(self.data), *auth, "-U", "postgres", "-E", "UTF8", *nosync)

    def start(self) -> None:
        self.init()
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if self.password_auth:
            opts += " -c unix_socket_permissions=0700"
        if not self.durable:
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"), "-w", "start")

    def stop(self) -> None:
        mode = "fast" if self.durable else "immediate"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "stop")

    def _admin_connection(self) -> psycopg.Connection[tuple[object, ...]]:
        import psycopg

        if self.password_auth:  # the owner's Unix socket (TCP wants a password the superuser has not)
            return psycopg.connect(host=str(self.root), port=self.port, user="postgres", dbname="postgres", autocommit=True)
        return psycopg.connect(self.url(), autocommit=True)

    def admin(self, sql: str) -> None:
        with self._admin_connection() as con:
            con.execute(sql.encode())  # administrative SQL from checked names (dialect.ident)

    def ensure_owner(self, role: str, database: str, password: str) -> str:
        """A login ``role`` with ``password`` owning ``database`` (both created when missing; the
        password is set every time, so a new secret takes over); the role's URL over TCP."""
        from psycopg import sql

        if not password.replace("-", "").replace("_", "").isalnum():
            raise ValueError("the password must be URL-safe (letters, digits, - and _)")
        with self._admin_connection() as con:
            exists = con.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone()
            verb = "ALTER" if exists else "CREATE"
            con.execute(sql.SQL(verb + " ROLE " + ident(role) + " LOGIN PASSWORD {}").format(sql.Literal(password)))
            if con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone() is None:
                con.execute(("CREATE DATABASE " + ident(database) + " OWNER " + ident(role)).encode())
        return f"postgresql://{role}:{password}@127.0.0.1:{self.port}/{database}"

    def create(self, template: str | None = None, name: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); its name."""
        name = name or "t_" + uuid.uuid4().hex[:16]
        sql = "CREATE DATABASE " + ident(name)
        if template:
            sql += " TEMPLATE " + ident(template)
        self.admin(sql)
        return name

    def drop(self, name: str) -> None:
        self.admin("DROP DATABASE IF EXISTS " + ident(name) + " WITH (FORCE)")
