"""Shared pieces of the utilisation tests: a small registry with hubs open at different
hours, and events built like a conforming sensor sends them (changes + 5-min heartbeats)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hubsense.calendar import to_ns
from hubsense.config import Settings
from hubsense.events import PresenceEvent
from hubsense.registry import Registry, parse_registry
from simulators.sensors import sensor_events

TZ = ZoneInfo("Europe/Stockholm")
S = 10**9
H = 3600 * S
MIN = 60 * S



def _hours(span: str, days: str = "mon tue wed thu fri sat sun") -> str:
    return "{ " + ", ".join(f'{d} = "{span}"' for d in days.split()) + " }"


REGISTRY_TOML = f"""
schema_version = 1
version = "test"
region = "Testregion"

[municipalities]
berg = {{ name = "Berg", code = "2326" }}
ost = {{ name = "Östersund", code = "2380" }}

[[hubs]]
id = "dag"
municipality = "berg"
name = "Daghubben"
opening_hours = {_hours("07:00-18:00")}
desks = [
  {{ id = "a01", zone = "a", sensor = "dag-a01" }},
  {{ id = "a02", zone = "a", sensor = "dag-a02" }},
  {{ id = "b01", zone = "b", sensor = "dag-b01" }},
]

[[hubs]]
id = "dygn"
municipality = "berg"
name = "Dygnethubben"
opening_hours = {_hours("00:00-24:00")}
desks = [
  {{ id = "a01", zone = "a", sensor = "dygn-a01" }},
  {{ id = "a02", zone = "a", sensor = "dygn-a02" }},
]

[[hubs]]
id = "kontor"
municipality = "ost"
name = "Kontorshubben"
closed_dates = [2026-11-11]
opening_hours = {_hours("08:00-18:00", "mon tue wed thu fri")}
desks = [
  {{ id = "a01", zone = "a", sensor = "kontor-a01" }},
  {{ id = "a02", zone = "a", sensor = "kontor-a02" }},
  {{ id = "b01", zone = "b", sensor = "kontor-b01" }},
]
"""


def registry() -> Registry:
    return parse_registry(REGISTRY_TOML, "test registry")


REGISTRY = registry()
MUNICIPALITY = {"dag": "berg", "dygn": "berg", "kontor": "ost"}


def settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> int:
    """UTC ns of a local (Stockholm) wall-clock time."""
    return to_ns(datetime(y, m, d, h, mi, s, tzinfo=TZ))


def day_ns(d: date) -> int:
    return at(d.year, d.month, d.day)


def sensor(
    hub: str,
    desk: str,
    occupied: Sequence[tuple[int, int]],
    start_ns: int,
    end_ns: int,
    *,
    heartbeat_s: float = 300.0,
    seq0: int = 0,
) -> list[PresenceEvent]:
    """What the desk's sensor sends over ``[start_ns, end_ns)`` for these occupied
    intervals: a message on every change and a heartbeat every ``heartbeat_s`` (the first
    at ``start_ns``), the state at ``start_ns`` being known."""
    return [
        PresenceEvent(MUNICIPALITY[hub], hub, desk, f"{hub}-{desk}", seq0 + i, t, occ, hb)
        for i, (t, occ, hb) in enumerate(
            sensor_events(occupied, start_ns, end_ns, heartbeat_s=heartbeat_s)
        )
    ]


def event(hub: str, desk: str, t: int, occupied: bool, *, heartbeat: bool = False,
          seq: int = 0) -> PresenceEvent:
    return PresenceEvent(MUNICIPALITY[hub], hub, desk, f"{hub}-{desk}", seq, t, occupied,
                         heartbeat)


def all_desks(hub: str, start_ns: int, end_ns: int,
              sessions: dict[str, Sequence[tuple[int, int]]]) -> list[PresenceEvent]:
    """Every desk of ``hub`` reporting over the span; ``sessions`` per desk (default none)."""
    out: list[PresenceEvent] = []
    for d in REGISTRY.hubs[hub].desks:
        out += sensor(hub, d.id, sessions.get(d.id, ()), start_ns, end_ns)
    return out


def days(first: date, end: date) -> Iterable[date]:
    from datetime import timedelta

    d = first
    while d < end:
        yield d
        d += timedelta(days=1)
