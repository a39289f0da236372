"""Two collectors sharing the load through an MQTT shared subscription store exactly what
one collector stores: the same events, the same rollups, the same live state.

Correctness does not depend on which collector sees a desk's messages: writes are
idempotent and keyed by (hub, desk, time), rollups are recomputed from the store, and the
API reads the store, not a collector's memory.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from collector import Collector
from hubsense.config import Settings
from hubsense.rollups import RollupUpdater
from hubsense.store.influx import InfluxStore
from simulators import BehaviourParams, FaultParams, is_open, simulate
from tests.helpers import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.dated]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
HUBS = ["krokom", "bracke"]


def snapshot(store: InfluxStore, registry, start: datetime, end: datetime) -> dict:
    lo, hi = int(start.timestamp()) * 10**9, int(end.timestamp()) * 10**9
    out: dict = {"count": store.count_events()}
    for hub in HUBS:
        out[hub] = {
            d.id: [(e.time_ns, e.occupied, e.seq) for e in store.timeline(hub, d.id, lo, hi)]
            for d in registry.hubs[hub].desks
        }
        out[hub + "/rollups"] = sorted(
            (r.desk, r.day, r.open_ns, r.occupied_ns, r.free_ns, r.offline_ns, r.stuck_ns)
            for r in store.desk_day_rollups(hub, lo, hi)
        )
        out[hub + "/live"] = {k: (v.time_ns, v.occupied) for k, v in store.latest(hub, 0).items()}
    return out


def run(registry, mosquitto, server, database, start, end, collectors: int, tmp_path):
    store = InfluxStore(server.url, database)
    store.open()
    running = []
    for i in range(collectors):
        cfg = Settings(
            mqtt_url=mosquitto.url,
            mqtt_client_id=f"{database}-c{i}",
            mqtt_share_group=database,
            store="influxdb",
            flush_interval_s=0.05,
            spool_path=tmp_path / f"{database}-{i}.db",
        )
        c = Collector(cfg, registry, store)
        c.start()
        assert c.wait_until_subscribed(10)
        running.append(c)
    report = simulate(
        registry,
        mosquitto.url,
        start,
        end,
        hubs=HUBS,
        seed=21,
        params=BehaviourParams(faults=FaultParams.none()),
    )
    wait_for(lambda: sum(c.acked for c in running) >= report.total, timeout=60)
    for c in running:
        c.stop()
    updater = RollupUpdater.from_settings(store, registry, running[0].settings)
    updater.mark_days("krokom", [start.date() + timedelta(days=i) for i in range(2)])
    updater.mark_days("bracke", [start.date() + timedelta(days=i) for i in range(2)])
    updater.flush()
    shot = snapshot(store, registry, start, end)
    store.close()
    return shot, [c.received for c in running], report.total


def test_two_collectors_store_what_one_stores(registry, mosquitto, influxd_server, tmp_path):
    day = datetime.now(STOCKHOLM).date() - timedelta(days=3)
    while not is_open(registry.hubs["krokom"], day):
        day -= timedelta(days=1)
    start = datetime.combine(day, datetime.min.time(), tzinfo=STOCKHOLM)
    end = start + timedelta(days=1)
    one, _, total = run(registry, mosquitto, influxd_server, "scale_one", start, end, 1, tmp_path)
    two, received, _ = run(
        registry, mosquitto, influxd_server, "scale_two", start, end, 2, tmp_path
    )
    assert one["count"] == total
    assert all(n > 0 for n in received), f"the load was not shared: {received}"
    assert sum(received) == total
    assert two == one
