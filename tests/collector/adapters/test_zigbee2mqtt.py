"""zigbee2mqtt: documented example payloads, availability, and bad cases."""

from __future__ import annotations

import pytest

from collector.adapters.loader import parse_adapters
from hubsense.config import ConfigError
from tests.collector.adapters.support import RECEIVED_NS, cases, check, sample_adapter

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
    assert stats["ignored"]["bridge topic"] == 1 and stats["ignored"]["ignored device"] == 1


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
