"""The report of one import: what was mapped, ignored and refused (each refusal names its place),
what was added, and which stored values disagree with the file (kept, never overwritten)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ImportReport:
    source: str
    kind: str = ""  # "json", "csv" or "fhir"
    dry_run: bool = False
    mapped: list[str] = field(default_factory=list)  # rows / resources turned into case-file content
    ignored: list[str] = field(default_factory=list)  # understood but not needed (e.g. a Bundle's Organization)
    refused: list[str] = field(default_factory=list)  # "<place>: <why>"; any refusal means nothing is written
    conflicts: list[str] = field(default_factory=list)  # a stored value kept although the file differs
    added: dict[str, int] = field(default_factory=dict)  # table -> rows added (would be added, on a dry run)
    matched_patients: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.refused

    def refuse(self, place: str, why: str) -> None:
        self.refused.append(f"{place}: {why}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "written": self.written,
            "added": dict(self.added),
            "matched_patients": self.matched_patients,
            "mapped": len(self.mapped),
            "ignored": list(self.ignored),
            "refused": list(self.refused),
            "conflicts": list(self.conflicts),
        }

    def summary(self) -> str:
        state = "dry run, nothing written" if self.dry_run else ("written" if self.written else "nothing written")
        added = ", ".join(f"{k} {v}" for k, v in self.added.items() if v) or "nothing new"
        return (
            f"{self.source}: {len(self.mapped)} mapped, {len(self.ignored)} ignored, {len(self.refused)} refused; "
            f"added: {added}; {len(self.conflicts)} conflict(s) kept; {state}"
        )
