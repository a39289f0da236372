"""HTML of the utilisation explorer (``/utilisation``) and the municipality comparison
(``/compare``), from ``dashboards.usage``'s typed answers. Same rules as ``dashboards.render``:
every value escaped, figures as JSON blocks drawn by ``static/usage.js``, only same-origin
resources. Forms are plain GET forms (they work without JavaScript)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Final
from urllib.parse import urlencode

import plotly.graph_objects as go

from dashboards.dates import PeriodInput, date_field
from dashboards.figures import (
    compare_figure,
    daily_figure,
    figure_json,
    forecast_figure,
    peaks_figure,
    profile_figure,
)
from dashboards.i18n import choose_lang, fmt_date, fmt_int, fmt_num, fmt_share, metric, tr
from dashboards.render import (
    DEFINITIONS_PATH,
    TABLE_WRAP,
    Ctx,
    _plotly_version,
    definitions_note,
    esc,
    head_cells,
    json_block,
    page,
    term_link,
    tr_html,
)
from dashboards.usage import Area, Areas, Exploration
from hubsense.glossary import FORECAST_REASON_LABELS, FORECAST_TERM_LABELS, GLOSSARY, Lang
from hubsense.query.capacity import CapacityNeed, HubCapacity
from hubsense.query.compare import Comparison
from hubsense.query.period import Period
from hubsense.query.ranking import DeskRanking

EXPLORER_PATH: Final = "/utilisation"
COMPARE_PATH: Final = "/compare"
SCRIPTS: Final = ("usage.js",)
PEAKS_TERMS: Final = (
    "peak_concurrency",
    "evidence_days",
    "share_exceeding",
    "desks",
    "peak_at_service_level",
    "recommended_desks",
)
_ISO_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
COMPARE_TERMS: Final = ("utilisation", "coverage", "peak_at_service_level", "recommended_desks")
"""The metrics the peaks and the comparison figures show (linked to their definitions)."""


def _scripts() -> list[str]:
    return [f"plotly.min.js?v={_plotly_version()}", *SCRIPTS]


def period_query(period: Period) -> dict[str, str]:
    """A period as the pages' and the API's ``from`` and ``to`` parameters."""
    return {"from": period.first.isoformat(), "to": period.end.isoformat()}


def explorer_query(area: Area, period: Period | None, **extra: str) -> str:
    """``/utilisation?scope=…&id=…&from=…&to=…`` for an area (and period)."""
    params = {
        "scope": area.kind,
        "id": area.id,
        **(period_query(period) if period else {}),
        **extra,
    }
    return f"{EXPLORER_PATH}?{urlencode(params)}"


def figure_html(element_id: str, fig: go.Figure, label: str) -> str:
    """A figure's place on the page and its JSON (``usage.js`` draws it). The place is as
    tall as the figure: on a resize, plotly's responsive mode fits the plot to its place."""
    height = int(fig.layout.height or 320)
    return (
        f'<div class="figure usage-figure" id="{esc(element_id)}" style="min-height: {height}px" '
        f'data-figure="{esc(element_id)}-data" role="img" aria-label="{esc(label)}"></div>\n'
        f"{json_block(element_id + '-data', figure_json(fig))}"
    )


def figure_table(fig: go.Figure, lang: str, x_label: str) -> str:
    """The numbers a figure draws, as a table under it (the chart's text alternative,
    WCAG 1.1.1), folded away in a ``<details>``: a row per x value (per weekday for a
    heatmap), a column per series. Vertical marker lines are left out: their values are
    in the text beside the figure."""
    traces = [t for t in fig.data if "value" not in (t.meta or {})]
    if not traces:
        return ""
    heat = next((t for t in traces if t.type == "heatmap"), None)
    if heat is not None:
        columns = [str(x) for x in heat.x]
        rows = [
            (str(y), [_cell(v, lang, "") for v in zs]) for y, zs in zip(heat.y, heat.z, strict=True)
        ]
    else:
        series = [part for t in traces for part in _table_series(t, lang)]
        xs = list(dict.fromkeys(x for _, points, _ in series for x in points))
        columns = [name for name, _, _ in series]
        by_trace = [points for _, points, _ in series]
        units = [unit for _, _, unit in series]
        rows = [
            (
                _x_text(x, lang),
                [_cell(v.get(x), lang, u) for v, u in zip(by_trace, units, strict=True)],
            )
            for x in xs
        ]
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in [x_label, *columns])
    body = "".join(
        f'<tr><th scope="row">{esc(x)}</th>'
        + "".join(f'<td class="num">{esc(c)}</td>' for c in cells)
        + "</tr>"
        for x, cells in rows
    )
    return f"""<details class="figure-data"><summary>{esc(tr(lang, "figure_as_table"))}</summary>
{TABLE_WRAP}<table class="plan-table"><thead><tr>{head}</tr></thead>
<tbody>{body}</tbody></table></div></details>"""


