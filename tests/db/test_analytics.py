"""Analytics run in SQL on the demo store and return aggregates only (no identifiable columns)."""

from __future__ import annotations

import duckdb
import pytest

from core.models import Actor
from db import analytics
from pages.components import analytics_charts as charts

IDENTIFIABLE = {"mrn", "display_name", "patient", "birth_date", "question", "summary"}


@pytest.mark.parametrize(
    "fn",
    [
        analytics.weekly_case_load,
        analytics.referrals_by_primary,
        analytics.timeliness,
        analytics.implementation,
        analytics.skeletal_events,
        analytics.core_attendance,
        analytics.meeting_quality,
    ],
    ids=lambda f: f.__name__,
)
def test_aggregates_only(demo_cur: duckdb.DuckDBPyConnection, fn) -> None:  # type: ignore[no-untyped-def]
    frame = fn(demo_cur)
    assert not frame.empty
    assert not set(frame.columns) & IDENTIFIABLE


def test_summary_figures_are_consistent(demo_cur: duckdb.DuckDBPyConnection) -> None:
    s = analytics.summary(demo_cur)
    assert s["cases"] == demo_cur.execute("SELECT count(*) FROM mdt_case").fetchone()[0]
    assert s["meetings_held"] == 12
    assert 0.5 < s["delivered_share"] < 1.0
    delivered = demo_cur.execute("SELECT avg(delivered::INT) FROM delivery").fetchone()[0]
    assert s["delivered_share"] == pytest.approx(float(delivered))


def test_implementation_counts_every_current_plan_item(demo_cur: duckdb.DuckDBPyConnection) -> None:
    frame = analytics.implementation(demo_cur)
    assert {"delivered"} <= set(frame["state"])
    assert any(s.startswith("not_delivered_") for s in frame["state"])


def test_core_attendance_shares_are_fractions(demo_cur: duckdb.DuckDBPyConnection) -> None:
    frame = analytics.core_attendance(demo_cur)
    assert set(frame["specialty"]) == {"medical_oncology", "orthopaedics", "radiotherapy", "radiology"}
    assert frame["share"].between(0, 1).all()


def test_charts_build_from_the_aggregates(demo_cur: duckdb.DuckDBPyConnection) -> None:
    axis = {
        k: k for k in ("week", "cases", "urgency", "days", "kind", "items", "state", "quarter", "events", "share", "standard")
    }
    figs = [
        charts.case_load(analytics.weekly_case_load(demo_cur), "t", axis, str),
        charts.timeliness(
            analytics.timeliness(demo_cur), "t", {"referral_to_meeting_days": "a", "referral_to_decision_days": "b"}, axis
        ),
        charts.implementation(analytics.implementation(demo_cur), "t", axis, str, str),
        charts.skeletal_events(analytics.skeletal_events(demo_cur), "t", axis, str),
        charts.core_attendance(analytics.core_attendance(demo_cur), "t", axis, str),
    ]
    for fig in figs:
        assert fig.data, "a chart with no data"
        assert sum(len(t.x) if t.x is not None else len(t.y) for t in fig.data) > 0


def test_case_load_dates_and_legend_follow_the_language(demo_cur: duckdb.DuckDBPyConnection) -> None:
    """Chinese date axes are numeric (Plotly's default ticks are English "Oct 2026"); the urgency
    legend runs from the most urgent, whatever the labels' alphabetical order."""
    axis = {k: k for k in ("week", "cases", "urgency", "days")}
    labels = {"emergency": "z-emergency", "urgent": "m-urgent", "routine": "a-routine"}
    english = charts.case_load(analytics.weekly_case_load(demo_cur), "t", axis, labels.__getitem__)
    chinese = charts.case_load(analytics.weekly_case_load(demo_cur), "t", {**axis, "date_ticks": "%Y-%m-%d"}, labels.__getitem__)
    assert english.layout.xaxis.tickformat is None
    assert chinese.layout.xaxis.tickformat == "%Y-%m-%d"
    assert [t.name for t in chinese.data] == ["z-emergency", "m-urgent", "a-routine"]
    times = charts.timeliness(
        analytics.timeliness(demo_cur),
        "t",
        {"referral_to_meeting_days": "a", "referral_to_decision_days": "b"},
        {**axis, "date_ticks": "%Y-%m-%d"},
    )
    assert times.layout.xaxis.tickformat == "%Y-%m-%d"
    sre = charts.skeletal_events(
        analytics.skeletal_events(demo_cur),
        "t",
        {**axis, "quarter": "q", "events": "e", "kind": "k", "month_ticks": "%Y-%m"},
        str,
    )
    assert sre.layout.xaxis.tickformat == "%Y-%m"


def test_skeletal_events_count_the_versions_in_force(demo_cur: duckdb.DuckDBPyConnection, coordinator: Actor) -> None:
    """A corrected event counts once (its new version), a retracted one not at all."""
    from core.models import ClinicalEvent
    from db import clinical

    def total() -> int:
        return int(analytics.skeletal_events(demo_cur)["events"].sum())

    before = total()
    fracture, spare = (
        clinical.get(demo_cur, "clinical_event", int(r[0]))
        for r in demo_cur.execute(
            "SELECT event_id FROM clinical_event WHERE kind = 'pathological_fracture' AND superseded_by IS NULL"
            " AND NOT coalesce(retracted, FALSE) AND event_date >= current_date - INTERVAL '1 year' ORDER BY event_id LIMIT 2"
        ).fetchall()
    )
    assert isinstance(fracture, ClinicalEvent) and isinstance(spare, ClinicalEvent)
    corrected = fracture.model_copy(update={"description": fracture.description + " (corrected wording)"})
    clinical.correct(demo_cur, coordinator, corrected, expected_version=fracture.row_version, reason="wording")
    assert total() == before
    assert spare.event_id is not None
    clinical.retract(
        demo_cur, coordinator, "clinical_event", spare.event_id, expected_version=spare.row_version, reason="wrong patient"
    )
    assert total() == before - 1


def test_core_attendance_names_its_standard_in_the_legend(demo_cur: duckdb.DuckDBPyConnection) -> None:
    """The two-thirds standard is a dashed line named in the legend: as a label on the line it sat
    on the first bar at 1024 px (browser walk, 2026-12)."""
    fig = charts.core_attendance(analytics.core_attendance(demo_cur), "t", {"share": "s", "standard": "core standard"}, str)
    assert not fig.layout.annotations
    assert [s.y0 for s in fig.layout.shapes] == [200 / 3]
    named = [trace.name for trace in fig.data if trace.showlegend]
    assert named == ["core standard"]
