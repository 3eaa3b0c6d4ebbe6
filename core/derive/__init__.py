"""Derivation of every score's inputs from a case's stored facts, with provenance.

``derive_scores`` builds the inputs of each score from a ``CaseFile`` -- lesions, labs,
ECOG/KPS, Frankel, the primary with receptor/driver status, visceral disease, the counts of bone
and vertebral lesions, prior chemotherapy -- and evaluates them with ``core.scores.evaluate``.
SINS and Bilsky are scored per spinal lesion and Mirels per long-bone lesion (the patient's
SINS is the maximum, docs/clinical/scores.md decision 2); Tomita, Tokuhashi, Katagiri and the rest per
patient. Every input carries an ``InputSource`` saying which record it came from, that it was
derived or converted (ECOG -> KPS), or that it is missing, and the date the fact describes.
One clock (safety rule 2, ``core.derive.clock``): a fact counts only within its freshness window
(labs ``Policy.lab_score_window_days``, 28 days; ECOG/KPS 28 days; neurology and pain 7 days;
weight 90 days); an older one is missing with its age stated, and each score carries the date of
its oldest input. A score is complete only when the missing inputs cannot change its band.

The package: ``tables`` (the board's published mapping choices, docs/clinical/scores.md decisions 3-5),
``words`` (vocabulary, sites, labs in words), ``results`` (the result types), ``clock``
(freshness), ``provenance`` (input collection), ``facts`` (shared facts), ``lesion``,
``patient``, ``calcium`` and ``radium`` (the scores).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal

from core.derive.calcium import _corrected_calcium, _ctcae, _zoledronic, entered_unit_bands
from core.derive.clock import StaleFact, fresh_view
from core.derive.lesion import _bilsky, _mirels, _sins
from core.derive.patient import _ecog, _frankel_rec, _karnofsky, _katagiri, _simple, _tokuhashi, _tomita
from core.derive.provenance import is_active, latest_lab, spinal_levels
from core.derive.radium import _radium
from core.derive.results import (
    BILSKY_ORDER,
    SCORE_NAMES,
    SCORE_NAMES_ZH,
    CaseScores,
    DerivedScore,
    InputSource,
    InputValue,
    Origin,
)
from core.derive.tables import (
    ADT_NAMES,
    ECOG_TO_KPS_RANGE,
    HAEMATOLOGICAL,
    KATAGIRI_GROWTH,
    LAB_UNITS,
    LESION_SCORES,
    MIRELS_SITE,
    PATIENT_SCORES,
    TOKUHASHI_PRIMARY,
    TOMITA_GROWTH,
    P,
    haematological_kind,
    on_histology,
)
from core.derive.words import (
    inputs_hash,
    lab_age_zh,
    lab_record,
    lab_record_zh,
    lesion_label,
    lesion_label_zh,
    site_text,
    sites_text,
    word,
    words,
    yes_no,
)
from core.models import Analyte, CaseFile
from core.policy import Policy

# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def derive_scores(
    cf: CaseFile,
    policy: Policy | None = None,
    overrides: Mapping[str, Mapping[str, InputValue]] | None = None,
) -> CaseScores:
    """Derive and evaluate every score of the case.

    ``overrides`` maps a score id to inputs the user entered instead of the derived value
    (e.g. ``{"tomita": {"primary_tumor_growth": "moderate"}}``); supported for Tomita's growth
    class and radium-223's lymph-node size / ineligibility. The case record holds these too
    (``growth_override``, ``lymph_node_max_cm``, ``ineligible_for_other_treatment``) and is used
    when no override is given; an override wins over the record.
    """
    policy = policy or Policy()
    overrides = overrides or {}
    recorded = cf
    cf, stale = fresh_view(cf, policy)
    per_lesion: list[DerivedScore] = []
    for index, lesion in enumerate(cf.lesions):
        label = (lesion_label(lesion, index), lesion_label_zh(lesion, index))
        if lesion.is_spinal:
            per_lesion.append(_sins(lesion, label))
            per_lesion.append(_bilsky(lesion, label))
        if lesion.is_long_bone:
            per_lesion.append(_mirels(lesion, label))
    case = cf.case
    zoledronic = _zoledronic(cf, policy)
    crcl = zoledronic.total if zoledronic.complete else None
    corrected, ionised = _corrected_calcium(cf, policy, Decimal(crcl) if crcl is not None else None)
    ctcae = _ctcae(corrected, ionised, cf)
    corrected, ctcae = entered_unit_bands(corrected, ctcae, latest_lab(cf, Analyte.CALCIUM, policy))
    builders: dict[str, Callable[[], DerivedScore]] = {
        "tomita": lambda: _tomita(cf, overrides.get("tomita", {})),
        "tokuhashi_revised": lambda: _tokuhashi(cf),
        "katagiri_new": lambda: _katagiri(cf, policy, corrected),
        "corrected_calcium": lambda: corrected,
        "ctcae_hypercalcaemia": lambda: ctcae,
        "zoledronic_acid_dose": lambda: zoledronic,
        "who_analgesic_ladder": lambda: _simple(
            "who_analgesic_ladder",
            "nrs",
            case.nrs,
            (f"case: NRS {case.nrs}", f"病例：NRS {case.nrs}分"),
            "pain NRS",
            "疼痛评分（NRS）",
        ),
        "frankel": lambda: _simple(
            "frankel",
            "frankel_grade",
            case.frankel.value if case.frankel else None,
            _frankel_rec(case.frankel.value if case.frankel else ""),
            "Frankel grade",
            "Frankel分级",
        ),
        "ecog": lambda: _ecog(cf),
        "karnofsky": lambda: _karnofsky(cf),
    }
    if case.primary_tumour == P.PROSTATE:
        builders["radium_223"] = lambda: _radium(cf, policy, overrides.get("radium_223", {}))
    patient = {score_id: _dated(build(), recorded, stale) for score_id, build in builders.items()}
    return CaseScores(patient=patient, per_lesion=tuple(_dated(s, recorded, stale, _lesion_dates(recorded)) for s in per_lesion))


def _lesion_dates(cf: CaseFile) -> dict[int, date]:
    """Each lesion's findings date: the newest of its detection and the studies linked to it."""
    dates: dict[int, date] = {}
    for lesion in cf.lesions:
        if lesion.lesion_id is None:
            continue
        found = [s.study_date for s in cf.studies if lesion.lesion_id in s.lesion_ids]
        if lesion.detected_date is not None:
            found.append(lesion.detected_date)
        if found:
            dates[lesion.lesion_id] = max(found)
    return dates


