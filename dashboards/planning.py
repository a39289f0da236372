"""The planning page, ``GET /planning``: where the next hub goes and how big.

It shows, for every municipality of the registry, measured or projected desks needed with
a low–high range, the commuting saved, the calculation behind each number, the facts
behind them, and every assumption in a form that re-queries the page (a plain GET form:
it works without JavaScript). The numbers are ``GET /api/planning``'s, computed by the
same use case (``hubsense.query.planning``). ``planning.js`` only draws the Plotly figure
from the page's JSON block. Planners only (api.security.POLICY); a scoped key sees the
municipalities its scope sees whole (``hubsense.access.AccessScope.planning_view``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from pathlib import PurePath
from typing import Annotated, Final
from urllib.parse import urlencode

import plotly.graph_objects as go
from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from api.deps import QueryContextDep
from api.errors import status_of
from dashboards.dates import PeriodInput, date_field
from dashboards.figures import FONT, SEPARATORS, figure_json
from dashboards.i18n import fmt_date, tr
from dashboards.pages import _PAGE_HEADERS
from dashboards.render import (
    TABLE_WRAP,
    Ctx,
    _plotly_version,
    esc,
    head_cells,
    json_block,
    page,
    page_ctx,
)
from hubsense.planning.explain import explain
from hubsense.planning.export import AssumptionRow, assumption_rows
from hubsense.planning.params import PlanningQuery
from hubsense.planning.plan import MunicipalityPlan, Note, Plan, Span
from hubsense.planning.privacy import Suppressed, Value
from hubsense.planning.text import (
    Lang,
    assumption_name,
    fmt_num,
    fmt_pct,
    fmt_range,
    label,
    note_text,
)
from hubsense.query.errors import QueryError
from hubsense.query.period import Period
from hubsense.query.planning import planning
from hubsense.store.base import StoreError

log = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

PATH: Final = "/planning"
COLOURS: Final = {"projected": "#0072b2", "measured": "#d55e00", "now": "#1a1a1a"}
"""Okabe–Ito; the three traces also differ in marker shape (circle, diamond, bar)."""

FORM_FIELDS: Final = (
    "eligible",
    "adoption",
    "adoption_low",
    "adoption_high",
    "peak_ratio",
    "buffer",
    "horizon_years",
    "open_days_per_year",
    "min_commute_km",
    "hub_trip_km",
    "hub_trip_minutes",
    "speed_kmh",
    "co2_kg_per_km",
    "long_commute_minutes",
)

LangQuery = Annotated[
    str | None, Query(description="Page language: sv (default) or en.", max_length=8)
]


def _lang(ctx: Ctx) -> Lang:
    return "en" if ctx.lang == "en" else "sv"


def _html(text: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status_code, headers=_PAGE_HEADERS)


def _query_params(request: Request) -> dict[str, str]:
    """The query string without empty fields (an empty form field means: the default)."""
    return {k: v for k, v in request.query_params.items() if v.strip() != ""}


def _period_input(raw: dict[str, str]) -> PeriodInput:
    return PeriodInput(raw.get("from"), raw.get("to"), raw.get("last"))


def _api_params(raw: dict[str, str]) -> dict[str, str]:
    """The query as the planning use case takes it: the form's inclusive ``last`` and
    either date spelling become the API's ISO ``from`` and exclusive ``to``."""
    params = {k: v for k, v in raw.items() if k not in ("from", "to", "last")}
    first, end = _period_input(raw).api_dates()
    params.update({k: v for k, v in (("from", first), ("to", end)) if v is not None})
    return params


@router.get(PATH, response_class=HTMLResponse)
def planning_view(request: Request, ask: QueryContextDep, lang: LangQuery = None) -> HTMLResponse:
    ctx = page_ctx(request, lang)
    raw = _query_params(request)
    raw["lang"] = ctx.lang
    try:
        q = PlanningQuery.model_validate(_api_params(raw))
        answer = planning(ask, q)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or 'query'}: {e['msg']}" for e in exc.errors()
        ]
        return _html(planning_page(ctx, None, raw, problems), 422)
    except QueryError as exc:
        return _html(planning_page(ctx, None, raw, [str(exc)]), status_of(exc))
    except StoreError as exc:
        log.warning("planning page: store unavailable: %s", exc)
        return _html(planning_page(ctx, None, raw, [tr(ctx.lang, "store_unavailable")]), 503)
    plan, error = answer.plan, answer.facts_error
    rows = assumption_rows(plan, _lang(ctx), answer.defaults)
    facts_error = str(error) if error is not None else None
    return _html(planning_page(ctx, plan, raw, [], rows, facts_error=facts_error))


