"""Large synthetic stores for the benchmarks, cloned set-based from the demo dataset.

``build_store(path, n)`` makes a migrated store holding exactly ``n`` cases: the demo's
patients, cases and clinical facts (lesions, imaging studies with their lesion links, labs,
treatments, events) repeated with shifted ids -- copy ``i`` adds ``i * max(id)`` to every id and
``-K<i>`` to every MRN -- in one ``INSERT … SELECT … CROSS JOIN range(k)`` per table. Copy 0 is
the demo itself (the lecture cases keep ``lecture_case``; clones do not). Meetings, decisions
and actions are not cloned: every size holds the same kinds of rows, so 100 and 50,000 cases
compare like with like. Sequences are drawn past the cloned ids, so the app can insert as usual.
The demo users and policies are there (``BONEMDT_DEMO=0`` still signs them in by session).
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import duckdb

from core.models import SYSTEM_ACTOR
from db import audit
from db.connection import transaction
from db.demo import load_demo
from db.migrate import migrate
from db.users import ensure_demo_users

# table -> (id column or None, sequence or None, {column: SQL expression of the clone})
# ``i`` is the copy number; ``o_<table>`` the id offset of that table (its max id in the demo).
CLONES: dict[str, tuple[str | None, str | None, dict[str, str]]] = {
    "patient": (
        "patient_id",
        "seq_patient",
        {
            "patient_id": "patient_id + i * o_patient",
            "mrn": "CASE WHEN i = 0 THEN mrn ELSE mrn || '-K' || i END",
            "mrn_folded": "CASE WHEN i = 0 THEN mrn_folded ELSE mrn_folded || '-k' || i END",
            "display_name": "CASE WHEN i = 0 THEN display_name ELSE display_name || ' K' || i END",
        },
    ),
    "mdt_case": (
        "case_id",
        "seq_case",
        {
            "case_id": "case_id + i * o_mdt_case",
            "patient_id": "patient_id + i * o_patient",
            "lecture_case": "CASE WHEN i = 0 THEN lecture_case END",
        },
    ),
    "lesion": (
        "lesion_id",
        "seq_lesion",
        {
            "lesion_id": "lesion_id + i * o_lesion",
            "patient_id": "patient_id + i * o_patient",
        },
    ),
    "imaging_study": (
        "study_id",
        "seq_study",
        {
            "study_id": "study_id + i * o_imaging_study",
            "patient_id": "patient_id + i * o_patient",
        },
    ),
    "imaging_lesion": (
        None,
        None,
        {
            "study_id": "study_id + i * o_imaging_study",
            "lesion_id": "lesion_id + i * o_lesion",
        },
    ),
    "lab_result": (
        "lab_id",
        "seq_lab",
        {
            "lab_id": "lab_id + i * o_lab_result",
            "patient_id": "patient_id + i * o_patient",
        },
    ),
    "treatment": (
        "treatment_id",
        "seq_treatment",
        {
            "treatment_id": "treatment_id + i * o_treatment",
            "patient_id": "patient_id + i * o_patient",
            "lesion_id": "lesion_id + i * o_lesion",
        },
    ),
    "clinical_event": (
        "event_id",
        "seq_event",
        {
            "event_id": "event_id + i * o_clinical_event",
            "patient_id": "patient_id + i * o_patient",
            "lesion_id": "lesion_id + i * o_lesion",
        },
    ),
}


@dataclass(frozen=True)
class SynthSummary:
    cases: int
    patients: int
    lesions: int
    labs: int
    treatments: int
    copies: int
    seconds: float

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def demo_template(folder: Path, today: date | None = None) -> Path:
    """The demo store of ``today`` (built once per day into ``folder``, then reused)."""
    day = today or date.today()
    path = folder / f"demo-template-{day.isoformat()}.duckdb"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    con = duckdb.connect(str(partial))
    try:
        migrate(con)
        ensure_demo_users(con)
        load_demo(con, today=day)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    partial.rename(path)
    return path


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = 'tpl'"
        " AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [table],
    ).fetchall()
    return [r[0] for r in rows]


def build_store(path: Path, n_cases: int, template: Path) -> SynthSummary:
    """A fresh store at ``path`` with exactly ``n_cases`` cases cloned from ``template``."""
    started = time.perf_counter()
    for p in (path, path.with_suffix(path.suffix + ".wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute("SET enable_progress_bar = false")
        migrate(con)
        ensure_demo_users(con)
        con.execute(f"ATTACH '{template}' AS tpl (READ_ONLY)")
        base = con.execute("SELECT count(*) FROM tpl.mdt_case").fetchall()[0][0]
        copies = max(1, math.ceil(n_cases / base))
        offsets = {
            table: con.execute(f"SELECT coalesce(max({id_col}), 0) FROM tpl.{table}").fetchall()[0][0]
            for table, (id_col, _, _) in CLONES.items()
            if id_col is not None
        }
        # Which (copy, case) and (copy, patient) pairs make up the n cases.
        con.execute(
            "CREATE TEMP TABLE pick AS SELECT r.range AS i, c.case_id, c.patient_id"
            " FROM (SELECT case_id, patient_id, row_number() OVER (ORDER BY case_id) - 1 AS rnk"
            "       FROM tpl.mdt_case) c CROSS JOIN range(?) r"
            " WHERE r.range * ? + c.rnk < ?",
            [copies, base, n_cases],
        )
        con.execute("CREATE TEMP TABLE pick_patient AS SELECT DISTINCT i, patient_id FROM pick")
        o = ", ".join(f"{v}::BIGINT AS o_{k}" for k, v in offsets.items())
        with transaction(con):
            for table, (_, _, exprs) in CLONES.items():
                cols = _columns(con, table)
                select = ", ".join(exprs.get(c, c) for c in cols)
                if table == "mdt_case":
                    source = "tpl.mdt_case JOIN pick USING (case_id, patient_id)"
                elif table == "imaging_lesion":
                    source = "tpl.imaging_lesion JOIN tpl.imaging_study USING (study_id) JOIN pick_patient USING (patient_id)"
                    select = ", ".join(exprs.get(c, c) for c in cols)
                else:
                    source = f"tpl.{table} JOIN pick_patient USING (patient_id)"
                con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select} FROM {source}, (SELECT {o}) offsets")
            for table, (id_col, seq, _) in CLONES.items():
                if id_col is None or seq is None:
                    continue
                top = con.execute(f"SELECT coalesce(max({id_col}), 0) FROM {table}").fetchall()[0][0]
                if top:
                    con.execute("SELECT max(nextval(?)) FROM range(?)", [seq, top]).fetchall()
            counts = {
                t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
                for t in ("mdt_case", "patient", "lesion", "lab_result", "treatment")
            }
            audit.record(con, SYSTEM_ACTOR, "create", "bench_dataset", None, after={**counts, "copies": copies})
        con.execute("DETACH tpl")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return SynthSummary(
        cases=counts["mdt_case"],
        patients=counts["patient"],
        lesions=counts["lesion"],
        labs=counts["lab_result"],
        treatments=counts["treatment"],
        copies=copies,
        seconds=time.perf_counter() - started,
    )
