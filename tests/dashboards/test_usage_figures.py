"""dashboards.figures: the utilisation figures on known answers (right traces, axes and
values), in Swedish and English."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

import plotly.graph_objects as go
import pytest

from dashboards.figures import (
    compare_figure,
    daily_figure,
    figure_json,
    forecast_figure,
    peaks_figure,
    profile_figure,
)
from hubsense.metrics import CurvePoint
from hubsense.query.capacity import HubCapacity
from hubsense.query.compare import CompareRow
from hubsense.query.daily import DailySeries, DayFigures
from hubsense.query.period import Period
from hubsense.query.profile import HourWeekdayProfile
from hubsense.query.scope import ScopeRef

CET = timezone(timedelta(hours=1))


def day(
    text: str,
    peak: int,
    utilisation: float | None,
    coverage: float | None,
    evidence: bool,
    desks: int = 4,
) -> DayFigures:
    d = date.fromisoformat(text)
    return DayFigures(
        date=d,
        weekday=0,
        open_hours=10.0,
        desks=desks,
        peak_concurrency=peak,
        peak_at=datetime(d.year, d.month, d.day, 10, tzinfo=CET),
        peak_share=peak / desks,
        utilisation=utilisation,
        coverage=coverage,
        daily_usage_rate=None,
        evidence=evidence,
        at_capacity=peak >= desks,
        full_minutes=None,
    )


PERIOD = Period(date(2026, 11, 2), date(2026, 11, 7))
DAILY_A = DailySeries(
    period=PERIOD,
    scope=ScopeRef("hub", "a", "Hubb A"),
    days=(
        day("2026-11-02", 2, 0.25, 1.0, True),
        day("2026-11-03", 4, 0.5, 0.9, True),
        day("2026-11-04", 1, None, 0.0, False),  # nothing known: no line point
        day("2026-11-05", 3, 0.4, 0.5, False),  # some data, below the evidence coverage
    ),
)
DAILY_B = DailySeries(
    period=PERIOD,
    scope=ScopeRef("hub", "b", "Hubb B"),
    days=(day("2026-11-02", 1, 0.1, 1.0, True, desks=2),),
)
CAP_A = HubCapacity(
    hub="a",
    name="Hubb A",
    desks=4,
    open_days=4,
    evidence_days=2,
    peak_at_service_level=4,
    recommended_desks=5,
    too_few_days=True,
    days_at_capacity=1,
    days_at_capacity_share=0.5,
    full_hours=1.5,
    max_peak=4,
    curve=tuple(CurvePoint(k, n, n / 2) for k, n in enumerate([2, 2, 1, 1, 0])),
    lower_bound=True,
    demand_at_service_level=None,
    demand_low=None,
    demand_high=None,
    demand_recommended_desks=None,
    demand_pooled=False,
    demand_reason="too_few_measured",
)


def by_meta(fig: go.Figure, **wanted: object) -> list[Any]:
    return [t for t in fig.data if all((t.meta or {}).get(k) == v for k, v in wanted.items())]


# --- per day ------------------------------------------------------------------------------


def test_daily_figure_has_a_line_and_bars_per_hub() -> None:
    fig = daily_figure([DAILY_A, DAILY_B], "sv")
    assert len(fig.data) == 4
    (line_a,) = by_meta(fig, hub="a", metric="utilisation")
    (bars_a,) = by_meta(fig, hub="a", metric="peak_concurrency")
    assert isinstance(line_a, go.Scatter) and isinstance(bars_a, go.Bar)
    dates = ("2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05")
    assert tuple(bars_a.x) == dates
    # the line has every date of the period: the closed 6 November is a gap, as is the
    # day without known time, so the line never joins across a closed day
    assert tuple(line_a.x) == (*dates, "2026-11-06")
    assert list(line_a.y) == [25.0, 50.0, None, 40.0, None]  # percent
    assert line_a.connectgaps is False
    assert list(bars_a.y) == [2, 4, 1, 3]
    assert list(bars_a.customdata) == [4, 4, 4, 4]  # desks, for "2 / 4" in the hover
    assert list(line_a.customdata) == [
        "100\u00a0%", "90\u00a0%", "0\u00a0%", "50\u00a0%", ""
    ]
    # utilisation on top (y), peaks below (y2), on one shared date axis over the period
    assert line_a.yaxis == "y" and bars_a.yaxis == "y2"
    assert fig.layout.yaxis.title.text == "Nyttjandegrad (%)"
    assert tuple(fig.layout.yaxis.range) == (0, 100)
    assert fig.layout.yaxis2.title.text == "Samtidig topp (platser)"
    assert fig.layout.xaxis2.title.text == "Datum"
    assert fig.layout.xaxis2.type == "date"
    assert tuple(fig.layout.xaxis2.range) == ("2026-11-02 00:00", "2026-11-06 23:59")
    # the second hub differs by more than colour
    (line_b,) = by_meta(fig, hub="b", metric="utilisation")
    assert line_b.line.dash != line_a.line.dash
    assert line_b.marker.symbol != line_a.marker.symbol
    # one legend entry per series, saying its hub and its metric
    assert [t.name for t in fig.data if t.showlegend is not False] == [
        "Hubb A: Nyttjandegrad",
        "Hubb A: Samtidig topp",
        "Hubb B: Nyttjandegrad",
        "Hubb B: Samtidig topp",
    ]


def test_daily_figure_in_english_and_empty() -> None:
    fig = daily_figure([DAILY_A], "en")
    assert fig.layout.separators == ".,"
    assert fig.layout.yaxis.title.text == "Utilisation (%)"
    assert fig.layout.yaxis2.title.text == "Peak concurrency (desks)"
    assert list(fig.data[0].customdata)[1] == "90%"
    empty = daily_figure([replace(DAILY_A, days=())], "sv")
    assert len(empty.data) == 0
    assert empty.layout.annotations[0].text == "Inga data för perioden"


# --- hour × weekday -----------------------------------------------------------------------


def profile(values: dict[tuple[int, int], float]) -> HourWeekdayProfile:
    rows: list[list[float | None]] = [[None] * 24 for _ in range(7)]
    for (wd, h), v in values.items():
        rows[wd][h] = v
    return HourWeekdayProfile(
        period=PERIOD,
        scope=ScopeRef("hub", "a", "Hubb A"),
        mean_concurrency=rows,
        weekdays=("mon",) * 7,
    )


def test_profile_heatmap_keeps_the_open_hours() -> None:
    fig = profile_figure(profile({(0, 8): 1.0, (0, 10): 2.5, (1, 9): 0.0, (4, 8): 1.234}), "sv")
    (heat,) = fig.data
    assert isinstance(heat, go.Heatmap)
    assert list(heat.x) == ["08:00", "09:00", "10:00"]  # first to last hour with a value
    assert list(heat.y) == ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]
    z = [list(r) for r in heat.z]
    assert z[0] == [1.0, None, 2.5]
    assert z[1] == [None, 0.0, None]  # 0 is a value, None is closed
    assert z[4] == [1.23, None, None]
    assert z[5] == [None, None, None]
    assert heat.meta == {"metric": "mean_concurrency", "hours": [8, 9, 10]}
    assert heat.zmin == 0
    assert heat.texttemplate == "%{z:.1f}"  # the number in each cell, not colour alone
    assert fig.layout.yaxis.autorange == "reversed"  # Monday on top
    assert heat.colorbar.title.text == "Genomsnittlig samtidighet (platser)"
    assert list(profile_figure(profile({(6, 23): 1.0}), "en").data[0].y)[0] == "Mon"


def test_profile_heatmap_without_data() -> None:
    fig = profile_figure(profile({}), "en")
    assert len(fig.data) == 0
    assert fig.layout.annotations[0].text == "No data for the period"


# --- daily peaks against the capacity -------------------------------------------------------


def test_peaks_histogram_with_capacity_lines_and_curve() -> None:
    fig = peaks_figure(DAILY_A, CAP_A, 0.8, "sv")
    (evidence,) = by_meta(fig, series="evidence_days")
    (other,) = by_meta(fig, series="other_days")
    (curve,) = by_meta(fig, series="share_exceeding")
    (desks,) = by_meta(fig, series="desks")
    (recommended,) = by_meta(fig, series="recommended_desks")
    assert list(evidence.x) == [0, 1, 2, 3, 4, 5]  # up to max(desks, peaks, recommended)
    assert list(evidence.y) == [0, 0, 1, 0, 1, 0]  # the two evidence days: peaks 2 and 4
    # the day with coverage 0 has no peak to show; the 50 % day is an "other" day
    assert list(other.y) == [0, 0, 0, 1, 0, 0]
    assert evidence.name == "Underlagsdagar"
    assert other.name == "Övriga öppetdagar med data (täckning under 80\u00a0%)"
    assert fig.layout.barmode == "stack"
    assert list(curve.x) == [0, 1, 2, 3, 4]
    assert list(curve.y) == [100.0, 100.0, 50.0, 50.0, 0.0]
    assert curve.yaxis == "y2"
    assert curve.name == "Andel dagar då toppen översteg x platser (höger axel)"
    assert list(desks.x) == [4, 4] and desks.name == "Platser i dag: 4"
    assert list(recommended.x) == [5, 5] and recommended.name == "Rekommenderat antal platser: 5"
    assert recommended.line.dash == "dash" and desks.line.dash == "solid"
    assert desks.y[1] == recommended.y[1] == fig.layout.yaxis.range[1]  # full height
    assert fig.layout.xaxis.title.text == "Samtidig topp (platser)"
    assert fig.layout.yaxis.title.text == "Antal dagar"
    assert fig.layout.yaxis2.title.text == "Andel dagar över kapaciteten (%)"


def test_equal_desks_and_recommendation_are_two_lines_side_by_side() -> None:
    fig = peaks_figure(DAILY_A, replace(CAP_A, recommended_desks=4), 0.8, "sv")
    (desks,) = by_meta(fig, series="desks")
    (recommended,) = by_meta(fig, series="recommended_desks")
    assert desks.meta["value"] == recommended.meta["value"] == 4
    assert desks.x[0] == desks.x[1] < 4 < recommended.x[0] == recommended.x[1]
    assert recommended.x[0] - desks.x[0] < 0.5  # still within the bar of 4 desks
    assert desks.name == "Platser i dag: 4"
    assert recommended.name == "Rekommenderat antal platser: 4"


def test_peaks_without_a_recommendation_draw_no_line() -> None:
    cap = replace(
        CAP_A, evidence_days=0, peak_at_service_level=None, recommended_desks=None, curve=()
    )
    fig = peaks_figure(DAILY_A, cap, 0.8, "en")
    assert by_meta(fig, series="recommended_desks") == []
    assert by_meta(fig, series="share_exceeding") == []
    assert [t.name for t in by_meta(fig, series="desks")] == ["Current desks: 4"]
    assert by_meta(fig, series="evidence_days")[0].name == "Evidence days"


# --- municipalities side by side ---------------------------------------------------------------


def row(ident: str, name: str, **kw: Any) -> CompareRow:
    values: dict[str, Any] = {
        "id": ident,
        "name": name,
        "hubs": 1,
        "desks": 10,
        "utilisation": 0.3,
        "coverage": 0.9,
        "utilisation_reason": None,
        "peak_at_service_level": 6,
        "recommended": 7,
        "evidence_days": 22,
        "too_few_days": False,
        "capacity_reason": None,
        "days_at_capacity": 0,
        "days_at_capacity_share": 0.0,
    }
    values.update(kw)
    return CompareRow(**values)


ROWS = [
    row("berg", "Berg"),
    row(
        "are",
        "Åre",
        desks=20,
        utilisation=0.125,
        coverage=0.5,
        peak_at_service_level=15,
        recommended=16,
    ),
    row(
        "x",
        "Utan hubb",
        hubs=0,
        desks=0,
        utilisation=None,
        coverage=None,
        peak_at_service_level=None,
        recommended=None,
        evidence_days=None,
        utilisation_reason="reason_no_hub",
        capacity_reason="reason_no_hub",
    ),
]


def test_compare_figure_groups_the_desks_per_municipality() -> None:
    fig = compare_figure(ROWS, 0.9, "sv")
    (util,) = by_meta(fig, metric="utilisation")
    (desks,) = by_meta(fig, metric="desks")
    (p90,) = by_meta(fig, metric="peak_at_service_level")
    (rec,) = by_meta(fig, metric="recommended_desks")
    assert list(util.x) == ["Berg", "Åre", "Utan hubb"]
    assert list(util.y) == [30.0, 12.5, None]  # no hub: no bar, never 0
    # the share alone on the bar; the coverage is in the hover (and the page's table)
    assert list(util.text) == ["30\u00a0%", "13\u00a0%", ""]
    assert list(util.customdata) == ["90\u00a0%", "50\u00a0%", "–"]
    assert list(desks.y) == [10, 20, None]
    assert list(p90.y) == [6, 15, None]
    assert list(rec.y) == [7, 16, None]
    assert util.yaxis == "y" and {desks.yaxis, p90.yaxis, rec.yaxis} == {"y2"}
    assert fig.layout.barmode == "group"
    assert [desks.name, p90.name, rec.name] == [
        "Platser i dag",
        "Topp vid servicenivån (90\u00a0%)",
        "Rekommenderat antal platser",
    ]
    # the three desk series differ by fill pattern too
    assert len({t.marker.pattern.shape for t in (desks, p90, rec)}) == 3
    assert fig.layout.yaxis2.title.text == "Antal platser"
    assert fig.layout.yaxis2.range[1] >= 16


def test_compare_figure_in_english() -> None:
    fig = compare_figure(ROWS, 0.9, "en")
    names = [t.name for t in fig.data]
    assert names == [
        "Utilisation",
        "Current desks",
        "Peak at service level (90%)",
        "Recommended desks",
    ]
    assert fig.layout.yaxis.title.text == "Utilisation (%)"


@pytest.mark.parametrize(
    "fig",
    [
        daily_figure([DAILY_A, DAILY_B], "sv"),
        profile_figure(profile({(0, 8): 1.0}), "sv"),
        peaks_figure(DAILY_A, CAP_A, 0.8, "sv"),
        compare_figure(ROWS, 0.9, "sv"),
    ],
    ids=["daily", "profile", "peaks", "compare"],
)
def test_figures_are_plain_json_in_swedish_format(fig: go.Figure) -> None:
    data = figure_json(fig)
    assert json.loads(json.dumps(data)) == data
    assert data["layout"]["separators"] == ",\u00a0"  # type: ignore[index]


def test_forecast_figure_draws_each_hubs_band_line_and_desks() -> None:
    from hubsense.query.forecast import ForecastAnswer, ForecastDayFigures, HubForecast

    days = tuple(
        ForecastDayFigures(date(2026, 11, 9) + timedelta(days=i), i % 7, 3.0 + i, 2.0 + i,
                           4.5 + i, 0.3, 0.2, 0.4)
        for i in range(3)
    )
    with_days = HubForecast("a", "Hubb A", 4, 40, ("trend",), ("july",), None, days)
    none = HubForecast("b", "Hubb B", 2, 5, (), (), "few_days", ())
    answer = ForecastAnswer(PERIOD, ScopeRef("municipality", "m", "M"), date(2026, 11, 9), 13,
                            0.9, 56, 20, (with_days, none))
    fig = forecast_figure(answer, "sv")
    (band,) = by_meta(fig, hub="a", series="band")
    assert list(band.y) == [4.5, 5.5, 6.5, 4.0, 3.0, 2.0]  # high forward, low back
    (line,) = by_meta(fig, hub="a", series="peak_concurrency")
    assert list(line.y) == [3.0, 4.0, 5.0]
    (desks,) = by_meta(fig, hub="a", series="desks")
    assert list(desks.y) == [4, 4]
    assert by_meta(fig, hub="b") == []  # no forecast, no trace
    empty = forecast_figure(replace(answer, hubs=(none,)), "en")
    assert not empty.data and empty.layout.annotations[0].text
    # its table: the band as its upper and lower end, a row per day
    from dashboards.usage_render import figure_table

    head, *rows = table_rows(figure_table(fig, "sv", "Datum"))
    assert head[0] == "Datum" and len(rows) == 3
    upper = next(i for i, h in enumerate(head) if h.endswith("övre gräns"))
    lower = next(i for i, h in enumerate(head) if h.endswith("undre gräns"))
    assert [r[upper] for r in rows] == ["4,50", "5,50", "6,50"]
    assert [r[lower] for r in rows] == ["2,00", "3,00", "4,00"]


# --- the figures' numbers as tables (their text alternative) ---------------------------------


def table_rows(html: str) -> list[list[str]]:
    import re

    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]


def test_the_daily_figure_as_a_table() -> None:
    from dashboards.usage_render import figure_table

    html = figure_table(daily_figure([DAILY_A], "sv"), "sv", "Datum")
    assert html.startswith('<details class="figure-data"><summary>Siffrorna i figuren som tabell')
    head, *rows = table_rows(html)
    assert head == ["Datum", "Hubb A: Nyttjandegrad", "Hubb A: Samtidig topp"]
    assert rows == [
        ["2026-11-02", "25,0\u00a0%", "2"],
        ["2026-11-03", "50,0\u00a0%", "4"],
        ["2026-11-04", "–", "1"],
        ["2026-11-05", "40,0\u00a0%", "3"],
        ["2026-11-06", "–", "–"],  # closed
    ]
    english = table_rows(figure_table(daily_figure([DAILY_A], "en"), "en", "Date"))
    assert english[1] == ["02/11/2026", "25.0%", "2"]


def test_the_peaks_figure_as_a_table_leaves_out_the_marker_lines() -> None:
    from dashboards.usage_render import figure_table

    head, *rows = table_rows(figure_table(peaks_figure(DAILY_A, CAP_A, 0.8, "sv"), "sv", "k"))
    assert head[1:] == [
        "Underlagsdagar",
        "Övriga öppetdagar med data (täckning under 80\u00a0%)",
        "Andel dagar då toppen översteg x platser (höger axel)",
    ]
    assert rows[2] == ["2", "1", "0", "50,0\u00a0%"]
    assert rows[5] == ["5", "0", "0", "–"]  # beyond the curve
