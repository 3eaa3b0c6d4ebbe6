"""One clock for every fact (docs/clinical/rules.md safety rule 2 and its decisions).

Every clinical fact of a case carries the date it describes (``CaseFile.observed_on``; labs their
``taken_on``). Scores and rules use a fact only within its freshness window (department policy,
``core.policy.Policy``): neurology and pain 7 days, ECOG/KPS 28 days, fever and calcium symptoms
7 days, expected survival, fitness for surgery and weight 90 days; labs 28 days for scores and
non-emergency rules, 7 days for an emergency rule, 24 h for neutrophils with fever. An older fact
is *stale*: :func:`fresh_view` removes it from the case the scores and rules read and returns it
beside, with its age, so that it is shown as stale and never used silently (a stale abnormal
value raises "cannot exclude", see ``core.rules``).

ECOG and KPS that disagree by more than one ECOG step through the conventional crosswalk are a
conflict; the one describing the later date wins (same day: ECOG, the native scale of the rules)
and the other is left out, so that every score and rule reads the same one. ECOG and KPS within
one step but recorded on different days: the newer is read likewise and the older left out (a
newer value always overrides an older one); same day: both kept, the rules read ECOG.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from core.assessments import ASSESSED_FIELDS
from core.models import Analyte, CaseFile, LabResult
from core.policy import Policy

# Case field -> the policy field holding its freshness window (days). Fields not listed have no
# window (histology, receptor status, ... do not go stale).
FACT_WINDOWS: dict[str, str] = {
    "ecog": "performance_window_days",
    "kps": "performance_window_days",
    "ecog_limited_by_lesion": "performance_window_days",
    "frankel": "neuro_pain_window_days",
    "frankel_new": "neuro_pain_window_days",
    "neuro_assessed": "neuro_pain_window_days",
    "neuro_signs": "neuro_pain_window_days",
    "spinal_pain_signs": "neuro_pain_window_days",
    "nrs": "neuro_pain_window_days",
    "pain_character": "neuro_pain_window_days",
    "fever": "symptom_window_days",
    "calcium_symptoms": "symptom_window_days",
    "expected_survival_weeks": "survival_fitness_weight_window_days",
    "fit_for_surgery": "survival_fitness_weight_window_days",
    "weight_kg": "survival_fitness_weight_window_days",
}

# The value a stale field takes in the fresh view (the model's "not recorded").
_EMPTY: dict[str, object] = {
    "neuro_assessed": False,
    "neuro_signs": (),
    "spinal_pain_signs": (),
    "fever": False,
    "calcium_symptoms": (),
}

# Conventional crosswalk KPS -> ECOG (docs/clinical/scores.md decision 11).
KPS_TO_ECOG: dict[int, int] = {100: 0, 90: 0, 80: 1, 70: 1, 60: 2, 50: 2, 40: 3, 30: 3, 20: 4, 10: 4, 0: 5}


class StaleFact(BaseModel):
    """A recorded fact older than its window: shown with its age, never used silently."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    value: str
    observed_on: date
    age_days: int
    window_days: int

    @property
    def text_en(self) -> str:
        label = ASSESSED_FIELDS.get(self.field, (self.field.replace("_", " "), ""))[0]
        return f"{label} {self.value} recorded {self.age_days} days ago (window {self.window_days} days)"

    @property
    def text_zh(self) -> str:
        label = ASSESSED_FIELDS.get(self.field, ("", "该项"))[1]
        return f"{label}（{self.value}）记录于{self.age_days}天前（有效期{self.window_days}天）"


class PerformanceConflict(BaseModel):
    """ECOG and KPS more than one ECOG step apart (decision "Performance status")."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ecog: int
    kps: int
    kps_as_ecog: int
    ecog_on: date
    kps_on: date
    winner: str  # "ecog" or "kps"


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(str(getattr(v, "value", v)) for v in value)
    return str(getattr(value, "value", value))


def _is_empty(value: object) -> bool:
    return value is None or value is False or value == ()


def performance_conflict(cf: CaseFile) -> PerformanceConflict | None:
    case = cf.case
    if case.ecog is None or case.kps is None:
        return None
    as_ecog = KPS_TO_ECOG[case.kps]
    if abs(as_ecog - case.ecog) <= 1:
        return None
    ecog_on, kps_on = cf.observed_on("ecog"), cf.observed_on("kps")
    return PerformanceConflict(
        ecog=case.ecog,
        kps=case.kps,
        kps_as_ecog=as_ecog,
        ecog_on=ecog_on,
        kps_on=kps_on,
        winner="kps" if kps_on > ecog_on else "ecog",
    )


def fresh_view(cf: CaseFile, policy: Policy) -> tuple[CaseFile, dict[str, StaleFact]]:
    """The case as scores and rules read it (stale facts removed) and the stale facts."""
    updates: dict[str, object] = {}
    stale: dict[str, StaleFact] = {}
    case = cf.case
    for name, window_field in FACT_WINDOWS.items():
        value = getattr(case, name)
        if _is_empty(value):
            continue
        window = int(getattr(policy, window_field))
        age = cf.fact_age_days(name)
        if age > window:
            stale[name] = StaleFact(
                field=name,
                value=_shown(value),
                observed_on=cf.observed_on(name),
                age_days=age,
                window_days=window,
            )
            updates[name] = _EMPTY.get(name)
    conflict = performance_conflict(cf)
    if conflict is not None and "ecog" not in updates and "kps" not in updates:
        updates["kps" if conflict.winner == "ecog" else "ecog"] = None
    elif case.ecog is not None and case.kps is not None and "ecog" not in updates and "kps" not in updates:
        # Safety rule 2: a newer value overrides an older one, even within one ECOG step; every
        # score and rule reads the newer (a KPS through the crosswalk, marked converted).
        ecog_on, kps_on = cf.observed_on("ecog"), cf.observed_on("kps")
        if ecog_on != kps_on:
            updates["ecog" if kps_on > ecog_on else "kps"] = None
    if not updates:
        return cf, stale
    fresh_case = case.model_copy(update=updates)
    return cf.model_copy(update={"case": fresh_case}), stale


def labs_of(cf: CaseFile, analyte: Analyte) -> list[LabResult]:
    """Every result of ``analyte`` up to the case's day, newest first."""
    found = [lab for lab in cf.labs if lab.analyte == analyte and lab.taken_on <= cf.as_of]
    return sorted(found, key=lambda lab: (lab.taken_on, lab.lab_id or 0), reverse=True)


def newest_lab(cf: CaseFile, analyte: Analyte) -> LabResult | None:
    found = labs_of(cf, analyte)
    return found[0] if found else None


def lab_within(cf: CaseFile, analyte: Analyte, days: int) -> LabResult | None:
    """The newest result of ``analyte`` no older than ``days`` (0 = today only)."""
    newest = newest_lab(cf, analyte)
    if newest is None or (cf.as_of - newest.taken_on).days > days:
        return None
    return newest


def age_days(cf: CaseFile, on: date) -> int:
    return (cf.as_of - on).days


def within(cf: CaseFile, on: date, days: int) -> bool:
    return cf.as_of - timedelta(days=days) <= on <= cf.as_of
