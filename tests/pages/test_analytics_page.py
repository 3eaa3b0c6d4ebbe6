"""The analytics page in AppTest: its charts as the browser receives them."""

from __future__ import annotations

import json

from core.i18n import t
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


def test_meeting_quality_is_a_table_that_wraps_its_headings(page_store: str, user_ids: dict[str, int]) -> None:
    """At 1024 px the grid pushed the meeting-quality table's last column ("每例讨论分钟") out of
    view: its eight Chinese headings alone are ~620 px, more than the page's ~560 px main column
    beside the sidebar (browser walk, 2026-12). It is a table that wraps its headings now, every
    meeting's figures in it."""
    at = app("analytics", user_id=user_ids["analyst"])
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    heading = t("analytics.q.week", lang="zh")
    assert not [df for df in at.dataframe if heading in df.value.columns]
    table = next(tb.value for tb in at.table if heading in tb.value.columns)
    assert t("analytics.q.mean_minutes", lang="zh") in table.columns
    assert len(table) >= 10
    # YYYY-MM-DD with non-breaking hyphens: a narrow column broke "2026-09-" / "17" over two lines
    assert all(len(str(day)) == 10 and str(day).count("\u2011") == 2 for day in table[heading])


def test_the_days_axis_reads_as_a_word_in_chinese(page_store: str, user_ids: dict[str, int]) -> None:
    """The timeliness chart's y axis said "天" alone, which Plotly turns on its side, where it read
    as a "K" (browser walk, 2026-12): it says "天数"."""
    at = app("analytics", user_id=user_ids["analyst"])
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    titles = [
        json.loads(chart.proto.spec)["layout"].get("yaxis", {}).get("title", {}).get("text") for chart in at.get("plotly_chart")
    ]
    assert "天数" in titles and "天" not in titles