def _series_key(trace: go.BaseTraceType) -> str:
    meta = trace.meta or {}
    return str(meta.get("metric") or meta.get("series") or "")


def _series_unit(trace: go.BaseTraceType) -> str:
    term = GLOSSARY.get(_series_key(trace))
    return term.unit if term is not None else ""


def _table_series(
    trace: go.BaseTraceType, lang: str
) -> list[tuple[str, dict[object, object], str]]:
    """A trace as table columns (name, x → y, unit): a band (a filled polygon, its upper
    edge forward and its lower edge back) as two, its upper and its lower end."""
    xs, ys = list(trace.x or ()), list(trace.y or ())
    name, unit = _series_name(trace), _series_unit(trace)
    if getattr(trace, "fill", None) == "toself" and len(xs) % 2 == 0 and xs:
        n = len(xs) // 2
        return [
            (tr(lang, "band_high", band=name), dict(zip(xs[:n], ys[:n], strict=True)), unit),
            (tr(lang, "band_low", band=name), dict(zip(xs[n:], ys[n:], strict=True)), unit),
        ]
    return [(name, dict(zip(xs, ys, strict=False)), unit)]


def _series_name(trace: go.BaseTraceType) -> str:
    return "" if trace.name is None else str(trace.name)


def _x_text(x: object, lang: str) -> str:
    if isinstance(x, str) and _ISO_DAY.fullmatch(x):
        return fmt_date(date.fromisoformat(x), lang)
    return fmt_int(x, lang) if isinstance(x, int) else str(x)


def _cell(value: object, lang: str, unit: str) -> str:
    """A drawn value as text: percent where the series is a share (drawn in percent)."""
    if value is None or isinstance(value, bool):
        return "–"
    if isinstance(value, int):
        return fmt_int(value, lang)
    if isinstance(value, float):
        return fmt_share(value / 100, lang, 1) if unit == "%" else fmt_num(value, lang, 2)
    return str(value)


def _figure_with_table(
    element_id: str, fig: go.Figure, label: str, lang: str, x_label: str
) -> str:
    return figure_html(element_id, fig, label) + figure_table(fig, lang, x_label)


def _value(text: str, field: str, note: str = "") -> str:
    small = f' <small class="why" data-note="{esc(field)}">{esc(note)}</small>' if note else ""
    return f'<span class="value" data-field="{esc(field)}">{esc(text)}</span>{small}'


def _problems(ctx: Ctx, problems: Sequence[str]) -> str:
    if not problems:
        return ""
    items = "".join(f"<li>{esc(tr(ctx.lang, 'query_problem', detail=p))}</li>" for p in problems)
    return f'<div class="banner" role="alert" id="query-problems"><ul>{items}</ul></div>'


def _period_line(ctx: Ctx, period: Period) -> str:
    text = tr(
        ctx.lang,
        "period_text",
        first=fmt_date(period.first, ctx.lang),
        last=fmt_date(period.last_day, ctx.lang),
        days=fmt_int(period.days, ctx.lang),
    )
    return f'<p class="plan-meta" id="period">{esc(text)}</p>'


def _date_fields(ctx: Ctx, raw: PeriodInput, period: Period | None) -> str:
    """The period's fields, both inclusive, in the page language's date format."""
    first, last = raw.shown(ctx.lang, period)
    lang_field = '<input type="hidden" name="lang" value="en">' if ctx.lang == "en" else ""
    return f"""{lang_field}
{date_field(ctx.lang, "f-from", "from", tr(ctx.lang, "form_from"), first)}
{date_field(ctx.lang, "f-last", "last", tr(ctx.lang, "form_last"), last)}
<button type="submit">{esc(tr(ctx.lang, "form_show"))}</button>"""


