"""The case timeline: treatments as bars, events as symbols, meetings and decisions as lines;
by default the last 12 months (older treatments still reaching into them are clipped at the
window's start), the full history on demand."""

from __future__ import annotations

import html
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

import plotly.graph_objects as go

from core.models import (
    SKELETAL_RELATED_EVENTS,
    CaseFile,
    EventKind,
    Treatment,
    TreatmentKind,
)
from pages.components.figures_base import (
    EVENT_COLOURS,
    EVENT_SYMBOLS,
    TREATMENT_COLOURS,
    Labels,
    base_layout,
    date_ticks,
    esc_text,
)

# ---------------------------------------------------------------------------------------------
# Timeline

_DAY_MS = 86_400_000


def treatment_label(treatment: Treatment, labels: Labels | None = None) -> str:
    """Name and dose: ``dose_text`` when given, else ``30 Gy / 10 fx`` for radiotherapy."""
    labels = labels or Labels.en()
    dose = treatment.dose_text
    if not dose and treatment.dose_gy is not None:
        dose = f"{treatment.dose_gy.normalize():f} Gy"
        if treatment.fractions is not None:
            dose += f" / {treatment.fractions} {labels.fractions_unit}"
    return f"{treatment.name} {dose}".strip() if dose else treatment.name


def _treatment_end(treatment: Treatment, as_of: date) -> date:
    if treatment.end_date is not None:
        return treatment.end_date
    if treatment.ongoing:
        return max(as_of, treatment.start_date)
    return treatment.start_date  # a one-off (an operation, a single fraction)


class _Bar(NamedTuple):
    treatment: Treatment
    start: date
    end: date
    label: str
    bar_days: float  # drawn length: at least a sliver, so a one-day treatment stays visible
    row: int


# A treatment row's name on the y axis: at most this many lines of this many characters (half as
# many for CJK text, whose characters are twice as wide); the full name is in the bar's hover.
ROW_LABEL_CHARS = 28
ROW_LABEL_LINES = 3


def row_label(label: str) -> str:
    """The y-axis text of a treatment row: the label wrapped (HTML-escaped, ``<br>`` between
    lines), cut with "…" only beyond three lines. Names are written beside the axis, not after
    their bars, so they never run past the plot, over another bar or into the "Today" line."""
    wide = any(ord(ch) >= 0x2E80 for ch in label)
    width = ROW_LABEL_CHARS // 2 if wide else ROW_LABEL_CHARS
    lines = textwrap.wrap(label, width=width, break_long_words=True, break_on_hyphens=False) or [""]
    if len(lines) > ROW_LABEL_LINES:
        lines = lines[:ROW_LABEL_LINES]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return "<br>".join(html.escape(line) for line in lines)


def _layout_bars(
    treatments: Sequence[Treatment], as_of: date, span_days: int, labels: Labels, clip_from: date | None = None
) -> list[_Bar]:
    """Bars with their rows: one row per treatment name (courses of the same name that do not
    overlap share it), so each row can carry its name on the y axis. With ``clip_from`` (a
    window's first day), a bar that began earlier is drawn from that day."""
    min_days = max(1.0, span_days / 120)
    bars: list[_Bar] = []
    rows: list[tuple[str, float]] = []  # (label, where the row's last bar ends)
    for t in sorted(treatments, key=lambda t: (t.start_date, t.kind.value, t.name)):
        end = _treatment_end(t, as_of)
        start = max(t.start_date, clip_from) if clip_from else t.start_date
        label = treatment_label(t, labels)
        bar_days = max(float((end - start).days), min_days)
        start_x = float(start.toordinal())
        reach = start_x + bar_days + min_days
        for row, (row_name, last) in enumerate(rows):
            if row_name == label and last <= start_x:
                rows[row] = (label, reach)
                break
        else:
            row = len(rows)
            rows.append((label, reach))
        bars.append(_Bar(t, start, end, label, bar_days, row))
    return bars


