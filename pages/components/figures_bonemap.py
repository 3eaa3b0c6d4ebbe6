"""The bone map: the skeleton with every lesion at its site, coloured by type, outlined when
its worst band is high-risk. A pure function ``lesions -> go.Figure``."""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from core.models import (
    Bone,
    Lesion,
    LesionType,
)
from pages.components import skeleton
from pages.components.figures_base import (
    HIGH_RISK_BANDS,
    LESION_TYPE_COLOURS,
    PLAIN_OUTLINE,
    RISK_OUTLINE,
    Labels,
    Outline,
    base_layout,
)

# ---------------------------------------------------------------------------------------------
# Bone map

_BONE_FILL = "#ececec"
_BONE_LINE = "#a7a7a7"
_MARKER_SIZE = 12
_JITTER_STEP = 2.6  # about one marker diameter in skeleton units at the default height


def _outline_trace(parts: Sequence[skeleton.Part], name: str, **style: object) -> go.Scatter:
    xs: list[float | None] = []
    ys: list[float | None] = []
    for part in parts:
        points = list(part.points)
        if part.closed:
            points.append(points[0])
        xs += [p[0] for p in points] + [None]
        ys += [p[1] for p in points] + [None]
    return go.Scatter(x=xs, y=ys, mode="lines", name=name, hoverinfo="skip", showlegend=False, **style)


def _skeleton_traces() -> list[go.Scatter]:
    by_layer: dict[skeleton.Layer, list[skeleton.Part]] = defaultdict(list)
    for part in skeleton.SKELETON:
        by_layer[part.layer].append(part)
    return [
        _outline_trace(
            by_layer[skeleton.Layer.FILLED],
            "skeleton",
            fill="toself",
            fillcolor=_BONE_FILL,
            line={"color": _BONE_LINE, "width": 1},
        ),
        _outline_trace(
            by_layer[skeleton.Layer.LINE],
            "skeleton_lines",
            line={"color": _BONE_LINE, "width": 1.6, "shape": "spline", "smoothing": 0.8},
        ),
        _outline_trace(
            by_layer[skeleton.Layer.OUTLINE],
            "skeleton_outlines",
            line={"color": _BONE_LINE, "width": 1, "dash": "dot"},
        ),
    ]


def lesion_anchor(lesion: Lesion) -> tuple[float, float]:
    """Where ``lesion`` sits on the skeleton before any jitter."""
    return skeleton.anchor(lesion.bone, lesion.level, lesion.side, lesion.segment)


def _spread(lesions: Sequence[Lesion]) -> list[tuple[float, float]]:
    """Anchor of each lesion, spreading lesions that share an anchor so none hides another.

    Spinal lesions spread sideways along their vertebra (the level stays readable); others
    on a small circle around the anchor. A lone lesion stays exactly on its anchor.
    """
    groups: dict[tuple[float, float], list[int]] = defaultdict(list)
    for i, lesion in enumerate(lesions):
        groups[lesion_anchor(lesion)].append(i)
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * len(lesions)
    for (x, y), members in groups.items():
        n = len(members)
        spinal = lesions[members[0]].bone in (Bone.SPINE, Bone.SACRUM)
        for k, i in enumerate(members):
            if n == 1:
                positions[i] = (x, y)
            elif spinal:
                positions[i] = (x + (k - (n - 1) / 2) * _JITTER_STEP, y)
            else:
                radius = max(_JITTER_STEP / 2, _JITTER_STEP / (2 * math.sin(math.pi / n)))
                angle = math.pi / 2 + 2 * math.pi * k / n
                positions[i] = (
                    round(x + radius * math.cos(angle), 3),
                    round(y + radius * math.sin(angle), 3),
                )
    return positions


def _site_text(lesion: Lesion, labels: Labels) -> str:
    if lesion.level:
        prefix = labels.name(labels.bones, lesion.bone) if lesion.bone == Bone.SACRUM else ""
        side = f" {labels.name(labels.sides, lesion.side)}" if lesion.side else ""
        return f"{prefix} {lesion.level}{side}".strip()
    parts = [
        labels.name(table, value)
        for table, value in (
            (labels.sides, lesion.side),
            (labels.bones, lesion.bone),
            (labels.segments, lesion.segment),
        )
        if value is not None
    ]
    return " ".join(parts)


