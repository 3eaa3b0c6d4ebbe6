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


def case_stamp(cur: duckdb.DuckDBPyConnection, case_id: int) -> int:
    """The last data change that can alter this case's board: a write about its patient, or a
    department-wide one (policies, a bulk load). Every write is audited in its own transaction;
    access-only rows (sign-in, opening a case, denials, exports) and other patients' changes do
    not count, so caches keyed by it survive a busy meeting."""
    row = cur.execute(
        """
        SELECT coalesce(max(seq), 0) FROM audit_log
        WHERE action NOT IN ('open_case', 'login', 'login_failed', 'logout', 'denied', 'export')
          AND (patient_id = (SELECT patient_id FROM mdt_case WHERE case_id = ?)
               OR (patient_id IS NULL AND entity IN ('policy', 'demo_dataset', 'store')))
        """,
        [case_id],
    ).fetchone()
    return int(row[0]) if row else 0
