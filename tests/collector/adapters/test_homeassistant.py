"""Home Assistant binary_sensor state topics (ON/OFF, and mqtt_statestream's on/off)."""

from __future__ import annotations

import pytest

from collector.adapters.loader import parse_adapters
from hubsense.config import ConfigError
from hubsense.events import PresenceEvent, Rejection
from tests.collector.adapters.support import RECEIVED_NS, cases, check, sample_adapter

CASES = cases("homeassistant")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_documented_payloads(case):
    check(sample_adapter("homeassistant"), case)


def test_topic_map_names_the_device_for_other_topics():
    adapter = sample_adapter("homeassistant")
    [event] = adapter.parse("office/chair-sensor/state", b"ON", RECEIVED_NS)
    assert isinstance(event, PresenceEvent) and event.desk == "h01"


def test_case_sensitive_payloads_when_configured():
    adapter = sample_adapter("homeassistant")
    object.__setattr__(adapter.config, "case_sensitive", True)
    topic = "homeassistant/binary_sensor/desk_h01/state"
    [rejected] = adapter.parse(topic, b"on", RECEIVED_NS)
    assert isinstance(rejected, Rejection) and rejected.reason == "bad_schema"
    assert "(in any case)" not in rejected.detail
    [event] = adapter.parse(topic, b"ON", RECEIVED_NS)
    assert isinstance(event, PresenceEvent) and event.occupied is True


def test_mixed_case_payloads_are_one_state_by_default():
    adapter = sample_adapter("homeassistant")
    topic = "homeassistant/binary_sensor/desk_h01/state"
    states = [adapter.parse(topic, p, RECEIVED_NS)[0] for p in (b"On", b"oFF", b" on\n")]
    assert [getattr(e, "occupied", None) for e in states] == [True, False, True]
    assert adapter.parse(topic, b"UNAVAILABLE", RECEIVED_NS) == []
    assert adapter.parse(topic, b"unavailable", RECEIVED_NS) == []
    assert adapter.stats()["ignored"] == {"state unavailable": 2}  # counted as configured


def test_on_equal_to_off_is_a_config_error():
    for off in ("ON", "on"):  # the same payload in another case, when case does not count
        with pytest.raises(ConfigError, match="payload_on and payload_off must differ"):
            parse_adapters(
                f'[[adapter]]\ntype = "homeassistant"\npayload_off = "{off}"\n', "a.toml"
            )
