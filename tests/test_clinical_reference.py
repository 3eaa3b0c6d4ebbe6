"""The repository documents every rule and score the board applies (docs/clinical/)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from core.policy import Policy
from core.rules import RULES
from core.scores import SCORES

ROOT = Path(__file__).resolve().parents[1]
CLINICAL = ROOT / "docs" / "clinical"


def _text(name: str) -> str:
    return (CLINICAL / name).read_text(encoding="utf-8")


def _table_ids(text: str) -> set[str]:
    """Ids in the first cell of a table row (``| RF-MSCC | ...``), "(new)"/"(changed)" dropped."""
    ids = set()
    for line in text.splitlines():
        m = re.match(r"^\| ([A-Z0-9][A-Z0-9-]+)(?: \((?:new|changed)\))?(?:, ([A-Z0-9-]+)(?: \(changed\))?)? \|", line)
        if m:
            ids.update(g for g in m.groups() if g)
    return ids


def test_every_rule_id_is_documented() -> None:
    documented = _table_ids(_text("rules.md"))
    missing = [rule.id for rule in RULES if rule.id not in documented]
    assert not missing, f"rules missing from docs/clinical/rules.md: {missing}"


def test_every_score_id_is_documented() -> None:
    text = _text("scores.md")
    missing = [score_id for score_id in SCORES if f"`{score_id}`" not in text]
    assert not missing, f"scores missing from docs/clinical/scores.md: {missing}"


def test_every_policy_is_documented_with_its_default() -> None:
    text = _text("policy.md")
    for key, value in Policy().to_mapping().items():
        row = next((line for line in text.splitlines() if line.startswith(f"| `{key}` |")), None)
        assert row is not None, key
        assert row.split(" | ")[1].startswith(value), (key, value)


def test_twelve_decisions_and_seven_safety_rules_keep_their_numbers() -> None:
    scores = _text("scores.md")
    decisions = scores.split("## Decisions taken for this board")[1].split("\n## ")[0]
    assert [int(n) for n in re.findall(r"^(\d+)\. \*\*", decisions, flags=re.M)] == list(range(1, 13))
    rules = _text("rules.md")
    safety = rules.split("## Safety rules")[1].split("### Decisions")[0]
    assert [int(n) for n in re.findall(r"^(\d+)\. \*\*", safety, flags=re.M)] == list(range(1, 8))


def test_every_score_band_is_documented() -> None:
    text = _text("scores.md")
    for score_id, score in SCORES.items():
        if score_id in ("frankel", "ecog", "karnofsky"):  # bands are the grade letters / values themselves
            continue
        for band in score.bands:
            assert f"`{band}`" in text, (score_id, band)


def test_the_worked_examples_are_a_fixture_of_the_repository() -> None:
    examples = json.loads((ROOT / "tests" / "fixtures" / "score_examples.json").read_text(encoding="utf-8"))
    assert examples
    assert {case["score"] for case in examples} <= set(SCORES)
