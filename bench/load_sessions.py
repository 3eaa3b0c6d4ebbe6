"""The simulated users of the load bench (bench/bench_load.py) and the replica test.

A :class:`Client` is one browser tab: a Streamlit session (``ws_client.StreamlitSession``) signed
in through the trusted proxy header, that thinks, reads pages and sends referrals. Sessions are
spread over the ``Plan.ports`` round robin (session *i* on ``ports[i % len(ports)]``): one port for
a single server or a proxy in front of replicas, one per replica when sessions are pinned.

The referral is filled from the page's own deltas (:func:`referral_states`): the widgets of the
``referral_form`` are found by their keys (``referral__<field>``, pickers with a language suffix),
the sex picker gets one of its offered options, and the submit button its ``trigger_value``.
"""

from __future__ import annotations

import asyncio
import math
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.WidgetStates_pb2 import WidgetState
from ws_client import RunResult, StreamlitSession, Widget, fetch_cookies, widget_state

HEADER = "X-Bench-User"
ROLES = ("chair", "coordinator", "member")
WRITERS = {"chair", "coordinator"}  # Capability.CREATE_CASE
READ_MIX = (("case", 0.50), ("cases", 0.20), ("meetings", 0.15), ("overview", 0.15))
DEFAULT_TAB_SHARE = 0.4  # case board reads on the first (default) tab; the rest pick another tab
FORM = "referral_form"
FORM_PREFIX = "referral__"
REQUIRED = ("mrn", "display_name", "sex", "birth_date", "referrer", "question")
ACK = re.compile(r"#(\d+)")
MRN_PREFIX = "LD"


def form_fields(widgets: list[Widget]) -> dict[str, Widget]:
    """The referral form's widgets by field name: ``referral__sex__en`` -> ``sex``;
    the submit button (``referral__submit__<token>``) is ``submit``."""
    out: dict[str, Widget] = {}
    for w in widgets:
        if w.form_id == FORM and w.key.startswith(FORM_PREFIX):
            out[w.key[len(FORM_PREFIX) :].split("__", 1)[0]] = w
    return out


def referral_states(widgets: list[Widget], mrn: str, name: str, rng: random.Random) -> list[WidgetState] | None:
    """The widget states of one filled-in referral, as the browser sends them on submit; ``None``
    when the page did not show the form with every required field and its submit button."""
    fields = form_fields(widgets)
    submit = fields.get("submit")
    if submit is None or not submit.is_form_submitter or any(f not in fields for f in REQUIRED):
        return None
    sexes = fields["sex"].options[1:]  # the first option is "nothing chosen" (—)
    if not sexes:
        return None
    birth = f"{rng.randint(1935, 1990)}/{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}"
    return [
        widget_state(fields["mrn"].id, string_value=mrn),
        widget_state(fields["display_name"].id, string_value=name),
        widget_state(fields["sex"].id, string_value=rng.choice(sexes)),
        widget_state(fields["birth_date"].id, string_array_value=[birth]),
        widget_state(fields["referrer"].id, string_value="Dr Load Bench"),
        widget_state(fields["question"].id, string_value="Load-test referral: please review the spine MRI."),
        widget_state(submit.id, trigger_value=True),
    ]


@dataclass
class Rec:
    kind: str  # read | write
    page: str
    seconds: float
    status: str
    measured: bool
    at: float  # seconds since the level started
    port: int = 0  # the replica port that answered (the proxy's own when it did not say)


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
    ports: tuple[int, ...]  # session i connects to ports[i % len(ports)]
    sessions: int
    duration: float
    think: tuple[float, float]
    write_share: float
    request_timeout: float
    case_ids: tuple[int, ...]
    seed: int
    tag: str = ""  # goes into the MRNs, so runs on one store never collide
    prime_cookies: bool = False  # through a proxy: load "/" first and send its cookies, as a browser
    cookies: tuple[str, ...] = ()  # a Cookie header per session (i % len): a browser that has its route

    @property
    def write_p(self) -> float:
        """Per-action write probability of a writer session, so that about ``write_share`` of all
        requests are writes: scaled up for the member sessions (read only) and for the cases-page
        read that precedes a write when the user is elsewhere (1 - the cases share of reads)."""
        writers = sum(1 for i in range(self.sessions) if ROLES[i % len(ROLES)] in WRITERS)
        if not writers:
            return 0.0
        detour = 1.0 - dict(READ_MIX)["cases"]
        share = self.write_share / max(1e-9, 1.0 - self.write_share * detour)
        return min(1.0, share * self.sessions / writers)