# --- the figure ---------------------------------------------------------------------------


def _number(v: Value) -> float | None:
    return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None


def planning_figure(plan: Plan, lang: Lang) -> go.Figure:
    """Municipalities in rank order (first on top): projected desks needed with low–high
    error bars, measured desks needed, and desks now."""
    names = [p.name for p in plan.municipalities]
    proj = [(p.name, p.projection.desks) for p in plan.municipalities if p.projection]
    proj = [(n, s) for n, s in proj if _number(s.mid) is not None]
    meas = [
        (p.name, p.measured.recommended_desks)
        for p in plan.municipalities
        if p.measured is not None and p.measured.recommended_desks is not None
    ]
    now = [(p.name, p.desks_now) for p in plan.municipalities if p.hubs]

    def mids(items: list[tuple[str, Span]]) -> list[float]:
        return [_number(s.mid) or 0.0 for _, s in items]

    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            name=label("projected", lang) + f" ({label('low', lang)}–{label('high', lang)})",
            x=mids(proj),
            y=[n for n, _ in proj],
            mode="markers",
            marker={"symbol": "circle", "size": 11, "color": COLOURS["projected"]},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": [(_number(s.high) or 0) - (_number(s.mid) or 0) for _, s in proj],
                "arrayminus": [(_number(s.mid) or 0) - (_number(s.low) or 0) for _, s in proj],
                "color": COLOURS["projected"],
                "thickness": 2,
                "width": 6,
            },
            customdata=[[fmt_num(s.low, lang), fmt_num(s.high, lang)] for _, s in proj],
            hovertemplate="%{y}: %{x} (%{customdata[0]}–%{customdata[1]})<extra>"
            + label("projected", lang)
            + "</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            name=label("measured", lang),
            x=[v for _, v in meas],
            y=[n for n, _ in meas],
            mode="markers",
            marker={
                "symbol": "diamond",
                "size": 13,
                "color": COLOURS["measured"],
                "line": {"color": "#ffffff", "width": 1},
            },
            hovertemplate="%{y}: %{x}<extra>" + label("measured", lang) + "</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            name=label("desks_now", lang),
            x=[v for _, v in now],
            y=[n for n, _ in now],
            mode="markers",
            marker={
                "symbol": "line-ns-open",
                "size": 18,
                "color": COLOURS["now"],
                "line": {"width": 2},
            },
            hovertemplate="%{y}: %{x}<extra>" + label("desks_now", lang) + "</extra>",
        )
    )
    fig.update_layout(
        separators=SEPARATORS[lang],
        height=110 + 42 * max(len(names), 1),
        margin={"l": 10, "r": 20, "t": 10, "b": 50},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT, "size": 14, "color": "#1a1a1a"},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        xaxis={
            "title": {"text": label("desks_needed", lang)},
            "rangemode": "tozero",
            "gridcolor": "#d9d9d9",
            "zeroline": True,
            "fixedrange": True,
        },
        yaxis={
            "type": "category",
            "categoryorder": "array",
            "categoryarray": names,
            "autorange": "reversed",
            "automargin": True,
            "fixedrange": True,
        },
    )
    return fig


# --- the HTML -----------------------------------------------------------------------------


def _v(value: Value, lang: Lang, decimals: int = 0, field: str = "") -> str:
    text = fmt_num(value, lang, decimals)
    cls = ' class="suppressed"' if isinstance(value, Suppressed) else ""
    data = f' data-field="{esc(field)}"' if field else ""
    return f"<span{cls}{data}>{esc(text)}</span>"


def _p(value: Value, lang: Lang, field: str = "") -> str:
    text = fmt_pct(value, lang)
    cls = ' class="suppressed"' if isinstance(value, Suppressed) else ""
    data = f' data-field="{esc(field)}"' if field else ""
    return f"<span{cls}{data}>{esc(text)}</span>"


def _r(s: Span | None, lang: Lang, field: str, decimals: int = 0) -> str:
    if s is None:
        return f'<span data-field="{esc(field)}">–</span>'
    text = fmt_range(s.low, s.mid, s.high, lang, decimals)
    cls = ' class="suppressed"' if isinstance(s.mid, Suppressed) else ""
    return f'<span{cls} data-field="{esc(field)}">{esc(text)}</span>'