class _Lanes(NamedTuple):
    diagnosis: float
    imaging: float
    treatments: list[float]
    sre: float
    mdt: float


def _stagger(items: Sequence[tuple[date, float]], close_days: float) -> list[float]:
    """Small vertical offsets for markers of one lane closer than ``close_days`` in time."""
    offsets = [0.0] * len(items)
    cycle = (0.0, -0.27, 0.27, -0.14, 0.14)
    by_lane: dict[float, list[int]] = defaultdict(list)
    for i, (_, lane) in enumerate(items):
        by_lane[lane].append(i)
    for members in by_lane.values():
        members.sort(key=lambda i: items[i][0])
        previous: date | None = None
        k = 0
        for i in members:
            when = items[i][0]
            k = k + 1 if previous is not None and (when - previous).days <= close_days else 0
            offsets[i] = cycle[k % len(cycle)]
            previous = when
    return offsets


TIMELINE_DEFAULT_DAYS = 365  # the board opens on the last 12 months; the full history on demand


def _all_dates(cf: CaseFile, meetings: Sequence[tuple[date, str]], decisions: Sequence[tuple[date, str]]) -> list[date]:
    dates: list[date] = [cf.as_of, cf.case.referral_date]
    dates += [t.start_date for t in cf.treatments] + [e.event_date for e in cf.events]
    dates += [s.study_date for s in cf.studies] + [d for d, _ in (*meetings, *decisions)]
    if cf.case.diagnosis_date:
        dates.append(cf.case.diagnosis_date)
    return dates


def timeline_window(
    cf: CaseFile,
    meetings: Sequence[tuple[date, str]] = (),
    decisions: Sequence[tuple[date, str]] = (),
    days: int = TIMELINE_DEFAULT_DAYS,
) -> tuple[date, date] | None:
    """The default window: the ``days`` before the record's date up to its last dated item (a
    planned meeting may lie ahead); None when the whole history fits in it anyway."""
    dates = _all_dates(cf, meetings, decisions)
    start = cf.as_of - timedelta(days=days)
    if min(dates) >= start:
        return None
    return start, max(max(dates), cf.as_of)


