"""Plotly figures of the dashboards, built from API JSON in plain functions.

The pages embed a figure's JSON and draw it with the locally served plotly.js; the live
page's script then only replaces the bar values (``x``/``text``) on each poll, in the
order of ``dashboards.live.STATES`` (kept in the trace's ``customdata``).
"""

from __future__ import annotations

import json
from typing import Final

import plotly.graph_objects as go

from dashboards.i18n import choose_lang, fmt_int, tr
from dashboards.live import STATES, LiveCounts

# Okabe–Ito colours (distinguishable with the common colour-vision deficiencies); each
# state also has its own fill pattern and its name on the axis, so colour is never the
# only cue.
STATE_COLOURS: Final = {
    "occupied": "#b5461a",
    "free": "#009e73",
    "offline": "#6e6e6e",
    "unknown": "#bdbdbd",
}
STATE_PATTERNS: Final = {"occupied": "", "free": "", "offline": "/", "unknown": "."}
SEPARATORS: Final = {"sv": ",\u00a0", "en": ".,"}
"""plotly's ``layout.separators`` (decimal, thousands) per language."""
FONT: Final = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"


def live_occupancy_figure(counts: LiveCounts, lang: str) -> go.Figure:
    """Horizontal bars: how many desks of the hub are occupied / free / offline / unknown
    now, labelled in ``lang``; the x axis spans every desk of the hub."""
    lang = choose_lang(lang)
    values = [counts.of(state) for state in STATES]
    fig = go.Figure(
        go.Bar(
            orientation="h",
            x=values,
            y=[tr(lang, f"count_{state}") for state in STATES],
            customdata=list(STATES),
            text=[fmt_int(v, lang) for v in values],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}: %{x}<extra></extra>",
            marker={
                "color": [STATE_COLOURS[s] for s in STATES],
                "pattern": {
                    "shape": [STATE_PATTERNS[s] for s in STATES],
                    "fgcolor": "#ffffff",
                    "solidity": 0.35,
                },
                "line": {"color": "#222222", "width": 1},
            },
            name=tr(lang, "occupancy_now"),
        )
    )
    fig.update_layout(
        separators=SEPARATORS[lang],
        showlegend=False,
        height=190,
        margin={"l": 10, "r": 30, "t": 10, "b": 40},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT, "size": 14, "color": "#1a1a1a"},
        xaxis={
            "title": {"text": tr(lang, "figure_axis")},
            "range": [0, max(counts.total, 1)],
            "rangemode": "tozero",
            "tickformat": "d",
            "gridcolor": "#d9d9d9",
            "fixedrange": True,
        },
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
    )
    return fig


def figure_json(fig: go.Figure) -> dict[str, object]:
    """``{"data": [...], "layout": {...}}`` as plain JSON values, for embedding in a page."""
    return dict(json.loads(fig.to_json()))
