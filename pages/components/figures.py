"""Figure builders of the case board, one module per concept; this module names them in one place.

- ``figures_base``: band and event colours, lesion outlines, the human strings (:class:`Labels`).
- ``figures_bonemap``: the skeleton with the lesions.
- ``figures_timeline``: treatments, events, meetings and decisions over time (default window).
- ``figures_labs``: laboratory trends with each analyte's reference band.

Each builder is a pure function ``data -> go.Figure``: no Streamlit, no store. Free text from
the record is HTML-escaped before it reaches a hover label.
"""

from __future__ import annotations

from pages.components.figures_base import (
    AMBER,
    BAND_COLOURS,
    CALCIUM_BAND_FILLS,
    EVENT_COLOURS,
    EVENT_SYMBOLS,
    GREEN,
    GREY,
    HIGH_RISK_BANDS,
    LESION_TYPE_COLOURS,
    PLAIN_OUTLINE,
    RED,
    RISK_OUTLINE,
    TREATMENT_COLOURS,
    Labels,
    Outline,
    band_colour,
)
from pages.components.figures_bonemap import bone_map, lesion_anchor
from pages.components.figures_labs import CalciumPoint, calcium_band_bounds, corrected_calcium_points, lab_trends
from pages.components.figures_timeline import TIMELINE_DEFAULT_DAYS, timeline, timeline_window, treatment_label

__all__ = [
    "AMBER",
    "BAND_COLOURS",
    "CALCIUM_BAND_FILLS",
    "EVENT_COLOURS",
    "EVENT_SYMBOLS",
    "GREEN",
    "GREY",
    "HIGH_RISK_BANDS",
    "LESION_TYPE_COLOURS",
    "PLAIN_OUTLINE",
    "RED",
    "RISK_OUTLINE",
    "TIMELINE_DEFAULT_DAYS",
    "TREATMENT_COLOURS",
    "CalciumPoint",
    "Labels",
    "Outline",
    "band_colour",
    "bone_map",
    "calcium_band_bounds",
    "corrected_calcium_points",
    "lab_trends",
    "lesion_anchor",
    "timeline",
    "timeline_window",
    "treatment_label",
]
