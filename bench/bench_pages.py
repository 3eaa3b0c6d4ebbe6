"""Server-side run time of the case page and the cases list at 100 vs 50,000 cases (AppTest).

Each page runs headless through ``streamlit.testing.v1.AppTest`` against a synthetic store
(``BONEMDT_DB`` points at it, ``BONEMDT_DEMO=0``), signed in as the chair by seeding the session.
The first run (imports, store open, caches) is reported apart; the figures are the median of the
reruns, which is what a user's click costs the server: wall time and the process's CPU time (the
script thread's work; steadier than wall time on a shared machine). The case page opens lecture
case 2. Stores come from ``bench_scoring.py`` when it left them in the bench folder, else they are
built here (``synth.build_store``). Prints a table and writes ``bench/results/bench_pages.json``.

``--against REF`` measures the same pages of the tree at git ``REF`` too (``git archive`` into a
temporary folder; each tree runs in its own process, the two alternating in ``--rounds`` rounds so
that a change in the machine's load hits both) and prints before, after and their ratio.
``--live`` also serves each tree with ``streamlit run`` and times, over one WebSocket session, a
plain rerun of the case page and a tab switch (sent with the tabs' fragment id, as the browser
does, when the tabs are a fragment: AppTest reruns fragments as whole pages, so only a live
server shows what a fragment saves). ``--backends duckdb,postgresql`` measures the same pages
on both engines in one run: each DuckDB store is moved into a loopback PostgreSQL cluster
(``db.move.move_store``, what ``bonemdt move-store`` does) and the two alternate per round; the
table shows PostgreSQL ÷ DuckDB. ``--profile`` writes a cProfile of the case page's script thread at the largest size to
``bench/results/bench_pages_profile.txt`` (the page code, not AppTest's polling thread).

    .venv/bin/python bench/bench_pages.py                      # 100 and 50,000 cases
    .venv/bin/python bench/bench_pages.py --sizes 100,5000 --runs 20
    .venv/bin/python bench/bench_pages.py --against e60b478 --rounds 3 --profile --live
    .venv/bin/python bench/bench_pages.py --backends duckdb,postgresql --rounds 2
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
from common import RESULTS, ROOT, parse_sizes, print_table, store_dir, write_json

SIZES = (100, 50_000)
RUNS = 10
PAGES = ("case", "cases", "analytics")


def option(argv: list[str], name: str, default: str | None = None) -> str | None:
    return argv[argv.index(name) + 1] if name in argv else default


def ready_store(n: int) -> Path:
    path = store_dir() / f"store-{n}.duckdb"
    if path.exists():
        con = duckdb.connect(str(path), read_only=True)
        try:
            have = con.execute("SELECT count(*) FROM mdt_case").fetchall()[0][0]
        finally:
            con.close()
        if have == n:
            return path
    from synth import build_store, demo_template  # imports the project: only when a store is built

    print(f"… building a store of {n:,} cases", flush=True)
    build_store(path, n, demo_template(store_dir()))
    return path


def ids(target: str) -> tuple[int, int]:
    """(chair's user_id, lecture case 2's case_id) of a store (DuckDB file or PostgreSQL URL)."""
    if target.startswith("postgresql://"):
        from db.dialect import connect as pg_connect

        con: Any = pg_connect(target)
    else:
        con = duckdb.connect(target, read_only=True)
    try:
        chair = con.execute("SELECT user_id FROM app_user WHERE username = 'chair'").fetchall()
        case = con.execute("SELECT case_id FROM mdt_case WHERE lecture_case = 2").fetchall()
    finally:
        con.close()
    return int(chair[0][0]), int(case[0][0])


# ---------------------------------------------------------------------------------------------
# One tree, one store (in this process)


def page_app(root: Path, page: str, user_id: int, case_id: int, script: Path | None = None) -> Any:
    from streamlit.testing.v1 import AppTest

    from pages.components.guard import fingerprint  # the sign-in is bound to the client

    at = AppTest.from_file(str(script or root / "pages" / f"{page}.py"), default_timeout=300)
    now = time.time()
    at.session_state["auth"] = {"user_id": user_id, "signed_in_at": now, "last_seen": now, "client": fingerprint("", "")}
    if page == "case":
        at.query_params["case"] = str(case_id)
    return at


def _stats(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 2),
        "p90": round(ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))], 2),
        "min": round(ordered[0], 2),
    }


def measure(root: Path, target: str, runs: int) -> dict[str, Any]:
    """Every page of :data:`PAGES` against the store ``target``: first run, then ``runs`` reruns."""
    user_id, case_id = ids(target)
    os.environ["BONEMDT_DB"] = target
    os.environ["BONEMDT_DEMO"] = "0"
    out: dict[str, Any] = {"case_id": case_id}
    for page in PAGES:
        at = page_app(root, page, user_id, case_id)
        start = time.perf_counter()
        at.run()
        first_ms = (time.perf_counter() - start) * 1000
        wall, cpu = [], []
        for _ in range(runs):
            at.session_state["auth"]["last_seen"] = time.time()
            w0, c0 = time.perf_counter(), time.process_time()
            at.run()
            wall.append((time.perf_counter() - w0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        out[page] = {
            "wall_ms": wall,
            "cpu_ms": cpu,
            "first_run_ms": round(first_ms, 1),
            "exception": [str(e.value) for e in at.exception],
            "elements": sum(1 for _ in at.main),
        }
    return out


_WRAPPER = """
import bench_pages_profiler as P
P.PROFILE.enable()
try:
    exec(P.CODE, {"__name__": "__main__", "__file__": P.PAGE})
