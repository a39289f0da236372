"""zigbee2mqtt: documented example payloads, availability, and bad cases."""

from __future__ import annotations

import pytest

from collector.adapters.common import Limits
from collector.adapters.loader import parse_adapters
from collector.adapters.zigbee2mqtt import Zigbee2MqttAdapter
from hubsense.config import ConfigError
from hubsense.events import PresenceEvent, Rejection
from tests.collector.adapters.support import (
    RECEIVED_NS,
    Case,
    cases,
    check,
    registry,
    sample_adapter,
)

CASES = cases("zigbee2mqtt")


@pytest.fixture(scope="module")
def adapter():
    return sample_adapter("zigbee2mqtt")


def test_subscribes_under_the_hubs_base_topic(adapter):
    assert adapter.topics() == ["zigbee2mqtt/svenstavik/#"]
    assert adapter.name == "z2m-svenstavik"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_documented_payloads(case):
    check(sample_adapter("zigbee2mqtt"), case)


def test_availability_is_tracked_per_sensor_not_turned_into_presence():
    adapter = sample_adapter("zigbee2mqtt")
    for case in CASES:  # in file order: z01 offline, z02 offline, z01 online again
        adapter.parse(case.topic, case.payload, RECEIVED_NS)
    latest = adapter.availability.latest()
    assert latest["0x00158d0001e4e5f6"] == (True, RECEIVED_NS)
    assert latest["z2m-desk-z02"] == (False, RECEIVED_NS)
    assert adapter.availability.offline() == ["z2m-desk-z02"]
    assert adapter.availability.reports == {"offline": 2, "online": 1}
    stats = adapter.stats()
    assert stats["sensors_unavailable"] == ["z2m-desk-z02"]
    assert stats["availability"] == {"0x00158d0001e4e5f6": "online", "z2m-desk-z02": "offline"}
    assert stats["ignored"]["bridge topic"] == 2 and stats["ignored"]["ignored device"] == 1
    assert stats["rejected"] == {"unknown_desk": 1, "bad_schema": 4, "bad_json": 1}
    assert stats["accepted"] == sum(c.is_event for c in CASES)


def test_any_message_from_a_sensor_reported_offline_clears_it():
    adapter = sample_adapter("zigbee2mqtt")
    occupied = by_name("aqara-occupied")
    offline = by_name("availability-legacy-offline")
    adapter.parse(offline.topic, offline.payload, RECEIVED_NS)
    assert adapter.availability.offline_since() == {"0x00158d0001e4e5f6": RECEIVED_NS}
    bad = by_name("occupancy-as-string")  # a rejected message says nothing of the sensor
    adapter.parse(bad.topic, bad.payload, RECEIVED_NS + 1)
    assert adapter.availability.offline() == ["0x00158d0001e4e5f6"]
    adapter.parse(occupied.topic, occupied.payload, RECEIVED_NS + 2)
    assert adapter.availability.offline() == []
    assert adapter.availability.latest()["0x00158d0001e4e5f6"] == (True, RECEIVED_NS + 2)
    assert adapter.availability.reports["cleared by a message"] == 1


def test_ignored_topics_are_told_before_the_payload_size():
    adapter = sample_adapter("zigbee2mqtt")
    huge = b"[" + b"{}," * 100_000 + b"{}]"
    for topic in (
        "zigbee2mqtt/svenstavik/bridge/devices",
        "zigbee2mqtt/svenstavik/bridge/definitions",
        "zigbee2mqtt/svenstavik/0x00158d0001e4e5f6/set",
    ):
        assert adapter.parse(topic, huge, RECEIVED_NS) == [], topic
    [result] = adapter.parse("zigbee2mqtt/svenstavik/0x00158d0001e4e5f6", huge, RECEIVED_NS)
    assert isinstance(result, Rejection) and result.reason == "oversize"
    assert "limit 4096" in result.detail
    assert adapter.stats()["ignored"] == {"bridge topic": 2, "set topic": 1}


def test_a_size_limit_of_its_own():
    [config] = parse_adapters(
        '[[adapter]]\ntype = "zigbee2mqtt"\nmax_payload_bytes = 65536\n', "inline"
    )
    adapter = Zigbee2MqttAdapter(registry(), Limits(max_payload_bytes=4096), config)  # type: ignore[arg-type]
    state = b'{"occupancy":true,"note":"' + b"x" * 10_000 + b'"}'
    [event] = adapter.parse("zigbee2mqtt/0x00158d0001e4e5f6", state, RECEIVED_NS)
    assert isinstance(event, PresenceEvent) and event.occupied is True
    with pytest.raises(ConfigError, match="max_payload_bytes"):
        parse_adapters('[[adapter]]\ntype = "zigbee2mqtt"\nmax_payload_bytes = 1\n', "a.toml")


def by_name(name: str) -> Case:
    return next(c for c in CASES if c.name == name)


def test_presence_field_for_mmwave_sensors():
    [config] = parse_adapters(
        '[[adapter]]\ntype = "zigbee2mqtt"\nstate_field = "presence"\n', "inline"
    )
    from collector.adapters.common import Limits
    from collector.adapters.zigbee2mqtt import Zigbee2MqttAdapter
    from tests.collector.adapters.support import registry

    adapter = Zigbee2MqttAdapter(registry(), Limits(), config)  # type: ignore[arg-type]
    [event] = adapter.parse(
        "zigbee2mqtt/0x00158d0001e4e5f6", b'{"presence":true,"linkquality":60}', RECEIVED_NS
    )
    assert event.occupied is True and adapter.topics() == ["zigbee2mqtt/#"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('base_topic = "zigbee2mqtt/#"', "wildcards"),
        ('topics = ["zigbee2mqtt/#/x"]', "'#' must be a whole level"),
        ('device_map = { "a" = "Not_An_Id" }', "registry sensor id"),
        ("colour = 1", "Extra inputs are not permitted"),
    ],
)
def test_config_errors_say_where_and_why(text, problem):
    with pytest.raises(ConfigError) as err:
        parse_adapters(f'[[adapter]]\ntype = "zigbee2mqtt"\n{text}\n', "adapters.toml")
    assert "adapters.toml: adapter[0] (zigbee2mqtt)" in str(err.value)
    assert problem in str(err.value)
