"""The "needs attention" rules (``hubsense.query.attention``) on a real SQLite store: which
desk is offline while its hub is open, low on battery, stuck, and when a hub is silent."""

from __future__ import annotations

from datetime import UTC, datetime

from hubsense.config import Settings
from hubsense.events import PresenceEvent
from hubsense.query.attention import open_now, region_attention
from hubsense.query.context import QueryContext
from hubsense.registry import parse_registry

NS = 10**9
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
HOURS = "{ " + ", ".join(f'{d} = "08:00-17:00"' for d in WEEKDAYS) + " }"
REGISTRY = parse_registry(
    """
schema_version = 1
version = "t"
region = "Test"
[municipalities]
berg = { name = "Berg", code = "2326" }
[[hubs]]
id = "h"
municipality = "berg"
name = "Hub"
timezone = "Europe/Stockholm"
opening_hours = HOURS
desks = [
  { id = "d1", zone = "a", sensor = "h-d1" },
  { id = "d2", zone = "a", sensor = "h-d2" },
  { id = "d3", zone = "a", sensor = "h-d3" },
  { id = "d4", zone = "a", sensor = "h-d4" },
]
[[hubs]]
id = "g"
municipality = "berg"
name = "Other hub"
timezone = "Europe/Stockholm"
opening_hours = HOURS
desks = [
  { id = "e1", zone = "a", sensor = "g-e1" },
  { id = "e2", zone = "a", sensor = "g-e2" },
]
""".replace("HOURS", HOURS),
    "test",
)
# Wednesday 25 November 2026, 10:00 in Stockholm (09:00 UTC): the hubs are open.
OPEN_NS = int(datetime(2026, 11, 25, 9, 0, tzinfo=UTC).timestamp()) * NS
# The same day, 20:00 local: closed.
CLOSED_NS = OPEN_NS + 10 * 3600 * NS
SETTINGS = Settings.model_construct()


def ev(hub: str, desk: str, t_ns: int, occupied: bool, battery: int | None = 80, seq: int = 1):
    return PresenceEvent("berg", hub, desk, f"{hub}-{desk}", seq, t_ns, occupied, False, battery)


def heartbeats(hub: str, desk: str, start_ns: int, end_ns: int, occupied: bool, battery=80):
    step = 300 * NS
    return [
        ev(hub, desk, t, occupied, battery, seq=i)
        for i, t in enumerate(range(start_ns, end_ns, step))
    ]


def items_of(result, hub="h"):
    found = next(h for h in result if h.hub == hub)
    return {(i.desk, i.kind): i for i in found.items}, found


def test_offline_low_battery_and_healthy_desks_while_open(sqlite_store):
    sqlite_store.write(
        [
            ev("h", "d1", OPEN_NS - 60 * NS, False),  # heard a minute ago: fine
            ev("h", "d2", OPEN_NS - 3600 * NS, True),  # an hour silent: offline
            ev("h", "d3", OPEN_NS - 120 * NS, True, battery=20),  # at the threshold: low
            ev("h", "d4", OPEN_NS - 120 * NS, True, battery=21),  # above it: fine
            ev("g", "e1", OPEN_NS - 60 * NS, False),
            ev("g", "e2", OPEN_NS - 60 * NS, False),
        ],
        [],
    )
    ctx = QueryContext(sqlite_store, REGISTRY, SETTINGS, OPEN_NS)
    items, hub = items_of(region_attention(ctx))
    assert set(items) == {("d2", "offline"), ("d3", "low_battery")}
    assert items["d2", "offline"].offline_s == 3600
    assert items["d2", "offline"].last_seen == datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    assert items["d3", "low_battery"].battery == 20
    assert hub.open_now and not hub.silent
    other, g = items_of(region_attention(ctx), "g")
    assert other == {} and not g.silent


def test_offline_counts_only_while_the_hub_is_open(sqlite_store):
    sqlite_store.write([ev("h", "d1", CLOSED_NS - 3 * 3600 * NS, False, battery=5)], [])
    ctx = QueryContext(sqlite_store, REGISTRY, SETTINGS, CLOSED_NS)
    items, hub = items_of(region_attention(ctx))
    assert not hub.open_now and not hub.silent
    # Closed: nobody can go and look, so no desk is listed offline; the battery still is.
    assert set(items) == {("d1", "low_battery")}


