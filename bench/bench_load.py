"""Load: N concurrent WebSocket sessions against real servers on loopback, targets side by side.

docs/security-requirements.md requirement 8 and issue 14: at the design load (30 sessions, 2–5 s
think time, 10 % writes) read p95 ≤ 2 s, zero errors, every acknowledged write present exactly
once with its audit rows; and the same with two PostgreSQL replicas, whose requests/s should
reach 1.6× one replica's.

Targets (``--targets``, default ``duckdb,pg1,pg2``; bench/load_servers.py):

* ``duckdb`` — one ``streamlit run`` on a fresh copy of the demo store, sessions straight to it;
* ``pgN`` — ``deploy.local.LocalDeployment``: a loopback PostgreSQL cluster (fsync on) holding
  the demo store, N app replicas and the nginx proxy. With ``--via proxy`` (default) every
  session loads ``/`` through the proxy and sends back its cookies, like a browser, so the
  proxy's affinity and balancing place it — the deployment as users meet it, proxy hop
  included. ``--via direct`` pins session *i* to replica ``i % N`` (even spread by construction).

For each session count (``--sessions``, default 10,30,60) each target runs in turn on a fresh
store: start, poll health, warm up (two unmeasured sessions per port), run the sessions for the
level's duration, stop, check the store. Nothing talks to an address other than 127.0.0.1; every
loop is bounded in count and time; servers are stopped in a ``finally``.

Sessions (bench/load_sessions.py) sign in through the trusted proxy header, cycling chair,
coordinator, member, load the landing page, then loop: think (uniform in ``--think``), act.

* A **read** is one page run: the case board ``case?case=<random demo case>`` (50 %, with a
  random board tab), the cases list (20 %), meetings (15 %) or the overview (15 %).
* A **write** is a referral sent through the form on ``cases`` (chair and coordinator), filled
  from the page's deltas (MRN, name, sex picker, birth date, referrer, question, submit
  trigger). It is **acknowledged** when the rerun shows the success notice with the case number.
* An **error** is a request that did not finish cleanly (exception element, compile error,
  page not found, timeout, dropped connection, failed handshake) or an unacknowledged write.

After each run the store is checked (bench/load_store.py): every acknowledged write present
exactly once — patient by MRN, its case, one ``create`` audit row each — no duplicate under the
bench's MRNs, the audit chain verifies, login/open_case rows at least as many as seen.
**Lost writes** = acknowledged writes failing that check.

Server CPU seconds per replica, of the database server and of the proxy (process trees, from
/proc) and RSS per replica are recorded; ``req/core-s`` = requests / all server CPU seconds, the
capacity model's figure (bench/README.md).

    .venv/bin/python bench/bench_load.py                       # 10/30/60 × duckdb, pg1, pg2
    .venv/bin/python bench/bench_load.py --sessions 30 --targets pg1,pg2 --duration 120

Prints one table and writes ``bench/results/load.json``. The client runs on the same machine
(its CPU is printed), so figures are pessimistic on a small box.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

from common import ROOT, print_table, write_json
from load_servers import TARGETS, DuckDbTarget, PgTarget, Server, build_template, make_target
from load_sessions import HEADER, READ_MIX, ROLES, Plan, Tally, run_level, warm_up
from load_store import store_facts, verify

__all__ = ["HEADER", "Server"]  # bench_pages.py starts its servers with these

PROTOCOL = (
    "ws://127.0.0.1:<port>/_stcore/stream, Sec-WebSocket-Protocol 'streamlit', handshake header"
    " X-Bench-User=<demo user> (server env BONEMDT_TRUSTED_USER_HEADER), through the proxy after"
    " GET / with its cookies sent back; BackMsg.rerun_script(ClientState: query_string, page_name,"
    " page_script_hash, widget_states); a request ends at the final script_finished"
)
WRITE_DEFINITION = (
    "referral form on the cases page (chair/coordinator): MRN, name, sex, birth date, referrer and"
    " question in widget_states plus the submit button's trigger_value; acknowledged when the rerun"
    " shows the notice with the case number; verified after the run: patient and case exactly once,"
    " one 'create' audit row each by that user, no duplicates, audit chain verifies"
)
TARGET_P95_MS = 2000.0


def pct(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile in milliseconds."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000, 1)


def figures(plan: Plan, tally: Tally, timing: dict[str, float], server: dict[str, Any], check: dict[str, Any]) -> dict[str, Any]:
    recs = [r for r in tally.recs if r.measured]
    ok_all = [r.seconds for r in recs if r.status == "ok"]
    reads = [r.seconds for r in recs if r.kind == "read" and r.status == "ok"]
    writes = [r.seconds for r in recs if r.kind == "write" and r.status == "ok"]
    errors = sum(tally.errors.values())
    per_page: dict[str, Any] = {}
    for page in sorted({r.page for r in recs}):
        xs = [r.seconds for r in recs if r.page == page and r.status == "ok"]
        per_page[page] = {"n": sum(1 for r in recs if r.page == page), "p50_ms": pct(xs, 50), "p95_ms": pct(xs, 95)}
    n_req, elapsed = len(recs), timing["elapsed_s"]
    n_writes = sum(1 for r in recs if r.kind == "write")
    out = {
        "sessions": plan.sessions,
        "duration_s": plan.duration,
        "requests": n_req,
        "reads": n_req - n_writes,
        "writes": n_writes,
        "write_share_measured": round(n_writes / n_req, 3) if n_req else 0.0,
        "errors": errors,
        "error_kinds": dict(tally.errors),
        "warmup_errors": dict(tally.warm_errors),
        "lost_writes": check["lost_writes"],
        "duplicates": check["duplicates"],
        "p50_ms": pct(ok_all, 50),
        "p95_ms": pct(ok_all, 95),
        "read_p50_ms": pct(reads, 50),
        "read_p95_ms": pct(reads, 95),
        "read_p99_ms": pct(reads, 99),
        "write_p50_ms": pct(writes, 50),
        "write_p95_ms": pct(writes, 95),
        "throughput_rps": round(n_req / elapsed, 2) if elapsed else 0.0,
        "elapsed_s": round(elapsed, 1),
        "sessions_started": tally.sessions_started,
        "reconnects": tally.reconnects,
        "requests_by_replica_port": {str(p): sum(1 for r in recs if r.port == p) for p in sorted({r.port for r in recs})},
        "acknowledged_writes_by_replica_port": {
            str(p): sum(1 for w in tally.acked if w["port"] == p) for p in sorted({w["port"] for w in tally.acked})
        },
        "per_page": per_page,
        "server": server,
        "client_cpu_s": round(timing["client_cpu_s"], 1),
        "verification": check,
    }
    cpu = server["cpu_s_total"]
    out["requests_per_server_core_s"] = round(n_req / cpu, 2) if cpu else None
    p95 = pct(reads, 95)
    out["meets_target"] = bool(p95 is not None and p95 <= TARGET_P95_MS and errors == 0 and check["ok"])
    return out


def one_level(target: DuckDbTarget | PgTarget, args: argparse.Namespace, sessions: int, duration: float) -> dict[str, Any]:
    tally = Tally()
    load_before = [round(x, 2) for x in os.getloadavg()]
    before = {} if target.check_while_running else store_facts(target.store, target.env)
    check: dict[str, Any] = {}
    try:
        boot = target.start()
        before = before or store_facts(target.store, target.env)
        plan = Plan(
            target.ports,
            sessions,
            duration,
            (args.think[0], args.think[1]),
            args.write_share,
            args.request_timeout,
            tuple(before["case_ids"]),
            args.seed,
            tag=f"{target.name}{sessions}",
            prime_cookies=target.prime_cookies,
        )
        print(f"… {target.name}: {sessions} sessions for {duration:.0f} s on ports {plan.ports} (up in {boot:.1f} s)", flush=True)
        asyncio.run(asyncio.wait_for(warm_up(plan, tally, target.replica_ports), timeout=300))
        cpu0 = target.cpu()
        idle_db = target.db_processes()
        peak_db = [idle_db]
        done = threading.Event()

        def sample() -> None:  # the database's processes (one per connection), every second
            while not done.wait(1.0):
                peak_db[0] = max(peak_db[0], target.db_processes())

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        try:
            timing = asyncio.run(run_level(plan, tally))
        finally:
            done.set()
            sampler.join(timeout=5)
        cpu1 = target.cpu()
        rss = target.rss_mb()
        if target.check_while_running:
            check = verify(target.store, tally, before, target.env)
    finally:
        target.stop()
    if not target.check_while_running:
        check = verify(target.store, tally, before, target.env)
    per_replica = [round(b - a, 1) for a, b in zip(cpu0["replicas"], cpu1["replicas"], strict=True)]
    db_cpu, proxy_cpu = cpu1["database"] - cpu0["database"], cpu1["proxy"] - cpu0["proxy"]
    total = sum(per_replica) + db_cpu + proxy_cpu
    srv: dict[str, Any] = {
        "target": target.name,
        "replicas": target.replicas,
        "via": getattr(target, "via", "direct"),
        "boot_s": round(boot, 1),
        "cpu_s_per_replica": per_replica,
        "cpu_s_database": round(db_cpu, 1),
        "cpu_s_proxy": round(proxy_cpu, 1),
        "cpu_s_total": round(total, 1),
        "cpu_cores_used": round(total / timing["elapsed_s"], 2) if timing["elapsed_s"] else 0.0,
        "rss_mb_per_replica": [round(x) for x in rss],
        "db_processes_idle_peak": [idle_db, peak_db[0]],
        **target.log_problems(),
        "loadavg_1_5_15_before": load_before,
        "loadavg_1_5_15_after": [round(x, 2) for x in os.getloadavg()],
    }
    out = figures(plan, tally, timing, srv, check)
    out["target"] = target.name
    out["write_probability_per_writer_action"] = round(plan.write_p, 4)
    return out


def ms(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f}"


def report(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Print the table and the per-level notes; return the pg2/pg1 throughput ratios."""
    print_table(
        "Load (WebSocket sessions on 127.0.0.1; latency in ms; target: read p95 ≤ 2 s, 0 errors, 0 lost)",
        [
            "target",
            "sess",
            "req",
            "writes",
            "err",
            "lost",
            "dup",
            "p50",
            "p95",
            "rd p95",
            "wr p95",
            "req/s",
            "cpu s/replica",
            "db cpu s",
            "req/core-s",
            "rss MB",
            "verified",
            "target",
        ],
        [
            [
                r["target"],
                r["sessions"],
                r["requests"],
                r["writes"],
                r["errors"],
                r["lost_writes"],
                r["duplicates"],
                ms(r["p50_ms"]),
                ms(r["p95_ms"]),
                ms(r["read_p95_ms"]),
                ms(r["write_p95_ms"]),
                r["throughput_rps"],
                "/".join(str(x) for x in r["server"]["cpu_s_per_replica"]),
                r["server"]["cpu_s_database"],
                r["requests_per_server_core_s"] if r["requests_per_server_core_s"] is not None else "—",
                "/".join(str(x) for x in r["server"]["rss_mb_per_replica"]),
                "yes" if r["verification"]["ok"] else "NO",
                "pass" if r["meets_target"] else "FAIL",
            ]
            for r in results
        ],
    )
    ratios: dict[str, float] = {}
    for n in sorted({r["sessions"] for r in results}):
        by = {r["target"]: r for r in results if r["sessions"] == n}
        if "pg1" in by and "pg2" in by and by["pg1"]["throughput_rps"]:
            ratios[str(n)] = round(by["pg2"]["throughput_rps"] / by["pg1"]["throughput_rps"], 2)
    if ratios:
        shown = ", ".join(f"{n} sessions {x}×" for n, x in ratios.items())
        print(f"\nrequests/s pg2 ÷ pg1 (target ≥ 1.6 where one replica saturates): {shown}")
    for r in results:
        v = r["verification"]
        print(
            f"\n{r['target']} {r['sessions']}: write share {r['write_share_measured']:.1%}; errors {r['error_kinds'] or 'none'}; "
            f"by replica port {r['requests_by_replica_port']}; reconnects {r['reconnects']}; client CPU {r['client_cpu_s']} s; "
            f"proxy CPU {r['server']['cpu_s_proxy']} s; db processes idle/peak {r['server']['db_processes_idle_peak']}; "
            f"tracebacks {r['server']['tracebacks']}; load avg before {r['server']['loadavg_1_5_15_before']}"
        )
        print(
            f"  store: {v['acknowledged_writes']} acknowledged, {v['lost_writes']} lost, {v['duplicates']} duplicates; "
            f"{v['unacknowledged_writes']} unacknowledged ({v['unacknowledged_but_stored']} stored anyway); audit chain "
            f"{'ok' if v['audit_chain_ok'] else 'BROKEN: ' + v['audit_chain_problem']} ({v['audit_rows']} rows)"
        )
    return ratios


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--sessions", default="10,30,60", help="one count or a comma list (default 10,30,60)")
    ap.add_argument("--targets", default=",".join(TARGETS), help="comma list of duckdb, pg1, pg2 … (default all three)")
    ap.add_argument("--via", choices=("proxy", "direct"), default="proxy", help="pg targets: through nginx or pinned")
    ap.add_argument("--duration", default="90", help="seconds per run, one value or one per session count (default 90)")
    ap.add_argument("--think", nargs=2, type=float, default=(2.0, 5.0), metavar=("MIN", "MAX"))
    ap.add_argument("--write-share", type=float, default=0.1)
    ap.add_argument("--request-timeout", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--keep", action="store_true", help="keep the stores and server logs")
    ap.add_argument("--out", default="load", help="results name: bench/results/<out>.json (default load)")
    args = ap.parse_args()
    levels = [int(x) for x in str(args.sessions).split(",") if x.strip()]
    targets = [t.strip() for t in str(args.targets).split(",") if t.strip()]
    durations = [float(x) for x in str(args.duration).split(",") if x.strip()]
    durations = durations * len(levels) if len(durations) == 1 else durations
    if len(durations) != len(levels) or any(n < 1 or n > 300 for n in levels) or any(d <= 0 or d > 1800 for d in durations):
        ap.error("--sessions 1..300 and --duration 1..1800 s, one duration or one per session count")
    if not 0 <= args.write_share <= 1 or not 0 < args.think[0] <= args.think[1]:
        ap.error("bad --write-share or --think")

    work = Path(tempfile.mkdtemp(prefix="bonemdt-load-"))
    work.chmod(0o711)  # as root PostgreSQL runs as ``postgres``: it must reach its folder below
    results: list[dict[str, Any]] = []
    try:
        template = build_template(work) if "duckdb" in targets else work / "none"
        for n, d in zip(levels, durations, strict=True):
            for name in targets:
                target = make_target(name, work / f"{name}-{n}", template, args.via)
                results.append(one_level(target, args, n, d))
    finally:
        if args.keep:
            print(f"stores and logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    ratios = report(results)
    if not args.out.replace("-", "").replace("_", "").isalnum():
        ap.error("--out: letters, digits, - and _")
    path = write_json(
        args.out,
        {
            "what": "concurrent WebSocket sessions on 127.0.0.1: one DuckDB process vs PostgreSQL replicas (issue 14)",
            "protocol": PROTOCOL,
            "write": WRITE_DEFINITION,
            "config": {
                "targets": targets,
                "via": args.via,
                "sessions": levels,
                "durations_s": durations,
                "think_s": list(args.think),
                "write_share": args.write_share,
                "read_mix": dict(READ_MIX),
                "request_timeout_s": args.request_timeout,
                "seed": args.seed,
                "roles": list(ROLES),
            },
            "pg2_over_pg1_rps": ratios,
            "levels": results,
        },
    )
    print(f"\nwrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
