"""Shared pieces of the planning tests: sensor history with a known number of desks used
per open day, written like conforming sensors send it (changes + heartbeats)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

from hubsense.calendar import is_open, to_ns
from hubsense.events import PresenceEvent
from hubsense.registry import Registry
from hubsense.store.base import Store
from simulators.sensors import sensor_events

EXAMPLE = Path(__file__).resolve().parents[2] / "hubsense" / "data" / "planning_facts_example.csv"
HEARTBEAT_S = 840.0  # under offline_after_s (900 s): every open minute is known


def days(first: date, end: date) -> Iterator[date]:
    d = first
    while d < end:
        yield d
        d += timedelta(days=1)


def hub_history(
    registry: Registry,
    hub_id: str,
    first: date,
    end: date,
    used: Callable[[date], int],
) -> list[PresenceEvent]:
    """Every desk of the hub reports over ``[first, end)``; on each open day ``used(day)``
    desks are occupied 09:00–15:00 local time, all at once (that day's peak and its visits
    are both ``used(day)``). Which desks rotates from day to day, so that every desk
    changes state within a few days (a desk unchanged for ten open days counts as stuck)."""
    hub = registry.hubs[hub_id]
    tz = hub.tz
    start_ns = to_ns(datetime(first.year, first.month, first.day, tzinfo=tz))
    end_ns = to_ns(datetime(end.year, end.month, end.day, tzinfo=tz))
    sessions: dict[str, list[tuple[int, int]]] = {d.id: [] for d in hub.desks}
    n = len(hub.desks)
    for i, day in enumerate(days(first, end)):
        if not is_open(hub, day):
            continue
        for desk in (hub.desks[(i + k) % n] for k in range(min(used(day), n))):
            a = to_ns(datetime(day.year, day.month, day.day, 9, tzinfo=tz))
            b = to_ns(datetime(day.year, day.month, day.day, 15, tzinfo=tz))
            sessions[desk.id].append((a, b))
    out: list[PresenceEvent] = []
    for desk in hub.desks:
        events = sensor_events(sessions[desk.id], start_ns, end_ns, heartbeat_s=HEARTBEAT_S)
        for seq, (t, occupied, heartbeat) in enumerate(events):
            out.append(
                PresenceEvent(
                    hub.municipality, hub.id, desk.id, desk.sensor, seq, t, occupied, heartbeat
                )
            )
    return out


def fill(
    store: Store,
    registry: Registry,
    first: date,
    end: date,
    used: dict[str, Callable[[date], int]],
) -> None:
    for hub_id, per_day in used.items():
        store.write(hub_history(registry, hub_id, first, end, per_day), [])