def test_a_desk_never_heard_is_offline_with_no_last_seen(sqlite_store):
    sqlite_store.write([ev("h", d, OPEN_NS - 60 * NS, False) for d in ("d1", "d2", "d3")], [])
    items, _ = items_of(region_attention(QueryContext(sqlite_store, REGISTRY, SETTINGS, OPEN_NS)))
    assert set(items) == {("d4", "offline")}
    assert items["d4", "offline"].last_seen is None and items["d4", "offline"].offline_s is None


def test_a_hub_whose_sensors_are_all_silent_while_open(sqlite_store):
    sqlite_store.write([ev("g", d, OPEN_NS - 7200 * NS, False) for d in ("e1", "e2")], [])
    ctx = QueryContext(sqlite_store, REGISTRY, SETTINGS, OPEN_NS)
    _, g = items_of(region_attention(ctx), "g")
    assert g.silent and {i.kind for i in g.items} == {"offline"}
    late = QueryContext(sqlite_store, REGISTRY, SETTINGS, CLOSED_NS)
    _, closed = items_of(region_attention(late), "g")
    assert not closed.silent


def test_a_sensor_reporting_occupied_for_longer_than_stuck_occupied_s(sqlite_store):
    # d1 has reported occupied since yesterday 08:00 (26 h), d2 a normal morning.
    start = OPEN_NS - 26 * 3600 * NS
    sqlite_store.write(
        heartbeats("h", "d1", start, OPEN_NS, True)
        + heartbeats("h", "d2", OPEN_NS - 2 * 3600 * NS, OPEN_NS, True)
        + heartbeats("h", "d3", start, OPEN_NS, False)
        + heartbeats("h", "d4", start, OPEN_NS, False),
        [],
    )
    ctx = QueryContext(sqlite_store, REGISTRY, SETTINGS, OPEN_NS)
    items, _ = items_of(region_attention(ctx))
    stuck = items["d1", "stuck"]
    assert stuck.stuck == "occupied"
    assert stuck.stuck_since == (datetime(2026, 11, 24)).date()
    assert stuck.stuck_start == datetime(2026, 11, 23, 23, 0, tzinfo=UTC)  # local midnight
    assert ("d2", "stuck") not in items
    # The analysis of the hub alone says the same as the region's.
    only, _ = items_of(region_attention(ctx, [REGISTRY.hubs["h"]]))
    assert only == items


def test_a_stuck_sensor_that_reports_a_change_is_no_longer_listed(sqlite_store):
    start = OPEN_NS - 26 * 3600 * NS
    sqlite_store.write(
        heartbeats("h", "d1", start, OPEN_NS - 60 * NS, True)
        + [ev("h", "d1", OPEN_NS - 30 * NS, False, seq=9999)],
        [],
    )
    ctx = QueryContext(sqlite_store, REGISTRY, SETTINGS, OPEN_NS)
    runs = region_attention(ctx)
    items, _ = items_of(runs)
    assert ("d1", "stuck") not in items


def test_open_now_follows_opening_hours_and_holidays():
    hub = REGISTRY.hubs["h"]
    assert open_now(hub, OPEN_NS)
    assert not open_now(hub, CLOSED_NS)
    christmas = int(datetime(2026, 12, 25, 9, 0, tzinfo=UTC).timestamp()) * NS  # a Friday
    assert not open_now(hub, christmas)
    opening = int(datetime(2026, 11, 25, 7, 0, tzinfo=UTC).timestamp()) * NS  # 08:00 local
    assert open_now(hub, opening) and not open_now(hub, opening - NS)


def test_a_sensor_free_without_a_change_for_stuck_unchanged_open_days(sqlite_store):
    settings = Settings.model_construct(stuck_unchanged_open_days=3)
    start = OPEN_NS - 6 * 86400 * NS  # Thursday the week before
    events = heartbeats("h", "d3", start, OPEN_NS, False)
    for day in range(7):  # d1 is used every morning, as a desk is
        t = start + day * 86400 * NS
        events += heartbeats("h", "d1", t, t + 3600 * NS, True)
        events += heartbeats("h", "d1", t + 3600 * NS, t + 86400 * NS, False)
    sqlite_store.write([e for e in events if e.time_ns < OPEN_NS], [])
    ctx = QueryContext(sqlite_store, REGISTRY, settings, OPEN_NS)
    items, _ = items_of(region_attention(ctx))
    assert items["d3", "stuck"].stuck == "unchanged"
    assert items["d3", "stuck"].stuck_since is not None
    assert ("d1", "stuck") not in items
    # By the default rule (20 open days) six days are not enough.
    off = QueryContext(sqlite_store, REGISTRY, Settings.model_construct(), OPEN_NS)
    assert ("d3", "stuck") not in items_of(region_attention(off))[0]