def _download_links(ctx: Ctx, municipality: str | None, period: Period) -> str:
    links = []
    for fmt in ("xlsx", "csv"):
        params = {**period_query(period), "format": fmt, "lang": ctx.lang}
        if municipality is not None:
            params = {"municipality": municipality, **params}
        href = f"{ctx.root}/api/reports/download?{urlencode(params)}"
        links.append(
            f'<a class="button" href="{esc(href)}" id="download-{fmt}" download>{fmt.upper()}</a>'
        )
    return " ".join(links)


def _pct_cell(
    value: float | None, field: str, lang: str, reason: str | None = None, note: str = ""
) -> str:
    """A share in percent with a note (e.g. its coverage), or "–" and the i18n ``reason``."""
    if value is None:
        return f'<td class="num">{_value("–", field, tr(lang, reason) if reason else "")}</td>'
    return f'<td class="num">{_value(fmt_share(value, lang, 1), field, note)}</td>'


def _utilisation_cell(
    utilisation: float | None, coverage: float | None, lang: str, reason: str | None
) -> str:
    """Utilisation is never shown without its coverage (docs/metrics.md)."""
    note = tr(lang, "coverage_short", pct=fmt_share(coverage, lang))
    return _pct_cell(utilisation, "utilisation", lang, reason, note)


def _int_cell(value: int | None, field: str, lang: str, note: str = "") -> str:
    text = "–" if value is None else fmt_int(value, lang)
    return f'<td class="num">{_value(text, field, note)}</td>'


# --- the explorer ----------------------------------------------------------------------------


def _area_form(
    ctx: Ctx,
    offered: Areas,
    chosen: Area | None,
    raw: PeriodInput,
    period: Period | None,
) -> str:
    lang = ctx.lang
    munis, hubs, region = offered.municipalities, offered.hubs, offered.region
    names = {m.id: m.name for m in munis}

    def option(a: Area, text: str) -> str:
        selected = " selected" if chosen is not None and a.value == chosen.value else ""
        return f'<option value="{esc(a.value)}"{selected}>{esc(text)}</option>'

    region_opt = option(region, tr(lang, "form_region", name=region.name))
    muni_opts = "".join(option(m, m.name) for m in munis)
    hub_opts = "".join(option(h, f"{h.name} ({names.get(h.municipality or '', '')})") for h in hubs)
    return f"""<form class="usage-form" id="usage-form" method="get" \
action="{esc(ctx.root + EXPLORER_PATH)}">
<label for="f-area">{esc(tr(lang, "form_area"))}</label>
<select id="f-area" name="area">
{region_opt}
<optgroup label="{esc(tr(lang, "form_municipalities"))}">{muni_opts}</optgroup>
<optgroup label="{esc(tr(lang, "form_hubs"))}">{hub_opts}</optgroup>
</select>
{_date_fields(ctx, raw, period)}
</form>"""


