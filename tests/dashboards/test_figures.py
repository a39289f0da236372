"""dashboards.figures: the live occupancy bar figure on known counts."""

from __future__ import annotations

import json

import plotly.graph_objects as go

from dashboards.figures import STATE_COLOURS, figure_json, live_occupancy_figure
from dashboards.live import STATES, LiveCounts

COUNTS = LiveCounts(occupied=5, free=3, offline=1, unknown=3, low_battery=2, total=12)


def test_one_horizontal_bar_trace_with_the_counts() -> None:
    fig = live_occupancy_figure(COUNTS, "sv")
    assert len(fig.data) == 1
    bar = fig.data[0]
    assert isinstance(bar, go.Bar)
    assert bar.orientation == "h"
    assert list(bar.x) == [5, 3, 1, 3]
    assert list(bar.y) == ["Upptagna", "Lediga", "Offline", "Okända"]
    assert list(bar.customdata) == list(STATES)
    assert list(bar.text) == ["5", "3", "1", "3"]
    assert list(bar.marker.color) == [STATE_COLOURS[s] for s in STATES]
    # colour is not the only cue: offline and unknown bars are patterned
    assert list(bar.marker.pattern.shape) == ["", "", "/", "."]


def test_layout_in_swedish() -> None:
    layout = live_occupancy_figure(COUNTS, "sv").layout
    assert layout.separators == ",\u00a0"
    assert layout.xaxis.title.text == "Antal platser"
    assert tuple(layout.xaxis.range) == (0, 12)
    assert layout.yaxis.autorange == "reversed"  # occupied on top
    assert layout.showlegend is False


def test_english_labels_and_separators() -> None:
    fig = live_occupancy_figure(COUNTS, "en")
    assert list(fig.data[0].y) == ["Occupied", "Free", "Offline", "Unknown"]
    assert fig.layout.separators == ".,"
    assert fig.layout.xaxis.title.text == "Number of desks"


def test_big_numbers_and_an_empty_hub() -> None:
    big = LiveCounts(1234, 0, 0, 0, 0, 1234)
    assert live_occupancy_figure(big, "sv").data[0].text[0] == "1\u00a0234"
    assert live_occupancy_figure(big, "en").data[0].text[0] == "1,234"
    empty = LiveCounts(0, 0, 0, 0, 0, 0)
    assert tuple(live_occupancy_figure(empty, "sv").layout.xaxis.range) == (0, 1)


def test_figure_json_is_plain_json() -> None:
    data = figure_json(live_occupancy_figure(COUNTS, "sv"))
    assert set(data) >= {"data", "layout"}
    assert json.loads(json.dumps(data)) == data
    trace = data["data"][0]  # type: ignore[index]
    assert trace["type"] == "bar"
    assert trace["x"] == [5, 3, 1, 3]  # a plain list (the page's script replaces it)
