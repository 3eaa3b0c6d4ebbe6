"""Shared kit of the clinical scenario tables (tests/core/test_clinical_scenarios*.py).

A ``Scenario`` is one small case with what the board must and must not say about it: the red
flags and their urgency, which are "cannot exclude", the suggestions present and absent, words
their text must hold, the conflicts named, banner lines and the case's highest urgency.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from core.models import CaseFile
from core.rules import RuleReport, evaluate_rules
from tests.core.case_kit import AS_OF


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


@dataclass
class Scenario:
    name: str
    case: CaseFile
    # rule id -> urgency it must fire at
    fired: dict[str, str] = field(default_factory=dict)
    # rule ids that must fire as "cannot exclude"
    cannot: tuple[str, ...] = ()
    # rule ids that must fire (any urgency) / must not fire
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    # rule id -> words its text (suggestion) must hold / must not hold
    text_has: dict[str, str] = field(default_factory=dict)
    text_lacks: dict[str, str] = field(default_factory=dict)
    # rule id -> words its reason must hold
    reason_has: dict[str, str] = field(default_factory=dict)
    # conflicts named, as pairs of rule ids
    conflicts: tuple[tuple[str, str], ...] = ()
    # words some banner line must hold
    banner_has: tuple[str, ...] = ()
    # the case's highest urgency ("" = do not check; None = nothing fired)
    highest: str | None = ""

    def __str__(self) -> str:  # the pytest id
        return self.name


def check(s: Scenario) -> RuleReport:
    report = evaluate_rules(s.case)
    hits = {h.rule_id: h for h in report.fired}
    for rule_id, urgency in s.fired.items():
        assert rule_id in hits, f"{rule_id} did not fire; fired: {sorted(hits)}"
        assert hits[rule_id].urgency == urgency, f"{rule_id}: {hits[rule_id].urgency} != {urgency}"
    for rule_id in s.cannot:
        assert rule_id in hits, f"{rule_id} did not fire; fired: {sorted(hits)}"
        assert hits[rule_id].cannot_exclude, f"{rule_id} fired as confirmed, expected 'cannot exclude'"
    for rule_id in s.fired:
        if rule_id not in s.cannot and rule_id.startswith("RF-"):
            assert not hits[rule_id].cannot_exclude, f"{rule_id} is 'cannot exclude', expected confirmed"
    for rule_id in s.present:
        assert rule_id in hits, f"{rule_id} did not fire; fired: {sorted(hits)}"
    for rule_id in s.absent:
        assert rule_id not in hits, f"{rule_id} fired: {hits[rule_id].reason_en}"
    for rule_id, words in s.text_has.items():
        assert rule_id in hits, f"{rule_id} did not fire"
        assert words in hits[rule_id].text_en, f"{rule_id}: {words!r} not in {hits[rule_id].text_en!r}"
    for rule_id, words in s.text_lacks.items():
        if rule_id in hits:
            assert words not in hits[rule_id].text_en, f"{rule_id}: {words!r} in {hits[rule_id].text_en!r}"
            assert words not in hits[rule_id].reason_en, f"{rule_id}: {words!r} in {hits[rule_id].reason_en!r}"
    for rule_id, words in s.reason_has.items():
        assert rule_id in hits, f"{rule_id} did not fire"
        assert words in hits[rule_id].reason_en, f"{rule_id}: {words!r} not in {hits[rule_id].reason_en!r}"
    named = {c.rule_ids for c in report.conflicts}
    for pair in s.conflicts:
        assert pair in named, f"conflict {pair} not named; named: {sorted(named)}"
    lines = [line.text_en for line in report.banner]
    for words in s.banner_has:
        assert any(words in line for line in lines), f"{words!r} not in banner {lines}"
    if s.highest != "":
        assert report.highest_urgency == s.highest
    # Every Chinese text is present whenever the English one is.
    for hit in report.fired:
        assert hit.text_zh and hit.reason_zh is not None
        assert len(hit.banner_en) == len(hit.banner_zh)
    return report
