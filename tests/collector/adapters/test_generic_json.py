"""The generic JSON adapter: field paths, value lists, timestamp formats, device sources."""

from __future__ import annotations

import pytest

from collector.adapters.common import Limits
from collector.adapters.generic_json import GenericJsonAdapter
from collector.adapters.loader import parse_adapters
from hubsense.config import ConfigError
from hubsense.events import PresenceEvent, Rejection
from tests.collector.adapters.support import (
    RECEIVED_NS,
    cases,
    check,
    registry,
    sample_adapter,
)

CASES = cases("generic_json")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_documented_payloads(case):
    check(sample_adapter("generic_json"), case)


def adapter_for(options: str) -> GenericJsonAdapter:
    [config] = parse_adapters(
        f'[[adapter]]\ntype = "json"\ntopics = ["desks/#"]\n{options}\n', "inline"
    )
    return GenericJsonAdapter(registry(), Limits(max_age_s=1e9), config)  # type: ignore[arg-type]


def test_device_from_topic_nested_paths_and_epoch_ms():
    adapter = adapter_for(
        'device = { topic_level = -1 }\nstate_path = "data.state"\n'
        'true_values = ["occupied", 1]\nfalse_values = ["vacant", 0]\n'
        'timestamp = { path = "data.ts", format = "epoch_ms" }\n'
        'battery_path = "data.bat"\nrssi_path = "radio.rssi"\nseq_path = "n"\n'
    )
    body = (
        b'{"n": 7, "data": {"state": "occupied", "ts": 1764063243512, "bat": 77.4},'
        b' "radio": {"rssi": -61}}'
    )
    [event] = adapter.parse("desks/svenstavik/pir-j02", body, RECEIVED_NS)
    assert isinstance(event, PresenceEvent)
    assert (event.desk, event.occupied, event.seq, event.battery, event.rssi) == (
        "j02",
        True,
        7,
        77,
        -61,
    )
    assert event.time_ns == 1764063243512 * 10**6
    [free] = adapter.parse(
        "desks/svenstavik/pir-j02", b'{"data":{"state":0,"ts":1764063300000}}', RECEIVED_NS
    )
    assert free.occupied is False
    [bad] = adapter.parse(
        "desks/svenstavik/pir-j02", b'{"data":{"state":true,"ts":1764063300000}}', RECEIVED_NS
    )
    assert isinstance(bad, Rejection) and "neither" in bad.detail  # true is not 1


def test_without_timestamp_the_receive_time_is_used():
    adapter = adapter_for('device = { path = "id" }\nstate_path = "occ"\n')
    [event] = adapter.parse("desks/x", b'{"id": "pir-j02", "occ": true}', RECEIVED_NS)
    assert event.time_ns == RECEIVED_NS


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ('state_path = "s"', "device"),
        ('device = { topic_level = 1, path = "x" }\nstate_path = "s"', "exactly one"),
        (
            'device = { path = "x" }\nstate_path = "s"\ntrue_values = [1]\nfalse_values = [1]',
            "both true and false",
        ),
        (
            'device = { path = "x" }\nstate_path = "s"\n'
            'timestamp = { path = "t", format = "unix" }',
            "timestamp.format",
        ),
    ],
)
def test_config_errors(options, problem):
    with pytest.raises(ConfigError, match=problem):
        parse_adapters(f'[[adapter]]\ntype = "json"\ntopics = ["d/#"]\n{options}\n', "a.toml")


def test_generic_needs_topics():
    with pytest.raises(ConfigError, match="needs its topic filters"):
        parse_adapters(
            '[[adapter]]\ntype = "json"\ndevice = { path = "x" }\nstate_path = "s"\n', "a.toml"
        )
