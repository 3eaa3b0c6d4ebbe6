"""Laboratory trends: one panel per analyte with its reference band (``core.lab_reference``),
corrected calcium with its severity bands."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.lab_reference import ReferenceInterval, reference_for
from core.models import (
    ANALYTE_UNITS,
    TUMOUR_MARKER_BY_PRIMARY,
    Analyte,
    CaseFile,
    LabResult,
)
from core.scores.calcium import SEVERITY_LOWER_BOUNDS, correct_calcium, severity_band
from pages.components.figures_base import (
    CALCIUM_BAND_FILLS,
    Labels,
    base_layout,
    date_ticks,
)

# ---------------------------------------------------------------------------------------------
# Laboratory trends


class CalciumPoint(NamedTuple):
    taken_on: date
    value: Decimal
    corrected: bool  # False: no albumin on that date, the measured value is shown


def corrected_calcium_points(labs: Sequence[LabResult]) -> list[CalciumPoint]:
    """Albumin-corrected calcium per calcium result, with the albumin of the same date.

    ``Ca + 0.02 × (40 − albumin)`` in Decimal, quantised to 0.01 (core.scores.calcium). With no
    albumin that day the measured calcium is returned, marked ``corrected=False``.
    """
    albumin: dict[date, Decimal] = {}
    for lab in sorted(labs, key=lambda r: (r.taken_on, r.lab_id or 0)):
        if lab.analyte == Analyte.ALBUMIN:
            albumin[lab.taken_on] = lab.value  # the last albumin of the day wins
    points = []
    for lab in labs:
        if lab.analyte != Analyte.CALCIUM:
            continue
        alb = albumin.get(lab.taken_on)
        if alb is None:
            points.append(CalciumPoint(lab.taken_on, lab.value, False))
        else:
            points.append(CalciumPoint(lab.taken_on, correct_calcium(lab.value, alb), True))
    return sorted(points, key=lambda p: p.taken_on)


def calcium_band_bounds() -> list[tuple[str, Decimal | None, Decimal | None]]:
    """(band, lower, upper) of the corrected-calcium severity bands, from low to severe."""
    lowers = sorted(((bound, band) for band, bound, _ in SEVERITY_LOWER_BOUNDS), key=lambda item: item[0])
    result: list[tuple[str, Decimal | None, Decimal | None]] = [("low", None, lowers[0][0])]
    for k, (bound, band) in enumerate(lowers):
        upper = lowers[k + 1][0] if k + 1 < len(lowers) else None
        result.append((band, bound, upper))
    return result


def _series(labs: Sequence[LabResult], analyte: Analyte) -> tuple[list[date], list[float]]:
    rows = sorted((lab for lab in labs if lab.analyte == analyte), key=lambda r: r.taken_on)
    return [r.taken_on for r in rows], [float(r.value) for r in rows]


class _Panel(NamedTuple):
    key: str
    title: str
    unit: str


def _unit(analyte: Analyte) -> str:
    return ANALYTE_UNITS[analyte][0]


def lab_trends(
    cf: CaseFile,
    crcl_points: Sequence[tuple[date, float]] = (),
    labels: Labels | None = None,
) -> go.Figure:
    """Stacked panels sharing the date axis: corrected calcium over its severity bands,
    creatinine (with creatinine clearance on a second axis when given), ALP, the primary's
    tumour marker, haemoglobin, platelets, neutrophils. Panels without data are left out."""
    labels = labels or Labels.en()
    labs = list(cf.labs)
    calcium = corrected_calcium_points(labs)
    marker = TUMOUR_MARKER_BY_PRIMARY.get(cf.case.primary_tumour)

    simple: list[tuple[str, Analyte, str, str]] = [
        ("creatinine", Analyte.CREATININE, labels.creatinine, "#5d4037"),
        ("alp", Analyte.ALP, labels.alp, "#6a1b9a"),
    ]
    if marker is not None:
        simple.append(("marker", marker, labels.name(labels.markers, marker), "#ad1457"))
    simple += [
        ("hb", Analyte.HB, labels.hb, "#c62828"),
        ("platelets", Analyte.PLATELETS, labels.platelets, "#455a64"),
        ("neutrophils", Analyte.NEUTROPHILS, labels.neutrophils, "#00838f"),
    ]
    panels: list[_Panel] = []
    if calcium:
        panels.append(_Panel("calcium", labels.corrected_calcium, _unit(Analyte.CALCIUM)))
    series: dict[str, tuple[list[date], list[float], str]] = {}
    analytes = {key: analyte for key, analyte, _, _ in simple}
    for key, analyte, title, colour in simple:
        xs, ys = _series(labs, analyte)
        if xs:
            series[key] = (xs, ys, colour)
            panels.append(_Panel(key, title, _unit(analyte)))

    if not panels:
        fig = go.Figure()
        fig.add_annotation(
            text=labels.no_labs,
            x=0.5,
            y=0.5,
            xref="paper",
            yref="paper",
            showarrow=False,
            font={"size": 16, "color": "#757575"},
        )
        base_layout(fig, labels.labs_title, 240)
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        return fig

    crcl = sorted(crcl_points)
    with_crcl = bool(crcl) and any(p.key == "creatinine" for p in panels)
    fig = make_subplots(
        rows=len(panels),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=min(0.08, 0.3 / len(panels)),
        subplot_titles=[f"{p.title} ({p.unit})" for p in panels],
        specs=[[{"secondary_y": with_crcl and p.key == "creatinine"}] for p in panels],
    )
    for row, panel in enumerate(panels, start=1):
        if panel.key == "calcium":
            _add_calcium(fig, row, calcium, labels)
        else:
            xs, ys, colour = series[panel.key]
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=ys,
                    mode="lines+markers",
                    name=panel.title,
                    showlegend=with_crcl and panel.key == "creatinine",
                    line={"color": colour, "width": 2},
                    marker={"size": 7},
                    hovertemplate=f"%{{y}} {panel.unit}<extra>{panel.title}</extra>",
                ),
                row=row,
                col=1,
            )
            _add_reference(fig, row, reference_for(analytes[panel.key], cf.patient.sex), ys, labels)
        fig.update_yaxes(title_text=panel.unit, row=row, col=1)
        if with_crcl and panel.key == "creatinine":
            fig.add_trace(
                go.Scatter(
                    x=[d for d, _ in crcl],
                    y=[v for _, v in crcl],
                    mode="lines+markers",
                    name=labels.crcl,
                    line={"color": "#1565c0", "width": 2, "dash": "dash"},
                    marker={"size": 6, "symbol": "square"},
                    hovertemplate=f"%{{y:.0f}} mL/min<extra>{labels.crcl}</extra>",
                ),
                row=row,
                col=1,
                secondary_y=True,
            )
            fig.update_yaxes(
                title_text="mL/min",
                row=row,
                col=1,
                secondary_y=True,
                showgrid=False,
                tickmode="auto",
                rangemode="tozero",
            )
    base_layout(fig, labels.labs_title, 110 + 175 * len(panels))
    fig.update_layout(
        hovermode="x unified",
        legend={"orientation": "h", "yanchor": "top", "y": -0.03, "x": 0.0, "xanchor": "left"},
        margin={"b": 50},
    )
    fig.update_xaxes(showgrid=True, gridcolor="#eeeeee", **date_ticks(labels.date_ticks))
    fig.update_yaxes(gridcolor="#eeeeee", zeroline=False)
    return fig


def _add_calcium(fig: go.Figure, row: int, points: Sequence[CalciumPoint], labels: Labels) -> None:
    values = [float(p.value) for p in points]
    lo = min(1.8, min(values) - 0.1)
    hi = max(3.8, max(values) + 0.1)
    uncorrected = [not p.corrected for p in points]
    fig.add_trace(
        go.Scatter(
            x=[p.taken_on for p in points],
            y=values,
            mode="lines+markers",
            name=labels.corrected_calcium,
            showlegend=False,
            customdata=[str(p.value) for p in points],
            line={"color": "#37474f", "width": 2},
            marker={
                "size": 8,
                "color": "#37474f",
                "symbol": ["circle-open" if u else "circle" for u in uncorrected],
                "line": {"width": 2},
            },
            hovertext=[
                f"{p.taken_on.isoformat()}: {p.value} mmol/L "
                f"({labels.name(labels.bands, severity_band(p.value))})"
                + ("" if p.corrected else f"<br>{labels.measured_calcium}")
                for p in points
            ],
            hoverinfo="text",
        ),
        row=row,
        col=1,
    )
    if any(uncorrected):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=labels.measured_calcium,
                marker={
                    "symbol": "circle-open",
                    "size": 8,
                    "color": "#37474f",
                    "line": {"width": 2},
                },
                hoverinfo="skip",
            ),
            row=row,
            col=1,
        )
    for band, lower, upper in calcium_band_bounds():
        fig.add_hrect(
            y0=float(lower) if lower is not None else lo,
            y1=float(upper) if upper is not None else hi,
            fillcolor=CALCIUM_BAND_FILLS[band],
            line_width=0,
            layer="below",
            name=f"calcium_band_{band}",
            label={
                "text": labels.name(labels.bands, band),
                "textposition": "middle right",
                "font": {"size": 10, "color": "#8a8a8a"},
            },
            row=row,
            col=1,
            exclude_empty_subplots=False,
        )
    fig.update_yaxes(range=[lo, hi], row=row, col=1)


REFERENCE_FILL = "#e8f5e9"


def _add_reference(fig: go.Figure, row: int, interval: ReferenceInterval | None, values: Sequence[float], labels: Labels) -> None:
    """The analyte's reference interval shaded behind its trend, and an axis range that shows
    both the band and every value (an auto-scaled axis makes a normal wobble look dramatic)."""
    if interval is None:
        return
    upper = float(interval.upper) if interval.upper is not None else max(values)
    lower = float(interval.lower) if interval.lower is not None else 0.0
    fig.add_hrect(
        y0=lower,
        y1=upper,
        fillcolor=REFERENCE_FILL,
        line_width=0,
        layer="below",
        name=f"reference_{interval.analyte.value}",
        label={"text": labels.reference, "textposition": "top right", "font": {"size": 10, "color": "#8a8a8a"}},
        row=row,
        col=1,
        exclude_empty_subplots=False,
    )
    top = max([upper, *values])
    bottom = min([lower, *values])
    pad = (top - bottom) * 0.1 or 1.0
    fig.update_yaxes(range=[max(0.0, bottom - pad) if bottom >= 0 else bottom - pad, top + pad], row=row, col=1)
