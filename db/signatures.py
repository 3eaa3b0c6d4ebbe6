"""Re-verifying signed decisions: the stored content hash must match the content (21 CFR 11.70).

The hash is recomputed from the stored rows whenever a signed decision is shown, printed in the
minutes or a letter, and for every signed decision when the store opens. An offline edit of a
signed decision or its plan (another tool on the store file) therefore shows as a broken
signature instead of passing as signed.
"""

from __future__ import annotations

import duckdb

from core.models import Decision, DecisionStatus
from core.signing import content_hash


def signature_intact(decision: Decision) -> bool:
    """True for a draft, and for a signed decision whose content still matches its hash."""
    if decision.status != DecisionStatus.SIGNED:
        return True
    return bool(decision.content_hash) and content_hash(decision) == decision.content_hash


def verify_signed(cur: duckdb.DuckDBPyConnection) -> list[int]:
    """The ids of signed decisions whose content no longer matches their signature."""
    from db.decisions import get_decision

    ids = [int(r[0]) for r in cur.execute("SELECT decision_id FROM decision WHERE status = 'signed' ORDER BY 1").fetchall()]
    return [i for i in ids if not signature_intact(get_decision(cur, i))]
