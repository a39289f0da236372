from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import paho.mqtt.client as mqtt
import pytest

from hubsense.contract import PresencePayload
from hubsense.devservers import Mosquitto
from hubsense.registry import Registry
from simulators import NS, MessageStream, PublishError, SimClock, simulate, to_ns

pytestmark = pytest.mark.dated


TZ = ZoneInfo("Europe/Stockholm")


class FakeMonotonic:
    def __init__(self) -> None:
        self.ns = 5_000_000_000

    def __call__(self) -> int:
        return self.ns


def test_simclock_runs_at_speed_and_across_dst() -> None:
    mono = FakeMonotonic()
    start = datetime(2026, 3, 29, 1, 30, tzinfo=TZ)  # 30 min before clocks go forward
    clock = SimClock(start, 3600, monotonic_ns=mono)
    assert clock.now() == start and clock.time_ns() == to_ns(start)
    mono.ns += NS  # one real second = one simulated hour
    assert clock.time_ns() == to_ns(start) + 3600 * NS
    now = clock.now()
    assert now.tzinfo is TZ
    assert (now.hour, now.minute, now.utcoffset()) == (3, 30, timedelta(hours=2))
    assert clock() == now
    assert clock.real_seconds_until(to_ns(start) + 7200 * NS) == pytest.approx(1.0)


def test_simclock_rejects_naive_start_and_bad_speed() -> None:
    with pytest.raises(ValueError):
        SimClock(datetime(2026, 1, 1), 1)
    with pytest.raises(ValueError):
        SimClock(datetime(2026, 1, 1, tzinfo=UTC), 0)


def test_unreachable_broker_is_a_clear_error(registry: Registry) -> None:
    from hubsense.devservers import free_port

    start = datetime(2026, 5, 6, 8, tzinfo=TZ)
    with pytest.raises(PublishError, match="cannot connect"):
        simulate(registry, f"mqtt://127.0.0.1:{free_port()}", start,
                 start + timedelta(minutes=5), hubs=["bracke"])
    with pytest.raises(ValueError):
        simulate(registry, "http://127.0.0.1:1883", start, start + timedelta(minutes=5))
    with pytest.raises(ValueError):
        simulate(registry, "mqtt://127.0.0.1:1883", start, None)  # backfill needs an end


@contextmanager
def subscriber(url: str) -> Iterator[list[mqtt.MQTTMessage]]:
    host, port = url.removeprefix("mqtt://").split(":")
    received: list[mqtt.MQTTMessage] = []
    subscribed = threading.Event()
    client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
                         client_id="sim-test-subscriber")
    client.on_connect = lambda c, u, f, rc, p: c.subscribe("hubs/#", qos=1)
    client.on_subscribe = lambda c, u, mid, rcs, p: subscribed.set()
    client.on_message = lambda c, u, m: received.append(m)
    client.connect(host, int(port))
    client.loop_start()
    try:
        assert subscribed.wait(10), "no SUBACK"
        yield received
    finally:
        client.disconnect()
        client.loop_stop()


def _wait_for(received: list[mqtt.MQTTMessage], n: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while len(received) < n and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)  # anything extra would show up now


@pytest.mark.integration
def test_backfill_one_hub_day_arrives_exactly(registry: Registry, mosquitto: Mosquitto) -> None:
    day = date(2026, 5, 6)
    with subscriber(mosquitto.url) as received:
        report = simulate(registry, mosquitto.url, day, day + timedelta(days=1), seed=4,
                          hubs=["svenstavik"])
        _wait_for(received, report.total)
    assert report.total == len(received) > 12 * 24 * 12 - 12
    assert report.total == report.changes + report.heartbeats
    assert report.per_hub == {"svenstavik": report.total}
    assert report.changes > 0 and not report.stopped
    kinds = Counter(PresencePayload.model_validate_json(m.payload).kind for m in received)
    assert kinds == {"change": report.changes, "heartbeat": report.heartbeats}
    assert all(m.qos == 1 for m in received)
    # what was published is exactly what the stream generates (same seed, same truth)
    expected = [
        (m.topic, m.payload)
        for m in MessageStream(registry, datetime(2026, 5, 6, tzinfo=TZ),
                               datetime(2026, 5, 7, tzinfo=TZ), seed=4, hubs=["svenstavik"])
    ]
    assert sorted((m.topic, m.payload) for m in received) == sorted(expected)
    assert report.truth is not None
    assert report.truth.day("svenstavik", day).is_open
    assert set(report.next_seq) == {d.sensor for d in registry.hubs["svenstavik"].desks}
    assert "svenstavik" in str(report)


@pytest.mark.integration
def test_paced_run_follows_the_clock_and_stops(registry: Registry, mosquitto: Mosquitto) -> None:
    start = datetime(2026, 5, 6, 9, 0, tzinfo=TZ)
    stop = threading.Event()
    clock = SimClock(start, speed=1800)  # half a simulated hour per real second
    with subscriber(mosquitto.url) as received:
        timer = threading.Timer(1.5, stop.set)
        timer.start()
        t0 = time.monotonic()
        report = simulate(registry, mosquitto.url, None, None, speed=1800, clock=clock,
                          hubs=["hammarstrand"], stop_event=stop, seed=1)
        elapsed = time.monotonic() - t0
        _wait_for(received, report.total)
    timer.cancel()
    assert report.stopped
    assert 1.4 < elapsed < 4
    assert report.total == len(received) > 0
    # nothing was sent before the shared clock reached its timestamp
    assert report.last_ns is not None and report.last_ns <= clock.time_ns()
    stamps = [to_ns(PresencePayload.model_validate_json(m.payload).ts) for m in received]
    assert min(stamps) >= to_ns(start)
    assert max(stamps) <= to_ns(start) + int(1800 * 1.6 * NS)
    # about 45 simulated minutes: each of the 6 sensors heartbeats ~9 times
    assert 6 * 5 <= report.heartbeats <= 6 * 11


@pytest.mark.integration
def test_paced_run_with_an_injected_clock_catches_up(
    registry: Registry, mosquitto: Mosquitto
) -> None:
    start = datetime(2026, 5, 6, 9, 0, tzinfo=TZ)
    end = start + timedelta(hours=2)

    def later() -> datetime:  # a clock that is already past the whole run
        return end + timedelta(minutes=1)

    t0 = time.monotonic()
    report = simulate(registry, mosquitto.url, start, end, speed=1.0, clock=later,
                      hubs=["hammarstrand"])
    assert time.monotonic() - t0 < 3
    assert not report.stopped
    assert report.heartbeats >= 6 * 23
