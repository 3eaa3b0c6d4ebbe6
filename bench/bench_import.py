"""CSV import of N cases (default 5,000), before and after, in one run: the figure of issue 13 ("under a minute").

Builds N cases from the seven lecture-case example tables (docs/examples/csv: same rows, new MRNs)
and writes them as one folder of CSV tables. Then, for each source tree, in its own process on a
fresh migrated store: a dry run (validation and planning only), the real import (one transaction,
set-based appends) and a re-import of the same folder (every MRN matched, nothing added).

The trees are the baseline (``--baseline REF``, default the merge base of HEAD and ``main``,
extracted with ``git archive``; ``--baseline none`` skips it) and this working tree, so both
figures come from the same minutes of the same (shared) machine. Prints the figures and the
ratios, writes bench/results/bench_import.json; never asserts.

Usage: ``.venv/bin/python bench/bench_import.py [N] [--baseline REF|none]``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

from common import ROOT, print_table, store_dir, timed, write_json

EXAMPLES = ROOT / "docs" / "examples" / "csv"
RUNS = ("dry_run_s", "import_s", "reimport_s")
LABELS = {
    "dry_run_s": "dry run (validate + plan)",
    "import_s": "import into an empty store",
    "reimport_s": "re-import (all matched, adds nothing)",
}


def build(folder: Path, n: int) -> int:
    """Write N cases' tables into ``folder`` (MRNs BENCH-000001…); returns the number of rows."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for src in sorted(EXAMPLES.glob("*.csv")):
        with src.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = list(reader.fieldnames or [])
            rows = list(reader)
        with (folder / src.name).open("w", encoding="utf-8", newline="") as out:
            w = csv.DictWriter(out, fieldnames=header)
            w.writeheader()
            mrns = sorted({r["mrn"] for r in rows})
            for i in range(n):
                template = mrns[i % len(mrns)]
                for r in rows:
                    if r["mrn"] == template:
                        w.writerow({**r, "mrn": f"BENCH-{i + 1:06d}", **({"lecture_case": ""} if "lecture_case" in r else {})})
                        total += 1
    return total


def measure(src: Path, folder: Path, store: Path) -> dict[str, Any]:
    """In this process, with the code of ``src``: dry run, import and re-import of ``folder``."""
    sys.path.insert(0, str(src))
    import duckdb

    import core.interop.documents as documents
    import db.interop.files as files
    from core.models import SYSTEM_ACTOR
    from db.migrate import migrate
    from db.users import ensure_demo_users

    assert Path(files.__file__).resolve().is_relative_to(src.resolve()), files.__file__
    size = sum(f.stat().st_size for f in folder.glob("*.csv"))
    documents.MAX_IMPORT_BYTES = files.MAX_IMPORT_BYTES = max(documents.MAX_IMPORT_BYTES, size + 1024 * 1024)
    store.unlink(missing_ok=True)
    con = duckdb.connect(str(store))
    out: dict[str, Any] = {}
    try:
        migrate(con)
        ensure_demo_users(con)
        # Warm-up (untimed): the lazily imported modules and the cached column lists, on the examples.
        files.import_path(con, SYSTEM_ACTOR, EXAMPLES, dry_run=True)
        for run, dry in (("dry_run_s", True), ("import_s", False), ("reimport_s", False)):
            with timed() as t:
                report = files.import_path(con, SYSTEM_ACTOR, folder, dry_run=dry)
            assert report.ok, report.refused[:5]
            out[run] = t.seconds
            out[run.replace("_s", "_added")] = sum(report.added.values())
        out["patients"] = con.execute("SELECT count(*) FROM patient").fetchall()[0][0]
    finally:
        con.close()
    return out


def _extract(ref: str, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    data = subprocess.run(["git", "-C", str(ROOT), "archive", ref], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(target, filter="data")
    return target


def _run(src: Path, folder: Path, store: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--measure", str(src), str(folder), str(store)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT / "bench",
    )
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def same_rows(a: Path, b: Path) -> list[str]:
    """The tables whose rows differ between two stores (timestamps, hashes and the demo users'
    salted password hashes left out); empty when both imports stored the same content."""
    import duckdb

    skip = "data_type NOT LIKE 'TIMESTAMP%' AND column_name NOT LIKE '%hash%'"
    differ = []
    with duckdb.connect(str(a), read_only=True) as ca, duckdb.connect(str(b), read_only=True) as cb:
        for (table,) in ca.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall():
            names = ca.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND " + skip + " ORDER BY column_index",
                [table],
            ).fetchall()
            sql = f"SELECT {', '.join(n for (n,) in names)} FROM {table} ORDER BY ALL"
            if names and ca.execute(sql).fetchall() != cb.execute(sql).fetchall():
                differ.append(table)
    return differ


def main(argv: list[str]) -> None:
    if argv[1:2] == ["--measure"]:
        print(json.dumps(measure(Path(argv[2]), Path(argv[3]), Path(argv[4]))))
        return
    parser = argparse.ArgumentParser(description="CSV import of N cases, before and after")
    parser.add_argument("n", nargs="?", type=int, default=5000)
    parser.add_argument("--baseline", default="", help="git ref of the 'before' code (default: merge base with main); none: skip")
    opts = parser.parse_args(argv[1:])
    n, ref = opts.n, opts.baseline
    if not ref:
        merge_base = ["git", "-C", str(ROOT), "merge-base", "HEAD", "main"]
        ref = subprocess.run(merge_base, check=True, capture_output=True, text=True).stdout.strip()
    base = store_dir() / "import"
    shutil.rmtree(base, ignore_errors=True)
    folder = base / "csv"
    rows = build(folder, n)
    size_mb = sum(f.stat().st_size for f in folder.glob("*.csv")) / 1024 / 1024
    results: dict[str, dict[str, Any]] = {}
    if ref != "none":
        results["before"] = _run(_extract(ref, base / "baseline-src"), folder, base / "before.duckdb")
    results["after"] = _run(ROOT, folder, base / "after.duckdb")
    table = []
    for run in RUNS:
        after = results["after"][run]
        if "before" in results:
            before = results["before"][run]
            table.append((LABELS[run], before, after, f"{before / after:.1f}×", f"{n / after:.0f}"))
        else:
            table.append((LABELS[run], "–", after, "–", f"{n / after:.0f}"))
    title = f"CSV import of {n} cases ({rows} rows, {size_mb:.1f} MB); before = {ref[:12] or '–'}, after = working tree"
    print_table(title, ["run", "before s", "after s", "speed-up", "cases/s after"], table)
    for side, figures in results.items():
        added = {k: v for k, v in figures.items() if k.endswith("_added")}
        print(f"{side}: rows added {added}; patients in store: {figures['patients']}")
    differ = same_rows(base / "before.duckdb", base / "after.duckdb") if "before" in results else None
    if differ is not None:
        print(f"stores after both runs: {'the same rows in every table' if not differ else 'DIFFERENT: ' + ', '.join(differ)}")
    payload = {"cases": n, "rows": rows, "mb": round(size_mb, 2), "baseline": ref if ref != "none" else None}
    same = differ == [] if differ is not None else None
    write_json("bench_import", {**payload, "same_rows": same, **results})


if __name__ == "__main__":
    main(sys.argv)
