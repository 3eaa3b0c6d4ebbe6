"""``bonemdt evaluate``: what the board shows for one case file, as plain JSON.

The same two calls the board makes (:func:`core.derive.derive_scores` and
:func:`core.rules.evaluate_rules`, see db/board.py), so a case file gives exactly the board's scores,
red flags, suggestions and conflicts. This is the clinical engine's public interface for other
systems and for validation tables.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from core.derive import DerivedScore, derive_scores
from core.models import CaseFile
from core.policy import Policy
from core.rules import RuleHit, evaluate_rules

Lang = Literal["en", "zh"]


def _number(value: int | Decimal | None) -> int | float | str | None:
    if value is None or isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else str(value)


def _score(s: DerivedScore, lang: Lang) -> dict[str, Any]:
    r = s.result
    return {
        "id": s.score_id,
        "site": (s.site_zh if lang == "zh" else s.site_en) or s.site or None,
        "applicable": s.applicable,
        "total": _number(r.total),
        "band": r.band,
        "band_label": r.band_label_zh if lang == "zh" else r.band_label_en,
        "label": s.label_zh if lang == "zh" else s.label,
        "missing": list(r.missing),
        "flags": list(r.flags),
    }


def _hit(h: RuleHit, lang: Lang) -> dict[str, Any]:
    return {
        "rule_id": h.rule_id,
        "specialty": str(h.specialty),
        "urgency": str(h.urgency),
        "text": h.text_zh if lang == "zh" else h.text_en,
        "reason": h.reason_zh if lang == "zh" else h.reason_en,
        # Safety rule: a red flag the facts cannot exclude (set by the rule when it exposes it).
        "cannot_exclude": bool(getattr(h, "cannot_exclude", False)),
        "source": h.source,
    }


def evaluate_case_file(cf: CaseFile, policy: Policy | None = None, lang: Lang = "en") -> dict[str, Any]:
    """Every score, red flag, suggestion, rule waiting for data and conflict of one case."""
    policy = policy or Policy()
    scores = derive_scores(cf, policy)
    report = evaluate_rules(cf, scores, policy)
    return {
        "as_of": cf.as_of.isoformat(),
        "lang": lang,
        "scores": [_score(s, lang) for s in (*scores.patient.values(), *scores.per_lesion)],
        "red_flags": [_hit(h, lang) for h in report.red_flags],
        "suggestions": [_hit(h, lang) for h in report.fired],
        "needs_data": [
            {
                "rule_id": n.rule_id,
                "specialty": str(n.specialty),
                "missing": list(n.missing),
                "missing_text": list(n.missing_zh if lang == "zh" else n.missing_en),
            }
            for n in report.needs_data
        ],
        "conflicts": [{"rule_ids": list(c.rule_ids), "name": c.name_zh if lang == "zh" else c.name_en} for c in report.conflicts],
        "highest_urgency": None if report.highest_urgency is None else str(report.highest_urgency),
    }
