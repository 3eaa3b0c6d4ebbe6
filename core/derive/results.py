"""Result types: a derived score with the provenance of each input, and a case's scores."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict

from core.derive.words import _fmt, inputs_hash
from core.scores import INCOMPLETE, ScoreResult

Origin = Literal["case", "lesion", "lab", "derived", "converted", "missing"]
InputValue = str | int | bool | Decimal

# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


class InputSource(BaseModel):
    """Where one score input came from: a record, a derivation, a conversion, or nowhere."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: str
    value: str | None
    origin: Origin
    record: str
    note: str = ""
    note_zh: str = ""
    record_zh: str = ""
    # The date the fact describes (labs: taken on; case facts: CaseFile.observed_on), when known.
    observed_on: date | None = None


class DerivedScore(BaseModel):
    """One score evaluated on derived inputs, with the provenance of each input."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    score_id: str
    lesion_id: int | None = None
    site: str = ""  # Lesion.site_label(): the machine form (enum values), kept for lookups
    site_en: str = ""  # the site in words, per language
    site_zh: str = ""
    result: ScoreResult
    sources: tuple[InputSource, ...]
    inputs: dict[str, InputValue]
    applicable: bool = True
    note: str = ""
    note_zh: str = ""
    # Safety rule 2: a score card shows the age of its oldest input, not the day it was computed.
    oldest_input_on: date | None = None
    oldest_input_age_days: int | None = None
    # Safety rule 2: set by the rules on a lesion score whose findings are older than the lesion
    # findings window; the label then names the age and asks for re-imaging.
    findings_stale_days: int | None = None

    @property
    def complete(self) -> bool:
        return self.result.band != INCOMPLETE

    @property
    def total(self) -> int | Decimal | None:
        return self.result.total

    @property
    def band(self) -> str:
        return self.result.band

    @property
    def missing(self) -> tuple[str, ...]:
        return self.result.missing

    def _shown(self) -> str:
        shown = self.inputs.get("escc_grade") if self.score_id == "bilsky_escc" else self.total
        return "" if shown is None else _fmt(shown)

    @property
    def label(self) -> str:
        """``"SINS 11 at T9 — Indeterminate: potentially unstable (7–12)"`` for reasons."""
        name = SCORE_NAMES.get(self.score_id, self.score_id)
        value = self._shown()
        unit = f" {self.result.value_unit}" if self.result.value_unit and value else ""
        shown = f" {value}{unit}" if value else ""
        site = self.site_en or self.site
        where = f" at {site}" if site else ""
        stale = f" from findings {self.findings_stale_days} days old — re-image first" if self.findings_stale_days else ""
        return f"{name}{shown}{where}{stale} — {self.result.band_label_en}"

    @property
    def label_zh(self) -> str:
        """``"T9 SINS 11分——潜在不稳定（7–12分）"``: the Chinese of ``label``."""
        name = SCORE_NAMES_ZH.get(self.score_id, SCORE_NAMES.get(self.score_id, self.score_id))
        value = self._shown()
        unit = "级" if self.score_id in ("bilsky_escc", "frankel") else "分"
        if self.result.value_unit:
            unit = f" {self.result.value_unit}"
        shown = f" {value}{unit}" if value else ""
        site = self.site_zh or self.site
        where = f"{site} " if site else ""
        stale = f"（病灶资料距今{self.findings_stale_days}天，请先复查影像）" if self.findings_stale_days else ""
        return f"{where}{name}{shown}{stale}——{self.result.band_label_zh}"

    def source(self, name: str) -> InputSource | None:
        return next((s for s in self.sources if s.input == name), None)

    @property
    def hash(self) -> str:
        return inputs_hash(self.inputs)


SCORE_NAMES: dict[str, str] = {
    "sins": "SINS",
    "mirels": "Mirels",
    "bilsky_escc": "Bilsky",
    "tomita": "Tomita",
    "tokuhashi_revised": "Tokuhashi",
    "katagiri_new": "Katagiri",
    "corrected_calcium": "corrected Ca",
    "ctcae_hypercalcaemia": "CTCAE hypercalcaemia",
    "zoledronic_acid_dose": "CrCl",
    "who_analgesic_ladder": "WHO ladder",
    "frankel": "Frankel",
    "ecog": "ECOG",
    "karnofsky": "KPS",
    "radium_223": "Radium-223",
}

SCORE_NAMES_ZH: dict[str, str] = {
    "corrected_calcium": "校正血钙",
    "ctcae_hypercalcaemia": "CTCAE高钙血症",
    "zoledronic_acid_dose": "肌酐清除率",
    "who_analgesic_ladder": "WHO三阶梯",
    "radium_223": "镭-223",
}

BILSKY_ORDER: tuple[str, ...] = ("0", "1a", "1b", "1c", "2", "3")


class CaseScores(BaseModel):
    """Every derived score of one case: per patient and per lesion."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    patient: dict[str, DerivedScore]
    per_lesion: tuple[DerivedScore, ...]

    def lesion_scores(self, score_id: str) -> tuple[DerivedScore, ...]:
        return tuple(s for s in self.per_lesion if s.score_id == score_id)

    def _max(self, score_id: str) -> DerivedScore | None:
        complete = [s for s in self.lesion_scores(score_id) if s.applicable and s.complete and s.total is not None]
        return max(complete, key=lambda s: s.total or 0, default=None)

    @property
    def max_sins(self) -> DerivedScore | None:
        """The patient's SINS: the highest complete per-lesion SINS (decision 2)."""
        return self._max("sins")

    @property
    def max_mirels(self) -> DerivedScore | None:
        return self._max("mirels")

    @property
    def worst_bilsky(self) -> DerivedScore | None:
        graded = [s for s in self.lesion_scores("bilsky_escc") if s.complete]
        return max(
            graded,
            key=lambda s: BILSKY_ORDER.index(str(s.inputs["escc_grade"])),
            default=None,
        )

    def get(self, score_id: str) -> DerivedScore | None:
        """A patient-level score, or the worst lesion for SINS, Mirels and Bilsky."""
        if score_id == "sins":
            return self.max_sins
        if score_id == "mirels":
            return self.max_mirels
        if score_id == "bilsky_escc":
            return self.worst_bilsky
        return self.patient.get(score_id)
