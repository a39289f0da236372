"""Every adapter's documented example payloads, end to end: published to a real Mosquitto
(Disruptive Technologies: posted, signed, to the API's webhook, which republishes them),
collected with the adapter's sample configuration, stored in a real InfluxDB and in SQLite.

Exactly the expected events arrive (desk, state, battery, time), a copy of an earlier
message (a The Things Stack uplink resent with a new received_at) is stored once and is
no sequence restart, every bad case is stored as a rejection with its reason, and ignored
messages (availability, bridge topics, battery reports) are acknowledged without leaving
anything behind. The adapter's own counters say the same.
"""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest
from fastapi.testclient import TestClient

from api.webhooks import MqttPublisher
from collector import Collector
from collector.adapters import adapter_stats
from collector.adapters.loader import build_adapters, parse_adapters
from hubsense.store.influx import InfluxStore
from hubsense.store.sqlite import SqliteStore
from launch.app import create_app
from tests.collector.adapters.support import NAMES, cases, registry, sample_configs, settings
from tests.collector.adapters.test_disruptive import sign
from tests.helpers import publish, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.dated]


@pytest.fixture(params=["influxdb", "sqlite"])
def store(request, tmp_path):
    if request.param == "influxdb":
        server = request.getfixturevalue("influxd_server")
        found = InfluxStore(server.url, request.getfixturevalue("influx_db_name"))
    else:
        found = SqliteStore(tmp_path / "store.sqlite3")
    found.open()
    yield found
    found.close()


def post_to_webhook(cfg, reg, store, items) -> int:
    """Post DT bodies signed as a Data Connector does; the number the webhook forwarded."""
    publisher = MqttPublisher(cfg)
    app = create_app(cfg, reg, store, webhook_publisher=publisher)
    forwarded = 0
    try:
        with TestClient(app) as client:
            for case in items:
                token = sign(case.payload, cfg.dt_signature_secret, iat=int(time.time()))
                resp = client.post(
                    "/api/webhooks/disruptive-technologies",
                    content=case.payload,
                    headers={"X-Dt-Signature": token},
                )
                assert resp.status_code == 200, (case.name, resp.text)
                forwarded += resp.json()["status"] == "accepted"
    finally:
        publisher.close()
    return forwarded


@pytest.mark.parametrize("name", NAMES)
def test_documented_payloads_through_mosquitto_into_both_stores(name, mosquitto, store):
    reg = registry()
    cfg = settings(
        mqtt_url=mosquitto.url,
        flush_interval_s=0.05,
        dt_signature_secret="pipeline-secret",
    )
    adapters = build_adapters(parse_adapters(sample_configs(name), name), cfg, reg)
    collector = Collector(cfg, reg, store, adapters=adapters)
    collector.start()
    items = cases(name)
    try:
        assert collector.wait_until_subscribed(10)
        if name == "disruptive":
            sent = post_to_webhook(cfg, reg, store, items)
        else:
            sent = publish(mosquitto.url, [(c.topic, c.payload) for c in items])
        wait_for(
            lambda: collector.acked == sent,
            what=lambda: f"{sent} acked, have {collector.stats()}",
        )
    finally:
        collector.stop()

    events = [c for c in items if c.is_stored]
    expected_rejections = Counter(c.reject for c in items if c.reject)
    assert collector.accepted == len(events)
    assert collector.duplicates == sum(c.duplicate_of is not None for c in items)
    assert collector.dedup.seq.restarts == 0
    assert store.count_events() == len(events)
    assert store.rejection_counts() == dict(expected_rejections)
    for case in events:
        if case.time == "received":
            continue  # stamped with the collector's receive time
        t = case.time_ns(0)
        *_, stored = store.timeline("svenstavik", case.desk, t, t + 1)
        assert (stored.time_ns, stored.occupied, stored.battery) == (
            t,
            case.occupied,
            case.battery,
        ), case.name
    kept = store.rejections(limit=100)
    assert all(r.detail.startswith("[") for r in kept)  # named by the adapter that refused
    counts = adapter_stats(adapters)["adapters"]
    [mine] = counts.values()  # type: ignore[attr-defined]
    assert mine["accepted"] == sum(c.is_event for c in items)
    assert mine["rejected"] == dict(expected_rejections)
    ignored = sum(mine["ignored"].values())
    assert mine["accepted"] + sum(mine["rejected"].values()) + ignored == sent
    if name != "disruptive":  # the webhook answers some itself ("ignored"), unforwarded
        assert ignored == sum(c.ignore for c in items)


def test_uplink_identity_through_mosquitto_into_both_stores(mosquitto, store):
    """LoRaWAN frames as a network delivers them: an Elsys ERS Desk sends f_cnt 16
    (occupied), 17 (pending, published twice) and 18 (free); a VS341 uplink is published
    again with a new received_at. Stored: three events; no sequence gap, no restart, one
    duplicate."""
    reg = registry()
    cfg = settings(mqtt_url=mosquitto.url, flush_interval_s=0.05)
    adapters = build_adapters(parse_adapters(sample_configs("thethingsstack"), "tts"), cfg, reg)
    by = {c.name: c for c in cases("thethingsstack")}
    occupied = json.loads(by["elsys-ers-desk-occupied-f_cnt-omitted-when-zero"].payload)
    occupied["uplink_message"]["f_cnt"] = 16
    elsys = by["elsys-ers-desk-free-after-pending"].topic
    pending = by["elsys-ers-desk-pending-is-ignored"].payload
    first, resent = (
        by["milesight-vs341-occupied"],
        by["milesight-vs341-resent-with-new-received_at"],
    )
    messages = [
        (elsys, json.dumps(occupied).encode()),
        (elsys, pending),
        (elsys, pending),
        (elsys, by["elsys-ers-desk-free-after-pending"].payload),
        (first.topic, first.payload),
        (resent.topic, resent.payload),
    ]
    collector = Collector(cfg, reg, store, adapters=adapters)
    collector.start()
    try:
        assert collector.wait_until_subscribed(10)
        sent = publish(mosquitto.url, messages)
        wait_for(lambda: collector.acked == sent, what=lambda: str(collector.stats()))
    finally:
        collector.stop()
    stats = collector.stats()
    assert (stats["sequence_gaps"], stats["sequence_restarts"]) == (0, 0)
    assert (stats["accepted"], stats["duplicates"]) == (3, 1)
    assert store.count_events() == 3 and store.rejection_counts() == {}
    t = first.time_ns(0)
    [stored] = store.timeline("svenstavik", "l01", t, t + 1)
    assert stored.time_ns == t and stored.seq == 1204