def _notes(p: MunicipalityPlan, lang: Lang) -> list[tuple[Note, str]]:
    return [(n, note_text(n.code, dict(n.params), lang)) for n in p.notes]


def _common_notes(plan: Plan, lang: Lang) -> dict[str, list[str]]:
    """Notes that read the same for several municipalities (note text → their names):
    said once above the table instead of under every row."""
    by_text: dict[str, list[str]] = {}
    for p in plan.municipalities:
        for text in dict.fromkeys(text for _, text in _notes(p, lang)):
            by_text.setdefault(text, []).append(p.name)
    return {text: names for text, names in by_text.items() if len(names) > 1}


def _common_notes_html(common: dict[str, list[str]], lang: Lang) -> str:
    if not common:
        return ""
    items = "".join(
        f"<li>{esc(text)} <span class=\"muted\">({esc(', '.join(names))})</span></li>"
        for text, names in common.items()
    )
    return (
        f'<div class="plan-common-notes" id="common-notes"><p>{esc(label("common_notes", lang))}:'
        f"</p><ul>{items}</ul></div>"
    )


def _row(
    p: MunicipalityPlan, plan: Plan, lang: Lang, columns: int, common: Mapping[str, object]
) -> str:
    m, pr, b = p.measured, p.projection, p.benefit
    basis = label(f"basis_{p.basis}", lang)
    measured = "–"
    if m is not None:
        measured = (
            f"{_v(m.recommended_desks, lang, field='measured-desks')} · "
            f"{esc(fmt_num(m.visits_per_day, lang, 1))} "
            f"{esc(label('visits_per_day', lang).lower())} · "
            f"{_p(m.adoption, lang, 'measured-adoption')}"
        )
    projected = "–"
    if pr is not None:
        projected = (
            f"{_r(pr.desks, lang, 'projected-desks')} · {esc(fmt_pct(pr.adoption.mid, lang))}"
        )
    notes = "".join(
        f'<li data-note="{esc(n.code)}">{esc(text)}</li>'
        for n, text in _notes(p, lang)
        if text not in common
    )
    explained = "".join(f"<li>{esc(line)}</li>" for line in explain(p, plan, lang))
    how = "Så räknades det" if lang == "sv" else "How it was computed"
    return f"""<tr class="plan-row basis-{esc(p.basis)}" data-municipality="{esc(p.id)}">
<td class="num" data-field="rank">{p.rank}</td>
<th scope="row">{esc(p.name)}</th>
<td class="num">{esc(fmt_num(p.hubs, lang))} / {esc(fmt_num(p.desks_now, lang))}</td>
<td data-field="basis">{esc(basis)}</td>
<td class="num">{_v(p.eligible, lang, field="eligible")}</td>
<td class="num strong">{_r(p.desks_needed, lang, "desks-needed")}</td>
<td class="num">{measured}</td>
<td class="num">{projected}</td>
<td class="num">{_r(b.hours_per_year if b else None, lang, "hours")}</td>
<td class="num">{_v(b.km_per_year.mid if b else None, lang, field="km")}</td>
<td class="num">{_v(b.co2_tonnes_per_year.mid if b else None, lang, 1, field="co2")}</td>
</tr>
<tr class="plan-detail" data-detail="{esc(p.id)}"><td colspan="{columns}">
<details><summary>{esc(how)}</summary><ul class="explain">{explained}</ul></details>
{f'<ul class="plan-notes">{notes}</ul>' if notes else ""}
</td></tr>"""


