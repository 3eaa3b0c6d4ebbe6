"""Server-side run time of the case page and the cases list at 100 vs 50,000 cases (AppTest).

Each page runs headless through ``streamlit.testing.v1.AppTest`` against a synthetic store
(``BONEMDT_DB`` points at it, ``BONEMDT_DEMO=0``), signed in as the chair by seeding the session.
The first run (imports, store open, caches) is left out; the figure is the median of 10 reruns,
which is what a user's click costs the server. The case page opens lecture case 2. Stores come
from ``bench_scoring.py`` when it left them in the bench folder, else they are built here.
Prints a table and writes ``bench/results/bench_pages.json``.

    .venv/bin/python bench/bench_pages.py                 # 100 and 50,000 cases
    .venv/bin/python bench/bench_pages.py --sizes 100,5000
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
from common import ROOT, parse_sizes, print_table, sample, store_dir, write_json
from streamlit import logger as streamlit_logger
from streamlit.testing.v1 import AppTest
from synth import build_store, demo_template

SIZES = (100, 50_000)
RUNS = 10
PAGES = ("case", "cases")


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
    print(f"… building a store of {n:,} cases", flush=True)
    build_store(path, n, demo_template(store_dir()))
    return path


def ids(path: Path) -> tuple[int, int]:
    """(chair's user_id, lecture case 2's case_id)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        chair = con.execute("SELECT user_id FROM app_user WHERE username = 'chair'").fetchall()
        case = con.execute("SELECT case_id FROM mdt_case WHERE lecture_case = 2").fetchall()
    finally:
        con.close()
    return int(chair[0][0]), int(case[0][0])


def page_app(page: str, user_id: int, case_id: int) -> AppTest:
    from pages.components.guard import fingerprint  # the sign-in is bound to the client

    at = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=300)
    now = time.time()
    at.session_state["auth"] = {"user_id": user_id, "signed_in_at": now, "last_seen": now, "client": fingerprint("", "")}
    if page == "case":
        at.query_params["case"] = str(case_id)
    return at


def measure(n: int) -> dict[str, Any]:
    path = ready_store(n)
    user_id, case_id = ids(path)
    os.environ["BONEMDT_DB"] = str(path)
    os.environ["BONEMDT_DEMO"] = "0"
    out: dict[str, Any] = {"n_cases": n, "case_id": case_id}
    for page in PAGES:
        at = page_app(page, user_id, case_id)
        start = time.perf_counter()
        at.run()
        first_ms = (time.perf_counter() - start) * 1000
        if at.exception:
            print(f"!! {page} at {n:,} cases raised: {at.exception[0].value}", flush=True)

        def rerun(_: int, at: AppTest = at) -> None:
            at.session_state["auth"]["last_seen"] = time.time()
            at.run()

        runs = sample(rerun, RUNS, warmup=0)
        out[page] = {
            **runs.as_dict(),
            "first_run_ms": round(first_ms, 1),
            "exception": bool(at.exception),
            "dataframes": len(at.dataframe),
        }
        print(f"… {n:,} cases: {page} median {runs.median_ms:.0f} ms", flush=True)
    return out


def main(argv: list[str]) -> None:
    logging.getLogger("bonemdt").setLevel(logging.WARNING)
    streamlit_logger.set_log_level("error")  # bare-mode "missing ScriptRunContext" notices
    # The page scripts import ``pages.components``: run them from the repo root, as the app does.
    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    sizes = parse_sizes(argv, SIZES)
    results = [measure(n) for n in sizes]
    base = results[0]
    rows = []
    for page in PAGES:
        for r in results:
            rows.append(
                [
                    page,
                    r["n_cases"],
                    r[page]["median_ms"],
                    r[page]["p90_ms"],
                    r[page]["median_ms"] / base[page]["median_ms"],
                    r[page]["first_run_ms"],
                ]
            )
    print_table(
        f"Page server-side run (AppTest rerun, median of {RUNS})",
        ["page", "cases", "median ms", "p90 ms", "x vs first size", "first run ms"],
        rows,
    )
    path = write_json("bench_pages", {"sizes": sizes, "runs": RUNS, "results": results})
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
