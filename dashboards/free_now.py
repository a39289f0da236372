"""HTML of the employees' view (``/free``): per hub, free desks now, until when it is open
today and when it is usually busy, for someone deciding on a phone where to work today.
Counts only (``hubsense.query.free_now``); a small hub shows only free / few / full."""

from __future__ import annotations

from datetime import tzinfo
from typing import Final

from dashboards.i18n import fmt_int, tr
from dashboards.render import Ctx, esc, page
from hubsense.query.free_now import FreeNow, HubFreeNow

PATH: Final = "/free"
LEVEL_ICONS: Final = {"free": "○", "few": "◐", "full": "●", "unknown": "?"}
"""A second cue beside the level's text and colour."""


def _hours(lang: str, h: HubFreeNow) -> str:
    if h.opens is None or h.closes is None:
        return tr(lang, "closed_today")
    closes = "24:00" if h.closes.microsecond else h.closes.strftime("%H:%M")
    key = "free_open_until" if h.open_now else "open_today"
    return tr(lang, key, opens=h.opens.strftime("%H:%M"), closes=closes)


def _busy(lang: str, h: HubFreeNow) -> str:
    if not h.busy:
        return tr(lang, "free_rarely_busy")
    spans = ", ".join(f"{start:02d}–{end:02d}" for start, end in h.busy)
    return tr(lang, "free_usually_busy", hours=spans)


def _now(lang: str, h: HubFreeNow) -> str:
    if h.level == "unknown":
        return tr(lang, "free_unknown")
    if h.free is None or h.desks is None:
        return tr(lang, f"free_level_{h.level}")
    count = tr(lang, "free_count", free=fmt_int(h.free, lang), desks=fmt_int(h.desks, lang))
    return f"{tr(lang, 'free_level_full')}: {count}" if h.level == "full" else count


def _card(lang: str, h: HubFreeNow) -> str:
    return f"""<li class="card free-card level-{esc(h.level)}" data-hub="{esc(h.hub)}">
<h2 class="card-title">{esc(h.name)} <small class="muted">{esc(h.municipality)}</small></h2>
<p class="free-now" data-field="now"><span aria-hidden="true">{LEVEL_ICONS[h.level]}</span> \
{esc(_now(lang, h))}</p>
<p class="card-hours" data-field="hours">{esc(_hours(lang, h))}</p>
<p class="free-busy" data-field="busy">{esc(_busy(lang, h))}</p>
</li>"""


def free_page(ctx: Ctx, answer: FreeNow, tz: tzinfo | None) -> str:
    """The page; ``tz`` is the region's time zone (of the "updated" time)."""
    lang = ctx.lang
    when = answer.as_of.astimezone(tz).strftime("%H:%M")
    cards = "\n".join(_card(lang, h) for h in answer.hubs)
    body = f"""<h1>{esc(tr(lang, "free_title"))}</h1>
<p class="subtitle">{esc(tr(lang, "free_lead", k=fmt_int(answer.min_group_size, lang)))}</p>
<p class="overview-updated">{esc(tr(lang, "updated"))}: \
<time datetime="{esc(answer.as_of.isoformat())}">{esc(when)}</time> · \
<a href="{ctx.href(PATH)}">{esc(tr(lang, "free_reload"))}</a></p>
<ol class="cards free-cards">
{cards}
</ol>"""
    return page(ctx, title=tr(lang, "free_title"), path=PATH, body=body, body_class="page-free")

