"""Free desks now, per hub, for an employee choosing where to work today: how many desks
are free, until when the hub is open today, and when it is usually busy.

What it must never reveal: which desk is taken, since when, or anything about a person.
The answer therefore holds counts per hub only (no desk ids, no desk-level times), and a
hub with fewer desks than ``min_group_size`` gives only a level (free / few / full), no
number at all, so one person's arrival cannot be read from a count of two.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Final, Literal

from hubsense.analytics import Analysis, Scope
from hubsense.calendar import from_ns, is_open
from hubsense.query.analysis import analyse
from hubsense.query.context import QueryContext
from hubsense.query.live import hub_live
from hubsense.query.period import Period
from hubsense.registry import Hub, Registry

Level = Literal["free", "few", "full", "unknown"]
PROFILE_DAYS: Final = 28
""""Usually busy" comes from the hour × weekday profile of the four weeks before today."""
BUSY_SHARE: Final = 0.6
"""An hour is busy when on average at least this share of the desks is taken (the lower
bound of the glossary's "high" usage band)."""
FEW_SHARE: Final = 0.25
"""Few free: at most this share of the desks (and at least one)."""


@dataclass(frozen=True, slots=True)
class HubFreeNow:
    hub: str
    name: str
    municipality: str
    level: Level  # unknown: the hub is closed now or no sensor is heard
    free: int | None  # None for a hub smaller than min_group_size (the level only)
    desks: int | None  # idem
    open_now: bool
    opens: time | None  # today's opening hours; None: closed today
    closes: time | None
    busy: tuple[tuple[int, int], ...]  # usually busy today: local hours [start, end)


@dataclass(frozen=True, slots=True)
class FreeNow:
    as_of: datetime  # UTC
    min_group_size: int
    hubs: tuple[HubFreeNow, ...]  # registry order


def level_of(free: int, desks: int) -> Level:
    if free <= 0:
        return "full"
    return "few" if free <= max(1, int(desks * FEW_SHARE)) else "free"


def busy_hours(mean: list[float | None], desks: int) -> tuple[tuple[int, int], ...]:
    """Runs of local hours whose average concurrency is at least ``BUSY_SHARE`` of the
    desks, as [start, end) hours."""
    busy = [v is not None and desks > 0 and v / desks >= BUSY_SHARE for v in mean]
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for hour, on in enumerate([*busy, False]):
        if on and start is None:
            start = hour
        elif not on and start is not None:
            runs.append((start, hour))
            start = None
    return tuple(runs)


def _hub(ctx: QueryContext, hub: Hub, history: Analysis) -> HubFreeNow:
    live = hub_live(ctx, hub)
    desks = len(hub.desks)
    today = from_ns(ctx.now_ns, hub.tz).date()
    hours = hub.opening_hours[today.weekday()] if is_open(hub, today) else None
    known = live.open and not live.stale
    level: Level = level_of(live.counts.free, desks) if known else "unknown"
    small = desks < ctx.settings.min_group_size
    mean = history.profile(Scope("hub", hub.id, hub=hub.id))[today.weekday()]
    return HubFreeNow(
        hub=hub.id,
        name=hub.name,
        municipality=ctx.registry.municipalities[hub.municipality].name,
        level=level,
        free=None if small or not known else live.counts.free,
        desks=None if small else desks,
        open_now=live.open,
        opens=hours[0] if hours else None,
        closes=hours[1] if hours else None,
        busy=busy_hours(mean, desks),
    )


def seen_by(answer: FreeNow, registry: Registry) -> FreeNow:
    """The answer as a scope sees it: the hubs of ``registry`` (the scope's view) only."""
    return replace(answer, hubs=tuple(h for h in answer.hubs if h.hub in registry.hubs))


def free_now(ctx: QueryContext) -> FreeNow:
    """Every hub's free desks now (StoreError when the store does not answer)."""
    today = ctx.today()
    period = Period(today - timedelta(days=PROFILE_DAYS), today)
    history = analyse(ctx, Scope("region", ""), period)  # one read for every hub's profile
    hubs = tuple(_hub(ctx, hub, history) for hub in ctx.registry.hubs.values())
    return FreeNow(from_ns(ctx.now_ns), ctx.settings.min_group_size, hubs)
