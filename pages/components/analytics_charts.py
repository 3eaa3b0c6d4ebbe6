"""Analytics figure builders: pure functions (aggregate frame -> go.Figure)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

URGENCY_COLOURS = {"emergency": "#c0392b", "urgent": "#e67e22", "routine": "#4c78a8"}  # most urgent first
Label = Callable[[str], str]


def _layout(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        title=title,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        height=340,
        # Anchored at its top below the x-axis title ("auto" anchors a legend at y < 1/3 at its
        # bottom, so a tall legend rose into the axis title).
        legend={"orientation": "h", "yanchor": "top", "y": -0.25},
        plot_bgcolor="white",
    )
    fig.update_yaxes(gridcolor="#eee")
    return fig


def case_load(frame: pd.DataFrame, title: str, axis: dict[str, str], vocab: Label) -> go.Figure:
    data = frame.assign(urgency_label=frame["urgency"].map(vocab))
    colours = {vocab(k): v for k, v in URGENCY_COLOURS.items()}
    fig = px.bar(
        data,
        x="week",
        y="cases",
        color="urgency_label",
        color_discrete_map=colours,
        # Most urgent first in the stack's legend, not in alphabetical order.
        category_orders={"urgency_label": [vocab(k) for k in URGENCY_COLOURS]},
        labels={"week": axis["week"], "cases": axis["cases"], "urgency_label": axis["urgency"]},
    )
    fig.update_xaxes(tickformat=axis.get("date_ticks") or None)
    return _layout(fig, title)


def timeliness(frame: pd.DataFrame, title: str, names: dict[str, str], axis: dict[str, str]) -> go.Figure:
    fig = go.Figure()
    for col, colour in (("referral_to_meeting_days", "#4c78a8"), ("referral_to_decision_days", "#59a14f")):
        fig.add_trace(go.Scatter(x=frame["week"], y=frame[col], mode="lines+markers", name=names[col], line={"color": colour}))
    fig.update_yaxes(title=axis["days"], rangemode="tozero")
    fig.update_xaxes(title=axis["week"], tickformat=axis.get("date_ticks") or None)
    return _layout(fig, title)


def implementation(frame: pd.DataFrame, title: str, axis: dict[str, str], kind: Label, state: Label) -> go.Figure:
    data = frame.assign(kind_label=frame["kind"].map(kind), state_label=frame["state"].map(state))
    palette = {
        "delivered": "#59a14f",
        "not_recorded": "#bab0ac",
        "not_delivered_patient_choice": "#e15759",
        "not_delivered_comorbidity": "#f28e2b",
        "not_delivered_new_information": "#edc948",
        "not_delivered_other": "#b07aa1",
    }
    fig = px.bar(
        data,
        y="kind_label",
        x="items",
        color="state_label",
        orientation="h",
        color_discrete_map={state(k): v for k, v in palette.items()},
        labels={"kind_label": axis["kind"], "items": axis["items"], "state_label": axis["state"]},
    )
    return _layout(fig, title)


def skeletal_events(frame: pd.DataFrame, title: str, axis: dict[str, str], vocab: Label) -> go.Figure:
    data = frame.assign(kind_label=frame["kind"].map(vocab))
    fig = px.bar(
        data,
        x="quarter",
        y="events",
        color="kind_label",
        labels={"quarter": axis["quarter"], "events": axis["events"], "kind_label": axis["kind"]},
    )
    fig.update_xaxes(tickformat=axis.get("month_ticks") or None)
    return _layout(fig, title)


def core_attendance(frame: pd.DataFrame, title: str, axis: dict[str, str], vocab: Label) -> go.Figure:
    data = frame.assign(label=frame["specialty"].map(vocab), pct=(frame["share"] * 100).round(0))
    colours = ["#59a14f" if s >= 2 / 3 else "#e15759" for s in frame["share"]]
    fig = go.Figure(
        go.Bar(
            x=data["label"],
            y=data["pct"],
            marker_color=colours,
            text=data["pct"].map(lambda v: f"{v:.0f} %"),
            textposition="outside",
            showlegend=False,
        )
    )
    # The standard is named in the legend below the axis: as a label on the line it sat on a bar
    # at 1024 px (browser walk, 2026-12), and on the bars before that it was unreadable.
    fig.add_hline(y=200 / 3, line_dash="dash", line_color="#555")
    fig.add_trace(
        go.Scatter(
            x=[None], y=[None], mode="lines", line={"dash": "dash", "color": "#555"}, name=axis["standard"], showlegend=True
        )
    )
    fig.update_yaxes(range=[0, 110], title=axis["share"])
    return _layout(fig, title)
