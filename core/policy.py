"""Department policies: the few clinical settings a department may change (docs/clinical/scores.md decision 10).

Everything else clinical is code with a citation and a test. The defaults are the board's
documented choices; the store's ``policy`` table holds one ``key -> value`` text row per field
and :meth:`Policy.from_mapping` turns those rows into a validated, frozen ``Policy``.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import FieldError
from core.text import ShortText


class Policy(BaseModel):
    """Configurable department policies with the documented defaults."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    # MSCC with neurological symptoms/signs: the lecture's regimen; NICE NG234 as the alternative.
    dexamethasone_mscc: ShortText = Field(default="10 mg IV then 4 mg every 6 h", min_length=3, max_length=200)
    dexamethasone_alternative: ShortText = Field(default="16 mg/day (NICE NG234)", min_length=3, max_length=200)
    # The same two regimens as the Chinese board shows them (a department changes both together).
    dexamethasone_mscc_zh: ShortText = Field(default="10 mg 静脉注射，随后每 6 小时 4 mg", min_length=3, max_length=200)
    dexamethasone_alternative_zh: ShortText = Field(default="16 mg/日（NICE NG234）", min_length=3, max_length=200)
    # Radiotherapy: 8 Gy x 1 when expected survival is below this (weeks; 13 weeks = 3 months).
    rt_single_fraction_survival_weeks: int = Field(default=13, ge=1, le=104)
    # SBRT only with expected survival at least this (weeks; 26 weeks = 6 months).
    sbrt_min_survival_weeks: int = Field(default=26, ge=1, le=260)
    # Any surgery: expected survival at least this (weeks).
    surgery_min_survival_weeks: int = Field(default=4, ge=1, le=52)
    # MSCC decompression (Patchell 2005): expected survival at least this (weeks; 13 weeks = 3 months).
    mscc_decompression_min_survival_weeks: int = Field(default=13, ge=1, le=104)
    # Follow-up: every N months in the first year, every M months in the second.
    follow_up_year1_months: int = Field(default=3, ge=1, le=12)
    follow_up_year2_months: int = Field(default=6, ge=1, le=12)
    # Readiness before listing: imaging / calcium and creatinine older than this are stale.
    readiness_imaging_max_days: int = Field(default=56, ge=1, le=365)
    readiness_lab_max_days: int = Field(default=28, ge=1, le=365)
    # Retired (safety rule 2 replaced the single 90-day lab window with the windows below); still
    # accepted so that a store holding the old row loads, but nothing reads it for scoring. The
    # store may use it to bound how many old lab rows it loads (never below the windows below).
    lab_window_days: int = Field(default=90, ge=1, le=730)
    # One clock for every fact (docs/clinical/rules.md safety rule 2 and its decisions): freshness windows.
    # Calcium, albumin, creatinine and blood counts for scores, readiness, non-emergency rules and dosing.
    lab_score_window_days: int = Field(default=28, ge=1, le=365)
    # The same labs when an emergency rule reads them.
    lab_emergency_window_days: int = Field(default=7, ge=1, le=90)
    # Neutrophils with fever: "within 24 h" = dated the same day or the day before.
    neutrophil_fever_window_days: int = Field(default=1, ge=0, le=7)
    # Calcium and albumin pair when taken within this many days of each other (inclusive).
    calcium_albumin_pair_days: int = Field(default=7, ge=0, le=28)
    # Neurology (Frankel, signs, spinal-pain signs) and pain (NRS, character).
    neuro_pain_window_days: int = Field(default=7, ge=1, le=90)
    # ECOG / KPS.
    performance_window_days: int = Field(default=28, ge=1, le=180)
    # Fever and calcium symptoms.
    symptom_window_days: int = Field(default=7, ge=1, le=90)
    # Expected survival, fitness for surgery, weight.
    survival_fitness_weight_window_days: int = Field(default=90, ge=1, le=365)
    # Lesion findings (imaging), as readiness.
    lesion_findings_window_days: int = Field(default=56, ge=1, le=365)
    # Post-operative rules apply within this many weeks of a bone or spine operation.
    postop_window_weeks: int = Field(default=12, ge=1, le=52)
    # ORTHO-BIOPSY: a "long disease-free interval" is at least this many years.
    long_disease_free_years: int = Field(default=5, ge=1, le=30)

    @classmethod
    def from_mapping(cls, rows: Mapping[str, str]) -> Policy:
        """Build a policy from the store's key/value rows; absent keys keep their default.

        Raises FieldError naming each unknown key or invalid value (never echoing the value).
        """
        unknown = [key for key in rows if key not in cls.model_fields]
        if unknown:
            allowed = ", ".join(cls.model_fields)
            raise FieldError(dict.fromkeys(unknown, f"unknown policy; allowed policies: {allowed}"))
        try:
            return cls.model_validate(dict(rows))
        except ValidationError as exc:
            errors: dict[str, str] = {}
            for error in exc.errors(include_input=False):
                name = str(error["loc"][0]) if error["loc"] else "policy"
                errors[name] = error["msg"]
            raise FieldError(errors) from None

    def to_mapping(self) -> dict[str, str]:
        """The policy as the store's key/value text rows."""
        return {key: str(value) for key, value in self.model_dump().items()}