class Client:
    """One simulated user: a session that reconnects (like a reload) after a failed request."""

    def __init__(self, name: str, role: str, port: int, plan: Plan, tally: Tally, t0: float, measured: bool, cookie: str = ""):
        self.name, self.role, self.port, self.plan, self.tally = name, role, port, plan, tally
        self.cookie = cookie
        self.t0, self.measured = t0, measured
        self.rng = random.Random(f"{plan.seed}-{name}")
        self.sess: StreamlitSession | None = None
        self.last: RunResult | None = None
        self.last_page = ""
        self.tab_id = ""
        self.tab_labels: tuple[str, ...] = ()
        self.writes = 0
        self.replica = port  # the server's port; behind a proxy, the replica it named

    @property
    def errors(self) -> Counter[str]:
        return self.tally.errors if self.measured else self.tally.warm_errors

    async def open(self) -> bool:
        self.sess = StreamlitSession(self.port, {HEADER: self.role, **({"Cookie": self.cookie} if self.cookie else {})})
        self.tally.sessions_started += 1
        try:
            if self.plan.prime_cookies:
                await self.sess.prime_cookies()
                self.cookie = self.sess.headers.get("Cookie", "")  # kept, as a browser keeps it over a reload
                upstream = self.sess.upstream.rsplit(":", 1)[-1]
                if upstream.isdigit():  # the proxy named the replica
                    self.replica = int(upstream)
            await self.sess.connect()
        except Exception as exc:  # any handshake failure (OSError, TimeoutError, HTTP refusal)
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
        self.tally.recs.append(Rec(kind, label, result.seconds, result.status, self.measured, at, self.replica))
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
        mrn = f"{MRN_PREFIX}{self.plan.tag}{self.name}-{self.writes + 1}"[:20]
        states = referral_states(self.last.widgets, mrn, f"Load Test {self.name} {self.writes + 1}", self.rng)
        if states is None:
            self.errors["write:form_missing"] += 1
            return RunResult(status="form_missing", seconds=0.0)
        self.writes += 1
        result = await self.request("write", "referral", "cases", "", states)
        info: dict[str, Any] = {
            "mrn": mrn,
            "session": self.name,
            "user": self.role,
            "port": self.replica,
            "seconds": round(result.seconds, 4),
        }
        success = [body for fmt, body in result.alerts if fmt == "success" and ACK.search(body)]
        if result.ok and success:
            info["case_id"] = int(ACK.search(success[0]).group(1))  # type: ignore[union-attr]
            self.tally.acked.append(info)
        else:
            if result.ok:  # ran cleanly but no notice: the form refused it
                self.errors["write:referral:not_acknowledged"] += 1
                info["form_errors"] = [body[:80] for fmt, body in result.alerts if fmt == "error"]
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


async def warm_up(plan: Plan, tally: Tally, ports: tuple[int, ...] = ()) -> None:
    """Unmeasured: fill each server's caches (imports, store, first page runs), two sessions on
    each of ``ports`` (default: the plan's; the replicas' own ports warm each one behind a proxy)."""
    t0 = time.perf_counter()
    for port in ports or plan.ports:
        for i, role in enumerate(("chair", "coordinator")):
            c = Client(f"w{port}-{i}", role, port, plan, tally, t0, measured=False)
            if await c.open():
                for page, query in (("cases", ""), ("case", f"case={plan.case_ids[0]}"), ("meetings", ""), ("overview", "")):
                    r = await c.request("read", page, page, query)
                    if r.ok and page == "case":
                        tally.opens.add((c.name, plan.case_ids[0]))
            await c.close()


async def run_level(plan: Plan, tally: Tally) -> dict[str, float]:
    """All sessions of one level, ramped in over the first think interval; hard-stopped."""
    t0 = time.perf_counter()
    deadline = t0 + plan.duration
    rng = random.Random(plan.seed)
    cookies = plan.cookies or ("",)
    clients = [
        Client(f"s{i}", ROLES[i % len(ROLES)], plan.ports[i % len(plan.ports)], plan, tally, t0, True, cookies[i % len(cookies)])
        for i in range(plan.sessions)
    ]
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


def routes_per_upstream(port: int, upstreams: tuple[int, ...], each: int, *, tries: int = 200) -> list[str]:
    """Cookie headers that a proxy on ``port`` routes to each of ``upstreams`` (replica ports), ``each``
    per replica, interleaved (r1, r2, r1, r2 …): fresh affinity cookies are drawn from the proxy
    (``GET /``, bounded by ``tries``) and kept by the replica its upstream header names. Raises
    ``RuntimeError`` when the proxy does not spread them."""
    found: dict[int, list[str]] = {p: [] for p in upstreams}
    for _ in range(tries):
        jar, upstream = fetch_cookies(port, {}, 10.0)
        replica = int(upstream.rsplit(":", 1)[-1]) if upstream.rsplit(":", 1)[-1].isdigit() else 0
        if jar and replica in found and len(found[replica]) < each:
            found[replica].append("; ".join(f"{k}={v}" for k, v in jar.items()))
        if all(len(v) == each for v in found.values()):
            return [found[p][i] for i in range(each) for p in upstreams]
    raise RuntimeError(f"the proxy on port {port} did not route {each} new sessions to each of {upstreams}: {found}")