finally:
    P.PROFILE.disable()
"""


def profile(root: Path, path: Path, runs: int, into: Path) -> None:
    """cProfile of the case page's script runs (the thread AppTest runs the page in)."""
    import cProfile
    import io
    import pstats
    import types

    user_id, case_id = ids(str(path))
    os.environ["BONEMDT_DB"] = str(path)
    os.environ["BONEMDT_DEMO"] = "0"
    page = root / "pages" / "case.py"
    state = types.ModuleType("bench_pages_profiler")
    state.PAGE = str(page)  # type: ignore[attr-defined]
    state.CODE = compile(page.read_text(encoding="utf-8"), str(page), "exec")  # type: ignore[attr-defined]
    state.PROFILE = cProfile.Profile()  # type: ignore[attr-defined]
    sys.modules[state.__name__] = state
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "profiled_case.py"
        script.write_text(_WRAPPER, encoding="utf-8")
        at = page_app(root, "case", user_id, case_id, script=script)
        at.run()
        state.PROFILE = cProfile.Profile()  # type: ignore[attr-defined]
        for _ in range(runs):
            at.session_state["auth"]["last_seen"] = time.time()
            at.run()
    text = io.StringIO()
    stats = pstats.Stats(state.PROFILE, stream=text)  # type: ignore[attr-defined]
    text.write(f"case page, store {path.name}, {runs} reruns, tree {root}\n")
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(25)
    into.write_text(text.getvalue(), encoding="utf-8")