def _key_figures(ctx: Ctx, ex: Exploration) -> str:
    lang = ctx.lang
    s = ex.utilisation.summary
    cap = ex.capacity
    tiles: list[tuple[str, str, str, str]] = []  # label, value, field, note
    if s.utilisation is None:
        why = "reason_no_open_days" if s.open_days == 0 else "reason_no_data_period"
        if ex.area.kind == "municipality" and not ex.hub_ids:
            why = "reason_no_hub"
        tiles.append((metric("utilisation", lang), "–", "utilisation", tr(lang, why)))
    else:
        tiles.append(
            (
                metric("utilisation", lang),
                fmt_share(s.utilisation, lang, 1),
                "utilisation",
                tr(lang, "coverage_short", pct=fmt_share(s.coverage, lang)),
            )
        )
    tiles.append(
        (
            metric("daily_usage_rate", lang),
            fmt_share(s.daily_usage_rate, lang, 1),
            "daily_usage_rate",
            "",
        )
    )
    if ex.area.kind == "hub":
        peak = s.peak_concurrency
        tiles.append(
            (
                metric("peak_concurrency", lang),
                "–"
                if peak is None
                else tr(lang, "of_desks", n=fmt_int(peak, lang), total=fmt_int(s.desks, lang)),
                "peak_concurrency",
                "",
            )
        )
    if cap is not None:
        p90 = cap.peak_at_service_level
        rec = cap.recommended_desks
        no_evidence = tr(lang, "reason_no_evidence", pct=fmt_share(cap.evidence_min_coverage, lang))
        p90_label = tr(
            lang,
            "at_service_level",
            label=metric("peak_at_service_level", lang),
            pct=fmt_share(cap.service_level, lang),
        )
        tiles.append(
            (
                p90_label,
                "–" if p90 is None else fmt_int(p90, lang),
                "peak_at_service_level",
                no_evidence if p90 is None else "",
            )
        )
        diff = "" if rec is None else f"{metric('desks', lang)}: {fmt_int(cap.desks, lang)}"
        if cap.lower_bound:
            diff = tr(lang, "lower_bound_note", n=fmt_int(cap.days_at_capacity, lang))
        tiles.append(
            (
                metric("recommended_desks", lang),
                "–" if rec is None else fmt_int(rec, lang),
                "recommended_desks",
                no_evidence if rec is None else diff,
            )
        )
        if cap.lower_bound:
            tiles.append(_demand_tile(cap, lang))
        tiles.append(
            (
                metric("days_at_capacity", lang),
                fmt_int(cap.days_at_capacity, lang),
                "days_at_capacity",
                _saturation_note(cap.days_at_capacity_share, cap.full_hours, lang),
            )
        )
        evidence = min((h.evidence_days for h in cap.hubs), default=0)
        tiles.append(
            (
                metric("evidence_days", lang),
                fmt_int(evidence, lang),
                "evidence_days",
                metric("too_few_days", lang) if cap.too_few_days else "",
            )
        )
    tiles.append((metric("desks", lang), fmt_int(s.desks, lang), "desks", ""))
    tiles.append((metric("open_days", lang), fmt_int(s.open_days, lang), "open_days", ""))
    tiles.append(
        (
            metric("suspect_desks", lang),
            fmt_int(s.suspect_desks, lang),
            "suspect_desks",
            _suspects_note(ex),
        )
    )
    items = "".join(
        f'<div class="kf"><dt>{term_link(ctx, field, label)}</dt>'
        f"<dd>{_value(value, field, note)}</dd></div>"
        for label, value, field, note in tiles
    )
    return f'<dl class="key-figures" id="key-figures">{items}</dl>'


def _demand_tile(cap: CapacityNeed, lang: str) -> tuple[str, str, str, str]:
    """The estimated demand of a scope with a full hub: the recommendation from it, and the
    range of the estimate (or why there is none)."""
    rec = cap.demand_recommended_desks
    if rec is None:
        reasons = {h.demand_reason for h in cap.hubs if h.demand_reason is not None}
        why = "demand_all_full" if reasons == {"all_full"} else "demand_too_few_measured"
        note = tr(lang, why) if reasons else ""
        return metric("demand_recommended_desks", lang), "–", "demand_recommended_desks", note
    note = _estimate_text(cap.demand_at_service_level, cap.demand_low, cap.demand_high, lang)
    field = "demand_recommended_desks"
    return metric(field, lang), fmt_int(rec, lang), field, note


def _hub_demand_note(c: HubCapacity, lang: str) -> str:
    """A full hub's range of estimated demand, or why it has none; "" if never full."""
    if not c.lower_bound:
        return ""
    if c.demand_reason is not None:
        return tr(lang, f"demand_{c.demand_reason}")
    return _estimate_text(c.demand_at_service_level, c.demand_low, c.demand_high, lang)


def _estimate_text(est: int | None, low: int | None, high: int | None, lang: str) -> str:
    """"Skattad efterfrågan vid servicenivån: 11, intervall 10–13"."""
    if est is None:
        return ""
    text = f"{metric('demand_at_service_level', lang)}: {fmt_int(est, lang)}"
    if low is None or high is None:
        return text
    return f"{text}, " + tr(lang, "demand_range", low=fmt_int(low, lang), high=fmt_int(high, lang))


