"""Clinical scoring engine: one module per score, the published table as data, pure functions.

``evaluate(score_id, inputs)`` validates the inputs (unknown score, unknown input or a value
outside the allowed set/range raise ``ScoreInputError``, whose message names the field and the
allowed values but never the value entered) and returns a ``ScoreResult``. A missing input gives
``band == "incomplete"``; it is never scored as 0. The specification is ``docs/clinical/scores.md``.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.scores import (
    analgesic,
    bilsky,
    calcium,
    frankel,
    katagiri,
    mirels,
    performance,
    radium,
    sins,
    tokuhashi,
    tomita,
    zoledronic,
)
from core.scores.base import (
    INCOMPLETE,
    BreakdownItem,
    ScoreDefinition,
    ScoreInputError,
    ScoreResult,
)
from core.scores.katagiri import katagiri_lab_tier
from core.scores.sins import SINS_LEVEL_LOCATION, VERTEBRAL_LEVELS
from core.scores.zoledronic import cockcroft_gault

SCORES: dict[str, ScoreDefinition] = {
    definition.score_id: definition
    for definition in (
        mirels.DEFINITION,
        sins.DEFINITION,
        tomita.DEFINITION,
        tokuhashi.DEFINITION,
        katagiri.DEFINITION,
        bilsky.DEFINITION,
        calcium.CORRECTED_DEFINITION,
        calcium.CTCAE_DEFINITION,
        zoledronic.DEFINITION,
        analgesic.DEFINITION,
        frankel.DEFINITION,
        performance.ECOG_DEFINITION,
        performance.KPS_DEFINITION,
        radium.DEFINITION,
    )
}


def evaluate(score_id: str, inputs: Mapping[str, object]) -> ScoreResult:
    """Score ``inputs`` with the score ``score_id``; see the module docstring."""
    definition = SCORES.get(score_id) if isinstance(score_id, str) else None
    if definition is None:
        raise ScoreInputError({"score_id": "unknown score; allowed score ids: " + ", ".join(SCORES)})
    return definition.evaluate(inputs)


__all__ = [
    "INCOMPLETE",
    "SCORES",
    "SINS_LEVEL_LOCATION",
    "VERTEBRAL_LEVELS",
    "BreakdownItem",
    "ScoreDefinition",
    "ScoreInputError",
    "ScoreResult",
    "cockcroft_gault",
    "evaluate",
    "katagiri_lab_tier",
]