def _evidence_table(ctx: Ctx, plan: Plan, lang: Lang) -> str:
    """The facts per municipality, as two tables that fit a laptop's width: the labour
    market and population figures, then the commuting distance bands. Headers of terms the
    definitions page explains link to them."""
    minutes = fmt_num(plan.assumptions.long_commute_minutes, lang)
    defined: list[tuple[str, str | None]] = [
        (label("municipality", lang), None),
        (label("facts_period", lang), None),
        (label("employed_residents", lang), None),
        (label("commuters", lang), None),
        (label("long_commuters", lang, minutes=minutes), "long_commuters"),
        (label("rest_hours", lang), "rest_hours"),
        (label("shift_workers", lang), None),
        (label("shift_long", lang), None),
        (label("open_positions", lang), "open_positions"),
        (label("growth", lang), None),
        (label("in_per_1000", lang), None),
    ]
    heads = [text for text, _ in defined]
    bands: list[str] = []
    first = next((p.evidence for p in plan.municipalities if p.evidence), None)
    if first is not None:
        bands = [label("band_n", lang, band=b.label) for b in first.bands]
    rows = []
    band_rows = []
    for p in plan.municipalities:
        ev = p.evidence
        name = f'<th scope="row">{esc(p.name)}</th>'
        if ev is None:
            cells = "".join("<td>–</td>" for _ in range(len(heads) - 1))
            rows.append(f'<tr data-municipality="{esc(p.id)}">{name}{cells}</tr>')
            empty = "".join("<td>–</td>" for _ in bands)
            band_rows.append(f'<tr data-municipality="{esc(p.id)}">{name}{empty}</tr>')
            continue
        band_cells = "".join(
            f'<td class="num">{_v(b.n, lang, field="band-" + b.key)}</td>' for b in ev.bands
        )
        band_rows.append(f'<tr data-municipality="{esc(p.id)}">{name}{band_cells}</tr>')
        rows.append(
            f"""<tr data-municipality="{esc(p.id)}">{name}
<td>{esc(fmt_date(ev.first_day, lang))} – {esc(fmt_date(ev.last_day, lang))}</td>
<td class="num">{_v(ev.employed_residents, lang, field="employed")}</td>
<td class="num">{_v(ev.commuters, lang, field="commuters")} ({_p(ev.commuter_share, lang)})</td>
<td class="num">{_v(ev.long_commuters, lang, field="long")} ({_p(ev.long_commute_share, lang)})</td>
<td class="num">{_v(ev.rest_hours, lang, 1, field="rest")}</td>
<td class="num">{_v(ev.shift_workers, lang, field="shift")}</td>
<td class="num">{_v(ev.shift_workers_long_commute, lang, field="shift-long")}</td>
<td class="num">{_v(ev.open_positions, lang, field="open")} \
({_v(ev.open_positions_per_100, lang, 1)})</td>
<td class="num">{_p(ev.growth_per_year, lang)}</td>
<td class="num">{_v(ev.in_migration_per_1000, lang, 1)}</td></tr>"""
        )
    head = head_cells(ctx, defined)
    tables = f"""{TABLE_WRAP}<table class="plan-table" id="evidence-table">
<thead><tr>{head}</tr></thead>
<tbody>{"".join(rows)}</tbody></table></div>"""
    if bands:
        band_head = "".join(
            f'<th scope="col">{esc(h)}</th>' for h in [label("municipality", lang), *bands]
        )
        tables += f"""
{TABLE_WRAP}<table class="plan-table" id="bands-table">
<caption>{esc(label("t_bands", lang))}</caption>
<thead><tr>{band_head}</tr></thead>
<tbody>{"".join(band_rows)}</tbody></table></div>"""
    return tables


def _file_name(source: str | None) -> str:
    """The facts file's name, never the server's path to it."""
    return "–" if not source else PurePath(source).name


def _shown_assumption(r: AssumptionRow, lang: Lang) -> str:
    if r.value is None:
        return "–"
    if r.key == "eligible":
        return label(f"eligible_{r.value}", lang)
    if r.key.startswith("adoption") and isinstance(r.value, float):
        return f"{fmt_num(r.value, lang, 5)} ({fmt_pct(r.value, lang)})"
    if isinstance(r.value, float):
        return fmt_num(r.value, lang, 3 if r.key == "co2_kg_per_km" else 2).rstrip("0").rstrip(",.")
    return fmt_num(r.value, lang) if isinstance(r.value, int) else str(r.value)


def _input(name: str, raw: dict[str, str], lang: Lang, placeholder: str) -> str:
    value = raw.get(name, "")
    if name == "eligible":
        options = "".join(
            f'<option value="{v}"{" selected" if raw.get(name, "residents") == v else ""}>'
            f"{esc(label(f'eligible_{v}', lang))}</option>"
            for v in ("residents", "commuters")
        )
        return f'<select id="f-{name}" name="{name}">{options}</select>'
    return (
        f'<input id="f-{name}" name="{name}" type="number" step="any" min="0" '
        f'inputmode="decimal" value="{esc(value)}" placeholder="{esc(placeholder)}">'
    )


