"""Plotly figures of the dashboards, built in plain functions: the live bars from the live
endpoint's JSON, the utilisation figures from ``hubsense.query``'s typed answers.

The pages embed a figure's JSON and draw it with the locally served plotly.js; the live
page's script then only replaces the bar values (``x``/``text``) on each poll, in the
order of ``dashboards.live.STATES`` (kept in the trace's ``customdata``). The utilisation
figures (daily series, hour × weekday heatmap, peak distribution with capacity lines,
municipality comparison) are drawn once by ``usage.js``; each trace carries a ``meta``
naming its hub, metric or series, so tests can find it.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from datetime import timedelta
from typing import Final

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards.i18n import choose_lang, fmt_int, fmt_share, metric, metric_unit, tr
from dashboards.live import STATES, LiveCounts
from hubsense.query.capacity import HubCapacity
from hubsense.query.compare import CompareRow
from hubsense.query.daily import DailySeries
from hubsense.query.forecast import ForecastAnswer
from hubsense.query.period import Period
from hubsense.query.profile import HourWeekdayProfile

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


# --- utilisation figures (/utilisation, /compare) ----------------------------------------------
# Built from the analytics use cases' answers (hubsense.query). Shares arrive as fractions
# and are drawn in percent; every series also differs by dash, marker or fill pattern, not
# by colour alone; labels use the published metric names (hubsense.glossary).

PALETTE: Final = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
"""Okabe–Ito, in the order hubs of one municipality get them."""
DASHES: Final = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid")
SYMBOLS: Final = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross")
PATTERNS: Final = ("", "/", ".", "x", "\\", "+", "-")
DESKS_COLOUR: Final = "#1a1a1a"
RECOMMENDED_COLOUR: Final = "#009e73"
P90_COLOUR: Final = "#e69f00"
CURVE_COLOUR: Final = "#d55e00"
OTHER_DAYS_COLOUR: Final = "#9e9e9e"
HEATMAP_SCALE: Final = "Blues"
DATE_TICKS: Final = {"sv": "%Y-%m-%d", "en": "%-d %b"}
DATE_HOVER: Final = {"sv": "%Y-%m-%d", "en": "%d/%m/%Y"}


def percent(fraction: float | None) -> float | None:
    """An API share (fraction) in percent, as the figures draw it; None stays None."""
    return None if fraction is None else round(fraction * 100, 2)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _pct_hover(lang: str) -> str:
    """d3 format of a percentage in hover text: ``34,5 %`` / ``34.5%``."""
    return "%{y:.1f}\u00a0%" if choose_lang(lang) == "sv" else "%{y:.1f}%"


def _base_layout(fig: go.Figure, lang: str, height: int) -> None:
    fig.update_layout(
        separators=SEPARATORS[choose_lang(lang)],
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 40},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT, "size": 13, "color": "#1a1a1a"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )


def _no_data(fig: go.Figure, lang: str) -> go.Figure:
    fig.add_annotation(
        text=tr(lang, "no_data_figure"),
        xref="paper",
        yref="paper",
        x=0.5,
        y=0.5,
        showarrow=False,
        font={"size": 16, "color": "#595959"},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def forecast_figure(answer: ForecastAnswer, lang: str) -> go.Figure:
    """Per hub with a forecast: the expected daily peak of the next 13 weeks as a line in
    its prediction-interval band (``/api/reports/forecast``), and the hub's desks as a
    dotted line (a peak cannot exceed them: above them, demand is turned away)."""
    lang = choose_lang(lang)
    fig = go.Figure()
    _base_layout(fig, lang, 360)
    hubs = [h for h in answer.hubs if h.days]
    if not hubs:
        return _no_data(fig, lang)
    band = tr(lang, "forecast_band", pct=fmt_share(answer.level, lang))
    for i, h in enumerate(hubs):
        color = PALETTE[i % len(PALETTE)]
        x = [d.date.isoformat() for d in h.days]
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=[d.peak_high for d in h.days] + [d.peak_low for d in h.days][::-1],
                fill="toself",
                fillcolor=color,
                opacity=0.2,
                line={"width": 0},
                name=f"{h.name}: {band}",
                legendgroup=h.hub,
                hoverinfo="skip",
                meta={"hub": h.hub, "series": "band"},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=[round(d.peak_concurrency, 2) for d in h.days],
                name=h.name,
                legendgroup=h.hub,
                mode="lines",
                line={"color": color, "dash": DASHES[i % len(DASHES)]},
                customdata=[[round(d.peak_low, 1), round(d.peak_high, 1)] for d in h.days],
                hovertemplate=f"%{{x|{DATE_HOVER[lang]}}} · {h.name}<br>"
                f"{metric('peak_concurrency', lang)}: %{{y:.1f}} "
                f"(%{{customdata[0]}}–%{{customdata[1]}})<extra></extra>",
                meta={"hub": h.hub, "series": "peak_concurrency"},
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[x[0], x[-1]],
                y=[h.desks, h.desks],
                mode="lines",
                name=f"{h.name}: {metric('desks', lang)}",
                legendgroup=h.hub,
                line={"color": color, "dash": "dot", "width": 1},
                hoverinfo="skip",
                meta={"hub": h.hub, "series": "desks", "value": h.desks},
            )
        )
    fig.update_xaxes(type="date", tickformat=DATE_TICKS[lang], fixedrange=True,
                     title_text=tr(lang, "axis_date"))
    fig.update_yaxes(title_text=metric_unit("peak_concurrency", lang), rangemode="tozero",
                     gridcolor="#d9d9d9", fixedrange=True)
    return fig


def daily_figure(dailies: Sequence[DailySeries], lang: str) -> go.Figure:
    """Per open day, one line of utilisation (%, top) and one bar series of peak
    concurrency (desks, bottom) per hub; ``dailies`` are the daily series (what
    ``/api/reports/daily`` answers), one per hub. The line has a point for every date of
    the period: days without known time and closed days (not in the series) are gaps, so
    the line never joins Friday to Monday. Each series has its own legend entry, named
    after its hub and its metric."""
    lang = choose_lang(lang)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1)
    _base_layout(fig, lang, 480)
    if not dailies or not any(d.days for d in dailies):
        return _no_data(fig, lang)
    calendar = _calendar(dailies[0].period)
    for i, d in enumerate(dailies):
        name, hub = d.scope.name, d.scope.id
        days = d.days
        x = [day.date.isoformat() for day in days]
        by_date = {day.date.isoformat(): day for day in days}
        # every date of the period: a closed day (weekend, holiday) breaks the line
        # instead of joining Friday to Monday
        line_days = [by_date.get(when) for when in calendar]
        coverage = ["" if day is None else fmt_share(day.coverage, lang) for day in line_days]
        fig.add_trace(
            go.Scatter(
                x=calendar,
                y=[None if day is None else percent(day.utilisation) for day in line_days],
                name=f"{name}: {metric('utilisation', lang)}",
                legendgroup=hub,
                meta={"hub": hub, "metric": "utilisation"},
                mode="lines+markers",
                connectgaps=False,
                line={"color": PALETTE[i % len(PALETTE)], "dash": DASHES[i % len(DASHES)]},
                marker={"symbol": SYMBOLS[i % len(SYMBOLS)], "size": 7},
                customdata=coverage,
                hovertemplate=f"%{{x|{DATE_HOVER[lang]}}} · {name}<br>"
                f"{metric('utilisation', lang)}: {_pct_hover(lang)}<br>"
                f"{metric('coverage', lang)}: %{{customdata}}<extra></extra>",
            ),
            row=1,
            col=1,
        )
        fig.add_trace(
            go.Bar(
                x=x,
                y=[day.peak_concurrency for day in days],
                name=f"{name}: {metric('peak_concurrency', lang)}",
                legendgroup=hub,
                meta={"hub": hub, "metric": "peak_concurrency"},
                marker={
                    "color": PALETTE[i % len(PALETTE)],
                    "pattern": {"shape": PATTERNS[i % len(PATTERNS)], "fgcolor": "#ffffff"},
                },
                customdata=[day.desks for day in days],
                hovertemplate=f"%{{x|{DATE_HOVER[lang]}}} · {name}<br>"
                f"{metric('peak_concurrency', lang)}: %{{y}} / %{{customdata}}<extra></extra>",
            ),
            row=2,
            col=1,
        )
    period = dailies[0].period
    span = [f"{period.first.isoformat()} 00:00", f"{period.last_day.isoformat()} 23:59"]
    fig.update_layout(barmode="group", bargap=0.15)
    fig.update_xaxes(type="date", range=span, tickformat=DATE_TICKS[lang], fixedrange=True)
    fig.update_xaxes(title_text=tr(lang, "axis_date"), row=2, col=1)
    fig.update_yaxes(
        title_text=metric_unit("utilisation", lang),
        range=[0, 100],
        gridcolor="#d9d9d9",
        fixedrange=True,
        row=1,
        col=1,
    )
    fig.update_yaxes(
        title_text=metric_unit("peak_concurrency", lang),
        rangemode="tozero",
        tickformat="d",
        gridcolor="#d9d9d9",
        fixedrange=True,
        row=2,
        col=1,
    )
    return fig


def _calendar(period: Period) -> list[str]:
    """Every local date of the period, ISO."""
    return [(period.first + timedelta(days=n)).isoformat() for n in range(period.days)]


def profile_figure(profile: HourWeekdayProfile, lang: str) -> go.Figure:
    """Heatmap of the hour × weekday profile (``/api/reports/profile``): average
    concurrency per weekday (rows, Monday on top) and local hour (columns, only from the
    first to the last hour with a value); hours when no hub was open are blank. Each cell
    also shows its number."""
    lang = choose_lang(lang)
    fig = go.Figure()
    _base_layout(fig, lang, 330)
    rows = profile.mean_concurrency
    hours = [h for h in profile.hours if any(r[h] is not None for r in rows)]
    if not hours:
        return _no_data(fig, lang)
    first, last = min(hours), max(hours)
    shown = list(range(first, last + 1))
    z = [[_rounded(r[h]) for h in shown] for r in rows]
    fig.add_trace(
        go.Heatmap(
            z=z,
            x=[f"{h:02d}:00" for h in shown],
            y=[tr(lang, f"wd_{i}") for i in range(len(rows))],
            meta={"metric": "mean_concurrency", "hours": shown},
            colorscale=HEATMAP_SCALE,
            zmin=0,
            xgap=2,
            ygap=2,
            texttemplate="%{z:.1f}",
            hoverongaps=False,
            colorbar={"title": {"text": metric_unit("mean_concurrency", lang), "side": "right"}},
            hovertemplate=f"%{{y}} %{{x}}<br>{metric('mean_concurrency', lang)}: "
            "%{z:.2f}<extra></extra>",
        )
    )
    fig.update_layout(plot_bgcolor="#ececec", margin={"t": 10})
    fig.update_xaxes(
        type="category", title_text=tr(lang, "axis_hour"), fixedrange=True, showgrid=False
    )
    fig.update_yaxes(type="category", autorange="reversed", fixedrange=True, showgrid=False)
    return fig


def peaks_figure(
    daily: DailySeries, capacity_hub: HubCapacity, min_coverage: float, lang: str
) -> go.Figure:
    """One hub's daily peaks: how many open days reached each peak (bars: evidence days,
    stacked on the other open days with some known time), the service-level curve (share
    of evidence days whose peak exceeds each capacity, right axis), and vertical lines at
    the current desks and the recommended desks. ``daily`` is the hub's daily series,
    ``capacity_hub`` its part of the capacity need (``/api/reports/capacity``'s ``hubs``)."""
    lang = choose_lang(lang)
    fig = go.Figure()
    _base_layout(fig, lang, 360)
    days = daily.days
    desks = capacity_hub.desks
    recommended = capacity_hub.recommended_desks
    if not days:
        return _no_data(fig, lang)
    peaks = [day.peak_concurrency for day in days]
    top = max([desks, *peaks, recommended or 0])
    ks = list(range(top + 1))
    evidence = Counter(d.peak_concurrency for d in days if d.evidence)
    # days with no known time at all have no peak to speak of: they are left out
    other = Counter(d.peak_concurrency for d in days if not d.evidence and d.coverage)
    days_word = tr(lang, "axis_days")
    fig.add_trace(
        go.Bar(
            x=ks,
            y=[evidence[k] for k in ks],
            name=metric("evidence_days", lang),
            meta={"series": "evidence_days"},
            marker={"color": PALETTE[0]},
            hovertemplate=f"{metric('peak_concurrency', lang)} %{{x}}: %{{y}} "
            f"{days_word.lower()}<extra>{metric('evidence_days', lang)}</extra>",
        )
    )
    other_name = tr(lang, "other_open_days", pct=fmt_share(min_coverage, lang))
    fig.add_trace(
        go.Bar(
            x=ks,
            y=[other[k] for k in ks],
            name=other_name,
            meta={"series": "other_days"},
            marker={
                "color": OTHER_DAYS_COLOUR,
                "pattern": {"shape": "/", "fgcolor": "#ffffff", "solidity": 0.4},
            },
            hovertemplate=f"{metric('peak_concurrency', lang)} %{{x}}: %{{y}} "
            f"{days_word.lower()}<extra></extra>",
        )
    )
    curve = capacity_hub.curve
    if curve and capacity_hub.evidence_days:
        fig.add_trace(
            go.Scatter(
                x=[p.capacity for p in curve],
                y=[percent(p.share_exceeding) for p in curve],
                name=tr(lang, "share_exceeding_legend"),
                meta={"series": "share_exceeding"},
                yaxis="y2",
                mode="lines+markers",
                line={"color": CURVE_COLOUR, "dash": "dot", "width": 2},
                marker={"symbol": "diamond", "size": 6},
                hovertemplate=f"{metric('desks', lang)} %{{x}}: "
                f"{_pct_hover(lang)}<extra>{metric('share_exceeding', lang)}</extra>",
            )
        )
    height = max([1, *evidence.values(), *(evidence[k] + other[k] for k in ks)]) * 1.08

    # equal desks and recommendation would draw one line over the other: side by side
    # then, a third of a bar apart, each with its value in the legend and the hover
    apart = 0.17 if recommended == desks else 0.0

    def vline(x: int, name: str, series: str, colour: str, dash: str, shift: float) -> None:
        fig.add_trace(
            go.Scatter(
                x=[x + shift, x + shift],
                y=[0, height],
                name=f"{name}: {fmt_int(x, lang)}",
                meta={"series": series, "value": x},
                mode="lines",
                line={"color": colour, "width": 3, "dash": dash},
                hovertemplate=f"{name}: {fmt_int(x, lang)}<extra></extra>",
            )
        )

    vline(desks, metric("desks", lang), "desks", DESKS_COLOUR, "solid", -apart)
    if recommended is not None:
        vline(
            recommended,
            metric("recommended_desks", lang),
            "recommended_desks",
            RECOMMENDED_COLOUR,
            "dash",
            apart,
        )
    fig.update_layout(
        barmode="stack",
        bargap=0.1,
        legend={"traceorder": "normal"},
        xaxis={
            "title": {"text": metric_unit("peak_concurrency", lang)},
            "range": [-0.6, top + 0.6],
            "dtick": 1 if top <= 30 else None,
            "fixedrange": True,
        },
        yaxis={
            "title": {"text": days_word},
            "range": [0, height],
            "dtick": max(1, math.ceil(height / 6)),
            "tickformat": "d",
            "gridcolor": "#d9d9d9",
            "fixedrange": True,
        },
        yaxis2={
            "title": {"text": metric_unit("share_exceeding", lang)},
            "overlaying": "y",
            "side": "right",
            "range": [0, 100],
            "dtick": 25,
            "showgrid": False,
            "fixedrange": True,
        },
    )
    return fig


def compare_figure(rows: Sequence[CompareRow], service_level: float, lang: str) -> go.Figure:
    """Per municipality (x, in the given order): utilisation (%, top), and side by side
    the current desks, the peak at the service level and the recommended desks (bottom).
    Missing values (no hub, no evidence days) are left out, never drawn as 0."""
    lang = choose_lang(lang)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12, row_heights=[0.4, 0.6]
    )
    _base_layout(fig, lang, 560)
    names = [r.name for r in rows]
    util = [percent(r.utilisation) for r in rows]
    fig.add_trace(
        go.Bar(
            x=names,
            y=util,
            name=metric("utilisation", lang),
            meta={"metric": "utilisation"},
            marker={"color": PALETTE[0]},
            # the share alone on the bar; its coverage is in the hover and the table below
            text=["" if r.utilisation is None else fmt_share(r.utilisation, lang) for r in rows],
            textposition="outside",
            cliponaxis=False,
            customdata=[fmt_share(r.coverage, lang) for r in rows],
            hovertemplate=f"%{{x}}<br>{metric('utilisation', lang)}: {_pct_hover(lang)}<br>"
            f"{metric('coverage', lang)}: %{{customdata}}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    p90 = tr(
        lang,
        "at_service_level",
        label=metric("peak_at_service_level", lang),
        pct=fmt_share(service_level, lang),
    )
    series: list[tuple[str, str, list[int | None], str, str]] = [
        (
            "desks",
            metric("desks", lang),
            [r.desks if r.hubs else None for r in rows],
            DESKS_COLOUR,
            "/",
        ),
        ("peak_at_service_level", p90, [r.peak_at_service_level for r in rows], P90_COLOUR, "."),
        (
            "recommended_desks",
            metric("recommended_desks", lang),
            [r.recommended for r in rows],
            RECOMMENDED_COLOUR,
            "",
        ),
    ]
    for key, name, values, colour, pattern in series:
        fig.add_trace(
            go.Bar(
                x=names,
                y=values,
                name=name,
                meta={"metric": key},
                marker={
                    "color": colour,
                    "pattern": {"shape": pattern, "fgcolor": "#ffffff", "solidity": 0.3},
                },
                text=["" if v is None else fmt_int(v, lang) for v in values],
                textposition="outside",
                cliponaxis=False,
                hovertemplate=f"%{{x}}<br>{name}: %{{y}}<extra></extra>",
            ),
            row=2,
            col=1,
        )
    top = max([1, *(v for _, _, vs, _, _ in series for v in vs if v is not None)])
    fig.update_layout(barmode="group", bargap=0.2, bargroupgap=0.05)
    fig.update_xaxes(type="category", fixedrange=True)
    fig.update_yaxes(
        title_text=metric_unit("utilisation", lang),
        range=[0, 100],
        gridcolor="#d9d9d9",
        fixedrange=True,
        row=1,
        col=1,
    )
    fig.update_yaxes(
        title_text=tr(lang, "axis_desks"),
        range=[0, top * 1.15],
        tickformat="d",
        gridcolor="#d9d9d9",
        fixedrange=True,
        row=2,
        col=1,
    )
    return fig
