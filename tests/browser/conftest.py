"""Browser-test fixtures: a live ``streamlit run`` on a copy of the demo store, and Debian Chromium.

The server runs the real entrypoint on a free loopback port with its own copy of the demo store
(DuckDB lets one process own a file, so every server gets its own copy). With
``BONEMDT_TEST_BACKEND=postgresql`` each server gets its own database copied from the PostgreSQL
demo template instead (tests/conftest.py), so the same browser tests run on both backends. Chromium is the system
one at /usr/bin/chromium: never ``playwright install``, and never pytest-playwright's own
``browser``/``page`` fixtures, which would look for the bundled browser. Screenshots and server
logs go to tests/artifacts/browser/ (gitignored).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import duckdb
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import BACKEND

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1440, "height": 1000}
HEALTH_TIMEOUT_S = 60.0
# Variables that would change how the app signs people in or which language it starts in.
_SCRUBBED_ENV = ("BONEMDT_TRUSTED_USER_HEADER", "BONEMDT_LANG", "BONEMDT_TEST_CLOCK_FILE")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/browser is a browser test (deselect with ``-m 'not browser'``)."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item, so ``browser_page`` can screenshot failures."""
    report = yield
    setattr(item, f"_bonemdt_report_{report.when}", report)
    return report


@dataclass
class StreamlitServer:
    """One ``streamlit run`` process on a private store copy (a DuckDB file or a PostgreSQL URL)."""

    name: str
    store: str
    port: int
    log_path: Path
    proc: subprocess.Popen[bytes]
    _log: IO[bytes] = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def connect(self) -> Any:
        """A connection on the server's store, to check what the browser wrote (after ``stop`` on
        DuckDB: one process owns the file)."""
        if self.store.startswith("postgresql://"):
            from db.connection import connect

            return connect(self.store)
        return duckdb.connect(self.store, read_only=True)

    def log_text(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_healthy(self, timeout: float = HEALTH_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        health = f"{self.url}/_stcore/health"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(
                    f"streamlit server {self.name!r} exited with code {self.proc.returncode} "
                    f"before it was healthy. Server log ({self.log_path}):\n{self.log_text()}",
                    pytrace=False,
                )
            try:
                with urllib.request.urlopen(health, timeout=2) as response:  # loopback only
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(
            f"streamlit server {self.name!r} was not healthy at {health} within {timeout:.0f} s. "
            f"Server log ({self.log_path}):\n{self.log_text()}",
            pytrace=False,
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if not self._log.closed:
            self._log.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class StoreMaker:
    """Private copies of the demo store for servers: a DuckDB file, or a PostgreSQL database made
    from the PostgreSQL demo template (``BONEMDT_TEST_BACKEND=postgresql``)."""

    def __init__(self, request: pytest.FixtureRequest, template: Path) -> None:
        self._request = request
        self._template = template

    def new(self, workdir: Path) -> str:
        if BACKEND == "postgresql":
            cluster = self._request.getfixturevalue("pg_cluster")
            return str(cluster.url(cluster.create(self._request.getfixturevalue("pg_demo_template"))))
        workdir.mkdir(parents=True, exist_ok=True)
        db_path = workdir / "demo.duckdb"
        shutil.copy(self._template, db_path)
        return str(db_path)


@pytest.fixture(scope="session")
def store_maker(request: pytest.FixtureRequest, demo_template: Path) -> StoreMaker:
    return StoreMaker(request, demo_template)


def start_server(
    name: str, store: str, extra_env: dict[str, str] | None = None, entry: str = "streamlit_app.py"
) -> StreamlitServer:
    """Start a server on ``store`` (a private copy from ``StoreMaker``; not yet waited for);
    ``extra_env`` adds test hooks (e.g. the injected clock, pages/components/clock.py); ``entry``
    is the script ``streamlit run`` starts (``bonemdt_server.py``: the deployed one, with headers)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / f"server-{name}.log"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    env.update({"BONEMDT_DB": store, "BONEMDT_DEMO": "1", "PYTHONUNBUFFERED": "1", **(extra_env or {})})
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            entry,
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return StreamlitServer(name, store, port, log_path, proc, log)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """tests/artifacts/browser/, emptied of the previous run's screenshots and logs."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in (*ARTIFACTS.glob("*.png"), *ARTIFACTS.glob("*.log")):
        old.unlink()
    return ARTIFACTS


@dataclass(frozen=True)
class DemoFacts:
    """What the tests need to know about the demo store, read before any server owns a copy."""

    lecture2_case_id: int
    lecture2_patient: str
    lecture2_mrn: str
    patient_names: tuple[str, ...]
    mrns: tuple[str, ...]


@pytest.fixture(scope="session")
def demo_facts(demo_template: Path) -> DemoFacts:
    con = duckdb.connect(str(demo_template), read_only=True)
    try:
        row = con.execute(
            "SELECT c.case_id, p.display_name, p.mrn FROM mdt_case c"
            " JOIN patient p USING (patient_id) WHERE c.lecture_case = 2 ORDER BY c.case_id LIMIT 1"
        ).fetchone()
        people = con.execute("SELECT display_name, mrn FROM patient").fetchall()
    finally:
        con.close()
    assert row is not None, "the demo store has no lecture case 2"
    return DemoFacts(
        lecture2_case_id=int(row[0]),
        lecture2_patient=str(row[1]),
        lecture2_mrn=str(row[2]),
        patient_names=tuple(str(p[0]) for p in people),
        mrns=tuple(str(p[1]) for p in people),
    )


class ServerFactory:
    """Starts servers on private copies of the demo store; stops them all at the end."""

    def __init__(self, stores: StoreMaker, tmp_path_factory: pytest.TempPathFactory) -> None:
        self._stores = stores
        self._tmp = tmp_path_factory
        self.started: list[StreamlitServer] = []

    def start(self, name: str, extra_env: dict[str, str] | None = None, entry: str = "streamlit_app.py") -> StreamlitServer:
        """Start a server (call ``wait_healthy`` before use; start several, then wait)."""
        server = start_server(name, self._stores.new(self._tmp.mktemp(f"server-{name}")), extra_env, entry)
        self.started.append(server)
        return server

    def stop_all(self) -> None:
        for server in self.started:
            server.stop()


@pytest.fixture(scope="session")
def server_factory(
    store_maker: StoreMaker,
    demo_facts: DemoFacts,
    artifacts_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServerFactory]:
    # demo_facts first: it reads the template before any server copies it.
    factory = ServerFactory(store_maker, tmp_path_factory)
    try:
        yield factory
    finally:
        factory.stop_all()


@pytest.fixture(scope="session")
def streamlit_server(server_factory: ServerFactory, chromium_browser: Browser) -> StreamlitServer:
    """One server shared by the signed-in tests, warmed up by one visit to ``/``.

    The visit runs the entrypoint once (which ends the fresh-server deep-link behaviour for this
    server, as the first real user would) and opens the store, so tests see the routed app.
    Fresh-server behaviour is tested on servers from ``server_factory``.
    """
    server = server_factory.start("shared")
    server.wait_healthy()
    context = chromium_browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        page.wait_for_selector('input[type="password"]', timeout=60_000)
    finally:
        context.close()
    return server


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: browser tests need Debian's chromium "
            "(apt-get install -y chromium fonts-noto-cjk). Do not run `playwright install`.",
            pytrace=False,
        )
    # A loaded 2-core CI box can take seconds per script run: wait longer than the 5 s default.
    expect.set_options(timeout=30_000)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium_browser: Browser, artifacts_dir: Path, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh context (no cookies, no Streamlit session) and page per test.

    When the test fails, the page as it was is saved as ``FAILED-<test>.png``.
    """
    context = chromium_browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        yield page
        report = getattr(request.node, "_bonemdt_report_call", None)
        if report is not None and report.failed:
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            page.screenshot(path=str(artifacts_dir / f"FAILED-{name}.png"), full_page=True)
    finally:
        context.close()


APP = '[data-testid="stApp"]'


def settle(page: Page) -> None:
    """Connected, the script run over, nothing stale or loading."""
    page.wait_for_selector(f'{APP}[data-test-connection-state="CONNECTED"]')
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            if (document.querySelector('[data-stale="true"]')) return false;
            return !document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]');
        }"""
    )
    page.wait_for_timeout(250)
