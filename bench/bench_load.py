"""Load: N concurrent WebSocket sessions against a real ``streamlit run`` server on loopback.

docs/security-requirements.md requirement 8: at the design load (30 sessions, 2–5 s think time, 10 % writes) read
p95 ≤ 2 s, zero errors, and every acknowledged write present in the store with its audit row.

For each load level the bench copies a fresh demo store, starts the app on a free port of
127.0.0.1 (``BONEMDT_TRUSTED_USER_HEADER=X-Bench-User``, ``BONEMDT_DEMO=1``), polls
``/_stcore/health``, warms it up with two unmeasured sessions, then runs the sessions
(``ws_client.StreamlitSession``, the Streamlit wire protocol) for the given duration, stops the
server and checks the store. Nothing ever talks to an address other than 127.0.0.1; every
loop is bounded in count and time and the server is stopped in a ``finally``.

Sessions sign in through the trusted proxy header, cycling chair, coordinator, member. Each
session loads the landing page, then loops: think (uniform in ``--think``), then one action.

* A **read** is one page run (``rerun_script`` .. final ``script_finished``): the case board
  ``case?case=<random demo case>`` (50 %; with a random board tab — the tabs are lazy, so a tab
  switch is a page rerun with the tab widget's state), the cases list (20 %), the meetings page
  (15 %) or the overview (15 %). The first opening of a case in a session also appends an
  ``open_case`` audit row, as in the browser.
* A **write** is a real data write through the UI: the referral form on ``cases`` (chair and
  coordinator; members only read), submitted as the browser does — the form's widget ids are
  read from the page's deltas, the fields (MRN, name, birth date, referrer, question) go in
  ``widget_states`` with the submit button's ``trigger_value``. The app validates, creates the
  patient and the case with their two audit rows in one transaction, and reruns. A write is
  **acknowledged** when that run shows the success notice with the new case number; its
  latency runs from the submit to the final ``script_finished``. If the session was not on
  the cases page it first opens it (a read) and thinks again, as a user would. Writer sessions
  write with probability ``write_share × sessions / writer sessions`` so about ``write_share``
  of all actions are writes; the measured share is printed.
* An **error** is a request that did not finish cleanly: an ``exception`` element in any delta,
  a compile error, ``page_not_found``, a timeout (``--request-timeout``), a dropped connection,
  a failed handshake, or a write that was not acknowledged (form error or no notice).

After the run (server stopped) the store is opened read-only: every acknowledged write must
have its patient (by MRN), its case (by the acknowledged case number, linked to that patient)
and the ``create`` audit rows for both, by the session's user; the audit hash chain must verify;
and the ``login`` and ``open_case`` audit rows must be at least as many as the acknowledged
sign-ins and first openings.

    .venv/bin/python bench/bench_load.py                    # the curve: 10@60 s, 30@120 s, 50@60 s
    .venv/bin/python bench/bench_load.py --sessions 30 --duration 120 --think 2 5 --write-share 0.1

Prints a table and writes ``bench/results/load.json``. Figures include the client's own CPU
use on the same machine (printed), so they are pessimistic on a small box.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import ROOT, print_table, write_json
from ws_client import LOOPBACK, RunResult, StreamlitSession, widget_state

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

HEADER = "X-Bench-User"
ROLES = ("chair", "coordinator", "member")
WRITERS = {"chair", "coordinator"}  # Capability.CREATE_CASE
READ_MIX = (("case", 0.50), ("cases", 0.20), ("meetings", 0.15), ("overview", 0.15))
DEFAULT_TAB_SHARE = 0.4  # case board reads on the first (default) tab; the rest pick another tab
FORM = "referral_form"
ACK = re.compile(r"#(\d+)")
PROTOCOL = (
    "ws://127.0.0.1:<port>/_stcore/stream, Sec-WebSocket-Protocol 'streamlit' (no XSRF token: it only"
    " gates the st.login cookie), handshake header X-Bench-User=<demo user> (server env"
    " BONEMDT_TRUSTED_USER_HEADER); BackMsg.rerun_script(ClientState: query_string, page_name ="
    " url_path, page_script_hash = streamlit.util.calc_hash(url_path), widget_states); a request"
    " ends at ForwardMsg.script_finished FINISHED_SUCCESSFULLY (FINISHED_EARLY_FOR_RERUN runs are"
    " followed); errors = exception elements, compile error, page_not_found, timeout, closed socket"
)
WRITE_DEFINITION = (
    "referral form on the cases page (chair/coordinator): MRN, name, birth date, referrer and"
    " question in widget_states plus the submit button's trigger_value; acknowledged when the"
    " rerun shows 'Referred: case #N'; verified after the run: patient, case and both 'create'"
    " audit rows by that user"
)
STARTUP_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0


# ------------------------------------------------------------------------------------------------
# The server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def build_template(folder: Path) -> Path:
    """A migrated demo store, closed (checkpointed) so it can be copied per level."""
    from db.store import open_store

    path = folder / "template.duckdb"
    store = open_store(path, demo=True)
    store.conn.close()
    return path


def store_facts(path: Path) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        ids = [int(r[0]) for r in con.execute("SELECT case_id FROM mdt_case ORDER BY case_id").fetchall()]
        actions = dict(con.execute("SELECT action, count(*) FROM audit_log GROUP BY action").fetchall())
        patients = int(con.execute("SELECT count(*) FROM patient").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()
    return {"case_ids": ids, "audit_by_action": actions, "patients": patients}


class Server:
    """``streamlit run`` on 127.0.0.1:<port> with its own store; stopped by pid in ``stop()``."""

    def __init__(self, db: Path, log: Path, *, root: Path = ROOT, demo: bool = True):
        self.db, self.log_path, self.port = db, log, free_port()
        self.root, self.demo = root, demo  # the tree to serve (bench_pages compares two)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        env = dict(os.environ)
        env.update(BONEMDT_DB=str(self.db), BONEMDT_DEMO="1" if self.demo else "0", BONEMDT_TRUSTED_USER_HEADER=HEADER)
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.address",
            LOOPBACK,
            "--server.port",
            str(self.port),
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ]
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
                with urllib.request.urlopen(url, timeout=2) as resp:  # loopback only
                    if resp.status == 200:
                        return time.perf_counter() - started
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError("server did not become healthy in time")

    def cpu_seconds(self) -> float:
        """utime + stime of the server process, from /proc (0 if unavailable)."""
        if self.proc is None:
            return 0.0
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def rss_mb(self) -> float:
        if self.proc is None:
            return 0.0
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except (OSError, ValueError):
            pass
        return 0.0

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
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return {
            "tracebacks": text.count("Traceback (most recent call last)"),
            "error_lines": sum(1 for line in text.splitlines() if " ERROR " in line),
        }


# ------------------------------------------------------------------------------------------------
# The sessions


@dataclass
class Rec:
    kind: str  # read | write
    page: str
    seconds: float
    status: str
    measured: bool
    at: float  # seconds since the level started


@dataclass
class Tally:
    recs: list[Rec] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)  # measured sessions
    warm_errors: Counter[str] = field(default_factory=Counter)  # the unmeasured warm-up
    acked: list[dict[str, Any]] = field(default_factory=list)
    unacked: list[dict[str, Any]] = field(default_factory=list)
    logins: int = 0  # acknowledged sign-ins (first run of a session finished cleanly)
    opens: set[tuple[str, int]] = field(default_factory=set)  # (session, case) first openings seen
    sessions_started: int = 0
    reconnects: int = 0


@dataclass(frozen=True)
class Plan:
    port: int
    sessions: int
    duration: float
    think: tuple[float, float]
    write_share: float
    request_timeout: float
    case_ids: tuple[int, ...]
    seed: int

    @property
    def write_p(self) -> float:
        """Per-action write probability of a writer session, so that about ``write_share`` of all
        requests are writes: scaled up for the member sessions (read only) and for the cases-page
        read that precedes a write when the user is elsewhere (1 - the cases share of reads)."""
        writers = sum(1 for i in range(self.sessions) if ROLES[i % len(ROLES)] in WRITERS)
        if not writers:
            return 0.0
        detour = 1.0 - dict(READ_MIX)["cases"]
        share = self.write_share / (1.0 - self.write_share * detour)
        return min(1.0, share * self.sessions / writers)


class Client:
    """One simulated user: a session that reconnects (like a reload) after a failed request."""

    def __init__(self, name: str, role: str, plan: Plan, tally: Tally, t0: float, measured: bool):
        self.name, self.role, self.plan, self.tally = name, role, plan, tally
        self.t0, self.measured = t0, measured
        self.rng = random.Random(f"{plan.seed}-{name}")
        self.sess: StreamlitSession | None = None
        self.last: RunResult | None = None
        self.last_page = ""
        self.tab_id = ""
        self.tab_labels: tuple[str, ...] = ()
        self.writes = 0

    @property
    def errors(self) -> Counter[str]:
        return self.tally.errors if self.measured else self.tally.warm_errors

    async def open(self) -> bool:
        self.sess = StreamlitSession(self.plan.port, {HEADER: self.role})
        self.tally.sessions_started += 1
        try:
            await self.sess.connect()
        except (OSError, TimeoutError, Exception) as exc:  # any handshake failure
            self.errors[f"connect:{type(exc).__name__}"] += 1
            self.sess = None
            return False
        result = await self.request("read", "landing", "", "")
        if result.ok and any(w.form_id == "sign_in" for w in result.widgets):
            result.status = "not_signed_in"  # the trusted header did not sign the session in
            self.errors["read:landing:not_signed_in"] += 1
        if result.ok:
            self.tally.logins += 1
        return result.ok

    async def close(self) -> None:
        if self.sess is not None:
            await self.sess.close()
            self.sess = None

    async def request(self, kind: str, label: str, page: str, query: str, states: list[Any] | None = None) -> RunResult:
        assert self.sess is not None
        at = time.perf_counter() - self.t0
        result = await self.sess.rerun(page, query, states or (), timeout=self.plan.request_timeout)
        self.tally.recs.append(Rec(kind, label, result.seconds, result.status, self.measured, at))
        if not result.ok:
            self.errors[f"{kind}:{label}:{result.status}"] += 1
        self.last, self.last_page = result, page
        for tabs in result.tabs:
            if tabs.id.endswith("-board_tab") and tabs.labels:
                self.tab_id, self.tab_labels = tabs.id, tabs.labels
        return result

    async def read(self) -> RunResult:
        page = self.rng.choices([p for p, _ in READ_MIX], [w for _, w in READ_MIX])[0]
        if page != "case":
            return await self.request("read", page, page, "")
        case_id = self.rng.choice(self.plan.case_ids)
        states = []
        if self.tab_id and self.tab_labels:
            tab = self.tab_labels[0] if self.rng.random() < DEFAULT_TAB_SHARE else self.rng.choice(self.tab_labels[1:])
            states.append(widget_state(self.tab_id, string_value=tab))
        result = await self.request("read", "case", "case", f"case={case_id}", states)
        if result.ok:
            self.tally.opens.add((self.name, case_id))
        return result

    async def write(self) -> RunResult:
        assert self.last is not None
        fields = {w.id.rsplit("-", 1)[-1]: w.id for w in self.last.widgets if w.form_id == FORM}
        submit = [w.id for w in self.last.widgets if w.form_id == FORM and w.is_form_submitter]
        need = ("referral__mrn", "referral__display_name", "referral__birth_date", "referral__referrer", "referral__question")
        if not submit or any(k not in fields for k in need):
            self.errors["write:form_missing"] += 1
            return RunResult(status="form_missing", seconds=0.0)
        self.writes += 1
        mrn = f"LD{self.plan.sessions}-{self.name}-{self.writes}"[:20]
        birth = f"{self.rng.randint(1935, 1990)}/{self.rng.randint(1, 12):02d}/{self.rng.randint(1, 28):02d}"
        states = [
            widget_state(fields["referral__mrn"], string_value=mrn),
            widget_state(fields["referral__display_name"], string_value=f"Load Test {self.name} {self.writes}"),
            widget_state(fields["referral__birth_date"], string_array_value=[birth]),
            widget_state(fields["referral__referrer"], string_value="Dr Load Bench"),
            widget_state(fields["referral__question"], string_value="Load-test referral: please review the spine MRI."),
            widget_state(submit[0], trigger_value=True),
        ]
        result = await self.request("write", "referral", "cases", "", states)
        info = {"mrn": mrn, "session": self.name, "user": self.role, "seconds": round(result.seconds, 4)}
        success = [body for fmt, body in result.alerts if fmt == "success" and ACK.search(body)]
        if result.ok and success:
            info["case_id"] = int(ACK.search(success[0]).group(1))  # type: ignore[union-attr]
            self.tally.acked.append(info)
        else:
            if result.ok:  # ran cleanly but no notice: the form refused it
                self.errors["write:referral:not_acknowledged"] += 1
                info["form_errors"] = sum(1 for fmt, _ in result.alerts if fmt == "error")
            info["status"] = result.status
            self.tally.unacked.append(info)
        return result

    async def run(self, deadline: float, start_delay: float) -> None:
        """Ramp in, then think/act until ``deadline``; bounded by a request count too."""
        lo = self.plan.think[0]
        max_actions = math.ceil(self.plan.duration / max(lo, 0.1)) + 10
        await asyncio.sleep(start_delay)
        if time.perf_counter() >= deadline:
            return
        ok = await self.open()
        try:
            for _ in range(max_actions):
                if not ok:  # a failed request: reload (new session), like a user would
                    await self.close()
                    if time.perf_counter() + lo >= deadline:
                        break
                    await asyncio.sleep(lo)
                    self.tally.reconnects += 1
                    ok = await self.open()
                    continue
                if not await self.think(deadline):
                    break
                if self.role in WRITERS and self.rng.random() < self.plan.write_p:
                    if self.last_page != "cases":
                        ok = (await self.request("read", "cases", "cases", "")).ok
                        if not ok or not await self.think(deadline):
                            continue
                    ok = (await self.write()).status in ("ok", "form_missing")
                else:
                    ok = (await self.read()).ok
        finally:
            await self.close()

    async def think(self, deadline: float) -> bool:
        pause = self.rng.uniform(*self.plan.think)
        if time.perf_counter() + pause >= deadline:
            return False
        await asyncio.sleep(pause)
        return True


async def warm_up(plan: Plan, tally: Tally) -> None:
    """Unmeasured: fill the server's caches (imports, store, first page runs)."""
    t0 = time.perf_counter()
    for i, role in enumerate(("chair", "coordinator")):
        c = Client(f"w{i}", role, plan, tally, t0, measured=False)
        if await c.open():
            for page, query in (("cases", ""), ("case", f"case={plan.case_ids[0]}"), ("meetings", ""), ("overview", "")):
                r = await c.request("read", page, page, query)
                if r.ok and page == "case":
                    tally.opens.add((c.name, plan.case_ids[0]))
        await c.close()