def _forecast(ctx: Ctx, ex: Exploration) -> str:
    """The forecast figure, and per hub why it has none or what it cannot tell."""
    lang = ctx.lang
    assert ex.forecast is not None
    glossary_lang: Lang = "sv" if choose_lang(lang) == "sv" else "en"
    notes = []
    for h in ex.forecast.hubs:
        if h.reason is not None:
            notes.append((h.hub, FORECAST_REASON_LABELS[h.reason][glossary_lang].format(
                hub=h.name)))
        elif h.not_estimated:
            terms = ", ".join(FORECAST_TERM_LABELS[t][glossary_lang] for t in h.not_estimated)
            notes.append((h.hub, tr(lang, "forecast_not_estimated", hub=h.name, terms=terms)))
    items = "".join(
        f'<li data-hub="{esc(hub)}">{esc(text)}</li>' for hub, text in notes
    )
    title = tr(lang, "sec_forecast")
    return (
        f'<p class="plan-meta">{esc(tr(lang, "forecast_lead"))}</p>'
        + _figure_with_table("fig-forecast", forecast_figure(ex.forecast, lang), title, lang,
                             tr(lang, "axis_date"))
        + (f'<ul class="why-list" id="forecast-notes">{items}</ul>' if items else "")
    )


def _saturation_note(share: float | None, full_hours: float | None, lang: str) -> str:
    """"35 % of evidence days; 12.5 h at full" (what a count of full days rests on)."""
    parts = []
    if share is not None:
        parts.append(tr(lang, "share_of_evidence_days", pct=fmt_share(share, lang)))
    if full_hours is not None:
        parts.append(f"{metric('full_hours', lang)}: {fmt_num(full_hours, lang, 1)} h")
    return "; ".join(parts)


SUSPECTS_SHOWN: Final = 6


def _suspects_note(ex: Exploration) -> str:
    """Which desks the suspect-sensor count is (for callers who may see desks): their ids,
    with the hub's name when the area has several hubs."""
    if not ex.suspects:
        return ""
    names = {d.scope.id: d.scope.name for d in ex.dailies}
    several = len(names) > 1
    desks = list(
        dict.fromkeys(
            f"{s.desk} ({names.get(s.hub, s.hub)})" if several else s.desk for s in ex.suspects
        )
    )
    more = " …" if len(desks) > SUSPECTS_SHOWN else ""
    return ", ".join(desks[:SUSPECTS_SHOWN]) + more


def _hubs_table(ctx: Ctx, ex: Exploration) -> str:
    lang = ctx.lang
    if ex.capacity is None:
        return ""
    caps = {h.hub: h for h in ex.capacity.hubs}
    summaries = ex.hub_summaries
    p90 = tr(
        lang,
        "at_service_level",
        label=metric("peak_at_service_level", lang),
        pct=fmt_share(ex.capacity.service_level, lang),
    )
    heads: list[tuple[str, str | None]] = [
        (tr(lang, "hub"), None),
        (metric("desks", lang), "desks"),
        (metric("utilisation", lang), "utilisation"),
        (metric("peak_concurrency", lang), "peak_concurrency"),
        (p90, "peak_at_service_level"),
        (metric("recommended_desks", lang), "recommended_desks"),
        (metric("demand_recommended_desks", lang), "demand_recommended_desks"),
        (metric("days_at_capacity", lang), "days_at_capacity"),
        (metric("evidence_days", lang), "evidence_days"),
    ]
    rows = []
    for hub_id in ex.hub_ids:
        s, c = summaries[hub_id], caps[hub_id]
        why = None if s.utilisation is not None else "reason_no_data_period"
        few = metric("too_few_days", lang) if c.too_few_days else ""
        full = _saturation_note(c.days_at_capacity_share, c.full_hours, lang)
        bound = metric("lower_bound", lang).lower() if c.lower_bound else ""
        demand = _hub_demand_note(c, lang)
        rows.append(
            f'<tr data-hub="{esc(hub_id)}"><th scope="row">{esc(c.name)}</th>'
            f"{_int_cell(c.desks, 'desks', lang)}"
            f"{_utilisation_cell(s.utilisation, s.coverage, lang, why)}"
            f"{_int_cell(s.peak_concurrency, 'peak_concurrency', lang)}"
            f"{_int_cell(c.peak_at_service_level, 'peak_at_service_level', lang)}"
            f"{_int_cell(c.recommended_desks, 'recommended_desks', lang, bound)}"
            f"{_int_cell(c.demand_recommended_desks, 'demand_recommended_desks', lang, demand)}"
            f"{_int_cell(c.days_at_capacity, 'days_at_capacity', lang, full)}"
            f"{_int_cell(c.evidence_days, 'evidence_days', lang, few)}</tr>"
        )
    head = head_cells(ctx, heads)
    return f"""{TABLE_WRAP}<table class="plan-table" id="hubs-table">
<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>"""


