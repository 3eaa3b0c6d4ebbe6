"""CSV import of N cases (default 5,000) into an empty store: the figure of issue 13 ("under a minute").

Builds N cases from the seven lecture-case example tables (docs/examples/csv: same rows, new MRNs),
writes them as one folder of CSV tables, and runs the import twice on a fresh migrated store: a dry
run (validation and planning only) and the real import (one transaction, set-based appends,
an audit row per patient). Prints the figures and writes bench/results/bench_import.json; never
asserts. Usage: ``.venv/bin/python bench/bench_import.py [N]``.
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import duckdb
from common import ROOT, print_table, store_dir, timed, write_json

sys.path.insert(0, str(ROOT))

from core.models import SYSTEM_ACTOR
from db.interop.files import import_path
from db.migrate import migrate
from db.users import ensure_demo_users

EXAMPLES = ROOT / "docs" / "examples" / "csv"


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


def _store(path: Path) -> duckdb.DuckDBPyConnection:
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    migrate(con)
    ensure_demo_users(con)
    cols = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = 'mdt_case'").fetchall()}
    if "ecog_limited_by_lesion" not in cols:  # until the data-entry migration is merged
        con.execute("DROP INDEX idx_case_patient")
        con.execute("ALTER TABLE mdt_case ADD COLUMN ecog_limited_by_lesion BOOLEAN")
        con.execute("CREATE INDEX idx_case_patient ON mdt_case(patient_id)")
    return con


def main(argv: list[str]) -> None:
    n = int(argv[1]) if len(argv) > 1 else 5000
    base = store_dir() / "import"
    shutil.rmtree(base, ignore_errors=True)
    folder = base / "csv"
    rows = build(folder, n)
    size_mb = sum(f.stat().st_size for f in folder.glob("*.csv")) / 1024 / 1024
    import core.interop.documents as documents

    documents.MAX_IMPORT_BYTES = max(documents.MAX_IMPORT_BYTES, int((size_mb + 1) * 1024 * 1024))
    import db.interop.files as files

    files.MAX_IMPORT_BYTES = documents.MAX_IMPORT_BYTES
    con = _store(base / "store.duckdb")
    try:
        with timed() as dry:
            report = import_path(con, SYSTEM_ACTOR, folder, dry_run=True)
        assert report.ok, report.refused[:5]
        with timed() as real:
            report = import_path(con, SYSTEM_ACTOR, folder)
        added = report.added
        patients = con.execute("SELECT count(*) FROM patient").fetchall()[0][0]
    finally:
        con.close()
    table = [
        ("dry run (validate + plan)", f"{dry.seconds:.1f}", f"{n / dry.seconds:.0f}"),
        ("import (one transaction)", f"{real.seconds:.1f}", f"{n / real.seconds:.0f}"),
    ]
    print_table(f"CSV import of {n} cases ({rows} rows, {size_mb:.1f} MB)", ["run", "seconds", "cases/s"], table)
    print(f"rows added: {added}; patients in store: {patients}")
    write_json(
        "bench_import",
        {"cases": n, "rows": rows, "mb": round(size_mb, 2), "dry_run_s": dry.seconds, "import_s": real.seconds, "added": added},
    )


if __name__ == "__main__":
    main(sys.argv)