async def run_level(plan: Plan, tally: Tally) -> dict[str, float]:
    t0 = time.perf_counter()
    deadline = t0 + plan.duration
    rng = random.Random(plan.seed)
    clients = [Client(f"s{i}", ROLES[i % len(ROLES)], plan, tally, t0, measured=True) for i in range(plan.sessions)]
    cpu0 = time.process_time()
    tasks = [asyncio.create_task(c.run(deadline, rng.uniform(0, plan.think[1]))) for c in clients]
    hard_stop = plan.duration + plan.request_timeout * 2 + 30
    done, pending = await asyncio.wait(tasks, timeout=hard_stop)
    for task in pending:  # bounded: whatever still runs is cancelled
        task.cancel()
    if pending:
        tally.errors["client:cancelled_at_hard_stop"] += len(pending)
        await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            tally.errors[f"client:{type(task.exception()).__name__}"] += 1
    return {"elapsed_s": time.perf_counter() - t0, "client_cpu_s": time.process_time() - cpu0}


# ------------------------------------------------------------------------------------------------
# Verification and figures


def verify(path: Path, tally: Tally, before: dict[str, Any]) -> dict[str, Any]:
    import duckdb

    from db.audit import verify_chain

    con = duckdb.connect(str(path), read_only=True)
    missing: list[dict[str, Any]] = []
    try:
        for w in tally.acked:
            problems = []
            prow = con.execute("SELECT patient_id FROM patient WHERE mrn = ?", [w["mrn"]]).fetchall()
            if len(prow) != 1:
                problems.append(f"patient rows {len(prow)}")
            crow = con.execute("SELECT patient_id FROM mdt_case WHERE case_id = ?", [w["case_id"]]).fetchall()
            if len(crow) != 1 or (prow and crow[0][0] != prow[0][0]):
                problems.append("case missing or not linked to the patient")
            for entity, ident in (("mdt_case", w["case_id"]), ("patient", prow[0][0] if prow else None)):
                n = con.execute(
                    "SELECT count(*) FROM audit_log WHERE action = 'create' AND entity = ? AND entity_id = ?"
                    " AND outcome = 'ok' AND actor = ?",
                    [entity, str(ident), w["user"]],
                ).fetchone()[0]  # type: ignore[index]
                if n != 1:
                    problems.append(f"{entity} create audit rows {n}")
            if problems:
                missing.append({"mrn": w["mrn"], "case_id": w["case_id"], "problems": problems})
        unacked_stored = 0
        for w in tally.unacked:
            row = con.execute("SELECT count(*) FROM patient WHERE mrn = ?", [w["mrn"]]).fetchone()
            unacked_stored += int(row[0]) if row else 0
        bench_patients = int(con.execute("SELECT count(*) FROM patient WHERE mrn LIKE 'LD%'").fetchone()[0])  # type: ignore[index]
        actions = dict(con.execute("SELECT action, count(*) FROM audit_log GROUP BY action").fetchall())
        chain = verify_chain(con)
    finally:
        con.close()
    grew = {a: int(actions.get(a, 0)) - int(before["audit_by_action"].get(a, 0)) for a in ("login", "open_case", "create")}
    ok = (
        not missing
        and chain.ok
        and grew["login"] >= tally.logins
        and grew["open_case"] >= len(tally.opens)
        and bench_patients == len(tally.acked) + unacked_stored
    )
    return {
        "ok": ok,
        "acknowledged_writes": len(tally.acked),
        "acknowledged_writes_missing": missing,
        "unacknowledged_writes": len(tally.unacked),
        "unacknowledged_but_stored": unacked_stored,
        "bench_patients_in_store": bench_patients,
        "audit_chain_ok": chain.ok,
        "audit_rows": chain.rows,
        "audit_chain_problem": chain.problem,
        "login_rows_added": grew["login"],
        "logins_acknowledged": tally.logins,
        "open_case_rows_added": grew["open_case"],
        "first_openings_acknowledged": len(tally.opens),
        "create_rows_added": grew["create"],
    }


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile in milliseconds."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000, 1)