def _form(ctx: Ctx, plan: Plan | None, raw: dict[str, str], rows: list[AssumptionRow]) -> str:
    lang = _lang(ctx)
    by_key = {r.key: r for r in rows}
    lines = []
    for name in FORM_FIELDS:
        r = by_key.get(name)
        shown = _shown_assumption(r, lang) if r is not None else ""
        source = label(f"src_{r.source}", lang) if r is not None else ""
        meaning = r.meaning if r is not None else ""
        lines.append(
            f"""<tr data-assumption="{esc(name)}"><th scope="row"><label for="f-{esc(name)}">\
{esc(assumption_name(name, lang))}</label> <code class="param">{esc(name)}</code></th>
<td>{_input(name, raw, lang, shown)}</td>
<td class="effective" data-field="effective">{esc(shown)}</td>
<td data-field="source">{esc(source)}</td><td class="muted">{esc(meaning)}</td></tr>"""
        )
    for key in ("service_level", "min_days", "min_group_size"):
        r = by_key.get(key)
        if r is not None:
            lines.append(
                f"""<tr data-assumption="{esc(key)}"><th scope="row">\
{esc(assumption_name(key, lang))} <code class="param">{esc(key)}</code></th>
<td></td><td class="effective">{esc(_shown_assumption(r, lang))}</td>
<td>{esc(label("src_setting", lang))}</td><td class="muted">{esc(r.meaning)}</td></tr>"""
            )
    rank_by = raw.get("rank_by", "demand")
    rank_options = "".join(
        f'<option value="{v}"{" selected" if rank_by == v else ""}>'
        f"{esc(label('desks_needed' if v == 'demand' else 'hours_saved', lang))}</option>"
        for v in ("demand", "benefit")
    )
    period_from, period_last = _period_input(raw).shown(
        lang, Period(plan.first, plan.end) if plan else None
    )
    sv = lang == "sv"
    from_label = "Från (mätperiod)" if sv else "From (measurement)"
    lang_field = '<input type="hidden" name="lang" value="en">' if ctx.lang == "en" else ""
    return f"""<form id="assumptions-form" class="assumptions" method="get" \
action="{esc(ctx.root + PATH)}">
{lang_field}
<div class="form-row">
{date_field(lang, "f-from", "from", from_label, period_from)}
{date_field(lang, "f-last", "last", tr(lang, "form_last"), period_last)}
<label for="f-rank_by">{esc("Rangordna efter" if sv else "Rank by")}</label>
<select id="f-rank_by" name="rank_by">{rank_options}</select>
</div>
{TABLE_WRAP}<table class="plan-table assumptions-table">
<thead><tr><th scope="col">{esc(label("assumption", lang))}</th>\
<th scope="col">{esc("Ändra" if sv else "Change")}</th>\
<th scope="col">{esc(label("value", lang))}</th>\
<th scope="col">{esc(label("from", lang))}</th>\
<th scope="col">{esc(label("meaning", lang))}</th></tr></thead>
<tbody>{"".join(lines)}</tbody></table></div>
<p class="form-actions"><button type="submit" id="recompute">\
{esc("Räkna om" if sv else "Recompute")}</button> \
<a href="{ctx.href(PATH)}" id="reset">{esc("Återställ" if sv else "Reset")}</a></p>
<p class="muted">{
        esc(
            "Tomt fält: uppmätt värde eller standard. Andelar anges som bråk (0,0015 = 0,15 %)."
            if sv
            else "Empty field: measured value or default. Shares are fractions (0.0015 = 0.15%)."
        )
    }</p>
</form>"""


def _download_links(ctx: Ctx, raw: dict[str, str]) -> str:
    params = {k: v for k, v in raw.items() if k != "lang"}
    params["lang"] = ctx.lang
    links = []
    for fmt in ("xlsx", "csv"):
        query = urlencode({**params, "format": fmt})
        href = esc(f"{ctx.root}/api/planning/download?{query}")
        links.append(f'<a href="{href}" id="download-{fmt}" download>{fmt.upper()}</a>')
    text = "Ladda ner samma underlag:" if ctx.lang == "sv" else "Download the same evidence:"
    return f'<p class="downloads">{esc(text)} {" · ".join(links)}</p>'