def _ranking_table(
    ctx: Ctx,
    ranking: DeskRanking,
    title: str,
    element_id: str,
    hub_names: Mapping[str, str],
) -> str:
    """Desks of the ranking (``/api/reports/desks``, in its order); the hub's name under the desk id
    when the ranking spans several hubs."""
    lang = ctx.lang
    heads: list[tuple[str, str | None]] = [
        ("#", None),
        (tr(lang, "desk"), None),
        (metric("utilisation", lang), "utilisation"),
        (metric("coverage", lang), "coverage"),
        (metric("usage_band", lang), "usage_band"),
    ]
    rows = []
    for d in ranking.desks:
        suspect = f' <small class="why">⚠ {esc(tr(lang, "suspect"))}</small>' if d.suspect else ""
        band = "–" if d.usage_band is None else _band(d.usage_band, lang)
        where = ""
        if len(hub_names) > 1:
            where = f' <small class="why">{esc(hub_names.get(d.hub, d.hub))}</small>'
        rows.append(
            f'<tr data-desk="{esc(d.hub)}/{esc(d.desk)}">'
            f'<td class="num">{d.rank}</td>'
            f'<th scope="row">{esc(d.desk)}{where}{suspect}</th>'
            f"{_pct_cell(d.utilisation, 'utilisation', lang)}"
            f"{_pct_cell(d.coverage, 'coverage', lang)}"
            f"<td>{esc(band)}</td></tr>"
        )
    head = head_cells(ctx, heads)
    return f"""{TABLE_WRAP}<table class="plan-table rank-table" id="{esc(element_id)}">
<caption>{esc(title)}</caption>
<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>"""


def _band(name: str, lang: str) -> str:
    from hubsense.glossary import BAND_LABELS

    labels = BAND_LABELS.get(name)
    return name if labels is None else labels["sv" if lang == "sv" else "en"]


def _lead(ctx: Ctx, key: str) -> str:
    """A page's lead text with its link to the definitions page."""
    link = (
        f'<a href="{ctx.href(DEFINITIONS_PATH)}">{esc(tr(ctx.lang, "definitions_link"))}</a>'
    )
    return tr_html(ctx.lang, key, definitions=link)


def _section(element_id: str, title: str, body: str) -> str:
    return f"""<section class="plan-section" id="{esc(element_id)}" \
aria-labelledby="{esc(element_id)}-title">
<h2 id="{esc(element_id)}-title">{esc(title)}</h2>
{body}
</section>"""


def explorer_page(
    ctx: Ctx,
    *,
    areas: Areas,
    chosen: Area | None,
    raw: PeriodInput,
    ex: Exploration | None,
    problems: Sequence[str] = (),
    desks_allowed: bool = False,
    report_allowed: bool = False,
) -> str:
    """The explorer; with ``ex`` None (a bad query) only the form and the problems."""
    lang = ctx.lang
    name = chosen.name if chosen is not None else ""
    title = tr(lang, "explorer_title", name=name) if name else tr(lang, "nav_utilisation")
    parts = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="subtitle">{_lead(ctx, "explorer_lead")}</p>',
        _area_form(ctx, areas, chosen, raw, ex.period if ex else None),
        _problems(ctx, problems),
    ]
    path = EXPLORER_PATH
    if ex is not None:
        path = explorer_query(ex.area, ex.period)
        parts.append(_period_line(ctx, ex.period))
        parts.append(_body(ctx, ex, desks_allowed=desks_allowed, report_allowed=report_allowed))
    return page(
        ctx,
        title=title,
        path=path,
        body="\n".join(p for p in parts if p),
        scripts=_scripts() if ex is not None else (),
        body_class="page-usage page-explorer",
    )