def figures(plan: Plan, tally: Tally, timing: dict[str, float], server: dict[str, Any], check: dict[str, Any]) -> dict[str, Any]:
    recs = [r for r in tally.recs if r.measured]
    reads = [r.seconds for r in recs if r.kind == "read" and r.status == "ok"]
    writes = [r.seconds for r in recs if r.kind == "write" and r.status == "ok"]
    # Errors of the measured sessions (requests, handshakes, unacknowledged writes, clients);
    # the warm-up's are reported apart.
    errors = sum(tally.errors.values())
    per_page: dict[str, Any] = {}
    for page in sorted({r.page for r in recs}):
        xs = [r.seconds for r in recs if r.page == page and r.status == "ok"]
        per_page[page] = {
            "n": sum(1 for r in recs if r.page == page),
            "p50_ms": pct(xs, 50),
            "p95_ms": pct(xs, 95),
            "max_ms": pct(xs, 100),
        }
    n_req = len(recs)
    elapsed = timing["elapsed_s"]
    out = {
        "sessions": plan.sessions,
        "duration_s": plan.duration,
        "think_s": list(plan.think),
        "write_share_target": plan.write_share,
        "requests": n_req,
        "reads": sum(1 for r in recs if r.kind == "read"),
        "writes": sum(1 for r in recs if r.kind == "write"),
        "write_share_measured": round(sum(1 for r in recs if r.kind == "write") / n_req, 3) if n_req else 0.0,
        "errors": errors,
        "error_kinds": dict(tally.errors),
        "warmup_errors": dict(tally.warm_errors),
        "read_p50_ms": pct(reads, 50),
        "read_p95_ms": pct(reads, 95),
        "read_p99_ms": pct(reads, 99),
        "read_max_ms": pct(reads, 100),
        "write_p50_ms": pct(writes, 50),
        "write_p95_ms": pct(writes, 95),
        "write_max_ms": pct(writes, 100),
        "throughput_rps": round(n_req / elapsed, 2) if elapsed else 0.0,
        "elapsed_s": round(elapsed, 1),
        "sessions_started": tally.sessions_started,
        "reconnects": tally.reconnects,
        "per_page": per_page,
        "server": server,
        "client_cpu_s": round(timing["client_cpu_s"], 1),
        "verification": check,
    }
    p95 = pct(reads, 95)
    out["meets_requirement_8"] = bool(p95 is not None and p95 <= 2000 and errors == 0 and check["ok"])
    return out


