"""The "Behöver åtgärd / Needs attention" list of the overview and hub pages, from the
query layer's ``region_attention`` (the same items the alert rules read from /metrics):
which desk, and what — offline since, battery, stuck since — or a hub that is silent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from dashboards.i18n import fmt_ago, fmt_date, fmt_share, fmt_time, tr
from dashboards.render import esc
from hubsense.query.attention import AttentionItem, HubAttention


def item_text(item: AttentionItem, lang: str, tz: ZoneInfo, now: datetime) -> str:
    """What is wrong with the desk, in ``lang``."""
    if item.kind == "offline":
        if item.last_seen is None:
            return tr(lang, "attention_never")
        return tr(
            lang,
            "attention_offline",
            time=fmt_time(item.last_seen, tz, lang, ref=now),
            ago=fmt_ago(item.offline_s, lang),
        )
    if item.kind == "low_battery":
        pct = fmt_share(item.battery / 100 if item.battery is not None else None, lang)
        return tr(lang, "attention_low_battery", pct=pct)
    since = fmt_date(item.stuck_since, lang) if item.stuck_since is not None else "–"
    key = "attention_stuck_occupied" if item.stuck == "occupied" else "attention_stuck_unchanged"
    return tr(lang, key, date=since)


def attention_html(
    lang: str,
    hubs: Sequence[HubAttention] | None,
    names: Mapping[str, str],
    links: Mapping[str, str],
    zones: Mapping[str, ZoneInfo],
    now: datetime,
) -> str:
    """The list section. ``hubs`` None: the store did not answer. ``names``, ``links`` and
    ``zones`` give each hub's display name, escaped page link and time zone."""
    title = esc(tr(lang, "attention_title"))
    head = '<section class="attention" aria-labelledby="attention-title">\n'
    head += f'<h2 id="attention-title">{title}</h2>\n'
    if hubs is None:
        return head + f'<p class="muted">{esc(tr(lang, "attention_unavailable"))}</p>\n</section>'
    rows = []
    for h in hubs:
        hub = f'<a href="{links[h.hub]}">{esc(names[h.hub])}</a>'
        if h.silent:
            rows.append(
                f'<tr data-attention-hub="{esc(h.hub)}" data-attention-kind="hub_silent">'
                f"<td>{hub}</td><td>–</td>"
                f"<td>{esc(tr(lang, 'attention_hub_silent'))}</td></tr>"
            )
        for item in h.items:
            text = item_text(item, lang, zones[h.hub], now)
            rows.append(
                f'<tr data-attention-hub="{esc(h.hub)}" data-attention-desk="{esc(item.desk)}" '
                f'data-attention-kind="{esc(item.kind)}"><td>{hub}</td><td>{esc(item.desk)}</td>'
                f"<td>{esc(text)}</td></tr>"
            )
    if not rows:
        return head + f'<p class="attention-none">{esc(tr(lang, "attention_none"))}</p>\n</section>'
    table = (
        f'<table class="attention-list"><thead><tr><th scope="col">{esc(tr(lang, "hub"))}</th>'
        f'<th scope="col">{esc(tr(lang, "attention_desk"))}</th>'
        f'<th scope="col">{esc(tr(lang, "attention_what"))}</th></tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody></table>"
    )
    return head + table + "\n</section>"