def _body(ctx: Ctx, ex: Exploration, *, desks_allowed: bool, report_allowed: bool) -> str:
    lang = ctx.lang
    parts = [_section("sec-key", tr(lang, "sec_key_figures"), _key_figures(ctx, ex))]
    cap = ex.capacity
    if cap is None:
        parts.append(f'<p class="banner" role="note">{esc(tr(lang, "no_hubs_here"))}</p>')
        return "\n".join(parts)
    if cap.too_few_days:
        evidence = min((h.evidence_days for h in cap.hubs), default=0)
        text = tr(
            lang, "too_few_banner", n=fmt_int(evidence, lang), min=fmt_int(cap.min_days, lang)
        )
        parts.append(f'<p class="banner banner-note" role="note" id="too-few">{esc(text)}</p>')
    parts.append(
        _section(
            "sec-daily",
            tr(lang, "sec_daily"),
            _figure_with_table(
                "fig-daily", daily_figure(ex.dailies, lang), tr(lang, "sec_daily"), lang,
                tr(lang, "axis_date"),
            )
            + definitions_note(ctx, ("utilisation", "coverage", "peak_concurrency")),
        )
    )
    if ex.forecast is not None:
        parts.append(_section("sec-forecast", tr(lang, "sec_forecast"), _forecast(ctx, ex)))
    if ex.profile is not None:
        parts.append(
            _section(
                "sec-profile",
                tr(lang, "sec_profile"),
                _figure_with_table(
                    "fig-profile", profile_figure(ex.profile, lang), tr(lang, "sec_profile"),
                    lang, tr(lang, "weekday"),
                )
                + definitions_note(ctx, ("mean_concurrency",)),
            )
        )
    caps = {h.hub: h for h in cap.hubs}
    peaks = []
    for daily in ex.dailies:
        hub = daily.scope.id
        c = caps[hub]
        fig = peaks_figure(daily, c, cap.evidence_min_coverage, lang)
        shown: tuple[tuple[str, int | None], ...] = (
            ("desks", c.desks),
            ("peak_at_service_level", c.peak_at_service_level),
            ("recommended_desks", c.recommended_desks),
            ("evidence_days", c.evidence_days),
        )
        facts = " · ".join(
            f"{metric(key, lang)}: {'–' if value is None else fmt_int(value, lang)}"
            for key, value in shown
        )
        peaks.append(
            f'<div class="hub-peaks" data-hub="{esc(hub)}"><h3>{esc(c.name)}</h3>'
            f'<p class="muted">{esc(facts)}</p>'
            + _figure_with_table(
                f"fig-peaks-{hub}",
                fig,
                tr(lang, "sec_peaks") + ": " + c.name,
                lang,
                metric("peak_concurrency", lang),
            )
            + "</div>"
        )
    peaks.append(definitions_note(ctx, PEAKS_TERMS))
    parts.append(_section("sec-peaks", tr(lang, "sec_peaks"), "\n".join(peaks)))
    parts.append(_section("sec-hubs", tr(lang, "sec_hubs"), _hubs_table(ctx, ex)))
    if desks_allowed and ex.most_used is not None and ex.least_used is not None:
        names = {d.scope.id: d.scope.name for d in ex.dailies}
        desks = (
            f'<p class="muted">{esc(tr(lang, "desks_planner_note"))}</p>'
            '<div class="rank-pair">'
            f"{_ranking_table(ctx, ex.most_used, tr(lang, 'most_used'), 'most-used', names)}"
            f"{_ranking_table(ctx, ex.least_used, tr(lang, 'least_used'), 'least-used', names)}"
            "</div>"
        )
    else:
        desks = f'<p class="muted" id="desks-hidden">{esc(tr(lang, "desks_hidden"))}</p>'
    parts.append(_section("sec-desks", tr(lang, "sec_desks"), desks))
    if report_allowed:
        note = ""
        if ex.area.kind == "hub":
            note = f' <span class="muted">{esc(tr(lang, "report_hub_note"))}</span>'
        text = tr(lang, "report_text", name=ex.area.municipality_name)
        report = (
            f'<p class="downloads">{esc(text)} '
            f"{_download_links(ctx, ex.area.municipality, ex.period)}{note}</p>"
        )
    else:
        report = f'<p class="muted" id="report-hidden">{esc(tr(lang, "report_hidden"))}</p>'
    parts.append(_section("sec-report", tr(lang, "sec_report"), report))
    return "\n".join(parts)


