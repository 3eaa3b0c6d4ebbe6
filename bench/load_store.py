"""The store check of the load bench and the replica test: DuckDB file or PostgreSQL URL.

After a run (servers stopped, or at least idle) every acknowledged write must be in the store
exactly once: one patient with its MRN, the acknowledged case linked to it and the only case of
that patient, and exactly one ``create`` audit row for each, by the session's user. Nothing else
may have been written under the bench's MRNs (an unacknowledged write that was stored anyway is
counted, not hidden); the audit hash chain must verify (``db.audit.verify_chain``, with the
store's key: the key file of a DuckDB store, ``BONEMDT_SECRET`` for PostgreSQL); and the
``login`` / ``open_case`` audit rows must be at least as many as the sign-ins and first
openings the sessions saw.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any

from load_sessions import MRN_PREFIX, Tally


@contextlib.contextmanager
def _env(extra: Mapping[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _open(store: str, env: Mapping[str, str]) -> Iterator[Any]:
    from db.connection import connect

    with _env(env):
        con = connect(store, read_only=not store.startswith("postgresql"))
        try:
            yield con
        finally:
            con.close()


def store_facts(store: str, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Case ids, audit rows by action and the patient count, before a run."""
    with _open(store, env or {}) as con:
        ids = [int(r[0]) for r in con.execute("SELECT case_id FROM mdt_case ORDER BY case_id").fetchall()]
        actions = {str(a): int(n) for a, n in con.execute("SELECT action, count(*) FROM audit_log GROUP BY action").fetchall()}
        patients = int(con.execute("SELECT count(*) FROM patient").fetchone()[0])
    return {"case_ids": ids, "audit_by_action": actions, "patients": patients}


def _one(con: Any, sql: str, params: list[Any]) -> int:
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row else 0


def verify(store: str, tally: Tally, before: dict[str, Any], env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The check described in the module docstring; ``ok`` is the verdict."""
    from db.audit import verify_chain

    missing: list[dict[str, Any]] = []
    with _open(store, env or {}) as con:
        for w in tally.acked:
            problems = []
            prow = con.execute("SELECT patient_id FROM patient WHERE mrn = ?", [w["mrn"]]).fetchall()
            if len(prow) != 1:
                problems.append(f"patient rows {len(prow)}")
            pid = prow[0][0] if prow else None
            crow = con.execute("SELECT patient_id FROM mdt_case WHERE case_id = ?", [w["case_id"]]).fetchall()
            if len(crow) != 1 or crow[0][0] != pid:
                problems.append("case missing or not linked to the patient")
            if pid is not None and (n := _one(con, "SELECT count(*) FROM mdt_case WHERE patient_id = ?", [pid])) != 1:
                problems.append(f"cases of the patient {n}")
            for entity, ident in (("mdt_case", w["case_id"]), ("patient", pid)):
                n = _one(
                    con,
                    "SELECT count(*) FROM audit_log WHERE action = 'create' AND entity = ? AND entity_id = ?"
                    " AND outcome = 'ok' AND actor = ?",
                    [entity, str(ident), w["user"]],
                )
                if n != 1:
                    problems.append(f"{entity} create audit rows {n}")
            if problems:
                missing.append({"mrn": w["mrn"], "case_id": w["case_id"], "problems": problems})
        unacked_stored = sum(_one(con, "SELECT count(*) FROM patient WHERE mrn = ?", [w["mrn"]]) for w in tally.unacked)
        like = [MRN_PREFIX + "%"]
        bench_patients = _one(con, "SELECT count(*) FROM patient WHERE mrn LIKE ?", like)
        distinct_mrns = _one(con, "SELECT count(DISTINCT mrn) FROM patient WHERE mrn LIKE ?", like)
        bench_cases = _one(
            con, "SELECT count(*) FROM mdt_case c JOIN patient p ON p.patient_id = c.patient_id WHERE p.mrn LIKE ?", like
        )
        actions = {str(a): int(n) for a, n in con.execute("SELECT action, count(*) FROM audit_log GROUP BY action").fetchall()}
        with _env(env or {}):
            chain = verify_chain(con)
    grew = {a: actions.get(a, 0) - int(before["audit_by_action"].get(a, 0)) for a in ("login", "open_case", "create")}
    acked_mrns = {w["mrn"] for w in tally.acked}
    expected = len(acked_mrns) + unacked_stored
    ok = (
        not missing
        and len(acked_mrns) == len(tally.acked)  # no MRN acknowledged twice
        and chain.ok
        and grew["login"] >= tally.logins
        and grew["open_case"] >= len(tally.opens)
        and bench_patients == distinct_mrns == bench_cases == expected
    )
    return {
        "ok": ok,
        "acknowledged_writes": len(tally.acked),
        "acknowledged_writes_missing": missing,
        "lost_writes": len(missing),
        "duplicates": (bench_patients - distinct_mrns) + (bench_cases - bench_patients),
        "unacknowledged_writes": len(tally.unacked),
        "unacknowledged_but_stored": unacked_stored,
        "bench_patients_in_store": bench_patients,
        "bench_cases_in_store": bench_cases,
        "audit_chain_ok": chain.ok,
        "audit_rows": chain.rows,
        "audit_chain_problem": chain.problem,
        "login_rows_added": grew["login"],
        "logins_acknowledged": tally.logins,
        "open_case_rows_added": grew["open_case"],
        "first_openings_acknowledged": len(tally.opens),
        "create_rows_added": grew["create"],
    }
