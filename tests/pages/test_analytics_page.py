"""The analytics page in AppTest: its charts as the browser receives them."""

from __future__ import annotations

import json

from tests.pages.conftest import app


def test_chart_legends_hang_below_the_axis_title(page_store: str, user_ids: dict[str, int]) -> None:
    """Each chart's horizontal legend is anchored at its top below the plot: anchored at its
    bottom (plotly's "auto" for y < 1/3), a legend of two rows rose over the x-axis title
    (the decision-to-delivery chart in Chinese at 1024 px)."""
    at = app("analytics", user_id=user_ids["analyst"])
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) >= 5
    for chart in charts:
        legend = json.loads(chart.proto.spec)["layout"]["legend"]
        assert legend.get("yanchor") == "top" and legend["y"] < 0, legend