def _lesion_hover(lesion: Lesion, band: str | None, labels: Labels) -> str:
    size = f"{lesion.size_mm} mm" if lesion.size_mm is not None else labels.not_recorded
    fracture = labels.no
    if lesion.pathological_fracture:
        fracture = labels.yes + (f" ({labels.fixed})" if lesion.fracture_fixed else "")
    lines = [
        f"<b>{html.escape(_site_text(lesion, labels))}</b>",
        f"{labels.lesion_type}: {labels.name(labels.lesion_types, lesion.lesion_type)}",
        f"{labels.size}: {size}",
        f"{labels.status}: {labels.name(labels.statuses, lesion.status)}",
        f"{labels.fracture}: {fracture}",
    ]
    if lesion.bilsky is not None:
        lines.append(f"{labels.bilsky}: {lesion.bilsky.value}")
    if band is not None:
        lines.append(f"{labels.risk}: {html.escape(labels.name(labels.bands, band))}")
    return "<br>".join(lines)


def _legend_marker(name: str, colour: str, outline: Outline, group: str) -> go.Scatter:
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=name,
        legendgroup=group,
        hoverinfo="skip",
        marker={
            "size": _MARKER_SIZE,
            "color": colour,
            "line": {"color": outline.colour, "width": outline.width},
        },
    )


def bone_map(
    lesions: Sequence[Lesion],
    risk: Mapping[int, str] | None = None,
    labels: Labels | None = None,
) -> go.Figure:
    """Anterior skeleton with every lesion drawn at its site.

    Colour = lesion type (:data:`LESION_TYPE_COLOURS`); a thick dark outline
    (:data:`RISK_OUTLINE`) when ``risk[lesion_id]`` is one of :data:`HIGH_RISK_BANDS`. Each
    marker trace carries the lesion ids in ``customdata``.
    """
    labels = labels or Labels.en()
    risk = risk or {}
    fig = go.Figure(_skeleton_traces())
    positions = _spread(lesions)
    bands = [risk.get(lesion.lesion_id) if lesion.lesion_id is not None else None for lesion in lesions]
    high = [band in HIGH_RISK_BANDS for band in bands]
    for lesion_type in LesionType:
        members = [i for i, lesion in enumerate(lesions) if lesion.lesion_type == lesion_type]
        if not members:
            continue
        name = labels.name(labels.lesion_types, lesion_type)
        colour = LESION_TYPE_COLOURS[lesion_type]
        # The legend entry is its own empty trace, so its symbol never shows a risk outline.
        fig.add_trace(_legend_marker(name, colour, PLAIN_OUTLINE, lesion_type.value))
        for outline in (PLAIN_OUTLINE, RISK_OUTLINE):
            group = [i for i in members if high[i] == (outline is RISK_OUTLINE)]
            if not group:
                continue
            fig.add_trace(
                go.Scatter(
                    x=[positions[i][0] for i in group],
                    y=[positions[i][1] for i in group],
                    mode="markers",
                    name=name,
                    legendgroup=lesion_type.value,
                    showlegend=False,
                    customdata=[lesions[i].lesion_id for i in group],
                    hovertext=[_lesion_hover(lesions[i], bands[i], labels) for i in group],
                    hoverinfo="text",
                    marker={
                        "size": _MARKER_SIZE,
                        "color": colour,
                        "opacity": 0.95,
                        "line": {"color": outline.colour, "width": outline.width},
                    },
                )
            )
    if any(high):
        fig.add_trace(_legend_marker(labels.high_risk, "#ffffff", RISK_OUTLINE, "high_risk"))
    for x, text in ((-30.0, labels.patient_right), (30.0, labels.patient_left)):
        fig.add_annotation(x=x, y=194, text=f"<b>{text}</b>", showarrow=False, font={"size": 16, "color": "#777"})
    base_layout(fig, labels.bone_map_title, 620)
    fig.update_xaxes(range=list(skeleton.X_RANGE), visible=False, fixedrange=True)
    fig.update_yaxes(
        range=list(skeleton.Y_RANGE),
        visible=False,
        scaleanchor="x",
        scaleratio=1,
        constrain="domain",
        fixedrange=True,
    )
    fig.update_layout(
        legend={"orientation": "h", "yanchor": "top", "y": 0.0, "x": 0.5, "xanchor": "center"},
        hovermode="closest",
    )
    return fig
