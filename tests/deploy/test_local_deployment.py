"""The replicated deployment, for real: PostgreSQL, two app replicas and nginx on loopback ports.

One deployment for the module (starting it takes half a minute on the shared 2-core machine): health
and frame headers through the proxy, a Streamlit WebSocket session through the proxy, sticky routing
by the route cookie, password authentication on PostgreSQL, and nothing left running after stop.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from db.pg_local import pg_bin
from deploy.local import TEMPLATE, UPSTREAM_HEADER, LocalDeployment, nginx_bin, render_main, render_site
from tests.conftest import in_fresh_thread

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
if str(ROOT / "bench") not in sys.path:
    sys.path.append(str(ROOT / "bench"))  # last: bench/common.py must not shadow anything
from ws_client import StreamlitSession  # noqa: E402 - bench/ is not a package

pytestmark = pytest.mark.slow

needs_programs = pytest.mark.skipif(
    pg_bin() is None or nginx_bin() is None,
    reason="PostgreSQL server programs or nginx not installed (Debian: apt-get install postgresql nginx-light)",
)


def get(port: int, path: str, cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if cookie:
        request.add_header("Cookie", f"bonemdt_route={cookie}")
    with urllib.request.urlopen(request, timeout=10) as response:
        headers: dict[str, str] = {}
        for name, value in response.headers.items():  # Set-Cookie may repeat
            key = name.lower()
            headers[key] = headers[key] + "\n" + value if key in headers else value
        return response.status, headers, response.read()


def in_groups(groups: set[int]) -> list[int]:
    """Live processes whose process group is one of ``groups``."""
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) in groups:
            found.append(int(stat_file.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie is gone for our purposes (its parent has not reaped it yet)
    status = Path(f"/proc/{pid}/status")
    return status.exists() and "State:\tZ" not in status.read_text()


@pytest.fixture(scope="module")
def deployment() -> Iterator[LocalDeployment]:
    # As root PostgreSQL runs as `postgres`, which must traverse the folder: pytest's tmp_path is 0700.
    folder = Path(tempfile.mkdtemp(prefix="bonemdt-deploy-"))
    folder.chmod(0o711)
    dep = LocalDeployment(folder, replicas=2, base_port=0, proxy_port=0, pg_port=0)
    try:
        dep.start()
        yield dep
    finally:
        dep.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_template_renders_for_the_trial_and_matches_the_upload_limit() -> None:
    template = TEMPLATE.read_text()
    site = render_site(template, [9001, 9002, 9003], 9000)
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", site) == ["9001", "9002", "9003"]
    assert "listen 127.0.0.1:9000;" in site
    assert "ssl_certificate" not in site and "listen 80" not in site
    assert f"add_header {UPSTREAM_HEADER} $upstream_addr always;" in site
    assert "hash $bonemdt_route consistent;" in site and "ip_hash" not in site.replace("(ip_hash", "")
    # the production file keeps TLS and the HTTPS-only route cookie
    assert "ssl_certificate " in template and "HttpOnly; Secure;" in template
    upload_mb = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    body_mb = int(re.search(r"client_max_body_size (\d+)m;", template)[1])  # type: ignore[index]
    assert upload_mb <= body_mb <= upload_mb + 1
    with pytest.raises(ValueError, match="marker"):
        render_site(template.replace("# local: listen", "# listen"), [9001], 9000)


@pytest.mark.skipif(nginx_bin() is None or shutil.which("openssl") is None, reason="nginx or openssl not installed")
def test_the_production_example_passes_nginx_own_check(tmp_path: Path) -> None:
    """The file as shipped, with only the certificate paths pointed at a throwaway certificate."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=localhost",
            "-days",
            "1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    site = TEMPLATE.read_text()
    site = site.replace("/etc/ssl/certs/bonemdt.example.org.pem", str(cert))
    site = site.replace("/etc/ssl/private/bonemdt.example.org.key", str(key))
    (tmp_path / "bonemdt.conf").write_text(site)
    (tmp_path / "tmp").mkdir()
    main = tmp_path / "nginx.conf"
    main.write_text(render_main(tmp_path).replace("daemon off;\n", ""))
    done = subprocess.run(
        [str(nginx_bin()), "-t", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


@needs_programs
def test_health_and_frame_headers_through_the_proxy_and_each_replica(deployment: LocalDeployment) -> None:
    assert deployment.proxy_port is not None
    for port in [deployment.proxy_port, *deployment.replica_ports]:
        status, headers, body = get(port, "/_stcore/health")
        assert (status, body) == (200, b"ok")
        assert headers["x-frame-options"] == "DENY"
        assert headers["content-security-policy"] == "frame-ancestors 'none'"
    status, headers, body = get(deployment.proxy_port, "/")
    assert status == 200 and b"<html" in body.lower()
    assert headers["x-frame-options"] == "DENY"
    assert headers["server"].startswith("nginx")
    assert deployment.start_seconds["total"] > 0
    assert all(mb > 20 for mb in deployment.replica_rss_mb())


@needs_programs
def test_routing_is_sticky_per_cookie_and_spread_across_clients(deployment: LocalDeployment) -> None:
    assert deployment.proxy_port is not None
    replicas = {f"127.0.0.1:{p}" for p in deployment.replica_ports}
    # a browser without the cookie gets one, and keeps its replica with it
    _, headers, _ = get(deployment.proxy_port, "/_stcore/health")
    route = re.search(r"bonemdt_route=([0-9a-f]{32});", headers["set-cookie"])
    assert route is not None and "HttpOnly" in headers["set-cookie"]
    first = headers[UPSTREAM_HEADER.lower()]
    assert first in replicas
    for _ in range(10):
        _, headers, _ = get(deployment.proxy_port, "/_stcore/health", cookie=route[1])
        assert headers[UPSTREAM_HEADER.lower()] == first
        assert "bonemdt_route" not in headers.get("set-cookie", "")
    # different browsers spread over both replicas (64 routes on 2 replicas: all on one has p = 2**-63)
    seen = {get(deployment.proxy_port, "/_stcore/health", cookie=f"client{i}")[1][UPSTREAM_HEADER.lower()] for i in range(64)}
    assert seen == replicas


@needs_programs
def test_websocket_session_through_the_proxy_stays_on_its_replica(deployment: LocalDeployment) -> None:
    assert deployment.proxy_port is not None
    routes = {"alpha": "", "bravo": ""}
    for route in list(routes):
        _, headers, _ = get(deployment.proxy_port, "/_stcore/health", cookie=route)
        routes[route] = headers[UPSTREAM_HEADER.lower()]

    async def session(route: str) -> str:
        s = StreamlitSession(deployment.proxy_port or 0, headers={"Cookie": f"bonemdt_route={route}"})
        await s.connect()
        try:
            result = await s.rerun("", timeout=90)
        finally:
            await s.close()
        return result.status

    for route in routes:
        assert (
            in_fresh_thread(lambda route=route: asyncio.run(session(route))) == "ok"
        )  # the sign-in page ran on the PostgreSQL store
    # nginx logs a WebSocket when it closes; each went to its route's replica
    access = deployment.nginx_dir / "access.log"
    deadline = time.monotonic() + 10
    lines: list[str] = []
    while time.monotonic() < deadline:
        lines = [line for line in access.read_text().splitlines() if "/_stcore/stream" in line]
        if len(lines) >= len(routes):
            break
        time.sleep(0.2)
    served = {m[2]: m[1] for line in lines if (m := re.search(r"101 upstream=(\S+) route=(\S+)", line))}
    assert served == routes


@needs_programs
@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium not installed")
def test_a_browser_signs_in_through_the_proxy_and_all_its_requests_reach_one_replica(deployment: LocalDeployment) -> None:
    from playwright.sync_api import expect, sync_playwright

    from core.i18n import t

    def browse() -> str:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"])
            try:
                context = browser.new_context(viewport={"width": 1440, "height": 1000})
                page = context.new_page()
                page.goto(deployment.url)
                page.get_by_label(t("signin.username"), exact=True).fill("chair")
                page.get_by_label(t("signin.password"), exact=True).fill("bonemdt-demo")
                page.get_by_role("button", name=t("signin.submit"), exact=True).click()
                sidebar = page.locator('[data-testid="stSidebar"]')
                for nav in ("nav.cases", "nav.meetings", "nav.decisions"):
                    sidebar.get_by_role("link", name=t(nav)).click()
                    page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
                # still the same session, signed in (a new one would show the sign-in form)
                expect(sidebar.get_by_role("button", name=t("signout"))).to_be_visible(timeout=60_000)
                assert page.get_by_label(t("signin.password"), exact=True).count() == 0
                route = next(c["value"] for c in context.cookies() if c["name"] == "bonemdt_route")
            finally:
                browser.close()
        return route

    route = in_fresh_thread(browse)
    upstreams = [
        m[1]
        for line in (deployment.nginx_dir / "access.log").read_text().splitlines()
        if (m := re.search(r"upstream=(\S+) route=" + route + "$", line))
    ]
    assert len(upstreams) > 20  # the app's files, its WebSocket, the page changes
    assert len(set(upstreams)) == 1


@needs_programs
def test_postgres_wants_the_password_over_tcp(deployment: LocalDeployment) -> None:
    secret = deployment.folder / "pg.secret"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert secret.read_text().strip() in deployment.db_url
    assert re.fullmatch(r"postgresql://bonemdt:[\w-]{32,}@127\.0\.0\.1:\d+/bonemdt", deployment.db_url)
    with psycopg.connect(deployment.db_url, connect_timeout=10) as con:
        assert con.execute("SELECT count(*) > 0 FROM patient").fetchone() == (True,)  # demo data
    wrong = re.sub(r":[\w-]+@", ":not-the-password@", deployment.db_url)
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong, connect_timeout=10)


@needs_programs
def test_a_stopped_replica_hands_its_browsers_over_and_stop_leaves_nothing_running() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bonemdt-deploy-stop-"))
    folder.chmod(0o711)
    dep = LocalDeployment(folder, replicas=2, base_port=0, proxy_port=0, pg_port=0, demo=False)
    try:
        dep.start()
        assert dep.proxy_port is not None
        pids = [*dep.replica_pids, dep._proxy.pid if dep._proxy else 0]
        postmaster = int((folder / "pg" / "data" / "postmaster.pid").read_text().split()[0])
        ports = [dep.proxy_port, *dep.replica_ports, dep.pg_port]
        assert all(alive(p) for p in [*pids, postmaster])
        # the browsers of a replica that stops reach the other one (as new sessions)
        routes = {f"client{i}": get(dep.proxy_port, "/_stcore/health", cookie=f"client{i}")[1] for i in range(16)}
        first = f"127.0.0.1:{dep.replica_ports[0]}"
        moved = [route for route, headers in routes.items() if headers[UPSTREAM_HEADER.lower()] == first]
        assert moved
        dep._replicas[0].terminate()
        dep._replicas[0].wait(timeout=30)
        for route in moved:
            status, headers, _ = get(dep.proxy_port, "/_stcore/health", cookie=route)
            assert status == 200
            assert headers[UPSTREAM_HEADER.lower()].split(", ")[-1] == f"127.0.0.1:{dep.replica_ports[1]}"
    finally:
        dep.stop()
    try:
        assert not [p for p in [*pids, postmaster] if alive(p)]
        assert in_groups(set(pids)) == []  # nginx's workers, anything a replica started
        for port in ports:
            with pytest.raises(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
        dep.stop()  # twice is harmless
    finally:
        shutil.rmtree(folder, ignore_errors=True)
