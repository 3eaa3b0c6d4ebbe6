#!/usr/bin/env python3
"""Bootstrap and run BoneMDT with nothing but Python 3.11 on the machine.

    python3 tasks.py run     # create .venv if missing, install, start the board on the demo store
    python3 tasks.py test    # the same environment, then the whole test suite (browser tests too),
                             # and the store, page and interop tests again on PostgreSQL

Also: ``lint`` (ruff + mypy), ``bench`` (figures printed, never pass/fail), ``setup``, and
``replicas [N]``: a local trial of N app replicas (default 2) on PostgreSQL behind nginx
(deploy/local.py, docs/deployment.md).
The environment is rebuilt only when requirements.lock or pyproject.toml changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
STAMP = VENV / ".bonemdt-installed"
LOCK = ROOT / "requirements.lock"
CHROMIUM = Path("/usr/bin/chromium")
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def sh(*cmd: str | os.PathLike[str], env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in (LOCK, ROOT / "pyproject.toml"):
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def setup() -> None:
    """Create .venv and install the locked dependencies plus the app (editable)."""
    if sys.version_info[:2] != (3, 11):
        sys.exit(f"BoneMDT needs Python 3.11 (this is {sys.version.split()[0]}); run it with python3.11")
    if not PY.exists():
        sh(sys.executable, "-m", "venv", VENV)
    if STAMP.exists() and STAMP.read_text() == _fingerprint():
        return
    sh(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip", "uv")
    uv = VENV / "bin" / "uv"
    if LOCK.exists():
        sh(uv, "pip", "install", "--python", PY, "--quiet", "-r", LOCK)
    sh(uv, "pip", "install", "--python", PY, "--quiet", "--no-deps", "-e", ".")
    STAMP.write_text(_fingerprint())


def _postgres_installed() -> bool:
    return shutil.which("initdb") is not None or any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def _nginx_installed() -> bool:
    return shutil.which("nginx") is not None or Path("/usr/sbin/nginx").exists()


def _apt_install(packages: list[str], why: str) -> None:
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        sys.exit(f"{why}: run as root once, or\n  sudo apt-get update && sudo apt-get install -y {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    sh("apt-get", "update", "-qq", env=env)
    sh("apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages, env=env)


def system_packages() -> None:
    """Chromium (browser tests), Noto CJK fonts (Chinese in PDFs and screenshots), PostgreSQL
    (the store tests' second backend: tests/conftest.py starts a throwaway cluster) and nginx (the
    replicated deployment's proxy: deploy/local.py, tests/deploy)."""
    if CHROMIUM.exists() and CJK_FONT.exists() and _postgres_installed() and _nginx_installed():
        return
    _apt_install(
        ["chromium", "fonts-noto-cjk", "poppler-utils", "postgresql", "nginx-light"],
        "The tests need Debian's chromium, fonts-noto-cjk, poppler-utils, postgresql and nginx",
    )


def run() -> None:
    setup()
    if not os.environ.get("BONEMDT_DB"):
        # The embedded demo store: demo mode is asked for explicitly here (the board fails closed
        # otherwise, and refuses demo mode on a store holding non-synthetic patients).
        os.environ.setdefault("BONEMDT_DEMO", "1")
    os.execv(
        str(PY),
        [
            str(PY),
            "-m",
            "streamlit",
            "run",
            str(ROOT / "bonemdt_server.py"),  # streamlit_app.py with frame-protection headers
            "--server.address",
            os.environ.get("BONEMDT_ADDRESS", "127.0.0.1"),
            "--server.port",
            os.environ.get("BONEMDT_PORT", "8501"),
            *sys.argv[2:],
        ],
    )


def replicas() -> None:
    """N app replicas (default 2) on a PostgreSQL cluster in data/, behind nginx on 127.0.0.1:8501,
    on the demo store; Ctrl-C stops everything (deploy/local.py)."""
    setup()
    if not (_postgres_installed() and _nginx_installed()):
        _apt_install(["postgresql", "nginx-light"], "The replicas need Debian's postgresql and nginx")
    count = sys.argv[2] if len(sys.argv) > 2 else "2"
    if not count.isdigit() or not 1 <= int(count) <= 16:
        sys.exit("usage: python3 tasks.py replicas [N]   (1 to 16 replicas)")
    os.chdir(ROOT)
    os.execv(str(PY), [str(PY), "-m", "deploy.local", "--replicas", count, "--folder", str(ROOT / "data"), *sys.argv[3:]])


def test() -> None:
    """The whole suite; then, without arguments, the store, page, browser, interop and security suites again on PostgreSQL."""
    # The second pass: the suites whose stores follow BONEMDT_TEST_BACKEND (tests/conftest.py), run
    # again on PostgreSQL -- the store tests, every AppTest page test, the browser tests (each server
    # on its own database), the interop/CLI tests and the security tests. Tests about DuckDB store
    # files (Parquet backup/restore, store folders, the key and audit-checkpoint files beside a
    # store, kill -9 of the file's owner) are skipped there with their reason
    # (tests.conftest.duckdb_only).
    postgresql_suites = ("tests/db", "tests/pages", "tests/browser", "tests/interop", "tests/security")
    setup()
    system_packages()
    result = subprocess.run([str(PY), "-m", "pytest", *sys.argv[2:]], cwd=ROOT)
    if result.returncode == 0 and not sys.argv[2:]:
        env = dict(os.environ, BONEMDT_TEST_BACKEND="postgresql")
        result = subprocess.run([str(PY), "-m", "pytest", *postgresql_suites], cwd=ROOT, env=env)
    sys.exit(result.returncode)


def lint() -> None:
    setup()
    sh(PY, "-m", "ruff", "check", ".")
    sh(PY, "-m", "mypy", "core", "db", "deploy")
    sh(PY, "-m", "mypy", "--explicit-package-bases", "pages", "streamlit_app.py", "bonemdt_server.py")


def bench() -> None:
    setup()
    for script in sorted((ROOT / "bench").glob("bench_*.py")):
        sh(PY, script)


COMMANDS = {"setup": setup, "run": run, "test": test, "lint": lint, "bench": bench, "replicas": replicas}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(f"usage: python3 tasks.py {{{'|'.join(COMMANDS)}}} [args]")
    COMMANDS[sys.argv[1]]()
