"""Small case-file builders of the figure tests (test_figures.py, test_bone_map.py)."""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go

from core.models import (
    ANALYTE_UNITS,
    Analyte,
    Case,
    CaseFile,
    LabResult,
    Lesion,
    Patient,
)

TODAY = date(2025, 6, 1)
CTX = {"today": TODAY}


def lesion(lesion_id: int, **fields: object) -> Lesion:
    return Lesion.model_validate({"lesion_id": lesion_id, "patient_id": 1, **fields}, context=CTX)


def lab(analyte: str, value: str, taken_on: date) -> LabResult:
    unit = ANALYTE_UNITS[Analyte(analyte)][0]
    return LabResult.model_validate(
        {"patient_id": 1, "analyte": analyte, "value": value, "unit": unit, "taken_on": taken_on},
        context=CTX,
    )


def case_file(primary: str = "breast", **parts: object) -> CaseFile:
    case = Case.model_validate(
        {
            "case_id": 7,
            "patient_id": 1,
            "referral_date": date(2025, 3, 1),
            "referrer": "Dr Referrer",
            "referrer_specialty": "medical_oncology",
            "question": "Fixation of the left femur?",
            "primary_tumour": primary,
            "diagnosis_date": date(2023, 5, 10),
        },
        context=CTX,
    )
    patient = Patient.model_validate(
        {
            "patient_id": 1,
            "mrn": "SYN-0001",
            "display_name": "Synthetic Patient",
            "sex": "female",
            "birth_date": date(1960, 1, 1),
        },
        context=CTX,
    )
    return CaseFile(case=case, patient=patient, as_of=TODAY, **parts)


def marker_of(fig: go.Figure, lesion_id: int) -> tuple[go.Scatter, int]:
    """The marker trace holding ``lesion_id`` and the point's index in it."""
    for trace in fig.data:
        if trace.customdata is not None and lesion_id in list(trace.customdata):
            return trace, list(trace.customdata).index(lesion_id)
    raise AssertionError(f"lesion {lesion_id} has no marker")


def marker_xy(fig: go.Figure, lesion_id: int) -> tuple[float, float]:
    trace, i = marker_of(fig, lesion_id)
    return trace.x[i], trace.y[i]
