"""Live urgency (db/urgency.py) at 100 and 50,000 cases: the set-based refresh and the agenda view.

For each size: build the store set-based from the demo data, plan one meeting and list 20 cases;
then time

* the stale check over every open case (``stale_cases``: one stamp query and one read of
  ``case_urgency``, no derivation);
* the bulk refresh (``refresh``) of up to ``--refresh-cases`` open cases (default 2,000) in chunks,
  as cases per second (the recompute rate); ``--full`` refreshes every open case instead;
* the agenda view's server-side work (``sync_meeting`` + ``listing.agenda_items`` + ``marks``):
  nothing changed (median of 20), after a write about one listed patient (one case recomputed,
  median of 10), and on a new day (all 20 recomputed, median of 5).

Prints a table and writes ``bench/results/bench_urgency.json``; never asserts.

    .venv/bin/python bench/bench_urgency.py                 # 100 and 50,000 cases
    .venv/bin/python bench/bench_urgency.py --sizes 100,5000
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
from common import parse_sizes, print_table, sample, store_dir, timed, write_json
from synth import build_store, demo_template

from core.models import LabResult
from db import agenda, clinical, listing, urgency, users

SIZES = (100, 50_000)
AGENDA = 20


def store_path(n: int) -> Path:
    return store_dir() / f"store-urgency-{n}.duckdb"


def _view(cur: duckdb.DuckDBPyConnection, meeting_id: int, day: date) -> None:
    urgency.sync_meeting(cur, meeting_id, as_of=day)
    listing.agenda_items(cur, meeting_id)
    urgency.marks(cur, meeting_id)


def measure(n: int, template: Path, refresh_cases: int | None) -> dict[str, Any]:
    print(f"… {n:,} cases: building", flush=True)
    built = build_store(store_path(n), n, template)
    con = duckdb.connect(str(store_path(n)))
    try:
        cur = con.cursor()
        coordinator = users.actor_by_username(cur, "coordinator")
        member = users.actor_by_username(cur, "member")
        today = date.today()
        open_ids = [
            int(r[0]) for r in cur.execute("SELECT case_id FROM mdt_case WHERE status <> 'closed' ORDER BY case_id").fetchall()
        ]

        with timed() as stale_t:
            stale = urgency.stale_cases(cur, open_ids, today)
        target = stale if refresh_cases is None else stale[:: max(1, len(stale) // refresh_cases)][:refresh_cases]
        print(f"… {n:,} cases: refreshing {len(target):,} of {len(open_ids):,} open cases", flush=True)
        with timed() as refresh_t:
            done = urgency.refresh(cur, target, as_of=today, chunk=2000)

        meeting_id = agenda.create_meetings(cur, coordinator, first=today + timedelta(days=7), count=1)[0]
        waiting = [
            int(r[0])
            for r in cur.execute(
                "SELECT case_id FROM mdt_case WHERE status IN ('referred', 'ready') ORDER BY case_id DESC LIMIT ?", [AGENDA]
            ).fetchall()
        ]
        for case_id in waiting:
            agenda.list_case(cur, coordinator, case_id, meeting_id, ready=False, override_reason="bench")
        _view(cur, meeting_id, today)

        steady = sample(lambda _i: _view(cur, meeting_id, today), 20)
        patients = [
            int(r[0])
            for r in cur.execute(
                "SELECT c.patient_id FROM agenda_item a JOIN mdt_case c USING (case_id) WHERE a.meeting_id = ?", [meeting_id]
            ).fetchall()
        ]

        def one_write(i: int) -> None:
            pid = patients[i % len(patients)]
            lab = LabResult(patient_id=pid, analyte="calcium", value=Decimal("2.40"), unit="mmol/L", taken_on=today)
            clinical.add(cur, member, lab)
            with timed() as t:
                _view(cur, meeting_id, today)
            after_write.append(t.seconds * 1000)

        after_write: list[float] = []
        for i in range(10):
            one_write(i)
        new_day = sample(lambda i: _view(cur, meeting_id, today + timedelta(days=2 + max(i, -1))), 5)
    finally:
        con.close()
    after_write.sort()
    return {
        "cases": n,
        "open_cases": len(open_ids),
        "synthesis_s": built.as_dict()["seconds"],
        "stale_check_s": round(stale_t.seconds, 3),
        "refresh": {
            "cases": len(done),
            "seconds": round(refresh_t.seconds, 2),
            "cases_per_second": round(len(done) / refresh_t.seconds, 1) if refresh_t.seconds else None,
        },
        "agenda_items": AGENDA,
        "view_unchanged": steady.as_dict(),
        "view_after_one_write_median_ms": round(after_write[len(after_write) // 2], 2),
        "view_new_day": new_day.as_dict(),
    }


def main(argv: list[str]) -> None:
    sizes = parse_sizes(argv, SIZES)
    refresh_cases: int | None = None if "--full" in argv else 2000
    for arg in argv:
        if arg.startswith("--refresh-cases="):
            refresh_cases = int(arg.split("=", 1)[1])
    with timed() as t:
        template = demo_template(store_dir())
    print(f"demo template ready in {t.seconds:.1f} s ({template})", flush=True)
    results = [measure(n, template, refresh_cases) for n in sizes]
    base = results[0]
    rows = [
        [
            r["cases"],
            r["open_cases"],
            r["stale_check_s"],
            r["refresh"]["cases"],
            r["refresh"]["cases_per_second"],
            r["view_unchanged"]["median_ms"],
            r["view_unchanged"]["median_ms"] / base["view_unchanged"]["median_ms"],
            r["view_after_one_write_median_ms"],
            r["view_new_day"]["median_ms"],
        ]
        for r in results
    ]
    print_table(
        f"Live urgency: stale check, bulk refresh, agenda view ({AGENDA} items)",
        ["cases", "open", "stale check s", "refreshed", "cases/s", "view ms", "view x", "after 1 write ms", "new day ms"],
        rows,
    )
    path = write_json("bench_urgency", {"sizes": sizes, "results": results})
    print(f"\nwritten {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
