"""Content hash bound to a signature (21 CFR 11.70: the signature is linked to its record)."""

from __future__ import annotations

import hashlib
import json

from core.models import Decision

SIGNATURE_MEANING = "Approved as the MDT decision"
_SIGNED_FIELDS = (
    "case_id",
    "version",
    "predecessor_id",
    "amendment_reason",
    "outcome",
    "summary",
    "noms",
    "dissent",
    "contributing",
    "quorum_state",
    "quorum_override_reason",
    "decided_on",
)


def content_hash(decision: Decision) -> str:
    """SHA-256 over the decision's clinical content and plan, in a canonical JSON form."""
    data = decision.model_dump(mode="json", include=set(_SIGNED_FIELDS))
    data["plan"] = [
        item.model_dump(mode="json", include={"position", "rule_id", "kind", "text", "disposition", "reason"})
        for item in decision.plan
    ]
    if decision.emergency:  # only when set, so the hashes of earlier signatures stay valid
        data["emergency"] = True
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