def planning_page(
    ctx: Ctx,
    plan: Plan | None,
    raw: dict[str, str],
    problems: list[str],
    rows: list[AssumptionRow] | None = None,
    *,
    facts_error: str | None = None,
) -> str:
    lang = _lang(ctx)
    sv = lang == "sv"
    title = label("title", lang)
    parts = [f"<h1>{esc(title)}</h1>", f'<p class="subtitle">{esc(label("lead", lang))}</p>']
    if problems:
        items = "".join(f"<li>{esc(p)}</li>" for p in problems)
        parts.append(
            f'<div class="banner" role="alert" id="query-problems">'
            f"{esc('Frågan kunde inte besvaras:' if sv else 'The query could not be answered:')}"
            f"<ul>{items}</ul></div>"
        )
    if plan is None:
        parts.append(_form(ctx, None, raw, []))
        return page(
            ctx,
            title=title,
            path=PATH,
            body="\n".join(parts),
            body_class="page-planning",
        )
    if plan.facts_invented:
        parts.append(
            f'<div class="banner" role="note" id="invented-banner">'
            f"{esc(label('invented', lang))}</div>"
        )
    for n in plan.notes:
        parts.append(
            f'<div class="banner" role="note" data-note="{esc(n.code)}">'
            f"{esc(note_text(n.code, dict(n.params), lang))}</div>"
        )
    period = label(
        "period",
        lang,
        first=fmt_date(plan.first, lang),
        last=fmt_date(plan.end - timedelta(days=1), lang),
        days=(plan.end - plan.first).days,
    )
    measured_days = [p.measured.evidence_days for p in plan.municipalities if p.measured]
    if measured_days:
        period += "; " + label("period_evidence", lang, n=max(measured_days))
    parts.append(
        f'<p class="plan-meta"><span id="period">{esc(period)}</span> · '
        f"{esc(label('facts_file', lang, file=_file_name(plan.facts_source)))} · "
        f'<span id="privacy-rule">{esc(label("privacy", lang, k=plan.min_group_size))}</span></p>'
    )
    if facts_error and not any(n.code == "facts_invalid" for n in plan.notes):
        parts.append(f'<div class="banner" role="alert">{esc(facts_error)}</div>')
    if not plan.municipalities:  # a scoped key that sees no municipality whole: the note says why
        return page(ctx, title=title, path=PATH, body="\n".join(parts), body_class="page-planning")

    heads = [
        label("rank", lang),
        label("municipality", lang),
        f"{label('hubs', lang)} / {label('desks_now', lang).lower()}",
        label("basis", lang),
        label("eligible", lang),
        label("desks_needed_range", lang),
        f"{label('measured', lang)}: {label('recommended', lang).lower()} · "
        f"{label('visits_per_day', lang).lower()} · {label('adoption', lang).lower()}",
        f"{label('projected', lang)}: {label('desks_needed_range', lang).lower()} · "
        f"{label('adoption', lang).lower()}",
        label("hours_saved", lang),
        label("km_saved", lang),
        label("co2_saved", lang),
    ]
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in heads)
    common = _common_notes(plan, lang)
    body_rows = "\n".join(
        _row(p, plan, lang, len(heads), common) for p in plan.municipalities
    )
    ranked = label(
        "ranked_by_demand" if plan.assumptions.rank_by == "demand" else "ranked_by_benefit", lang
    )
    figure = {"figure": figure_json(planning_figure(plan, lang)), "locale": lang}
    ranking_title = "Rangordning: behov och nytta" if sv else "Ranking: demand and benefit"
    parts.append(
        f"""<section class="plan-section" aria-labelledby="ranking-title">
<h2 id="ranking-title">{esc(ranking_title)}</h2>
<p class="muted">{esc(ranked)} {esc(label("ranked_suppressed", lang))}</p>
<div id="planning-figure" class="figure plan-figure" role="img" \
aria-label="{esc(label("desks_needed_range", lang))}"></div>
{TABLE_WRAP}<table class="plan-table" id="planning-table">
<caption>{esc(label("t_plan", lang))}</caption>
<thead><tr>{head}</tr></thead>
<tbody>
{body_rows}
</tbody></table></div>
{_common_notes_html(common, lang)}
{_download_links(ctx, raw)}
</section>
<section class="plan-section" aria-labelledby="assumptions-title">
<h2 id="assumptions-title">{esc(label("assumptions", lang))}</h2>
{_form(ctx, plan, raw, rows or [])}
</section>
<section class="plan-section" aria-labelledby="evidence-title">
<h2 id="evidence-title">{esc(label("t_evidence", lang))}</h2>
{_evidence_table(ctx, plan, lang)}
</section>
{json_block("planning-figure-data", figure)}"""
    )
    return page(
        ctx,
        title=title,
        path=PATH,
        body="\n".join(parts),
        scripts=[f"plotly.min.js?v={_plotly_version()}", "planning.js"],
        body_class="page-planning",
    )
