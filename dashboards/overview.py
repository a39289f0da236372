"""The region overview's model: municipalities in Swedish alphabetical order, each with a
card per hub built from that hub's live JSON (``/api/hubs/{hub}/live``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from dashboards.live import LiveCounts, live_counts, parse_datetime
from hubsense.calendar import from_ns, is_open
from hubsense.collation import swedish_key
from hubsense.registry import Hub, Registry


@dataclass(frozen=True, slots=True)
class HubCard:
    hub: str
    name: str
    municipality: str
    desk_count: int  # from the registry
    counts: LiveCounts | None  # None: no live data (the store did not answer)
    stale: bool
    offline_after_s: float | None
    open: bool = True  # within opening hours (no live data: shown as open, not guessed)
    hours_today: tuple[time, time] | None = None  # opening hours today; None: closed today
    updated: datetime | None = None  # the live state's as_of, the hub's local time

    @property
    def total(self) -> int:
        return self.desk_count

    @property
    def full(self) -> bool:
        """Every desk taken now (a full hub is marked, in text as well as colour)."""
        return self.counts is not None and self.total > 0 and self.counts.occupied >= self.total


@dataclass(frozen=True, slots=True)
class MunicipalityGroup:
    id: str
    name: str
    code: str
    cards: tuple[HubCard, ...]

    @property
    def occupied(self) -> int | None:
        if any(c.counts is None for c in self.cards):
            return None
        return sum(c.counts.occupied for c in self.cards if c.counts is not None)

    @property
    def total(self) -> int:
        return sum(c.total for c in self.cards)


def _local(when: datetime | None, hub: Hub) -> datetime | None:
    return None if when is None else when.astimezone(hub.tz)


def hours_today(hub: Hub, now_ns: int) -> tuple[time, time] | None:
    """The hub's opening hours on its local today, None when it is closed all day
    (weekday without hours, closed date, public holiday)."""
    today = from_ns(now_ns, hub.tz).date()
    if not is_open(hub, today):
        return None
    return hub.opening_hours[today.weekday()]


def hub_card(
    registry: Registry, hub_id: str, live: Mapping[str, Any] | None, now_ns: int | None = None
) -> HubCard:
    hub = registry.hubs[hub_id]
    after = live.get("offline_after_s") if live is not None else None
    as_of = live.get("as_of") if live is not None else None
    return HubCard(
        hub=hub.id,
        name=hub.name,
        municipality=hub.municipality,
        desk_count=len(hub.desks),
        counts=live_counts(live, len(hub.desks)) if live is not None else None,
        stale=bool(live.get("stale")) if live is not None else False,
        offline_after_s=float(after) if isinstance(after, int | float) else None,
        open=live.get("open") is not False if live is not None else True,
        hours_today=None if now_ns is None else hours_today(hub, now_ns),
        updated=_local(parse_datetime(as_of), hub),
    )


def region_groups(
    registry: Registry,
    lives: Mapping[str, Mapping[str, Any] | None],
    now_ns: int | None = None,
) -> list[MunicipalityGroup]:
    """Every municipality (Swedish order by name), its hubs' cards ordered by hub name.

    ``lives`` maps hub id → that hub's live JSON (missing or ``None``: no data); with
    ``now_ns`` each card has the hub's opening hours today."""
    groups = []
    for muni in sorted(registry.municipalities.values(), key=lambda m: swedish_key(m.name)):
        hub_ids = sorted(muni.hubs, key=lambda h: swedish_key(registry.hubs[h].name))
        groups.append(
            MunicipalityGroup(
                id=muni.id,
                name=muni.name,
                code=muni.code,
                cards=tuple(hub_card(registry, h, lives.get(h), now_ns) for h in hub_ids),
            )
        )
    return groups


def region_totals(groups: list[MunicipalityGroup]) -> tuple[int | None, int]:
    """(occupied desks, all desks) of the region; occupied is None if any hub had no data."""
    occupied = [g.occupied for g in groups]
    total = sum(g.total for g in groups)
    if any(o is None for o in occupied):
        return None, total
    return sum(o for o in occupied if o is not None), total