def timeline(
    cf: CaseFile,
    meetings: Sequence[tuple[date, str]] = (),
    decisions: Sequence[tuple[date, str]] = (),
    labels: Labels | None = None,
    window: tuple[date, date] | None = None,
) -> go.Figure:
    """Lanes over time: diagnosis and disease course, imaging, treatments, skeletal-related
    events, MDT meetings and decisions; the whole history, or only ``window`` (first, last day).

    Each treatment is one bar (``customdata`` = treatment_id, ``text`` = name and dose) from its
    start to its end, or to ``cf.as_of`` while ongoing, coloured by kind. Each clinical event is
    one marker (``customdata`` = event_id) with a symbol per kind: skeletal-related events in
    their own lane, diagnosis, progression, response and death in the first lane.
    """
    labels = labels or Labels.en()
    treatments = list(cf.treatments)
    if window is None:
        dates = _all_dates(cf, meetings, decisions)
        first, last = min(dates), max(dates)
    else:
        # Within a window, treatments that ended before it take no row: old bars would
        # otherwise squash the recent ones. Markers outside the window fall off the axis.
        first, last = window
        treatments = [t for t in treatments if _treatment_end(t, cf.as_of) >= first]
    span_days = max((last - first).days, 30)

    bars = _layout_bars(treatments, cf.as_of, span_days, labels, clip_from=first if window else None)
    n_rows = max((b.row for b in bars), default=0) + 1
    lanes = _Lanes(0, 1, [2 + r for r in range(n_rows)], 2 + n_rows, 3 + n_rows)
    close_days = span_days / 70
    fig = go.Figure()

    # Diagnosis & course lane: referral, diagnosis (unless recorded as an event that day).
    diagnosis_events = {e.event_date for e in cf.events if e.kind == EventKind.DIAGNOSIS}
    milestones = [(cf.case.referral_date, labels.referral, "circle-open")]
    if cf.case.diagnosis_date and cf.case.diagnosis_date not in diagnosis_events:
        milestones.append((cf.case.diagnosis_date, labels.diagnosis, "star"))
    for when, text, symbol in milestones:
        fig.add_trace(
            go.Scatter(
                x=[when],
                y=[lanes.diagnosis],
                mode="markers",
                name=text,
                showlegend=False,
                text=[text],
                marker={"symbol": symbol, "size": 13, "color": "#37474f", "line": {"width": 2}},
                hovertext=[f"<b>{text}</b><br>{when.isoformat()}"],
                hoverinfo="text",
            )
        )

    # Imaging lane.
    if cf.studies:
        studies = sorted(cf.studies, key=lambda s: s.study_date)
        offsets = _stagger([(s.study_date, lanes.imaging) for s in studies], close_days)
        fig.add_trace(
            go.Scatter(
                x=[s.study_date for s in studies],
                y=[lanes.imaging + o for o in offsets],
                mode="markers",
                name=labels.lane_imaging,
                showlegend=False,
                customdata=[s.study_id for s in studies],
                text=[labels.name(labels.modalities, s.modality) for s in studies],
                hovertext=[
                    f"<b>{labels.name(labels.modalities, s.modality)}</b> "
                    f"{s.study_date.isoformat()}<br>{esc_text(s.region)}"
                    + (f"<br>{esc_text(s.impression)}" if s.impression else "")
                    for s in studies
                ],
                hoverinfo="text",
                marker={"symbol": "square", "size": 11, "color": "#546e7a"},
            )
        )

    # Treatments lane: one bar trace per kind (one legend entry per kind).
    for kind in TreatmentKind:
        group = [b for b in bars if b.treatment.kind == kind]
        if not group:
            continue
        kind_name = labels.name(labels.treatment_kinds, kind)
        fig.add_trace(
            go.Bar(
                orientation="h",
                base=[b.start.isoformat() for b in group],
                x=[b.bar_days * _DAY_MS for b in group],
                y=[lanes.treatments[b.row] for b in group],
                width=0.7,
                name=kind_name,
                legendgroup="treatment",
                legendgrouptitle={"text": labels.lane_treatments},
                customdata=[b.treatment.treatment_id for b in group],
                text=[html.escape(b.label) for b in group],
                textposition="none",  # the name is on the y axis (row_label)
                hovertext=[
                    f"<b>{html.escape(b.label)}</b><br>{kind_name}<br>{b.treatment.start_date.isoformat()} – "
                    + (
                        f"{labels.ongoing} ({b.end.isoformat()})"
                        if b.treatment.end_date is None and b.treatment.ongoing
                        else b.end.isoformat()
                    )
                    for b in group
                ],
                hoverinfo="text",
                marker={"color": TREATMENT_COLOURS[kind], "line": {"width": 0}},
            )
        )

    # Events: one marker trace per kind, staggered when close in time.
    events = sorted(cf.events, key=lambda e: (e.event_date, e.kind.value))
    lane_of = [lanes.sre if e.kind in SKELETAL_RELATED_EVENTS else lanes.diagnosis for e in events]
    offsets = _stagger([(e.event_date, lane) for e, lane in zip(events, lane_of, strict=True)], close_days)
    for event_kind in EventKind:
        members = [i for i, e in enumerate(events) if e.kind == event_kind]
        if not members:
            continue
        kind_name = labels.name(labels.event_kinds, event_kind)
        fig.add_trace(
            go.Scatter(
                x=[events[i].event_date for i in members],
                y=[lane_of[i] + offsets[i] for i in members],
                mode="markers",
                name=kind_name,
                legendgroup="event",
                legendgrouptitle={"text": labels.events},
                customdata=[events[i].event_id for i in members],
                text=[kind_name] * len(members),
                hovertext=[
                    f"<b>{kind_name}</b> {events[i].event_date.isoformat()}"
                    + (f"<br>{esc_text(events[i].description)}" if events[i].description else "")
                    for i in members
                ],
                hoverinfo="text",
                marker={
                    "symbol": EVENT_SYMBOLS[event_kind],
                    "size": 14,
                    "color": EVENT_COLOURS[event_kind],
                    "line": {"width": 1, "color": "#ffffff"},
                },
            )
        )

    # MDT lane: meetings and decisions (a decision sits just below its meeting's marker).
    for items, text, symbol, colour, shift in (
        (meetings, labels.meeting, "diamond", "#00897b", -0.16),
        (decisions, labels.decision, "star", "#004d40", 0.16),
    ):
        if not items:
            continue
        fig.add_trace(
            go.Scatter(
                x=[d for d, _ in items],
                y=[lanes.mdt + shift] * len(items),
                mode="markers",
                name=text,
                legendgroup="mdt",
                legendgrouptitle={"text": labels.lane_mdt},
                text=[esc_text(s, 60) for _, s in items],
                hovertext=[f"<b>{text}</b> {d.isoformat()}<br>{esc_text(s)}" for d, s in items],
                hoverinfo="text",
                marker={"symbol": symbol, "size": 13, "color": colour},
            )
        )

    # "Today" line and lane separators.
    fig.add_shape(
        type="line",
        x0=cf.as_of.isoformat(),
        x1=cf.as_of.isoformat(),
        xref="x",
        y0=0,
        y1=1,
        yref="paper",
        line={"color": "#616161", "width": 1, "dash": "dash"},
        name="as_of",
    )
    fig.add_annotation(
        x=cf.as_of.isoformat(),
        y=1,
        yref="paper",
        text=labels.as_of,
        showarrow=False,
        yanchor="bottom",
        font={"size": 11, "color": "#616161"},
    )
    for boundary in (lanes.imaging + 0.5, lanes.treatments[-1] + 0.5, lanes.sre + 0.5):
        fig.add_hline(y=boundary, line={"color": "#e0e0e0", "width": 1})

    # Each treatment row is named on the y axis; the treatments lane is named in the legend.
    row_names = {b.row: row_label(b.label) for b in bars}
    tick_vals = [lanes.diagnosis, lanes.imaging, *lanes.treatments, lanes.sre, lanes.mdt]
    tick_text = [
        labels.lane_diagnosis,
        labels.lane_imaging,
        *(row_names.get(r, labels.lane_treatments) for r in range(n_rows)),
        labels.lane_sre,
        labels.lane_mdt,
    ]
    # The axis ends just after the last dated item: nothing is written after the bars any more.
    pad = timedelta(days=max(span_days // 25, 7))
    right = last + pad
    base_layout(fig, labels.timeline_title, 270 + 48 * (4 + n_rows))  # + the legend below
    fig.update_layout(
        barmode="overlay",
        showlegend=True,
        # Legend under the plot, not beside it: beside it, it took a quarter of a 1024 px page and
        # the labels written after recent bars ran into it.
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -0.1,
            "x": 0,
            "groupclick": "toggleitem",
            "font": {"size": 11},
        },
        hovermode="closest",
    )
    fig.update_xaxes(
        type="date",
        range=[(first - pad).isoformat(), right.isoformat()],
        showgrid=True,
        gridcolor="#eeeeee",
        **date_ticks(labels.date_ticks),
    )
    fig.update_yaxes(
        automargin=True,
        tickfont={"size": 11},
        tickvals=tick_vals,
        ticktext=tick_text,
        range=[lanes.mdt + 0.6, -0.6],
        showgrid=False,
        zeroline=False,
        fixedrange=True,
    )
    return fig
