"""dashboards.live: desk tiles by zone from the live endpoint's JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from dashboards.live import STATE_STYLE, STATES, LiveCounts, desk_tile, hub_tiles, live_counts
from dashboards.render import tile_html
from hubsense.registry import Registry, parse_registry
from tests.dashboards.support import SVENSTAVIK_EXPECTED

SHUFFLED = """
schema_version = 1
version = "t"
region = "Test"
[municipalities]
berg = { name = "Berg", code = "2326" }
[[hubs]]
id = "h"
municipality = "berg"
name = "H"
opening_hours = { mon = "08:00-17:00" }
desks = [
  { id = "c02", zone = "c", sensor = "s1" },
  { id = "a10", zone = "a", sensor = "s2" },
  { id = "c01", zone = "c", sensor = "s3" },
  { id = "a02", zone = "a", sensor = "s4" },
  { id = "b01", zone = "b", sensor = "s5" },
]
"""


@pytest.fixture
def svenstavik_live(client: TestClient) -> dict[str, Any]:
    r = client.get("/api/hubs/svenstavik/live")
    assert r.status_code == 200
    return dict(r.json())


def test_tiles_from_the_api_json(registry: Registry, svenstavik_live: dict[str, Any]) -> None:
    zones = hub_tiles(registry.hubs["svenstavik"], svenstavik_live)
    assert [z.zone for z in zones] == ["a", "b"]
    assert [t.desk for t in zones[0].tiles] == [f"a0{i}" for i in range(1, 9)]
    assert [t.desk for t in zones[1].tiles] == ["b01", "b02", "b03", "b04"]
    tiles = {t.desk: t for z in zones for t in z.tiles}
    assert {d: (t.state, t.low_battery) for d, t in tiles.items()} == SVENSTAVIK_EXPECTED

    a02 = tiles["a02"]
    assert a02.battery == 15
    assert a02.last_seen == datetime(2026, 11, 25, 9, 55, tzinfo=UTC)
    assert a02.seconds_since_seen == 300
    assert a02.icon == "○"
    assert a02.css_classes == "desk state-free low-battery"
    assert tiles["a01"].css_classes == "desk state-occupied"
    assert tiles["a01"].icon == "●"
    assert tiles["a04"].icon == "×"
    assert tiles["a03"] == desk_tile("a03", "a", None)
    assert tiles["a03"].icon == "?"
    assert tiles["a03"].last_seen is None


def test_every_state_has_its_own_icon_and_class() -> None:
    assert set(STATE_STYLE) == set(STATES)
    assert len({s.icon for s in STATE_STYLE.values()}) == len(STATES)
    assert len({s.css for s in STATE_STYLE.values()}) == len(STATES)


def test_layout_comes_from_the_registry_sorted() -> None:
    hub = parse_registry(SHUFFLED).hubs["h"]
    zones = hub_tiles(hub, {"desks": [{"desk": "a10", "state": "free"}]})
    assert [(z.zone, [t.desk for t in z.tiles]) for z in zones] == [
        ("a", ["a02", "a10"]),
        ("b", ["b01"]),
        ("c", ["c01", "c02"]),
    ]
    states = {t.desk: t.state for z in zones for t in z.tiles}
    assert states == {"a02": "unknown", "a10": "free", "b01": "unknown", "c01": "unknown",
                      "c02": "unknown"}  # fmt: skip


def test_no_json_or_odd_json_gives_unknown_tiles() -> None:
    hub = parse_registry(SHUFFLED).hubs["h"]
    assert {t.state for z in hub_tiles(hub, None) for t in z.tiles} == {"unknown"}
    odd = {
        "desks": [
            {"desk": "a02", "state": "exploded", "low_battery": "yes", "battery": "x"},
            {"desk": "zz9", "state": "occupied"},  # not in the registry: no tile
            "not a desk",
            {"state": "free"},
            {"desk": "b01", "state": "offline", "battery": True, "last_seen": "garbage",
             "seconds_since_seen": "1"},
        ]
    }  # fmt: skip
    tiles = {t.desk: t for z in hub_tiles(hub, odd) for t in z.tiles}
    assert set(tiles) == {"a02", "a10", "b01", "c01", "c02"}
    assert tiles["a02"].state == "unknown"
    assert tiles["a02"].low_battery is False
    assert tiles["a02"].battery is None
    assert tiles["b01"].state == "offline"
    assert tiles["b01"].battery is None
    assert tiles["b01"].last_seen is None
    assert tiles["b01"].seconds_since_seen is None


def test_counts(svenstavik_live: dict[str, Any]) -> None:
    assert live_counts(svenstavik_live, 12) == LiveCounts(
        occupied=2, free=2, offline=2, unknown=6, low_battery=2, total=12
    )
    assert live_counts(None, 12) == LiveCounts(0, 0, 0, 12, 0, 12)
    assert live_counts({"counts": "?"}, 3) == LiveCounts(0, 0, 0, 3, 0, 3)
    assert live_counts(svenstavik_live, 12).of("unknown") == 6


def test_a_tile_says_when_the_sensors_network_reported_it_offline() -> None:
    reported = {"state": "offline", "network_offline": True, "last_seen": None}
    tile = desk_tile("a01", "a", reported)
    assert tile.state == "offline" and tile.network_offline is True
    for odd in (
        {"state": "free", "network_offline": True},
        {"state": "offline", "network_offline": 1},
    ):
        assert desk_tile("a01", "a", odd).network_offline is False, odd
    tz = ZoneInfo("Europe/Stockholm")
    assert '<span class="desk-state">offline (enligt nätverket)</span>' in tile_html(
        tile, "sv", tz, None
    )
    assert '<span class="desk-state">offline (reported by its network)</span>' in tile_html(
        tile, "en", tz, None
    )
    silent = desk_tile("a01", "a", {"state": "offline"})
    assert '<span class="desk-state">offline</span>' in tile_html(silent, "sv", tz, None)