# --- the comparison ----------------------------------------------------------------------------


def compare_page(
    ctx: Ctx,
    *,
    region: str,
    raw: PeriodInput,
    cmp: Comparison | None,
    problems: Sequence[str] = (),
    report_allowed: bool = False,
) -> str:
    lang = ctx.lang
    title = tr(lang, "compare_title")
    period = cmp.period if cmp else None
    form = f"""<form class="usage-form" id="compare-form" method="get" \
action="{esc(ctx.root + COMPARE_PATH)}">
{_date_fields(ctx, raw, period)}
</form>"""
    parts = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="subtitle">{esc(tr(lang, "compare_lead"))}</p>',
        form,
        _problems(ctx, problems),
    ]
    path = COMPARE_PATH
    if cmp is not None:
        path = f"{COMPARE_PATH}?{urlencode(period_query(cmp.period))}"
        parts.append(_period_line(ctx, cmp.period))
        fig = compare_figure(cmp.rows, cmp.service_level, lang)
        parts.append(
            _section(
                "sec-compare",
                tr(lang, "sec_compare"),
                figure_html("fig-compare", fig, title)  # the table below has its numbers
                + definitions_note(ctx, COMPARE_TERMS)
                + _compare_table(ctx, cmp),
            )
        )
        if report_allowed:
            text = tr(lang, "report_text", name=region)
            parts.append(
                f'<p class="downloads">{esc(text)} {_download_links(ctx, None, cmp.period)}</p>'
            )
    return page(
        ctx,
        title=title,
        path=path,
        body="\n".join(p for p in parts if p),
        scripts=_scripts() if cmp is not None else (),
        body_class="page-usage page-compare",
    )


def _compare_table(ctx: Ctx, cmp: Comparison) -> str:
    lang = ctx.lang
    p90 = tr(
        lang,
        "at_service_level",
        label=metric("peak_at_service_level", lang),
        pct=fmt_share(cmp.service_level, lang),
    )
    heads: list[tuple[str, str | None]] = [
        (tr(lang, "municipality"), None),
        (metric("desks", lang), "desks"),
        (metric("utilisation", lang), "utilisation"),
        (p90, "peak_at_service_level"),
        (metric("recommended_desks", lang), "recommended_desks"),
        (tr(lang, "difference"), "difference"),
        (metric("days_at_capacity", lang), "days_at_capacity"),
        (metric("evidence_days", lang), "evidence_days"),
    ]
    rows = []
    for r in cmp.rows:
        area = Area("municipality", r.id, r.name, r.id, r.name)
        link = ctx.href(explorer_query(area, cmp.period))
        reason = r.capacity_reason
        why = ""
        if reason is not None:
            why = tr(lang, reason, pct=fmt_share(cmp.min_coverage, lang))
        diff = r.difference
        diff_text = "–" if diff is None else ("+" if diff > 0 else "") + fmt_num(diff, lang)
        few = metric("too_few_days", lang) if r.too_few_days else ""
        full = _saturation_note(r.days_at_capacity_share, None, lang)
        hubs = tr(lang, "hubs_count", n=fmt_int(r.hubs, lang))
        rows.append(
            f'<tr data-municipality="{esc(r.id)}"><th scope="row">'
            f'<a href="{link}">{esc(r.name)}</a>'
            f'<small class="why" data-note="hubs">{esc(hubs)}</small></th>'
            f"{_int_cell(r.desks, 'desks', lang)}"
            f"{_utilisation_cell(r.utilisation, r.coverage, lang, r.utilisation_reason)}"
            f"{_int_cell(r.peak_at_service_level, 'peak_at_service_level', lang, why)}"
            f"{_int_cell(r.recommended, 'recommended_desks', lang)}"
            f'<td class="num">{_value(diff_text, "difference")}</td>'
            f"{_int_cell(r.days_at_capacity, 'days_at_capacity', lang, full)}"
            f"{_int_cell(r.evidence_days, 'evidence_days', lang, few)}</tr>"
        )
    head = head_cells(ctx, heads)
    return f"""{TABLE_WRAP}<table class="plan-table" id="compare-table">
<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>"""
