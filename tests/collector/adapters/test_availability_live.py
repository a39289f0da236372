"""zigbee2mqtt on a real network, end to end: through a real Mosquitto, a collector with
the adapter's sample configuration, the store (InfluxDB and SQLite), the collector's
stats file and the API.

- The retained ``bridge/devices`` (195 KB) is ignored by its topic, on the first
  subscription and again after a restart: never an ``oversize`` rejection.
- An ``offline`` availability report makes the desk offline at once on the live view
  (its tile and the hub's counts) and in the needs-attention list, long before
  ``offline_after_s``.
- A restarted collector (same client id, persistent session) re-reads the retained
  availability when it subscribes again: the desk stays offline.
- The sensor's next message clears it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from collector import Collector
from collector.adapters import adapter_stats
from collector.adapters.common import BaseAdapter
from collector.adapters.loader import build_adapters, parse_adapters
from hubsense.availability import read_unavailable
from hubsense.config import Settings
from hubsense.query.attention import region_attention
from hubsense.query.context import QueryContext
from hubsense.statsfile import write_stats
from hubsense.store.base import Store
from hubsense.store.influx import InfluxStore
from launch.app import create_app
from tests.collector.adapters.support import cases, registry, sample_configs, settings
from tests.helpers import publish, wait_for

pytestmark = pytest.mark.integration

BASE = "zigbee2mqtt/svenstavik"
SENSOR = "0x00158d0001e4e5f6"  # desk z01
# A Wednesday morning in the hub's opening hours (the attention list counts offline
# desks only while the hub is open); the clock runs on from there.
START_NS = int(datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Europe/Stockholm")).timestamp())
START_NS *= 10**9
T0 = time.monotonic_ns()


def clock() -> int:
    return START_NS + time.monotonic_ns() - T0


def payload(name: str) -> bytes:
    [case] = [c for c in cases("zigbee2mqtt") if c.name == name]
    return case.payload


@pytest.fixture(params=["influxdb", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "influxdb":
        server = request.getfixturevalue("influxd_server")
        found: Store = InfluxStore(server.url, request.getfixturevalue("influx_db_name"))
    else:
        from hubsense.store.sqlite import SqliteStore

        found = SqliteStore(tmp_path / "store.sqlite3")
    found.open()
    yield found
    found.close()


class Running:
    """One collector run with fresh adapters (nothing remembered from an earlier run)."""

    def __init__(self, cfg: Settings, store: Store) -> None:
        self.cfg = cfg
        self.adapters = build_adapters(
            parse_adapters(sample_configs("zigbee2mqtt"), "sample"), cfg, registry()
        )
        self.collector = Collector(cfg, registry(), store, adapters=self.adapters, clock_ns=clock)

    def __enter__(self) -> Running:
        self.collector.start()
        assert self.collector.wait_until_subscribed(30)
        return self

    def __exit__(self, *exc: object) -> None:
        self.collector.stop()

    def acked(self, count: int) -> None:
        wait_for(
            lambda: self.collector.acked >= count,
            what=lambda: f"{count} acked, have {self.collector.stats()}",
        )

    def write_stats(self) -> None:
        """What ``hubsense collector`` writes every few seconds."""
        assert self.cfg.collector_stats_file is not None
        write_stats(
            self.cfg.collector_stats_file,
            {**self.collector.stats(), **adapter_stats(self.adapters)},
        )

    @property
    def z2m(self) -> BaseAdapter:
        [adapter] = self.adapters
        assert isinstance(adapter, BaseAdapter)
        return adapter


def desk_z01(cfg: Settings, store: Store) -> tuple[dict, int]:
    """Desk z01 on the live view (the API's JSON) and the hub's offline count."""
    app = create_app(cfg, registry(), store, clock=clock)
    with TestClient(app) as client:
        body = client.get("/api/hubs/svenstavik/live").json()
    [z01] = [d for d in body["desks"] if d["desk"] == "z01"]
    return z01, body["counts"]["offline"]


def attention_for_z01(cfg: Settings, store: Store) -> list[str]:
    unavailable = read_unavailable(cfg.collector_stats_file)
    ctx = QueryContext(store, registry(), cfg, clock(), unavailable)
    [hub] = region_attention(ctx, stuck=())
    return [item.kind for item in hub.items if item.desk == "z01"]


def test_availability_reaches_the_live_view_survives_a_restart_and_clears(
    mosquitto, store, tmp_path
):
    cfg = settings(
        mqtt_url=mosquitto.url,
        mqtt_client_id="hubsense-availability-test",
        flush_interval_s=0.05,
        collector_stats_file=tmp_path / "collector-stats.json",
    )
    bridge_devices = payload("retained-bridge-devices-is-ignored-not-oversize")
    assert len(bridge_devices) > 40 * cfg.max_payload_bytes

    with Running(cfg, store) as run:
        publish(mosquitto.url, [(f"{BASE}/{SENSOR}", payload("aqara-occupied"))])
        run.acked(1)
        run.write_stats()
        z01, offline_before = desk_z01(cfg, store)
        assert (z01["state"], z01["network_offline"]) == ("occupied", False)
        assert attention_for_z01(cfg, store) == []

        retained = [
            (f"{BASE}/bridge/devices", bridge_devices),
            (f"{BASE}/{SENSOR}/availability", payload("availability-legacy-offline")),
        ]
        publish(mosquitto.url, retained, retain=True)
        run.acked(3)
        run.write_stats()
        z01, offline_now = desk_z01(cfg, store)
        assert (z01["state"], z01["network_offline"], z01["last_occupied"]) == (
            "offline",
            True,
            True,
        )
        assert z01["seconds_since_seen"] < cfg.offline_after_s  # offline at once
        assert offline_now == offline_before + 1
        assert attention_for_z01(cfg, store) == ["offline"]
        assert run.z2m.stats()["ignored"] == {"bridge topic": 1, "availability offline": 1}

    # A new collector process: nothing in memory; the broker hands the same session the
    # retained messages again when it subscribes.
    with Running(cfg, store) as run:
        run.acked(2)
        assert run.z2m.availability.offline() == [SENSOR]
        assert run.z2m.stats()["ignored"] == {"bridge topic": 1, "availability offline": 1}
        run.write_stats()
        z01, _ = desk_z01(cfg, store)
        assert (z01["state"], z01["network_offline"]) == ("offline", True)

        publish(mosquitto.url, [(f"{BASE}/{SENSOR}", payload("aqara-clear"))])
        run.acked(3)
        run.write_stats()
        z01, offline_after = desk_z01(cfg, store)
        assert (z01["state"], z01["network_offline"]) == ("free", False)
        assert offline_after == offline_before
        assert attention_for_z01(cfg, store) == []
        assert run.z2m.availability.offline() == []
        assert run.z2m.stats()["accepted"] == 1

    assert store.count_events() == 2
    assert store.rejection_counts() == {}  # the 195 KB bridge/devices was never "oversize"
