"""Batch scoring throughput and single-case board latency at 100, 5,000 and 50,000 cases.

For each size: build the store set-based from the demo data (timed), run ``db.scores.score_all``
(writing every snapshot), run it again up to 5,000 cases (nothing changed, nothing written), and time
``db.board.load_board`` for one case -- the server-side work of the case page -- as the median of
30 runs over different cases. Prints a table and writes ``bench/results/bench_scoring.json``.

    .venv/bin/python bench/bench_scoring.py                   # 100, 5,000 and 50,000 cases
    .venv/bin/python bench/bench_scoring.py --sizes 100,5000  # a quicker run
    .venv/bin/python bench/bench_scoring.py --rerun-all       # also time the rerun at 50,000
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import duckdb
from common import parse_sizes, print_table, sample, store_dir, timed, write_json
from synth import build_store, demo_template

from db.board import load_board
from db.scores import score_all

SIZES = (100, 5_000, 50_000)
BOARD_RUNS = 30
# The unchanged rerun derives every case again (to find that nothing changed): it costs as much
# as the first run, so it is timed up to 5,000 cases unless --rerun-all is given.
RERUN_UP_TO = 5_000


def store_path(n: int) -> Path:
    return store_dir() / f"store-{n}.duckdb"


def measure(n: int, template: Path, rerun_up_to: int) -> dict[str, Any]:
    print(f"… {n:,} cases: building", flush=True)
    built = build_store(store_path(n), n, template)
    con = duckdb.connect(str(store_path(n)))
    try:
        cur = con.cursor()
        print(f"… {n:,} cases: scoring", flush=True)
        first = score_all(cur)
        again = None
        if n <= rerun_up_to:
            print(f"… {n:,} cases: scoring again (nothing changed)", flush=True)
            again = score_all(cur)
        ids = [r[0] for r in cur.execute("SELECT case_id FROM mdt_case ORDER BY case_id").fetchall()]
        rng = random.Random(n)
        picks = [rng.choice(ids) for _ in range(BOARD_RUNS + 1)]
        board = sample(lambda i: load_board(cur, picks[i]), BOARD_RUNS)
        snapshots = cur.execute("SELECT count(*) FROM score_snapshot").fetchall()[0][0]
    finally:
        con.close()
    size_mb = store_path(n).stat().st_size / 1e6
    return {
        "cases": n,
        "synthesis": built.as_dict(),
        "store_mb": round(size_mb, 1),
        "score_all_first": {
            "seconds": round(first.seconds, 2),
            "cases_per_second": round(first.cases_per_second, 1),
            "snapshots_written": first.snapshots_written,
        },
        "score_all_unchanged": None
        if again is None
        else {
            "seconds": round(again.seconds, 2),
            "cases_per_second": round(again.cases_per_second, 1),
            "snapshots_written": again.snapshots_written,
        },
        "snapshots_in_store": snapshots,
        "load_board": board.as_dict(),
    }


def main(argv: list[str]) -> None:
    sizes = parse_sizes(argv, SIZES)
    with timed() as t:
        template = demo_template(store_dir())
    print(f"demo template ready in {t.seconds:.1f} s ({template})", flush=True)
    rerun_up_to = max(sizes) if "--rerun-all" in argv else RERUN_UP_TO
    results = [measure(n, template, rerun_up_to) for n in sizes]
    base = results[0]
    rows = []
    for r in results:
        first, again, board = r["score_all_first"], r["score_all_unchanged"], r["load_board"]
        rows.append(
            [
                r["cases"],
                r["synthesis"]["seconds"],
                first["seconds"],
                first["cases_per_second"],
                first["cases_per_second"] / base["score_all_first"]["cases_per_second"],
                first["snapshots_written"],
                again["cases_per_second"] if again else "-",
                board["median_ms"],
                board["median_ms"] / base["load_board"]["median_ms"],
            ]
        )
    print_table(
        "Batch scoring (score_all) and one case's board (load_board, median of 30)",
        ["cases", "build s", "score s", "cases/s", "x vs first", "snapshots", "rerun cases/s", "board ms", "board x"],
        rows,
    )
    path = write_json("bench_scoring", {"sizes": sizes, "results": results})
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
