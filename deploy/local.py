"""A local trial of the replicated deployment: PostgreSQL on loopback, N app replicas, nginx.

    python3 tasks.py replicas 3          # the same as: .venv/bin/python -m deploy.local --replicas 3 --folder data/

``LocalDeployment`` starts, in order and each with a bounded wait:

1. PostgreSQL (``db.pg_local.PgCluster``, durable): a cluster in ``folder/pg`` on 127.0.0.1, TCP
   with a password (scram-sha-256) for the ``bonemdt`` role that owns the ``bonemdt`` database; the
   password is ``folder/pg.secret`` (created once, mode 0600). Or an existing PostgreSQL given as
   ``database_url``. The store is then opened once (migrations, demo data in demo mode) so the
   replicas find it ready.
2. the replicas: ``streamlit run bonemdt_server.py`` on 127.0.0.1 ports, each waited for on
   ``/_stcore/health``; logs in ``folder/logs/replica-N.log``. They share ``BONEMDT_SECRET`` (the
   caller's, or ``folder/store.secret``) and Streamlit's cookie secret (``folder/cookie.secret``).
3. nginx (unprivileged, in the foreground as a child): ``deploy/nginx-bonemdt.conf`` rendered into
   ``folder/nginx`` for these ports, plain HTTP on 127.0.0.1, plus a response header
   ``X-BoneMDT-Upstream`` naming the replica that answered (this trial only).

A failed start raises ``DeploymentError`` with the tail of the failing log and stops what it
started; ``stop()`` ends the proxy, the replicas (terminate, then kill) and PostgreSQL (fast).
Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from db.pg_local import PgCluster, free_port, os_user, pg_bin

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx-bonemdt.conf"
LOOPBACK = "127.0.0.1"
APP_ROLE = "bonemdt"
APP_DATABASE = "bonemdt"
UPSTREAM_HEADER = "X-BoneMDT-Upstream"

REPLICA_START_SECONDS = 120.0  # each replica's health, on a busy 2-core machine
STORE_PREPARE_SECONDS = 300.0  # migrations and the demo data, once
PROXY_START_SECONDS = 20.0
STOP_SECONDS = 15.0  # terminate, then kill


class DeploymentError(RuntimeError):
    """The deployment did not start; the message ends with the tail of the relevant log."""


def nginx_bin() -> Path | None:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    return Path(found) if found else None


def secret_file(path: Path) -> str:
    """The secret in ``path``, created once (random, URL-safe, mode 0600)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(32) + "\n")
    value = path.read_text().strip()
    if len(value) < 32:
        raise DeploymentError(f"{path} holds fewer than 32 characters: delete it to have a new secret made")
    return value


def tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"({path} unreadable)"
    return "\n".join(text.splitlines()[-lines:])


# --- nginx -------------------------------------------------------------------------------------

_BLOCK = re.compile(r"^[ \t]*# local: (?P<name>replicas|redirect|listen)\n(?P<body>.*?)^[ \t]*# local: end\n", re.M | re.S)


def render_site(template: str, replica_ports: list[int], listen_port: int) -> str:
    """The production example ``template`` for this trial: its replica list, plain HTTP on the
    loopback ``listen_port``, no HTTPS-only cookie flag, and the upstream header. Every other line
    stays as it is. Raises ValueError when a marker the trial relies on is missing."""
    servers = "".join(f"    server {LOOPBACK}:{p} max_fails=2 fail_timeout=10s;\n" for p in replica_ports)
    replacements = {
        "replicas": servers,
        "redirect": "",
        "listen": f"    listen {LOOPBACK}:{listen_port};\n    server_name localhost;\n",
    }
    found: set[str] = set()

    def swap(match: re.Match[str]) -> str:
        name = match["name"]
        found.add(name)
        return replacements[name]

    text = _BLOCK.sub(swap, template)
    missing = set(replacements) - found
    line = "    # local: upstream header\n"
    secure = "HttpOnly; Secure;"
    if missing or text.count(line) != 1 or text.count(secure) != 1:
        raise ValueError(f"the nginx template lacks a local-trial marker ({sorted(missing) or 'header/cookie'})")
    text = text.replace(line, f"    add_header {UPSTREAM_HEADER} $upstream_addr always;\n")
    return text.replace(secure, "HttpOnly;")  # the trial is plain HTTP on loopback


