"""A stored case as a validated FHIR R4 Bundle: the case file, the board's scores under the
department policies, and the latest signed decision as the CarePlan."""

from __future__ import annotations

import duckdb

from core.casefile import CaseDocument
from core.derive import derive_scores
from core.interop.fhir_export import bundle_dict, validated_bundle_json
from core.models import CaseFile, Decision
from db.decision_reads import get_decision
from db.policies import load_policy


def signed_decision(cur: duckdb.DuckDBPyConnection, case_id: int) -> Decision | None:
    rows = cur.execute(
        "SELECT decision_id FROM decision WHERE case_id = ? AND status = 'signed' ORDER BY version DESC LIMIT 1", [case_id]
    ).fetchall()
    return get_decision(cur, int(rows[0][0])) if rows else None


def export_bundle_json(cur: duckdb.DuckDBPyConnection, cf: CaseFile, doc: CaseDocument) -> str:
    assert cf.case.case_id is not None
    scores = derive_scores(cf, load_policy(cur))
    decision = signed_decision(cur, cf.case.case_id)
    bundle = bundle_dict(doc, cf, scores=scores, decision=decision, bundle_id=f"case-{cf.case.case_id}")
    return validated_bundle_json(bundle)