# Score input -> the Case field it reads (for its date and, when stale, its age).
_INPUT_FIELDS: dict[str, str] = {
    "ecog": "ecog",
    "kps": "kps",
    "general_condition_kps": "kps",
    "ecog_ps_3_or_4": "ecog",
    "palsy_frankel": "frankel",
    "frankel_grade": "frankel",
    "nrs": "nrs",
    "symptomatic_bone_mets": "nrs",
    "weight_kg": "weight_kg",
}


def _dated(
    score: DerivedScore, cf: CaseFile, stale: Mapping[str, StaleFact], lesion_dates: Mapping[int, date] | None = None
) -> DerivedScore:
    """Date each case-fact input, name stale facts in the missing inputs' notes, and record the
    oldest input (safety rule 2: a card shows the age of its oldest input)."""
    sources: list[InputSource] = []
    for source in score.sources:
        field = _INPUT_FIELDS.get(source.input)
        if field == "ecog" and source.origin == "converted" and source.input == "ecog_ps_3_or_4":
            field = "kps"
        on = (lesion_dates or {}).get(score.lesion_id) if score.lesion_id is not None else None
        if source.origin == "lesion" and source.observed_on is None and on is not None:
            source = source.model_copy(update={"observed_on": on})
        elif field is not None and source.origin in ("case", "converted") and source.observed_on is None and source.value:
            source = source.model_copy(update={"observed_on": cf.observed_on(field)})
        elif field is not None and source.origin == "missing":
            fact = stale.get(field) or (stale.get("ecog") if field == "kps" else None)
            if fact is not None:
                source = source.model_copy(
                    update={
                        "note": f"stale: {fact.text_en}; record a current value",
                        "note_zh": f"已过期：{fact.text_zh}；请记录当前值",
                    }
                )
        sources.append(source)
    dates = [s.observed_on for s in sources if s.observed_on is not None and s.origin != "missing"]
    oldest = min(dates, default=None)
    return score.model_copy(
        update={
            "sources": tuple(sources),
            "oldest_input_on": oldest,
            "oldest_input_age_days": (cf.as_of - oldest).days if oldest is not None else None,
        }
    )


def labelled(scores: Iterable[DerivedScore]) -> str:
    """``"SINS 11 at T9 — Indeterminate: …; SINS 8 at L2 — Indeterminate: …"``."""
    return "; ".join(score.label for score in scores)


def labelled_zh(scores: Iterable[DerivedScore]) -> str:
    return "；".join(score.label_zh for score in scores)


__all__ = [
    "ADT_NAMES",
    "BILSKY_ORDER",
    "ECOG_TO_KPS_RANGE",
    "HAEMATOLOGICAL",
    "KATAGIRI_GROWTH",
    "LAB_UNITS",
    "LESION_SCORES",
    "MIRELS_SITE",
    "PATIENT_SCORES",
    "SCORE_NAMES",
    "SCORE_NAMES_ZH",
    "TOKUHASHI_PRIMARY",
    "TOMITA_GROWTH",
    "CaseScores",
    "DerivedScore",
    "InputSource",
    "InputValue",
    "Origin",
    "P",
    "StaleFact",
    "derive_scores",
    "fresh_view",
    "haematological_kind",
    "inputs_hash",
    "is_active",
    "lab_age_zh",
    "lab_record",
    "lab_record_zh",
    "labelled",
    "labelled_zh",
    "latest_lab",
    "lesion_label",
    "lesion_label_zh",
    "on_histology",
    "site_text",
    "sites_text",
    "spinal_levels",
    "word",
    "words",
    "yes_no",
]
