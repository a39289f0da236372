"""Small helpers shared by tests: publishing, waiting, message factories."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import paho.mqtt.client as mqtt

from hubsense.contract import encode_payload, topic_for
from hubsense.mqtt import new_client, parse_mqtt_url


def presence(
    hub: str,
    desk: str,
    *,
    municipality: str,
    seq: int,
    ts: datetime,
    occupied: bool,
    heartbeat: bool = False,
    battery: int | None = 90,
) -> tuple[str, bytes]:
    return topic_for("hubs", municipality, hub, desk), encode_payload(
        sensor=f"{hub}-{desk}",
        seq=seq,
        ts=ts,
        occupied=occupied,
        heartbeat=heartbeat,
        battery=battery,
    )


def series(
    start: datetime,
    n: int,
    *,
    step_s: float = 1.0,
    hub: str = "svenstavik",
    municipality: str = "berg",
    desks: Iterable[str] = ("a01",),
) -> list[tuple[str, bytes]]:
    """n messages per desk, alternating occupied/free, step_s apart."""
    out = []
    for desk in desks:
        for i in range(n):
            out.append(
                presence(
                    hub,
                    desk,
                    municipality=municipality,
                    seq=i,
                    ts=start + timedelta(seconds=i * step_s),
                    occupied=i % 2 == 0,
                )
            )
    return out


def publish(
    url: str,
    messages: Iterable[tuple[str, bytes]],
    qos: int = 1,
    client_id: str = "test-publisher",
    retain: bool = False,
) -> int:
    """Publish and wait until the broker acknowledged every message (``retain``: as
    retained messages, which the broker hands every new subscription)."""
    client = new_client(parse_mqtt_url(url), client_id, protocol="3.1.1")
    client.max_inflight_messages_set(500)
    client.connect(parse_mqtt_url(url).host, parse_mqtt_url(url).port)
    client.loop_start()
    infos: list[mqtt.MQTTMessageInfo] = []
    try:
        for topic, payload in messages:
            infos.append(client.publish(topic, payload, qos=qos, retain=retain))
        for info in infos:
            info.wait_for_publish(timeout=30)
            assert info.is_published(), "broker did not acknowledge a publish"
    finally:
        client.disconnect()
        client.loop_stop()
    return len(infos)


PATIENCE_S = 60.0
"""How long a test waits for something that should happen. Tests check behaviour, not
speed: a busy CI machine may take many times longer than a quiet one, and a test that
passes waits no longer than it must. Speed targets live in benchmarks/."""


def wait_for(
    predicate: Callable[[], bool],
    timeout: float = PATIENCE_S,
    what: str | Callable[[], str] = "",
) -> None:
    """Poll until ``predicate`` holds; ``what`` (or what it returns) explains a time-out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    explained = what() if callable(what) else what
    raise AssertionError(f"timed out after {timeout}s waiting for {explained or predicate}")