def one_level(template: Path, work: Path, args: argparse.Namespace, sessions: int, duration: float) -> dict[str, Any]:
    db = work / f"store-{sessions}.duckdb"
    shutil.copyfile(template, db)
    before = store_facts(db)
    server = Server(db, work / f"server-{sessions}.log")
    tally = Tally()
    load_before = [round(x, 2) for x in os.getloadavg()]
    try:
        boot = server.start()
        plan = Plan(
            server.port,
            sessions,
            duration,
            (args.think[0], args.think[1]),
            args.write_share,
            args.request_timeout,
            tuple(before["case_ids"]),
            args.seed,
        )
        print(f"… {sessions} sessions for {duration:.0f} s on {LOOPBACK}:{server.port} (server up in {boot:.1f} s)", flush=True)
        asyncio.run(asyncio.wait_for(warm_up(plan, tally), timeout=300))
        cpu0 = server.cpu_seconds()
        timing = asyncio.run(run_level(plan, tally))
        cpu = server.cpu_seconds() - cpu0
        rss = server.rss_mb()
    finally:
        server.stop()
    srv: dict[str, Any] = {
        "boot_s": round(boot, 1),
        "cpu_s": round(cpu, 1),
        "cpu_cores_used": round(cpu / timing["elapsed_s"], 2) if timing["elapsed_s"] else 0.0,
        "rss_mb": round(rss, 0),
        **server.log_problems(),
    }
    srv["loadavg_1_5_15_before"] = load_before
    srv["loadavg_1_5_15_after"] = [round(x, 2) for x in os.getloadavg()]
    check = verify(db, tally, before)
    out = figures(plan, tally, timing, srv, check)
    out["write_probability_per_writer_action"] = round(plan.write_p, 4)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sessions", default="10,30,50", help="one count or a comma list (default 10,30,50)")
    ap.add_argument(
        "--duration",
        default=None,
        help="seconds per level, one value or a comma list (default 60,120,60 for the curve, else 120)",
    )
    ap.add_argument("--think", nargs=2, type=float, default=(2.0, 5.0), metavar=("MIN", "MAX"))
    ap.add_argument("--write-share", type=float, default=0.1)
    ap.add_argument("--request-timeout", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--keep", action="store_true", help="keep the stores and server logs")
    args = ap.parse_args()
    levels = [int(x) for x in str(args.sessions).split(",") if x.strip()]
    if args.duration is None:
        durations = [60.0, 120.0, 60.0] if levels == [10, 30, 50] else [120.0] * len(levels)
    else:
        durations = [float(x) for x in str(args.duration).split(",") if x.strip()]
        durations = durations * len(levels) if len(durations) == 1 else durations
    if len(durations) != len(levels) or any(n < 1 or n > 200 for n in levels) or any(d <= 0 or d > 1800 for d in durations):
        ap.error("--sessions 1..200 and --duration 1..1800 s, one duration or one per level")
    if not 0 <= args.write_share <= 1 or not 0 < args.think[0] <= args.think[1]:
        ap.error("bad --write-share or --think")

    work = Path(tempfile.mkdtemp(prefix="bonemdt-load-"))
    results: list[dict[str, Any]] = []
    try:
        print("… building the demo store", flush=True)
        template = build_template(work)
        for n, d in zip(levels, durations, strict=True):
            results.append(one_level(template, work, args, n, d))
    finally:
        if args.keep:
            print(f"stores and logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)

    def ms(v: float | None) -> str:
        return "—" if v is None else f"{v:,.0f}"

    print_table(
        "Load (WebSocket sessions on 127.0.0.1; latency in ms)",
        [
            "sessions",
            "dur s",
            "requests",
            "writes",
            "errors",
            "read p50",
            "read p95",
            "read p99",
            "write p50",
            "write p95",
            "req/s",
            "srv cores",
            "verified",
            "req 8",
        ],
        [
            [
                r["sessions"],
                r["duration_s"],
                r["requests"],
                r["writes"],
                r["errors"],
                ms(r["read_p50_ms"]),
                ms(r["read_p95_ms"]),
                ms(r["read_p99_ms"]),
                ms(r["write_p50_ms"]),
                ms(r["write_p95_ms"]),
                r["throughput_rps"],
                r["server"]["cpu_cores_used"],
                "yes" if r["verification"]["ok"] else "NO",
                "pass" if r["meets_requirement_8"] else "FAIL",
            ]
            for r in results
        ],
    )
    for r in results:
        v = r["verification"]
        pages = ", ".join(f"{p} {s['n']}× p95 {ms(s['p95_ms'])}" for p, s in r["per_page"].items())
        print(f"\n{r['sessions']} sessions: {pages}")
        print(
            f"  write share {r['write_share_measured']:.1%}; errors {r['error_kinds'] or 'none'}; "
            f"reconnects {r['reconnects']}; client CPU {r['client_cpu_s']} s; server RSS {r['server']['rss_mb']:.0f} MB, "
            f"log tracebacks {r['server']['tracebacks']}; load avg before {r['server']['loadavg_1_5_15_before']}"
        )
        print(
            f"  verification: {v['acknowledged_writes']} acknowledged writes, "
            f"{len(v['acknowledged_writes_missing'])} missing; {v['unacknowledged_writes']} unacknowledged "
            f"({v['unacknowledged_but_stored']} stored anyway); audit chain "
            f"{'ok' if v['audit_chain_ok'] else 'BROKEN'} ({v['audit_rows']} rows); login rows "
            f"+{v['login_rows_added']} ≥ {v['logins_acknowledged']}; open_case rows +{v['open_case_rows_added']} "
            f"≥ {v['first_openings_acknowledged']}"
        )
    path = write_json(
        "load",
        {
            "what": "concurrent WebSocket sessions against streamlit run on 127.0.0.1 (docs/security-requirements.md req. 8)",
            "protocol": PROTOCOL,
            "write": WRITE_DEFINITION,
            "config": {
                "think_s": list(args.think),
                "write_share": args.write_share,
                "read_mix": dict(READ_MIX),
                "request_timeout_s": args.request_timeout,
                "seed": args.seed,
                "roles": list(ROLES),
            },
            "levels": results,
        },
    )
    print(f"\nwrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
