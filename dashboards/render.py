"""HTML of the dashboard pages, built with f-strings in plain functions (no template engine).

Every value that comes from the registry, the store or the request goes through ``esc``
(text and attributes) or ``json_block`` (data for the scripts); the i18n strings are
escaped too. Pages load only same-origin resources: the stylesheet, the scripts and
plotly.js are served by ``dashboards.pages`` from this package and the installed plotly
package, and the Content-Security-Policy set there forbids anything else.
"""

from __future__ import annotations

import html
import json
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from functools import lru_cache
from typing import Final
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.requests import Request

from dashboards.figures import STATE_COLOURS, figure_json, live_occupancy_figure
from dashboards.i18n import (
    DEFAULT_LANG,
    LOCALES,
    STRINGS,
    choose_lang,
    fmt_ago,
    fmt_date,
    fmt_int,
    fmt_pct,
    fmt_share,
    fmt_time,
    js_strings,
    metric,
    tr,
)
from dashboards.live import (
    LOW_BATTERY_CSS,
    LOW_BATTERY_ICON,
    STATE_STYLE,
    STATES,
    DeskTile,
    LiveCounts,
    ZoneTiles,
    browser_styles,
)
from dashboards.overview import HubCard, MunicipalityGroup, region_totals
from dashboards.usage import OverviewAnalytics, may_read
from hubsense.calendar import from_ns
from hubsense.glossary import GLOSSARY
from hubsense.query.context import region_tz

POLL_MS = 2000
"""How often the live hub page asks the API for the hub's state."""
OVERVIEW_POLL_MS = 15000
"""How often the overview refreshes its cards."""


def esc(value: object) -> str:
    """Text or attribute value, HTML-escaped (quotes too)."""
    return html.escape(str(value), quote=True)


