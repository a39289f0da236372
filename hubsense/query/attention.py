"""What needs a facility manager's attention now: desks offline while their hub is open,
batteries low, sensors stuck, and hubs whose sensors have all gone silent.

One definition for the dashboards' "Behöver åtgärd / Needs attention" list and for the
Prometheus metrics the alert rules read (``api.metrics``, ``hubsense.alerting``): both call
``region_attention``, so a desk on the list is a desk an alert is about, by the same
thresholds (``offline_after_s``, ``low_battery_pct``, ``stuck_occupied_s``,
``stuck_unchanged_open_days``).

- *offline*: the live view's rule (silent longer than ``offline_after_s``, never heard
  within ``live_lookback_s``, or reported offline by the sensor's own network with nothing
  heard since), counted only while the hub is open: out of hours nobody can go and look,
  and a gateway switched off at night is not a fault worth a page.
- *low battery*: the last reported battery at or below ``low_battery_pct``.
- *stuck*: the reports' stuck rules (``hubsense.analytics``' suspect runs) still holding
  today, and the desk still reporting the same state (occupied for the "occupied" rule,
  free for the "unchanged" one).
- *hub silent*: the hub is open, has desks, and none of them was heard within
  ``offline_after_s`` (a gateway or the hub's network is down, not one sensor).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from hubsense.analytics import Scope
from hubsense.calendar import day_bounds, from_ns, opening_window
from hubsense.metrics import StuckRun
from hubsense.query.analysis import analyse
from hubsense.query.context import QueryContext
from hubsense.query.live import HubLive, LatestCache, hub_live
from hubsense.query.period import Period
from hubsense.registry import Hub

AttentionKind = Literal["offline", "low_battery", "stuck"]
KINDS: tuple[AttentionKind, ...] = ("offline", "stuck", "low_battery")
"""Every kind, in the order the list shows them for a desk."""

StuckKind = Literal["occupied", "unchanged"]


@dataclass(frozen=True, slots=True)
class AttentionItem:
    """One thing wrong with one desk's sensor."""

    hub: str
    desk: str
    kind: AttentionKind
    last_seen: datetime | None = None  # offline: last heard (UTC); None: never heard
    offline_s: float | None = None  # offline: seconds since last heard (None: never)
    battery: int | None = None  # low_battery: the last reported percentage
    stuck: StuckKind | None = None  # stuck: which rule
    stuck_since: date | None = None  # stuck: the first local day of the run
    stuck_start: datetime | None = None  # stuck: that day's local midnight (UTC)


@dataclass(frozen=True, slots=True)
class HubAttention:
    hub: str
    open_now: bool
    silent: bool  # open now, has desks, and none heard within offline_after_s
    live: HubLive
    items: tuple[AttentionItem, ...]  # desks in registry order, then KINDS order


def open_now(hub: Hub, now_ns: int) -> bool:
    """Whether ``now_ns`` falls within the hub's opening hours today (holidays and the
    hub's closed days are closed)."""
    today = from_ns(now_ns, hub.tz).date()
    window = opening_window(hub, today)
    return window is not None and window[0] <= now_ns < window[1]


STUCK_LOOKBACK_DAYS = 7
"""How far back "stuck since" is traced: a run is reported within the analysed days, so
one that began earlier shows the first of them (at least that long). A week keeps the
analysis small (rollups of seven days) and is enough to tell "since this morning" from
"for days"."""


def stuck_now(ctx: QueryContext, hub: Hub | None = None) -> tuple[StuckRun, ...]:
    """The suspect runs reaching today in the analysis of the last ``STUCK_LOOKBACK_DAYS``
    (of the region, or of ``hub`` alone): sensors stuck now. The analysis also reads the
    days before them that the unchanged rule needs (``hubsense.analytics.margin``)."""
    today = ctx.today()
    scope = Scope("region", "") if hub is None else Scope("hub", hub.id, hub=hub.id)
    first = today - timedelta(days=STUCK_LOOKBACK_DAYS - 1)
    a = analyse(ctx, scope, Period(first, today + timedelta(days=1)))
    return tuple(r for r in a.suspects_in(scope) if r.last_day >= today)


def hub_attention(
    ctx: QueryContext, hub: Hub, live: HubLive, stuck: Sequence[StuckRun]
) -> HubAttention:
    """The hub's items from its live state and the stuck runs (of any hubs) reaching today."""
    is_open = open_now(hub, ctx.now_ns)
    runs = {r.desk: r for r in stuck if r.hub == hub.id}
    items: list[AttentionItem] = []
    for d in live.desks:
        if is_open and d.state in ("offline", "unknown"):
            items.append(
                AttentionItem(
                    hub.id, d.desk, "offline", last_seen=d.last_seen, offline_s=d.seconds_since_seen
                )
            )
        run = runs.get(d.desk)
        # Still the same state as the rule saw: a stuck sensor that has since changed is
        # fixed, whatever today's rollup (at most rollup_refresh_s old) still says.
        if run is not None and d.state in ("occupied", "free"):
            if (run.kind == "occupied") == (d.state == "occupied"):
                items.append(
                    AttentionItem(
                        hub.id,
                        d.desk,
                        "stuck",
                        stuck=run.kind,
                        stuck_since=run.first_day,
                        stuck_start=from_ns(day_bounds(hub, run.first_day)[0]),
                    )
                )
        if d.low_battery:
            items.append(AttentionItem(hub.id, d.desk, "low_battery", battery=d.battery))
    return HubAttention(
        hub=hub.id,
        open_now=is_open,
        silent=is_open and bool(hub.desks) and live.stale,
        live=live,
        items=tuple(items),
    )


def region_attention(
    ctx: QueryContext,
    hubs: Sequence[Hub] | None = None,
    *,
    cache: LatestCache | None = None,
    stuck: Sequence[StuckRun] | None = None,
) -> tuple[HubAttention, ...]:
    """Each of ``hubs`` (default: every hub, in registry order). ``stuck`` saves the
    analysis when the caller has today's runs at hand (``stuck_now``). StoreError when
    the store does not answer."""
    chosen = list(ctx.registry.hubs.values()) if hubs is None else list(hubs)
    lives = [hub_live(ctx, h, cache) for h in chosen]
    if stuck is None:
        stuck = stuck_now(ctx, chosen[0] if len(chosen) == 1 else None)
    return tuple(hub_attention(ctx, h, live, stuck) for h, live in zip(chosen, lives, strict=True))
