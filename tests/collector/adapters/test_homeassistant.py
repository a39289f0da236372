"""Home Assistant binary_sensor state topics (ON/OFF)."""

from __future__ import annotations

import pytest

from collector.adapters.loader import parse_adapters
from hubsense.config import ConfigError
from hubsense.events import PresenceEvent
from tests.collector.adapters.support import RECEIVED_NS, cases, check, sample_adapter

CASES = cases("homeassistant")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_documented_payloads(case):
    check(sample_adapter("homeassistant"), case)


def test_topic_map_names_the_device_for_other_topics():
    adapter = sample_adapter("homeassistant")
    [event] = adapter.parse("office/chair-sensor/state", b"ON", RECEIVED_NS)
    assert isinstance(event, PresenceEvent) and event.desk == "h01"


def test_statestream_lower_case_payloads_when_configured():
    adapter = sample_adapter("homeassistant")
    object.__setattr__(adapter.config, "payload_on", "on")
    [event] = adapter.parse("homeassistant/binary_sensor/desk_h01/state", b"on", RECEIVED_NS)
    assert event.occupied is True


def test_on_equal_to_off_is_a_config_error():
    with pytest.raises(ConfigError, match="payload_on and payload_off must differ"):
        parse_adapters('[[adapter]]\ntype = "homeassistant"\npayload_off = "ON"\n', "a.toml")
