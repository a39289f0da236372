"""GET /api/hubs/{hub}/live: exact states and counts at the fake clock's NOW."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hubsense.events import PresenceEvent
from hubsense.registry import Registry
from hubsense.statsfile import write_stats
from hubsense.store.sqlite import SqliteStore
from hubsense.writesignal import WriteSignal
from launch.app import create_app
from tests.api.api_support import HOSTILE_IDS, NOW, RecordingStore, S, settings

Event = Callable[..., PresenceEvent]
DAY = 24 * 3600


def by_desk(body: dict) -> dict[str, dict]:
    return {d["desk"]: d for d in body["desks"]}


@pytest.fixture
def filled(sqlite_store: SqliteStore, event: Event) -> SqliteStore:
    sqlite_store.write(
        [
            event("svenstavik", "a01", ago_s=60, occupied=True, battery=87, rssi=-71),
            # exactly at the low-battery threshold (20 %) is low
            event("svenstavik", "a02", ago_s=300, occupied=False, heartbeat=True, battery=20),
            event("svenstavik", "a03", ago_s=899, occupied=False, battery=21),
            # 901 s > offline_after_s = 900: offline, and its battery was low
            event("svenstavik", "a04", ago_s=901, occupied=True, battery=15, rssi=-90),
            # older than live_lookback_s (14 days): as if never heard
            event("svenstavik", "a05", ago_s=15 * DAY, occupied=True, battery=90),
            # exactly offline_after_s old: still counts
            event("svenstavik", "a06", ago_s=900, occupied=True),
            # the newest message wins
            event("svenstavik", "a07", ago_s=1200, occupied=True),
            event("svenstavik", "a07", ago_s=120, occupied=False, battery=55),
            # a sensor clock 30 s ahead: heard just now
            event("svenstavik", "b01", ago_s=-30, occupied=False),
            # another hub's desk with the same id must not leak in
            event("bracke", "a08", ago_s=10, occupied=True),
            event("bracke", "a07", ago_s=10, occupied=True),
        ],
        [],
    )
    return sqlite_store


def test_exact_states(make_client: Callable[..., TestClient], filled: SqliteStore) -> None:
    r = make_client(filled).get("/api/hubs/svenstavik/live")
    assert r.status_code == 200
    body = r.json()
    desks = by_desk(body)
    assert list(desks) == [f"a0{i}" for i in range(1, 9)] + ["b01", "b02", "b03", "b04"]
    assert desks["a01"] == {
        "desk": "a01",
        "zone": "a",
        "state": "occupied",
        "occupied": True,
        "last_occupied": True,
        "last_seen": "2026-11-25T09:59:00Z",
        "seconds_since_seen": 60.0,
        "battery": 87,
        "low_battery": False,
        "rssi": -71,
        "network_offline": False,
    }
    assert desks["a02"]["state"] == "free"
    assert desks["a02"]["occupied"] is False
    assert desks["a02"]["low_battery"] is True
    assert desks["a03"]["state"] == "free"
    assert desks["a03"]["low_battery"] is False
    assert desks["a04"] == {
        "desk": "a04",
        "zone": "a",
        "state": "offline",
        "occupied": None,
        "last_occupied": True,
        "last_seen": "2026-11-25T09:44:59Z",
        "seconds_since_seen": 901.0,
        "battery": 15,
        "low_battery": True,
        "rssi": -90,
        "network_offline": False,
    }
    assert desks["a05"]["state"] == "unknown"
    assert desks["a06"]["state"] == "occupied"
    assert desks["a06"]["seconds_since_seen"] == 900.0
    assert desks["a07"]["state"] == "free"
    assert desks["a07"]["battery"] == 55
    assert desks["a08"] == {
        "desk": "a08",
        "zone": "a",
        "state": "unknown",
        "occupied": None,
        "last_occupied": None,
        "last_seen": None,
        "seconds_since_seen": None,
        "battery": None,
        "low_battery": False,
        "rssi": None,
        "network_offline": False,
    }
    assert desks["b01"]["state"] == "free"
    assert desks["b01"]["seconds_since_seen"] == 0.0
    assert desks["b01"]["zone"] == "b"
    assert [desks[d]["state"] for d in ("b02", "b03", "b04")] == ["unknown"] * 3


def test_a_desk_its_network_reports_offline_is_offline_at_once(
    registry: Registry, filled: SqliteStore, tmp_path: Path
) -> None:
    """The collector's stats say a01's sensor went offline after its last message (60 s
    ago) and a07's before its last one: a01 is offline now, long before offline_after_s,
    a07's newer message overtook the report; a never-heard desk reported offline is
    offline rather than unknown."""
    a01, a07, b02 = (registry.desk("svenstavik", d) for d in ("a01", "a07", "b02"))
    assert a01 is not None and a07 is not None and b02 is not None
    stats = tmp_path / "collector-stats.json"
    reported = {a01.sensor: NOW - 30 * S, a07.sensor: NOW - 600 * S, b02.sensor: NOW - 5 * S}
    write_stats(stats, {"sensors_unavailable_since": reported})
    app = create_app(settings(collector_stats_file=stats), registry, filled, clock=lambda: NOW)
    with TestClient(app) as client:
        body = client.get("/api/hubs/svenstavik/live").json()
    desks = by_desk(body)
    assert desks["a01"]["state"] == "offline" and desks["a01"]["network_offline"] is True
    assert desks["a01"]["occupied"] is None and desks["a01"]["last_occupied"] is True
    assert desks["a07"]["state"] == "free" and desks["a07"]["network_offline"] is False
    assert desks["b02"]["state"] == "offline" and desks["b02"]["last_seen"] is None
    without = by_desk(make_live(registry, filled))
    assert (without["a01"]["state"], without["b02"]["state"]) == ("occupied", "unknown")
    assert body["counts"]["offline"] == sum(d["state"] == "offline" for d in desks.values())
    assert body["counts"]["offline"] == sum(d["state"] == "offline" for d in without.values()) + 2


def make_live(registry: Registry, store: SqliteStore) -> dict:
    app = create_app(settings(), registry, store, clock=lambda: NOW)
    with TestClient(app) as client:
        body: dict = client.get("/api/hubs/svenstavik/live").json()
    return body


def test_counts_and_header(make_client: Callable[..., TestClient], filled: SqliteStore) -> None:
    body = make_client(filled).get("/api/hubs/svenstavik/live").json()
    assert body["counts"] == {
        "occupied": 2,  # a01, a06
        "free": 4,  # a02, a03, a07, b01
        "offline": 1,  # a04
        "unknown": 5,  # a05, a08, b02, b03, b04
        "low_battery": 2,  # a02, a04
        "total": 12,
    }
    assert body["hub"] == "svenstavik"
    assert body["as_of"] == "2026-11-25T10:00:00Z"
    assert body["offline_after_s"] == 900.0
    assert body["stale"] is False


def test_other_hub_sees_only_its_own(
    make_client: Callable[..., TestClient], filled: SqliteStore
) -> None:
    body = make_client(filled).get("/api/hubs/bracke/live").json()
    assert body["counts"]["occupied"] == 2
    assert body["counts"]["unknown"] == 6
    assert by_desk(body)["a08"]["last_seen"] == "2026-11-25T09:59:50Z"


def test_no_data_at_all_is_stale_and_unknown(client: TestClient) -> None:
    body = client.get("/api/hubs/sveg/live").json()
    assert body["stale"] is True
    assert body["counts"] == {
        "occupied": 0,
        "free": 0,
        "offline": 0,
        "unknown": 10,
        "low_battery": 0,
        "total": 10,
    }


def test_stale_when_every_desk_is_offline(
    make_client: Callable[..., TestClient], sqlite_store: SqliteStore, event: Event
) -> None:
    sqlite_store.write(
        [event("bracke", f"a0{i}", ago_s=3600 + i, occupied=True) for i in range(1, 9)], []
    )
    body = make_client(sqlite_store).get("/api/hubs/bracke/live").json()
    assert body["stale"] is True
    assert body["counts"]["offline"] == 8


def test_one_desk_heard_is_not_stale(
    make_client: Callable[..., TestClient], sqlite_store: SqliteStore, event: Event
) -> None:
    sqlite_store.write([event("bracke", "a03", ago_s=10, occupied=False)], [])
    body = make_client(sqlite_store).get("/api/hubs/bracke/live").json()
    assert body["stale"] is False
    assert body["counts"]["free"] == 1


def test_asks_the_store_for_the_lookback_window(
    make_client: Callable[..., TestClient], sqlite_store: SqliteStore
) -> None:
    store = RecordingStore(sqlite_store)
    assert make_client(store).get("/api/hubs/svenstavik/live").status_code == 200
    assert store.calls == [("latest", ("svenstavik", NOW - 14 * DAY * S))]


def test_follows_the_injected_clock(
    make_client: Callable[..., TestClient], sqlite_store: SqliteStore, event: Event
) -> None:
    sqlite_store.write([event("sveg", "a01", ago_s=0, occupied=True)], [])
    later = make_client(sqlite_store, clock=lambda: NOW + 1000 * S)
    body = later.get("/api/hubs/sveg/live").json()
    assert body["as_of"] == "2026-11-25T10:16:40Z"
    assert by_desk(body)["a01"]["state"] == "offline"
    assert by_desk(body)["a01"]["seconds_since_seen"] == 1000.0


def test_unknown_hub_is_404(client: TestClient) -> None:
    r = client.get("/api/hubs/nowhere/live")
    assert r.status_code == 404
    assert r.json() == {"detail": "unknown hub 'nowhere'"}


@pytest.mark.parametrize("hub", HOSTILE_IDS)
def test_hostile_ids_never_reach_the_store(
    make_client: Callable[..., TestClient], sqlite_store: SqliteStore, hub: str
) -> None:
    store = RecordingStore(sqlite_store)
    r = make_client(store).get(f"/api/hubs/{hub}/live")
    assert r.status_code == 404
    assert store.calls == []


def test_store_down_is_503(broken_client: TestClient) -> None:
    r = broken_client.get("/api/hubs/svenstavik/live")
    assert r.status_code == 503
    assert r.headers["retry-after"] == "5"
    detail = r.json()["detail"]
    assert detail.startswith("store unavailable")
    assert "connection refused (test)" in detail


def test_the_collectors_write_signal_ends_the_cached_state_at_once(
    registry: Registry, sqlite_store: SqliteStore, event: Event, tmp_path: Path
) -> None:
    """With store_signal_file the live cache keeps a hub's state until the collector has
    written again, however long live_cache_s is; without a write it keeps it."""
    signal_file = tmp_path / "signal"
    app = create_app(
        settings(live_cache_s=3600, store_signal_file=signal_file),
        registry,
        RecordingStore(sqlite_store),
        clock=lambda: NOW,
    )
    store: RecordingStore = app.state.store
    sqlite_store.write([event("svenstavik", "a01", ago_s=60, occupied=True)], [])
    signal = WriteSignal(signal_file)
    signal.bump()
    with TestClient(app) as client:

        def a01() -> dict:
            r = client.get("/api/hubs/svenstavik/live")
            assert r.status_code == 200
            return by_desk(r.json())["a01"]

        assert a01()["state"] == "occupied"
        assert a01()["state"] == "occupied"
        reads = [c for c in store.calls if c[0] == "latest"]
        assert len(reads) == 1  # the second answer came from the cache
        sqlite_store.write([event("svenstavik", "a01", ago_s=10, occupied=False)], [])
        assert a01()["state"] == "occupied"  # written, but not signalled: still cached
        signal.bump()
        assert a01()["state"] == "free"
        assert len([c for c in store.calls if c[0] == "latest"]) == 2
