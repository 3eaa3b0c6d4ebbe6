"""Server memory per replica at a large store: RSS of each app replica on PostgreSQL (issue 14).

Target: ≤ 500 MB per replica at 50,000 cases. Steps, each bounded:

1. a synthetic DuckDB store of ``--cases`` cases (bench/synth.py: the demo cloned set-based);
2. a loopback PostgreSQL cluster (db/pg_local.py) and the store moved into it with
   ``db.move.move_store`` — what ``bonemdt move-store --to postgresql://…`` does, verified (row
   counts, audit chain with the store's secret, signatures);
3. ``deploy.local.LocalDeployment`` with ``--replicas`` replicas on that database (no proxy:
   each replica is measured on its own port);
4. the PostgreSQL database size (``pg_database_size``) and the DuckDB file size, per case;
5. RSS of every replica (its process tree, VmRSS) idle after start, then sampled every 0.5 s
   while ``--sessions`` sessions per replica read the heavy pages for ``--rounds`` rounds (the
   cases list over every case, a random case board, the overview, meetings, analytics) —
   the peak and the value after.

With ``--duckdb`` the single DuckDB process on the same store is measured the same way.

    .venv/bin/python bench/bench_rss.py                       # 50,000 cases, 2 replicas
    .venv/bin/python bench/bench_rss.py --cases 5000 --rounds 2

Prints a table and writes ``bench/results/rss.json``. Nothing talks to an address other than
127.0.0.1; everything started is stopped in a ``finally``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT, print_table, store_dir, write_json
from load_servers import Server, rss_mb
from load_sessions import HEADER
from ws_client import StreamlitSession

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PAGES = (("cases", ""), ("case", "case={case}"), ("overview", ""), ("meetings", ""), ("analytics", ""))
TARGET_MB = 500.0


async def read_pages(port: int, case_ids: list[int], rounds: int, seed: int, timeout: float) -> dict[str, int]:
    """One chair session on ``port`` reading every page of PAGES ``rounds`` times; status counts."""
    rng = random.Random(seed)
    sess = StreamlitSession(port, {HEADER: "chair"})
    counts: dict[str, int] = {}
    await sess.connect()
    try:
        landing = await sess.rerun("", "", timeout=timeout)  # the sign-in through the header, as a browser
        counts[landing.status if landing.ok else f"landing:{landing.status}"] = 1
        for _ in range(rounds):
            for page, query in PAGES:
                r = await sess.rerun(page, query.format(case=rng.choice(case_ids)), timeout=timeout)
                key = r.status if r.ok else f"{page}:{r.status}"
                counts[key] = counts.get(key, 0) + 1
    finally:
        await sess.close()
    return counts


async def load_and_sample(pids: list[int], ports: list[int], args: argparse.Namespace, case_ids: list[int]) -> dict[str, Any]:
    peak = [0.0] * len(pids)
    stop = asyncio.Event()

    async def sampler() -> None:
        while not stop.is_set():
            for i, pid in enumerate(pids):
                peak[i] = max(peak[i], rss_mb(pid))
            await asyncio.sleep(0.5)

    task = asyncio.create_task(sampler())
    jobs = [
        read_pages(port, case_ids, args.rounds, seed * 100 + k, args.request_timeout)
        for seed, port in enumerate(ports)
        for k in range(args.sessions)
    ]
    try:
        results = await asyncio.wait_for(asyncio.gather(*jobs, return_exceptions=True), timeout=args.hard_stop)
    finally:
        stop.set()
        await task
    statuses: dict[str, int] = {}
    for r in results:
        for k, n in r.items() if isinstance(r, dict) else [(f"client:{type(r).__name__}", 1)]:
            statuses[k] = statuses.get(k, 0) + n
    return {"peak_mb": [round(x) for x in peak], "after_mb": [round(rss_mb(p)) for p in pids], "requests": statuses}


def measure(name: str, pids: list[int], ports: list[int], args: argparse.Namespace, case_ids: list[int]) -> dict[str, Any]:
    idle = [round(rss_mb(p)) for p in pids]
    out = asyncio.run(load_and_sample(pids, ports, args, case_ids))
    row = {"target": name, "replicas": len(pids), "idle_mb": idle, **out}
    row["meets_target"] = max(out["peak_mb"]) <= TARGET_MB and set(out["requests"]) == {"ok"}
    print(f"… {name}: idle {idle} MB, peak {out['peak_mb']} MB, after {out['after_mb']} MB; {out['requests']}", flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--cases", type=int, default=50_000)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--sessions", type=int, default=3, help="reading sessions per replica")
    ap.add_argument("--rounds", type=int, default=3, help="times each session reads every page")
    ap.add_argument("--request-timeout", type=float, default=120.0)
    ap.add_argument("--hard-stop", type=float, default=1200.0)
    ap.add_argument("--duckdb", action="store_true", help="also the single DuckDB process on the same store")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not 1 <= args.cases <= 500_000 or not 1 <= args.replicas <= 8 or not 1 <= args.sessions <= 20:
        ap.error("--cases 1..500000, --replicas 1..8, --sessions 1..20")

    import duckdb
    from synth import build_store, demo_template

    from db.dialect import connect as pg_connect
    from db.keys import key_file_for
    from db.move import move_store
    from db.pg_local import PgCluster, free_port, os_user, pg_bin
    from deploy.local import LocalDeployment

    binary = pg_bin()
    if binary is None:
        sys.exit("PostgreSQL server programs not installed")
    work = Path(tempfile.mkdtemp(prefix="bonemdt-rss-"))
    work.chmod(0o711)  # as root PostgreSQL runs as ``postgres``: it must reach its folder below
    rows: list[dict[str, Any]] = []
    setup: dict[str, Any] = {}
    cluster = PgCluster(binary, work / "pg", free_port(), os_user())
    try:
        big = work / "big.duckdb"
        t = time.perf_counter()
        summary = build_store(big, args.cases, demo_template(store_dir()))
        setup["synth"] = summary.as_dict()
        secret = key_file_for(big).read_text().strip()  # the store's secret, for its audit chain on PostgreSQL
        os.environ["BONEMDT_SECRET"] = secret
        con = duckdb.connect(str(big), read_only=True)
        case_ids = [int(r[0]) for r in con.execute("SELECT case_id FROM mdt_case USING SAMPLE 200 ROWS").fetchall()]
        con.close()
        print(f"… {summary.cases:,} cases built in {time.perf_counter() - t:.0f} s", flush=True)
        if args.duckdb:
            server = Server(big, work / "duckdb.log")
            try:
                server.start()
                assert server.proc is not None
                rows.append(measure("duckdb", [server.proc.pid], [server.port], args, case_ids))
            finally:
                server.stop()
        t = time.perf_counter()
        cluster.start()
        url = cluster.url(cluster.create())
        src, dst = duckdb.connect(str(big)), pg_connect(url)
        try:
            report = move_store(src, dst)
        finally:
            src.close()
            dst.close()
        setup["move_store"] = {"rows": report.rows, "audit_rows": report.audit_rows, "seconds": round(time.perf_counter() - t, 1)}
        size = pg_connect(url)
        try:
            row = size.execute("SELECT pg_database_size(current_database())").fetchone()
        finally:
            size.close()
        pg_bytes = int(row[0]) if row else 0
        setup["database_mb"] = {"postgresql": round(pg_bytes / 2**20, 1), "duckdb_file": round(big.stat().st_size / 2**20, 1)}
        setup["database_kb_per_case"] = round(pg_bytes / 1024 / max(1, summary.cases), 2)
        print(f"… moved {report.rows:,} rows to PostgreSQL in {time.perf_counter() - t:.0f} s", flush=True)
        dep = LocalDeployment(
            work / "dep",
            replicas=args.replicas,
            proxy=False,
            base_port=0,
            pg_port=0,
            demo=True,
            database_url=url,
            env={"BONEMDT_TRUSTED_USER_HEADER": HEADER, "BONEMDT_SECRET": secret},
        )
        with dep:
            setup["deployment_start_s"] = {k: round(v, 1) for k, v in dep.start_seconds.items()}
            rows.append(measure(f"pg{args.replicas}", dep.replica_pids, dep.replica_ports, args, case_ids))
    finally:
        if (cluster.data / "postmaster.pid").exists():
            cluster.stop()
        if args.keep:
            print(f"kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if "database_mb" in setup:
        print(f"\nstore size: {setup['database_mb']} MB, {setup['database_kb_per_case']} kB per case on PostgreSQL")
    print_table(
        f"Server RSS per replica at {args.cases:,} cases (MB; target ≤ {TARGET_MB:.0f})",
        ["target", "replicas", "idle", "peak", "after", "requests", "target met"],
        [
            [
                r["target"],
                r["replicas"],
                "/".join(map(str, r["idle_mb"])),
                "/".join(map(str, r["peak_mb"])),
                "/".join(map(str, r["after_mb"])),
                r["requests"],
                "yes" if r["meets_target"] else "NO",
            ]
            for r in rows
        ],
    )
    config = {k: getattr(args, k) for k in ("cases", "replicas", "sessions", "rounds")}
    what = "server RSS per replica at a large store (issue 14)"
    path = write_json("rss", {"what": what, "config": config, **setup, "rows": rows})
    print(f"\nwrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