def worker(argv: list[str]) -> None:
    """``--worker ROOT STORE RUNS OUT [PROFILE]``: measure one tree against one store, write JSON."""
    root, store, runs, out = Path(argv[0]), argv[1], int(argv[2]), Path(argv[3])
    # The page scripts import ``pages.components``: run them from the tree's root, as the app does.
    os.chdir(root)
    sys.path.insert(0, str(root))
    logging.getLogger("bonemdt").setLevel(logging.WARNING)
    from streamlit import logger as streamlit_logger

    streamlit_logger.set_log_level("error")  # bare-mode "missing ScriptRunContext" notices
    if len(argv) > 4:
        profile(root, Path(store), runs, Path(argv[4]))
        return
    out.write_text(json.dumps(measure(root, store, runs)), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Live: a real server, what a click costs it (``--live``)


def live(root: Path, store: Path, runs: int) -> dict[str, Any]:
    """``streamlit run`` of the tree on loopback (the chair signed in by the trusted-proxy header,
    as in bench_load.py), one WebSocket session on the case page: ``runs`` plain reruns (a click
    that reruns the page) and ``runs`` tab switches through the board's tabs, sent the way the
    browser sends them (with the tabs' fragment id when they are in one). Wall time at the client
    (median) and the server process's CPU time per request (mean: /proc counts in clock ticks)."""
    import asyncio

    from bench_load import Server

    _, case_id = ids(str(store))
    with tempfile.TemporaryDirectory() as tmp:
        server = Server(store, Path(tmp) / "server.log", root=root, demo=False)
        server.start()
        try:
            return asyncio.run(_live(server, case_id, runs))
        finally:
            server.stop()


async def _live(server: Any, case_id: int, runs: int) -> dict[str, Any]:
    from bench_load import HEADER
    from ws_client import StreamlitSession, widget_state

    session = StreamlitSession(server.port, {HEADER: "chair"})
    await session.connect()
    query = f"case={case_id}"
    out: dict[str, Any] = {}
    try:
        await session.rerun("", "")  # the landing page signs the session in
        for _ in range(3):  # warm: imports, store, caches, score snapshots
            result = await session.rerun("case", query)
        tabs = next(t for t in result.tabs if t.id.endswith("-board_tab"))
        out["tabs_in_fragment"] = bool(tabs.fragment_id)
        for i in range(len(tabs.labels)):  # warm: each tab's figures once; ends on the first tab
            state = [widget_state(tabs.id, string_value=tabs.labels[(i + 1) % len(tabs.labels)])]
            await session.rerun("case", query, state, fragment_id=tabs.fragment_id)
        for kind in ("rerun", "tab switch"):
            wall, statuses = [], []
            cpu0 = server.cpu_seconds()
            for i in range(runs):
                if kind == "rerun":
                    result = await session.rerun("case", query)
                else:
                    label = tabs.labels[(i + 1) % len(tabs.labels)]
                    state = [widget_state(tabs.id, string_value=label)]
                    result = await session.rerun("case", query, state, fragment_id=tabs.fragment_id)
                wall.append(result.seconds * 1000)
                statuses.append(result.status)
            out[kind] = {
                "wall": _stats(wall),
                "cpu_mean_ms": round((server.cpu_seconds() - cpu0) * 1000 / runs, 1),
                "not_ok": sum(1 for s in statuses if s != "ok"),
                "elements_last": result.elements,
            }
    finally:
        await session.close()
    return out


# ---------------------------------------------------------------------------------------------
# The driver


def export(ref: str, into: Path) -> Path:
    """The tree at git ``ref`` (tracked files only), unpacked into ``into``."""
    archive = into / "tree.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "-o", str(archive), ref], check=True)
    tree = into / "tree"
    with tarfile.open(archive) as tar:
        tar.extractall(tree, filter="data")
    return tree


def run_worker(root: Path, store: Path | str, runs: int, *extra: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    try:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(root), str(store), str(runs), str(out), *extra]
        subprocess.run(cmd, check=True, cwd=root, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
        return json.loads(out.read_text(encoding="utf-8")) if not extra else {}
    finally:
        out.unlink(missing_ok=True)


def pooled(rounds: list[dict[str, Any]], page: str) -> dict[str, Any]:
    wall = [v for r in rounds for v in r[page]["wall_ms"]]
    cpu = [v for r in rounds for v in r[page]["cpu_ms"]]
    return {
        "wall": _stats(wall),
        "cpu": _stats(cpu),
        "runs": len(wall),
        "first_run_ms": statistics.median(r[page]["first_run_ms"] for r in rounds),
        "exception": sorted({e for r in rounds for e in r[page]["exception"]}),
        "elements": rounds[-1][page]["elements"],
    }


class PostgresStores:
    """A loopback PostgreSQL cluster holding a copy of each DuckDB store (``move_store``)."""

    def __init__(self) -> None:
        from db.pg_local import PgCluster, free_port, os_user, pg_bin

        binary = pg_bin()
        if binary is None:
            sys.exit("--backends postgresql: PostgreSQL server programs not installed")
        self.work = Path(tempfile.mkdtemp(prefix="bonemdt-pages-"))
        self.work.chmod(0o711)  # as root PostgreSQL runs as ``postgres``: it must reach its folder
        self.cluster = PgCluster(binary, self.work / "pg", free_port(), os_user())
        self.cluster.start()

    def copy(self, store: Path) -> tuple[str, dict[str, str]]:
        """The store moved into a new database: its URL and the environment its audit chain needs."""
        from db.dialect import connect as pg_connect
        from db.keys import key_file_for
        from db.migrate import migrate
        from db.move import move_store

        url = self.cluster.url(self.cluster.create())
        secret = key_file_for(store).read_text().strip()  # the store's, for its audit chain on PostgreSQL
        before = os.environ.get("BONEMDT_SECRET")
        os.environ["BONEMDT_SECRET"] = secret
        src, dst = duckdb.connect(str(store)), pg_connect(url)
        try:
            migrate(src)  # a store kept from an earlier run may predate the newest migration
            report = move_store(src, dst)
        finally:
            src.close()
            dst.close()
            if before is None:
                os.environ.pop("BONEMDT_SECRET", None)
            else:
                os.environ["BONEMDT_SECRET"] = before
        print(f"… moved {report.rows:,} rows of {store.name} to PostgreSQL", flush=True)
        return url, {"BONEMDT_SECRET": secret}

    def close(self) -> None:
        import shutil

        if (self.cluster.data / "postmaster.pid").exists():
            self.cluster.stop()
        shutil.rmtree(self.work, ignore_errors=True)


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--worker":
        worker(argv[1:])
        return
    sizes = parse_sizes(argv, SIZES)
    runs = int(option(argv, "--runs", str(RUNS)) or RUNS)
    rounds = int(option(argv, "--rounds", "1") or 1)
    ref = option(argv, "--against")
    backends = (option(argv, "--backends", "duckdb") or "duckdb").split(",")
    if set(backends) - {"duckdb", "postgresql"} or (ref is not None and backends != ["duckdb"]):
        sys.exit("--backends: duckdb and/or postgresql (not with --against)")
    stores = {n: ready_store(n) for n in sizes}
    pg = PostgresStores() if "postgresql" in backends else None
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # variant name -> (tree, {size: (store target, extra environment)})
            duck = {n: (str(stores[n]), {}) for n in sizes}
            variants: dict[str, tuple[Path, dict[int, tuple[str, dict[str, str]]]]] = {"after": (ROOT, duck)}
            if ref is not None:
                variants = {"before": (export(ref, Path(tmp)), duck), "after": (ROOT, duck)}
            elif pg is not None:
                moved = {n: pg.copy(stores[n]) for n in sizes}
                variants = (
                    {"duckdb": (ROOT, duck), "postgresql": (ROOT, moved)}
                    if "duckdb" in backends
                    else {"postgresql": (ROOT, moved)}
                )
            trees = {name: tree for name, (tree, _) in variants.items()}
            raw: dict[str, dict[int, list[dict[str, Any]]]] = {name: {n: [] for n in sizes} for name in trees}
            lives: dict[str, dict[int, dict[str, Any]]] = {}
            for n in sizes:
                for k in range(rounds):
                    order = list(trees) if k % 2 == 0 else list(reversed(trees))
                    for name in order:
                        target, env = variants[name][1][n]
                        raw[name][n].append(run_worker(trees[name], target, runs, env=env))
                        median = statistics.median(raw[name][n][-1]["case"]["wall_ms"])
                        print(f"… {n:,} cases, round {k + 1}, {name}: case median {median:.0f} ms", flush=True)
            if "--live" in argv:
                for n in sizes:
                    for name, tree in trees.items():
                        if variants[name][1][n][0].startswith("postgresql://"):
                            continue  # the live server of bench_load.py serves DuckDB files
                        lives.setdefault(name, {})[n] = live(tree, stores[n], runs)
                        print(f"… live, {n:,} cases, {name}: {json.dumps(lives[name][n])}", flush=True)
            if "--profile" in argv:
                for name, tree in trees.items():
                    if variants[name][1][sizes[-1]][0].startswith("postgresql://"):
                        continue
                    into = RESULTS / f"bench_pages_profile_{name}.txt"
                    RESULTS.mkdir(parents=True, exist_ok=True)
                    run_worker(tree, stores[sizes[-1]], runs, str(into))
                    print(f"profile of the case page ({name}, {sizes[-1]:,} cases): {into}")
    finally:
        if pg is not None:
            pg.close()
    results = {name: {n: {page: pooled(raw[name][n], page) for page in PAGES} for n in sizes} for name in trees}
    for problem in {e for name in trees for n in sizes for page in PAGES for e in results[name][n][page]["exception"]}:
        print(f"!! a page raised: {problem}")
    names = list(trees)
    first, last = (names[0], names[-1]) if len(names) > 1 else (None, names[0])
    after, base = results[last], sizes[0]
    rows = []
    for page in PAGES:
        for n in sizes:
            a = after[n][page]
            row: list[object] = [page, n]
            if first is not None:
                b = results[first][n][page]
                row += [b["wall"]["median"], a["wall"]["median"], a["wall"]["median"] / b["wall"]["median"]]
                row += [b["cpu"]["median"], a["cpu"]["median"], a["cpu"]["median"] / b["cpu"]["median"]]
            else:
                row += [a["wall"]["median"], a["wall"]["p90"], a["cpu"]["median"]]
            row += [a["wall"]["median"] / after[base][page]["wall"]["median"], a["elements"]]
            rows.append(row)
    if first is not None:
        headers = [
            "page",
            "cases",
            f"{first} ms",
            f"{last} ms",
            f"{last}/{first}",
            f"{first} cpu ms",
            f"{last} cpu ms",
            f"cpu {last}/{first}",
        ]
    else:
        headers = ["page", "cases", "median ms", "p90 ms", "cpu ms"]
    against = f"; before = {ref}" if ref else ""
    print_table(
        f"Page server-side run (AppTest rerun; median of {runs} x {rounds} round(s) per tree{against})",
        [*headers, f"x vs first size ({last})", "top-level elements"],
        rows,
    )
    if lives:
        live_rows = []
        for kind in ("rerun", "tab switch"):
            for n in sizes:
                row: list[object] = [kind, n]
                for name in trees:
                    r = lives[name][n][kind]
                    row += [r["wall"]["median"], r["cpu_mean_ms"]]
                if "before" in lives:
                    row.append(lives["after"][n][kind]["cpu_mean_ms"] / max(lives["before"][n][kind]["cpu_mean_ms"], 0.1))
                live_rows.append(row)
        heads = [h for name in trees for h in (f"{name} wall ms", f"{name} server cpu ms")]
        print_table(
            f"Live server, case page: a plain rerun and a tab switch (median wall, mean server CPU of {runs})",
            ["request", "cases", *heads, *(["cpu after/before"] if "before" in lives else [])],
            live_rows,
        )
    by_size = {name: {str(n): r for n, r in per_size.items()} for name, per_size in results.items()}
    live_by_size = {name: {str(n): r for n, r in per_size.items()} for name, per_size in lives.items()}
    payload = {
        "sizes": sizes,
        "runs": runs,
        "rounds": rounds,
        "against": ref,
        "backends": backends,
        "results": by_size,
        "live": live_by_size,
    }
    path = write_json("bench_pages", payload)
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
