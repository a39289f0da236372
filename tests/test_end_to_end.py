"""Simulator → real Mosquitto → collector → real InfluxDB → API, with exact expectations.

The simulator's ground truth says what every sensor reported; the API must show exactly
that: every published message stored once, the live state at the end of the run, and the
occupied intervals of each desk's timeline.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from collector import Collector
from hubsense.config import Settings
from hubsense.store.influx import InfluxStore
from launch.app import create_app
from simulators import BehaviourParams, FaultParams, is_open, simulate, to_ns
from tests.clock import ticking_clock
from tests.helpers import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.dated]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
HUB = "ostersund-centrum"
# A fixed ordinary Tuesday: the collector and the API are given a clock that reads this
# day's 11:00, so the test means the same on any date it runs on. (A date taken from the
# wall clock once fell on a Saturday, when the hub opens at 09:00 with a third of a
# weekday's visitors, and the morning had 5 changes instead of 16.)
DAY = date(2026, 11, 24)


def parse_ns(text: str) -> int:
    return to_ns(datetime.fromisoformat(text.replace("Z", "+00:00")))


@pytest.fixture
def influx_store(influxd_server, influx_db_name):
    store = InfluxStore(influxd_server.url, influx_db_name)
    store.open()
    yield store
    store.close()


def test_simulated_morning_arrives_exactly(registry, mosquitto, influx_store):
    settings = Settings(
        mqtt_url=mosquitto.url, store="influxdb", flush_interval_s=0.05, auth_enabled=False
    )
    start = datetime.combine(DAY, time(0), tzinfo=STOCKHOLM)
    end = datetime.combine(DAY, time(11), tzinfo=STOCKHOLM)
    assert is_open(registry.hubs[HUB], DAY)
    collector = Collector(settings, registry, influx_store, clock_ns=ticking_clock(end))
    collector.start()
    try:
        assert collector.wait_until_subscribed(10)
        no_faults = BehaviourParams(faults=FaultParams.none())
        report = simulate(
            registry, mosquitto.url, start, end, hubs=[HUB], seed=11, params=no_faults
        )
        truth = report.truth
        assert truth is not None
        arrivals = sum(
            1
            for desk in registry.hubs[HUB].desks
            for s, _e in truth.intervals(HUB, desk.id, to_ns(start), to_ns(end), reported=True)
        )
        assert arrivals > 10, "an ordinary Tuesday morning has arrivals"
        assert report.changes >= arrivals
        wait_for(lambda: collector.acked == report.total, what="all acked")
    finally:
        collector.stop()

    assert collector.stats()["rejected"] == {}
    assert collector.duplicates == 0
    assert influx_store.count_events(HUB) == report.total

    end_ns = to_ns(end)
    app = create_app(settings, registry, influx_store, clock=lambda: end_ns)
    client = TestClient(app)

    live = client.get(f"/api/hubs/{HUB}/live").json()
    expected = {
        d.id: truth.occupied(HUB, d.id, end_ns - 1, reported=True)
        for d in registry.hubs[HUB].desks
    }
    assert {d["desk"]: d["occupied"] for d in live["desks"]} == expected
    assert live["counts"]["occupied"] == sum(expected.values()) > 0
    assert live["counts"]["offline"] == 0 and not live["stale"]

    for desk in registry.hubs[HUB].desks:
        body = client.get(
            f"/api/hubs/{HUB}/desks/{desk.id}/timeline",
            params={"start": start.isoformat(), "end": end.isoformat()},
        ).json()
        occupied = [
            (parse_ns(i["start"]), parse_ns(i["end"]))
            for i in body["intervals"]
            if i["state"] == "occupied"
        ]
        want = list(truth.intervals(HUB, desk.id, to_ns(start), end_ns, reported=True))
        assert occupied == want, desk.id
        # Heartbeats keep every sensor known all morning: no unknown time after the first
        # message of the day.
        assert body["totals_s"].get("unknown", 0) < settings.heartbeat_s