def render_main(folder: Path) -> str:
    """nginx.conf for an unprivileged nginx whose files all live in ``folder`` (= folder/nginx)."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root: workers must reach the folder too
    temp = "".join(
        f"    {kind}_temp_path {folder / 'tmp' / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        "# Rendered by deploy/local.py for a local trial; edits are overwritten at the next start.\n"
        f"{user}worker_processes 1;\ndaemon off;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        # which replica served which route (the stickiness check reads it; WebSockets log at close)
        '    log_format bonemdt \'$remote_addr [$time_local] "$request" $status '
        "upstream=$upstream_addr route=$cookie_bonemdt_route';\n"
        f"    access_log {folder / 'access.log'} bonemdt;\n"
        f"{temp}"
        "    default_type application/octet-stream;\n"
        f"    include {folder / 'bonemdt.conf'};\n"
        "}\n"
    )


# --- processes -----------------------------------------------------------------------------------


def _stop_group(proc: subprocess.Popen[bytes], seconds: float = STOP_SECONDS) -> None:
    """SIGTERM to the child's process group (its own session), SIGKILL after ``seconds``.

    A child that had already ended and was reaped is left alone: its id may belong to another
    process by now."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=seconds)
    with contextlib.suppress(ProcessLookupError):  # anything left in the group (nginx's workers)
        os.killpg(proc.pid, signal.SIGKILL)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            out += [int(c) for c in task.read_text().split()]
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its descendants in MB (VmRSS from /proc)."""
    total_kb = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        todo += _children(p)
    return total_kb / 1024


def http_status(url: str, timeout: float = 5.0) -> int:
    assert url.startswith(f"http://{LOOPBACK}:"), "loopback only"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback http only (asserted)
            return int(response.status)
    except urllib.error.HTTPError as e:
        return int(e.code)
    except (OSError, urllib.error.URLError):
        return 0


def _wait_health(port: int, proc: subprocess.Popen[bytes], log: Path, deadline: float, what: str) -> None:
    url = f"http://{LOOPBACK}:{port}/_stcore/health"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise DeploymentError(f"{what} exited with code {proc.returncode} during start:\n{tail(log)}")
        if http_status(url, timeout=2.0) == 200:
            return
        time.sleep(0.2)
    raise DeploymentError(f"{what} not healthy on port {port} in time:\n{tail(log)}")


class LocalDeployment:
    """PostgreSQL, ``replicas`` app servers and nginx on loopback (see the module doc)."""

    def __init__(
        self,
        folder: Path,
        *,
        replicas: int = 2,
        proxy: bool = True,
        base_port: int = 8601,
        proxy_port: int = 8501,
        pg_port: int = 5433,
        demo: bool = True,
        env: Mapping[str, str] | None = None,
        database_url: str | None = None,
    ) -> None:
        if replicas < 1:
            raise ValueError("at least one replica")
        self.folder = Path(folder).resolve()
        self.replicas = replicas
        self.proxy = proxy
        self.demo = demo
        self.extra_env = dict(env or {})
        self.database_url = database_url
        self.replica_ports = [free_port() if base_port == 0 else base_port + i for i in range(replicas)]
        self.proxy_port: int | None = (free_port() if proxy_port == 0 else proxy_port) if proxy else None
        self.pg_port = free_port() if pg_port == 0 else pg_port
        self.db_url = database_url or ""
        self.cluster: PgCluster | None = None
        self._replicas: list[subprocess.Popen[bytes]] = []
        self._proxy: subprocess.Popen[bytes] | None = None
        self.start_seconds: dict[str, float] = {}

    # -- paths
    @property
    def log_dir(self) -> Path:
        return self.folder / "logs"

    @property
    def nginx_dir(self) -> Path:
        return self.folder / "nginx"

    def replica_log(self, index: int) -> Path:
        return self.log_dir / f"replica-{index + 1}.log"

    @property
    def replica_pids(self) -> list[int]:
        return [p.pid for p in self._replicas]

    @property
    def url(self) -> str:
        """Where a browser goes: the proxy, or the first replica without one."""
        return f"http://{LOOPBACK}:{self.proxy_port or self.replica_ports[0]}/"

    # -- lifecycle
    def __enter__(self) -> LocalDeployment:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def start(self) -> LocalDeployment:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(exist_ok=True)
        try:
            began = time.monotonic()
            if self.database_url is None:
                self._start_postgres()
            self.start_seconds["postgres"] = time.monotonic() - began
            env = self._replica_env()
            mark = time.monotonic()
            self._prepare_store(env)
            self.start_seconds["store"] = time.monotonic() - mark
            mark = time.monotonic()
            self._start_replicas(env)
            self.start_seconds["replicas"] = time.monotonic() - mark
            mark = time.monotonic()
            if self.proxy:
                self._start_proxy()
            self.start_seconds["proxy"] = time.monotonic() - mark
            self.start_seconds["total"] = time.monotonic() - began
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Proxy, replicas, then PostgreSQL; safe to call twice or after a failed start."""
        if self._proxy is not None:
            _stop_group(self._proxy)
            self._proxy = None
        procs, self._replicas = self._replicas, []
        for proc in procs:  # all at once: each shuts down on its own
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            _stop_group(proc)
        if self.cluster is not None:
            with contextlib.suppress(subprocess.CalledProcessError):
                self.cluster.stop()
            self.cluster = None

    def replica_rss_mb(self) -> list[float]:
        return [rss_mb(pid) for pid in self.replica_pids]

    # -- steps
    def _start_postgres(self) -> None:
        binary = pg_bin()
        if binary is None:
            raise DeploymentError("PostgreSQL server programs not installed (Debian: apt-get install postgresql)")
        password = secret_file(self.folder / "pg.secret")
        cluster = PgCluster(binary, self.folder / "pg", self.pg_port, os_user(), durable=True, password_auth=True)
        try:
            cluster.start()
        except subprocess.CalledProcessError as e:
            detail = (e.stderr or b"").decode(errors="replace")
            if "Permission denied" in detail and os.geteuid() == 0:
                detail += f"\n(the server runs as {cluster.user}: every folder above {cluster.root} must be searchable by it)"
            raise DeploymentError(f"PostgreSQL did not start: {detail}\n{tail(cluster.root / 'log')}") from None
        self.cluster = cluster
        self.db_url = cluster.ensure_owner(APP_ROLE, APP_DATABASE, password)

    def _replica_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BONEMDT_", "STREAMLIT_"))}
        env.update(
            BONEMDT_DB=self.db_url,
            BONEMDT_DEMO="1" if self.demo else "0",
            BONEMDT_SECRET=self.extra_env.get("BONEMDT_SECRET")
            or os.environ.get("BONEMDT_SECRET")
            or secret_file(self.folder / "store.secret"),
            STREAMLIT_SERVER_COOKIE_SECRET=secret_file(self.folder / "cookie.secret"),
            PYTHONUNBUFFERED="1",
        )
        for key in ("BONEMDT_LANG", "BONEMDT_TRUSTED_USER_HEADER", "BONEMDT_PDF_FONT"):
            if key in os.environ:
                env[key] = os.environ[key]
        env.update(self.extra_env)
        return env

    def _prepare_store(self, env: dict[str, str]) -> None:
        """Open the store once (migrations; demo data in demo mode) before the replicas start."""
        log = self.log_dir / "store.log"
        code = "from db.store import open_store; open_store().conn.close()"
        with log.open("wb") as out:
            try:
                done = subprocess.run(  # noqa: S603 - our interpreter and module, no shell
                    [sys.executable, "-c", code],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    timeout=STORE_PREPARE_SECONDS,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise DeploymentError(f"the store was not ready in {STORE_PREPARE_SECONDS:.0f} s:\n{tail(log)}") from None
        if done.returncode != 0:
            raise DeploymentError(f"opening the store failed:\n{tail(log)}")

    def _start_replicas(self, env: dict[str, str]) -> None:
        for index, port in enumerate(self.replica_ports):
            log = self.replica_log(index)
            with log.open("ab") as out:
                out.write(f"--- replica {index + 1} on {LOOPBACK}:{port}, started {time.ctime()}\n".encode())
                out.flush()
                proc = subprocess.Popen(  # noqa: S603 - our interpreter, fixed arguments, no shell
                    [
                        sys.executable,
                        "-m",
                        "streamlit",
                        "run",
                        str(ROOT / "bonemdt_server.py"),
                        "--server.address",
                        LOOPBACK,
                        "--server.port",
                        str(port),
                    ],
                    cwd=ROOT,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            self._replicas.append(proc)
        for index, (port, proc) in enumerate(zip(self.replica_ports, self._replicas, strict=True)):
            deadline = time.monotonic() + REPLICA_START_SECONDS
            _wait_health(port, proc, self.replica_log(index), deadline, f"replica {index + 1}")

    def _start_proxy(self) -> None:
        binary = nginx_bin()
        if binary is None:
            raise DeploymentError("nginx not installed (Debian: apt-get install nginx-light)")
        assert self.proxy_port is not None
        conf_dir = self.nginx_dir
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (conf_dir / "tmp" / kind).mkdir(parents=True, exist_ok=True)
        (conf_dir / "bonemdt.conf").write_text(render_site(TEMPLATE.read_text(), self.replica_ports, self.proxy_port))
        main = conf_dir / "nginx.conf"
        main.write_text(render_main(conf_dir))
        error_log = conf_dir / "error.log"
        with (conf_dir / "stderr.log").open("ab") as out:
            self._proxy = subprocess.Popen(  # noqa: S603 - the system's nginx, our own configuration
                [str(binary), "-p", str(conf_dir), "-c", str(main), "-e", str(error_log)],
                cwd=conf_dir,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + PROXY_START_SECONDS
        _wait_health(self.proxy_port, self._proxy, error_log, deadline, "nginx")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.local", description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=ROOT / "data")
    parser.add_argument("--proxy-port", type=int, default=8501)
    parser.add_argument("--base-port", type=int, default=8601)
    parser.add_argument("--pg-port", type=int, default=5433)
    parser.add_argument("--database-url", help="an existing PostgreSQL store instead of the cluster in FOLDER/pg")
    parser.add_argument("--no-demo", action="store_true", help="production mode (no demo data, no demo users)")
    args = parser.parse_args(argv)

    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Ctrl-C, kill, a closed terminal: each stops everything (SIGINT explicitly, since a shell
    # starting this in the background would have it ignored).
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, terminate)
    deployment = LocalDeployment(
        args.folder,
        replicas=args.replicas,
        base_port=args.base_port,
        proxy_port=args.proxy_port,
        pg_port=args.pg_port,
        demo=not args.no_demo,
        database_url=args.database_url,
    )
    try:
        deployment.start()
        print(f"BoneMDT, {args.replicas} replicas on PostgreSQL, ready in {deployment.start_seconds['total']:.1f} s")
        print(f"  board (nginx, sticky): {deployment.url}")
        for index, port in enumerate(deployment.replica_ports):
            print(f"  replica {index + 1}: http://{LOOPBACK}:{port}/  log {deployment.replica_log(index)}")
        print(f"  store: {re.sub(r':[^:@/]+@', ':***@', deployment.db_url)}  (password in {deployment.folder / 'pg.secret'})")
        print("Ctrl-C stops everything.", flush=True)
        while all(p.poll() is None for p in deployment._replicas):
            time.sleep(1.0)
        print("a replica exited; stopping", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    except DeploymentError as e:
        print(e, file=sys.stderr)
        return 1
    finally:
        deployment.stop()
        print("stopped: nginx, replicas, PostgreSQL", flush=True)


if __name__ == "__main__":
    sys.exit(main())
