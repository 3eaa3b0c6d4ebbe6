"""The case-board use-case: everything one case's board shows, computed from the store.

Pages call :func:`load_board` once per run; scores and rules are pure functions of the case
file and the department policy (core/derive.py, core/rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

from core.derive import CaseScores, derive_scores
from core.meeting_rules import Readiness, readiness
from core.models import CaseFile
from core.policy import Policy
from core.rules import RuleReport, evaluate_rules
from db.cases import load_case_file
from db.policies import load_policy


@dataclass(frozen=True)
class Board:
    cf: CaseFile
    policy: Policy
    scores: CaseScores
    rules: RuleReport
    readiness: Readiness


def build_board(cf: CaseFile, policy: Policy) -> Board:
    scores = derive_scores(cf, policy)
    return Board(
        cf=cf,
        policy=policy,
        scores=scores,
        rules=evaluate_rules(cf, scores, policy),
        readiness=readiness(cf, imaging_max_days=policy.readiness_imaging_max_days, lab_max_days=policy.readiness_lab_max_days),
    )


def load_board(cur: duckdb.DuckDBPyConnection, case_id: int, as_of: date | None = None) -> Board:
    return build_board(load_case_file(cur, case_id, as_of), load_policy(cur))


def case_stamps(cur: duckdb.DuckDBPyConnection, case_ids: list[int]) -> dict[int, int]:
    """Per case, the last data change that can alter its board: a write about its patient, or a
    department-wide one (policies, a bulk load). Every write is audited in its own transaction;
    access-only rows (sign-in, opening a case, denials, exports) and other patients' changes do
    not count, so caches keyed by it survive a busy meeting. One set-based query."""
    rows = cur.execute(
        """
        WITH c AS (SELECT case_id, patient_id FROM mdt_case WHERE list_contains(?, case_id)),
        data_rows AS (
            SELECT seq, patient_id, entity FROM audit_log
            WHERE action NOT IN ('open_case', 'login', 'login_failed', 'logout', 'denied', 'export')
        ),
        dept AS (
            SELECT coalesce(max(seq), 0) AS s FROM data_rows
            WHERE patient_id IS NULL AND entity IN ('policy', 'demo_dataset', 'store')
        ),
        per_patient AS (
            SELECT patient_id, max(seq) AS s FROM data_rows
            WHERE patient_id IN (SELECT patient_id FROM c) GROUP BY patient_id
        )
        SELECT c.case_id, greatest(coalesce(per_patient.s, 0), (SELECT s FROM dept))
        FROM c LEFT JOIN per_patient USING (patient_id)
        """,
        [list(case_ids)],
    ).fetchall()
    return {int(r[0]): int(r[1]) for r in rows}


def case_stamp(cur: duckdb.DuckDBPyConnection, case_id: int) -> int:
    """:func:`case_stamps` for one case (0 for an unknown case)."""
    return case_stamps(cur, [case_id]).get(case_id, 0)


def store_stamp(cur: duckdb.DuckDBPyConnection) -> int:
    """The store's last data change (any patient or department; access-only rows do not count):
    what lists of every case, like the case picker's, are a function of."""
    row = cur.execute(
        "SELECT coalesce(max(seq), 0) FROM audit_log"
        " WHERE action NOT IN ('open_case', 'login', 'login_failed', 'logout', 'denied', 'export')"
    ).fetchone()
    return int(row[0]) if row else 0
