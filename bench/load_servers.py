"""The servers the load bench runs against: one DuckDB process, or PostgreSQL replicas.

* ``duckdb``: one ``streamlit run`` on a copy of a migrated demo store, sessions straight to it
  (the single-process deployment has no proxy).
* ``pg1`` / ``pg2``: ``deploy.local.LocalDeployment`` — a loopback PostgreSQL cluster (durable:
  fsync on), the demo store in it, one or two app replicas and, by default, the nginx proxy in
  front. Sessions go through the proxy (``via="proxy"``): each loads ``/`` first and sends back
  the cookies it set, as a browser does, so the proxy's own affinity and balancing decide where a
  session lands — the deployment as users meet it, proxy hop included. ``via="direct"`` pins
  session *i* to replica ``i % n`` instead (even spread by construction; the test uses it to know
  which replica served each write). pg1 goes through the proxy too, so pg1 and pg2 differ only
  in the replica count.

Every target reports CPU seconds per replica and for the database server (the whole process
tree, reaped children included), and RSS per replica. Everything listens on 127.0.0.1 only and
is stopped in ``stop()`` by its own process ids.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from common import ROOT
from load_sessions import HEADER
from ws_client import LOOPBACK

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STARTUP_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0
BENCH_SECRET = "bonemdt-load-bench-secret-not-for-production-0123"
TARGETS = ("duckdb", "pg1", "pg2")


def free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError, ValueError):
            out += [int(x) for x in task.read_text().split()]
    return out


def tree_cpu_seconds(pid: int) -> float:
    """utime+stime of ``pid``, of its reaped children (cutime+cstime) and of its live descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        f = _stat(pid)
        total = sum(int(x) for x in f[11:15]) / tick
    except (OSError, IndexError, ValueError):
        return 0.0
    return total + sum(tree_cpu_seconds(c) for c in children(pid))


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return 0.0


def log_problems(paths: list[Path]) -> dict[str, int]:
    text = "".join(p.read_text(errors="replace") for p in paths if p.exists())
    return {
        "tracebacks": text.count("Traceback (most recent call last)"),
        "error_lines": sum(1 for line in text.splitlines() if " ERROR " in line),
    }


def build_template(folder: Path) -> Path:
    """A migrated demo store, closed (checkpointed) so it can be copied per level."""
    from db.store import open_store

    path = folder / "template.duckdb"
    store = open_store(path, demo=True)
    store.conn.close()
    return path


class Server:
    """``streamlit run`` on 127.0.0.1:<port> with its own store; stopped by pid in ``stop()``."""

    def __init__(self, db: Path, log: Path, *, root: Path = ROOT, demo: bool = True):
        self.db, self.log_path, self.port = db, log, free_port()
        self.root, self.demo = root, demo  # the tree to serve (bench_pages compares two)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        env = dict(os.environ)
        env.update(BONEMDT_DB=str(self.db), BONEMDT_DEMO="1" if self.demo else "0", BONEMDT_TRUSTED_USER_HEADER=HEADER)
        cmd = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.address", LOOPBACK]
        cmd += ["--server.port", str(self.port), "--server.headless", "true", "--server.fileWatcherType", "none"]
        cmd += ["--browser.gatherUsageStats", "false"]
        started = time.perf_counter()
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        url = f"http://{LOOPBACK}:{self.port}/_stcore/health"
        while time.perf_counter() - started < STARTUP_TIMEOUT:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early (code {self.proc.returncode}); see {self.log_path}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError("server did not become healthy in time")

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(self.proc.pid) if self.proc is not None else 0.0

    def rss_mb(self) -> float:
        return rss_mb(self.proc.pid) if self.proc is not None else 0.0

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)

    def log_problems(self) -> dict[str, int]:
        return log_problems([self.log_path])