def json_block(element_id: str, value: object) -> str:
    """A ``<script type="application/json">`` data block; ``<``, ``>`` and ``&`` are escaped
    inside the JSON so no value can end the element."""
    text = (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return f'<script type="application/json" id="{esc(element_id)}">{text}</script>'


def tr_html(lang: str, key: str, **fields: str) -> str:
    """``tr`` with the text escaped and each ``{name}`` replaced by ready HTML ``fields``."""
    out: list[str] = []
    for literal, name, _spec, _conv in string.Formatter().parse(STRINGS[choose_lang(lang)][key]):
        out.append(esc(literal))
        if name is not None:
            out.append(fields[name])
    return "".join(out)


NAV: Final = {
    "/": "overview",
    "/planning": "planning",
    "/utilisation": "nav_utilisation",
    "/compare": "nav_compare",
    "/definitions": "nav_definitions",  # (DEFINITIONS_PATH)
}
"""The top navigation: page path → its label (``dashboards.i18n``), in the order shown."""


@dataclass(frozen=True, slots=True)
class Ctx:
    """What every page needs: its language and where the app is mounted, and, when the
    clock is simulated (the demo), its time and speed, which every page shows."""

    lang: str
    root: str = ""  # the ASGI root_path (behind a proxy under a prefix)
    sim_now: datetime | None = None  # the simulated clock's now (None: a real clock)
    sim_speed: float | None = None  # simulated seconds per real second
    nav: tuple[str, ...] = tuple(NAV)  # the top navigation's paths the caller may open

    def href(self, path: str, lang: str | None = None) -> str:
        """Link to one of our paths (it may carry a query); the language rides along unless
        it is the default."""
        chosen = lang or self.lang
        sep = "&" if "?" in path else "?"
        suffix = "" if chosen == DEFAULT_LANG and lang is None else f"{sep}lang={chosen}"
        return esc(f"{self.root}{path}{suffix}")

    def static(self, name: str) -> str:
        return esc(f"{self.root}/dashboards/static/{name}")


def page_ctx(request: Request, lang: str | None) -> Ctx:
    """The page context of a request: its language, the app's mount point, and the app's
    simulated clock if it has one (``app.state.simulated_speed``, set by the demo)."""
    speed = getattr(request.app.state, "simulated_speed", None)
    now = None
    if speed is not None:
        now = from_ns(request.app.state.clock(), region_tz(request.app.state.registry))
    return Ctx(
        lang=choose_lang(lang),
        root=str(request.scope.get("root_path", "")),
        sim_now=now,
        sim_speed=speed,
        # a link only to what this caller may open (api.security.POLICY decides)
        nav=tuple(path for path in NAV if may_read(request.scope, path)),
    )


def hub_path(hub_id: str) -> str:
    return f"/hubs/{quote(hub_id, safe='')}"


TABLE_WRAP: Final = '<div class="table-wrap" tabindex="0">'
"""A table's box. It scrolls sideways when the table is wider than the screen, so it takes
the keyboard focus: a keyboard user scrolls it with the arrow keys (WCAG 2.1.1)."""


# --- links to the definitions page -----------------------------------------------------------

DEFINITIONS_PATH: Final = "/definitions"
"""The definitions page (``dashboards.definitions``): one anchor per glossary key."""


def plain_definition(key: str, lang: str) -> str:
    """A metric's definition as plain text (for a tooltip): the code marks dropped."""
    return GLOSSARY[key].definition("sv" if choose_lang(lang) == "sv" else "en").replace("`", "")


def term_href(ctx: Ctx, key: str) -> str:
    """The definition of glossary ``key`` on the definitions page (escaped)."""
    return f"{ctx.href(DEFINITIONS_PATH)}#{esc(key)}"


def term_link(ctx: Ctx, key: str, text: str | None = None) -> str:
    """``text`` (default: the metric's name) linked to the metric's definition, which the
    link's title also shows on hover."""
    shown = metric(key, ctx.lang) if text is None else text
    return (
        f'<a class="term" href="{term_href(ctx, key)}" data-term="{esc(key)}" '
        f'title="{esc(plain_definition(key, ctx.lang))}">{esc(shown)}</a>'
    )


def term_text(ctx: Ctx, text: str, key: str | None) -> str:
    """``text`` escaped, linked to the definition of ``key`` if there is one."""
    return esc(text) if key is None else term_link(ctx, key, text)


def head_cells(ctx: Ctx, heads: Iterable[tuple[str, str | None]]) -> str:
    """A table's column headers: (text, glossary key or None); a metric's header links to
    its definition."""
    return "".join(f'<th scope="col">{term_text(ctx, text, key)}</th>' for text, key in heads)


def definitions_note(ctx: Ctx, keys: Iterable[str]) -> str:
    """Under a figure: links to the definitions of the metrics it shows."""
    links = ", ".join(term_link(ctx, key) for key in keys)
    return (
        f'<p class="definitions-note">{esc(tr(ctx.lang, "definitions_of"))}: {links}</p>'
    )


# --- page frame ---------------------------------------------------------------------------


def page(
    ctx: Ctx,
    *,
    title: str,
    path: str,
    body: str,
    scripts: Iterable[str] = (),
    body_class: str = "",
) -> str:
    """A whole HTML document. ``title`` is plain text; ``body`` is HTML; ``path`` is this
    page's path (for the language switch); ``scripts`` are names under /dashboards/static."""
    other = "en" if ctx.lang == "sv" else "sv"
    script_tags = "".join(f'<script src="{ctx.static(s)}" defer></script>' for s in scripts)
    nav_links = "\n".join(
        f'<a href="{ctx.href(p)}">{esc(tr(ctx.lang, NAV[p]))}</a>' for p in ctx.nav
    )
    return f"""<!doctype html>
<html lang="{esc(ctx.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} · {esc(tr(ctx.lang, "app_name"))}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{ctx.static("dashboard.css")}">
{script_tags}
</head>
<body class="{esc(body_class)}">
<a class="skip-link" href="#main">{esc(tr(ctx.lang, "skip_to_main"))}</a>
<header class="topbar">
<a class="brand" href="{ctx.href("/")}">{esc(tr(ctx.lang, "app_name"))}</a>
<nav class="topnav">
{nav_links}
<a class="lang-switch" id="lang-switch" href="{ctx.href(path, other)}" hreflang="{other}" \
lang="{other}" title="{esc(tr(ctx.lang, "switch_to_title"))}">{esc(tr(ctx.lang, "switch_to"))}</a>
</nav>
{sim_clock_html(ctx)}
</header>
<main id="main">
{body}
</main>
</body>
</html>
"""


def sim_clock_html(ctx: Ctx) -> str:
    """The simulated clock's time and speed ("" with a real clock). The live pages' scripts
    move the time on with each poll's ``as_of`` (``data-sim-clock``)."""
    if ctx.sim_now is None or ctx.sim_speed is None:
        return ""
    speed = tr(ctx.lang, "simulated_speed", speed=f"{ctx.sim_speed:g}")
    tz = getattr(ctx.sim_now.tzinfo, "key", "UTC")
    return f"""<p class="sim-clock" id="sim-clock" role="note">\
{esc(tr(ctx.lang, "simulated_clock"))}: <time id="sim-clock-time" \
datetime="{esc(ctx.sim_now.isoformat())}" data-tz="{esc(tz)}" data-speed="{ctx.sim_speed:g}">\
{esc(ctx.sim_now.strftime("%Y-%m-%d %H:%M"))}</time> · {esc(speed)}</p>
<script src="{ctx.static("simclock.js")}" defer></script>"""


def closed_badge(lang: str, is_open: bool) -> str:
    """The "Stängd"/"Closed" badge, hidden while the hub is open (the scripts toggle it)."""
    return f"""<span class="badge-closed" data-field="closed" \
title="{esc(tr(lang, "hub_closed_title"))}"{" hidden" if is_open else ""}>\
{esc(tr(lang, "hub_closed"))}</span>"""


def full_badge(lang: str, full: bool) -> str:
    """The "Fullt"/"Full" badge of a hub with every desk taken (the overview's script
    toggles it); text, so colour never carries it alone."""
    return f"""<span class="badge-full" data-field="full" \
title="{esc(tr(lang, "hub_full_title"))}"{"" if full else " hidden"}>\
{esc(tr(lang, "hub_full"))}</span>"""


def hours_text(lang: str, hours: tuple[time, time] | None) -> str:
    """``Öppet i dag 08:00–17:00`` or ``Stängt i dag``."""
    if hours is None:
        return tr(lang, "closed_today")
    opens, closes = hours
    until = "24:00" if closes.microsecond else closes.strftime("%H:%M")
    return tr(lang, "open_today", opens=opens.strftime("%H:%M"), closes=until)


# --- region overview -----------------------------------------------------------------------


_ANALYTICS_TERMS: Final = {
    "utilisation_30d": "utilisation",
    "peak_today": "peak_concurrency",
    "recommended_desks": "recommended_desks",
}
"""The glossary metric behind each of a card's analytics figures."""


def _analytics_item(
    ctx: Ctx, key: str, label: str, value: str, note: str = ""
) -> str:
    """A card's analytics figure: its label linked to the definition, the value, and a note
    (coverage, or why it is "–")."""
    small = f' <small class="analytics-note" data-analytics-note="{esc(key)}">{esc(note)}</small>'
    return (
        f"<div><dt>{term_link(ctx, _ANALYTICS_TERMS[key], label)}</dt><dd>"
        f'<span class="analytics-value" data-analytics="{esc(key)}">{esc(value)}</span>'
        f"{small if note else ''}</dd></div>"
    )


def hub_analytics_html(ctx: Ctx, hub: str, desks: int, analytics: OverviewAnalytics) -> str:
    """Utilisation over the analytics period with its coverage, today's peak concurrency and
    the recommended desks, from the analytics API (``dashboards.usage``); "–" and the
    reason where there is no number (never a made-up one)."""
    lang = ctx.lang
    labels = {
        "utilisation_30d": tr(lang, "utilisation_30d"),
        "peak_today": tr(lang, "peak_today"),
        "recommended_desks": metric("recommended_desks", lang),
    }
    a = analytics.of(hub)
    if analytics.state != "ok" or a is None:
        why = "analytics_for_planners" if analytics.state == "denied" else "analytics_unavailable"
        items = "".join(_analytics_item(ctx, k, v, "–") for k, v in labels.items())
        return (
            f'<div class="card-analytics" data-analytics-state="{esc(analytics.state)}">'
            f'<dl class="card-stats">{items}</dl>'
            f'<p class="analytics-why">{esc(tr(lang, why))}</p></div>'
        )
    if a.utilisation is None:
        util = _analytics_item(
            ctx,
            "utilisation_30d",
            labels["utilisation_30d"],
            "–",
            tr(lang, a.utilisation_reason or "reason_no_data_period"),
        )
    else:
        cover = tr(lang, "coverage_short", pct=fmt_share(a.coverage, lang))
        util = _analytics_item(
            ctx,
            "utilisation_30d", labels["utilisation_30d"], fmt_share(a.utilisation, lang), cover
        )
    if a.peak_today is None:
        peak = _analytics_item(
            ctx,
            "peak_today",
            labels["peak_today"],
            "–",
            tr(lang, a.peak_reason or "reason_no_data_today", time=a.opens_at or ""),
        )
    else:
        shown = tr(lang, "of_desks", n=fmt_int(a.peak_today, lang), total=fmt_int(desks, lang))
        peak = _analytics_item(ctx, "peak_today", labels["peak_today"], shown)
    if a.recommended is None:
        why = tr(lang, "reason_no_evidence", pct=fmt_share(analytics.min_coverage, lang))
        rec = _analytics_item(ctx, "recommended_desks", labels["recommended_desks"], "–", why)
    else:
        note = ""
        if a.too_few_days:
            note = tr(
                lang,
                "too_few_note",
                n=fmt_int(a.evidence_days, lang),
                min=fmt_int(analytics.min_days, lang),
            )
        if a.days_at_capacity:
            bound = tr(lang, "lower_bound_note", n=fmt_int(a.days_at_capacity, lang))
            note = f"{note}; {bound}" if note else bound
        rec = _analytics_item(
            ctx,
            "recommended_desks", labels["recommended_desks"], fmt_int(a.recommended, lang), note
        )
    link = ctx.href(f"/utilisation?scope=hub&id={quote(hub, safe='')}")
    return (
        '<div class="card-analytics" data-analytics-state="ok">'
        f'<dl class="card-stats">{util}{peak}{rec}</dl>'
        f'<p class="card-link"><a href="{link}" data-link="explorer">'
        f"{esc(tr(lang, 'open_explorer'))} →</a></p></div>"
    )


def _num(value: int | None, lang: str, field: str) -> str:
    text = "–" if value is None else fmt_int(value, lang)
    return f'<span class="num" data-field="{esc(field)}">{esc(text)}</span>'


def hub_card_html(
    ctx: Ctx, card: HubCard, live_url: str, analytics: OverviewAnalytics | None = None
) -> str:
    counts = card.counts
    minutes = round((card.offline_after_s or 0) / 60)
    stale_note = esc(tr(ctx.lang, "no_recent_data", minutes=fmt_int(minutes, ctx.lang)))
    occupancy = tr_html(
        ctx.lang,
        "desks_occupied_of_total",
        occupied=_num(counts.occupied if counts else None, ctx.lang, "occupied"),
        total=_num(card.total, ctx.lang, "total"),
    )
    classes = "card" + (" card-nodata" if counts is None else "") + (
        " card-full" if card.full else ""
    )
    return f"""<li class="{classes}" data-hub="{esc(card.hub)}" data-live-url="{esc(live_url)}">
<h3 class="card-title"><a href="{ctx.href(hub_path(card.hub))}">{esc(card.name)}</a> \
{closed_badge(ctx.lang, card.open)} {full_badge(ctx.lang, card.full)}</h3>
<p class="card-occupancy">{occupancy}</p>
<p class="card-hours" data-field="hours">{esc(hours_text(ctx.lang, card.hours_today))}</p>
<p class="card-stale badge-stale" data-field="stale"{"" if card.stale else " hidden"}>\
<span aria-hidden="true">!</span> {stale_note}</p>
<dl class="card-stats">
<div><dt>{esc(tr(ctx.lang, "sensors_offline"))}</dt>\
<dd>{_num(counts.offline if counts else None, ctx.lang, "offline")}</dd></div>
<div><dt>{esc(tr(ctx.lang, "low_battery_count"))}</dt>\
<dd>{_num(counts.low_battery if counts else None, ctx.lang, "low_battery")}</dd></div>
</dl>
{hub_analytics_html(ctx, card.hub, card.total, analytics or OverviewAnalytics("error"))}
<p class="card-link"><a href="{ctx.href(hub_path(card.hub))}">\
{esc(tr(ctx.lang, "open_live_view"))} →</a></p>
</li>"""


def overview_page(
    ctx: Ctx,
    *,
    region: str,
    groups: list[MunicipalityGroup],
    live_urls: Mapping[str, str],
    store_error: bool,
    analytics: OverviewAnalytics | None = None,
    attention: str = "",
) -> str:
    """The region overview; ``attention`` is the needs-attention section's HTML
    (``dashboards.attention``)."""
    lang = ctx.lang
    analytics = analytics or OverviewAnalytics("error")
    occupied, total = region_totals(groups)
    region_now = tr_html(
        lang,
        "region_now",
        occupied=_num(occupied, lang, "region-occupied"),
        total=_num(total, lang, "region-total"),
    )
    index_items = []
    sections = []
    for group in groups:
        links = (
            "".join(
                f'<li><a href="{ctx.href(hub_path(c.hub))}">{esc(c.name)}</a></li>'
                for c in group.cards
            )
            or f'<li class="muted">{esc(tr(lang, "no_hub_yet"))}</li>'
        )
        index_items.append(
            f'<li><span class="index-muni">{esc(group.name)}</span><ol>{links}</ol></li>'
        )
        cards = "\n".join(hub_card_html(ctx, c, live_urls[c.hub], analytics) for c in group.cards)
        if not group.cards:
            cards = f'<li class="card card-empty">{esc(tr(lang, "no_hub_yet"))}</li>'
        muni_now = tr_html(
            lang,
            "municipality_now",
            occupied=_num(group.occupied, lang, "muni-occupied"),
            total=_num(group.total, lang, "muni-total"),
        )
        sections.append(
            f"""<section class="municipality" data-municipality="{esc(group.id)}" \
aria-labelledby="muni-{esc(group.id)}">
<h2 id="muni-{esc(group.id)}">{esc(group.name)} \
<small class="muni-code">{esc(tr(lang, "municipality_code", code=group.code))}</small></h2>
<p class="muni-now">{muni_now}</p>
<ol class="cards">
{cards}
</ol>
</section>"""
        )
    banner = (
        f'<div id="stale-banner" class="banner" role="alert"'
        f"{'' if store_error else ' hidden'}>{esc(tr(lang, 'store_unavailable'))}</div>"
    )
    config = {
        "pollMs": OVERVIEW_POLL_MS,
        "locale": LOCALES[lang],
        "strings": js_strings(lang),
        "storeUnavailable": tr(lang, "store_unavailable"),
    }
    body = f"""<h1>{esc(tr(lang, "overview_title", region=region))}</h1>
<p class="region-now">{region_now}</p>
{_updated_html(lang, groups)}
{_analytics_intro(ctx, analytics)}
{banner}
{attention}
<div class="overview-layout">
<nav class="hub-index" aria-labelledby="hub-index-title">
<h2 id="hub-index-title">{esc(tr(lang, "hubs_by_municipality"))}</h2>
<ol>{"".join(index_items)}</ol>
</nav>
<div class="municipalities">
{"".join(sections)}
</div>
</div>
{json_block("overview-config", config)}"""
    return page(
        ctx,
        title=tr(lang, "overview"),
        path="/",
        body=body,
        scripts=["overview.js"],
        body_class="page-overview",
    )


def _updated_html(lang: str, groups: list[MunicipalityGroup]) -> str:
    """When the live numbers were read (the newest hub's state; the script moves it on
    with every refresh), so a wall display that stopped updating shows it."""
    times = [c.updated for g in groups for c in g.cards if c.updated is not None]
    if not times:
        return ''
    newest = max(times)
    tz = getattr(newest.tzinfo, "key", "UTC")
    return (
        f'<p class="overview-updated">{esc(tr(lang, "updated"))}: '
        f'<time id="overview-updated" datetime="{esc(newest.isoformat())}" data-tz="{esc(tz)}">'
        f'{esc(newest.strftime("%H:%M"))}</time></p>'
    )


def _analytics_intro(ctx: Ctx, analytics: OverviewAnalytics) -> str:
    """Which period the cards' analytics cover, and the way to the analytics pages."""
    lang = ctx.lang
    links = (
        f'<a href="{ctx.href("/compare")}">{esc(tr(lang, "nav_compare"))} →</a> · '
        f'<a href="{ctx.href("/utilisation")}">{esc(tr(lang, "nav_utilisation"))} →</a>'
    )
    if analytics.state != "ok" or analytics.period is None:
        why = "analytics_for_planners" if analytics.state == "denied" else "analytics_unavailable"
        return f'<p class="analytics-intro" id="analytics-intro">{esc(tr(lang, why))}</p>'
    p = analytics.period
    text = tr(
        lang,
        "analytics_intro",
        first=fmt_date(p.first, lang),
        last=fmt_date(p.last_day, lang),
        days=fmt_int(p.days, lang),
    )
    return f'<p class="analytics-intro" id="analytics-intro">{esc(text)} {links}</p>'


# --- live hub view -------------------------------------------------------------------------


def seen_text(tile: DeskTile, lang: str, tz: ZoneInfo, as_of: datetime | None) -> str:
    """``10:59 · 1 min sedan`` (or ``aldrig hörd``) for a tile."""
    if tile.last_seen is None:
        return tr(lang, "never_seen")
    when = fmt_time(tile.last_seen, tz, lang, ref=as_of)
    return f"{when} · {fmt_ago(tile.seconds_since_seen, lang)}"


def battery_text(tile: DeskTile, lang: str) -> str:
    if tile.battery is None:
        return tr(lang, "low_battery")
    return f"{tr(lang, 'low_battery')} ({fmt_pct(tile.battery, lang)})"


def tile_html(tile: DeskTile, lang: str, tz: ZoneInfo, as_of: datetime | None) -> str:
    state_label = tr(lang, f"state_{tile.state}")
    if tile.network_offline:
        state_label += f" ({tr(lang, 'network_offline')})"
    seen = seen_text(tile, lang, tz, as_of)
    battery = battery_text(tile, lang)
    label = f"{tile.desk}: {state_label}" + (f", {battery}" if tile.low_battery else "")
    return f"""<li class="{esc(tile.css_classes)}" data-desk="{esc(tile.desk)}" \
data-state="{esc(tile.state)}" data-low-battery="{"true" if tile.low_battery else "false"}" \
title="{esc(label + " · " + tr(lang, "last_seen") + ": " + seen)}">
<span class="desk-head"><span class="desk-id">{esc(tile.desk)}</span>\
<span class="desk-icon" aria-hidden="true">{esc(tile.icon)}</span></span>
<span class="desk-state">{esc(state_label)}</span>
<span class="desk-battery"{"" if tile.low_battery else " hidden"}>\
<span aria-hidden="true">{LOW_BATTERY_ICON}</span> \
<span class="desk-battery-text">{esc(battery)}</span></span>
<span class="desk-seen">{esc(seen)}</span>
</li>"""


def _count_box(lang: str, key: str, value: int, icon: str, css: str, extra: str = "") -> str:
    return (
        f'<div class="count {esc(css)}"><span class="count-label">'
        f'<span class="count-icon" aria-hidden="true">{esc(icon)}</span> '
        f'{esc(tr(lang, "count_" + key))}</span><span class="count-value-row">'
        f'<span class="count-value" data-count="{esc(key)}">{esc(fmt_int(value, lang))}</span>'
        f"{extra}</span></div>"
    )


def legend_html(lang: str) -> str:
    items = [
        f'<li><span class="swatch desk {esc(STATE_STYLE[s].css)}" aria-hidden="true">'
        f"{esc(STATE_STYLE[s].icon)}</span> {esc(tr(lang, 'state_' + s))}</li>"
        for s in STATES
    ]
    items.append(
        f'<li><span class="swatch desk state-free {LOW_BATTERY_CSS}" aria-hidden="true">'
        f"{LOW_BATTERY_ICON}</span> {esc(tr(lang, 'low_battery'))}</li>"
    )
    return f'<ul class="legend" aria-label="{esc(tr(lang, "legend"))}">{"".join(items)}</ul>'


def hub_page(
    ctx: Ctx,
    *,
    hub_id: str,
    hub_name: str,
    municipality_name: str,
    timezone: str,
    zones: list[ZoneTiles],
    counts: LiveCounts,
    as_of: datetime | None,
    stale: bool,
    fetch_failed: bool,
    offline_after_s: float,
    live_url: str,
    attention: str = "",
    is_open: bool = True,
) -> str:
    """The live hub view. ``fetch_failed``: the live state could not be read now (the page
    still renders, every desk unknown, with the banner shown; the script retries).
    ``attention``: the needs-attention section's HTML (``dashboards.attention``)."""
    lang = ctx.lang
    tz = ZoneInfo(timezone)
    minutes = fmt_int(round(offline_after_s / 60), lang)
    if fetch_failed:
        banner_text = tr(lang, "stale_fetch", reason=tr(lang, "store_unavailable"))
    else:
        banner_text = tr(lang, "stale_api", minutes=minutes)
    banner = (
        f'<div id="stale-banner" class="banner" role="alert" '
        f'data-reason="{"fetch" if fetch_failed else "api"}"'
        f"{'' if stale or fetch_failed else ' hidden'}>{esc(banner_text)}</div>"
    )
    counts_html = "".join(
        [
            _count_box(
                lang,
                "occupied",
                counts.occupied,
                STATE_STYLE["occupied"].icon,
                "count-occupied",
                f'<span class="count-of">/ {esc(fmt_int(counts.total, lang))}</span>',
            ),
            _count_box(lang, "free", counts.free, STATE_STYLE["free"].icon, "count-free"),
            _count_box(
                lang, "offline", counts.offline, STATE_STYLE["offline"].icon, "count-offline"
            ),
            _count_box(
                lang, "unknown", counts.unknown, STATE_STYLE["unknown"].icon, "count-unknown"
            ),
            _count_box(
                lang, "low_battery", counts.low_battery, LOW_BATTERY_ICON, "count-low-battery"
            ),
        ]
    )
    zones_html = "\n".join(
        f"""<section class="zone" data-zone="{esc(z.zone)}" aria-labelledby="zone-{esc(z.zone)}">
<h2 id="zone-{esc(z.zone)}">{esc(tr(lang, "zone", zone=z.zone.upper()))}</h2>
<ol class="desk-grid">
{"".join(tile_html(t, lang, tz, as_of) for t in z.tiles)}
</ol>
</section>"""
        for z in zones
    )
    as_of_text = as_of.astimezone(tz).strftime("%H:%M:%S") if as_of is not None else "–"
    config = {
        "hub": hub_id,
        "liveUrl": live_url,
        "pollMs": POLL_MS,
        "lang": lang,
        "locale": LOCALES[lang],
        "timeZone": timezone,
        "strings": js_strings(lang),
        "styles": browser_styles(),
        "states": list(STATES),
        "lowBatteryIcon": LOW_BATTERY_ICON,
        "lowBatteryCss": LOW_BATTERY_CSS,
        "colours": STATE_COLOURS,
    }
    body = f"""<h1>{esc(hub_name)} {closed_badge(lang, is_open)}</h1>
<p class="subtitle">{esc(municipality_name)} · {esc(tr(lang, "live_view"))} · \
{esc(tr(lang, "desks_total", total=fmt_int(counts.total, lang)))} · \
{esc(tr(lang, "updated"))} <time id="as-of" datetime="{esc(as_of.isoformat() if as_of else "")}">\
{esc(as_of_text)}</time></p>
{banner}
<section class="counts" aria-label="{esc(tr(lang, "occupancy_now"))}" aria-live="polite">
{counts_html}
</section>
{attention}
<div class="live-layout">
<div class="floor">
{zones_html}
</div>
<aside class="side">
<h2>{esc(tr(lang, "occupancy_now"))}</h2>
<div id="occupancy-figure" class="figure"></div>
<h2>{esc(tr(lang, "legend"))}</h2>
{legend_html(lang)}
</aside>
</div>
{json_block("live-config", config)}
{_live_figure_block(counts, lang)}"""
    return page(
        ctx,
        title=hub_name,
        path=hub_path(hub_id),
        body=body,
        scripts=[f"plotly.min.js?v={_plotly_version()}", "live.js"],
        body_class="page-hub",
    )


@lru_cache(maxsize=1024)
def _live_figure_block(counts: LiveCounts, lang: str) -> str:
    """The live page's bar figure as its data block. Building it through plotly (whose
    property validation was half of a live page's CPU) is done once per counts and
    language: a hub's counts take few values, and every page with them embeds the same
    text."""
    return json_block("live-figure", figure_json(live_occupancy_figure(counts, lang)))


_MAX_ID_ECHO = 64


def not_found_page(ctx: Ctx, hub: str) -> str:
    """The HTML 404 of ``/hubs/{hub}``; the id is echoed escaped and cut to 64 characters."""
    shown = repr(hub[:_MAX_ID_ECHO]) + ("…" if len(hub) > _MAX_ID_ECHO else "")
    body = f"""<h1>{esc(tr(ctx.lang, "not_found_title"))}</h1>
<p class="not-found">{esc(tr(ctx.lang, "not_found_hub", hub=shown))}</p>
<p><a href="{ctx.href("/")}">{esc(tr(ctx.lang, "back_to_overview"))}</a></p>"""
    return page(
        ctx,
        title=tr(ctx.lang, "not_found_title"),
        path=hub_path(hub) if len(hub) <= _MAX_ID_ECHO else "/",
        body=body,
        body_class="page-not-found",
    )


def _plotly_version() -> str:
    import plotly

    return quote(str(plotly.__version__), safe="")
