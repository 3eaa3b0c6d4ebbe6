"""Re-verifying signed decisions: the stored content hash must match the content (21 CFR 11.70).

The hash is recomputed from the stored rows whenever a signed decision is shown, printed in the
minutes or a letter, and for every signed decision when the store opens. An offline edit of a
signed decision or its plan (another tool on the store file) therefore shows as a broken
signature instead of passing as signed.
"""

from __future__ import annotations

import json
from collections import defaultdict

import duckdb

from core.models import Decision, DecisionStatus, PlanItem
from core.signing import content_hash


def signature_intact(decision: Decision) -> bool:
    """True for a draft, and for a signed decision whose content still matches its hash."""
    if decision.status != DecisionStatus.SIGNED:
        return True
    return bool(decision.content_hash) and content_hash(decision) == decision.content_hash


def verify_signed(cur: duckdb.DuckDBPyConnection) -> list[int]:
    """The ids of signed decisions whose content no longer matches their signature.

    Two set-based reads (decisions, plan items) rather than one read per decision: this runs at
    every start and before every restore. Rows are turned into models as ``get_decision`` does.
    """
    from db.decision_reads import _DECISION_COLS

    rows = cur.execute(
        "SELECT " + ", ".join(_DECISION_COLS) + " FROM decision WHERE status = 'signed' ORDER BY decision_id"  # noqa: S608
    ).fetchall()
    plans: dict[int, list[PlanItem]] = defaultdict(list)
    result = cur.execute(
        "SELECT plan_item_id, decision_id, position, rule_id, kind, text, disposition, reason FROM plan_item"
        " WHERE decision_id IN (SELECT decision_id FROM decision WHERE status = 'signed') ORDER BY decision_id, position"
    )
    names = [d[0] for d in result.description or []]
    for raw in result.fetchall():
        item = PlanItem.model_validate(dict(zip(names, raw, strict=True)))
        plans[int(raw[1])].append(item)
    # the emergency mark is part of the signed content (core/signing.py), as get_decision reads it
    emergency = {int(r[0]) for r in cur.execute("SELECT decision_id FROM emergency_decision").fetchall()}
    broken = []
    for raw in rows:
        data = dict(zip(_DECISION_COLS, raw, strict=True))
        data["noms"] = json.loads(data.pop("noms_json") or "{}")
        data["contributing"] = tuple(data["contributing"] or ())
        data["plan"] = tuple(plans.get(int(data["decision_id"]), ()))
        data["emergency"] = int(data["decision_id"]) in emergency
        try:
            decision = Decision.model_validate(data)
        except ValueError:
            broken.append(int(data["decision_id"]))  # stored content no longer even valid
            continue
        if not signature_intact(decision):
            broken.append(int(data["decision_id"]))
    return broken