class DuckDbTarget:
    """One process on a fresh copy of the demo store; sessions connect straight to it."""

    name = "duckdb"
    replicas = 1
    prime_cookies = False
    check_while_running = False  # the server holds the file's lock: checked after stop()

    def __init__(self, template: Path, folder: Path):
        self.env: dict[str, str] = {}
        folder.mkdir(parents=True, exist_ok=True)
        db = folder / "store.duckdb"
        shutil.copyfile(template, db)
        from db.keys import key_file_for

        if key_file_for(template).exists():  # the audit chain's key goes with the store
            shutil.copyfile(key_file_for(template), key_file_for(db))
        self.store = str(db)
        self.server = Server(db, folder / "server.log")

    @property
    def ports(self) -> tuple[int, ...]:
        return (self.server.port,)

    @property
    def replica_ports(self) -> tuple[int, ...]:
        return self.ports

    def start(self) -> float:
        return self.server.start()

    def stop(self) -> None:
        self.server.stop()

    def cpu(self) -> dict[str, Any]:
        return {"replicas": [self.server.cpu_seconds()], "database": 0.0, "proxy": 0.0}

    def rss_mb(self) -> list[float]:
        return [self.server.rss_mb()]

    def db_processes(self) -> int:
        return 0

    def log_problems(self) -> dict[str, int]:
        return self.server.log_problems()


class PgTarget:
    """``LocalDeployment`` with ``replicas`` app replicas on one PostgreSQL (module docstring)."""

    prime_cookies = True
    check_while_running = True  # the store lives as long as the deployment's cluster

    def __init__(self, folder: Path, replicas: int, *, via: str = "proxy", database_url: str | None = None, demo: bool = True):
        from deploy.local import LocalDeployment

        if via not in ("proxy", "direct"):
            raise ValueError("via: proxy or direct")
        self.name, self.replicas, self.via, self.folder = f"pg{replicas}", replicas, via, folder
        self.prime_cookies = via == "proxy"
        self.env = {"BONEMDT_SECRET": os.environ.get("BONEMDT_SECRET") or BENCH_SECRET}
        self.dep = LocalDeployment(
            folder,
            replicas=replicas,
            proxy=via == "proxy",
            base_port=0,
            proxy_port=0,
            pg_port=0,
            demo=demo,
            database_url=database_url,
            env={"BONEMDT_TRUSTED_USER_HEADER": HEADER, **self.env},
        )
        self.store = ""

    @property
    def ports(self) -> tuple[int, ...]:
        if self.via == "proxy":
            assert self.dep.proxy_port is not None, "the deployment has no proxy"
            return (int(self.dep.proxy_port),)
        return self.replica_ports

    @property
    def replica_ports(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.dep.replica_ports)

    def start(self) -> float:
        started = time.perf_counter()
        self.dep.start()
        self.store = self.dep.db_url
        return time.perf_counter() - started

    def stop(self) -> None:
        self.dep.stop()

    def _pidfile(self, name: str) -> int | None:
        for path in sorted(self.folder.rglob(name)):
            try:
                return int(path.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
        return None

    def cpu(self) -> dict[str, Any]:
        pg, nginx = self._pidfile("postmaster.pid"), self._pidfile("nginx.pid")
        return {
            "replicas": [tree_cpu_seconds(p) for p in self.dep.replica_pids],
            "database": tree_cpu_seconds(pg) if pg else 0.0,
            "proxy": tree_cpu_seconds(nginx) if nginx else 0.0,
        }

    def rss_mb(self) -> list[float]:
        return [float(x) for x in self.dep.replica_rss_mb()]

    def db_processes(self) -> int:
        """PostgreSQL's processes: one backend per open connection plus its ~5 background workers."""
        pg = self._pidfile("postmaster.pid")
        return len(children(pg)) if pg else 0

    def log_problems(self) -> dict[str, int]:
        return log_problems(sorted(self.folder.rglob("*.log")))


def make_target(name: str, folder: Path, template: Path, via: str) -> DuckDbTarget | PgTarget:
    if name == "duckdb":
        return DuckDbTarget(template, folder)
    if name.startswith("pg") and name[2:].isdigit() and 1 <= int(name[2:]) <= 8:
        return PgTarget(folder, int(name[2:]), via=via)
    raise ValueError(f"unknown target {name!r}: duckdb, pg1 .. pg8")
